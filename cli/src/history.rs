//! `pushdoctor history`, and the one reader of a push and Accept history
//! that `diagnose --history` and `bundle create --history` share.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use pushdoctor_core::accept::{
    self, store, summarize, timeline, HistoryEvent, HistoryReadStats, HISTORY_FILE,
};
use pushdoctor_core::bundle::inspect::Bundle;
use pushdoctor_core::printable::printable;
use serde::Serialize;

use crate::{exit, write_out, Failure};

/// The format version of `pushdoctor history --json`.
pub(crate) const HISTORY_JSON_VERSION: u32 = 1;

/// The largest history file read: a history is a few hundred lines, so
/// anything near this is not one.
const MAX_HISTORY_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A history read from a file, a log directory or a bundle.
pub(crate) struct Loaded {
    /// What to call it in messages: the file, or the bundle and its entry.
    pub(crate) name: String,
    /// Its events, in time order.
    pub(crate) events: Vec<HistoryEvent>,
    /// What reading it skipped.
    pub(crate) stats: HistoryReadStats,
}

impl Loaded {
    /// One warning per kind of damage, naming the file and the line.
    pub(crate) fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let s = &self.stats;
        if let Some((line, why)) = &s.first_problem {
            let more = match s.skipped_lines {
                0 | 1 => String::new(),
                n => format!(" ({n} damaged lines skipped in all)"),
            };
            warnings.push(format!("{}: line {line} skipped: {why}{more}", self.name));
        }
        if s.torn_tail_bytes > 0 {
            warnings.push(format!(
                "{}: the last line is cut off ({} bytes, a write that did not finish): left out",
                self.name, s.torn_tail_bytes
            ));
        }
        warnings
    }
}

/// Where a history may be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accepts {
    /// An `accept_history.ndjson` file or a log directory holding one.
    FileOrDir,
    /// Those, or a bundle `.zip` that carries one.
    FileDirOrBundle,
}

/// Reads the history at `path`: a log directory (its
/// `accept_history.ndjson`), a history file, or (when `accepts` says so) a
/// bundle. Damaged lines are skipped and counted ([`Loaded::warnings`]); a
/// file of which nothing at all is a history line is refused, as is a
/// directory or bundle without one.
pub(crate) fn load(path: &Path, accepts: Accepts) -> Result<Loaded, Failure> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::bad_input(format!("{shown}: cannot read: {e}")))?;
    if meta.is_dir() {
        let file = path.join(HISTORY_FILE);
        if !file.is_file() {
            return Err(Failure::bad_input(format!(
                "{shown}: no {HISTORY_FILE} in this directory (the app writes it beside its logs)"
            )));
        }
        return load_file(&file);
    }
    if starts_like_a_zip(path) {
        if accepts == Accepts::FileOrDir {
            return Err(Failure::bad_input(format!(
                "{shown}: is a zip file, not {HISTORY_FILE} or a log directory"
            )));
        }
        let bundle = Bundle::open(path).map_err(|e| Failure::bad_input(format!("{shown}: {e}")))?;
        let name = format!("{shown}: {HISTORY_FILE}");
        return match bundle.history() {
            None => Err(Failure::bad_input(format!(
                "{shown}: this bundle holds no {HISTORY_FILE}"
            ))),
            Some(Err(e)) => Err(Failure::bad_input(format!("{shown}: {e}"))),
            Some(Ok((events, stats))) => Ok(Loaded {
                name,
                events,
                stats,
            }),
        };
    }
    load_file(path)
}

fn load_file(path: &Path) -> Result<Loaded, Failure> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|f| f.take(MAX_HISTORY_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Failure::bad_input(format!("{name}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_HISTORY_FILE_BYTES {
        return Err(Failure::bad_input(format!(
            "{name}: larger than {MAX_HISTORY_FILE_BYTES} bytes: not a push and Accept history"
        )));
    }
    let (events, stats) = store::parse(&bytes);
    if events.is_empty() && (stats.skipped_lines > 0 || stats.torn_tail_bytes > 0) {
        let why = match &stats.first_problem {
            Some((line, why)) => format!("line {line}: {why}"),
            None => "no whole line".into(),
        };
        return Err(Failure::bad_input(format!(
            "{name}: not a push and Accept history ({why})"
        )));
    }
    Ok(Loaded {
        name,
        events,
        stats,
    })
}

fn starts_like_a_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == b"PK\x03\x04" || &magic == b"PK\x05\x06")
}

/// `pushdoctor history --json`: `docs/history.md`, "The CLI".
#[derive(Serialize)]
struct HistoryJson<'a> {
    format_version: u32,
    summary: pushdoctor_core::model::history::HistorySummary,
    /// What the summary shows (`docs/history.md`, "What stands out").
    findings: Vec<pushdoctor_core::engine::history::HistoryFinding>,
    attempts: usize,
    requests: Vec<accept::RequestStory>,
    read: ReadJson<'a>,
}

#[derive(Serialize)]
struct ReadJson<'a> {
    skipped_lines: u64,
    torn_tail_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_problem: Option<ProblemJson<'a>>,
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    line: u64,
    why: &'a str,
}

/// `pushdoctor history PATH [--json] [--limit N]`.
pub(crate) fn run(
    path: &Path,
    json: bool,
    limit: usize,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    let loaded = load(path, Accepts::FileDirOrBundle)?;
    for warning in loaded.warnings() {
        let _ = writeln!(stderr, "pushdoctor: warning: {}", printable(&warning));
    }
    let rendered = if json {
        let stats = &loaded.stats;
        let summary = summarize(&loaded.events);
        let document = HistoryJson {
            format_version: HISTORY_JSON_VERSION,
            findings: pushdoctor_core::engine::history::judge(&summary).findings,
            summary,
            attempts: loaded
                .events
                .iter()
                .filter(|e| matches!(e, HistoryEvent::Attempt(_)))
                .count(),
            requests: timeline(&loaded.events, limit),
            read: ReadJson {
                skipped_lines: stats.skipped_lines,
                torn_tail_bytes: stats.torn_tail_bytes,
                first_problem: stats
                    .first_problem
                    .as_ref()
                    .map(|(line, why)| ProblemJson { line: *line, why }),
            },
        };
        let mut text =
            serde_json::to_string_pretty(&document).expect("a history summary always serializes");
        text.push('\n');
        text
    } else {
        format!(
            "Push and Accept history: {}\n{}",
            printable(&loaded.name),
            accept::report::text(&loaded.events, limit, "")
        )
    };
    write_out(stdout, &rendered)?;
    Ok(exit::OK)
}
