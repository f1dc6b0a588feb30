//! Slowing down and locking staff sign-in after failures, per account name and
//! per client. The account name is counted whether or not such an account
//! exists, so the answers never tell which usernames do.

/// Failures older than this are forgotten.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures for one account name within the window that lock it.
pub const ACCOUNT_LIMIT: usize = 5;
/// Failures from one client within the window that lock it out (any names).
pub const CLIENT_LIMIT: usize = 20;

/// Seconds until a subject with `failures` (instants, oldest first) may try
/// again, if it is locked now: until the failure that reached `limit` leaves
/// the window.
pub fn locked_for(failures: &[i64], limit: usize, now: i64) -> Option<u64> {
    let recent: Vec<i64> = failures
        .iter()
        .copied()
        .filter(|&at| at > now - WINDOW_SECS)
        .collect();
    if limit == 0 || recent.len() < limit {
        return None;
    }
    let unlock = recent[recent.len() - limit] + WINDOW_SECS;
    Some((unlock - now).max(1) as u64)
}

/// The pause before a failed sign-in is answered: none for the first, then
/// half a second more for each recent failure, at most two seconds.
pub fn delay_ms(recent_failures: usize) -> u64 {
    (recent_failures.saturating_sub(1).min(4) as u64) * 500
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fifth_failure_locks_until_the_first_leaves_the_window() {
        let now = 10_000;
        let four = [now - 40, now - 30, now - 20, now - 10];
        assert_eq!(locked_for(&four, ACCOUNT_LIMIT, now), None);
        let five = [now - 50, now - 40, now - 30, now - 20, now - 10];
        assert_eq!(
            locked_for(&five, ACCOUNT_LIMIT, now),
            Some((WINDOW_SECS - 50) as u64)
        );
        // Old failures do not count.
        let old = [
            now - WINDOW_SECS - 1,
            now - 40,
            now - 30,
            now - 20,
            now - 10,
        ];
        assert_eq!(locked_for(&old, ACCOUNT_LIMIT, now), None);
        assert_eq!(
            locked_for(&five, ACCOUNT_LIMIT, now - 50 + WINDOW_SECS),
            None
        );
    }

    #[test]
    fn each_failure_slows_the_next_answer_a_little_more() {
        assert_eq!(
            (0..7).map(delay_ms).collect::<Vec<_>>(),
            [0, 0, 500, 1000, 1500, 2000, 2000]
        );
    }
}
