//! From a `log::warn!` in the app to a verified bundle: capture, the
//! persisted ring, the scrubber and the bundle, end to end from Rust.

use pushdoctor_core::bundle::inspect::Bundle;
use pushdoctor_core::bundle::{BundleOptions, BundleReason, BundleWriter};
use pushdoctor_core::logs::redact::RedactionConfig;
use pushdoctor_core::logs::store::segment_paths;
use pushdoctor_core::logs::{Capture, CaptureConfig, Level, LogRecord, Origin};
use pushdoctor_tests::{diagnose_fixture, load_snapshot};

const SECRET_LINE: &str = "login for alice@example.com with passcode 482913 failed";

fn disk_bytes(dir: &std::path::Path) -> Vec<u8> {
    segment_paths(dir)
        .unwrap()
        .iter()
        .flat_map(|p| std::fs::read(p).unwrap())
        .collect()
}

#[test]
fn rust_and_app_records_reach_a_verified_redacted_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let capture = Capture::start(CaptureConfig {
        directory: Some(logs.clone()),
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    // The one test of this binary that installs the process-wide logger.
    capture.install().unwrap();
    log::warn!(target: "accept", "{SECRET_LINE}");
    log::info!(target: "accept", attempt = 3; "retrying from 203.0.113.9");
    let mut app = LogRecord::new(
        1_790_000_000_000,
        Level::Error,
        "PushService",
        "token=abc123def456 rejected",
        Origin::App,
    );
    app.fields.push(("user".into(), "bob@example.com".into()));
    capture.record(&app);

    // Without redact_on_disk, the device's own store keeps the text as logged.
    capture.flush();
    let on_disk = String::from_utf8_lossy(&disk_bytes(&logs)).into_owned();
    assert!(on_disk.contains("alice@example.com"));

    let out = dir.path().join("bundle.zip");
    let mut writer = BundleWriter::create(
        &out,
        BundleOptions {
            reason: BundleReason::RepeatedAcceptFailures,
            ..BundleOptions::default()
        },
    )
    .unwrap();
    writer.add_snapshot(
        &load_snapshot("accept-multiple-retries.json"),
        &diagnose_fixture("accept-multiple-retries.json"),
    );
    writer.add_capture(&capture).unwrap();
    let summary = writer.finish().unwrap();

    let m = &summary.manifest;
    assert_eq!(m.records.included, 3);
    assert_eq!(m.sources[0].kind, "capture");
    assert_eq!(m.sources[0].name.as_deref(), Some("logs"));
    assert_eq!(m.sources[0].details["capture"]["captured"], 3);
    let counts = &m.redaction.counts.0;
    assert_eq!(
        (
            counts["email"],
            counts["otp"],
            counts["url_secret"],
            counts["ipv4"]
        ),
        (2, 1, 1, 1),
        "{counts:?}"
    );

    let text = pushdoctor_tests::bundle_entry(&out, "logs.txt");
    assert!(
        text.contains("login for [email] with passcode [otp] failed"),
        "{text}"
    );
    assert!(
        text.contains("{user=[email]}: token=[secret] rejected"),
        "{text}"
    );
    assert!(text.contains("retrying from [ipv4:"), "{text}");
    assert!(text.contains("attempt=3"), "{text}");
    for secret in [
        "alice@example.com",
        "482913",
        "abc123def456",
        "bob@example.com",
        "203.0.113.9",
    ] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let report = Bundle::open(&out).unwrap().verify();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn records_can_be_scrubbed_before_they_touch_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let capture = Capture::start(CaptureConfig {
        directory: Some(dir.path().to_path_buf()),
        platform_sink: false,
        redact_on_disk: Some(RedactionConfig::default()),
        ..CaptureConfig::default()
    })
    .unwrap();
    capture.record(&LogRecord::new(
        1,
        Level::Warn,
        "accept",
        SECRET_LINE,
        Origin::App,
    ));
    capture.flush();
    let on_disk = String::from_utf8_lossy(&disk_bytes(dir.path())).into_owned();
    assert!(!on_disk.contains("alice@example.com") && !on_disk.contains("482913"));
    let records: Vec<LogRecord> = capture.records().unwrap().0.collect();
    assert_eq!(
        records[0].message,
        "login for [email] with passcode [otp] failed"
    );
}

#[test]
fn a_bundle_that_lets_a_secret_through_fails_verification() {
    // Build a bundle whose scrubber knows nothing of e-mail addresses (an
    // exemption pattern covering them all), then verify with the default.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("leaky.zip");
    let mut writer = BundleWriter::create(
        &out,
        BundleOptions {
            redaction: RedactionConfig {
                exemption_patterns: vec![".*@.*".into()],
                ..RedactionConfig::default()
            },
            ..BundleOptions::default()
        },
    )
    .unwrap();
    writer
        .add(&LogRecord::new(
            1,
            Level::Info,
            "t",
            "mail carol@example.com",
            Origin::App,
        ))
        .unwrap();
    writer.finish().unwrap();
    let report = Bundle::open(&out).unwrap().verify();
    assert!(!report.is_ok());
    // Found once: logs.txt is the records' one copy.
    assert_eq!(report.secrets.0.get("email"), Some(&1), "{report:?}");
    assert!(report
        .problems
        .iter()
        .any(|p| p.contains("secret(s) survived")));
}
