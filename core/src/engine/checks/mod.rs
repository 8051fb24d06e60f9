//! Checks: each fact of a snapshot turned into a finding.
//!
//! A check's id names the healthy state (`focus.off`, `notifications.enabled`)
//! and `pass` means that state holds. A finding always carries the evidence
//! that decided it. Where a snapshot leaves a fact out, a check may still
//! be decided by a fact that logically implies it (the MFA Report saying
//! `Success` implies the push arrived); the evidence then says so. Nothing
//! else is inferred: what is not known is `unknown`.

mod admin;
mod android;
mod app;
mod ios;
mod network;
mod probes;
mod request;
mod settings;

use serde::{Deserialize, Serialize};

use crate::model::action::ActionId;
use crate::model::snapshot::DeviceSnapshot;
use crate::model::{CheckId, CheckStatus, EvidenceSource, MfaReportStatus, Platform};

/// Why a finding is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Where the deciding fact came from.
    pub source: EvidenceSource,
    /// The snapshot fields (dotted paths) the decision read.
    pub fields: Vec<String>,
    /// One sentence for a person.
    pub detail: String,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The check.
    pub check: CheckId,
    /// Its result.
    pub status: CheckStatus,
    /// Why it is what it is.
    pub evidence: Evidence,
}

impl Finding {
    fn new(
        check: CheckId,
        status: CheckStatus,
        source: EvidenceSource,
        fields: &[&str],
        detail: impl Into<String>,
    ) -> Self {
        Finding {
            check,
            status,
            evidence: Evidence {
                source,
                fields: fields.iter().map(|f| f.to_string()).collect(),
                detail: detail.into(),
            },
        }
    }

    /// A fact read straight from one snapshot field.
    fn from_field(check: CheckId, field: &str, value: Option<bool>, pass_when: bool) -> Self {
        match value {
            Some(v) => Finding::new(
                check,
                if v == pass_when {
                    CheckStatus::Pass
                } else {
                    CheckStatus::Fail
                },
                EvidenceSource::Snapshot,
                &[field],
                format!("{field} is {v}"),
            ),
            None => Finding::unknown(check, &[field]),
        }
    }

    /// A check of one platform's own setting (`what`), on the other
    /// platform.
    fn only_on(check: CheckId, what: &str, platform: Platform) -> Self {
        Finding::new(
            check,
            CheckStatus::NotApplicable,
            EvidenceSource::Snapshot,
            &["platform"],
            format!("{what} exists on {} only", platform.display_name()),
        )
    }

    fn unknown(check: CheckId, fields: &[&str]) -> Self {
        Finding::new(
            check,
            CheckStatus::Unknown,
            EvidenceSource::None,
            fields,
            format!("not known: {} not reported", fields.join(", ")),
        )
    }

    fn from_report(check: CheckId, status: CheckStatus, report: MfaReportStatus) -> Self {
        Finding::new(
            check,
            status,
            EvidenceSource::MfaReport,
            &["mfa_report_status"],
            format!("MFA Report shows {report}: {}", report.meaning()),
        )
    }

    /// The answer a person gave to a question that covers exactly this check.
    pub(crate) fn from_person(
        check: CheckId,
        status: CheckStatus,
        question: &str,
        said_yes: bool,
    ) -> Self {
        Finding::new(
            check,
            status,
            EvidenceSource::Person,
            &[],
            format!(
                "answered {} to \"{question}\"",
                if said_yes { "yes" } else { "no" }
            ),
        )
    }
}

/// The threshold from which retries count as "multiple", as the seed's
/// "Is the issue still happening after multiple retries?" means it.
pub const DEFAULT_MULTIPLE_RETRIES: u32 = 2;

/// All checks, in [`CheckId::ALL`] order.
pub fn evaluate(snapshot: &DeviceSnapshot, multiple_retries: u32) -> Vec<Finding> {
    CheckId::ALL
        .iter()
        .map(|&check| evaluate_one(snapshot, check, multiple_retries))
        .collect()
}

