//! Running the probes: every one at once, each stage timed, all of it
//! within one deadline.
//!
//! A probe of an HTTPS endpoint first opens a connection stage by stage
//! (DNS, TCP, TLS), each under the probe's time, so a failure names its
//! stage and every stage has its own figure. The HTTP exchange then goes
//! through the one shared `reqwest` client, pinned to the address that
//! just answered, so it reaches the same server the stages measured.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures_util::future::join_all;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};
use tokio_rustls::TlsConnector;
use url::Url;

use super::config::{CaptivePortalCheck, ProbeConfig, ProbeConfigError, PushEndpoint};
use super::tls;
use crate::model::probe_report::{
    CaptivePortalResult, ClockResult, EndpointResult, Failure, FailureKind, PortalVerdict,
    ProbeReport, PushServiceResult, Stage, Timings,
};
use crate::model::time::{now_ms, rfc3339};

/// How much of a captive-portal answer is read: enough for any login page's
/// opening, never a download.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// Addresses tried, in the resolver's order, before the connect stage gives up.
const MAX_ADDRESSES: usize = 4;

/// Runs probe runs. Holds the one HTTP client and TLS configuration, so
/// make one per configuration and keep it: runs reuse both.
pub struct Prober {
    config: ProbeConfig,
    backend: Option<Url>,
    captive: Option<(Url, CaptivePortalCheck)>,
    client: reqwest::Client,
    tls: TlsConnector,
    pins: Arc<PinnedResolver>,
}

impl Prober {
    /// Checks the configuration and builds the client. Sends nothing.
    pub fn new(config: ProbeConfig) -> Result<Self, ProbeConfigError> {
        let urls = config.validate()?;
        let backend = urls.backend;
        let captive = urls.captive_portal.zip(config.captive_portal.clone());
        let tls_config = tls::client_config(&config.trust)?;
        let pins = Arc::new(PinnedResolver::default());
        // Redirects are not followed: a portal's redirect is the finding.
        let client = tls::http_client(tls_config.clone(), |builder| {
            builder
                .dns_resolver(pins.clone())
                // Each run measures fresh connections: after a network
                // change a pooled connection would describe the old network.
                .pool_max_idle_per_host(0)
                .connector_layer(TimeConnections)
        })?;
        Ok(Prober {
            config,
            backend,
            captive,
            client,
            tls: TlsConnector::from(Arc::new(tls_config)),
            pins,
        })
    }

    /// The validated configuration this prober runs.
    pub fn config(&self) -> &ProbeConfig {
        &self.config
    }

    /// One run of every configured probe, all at once. Ends within the
    /// configured deadline; dropping the future cancels every probe.
    /// `device_connected` is the platform's word: `Some(false)` (no network
    /// at all) returns at once with nothing probed, instead of waiting for
    /// every probe to time out.
    pub async fn run(&self, device_connected: Option<bool>) -> ProbeReport {
        let started = Instant::now();
        let started_at = Some(rfc3339(now_ms()));
        let deadline_ms = self.config.deadline.as_millis() as u64;
        if device_connected == Some(false) {
            return ProbeReport {
                started_at,
                elapsed_ms: ms_since(started),
                deadline_ms,
                skipped: Some(
                    "the device reports no network connection: nothing was probed".into(),
                ),
                ..ProbeReport::default()
            };
        }
        let run_deadline = started + self.config.deadline;
        let probe_deadline = run_deadline.min(started + self.config.probe_timeout);

        let backend = async {
            match &self.backend {
                Some(url) => {
                    let (result, date, _) = self.http_exchange(url, probe_deadline, 0).await;
                    Some((result, date))
                }
                None => None,
            }
        };
        let captive = async {
            match &self.captive {
                Some((url, check)) => Some(self.captive_probe(url, check, probe_deadline).await),
                None => None,
            }
        };
        let push = async {
            match &self.config.push_service {
                Some(service) => Some(PushServiceResult {
                    service: service.name.clone(),
                    endpoints: join_all(
                        service
                            .endpoints
                            .iter()
                            .map(|endpoint| self.tcp_probe(endpoint, probe_deadline)),
                    )
                    .await,
                }),
                None => None,
            }
        };
        let (backend, captive, push_service) = tokio::join!(backend, captive, push);

        let clock = backend
            .as_ref()
            .and_then(|(result, date)| {
                clock_from(&result.target, date.as_ref()?, self.config.max_clock_skew)
            })
            // A portal's own page would give the portal's clock: only the
            // known answer's `Date` is the real server's.
            .or_else(|| {
                captive
                    .as_ref()
                    .filter(|(result, _)| result.verdict == PortalVerdict::NoPortal)
                    .and_then(|(result, date)| {
                        clock_from(
                            &result.endpoint.target,
                            date.as_ref()?,
                            self.config.max_clock_skew,
                        )
                    })
            });
        ProbeReport {
            started_at,
            elapsed_ms: ms_since(started),
            deadline_ms,
            skipped: None,
            backend: backend.map(|(result, _)| result),
            captive_portal: captive.map(|(result, _)| result),
            push_service,
            clock,
        }
    }

