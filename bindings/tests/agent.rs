//! The agent driven from Rust the way Kotlin and Swift drive it: a platform
//! probe with controllable answers, including one that hangs, one that
//! fails, one that panics and one that answers after its deadline.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use pushdoctor_core::{diagnose, Answers, Diagnosis, MfaReportStatus, Options, Platform};
use pushdoctor_ffi::agent::{
    AgentConfig, AgentError, AgentEvent, AppObservations, DiagnosisReport, EventListener,
    EvidenceItem, ListenerError, LogEntry, ProgressListener, PushDoctorAgent,
};
use pushdoctor_ffi::network::NetworkCheckConfig;
use pushdoctor_ffi::platform::{
    snapshot_from, ChannelImportance, DeviceFacts, FocusFacts, NetworkFacts, NotificationFacts,
    PlatformAnswers, PlatformError, PlatformProbe, PowerFacts,
};

/// A minimal executor that is not tokio, like a foreign caller's.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return out;
        }
        std::thread::park();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    Answer,
    Hang,
    Fail,
    Panic,
    Late,
    /// What a Kotlin throw arrives as: uniffi's unexpected error, here
    /// with the multi-line stack trace a synchronous callback sends.
    Throw,
}

struct Probe {
    notifications: Behaviour,
    notifications_enabled: bool,
    offline: bool,
}

impl Probe {
    async fn behave<T>(&self, behaviour: Behaviour, value: T) -> Result<T, PlatformError> {
        match behaviour {
            Behaviour::Answer => Ok(value),
            Behaviour::Hang => std::future::pending().await,
            Behaviour::Fail => Err(PlatformError::NotPermitted {
                reason: "POST_NOTIFICATIONS not granted".into(),
            }),
            Behaviour::Panic => panic!("probe bug"),
            Behaviour::Throw => Err(uniffi::UnexpectedUniFFICallbackError::new(
                "java.lang.StackOverflowError\n\tat AndroidProbe.notifications(AndroidProbe.kt:12)\n"
                    .repeat(1000),
            )
            .into()),
            Behaviour::Late => {
                tokio::time::sleep(Duration::from_millis(900)).await;
                Ok(value)
            }
        }
    }
}

#[async_trait::async_trait]
impl PlatformProbe for Probe {
    async fn network(&self) -> Result<NetworkFacts, PlatformError> {
        Ok(NetworkFacts {
            connected: Some(!self.offline),
            airplane_mode: Some(false),
            transport: Some("wifi".into()),
            ..NetworkFacts::default()
        })
    }
    async fn notifications(&self) -> Result<NotificationFacts, PlatformError> {
        let facts = NotificationFacts {
            enabled: Some(self.notifications_enabled),
            ..NotificationFacts::default()
        };
        self.behave(self.notifications, facts).await
    }
    async fn focus(&self) -> Result<FocusFacts, PlatformError> {
        Ok(FocusFacts {
            active: Some(false),
            app_allowed: None,
        })
    }
    async fn power(&self) -> Result<PowerFacts, PlatformError> {
        Ok(PowerFacts {
            battery_saver: Some(false),
            ..PowerFacts::default()
        })
    }
    async fn device(&self) -> Result<DeviceFacts, PlatformError> {
        Ok(DeviceFacts {
            model: Some("Pixel 8".into()),
            os_version: Some("15".into()),
            app_version: Some("6.2.0".into()),
            locale: Some("en_GB".into()),
            push_token_registered: Some(true),
            ..DeviceFacts::default()
        })
    }
    fn open_settings(&self, target: String) -> Result<bool, PlatformError> {
        Ok(target == "app_notification_settings")
    }
}

fn agent(notifications: Behaviour, dir: Option<&std::path::Path>) -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(
        AgentConfig {
            platform: "android".into(),
            log_directory: dir.map(|d| d.display().to_string()),
            max_log_bytes: None,
            callback_timeout_ms: Some(300),
            echo_to_platform_log: Some(false),
            network: None,
        },
        Arc::new(Probe {
            notifications,
            notifications_enabled: false,
            offline: false,
        }),
    )
    .unwrap()
}

fn no_push() -> AppObservations {
    AppObservations {
        push_received: Some(false),
        ..AppObservations::default()
    }
}

