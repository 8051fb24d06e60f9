//! The log bundle: one `.zip` a developer can open anywhere.
//!
//! ```text
//! manifest.json    what is inside, why it was made, redaction counts, SHA-256 of every other entry
//! snapshot.json    the latest device snapshot (when there is one)
//! diagnosis.json   the engine's diagnosis of it
//! logs.txt         the records, one line each (`log_line`): read by people and parsed back by the tools
//! accept_history.ndjson  the push and Accept history (when there is one)
//! ```
//!
//! Building streams: records are gathered in chunks, and two worker
//! threads take the chunks in turns, each redacting, rendering and
//! compressing its chunk once, on its own; the pieces go, in order, into a
//! temporary file beside the output, and the oldest are let go while the
//! total is over the size cap, so memory stays at a few chunks however
//! many records come in, and the newest records win. The zip is then
//! assembled from the kept pieces (their deflate streams join into one;
//! their CRCs combine), written to a temporary name and renamed, so a
//! half-written bundle never looks complete. Format: `docs/bundle.md`.

pub mod inspect;
pub mod layout;
pub mod lines;
pub mod log_line;
pub mod manifest;
pub mod share;
pub mod zip;

use std::collections::{BTreeMap, VecDeque};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use sha2::{Digest, Sha256};

use crate::accept::store::{parse as parse_history, to_line as history_line};
use crate::accept::{summarize, HistoryEvent, HISTORY_FILE};
use crate::engine::diagnosis::Diagnosis;
use crate::logs::record::{Level, LogRecord};
use crate::logs::redact::{RedactionConfig, RedactionCounts, RedactionError, Redactor};
use crate::model::snapshot::DeviceSnapshot;
use crate::model::time::{now_ms, rfc3339};
pub use manifest::HistoryManifest;
pub use manifest::{BundleReason, Manifest, SourceSummary, BUNDLE_FORMAT_VERSION};
use manifest::{DeviceSummary, EntrySummary, RecordSummary, RedactionSummary, TimeRange};

/// Entry names.
pub const MANIFEST: &str = "manifest.json";
/// The device snapshot the diagnosis was made from.
pub const SNAPSHOT: &str = "snapshot.json";
/// The diagnosis, as `docs/diagnosis.md` describes it.
pub const DIAGNOSIS: &str = "diagnosis.json";
/// Format 1's second copy of the records, one JSON object a line: read
/// from older bundles, no longer written.
pub const LOGS_NDJSON: &str = "logs.ndjson";
/// The records, one line each ([`log_line`]): for people, and parsed back
/// by the tools.
pub const LOGS_TEXT: &str = "logs.txt";

/// The smallest cap that leaves room for records at all.
pub const MIN_MAX_BYTES: u64 = 64 * 1024;

/// How a bundle is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleOptions {
    /// The bundle file stays under this (default 5 MiB).
    pub max_bytes: u64,
    /// Why the bundle is made, written into the manifest.
    pub reason: BundleReason,
    /// How the records are scrubbed before they go in.
    pub redaction: RedactionConfig,
    /// Deflate level, 0–9 (default 5: within 1% of level 6's size, and
    /// faster; BENCHMARKS.md has every level).
    pub compression_level: u32,
}

impl Default for BundleOptions {
    fn default() -> Self {
        BundleOptions {
            max_bytes: 5 * 1024 * 1024,
            reason: BundleReason::Button,
            redaction: RedactionConfig::default(),
            compression_level: 5,
        }
    }
}

/// Why a bundle could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The output or a source file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The size cap is below [`MIN_MAX_BYTES`].
    #[error("the size cap of {0} bytes is too small: a bundle needs at least {MIN_MAX_BYTES}")]
    CapTooSmall(u64),
    /// What must go into every bundle (the manifest, the snapshot and its
    /// diagnosis) does not fit under the cap even with no record at all.
    #[error("the bundle cannot be kept under {cap} bytes: {what} alone take {needed} bytes; raise the size cap")]
    DoesNotFit {
        /// The cap asked for.
        cap: u64,
        /// What the required entries take.
        needed: u64,
        /// Which entries those are.
        what: &'static str,
    },
    /// The output path cannot take a bundle (its folder is missing, it is
    /// a folder, nothing may be written there).
    #[error("{}: {reason}", path.display())]
    Output {
        /// The output path, as given.
        path: PathBuf,
        /// Why it cannot take the bundle.
        reason: String,
    },
    /// The redaction settings are invalid.
    #[error("redaction: {0}")]
    Redaction(#[from] RedactionError),
    /// Whoever asked for the bundle stopped waiting for it
    /// ([`BundleWriter::add_capture_until`]); nothing was written.
    #[error("the bundle was cancelled")]
    Cancelled,
}

/// What building a bundle produced.
#[derive(Debug, Clone)]
pub struct BundleSummary {
    /// Where the bundle was written.
    pub path: PathBuf,
    /// The bundle's size on disk, under the cap.
    pub bytes: u64,
    /// The manifest written into it.
    pub manifest: Manifest,
}

/// Raw bytes of text per chunk: small enough to keep memory flat, large
/// enough that deflate sees a useful window and the per-piece overhead
/// (a few bytes of sync flush) is nothing.
const CHUNK_TEXT_BYTES: usize = 512 * 1024;

/// Room kept for the manifest and the zip's own headers.
const RESERVED_BYTES: u64 = 24 * 1024;

