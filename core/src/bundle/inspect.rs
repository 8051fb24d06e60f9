//! Reading a bundle back: checking it (`bundle verify`) and summarising it
//! for a developer (`bundle show`). Both stream the entries line by line
//! within [`ReadLimits`], so a large bundle, a deflate bomb or a line of a
//! gigabyte costs no more memory than a small bundle, and no more time than
//! the limits allow.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::layout;
use super::lines::BoundedLines;
use super::manifest::{EntrySummary, Manifest, BUNDLE_FORMAT_VERSION, READABLE_VERSIONS};
use super::zip::{ZipArchive, ZipEntry, ZipError};
use super::{hex, log_line, DIAGNOSIS, LOGS_NDJSON, LOGS_TEXT, MANIFEST};
use crate::accept::{store, HistoryEvent, HistoryReadStats, HISTORY_FILE};
use crate::engine::diagnosis::Diagnosis;
use crate::logs::record::{Level, LogRecord, Origin};
use crate::logs::redact::{RedactionConfig, RedactionCounts, Redactor};
use crate::printable::{printable, push_printable};

/// Why a file is not a readable bundle at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file is not a zip archive this reader accepts.
    #[error("not a bundle: {0}")]
    Zip(#[from] ZipError),
    /// The archive has no manifest, so nothing in it can be checked.
    #[error("not a bundle: it has no {MANIFEST}")]
    NoManifest,
    /// The manifest is not the JSON `docs/bundle.md` describes; the text says where.
    #[error("not a bundle: {MANIFEST} is not valid: {0}")]
    BadManifest(String),
    #[error(
        "unsupported bundle_version {0}: this pushdoctor reads versions 1 to {BUNDLE_FORMAT_VERSION}"
    )]
    /// The manifest's `bundle_version` is one this build does not read.
    UnsupportedVersion(u64),
}

/// Bounds on what reading a bundle may cost, whatever the file holds: a
/// deflate bomb or a line of a gigabyte costs the bound, not its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Inflated bytes read from one entry at most (also never more than
    /// the entry declares).
    pub entry_bytes: u64,
    /// Inflated bytes read from the whole bundle at most.
    pub total_bytes: u64,
    /// Bytes of one line held at once while scanning; a longer line is
    /// scanned in overlapping windows of this size.
    pub line_bytes: usize,
    /// What consecutive windows of a long line share, so that a secret
    /// shorter than this is seen whole even where a window ends.
    pub overlap_bytes: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            entry_bytes: 256 * 1024 * 1024,
            total_bytes: 1024 * 1024 * 1024,
            line_bytes: 256 * 1024,
            overlap_bytes: 4 * 1024,
        }
    }
}

/// The largest manifest a bundle may have.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// The largest `accept_history.ndjson` read (a history is a few hundred
/// lines; this is thousands of times that).
const MAX_HISTORY_BYTES: u64 = 16 * 1024 * 1024;

/// How many requests `show` lists at most from the history.
const SHOWN_REQUESTS: usize = 10;

/// What `show` prints of one line at most.
const SHOWN_LINE_BYTES: usize = 2 * 1024;

/// An opened bundle.
pub struct Bundle {
    archive: ZipArchive,
    /// The bundle's manifest, read and checked against the format when opened.
    pub manifest: Manifest,
}