#[test]
fn the_platform_answers_and_the_flow_concludes() {
    let agent = agent(Behaviour::Answer, None);
    struct Count(AtomicU32);
    impl ProgressListener for Count {
        fn on_progress(&self, _step: String, _done: u32, _total: u32) -> Result<(), ListenerError> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    }
    let progress = Arc::new(Count(AtomicU32::new(0)));
    let report = block_on(agent.run_diagnostics(no_push(), Some(progress.clone()))).unwrap();
    assert_eq!(report.scenario.as_deref(), Some("push_not_received"));
    let ids: Vec<&str> = report.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["enable_notifications", "resend_push"]);
    assert_eq!(
        report.actions[0].steps,
        ["Settings > Apps > miniOrange Authenticator > Notifications > Allow"]
    );
    assert_eq!(
        report.actions[0].settings_target.as_deref(),
        Some("app_notification_settings")
    );
    assert!(agent
        .open_settings("app_notification_settings".into())
        .unwrap());
    assert!(report.probe_issues.is_empty());
    assert_eq!(progress.0.load(Ordering::Relaxed), 3);
    assert!(report.json.contains("\"model\":\"Pixel 8\""));
    agent.shutdown();
}

#[test]
fn a_hanging_failing_late_or_panicking_callback_is_an_unknown_fact() {
    for (behaviour, reason) in [
        (Behaviour::Hang, "no answer within 300 ms"),
        (Behaviour::Late, "no answer within 300 ms"),
        (
            Behaviour::Fail,
            "not permitted: POST_NOTIFICATIONS not granted",
        ),
        (Behaviour::Panic, "the probe panicked"),
        (Behaviour::Throw, "threw java.lang.StackOverflowError"),
    ] {
        let agent = agent(behaviour, None);
        // The reason says the deadline ended a hanging call (how long the
        // run took is not asserted: timing flakes on a busy machine).
        let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
        assert_eq!(report.probe_issues.len(), 1);
        assert_eq!(report.probe_issues[0].probe, "notifications");
        assert_eq!(report.probe_issues[0].reason, reason);
        // Notifications unknown: the walk stops at that question.
        let question = report.next_question.expect("a question is open");
        assert_eq!(question.row, "push_not_received.notifications");
        agent.shutdown();
    }
}

/// Counts the probe calls started, and those dropped (cancelled) before
/// they answered: each hangs until dropped.
#[derive(Default)]
struct Hanging {
    started: AtomicU32,
    dropped: AtomicU32,
}

impl Hanging {
    async fn hang<T>(&self) -> Result<T, PlatformError> {
        struct Dropped<'a>(&'a AtomicU32);
        impl Drop for Dropped<'_> {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let _dropped = Dropped(&self.dropped);
        self.started.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }
}

#[async_trait::async_trait]
impl PlatformProbe for Hanging {
    async fn network(&self) -> Result<NetworkFacts, PlatformError> {
        self.hang().await
    }
    async fn notifications(&self) -> Result<NotificationFacts, PlatformError> {
        self.hang().await
    }
    async fn focus(&self) -> Result<FocusFacts, PlatformError> {
        self.hang().await
    }
    async fn power(&self) -> Result<PowerFacts, PlatformError> {
        self.hang().await
    }
    async fn device(&self) -> Result<DeviceFacts, PlatformError> {
        self.hang().await
    }
    fn open_settings(&self, _target: String) -> Result<bool, PlatformError> {
        Ok(false)
    }
}

fn hanging_agent(callback_timeout_ms: u64) -> (Arc<PushDoctorAgent>, Arc<Hanging>) {
    let probe = Arc::new(Hanging::default());
    let agent = PushDoctorAgent::new(
        AgentConfig {
            platform: "android".into(),
            log_directory: None,
            max_log_bytes: None,
            callback_timeout_ms: Some(callback_timeout_ms),
            echo_to_platform_log: Some(false),
            network: None,
        },
        probe.clone(),
    )
    .unwrap();
    (agent, probe)
}

