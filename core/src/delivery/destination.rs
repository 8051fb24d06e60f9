//! Where a bundle goes: a pre-signed `PUT` URL of an S3-compatible store,
//! or a `POST` to the app's own endpoint with the app's headers.
//!
//! Checked before anything is queued: `https` only, plain `http` to a
//! loopback address only (a test server, a debugging proxy on the phone);
//! header names and values that can be sent as they are.

use serde::{Deserialize, Serialize};

use crate::model::time::days_from_civil;

/// The longest URL accepted: S3's pre-signed URLs are well under this.
const MAX_URL_BYTES: usize = 8 * 1024;
/// The most headers a POST may carry, and the longest value.
const MAX_HEADERS: usize = 32;
const MAX_HEADER_VALUE_BYTES: usize = 4 * 1024;
/// Headers the transport sets itself: the app's value would contradict
/// the body actually sent.
const RESERVED_HEADERS: [&str; 5] = [
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
    "expect",
];

/// Where a bundle is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Destination {
    /// A pre-signed `PUT` URL (S3 SigV4 query authentication, or any
    /// store that takes a plain PUT of the bytes). The store's `ETag` is
    /// checked against the bundle's MD5 when it is a plain MD5.
    Put {
        /// The pre-signed URL, as the app's backend signed it.
        url: String,
    },
    /// A `POST` of the bundle (`application/zip`) to the app's endpoint.
    Post {
        /// The endpoint.
        url: String,
        /// The app's headers (an `Authorization`, say), in order.
        headers: Vec<(String, String)>,
    },
}

/// A destination that cannot be used, naming what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    /// The URL is not one the uploader may send to.
    #[error("URL `{url}`: {reason}")]
    BadUrl {
        /// The URL, shortened and escaped for printing.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A header's name or value cannot be sent.
    #[error("header `{name}`: {reason}")]
    BadHeader {
        /// The header's name, shortened and escaped for printing.
        name: String,
        /// What is wrong.
        reason: String,
    },
}

/// The parts of a URL the uploader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// `https` or `http`, lower case.
    pub scheme: String,
    /// The host (without brackets for IPv6), lower case.
    pub host: String,
    /// The path, from its `/` (empty when the URL has none).
    pub path: &'a str,
    /// The query, without its `?`.
    pub query: &'a str,
}

impl Destination {
    /// The URL sent to.
    pub fn url(&self) -> &str {
        match self {
            Destination::Put { url } | Destination::Post { url, .. } => url,
        }
    }

    /// `put` or `post`, as the history and the CLI name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Destination::Put { .. } => "put",
            Destination::Post { .. } => "post",
        }
    }

    /// Checks everything that can be checked before sending.
    pub fn validate(&self) -> Result<(), DestinationError> {
        let parts = split_url(self.url())?;
        if let Destination::Put { .. } = self {
            presigned_expiry_ms(parts.query)?;
        }
        if let Destination::Post { headers, .. } = self {
            if headers.len() > MAX_HEADERS {
                return Err(DestinationError::BadHeader {
                    name: format!("({} headers)", headers.len()),
                    reason: format!("more than {MAX_HEADERS}"),
                });
            }
            for (name, value) in headers {
                check_header(name, value)?;
            }
        }
        Ok(())
    }

    /// When a pre-signed URL stops working (its `X-Amz-Date` plus
    /// `X-Amz-Expires`), in milliseconds since the epoch; `None` for a POST
    /// or a URL that does not say.
    pub fn expires_at_ms(&self) -> Option<i64> {
        match self {
            Destination::Put { url } => split_url(url)
                .ok()
                .and_then(|p| presigned_expiry_ms(p.query).ok().flatten()),
            Destination::Post { .. } => None,
        }
    }

    /// The object's key in a PUT URL (its path, without the leading `/`),
    /// or `None` for a POST: the upload's reference when the store
    /// answers nothing better.
    pub fn object_key(&self) -> Option<String> {
        match self {
            Destination::Put { url } => {
                let parts = split_url(url).ok()?;
                let key = parts.path.trim_start_matches('/');
                (!key.is_empty()).then(|| key.to_string())
            }
            Destination::Post { .. } => None,
        }
    }
}

