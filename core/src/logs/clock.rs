//! The capture's clock: the wall clock at the kernel's tick, read without a
//! system call.
//!
//! A precise wall-clock read (`SystemTime::now`, `CLOCK_REALTIME`) costs
//! 20–120 ns on the virtual machines the benchmarks run on, as much as
//! formatting a short message. Records carry milliseconds, so on Linux and
//! Android the capture reads `CLOCK_REALTIME_COARSE` instead (about 10 ns
//! through the vDSO): the time of the kernel's last tick, 1 to 4 ms behind
//! the precise clock (`CONFIG_HZ` 1000 to 250). Order still holds: the
//! coarse clock never goes back between two reads (except when the wall
//! clock itself is set back), records of one thread keep the order they
//! were logged in (the writer's sort is stable), and records of different
//! threads, or a Rust record beside a record forwarded from Kotlin or Swift
//! with its own precise timestamp, are ordered to within one tick.
//! Elsewhere the capture reads the precise clock.

/// Milliseconds since the Unix epoch, to within one kernel tick.
#[cfg(any(target_os = "linux", target_os = "android"))]
// The one libc call of the capture: std has no coarse clock. It writes only
// into the `timespec` it is given. The casts are no-ops on 64-bit targets
// only: `time_t` and `c_long` are 32 bits on 32-bit Android.
#[allow(unsafe_code, clippy::unnecessary_cast)]
pub(crate) fn coarse_now_ms() -> i64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a
    // constant every Linux since 2.6.32 knows.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut now) };
    if status != 0 {
        return crate::model::time::now_ms();
    }
    now.tv_sec as i64 * 1000 + now.tv_nsec as i64 / 1_000_000
}

/// Milliseconds since the Unix epoch (the precise clock: no coarse one here).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn coarse_now_ms() -> i64 {
    crate::model::time::now_ms()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coarse_clock_is_the_wall_clock_to_within_a_tick() {
        for _ in 0..100 {
            let before = crate::model::time::now_ms();
            let coarse = coarse_now_ms();
            let after = crate::model::time::now_ms();
            // At most one tick (4 ms at HZ=250; 10 ms at HZ=100) behind,
            // never ahead.
            assert!(coarse <= after, "{coarse} > {after}");
            assert!(coarse >= before - 10, "{coarse} < {before} - 10");
        }
    }

    #[test]
    fn the_coarse_clock_never_goes_back() {
        let mut last = coarse_now_ms();
        for _ in 0..100_000 {
            let now = coarse_now_ms();
            assert!(now >= last, "{now} < {last}");
            last = now;
        }
    }
}
