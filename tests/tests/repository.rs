//! The repository's own machinery: the skip helper every skipping test
//! uses, the minimum-Rust check (`scripts/check-msrv`) and the scripts'
//! use of cargo's target directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pushdoctor_tests::skip::skip_to;
use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python3_present() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_skip_in_ci_fails_the_test_with_its_reason() {
    let panic =
        std::panic::catch_unwind(|| skip_to(true, None, &mut Vec::new(), "the seed is absent"))
            .expect_err("with CI=true a skip must fail");
    let message = panic.downcast_ref::<String>().expect("a formatted message");
    assert!(
        message.starts_with(
            "SKIPPED: a_skip_in_ci_fails_the_test_with_its_reason: the seed is absent"
        ),
        "{message}"
    );
    assert!(message.contains("CI=true"), "{message}");
}

#[test]
fn a_skip_outside_ci_is_logged_once_per_call() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("skips");
    let mut stderr = Vec::new();
    skip_to(false, Some(&log), &mut stderr, "first reason");
    skip_to(false, Some(&log), &mut stderr, "second reason");
    let expected = "SKIPPED: a_skip_outside_ci_is_logged_once_per_call: first reason\n\
                    SKIPPED: a_skip_outside_ci_is_logged_once_per_call: second reason\n";
    assert_eq!(fs::read_to_string(&log).unwrap(), expected);
    assert_eq!(text(&stderr), expected);
    // Without a log file it only writes to stderr.
    let mut stderr = Vec::new();
    skip_to(false, None, &mut stderr, "no log");
    assert_eq!(
        text(&stderr),
        "SKIPPED: a_skip_outside_ci_is_logged_once_per_call: no log\n"
    );
}

/// Run only by the next test, in a child process with the environment it
/// sets: a test that skips, through the helper every skipping test uses.
#[test]
#[ignore = "run by skip_reads_ci_and_the_log_from_the_environment"]
fn a_test_that_skips() {
    pushdoctor_tests::skip::skip("the probe was not checked");
}

/// `skip` as `cargo test` and `scripts/test` meet it: the SKIPPED line in
/// the test binary's output without `--nocapture`, the line in the file
/// `PUSHDOCTOR_SKIP_LOG` names, and with `CI=true` a failed test.
#[test]
fn skip_reads_ci_and_the_log_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("skips");
    let run = |ci: Option<&str>| {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "a_test_that_skips", "--ignored"])
            .env(pushdoctor_tests::skip::SKIP_LOG, &log)
            .env_remove("CI");
        if let Some(ci) = ci {
            child.env("CI", ci);
        }
        child.output().unwrap()
    };
    let line = "SKIPPED: a_test_that_skips: the probe was not checked\n";

    let out = run(None);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains(line), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(&log).unwrap(), line);

    let out = run(Some("false"));
    assert!(out.status.success(), "only CI=true fails a skip");

    let out = run(Some("true"));
    assert!(!out.status.success(), "with CI=true the skip fails");
    let output = text(&out.stdout);
    assert!(
        output.contains("SKIPPED: a_test_that_skips: the probe was not checked (CI=true"),
        "{output}"
    );
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!("{line}{line}"),
        "a failed skip is not logged as a skip"
    );
}

/// A workspace for `check-msrv --metadata`: a README and ensure-rust.sh
/// stating `stated`, members claiming `claim`, and one member depending on
/// `dep` (needing `dep_needs`) through `middle`.
struct Fixture {
    dir: tempfile::TempDir,
    metadata: Value,
}

impl Fixture {
    fn new(claim: Option<&str>, stated: &str, dep_needs: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("scripts")).unwrap();
        fs::write(
            dir.path().join("README.md"),
            format!("The prerequisites are Rust {stated} or newer.\n"),
        )
        .unwrap();
        fs::write(
            dir.path().join("scripts/ensure-rust.sh"),
            format!("# The project needs Rust {stated} or newer.\n"),
        )
        .unwrap();
        let member = |name: &str| json!({"id": name, "name": name, "version": "0.1.0", "rust_version": claim});
        let metadata = json!({
            "workspace_root": dir.path(),
            "workspace_members": ["app", "gen"],
            "packages": [
                member("app"),
                member("gen"),
                {"id": "middle", "name": "middle", "version": "2.0.0", "rust_version": "1.70"},
                {"id": "needy", "name": "needy", "version": "0.3.3", "rust_version": dep_needs},
                {"id": "silent", "name": "silent", "version": "1.0.0", "rust_version": null},
            ],
            "resolve": {"nodes": [
                {"id": "app", "deps": [{"pkg": "silent"}]},
                {"id": "gen", "deps": [{"pkg": "middle"}]},
                {"id": "middle", "deps": [{"pkg": "needy"}]},
                {"id": "needy", "deps": []},
                {"id": "silent", "deps": []},
            ]},
        });
        Fixture { dir, metadata }
    }

    fn check(&self) -> Output {
        let file = self.dir.path().join("metadata.json");
        fs::write(&file, self.metadata.to_string()).unwrap();
        Command::new("python3")
            .arg(repo().join("scripts/check-msrv"))
            .arg("--metadata")
            .arg(&file)
            .output()
            .unwrap()
    }
}

