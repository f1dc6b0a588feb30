//! The OpenAPI document, generated from the handlers' annotations and the
//! request/response types (served at `/api/openapi.json`).

use aftersales_contract::RequestStatus;
use aftersales_rules::decision::ComplaintAbout;
use aftersales_rules::RequestType;
use serde_json::{json, Value};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::Object;
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
        staff::session::open,
        staff::session::current,
        staff::session::close,
        staff::queue::list,
        staff::queue::counts,
        staff::export::export,
        staff::reports::report,
        staff::accounts::list,
        staff::accounts::create,
        staff::accounts::update,
        staff::notes::add,
        staff::service_levels::record,
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
        staff::session::ConsoleSession,
        staff::queue::RequestList,
        staff::queue::RequestSummary,
        staff::queue::QueueCounts,
        aftersales_contract::reports::Report,
        aftersales_contract::reports::Series,
        aftersales_contract::reports::LevelReport,
        aftersales_contract::reports::CloseTime,
        aftersales_contract::reports::Ratings,
        staff::accounts::AccountView,
        staff::accounts::AccountList,
        staff::accounts::NewAccount,
        staff::accounts::AccountUpdate,
        staff::notes::NewInternalNote,
        staff::service_levels::LevelRecord,
        crate::store::requests::InternalNote,
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

/// A query filter that is one of `values` when given.
fn one_of(values: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

/// The queue's `status` filter.
pub fn status_filter() -> Object {
    one_of(RequestStatus::ALL.iter().map(|s| s.as_str()))
}

/// The queue's `outcome` filter.
pub fn outcome_filter() -> Object {
    one_of(aftersales_rules::Outcome::ALL.iter().map(|o| o.as_str()))
}

/// The queue's `type` filter.
pub fn request_type_filter() -> Object {
    one_of(RequestType::ALL.iter().map(|t| t.as_str()))
}

/// The document `/api/openapi.json` serves: the generated one, made to say what
/// the server does as an API fuzzer reads it. The filing's `case` gets the
/// engine's shapes (any JSON object it calls valid reads; what the engine then
/// cannot decide is a `422`), and every operation the answers it can give: `400`
/// for a malformed path, query or body, `413`/`415` for a JSON body too large or
/// not JSON, `401` without a valid staff session. Amended as JSON: utoipa's
/// types cannot hold `const`, `oneOf` without a type, or `null` in an `enum`.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    case_schemas(&mut doc);
    common_responses(&mut doc);
    doc
}

fn case_schemas(doc: &mut Value) {
    let whole = json!({"type": "integer", "format": "int64",
        "minimum": i64::MIN, "maximum": i64::MAX});
    let instant = json!({"type": "string", "format": "date-time",
        "description": "RFC 3339 with an offset, seconds 00 to 59"});
    let request_types: Vec<&str> = RequestType::ALL.iter().map(|t| t.as_str()).collect();
    let about: Vec<&str> = ComplaintAbout::ALL.iter().map(|a| a.as_str()).collect();
    let schemas = json!({
        "Filing": {
            "type": "object",
            "description": "The engine's case without `now` (docs/check-cli.md, \"Case\").",
            "required": ["order", "request"],
            "properties": {
                "order": {"$ref": "#/components/schemas/CaseOrder"},
                "request": {"$ref": "#/components/schemas/CaseRequest"},
                "facts": {
                    "type": "object",
                    "description": "Known facts; a key left out is unknown.",
                    "properties": {
                        "packaging_unopened": {"type": ["boolean", "null"]},
                        "goods_intact": {"type": ["boolean", "null"]}
                    }
                },
                "documents": {
                    "type": ["array", "null"],
                    "description": "Documents the customer holds; null = unknown.",
                    "items": {"type": "string"}
                }
            }
        },
        "CaseOrder": {
            "type": "object",
            "required": ["number", "ordered_at", "fulfilment", "lines"],
            "properties": {
                "number": {"type": "string"},
                "ordered_at": instant,
                "currency": {"type": "string", "description": "ISO 4217; the policy's when empty"},
                "fulfilment": {"$ref": "#/components/schemas/Fulfilment"},
                "lines": {"type": "array", "items": {"$ref": "#/components/schemas/OrderLine"}}
            }
        },
        "Fulfilment": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["state"],
                    "properties": {"state": {"const": "pending"}, "at": {"type": "null"}}
                },
                {
                    "type": "object",
                    "required": ["state", "at"],
                    "properties": {"state": {"enum": ["delivered", "picked_up"]}, "at": instant}
                }
            ]
        },
        "OrderLine": {
            "type": "object",
            "required": ["id", "kind", "quantity", "unit_price"],
            "properties": {
                "id": {"type": "string"},
                "sku": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"type": "string", "description": "A product kind of the policy"},
                "quantity": whole,
                "unit_price": {"description": "Minor units (fen)", "allOf": [whole]}
            }
        },
        "CaseRequest": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"type": "string", "enum": request_types},
                "lines": {"type": "array", "items": {"type": "string"},
                    "description": "Line ids; empty = every line"},
                "reason": {"type": ["string", "null"]},
                "about": {"type": ["string", "null"], "enum": about.iter().map(|a| json!(a))
                    .chain([Value::Null]).collect::<Vec<_>>()}
            }
        }
    });
    let Some(components) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if let Value::Object(schemas) = schemas {
        components.extend(schemas);
    }
    if let Some(new_request) = components
        .get_mut("NewRequest")
        .and_then(|s| s.get_mut("properties"))
    {
        new_request["case"] = json!({"$ref": "#/components/schemas/Filing"});
        new_request["id"]["format"] = json!("uuid");
        new_request["filed_at"]["format"] = json!("date-time");
    }
}

fn common_responses(doc: &mut Value) {
    let error = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(Value::as_object_mut)
    {
        let has_params = operation
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
        let json_body = operation
            .get("requestBody")
            .and_then(|b| b.pointer("/content/application~1json"))
            .is_some();
        let body = operation.contains_key("requestBody");
        let secured = operation
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| !s.is_empty());
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut add = |status: &str, description: &str| {
            responses
                .entry(status)
                .or_insert_with(|| error(description));
        };
        if has_params || body {
            add("400", "Malformed path, query or body");
        }
        if json_body {
            add("413", "Body too large");
            add("415", "Not JSON");
        }
        if secured {
            add("401", "Not signed in, or the session has ended");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_every_answer_and_the_case_shape() {
        let doc = document();
        let transition = &doc["paths"]["/api/staff/requests/{id}/transition"]["post"];
        for status in ["400", "401", "413", "415"] {
            assert!(
                transition["responses"].get(status).is_some(),
                "{status}: {transition}"
            );
        }
        assert!(doc["paths"]["/api/staff/logout"]["post"]["responses"]
            .get("401")
            .is_some());
        assert_eq!(
            doc["components"]["schemas"]["NewRequest"]["properties"]["case"]["$ref"],
            "#/components/schemas/Filing"
        );
        let phone = &doc["paths"]["/api/orders/{number}"]["get"]["parameters"][1];
        assert_eq!(phone["in"], "query");
        assert_eq!(phone["required"], true);
    }
}
