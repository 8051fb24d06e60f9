//! Where a bundle goes: the size cap is a hard limit, the output's folder
//! must exist, a folder is never taken for the output, an older file is
//! never lost, and the scratch of a killed writer is cleaned up.

use std::fs::{self, File};
use std::path::Path;

use proptest::prelude::*;
use pushdoctor_core::bundle::inspect::Bundle;
use pushdoctor_core::bundle::{BundleError, BundleOptions, BundleWriter, MIN_MAX_BYTES};
use pushdoctor_core::logs::{Level, LogRecord, Origin};
use pushdoctor_core::{diagnose, Answers, DeviceSnapshot, Options};
use pushdoctor_tests::{diagnose_fixture, load_snapshot};

/// A record whose text deflate cannot shrink much.
fn noisy_record(i: u64, len: usize) -> LogRecord {
    let mut state = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let noise: String = (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'!' + (state % 90) as u8)
        })
        .collect();
    LogRecord::new(
        1_790_000_000_000 + i as i64,
        Level::Info,
        "Noise",
        format!("n{i} {noise}"),
        Origin::App,
    )
}

/// A snapshot whose `extensions` carry `bytes` of noise: one that alone
/// is larger than a small cap.
fn big_snapshot(bytes: usize) -> DeviceSnapshot {
    let mut snapshot = load_snapshot("accept-multiple-retries.json");
    let noise: Vec<String> = (0..bytes / 64)
        .map(|i| noisy_record(i as u64, 56).message)
        .collect();
    snapshot.extensions.insert("noise".into(), noise.into());
    snapshot
}

fn options(max_bytes: u64) -> BundleOptions {
    BundleOptions {
        max_bytes,
        ..BundleOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever goes in (records of any size, a snapshot or none), the file
    /// is at most the cap, or it is not written at all.
    #[test]
    fn the_cap_is_never_exceeded(
        cap_kib in 64u64..320,
        records in 0u64..1500,
        record_len in 1usize..2000,
        snapshot_kib in prop::option::of(0usize..400),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.zip");
        let cap = cap_kib * 1024;
        let mut writer = BundleWriter::create(&path, options(cap)).unwrap();
        if let Some(kib) = snapshot_kib {
            let snapshot = big_snapshot(kib * 1024);
            let diagnosis = diagnose(&snapshot, &Answers::default(), &Options::default());
            writer.add_snapshot(&snapshot, &diagnosis);
        }
        for i in 0..records {
            writer.add(&noisy_record(i, record_len)).unwrap();
        }
        match writer.finish() {
            Ok(summary) => {
                let on_disk = fs::metadata(&path).unwrap().len();
                prop_assert_eq!(on_disk, summary.bytes);
                prop_assert!(on_disk <= cap, "{} bytes over the cap of {}", on_disk, cap);
                let m = &summary.manifest;
                prop_assert_eq!(m.records.included + m.records.dropped_for_size, records);
                prop_assert!(Bundle::open(&path).unwrap().verify().is_ok());
            }
            Err(BundleError::DoesNotFit { cap: c, needed, .. }) => {
                prop_assert_eq!(c, cap);
                prop_assert!(needed > cap);
                prop_assert!(snapshot_kib.is_some(), "only a snapshot can be too large alone");
                prop_assert!(!path.exists());
            }
            Err(e) => prop_assert!(false, "unexpected error: {e}"),
        }
        // Nothing is left beside the output.
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        prop_assert!(left.len() <= 1, "{:?}", left);
    }
}

#[test]
fn a_snapshot_larger_than_the_cap_fails_and_keeps_the_older_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.zip");
    fs::write(&path, b"the older bundle").unwrap();
    let mut writer = BundleWriter::create(&path, options(MIN_MAX_BYTES)).unwrap();
    let snapshot = big_snapshot(700 * 1024);
    let diagnosis = diagnose(&snapshot, &Answers::default(), &Options::default());
    writer.add_snapshot(&snapshot, &diagnosis);
    let err = writer.finish().unwrap_err();
    assert!(matches!(err, BundleError::DoesNotFit { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("snapshot") && message.contains(&MIN_MAX_BYTES.to_string()),
        "{message}"
    );
    assert_eq!(fs::read(&path).unwrap(), b"the older bundle");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_exact_size_is_used_so_a_cap_is_filled_not_just_respected() {
    // With incompressible records, the bundle comes within one chunk of the
    // cap: the cap is held by measuring, not by a wide safety margin.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.zip");
    let cap = 256 * 1024;
    let mut writer = BundleWriter::create(&path, options(cap)).unwrap();
    writer.add_snapshot(
        &load_snapshot("accept-multiple-retries.json"),
        &diagnose_fixture("accept-multiple-retries.json"),
    );
    for i in 0..20_000 {
        writer.add(&noisy_record(i, 200)).unwrap();
    }
    let summary = writer.finish().unwrap();
    assert!(summary.bytes <= cap);
    assert!(summary.bytes > cap * 3 / 4, "{} of {cap}", summary.bytes);
}

#[test]
fn a_missing_folder_is_refused_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("dir").join("b.zip");
    let err = BundleWriter::create(&path, BundleOptions::default())
        .err()
        .unwrap();
    assert!(matches!(&err, BundleError::Output { path: p, .. } if p == &path));
    let message = err.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("does not exist"), "{message}");
    assert!(!dir.path().join("missing").exists());
}

#[test]
fn a_folder_is_not_an_output() {
    let dir = tempfile::tempdir().unwrap();
    let err = BundleWriter::create(dir.path(), BundleOptions::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("is a folder"), "{err}");
    // A file standing where the folder should be is no folder either.
    let file = dir.path().join("plain");
    fs::write(&file, "x").unwrap();
    let err = BundleWriter::create(&file.join("b.zip"), BundleOptions::default())
        .err()
        .unwrap();
    assert!(matches!(err, BundleError::Output { .. }), "{err}");
    assert_eq!(fs::read(&file).unwrap(), b"x");
}

fn scratch_folders(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".parts-"))
        .collect()
}