impl Bundle {
    /// Opens the bundle at `path` and reads its manifest; the entries are read only when asked for, within [`ReadLimits`].
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let archive = ZipArchive::open(File::open(path)?)?;
        let entry = archive
            .entry(MANIFEST)
            .ok_or(OpenError::NoManifest)?
            .clone();
        if entry.uncompressed > MAX_MANIFEST_BYTES {
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
            Some(v) if READABLE_VERSIONS.iter().any(|&r| u64::from(r) == v) => {}
            Some(v) => return Err(OpenError::UnsupportedVersion(v)),
            None => return Err(OpenError::BadManifest("missing `bundle_version`".into())),
        }
        let manifest =
            serde_json::from_value(value).map_err(|e| OpenError::BadManifest(e.to_string()))?;
        Ok(Bundle { archive, manifest })
    }

    /// An entry's inflated bytes, at most `cap` + 1 of them (one more than
    /// the cap says the cap was passed).
    fn read_capped(&self, entry: &ZipEntry, cap: u64) -> Result<impl BufRead + '_, String> {
        let reader = self.archive.open_entry(entry).map_err(|e| e.to_string())?;
        Ok(BufReader::with_capacity(
            64 * 1024,
            reader.take(cap.saturating_add(1)),
        ))
    }

    /// The bundle's `diagnosis.json` as stored: `None` when it has none,
    /// an error when it cannot be inflated or is larger than `limits`
    /// allow. Its readers parse what they need of it.
    pub fn diagnosis_json(&self, limits: &ReadLimits) -> Option<Result<Vec<u8>, String>> {
        self.diagnosis_read(limits)
            .map(|read| read.and_then(|(text, _)| text))
    }

    /// The entry inflated: `Err` when it cannot be (a damaged archive);
    /// else its bytes (or that it is over the cap) and the bytes read.
    #[allow(clippy::type_complexity)]
    fn diagnosis_read(
        &self,
        limits: &ReadLimits,
    ) -> Option<Result<(Result<Vec<u8>, String>, u64), String>> {
        let entry = self.archive.entry(DIAGNOSIS)?;
        let cap = limits.entry_bytes.min(MAX_MANIFEST_BYTES);
        let mut text = Vec::new();
        let read = self
            .read_capped(entry, cap)
            .and_then(|mut r| r.read_to_end(&mut text).map_err(|e| e.to_string()));
        if let Err(e) = read {
            return Some(Err(format!("{DIAGNOSIS}: {e}")));
        }
        let bytes = text.len() as u64;
        if bytes > cap {
            return Some(Ok((Err(format!("larger than {cap} bytes")), bytes)));
        }
        Some(Ok((Ok(text), bytes)))
    }

    /// The push and Accept history the bundle carries: `None` when it has
    /// no `accept_history.ndjson`, its events (in time order) and what
    /// reading skipped otherwise, an error when it cannot be read at all.
    pub fn history(&self) -> Option<Result<(Vec<HistoryEvent>, HistoryReadStats), String>> {
        let entry = self.archive.entry(HISTORY_FILE)?;
        let cap = MAX_HISTORY_BYTES;
        let mut bytes = Vec::new();
        let read = self
            .read_capped(entry, cap)
            .and_then(|mut r| r.read_to_end(&mut bytes).map_err(|e| e.to_string()));
        Some(match read {
            Err(e) => Err(format!("{HISTORY_FILE}: {e}")),
            Ok(_) if bytes.len() as u64 > cap => {
                Err(format!("{HISTORY_FILE}: larger than {cap} bytes"))
            }
            Ok(_) => Ok(store::parse(&bytes)),
        })
    }

    /// What is wrong with the history entry, if anything: lines that
    /// cannot be read, a partial last line, a count that differs from the
    /// manifest's, a history the manifest announces but the bundle lacks.
    fn history_problems(&self) -> Vec<String> {
        let announced = self.manifest.history.as_ref();
        let mut problems = Vec::new();
        match self.history() {
            None => {
                if announced.is_some() {
                    problems.push(format!(
                        "{HISTORY_FILE}: the manifest describes a history, but the bundle has none"
                    ));
                }
            }
            Some(Err(e)) => problems.push(printable(&e).into_owned()),
            Some(Ok((events, stats))) => {
                if stats.skipped_lines > 0 {
                    let first = stats
                        .first_problem
                        .as_ref()
                        .map(|(line, why)| format!(" (the first, line {line}: {})", printable(why)))
                        .unwrap_or_default();
                    problems.push(format!(
                        "{HISTORY_FILE}: {} line(s) cannot be read{first}",
                        stats.skipped_lines
                    ));
                }
                if stats.torn_tail_bytes > 0 {
                    problems.push(format!(
                        "{HISTORY_FILE}: ends in a partial line ({} bytes)",
                        stats.torn_tail_bytes
                    ));
                }
                if let Some(h) = announced {
                    if h.events != events.len() as u64 + stats.skipped_lines {
                        problems.push(format!(
                            "{HISTORY_FILE}: {} lines, the manifest says {} events",
                            events.len() as u64 + stats.skipped_lines,
                            h.events
                        ));
                    }
                }
            }
        }
        problems
    }

    /// Every record the bundle holds, oldest first, handed to `visit`:
    /// parsed back from `logs.txt` (format 2), or read from `logs.ndjson`
    /// (format 1, which kept its fields sorted by key). Read within
    /// `limits`; a line longer than `limits.line_bytes` is counted as
    /// unreadable rather than held. An error when the entry is missing or
    /// cannot be inflated to its end.
    pub fn records_with(
        &self,
        limits: &ReadLimits,
        mut visit: impl FnMut(LogRecord),
    ) -> Result<RecordsRead, String> {
        let name = if self.manifest.bundle_version >= 2 {
            LOGS_TEXT
        } else {
            LOGS_NDJSON
        };
        let entry = self
            .archive
            .entry(name)
            .ok_or_else(|| format!("the bundle has no {name}"))?;
        let cap = limits.entry_bytes.min(limits.total_bytes);
        let mut lines = BoundedLines::new(
            self.read_capped(entry, cap)?,
            limits.line_bytes,
            limits.overlap_bytes.min(limits.line_bytes - 1),
        );
        let mut read = RecordsRead::default();
        let mut bytes = 0u64;
        let mut number = 0u64;
        while let Some(window) = lines.next_window().map_err(|e| format!("{name}: {e}"))? {
            bytes += (window.bytes.len() - window.fresh) as u64;
            if bytes > cap {
                return Err(format!("{name}: inflates past the cap of {cap} bytes"));
            }
            if !window.starts_line {
                continue;
            }
            number += 1;
            let record = if !window.ends_line {
                Err(format!("longer than {} bytes", limits.line_bytes))
            } else {
                match std::str::from_utf8(window.bytes) {
                    Err(_) => Err("not UTF-8".to_string()),
                    Ok(line) if name == LOGS_TEXT => log_line::parse_line(line).map_err(|e| e.0),
                    Ok(line) => serde_json::from_str::<FormatOneRecord>(line)
                        .map(LogRecord::from)
                        .map_err(|e| e.to_string()),
                }
            };
            match record {
                Ok(record) => {
                    read.records += 1;
                    visit(record);
                }
                Err(why) => {
                    read.unreadable += 1;
                    read.first_problem.get_or_insert((number, why));
                }
            }
        }
        Ok(read)
    }

    /// [`Bundle::verify_with`] the default limits.
    pub fn verify(&self) -> VerifyReport {
        self.verify_with(&ReadLimits::default())
    }

    /// Checks the bundle as every common zip reader would read it: the
    /// archive's layout (see [`layout`]), every entry either kind of reader
    /// would extract (all copies of a duplicate) against the manifest's
    /// SHA-256 and size, the manifest's list against the archive, and that
    /// no secret pattern survived in any entry, the manifest included.
    /// Reads each byte of the file at most once and inflates at most
    /// `limits.total_bytes`.
    pub fn verify_with(&self, limits: &ReadLimits) -> VerifyReport {
        let mut report = VerifyReport::default();
        let redactor =
            Redactor::new(RedactionConfig::default()).expect("the default redaction is valid");
        let layout = match layout::inspect(&self.archive) {
            Ok(layout) => layout,
            Err(e) => {
                report.problems.push(format!("the archive: {e}"));
                layout::Layout::default()
            }
        };
        report
            .problems
            .extend(layout.problems.iter().map(ToString::to_string));

        let mut listed: BTreeMap<&str, Vec<&EntrySummary>> = BTreeMap::new();
        for entry in &self.manifest.entries {
            listed.entry(entry.name.as_str()).or_default().push(entry);
        }
        for (name, listings) in &listed {
            if listings.len() > 1 {
                report.problems.push(format!(
                    "{}: listed {} times in the manifest",
                    printable(name),
                    listings.len()
                ));
            }
        }

        let mut read_ranges: Vec<std::ops::Range<u64>> = Vec::new();
        for entry in self.archive.entries().iter().chain(&layout.local_only) {
            let name = printable(&entry.name).into_owned();
            let found = redactor.scan(&entry.name);
            if found.total() > 0 {
                report.secrets.add(&found);
                report.problems.push(format!(
                    "{name}: the entry's name holds {} secret(s)",
                    found.total()
                ));
            }
            let listing = listed.get(entry.name.as_str()).and_then(|l| l.first());
            if entry.name != MANIFEST && listing.is_none() {
                report
                    .problems
                    .push(format!("{name}: in the archive but not in the manifest"));
            }
            let range = entry.data_range();
            if read_ranges
                .iter()
                .any(|r| r.start < range.end && range.start < r.end)
            {
                report.problems.push(format!(
                    "{name}: its data is shared with another entry; not read twice"
                ));
                continue;
            }
            read_ranges.push(range);
            let Some(read) = self.scan_entry(entry, &redactor, limits, &mut report) else {
                continue;
            };
            if entry.name == MANIFEST {
                continue;
            }
            if let Some(listing) = listing {
                if read.sha256 != listing.sha256 {
                    report.problems.push(format!(
                        "{name}: SHA-256 is {}, the manifest says {}",
                        read.sha256,
                        printable(&listing.sha256)
                    ));
                } else if read.bytes != listing.bytes {
                    report.problems.push(format!(
                        "{name}: {} bytes, the manifest says {}",
                        read.bytes, listing.bytes
                    ));
                }
            }
            report.checked.push(name);
        }
        // A set, so a manifest listing many names costs one lookup each.
        let present: BTreeSet<&str> = self
            .archive
            .entries()
            .iter()
            .chain(&layout.local_only)
            .map(|e| e.name.as_str())
            .collect();
        for name in listed.keys() {
            if !present.contains(name) {
                report.problems.push(format!(
                    "{}: listed in the manifest but missing",
                    printable(name)
                ));
            }
        }
        report.problems.extend(self.history_problems());
        for (entry, n) in &report.secrets_by_entry {
            report
                .problems
                .push(format!("{entry}: {n} secret(s) survived redaction"));
        }
        report
    }

    /// Inflates one entry within the limits, hashing it and scanning it
    /// for secrets line by line; `None` (after saying why in the report)
    /// when it could not be read to its end.
    fn scan_entry(
        &self,
        entry: &ZipEntry,
        redactor: &Redactor,
        limits: &ReadLimits,
        report: &mut VerifyReport,
    ) -> Option<EntryRead> {
        let name = printable(&entry.name).into_owned();
        let left = limits.total_bytes.saturating_sub(report.inflated_bytes);
        let (cap, which) = if limits.entry_bytes <= left {
            (limits.entry_bytes, "the cap of")
        } else {
            (left, "what is left of the bundle's cap of")
        };
        let reader = match self.read_capped(entry, cap) {
            Ok(reader) => reader,
            Err(e) => {
                report.problems.push(format!("{name}: {e}"));
                return None;
            }
        };
        let mut lines = BoundedLines::new(reader, limits.line_bytes, limits.overlap_bytes);
        // From format 2 on, `logs.txt` is the only copy of the records:
        // every line must read back as one.
        let mut records = (entry.name == LOGS_TEXT && self.manifest.bundle_version >= 2)
            .then(RecordLines::default);
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        let mut secrets = 0u64;
        let outcome = loop {
            let window = match lines.next_window() {
                Ok(Some(window)) => window,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e.to_string()),
            };
            if let Some(records) = records.as_mut() {
                records.check(&window);
            }
            let fresh = &window.bytes[window.fresh..];
            hasher.update(fresh);
            bytes += fresh.len() as u64;
            report.scanned_bytes += window.bytes.len() as u64;
            let mut found = redactor.scan(&String::from_utf8_lossy(window.bytes));
            if window.fresh > 0 {
                // What the overlap alone holds was counted with the window
                // before.
                let seen = redactor.scan(&String::from_utf8_lossy(&window.bytes[..window.fresh]));
                for (category, n) in seen.0 {
                    if let Some(count) = found.0.get_mut(&category) {
                        *count = count.saturating_sub(n);
                    }
                }
                found.0.retain(|_, n| *n > 0);
            }
            secrets += found.total();
            report.secrets.add(&found);
            if bytes > cap {
                break Err(format!(
                    "inflates past {which} {} bytes; stopped after {cap}",
                    if which == "the cap of" {
                        limits.entry_bytes
                    } else {
                        limits.total_bytes
                    }
                ));
            }
        };
        report.inflated_bytes += bytes;
        report.held_max = report.held_max.max(lines.held_max);
        report.long_lines += lines.long_lines;
        if secrets > 0 {
            *report.secrets_by_entry.entry(name.clone()).or_default() += secrets;
        }
        if let (Some(records), Ok(())) = (records, &outcome) {
            report
                .problems
                .extend(records.problems(&name, self.manifest.records.included));
        }
        match outcome {
            Ok(()) => Some(EntryRead {
                sha256: hex(&hasher.finalize()),
                bytes,
            }),
            Err(e) => {
                report.problems.push(format!("{name}: {e}"));
                None
            }
        }
    }

    /// [`Bundle::show_with`] the default limits.
    pub fn show(&self, max_listed: usize) -> Result<String, String> {
        self.show_with(max_listed, &ReadLimits::default())
    }

    /// A developer's summary: the diagnosis, the time line, the errors and
    /// warnings first. Every string from the bundle is escaped
    /// ([`printable`]); each log line shown is cut at 2 KiB; the entries
    /// are read within `limits`.
    pub fn show_with(&self, max_listed: usize, limits: &ReadLimits) -> Result<String, String> {
        let m = &self.manifest;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Push Doctor bundle (format {}), made {} ({})",
            m.bundle_version,
            printable(&m.created_at),
            m.reason.as_str()
        );
        let d = &m.device;
        let device: Vec<Cow<'_, str>> = [&d.platform, &d.model, &d.os_version]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .map(printable)
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
                .map(|v| format!("; app {}", printable(v)))
                .unwrap_or_default()
        );
        match &m.time_range {
            Some(r) => {
                let _ = writeln!(
                    out,
                    "Covers:     {} .. {} ({} records)",
                    printable(&r.first),
                    printable(&r.last),
                    m.records.included
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
                .map(|r| format!(" ({} .. {})", printable(&r.first), printable(&r.last)))
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
            .map(|(l, n)| format!("{} {n}", printable(l)))
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
                printable(&redacted).into_owned()
            }
        );

        let mut inflated = 0u64;
        if let Some(read) = self.diagnosis_read(limits) {
            let (text, bytes) = read?;
            inflated += bytes;
            let parsed =
                text.and_then(|text| Diagnosis::from_json(&text).map_err(|e| e.to_string()));
            match parsed {
                Ok(diagnosis) => {
                    let _ = writeln!(out, "\nDiagnosis");
                    for line in crate::engine::report::text(&diagnosis)
                        .lines()
                        .skip(1)
                        .take_while(|l| !l.is_empty())
                    {
                        let _ = writeln!(out, "  {}", printable(line));
                    }
                    for (i, action) in diagnosis.actions.iter().enumerate() {
                        let _ = writeln!(
                            out,
                            "  {}. {} [{}]",
                            i + 1,
                            printable(&action.title),
                            action.id
                        );
                    }
                }
                Err(e) => {
                    let _ = writeln!(out, "\nDiagnosis: unreadable ({})", printable(&e));
                }
            }
        }

        match self.history() {
            None => {}
            Some(Err(e)) => {
                let _ = writeln!(
                    out,
                    "\nPush and Accept history: unreadable ({})",
                    printable(&e)
                );
            }
            Some(Ok((events, stats))) => {
                let _ = writeln!(out, "\nPush and Accept history");
                if let Some(dropped) = m
                    .history
                    .as_ref()
                    .map(|h| h.dropped_for_size)
                    .filter(|&n| n > 0)
                {
                    let _ = writeln!(
                        out,
                        "  ({dropped} older events left out to stay under {} bytes)",
                        m.size_cap_bytes
                    );
                }
                if stats.skipped_lines > 0 {
                    let _ = writeln!(
                        out,
                        "  ({} damaged lines skipped: `bundle verify` lists them)",
                        stats.skipped_lines
                    );
                }
                out.push_str(&crate::accept::report::text(
                    &events,
                    max_listed.min(SHOWN_REQUESTS),
                    "  ",
                ));
            }
        }

        // One pass over the text: the last errors and warnings, and the
        // last records, each in a bounded window.
        if let Some(entry) = self.archive.entry(LOGS_TEXT) {
            let cap = limits
                .entry_bytes
                .min(limits.total_bytes.saturating_sub(inflated));
            let mut lines = BoundedLines::new(self.read_capped(entry, cap)?, SHOWN_LINE_BYTES, 0);
            let mut problems: VecDeque<String> = VecDeque::new();
            let mut tail: VecDeque<String> = VecDeque::new();
            let mut problem_count = 0u64;
            let mut per_hour: BTreeMap<String, (u64, u64)> = BTreeMap::new();
            let mut bytes = 0u64;
            let mut stopped = None;
            loop {
                let window = match lines.next_window() {
                    Ok(Some(window)) => window,
                    Ok(None) => break,
                    Err(e) => {
                        stopped = Some(e.to_string());
                        break;
                    }
                };
                bytes += window.bytes.len() as u64;
                if bytes > cap {
                    stopped = Some(format!("inflates past the cap of {cap} bytes"));
                    break;
                }
                if !window.starts_line {
                    // The rest of a line already shown cut.
                    continue;
                }
                let text = String::from_utf8_lossy(window.bytes);
                let text = text.trim_end_matches(['\n', '\r']);
                let mut line = String::with_capacity(text.len());
                push_printable(&mut line, text);
                if !window.ends_line {
                    line.push_str(" …(line cut)");
                }
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
                    if max_listed > 0 {
                        problems.push_back(line.clone());
                    }
                }
                if tail.len() == max_listed {
                    tail.pop_front();
                }
                if max_listed > 0 {
                    tail.push_back(line);
                }
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
            if lines.long_lines > 0 {
                let _ = writeln!(
                    out,
                    "\n({} lines longer than {SHOWN_LINE_BYTES} bytes were cut)",
                    lines.long_lines
                );
            }
            if let Some(why) = stopped {
                let _ = writeln!(
                    out,
                    "\n({LOGS_TEXT}: stopped reading after {bytes} bytes: {})",
                    printable(&why)
                );
            }
        }
        if self.manifest.bundle_version < 2 && self.archive.entry(LOGS_NDJSON).is_none() {
            let _ = writeln!(out, "\n(no {LOGS_NDJSON} in this bundle)");
        }
        Ok(out)
    }
}

