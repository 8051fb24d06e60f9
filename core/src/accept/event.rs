//! The events of the push and Accept history: what the app reports, one
//! call per event, and the line each becomes in `accept_history.ndjson`.
//!
//! Times are milliseconds since the Unix epoch, UTC, as the phone's clock
//! read them. The format is documented in `docs/history.md`; a line's `v`
//! is its format version, and a reader skips (and counts) a line of a
//! version it does not know rather than failing the whole history.

use serde::{Deserialize, Serialize};

use crate::logs::redact::{RedactionCounts, Redactor};

/// The newest format version of a history line this build reads and
/// writes: 2 added the `upload` kind (pushes and attempts are still
/// written as 1).
pub const HISTORY_EVENT_VERSION: u32 = 2;

/// How the push reached the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// A notification message the system showed (FCM `notification`, APNs `alert`).
    Notification,
    /// A data message the app handled itself (FCM `data`, APNs background push).
    Data,
}

impl Delivery {
    /// The id the history's lines use (`notification`).
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Notification => "notification",
            Delivery::Data => "data",
        }
    }
}

/// Whether the app was in front when the push arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppPresence {
    /// The app was on screen.
    Foreground,
    /// The app was in the background, or not running.
    Background,
}

impl AppPresence {
    /// The id the history's lines use (`foreground`).
    pub fn as_str(self) -> &'static str {
        match self {
            AppPresence::Foreground => "foreground",
            AppPresence::Background => "background",
        }
    }
}

/// A push that arrived for a login request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushArrival {
    /// The login request it is for (scrubbed before it is stored).
    pub request_id: String,
    /// When the server or the push service sent it, when the payload says
    /// (FCM's `sentTime`, a timestamp the MFA service puts in the payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_ms: Option<i64>,
    /// When the push service handed it to the app.
    pub received_ms: i64,
    /// When the app showed it to the person, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_ms: Option<i64>,
    /// How it arrived.
    pub delivery: Delivery,
    /// Whether the app was in front.
    pub presence: AppPresence,
}

impl PushArrival {
    /// Sent (or, when the sending time is unknown, received) to shown (or
    /// received): the delay the person felt, when it can be told.
    pub fn latency_ms(&self) -> Option<i64> {
        let sent = self.sent_ms?;
        let seen = self.shown_ms.unwrap_or(self.received_ms);
        Some((seen - sent).max(0))
    }
}

/// What the person answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approve the login.
    Accept,
    /// Reject it.
    Deny,
}

impl Decision {
    /// The id the history's lines use (`accept`).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Deny => "deny",
        }
    }
}

/// Why a connection failed, as far as the transport could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionErrorKind {
    /// No network at all.
    Offline,
    /// The name did not resolve.
    Dns,
    /// The server refused the connection.
    Refused,
    /// The connection was reset or closed before the answer was whole.
    Reset,
    /// The TLS handshake failed.
    Tls,
    /// Anything else.
    Other,
}

impl ConnectionErrorKind {
    /// The id the history's lines use (`offline`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionErrorKind::Offline => "offline",
            ConnectionErrorKind::Dns => "dns",
            ConnectionErrorKind::Refused => "refused",
            ConnectionErrorKind::Reset => "reset",
            ConnectionErrorKind::Tls => "tls",
            ConnectionErrorKind::Other => "other",
        }
    }
}

/// How one Accept or Deny call ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// The service confirmed the answer.
    Success,
    /// No answer came in time.
    Timeout,
    /// The connection failed.
    ConnectionError {
        /// How. Written `error_kind`: the line's own `kind` (push or
        /// attempt) shares the object, and a second `kind` key made the
        /// line unreadable.
        #[serde(rename = "error_kind")]
        kind: ConnectionErrorKind,
    },
    /// The service answered with an error status.
    HttpError {
        /// The HTTP status.
        status: u16,
        /// The service's own error code, when its answer carried one
        /// (scrubbed before it is stored).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server_code: Option<String>,
    },
}

