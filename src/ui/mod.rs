//! UI pieces shared by every app: texts and languages, the shell (header,
//! page titles, focus, back link, not found), the form field, the store's
//! brand, formatting, loading the policy, QR codes of links, and the parts of an
//! app's WASM fetched on demand.

#[macro_use]
pub mod i18n;
pub mod brand;
pub mod field;
pub mod format;
pub mod part;
pub mod policy;
pub mod qr;
pub mod shell;
pub mod text;
