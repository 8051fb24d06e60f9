//! What one upload attempt's answer means: delivered (with its
//! reference), worth another try, or hopeless until the app acts.
//!
//! Pure: the runner, a platform transport's adapter and the tests all
//! judge an answer here, the same way.

use std::time::{Duration, SystemTime};

use super::destination::Destination;
use super::transport::UploadAnswer;
use crate::accept::retry::parse_retry_after;

/// The longest reference kept: shown to the person and written to the
/// history.
pub const MAX_REFERENCE_CHARS: usize = 200;

/// What an answer means for the queued bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The server has the whole bundle: remove it from the queue.
    Delivered {
        /// The object key, or what the endpoint answered: printable, at
        /// most [`MAX_REFERENCE_CHARS`].
        reference: String,
    },
    /// A temporary failure: try again, after `retry_after` when the
    /// server said (429, 503), else after the backoff.
    Retry {
        /// The server's wait.
        retry_after: Option<Duration>,
        /// Why, for the queue's state.
        reason: String,
    },
    /// The pre-signed URL expired: the app must sign a new one.
    Expired,
    /// The server refused the upload itself (a 4xx, a redirect): sending
    /// it again would be refused again.
    Rejected {
        /// The status.
        status: u16,
        /// S3's error code or the start of the body, printable.
        reason: String,
    },
}

/// Judges one answer for `destination`, whose bundle has MD5 `md5_hex`.
///
/// PUT: a 2xx is delivered only when the `ETag`, if it is a plain MD5
/// (32 hex digits, quoted), matches the bundle's; a mismatch is retried
/// (the whole bundle is sent again and replaces the object). A 403 whose
/// body says `AccessDenied` with "expired", or any failure once the URL's
/// own expiry has passed, is `Expired`. POST: any 2xx is delivered, its
/// reference the body's first line (or the answer's `id`/`reference`
/// field when it is JSON).
pub fn judge(
    destination: &Destination,
    answer: &UploadAnswer,
    md5_hex: &str,
    now: SystemTime,
) -> Verdict {
    let now_ms = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let url_expired = destination.expires_at_ms().is_some_and(|end| end <= now_ms);
    let (status, etag, retry_after, body) = match answer {
        UploadAnswer::Status {
            status,
            etag,
            retry_after,
            body,
        } => (*status, etag, retry_after, body),
        UploadAnswer::Timeout if url_expired => return Verdict::Expired,
        UploadAnswer::ConnectionError { .. } if url_expired => return Verdict::Expired,
        UploadAnswer::Timeout => {
            return Verdict::Retry {
                retry_after: None,
                reason: "timed out".into(),
            }
        }
        UploadAnswer::ConnectionError { reason } => {
            return Verdict::Retry {
                retry_after: None,
                reason: format!("connection: {}", bounded(reason)),
            }
        }
    };
    if (200..300).contains(&status) {
        return match destination {
            Destination::Put { .. } => match etag.as_deref().and_then(plain_md5) {
                Some(etag) if !etag.eq_ignore_ascii_case(md5_hex) => Verdict::Retry {
                    retry_after: None,
                    reason: format!(
                        "stored object's ETag {etag} is not the bundle's MD5 {md5_hex}"
                    ),
                },
                _ => Verdict::Delivered {
                    reference: bounded(&destination.object_key().unwrap_or_default()),
                },
            },
            Destination::Post { .. } => Verdict::Delivered {
                reference: post_reference(body),
            },
        };
    }
    let text = String::from_utf8_lossy(body);
    let s3_code = xml_field(&text, "Code");
    if status == 403 && matches!(destination, Destination::Put { .. }) {
        let message = xml_field(&text, "Message").unwrap_or_default();
        let says_expired = s3_code.as_deref() == Some("AccessDenied")
            && message.to_ascii_lowercase().contains("expired");
        if says_expired || url_expired {
            return Verdict::Expired;
        }
    }
    let reason = match &s3_code {
        Some(code) => format!("HTTP {status} {}", bounded(code)),
        None => format!("HTTP {status}"),
    };
    match status {
        429 | 503 => Verdict::Retry {
            retry_after: retry_after
                .as_deref()
                .and_then(|v| parse_retry_after(v, now)),
            reason,
        },
        408 | 500..=599 => Verdict::Retry {
            retry_after: None,
            reason,
        },
        _ => Verdict::Rejected {
            status,
            reason: match s3_code {
                Some(code) => bounded(&code),
                None => bounded(text.lines().next().unwrap_or_default()),
            },
        },
    }
}

/// A quoted 32-hex-digit ETag's digits; `None` for a multipart or other
/// store's ETag, which is not the object's MD5.
fn plain_md5(etag: &str) -> Option<&str> {
    let inner = etag.trim().trim_start_matches("W/").trim_matches('"');
    (inner.len() == 32 && inner.bytes().all(|b| b.is_ascii_hexdigit())).then_some(inner)
}

/// A POST's reference: a JSON answer's `id` or `reference` (a rageshake
/// server answers `{}`; others an incident id), else the body's first line.
fn post_reference(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        for field in ["reference", "id", "report_url", "key"] {
            match json.get(field) {
                Some(serde_json::Value::String(s)) => return bounded(s),
                Some(serde_json::Value::Number(n)) => return bounded(&n.to_string()),
                _ => {}
            }
        }
        return String::new();
    }
    bounded(
        String::from_utf8_lossy(body)
            .lines()
            .next()
            .unwrap_or_default()
            .trim(),
    )
}

