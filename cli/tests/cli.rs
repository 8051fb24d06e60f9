//! `pushdoctor` as a process: exit codes, standard streams, bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/snapshots")
        .join(name)
        .display()
        .to_string()
}

fn pushdoctor(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pushdoctor"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that does not read its input closes the pipe early.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Bad input: exit 2, nothing on standard output, one line on standard
/// error that says what is wrong.
fn assert_refused(out: &Output, expected: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "no partial report: {}",
        text(&out.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("pushdoctor: error: "), "{stderr}");
    for part in expected {
        assert!(stderr.contains(part), "{part:?} not in {stderr}");
    }
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-inputs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn diagnose_exit_codes_follow_the_diagnosis() {
    let ok = pushdoctor(&["diagnose", &fixture("push-ok-all-done.json")], b"");
    assert_eq!(ok.status.code(), Some(0));
    assert!(text(&ok.stdout).contains("All done – authentication complete (resolved)"));
    assert!(ok.stderr.is_empty());

    let problem = pushdoctor(
        &["diagnose", &fixture("not-received-everything-off.json")],
        b"",
    );
    assert_eq!(problem.status.code(), Some(1));
    assert!(text(&problem.stdout).contains("1. Turn on Wi-Fi or mobile data [enable_network]"));

    let open = pushdoctor(&["diagnose", &fixture("all-unknown.json")], b"");
    assert_eq!(open.status.code(), Some(3));
    assert!(text(&open.stdout).contains("Did you receive the push notification on your device?"));
}

#[test]
fn the_example_in_the_readme_runs() {
    let example = repo().join("examples/snapshots/ios-push-not-received.json");
    let out = pushdoctor(&["diagnose", path_str(&example)], b"");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("Settings > Notifications > miniOrange Authenticator > Allow"),
        "{report}"
    );
}

#[test]
fn formats_and_standard_input() {
    let snapshot = std::fs::read(fixture("accept-first-failure.json")).unwrap();
    let out = pushdoctor(&["diagnose", "-", "--format", "json"], &snapshot);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["scenario"], "accept_not_responding");
    assert_eq!(json["actions"][0]["id"], "resend_push");

    let out = pushdoctor(
        &[
            "diagnose",
            &fixture("accept-first-failure.json"),
            "--format",
            "junit",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let xml = text(&out.stdout);
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<failure type=\"fail\""));
}

#[test]
fn bad_snapshots_are_refused_with_where_and_what() {
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        ("malformed.json", b"{\"schema_version\": 1,\n \"platform\": }".to_vec(), vec!["malformed.json: not valid JSON at line 2, column"]),
        (
            "wrong-type.json",
            b"{\"schema_version\": 1, \"platform\": \"ios\",\n \"notifications\": {\"enabled\": \"yes\"}}".to_vec(),
            vec!["wrong-type.json: field `notifications.enabled` at line 2, column", "expected a boolean"],
        ),
        (
            "future.json",
            b"{\"schema_version\": 2, \"platform\": \"ios\"}".to_vec(),
            vec!["future.json: unsupported `schema_version` 2", "reads version 1"],
        ),
        (
            "enum.json",
            b"{\"schema_version\": 1, \"platform\": \"windows\"}".to_vec(),
            vec!["field `platform` at line 1", "unknown variant `windows`"],
        ),
        ("empty.json", Vec::new(), vec!["empty.json: the snapshot is empty"]),
        ("junk.bin", vec![0x7f, b'E', b'L', b'F', 0, 0, 0xff, 0xfe], vec!["junk.bin: not valid JSON at line 1, column 1"]),
        ("array.json", b"[]".to_vec(), vec!["a snapshot is a JSON object, but this document is an array"]),
    ];
    for (name, contents, expected) in cases {
        let path = temp_file(name, &contents);
        assert_refused(&pushdoctor(&["diagnose", path_str(&path)], b""), &expected);
    }
}

