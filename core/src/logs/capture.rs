//! The logger: every record goes to the platform's log and into a bounded
//! buffer that a writer thread persists, chunk by chunk.
//!
//! A log call costs what formatting the message costs plus a few
//! nanoseconds: the record is encoded straight into a buffer of the calling
//! thread's own (its lock is only ever contended by the writer's swap), and
//! the writer thread swaps those buffers out, merges them by time and
//! writes one chunk. The caller never waits on disk, and threads logging at
//! once do not queue on one lock. Each thread's buffer is bounded: when the
//! writer cannot keep up (a stalled disk), new records are dropped and
//! counted instead of growing memory or blocking the app.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use super::record::{Level, LogRecord, Origin};
use super::segment::{self, ReadStats};
use super::sink::PlatformSink;
use super::store::{DirReader, DiskStore, MemoryStore, Store, StoreLimits};
use super::LogError;
use crate::logs::redact::{RedactionCounts, Redactor};
use crate::model::time::now_ms;

/// How the logger captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureConfig {
    /// Where segments are written; `None` keeps them in memory only.
    pub directory: Option<PathBuf>,
    /// Cap on all segments together (default 4 MiB).
    pub max_total_bytes: u64,
    /// How often the writer persists what was logged (default 1 s): a kill
    /// loses at most this much.
    pub flush_interval: Duration,
    /// Records waiting for the writer are capped at this many bytes
    /// (default 512 KiB); past it, records are dropped and counted.
    pub max_pending_bytes: usize,
    /// Messages longer than this are cut and marked (default 64 KiB).
    pub max_message_bytes: usize,
    /// Records below this level are ignored (default `Debug`).
    pub min_level: Level,
    /// Also send each record to the platform's own log (logcat, os_log, stderr).
    pub platform_sink: bool,
    /// Scrub records before they are written to disk, not only when they
    /// leave in a bundle. The writer thread does it, off the caller's thread.
    pub redact_on_disk: Option<crate::logs::redact::RedactionConfig>,
}

impl CaptureConfig {
    /// The configuration's scrubber, if records are to be scrubbed on disk.
    fn disk_redactor(&self) -> Result<Option<Redactor>, LogError> {
        self.redact_on_disk
            .clone()
            .map(Redactor::new)
            .transpose()
            .map_err(|e| LogError::Redaction(e.to_string()))
    }
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig {
            directory: None,
            max_total_bytes: 4 * 1024 * 1024,
            flush_interval: Duration::from_secs(1),
            max_pending_bytes: 512 * 1024,
            max_message_bytes: 64 * 1024,
            min_level: Level::Debug,
            platform_sink: true,
            redact_on_disk: None,
        }
    }
}

/// Counters of what the logger did, since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CaptureStats {
    /// Records accepted into the pending buffer.
    pub captured: u64,
    /// Records dropped because the pending buffer was full.
    pub dropped_backlog: u64,
    /// Records that reached the writer but could not be written (disk full,
    /// I/O error).
    pub dropped_write: u64,
    /// Messages cut at `max_message_bytes`.
    pub truncated: u64,
    /// Chunks written.
    pub chunks_written: u64,
}

/// Flush requests made and served, so `flush` can wait for its own.
struct Control {
    requested: u64,
    served: u64,
    /// A thread's buffer is half full: write now, not at the next tick.
    wake: bool,
    shutdown: bool,
}

/// Records one thread has logged and the writer has not yet taken.
#[derive(Default)]
struct Frames {
    bytes: Vec<u8>,
    records: u32,
    /// Records this thread has captured, ever: counted here rather than in
    /// a shared atomic, whose cache line threads would fight over.
    captured: u64,
}

/// One thread's buffer, shared with the writer.
#[derive(Default)]
struct ThreadBuffer {
    frames: Mutex<Frames>,
}

