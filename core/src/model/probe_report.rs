//! What a probe run found, as data: the `probes` section of a device
//! snapshot (`docs/network.md`). Pure values, no I/O, so a stored snapshot
//! is diagnosed offline exactly as it was on the phone.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The stage of a connection, in the order they happen. A failure names
/// the stage it happened in, so that a finding can say *where* the path to
/// a service breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Resolving the host name to addresses.
    Dns,
    /// The TCP connection.
    Connect,
    /// The TLS handshake, certificate checks included.
    Tls,
    /// Sending the request and reading the answer's status and headers.
    Http,
}

impl Stage {
    /// The stable id used in the probe report's JSON (`tls`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Dns => "dns",
            Stage::Connect => "connect",
            Stage::Tls => "tls",
            Stage::Http => "http",
        }
    }

    /// How a person names the stage.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Dns => "DNS",
            Stage::Connect => "connect",
            Stage::Tls => "TLS",
            Stage::Http => "HTTP",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a stage failed, as far as the device can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The stage did not finish within the probe's time.
    TimedOut,
    /// The name has no address (or the resolver failed).
    NameNotResolved,
    /// Nothing listens on the port, or a firewall rejects the connection.
    Refused,
    /// The peer (or something between) reset or closed the connection.
    Reset,
    /// No route to the host or network.
    Unreachable,
    /// The certificate is not valid for the host name asked for.
    CertificateNameMismatch,
    /// The certificate chains to no root this device trusts: a
    /// TLS-intercepting proxy, or an enterprise CA the probe was not given.
    CertificateUntrusted,
    /// The certificate has expired or is not valid yet (a wrong device
    /// clock gives this too).
    CertificateExpired,
    /// Any other TLS failure (protocol, alert, unsupported parameters).
    TlsHandshake,
    /// The answer was not HTTP, or broke off.
    BadResponse,
    /// Anything else; the message says what.
    Other,
}

impl FailureKind {
    /// What kind of failure a socket error is.
    pub fn of_io(kind: std::io::ErrorKind) -> FailureKind {
        use std::io::ErrorKind as K;
        match kind {
            K::ConnectionRefused => FailureKind::Refused,
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
                FailureKind::Reset
            }
            K::TimedOut => FailureKind::TimedOut,
            K::NetworkUnreachable | K::HostUnreachable | K::AddrNotAvailable | K::NetworkDown => {
                FailureKind::Unreachable
            }
            _ => FailureKind::Other,
        }
    }

    /// The stable id used in the probe report's JSON (`certificate_untrusted`).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::TimedOut => "timed_out",
            FailureKind::NameNotResolved => "name_not_resolved",
            FailureKind::Refused => "refused",
            FailureKind::Reset => "reset",
            FailureKind::Unreachable => "unreachable",
            FailureKind::CertificateNameMismatch => "certificate_name_mismatch",
            FailureKind::CertificateUntrusted => "certificate_untrusted",
            FailureKind::CertificateExpired => "certificate_expired",
            FailureKind::TlsHandshake => "tls_handshake",
            FailureKind::BadResponse => "bad_response",
            FailureKind::Other => "other",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed stage: where, why, and the underlying error's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The stage that failed; the ones before it succeeded.
    pub stage: Stage,
    /// Why it failed, as a kind a finding can explain and a fix can follow.
    pub kind: FailureKind,
    /// The underlying error's own words, for whoever reads the details.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed ({}): {}",
            self.stage.label(),
            self.kind,
            self.message
        )
    }
}

/// Milliseconds each stage took; `null` for a stage not reached (or not
/// needed: no DNS for an IP address, no TLS for plain TCP).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Resolving the host name.
    #[serde(default)]
    pub dns_ms: Option<f64>,
    /// The TCP connection.
    #[serde(default)]
    pub connect_ms: Option<f64>,
    /// The TLS handshake, certificate checks included.
    #[serde(default)]
    pub tls_ms: Option<f64>,
    /// From sending the request to the answer's headers, the HTTP
    /// client's own connection set-up left out.
    #[serde(default)]
    pub http_ms: Option<f64>,
    /// The HTTP exchange runs on the shared client's own connection to the
    /// address the stages reached: its TCP and TLS set-up, for the record
    /// (`docs/network.md`).
    #[serde(default)]
    pub client_connect_ms: Option<f64>,
    /// The whole probe, start to finish.
    #[serde(default)]
    pub total_ms: f64,
}

impl Timings {
    /// `DNS 3 ms, connect 12 ms, TLS 40 ms`: the stages that ran.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = [
            ("DNS", self.dns_ms),
            ("connect", self.connect_ms),
            ("TLS", self.tls_ms),
            ("HTTP", self.http_ms),
        ]
        .into_iter()
        .filter_map(|(name, ms)| ms.map(|ms| format!("{name} {}", format_ms(ms))))
        .collect();
        if parts.is_empty() {
            format!("{} in all", format_ms(self.total_ms))
        } else {
            parts.join(", ")
        }
    }
}

/// `0.4 ms`, `12 ms`, `1.2 s`: milliseconds the way a person reads them.
pub fn format_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// One endpoint probed: an HTTPS URL, or a `host:port` reached over TCP
/// (and TLS where configured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointResult {
    /// The URL or `host:port` probed.
    pub target: String,
    /// Every stage asked for succeeded.
    pub reached: bool,
    /// Set when a stage failed.
    #[serde(default)]
    pub failure: Option<Failure>,
    /// How long each stage took, up to the one that failed.
    #[serde(default)]
    pub timings: Timings,
    /// The address the connection went to.
    #[serde(default)]
    pub remote_addr: Option<String>,
    /// The HTTP status, for HTTP probes that got an answer.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The `Location` of a redirect answer.
    #[serde(default)]
    pub redirect_to: Option<String>,
}

