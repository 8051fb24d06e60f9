//! The push and Accept history through the FFI: the events the app
//! reports (one call each, never waiting on disk), the history's limits,
//! and the "Push history" a screen shows. The core keeps, sums up and
//! judges it (`pushdoctor_core::accept`); this file only translates.

use std::path::{Path, PathBuf};

use pushdoctor_core::accept::event::Delivery as CoreDelivery;
use pushdoctor_core::accept::{self, BundlePolicy, HistoryLimits};
use pushdoctor_core::accept::{
    AppPresence as CoreAppPresence, ConnectionErrorKind as CoreConnectionErrorKind,
    Decision as CoreDecision, RequestState as CoreRequestState,
};
use pushdoctor_core::engine::history::{HistoryFindingId as CoreFindingId, HistoryReport};
use pushdoctor_core::model::history::LatencyStats;

use crate::errors::{non_negative, AgentError};
use crate::ids::mirror;

// The history's closed sets, the core's enums variant for variant, mapped
// both ways by `ids::mirror!` (exhaustive `match`es, as in `ids.rs`).
mirror! {
    /// How a push reached the app.
    PushDelivery <=> CoreDelivery {
        /// A notification message the system showed.
        Notification,
        /// A data message the app handled itself.
        Data,
    }

    /// Whether the app was on screen when the push arrived.
    AppPresence <=> CoreAppPresence {
        /// On screen.
        Foreground,
        /// In the background, or not running.
        Background,
    }

    /// What the person answered.
    Decision <=> CoreDecision {
        /// Approve.
        Accept,
        /// Reject.
        Deny,
    }

    /// Why a connection failed.
    ConnectionErrorKind <=> CoreConnectionErrorKind {
        /// No network.
        Offline,
        /// The name did not resolve.
        Dns,
        /// Refused.
        Refused,
        /// Reset or closed before the answer was whole.
        Reset,
        /// The TLS handshake failed.
        Tls,
        /// Anything else.
        Other,
    }

    /// Where a login request stands.
    RequestState <=> CoreRequestState {
        /// The push arrived and was not shown.
        Arrived,
        /// Shown, nothing tapped.
        Shown,
        /// Accept confirmed.
        Accepted,
        /// Deny confirmed.
        Denied,
        /// The newest call failed.
        Failed,
    }

    /// What the history shows (`docs/history.md`).
    HistoryFindingId <=> CoreFindingId {
        /// Pushes arrive, but late.
        LatePushes,
        /// Push delay is growing.
        PushDelayRising,
        /// Accept calls got no answer at all, two or more in a row.
        SilentAcceptFailures,
        /// Accept calls failed three or more times in a row.
        RepeatedAcceptFailures,
        /// Accept calls are slow.
        SlowAccept,
    }
}

/// How much history is kept.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HistoryConfig {
    /// At most this many events, above zero (default 500).
    #[uniffi(default = None)]
    pub max_events: Option<i32>,
    /// Events older than this many milliseconds are let go, above zero
    /// (default 30 days).
    #[uniffi(default = None)]
    pub max_age_ms: Option<i64>,
}

impl HistoryConfig {
    pub(crate) fn to_core(&self) -> Result<HistoryLimits, AgentError> {
        let defaults = HistoryLimits::default();
        let limits = HistoryLimits {
            max_events: match self.max_events {
                None => defaults.max_events,
                Some(n) => non_negative("HistoryConfig.max_events", n.into())?,
            },
            max_age_ms: self.max_age_ms.unwrap_or(defaults.max_age_ms),
        };
        limits
            .validate()
            .map_err(|reason| AgentError::InvalidArgument {
                reason: format!("HistoryConfig: {reason}"),
            })?;
        Ok(limits)
    }
}

/// The log bundle made by itself when Accept keeps failing. Every field
/// left `null` keeps its default.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct AutoBundleConfig {
    /// Off when false (default true).
    #[uniffi(default = None)]
    pub enabled: Option<bool>,
    /// Where the bundles go (default `<log_directory>/bundles`; required
    /// when the agent has no log directory).
    #[uniffi(default = None)]
    pub directory: Option<String>,
    /// Failed attempts that make a bundle, above zero (default 3)…
    #[uniffi(default = None)]
    pub failures: Option<i32>,
    /// …within this many milliseconds, first to last (default 600 000:
    /// ten minutes).
    #[uniffi(default = None)]
    pub window_ms: Option<i64>,
    /// After a bundle, failures are not counted for this long (default
    /// 3 600 000: one hour), so an episode makes one bundle.
    #[uniffi(default = None)]
    pub cooldown_ms: Option<i64>,
    /// At most this many automatic bundles in any 24 hours (default 3).
    #[uniffi(default = None)]
    pub max_per_day: Option<i32>,
    /// Automatic bundles kept on the phone, the oldest deleted (default 3).
    #[uniffi(default = None)]
    pub keep: Option<i32>,
}

