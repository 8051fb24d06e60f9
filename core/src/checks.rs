//! Checks: each fact of a snapshot turned into a finding.
//!
//! A check's id names the healthy state (`focus.off`, `notifications.enabled`)
//! and `pass` means that state holds. A finding always carries the evidence
//! that decided it. Where a snapshot leaves a fact out, a check may still
//! be decided by a fact that logically implies it (the MFA Report saying
//! `Success` implies the push arrived); the evidence then says so. Nothing
//! else is inferred: what is not known is `unknown`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::admin::MfaReportStatus;
use crate::probes::PortalVerdict;
use crate::snapshot::{DeviceSnapshot, Platform};

/// Every check the engine knows, with its stable dotted id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CheckId {
    #[serde(rename = "push.received")]
    PushReceived,
    #[serde(rename = "accept.tapped")]
    AcceptTapped,
    #[serde(rename = "accept.responded")]
    AcceptResponded,
    #[serde(rename = "mfa.completed")]
    MfaCompleted,
    #[serde(rename = "accept.retried")]
    AcceptRetried,
    #[serde(rename = "accept.retry_succeeded")]
    AcceptRetrySucceeded,
    #[serde(rename = "accept.retries_under_limit")]
    AcceptRetriesUnderLimit,
    #[serde(rename = "request.visible_in_app")]
    RequestVisibleInApp,
    #[serde(rename = "pending.listed")]
    PendingListed,
    #[serde(rename = "pending.visible_after_refresh")]
    PendingVisibleAfterRefresh,
    #[serde(rename = "network.connected")]
    NetworkConnected,
    #[serde(rename = "network.airplane_mode")]
    NetworkAirplaneMode,
    #[serde(rename = "network.captive_portal")]
    CaptivePortal,
    #[serde(rename = "network.backend_reachable")]
    BackendReachable,
    #[serde(rename = "service.available")]
    ServiceAvailable,
    #[serde(rename = "network.push_service_reachable")]
    PushServiceReachable,
    #[serde(rename = "network.proxy_or_vpn")]
    ProxyOrVpn,
    #[serde(rename = "clock.skew")]
    ClockSkew,
    #[serde(rename = "notifications.enabled")]
    NotificationsEnabled,
    #[serde(rename = "focus.off")]
    FocusOff,
    #[serde(rename = "battery_saver.off")]
    BatterySaverOff,
    #[serde(rename = "background_refresh.enabled")]
    BackgroundRefreshEnabled,
    #[serde(rename = "push.received_after_fixes")]
    PushReceivedAfterFixes,
    #[serde(rename = "account.reconfigure_untried")]
    AccountReconfigureUntried,
    #[serde(rename = "admin.mfa_report")]
    AdminMfaReport,
}

