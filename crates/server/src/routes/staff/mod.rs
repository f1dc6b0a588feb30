//! The staff API (`/api/staff/…`, bearer token or the console's cookie):
//! sign-in, the queue and its CSV export, one request in full, moving it through
//! its decision's steps, service levels and internal notes, the reports, the
//! accounts, the audit trail.

pub mod accounts;
pub mod audit;
pub mod detail;
pub mod export;
pub mod notes;
pub mod queue;
pub mod reports;
pub mod service_levels;
pub mod session;
pub mod transitions;

pub use session::Staff;
