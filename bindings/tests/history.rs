//! The push and Accept history through the agent, driven from Rust the
//! way Kotlin and Swift drive it: events recorded without waiting, the
//! automatic bundle on repeated failures (once per episode), the push
//! history screen, a restart, and the bundle that keeps the person's
//! answers.

mod common;
use common::{block_on, quiet_config, Healthy};
use pushdoctor_tests::bundle_entry;
use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use pushdoctor_ffi::agent::{
    AgentConfig, AgentError, AgentEvent, AppObservations, EventListener, ListenerError,
    PushDoctorAgent,
};
use pushdoctor_ffi::history::{
    AppPresence, AttemptEvent, AttemptOutcome, AutoBundleConfig, Decision, HistoryFindingId,
    PushDelivery, PushEvent, RequestState,
};
use pushdoctor_ffi::ids::{Answer, BundleReason, EvidenceSource, OutcomeId, Platform};

/// Every event, in a channel.
struct Events(Mutex<mpsc::Sender<AgentEvent>>);

impl EventListener for Events {
    fn on_event(&self, event: AgentEvent) -> Result<(), ListenerError> {
        let _ = self.0.lock().unwrap().send(event);
        Ok(())
    }
}

fn agent_in(dir: &std::path::Path, auto_bundle: Option<AutoBundleConfig>) -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(
        AgentConfig {
            log_directory: Some(dir.display().to_string()),
            callback_timeout_ms: Some(2_000),
            auto_bundle,
            ..quiet_config(Platform::Android)
        },
        Arc::new(Healthy),
    )
    .unwrap()
}

const T0: i64 = 1_795_772_400_000;

fn failed(request: &str, at: i64, try_number: i32) -> AttemptEvent {
    AttemptEvent {
        request_id: request.into(),
        decision: Decision::Accept,
        started_ms: at,
        ended_ms: at + 1_500,
        outcome: AttemptOutcome::HttpError {
            status: 503,
            server_code: Some("unavailable".into()),
        },
        try_number,
    }
}

fn pushed(request: &str, at: i64) -> PushEvent {
    PushEvent {
        request_id: request.into(),
        received_ms: at,
        sent_ms: Some(at - 1_200),
        shown_ms: Some(at + 100),
        delivery: PushDelivery::Notification,
        presence: AppPresence::Background,
    }
}

