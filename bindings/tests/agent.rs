//! The agent driven from Rust the way Kotlin and Swift drive it: a platform
//! probe with controllable answers, including one that hangs, one that
//! fails, one that panics and one that answers after its deadline.

mod common;
use common::{block_on, bundle_records, quiet_config};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

use pushdoctor_core::{
    diagnose, Answers, Diagnosis, Options, Platform as CorePlatform, ScenarioId as CoreScenarioId,
};
use pushdoctor_ffi::agent::{
    AgentConfig, AgentError, AgentEvent, AppObservations, DiagnosisReport, EventListener,
    EvidenceItem, ListenerError, LogEntry, ProgressListener, PushDoctorAgent,
};
use pushdoctor_ffi::ids::{
    ActionId, Answer, BundleReason, CheckId, CheckStatus, EvidenceSource, LogLevel,
    MfaReportStatus, Platform, ProbeName, ProgressStep, RowId, ScenarioId, SettingsTarget,
};
use pushdoctor_ffi::network::NetworkCheckConfig;
use pushdoctor_ffi::platform::{
    snapshot_from, ChannelImportance, DeviceFacts, FocusFacts, NetworkFacts, NotificationFacts,
    PlatformAnswers, PlatformError, PlatformProbe, PowerFacts,
};

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
    fn open_settings(&self, target: SettingsTarget) -> Result<bool, PlatformError> {
        Ok(target == SettingsTarget::AppNotificationSettings)
    }
}

fn agent(notifications: Behaviour, dir: Option<&std::path::Path>) -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(
        AgentConfig {
            log_directory: dir.map(|d| d.display().to_string()),
            callback_timeout_ms: Some(300),
            ..quiet_config(Platform::Android)
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
        fn on_progress(
            &self,
            _step: ProgressStep,
            _done: i32,
            _total: i32,
        ) -> Result<(), ListenerError> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    }
    let progress = Arc::new(Count(AtomicU32::new(0)));
    let report = block_on(agent.run_diagnostics(no_push(), Some(progress.clone()))).unwrap();
    assert_eq!(
        report.scenario.map(|s| s.as_str()),
        Some("push_not_received")
    );
    let ids: Vec<&str> = report.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["enable_notifications", "resend_push"]);
    assert_eq!(
        report.actions[0].steps,
        ["Settings > Apps > miniOrange Authenticator > Notifications > Allow"]
    );
    assert_eq!(
        report.actions[0].settings_target.map(|t| t.as_str()),
        Some("app_notification_settings")
    );
    assert!(agent
        .open_settings(SettingsTarget::AppNotificationSettings)
        .unwrap());
    assert!(report.probe_issues.is_empty());
    assert_eq!(progress.0.load(Ordering::Relaxed), 3);
    assert!(report.json.contains("\"model\":\"Pixel 8\""));
    block_on(agent.shutdown());
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
        assert_eq!(report.probe_issues[0].probe, ProbeName::Notifications);
        assert_eq!(report.probe_issues[0].reason, reason);
        // Notifications unknown: the walk stops at that question.
        let question = report.next_question.expect("a question is open");
        assert_eq!(question.row, RowId::NotReceivedNotifications);
        block_on(agent.shutdown());
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
    fn open_settings(&self, _target: SettingsTarget) -> Result<bool, PlatformError> {
        Ok(false)
    }
}

