//! The seed's troubleshooting flow as data.
//!
//! Each table of `push-mfa-troubleshooting.txt` is a [`ScenarioId`]; each of
//! its rows is a [`RowId`] holding the seed's question and "what to do" word
//! for word. A row is answered by checks (so facts the platform already
//! knows are never asked), or by a person when the checks cannot say. Rows
//! link to rows, across tables where the seed does ("Proceed to Scenario
//! 4"), and end in an [`OutcomeId`]. `docs/flow.md` maps every seed row to
//! its id.

use crate::model::action::ActionId;
use crate::model::seed;
use crate::model::MfaReportStatus;
use crate::model::{CheckId, CheckStatus, OutcomeId, RowId, ScenarioId};

/// Where the flow goes after a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Go to this row.
    Row(RowId),
    /// End here.
    Outcome(OutcomeId),
    /// The MFA Report, where known, settles a fork: the first row if it
    /// shows this status, the second otherwise.
    IfReport(MfaReportStatus, RowId, RowId),
}

/// When a row's guidance applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The answer is yes.
    Yes,
    /// The answer is no.
    No,
    /// The row is reached, whatever the answer.
    Reached,
    /// The walk stops at this row to ask it: do this first, then answer.
    Asked,
}

/// The seed's "what to do" for a row, and the actions it calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guidance {
    /// When the guidance applies.
    pub when: When,
    /// The seed's "what to do", word for word.
    pub text: &'static str,
    /// The actions it calls for.
    pub actions: &'static [ActionId],
}

/// How a row gets its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A yes/no question decided by checks; a person answers when the checks
    /// cannot. `yes_means` is the combined status of the checks that a "yes"
    /// corresponds to (the seed phrases some questions negatively).
    YesNo {
        /// The checks whose combined result answers the row.
        checks: &'static [CheckId],
        /// Checks that answer the row when they fail, and otherwise leave
        /// it to `checks`: the network probes, which a phone may not run,
        /// make "connected" a "no" when the services cannot be reached.
        failing_also: &'static [CheckId],
        /// The combined status a "yes" corresponds to.
        yes_means: CheckStatus,
        /// Where a "yes" goes.
        on_yes: Next,
        /// Where a "no" goes.
        on_no: Next,
        /// Unknown checks answer "yes" when no setting was fixed on the way
        /// here: nothing changed since the push failed to arrive, so it is
        /// still not arriving.
        yes_unless_fixed: bool,
    },
    /// Which status the MFA Report shows: answered by the snapshot's
    /// `mfa_report_status` or by a person, then goes to that status's row.
    ReportChoice,
    /// One status row of the seed's MFA Report table.
    ReportStatus {
        /// The MFA Report status this row is about.
        status: MfaReportStatus,
        /// Where the walk goes from here.
        next: Next,
    },
}

/// One row of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The row's id.
    pub id: RowId,
    /// The table it belongs to.
    pub scenario: ScenarioId,
    /// The seed's question, word for word.
    pub question: &'static str,
    /// How the row gets its answer.
    pub kind: RowKind,
    /// What to do, by answer.
    pub guidance: &'static [Guidance],
    /// This row is a row of a table in the seed (as opposed to a question
    /// the flow adds to connect the tables).
    pub from_seed: bool,
}

/// An outcome's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The outcome's id.
    pub id: OutcomeId,
    /// The table whose conclusion it is.
    pub scenario: ScenarioId,
    /// The seed's words for the conclusion.
    pub summary: &'static str,
    /// The actions it calls for.
    pub actions: &'static [ActionId],
    /// The problem is solved; nothing is left to do.
    pub resolved: bool,
}

const fn yes_no(
    checks: &'static [CheckId],
    yes_means: CheckStatus,
    on_yes: Next,
    on_no: Next,
) -> RowKind {
    RowKind::YesNo {
        checks,
        failing_also: &[],
        yes_means,
        on_yes,
        on_no,
        yes_unless_fixed: false,
    }
}

const fn guide(when: When, text: &'static str, actions: &'static [ActionId]) -> Guidance {
    Guidance {
        when,
        text,
        actions,
    }
}

use CheckStatus::{Fail, Pass};
use Next::{Outcome as End, Row as Go};

