//! The cost of one `log::info!` with a short formatted message going into
//! the capture, on one thread and on two at once, beside a baseline that
//! only formats the same message into a reused buffer.
//!
//! The capture runs as it does in an app: the default configuration (only
//! the platform sink off, and the memory store), so the writer thread
//! drains each thread's buffer when it is half full and hands back the
//! emptied one; the cost measured includes the writer's share of the two
//! cores and the thread's swaps, and no page faults of an ever-growing
//! buffer.
//! Run: `cargo bench -p pushdoctor-core --bench capture`.

use std::sync::OnceLock;

use divan::black_box;

#[path = "shared/message.rs"]
mod message;
use pushdoctor_core::logs::{Capture, CaptureConfig};

fn main() {
    capture();
    divan::Divan::from_args().sample_count(5000).main();
    capture().flush();
    let stats = capture().stats();
    // Dropped records would make the capture path look cheaper than it is.
    eprintln!(
        "capture stats after the run: captured {}, dropped (backlog) {}, chunks written {}",
        stats.captured, stats.dropped_backlog, stats.chunks_written
    );
    assert_eq!(stats.dropped_backlog, 0, "the capture dropped records");
}

/// One capture for the process, installed as the `log` logger, writing to
/// the memory store (the disk's cost is on the writer thread, not here),
/// with the default buffers and writer wake-ups.
fn capture() -> &'static std::sync::Arc<Capture> {
    static CAPTURE: OnceLock<std::sync::Arc<Capture>> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::start(CaptureConfig {
            platform_sink: false,
            ..CaptureConfig::default()
        })
        .expect("a memory capture starts");
        capture.install().expect("first logger of the process");
        capture
    })
}

#[divan::bench(threads = [1, 2], sample_size = 64)]
fn baseline_format_into_reused_buffer(bencher: divan::Bencher<'_, '_>) {
    bencher
        .with_inputs(|| String::with_capacity(128))
        .bench_local_refs(message::format_message);
}

#[divan::bench(threads = [1, 2], sample_size = 64)]
fn log_info_into_capture(bencher: divan::Bencher<'_, '_>) {
    bencher.bench(|| {
        log::info!(
            "accept attempt {} for request {} took {}ms",
            black_box(3),
            black_box("a1b2c3"),
            black_box(120)
        );
    });
}