/// Splits a URL into what the uploader checks: scheme, host, path and
/// query. Refuses anything but `https`, and `http` to a loopback host.
pub fn split_url(url: &str) -> Result<UrlParts<'_>, DestinationError> {
    let bad = |reason: &str| DestinationError::BadUrl {
        url: shorten(url),
        reason: reason.to_string(),
    };
    if url.len() > MAX_URL_BYTES {
        return Err(bad(&format!("longer than {MAX_URL_BYTES} bytes")));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("contains spaces or control characters"));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("not an absolute URL (no `scheme://`)"))?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = rest.split('#').next().unwrap_or_default();
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(bad("carries a user name or password; use a header"));
    }
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed
            .split_once(']')
            .map(|(h, _)| h)
            .ok_or_else(|| bad("unclosed `[` in the host"))?
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    let host = host.to_ascii_lowercase();
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, query),
        None => (tail, ""),
    };
    match scheme.as_str() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(bad(
                "plain http is only for loopback; the bundle must travel over https",
            ))
        }
        _ => return Err(bad("not https")),
    }
    Ok(UrlParts {
        scheme,
        host,
        path,
        query,
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Reads `X-Amz-Date` (`20130524T000000Z`) and `X-Amz-Expires` (seconds)
/// from a pre-signed URL's query: when the URL stops working. `None` when
/// the URL has neither; an error when one is there and unreadable.
pub fn presigned_expiry_ms(query: &str) -> Result<Option<i64>, DestinationError> {
    let mut date = None;
    let mut expires = None;
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.eq_ignore_ascii_case("X-Amz-Date") {
            date = Some(value);
        } else if name.eq_ignore_ascii_case("X-Amz-Expires") {
            expires = Some(value);
        }
    }
    let bad = |reason: String| DestinationError::BadUrl {
        url: shorten(query),
        reason,
    };
    match (date, expires) {
        (None, None) => Ok(None),
        (Some(date), Some(expires)) => {
            let signed = amz_date_ms(date).ok_or_else(|| {
                bad(format!(
                    "X-Amz-Date `{}` is not YYYYMMDDTHHMMSSZ",
                    shorten(date)
                ))
            })?;
            let seconds: i64 = expires
                .parse()
                .ok()
                .filter(|s| (0..=7 * 24 * 3600).contains(s))
                .ok_or_else(|| {
                    bad(format!(
                        "X-Amz-Expires `{}` is not seconds from 0 to 604800",
                        shorten(expires)
                    ))
                })?;
            Ok(Some(signed + seconds * 1000))
        }
        (Some(_), None) => Err(bad("X-Amz-Date without X-Amz-Expires".into())),
        (None, Some(_)) => Err(bad("X-Amz-Expires without X-Amz-Date".into())),
    }
}

/// `20130524T000000Z` as milliseconds since the epoch.
fn amz_date_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, mo, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (h, mi, s) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 24 + h) * 60 + mi) * 60_000 + s * 1000)
}

fn check_header(name: &str, value: &str) -> Result<(), DestinationError> {
    let bad = |reason: &str| DestinationError::BadHeader {
        name: shorten(name),
        reason: reason.to_string(),
    };
    // RFC 9110's token characters.
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Err(bad(
            "not a header name (letters, digits and !#$%&'*+-.^_`|~)",
        ));
    }
    if RESERVED_HEADERS
        .iter()
        .any(|r| name.eq_ignore_ascii_case(r))
    {
        return Err(bad("set by the uploader from the bundle itself"));
    }
    if value.len() > MAX_HEADER_VALUE_BYTES {
        return Err(bad(&format!(
            "value longer than {MAX_HEADER_VALUE_BYTES} bytes"
        )));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(bad("value contains a line break or a control character"));
    }
    Ok(())
}

/// At most 120 characters of outside text, escaped, for an error message.
/// (A pre-signed URL's signature is not secret once expired, but a long
/// one buries the message.)
fn shorten(text: &str) -> String {
    let cut: String = text.chars().take(120).collect();
    let mut out = crate::printable::printable(&cut).into_owned();
    if cut.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(url: &str) -> Destination {
        Destination::Put { url: url.into() }
    }

    #[test]
    fn only_https_or_loopback_http() {
        assert!(put("https://bucket.s3.amazonaws.com/k.zip")
            .validate()
            .is_ok());
        assert!(put("http://127.0.0.1:9000/b/k.zip").validate().is_ok());
        assert!(put("http://[::1]:9000/b/k.zip").validate().is_ok());
        assert!(put("http://localhost/b/k").validate().is_ok());
        for (url, words) in [
            ("http://example.com/k", "only for loopback"),
            ("ftp://example.com/k", "not https"),
            ("example.com/k", "not an absolute URL"),
            ("https:///k", "no host"),
            ("https://user:pw@example.com/k", "user name"),
            ("https://exa mple.com/", "spaces"),
            ("https://[::1/k", "unclosed"),
        ] {
            let e = put(url).validate().unwrap_err().to_string();
            assert!(e.contains(words), "{url}: {e}");
        }
    }

    #[test]
    fn a_presigned_url_says_when_it_expires() {
        // AWS's documented example: signed 2013-05-24T00:00:00Z for a day.
        let url = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=x";
        assert_eq!(
            put(url).expires_at_ms(),
            Some(1_369_353_600_000 + 86_400_000)
        );
        assert_eq!(put(url).object_key().as_deref(), Some("test.txt"));
        assert_eq!(put("https://h/k").expires_at_ms(), None);
        for (query, words) in [
            ("X-Amz-Date=2013&X-Amz-Expires=1", "X-Amz-Date `2013`"),
            (
                "X-Amz-Date=20130524T000000Z&X-Amz-Expires=-1",
                "X-Amz-Expires `-1`",
            ),
            ("X-Amz-Date=20131324T000000Z&X-Amz-Expires=1", "X-Amz-Date"),
            ("X-Amz-Expires=1", "without X-Amz-Date"),
        ] {
            let e = put(&format!("https://h/k?{query}"))
                .validate()
                .unwrap_err()
                .to_string();
            assert!(e.contains(words), "{query}: {e}");
        }
    }

    #[test]
    fn headers_are_checked() {
        let post = |name: &str, value: &str| Destination::Post {
            url: "https://h/report".into(),
            headers: vec![(name.into(), value.into())],
        };
        assert!(post("Authorization", "Bearer t").validate().is_ok());
        for (name, value, words) in [
            ("Bad Name", "v", "not a header name"),
            ("", "v", "not a header name"),
            ("Content-Length", "1", "set by the uploader"),
            ("X-A", "a\r\nInjected: 1", "line break"),
        ] {
            let e = post(name, value).validate().unwrap_err().to_string();
            assert!(e.contains(words), "{name}: {e}");
        }
    }
}
