//! `aftersales-rules`: the after-sales policy engine.
//!
//! One library decides, for the portal (compiled to WASM) and the server (native),
//! whether an order line can be cancelled, returned, exchanged, repaired or
//! complained about, and why. It is pure: no I/O, no clock (`now` is part of the
//! [`Case`]), no global state, integer money, and no panic on any input.
//!
//! ```
//! use aftersales_rules::{check, parse_case, Policy};
//! let policy = Policy::default_policy();
//! let case = parse_case(r#"{"now": "2026-03-03T09:00:00+08:00",
//!   "order": {"number": "SO-1", "ordered_at": "2026-03-02T14:00:00+08:00",
//!     "fulfilment": {"state": "pending"},
//!     "lines": [{"id": "1", "kind": "regular", "quantity": 1, "unit_price": 249900}]},
//!   "request": {"type": "cancel"}}"#).unwrap();
//! let decision = check(&policy, &case).unwrap();
//! assert_eq!(decision.clause.as_str(), "cancel.free");
//! ```

pub mod case;
pub mod decision;
pub mod engine;
pub mod policy;
pub mod time;
pub mod zone;

pub use case::{Case, Filing};
pub use decision::{Clause, Condition, Decision, LineDecision, Outcome, RequestType};
pub use engine::{check, parse_case, CaseError, ErrorCode};
pub use policy::Fact;
pub use policy::{Kind, LocalText, Policy, PolicyErrors, StaffRole};
pub use time::Timestamp;
