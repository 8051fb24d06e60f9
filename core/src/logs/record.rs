//! One log record, whichever way it came in: Rust's `log` macros, a record
//! forwarded from Kotlin or Swift, or a line of an imported logcat dump or
//! Apple log export.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::printable::push_printable;
use crate::redact::{RedactionCounts, Redactor};

/// Severity, as the `log` crate has it. Android's Verbose maps to `Trace`,
/// its Fatal and Assert to `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }

    /// The one-letter form logcat uses.
    pub fn letter(self) -> char {
        match self {
            Level::Error => 'E',
            Level::Warn => 'W',
            Level::Info => 'I',
            Level::Debug => 'D',
            Level::Trace => 'V',
        }
    }

    pub(crate) fn from_u8(value: u8) -> Option<Level> {
        Some(match value {
            1 => Level::Error,
            2 => Level::Warn,
            3 => Level::Info,
            4 => Level::Debug,
            5 => Level::Trace,
            _ => return None,
        })
    }
}

impl From<log::Level> for Level {
    fn from(level: log::Level) -> Self {
        match level {
            log::Level::Error => Level::Error,
            log::Level::Warn => Level::Warn,
            log::Level::Info => Level::Info,
            log::Level::Debug => Level::Debug,
            log::Level::Trace => Level::Trace,
        }
    }
}

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Rust code, through the `log` facade.
    Rust = 1,
    /// Kotlin or Swift code, forwarded through the bindings.
    App = 2,
    /// An imported logcat dump.
    Logcat = 3,
    /// An imported Apple log export.
    AppleLog = 4,
}

impl Origin {
    pub(crate) fn from_u8(value: u8) -> Option<Origin> {
        Some(match value {
            1 => Origin::Rust,
            2 => Origin::App,
            3 => Origin::Logcat,
            4 => Origin::AppleLog,
            _ => return None,
        })
    }
}

/// One log record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRecord {
    /// Milliseconds since the Unix epoch, UTC.
    pub timestamp_ms: i64,
    pub level: Level,
    /// The Rust target, the Android tag, or the Apple process or subsystem.
    pub tag: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<u32>,
    /// Structured key-values, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
    pub origin: Origin,
}

impl LogRecord {
    pub fn new(
        timestamp_ms: i64,
        level: Level,
        tag: impl Into<String>,
        message: impl Into<String>,
        origin: Origin,
    ) -> Self {
        LogRecord {
            timestamp_ms,
            level,
            tag: tag.into(),
            message: message.into(),
            thread: None,
            pid: None,
            tid: None,
            fields: Vec::new(),
            origin,
        }
    }

    /// The record scrubbed of secrets: every string of it, the tag, thread
    /// and field names too (an app may put a person's address in any of
    /// them), a field's value by its key as well as by its text
    /// ([`Redactor::redact_field`]). `None` when nothing was replaced, so
    /// the common record is not copied.
    pub fn redacted(&self, redactor: &Redactor, counts: &mut RedactionCounts) -> Option<LogRecord> {
        use std::borrow::Cow;
        let tag = redactor.redact(&self.tag, counts);
        let thread = self
            .thread
            .as_deref()
            .map(|thread| redactor.redact(thread, counts));
        let message = redactor.redact(&self.message, counts);
        let fields: Vec<(Cow<'_, str>, Cow<'_, str>)> = self
            .fields
            .iter()
            .map(|(k, v)| {
                (
                    redactor.redact(k, counts),
                    redactor.redact_field(k, v, counts),
                )
            })
            .collect();
        let borrowed = |text: &Cow<'_, str>| matches!(text, Cow::Borrowed(_));
        let unchanged = borrowed(&tag)
            && thread.as_ref().is_none_or(borrowed)
            && borrowed(&message)
            && fields.iter().all(|(k, v)| borrowed(k) && borrowed(v));
        (!unchanged).then(|| LogRecord {
            timestamp_ms: self.timestamp_ms,
            level: self.level,
            tag: tag.into_owned(),
            message: message.into_owned(),
            thread: thread.map(Cow::into_owned),
            pid: self.pid,
            tid: self.tid,
            fields: fields
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            origin: self.origin,
        })
    }

