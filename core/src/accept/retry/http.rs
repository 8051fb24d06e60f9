//! The reqwest transport, for an app that gives the endpoint: a JSON POST
//! with the app's body and headers, and the tap's `Idempotency-Key`.

use std::time::SystemTime;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use url::Url;

use super::classify::parse_retry_after;
use super::transport::{AcceptTransport, AttemptRequest, BoxFuture, TransportAnswer};
use crate::accept::event::{AttemptOutcome, ConnectionErrorKind};
use crate::model::probe_report::FailureKind;
use crate::probes::config::{parse_url, ProbeConfigError, TrustRoots};
use crate::probes::{run::classify_reqwest, tls};

/// The header that carries the tap's key.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// How much of an error answer is read for the service's code.
const MAX_ERROR_BODY: usize = 16 * 1024;
/// How much of a success answer is read: it is read to its end to know
/// the answer came whole, but never past this.
const MAX_BODY: usize = 64 * 1024;
/// The longest server code kept (it goes into the history).
const MAX_CODE_CHARS: usize = 100;

/// Where and what to POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpEndpoint {
    /// The Accept endpoint: `https`, or plain `http` on loopback only.
    pub url: String,
    /// The JSON body, as the service expects it (it names the request and
    /// the decision the service's own way).
    pub body: String,
    /// More headers (an `Authorization`, say): never `Idempotency-Key`,
    /// which the helper sets.
    pub headers: Vec<(String, String)>,
    /// Which certificate authorities are trusted.
    pub trust: TrustRoots,
}