/// Without a network connection the probes' failures say nothing more
/// than the platform already did.
fn settle_network(findings: &mut [Finding]) {
    let offline = findings.iter().any(|f| {
        matches!(
            f.check,
            CheckId::NetworkConnected | CheckId::NetworkAirplaneMode
        ) && f.status == CheckStatus::Fail
    });
    if !offline {
        return;
    }
    for finding in findings.iter_mut().filter(|f| {
        f.check.is_network_probe() && matches!(f.status, CheckStatus::Fail | CheckStatus::Unknown)
    }) {
        *finding = Finding::new(
            finding.check,
            CheckStatus::NotApplicable,
            EvidenceSource::Derived,
            &["network.connected"],
            "the device has no network connection, so this cannot be judged",
        );
    }
}

/// The checks about answering a push: they mean nothing when no push arrived.
const ABOUT_ANSWERING: [CheckId; 6] = [
    CheckId::AcceptTapped,
    CheckId::AcceptResponded,
    CheckId::MfaCompleted,
    CheckId::AcceptRetried,
    CheckId::AcceptRetrySucceeded,
    CheckId::AcceptRetriesUnderLimit,
];

/// The checks about retrying a failed Accept.
const ABOUT_RETRYING: [CheckId; 3] = [
    CheckId::AcceptRetried,
    CheckId::AcceptRetrySucceeded,
    CheckId::AcceptRetriesUnderLimit,
];

/// The fix for a failing finding: the check's own ([`ActionId::fixing`]),
/// except for a network check whose failure's kind calls for another (a
/// refused connection, a 4xx from the health URL: `docs/network.md`).
pub fn fix_for(finding: &Finding, snapshot: &DeviceSnapshot) -> Option<ActionId> {
    snapshot
        .probes
        .as_ref()
        .filter(|_| finding.check.is_network_probe())
        .and_then(|report| probes::fix(finding.check, report))
        .or_else(|| ActionId::fixing(finding.check))
}

/// Marks what the other findings make moot, so that a check that does not
/// apply is `not_applicable` and never listed as a problem. Run after
/// every fact is in (a person's answers included): when no push arrived
/// there was nothing to accept, so a retry count of 0 is no failure; when
/// Accept worked the first time nothing needed retrying.
pub fn settle_dependencies(findings: &mut [Finding]) {
    settle_network(findings);
    let status = |findings: &[Finding], check: CheckId| {
        findings
            .iter()
            .find(|f| f.check == check)
            .map_or(CheckStatus::Unknown, |f| f.status)
    };
    let moot =
        |findings: &mut [Finding], checks: &[CheckId], only_open: bool, field: &str, why: &str| {
            for finding in findings.iter_mut().filter(|f| checks.contains(&f.check)) {
                if only_open && finding.status == CheckStatus::Pass {
                    continue;
                }
                *finding = Finding::new(
                    finding.check,
                    CheckStatus::NotApplicable,
                    EvidenceSource::Derived,
                    &[field],
                    why,
                );
            }
        };
    if status(findings, CheckId::PushReceived) == CheckStatus::Fail {
        moot(
            findings,
            &ABOUT_ANSWERING,
            false,
            "push.received",
            "no push arrived, so there was nothing to accept",
        );
        return;
    }
    if status(findings, CheckId::AcceptTapped) == CheckStatus::Fail {
        moot(
            findings,
            &[CheckId::AcceptResponded],
            true,
            "accept.tapped",
            "Accept was not tapped, so it could not respond",
        );
        moot(
            findings,
            &ABOUT_RETRYING,
            true,
            "accept.tapped",
            "Accept was not tapped, so there was nothing to retry",
        );
        return;
    }
    let accept_worked = status(findings, CheckId::AcceptResponded) != CheckStatus::Fail
        && (status(findings, CheckId::AcceptResponded) == CheckStatus::Pass
            || status(findings, CheckId::MfaCompleted) == CheckStatus::Pass);
    if accept_worked && status(findings, CheckId::AcceptRetried) != CheckStatus::Pass {
        moot(
            findings,
            &ABOUT_RETRYING,
            true,
            "accept.responded",
            "Accept worked, so nothing needed retrying",
        );
    }
}

