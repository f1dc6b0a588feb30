//! `aftersales-contract`: the JSON API between the Aftersales Portal and its
//! server, written once.
//!
//! - [`wire`] — the bodies the API accepts and sends (filing, tracking,
//!   feedback, the order look-up), and [`Lenient`] for values a newer server may
//!   express in a way an older portal does not know.
//! - [`status`] — where a request stands ([`RequestStatus`]) and the flags staff
//!   see on it ([`Flag`]).
//! - [`error`] — the error body and its codes ([`ErrorCode`], [`FieldCode`]).
//! - [`reports`] — the staff dashboard's figures.
//! - [`fields`] — the field rules both sides apply: [`Phone::parse`], text
//!   limits ([`fields::NAME`], [`fields::DESCRIPTION`], …), photo limits,
//!   tracking codes.
//!
//! Serde only, no I/O, no panics; builds natively and for
//! `wasm32-unknown-unknown`. The `openapi` feature derives `utoipa` schemas for
//! the server's OpenAPI document; the portal leaves it off.

pub mod error;
pub mod fields;
pub mod lenient;
pub mod reports;
pub mod status;
pub mod wire;

pub use aftersales_rules::case::Order;
pub use error::{ErrorBody, ErrorCode, ErrorContent, FieldCode, FieldError};
pub use fields::{Phone, PhoneProblem, TextProblem, TextRule};
pub use lenient::Lenient;
pub use status::{Flag, RequestStatus};
pub use wire::{
    CodeQuery, Contact, Due, FeedbackView, FiledResponse, HistoryEntry, LookupQuery, NewFeedback,
    NewRequest, RequestView,
};
