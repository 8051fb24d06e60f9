//! Real servers on loopback (127.0.0.1 and ::1 only) for the network
//! probes: HTTPS with a certificate authority generated for the test, and
//! servers that misbehave in each way a phone's network does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// A certificate authority made for one test: its PEM goes into the
/// probe's trust roots; the servers' certificates are signed by it.
pub struct TestCa {
    /// The CA's certificate, for the probe's extra trust roots.
    pub pem: String,
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl TestCa {
    /// A fresh CA whose common name is `name`; its key lives only in this value.
    pub fn new(name: &str) -> Self {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).expect("self-signed CA");
        TestCa {
            pem: cert.pem(),
            cert,
            key,
        }
    }

    /// A server configuration whose certificate names `names` (host names
    /// or IP addresses).
    pub fn server_config(&self, names: &[&str]) -> Arc<rustls::ServerConfig> {
        let key = KeyPair::generate().expect("key");
        let params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .expect("params");
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("signed by the CA");
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate");
        Arc::new(config)
    }
}

/// What a server does with each connection.
#[derive(Clone)]
pub enum Behaviour {
    /// Answers every request with this.
    Answer(Answer),
    /// Accepts, then never sends a byte (and never closes).
    Silent,
    /// Accepts, then resets the connection (RST, not a clean close).
    Reset,
}

/// One HTTP answer.
#[derive(Clone)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// Headers besides `Date`, `Content-Length` and `Connection`, in order.
    pub headers: Vec<(String, String)>,
    /// The body, sent whole.
    pub body: String,
    /// Added to the server's clock in its `Date` header.
    pub date_offset: Duration,
    /// Subtract [`Answer::date_offset`] instead of adding it: a server whose clock is behind.
    pub date_behind: bool,
    /// Waited before answering: a server far away, or a slow one.
    pub delay: Duration,
}

impl Answer {
    /// An answer with `status`, no body, the real time and no delay.
    pub fn status(status: u16) -> Self {
        Answer {
            status,
            headers: Vec::new(),
            body: String::new(),
            date_offset: Duration::ZERO,
            date_behind: false,
            delay: Duration::ZERO,
        }
    }

    /// The answer with this body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_string();
        self
    }

    /// The answer with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The `Date` header this far ahead of (or behind) the real time.
    pub fn date_ahead(mut self, by: Duration) -> Self {
        self.date_offset = by;
        self
    }

    /// The `Date` header this far behind the real time.
    pub fn date_behind(mut self, by: Duration) -> Self {
        self.date_offset = by;
        self.date_behind = true;
        self
    }

    /// The answer waits this long before it is sent.
    pub fn delay(mut self, by: Duration) -> Self {
        self.delay = by;
        self
    }

    /// The answer as bytes on the wire (`Connection: close`: one request per connection).
    pub fn render(&self) -> Vec<u8> {
        let now = SystemTime::now();
        let date = if self.date_behind {
            now - self.date_offset
        } else {
            now + self.date_offset
        };
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            httpdate::fmt_http_date(date),
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(self.body.as_bytes());
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        409 => "Conflict",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A running server; stopped when dropped.
pub struct Server {
    /// The address the server listens on: the port is the system's choice.
    pub addr: SocketAddr,
    task: JoinHandle<()>,
    /// Connections the server has accepted so far.
    accepted: Arc<std::sync::atomic::AtomicUsize>,
    /// Connections a silent server saw closed by the client.
    closed_by_client: Arc<std::sync::atomic::AtomicUsize>,
}

impl Server {
    /// `https://localhost:PORT/path` for servers on 127.0.0.1, with the IP
    /// in brackets for ::1.
    pub fn url(&self, scheme: &str, host: &str, path: &str) -> String {
        format!("{scheme}://{host}:{}{path}", self.addr.port())
    }

    /// Connections accepted so far, to prove a probe connected (or did not).
    pub fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Connections a silent server saw the client close, to prove a probe gave up instead of hanging on.
    pub fn closed_by_client(&self) -> usize {
        self.closed_by_client
            .load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// IPv4's loopback, where every test server listens unless a test asks for IPv6.
pub const V4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// IPv6's loopback, for the tests that need it (see [`ipv6_available`]).
pub const V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);

/// Whether this machine can listen on ::1 (some containers have no IPv6).
pub fn ipv6_available() -> bool {
    std::net::TcpListener::bind((V6, 0)).is_ok()
}

/// Starts a server on `ip` (an ephemeral port), TLS when `tls` is given.
pub async fn serve(
    ip: IpAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
    behaviour: Behaviour,
) -> Server {
    let listener = TcpListener::bind((ip, 0)).await.expect("bind on loopback");
    let addr = listener.local_addr().expect("address");
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let closed_by_client = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (count, closed) = (accepted.clone(), closed_by_client.clone());
    let acceptor = tls.map(TlsAcceptor::from);
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let (acceptor, behaviour, closed) =
                (acceptor.clone(), behaviour.clone(), closed.clone());
            tokio::spawn(async move {
                handle(stream, acceptor, behaviour, closed).await;
            });
        }
    });
    Server {
        addr,
        task,
        accepted,
        closed_by_client,
    }
}

async fn handle(
    stream: TcpStream,
    acceptor: Option<TlsAcceptor>,
    behaviour: Behaviour,
    closed: Arc<std::sync::atomic::AtomicUsize>,
) {
    match behaviour {
        Behaviour::Silent => {
            // Hold the connection without a byte; note when the client
            // gives up on it (read returns 0 or fails).
            let mut stream = stream;
            let mut buffer = [0u8; 4096];
            loop {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => {
                        closed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        return;
                    }
                    Ok(_) => continue,
                }
            }
        }
        Behaviour::Reset => {
            let socket = socket2::SockRef::from(&stream);
            let _ = socket.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
        Behaviour::Answer(answer) => match acceptor {
            Some(acceptor) => {
                if let Ok(tls) = acceptor.accept(stream).await {
                    respond(tls, &answer).await;
                }
            }
            None => respond(stream, &answer).await,
        },
    }
}

async fn respond<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, answer: &Answer) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
        if request.len() > 64 * 1024 {
            return;
        }
    }
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let _ = stream.write_all(&answer.render()).await;
    let _ = stream.shutdown().await;
}

/// A loopback port where nothing listens (bound, then released).
pub fn closed_port(ip: IpAddr) -> u16 {
    let listener = std::net::TcpListener::bind((ip, 0)).expect("bind");
    listener.local_addr().expect("address").port()
}
