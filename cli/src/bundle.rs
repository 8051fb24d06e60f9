//! `pushdoctor bundle create | verify | show`.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use pushdoctor_core::accept::{summarize, HistoryEvent, HISTORY_FILE};
use pushdoctor_core::bundle::inspect::Bundle;
use pushdoctor_core::bundle::{
    BundleError, BundleOptions, BundleReason, BundleWriter, SourceSummary,
};
use pushdoctor_core::logs::import::{ImportFormat, ImportOptions, Importer, Sniffed};
use pushdoctor_core::logs::{DirReader, LogRecord};
use pushdoctor_core::printable::{printable, push_printable};
use pushdoctor_core::{Answers, Options};

use crate::history::{self, Accepts};
use crate::{exit, load_snapshot, write_out, Failure};

#[derive(Debug, Subcommand)]
pub(crate) enum BundleCommand {
    /// Build a bundle from log directories, logcat dumps and Apple log exports.
    Create {
        /// Where to write the bundle (.zip).
        #[arg(short, long)]
        output: PathBuf,
        /// A Push Doctor log directory (the app's segment files); repeatable.
        #[arg(long = "logs", value_name = "DIR")]
        log_dirs: Vec<PathBuf>,
        /// A logcat dump in threadtime format (`adb logcat -v threadtime -d`); repeatable.
        #[arg(long, value_name = "FILE")]
        logcat: Vec<PathBuf>,
        /// An Apple log export in syslog text form; repeatable.
        #[arg(long = "apple-log", value_name = "FILE")]
        apple_log: Vec<PathBuf>,
        /// A device snapshot to include, with its diagnosis.
        #[arg(long)]
        snapshot: Option<String>,
        /// A push and Accept history (accept_history.ndjson) to include; a --logs folder's own is included without it.
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        /// Why the bundle is made.
        #[arg(long, value_enum, default_value_t = Reason::Support)]
        reason: Reason,
        /// The bundle stays under this many bytes; the newest records win.
        #[arg(long, default_value_t = BundleOptions::default().max_bytes)]
        max_bytes: u64,
        /// Deflate level, 1 (fastest) to 9 (smallest); the default is measured in BENCHMARKS.md.
        #[arg(long, default_value_t = BundleOptions::default().compression_level,
              value_parser = clap::value_parser!(u32).range(1..=9))]
        compression_level: u32,
        /// The year imported logs were written in (their lines leave it out); default this year.
        #[arg(long, value_parser = clap::value_parser!(i64).range(1970..=9999))]
        year: Option<i64>,
        /// The device's offset from UTC in minutes when it wrote imported logs.
        #[arg(long, default_value_t = 0, allow_hyphen_values = true,
              value_parser = clap::value_parser!(i32).range(-18 * 60..=18 * 60))]
        utc_offset_minutes: i32,
        /// Replace an existing output that is not a zip file (by default it is kept and the command refused).
        #[arg(long)]
        force: bool,
        /// Import --logcat and --apple-log files even when their first lines look like another format (or neither).
        #[arg(long)]
        force_format: bool,
    },
    /// Check a bundle: checksums, format, and that no secret survived.
    Verify { bundle: PathBuf },
    /// A developer's summary of a bundle: diagnosis, errors and warnings, time line.
    Show {
        bundle: PathBuf,
        /// How many errors/warnings and trailing records to list.
        #[arg(long, default_value_t = 40)]
        last: usize,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Reason {
    Button,
    RepeatedAcceptFailures,
    QaRun,
    Support,
}

impl From<Reason> for BundleReason {
    fn from(r: Reason) -> Self {
        match r {
            Reason::Button => BundleReason::Button,
            Reason::RepeatedAcceptFailures => BundleReason::RepeatedAcceptFailures,
            Reason::QaRun => BundleReason::QaRun,
            Reason::Support => BundleReason::Support,
        }
    }
}

pub(crate) fn run(
    command: BundleCommand,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    match command {
        BundleCommand::Create {
            output,
            log_dirs,
            logcat,
            apple_log,
            snapshot,
            history,
            reason,
            max_bytes,
            compression_level,
            year,
            utc_offset_minutes,
            force,
            force_format,
        } => {
            let options = BundleOptions {
                max_bytes,
                reason: reason.into(),
                compression_level,
                ..BundleOptions::default()
            };
            let mut import = ImportOptions {
                utc_offset_minutes,
                ..ImportOptions::default()
            };
            if let Some(year) = year {
                import.year = year;
            }
            let inputs = Inputs {
                log_dirs: &log_dirs,
                logcat: &logcat,
                apple_log: &apple_log,
                snapshot: snapshot.as_deref(),
                history: history.as_deref(),
            };
            check_output(&output, &inputs, force)?;
            if !force_format {
                check_formats(&inputs)?;
            }
            create(&output, options, &inputs, &import, stdout, stderr)
        }
        BundleCommand::Verify { bundle } => verify(&bundle, stdout),
        BundleCommand::Show { bundle, last } => {
            let opened = open(&bundle)?;
            let text = opened.show(last).map_err(|e| {
                Failure::bad_input(printable(&format!("{}: {e}", bundle.display())).into_owned())
            })?;
            write_out(stdout, &text)?;
            Ok(exit::OK)
        }
    }
}

fn file_name(path: &Path) -> Option<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

/// What `bundle create` reads.
struct Inputs<'a> {
    log_dirs: &'a [PathBuf],
    logcat: &'a [PathBuf],
    apple_log: &'a [PathBuf],
    /// A file, or `-` for standard input.
    snapshot: Option<&'a str>,
    /// An `accept_history.ndjson` given with `--history`.
    history: Option<&'a Path>,
}

