//! Bundles: built from records, read back, held to their cap, checked for
//! damage, and never left half-written.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;

use pushdoctor_core::bundle::inspect::{Bundle, OpenError, ReadLimits};
use pushdoctor_core::bundle::{
    BundleError, BundleOptions, BundleReason, BundleWriter, SourceSummary,
};
use pushdoctor_core::logs::{Level, LogRecord, Origin};
use pushdoctor_tests::{diagnose_fixture, load_snapshot};

fn record(i: u64) -> LogRecord {
    let level = if i.is_multiple_of(10) {
        Level::Warn
    } else {
        Level::Info
    };
    let mut r = LogRecord::new(
        1_790_000_000_000 + i as i64 * 1000,
        level,
        "Accept",
        format!("attempt {i} status=503 took 120ms"),
        Origin::App,
    );
    r.thread = Some("main".into());
    r.fields.push(("attempt".into(), i.to_string()));
    r
}

fn build(
    path: &Path,
    records: impl Iterator<Item = LogRecord>,
    options: BundleOptions,
) -> pushdoctor_core::bundle::BundleSummary {
    let mut writer = BundleWriter::create(path, options).unwrap();
    writer.add_snapshot(
        &load_snapshot("accept-multiple-retries.json"),
        &diagnose_fixture("accept-multiple-retries.json"),
    );
    for r in records {
        writer.add(&r).unwrap();
    }
    writer.add_source(SourceSummary {
        kind: "capture".into(),
        name: None,
        records: 0,
        details: serde_json::json!({}),
    });
    writer.finish().unwrap()
}

#[test]
fn a_bundle_holds_every_record_once_as_text_that_reads_back_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.zip");
    let summary = build(&path, (0..5000).map(record), BundleOptions::default());
    assert_eq!(summary.bytes, fs::metadata(&path).unwrap().len());
    let m = &summary.manifest;
    assert_eq!(m.bundle_version, 2);
    assert_eq!(m.reason, BundleReason::Button);
    assert_eq!(m.records.included, 5000);
    assert_eq!(m.records.dropped_for_size, 0);
    assert_eq!(m.records.by_level["WARN"], 500);
    assert_eq!(m.device.model.as_deref(), None);
    assert_eq!(m.device.platform.as_deref(), Some("android"));
    let names: Vec<&str> = m.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["snapshot.json", "diagnosis.json", "logs.txt"]);

    let text = pushdoctor_tests::bundle_entry(&path, "logs.txt");
    assert_eq!(text.lines().count(), 5000);
    assert_eq!(
        text.lines().last().unwrap(),
        "2026-09-21T15:36:39.000Z I app Accept (main) {attempt=4999}: attempt 4999 status=503 took 120ms"
    );
    // The tools read the very records that went in.
    let mut read = Vec::new();
    let stats = Bundle::open(&path)
        .unwrap()
        .records_with(&ReadLimits::default(), |r| read.push(r))
        .unwrap();
    assert_eq!((stats.records, stats.unreadable), (5000, 0));
    assert_eq!(read, (0..5000).map(record).collect::<Vec<_>>());
    let diagnosis: pushdoctor_core::Diagnosis =
        serde_json::from_str(&pushdoctor_tests::bundle_entry(&path, "diagnosis.json")).unwrap();
    assert_eq!(diagnosis, diagnose_fixture("accept-multiple-retries.json"));

    let bundle = Bundle::open(&path).unwrap();
    let report = bundle.verify();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.checked.len(), 3);
    let shown = bundle.show(5).unwrap();
    assert!(
        shown.contains("Errors and warnings (500; the last 5 shown)"),
        "{shown}"
    );
    assert!(
        shown.contains("Share the app's logs with the developer [share_logs]"),
        "{shown}"
    );
}