/// Waits (sleeping, at most 10 s: a generous bound on a busy machine, not
/// a timing claim) until `counter` reaches `want`; returns what it reached.
fn wait_for(counter: &AtomicU32, want: u32) -> u32 {
    for _ in 0..1000 {
        if counter.load(Ordering::SeqCst) >= want {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    counter.load(Ordering::SeqCst)
}

/// The app cancelling a run (dropping its future) drops every platform call
/// still in flight with it: on the foreign side that is uniffi's "dropped"
/// signal, which cancels the coroutine. Before, each call was a detached
/// task that went on until its own deadline (a minute here).
#[test]
fn cancelling_a_run_drops_the_probe_calls_in_flight() {
    let (agent, probe) = hanging_agent(60_000);
    let mut run = Box::pin(agent.run_diagnostics(no_push(), None));
    let mut context = Context::from_waker(Waker::noop());
    assert!(run.as_mut().poll(&mut context).is_pending());
    assert_eq!(wait_for(&probe.started, 5), 5, "all five calls started");
    assert_eq!(probe.dropped.load(Ordering::SeqCst), 0);
    drop(run);
    assert_eq!(
        wait_for(&probe.dropped, 5),
        5,
        "all five calls were dropped"
    );
    // The agent still works after a cancelled run.
    assert!(agent
        .answer("push_not_received.notifications".into(), "no".into())
        .is_ok());
    agent.shutdown();
}

/// A call past its deadline is dropped, not left running: by the time the
/// run answers, every hanging call has been cancelled.
#[test]
fn a_probe_call_past_its_deadline_is_dropped_before_the_run_answers() {
    let (agent, probe) = hanging_agent(200);
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    assert_eq!(report.probe_issues.len(), 5);
    assert!(report
        .probe_issues
        .iter()
        .all(|i| i.reason == "no answer within 200 ms"));
    assert_eq!(probe.started.load(Ordering::SeqCst), 5);
    assert_eq!(probe.dropped.load(Ordering::SeqCst), 5);
    agent.shutdown();
}

/// A listener that fails (a Kotlin throw arrives as an `Err`) ends neither
/// the run nor the other listeners' events.
#[test]
fn a_failing_listener_ends_neither_the_run_nor_the_others_events() {
    struct Failing(AtomicU32);
    impl ProgressListener for Failing {
        fn on_progress(&self, _: String, _: u32, _: u32) -> Result<(), ListenerError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Err(uniffi::UnexpectedUniFFICallbackError::new("kotlin.NotImplementedError").into())
        }
    }
    impl EventListener for Failing {
        fn on_event(&self, _: AgentEvent) -> Result<(), ListenerError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Err(ListenerError::Unexpected {
                reason: "java.lang.OutOfMemoryError".into(),
            })
        }
    }
    struct Events(std::sync::Mutex<Vec<AgentEvent>>);
    impl EventListener for Events {
        fn on_event(&self, event: AgentEvent) -> Result<(), ListenerError> {
            self.0.lock().unwrap().push(event);
            Ok(())
        }
    }
    let agent = agent(Behaviour::Answer, None);
    let failing = Arc::new(Failing(AtomicU32::new(0)));
    let events = Arc::new(Events(Default::default()));
    agent.subscribe(failing.clone());
    agent.subscribe(events.clone());
    let report = block_on(agent.run_diagnostics(no_push(), Some(failing.clone()))).unwrap();
    assert_eq!(report.scenario.as_deref(), Some("push_not_received"));
    // Three progress steps and one event, each failing.
    assert_eq!(failing.0.load(Ordering::SeqCst), 4);
    let seen = events.0.lock().unwrap().clone();
    assert!(
        matches!(seen.as_slice(), [AgentEvent::DiagnosisFinished { .. }]),
        "{seen:?}"
    );
    agent.shutdown();
}

#[test]
fn the_guided_walk_takes_answers() {
    let agent = agent(Behaviour::Hang, None);
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    let question = report.next_question.unwrap();
    assert_eq!(question.choices, ["yes", "no"]);
    let report = agent.answer(question.row, "no".into()).unwrap();
    assert_eq!(report.actions[0].id, "enable_notifications");
    assert!(matches!(
        agent.answer("push_ok.nonsense".into(), "yes".into()),
        Err(AgentError::InvalidArgument { .. })
    ));
    agent.shutdown();
}

#[test]
fn logs_from_many_threads_reach_a_bundle_while_a_diagnosis_runs() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(Behaviour::Late, Some(&dir.path().join("logs")));
    std::thread::scope(|s| {
        for t in 0..4 {
            let agent = Arc::clone(&agent);
            s.spawn(move || {
                for i in 0..250 {
                    agent.log(LogEntry {
                        level: "info".into(),
                        tag: "Accept".into(),
                        message: format!("thread {t} record {i} for bob@example.com"),
                        timestamp_ms: 1_790_000_000_000 + i,
                        thread: Some(format!("t{t}")),
                        fields: vec![],
                    });
                }
            });
        }
        s.spawn(|| block_on(agent.run_diagnostics(no_push(), None)).unwrap());
    });
    let out = dir.path().join("b.zip");
    let path =
        block_on(agent.build_bundle(out.display().to_string(), "repeated_accept_failures".into()))
            .unwrap();
    let bundle =
        pushdoctor_core::bundle::inspect::Bundle::open(std::path::Path::new(&path)).unwrap();
    assert!(bundle.verify().is_ok());
    let m = &bundle.manifest;
    assert!(m.records.included >= 1000, "{}", m.records.included);
    assert_eq!(m.redaction.counts.0["email"], 1000);
    assert_eq!(m.device.model.as_deref(), Some("Pixel 8"));
    agent.shutdown();
}