    /// The staged connection (DNS, TCP, TLS where `tls`), closed at once.
    /// Fills in `timings` and `remote_addr` as it goes.
    async fn connect(
        &self,
        host: &str,
        port: u16,
        tls: bool,
        deadline: Instant,
        result: &mut EndpointResult,
    ) -> Result<SocketAddr, Failure> {
        // DNS.
        let addresses: Vec<SocketAddr> = match host.trim_matches(['[', ']']).parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => {
                let begun = Instant::now();
                let looked_up = timeout_at(deadline, tokio::net::lookup_host((host, port))).await;
                result.timings.dns_ms = Some(ms_since(begun));
                match looked_up {
                    Err(_) => return Err(timed_out(Stage::Dns, deadline, begun)),
                    Ok(Err(e)) => {
                        return Err(Failure {
                            stage: Stage::Dns,
                            kind: FailureKind::NameNotResolved,
                            message: format!("{host}: {e}"),
                        })
                    }
                    Ok(Ok(found)) => {
                        let found: Vec<SocketAddr> = found.take(MAX_ADDRESSES).collect();
                        if found.is_empty() {
                            return Err(Failure {
                                stage: Stage::Dns,
                                kind: FailureKind::NameNotResolved,
                                message: format!("{host}: no address"),
                            });
                        }
                        found
                    }
                }
            }
        };
        // TCP: the addresses raced, Happy Eyeballs style, the first to
        // connect wins.
        let begun = Instant::now();
        let connected = timeout_at(deadline, connect_any(&addresses)).await;
        result.timings.connect_ms = Some(ms_since(begun));
        let (address, stream) = match connected {
            Err(_) => return Err(timed_out(Stage::Connect, deadline, begun)),
            Ok(Err((address, error))) => {
                return Err(Failure {
                    stage: Stage::Connect,
                    kind: FailureKind::of_io(error.kind()),
                    message: format!("{address}: {error}"),
                })
            }
            Ok(Ok(connected)) => connected,
        };
        result.remote_addr = Some(address.to_string());
        if !tls {
            return Ok(address);
        }
        // TLS.
        let name =
            ServerName::try_from(host.trim_matches(['[', ']']).to_string()).map_err(|e| {
                Failure {
                    stage: Stage::Tls,
                    kind: FailureKind::Other,
                    message: format!("`{host}` cannot be a TLS server name: {e}"),
                }
            })?;
        let begun = Instant::now();
        let handshake = timeout_at(deadline, self.tls.connect(name, stream)).await;
        result.timings.tls_ms = Some(ms_since(begun));
        match handshake {
            Err(_) => Err(timed_out(Stage::Tls, deadline, begun)),
            Ok(Err(e)) => Err(Failure {
                stage: Stage::Tls,
                kind: tls::classify_handshake_error(&e),
                message: e.to_string(),
            }),
            Ok(Ok(_session)) => Ok(address),
        }
    }

    /// A TCP (and TLS where configured) probe of one push-service endpoint.
    async fn tcp_probe(&self, endpoint: &PushEndpoint, deadline: Instant) -> EndpointResult {
        let begun = Instant::now();
        let mut result = EndpointResult::new(endpoint.target());
        if let Err(failure) = self
            .connect(
                &endpoint.host,
                endpoint.port,
                endpoint.tls,
                deadline,
                &mut result,
            )
            .await
        {
            result.failure = Some(failure);
        }
        result.finish(begun)
    }

    /// The staged connection, then one GET through the shared client.
    /// Returns the result and the answer's `Date` header, and the first
    /// `body_bytes` of the body.
    async fn http_exchange(
        &self,
        url: &Url,
        deadline: Instant,
        body_bytes: usize,
    ) -> (EndpointResult, Option<String>, Vec<u8>) {
        let begun = Instant::now();
        let mut result = EndpointResult::new(url.to_string());
        let host = url.host_str().unwrap_or_default().to_string();
        let port = url.port_or_known_default().unwrap_or(443);
        let address = match self
            .connect(&host, port, url.scheme() == "https", deadline, &mut result)
            .await
        {
            Ok(address) => address,
            Err(failure) => {
                result.failure = Some(failure);
                return (result.finish(begun), None, Vec::new());
            }
        };
        self.pins.pin(&host, address);
        let sent = Instant::now();
        let remaining = deadline.saturating_duration_since(sent);
        let client_connect = Arc::new(Mutex::new(None));
        let exchange = async {
            let request = self.client.get(url.clone()).timeout(remaining).send();
            let response = CLIENT_CONNECT
                .scope(client_connect.clone(), request)
                .await?;
            let status = response.status().as_u16();
            let date = header(&response, reqwest::header::DATE);
            let location = header(&response, reqwest::header::LOCATION);
            result.timings.http_ms = Some(ms_since(sent));
            let mut body = Vec::new();
            let mut response = response;
            while body.len() < body_bytes {
                match response.chunk().await? {
                    Some(chunk) => {
                        body.extend_from_slice(&chunk[..chunk.len().min(body_bytes - body.len())])
                    }
                    None => break,
                }
            }
            Ok::<_, reqwest::Error>((status, date, location, body))
        };
        let outcome = timeout_at(deadline, exchange).await;
        if result.timings.http_ms.is_none() {
            result.timings.http_ms = Some(ms_since(sent));
        }
        // The client's own connection is set-up, not the service's answer.
        let set_up = *client_connect.lock().unwrap_or_else(|p| p.into_inner());
        if let (Some(set_up), Some(http)) = (set_up, result.timings.http_ms) {
            result.timings.client_connect_ms = Some(set_up);
            result.timings.http_ms = Some(round_ms((http - set_up).max(0.0)));
        }
        let (date, body) = match outcome {
            Err(_) => {
                result.failure = Some(timed_out(Stage::Http, deadline, sent));
                (None, Vec::new())
            }
            Ok(Err(e)) => {
                result.failure = Some(Failure {
                    stage: Stage::Http,
                    kind: classify_reqwest(&e),
                    message: error_chain(&e),
                });
                (None, Vec::new())
            }
            Ok(Ok((status, date, location, body))) => {
                result.http_status = Some(status);
                result.redirect_to = location;
                (date, body)
            }
        };
        (result.finish(begun), date, body)
    }

    async fn captive_probe(
        &self,
        url: &Url,
        check: &CaptivePortalCheck,
        deadline: Instant,
    ) -> (CaptivePortalResult, Option<String>) {
        let body_bytes = if check.expected_body.is_some() {
            MAX_BODY_BYTES
        } else {
            0
        };
        let (endpoint, date, body) = self.http_exchange(url, deadline, body_bytes).await;
        let (verdict, detail) = portal_verdict(&endpoint, check, &body);
        (
            CaptivePortalResult {
                endpoint,
                expected_status: check.expected_status,
                expected_body: check.expected_body.clone(),
                verdict,
                detail,
            },
            date,
        )
    }
}

