//! From a snapshot's findings to a diagnosis: evidence first, then the walk.
//!
//! [`diagnose`] evaluates every check, then ranks the scenarios the
//! evidence fits ([`crate::engine::evidence`]): the best one, when the
//! evidence for it outweighs the evidence against it, is the diagnosis's
//! `scenario`, the problem. Then it walks the seed's tables from the first
//! row: each row is answered from the findings (or from a person's answer
//! where the findings cannot say), its "what to do" is collected, and the
//! walk follows the row's link. Where no one has answered a row, the walk
//!
//! 1. goes to the selected scenario's first row, if it has not been there
//!    yet (the evidence already says where the problem is);
//! 2. otherwise looks ahead: when either answer leads to the same result,
//!    the row is passed over (`not_needed`) and the question not asked;
//! 3. otherwise stops there: that is the next question (or, when two
//!    scenarios tie, the question that separates them best).
//!
//! It ends at an outcome, whose scenario is the diagnosis's
//! `destination`. Every row is taken at most once; a walk that would come
//! back to a row it already took has completed all previous steps with the
//! issue still there, which is the seed's last resort. A person walking the
//! flow gives the same answers the same way: the same walker serves both.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::engine::checks::{self, Finding};
use crate::engine::evidence::{self, Candidate};
use crate::engine::flow::{Next, RowKind, When, FIRST_ROW, LAST_RESORT};
use crate::engine::history::HistoryReport;
use crate::engine::question::{Answers, Question};
use crate::model::action::{Action, ActionId, Escalation};
use crate::model::snapshot::{DeviceInfo, DeviceSnapshot};
use crate::model::{
    CheckId, CheckStatus, EvidenceSource, MfaReportStatus, OutcomeId, Platform, RowId, ScenarioId,
};

/// The diagnosis format version this build writes (`docs/diagnosis.md`).
pub const DIAGNOSIS_FORMAT_VERSION: u32 = 2;

/// The oldest diagnosis format version this build reads (bundles made by
/// earlier versions store version 1).
pub const OLDEST_DIAGNOSIS_FORMAT_VERSION: u32 = 1;

/// How deep the walk looks ahead past rows nobody answered before it asks:
/// each level tries both answers, so the cost doubles with each.
const LOOK_AHEAD_DEPTH: u32 = 3;

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
    /// The row's answer is yes.
    Yes,
    /// The row's answer is no.
    No,
    /// Every check of the row is not applicable (an iOS-only question on
    /// Android): the row is passed over.
    NotApplicable,
    /// Nobody answered the row, and either answer leads to the same
    /// result: it was not asked.
    NotNeeded,
}

/// One row the walk took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The row.
    pub row: RowId,
    /// The table the row belongs to.
    pub scenario: ScenarioId,
    /// The seed's question.
    pub question: String,
    /// How the row was answered.
    pub answer: StepAnswer,
    /// Where the answer came from.
    pub answered_by: EvidenceSource,
    /// The seed's "what to do" that this answer triggers, if any.
    pub guidance: Option<String>,
}

/// How the walk ended, when it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeSummary {
    /// The outcome's stable id.
    pub id: OutcomeId,
    /// The seed's words for the conclusion.
    pub summary: String,
    /// Nothing is left to do.
    pub resolved: bool,
}

/// A failing check that explains the problem, with the fix for it among the
/// diagnosis's actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The failing check.
    pub check: CheckId,
    /// The finding's own sentence.
    pub detail: String,
    /// The action that fixes it.
    pub fix: ActionId,
    /// The seed asks about this setting (`false`: a reason of the phone's
    /// own that the seed does not know, or a network probe's).
    pub from_seed: bool,
}