#[test]
fn a_closed_agent_says_so() {
    let agent = agent(Behaviour::Answer, None);
    agent.shutdown();
    assert!(matches!(
        block_on(agent.run_diagnostics(no_push(), None)),
        Err(AgentError::Closed)
    ));
    assert!(matches!(
        agent.answer("push_ok.received".into(), "yes".into()),
        Err(AgentError::Closed)
    ));
    agent.log(LogEntry {
        level: "info".into(),
        tag: "t".into(),
        message: "after close".into(),
        timestamp_ms: 0,
        thread: None,
        fields: vec![],
    });
    agent.shutdown();
}

#[test]
fn bad_arguments_are_typed_errors() {
    let err = PushDoctorAgent::new(
        AgentConfig {
            platform: "windows".into(),
            log_directory: None,
            max_log_bytes: None,
            callback_timeout_ms: None,
            echo_to_platform_log: Some(false),
            network: None,
        },
        Arc::new(Probe {
            notifications: Behaviour::Answer,
            notifications_enabled: true,
            offline: false,
        }),
    )
    .err()
    .unwrap();
    assert!(matches!(err, AgentError::InvalidArgument { .. }));
    let agent = agent(Behaviour::Answer, None);
    let bad = AppObservations {
        mfa_report_status: Some("Sent".into()),
        ..AppObservations::default()
    };
    assert!(matches!(
        block_on(agent.run_diagnostics(bad, None)),
        Err(AgentError::InvalidArgument { .. })
    ));
    agent.shutdown();
}

/// A plain-HTTP server on loopback answering every request with `status`,
/// on a thread of its own (the agent brings its own runtime).
fn http_server(status: u16) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    addr
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn networked_agent(network: NetworkCheckConfig) -> Result<Arc<PushDoctorAgent>, AgentError> {
    networked_agent_on(network, false)
}

fn networked_agent_on(
    network: NetworkCheckConfig,
    offline: bool,
) -> Result<Arc<PushDoctorAgent>, AgentError> {
    PushDoctorAgent::new(
        AgentConfig {
            platform: "android".into(),
            log_directory: None,
            max_log_bytes: None,
            callback_timeout_ms: Some(300),
            echo_to_platform_log: Some(false),
            network: Some(network),
        },
        Arc::new(Probe {
            notifications: Behaviour::Answer,
            notifications_enabled: true,
            offline,
        }),
    )
}

#[test]
fn a_diagnosis_probes_the_network_when_configured() {
    let service = http_server(503);
    let agent = networked_agent(NetworkCheckConfig {
        backend_url: Some(format!("http://{service}/health")),
        skip_captive_portal: Some(true),
        push_endpoints: Some(vec![format!("127.0.0.1:{}", closed_port())]),
        deadline_ms: Some(3000),
        ..NetworkCheckConfig::default()
    })
    .unwrap();
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    let status = |check: &str| {
        report
            .findings
            .iter()
            .find(|f| f.check == check)
            .map(|f| f.status.clone())
            .unwrap()
    };
    assert_eq!(status("network.backend_reachable"), "pass");
    assert_eq!(status("service.available"), "fail");
    assert_eq!(status("network.push_service_reachable"), "fail");
    let actions: Vec<&str> = report.actions.iter().map(|a| a.id.as_str()).collect();
    assert!(actions.contains(&"switch_network"), "{actions:?}");
    assert!(actions.contains(&"wait_for_service"), "{actions:?}");
    assert!(report.json.contains("\"network.push_service_reachable\""));

    let check = block_on(agent.check_network()).unwrap();
    assert!(check.skipped.is_none());
    assert_eq!(check.findings.len(), 6, "{:?}", check.findings);
    let actions: Vec<&str> = check.actions.iter().map(|a| a.id.as_str()).collect();
    // The push endpoint refused the connection: FCM is not down when its
    // ports refuse, a network that rejects them is: "try another network",
    // as the diagnosis says too.
    assert_eq!(actions, ["switch_network", "wait_for_service"]);
    let summary: serde_json::Value = serde_json::from_str(&check.json).unwrap();
    assert_eq!(summary["probes"]["backend"]["http_status"], 503);
    agent.shutdown();
}

