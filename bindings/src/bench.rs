//! What the FFI benchmark (`bindings/kotlin-bench.sh`) needs from the
//! Rust side, built only with the `bench` feature: it is never part of the
//! API an app is given.
//!
//! Besides the callback timer, it holds the floors the log calls are
//! measured against: functions and methods that take the same arguments as
//! the agent's log calls and do nothing with them, so that what the JVM,
//! JNA and uniffi cost for a call is measured apart from what the agent
//! does.

use std::sync::Arc;

use crate::agent::{LogEntry, ProgressListener};
use crate::ids::{LogLevel, ProgressStep};

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

/// A bare uniffi function without arguments: JNA's floor.
#[uniffi::export]
pub fn bare_call() {}

/// A bare uniffi function taking what `PushDoctorAgent.log` takes, doing
/// nothing with it (uniffi still lifts it).
#[uniffi::export]
pub fn bare_log(entry: LogEntry) {
    std::hint::black_box(entry);
}

/// An object whose methods take the agent's log calls' arguments and do
/// nothing with them: the floor of a method call (uniffi clones the
/// object's handle for each).
#[derive(uniffi::Object)]
pub struct BareObject;

#[uniffi::export]
impl BareObject {
    /// A new one.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(BareObject)
    }

    /// A method without arguments.
    pub fn call(&self) {}

    /// `PushDoctorAgent.log`'s arguments.
    pub fn log(&self, entry: LogEntry) {
        std::hint::black_box(entry);
    }

    /// `PushDoctorAgent.logMessage`'s arguments.
    pub fn log_message(&self, level: LogLevel, tag: String, message: String) {
        std::hint::black_box((level, tag, message));
    }

    /// `PushDoctorAgent.logBatch`'s arguments.
    pub fn log_batch(&self, entries: Vec<LogEntry>) {
        std::hint::black_box(entries);
    }

    /// A borrowed byte buffer (uniffi's zero-copy `&[u8]`), read but not
    /// parsed.
    pub fn log_packed(&self, packed: &[u8]) {
        std::hint::black_box(packed.first());
    }
}
