//! Log records packed into one byte buffer by the Kotlin helper
//! `LogBatch` (`bindings/kotlin/src/LogBatch.kt`), read here without a
//! copy: uniffi hands a direct `ByteBuffer` over as a borrowed `&[u8]`, so
//! a batch crosses in one JNA call, with none of the per-record buffer
//! allocation and per-field conversion uniffi's `Vec<LogEntry>` costs.
//!
//! The format, little-endian (`docs/bindings.md`):
//!
//! ```text
//! packed  := version:u8 (1) record*
//! record  := level:u8 (1 ERROR .. 5 TRACE) timestamp_ms:i64 (i64::MIN: now)
//!            tag:str message:str thread:opt_str field_count:u16 (key:str value:str)*
//! str     := length:u32 UTF-8 bytes
//! opt_str := length:u32 (u32::MAX: none) UTF-8 bytes
//! ```
//!
//! The buffer is transient (written and read in the same call by the same
//! library version), so there is one version; a reader meeting another
//! one refuses it rather than guess. Anything malformed is an
//! `InvalidArgument` naming the record and the byte offset: a buffer not
//! written by the helper never panics the app.

use pushdoctor_core::logs::{Level, LogRecord, Origin};

use crate::errors::AgentError;

/// The one format version `LogBatch` writes.
pub(crate) const VERSION: u8 = 1;

/// The `timestamp_ms` meaning "now".
const NOW: i64 = i64::MIN;

/// The `opt_str` length meaning "none".
const NONE: u32 = u32::MAX;

/// Reads `packed` record by record, handing each to `sink` in one reused
/// [`LogRecord`] (its strings' buffers are reused across records). Returns
/// how many records were read. On malformed input, the records before the
/// bad one have been handed over, and the error says which record it was.
pub(crate) fn read(
    packed: &[u8],
    mut now_ms: impl FnMut() -> i64,
    mut sink: impl FnMut(&LogRecord),
) -> Result<usize, AgentError> {
    let mut reader = Reader { packed, at: 0 };
    let Some(version) = reader.bytes(1).ok().map(|b| b[0]) else {
        return Err(invalid(
            "the packed log buffer is empty: it starts with its version",
        ));
    };
    if version != VERSION {
        return Err(invalid(&format!(
            "the packed log buffer is version {version}; this library reads version {VERSION} (the LogBatch helper and the library come from different builds)"
        )));
    }
    let mut record = LogRecord::new(0, Level::Info, String::new(), String::new(), Origin::App);
    let mut count = 0;
    while reader.at < packed.len() {
        let start = reader.at;
        reader
            .record(&mut record, &mut now_ms)
            .map_err(|what| {
                invalid(&format!(
                    "packed log record {count} (at byte {start}, {} of {} bytes read): {what}; the {count} records before it were captured",
                    reader.at,
                    packed.len()
                ))
            })?;
        sink(&record);
        count += 1;
    }
    Ok(count)
}

fn invalid(reason: &str) -> AgentError {
    AgentError::InvalidArgument {
        reason: reason.to_string(),
    }
}

