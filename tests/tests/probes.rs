//! The network probes against real servers on loopback: each way a
//! phone's network goes wrong gives its finding, with the failing stage
//! named, within the deadline. Nothing here reaches past this machine.

use std::time::{Duration, Instant};

use pushdoctor_core::probes::{
    CaptivePortalCheck, FailureKind, PortalVerdict, ProbeConfig, ProbeConfigError, ProbeReport,
    Prober, PushEndpoint, PushService, Stage, TrustRoots,
};
use pushdoctor_core::{
    diagnose, ActionId, Answers, CheckId, CheckStatus, DeviceSnapshot, Diagnosis, EvidenceSource,
    Options, Platform, RowId, StepAnswer,
};
use pushdoctor_tests::loopback::{
    closed_port, ipv6_available, serve, Answer, Behaviour, Server, TestCa, V4, V6,
};

/// Short times: loopback answers in well under a millisecond, and a probe
/// that waits for nothing must be seen to stop.
const PROBE_TIMEOUT: Duration = Duration::from_millis(600);
const DEADLINE: Duration = Duration::from_millis(1500);
/// What a busy CI machine may add to a deadline before it counts as missed.
const SLACK: Duration = Duration::from_millis(1500);

fn config(ca: &TestCa) -> ProbeConfig {
    ProbeConfig {
        deadline: DEADLINE,
        probe_timeout: PROBE_TIMEOUT,
        trust: TrustRoots {
            web_pki: false,
            extra_pem: vec![ca.pem.clone()],
        },
        ..ProbeConfig::new()
    }
}

async fn https(ca: &TestCa, behaviour: Behaviour) -> Server {
    serve(
        V4,
        Some(ca.server_config(&["localhost", "127.0.0.1"])),
        behaviour,
    )
    .await
}

async fn run(config: ProbeConfig) -> (ProbeReport, Duration) {
    let prober = Prober::new(config).expect("a valid configuration");
    let begun = Instant::now();
    let report = prober.run(Some(true)).await;
    (report, begun.elapsed())
}

fn backend_only(ca: &TestCa, url: String) -> ProbeConfig {
    ProbeConfig {
        backend_url: Some(url),
        ..config(ca)
    }
}

/// The snapshot of a phone that says it is connected, saw no push, and
/// has every setting right: only the probes can say what is wrong.
fn snapshot_with(report: ProbeReport) -> DeviceSnapshot {
    let mut snapshot = DeviceSnapshot::new(Platform::Android);
    snapshot.network.connected = Some(true);
    snapshot.network.airplane_mode = Some(false);
    snapshot.notifications.enabled = Some(true);
    snapshot.focus.active = Some(false);
    snapshot.battery_saver.active = Some(false);
    snapshot.observations.push_received = Some(false);
    snapshot.probes = Some(report);
    snapshot
}

fn diagnosed(snapshot: DeviceSnapshot) -> Diagnosis {
    diagnose(&snapshot, &Answers::default(), &Options::default())
}

/// The action is among the diagnosis's, or the test says which were.
fn assert_action(d: &Diagnosis, action: ActionId, wanted: bool) {
    assert_eq!(
        d.action_ids().contains(&action),
        wanted,
        "{action} in {:?}",
        d.action_ids()
    );
}

/// The backend probe failed in `stage`, for `kind` of reason.
fn assert_backend_failed(report: &ProbeReport, stage: Stage, kind: FailureKind) {
    let backend = report.backend.as_ref().expect("the backend was probed");
    let failure = backend
        .failure
        .as_ref()
        .unwrap_or_else(|| panic!("reached: {}", backend.describe()));
    assert_eq!((failure.stage, failure.kind), (stage, kind), "{failure}");
}

/// A prober of `backend_url` that would wait 30 s: whatever ends sooner
/// was not its timeout.
fn patient_prober(ca: &TestCa, backend_url: String) -> Prober {
    Prober::new(ProbeConfig {
        backend_url: Some(backend_url),
        probe_timeout: Duration::from_secs(30),
        deadline: Duration::from_secs(30),
        ..config(ca)
    })
    .unwrap()
}