/// Builds a bundle record by record.
pub struct BundleWriter {
    output: PathBuf,
    work: WorkDir,
    options: BundleOptions,
    redactor: Redactor,
    created_ms: i64,
    device: DeviceSummary,
    small_entries: Vec<(&'static str, Vec<u8>)>,
    /// What scrubbing the snapshot and diagnosis replaced.
    small_counts: RedactionCounts,
    /// `accept_history.ndjson`, when [`BundleWriter::add_history`] was
    /// called: its lines, oldest first, each scrubbed.
    history: Option<Vec<HistoryLine>>,
    /// The oldest history lines left out to stay under the cap.
    history_dropped: usize,
    chunk: Chunk,
    chunk_text_bytes: usize,
    kept: VecDeque<Piece>,
    kept_compressed: u64,
    logs_budget: u64,
    dropped: u64,
    dropped_first_ms: Option<i64>,
    dropped_last_ms: Option<i64>,
    text_parts: PartFile,
    /// The SHA-256 of every piece's text, in order: the entry's hash
    /// whenever no piece was let go.
    text_hash: Sha256,
    workers: Vec<Worker>,
    /// The worker the next chunk goes to.
    next_worker: usize,
    /// Chunks handed out, oldest first, with the worker each went to.
    in_flight: VecDeque<(usize, ChunkMeta)>,
    sources: Vec<SourceSummary>,
}

/// A chunk handed to a worker: what the manifest needs of it that the
/// caller already knows (the redaction counts come back with the piece).
struct ChunkMeta {
    records: u64,
    first_ms: Option<i64>,
    last_ms: i64,
    by_level: BTreeMap<String, u64>,
}

/// How many workers redact, render and compress chunks, in turns. Two:
/// with the reading of the logs that keeps two cores busy (a phone has at
/// least two), and a third would only wait for the reader.
const WORKERS: usize = 2;

/// A worker thread: chunks of records in, each scrubbed, rendered as
/// `logs.txt` lines and compressed into a piece, pieces out in order. At
/// most one chunk waits while one is worked on, so memory stays bounded
/// while the caller reads the next chunk.
struct Worker {
    jobs: Option<std::sync::mpsc::SyncSender<Vec<LogRecord>>>,
    results: std::sync::mpsc::Receiver<Compressed>,
    ready: Option<Compressed>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// One compressed piece and what the zip and the manifest need to know of
/// its raw text.
struct Compressed {
    /// The text itself, for the entry's SHA-256, which the caller takes
    /// in order.
    text: Vec<u8>,
    crc: crc32fast::Hasher,
    data: Vec<u8>,
    /// What scrubbing the chunk replaced.
    counts: RedactionCounts,
}

impl Worker {
    fn spawn(
        index: usize,
        redactor: Redactor,
        level: Compression,
        text_bytes: usize,
    ) -> Result<Self, BundleError> {
        let (jobs, inbox) = std::sync::mpsc::sync_channel::<Vec<LogRecord>>(1);
        let (outbox, results) = std::sync::mpsc::channel();
        let name = format!("pushdoctor-bundle-{index}");
        let thread = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                for records in inbox {
                    let mut counts = RedactionCounts::default();
                    let mut text = String::with_capacity(text_bytes + text_bytes / 4);
                    for record in &records {
                        let redacted = record.redacted(&redactor, &mut counts);
                        log_line::write_line(&mut text, redacted.as_ref().unwrap_or(record));
                    }
                    drop(records);
                    let text = text.into_bytes();
                    let mut crc = crc32fast::Hasher::new();
                    crc.update(&text);
                    let data = deflate_piece(&text, level);
                    let piece = Compressed {
                        text,
                        crc,
                        data,
                        counts,
                    };
                    if outbox.send(piece).is_err() {
                        break;
                    }
                }
            })
            .map_err(|source| BundleError::Io {
                path: PathBuf::from(name),
                source,
            })?;
        Ok(Worker {
            jobs: Some(jobs),
            results,
            ready: None,
            thread: Some(thread),
        })
    }

    fn send(&self, records: Vec<LogRecord>) -> Result<(), BundleError> {
        self.jobs
            .as_ref()
            .expect("jobs are sent before the worker is dropped")
            .send(records)
            .map_err(|_| worker_stopped())
    }

