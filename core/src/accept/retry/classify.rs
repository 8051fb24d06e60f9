//! What one attempt's outcome means for the tap: done, worth another
//! try, or hopeless; and the server's `Retry-After`.

use std::time::{Duration, SystemTime};

use crate::accept::event::AttemptOutcome;

/// Why the answer cannot succeed however often it is sent: the person
/// should get a fresh push (a new login request) instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResendReason {
    /// The request was already answered (HTTP 409, or a server code
    /// saying so): from another device, or by an earlier call whose
    /// answer was lost.
    AlreadyAnswered,
    /// The request expired (HTTP 410, or a server code saying so).
    Expired,
    /// The service refused the call itself (another 4xx: 400, 401, 403,
    /// 404…); sending it again would be refused again.
    Rejected {
        /// The HTTP status.
        status: u16,
    },
}

/// Why the helper stopped trying while the failure may be temporary: the
/// person is asked to share the app's logs with the developer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareLogsReason {
    /// Every attempt the policy allows failed.
    AttemptsExhausted,
    /// The next retry would end past the policy's total cap.
    CapReached,
    /// The server asked to wait (`Retry-After`) longer than the cap leaves.
    RetryAfterBeyondCap {
        /// What the server asked for, in milliseconds.
        retry_after_ms: u64,
    },
    /// The service answered with a status no retry helps and no new push
    /// explains (a redirect, a 1xx): the endpoint or the app is wrong.
    UnexpectedStatus {
        /// The HTTP status.
        status: u16,
    },
}

/// What an attempt's outcome means for the tap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The service confirmed the answer.
    Succeeded,
    /// A temporary failure: try again, after the server's `Retry-After`
    /// when it gave one on a 429 or a 503, else after the backoff.
    Retry {
        /// The wait the server asked for (honoured on 429 and 503 only).
        retry_after: Option<Duration>,
    },
    /// Never retried: a new push is needed.
    ResendPush(ResendReason),
    /// Never retried: the developer needs the logs.
    ShareLogs(ShareLogsReason),
}

/// Server error codes (normalised: lower case, `-` and spaces as `_`)
/// that say the request was already answered, whatever the status.
const ANSWERED_WORDS: [&str; 3] = ["already_answered", "already_responded", "already_approved"];

/// Whether a server code says "already answered" or "expired".
fn code_meaning(code: &str) -> Option<ResendReason> {
    let code: String = code
        .trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if ANSWERED_WORDS.iter().any(|w| code.contains(w)) || code.contains("already_denied") {
        return Some(ResendReason::AlreadyAnswered);
    }
    if code.contains("expired") {
        return Some(ResendReason::Expired);
    }
    None
}

/// Classifies one outcome, with the `Retry-After` the answer carried.
///
/// Retried: a timeout, a connection error, 408, 429 and every 5xx.
/// Never retried: a server code meaning "already answered" or "expired"
/// (under any status), 409, 410, and the other 4xx (a new push is
/// needed); a status below 400 that is not a success (the endpoint is
/// wrong: share the logs).
pub fn classify(outcome: &AttemptOutcome, retry_after: Option<Duration>) -> Verdict {
    let (status, server_code) = match outcome {
        AttemptOutcome::Success => return Verdict::Succeeded,
        AttemptOutcome::Timeout | AttemptOutcome::ConnectionError { .. } => {
            return Verdict::Retry { retry_after: None }
        }
        AttemptOutcome::HttpError {
            status,
            server_code,
        } => (*status, server_code.as_deref()),
    };
    if let Some(reason) = server_code.and_then(code_meaning) {
        return Verdict::ResendPush(reason);
    }
    match status {
        409 => Verdict::ResendPush(ResendReason::AlreadyAnswered),
        410 => Verdict::ResendPush(ResendReason::Expired),
        429 | 503 => Verdict::Retry { retry_after },
        408 | 500..=599 => Verdict::Retry { retry_after: None },
        400..=499 => Verdict::ResendPush(ResendReason::Rejected { status }),
        _ => Verdict::ShareLogs(ShareLogsReason::UnexpectedStatus { status }),
    }
}

/// Reads a `Retry-After` header: whole seconds (`120`), or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`) taken against `now`; a date in the
/// past means "now". Anything else is `None` (and the backoff decides).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than any real wait: the longest wait there is (the
        // cap refuses it).
        return Some(
            value
                .parse::<u64>()
                .map(Duration::from_secs)
                .unwrap_or(Duration::MAX),
        );
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accept::event::ConnectionErrorKind;

    fn http(status: u16) -> AttemptOutcome {
        AttemptOutcome::HttpError {
            status,
            server_code: None,
        }
    }

    fn coded(status: u16, code: &str) -> AttemptOutcome {
        AttemptOutcome::HttpError {
            status,
            server_code: Some(code.into()),
        }
    }

    const WAIT: Option<Duration> = Some(Duration::from_secs(2));

    #[test]
    fn temporary_failures_are_retried() {
        for outcome in [
            AttemptOutcome::Timeout,
            AttemptOutcome::ConnectionError {
                kind: ConnectionErrorKind::Reset,
            },
            AttemptOutcome::ConnectionError {
                kind: ConnectionErrorKind::Offline,
            },
            http(408),
            http(500),
            http(502),
            http(504),
            http(599),
        ] {
            // A Retry-After on anything but 429 and 503 is not honoured.
            assert_eq!(
                classify(&outcome, WAIT),
                Verdict::Retry { retry_after: None },
                "{outcome:?}"
            );
        }
        for status in [429, 503] {
            assert_eq!(
                classify(&http(status), WAIT),
                Verdict::Retry { retry_after: WAIT }
            );
            assert_eq!(
                classify(&http(status), None),
                Verdict::Retry { retry_after: None }
            );
        }
    }

    #[test]
    fn answers_that_cannot_succeed_are_not_retried() {
        use ResendReason::*;
        assert_eq!(
            classify(&http(409), None),
            Verdict::ResendPush(AlreadyAnswered)
        );
        assert_eq!(classify(&http(410), None), Verdict::ResendPush(Expired));
        for status in [400, 401, 403, 404, 422] {
            assert_eq!(
                classify(&http(status), WAIT),
                Verdict::ResendPush(Rejected { status })
            );
        }
        // The server's own code wins over a status that would be retried.
        assert_eq!(
            classify(&coded(503, "REQUEST_EXPIRED"), WAIT),
            Verdict::ResendPush(Expired)
        );
        assert_eq!(
            classify(&coded(400, "already-answered"), None),
            Verdict::ResendPush(AlreadyAnswered)
        );
        assert_eq!(
            classify(&coded(500, "Already Approved"), None),
            Verdict::ResendPush(AlreadyAnswered)
        );
        // A code that means something else changes nothing.
        assert_eq!(
            classify(&coded(503, "maintenance"), None),
            Verdict::Retry { retry_after: None }
        );
        assert_eq!(classify(&AttemptOutcome::Success, WAIT), Verdict::Succeeded);
    }

    #[test]
    fn a_status_below_400_is_for_the_developer() {
        for status in [100, 301, 302, 304] {
            assert_eq!(
                classify(&http(status), None),
                Verdict::ShareLogs(ShareLogsReason::UnexpectedStatus { status })
            );
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date already past: retry now.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::MAX)
        );
        for junk in ["", "-1", "1.5", "soon", "1 s"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk:?}");
        }
    }
}
