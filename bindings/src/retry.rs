//! The retry helper through the FFI: the app's Accept call retried well
//! (backoff with full jitter, a cap on the person's wait, one idempotency
//! key per tap, `Retry-After`, no retry of what cannot succeed), through
//! the app's own HTTP stack ([`AcceptTransport`]) or through the core's
//! reqwest transport when the app gives the endpoint. Every attempt lands
//! in the agent's history by itself. The core decides
//! (`pushdoctor_core::accept::retry`); this file only translates.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use pushdoctor_core::accept::retry::{
    self as core, AttemptRequest, BoxFuture, HttpEndpoint, HttpTransport, IdempotencyKey,
    TransportAnswer, XorShift,
};
use pushdoctor_core::accept::{self, HistoryEvent};
use pushdoctor_core::probes::TrustRoots;

use crate::agent::{AgentError, ListenerError, PushDoctorAgent};
use crate::errors::non_negative;
use crate::history::{AttemptEvent, AttemptOutcome, Decision};
use crate::platform::bounded_line;

/// How the helper retries one tap; every field left out takes the core's
/// default (4 attempts, 500 ms base delay, 4 s largest delay, 20 s in
/// all, 8 s per attempt).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct RetryPolicy {
    /// Calls for one tap, the first included: 1 to 20.
    #[uniffi(default = None)]
    pub max_attempts: Option<i32>,
    /// The backoff's base, in ms: retry `n` waits a random time up to
    /// `min(max_delay_ms, base_delay_ms * 2^n)`.
    #[uniffi(default = None)]
    pub base_delay_ms: Option<i64>,
    /// The largest backoff delay, in ms.
    #[uniffi(default = None)]
    pub max_delay_ms: Option<i64>,
    /// The most the person waits, from the tap to the end, in ms.
    #[uniffi(default = None)]
    pub total_cap_ms: Option<i64>,
    /// The most one call may take, in ms.
    #[uniffi(default = None)]
    pub attempt_timeout_ms: Option<i64>,
}

impl RetryPolicy {
    pub(crate) fn to_core(&self) -> Result<core::RetryPolicy, AgentError> {
        let defaults = core::RetryPolicy::default();
        let ms = |field: &str, value: Option<i64>, default: Duration| match value {
            None => Ok(default),
            Some(v) => non_negative::<u64>(field, v).map(Duration::from_millis),
        };
        let policy = core::RetryPolicy {
            max_attempts: match self.max_attempts {
                None => defaults.max_attempts,
                Some(n) => non_negative("RetryPolicy.max_attempts", n.into())?,
            },
            base_delay: ms(
                "RetryPolicy.base_delay_ms",
                self.base_delay_ms,
                defaults.base_delay,
            )?,
            max_delay: ms(
                "RetryPolicy.max_delay_ms",
                self.max_delay_ms,
                defaults.max_delay,
            )?,
            total_cap: ms(
                "RetryPolicy.total_cap_ms",
                self.total_cap_ms,
                defaults.total_cap,
            )?,
            attempt_timeout: ms(
                "RetryPolicy.attempt_timeout_ms",
                self.attempt_timeout_ms,
                defaults.attempt_timeout,
            )?,
        };
        policy.validate().map_err(invalid)?;
        Ok(policy)
    }
}

fn invalid(e: impl std::fmt::Display) -> AgentError {
    AgentError::InvalidArgument {
        reason: e.to_string(),
    }
}

/// Why the answer cannot succeed: the person should ask for a new push.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ResendReason {
    /// Already answered (HTTP 409, or the service's code says so).
    AlreadyAnswered,
    /// Expired (HTTP 410, or the service's code says so).
    Expired,
    /// Another 4xx: the service refused the call itself.
    Rejected {
        /// The HTTP status.
        status: i32,
    },
}

/// Why the helper stopped while the failure may be temporary: the person
/// should share the app's logs with the developer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ShareLogsReason {
    /// Every attempt the policy allows failed.
    AttemptsExhausted,
    /// The next retry would end past the total cap.
    CapReached,
    /// The server's `Retry-After` asked for longer than the cap leaves.
    RetryAfterBeyondCap {
        /// What it asked for, in ms.
        retry_after_ms: i64,
    },
    /// A status no retry helps and no new push explains (a redirect).
    UnexpectedStatus {
        /// The HTTP status.
        status: i32,
    },
}