    /// Whether the oldest outstanding piece is ready (waiting for it with
    /// `wait`). The piece stays held until [`Worker::take`].
    fn ready(&mut self, wait: bool) -> Result<bool, BundleError> {
        if self.ready.is_none() {
            self.ready = if wait {
                Some(self.results.recv().map_err(|_| worker_stopped())?)
            } else {
                match self.results.try_recv() {
                    Ok(piece) => Some(piece),
                    Err(std::sync::mpsc::TryRecvError::Empty) => None,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                        return Err(worker_stopped())
                    }
                }
            };
        }
        Ok(self.ready.is_some())
    }

    /// Stops the thread; an error if it did not end well.
    fn finish(mut self) -> Result<(), BundleError> {
        self.jobs.take();
        let thread = self.thread.take().expect("finished once");
        thread.join().map_err(|_| worker_stopped())
    }

    fn take(&mut self) -> Compressed {
        self.ready.take().expect("a piece is ready")
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.jobs.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn worker_stopped() -> BundleError {
    BundleError::Io {
        path: PathBuf::from("compression thread"),
        source: io::Error::other("the compression thread stopped"),
    }
}

/// The records gathered for the next worker.
#[derive(Default)]
struct Chunk {
    records: Vec<LogRecord>,
    /// About the bytes the records take as text: when to hand them on.
    text_estimate: usize,
    first_ms: Option<i64>,
    last_ms: i64,
    /// Records per level, [`Level`] as the index (`Error` = 1 at 0).
    by_level: [u64; 5],
}

/// One compressed chunk, in the part file.
struct Piece {
    records: u64,
    first_ms: Option<i64>,
    last_ms: i64,
    counts: RedactionCounts,
    by_level: BTreeMap<String, u64>,
    text: Part,
}

#[derive(Clone)]
struct Part {
    offset: u64,
    compressed: u64,
    raw: u64,
    crc: crc32fast::Hasher,
}

struct PartFile {
    path: PathBuf,
    file: File,
    len: u64,
}

impl PartFile {
    fn create(path: PathBuf) -> Result<Self, BundleError> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|source| BundleError::Io {
                path: path.clone(),
                source,
            })?;
        Ok(PartFile { path, file, len: 0 })
    }

    fn append(&mut self, piece: &Compressed) -> Result<Part, BundleError> {
        self.file
            .write_all(&piece.data)
            .map_err(|source| BundleError::Io {
                path: self.path.clone(),
                source,
            })?;
        let part = Part {
            offset: self.len,
            compressed: piece.data.len() as u64,
            raw: piece.text.len() as u64,
            crc: piece.crc.clone(),
        };
        self.len += piece.data.len() as u64;
        Ok(part)
    }
}

/// A scratch directory beside the output, removed when dropped. It holds
/// a lock for as long as its writer lives, so that a later writer can tell
/// the scratch of a process that was killed (its lock is free) from one
/// still at work, and remove it.
struct WorkDir {
    path: PathBuf,
    _lock: File,
}

/// `.NAME.parts-PID-MS`: where a writer of `NAME` keeps its pieces.
const SCRATCH_MARK: &str = ".parts-";
const SCRATCH_LOCK: &str = "lock";