/// What the engine concluded from a snapshot (and a person's answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// [`DIAGNOSIS_FORMAT_VERSION`] for diagnoses this build writes.
    pub format_version: u32,
    /// The phone's operating system, from the snapshot.
    pub platform: Platform,
    /// The device and app, copied from the snapshot so that a diagnosis
    /// read on its own (in a bundle, in a device-farm report) says whose it is.
    pub device: DeviceInfo,
    /// The problem the evidence shows: the scenario whose symptoms the
    /// snapshot (and a person's answers) hold. `null` while nothing points
    /// at one.
    pub scenario: Option<ScenarioId>,
    /// Where the flow leads: the scenario of the outcome, or of the next
    /// question. It differs from `scenario` when the flow sends the
    /// problem on (no push and every setting healthy goes to the admin's
    /// MFA Report).
    #[serde(default)]
    pub destination: Option<ScenarioId>,
    /// Set when the walk reached a conclusion.
    pub outcome: Option<OutcomeSummary>,
    /// The highest escalation among the actions.
    pub escalation: Escalation,
    /// What to do, in order.
    pub actions: Vec<Action>,
    /// Set when the walk needs an answer nobody has given: the diagnosis is
    /// incomplete until it is answered.
    pub next_question: Option<Question>,
    /// The failing checks that explain the problem, the seed's settings
    /// first; each one's fix is among `actions`.
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Every scenario the evidence fits, best first, with the evidence for
    /// and against each.
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    /// Every check, in [`CheckId::ALL`] order.
    pub findings: Vec<Finding>,
    /// The rows taken, in order.
    pub path: Vec<Step>,
    /// Things noticed in the input that did not stop the diagnosis: unknown
    /// keys, and answers or reports that contradict the device's evidence.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// What the push and Accept history shows, when the snapshot carried
    /// one (added in 0.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryReport>,
}

/// Why a stored diagnosis could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiagnosisReadError {
    /// Not the JSON of a diagnosis.
    #[error("not a diagnosis: {0}")]
    Malformed(String),
    /// A format this build does not read.
    #[error("unsupported diagnosis `format_version` {found}: this pushdoctor reads versions {OLDEST_DIAGNOSIS_FORMAT_VERSION} to {DIAGNOSIS_FORMAT_VERSION}")]
    UnsupportedVersion {
        /// The version the document gives.
        found: String,
    },
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

    /// The finding of one check.
    pub fn finding(&self, check: CheckId) -> &Finding {
        self.findings
            .iter()
            .find(|f| f.check == check)
            .expect("a diagnosis holds every check")
    }

    /// The actions' ids, in order.
    pub fn action_ids(&self) -> Vec<ActionId> {
        self.actions.iter().map(|a| a.id).collect()
    }

    /// Reads a stored diagnosis of any version this build knows. Version 1
    /// had one `scenario` for both the problem and where the flow led; it
    /// is read as both, with no candidates or reasons.
    pub fn from_json(bytes: &[u8]) -> Result<Diagnosis, DiagnosisReadError> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| DiagnosisReadError::Malformed(e.to_string()))?;
        let version = value.get("format_version").cloned();
        let version_number = version.as_ref().and_then(serde_json::Value::as_u64);
        match version_number {
            Some(v)
                if (u64::from(OLDEST_DIAGNOSIS_FORMAT_VERSION)
                    ..=u64::from(DIAGNOSIS_FORMAT_VERSION))
                    .contains(&v) => {}
            _ => {
                return Err(DiagnosisReadError::UnsupportedVersion {
                    found: version.map_or_else(|| "(missing)".into(), |v| v.to_string()),
                })
            }
        }
        let mut diagnosis: Diagnosis = serde_json::from_value(value)
            .map_err(|e| DiagnosisReadError::Malformed(e.to_string()))?;
        if version_number == Some(1) {
            diagnosis.destination = diagnosis.scenario;
        }
        Ok(diagnosis)
    }
}

