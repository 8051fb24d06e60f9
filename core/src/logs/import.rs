//! Records the app already has elsewhere, read from text: a logcat dump in
//! `threadtime` format (`adb logcat -v threadtime`) and an Apple log export
//! in its syslog-like text form.
//!
//! Both formats leave out the year (and logcat the time zone): the importer
//! takes them from [`ImportOptions`]. A line that does not start a record
//! (a stack trace line, a wrapped message) continues the record before it,
//! so nothing is dropped; lines that are not valid UTF-8 are read lossily
//! and counted. Reading streams: one record in memory at a time, and
//! memory is bounded whatever the input: a line is held up to
//! [`ImportOptions::max_line_bytes`] (the rest of a longer line is passed
//! over in the reader's own buffer), and a record's message, continuation
//! lines included, up to [`ImportOptions::max_message_bytes`]. What is cut
//! is counted and the record says so (`…[cut N bytes]`).

use std::io::{self, BufRead, Read};

use super::record::{Level, LogRecord, Origin};
use super::segment::cut;
use crate::model::time::{days_from_civil, now_ms, rfc3339};

/// The text formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// `03-17 16:13:38.811  1702  2395 D WindowManager: message`
    LogcatThreadtime,
    /// `Jul  1 09:00:55 host process[pid]: message`
    AppleSyslog,
}

impl ImportFormat {
    /// Both formats, in the order [`ImportFormat::sniff`] tries them.
    pub const ALL: [ImportFormat; 2] = [ImportFormat::LogcatThreadtime, ImportFormat::AppleSyslog];

    /// What a person calls this format, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ImportFormat::LogcatThreadtime => "a logcat dump (threadtime)",
            ImportFormat::AppleSyslog => "an Apple log export (syslog text)",
        }
    }

    /// Which format the first lines of a text are in: read as the wrong
    /// one, every line would be an orphan with no time and no level, so a
    /// file given under the wrong option is caught here rather than
    /// imported as nonsense. Looks at up to [`SNIFF_LINES`] non-empty
    /// lines (logcat's `--------- beginning of` markers left out) and
    /// answers the format most of them parse as, or what the text is
    /// when none does ([`Sniffed`]).
    pub fn sniff(head: &str) -> Sniffed {
        let lines: Vec<&str> = head
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.is_empty() && !l.starts_with("--------- "))
            .take(SNIFF_LINES)
            .collect();
        let Some(first) = lines.first() else {
            return Sniffed::Empty;
        };
        let parses = |format: ImportFormat| {
            lines
                .iter()
                .filter(|l| match format {
                    ImportFormat::LogcatThreadtime => parse_logcat(l, 2000, 0).is_some(),
                    ImportFormat::AppleSyslog => parse_apple(l, 2000, 0).is_some(),
                })
                .count()
        };
        let best = ImportFormat::ALL
            .into_iter()
            .map(|format| (parses(format), format))
            .max_by_key(|(count, _)| *count)
            .expect("two formats");
        // More than half: a dump may open with a stack trace's tail.
        if best.0 * 2 > lines.len() {
            Sniffed::Format(best.1)
        } else {
            Sniffed::Neither {
                first_line: first.chars().take(80).collect(),
            }
        }
    }
}

/// How many non-empty lines [`ImportFormat::sniff`] looks at.
pub const SNIFF_LINES: usize = 20;

/// What [`ImportFormat::sniff`] made of a text's first lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    /// No line with text: nothing to judge.
    Empty,
    /// Most lines start a record of this format.
    Format(ImportFormat),
    /// Neither format: the first line (its first 80 characters) says what it is.
    Neither {
        /// The first non-empty line, cut to 80 characters.
        first_line: String,
    },
}

/// What the text leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The year the log was written in.
    pub year: i64,
    /// The device's offset from UTC when it wrote the log, in minutes.
    pub utc_offset_minutes: i32,
    /// Longer messages (continuation lines included) are cut and marked.
    pub max_message_bytes: usize,
    /// At most this much of a line is held; the rest of a longer line is
    /// passed over, counted, and the record is marked as cut.
    pub max_line_bytes: usize,
}

impl Default for ImportOptions {
    /// This year, UTC.
    fn default() -> Self {
        let year = rfc3339(now_ms())[..4].parse().unwrap_or(1970);
        ImportOptions {
            year,
            utc_offset_minutes: 0,
            max_message_bytes: 64 * 1024,
            // A whole message and room for the line's head (time, ids, tag).
            max_line_bytes: 65 * 1024,
        }
    }
}

