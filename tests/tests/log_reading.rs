//! Reading segments back, whatever they hold: damage is skipped and
//! counted, nothing outside it is lost, and the work done and the memory
//! held are bounded by the input's size and the largest chunk, counted
//! (bytes examined, the largest buffer) rather than timed.

use std::io::Read;

use proptest::prelude::*;
use pushdoctor_core::logs::segment::{
    encode_chunk, encode_frame, FILE_MAGIC, MAX_CHUNK, MAX_OPEN_CANDIDATES, READ_BLOCK,
};
use pushdoctor_core::logs::{Level, LogRecord, Origin, ReadStats, ReadWork, SegmentReader};

fn record(i: u64, message_len: usize) -> LogRecord {
    let mut r = LogRecord::new(
        1_700_000_000_000 + i as i64,
        Level::Info,
        "Accept",
        format!("attempt {i} {}", "m".repeat(message_len)),
        Origin::App,
    );
    r.thread = Some("main".into());
    r
}

fn chunk(records: &[LogRecord]) -> Vec<u8> {
    let mut frames = Vec::new();
    for r in records {
        encode_frame(&mut frames, r);
    }
    encode_chunk(&frames, records.len() as u32)
}

/// A fake chunk header: plausible (a length within the cap, a record
/// count that fits it) but with no payload that matches its checksum.
fn fake_header(len: u32) -> Vec<u8> {
    let mut header = b"PDCH".to_vec();
    header.extend_from_slice(&len.to_le_bytes());
    header.extend_from_slice(&0xdead_beef_u32.to_le_bytes());
    header.extend_from_slice(&1u32.to_le_bytes());
    header
}

fn read_all(data: &[u8]) -> (Vec<LogRecord>, ReadStats, ReadWork) {
    let mut reader = SegmentReader::new(data);
    let records = reader.by_ref().collect();
    (records, reader.stats(), reader.work())
}

/// Every record of a segment, the records of its good chunks in order,
/// and what reading cost.
fn messages(records: &[LogRecord]) -> Vec<&str> {
    records.iter().map(|r| r.message.as_str()).collect()
}

#[test]
fn eight_mib_of_damaged_chunk_headers_cost_linear_work() {
    let before: Vec<LogRecord> = (0..3).map(|i| record(i, 10)).collect();
    let after: Vec<LogRecord> = (3..6).map(|i| record(i, 10)).collect();
    let mut data = FILE_MAGIC.to_vec();
    data.extend(chunk(&before));
    // Headers back to back, each claiming the next 4 MiB.
    let damage = 8 << 20;
    while data.len() < damage {
        data.extend(fake_header(4 << 20));
    }
    data.extend(chunk(&after));
    let (records, stats, work) = read_all(&data);
    eprintln!("{} bytes of fake headers: {work:?}", data.len());
    assert_eq!(records, [before, after].concat());
    let n = data.len() as u64;
    assert!(
        work.bytes_examined <= (MAX_OPEN_CANDIDATES as u64 + 2) * n,
        "{work:?} for {n} bytes"
    );
    assert_eq!(stats.skipped_chunks, 1);
    assert!(work.candidates_passed_over > 0, "the bound was reached");
    // The window holds about one fake chunk's claim, not the input.
    assert!(
        work.largest_buffer <= 2 * (4 << 20) + 4 * READ_BLOCK,
        "{work:?}"
    );
}

#[test]
fn every_byte_a_fake_magic_is_scanned_once() {
    for (pattern, size) in [
        (&b"PDCH"[..], 8 << 20),
        (b"PDCHPDC", 1 << 20),
        (b"PPDCH\0\0\0", 1 << 20),
    ] {
        let mut data = FILE_MAGIC.to_vec();
        while data.len() < size {
            data.extend_from_slice(pattern);
        }
        let (records, stats, work) = read_all(&data);
        eprintln!(
            "{} bytes of {:?}: {work:?}",
            data.len(),
            String::from_utf8_lossy(pattern)
        );
        assert!(records.is_empty());
        let n = data.len() as u64;
        assert_eq!(stats.skipped_bytes, n - FILE_MAGIC.len() as u64);
        // One look per byte for the magic, one header per magic, and the
        // buffer moved down as the scan goes on.
        assert!(work.bytes_examined <= 7 * n, "{work:?} for {n} bytes");
        assert!(work.largest_buffer <= 4 * READ_BLOCK, "{work:?}");
        assert_eq!(work.bytes_read, n, "read once");
    }
}

