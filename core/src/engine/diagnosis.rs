//! Walking the flow over a snapshot's findings.
//!
//! [`diagnose`] evaluates every check, then walks the seed's tables from the
//! first row: each row is answered from the findings (or from a person's
//! answer where the findings cannot say), its "what to do" is collected, and
//! the walk follows the row's link. It stops at an outcome (a conclusion)
//! or at the first row nobody has answered (the next question). Every row
//! is taken at most once; a walk that would come back to a row it already
//! took has completed all previous steps with the issue still there, which
//! is the seed's last resort.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::engine::checks::{self, Finding};
use crate::engine::flow::{Next, RowKind, When, FIRST_ROW, LAST_RESORT};
use crate::engine::question::{Answers, Question};
use crate::model::action::{Action, ActionId, Escalation};
use crate::model::snapshot::{DeviceInfo, DeviceSnapshot};
use crate::model::{CheckId, CheckStatus, EvidenceSource, OutcomeId, Platform, RowId, ScenarioId};

/// The diagnosis format version (`docs/diagnosis.md`).
pub const DIAGNOSIS_FORMAT_VERSION: u32 = 1;

/// Tunables of the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// From how many retries on the seed's "multiple retries" applies.
    pub multiple_retries: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            multiple_retries: checks::DEFAULT_MULTIPLE_RETRIES,
        }
    }
}

/// How a row was answered, in a diagnosis's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAnswer {
    Yes,
    No,
    /// Every check of the row is not applicable (an iOS-only question on
    /// Android): the row is passed over.
    NotApplicable,
}

/// One row the walk took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub row: RowId,
    pub scenario: ScenarioId,
    /// The seed's question.
    pub question: String,
    pub answer: StepAnswer,
    /// Where the answer came from.
    pub answered_by: EvidenceSource,
    /// The seed's "what to do" that this answer triggers, if any.
    pub guidance: Option<String>,
}

/// How the walk ended, when it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeSummary {
    pub id: OutcomeId,
    /// The seed's words for the conclusion.
    pub summary: String,
    /// Nothing is left to do.
    pub resolved: bool,
}

/// What the engine concluded from a snapshot (and a person's answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub format_version: u32,
    pub platform: Platform,
    /// The device and app, copied from the snapshot so that a diagnosis
    /// read on its own (in a bundle, in a device-farm report) says whose it is.
    pub device: DeviceInfo,
    /// The scenario reached; `null` while not even the first question is answered.
    pub scenario: Option<ScenarioId>,
    /// Set when the walk reached a conclusion.
    pub outcome: Option<OutcomeSummary>,
    /// The highest escalation among the actions.
    pub escalation: Escalation,
    /// What to do, in order.
    pub actions: Vec<Action>,
    /// Set when the walk needs an answer nobody has given: the diagnosis is
    /// incomplete until it is answered.
    pub next_question: Option<Question>,
    /// Every check, in [`CheckId::ALL`] order.
    pub findings: Vec<Finding>,
    /// The rows taken, in order.
    pub path: Vec<Step>,
    /// Things noticed in the input that did not stop the diagnosis.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Diagnosis {
    /// The walk reached a conclusion: no question is left open.
    pub fn is_complete(&self) -> bool {
        self.next_question.is_none()
    }

    /// The person has something to do.
    pub fn needs_action(&self) -> bool {
        !self.actions.is_empty()
    }

    pub fn finding(&self, check: CheckId) -> &Finding {
        self.findings
            .iter()
            .find(|f| f.check == check)
            .expect("a diagnosis holds every check")
    }

    pub fn action_ids(&self) -> Vec<ActionId> {
        self.actions.iter().map(|a| a.id).collect()
    }
}