impl Inputs<'_> {
    fn is_empty(&self) -> bool {
        self.log_dirs.is_empty()
            && self.logcat.is_empty()
            && self.apple_log.is_empty()
            && self.snapshot.is_none()
            && self.history.is_none()
    }

    /// Every file read, by the option that names it.
    fn files(&self) -> impl Iterator<Item = (&'static str, &Path)> {
        let logcat = self.logcat.iter().map(|p| ("--logcat", p.as_path()));
        let apple = self.apple_log.iter().map(|p| ("--apple-log", p.as_path()));
        let snapshot = self
            .snapshot
            .filter(|s| *s != "-")
            .map(|s| ("--snapshot", Path::new(s)));
        let history = self.history.map(|h| ("--history", h));
        logcat.chain(apple).chain(snapshot).chain(history)
    }
}

/// Refuses an output that would destroy what it is made from, or a file
/// that is not a bundle: the bundle is renamed over the output at the end,
/// so `-o x.log --logcat x.log` would replace the only copy of the log.
fn check_output(output: &Path, inputs: &Inputs<'_>, force: bool) -> Result<(), Failure> {
    let Ok(existing) = std::fs::metadata(output) else {
        return Ok(());
    };
    let refuse = |why: String| Failure::bad_input(format!("-o {}: {why}", output.display()));
    for (option, input) in inputs.files() {
        if same_file(output, &existing, input) {
            return Err(refuse(format!(
                "is also {option} {}: refusing to replace an input with the bundle",
                input.display()
            )));
        }
    }
    for dir in inputs.log_dirs {
        if same_file(output, &existing, dir) {
            return Err(refuse(format!("is the --logs folder {}", dir.display())));
        }
    }
    if existing.is_file() && existing.len() > 0 && !force && !starts_like_a_zip(output) {
        return Err(refuse(
            "exists and is not a zip file: refusing to replace it (--force replaces it)".into(),
        ));
    }
    Ok(())
}

/// Refuses a log file given under the other format's option (or in
/// neither format): read as the wrong one, every line would become an
/// orphan record with no time and no level, and the bundle would look
/// fine. Checked before anything is written; `--force-format` skips it.
fn check_formats(inputs: &Inputs<'_>) -> Result<(), Failure> {
    let given = [
        (inputs.logcat, ImportFormat::LogcatThreadtime),
        (inputs.apple_log, ImportFormat::AppleSyslog),
    ];
    for (files, format) in given {
        let option = option_for(format);
        for path in files {
            let head = read_head(path)?;
            let looks_like = match ImportFormat::sniff(&head) {
                Sniffed::Empty => continue,
                Sniffed::Format(found) if found == format => continue,
                Sniffed::Format(other) => format!(
                    "looks like {}: give it as {}",
                    other.describe(),
                    option_for(other)
                ),
                Sniffed::Neither { first_line } => {
                    format!("looks like neither format (its first line is `{first_line}`)")
                }
            };
            return Err(Failure::bad_input(format!(
                "{option} {}: expected {}, but the file {looks_like} \
                 (--force-format imports it as given)",
                path.display(),
                format.describe()
            )));
        }
    }
    Ok(())
}

/// The option that names files of `format`.
fn option_for(format: ImportFormat) -> &'static str {
    match format {
        ImportFormat::LogcatThreadtime => "--logcat",
        ImportFormat::AppleSyslog => "--apple-log",
    }
}