/// Where a tap stands: `Sending`, then for each retry `Retrying` and
/// `Sending`, and exactly one of the last three at the end.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RetryState {
    /// Call `try_number` (1 for the tap) is on its way.
    Sending {
        /// 1 for the tap, 2 for its first retry…
        try_number: i32,
    },
    /// A temporary failure; call `next_try` starts in `after_ms`.
    Retrying {
        /// The call about to be made.
        next_try: i32,
        /// How long until it starts, in ms.
        after_ms: i64,
        /// How the call just made ended.
        last_outcome: AttemptOutcome,
    },
    /// Confirmed, by call `try_number`.
    Succeeded {
        /// The call that succeeded.
        try_number: i32,
    },
    /// Cannot succeed: offer "resend the push".
    FailedResendPush {
        /// Why.
        reason: ResendReason,
    },
    /// Gave up on a failure that may be temporary: offer "share the logs
    /// with the developer".
    FailedShareLogs {
        /// Why.
        reason: ShareLogsReason,
    },
}

/// How a tap ended.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ApproveResult {
    /// `Succeeded`, `FailedResendPush` or `FailedShareLogs`.
    pub state: RetryState,
    /// Every call made, in order (each is in the history too).
    pub attempts: Vec<AttemptEvent>,
    /// The key every call carried.
    pub idempotency_key: String,
    /// From the tap to the end, in ms.
    pub elapsed_ms: i64,
}

/// One call the helper asks the app's transport to make.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AcceptCall {
    /// The login request.
    pub request_id: String,
    /// Accept or Deny.
    pub decision: Decision,
    /// The tap's key, the same on every call of a tap: send it as the
    /// `Idempotency-Key` header (or however the service's API takes it).
    pub idempotency_key: String,
    /// 1 for the tap, 2 for its first retry…
    pub try_number: i32,
    /// The helper gives up on this call after this many ms.
    pub timeout_ms: i64,
}

/// How the app's call ended.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AcceptResponse {
    /// `Success` for a 2xx, `HttpError` (with the service's error code,
    /// when its answer had one) otherwise, `Timeout` or `ConnectionError`
    /// when no whole answer came.
    pub outcome: AttemptOutcome,
    /// The answer's `Retry-After` header as sent (seconds or an HTTP
    /// date); honoured on 429 and 503.
    #[uniffi(default = None)]
    pub retry_after: Option<String>,
}

/// Why the app's transport could not say how a call ended.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum TransportError {
    /// The Kotlin or Swift code threw (an `IOException` from the HTTP
    /// stack, say): recorded as a connection error (`Other`) and retried.
    #[error("threw {reason}")]
    Unexpected {
        /// What was thrown, on one bounded line.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportError::Unexpected {
            reason: bounded_line(&e.reason),
        }
    }
}

/// The app's own Accept call, implemented in Kotlin or Swift with the
/// app's HTTP stack. One call per invocation: never retry inside it.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait AcceptTransport: Send + Sync {
    /// Makes one call and says how it ended. Cancelled (the coroutine or
    /// Swift task) when the helper gives up on it.
    async fn send(&self, call: AcceptCall) -> Result<AcceptResponse, TransportError>;
}

/// Told each step of a tap, for the UI; implemented in Kotlin or Swift.
#[uniffi::export(foreign)]
pub trait RetryListener: Send + Sync {
    /// Called once per step, on the agent's thread: return quickly.
    fn on_state(&self, state: RetryState) -> Result<(), ListenerError>;
}

/// The app's transport as the core's.
struct Foreign(Arc<dyn AcceptTransport>);

