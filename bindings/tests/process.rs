//! The process-wide part, in a test binary of its own: `init_platform`
//! runs once per process, and the `log` logger is the process's.

mod common;
use common::{block_on, bundle_records, quiet_config, Silent};
use std::sync::Arc;

use pushdoctor_ffi::agent::PushDoctorAgent;
use pushdoctor_ffi::errors::AgentError;
use pushdoctor_ffi::ids::{BundleReason, Platform};
use pushdoctor_ffi::process::{init_platform, ProcessConfig};

fn agent() -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(quiet_config(Platform::Ios), Arc::new(Silent)).unwrap()
}

/// The messages of a bundle's records from Rust's `log` with `target`.
fn messages(
    agent: &PushDoctorAgent,
    dir: &std::path::Path,
    name: &str,
    target: &str,
) -> Vec<String> {
    let path = dir.join(name).display().to_string();
    block_on(agent.build_bundle(path.clone(), BundleReason::Button)).unwrap();
    bundle_records(&path, target)
        .into_iter()
        .map(|record| record.message)
        .collect()
}

/// One test, in order: the process is set up once, and its order matters.
#[test]
fn the_process_is_set_up_once_and_rust_logs_go_to_the_newest_open_agent() {
    // Sizes are checked at the boundary, before anything starts.
    for bad in [0, -1, 9] {
        let refused = init_platform(ProcessConfig {
            worker_threads: Some(bad),
        });
        assert!(
            matches!(&refused, Err(AgentError::InvalidArgument { reason }) if reason.contains("worker_threads")),
            "{refused:?}"
        );
    }
    // The light set-up of an app extension: one worker.
    init_platform(ProcessConfig {
        worker_threads: Some(1),
    })
    .unwrap();
    let again = init_platform(ProcessConfig::default());
    assert!(
        matches!(&again, Err(AgentError::InvalidArgument { reason }) if reason.contains("already set up")),
        "{again:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let first = agent();
    log::info!(target: "process_test", "while the first is alone");
    let second = agent();
    log::info!(target: "process_test", "while both are open");
    block_on(second.shutdown());
    // The second is closed: Rust records go back to the first, never into
    // a closed capture.
    log::info!(target: "process_test", "after the second closed");
    assert_eq!(
        messages(&first, dir.path(), "first.zip", "process_test"),
        ["while the first is alone", "after the second closed"]
    );
    // Both agents shared the one runtime: the first still works after the
    // second shut down.
    let report = block_on(first.run_diagnostics(Default::default(), None)).unwrap();
    assert!(!report.findings.is_empty());
    block_on(first.shutdown());
}