impl CheckId {
    /// In the order a report lists them: the request's story first, then
    /// the device's settings, then the admin side.
    pub const ALL: [CheckId; 25] = [
        CheckId::PushReceived,
        CheckId::AcceptTapped,
        CheckId::AcceptResponded,
        CheckId::MfaCompleted,
        CheckId::AcceptRetried,
        CheckId::AcceptRetrySucceeded,
        CheckId::AcceptRetriesUnderLimit,
        CheckId::RequestVisibleInApp,
        CheckId::PendingListed,
        CheckId::PendingVisibleAfterRefresh,
        CheckId::NetworkConnected,
        CheckId::NetworkAirplaneMode,
        CheckId::CaptivePortal,
        CheckId::BackendReachable,
        CheckId::ServiceAvailable,
        CheckId::PushServiceReachable,
        CheckId::ProxyOrVpn,
        CheckId::ClockSkew,
        CheckId::NotificationsEnabled,
        CheckId::FocusOff,
        CheckId::BatterySaverOff,
        CheckId::BackgroundRefreshEnabled,
        CheckId::PushReceivedAfterFixes,
        CheckId::AccountReconfigureUntried,
        CheckId::AdminMfaReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::PushReceived => "push.received",
            CheckId::AcceptTapped => "accept.tapped",
            CheckId::AcceptResponded => "accept.responded",
            CheckId::MfaCompleted => "mfa.completed",
            CheckId::AcceptRetried => "accept.retried",
            CheckId::AcceptRetrySucceeded => "accept.retry_succeeded",
            CheckId::AcceptRetriesUnderLimit => "accept.retries_under_limit",
            CheckId::RequestVisibleInApp => "request.visible_in_app",
            CheckId::PendingListed => "pending.listed",
            CheckId::PendingVisibleAfterRefresh => "pending.visible_after_refresh",
            CheckId::NetworkConnected => "network.connected",
            CheckId::NetworkAirplaneMode => "network.airplane_mode",
            CheckId::CaptivePortal => "network.captive_portal",
            CheckId::BackendReachable => "network.backend_reachable",
            CheckId::ServiceAvailable => "service.available",
            CheckId::PushServiceReachable => "network.push_service_reachable",
            CheckId::ProxyOrVpn => "network.proxy_or_vpn",
            CheckId::ClockSkew => "clock.skew",
            CheckId::NotificationsEnabled => "notifications.enabled",
            CheckId::FocusOff => "focus.off",
            CheckId::BatterySaverOff => "battery_saver.off",
            CheckId::BackgroundRefreshEnabled => "background_refresh.enabled",
            CheckId::PushReceivedAfterFixes => "push.received_after_fixes",
            CheckId::AccountReconfigureUntried => "account.reconfigure_untried",
            CheckId::AdminMfaReport => "admin.mfa_report",
        }
    }

    /// What a pass means, for a person.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::PushReceived => "The push notification arrived",
            CheckId::AcceptTapped => "Accept or Deny was tapped",
            CheckId::AcceptResponded => "Accept responded",
            CheckId::MfaCompleted => "The MFA step completed",
            CheckId::AcceptRetried => "The push was resent and tried again",
            CheckId::AcceptRetrySucceeded => "A later attempt worked",
            CheckId::AcceptRetriesUnderLimit => "Not still failing after multiple retries",
            CheckId::RequestVisibleInApp => "The request is visible inside the app",
            CheckId::PendingListed => "The request is listed under Pending",
            CheckId::PendingVisibleAfterRefresh => "The request showed up after refreshing",
            CheckId::NetworkConnected => "Wi-Fi or mobile data is connected",
            CheckId::NetworkAirplaneMode => "Airplane Mode is not cutting the device off",
            CheckId::CaptivePortal => "No captive portal is holding the connection",
            CheckId::BackendReachable => "The MFA service can be reached",
            CheckId::ServiceAvailable => "The MFA service answers normally",
            CheckId::PushServiceReachable => "The push service (FCM / APNs) can be reached",
            CheckId::ProxyOrVpn => "No VPN or proxy is in the way",
            CheckId::ClockSkew => "The device clock is right",
            CheckId::NotificationsEnabled => "Notifications are allowed for the app",
            CheckId::FocusOff => "Focus / Do Not Disturb is off",
            CheckId::BatterySaverOff => "Battery Saver / Low Power Mode is off",
            CheckId::BackgroundRefreshEnabled => "Background App Refresh is on (iOS)",
            CheckId::PushReceivedAfterFixes => "The push arrived after the fixes",
            CheckId::AccountReconfigureUntried => "The account has not been reconfigured yet",
            CheckId::AdminMfaReport => "The MFA Report shows a healthy status",
        }
    }

    /// The part before the dot: what a JUnit report groups the check under.
    pub fn group(self) -> &'static str {
        let id = self.as_str();
        &id[..id.find('.').unwrap_or(id.len())]
    }

    /// A setting on the device that a person can change. A failing device
    /// setting is a problem to fix whichever path the diagnosis took.
    pub fn is_device_setting(self) -> bool {
        matches!(
            self,
            CheckId::NetworkConnected
                | CheckId::NetworkAirplaneMode
                | CheckId::NotificationsEnabled
                | CheckId::FocusOff
                | CheckId::BatterySaverOff
                | CheckId::BackgroundRefreshEnabled
                | CheckId::ClockSkew
        )
    }

    /// Measured by the active network probes (`docs/network.md`) rather
    /// than reported by the platform. Their fixes, too, apply whichever
    /// path the diagnosis took: a blocked push service stops the next
    /// push as surely as a setting does.
    pub fn is_network_probe(self) -> bool {
        matches!(
            self,
            CheckId::CaptivePortal
                | CheckId::BackendReachable
                | CheckId::ServiceAvailable
                | CheckId::PushServiceReachable
                | CheckId::ProxyOrVpn
                | CheckId::ClockSkew
        )
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    Unknown,
    NotApplicable,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Unknown => "unknown",
            CheckStatus::NotApplicable => "not_applicable",
        }
    }
}