#[test]
fn a_bad_network_configuration_is_refused_when_the_agent_is_made() {
    let refused = networked_agent(NetworkCheckConfig {
        backend_url: Some("http://mfa.example.com/".into()),
        ..NetworkCheckConfig::default()
    });
    match refused {
        Err(AgentError::InvalidArgument { reason }) => {
            assert!(reason.contains("https"), "{reason}")
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    let agent = agent(Behaviour::Answer, None);
    assert!(matches!(
        block_on(agent.check_network()),
        Err(AgentError::InvalidArgument { .. })
    ));
}

#[test]
fn a_phone_without_network_does_not_wait_for_the_probes() {
    // A backend that accepts and never answers: only the platform's "no
    // network" can end the probes early.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let agent = networked_agent_on(
        NetworkCheckConfig {
            backend_url: Some(format!("http://{}/health", silent.local_addr().unwrap())),
            skip_captive_portal: Some(true),
            push_endpoints: Some(Vec::new()),
            deadline_ms: Some(20_000),
            probe_timeout_ms: Some(20_000),
            ..NetworkCheckConfig::default()
        },
        true,
    )
    .unwrap();
    let begun = Instant::now();
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    assert!(
        begun.elapsed() < Duration::from_secs(5),
        "{:?}",
        begun.elapsed()
    );
    let backend = report
        .findings
        .iter()
        .find(|f| f.check == "network.backend_reachable")
        .unwrap();
    assert_eq!(backend.status, "not_applicable", "{backend:?}");
    assert!(report.json.contains("\"network.connected\""));
    assert_eq!(report.actions[0].id, "enable_network");

    let begun = Instant::now();
    let check = block_on(agent.check_network()).unwrap();
    assert!(
        begun.elapsed() < Duration::from_secs(5),
        "{:?}",
        begun.elapsed()
    );
    assert!(check.skipped.is_some(), "{:?}", check.findings);
    agent.shutdown();
}

/// The records of a bundle's `logs.ndjson` with `tag`, as JSON.
fn bundle_records(path: &str, tag: &str) -> Vec<serde_json::Value> {
    use std::io::Read;
    let archive =
        pushdoctor_core::bundle::zip::ZipArchive::open(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .open_entry(archive.entry("logs.ndjson").unwrap())
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text.lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|record| record["tag"] == tag)
        .collect()
}

fn entry(level: &str, message: &str, timestamp_ms: i64) -> LogEntry {
    LogEntry {
        level: level.into(),
        tag: "LevelTest".into(),
        message: message.into(),
        timestamp_ms,
        thread: None,
        fields: vec![],
    }
}

/// Every level name Kotlin, Swift or logcat use lands as its level, by
/// `log` and by `logBatch` alike (oldest first); the bundle says why it was
/// made.
#[test]
fn log_levels_and_batches_reach_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(Behaviour::Answer, None);
    let names = [
        ("error", "ERROR"),
        ("E", "ERROR"),
        ("assert", "ERROR"),
        ("fatal", "ERROR"),
        ("warn", "WARN"),
        ("warning", "WARN"),
        ("w", "WARN"),
        ("info", "INFO"),
        ("whatever", "INFO"),
        ("debug", "DEBUG"),
        ("d", "DEBUG"),
        ("trace", "TRACE"),
        ("verbose", "TRACE"),
        ("V", "TRACE"),
    ];
    for (i, (name, _)) in names.iter().enumerate() {
        agent.log(entry(name, &format!("single {i}"), 1_000 + i as i64));
    }
    agent.log_batch(
        names
            .iter()
            .enumerate()
            .map(|(i, (name, _))| entry(name, &format!("batch {i}"), 2_000 + i as i64))
            .collect(),
    );
    let out = dir.path().join("b.zip").display().to_string();
    let path = block_on(agent.build_bundle(out, "repeated_accept_failures".into())).unwrap();
    let records = bundle_records(&path, "LevelTest");
    let got: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            (
                r["msg"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = ["single", "batch"]
        .iter()
        .flat_map(|how| {
            names
                .iter()
                .enumerate()
                .map(move |(i, (_, level))| (format!("{how} {i}"), level.to_string()))
        })
        // The capture keeps DEBUG and above (`CaptureConfig::min_level`):
        // a trace name read as any other level would show up.
        .filter(|(_, level)| level != "TRACE")
        .collect();
    assert_eq!(got, want);
    let bundle =
        pushdoctor_core::bundle::inspect::Bundle::open(std::path::Path::new(&path)).unwrap();
    assert_eq!(
        bundle.manifest.reason,
        pushdoctor_core::bundle::BundleReason::RepeatedAcceptFailures
    );
    agent.shutdown();
}

/// Progress says which step runs, how many are done and how many there are.
#[test]
fn progress_counts_its_steps() {
    struct Steps(std::sync::Mutex<Vec<(String, u32, u32)>>);
    impl ProgressListener for Steps {
        fn on_progress(&self, step: String, done: u32, total: u32) -> Result<(), ListenerError> {
            self.0.lock().unwrap().push((step, done, total));
            Ok(())
        }
    }
    let agent = agent(Behaviour::Answer, None);
    let steps = Arc::new(Steps(Default::default()));
    block_on(agent.run_diagnostics(no_push(), Some(steps.clone()))).unwrap();
    let got = steps.0.lock().unwrap().clone();
    let want = [("platform", 0, 2), ("diagnosis", 1, 2), ("done", 2, 2)]
        .map(|(s, d, t)| (s.to_string(), d, t));
    assert_eq!(got, want);
    agent.shutdown();
}

/// A panic inside the agent's work is an `Internal` error saying so, for
/// that call only.
#[test]
fn a_panic_in_the_agents_work_is_an_internal_error_for_that_call() {
    struct Panics;
    impl ProgressListener for Panics {
        fn on_progress(&self, _: String, _: u32, _: u32) -> Result<(), ListenerError> {
            panic!("a listener bug")
        }
    }
    let agent = agent(Behaviour::Answer, None);
    match block_on(agent.run_diagnostics(no_push(), Some(Arc::new(Panics)))) {
        Err(AgentError::Internal { reason }) => assert!(reason.starts_with("panic: "), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(block_on(agent.run_diagnostics(no_push(), None)).is_ok());
    agent.shutdown();
}

/// `measure_callback_cost` really calls the listener `count` times.
#[test]
fn measuring_the_callback_cost_calls_the_listener() {
    struct Count(AtomicU32);
    impl ProgressListener for Count {
        fn on_progress(&self, _: String, _: u32, _: u32) -> Result<(), ListenerError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }
    let agent = agent(Behaviour::Answer, None);
    let count = Arc::new(Count(AtomicU32::new(0)));
    let nanos = agent.measure_callback_cost(count.clone(), 1000);
    assert_eq!(count.0.load(Ordering::SeqCst), 1000);
    assert!(nanos > 1, "{nanos}");
    agent.shutdown();
}

/// `open_settings` answers what the probe answered, and a probe's error is
/// the agent's.
#[test]
fn open_settings_answers_what_the_probe_answered() {
    let agent = agent(Behaviour::Answer, None);
    assert!(agent
        .open_settings("app_notification_settings".into())
        .unwrap());
    assert!(!agent.open_settings("focus".into()).unwrap());
    agent.shutdown();
    assert!(matches!(
        agent.open_settings("focus".into()),
        Err(AgentError::Closed)
    ));
}

/// `shutdown` flushes the captured logs: the next agent on the same
/// directory (the app's next start) bundles them.
#[test]
fn shutdown_flushes_the_logs_for_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let first = agent(Behaviour::Answer, Some(&logs));
    first.log(entry("info", "before the restart", 1_000));
    first.shutdown();
    let second = agent(Behaviour::Answer, Some(&logs));
    let out = dir.path().join("b.zip").display().to_string();
    let path = block_on(second.build_bundle(out, "support".into())).unwrap();
    let records = bundle_records(&path, "LevelTest");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["msg"], "before the restart");
    second.shutdown();
    drop(first);
}

/// A phone whose every fact the test sets: what the agent asks is exactly
/// what [`snapshot_from`] is given, so the core's own diagnosis of that
/// snapshot is what the agent's report must carry.
#[derive(Clone, Default)]
struct Facts {
    network: NetworkFacts,
    notifications: NotificationFacts,
    focus: FocusFacts,
    power: PowerFacts,
    device: DeviceFacts,
}

#[async_trait::async_trait]
impl PlatformProbe for Facts {
    async fn network(&self) -> Result<NetworkFacts, PlatformError> {
        Ok(self.network.clone())
    }
    async fn notifications(&self) -> Result<NotificationFacts, PlatformError> {
        Ok(self.notifications.clone())
    }
    async fn focus(&self) -> Result<FocusFacts, PlatformError> {
        Ok(self.focus.clone())
    }
    async fn power(&self) -> Result<PowerFacts, PlatformError> {
        Ok(self.power.clone())
    }
    async fn device(&self) -> Result<DeviceFacts, PlatformError> {
        Ok(self.device.clone())
    }
    fn open_settings(&self, _target: String) -> Result<bool, PlatformError> {
        Ok(false)
    }
}

impl Facts {
    /// An Android phone with every seed setting healthy.
    fn healthy() -> Self {
        Facts {
            network: NetworkFacts {
                connected: Some(true),
                airplane_mode: Some(false),
                vpn: Some(false),
                proxy: Some(false),
                ..NetworkFacts::default()
            },
            notifications: NotificationFacts {
                enabled: Some(true),
                ..NotificationFacts::default()
            },
            focus: FocusFacts {
                active: Some(false),
                app_allowed: None,
            },
            power: PowerFacts {
                battery_saver: Some(false),
                ..PowerFacts::default()
            },
            device: DeviceFacts {
                model: Some("Pixel 8".into()),
                ..DeviceFacts::default()
            },
        }
    }

    /// The core's diagnosis of the snapshot the agent builds from these
    /// facts and `observations`, made without the agent.
    fn core_diagnosis(&self, observations: &AppObservations) -> Diagnosis {
        let answers = PlatformAnswers {
            network: Ok(self.network.clone()),
            notifications: Ok(self.notifications.clone()),
            focus: Ok(self.focus.clone()),
            power: Ok(self.power.clone()),
            device: Ok(self.device.clone()),
        };
        let (mut snapshot, issues) = snapshot_from(Platform::Android, answers);
        assert!(issues.is_empty(), "{issues:?}");
        let o = &mut snapshot.observations;
        o.push_received = observations.push_received;
        o.accept_tapped = observations.accept_tapped;
        o.accept_responded = observations.accept_responded;
        o.retry_count = observations.retry_count;
        o.mfa_completed = observations.mfa_completed;
        o.request_in_pending_tab = observations.request_in_pending_tab;
        o.account_reconfigured = observations.account_reconfigured;
        snapshot.mfa_report_status = observations
            .mfa_report_status
            .as_deref()
            .map(|s| s.parse::<MfaReportStatus>().unwrap());
        diagnose(&snapshot, &Answers::default(), &Options::default())
    }
}

fn facts_agent(facts: &Facts) -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(
        AgentConfig {
            platform: "android".into(),
            log_directory: None,
            max_log_bytes: None,
            callback_timeout_ms: Some(5_000),
            echo_to_platform_log: Some(false),
            network: None,
        },
        Arc::new(facts.clone()),
    )
    .unwrap()
}

/// The evidence, written out field by field from the core's types, so that
/// a mapping that drops, swaps or reorders anything differs.
fn evidence_rows(items: &[pushdoctor_core::engine::evidence::EvidenceItem]) -> Vec<[String; 4]> {
    items
        .iter()
        .map(|e| {
            [
                e.check.as_str().into(),
                e.status.as_str().into(),
                serde_json::to_value(e.source)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .into(),
                e.detail.clone(),
            ]
        })
        .collect()
}

fn item_rows(items: &[EvidenceItem]) -> Vec<[String; 4]> {
    items
        .iter()
        .map(|e| {
            [
                e.check.clone(),
                e.status.clone(),
                e.source.clone(),
                e.detail.clone(),
            ]
        })
        .collect()
}

/// The report carries the core's destination, candidates (with their
/// evidence for and against) and reasons, in the core's order, and the
/// event says the same destination.
fn assert_carries_the_core(report: &DiagnosisReport, core: &Diagnosis) {
    let id = |s: Option<pushdoctor_core::ScenarioId>| s.map(|s| s.as_str().to_string());
    assert_eq!(report.scenario, id(core.scenario));
    assert_eq!(report.destination, id(core.destination));
    assert_eq!(report.candidates.len(), core.candidates.len());
    for (item, candidate) in report.candidates.iter().zip(&core.candidates) {
        assert_eq!(item.scenario, candidate.scenario.as_str());
        assert_eq!(item.score, candidate.score);
        assert_eq!(
            item_rows(&item.evidence_for),
            evidence_rows(&candidate.evidence_for)
        );
        assert_eq!(item_rows(&item.against), evidence_rows(&candidate.against));
    }
    let reasons: Vec<(&str, &str, &str, bool)> = report
        .reasons
        .iter()
        .map(|r| {
            (
                r.check.as_str(),
                r.detail.as_str(),
                r.fix.as_str(),
                r.from_seed,
            )
        })
        .collect();
    let want: Vec<(&str, &str, &str, bool)> = core
        .reasons
        .iter()
        .map(|r| {
            (
                r.check.as_str(),
                r.detail.as_str(),
                r.fix.as_str(),
                r.from_seed,
            )
        })
        .collect();
    assert_eq!(reasons, want);
    // Each reason's fix is one of the report's actions.
    for reason in &report.reasons {
        assert!(
            report.actions.iter().any(|a| a.id == reason.fix),
            "{reason:?} without its fix in {:?}",
            report.actions
        );
    }
    // The JSON is the whole diagnosis, format 2.
    assert_eq!(&Diagnosis::from_json(report.json.as_bytes()).unwrap(), core);
}

#[test]
fn the_report_carries_the_cores_destination_candidates_and_reasons() {
    let mut blocked = Facts::healthy();
    blocked.notifications.enabled = Some(false);
    blocked.notifications.mfa_channel_importance = Some(ChannelImportance::None);
    let delivered = |reconfigured| AppObservations {
        push_received: Some(false),
        account_reconfigured: Some(reconfigured),
        mfa_report_status: Some("Delivered".into()),
        ..AppObservations::default()
    };
    let cases = [
        // Notifications off and the MFA channel blocked: two reasons, the
        // seed's first.
        (blocked, no_push()),
        // Every setting healthy: the problem is the missing push, the flow
        // leads to the admin's MFA Report.
        (Facts::healthy(), no_push()),
        // The report says Delivered: two candidates.
        (Facts::healthy(), delivered(false)),
        (Facts::healthy(), delivered(true)),
    ];
    for (facts, observations) in cases {
        let core = facts.core_diagnosis(&observations);
        struct Events(std::sync::Mutex<Vec<AgentEvent>>);
        impl EventListener for Events {
            fn on_event(&self, event: AgentEvent) -> Result<(), ListenerError> {
                self.0.lock().unwrap().push(event);
                Ok(())
            }
        }
        let events = Arc::new(Events(Default::default()));
        let agent = facts_agent(&facts);
        agent.subscribe(events.clone());
        let report = block_on(agent.run_diagnostics(observations, None)).unwrap();
        assert_carries_the_core(&report, &core);
        let seen = events.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            [AgentEvent::DiagnosisFinished {
                scenario: report.scenario.clone(),
                destination: report.destination.clone(),
                escalation: report.escalation.clone(),
            }]
        );
        agent.shutdown();
    }
}

