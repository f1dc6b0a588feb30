//! The API's handlers, one module per area; `crate::http` puts them on routes.

pub mod attachments;
pub mod meta;
pub mod orders;
pub mod requests;
pub mod staff;
pub mod tracking;
