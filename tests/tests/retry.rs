//! The retry helper against real HTTP servers on loopback: each way an
//! Accept call fails is retried, or not, as `docs/history.md` says, every
//! attempt is recorded, every attempt of a tap carries the same
//! idempotency key, and the person never waits past the cap.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pushdoctor_core::accept::retry::{
    approve, backoff, Approval, HttpEndpoint, HttpTransport, IdempotencyKey, ResendReason,
    RetryError, RetryPolicy, RetryResult, RetryState, ShareLogsReason, XorShift,
};
use pushdoctor_core::accept::{AcceptAttempt, AttemptOutcome, ConnectionErrorKind, Decision};
use pushdoctor_core::probes::TrustRoots;
use pushdoctor_tests::approvals::{serve_approvals, ApprovalServer, Step};
use pushdoctor_tests::loopback::{closed_port, Answer, V4};

/// What a busy 2-core machine may add to a wait before it counts as missed.
const SLACK: Duration = Duration::from_millis(1500);

/// Small delays, so the suite is fast; a roomy cap, so only the tests
/// about the cap reach it.
fn quick() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        total_cap: Duration::from_secs(10),
        attempt_timeout: Duration::from_secs(3),
    }
}

const BODY: &str = r#"{"request_id":"req-1","decision":"accept"}"#;

fn transport(url: &str) -> HttpTransport {
    HttpTransport::new(HttpEndpoint {
        url: url.into(),
        body: BODY.into(),
        headers: vec![("Authorization".into(), "Bearer app-token".into())],
        trust: TrustRoots::default(),
    })
    .expect("a loopback endpoint")
}

/// One tap, with what the callbacks saw.
struct Tap {
    result: RetryResult,
    attempts: Vec<AcceptAttempt>,
    states: Vec<RetryState>,
}

async fn tap_on(url: &str, policy: RetryPolicy) -> Tap {
    let transport = transport(url);
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let states = Arc::new(Mutex::new(Vec::new()));
    let (a, s) = (attempts.clone(), states.clone());
    // Seeded, so a run repeats; a new seed per tap, as each tap of an app
    // draws new numbers.
    static SEED: AtomicU64 = AtomicU64::new(12);
    let mut random = XorShift::seeded(SEED.fetch_add(1, Ordering::Relaxed));
    let result = approve(
        Approval {
            request_id: "req-1".into(),
            decision: Decision::Accept,
            idempotency_key: None,
        },
        &transport,
        &policy,
        &mut random,
        move |attempt| a.lock().unwrap().push(attempt),
        move |state| s.lock().unwrap().push(state),
    )
    .await
    .expect("a valid tap");
    let attempts = attempts.lock().unwrap().clone();
    let states = states.lock().unwrap().clone();
    // The callbacks and the result tell the same story.
    assert_eq!(result.attempts, attempts);
    assert_eq!(states.last(), Some(&result.state));
    assert!(result.state.is_final());
    assert_eq!(
        states.iter().filter(|s| s.is_final()).count(),
        1,
        "{states:?}"
    );
    for (n, attempt) in attempts.iter().enumerate() {
        assert_eq!(attempt.try_number as usize, n + 1);
        assert_eq!(attempt.request_id, "req-1");
        assert_eq!(attempt.decision, Decision::Accept);
        assert!(attempt.ended_ms >= attempt.started_ms);
    }
    Tap {
        result,
        attempts,
        states,
    }
}

fn outcomes(tap: &Tap) -> Vec<AttemptOutcome> {
    tap.attempts.iter().map(|a| a.outcome.clone()).collect()
}

fn http(status: u16) -> AttemptOutcome {
    AttemptOutcome::HttpError {
        status,
        server_code: None,
    }
}

/// Every request the server saw carried the tap's key, its body and the
/// app's headers.
fn assert_same_key(server: &ApprovalServer, tap: &Tap) {
    let seen = server.seen();
    assert_eq!(seen.len(), tap.attempts.len());
    for request in &seen {
        assert_eq!(request.method, "POST");
        assert_eq!(request.key(), Some(tap.result.idempotency_key.as_str()));
        assert_eq!(request.body, BODY);
        assert_eq!(
            request.headers.get("authorization").map(String::as_str),
            Some("Bearer app-token")
        );
        assert_eq!(
            request.headers.get("content-type").map(String::as_str),
            Some("application/json")
        );
    }
}

