//! The push and Accept history reaching the diagnosis: the flow concludes
//! from what the app recorded, with nobody answering, and the history's
//! own findings (late pushes, silent failures) are reported.

use pushdoctor_core::accept::{
    summarize, AcceptAttempt, AppPresence, AttemptOutcome, ConnectionErrorKind, Decision,
    HistoryEvent, PushArrival,
};
use pushdoctor_core::engine::history::HistoryFindingId;
use pushdoctor_core::model::OutcomeId;
use pushdoctor_core::{
    diagnose, Answers, DeviceSnapshot, Options, Platform, RowId, ScenarioId, StepAnswer,
};

const T0: i64 = 1_795_772_400_000;

fn push(id: &str, at: i64, delay_ms: i64) -> HistoryEvent {
    HistoryEvent::Push(PushArrival {
        request_id: id.into(),
        sent_ms: Some(at - delay_ms),
        received_ms: at,
        shown_ms: Some(at),
        delivery: pushdoctor_core::accept::event::Delivery::Notification,
        presence: AppPresence::Background,
    })
}

fn attempt(id: &str, at: i64, try_number: u32, outcome: AttemptOutcome) -> HistoryEvent {
    HistoryEvent::Attempt(AcceptAttempt {
        request_id: id.into(),
        decision: Decision::Accept,
        started_ms: at,
        ended_ms: at + 800,
        try_number,
        outcome,
    })
}

fn http(status: u16) -> AttemptOutcome {
    AttemptOutcome::HttpError {
        status,
        server_code: None,
    }
}

/// A device with nothing wrong on it, whose app said nothing of the
/// request: only the history can tell what happened.
fn diagnosed(events: &[HistoryEvent]) -> pushdoctor_core::Diagnosis {
    let mut snapshot = DeviceSnapshot::new(Platform::Android);
    snapshot.network.connected = Some(true);
    snapshot.notifications.enabled = Some(true);
    snapshot.attach_history(summarize(events));
    diagnose(&snapshot, &Answers::default(), &Options::default())
}

fn outcome(d: &pushdoctor_core::Diagnosis) -> Option<OutcomeId> {
    d.outcome.as_ref().map(|o| o.id)
}

#[test]
fn three_failed_attempts_reach_share_logs_without_a_question() {
    let events = [
        push("r1", T0, 2_000),
        attempt("r1", T0 + 5_000, 1, http(503)),
        attempt("r1", T0 + 7_000, 2, AttemptOutcome::Timeout),
        attempt("r1", T0 + 20_000, 3, http(503)),
    ];
    let d = diagnosed(&events);
    assert_eq!(d.scenario, Some(ScenarioId::AcceptNotResponding));
    assert_eq!(outcome(&d), Some(OutcomeId::ShareLogs), "{d:#?}");
    assert!(d.next_question.is_none());
    let history = d.history.expect("the history is reported");
    assert_eq!(history.summary.failures_in_a_row, 3);
    assert_eq!(history.summary.retry_count, Some(2));
    assert!(history
        .summary
        .filled
        .contains(&"observations.retry_count".to_string()));
    assert!(history
        .findings
        .iter()
        .any(|f| f.id == HistoryFindingId::RepeatedAcceptFailures));
}

#[test]
fn a_retry_that_worked_resolves_the_episode() {
    let events = [
        push("r1", T0, 2_000),
        attempt("r1", T0 + 5_000, 1, http(503)),
        attempt("r1", T0 + 9_000, 2, AttemptOutcome::Success),
    ];
    let d = diagnosed(&events);
    let summary = &d.history.as_ref().expect("history").summary;
    assert_eq!(summary.accept_responded, Some(false));
    assert_eq!(summary.retry_count, Some(1));
    assert_eq!(summary.retry_succeeded, Some(true));
    assert!(
        matches!(
            outcome(&d),
            Some(OutcomeId::RetryResolved) | Some(OutcomeId::AllDone)
        ),
        "{:?}",
        outcome(&d)
    );
    assert!(d.outcome.as_ref().is_some_and(|o| o.resolved));
}