/// Every row, in the seed's order.
pub static ROWS: [Row; 24] = [
    // Push Received — Accept / Deny Works Normally
    Row {
        id: RowId::PushOkReceived,
        scenario: ScenarioId::PushOk,
        question: seed::Q_RECEIVED_ON_DEVICE,
        // The device saw no push, but the MFA Report says the app received
        // the request: it is waiting in the Pending tab.
        kind: yes_no(
            &[CheckId::PushReceived],
            Pass,
            Go(RowId::PushOkTapped),
            Next::IfReport(MfaReportStatus::Received, RowId::NotVisibleInApp, RowId::NotReceivedAny),
        ),
        guidance: &[guide(When::Yes, seed::DO_PROCEED, &[])],
        from_seed: true,
    },
    Row {
        id: RowId::PushOkTapped,
        scenario: ScenarioId::PushOk,
        question: seed::Q_TAPPED,
        kind: yes_no(&[CheckId::AcceptTapped], Pass, Go(RowId::PushOkCompleted), Go(RowId::NotVisibleInApp)),
        guidance: &[],
        from_seed: true,
    },
    Row {
        id: RowId::PushOkCompleted,
        scenario: ScenarioId::PushOk,
        question: seed::Q_COMPLETED,
        kind: yes_no(&[CheckId::MfaCompleted], Pass, End(OutcomeId::AllDone), Go(RowId::AcceptReceived)),
        guidance: &[],
        from_seed: true,
    },
    // Push Received — Accept Not Responding (API Failure)
    Row {
        id: RowId::AcceptReceived,
        scenario: ScenarioId::AcceptNotResponding,
        question: seed::Q_RECEIVED,
        kind: yes_no(&[CheckId::PushReceived], Pass, Go(RowId::AcceptResponded), Go(RowId::NotReceivedAny)),
        guidance: &[guide(When::Yes, seed::DO_PROCEED, &[])],
        from_seed: true,
    },
    Row {
        id: RowId::AcceptResponded,
        scenario: ScenarioId::AcceptNotResponding,
        question: seed::Q_RESPONDED,
        // Accept responded but the MFA step did not complete: the same
        // remedy as a silent Accept.
        kind: yes_no(&[CheckId::AcceptResponded], Pass, Go(RowId::AcceptResent), Go(RowId::AcceptResent)),
        guidance: &[guide(When::No, seed::DO_API_FAILURE, &[])],
        from_seed: true,
    },
    Row {
        id: RowId::AcceptResent,
        scenario: ScenarioId::AcceptNotResponding,
        question: seed::Q_RESENT,
        kind: yes_no(&[CheckId::AcceptRetried], Pass, Go(RowId::AcceptSecondAttempt), End(OutcomeId::RetryLogin)),
        guidance: &[guide(When::No, seed::DO_RETRY_LOGIN, &[ActionId::ResendPush])],
        from_seed: true,
    },
    Row {
        id: RowId::AcceptSecondAttempt,
        scenario: ScenarioId::AcceptNotResponding,
        question: seed::Q_SECOND_ATTEMPT,
        kind: yes_no(
            &[CheckId::AcceptRetrySucceeded],
            Pass,
            End(OutcomeId::RetryResolved),
            Go(RowId::AcceptMultipleRetries),
        ),
        guidance: &[guide(When::Yes, seed::DO_RESOLVED, &[])],
        from_seed: true,
    },
    Row {
        id: RowId::AcceptMultipleRetries,
        scenario: ScenarioId::AcceptNotResponding,
        question: seed::Q_MULTIPLE_RETRIES,
        kind: yes_no(
            &[CheckId::AcceptRetriesUnderLimit],
            Fail,
            End(OutcomeId::ShareLogs),
            End(OutcomeId::RetryLogin),
        ),
        guidance: &[guide(When::Yes, seed::DO_SHARE_LOGS, &[ActionId::ShareLogs])],
        from_seed: true,
    },
    // Push Received — Not Visible in App, Check Pending Tab
    Row {
        id: RowId::NotVisibleInApp,
        scenario: ScenarioId::PushNotVisible,
        question: seed::Q_IN_APP,
        kind: yes_no(
            &[CheckId::RequestVisibleInApp],
            Pass,
            End(OutcomeId::TapToApprove),
            Go(RowId::NotVisibleListed),
        ),
        guidance: &[guide(
            When::No,
            seed::DO_GO_TO_PENDING,
            &[ActionId::OpenPendingTab],
        )],
        from_seed: true,
    },
    Row {
        id: RowId::NotVisibleListed,
        scenario: ScenarioId::PushNotVisible,
        question: seed::Q_LISTED,
        kind: yes_no(
            &[CheckId::PendingListed],
            Pass,
            End(OutcomeId::ApproveFromPending),
            Go(RowId::NotVisibleAtAll),
        ),
        guidance: &[guide(When::Yes, seed::DO_COMPLETE_MFA, &[ActionId::ApproveRequest])],
        from_seed: true,
    },
    Row {
        id: RowId::NotVisibleAtAll,
        scenario: ScenarioId::PushNotVisible,
        question: seed::Q_VISIBLE_AT_ALL,
        kind: yes_no(
            &[CheckId::PendingListed],
            Pass,
            End(OutcomeId::ApproveFromPending),
            Go(RowId::NotVisibleAfterRefresh),
        ),
        guidance: &[guide(
            When::No,
            seed::DO_REFRESH_PENDING,
            &[ActionId::RefreshPending],
        )],
        from_seed: true,
    },
    Row {
        id: RowId::NotVisibleAfterRefresh,
        scenario: ScenarioId::PushNotVisible,
        question: seed::Q_AFTER_REFRESH,
        kind: yes_no(
            &[CheckId::PendingVisibleAfterRefresh],
            Fail,
            Go(RowId::NotReceivedConnectivity),
            End(OutcomeId::ApproveFromPending),
        ),
        guidance: &[
            guide(When::Yes, seed::DO_CHECK_CONNECTIVITY, &[]),
            guide(When::No, seed::DO_COMPLETE_MFA, &[ActionId::ApproveRequest]),
        ],
        from_seed: true,
    },
    // Push Notification Not Received — Connectivity & Permissions
    Row {
        id: RowId::NotReceivedAny,
        scenario: ScenarioId::PushNotReceived,
        question: seed::Q_ANY_RECEIVED,
        kind: yes_no(
            &[CheckId::PushReceived],
            Pass,
            Go(RowId::PushOkTapped),
            Go(RowId::NotReceivedConnectivity),
        ),
        guidance: &[guide(When::No, seed::DO_BEGIN_CHECKS, &[])],
        from_seed: true,
    },
    Row {
        id: RowId::NotReceivedConnectivity,
        scenario: ScenarioId::PushNotReceived,
        question: seed::Q_CONNECTIVITY,
        kind: RowKind::YesNo {
            checks: &[CheckId::NetworkConnected, CheckId::NetworkAirplaneMode],
            failing_also: &[
                CheckId::CaptivePortal,
                CheckId::BackendReachable,
                CheckId::PushServiceReachable,
                CheckId::ProxyOrVpn,
            ],
            yes_means: Pass,
            on_yes: Go(RowId::NotReceivedNotifications),
            on_no: Go(RowId::NotReceivedNotifications),
            yes_unless_fixed: false,
        },
        guidance: &[guide(
            When::No,
            seed::DO_ENABLE_NETWORK,
            &[
                ActionId::EnableNetwork,
                ActionId::SignInToNetwork,
                ActionId::DisableVpnOrProxy,
                ActionId::SwitchNetwork,
            ],
        )],
        from_seed: true,
    },
    Row {
        id: RowId::NotReceivedNotifications,
        scenario: ScenarioId::PushNotReceived,
        question: seed::Q_NOTIFICATIONS,
        kind: yes_no(
            &[CheckId::NotificationsEnabled],
            Pass,
            Go(RowId::NotReceivedFocusBattery),
            Go(RowId::NotReceivedFocusBattery),
        ),
        guidance: &[guide(
            When::No,
            seed::DO_NOTIFICATIONS,
            &[ActionId::EnableNotifications],
        )],
        from_seed: true,
    },
    Row {
        id: RowId::NotReceivedFocusBattery,
        scenario: ScenarioId::PushNotReceived,
        question: seed::Q_FOCUS_BATTERY,
        kind: yes_no(
            &[CheckId::FocusOff, CheckId::BatterySaverOff],
            Fail,
            Go(RowId::NotReceivedBackgroundRefresh),
            Go(RowId::NotReceivedBackgroundRefresh),
        ),
        guidance: &[guide(
            When::Yes,
            seed::DO_DISABLE_OR_EXEMPT,
            &[ActionId::DisableFocus, ActionId::DisableBatterySaver],
        )],
        from_seed: true,
    },
    Row {
        id: RowId::NotReceivedBackgroundRefresh,
        scenario: ScenarioId::PushNotReceived,
        question: seed::Q_BACKGROUND_REFRESH,
        kind: yes_no(
            &[CheckId::BackgroundRefreshEnabled],
            Pass,
            Go(RowId::NotReceivedStill),
            Go(RowId::NotReceivedStill),
        ),
        guidance: &[guide(
            When::No,
            seed::DO_BACKGROUND_REFRESH,
            &[ActionId::EnableBackgroundRefresh],
        )],
        from_seed: true,
    },
    Row {
        id: RowId::NotReceivedStill,
        scenario: ScenarioId::PushNotReceived,
        question: seed::Q_STILL_NOT_ARRIVING,
        kind: RowKind::YesNo {
            checks: &[CheckId::PushReceivedAfterFixes],
            failing_also: &[],
            yes_means: Fail,
            on_yes: Go(RowId::AdminReport),
            on_no: End(OutcomeId::FixedAfterChecks),
            yes_unless_fixed: true,
        },
        guidance: &[
            guide(When::Asked, seed::DO_RETRY_LOGIN, &[ActionId::ResendPush]),
            guide(When::Yes, seed::DO_ESCALATE, &[]),
        ],
        from_seed: true,
    },
    // Admin — Verify Request Status in MFA Report
    Row {
        id: RowId::AdminReport,
        scenario: ScenarioId::AdminVerifyStatus,
        question: seed::ABOUT_ADMIN_VERIFY_STATUS,
        kind: RowKind::ReportChoice,
        // Escalating is the thing to do only while nobody has read the
        // report; once its status is known, the admin has been involved.
        guidance: &[guide(When::Asked, seed::DO_ESCALATE, &[ActionId::EscalateToAdmin])],
        from_seed: false,
    },
    Row {
        id: RowId::AdminSuccess,
        scenario: ScenarioId::AdminVerifyStatus,
        question: seed::ROW_REPORT_SUCCESS,
        kind: RowKind::ReportStatus {
            status: MfaReportStatus::Success,
            next: End(OutcomeId::ReportApproved),
        },
        guidance: &[guide(When::Reached, seed::MEANS_SUCCESS, &[])],
        from_seed: true,
    },
    Row {
        id: RowId::AdminDenied,
        scenario: ScenarioId::AdminVerifyStatus,
        question: seed::ROW_REPORT_DENIED,
        kind: RowKind::ReportStatus {
            status: MfaReportStatus::Denied,
            next: End(OutcomeId::ReportDenied),
        },
        guidance: &[guide(When::Reached, seed::MEANS_DENIED, &[])],
        from_seed: true,
    },
    Row {
        id: RowId::AdminDelivered,
        scenario: ScenarioId::AdminVerifyStatus,
        question: seed::ROW_REPORT_DELIVERED,
        // Sent, never received, and every device check already done: the
        // seed's last resort.
        kind: RowKind::ReportStatus {
            status: MfaReportStatus::Delivered,
            next: Go(RowId::ReconfigureDone),
        },
        guidance: &[guide(
            When::Reached,
            seed::MEANS_DELIVERED,
            &[],
        )],
        from_seed: true,
    },
    Row {
        id: RowId::AdminReceived,
        scenario: ScenarioId::AdminVerifyStatus,
        question: seed::ROW_REPORT_RECEIVED,
        kind: RowKind::ReportStatus {
            status: MfaReportStatus::Received,
            next: Go(RowId::NotVisibleListed),
        },
        guidance: &[guide(
            When::Reached,
            seed::MEANS_RECEIVED,
            &[ActionId::OpenPendingTab],
        )],
        from_seed: true,
    },
    // Last Resort — Reconfigure the affected account, then Admin — Reset User MFA
    Row {
        id: RowId::ReconfigureDone,
        scenario: ScenarioId::ReconfigureAccount,
        question: "Was the account already reconfigured in the Authenticator app, and does the issue still persist?",
        kind: yes_no(
            &[CheckId::AccountReconfigureUntried],
            Fail,
            End(OutcomeId::ResetMfa),
            End(OutcomeId::Reconfigure),
        ),
        guidance: &[guide(
            When::Reached,
            seed::ABOUT_RECONFIGURE_ACCOUNT,
            &[ActionId::ReconfigureAccount],
        )],
        from_seed: false,
    },
];

