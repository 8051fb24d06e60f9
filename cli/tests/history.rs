//! `pushdoctor history`, `diagnose --history`, and the history in
//! `bundle create` and `bundle show`, as a process.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{pushdoctor, s, text};

fn work_dir(name: &str) -> PathBuf {
    common::work_dir("history-cli", name)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped example: three requests accepted, then one whose Accept
/// got a 503, a timeout and a connection reset.
fn example() -> PathBuf {
    repo().join("examples/accept_history.ndjson")
}

/// A snapshot of an Android phone that says nothing of the push or the
/// Accept: what a person would otherwise be asked.
fn snapshot_without_observations(dir: &Path) -> PathBuf {
    let fixture = repo().join("tests/fixtures/snapshots/accept-first-failure.json");
    let mut value: serde_json::Value = serde_json::from_slice(&fs::read(fixture).unwrap()).unwrap();
    value.as_object_mut().unwrap().remove("observations");
    let path = dir.join("snapshot.json");
    fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    path
}

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_refused(out: &Output, expected: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(stderr.starts_with("pushdoctor: error: "), "{stderr}");
    for part in expected {
        assert!(stderr.contains(part), "{part:?} not in {stderr}");
    }
}

#[test]
fn the_text_gives_the_summary_then_the_requests_newest_first() {
    let out = pushdoctor(&["history", s(&example())]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    for line in [
        "Covers:            2026-11-26T08:12:04.300Z .. 2026-11-27T09:41:32.530Z (10 events)",
        "Requests:          4",
        "Attempts:          6",
        "Failures in a row: 3 (2 with no answer at all)",
        "Last outcome:      connection error (reset)",
        "Push latency:      median 2.1 s, p90 38.2 s, worst 38.2 s (4 pushes)",
        "Push received:     yes",
        "Accept tapped:     yes",
        "Accept responded:  no",
        "Retries:           2",
        "Retry worked:      no",
        "Requests, newest first (4 of 4)",
    ] {
        assert!(report.contains(line), "{line:?} not in\n{report}");
    }
    let failed = report.find("failed   lr-e4a61d93").expect(&report);
    let late = report
        .find("accepted lr-2b7788c0  push 38.2 s")
        .expect(&report);
    let first = report.find("accepted lr-5c1e9a2b").expect(&report);
    assert!(failed < late && late < first, "{report}");
    assert!(
        report.contains("3 attempts, last connection error (reset)"),
        "{report}"
    );
}

#[test]
fn the_json_is_the_documented_object() {
    let value = json(&pushdoctor(&["history", s(&example()), "--json"]));
    assert_eq!(value["format_version"], 1);
    let summary = &value["summary"];
    assert_eq!(summary["events"], 10);
    assert_eq!(summary["requests"], 4);
    assert_eq!(summary["failures_in_a_row"], 3);
    assert_eq!(summary["silent_failures_in_a_row"], 2);
    assert_eq!(summary["retry_count"], 2);
    assert_eq!(summary["retry_succeeded"], false);
    assert_eq!(summary["accept_responded"], false);
    assert_eq!(summary["push_latency"]["worst_ms"], 38_200);
    assert_eq!(summary["accept_latency"]["worst_ms"], 15_000);
    assert_eq!(value["attempts"], 6);
    assert_eq!(value["read"]["skipped_lines"], 0);
    let findings: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(findings, ["silent_accept_failures", "slow_accept"]);
    let requests = value["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0]["request_id"], "lr-e4a61d93");
    assert_eq!(requests[0]["state"], "failed");
    assert_eq!(requests[0]["attempts"], 3);
    assert_eq!(requests[1]["push_latency_ms"], 38_200);

    let limited = json(&pushdoctor(&[
        "history",
        s(&example()),
        "--json",
        "--limit",
        "2",
    ]));
    let ids: Vec<&str> = limited["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["lr-e4a61d93", "lr-2b7788c0"]);
    assert_eq!(
        limited["summary"], value["summary"],
        "the limit lists fewer, sums up all"
    );
}

#[test]
fn a_log_directory_is_read_through_its_history_file() {
    let dir = work_dir("log-dir");
    fs::copy(example(), dir.join("accept_history.ndjson")).unwrap();
    let from_dir = json(&pushdoctor(&["history", s(&dir), "--json"]));
    let from_file = json(&pushdoctor(&["history", s(&example()), "--json"]));
    assert_eq!(from_dir, from_file);

    let empty = work_dir("log-dir-empty");
    assert_refused(
        &pushdoctor(&["history", s(&empty)]),
        &[s(&empty), "no accept_history.ndjson"],
    );
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = work_dir("bad-input");
    let missing = dir.join("missing.ndjson");
    assert_refused(
        &pushdoctor(&["history", s(&missing)]),
        &[s(&missing), "cannot read"],
    );
    let prose = dir.join("notes.txt");
    fs::write(&prose, "the push came late\nthen Accept spun\n").unwrap();
    assert_refused(
        &pushdoctor(&["history", s(&prose)]),
        &[s(&prose), "not a push and Accept history", "line 1"],
    );
    // A bundle without a history.
    let logcat = dir.join("logcat.txt");
    fs::write(
        &logcat,
        "03-17 16:13:00.000  1702  2395 I Accept  : attempt 1\n",
    )
    .unwrap();
    let bundle = dir.join("b.zip");
    let created = pushdoctor(&["bundle", "create", "-o", s(&bundle), "--logcat", s(&logcat)]);
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    assert_refused(
        &pushdoctor(&["history", s(&bundle)]),
        &[s(&bundle), "holds no accept_history.ndjson"],
    );
    let usage = pushdoctor(&["history", s(&example()), "--limit", "x"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(
        text(&usage.stderr).contains("--limit"),
        "{}",
        text(&usage.stderr)
    );
    // diagnose --history takes a history, not a bundle.
    let snapshot = snapshot_without_observations(&dir);
    assert_refused(
        &pushdoctor(&["diagnose", s(&snapshot), "--history", s(&bundle)]),
        &[s(&bundle), "zip"],
    );
}

#[test]
fn an_empty_history_is_no_error() {
    let dir = work_dir("empty");
    let file = dir.join("accept_history.ndjson");
    fs::write(&file, "").unwrap();
    let value = json(&pushdoctor(&["history", s(&file), "--json"]));
    assert_eq!(value["summary"]["events"], 0);
    assert_eq!(value["requests"], serde_json::json!([]));
}

#[test]
fn damaged_lines_are_warned_about_by_file_and_line_and_the_rest_printed() {
    let dir = work_dir("damaged");
    let example = fs::read_to_string(example()).unwrap();
    let mut lines: Vec<String> = example.lines().map(str::to_owned).collect();
    lines[2] = "{\"v\":1,\"kind\":\"push\",\"request_id\":\u{1b}[2J".into();
    let mut damaged = lines.join("\n");
    damaged.push('\n');
    // And a write cut off at the end.
    damaged.push_str("{\"v\":1,\"kind\":\"pu");
    let file = dir.join("accept_history.ndjson");
    fs::write(&file, &damaged).unwrap();

    let out = pushdoctor(&["history", s(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "pushdoctor: warning: {}: line 3 skipped",
            s(&file)
        )),
        "{stderr}"
    );
    assert!(stderr.contains("the last line is cut off"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "escaped: {stderr:?}");
    let report = text(&out.stdout);
    assert!(report.contains("(9 events)"), "{report}");
    assert!(report.contains("failed   lr-e4a61d93"), "{report}");

    let value: serde_json::Value =
        serde_json::from_slice(&pushdoctor(&["history", s(&file), "--json"]).stdout).unwrap();
    assert_eq!(value["read"]["skipped_lines"], 1);
    assert_eq!(value["read"]["first_problem"]["line"], 3);
    assert_eq!(value["read"]["torn_tail_bytes"], 17);
}

#[test]
fn a_closed_standard_output_exits_4() {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec '{}' history '{}' >&-",
            env!("CARGO_BIN_EXE_pushdoctor"),
            s(&example())
        ))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
}

#[test]
fn diagnose_with_the_history_concludes_share_logs_without_asking() {
    let dir = work_dir("diagnose");
    let snapshot = snapshot_without_observations(&dir);
    // Without the history the flow has to ask whether the push came.
    let alone = pushdoctor(&["diagnose", s(&snapshot), "--format", "json"]);
    let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
    assert_ne!(alone["escalation"], "share_logs");
    assert!(!alone["next_question"].is_null(), "{alone:#}");

    let three_failures = dir.join("three-failures.ndjson");
    let lines = [
        r#"{"v":1,"kind":"push","request_id":"lr-1","sent_ms":1795772460000,"received_ms":1795772461200,"shown_ms":1795772461400,"delivery":"notification","presence":"background"}"#,
        r#"{"v":1,"kind":"attempt","request_id":"lr-1","decision":"accept","started_ms":1795772463000,"ended_ms":1795772473000,"try_number":1,"outcome":"timeout"}"#,
        r#"{"v":1,"kind":"attempt","request_id":"lr-1","decision":"accept","started_ms":1795772475000,"ended_ms":1795772476000,"try_number":2,"outcome":"http_error","status":503}"#,
        r#"{"v":1,"kind":"attempt","request_id":"lr-1","decision":"accept","started_ms":1795772480000,"ended_ms":1795772481000,"try_number":3,"outcome":"connection_error","error_kind":"reset"}"#,
    ];
    fs::write(&three_failures, lines.join("\n") + "\n").unwrap();
    let log_dir = work_dir("diagnose-log-dir");
    fs::copy(&three_failures, log_dir.join("accept_history.ndjson")).unwrap();
    for history in [&three_failures, &log_dir] {
        let out = pushdoctor(&[
            "diagnose",
            s(&snapshot),
            "--history",
            s(history),
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(value["escalation"], "share_logs", "{value:#}");
        assert!(value["next_question"].is_null(), "{value:#}");
        let actions: Vec<&str> = value["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"share_logs"), "{actions:?}");
    }
    let text_out = pushdoctor(&["diagnose", s(&snapshot), "--history", s(&three_failures)]);
    assert!(
        text(&text_out.stdout).contains("still failing after 2 retries"),
        "{}",
        text(&text_out.stdout)
    );
}

#[test]
fn bundle_create_takes_the_history_and_bundle_show_shows_it() {
    let dir = work_dir("bundle");
    let logs = dir.join("logs");
    fs::create_dir(&logs).unwrap();
    fs::copy(example(), logs.join("accept_history.ndjson")).unwrap();
    let snapshot = snapshot_without_observations(&dir);
    let bundle = dir.join("from-logs.zip");
    let created = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&bundle),
        "--logs",
        s(&logs),
        "--snapshot",
        s(&snapshot),
        "--reason",
        "repeated-accept-failures",
    ]);
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    assert!(
        text(&created.stdout).contains(", 10 history events"),
        "{}",
        text(&created.stdout)
    );
    let verified = pushdoctor(&["bundle", "verify", s(&bundle)]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stdout)
    );
    assert!(text(&verified.stdout).contains("checked accept_history.ndjson"));

    let shown = text(&pushdoctor(&["bundle", "show", s(&bundle)]).stdout);
    for part in [
        "Push and Accept history",
        "  Failures in a row: 3 (2 with no answer at all)",
        "  Requests, newest first (4 of 4)",
        "failed   lr-e4a61d93",
        // The snapshot's diagnosis concluded from the history too.
        "Escalation: share_logs",
    ] {
        assert!(shown.contains(part), "{part:?} not in\n{shown}");
    }
    // The bundle's history reads back as the file did.
    let from_bundle = json(&pushdoctor(&["history", s(&bundle), "--json"]));
    let from_file = json(&pushdoctor(&["history", s(&example()), "--json"]));
    assert_eq!(from_bundle["summary"], from_file["summary"]);
    assert_eq!(from_bundle["requests"], from_file["requests"]);

    // --history adds one explicitly, beside imported logs.
    let logcat = dir.join("logcat.txt");
    fs::write(
        &logcat,
        "03-17 16:13:00.000  1702  2395 E Accept  : HTTP 503\n",
    )
    .unwrap();
    let explicit = dir.join("explicit.zip");
    let created = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&explicit),
        "--logcat",
        s(&logcat),
        "--history",
        s(&example()),
    ]);
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    let shown = text(&pushdoctor(&["bundle", "show", s(&explicit)]).stdout);
    assert!(shown.contains("Push and Accept history"), "{shown}");
    // A bundle without one shows no such section.
    let plain = dir.join("plain.zip");
    pushdoctor(&["bundle", "create", "-o", s(&plain), "--logcat", s(&logcat)]);
    let shown = text(&pushdoctor(&["bundle", "show", s(&plain)]).stdout);
    assert!(!shown.contains("Push and Accept history"), "{shown}");
    // The history cannot be the output.
    let out = pushdoctor(&[
        "bundle",
        "create",
        "-o",
        s(&logs.join("accept_history.ndjson")),
        "--history",
        s(&logs.join("accept_history.ndjson")),
        "--force",
    ]);
    assert_refused(&out, &["is also --history"]);
}
