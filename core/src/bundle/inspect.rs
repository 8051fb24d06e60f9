//! Reading a bundle back: checking it (`bundle verify`) and summarising it
//! for a developer (`bundle show`). Both stream the log entries, so a large
//! bundle costs no more memory than a small one.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::manifest::{Manifest, BUNDLE_FORMAT_VERSION};
use super::zip::{ZipArchive, ZipError};
use super::{hex, DIAGNOSIS, LOGS_NDJSON, LOGS_TEXT, MANIFEST};
use crate::diagnosis::Diagnosis;
use crate::redact::{RedactionConfig, RedactionCounts, Redactor};

/// Why a file is not a readable bundle at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a bundle: {0}")]
    Zip(#[from] ZipError),
    #[error("not a bundle: it has no {MANIFEST}")]
    NoManifest,
    #[error("not a bundle: {MANIFEST} is not valid: {0}")]
    BadManifest(String),
    #[error(
        "unsupported bundle_version {0}: this pushdoctor reads version {BUNDLE_FORMAT_VERSION}"
    )]
    UnsupportedVersion(u64),
}

/// An opened bundle.
pub struct Bundle {
    archive: ZipArchive,
    pub manifest: Manifest,
}

impl Bundle {
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let archive = ZipArchive::open(File::open(path)?)?;
        let entry = archive
            .entry(MANIFEST)
            .ok_or(OpenError::NoManifest)?
            .clone();
        if entry.uncompressed > 16 * 1024 * 1024 {
            return Err(OpenError::BadManifest("larger than 16 MiB".into()));
        }
        let mut text = Vec::new();
        archive
            .open_entry(&entry)?
            .read_to_end(&mut text)
            .map_err(|e| OpenError::BadManifest(e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_slice(&text).map_err(|e| OpenError::BadManifest(e.to_string()))?;
        match value.get("bundle_version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(BUNDLE_FORMAT_VERSION) => {}
            Some(v) => return Err(OpenError::UnsupportedVersion(v)),
            None => return Err(OpenError::BadManifest("missing `bundle_version`".into())),
        }
        let manifest =
            serde_json::from_value(value).map_err(|e| OpenError::BadManifest(e.to_string()))?;
        Ok(Bundle { archive, manifest })
    }

    fn lines(&self, name: &str) -> Result<Option<Box<dyn BufRead + '_>>, String> {
        match self.archive.entry(name) {
            None => Ok(None),
            Some(entry) => {
                let reader = self.archive.open_entry(entry).map_err(|e| e.to_string())?;
                Ok(Some(Box::new(BufReader::with_capacity(64 * 1024, reader))))
            }
        }
    }

    /// Checks every checksum, the manifest's list against the archive, and
    /// that no secret pattern survived in any entry.
    pub fn verify(&self) -> VerifyReport {
        let mut report = VerifyReport::default();
        let redactor =
            Redactor::new(RedactionConfig::default()).expect("the default redaction is valid");
        for listed in &self.manifest.entries {
            let Some(entry) = self.archive.entry(&listed.name) else {
                report.problems.push(format!(
                    "{}: listed in the manifest but missing",
                    listed.name
                ));
                continue;
            };
            let mut hasher = Sha256::new();
            let mut bytes = 0u64;
            let mut line = Vec::new();
            let result = self
                .archive
                .open_entry(entry)
                .map_err(|e| e.to_string())
                .and_then(|reader| {
                    let mut reader = BufReader::with_capacity(64 * 1024, reader);
                    loop {
                        line.clear();
                        let n = reader
                            .read_until(b'\n', &mut line)
                            .map_err(|e| e.to_string())?;
                        if n == 0 {
                            return Ok(());
                        }
                        hasher.update(&line);
                        bytes += n as u64;
                        let found = redactor.scan(&String::from_utf8_lossy(&line));
                        if found.total() > 0 {
                            report.secrets.add(&found);
                            *report
                                .secrets_by_entry
                                .entry(listed.name.clone())
                                .or_default() += found.total();
                        }
                    }
                });
            if let Err(e) = result {
                report.problems.push(format!("{}: {e}", listed.name));
                continue;
            }
            let sha = hex(&hasher.finalize());
            if sha != listed.sha256 {
                report.problems.push(format!(
                    "{}: SHA-256 is {sha}, the manifest says {}",
                    listed.name, listed.sha256
                ));
            } else if bytes != listed.bytes {
                report.problems.push(format!(
                    "{}: {bytes} bytes, the manifest says {}",
                    listed.name, listed.bytes
                ));
            }
            report.checked.push(listed.name.clone());
        }
        for entry in self.archive.entries() {
            if entry.name != MANIFEST && !self.manifest.entries.iter().any(|e| e.name == entry.name)
            {
                report.problems.push(format!(
                    "{}: in the archive but not in the manifest",
                    entry.name
                ));
            }
        }
        for (entry, n) in &report.secrets_by_entry {
            report
                .problems
                .push(format!("{entry}: {n} secret(s) survived redaction"));
        }
        report
    }