/// Every outcome.
pub static OUTCOMES: [Outcome; 11] = [
    Outcome {
        id: OutcomeId::AllDone,
        scenario: ScenarioId::PushOk,
        summary: seed::DO_ALL_DONE,
        actions: &[],
        resolved: true,
    },
    Outcome {
        id: OutcomeId::TapToApprove,
        scenario: ScenarioId::PushOk,
        summary: seed::DO_TAP_ACCEPT_OR_DENY,
        actions: &[ActionId::ApproveRequest],
        resolved: false,
    },
    Outcome {
        id: OutcomeId::ApproveFromPending,
        scenario: ScenarioId::PushNotVisible,
        summary: seed::DO_COMPLETE_MFA,
        actions: &[ActionId::ApproveRequest],
        resolved: false,
    },
    Outcome {
        id: OutcomeId::RetryLogin,
        scenario: ScenarioId::AcceptNotResponding,
        summary: seed::DO_RETRY_LOGIN,
        actions: &[ActionId::ResendPush],
        resolved: false,
    },
    Outcome {
        id: OutcomeId::RetryResolved,
        scenario: ScenarioId::AcceptNotResponding,
        summary: seed::DO_RESOLVED,
        actions: &[],
        resolved: true,
    },
    Outcome {
        id: OutcomeId::ShareLogs,
        scenario: ScenarioId::AcceptNotResponding,
        summary: seed::DO_SHARE_LOGS,
        actions: &[ActionId::ShareLogs],
        resolved: false,
    },
    Outcome {
        id: OutcomeId::FixedAfterChecks,
        scenario: ScenarioId::PushNotReceived,
        summary: seed::DO_RESOLVED,
        actions: &[],
        resolved: true,
    },
    Outcome {
        id: OutcomeId::ReportApproved,
        scenario: ScenarioId::AdminVerifyStatus,
        summary: seed::MEANS_SUCCESS,
        actions: &[],
        resolved: true,
    },
    Outcome {
        id: OutcomeId::ReportDenied,
        scenario: ScenarioId::AdminVerifyStatus,
        summary: seed::MEANS_DENIED,
        actions: &[ActionId::ResendPush],
        resolved: false,
    },
    Outcome {
        id: OutcomeId::Reconfigure,
        scenario: ScenarioId::ReconfigureAccount,
        summary: seed::ABOUT_RECONFIGURE_ACCOUNT,
        actions: &[ActionId::ReconfigureAccount],
        resolved: false,
    },
    Outcome {
        id: OutcomeId::ResetMfa,
        scenario: ScenarioId::AdminResetMfa,
        summary: seed::ABOUT_ADMIN_RESET_MFA,
        actions: &[ActionId::RequestMfaReset],
        resolved: false,
    },
];