/// The text of the first `<Name>…</Name>` in S3's XML error.
fn xml_field(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find("</")? + start;
    Some(xml[start..end].trim().to_string())
}

/// Outside text made printable and cut to [`MAX_REFERENCE_CHARS`].
fn bounded(text: &str) -> String {
    // Escaped first, then cut: the bound holds for what is shown.
    crate::printable::printable(text)
        .chars()
        .take(MAX_REFERENCE_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD5: &str = "9e107d9d372bb6826bd81d3542a419d6";

    fn put() -> Destination {
        Destination::Put {
            url: "https://s3.example.com/bucket/reports/b1.zip?X-Amz-Date=20300101T000000Z&X-Amz-Expires=3600".into(),
        }
    }
    fn post() -> Destination {
        Destination::Post {
            url: "https://api.example.com/logs".into(),
            headers: vec![],
        }
    }
    fn status(
        status: u16,
        etag: Option<&str>,
        retry_after: Option<&str>,
        body: &str,
    ) -> UploadAnswer {
        UploadAnswer::Status {
            status,
            etag: etag.map(str::to_string),
            retry_after: retry_after.map(str::to_string),
            body: body.as_bytes().to_vec(),
        }
    }
    fn at(ms: i64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(ms as u64)
    }
    const NOW: i64 = 1_800_000_000_000; // 2027, before the URL's 2030 expiry

    #[test]
    fn a_put_is_delivered_only_with_a_matching_etag() {
        let ok = judge(
            &put(),
            &status(200, Some(&format!("\"{MD5}\"")), None, ""),
            MD5,
            at(NOW),
        );
        assert_eq!(
            ok,
            Verdict::Delivered {
                reference: "bucket/reports/b1.zip".into()
            }
        );
        // A multipart-style ETag is not an MD5: the 2xx is trusted.
        let multi = judge(
            &put(),
            &status(200, Some("\"abc-2\""), None, ""),
            MD5,
            at(NOW),
        );
        assert!(matches!(multi, Verdict::Delivered { .. }));
        let wrong = judge(
            &put(),
            &status(200, Some("\"00000000000000000000000000000000\""), None, ""),
            MD5,
            at(NOW),
        );
        assert!(matches!(wrong, Verdict::Retry { .. }), "{wrong:?}");
    }

    #[test]
    fn an_expired_url_is_reported_not_retried() {
        let body = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        assert_eq!(
            judge(&put(), &status(403, None, None, body), MD5, at(NOW)),
            Verdict::Expired
        );
        // Another 403 (a bad signature) is refused, not expired.
        let sig = "<Error><Code>SignatureDoesNotMatch</Code></Error>";
        assert_eq!(
            judge(&put(), &status(403, None, None, sig), MD5, at(NOW)),
            Verdict::Rejected {
                status: 403,
                reason: "SignatureDoesNotMatch".into()
            }
        );
        // Past the URL's own expiry, a failure is an expiry whatever it says.
        let late = at(1_900_000_000_000);
        assert_eq!(
            judge(&put(), &status(403, None, None, sig), MD5, late),
            Verdict::Expired
        );
        assert_eq!(
            judge(&put(), &UploadAnswer::Timeout, MD5, late),
            Verdict::Expired
        );
    }

    #[test]
    fn temporary_failures_are_retried_with_the_servers_wait() {
        for code in [429, 503] {
            let v = judge(&post(), &status(code, None, Some("7"), ""), MD5, at(NOW));
            assert!(
                matches!(v, Verdict::Retry { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
                "{v:?}"
            );
        }
        for code in [408, 500, 502] {
            let v = judge(&post(), &status(code, None, Some("7"), ""), MD5, at(NOW));
            assert!(
                matches!(
                    v,
                    Verdict::Retry {
                        retry_after: None,
                        ..
                    }
                ),
                "{v:?}"
            );
        }
        let v = judge(
            &post(),
            &UploadAnswer::ConnectionError {
                reason: "reset".into(),
            },
            MD5,
            at(NOW),
        );
        assert!(matches!(v, Verdict::Retry { .. }));
        let v = judge(
            &post(),
            &status(400, None, None, "bad report\nmore"),
            MD5,
            at(NOW),
        );
        assert_eq!(
            v,
            Verdict::Rejected {
                status: 400,
                reason: "bad report".into()
            }
        );
    }

    #[test]
    fn a_posts_reference_is_bounded_and_printable() {
        let v = judge(
            &post(),
            &status(201, None, None, "{\"id\":\"INC-42\"}"),
            MD5,
            at(NOW),
        );
        assert_eq!(
            v,
            Verdict::Delivered {
                reference: "INC-42".into()
            }
        );
        let long = format!("ref\u{1b}[31m{}", "x".repeat(1000));
        let Verdict::Delivered { reference } =
            judge(&post(), &status(200, None, None, &long), MD5, at(NOW))
        else {
            panic!("not delivered")
        };
        assert!(
            reference.chars().count() <= MAX_REFERENCE_CHARS,
            "{reference}"
        );
        assert!(!reference.contains('\u{1b}'));
    }
}