/// The automatic bundle events that arrive within `wait`; after the first
/// one, only those of the next half second (a duplicate would come then).
fn automatic_bundles(events: &mpsc::Receiver<AgentEvent>, wait: Duration) -> Vec<AgentEvent> {
    let mut seen = Vec::new();
    let mut deadline = std::time::Instant::now() + wait;
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match events.recv_timeout(left) {
            Ok(event @ AgentEvent::AutomaticBundleBuilt { .. }) => {
                seen.push(event);
                deadline = deadline.min(std::time::Instant::now() + Duration::from_millis(500));
            }
            Ok(AgentEvent::AutomaticBundleFailed { reason }) => panic!("bundle failed: {reason}"),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    seen
}

#[test]
fn three_failures_make_one_bundle_per_episode_that_concludes_share_logs() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent_in(dir.path(), None);
    let (tx, rx) = mpsc::channel();
    let _subscription = agent.subscribe(Arc::new(Events(Mutex::new(tx))));

    agent.record_push(pushed("req-1", T0)).unwrap();
    agent
        .record_attempt(failed("req-1", T0 + 2_000, 1))
        .unwrap();
    agent
        .record_attempt(failed("req-1", T0 + 5_000, 2))
        .unwrap();
    assert!(
        automatic_bundles(&rx, Duration::from_millis(500)).is_empty(),
        "two failures make no bundle"
    );
    agent
        .record_attempt(failed("req-1", T0 + 30_000, 3))
        .unwrap();
    let built = automatic_bundles(&rx, Duration::from_secs(20));
    assert_eq!(built.len(), 1, "{built:?}");
    let AgentEvent::AutomaticBundleBuilt {
        path,
        bytes,
        failures,
        first_failure_ms,
        last_failure_ms,
    } = &built[0]
    else {
        unreachable!()
    };
    assert_eq!(*failures, 3);
    assert_eq!(*first_failure_ms, T0 + 3_500);
    assert_eq!(*last_failure_ms, T0 + 31_500);
    assert_eq!(std::fs::metadata(path).unwrap().len() as i64, *bytes);
    assert!(path.starts_with(&dir.path().join("bundles").display().to_string()));

    // A fourth failure inside the cool-down makes none.
    agent
        .record_attempt(failed("req-1", T0 + 60_000, 4))
        .unwrap();
    assert!(automatic_bundles(&rx, Duration::from_millis(800)).is_empty());

    // What it holds: the history, and a diagnosis that concludes from it.
    let manifest: serde_json::Value =
        serde_json::from_str(&bundle_entry(Path::new(path), "manifest.json")).unwrap();
    assert_eq!(manifest["reason"], "repeated_accept_failures");
    let history = bundle_entry(Path::new(path), "accept_history.ndjson");
    let attempts = history
        .lines()
        .filter(|l| l.contains("\"kind\":\"attempt\""))
        .count();
    assert_eq!(attempts, 3, "{history}");
    let diagnosis: serde_json::Value =
        serde_json::from_str(&bundle_entry(Path::new(path), "diagnosis.json")).unwrap();
    assert_eq!(diagnosis["outcome"]["id"], "share_logs", "{diagnosis:#}");
    assert!(diagnosis["next_question"].is_null());

    // The preview a person sees before agreeing to send it.
    let preview = block_on(agent.bundle_preview(path.clone())).unwrap();
    assert_eq!(preview.reason, BundleReason::RepeatedAcceptFailures);
    assert_eq!(preview.bytes, *bytes);
    assert!(preview
        .entries
        .contains(&"accept_history.ndjson".to_string()));
    let concluded = diagnosis["outcome"]["summary"].as_str().unwrap();
    assert_eq!(preview.diagnosis.as_deref(), Some(concluded));
    assert_eq!(
        preview.first_step.as_deref(),
        diagnosis["actions"][0]["title"].as_str()
    );

    // What the share sheet is handed: a name, a subject and a text that
    // say what the file is, and one reference for the same bundle.
    let share = block_on(agent.share_details(path.clone())).unwrap();
    assert_eq!(&share.path, path);
    let reference = share.reference.clone();
    assert!(
        reference.len() == 12
            && reference.starts_with("PD-")
            && reference[3..]
                .chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit()),
        "{reference}"
    );
    assert!(share.file_name.starts_with("pushdoctor-") && share.file_name.ends_with(".zip"));
    assert!(share.file_name[..share.file_name.len() - 4]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-'));
    assert!(share.file_name.contains(&reference[3..].replace('-', "")));
    assert_eq!(
        share.subject,
        format!("Push Doctor logs {reference}: {concluded}")
    );
    assert!(
        share.text.contains("Accept failed again and again"),
        "{}",
        share.text
    );
    assert!(
        share.text.contains(", 1 login request.\n"),
        "{}",
        share.text
    );
    assert!(share
        .text
        .contains(&format!("Quote {reference} to support.")));
    assert_eq!(block_on(agent.share_details(path.clone())).unwrap(), share);

    // Not a bundle: refused, naming the file.
    let not_a_bundle = dir.path().join("notes.zip");
    std::fs::write(&not_a_bundle, b"not a zip").unwrap();
    let refused = block_on(agent.share_details(not_a_bundle.display().to_string())).unwrap_err();
    assert!(
        matches!(&refused, AgentError::InvalidArgument { reason } if reason.contains("notes.zip")),
        "{refused:?}"
    );
    block_on(agent.shutdown());
}

#[test]
fn a_new_episode_after_the_cool_down_makes_another_and_old_ones_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent_in(
        dir.path(),
        Some(AutoBundleConfig {
            failures: Some(2),
            cooldown_ms: Some(60_000),
            keep: Some(1),
            ..AutoBundleConfig::default()
        }),
    );
    let (tx, rx) = mpsc::channel();
    let _subscription = agent.subscribe(Arc::new(Events(Mutex::new(tx))));
    agent.record_attempt(failed("a", T0, 1)).unwrap();
    agent.record_attempt(failed("a", T0 + 1_000, 2)).unwrap();
    assert_eq!(automatic_bundles(&rx, Duration::from_secs(20)).len(), 1);
    // Two hours later: a new episode.
    let later = T0 + 2 * 3_600_000;
    agent.record_attempt(failed("b", later, 1)).unwrap();
    agent.record_attempt(failed("b", later + 1_000, 2)).unwrap();
    let second = automatic_bundles(&rx, Duration::from_secs(20));
    assert_eq!(second.len(), 1);
    let kept: Vec<_> = std::fs::read_dir(dir.path().join("bundles"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .collect();
    assert_eq!(kept.len(), 1, "only the newest is kept: {kept:?}");
    block_on(agent.shutdown());
}

#[test]
fn the_history_survives_a_restart_and_the_episode_is_not_bundled_twice() {
    let dir = tempfile::tempdir().unwrap();
    {
        let agent = agent_in(dir.path(), None);
        let (tx, rx) = mpsc::channel();
        let _subscription = agent.subscribe(Arc::new(Events(Mutex::new(tx))));
        agent.record_push(pushed("req-1", T0)).unwrap();
        for i in 0..3 {
            agent
                .record_attempt(failed("req-1", T0 + 2_000 + i * 1_000, 1 + i as i32))
                .unwrap();
        }
        assert_eq!(automatic_bundles(&rx, Duration::from_secs(20)).len(), 1);
        block_on(agent.shutdown());
    }
    let agent = agent_in(dir.path(), None);
    let (tx, rx) = mpsc::channel();
    let _subscription = agent.subscribe(Arc::new(Events(Mutex::new(tx))));
    let stories = block_on(agent.push_history(10)).unwrap();
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0].request_id, "req-1");
    assert_eq!(stories[0].attempts, 3);
    assert_eq!(stories[0].state, RequestState::Failed);
    assert_eq!(stories[0].push_latency_ms, Some(1_300));
    assert_eq!(
        stories[0].last_outcome.as_deref(),
        Some("HTTP 503 (unavailable)")
    );
    // One more failure of the same episode, after the restart: still in
    // its cool-down.
    agent
        .record_attempt(failed("req-1", T0 + 9_000, 4))
        .unwrap();
    assert!(automatic_bundles(&rx, Duration::from_millis(800)).is_empty());
    block_on(agent.shutdown());
}