impl WorkDir {
    fn create(output: &Path, parent: &Path) -> Result<Self, BundleError> {
        let stem = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = parent.join(format!(
            ".{stem}{SCRATCH_MARK}{}-{}",
            std::process::id(),
            now_ms()
        ));
        let unwritable = |e: io::Error| BundleError::Output {
            path: output.to_path_buf(),
            reason: format!("cannot write a bundle in {}: {e}", parent.display()),
        };
        fs::create_dir(&path).map_err(unwritable)?;
        let lock = File::create(path.join(SCRATCH_LOCK))
            .and_then(|lock| lock.try_lock().map_err(io::Error::from).map(|()| lock))
            .map_err(|e| {
                let _ = fs::remove_dir_all(&path);
                unwritable(e)
            })?;
        Ok(WorkDir { path, _lock: lock })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Removes the scratch folders in `parent` that no living writer holds:
/// what a process killed in the middle of a bundle left behind. A folder
/// without a lock file is left alone while it is young (its writer may be
/// between making it and locking it).
fn sweep_abandoned_scratch(parent: &Path) -> u64 {
    let Ok(listing) = fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in listing.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_scratch = name.starts_with('.')
            && name.rsplit_once(SCRATCH_MARK).is_some_and(|(_, id)| {
                id.split_once('-').is_some_and(|(pid, ms)| {
                    !pid.is_empty()
                        && !ms.is_empty()
                        && pid.bytes().chain(ms.bytes()).all(|b| b.is_ascii_digit())
                })
            });
        if !is_scratch || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let abandoned = match File::open(path.join(SCRATCH_LOCK)) {
            Ok(lock) => lock.try_lock().is_ok(),
            Err(_) => entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(600)),
        };
        if abandoned && fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

impl BundleWriter {
    /// Starts a bundle that will be written to `output`.
    pub fn create(output: &Path, options: BundleOptions) -> Result<Self, BundleError> {
        if options.max_bytes < MIN_MAX_BYTES {
            return Err(BundleError::CapTooSmall(options.max_bytes));
        }
        let redactor = Redactor::new(options.redaction.clone())?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let refuse = |reason: String| BundleError::Output {
            path: output.to_path_buf(),
            reason,
        };
        if !parent.is_dir() {
            return Err(refuse(format!(
                "its folder {} does not exist",
                parent.display()
            )));
        }
        if output.is_dir() {
            return Err(refuse("is a folder, not a file".into()));
        }
        sweep_abandoned_scratch(&parent);
        let work = WorkDir::create(output, &parent)?;
        let text_parts = PartFile::create(work.path.join("text.deflate"))?;
        let logs_budget = options.max_bytes - RESERVED_BYTES.min(options.max_bytes / 4);
        let level = Compression::new(options.compression_level.min(9));
        let chunk_text_bytes = CHUNK_TEXT_BYTES.min((options.max_bytes / 16) as usize);
        let workers = (0..WORKERS)
            // Each worker its own copy: a regex shared between threads
            // hands its search caches out under a lock for every search.
            .map(|i| Worker::spawn(i, redactor.clone(), level, chunk_text_bytes))
            .collect::<Result<_, _>>()?;
        Ok(BundleWriter {
            output: output.to_path_buf(),
            work,
            chunk_text_bytes,
            options,
            redactor,
            created_ms: now_ms(),
            device: DeviceSummary::default(),
            small_entries: Vec::new(),
            small_counts: RedactionCounts::default(),
            history: None,
            history_dropped: 0,
            chunk: Chunk::default(),
            kept: VecDeque::new(),
            kept_compressed: 0,
            logs_budget,
            dropped: 0,
            dropped_first_ms: None,
            dropped_last_ms: None,
            text_parts,
            text_hash: Sha256::new(),
            workers,
            next_worker: 0,
            in_flight: VecDeque::new(),
            sources: Vec::new(),
        })
    }

    /// Adds the latest device snapshot, and the diagnosis made from it.
    pub fn add_snapshot(&mut self, snapshot: &DeviceSnapshot, diagnosis: &Diagnosis) {
        let d = &snapshot.device;
        self.device = DeviceSummary {
            platform: Some(snapshot.platform.as_str().to_string()),
            model: d.model.clone(),
            os_version: d.os_version.clone(),
            app_version: d.app_version.clone(),
            locale: d.locale.clone(),
        };
        // The network probes put addresses and a portal's redirect URL (which
        // often carries the phone's MAC or a session) into both documents:
        // they are scrubbed like the logs, and counted with them.
        let snapshot_json = self.redacted_json(snapshot);
        let diagnosis_json = self.redacted_json(diagnosis);
        self.small_entries
            .retain(|(name, _)| *name != SNAPSHOT && *name != DIAGNOSIS);
        for (name, data) in [(SNAPSHOT, snapshot_json), (DIAGNOSIS, diagnosis_json)] {
            // Small entries come out of the logs' share of the cap.
            self.logs_budget = self.logs_budget.saturating_sub(data.len() as u64 / 2 + 128);
            self.small_entries.push((name, data));
        }
    }

    /// Adds the push and Accept history as `accept_history.ndjson`, in the
    /// history file's own line format ([`crate::accept::store::to_line`]),
    /// oldest first. Every line is scrubbed again by the bundle's redactor
    /// (the history's own settings may differ from the bundle's), and what
    /// that replaced counts in the manifest like the snapshot's. Like the
    /// snapshot it is a required entry: records are let go before any of
    /// it, and only when it does not fit even alone are its oldest lines
    /// left out (the manifest's `history.dropped_for_size` says how many).
    /// A second call replaces the first.
    pub fn add_history(&mut self, events: &[HistoryEvent]) {
        let mut ordered: Vec<&HistoryEvent> = events.iter().collect();
        // Stable: events of the same millisecond keep the caller's order.
        ordered.sort_by_key(|e| e.time_ms());
        let lines: Vec<HistoryLine> = ordered
            .into_iter()
            .map(|event| HistoryLine::scrubbed(event, &self.redactor))
            .collect();
        if let Some(old) = self.history.take() {
            let bytes: usize = old.iter().map(|l| l.line.len()).sum();
            self.logs_budget += bytes as u64 / 2 + 128;
        }
        let bytes: usize = lines.iter().map(|l| l.line.len()).sum();
        self.logs_budget = self.logs_budget.saturating_sub(bytes as u64 / 2 + 128);
        self.history = Some(lines);
        self.history_dropped = 0;
    }

    /// Pretty JSON, scrubbed line by line exactly as `bundle verify` reads
    /// it (so a key's context counts, as in `"token": "…"`). The
    /// replacements hold no quote or backslash, so the document stays JSON;
    /// should a custom pattern break it, each string value is scrubbed on
    /// its own instead.
    fn redacted_json(&mut self, document: &impl serde::Serialize) -> Vec<u8> {
        let pretty =
            serde_json::to_string_pretty(document).expect("our documents always serialize");
        let mut counts = RedactionCounts::default();
        let mut out = String::with_capacity(pretty.len());
        for line in pretty.split_inclusive('\n') {
            out.push_str(&self.redactor.redact(line, &mut counts));
        }
        if serde_json::from_str::<serde_json::Value>(&out).is_ok() {
            self.small_counts.add(&counts);
            return out.into_bytes();
        }
        let mut value = serde_json::to_value(document).expect("our documents always serialize");
        self.redact_strings(&mut value);
        serde_json::to_vec_pretty(&value).expect("a JSON value always serializes")
    }

    fn redact_strings(&mut self, value: &mut serde_json::Value) {
        scrub_strings(&self.redactor, value, &mut self.small_counts);
    }

    /// Adds one record (redacted on the way in: [`LogRecord::redacted`]).
    pub fn add(&mut self, record: &LogRecord) -> Result<(), BundleError> {
        self.add_owned(record.clone())
    }

    /// [`BundleWriter::add`] for a record the caller has no more use for:
    /// it goes to the workers without a copy.
    pub fn add_owned(&mut self, record: LogRecord) -> Result<(), BundleError> {
        let chunk = &mut self.chunk;
        // The line's time, level, origin and brackets take about 48 bytes.
        chunk.text_estimate += 48
            + record.tag.len()
            + record.message.len()
            + record.thread.as_ref().map_or(0, String::len)
            + record
                .fields
                .iter()
                .map(|(k, v)| k.len() + v.len() + 2)
                .sum::<usize>();
        chunk.first_ms.get_or_insert(record.timestamp_ms);
        chunk.last_ms = record.timestamp_ms;
        // Counted in an array: a map keyed by the level's name would cost
        // an allocation a record.
        chunk.by_level[record.level as usize - 1] += 1;
        chunk.records.push(record);
        if chunk.text_estimate >= self.chunk_text_bytes {
            self.seal_chunk()?;
        }
        Ok(())
    }

    /// Records where a source's records came from and what reading it
    /// skipped; goes into the manifest.
    pub fn add_source(&mut self, source: SourceSummary) {
        self.sources.push(source);
    }

    /// Adds every record a live capture holds (after flushing it), and
    /// the capture's own counters as a source: what was dropped before it
    /// ever reached the store is part of the story too.
    pub fn add_capture(&mut self, capture: &crate::logs::Capture) -> Result<(), BundleError> {
        self.add_capture_until(capture, &std::sync::atomic::AtomicBool::new(false))
    }

    /// [`Self::add_capture`], stopping with [`BundleError::Cancelled`] as
    /// soon as `cancelled` is set: checked before each record, so a caller
    /// that gave up (the app cancelled its coroutine) stops the
    /// compression within one chunk.
    pub fn add_capture_until(
        &mut self,
        capture: &crate::logs::Capture,
        cancelled: &std::sync::atomic::AtomicBool,
    ) -> Result<(), BundleError> {
        let (records, read) = capture.records().map_err(|e| BundleError::Io {
            path: capture.config().directory.clone().unwrap_or_default(),
            source: io::Error::other(e.to_string()),
        })?;
        let mut count = 0;
        for record in records {
            if cancelled.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(BundleError::Cancelled);
            }
            self.add_owned(record)?;
            count += 1;
        }
        let details = serde_json::json!({
            "capture": capture.stats(),
            "read": read.get(),
            "last_write_error": capture.last_write_error(),
        });
        self.add_source(SourceSummary {
            kind: "capture".into(),
            name: capture
                .config()
                .directory
                .as_deref()
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned()),
            records: count,
            details,
        });
        Ok(())
    }