static NEXT_CAPTURE_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's buffers, one per live capture (normally one).
    static BUFFERS: std::cell::RefCell<Vec<(u64, Arc<ThreadBuffer>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

struct Shared {
    id: u64,
    config: CaptureConfig,
    control: Mutex<Control>,
    /// Every thread's buffer, for the writer.
    buffers: Mutex<Vec<Arc<ThreadBuffer>>>,
    /// Wakes the writer (a flush request, a full-ish buffer, shutdown).
    wake_writer: Condvar,
    /// Wakes callers of `flush`.
    flushed: Condvar,
    store: Mutex<Store>,
    sink: PlatformSink,
    /// Records captured by threads that have ended (live threads count in
    /// their own buffers).
    captured: AtomicU64,
    dropped_backlog: AtomicU64,
    dropped_write: AtomicU64,
    truncated: AtomicU64,
    chunks_written: AtomicU64,
    last_write_error: Mutex<Option<String>>,
    /// `std::process::id()` is a system call each time; it cannot change
    /// under a running capture (apps do not fork).
    pid: u32,
}

/// The capture logger. Cheap to share (`Arc`), safe from any thread.
pub struct Capture {
    shared: Arc<Shared>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Capture {
    /// Starts capturing: opens (or creates) the log directory and starts
    /// the writer thread. A directory that cannot be written is an error
    /// naming it; the app may then start a memory-only capture instead.
    pub fn start(config: CaptureConfig) -> Result<Arc<Capture>, LogError> {
        let store = match &config.directory {
            Some(dir) => Store::Disk(DiskStore::open(
                dir,
                StoreLimits::with_total(config.max_total_bytes),
            )?),
            None => Store::Memory(MemoryStore::new(config.max_total_bytes)),
        };
        let shared = Arc::new(Shared {
            id: NEXT_CAPTURE_ID.fetch_add(1, Ordering::Relaxed),
            control: Mutex::new(Control {
                requested: 0,
                served: 0,
                wake: false,
                shutdown: false,
            }),
            buffers: Mutex::new(Vec::new()),
            wake_writer: Condvar::new(),
            flushed: Condvar::new(),
            store: Mutex::new(store),
            sink: PlatformSink::new(config.platform_sink),
            config,
            captured: AtomicU64::new(0),
            dropped_backlog: AtomicU64::new(0),
            dropped_write: AtomicU64::new(0),
            truncated: AtomicU64::new(0),
            chunks_written: AtomicU64::new(0),
            last_write_error: Mutex::new(None),
            pid: std::process::id(),
        });
        let redactor = shared.config.disk_redactor()?;
        let writer_shared = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("pushdoctor-log-writer".into())
            .spawn(move || writer_loop(&writer_shared, redactor.as_ref()))
            .map_err(LogError::Thread)?;
        Ok(Arc::new(Capture {
            shared,
            writer: Mutex::new(Some(writer)),
        }))
    }

    /// The settings this capture was started with.
    pub fn config(&self) -> &CaptureConfig {
        &self.shared.config
    }

    /// Captures a record forwarded from Kotlin or Swift (or built by hand).
    pub fn record(&self, record: &LogRecord) {
        if record.level > self.shared.config.min_level {
            return;
        }
        self.shared.sink.write(record);
        let max = self.shared.config.max_message_bytes;
        let needed = record.message.len().min(max) + record.tag.len() + 64;
        self.with_frames(needed, |frames| {
            if record.message.len() > max {
                let mut cut = record.clone();
                cut.message = cut_message(&record.message, max);
                segment::encode_frame(&mut frames.bytes, &cut);
                self.shared.truncated.fetch_add(1, Ordering::Relaxed);
            } else {
                segment::encode_frame(&mut frames.bytes, record);
            }
        });
    }

    /// Captures several records, such as a batch forwarded from Kotlin or
    /// Swift in one call (one crossing of the FFI for many records).
    pub fn record_batch(&self, records: &[LogRecord]) {
        for record in records {
            self.record(record);
        }
    }

    /// Captures a record of the `log` facade. The message is formatted
    /// straight into the pending buffer: no intermediate `String`.
    fn capture_log(&self, record: &log::Record<'_>) {
        let level = Level::from(record.level());
        let timestamp_ms = now_ms();
        let thread = std::thread::current();
        if self.shared.sink.enabled() {
            let mut owned = LogRecord::new(
                timestamp_ms,
                level,
                record.target(),
                record.args().to_string(),
                Origin::Rust,
            );
            owned.thread = thread.name().map(str::to_string);
            self.shared.sink.write(&owned);
        }
        self.with_frames(512, |pending| {
            let frames = &mut pending.bytes;
            let start = frames.len();
            frames.extend_from_slice(&[0; 4]);
            frames.extend_from_slice(&timestamp_ms.to_le_bytes());
            frames.push(level as u8);
            frames.push(Origin::Rust as u8);
            frames.extend_from_slice(&self.shared.pid.to_le_bytes());
            frames.extend_from_slice(&u32::MAX.to_le_bytes());
            segment::put_str16(frames, record.target());
            match thread.name() {
                Some(name) => segment::put_str16(frames, name),
                None => frames.extend_from_slice(&u16::MAX.to_le_bytes()),
            }
            let len_at = frames.len();
            frames.extend_from_slice(&[0; 4]);
            let _ = write!(frames, "{}", record.args());
            let mut message_len = frames.len() - len_at - 4;
            let max = self.shared.config.max_message_bytes;
            if message_len > max {
                let message = String::from_utf8_lossy(&frames[len_at + 4..]).into_owned();
                frames.truncate(len_at + 4);
                frames.extend_from_slice(cut_message(&message, max).as_bytes());
                message_len = frames.len() - len_at - 4;
                self.shared.truncated.fetch_add(1, Ordering::Relaxed);
            }
            frames[len_at..len_at + 4].copy_from_slice(&(message_len as u32).to_le_bytes());
            encode_kv(frames, record.key_values());
            segment::finish_frame(frames, start);
        });
    }

    /// Runs `encode` on this thread's buffer when `needed` more bytes fit,
    /// and counts the record either way.
    fn with_frames(&self, needed: usize, encode: impl FnOnce(&mut Frames)) {
        let cap = self.shared.config.max_pending_bytes;
        let outcome = BUFFERS.with(|buffers| {
            let mut buffers = buffers.borrow_mut();
            let index = match buffers.iter().position(|(id, _)| *id == self.shared.id) {
                Some(index) => index,
                None => {
                    // First record of this thread for this capture.
                    let buffer = Arc::new(ThreadBuffer::default());
                    lock(&self.shared.buffers).push(Arc::clone(&buffer));
                    buffers.push((self.shared.id, buffer));
                    buffers.len() - 1
                }
            };
            let mut frames = lock(&buffers[index].1.frames);
            if frames.bytes.len() + needed > cap {
                return None;
            }
            encode(&mut frames);
            frames.records += 1;
            frames.captured += 1;
            Some(frames.bytes.len() >= cap / 2)
        });
        match outcome {
            None => {
                self.shared.dropped_backlog.fetch_add(1, Ordering::Relaxed);
            }
            Some(half_full) => {
                if half_full {
                    lock(&self.shared.control).wake = true;
                    self.shared.wake_writer.notify_one();
                }
            }
        }
    }

    /// Writes everything captured so far and waits until it is on disk (or
    /// in the memory store). For before a bundle is built, and when the app
    /// goes to the background.
    pub fn flush(&self) {
        let mut control = lock(&self.shared.control);
        if control.shutdown {
            return;
        }
        control.requested += 1;
        let ticket = control.requested;
        self.shared.wake_writer.notify_one();
        while control.served < ticket && !control.shutdown {
            control = self
                .shared
                .flushed
                .wait(control)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// What the capture has kept and dropped so far: the counts a bundle's manifest reports.
    pub fn stats(&self) -> CaptureStats {
        let s = &self.shared;
        CaptureStats {
            captured: s.captured.load(Ordering::Relaxed)
                + lock(&s.buffers)
                    .iter()
                    .map(|b| lock(&b.frames).captured)
                    .sum::<u64>(),
            dropped_backlog: s.dropped_backlog.load(Ordering::Relaxed),
            dropped_write: s.dropped_write.load(Ordering::Relaxed),
            truncated: s.truncated.load(Ordering::Relaxed),
            chunks_written: s.chunks_written.load(Ordering::Relaxed),
        }
    }

    /// The last write error, if the latest write failed.
    pub fn last_write_error(&self) -> Option<String> {
        lock(&self.shared.last_write_error).clone()
    }

    /// Every stored record, oldest first whatever the order they arrived
    /// in, after a flush: the chunks (each sorted when written) are merged
    /// by time. Memory holds the stored chunks' encoded bytes, which the
    /// store's cap bounds (`max_total_bytes`), and one record.
    pub fn records(
        &self,
    ) -> Result<(Box<dyn Iterator<Item = LogRecord> + Send>, ReadStatsHandle), LogError> {
        self.flush();
        let store = lock(&self.shared.store);
        let reader = match &*store {
            Store::Disk(_) => {
                drop(store);
                let dir = self
                    .shared
                    .config
                    .directory
                    .as_deref()
                    .expect("a disk store has a directory");
                // The cap keeps the directory within one window (the
                // current segment counts as a whole one).
                let limits = StoreLimits::with_total(self.shared.config.max_total_bytes);
                DirReader::with_window(dir, limits.max_total_bytes + limits.max_segment_bytes)?
            }
            Store::Memory(memory) => DirReader::of_memory(memory),
        };
        let handle = ReadStatsHandle::default();
        Ok((
            Box::new(StatsTracking {
                reader,
                handle: handle.clone(),
            }),
            handle,
        ))
    }

    /// Stops the writer after a last flush. Later records are ignored.
    pub fn shutdown(&self) {
        lock(&self.shared.control).shutdown = true;
        self.shared.wake_writer.notify_one();
        if let Some(handle) = lock(&self.writer).take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// What reading the store skipped, filled in as the records are read.
#[derive(Debug, Clone, Default)]
pub struct ReadStatsHandle(Arc<Mutex<ReadStats>>);

impl ReadStatsHandle {
    /// The counts so far; complete once the records have all been read.
    pub fn get(&self) -> ReadStats {
        *lock(&self.0)
    }
}

struct StatsTracking {
    reader: DirReader,
    handle: ReadStatsHandle,
}

impl Iterator for StatsTracking {
    type Item = LogRecord;
    fn next(&mut self) -> Option<LogRecord> {
        let next = self.reader.next();
        *lock(&self.handle.0) = self.reader.stats();
        next
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a log lock must not silence logging for good.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn cut_message(message: &str, max: usize) -> String {
    let kept = segment::cut(message, max);
    format!("{kept} …[cut {} bytes]", message.len() - kept.len())
}

fn encode_kv(out: &mut Vec<u8>, kvs: &dyn log::kv::Source) {
    struct Collect<'a> {
        out: &'a mut Vec<u8>,
        count: u16,
        value: String,
    }
    impl<'kvs> log::kv::VisitSource<'kvs> for Collect<'_> {
        fn visit_pair(
            &mut self,
            key: log::kv::Key<'kvs>,
            value: log::kv::Value<'kvs>,
        ) -> Result<(), log::kv::Error> {
            if self.count == u16::MAX {
                return Ok(());
            }
            self.value.clear();
            let _ = write!(self.value, "{value}");
            segment::put_str16(self.out, key.as_str());
            segment::put_str32(self.out, &self.value);
            self.count += 1;
            Ok(())
        }
    }
    let count_at = out.len();
    out.extend_from_slice(&[0, 0]);
    if kvs.count() == 0 {
        return;
    }
    let mut collect = Collect {
        out,
        count: 0,
        value: String::new(),
    };
    let _ = kvs.visit(&mut collect);
    let count = collect.count;
    out[count_at..count_at + 2].copy_from_slice(&count.to_le_bytes());
}

fn writer_loop(shared: &Shared, redactor: Option<&Redactor>) {
    loop {
        let (ticket, shutdown) = {
            let control = lock(&shared.control);
            let (mut control, _) = shared
                .wake_writer
                .wait_timeout_while(control, shared.config.flush_interval, |c| {
                    !c.shutdown && c.requested == c.served && !c.wake
                })
                .unwrap_or_else(|e| e.into_inner());
            control.wake = false;
            (control.requested, control.shutdown)
        };
        let (mut frames, records) = take_frames(shared);
        if let (Some(redactor), true) = (redactor, records > 0) {
            frames = redact_frames(&frames, redactor);
        }
        if records > 0 {
            let mut store = lock(&shared.store);
            for (payload, count) in segment::split_frames(&frames, segment::CHUNK_TARGET) {
                let chunk = segment::encode_chunk(payload, count);
                match store.append(&chunk) {
                    Ok(()) => {
                        shared.chunks_written.fetch_add(1, Ordering::Relaxed);
                        *lock(&shared.last_write_error) = None;
                    }
                    Err(e) => {
                        shared
                            .dropped_write
                            .fetch_add(u64::from(count), Ordering::Relaxed);
                        *lock(&shared.last_write_error) = Some(e.to_string());
                    }
                }
            }
            if shutdown {
                if let Err(e) = store.sync() {
                    *lock(&shared.last_write_error) = Some(e.to_string());
                }
            }
        }
        {
            let mut control = lock(&shared.control);
            control.served = control.served.max(ticket);
        }
        shared.flushed.notify_all();
        if shutdown {
            return;
        }
    }
}

/// Takes every thread's records, merged into time order, and lets go of
/// the buffers of threads that have ended.
fn take_frames(shared: &Shared) -> (Vec<u8>, u32) {
    let mut buffers = lock(&shared.buffers);
    let mut taken: Vec<Vec<u8>> = Vec::new();
    let mut records = 0;
    for buffer in buffers.iter() {
        let mut frames = lock(&buffer.frames);
        if frames.records > 0 {
            records += std::mem::take(&mut frames.records);
            taken.push(std::mem::take(&mut frames.bytes));
        }
    }
    // Only the registry holds the buffer of a thread that has ended; its
    // count moves to the shared total as the buffer goes.
    buffers.retain(|b| {
        let alive = Arc::strong_count(b) > 1;
        if !alive {
            shared
                .captured
                .fetch_add(lock(&b.frames).captured, Ordering::Relaxed);
        }
        alive
    });
    drop(buffers);
    (sort_by_time(taken), records)
}

/// Re-encodes frames with every string of their records scrubbed.
fn redact_frames(frames: &[u8], redactor: &Redactor) -> Vec<u8> {
    let mut records = Vec::new();
    let mut stats = segment::ReadStats::default();
    segment::decode_frames(frames, &mut records, &mut stats);
    let mut out = Vec::with_capacity(frames.len());
    let mut counts = RedactionCounts::default();
    for record in records {
        let record = record.redacted(redactor, &mut counts).unwrap_or(record);
        segment::encode_frame(&mut out, &record);
    }
    out
}

/// Every thread's frames as one buffer in time order. Forwarded records
/// carry their own timestamps, so even one thread's frames may be out of
/// order; the sort is stable, so equal timestamps keep their order
/// (a thread's in the order logged).
fn sort_by_time(mut parts: Vec<Vec<u8>>) -> Vec<u8> {
    let mut frames: Vec<(i64, usize, std::ops::Range<usize>)> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let mut at = 0;
        while at + 4 <= part.len() {
            let len = u32::from_le_bytes(part[at..at + 4].try_into().expect("4 bytes")) as usize;
            let end = (at + 4 + len).min(part.len());
            let timestamp = segment::frame_timestamp(&part[at..end]).unwrap_or(i64::MIN);
            frames.push((timestamp, i, at..end));
            at = end;
        }
    }
    if parts.len() == 1 && frames.is_sorted_by_key(|f| f.0) {
        return parts.pop().expect("one buffer");
    }
    frames.sort_by_key(|f| f.0);
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for (_, i, range) in frames {
        out.extend_from_slice(&parts[i][range]);
    }
    out
}

/// Routes the `log` facade into a [`Capture`].
struct Facade(Arc<Capture>);

impl log::Log for Facade {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        Level::from(metadata.level()) <= self.0.shared.config.min_level
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            self.0.capture_log(record);
        }
    }

    fn flush(&self) {
        self.0.flush();
    }
}

impl Capture {
    /// Installs this capture as the process's `log` logger. Once per
    /// process; a second call is an error (the `log` crate allows one).
    pub fn install(self: &Arc<Self>) -> Result<(), LogError> {
        log::set_boxed_logger(Box::new(Facade(Arc::clone(self))))
            .map_err(|_| LogError::AlreadyInstalled)?;
        log::set_max_level(match self.shared.config.min_level {
            Level::Error => log::LevelFilter::Error,
            Level::Warn => log::LevelFilter::Warn,
            Level::Info => log::LevelFilter::Info,
            Level::Debug => log::LevelFilter::Debug,
            Level::Trace => log::LevelFilter::Trace,
        });
        Ok(())
    }

    /// Captures a `log::Record` without installing anything (tests, and
    /// hosts that run their own `log` logger and chain to this one).
    pub fn log(&self, record: &log::Record<'_>) {
        if Level::from(record.level()) <= self.shared.config.min_level {
            self.capture_log(record);
        }
    }
}
