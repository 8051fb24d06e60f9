//! The push and Accept history judged: what its numbers say that a person
//! would not think to tell support. "Pushes arrive, but late" is the
//! delayed-notification case people report most, and no single setting
//! shows it; a run of Accept calls that got no answer at all points at the
//! service or the path to it, not at the phone.

use serde::{Deserialize, Serialize};

use crate::model::history::HistorySummary;

/// A push slower than this, sent to shown, is late: sign-in prompts
/// commonly expire after one to two minutes, and a person waiting for a
/// push gives up well before.
pub const LATE_PUSH_MS: i64 = 30_000;

/// A 90th percentile above this means one push in ten comes too late to use.
pub const LATE_PUSH_P90_MS: i64 = 60_000;

/// An Accept call slower than this (90th percentile) feels like "nothing
/// happens" to the person.
pub const SLOW_ACCEPT_P90_MS: i64 = 10_000;

/// What the history shows, one finding each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryFindingId {
    /// Pushes arrive, but late: the median or the 90th percentile is over
    /// its limit.
    LatePushes,
    /// Push delay is growing: the newest pushes' median is at least twice
    /// the whole history's, and over 10 s.
    PushDelayRising,
    /// Accept calls got no answer at all (timeouts, broken connections),
    /// two or more in a row up to the newest.
    SilentAcceptFailures,
    /// Accept calls failed in a row up to the newest (three or more).
    RepeatedAcceptFailures,
    /// Accept calls are slow: one in ten takes over 10 s.
    SlowAccept,
}

impl HistoryFindingId {
    /// The stable id (`late_pushes`).
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryFindingId::LatePushes => "late_pushes",
            HistoryFindingId::PushDelayRising => "push_delay_rising",
            HistoryFindingId::SilentAcceptFailures => "silent_accept_failures",
            HistoryFindingId::RepeatedAcceptFailures => "repeated_accept_failures",
            HistoryFindingId::SlowAccept => "slow_accept",
        }
    }
}

/// One thing the history shows, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryFinding {
    /// Which.
    pub id: HistoryFindingId,
    /// One sentence for a person, with the figures.
    pub detail: String,
}

/// The history as the diagnosis carries it: the summary and what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryReport {
    /// The numbers.
    pub summary: HistorySummary,
    /// What they show; empty when nothing stands out.
    pub findings: Vec<HistoryFinding>,
}

fn seconds(ms: i64) -> String {
    if ms < 10_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} s", (ms + 500) / 1000)
    }
}

/// Judges a summary.
pub fn judge(summary: &HistorySummary) -> HistoryReport {
    let mut findings = Vec::new();
    let mut add = |id, detail: String| findings.push(HistoryFinding { id, detail });
    if let Some(push) = summary.push_latency {
        if push.median_ms > LATE_PUSH_MS || push.p90_ms > LATE_PUSH_P90_MS {
            add(
                HistoryFindingId::LatePushes,
                format!(
                    "pushes arrive, but late: {} from sent to shown in the median, {} for one in ten, {} at worst ({} pushes)",
                    seconds(push.median_ms),
                    seconds(push.p90_ms),
                    seconds(push.worst_ms),
                    push.count
                ),
            );
        }
        if let Some(recent) = summary.recent_push_latency {
            if recent.median_ms >= 2 * push.median_ms && recent.median_ms > 10_000 {
                add(
                    HistoryFindingId::PushDelayRising,
                    format!(
                        "push delay is growing: the newest {} pushes took {} in the median, against {} over all {}",
                        recent.count,
                        seconds(recent.median_ms),
                        seconds(push.median_ms),
                        push.count
                    ),
                );
            }
        }
    }
    if summary.silent_failures_in_a_row >= 2 {
        add(
            HistoryFindingId::SilentAcceptFailures,
            format!(
                "the last {} Accept calls got no answer at all (timeouts or broken connections): the MFA service, or the network path to it, did not respond",
                summary.silent_failures_in_a_row
            ),
        );
    } else if summary.failures_in_a_row >= 3 {
        add(
            HistoryFindingId::RepeatedAcceptFailures,
            format!(
                "the last {} Accept calls failed in a row (the newest: {})",
                summary.failures_in_a_row,
                summary.last_outcome.as_deref().unwrap_or("unknown")
            ),
        );
    }
    if let Some(accept) = summary.accept_latency {
        if accept.p90_ms > SLOW_ACCEPT_P90_MS {
            add(
                HistoryFindingId::SlowAccept,
                format!(
                    "Accept calls are slow: {} in the median, {} for one in ten, {} at worst ({} calls)",
                    seconds(accept.median_ms),
                    seconds(accept.p90_ms),
                    seconds(accept.worst_ms),
                    accept.count
                ),
            );
        }
    }
    HistoryReport {
        summary: summary.clone(),
        findings,
    }
}