/// An endpoint the transport cannot use, naming what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum HttpTransportError {
    /// The URL or the trust roots are unusable.
    #[error(transparent)]
    Config(#[from] ProbeConfigError),
    /// The body is not JSON.
    #[error("body is not JSON: {reason}")]
    BadBody {
        /// The parser's words.
        reason: String,
    },
    /// A header's name or value cannot be sent.
    #[error("header `{name}`: {reason}")]
    BadHeader {
        /// The header, as given.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

/// A transport over reqwest: one client, kept for every tap.
pub struct HttpTransport {
    client: reqwest::Client,
    url: Url,
    body: String,
    headers: HeaderMap,
}

impl HttpTransport {
    /// Checks the endpoint and builds the client. Sends nothing.
    pub fn new(endpoint: HttpEndpoint) -> Result<Self, HttpTransportError> {
        let url = parse_url("Accept endpoint", &endpoint.url, false)?;
        serde_json::from_str::<serde_json::Value>(&endpoint.body).map_err(|e| {
            HttpTransportError::BadBody {
                reason: e.to_string(),
            }
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in &endpoint.headers {
            let bad = |reason: String| HttpTransportError::BadHeader {
                name: name.clone(),
                reason,
            };
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|e| bad(e.to_string()))?;
            if header.as_str().eq_ignore_ascii_case(IDEMPOTENCY_KEY_HEADER) {
                return Err(bad("set by the retry helper, one per tap".into()));
            }
            let value = HeaderValue::from_str(value).map_err(|e| bad(e.to_string()))?;
            headers.insert(header, value);
        }
        // A redirect of an approval is the endpoint being wrong: reported,
        // not followed.
        let client = tls::http_client(tls::client_config(&endpoint.trust)?, |builder| builder)?;
        Ok(HttpTransport {
            client,
            url,
            body: endpoint.body,
            headers,
        })
    }

    async fn post(&self, request: AttemptRequest<'_>) -> TransportAnswer {
        let sent = self
            .client
            .post(self.url.clone())
            .headers(self.headers.clone())
            .header(IDEMPOTENCY_KEY_HEADER, request.idempotency_key)
            .timeout(request.timeout)
            .body(self.body.clone())
            .send()
            .await;
        let mut response = match sent {
            Ok(response) => response,
            Err(e) => return TransportAnswer::of(failed(&e)),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let limit = if status.is_success() {
            MAX_BODY
        } else {
            MAX_ERROR_BODY
        };
        let mut body = Vec::new();
        while body.len() < limit {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                // The answer broke off: whether the service applied it is
                // unknown, and the retry's key makes asking again safe.
                Err(e) if status.is_success() => {
                    return TransportAnswer {
                        outcome: failed(&e),
                        retry_after,
                    }
                }
                // An error status is known already; its code is lost.
                Err(_) => break,
            }
        }
        let outcome = if status.is_success() {
            AttemptOutcome::Success
        } else {
            AttemptOutcome::HttpError {
                status: status.as_u16(),
                server_code: server_code(&body),
            }
        };
        TransportAnswer {
            outcome,
            retry_after,
        }
    }
}

impl AcceptTransport for HttpTransport {
    fn send<'a>(&'a self, request: AttemptRequest<'a>) -> BoxFuture<'a, TransportAnswer> {
        Box::pin(self.post(request))
    }
}

/// A failed call as an outcome: a timeout, or a connection error of the
/// kind its cause tells.
fn failed(error: &reqwest::Error) -> AttemptOutcome {
    let kind = match classify_reqwest(error) {
        FailureKind::TimedOut => return AttemptOutcome::Timeout,
        FailureKind::Refused => ConnectionErrorKind::Refused,
        FailureKind::Reset | FailureKind::BadResponse => ConnectionErrorKind::Reset,
        FailureKind::NameNotResolved => ConnectionErrorKind::Dns,
        FailureKind::Unreachable => ConnectionErrorKind::Offline,
        FailureKind::CertificateNameMismatch
        | FailureKind::CertificateUntrusted
        | FailureKind::CertificateExpired
        | FailureKind::TlsHandshake => ConnectionErrorKind::Tls,
        FailureKind::Other if names_dns(error) => ConnectionErrorKind::Dns,
        FailureKind::Other => ConnectionErrorKind::Other,
    };
    AttemptOutcome::ConnectionError { kind }
}

/// The HTTP client words a failed lookup "dns error" somewhere in the chain.
fn names_dns(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause.to_string().contains("dns error") {
            return true;
        }
        source = cause.source();
    }
    false
}

/// The service's own error code: `{"error":{"code":…}}` or `{"code":…}`,
/// a string or a number.
fn server_code(body: &[u8]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = json
        .get("error")
        .and_then(|e| e.get("code"))
        .or_else(|| json.get("code"))?;
    let text = match code {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let text: String = text.chars().take(MAX_CODE_CHARS).collect();
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str) -> HttpEndpoint {
        HttpEndpoint {
            url: url.into(),
            body: r#"{"request":"r1","decision":"accept"}"#.into(),
            headers: vec![("Authorization".into(), "Bearer t".into())],
            trust: TrustRoots::default(),
        }
    }

    #[test]
    fn the_server_code_is_read_from_either_shape() {
        assert_eq!(
            server_code(br#"{"error":{"code":"already_answered","message":"x"}}"#).as_deref(),
            Some("already_answered")
        );
        assert_eq!(server_code(br#"{"code":4101}"#).as_deref(), Some("4101"));
        assert_eq!(server_code(br#"{"error":"flat"}"#), None);
        assert_eq!(server_code(b"<html>busy</html>"), None);
        assert_eq!(server_code(br#"{"code":""}"#), None);
        let long = format!(r#"{{"code":"{}"}}"#, "x".repeat(500));
        assert_eq!(server_code(long.as_bytes()).unwrap().len(), MAX_CODE_CHARS);
    }

    #[test]
    fn an_endpoint_is_checked_before_anything_is_sent() {
        assert!(HttpTransport::new(endpoint("https://mfa.example.com/approve")).is_ok());
        assert!(HttpTransport::new(endpoint("http://127.0.0.1:9/approve")).is_ok());
        let error = |e: HttpEndpoint| HttpTransport::new(e).err().unwrap().to_string();
        let plain = error(endpoint("http://mfa.example.com/approve"));
        assert!(
            plain.contains("Accept endpoint") && plain.contains("https"),
            "{plain}"
        );
        assert!(error(endpoint("not a url")).contains("Accept endpoint `not a url`"));
        let body = error(HttpEndpoint {
            body: "{request".into(),
            ..endpoint("https://mfa.example.com/")
        });
        assert!(body.starts_with("body is not JSON"), "{body}");
        let key = error(HttpEndpoint {
            headers: vec![("idempotency-key".into(), "mine".into())],
            ..endpoint("https://mfa.example.com/")
        });
        assert!(key.starts_with("header `idempotency-key`: set by"), "{key}");
        let value = error(HttpEndpoint {
            headers: vec![("X-Trace".into(), "a\nb".into())],
            ..endpoint("https://mfa.example.com/")
        });
        assert!(value.starts_with("header `X-Trace`"), "{value}");
    }
}
