//! A real HTTP server (hyper) for the delivery tests' POST: it keeps every
//! whole body it received with its headers, and answers each with a
//! reference, `{"id":"report-N"}`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// One report received whole.
#[derive(Debug, Clone)]
pub struct Received {
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The reference answered.
    pub reference: String,
}

/// The server.
pub struct PostServer {
    /// Where it listens.
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl PostServer {
    /// Starts it on loopback.
    pub fn start() -> Self {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("its address");
        let kept = received.clone();
        std::thread::Builder::new()
            .name("post-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the server's runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    loop {
                        let Ok((socket, _)) = listener.accept().await else {
                            continue;
                        };
                        let kept = kept.clone();
                        let service = hyper::service::service_fn(move |request| {
                            handle(request, kept.clone())
                        });
                        tokio::spawn(async move {
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(socket), service)
                                .await;
                        });
                    }
                })
            })
            .expect("the server's thread");
        PostServer { addr, received }
    }

    /// The endpoint's URL, through `via` (a fault proxy) when given.
    pub fn url(&self, via: Option<SocketAddr>) -> String {
        format!("http://{}/reports", via.unwrap_or(self.addr))
    }

    /// What it received whole, in order.
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

async fn handle(
    request: Request<Incoming>,
    kept: Arc<Mutex<Vec<Received>>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let headers = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    // A body cut off is an error here: nothing is kept, as a real
    // endpoint stores only a whole report.
    let Ok(body) = request.into_body().collect().await else {
        return Ok(Response::builder()
            .status(400)
            .body(Full::new(Bytes::from_static(b"incomplete body")))
            .expect("a response"));
    };
    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
    let reference = format!("report-{}", kept.len() + 1);
    kept.push(Received {
        headers,
        body: body.to_bytes().to_vec(),
        reference: reference.clone(),
    });
    Ok(Response::builder()
        .status(201)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(format!(
            "{{\"id\":\"{reference}\"}}"
        ))))
        .expect("a response"))
}