struct Reader<'a> {
    packed: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn record(
        &mut self,
        record: &mut LogRecord,
        now_ms: &mut impl FnMut() -> i64,
    ) -> Result<(), String> {
        record.level = match self.bytes(1)?[0] {
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            5 => Level::Trace,
            other => return Err(format!("level {other} is none of 1 (ERROR) to 5 (TRACE)")),
        };
        record.timestamp_ms = match i64::from_le_bytes(self.array()?) {
            NOW => now_ms(),
            at => at,
        };
        self.string_into(&mut record.tag, "tag")?;
        self.string_into(&mut record.message, "message")?;
        if self.peek_u32()? == NONE {
            self.at += 4;
            record.thread = None;
        } else {
            self.string_into(record.thread.get_or_insert_with(String::new), "thread")?;
        }
        let fields = usize::from(u16::from_le_bytes(self.array()?));
        // Kept allocations are reused; extra ones dropped.
        record.fields.truncate(fields);
        for i in 0..fields {
            if i == record.fields.len() {
                record.fields.push((String::new(), String::new()));
            }
            let (key, value) = &mut record.fields[i];
            self.string_into(key, "field key")?;
            self.string_into(value, "field value")?;
        }
        Ok(())
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.packed.len())
            .ok_or_else(|| {
                format!(
                    "cut short: {n} more bytes needed at byte {}, {} left",
                    self.at,
                    self.packed.len() - self.at
                )
            })?;
        let bytes = &self.packed[self.at..end];
        self.at = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut array = [0; N];
        array.copy_from_slice(self.bytes(N)?);
        Ok(array)
    }

    fn peek_u32(&self) -> Result<u32, String> {
        let mut reader = Reader {
            packed: self.packed,
            at: self.at,
        };
        Ok(u32::from_le_bytes(reader.array()?))
    }

    /// A `str` into `into`, replacing what it held.
    fn string_into(&mut self, into: &mut String, what: &str) -> Result<(), String> {
        let len = u32::from_le_bytes(self.array()?);
        let len =
            usize::try_from(len).map_err(|_| format!("the {what}'s length {len} is too large"))?;
        let bytes = self.bytes(len).map_err(|e| format!("the {what}: {e}"))?;
        let text =
            std::str::from_utf8(bytes).map_err(|e| format!("the {what} is not UTF-8 ({e})"))?;
        into.clear();
        into.push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record as the tests write it: level, timestamp, tag, message,
    /// thread, fields.
    type Packed<'a> = (
        u8,
        i64,
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a [(&'a str, &'a str)],
    );

    /// What `LogBatch.kt` writes, written the same way here.
    fn pack(records: &[Packed<'_>]) -> Vec<u8> {
        let mut out = vec![VERSION];
        let put = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        for (level, at, tag, message, thread, fields) in records {
            out.push(*level);
            out.extend_from_slice(&at.to_le_bytes());
            put(&mut out, tag);
            put(&mut out, message);
            match thread {
                Some(thread) => put(&mut out, thread),
                None => out.extend_from_slice(&NONE.to_le_bytes()),
            }
            out.extend_from_slice(&(fields.len() as u16).to_le_bytes());
            for (k, v) in *fields {
                put(&mut out, k);
                put(&mut out, v);
            }
        }
        out
    }

    fn read_all(packed: &[u8]) -> Result<Vec<LogRecord>, AgentError> {
        let mut records = Vec::new();
        read(packed, || 42, |r| records.push(r.clone()))?;
        Ok(records)
    }

    #[test]
    fn records_come_back_as_written_and_reused_buffers_leave_nothing_behind() {
        let packed = pack(&[
            (
                3,
                1_000,
                "Accept",
                "tapped é",
                Some("main"),
                &[("request", "a1"), ("try", "2")],
            ),
            (1, NOW, "Push", "", None, &[]),
            (5, 7, "", "x", Some(""), &[("k", "v")]),
        ]);
        let records = read_all(&packed).unwrap();
        assert_eq!(records.len(), 3);
        let mut first = LogRecord::new(1_000, Level::Info, "Accept", "tapped é", Origin::App);
        first.thread = Some("main".into());
        first.fields = vec![("request".into(), "a1".into()), ("try".into(), "2".into())];
        assert_eq!(records[0], first);
        // The second reuses the first's buffers: nothing of it remains.
        assert_eq!(
            records[1],
            LogRecord::new(42, Level::Error, "Push", "", Origin::App)
        );
        let mut third = LogRecord::new(7, Level::Trace, "", "x", Origin::App);
        third.thread = Some(String::new());
        third.fields = vec![("k".into(), "v".into())];
        assert_eq!(records[2], third);
    }

    #[test]
    fn a_version_alone_is_an_empty_batch() {
        assert!(read_all(&[VERSION]).unwrap().is_empty());
    }

    #[test]
    fn malformed_buffers_are_errors_naming_the_record_never_panics() {
        let good = pack(&[(3, 1, "t", "m", None, &[])]);
        let reason = |packed: &[u8]| match read_all(packed) {
            Err(AgentError::InvalidArgument { reason }) => reason,
            other => panic!("expected InvalidArgument, got {other:?}"),
        };
        assert!(reason(&[]).contains("empty"));
        assert!(reason(&[2]).contains("version 2"));
        let mut bad_level = good.clone();
        bad_level[1] = 9;
        assert!(
            reason(&bad_level).contains("level 9"),
            "{}",
            reason(&bad_level)
        );
        // Every truncation of a good two-record buffer is refused, and
        // names the second record when the first was whole.
        let two = pack(&[
            (3, 1, "t", "m", Some("th"), &[("k", "v")]),
            (2, 2, "t", "m", None, &[]),
        ]);
        let first_len = pack(&[(3, 1, "t", "m", Some("th"), &[("k", "v")])]).len();
        for cut in 2..two.len() {
            if cut == first_len {
                assert_eq!(read_all(&two[..cut]).unwrap().len(), 1);
                continue;
            }
            let reason = reason(&two[..cut]);
            let record = if cut < first_len {
                "record 0"
            } else {
                "record 1"
            };
            assert!(
                reason.contains(record) && reason.contains("cut short"),
                "{cut}: {reason}"
            );
        }
        let mut not_utf8 = pack(&[(3, 1, "t", "mm", None, &[])]);
        let at = not_utf8.len() - 2 - 4 - 1;
        not_utf8[at] = 0xff;
        assert!(
            reason(&not_utf8).contains("message is not UTF-8"),
            "{}",
            reason(&not_utf8)
        );
        // A length near u32::MAX is cut short, not an allocation.
        let mut huge = vec![VERSION, 3];
        huge.extend_from_slice(&1i64.to_le_bytes());
        huge.extend_from_slice(&(u32::MAX - 1).to_le_bytes());
        assert!(
            reason(&huge).contains("the tag: cut short"),
            "{}",
            reason(&huge)
        );
    }

    #[test]
    fn the_records_before_a_bad_one_are_handed_over() {
        let mut packed = pack(&[(3, 1, "t", "one", None, &[]), (3, 2, "t", "two", None, &[])]);
        packed.push(0); // a third record: level 0
        let mut seen = Vec::new();
        let err = read(&packed, || 0, |r| seen.push(r.message.clone())).unwrap_err();
        assert_eq!(seen, ["one", "two"]);
        assert!(
            err.to_string().contains("record 2")
                && err
                    .to_string()
                    .contains("2 records before it were captured")
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_never_a_panic(tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let mut packed = vec![VERSION];
            packed.extend(tail);
            let _ = read_all(&packed);
        }
    }
}