/// The first lines of a file, enough for [`ImportFormat::sniff`]: at most
/// 16 KiB, a line cut at the end left out, read lossily.
fn read_head(path: &Path) -> Result<String, Failure> {
    let mut head = Vec::new();
    File::open(path)
        .and_then(|f| f.take(16 * 1024).read_to_end(&mut head))
        .map_err(|e| Failure::bad_input(format!("{}: cannot read: {e}", path.display())))?;
    if head.len() == 16 * 1024 {
        if let Some(end) = head.iter().rposition(|&b| b == b'\n') {
            head.truncate(end + 1);
        }
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// Whether two paths name one file: the same device and inode where the
/// platform says so (hard links, symbolic links), the same canonical path
/// otherwise.
fn same_file(a: &Path, a_meta: &std::fs::Metadata, b: &Path) -> bool {
    let Ok(b_meta) = std::fs::metadata(b) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (a_meta.dev(), a_meta.ino()) == (b_meta.dev(), b_meta.ino()) {
            return true;
        }
    }
    let _ = (a_meta, b_meta);
    matches!(
        (std::fs::canonicalize(a), std::fs::canonicalize(b)),
        (Ok(a), Ok(b)) if a == b
    )
}

fn starts_like_a_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok_and(|()| &magic == b"PK\x03\x04" || &magic == b"PK\x05\x06")
}

fn create(
    output: &Path,
    options: BundleOptions,
    inputs: &Inputs<'_>,
    import: &ImportOptions,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    if inputs.is_empty() {
        return Err(Failure::bad_input(
            "nothing to bundle: give --logs DIR, --logcat FILE, --apple-log FILE, --snapshot FILE or --history FILE",
        ));
    }
    let Inputs {
        log_dirs,
        logcat,
        apple_log,
        snapshot,
        history,
    } = *inputs;
    for dir in log_dirs {
        if !dir.is_dir() {
            return Err(Failure::bad_input(format!(
                "{}: not a log directory",
                dir.display()
            )));
        }
    }
    // The history first: the snapshot's diagnosis concludes from it too.
    let mut histories = Vec::new();
    for dir in log_dirs.iter().filter(|d| d.join(HISTORY_FILE).is_file()) {
        histories.push(history::load(dir, Accepts::FileOrDir)?);
    }
    if let Some(file) = history {
        histories.push(history::load(file, Accepts::FileOrDir)?);
    }
    let events = (!histories.is_empty()).then(|| {
        let mut events: Vec<HistoryEvent> = Vec::new();
        for loaded in &histories {
            for warning in loaded.warnings() {
                let _ = writeln!(stderr, "pushdoctor: warning: {}", printable(&warning));
            }
            events.extend(loaded.events.iter().cloned());
        }
        events.sort_by_key(HistoryEvent::time_ms);
        events
    });
    let failed = |e: BundleError| match e {
        // Writing failed (a full disk, say): the output, not the input.
        BundleError::Io { .. } => Failure::output_failed(e.to_string()),
        _ => Failure::bad_input(e.to_string()),
    };
    let mut writer = BundleWriter::create(output, options).map_err(failed)?;
    if let Some(source) = snapshot {
        let mut no_stdin = std::io::empty();
        let mut no_stdin = BufReader::new(&mut no_stdin);
        let (mut snapshot, _warnings) = load_snapshot(source, &mut no_stdin)?;
        if let Some(events) = &events {
            snapshot.attach_history(summarize(events));
        }
        let diagnosis =
            pushdoctor_core::diagnose(&snapshot, &Answers::default(), &Options::default());
        writer.add_snapshot(&snapshot, &diagnosis);
    }
    if let Some(events) = &events {
        writer.add_history(events);
    }
    let mut sources = Vec::new();
    for dir in log_dirs {
        let reader = DirReader::open(dir).map_err(|e| Failure::bad_input(e.to_string()))?;
        sources.push(Source::new(file_name(dir), Reader::Dir(reader)));
    }
    for (files, format) in [
        (logcat, ImportFormat::LogcatThreadtime),
        (apple_log, ImportFormat::AppleSyslog),
    ] {
        for path in files {
            let file = File::open(path)
                .map_err(|e| Failure::bad_input(format!("{}: cannot read: {e}", path.display())))?;
            let importer = Importer::new(
                BufReader::with_capacity(256 * 1024, file),
                format,
                import.clone(),
            );
            sources.push(Source::new(file_name(path), Reader::Import(importer)));
        }
    }
    // Merge by time, so that "the newest records win" holds across sources.
    loop {
        let next = sources
            .iter_mut()
            .enumerate()
            .filter_map(|(i, s)| s.peek().map(|r| (r.timestamp_ms, i)))
            .min();
        let Some((_, i)) = next else { break };
        let record = sources[i].take().expect("peeked");
        writer.add_owned(record).map_err(failed)?;
    }
    for source in sources {
        let summary = source.summary()?;
        writer.add_source(summary);
    }
    let summary = writer.finish().map_err(failed)?;
    let m = &summary.manifest;
    let redacted = m.redaction.counts.summary();
    write_out(
        stdout,
        &format!(
            "wrote {} ({} bytes): {} records{}{}; redacted: {}\n",
            summary.path.display(),
            summary.bytes,
            m.records.included,
            if m.records.dropped_for_size > 0 {
                format!(
                    " ({} older left out to stay under {} bytes)",
                    m.records.dropped_for_size, m.size_cap_bytes
                )
            } else {
                String::new()
            },
            match &m.history {
                Some(h) if h.dropped_for_size > 0 => format!(
                    ", {} history events ({} older left out to stay under {} bytes)",
                    h.events, h.dropped_for_size, m.size_cap_bytes
                ),
                Some(h) => format!(", {} history events", h.events),
                None => String::new(),
            },
            if redacted.is_empty() {
                "nothing".to_string()
            } else {
                redacted
            }
        ),
    )?;
    Ok(exit::OK)
}

