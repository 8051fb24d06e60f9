//! What to probe, and how long to wait: the app's (or the CLI's) settings
//! for a probe run, checked before anything is sent.

use std::net::IpAddr;
use std::time::Duration;

use url::Url;

use crate::model::Platform;

/// The whole run ends within this, whatever the probes do.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(5);
/// One probe (all its stages) ends within this.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// Past this, either way, the device clock counts as wrong: time-based
/// codes allow one 30-second step either side, and some push and token
/// checks allow a minute.
pub const DEFAULT_MAX_CLOCK_SKEW: Duration = Duration::from_secs(90);

/// One TCP endpoint of a push service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushEndpoint {
    /// The host name, as a phone would look it up.
    pub host: String,
    /// The TCP port.
    pub port: u16,
    /// Also complete a TLS handshake (with the configured trust roots).
    /// Off for the push services' own ports, which speak TLS with their
    /// own certificates or a binary protocol: a TCP connection is what
    /// shows a firewall lets them through.
    pub tls: bool,
}

impl PushEndpoint {
    /// A TCP-only endpoint, the way push services' own ports are probed.
    pub fn tcp(host: &str, port: u16) -> Self {
        PushEndpoint {
            host: host.to_string(),
            port,
            tls: false,
        }
    }

    /// `host:port` (IPv6 addresses in brackets).
    pub fn target(&self) -> String {
        match self.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(_)) => format!("[{}]:{}", self.host, self.port),
            _ => format!("{}:{}", self.host, self.port),
        }
    }
}

impl std::str::FromStr for PushEndpoint {
    type Err = String;

    /// `host:port` or `[v6]:port`, reached over TCP.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| format!("`{text}`: {why} (expected HOST:PORT)");
        let (host, port) = text.rsplit_once(':').ok_or_else(|| bad("no port"))?;
        let port: u16 = port
            .parse()
            .map_err(|_| bad("the port is not a number from 1 to 65535"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || port == 0 {
            return Err(bad("needs a host and a port above 0"));
        }
        Ok(PushEndpoint::tcp(host, port))
    }
}

/// The platform's push service and the endpoints a phone uses to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushService {
    /// `fcm` or `apns`.
    pub name: String,
    /// Every host and port the phone may use, in the order it tries them.
    pub endpoints: Vec<PushEndpoint>,
}

impl PushService {
    /// Firebase Cloud Messaging: the device keeps its connection to
    /// `mtalk.google.com` on 5228 (5229 and 5230 as alternatives, 443 as
    /// the fallback through restrictive firewalls), per Firebase's
    /// "FCM ports and your firewall".
    pub fn fcm() -> Self {
        PushService {
            name: "fcm".into(),
            endpoints: [5228, 5229, 5230, 443]
                .into_iter()
                .map(|port| PushEndpoint::tcp("mtalk.google.com", port))
                .collect(),
        }
    }

    /// Apple Push Notification service: devices connect to
    /// `*-courier.push.apple.com` on 5223, and on 443 when 5223 is blocked,
    /// per Apple's "Use Apple products on enterprise networks".
    pub fn apns() -> Self {
        PushService {
            name: "apns".into(),
            endpoints: [5223, 443]
                .into_iter()
                .map(|port| PushEndpoint::tcp("1-courier.push.apple.com", port))
                .collect(),
        }
    }

    /// FCM for Android, APNs for iOS.
    pub fn for_platform(platform: Platform) -> Self {
        match platform {
            Platform::Android => PushService::fcm(),
            Platform::Ios => PushService::apns(),
        }
    }
}

/// A URL whose answer is known, fetched to find out whether a captive
/// portal intercepts the connection. Plain HTTP on purpose: a portal can
/// only rewrite what is not encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptivePortalCheck {
    /// The check URL, plain HTTP.
    pub url: String,
    /// The status the URL answers with when nothing intercepts.
    pub expected_status: u16,
    /// A text the body must contain; `None` checks the status only.
    pub expected_body: Option<String>,
}

impl CaptivePortalCheck {
    /// The check each platform's own network stack uses: Android's
    /// `generate_204`, Apple's `hotspot-detect.html`.
    pub fn for_platform(platform: Platform) -> Self {
        match platform {
            Platform::Android => CaptivePortalCheck {
                url: "http://connectivitycheck.gstatic.com/generate_204".into(),
                expected_status: 204,
                expected_body: None,
            },
            Platform::Ios => CaptivePortalCheck {
                url: "http://captive.apple.com/hotspot-detect.html".into(),
                expected_status: 200,
                expected_body: Some("Success".into()),
            },
        }
    }
}

/// Which certificate authorities the probes trust (`docs/network.md`
/// explains the choice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustRoots {
    /// Mozilla's root programme, compiled in (the `webpki-roots` crate).
    pub web_pki: bool,
    /// More roots, PEM-encoded: the enterprise CAs the app itself trusts
    /// (its network security configuration), or a test CA.
    pub extra_pem: Vec<String>,
}

impl Default for TrustRoots {
    fn default() -> Self {
        TrustRoots {
            web_pki: true,
            extra_pem: Vec::new(),
        }
    }
}

/// Everything a probe run needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeConfig {
    /// The MFA service's own endpoint, HTTPS (plain HTTP only on loopback,
    /// for tests). Its `Date` header also gives the clock check.
    pub backend_url: Option<String>,
    /// The captive-portal check; `None` skips it.
    pub captive_portal: Option<CaptivePortalCheck>,
    /// The platform's push service; `None` skips it.
    pub push_service: Option<PushService>,
    /// The whole run ends within this, whatever the probes do.
    pub deadline: Duration,
    /// One probe (all its stages) ends within this.
    pub probe_timeout: Duration,
    /// Past this, either way, the device clock counts as wrong.
    pub max_clock_skew: Duration,
    /// Which certificates the TLS stages trust.
    pub trust: TrustRoots,
}

