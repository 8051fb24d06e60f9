//! The logger: every record goes to the platform's log and into a bounded
//! buffer that a writer thread persists, chunk by chunk.
//!
//! A log call costs what formatting the message costs plus a few
//! nanoseconds: the record is encoded straight into a buffer of the calling
//! thread's own (its lock is only ever contended by the writer's swap),
//! stamped with a coarse clock (`clock`), and the writer thread swaps those
//! buffers out for the emptied ones it wrote last time, merges them by time
//! and writes one chunk. Threads logging at once do not queue on one lock,
//! and a thread logging steadily allocates nothing.
//!
//! Each thread's buffer is bounded (`max_pending_bytes`). A thread that
//! fills it before the writer came by (a burst) waits for the writer to
//! swap it, at most `max_backlog_wait`: a burst loses nothing, and memory
//! stays at two buffers a logging thread. Only when the writer cannot take
//! the buffer within that wait (a stalled disk) are new records dropped and
//! counted (`dropped_backlog`), without waiting again until it does.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use super::clock::coarse_now_ms;
use super::record::{Level, LogRecord, Origin};
use super::segment::{self, ReadStats};
use super::sink::PlatformSink;
use super::store::{DirReader, DiskStore, MemoryStore, Store, StoreLimits};
use super::LogError;
use crate::logs::redact::{RedactionCounts, Redactor};

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
    /// Records of one thread waiting for the writer are capped at this
    /// many bytes (default 512 KiB). A thread holds two such buffers at
    /// most: the one it fills and the one the writer is writing.
    pub max_pending_bytes: usize,
    /// How long a thread whose buffer is full waits for the writer to take
    /// it (default 100 ms). Past it (the writer is stuck on a stalled
    /// disk), records are dropped and counted (`dropped_backlog`), and the
    /// thread does not wait again until the writer has taken its buffer.
    /// Zero never waits: a full buffer drops at once.
    pub max_backlog_wait: Duration,
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
            max_backlog_wait: Duration::from_millis(100),
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
    /// Records dropped because the thread's buffer was full and the writer
    /// did not take it within `max_backlog_wait`, or because one record
    /// alone was larger than `max_pending_bytes`.
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
struct Frames {
    bytes: Vec<u8>,
    records: u32,
    /// Records this thread has captured, ever: counted here rather than in
    /// a shared atomic, whose cache line threads would fight over.
    captured: u64,
    /// The buffer the writer wrote last time, emptied and handed back: the
    /// next swap gives it to the thread, so that logging allocates nothing
    /// and touches memory it already has.
    spare: Option<Vec<u8>>,
    /// The writer was told this buffer is half full (once per buffer: the
    /// records after it do not take the control lock again).
    woke_writer: bool,
    /// The thread waited `max_backlog_wait` in vain: it drops without
    /// waiting until the writer takes the buffer.
    stalled: bool,
    /// The records in `bytes` are in time order (Rust records always are):
    /// the writer then merges buffers without sorting.
    sorted: bool,
    /// The newest timestamp in `bytes`.
    last_timestamp: i64,
}

/// One thread's buffer, shared with the writer.
struct ThreadBuffer {
    /// The thread's name, read once: `thread::current()` per record costs
    /// as much as the rest of the record.
    thread: Option<Box<str>>,
    frames: Mutex<Frames>,
    /// Wakes the thread waiting for room when the writer has taken its buffer.
    taken: Condvar,
}

/// Buffers are made at most this large up front: a larger
/// `max_pending_bytes` is reached by growing.
const PRESIZE_MAX: usize = 4 * 1024 * 1024;