/// Diagnoses a snapshot. Pure and quick: no I/O, nothing shared.
pub fn diagnose(snapshot: &DeviceSnapshot, answers: &Answers, options: &Options) -> Diagnosis {
    let mut warnings = Vec::new();
    // The admin's answer in a walk stands in for a report status the
    // snapshot lacks, so that it is held against the device's facts too.
    let report_from_person =
        snapshot.mfa_report_status.is_none() && answers.mfa_report_status.is_some();
    let snapshot = match (snapshot.mfa_report_status, answers.mfa_report_status) {
        (None, Some(status)) => {
            let mut filled = snapshot.clone();
            filled.mfa_report_status = Some(status);
            Cow::Owned(filled)
        }
        (Some(known), Some(said)) if known != said => {
            warnings.push(format!(
                "answered that the MFA Report shows {said}, but the snapshot's mfa_report_status is {known}; the snapshot's was kept"
            ));
            Cow::Borrowed(snapshot)
        }
        _ => Cow::Borrowed(snapshot),
    };
    // The findings keep `mfa_report` as their source (the report weighs
    // what a report weighs, whoever read it out); the row a person
    // answered says `person`.
    let mut findings = checks::evaluate(&snapshot, options.multiple_retries);
    warnings.extend(contradicted_answers(&findings, answers));
    apply_person_answers(&mut findings, answers);
    checks::settle_dependencies(&mut findings);
    warnings.extend(evidence::report_contradictions(
        &findings,
        snapshot.mfa_report_status,
    ));

    // Each failing check's fix, chosen once: a probe's by the kind of its
    // failure, the others' by the check.
    let fixes: Vec<(CheckId, ActionId)> = findings
        .iter()
        .filter(|f| f.status == CheckStatus::Fail)
        .filter_map(|f| checks::fix_for(f, &snapshot).map(|fix| (f.check, fix)))
        .collect();
    let candidates = evidence::candidates(&findings, snapshot.mfa_report_status);
    let selected = evidence::selected(&candidates).map(|c| c.scenario);
    let mut walker = Walker::new(
        &findings,
        &fixes,
        answers,
        snapshot.mfa_report_status,
        selected,
        LOOK_AHEAD_DEPTH,
    );
    if report_from_person {
        walker.report_source = EvidenceSource::Person;
    }
    let end = walker.run(Next::Row(FIRST_ROW));
    // Two scenarios tie: the question that tells them apart comes first.
    let next_question = end
        .question
        .map(|row| separating_question(&candidates, &findings, answers).unwrap_or(row))
        .map(|row| walker.ask(row));

    let Walker { path, actions, .. } = walker;
    let actions = finish_actions(actions, &findings, &fixes);
    let reasons = reasons(&findings, &fixes, &actions);
    let actions: Vec<Action> = actions
        .into_iter()
        .map(|a| a.render_on(snapshot.platform, snapshot.device.manufacturer.as_deref()))
        .collect();
    let escalation = actions
        .iter()
        .map(|a| a.escalation)
        .max()
        .unwrap_or(Escalation::None);
    let destination = match (&end.outcome, &next_question) {
        (Some(outcome), _) => Some(outcome.scenario),
        (None, Some(q)) if !(q.row == FIRST_ROW && path.is_empty()) => Some(q.scenario),
        _ => None,
    };
    let outcome = end.outcome.map(|o| OutcomeSummary {
        id: o.id,
        summary: o.summary.to_string(),
        resolved: o.resolved,
    });
    Diagnosis {
        format_version: DIAGNOSIS_FORMAT_VERSION,
        platform: snapshot.platform,
        device: snapshot.device.clone(),
        // With no symptom to go by, the problem is where a person's walk
        // has got to, as in the seed.
        scenario: selected.or(destination),
        destination,
        outcome,
        escalation,
        actions,
        next_question,
        reasons,
        candidates,
        findings,
        path,
        warnings,
        history: snapshot.history.as_ref().map(super::history::judge),
    }
}

/// Every failing check goes with its fix, whichever way the walk went: a
/// setting that stops this push stops the next one too. Then fixes come
/// before retries and escalations, and what the person evidently did
/// already is dropped.
fn finish_actions(
    mut actions: Vec<ActionId>,
    findings: &[Finding],
    fixes: &[(CheckId, ActionId)],
) -> Vec<ActionId> {
    for &(_, fix) in fixes {
        push_unique(&mut actions, fix);
    }
    // Fix what is broken on the phone or its network before retrying or
    // escalating: a retry through a captive portal or with a wrong clock
    // fails again. The sort is stable, so each group keeps the flow's order.
    actions.sort_by_key(|a| !(a.fixes().is_some() && a.escalation() == Escalation::None));
    actions.retain(|action| {
        action.done_once_known().is_none_or(|check| {
            let status = findings.iter().find(|f| f.check == check).map(|f| f.status);
            !matches!(status, Some(CheckStatus::Pass | CheckStatus::Fail))
        })
    });
    actions
}

