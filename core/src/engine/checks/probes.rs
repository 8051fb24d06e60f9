//! What the active network probes measured (the snapshot's `probes`),
//! judged: captive portal, the MFA service, the push service, a VPN or
//! proxy in the way, the clock.

use crate::model::probe_report::PortalVerdict;
use crate::model::{CheckId, CheckStatus, DeviceSnapshot, EvidenceSource};

use super::Finding;

/// The checks the active network probes decide (`docs/network.md`).
pub(super) fn evaluate(s: &DeviceSnapshot, check: CheckId) -> Finding {
    use CheckId as C;
    use CheckStatus::*;
    let probe = |status, field: &str, detail: String| {
        Finding::new(check, status, EvidenceSource::Probe, &[field], detail)
    };
    if check == C::ProxyOrVpn {
        return evaluate_proxy_or_vpn(s);
    }
    let Some(report) = &s.probes else {
        return Finding::new(
            check,
            Unknown,
            EvidenceSource::None,
            &["probes"],
            "not known: the network probes did not run",
        );
    };
    if let Some(reason) = &report.skipped {
        return probe(
            NotApplicable,
            "probes.skipped",
            format!("not probed: {reason}"),
        );
    }
    let not_configured = |field: &str| {
        Finding::new(
            check,
            Unknown,
            EvidenceSource::None,
            &[field],
            format!("not known: {field} was not probed (not configured)"),
        )
    };
    match check {
        C::BackendReachable => match &report.backend {
            None => not_configured("probes.backend"),
            Some(backend) => probe(
                if backend.reached { Pass } else { Fail },
                "probes.backend",
                backend.describe(),
            ),
        },
        C::ServiceAvailable => match &report.backend {
            None => not_configured("probes.backend"),
            Some(backend) => match backend.http_status {
                None => probe(
                    NotApplicable,
                    "probes.backend",
                    "the service could not be reached, so it gave no answer to judge".into(),
                ),
                Some(status) if status >= 500 => probe(
                    Fail,
                    "probes.backend.http_status",
                    format!(
                        "{} answered HTTP {status}: the service has a problem of its own",
                        backend.target
                    ),
                ),
                Some(status) => probe(
                    Pass,
                    "probes.backend.http_status",
                    format!("{} answered HTTP {status}", backend.target),
                ),
            },
        },
        C::CaptivePortal => match &report.captive_portal {
            None => not_configured("probes.captive_portal"),
            Some(captive) => probe(
                match captive.verdict {
                    PortalVerdict::NoPortal => Pass,
                    PortalVerdict::Portal => Fail,
                    PortalVerdict::Inconclusive => Unknown,
                },
                "probes.captive_portal",
                format!("{}: {}", captive.endpoint.target, captive.detail),
            ),
        },
        C::PushServiceReachable => match &report.push_service {
            Some(push) if !push.endpoints.is_empty() => {
                let reached: Vec<&str> = push.reached().map(|e| e.target.as_str()).collect();
                let blocked: Vec<String> = push.unreached().map(|e| e.describe()).collect();
                if push.none_reached() {
                    probe(
                        Fail,
                        "probes.push_service",
                        format!(
                            "{}: no endpoint could be reached: {}",
                            push.service,
                            blocked.join("; ")
                        ),
                    )
                } else if blocked.is_empty() {
                    probe(
                        Pass,
                        "probes.push_service",
                        format!(
                            "{}: every endpoint reached ({})",
                            push.service,
                            reached.join(", ")
                        ),
                    )
                } else {
                    probe(
                        Pass,
                        "probes.push_service",
                        format!(
                            "{}: reached through {}, but blocked on the others (pushes may be slower): {}",
                            push.service,
                            reached.join(", "),
                            blocked.join("; ")
                        ),
                    )
                }
            }
            _ => not_configured("probes.push_service"),
        },
        C::ClockSkew => match &report.clock {
            None => Finding::new(
                check,
                Unknown,
                EvidenceSource::None,
                &["probes.clock"],
                "not known: no server answered with a Date to compare the clock with",
            ),
            Some(clock) => {
                let way = if clock.skew_seconds >= 0.0 {
                    "ahead of"
                } else {
                    "behind"
                };
                probe(
                    if clock.is_off() { Fail } else { Pass },
                    "probes.clock",
                    format!(
                        "the device clock is {:.0} s {way} {}'s (limit {} s)",
                        clock.skew_seconds.abs(),
                        clock.source,
                        clock.max_skew_seconds
                    ),
                )
            }
        },
        _ => unreachable!("only the probe checks are evaluated here"),
    }
}

/// A VPN or proxy is context: it fails only when something the probes
/// tried could not be reached through it.
fn evaluate_proxy_or_vpn(s: &DeviceSnapshot) -> Finding {
    let check = CheckId::ProxyOrVpn;
    let fields = ["network.vpn_active", "network.proxy_active"];
    let on: Vec<&str> = [
        (s.network.vpn_active, "a VPN"),
        (s.network.proxy_active, "a proxy"),
    ]
    .into_iter()
    .filter(|(active, _)| *active == Some(true))
    .map(|(_, name)| name)
    .collect();
    if on.is_empty() {
        return match (s.network.vpn_active, s.network.proxy_active) {
            (None, None) => Finding::unknown(check, &fields),
            _ => Finding::new(
                check,
                CheckStatus::Pass,
                EvidenceSource::Snapshot,
                &fields,
                "no VPN or proxy is reported",
            ),
        };
    }
    let what = on.join(" and ");
    let vpn = s.network.vpn_active == Some(true);
    let probed = ["network.vpn_active", "network.proxy_active", "probes"];
    match s.probes.as_ref().filter(|report| report.skipped.is_none()) {
        // A VPN carries the probes' traffic as it carries the app's. A
        // proxy does not: the probes go direct, so a direct path that fails
        // says nothing of the app's proxied one.
        Some(report) if report.something_unreachable() && !vpn => Finding::new(
            check,
            CheckStatus::Unknown,
            EvidenceSource::Probe,
            &["network.proxy_active", "probes"],
            "a proxy is on; the probes go direct and could not reach everything, which \
             does not say whether the app's way through the proxy works",
        ),
        Some(report) if report.something_unreachable() => Finding::new(
            check,
            CheckStatus::Fail,
            EvidenceSource::Probe,
            &probed,
            format!(
                "{what} is on, and the probes could not get through it (see the network findings)"
            ),
        ),
        Some(_) => Finding::new(
            check,
            CheckStatus::Pass,
            EvidenceSource::Probe,
            &probed,
            format!("{what} is on, and the probes got through it"),
        ),
        None => Finding::new(
            check,
            CheckStatus::Unknown,
            EvidenceSource::Snapshot,
            &fields,
            format!("{what} is on; not probed whether it gets in the way"),
        ),
    }
}