    /// Hands the current chunk to the next worker and takes in whatever
    /// the workers have finished.
    fn seal_chunk(&mut self) -> Result<(), BundleError> {
        let chunk = std::mem::take(&mut self.chunk);
        if chunk.records.is_empty() {
            return Ok(());
        }
        let records = chunk.records.len() as u64;
        let worker = self.next_worker;
        self.next_worker = (worker + 1) % self.workers.len();
        self.workers[worker].send(chunk.records)?;
        let by_level = [
            Level::Error,
            Level::Warn,
            Level::Info,
            Level::Debug,
            Level::Trace,
        ]
        .into_iter()
        .zip(chunk.by_level)
        .filter(|&(_, n)| n > 0)
        .map(|(level, n)| (level.as_str().to_string(), n))
        .collect();
        self.in_flight.push_back((
            worker,
            ChunkMeta {
                records,
                first_ms: chunk.first_ms,
                last_ms: chunk.last_ms,
                by_level,
            },
        ));
        self.collect(false)
    }

    /// Appends finished chunks to the part file, oldest first; with
    /// `wait`, until none is left in flight.
    fn collect(&mut self, wait: bool) -> Result<(), BundleError> {
        while let Some(&(worker, _)) = self.in_flight.front() {
            // Each worker hands back its pieces in order, and the chunks
            // went to the workers in turns: the oldest is the front's.
            if !self.workers[worker].ready(wait)? {
                return Ok(());
            }
            let piece = self.workers[worker].take();
            let (_, meta) = self.in_flight.pop_front().expect("a chunk in flight");
            self.text_hash.update(&piece.text);
            let text = self.text_parts.append(&piece)?;
            self.kept_compressed += text.compressed;
            self.kept.push_back(Piece {
                records: meta.records,
                first_ms: meta.first_ms,
                last_ms: meta.last_ms,
                counts: piece.counts,
                by_level: meta.by_level,
                text,
            });
            while self.kept_compressed > self.logs_budget && self.kept.len() > 1 {
                let oldest = self.kept.pop_front().expect("more than one piece");
                self.kept_compressed -= oldest.text.compressed;
                self.let_go(&oldest);
            }
        }
        Ok(())
    }

