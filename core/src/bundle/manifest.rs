//! `manifest.json`: what a bundle holds, why it was made, and the checksums
//! that prove its entries are whole. Format: `docs/bundle.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::logs::redact::RedactionCounts;

/// The bundle format version this build writes: 2 keeps the records once,
/// as `logs.txt` lines the tools parse back (`log_line`).
pub const BUNDLE_FORMAT_VERSION: u32 = 2;

/// Every version this build reads: 1 kept the records twice, as
/// `logs.ndjson` and `logs.txt`.
pub const READABLE_VERSIONS: [u32; 2] = [1, 2];

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
    /// The stable id used in the manifest (`qa_run`).
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
    /// Always [`BUNDLE_FORMAT_VERSION`] for bundles this build writes.
    pub bundle_version: u32,
    /// RFC 3339.
    pub created_at: String,
    /// `pushdoctor <version>`.
    pub generator: String,
    /// Why the bundle was made.
    pub reason: BundleReason,
    /// Who the bundle is from, without anything that names the person.
    pub device: DeviceSummary,
    /// First and last record included (RFC 3339), when any is.
    pub time_range: Option<TimeRange>,
    /// How many records went in and how many were left out.
    pub records: RecordSummary,
    /// Where the records came from, and what reading each skipped.
    pub sources: Vec<SourceSummary>,
    /// The cap the bundle was built under.
    pub size_cap_bytes: u64,
    /// What the scrubber replaced in the records.
    pub redaction: RedactionSummary,
    /// Every other entry, with its SHA-256.
    pub entries: Vec<EntrySummary>,
    /// The push and Accept history in `accept_history.ndjson`, when the
    /// bundle carries one. Optional and additive: bundles without it (and
    /// every bundle written before it existed) read as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryManifest>,
}

/// What `accept_history.ndjson` holds, in a few numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryManifest {
    /// Events (lines) in the entry.
    pub events: u64,
    /// Distinct login requests among them.
    pub requests: u64,
    /// The oldest event's time (RFC 3339), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// The newest event's time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Accept or Deny attempts that failed in a row, up to the newest.
    pub failures_in_a_row: u64,
    /// The oldest events left out so that the bundle stays under its cap
    /// (0 when the whole history went in).
    #[serde(default)]
    pub dropped_for_size: u64,
}

/// The device facts a developer needs to reproduce the problem, copied from the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSummary {
    /// `android` or `ios`.
    pub platform: Option<String>,
    /// The phone's model name.
    pub model: Option<String>,
    /// The operating system's version.
    pub os_version: Option<String>,
    /// The Authenticator app's version.
    pub app_version: Option<String>,
    /// The phone's locale.
    pub locale: Option<String>,
}

/// A span of record times, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    /// The earliest record's time (RFC 3339).
    pub first: String,
    /// The latest record's time (RFC 3339).
    pub last: String,
}

/// The records in the bundle, and those the size cap left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// Records in the bundle.
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
    /// Records taken from this source.
    pub records: u64,
    /// The source's own read statistics, as it reports them.
    pub details: serde_json::Value,
}

/// What the scrubber replaced, so a reader knows what is missing from the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionSummary {
    /// Replacements in the included records, by category.
    #[serde(with = "counts_as_list")]
    pub counts: RedactionCounts,
    /// Replacements in all categories.
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

/// One entry of the bundle and the checksum that proves it whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySummary {
    /// The entry's name in the archive.
    pub name: String,
    /// Uncompressed size.
    pub bytes: u64,
    /// SHA-256 of the uncompressed content, lowercase hex.
    pub sha256: String,
}
