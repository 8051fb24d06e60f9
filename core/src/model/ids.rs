//! The engine's ids: the seed's scenarios, the rows of its tables, and
//! the outcomes a walk ends in. Stable strings, used in every public
//! format; ids are added, never renamed. What each row asks and where it
//! leads is the engine's business (`engine::flow`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::seed;

/// The seven scenarios of the seed, with their stable ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioId {
    /// Push received, Accept / Deny works: the flow only confirms the sign-in completed.
    PushOk,
    /// Push received but tapping Accept has no effect, typically a passing API failure.
    AcceptNotResponding,
    /// Push received but no longer visible, or not shown inside the app: the Pending tab holds it.
    PushNotVisible,
    /// No push arrived at all: connectivity and permissions are checked.
    PushNotReceived,
    /// The admin's side: what the MFA Report says became of the request.
    AdminVerifyStatus,
    /// The last resort: the account is set up again in the Authenticator app.
    ReconfigureAccount,
    /// The admin resets the user's MFA so they can sign in with their password again.
    AdminResetMfa,
}

impl ScenarioId {
    /// In the seed's order.
    pub const ALL: [ScenarioId; 7] = [
        ScenarioId::PushOk,
        ScenarioId::AcceptNotResponding,
        ScenarioId::PushNotVisible,
        ScenarioId::PushNotReceived,
        ScenarioId::AdminVerifyStatus,
        ScenarioId::ReconfigureAccount,
        ScenarioId::AdminResetMfa,
    ];

    /// The stable id used in every public format (`push_not_received`).
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioId::PushOk => "push_ok",
            ScenarioId::AcceptNotResponding => "accept_not_responding",
            ScenarioId::PushNotVisible => "push_not_visible",
            ScenarioId::PushNotReceived => "push_not_received",
            ScenarioId::AdminVerifyStatus => "admin_verify_status",
            ScenarioId::ReconfigureAccount => "reconfigure_account",
            ScenarioId::AdminResetMfa => "admin_reset_mfa",
        }
    }

    /// The seed's heading.
    pub fn title(self) -> &'static str {
        match self {
            ScenarioId::PushOk => seed::TITLE_PUSH_OK,
            ScenarioId::AcceptNotResponding => seed::TITLE_ACCEPT_NOT_RESPONDING,
            ScenarioId::PushNotVisible => seed::TITLE_PUSH_NOT_VISIBLE,
            ScenarioId::PushNotReceived => seed::TITLE_PUSH_NOT_RECEIVED,
            ScenarioId::AdminVerifyStatus => seed::TITLE_ADMIN_VERIFY_STATUS,
            ScenarioId::ReconfigureAccount => seed::TITLE_RECONFIGURE_ACCOUNT,
            ScenarioId::AdminResetMfa => seed::TITLE_ADMIN_RESET_MFA,
        }
    }

    /// The seed's sentence under the heading.
    pub fn description(self) -> &'static str {
        match self {
            ScenarioId::PushOk => seed::ABOUT_PUSH_OK,
            ScenarioId::AcceptNotResponding => seed::ABOUT_ACCEPT_NOT_RESPONDING,
            ScenarioId::PushNotVisible => seed::ABOUT_PUSH_NOT_VISIBLE,
            ScenarioId::PushNotReceived => seed::ABOUT_PUSH_NOT_RECEIVED,
            ScenarioId::AdminVerifyStatus => seed::ABOUT_ADMIN_VERIFY_STATUS,
            ScenarioId::ReconfigureAccount => seed::ABOUT_RECONFIGURE_ACCOUNT,
            ScenarioId::AdminResetMfa => seed::ABOUT_ADMIN_RESET_MFA,
        }
    }
}