    /// Writes the bundle: to a temporary name first, renamed when whole.
    /// The file is never larger than the size cap: the oldest records are
    /// let go until it fits, and when what every bundle must hold (the
    /// manifest, the snapshot and its diagnosis) does not fit alone, the
    /// bundle is not written and an existing file at the output is left
    /// as it was.
    pub fn finish(mut self) -> Result<BundleSummary, BundleError> {
        self.seal_chunk()?;
        self.collect(true)?;
        let partial = self.work.path.join("bundle.zip.partial");
        let parts = &mut self.text_parts;
        parts
            .file
            .flush()
            .map_err(|source| io_error(&parts.path, source))?;
        let mut small: Vec<SmallEntry> = self
            .small_entries
            .iter()
            .map(|(name, data)| SmallEntry::new(name, data, self.options.compression_level))
            .collect();
        small.extend(self.history_entry());
        for worker in std::mem::take(&mut self.workers) {
            worker.finish()?;
        }
        let running_hash = hex(&self.text_hash.clone().finalize());
        let mut pieces: Vec<Piece> = self.kept.drain(..).collect();

        // Let go of the oldest pieces until the archive's exact size, with
        // a manifest as large as the real one, fits; then write it, and
        // should the real manifest still tip it over, let go of one more.
        let cap = self.options.max_bytes;
        while self.archive_len(&small, &pieces, &running_hash) > cap && !pieces.is_empty() {
            let oldest = pieces.remove(0);
            self.let_go(&oldest);
        }
        if self.archive_len(&small, &pieces, &running_hash) > cap {
            self.fit_history(&mut small, &running_hash);
        }
        let (bytes, manifest) = loop {
            let (file, manifest) = self.write_archive(&partial, &small, &pieces, &running_hash)?;
            let bytes = file
                .metadata()
                .map_err(|source| io_error(&partial, source))?
                .len();
            if bytes <= cap {
                file.sync_all()
                    .map_err(|source| io_error(&partial, source))?;
                break (bytes, manifest);
            }
            if pieces.is_empty() {
                if self.drop_history_line(&mut small) {
                    continue;
                }
                return Err(BundleError::DoesNotFit {
                    cap,
                    needed: bytes,
                    what: if self.small_entries.is_empty() {
                        "the manifest"
                    } else {
                        "the manifest, the snapshot and its diagnosis"
                    },
                });
            }
            let oldest = pieces.remove(0);
            self.let_go(&oldest);
        };
        fs::rename(&partial, &self.output).map_err(|source| io_error(&self.output, source))?;
        if let Some(parent) = self.output.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Make the rename itself durable; not every platform allows it.
            let _ = File::open(parent).and_then(|d| d.sync_all());
        }
        Ok(BundleSummary {
            path: self.output.clone(),
            bytes,
            manifest,
        })
    }

    /// The history entry over the lines kept, when there is a history.
    fn history_entry(&self) -> Option<SmallEntry> {
        let lines = self.history.as_ref()?;
        let data: Vec<u8> = lines[self.history_dropped..]
            .iter()
            .flat_map(|l| l.line.iter().copied())
            .collect();
        Some(SmallEntry::new(
            HISTORY_FILE,
            &data,
            self.options.compression_level,
        ))
    }

    /// With no record left, leaves out the fewest oldest history lines
    /// that bring the archive's estimated size under the cap (a binary
    /// search: a compressed size grows with the lines kept), and puts the
    /// history entry in `small` back in step.
    fn fit_history(&mut self, small: &mut Vec<SmallEntry>, running_hash: &str) {
        let Some(total) = self.history.as_ref().map(Vec::len) else {
            return;
        };
        let cap = self.options.max_bytes;
        let (mut fits, mut over) = (total, self.history_dropped);
        while fits - over > 1 {
            let mid = over + (fits - over) / 2;
            self.history_dropped = mid;
            self.replace_history_entry(small);
            if self.archive_len(small, &[], running_hash) > cap {
                over = mid;
            } else {
                fits = mid;
            }
        }
        self.history_dropped = fits;
        self.replace_history_entry(small);
    }

    /// Leaves out one more of the oldest history lines; false when none is
    /// left to leave out.
    fn drop_history_line(&mut self, small: &mut Vec<SmallEntry>) -> bool {
        let Some(total) = self.history.as_ref().map(Vec::len) else {
            return false;
        };
        if self.history_dropped >= total {
            return false;
        }
        self.history_dropped += 1;
        self.replace_history_entry(small);
        true
    }

    fn replace_history_entry(&self, small: &mut Vec<SmallEntry>) {
        small.retain(|e| e.name != HISTORY_FILE);
        small.extend(self.history_entry());
    }

    /// Counts a piece as dropped for size (oldest first).
    fn let_go(&mut self, oldest: &Piece) {
        self.dropped += oldest.records;
        if self.dropped_first_ms.is_none() {
            self.dropped_first_ms = oldest.first_ms;
        }
        self.dropped_last_ms = Some(oldest.last_ms);
    }

    /// The exact size of the archive with these pieces, its manifest
    /// sized with stand-in hashes (the same length, as little compressible).
    fn archive_len(&self, small: &[SmallEntry], pieces: &[Piece], running_hash: &str) -> u64 {
        let (logs, summary) = log_entry(
            pieces,
            self.dropped,
            &mut |_| Ok(running_hash.to_string()),
            running_hash,
        )
        .expect("stand-in hashes cannot fail");
        let entries = small
            .iter()
            .map(|e| e.summary.clone())
            .chain([summary])
            .collect();
        let manifest = self.manifest_bytes(pieces, entries);
        zip::archive_len(
            small
                .iter()
                .map(|e| (e.name, e.compressed.len() as u64))
                .chain([(logs.name, logs.compressed)])
                .chain([(MANIFEST, manifest.len() as u64)]),
        )
    }

    /// The manifest as it is stored: pretty JSON, deflated.
    fn manifest_bytes(&self, pieces: &[Piece], entries: Vec<EntrySummary>) -> Vec<u8> {
        let manifest = self.manifest(pieces, entries);
        let json = serde_json::to_vec_pretty(&manifest).expect("a manifest always serializes");
        deflate_whole(&json, self.options.compression_level)
    }

    /// Writes the whole archive to `partial`; returns the file, flushed.
    fn write_archive(
        &mut self,
        partial: &Path,
        small: &[SmallEntry],
        pieces: &[Piece],
        running_hash: &str,
    ) -> Result<(File, Manifest), BundleError> {
        let io_err = |source| io_error(partial, source);
        let text = &mut self.text_parts;
        let (logs, summary) = {
            let mut hash = |parts: &[Part]| {
                hash_inflated(&mut text.file, parts).map_err(|source| io_error(&text.path, source))
            };
            log_entry(pieces, self.dropped, &mut hash, running_hash)?
        };
        let mut zip = zip::ZipWriter::new(
            BufWriter::new(File::create(partial).map_err(io_err)?),
            self.created_ms,
        );
        let mut entries = Vec::new();
        for e in small {
            zip.entry(
                e.name,
                e.crc,
                e.summary.bytes,
                e.compressed.len() as u64,
                &mut &e.compressed[..],
            )
            .map_err(io_err)?;
            entries.push(e.summary.clone());
        }
        let mut stream = PieceReader::new(&mut text.file, &logs.parts);
        zip.entry(
            logs.name,
            logs.crc,
            summary.bytes,
            logs.compressed,
            &mut stream,
        )
        .map_err(io_err)?;
        entries.push(summary);
        let manifest = self.manifest(pieces, entries);
        let manifest_json =
            serde_json::to_vec_pretty(&manifest).expect("a manifest always serializes");
        let compressed = deflate_whole(&manifest_json, self.options.compression_level);
        zip.entry(
            MANIFEST,
            crc32fast::hash(&manifest_json),
            manifest_json.len() as u64,
            compressed.len() as u64,
            &mut &compressed[..],
        )
        .map_err(io_err)?;
        let writer = zip.finish().map_err(io_err)?;
        let file = writer
            .into_inner()
            .map_err(|e| io_error(partial, e.into_error()))?;
        Ok((file, manifest))
    }

    fn manifest(&self, pieces: &[Piece], entries: Vec<EntrySummary>) -> Manifest {
        let mut counts = self.small_counts.clone();
        let history = self.history.as_ref().map(|lines| {
            let kept = &lines[self.history_dropped..];
            for line in kept {
                counts.add(&line.counts);
            }
            let events: Vec<HistoryEvent> = kept.iter().map(|l| l.event.clone()).collect();
            let summary = summarize(&events);
            HistoryManifest {
                events: kept.len() as u64,
                requests: u64::from(summary.requests),
                first: summary.first_ms.map(rfc3339),
                last: summary.last_ms.map(rfc3339),
                failures_in_a_row: u64::from(summary.failures_in_a_row),
                dropped_for_size: self.history_dropped as u64,
            }
        });
        // The device's strings and the sources' names and statistics come
        // from outside (a model name can carry a person's name, a file
        // name an address): scrubbed like the entries, and counted.
        let scrub = |value: &Option<String>, counts: &mut RedactionCounts| {
            value
                .as_deref()
                .map(|v| self.redactor.redact(v, counts).into_owned())
        };
        let d = &self.device;
        let device = DeviceSummary {
            platform: scrub(&d.platform, &mut counts),
            model: scrub(&d.model, &mut counts),
            os_version: scrub(&d.os_version, &mut counts),
            app_version: scrub(&d.app_version, &mut counts),
            locale: scrub(&d.locale, &mut counts),
        };
        let sources = self
            .sources
            .iter()
            .map(|source| {
                let mut details = source.details.clone();
                scrub_strings(&self.redactor, &mut details, &mut counts);
                SourceSummary {
                    kind: self.redactor.redact(&source.kind, &mut counts).into_owned(),
                    name: scrub(&source.name, &mut counts),
                    records: source.records,
                    details,
                }
            })
            .collect();
        let mut by_level = BTreeMap::new();
        let mut included = 0;
        for piece in pieces {
            counts.add(&piece.counts);
            included += piece.records;
            for (level, n) in &piece.by_level {
                *by_level.entry(level.clone()).or_default() += n;
            }
        }
        let range = |first: Option<i64>, last: Option<i64>| match (first, last) {
            (Some(first), Some(last)) => Some(TimeRange {
                first: rfc3339(first),
                last: rfc3339(last),
            }),
            _ => None,
        };
        Manifest {
            bundle_version: BUNDLE_FORMAT_VERSION,
            created_at: rfc3339(self.created_ms),
            generator: format!("pushdoctor {}", env!("CARGO_PKG_VERSION")),
            reason: self.options.reason,
            device,
            time_range: range(
                pieces.first().and_then(|p| p.first_ms),
                pieces.last().map(|p| p.last_ms),
            ),
            records: RecordSummary {
                included,
                by_level,
                dropped_for_size: self.dropped,
                dropped_time_range: range(self.dropped_first_ms, self.dropped_last_ms),
            },
            sources,
            size_cap_bytes: self.options.max_bytes,
            redaction: RedactionSummary {
                total: counts.total(),
                counts,
            },
            entries,
            history,
        }
    }
}

