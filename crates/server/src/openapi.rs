//! The OpenAPI document, generated from the handlers' annotations and the
//! request/response types (served at `/api/openapi.json`).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{attachments, error, http, orders, requests, staff};

#[derive(OpenApi)]
#[openapi(
    info(title = "Aftersales Portal API", description = "Backend contract v1 (API.md)"),
    paths(
        http::health,
        http::policy,
        http::store,
        orders::lookup,
        requests::file_request,
        requests::get_request,
        requests::feedback,
        attachments::upload,
        staff::login,
        staff::logout,
        staff::list,
        staff::detail,
        staff::transition,
        staff::attachment,
        staff::audit_trail,
    ),
    components(schemas(
        error::ErrorBody,
        error::ErrorContent,
        error::FieldError,
        http::Health,
        http::Store,
        requests::NewRequest,
        requests::Contact,
        requests::FiledResponse,
        requests::Due,
        requests::RequestView,
        requests::HistoryEntry,
        requests::NewFeedback,
        requests::FeedbackView,
        requests::LevelView,
        attachments::AttachmentInfo,
        staff::Login,
        staff::Session,
        staff::RequestList,
        staff::RequestSummary,
        staff::RequestDetail,
        staff::StaffHistoryEntry,
        staff::AuditEntry,
        staff::AuditRecord,
        staff::Transition,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "public", description = "Used by the customer portal"),
        (name = "staff", description = "Requires a staff bearer token"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}
