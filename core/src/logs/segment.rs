//! The on-disk form of captured records: segment files made of checksummed
//! chunks, one chunk per flush.
//!
//! ```text
//! segment  = "PDLOG01\n" chunk*
//! chunk    = magic "PDCH" | payload_len u32 | crc32(payload) u32 | records u32 | payload
//! payload  = frame*
//! frame    = len u32 | timestamp_ms i64 | level u8 | origin u8 | pid u32 | tid u32
//!            | tag (u16 len, bytes) | thread (u16 len, bytes) | message (u32 len, bytes)
//!            | field count u16 | (key (u16 len, bytes), value (u32 len, bytes))*
//! ```
//! All integers little-endian; `u32::MAX` for an absent pid or tid, and a
//! thread length of `u16::MAX` for no thread name.
//!
//! A kill at any moment leaves at worst a torn last chunk: the reader skips
//! it and says how many bytes it skipped. A damaged chunk inside a file
//! (bad checksum, bad length) is skipped too; the reader finds the next one
//! by its magic. Nothing before a damaged chunk is ever lost.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::ops::Range;

use super::record::{Level, LogRecord, Origin};

/// The first bytes of every log segment file: what it is and the format's version.
pub const FILE_MAGIC: &[u8; 8] = b"PDLOG01\n";
const CHUNK_MAGIC: &[u8; 4] = b"PDCH";
pub(crate) const CHUNK_HEADER: usize = 16;
/// No chunk is larger than this: a length past it is damage, not data.
pub const MAX_CHUNK: usize = 64 * 1024 * 1024;

/// Appends one record as a frame (public for tools and tests that write
/// segments; the capture writes them itself). Strings longer than their length field
/// allows are cut (at a character boundary) rather than refused.
pub fn encode_frame(out: &mut Vec<u8>, r: &LogRecord) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&r.timestamp_ms.to_le_bytes());
    out.push(r.level as u8);
    out.push(r.origin as u8);
    out.extend_from_slice(&r.pid.unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&r.tid.unwrap_or(u32::MAX).to_le_bytes());
    put_str16(out, &r.tag);
    match &r.thread {
        Some(thread) => put_str16(out, thread),
        None => out.extend_from_slice(&u16::MAX.to_le_bytes()),
    }
    put_str32(out, &r.message);
    let fields = r.fields.len().min(u16::MAX as usize);
    out.extend_from_slice(&(fields as u16).to_le_bytes());
    for (key, value) in &r.fields[..fields] {
        put_str16(out, key);
        put_str32(out, value);
    }
    finish_frame(out, start);
}

/// Writes the frame length in the placeholder at `start`.
pub(crate) fn finish_frame(out: &mut [u8], start: usize) {
    let len = (out.len() - start - 4) as u32;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
}

