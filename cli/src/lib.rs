//! The `pushdoctor` command: the engine for support staff and QA.
//!
//! Everything runs through [`run`], which takes its arguments and streams
//! as parameters so that tests drive the real command in-process. See
//! `docs/cli.md` for the commands and the exit codes.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;

mod bundle;
mod history;
mod probe;
mod redact;
mod upload;

use clap::{Parser, Subcommand, ValueEnum};
use pushdoctor_core::model::snapshot::MAX_SNAPSHOT_BYTES;
use pushdoctor_core::printable::printable;
use pushdoctor_core::{
    engine::report, AnswerValue, Answers, DeviceSnapshot, Diagnosis, MfaReportStatus, Options,
    Platform, Walk,
};

/// Exit codes, the same for every command (`docs/cli.md`).
pub mod exit {
    /// The diagnosis is complete and there is nothing to fix.
    pub const OK: u8 = 0;
    /// The diagnosis found something a person must act on.
    pub const ACTION_NEEDED: u8 = 1;
    /// Bad input or bad usage: nothing was diagnosed.
    pub const BAD_INPUT: u8 = 2;
    /// The facts given do not reach a conclusion and nothing is to be fixed
    /// yet: a question is still open (answer it with `pushdoctor walk`).
    pub const INCOMPLETE: u8 = 3;
    /// The output could not be written: standard output closed or failing
    /// (not a reader that stopped early, `| head`, which is no error), a
    /// full disk while writing a bundle.
    pub const OUTPUT_FAILED: u8 = 4;
}

#[derive(Debug, Parser)]
#[command(
    name = "pushdoctor",
    version,
    about = "Diagnoses push-MFA problems: why a login push did not arrive, vanished, or why Accept did nothing.",
    after_help = "Exit codes: 0 nothing to fix, 1 something to act on, 2 bad input or usage, 3 incomplete (a question is still open, or a walk whose input ended early), 4 the output could not be written."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Diagnose a device snapshot (a JSON file; `-` reads standard input).
    Diagnose {
        /// The snapshot file, or `-` for standard input.
        snapshot: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The push and Accept history (an accept_history.ndjson file, or the log directory holding it): the observations the snapshot leaves out are taken from it.
        #[arg(long, value_name = "FILE")]
        history: Option<std::path::PathBuf>,
        #[command(flatten)]
        flow: FlowArgs,
        #[command(flatten)]
        detail: DetailArgs,
    },
    /// Print the push and Accept history of a log directory, a bundle or an accept_history.ndjson file.
    History {
        /// A log directory, a bundle (.zip) or an accept_history.ndjson file.
        path: std::path::PathBuf,
        /// The JSON form (docs/history.md) instead of text.
        #[arg(long)]
        json: bool,
        /// How many requests to list, newest first.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Walk the troubleshooting flow in the terminal, one question at a time.
    Walk {
        /// A snapshot whose facts are not asked again (optional).
        snapshot: Option<String>,
        /// The phone's platform, when there is no snapshot to say it.
        #[arg(long, value_enum)]
        platform: Option<PlatformArg>,
        /// The format of the diagnosis printed at the end.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        flow: FlowArgs,
        #[command(flatten)]
        detail: DetailArgs,
    },
    /// Log bundles for developers: create, verify, show.
    Bundle {
        #[command(subcommand)]
        command: bundle::BundleCommand,
    },
    /// Scrub secrets out of text (a file, or `-`/nothing for standard input), line for line.
    Redact {
        file: Option<String>,
        /// What becomes of IP addresses.
        #[arg(long, value_enum, default_value_t = redact::IpModeArg::Hash)]
        ip_mode: redact::IpModeArg,
        /// Key of the `hash` IP mode: the same key gives the same token for the same address.
        #[arg(long)]
        hash_key: Option<String>,
    },
    /// Check from here what the network lets through: the MFA service, a captive portal, the push service's ports, the clock.
    Probe(probe::ProbeArgs),
    /// Send a bundle to the developer: a pre-signed PUT URL or a POST to the app's endpoint, through a queue that resumes (docs/delivery.md). Running it is the person's consent.
    Upload(upload::UploadArgs),
    /// Explain an MFA Report status (Success, Denied, Delivered, Received).
    MfaStatus {
        status: String,
        #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
        format: StatusFormat,
    },
}