/// What an import read, and what it could not make sense of.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ImportStats {
    /// Lines read, of every kind.
    pub lines: u64,
    /// Records made: one per record line, plus the orphan lines.
    pub records: u64,
    /// Lines that continued the record before them.
    pub continuation_lines: u64,
    /// Lines before any record, kept as records of their own with no time.
    pub orphan_lines: u64,
    /// Marker lines (`--------- beginning of main`) left out.
    pub marker_lines: u64,
    /// Lines that were not UTF-8, kept with the bad bytes replaced.
    pub invalid_utf8_lines: u64,
    /// Records whose message was cut (a long line, a long message, or
    /// too many continuation lines).
    pub truncated_messages: u64,
    /// Lines longer than `max_line_bytes`.
    pub truncated_lines: u64,
    /// Bytes of text cut from messages, in all.
    pub cut_bytes: u64,
    /// The read error that ended the import early, if one did.
    pub read_error: Option<String>,
}

/// Streams the records of a log text.
pub struct Importer<R> {
    reader: R,
    format: ImportFormat,
    options: ImportOptions,
    stats: ImportStats,
    line: Vec<u8>,
    /// The record being read (continuation lines may follow), and how many
    /// bytes of its text were cut so far.
    held: Option<(LogRecord, u64)>,
    done: bool,
}

impl<R: BufRead> Importer<R> {
    /// An importer reading `reader` as `format`, within the bounds of `options`.
    pub fn new(reader: R, format: ImportFormat, options: ImportOptions) -> Self {
        Importer {
            reader,
            format,
            options,
            stats: ImportStats::default(),
            line: Vec::new(),
            held: None,
            done: false,
        }
    }

    /// What the import has read so far; final once the records run out.
    pub fn stats(&self) -> &ImportStats {
        &self.stats
    }

    /// The format the text is read as.
    pub fn format(&self) -> ImportFormat {
        self.format
    }

    fn parse(&self, line: &str) -> Option<LogRecord> {
        let offset_ms = i64::from(self.options.utc_offset_minutes) * 60_000;
        match self.format {
            ImportFormat::LogcatThreadtime => parse_logcat(line, self.options.year, offset_ms),
            ImportFormat::AppleSyslog => parse_apple(line, self.options.year, offset_ms),
        }
    }

    /// Takes in one line: a record held until the next line shows it has
    /// no continuation, a continuation of the held record, or an orphan.
    /// Returns a record once it is whole.
    fn take_line(&mut self, text: &str, line_cut: u64) -> Option<LogRecord> {
        if text.starts_with("--------- ") {
            self.stats.marker_lines += 1;
            return None;
        }
        match self.parse(text) {
            Some(record) => {
                let (previous, cut) = self.held.replace((record, line_cut))?;
                Some(self.finish(previous, cut))
            }
            None => match &mut self.held {
                Some((previous, cut)) => {
                    self.stats.continuation_lines += 1;
                    let max = self.options.max_message_bytes;
                    *cut += append_line(&mut previous.message, text, max) + line_cut;
                    None
                }
                None if text.trim().is_empty() => None,
                None => {
                    self.stats.orphan_lines += 1;
                    let origin = match self.format {
                        ImportFormat::LogcatThreadtime => Origin::Logcat,
                        ImportFormat::AppleSyslog => Origin::AppleLog,
                    };
                    let record = LogRecord::new(0, Level::Info, "", text, origin);
                    Some(self.finish(record, line_cut))
                }
            },
        }
    }

    /// Cuts the message to its cap and marks a record that lost text.
    fn finish(&mut self, mut record: LogRecord, mut cut_bytes: u64) -> LogRecord {
        if record.message.len() > self.options.max_message_bytes {
            let kept = cut(&record.message, self.options.max_message_bytes).len();
            cut_bytes += (record.message.len() - kept) as u64;
            record.message.truncate(kept);
        }
        if cut_bytes > 0 {
            record
                .message
                .push_str(&format!(" …[cut {cut_bytes} bytes]"));
            self.stats.truncated_messages += 1;
            self.stats.cut_bytes += cut_bytes;
        }
        self.stats.records += 1;
        record
    }
}

impl<R: BufRead> Iterator for Importer<R> {
    type Item = LogRecord;

