//! What the active network probes measured (the snapshot's `probes`),
//! judged: captive portal, the MFA service, the push service, a VPN or
//! proxy in the way, the clock.

use crate::model::action::ActionId;
use crate::model::probe_report::{EndpointResult, FailureKind, PortalVerdict, ProbeReport};
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
                // A mistyped path or host must not look healthy: the
                // health URL is the service's own, so a 4xx means the URL
                // is wrong (or the service refuses the probe).
                Some(status) if (400..500).contains(&status) => probe(
                    Fail,
                    "probes.backend.http_status",
                    format!(
                        "the health URL answered {status}: check the URL ({})",
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
            Some(clock) if clock.within_resolution() => probe(
                Pass,
                "probes.clock",
                format!(
                    "the device clock agrees with {}'s within the Date header's one-second resolution",
                    clock.source
                ),
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

/// The fix for a failing network check, where the failure's kind calls
/// for another than the check's own ([`ActionId::fixing`]): a refused
/// connection is a service that is down or a closed port, which another
/// network does not change; a 4xx from the health URL is a wrong URL. A
/// silent server, a name that does not resolve or no route keep "try
/// another network": a network can cause those.
pub(super) fn fix(check: CheckId, report: &ProbeReport) -> Option<ActionId> {
    let refused = |e: &EndpointResult| {
        !e.reached
            && e.failure
                .as_ref()
                .is_some_and(|f| f.kind == FailureKind::Refused)
    };
    match check {
        CheckId::BackendReachable => report
            .backend
            .as_ref()
            .filter(|b| refused(b))
            .map(|_| ActionId::ReportServiceDown),
        CheckId::ServiceAvailable => report
            .backend
            .as_ref()
            .and_then(|b| b.http_status)
            .filter(|status| (400..500).contains(status))
            .map(|_| ActionId::CheckServiceUrl),
        // FCM and APNs are not down when their ports refuse: a network
        // that rejects them is, so the push service keeps its own fix.
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{expect, snapshot};
    use crate::model::probe_report::{ClockResult, Failure, PushServiceResult, Stage, Timings};
    use crate::model::Platform;

    fn with_report(edit: impl FnOnce(&mut ProbeReport)) -> DeviceSnapshot {
        snapshot(Platform::Android, |s| {
            let mut report = ProbeReport::default();
            edit(&mut report);
            s.probes = Some(report);
        })
    }

    fn endpoint(target: &str, failure: Option<FailureKind>, status: Option<u16>) -> EndpointResult {
        EndpointResult {
            target: target.into(),
            reached: failure.is_none(),
            failure: failure.map(|kind| Failure {
                stage: Stage::Connect,
                kind,
                message: kind.to_string(),
            }),
            timings: Timings::default(),
            remote_addr: None,
            http_status: status,
            redirect_to: None,
        }
    }

    fn clock(skew_seconds: f64, max_skew_seconds: u32) -> DeviceSnapshot {
        with_report(|r| {
            r.clock = Some(ClockResult {
                source: "https://mfa.example/".into(),
                server_date: "Mon, 30 Nov 2026 01:00:00 GMT".into(),
                skew_seconds,
                max_skew_seconds,
            })
        })
    }

    #[test]
    fn a_second_of_skew_is_the_date_headers_rounding_not_a_measurement() {
        // Whatever the limit, ±1 s is within the header's resolution.
        for (skew, max) in [(1.0, 0), (-1.0, 0), (0.4, 90), (1.0, 90)] {
            let finding = evaluate(&clock(skew, max), CheckId::ClockSkew);
            expect(finding, CheckStatus::Pass, "one-second resolution");
        }
        // Past it, the skew is measured and judged against the limit.
        expect(
            evaluate(&clock(1.6, 1), CheckId::ClockSkew),
            CheckStatus::Fail,
            "2 s ahead of",
        );
        expect(
            evaluate(&clock(-30.0, 90), CheckId::ClockSkew),
            CheckStatus::Pass,
            "30 s behind",
        );
    }

    #[test]
    fn a_4xx_from_the_health_url_fails_the_service_naming_the_url() {
        for status in [400, 404, 410, 499] {
            let s = with_report(|r| {
                r.backend = Some(endpoint("https://mfa.example/helth", None, Some(status)))
            });
            let finding = evaluate(&s, CheckId::ServiceAvailable);
            expect(
                finding.clone(),
                CheckStatus::Fail,
                &format!("the health URL answered {status}: check the URL"),
            );
            assert_eq!(
                crate::engine::checks::fix_for(&finding, &s),
                Some(ActionId::CheckServiceUrl)
            );
        }
        for (status, verdict) in [(200, CheckStatus::Pass), (302, CheckStatus::Pass)] {
            let s = with_report(|r| {
                r.backend = Some(endpoint("https://mfa.example/", None, Some(status)))
            });
            assert_eq!(evaluate(&s, CheckId::ServiceAvailable).status, verdict);
        }
    }

    #[test]
    fn the_fix_follows_the_failures_kind() {
        use FailureKind as K;
        let backend =
            |kind| with_report(|r| r.backend = Some(endpoint("https://x/", Some(kind), None)));
        assert_eq!(
            fix(
                CheckId::BackendReachable,
                backend(K::Refused).probes.as_ref().unwrap()
            ),
            Some(ActionId::ReportServiceDown)
        );
        for kind in [K::TimedOut, K::NameNotResolved, K::Unreachable, K::Reset] {
            let s = backend(kind);
            let finding = evaluate(&s, CheckId::BackendReachable);
            assert_eq!(finding.status, CheckStatus::Fail);
            assert_eq!(
                crate::engine::checks::fix_for(&finding, &s),
                Some(ActionId::SwitchNetwork),
                "{kind}"
            );
        }
        let push = |kinds: &[FailureKind]| {
            with_report(|r| {
                r.push_service = Some(PushServiceResult {
                    service: "FCM".into(),
                    endpoints: kinds
                        .iter()
                        .map(|k| endpoint("mtalk.google.com:5228", Some(*k), None))
                        .collect(),
                })
            })
        };
        // FCM refusing on every port is a network rejecting it, not FCM down.
        let all_refused = push(&[K::Refused, K::Refused]);
        let finding = evaluate(&all_refused, CheckId::PushServiceReachable);
        assert_eq!(
            crate::engine::checks::fix_for(&finding, &all_refused),
            Some(ActionId::SwitchNetwork)
        );
        // One port silent: a network may be dropping it.
        let mixed = push(&[K::Refused, K::TimedOut]);
        let finding = evaluate(&mixed, CheckId::PushServiceReachable);
        assert_eq!(
            crate::engine::checks::fix_for(&finding, &mixed),
            Some(ActionId::SwitchNetwork)
        );
    }
}