impl ThreadBuffer {
    fn for_this_thread(max_pending_bytes: usize) -> ThreadBuffer {
        ThreadBuffer {
            thread: std::thread::current().name().map(Box::from),
            frames: Mutex::new(Frames {
                bytes: Vec::with_capacity(max_pending_bytes.min(PRESIZE_MAX)),
                records: 0,
                captured: 0,
                spare: None,
                woke_writer: false,
                stalled: false,
                sorted: true,
                last_timestamp: i64::MIN,
            }),
            taken: Condvar::new(),
        }
    }
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
        self.with_frames(needed, record.timestamp_ms, |frames, _| {
            if record.message.len() > max {
                let mut cut = record.clone();
                cut.message = cut_message(&record.message, max);
                segment::encode_frame(frames, &cut);
                self.shared.truncated.fetch_add(1, Ordering::Relaxed);
            } else {
                segment::encode_frame(frames, record);
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
    /// straight into the thread's buffer: no intermediate `String`.
    fn capture_log(&self, record: &log::Record<'_>) {
        let level = Level::from(record.level());
        let timestamp_ms = coarse_now_ms();
        if self.shared.sink.enabled() {
            let mut owned = LogRecord::new(
                timestamp_ms,
                level,
                record.target(),
                record.args().to_string(),
                Origin::Rust,
            );
            owned.thread = std::thread::current().name().map(str::to_string);
            self.shared.sink.write(&owned);
        }
        let pid = self.shared.pid;
        let max = self.shared.config.max_message_bytes;
        self.with_frames(512, timestamp_ms, |frames, thread| {
            let start = frames.len();
            // The frame's fixed fields in one copy: its length (filled in
            // last), time, level, origin, pid, and no tid.
            let mut head = [0u8; 22];
            head[4..12].copy_from_slice(&timestamp_ms.to_le_bytes());
            head[12] = level as u8;
            head[13] = Origin::Rust as u8;
            head[14..18].copy_from_slice(&pid.to_le_bytes());
            head[18..22].copy_from_slice(&u32::MAX.to_le_bytes());
            frames.extend_from_slice(&head);
            segment::put_str16(frames, record.target());
            match thread {
                Some(name) => segment::put_str16(frames, name),
                None => frames.extend_from_slice(&u16::MAX.to_le_bytes()),
            }
            let len_at = frames.len();
            frames.extend_from_slice(&[0; 4]);
            write_args(frames, record.args());
            let mut message_len = frames.len() - len_at - 4;
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

    /// Runs `encode` on this thread's buffer (with the thread's name) when
    /// `needed` more bytes fit, waiting for the writer if they do not yet,
    /// and counts the record either way.
    fn with_frames(
        &self,
        needed: usize,
        timestamp_ms: i64,
        encode: impl FnOnce(&mut Vec<u8>, Option<&str>),
    ) {
        let shared = &*self.shared;
        let cap = shared.config.max_pending_bytes;
        let kept = BUFFERS.with(|buffers| {
            let mut buffers = buffers.borrow_mut();
            let index = match buffers.iter().position(|(id, _)| *id == shared.id) {
                Some(index) => index,
                None => {
                    // First record of this thread for this capture.
                    let buffer = Arc::new(ThreadBuffer::for_this_thread(cap));
                    lock(&shared.buffers).push(Arc::clone(&buffer));
                    buffers.push((shared.id, buffer));
                    buffers.len() - 1
                }
            };
            let buffer = &buffers[index].1;
            let mut frames = lock(&buffer.frames);
            if frames.bytes.len() + needed > cap {
                frames = match self.wait_for_room(buffer, frames, needed) {
                    Some(frames) => frames,
                    None => return false,
                };
            }
            encode(&mut frames.bytes, buffer.thread.as_deref());
            frames.sorted &= timestamp_ms >= frames.last_timestamp;
            frames.last_timestamp = timestamp_ms;
            frames.records += 1;
            frames.captured += 1;
            if frames.bytes.len() >= cap / 2 && !frames.woke_writer {
                frames.woke_writer = true;
                drop(frames);
                self.wake_writer();
            }
            true
        });
        if !kept {
            shared.dropped_backlog.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Waits, at most `max_backlog_wait`, for the writer to take this
    /// thread's full buffer; `None` when the record is to be dropped: it
    /// can never fit, the capture is shut down, or the writer did not come.
    fn wait_for_room<'a>(
        &self,
        buffer: &'a ThreadBuffer,
        frames: MutexGuard<'a, Frames>,
        needed: usize,
    ) -> Option<MutexGuard<'a, Frames>> {
        let config = &self.shared.config;
        let cap = config.max_pending_bytes;
        if needed > cap || frames.stalled || config.max_backlog_wait.is_zero() {
            return None;
        }
        // The control lock is taken with no other lock held.
        drop(frames);
        if !self.wake_writer() {
            return None;
        }
        let frames = lock(&buffer.frames);
        let (mut frames, _) = buffer
            .taken
            .wait_timeout_while(frames, config.max_backlog_wait, |f| {
                f.bytes.len() + needed > cap
            })
            .unwrap_or_else(|e| e.into_inner());
        if frames.bytes.len() + needed > cap {
            frames.stalled = true;
            return None;
        }
        Some(frames)
    }

    /// Asks the writer to write now; `false` once the capture is shut down.
    fn wake_writer(&self) -> bool {
        let mut control = lock(&self.shared.control);
        if control.shutdown {
            return false;
        }
        control.wake = true;
        drop(control);
        self.shared.wake_writer.notify_one();
        true
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
        // The writer moves an ended thread's count to `s.captured` under
        // the `buffers` lock: both are read under it, so that a count is
        // never missed on its way from one to the other.
        let buffers = lock(&s.buffers);
        let captured = s.captured.load(Ordering::Relaxed)
            + buffers
                .iter()
                .map(|b| lock(&b.frames).captured)
                .sum::<u64>();
        drop(buffers);
        CaptureStats {
            captured,
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
    let mut scratch = Scratch::default();
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
        let (taken, records) = take_buffers(shared);
        if records > 0 {
            let frames = merge_by_time(&taken, &mut scratch.index, &mut scratch.merged);
            let redacted;
            let frames = match redactor {
                Some(redactor) => {
                    redacted = redact_frames(frames, redactor);
                    &redacted[..]
                }
                None => frames,
            };
            write_frames(shared, frames, &mut scratch.chunk, shutdown);
        }
        scratch.trim();
        // Each thread gets its buffer back, emptied, for its next swap.
        for Taken {
            buffer, mut bytes, ..
        } in taken
        {
            bytes.clear();
            lock(&buffer.frames).spare = Some(bytes);
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

/// The writer's working buffers, reused round after round: fresh memory
/// costs a page fault every 4 KiB, on the cores the app logs from.
#[derive(Default)]
struct Scratch {
    /// Where each frame of the taken buffers is, by time.
    index: Vec<(i64, usize, std::ops::Range<usize>)>,
    /// The frames of several threads merged by time.
    merged: Vec<u8>,
    /// One chunk as it is written.
    chunk: Vec<u8>,
}

impl Scratch {
    /// Empties the buffers, and lets go of what a burst made them grow
    /// past one chunk's worth.
    fn trim(&mut self) {
        self.index.clear();
        self.index.shrink_to(segment::CHUNK_TARGET / 64);
        self.merged.clear();
        self.merged.shrink_to(segment::CHUNK_TARGET);
        self.chunk.clear();
        self.chunk
            .shrink_to(segment::CHUNK_TARGET + segment::CHUNK_HEADER);
    }
}

/// Appends frames to the store as chunks, counting what could not be written.
fn write_frames(shared: &Shared, frames: &[u8], chunk: &mut Vec<u8>, shutdown: bool) {
    let mut store = lock(&shared.store);
    for (payload, count) in segment::split_frames(frames, segment::CHUNK_TARGET) {
        segment::encode_chunk_into(chunk, payload, count);
        match store.append(chunk) {
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

/// One thread's records, taken by the writer, and the buffer they go back to.
struct Taken {
    buffer: Arc<ThreadBuffer>,
    bytes: Vec<u8>,
    /// Its records are in time order.
    sorted: bool,
}

/// Takes every thread's records, giving each thread its spare (emptied)
/// buffer in exchange, and lets go of the buffers of threads that have
/// ended.
fn take_buffers(shared: &Shared) -> (Vec<Taken>, u32) {
    let mut buffers = lock(&shared.buffers);
    // Only the registry holds the buffer of a thread that has ended. Which
    // have ended is settled before any buffer is taken: a thread that logs
    // its last records and ends while the buffers are being taken is let
    // go of next round, with those records, never before they are taken.
    let ended: Vec<bool> = buffers.iter().map(|b| Arc::strong_count(b) == 1).collect();
    // Its records were logged before it let go of the buffer (a release).
    std::sync::atomic::fence(Ordering::Acquire);
    let mut taken = Vec::new();
    let mut records = 0;
    for buffer in buffers.iter() {
        let mut frames = lock(&buffer.frames);
        if frames.records > 0 {
            records += std::mem::take(&mut frames.records);
            let spare = match frames.spare.take() {
                Some(spare) => spare,
                None => Vec::with_capacity(frames.bytes.capacity()),
            };
            let bytes = std::mem::replace(&mut frames.bytes, spare);
            let sorted = std::mem::replace(&mut frames.sorted, true);
            frames.last_timestamp = i64::MIN;
            frames.woke_writer = false;
            frames.stalled = false;
            drop(frames);
            buffer.taken.notify_all();
            taken.push(Taken {
                buffer: Arc::clone(buffer),
                bytes,
                sorted,
            });
        }
    }
    // An ended thread's count moves to the shared total as its buffer goes.
    let mut ended = ended.into_iter();
    buffers.retain(|b| {
        let ended = ended.next().expect("one flag a buffer");
        if ended {
            shared
                .captured
                .fetch_add(lock(&b.frames).captured, Ordering::Relaxed);
        }
        !ended
    });
    (taken, records)
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

/// Every taken thread's frames in time order: the one buffer itself when
/// it is alone and in order, else merged into `merged`: buffers each in
/// order (the common case) by a k-way merge, others through an index
/// sorted by time. Forwarded records carry their own timestamps, so even
/// one thread's frames may be out of order; the sort is stable, so equal
/// timestamps keep their order (a thread's in the order logged, and
/// threads in the order of their buffers, as the k-way merge does too).
fn merge_by_time<'a>(
    parts: &'a [Taken],
    frames: &mut Vec<(i64, usize, std::ops::Range<usize>)>,
    merged: &'a mut Vec<u8>,
) -> &'a [u8] {
    merged.clear();
    if parts.iter().all(|part| part.sorted) {
        if let [part] = parts {
            return &part.bytes;
        }
        let mut at = vec![0; parts.len()];
        loop {
            let mut oldest: Option<(i64, usize, usize)> = None;
            for (i, part) in parts.iter().enumerate() {
                if let Some((timestamp, end)) = next_frame(&part.bytes, at[i]) {
                    if oldest.is_none_or(|(t, _, _)| timestamp < t) {
                        oldest = Some((timestamp, i, end));
                    }
                }
            }
            let Some((_, i, end)) = oldest else {
                return merged;
            };
            merged.extend_from_slice(&parts[i].bytes[at[i]..end]);
            at[i] = end;
        }
    }
    frames.clear();
    for (i, part) in parts.iter().enumerate() {
        let mut at = 0;
        while let Some((timestamp, end)) = next_frame(&part.bytes, at) {
            frames.push((timestamp, i, at..end));
            at = end;
        }
    }
    frames.sort_by_key(|f| f.0);
    for (_, i, range) in frames.drain(..) {
        merged.extend_from_slice(&parts[i].bytes[range]);
    }
    merged
}

/// The timestamp and end of the frame at `at`, if one starts there.
fn next_frame(frames: &[u8], at: usize) -> Option<(i64, usize)> {
    let len = u32::from_le_bytes(frames.get(at..at + 4)?.try_into().expect("4 bytes")) as usize;
    let end = (at + 4 + len).min(frames.len());
    let timestamp = segment::frame_timestamp(&frames[at..end]).unwrap_or(i64::MIN);
    Some((timestamp, end))
}

/// Appends the formatted message to the frame: straight from the format
/// string when it has no arguments, else formatted in place.
fn write_args(out: &mut Vec<u8>, args: &std::fmt::Arguments<'_>) {
    if let Some(text) = args.as_str() {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    struct Bytes<'a>(&'a mut Vec<u8>);
    impl std::fmt::Write for Bytes<'_> {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0.extend_from_slice(text.as_bytes());
            Ok(())
        }
    }
    let _ = std::fmt::write(&mut Bytes(out), *args);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize) -> LogRecord {
        LogRecord::new(
            1_700_000_000_000 + i as i64,
            Level::Info,
            "Accept",
            format!("attempt {i}"),
            Origin::App,
        )
    }

    /// A writer stuck on its store (a stalled disk, held here by the
    /// test): the thread keeps at most its two buffers (the one the writer
    /// holds and the one it fills), waits for the writer, then drops and
    /// counts without waiting again; when the writer comes back,
    /// everything kept is written and logging resumes.
    #[test]
    fn a_stalled_writer_bounds_what_a_thread_keeps_and_the_rest_is_counted() {
        let cap = 8 * 1024;
        let capture = Capture::start(CaptureConfig {
            flush_interval: Duration::from_secs(3600),
            max_pending_bytes: cap,
            max_backlog_wait: Duration::from_millis(20),
            platform_sink: false,
            ..CaptureConfig::default()
        })
        .unwrap();
        let store = lock(&capture.shared.store);
        // About 240 KiB of records: thirty times the buffer.
        let offered = 5_000;
        for i in 0..offered {
            capture.record(&record(i));
        }
        let stats = capture.stats();
        let kept = offered as u64 - stats.dropped_backlog;
        assert_eq!(stats.captured, kept);
        assert!(stats.dropped_backlog > 0, "{stats:?}");
        let stalled = BUFFERS.with(|buffers| {
            let buffers = buffers.borrow();
            let (_, buffer) = buffers
                .iter()
                .find(|(id, _)| *id == capture.shared.id)
                .unwrap();
            let stalled = lock(&buffer.frames).stalled;
            stalled
        });
        assert!(stalled, "the thread stopped waiting");
        drop(store);

        capture.flush();
        capture.record(&record(offered));
        let kept_in_order: Vec<usize> = capture
            .records()
            .unwrap()
            .0
            .map(|r| r.message["attempt ".len()..].parse().unwrap())
            .collect();
        assert_eq!(kept_in_order.len() as u64, kept + 1);
        assert_eq!(kept_in_order[0], 0);
        assert!(kept_in_order.windows(2).all(|w| w[0] < w[1]), "in order");
        assert_eq!(kept_in_order.last(), Some(&offered), "logging resumed");
        // At most two buffers' worth of records were kept.
        let mut kept_bytes = Vec::new();
        for &i in &kept_in_order[..kept as usize] {
            segment::encode_frame(&mut kept_bytes, &record(i));
        }
        assert!(
            kept_bytes.len() <= 2 * cap,
            "{} bytes kept",
            kept_bytes.len()
        );
        assert_eq!(capture.stats().dropped_backlog, stats.dropped_backlog);
    }
}