fn hanging_agent(callback_timeout_ms: i64) -> (Arc<PushDoctorAgent>, Arc<Hanging>) {
    let probe = Arc::new(Hanging::default());
    let agent = PushDoctorAgent::new(
        AgentConfig {
            callback_timeout_ms: Some(callback_timeout_ms),
            ..quiet_config(Platform::Android)
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
        .answer(RowId::NotReceivedNotifications, Answer::No)
        .is_ok());
    block_on(agent.shutdown());
}

/// `shutdown` is the one step that closes the agent: it stops the agent's
/// threads too, so a run still waiting on the platform ends at once with
/// `Closed` (not at its minute-long deadline) and its calls are dropped.
#[test]
fn shutdown_ends_a_run_in_flight_with_closed_and_drops_its_calls() {
    let (agent, probe) = hanging_agent(60_000);
    let running = {
        let agent = Arc::clone(&agent);
        std::thread::spawn(move || block_on(agent.run_diagnostics(no_push(), None)))
    };
    assert_eq!(wait_for(&probe.started, 5), 5, "all five calls started");
    block_on(agent.shutdown());
    let result = running.join().unwrap();
    assert!(matches!(result, Err(AgentError::Closed)), "{result:?}");
    assert_eq!(
        wait_for(&probe.dropped, 5),
        5,
        "all five calls were dropped"
    );
    // Closed, whatever is called next.
    assert!(matches!(
        block_on(agent.build_bundle("unused.zip".into(), BundleReason::Button)),
        Err(AgentError::Closed)
    ));
    block_on(agent.shutdown());
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
    block_on(agent.shutdown());
}

/// A listener that fails (a Kotlin throw arrives as an `Err`) ends neither
/// the run nor the other listeners' events.
#[test]
fn a_failing_listener_ends_neither_the_run_nor_the_others_events() {
    struct Failing(AtomicU32);
    impl ProgressListener for Failing {
        fn on_progress(&self, _: ProgressStep, _: i32, _: i32) -> Result<(), ListenerError> {
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
    let _failing = agent.subscribe(failing.clone());
    let _events = agent.subscribe(events.clone());
    let report = block_on(agent.run_diagnostics(no_push(), Some(failing.clone()))).unwrap();
    assert_eq!(
        report.scenario.map(|s| s.as_str()),
        Some("push_not_received")
    );
    // Three progress steps and one event, each failing.
    assert_eq!(failing.0.load(Ordering::SeqCst), 4);
    let seen = events.0.lock().unwrap().clone();
    assert!(
        matches!(seen.as_slice(), [AgentEvent::DiagnosisFinished { .. }]),
        "{seen:?}"
    );
    block_on(agent.shutdown());
}

/// A subscription ends when it is cancelled or dropped, and only its own
/// listener stops hearing.
#[test]
fn a_subscription_ends_on_cancel_or_drop() {
    struct Events(AtomicU32);
    impl EventListener for Events {
        fn on_event(&self, _: AgentEvent) -> Result<(), ListenerError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }
    let agent = agent(Behaviour::Answer, None);
    let (kept, cancelled, dropped) = (
        Arc::new(Events(AtomicU32::new(0))),
        Arc::new(Events(AtomicU32::new(0))),
        Arc::new(Events(AtomicU32::new(0))),
    );
    let _kept = agent.subscribe(kept.clone());
    let cancelling = agent.subscribe(cancelled.clone());
    let dropping = agent.subscribe(dropped.clone());
    block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    cancelling.cancel();
    cancelling.cancel();
    drop(dropping);
    block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    assert_eq!(kept.0.load(Ordering::SeqCst), 2);
    assert_eq!(cancelled.0.load(Ordering::SeqCst), 1);
    assert_eq!(dropped.0.load(Ordering::SeqCst), 1);
    block_on(agent.shutdown());
}

#[test]
fn the_guided_walk_takes_answers() {
    let agent = agent(Behaviour::Hang, None);
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    let question = report.next_question.unwrap();
    let choices: Vec<(Answer, &str)> = question
        .choices
        .iter()
        .map(|c| (c.value, c.label.as_str()))
        .collect();
    assert_eq!(choices, [(Answer::Yes, "Yes"), (Answer::No, "No")]);
    let report = agent.answer(question.row, Answer::No).unwrap();
    assert_eq!(report.actions[0].id, ActionId::EnableNotifications);
    assert!(matches!(
        agent.answer(
            RowId::PushOkReceived,
            Answer::Report {
                status: MfaReportStatus::Denied
            }
        ),
        Err(AgentError::InvalidArgument { .. })
    ));
    block_on(agent.shutdown());
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
                        level: LogLevel::Info,
                        tag: "Accept".into(),
                        message: format!("thread {t} record {i} for bob@example.com"),
                        timestamp_ms: Some(1_790_000_000_000 + i),
                        thread: Some(format!("t{t}")),
                        fields: vec![],
                    });
                }
            });
        }
        s.spawn(|| block_on(agent.run_diagnostics(no_push(), None)).unwrap());
    });
    let out = dir.path().join("b.zip");
    let path = block_on(agent.build_bundle(
        out.display().to_string(),
        BundleReason::RepeatedAcceptFailures,
    ))
    .unwrap();
    let bundle =
        pushdoctor_core::bundle::inspect::Bundle::open(std::path::Path::new(&path)).unwrap();
    assert!(bundle.verify().is_ok());
    let m = &bundle.manifest;
    assert!(m.records.included >= 1000, "{}", m.records.included);
    assert_eq!(m.redaction.counts.0["email"], 1000);
    assert_eq!(m.device.model.as_deref(), Some("Pixel 8"));
    block_on(agent.shutdown());
}