impl AttemptOutcome {
    /// The service confirmed the answer.
    pub fn succeeded(&self) -> bool {
        matches!(self, AttemptOutcome::Success)
    }

    /// The person saw nothing happen: no answer at all came back (a
    /// timeout or a broken connection), as opposed to an error the app
    /// could show.
    pub fn silent(&self) -> bool {
        matches!(
            self,
            AttemptOutcome::Timeout | AttemptOutcome::ConnectionError { .. }
        )
    }

    /// A short phrase for people: `HTTP 503 (rate_limited)`, `timed out`.
    pub fn describe(&self) -> String {
        match self {
            AttemptOutcome::Success => "confirmed".into(),
            AttemptOutcome::Timeout => "timed out".into(),
            AttemptOutcome::ConnectionError { kind } => {
                format!("connection error ({})", kind.as_str())
            }
            AttemptOutcome::HttpError {
                status,
                server_code: Some(code),
            } => format!("HTTP {status} ({code})"),
            AttemptOutcome::HttpError { status, .. } => format!("HTTP {status}"),
        }
    }
}

/// One Accept or Deny call to the MFA service: a tap, or one of the
/// retries the app (or [`crate::accept::retry`]) made for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptAttempt {
    /// The login request (scrubbed before it is stored).
    pub request_id: String,
    /// Accept or Deny.
    pub decision: Decision,
    /// When the call started.
    pub started_ms: i64,
    /// When it ended (`started_ms` or later).
    pub ended_ms: i64,
    /// 1 for the tap's first call, 2 for its first retry, and so on.
    #[serde(default = "first_try")]
    pub try_number: u32,
    /// How it ended.
    #[serde(flatten)]
    pub outcome: AttemptOutcome,
}

fn first_try() -> u32 {
    1
}

impl AcceptAttempt {
    /// How long the call took.
    pub fn latency_ms(&self) -> i64 {
        (self.ended_ms - self.started_ms).max(0)
    }
}

/// A bundle the server acknowledged (`docs/delivery.md`): what the person
/// can quote to support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRecord {
    /// The upload queue's id for the bundle.
    pub upload_id: String,
    /// `put` (a pre-signed URL) or `post` (the app's endpoint).
    pub destination: String,
    /// When it was queued.
    pub queued_ms: i64,
    /// When the server acknowledged it.
    pub ended_ms: i64,
    /// The attempts it took (1 when the first one worked).
    pub attempts: u32,
    /// The bundle's length.
    pub bytes: u64,
    /// The object key, or what the endpoint answered: printable, bounded.
    pub reference: String,
}

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryEvent {
    /// A push arrived.
    Push(PushArrival),
    /// An Accept or Deny call ended.
    Attempt(AcceptAttempt),
    /// A bundle was delivered. Written with `v` 2, so a reader that
    /// predates uploads skips the line as a version it does not know.
    Upload(UploadRecord),
}

impl HistoryEvent {
    /// The line's format version: 1 for a push or an attempt (as every
    /// build wrote them), 2 for an upload (added later: older readers
    /// skip it by its version, `docs/history.md`).
    pub fn format_version(&self) -> u32 {
        match self {
            HistoryEvent::Push(_) | HistoryEvent::Attempt(_) => 1,
            HistoryEvent::Upload(_) => 2,
        }
    }

    /// Whether the event is about a login request (a push or an
    /// attempt), not a bundle's upload.
    pub fn is_request(&self) -> bool {
        !matches!(self, HistoryEvent::Upload(_))
    }

    /// The request the event is about (an upload's queue id for an
    /// upload).
    pub fn request_id(&self) -> &str {
        match self {
            HistoryEvent::Push(p) => &p.request_id,
            HistoryEvent::Attempt(a) => &a.request_id,
            HistoryEvent::Upload(u) => &u.upload_id,
        }
    }