/// Where every walk starts.
pub const FIRST_ROW: RowId = RowId::PushOkReceived;

/// Where a walk goes when it would come back to a row it already took: all
/// previous steps have been completed and the issue persists.
pub const LAST_RESORT: RowId = RowId::ReconfigureDone;

impl RowId {
    /// The row of the MFA Report table for one status.
    pub fn for_report_status(status: MfaReportStatus) -> RowId {
        match status {
            MfaReportStatus::Success => RowId::AdminSuccess,
            MfaReportStatus::Denied => RowId::AdminDenied,
            MfaReportStatus::Delivered => RowId::AdminDelivered,
            MfaReportStatus::Received => RowId::AdminReceived,
        }
    }

    /// The row's definition.
    pub fn row(self) -> &'static Row {
        // ROWS is in declaration order; the unit test below keeps it so.
        &ROWS[self as usize]
    }
}

impl OutcomeId {
    /// The outcome's definition.
    pub fn outcome(self) -> &'static Outcome {
        &OUTCOMES[self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_indexed_by_their_ids() {
        for (i, row) in ROWS.iter().enumerate() {
            assert_eq!(row.id as usize, i, "{}", row.id);
            assert_eq!(row.id.row().id, row.id);
        }
        for (i, outcome) in OUTCOMES.iter().enumerate() {
            assert_eq!(outcome.id as usize, i);
        }
    }

    #[test]
    fn ids_match_serde_and_parse_back() {
        for id in RowId::ALL {
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                format!("\"{}\"", id.as_str())
            );
            assert_eq!(id.as_str().parse::<RowId>(), Ok(id));
            assert!(id.as_str().starts_with(id.row().scenario.as_str()));
        }
        for outcome in OUTCOMES {
            assert_eq!(
                serde_json::to_string(&outcome.id).unwrap(),
                format!("\"{}\"", outcome.id.as_str())
            );
        }
        for scenario in ScenarioId::ALL {
            assert_eq!(
                serde_json::to_string(&scenario).unwrap(),
                format!("\"{}\"", scenario.as_str())
            );
        }
    }

    #[test]
    fn yes_no_rows_compare_against_a_decisive_status() {
        for row in &ROWS {
            if let RowKind::YesNo {
                checks, yes_means, ..
            } = row.kind
            {
                assert!(!checks.is_empty(), "{}", row.id);
                assert!(
                    matches!(yes_means, CheckStatus::Pass | CheckStatus::Fail),
                    "{}",
                    row.id
                );
            }
        }
    }

    #[test]
    fn every_status_has_its_row() {
        for status in MfaReportStatus::ALL {
            let row = RowId::for_report_status(status).row();
            assert_eq!(row.question, status.report_row());
            assert!(matches!(row.kind, RowKind::ReportStatus { status: s, .. } if s == status));
        }
    }
}
