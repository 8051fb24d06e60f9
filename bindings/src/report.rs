//! The diagnosis typed for a UI: what [`crate::agent::PushDoctorAgent`]'s
//! `run_diagnostics` and `answer` return. Every field is the core's
//! [`Diagnosis`] field of the same name, copied, never recomputed: the
//! bindings decide nothing (`docs/diagnosis.md` says what each means).
//!
//! Ids (scenario, outcome, check, action, row, status, source) are the
//! enums of [`crate::ids`]; the JSON keeps the core's id strings.

use pushdoctor_core::engine::diagnosis::Reason;
use pushdoctor_core::engine::evidence::{Candidate, EvidenceItem as CoreEvidenceItem};
use pushdoctor_core::{Diagnosis, OutcomeSummary, Step};

use crate::ids::{
    Answer, CheckId, CheckStatus, Escalation, EvidenceSource, OutcomeId, Platform, RowId,
    ScenarioId, StepAnswer,
};
use crate::items::{action_item, ActionItem};
use crate::network::FindingItem;
use crate::platform::ProbeIssue;

/// One answer a question takes, with the seed's words for it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChoiceItem {
    /// The answer to send back (`PushDoctorAgent.answer`).
    pub value: Answer,
    /// The seed's words for it, for a button.
    pub label: String,
}

/// How the walk ended.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutcomeItem {
    /// Which outcome.
    pub id: OutcomeId,
    /// The seed's words for the conclusion.
    pub summary: String,
    /// Nothing is left to do.
    pub resolved: bool,
}

/// One row the walk took.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StepItem {
    /// The row.
    pub row: RowId,
    /// The table the row belongs to.
    pub scenario: ScenarioId,
    /// The seed's question.
    pub question: String,
    /// How the row was answered.
    pub answer: StepAnswer,
    /// Where the answer came from (`Person` for a person's answer).
    pub answered_by: EvidenceSource,
    /// The seed's "what to do" that this answer triggers, if any.
    #[uniffi(default = None)]
    pub guidance: Option<String>,
}

/// A question for the person, with its choices (yes and no, or the MFA
/// Report's statuses).
#[derive(Debug, Clone, uniffi::Record)]
pub struct QuestionItem {
    /// The row the answer is given for (`push_not_received.connectivity`
    /// in JSON, …).
    pub row: RowId,
    /// The table the row belongs to.
    pub scenario: ScenarioId,
    /// The seed's question, word for word.
    pub text: String,
    /// What to do before answering, where the flow says so.
    #[uniffi(default = None)]
    pub before_answering: Option<String>,
    /// The answers the row takes, each with its label.
    pub choices: Vec<ChoiceItem>,
}

/// One fact behind a candidate scenario.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvidenceItem {
    /// The check whose finding this is (`push.received`, …;
    /// `admin.mfa_report` for the admin's MFA Report).
    pub check: CheckId,
    /// The finding's status.
    pub status: CheckStatus,
    /// Where the fact came from.
    pub source: EvidenceSource,
    /// The finding's own sentence.
    pub detail: String,
}

/// A scenario the evidence fits, with the evidence for and against it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CandidateItem {
    /// The scenario.
    pub scenario: ScenarioId,
    /// The weight of the evidence for it less the weight against it (the
    /// device's facts and a person's answers weigh 2, the MFA Report 1).
    pub score: i32,
    /// The facts that point at this scenario (the JSON's `for`).
    pub evidence_for: Vec<EvidenceItem>,
    /// The facts that speak against it.
    pub against: Vec<EvidenceItem>,
}

/// A failing check that explains the problem; its fix is among the
/// report's `actions`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReasonItem {
    /// The failing check (`notifications.mfa_channel`, …).
    pub check: CheckId,
    /// The finding's own sentence.
    pub detail: String,
    /// The action that fixes it (an `actions` item's `id`).
    pub fix: crate::ids::ActionId,
    /// The seed's troubleshooting flow asks about this setting; `false`
    /// for a reason of the phone's own (a blocked MFA channel, battery
    /// optimisation, …) or a network probe's.
    pub from_seed: bool,
}

