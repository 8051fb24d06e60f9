//! One record as one line of `logs.txt` (bundle format 2): what a developer
//! reads in any editor, and what the tools parse back into the very record
//! that was written (`bundle show`, `bundle verify`, a future `report
//! merge`). Format 1 bundles kept a second copy of every record as NDJSON
//! for the tools; this line makes that copy unnecessary, so the records are
//! compressed once. Grammar (`docs/bundle.md`):
//!
//! ```text
//! TIME LEVEL ORIGIN TAG[PID:TID] (THREAD) {KEY=VALUE KEY=VALUE}: MESSAGE
//! 2026-11-27T09:41:00.123Z W app Accept[1702:2395] (main) {attempt=2}: attempt 2 got HTTP 503
//! ```
//!
//! `[…]`, `(…)` and `{…}` are left out when the record has no ids, no
//! thread or no fields (`[PID]` and `[:TID]` when it has one id). Every
//! part is escaped so that the line cannot be misread: a backslash is
//! doubled, the characters [`crate::printable`] escapes for a terminal are
//! escaped the same way (`\n`, `\r`, `\x1b`, `\u{202e}`), and in the parts
//! before the message the characters that would end the part are written
//! as `\xNN` (`:` `[` `(` `{` in a tag, `)` in a thread, space `=` `}` in a
//! key, space `}` in a value). The message runs to the end of the line and
//! keeps its tabs and spaces as they are.

use std::fmt::Write as _;

use crate::logs::record::{Level, LogRecord, Origin};
use crate::model::time::{days_from_civil, write_rfc3339};
use crate::printable::is_unprintable;

/// Characters that end a tag (its ids, its thread, its fields, or the message follow).
const TAG_ENDS: &[u8] = b"[({:";
/// What ends a thread name.
const THREAD_ENDS: &[u8] = b")";
/// What ends a field's key.
const KEY_ENDS: &[u8] = b" =}";
/// What ends a field's value.
const VALUE_ENDS: &[u8] = b" }";

/// Bytes that may start something to escape in a part ended by `ends`:
/// controls (but tab), DEL, the backslash, the lead bytes of the non-ASCII
/// characters [`is_unprintable`] names (C1, U+061C, U+200E…U+2069, U+FEFF),
/// and `ends`. A table, so the common string that needs nothing costs one
/// look-up a byte: this runs over every byte of every record.
const fn escape_table(ends: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\t' as usize;
        b += 1;
    }
    table[0x7f] = true;
    table[b'\\' as usize] = true;
    table[0xc2] = true;
    table[0xd8] = true;
    table[0xe2] = true;
    table[0xef] = true;
    let mut i = 0;
    while i < ends.len() {
        table[ends[i] as usize] = true;
        i += 1;
    }
    table
}

const TAG_TABLE: [bool; 256] = escape_table(TAG_ENDS);
const THREAD_TABLE: [bool; 256] = escape_table(THREAD_ENDS);
const KEY_TABLE: [bool; 256] = escape_table(KEY_ENDS);
const VALUE_TABLE: [bool; 256] = escape_table(VALUE_ENDS);
const MESSAGE_TABLE: [bool; 256] = escape_table(b"");

/// Appends `record` as one line, its newline included.
pub fn write_line(out: &mut String, record: &LogRecord) {
    write_rfc3339(out, record.timestamp_ms);
    out.push(' ');
    out.push(record.level.letter());
    out.push(' ');
    out.push_str(origin_name(record.origin));
    out.push(' ');
    push_escaped(out, &record.tag, TAG_ENDS, &TAG_TABLE);
    if record.pid.is_some() || record.tid.is_some() {
        out.push('[');
        if let Some(pid) = record.pid {
            push_number(out, pid);
        }
        if let Some(tid) = record.tid {
            out.push(':');
            push_number(out, tid);
        }
        out.push(']');
    }
    if let Some(thread) = &record.thread {
        out.push_str(" (");
        push_escaped(out, thread, THREAD_ENDS, &THREAD_TABLE);
        out.push(')');
    }
    if !record.fields.is_empty() {
        out.push_str(" {");
        for (i, (key, value)) in record.fields.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            push_escaped(out, key, KEY_ENDS, &KEY_TABLE);
            out.push('=');
            push_escaped(out, value, VALUE_ENDS, &VALUE_TABLE);
        }
        out.push('}');
    }
    out.push_str(": ");
    push_escaped(out, &record.message, b"", &MESSAGE_TABLE);
    out.push('\n');
}

