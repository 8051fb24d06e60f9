//! What the FFI benchmark (`bindings/kotlin-bench.sh`) needs from the
//! Rust side, built only with the `bench` feature: it is never part of the
//! API an app is given.

use std::sync::Arc;

use crate::agent::ProgressListener;
use crate::ids::ProgressStep;

/// Times `count` calls from Rust into a foreign listener, in nanoseconds.
#[uniffi::export]
pub fn measure_callback_cost(listener: Arc<dyn ProgressListener>, count: i32) -> i64 {
    let started = std::time::Instant::now();
    for i in 0..count {
        // What the listener answers is not what is measured.
        let _ = listener.on_progress(ProgressStep::Diagnosis, i, count);
    }
    i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX)
}
