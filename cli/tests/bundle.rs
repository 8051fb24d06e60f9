//! `pushdoctor bundle` as a process.

use std::path::{Path, PathBuf};

mod common;
use common::{pushdoctor, s, text};

fn work_dir(name: &str) -> PathBuf {
    common::work_dir("bundle-cli", name)
}

fn write_logcat(dir: &Path) -> PathBuf {
    let path = dir.join("logcat.txt");
    let mut text = String::from("--------- beginning of main\n");
    for i in 0..500 {
        text.push_str(&format!(
            "03-17 16:13:{:02}.{:03}  1702  2395 {} Accept: attempt {i} got HTTP 503 after 120ms\n",
            i % 60,
            i % 1000,
            if i % 7 == 0 { 'E' } else { 'I' }
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn create_verify_show() {
    let dir = work_dir("cvs");
    let logcat = write_logcat(&dir);
    let out = dir.join("bundle.zip");
    let snapshot = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/snapshots/accept-multiple-retries.json"
    );
    let created = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&out),
        "--logcat",
        s(&logcat),
        "--snapshot",
        snapshot,
        "--year",
        "2026",
        "--reason",
        "repeated-accept-failures",
    ]);
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    assert!(
        text(&created.stdout).contains("500 records"),
        "{}",
        text(&created.stdout)
    );

    let verified = pushdoctor(&["bundle", "verify", s(&out)]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}{}",
        text(&verified.stdout),
        text(&verified.stderr)
    );
    assert!(text(&verified.stdout).contains("sound: 3 entries"));

    let shown = pushdoctor(&["bundle", "show", s(&out), "--last", "3"]);
    assert_eq!(shown.status.code(), Some(0));
    let report = text(&shown.stdout);
    assert!(report.contains("(repeated_accept_failures)"), "{report}");
    assert!(
        report.contains("Errors and warnings (72; the last 3 shown)"),
        "{report}"
    );
    assert!(
        report.contains("Scenario:   Push Received — Accept Not Responding"),
        "{report}"
    );

    // Damage one byte in the middle: verify says so, exit 1.
    let mut bytes = std::fs::read(&out).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    std::fs::write(&out, &bytes).unwrap();
    let verified = pushdoctor(&["bundle", "verify", s(&out)]);
    assert_eq!(
        verified.status.code(),
        Some(1),
        "{}",
        text(&verified.stdout)
    );
    assert!(text(&verified.stdout).contains("PROBLEM"));
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = work_dir("bad");
    let out = dir.join("never.zip");
    let missing = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&out),
        "--logcat",
        "/nonexistent/logcat.txt",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("/nonexistent/logcat.txt: cannot read"),
        "{}",
        text(&missing.stderr)
    );
    let nothing = pushdoctor(&["bundle", "create", "-o", s(&out)]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(text(&nothing.stderr).contains("nothing to bundle"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "no output, no scratch files"
    );

    let junk = dir.join("junk.zip");
    std::fs::write(&junk, b"PK\x03\x04 but not really").unwrap();
    for command in ["verify", "show"] {
        let out = pushdoctor(&["bundle", command, s(&junk)]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(
            text(&out.stderr).contains("not a bundle"),
            "{}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_log_directory_from_the_capture_logger_bundles() {
    use pushdoctor_core::logs::{Capture, CaptureConfig, Level, LogRecord, Origin};
    let dir = work_dir("logdir");
    let logs = dir.join("logs");
    {
        let capture = Capture::start(CaptureConfig {
            directory: Some(logs.clone()),
            platform_sink: false,
            ..CaptureConfig::default()
        })
        .unwrap();
        for i in 0..100 {
            capture.record(&LogRecord::new(
                1_790_000_000_000 + i,
                Level::Info,
                "Push",
                format!("push {i} received"),
                Origin::App,
            ));
        }
        capture.shutdown();
    }
    let out = dir.join("b.zip");
    let created = pushdoctor(&["bundle", "create", "-o", s(&out), "--logs", s(&logs)]);
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    assert!(text(&created.stdout).contains("100 records"));
}

/// An Apple log export of `lines` lines, as `log show --style syslog` writes it.
fn write_apple_log(dir: &Path, lines: usize) -> PathBuf {
    let path = dir.join("system.log");
    let mut text = String::new();
    for i in 0..lines {
        text.push_str(&format!(
            "Jul  1 09:{:02}:{:02} host Authenticator[512]: push {i} received\n",
            i / 60 % 60,
            i % 60
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// A log under the other format's option is refused naming the file and
/// what it looks like, before anything is written; `--force-format`
/// imports it as given.
#[test]
fn a_log_under_the_wrong_format_is_refused_unless_forced() {
    let dir = work_dir("format");
    let logcat = write_logcat(&dir);
    let apple = write_apple_log(&dir, 50);
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "# Release notes\nnothing here is a log\n").unwrap();
    let out = dir.join("b.zip");
    let cases = [
        (
            "--apple-log",
            &logcat,
            "looks like a logcat dump (threadtime): give it as --logcat",
        ),
        (
            "--logcat",
            &apple,
            "looks like an Apple log export (syslog text): give it as --apple-log",
        ),
        ("--logcat", &notes, "its first line is `# Release notes`"),
    ];
    for (option, file, looks) in cases {
        let refused = pushdoctor(&["bundle", "create", "-o", s(&out), option, s(file)]);
        let stderr = text(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{option} {stderr}");
        assert!(
            stderr.contains(&format!("{option} {}", s(file))),
            "{stderr}"
        );
        assert!(stderr.contains(looks), "{stderr}");
        assert!(stderr.contains("--force-format"), "{stderr}");
        assert!(refused.stdout.is_empty());
        assert!(!out.exists(), "nothing written for {option}");
    }
    // Each under its own option: accepted, every record imported.
    let right = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&out),
        "--logcat",
        s(&logcat),
        "--apple-log",
        s(&apple),
    ]);
    assert_eq!(right.status.code(), Some(0), "{}", text(&right.stderr));
    assert!(
        text(&right.stdout).contains("550 records"),
        "{}",
        text(&right.stdout)
    );
    // Forced: imported as given, as it was before the check.
    std::fs::remove_file(&out).unwrap();
    let forced = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&out),
        "--apple-log",
        s(&logcat),
        "--force-format",
    ]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
    assert!(out.exists());
}

/// The real samples (`../shared/data/loghub/`, beside the repository):
/// each is refused under the other's option.
#[test]
fn the_loghub_samples_are_recognised() {
    let loghub = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub");
    let (android, mac) = (loghub.join("Android_2k.log"), loghub.join("Mac_2k.log"));
    if !android.is_file() || !mac.is_file() {
        eprintln!(
            "SKIPPED: {} is absent; the format check was not run over the real samples",
            loghub.display()
        );
        return;
    }
    let dir = work_dir("format-loghub");
    let out = dir.join("b.zip");
    for (option, file, looks) in [
        ("--apple-log", &android, "a logcat dump"),
        ("--logcat", &mac, "an Apple log export"),
    ] {
        let refused = pushdoctor(&["bundle", "create", "-o", s(&out), option, s(file)]);
        let stderr = text(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&format!("looks like {looks}")), "{stderr}");
    }
    assert!(!out.exists());
}