fn assert_within_deadline(elapsed: Duration, deadline: Duration) {
    assert!(
        elapsed <= deadline + SLACK,
        "took {elapsed:?}, deadline {deadline:?}"
    );
}

#[tokio::test]
async fn a_healthy_https_backend_is_reached_with_every_stage_timed() {
    let ca = TestCa::new("Push Doctor test CA");
    let server = https(&ca, Behaviour::Answer(Answer::status(200).body("ok"))).await;
    let (report, elapsed) = run(backend_only(
        &ca,
        server.url("https", "localhost", "/health"),
    ))
    .await;
    let backend = report.backend.as_ref().expect("backend probed");
    assert!(backend.reached, "{}", backend.describe());
    assert_eq!(backend.http_status, Some(200));
    assert_eq!(
        backend.remote_addr.as_deref(),
        Some(server.addr.to_string().as_str())
    );
    let t = backend.timings;
    for (stage, ms) in [
        ("dns", t.dns_ms),
        ("connect", t.connect_ms),
        ("tls", t.tls_ms),
        ("http", t.http_ms),
    ] {
        assert!(ms.is_some_and(|ms| ms >= 0.0), "{stage} not timed: {t:?}");
    }
    assert!(t.total_ms >= t.tls_ms.unwrap(), "{t:?}");
    assert!(t.client_connect_ms.is_some(), "{t:?}");
    let clock = report
        .clock
        .as_ref()
        .expect("the Date header gives the clock");
    assert!(clock.skew_seconds.abs() < 5.0, "{clock:?}");
    assert_within_deadline(elapsed, DEADLINE);

    let d = diagnosed(snapshot_with(report));
    assert_eq!(
        d.finding(CheckId::BackendReachable).status,
        CheckStatus::Pass
    );
    assert_eq!(
        d.finding(CheckId::BackendReachable).evidence.source,
        EvidenceSource::Probe
    );
    assert_eq!(
        d.finding(CheckId::ServiceAvailable).status,
        CheckStatus::Pass
    );
    assert_eq!(d.finding(CheckId::ClockSkew).status, CheckStatus::Pass);
    assert_action(&d, ActionId::SwitchNetwork, false);
}