/// Where the fact that decided a finding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// A field of the device snapshot.
    Snapshot,
    /// The admin's MFA Report status.
    MfaReport,
    /// Another fact that logically implies this one.
    Derived,
    /// A measurement of the active network probes (the snapshot's `probes`).
    Probe,
    /// A person's answer during the guided walk.
    Person,
    /// Nothing: the fact is not known.
    None,
}

/// Why a finding is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub source: EvidenceSource,
    /// The snapshot fields (dotted paths) the decision read.
    pub fields: Vec<String>,
    /// One sentence for a person.
    pub detail: String,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub check: CheckId,
    pub status: CheckStatus,
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

/// Marks what the other findings make moot. Run after every fact is in
/// (a person's answers included): when no push arrived there was nothing
/// to accept, so a retry count of 0 is no failure.
pub fn settle_dependencies(findings: &mut [Finding]) {
    settle_network(findings);
    let no_push = findings
        .iter()
        .any(|f| f.check == CheckId::PushReceived && f.status == CheckStatus::Fail);
    if !no_push {
        return;
    }
    for finding in findings
        .iter_mut()
        .filter(|f| ABOUT_ANSWERING.contains(&f.check))
    {
        *finding = Finding::new(
            finding.check,
            CheckStatus::NotApplicable,
            EvidenceSource::Derived,
            &["push.received"],
            "no push arrived, so there was nothing to accept",
        );
    }
}

