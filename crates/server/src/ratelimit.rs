//! Per-client token buckets for the lookup endpoints (orders, tracking codes,
//! staff login): enough to stop enumeration, invisible to a real customer.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::error::ApiError;

pub struct RateLimiter {
    per_minute: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

/// Beyond this many tracked clients, idle (full) buckets are dropped.
const MAX_TRACKED: usize = 50_000;

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute: f64::from(per_minute.max(1)),
            burst: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`, or says how many seconds until one is free.
    pub fn check(&self, ip: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let rate = self.per_minute / 60.0;
        let mut buckets = match self.buckets.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() > MAX_TRACKED {
            let burst = self.burst;
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(ip).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - *tokens) / rate).ceil() as u64;
            Err(ApiError::rate_limited(wait))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_refuses() {
        let limiter = RateLimiter::new(3);
        let ip = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..3 {
            assert!(limiter.check(ip).is_ok());
        }
        let err = limiter.check(ip).unwrap_err();
        assert_eq!(err.status.as_u16(), 429);
        assert!(limiter.check(IpAddr::from([10, 0, 0, 2])).is_ok());
    }
}
