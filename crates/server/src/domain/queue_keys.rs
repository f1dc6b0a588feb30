//! What the staff queue filters, sorts and searches on, derived from a request
//! and its open service levels. Stored in columns of `requests` (written with
//! every change) so that a queue of years of requests is read from indexes.

use aftersales_contract::{Phone, RequestStatus};
use aftersales_rules::{Policy, StaffRole};

use super::status::{next_steps, steps_of};

/// `due_sort` of a request with nothing due: after every instant.
pub const NOTHING_DUE: i64 = i64::MAX;

/// The queue columns of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueKeys {
    pub outcome: Option<String>,
    pub clause: Option<String>,
    pub phone: Option<String>,
    /// Who performs the next step; `None` once the request is closed or rejected,
    /// or when every step is done (then it waits for [`StaffRole::CLOSERS`]).
    pub next_role: Option<StaffRole>,
    pub next_due: Option<NextDue>,
}

/// The service level due first, among those not met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextDue {
    pub what: String,
    pub at: i64,
}

impl QueueKeys {
    /// `decision` and `contact` are the stored JSON; `open_levels` the
    /// service levels not met yet, with their due instants where known.
    pub fn of(
        policy: &Policy,
        status: RequestStatus,
        step: Option<&str>,
        decision: &serde_json::Value,
        contact: &serde_json::Value,
        open_levels: &[(String, Option<i64>)],
    ) -> QueueKeys {
        let text = |v: &serde_json::Value, key: &str| {
            v.get(key).and_then(|o| o.as_str()).map(str::to_owned)
        };
        let steps = steps_of(decision);
        let open = status.is_open();
        let next_role = open
            .then(|| next_steps(&steps, step).into_iter().next())
            .flatten()
            .and_then(|s| policy.role_of(&s));
        let next_due = open
            .then(|| {
                open_levels
                    .iter()
                    .filter_map(|(what, at)| at.map(|at| (at, what)))
                    .min()
                    .map(|(at, what)| NextDue {
                        what: what.clone(),
                        at,
                    })
            })
            .flatten();
        QueueKeys {
            outcome: text(decision, "outcome"),
            clause: text(decision, "clause"),
            phone: text(contact, "phone")
                .and_then(|p| Phone::parse(&p).ok())
                .map(Phone::into_string),
            next_role,
            next_due,
        }
    }

    pub fn due_sort(&self) -> i64 {
        self.next_due.as_ref().map_or(NOTHING_DUE, |d| d.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::from_json(aftersales_rules::policy::DEFAULT_POLICY_JSON)
            .expect("the shipped policy loads")
    }

    fn decision() -> serde_json::Value {
        serde_json::json!({
            "outcome": "allowed",
            "clause": "cancel.before_shipment",
            "steps": ["record_reason", "general_manager_approval", "refund"]
        })
    }

    #[test]
    fn the_next_role_is_that_of_the_step_after_the_current_one() {
        let p = policy();
        let contact = serde_json::json!({"phone": "138 0013 8000"});
        let keys = QueueKeys::of(
            &p,
            RequestStatus::Received,
            None,
            &decision(),
            &contact,
            &[],
        );
        assert_eq!(keys.next_role, p.role_of("record_reason"));
        assert_eq!(keys.phone.as_deref(), Some("13800138000"));
        assert_eq!(keys.outcome.as_deref(), Some("allowed"));
        let keys = QueueKeys::of(
            &p,
            RequestStatus::InProgress,
            Some("record_reason"),
            &decision(),
            &contact,
            &[],
        );
        assert_eq!(keys.next_role, p.role_of("general_manager_approval"));
        // Every step done: it waits for someone who may close it.
        let keys = QueueKeys::of(
            &p,
            RequestStatus::InProgress,
            Some("refund"),
            &decision(),
            &contact,
            &[],
        );
        assert_eq!(keys.next_role, None);
        assert_eq!(keys.due_sort(), NOTHING_DUE);
    }

    #[test]
    fn the_next_due_is_the_earliest_known_instant_and_none_once_ended() {
        let p = policy();
        let levels = vec![
            ("answer".to_string(), Some(500)),
            ("first_contact".to_string(), Some(100)),
            ("resolve".to_string(), None),
        ];
        let contact = serde_json::json!({});
        let keys = QueueKeys::of(
            &p,
            RequestStatus::Received,
            None,
            &decision(),
            &contact,
            &levels,
        );
        assert_eq!(
            keys.next_due,
            Some(NextDue {
                what: "first_contact".into(),
                at: 100
            })
        );
        assert_eq!(keys.due_sort(), 100);
        assert_eq!(keys.phone, None);
        let keys = QueueKeys::of(
            &p,
            RequestStatus::Closed,
            None,
            &decision(),
            &contact,
            &levels,
        );
        assert_eq!((keys.next_role, keys.next_due), (None, None));
    }
}
