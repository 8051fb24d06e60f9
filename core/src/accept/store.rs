//! `accept_history.ndjson` on disk: appended line by line, bounded, and
//! read back whole after a crash.
//!
//! Each event is one JSON line. A write cut off by a killed process leaves
//! at most one partial line at the end; it is recognised (no newline, or
//! not JSON) and cut away when the file is opened, so every whole line
//! before it survives. A damaged line in the middle (a flipped bit) is
//! skipped and counted, never the lines around it. The file is compacted
//! (the oldest events let go) by writing a new file beside it and renaming
//! it over the old one, so a crash during compaction leaves either the old
//! file or the new one, both whole.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::event::{HistoryEvent, Line, HISTORY_EVENT_VERSION};

/// The history's file name, in the log directory and in a bundle.
pub const HISTORY_FILE: &str = "accept_history.ndjson";

/// How much history is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLimits {
    /// At most this many events (default 500), the newest kept.
    pub max_events: usize,
    /// Events older than this are let go (default 30 days).
    pub max_age_ms: i64,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        HistoryLimits {
            max_events: 500,
            max_age_ms: 30 * 24 * 60 * 60 * 1000,
        }
    }
}

impl HistoryLimits {
    /// Refuses limits that would keep nothing.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_events == 0 {
            return Err("max_events is 0: the history would keep nothing".into());
        }
        if self.max_age_ms <= 0 {
            return Err(format!(
                "max_age_ms is {}: the history would keep nothing",
                self.max_age_ms
            ));
        }
        Ok(())
    }

    /// Lets go of what is over the limits at `now_ms`: events older than
    /// the age limit, then the oldest beyond the count. `events` are in
    /// time order. Returns how many were let go.
    pub fn apply(&self, events: &mut Vec<HistoryEvent>, now_ms: i64) -> usize {
        let before = events.len();
        let oldest_kept = now_ms.saturating_sub(self.max_age_ms);
        events.retain(|e| e.time_ms() >= oldest_kept);
        if events.len() > self.max_events {
            let over = events.len() - self.max_events;
            events.drain(..over);
        }
        before - events.len()
    }
}

/// What reading a history file found besides its events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryReadStats {
    /// Whole lines that could not be read (damaged, or of a version this
    /// build does not know), skipped.
    pub skipped_lines: u64,
    /// Bytes of a partial last line (a write cut off), left out.
    pub torn_tail_bytes: u64,
    /// The first skipped line's number and why, to name in a message.
    pub first_problem: Option<(u64, String)>,
    /// Cutting a torn line away or compacting the file failed (a
    /// read-only directory): the events were read all the same, and the
    /// file is put right by the first write that succeeds.
    pub repair_error: Option<String>,
}

/// Parses history lines, oldest first as written; events are returned in
/// time order (a phone's clock can step back between two events).
pub fn parse(bytes: &[u8]) -> (Vec<HistoryEvent>, HistoryReadStats) {
    let mut stats = HistoryReadStats::default();
    let mut events = Vec::new();
    let whole = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(last_newline) => last_newline + 1,
        None => 0,
    };
    let tail = &bytes[whole..];
    if !tail.iter().all(u8::is_ascii_whitespace) {
        stats.torn_tail_bytes = tail.len() as u64;
    }
    for (index, line) in bytes[..whole].split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match read_line(line) {
            Ok(event) => events.push(event),
            Err(why) => {
                stats.skipped_lines += 1;
                stats.first_problem.get_or_insert((index as u64 + 1, why));
            }
        }
    }
    events.sort_by_key(HistoryEvent::time_ms);
    (events, stats)
}

fn read_line(line: &[u8]) -> Result<HistoryEvent, String> {
    let value: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("v").and_then(serde_json::Value::as_u64) {
        Some(v) if (1..=u64::from(HISTORY_EVENT_VERSION)).contains(&v) => {}
        Some(v) => {
            return Err(format!(
                "version {v}, this build reads 1 to {HISTORY_EVENT_VERSION}"
            ))
        }
        None => return Err("no version (\"v\")".into()),
    }
    let line: Line = serde_json::from_value(value).map_err(|e| e.to_string())?;
    line.event.validate()?;
    Ok(line.event)
}

