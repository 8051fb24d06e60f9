//! The history summed up: the facts of the latest episode, the delays,
//! and the push history a person can read.

use std::collections::HashMap;

use super::event::{AcceptAttempt, Decision, HistoryEvent, PushArrival};
use crate::model::history::{HistorySummary, LatencyStats};

/// Attempts further apart than this belong to different episodes: a
/// failure yesterday says nothing of the Accept that fails now.
pub const EPISODE_GAP_MS: i64 = 30 * 60 * 1000;

/// Sums up `events` (in time order, as [`super::History`] keeps them).
///
/// The latest episode is the newest run of attempts with no gap over
/// [`EPISODE_GAP_MS`] between them that contains failures, ending at the
/// newest attempt; a run of successes before a failure is not part of it.
/// From it: Accept responded (its first attempt was confirmed), the retry
/// count (attempts after the first failed one, whether the app retried
/// the call or the push was resent), and whether a retry worked (its last
/// attempt, after a failure, was confirmed).
pub fn summarize(events: &[HistoryEvent]) -> HistorySummary {
    // Uploads are the bundles' story, not the requests': the summary is
    // the push and Accept history's.
    let requests_only: Vec<HistoryEvent>;
    let events = if events.iter().all(HistoryEvent::is_request) {
        events
    } else {
        requests_only = events.iter().filter(|e| e.is_request()).cloned().collect();
        &requests_only[..]
    };
    let mut summary = HistorySummary {
        events: count(events.len()),
        first_ms: events.first().map(HistoryEvent::time_ms),
        last_ms: events.last().map(HistoryEvent::time_ms),
        ..HistorySummary::default()
    };
    let mut requests: Vec<&str> = events.iter().map(HistoryEvent::request_id).collect();
    requests.sort_unstable();
    requests.dedup();
    summary.requests = count(requests.len());

    let pushes: Vec<&PushArrival> = events
        .iter()
        .filter_map(|e| match e {
            HistoryEvent::Push(p) => Some(p),
            HistoryEvent::Attempt(_) | HistoryEvent::Upload(_) => None,
        })
        .collect();
    let attempts: Vec<&AcceptAttempt> = events
        .iter()
        .filter_map(|e| match e {
            HistoryEvent::Attempt(a) => Some(a),
            HistoryEvent::Push(_) | HistoryEvent::Upload(_) => None,
        })
        .collect();

    let push_delays: Vec<i64> = pushes.iter().filter_map(|p| p.latency_ms()).collect();
    summary.push_latency = LatencyStats::of(&push_delays);
    if push_delays.len() >= 6 {
        let recent = (push_delays.len() / 3).max(3);
        summary.recent_push_latency = LatencyStats::of(&push_delays[push_delays.len() - recent..]);
    }
    let accept_delays: Vec<i64> = attempts.iter().map(|a| a.latency_ms()).collect();
    summary.accept_latency = LatencyStats::of(&accept_delays);

    // The latest request: the newest event's.
    if let Some(latest) = events.last() {
        let id = latest.request_id();
        let pushed = pushes.iter().any(|p| p.request_id == id);
        let tapped = attempts.iter().any(|a| a.request_id == id);
        if pushed || tapped {
            // An attempt means the request reached the device too.
            summary.push_received = Some(true);
        }
        summary.accept_tapped = Some(tapped);
    }

    if let Some(newest) = attempts.last() {
        summary.last_outcome = Some(newest.outcome.describe());
        summary.mfa_completed =
            Some(newest.outcome.succeeded() && newest.decision == Decision::Accept);
        let failures = attempts
            .iter()
            .rev()
            .take_while(|a| !a.outcome.succeeded())
            .count();
        summary.failures_in_a_row = count(failures);
        summary.silent_failures_in_a_row = count(
            attempts
                .iter()
                .rev()
                .take_while(|a| a.outcome.silent())
                .count(),
        );
        let episode = latest_episode(&attempts);
        if let Some(first) = episode.first() {
            summary.accept_responded = Some(first.outcome.succeeded());
            let retries = episode.len() - 1;
            summary.retry_count = Some(count(retries));
            if retries > 0 {
                summary.retry_succeeded = Some(episode[retries].outcome.succeeded());
            }
        }
    }
    summary
}

