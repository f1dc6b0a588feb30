//! Where a request stands, and the flags staff see on it.

use serde::{Deserialize, Serialize};

/// A request's status: `received` → `in_progress` → `closed` or `rejected`.
/// A status this build does not know reads as `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Received,
    InProgress,
    Closed,
    Rejected,
    #[serde(other)]
    Unknown,
}

impl RequestStatus {
    /// The statuses the server uses, in their order.
    pub const ALL: [RequestStatus; 4] = [
        RequestStatus::Received,
        RequestStatus::InProgress,
        RequestStatus::Closed,
        RequestStatus::Rejected,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Received => "received",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Closed => "closed",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Unknown => "unknown",
        }
    }

    /// One of [`RequestStatus::ALL`], or `None`.
    pub fn parse(text: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Still being handled: staff can move it, the customer can add photos.
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Received | RequestStatus::InProgress)
    }

    /// Closed or rejected: nothing changes any more.
    pub fn is_final(self) -> bool {
        matches!(self, RequestStatus::Closed | RequestStatus::Rejected)
    }
}

impl std::fmt::Display for RequestStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why staff should look at a filed request twice (`flags` in the staff API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The decision the portal showed differs from the server's.
    DecisionMismatch,
    /// The portal's copy of the order differs from the stored one.
    OrderDiffers,
    /// No stored order has this number.
    OrderUnknown,
    /// The contact phone is not the order's.
    PhoneMismatch,
    /// `filed_at` is older than the policy's offline grace.
    FiledAtOutsideGrace,
    /// `filed_at` is in the future (beyond the allowed clock skew).
    FiledAtInFuture,
    #[serde(other)]
    Unknown,
}

impl Flag {
    pub const fn as_str(self) -> &'static str {
        match self {
            Flag::DecisionMismatch => "decision_mismatch",
            Flag::OrderDiffers => "order_differs",
            Flag::OrderUnknown => "order_unknown",
            Flag::PhoneMismatch => "phone_mismatch",
            Flag::FiledAtOutsideGrace => "filed_at_outside_grace",
            Flag::FiledAtInFuture => "filed_at_in_future",
            Flag::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_snake_case_and_unknown_ones_are_tolerated() {
        for s in RequestStatus::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<RequestStatus>(&json).unwrap(), s);
            assert_eq!(RequestStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            serde_json::from_str::<RequestStatus>("\"escalated\"").unwrap(),
            RequestStatus::Unknown
        );
        assert_eq!(RequestStatus::parse("escalated"), None);
        assert!(RequestStatus::Received.is_open() && RequestStatus::InProgress.is_open());
        assert!(RequestStatus::Closed.is_final() && RequestStatus::Rejected.is_final());
        assert!(!RequestStatus::Unknown.is_open() && !RequestStatus::Unknown.is_final());
    }

    #[test]
    fn flags_keep_their_strings() {
        let flags = [Flag::DecisionMismatch, Flag::FiledAtOutsideGrace];
        assert_eq!(
            serde_json::to_string(&flags).unwrap(),
            r#"["decision_mismatch","filed_at_outside_grace"]"#
        );
        for f in [
            Flag::DecisionMismatch,
            Flag::OrderDiffers,
            Flag::OrderUnknown,
            Flag::PhoneMismatch,
            Flag::FiledAtOutsideGrace,
            Flag::FiledAtInFuture,
        ] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
        assert_eq!(
            serde_json::from_str::<Flag>("\"new_flag\"").unwrap(),
            Flag::Unknown
        );
    }
}