pub(crate) fn put_str16(out: &mut Vec<u8>, s: &str) {
    // u16::MAX itself marks "absent" for the thread name.
    let s = cut(s, u16::MAX as usize - 1);
    out.extend_from_slice(&(s.len() as u16).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

pub(crate) fn put_str32(out: &mut Vec<u8>, s: &str) {
    let s = cut(s, MAX_CHUNK / 2);
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub(crate) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The writer starts a new chunk past this many bytes of frames, so that
/// reading holds little at a time (a single larger frame has a chunk of
/// its own).
pub(crate) const CHUNK_TARGET: usize = 1024 * 1024;

/// Splits encoded frames into chunk payloads of at most `max` bytes (or one
/// frame), with their record counts.
pub(crate) fn split_frames(frames: &[u8], max: usize) -> Vec<(&[u8], u32)> {
    let mut pieces = Vec::new();
    let (mut start, mut at, mut count) = (0, 0, 0u32);
    while at + 4 <= frames.len() {
        let len = 4 + u32::from_le_bytes(frames[at..at + 4].try_into().expect("4 bytes")) as usize;
        if at + len - start > max && count > 0 {
            pieces.push((&frames[start..at], count));
            (start, count) = (at, 0);
        }
        at = (at + len).min(frames.len());
        count += 1;
    }
    if count > 0 {
        pieces.push((&frames[start..], count));
    }
    pieces
}

/// Wraps encoded frames into one chunk.
pub fn encode_chunk(frames: &[u8], records: u32) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(CHUNK_HEADER + frames.len());
    encode_chunk_into(&mut chunk, frames, records);
    chunk
}

/// Wraps encoded frames into one chunk, in `chunk` (emptied first): the
/// capture's writer reuses one buffer, so writing touches no new memory.
pub(crate) fn encode_chunk_into(chunk: &mut Vec<u8>, frames: &[u8], records: u32) {
    chunk.clear();
    chunk.extend_from_slice(CHUNK_MAGIC);
    chunk.extend_from_slice(&(frames.len() as u32).to_le_bytes());
    chunk.extend_from_slice(&crc32fast::hash(frames).to_le_bytes());
    chunk.extend_from_slice(&records.to_le_bytes());
    chunk.extend_from_slice(frames);
}

/// What reading skipped over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadStats {
    /// Records read whole.
    pub records: u64,
    /// Bytes of damaged or torn chunks that were skipped.
    pub skipped_bytes: u64,
    /// Stretches of damage skipped: a torn or damaged chunk, or several
    /// in a row, between two good chunks (or the file's ends).
    pub skipped_chunks: u64,
    /// Records inside checksummed chunks that still did not decode.
    pub bad_records: u64,
}

impl ReadStats {
    /// Adds another file's counts to these (a directory sums its segments').
    pub fn add(&mut self, other: &ReadStats) {
        self.records += other.records;
        self.skipped_bytes += other.skipped_bytes;
        self.skipped_chunks += other.skipped_chunks;
        self.bad_records += other.bad_records;
    }
}

/// What reading cost, counted rather than timed, so that the bounds on
/// time and memory can be checked on any machine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadWork {
    /// Bytes taken from the source.
    pub bytes_read: u64,
    /// Bytes looked at: scanned for a chunk's magic, read as a chunk
    /// header, checksummed, decoded as a frame, or moved down the buffer.
    /// Linear in the input: at most [`MAX_OPEN_CANDIDATES`] checksums
    /// cover any byte, and a byte is moved only once at least as many
    /// bytes before it are let go.
    pub bytes_examined: u64,
    /// The largest buffer held at once, in bytes of capacity: about the
    /// largest chunk, never the segment.
    pub largest_buffer: usize,
    /// Plausible chunk headers let go unchecked because as many were
    /// already open (only in long stretches of fake headers): the one
    /// claiming the farthest end goes.
    pub candidates_passed_over: u64,
}

/// Bytes asked of the source at a time.
pub const READ_BLOCK: usize = 64 * 1024;
/// The smallest frame: every fixed field, and empty strings.
const MIN_FRAME: u64 = 4 + 8 + 1 + 1 + 4 + 4 + 2 + 2 + 4 + 2;
/// While resynchronising, at most this many overlapping chunk candidates
/// are checksummed at once: each byte is then hashed at most this many
/// times, whatever the damage.
pub const MAX_OPEN_CANDIDATES: usize = 4;

/// The bytes of a source from some offset on, read ahead as far as asked
/// and let go of once the reader no longer needs them.
struct Window<R> {
    source: R,
    bytes: Vec<u8>,
    /// Offset in the source of `bytes[0]`.
    base: u64,
    eof: bool,
    error: Option<io::Error>,
    work: ReadWork,
}

impl<R: Read> Window<R> {
    fn end(&self) -> u64 {
        self.base + self.bytes.len() as u64
    }