#[test]
fn a_push_shown_and_never_tapped_is_not_asked_about_again() {
    // The history answers the first two rows (received, not tapped); the
    // flow goes on to where the request can be seen, as the seed's "No"
    // to "Did you tap Accept or Deny?" does.
    let events = [push("r1", T0, 1_000)];
    let d = diagnosed(&events);
    let answered: Vec<_> = d.path.iter().map(|s| (s.row, s.answer)).collect();
    assert_eq!(
        answered[..2],
        [
            (RowId::PushOkReceived, StepAnswer::Yes),
            (RowId::PushOkTapped, StepAnswer::No)
        ],
        "{answered:?}"
    );
    assert_eq!(d.next_question.map(|q| q.row), Some(RowId::NotVisibleInApp));
}

#[test]
fn what_the_app_said_wins_over_the_history() {
    let events = [
        push("r1", T0, 2_000),
        attempt("r1", T0 + 5_000, 1, http(503)),
    ];
    let mut snapshot = DeviceSnapshot::new(Platform::Ios);
    snapshot.observations.accept_responded = Some(true);
    snapshot.attach_history(summarize(&events));
    assert_eq!(snapshot.observations.accept_responded, Some(true));
    let filled = &snapshot.history.as_ref().expect("history").filled;
    assert!(!filled.contains(&"observations.accept_responded".to_string()));
    assert!(filled.contains(&"observations.push_received".to_string()));
}

#[test]
fn late_and_rising_push_delays_are_findings() {
    // Nine pushes: the first six in 2 s, the newest three in 75 s.
    let mut events = Vec::new();
    for i in 0..9 {
        let delay = if i < 6 { 2_000 } else { 75_000 };
        let at = T0 + i * 600_000;
        events.push(push(&format!("r{i}"), at, delay));
        events.push(attempt(
            &format!("r{i}"),
            at + 3_000,
            1,
            AttemptOutcome::Success,
        ));
    }
    let d = diagnosed(&events);
    let history = d.history.expect("history");
    let ids: Vec<HistoryFindingId> = history.findings.iter().map(|f| f.id).collect();
    assert!(ids.contains(&HistoryFindingId::PushDelayRising), "{ids:?}");
    assert!(ids.contains(&HistoryFindingId::LatePushes), "{ids:?}");
    let push = history.summary.push_latency.expect("push latency");
    assert_eq!(
        (push.count, push.median_ms, push.worst_ms),
        (9, 2_000, 75_000)
    );
    assert_eq!(push.p90_ms, 75_000);
    let d = diagnosed(&events);
    let text = pushdoctor_core::engine::report::text(&d);
    assert!(text.contains("pushes arrive, but late"), "{text}");
    let junit = pushdoctor_core::engine::report::junit(&d);
    assert!(
        junit.contains(
            "<property name=\"history.findings\" value=\"late_pushes,push_delay_rising\"/>"
        ),
        "{junit}"
    );
    assert!(
        junit.contains("median=2000,p90=75000,worst=75000"),
        "{junit}"
    );
}

#[test]
fn accept_calls_that_get_no_answer_are_a_finding() {
    let reset = AttemptOutcome::ConnectionError {
        kind: ConnectionErrorKind::Reset,
    };
    let events = [
        push("r1", T0, 1_000),
        attempt("r1", T0 + 2_000, 1, AttemptOutcome::Timeout),
        attempt("r1", T0 + 4_000, 2, reset),
    ];
    let d = diagnosed(&events);
    let history = d.history.expect("history");
    assert_eq!(history.summary.silent_failures_in_a_row, 2);
    assert!(history
        .findings
        .iter()
        .any(|f| f.id == HistoryFindingId::SilentAcceptFailures));
}

#[test]
fn a_snapshot_with_its_history_reads_back_the_same() {
    let events = [
        push("r1", T0, 2_000),
        attempt("r1", T0 + 5_000, 1, http(503)),
    ];
    let mut snapshot = DeviceSnapshot::new(Platform::Android);
    snapshot.attach_history(summarize(&events));
    let json = serde_json::to_string(&snapshot).expect("serialises");
    let parsed = DeviceSnapshot::from_json(json.as_bytes()).expect("parses");
    assert!(
        parsed.unknown_fields.is_empty(),
        "{:?}",
        parsed.unknown_fields
    );
    assert_eq!(parsed.snapshot.history, snapshot.history);
}