/// How long an attempt has before the next address is tried alongside it
/// (RFC 8305's recommended connection attempt delay).
const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Connects to the first of `addresses` that answers. Attempts start
/// [`ATTEMPT_DELAY`] apart (at once when the one before fails), IPv6 and
/// IPv4 alternating, and run side by side: on a network whose IPv6 is
/// broken the first address never answers, and waiting for it would make
/// a working service look unreachable (the app's own HTTP stack falls
/// back the same way). Every address failing gives the last error.
pub(crate) async fn connect_any(
    addresses: &[SocketAddr],
) -> Result<(SocketAddr, TcpStream), (SocketAddr, io::Error)> {
    use futures_util::stream::{FuturesUnordered, StreamExt};

    let mut waiting = interleave_families(addresses).into_iter();
    let mut attempts = FuturesUnordered::new();
    let attempt = |address: SocketAddr| async move {
        TcpStream::connect(address)
            .await
            .map(|stream| (address, stream))
            .map_err(|error| (address, error))
    };
    let mut last_error = None;
    loop {
        if attempts.is_empty() {
            match waiting.next() {
                Some(address) => attempts.push(attempt(address)),
                None => {
                    return Err(last_error.unwrap_or_else(|| {
                        let none = SocketAddr::from(([0, 0, 0, 0], 0));
                        (
                            none,
                            io::Error::new(io::ErrorKind::InvalidInput, "no address"),
                        )
                    }))
                }
            }
        }
        tokio::select! {
            finished = attempts.next() => match finished {
                Some(Ok(connected)) => return Ok(connected),
                Some(Err(failed)) => last_error = Some(failed),
                None => {}
            },
            _ = tokio::time::sleep(ATTEMPT_DELAY), if waiting.len() > 0 => {
                if let Some(address) = waiting.next() {
                    attempts.push(attempt(address));
                }
            }
        }
    }
}

