//! What a bundle holds, for the person to see before anything is sent:
//! the time range, the counts, what was scrubbed. Read from the bundle's
//! own manifest, so it describes the file exactly as it is.

use std::path::Path;

use pushdoctor_core::bundle::inspect::Bundle;
use pushdoctor_core::bundle::share::{DiagnosisGist, ShareDetails};

use crate::agent::{AgentError, PushDoctorAgent};
use crate::ids::BundleReason;

/// How many replacements of one kind the scrubber made.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RedactionCountItem {
    /// The kind (`email`, `otp`, `token`…: `docs/redaction.md`).
    pub category: String,
    /// How many.
    pub count: i64,
}

/// A bundle summed up for a person.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BundlePreview {
    /// Why it was made.
    pub reason: BundleReason,
    /// When (RFC 3339).
    pub created_at: String,
    /// Its size on disk, in bytes.
    pub bytes: i64,
    /// The oldest record's time (RFC 3339), when it holds records.
    pub first_record: Option<String>,
    /// The newest record's time.
    pub last_record: Option<String>,
    /// Log records inside.
    pub records: i64,
    /// Of which errors…
    pub errors: i64,
    /// …and warnings.
    pub warnings: i64,
    /// Older records left out to keep it under its size cap.
    pub dropped_for_size: i64,
    /// Push and Accept history events inside (0 without a history).
    pub history_events: i64,
    /// Of those, the login requests.
    pub history_requests: i64,
    /// What the scrubber replaced, by kind.
    pub redactions: Vec<RedactionCountItem>,
    /// All replacements.
    pub redaction_total: i64,
    /// The files inside (`diagnosis.json`, `logs.txt`…).
    pub entries: Vec<String>,
    /// The diagnosis it carries, in a few words (the outcome, else the
    /// first thing to do); `None` without a readable diagnosis.
    pub diagnosis: Option<String>,
    /// The diagnosis's first action's title.
    pub first_step: Option<String>,
}

/// What to hand the platform's share sheet with a bundle ("Send logs to
/// the developer"): Android's `ACTION_SEND` extras, iOS's
/// `UIActivityViewController` items.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BundleShare {
    /// The bundle's path, as given.
    pub path: String,
    /// A file name to offer the receiving app (ASCII letters, digits,
    /// dashes, `.zip`).
    pub file_name: String,
    /// A mail subject (at most 120 characters).
    pub subject: String,
    /// A mail body: what the bundle holds and the reference to quote.
    pub text: String,
    /// A short reference to the bundle (`PD-1A2B-3C4D`) the person can
    /// quote to support; the same bundle always has the same one.
    pub reference: String,
}

fn long(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Reads the preview of the bundle at `path`. Blocking.
pub(crate) fn preview(path: &Path) -> Result<BundlePreview, AgentError> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| AgentError::Io {
            reason: format!("{}: {e}", path.display()),
        })?
        .len();
    let bundle = open(path)?;
    let gist = DiagnosisGist::of(&bundle);
    let m = &bundle.manifest;
    let level = |name: &str| long(m.records.by_level.get(name).copied().unwrap_or(0));
    Ok(BundlePreview {
        reason: m.reason.into(),
        created_at: m.created_at.clone(),
        bytes: long(bytes),
        first_record: m.time_range.as_ref().map(|t| t.first.clone()),
        last_record: m.time_range.as_ref().map(|t| t.last.clone()),
        records: long(m.records.included),
        errors: level("ERROR"),
        warnings: level("WARN"),
        dropped_for_size: long(m.records.dropped_for_size),
        history_events: long(m.history.as_ref().map_or(0, |h| h.events)),
        history_requests: long(m.history.as_ref().map_or(0, |h| h.requests)),
        redactions: m
            .redaction
            .counts
            .0
            .iter()
            .map(|(category, count)| RedactionCountItem {
                category: category.clone(),
                count: long(*count),
            })
            .collect(),
        redaction_total: long(m.redaction.total),
        entries: m.entries.iter().map(|e| e.name.clone()).collect(),
        diagnosis: gist.headline,
        first_step: gist.first_step,
    })
}

/// Opens the bundle at `path` as a bundle, or says why not.
fn open(path: &Path) -> Result<Bundle, AgentError> {
    Bundle::open(path).map_err(|e| AgentError::InvalidArgument {
        reason: format!("{}: {e}", path.display()),
    })
}

/// The share sheet's details of the bundle at `path`. Blocking.
pub(crate) fn share(path: &Path) -> Result<BundleShare, AgentError> {
    let details = ShareDetails::of(&open(path)?);
    Ok(BundleShare {
        path: path.display().to_string(),
        file_name: details.file_name,
        subject: details.subject,
        text: details.text,
        reference: details.reference,
    })
}

#[uniffi::export]
impl PushDoctorAgent {
    /// What the bundle at `path` holds (time range, counts, what was
    /// scrubbed), to show the person before they agree to send it. Fails
    /// with `InvalidArgument` when the file is not a bundle.
    pub async fn bundle_preview(&self, path: String) -> Result<BundlePreview, AgentError> {
        self.check_open()?;
        self.on_runtime_blocking(move || preview(Path::new(&path)))
            .await
    }

    /// What to hand the platform's share sheet with the bundle at `path`:
    /// a file name, a subject and a text that say what it is, and the
    /// reference the person can quote to support. The app shows the
    /// preview first; sharing is the person's own act on the share sheet.
    /// Fails with `InvalidArgument` when the file is not a bundle.
    pub async fn share_details(&self, path: String) -> Result<BundleShare, AgentError> {
        self.check_open()?;
        self.on_runtime_blocking(move || share(Path::new(&path)))
            .await
    }
}
