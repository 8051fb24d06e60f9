//! A test that cannot run what it is for says so, where it will be seen.
//!
//! libtest has no "skipped" verdict decided at run time: a test that
//! returns early passes, and what it printed with `eprintln!` shows only
//! under `--nocapture`. So every test that skips calls [`skip`], which makes
//! the skip visible locally and a failure in CI (where `../shared`, root for
//! tmpfs, IPv6 on loopback and python3 are all present, so a skip means a
//! check silently stopped running).
//!
//! This file is the one definition. The core's unit tests and the CLI's
//! bundle benchmark cannot depend on this crate (it depends on them), so
//! they compile this same file in with `#[path]`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

/// The environment variable naming a file that every skip appends its line
/// to: `scripts/test` sets it and lists the skips at the end of its run.
pub const SKIP_LOG: &str = "PUSHDOCTOR_SKIP_LOG";

/// Records that the calling test skipped a check, `reason` saying what was
/// not checked and why (e.g. "shared/seed/… is absent; the strings were not
/// checked against it").
///
/// With `CI=true` it panics with the reason: in CI a skip is a failure.
/// Otherwise it writes `SKIPPED: <test>: <reason>` to the process's
/// standard error directly (libtest captures `eprintln!` but not a direct
/// write, so the line shows in `cargo test`'s output without
/// `--nocapture`), and appends it to the file named by
/// `PUSHDOCTOR_SKIP_LOG` when that is set.
pub fn skip(reason: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let log = std::env::var_os(SKIP_LOG);
    skip_to(
        ci,
        log.as_deref().map(Path::new),
        &mut std::io::stderr(),
        reason,
    );
}

/// [`skip`] with its environment spelt out: `ci` for `CI=true`, `log` for
/// the file named by `PUSHDOCTOR_SKIP_LOG`, `stderr` for the process's
/// standard error. Its own tests call it directly.
pub fn skip_to(ci: bool, log: Option<&Path>, stderr: &mut dyn Write, reason: &str) {
    let line = format!("SKIPPED: {}: {reason}", test_name());
    if ci {
        panic!("{line} (CI=true: in CI every check must run, so a skip is a failure)");
    }
    // Best effort: a skip that cannot be reported must not fail the test.
    let _ = stderr.write_all(format!("{line}\n").as_bytes());
    if let Some(log) = log {
        // One short append per line, so parallel tests do not interleave.
        if let Ok(mut file) = OpenOptions::new().create(true).append(true).open(log) {
            let _ = file.write_all(format!("{line}\n").as_bytes());
        }
    }
}

/// The running test's name: libtest runs each test on a thread named after
/// it; a benchmark run as a test is a program of its own, named after it.
fn test_name() -> String {
    match std::thread::current().name() {
        Some(name) if name != "main" => name.to_string(),
        _ => std::env::args()
            .next()
            .as_deref()
            .map(Path::new)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "a test".to_string()),
    }
}
