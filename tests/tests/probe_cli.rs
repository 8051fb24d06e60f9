//! `pushdoctor probe` against real loopback servers, in-process, as
//! support staff would run it: text and JSON, exit codes, bad usage.

use std::time::Duration;

use pushdoctor_tests::loopback::{closed_port, serve, Answer, Behaviour, Server, TestCa, V4};

/// Servers run on their own runtime: the command starts its own.
struct Servers {
    runtime: tokio::runtime::Runtime,
}

impl Servers {
    fn new() -> Self {
        Servers {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap(),
        }
    }

    fn serve(&self, ca: Option<&TestCa>, behaviour: Behaviour) -> Server {
        let tls = ca.map(|ca| ca.server_config(&["localhost"]));
        self.runtime.block_on(serve(V4, tls, behaviour))
    }
}

fn pushdoctor(args: &[&str]) -> (u8, String, String) {
    let mut stdin = std::io::empty();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["pushdoctor"];
    argv.extend_from_slice(args);
    let code = pushdoctor_cli::run(
        argv,
        &mut std::io::BufReader::new(&mut stdin),
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn ca_file(ca: &TestCa) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &ca.pem).unwrap();
    file
}

#[test]
fn a_healthy_service_exits_0_and_a_portal_exits_1_with_the_fix() {
    let servers = Servers::new();
    let ca = TestCa::new("test CA");
    let pem = ca_file(&ca);
    let backend = servers.serve(Some(&ca), Behaviour::Answer(Answer::status(200)));
    let backend_url = backend.url("https", "localhost", "/health");
    let pem_path = pem.path().to_str().unwrap();

    // Every probe on loopback: the platform's own push service and captive
    // check are replaced, so nothing leaves the machine.
    let captive = servers.serve(None, Behaviour::Answer(Answer::status(204)));
    let captive_url = captive.url("http", "127.0.0.1", "/generate_204");
    let push = format!("127.0.0.1:{}", backend.addr.port());
    let trusting_only_the_test_ca = [
        "probe",
        "--platform",
        "ios",
        "--backend",
        &backend_url,
        "--ca-file",
        pem_path,
        "--no-web-pki",
        "--push",
        &push,
    ];
    let healthy = [
        &trusting_only_the_test_ca[..],
        &["--captive-url", &captive_url],
    ]
    .concat();
    let (code, out, err) = pushdoctor(&healthy);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("Push Doctor network probes: iOS"), "{out}");
    assert!(
        out.contains(&format!("{backend_url}: reached (DNS ")),
        "{out}"
    );
    assert!(out.contains("PASS    network.backend_reachable"), "{out}");

    let portal = servers.serve(
        None,
        Behaviour::Answer(Answer::status(302).header("Location", "http://login.example/")),
    );
    let captive_url = portal.url("http", "127.0.0.1", "/generate_204");
    let with_portal = [&captive_url[..], "--format", "json"];
    let args = [
        &trusting_only_the_test_ca[..],
        &["--captive-url"],
        &with_portal,
    ]
    .concat();
    let (code, out, _) = pushdoctor(&args);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["probes"]["captive_portal"]["verdict"], "portal");
    assert_eq!(json["probes"]["backend"]["http_status"], 200);
    let actions: Vec<&str> = json["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["sign_in_to_network"]);
}