/// One line of `accept_history.ndjson` as it goes into the bundle.
struct HistoryLine {
    /// The event as the line says it (scrubbed).
    event: HistoryEvent,
    /// The line, newline included.
    line: Vec<u8>,
    /// What scrubbing it replaced.
    counts: RedactionCounts,
}

impl HistoryLine {
    /// Scrubs the line as text, as `bundle verify` reads it (so a key's
    /// context counts); should that leave something that is no longer a
    /// history line (a custom pattern that matched the JSON around a
    /// value), each string of the event is scrubbed on its own instead.
    fn scrubbed(event: &HistoryEvent, redactor: &Redactor) -> Self {
        let raw = history_line(event);
        let mut counts = RedactionCounts::default();
        let text = String::from_utf8_lossy(&raw);
        let redacted = redactor.redact(&text, &mut counts);
        let (events, stats) = parse_history(redacted.as_bytes());
        if let ([read], 0) = (&events[..], stats.skipped_lines + stats.torn_tail_bytes) {
            return HistoryLine {
                event: read.clone(),
                line: redacted.into_owned().into_bytes(),
                counts,
            };
        }
        let mut counts = RedactionCounts::default();
        let event = event.clone().redacted(redactor, &mut counts);
        HistoryLine {
            line: history_line(&event),
            event,
            counts,
        }
    }
}

