//! The history for people: the summary and the push timeline as text,
//! the one rendering `pushdoctor history` and `pushdoctor bundle show`
//! both print. Every string from the history (request ids, outcomes) is
//! escaped ([`printable`]): a request id cannot forge a line.

use std::fmt::Write as _;

use super::event::HistoryEvent;
use super::summary::{summarize, timeline};
use crate::model::history::LatencyStats;
use crate::model::time::rfc3339;
use crate::printable::printable;

/// The summary of `events` (in time order) and its newest `limit`
/// requests, newest first, each line indented by `indent`.
pub fn text(events: &[HistoryEvent], limit: usize, indent: &str) -> String {
    let summary = summarize(events);
    let attempts = events
        .iter()
        .filter(|e| matches!(e, HistoryEvent::Attempt(_)))
        .count();
    let mut out = String::new();
    let mut line = |label: &str, value: String| {
        let _ = writeln!(out, "{indent}{label:<19}{value}");
    };
    line(
        "Covers:",
        match (summary.first_ms, summary.last_ms) {
            (Some(first), Some(last)) => format!(
                "{} .. {} ({} events)",
                rfc3339(first),
                rfc3339(last),
                summary.events
            ),
            _ => "no events".into(),
        },
    );
    line("Requests:", summary.requests.to_string());
    line("Attempts:", attempts.to_string());
    line(
        "Failures in a row:",
        if summary.silent_failures_in_a_row > 0 {
            format!(
                "{} ({} with no answer at all)",
                summary.failures_in_a_row, summary.silent_failures_in_a_row
            )
        } else {
            summary.failures_in_a_row.to_string()
        },
    );
    line(
        "Last outcome:",
        summary
            .last_outcome
            .as_deref()
            .map_or("no attempt".into(), |o| printable(o).into_owned()),
    );
    line("Push latency:", latency(summary.push_latency, PUSHES));
    if let Some(recent) = summary.recent_push_latency {
        line("  recent pushes:", latency(Some(recent), PUSHES));
    }
    line("Accept latency:", latency(summary.accept_latency, CALLS));
    let fact = |value: Option<bool>| match value {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "not known".to_string(),
    };
    line("Push received:", fact(summary.push_received));
    line("Accept tapped:", fact(summary.accept_tapped));
    line("Accept responded:", fact(summary.accept_responded));
    line(
        "Retries:",
        summary
            .retry_count
            .map_or("not known".into(), |n| n.to_string()),
    );
    line("Retry worked:", fact(summary.retry_succeeded));
    line("MFA completed:", fact(summary.mfa_completed));
    // What the numbers show, judged as the diagnosis judges them.
    for finding in crate::engine::history::judge(&summary).findings {
        line(
            "Finding:",
            format!("{}: {}", finding.id.as_str(), printable(&finding.detail)),
        );
    }

    let stories = timeline(events, limit);
    let _ = writeln!(
        out,
        "\n{indent}Requests, newest first ({} of {})",
        stories.len(),
        summary.requests
    );
    for story in &stories {
        let mut row = format!(
            "{indent}  {}  {:<8} {}",
            rfc3339(story.last_ms),
            story.state.as_str(),
            printable(&story.request_id)
        );
        if let Some(ms) = story.push_latency_ms {
            let _ = write!(row, "  push {}", duration(ms));
        }
        if story.attempts > 0 {
            let _ = write!(
                row,
                "  {} attempt{}",
                story.attempts,
                if story.attempts == 1 { "" } else { "s" }
            );
        }
        if let Some(outcome) = &story.last_outcome {
            let _ = write!(row, ", last {}", printable(outcome));
        }
        let _ = writeln!(out, "{row}");
    }
    out
}

const PUSHES: (&str, &str) = ("push", "pushes");
const CALLS: (&str, &str) = ("call", "calls");

/// `median 1.2 s, p90 4.0 s, worst 9.5 s (12 pushes)`.
fn latency(stats: Option<LatencyStats>, (one, many): (&str, &str)) -> String {
    match stats {
        None => "not known".into(),
        Some(s) => format!(
            "median {}, p90 {}, worst {} ({} {})",
            duration(s.median_ms),
            duration(s.p90_ms),
            duration(s.worst_ms),
            s.count,
            if s.count == 1 { one } else { many }
        ),
    }
}

/// A delay for people: `850 ms`, `4.2 s`, `3 min 5 s`.
pub fn duration(ms: i64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        let s = ms / 1000;
        format!("{} min {} s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(4_200), "4.2 s");
        assert_eq!(duration(185_000), "3 min 5 s");
    }
}