fn evaluate_one(s: &DeviceSnapshot, check: CheckId, multiple_retries: u32) -> Finding {
    let obs = &s.observations;
    let report = s.mfa_report_status;
    use CheckId as C;
    use CheckStatus::*;
    match check {
        C::PushReceived => match (obs.push_received, report) {
            (Some(_), _) | (None, None) => {
                Finding::from_field(check, "observations.push_received", obs.push_received, true)
            }
            (None, Some(r)) => {
                let status = if r.device_acknowledged() { Pass } else { Fail };
                Finding::from_report(check, status, r)
            }
        },
        C::AcceptTapped => match (obs.accept_tapped, obs.accept_responded, report) {
            (Some(_), _, _) => {
                Finding::from_field(check, "observations.accept_tapped", obs.accept_tapped, true)
            }
            (None, Some(responded), _) => Finding::new(
                check,
                Pass,
                EvidenceSource::Derived,
                &["observations.accept_responded"],
                format!("observations.accept_responded is {responded}, so Accept was tapped"),
            ),
            (None, None, Some(r)) if r.person_answered() => Finding::from_report(check, Pass, r),
            _ => Finding::unknown(check, &["observations.accept_tapped"]),
        },
        C::AcceptResponded => match (obs.accept_responded, report) {
            (None, Some(MfaReportStatus::Success)) => {
                Finding::from_report(check, Pass, MfaReportStatus::Success)
            }
            _ => Finding::from_field(
                check,
                "observations.accept_responded",
                obs.accept_responded,
                true,
            ),
        },
        C::MfaCompleted => match (obs.mfa_completed, obs.accept_responded, report) {
            (Some(_), _, _) => {
                Finding::from_field(check, "observations.mfa_completed", obs.mfa_completed, true)
            }
            (None, _, Some(MfaReportStatus::Success)) => {
                Finding::from_report(check, Pass, MfaReportStatus::Success)
            }
            (None, Some(responded), _) => Finding::new(
                check,
                if responded { Pass } else { Fail },
                EvidenceSource::Derived,
                &["observations.accept_responded"],
                if responded {
                    "Accept got the service's confirmation (observations.accept_responded is true)"
                } else {
                    "Accept did not respond (observations.accept_responded is false)"
                },
            ),
            _ => Finding::unknown(check, &["observations.mfa_completed"]),
        },
        C::AcceptRetried => match obs.retry_count {
            Some(n) => Finding::new(
                check,
                if n >= 1 { Pass } else { Fail },
                EvidenceSource::Snapshot,
                &["observations.retry_count"],
                format!("observations.retry_count is {n}"),
            ),
            None => Finding::unknown(check, &["observations.retry_count"]),
        },
        C::AcceptRetrySucceeded => match (obs.retry_succeeded, obs.retry_count) {
            (None, Some(0)) => Finding::new(
                check,
                NotApplicable,
                EvidenceSource::Snapshot,
                &["observations.retry_count"],
                "no retry yet (observations.retry_count is 0)",
            ),
            _ => Finding::from_field(
                check,
                "observations.retry_succeeded",
                obs.retry_succeeded,
                true,
            ),
        },
        C::AcceptRetriesUnderLimit => {
            let fields = ["observations.retry_count", "observations.retry_succeeded"];
            match (obs.retry_count, obs.retry_succeeded) {
                (None, _) => Finding::unknown(check, &fields),
                (Some(n), Some(true)) => Finding::new(
                    check,
                    Pass,
                    EvidenceSource::Snapshot,
                    &fields,
                    format!("a retry worked ({n} retries)"),
                ),
                (Some(n), _) if n < multiple_retries => Finding::new(
                    check,
                    Pass,
                    EvidenceSource::Snapshot,
                    &fields,
                    format!("{n} retries so far; {multiple_retries} or more count as multiple"),
                ),
                (Some(n), Some(false)) => Finding::new(
                    check,
                    Fail,
                    EvidenceSource::Snapshot,
                    &fields,
                    format!("still failing after {n} retries"),
                ),
                (Some(n), None) => Finding::new(
                    check,
                    Unknown,
                    EvidenceSource::None,
                    &fields,
                    format!("{n} retries, but whether any worked is not reported"),
                ),
            }
        }
        C::RequestVisibleInApp => match (obs.request_visible_in_app, obs.request_in_pending_tab) {
            (None, Some(true)) => Finding::new(
                check,
                Pass,
                EvidenceSource::Derived,
                &["observations.request_in_pending_tab"],
                "the request is listed under the app's Pending tab",
            ),
            _ => Finding::from_field(
                check,
                "observations.request_visible_in_app",
                obs.request_visible_in_app,
                true,
            ),
        },
        C::PendingListed => Finding::from_field(
            check,
            "observations.request_in_pending_tab",
            obs.request_in_pending_tab,
            true,
        ),
        C::PendingVisibleAfterRefresh => Finding::from_field(
            check,
            "observations.request_visible_after_refresh",
            obs.request_visible_after_refresh,
            true,
        ),
        C::NetworkConnected => {
            Finding::from_field(check, "network.connected", s.network.connected, true)
        }
        C::NetworkAirplaneMode => {
            let fields = ["network.airplane_mode", "network.connected"];
            match (s.network.airplane_mode, s.network.connected) {
                (Some(false), _) => Finding::from_field(check, "network.airplane_mode", Some(false), false),
                (Some(true), Some(true)) => Finding::new(
                    check,
                    Pass,
                    EvidenceSource::Snapshot,
                    &fields,
                    "Airplane Mode is on, but the device is connected (Wi-Fi stays on in Airplane Mode)",
                ),
                (Some(true), _) => Finding::new(
                    check,
                    Fail,
                    EvidenceSource::Snapshot,
                    &fields,
                    "Airplane Mode is on and the device is not connected",
                ),
                (None, Some(true)) => Finding::new(
                    check,
                    NotApplicable,
                    EvidenceSource::Snapshot,
                    &fields,
                    "the device is connected, so Airplane Mode does not matter",
                ),
                (None, _) => Finding::unknown(check, &["network.airplane_mode"]),
            }
        }
        C::CaptivePortal
        | C::BackendReachable
        | C::ServiceAvailable
        | C::PushServiceReachable
        | C::ProxyOrVpn
        | C::ClockSkew => evaluate_probe(s, check),
        C::NotificationsEnabled => Finding::from_field(
            check,
            "notifications.enabled",
            s.notifications.enabled,
            true,
        ),
        C::FocusOff => Finding::from_field(check, "focus.active", s.focus.active, false),
        C::BatterySaverOff => {
            Finding::from_field(check, "battery_saver.active", s.battery_saver.active, false)
        }
        C::BackgroundRefreshEnabled => match s.platform {
            Platform::Android => Finding::new(
                check,
                NotApplicable,
                EvidenceSource::Snapshot,
                &["platform"],
                "Background App Refresh exists on iOS only",
            ),
            Platform::Ios => Finding::from_field(
                check,
                "background_refresh.enabled",
                s.background_refresh.enabled,
                true,
            ),
        },
        C::PushReceivedAfterFixes => Finding::from_field(
            check,
            "observations.push_arrived_after_fixes",
            obs.push_arrived_after_fixes,
            true,
        ),
        C::AccountReconfigureUntried => Finding::from_field(
            check,
            "observations.account_reconfigured",
            obs.account_reconfigured,
            false,
        ),
        C::AdminMfaReport => match report {
            Some(r) => Finding::from_report(check, if r.is_healthy() { Pass } else { Fail }, r),
            None => Finding::unknown(check, &["mfa_report_status"]),
        },
    }
}