    /// A developer's summary: the diagnosis, the time line, the errors and
    /// warnings first.
    pub fn show(&self, max_listed: usize) -> Result<String, String> {
        let m = &self.manifest;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Push Doctor bundle (format {}), made {} ({})",
            m.bundle_version,
            m.created_at,
            m.reason.as_str()
        );
        let d = &m.device;
        let device: Vec<&str> = [&d.platform, &d.model, &d.os_version]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .collect();
        let _ = writeln!(
            out,
            "Device:     {}{}",
            if device.is_empty() {
                "unknown".to_string()
            } else {
                device.join(", ")
            },
            d.app_version
                .as_ref()
                .map(|v| format!("; app {v}"))
                .unwrap_or_default()
        );
        match &m.time_range {
            Some(r) => {
                let _ = writeln!(
                    out,
                    "Covers:     {} .. {} ({} records)",
                    r.first, r.last, m.records.included
                );
            }
            None => {
                let _ = writeln!(out, "Covers:     no records");
            }
        }
        if m.records.dropped_for_size > 0 {
            let range = m
                .records
                .dropped_time_range
                .as_ref()
                .map(|r| format!(" ({} .. {})", r.first, r.last))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "Left out:   {} older records to stay under {} bytes{range}",
                m.records.dropped_for_size, m.size_cap_bytes
            );
        }
        let levels: Vec<String> = m
            .records
            .by_level
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        if !levels.is_empty() {
            let _ = writeln!(out, "Levels:     {}", levels.join(", "));
        }
        let redacted = m.redaction.counts.summary();
        let _ = writeln!(
            out,
            "Redacted:   {}",
            if redacted.is_empty() {
                "nothing".to_string()
            } else {
                redacted
            }
        );

        if let Some(mut reader) = self.lines(DIAGNOSIS)? {
            let mut text = Vec::new();
            reader.read_to_end(&mut text).map_err(|e| e.to_string())?;
            match serde_json::from_slice::<Diagnosis>(&text) {
                Ok(diagnosis) => {
                    let _ = writeln!(out, "\nDiagnosis");
                    for line in crate::report::text(&diagnosis)
                        .lines()
                        .skip(1)
                        .take_while(|l| !l.is_empty())
                    {
                        let _ = writeln!(out, "  {line}");
                    }
                    for (i, action) in diagnosis.actions.iter().enumerate() {
                        let _ = writeln!(out, "  {}. {} [{}]", i + 1, action.title, action.id);
                    }
                }
                Err(e) => {
                    let _ = writeln!(out, "\nDiagnosis: unreadable ({e})");
                }
            }
        }

        // One pass over the text: the last errors and warnings, and the
        // last records, each in a bounded window.
        if let Some(reader) = self.lines(LOGS_TEXT)? {
            let mut problems: VecDeque<String> = VecDeque::new();
            let mut tail: VecDeque<String> = VecDeque::new();
            let mut problem_count = 0u64;
            let mut per_hour: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            for line in reader.lines() {
                let line = line.map_err(|e| e.to_string())?;
                let level = line.split(' ').nth(1).unwrap_or("");
                let is_problem = level == "E" || level == "W";
                let hour = line.get(..13).unwrap_or("").to_string();
                let slot = per_hour.entry(hour).or_default();
                slot.0 += 1;
                if is_problem {
                    slot.1 += 1;
                    problem_count += 1;
                    if problems.len() == max_listed {
                        problems.pop_front();
                    }
                    problems.push_back(line.clone());
                }
                if tail.len() == max_listed {
                    tail.pop_front();
                }
                tail.push_back(line);
                // Keep the time line bounded too: the latest 48 hours seen.
                while per_hour.len() > 48 {
                    let first = per_hour.keys().next().cloned().expect("not empty");
                    per_hour.remove(&first);
                }
            }
            let _ = writeln!(
                out,
                "\nErrors and warnings ({problem_count}; the last {} shown)",
                problems.len()
            );
            for line in &problems {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(out, "\nTime line (records per hour, errors and warnings)");
            for (hour, (n, p)) in &per_hour {
                let _ = writeln!(out, "  {hour}:00  {n:>7} records  {p:>6} E/W");
            }
            let _ = writeln!(out, "\nLast {} records", tail.len());
            for line in &tail {
                let _ = writeln!(out, "  {line}");
            }
        }
        if self.archive.entry(LOGS_NDJSON).is_none() {
            let _ = writeln!(out, "\n(no {LOGS_NDJSON} in this bundle)");
        }
        Ok(out)
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries whose checksum was checked.
    pub checked: Vec<String>,
    /// Everything wrong, one line each; empty when the bundle is sound.
    pub problems: Vec<String>,
    /// Secret patterns found, by category.
    pub secrets: RedactionCounts,
    pub secrets_by_entry: BTreeMap<String, u64>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}