/// What the cases above compare is not empty: the core's answers for them
/// hold each new field, so a mapping that left one out would be seen.
#[test]
fn the_new_fields_hold_what_the_evidence_says() {
    let mut blocked = Facts::healthy();
    blocked.notifications.enabled = Some(false);
    blocked.notifications.mfa_channel_importance = Some(ChannelImportance::None);
    let agent = facts_agent(&blocked);
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    let reasons: Vec<(&str, &str, bool)> = report
        .reasons
        .iter()
        .map(|r| (r.check.as_str(), r.fix.as_str(), r.from_seed))
        .collect();
    assert_eq!(
        reasons,
        [
            ("notifications.enabled", "enable_notifications", true),
            ("notifications.mfa_channel", "enable_mfa_channel", false),
        ]
    );
    assert!(
        report.reasons[1].detail.contains("blocked"),
        "{:?}",
        report.reasons
    );
    let first = &report.candidates[0];
    assert_eq!(first.scenario, "push_not_received");
    assert!(first.score > 0);
    assert_eq!(
        item_rows(&first.evidence_for)[0][..3],
        ["push.received", "fail", "snapshot"]
    );
    agent.shutdown();

    let agent = facts_agent(&Facts::healthy());
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    assert_eq!(report.scenario.as_deref(), Some("push_not_received"));
    assert_eq!(report.destination.as_deref(), Some("admin_verify_status"));
    assert!(report.reasons.is_empty(), "{:?}", report.reasons);
    // The guided walk's reports carry them too.
    let question = report.next_question.unwrap();
    assert_eq!(question.row, "admin_verify_status.report");
    let report = agent.answer(question.row, "Delivered".into()).unwrap();
    assert_eq!(report.destination.as_deref(), Some("reconfigure_account"));
    let scenarios: Vec<&str> = report
        .candidates
        .iter()
        .map(|c| c.scenario.as_str())
        .collect();
    assert!(scenarios.contains(&"admin_verify_status"), "{scenarios:?}");
    let report_item = report
        .candidates
        .iter()
        .flat_map(|c| c.evidence_for.iter().chain(&c.against))
        .find(|e| e.check == "admin.mfa_report")
        .expect("the report's status is evidence");
    assert_eq!(report_item.source, "mfa_report");
    agent.shutdown();
}