/// Diagnoses a snapshot. Pure and quick: no I/O, nothing shared.
pub fn diagnose(snapshot: &DeviceSnapshot, answers: &Answers, options: &Options) -> Diagnosis {
    // The admin's answer in a walk stands in for a report status the
    // snapshot lacks, so that it is held against the device's facts too.
    let snapshot = match (snapshot.mfa_report_status, answers.mfa_report_status) {
        (None, Some(status)) => {
            let mut filled = snapshot.clone();
            filled.mfa_report_status = Some(status);
            Cow::Owned(filled)
        }
        _ => Cow::Borrowed(snapshot),
    };
    let mut findings = checks::evaluate(&snapshot, options.multiple_retries);
    apply_person_answers(&mut findings, answers);
    checks::settle_dependencies(&mut findings);

    let mut walker = Walker {
        findings: &findings,
        answers,
        report: snapshot.mfa_report_status,
        visited: Vec::new(),
        path: Vec::new(),
        actions: Vec::new(),
        scenario: None,
    };
    let (outcome, next_question) = walker.run();
    let Walker {
        path,
        mut actions,
        scenario,
        ..
    } = walker;

    // A device setting that fails is a problem whichever way the walk went:
    // it will stop the next push too.
    for finding in findings.iter().filter(|f| f.status == CheckStatus::Fail) {
        if let Some(fix) = ActionId::fixing(finding.check) {
            push_unique(&mut actions, fix);
        }
    }

    // Fix what is broken on the phone or its network before retrying or
    // escalating: a retry through a captive portal or with a wrong clock
    // fails again. The sort is stable, so each group keeps the flow's order.
    actions.sort_by_key(|a| !(a.fixes().is_some() && a.escalation() == Escalation::None));

    // What the person evidently did already is no longer to do.
    actions.retain(|action| {
        action.done_once_known().is_none_or(|check| {
            let status = findings.iter().find(|f| f.check == check).map(|f| f.status);
            !matches!(status, Some(CheckStatus::Pass | CheckStatus::Fail))
        })
    });
    let actions: Vec<Action> = actions
        .into_iter()
        .map(|a| a.render(snapshot.platform))
        .collect();
    let escalation = actions
        .iter()
        .map(|a| a.escalation)
        .max()
        .unwrap_or(Escalation::None);
    Diagnosis {
        format_version: DIAGNOSIS_FORMAT_VERSION,
        platform: snapshot.platform,
        device: snapshot.device.clone(),
        scenario: outcome
            .as_ref()
            .map(|o| o.id.outcome().scenario)
            .or(scenario),
        outcome,
        escalation,
        actions,
        next_question,
        findings,
        path,
        warnings: Vec::new(),
    }
}

/// A person's yes or no to a question that covers exactly one check settles
/// that check, where the device did not.
fn apply_person_answers(findings: &mut [Finding], answers: &Answers) {
    for (&row, &said_yes) in &answers.rows {
        let def = row.row();
        let RowKind::YesNo {
            checks: [check],
            yes_means,
            ..
        } = def.kind
        else {
            continue;
        };
        let finding = findings
            .iter_mut()
            .find(|f| f.check == *check)
            .expect("findings hold every check");
        if finding.status == CheckStatus::Unknown {
            let status = if said_yes {
                yes_means
            } else {
                opposite(yes_means)
            };
            *finding = Finding::from_person(*check, status, def.question, said_yes);
        }
    }
}

fn opposite(status: CheckStatus) -> CheckStatus {
    match status {
        CheckStatus::Pass => CheckStatus::Fail,
        CheckStatus::Fail => CheckStatus::Pass,
        other => other,
    }
}

fn push_unique(actions: &mut Vec<ActionId>, action: ActionId) {
    if !actions.contains(&action) {
        actions.push(action);
    }
}

/// A row's answer, before it is recorded.
struct Resolved {
    answer: StepAnswer,
    source: EvidenceSource,
    /// The checks that failed, when findings decided the row.
    failing: Vec<CheckId>,
}

struct Walker<'a> {
    findings: &'a [Finding],
    answers: &'a Answers,
    report: Option<crate::model::MfaReportStatus>,
    visited: Vec<RowId>,
    path: Vec<Step>,
    actions: Vec<ActionId>,
    scenario: Option<ScenarioId>,
}