/// The failing checks that have a fix among `actions`: the seed's own
/// settings first, then the phone's reasons beyond the seed, then the
/// network probes, each group in report order.
fn reasons(
    findings: &[Finding],
    fixes: &[(CheckId, ActionId)],
    actions: &[ActionId],
) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = findings
        .iter()
        .filter(|f| f.status == CheckStatus::Fail)
        .filter_map(|f| {
            let fix = fixes
                .iter()
                .find(|(check, _)| *check == f.check)
                .map(|&(_, fix)| fix)
                .filter(|fix| actions.contains(fix))?;
            Some(Reason {
                check: f.check,
                detail: f.evidence.detail.clone(),
                fix,
                from_seed: f.check.is_from_seed(),
            })
        })
        .collect();
    reasons.sort_by_key(|r| (!r.from_seed, r.check.is_network_probe()));
    reasons
}

/// When the two best candidates tie, the row whose answer separates them
/// best: the first nobody has answered, among those asking exactly one of
/// the checks their rules mention most.
fn separating_question(
    candidates: &[Candidate],
    findings: &[Finding],
    answers: &Answers,
) -> Option<RowId> {
    evidence::separating_checks(candidates)
        .into_iter()
        .filter(|&check| {
            findings
                .iter()
                .any(|f| f.check == check && f.status == CheckStatus::Unknown)
        })
        .find_map(|check| {
            RowId::ALL.into_iter().find(|&row| {
                !answers.rows.contains_key(&row)
                    && matches!(row.row().kind, RowKind::YesNo { checks: [c], .. } if *c == check)
            })
        })
}

/// A person's yes or no is evidence, and shows as such: it settles the
/// row's checks that the device did not. A healthy answer settles each of
/// them; an unhealthy one, to a question that covers several ("Is Focus,
/// Do Not Disturb, or Battery Saver mode currently ON?"), cannot say which,
/// so each unknown one fails and says so.
fn apply_person_answers(findings: &mut [Finding], answers: &Answers) {
    for (&row, &said_yes) in &answers.rows {
        let def = row.row();
        let RowKind::YesNo {
            checks, yes_means, ..
        } = def.kind
        else {
            continue;
        };
        let status = if said_yes {
            yes_means
        } else {
            opposite(yes_means)
        };
        let open: Vec<CheckId> = checks
            .iter()
            .copied()
            .filter(|&check| {
                findings
                    .iter()
                    .any(|f| f.check == check && f.status == CheckStatus::Unknown)
            })
            .collect();
        let several = open.len() > 1 && status == CheckStatus::Fail;
        for finding in findings.iter_mut().filter(|f| open.contains(&f.check)) {
            *finding = Finding::from_person(finding.check, status, def.question, said_yes);
            if several {
                finding
                    .evidence
                    .detail
                    .push_str(" (one of the settings it asks about, at least)");
            }
        }
    }
}

/// A person's answers that the device's own evidence contradicts: the
/// evidence stands, and each disagreement is said.
fn contradicted_answers(findings: &[Finding], answers: &Answers) -> Vec<String> {
    answers
        .rows
        .iter()
        .filter_map(|(&row, &said_yes)| {
            let decided = row_status(findings, row)?;
            let RowKind::YesNo { yes_means, .. } = row.row().kind else {
                return None;
            };
            let device_says_yes = decided.status == yes_means;
            (device_says_yes != said_yes).then(|| {
                format!(
                    "answered {} to \"{}\", but the device's evidence says {}: {} ({}); the evidence was kept",
                    if said_yes { "yes" } else { "no" },
                    row.row().question,
                    if device_says_yes { "yes" } else { "no" },
                    decided.detail,
                    decided.check,
                )
            })
        })
        .collect()
}

/// A row's answer as the findings decide it, before a person's answers.
struct Decided {
    status: CheckStatus,
    check: CheckId,
    detail: String,
}

