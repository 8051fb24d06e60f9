//! The guided walk driven by a person's answers: never asking what the
//! device already answered, reaching the same conclusions as a snapshot.

use pushdoctor_core::{
    ActionId as A, AnswerValue, DeviceSnapshot, EvidenceSource, MfaReportStatus, OutcomeId as O,
    Platform, RowId as R, ScenarioId as S, Walk,
};
use pushdoctor_tests::load_snapshot;

/// Answers each question from `script` in turn; returns the rows asked.
fn walk_through(walk: &mut Walk, script: &[AnswerValue]) -> Vec<R> {
    let mut asked = Vec::new();
    for &answer in script {
        let question = walk.diagnosis().next_question.expect("a question is open");
        assert!(
            question.accepts(answer),
            "{answer} does not answer {}",
            question.text
        );
        asked.push(question.row);
        walk.answer(question.row, answer).unwrap();
    }
    asked
}

use AnswerValue::{No, Yes};

#[test]
fn a_person_alone_reaches_share_logs() {
    let mut walk = Walk::new(DeviceSnapshot::new(Platform::Android));
    let asked = walk_through(&mut walk, &[Yes, Yes, No, No, Yes, No, Yes]);
    assert_eq!(
        asked,
        [
            R::PushOkReceived,
            R::PushOkTapped,
            R::PushOkCompleted,
            // "Did you receive the push notification?" is not asked twice.
            R::AcceptResponded,
            R::AcceptResent,
            R::AcceptSecondAttempt,
            R::AcceptMultipleRetries,
        ]
    );
    let d = walk.diagnosis();
    assert!(d.is_complete());
    assert_eq!(d.outcome.as_ref().map(|o| o.id), Some(O::ShareLogs));
    assert_eq!(d.action_ids(), [A::ShareLogs]);
    assert!(d
        .path
        .iter()
        .filter(|s| s.row != R::AcceptReceived)
        .all(|s| s.answered_by == EvidenceSource::Person));
}

#[test]
fn facts_the_device_answered_are_never_asked() {
    // The device knows every setting: a person is asked only what it cannot know.
    let snapshot = load_snapshot("not-received-escalate.json");
    let mut walk = Walk::new(DeviceSnapshot {
        observations: Default::default(),
        ..snapshot
    });
    let asked = walk_through(
        &mut walk,
        &[No, AnswerValue::Status(MfaReportStatus::Delivered), No],
    );
    assert_eq!(
        asked,
        [R::PushOkReceived, R::AdminReport, R::ReconfigureDone]
    );
    let d = walk.diagnosis();
    // The problem is the push that never came; the flow led to the last resort.
    assert_eq!(d.scenario, Some(S::PushNotReceived));
    assert_eq!(d.destination, Some(S::ReconfigureAccount));
    assert_eq!(d.outcome.as_ref().map(|o| o.id), Some(O::Reconfigure));
}

#[test]
fn an_admin_saying_received_sends_the_person_to_the_pending_tab() {
    let snapshot = load_snapshot("not-received-escalate.json");
    let mut walk = Walk::new(snapshot);
    let asked = walk_through(&mut walk, &[AnswerValue::Status(MfaReportStatus::Received)]);
    assert_eq!(asked, [R::AdminReport]);
    // Once the report says Received, the walk takes the "not visible" path
    // from the start: the request reached the app, and waits in the Pending
    // tab. Whether it shows on the app's main screen changes nothing, so
    // it is not asked.
    let d = walk.diagnosis();
    assert!(d.is_complete());
    assert_eq!(d.scenario, Some(S::PushNotVisible));
    let in_app = d.path.iter().find(|s| s.row == R::NotVisibleInApp).unwrap();
    assert_eq!(in_app.answer, pushdoctor_core::StepAnswer::NotNeeded);
    assert_eq!(
        d.outcome.as_ref().map(|o| o.id),
        Some(O::ApproveFromPending)
    );
    assert_eq!(d.action_ids(), [A::ApproveRequest]);
}