#[derive(Debug, clap::Args)]
struct FlowArgs {
    /// From how many retries on the issue counts as "still happening after multiple retries".
    #[arg(long, default_value_t = Options::default().multiple_retries, value_parser = clap::value_parser!(u32).range(1..))]
    multiple_retries: u32,
}

impl FlowArgs {
    fn options(&self) -> Options {
        Options {
            multiple_retries: self.multiple_retries,
        }
    }
}

#[derive(Debug, clap::Args)]
struct DetailArgs {
    /// Text format: also list the checks not known and not applicable, what the evidence points at and the path through the flow.
    #[arg(long, short = 'v')]
    verbose: bool,
}

impl DetailArgs {
    fn options(&self) -> report::TextOptions {
        report::TextOptions {
            verbose: self.verbose,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Junit,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StatusFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PlatformArg {
    Android,
    Ios,
}

impl From<PlatformArg> for Platform {
    fn from(p: PlatformArg) -> Self {
        match p {
            PlatformArg::Android => Platform::Android,
            PlatformArg::Ios => Platform::Ios,
        }
    }
}

/// Something that stops a command, with the exit code it means.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn bad_input(message: impl Into<String>) -> Self {
        Failure {
            code: exit::BAD_INPUT,
            message: message.into(),
        }
    }

    pub(crate) fn output_failed(message: impl Into<String>) -> Self {
        Failure {
            code: exit::OUTPUT_FAILED,
            message: message.into(),
        }
    }
}

/// Runs `pushdoctor` with `args` (program name first) and returns its exit
/// code. Reports go to `stdout`; errors, warnings and the walk's prompts to
/// `stderr`.
pub fn run<I, T>(
    args: I,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let helpful = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
            return if helpful {
                let _ = write!(stdout, "{e}");
                exit::OK
            } else {
                let _ = write!(stderr, "{e}");
                exit::BAD_INPUT
            };
        }
    };
    let result = match cli.command {
        Command::Diagnose {
            snapshot,
            format,
            history,
            flow,
            detail,
        } => diagnose(
            &snapshot,
            history.as_deref(),
            Output::new(format, &detail),
            &flow.options(),
            stdin,
            stdout,
            stderr,
        ),
        Command::Walk {
            snapshot,
            platform,
            format,
            flow,
            detail,
        } => walk(
            snapshot.as_deref(),
            platform,
            Output::new(format, &detail),
            &flow.options(),
            stdin,
            stdout,
            stderr,
        ),
        Command::MfaStatus { status, format } => mfa_status(&status, format, stdout),
        Command::Probe(args) => probe::run(args, stdout),
        Command::Upload(args) => upload::run(args, stdout, stderr),
        Command::History { path, json, limit } => history::run(&path, json, limit, stdout, stderr),
        Command::Bundle { command } => bundle::run(command, stdout, stderr),
        Command::Redact {
            file,
            ip_mode,
            hash_key,
        } => redact::run(file.as_deref(), ip_mode, hash_key, stdin, stdout, stderr),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            let _ = writeln!(stderr, "pushdoctor: error: {}", printable(&failure.message));
            failure.code
        }
    }
}

/// How a diagnosis is printed: the format, and for text how much of it.
#[derive(Debug, Clone, Copy)]
struct Output {
    format: Format,
    text: report::TextOptions,
}

impl Output {
    fn new(format: Format, detail: &DetailArgs) -> Self {
        Output {
            format,
            text: detail.options(),
        }
    }
}

/// Whether the answers reached the flow's end: a walk whose standard input
/// ended before its questions did is cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// Nobody was asked (`diagnose`), or every question was answered.
    Finished,
    /// A walk whose standard input ended with a question still open.
    CutShort,
}