/// The resolver's order, but alternating address families from the first
/// one on, so that the second attempt is always the other family.
fn interleave_families(addresses: &[SocketAddr]) -> Vec<SocketAddr> {
    let Some(first) = addresses.first() else {
        return Vec::new();
    };
    let (same, other): (Vec<SocketAddr>, Vec<SocketAddr>) = addresses
        .iter()
        .partition(|a| a.is_ipv6() == first.is_ipv6());
    let (mut same, mut other) = (same.into_iter(), other.into_iter());
    let mut ordered = Vec::with_capacity(addresses.len());
    loop {
        match (same.next(), other.next()) {
            (None, None) => return ordered,
            (a, b) => ordered.extend(a.into_iter().chain(b)),
        }
    }
}

/// Whether the answer to the captive-portal URL is the known one.
fn portal_verdict(
    endpoint: &EndpointResult,
    check: &CaptivePortalCheck,
    body: &[u8],
) -> (PortalVerdict, String) {
    let Some(status) = endpoint.http_status else {
        return (
            PortalVerdict::Inconclusive,
            match &endpoint.failure {
                Some(failure) => format!("the check URL could not be fetched: {failure}"),
                None => "the check URL gave no answer".into(),
            },
        );
    };
    if (300..400).contains(&status) {
        let to = endpoint.redirect_to.as_deref().unwrap_or("somewhere else");
        return (
            PortalVerdict::Portal,
            format!("the check URL redirected (HTTP {status}) to {to}: a sign-in page"),
        );
    }
    if status != check.expected_status {
        return (
            PortalVerdict::Portal,
            format!(
                "the check URL answered HTTP {status} instead of {}: something else answered for it",
                check.expected_status
            ),
        );
    }
    if let Some(expected) = &check.expected_body {
        if !String::from_utf8_lossy(body).contains(expected.as_str()) {
            return (
                PortalVerdict::Portal,
                format!("the check URL answered HTTP {status} but with another page (no `{expected}` in it)"),
            );
        }
    }
    (
        PortalVerdict::NoPortal,
        format!("the check URL gave its known answer (HTTP {status})"),
    )
}

