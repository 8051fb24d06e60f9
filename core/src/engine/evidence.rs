//! Differential diagnosis: which of the seed's scenarios the evidence
//! points at, ranked, each with the evidence for and against it.
//!
//! Each scenario is selected by its entry symptoms, as the seed's tables
//! describe them: no push (`push_not_received`); a push, but the request
//! not in the app, or looked for in the Pending tab (`push_not_visible`);
//! Accept tapped without an answer, or retried (`accept_not_responding`);
//! the MFA step done (`push_ok`); an MFA Report status
//! (`admin_verify_status`). The two last resorts have no symptom of their
//! own: the walk reaches them. [`RULES`] holds the symptoms as data: one line per
//! fact that speaks for or against a scenario. `docs/diagnosis.md`
//! explains the ranking.

use serde::{Deserialize, Serialize};

use crate::engine::checks::Finding;
use crate::model::{CheckId, CheckStatus, EvidenceSource, MfaReportStatus, RowId, ScenarioId};

/// Whether a fact speaks for or against a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    /// The fact is one of the scenario's symptoms.
    For,
    /// The fact contradicts the scenario.
    Against,
}

/// A fact a rule looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// A check with this result.
    Check(CheckId, CheckStatus),
    /// The MFA Report showing this status.
    Report(MfaReportStatus),
    /// The MFA Report showing this status while the device's own facts
    /// (not the report's) give the check this result.
    Contradicts(MfaReportStatus, CheckId, CheckStatus),
}

/// One line of the evidence table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The scenario the fact speaks of.
    pub scenario: ScenarioId,
    /// For or against it.
    pub stance: Stance,
    /// The fact looked for.
    pub fact: Fact,
}

impl Fact {
    /// The finding that shows this fact, if the findings (and the report's
    /// status) hold it: for the report, its `admin.mfa_report` finding; for
    /// a contradiction, the device's own finding (not one the report
    /// filled in).
    pub fn found_in(
        self,
        findings: &[Finding],
        report: Option<MfaReportStatus>,
    ) -> Option<&Finding> {
        let finding = |check: CheckId| findings.iter().find(|f| f.check == check);
        match self {
            Check(check, status) => finding(check).filter(|f| f.status == status),
            Report(status) => finding(CheckId::AdminMfaReport).filter(|_| report == Some(status)),
            Contradicts(status, check, result) => finding(check).filter(|f| {
                report == Some(status)
                    && f.status == result
                    && f.evidence.source != EvidenceSource::MfaReport
            }),
        }
    }
}

const fn rule(scenario: ScenarioId, stance: Stance, fact: Fact) -> Rule {
    Rule {
        scenario,
        stance,
        fact,
    }
}

use CheckId as C;
use CheckStatus::{Fail, Pass};
use Fact::{Check, Contradicts, Report};
use MfaReportStatus as M;
use ScenarioId as S;
use Stance::{Against, For};

