//! Stored records put back in time order. The writer sorts each chunk (a
//! flush's records, from every thread) by time, but a record forwarded
//! late with an earlier timestamp lands in a later chunk: reading merges
//! the chunks, k-way, so the records come out oldest first whatever the
//! order they arrived in. Equal timestamps keep the order they were
//! stored in.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::record::LogRecord;
use super::segment::{frame_timestamp, next_frame, Frame, ReadStats};

/// Chunk payloads held for merging, and each one's next frame.
#[derive(Default)]
pub(crate) struct ChunkMerge {
    /// The payloads, one after another: what the merge holds in memory
    /// (encoded frames, not records).
    bytes: Vec<u8>,
    /// Each chunk's next frame, smallest first: (timestamp, chunk number,
    /// offset, end of its chunk).
    next: BinaryHeap<Reverse<(i64, u64, usize, usize)>>,
    chunks: u64,
    stats: ReadStats,
}

impl ChunkMerge {
    /// Bytes of payload held.
    pub(crate) fn held(&self) -> usize {
        self.bytes.len()
    }

    /// Records and undecodable frames taken out so far.
    pub(crate) fn stats(&self) -> ReadStats {
        self.stats
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.next.is_empty()
    }

    /// Adds one good chunk's payload.
    pub(crate) fn push(&mut self, payload: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(payload);
        self.queue(start, self.bytes.len(), self.chunks);
        self.chunks += 1;
    }

    /// Lets go of the payloads once every record is out, for the next
    /// window of chunks.
    pub(crate) fn clear(&mut self) {
        debug_assert!(self.next.is_empty());
        self.bytes.clear();
    }

    fn queue(&mut self, at: usize, end: usize, chunk: u64) {
        let rest = &self.bytes[at..end];
        if rest.len() >= 4 {
            // A frame too short for a timestamp comes out first, counted bad.
            let timestamp = frame_timestamp(rest).unwrap_or(i64::MIN);
            self.next.push(Reverse((timestamp, chunk, at, end)));
        }
    }

    /// The oldest record left.
    pub(crate) fn pop(&mut self) -> Option<LogRecord> {
        loop {
            let Reverse((_, chunk, at, end)) = self.next.pop()?;
            match next_frame(&self.bytes[at..end]) {
                Frame::End => {}
                Frame::Truncated => self.stats.bad_records += 1,
                Frame::Record { record, len } => {
                    self.queue(at + len, end, chunk);
                    match record {
                        Some(record) => {
                            self.stats.records += 1;
                            return Some(record);
                        }
                        None => self.stats.bad_records += 1,
                    }
                }
            }
        }
    }
}