impl ProbeConfig {
    /// Nothing configured yet, default times.
    pub fn new() -> Self {
        ProbeConfig {
            backend_url: None,
            captive_portal: None,
            push_service: None,
            deadline: DEFAULT_DEADLINE,
            probe_timeout: DEFAULT_PROBE_TIMEOUT,
            max_clock_skew: DEFAULT_MAX_CLOCK_SKEW,
            trust: TrustRoots::default(),
        }
    }

    /// The platform's captive-portal check and push service, the app's
    /// backend.
    pub fn for_platform(platform: Platform, backend_url: Option<String>) -> Self {
        ProbeConfig {
            backend_url,
            captive_portal: Some(CaptivePortalCheck::for_platform(platform)),
            push_service: Some(PushService::for_platform(platform)),
            ..ProbeConfig::new()
        }
    }
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig::new()
    }
}

/// A configuration that cannot be run. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeConfigError {
    /// A URL does not parse.
    #[error("{what} `{url}` is not a URL: {reason}")]
    BadUrl {
        /// Which setting it is (`backend URL`, …).
        what: &'static str,
        /// The URL as given.
        url: String,
        /// Why it does not parse.
        reason: String,
    },
    /// A URL uses a scheme the probe does not allow there (plain HTTP to anything but loopback, say).
    #[error("{what} `{url}` must use {expected}")]
    WrongScheme {
        /// Which setting it is.
        what: &'static str,
        /// The URL as given.
        url: String,
        /// The scheme it must use.
        expected: &'static str,
    },
    /// A URL carries a user name or password, which would end up in reports.
    #[error("{what} must not carry a user name or password: it is written into reports")]
    Credentials {
        /// Which setting it is.
        what: &'static str,
    },
    /// A URL has no host to probe.
    #[error("{what} `{url}` has no host")]
    NoHost {
        /// Which setting it is.
        what: &'static str,
        /// The URL as given.
        url: String,
    },
    /// A push endpoint is not a usable host and port.
    #[error("push endpoint `{target}`: {reason}")]
    BadPushEndpoint {
        /// The endpoint as `host:port`.
        target: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A time limit is zero, so nothing could run.
    #[error("{what} must be more than zero")]
    ZeroDuration {
        /// Which limit it is.
        what: &'static str,
    },
    /// The extra trust roots are not valid PEM certificates.
    #[error("trust roots: {reason}")]
    BadTrustRoots {
        /// What is wrong with them.
        reason: String,
    },
    /// The HTTP client could not be built from the settings.
    #[error("the HTTP client could not be built: {reason}")]
    Client {
        /// The HTTP client's own words.
        reason: String,
    },
}

/// The configuration's URLs, parsed once by [`ProbeConfig::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedUrls {
    /// The backend URL, parsed.
    pub backend: Option<Url>,
    /// The captive-portal check's URL, parsed.
    pub captive_portal: Option<Url>,
}

/// Whether a host is this machine: the only place plain HTTP may go.
fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Parses and checks one URL: `https`, or `http` where `allow_http` or on
/// loopback.
pub(crate) fn parse_url(
    what: &'static str,
    url: &str,
    allow_http: bool,
) -> Result<Url, ProbeConfigError> {
    let parsed = Url::parse(url).map_err(|e| ProbeConfigError::BadUrl {
        what,
        url: url.to_string(),
        // The library carries no Unicode tables for host names
        // (core/Cargo.toml, `idna_adapter`): say what to do instead.
        reason: match e {
            url::ParseError::IdnaError => {
                "a host name that is not ASCII: give it in its punycode form (xn--…)".into()
            }
            e => e.to_string(),
        },
    })?;
    let host = parsed.host().ok_or_else(|| ProbeConfigError::NoHost {
        what,
        url: url.to_string(),
    })?;
    // The URL is written into reports and bundles: it must carry no secret.
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(ProbeConfigError::Credentials { what });
    }
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if allow_http || is_loopback(&host) => Ok(parsed),
        _ => Err(ProbeConfigError::WrongScheme {
            what,
            url: url.to_string(),
            expected: if allow_http {
                "http or https"
            } else {
                "https (plain http only on loopback)"
            },
        }),
    }
}

impl ProbeConfig {
    /// Every problem a run would meet before sending anything.
    pub fn validate(&self) -> Result<CheckedUrls, ProbeConfigError> {
        let backend = self
            .backend_url
            .as_deref()
            .map(|url| parse_url("backend URL", url, false))
            .transpose()?;
        let captive_portal = self
            .captive_portal
            .as_ref()
            .map(|check| parse_url("captive-portal URL", &check.url, true))
            .transpose()?;
        for endpoint in self.push_service.iter().flat_map(|p| &p.endpoints) {
            if endpoint.host.is_empty() || endpoint.port == 0 {
                return Err(ProbeConfigError::BadPushEndpoint {
                    target: endpoint.target(),
                    reason: "needs a host and a port above 0".into(),
                });
            }
        }
        for (what, value) in [
            ("the deadline", self.deadline),
            ("the probe timeout", self.probe_timeout),
        ] {
            if value.is_zero() {
                return Err(ProbeConfigError::ZeroDuration { what });
            }
        }
        Ok(CheckedUrls {
            backend,
            captive_portal,
        })
    }
}
