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

use std::io::{self, Read};

use super::record::{Level, LogRecord, Origin};

pub(crate) const FILE_MAGIC: &[u8; 8] = b"PDLOG01\n";
const CHUNK_MAGIC: &[u8; 4] = b"PDCH";
const CHUNK_HEADER: usize = 16;
/// No chunk is larger than this: a length past it is damage, not data.
pub(crate) const MAX_CHUNK: usize = 64 * 1024 * 1024;

/// Appends one record as a frame. Strings longer than their length field
/// allows are cut (at a character boundary) rather than refused.
pub(crate) fn encode_frame(out: &mut Vec<u8>, r: &LogRecord) {
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

/// Wraps encoded frames into one chunk.
pub(crate) fn encode_chunk(frames: &[u8], records: u32) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(CHUNK_HEADER + frames.len());
    chunk.extend_from_slice(CHUNK_MAGIC);
    chunk.extend_from_slice(&(frames.len() as u32).to_le_bytes());
    chunk.extend_from_slice(&crc32fast::hash(frames).to_le_bytes());
    chunk.extend_from_slice(&records.to_le_bytes());
    chunk.extend_from_slice(frames);
    chunk
}

/// What reading skipped over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadStats {
    pub records: u64,
    /// Bytes of damaged or torn chunks that were skipped.
    pub skipped_bytes: u64,
    pub skipped_chunks: u64,
    /// Records inside checksummed chunks that still did not decode.
    pub bad_records: u64,
}

impl ReadStats {
    pub fn add(&mut self, other: &ReadStats) {
        self.records += other.records;
        self.skipped_bytes += other.skipped_bytes;
        self.skipped_chunks += other.skipped_chunks;
        self.bad_records += other.bad_records;
    }
}

/// Splits a whole segment's bytes into good chunk payloads, skipping damage.
/// Returns the payloads' byte ranges.
pub(crate) fn chunk_payloads(data: &[u8], stats: &mut ReadStats) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut pos = if data.starts_with(FILE_MAGIC) {
        FILE_MAGIC.len()
    } else {
        // Not even a header: the whole file is damage.
        stats.skipped_bytes += data.len() as u64;
        stats.skipped_chunks += u64::from(!data.is_empty());
        return ranges;
    };
    while pos < data.len() {
        match chunk_at(data, pos) {
            Some(range) => {
                pos = range.end;
                ranges.push(range);
            }
            None => {
                // Damage: resynchronise on the next chunk magic.
                let next = find_magic(data, pos + 1).unwrap_or(data.len());
                stats.skipped_bytes += (next - pos) as u64;
                stats.skipped_chunks += 1;
                pos = next;
            }
        }
    }
    ranges
}

fn chunk_at(data: &[u8], pos: usize) -> Option<std::ops::Range<usize>> {
    let header = data.get(pos..pos + CHUNK_HEADER)?;
    if &header[..4] != CHUNK_MAGIC {
        return None;
    }
    let len = u32::from_le_bytes(header[4..8].try_into().unwrap()) as usize;
    let crc = u32::from_le_bytes(header[8..12].try_into().unwrap());
    if len > MAX_CHUNK {
        return None;
    }
    let start = pos + CHUNK_HEADER;
    let payload = data.get(start..start + len)?;
    (crc32fast::hash(payload) == crc).then_some(start..start + len)
}

fn find_magic(data: &[u8], from: usize) -> Option<usize> {
    data.get(from..)?
        .windows(CHUNK_MAGIC.len())
        .position(|w| w == CHUNK_MAGIC)
        .map(|i| from + i)
}

/// Decodes the frames of one good chunk payload.
pub(crate) fn decode_frames(payload: &[u8], out: &mut Vec<LogRecord>, stats: &mut ReadStats) {
    let mut pos = 0;
    while pos + 4 <= payload.len() {
        let len = u32::from_le_bytes(payload[pos..pos + 4].try_into().unwrap()) as usize;
        let Some(frame) = payload.get(pos + 4..pos + 4 + len) else {
            stats.bad_records += 1;
            return;
        };
        match decode_frame(frame) {
            Some(record) => {
                stats.records += 1;
                out.push(record);
            }
            None => stats.bad_records += 1,
        }
        pos += 4 + len;
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

/// Reads a whole segment file's records, skipping damage.
pub fn read_segment(reader: &mut impl Read) -> io::Result<(Vec<LogRecord>, ReadStats)> {
    let mut data = Vec::new();
    reader.read_to_end(&mut data)?;
    let mut stats = ReadStats::default();
    let mut records = Vec::new();
    for range in chunk_payloads(&data, &mut stats) {
        decode_frames(&data[range], &mut records, &mut stats);
    }
    Ok((records, stats))
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
        let first_end = find_magic(&data, FILE_MAGIC.len() + 1).unwrap();
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
        let second = find_magic(&data, FILE_MAGIC.len() + 1).unwrap();
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
    fn long_strings_are_cut_on_char_boundaries() {
        assert_eq!(cut("ééé", 3), "é");
        let mut r = record(0);
        r.tag = "é".repeat(40_000);
        let (records, _) = read_segment(&mut &segment(&[vec![r]])[..]).unwrap();
        assert_eq!(records[0].tag.len(), 65_534);
    }
}