    /// Reads until the window reaches `to` or the source ends; returns
    /// the window's end. Memory grows with what was actually read, never
    /// with what a header claims.
    fn fill(&mut self, to: u64) -> u64 {
        while self.end() < to && !self.eof {
            let len = self.bytes.len();
            // The vector grows geometrically: holding a large chunk costs
            // linear copying in all, and at most twice its size.
            self.bytes.resize(len + READ_BLOCK, 0);
            self.work.largest_buffer = self.work.largest_buffer.max(self.bytes.capacity());
            match self.source.read(&mut self.bytes[len..]) {
                Ok(0) => {
                    self.bytes.truncate(len);
                    self.eof = true;
                }
                Ok(n) => {
                    self.bytes.truncate(len + n);
                    self.work.bytes_read += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.bytes.truncate(len),
                Err(e) => {
                    self.bytes.truncate(len);
                    self.error = Some(e);
                    self.eof = true;
                }
            }
        }
        self.end()
    }

    fn slice(&self, range: Range<u64>) -> &[u8] {
        &self.bytes[(range.start - self.base) as usize..(range.end - self.base) as usize]
    }

    /// Lets go of the bytes before `offset`. Moves the rest down only
    /// once at least half the window is spent, so each byte is moved a
    /// bounded number of times.
    fn release(&mut self, offset: u64) {
        let spent = (offset.min(self.end()) - self.base.min(offset)) as usize;
        if spent == 0 || spent < self.bytes.len() / 2 {
            return;
        }
        self.bytes.drain(..spent);
        self.base += spent as u64;
        self.work.bytes_examined += self.bytes.len() as u64; // moved down
    }
}

/// A chunk header that looked right, being checksummed.
struct Candidate {
    start: u64,
    /// Where its payload ends.
    end: u64,
    crc: u32,
}

impl Candidate {
    fn payload(&self) -> Range<u64> {
        self.start + CHUNK_HEADER as u64..self.end
    }
}

/// Reads a segment chunk by chunk and record by record, from any `Read`:
/// memory holds about one chunk, never the segment, and time is linear in
/// the segment's size whatever its damage.
///
/// A damaged stretch is skipped by one forward scan for the chunk magic.
/// Every plausible header found on the way becomes a candidate whose
/// checksum is computed when the scan reaches its end (at most
/// [`MAX_OPEN_CANDIDATES`] unchecked at once), so a candidate that fails
/// never sends the scan back: the chunks inside it are already
/// candidates. Of overlapping chunks that check out, the one that starts
/// first wins and those inside it are its data: a chunk logged inside a
/// message cannot stand in for the chunk that holds it.
pub struct SegmentReader<R> {
    window: Window<R>,
    /// The source's length, when known: a chunk cannot claim more.
    len: Option<u64>,
    started: bool,
    /// Where the scan for the next chunk magic goes on from.
    scan: u64,
    open: VecDeque<Candidate>,
    /// Chunks that checked out but start after an unchecked candidate,
    /// which wins if it checks out too. Cheap (a range each) and bounded
    /// by the window: they never take a candidate's place.
    checked: VecDeque<Range<u64>>,
    /// The end of the last good chunk: damage starts there.
    good_end: u64,
    /// The frames of the good chunk being read: next frame, end.
    frames: Option<(u64, u64)>,
    finished: bool,
    stats: ReadStats,
}

impl<R: Read> SegmentReader<R> {
    /// A reader of one segment's bytes; damaged stretches are skipped and counted, never fatal.
    pub fn new(source: R) -> Self {
        SegmentReader {
            window: Window {
                source,
                bytes: Vec::new(),
                base: 0,
                eof: false,
                error: None,
                work: ReadWork::default(),
            },
            len: None,
            started: false,
            scan: 0,
            open: VecDeque::new(),
            checked: VecDeque::new(),
            good_end: 0,
            frames: None,
            finished: false,
            stats: ReadStats::default(),
        }
    }

    /// A reader that knows the source's length (a file's), so that a
    /// header claiming more than is left is refused without reading on.
    pub fn with_len(source: R, len: u64) -> Self {
        SegmentReader {
            len: Some(len),
            ..SegmentReader::new(source)
        }
    }

    /// What was skipped so far.
    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    /// What reading has cost so far.
    pub fn work(&self) -> ReadWork {
        self.window.work
    }

