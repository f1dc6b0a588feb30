//! The after-sales workflow's rules, free of HTTP and SQL: the status machine,
//! tracking codes, the flags a filing gets, staff passwords and roles, and instants in
//! the store's zone. The field rules shared with the portal are
//! `aftersales_contract::fields`.

pub mod clock;
pub mod flags;
pub mod lockout;
pub mod password;
pub mod queue_keys;
pub mod roles;
pub mod status;
pub mod tracking_code;

/// Constant-time equality, so a comparison's duration says nothing about the secret.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