fn evaluate_one(s: &DeviceSnapshot, check: CheckId, multiple_retries: u32) -> Finding {
    use CheckId as C;
    match check {
        C::PushReceived => request::push_received(s),
        C::AcceptTapped => request::accept_tapped(s),
        C::AcceptResponded => request::accept_responded(s),
        C::MfaCompleted => request::mfa_completed(s),
        C::AcceptRetried => request::accept_retried(s),
        C::AcceptRetrySucceeded => request::accept_retry_succeeded(s),
        C::AcceptRetriesUnderLimit => request::accept_retries_under_limit(s, multiple_retries),
        C::RequestVisibleInApp => request::request_visible_in_app(s),
        C::PendingListed => request::pending_listed(s),
        C::PendingVisibleAfterRefresh => request::pending_visible_after_refresh(s),
        C::PushReceivedAfterFixes => request::push_received_after_fixes(s),
        C::AccountReconfigureUntried => admin::account_reconfigure_untried(s),
        C::AdminMfaReport => admin::admin_mfa_report(s),
        C::NetworkConnected => network::network_connected(s),
        C::NetworkAirplaneMode => network::network_airplane_mode(s),
        C::NotificationsEnabled => settings::notifications_enabled(s),
        C::FocusOff => settings::focus_off(s),
        C::BatterySaverOff => settings::battery_saver_off(s),
        C::BackgroundRefreshEnabled => settings::background_refresh_enabled(s),
        C::MfaChannel => android::mfa_channel(s),
        C::NotificationPermission => android::notification_permission(s),
        C::BatteryOptimizationExempt => android::battery_optimization_exempt(s),
        C::BackgroundUnrestricted => android::background_unrestricted(s),
        C::StandbyBucket => android::standby_bucket(s),
        C::DataSaver => android::data_saver(s),
        C::NotificationsAuthorized => ios::notifications_authorized(s),
        C::AlertStyle => ios::alert_style(s),
        C::ImmediateDelivery => ios::immediate_delivery(s),
        C::AppNotForceStopped => app::not_force_stopped(s),
        C::PushTokenRegistered => app::push_token_registered(s),
        C::CaptivePortal
        | C::BackendReachable
        | C::ServiceAvailable
        | C::PushServiceReachable
        | C::ProxyOrVpn
        | C::ClockSkew => probes::evaluate(s, check),
    }
}

/// What the family files' tests share.
#[cfg(test)]
pub(super) mod testing {
    use crate::engine::checks::Finding;
    use crate::model::{CheckStatus, DeviceSnapshot, Platform};

    /// A snapshot of `platform` with `edit`'s facts in it.
    pub(crate) fn snapshot(
        platform: Platform,
        edit: impl FnOnce(&mut DeviceSnapshot),
    ) -> DeviceSnapshot {
        let mut s = DeviceSnapshot::new(platform);
        edit(&mut s);
        s
    }