#[test]
fn the_cap_keeps_the_newest_records_and_says_what_it_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capped.zip");
    let cap = 256 * 1024;
    // Varied text, so it does not compress to nothing.
    let records = (0..200_000u64).map(|i| {
        let mut r = record(i);
        r.message = format!(
            "attempt {i} nonce {:x} {:x}",
            i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            i * 7919
        );
        r
    });
    let summary = build(
        &path,
        records,
        BundleOptions {
            max_bytes: cap,
            ..BundleOptions::default()
        },
    );
    assert!(summary.bytes <= cap, "{} bytes, cap {cap}", summary.bytes);
    let m = &summary.manifest;
    assert!(m.records.dropped_for_size > 0);
    assert_eq!(m.records.included + m.records.dropped_for_size, 200_000);
    let text = pushdoctor_tests::bundle_entry(&path, "logs.txt");
    assert!(
        text.lines().last().unwrap().contains("attempt 199999 "),
        "the newest record is kept"
    );
    let first_kept = 200_000 - m.records.included;
    assert!(text
        .lines()
        .next()
        .unwrap()
        .contains(&format!("attempt {first_kept} ")));
    let dropped = m.records.dropped_time_range.as_ref().unwrap();
    assert!(dropped.last < m.time_range.as_ref().unwrap().first);
    assert!(Bundle::open(&path).unwrap().verify().is_ok());
    // The scratch files beside the output are gone.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_unfinished_bundle_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("never.zip");
    let mut writer = BundleWriter::create(&path, BundleOptions::default()).unwrap();
    for i in 0..10_000 {
        writer.add(&record(i)).unwrap();
    }
    drop(writer);
    assert!(!path.exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_cap_too_small_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = BundleWriter::create(
        &dir.path().join("x.zip"),
        BundleOptions {
            max_bytes: 1000,
            ..BundleOptions::default()
        },
    )
    .err()
    .unwrap();
    assert!(matches!(err, BundleError::CapTooSmall(1000)));
}

fn small_bundle(dir: &Path) -> PathBuf {
    let path = dir.join("b.zip");
    build(&path, (0..2000).map(record), BundleOptions::default());
    path
}

#[test]
fn files_that_are_not_bundles_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.zip");
    fs::write(&junk, b"this is not a zip file at all, just some words").unwrap();
    assert!(matches!(Bundle::open(&junk), Err(OpenError::Zip(_))));
    fs::write(&junk, b"").unwrap();
    assert!(matches!(Bundle::open(&junk), Err(OpenError::Zip(_))));

    // A zip without a manifest (made by the system's zip tool when present).
    let plain = dir.path().join("plain.zip");
    let made = Command::new("python3")
        .args([
            "-c",
            "import zipfile,sys; zipfile.ZipFile(sys.argv[1],'w').writestr('a.txt','hi')",
        ])
        .arg(&plain)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if made {
        assert!(matches!(Bundle::open(&plain), Err(OpenError::NoManifest)));
    } else {
        pushdoctor_tests::skip::skip(
            "python3 is absent; a foreign zip without a manifest was not tried",
        );
    }

    // Cut short: the central directory is gone.
    let path = small_bundle(dir.path());
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(Bundle::open(&path), Err(OpenError::Zip(_))));
}

#[test]
fn damage_and_tampering_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_bundle(dir.path());
    let bytes = fs::read(&path).unwrap();
    // Flip a byte in the middle of the compressed logs (after the small
    // entries, before the manifest and directory at the end).
    let mut damaged = bytes.clone();
    let at = bytes.len() / 2;
    damaged[at] ^= 0x55;
    fs::write(&path, &damaged).unwrap();
    let report = Bundle::open(&path).unwrap().verify();
    assert!(!report.is_ok());
    assert!(
        report.problems.iter().any(|p| p.contains("logs.")),
        "{:?}",
        report.problems
    );

    // The manifest's SHA-256 for one entry changed (the archive itself
    // whole): verify names exactly that entry's checksum.
    let mut craft = pushdoctor_tests::zipcraft::ZipCraft::from_zip(&small_bundle(dir.path()));
    craft.edit_manifest(|m| {
        for e in m["entries"].as_array_mut().unwrap() {
            if e["name"] == "logs.txt" {
                e["sha256"] = "0".repeat(64).into();
            }
        }
    });
    let path2 = dir.path().join("lying.zip");
    craft.write(&path2);
    let report = Bundle::open(&path2).unwrap().verify();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].starts_with("logs.txt: SHA-256 is "));
    assert!(report.problems[0].ends_with(&format!("the manifest says {}", "0".repeat(64))));
}