fn diagnose(
    source: &str,
    history: Option<&Path>,
    output: Output,
    options: &Options,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    let (mut snapshot, mut warnings) = load_snapshot(source, stdin)?;
    if let Some(path) = history {
        let loaded = history::load(path, history::Accepts::FileOrDir)?;
        warnings.extend(loaded.warnings());
        snapshot.attach_history(pushdoctor_core::accept::summarize(&loaded.events));
    }
    let mut diagnosis = pushdoctor_core::diagnose(&snapshot, &Answers::default(), options);
    emit(
        &mut diagnosis,
        warnings,
        output,
        Answering::Finished,
        stdout,
        stderr,
    )
}

/// Prints the diagnosis and its warnings; returns the exit code it means.
fn emit(
    diagnosis: &mut Diagnosis,
    warnings: Vec<String>,
    output: Output,
    answering: Answering,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    // The input's warnings first, then what the engine noticed in it.
    let mut all = warnings;
    all.append(&mut diagnosis.warnings);
    for warning in &all {
        let _ = writeln!(stderr, "pushdoctor: warning: {}", printable(warning));
    }
    diagnosis.warnings = all;
    let rendered = match output.format {
        Format::Text => report::text_with(diagnosis, output.text),
        Format::Json => {
            let mut json =
                serde_json::to_string_pretty(diagnosis).expect("a diagnosis always serializes");
            json.push('\n');
            json
        }
        Format::Junit => report::junit(diagnosis),
    };
    write_out(stdout, &rendered)?;
    Ok(exit_code(diagnosis, answering))
}

/// What a diagnosis means for the exit code, the one rule of every
/// command that prints one (`docs/cli.md`, "Exit codes"): a walk cut
/// short is incomplete (3) even with fixes listed, since the questions
/// left may change them; otherwise something to act on is 1, a question
/// still open with nothing to fix 3, and nothing left 0.
pub fn exit_code(diagnosis: &Diagnosis, answering: Answering) -> u8 {
    if answering == Answering::CutShort {
        exit::INCOMPLETE
    } else if diagnosis.needs_action() {
        exit::ACTION_NEEDED
    } else if !diagnosis.is_complete() {
        exit::INCOMPLETE
    } else {
        exit::OK
    }
}

pub(crate) fn write_out(stdout: &mut dyn Write, text: &str) -> Result<(), Failure> {
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // Whoever reads the report stopped reading (`| head`): not our error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::output_failed(format!(
            "cannot write the report: {e}"
        ))),
    }
}

