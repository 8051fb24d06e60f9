//! A full probe run against loopback servers, beside each probe run on its
//! own in the same run: the parallel run should cost little more than its
//! slowest probe, not the sum of them.
//!
//! Two settings: servers that answer at once (the run's own overhead), and
//! servers with a delay like a far-away service (backend 60 ms, captive
//! check 30 ms, push ports at once), where the sum of the parts is 90 ms
//! and the parallel run should take about 60.
//! Run: `cargo bench -p pushdoctor-tests --bench probes`.

use std::sync::OnceLock;
use std::time::Duration;

use divan::Bencher;
use pushdoctor_core::probes::{
    CaptivePortalCheck, ProbeConfig, Prober, PushEndpoint, PushService, TrustRoots,
};
use pushdoctor_tests::loopback::{serve, Answer, Behaviour, Server, TestCa, V4};

fn main() {
    divan::Divan::default().config_with_args().main();
}

struct Setup {
    runtime: tokio::runtime::Runtime,
    /// Kept alive for the servers' sake.
    _servers: Vec<Server>,
    full: Prober,
    backend: Prober,
    captive: Prober,
    push: Prober,
}

fn setup(backend_delay: Duration, captive_delay: Duration) -> Setup {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ca = TestCa::new("bench CA");
    let (backend, captive, push) = runtime.block_on(async {
        let backend = serve(
            V4,
            Some(ca.server_config(&["localhost"])),
            Behaviour::Answer(Answer::status(200).delay(backend_delay)),
        )
        .await;
        let captive = serve(
            V4,
            None,
            Behaviour::Answer(Answer::status(204).delay(captive_delay)),
        )
        .await;
        let push = serve(V4, None, Behaviour::Silent).await;
        (backend, captive, push)
    });
    let base = ProbeConfig {
        trust: TrustRoots {
            web_pki: false,
            extra_pem: vec![ca.pem.clone()],
        },
        ..ProbeConfig::new()
    };
    let backend_url = Some(backend.url("https", "localhost", "/health"));
    let captive_check = Some(CaptivePortalCheck {
        url: captive.url("http", "127.0.0.1", "/generate_204"),
        expected_status: 204,
        expected_body: None,
    });
    let push_service = Some(PushService {
        name: "fcm".into(),
        endpoints: (0..4)
            .map(|_| PushEndpoint::tcp("127.0.0.1", push.addr.port()))
            .collect(),
    });
    let prober = |config: ProbeConfig| Prober::new(config).unwrap();
    Setup {
        full: prober(ProbeConfig {
            backend_url: backend_url.clone(),
            captive_portal: captive_check.clone(),
            push_service: push_service.clone(),
            ..base.clone()
        }),
        backend: prober(ProbeConfig {
            backend_url,
            ..base.clone()
        }),
        captive: prober(ProbeConfig {
            captive_portal: captive_check,
            ..base.clone()
        }),
        push: prober(ProbeConfig {
            push_service,
            ..base
        }),
        runtime,
        _servers: vec![backend, captive, push],
    }
}

fn immediate() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| setup(Duration::ZERO, Duration::ZERO))
}

fn delayed() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| setup(Duration::from_millis(60), Duration::from_millis(30)))
}

fn run(bencher: Bencher<'_, '_>, setup: &'static Setup, prober: &'static Prober) {
    bencher.bench(|| {
        let report = setup.runtime.block_on(prober.run(Some(true)));
        assert!(report.backend.as_ref().is_none_or(|b| b.reached));
        report
    });
}

#[divan::bench_group(sample_count = 200)]
mod at_once {
    use super::*;

    #[divan::bench]
    fn full_run(bencher: Bencher<'_, '_>) {
        let s = immediate();
        run(bencher, s, &s.full);
    }
    #[divan::bench]
    fn backend_alone(bencher: Bencher<'_, '_>) {
        let s = immediate();
        run(bencher, s, &s.backend);
    }
    #[divan::bench]
    fn captive_alone(bencher: Bencher<'_, '_>) {
        let s = immediate();
        run(bencher, s, &s.captive);
    }
    #[divan::bench]
    fn push_alone(bencher: Bencher<'_, '_>) {
        let s = immediate();
        run(bencher, s, &s.push);
    }
}

#[divan::bench_group(sample_count = 40)]
mod far_away {
    use super::*;

    #[divan::bench]
    fn full_run(bencher: Bencher<'_, '_>) {
        let s = delayed();
        run(bencher, s, &s.full);
    }
    #[divan::bench]
    fn backend_alone(bencher: Bencher<'_, '_>) {
        let s = delayed();
        run(bencher, s, &s.backend);
    }
    #[divan::bench]
    fn captive_alone(bencher: Bencher<'_, '_>) {
        let s = delayed();
        run(bencher, s, &s.captive);
    }
    #[divan::bench]
    fn push_alone(bencher: Bencher<'_, '_>) {
        let s = delayed();
        run(bencher, s, &s.push);
    }
}
