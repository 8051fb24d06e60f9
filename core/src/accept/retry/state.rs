//! What the UI shows at each step of a tap, and what the helper returns.

use std::time::Duration;

use super::classify::{ResendReason, ShareLogsReason};
use crate::accept::event::{AcceptAttempt, AttemptOutcome};

/// Where a tap stands, told to the app at each step.
///
/// One tap goes `Sending{1}`, then for each retry `Retrying{n}` and
/// `Sending{n}`, and ends in exactly one of the last three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryState {
    /// Attempt `try_number` (1 for the tap itself) is on its way.
    Sending {
        /// 1 for the tap's first call, 2 for its first retry…
        try_number: u32,
    },
    /// Attempt `next_try - 1` failed with a temporary failure; the next
    /// starts in `after_ms` (the backoff's delay, or the server's
    /// `Retry-After`).
    Retrying {
        /// The attempt about to be made.
        next_try: u32,
        /// How long until it starts, in milliseconds.
        after_ms: u64,
        /// How the attempt just made ended.
        last_outcome: AttemptOutcome,
    },
    /// The service confirmed the answer (on attempt `try_number`).
    Succeeded {
        /// The attempt that succeeded.
        try_number: u32,
    },
    /// The answer cannot succeed (already answered, expired, refused with
    /// a 4xx): the person should ask for a new push.
    FailedResendPush {
        /// Why.
        reason: ResendReason,
    },
    /// The helper stopped trying while the failure may be temporary (the
    /// attempts or the time ran out, the server asked to wait past the
    /// cap, an answer no retry or push explains): the person should share
    /// the app's logs with the developer.
    FailedShareLogs {
        /// Why.
        reason: ShareLogsReason,
    },
}

impl RetryState {
    /// Whether the tap has ended in this state.
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            RetryState::Sending { .. } | RetryState::Retrying { .. }
        )
    }
}

/// How a tap ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryResult {
    /// The final state: `Succeeded`, `FailedResendPush` or `FailedShareLogs`.
    pub state: RetryState,
    /// Every attempt made, in order (each was also given to `on_attempt`).
    pub attempts: Vec<AcceptAttempt>,
    /// The key every attempt carried.
    pub idempotency_key: String,
    /// From the tap to the end, as the person waited.
    pub elapsed: Duration,
}
