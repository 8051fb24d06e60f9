//! The retry helper through the agent, driven from Rust the way Kotlin
//! and Swift drive it: the app's transport (a scripted one here) gets
//! every call with the tap's key, the listener every step, and every
//! call lands in the push history by itself.

// Only `block_on` of the shared helpers is needed here.
#[allow(dead_code)]
mod common;
use common::{block_on, quiet_config, Silent};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pushdoctor_ffi::agent::{AgentConfig, AgentError, ListenerError, PushDoctorAgent};
use pushdoctor_ffi::history::{
    AttemptOutcome, ConnectionErrorKind, Decision, RequestState, RequestStoryItem,
};
use pushdoctor_ffi::ids::Platform;
use pushdoctor_ffi::retry::{
    AcceptCall, AcceptResponse, AcceptTransport, ResendReason, RetryListener, RetryPolicy,
    RetryState, ShareLogsReason, TransportError,
};

fn agent() -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(
        AgentConfig {
            callback_timeout_ms: Some(300),
            ..quiet_config(Platform::Android)
        },
        Arc::new(Silent),
    )
    .unwrap()
}

/// What one scripted call answers.
enum Reply {
    Answer(AttemptOutcome, Option<&'static str>),
    Throw,
}

/// The app's transport: answers by a script (its last reply repeats),
/// keeping every call it was given.
struct Scripted {
    script: Vec<Reply>,
    calls: Mutex<Vec<AcceptCall>>,
}

impl Scripted {
    fn new(script: Vec<Reply>) -> Arc<Self> {
        Arc::new(Scripted {
            script,
            calls: Mutex::new(Vec::new()),
        })
    }

