//! A small in-memory sliding-window rate limiter, per client address. Used by
//! the public referral form (no login), where it is the only brake on floods.
//! Each [`crate::AppState`] owns one, so parallel test apps do not share counts.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most this many distinct addresses are tracked; beyond that, stale ones are dropped first.
const MAX_KEYS: usize = 10_000;

/// Allows `max` events per `window` for each key (a client address).
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `max` events per `window` per key.
    pub fn new(max: usize, window: Duration) -> RateLimiter {
        RateLimiter {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Records one event for `key` if the key is under its limit. Over the
    /// limit, nothing is recorded and the answer is how long until the oldest
    /// event leaves the window (for `Retry-After`).
    pub fn try_acquire(&self, key: &str) -> Result<(), Duration> {
        self.try_acquire_at(key, Instant::now())
    }

    fn try_acquire_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        let window = self.window;
        let fresh = |q: &mut VecDeque<Instant>| {
            while q
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) >= window)
            {
                q.pop_front();
            }
        };
        if hits.len() >= MAX_KEYS && !hits.contains_key(key) {
            hits.retain(|_, q| {
                fresh(q);
                !q.is_empty()
            });
        }
        let q = hits.entry(key.to_string()).or_default();
        fresh(q);
        if q.len() >= self.max {
            let oldest = q.front().copied().unwrap_or(now);
            return Err(window.saturating_sub(now.saturating_duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }
}

impl Default for RateLimiter {
    /// Five submissions per ten minutes.
    fn default() -> Self {
        RateLimiter::new(5, Duration::from_secs(10 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_per_window_per_key_then_recovers() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(l.try_acquire_at("a", t0).is_ok());
        assert!(l.try_acquire_at("a", t0 + Duration::from_secs(1)).is_ok());
        let wait = l
            .try_acquire_at("a", t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        // Another address is not affected.
        assert!(l.try_acquire_at("b", t0 + Duration::from_secs(10)).is_ok());
        // The first event leaves the window.
        assert!(l.try_acquire_at("a", t0 + Duration::from_secs(60)).is_ok());
        assert!(l.try_acquire_at("a", t0 + Duration::from_secs(60)).is_err());
    }
}