/// The diagnosis, typed for a UI, and whole as JSON (`docs/diagnosis.md`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct DiagnosisReport {
    /// The problem the evidence shows; `null` while nothing points at one.
    #[uniffi(default = None)]
    pub scenario: Option<ScenarioId>,
    /// Where the flow leads: the scenario of the outcome,
    /// or of the next question. It differs from `scenario` when the flow
    /// sends the problem on (no push with every setting healthy leads to
    /// `admin_verify_status`).
    #[uniffi(default = None)]
    pub destination: Option<ScenarioId>,
    /// The outcome, once the walk reached a conclusion.
    #[uniffi(default = None)]
    pub outcome: Option<OutcomeItem>,
    /// The highest escalation among the actions.
    pub escalation: Escalation,
    /// What to do, in order.
    pub actions: Vec<ActionItem>,
    /// What to ask the person next; `null` when the evidence (and the
    /// answers) decide.
    #[uniffi(default = None)]
    pub next_question: Option<QuestionItem>,
    /// Every scenario the evidence fits, best first.
    pub candidates: Vec<CandidateItem>,
    /// The failing checks that explain the problem, the seed's settings
    /// first; each one's fix is among `actions`.
    pub reasons: Vec<ReasonItem>,
    /// Platform facts that could not be had, and why.
    pub probe_issues: Vec<ProbeIssue>,
    /// Every check, in the diagnosis's order.
    pub findings: Vec<FindingItem>,
    /// The rows of the seed's tables the walk took, in order.
    pub path: Vec<StepItem>,
    /// Things noticed in the input that did not stop the diagnosis
    /// (`docs/diagnosis.md`, `warnings`).
    pub warnings: Vec<String>,
    /// What the push and Accept history shows, when anything was recorded.
    #[uniffi(default = None)]
    pub history: Option<crate::history::HistoryReportItem>,
    /// The phone's operating system, from the snapshot.
    pub platform: Platform,
    /// The whole diagnosis (format 2, `docs/diagnosis.md`).
    pub json: String,
}

impl From<&OutcomeSummary> for OutcomeItem {
    fn from(o: &OutcomeSummary) -> Self {
        OutcomeItem {
            id: o.id.into(),
            summary: o.summary.clone(),
            resolved: o.resolved,
        }
    }
}

impl From<&Step> for StepItem {
    fn from(s: &Step) -> Self {
        StepItem {
            row: s.row.into(),
            scenario: s.scenario.into(),
            question: s.question.clone(),
            answer: s.answer.into(),
            answered_by: s.answered_by.into(),
            guidance: s.guidance.clone(),
        }
    }
}

impl From<&CoreEvidenceItem> for EvidenceItem {
    fn from(e: &CoreEvidenceItem) -> Self {
        EvidenceItem {
            check: e.check.into(),
            status: e.status.into(),
            source: e.source.into(),
            detail: e.detail.clone(),
        }
    }
}

impl From<&Candidate> for CandidateItem {
    fn from(c: &Candidate) -> Self {
        CandidateItem {
            scenario: c.scenario.into(),
            score: c.score,
            evidence_for: c.evidence_for.iter().map(EvidenceItem::from).collect(),
            against: c.against.iter().map(EvidenceItem::from).collect(),
        }
    }
}

impl From<&Reason> for ReasonItem {
    fn from(r: &Reason) -> Self {
        ReasonItem {
            check: r.check.into(),
            detail: r.detail.clone(),
            fix: r.fix.into(),
            from_seed: r.from_seed,
        }
    }
}

impl DiagnosisReport {
    /// The core's diagnosis, with the platform facts that could not be had.
    pub(crate) fn new(diagnosis: &Diagnosis, probe_issues: Vec<ProbeIssue>) -> Self {
        DiagnosisReport {
            scenario: diagnosis.scenario.map(Into::into),
            destination: diagnosis.destination.map(Into::into),
            outcome: diagnosis.outcome.as_ref().map(OutcomeItem::from),
            escalation: diagnosis.escalation.into(),
            actions: diagnosis.actions.iter().map(action_item).collect(),
            next_question: diagnosis.next_question.as_ref().map(|q| QuestionItem {
                row: q.row.into(),
                scenario: q.scenario.into(),
                text: q.text.clone(),
                before_answering: q.before_answering.clone(),
                choices: q
                    .choices
                    .iter()
                    .map(|c| ChoiceItem {
                        value: c.value.into(),
                        label: c.label.clone(),
                    })
                    .collect(),
            }),
            candidates: diagnosis
                .candidates
                .iter()
                .map(CandidateItem::from)
                .collect(),
            reasons: diagnosis.reasons.iter().map(ReasonItem::from).collect(),
            probe_issues,
            findings: diagnosis.findings.iter().map(FindingItem::from).collect(),
            path: diagnosis.path.iter().map(StepItem::from).collect(),
            warnings: diagnosis.warnings.clone(),
            history: diagnosis.history.as_ref().map(Into::into),
            platform: diagnosis.platform.into(),
            json: serde_json::to_string(diagnosis).expect("a diagnosis always serializes"),
        }
    }
}
