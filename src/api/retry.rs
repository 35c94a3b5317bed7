//! When and how long to wait before trying a GET again, and the pause every request shares
//! after a server asked to slow down.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use rand::RngExt;

/// Retry rules for idempotent reads. Writes are never retried: a POST, PUT or DELETE that
/// timed out may have landed, and sending it twice could queue two updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first one included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A longer Retry-After than this is not waited out: the error goes back to the caller.
    pub retry_after_cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The pause before try number `attempt + 1` (attempt counts from 1), or `None` to give up.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        // A throttle that says how long to wait is the server pacing us, not failing: it
        // gets more tries, each waiting what it asked, so a bulk job or a restore rides out
        // a busy server instead of stopping.
        let tries = if retry_after.is_some() {
            self.max_attempts.saturating_mul(THROTTLED_TRIES_FACTOR)
        } else {
            self.max_attempts
        };
        if attempt >= tries {
            return None;
        }
        if let Some(wait) = retry_after {
            return (wait <= self.retry_after_cap).then_some(wait);
        }
        // Exponential backoff with "equal jitter": half fixed, half random, so many clients
        // that failed together do not come back together.
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        let half = exp / 2;
        let jitter = rand::rng().random_range(0..=half.as_millis() as u64);
        Some(half + Duration::from_millis(jitter))
    }
}

/// How many times the usual tries a request throttled with a Retry-After gets.
pub const THROTTLED_TRIES_FACTOR: u32 = 6;

/// Reads a Retry-After value: delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A moment before which no request is sent, shared by every clone of a client so that one
/// 429 slows all concurrent workers, not just the one that saw it.
#[derive(Debug, Default)]
pub struct Throttle {
    not_before: Mutex<Option<Instant>>,
}

impl Throttle {
    /// Pushes the shared pause out to `now + wait` (never pulls it in).
    pub fn hold_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut guard = self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none_or(|t| t < until) {
            *guard = Some(until);
        }
    }

    /// How long a request must still wait.
    pub fn remaining(&self) -> Option<Duration> {
        let guard = self.not_before.lock().unwrap_or_else(|p| p.into_inner());
        let until = (*guard)?;
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_up_after_max_attempts() {
        let p = RetryPolicy::default();
        assert!(p.delay(1, None).is_some());
        assert!(p.delay(2, None).is_some());
        assert!(p.delay(3, None).is_none());
    }

    #[test]
    fn backoff_grows_within_bounds() {
        let p = RetryPolicy::default();
        for _ in 0..100 {
            let d1 = p.delay(1, None).unwrap();
            assert!(d1 >= Duration::from_millis(125) && d1 <= Duration::from_millis(250));
            let d2 = p.delay(2, None).unwrap();
            assert!(d2 >= Duration::from_millis(250) && d2 <= Duration::from_millis(500));
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(61))), None);
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        let future = SystemTime::now() + Duration::from_secs(30);
        let d = parse_retry_after(&httpdate::fmt_http_date(future)).unwrap();
        assert!(d <= Duration::from_secs(30) && d >= Duration::from_secs(28));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn throttle_only_extends() {
        let t = Throttle::default();
        assert!(t.remaining().is_none());
        t.hold_for(Duration::from_secs(10));
        t.hold_for(Duration::from_secs(1));
        assert!(t.remaining().unwrap() > Duration::from_secs(5));
    }
}
