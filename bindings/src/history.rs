//! The push and Accept history through the FFI: the events the app
//! reports (one call each, never waiting on disk), the history's limits,
//! and the "Push history" a screen shows. The core keeps, sums up and
//! judges it (`pushdoctor_core::accept`); this file only translates.

use pushdoctor_core::accept::{self, HistoryLimits};

use crate::agent::{AgentError, PushDoctorAgent};
use crate::errors::non_negative;

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

/// How a push reached the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PushDelivery {
    /// A notification message the system showed.
    Notification,
    /// A data message the app handled itself.
    Data,
}

/// Whether the app was on screen when the push arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AppPresence {
    /// On screen.
    Foreground,
    /// In the background, or not running.
    Background,
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

/// What the person answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Decision {
    /// Approve.
    Accept,
    /// Reject.
    Deny,
}

/// Why a connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConnectionErrorKind {
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

/// Where a login request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RequestState {
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
            state: match s.state {
                accept::RequestState::Arrived => RequestState::Arrived,
                accept::RequestState::Shown => RequestState::Shown,
                accept::RequestState::Accepted => RequestState::Accepted,
                accept::RequestState::Denied => RequestState::Denied,
                accept::RequestState::Failed => RequestState::Failed,
            },
            last_outcome: s.last_outcome,
            last_ms: s.last_ms,
        }
    }
}

impl From<Decision> for accept::Decision {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Accept => accept::Decision::Accept,
            Decision::Deny => accept::Decision::Deny,
        }
    }
}

impl From<ConnectionErrorKind> for accept::ConnectionErrorKind {
    fn from(k: ConnectionErrorKind) -> Self {
        match k {
            ConnectionErrorKind::Offline => accept::ConnectionErrorKind::Offline,
            ConnectionErrorKind::Dns => accept::ConnectionErrorKind::Dns,
            ConnectionErrorKind::Refused => accept::ConnectionErrorKind::Refused,
            ConnectionErrorKind::Reset => accept::ConnectionErrorKind::Reset,
            ConnectionErrorKind::Tls => accept::ConnectionErrorKind::Tls,
            ConnectionErrorKind::Other => accept::ConnectionErrorKind::Other,
        }
    }
}

impl AttemptOutcome {
    fn to_core(&self) -> Result<accept::AttemptOutcome, AgentError> {
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
            delivery: match self.delivery {
                PushDelivery::Notification => accept::event::Delivery::Notification,
                PushDelivery::Data => accept::event::Delivery::Data,
            },
            presence: match self.presence {
                AppPresence::Foreground => accept::AppPresence::Foreground,
                AppPresence::Background => accept::AppPresence::Background,
            },
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

#[uniffi::export]
impl PushDoctorAgent {
    /// Records a push that arrived: call it from the push handler. Never
    /// waits on disk. Fails with `InvalidArgument` on an event no phone
    /// reports (an empty request id, shown before received).
    pub fn record_push(&self, event: PushEvent) -> Result<(), AgentError> {
        self.record_history(event.to_core())
    }

    /// Records one Accept or Deny call as it ended: call it after each
    /// call to the MFA service (the retry helper does it by itself).
    /// Never waits on disk; repeated failures may start an automatic
    /// bundle (`AgentEvent.AutomaticBundleBuilt`).
    pub fn record_attempt(&self, event: AttemptEvent) -> Result<(), AgentError> {
        self.record_history(event.to_core()?)
    }

    /// The newest `limit` login requests (at most 1000), newest first,
    /// with what happened to each: the "Push history" screen.
    pub async fn push_history(&self, limit: i32) -> Result<Vec<RequestStoryItem>, AgentError> {
        let limit: usize = non_negative("limit", limit.into())?;
        let history = self.history_handle()?;
        self.on_runtime_blocking(move || {
            let events = history.events(pushdoctor_core::model::time::now_ms());
            Ok(accept::timeline(&events, limit.min(1000))
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }
}
