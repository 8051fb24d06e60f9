//! How hard the retry helper tries: attempts, delays, and the cap on how
//! long the person waits.

use std::time::Duration;

/// The most attempts a policy may ask for: past this a person has long
/// given up, and the server is only being hammered.
pub const MAX_ATTEMPTS_LIMIT: u32 = 20;

/// How the retry helper retries one tap.
///
/// The defaults (4 attempts, 500 ms base delay, 4 s largest delay, 20 s
/// total, 8 s per attempt) keep a person waiting at most about as long as
/// they wait for a slow page before tapping again, while riding out a
/// short outage or a server restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Calls made for one tap, the first included: 1 to
    /// [`MAX_ATTEMPTS_LIMIT`].
    pub max_attempts: u32,
    /// The backoff's base: retry `n` (from 0) waits a random time in
    /// `[0, min(max_delay, base_delay * 2^n)]`.
    pub base_delay: Duration,
    /// The largest backoff delay (a server's `Retry-After` may ask for more).
    pub max_delay: Duration,
    /// The most time the person waits, from the tap to the end of the last
    /// attempt: no attempt runs, and no delay is waited, past it.
    pub total_cap: Duration,
    /// The most one attempt may take before it counts as a timeout (cut
    /// shorter when less of `total_cap` is left).
    pub attempt_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(4),
            total_cap: Duration::from_secs(20),
            attempt_timeout: Duration::from_secs(8),
        }
    }
}

/// A policy that cannot work, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("RetryPolicy.{field}: {reason}")]
pub struct RetryPolicyError {
    /// The field, as the struct names it (`max_attempts`).
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl RetryPolicy {
    /// Refuses a policy that cannot work: no attempt at all, a timeout or a
    /// cap of zero, a base delay above the largest delay, an attempt
    /// timeout longer than the whole cap.
    pub fn validate(&self) -> Result<(), RetryPolicyError> {
        let fail = |field, reason: String| Err(RetryPolicyError { field, reason });
        if self.max_attempts == 0 || self.max_attempts > MAX_ATTEMPTS_LIMIT {
            return fail(
                "max_attempts",
                format!(
                    "is {}: it must be 1 to {MAX_ATTEMPTS_LIMIT}",
                    self.max_attempts
                ),
            );
        }
        if self.base_delay > self.max_delay {
            return fail(
                "base_delay",
                format!(
                    "is {} ms, above max_delay ({} ms)",
                    self.base_delay.as_millis(),
                    self.max_delay.as_millis()
                ),
            );
        }
        if self.total_cap.is_zero() {
            return fail(
                "total_cap",
                "is 0: the person would wait for nothing".into(),
            );
        }
        if self.attempt_timeout.is_zero() {
            return fail("attempt_timeout", "is 0: no attempt could finish".into());
        }
        if self.attempt_timeout > self.total_cap {
            return fail(
                "attempt_timeout",
                format!(
                    "is {} ms, longer than total_cap ({} ms)",
                    self.attempt_timeout.as_millis(),
                    self.total_cap.as_millis()
                ),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_is_valid() {
        RetryPolicy::default().validate().unwrap();
    }

    #[test]
    fn each_broken_field_is_named() {
        let base = RetryPolicy::default();
        let field = |policy: RetryPolicy| policy.validate().unwrap_err().field;
        assert_eq!(
            field(RetryPolicy {
                max_attempts: 0,
                ..base
            }),
            "max_attempts"
        );
        assert_eq!(
            field(RetryPolicy {
                max_attempts: MAX_ATTEMPTS_LIMIT + 1,
                ..base
            }),
            "max_attempts"
        );
        assert_eq!(
            field(RetryPolicy {
                base_delay: Duration::from_secs(5),
                ..base
            }),
            "base_delay"
        );
        assert_eq!(
            field(RetryPolicy {
                total_cap: Duration::ZERO,
                attempt_timeout: Duration::ZERO,
                ..base
            }),
            "total_cap"
        );
        assert_eq!(
            field(RetryPolicy {
                attempt_timeout: Duration::ZERO,
                ..base
            }),
            "attempt_timeout"
        );
        let long = RetryPolicy {
            attempt_timeout: Duration::from_secs(30),
            ..base
        }
        .validate()
        .unwrap_err();
        assert_eq!(long.field, "attempt_timeout");
        assert!(long
            .to_string()
            .starts_with("RetryPolicy.attempt_timeout: is 30000 ms"));
    }
}
