//! The runner: one tap's attempts, timed, classified, and waited between.

use std::time::{Duration, Instant};

use super::backoff::{full_jitter, RandomSource};
use super::classify::{classify, ShareLogsReason, Verdict};
use super::key::IdempotencyKey;
use super::policy::RetryPolicy;
use super::state::{RetryResult, RetryState};
use super::transport::{AcceptTransport, AttemptRequest, TransportAnswer};
use super::RetryError;
use crate::accept::event::{AcceptAttempt, AttemptOutcome, Decision};
use crate::model::time::now_ms;

/// The least time a retry must have left, after its delay, within the
/// cap (or the attempt timeout, when shorter): a retry that could only
/// time out at once is not made.
const MIN_ATTEMPT_WINDOW: Duration = Duration::from_millis(250);

/// One tap: what the person answered, for which request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The login request.
    pub request_id: String,
    /// Accept or Deny.
    pub decision: Decision,
    /// The app's own key for this tap; `None` makes a random one.
    pub idempotency_key: Option<IdempotencyKey>,
}

/// Sends one tap's answer through `transport`, retrying under `policy`.
///
/// Every attempt, whatever its end, is given to `on_attempt` as an
/// [`AcceptAttempt`] (for the history) as soon as it ends, and every step
/// to `on_state`; the last state is also the result's. Attempts all carry
/// the same idempotency key. The person never waits past
/// `policy.total_cap`: each attempt's timeout is cut to what is left, and
/// a retry that could not start (after its delay, with at least
/// `min(250 ms, attempt_timeout)` to run) is not made. Dropping the future
/// cancels the attempt in flight.
///
/// Fails before sending anything when the policy or the request id is
/// invalid.
pub async fn approve<T: AcceptTransport + ?Sized>(
    approval: Approval,
    transport: &T,
    policy: &RetryPolicy,
    random: &mut dyn RandomSource,
    mut on_attempt: impl FnMut(AcceptAttempt) + Send,
    mut on_state: impl FnMut(RetryState) + Send,
) -> Result<RetryResult, RetryError> {
    policy.validate()?;
    if approval.request_id.trim().is_empty() {
        return Err(RetryError::InvalidRequest {
            field: "request_id",
            reason: "is empty".into(),
        });
    }
    let key = match approval.idempotency_key {
        Some(key) => key,
        None => IdempotencyKey::generate(random),
    };
    let tapped = Instant::now();
    let window = MIN_ATTEMPT_WINDOW.min(policy.attempt_timeout);
    let mut attempts = Vec::new();
    let mut try_number = 1;
    let state = loop {
        on_state(RetryState::Sending { try_number });
        let left = policy.total_cap.saturating_sub(tapped.elapsed());
        let timeout = policy.attempt_timeout.min(left);
        let request = AttemptRequest {
            request_id: &approval.request_id,
            decision: approval.decision,
            idempotency_key: key.as_str(),
            try_number,
            timeout,
        };
        let started_ms = now_ms();
        let answer = tokio::time::timeout(timeout, transport.send(request))
            .await
            .unwrap_or(TransportAnswer::of(AttemptOutcome::Timeout));
        // The wall clock may step back during a call: never end before the start.
        let ended_ms = now_ms().max(started_ms);
        let attempt = AcceptAttempt {
            request_id: approval.request_id.clone(),
            decision: approval.decision,
            started_ms,
            ended_ms,
            try_number,
            outcome: answer.outcome.clone(),
        };
        on_attempt(attempt.clone());
        attempts.push(attempt);
        let retry_after = match classify(&answer.outcome, answer.retry_after) {
            Verdict::Succeeded => break RetryState::Succeeded { try_number },
            Verdict::ResendPush(reason) => break RetryState::FailedResendPush { reason },
            Verdict::ShareLogs(reason) => break RetryState::FailedShareLogs { reason },
            Verdict::Retry { retry_after } => retry_after,
        };
        if try_number >= policy.max_attempts {
            break RetryState::FailedShareLogs {
                reason: ShareLogsReason::AttemptsExhausted,
            };
        }
        let delay = retry_after.unwrap_or_else(|| full_jitter(policy, try_number - 1, random));
        let fits = tapped
            .elapsed()
            .checked_add(delay)
            .and_then(|t| t.checked_add(window))
            .is_some_and(|end| end <= policy.total_cap);
        if !fits {
            break RetryState::FailedShareLogs {
                reason: match retry_after {
                    Some(asked) => ShareLogsReason::RetryAfterBeyondCap {
                        retry_after_ms: u64::try_from(asked.as_millis()).unwrap_or(u64::MAX),
                    },
                    None => ShareLogsReason::CapReached,
                },
            };
        }
        on_state(RetryState::Retrying {
            next_try: try_number + 1,
            after_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            last_outcome: answer.outcome,
        });
        tokio::time::sleep(delay).await;
        try_number += 1;
    };
    on_state(state.clone());
    Ok(RetryResult {
        state,
        attempts,
        idempotency_key: key.as_str().to_string(),
        elapsed: tapped.elapsed(),
    })
}