/// Reads and parses a snapshot from a file or standard input. Never reads
/// more than the largest snapshot allowed, so a huge file is refused
/// without being loaded.
pub(crate) fn load_snapshot(
    source: &str,
    stdin: &mut dyn BufRead,
) -> Result<(DeviceSnapshot, Vec<String>), Failure> {
    let name = if source == "-" { "<stdin>" } else { source };
    let mut bytes = Vec::new();
    let limit = MAX_SNAPSHOT_BYTES as u64 + 1;
    let read = if source == "-" {
        stdin.take(limit).read_to_end(&mut bytes)
    } else {
        let path = Path::new(source);
        if path.is_dir() {
            return Err(Failure::bad_input(format!(
                "{name}: is a directory, not a snapshot file"
            )));
        }
        File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    read.map_err(|e| Failure::bad_input(format!("{name}: cannot read: {e}")))?;
    let parsed = DeviceSnapshot::from_json(&bytes)
        .map_err(|e| Failure::bad_input(format!("{name}: {e}")))?;
    let warnings = parsed
        .warnings()
        .into_iter()
        .map(|w| format!("{name}: {w}"))
        .collect();
    Ok((parsed.snapshot, warnings))
}

fn walk(
    source: Option<&str>,
    platform: Option<PlatformArg>,
    output: Output,
    options: &Options,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    if source == Some("-") {
        return Err(Failure::bad_input(
            "walk reads answers from standard input, so its snapshot must be a file",
        ));
    }
    let (snapshot, warnings) = match (source, platform) {
        (Some(source), None) => load_snapshot(source, stdin)?,
        (Some(_), Some(_)) => {
            return Err(Failure::bad_input(
                "give either a snapshot or --platform, not both",
            ))
        }
        (None, Some(platform)) => (DeviceSnapshot::new(platform.into()), Vec::new()),
        (None, None) => match ask_platform(stdin, stderr)? {
            Some(platform) => (DeviceSnapshot::new(platform), Vec::new()),
            None => return Err(Failure::bad_input("no answer: standard input ended")),
        },
    };
    let mut walk = Walk::with_answers(snapshot, Answers::default(), options.clone());
    let mut answering = Answering::Finished;
    loop {
        let diagnosis = walk.diagnosis();
        let Some(question) = diagnosis.next_question.clone() else {
            break;
        };
        let _ = writeln!(stderr);
        if let Some(before) = &question.before_answering {
            let _ = writeln!(stderr, "First: {before}");
        }
        let _ = writeln!(stderr, "{}", question.text);
        // Each choice once: its label only where it says more than the
        // value typed ("yes", not "yes = Yes").
        let labels: Vec<String> = question
            .choices
            .iter()
            .map(|c| {
                let value = c.value.to_string();
                if c.label.eq_ignore_ascii_case(&value) {
                    value
                } else {
                    format!("{value} ({})", c.label)
                }
            })
            .collect();
        let Some(answer) = ask(stdin, stderr, &labels.join(" | "), |line| {
            line.parse::<AnswerValue>()
                .ok()
                .filter(|v| question.accepts(*v))
        })?
        else {
            let _ = writeln!(
                stderr,
                "\n(standard input ended: the diagnosis below is incomplete)"
            );
            answering = Answering::CutShort;
            break;
        };
        walk.answer(question.row, answer)
            .map_err(|e| Failure::bad_input(e.to_string()))?;
    }
    let _ = writeln!(stderr);
    emit(
        &mut walk.diagnosis(),
        warnings,
        output,
        answering,
        stdout,
        stderr,
    )
}

fn ask_platform(
    stdin: &mut dyn BufRead,
    stderr: &mut dyn Write,
) -> Result<Option<Platform>, Failure> {
    let _ = writeln!(stderr, "Which phone is it?");
    ask(stdin, stderr, "android | ios", |line| {
        match line.trim().to_ascii_lowercase().as_str() {
            "android" | "a" => Some(Platform::Android),
            "ios" | "i" | "iphone" => Some(Platform::Ios),
            _ => None,
        }
    })
}

/// Prompts until `parse` accepts a line; `None` when input ends.
fn ask<T>(
    stdin: &mut dyn BufRead,
    stderr: &mut dyn Write,
    prompt: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Failure> {
    loop {
        let _ = write!(stderr, "[{prompt}] > ");
        let _ = stderr.flush();
        let mut line = String::new();
        let read = stdin
            .read_line(&mut line)
            .map_err(|e| Failure::bad_input(format!("cannot read the answer: {e}")))?;
        if read == 0 {
            return Ok(None);
        }
        if let Some(value) = parse(line.trim()) {
            return Ok(Some(value));
        }
        let _ = writeln!(stderr, "Please answer with one of: {prompt}");
    }
}

fn mfa_status(text: &str, format: StatusFormat, stdout: &mut dyn Write) -> Result<u8, Failure> {
    let status: MfaReportStatus = text
        .parse()
        .map_err(|e: pushdoctor_core::model::UnknownStatus| Failure::bad_input(e.to_string()))?;
    let explanation = pushdoctor_core::engine::admin::Explanation::of(status);
    let rendered = match format {
        StatusFormat::Text => pushdoctor_core::engine::admin::explain_text(status),
        StatusFormat::Json => {
            let mut json = serde_json::to_string_pretty(&explanation)
                .expect("an explanation always serializes");
            json.push('\n');
            json
        }
    };
    write_out(stdout, &rendered)?;
    Ok(
        if explanation.actions.is_empty() && explanation.next_scenario.is_none() {
            exit::OK
        } else {
            exit::ACTION_NEEDED
        },
    )
}
