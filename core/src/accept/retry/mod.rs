//! The retry helper: an Accept or Deny call retried the way it should be
//! (`docs/history.md`, "Retry helper").
//!
//! - [`policy`]: how many attempts, which delays, the cap on the person's wait;
//! - [`backoff`]: exponential backoff with full jitter, the random source;
//! - [`classify`](mod@classify): which outcomes are retried, and `Retry-After`;
//! - [`key`]: the idempotency key sent with every attempt of a tap;
//! - [`state`]: the state the UI shows at each step, and the result;
//! - [`transport`]: the seam to the app's own HTTP stack;
//! - `run` (feature `probes`): `approve`, the runner, which times the
//!   attempts and waits between them on tokio;
//! - `http` (feature `probes`): `HttpTransport`, a reqwest transport
//!   for an app that gives the endpoint.
//!
//! Everything but the runner and the reqwest transport is plain Rust and
//! builds without the `probes` feature.

pub mod backoff;
pub mod classify;
pub mod key;
pub mod policy;
pub mod state;
pub mod transport;

#[cfg(feature = "probes")]
mod http;
#[cfg(feature = "probes")]
mod run;

pub use backoff::{full_jitter, full_jitter_between, RandomSource, XorShift};
pub use classify::{classify, parse_retry_after, ResendReason, ShareLogsReason, Verdict};
pub use key::IdempotencyKey;
pub use policy::{RetryPolicy, RetryPolicyError};
pub use state::{RetryResult, RetryState};
pub use transport::{AcceptTransport, AttemptRequest, BoxFuture, TransportAnswer};

#[cfg(feature = "probes")]
pub use http::{HttpEndpoint, HttpTransport, HttpTransportError, IDEMPOTENCY_KEY_HEADER};
#[cfg(feature = "probes")]
pub use run::{approve, Approval};

/// Why a tap was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetryError {
    /// The policy cannot work.
    #[error(transparent)]
    Policy(#[from] RetryPolicyError),
    /// The request cannot be sent; names the field.
    #[error("{field}: {reason}")]
    InvalidRequest {
        /// The field (`request_id`, `idempotency_key`).
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}