#[test]
fn headers_claiming_huge_lengths_allocate_nothing_for_the_claim() {
    let mut data = FILE_MAGIC.to_vec();
    for _ in 0..1000 {
        data.extend(fake_header(MAX_CHUNK as u32));
        data.extend_from_slice(b"short");
    }
    data.extend(chunk(&[record(1, 10)]));
    // Without the length: the claims are read as far as the data goes.
    let (records, _, work) = read_all(&data);
    assert_eq!(messages(&records), [record(1, 10).message.as_str()]);
    assert!(work.largest_buffer <= 4 * READ_BLOCK, "{work:?}");
    // With the file's length, a claim past the end is refused unread.
    let mut reader = SegmentReader::with_len(&data[..], data.len() as u64);
    assert_eq!(reader.by_ref().count(), 1);
    assert!(reader.work().bytes_examined <= 4 * data.len() as u64);
    // Past the cap: not a chunk at all.
    let mut past = FILE_MAGIC.to_vec();
    past.extend(fake_header(MAX_CHUNK as u32 + 1));
    past.extend(chunk(&[record(2, 10)]));
    assert_eq!(read_all(&past).0, [record(2, 10)]);
}

#[test]
fn headers_whose_record_count_cannot_fit_are_not_candidates() {
    for records in [0u32, 1 << 20, u32::MAX] {
        let mut data = FILE_MAGIC.to_vec();
        for _ in 0..1000 {
            let mut header = fake_header(1 << 20);
            header[12..16].copy_from_slice(&records.to_le_bytes());
            data.extend(header);
        }
        data.extend(vec![b'x'; 2 << 20]);
        data.extend(chunk(&[record(1, 10)]));
        let mut reader = SegmentReader::with_len(&data[..], data.len() as u64);
        assert_eq!(reader.by_ref().collect::<Vec<_>>(), [record(1, 10)]);
        let work = reader.work();
        assert_eq!(work.candidates_passed_over, 0, "{records}: {work:?}");
        // Nothing checksummed: a scan, the headers, the buffer's moves.
        assert!(
            work.bytes_examined <= 2 * data.len() as u64,
            "{records}: {work:?}"
        );
    }
}