    /// When it happened: a push when it was received, an attempt when it
    /// ended. The history is kept in this order.
    pub fn time_ms(&self) -> i64 {
        match self {
            HistoryEvent::Push(p) => p.received_ms,
            HistoryEvent::Attempt(a) => a.ended_ms,
            HistoryEvent::Upload(u) => u.ended_ms,
        }
    }

    /// The event with every string from outside scrubbed (request ids and
    /// the service's error codes can carry an address or a token).
    pub fn redacted(mut self, redactor: &Redactor, counts: &mut RedactionCounts) -> Self {
        let scrub = |text: &mut String, counts: &mut RedactionCounts| {
            if let std::borrow::Cow::Owned(clean) = redactor.redact(text, counts) {
                *text = clean;
            }
        };
        match &mut self {
            HistoryEvent::Push(p) => scrub(&mut p.request_id, counts),
            HistoryEvent::Attempt(a) => {
                scrub(&mut a.request_id, counts);
                if let AttemptOutcome::HttpError {
                    server_code: Some(code),
                    ..
                } = &mut a.outcome
                {
                    scrub(code, counts);
                }
            }
            // The reference is what support is told: scrubbed like any
            // text from a server.
            HistoryEvent::Upload(u) => scrub(&mut u.reference, counts),
        }
        self
    }

    /// Refuses what no phone reports: an attempt that ends before it
    /// starts, a push shown before it arrived, an empty request id, a
    /// time before 1970.
    pub fn validate(&self) -> Result<(), String> {
        if self.request_id().trim().is_empty() {
            return Err("request_id is empty".into());
        }
        match self {
            HistoryEvent::Push(p) => {
                if p.received_ms < 0 {
                    return Err(format!("received_ms {} is before 1970", p.received_ms));
                }
                if p.sent_ms.is_some_and(|s| s < 0) {
                    return Err("sent_ms is before 1970".into());
                }
                if p.shown_ms.is_some_and(|s| s < p.received_ms) {
                    return Err(format!(
                        "shown_ms {} is before received_ms {}",
                        p.shown_ms.unwrap_or_default(),
                        p.received_ms
                    ));
                }
            }
            HistoryEvent::Attempt(a) => {
                if a.started_ms < 0 {
                    return Err(format!("started_ms {} is before 1970", a.started_ms));
                }
                if a.ended_ms < a.started_ms {
                    return Err(format!(
                        "ended_ms {} is before started_ms {}",
                        a.ended_ms, a.started_ms
                    ));
                }
                if a.try_number == 0 {
                    return Err("try_number is 0 (the first call is 1)".into());
                }
            }
            HistoryEvent::Upload(u) => {
                if u.queued_ms < 0 || u.ended_ms < u.queued_ms {
                    return Err(format!(
                        "ended_ms {} is before queued_ms {}",
                        u.ended_ms, u.queued_ms
                    ));
                }
                if u.attempts == 0 {
                    return Err("attempts is 0".into());
                }
            }
        }
        Ok(())
    }
}

/// A line as stored: the event and its format version.
#[derive(Serialize, Deserialize)]
pub(crate) struct Line {
    pub(crate) v: u32,
    #[serde(flatten)]
    pub(crate) event: HistoryEvent,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each `as_str` is the id serde writes into the history's lines.
    #[test]
    fn the_ids_are_the_lines_own() {
        fn same<T: Serialize>(value: T, id: &str) {
            assert_eq!(serde_json::to_value(value).unwrap(), id);
        }
        for d in [Delivery::Notification, Delivery::Data] {
            same(d, d.as_str());
        }
        for p in [AppPresence::Foreground, AppPresence::Background] {
            same(p, p.as_str());
        }
        for d in [Decision::Accept, Decision::Deny] {
            same(d, d.as_str());
        }
        use ConnectionErrorKind::*;
        for k in [Offline, Dns, Refused, Reset, Tls, Other] {
            same(k, k.as_str());
        }
    }
}
