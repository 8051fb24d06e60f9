//! Memory and work of reading logs, counted by this test binary's own
//! allocator (bytes held at the peak, allocations made) and by counting the
//! bytes taken from the input: an importer fed a 300 MB line or an endless
//! stack trace, a log directory holding a 64 MiB segment. The inputs are
//! produced as they are read, never held. And the capture's side: a log
//! call allocates nothing once its thread's buffers exist.
//!
//! Only the measuring thread's allocations count, so that tests running
//! at once do not blur each other's figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{BufReader, Read};

use proptest::prelude::*;
use pushdoctor_core::logs::import::{ImportFormat, ImportOptions, ImportStats, Importer};
use pushdoctor_core::logs::segment::{encode_chunk, encode_frame, FILE_MAGIC};
use pushdoctor_core::logs::{Capture, CaptureConfig, DirReader, Level, LogRecord, Origin};

/// Counts what the measuring thread allocates (the code measured runs on
/// the calling thread), so that other tests running at once do not count.
struct Counting;

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static HELD: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn took(bytes: usize) {
    if MEASURING.get() {
        ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        HELD.set(HELD.get() + bytes as isize);
        PEAK.set(PEAK.get().max(HELD.get()));
    }
}

fn gave(bytes: usize) {
    if MEASURING.get() {
        HELD.set(HELD.get() - bytes as isize);
    }
}

// A global allocator is an unsafe trait by definition; this one only
// forwards to `System` and counts, so its contract is `System`'s.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            took(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            took(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        gave(layout.size());
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            gave(layout.size());
            took(new_size);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What running `f` cost: the most memory held at once beyond what was
/// held before, and the number of allocations.
#[derive(Debug)]
struct Cost {
    peak: usize,
    allocations: u64,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    HELD.set(0);
    PEAK.set(0);
    ALLOCATIONS.set(0);
    MEASURING.set(true);
    let out = f();
    MEASURING.set(false);
    let cost = Cost {
        peak: PEAK.get() as usize,
        allocations: ALLOCATIONS.get(),
    };
    (out, cost)
}

const MIB: usize = 1024 * 1024;

/// Text made of a head, `len` repeats of one byte, and a tail, produced as
/// it is read; counts what was taken.
struct Generated {
    head: Vec<u8>,
    fill: u8,
    len: u64,
    tail: Vec<u8>,
    at: u64,
}

impl Generated {
    fn total(&self) -> u64 {
        self.head.len() as u64 + self.len + self.tail.len() as u64
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let head = self.head.len() as u64;
        let n = if self.at < head {
            let from = self.at as usize;
            let n = (self.head.len() - from).min(buf.len());
            buf[..n].copy_from_slice(&self.head[from..from + n]);
            n
        } else if self.at < head + self.len {
            let n = ((head + self.len - self.at) as usize).min(buf.len());
            buf[..n].fill(self.fill);
            n
        } else {
            let from = (self.at - head - self.len) as usize;
            let n = (self.tail.len().saturating_sub(from)).min(buf.len());
            buf[..n].copy_from_slice(&self.tail[from..from + n]);
            n
        };
        self.at += n as u64;
        Ok(n)
    }
}

fn options() -> ImportOptions {
    ImportOptions {
        year: 2026,
        ..ImportOptions::default()
    }
}

fn import(source: impl Read, options: ImportOptions) -> (Vec<LogRecord>, ImportStats) {
    let mut importer = Importer::new(
        BufReader::with_capacity(64 * 1024, source),
        ImportFormat::LogcatThreadtime,
        options,
    );
    let records = importer.by_ref().collect();
    (records, importer.stats().clone())
}

const HEAD: &[u8] = b"03-17 16:13:38.811  1702  2395 I Tag: ";

