//! The seam to the platform's HTTP stack: one upload attempt, however the
//! app makes it (iOS background `URLSession`, Android `WorkManager`), or
//! the core's reqwest transport (feature `probes`).
//!
//! The transport sends the whole file in one request and reports what came
//! back; it never retries and never decides: the queue's runner does
//! ([`super::verdict`]).

use std::path::Path;
use std::time::Duration;

pub use crate::accept::retry::BoxFuture;

/// The HTTP method of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadMethod {
    /// A pre-signed URL's `PUT`.
    Put,
    /// The app's endpoint's `POST`.
    Post,
}

/// One upload the runner asks the transport to make.
#[derive(Debug, Clone, Copy)]
pub struct UploadRequest<'a> {
    /// `PUT` or `POST`.
    pub method: UploadMethod,
    /// The URL (already checked: https, or http to loopback).
    pub url: &'a str,
    /// Headers to send as they are (the app's, for a POST; none for a
    /// pre-signed PUT, whose signature covers only the host).
    pub headers: &'a [(String, String)],
    /// The file to send whole as the body (`application/zip`).
    pub body_path: &'a Path,
    /// Its length in bytes (the `Content-Length`).
    pub body_len: u64,
    /// How long this attempt may take.
    pub timeout: Duration,
}

/// What one attempt got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadAnswer {
    /// The server answered with a status.
    Status {
        /// The HTTP status.
        status: u16,
        /// The `ETag` header, as sent (quotes included).
        etag: Option<String>,
        /// The `Retry-After` header, as sent.
        retry_after: Option<String>,
        /// The start of the body (at most [`MAX_ANSWER_BODY`] bytes): the
        /// POST endpoint's reference, or S3's XML error.
        body: Vec<u8>,
    },
    /// No answer within the attempt's time.
    Timeout,
    /// The connection failed or broke before a whole answer came.
    ConnectionError {
        /// What the HTTP stack said, for the person's eyes.
        reason: String,
    },
}

/// How much of an answer's body a transport keeps.
pub const MAX_ANSWER_BODY: usize = 16 * 1024;

/// Makes one upload attempt. Dropping the future cancels it.
pub trait UploadTransport: Send + Sync {
    /// Sends `request`'s file whole and reports the answer.
    fn send<'a>(&'a self, request: UploadRequest<'a>) -> BoxFuture<'a, UploadAnswer>;
}
