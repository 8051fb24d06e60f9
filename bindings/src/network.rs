//! The network probes for Kotlin and Swift: their settings as a record,
//! their result typed for a UI and whole as JSON (`docs/network.md`).

use std::time::Duration;

use pushdoctor_core::engine::probe_summary::ProbeSummary;
use pushdoctor_core::probes::{
    CaptivePortalCheck, ProbeConfig, PushEndpoint, PushService, TrustRoots, DEFAULT_DEADLINE,
    DEFAULT_MAX_CLOCK_SKEW, DEFAULT_PROBE_TIMEOUT,
};
use pushdoctor_core::{Finding, Platform};

use crate::errors::{deadline_ms, non_negative, AgentError};
use crate::ids::{CheckId, CheckStatus, EvidenceSource};
use crate::items::{action_item, ActionItem};

/// What the network probes reach, and how long they may take. Every field
/// has a default: an empty record probes the platform's push service and
/// captive-portal check, with the bundled web PKI roots.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct NetworkCheckConfig {
    /// The MFA service's endpoint: HTTPS (plain HTTP only on loopback).
    #[uniffi(default = None)]
    pub backend_url: Option<String>,
    /// A URL whose answer is known (default: the platform's own check).
    #[uniffi(default = None)]
    pub captive_portal_url: Option<String>,
    /// With `captive_portal_url`: the status its answer has when nothing
    /// intercepts (default 204; an HTTP status, 100 to 599).
    #[uniffi(default = None)]
    pub captive_portal_status: Option<i32>,
    /// With `captive_portal_url`: a text its answer must contain (default:
    /// none, the status alone decides).
    #[uniffi(default = None)]
    pub captive_portal_body: Option<String>,
    /// Leave the captive-portal check out.
    #[uniffi(default = None)]
    pub skip_captive_portal: Option<bool>,
    /// `host:port` of the push service (default: FCM's or APNs' ports).
    #[uniffi(default = None)]
    pub push_endpoints: Option<Vec<String>>,
    /// The whole run, in milliseconds, above zero (default 5,000).
    #[uniffi(default = None)]
    pub deadline_ms: Option<i64>,
    /// Each probe, in milliseconds, above zero (default 3,000).
    #[uniffi(default = None)]
    pub probe_timeout_ms: Option<i64>,
    /// Clock skew that counts as wrong, in seconds, not negative (default 90).
    #[uniffi(default = None)]
    pub max_clock_skew_seconds: Option<i64>,
    /// Extra trusted roots, PEM: the enterprise CAs the app itself trusts.
    #[uniffi(default = [])]
    pub extra_root_certificates_pem: Vec<String>,
    /// Trust the bundled web PKI roots too (default true).
    #[uniffi(default = None)]
    pub use_web_pki_roots: Option<bool>,
}

impl NetworkCheckConfig {
    pub(crate) fn to_core(&self, platform: Platform) -> Result<ProbeConfig, AgentError> {
        let invalid = |reason: String| AgentError::InvalidArgument { reason };
        let expected_status = match self.captive_portal_status {
            None => 204,
            Some(status) => u16::try_from(status)
                .ok()
                .filter(|s| (100..=599).contains(s))
                .ok_or_else(|| {
                    invalid(format!(
                        "NetworkCheckConfig.captive_portal_status is {status}: an HTTP status is 100 to 599"
                    ))
                })?,
        };
        let captive_portal = if self.skip_captive_portal == Some(true) {
            None
        } else {
            Some(match &self.captive_portal_url {
                Some(url) => CaptivePortalCheck {
                    url: url.clone(),
                    expected_status,
                    expected_body: self.captive_portal_body.clone(),
                },
                None => CaptivePortalCheck::for_platform(platform),
            })
        };
        let platform_service = PushService::for_platform(platform);
        let push_service = match &self.push_endpoints {
            None => platform_service,
            Some(targets) => PushService {
                endpoints: targets
                    .iter()
                    .map(|target| {
                        target
                            .parse::<PushEndpoint>()
                            .map_err(|e| invalid(format!("NetworkCheckConfig.push_endpoints: {e}")))
                    })
                    .collect::<Result<_, AgentError>>()?,
                ..platform_service
            },
        };
        let millis = |field: &str, value: Option<i64>, default: Duration| {
            value.map_or(Ok(default), |ms| deadline_ms(field, ms))
        };
        Ok(ProbeConfig {
            backend_url: self.backend_url.clone(),
            captive_portal,
            push_service: Some(push_service),
            deadline: millis(
                "NetworkCheckConfig.deadline_ms",
                self.deadline_ms,
                DEFAULT_DEADLINE,
            )?,
            probe_timeout: millis(
                "NetworkCheckConfig.probe_timeout_ms",
                self.probe_timeout_ms,
                DEFAULT_PROBE_TIMEOUT,
            )?,
            max_clock_skew: match self.max_clock_skew_seconds {
                None => DEFAULT_MAX_CLOCK_SKEW,
                Some(s) => Duration::from_secs(non_negative(
                    "NetworkCheckConfig.max_clock_skew_seconds",
                    s,
                )?),
            },
            trust: TrustRoots {
                web_pki: self.use_web_pki_roots.unwrap_or(true),
                extra_pem: self.extra_root_certificates_pem.clone(),
            },
        })
    }
}

/// One check's result, for a list in a UI.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FindingItem {
    /// The check (`network.backend_reachable` in JSON, …: `docs/diagnosis.md`).
    pub check: CheckId,
    /// The check's title, for a list entry.
    pub title: String,
    /// Its result.
    pub status: CheckStatus,
    /// Where the fact that decided it came from.
    pub source: EvidenceSource,
    /// The snapshot fields (or probe results) it read, as dotted paths.
    pub fields: Vec<String>,
    /// One sentence: the evidence, with the stage and timings for probes.
    pub detail: String,
}

impl From<&Finding> for FindingItem {
    fn from(f: &Finding) -> Self {
        FindingItem {
            check: f.check.into(),
            title: f.check.title().to_string(),
            status: f.status.into(),
            source: f.evidence.source.into(),
            fields: f.evidence.fields.clone(),
            detail: f.evidence.detail.clone(),
        }
    }
}

/// A network check on its own: the findings, what to do, and the whole
/// probe report as JSON (`docs/network.md`, "probe summary").
#[derive(Debug, Clone, uniffi::Record)]
pub struct NetworkCheckReport {
    /// The network checks' results, in the report's order.
    pub findings: Vec<FindingItem>,
    /// What to do about the failing ones.
    pub actions: Vec<ActionItem>,
    /// Set when nothing was probed (the device has no network).
    #[uniffi(default = None)]
    pub skipped: Option<String>,
    /// Wall time of the run, in milliseconds.
    pub elapsed_ms: f64,
    /// The whole probe summary as JSON, for logs and bundles.
    pub json: String,
}

impl From<&ProbeSummary> for NetworkCheckReport {
    fn from(summary: &ProbeSummary) -> Self {
        NetworkCheckReport {
            findings: summary.findings.iter().map(FindingItem::from).collect(),
            actions: summary.actions.iter().map(action_item).collect(),
            skipped: summary.probes.skipped.clone(),
            elapsed_ms: summary.probes.elapsed_ms,
            json: serde_json::to_string(summary).expect("a summary always serializes"),
        }
    }
}
