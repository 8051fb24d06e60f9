//! Exponential backoff with full jitter, and the random source behind it
//! and behind the idempotency keys.
//!
//! Full jitter (a delay drawn from `[0, ceiling]`, not `ceiling ± a bit`)
//! spreads the retries of many phones that failed at the same moment, so a
//! server coming back is not met by all of them at once.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::policy::RetryPolicy;

/// Where the helper's randomness comes from: [`XorShift::from_entropy`]
/// in an app, a seeded [`XorShift`] in a test.
pub trait RandomSource: Send {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64;
}

/// xorshift64*: small, fast, and plenty for spreading delays and making
/// keys that only need to be unique, not secret.
#[derive(Debug, Clone)]
pub struct XorShift {
    state: u64,
}

impl XorShift {
    /// A generator that always gives the same numbers for the same seed.
    pub fn seeded(seed: u64) -> Self {
        // Zero is xorshift's one fixed point: it would give zeros forever.
        XorShift {
            state: if seed == 0 {
                0x9E37_79B9_7F4A_7C15
            } else {
                seed
            },
        }
    }

    /// A generator seeded from the process's hash keys (random per
    /// process, from the operating system) and the clock.
    pub fn from_entropy() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        hasher.write_u128(nanos);
        XorShift::seeded(hasher.finish())
    }
}

impl RandomSource for XorShift {
    fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// The most retry `n` (0 for the first retry) may wait:
/// `min(max_delay, base_delay * 2^n)`, without overflow.
pub fn ceiling(policy: &RetryPolicy, retry: u32) -> Duration {
    ceiling_between(policy.base_delay, policy.max_delay, retry)
}

/// `min(max_delay, base_delay * 2^retry)`, without overflow: the
/// ceiling for any caller with its own delays (the upload queue's).
pub fn ceiling_between(base_delay: Duration, max_delay: Duration, retry: u32) -> Duration {
    let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
    base_delay
        .checked_mul(factor)
        .unwrap_or(Duration::MAX)
        .min(max_delay)
}

/// The delay before retry `n` (0 for the first retry): uniform in
/// `[0, ceiling(policy, n)]`, to the millisecond.
pub fn full_jitter(policy: &RetryPolicy, retry: u32, random: &mut dyn RandomSource) -> Duration {
    full_jitter_between(policy.base_delay, policy.max_delay, retry, random)
}

/// The delay before retry `n` (0 for the first retry) for any caller with
/// its own delays (the upload queue's): uniform in
/// `[0, ceiling_between(base_delay, max_delay, n)]`, to the millisecond.
pub fn full_jitter_between(
    base_delay: Duration,
    max_delay: Duration,
    retry: u32,
    random: &mut dyn RandomSource,
) -> Duration {
    let top = ceiling_between(base_delay, max_delay, retry);
    let ceiling_ms = u64::try_from(top.as_millis()).unwrap_or(u64::MAX);
    let ms = match ceiling_ms.checked_add(1) {
        Some(span) => random.next_u64() % span,
        None => random.next_u64(),
    };
    Duration::from_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(base_ms: u64, max_ms: u64) -> RetryPolicy {
        RetryPolicy {
            base_delay: Duration::from_millis(base_ms),
            max_delay: Duration::from_millis(max_ms),
            ..RetryPolicy::default()
        }
    }

    #[test]
    fn the_ceiling_doubles_then_stops_at_the_largest_delay() {
        let p = policy(100, 1000);
        let ceilings: Vec<u128> = (0..6).map(|n| ceiling(&p, n).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        // Far past any real count: no overflow, still the cap.
        assert_eq!(ceiling(&p, 31).as_millis(), 1000);
        assert_eq!(ceiling(&p, 200).as_millis(), 1000);
    }

    #[test]
    fn full_jitter_stays_within_zero_and_the_ceiling_and_uses_the_whole_range() {
        let p = policy(100, 1000);
        let mut random = XorShift::seeded(7);
        for retry in 0..6 {
            let top = ceiling(&p, retry);
            let delays: Vec<Duration> = (0..2000)
                .map(|_| full_jitter(&p, retry, &mut random))
                .collect();
            assert!(delays.iter().all(|d| *d <= top), "retry {retry}");
            // Full jitter, not a jitter around the ceiling: both ends of
            // the range are reached.
            let low = delays.iter().min().unwrap();
            let high = delays.iter().max().unwrap();
            assert!(*low <= top / 10, "retry {retry}: lowest {low:?}");
            assert!(*high >= top * 9 / 10, "retry {retry}: highest {high:?}");
        }
    }

    #[test]
    fn a_seed_gives_the_same_delays_and_another_seed_others() {
        let p = policy(100, 5000);
        let draw = |seed| {
            let mut random = XorShift::seeded(seed);
            (0..8)
                .map(|n| full_jitter(&p, n, &mut random))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(42), draw(42));
        assert_ne!(draw(42), draw(43));
    }

    #[test]
    fn a_zero_seed_still_gives_numbers() {
        let mut random = XorShift::seeded(0);
        assert_ne!(random.next_u64(), 0);
        assert_ne!(random.next_u64(), random.next_u64());
    }

    #[test]
    fn a_zero_base_delay_retries_at_once() {
        let p = policy(0, 0);
        let mut random = XorShift::seeded(1);
        assert_eq!(full_jitter(&p, 3, &mut random), Duration::ZERO);
    }
}
