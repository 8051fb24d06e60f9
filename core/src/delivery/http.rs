//! The core's reqwest transport: the default when the app supplies none.

use reqwest::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, ETAG, RETRY_AFTER};

use super::transport::{
    BoxFuture, UploadAnswer, UploadMethod, UploadRequest, UploadTransport, MAX_ANSWER_BODY,
};
use crate::probes::config::{ProbeConfigError, TrustRoots};
use crate::probes::run::error_chain;
use crate::probes::tls;

/// Uploads over reqwest: one client, kept for every attempt.
pub struct HttpUploadTransport {
    client: reqwest::Client,
}

impl HttpUploadTransport {
    /// A transport trusting `trust`'s certificate authorities.
    pub fn new(trust: &TrustRoots) -> Result<Self, ProbeConfigError> {
        // A redirect would send the bundle somewhere the app did not name:
        // reported (a 3xx is refused), not followed.
        let client = tls::http_client(tls::client_config(trust)?, |builder| builder)?;
        Ok(HttpUploadTransport { client })
    }

    async fn upload(&self, request: UploadRequest<'_>) -> UploadAnswer {
        // The queued copy is read whole: bundles are capped by the queue
        // (100 MiB by default) and a body that is a plain buffer is sent
        // with its exact Content-Length, never chunked. Read on a
        // blocking thread: the runtime's workers (in an app, the agent's)
        // never wait on the disk.
        let path = request.body_path.to_path_buf();
        let read = tokio::task::spawn_blocking(move || std::fs::read(&path)).await;
        let body = match read {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => {
                return UploadAnswer::ConnectionError {
                    reason: format!("{}: {e}", request.body_path.display()),
                }
            }
            Err(e) => {
                return UploadAnswer::ConnectionError {
                    reason: format!("{}: not read: {e}", request.body_path.display()),
                }
            }
        };
        let method = match request.method {
            UploadMethod::Put => reqwest::Method::PUT,
            UploadMethod::Post => reqwest::Method::POST,
        };
        let mut builder = self
            .client
            .request(method, request.url)
            .timeout(request.timeout)
            .header(CONTENT_TYPE, "application/zip")
            .header(CONTENT_LENGTH, body.len());
        for (name, value) in request.headers {
            // Checked when queued (Destination::validate); a header that
            // still cannot be sent is skipped rather than fail the upload.
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                builder = builder.header(name, value);
            }
        }
        let mut response = match builder.body(body).send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return UploadAnswer::Timeout,
            Err(e) => {
                return UploadAnswer::ConnectionError {
                    reason: error_chain(&e),
                }
            }
        };
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let status = response.status().as_u16();
        let etag = header(ETAG);
        let retry_after = header(RETRY_AFTER);
        let mut body = Vec::new();
        while body.len() < MAX_ANSWER_BODY {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                // A 2xx whose answer broke off is still the server's
                // acknowledgement of the whole body it read.
                Err(_) => break,
            }
        }
        body.truncate(MAX_ANSWER_BODY);
        UploadAnswer::Status {
            status,
            etag,
            retry_after,
            body,
        }
    }
}

impl UploadTransport for HttpUploadTransport {
    fn send<'a>(&'a self, request: UploadRequest<'a>) -> BoxFuture<'a, UploadAnswer> {
        Box::pin(self.upload(request))
    }
}
