//! The three output formats, pinned by golden files under `tests/golden/`.
//! After an intended change, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test -p pushdoctor-tests --test golden` and
//! review the diff.

use std::path::PathBuf;

use pushdoctor_core::{engine::report, Diagnosis};
use pushdoctor_tests::diagnose_fixture;

const FIXTURES: [&str; 5] = [
    "push-ok-all-done.json",
    "accept-multiple-retries.json",
    "not-received-everything-off.json",
    "admin-received-not-in-app.json",
    "all-unknown.json",
];

fn golden_path(fixture: &str, extension: &str) -> PathBuf {
    let stem = fixture.trim_end_matches(".json");
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(format!("{stem}.{extension}"))
}

fn compare(fixture: &str, extension: &str, actual: &str) {
    let path = golden_path(fixture, extension);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs from the output:\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

fn json(d: &Diagnosis) -> String {
    serde_json::to_string_pretty(d).unwrap() + "\n"
}

#[test]
fn text_reports_match() {
    for fixture in FIXTURES {
        let d = diagnose_fixture(fixture);
        compare(fixture, "txt", &report::text(&d));
        let verbose = report::TextOptions { verbose: true };
        compare(fixture, "verbose.txt", &report::text_with(&d, verbose));
    }
}

#[test]
fn json_reports_match_and_read_back() {
    for fixture in FIXTURES {
        let d = diagnose_fixture(fixture);
        let text = json(&d);
        compare(fixture, "json", &text);
        let back: Diagnosis = serde_json::from_str(&text).unwrap();
        assert_eq!(back, d, "{fixture}: the JSON form loses nothing");
    }
}

#[test]
fn json_has_the_documented_fields() {
    let value: serde_json::Value =
        serde_json::from_str(&json(&diagnose_fixture("not-received-everything-off.json"))).unwrap();
    assert_eq!(value["format_version"], 2);
    assert_eq!(value["scenario"], "push_not_received");
    assert_eq!(value["destination"], "push_not_received");
    assert_eq!(value["candidates"][0]["scenario"], "push_not_received");
    assert_eq!(value["candidates"][0]["for"][0]["check"], "push.received");
    assert_eq!(value["reasons"][0]["check"], "network.connected");
    assert_eq!(value["reasons"][0]["fix"], "enable_network");
    assert_eq!(value["reasons"][0]["from_seed"], true);
    assert_eq!(value["escalation"], "retry");
    assert_eq!(value["actions"][0]["id"], "enable_network");
    assert_eq!(
        value["actions"][1]["settings_target"],
        "app_notification_settings"
    );
    let findings = value["findings"].as_array().unwrap();
    let focus = findings.iter().find(|f| f["check"] == "focus.off").unwrap();
    assert_eq!(focus["status"], "fail");
    assert_eq!(focus["evidence"]["fields"][0], "focus.active");
    assert_eq!(
        value["next_question"]["row"],
        "push_not_received.still_not_arriving"
    );
}

#[test]
fn junit_reports_match_and_parse_back() {
    for fixture in FIXTURES {
        let d = diagnose_fixture(fixture);
        let xml = report::junit(&d);
        compare(fixture, "xml", &xml);

        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{fixture}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suite = root
            .children()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(
            cases.len(),
            d.findings.len(),
            "{fixture}: one case per check"
        );
        for (case, finding) in cases.iter().zip(&d.findings) {
            assert_eq!(case.attribute("name"), Some(finding.check.as_str()));
            let failed = case.children().any(|n| n.has_tag_name("failure"));
            let skipped = case.children().any(|n| n.has_tag_name("skipped"));
            use pushdoctor_core::CheckStatus::*;
            assert_eq!(
                failed,
                finding.status == Fail,
                "{fixture}: {}",
                finding.check
            );
            assert_eq!(
                skipped,
                matches!(finding.status, Unknown | NotApplicable),
                "{fixture}: {}",
                finding.check
            );
        }
        let count = |attr: &str| suite.attribute(attr).unwrap().parse::<usize>().unwrap();
        assert_eq!(count("tests"), cases.len());
        assert_eq!(
            count("failures"),
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
                .count()
        );
        let property = |name: &str| {
            suite
                .descendants()
                .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
                .and_then(|n| n.attribute("value"))
        };
        assert_eq!(property("escalation"), Some(d.escalation.as_str()));
        assert_eq!(property("scenario"), d.scenario.map(|s| s.as_str()));
    }
}

/// A diagnosis stored by an earlier version (format 1: one `scenario`, no
/// destination, candidates or reasons) still reads, as bundles keep them.
#[test]
fn format_version_1_still_reads() {
    let mut value: serde_json::Value =
        serde_json::from_str(&json(&diagnose_fixture("not-received-escalate.json"))).unwrap();
    let object = value.as_object_mut().unwrap();
    object.insert("format_version".into(), 1.into());
    object.insert("scenario".into(), "admin_verify_status".into());
    for key in ["destination", "candidates", "reasons"] {
        object.remove(key);
    }
    let d = Diagnosis::from_json(value.to_string().as_bytes()).unwrap();
    assert_eq!(d.format_version, 1);
    assert_eq!(
        d.scenario,
        Some(pushdoctor_core::ScenarioId::AdminVerifyStatus)
    );
    assert_eq!(d.destination, d.scenario);
    assert!(d.candidates.is_empty() && d.reasons.is_empty());

    value["format_version"] = 3.into();
    let err = Diagnosis::from_json(value.to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("`format_version` 3"), "{err}");
    let err = Diagnosis::from_json(b"[1]").unwrap_err();
    assert!(err.to_string().contains("format_version"), "{err}");
}