#[test]
fn check_msrv_fails_when_the_claim_is_below_a_locked_crate() {
    if !python3_present() {
        pushdoctor_tests::skip::skip("python3 is absent; scripts/check-msrv was not tried");
        return;
    }
    let out = Fixture::new(Some("1.89"), "1.89", "1.91.0").check();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Cargo.toml claims Rust 1.89, but the locked needy 0.3.3 needs Rust 1.91 (built for gen -> middle -> needy)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "only the one crate above: {err}");
}

#[test]
fn check_msrv_passes_at_the_highest_need_and_counts_the_silent_crates() {
    if !python3_present() {
        pushdoctor_tests::skip::skip("python3 is absent; scripts/check-msrv was not tried");
        return;
    }
    let out = Fixture::new(Some("1.91"), "1.91", "1.91.0").check();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "check-msrv: Rust 1.91 claimed; the highest rust-version among the 3 locked crates is 1.91 (needy 0.3.3); 1 state none\n"
    );
}

#[test]
fn check_msrv_holds_the_readme_and_every_member_to_the_claim() {
    if !python3_present() {
        pushdoctor_tests::skip::skip("python3 is absent; scripts/check-msrv was not tried");
        return;
    }
    let out = Fixture::new(Some("1.91"), "1.89", "1.80").check();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("README.md says Rust 1.89, but Cargo.toml claims 1.91"),
        "{err}"
    );
    assert!(
        err.contains("scripts/ensure-rust.sh says Rust 1.89, but Cargo.toml claims 1.91"),
        "{err}"
    );

    let mut fixture = Fixture::new(Some("1.91"), "1.91", "1.80");
    fixture.metadata["packages"][1]["rust_version"] = Value::Null;
    let out = fixture.check();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("workspace member gen states no rust-version"),
        "{err}"
    );
}

#[test]
fn check_msrv_says_why_it_cannot_check() {
    if !python3_present() {
        pushdoctor_tests::skip::skip("python3 is absent; scripts/check-msrv was not tried");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("metadata.json");
    fs::write(&file, "{\"packages\": []}").unwrap();
    let out = Command::new("python3")
        .arg(repo().join("scripts/check-msrv"))
        .arg("--metadata")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("check-msrv: cannot check: "),
        "{}",
        text(&out.stderr)
    );
}

/// The scripts' paths with CARGO_TARGET_DIR set: all under it, none under
/// the workspace's target/ (their `--print-paths` dry runs build nothing).
#[test]
fn the_bindings_scripts_follow_cargo_target_dir() {
    if !python3_present() {
        pushdoctor_tests::skip::skip(
            "python3 is absent; the scripts' target directory was not asked",
        );
        return;
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("alt-target");
    let print = |script: &str, args: &[&str]| {
        let out = Command::new("bash")
            .arg(repo().join(script))
            .arg("--print-paths")
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .unwrap();
        assert!(out.status.success(), "{script}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let t = target.display();
    let so = if cfg!(target_os = "macos") {
        "dylib"
    } else {
        "so"
    };
    assert_eq!(
        print("bindings/generate.sh", &["release"]),
        format!(
            "library={t}/release/libpushdoctor_ffi.{so}\nbindgen={t}/debug/uniffi-bindgen\nout={t}/bindings\n"
        )
    );
    assert_eq!(
        print("bindings/kotlin-test.sh", &[]),
        format!("out={t}/bindings\njna.library.path={t}/debug\n")
    );
    assert!(!target.exists(), "a dry run built nothing");
}

/// `scripts/library-size` against a library of the test's choosing (this
/// test binary: an ELF with Rust symbols) and a budget set by the test, so
/// that the check's two verdicts are tried without a release build.
fn library_size(budget: u64) -> Output {
    Command::new("bash")
        .arg(repo().join("scripts/library-size"))
        .env("LIBRARY_SIZE_LIB", std::env::current_exe().unwrap())
        .env("LIBRARY_SIZE_BUDGET", budget.to_string())
        .output()
        .unwrap()
}

fn binutils_present() -> bool {
    ["strip", "nm", "size"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn the_library_size_check_fails_over_budget_and_says_where_the_bytes_are() {
    if !python3_present() || !binutils_present() {
        pushdoctor_tests::skip::skip(
            "python3 or binutils are absent; scripts/library-size was not tried",
        );
        return;
    }
    let over = library_size(1);
    let err = text(&over.stderr);
    assert_eq!(over.status.code(), Some(1), "{err}");
    assert!(err.contains("over budget by"), "{err}");
    assert!(err.contains("by crate:"), "{err}");
    // The test binary is mostly std and this crate's dependencies.
    assert!(
        err.lines().any(|l| l.trim_start().starts_with("std ")),
        "{err}"
    );
    assert!(err.contains("sections over 64 KiB:"), "{err}");

    let under = library_size(u64::MAX / 200);
    let out = text(&under.stdout);
    assert_eq!(under.status.code(), Some(0), "{}", text(&under.stderr));
    assert!(out.contains("stripped:") && out.contains("budget"), "{out}");
    assert!(
        !out.contains("by crate:"),
        "no breakdown under budget: {out}"
    );
}
