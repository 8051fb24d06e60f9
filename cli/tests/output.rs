//! What `pushdoctor` writes, and never destroys: an output that is one of
//! the inputs is refused, a size cap is a hard limit, a closed or failing
//! standard output is an error (exit 4), and nothing from outside reaches
//! the terminal unescaped.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{pushdoctor, s, text};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pushdoctor")
}

/// Runs `pushdoctor ARGS` through the shell with `redirect` appended
/// (`>&-`, `2>&-`, `>/dev/full`).
fn pushdoctor_redirected(args: &[&str], redirect: &str) -> Output {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    Command::new("sh")
        .arg("-c")
        .arg(format!("exec '{}' {} {redirect}", bin(), quoted.join(" ")))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn work_dir(name: &str) -> PathBuf {
    common::work_dir("cli-output", name)
}

fn logcat(dir: &Path, lines: usize) -> PathBuf {
    let path = dir.join("logcat.txt");
    let mut text = String::new();
    for i in 0..lines {
        text.push_str(&format!(
            "03-17 16:13:{:02}.{:03}  1702  2395 I Accept  : attempt {i} nonce {:x}\n",
            (i / 1000) % 60,
            i % 1000,
            (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ));
    }
    fs::write(&path, text).unwrap();
    path
}

fn assert_refused(out: &Output, expected: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    for part in expected {
        assert!(stderr.contains(part), "{part:?} not in {stderr}");
    }
}

#[test]
fn an_output_that_is_one_of_the_inputs_is_refused_and_the_input_kept() {
    let dir = work_dir("output-is-input");
    let log = logcat(&dir, 50);
    let before = fs::read(&log).unwrap();
    let out = pushdoctor(&["bundle", "create", "-o", s(&log), "--logcat", s(&log)]);
    assert_refused(&out, &["--logcat", "refusing to replace an input"]);
    // The same file under other names: a symbolic link, a hard link, a
    // path with `..` in it.
    let symlink = dir.join("link.zip");
    std::os::unix::fs::symlink(&log, &symlink).unwrap();
    let hard = dir.join("hard.zip");
    fs::hard_link(&log, &hard).unwrap();
    let dotted = dir.join("..").join("output-is-input").join("logcat.txt");
    for output in [&symlink, &hard, &dotted] {
        let out = pushdoctor(&["bundle", "create", "-o", s(output), "--logcat", s(&log)]);
        assert_refused(&out, &["refusing to replace an input"]);
    }
    let snapshot = dir.join("snapshot.json");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/snapshots/ios-push-not-received.json"),
        &snapshot,
    )
    .unwrap();
    let snapshot_before = fs::read(&snapshot).unwrap();
    let out = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&snapshot),
        "--snapshot",
        s(&snapshot),
    ]);
    assert_refused(&out, &["--snapshot"]);
    assert_eq!(fs::read(&log).unwrap(), before);
    assert_eq!(fs::read(&snapshot).unwrap(), snapshot_before);
}

