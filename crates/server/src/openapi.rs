//! The OpenAPI document, generated from the handlers' annotations and the
//! request/response types (served at `/api/openapi.json`).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error;
use crate::routes::{attachments, meta, orders, requests, staff, tracking};
use crate::store;

#[derive(OpenApi)]
#[openapi(
    info(title = "Aftersales Portal API", description = "Backend contract v1 (docs/api.md)"),
    paths(
        meta::health,
        meta::policy,
        meta::store,
        meta::embedding,
        orders::lookup,
        requests::file_request,
        tracking::get_request,
        tracking::feedback,
        attachments::upload,
        staff::session::login,
        staff::session::logout,
        staff::queue::list,
        staff::detail::detail,
        staff::transitions::transition,
        staff::detail::attachment,
        staff::audit::audit_trail,
    ),
    components(schemas(
        error::ErrorBody,
        error::ErrorContent,
        error::FieldError,
        meta::Health,
        meta::Store,
        meta::Embedding,
        aftersales_contract::NewRequest,
        aftersales_contract::Contact,
        aftersales_contract::FiledResponse,
        aftersales_contract::Due,
        aftersales_contract::RequestView,
        aftersales_contract::HistoryEntry,
        aftersales_contract::NewFeedback,
        aftersales_contract::FeedbackView,
        store::requests::LevelView,
        store::attachments::AttachmentInfo,
        staff::session::Login,
        staff::session::Session,
        staff::queue::RequestList,
        staff::queue::RequestSummary,
        staff::detail::RequestDetail,
        staff::detail::StaffHistoryEntry,
        staff::detail::AuditEntry,
        staff::audit::AuditRecord,
        staff::transitions::Transition,
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
