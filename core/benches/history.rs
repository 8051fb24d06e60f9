//! What recording one push or Accept event costs the app's thread, beside
//! forwarding one log record into the capture (the agent's `log` path),
//! measured in the same run; and what the flush that follows costs per
//! event on the agent's own thread (scrubbing, and appending to the
//! history file).
//! Run: `cargo bench -p pushdoctor-core --bench history`.

use std::sync::OnceLock;
use std::time::Duration;

use divan::black_box;
use pushdoctor_core::accept::{
    AcceptAttempt, AttemptOutcome, Decision, History, HistoryEvent, HistoryLimits,
};
use pushdoctor_core::logs::redact::RedactionConfig;
use pushdoctor_core::logs::{Capture, CaptureConfig, Level, LogRecord, Origin};

fn main() {
    divan::Divan::from_args().sample_count(500).main();
}

const T0: i64 = 1_790_000_000_000;

fn attempt() -> HistoryEvent {
    HistoryEvent::Attempt(AcceptAttempt {
        request_id: "a1b2c3d4-0000-4c1e-9a2b-5f6e7d8c9b0a".into(),
        decision: Decision::Accept,
        started_ms: T0,
        ended_ms: T0 + 120,
        try_number: 1,
        outcome: AttemptOutcome::HttpError {
            status: 503,
            server_code: Some("unavailable".into()),
        },
    })
}

fn record() -> LogRecord {
    LogRecord::new(
        T0,
        Level::Info,
        "Accept",
        "attempt 1 for request a1b2c3d4 got HTTP 503 unavailable",
        Origin::App,
    )
}

/// One capture for the process, writing to the memory store.
fn capture() -> &'static std::sync::Arc<Capture> {
    static CAPTURE: OnceLock<std::sync::Arc<Capture>> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        Capture::start(CaptureConfig {
            platform_sink: false,
            max_pending_bytes: 512 * 1024 * 1024,
            flush_interval: Duration::from_secs(3600),
            ..CaptureConfig::default()
        })
        .expect("a memory capture starts")
    })
}

/// One history for the process, in memory: `record` only queues, so the
/// queue grows by the run's few tens of thousands of events.
fn history() -> &'static History {
    static HISTORY: OnceLock<History> = OnceLock::new();
    HISTORY.get_or_init(|| {
        History::open(
            None,
            HistoryLimits::default(),
            RedactionConfig::default(),
            T0,
        )
        .expect("a memory history opens")
        .0
    })
}

#[divan::bench(sample_size = 64)]
fn baseline_capture_one_app_log_record(bencher: divan::Bencher<'_, '_>) {
    let capture = capture();
    bencher
        .with_inputs(record)
        .bench_local_refs(|r| capture.record(black_box(r)));
}

#[divan::bench(sample_size = 64)]
fn record_one_accept_attempt(bencher: divan::Bencher<'_, '_>) {
    let history = history();
    bencher
        .with_inputs(attempt)
        .bench_local_values(|e| black_box(history.record(e)));
}

/// The flush the agent schedules on its own thread, 64 queued events at
/// a time (the figure divided by 64 is per event), on one history that
/// lives as long as the run, as the agent's does: the scrubber's pattern
/// caches are warm after the first flush, as on a phone.
fn flush_64(bencher: divan::Bencher<'_, '_>, history: &History) {
    bencher
        .with_inputs(|| {
            for _ in 0..64 {
                history.record(attempt()).expect("valid");
            }
        })
        .bench_local_values(|()| history.flush(T0).expect("flushes"));
}

#[divan::bench(sample_size = 8)]
fn flush_64_events_in_memory(bencher: divan::Bencher<'_, '_>) {
    let (history, _) = History::open(
        None,
        HistoryLimits::default(),
        RedactionConfig::default(),
        T0,
    )
    .expect("opens");
    flush_64(bencher, &history);
}

/// The same, appending to `accept_history.ndjson` (compacted whenever it
/// holds twice the 500-event cap).
#[divan::bench(sample_size = 8)]
fn flush_64_events_to_disk(bencher: divan::Bencher<'_, '_>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (history, _) = History::open(
        Some(dir.path()),
        HistoryLimits::default(),
        RedactionConfig::default(),
        T0,
    )
    .expect("opens");
    flush_64(bencher, &history);
}