    fn next(&mut self) -> Option<LogRecord> {
        while !self.done {
            let max_line = self.options.max_line_bytes;
            let line_cut = match read_line_bounded(&mut self.reader, &mut self.line, max_line) {
                Ok(Some(cut)) => cut,
                Ok(None) => {
                    self.done = true;
                    continue;
                }
                Err(e) => {
                    self.stats.read_error = Some(e.to_string());
                    self.done = true;
                    continue;
                }
            };
            self.stats.lines += 1;
            self.stats.truncated_lines += u64::from(line_cut > 0);
            while self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
            // Borrowed from the line buffer, which is handed back after:
            // the record copies what it keeps, so the line is not copied
            // first (this runs for every line of a 100 MiB dump).
            let line = std::mem::take(&mut self.line);
            let text = match std::str::from_utf8(&line) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => {
                    self.stats.invalid_utf8_lines += 1;
                    String::from_utf8_lossy(&line)
                }
            };
            let done = self.take_line(&text, line_cut);
            self.line = line;
            if done.is_some() {
                return done;
            }
        }
        let (last, cut) = self.held.take()?;
        Some(self.finish(last, cut))
    }
}

/// Reads one line into `line`, without its `\n`, holding at most `max`
/// bytes of it: the rest of a longer line is passed over in the reader's
/// own buffer. Returns how many bytes were passed over, or `None` at the
/// end of the input. Each byte is looked at once.
fn read_line_bounded(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<u64>> {
    line.clear();
    let max = max.max(1);
    // The common case at `read_until`'s speed; `take` bounds what it holds.
    let read = reader.by_ref().take(max as u64).read_until(b'\n', line)?;
    if read == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Some(0));
    }
    if line.len() < max {
        return Ok(Some(0)); // the last line, without a newline
    }
    let mut passed_over = 0u64;
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            break;
        }
        let newline = buffer.iter().position(|&b| b == b'\n');
        let taken = newline.unwrap_or(buffer.len());
        passed_over += taken as u64;
        reader.consume(taken + usize::from(newline.is_some()));
        if newline.is_some() {
            break;
        }
    }
    if passed_over > 0 {
        // Not half a character at the cut.
        if let Err(e) = std::str::from_utf8(line) {
            if e.error_len().is_none() {
                passed_over += (line.len() - e.valid_up_to()) as u64;
                line.truncate(e.valid_up_to());
            }
        }
    }
    Ok(Some(passed_over))
}

/// Appends a continuation line to a message, as far as `max` allows;
/// returns how many bytes did not fit.
fn append_line(message: &mut String, line: &str, max: usize) -> u64 {
    if message.len() >= max {
        return 1 + line.len() as u64;
    }
    message.push('\n');
    let kept = cut(line, max - message.len());
    message.push_str(kept);
    (line.len() - kept.len()) as u64
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Milliseconds since the epoch for a local wall-clock date and
/// `(hour, minute, second, millisecond)`.
fn to_ms(
    (year, month, day): (i64, u32, u32),
    (h, m, s, ms): (u32, u32, u32, u32),
    offset_ms: i64,
) -> Option<i64> {
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || h > 23
        || m > 59
        || s > 60
        || ms > 999
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + i64::from(h * 3600 + m * 60 + s)) * 1000 + i64::from(ms)) - offset_ms)
}

/// `HH:MM:SS` into its parts.
fn clock(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split(':');
    let h = digits(parts.next()?)?;
    let m = digits(parts.next()?)?;
    let sec = digits(parts.next()?)?;
    parts.next().is_none().then_some((h, m, sec))
}

fn parse_logcat(line: &str, year: i64, offset_ms: i64) -> Option<LogRecord> {
    // "MM-DD HH:MM:SS.mmm  PID  TID L TAG: message"
    let mut rest = line;
    // Byte by byte: `str::find` with a char or a string pattern sets up a
    // searcher for each call, which cost more than the search on lines
    // this short (this runs for every line of a dump). The positions are
    // of ASCII spaces, so every cut is at a character boundary.
    let mut field = || {
        let bytes = rest.as_bytes();
        let start = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(bytes.len(), |i| start + i);
        let token = &rest[start..end];
        rest = &rest[end..];
        token
    };
    let date = field();
    let time = field();
    let pid = digits(field())?;
    let tid = digits(field())?;
    let level = match field() {
        "V" => Level::Trace,
        "D" => Level::Debug,
        "I" => Level::Info,
        "W" => Level::Warn,
        "E" | "F" | "A" => Level::Error,
        _ => return None,
    };
    let (month, day) = date.split_once('-')?;
    let (hms, millis) = time.split_once('.')?;
    let (h, m, s) = clock(hms)?;
    let timestamp_ms = to_ms(
        (year, digits(month)?, digits(day)?),
        (h, m, s, digits(millis)?),
        offset_ms,
    )?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let colon = rest
        .as_bytes()
        .iter()
        .enumerate()
        .position(|(i, &b)| b == b':' && rest.as_bytes().get(i + 1) == Some(&b' '));
    let (tag, message) = match colon {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest.strip_suffix(':').unwrap_or(rest), ""),
    };
    let mut record = LogRecord::new(timestamp_ms, level, tag.trim_end(), message, Origin::Logcat);
    record.pid = Some(pid);
    record.tid = Some(tid);
    Some(record)
}