fn clock_from(source: &str, date: &str, max_skew: Duration) -> Option<ClockResult> {
    let server = httpdate::parse_http_date(date).ok()?;
    let device = SystemTime::now();
    let skew_seconds = match device.duration_since(server) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    };
    Some(ClockResult {
        source: source.to_string(),
        server_date: date.to_string(),
        skew_seconds: (skew_seconds * 10.0).round() / 10.0,
        max_skew_seconds: max_skew.as_secs().min(u64::from(u32::MAX)) as u32,
    })
}

impl EndpointResult {
    fn new(target: String) -> Self {
        EndpointResult {
            target,
            reached: false,
            failure: None,
            timings: Timings::default(),
            remote_addr: None,
            http_status: None,
            redirect_to: None,
        }
    }

    fn finish(mut self, begun: Instant) -> Self {
        self.timings.total_ms = ms_since(begun);
        self.reached = self.failure.is_none();
        self
    }
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn timed_out(stage: Stage, deadline: Instant, begun: Instant) -> Failure {
    Failure {
        stage,
        kind: FailureKind::TimedOut,
        message: format!(
            "no answer within {} (the probe's time ran out)",
            crate::model::probe_report::format_ms(
                deadline.saturating_duration_since(begun).as_secs_f64() * 1000.0
            )
        ),
    }
}

/// The most specific cause in a reqwest error's chain.
pub(crate) fn classify_reqwest(error: &reqwest::Error) -> FailureKind {
    if error.is_timeout() {
        return FailureKind::TimedOut;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            return tls::classify_handshake_error(io);
        }
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return tls::classify_tls(tls);
        }
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>() {
            if hyper.is_incomplete_message() || hyper.is_canceled() {
                return FailureKind::Reset;
            }
            if hyper.is_parse() {
                return FailureKind::BadResponse;
            }
        }
        source = cause.source();
    }
    FailureKind::BadResponse
}

/// `error: cause: cause`, as reqwest's own message leaves the causes out.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

fn ms_since(begun: Instant) -> f64 {
    round_ms(begun.elapsed().as_secs_f64() * 1000.0)
}

/// To a hundredth of a millisecond: finer is noise, and reports stay short.
fn round_ms(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

tokio::task_local! {
    /// Where the connector layer leaves how long the HTTP client took to
    /// open its connection, for the request being sent in this scope.
    static CLIENT_CONNECT: Arc<Mutex<Option<f64>>>;
}

/// A connector layer that times each connection the HTTP client opens.
/// The slot is taken when the connection is asked for, inside the
/// request's scope, so the timing reaches its request even if the
/// connection is driven elsewhere.
#[derive(Clone)]
struct TimeConnections;

impl<S> tower_layer::Layer<S> for TimeConnections {
    type Service = TimedConnector<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TimedConnector(inner)
    }
}

#[derive(Clone)]
struct TimedConnector<S>(S);

type Boxed<T, E> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, E>> + Send>>;

impl<S, R> tower_service::Service<R> for TimedConnector<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Boxed<S::Response, S::Error>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let slot = CLIENT_CONNECT.try_with(Arc::clone).ok();
        let connecting = self.0.call(request);
        Box::pin(async move {
            let begun = Instant::now();
            let connected = connecting.await;
            if let Some(slot) = slot {
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(ms_since(begun));
            }
            connected
        })
    }
}

/// Sends the HTTP client to the address the staged connection reached,
/// instead of resolving the name a second time (which could give another
/// address, and would count DNS twice).
#[derive(Default)]
struct PinnedResolver {
    pins: Mutex<HashMap<String, SocketAddr>>,
}

impl PinnedResolver {
    fn pin(&self, host: &str, address: SocketAddr) {
        self.pins
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(host.to_ascii_lowercase(), address);
    }
}

