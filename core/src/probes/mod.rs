//! Active network checks: can this phone really reach the MFA service and
//! its push service? (`docs/network.md`)
//!
//! The platform's "connected over Wi-Fi" is often wrong in exactly the
//! cases that matter: a captive portal, a VPN or firewall that blocks the
//! push service's ports, DNS that fails, a TLS-intercepting proxy, a clock
//! so far off that time-based codes fail. A [`Prober`] finds out for
//! itself, every probe at once within one deadline, and writes what it
//! found as a [`ProbeReport`]: the `probes` section of the device snapshot,
//! which the checks then read like any other fact. This module, and the
//! retry helper's Accept call (`accept::retry`, which borrows its TLS
//! configuration and its reading of a failed connection), are the only
//! parts of the core that touch the network.

pub mod config;
pub(crate) mod run;
pub(crate) mod tls;

pub use crate::model::probe_report::{
    CaptivePortalResult, ClockResult, EndpointResult, Failure, FailureKind, PortalVerdict,
    ProbeReport, PushServiceResult, Stage, Timings,
};
pub use config::{
    CaptivePortalCheck, ProbeConfig, ProbeConfigError, PushEndpoint, PushService, TrustRoots,
    DEFAULT_DEADLINE, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_PROBE_TIMEOUT,
};
pub use run::Prober;