fn parse_apple(line: &str, year: i64, offset_ms: i64) -> Option<LogRecord> {
    // "Jul  1 09:00:55 host process[pid]: message"
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| line.starts_with(m))? as u32 + 1;
    let rest = line.get(3..)?.trim_start_matches(' ');
    let (day, rest) = rest.split_once(' ')?;
    let (time, rest) = rest.split_once(' ')?;
    let (h, m, s) = clock(time)?;
    let timestamp_ms = to_ms((year, month, digits(day)?), (h, m, s, 0), offset_ms)?;
    let (_host, rest) = rest.split_once(' ')?;
    let colon = rest
        .find(": ")
        .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))?;
    let (sender, message) = (&rest[..colon], rest.get(colon + 2..).unwrap_or(""));
    let (tag, pid) = match sender.find('[') {
        Some(open) => {
            let close = sender[open..].find(']')? + open;
            (&sender[..open], digits(&sender[open + 1..close]))
        }
        None => (sender, None),
    };
    let (level, message) = apple_level(message);
    let mut record = LogRecord::new(timestamp_ms, level, tag, message, Origin::AppleLog);
    record.pid = pid;
    Some(record)
}

/// ASL-style `<Error>: ` prefixes carry the level.
fn apple_level(message: &str) -> (Level, &str) {
    for (prefix, level) in [
        ("<Error>: ", Level::Error),
        ("<Critical>: ", Level::Error),
        ("<Warning>: ", Level::Warn),
        ("<Notice>: ", Level::Info),
        ("<Info>: ", Level::Info),
        ("<Debug>: ", Level::Debug),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return (level, rest);
        }
    }
    (Level::Info, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::rfc3339;

    fn import(format: ImportFormat, text: &[u8]) -> (Vec<LogRecord>, ImportStats) {
        let options = ImportOptions {
            year: 2026,
            ..ImportOptions::default()
        };
        let mut importer = Importer::new(text, format, options);
        let records: Vec<_> = importer.by_ref().collect();
        (records, importer.stats().clone())
    }

    #[test]
    fn sniffing_tells_the_formats_apart() {
        use ImportFormat::*;
        let logcat = "--------- beginning of main\n03-17 16:13:38.811  1702  2395 D WindowManager: a\n\tat x\n03-17 16:13:38.812  1702  2395 I Tag: b\n";
        let apple = "Jul  1 09:00:55 host kernel[0]: a\nJul  1 09:01:05 host QQ[10018]: b\n";
        assert_eq!(
            ImportFormat::sniff(logcat),
            Sniffed::Format(LogcatThreadtime)
        );
        assert_eq!(ImportFormat::sniff(apple), Sniffed::Format(AppleSyslog));
        assert_eq!(ImportFormat::sniff(""), Sniffed::Empty);
        assert_eq!(
            ImportFormat::sniff("--------- beginning of main\n\n"),
            Sniffed::Empty
        );
        assert_eq!(
            ImportFormat::sniff("{\"a\": 1}\nplain text\n"),
            Sniffed::Neither {
                first_line: "{\"a\": 1}".into()
            }
        );
        // A brief-format logcat is neither: importing it would make every
        // line an orphan.
        assert!(matches!(
            ImportFormat::sniff("D/WindowManager( 1702): a\nI/Tag( 1702): b\n"),
            Sniffed::Neither { .. }
        ));
    }

    #[test]
    fn logcat_threadtime_lines() {
        let text = b"--------- beginning of main\n03-17 16:13:38.811  1702  2395 D WindowManager: printFreezing a=1\n03-17 16:13:38.859  2227  2227 E AndroidRuntime: FATAL EXCEPTION: main\n\tat com.example.Foo.bar(Foo.java:10)\n";
        let (records, stats) = import(ImportFormat::LogcatThreadtime, text);
        assert_eq!(records.len(), 2);
        let r = &records[0];
        assert_eq!(rfc3339(r.timestamp_ms), "2026-03-17T16:13:38.811Z");
        assert_eq!(
            (r.pid, r.tid, r.level),
            (Some(1702), Some(2395), Level::Debug)
        );
        assert_eq!(
            (r.tag.as_str(), r.message.as_str()),
            ("WindowManager", "printFreezing a=1")
        );
        assert_eq!(records[1].level, Level::Error);
        assert_eq!(
            records[1].message,
            "FATAL EXCEPTION: main\n\tat com.example.Foo.bar(Foo.java:10)"
        );
        assert_eq!(
            (stats.lines, stats.marker_lines, stats.continuation_lines),
            (4, 1, 1)
        );
    }

    #[test]
    fn apple_syslog_lines() {
        let text = b"Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::listenerCallback\nJul 12 19:01:06 host QQ[10018]: <Error>: FA||Url dealloc\nJul  1 09:02:26 host com.apple.xpc.launchd[1] (com.apple.x[42]): Service exited\n";
        let (records, stats) = import(ImportFormat::AppleSyslog, text);
        assert_eq!(records.len(), 3, "{stats:?}");
        assert_eq!(rfc3339(records[0].timestamp_ms), "2026-07-01T09:00:55.000Z");
        assert_eq!(
            (records[0].tag.as_str(), records[0].pid),
            ("kernel", Some(0))
        );
        assert_eq!(
            (records[1].level, records[1].message.as_str()),
            (Level::Error, "FA||Url dealloc")
        );
        assert_eq!(
            (records[2].tag.as_str(), records[2].pid),
            ("com.apple.xpc.launchd", Some(1))
        );
    }

    #[test]
    fn bad_bytes_and_orphans_are_kept_and_counted() {
        let text = b"garbage first line\n03-17 16:13:38.811  1702  2395 I Tag: caf\xe9\n";
        let (records, stats) = import(ImportFormat::LogcatThreadtime, text);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].message, "garbage first line");
        assert_eq!(records[1].message, "caf\u{FFFD}");
        assert_eq!((stats.orphan_lines, stats.invalid_utf8_lines), (1, 1));
    }

    #[test]
    fn huge_lines_are_cut_not_refused() {
        let mut text = b"03-17 16:13:38.811  1702  2395 I Tag: ".to_vec();
        text.extend(std::iter::repeat_n(b'x', 1024 * 1024));
        let (records, stats) = import(ImportFormat::LogcatThreadtime, &text);
        assert!(records[0].message.len() < 70 * 1024);
        assert!(records[0].message.ends_with("…[cut 983040 bytes]"));
        assert_eq!(stats.truncated_messages, 1);
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let mut text = b"03-17 16:13:38.811  1702  2395 I Tag: ".to_vec();
        let head = text.len();
        text.extend("é".repeat(100).as_bytes());
        text.push(b'\n');
        for max_line_bytes in head + 1..head + 9 {
            let options = ImportOptions {
                year: 2026,
                max_line_bytes,
                ..ImportOptions::default()
            };
            let mut importer = Importer::new(&text[..], ImportFormat::LogcatThreadtime, options);
            let records: Vec<_> = importer.by_ref().collect();
            assert_eq!(importer.stats().invalid_utf8_lines, 0, "{max_line_bytes}");
            let kept = (max_line_bytes - head) / 2;
            assert_eq!(
                records[0].message,
                format!("{} …[cut {} bytes]", "é".repeat(kept), 200 - 2 * kept),
                "{max_line_bytes}"
            );
        }
    }

    /// The real samples beside the repository (see shared/data/loghub).
    #[test]
    fn loghub_samples_import_whole() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub");
        for (file, format) in [
            ("Android_2k.log", ImportFormat::LogcatThreadtime),
            ("Mac_2k.log", ImportFormat::AppleSyslog),
        ] {
            let path = dir.join(file);
            let Ok(text) = std::fs::read(&path) else {
                crate::skip::skip(&format!(
                    "{} is absent; the loghub import was not checked",
                    path.display()
                ));
                continue;
            };
            let (records, stats) = import(format, &text);
            assert_eq!(stats.lines, 2000, "{file}");
            assert_eq!(stats.orphan_lines, 0, "{file}: {stats:?}");
            assert_eq!(
                stats.records + stats.continuation_lines + stats.marker_lines,
                2000,
                "{file}: every line is a record or part of one: {stats:?}"
            );
            assert!(records.len() > 1900, "{file}: {}", records.len());
        }
    }
}
