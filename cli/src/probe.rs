//! `pushdoctor probe`: the network probes from a desktop, for support
//! staff checking what a person's network lets through.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use pushdoctor_core::engine::probe_summary::ProbeSummary;
use pushdoctor_core::model::snapshot::Network;
use pushdoctor_core::probes::{
    CaptivePortalCheck, ProbeConfig, Prober, PushService, TrustRoots, DEFAULT_DEADLINE,
    DEFAULT_MAX_CLOCK_SKEW, DEFAULT_PROBE_TIMEOUT,
};
use pushdoctor_core::Platform;

use crate::{exit, write_out, Failure, PlatformArg};

#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// The MFA service's endpoint (https; plain http only on loopback).
    #[arg(long)]
    backend: Option<String>,
    /// A URL whose answer is known, to detect a captive portal (plain http is fine).
    #[arg(long)]
    captive_url: Option<String>,
    /// The status the captive-portal URL answers when nothing intercepts it.
    #[arg(long, default_value_t = 204)]
    captive_status: u16,
    /// A text the captive-portal URL's answer contains when nothing intercepts it.
    #[arg(long)]
    captive_body: Option<String>,
    /// The phone's platform (required): its push service (FCM or APNs) and captive-portal check are probed unless `--push` / `--captive-url` replace them, and the advice uses its words.
    #[arg(long, value_enum)]
    platform: PlatformArg,
    /// A push-service endpoint to reach over TCP, `host:port` (repeatable; replaces the platform's list).
    #[arg(long = "push", value_name = "HOST:PORT")]
    push: Vec<String>,
    /// The whole run ends within this many milliseconds.
    #[arg(long, default_value_t = DEFAULT_DEADLINE.as_millis() as u64, value_parser = clap::value_parser!(u64).range(1..))]
    deadline_ms: u64,
    /// Each probe ends within this many milliseconds.
    #[arg(long, default_value_t = DEFAULT_PROBE_TIMEOUT.as_millis() as u64, value_parser = clap::value_parser!(u64).range(1..))]
    probe_timeout_ms: u64,
    /// Past this many seconds either way, the clock counts as wrong.
    #[arg(long, default_value_t = DEFAULT_MAX_CLOCK_SKEW.as_secs() as u32)]
    max_clock_skew_s: u32,
    /// Also trust the CA certificates in this PEM file (repeatable): an enterprise CA, a test CA.
    #[arg(long = "ca-file", value_name = "PEM")]
    ca_files: Vec<String>,
    /// Trust only the `--ca-file` roots, not the bundled web PKI roots.
    #[arg(long)]
    no_web_pki: bool,
    /// A VPN is on (context for the findings, as a phone would report it).
    #[arg(long)]
    vpn: bool,
    #[arg(long, value_enum, default_value_t = ProbeFormat::Text)]
    format: ProbeFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum ProbeFormat {
    Text,
    Json,
}

pub(crate) fn run(args: ProbeArgs, stdout: &mut dyn Write) -> Result<u8, Failure> {
    // Required: a probe from a desktop cannot tell which phone it stands
    // in for, and guessing one would print that phone's name and settings.
    let platform = Platform::from(args.platform);
    let config = config(&args, platform)?;
    let prober = Prober::new(config).map_err(|e| Failure::bad_input(e.to_string()))?;
    // From a desktop the platform's "connected" is unknown: probe anyway.
    let report = run_to_deadline(prober.run(None))?;
    let network = Network {
        vpn_active: args.vpn.then_some(true),
        ..Network::default()
    };
    let summary = ProbeSummary::new(report, platform, network);
    let rendered = match args.format {
        ProbeFormat::Text => summary.text(),
        ProbeFormat::Json => {
            let mut json =
                serde_json::to_string_pretty(&summary).expect("a summary always serializes");
            json.push('\n');
            json
        }
    };
    write_out(stdout, &rendered)?;
    Ok(if summary.needs_action() {
        exit::ACTION_NEEDED
    } else {
        exit::OK
    })
}

/// Runs `work` on a runtime of its own and returns as soon as it is done,
/// without waiting for what it leaves behind. The probes end at their
/// deadline, but a name lookup is a blocking call on a thread of its own
/// (`getaddrinfo`), which a silent resolver keeps for 10–30 s; dropping the
/// runtime would wait for it, so the process would outlive the deadline by
/// that much.
pub(crate) fn run_to_deadline<F: std::future::Future>(work: F) -> Result<F::Output, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::bad_input(format!("cannot start the async runtime: {e}")))?;
    let output = runtime.block_on(work);
    runtime.shutdown_background();
    Ok(output)
}

fn config(args: &ProbeArgs, platform: Platform) -> Result<ProbeConfig, Failure> {
    let captive_portal = Some(match &args.captive_url {
        Some(url) => CaptivePortalCheck {
            url: url.clone(),
            expected_status: args.captive_status,
            expected_body: args.captive_body.clone(),
        },
        None => CaptivePortalCheck::for_platform(platform),
    });
    let push_service = Some(if !args.push.is_empty() {
        PushService {
            name: PushService::for_platform(platform).name,
            endpoints: args
                .push
                .iter()
                .map(|t| {
                    t.parse()
                        .map_err(|e| Failure::bad_input(format!("--push {e}")))
                })
                .collect::<Result<_, _>>()?,
        }
    } else {
        PushService::for_platform(platform)
    });
    let mut extra_pem = Vec::new();
    for path in &args.ca_files {
        extra_pem.push(
            std::fs::read_to_string(path)
                .map_err(|e| Failure::bad_input(format!("{path}: cannot read: {e}")))?,
        );
    }
    Ok(ProbeConfig {
        backend_url: args.backend.clone(),
        captive_portal,
        push_service,
        deadline: Duration::from_millis(args.deadline_ms),
        probe_timeout: Duration::from_millis(args.probe_timeout_ms),
        max_clock_skew: Duration::from_secs(args.max_clock_skew_s.into()),
        trust: TrustRoots {
            web_pki: !args.no_web_pki,
            extra_pem,
        },
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    use super::run_to_deadline;

    #[test]
    fn a_blocked_lookup_does_not_hold_the_command_past_its_work() {
        // A blocking call that cannot end until the test lets it: were the
        // runtime to wait for it, `run_to_deadline` would return only when
        // the call gave up after a minute, and `finished` would be set.
        let (release, blocked) = mpsc::channel::<()>();
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let answer = run_to_deadline(async move {
            drop(tokio::task::spawn_blocking(move || {
                let _ = blocked.recv_timeout(Duration::from_secs(60));
                flag.store(true, Ordering::SeqCst);
            }));
            42
        })
        .unwrap();
        assert_eq!(answer, 42);
        assert!(
            !finished.load(Ordering::SeqCst),
            "returned only after the blocking call ended"
        );
        drop(release);
    }
}