#[test]
fn the_diagnosis_concludes_from_the_history_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent_in(
        dir.path(),
        Some(AutoBundleConfig {
            enabled: Some(false),
            ..AutoBundleConfig::default()
        }),
    );
    agent.record_push(pushed("req-1", T0)).unwrap();
    agent
        .record_attempt(failed("req-1", T0 + 2_000, 1))
        .unwrap();
    agent
        .record_attempt(AttemptEvent {
            outcome: AttemptOutcome::Timeout,
            ..failed("req-1", T0 + 5_000, 2)
        })
        .unwrap();
    agent
        .record_attempt(AttemptEvent {
            outcome: AttemptOutcome::Timeout,
            ..failed("req-1", T0 + 9_000, 3)
        })
        .unwrap();
    let report = block_on(agent.run_diagnostics(AppObservations::default(), None)).unwrap();
    assert_eq!(report.outcome.map(|o| o.id), Some(OutcomeId::ShareLogs));
    let history = report.history.expect("the report carries the history");
    assert_eq!(history.failures_in_a_row, 3);
    assert!(history
        .filled
        .contains(&"observations.retry_count".to_string()));
    assert!(history
        .findings
        .iter()
        .any(|f| f.id == HistoryFindingId::SilentAcceptFailures));
    assert_eq!(history.accept_latency.map(|l| l.median_ms), Some(1_500));
    block_on(agent.shutdown());
}

#[test]
fn a_bundle_after_a_guided_walk_keeps_the_persons_answers() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent_in(dir.path(), None);
    let report = block_on(agent.run_diagnostics(AppObservations::default(), None)).unwrap();
    let question = report.next_question.expect("a question");
    let answered = agent.answer(question.row, Answer::Yes).unwrap();
    assert!(answered
        .path
        .iter()
        .any(|s| s.answered_by == EvidenceSource::Person));
    let out = dir.path().join("walk.zip").display().to_string();
    let path = block_on(agent.build_bundle(out, BundleReason::Button)).unwrap();
    let diagnosis: serde_json::Value =
        serde_json::from_str(&bundle_entry(Path::new(&path), "diagnosis.json")).unwrap();
    let by_person = diagnosis["path"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["answered_by"] == "person")
        .count();
    assert_eq!(by_person, 1, "{diagnosis:#}");
    block_on(agent.shutdown());
}

#[test]
fn events_no_phone_reports_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent_in(dir.path(), None);
    let refused = |result: Result<(), AgentError>| match result {
        Err(AgentError::InvalidArgument { reason }) => reason,
        other => panic!("{other:?}"),
    };
    let reason = refused(agent.record_attempt(AttemptEvent {
        ended_ms: T0 - 1,
        ..failed("r", T0, 1)
    }));
    assert!(reason.contains("ended_ms"), "{reason}");
    let reason = refused(agent.record_attempt(AttemptEvent {
        outcome: AttemptOutcome::HttpError {
            status: 42,
            server_code: None,
        },
        ..failed("r", T0, 1)
    }));
    assert!(reason.contains("status"), "{reason}");
    let reason = refused(agent.record_push(PushEvent {
        request_id: " ".into(),
        ..pushed("r", T0)
    }));
    assert!(reason.contains("request_id"), "{reason}");
    assert!(block_on(agent.push_history(10)).unwrap().is_empty());
    block_on(agent.shutdown());
}