/// The latest episode: the newest failures in a row (attempts close
/// together), with the confirmed attempt that ended them when the newest
/// attempt is one. A newest attempt confirmed with no failure before it is
/// an episode of its own: Accept worked.
fn latest_episode<'s, 'a>(attempts: &'s [&'a AcceptAttempt]) -> &'s [&'a AcceptAttempt] {
    let end = attempts.len();
    let close = |i: usize| attempts[i].started_ms - attempts[i - 1].ended_ms <= EPISODE_GAP_MS;
    let mut start = end;
    if start > 0 && attempts[start - 1].outcome.succeeded() {
        start -= 1;
    }
    while start > 0 && !attempts[start - 1].outcome.succeeded() && (start == end || close(start)) {
        start -= 1;
    }
    &attempts[start..]
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What became of one login request, for a "Push history" screen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestStory {
    /// The request (as stored: scrubbed).
    pub request_id: String,
    /// When its push arrived, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_ms: Option<i64>,
    /// When the app showed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown_ms: Option<i64>,
    /// Push delay, sent to shown, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_latency_ms: Option<i64>,
    /// Accept or Deny calls made for it.
    pub attempts: u32,
    /// Where it stands.
    pub state: RequestState,
    /// The newest attempt's outcome, in a few words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_outcome: Option<String>,
    /// The newest event's time: the order of the list.
    pub last_ms: i64,
}

/// Where a login request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// The push arrived; the app did not show it (a data message handled
    /// in the background, say).
    Arrived,
    /// The push was shown; nothing was tapped.
    Shown,
    /// Accept was confirmed.
    Accepted,
    /// Deny was confirmed.
    Denied,
    /// The newest call failed.
    Failed,
}

impl RequestState {
    /// The id used in every output (`accepted`).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Arrived => "arrived",
            RequestState::Shown => "shown",
            RequestState::Accepted => "accepted",
            RequestState::Denied => "denied",
            RequestState::Failed => "failed",
        }
    }
}

/// The newest `limit` requests, newest first, with what happened to each.
pub fn timeline(events: &[HistoryEvent], limit: usize) -> Vec<RequestStory> {
    let mut stories: Vec<RequestStory> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for event in events.iter().filter(|e| e.is_request()) {
        let id = event.request_id();
        let at = *index.entry(id).or_insert_with(|| {
            stories.push(RequestStory {
                request_id: id.to_owned(),
                received_ms: None,
                shown_ms: None,
                push_latency_ms: None,
                attempts: 0,
                state: RequestState::Arrived,
                last_outcome: None,
                last_ms: event.time_ms(),
            });
            stories.len() - 1
        });
        let story = &mut stories[at];
        story.last_ms = story.last_ms.max(event.time_ms());
        match event {
            HistoryEvent::Push(p) => {
                story.received_ms = Some(p.received_ms);
                story.shown_ms = p.shown_ms;
                story.push_latency_ms = p.latency_ms();
                if story.attempts == 0 && p.shown_ms.is_some() {
                    story.state = RequestState::Shown;
                }
            }
            HistoryEvent::Attempt(a) => {
                story.attempts += 1;
                story.last_outcome = Some(a.outcome.describe());
                story.state = match (a.outcome.succeeded(), a.decision) {
                    (true, Decision::Accept) => RequestState::Accepted,
                    (true, Decision::Deny) => RequestState::Denied,
                    (false, _) => RequestState::Failed,
                };
            }
            HistoryEvent::Upload(_) => {}
        }
    }
    stories.sort_by_key(|s| std::cmp::Reverse(s.last_ms));
    stories.truncate(limit);
    stories
}