#[test]
fn a_300_mb_line_costs_one_line_buffer() {
    let line = 300_000_000u64;
    let source = Generated {
        head: HEAD.to_vec(),
        fill: b'x',
        len: line,
        tail: b"\n03-17 16:13:38.812  1702  2395 I Tag: next\n".to_vec(),
        at: 0,
    };
    let total = source.total();
    let ((records, stats), cost) = measure(|| import(source, options()));
    eprintln!("a {total}-byte input with a 300 MB line: {cost:?}");
    assert_eq!(records.len(), 2);
    let kept = 64 * 1024;
    assert_eq!(
        records[0].message,
        format!("{} …[cut {} bytes]", "x".repeat(kept), line - kept as u64)
    );
    assert_eq!(records[1].message, "next");
    assert_eq!(
        (stats.lines, stats.truncated_lines, stats.truncated_messages),
        (2, 1, 1)
    );
    assert_eq!(stats.cut_bytes, line - kept as u64);
    // The line buffer (65 KiB), the reader's buffer (64 KiB), the records.
    assert!(cost.peak < MIB, "{cost:?} for a {total}-byte input");
    assert!(cost.allocations < 100, "{cost:?}");
}

#[test]
fn an_endless_stack_trace_is_cut_at_the_message_cap() {
    // One record, then 200,000 continuation lines of 1 KiB (200 MB).
    let lines = 200_000u64;
    let mut continuation = vec![b'\t'; 1023];
    continuation.push(b'\n');
    struct Lines {
        head: Vec<u8>,
        line: Vec<u8>,
        left: u64,
        at: usize,
    }
    impl Read for Lines {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if !self.head.is_empty() {
                let n = self.head.len().min(buf.len());
                buf[..n].copy_from_slice(&self.head[..n]);
                self.head.drain(..n);
                return Ok(n);
            }
            if self.left == 0 {
                return Ok(0);
            }
            let n = (self.line.len() - self.at).min(buf.len());
            buf[..n].copy_from_slice(&self.line[self.at..self.at + n]);
            self.at += n;
            if self.at == self.line.len() {
                (self.at, self.left) = (0, self.left - 1);
            }
            Ok(n)
        }
    }
    let source = Lines {
        head: [HEAD, b"crash\n"].concat(),
        line: continuation,
        left: lines,
        at: 0,
    };
    let ((records, stats), cost) = measure(|| import(source, options()));
    eprintln!("a record and {lines} continuation lines of 1 KiB: {cost:?}");
    assert_eq!(records.len(), 1);
    assert_eq!(stats.continuation_lines, lines);
    // "crash" and the joined lines (each "\n" + 1023 tabs): what did not
    // fit under the cap is counted, to the byte.
    let joined = 5 + lines * 1024;
    let max = 64 * 1024;
    assert_eq!(stats.cut_bytes, joined - max as u64);
    assert!(records[0]
        .message
        .ends_with(&format!(" …[cut {} bytes]", joined - max as u64)));
    let marker = format!(" …[cut {} bytes]", joined - max as u64);
    assert_eq!(records[0].message.len(), max + marker.len());
    assert!(cost.peak < MIB, "{cost:?}");
    // A line costs no allocation of its own past the cap, but for the
    // text of the line itself: a bounded number per line.
    assert!(cost.allocations <= 2 * lines + 100, "{cost:?}");
}

#[test]
fn a_64_mib_segment_in_a_directory_is_read_one_chunk_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MiB of 256 KiB chunks, written chunk by chunk.
    let mut frames = Vec::new();
    let mut count = 0;
    while frames.len() < 256 * 1024 {
        let r = LogRecord::new(count, Level::Info, "Tag", "m".repeat(200), Origin::App);
        encode_frame(&mut frames, &r);
        count += 1;
    }
    let chunk = encode_chunk(&frames, count as u32);
    {
        use std::io::Write;
        let mut file = std::fs::File::create(dir.path().join("0000000001.pdlog")).unwrap();
        file.write_all(FILE_MAGIC).unwrap();
        for _ in 0..256 {
            file.write_all(&chunk).unwrap();
        }
    }
    drop((frames, chunk));
    // A merge window of 1 MiB: the reader holds that much of chunks, one
    // chunk being read, and one record.
    let (read, cost) = measure(|| {
        DirReader::with_window(dir.path(), MIB as u64)
            .unwrap()
            .map(|r| r.message.len())
            .sum::<usize>()
    });
    eprintln!("a 64 MiB segment through a 1 MiB merge window: {cost:?}");
    assert_eq!(read, 256 * count as usize * 200);
    assert!(cost.peak < 4 * MIB, "{cost:?} for a 64 MiB segment");
}