#[test]
fn an_existing_file_that_is_not_a_zip_is_kept_unless_forced() {
    let dir = work_dir("not-a-zip");
    let log = logcat(&dir, 50);
    let notes = dir.join("notes.txt");
    fs::write(&notes, "my only notes").unwrap();
    let out = pushdoctor(&["bundle", "create", "-o", s(&notes), "--logcat", s(&log)]);
    assert_refused(&out, &["is not a zip file", "--force"]);
    assert_eq!(fs::read(&notes).unwrap(), b"my only notes");
    let out = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&notes),
        "--logcat",
        s(&log),
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // A bundle is replaced by a newer one without asking.
    let out = pushdoctor(&["bundle", "create", "-o", s(&notes), "--logcat", s(&log)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_missing_folder_is_named_as_the_output_and_not_created() {
    let dir = work_dir("missing-folder");
    let log = logcat(&dir, 10);
    let output = dir.join("missing").join("dir").join("b.zip");
    let out = pushdoctor(&["bundle", "create", "-o", s(&output), "--logcat", s(&log)]);
    assert_refused(&out, &[s(&output), "does not exist"]);
    assert!(!dir.join("missing").exists());
}

#[test]
fn the_size_cap_is_a_hard_limit_from_the_command_too() {
    let dir = work_dir("cap");
    let log = logcat(&dir, 20_000);
    let output = dir.join("b.zip");
    for cap in ["65536", "100000"] {
        let out = pushdoctor(&[
            "bundle",
            "create",
            "-o",
            s(&output),
            "--logcat",
            s(&log),
            "--max-bytes",
            cap,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let size = fs::metadata(&output).unwrap().len();
        assert!(size <= cap.parse().unwrap(), "{size} bytes over {cap}");
        assert!(text(&out.stdout).contains("older left out"));
    }
}

#[test]
fn years_and_offsets_out_of_range_are_refused() {
    let dir = work_dir("year");
    let log = logcat(&dir, 10);
    let output = dir.join("b.zip");
    for (option, value) in [
        ("--year", "99999999999"),
        ("--year", "-5"),
        ("--year", "1969"),
        ("--utc-offset-minutes", "100000"),
    ] {
        let out = pushdoctor(&[
            "bundle",
            "create",
            "-o",
            s(&output),
            "--logcat",
            s(&log),
            &format!("{option}={value}"),
        ]);
        assert_eq!(out.status.code(), Some(2), "{option} {value}");
        assert!(text(&out.stderr).contains(option), "{}", text(&out.stderr));
        assert!(!output.exists());
    }
}

#[test]
fn a_closed_or_failing_standard_output_is_an_error_not_a_silent_success() {
    let dir = work_dir("closed-stdout");
    let input = dir.join("ticket.txt");
    fs::write(&input, "my passcode is 482913\n").unwrap();
    let out = pushdoctor_redirected(&["redact", s(&input)], ">&-");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("standard output is closed"));
    assert_eq!(fs::read(&input).unwrap(), b"my passcode is 482913\n");

    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/snapshots/ios-push-not-received.json");
    let out = pushdoctor_redirected(&["diagnose", s(&snapshot)], ">&-");
    assert_eq!(out.status.code(), Some(4));
    // Sending the report to /dev/null on purpose is no error.
    let out = pushdoctor_redirected(&["diagnose", s(&snapshot)], ">/dev/null");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));

    // Nothing is written when the report could not be: no bundle that the
    // command's own message might have been written into.
    let log = logcat(&dir, 10);
    let output = dir.join("b.zip");
    let out = pushdoctor_redirected(
        &["bundle", "create", "-o", s(&output), "--logcat", s(&log)],
        ">&-",
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(!output.exists());

    if Path::new("/dev/full").exists() {
        let out = pushdoctor_redirected(&["redact", s(&input)], ">/dev/full");
        assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("cannot write"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_closed_standard_error_does_not_end_up_inside_the_bundle() {
    let dir = work_dir("closed-stderr");
    // A logcat with a line that makes the importer warn, and the bundle
    // opened while descriptor 2 is free.
    let log = logcat(&dir, 100);
    let output = dir.join("b.zip");
    let out = pushdoctor_redirected(
        &[
            "bundle",
            "create",
            "-o",
            s(&output),
            "--logcat",
            s(&log),
            "--snapshot",
            "/nonexistent",
        ],
        "2>&-",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = pushdoctor_redirected(
        &["bundle", "create", "-o", s(&output), "--logcat", s(&log)],
        "2>&-",
    );
    assert_eq!(out.status.code(), Some(0));
    let verify = pushdoctor(&["bundle", "verify", s(&output)]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
}

#[test]
fn strings_from_a_snapshot_cannot_forge_lines_or_reach_the_terminal_raw() {
    let dir = work_dir("escapes");
    let snapshot = dir.join("hostile.json");
    fs::write(
        &snapshot,
        r#"{"schema_version":1,"platform":"ios",
            "device":{"model":"iPhone\u001b[2J\nScenario:   all good (push_ok)","os_version":"17\r\u009b31m","app_version":"1\u202e2"},
            "observations":{"push_received":false},
            "notifications":{"enabled":false}}"#,
    )
    .unwrap();
    let out = pushdoctor(&["diagnose", s(&snapshot)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        !stdout.contains(['\x1b', '\r', '\u{9b}', '\u{202e}']),
        "{stdout:?}"
    );
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("Scenario:"))
            .count(),
        1,
        "{stdout}"
    );
    assert!(stdout.contains("iPhone\\x1b[2J\\nScenario:"), "{stdout}");
}
