//! Every row of every table of the seed, reached from a snapshot fixture
//! under `tests/fixtures/snapshots/`, with the scenario, path, actions,
//! escalation and exit code the seed calls for.

use std::collections::BTreeSet;

use pushdoctor_cli::{exit, exit_code, Answering};
use pushdoctor_core::engine::flow::{When, OUTCOMES, ROWS};
use pushdoctor_core::{
    ActionId as A, Diagnosis, Escalation as E, OutcomeId as O, RowId as R, ScenarioId as S,
    StepAnswer,
};
use pushdoctor_tests::diagnose_fixture;

const Y: StepAnswer = StepAnswer::Yes;
const N: StepAnswer = StepAnswer::No;
const NA: StepAnswer = StepAnswer::NotApplicable;

struct Case {
    fixture: &'static str,
    /// The problem the evidence shows.
    scenario: Option<S>,
    /// Where the flow leads.
    destination: Option<S>,
    /// The conclusion, or else the question left open.
    end: End,
    actions: &'static [A],
    escalation: E,
    path: &'static [(R, StepAnswer)],
    exit: u8,
}

enum End {
    Outcome(O),
    Question(R),
}

/// The device-side checks when every setting is fine (iOS asks one more).
const CHECKS_OK_ANDROID: [(R, StepAnswer); 4] = [
    (R::NotReceivedConnectivity, Y),
    (R::NotReceivedNotifications, Y),
    (R::NotReceivedFocusBattery, N),
    (R::NotReceivedBackgroundRefresh, NA),
];

/// The same on iOS, where Background App Refresh is asked too.
const CHECKS_OK_IOS: [(R, StepAnswer); 4] = [
    (R::NotReceivedConnectivity, Y),
    (R::NotReceivedNotifications, Y),
    (R::NotReceivedFocusBattery, N),
    (R::NotReceivedBackgroundRefresh, Y),
];

