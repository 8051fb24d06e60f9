//! The capture logger against real directories: persistence across a
//! restart, torn tails, the size cap, back-pressure, a full disk and a
//! directory that cannot be written.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pushdoctor_core::logs::store::segment_paths;
use pushdoctor_core::logs::{Capture, CaptureConfig, Level, LogError, LogRecord, Origin};

fn config(dir: &Path) -> CaptureConfig {
    CaptureConfig {
        directory: Some(dir.to_path_buf()),
        platform_sink: false,
        ..CaptureConfig::default()
    }
}

fn record(i: usize) -> LogRecord {
    let mut r = LogRecord::new(
        1_700_000_000_000 + i as i64,
        Level::Info,
        "Accept",
        format!("attempt {i}"),
        Origin::App,
    );
    r.thread = Some("main".into());
    r.fields.push(("attempt".into(), i.to_string()));
    r
}

fn messages(capture: &Capture) -> Vec<String> {
    capture.records().unwrap().0.map(|r| r.message).collect()
}

#[test]
fn forwarded_and_rust_records_come_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let capture = Capture::start(config(dir.path())).unwrap();
    capture.record(&record(1));
    capture.log(
        &log::Record::builder()
            .level(log::Level::Warn)
            .target("pushdoctor::accept")
            .args(format_args!("retry {} of {}", 2, 3))
            .key_values(&[("status", 503)])
            .build(),
    );
    capture.record_batch(&[record(2), record(3)]);
    let records: Vec<LogRecord> = capture.records().unwrap().0.collect();
    assert_eq!(records.len(), 4);
    // Oldest first: the forwarded records carry 2023 timestamps, the Rust
    // record now.
    assert_eq!(records[..3], [record(1), record(2), record(3)]);
    let rust = &records[3];
    assert_eq!(rust.message, "retry 2 of 3");
    assert_eq!(rust.tag, "pushdoctor::accept");
    assert_eq!(rust.level, Level::Warn);
    assert_eq!(rust.origin, Origin::Rust);
    assert_eq!(rust.fields, vec![("status".to_string(), "503".to_string())]);
    assert_eq!(rust.pid, Some(std::process::id()));
    assert_eq!(capture.stats().captured, 4);
}

#[test]
fn records_survive_a_restart_and_a_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    {
        let capture = Capture::start(config(dir.path())).unwrap();
        for i in 0..10 {
            capture.record(&record(i));
        }
        capture.flush();
        // A kill in the middle of the next write: half a chunk at the end.
        let segment = segment_paths(dir.path()).unwrap().pop().unwrap();
        let mut file = OpenOptions::new().append(true).open(segment).unwrap();
        file.write_all(b"PDCH\x40\x00\x00\x00torn").unwrap();
        std::mem::forget(capture); // no orderly shutdown, as after a kill
    }
    let capture = Capture::start(config(dir.path())).unwrap();
    capture.record(&record(10));
    let (records, stats) = capture.records().unwrap();
    let messages: Vec<String> = records.map(|r| r.message).collect();
    assert_eq!(messages.len(), 11);
    assert_eq!(messages[0], "attempt 0");
    assert_eq!(messages[10], "attempt 10");
    let stats = stats.get();
    assert_eq!(
        stats.skipped_bytes, 12,
        "the torn tail (12 bytes) is skipped and counted"
    );
    assert_eq!(stats.skipped_chunks, 1);
}

#[test]
fn the_directory_stays_under_its_cap_and_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let cap = 256 * 1024;
    let capture = Capture::start(CaptureConfig {
        max_total_bytes: cap,
        ..config(dir.path())
    })
    .unwrap();
    for i in 0..20_000 {
        capture.record(&record(i));
        if i % 500 == 0 {
            capture.flush();
        }
    }
    let all = messages(&capture);
    let total: u64 = segment_paths(dir.path())
        .unwrap()
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert!(total <= cap, "{total} bytes on disk, cap {cap}");
    assert_eq!(all.last().unwrap(), "attempt 19999", "the newest are kept");
    assert!(all.len() < 20_000, "the oldest were dropped");
    // What is kept is one contiguous run, oldest first.
    let first: usize = all[0].trim_start_matches("attempt ").parse().unwrap();
    assert_eq!(all.len(), 20_000 - first);
}