#[test]
fn a_huge_file_is_refused_without_reading_it_all() {
    let path = temp_file("huge.json", b"");
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    assert_refused(
        &pushdoctor(&["diagnose", path_str(&path)], b""),
        &["huge.json: the snapshot is larger than"],
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn missing_files_and_directories_are_named() {
    assert_refused(
        &pushdoctor(&["diagnose", "/nonexistent/snapshot.json"], b""),
        &["/nonexistent/snapshot.json: cannot read:"],
    );
    let dir = std::env::temp_dir();
    assert_refused(
        &pushdoctor(&["diagnose", path_str(&dir)], b""),
        &["is a directory"],
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &["frobnicate"][..],
        &["diagnose"],
        &["diagnose", "x.json", "--format", "yaml"],
        &[],
    ] {
        let out = pushdoctor(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    let help = pushdoctor(&["--help"], b"");
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("Exit codes"));
}

#[test]
fn unknown_keys_are_warned_about_not_fatal() {
    let path = temp_file(
        "extra.json",
        b"{\"schema_version\": 1, \"platform\": \"ios\", \"observations\": {\"push_received\": true, \"colour\": 3}}",
    );
    let out = pushdoctor(&["diagnose", path_str(&path), "--format", "json"], b"");
    assert_eq!(out.status.code(), Some(3));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: ") && stderr.contains("`observations.colour`"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["warnings"][0]
        .as_str()
        .unwrap()
        .contains("observations.colour"));
}

#[test]
fn walk_asks_the_seed_questions_and_prints_the_diagnosis() {
    // received, tapped, did not complete, Accept silent, resent, not on the
    // second attempt, still failing after multiple retries.
    let out = pushdoctor(
        &["walk", "--platform", "android"],
        b"yes\ny\nno\nno\nyes\nno\nyes\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let prompts = text(&out.stderr);
    assert!(prompts.contains("Did you receive the push notification on your device?"));
    assert!(prompts.contains("Is the issue still happening after multiple retries?"));
    let report = text(&out.stdout);
    assert!(
        report.contains("Result:     Share app logs with the developer"),
        "{report}"
    );
    assert!(!report.contains("Did you receive the push notification on your device?\n  ("));
}

#[test]
fn walk_reasks_after_a_bad_answer_and_stops_cleanly_at_end_of_input() {
    let out = pushdoctor(&["walk", "--platform", "ios"], b"perhaps\nno\n");
    let prompts = text(&out.stderr);
    assert!(prompts.contains("Please answer with one of"), "{prompts}");
    assert!(prompts.contains("Is your internet connection active? (WiFi or mobile data)"));
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out.stdout).contains("incomplete"));
}

#[test]
fn a_walk_cut_short_is_incomplete_even_with_a_fix_listed() {
    // "no" to the internet question lists a fix; the walk then ends with
    // its next question unanswered: incomplete (3), not "act on it" (1).
    let out = pushdoctor(
        &["walk", "--platform", "android"],
        b"no
no
",
    );
    let report = text(&out.stdout);
    assert!(report.contains("[enable_network]"), "{report}");
    assert!(report.contains("Next question"), "{report}");
    assert_eq!(out.status.code(), Some(3), "{report}");
    // The same answers given in full end the walk: then the fix decides.
    let out = pushdoctor(
        &["walk", "--platform", "android"],
        b"no
no
yes
no
no
",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn walk_prompts_give_each_choice_once_and_answers_show_as_evidence() {
    let out = pushdoctor(
        &["walk", "--platform", "android"],
        b"no
no
",
    );
    let prompts = text(&out.stderr);
    assert!(prompts.contains("[yes | no] > "), "{prompts}");
    assert!(!prompts.contains("yes = Yes"), "{prompts}");
    let report = text(&out.stdout);
    let problems = report
        .split("\nProblems found\n")
        .nth(1)
        .expect("a problems section");
    let received = problems
        .lines()
        .find(|l| l.contains("push.received"))
        .expect("the person's answer is listed");
    assert!(received.starts_with("  FAIL"), "{received}");
    assert!(received.ends_with("[answered]"), "{received}");
    // "No" to "Is your internet connection active?" is evidence too.
    assert!(
        problems.lines().any(|l| l.starts_with("  FAIL")
            && l.contains("network.connected")
            && l.ends_with("[answered]")),
        "{problems}"
    );
}

#[test]
fn the_text_shows_what_matters_first_and_the_rest_with_verbose() {
    let short = pushdoctor(&["diagnose", &fixture("push-ok-all-done.json")], b"");
    assert_eq!(short.status.code(), Some(0), "{}", text(&short.stderr));
    let short = text(&short.stdout);
    assert!(short.contains("Checks passed"), "{short}");
    assert!(!short.contains("UNKNOWN"), "{short}");
    assert!(!short.contains("N/A"), "{short}");
    assert!(!short.contains("How the flow got here"), "{short}");
    assert!(short.contains("(--verbose)"), "{short}");
    for flag in ["--verbose", "-v"] {
        let verbose = pushdoctor(&["diagnose", &fixture("push-ok-all-done.json"), flag], b"");
        assert_eq!(verbose.status.code(), Some(0));
        let verbose = text(&verbose.stdout);
        assert!(verbose.starts_with(short.lines().next().unwrap()));
        for part in [
            "\nNot known\n",
            "UNKNOWN",
            "\nNot applicable\n",
            "How the flow got here",
            "What the evidence points at",
        ] {
            assert!(verbose.contains(part), "{part:?} not in {verbose}");
        }
    }
}

#[test]
fn walk_skips_what_the_snapshot_knows_and_takes_the_platform_from_it() {
    let out = pushdoctor(
        &[
            "walk",
            &fixture("not-received-escalate.json"),
            "--format",
            "json",
        ],
        b"Delivered\nno\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let prompts = text(&out.stderr);
    assert!(!prompts.contains("Is your internet connection active?"));
    assert!(prompts.contains("Admin should check the MFA Report."));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["outcome"]["id"], "reconfigure");
}

#[test]
fn walk_asks_for_the_platform_when_nothing_says_it() {
    let out = pushdoctor(&["walk"], b"blackberry\nios\nyes\nyes\nyes\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Push Doctor diagnosis: iOS"));
}

#[test]
fn mfa_status_explains_each_status() {
    let out = pushdoctor(&["mfa-status", "delivered"], b"");
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("Notification was sent but not yet received on the device"));
    assert!(report.contains("push_not_received"));

    let out = pushdoctor(&["mfa-status", "Success"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("Request was approved – no further action needed"));

    let out = pushdoctor(&["mfa-status", "Denied", "--format", "json"], b"");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["meaning"],
        "User rejected the request – ask them to retry"
    );
    assert_eq!(json["actions"][0]["id"], "resend_push");

    assert_refused(
        &pushdoctor(&["mfa-status", "Sent"], b""),
        &["unknown MFA Report status `Sent`"],
    );
}

#[test]
fn a_reader_that_goes_away_is_no_crash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pushdoctor"))
        .args(["diagnose", &fixture("not-received-everything-off.json")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}