/// The combined status of a yes/no row's checks when the findings decide
/// it (`fail` or `pass`, see [`combine`]); `None` otherwise.
fn row_status(findings: &[Finding], row: RowId) -> Option<Decided> {
    let combined = combine(findings, row)?;
    let deciding = match combined.status {
        CheckStatus::Fail => combined.failing[0],
        CheckStatus::Pass => *combined
            .own
            .iter()
            .find(|f| f.status == CheckStatus::Pass)
            .expect("a passing row has a passing check"),
        _ => return None,
    };
    Some(Decided {
        status: combined.status,
        check: deciding.check,
        detail: deciding.evidence.detail.clone(),
    })
}

/// A yes/no row's checks, combined.
struct Combined<'f> {
    /// `fail` if any check fails (the row's "also" checks included),
    /// `not_applicable` if none applies, `pass` if each passes or does not
    /// apply, `unknown` otherwise.
    status: CheckStatus,
    /// The failing findings, the row's own checks first.
    failing: Vec<&'f Finding>,
    /// The findings of the row's own checks.
    own: Vec<&'f Finding>,
}

/// Combines a yes/no row's findings; `None` for the other kinds of row.
fn combine(findings: &[Finding], row: RowId) -> Option<Combined<'_>> {
    let RowKind::YesNo {
        checks,
        failing_also,
        ..
    } = row.row().kind
    else {
        return None;
    };
    let finding = |c: &CheckId| {
        findings
            .iter()
            .find(|f| f.check == *c)
            .expect("every check has a finding")
    };
    let own: Vec<&Finding> = checks.iter().map(finding).collect();
    let failing: Vec<&Finding> = checks
        .iter()
        .chain(failing_also)
        .map(finding)
        .filter(|f| f.status == CheckStatus::Fail)
        .collect();
    let status = if !failing.is_empty() {
        CheckStatus::Fail
    } else if own.iter().all(|f| f.status == CheckStatus::NotApplicable) {
        CheckStatus::NotApplicable
    } else if own
        .iter()
        .all(|f| matches!(f.status, CheckStatus::Pass | CheckStatus::NotApplicable))
    {
        CheckStatus::Pass
    } else {
        CheckStatus::Unknown
    };
    Some(Combined {
        status,
        failing,
        own,
    })
}

/// A yes or no, as a path records it.
fn yes_no(said_yes: bool) -> StepAnswer {
    if said_yes {
        StepAnswer::Yes
    } else {
        StepAnswer::No
    }
}

/// One of the row's answers leads straight to a resolved outcome.
fn may_resolve(row: RowId) -> bool {
    let RowKind::YesNo { on_yes, on_no, .. } = row.row().kind else {
        return false;
    };
    [on_yes, on_no]
        .into_iter()
        .any(|next| matches!(next, Next::Outcome(id) if id.outcome().resolved))
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

/// Where a walk stopped.
struct End {
    outcome: Option<&'static crate::engine::flow::Outcome>,
    /// The row nobody answered, when the walk stopped to ask.
    question: Option<RowId>,
}

/// A walk's result, as far as the person is concerned: compared to decide
/// whether a question's answer would change anything.
#[derive(PartialEq, Eq)]
struct Ending {
    actions: BTreeSet<ActionId>,
    resolved: Option<bool>,
    question: Option<RowId>,
}

#[derive(Clone)]
struct Walker<'a> {
    findings: &'a [Finding],
    /// Each failing check's fix.
    fixes: &'a [(CheckId, ActionId)],
    answers: &'a Answers,
    report: Option<MfaReportStatus>,
    /// Who gave the report's status: the snapshot, or a person in a walk.
    report_source: EvidenceSource,
    /// The scenario the evidence selects.
    selected: Option<ScenarioId>,
    /// The same, until the walk has entered it.
    jump_to: Option<ScenarioId>,
    /// Answers the look-ahead tries on rows nobody answered.
    assumed: Vec<(RowId, bool)>,
    look_ahead: u32,
    visited: Vec<RowId>,
    path: Vec<Step>,
    actions: Vec<ActionId>,
}