    /// The read error that ended the segment early, if one did.
    pub fn error(&self) -> Option<&io::Error> {
        self.window.error.as_ref()
    }

    /// The next good chunk's payload, or `None` at the end of the segment.
    /// The bytes stay valid until the next call.
    pub fn next_payload(&mut self) -> Option<&[u8]> {
        let payload = self.next_chunk()?;
        self.window.work.bytes_examined += payload.end - payload.start;
        Some(self.window.slice(payload))
    }

    fn next_chunk(&mut self) -> Option<Range<u64>> {
        self.frames = None;
        if !self.started {
            self.start();
        }
        loop {
            if let Some(chunk) = self.checked.front() {
                if self.open.front().is_none_or(|c| c.start > chunk.start) {
                    return Some(self.accept());
                }
            }
            if self.finished {
                return None;
            }
            self.release();
            let horizon = self.open.iter().map(|c| c.end).min();
            match self.find_magic(horizon) {
                Some(at) => {
                    self.scan = at + 1;
                    self.consider(at);
                }
                None => match horizon {
                    Some(end) => self.resolve(end),
                    None => self.finish(),
                },
            }
        }
    }

    /// Checks the file magic. Without it the whole file is searched for
    /// chunks: a damaged first line must not cost the chunks after it.
    fn start(&mut self) {
        self.started = true;
        let magic = FILE_MAGIC.len() as u64;
        if self.window.fill(magic) >= magic && self.window.slice(0..magic) == FILE_MAGIC {
            self.scan = magic;
            self.good_end = magic;
        }
    }

    /// The first chunk magic at or after the scan that starts before
    /// `stop`, reading ahead as needed; `None` when there is none before
    /// `stop` or the end. Each byte is scanned once.
    fn find_magic(&mut self, stop: Option<u64>) -> Option<u64> {
        let stop = stop.unwrap_or(u64::MAX);
        let magic = CHUNK_MAGIC.len() as u64;
        loop {
            let end = self.window.end();
            // Starts whose four bytes are all in the window.
            let last = stop.min((end + 1).saturating_sub(magic));
            if self.scan < last {
                let hay = self.window.slice(self.scan..last + magic - 1);
                let found = find_chunk_magic(hay);
                self.window.work.bytes_examined += found.map_or(last - self.scan, |i| i as u64);
                if let Some(i) = found {
                    return Some(self.scan + i as u64);
                }
                self.scan = last;
            }
            if self.scan >= stop {
                return None;
            }
            self.release();
            if self.window.fill(end + READ_BLOCK as u64) == end {
                // The end: the last few bytes cannot hold a magic.
                self.scan = self.scan.max(end).min(stop);
                return None;
            }
        }
    }

    /// Opens a candidate for the header at `at`, if it is plausible.
    fn consider(&mut self, at: u64) {
        let header_end = at + CHUNK_HEADER as u64;
        if self.window.fill(header_end) < header_end {
            return; // a torn header
        }
        self.window.work.bytes_examined += CHUNK_HEADER as u64;
        let header = self.window.slice(at..header_end);
        let word = |i: usize| u32::from_le_bytes(header[i..i + 4].try_into().expect("4 bytes"));
        let (len, crc, records) = (u64::from(word(4)), word(8), u64::from(word(12)));
        let end = header_end + len;
        let plausible = len <= MAX_CHUNK as u64
            && records >= 1
            && records * MIN_FRAME <= len
            && self.len.is_none_or(|file| end <= file);
        if !plausible {
            return;
        }
        if self.open.len() >= MAX_OPEN_CANDIDATES {
            self.window.work.candidates_passed_over += 1;
            // The one that claims the most is let go: the writer's chunks
            // are small (`CHUNK_TARGET`), and it holds the window longest.
            let (farthest, far_end) = self
                .open
                .iter()
                .enumerate()
                .map(|(i, c)| (i, c.end))
                .max_by_key(|&(_, end)| end)
                .expect("candidates are open");
            if far_end <= end {
                return;
            }
            self.open.remove(farthest);
        }
        self.open.push_back(Candidate {
            start: at,
            end,
            crc,
        });
    }

