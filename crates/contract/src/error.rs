//! The API's error body, `{"error": {"code", "message", "fields", "detail"?}}`,
//! and its codes.

use std::borrow::Cow;

use aftersales_rules::ErrorCode as CaseCode;
use serde::{Deserialize, Serialize};

/// Generates a string code enum: the listed codes, the rule engine's codes
/// (`Case`) and any other string (`Other`, from a newer server), each written
/// as its plain JSON string.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A code of the rule engine: a case it cannot decide.
            Case(CaseCode),
            /// A code this build does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The codes of this enum besides the engine's.
            pub const LISTED: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Case(code) => code.as_str(),
                    $name::Other(text) => text,
                }
            }

            /// Never fails: an unknown code becomes `Other`.
            pub fn parse(text: &str) -> $name {
                match text {
                    $($text => $name::$variant,)*
                    _ => match CaseCode::parse(text) {
                        Some(code) => $name::Case(code),
                        None => $name::Other(text.to_owned()),
                    },
                }
            }
        }

        impl From<CaseCode> for $name {
            fn from(code: CaseCode) -> Self {
                $name::Case(code)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <Cow<'de, str>>::deserialize(d)?;
                Ok($name::parse(&text))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum! {
    /// What went wrong (`error.code`); selects the localised `message`.
    ErrorCode {
        /// 400: the body is not JSON.
        InvalidJson = "invalid_json",
        /// 400: wrong type, unknown or missing field (named in `fields`).
        InvalidBody = "invalid_body",
        /// 400: a query parameter is malformed or out of range.
        InvalidQuery = "invalid_query",
        /// 422: fields with invalid values (listed in `fields`).
        ValidationFailed = "validation_failed",
        /// 415: not JSON (or not an image where a photo is expected).
        UnsupportedMediaType = "unsupported_media_type",
        /// 415: a photo that is not JPEG, PNG or WebP by its bytes.
        UnsupportedImage = "unsupported_image",
        /// 422: `filed_at` older than the offline grace (when the server refuses those).
        FiledAtExpired = "filed_at_expired",
        /// 413.
        PayloadTooLarge = "payload_too_large",
        /// 404: no such route or photo.
        NotFound = "not_found",
        /// 404: no order with this number and phone (the same for both misses).
        OrderNotFound = "order_not_found",
        /// 404: no request with this id and tracking code.
        RequestNotFound = "request_not_found",
        /// 409: the same request id with a different body.
        IdConflict = "id_conflict",
        /// 409: feedback before the request is closed.
        NotClosed = "not_closed",
        /// 409: different feedback was given already.
        FeedbackExists = "feedback_exists",
        /// 409: the request has the maximum number of photos.
        TooManyAttachments = "too_many_attachments",
        /// 409: the request is closed or rejected.
        RequestClosed = "request_closed",
        /// 409: staff asked for a step that is not ahead of the current one.
        InvalidTransition = "invalid_transition",
        /// 409: the request changed meanwhile.
        Conflict = "conflict",
        /// 429, with `Retry-After`.
        RateLimited = "rate_limited",
        /// 401: no valid staff session.
        Unauthorized = "unauthorized",
        /// 401: wrong staff username or password.
        InvalidCredentials = "invalid_credentials",
        /// 403: the staff member's roles do not include the one this needs.
        Forbidden = "forbidden",
        /// 403: a change from the staff console without its session's CSRF token.
        CsrfRejected = "csrf_rejected",
        /// 405.
        MethodNotAllowed = "method_not_allowed",
        /// 503, with `Retry-After`: the database cannot be reached.
        ServiceUnavailable = "service_unavailable",
        /// 500.
        Internal = "internal",
    }
}

code_enum! {
    /// What is wrong with one field (`error.fields[].code`).
    FieldCode {
        /// Empty where a value is needed.
        Required = "required",
        /// Longer than the field's limit.
        TooLong = "too_long",
        /// Not a value of the field's form (a phone number, an id, a time), or
        /// control characters in text.
        Invalid = "invalid",
        /// A number outside its range (rating, limit, offset).
        OutOfRange = "out_of_range",
        /// `filed_at` older than the offline grace.
        Expired = "expired",
        /// A key the body must not have.
        UnknownField = "unknown_field",
        /// A key the body must have.
        Missing = "missing",
        /// A value of the wrong JSON type.
        InvalidType = "invalid_type",
        /// A staff transition to a step that is not ahead.
        NotALaterStep = "not_a_later_step",
        /// A service level the request does not have.
        UnknownServiceLevel = "unknown_service_level",
        /// An event no service level of the request counts from.
        UnknownEvent = "unknown_event",
    }
}

/// One field that failed, by its dotted path in the body (`contact.phone`,
/// `case.order.lines[0].quantity`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: FieldCode,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<FieldCode>) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
        }
    }
}

/// An error answer's body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorContent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorContent {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: ErrorCode,
    /// In the language of `Accept-Language` (zh-CN by default).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub message: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub fields: Vec<FieldError>,
    /// A technical explanation in English (e.g. the engine's message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_plain_strings_both_ways() {
        for code in ErrorCode::LISTED {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(&serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        for code in FieldCode::LISTED {
            assert_eq!(&FieldCode::parse(code.as_str()), code);
        }
        assert_eq!(
            ErrorCode::parse("unknown_line"),
            ErrorCode::Case(CaseCode::UnknownLine)
        );
        assert_eq!(
            ErrorCode::from(CaseCode::EmptyOrder).as_str(),
            "empty_order"
        );
        assert_eq!(
            ErrorCode::parse("http_413"),
            ErrorCode::Other("http_413".into())
        );
        assert_eq!(
            serde_json::to_string(&ErrorCode::Other("new_code".into())).unwrap(),
            "\"new_code\""
        );
    }

    #[test]
    fn no_listed_code_shadows_an_engine_code() {
        for case in CaseCode::ALL {
            assert!(ErrorCode::LISTED
                .iter()
                .all(|c| c.as_str() != case.as_str()));
            assert!(FieldCode::LISTED
                .iter()
                .all(|c| c.as_str() != case.as_str()));
        }
    }

    #[test]
    fn the_error_body_reads_and_writes_as_the_api_sends_it() {
        let text = r#"{"error":{"code":"validation_failed","message":"请检查","fields":[{"field":"contact.phone","code":"invalid"}]}}"#;
        let body: ErrorBody = serde_json::from_str(text).unwrap();
        assert_eq!(body.error.code, ErrorCode::ValidationFailed);
        assert_eq!(
            body.error.fields,
            vec![FieldError::new("contact.phone", FieldCode::Invalid)]
        );
        assert_eq!(serde_json::to_string(&body).unwrap(), text);
        let bare: ErrorBody = serde_json::from_str(r#"{"error":{"code":"not_closed"}}"#).unwrap();
        assert_eq!(bare.error.code, ErrorCode::NotClosed);
        assert!(bare.error.message.is_empty() && bare.error.fields.is_empty());
    }
}