/// The automatic bundle's policy, folder and how many are kept; none when
/// it is off (turned off, or no folder to put it in).
pub(crate) fn auto_bundle_settings(
    config: Option<&AutoBundleConfig>,
    log_directory: Option<&Path>,
) -> Result<Option<(BundlePolicy, PathBuf, usize)>, AgentError> {
    let default = AutoBundleConfig::default();
    let config = config.unwrap_or(&default);
    if config.enabled == Some(false) {
        return Ok(None);
    }
    let directory = match (&config.directory, log_directory) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(logs)) => logs.join("bundles"),
        (None, None) if config.enabled == Some(true) => {
            return Err(AgentError::InvalidArgument {
                reason:
                    "AutoBundleConfig.directory is required when the agent has no log_directory"
                        .into(),
            })
        }
        (None, None) => return Ok(None),
    };
    let defaults = BundlePolicy::default();
    let policy = BundlePolicy {
        failures: match config.failures {
            None => defaults.failures,
            Some(n) => non_negative("AutoBundleConfig.failures", n.into())?,
        },
        window_ms: config.window_ms.unwrap_or(defaults.window_ms),
        cooldown_ms: config.cooldown_ms.unwrap_or(defaults.cooldown_ms),
        max_per_day: match config.max_per_day {
            None => defaults.max_per_day,
            Some(n) => non_negative("AutoBundleConfig.max_per_day", n.into())?,
        },
    };
    policy
        .validate()
        .map_err(|reason| AgentError::InvalidArgument {
            reason: format!("AutoBundleConfig: {reason}"),
        })?;
    let keep = match config.keep {
        None => 3,
        Some(n) => non_negative::<usize>("AutoBundleConfig.keep", n.into())?.max(1),
    };
    Ok(Some((policy, directory, keep)))
}

/// Median, 90th percentile and worst of a set of delays.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LatencyItem {
    /// How many delays.
    pub count: i32,
    /// The median, in milliseconds.
    pub median_ms: i64,
    /// The 90th percentile, in milliseconds.
    pub p90_ms: i64,
    /// The longest, in milliseconds.
    pub worst_ms: i64,
}

impl From<&LatencyStats> for LatencyItem {
    fn from(l: &LatencyStats) -> Self {
        LatencyItem {
            count: i32::try_from(l.count).unwrap_or(i32::MAX),
            median_ms: l.median_ms,
            p90_ms: l.p90_ms,
            worst_ms: l.worst_ms,
        }
    }
}

/// One thing the history shows, with the figures behind it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HistoryFindingItem {
    /// Which.
    pub id: HistoryFindingId,
    /// One sentence for a person.
    pub detail: String,
}

/// The history as the diagnosis saw it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HistoryReportItem {
    /// Events read.
    pub events: i32,
    /// Login requests among them.
    pub requests: i32,
    /// Attempts that failed in a row, up to the newest.
    pub failures_in_a_row: i32,
    /// What the newest attempt got (`HTTP 503`).
    pub last_outcome: Option<String>,
    /// Push delay, sent to shown.
    pub push_latency: Option<LatencyItem>,
    /// How long Accept or Deny calls took.
    pub accept_latency: Option<LatencyItem>,
    /// What stands out.
    pub findings: Vec<HistoryFindingItem>,
    /// The observations that came from the history (`observations.retry_count`…).
    pub filled: Vec<String>,
}

impl From<&HistoryReport> for HistoryReportItem {
    fn from(h: &HistoryReport) -> Self {
        let s = &h.summary;
        let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        HistoryReportItem {
            events: int(s.events),
            requests: int(s.requests),
            failures_in_a_row: int(s.failures_in_a_row),
            last_outcome: s.last_outcome.clone(),
            push_latency: s.push_latency.as_ref().map(Into::into),
            accept_latency: s.accept_latency.as_ref().map(Into::into),
            findings: h
                .findings
                .iter()
                .map(|f| HistoryFindingItem {
                    id: f.id.into(),
                    detail: f.detail.clone(),
                })
                .collect(),
            filled: s.filled.clone(),
        }
    }
}