impl core::AcceptTransport for Foreign {
    fn send<'a>(&'a self, request: AttemptRequest<'a>) -> BoxFuture<'a, TransportAnswer> {
        let call = AcceptCall {
            request_id: request.request_id.to_string(),
            decision: request.decision.into(),
            idempotency_key: request.idempotency_key.to_string(),
            try_number: i32::try_from(request.try_number).unwrap_or(i32::MAX),
            timeout_ms: i64::try_from(request.timeout.as_millis()).unwrap_or(i64::MAX),
        };
        Box::pin(async move {
            let response = match self.0.send(call).await {
                Ok(response) => response,
                Err(e) => {
                    log::warn!(target: "pushdoctor::retry", "the app's Accept transport {e}");
                    return TransportAnswer::of(accept::AttemptOutcome::ConnectionError {
                        kind: accept::ConnectionErrorKind::Other,
                    });
                }
            };
            let retry_after = response
                .retry_after
                .as_deref()
                .and_then(|v| core::parse_retry_after(v, SystemTime::now()));
            let outcome = response.outcome.to_core().unwrap_or_else(|e| {
                // The app's bug, not the service's answer: the call's end is unknown.
                log::warn!(target: "pushdoctor::retry", "the app's Accept transport answered {e}");
                accept::AttemptOutcome::ConnectionError {
                    kind: accept::ConnectionErrorKind::Other,
                }
            });
            TransportAnswer {
                outcome,
                retry_after,
            }
        })
    }
}

#[uniffi::export]
impl PushDoctorAgent {
    /// Sends the person's answer through the app's own `transport`,
    /// retrying under `policy` (the defaults when `None`); `listener`
    /// hears each step. Every call is recorded in the history (as
    /// `recordAttempt` would). `idempotency_key` is the app's own key for
    /// this tap, when its API defines one; else a random one is made.
    /// Fails with `InvalidArgument` (before any call) on a bad policy,
    /// an empty request id or a key that cannot go into a header.
    #[uniffi::method(default(policy = None, listener = None, idempotency_key = None))]
    pub async fn approve_with_transport(
        self: Arc<Self>,
        request_id: String,
        decision: Decision,
        transport: Arc<dyn AcceptTransport>,
        policy: Option<RetryPolicy>,
        listener: Option<Arc<dyn RetryListener>>,
        idempotency_key: Option<String>,
    ) -> Result<ApproveResult, AgentError> {
        self.approve(
            request_id,
            decision,
            Arc::new(Foreign(transport)),
            policy,
            listener,
            idempotency_key,
        )
        .await
    }

    /// Sends the person's answer as a JSON POST of `body` to `url`
    /// (`https`; plain `http` only to loopback) with `headers` and the
    /// tap's `Idempotency-Key`, retrying under `policy`; otherwise as
    /// [`PushDoctorAgent::approve_with_transport`]. Trusts the web PKI
    /// roots (an app that pins or trusts its own CA uses its own
    /// transport). Fails with `InvalidArgument` on a URL, body or header
    /// that cannot be sent.
    #[allow(clippy::too_many_arguments)]
    #[uniffi::method(default(policy = None, listener = None, idempotency_key = None))]
    pub async fn approve_with_endpoint(
        self: Arc<Self>,
        request_id: String,
        decision: Decision,
        url: String,
        body: String,
        headers: HashMap<String, String>,
        policy: Option<RetryPolicy>,
        listener: Option<Arc<dyn RetryListener>>,
        idempotency_key: Option<String>,
    ) -> Result<ApproveResult, AgentError> {
        let mut headers: Vec<(String, String)> = headers.into_iter().collect();
        headers.sort();
        let transport = HttpTransport::new(HttpEndpoint {
            url,
            body,
            headers,
            trust: TrustRoots::default(),
        })
        .map_err(invalid)?;
        self.approve(
            request_id,
            decision,
            Arc::new(transport),
            policy,
            listener,
            idempotency_key,
        )
        .await
    }
}

