//! The seam to the app's HTTP stack: one Accept or Deny call, however the
//! app makes it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::accept::event::{AttemptOutcome, Decision};

/// A boxed future that may move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One call the helper asks the transport to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptRequest<'a> {
    /// The login request answered.
    pub request_id: &'a str,
    /// Accept or Deny.
    pub decision: Decision,
    /// The tap's key: the same on every attempt of a tap. An HTTP
    /// transport sends it as the `Idempotency-Key` header.
    pub idempotency_key: &'a str,
    /// 1 for the tap's first call, 2 for its first retry…
    pub try_number: u32,
    /// How long this attempt may take: the helper gives up on it then
    /// (the transport may use it for its own timeout).
    pub timeout: Duration,
}

/// How one call ended, as the transport saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportAnswer {
    /// The outcome: `Success` for a 2xx, `HttpError` with the status
    /// (and the service's error code) otherwise, `Timeout` or
    /// `ConnectionError` when no whole answer came.
    pub outcome: AttemptOutcome,
    /// The answer's `Retry-After` ([`super::parse_retry_after`] reads the
    /// header), honoured on 429 and 503.
    pub retry_after: Option<Duration>,
}

impl TransportAnswer {
    /// An answer without `Retry-After`.
    pub fn of(outcome: AttemptOutcome) -> Self {
        TransportAnswer {
            outcome,
            retry_after: None,
        }
    }
}

/// Makes one Accept or Deny call: the app's own HTTP stack, or
/// `HttpTransport` (feature `probes`). Never retries by itself: the
/// helper does.
pub trait AcceptTransport: Send + Sync {
    /// Sends one attempt. Dropping the future cancels the call.
    fn send<'a>(&'a self, request: AttemptRequest<'a>) -> BoxFuture<'a, TransportAnswer>;
}
