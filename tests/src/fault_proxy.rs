//! A loopback TCP proxy that puts one fault on each connection, in the
//! order the test scripted them: an error status, a hang, a connection
//! dropped half-way through the body (the half forwarded to the server
//! first), or nothing. Every fault closes its connection, so the client's
//! next attempt comes on a new one and meets the next fault.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What happens to one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Forwarded both ways, untouched.
    Pass,
    /// The request is read whole and answered with this status (and
    /// `Retry-After`) by the proxy; the server never sees it.
    Status(u16, Option<String>),
    /// The request is read whole and never answered.
    Hang,
    /// The head and half the body go to the server, then both
    /// connections are closed.
    DropHalfway,
    /// The head and half the body go to the server, then nothing more
    /// moves until the client goes away (a process killed mid-upload).
    StallHalfway,
}

/// The proxy.
pub struct FaultProxy {
    /// Where it listens.
    pub addr: SocketAddr,
    script: Arc<Mutex<VecDeque<Fault>>>,
    connections: Arc<AtomicUsize>,
    stalled: Arc<AtomicUsize>,
}

impl FaultProxy {
    /// A proxy to `upstream` meeting connections with `script`, then
    /// passing every connection after it.
    pub fn start(upstream: SocketAddr, script: Vec<Fault>) -> Self {
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let connections = Arc::new(AtomicUsize::new(0));
        let stalled = Arc::new(AtomicUsize::new(0));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("its address");
        let (s, c, st) = (script.clone(), connections.clone(), stalled.clone());
        std::thread::Builder::new()
            .name("fault-proxy".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the proxy's runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("listener");
                    loop {
                        let Ok((client, _)) = listener.accept().await else {
                            continue;
                        };
                        c.fetch_add(1, Ordering::SeqCst);
                        let fault = s
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .pop_front()
                            .unwrap_or(Fault::Pass);
                        let stalled = st.clone();
                        tokio::spawn(async move {
                            let _ = serve(client, upstream, fault, stalled).await;
                        });
                    }
                })
            })
            .expect("the proxy's thread");
        FaultProxy {
            addr,
            script,
            connections,
            stalled,
        }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Connections stalled half-way so far.
    pub fn stalled(&self) -> usize {
        self.stalled.load(Ordering::SeqCst)
    }

    /// Faults not yet met.
    pub fn faults_left(&self) -> usize {
        self.script.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    fault: Fault,
    stalled: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    if fault == Fault::Pass {
        let mut server = TcpStream::connect(upstream).await?;
        tokio::io::copy_bidirectional(&mut client, &mut server).await?;
        return Ok(());
    }
    let (head, mut body) = read_head(&mut client).await?;
    let length = content_length(&head);
    let half = length / 2;
    match fault {
        Fault::Pass => unreachable!("handled above"),
        Fault::Status(status, retry_after) => {
            read_body(&mut client, &mut body, length).await?;
            let mut answer =
                format!("HTTP/1.1 {status} Fault\r\ncontent-length: 0\r\nconnection: close\r\n");
            if let Some(wait) = retry_after {
                answer.push_str(&format!("retry-after: {wait}\r\n"));
            }
            answer.push_str("\r\n");
            client.write_all(answer.as_bytes()).await?;
            client.shutdown().await?;
        }
        Fault::Hang => {
            read_body(&mut client, &mut body, length).await?;
            wait_for_close(&mut client).await;
        }
        Fault::DropHalfway | Fault::StallHalfway => {
            read_body(&mut client, &mut body, half).await?;
            let mut server = TcpStream::connect(upstream).await?;
            server.write_all(&head).await?;
            server.write_all(&body[..half.min(body.len())]).await?;
            server.flush().await?;
            if fault == Fault::StallHalfway {
                stalled.fetch_add(1, Ordering::SeqCst);
                wait_for_close(&mut client).await;
            }
            // Dropped: the server sees its body end short.
        }
    }
    Ok(())
}

/// Reads up to the end of the request's head; returns it and what came
/// after it.
async fn read_head(client: &mut TcpStream) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let body = data.split_off(end + 4);
            return Ok((data, body));
        }
        let n = client.read(&mut buffer).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buffer[..n]);
    }
}

async fn read_body(client: &mut TcpStream, body: &mut Vec<u8>, want: usize) -> std::io::Result<()> {
    let mut buffer = [0u8; 65536];
    while body.len() < want {
        let n = client.read(&mut buffer).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&buffer[..n]);
    }
    Ok(())
}

async fn wait_for_close(client: &mut TcpStream) {
    let mut buffer = [0u8; 4096];
    while let Ok(n) = client.read(&mut buffer).await {
        if n == 0 {
            break;
        }
    }
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}
