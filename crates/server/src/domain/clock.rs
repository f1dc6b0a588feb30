//! Instants in the store's time zone.

use aftersales_contract::Lenient;
use aftersales_rules::{Policy, Timestamp};

use crate::db::unix_now;

/// A Unix instant in the store's zone, as the API shows it.
pub fn show(policy: &Policy, unix: i64) -> Lenient<Timestamp> {
    match Timestamp::from_unix(unix, 0).and_then(|t| policy.time_zone.localize(t)) {
        Ok(t) => Lenient::Known(t),
        // Outside 0000–9999: an empty string, never an error answer.
        Err(_) => Lenient::Other(serde_json::Value::String(String::new())),
    }
}

/// [`show`] as text (staff views).
pub fn show_text(policy: &Policy, unix: i64) -> String {
    match show(policy, unix) {
        Lenient::Known(t) => t.to_string(),
        Lenient::Other(_) => String::new(),
    }
}

/// The store's calendar day of a Unix instant, as days since 1970-01-01: what
/// the reports count by (cut at the store's midnight, in the offset of that day).
pub fn store_day(policy: &Policy, unix: i64) -> i64 {
    let offset = i64::from(policy.time_zone.offset_at(unix));
    unix.saturating_add(offset).div_euclid(86_400)
}

/// The current instant in the store's zone.
pub fn now_in_zone(policy: &Policy) -> Timestamp {
    let now = Timestamp::from_unix(unix_now(), 0).unwrap_or_else(|_| fallback_epoch());
    policy.time_zone.localize(now).unwrap_or(now)
}

fn fallback_epoch() -> Timestamp {
    // 1970 is always in range; the clock being outside 0000–9999 is not possible.
    Timestamp::parse("1970-01-01T00:00:00Z").unwrap_or_else(|_| unreachable!())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_shown_in_the_store_zone() {
        let policy = Policy::default_policy();
        assert_eq!(show_text(&policy, 0), "1970-01-01T08:00:00+08:00");
        assert_eq!(show_text(&policy, i64::MAX), "");
        assert_eq!(
            serde_json::to_string(&show(&policy, i64::MAX)).unwrap(),
            "\"\""
        );
    }
}
