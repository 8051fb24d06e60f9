//! The admin side's vocabulary: the statuses of the MFA Report and what
//! the seed says each one means (its "Admin — Verify Request Status in MFA
//! Report" table, one status per row).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::action::ActionId;
use super::ids::ScenarioId;
use super::seed;

/// A request's status in the admin's MFA Report. Spelled as the report
/// spells it (`Success`, `Denied`, `Delivered`, `Received`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MfaReportStatus {
    /// The request was approved.
    Success,
    /// The user rejected the request.
    Denied,
    /// The notification was sent but has not reached the device yet.
    Delivered,
    /// The request reached the app and waits in its Pending tab.
    Received,
}

impl MfaReportStatus {
    /// In the seed's order.
    pub const ALL: [MfaReportStatus; 4] = [
        MfaReportStatus::Success,
        MfaReportStatus::Denied,
        MfaReportStatus::Delivered,
        MfaReportStatus::Received,
    ];

    /// The status as the report spells it, which is also its id in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MfaReportStatus::Success => "Success",
            MfaReportStatus::Denied => "Denied",
            MfaReportStatus::Delivered => "Delivered",
            MfaReportStatus::Received => "Received",
        }
    }

    /// The seed's row for this status, word for word.
    pub fn report_row(self) -> &'static str {
        match self {
            MfaReportStatus::Success => seed::ROW_REPORT_SUCCESS,
            MfaReportStatus::Denied => seed::ROW_REPORT_DENIED,
            MfaReportStatus::Delivered => seed::ROW_REPORT_DELIVERED,
            MfaReportStatus::Received => seed::ROW_REPORT_RECEIVED,
        }
    }

    /// What the status means and what to do, in the seed's words.
    pub fn meaning(self) -> &'static str {
        match self {
            MfaReportStatus::Success => seed::MEANS_SUCCESS,
            MfaReportStatus::Denied => seed::MEANS_DENIED,
            MfaReportStatus::Delivered => seed::MEANS_DELIVERED,
            MfaReportStatus::Received => seed::MEANS_RECEIVED,
        }
    }

    /// What to do about the status, when nothing else is known.
    pub fn actions(self) -> &'static [ActionId] {
        match self {
            MfaReportStatus::Success => &[],
            MfaReportStatus::Denied => &[ActionId::ResendPush],
            // What follows "sent but not received" is the device-side checks,
            // not an action: see `next_scenario`.
            MfaReportStatus::Delivered => &[],
            MfaReportStatus::Received => &[ActionId::OpenPendingTab, ActionId::ApproveRequest],
        }
    }

    /// The scenario to walk on the user's device next, if any.
    pub fn next_scenario(self) -> Option<ScenarioId> {
        match self {
            MfaReportStatus::Success | MfaReportStatus::Denied => None,
            MfaReportStatus::Delivered => Some(ScenarioId::PushNotReceived),
            MfaReportStatus::Received => Some(ScenarioId::PushNotVisible),
        }
    }

    /// The device acknowledged the push: the service saw it arrive, or the
    /// person answered it. `Delivered` means the opposite: sent, not yet
    /// acknowledged.
    pub fn device_acknowledged(self) -> bool {
        !matches!(self, MfaReportStatus::Delivered)
    }

    /// The person answered the request (Accept or Deny).
    pub fn person_answered(self) -> bool {
        matches!(self, MfaReportStatus::Success | MfaReportStatus::Denied)
    }

    /// Nothing is wrong from the service's side: approved, or waiting for the person.
    pub fn is_healthy(self) -> bool {
        matches!(self, MfaReportStatus::Success | MfaReportStatus::Received)
    }
}

impl fmt::Display for MfaReportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status a person typed was none of the four.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown MFA Report status `{0}`: expected one of Success, Denied, Delivered, Received")]
pub struct UnknownStatus(pub String);

impl FromStr for MfaReportStatus {
    type Err = UnknownStatus;

    /// Case-insensitive, since people type what they read off a screen.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim();
        MfaReportStatus::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownStatus(text.to_string()))
    }
}