#[test]
fn a_killed_writers_scratch_is_removed_by_the_next_and_a_living_ones_is_not() {
    let dir = tempfile::tempdir().unwrap();
    // What a process killed mid-bundle leaves: its folder and its lock
    // file, the lock released by the kernel when the process died.
    let dead = dir.path().join(".b.zip.parts-4242-1790000000000");
    fs::create_dir(&dead).unwrap();
    File::create(dead.join("lock")).unwrap();
    fs::write(dead.join("ndjson.deflate"), vec![0u8; 4096]).unwrap();
    // A writer at work in another process: its lock is held.
    let alive = dir.path().join(".other.zip.parts-4243-1790000000001");
    fs::create_dir(&alive).unwrap();
    let held = File::create(alive.join("lock")).unwrap();
    held.lock().unwrap();
    // A young folder without a lock may be a writer about to lock it.
    let young = dir.path().join(".c.zip.parts-4244-1790000000002");
    fs::create_dir(&young).unwrap();
    // Not ours at all, though it looks alike.
    let other = dir.path().join(".b.zip.parts-notanumber");
    fs::create_dir(&other).unwrap();

    let writer = BundleWriter::create(&dir.path().join("b.zip"), BundleOptions::default()).unwrap();
    writer.finish().unwrap();
    let mut left = scratch_folders(dir.path());
    left.sort();
    assert_eq!(
        left,
        [
            ".b.zip.parts-notanumber",
            ".c.zip.parts-4244-1790000000002",
            ".other.zip.parts-4243-1790000000001"
        ]
    );
    drop(held);
}

#[test]
fn a_writer_in_progress_holds_its_scratch_against_another() {
    let dir = tempfile::tempdir().unwrap();
    let first = BundleWriter::create(&dir.path().join("a.zip"), BundleOptions::default()).unwrap();
    let second = BundleWriter::create(&dir.path().join("b.zip"), BundleOptions::default()).unwrap();
    assert_eq!(scratch_folders(dir.path()).len(), 2);
    second.finish().unwrap();
    // The second writer swept on its way in and left the first alone.
    assert_eq!(scratch_folders(dir.path()).len(), 1);
    first.finish().unwrap();
    assert!(scratch_folders(dir.path()).is_empty());
}

#[test]
fn an_unwritable_folder_is_named_as_the_output_not_the_scratch() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_mounted) = pushdoctor_tests::mount_tmpfs(dir.path(), "64k", "an unwritable folder")
    else {
        return;
    };
    let remounted = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(dir.path())
        .status()
        .is_ok_and(|s| s.success());
    assert!(remounted, "a tmpfs we mounted can be remounted read-only");
    let path = dir.path().join("b.zip");
    let err = BundleWriter::create(&path, BundleOptions::default())
        .err()
        .unwrap();
    let message = err.to_string();
    assert!(
        matches!(&err, BundleError::Output { path: p, .. } if p == &path),
        "{message}"
    );
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(
        !message.contains(".parts-"),
        "the scratch is ours, not the user's: {message}"
    );
}