    /// Checks the candidates whose payload ends at `end`, the nearest end.
    fn resolve(&mut self, end: u64) {
        let available = self.window.fill(end);
        if available < end {
            // The source ended inside every unchecked candidate.
            self.open.clear();
            self.scan = available;
            return;
        }
        let mut i = 0;
        while i < self.open.len() {
            if self.open[i].end != end {
                i += 1;
                continue;
            }
            let candidate = self.open.remove(i).expect("in range");
            let payload = candidate.payload();
            self.window.work.bytes_examined += payload.end - payload.start;
            if crc32fast::hash(self.window.slice(payload)) == candidate.crc {
                // Kept in start order: a chunk inside a longer one checks
                // out before it.
                let at = self.checked.partition_point(|c| c.start < candidate.start);
                self.checked.insert(at, candidate.start..candidate.end);
            }
        }
        self.scan = self.scan.max(end);
    }

    /// Takes the first checked chunk, which no unchecked candidate
    /// precedes, as the next good chunk.
    fn accept(&mut self) -> Range<u64> {
        let chunk = self.checked.pop_front().expect("a checked chunk");
        self.skip_to(chunk.start);
        self.good_end = chunk.end;
        // Headers inside a good chunk are its data, not chunks.
        self.open.retain(|c| c.start >= chunk.end);
        self.checked.retain(|c| c.start >= chunk.end);
        self.scan = self.scan.max(chunk.end);
        chunk.start + CHUNK_HEADER as u64..chunk.end
    }

    /// Lets go of the bytes no candidate or chunk needs any more.
    fn release(&mut self) {
        let keep = [
            self.open.front().map(|c| c.start),
            self.checked.front().map(|c| c.start),
        ]
        .into_iter()
        .flatten()
        .fold(self.scan, u64::min);
        self.window.release(keep);
    }

    fn finish(&mut self) {
        self.finished = true;
        let end = self.window.end();
        self.skip_to(end);
    }

    /// Counts the bytes from the last good chunk to `to` as damage.
    fn skip_to(&mut self, to: u64) {
        if to > self.good_end {
            self.stats.skipped_bytes += to - self.good_end;
            self.stats.skipped_chunks += 1;
        }
        self.good_end = self.good_end.max(to);
    }
}

impl<R: Read> Iterator for SegmentReader<R> {
    type Item = LogRecord;