impl Resolve for PinnedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let pinned = self
            .pins
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&name.as_str().to_ascii_lowercase())
            .copied();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = match pinned {
                Some(address) => vec![address],
                None => tokio::net::lookup_host((name.as_str(), 0)).await?.collect(),
            };
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Platform;

    fn answered(status: Option<u16>, redirect_to: Option<&str>) -> EndpointResult {
        let mut endpoint =
            EndpointResult::new("http://connectivitycheck.example/generate_204".into());
        endpoint.reached = status.is_some();
        endpoint.http_status = status;
        endpoint.redirect_to = redirect_to.map(str::to_string);
        endpoint
    }

    #[test]
    fn an_offline_phone_is_answered_at_once_with_what_the_run_would_have_had() {
        let config = ProbeConfig {
            backend_url: Some("https://mfa.example.com/health".into()),
            deadline: Duration::from_millis(4321),
            ..ProbeConfig::default()
        };
        let prober = Prober::new(config).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let report = runtime.block_on(prober.run(Some(false)));
        assert!(report
            .skipped
            .as_deref()
            .is_some_and(|r| r.contains("no network")));
        assert_eq!(report.deadline_ms, 4321);
        let started = report.started_at.expect("when the run started");
        assert!(started.ends_with('Z') && started.len() == "2026-11-29T21:00:00.000Z".len());
        assert!(report.backend.is_none(), "nothing was probed");
    }

    #[test]
    fn socket_errors_are_named_by_kind() {
        use io::ErrorKind as K;
        for (kind, expected) in [
            (K::ConnectionRefused, FailureKind::Refused),
            (K::ConnectionReset, FailureKind::Reset),
            (K::ConnectionAborted, FailureKind::Reset),
            (K::BrokenPipe, FailureKind::Reset),
            (K::UnexpectedEof, FailureKind::Reset),
            (K::TimedOut, FailureKind::TimedOut),
            (K::NetworkUnreachable, FailureKind::Unreachable),
            (K::HostUnreachable, FailureKind::Unreachable),
            (K::AddrNotAvailable, FailureKind::Unreachable),
            (K::NetworkDown, FailureKind::Unreachable),
            (K::PermissionDenied, FailureKind::Other),
            (K::Other, FailureKind::Other),
        ] {
            assert_eq!(FailureKind::of_io(kind), expected, "{kind:?}");
        }
    }

    #[test]
    fn the_clock_is_compared_with_the_servers_date_either_way() {
        let at = |offset_s: i64| {
            let now = SystemTime::now();
            let server = if offset_s >= 0 {
                now + Duration::from_secs(offset_s as u64)
            } else {
                now - Duration::from_secs(offset_s.unsigned_abs())
            };
            httpdate::fmt_http_date(server)
        };
        let max = Duration::from_secs(90);
        // The server is 10 minutes ahead: the device is behind (negative).
        let behind = clock_from("https://mfa.example.com", &at(600), max).unwrap();
        assert!(
            (-602.0..=-598.0).contains(&behind.skew_seconds),
            "{behind:?}"
        );
        assert!(behind.is_off());
        assert_eq!(behind.max_skew_seconds, 90);
        assert_eq!(behind.source, "https://mfa.example.com");
        let ahead = clock_from("s", &at(-600), max).unwrap();
        assert!((598.0..=602.0).contains(&ahead.skew_seconds), "{ahead:?}");
        let close = clock_from("s", &at(0), max).unwrap();
        assert!(
            close.skew_seconds.abs() <= 2.0 && !close.is_off(),
            "{close:?}"
        );
        // One decimal, not more: the header has whole seconds.
        assert_eq!(
            (close.skew_seconds * 10.0).fract(),
            0.0,
            "{}",
            close.skew_seconds
        );
        assert!(clock_from("s", "yesterday-ish", max).is_none());
    }

    #[test]
    fn only_the_exact_known_answer_is_no_portal() {
        let android = CaptivePortalCheck::for_platform(Platform::Android);
        assert_eq!(android.expected_status, 204);
        let verdict = |status, body: &[u8], check: &CaptivePortalCheck| {
            portal_verdict(&answered(status, None), check, body).0
        };
        assert_eq!(verdict(Some(204), b"", &android), PortalVerdict::NoPortal);
        // A portal's own page answers 200 where 204 is expected: the most
        // common portal of all, and the one a looser check lets through.
        for status in [200, 203, 205, 404, 511] {
            assert_eq!(
                verdict(Some(status), b"", &android),
                PortalVerdict::Portal,
                "{status}"
            );
        }
        for status in [301, 302, 303, 307, 308, 399] {
            let (v, detail) = portal_verdict(
                &answered(Some(status), Some("http://login.portal/")),
                &android,
                b"",
            );
            assert_eq!(v, PortalVerdict::Portal, "{status}");
            assert!(detail.contains("http://login.portal/"), "{detail}");
        }
        assert_eq!(verdict(None, b"", &android), PortalVerdict::Inconclusive);

        let apple = CaptivePortalCheck::for_platform(Platform::Ios);
        let known = apple
            .expected_body
            .clone()
            .expect("Apple's check has a body");
        assert_eq!(
            verdict(Some(200), known.as_bytes(), &apple),
            PortalVerdict::NoPortal
        );
        assert_eq!(
            verdict(Some(200), b"<html>Sign in</html>", &apple),
            PortalVerdict::Portal
        );
        assert_eq!(
            verdict(Some(204), known.as_bytes(), &apple),
            PortalVerdict::Portal
        );
    }

    fn v4(last: u8, port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, last], port))
    }

    fn v6(port: u16) -> SocketAddr {
        SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port))
    }

    #[test]
    fn families_alternate_from_the_first() {
        let list = [v6(1), v6(2), v6(3), v4(1, 4)];
        assert_eq!(interleave_families(&list), [v6(1), v4(1, 4), v6(2), v6(3)]);
        assert_eq!(interleave_families(&[]), Vec::<SocketAddr>::new());
    }

    /// A port that takes no more connections: its accept queue is full, so
    /// the kernel drops further SYNs and a connect hangs, like an address
    /// a broken network never answers.
    fn black_hole() -> (std::net::TcpListener, Vec<std::net::TcpStream>, SocketAddr) {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.bind(&v4(1, 0).into()).unwrap();
        socket.listen(0).unwrap();
        let listener: std::net::TcpListener = socket.into();
        let address = listener.local_addr().unwrap();
        // Fill the queue (never accepted) until a connect stops answering.
        let mut held = Vec::new();
        while let Ok(stream) =
            std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200))
        {
            held.push(stream);
            assert!(held.len() < 64, "the accept queue never filled");
        }
        (listener, held, address)
    }

    #[tokio::test]
    async fn an_address_that_never_answers_does_not_hold_up_one_that_does() {
        let (_listener, _held, silent) = black_hole();
        let working = std::net::TcpListener::bind(v4(1, 0)).unwrap();
        let working_address = working.local_addr().unwrap();
        let begun = Instant::now();
        let (address, _stream) = timeout_at(
            begun + Duration::from_secs(10),
            connect_any(&[silent, working_address]),
        )
        .await
        .expect("connected before the test's own limit")
        .expect("the working address connects");
        assert_eq!(address, working_address);
        // One attempt delay, not the silent address's SYN retries (seconds).
        assert!(
            begun.elapsed() < Duration::from_secs(3),
            "{:?}",
            begun.elapsed()
        );
    }

    #[tokio::test]
    async fn a_refused_address_moves_on_at_once_and_all_refused_gives_the_last_error() {
        let closed = || {
            let listener = std::net::TcpListener::bind(v4(1, 0)).unwrap();
            listener.local_addr().unwrap()
        };
        let (a, b) = (closed(), closed());
        let begun = Instant::now();
        let (address, error) = connect_any(&[a, b]).await.expect_err("nothing listens");
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
        assert!([a, b].contains(&address));
        assert!(begun.elapsed() < ATTEMPT_DELAY * 2, "{:?}", begun.elapsed());
    }
}