impl EndpointResult {
    /// `https://mfa.example.com/health: reached (DNS 3 ms, …), HTTP 200` or
    /// `…: TLS failed (certificate_name_mismatch) after DNS 3 ms, connect 5 ms: …`.
    pub fn describe(&self) -> String {
        match &self.failure {
            None => {
                let status = self
                    .http_status
                    .map(|s| format!(", HTTP {s}"))
                    .unwrap_or_default();
                format!(
                    "{}: reached ({}){status}",
                    self.target,
                    self.timings.summary()
                )
            }
            Some(failure) => format!(
                "{}: {} failed ({}) after {}: {}",
                self.target,
                failure.stage.label(),
                failure.kind,
                self.timings.summary(),
                failure.message
            ),
        }
    }
}

/// What the captive-portal check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortalVerdict {
    /// The known answer came back: nothing intercepts the connection.
    NoPortal,
    /// A redirect or another page came back instead: a captive portal
    /// (hotel, airport, guest Wi-Fi) wants the person to sign in.
    Portal,
    /// The check URL could not be fetched: nothing can be said.
    Inconclusive,
}

/// The captive-portal check: one request whose answer is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptivePortalResult {
    /// The request to the check URL and how far it got.
    pub endpoint: EndpointResult,
    /// The status the check URL answers with when nothing intercepts (204 for the usual ones).
    pub expected_status: u16,
    /// A text the answer's body must contain, if any.
    #[serde(default)]
    pub expected_body: Option<String>,
    /// Whether a portal holds the connection, from the answer against what was expected.
    pub verdict: PortalVerdict,
    /// Why the verdict, in one sentence.
    pub detail: String,
}

/// Reachability of the platform's push service: every configured port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushServiceResult {
    /// `fcm` or `apns`.
    pub service: String,
    /// One result per host and port probed, in the configured order.
    pub endpoints: Vec<EndpointResult>,
}

impl PushServiceResult {
    /// The endpoints that answered.
    pub fn reached(&self) -> impl Iterator<Item = &EndpointResult> {
        self.endpoints.iter().filter(|e| e.reached)
    }

    /// The endpoints that did not: their failures say which ports are blocked.
    pub fn unreached(&self) -> impl Iterator<Item = &EndpointResult> {
        self.endpoints.iter().filter(|e| !e.reached)
    }

    /// Endpoints were probed and not one answered: the push service is cut
    /// off (some blocked ports alone only slow pushes down).
    pub fn none_reached(&self) -> bool {
        !self.endpoints.is_empty() && self.reached().next().is_none()
    }
}

/// The device clock against a server's `Date` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockResult {
    /// The URL whose `Date` header was read.
    pub source: String,
    /// The header as sent.
    pub server_date: String,
    /// Device time minus server time, in seconds: positive when the device
    /// is ahead. The header has one-second resolution, so ±1 s is noise.
    pub skew_seconds: f64,
    /// Past this (either way) the clock counts as wrong.
    pub max_skew_seconds: u32,
}

/// An HTTP `Date` header counts whole seconds, so a difference of up to
/// this much is the header's rounding, not a measured skew.
pub const DATE_RESOLUTION_SECONDS: f64 = 1.0;

impl ClockResult {
    /// Whether the skew is past the limit, either way: a wrong clock breaks
    /// TLS and one-time codes. Never within the `Date` header's resolution,
    /// whatever the limit: a second's difference is not a measurement.
    pub fn is_off(&self) -> bool {
        !self.within_resolution() && self.skew_seconds.abs() > f64::from(self.max_skew_seconds)
    }

    /// Whether the difference is within the `Date` header's one-second
    /// resolution ([`DATE_RESOLUTION_SECONDS`]): the clocks agree as far as
    /// the header can tell.
    pub fn within_resolution(&self) -> bool {
        self.skew_seconds.abs() <= DATE_RESOLUTION_SECONDS
    }
}

/// Everything one probe run found. Each part is `null` when it was not
/// configured or could not run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    /// When the run started (RFC 3339, UTC).
    #[serde(default)]
    pub started_at: Option<String>,
    /// Wall time of the whole run, in milliseconds.
    #[serde(default)]
    pub elapsed_ms: f64,
    /// The overall deadline the run had.
    #[serde(default)]
    pub deadline_ms: u64,
    /// Set when nothing was probed, with the reason (the device reported no
    /// network at all: probing would only wait for timeouts).
    #[serde(default)]
    pub skipped: Option<String>,
    /// The MFA service's own endpoint.
    #[serde(default)]
    pub backend: Option<EndpointResult>,
    /// Whether a captive portal intercepts the connection.
    #[serde(default)]
    pub captive_portal: Option<CaptivePortalResult>,
    /// Whether the platform's push service (FCM / APNs) can be reached.
    #[serde(default)]
    pub push_service: Option<PushServiceResult>,
    /// The device clock against the MFA service's `Date`.
    #[serde(default)]
    pub clock: Option<ClockResult>,
}

impl ProbeReport {
    /// Some reachability probe (backend, push service, captive portal)
    /// failed: the network is in the way somewhere.
    pub fn something_unreachable(&self) -> bool {
        self.backend.as_ref().is_some_and(|b| !b.reached)
            || self
                .push_service
                .as_ref()
                .is_some_and(PushServiceResult::none_reached)
            || self
                .captive_portal
                .as_ref()
                .is_some_and(|c| c.verdict == PortalVerdict::Portal)
    }
}