const CASES: &[Case] = &[
    Case {
        fixture: "push-ok-all-done.json",
        scenario: Some(S::PushOk),
        destination: Some(S::PushOk),
        end: End::Outcome(O::AllDone),
        actions: &[],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, Y),
            (R::PushOkCompleted, Y),
        ],
        exit: exit::OK,
    },
    Case {
        fixture: "push-ok-not-tapped.json",
        scenario: Some(S::PushOk),
        destination: Some(S::PushOk),
        end: End::Outcome(O::TapToApprove),
        actions: &[A::ApproveRequest],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, N),
            (R::NotVisibleInApp, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        // A setting that would stop the next push is reported even though
        // this login went through.
        fixture: "push-ok-notifications-off.json",
        scenario: Some(S::PushOk),
        destination: Some(S::PushOk),
        end: End::Outcome(O::AllDone),
        actions: &[A::EnableNotifications],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, Y),
            (R::PushOkCompleted, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "accept-first-failure.json",
        scenario: Some(S::AcceptNotResponding),
        destination: Some(S::AcceptNotResponding),
        end: End::Outcome(O::RetryLogin),
        actions: &[A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, Y),
            (R::PushOkCompleted, N),
            (R::AcceptReceived, Y),
            (R::AcceptResponded, N),
            (R::AcceptResent, N),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "accept-resolved-on-retry.json",
        scenario: Some(S::AcceptNotResponding),
        destination: Some(S::AcceptNotResponding),
        end: End::Outcome(O::RetryResolved),
        actions: &[],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, Y),
            (R::PushOkCompleted, StepAnswer::NotNeeded),
            (R::AcceptReceived, Y),
            (R::AcceptResponded, N),
            (R::AcceptResent, Y),
            (R::AcceptSecondAttempt, Y),
        ],
        exit: exit::OK,
    },
    Case {
        fixture: "accept-one-failed-retry.json",
        scenario: Some(S::AcceptNotResponding),
        destination: Some(S::AcceptNotResponding),
        end: End::Outcome(O::RetryLogin),
        actions: &[A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, Y),
            (R::PushOkCompleted, N),
            (R::AcceptReceived, Y),
            (R::AcceptResponded, N),
            (R::AcceptResent, Y),
            (R::AcceptSecondAttempt, N),
            (R::AcceptMultipleRetries, N),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "accept-multiple-retries.json",
        scenario: Some(S::AcceptNotResponding),
        destination: Some(S::AcceptNotResponding),
        end: End::Outcome(O::ShareLogs),
        actions: &[A::ShareLogs],
        escalation: E::ShareLogs,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, Y),
            (R::PushOkCompleted, N),
            (R::AcceptReceived, Y),
            (R::AcceptResponded, N),
            (R::AcceptResent, Y),
            (R::AcceptSecondAttempt, N),
            (R::AcceptMultipleRetries, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        // Opening the Pending tab is not asked of the person: the snapshot
        // shows they did.
        fixture: "not-visible-listed-in-pending.json",
        scenario: Some(S::PushNotVisible),
        destination: Some(S::PushNotVisible),
        end: End::Outcome(O::ApproveFromPending),
        actions: &[A::ApproveRequest],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, N),
            (R::NotVisibleInApp, N),
            (R::NotVisibleListed, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "not-visible-refresh-shows-it.json",
        scenario: Some(S::PushNotVisible),
        destination: Some(S::PushNotVisible),
        end: End::Outcome(O::ApproveFromPending),
        actions: &[A::ApproveRequest],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, N),
            (R::NotVisibleInApp, N),
            (R::NotVisibleListed, N),
            (R::NotVisibleAtAll, N),
            (R::NotVisibleAfterRefresh, N),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "not-visible-after-refresh-offline.json",
        scenario: Some(S::PushNotVisible),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[A::EnableNetwork, A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, N),
            (R::NotVisibleInApp, N),
            (R::NotVisibleListed, N),
            (R::NotVisibleAtAll, N),
            (R::NotVisibleAfterRefresh, Y),
            (R::NotReceivedConnectivity, N),
            (R::NotReceivedNotifications, Y),
            (R::NotReceivedFocusBattery, N),
            (R::NotReceivedBackgroundRefresh, NA),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "not-received-everything-off.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[
            A::EnableNetwork,
            A::EnableNotifications,
            A::DisableFocus,
            A::DisableBatterySaver,
            A::EnableBackgroundRefresh,
            A::ResendPush,
        ],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            (R::NotReceivedConnectivity, N),
            (R::NotReceivedNotifications, N),
            (R::NotReceivedFocusBattery, Y),
            (R::NotReceivedBackgroundRefresh, N),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "not-received-android-notifications-off.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[A::EnableNotifications, A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            (R::NotReceivedConnectivity, Y),
            (R::NotReceivedNotifications, N),
            (R::NotReceivedFocusBattery, N),
            (R::NotReceivedBackgroundRefresh, NA),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "not-received-fixed.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Outcome(O::FixedAfterChecks),
        actions: &[],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            (R::NotReceivedConnectivity, Y),
            (R::NotReceivedNotifications, Y),
            (R::NotReceivedFocusBattery, N),
            (R::NotReceivedBackgroundRefresh, Y),
            (R::NotReceivedStill, N),
        ],
        exit: exit::OK,
    },
    Case {
        // Every setting is fine and still no push: escalate, and ask the admin.
        fixture: "not-received-escalate.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::AdminVerifyStatus),
        end: End::Question(R::AdminReport),
        actions: &[A::EscalateToAdmin],
        escalation: E::ContactAdmin,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
            (R::NotReceivedStill, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    // No push, every setting the seed asks about healthy, and one platform
    // fact beyond the seed failing: it is the reason given, its fix comes
    // first, and the walk asks whether the push arrives once it is fixed,
    // as for any setting found broken (no escalation while a fix is open).
    Case {
        fixture: "android-channel-blocked.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[A::EnableMfaChannel, A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "android-xiaomi-battery-optimized.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[A::ExemptFromBatteryOptimization, A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "android-force-stopped.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[A::OpenApp, A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "ios-scheduled-summary.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[A::DeliverImmediately, A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_IOS[0],
            CHECKS_OK_IOS[1],
            CHECKS_OK_IOS[2],
            CHECKS_OK_IOS[3],
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "ios-provisional.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[
            A::EnableNotifications,
            A::ShowNotificationAlerts,
            A::ResendPush,
        ],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_IOS[0],
            CHECKS_OK_IOS[1],
            CHECKS_OK_IOS[2],
            CHECKS_OK_IOS[3],
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "admin-success.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::AdminVerifyStatus),
        end: End::Outcome(O::ReportApproved),
        actions: &[],
        escalation: E::None,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
            (R::NotReceivedStill, Y),
            (R::AdminSuccess, Y),
        ],
        exit: exit::OK,
    },
    Case {
        fixture: "admin-denied.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::AdminVerifyStatus),
        end: End::Outcome(O::ReportDenied),
        actions: &[A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            (R::NotReceivedConnectivity, Y),
            (R::NotReceivedNotifications, Y),
            (R::NotReceivedFocusBattery, N),
            (R::NotReceivedBackgroundRefresh, Y),
            (R::NotReceivedStill, Y),
            (R::AdminDenied, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        // Delivered, never received, every device check done: the last resort.
        fixture: "admin-delivered.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::ReconfigureAccount),
        end: End::Question(R::ReconfigureDone),
        actions: &[A::ReconfigureAccount],
        escalation: E::ReconfigureAccount,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
            (R::NotReceivedStill, Y),
            (R::AdminDelivered, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        // The device says nothing about the push; the report's Delivered
        // puts it on the push_not_received path.
        fixture: "admin-delivered-device-silent.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::ReconfigureAccount),
        end: End::Question(R::ReconfigureDone),
        actions: &[A::ReconfigureAccount],
        escalation: E::ReconfigureAccount,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            (R::NotReceivedConnectivity, Y),
            (R::NotReceivedNotifications, Y),
            (R::NotReceivedFocusBattery, N),
            (R::NotReceivedBackgroundRefresh, Y),
            (R::NotReceivedStill, Y),
            (R::AdminDelivered, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        // No notification on the phone, but the report says the app got the
        // request: it is waiting inside the app.
        fixture: "report-received-device-silent.json",
        scenario: Some(S::PushNotVisible),
        destination: Some(S::PushOk),
        end: End::Outcome(O::TapToApprove),
        actions: &[A::ApproveRequest],
        escalation: E::None,
        path: &[(R::PushOkReceived, N), (R::NotVisibleInApp, Y)],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        // The report says Received, yet the Pending tab was checked and
        // refreshed and every setting is fine: back where the walk has been,
        // so all steps are done and the last resort follows.
        fixture: "admin-received-not-in-app.json",
        scenario: Some(S::PushNotVisible),
        destination: Some(S::ReconfigureAccount),
        end: End::Question(R::ReconfigureDone),
        actions: &[A::ReconfigureAccount],
        escalation: E::ReconfigureAccount,
        path: &[
            (R::PushOkReceived, N),
            (R::NotVisibleInApp, N),
            (R::NotVisibleListed, N),
            (R::NotVisibleAtAll, N),
            (R::NotVisibleAfterRefresh, Y),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
            (R::NotReceivedStill, Y),
            (R::AdminReceived, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "reconfigure-not-yet.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::ReconfigureAccount),
        end: End::Outcome(O::Reconfigure),
        actions: &[A::ReconfigureAccount],
        escalation: E::ReconfigureAccount,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            CHECKS_OK_ANDROID[0],
            CHECKS_OK_ANDROID[1],
            CHECKS_OK_ANDROID[2],
            CHECKS_OK_ANDROID[3],
            (R::NotReceivedStill, Y),
            (R::AdminDelivered, Y),
            (R::ReconfigureDone, N),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "reconfigured-still-failing.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::AdminResetMfa),
        end: End::Outcome(O::ResetMfa),
        actions: &[A::ReconfigureAccount, A::RequestMfaReset],
        escalation: E::AdminResetMfa,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            (R::NotReceivedConnectivity, Y),
            (R::NotReceivedNotifications, Y),
            (R::NotReceivedFocusBattery, N),
            (R::NotReceivedBackgroundRefresh, Y),
            (R::NotReceivedStill, Y),
            (R::AdminDelivered, Y),
            (R::ReconfigureDone, Y),
        ],
        exit: exit::ACTION_NEEDED,
    },
    Case {
        fixture: "all-unknown.json",
        scenario: None,
        destination: None,
        end: End::Question(R::PushOkReceived),
        actions: &[],
        escalation: E::None,
        path: &[],
        exit: exit::INCOMPLETE,
    },
    // The platform says connected; the probes found a captive portal, an
    // MFA service behind a portal's certificate and no push port through.
    Case {
        fixture: "not-received-captive-portal.json",
        scenario: Some(S::PushNotReceived),
        destination: Some(S::PushNotReceived),
        end: End::Question(R::NotReceivedStill),
        actions: &[A::SignInToNetwork, A::SwitchNetwork, A::ResendPush],
        escalation: E::Retry,
        path: &[
            (R::PushOkReceived, N),
            (R::NotReceivedAny, N),
            (R::NotReceivedConnectivity, N),
            (R::NotReceivedNotifications, Y),
            (R::NotReceivedFocusBattery, N),
            (R::NotReceivedBackgroundRefresh, NA),
        ],
        exit: exit::ACTION_NEEDED,
    },
    // Accept does nothing: the service answers 503 and the clock is ten
    // minutes behind. The clock is fixed before the retry.
    Case {
        fixture: "accept-service-down-clock-off.json",
        scenario: Some(S::AcceptNotResponding),
        destination: Some(S::AcceptNotResponding),
        end: End::Outcome(O::RetryLogin),
        actions: &[A::EnableAutomaticTime, A::ResendPush, A::WaitForService],
        escalation: E::ContactAdmin,
        path: &[
            (R::PushOkReceived, Y),
            (R::PushOkTapped, Y),
            (R::PushOkCompleted, N),
            (R::AcceptReceived, Y),
            (R::AcceptResponded, N),
            (R::AcceptResent, N),
        ],
        exit: exit::ACTION_NEEDED,
    },
];

fn check(case: &Case, d: &Diagnosis) {
    let name = case.fixture;
    assert_eq!(d.scenario, case.scenario, "{name}: scenario");
    assert_eq!(d.destination, case.destination, "{name}: destination");
    match case.end {
        End::Outcome(id) => {
            assert_eq!(
                d.outcome.as_ref().map(|o| o.id),
                Some(id),
                "{name}: outcome"
            );
            assert!(d.next_question.is_none(), "{name}: no question is left");
        }
        End::Question(row) => {
            assert!(d.outcome.is_none(), "{name}: no outcome yet");
            assert_eq!(
                d.next_question.as_ref().map(|q| q.row),
                Some(row),
                "{name}: next question"
            );
        }
    }
    assert_eq!(d.action_ids(), case.actions, "{name}: actions");
    assert_eq!(d.escalation, case.escalation, "{name}: escalation");
    let path: Vec<(R, StepAnswer)> = d.path.iter().map(|s| (s.row, s.answer)).collect();
    assert_eq!(path, case.path, "{name}: path");
    assert_eq!(
        exit_code(d, Answering::Finished),
        case.exit,
        "{name}: exit code"
    );
}

#[test]
fn every_case_reaches_what_the_seed_says() {
    for case in CASES {
        check(case, &diagnose_fixture(case.fixture));
    }
}

#[test]
fn every_fixture_has_a_case() {
    let dir = pushdoctor_tests::fixtures_dir().join("snapshots");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            CASES.iter().any(|c| c.fixture == name),
            "{name} has no expectations in CASES"
        );
    }
}

/// The table above must reach every row of the seed, every "what to do",
/// every outcome and every scenario: adding a row to the flow without a
/// case that reaches it fails here.
#[test]
fn the_cases_cover_the_whole_seed() {
    let diagnoses: Vec<Diagnosis> = CASES.iter().map(|c| diagnose_fixture(c.fixture)).collect();
    let taken: BTreeSet<R> = diagnoses
        .iter()
        .flat_map(|d| d.path.iter().map(|s| s.row))
        .collect();
    let asked: BTreeSet<R> = diagnoses
        .iter()
        .filter_map(|d| d.next_question.as_ref().map(|q| q.row))
        .collect();
    for row in &ROWS {
        assert!(
            taken.contains(&row.id) || asked.contains(&row.id),
            "no case reaches {} ({:?})",
            row.id,
            row.question
        );
        for guidance in row.guidance {
            let shown = match guidance.when {
                When::Asked => diagnoses.iter().any(|d| {
                    d.next_question.as_ref().is_some_and(|q| {
                        q.row == row.id && q.before_answering.as_deref() == Some(guidance.text)
                    })
                }),
                _ => diagnoses.iter().any(|d| {
                    d.path
                        .iter()
                        .any(|s| s.row == row.id && s.guidance.as_deref() == Some(guidance.text))
                }),
            };
            assert!(
                shown,
                "no case shows {} ({:?}) for {}",
                guidance.text, guidance.when, row.id
            );
        }
    }
    for outcome in &OUTCOMES {
        assert!(
            diagnoses
                .iter()
                .any(|d| d.outcome.as_ref().map(|o| o.id) == Some(outcome.id)),
            "no case ends in {:?}",
            outcome.id
        );
    }
    for scenario in S::ALL {
        assert!(
            diagnoses
                .iter()
                .any(|d| d.scenario == Some(scenario) || d.destination == Some(scenario)),
            "no case reaches {scenario}"
        );
    }
}

#[test]
fn platform_steps_are_exactly_the_seeds() {
    let ios = diagnose_fixture("not-received-everything-off.json");
    let steps = |d: &Diagnosis, id: A| d.actions.iter().find(|a| a.id == id).unwrap().steps.clone();
    assert_eq!(
        steps(&ios, A::EnableNotifications),
        ["Settings > Notifications > miniOrange Authenticator > Allow"]
    );
    assert_eq!(
        steps(&ios, A::EnableBackgroundRefresh),
        ["Settings > General > Background App Refresh > Enable for miniOrange Authenticator (WiFi & Mobile Data)"]
    );
    let android = diagnose_fixture("not-received-android-notifications-off.json");
    assert_eq!(
        steps(&android, A::EnableNotifications),
        ["Settings > Apps > miniOrange Authenticator > Notifications > Allow"]
    );
    let focus = ios
        .actions
        .iter()
        .find(|a| a.id == A::DisableFocus)
        .unwrap();
    assert_eq!(
        focus.guidance,
        "Disable it or add miniOrange Authenticator as an allowed exception"
    );
    assert_eq!(focus.settings_target.map(|t| t.as_str()), Some("focus"));
}

#[test]
fn the_report_is_held_against_the_device() {
    // Delivered with a silent device: the report decides "not received".
    let d = diagnose_fixture("admin-delivered-device-silent.json");
    let first = &d.path[0];
    assert_eq!(
        first.answered_by,
        pushdoctor_core::EvidenceSource::MfaReport
    );
    // A device that saw the push is believed over a report that says Delivered.
    let mut snapshot = pushdoctor_tests::load_snapshot("push-ok-all-done.json");
    snapshot.mfa_report_status = Some(pushdoctor_core::MfaReportStatus::Delivered);
    let d = pushdoctor_core::diagnose(&snapshot, &Default::default(), &Default::default());
    assert_eq!(d.outcome.as_ref().map(|o| o.id), Some(O::AllDone));
}

/// The platform-fact fixtures: every setting the seed asks about is
/// healthy, and exactly the facts each fixture breaks fail, each with the
/// fix that opens its own settings screen.
#[test]
fn each_platform_fact_fixture_fails_only_its_own_checks() {
    use pushdoctor_core::{CheckId as C, CheckStatus, SettingsTarget as T};
    /// A fixture, the checks it breaks, and their fixes with their screens.
    type Expected = (&'static str, &'static [C], &'static [(A, Option<T>)]);
    let cases: [Expected; 5] = [
        (
            "android-channel-blocked.json",
            &[C::MfaChannel],
            &[(A::EnableMfaChannel, Some(T::NotificationChannel))],
        ),
        (
            "android-xiaomi-battery-optimized.json",
            &[C::BatteryOptimizationExempt],
            &[(
                A::ExemptFromBatteryOptimization,
                Some(T::BatteryOptimization),
            )],
        ),
        (
            "android-force-stopped.json",
            &[C::AppNotForceStopped],
            &[(A::OpenApp, None)],
        ),
        (
            "ios-scheduled-summary.json",
            &[C::ImmediateDelivery],
            &[(A::DeliverImmediately, Some(T::AppNotificationSettings))],
        ),
        (
            "ios-provisional.json",
            &[C::NotificationsAuthorized, C::AlertStyle],
            &[
                (A::EnableNotifications, Some(T::AppNotificationSettings)),
                (A::ShowNotificationAlerts, Some(T::AppNotificationSettings)),
            ],
        ),
    ];
    for (fixture, failing, fixes) in cases {
        let d = diagnose_fixture(fixture);
        let mut want: Vec<C> = vec![C::PushReceived];
        want.extend_from_slice(failing);
        let failed: Vec<C> = d
            .findings
            .iter()
            .filter(|f| f.status == CheckStatus::Fail)
            .map(|f| f.check)
            .collect();
        assert_eq!(failed, want, "{fixture}");
        for f in d
            .findings
            .iter()
            .filter(|f| f.check.is_device_setting() && f.check.is_from_seed())
        {
            assert!(
                matches!(f.status, CheckStatus::Pass | CheckStatus::NotApplicable),
                "{fixture}: {} is {:?}",
                f.check,
                f.status
            );
        }
        for &(fix, target) in fixes {
            let action = d.actions.iter().find(|a| a.id == fix);
            let action = action.unwrap_or_else(|| panic!("{fixture}: {fix} missing"));
            assert_eq!(action.settings_target, target, "{fixture}: {fix}");
        }
    }
}
