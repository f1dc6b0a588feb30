//! The staff API (`/api/staff/…`, bearer token): sign-in, the queue, one
//! request in full, moving it through its decision's steps, the audit trail.

pub mod audit;
pub mod detail;
pub mod queue;
pub mod session;
pub mod transitions;

pub use session::Staff;