/// The capture as an app runs it (default buffers, the writer draining
/// them): once the thread's buffer and its spare exist, logging allocates
/// nothing on the logging thread, however many times the writer swaps
/// the buffers, and holds no more memory than it held before.
#[test]
fn a_log_call_allocates_nothing_once_its_buffers_exist() {
    let capture = Capture::start(CaptureConfig {
        platform_sink: false,
        ..CaptureConfig::default()
    })
    .unwrap();
    let log = |i: usize| {
        capture.log(
            &log::Record::builder()
                .level(log::Level::Info)
                .target("pushdoctor::accept")
                .args(format_args!(
                    "accept attempt {i} for request a1b2c3 took 120ms"
                ))
                .build(),
        );
    };
    // Two swaps at least (2 × 512 KiB of records): the spare exists.
    for i in 0..20_000 {
        log(i);
    }
    capture.flush();
    let swaps_before = capture.stats().chunks_written;
    let (_, cost) = measure(|| {
        for i in 0..50_000 {
            log(i);
        }
    });
    capture.flush();
    let stats = capture.stats();
    // About 4 MiB of records: the writer took the buffer several times.
    assert!(stats.chunks_written >= swaps_before + 4, "{stats:?}");
    assert_eq!(stats.dropped_backlog, 0, "{stats:?}");
    assert_eq!(cost.allocations, 0, "{cost:?}");
    assert_eq!(cost.peak, 0, "{cost:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any text, hostile included (long lines, lines of only continuation,
    /// invalid UTF-8, carriage returns, markers): no panic, every line
    /// counted, no message past its cap, every cut byte counted and marked,
    /// and memory bounded by the caps, not the input.
    #[test]
    fn any_text_imports_within_its_caps(
        lines in proptest::collection::vec(
            prop_oneof![
                Just(String::from("03-17 16:13:38.811  1702  2395 D Tag: message")),
                Just(String::from("--------- beginning of main")),
                "[ -~]{0,80}",
                "(03-17 16:13:38.811  1702  2395 E Tag: )?[xé\t\r]{0,3000}",
                any::<String>(),
            ],
            0..40,
        ),
        invalid in proptest::collection::vec(any::<u8>(), 0..20),
        max_message in 16usize..2048,
        max_line in 16usize..2048,
    ) {
            let mut text = lines.join("\n").into_bytes();
        let at = text.len() / 2;
        text.splice(at..at, invalid);
        let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
        let options = ImportOptions { max_message_bytes: max_message, max_line_bytes: max_line, ..options() };
        // Each record is looked at and let go, as a bundle does.
        let ((stats, records, cut, marked, longest), cost) = measure(|| {
            let mut importer = Importer::new(&text[..], ImportFormat::LogcatThreadtime, options);
            let (mut records, mut cut, mut marked, mut longest) = (0u64, 0u64, 0u64, 0usize);
            for r in importer.by_ref() {
                let (kept, n) = match r.message.rfind(" …[cut ") {
                    Some(i) if r.message.ends_with(" bytes]") => {
                        let digits = &r.message[i + " …[cut ".len()..r.message.len() - " bytes]".len()];
                        (i, digits.parse::<u64>().unwrap())
                    }
                    _ => (r.message.len(), 0),
                };
                records += 1;
                cut += n;
                marked += u64::from(n > 0);
                longest = longest.max(kept);
            }
            (importer.stats().clone(), records, cut, marked, longest)
        });
        let unterminated = u64::from(!text.is_empty() && !text.ends_with(b"\n"));
        prop_assert_eq!(stats.lines, newlines + unterminated);
        prop_assert_eq!(stats.records, records);
        prop_assert!(longest <= max_message, "{} > {}", longest, max_message);
        prop_assert_eq!(stats.cut_bytes, cut);
        prop_assert_eq!(stats.truncated_messages, marked);
        // A line, a message and its copy, whatever the input's length.
        prop_assert!(cost.peak <= 8 * (max_line + max_message) + 4096, "{:?}", cost);
    }
}
