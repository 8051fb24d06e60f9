//! The admin side: what the MFA Report says about a login request.
//!
//! The seed's "Admin — Verify Request Status in MFA Report" table, one
//! status per row, explained to an admin (`pushdoctor mfa-status`). How a
//! status is held against the device's own facts is the business of
//! [`crate::engine::checks`], [`crate::engine::evidence`] and
//! [`crate::engine::flow`].

use serde::Serialize;

use crate::model::{ActionId, MfaReportStatus, Platform, ScenarioId};

/// Everything `pushdoctor mfa-status` says about a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The status explained.
    pub status: MfaReportStatus,
    /// The seed's row.
    pub report_row: &'static str,
    /// The seed's meaning.
    pub meaning: &'static str,
    /// Approved, or waiting for the person: nothing wrong on the service's side.
    pub healthy: bool,
    /// What to do about it, in order.
    pub actions: Vec<ExplainedAction>,
    /// The scenario to walk on the user's device next, if any.
    pub next_scenario: Option<ScenarioId>,
}

/// An action, as an admin reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainedAction {
    /// The action.
    pub id: ActionId,
    /// Its short title.
    pub title: &'static str,
    /// What to do, in the seed's words where the seed has them.
    pub guidance: &'static str,
}

impl Explanation {
    /// Everything there is to say about `status`.
    pub fn of(status: MfaReportStatus) -> Self {
        Explanation {
            status,
            report_row: status.report_row(),
            meaning: status.meaning(),
            healthy: status.is_healthy(),
            actions: status
                .actions()
                .iter()
                .map(|&id| ExplainedAction {
                    id,
                    // The admin's actions read the same on both platforms
                    // (a test below holds them to it).
                    title: id.title(Platform::Ios),
                    guidance: id.guidance(Platform::Ios),
                })
                .collect(),
            next_scenario: status.next_scenario(),
        }
    }
}

/// The explanation as text for a person.
pub fn explain_text(status: MfaReportStatus) -> String {
    let e = Explanation::of(status);
    let mut out = format!("{}\n  {}\n", e.report_row, e.meaning);
    if !e.actions.is_empty() {
        out.push_str("\nWhat to do\n");
        for (i, action) in e.actions.iter().enumerate() {
            out.push_str(&format!(
                "  {}. {} [{}]: {}\n",
                i + 1,
                action.title,
                action.id,
                action.guidance
            ));
        }
    }
    if let Some(scenario) = e.next_scenario {
        out.push_str(&format!(
            "\nNext on the user's device: {} ({})\n  {}\n  Run `pushdoctor walk` with the user, or `pushdoctor diagnose` on their snapshot.\n",
            scenario.title(),
            scenario.as_str(),
            scenario.description()
        ));
    }
    if e.actions.is_empty() && e.next_scenario.is_none() {
        out.push_str("\nNothing to do.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively_and_names_bad_input() {
        assert_eq!("delivered".parse(), Ok(MfaReportStatus::Delivered));
        assert_eq!(" SUCCESS ".parse(), Ok(MfaReportStatus::Success));
        let err = "Sent".parse::<MfaReportStatus>().unwrap_err();
        assert!(err.to_string().contains("`Sent`"));
    }

    #[test]
    fn json_spelling_matches_the_report() {
        for status in MfaReportStatus::ALL {
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.as_str())
            );
        }
    }

    #[test]
    fn admin_actions_read_the_same_on_both_platforms() {
        for status in MfaReportStatus::ALL {
            for &action in status.actions() {
                assert_eq!(
                    action.render(Platform::Ios),
                    action.render(Platform::Android)
                );
            }
        }
    }

    #[test]
    fn explanations_follow_the_seed() {
        let text = explain_text(MfaReportStatus::Delivered);
        assert!(text.starts_with("MFA Report shows status: Delivered\n  Notification was sent but not yet received on the device\n"));
        assert!(text.contains("push_not_received"));
        assert!(explain_text(MfaReportStatus::Success).contains("Nothing to do."));
        assert_eq!(
            Explanation::of(MfaReportStatus::Denied).actions[0].id,
            ActionId::ResendPush
        );
    }
}
