//! What the push and Accept history says, as the snapshot carries it
//! (`history`, added in 0.3): the facts the flow would otherwise ask a
//! person for, and the delays a person felt. Made from the events by
//! `accept::summary`; judged by `engine::history`.

use serde::{Deserialize, Serialize};

/// Median, 90th percentile and worst of a set of delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatencyStats {
    /// How many delays.
    pub count: u32,
    /// The median, in milliseconds.
    pub median_ms: i64,
    /// The 90th percentile (nearest rank), in milliseconds.
    pub p90_ms: i64,
    /// The longest, in milliseconds.
    pub worst_ms: i64,
}

impl LatencyStats {
    /// The stats of `delays`; none when there are none.
    pub fn of(delays: &[i64]) -> Option<LatencyStats> {
        if delays.is_empty() {
            return None;
        }
        let mut sorted = delays.to_vec();
        sorted.sort_unstable();
        let rank = |p: usize| sorted[(sorted.len() * p).div_ceil(100).max(1) - 1];
        Some(LatencyStats {
            count: u32::try_from(sorted.len()).unwrap_or(u32::MAX),
            median_ms: rank(50),
            p90_ms: rank(90),
            worst_ms: *sorted.last().expect("not empty"),
        })
    }
}

/// The history summed up at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistorySummary {
    /// Events read.
    pub events: u32,
    /// Distinct login requests among them.
    pub requests: u32,
    /// The oldest event's time, in milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_ms: Option<i64>,
    /// The newest event's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ms: Option<i64>,
    /// The latest request's push arrived (none: the history does not say).
    #[serde(default)]
    pub push_received: Option<bool>,
    /// Accept or Deny was tapped for the latest request.
    #[serde(default)]
    pub accept_tapped: Option<bool>,
    /// The first attempt of the latest episode was confirmed.
    #[serde(default)]
    pub accept_responded: Option<bool>,
    /// Attempts after the episode's first failed one (a retry of the call
    /// or a resent push alike).
    #[serde(default)]
    pub retry_count: Option<u32>,
    /// The episode's last attempt, after a failed one, was confirmed.
    #[serde(default)]
    pub retry_succeeded: Option<bool>,
    /// The latest attempt was a confirmed Accept (true) or failed (false).
    #[serde(default)]
    pub mfa_completed: Option<bool>,
    /// Attempts that failed in a row, up to the newest.
    #[serde(default)]
    pub failures_in_a_row: u32,
    /// Of those, the newest run in which no answer came at all (timeouts,
    /// broken connections).
    #[serde(default)]
    pub silent_failures_in_a_row: u32,
    /// What the newest attempt got, in a few words (`HTTP 503`, `timed out`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_outcome: Option<String>,
    /// Push delay, sent to shown, over the kept pushes that tell it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_latency: Option<LatencyStats>,
    /// The same over the newest pushes only (the last third, at least
    /// three), to see a delay growing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_push_latency: Option<LatencyStats>,
    /// How long each Accept or Deny call took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_latency: Option<LatencyStats>,
    /// The observations (their snapshot names) that came from this
    /// history rather than from the app or a person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filled: Vec<String>,
}