#[test]
fn settings_answered_by_a_person_call_for_their_fixes() {
    let mut walk = Walk::new(DeviceSnapshot::new(Platform::Ios));
    // no push; connection no; notifications no; focus/battery yes; background refresh no
    walk_through(&mut walk, &[No, No, No, Yes, No]);
    let d = walk.diagnosis();
    let q = d.next_question.as_ref().unwrap();
    assert_eq!(q.row, R::NotReceivedStill);
    assert_eq!(q.before_answering.as_deref(), Some("Retry login to resend"));
    assert_eq!(
        d.action_ids(),
        [
            A::EnableNetwork,
            A::EnableNotifications,
            A::DisableFocus,
            A::DisableBatterySaver,
            A::EnableBackgroundRefresh,
            A::ResendPush
        ]
    );
    // The push still does not arrive after the fixes: escalate.
    walk_through(&mut walk, &[Yes]);
    let d = walk.diagnosis();
    assert_eq!(d.next_question.as_ref().unwrap().row, R::AdminReport);
    assert!(d.action_ids().contains(&A::EscalateToAdmin));
}

#[test]
fn a_later_answer_replaces_an_earlier_one() {
    let mut walk = Walk::new(DeviceSnapshot::new(Platform::Ios));
    walk.answer(R::PushOkReceived, No).unwrap();
    assert_eq!(walk.diagnosis().scenario, Some(S::PushNotReceived));
    walk.answer(R::PushOkReceived, Yes).unwrap();
    assert_eq!(walk.diagnosis().scenario, Some(S::PushOk));
}

#[test]
fn answering_what_the_device_knows_changes_nothing() {
    let snapshot = load_snapshot("push-ok-all-done.json");
    let before = Walk::new(snapshot.clone()).diagnosis();
    let mut walk = Walk::new(snapshot);
    walk.answer(R::PushOkReceived, No).unwrap();
    // The device's evidence stands; the disagreement is said, not hidden.
    let mut after = walk.diagnosis();
    let warning = after.warnings.pop().expect("a warning says what disagreed");
    assert!(
        warning
            .contains("answered no to \"Did you receive the push notification on your device?\"")
            && warning.contains("observations.push_received is true"),
        "{warning}"
    );
    assert_eq!(after, before);
}

#[test]
fn a_persons_answers_are_evidence_and_show_as_such() {
    use pushdoctor_core::{CheckId as C, CheckStatus};
    let mut walk = Walk::new(DeviceSnapshot::new(Platform::Android));
    // No push; the internet is not active.
    walk_through(&mut walk, &[No, No]);
    let d = walk.diagnosis();
    let connected = d.finding(C::NetworkConnected);
    assert_eq!(connected.status, CheckStatus::Fail);
    assert_eq!(connected.evidence.source, EvidenceSource::Person);
    // The seed's question covers Airplane Mode too, and a "no" cannot say
    // which of the two it was: both fail, and say so.
    let airplane = d.finding(C::NetworkAirplaneMode);
    assert_eq!(airplane.status, CheckStatus::Fail);
    assert!(
        airplane.evidence.detail.contains("at least"),
        "{airplane:?}"
    );
    let text = pushdoctor_core::engine::report::text(&d);
    let problems = text
        .split("Problems found")
        .nth(1)
        .expect("problems are listed");
    assert!(
        problems.contains("network.connected") && problems.contains("[answered]"),
        "{text}"
    );
    assert!(d.reasons.iter().any(|r| r.check == C::NetworkConnected));

    // A "yes" to a question about several settings settles each of them.
    let mut walk = Walk::new(DeviceSnapshot::new(Platform::Android));
    walk_through(&mut walk, &[No, Yes, Yes, No]);
    let d = walk.diagnosis();
    for check in [
        C::NetworkConnected,
        C::NotificationsEnabled,
        C::FocusOff,
        C::BatterySaverOff,
    ] {
        assert_eq!(
            d.finding(check).evidence.source,
            EvidenceSource::Person,
            "{check}"
        );
        assert_eq!(d.finding(check).status, CheckStatus::Pass, "{check}");
    }
}

#[test]
fn the_admins_answer_is_recorded_as_a_persons() {
    let snapshot = load_snapshot("not-received-escalate.json");
    let mut walk = Walk::new(snapshot);
    walk_through(&mut walk, &[AnswerValue::Status(MfaReportStatus::Denied)]);
    let d = walk.diagnosis();
    let step = d
        .path
        .iter()
        .find(|s| s.row == R::AdminDenied)
        .expect("the report's row is taken");
    assert_eq!(step.answered_by, EvidenceSource::Person);
    // The same status in the snapshot itself is the report's own word.
    let mut snapshot = load_snapshot("not-received-escalate.json");
    snapshot.mfa_report_status = Some(MfaReportStatus::Denied);
    let d = Walk::new(snapshot).diagnosis();
    let step = d.path.iter().find(|s| s.row == R::AdminDenied).unwrap();
    assert_eq!(step.answered_by, EvidenceSource::MfaReport);
}