#[test]
fn a_closed_agent_says_so() {
    let agent = agent(Behaviour::Answer, None);
    block_on(agent.shutdown());
    assert!(matches!(
        block_on(agent.run_diagnostics(no_push(), None)),
        Err(AgentError::Closed)
    ));
    assert!(matches!(
        agent.answer(RowId::PushOkReceived, Answer::Yes),
        Err(AgentError::Closed)
    ));
    agent.log(LogEntry {
        level: LogLevel::Info,
        tag: "t".into(),
        message: "after close".into(),
        timestamp_ms: Some(0),
        thread: None,
        fields: vec![],
    });
    block_on(agent.shutdown());
}

/// Counts and deadlines cross as signed numbers (what Kotlin and Swift
/// write): a negative one, or a zero deadline, is an `InvalidArgument`
/// naming its field, never a wrapped-around number.
#[test]
fn bad_numbers_are_typed_errors_naming_the_field() {
    let config = |max_log_bytes, callback_timeout_ms, network| AgentConfig {
        max_log_bytes,
        callback_timeout_ms,
        network,
        ..quiet_config(Platform::Android)
    };
    let probe = || {
        Arc::new(Probe {
            notifications: Behaviour::Answer,
            notifications_enabled: true,
            offline: false,
        })
    };
    let refused = |config: AgentConfig| match PushDoctorAgent::new(config, probe()) {
        Err(AgentError::InvalidArgument { reason }) => reason,
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("accepted"),
    };
    assert!(refused(config(None, Some(-1), None)).contains("AgentConfig.callback_timeout_ms is -1"));
    assert!(refused(config(None, Some(0), None)).contains("AgentConfig.callback_timeout_ms is 0"));
    assert!(refused(config(Some(-5), None, None)).contains("AgentConfig.max_log_bytes is -5"));
    let network = |f: fn(&mut NetworkCheckConfig)| {
        let mut n = NetworkCheckConfig::default();
        f(&mut n);
        Some(n)
    };
    assert!(
        refused(config(None, None, network(|n| n.deadline_ms = Some(-100))))
            .contains("NetworkCheckConfig.deadline_ms is -100")
    );
    assert!(refused(config(
        None,
        None,
        network(|n| n.probe_timeout_ms = Some(0))
    ))
    .contains("NetworkCheckConfig.probe_timeout_ms is 0"));
    assert!(refused(config(
        None,
        None,
        network(|n| n.max_clock_skew_seconds = Some(-1))
    ))
    .contains("NetworkCheckConfig.max_clock_skew_seconds is -1"));
    assert!(refused(config(
        None,
        None,
        network(|n| n.captive_portal_status = Some(70_000))
    ))
    .contains("NetworkCheckConfig.captive_portal_status is 70000"));
    // The same numbers in range are taken.
    let agent = PushDoctorAgent::new(config(Some(0), Some(1), None), probe()).unwrap();
    let bad = AppObservations {
        retry_count: Some(-1),
        ..AppObservations::default()
    };
    match block_on(agent.run_diagnostics(bad, None)) {
        Err(AgentError::InvalidArgument { reason }) => {
            assert!(
                reason.contains("AppObservations.retry_count is -1"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    block_on(agent.shutdown());
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
            callback_timeout_ms: Some(300),
            network: Some(network),
            ..quiet_config(Platform::Android)
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
    let status = |check: CheckId| {
        report
            .findings
            .iter()
            .find(|f| f.check == check)
            .map(|f| f.status)
            .unwrap()
    };
    assert_eq!(status(CheckId::BackendReachable), CheckStatus::Pass);
    assert_eq!(status(CheckId::ServiceAvailable), CheckStatus::Fail);
    assert_eq!(status(CheckId::PushServiceReachable), CheckStatus::Fail);
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
    block_on(agent.shutdown());
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
        .find(|f| f.check == CheckId::BackendReachable)
        .unwrap();
    assert_eq!(backend.status, CheckStatus::NotApplicable, "{backend:?}");
    assert!(report.json.contains("\"network.connected\""));
    assert_eq!(report.actions[0].id, ActionId::EnableNetwork);

    let begun = Instant::now();
    let check = block_on(agent.check_network()).unwrap();
    assert!(
        begun.elapsed() < Duration::from_secs(5),
        "{:?}",
        begun.elapsed()
    );
    assert!(check.skipped.is_some(), "{:?}", check.findings);
    block_on(agent.shutdown());
}

fn entry(level: LogLevel, message: &str, timestamp_ms: i64) -> LogEntry {
    LogEntry {
        level,
        tag: "LevelTest".into(),
        message: message.into(),
        timestamp_ms: Some(timestamp_ms),
        thread: None,
        fields: vec![],
    }
}

/// Every level lands as its level, by `log` and by `logBatch` alike
/// (oldest first), from the minimum level the app chose up; the bundle
/// says why it was made.
#[test]
fn log_levels_and_batches_reach_the_bundle_from_the_chosen_minimum() {
    let levels = [
        (LogLevel::Error, "ERROR"),
        (LogLevel::Warn, "WARN"),
        (LogLevel::Info, "INFO"),
        (LogLevel::Debug, "DEBUG"),
        (LogLevel::Trace, "TRACE"),
    ];
    // None keeps the default, DEBUG and up; TRACE keeps everything.
    for (min, kept) in [
        (None, 4),
        (Some(LogLevel::Trace), 5),
        (Some(LogLevel::Warn), 2),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let agent = PushDoctorAgent::new(
            AgentConfig {
                callback_timeout_ms: Some(300),
                min_log_level: min,
                ..quiet_config(Platform::Android)
            },
            Arc::new(Probe {
                notifications: Behaviour::Answer,
                notifications_enabled: true,
                offline: false,
            }),
        )
        .unwrap();
        for (i, (level, _)) in levels.iter().enumerate() {
            agent.log(entry(*level, &format!("single {i}"), 1_000 + i as i64));
        }
        agent.log_batch(
            levels
                .iter()
                .enumerate()
                .map(|(i, (level, _))| entry(*level, &format!("batch {i}"), 2_000 + i as i64))
                .collect(),
        );
        let out = dir.path().join("b.zip").display().to_string();
        let path = block_on(agent.build_bundle(out, BundleReason::RepeatedAcceptFailures)).unwrap();
        let got: Vec<(String, String)> = bundle_records(&path, "LevelTest")
            .iter()
            .map(|r| (r.message.clone(), r.level.as_str().to_string()))
            .collect();
        let want: Vec<(String, String)> = ["single", "batch"]
            .iter()
            .flat_map(|how| {
                levels
                    .iter()
                    .take(kept)
                    .enumerate()
                    .map(move |(i, (_, level))| (format!("{how} {i}"), level.to_string()))
            })
            .collect();
        assert_eq!(got, want, "min {min:?}");
        let bundle =
            pushdoctor_core::bundle::inspect::Bundle::open(std::path::Path::new(&path)).unwrap();
        assert_eq!(
            bundle.manifest.reason,
            pushdoctor_core::bundle::BundleReason::RepeatedAcceptFailures
        );
        block_on(agent.shutdown());
    }
}

/// One record packed as the Kotlin `LogBatch` packs it (the format in
/// `docs/bindings.md`), after the version byte.
fn pack(out: &mut Vec<u8>, level: u8, timestamp_ms: i64, message: &str, thread: Option<&str>) {
    let put = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(&u32::try_from(s.len()).unwrap().to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    out.push(level);
    out.extend_from_slice(&timestamp_ms.to_le_bytes());
    put(out, "LevelTest");
    put(out, message);
    match thread {
        Some(thread) => put(out, thread),
        None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
    }
    out.extend_from_slice(&1u16.to_le_bytes());
    put(out, "k");
    put(out, message);
}

/// Packed records land as `log` lands them (level, time, thread, fields),
/// a packed "now" is stamped now, a buffer not in the format is refused
/// naming the record with the ones before it kept, and a closed agent
/// ignores the call.
#[test]
fn packed_records_land_like_logged_ones_and_bad_buffers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(Behaviour::Answer, None);
    let mut packed = vec![1];
    pack(&mut packed, 1, 1_000, "packed error", Some("main"));
    pack(
        &mut packed,
        5,
        1_001,
        "packed trace below the minimum",
        None,
    );
    pack(&mut packed, 3, i64::MIN, "packed now", None);
    let before = pushdoctor_core::model::time::now_ms();
    agent.log_packed(&packed).unwrap();
    let after = pushdoctor_core::model::time::now_ms();
    let mut bad = vec![1];
    pack(&mut bad, 2, 1_002, "kept before the bad one", None);
    bad.extend_from_slice(&[7, 0]);
    match agent.log_packed(&bad) {
        Err(AgentError::InvalidArgument { reason }) => {
            assert!(
                reason.contains("record 1") && reason.contains("level 7"),
                "{reason}"
            );
        }
        other => panic!("a bad level was {other:?}"),
    }
    assert!(matches!(
        agent.log_packed(&[2]),
        Err(AgentError::InvalidArgument { .. })
    ));
    let out = dir.path().join("b.zip").display().to_string();
    let path = block_on(agent.build_bundle(out, BundleReason::Button)).unwrap();
    let records = bundle_records(&path, "LevelTest");
    let got: Vec<(&str, &str, Option<&str>, &str)> = records
        .iter()
        .map(|r| {
            let field = |key: &str| {
                r.fields
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
                    .unwrap()
            };
            (
                r.message.as_str(),
                r.level.as_str(),
                r.thread.as_deref(),
                field("k"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("packed error", "ERROR", Some("main"), "packed error"),
            (
                "kept before the bad one",
                "WARN",
                None,
                "kept before the bad one"
            ),
            ("packed now", "INFO", None, "packed now"),
        ]
    );
    let now = records[2].timestamp_ms;
    assert!(
        (before..=after).contains(&now),
        "{now} is not between {before} and {after}"
    );
    block_on(agent.shutdown());
    assert!(agent.log_packed(&[9]).is_ok(), "a closed agent ignores it");
}

/// A record without a timestamp is stamped now; without fields it has none.
#[test]
fn a_log_entry_without_a_timestamp_is_stamped_now() {
    let dir = tempfile::tempdir().unwrap();
    let agent = agent(Behaviour::Answer, None);
    let before = pushdoctor_core::model::time::now_ms();
    let mut unstamped = entry(LogLevel::Info, "unstamped", 0);
    unstamped.timestamp_ms = None;
    agent.log(unstamped);
    let after = pushdoctor_core::model::time::now_ms();
    let out = dir.path().join("b.zip").display().to_string();
    let path = block_on(agent.build_bundle(out, BundleReason::Button)).unwrap();
    let records = bundle_records(&path, "LevelTest");
    assert_eq!(records.len(), 1, "{records:?}");
    let ts = records[0].timestamp_ms;
    assert!(
        (before..=after).contains(&ts),
        "{ts} is not between {before} and {after}"
    );
    block_on(agent.shutdown());
}

/// Progress says which step runs, how many are done and how many there are.
#[test]
fn progress_counts_its_steps() {
    struct Steps(std::sync::Mutex<Vec<(ProgressStep, i32, i32)>>);
    impl ProgressListener for Steps {
        fn on_progress(
            &self,
            step: ProgressStep,
            done: i32,
            total: i32,
        ) -> Result<(), ListenerError> {
            self.0.lock().unwrap().push((step, done, total));
            Ok(())
        }
    }
    let agent = agent(Behaviour::Answer, None);
    let steps = Arc::new(Steps(Default::default()));
    block_on(agent.run_diagnostics(no_push(), Some(steps.clone()))).unwrap();
    let got = steps.0.lock().unwrap().clone();
    let want = [
        (ProgressStep::Platform, 0, 2),
        (ProgressStep::Diagnosis, 1, 2),
        (ProgressStep::Done, 2, 2),
    ];
    assert_eq!(got, want);
    block_on(agent.shutdown());
}

/// A panic inside the agent's work is an `Internal` error saying so, for
/// that call only.
#[test]
fn a_panic_in_the_agents_work_is_an_internal_error_for_that_call() {
    struct Panics;
    impl ProgressListener for Panics {
        fn on_progress(&self, _: ProgressStep, _: i32, _: i32) -> Result<(), ListenerError> {
            panic!("a listener bug")
        }
    }
    let agent = agent(Behaviour::Answer, None);
    match block_on(agent.run_diagnostics(no_push(), Some(Arc::new(Panics)))) {
        Err(AgentError::Internal { reason }) => assert!(reason.starts_with("panic: "), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(block_on(agent.run_diagnostics(no_push(), None)).is_ok());
    block_on(agent.shutdown());
}

/// `measure_callback_cost` (the benchmark's, behind the `bench` feature)
/// really calls the listener `count` times.
#[cfg(feature = "bench")]
#[test]
fn measuring_the_callback_cost_calls_the_listener() {
    struct Count(AtomicU32);
    impl ProgressListener for Count {
        fn on_progress(&self, _: ProgressStep, _: i32, _: i32) -> Result<(), ListenerError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }
    let agent = agent(Behaviour::Answer, None);
    let count = Arc::new(Count(AtomicU32::new(0)));
    let nanos = pushdoctor_ffi::bench::measure_callback_cost(count.clone(), 1000);
    assert_eq!(count.0.load(Ordering::SeqCst), 1000);
    assert!(nanos > 1, "{nanos}");
    block_on(agent.shutdown());
}

/// `open_settings` answers what the probe answered, and a probe's error is
/// the agent's.
#[test]
fn open_settings_answers_what_the_probe_answered() {
    let agent = agent(Behaviour::Answer, None);
    assert!(agent
        .open_settings(SettingsTarget::AppNotificationSettings)
        .unwrap());
    assert!(!agent.open_settings(SettingsTarget::Focus).unwrap());
    block_on(agent.shutdown());
    assert!(matches!(
        agent.open_settings(SettingsTarget::Focus),
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
    first.log(entry(LogLevel::Info, "before the restart", 1_000));
    block_on(first.shutdown());
    let second = agent(Behaviour::Answer, Some(&logs));
    let out = dir.path().join("b.zip").display().to_string();
    let path = block_on(second.build_bundle(out, BundleReason::Support)).unwrap();
    let records = bundle_records(&path, "LevelTest");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].message, "before the restart");
    block_on(second.shutdown());
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
    fn open_settings(&self, _target: SettingsTarget) -> Result<bool, PlatformError> {
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
        let (mut snapshot, issues) = snapshot_from(CorePlatform::Android, answers);
        assert!(issues.is_empty(), "{issues:?}");
        let o = &mut snapshot.observations;
        o.push_received = observations.push_received;
        o.accept_tapped = observations.accept_tapped;
        o.accept_responded = observations.accept_responded;
        o.retry_count = observations.retry_count.map(|n| n as u32);
        o.mfa_completed = observations.mfa_completed;
        o.request_in_pending_tab = observations.request_in_pending_tab;
        o.account_reconfigured = observations.account_reconfigured;
        snapshot.mfa_report_status = observations.mfa_report_status.map(Into::into);
        diagnose(&snapshot, &Answers::default(), &Options::default())
    }
}

fn facts_agent(facts: &Facts) -> Arc<PushDoctorAgent> {
    PushDoctorAgent::new(
        AgentConfig {
            callback_timeout_ms: Some(5_000),
            ..quiet_config(Platform::Android)
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
                e.check.as_str().into(),
                e.status.as_str().into(),
                e.source.as_str().into(),
                e.detail.clone(),
            ]
        })
        .collect()
}

/// The report carries the core's destination, candidates (with their
/// evidence for and against) and reasons, in the core's order, and the
/// event says the same destination.
fn assert_carries_the_core(report: &DiagnosisReport, core: &Diagnosis) {
    let id = |s: Option<CoreScenarioId>| s.map(ScenarioId::from);
    assert_eq!(report.scenario, id(core.scenario));
    assert_eq!(report.destination, id(core.destination));
    assert_eq!(report.candidates.len(), core.candidates.len());
    for (item, candidate) in report.candidates.iter().zip(&core.candidates) {
        assert_eq!(item.scenario, candidate.scenario.into());
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
        mfa_report_status: Some(MfaReportStatus::Delivered),
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
        let _subscription = agent.subscribe(events.clone());
        let report = block_on(agent.run_diagnostics(observations, None)).unwrap();
        assert_carries_the_core(&report, &core);
        let seen = events.0.lock().unwrap().clone();
        assert_eq!(
            seen,
            [AgentEvent::DiagnosisFinished {
                scenario: report.scenario,
                destination: report.destination,
                escalation: report.escalation,
            }]
        );
        block_on(agent.shutdown());
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
    assert_eq!(first.scenario, ScenarioId::PushNotReceived);
    assert!(first.score > 0);
    assert_eq!(
        item_rows(&first.evidence_for)[0][..3],
        ["push.received", "fail", "snapshot"]
    );
    block_on(agent.shutdown());

    let agent = facts_agent(&Facts::healthy());
    let report = block_on(agent.run_diagnostics(no_push(), None)).unwrap();
    assert_eq!(
        report.scenario.map(|s| s.as_str()),
        Some("push_not_received")
    );
    assert_eq!(
        report.destination.map(|s| s.as_str()),
        Some("admin_verify_status")
    );
    assert!(report.reasons.is_empty(), "{:?}", report.reasons);
    // The guided walk's reports carry them too.
    let question = report.next_question.unwrap();
    assert_eq!(question.row, RowId::AdminReport);
    let report = agent
        .answer(
            question.row,
            Answer::Report {
                status: MfaReportStatus::Delivered,
            },
        )
        .unwrap();
    assert_eq!(
        report.destination.map(|s| s.as_str()),
        Some("reconfigure_account")
    );
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
        .find(|e| e.check == CheckId::AdminMfaReport)
        .expect("the report's status is evidence");
    assert_eq!(report_item.source, EvidenceSource::MfaReport);
    block_on(agent.shutdown());
}