#[tokio::test]
async fn the_http_figure_is_the_services_answer_and_the_clients_connection_is_apart() {
    let ca = TestCa::new("test CA");
    let delay = Duration::from_millis(300);
    let server = https(&ca, Behaviour::Answer(Answer::status(200).delay(delay))).await;
    let (report, _) = run(backend_only(&ca, server.url("https", "localhost", "/"))).await;
    let t = report.backend.unwrap().timings;
    let (http, set_up) = (t.http_ms.unwrap(), t.client_connect_ms.unwrap());
    // The server waits 300 ms after reading the request: that is the HTTP
    // stage; the client's TCP and TLS set-up on loopback takes far less.
    assert!(http >= 300.0, "{t:?}");
    assert!(set_up < 300.0, "{t:?}");
    assert!(t.total_ms >= http + set_up, "{t:?}");
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_times_out_in_tls() {
    let ca = TestCa::new("test CA");
    let server = serve(V4, None, Behaviour::Silent).await;
    let (report, elapsed) = run(backend_only(&ca, server.url("https", "localhost", "/"))).await;
    assert_backend_failed(&report, Stage::Tls, FailureKind::TimedOut);
    assert_within_deadline(elapsed, PROBE_TIMEOUT);
}

#[tokio::test]
async fn a_plain_http_loopback_server_that_never_answers_times_out_in_http() {
    let ca = TestCa::new("test CA");
    let server = serve(V4, None, Behaviour::Silent).await;
    let (report, elapsed) = run(backend_only(&ca, server.url("http", "127.0.0.1", "/"))).await;
    assert_backend_failed(&report, Stage::Http, FailureKind::TimedOut);
    let backend = report.backend.as_ref().unwrap();
    assert!(backend.timings.tls_ms.is_none(), "no TLS on plain HTTP");
    assert_within_deadline(elapsed, PROBE_TIMEOUT);
}

#[tokio::test]
async fn a_reset_connection_is_named_as_such() {
    let ca = TestCa::new("test CA");
    let server = serve(V4, None, Behaviour::Reset).await;
    let (report, _) = run(backend_only(&ca, server.url("https", "localhost", "/"))).await;
    assert_backend_failed(&report, Stage::Tls, FailureKind::Reset);

    let d = diagnosed(snapshot_with(report));
    assert_eq!(
        d.finding(CheckId::BackendReachable).status,
        CheckStatus::Fail
    );
    assert!(d
        .finding(CheckId::BackendReachable)
        .evidence
        .detail
        .contains("TLS failed (reset)"));
}

#[tokio::test]
async fn a_503_is_a_reachable_service_with_a_problem_of_its_own() {
    let ca = TestCa::new("test CA");
    let server = https(&ca, Behaviour::Answer(Answer::status(503))).await;
    let (report, _) = run(backend_only(
        &ca,
        server.url("https", "localhost", "/health"),
    ))
    .await;
    let backend = report.backend.as_ref().unwrap();
    assert!(backend.reached);
    assert_eq!(backend.http_status, Some(503));

    let d = diagnosed(snapshot_with(report));
    assert_eq!(
        d.finding(CheckId::BackendReachable).status,
        CheckStatus::Pass
    );
    assert_eq!(
        d.finding(CheckId::ServiceAvailable).status,
        CheckStatus::Fail
    );
    assert_action(&d, ActionId::WaitForService, true);
    assert_action(&d, ActionId::SwitchNetwork, false);
}

#[tokio::test]
async fn a_redirect_to_a_login_page_is_a_captive_portal() {
    let ca = TestCa::new("test CA");
    let portal = serve(
        V4,
        None,
        Behaviour::Answer(
            Answer::status(302).header("Location", "http://portal.hotel.example/login"),
        ),
    )
    .await;
    let (report, _) = run(ProbeConfig {
        captive_portal: Some(CaptivePortalCheck {
            url: portal.url("http", "127.0.0.1", "/generate_204"),
            expected_status: 204,
            expected_body: None,
        }),
        ..config(&ca)
    })
    .await;
    let captive = report.captive_portal.as_ref().unwrap();
    assert_eq!(captive.verdict, PortalVerdict::Portal, "{}", captive.detail);
    // The portal's own Date says nothing of the device's clock.
    assert!(report.clock.is_none(), "{:?}", report.clock);
    assert!(
        captive.detail.contains("portal.hotel.example/login"),
        "{}",
        captive.detail
    );

    let d = diagnosed(snapshot_with(report));
    assert_eq!(d.finding(CheckId::CaptivePortal).status, CheckStatus::Fail);
    // "Connected" is not the answer to "is your internet active?" here.
    let step = d
        .path
        .iter()
        .find(|s| s.row == RowId::NotReceivedConnectivity)
        .unwrap();
    assert_eq!(
        (step.answer, step.answered_by),
        (StepAnswer::No, EvidenceSource::Probe)
    );
    assert_action(&d, ActionId::SignInToNetwork, true);
    assert_action(&d, ActionId::EnableNetwork, false);
}

#[tokio::test]
async fn a_login_page_instead_of_the_known_body_is_a_captive_portal_and_the_known_body_is_not() {
    let ca = TestCa::new("test CA");
    let check = |server: &Server| CaptivePortalCheck {
        url: server.url("http", "127.0.0.1", "/hotspot-detect.html"),
        expected_status: 200,
        expected_body: Some("Success".into()),
    };
    let login = serve(
        V4,
        None,
        Behaviour::Answer(Answer::status(200).body("<html>Please log in</html>")),
    )
    .await;
    let (report, _) = run(ProbeConfig {
        captive_portal: Some(check(&login)),
        ..config(&ca)
    })
    .await;
    assert_eq!(
        report.captive_portal.unwrap().verdict,
        PortalVerdict::Portal
    );

    let real = serve(
        V4,
        None,
        Behaviour::Answer(
            Answer::status(200)
                .body("<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>"),
        ),
    )
    .await;
    let (report, _) = run(ProbeConfig {
        captive_portal: Some(check(&real)),
        ..config(&ca)
    })
    .await;
    assert!(
        report.clock.is_some(),
        "the known answer's Date gives the clock"
    );
    assert_eq!(
        report.captive_portal.unwrap().verdict,
        PortalVerdict::NoPortal
    );
}

#[tokio::test]
async fn a_date_ten_minutes_off_is_a_wrong_clock_either_way() {
    let ca = TestCa::new("test CA");
    for (answer, device_ahead) in [
        (
            Answer::status(200).date_behind(Duration::from_secs(600)),
            true,
        ),
        (
            Answer::status(200).date_ahead(Duration::from_secs(600)),
            false,
        ),
    ] {
        let server = https(&ca, Behaviour::Answer(answer)).await;
        let (report, _) = run(backend_only(&ca, server.url("https", "localhost", "/"))).await;
        let clock = report.clock.clone().expect("clock read");
        assert!((clock.skew_seconds.abs() - 600.0).abs() < 5.0, "{clock:?}");
        assert_eq!(clock.skew_seconds > 0.0, device_ahead, "{clock:?}");

        let d = diagnosed(snapshot_with(report));
        assert_eq!(d.finding(CheckId::ClockSkew).status, CheckStatus::Fail);
        assert_action(&d, ActionId::EnableAutomaticTime, true);
        let action = d
            .actions
            .iter()
            .find(|a| a.id == ActionId::EnableAutomaticTime)
            .unwrap();
        assert_eq!(
            action.steps,
            ["Settings > System > Date & time > Set time automatically"]
        );
    }
}

#[tokio::test]
async fn a_port_where_nothing_listens_is_refused_at_connect() {
    let ca = TestCa::new("test CA");
    let port = closed_port(V4);
    let (report, elapsed) = run(backend_only(&ca, format!("https://127.0.0.1:{port}/"))).await;
    assert_backend_failed(&report, Stage::Connect, FailureKind::Refused);
    let backend = report.backend.as_ref().unwrap();
    assert!(
        backend.timings.dns_ms.is_none(),
        "an IP address needs no DNS"
    );
    // Refused is an answer: nothing waits for a timeout.
    assert!(elapsed < PROBE_TIMEOUT, "{elapsed:?}");
}

#[tokio::test]
async fn a_certificate_for_another_name_fails_tls_with_a_name_mismatch() {
    let ca = TestCa::new("test CA");
    let server = serve(
        V4,
        Some(ca.server_config(&["mfa.other.example"])),
        Behaviour::Answer(Answer::status(200)),
    )
    .await;
    let (report, _) = run(backend_only(&ca, server.url("https", "localhost", "/"))).await;
    assert_backend_failed(&report, Stage::Tls, FailureKind::CertificateNameMismatch);
}

#[tokio::test]
async fn a_certificate_from_an_unknown_authority_is_untrusted_like_an_intercepting_proxy() {
    let trusted = TestCa::new("trusted CA");
    let proxy = TestCa::new("intercepting proxy CA");
    let server = serve(
        V4,
        Some(proxy.server_config(&["localhost"])),
        Behaviour::Answer(Answer::status(200)),
    )
    .await;
    let (report, _) = run(backend_only(
        &trusted,
        server.url("https", "localhost", "/"),
    ))
    .await;
    assert_backend_failed(&report, Stage::Tls, FailureKind::CertificateUntrusted);
}

#[tokio::test]
async fn push_service_ports_blocked_all_fail_some_blocked_still_pass() {
    let ca = TestCa::new("test CA");
    let open = serve(V4, None, Behaviour::Silent).await;
    let closed = closed_port(V4);
    let service = |ports: &[u16]| PushService {
        name: "fcm".into(),
        endpoints: ports
            .iter()
            .map(|&p| PushEndpoint::tcp("127.0.0.1", p))
            .collect(),
    };

    let (report, _) = run(ProbeConfig {
        push_service: Some(service(&[closed, closed])),
        ..config(&ca)
    })
    .await;
    let push = report.push_service.as_ref().unwrap();
    assert!(push
        .endpoints
        .iter()
        .all(|e| e.failure.as_ref().unwrap().kind == FailureKind::Refused));
    let d = diagnosed(snapshot_with(report));
    assert_eq!(
        d.finding(CheckId::PushServiceReachable).status,
        CheckStatus::Fail
    );
    assert_action(&d, ActionId::SwitchNetwork, true);

    let (report, _) = run(ProbeConfig {
        push_service: Some(service(&[closed, open.addr.port()])),
        ..config(&ca)
    })
    .await;
    let d = diagnosed(snapshot_with(report));
    let finding = d.finding(CheckId::PushServiceReachable);
    assert_eq!(finding.status, CheckStatus::Pass);
    assert!(
        finding.evidence.detail.contains("blocked on the others"),
        "{}",
        finding.evidence.detail
    );
    assert!(finding.evidence.detail.contains(&closed.to_string()));
}

#[tokio::test]
async fn ipv6_loopback_servers_are_probed_too() {
    if !ipv6_available() {
        pushdoctor_tests::skip::skip(
            "this machine cannot listen on ::1; the IPv6 probes were not run",
        );
        return;
    }
    let ca = TestCa::new("test CA");
    let server = serve(
        V6,
        Some(ca.server_config(&["::1"])),
        Behaviour::Answer(Answer::status(204)),
    )
    .await;
    let (report, _) = run(ProbeConfig {
        backend_url: Some(server.url("https", "[::1]", "/")),
        push_service: Some(PushService {
            name: "apns".into(),
            endpoints: vec![PushEndpoint::tcp("::1", server.addr.port())],
        }),
        ..config(&ca)
    })
    .await;
    let backend = report.backend.as_ref().unwrap();
    assert!(backend.reached, "{}", backend.describe());
    assert_eq!(backend.http_status, Some(204));
    assert!(report.push_service.unwrap().endpoints[0].reached);
}

#[tokio::test]
async fn everything_at_once_takes_about_as_long_as_the_slowest_probe() {
    let ca = TestCa::new("test CA");
    let silent = serve(V4, None, Behaviour::Silent).await;
    let healthy = https(&ca, Behaviour::Answer(Answer::status(200))).await;
    let closed = closed_port(V4);
    let (report, elapsed) = run(ProbeConfig {
        backend_url: Some(healthy.url("https", "localhost", "/")),
        captive_portal: Some(CaptivePortalCheck {
            url: silent.url("http", "127.0.0.1", "/generate_204"),
            expected_status: 204,
            expected_body: None,
        }),
        push_service: Some(PushService {
            name: "fcm".into(),
            endpoints: vec![
                PushEndpoint::tcp("127.0.0.1", closed),
                PushEndpoint::tcp("127.0.0.1", silent.addr.port()),
            ],
        }),
        ..config(&ca)
    })
    .await;
    // One probe waits its whole timeout; the others are done long before.
    // Run one after the other they would still fit, so what shows the
    // parallelism is that the run is not longer than one timeout plus slack.
    assert_eq!(
        report.captive_portal.as_ref().unwrap().verdict,
        PortalVerdict::Inconclusive
    );
    assert!(report.backend.as_ref().unwrap().reached);
    assert!(elapsed >= PROBE_TIMEOUT, "{elapsed:?}");
    assert_within_deadline(elapsed, PROBE_TIMEOUT);
}

#[tokio::test]
async fn several_silent_servers_share_one_deadline_instead_of_adding_up() {
    let ca = TestCa::new("test CA");
    let silent = serve(V4, None, Behaviour::Silent).await;
    let timeout = Duration::from_millis(700);
    let (report, elapsed) = run(ProbeConfig {
        backend_url: Some(silent.url("https", "localhost", "/")),
        captive_portal: Some(CaptivePortalCheck {
            url: silent.url("http", "127.0.0.1", "/"),
            expected_status: 204,
            expected_body: None,
        }),
        push_service: Some(PushService {
            name: "fcm".into(),
            endpoints: (0..4)
                .map(|_| PushEndpoint {
                    host: "localhost".into(),
                    port: silent.addr.port(),
                    tls: true,
                })
                .collect(),
        }),
        probe_timeout: timeout,
        ..config(&ca)
    })
    .await;
    // Six probes of 700 ms each would be 4.2 s one after another.
    assert!(elapsed < timeout * 3, "{elapsed:?}");
    // Every probe connected at once: the backend (its TLS stage hangs),
    // four push endpoints, and the captive check twice (its staged TCP
    // connection, then the HTTP client's own, which hangs).
    assert_eq!(silent.accepted(), 7);
    assert!(report.push_service.unwrap().endpoints.iter().all(|e| {
        e.failure
            .as_ref()
            .is_some_and(|f| f.stage == Stage::Tls && f.kind == FailureKind::TimedOut)
    }));
}

#[tokio::test]
async fn the_overall_deadline_cuts_a_longer_probe_timeout() {
    let ca = TestCa::new("test CA");
    let silent = serve(V4, None, Behaviour::Silent).await;
    let deadline = Duration::from_millis(400);
    let (report, elapsed) = run(ProbeConfig {
        backend_url: Some(silent.url("https", "localhost", "/")),
        probe_timeout: Duration::from_secs(30),
        deadline,
        ..config(&ca)
    })
    .await;
    assert_eq!(
        report.backend.unwrap().failure.unwrap().kind,
        FailureKind::TimedOut
    );
    assert_within_deadline(elapsed, deadline);
}

#[tokio::test]
async fn a_cancelled_run_stops_at_once_and_closes_its_connections() {
    let ca = TestCa::new("test CA");
    let silent = serve(V4, None, Behaviour::Silent).await;
    let prober = patient_prober(&ca, silent.url("https", "localhost", "/"));
    let begun = Instant::now();
    let cancelled = tokio::time::timeout(Duration::from_millis(200), prober.run(Some(true))).await;
    assert!(cancelled.is_err(), "the run was still waiting");
    assert!(begun.elapsed() < Duration::from_secs(5));
    // The server sees the probe's connection closed, not left hanging.
    let waited = Instant::now();
    while silent.closed_by_client() == 0 && waited.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!((silent.accepted(), silent.closed_by_client()), (1, 1));
}

#[tokio::test]
async fn a_device_without_network_gets_its_answer_at_once() {
    let ca = TestCa::new("test CA");
    let silent = serve(V4, None, Behaviour::Silent).await;
    let prober = patient_prober(&ca, silent.url("https", "localhost", "/"));
    let begun = Instant::now();
    let report = prober.run(Some(false)).await;
    assert!(
        begun.elapsed() < Duration::from_millis(500),
        "{:?}",
        begun.elapsed()
    );
    assert!(report.skipped.is_some());
    assert_eq!(silent.accepted(), 0, "nothing was sent");

    let mut snapshot = snapshot_with(report);
    snapshot.network.connected = Some(false);
    let d = diagnosed(snapshot);
    for check in [
        CheckId::BackendReachable,
        CheckId::PushServiceReachable,
        CheckId::CaptivePortal,
    ] {
        assert_eq!(
            d.finding(check).status,
            CheckStatus::NotApplicable,
            "{check}"
        );
    }
    assert_eq!(d.action_ids()[0], ActionId::EnableNetwork);
}

#[tokio::test]
async fn a_vpn_in_the_way_is_named_when_the_service_cannot_be_reached_through_it() {
    let ca = TestCa::new("test CA");
    let port = closed_port(V4);
    let (report, _) = run(backend_only(&ca, format!("https://127.0.0.1:{port}/"))).await;
    let mut snapshot = snapshot_with(report.clone());
    snapshot.network.vpn_active = Some(true);
    let d = diagnosed(snapshot);
    assert_eq!(d.finding(CheckId::ProxyOrVpn).status, CheckStatus::Fail);
    let ids = d.action_ids();
    let vpn = ids
        .iter()
        .position(|&a| a == ActionId::DisableVpnOrProxy)
        .expect("VPN action");
    // The service refused: tell the admin, after the likelier culprit.
    let down = ids
        .iter()
        .position(|&a| a == ActionId::ReportServiceDown)
        .expect("service-down action");
    assert!(vpn < down, "the VPN is the likelier culprit: {ids:?}");
    assert!(!ids.contains(&ActionId::SwitchNetwork), "{ids:?}");

    // A proxy is not in the probes' path (they go direct): no verdict on it.
    let mut snapshot = snapshot_with(report.clone());
    snapshot.network.proxy_active = Some(true);
    let d = diagnosed(snapshot);
    assert_eq!(d.finding(CheckId::ProxyOrVpn).status, CheckStatus::Unknown);
    assert_action(&d, ActionId::DisableVpnOrProxy, false);

    // Reachable through the VPN: context, not a finding against it.
    let ca2 = TestCa::new("test CA");
    let server = https(&ca2, Behaviour::Answer(Answer::status(200))).await;
    let (report, _) = run(backend_only(&ca2, server.url("https", "localhost", "/"))).await;
    let mut snapshot = snapshot_with(report);
    snapshot.network.vpn_active = Some(true);
    let d = diagnosed(snapshot);
    assert_eq!(d.finding(CheckId::ProxyOrVpn).status, CheckStatus::Pass);
    assert_action(&d, ActionId::DisableVpnOrProxy, false);
}

#[test]
fn bad_configurations_are_refused_before_anything_is_sent() {
    let cases: [(ProbeConfig, &str); 8] = [
        (
            ProbeConfig {
                backend_url: Some("https://mfa.bücher.example/health".into()),
                ..ProbeConfig::new()
            },
            "not ASCII: give it in its punycode form (xn--…)",
        ),
        (
            // The same host in its ASCII form is taken.
            ProbeConfig {
                backend_url: Some("https://mfa.xn--bcher-kva.example/health".into()),
                deadline: Duration::ZERO,
                ..ProbeConfig::new()
            },
            "deadline",
        ),
        (
            ProbeConfig {
                backend_url: Some("https://admin:hunter2@mfa.example.com/health".into()),
                ..ProbeConfig::new()
            },
            "backend URL must not carry a user name or password",
        ),
        (
            ProbeConfig {
                backend_url: Some("http://mfa.example.com/health".into()),
                ..ProbeConfig::new()
            },
            "must use https (plain http only on loopback)",
        ),
        (
            ProbeConfig {
                backend_url: Some("not a url".into()),
                ..ProbeConfig::new()
            },
            "backend URL `not a url` is not a URL",
        ),
        (
            ProbeConfig {
                trust: TrustRoots {
                    web_pki: true,
                    extra_pem: vec![
                        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"
                            .into(),
                    ],
                },
                ..ProbeConfig::new()
            },
            "extra root 1",
        ),
        (
            ProbeConfig {
                trust: TrustRoots {
                    web_pki: false,
                    extra_pem: Vec::new(),
                },
                ..ProbeConfig::new()
            },
            "no root at all",
        ),
        (
            ProbeConfig {
                deadline: Duration::ZERO,
                ..ProbeConfig::new()
            },
            "the deadline must be more than zero",
        ),
    ];
    for (config, expected) in cases {
        let error: ProbeConfigError = Prober::new(config).err().expect("refused");
        assert!(
            error.to_string().contains(expected),
            "{error} lacks {expected}"
        );
    }
}

#[test]
fn a_probe_report_survives_the_snapshot_round_trip() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = runtime.block_on(async {
        let ca = TestCa::new("test CA");
        let server = https(&ca, Behaviour::Answer(Answer::status(200))).await;
        run(backend_only(&ca, server.url("https", "localhost", "/")))
            .await
            .0
    });
    let snapshot = snapshot_with(report);
    let parsed = DeviceSnapshot::from_json(snapshot.to_json_pretty().as_bytes()).expect("parses");
    assert!(
        parsed.unknown_fields.is_empty(),
        "{:?}",
        parsed.unknown_fields
    );
    assert_eq!(parsed.snapshot, snapshot);
}