    fn next(&mut self) -> Option<LogRecord> {
        loop {
            if let Some((at, end)) = self.frames {
                let payload = self.window.slice(at..end);
                match next_frame(payload) {
                    Frame::End => {}
                    Frame::Truncated => self.stats.bad_records += 1,
                    Frame::Record { record, len } => {
                        self.window.work.bytes_examined += len as u64;
                        self.frames = Some((at + len as u64, end));
                        match record {
                            Some(record) => {
                                self.stats.records += 1;
                                return Some(record);
                            }
                            None => {
                                self.stats.bad_records += 1;
                                continue;
                            }
                        }
                    }
                }
            }
            let payload = self.next_chunk()?;
            self.frames = Some((payload.start, payload.end));
        }
    }
}

/// Where the chunk magic starts in `hay`, if it does.
fn find_chunk_magic(hay: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = hay[from..].iter().position(|&b| b == CHUNK_MAGIC[0]) {
        let at = from + i;
        if hay[at..].starts_with(CHUNK_MAGIC) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The first frame of `payload`.
pub(crate) enum Frame {
    /// No frame left (fewer than four bytes).
    End,
    /// A frame's length runs past the payload: the rest is unreadable.
    Truncated,
    /// A frame of `len` bytes, length included; `None` if it did not decode.
    Record {
        record: Option<LogRecord>,
        len: usize,
    },
}

pub(crate) fn next_frame(payload: &[u8]) -> Frame {
    let Some(len) = payload.get(..4) else {
        return Frame::End;
    };
    let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
    match payload.get(4..4 + len) {
        Some(frame) => Frame::Record {
            record: decode_frame(frame),
            len: 4 + len,
        },
        None => Frame::Truncated,
    }
}

/// Decodes the frames of one good chunk payload.
pub(crate) fn decode_frames(mut payload: &[u8], out: &mut Vec<LogRecord>, stats: &mut ReadStats) {
    loop {
        match next_frame(payload) {
            Frame::End => return,
            Frame::Truncated => {
                stats.bad_records += 1;
                return;
            }
            Frame::Record { record, len } => {
                match record {
                    Some(record) => {
                        stats.records += 1;
                        out.push(record);
                    }
                    None => stats.bad_records += 1,
                }
                payload = &payload[len..];
            }
        }
    }
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let bytes = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(bytes)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2)
            .map(|b| u16::from_le_bytes(b.try_into().unwrap()))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
    }
    fn i64(&mut self) -> Option<i64> {
        self.take(8)
            .map(|b| i64::from_le_bytes(b.try_into().unwrap()))
    }
    /// Text as stored; invalid UTF-8 (which the writer never produces) is
    /// replaced rather than refused, so one bad byte costs one character.
    fn text(&mut self, len: usize) -> Option<String> {
        self.take(len)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }
}

fn decode_frame(frame: &[u8]) -> Option<LogRecord> {
    let mut c = Cursor {
        data: frame,
        pos: 0,
    };
    let timestamp_ms = c.i64()?;
    let level = Level::from_u8(c.u8()?)?;
    let origin = Origin::from_u8(c.u8()?)?;
    let pid = c.u32()?;
    let tid = c.u32()?;
    let tag_len = c.u16()? as usize;
    let tag = c.text(tag_len)?;
    let thread = match c.u16()? {
        u16::MAX => None,
        len => Some(c.text(len as usize)?),
    };
    let msg_len = c.u32()? as usize;
    let message = c.text(msg_len)?;
    let count = c.u16()?;
    let mut fields = Vec::with_capacity(count.min(64) as usize);
    for _ in 0..count {
        let klen = c.u16()? as usize;
        let key = c.text(klen)?;
        let vlen = c.u32()? as usize;
        fields.push((key, c.text(vlen)?));
    }
    Some(LogRecord {
        timestamp_ms,
        level,
        tag,
        message,
        thread,
        pid: (pid != u32::MAX).then_some(pid),
        tid: (tid != u32::MAX).then_some(tid),
        fields,
        origin,
    })
}

/// The timestamp of the frame at the start of `payload`, without decoding it.
pub(crate) fn frame_timestamp(payload: &[u8]) -> Option<i64> {
    payload
        .get(4..12)
        .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
}

/// Reads a whole segment's records, skipping damage (for tests and small
/// inputs: [`SegmentReader`] streams).
pub fn read_segment(reader: impl Read) -> io::Result<(Vec<LogRecord>, ReadStats)> {
    let mut segment = SegmentReader::new(reader);
    let records = segment.by_ref().collect();
    match segment.window.error.take() {
        Some(e) => Err(e),
        None => Ok((records, segment.stats())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: i64) -> LogRecord {
        let mut r = LogRecord::new(
            i,
            Level::Info,
            "tag",
            format!("message {i} é"),
            Origin::Rust,
        );
        r.pid = Some(1);
        r.thread = Some("main".into());
        r.fields.push(("k".into(), "v".into()));
        r
    }

    fn segment(chunks: &[Vec<LogRecord>]) -> Vec<u8> {
        let mut data = FILE_MAGIC.to_vec();
        for chunk in chunks {
            let mut frames = Vec::new();
            for r in chunk {
                encode_frame(&mut frames, r);
            }
            data.extend(encode_chunk(&frames, chunk.len() as u32));
        }
        data
    }

    #[test]
    fn records_round_trip() {
        let chunks = vec![vec![record(1), record(2)], vec![record(3)]];
        let (records, stats) = read_segment(&mut &segment(&chunks)[..]).unwrap();
        assert_eq!(records, vec![record(1), record(2), record(3)]);
        assert_eq!(
            stats,
            ReadStats {
                records: 3,
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_torn_tail_is_skipped_and_counted() {
        let data = segment(&[vec![record(1)], vec![record(2), record(3)]]);
        let first_end =
            FILE_MAGIC.len() + 1 + find_chunk_magic(&data[FILE_MAGIC.len() + 1..]).unwrap();
        // Cut the file at every byte, as a kill might.
        for cut_at in FILE_MAGIC.len()..data.len() {
            let (records, stats) = read_segment(&mut &data[..cut_at]).unwrap();
            let whole_first = cut_at >= first_end;
            assert_eq!(
                records,
                if whole_first { vec![record(1)] } else { vec![] },
                "{cut_at}"
            );
            let kept = if whole_first {
                first_end - FILE_MAGIC.len()
            } else {
                0
            };
            assert_eq!(
                stats.skipped_bytes as usize,
                cut_at - FILE_MAGIC.len() - kept,
                "{cut_at}"
            );
        }
    }

    #[test]
    fn damage_in_the_middle_loses_only_its_chunk() {
        let mut data = segment(&[vec![record(1)], vec![record(2)], vec![record(3)]]);
        // Flip a byte inside the second chunk's payload.
        let second =
            FILE_MAGIC.len() + 1 + find_chunk_magic(&data[FILE_MAGIC.len() + 1..]).unwrap();
        data[second + CHUNK_HEADER + 5] ^= 0xff;
        let (records, stats) = read_segment(&mut &data[..]).unwrap();
        assert_eq!(records, vec![record(1), record(3)]);
        assert_eq!(stats.skipped_chunks, 1);
        assert!(stats.skipped_bytes > 0);
    }

    #[test]
    fn garbage_is_skipped_never_panics() {
        let (records, stats) = read_segment(&mut &b"not a segment at all"[..]).unwrap();
        assert!(records.is_empty());
        assert_eq!(stats.skipped_bytes, 20);
        let mut data = FILE_MAGIC.to_vec();
        data.extend_from_slice(b"PDCH\xff\xff\xff\xff\0\0\0\0\0\0\0\0");
        let (records, stats) = read_segment(&mut &data[..]).unwrap();
        assert!(records.is_empty());
        assert_eq!(stats.skipped_chunks, 1);
    }

    #[test]
    fn frames_are_split_into_chunks_of_at_most_the_target() {
        let mut frames = Vec::new();
        let mut ends = Vec::new();
        for i in 0..10 {
            let mut r = record(i);
            r.message = "x".repeat(i as usize * 10);
            encode_frame(&mut frames, &r);
            ends.push(frames.len());
        }
        for max in [1, 60, 100, 250, frames.len(), usize::MAX] {
            let pieces = split_frames(&frames, max);
            let total: usize = pieces.iter().map(|p| p.0.len()).sum();
            assert_eq!(total, frames.len(), "{max}");
            assert_eq!(pieces.iter().map(|p| p.1).sum::<u32>(), 10, "{max}");
            let mut at = 0;
            for (piece, count) in &pieces {
                let mut decoded = Vec::new();
                decode_frames(piece, &mut decoded, &mut ReadStats::default());
                assert_eq!(decoded.len(), *count as usize, "{max}");
                // Over the target only when one frame alone is.
                assert!(piece.len() <= max || *count == 1, "{max}");
                at += piece.len();
                assert!(ends.contains(&at), "cut between frames: {max}");
            }
        }
        assert!(split_frames(&[], 10).is_empty());
    }

    #[test]
    fn long_strings_are_cut_on_char_boundaries() {
        assert_eq!(cut("ééé", 3), "é");
        let mut r = record(0);
        r.tag = "é".repeat(40_000);
        let (records, _) = read_segment(&mut &segment(&[vec![r]])[..]).unwrap();
        assert_eq!(records[0].tag.len(), 65_534);
    }
}