/// The checks the active network probes decide (`docs/network.md`).
fn evaluate_probe(s: &DeviceSnapshot, check: CheckId) -> Finding {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(s: &DeviceSnapshot, check: CheckId) -> Finding {
        evaluate_one(s, check, DEFAULT_MULTIPLE_RETRIES)
    }

    fn endpoint(
        target: &str,
        reached: bool,
        http_status: Option<u16>,
    ) -> crate::probes::EndpointResult {
        crate::probes::EndpointResult {
            target: target.into(),
            reached,
            failure: None,
            timings: Default::default(),
            remote_addr: None,
            http_status,
            redirect_to: None,
        }
    }

    fn probed(report: crate::probes::ProbeReport) -> DeviceSnapshot {
        let mut s = DeviceSnapshot::new(Platform::Android);
        s.probes = Some(report);
        s
    }

    /// Every probe check, each of its outcomes, from a report built by
    /// hand: what decides each finding, without a network.
    #[test]
    fn each_probe_check_reads_its_own_part_of_the_report() {
        use crate::probes::{
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
        use crate::probes::ProbeReport;
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
    fn the_service_has_a_problem_of_its_own_from_http_500_on() {
        let status_of = |http_status: Option<u16>| {
            let mut s = DeviceSnapshot::new(Platform::Android);
            let backend = endpoint(
                "https://mfa.example.com/health",
                http_status.is_some(),
                http_status,
            );
            s.probes = Some(crate::probes::ProbeReport {
                backend: Some(backend),
                ..Default::default()
            });
            finding(&s, CheckId::ServiceAvailable).status
        };
        for status in [500, 502, 503, 504, 599] {
            assert_eq!(status_of(Some(status)), CheckStatus::Fail, "{status}");
        }
        for status in [200, 204, 301, 401, 404, 429, 499] {
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
        let s = DeviceSnapshot::new(Platform::Android);
        for f in evaluate(&s, DEFAULT_MULTIPLE_RETRIES) {
            let expected = if f.check == CheckId::BackgroundRefreshEnabled {
                CheckStatus::NotApplicable
            } else {
                CheckStatus::Unknown
            };
            assert_eq!(f.status, expected, "{}", f.check);
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