fn open(path: &Path) -> Result<Bundle, Failure> {
    Bundle::open(path).map_err(|e| {
        Failure::bad_input(printable(&format!("{}: {e}", path.display())).into_owned())
    })
}

/// Every line is built from escaped text (`printable`): an entry named
/// `x\n: sound` cannot forge a line of the verdict.
fn verify(path: &Path, stdout: &mut dyn Write) -> Result<u8, Failure> {
    let bundle = open(path)?;
    let report = bundle.verify();
    let shown = printable(&path.display().to_string()).into_owned();
    let mut text = String::new();
    for name in &report.checked {
        text.push_str("checked ");
        push_printable(&mut text, name);
        text.push('\n');
    }
    if report.long_lines > 0 {
        text.push_str(&format!(
            "note: {} lines longer than the scan window were scanned in overlapping windows\n",
            report.long_lines
        ));
    }
    if report.is_ok() {
        text.push_str(&format!(
            "{shown}: sound: {} entries match their SHA-256, no secret pattern found\n",
            report.checked.len()
        ));
        write_out(stdout, &text)?;
        Ok(exit::OK)
    } else {
        for problem in &report.problems {
            text.push_str("PROBLEM ");
            push_printable(&mut text, problem);
            text.push('\n');
        }
        text.push_str(&format!(
            "{shown}: NOT sound: {} problem(s)\n",
            report.problems.len()
        ));
        write_out(stdout, &text)?;
        Ok(exit::ACTION_NEEDED)
    }
}

enum Reader {
    Dir(DirReader),
    Import(Importer<BufReader<File>>),
}

/// One source of records, read one record ahead for the merge.
struct Source {
    name: Option<String>,
    reader: Reader,
    ahead: Option<LogRecord>,
    records: u64,
}

impl Source {
    fn new(name: Option<String>, reader: Reader) -> Self {
        Source {
            name,
            reader,
            ahead: None,
            records: 0,
        }
    }

    fn peek(&mut self) -> Option<&LogRecord> {
        if self.ahead.is_none() {
            self.ahead = match &mut self.reader {
                Reader::Dir(r) => r.next(),
                Reader::Import(r) => r.next(),
            };
            self.records += u64::from(self.ahead.is_some());
        }
        self.ahead.as_ref()
    }

    fn take(&mut self) -> Option<LogRecord> {
        self.peek();
        self.ahead.take()
    }

    fn summary(self) -> Result<SourceSummary, Failure> {
        let (kind, details) = match &self.reader {
            Reader::Dir(r) => {
                let mut details = serde_json::to_value(r.stats()).expect("stats serialize");
                details["unreadable_segments"] = r.unreadable().len().into();
                ("log_directory", details)
            }
            Reader::Import(r) => {
                let stats = r.stats();
                if let Some(error) = &stats.read_error {
                    return Err(Failure::bad_input(format!(
                        "{}: read failed: {error}",
                        self.name.as_deref().unwrap_or("import")
                    )));
                }
                let kind = match r.format() {
                    ImportFormat::LogcatThreadtime => "logcat",
                    ImportFormat::AppleSyslog => "apple_log",
                };
                (kind, serde_json::to_value(stats).expect("stats serialize"))
            }
        };
        Ok(SourceSummary {
            kind: kind.into(),
            name: self.name,
            records: self.records,
            details,
        })
    }
}