#[test]
fn blocked_push_ports_and_an_unreachable_service_exit_1_naming_the_stage() {
    let ca = TestCa::new("test CA");
    let pem = ca_file(&ca);
    let closed = closed_port(V4);
    let target = format!("127.0.0.1:{closed}");
    let (code, out, _) = pushdoctor(&[
        "probe",
        "--platform",
        "android",
        "--captive-url",
        &format!("http://{target}/generate_204"),
        "--backend",
        &format!("https://{target}/"),
        "--push",
        &target,
        "--ca-file",
        pem.path().to_str().unwrap(),
        "--deadline-ms",
        "2000",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("connect failed (refused)"), "{out}");
    assert!(
        out.contains("FAIL    network.push_service_reachable"),
        "{out}"
    );
    // The MFA service refused: it is down or the port closed, and another
    // network would not help: "tell the admin". The push service refusing
    // is a network rejecting its ports (FCM is not down): "try another
    // network" stays, for that one.
    assert!(out.contains("[report_service_down]"), "{out}");
    assert!(out.contains("[switch_network]"), "{out}");
}

#[test]
fn a_404_from_the_health_url_fails_the_service_and_says_check_the_url() {
    let servers = Servers::new();
    let ca = TestCa::new("test CA");
    let pem = ca_file(&ca);
    let captive = servers.serve(None, Behaviour::Answer(Answer::status(204)));
    for (status, verdict, fix) in [
        (404, "FAIL", Some("[check_service_url]")),
        (401, "FAIL", Some("[check_service_url]")),
        (503, "FAIL", Some("[wait_for_service]")),
        (204, "PASS", None),
    ] {
        let backend = servers.serve(Some(&ca), Behaviour::Answer(Answer::status(status)));
        let (code, out, err) = pushdoctor(&[
            "probe",
            "--platform",
            "android",
            "--backend",
            &backend.url("https", "localhost", "/helth"),
            "--ca-file",
            pem.path().to_str().unwrap(),
            "--no-web-pki",
            "--captive-url",
            &captive.url("http", "127.0.0.1", "/generate_204"),
            "--push",
            &format!("127.0.0.1:{}", backend.addr.port()),
        ]);
        assert!(
            out.contains(&format!("{verdict:<7} service.available")),
            "{status}: {out}{err}"
        );
        assert_eq!(code, u8::from(fix.is_some()), "{status}: {out}");
        if let Some(fix) = fix {
            assert!(out.contains(fix), "{status}: {out}");
        }
        if (400..500).contains(&status) {
            assert!(
                out.contains(&format!("the health URL answered {status}: check the URL")),
                "{out}"
            );
            assert!(!out.contains("[wait_for_service]"), "{out}");
        }
    }
}

#[test]
fn probe_without_a_platform_is_refused_rather_than_guessed() {
    let (code, out, err) = pushdoctor(&["probe", "--backend", "https://x.example/"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("--platform"), "{err}");
    assert!(!err.contains("Android"), "{err}");
}

#[test]
fn a_silent_service_is_given_up_on_at_the_deadline() {
    let servers = Servers::new();
    let silent = servers.serve(None, Behaviour::Silent);
    let begun = std::time::Instant::now();
    let (code, out, _) = pushdoctor(&[
        "probe",
        "--platform",
        "ios",
        "--captive-url",
        &silent.url("http", "127.0.0.1", "/hotspot-detect.html"),
        "--push",
        &format!("127.0.0.1:{}", silent.addr.port()),
        "--backend",
        &silent.url("https", "localhost", "/"),
        "--probe-timeout-ms",
        "300",
    ]);
    assert!(
        begun.elapsed() < Duration::from_secs(3),
        "{:?}",
        begun.elapsed()
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("TLS failed (timed_out)"), "{out}");
    // A server that accepts and then says nothing: the network (or a
    // middlebox on it) may be the cause, so another network is worth a try.
    assert!(out.contains("[switch_network]"), "{out}");
    assert!(!out.contains("[report_service_down]"), "{out}");
}

#[test]
fn bad_usage_exits_2_with_one_line_and_nothing_on_stdout() {
    let cases: [(&[&str], &str); 5] = [
        (&["probe"], "--platform"),
        (
            &[
                "probe",
                "--platform",
                "ios",
                "--backend",
                "http://mfa.example.com/",
            ],
            "must use https",
        ),
        (
            &["probe", "--platform", "ios", "--push", "mtalk.google.com"],
            "--push `mtalk.google.com`: no port",
        ),
        (
            &[
                "probe",
                "--platform",
                "ios",
                "--backend",
                "https://x.example/",
                "--ca-file",
                "/nonexistent.pem",
            ],
            "/nonexistent.pem: cannot read",
        ),
        (
            &[
                "probe",
                "--platform",
                "ios",
                "--backend",
                "https://x.example/",
                "--deadline-ms",
                "0",
            ],
            "--deadline-ms",
        ),
    ];
    for (args, expected) in cases {
        let (code, out, err) = pushdoctor(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