    /// The record as one line of plain text, logcat-like:
    /// `2026-03-17T16:13:38.811Z I Tag[1702:2395] (thread): message key=value`.
    /// Control characters in every part that came from the app (tag,
    /// thread, message, fields) are escaped (`crate::printable`), so one
    /// record is one line and nothing in it can forge another.
    pub fn write_text(&self, out: &mut String) {
        self.write_text_at(out, &rfc3339(self.timestamp_ms));
    }

    /// [`LogRecord::write_text`] with the timestamp already formatted.
    pub fn write_text_at(&self, out: &mut String, timestamp: &str) {
        out.push_str(timestamp);
        let _ = write!(out, " {} ", self.level.letter());
        push_printable(out, &self.tag);
        match (self.pid, self.tid) {
            (Some(pid), Some(tid)) => {
                let _ = write!(out, "[{pid}:{tid}]");
            }
            (Some(pid), None) => {
                let _ = write!(out, "[{pid}]");
            }
            _ => {}
        }
        if let Some(thread) = &self.thread {
            out.push_str(" (");
            push_printable(out, thread);
            out.push(')');
        }
        out.push_str(": ");
        push_printable(out, &self.message);
        for (key, value) in &self.fields {
            out.push(' ');
            push_printable(out, key);
            out.push('=');
            push_printable(out, value);
        }
        out.push('\n');
    }
}

/// Writes `ms` since the epoch as RFC 3339 UTC with milliseconds
/// (`2026-11-27T09:41:00.123Z`).
pub fn write_rfc3339(out: &mut String, ms: i64) {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        // Outside what four digits hold: rare enough for the slow path.
        let _ = write!(
            out,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        );
        return;
    }
    // Written digit by digit: this runs once per record of a bundle.
    let mut buf = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut value: u64| {
        for i in (at..at + width).rev() {
            buf[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, y as u64);
    put(5, 2, u64::from(m));
    put(8, 2, u64::from(d));
    put(11, 2, (rem / 3600) as u64);
    put(14, 2, (rem % 3600 / 60) as u64);
    put(17, 2, (rem % 60) as u64);
    put(20, 3, millis as u64);
    out.push_str(std::str::from_utf8(&buf).expect("ASCII digits"));
}

/// RFC 3339 UTC text for `ms` since the epoch.
pub fn rfc3339(ms: i64) -> String {
    let mut out = String::with_capacity(24);
    write_rfc3339(&mut out, ms);
    out
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_772_460_123), "2026-11-27T09:41:00.123Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
        for days in [-800_000, -1, 0, 59, 60, 10_000, 20_454, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            days_from_civil(2024, 2, 29) + 1,
            days_from_civil(2024, 3, 1)
        );
    }

    #[test]
    fn text_is_one_line_per_record() {
        let mut r = LogRecord::new(0, Level::Warn, "Push", "line one\nline two", Origin::App);
        r.pid = Some(7);
        r.tid = Some(9);
        r.thread = Some("main".into());
        r.fields.push(("attempt".into(), "2".into()));
        let mut out = String::new();
        r.write_text(&mut out);
        assert_eq!(
            out,
            "1970-01-01T00:00:00.000Z W Push[7:9] (main): line one\\nline two attempt=2\n"
        );
    }

    #[test]
    fn no_part_of_a_record_can_forge_a_line_or_a_terminal_escape() {
        let forged = "x\n1970-01-01T00:00:00.000Z I Auth: login ok\r\x1b[2J\u{2028}";
        let mut r = LogRecord::new(0, Level::Info, forged, forged, Origin::App);
        r.thread = Some(forged.into());
        r.fields.push((forged.into(), forged.into()));
        let mut out = String::new();
        r.write_text(&mut out);
        assert_eq!(out.matches('\n').count(), 1, "{out}");
        assert!(out.ends_with('\n'));
        assert!(!out.contains(['\r', '\x1b', '\u{2028}']), "{out}");
        assert_eq!(out.matches("\\x1b[2J").count(), 5, "{out}");
    }
}