#[test]
fn a_full_backlog_drops_and_counts_instead_of_blocking() {
    let capture = Capture::start(CaptureConfig {
        flush_interval: Duration::from_secs(3600),
        max_pending_bytes: 8 * 1024,
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    // The writer wakes at half the backlog, so hammer faster than it can be
    // woken: whatever does not fit is dropped and counted, none is lost
    // without a count.
    for i in 0..50_000 {
        capture.record(&record(i));
    }
    let stats = capture.stats();
    let kept = messages(&capture).len() as u64;
    assert_eq!(stats.captured + stats.dropped_backlog, 50_000);
    assert_eq!(kept, stats.captured);
}

#[test]
fn huge_messages_are_cut_and_counted() {
    let capture = Capture::start(CaptureConfig {
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    let mut big = record(0);
    big.message = "x".repeat(1024 * 1024);
    capture.record(&big);
    capture.log(
        &log::Record::builder()
            .level(log::Level::Info)
            .args(format_args!("{}", "é".repeat(600 * 1024)))
            .build(),
    );
    let records: Vec<LogRecord> = capture.records().unwrap().0.collect();
    assert_eq!(records.len(), 2);
    assert!(records[0].message.ends_with("…[cut 983040 bytes]"));
    assert!(records[1].message.len() < 70 * 1024);
    assert!(records[1].message.contains("…[cut "));
    assert_eq!(capture.stats().truncated, 2);
}

#[test]
fn many_threads_log_at_once() {
    let capture = Capture::start(CaptureConfig {
        platform_sink: false,
        max_pending_bytes: 8 * 1024 * 1024,
        ..CaptureConfig::default()
    })
    .unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let capture = Arc::clone(&capture);
            s.spawn(move || {
                for i in 0..1000 {
                    capture.record(&record(t * 1000 + i));
                }
            });
        }
    });
    let mut all: Vec<String> = messages(&capture);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4000);
}

#[test]
fn an_unwritable_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let Err(err) = Capture::start(config(&file.join("logs"))) else {
        panic!("a directory under a file cannot be created");
    };
    assert!(matches!(err, LogError::Directory { .. }));
    assert!(err.to_string().contains("a-file/logs"), "{err}");
}

/// A tiny tmpfs, mounted for the test: writing until it is full must drop
/// and count records, keep the older segments readable, and recover when
/// space comes back. Needs root (CI runs as root); says so when it cannot.
#[test]
fn a_full_disk_loses_new_records_not_old_ones() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_unmount) = pushdoctor_tests::mount_tmpfs(dir.path(), "48k", "the full-disk case")
    else {
        return;
    };

    let capture = Capture::start(CaptureConfig {
        max_total_bytes: 1024 * 1024, // larger than the disk
        ..config(dir.path())
    })
    .unwrap();
    for i in 0..100 {
        capture.record(&record(i));
    }
    capture.flush();
    assert!(capture.last_write_error().is_none());
    // Fill the disk.
    for i in 100..5_000 {
        let mut r = record(i);
        r.message = format!("{i} {}", "y".repeat(200));
        capture.record(&r);
        if i % 100 == 0 {
            capture.flush();
        }
    }
    capture.flush();
    let stats = capture.stats();
    assert!(stats.dropped_write > 0, "{stats:?}");
    let error = capture.last_write_error().expect("the last write failed");
    assert!(error.contains("No space left"), "{error}");
    // The first 100 are all there, and every stored chunk is whole.
    let (records, read) = capture.records().unwrap();
    let messages: Vec<String> = records.map(|r| r.message).collect();
    assert_eq!(
        messages[..100],
        (0..100).map(|i| format!("attempt {i}")).collect::<Vec<_>>()[..]
    );
    assert_eq!(
        read.get().skipped_bytes,
        0,
        "failed writes were undone, not left torn"
    );
}