/// The entry symptoms of each scenario, and what contradicts them.
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    // Accept tapped, and nothing came of it.
    rule(S::AcceptNotResponding, For, Check(C::AcceptResponded, Fail)),
    rule(S::AcceptNotResponding, For, Check(C::AcceptRetried, Pass)),
    rule(S::AcceptNotResponding, For, Check(C::AcceptRetrySucceeded, Fail)),
    rule(S::AcceptNotResponding, For, Check(C::AcceptRetriesUnderLimit, Fail)),
    rule(S::AcceptNotResponding, Against, Check(C::PushReceived, Fail)),
    rule(S::AcceptNotResponding, Against, Check(C::AcceptTapped, Fail)),
    rule(S::AcceptNotResponding, Against, Check(C::MfaCompleted, Pass)),
    // A push, and the request not where the person looks for it.
    rule(S::PushNotVisible, For, Check(C::RequestVisibleInApp, Fail)),
    rule(S::PushNotVisible, For, Check(C::PendingListed, Pass)),
    rule(S::PushNotVisible, For, Check(C::PendingListed, Fail)),
    rule(S::PushNotVisible, For, Check(C::PendingVisibleAfterRefresh, Pass)),
    rule(S::PushNotVisible, For, Check(C::PendingVisibleAfterRefresh, Fail)),
    rule(S::PushNotVisible, For, Report(M::Received)),
    rule(S::PushNotVisible, Against, Check(C::AcceptTapped, Pass)),
    rule(S::PushNotVisible, Against, Check(C::MfaCompleted, Pass)),
    // No push.
    rule(S::PushNotReceived, For, Check(C::PushReceived, Fail)),
    rule(S::PushNotReceived, For, Check(C::PushReceivedAfterFixes, Fail)),
    rule(S::PushNotReceived, For, Report(M::Delivered)),
    rule(S::PushNotReceived, Against, Check(C::PushReceived, Pass)),
    rule(S::PushNotReceived, Against, Check(C::PendingListed, Pass)),
    rule(S::PushNotReceived, Against, Report(M::Received)),
    rule(S::PushNotReceived, Against, Report(M::Success)),
    rule(S::PushNotReceived, Against, Report(M::Denied)),
    // The admin read the MFA Report. The device's own facts that
    // contradict the status count against it.
    rule(S::AdminVerifyStatus, For, Report(M::Success)),
    rule(S::AdminVerifyStatus, For, Report(M::Denied)),
    rule(S::AdminVerifyStatus, For, Report(M::Delivered)),
    rule(S::AdminVerifyStatus, For, Report(M::Received)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Success, C::PushReceived, Fail)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Success, C::AcceptTapped, Fail)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Success, C::MfaCompleted, Fail)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Denied, C::PushReceived, Fail)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Denied, C::AcceptTapped, Fail)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Denied, C::MfaCompleted, Pass)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Delivered, C::PushReceived, Pass)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Delivered, C::PendingListed, Pass)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Delivered, C::MfaCompleted, Pass)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Received, C::AcceptTapped, Pass)),
    rule(S::AdminVerifyStatus, Against, Contradicts(M::Received, C::MfaCompleted, Pass)),
    // The MFA step done.
    rule(S::PushOk, For, Check(C::MfaCompleted, Pass)),
    rule(S::PushOk, Against, Check(C::PushReceived, Fail)),
    rule(S::PushOk, Against, Check(C::AcceptResponded, Fail)),
    rule(S::PushOk, Against, Check(C::MfaCompleted, Fail)),
];

/// Scenarios in the order a tie is broken: the one deeper in the request's
/// story first (a failed Accept says more than "a push arrived"), the
/// device's own tables before the admin's (a `Success` report and a
/// completed MFA step are the same happy path), the last resort last.
pub const TIE_ORDER: [ScenarioId; 7] = [
    S::AcceptNotResponding,
    S::PushNotVisible,
    S::PushNotReceived,
    S::AdminResetMfa,
    S::PushOk,
    S::AdminVerifyStatus,
    S::ReconfigureAccount,
];

/// Where the walk enters a scenario the evidence selects.
pub fn entry_row(scenario: ScenarioId) -> RowId {
    match scenario {
        S::PushOk => RowId::PushOkReceived,
        S::AcceptNotResponding => RowId::AcceptReceived,
        S::PushNotVisible => RowId::NotVisibleInApp,
        S::PushNotReceived => RowId::NotReceivedAny,
        S::AdminVerifyStatus => RowId::AdminReport,
        S::ReconfigureAccount | S::AdminResetMfa => RowId::ReconfigureDone,
    }
}

/// One fact behind a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// The check whose finding this is (`admin.mfa_report` for the report).
    pub check: CheckId,
    /// The finding's result.
    pub status: CheckStatus,
    /// Where the finding's fact came from.
    pub source: EvidenceSource,
    /// The finding's own sentence.
    pub detail: String,
}

impl EvidenceItem {
    fn of(finding: &Finding) -> Self {
        EvidenceItem {
            check: finding.check,
            status: finding.status,
            source: finding.evidence.source,
            detail: finding.evidence.detail.clone(),
        }
    }

    /// What the item weighs: the device's own facts (and a person's
    /// answers) 2, what only the MFA Report says 1, so that the device's
    /// evidence outweighs the report's where they disagree.
    pub fn weight(&self) -> i32 {
        match self.source {
            EvidenceSource::MfaReport => 1,
            EvidenceSource::None => 0,
            _ => 2,
        }
    }
}