impl PushDoctorAgent {
    /// One tap on the agent's runtime, each attempt into the history.
    async fn approve(
        self: Arc<Self>,
        request_id: String,
        decision: Decision,
        transport: Arc<dyn core::AcceptTransport>,
        policy: Option<RetryPolicy>,
        listener: Option<Arc<dyn RetryListener>>,
        idempotency_key: Option<String>,
    ) -> Result<ApproveResult, AgentError> {
        let policy = policy.unwrap_or_default().to_core()?;
        let idempotency_key = idempotency_key
            .as_deref()
            .map(IdempotencyKey::given)
            .transpose()
            .map_err(invalid)?;
        // Refused now, not after the first call: the agent may be closed.
        self.check_open()?;
        let agent = Arc::clone(&self);
        self.on_runtime(async move {
            let approval = core::Approval {
                request_id,
                decision: decision.into(),
                idempotency_key,
            };
            let record = |attempt: accept::AcceptAttempt| {
                if let Err(e) = agent.record_history(HistoryEvent::Attempt(attempt)) {
                    log::warn!(target: "pushdoctor::retry", "an attempt was not recorded: {e}");
                }
            };
            let tell = |state: core::RetryState| {
                if let Some(listener) = &listener {
                    if let Err(e) = listener.on_state(state.into()) {
                        log::warn!(target: "pushdoctor::retry", "a retry listener {e}");
                    }
                }
            };
            let mut random = XorShift::from_entropy();
            let result = core::approve(
                approval,
                transport.as_ref(),
                &policy,
                &mut random,
                record,
                tell,
            )
            .await
            .map_err(invalid)?;
            Ok(ApproveResult {
                state: result.state.into(),
                attempts: result.attempts.into_iter().map(Into::into).collect(),
                idempotency_key: result.idempotency_key,
                elapsed_ms: i64::try_from(result.elapsed.as_millis()).unwrap_or(i64::MAX),
            })
        })
        .await
    }
}

// The core's values as the FFI's (the closed sets map both ways in
// history.rs).

fn count(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

fn millis(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

impl From<accept::AttemptOutcome> for AttemptOutcome {
    fn from(o: accept::AttemptOutcome) -> Self {
        match o {
            accept::AttemptOutcome::Success => AttemptOutcome::Success,
            accept::AttemptOutcome::Timeout => AttemptOutcome::Timeout,
            accept::AttemptOutcome::ConnectionError { kind } => {
                AttemptOutcome::ConnectionError { kind: kind.into() }
            }
            accept::AttemptOutcome::HttpError {
                status,
                server_code,
            } => AttemptOutcome::HttpError {
                status: status.into(),
                server_code,
            },
        }
    }
}

impl From<accept::AcceptAttempt> for AttemptEvent {
    fn from(a: accept::AcceptAttempt) -> Self {
        AttemptEvent {
            request_id: a.request_id,
            decision: a.decision.into(),
            started_ms: a.started_ms,
            ended_ms: a.ended_ms,
            outcome: a.outcome.into(),
            try_number: count(a.try_number),
        }
    }
}

impl From<core::ResendReason> for ResendReason {
    fn from(r: core::ResendReason) -> Self {
        match r {
            core::ResendReason::AlreadyAnswered => ResendReason::AlreadyAnswered,
            core::ResendReason::Expired => ResendReason::Expired,
            core::ResendReason::Rejected { status } => ResendReason::Rejected {
                status: status.into(),
            },
        }
    }
}

impl From<core::ShareLogsReason> for ShareLogsReason {
    fn from(r: core::ShareLogsReason) -> Self {
        match r {
            core::ShareLogsReason::AttemptsExhausted => ShareLogsReason::AttemptsExhausted,
            core::ShareLogsReason::CapReached => ShareLogsReason::CapReached,
            core::ShareLogsReason::RetryAfterBeyondCap { retry_after_ms } => {
                ShareLogsReason::RetryAfterBeyondCap {
                    retry_after_ms: millis(retry_after_ms),
                }
            }
            core::ShareLogsReason::UnexpectedStatus { status } => {
                ShareLogsReason::UnexpectedStatus {
                    status: status.into(),
                }
            }
        }
    }
}

impl From<core::RetryState> for RetryState {
    fn from(s: core::RetryState) -> Self {
        match s {
            core::RetryState::Sending { try_number } => RetryState::Sending {
                try_number: count(try_number),
            },
            core::RetryState::Retrying {
                next_try,
                after_ms,
                last_outcome,
            } => RetryState::Retrying {
                next_try: count(next_try),
                after_ms: millis(after_ms),
                last_outcome: last_outcome.into(),
            },
            core::RetryState::Succeeded { try_number } => RetryState::Succeeded {
                try_number: count(try_number),
            },
            core::RetryState::FailedResendPush { reason } => RetryState::FailedResendPush {
                reason: reason.into(),
            },
            core::RetryState::FailedShareLogs { reason } => RetryState::FailedShareLogs {
                reason: reason.into(),
            },
        }
    }
}
