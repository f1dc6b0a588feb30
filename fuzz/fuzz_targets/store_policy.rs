//! The store's policy as the project ships it (`public/policy.json`), loaded once.

use std::sync::OnceLock;

use aftersales_rules::Policy;

pub fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        Policy::from_json(aftersales_rules::policy::DEFAULT_POLICY_JSON)
            .expect("the built-in policy")
    })
}
