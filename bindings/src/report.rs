//! The diagnosis typed for a UI: what [`crate::agent::PushDoctorAgent`]'s
//! `run_diagnostics` and `answer` return. Every field is the core's
//! [`Diagnosis`] field of the same name, copied, never recomputed: the
//! bindings decide nothing (`docs/diagnosis.md` says what each means).
//!
//! Ids (scenario, outcome, check, action, row, status, source) stay the
//! core's stable id strings for now: issue 11 turns every id string of the
//! bindings into a uniffi enum at once, so that no record mixes the two.

use pushdoctor_core::engine::diagnosis::Reason;
use pushdoctor_core::engine::evidence::{Candidate, EvidenceItem as CoreEvidenceItem};
use pushdoctor_core::Diagnosis;

use crate::items::{action_item, ActionItem};
use crate::network::FindingItem;
use crate::platform::ProbeIssue;

/// A question for the person, with its choices (`yes`, `no`, or a status).
#[derive(Debug, Clone, uniffi::Record)]
pub struct QuestionItem {
    /// The row's stable id, which the answer is given for
    /// (`push_not_received.connectivity`, …).
    pub row: String,
    /// The seed's question, word for word.
    pub text: String,
    /// What to do before answering, where the flow says so.
    #[uniffi(default = None)]
    pub before_answering: Option<String>,
    /// The answers the row takes, as the values to send back.
    pub choices: Vec<String>,
}

/// One fact behind a candidate scenario.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvidenceItem {
    /// The check whose finding this is (`push.received`, …;
    /// `admin.mfa_report` for the admin's MFA Report).
    pub check: String,
    /// The finding's status: `pass`, `fail`, `unknown`, `not_applicable`.
    pub status: String,
    /// Where the fact came from: `snapshot`, `mfa_report`, `derived`,
    /// `probe`, `person` or `none`.
    pub source: String,
    /// The finding's own sentence.
    pub detail: String,
}

/// A scenario the evidence fits, with the evidence for and against it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CandidateItem {
    /// The scenario id (`push_not_received`, …).
    pub scenario: String,
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
    /// The failing check's id (`notifications.mfa_channel`, …).
    pub check: String,
    /// The finding's own sentence.
    pub detail: String,
    /// The id of the action that fixes it (an `actions` item's `id`).
    pub fix: String,
    /// The seed's troubleshooting flow asks about this setting; `false`
    /// for a reason of the phone's own (a blocked MFA channel, battery
    /// optimisation, …) or a network probe's.
    pub from_seed: bool,
}

/// The diagnosis, typed for a UI, and whole as JSON (`docs/diagnosis.md`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct DiagnosisReport {
    /// The problem the evidence shows (a scenario id); `null` while nothing
    /// points at one.
    #[uniffi(default = None)]
    pub scenario: Option<String>,
    /// Where the flow leads (a scenario id): the scenario of the outcome,
    /// or of the next question. It differs from `scenario` when the flow
    /// sends the problem on (no push with every setting healthy leads to
    /// `admin_verify_status`).
    #[uniffi(default = None)]
    pub destination: Option<String>,
    /// The outcome id, once the walk reached a conclusion.
    #[uniffi(default = None)]
    pub outcome: Option<String>,
    /// The highest escalation among the actions.
    pub escalation: String,
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
    /// The whole diagnosis (format 2, `docs/diagnosis.md`).
    pub json: String,
}

impl From<&CoreEvidenceItem> for EvidenceItem {
    fn from(e: &CoreEvidenceItem) -> Self {
        EvidenceItem {
            check: e.check.as_str().to_string(),
            status: e.status.as_str().to_string(),
            source: e.source.as_str().to_string(),
            detail: e.detail.clone(),
        }
    }
}

impl From<&Candidate> for CandidateItem {
    fn from(c: &Candidate) -> Self {
        CandidateItem {
            scenario: c.scenario.as_str().to_string(),
            score: c.score,
            evidence_for: c.evidence_for.iter().map(EvidenceItem::from).collect(),
            against: c.against.iter().map(EvidenceItem::from).collect(),
        }
    }
}

impl From<&Reason> for ReasonItem {
    fn from(r: &Reason) -> Self {
        ReasonItem {
            check: r.check.as_str().to_string(),
            detail: r.detail.clone(),
            fix: r.fix.as_str().to_string(),
            from_seed: r.from_seed,
        }
    }
}

impl DiagnosisReport {
    /// The core's diagnosis, with the platform facts that could not be had.
    pub(crate) fn new(diagnosis: &Diagnosis, probe_issues: Vec<ProbeIssue>) -> Self {
        DiagnosisReport {
            scenario: diagnosis.scenario.map(|s| s.as_str().to_string()),
            destination: diagnosis.destination.map(|s| s.as_str().to_string()),
            outcome: diagnosis
                .outcome
                .as_ref()
                .map(|o| o.id.as_str().to_string()),
            escalation: diagnosis.escalation.as_str().to_string(),
            actions: diagnosis.actions.iter().map(action_item).collect(),
            next_question: diagnosis.next_question.as_ref().map(|q| QuestionItem {
                row: q.row.as_str().to_string(),
                text: q.text.clone(),
                before_answering: q.before_answering.clone(),
                choices: q
                    .choices
                    .iter()
                    .map(|c| c.value.as_str().to_string())
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
            json: serde_json::to_string(diagnosis).expect("a diagnosis always serializes"),
        }
    }
}