impl<'a> Walker<'a> {
    fn new(
        findings: &'a [Finding],
        fixes: &'a [(CheckId, ActionId)],
        answers: &'a Answers,
        report: Option<MfaReportStatus>,
        selected: Option<ScenarioId>,
        look_ahead: u32,
    ) -> Self {
        Walker {
            findings,
            fixes,
            answers,
            report,
            report_source: EvidenceSource::MfaReport,
            selected,
            jump_to: selected,
            assumed: Vec::new(),
            look_ahead,
            visited: Vec::new(),
            path: Vec::new(),
            actions: Vec::new(),
        }
    }

    fn run(&mut self, mut at: Next) -> End {
        loop {
            let row = match at {
                Next::Outcome(id) => {
                    let outcome = id.outcome();
                    for &action in outcome.actions {
                        push_unique(&mut self.actions, action);
                    }
                    return End {
                        outcome: Some(outcome),
                        question: None,
                    };
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
                    if self.visited.contains(&LAST_RESORT) {
                        // The last resort links only to outcomes, so this
                        // is never reached; ending is the safe answer.
                        at = Next::Outcome(OutcomeId::ResetMfa);
                    } else {
                        at = Next::Row(LAST_RESORT);
                    }
                    continue;
                }
                Next::Row(row) => row,
            };
            let def = row.row();
            if self.jump_to == Some(def.scenario) {
                self.jump_to = None;
            }
            let answered = match def.kind {
                RowKind::ReportChoice => self.report.is_some(),
                RowKind::ReportStatus { .. } => true,
                RowKind::YesNo { .. } => self.resolve(row).is_some(),
            };
            if !answered {
                // Nobody answered this row: go where the evidence points,
                // or pass the row over if its answer changes nothing.
                // A question one answer to which ends it all, resolved, is
                // worth asking first.
                if !may_resolve(row) {
                    if let Some(scenario) = self.jump_to.take() {
                        let entry = evidence::entry_row(scenario);
                        if !self.visited.contains(&entry) {
                            at = Next::Row(entry);
                            continue;
                        }
                    }
                }
                // Reconfigured, and the problem still there: every step
                // before the last resort has been taken.
                if self.reconfigured_in_vain() && !self.visited.contains(&LAST_RESORT) {
                    at = Next::Row(LAST_RESORT);
                    continue;
                }
                match self.either_way(row) {
                    Some(assumed) => self.assumed.push((row, assumed)),
                    None => {
                        // What the seed says on reaching the row stands
                        // while it is asked.
                        self.apply_guidance(row, When::Reached, None);
                        return End {
                            outcome: None,
                            question: Some(row),
                        };
                    }
                }
            }
            self.visited.push(row);
            let on_reaching = self.apply_guidance(row, When::Reached, None);
            at = match def.kind {
                RowKind::ReportChoice => match self.report {
                    Some(status) => Next::Row(RowId::for_report_status(status)),
                    None => unreachable!("answered above"),
                },
                RowKind::ReportStatus { next, .. } => {
                    self.record(row, StepAnswer::Yes, self.report_source, on_reaching);
                    next
                }
                RowKind::YesNo {
                    on_yes,
                    on_no,
                    yes_means,
                    ..
                } => {
                    let resolved = self.resolve(row).expect("answered above");
                    let when = match resolved.answer {
                        StepAnswer::Yes => Some(When::Yes),
                        StepAnswer::No => Some(When::No),
                        StepAnswer::NotApplicable | StepAnswer::NotNeeded => None,
                    };
                    let guidance = when
                        .and_then(|w| self.apply_guidance(row, w, Some(&resolved.failing)))
                        .or(on_reaching);
                    if self.assumed.iter().any(|&(r, _)| r == row) {
                        self.record(row, StepAnswer::NotNeeded, resolved.source, None);
                    } else {
                        self.record(row, resolved.answer, resolved.source, guidance);
                    }
                    match resolved.answer {
                        StepAnswer::Yes => on_yes,
                        StepAnswer::No => on_no,
                        StepAnswer::NotNeeded => unreachable!("resolve answers yes or no"),
                        // Passed over along the healthy branch.
                        StepAnswer::NotApplicable if yes_means == CheckStatus::Pass => on_yes,
                        StepAnswer::NotApplicable => on_no,
                    }
                }
            };
        }
    }

