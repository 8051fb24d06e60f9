//! The capture logger against real directories: persistence across a
//! restart, torn tails, the size cap, back-pressure, a full disk, a
//! directory that cannot be written, and the order records come back in;
//! bursts from two threads, and the bound past which records are dropped.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use pushdoctor_core::bundle::{BundleOptions, BundleWriter};
use pushdoctor_core::logs::store::segment_paths;
use pushdoctor_core::logs::{
    Capture, CaptureConfig, DirReader, Level, LogError, LogRecord, Origin,
};

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

/// Two threads logging 100,000 records each in a tight loop, with the
/// default buffers and writer: the writer cannot keep up with two cores
/// of logging, so each thread fills its buffer and waits for the writer
/// rather than dropping. Nothing is lost, and each thread's records come
/// back whole and in the order it logged them. (The store is made large
/// enough to keep them all: its cap decides what is kept on the device,
/// not what is lost on the way.)
#[test]
fn two_threads_bursting_100_000_records_each_lose_none() {
    let capture = Capture::start(CaptureConfig {
        max_total_bytes: 256 * 1024 * 1024,
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    let per_thread = 100_000;
    std::thread::scope(|s| {
        for t in 0..2 {
            let capture = Arc::clone(&capture);
            std::thread::Builder::new()
                .name(format!("burst-{t}"))
                .spawn_scoped(s, move || {
                    for i in 0..per_thread {
                        capture.log(
                            &log::Record::builder()
                                .level(log::Level::Info)
                                .target("pushdoctor::accept")
                                .args(format_args!("burst {t} attempt {i} for request a1b2c3"))
                                .build(),
                        );
                    }
                })
                .unwrap();
        }
    });
    let stats = capture.stats();
    assert_eq!(stats.dropped_backlog, 0, "{stats:?}");
    assert_eq!(stats.captured, 2 * per_thread as u64, "{stats:?}");
    let mut next = [0usize; 2];
    let mut last_timestamp = i64::MIN;
    for record in capture.records().unwrap().0 {
        assert!(record.timestamp_ms >= last_timestamp, "oldest first");
        last_timestamp = record.timestamp_ms;
        let t: usize = record.message["burst ".len()..][..1].parse().unwrap();
        assert_eq!(record.thread.as_deref(), Some(&*format!("burst-{t}")));
        let want = format!("burst {t} attempt {} for request a1b2c3", next[t]);
        assert_eq!(
            record.message, want,
            "thread {t}'s records in order, none missing"
        );
        next[t] += 1;
    }
    assert_eq!(next, [per_thread; 2]);
}

/// Buffers of several threads written in one round come back merged by
/// time, whether each thread's records were in order (merged as they are)
/// or not (sorted): two threads forwarding records, one in order and one
/// backwards, then one thread in order beside the same.
#[test]
fn several_threads_records_are_merged_by_time() {
    for backwards in [true, false] {
        let capture = Capture::start(CaptureConfig {
            flush_interval: Duration::from_secs(3600),
            platform_sink: false,
            ..CaptureConfig::default()
        })
        .unwrap();
        std::thread::scope(|s| {
            for t in 0..2i64 {
                let capture = Arc::clone(&capture);
                s.spawn(move || {
                    for i in 0..500i64 {
                        let time = if backwards && t == 1 {
                            999 - 2 * i
                        } else {
                            2 * i + t
                        };
                        capture.record(&at(time, &format!("{t}.{time}")));
                    }
                });
            }
        });
        let got = timeline(&capture);
        let mut want: Vec<(i64, String)> = (0..2i64)
            .flat_map(|t| {
                (0..500i64).map(move |i| {
                    let time = if backwards && t == 1 {
                        999 - 2 * i
                    } else {
                        2 * i + t
                    };
                    (time, format!("{t}.{time}"))
                })
            })
            .collect();
        want.sort();
        assert_eq!(got.len(), 1000);
        assert!(
            got.windows(2).all(|w| w[0].0 <= w[1].0),
            "backwards: {backwards}"
        );
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(sorted, want, "backwards: {backwards}");
    }
}

/// The bound past which records are dropped: a record larger than a
/// thread's whole buffer (`max_pending_bytes`) never fits and is dropped
/// at once; with `max_backlog_wait` zero, so is every record that finds
/// the buffer full. Whatever the scheduling, exactly what was not stored
/// is counted, and the bundle's manifest reports the count.
#[test]
fn past_the_bound_records_are_dropped_counted_and_reported_in_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let capture = Capture::start(CaptureConfig {
        flush_interval: Duration::from_secs(3600),
        max_pending_bytes: 8 * 1024,
        max_backlog_wait: Duration::ZERO,
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    // Faster than the writer (woken at half the buffer) can take it, so
    // drops happen whenever it is late; and every 100th record is larger
    // than the whole buffer, so drops happen whatever the scheduling.
    let offered = 50_000;
    let mut too_big = Vec::new();
    for i in 0..offered {
        let mut r = record(i);
        if i % 100 == 0 {
            r.message = format!("attempt {i} {}", "z".repeat(16 * 1024));
            too_big.push(r.message.clone());
        }
        capture.record(&r);
    }
    let stats = capture.stats();
    let stored = messages(&capture);
    // Exactly what was not stored was counted as dropped, no more, no less.
    assert_eq!(stats.dropped_backlog, offered as u64 - stored.len() as u64);
    assert_eq!(stats.captured, stored.len() as u64);
    assert!(stats.dropped_backlog >= too_big.len() as u64, "{stats:?}");
    assert!(
        too_big.iter().all(|m| !stored.contains(m)),
        "a record larger than the buffer was kept"
    );
    // What was kept is what was offered, in order.
    let mut offered_messages = (0..offered).map(|i| format!("attempt {i}"));
    assert!(stored.iter().all(|m| offered_messages.any(|o| o == *m)));

    let out = dir.path().join("bundle.zip");
    let mut writer = BundleWriter::create(&out, BundleOptions::default()).unwrap();
    writer.add_capture(&capture).unwrap();
    let summary = writer.finish().unwrap();
    let details = &summary.manifest.sources[0].details["capture"];
    assert_eq!(
        details["dropped_backlog"], stats.dropped_backlog,
        "{details}"
    );
    assert_eq!(details["captured"], stats.captured, "{details}");
}

/// With a wait, the same flood loses only the records that can never fit:
/// the thread waits for the writer instead of dropping. (The wait is long
/// here so that a loaded machine cannot make the test about scheduling;
/// the default's is the burst test above.)
#[test]
fn a_full_buffer_waits_for_the_writer_and_drops_only_what_can_never_fit() {
    let capture = Capture::start(CaptureConfig {
        flush_interval: Duration::from_secs(3600),
        max_pending_bytes: 8 * 1024,
        max_backlog_wait: Duration::from_secs(10),
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    let offered = 50_000;
    let mut want = Vec::new();
    for i in 0..offered {
        let mut r = record(i);
        if i % 100 == 0 {
            r.message = format!("attempt {i} {}", "z".repeat(16 * 1024));
        } else {
            want.push(r.message.clone());
        }
        capture.record(&r);
    }
    let stats = capture.stats();
    assert_eq!(stats.dropped_backlog, offered as u64 / 100, "{stats:?}");
    assert_eq!(messages(&capture), want);
}

#[test]
fn a_large_flush_is_written_as_chunks_of_bounded_size() {
    let capture = Capture::start(CaptureConfig {
        flush_interval: Duration::from_secs(3600),
        max_pending_bytes: 16 * 1024 * 1024,
        max_total_bytes: 64 * 1024 * 1024,
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    // About 3 MiB in one flush: three chunks of at most 1 MiB, at least.
    let offered = 30_000;
    for i in 0..offered {
        let mut r = record(i);
        r.message = format!("attempt {i} {}", "p".repeat(64));
        capture.record(&r);
    }
    let stored = messages(&capture);
    assert_eq!(stored.len(), offered);
    assert!(stored
        .iter()
        .zip(0..)
        .all(|(m, i)| m.starts_with(&format!("attempt {i} "))));
    assert!(capture.stats().chunks_written >= 3, "{:?}", capture.stats());
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

fn at(timestamp_ms: i64, message: &str) -> LogRecord {
    LogRecord::new(timestamp_ms, Level::Info, "Push", message, Origin::App)
}

fn timeline(capture: &Capture) -> Vec<(i64, String)> {
    capture
        .records()
        .unwrap()
        .0
        .map(|r| (r.timestamp_ms, r.message))
        .collect()
}

fn expected(pairs: &[(i64, &str)]) -> Vec<(i64, String)> {
    pairs.iter().map(|&(t, m)| (t, m.to_string())).collect()
}

/// A record forwarded late with an earlier timestamp comes back before
/// the records it is older than, wherever it was stored: the same flush,
/// a later flush, a later segment, a later run of the app; on disk and in
/// memory. Equal timestamps keep the order they arrived in.
#[test]
fn records_come_back_oldest_first_whatever_the_order_of_arrival() {
    for directory in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let start = || {
            Capture::start(CaptureConfig {
                directory: directory.then(|| dir.path().to_path_buf()),
                max_total_bytes: 1024 * 1024,
                platform_sink: false,
                ..CaptureConfig::default()
            })
            .unwrap()
        };
        let capture = start();
        // The same flush, one thread.
        capture.record(&at(2000, "b"));
        capture.record_batch(&[at(1000, "a"), at(2000, "b2")]);
        // A later flush.
        capture.flush();
        capture.record_batch(&[at(1500, "a2"), at(1000, "a1")]);
        capture.flush();
        let want = expected(&[
            (1000, "a"),
            (1000, "a1"),
            (1500, "a2"),
            (2000, "b"),
            (2000, "b2"),
        ]);
        assert_eq!(timeline(&capture), want, "directory: {directory}");
        if !directory {
            continue;
        }
        // A later segment: fill the current one past its size (the cap's
        // eighth, 128 KiB), then log something older.
        for i in 0..2000 {
            capture.record(&at(3000, &format!("filler {i} {}", "f".repeat(100))));
        }
        capture.flush();
        capture.record(&at(1200, "from a later segment"));
        capture.flush();
        assert!(segment_paths(dir.path()).unwrap().len() >= 2);
        let all = timeline(&capture);
        assert_eq!(all[2], (1200, "from a later segment".to_string()));
        // A later run of the app.
        capture.shutdown();
        drop(capture);
        let capture = start();
        capture.record(&at(1100, "from the next run"));
        let all = timeline(&capture);
        assert_eq!(all.len(), 2007);
        assert_eq!(all[2], (1100, "from the next run".to_string()));
        assert!(all.windows(2).all(|w| w[0].0 <= w[1].0), "oldest first");
        // The CLI's reader of a log directory gives the same order.
        let read: Vec<(i64, String)> = DirReader::open(dir.path())
            .unwrap()
            .map(|r| (r.timestamp_ms, r.message))
            .collect();
        assert_eq!(read, all);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any order of arrival, any batching, flushes anywhere, on disk or in
    /// memory: what comes back is what went in, sorted by time, ties in the
    /// order they arrived.
    #[test]
    fn any_arrival_order_comes_back_sorted(
        arrivals in proptest::collection::vec((0i64..50, 1usize..4, any::<bool>()), 1..60),
        directory in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let capture = Capture::start(CaptureConfig {
            directory: directory.then(|| dir.path().to_path_buf()),
            platform_sink: false,
            ..CaptureConfig::default()
        })
        .unwrap();
        let mut sent = Vec::new();
        for (i, &(time, batch, flush)) in arrivals.iter().enumerate() {
            let records: Vec<LogRecord> = (0..batch)
                .map(|j| at(time * 10 + j as i64 % 2, &format!("{i}.{j}")))
                .collect();
            capture.record_batch(&records);
            sent.extend(records.iter().map(|r| (r.timestamp_ms, r.message.clone())));
            if flush {
                capture.flush();
            }
        }
        let mut want = sent.clone();
        want.sort_by_key(|r| r.0); // stable: ties keep arrival order
        prop_assert_eq!(timeline(&capture), want);
    }
}