#[test]
fn the_manifests_device_and_source_strings_are_scrubbed_and_counted() {
    let mut snapshot = load_snapshot("accept-multiple-retries.json");
    snapshot.device.model = Some("Pixel 8 of alice.smith@example.org".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.zip");
    let mut writer = BundleWriter::create(&path, BundleOptions::default()).unwrap();
    writer.add_snapshot(&snapshot, &diagnose_fixture("accept-multiple-retries.json"));
    writer.add(&record(1)).unwrap();
    writer.add_source(SourceSummary {
        kind: "logcat".into(),
        name: Some("logcat-bob@example.com.txt".into()),
        records: 1,
        details: serde_json::json!({ "first_line": "user carol@example.net signed in", "lines": 1 }),
    });
    let summary = writer.finish().unwrap();
    let stored = pushdoctor_tests::bundle_entry(&path, "manifest.json");
    for secret in [
        "alice.smith@example.org",
        "bob@example.com",
        "carol@example.net",
    ] {
        assert!(
            !stored.contains(secret),
            "{secret} reached the manifest:\n{stored}"
        );
    }
    let m = &summary.manifest;
    assert_eq!(m.device.model.as_deref(), Some("Pixel 8 of [email]"));
    assert_eq!(m.sources[0].name.as_deref(), Some("[email]"));
    // Three in the manifest; the snapshot has its own copy of the model.
    assert!(m.redaction.counts.0["email"] >= 3, "{:?}", m.redaction);
    assert_eq!(m.redaction.total, m.redaction.counts.total());
    let report = Bundle::open(&path).unwrap().verify();
    assert!(report.is_ok(), "{:?}", report.problems);
    // The stored counts are a list, which the scan does not take for a secret.
    assert!(stored.contains("\"category\": \"email\""), "{stored}");
}

#[test]
fn verify_finds_a_secret_planted_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = pushdoctor_tests::zipcraft::ZipCraft::from_zip(&small_bundle(dir.path()));
    craft.edit_manifest(|m| m["device"]["model"] = "alice.smith@example.org".into());
    let path = dir.path().join("planted.zip");
    craft.write(&path);
    let report = Bundle::open(&path).unwrap().verify();
    assert_eq!(report.secrets_by_entry.get("manifest.json"), Some(&1));
    assert!(report
        .problems
        .contains(&"manifest.json: 1 secret(s) survived redaction".to_string()));
}

#[test]
fn counts_written_as_an_object_by_older_bundles_still_read() {
    let old: pushdoctor_core::bundle::manifest::RedactionSummary =
        serde_json::from_str(r#"{"counts": {"email": 3, "otp": 1}, "total": 4}"#).unwrap();
    assert_eq!(old.counts.0["email"], 3);
    let new = serde_json::to_value(&old).unwrap();
    assert_eq!(
        new["counts"],
        serde_json::json!([{"category": "email", "count": 3}, {"category": "otp", "count": 1}])
    );
}

#[test]
fn a_full_disk_fails_cleanly_and_keeps_the_older_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_unmount) =
        pushdoctor_tests::mount_tmpfs(dir.path(), "96k", "the full-disk bundle case")
    else {
        return;
    };
    let path = dir.path().join("b.zip");
    build(&path, (0..200).map(record), BundleOptions::default());
    let before = fs::read(&path).unwrap();

    let err = {
        let mut writer = BundleWriter::create(&path, BundleOptions::default()).unwrap();
        let mut failed = None;
        for i in 0..400_000u64 {
            let mut r = record(i);
            r.message = format!(
                "{i:x} {:x} {:x}",
                i.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                i.wrapping_mul(31)
            );
            if let Err(e) = writer.add(&r) {
                failed = Some(e);
                break;
            }
        }
        match failed {
            Some(e) => e,
            None => writer.finish().expect_err("96 KiB cannot hold this bundle"),
        }
    };
    assert!(err.to_string().contains("No space left"), "{err}");
    assert_eq!(
        fs::read(&path).unwrap(),
        before,
        "the older bundle is untouched"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn every_line_of_the_text_form_is_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.zip");
    let mut weird = record(1);
    weird.message = "line one\nline two\r\nline three".into();
    build(
        &path,
        [record(0), weird, record(2)].into_iter(),
        BundleOptions::default(),
    );
    let text = pushdoctor_tests::bundle_entry(&path, "logs.txt");
    assert_eq!(BufReader::new(text.as_bytes()).lines().count(), 3);
    assert!(text.contains("line one\\nline two\\r\\nline three"));
}

