//! The status machine: `received` → `in_progress` (at a step of the decision) →
//! `closed` or `rejected`. Staff move a request to a later step of its
//! decision, or close or reject it; a closed or rejected request never moves.

use aftersales_contract::RequestStatus;

/// `to` of a staff transition that closes the request.
pub const CLOSE: &str = "closed";
/// `to` of a staff transition that rejects the request.
pub const REJECT: &str = "rejected";

/// Whether staff can still move a request in this status.
pub fn can_move(status: RequestStatus) -> bool {
    status.is_open()
}

/// The step ids of a stored decision (its `steps`), in order.
pub fn steps_of(decision: &serde_json::Value) -> Vec<String> {
    decision
        .get("steps")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The decision's steps after `current` (all of them before the first step).
pub fn next_steps(steps: &[String], current: Option<&str>) -> Vec<String> {
    let start = current
        .and_then(|c| steps.iter().position(|s| s == c))
        .map(|i| i + 1)
        .unwrap_or(0);
    steps[start.min(steps.len())..].to_vec()
}

/// Where a transition to `to` leads: `closed`/`rejected` keep the current
/// step; a later step of the decision makes the request `in_progress` at it.
/// `None` for anything else (an earlier or unknown step).
pub fn destination(
    to: &str,
    steps: &[String],
    current: Option<&str>,
) -> Option<(RequestStatus, Option<String>)> {
    match to {
        CLOSE => Some((RequestStatus::Closed, current.map(str::to_owned))),
        REJECT => Some((RequestStatus::Rejected, current.map(str::to_owned))),
        step if next_steps(steps, current).iter().any(|n| n == step) => {
            Some((RequestStatus::InProgress, Some(step.to_owned())))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps() -> Vec<String> {
        ["a", "b", "c"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn next_steps_follow_the_current_one() {
        let steps = steps();
        assert_eq!(next_steps(&steps, None), steps);
        assert_eq!(next_steps(&steps, Some("b")), vec!["c".to_string()]);
        assert!(next_steps(&steps, Some("c")).is_empty());
    }

    #[test]
    fn only_later_steps_close_and_reject_are_destinations() {
        let steps = steps();
        assert_eq!(
            destination("b", &steps, Some("a")),
            Some((RequestStatus::InProgress, Some("b".into())))
        );
        assert_eq!(destination("a", &steps, Some("b")), None);
        assert_eq!(destination("b", &steps, Some("b")), None);
        assert_eq!(destination("nope", &steps, None), None);
        assert_eq!(
            destination("closed", &steps, Some("c")),
            Some((RequestStatus::Closed, Some("c".into())))
        );
        assert_eq!(
            destination("rejected", &steps, None),
            Some((RequestStatus::Rejected, None))
        );
        assert!(can_move(RequestStatus::Received) && can_move(RequestStatus::InProgress));
        assert!(!can_move(RequestStatus::Closed) && !can_move(RequestStatus::Rejected));
    }
}