    fn calls(&self) -> Vec<AcceptCall> {
        self.calls.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl AcceptTransport for Scripted {
    async fn send(&self, call: AcceptCall) -> Result<AcceptResponse, TransportError> {
        let n = {
            let mut calls = self.calls.lock().unwrap();
            calls.push(call);
            calls.len() - 1
        };
        match &self.script[n.min(self.script.len() - 1)] {
            Reply::Answer(outcome, retry_after) => Ok(AcceptResponse {
                outcome: outcome.clone(),
                retry_after: retry_after.map(str::to_string),
            }),
            Reply::Throw => Err(uniffi::UnexpectedUniFFICallbackError::new(
                "java.io.IOException: unexpected end of stream\n\tat okhttp3…",
            )
            .into()),
        }
    }
}

#[derive(Default)]
struct States(Mutex<Vec<RetryState>>);

impl RetryListener for States {
    fn on_state(&self, state: RetryState) -> Result<(), ListenerError> {
        self.0.lock().unwrap().push(state);
        Ok(())
    }
}

fn http(status: i32) -> AttemptOutcome {
    AttemptOutcome::HttpError {
        status,
        server_code: None,
    }
}

fn quick() -> RetryPolicy {
    RetryPolicy {
        base_delay_ms: Some(10),
        max_delay_ms: Some(50),
        ..RetryPolicy::default()
    }
}

fn story(agent: &PushDoctorAgent, request_id: &str) -> RequestStoryItem {
    block_on(agent.push_history(10))
        .unwrap()
        .into_iter()
        .find(|s| s.request_id == request_id)
        .unwrap_or_else(|| panic!("{request_id} is not in the push history"))
}

#[test]
fn two_failures_then_a_success_through_the_apps_transport_land_in_the_history() {
    let agent = agent();
    let transport = Scripted::new(vec![
        Reply::Answer(http(503), None),
        Reply::Throw,
        Reply::Answer(AttemptOutcome::Success, None),
    ]);
    let states = Arc::new(States::default());
    let result = block_on(agent.clone().approve_with_transport(
        "req-7".into(),
        Decision::Accept,
        transport.clone(),
        Some(quick()),
        Some(states.clone()),
        None,
    ))
    .unwrap();
    assert_eq!(result.state, RetryState::Succeeded { try_number: 3 });
    let outcomes: Vec<AttemptOutcome> = result.attempts.iter().map(|a| a.outcome.clone()).collect();
    // A throw from the app's HTTP stack is a connection error, retried.
    assert_eq!(
        outcomes,
        [
            http(503),
            AttemptOutcome::ConnectionError {
                kind: ConnectionErrorKind::Other
            },
            AttemptOutcome::Success
        ]
    );
    let calls = transport.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls
        .iter()
        .all(|c| c.idempotency_key == result.idempotency_key
            && c.request_id == "req-7"
            && c.decision == Decision::Accept));
    assert_eq!(
        calls.iter().map(|c| c.try_number).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(calls
        .iter()
        .all(|c| c.timeout_ms > 0 && c.timeout_ms <= 8000));
    let states = states.0.lock().unwrap().clone();
    assert_eq!(states.len(), 6, "{states:?}");
    assert_eq!(states.last(), Some(&result.state));
    // Every call is in the history, with no recordAttempt from the app.
    let row = story(&agent, "req-7");
    assert_eq!(row.attempts, 3);
    assert_eq!(row.state, RequestState::Accepted);
    block_on(agent.shutdown());
}

#[test]
fn an_answer_that_cannot_succeed_is_sent_once_and_the_history_says_failed() {
    let agent = agent();
    let transport = Scripted::new(vec![Reply::Answer(
        AttemptOutcome::HttpError {
            status: 409,
            server_code: Some("already_answered".into()),
        },
        None,
    )]);
    let result = block_on(agent.clone().approve_with_transport(
        "req-8".into(),
        Decision::Deny,
        transport.clone(),
        None,
        None,
        Some("tap-8".into()),
    ))
    .unwrap();
    assert_eq!(
        result.state,
        RetryState::FailedResendPush {
            reason: ResendReason::AlreadyAnswered
        }
    );
    assert_eq!(transport.calls().len(), 1);
    assert_eq!(transport.calls()[0].idempotency_key, "tap-8");
    let row = story(&agent, "req-8");
    assert_eq!((row.attempts, row.state), (1, RequestState::Failed));
}

#[test]
fn the_apps_retry_after_is_read_and_the_cap_holds() {
    let agent = agent();
    // "0": retry at once, whatever the backoff says.
    let transport = Scripted::new(vec![
        Reply::Answer(http(429), Some("0")),
        Reply::Answer(AttemptOutcome::Success, None),
    ]);
    let states = Arc::new(States::default());
    let policy = RetryPolicy {
        base_delay_ms: Some(5000),
        max_delay_ms: Some(5000),
        ..RetryPolicy::default()
    };
    let result = block_on(agent.clone().approve_with_transport(
        "req-9".into(),
        Decision::Accept,
        transport,
        Some(policy),
        Some(states.clone()),
        None,
    ))
    .unwrap();
    assert_eq!(result.state, RetryState::Succeeded { try_number: 2 });
    assert!(states.0.lock().unwrap().contains(&RetryState::Retrying {
        next_try: 2,
        after_ms: 0,
        last_outcome: http(429),
    }));
    // Past the default 20 s cap: stopped at once, and said why.
    let transport = Scripted::new(vec![Reply::Answer(http(503), Some("30"))]);
    let result = block_on(agent.clone().approve_with_transport(
        "req-10".into(),
        Decision::Accept,
        transport.clone(),
        None,
        None,
        None,
    ))
    .unwrap();
    assert_eq!(
        result.state,
        RetryState::FailedShareLogs {
            reason: ShareLogsReason::RetryAfterBeyondCap {
                retry_after_ms: 30_000
            }
        }
    );
    assert_eq!(transport.calls().len(), 1);
}

#[test]
fn a_bad_policy_key_or_endpoint_is_refused_before_any_call() {
    let agent = agent();
    let transport = Scripted::new(vec![Reply::Answer(AttemptOutcome::Success, None)]);
    let refused = |policy: RetryPolicy, key: Option<&str>| match block_on(
        agent.clone().approve_with_transport(
            "req-1".into(),
            Decision::Accept,
            transport.clone(),
            Some(policy),
            None,
            key.map(str::to_string),
        ),
    ) {
        Err(AgentError::InvalidArgument { reason }) => reason,
        other => panic!("{other:?}"),
    };
    let reason = refused(
        RetryPolicy {
            max_attempts: Some(-1),
            ..RetryPolicy::default()
        },
        None,
    );
    assert!(
        reason.contains("RetryPolicy.max_attempts is -1"),
        "{reason}"
    );
    let reason = refused(
        RetryPolicy {
            attempt_timeout_ms: Some(0),
            ..RetryPolicy::default()
        },
        None,
    );
    assert!(reason.contains("RetryPolicy.attempt_timeout"), "{reason}");
    let reason = refused(
        RetryPolicy {
            base_delay_ms: Some(-5),
            ..RetryPolicy::default()
        },
        None,
    );
    assert!(
        reason.contains("RetryPolicy.base_delay_ms is -5"),
        "{reason}"
    );
    let reason = refused(RetryPolicy::default(), Some("two words"));
    assert!(reason.contains("idempotency_key"), "{reason}");
    assert!(transport.calls().is_empty());

    let endpoint = block_on(agent.clone().approve_with_endpoint(
        "req-1".into(),
        Decision::Accept,
        "http://mfa.example.com/approve".into(),
        "{}".into(),
        HashMap::new(),
        None,
        None,
        None,
    ));
    match endpoint {
        Err(AgentError::InvalidArgument { reason }) => {
            assert!(reason.contains("Accept endpoint"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

/// Each request's `Idempotency-Key` and body, in order.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A loopback HTTP service on a plain thread: 503 to the first request,
/// 200 to the rest; keeps each request's `Idempotency-Key` and body.
fn service() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/approve", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut key, mut length) = (String::new(), 0usize);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap_or((&line, ""));
                match name.to_ascii_lowercase().as_str() {
                    "idempotency-key" => key = value.trim().to_string(),
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let first = {
                let mut seen = keep.lock().unwrap();
                seen.push((key, String::from_utf8_lossy(&body).into_owned()));
                seen.len() == 1
            };
            let status = if first {
                "503 Service Unavailable"
            } else {
                "200 OK"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            );
        }
    });
    (url, seen)
}

#[test]
fn the_endpoint_transport_posts_the_body_with_one_key_per_tap() {
    let agent = agent();
    let (url, seen) = service();
    let body = r#"{"request":"req-11","answer":"approve"}"#;
    let result = block_on(agent.clone().approve_with_endpoint(
        "req-11".into(),
        Decision::Accept,
        url,
        body.into(),
        HashMap::from([("Authorization".to_string(), "Bearer t".to_string())]),
        Some(quick()),
        None,
        None,
    ))
    .unwrap();
    assert_eq!(result.state, RetryState::Succeeded { try_number: 2 });
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen
        .iter()
        .all(|(key, sent)| *key == result.idempotency_key && sent == body));
    let row = story(&agent, "req-11");
    assert_eq!((row.attempts, row.state), (2, RequestState::Accepted));
}