    fn reconfigured_in_vain(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.check == CheckId::AccountReconfigureUntried && f.status == CheckStatus::Fail)
    }

    /// When either answer to `row` leads to the same conclusion (the same
    /// actions, equally resolved), the answer to assume (the one that ends in the scenario the evidence selected, or
    /// else "no"); `None` when the answer matters, or when the walk may
    /// look no further ahead.
    fn either_way(&self, row: RowId) -> Option<bool> {
        if self.look_ahead == 0 || !matches!(row.row().kind, RowKind::YesNo { .. }) {
            return None;
        }
        let mut ends = [true, false].map(|answer| {
            let mut branch = self.clone();
            branch.look_ahead -= 1;
            branch.assumed.push((row, answer));
            let end = branch.run(Next::Row(row));
            (answer, end.outcome.map(|o| o.scenario), branch.ending(&end))
        });
        // Both answers must reach the same conclusion. Where the evidence
        // selected a scenario, reaching the same next question with the
        // same actions is enough: the row's answer changes only its words.
        // A person walking without evidence is asked every row in order,
        // as the seed does.
        if ends[0].2 != ends[1].2 || (ends[0].2.resolved.is_none() && self.selected.is_none()) {
            return None;
        }
        // The branch that ends in the selected scenario first, then "no".
        ends.sort_by_key(|&(answer, scenario, _)| {
            (self.selected.is_none() || scenario != self.selected, answer)
        });
        Some(ends[0].0)
    }

    fn ending(&self, end: &End) -> Ending {
        Ending {
            actions: finish_actions(self.actions.clone(), self.findings, self.fixes)
                .into_iter()
                .collect(),
            resolved: end.outcome.map(|o| o.resolved),
            question: end.question,
        }
    }

    /// Answers a yes/no row from the findings, from a person, or from what
    /// the look-ahead assumes; `None` when nobody can.
    fn resolve(&self, row: RowId) -> Option<Resolved> {
        let RowKind::YesNo {
            yes_means,
            yes_unless_fixed,
            ..
        } = row.row().kind
        else {
            unreachable!("only yes/no rows are resolved");
        };
        let Combined {
            status,
            failing,
            own,
        } = combine(self.findings, row).expect("a yes/no row");
        match status {
            CheckStatus::NotApplicable => Some(Resolved {
                answer: StepAnswer::NotApplicable,
                source: own[0].evidence.source,
                failing: Vec::new(),
            }),
            CheckStatus::Pass | CheckStatus::Fail => {
                let deciding = failing.first().copied().unwrap_or(own[0]);
                Some(Resolved {
                    answer: yes_no(status == yes_means),
                    source: deciding.evidence.source,
                    failing: failing.iter().map(|f| f.check).collect(),
                })
            }
            _ => {
                if let Some(&said_yes) = self.answers.rows.get(&row) {
                    return Some(Resolved {
                        answer: yes_no(said_yes),
                        source: EvidenceSource::Person,
                        failing: Vec::new(),
                    });
                }
                // An answer the look-ahead assumes counts as a person's
                // would, guidance and all; the path says it was not asked.
                if let Some(&(_, said_yes)) = self.assumed.iter().find(|&&(r, _)| r == row) {
                    return Some(Resolved {
                        answer: yes_no(said_yes),
                        source: EvidenceSource::Derived,
                        failing: Vec::new(),
                    });
                }
                // Something on the phone was found broken: whether the push
                // arrives once it is fixed is for the person to say.
                let fixed_something = self.actions.iter().any(|a| a.fixes().is_some())
                    || self
                        .fixes
                        .iter()
                        .any(|(check, _)| check.is_device_setting());
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
            // The row offers only the fixes chosen for its failing checks
            // (a probe's by the kind of its failure: a refused service is
            // not a network to leave).
            let fixes_failing = |failing: &[CheckId]| {
                self.fixes
                    .iter()
                    .any(|&(check, fix)| fix == action && failing.contains(&check))
            };
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