/// One event as its line, newline included.
pub fn to_line(event: &HistoryEvent) -> Vec<u8> {
    let mut line = serde_json::to_vec(&Line {
        v: event.format_version(),
        event: event.clone(),
    })
    .expect("a history event always serialises");
    line.push(b'\n');
    line
}

/// The history file of one log directory, open for appending.
pub struct HistoryFile {
    path: PathBuf,
    limits: HistoryLimits,
    /// Events in the file (whole lines), to know when to compact.
    lines: usize,
    /// The length of the file's whole lines: a write that failed half-way
    /// is cut back to it before the next one.
    good_len: u64,
    /// A write failed: the file may end in a partial line.
    dirty: bool,
    /// The file holds lines to let go (over the limits, damaged) that a
    /// failed rewrite left: the next write rewrites it whole.
    stale: bool,
}

impl HistoryFile {
    /// Opens (or creates) `dir/accept_history.ndjson` and reads it: a torn
    /// last line is cut away, what is over the limits let go (the file
    /// rewritten only when something was). Returns the events, oldest
    /// first. A file that can be read but not repaired (a read-only
    /// directory) still gives its events: the repair waits for the first
    /// write that succeeds, and `repair_error` says why it could not be
    /// done now.
    pub fn open(
        dir: &Path,
        limits: HistoryLimits,
        now_ms: i64,
    ) -> io::Result<(HistoryFile, Vec<HistoryEvent>, HistoryReadStats)> {
        let path = dir.join(HISTORY_FILE);
        let mut bytes = Vec::new();
        match File::open(&path) {
            Ok(mut file) => {
                file.read_to_end(&mut bytes)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let (mut events, mut stats) = parse(&bytes);
        let let_go = limits.apply(&mut events, now_ms);
        let mut file = HistoryFile {
            path,
            limits,
            lines: events.len(),
            good_len: bytes.len() as u64 - stats.torn_tail_bytes,
            dirty: stats.torn_tail_bytes > 0,
            stale: let_go > 0 || stats.skipped_lines > 0,
        };
        let repaired = if file.stale {
            file.rewrite(&events)
        } else if file.dirty {
            file.cut_back()
        } else {
            Ok(())
        };
        stats.repair_error = repaired.err().map(|e| e.to_string());
        Ok((file, events, stats))
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends events (already scrubbed); when the file holds twice the
    /// limit, rewrites it from `kept` (the events to keep, oldest first,
    /// these included).
    pub fn append(&mut self, events: &[HistoryEvent], kept: &[HistoryEvent]) -> io::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        if self.stale || self.lines + events.len() > self.limits.max_events.saturating_mul(2) {
            return self.rewrite(kept);
        }
        if self.dirty {
            self.cut_back()?;
        }
        let bytes: Vec<u8> = events.iter().flat_map(to_line).collect();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        self.dirty = true;
        file.write_all(&bytes)?;
        self.dirty = false;
        self.good_len += bytes.len() as u64;
        self.lines += events.len();
        Ok(())
    }

    /// Cuts a partial line left by a failed or killed write.
    fn cut_back(&mut self) -> io::Result<()> {
        match OpenOptions::new().write(true).open(&self.path) {
            Ok(file) => file.set_len(self.good_len)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => self.good_len = 0,
            Err(e) => return Err(e),
        }
        self.dirty = false;
        Ok(())
    }

    /// Writes `events` to a new file beside the old one, synced, and
    /// renames it into place.
    fn rewrite(&mut self, events: &[HistoryEvent]) -> io::Result<()> {
        let bytes: Vec<u8> = events.iter().flat_map(to_line).collect();
        let scratch = self.path.with_extension("ndjson.new");
        let written = (|| {
            let mut file = File::create(&scratch)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&scratch, &self.path)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&scratch);
            return Err(e);
        }
        self.lines = events.len();
        self.good_len = bytes.len() as u64;
        self.dirty = false;
        self.stale = false;
        Ok(())
    }
}