/// What [`Bundle::records_with`] read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordsRead {
    /// Records handed on.
    pub records: u64,
    /// Lines that were not records (damaged, or longer than the window).
    pub unreadable: u64,
    /// The first of those: its line number (from 1) and why.
    pub first_problem: Option<(u64, String)>,
}

/// A line of format 1's `logs.ndjson`.
#[derive(serde::Deserialize)]
struct FormatOneRecord {
    ts_ms: i64,
    level: Level,
    tag: String,
    origin: Origin,
    #[serde(default)]
    pid: Option<u32>,
    #[serde(default)]
    tid: Option<u32>,
    #[serde(default)]
    thread: Option<String>,
    msg: String,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

impl From<FormatOneRecord> for LogRecord {
    fn from(r: FormatOneRecord) -> Self {
        let mut record = LogRecord::new(r.ts_ms, r.level, r.tag, r.msg, r.origin);
        record.pid = r.pid;
        record.tid = r.tid;
        record.thread = r.thread;
        record.fields = r.fields.into_iter().collect();
        record
    }
}

/// The lines of a format 2 `logs.txt` checked as records.
#[derive(Default)]
struct RecordLines {
    lines: u64,
    unreadable: u64,
    first_problem: Option<(u64, String)>,
}

impl RecordLines {
    /// Checks the line a window starts: whole when it ends there, only up
    /// to its message when it is longer than a window.
    fn check(&mut self, window: &super::lines::Window<'_>) {
        if !window.starts_line {
            return;
        }
        self.lines += 1;
        let read = if window.ends_line {
            match std::str::from_utf8(window.bytes) {
                Ok(line) if line.ends_with('\n') => log_line::parse_line(line).map(drop),
                Ok(_) => Err(log_line::LineError("no newline at its end".into())),
                Err(_) => Err(log_line::LineError("not UTF-8".into())),
            }
        } else {
            log_line::parse_head(&String::from_utf8_lossy(window.bytes)).map(drop)
        };
        if let Err(why) = read {
            self.unreadable += 1;
            self.first_problem.get_or_insert((self.lines, why.0));
        }
    }

    fn problems(self, name: &str, included: u64) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some((line, why)) = self.first_problem {
            problems.push(format!(
                "{name}: {} line(s) are not records (the first, line {line}: {})",
                self.unreadable,
                printable(&why)
            ));
        }
        if self.lines != included {
            problems.push(format!(
                "{name}: {} lines, the manifest says {included} records",
                self.lines
            ));
        }
        problems
    }
}

/// What reading an entry to its end gave.
struct EntryRead {
    sha256: String,
    bytes: u64,
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
    /// How many secret patterns each entry held, by entry name.
    pub secrets_by_entry: BTreeMap<String, u64>,
    /// Bytes inflated from the entries, in all.
    pub inflated_bytes: u64,
    /// Bytes handed to the secret scan (windows of long lines overlap).
    pub scanned_bytes: u64,
    /// The most bytes of one line held at once.
    pub held_max: usize,
    /// Lines longer than the window, scanned in overlapping windows.
    pub long_lines: u64,
}

impl VerifyReport {
    /// Whether the bundle is sound: no problem found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}
