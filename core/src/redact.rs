//! Redaction: scrubbing secrets out of log text before it leaves the device.
//! (Being written: see the module's final documentation.)

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How many replacements of each kind were made, by category name
/// (`email`, `otp`, …). Goes into a bundle's manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionCounts(pub BTreeMap<String, u64>);

impl RedactionCounts {
    pub fn add(&mut self, other: &RedactionCounts) {
        for (k, v) in &other.0 {
            *self.0.entry(k.clone()).or_default() += v;
        }
    }
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
}

/// What the scrubber replaces, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionConfig {}

#[derive(Debug, thiserror::Error)]
pub enum RedactionError {
    #[error("invalid pattern `{name}`: {message}")]
    InvalidPattern { name: String, message: String },
}

/// The scrubber. Built once, shared across threads.
#[derive(Debug, Clone)]
pub struct Redactor {}

impl Redactor {
    pub fn new(_config: RedactionConfig) -> Result<Self, RedactionError> {
        Ok(Redactor {})
    }

    /// Scrubs one line (or any text without newlines to add or remove),
    /// adding what it replaced to `counts`.
    pub fn redact<'a>(&self, text: &'a str, _counts: &mut RedactionCounts) -> Cow<'a, str> {
        Cow::Borrowed(text)
    }

    /// The categories of secrets still present in `text` (for `bundle verify`).
    pub fn scan(&self, _text: &str) -> RedactionCounts {
        RedactionCounts::default()
    }
}
