//! What a Rust `log::info!` costs inside the app, through the process's
//! log route (`bindings/src/process.rs`: the newest open agent's capture,
//! found under a read lock per record), beside the same record given to a
//! capture directly and beside formatting the message only, in the same
//! run, on one thread and on two.
//! Run: `cargo bench -p pushdoctor-ffi --bench route`.

use std::sync::{Arc, OnceLock};

use divan::black_box;

#[path = "../../core/benches/shared/message.rs"]
mod message;
use pushdoctor_core::logs::{Capture, CaptureConfig};
use pushdoctor_ffi::agent::PushDoctorAgent;
use pushdoctor_ffi::ids::Platform;

// The tests' silent phone and quiet configuration; what else the tests
// share is not used here.
#[allow(dead_code)]
#[path = "../tests/common/mod.rs"]
mod common;
use common::{quiet_config, Silent};

fn main() {
    agent();
    divan::Divan::from_args().sample_count(500).main();
}

/// The agent, as an app makes it: its capture in memory, echo off (the
/// platform's log is not what is measured), the process's route logger
/// installed.
fn agent() -> &'static Arc<PushDoctorAgent> {
    static AGENT: OnceLock<Arc<PushDoctorAgent>> = OnceLock::new();
    AGENT.get_or_init(|| {
        PushDoctorAgent::new(quiet_config(Platform::Android), Arc::new(Silent))
            .expect("an agent starts")
    })
}

/// A capture of its own, not installed: the record handed to it directly.
fn direct() -> &'static Arc<Capture> {
    static CAPTURE: OnceLock<Arc<Capture>> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        Capture::start(CaptureConfig {
            platform_sink: false,
            ..CaptureConfig::default()
        })
        .expect("a memory capture starts")
    })
}

#[divan::bench(threads = [1, 2], sample_size = 64)]
fn baseline_format_into_reused_buffer(bencher: divan::Bencher<'_, '_>) {
    bencher
        .with_inputs(|| String::with_capacity(128))
        .bench_local_refs(message::format_message);
}

#[divan::bench(threads = [1, 2], sample_size = 64)]
fn capture_directly(bencher: divan::Bencher<'_, '_>) {
    let capture = direct();
    bencher.bench(|| {
        capture.log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("pushdoctor::bench")
                .args(format_args!(
                    "accept attempt {} for request {} took {}ms",
                    black_box(3),
                    black_box("a1b2c3"),
                    black_box(120)
                ))
                .build(),
        );
    });
}

#[divan::bench(threads = [1, 2], sample_size = 64)]
fn log_info_through_the_route(bencher: divan::Bencher<'_, '_>) {
    bencher.bench(|| {
        log::info!(
            target: "pushdoctor::bench",
            "accept attempt {} for request {} took {}ms",
            black_box(3),
            black_box("a1b2c3"),
            black_box(120)
        );
    });
}
