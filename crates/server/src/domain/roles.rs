//! Who may move a request: each step of a procedure is performed by one role
//! (the policy's `roles`), and closing or rejecting is for the roles that answer
//! to the customer for the whole request.

use aftersales_rules::{Policy, StaffRole};

use super::status::{next_steps, CLOSE, REJECT};

/// Roles that may close a request (the work is done).
pub const CLOSERS: &[StaffRole] = StaffRole::CLOSERS;

/// Roles that may reject a request (a decision against the customer).
pub const REJECTERS: &[StaffRole] = StaffRole::REJECTERS;

/// The role that performs `step`; a step the policy no longer lists (a request
/// filed under an older policy) is the store manager's.
pub fn role_of(policy: &Policy, step: &str) -> StaffRole {
    policy.role_of(step).unwrap_or(StaffRole::StoreManager)
}

/// Whether someone with `roles` may move a request at `current` of `steps` to
/// `to`: a step reached and every step passed over on the way are each
/// performed by their own role, so nobody skips past another role's step (an
/// approval). `Err` lists the roles of which one is missing.
pub fn may_move(
    policy: &Policy,
    roles: &[StaffRole],
    to: &str,
    steps: &[String],
    current: Option<&str>,
) -> Result<(), Vec<StaffRole>> {
    let any_of = |needed: &[StaffRole]| {
        if needed.iter().any(|r| roles.contains(r)) {
            Ok(())
        } else {
            Err(needed.to_vec())
        }
    };
    match to {
        CLOSE => any_of(CLOSERS),
        REJECT => any_of(REJECTERS),
        _ => {
            for step in next_steps(steps, current) {
                any_of(&[role_of(policy, &step)])?;
                if step == to {
                    break;
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StaffRole::*;

    fn steps(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_step_is_for_its_own_role_and_nobody_skips_an_approval() {
        let policy = Policy::default_policy();
        let cancel = steps(&[
            "record_reason",
            "cancellation_form",
            "general_manager_approval",
            "finance_filing",
        ]);
        let at = Some("record_reason");
        assert_eq!(
            may_move(&policy, &[FrontDesk], "cancellation_form", &cancel, at),
            Ok(())
        );
        assert_eq!(
            may_move(&policy, &[FrontDesk], "finance_filing", &cancel, at),
            Err(vec![GeneralManager])
        );
        assert_eq!(
            may_move(
                &policy,
                &[StoreManager],
                "general_manager_approval",
                &cancel,
                Some("cancellation_form")
            ),
            Err(vec![GeneralManager])
        );
        assert_eq!(
            may_move(
                &policy,
                &[GeneralManager, Finance],
                "finance_filing",
                &cancel,
                Some("cancellation_form")
            ),
            Ok(())
        );
        // Administrators manage accounts only.
        assert!(may_move(&policy, &[Admin], "cancellation_form", &cancel, at).is_err());
        assert!(may_move(&policy, &[Admin], CLOSE, &cancel, at).is_err());
    }

    #[test]
    fn closing_and_rejecting_are_for_the_desk_and_the_managers() {
        let policy = Policy::default_policy();
        let s = steps(&["record_reason"]);
        assert_eq!(may_move(&policy, &[FrontDesk], CLOSE, &s, None), Ok(()));
        assert_eq!(
            may_move(&policy, &[FrontDesk], REJECT, &s, None),
            Err(REJECTERS.to_vec())
        );
        assert_eq!(
            may_move(&policy, &[Finance], CLOSE, &s, None),
            Err(CLOSERS.to_vec())
        );
        assert_eq!(
            may_move(&policy, &[GeneralManager], REJECT, &s, None),
            Ok(())
        );
    }

    #[test]
    fn a_step_of_an_older_policy_is_the_store_managers() {
        let policy = Policy::default_policy();
        let s = steps(&["retired_step"]);
        assert_eq!(
            may_move(&policy, &[FrontDesk], "retired_step", &s, None),
            Err(vec![StoreManager])
        );
        assert_eq!(
            may_move(&policy, &[StoreManager], "retired_step", &s, None),
            Ok(())
        );
    }
}