#[test]
fn what_the_network_probes_found_is_scrubbed_in_the_bundle_too() {
    // A portal's redirect carries the phone's address and a session; the
    // probes recorded the servers' addresses.
    let mut snapshot = load_snapshot("not-received-captive-portal.json");
    let probes = snapshot.probes.as_mut().unwrap();
    let captive = probes.captive_portal.as_mut().unwrap();
    captive.endpoint.redirect_to = Some(
        "http://portal.hotel.example/login?client_ip=192.168.7.23&token=9f8e7d6c5b4a39281706"
            .into(),
    );
    let diagnosis = pushdoctor_core::diagnose(
        &snapshot,
        &pushdoctor_core::Answers::default(),
        &pushdoctor_core::Options::default(),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.zip");
    let mut writer = BundleWriter::create(&path, BundleOptions::default()).unwrap();
    writer.add_snapshot(&snapshot, &diagnosis);
    let summary = writer.finish().unwrap();

    let report = Bundle::open(&path).unwrap().verify();
    assert!(report.is_ok(), "{:?}", report.problems);
    let stored = pushdoctor_tests::bundle_entry(&path, "snapshot.json");
    for secret in ["192.168.7.23", "9f8e7d6c5b4a39281706", "10.10.0.1"] {
        assert!(!stored.contains(secret), "{secret} survived:\n{stored}");
    }
    // Still a snapshot, in the schema's own key order, that diagnoses the
    // same way.
    let parsed = pushdoctor_core::DeviceSnapshot::from_json(stored.as_bytes()).unwrap();
    assert!(parsed.unknown_fields.is_empty());
    assert!(stored.find("\"schema_version\"").unwrap() < stored.find("\"platform\"").unwrap());
    let again = pushdoctor_core::diagnose(
        &parsed.snapshot,
        &pushdoctor_core::Answers::default(),
        &pushdoctor_core::Options::default(),
    );
    assert_eq!(again.action_ids(), diagnosis.action_ids());
    let counts = &summary.manifest.redaction;
    assert!(counts.total >= 4, "{counts:?}");
}

/// A bundle made by pushdoctor 0.1.0 before format 2 (`bundle_version` 1,
/// the records in both `logs.ndjson` and `logs.txt`), from six logcat
/// lines with a password in one, a tab and a backslash in others.
fn format_one_fixture() -> PathBuf {
    pushdoctor_tests::fixtures_dir().join("bundles/v1.zip")
}

#[test]
fn a_format_one_bundle_still_opens_verifies_shows_and_reads_back() {
    let bundle = Bundle::open(&format_one_fixture()).unwrap();
    assert_eq!(bundle.manifest.bundle_version, 1);
    let report = bundle.verify();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(
        report.checked,
        ["snapshot.json", "diagnosis.json", "logs.ndjson", "logs.txt"]
    );
    let shown = bundle.show(10).unwrap();
    assert!(shown.contains("Push Doctor bundle (format 1)"), "{shown}");
    assert!(
        shown.contains("E AndroidRuntime[1702:2401]: FATAL EXCEPTION: main"),
        "{shown}"
    );
    assert!(!shown.contains("no logs.ndjson"), "{shown}");

    let mut read = Vec::new();
    let stats = bundle
        .records_with(&ReadLimits::default(), |r| read.push(r))
        .unwrap();
    assert_eq!((stats.records, stats.unreadable), (6, 0));
    let mut third = LogRecord::new(
        1_795_772_460_123,
        Level::Warn,
        "Accept",
        "attempt 2 got HTTP 503 password=[secret]",
        Origin::Logcat,
    );
    (third.pid, third.tid) = (Some(1702), Some(2395));
    assert_eq!(read[2], third);
    assert_eq!(
        read[4].message,
        "\tat com.example.Accept.send(Accept.java:42)"
    );
    assert_eq!(read[5].message, "path C:\\Users\\x has a backslash");
}

#[test]
fn verify_reads_every_line_of_the_text_back_as_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.zip");
    build(&good, (0..3).map(record), BundleOptions::default());
    let craft = pushdoctor_tests::zipcraft::ZipCraft::from_zip(&good);
    let text = String::from_utf8(craft.content("logs.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    // A line that is not a record (its checksum made to match, so only
    // the reading can tell).
    let mut damaged = craft.clone();
    let broken = format!(
        "{}\n{}\n{}\n",
        lines[0],
        lines[1].replacen(" I app ", " I web ", 1),
        lines[2]
    );
    damaged.set_content("logs.txt", broken.as_bytes());
    let path = dir.path().join("damaged.zip");
    damaged.write(&path);
    let report = Bundle::open(&path).unwrap().verify();
    assert_eq!(
        report.problems,
        ["logs.txt: 1 line(s) are not records (the first, line 2: unknown origin (rust, app, logcat or apple_log))"]
    );

    // A record missing.
    let mut short = craft.clone();
    short.set_content(
        "logs.txt",
        format!("{}\n{}\n", lines[0], lines[2]).as_bytes(),
    );
    short.write(&path);
    let report = Bundle::open(&path).unwrap().verify();
    assert_eq!(
        report.problems,
        ["logs.txt: 2 lines, the manifest says 3 records"]
    );
}

#[test]
fn the_lines_docs_bundle_md_shows_read_back_and_are_written_so() {
    use pushdoctor_core::bundle::log_line::{parse_line, write_line};
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/bundle.md"))
        .unwrap();
    let examples: Vec<&str> = doc.lines().filter(|l| l.starts_with("2026-")).collect();
    assert!(examples.len() >= 2, "{examples:?}");
    for line in examples {
        let record = parse_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let mut again = String::new();
        write_line(&mut again, &record);
        assert_eq!(again.trim_end(), line);
    }
}