    /// The finding's status, and a part its detail must hold.
    pub(crate) fn expect(finding: Finding, status: CheckStatus, detail: &str) {
        assert_eq!(finding.status, status, "{finding:?}");
        assert!(
            finding.evidence.detail.contains(detail),
            "{:?} lacks {detail:?}",
            finding.evidence.detail
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Platform;

    fn finding(s: &DeviceSnapshot, check: CheckId) -> Finding {
        evaluate_one(s, check, DEFAULT_MULTIPLE_RETRIES)
    }

    fn endpoint(
        target: &str,
        reached: bool,
        http_status: Option<u16>,
    ) -> crate::model::probe_report::EndpointResult {
        crate::model::probe_report::EndpointResult {
            target: target.into(),
            reached,
            failure: None,
            timings: Default::default(),
            remote_addr: None,
            http_status,
            redirect_to: None,
        }
    }

    fn probed(report: crate::model::ProbeReport) -> DeviceSnapshot {
        let mut s = DeviceSnapshot::new(Platform::Android);
        s.probes = Some(report);
        s
    }

    /// Every probe check, each of its outcomes, from a report built by
    /// hand: what decides each finding, without a network.
    #[test]
    fn each_probe_check_reads_its_own_part_of_the_report() {
        use crate::model::probe_report::{
            CaptivePortalResult, ClockResult, PortalVerdict, ProbeReport, PushServiceResult,
        };
        use CheckStatus::*;
        let status = |report: ProbeReport, check| finding(&probed(report), check).status;
        let with_backend = |reached, http| ProbeReport {
            backend: Some(endpoint("https://mfa.example.com/health", reached, http)),
            ..Default::default()
        };
        assert_eq!(
            status(with_backend(true, Some(200)), CheckId::BackendReachable),
            Pass
        );
        assert_eq!(
            status(with_backend(false, None), CheckId::BackendReachable),
            Fail
        );
        assert_eq!(
            status(ProbeReport::default(), CheckId::BackendReachable),
            Unknown
        );

        let with_portal = |verdict| ProbeReport {
            captive_portal: Some(CaptivePortalResult {
                endpoint: endpoint("http://check.example/generate_204", true, Some(204)),
                expected_status: 204,
                expected_body: None,
                verdict,
                detail: "as given".into(),
            }),
            ..Default::default()
        };
        assert_eq!(
            status(with_portal(PortalVerdict::NoPortal), CheckId::CaptivePortal),
            Pass
        );
        assert_eq!(
            status(with_portal(PortalVerdict::Portal), CheckId::CaptivePortal),
            Fail
        );
        assert_eq!(
            status(
                with_portal(PortalVerdict::Inconclusive),
                CheckId::CaptivePortal
            ),
            Unknown
        );
        assert_eq!(
            status(ProbeReport::default(), CheckId::CaptivePortal),
            Unknown
        );

        let with_push = |reached: &[bool]| ProbeReport {
            push_service: Some(PushServiceResult {
                service: "fcm".into(),
                endpoints: reached
                    .iter()
                    .enumerate()
                    .map(|(i, r)| endpoint(&format!("mtalk.google.com:{}", 5228 + i), *r, None))
                    .collect(),
            }),
            ..Default::default()
        };
        assert_eq!(
            status(with_push(&[true, true]), CheckId::PushServiceReachable),
            Pass
        );
        let partly = finding(
            &probed(with_push(&[false, true])),
            CheckId::PushServiceReachable,
        );
        assert_eq!(partly.status, Pass);
        assert!(
            partly.evidence.detail.contains("blocked on the others"),
            "{}",
            partly.evidence.detail
        );
        assert_eq!(
            status(with_push(&[false, false]), CheckId::PushServiceReachable),
            Fail
        );
        assert_eq!(
            status(with_push(&[]), CheckId::PushServiceReachable),
            Unknown
        );

        let with_clock = |skew_seconds| ProbeReport {
            clock: Some(ClockResult {
                source: "https://mfa.example.com/health".into(),
                server_date: "Sun, 29 Nov 2026 21:00:00 GMT".into(),
                skew_seconds,
                max_skew_seconds: 90,
            }),
            ..Default::default()
        };
        assert_eq!(status(with_clock(0.0), CheckId::ClockSkew), Pass);
        assert_eq!(status(with_clock(90.0), CheckId::ClockSkew), Pass);
        assert_eq!(status(with_clock(-90.0), CheckId::ClockSkew), Pass);
        assert_eq!(status(with_clock(90.5), CheckId::ClockSkew), Fail);
        assert_eq!(status(with_clock(-600.0), CheckId::ClockSkew), Fail);
        assert_eq!(status(ProbeReport::default(), CheckId::ClockSkew), Unknown);
        let behind = finding(&probed(with_clock(-600.0)), CheckId::ClockSkew);
        assert!(
            behind.evidence.detail.contains("600 s behind"),
            "{}",
            behind.evidence.detail
        );

        // Not probed at all, or skipped because the phone is offline.
        let never = DeviceSnapshot::new(Platform::Android);
        let skipped = ProbeReport {
            skipped: Some("the device reports no network".into()),
            backend: Some(endpoint("https://mfa.example.com/health", false, None)),
            ..Default::default()
        };
        for check in [
            CheckId::BackendReachable,
            CheckId::ServiceAvailable,
            CheckId::CaptivePortal,
            CheckId::PushServiceReachable,
            CheckId::ClockSkew,
        ] {
            assert_eq!(finding(&never, check).status, Unknown, "{check}");
            assert_eq!(status(skipped.clone(), check), NotApplicable, "{check}");
        }
    }

    /// A VPN carries the probes; a proxy does not.
    #[test]
    fn a_vpn_or_proxy_is_blamed_only_when_the_probes_went_through_it_and_failed() {
        use crate::model::ProbeReport;
        use CheckStatus::*;
        let case = |vpn: Option<bool>, proxy: Option<bool>, report: Option<ProbeReport>| {
            let mut s = DeviceSnapshot::new(Platform::Android);
            s.network.vpn_active = vpn;
            s.network.proxy_active = proxy;
            s.probes = report;
            finding(&s, CheckId::ProxyOrVpn).status
        };
        let failing = || {
            Some(ProbeReport {
                backend: Some(endpoint("https://mfa.example.com/health", false, None)),
                ..Default::default()
            })
        };
        let healthy = || {
            Some(ProbeReport {
                backend: Some(endpoint("https://mfa.example.com/health", true, Some(200))),
                ..Default::default()
            })
        };
        assert_eq!(case(None, None, failing()), Unknown);
        assert_eq!(case(Some(false), None, failing()), Pass);
        assert_eq!(case(None, Some(false), failing()), Pass);
        assert_eq!(case(Some(true), None, failing()), Fail);
        assert_eq!(case(Some(true), Some(true), failing()), Fail);
        assert_eq!(case(Some(false), Some(true), failing()), Unknown);
        assert_eq!(case(Some(true), None, healthy()), Pass);
        assert_eq!(case(Some(false), Some(true), healthy()), Pass);
        assert_eq!(case(Some(true), None, None), Unknown);
        let offline = ProbeReport {
            skipped: Some("offline".into()),
            ..Default::default()
        };
        assert_eq!(case(Some(true), None, Some(offline)), Unknown);
    }

    #[test]
    fn the_service_fails_from_http_400_on() {
        let status_of = |http_status: Option<u16>| {
            let mut s = DeviceSnapshot::new(Platform::Android);
            let backend = endpoint(
                "https://mfa.example.com/health",
                http_status.is_some(),
                http_status,
            );
            s.probes = Some(crate::model::ProbeReport {
                backend: Some(backend),
                ..Default::default()
            });
            finding(&s, CheckId::ServiceAvailable).status
        };
        // A 4xx is a wrong health URL, which must not look healthy; a 5xx
        // the service's own problem.
        for status in [400, 401, 404, 429, 499, 500, 502, 503, 504, 599] {
            assert_eq!(status_of(Some(status)), CheckStatus::Fail, "{status}");
        }
        for status in [200, 204, 301, 399] {
            assert_eq!(status_of(Some(status)), CheckStatus::Pass, "{status}");
        }
        assert_eq!(status_of(None), CheckStatus::NotApplicable);
    }

    #[test]
    fn ids_round_trip_through_serde_and_as_str() {
        for check in CheckId::ALL {
            let json = serde_json::to_string(&check).unwrap();
            assert_eq!(json, format!("\"{}\"", check.as_str()));
            assert_eq!(serde_json::from_str::<CheckId>(&json).unwrap(), check);
        }
    }

    #[test]
    fn all_null_is_unknown_except_what_the_platform_settles() {
        use CheckId as C;
        let ios_only = [
            C::BackgroundRefreshEnabled,
            C::NotificationsAuthorized,
            C::AlertStyle,
            C::ImmediateDelivery,
        ];
        let android_only = [
            C::NotificationPermission,
            C::MfaChannel,
            C::BatteryOptimizationExempt,
            C::BackgroundUnrestricted,
            C::StandbyBucket,
            C::DataSaver,
            C::AppNotForceStopped,
        ];
        for (platform, other_platforms) in [
            (Platform::Android, &ios_only[..]),
            (Platform::Ios, &android_only[..]),
        ] {
            let s = DeviceSnapshot::new(platform);
            for f in evaluate(&s, DEFAULT_MULTIPLE_RETRIES) {
                let expected = if other_platforms.contains(&f.check) {
                    CheckStatus::NotApplicable
                } else {
                    CheckStatus::Unknown
                };
                assert_eq!(f.status, expected, "{platform} {}", f.check);
            }
        }
    }

    /// Findings are indexed by `CheckId as usize` (here and in the
    /// engine): that holds only while `ALL` follows the declaration.
    #[test]
    fn all_is_in_declaration_order() {
        for (i, check) in CheckId::ALL.into_iter().enumerate() {
            assert_eq!(check as usize, i, "{check}");
        }
    }

    #[test]
    fn report_fills_gaps_but_never_overrides_the_device() {
        let mut s = DeviceSnapshot::new(Platform::Ios);
        s.mfa_report_status = Some(MfaReportStatus::Delivered);
        let f = finding(&s, CheckId::PushReceived);
        assert_eq!(
            (f.status, f.evidence.source),
            (CheckStatus::Fail, EvidenceSource::MfaReport)
        );
        s.observations.push_received = Some(true);
        let f = finding(&s, CheckId::PushReceived);
        assert_eq!(
            (f.status, f.evidence.source),
            (CheckStatus::Pass, EvidenceSource::Snapshot)
        );
    }

    #[test]
    fn airplane_mode_matters_only_when_disconnected() {
        let mut s = DeviceSnapshot::new(Platform::Ios);
        s.network.airplane_mode = Some(true);
        assert_eq!(
            finding(&s, CheckId::NetworkAirplaneMode).status,
            CheckStatus::Fail
        );
        s.network.connected = Some(true);
        assert_eq!(
            finding(&s, CheckId::NetworkAirplaneMode).status,
            CheckStatus::Pass
        );
        s.network.airplane_mode = None;
        assert_eq!(
            finding(&s, CheckId::NetworkAirplaneMode).status,
            CheckStatus::NotApplicable
        );
    }

    #[test]
    fn retries_count_as_multiple_from_the_threshold() {
        let mut s = DeviceSnapshot::new(Platform::Ios);
        s.observations.retry_count = Some(1);
        s.observations.retry_succeeded = Some(false);
        assert_eq!(
            finding(&s, CheckId::AcceptRetriesUnderLimit).status,
            CheckStatus::Pass
        );
        s.observations.retry_count = Some(2);
        assert_eq!(
            finding(&s, CheckId::AcceptRetriesUnderLimit).status,
            CheckStatus::Fail
        );
        assert_eq!(
            evaluate_one(&s, CheckId::AcceptRetriesUnderLimit, 3).status,
            CheckStatus::Pass
        );
        s.observations.retry_succeeded = None;
        assert_eq!(
            finding(&s, CheckId::AcceptRetriesUnderLimit).status,
            CheckStatus::Unknown
        );
    }

    #[test]
    fn answering_checks_are_moot_without_a_push() {
        let mut s = DeviceSnapshot::new(Platform::Ios);
        s.observations.push_received = Some(false);
        s.observations.retry_count = Some(0);
        let mut findings = evaluate(&s, DEFAULT_MULTIPLE_RETRIES);
        assert_eq!(
            findings[CheckId::AcceptRetried as usize].status,
            CheckStatus::Fail
        );
        settle_dependencies(&mut findings);
        for check in ABOUT_ANSWERING {
            assert_eq!(
                findings[check as usize].status,
                CheckStatus::NotApplicable,
                "{check}"
            );
        }
        assert_eq!(
            findings[CheckId::PushReceived as usize].status,
            CheckStatus::Fail
        );
    }

    #[test]
    fn groups_are_the_prefix() {
        assert_eq!(CheckId::BatterySaverOff.group(), "battery_saver");
        assert_eq!(CheckId::AdminMfaReport.group(), "admin");
    }
}
