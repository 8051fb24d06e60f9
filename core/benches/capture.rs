//! The cost of one `log::info!` with a short formatted message going into
//! the capture ring, on one thread and on two at once, beside a baseline
//! that only formats the same message into a reused buffer.
//! Run: `cargo bench -p pushdoctor-core --bench capture`.

use std::fmt::Write as _;
use std::sync::OnceLock;
use std::time::Duration;

use divan::black_box;
use pushdoctor_core::logs::{Capture, CaptureConfig};

fn main() {
    capture();
    divan::Divan::from_args().sample_count(500).main();
    let stats = capture().stats();
    // Dropped records would make the capture path look cheaper than it is.
    eprintln!(
        "capture stats after the run: captured {}, dropped (backlog) {}, chunks written {}",
        stats.captured, stats.dropped_backlog, stats.chunks_written
    );
}

/// One capture for the process, installed as the `log` logger, writing to
/// the memory store (the disk's cost is on the writer thread, not here).
fn capture() -> &'static std::sync::Arc<Capture> {
    static CAPTURE: OnceLock<std::sync::Arc<Capture>> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = Capture::start(CaptureConfig {
            platform_sink: false,
            max_pending_bytes: 512 * 1024 * 1024,
            flush_interval: Duration::from_secs(3600),
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
        .bench_local_refs(|buf| {
            buf.clear();
            let _ = write!(
                buf,
                "accept attempt {} for request {} took {}ms",
                black_box(3),
                black_box("a1b2c3"),
                black_box(120)
            );
            black_box(&buf);
        });
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
