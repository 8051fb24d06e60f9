//! One log record, whichever way it came in: Rust's `log` macros, a record
//! forwarded from Kotlin or Swift, or a line of an imported logcat dump or
//! Apple log export.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::logs::redact::{RedactionCounts, Redactor};
use crate::model::time::rfc3339;
use crate::printable::push_printable;

/// Severity, as the `log` crate has it. Android's Verbose maps to `Trace`,
/// its Fatal and Assert to `Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Something failed (Android's Error, Fatal and Assert).
    Error = 1,
    /// Something looks wrong but the work went on.
    Warn = 2,
    /// What happened, at the level a bundle keeps by default.
    Info = 3,
    /// Detail for whoever debugs the app.
    Debug = 4,
    /// Every step (Android's Verbose).
    Trace = 5,
}

impl Level {
    /// The level as logs and bundles write it (`WARN`).
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
    /// How severe; the capture drops records below its minimum level.
    pub level: Level,
    /// The Rust target, the Android tag, or the Apple process or subsystem.
    pub tag: String,
    /// The text, scrubbed before it is stored.
    pub message: String,
    /// The name of the thread that logged it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
    /// The process id, as an imported log gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// The thread id, as an imported log gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<u32>,
    /// Structured key-values, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
    /// Where the record came from, so a reader can tell the app's logs from the system's.
    pub origin: Origin,
}

impl LogRecord {
    /// A record without thread, process or fields; set those afterwards where known.
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

#[cfg(test)]
mod tests {
    use super::*;

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