impl fmt::Display for ScenarioId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of one table of the seed (plus the two questions the flow needs
/// that the seed leaves implicit: which status the MFA Report shows, and
/// whether the account was already reconfigured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RowId {
    /// "Did you receive the push notification on your device?"
    #[serde(rename = "push_ok.received")]
    PushOkReceived,
    /// "Did you tap Accept or Deny?"
    #[serde(rename = "push_ok.tapped")]
    PushOkTapped,
    /// "Did the MFA step complete successfully?"
    #[serde(rename = "push_ok.completed")]
    PushOkCompleted,
    /// "Did you receive the push notification?" (Accept not responding).
    #[serde(rename = "accept_not_responding.received")]
    AcceptReceived,
    /// "Did Accept respond when tapped?"
    #[serde(rename = "accept_not_responding.responded")]
    AcceptResponded,
    /// "Did you resend the push notification and try again?"
    #[serde(rename = "accept_not_responding.resent")]
    AcceptResent,
    /// "Did it work on the second attempt?"
    #[serde(rename = "accept_not_responding.second_attempt")]
    AcceptSecondAttempt,
    /// "Is the issue still happening after multiple retries?"
    #[serde(rename = "accept_not_responding.multiple_retries")]
    AcceptMultipleRetries,
    /// "Is the request visible inside the Authenticator app?"
    #[serde(rename = "push_not_visible.in_app")]
    NotVisibleInApp,
    /// "Is the request listed under Pending?"
    #[serde(rename = "push_not_visible.listed")]
    NotVisibleListed,
    /// "Is the request visible at all?"
    #[serde(rename = "push_not_visible.visible_at_all")]
    NotVisibleAtAll,
    /// "Is the request still not visible after refreshing?"
    #[serde(rename = "push_not_visible.after_refresh")]
    NotVisibleAfterRefresh,
    /// "Did you receive any push notification?" (push not received).
    #[serde(rename = "push_not_received.received")]
    NotReceivedAny,
    /// "Is your internet connection active?"
    #[serde(rename = "push_not_received.connectivity")]
    NotReceivedConnectivity,
    /// "Are notifications enabled for the Authenticator app in device settings?"
    #[serde(rename = "push_not_received.notifications")]
    NotReceivedNotifications,
    /// "Is Focus, Do Not Disturb, or Battery Saver mode currently ON?"
    #[serde(rename = "push_not_received.focus_battery")]
    NotReceivedFocusBattery,
    /// "(iOS only) Is Background App Refresh enabled for the Authenticator app?"
    #[serde(rename = "push_not_received.background_refresh")]
    NotReceivedBackgroundRefresh,
    /// "Is the notification still not arriving after all checks?"
    #[serde(rename = "push_not_received.still_not_arriving")]
    NotReceivedStill,
    /// Which status the MFA Report shows: the question the seed leaves implicit before its one-row-per-status table.
    #[serde(rename = "admin_verify_status.report")]
    AdminReport,
    /// "MFA Report shows status: Success"
    #[serde(rename = "admin_verify_status.success")]
    AdminSuccess,
    /// "MFA Report shows status: Denied"
    #[serde(rename = "admin_verify_status.denied")]
    AdminDenied,
    /// "MFA Report shows status: Delivered"
    #[serde(rename = "admin_verify_status.delivered")]
    AdminDelivered,
    /// "MFA Report shows status: Received"
    #[serde(rename = "admin_verify_status.received")]
    AdminReceived,
    /// Whether the account was already reconfigured: the question the seed leaves implicit before its last resort.
    #[serde(rename = "reconfigure_account.reconfigured")]
    ReconfigureDone,
}

/// How a walk through the flow ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeId {
    /// The MFA step completed: authentication is done.
    AllDone,
    /// The person has yet to tap Accept (or Deny) on the push.
    TapToApprove,
    /// The request waits in the Pending tab: tap Accept or Deny there.
    ApproveFromPending,
    /// Accept did nothing, likely an API failure: log in again to resend the push.
    RetryLogin,
    /// The second attempt worked: the issue is resolved.
    RetryResolved,
    /// Retries keep failing: the app's logs go to the developer.
    ShareLogs,
    /// A fix from the connectivity and permission checks made the push arrive.
    FixedAfterChecks,
    /// The MFA Report shows Success: the request was approved, nothing more to do.
    ReportApproved,
    /// The MFA Report shows Denied: the user rejected the request and should retry.
    ReportDenied,
    /// Nothing else helped: reconfigure the account in the Authenticator app.
    Reconfigure,
    /// Even reconfiguring did not help: the admin resets the user's MFA.
    ResetMfa,
}