/// A scenario the evidence fits, with the evidence for and against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The scenario.
    pub scenario: ScenarioId,
    /// The weight of the evidence for it less the weight against it.
    pub score: i32,
    #[serde(rename = "for")]
    /// The facts that are its symptoms (`for` in JSON).
    pub evidence_for: Vec<EvidenceItem>,
    /// The facts that contradict it.
    pub against: Vec<EvidenceItem>,
}

/// Every scenario with at least one fact for it, best first; deterministic
/// (score, then [`TIE_ORDER`]).
pub fn candidates(findings: &[Finding], report: Option<MfaReportStatus>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for scenario in TIE_ORDER {
        let mut candidate = Candidate {
            scenario,
            score: 0,
            evidence_for: Vec::new(),
            against: Vec::new(),
        };
        for rule in RULES.iter().filter(|r| r.scenario == scenario) {
            let Some(item) = rule.fact.found_in(findings, report).map(EvidenceItem::of) else {
                continue;
            };
            match rule.stance {
                For => {
                    candidate.score += item.weight();
                    candidate.evidence_for.push(item);
                }
                Against => {
                    candidate.score -= item.weight();
                    candidate.against.push(item);
                }
            }
        }
        if !candidate.evidence_for.is_empty() {
            out.push(candidate);
        }
    }
    // Stable: equal scores keep TIE_ORDER.
    out.sort_by_key(|c| std::cmp::Reverse(c.score));
    out
}

/// The candidate the evidence selects: the best, when the evidence for it
/// outweighs the evidence against it.
pub fn selected(candidates: &[Candidate]) -> Option<&Candidate> {
    candidates.first().filter(|c| c.score > 0)
}

/// The checks whose findings would move the ranking between the two best
/// candidates when they tie: those the rules of either mention, by how
/// many rules of the two mention them. Empty when there is no tie.
pub fn separating_checks(candidates: &[Candidate]) -> Vec<CheckId> {
    let [first, second, ..] = candidates else {
        return Vec::new();
    };
    if first.score != second.score || first.score <= 0 {
        return Vec::new();
    }
    let mut counts: Vec<(CheckId, usize)> = Vec::new();
    for rule in RULES
        .iter()
        .filter(|r| r.scenario == first.scenario || r.scenario == second.scenario)
    {
        let check = match rule.fact {
            Check(check, _) | Contradicts(_, check, _) => check,
            Report(_) => CheckId::AdminMfaReport,
        };
        match counts.iter_mut().find(|(c, _)| *c == check) {
            Some((_, n)) => *n += 1,
            None => counts.push((check, 1)),
        }
    }
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    counts.into_iter().map(|(c, _)| c).collect()
}

/// Where the device's own facts contradict the MFA Report: one sentence
/// each, for the diagnosis's warnings.
pub fn report_contradictions(findings: &[Finding], report: Option<MfaReportStatus>) -> Vec<String> {
    let Some(status) = report else {
        return Vec::new();
    };
    RULES
        .iter()
        .filter(|rule| matches!(rule.fact, Contradicts(..)))
        .filter_map(|rule| rule.fact.found_in(findings, report))
        .map(|f| {
            format!(
                "the MFA Report shows {status} ({}), but the device disagrees: {} ({}); the device's evidence was kept",
                status.meaning(),
                f.evidence.detail,
                f.check
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_but_the_last_resorts_has_an_entry_symptom() {
        for scenario in ScenarioId::ALL {
            let has = RULES
                .iter()
                .any(|r| r.scenario == scenario && r.stance == For);
            let last_resort = matches!(scenario, S::ReconfigureAccount | S::AdminResetMfa);
            assert_eq!(has, !last_resort, "{scenario}");
        }
    }

    #[test]
    fn entry_rows_belong_to_their_scenarios() {
        for scenario in ScenarioId::ALL {
            let row = entry_row(scenario);
            assert!(
                row.as_str().starts_with(scenario.as_str()) || scenario == S::AdminResetMfa,
                "{scenario}: {row}"
            );
        }
    }

    #[test]
    fn tie_order_names_every_scenario_once() {
        let mut seen = TIE_ORDER.to_vec();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), ScenarioId::ALL.len());
    }
}