impl Walker<'_> {
    fn run(&mut self) -> (Option<OutcomeSummary>, Option<Question>) {
        let mut at = Next::Row(FIRST_ROW);
        loop {
            let row = match at {
                Next::Outcome(id) => {
                    let outcome = id.outcome();
                    for &action in outcome.actions {
                        push_unique(&mut self.actions, action);
                    }
                    let summary = OutcomeSummary {
                        id,
                        summary: outcome.summary.to_string(),
                        resolved: outcome.resolved,
                    };
                    return (Some(summary), None);
                }
                Next::IfReport(status, then, otherwise) => {
                    at = Next::Row(if self.report == Some(status) {
                        then
                    } else {
                        otherwise
                    });
                    continue;
                }
                Next::Row(row) if self.visited.contains(&row) => {
                    // Back where the walk has been: every step before has been
                    // completed and the issue persists.
                    debug_assert!(!self.visited.contains(&LAST_RESORT));
                    at = Next::Row(LAST_RESORT);
                    continue;
                }
                Next::Row(row) => row,
            };
            self.visited.push(row);
            let def = row.row();
            if row != FIRST_ROW {
                self.scenario = Some(def.scenario);
            }
            let on_reaching = self.apply_guidance(row, When::Reached, None);

            at = match def.kind {
                RowKind::ReportChoice => match self.report {
                    Some(status) => Next::Row(RowId::for_report_status(status)),
                    None => return (None, Some(self.ask(row))),
                },
                RowKind::ReportStatus { next, .. } => {
                    self.record(row, StepAnswer::Yes, EvidenceSource::MfaReport, on_reaching);
                    next
                }
                RowKind::YesNo {
                    on_yes,
                    on_no,
                    yes_means,
                    ..
                } => {
                    let Some(resolved) = self.resolve(row) else {
                        return (None, Some(self.ask(row)));
                    };
                    let when = match resolved.answer {
                        StepAnswer::Yes => Some(When::Yes),
                        StepAnswer::No => Some(When::No),
                        StepAnswer::NotApplicable => None,
                    };
                    let guidance = when
                        .and_then(|w| self.apply_guidance(row, w, Some(&resolved.failing)))
                        .or(on_reaching);
                    self.record(row, resolved.answer, resolved.source, guidance);
                    match resolved.answer {
                        StepAnswer::Yes => on_yes,
                        StepAnswer::No => on_no,
                        // Passed over along the healthy branch.
                        StepAnswer::NotApplicable if yes_means == CheckStatus::Pass => on_yes,
                        StepAnswer::NotApplicable => on_no,
                    }
                }
            };
        }
    }

    /// Answers a yes/no row from the findings, or from a person; `None`
    /// when nobody can.
    fn resolve(&self, row: RowId) -> Option<Resolved> {
        let RowKind::YesNo {
            checks,
            failing_also,
            yes_means,
            yes_unless_fixed,
            ..
        } = row.row().kind
        else {
            unreachable!("only yes/no rows are resolved");
        };
        let finding = |c: &CheckId| {
            self.findings
                .iter()
                .find(|f| f.check == *c)
                .expect("every check has a finding")
        };
        let findings: Vec<&Finding> = checks.iter().map(finding).collect();
        let failing: Vec<&Finding> = checks
            .iter()
            .chain(failing_also)
            .map(finding)
            .filter(|f| f.status == CheckStatus::Fail)
            .collect();
        let combined = if !failing.is_empty() {
            CheckStatus::Fail
        } else if findings
            .iter()
            .all(|f| f.status == CheckStatus::NotApplicable)
        {
            CheckStatus::NotApplicable
        } else if findings
            .iter()
            .all(|f| matches!(f.status, CheckStatus::Pass | CheckStatus::NotApplicable))
        {
            CheckStatus::Pass
        } else {
            CheckStatus::Unknown
        };
        let decided = |status: CheckStatus| {
            if status == yes_means {
                StepAnswer::Yes
            } else {
                StepAnswer::No
            }
        };
        match combined {
            CheckStatus::NotApplicable => Some(Resolved {
                answer: StepAnswer::NotApplicable,
                source: findings[0].evidence.source,
                failing: Vec::new(),
            }),
            CheckStatus::Pass | CheckStatus::Fail => {
                let deciding = failing.first().copied().unwrap_or(findings[0]);
                Some(Resolved {
                    answer: decided(combined),
                    source: deciding.evidence.source,
                    failing: failing.iter().map(|f| f.check).collect(),
                })
            }
            CheckStatus::Unknown => {
                if let Some(&said_yes) = self.answers.rows.get(&row) {
                    return Some(Resolved {
                        answer: if said_yes {
                            StepAnswer::Yes
                        } else {
                            StepAnswer::No
                        },
                        source: EvidenceSource::Person,
                        failing: Vec::new(),
                    });
                }
                let fixed_something = self.actions.iter().any(|a| a.fixes().is_some());
                (yes_unless_fixed && !fixed_something).then(|| Resolved {
                    answer: StepAnswer::Yes,
                    source: EvidenceSource::Derived,
                    failing: Vec::new(),
                })
            }
        }
    }

    /// Collects the row's guidance for `when`; returns its text. Actions
    /// that fix a device setting are collected only for the settings that
    /// failed, unless a person answered (then the row cannot tell which);
    /// those that fix what a network probe measured, only for probes that
    /// failed.
    fn apply_guidance(
        &mut self,
        row: RowId,
        when: When,
        failing: Option<&[CheckId]>,
    ) -> Option<String> {
        let guidance = row.row().guidance.iter().find(|g| g.when == when)?;
        for &action in guidance.actions {
            let fixes_failing =
                |failing: &[CheckId]| failing.iter().any(|&check| action.is_fix_for(check));
            let wanted = match (action.fixes(), failing) {
                // A network probe's fix only where that probe failed: a
                // person's "no" to "is your internet active?" says nothing
                // of captive portals or VPNs.
                (Some(fixed), _) if fixed.is_network_probe() => failing.is_some_and(fixes_failing),
                (Some(_), Some(failing)) if !failing.is_empty() => fixes_failing(failing),
                _ => true,
            };
            if wanted {
                push_unique(&mut self.actions, action);
            }
        }
        Some(guidance.text.to_string())
    }

    fn record(
        &mut self,
        row: RowId,
        answer: StepAnswer,
        answered_by: EvidenceSource,
        guidance: Option<String>,
    ) {
        let def = row.row();
        self.path.push(Step {
            row,
            scenario: def.scenario,
            question: def.question.to_string(),
            answer,
            answered_by,
            guidance,
        });
    }

    fn ask(&mut self, row: RowId) -> Question {
        let before = self.apply_guidance(row, When::Asked, None);
        Question::for_row(row, before.as_deref())
    }
}
