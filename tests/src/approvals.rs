//! A loopback MFA service for the retry helper's tests: plain HTTP/1.1 on
//! 127.0.0.1, answering each request by a script, recording every request
//! (when it came, its headers, its body), and applying an approval only
//! once per idempotency key, the way a service that honours the key does.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::loopback::{Answer, V4};

/// What the service does with one request.
#[derive(Clone)]
pub enum Step {
    /// Answers with this; a 2xx applies the approval (once per key).
    Answer(Answer),
    /// Reads the request and never answers (nor closes).
    Hang,
    /// Applies the approval, writes the first `bytes` bytes of `answer`,
    /// then resets the connection: the answer is lost mid-way.
    Cut {
        /// The answer begun.
        answer: Answer,
        /// How many of its bytes are sent.
        bytes: usize,
    },
}

impl Step {
    /// An answer with `status` and no body.
    pub fn status(status: u16) -> Step {
        Step::Answer(Answer::status(status))
    }

    /// A confirmation: 200 with a small JSON body.
    pub fn ok() -> Step {
        Step::Answer(Answer::status(200).body(r#"{"status":"approved"}"#))
    }
}

/// One request as the service saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// When its head was read.
    pub at: Instant,
    /// The request line's method.
    pub method: String,
    /// Its headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// Its body.
    pub body: String,
}

impl Seen {
    /// The `Idempotency-Key` header.
    pub fn key(&self) -> Option<&str> {
        self.headers.get("idempotency-key").map(String::as_str)
    }
}

#[derive(Default)]
struct Books {
    seen: Vec<Seen>,
    /// How often each key's approval was applied: never above 1.
    applied: HashMap<String, u32>,
    /// Approvals applied, over every key.
    applications: u32,
}

/// A running service; stopped when dropped.
pub struct ApprovalServer {
    /// Where it listens.
    pub addr: SocketAddr,
    books: Arc<Mutex<Books>>,
    task: JoinHandle<()>,
}

fn lock(books: &Mutex<Books>) -> MutexGuard<'_, Books> {
    books.lock().unwrap_or_else(|e| e.into_inner())
}

impl ApprovalServer {
    /// `http://127.0.0.1:PORT/approve`.
    pub fn url(&self) -> String {
        format!("http://{}/approve", self.addr)
    }

    /// Every request so far, in the order their heads were read.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.books).seen.clone()
    }

    /// Approvals applied so far (a repeated key is not applied again).
    pub fn applications(&self) -> u32 {
        lock(&self.books).applications
    }

    /// The keys whose approval was applied.
    pub fn applied_keys(&self) -> Vec<String> {
        lock(&self.books).applied.keys().cloned().collect()
    }
}

impl Drop for ApprovalServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the service: request `n` (from 0) gets `script[n]`, and every
/// request past the script its last step.
pub async fn serve_approvals(script: Vec<Step>) -> ApprovalServer {
    assert!(!script.is_empty(), "a script needs a step");
    let listener = TcpListener::bind((V4, 0)).await.expect("bind on loopback");
    let addr = listener.local_addr().expect("address");
    let books = Arc::new(Mutex::new(Books::default()));
    let shared = books.clone();
    let task = tokio::spawn(async move {
        let mut connections = Vec::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (books, script) = (shared.clone(), script.clone());
            // Held so that aborting the server ends its connections too.
            connections.push(AbortOnDrop(tokio::spawn(async move {
                serve_one(stream, &books, &script).await;
            })));
        }
    });
    ApprovalServer { addr, books, task }
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn serve_one(mut stream: TcpStream, books: &Mutex<Books>, script: &[Step]) {
    let Some(seen) = read_request(&mut stream).await else {
        return;
    };
    let key = seen.key().map(str::to_string);
    let step = {
        let mut books = lock(books);
        let index = books.seen.len().min(script.len() - 1);
        books.seen.push(seen);
        script[index].clone()
    };
    let apply = |books: &Mutex<Books>| {
        let mut books = lock(books);
        let key = key.clone().unwrap_or_default();
        let count = books.applied.entry(key).or_insert(0);
        if *count == 0 {
            *count = 1;
            books.applications += 1;
        }
    };
    match step {
        Step::Answer(answer) => {
            if (200..300).contains(&answer.status) {
                apply(books);
            }
            if !answer.delay.is_zero() {
                tokio::time::sleep(answer.delay).await;
            }
            let _ = stream.write_all(&answer.render()).await;
            let _ = stream.shutdown().await;
        }
        Step::Hang => {
            let mut buffer = [0u8; 1024];
            while let Ok(n) = stream.read(&mut buffer).await {
                if n == 0 {
                    return;
                }
            }
        }
        Step::Cut { answer, bytes } => {
            apply(books);
            let wire = answer.render();
            let _ = stream.write_all(&wire[..bytes.min(wire.len())]).await;
            let _ = stream.flush().await;
            // Let the bytes leave before the reset, so the client sees a
            // beginning and then the break, not only the break.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let socket = socket2::SockRef::from(&stream);
            let _ = socket.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    }
}

/// Reads one request: its head, then a `Content-Length` body.
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if bytes.len() > 64 * 1024 {
            return None;
        }
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
        }
    };
    let at = Instant::now();
    let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let method = lines.next()?.split(' ').next()?.to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = bytes[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&buffer[..n]),
        }
    }
    Some(Seen {
        at,
        method,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}