/// A push that arrived for a login request.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PushEvent {
    /// The login request.
    pub request_id: String,
    /// When the push service handed it to the app (ms since the epoch).
    pub received_ms: i64,
    /// When the server sent it, when the payload says (FCM `sentTime`).
    #[uniffi(default = None)]
    pub sent_ms: Option<i64>,
    /// When the app showed it, if it did.
    #[uniffi(default = None)]
    pub shown_ms: Option<i64>,
    /// How it arrived.
    pub delivery: PushDelivery,
    /// Whether the app was on screen.
    pub presence: AppPresence,
}

/// How one Accept or Deny call ended.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AttemptOutcome {
    /// The service confirmed it.
    Success,
    /// No answer in time.
    Timeout,
    /// The connection failed.
    ConnectionError {
        /// How.
        kind: ConnectionErrorKind,
    },
    /// The service answered with an error status.
    HttpError {
        /// The HTTP status, 100–599.
        status: i32,
        /// The service's own error code, if its answer had one.
        server_code: Option<String>,
    },
}

/// One Accept or Deny call: a tap, or one retry of it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AttemptEvent {
    /// The login request.
    pub request_id: String,
    /// Accept or Deny.
    pub decision: Decision,
    /// When the call started (ms since the epoch).
    pub started_ms: i64,
    /// When it ended.
    pub ended_ms: i64,
    /// How it ended.
    pub outcome: AttemptOutcome,
    /// 1 for a tap's first call, 2 for its first retry… (default 1).
    #[uniffi(default = 1)]
    pub try_number: i32,
}

/// One row of the "Push history" screen.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RequestStoryItem {
    /// The request (as stored: scrubbed).
    pub request_id: String,
    /// When its push arrived, if it did.
    pub received_ms: Option<i64>,
    /// When it was shown.
    pub shown_ms: Option<i64>,
    /// Sent to shown, when known.
    pub push_latency_ms: Option<i64>,
    /// Accept or Deny calls made.
    pub attempts: i32,
    /// Where it stands.
    pub state: RequestState,
    /// The newest call's outcome in a few words (`HTTP 503`).
    pub last_outcome: Option<String>,
    /// The newest event's time.
    pub last_ms: i64,
}

impl From<accept::RequestStory> for RequestStoryItem {
    fn from(s: accept::RequestStory) -> Self {
        RequestStoryItem {
            request_id: s.request_id,
            received_ms: s.received_ms,
            shown_ms: s.shown_ms,
            push_latency_ms: s.push_latency_ms,
            attempts: i32::try_from(s.attempts).unwrap_or(i32::MAX),
            state: s.state.into(),
            last_outcome: s.last_outcome,
            last_ms: s.last_ms,
        }
    }
}

impl AttemptOutcome {
    pub(crate) fn to_core(&self) -> Result<accept::AttemptOutcome, AgentError> {
        Ok(match self {
            AttemptOutcome::Success => accept::AttemptOutcome::Success,
            AttemptOutcome::Timeout => accept::AttemptOutcome::Timeout,
            AttemptOutcome::ConnectionError { kind } => accept::AttemptOutcome::ConnectionError {
                kind: (*kind).into(),
            },
            AttemptOutcome::HttpError {
                status,
                server_code,
            } => accept::AttemptOutcome::HttpError {
                status: u16::try_from(*status)
                    .ok()
                    .filter(|s| (100..600).contains(s))
                    .ok_or_else(|| AgentError::InvalidArgument {
                        reason: format!(
                            "AttemptOutcome.HttpError.status is {status}: an HTTP status is 100–599"
                        ),
                    })?,
                server_code: server_code.clone(),
            },
        })
    }
}

impl PushEvent {
    pub(crate) fn to_core(&self) -> accept::HistoryEvent {
        accept::HistoryEvent::Push(accept::PushArrival {
            request_id: self.request_id.clone(),
            sent_ms: self.sent_ms,
            received_ms: self.received_ms,
            shown_ms: self.shown_ms,
            delivery: self.delivery.into(),
            presence: self.presence.into(),
        })
    }
}

impl AttemptEvent {
    pub(crate) fn to_core(&self) -> Result<accept::HistoryEvent, AgentError> {
        Ok(accept::HistoryEvent::Attempt(accept::AcceptAttempt {
            request_id: self.request_id.clone(),
            decision: self.decision.into(),
            started_ms: self.started_ms,
            ended_ms: self.ended_ms,
            try_number: non_negative("AttemptEvent.try_number", self.try_number.into())?,
            outcome: self.outcome.to_core()?,
        }))
    }
}