/// Appends `n` in decimal, digit by digit: `write!` costs more, and this
/// runs twice for most records.
fn push_number(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// The name `logs.txt` (and format 1's `logs.ndjson`) gives an origin.
pub fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Rust => "rust",
        Origin::App => "app",
        Origin::Logcat => "logcat",
        Origin::AppleLog => "apple_log",
    }
}

fn origin_from_name(name: &str) -> Option<Origin> {
    Some(match name {
        "rust" => Origin::Rust,
        "app" => Origin::App,
        "logcat" => Origin::Logcat,
        "apple_log" => Origin::AppleLog,
        _ => return None,
    })
}

fn level_from_letter(letter: u8) -> Option<Level> {
    Some(match letter {
        b'E' => Level::Error,
        b'W' => Level::Warn,
        b'I' => Level::Info,
        b'D' => Level::Debug,
        b'V' => Level::Trace,
        _ => return None,
    })
}

/// Appends `text` escaped; `table` is `escape_table(ends)`.
fn push_escaped(out: &mut String, text: &str, ends: &[u8], table: &[bool; 256]) {
    if !text.bytes().any(|b| table[b as usize]) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii() && (ends.contains(&(c as u8)) || is_unprintable(c)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unprintable(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Why a line is not a record of `logs.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError(pub String);

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn bad<T>(what: &str) -> Result<T, LineError> {
    Err(LineError(what.to_string()))
}

/// The record a line holds (without its newline, or with it).
pub fn parse_line(line: &str) -> Result<LogRecord, LineError> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    let (mut record, rest) = parse_head(line)?;
    record.message = unescape_all(rest)?;
    Ok(record)
}

/// Everything but the message (left empty), and the message as written:
/// what a reader that holds only the start of a long line can check.
pub fn parse_head(line: &str) -> Result<(LogRecord, &str), LineError> {
    let (time, rest) = line.split_once(' ').ok_or(LineError("no time".into()))?;
    let timestamp_ms = parse_time(time)?;
    let (level, rest) = match rest.as_bytes() {
        [letter, b' ', ..] => (level_from_letter(*letter), &rest[2..]),
        _ => (None, rest),
    };
    let Some(level) = level else {
        return bad("no level letter (E, W, I, D or V) after the time");
    };
    let (origin, rest) = rest.split_once(' ').ok_or(LineError("no origin".into()))?;
    let Some(origin) = origin_from_name(origin) else {
        return bad("unknown origin (rust, app, logcat or apple_log)");
    };
    let mut record = LogRecord::new(timestamp_ms, level, "", "", origin);
    let (mut tag, mut rest) = take_escaped(rest, TAG_ENDS)?;
    if rest.starts_with(['(', '{']) {
        // The space before a thread or the fields belongs to the line, not the tag.
        if tag.pop() != Some(' ') {
            return bad("no space before the thread or the fields");
        }
    }
    record.tag = tag;
    if let Some(ids) = rest.strip_prefix('[') {
        let (ids, after) = ids
            .split_once(']')
            .ok_or(LineError("unclosed [ids]".into()))?;
        let (pid, tid) = match ids.split_once(':') {
            Some((pid, tid)) => (pid, Some(tid)),
            None => (ids, None),
        };
        let number = |text: &str| -> Result<Option<u32>, LineError> {
            if text.is_empty() {
                return Ok(None);
            }
            if !text.bytes().all(|b| b.is_ascii_digit()) {
                return bad("ids that are not numbers");
            }
            text.parse()
                .map(Some)
                .map_err(|_| LineError("an id out of range".into()))
        };
        record.pid = number(pid)?;
        record.tid = tid.map(number).transpose()?.flatten();
        if record.pid.is_none() && record.tid.is_none() {
            return bad("empty [ids]");
        }
        rest = after;
        if rest.starts_with(" (") || rest.starts_with(" {") {
            rest = &rest[1..];
        }
    }
    if let Some(thread) = rest.strip_prefix('(') {
        let (thread, after) = take_escaped(thread, THREAD_ENDS)?;
        rest = after
            .strip_prefix(')')
            .ok_or(LineError("unclosed (thread)".into()))?;
        record.thread = Some(thread);
        if rest.starts_with(" {") {
            rest = &rest[1..];
        }
    }
    if let Some(mut fields) = rest.strip_prefix('{') {
        loop {
            let (key, after) = take_escaped(fields, KEY_ENDS)?;
            let after = after
                .strip_prefix('=')
                .ok_or(LineError("a field without =".into()))?;
            let (value, after) = take_escaped(after, VALUE_ENDS)?;
            record.fields.push((key, value));
            match after.as_bytes().first() {
                Some(b' ') => fields = &after[1..],
                Some(b'}') => {
                    rest = &after[1..];
                    break;
                }
                _ => return bad("unclosed {fields}"),
            }
        }
    }
    let message = rest
        .strip_prefix(": ")
        .ok_or(LineError("no \": \" before the message".into()))?;
    Ok((record, message))
}

/// `2026-11-27T09:41:00.123Z` (the year may have more digits or a sign,
/// as [`write_rfc3339`] writes years outside 0–9999) to milliseconds.
fn parse_time(text: &str) -> Result<i64, LineError> {
    let b = text.as_bytes();
    let n = b.len();
    let shape = n >= 24
        && b[n - 20] == b'-'
        && b[n - 17] == b'-'
        && b[n - 14] == b'T'
        && b[n - 11] == b':'
        && b[n - 8] == b':'
        && b[n - 5] == b'.'
        && b[n - 1] == b'Z';
    let number = |from: usize, to: usize| -> Option<i64> {
        let digits = &text[from..to];
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let parsed = shape
        .then(|| {
            let year: i64 = text[..n - 20].parse().ok()?;
            let month = number(n - 19, n - 17)?;
            let day = number(n - 16, n - 14)?;
            let hour = number(n - 13, n - 11)?;
            let minute = number(n - 10, n - 8)?;
            let second = number(n - 7, n - 5)?;
            let millis = number(n - 4, n - 1)?;
            let valid = (1..=12).contains(&month)
                && (1..=31).contains(&day)
                && hour < 24
                && minute < 60
                && second < 60;
            if !valid || year.unsigned_abs() > 1_000_000_000 {
                return None;
            }
            let days = days_from_civil(year, month as u32, day as u32);
            let secs = days
                .checked_mul(86_400)?
                .checked_add(hour * 3600 + minute * 60 + second)?;
            secs.checked_mul(1000)?.checked_add(millis)
        })
        .flatten();
    match parsed {
        // Only the text this time writes back to is its own: 02-30 is not a date.
        Some(ms)
            if {
                let mut again = String::with_capacity(24);
                write_rfc3339(&mut again, ms);
                again == text
            } =>
        {
            Ok(ms)
        }
        _ => bad("the time is not RFC 3339 UTC with milliseconds"),
    }
}

/// Unescapes `text` up to the first unescaped byte of `ends` (which stays
/// at the start of the rest), or to its end.
fn take_escaped<'a>(text: &'a str, ends: &[u8]) -> Result<(String, &'a str), LineError> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if ends.contains(&b) {
            out.push_str(&text[start..i]);
            return Ok((out, &text[i..]));
        }
        if b != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&text[start..i]);
        let (c, len) = unescape_one(&text[i..])?;
        out.push(c);
        i += len;
        start = i;
    }
    out.push_str(&text[start..]);
    Ok((out, ""))
}

fn unescape_all(text: &str) -> Result<String, LineError> {
    if !text.contains('\\') {
        return Ok(text.to_string());
    }
    take_escaped(text, b"").map(|(text, _)| text)
}

/// One escape at the start of `text` (which starts with a backslash): the
/// character, and the bytes the escape took.
fn unescape_one(text: &str) -> Result<(char, usize), LineError> {
    let b = text.as_bytes();
    match b.get(1) {
        Some(b'\\') => Ok(('\\', 2)),
        Some(b'n') => Ok(('\n', 2)),
        Some(b'r') => Ok(('\r', 2)),
        Some(b'x') => text
            .get(2..4)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(|v| v.is_ascii() && text.as_bytes()[2] != b'+')
            .map(|v| (v as char, 4))
            .ok_or(LineError("a bad \\x escape".into())),
        Some(b'u') => {
            let close = text.find('}').filter(|_| b.get(2) == Some(&b'{'));
            close
                .and_then(|close| {
                    let hex = &text[3..close];
                    let valid =
                        (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit());
                    valid
                        .then(|| u32::from_str_radix(hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32)
                        .map(|c| (c, close + 1))
                })
                .ok_or(LineError("a bad \\u{…} escape".into()))
        }
        _ => bad("a backslash that starts no escape (a literal one is written \\\\)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(record: &LogRecord) -> String {
        let mut out = String::new();
        write_line(&mut out, record);
        out
    }

    fn full() -> LogRecord {
        let mut r = LogRecord::new(
            1_795_772_460_123,
            Level::Warn,
            "Accept",
            "attempt 2 got HTTP 503",
            Origin::App,
        );
        r.pid = Some(1702);
        r.tid = Some(2395);
        r.thread = Some("main".into());
        r.fields.push(("attempt".into(), "2".into()));
        r
    }

    #[test]
    fn a_plain_record_reads_like_a_logcat_line() {
        assert_eq!(
            line(&full()),
            "2026-11-27T09:41:00.123Z W app Accept[1702:2395] (main) {attempt=2}: attempt 2 got HTTP 503\n"
        );
        let bare = LogRecord::new(0, Level::Trace, "", "", Origin::Logcat);
        assert_eq!(line(&bare), "1970-01-01T00:00:00.000Z V logcat : \n");
    }

    #[test]
    fn every_shape_of_record_reads_back_as_written() {
        let tricky = "a\\nb: c [d] (e) {f=g h} \\x41\u{202e}\r\n\x1b\t\u{85}\u{2028}é東";
        let mut records = vec![full()];
        for origin in [Origin::Rust, Origin::App, Origin::Logcat, Origin::AppleLog] {
            for level in [
                Level::Error,
                Level::Warn,
                Level::Info,
                Level::Debug,
                Level::Trace,
            ] {
                for ids in [
                    (None, None),
                    (Some(1), None),
                    (None, Some(2)),
                    (Some(0), Some(u32::MAX)),
                ] {
                    for thread in [None, Some(""), Some(tricky)] {
                        let mut r =
                            LogRecord::new(-100_000_000_000_000, level, tricky, tricky, origin);
                        (r.pid, r.tid) = ids;
                        r.thread = thread.map(String::from);
                        records.push(r.clone());
                        r.fields.push((tricky.into(), tricky.into()));
                        r.fields.push((String::new(), String::new()));
                        r.tag = String::new();
                        records.push(r.clone());
                        r.tag = "trailing space ".into();
                        r.timestamp_ms = 253_402_300_800_000; // year 10000
                        records.push(r);
                    }
                }
            }
        }
        for r in records {
            let text = line(&r);
            assert_eq!(text.matches('\n').count(), 1, "{text}");
            assert!(!text.contains(['\r', '\x1b', '\u{2028}', '\u{202e}', '\u{85}']));
            assert_eq!(parse_line(&text), Ok(r), "{text}");
        }
    }

    #[test]
    fn every_character_reads_back_and_none_unprintable_is_left_raw() {
        let chars = (0u32..0x3000)
            .chain(0xfe00..0x10000)
            .chain([0x1f600, 0x10ffff])
            .filter_map(char::from_u32);
        for c in chars {
            let text = format!("a{c}b");
            let mut r = LogRecord::new(0, Level::Info, &*text, &*text, Origin::Rust);
            r.thread = Some(text.clone());
            r.fields.push((text.clone(), text.clone()));
            let written = line(&r);
            assert!(
                !written.trim_end_matches('\n').chars().any(is_unprintable),
                "{c:?}: {written}"
            );
            assert_eq!(parse_line(&written), Ok(r), "{c:?}: {written}");
        }
    }

    #[test]
    fn lines_that_are_not_records_say_why() {
        for (text, why) in [
            ("", "no time"),
            ("2026-11-27T09:41:00.123Z", "no time"),
            ("2026-02-30T09:41:00.123Z W app T: m", "RFC 3339"),
            ("2026-11-27 W app T: m", "RFC 3339"),
            ("2026-11-27T09:41:00.123Z X app T: m", "level"),
            ("2026-11-27T09:41:00.123Z W web T: m", "origin"),
            ("2026-11-27T09:41:00.123Z W app T[x]: m", "numbers"),
            ("2026-11-27T09:41:00.123Z W app T[]: m", "empty"),
            ("2026-11-27T09:41:00.123Z W app T[1: m", "unclosed"),
            ("2026-11-27T09:41:00.123Z W app T (main: m", "unclosed"),
            ("2026-11-27T09:41:00.123Z W app T {a=b", "unclosed"),
            ("2026-11-27T09:41:00.123Z W app T {a=b: m", "without ="),
            ("2026-11-27T09:41:00.123Z W app T {a}: m", "without ="),
            ("2026-11-27T09:41:00.123Z W app T m", "\": \""),
            ("2026-11-27T09:41:00.123Z W app T: a \\q", "backslash"),
            ("2026-11-27T09:41:00.123Z W app T: \\xzz", "\\x"),
            ("2026-11-27T09:41:00.123Z W app T: \\u{d800}", "\\u"),
        ] {
            let err = parse_line(text).expect_err(text);
            assert!(err.0.contains(why), "{text}: {err}");
        }
    }
}
