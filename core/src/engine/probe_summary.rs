//! A probe run on its own, without the rest of a snapshot: what
//! `pushdoctor probe` prints and what the agent's network check returns.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::engine::checks::{self, Finding};
use crate::model::action::{Action, ActionId};
use crate::model::probe_report::{format_ms, EndpointResult, ProbeReport};
use crate::model::snapshot::{DeviceSnapshot, Network};
use crate::model::{CheckStatus, Platform};

/// The format version of [`ProbeSummary`] as JSON (`docs/network.md`).
pub const PROBE_SUMMARY_FORMAT_VERSION: u32 = 1;

/// A probe run, its network findings, and what to do about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeSummary {
    /// [`PROBE_SUMMARY_FORMAT_VERSION`].
    pub format_version: u32,
    /// The phone's operating system.
    pub platform: Platform,
    /// What the probes measured.
    pub probes: ProbeReport,
    /// The network checks only, in the diagnosis's order.
    pub findings: Vec<Finding>,
    /// The fix for each failing check, in the same order.
    pub actions: Vec<Action>,
}

impl ProbeSummary {
    /// Judges `report` the way a diagnosis does, with what the platform
    /// said of the network (VPN, proxy) where known.
    pub fn new(report: ProbeReport, platform: Platform, network: Network) -> Self {
        let mut snapshot = DeviceSnapshot::new(platform);
        snapshot.network = network;
        snapshot.probes = Some(report);
        let findings: Vec<Finding> = checks::evaluate(&snapshot, checks::DEFAULT_MULTIPLE_RETRIES)
            .into_iter()
            .filter(|f| f.check.is_network_probe())
            .collect();
        let mut fixes: Vec<ActionId> = findings
            .iter()
            .filter(|f| f.status == CheckStatus::Fail)
            .filter_map(|f| checks::fix_for(f, &snapshot))
            .collect();
        // In the actions' own order: sign in before blaming the VPN, the VPN
        // before the network, the network before the service.
        fixes.sort();
        fixes.dedup();
        ProbeSummary {
            format_version: PROBE_SUMMARY_FORMAT_VERSION,
            platform,
            probes: snapshot.probes.take().expect("set above"),
            findings,
            actions: fixes.into_iter().map(|a| a.render(platform)).collect(),
        }
    }

    /// Something failed that a person can act on.
    pub fn needs_action(&self) -> bool {
        !self.actions.is_empty()
    }

    /// For a person at a terminal or a support screen.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let p = &self.probes;
        let _ = writeln!(
            out,
            "Push Doctor network probes: {}, {} in all (deadline {})",
            self.platform.display_name(),
            format_ms(p.elapsed_ms),
            format_ms(p.deadline_ms as f64)
        );
        if let Some(reason) = &p.skipped {
            let _ = writeln!(out, "Skipped: {reason}");
        }
        let endpoint = |out: &mut String, label: &str, e: &EndpointResult| {
            let _ = writeln!(out, "  {label:<15} {}", e.describe());
        };
        if let Some(backend) = &p.backend {
            endpoint(&mut out, "MFA service", backend);
        }
        if let Some(captive) = &p.captive_portal {
            endpoint(&mut out, "captive check", &captive.endpoint);
            let _ = writeln!(out, "  {:<15} {}", "", captive.detail);
        }
        if let Some(push) = &p.push_service {
            for e in &push.endpoints {
                endpoint(&mut out, &format!("push ({})", push.service), e);
            }
        }
        if let Some(clock) = &p.clock {
            let _ = writeln!(
                out,
                "  {:<15} device {:+.1} s against {} (limit ±{} s)",
                "clock", clock.skew_seconds, clock.source, clock.max_skew_seconds
            );
        }
        let _ = writeln!(out, "\nFindings");
        for f in &self.findings {
            let _ = writeln!(
                out,
                "  {:<7} {:<31} {}",
                crate::engine::report::status_label(f.status),
                f.check.as_str(),
                f.evidence.detail
            );
        }
        if !self.actions.is_empty() {
            let _ = writeln!(out, "\nWhat to do, in order");
            for (i, action) in self.actions.iter().enumerate() {
                let _ = writeln!(out, "  {}. {} [{}]", i + 1, action.title, action.id);
                let _ = writeln!(out, "     {}", action.guidance);
                for step in &action.steps {
                    let _ = writeln!(out, "     {step}");
                }
            }
        }
        out
    }
}
