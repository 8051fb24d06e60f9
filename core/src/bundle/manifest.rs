//! `manifest.json`: what a bundle holds, why it was made, and the checksums
//! that prove its entries are whole. Format: `docs/bundle.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::logs::redact::RedactionCounts;

/// The bundle format version this build writes and reads.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;

/// Why a bundle was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleReason {
    /// The person pressed "Share logs" / "Run diagnostics".
    Button,
    /// Accept failed again and again: the app made it on its own.
    RepeatedAcceptFailures,
    /// A QA or device-farm run.
    QaRun,
    /// Support staff made it from files (`pushdoctor bundle create`).
    Support,
}

impl BundleReason {
    pub fn as_str(self) -> &'static str {
        match self {
            BundleReason::Button => "button",
            BundleReason::RepeatedAcceptFailures => "repeated_accept_failures",
            BundleReason::QaRun => "qa_run",
            BundleReason::Support => "support",
        }
    }
}

/// The bundle's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub bundle_version: u32,
    /// RFC 3339.
    pub created_at: String,
    /// `pushdoctor <version>`.
    pub generator: String,
    pub reason: BundleReason,
    pub device: DeviceSummary,
    /// First and last record included (RFC 3339), when any is.
    pub time_range: Option<TimeRange>,
    pub records: RecordSummary,
    /// Where the records came from, and what reading each skipped.
    pub sources: Vec<SourceSummary>,
    pub size_cap_bytes: u64,
    pub redaction: RedactionSummary,
    /// Every other entry, with its SHA-256.
    pub entries: Vec<EntrySummary>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSummary {
    pub platform: Option<String>,
    pub model: Option<String>,
    pub os_version: Option<String>,
    pub app_version: Option<String>,
    pub locale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    pub included: u64,
    /// Included records per level (`ERROR`, `WARN`, …).
    pub by_level: BTreeMap<String, u64>,
    /// The oldest records left out to keep the bundle under its cap.
    pub dropped_for_size: u64,
    /// The time range of what was left out, if anything was.
    pub dropped_time_range: Option<TimeRange>,
}

/// One source of records and what reading it skipped, in the source's own
/// terms (segment read statistics, import statistics, capture counters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceSummary {
    /// `log_directory`, `capture`, `logcat`, `apple_log`.
    pub kind: String,
    /// A file or directory name (never a full path: paths can name people).
    pub name: Option<String>,
    pub records: u64,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionSummary {
    /// Replacements in the included records, by category.
    #[serde(with = "counts_as_list")]
    pub counts: RedactionCounts,
    pub total: u64,
}

/// The counts are written as `[{"category": "password", "count": 3}]`, not
/// as an object: `"password": 3` is exactly what a leaked secret looks
/// like to the scan `bundle verify` runs over the manifest. Either form is
/// read (bundles written before used the object).
mod counts_as_list {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::logs::redact::RedactionCounts;

    #[derive(Serialize, Deserialize)]
    struct Count {
        category: String,
        count: u64,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<Count>),
        Object(BTreeMap<String, u64>),
    }

    pub fn serialize<S: Serializer>(counts: &RedactionCounts, out: S) -> Result<S::Ok, S::Error> {
        let list: Vec<Count> = counts
            .0
            .iter()
            .map(|(category, &count)| Count {
                category: category.clone(),
                count,
            })
            .collect();
        list.serialize(out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<RedactionCounts, D::Error> {
        Ok(RedactionCounts(match Either::deserialize(input)? {
            Either::Object(map) => map,
            Either::List(list) => {
                let mut map = BTreeMap::new();
                for Count { category, count } in list {
                    *map.entry(category).or_default() += count;
                }
                map
            }
        }))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySummary {
    pub name: String,
    /// Uncompressed size.
    pub bytes: u64,
    /// SHA-256 of the uncompressed content, lowercase hex.
    pub sha256: String,
}