impl RowId {
    /// In the seed's order, tables and rows.
    pub const ALL: [RowId; 24] = [
        RowId::PushOkReceived,
        RowId::PushOkTapped,
        RowId::PushOkCompleted,
        RowId::AcceptReceived,
        RowId::AcceptResponded,
        RowId::AcceptResent,
        RowId::AcceptSecondAttempt,
        RowId::AcceptMultipleRetries,
        RowId::NotVisibleInApp,
        RowId::NotVisibleListed,
        RowId::NotVisibleAtAll,
        RowId::NotVisibleAfterRefresh,
        RowId::NotReceivedAny,
        RowId::NotReceivedConnectivity,
        RowId::NotReceivedNotifications,
        RowId::NotReceivedFocusBattery,
        RowId::NotReceivedBackgroundRefresh,
        RowId::NotReceivedStill,
        RowId::AdminReport,
        RowId::AdminSuccess,
        RowId::AdminDenied,
        RowId::AdminDelivered,
        RowId::AdminReceived,
        RowId::ReconfigureDone,
    ];

    /// The stable id, `<scenario>.<row>`, used in answers and every public format.
    pub fn as_str(self) -> &'static str {
        match self {
            RowId::PushOkReceived => "push_ok.received",
            RowId::PushOkTapped => "push_ok.tapped",
            RowId::PushOkCompleted => "push_ok.completed",
            RowId::AcceptReceived => "accept_not_responding.received",
            RowId::AcceptResponded => "accept_not_responding.responded",
            RowId::AcceptResent => "accept_not_responding.resent",
            RowId::AcceptSecondAttempt => "accept_not_responding.second_attempt",
            RowId::AcceptMultipleRetries => "accept_not_responding.multiple_retries",
            RowId::NotVisibleInApp => "push_not_visible.in_app",
            RowId::NotVisibleListed => "push_not_visible.listed",
            RowId::NotVisibleAtAll => "push_not_visible.visible_at_all",
            RowId::NotVisibleAfterRefresh => "push_not_visible.after_refresh",
            RowId::NotReceivedAny => "push_not_received.received",
            RowId::NotReceivedConnectivity => "push_not_received.connectivity",
            RowId::NotReceivedNotifications => "push_not_received.notifications",
            RowId::NotReceivedFocusBattery => "push_not_received.focus_battery",
            RowId::NotReceivedBackgroundRefresh => "push_not_received.background_refresh",
            RowId::NotReceivedStill => "push_not_received.still_not_arriving",
            RowId::AdminReport => "admin_verify_status.report",
            RowId::AdminSuccess => "admin_verify_status.success",
            RowId::AdminDenied => "admin_verify_status.denied",
            RowId::AdminDelivered => "admin_verify_status.delivered",
            RowId::AdminReceived => "admin_verify_status.received",
            RowId::ReconfigureDone => "reconfigure_account.reconfigured",
        }
    }
}

impl fmt::Display for RowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RowId {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        RowId::ALL
            .into_iter()
            .find(|id| id.as_str() == text)
            .ok_or_else(|| format!("unknown row id `{text}`"))
    }
}

impl OutcomeId {
    /// The stable id used in every public format (`share_logs`).
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeId::AllDone => "all_done",
            OutcomeId::TapToApprove => "tap_to_approve",
            OutcomeId::ApproveFromPending => "approve_from_pending",
            OutcomeId::RetryLogin => "retry_login",
            OutcomeId::RetryResolved => "retry_resolved",
            OutcomeId::ShareLogs => "share_logs",
            OutcomeId::FixedAfterChecks => "fixed_after_checks",
            OutcomeId::ReportApproved => "report_approved",
            OutcomeId::ReportDenied => "report_denied",
            OutcomeId::Reconfigure => "reconfigure",
            OutcomeId::ResetMfa => "reset_mfa",
        }
    }
}