/// A source that is interrupted, then fails.
struct Failing {
    data: Vec<u8>,
    at: usize,
    calls: usize,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.calls += 1;
        if self.calls == 1 {
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        if self.at == self.data.len() {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = (self.data.len() - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn an_interrupted_read_is_retried_and_a_failed_one_ends_the_segment_with_its_error() {
    let mut data = FILE_MAGIC.to_vec();
    data.extend(chunk(&[record(1, 10), record(2, 10)]));
    let mut reader = SegmentReader::new(Failing {
        data,
        at: 0,
        calls: 0,
    });
    assert_eq!(
        reader.by_ref().collect::<Vec<_>>(),
        [record(1, 10), record(2, 10)]
    );
    let error = reader.error().expect("the failure is kept");
    assert_eq!(error.to_string(), "the disk went away");
    assert_eq!(reader.stats().skipped_bytes, 0);
}

/// A segment of `chunks` chunks of about `chunk_bytes` each, produced as
/// it is read: the test never holds the segment.
struct GeneratedSegment {
    chunk: Vec<u8>,
    chunks: usize,
    /// Bytes produced so far, the file magic included.
    at: usize,
}

impl GeneratedSegment {
    fn new(chunk_bytes: usize, chunks: usize) -> Self {
        let mut records = Vec::new();
        let mut size = 0;
        while size < chunk_bytes {
            let r = record(records.len() as u64, 100);
            let mut frame = Vec::new();
            encode_frame(&mut frame, &r);
            size += frame.len();
            records.push(r);
        }
        GeneratedSegment {
            chunk: chunk(&records),
            chunks,
            at: 0,
        }
    }

    fn len(&self) -> usize {
        FILE_MAGIC.len() + self.chunk.len() * self.chunks
    }
}

impl Read for GeneratedSegment {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let total = self.len();
        if self.at >= total {
            return Ok(0);
        }
        let (source, offset) = if self.at < FILE_MAGIC.len() {
            (&FILE_MAGIC[..], self.at)
        } else {
            let in_chunks = self.at - FILE_MAGIC.len();
            (&self.chunk[..], in_chunks % self.chunk.len())
        };
        let n = (source.len() - offset).min(buf.len());
        buf[..n].copy_from_slice(&source[offset..offset + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_64_mib_segment_is_read_one_chunk_at_a_time() {
    let source = GeneratedSegment::new(256 * 1024, 256);
    let (n, chunk_len, per_chunk) = (
        source.len(),
        source.chunk.len(),
        u32::from_le_bytes(source.chunk[12..16].try_into().unwrap()) as u64,
    );
    assert!(n >= 64 << 20);
    let mut reader = SegmentReader::new(source);
    let count = reader.by_ref().count() as u64;
    assert_eq!(count, per_chunk * 256);
    let (stats, work) = (reader.stats(), reader.work());
    eprintln!("a {n}-byte segment: {work:?}");
    assert_eq!(stats.skipped_bytes, 0);
    assert_eq!(work.bytes_read, n as u64);
    assert!(
        work.largest_buffer <= 2 * chunk_len + 4 * READ_BLOCK,
        "{work:?}, chunks of {chunk_len} bytes"
    );
    assert!(
        work.bytes_examined <= 4 * n as u64,
        "{work:?} for {n} bytes"
    );
}

#[test]
fn a_chunk_inside_a_message_does_not_replace_the_chunk_holding_it() {
    // A whole valid chunk that is also valid UTF-8, so that an app could
    // log it as a message (a forged record, hoping to replace its host).
    let inner = (0..)
        .map(|i| {
            let mut forged = LogRecord::new(
                0x0102_0304_0506_0708,
                Level::Info,
                "t",
                format!("forged {i}"),
                Origin::App,
            );
            (forged.pid, forged.tid, forged.thread) = (Some(1), Some(2), Some("t".into()));
            chunk(&[forged])
        })
        .find(|bytes| std::str::from_utf8(bytes).is_ok())
        .unwrap();
    let mut host = record(1, 0);
    host.message = format!("logged: {}", std::str::from_utf8(&inner).unwrap());
    let mut data = FILE_MAGIC.to_vec();
    data.extend(chunk(&[host.clone()]));
    data.extend(chunk(&[record(2, 0)]));
    let (records, stats, _) = read_all(&data);
    assert_eq!(records, [host, record(2, 0)]);
    assert_eq!(
        stats,
        ReadStats {
            records: 2,
            ..ReadStats::default()
        }
    );
}

#[test]
fn a_good_chunk_is_handed_out_once_nothing_before_it_is_pending() {
    // A fake header whose claim covers the good chunk and the start of a
    // second fake claiming 4 MiB; then 5 MiB of damage and a good chunk.
    let first = chunk(&[record(1, 10)]);
    let mut data = FILE_MAGIC.to_vec();
    data.extend(fake_header(first.len() as u32 + 16 + 100));
    let claim_end = data.len() + first.len() + 16 + 100;
    data.extend(&first);
    data.extend(fake_header(4 << 20));
    data.extend(vec![b'x'; 5 << 20]);
    data.extend(chunk(&[record(2, 10)]));
    let mut reader = SegmentReader::new(&data[..]);
    assert_eq!(reader.next(), Some(record(1, 10)));
    // Out as soon as the claim over it failed: the later 4 MiB claim,
    // which starts after it, is not waited for.
    let read = reader.work().bytes_read;
    assert!(
        read <= (claim_end + 2 * READ_BLOCK) as u64,
        "{read} bytes read"
    );
    assert_eq!(reader.next(), Some(record(2, 10)));
    assert_eq!(reader.next(), None);
    assert_eq!(reader.stats().skipped_chunks, 2);
}

/// How a good segment is damaged.
#[derive(Debug, Clone)]
struct Damage {
    /// (where, as a fraction of the length, how many bytes, xor mask)
    overwrites: Vec<(f64, usize, u8)>,
    /// (before which chunk, claimed length)
    fake_headers: Vec<(usize, u32)>,
    /// Bytes before the file magic's place, replacing it.
    leading_garbage: Option<Vec<u8>>,
    /// Keep this fraction of the file (a kill while writing).
    truncate: Option<f64>,
}

fn damage() -> impl Strategy<Value = Damage> {
    (
        proptest::collection::vec((0.0..1.0f64, 1usize..64, 1u8..=255), 0..=2),
        proptest::collection::vec((0usize..12, 32u32..100_000), 0..=1),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        proptest::option::of(0.0..1.0f64),
    )
        .prop_map(
            |(overwrites, fake_headers, leading_garbage, truncate)| Damage {
                overwrites,
                fake_headers,
                leading_garbage,
                truncate,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the damage: no panic, every byte is either in a good chunk
    /// or counted as skipped, every chunk the damage did not touch comes
    /// back whole and in order, nothing comes back that was not written,
    /// and the work is linear in the input.
    #[test]
    fn damage_costs_only_what_it_touched(
        sizes in proptest::collection::vec((1usize..5, 0usize..300), 1..12),
        damage in damage(),
        known_length in any::<bool>(),
    ) {
        // Build the segment, remembering where each chunk lies.
        let mut data = FILE_MAGIC.to_vec();
        let mut chunks = Vec::new();
        let mut next = 0;
        for (i, &(count, message_len)) in sizes.iter().enumerate() {
            for &(_, claimed) in damage.fake_headers.iter().filter(|f| f.0 == i) {
                data.extend(fake_header(claimed));
            }
            let records: Vec<LogRecord> =
                (next..next + count as u64).map(|j| record(j, message_len)).collect();
            next += count as u64;
            let start = data.len();
            data.extend(chunk(&records));
            chunks.push((start..data.len(), records));
        }
        let mut touched = vec![false; data.len()];
        if let Some(garbage) = &damage.leading_garbage {
            let n = garbage.len().min(FILE_MAGIC.len());
            data[..n].copy_from_slice(&garbage[..n]);
            touched[..n].iter_mut().for_each(|t| *t = true);
        }
        for &(at, len, mask) in &damage.overwrites {
            let start = (at * data.len() as f64) as usize;
            for i in start..(start + len).min(data.len()) {
                data[i] ^= mask;
                touched[i] = true;
            }
        }
        if let Some(keep) = damage.truncate {
            let keep = (keep * data.len() as f64) as usize;
            data.truncate(keep);
            touched.truncate(keep);
        }
        let n = data.len();

        let mut reader = if known_length {
            SegmentReader::with_len(&data[..], n as u64)
        } else {
            SegmentReader::new(&data[..])
        };
        let mut good_bytes = 0;
        let mut payloads = Vec::new();
        while let Some(payload) = reader.next_payload() {
            good_bytes += 16 + payload.len();
            payloads.push(payload.to_vec());
        }
        let (stats, work) = (reader.stats(), reader.work());
        let magic = if data.starts_with(FILE_MAGIC) { FILE_MAGIC.len() } else { 0 };
        prop_assert_eq!(stats.skipped_bytes as usize + good_bytes + magic, n);

        let read: Vec<LogRecord> = SegmentReader::new(&data[..]).collect();
        let written: Vec<&LogRecord> = chunks.iter().flat_map(|(_, r)| r).collect();
        // Nothing that was not written, in the order written.
        let mut from = 0;
        for r in &read {
            let at = written[from..].iter().position(|w| *w == r);
            prop_assert!(at.is_some(), "{:?} was never written, or out of order", r.message);
            from += at.unwrap() + 1;
        }
        // Every untouched chunk, whole.
        for (range, records) in &chunks {
            let whole = range.end <= n && !touched[range.clone()].iter().any(|&t| t);
            if whole {
                for r in records {
                    prop_assert!(read.contains(r), "lost {:?}", r.message);
                }
            }
        }
        prop_assert!(
            work.bytes_examined <= (MAX_OPEN_CANDIDATES as u64 + 4) * n as u64 + 64,
            "{:?} for {} bytes", work, n
        );
        prop_assert!(work.bytes_read <= n as u64);
    }

    /// Bytes of any kind never panic the reader, and it examines each a
    /// bounded number of times.
    #[test]
    fn any_bytes_are_read_without_panic(
        // Half the bytes from the magic and small lengths, so that
        // fragments of headers are common.
        data in proptest::collection::vec(any::<u8>(), 0..2048).prop_map(|bytes| {
            bytes.into_iter().map(|b| if b < 128 { b"PDCH\0\x01\x30"[b as usize % 7] } else { b }).collect::<Vec<u8>>()
        }),
        with_magic in any::<bool>(),
    ) {
        let data = if with_magic { [&FILE_MAGIC[..], &data].concat() } else { data };
        let (_, stats, work) = read_all(&data);
        prop_assert!(stats.skipped_bytes as usize <= data.len());
        prop_assert!(work.bytes_examined <= (MAX_OPEN_CANDIDATES as u64 + 4) * data.len() as u64 + 64);
    }
}