/// A small entry (snapshot, diagnosis, history), compressed whole.
struct SmallEntry {
    name: &'static str,
    compressed: Vec<u8>,
    crc: u32,
    summary: EntrySummary,
}

impl SmallEntry {
    fn new(name: &'static str, data: &[u8], level: u32) -> Self {
        SmallEntry {
            name,
            compressed: deflate_whole(data, level),
            crc: crc32fast::hash(data),
            summary: EntrySummary {
                name: name.to_string(),
                bytes: data.len() as u64,
                sha256: hex(&Sha256::digest(data)),
            },
        }
    }
}

/// A log entry: the selected pieces of its part file, joined.
struct LogEntry {
    name: &'static str,
    crc: u32,
    compressed: u64,
    parts: Vec<Part>,
}

/// Hashes what the selected parts inflate to.
type HashParts<'a> = dyn FnMut(&[Part]) -> Result<String, BundleError> + 'a;

/// The log entry over the selected pieces, with the hash to list: the one
/// taken while compressing when nothing was let go (`dropped` is 0), what
/// `hash` gives otherwise (a stand-in of the same length while sizing, the
/// hash of what the pieces inflate to when writing).
fn log_entry(
    pieces: &[Piece],
    dropped: u64,
    hash: &mut HashParts<'_>,
    running_hash: &str,
) -> Result<(LogEntry, EntrySummary), BundleError> {
    let parts: Vec<Part> = pieces.iter().map(|p| p.text.clone()).collect();
    let mut crc = crc32fast::Hasher::new();
    let mut raw = 0;
    let mut compressed = FINAL_EMPTY_BLOCK.len() as u64;
    for part in &parts {
        crc.combine(&part.crc);
        raw += part.raw;
        compressed += part.compressed;
    }
    let sha256 = if dropped == 0 {
        running_hash.to_string()
    } else {
        hash(&parts)?
    };
    Ok((
        LogEntry {
            name: LOGS_TEXT,
            crc: crc.finalize(),
            compressed,
            parts,
        },
        EntrySummary {
            name: LOGS_TEXT.to_string(),
            bytes: raw,
            sha256,
        },
    ))
}

fn io_error(path: &Path, source: io::Error) -> BundleError {
    BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Scrubs every string inside a JSON value, adding what it replaced to
/// `counts`.
fn scrub_strings(redactor: &Redactor, value: &mut serde_json::Value, counts: &mut RedactionCounts) {
    match value {
        serde_json::Value::String(text) => {
            if let std::borrow::Cow::Owned(scrubbed) = redactor.redact(text, counts) {
                *text = scrubbed;
            }
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .for_each(|v| scrub_strings(redactor, v, counts)),
        serde_json::Value::Object(map) => map
            .values_mut()
            .for_each(|v| scrub_strings(redactor, v, counts)),
        _ => {}
    }
}

/// A final, empty, fixed-Huffman deflate block: what ends a stream whose
/// pieces were each closed with a sync flush.
const FINAL_EMPTY_BLOCK: [u8; 2] = [0x03, 0x00];

/// Deflates `data` as a run of non-final blocks ending on a byte boundary,
/// so independently made pieces concatenate into one valid stream.
fn deflate_piece(data: &[u8], level: Compression) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::with_capacity(data.len() / 4 + 64), level);
    encoder
        .write_all(data)
        .expect("writing to memory cannot fail");
    encoder.flush().expect("writing to memory cannot fail");
    // Take the bytes before the encoder finishes the stream on drop.
    std::mem::take(encoder.get_mut())
}

/// Deflates a whole small entry.
fn deflate_whole(data: &[u8], level: u32) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), Compression::new(level.min(9)));
    encoder
        .write_all(data)
        .expect("writing to memory cannot fail");
    encoder.finish().expect("writing to memory cannot fail")
}

/// The selected pieces of a part file, then the final block, as one stream.
struct PieceReader<'a> {
    file: &'a mut File,
    parts: std::slice::Iter<'a, Part>,
    remaining: u64,
    tail: &'static [u8],
}

impl<'a> PieceReader<'a> {
    fn new(file: &'a mut File, parts: &'a [Part]) -> Self {
        PieceReader {
            file,
            parts: parts.iter(),
            remaining: 0,
            tail: &FINAL_EMPTY_BLOCK,
        }
    }
}

impl Read for PieceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.remaining == 0 {
            match self.parts.next() {
                Some(part) => {
                    self.file.seek(SeekFrom::Start(part.offset))?;
                    self.remaining = part.compressed;
                }
                None => {
                    let n = self.tail.len().min(buf.len());
                    buf[..n].copy_from_slice(&self.tail[..n]);
                    self.tail = &self.tail[n..];
                    return Ok(n);
                }
            }
        }
        let want = buf.len().min(self.remaining as usize);
        let n = self.file.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "a compressed piece ended early",
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// SHA-256 of what the pieces inflate to.
fn hash_inflated(file: &mut File, parts: &[Part]) -> io::Result<String> {
    let mut inflater =
        flate2::read::DeflateDecoder::new(io::BufReader::new(PieceReader::new(file, parts)));
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 64 * 1024];
    loop {
        let n = inflater.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