#[tokio::test]
async fn two_failures_then_a_success_apply_one_approval() {
    let server = serve_approvals(vec![Step::status(503), Step::status(500), Step::ok()]).await;
    let tap = tap_on(&server.url(), quick()).await;
    assert_eq!(tap.result.state, RetryState::Succeeded { try_number: 3 });
    assert_eq!(
        outcomes(&tap),
        [http(503), http(500), AttemptOutcome::Success]
    );
    assert_same_key(&server, &tap);
    assert_eq!(tap.result.idempotency_key.len(), 32);
    assert_eq!(server.applications(), 1);
    assert_eq!(
        server.applied_keys(),
        std::slice::from_ref(&tap.result.idempotency_key)
    );
    // Each step was told, in order; each delay within the backoff's ceiling.
    let steps: Vec<String> = tap
        .states
        .iter()
        .map(|s| match s {
            RetryState::Sending { try_number } => format!("send {try_number}"),
            RetryState::Retrying { next_try, .. } => format!("retry {next_try}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        steps,
        [
            "send 1",
            "retry 2",
            "send 2",
            "retry 3",
            "send 3",
            "Succeeded { try_number: 3 }"
        ]
    );
    let policy = quick();
    for state in &tap.states {
        if let RetryState::Retrying {
            next_try,
            after_ms,
            last_outcome,
        } = state
        {
            let top = backoff::ceiling(&policy, next_try - 2);
            assert!(u128::from(*after_ms) <= top.as_millis(), "{state:?}");
            assert!(matches!(last_outcome, AttemptOutcome::HttpError { .. }));
        }
    }
}

#[tokio::test]
async fn a_new_tap_has_a_new_key_and_an_apps_key_is_sent_as_given() {
    let server = serve_approvals(vec![Step::ok()]).await;
    let first = tap_on(&server.url(), quick()).await;
    let second = tap_on(&server.url(), quick()).await;
    assert_ne!(first.result.idempotency_key, second.result.idempotency_key);
    assert_eq!(server.applications(), 2);

    let transport = transport(&server.url());
    let mut random = XorShift::seeded(1);
    let result = approve(
        Approval {
            request_id: "req-2".into(),
            decision: Decision::Deny,
            idempotency_key: Some(IdempotencyKey::given("app-key-7").unwrap()),
        },
        &transport,
        &quick(),
        &mut random,
        |_| {},
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(result.idempotency_key, "app-key-7");
    assert_eq!(result.attempts[0].decision, Decision::Deny);
    assert_eq!(server.seen()[2].key(), Some("app-key-7"));
}

#[tokio::test]
async fn a_service_that_always_fails_is_left_within_the_cap() {
    let server = serve_approvals(vec![Step::status(503)]).await;
    let policy = RetryPolicy {
        max_attempts: 20,
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_millis(600),
        total_cap: Duration::from_millis(2000),
        attempt_timeout: Duration::from_millis(1000),
    };
    let started = Instant::now();
    let tap = tap_on(&server.url(), policy).await;
    let waited = started.elapsed();
    assert_eq!(
        tap.result.state,
        RetryState::FailedShareLogs {
            reason: ShareLogsReason::CapReached
        }
    );
    assert!(waited <= policy.total_cap + SLACK, "waited {waited:?}");
    assert!(tap.result.elapsed <= waited);
    // It did retry, and stopped long before its 20 attempts.
    let n = tap.attempts.len();
    assert!((2..20).contains(&n), "{n} attempts");
    assert!(outcomes(&tap).iter().all(|o| *o == http(503)));
    assert_same_key(&server, &tap);
    assert_eq!(server.applications(), 0);
    let seen = server.seen();
    let span = seen.last().unwrap().at - seen[0].at;
    assert!(span <= policy.total_cap, "the requests spanned {span:?}");
}

#[tokio::test]
async fn a_service_that_always_fails_gets_the_policys_attempts_then_share_logs() {
    let server = serve_approvals(vec![Step::status(502)]).await;
    let tap = tap_on(
        &server.url(),
        RetryPolicy {
            max_attempts: 3,
            ..quick()
        },
    )
    .await;
    assert_eq!(
        tap.result.state,
        RetryState::FailedShareLogs {
            reason: ShareLogsReason::AttemptsExhausted
        }
    );
    assert_eq!(tap.attempts.len(), 3);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let server = serve_approvals(vec![Step::status(400), Step::ok()]).await;
    let tap = tap_on(&server.url(), quick()).await;
    assert_eq!(
        tap.result.state,
        RetryState::FailedResendPush {
            reason: ResendReason::Rejected { status: 400 }
        }
    );
    assert_eq!(outcomes(&tap), [http(400)]);
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.applications(), 0);
}

#[tokio::test]
async fn already_answered_and_expired_are_not_retried() {
    let server = serve_approvals(vec![
        Step::Answer(Answer::status(409).body(r#"{"error":{"code":"already_answered"}}"#)),
        Step::ok(),
    ])
    .await;
    let tap = tap_on(&server.url(), quick()).await;
    assert_eq!(
        tap.result.state,
        RetryState::FailedResendPush {
            reason: ResendReason::AlreadyAnswered
        }
    );
    assert_eq!(
        outcomes(&tap),
        [AttemptOutcome::HttpError {
            status: 409,
            server_code: Some("already_answered".into())
        }]
    );
    assert_eq!(server.seen().len(), 1);

    // The service's code says it, under a status that would be retried.
    let server = serve_approvals(vec![
        Step::Answer(Answer::status(503).body(r#"{"code":"REQUEST_EXPIRED"}"#)),
        Step::ok(),
    ])
    .await;
    let expired = tap_on(&server.url(), quick()).await;
    assert_eq!(
        expired.result.state,
        RetryState::FailedResendPush {
            reason: ResendReason::Expired
        }
    );
    assert_eq!(server.seen().len(), 1);
}

/// A server asking to wait a second, then confirming: the retry waits.
async fn retry_after_is_honoured(status: u16) {
    let server = serve_approvals(vec![
        Step::Answer(Answer::status(status).header("Retry-After", "1")),
        Step::ok(),
    ])
    .await;
    // The backoff alone would wait at most 20 ms.
    let tap = tap_on(&server.url(), quick()).await;
    assert_eq!(tap.result.state, RetryState::Succeeded { try_number: 2 });
    assert!(
        tap.states.iter().any(|s| matches!(
            s,
            RetryState::Retrying {
                next_try: 2,
                after_ms: 1000,
                ..
            }
        )),
        "{:?}",
        tap.states
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    assert!(
        gap >= Duration::from_millis(900),
        "{status}: retried after {gap:?}"
    );
    assert_same_key(&server, &tap);
    assert_eq!(server.applications(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_on_429() {
    retry_after_is_honoured(429).await;
}

#[tokio::test]
async fn retry_after_is_honoured_on_503() {
    retry_after_is_honoured(503).await;
}

#[tokio::test]
async fn a_retry_after_past_the_cap_stops_at_once_and_says_so() {
    let server = serve_approvals(vec![
        Step::Answer(Answer::status(429).header("Retry-After", "30")),
        Step::ok(),
    ])
    .await;
    let started = Instant::now();
    let tap = tap_on(&server.url(), quick()).await;
    assert_eq!(
        tap.result.state,
        RetryState::FailedShareLogs {
            reason: ShareLogsReason::RetryAfterBeyondCap {
                retry_after_ms: 30_000
            }
        }
    );
    assert!(started.elapsed() < SLACK, "{:?}", started.elapsed());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_hanging_server_times_out_and_the_retry_succeeds() {
    let server = serve_approvals(vec![Step::Hang, Step::ok()]).await;
    let policy = RetryPolicy {
        attempt_timeout: Duration::from_millis(500),
        ..quick()
    };
    let tap = tap_on(&server.url(), policy).await;
    assert_eq!(tap.result.state, RetryState::Succeeded { try_number: 2 });
    assert_eq!(
        outcomes(&tap),
        [AttemptOutcome::Timeout, AttemptOutcome::Success]
    );
    // The first attempt waited its time, not less.
    assert!(tap.attempts[0].latency_ms() >= 450, "{:?}", tap.attempts[0]);
    assert_same_key(&server, &tap);
    assert_eq!(server.applications(), 1);
}

#[tokio::test]
async fn a_server_that_always_hangs_is_left_within_the_cap() {
    let server = serve_approvals(vec![Step::Hang]).await;
    let policy = RetryPolicy {
        max_attempts: 10,
        attempt_timeout: Duration::from_millis(600),
        total_cap: Duration::from_millis(1500),
        ..quick()
    };
    let started = Instant::now();
    let tap = tap_on(&server.url(), policy).await;
    let waited = started.elapsed();
    assert!(waited <= policy.total_cap + SLACK, "waited {waited:?}");
    assert!(tap.attempts.len() >= 2, "{:?}", tap.attempts);
    assert!(outcomes(&tap).iter().all(|o| *o == AttemptOutcome::Timeout));
    assert!(matches!(
        tap.result.state,
        RetryState::FailedShareLogs {
            reason: ShareLogsReason::CapReached | ShareLogsReason::AttemptsExhausted
        }
    ));
}

#[tokio::test]
async fn an_answer_cut_mid_body_is_retried_and_applied_once() {
    // The service applies the approval, then its answer breaks off after
    // the head and part of the body: a 200 that never arrived whole.
    let answer = Answer::status(200).body(&format!(
        r#"{{"status":"approved","pad":"{}"}}"#,
        "x".repeat(200)
    ));
    let cut_at = answer.render().len() - 100;
    let server = serve_approvals(vec![
        Step::Cut {
            answer,
            bytes: cut_at,
        },
        Step::ok(),
    ])
    .await;
    let tap = tap_on(&server.url(), quick()).await;
    assert_eq!(
        outcomes(&tap),
        [
            AttemptOutcome::ConnectionError {
                kind: ConnectionErrorKind::Reset
            },
            AttemptOutcome::Success
        ]
    );
    assert_eq!(tap.result.state, RetryState::Succeeded { try_number: 2 });
    // Two calls, one key, one approval: the key made the retry safe.
    assert_same_key(&server, &tap);
    assert_eq!(server.applications(), 1);
}

#[tokio::test]
async fn an_answer_cut_mid_head_is_retried() {
    let server = serve_approvals(vec![
        Step::Cut {
            answer: Answer::status(503),
            bytes: 12,
        },
        Step::ok(),
    ])
    .await;
    let tap = tap_on(&server.url(), quick()).await;
    assert_eq!(
        outcomes(&tap),
        [
            AttemptOutcome::ConnectionError {
                kind: ConnectionErrorKind::Reset
            },
            AttemptOutcome::Success
        ]
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_until_the_attempts_run_out() {
    let url = format!("http://127.0.0.1:{}/approve", closed_port(V4));
    let tap = tap_on(
        &url,
        RetryPolicy {
            max_attempts: 3,
            ..quick()
        },
    )
    .await;
    assert_eq!(
        outcomes(&tap),
        vec![
            AttemptOutcome::ConnectionError {
                kind: ConnectionErrorKind::Refused
            };
            3
        ]
    );
    assert_eq!(
        tap.result.state,
        RetryState::FailedShareLogs {
            reason: ShareLogsReason::AttemptsExhausted
        }
    );
}

#[tokio::test]
async fn a_broken_policy_or_request_sends_nothing() {
    let server = serve_approvals(vec![Step::ok()]).await;
    let transport = transport(&server.url());
    let mut random = XorShift::seeded(5);
    let broken = RetryPolicy {
        max_attempts: 0,
        ..quick()
    };
    let approval = |id: &str| Approval {
        request_id: id.into(),
        decision: Decision::Accept,
        idempotency_key: None,
    };
    let error = approve(
        approval("req-1"),
        &transport,
        &broken,
        &mut random,
        |_| {},
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, RetryError::Policy(e) if e.field == "max_attempts"),
        "{error}"
    );
    let error = approve(
        approval("  "),
        &transport,
        &quick(),
        &mut random,
        |_| {},
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(error.to_string(), "request_id: is empty");
    assert!(server.seen().is_empty());
}
