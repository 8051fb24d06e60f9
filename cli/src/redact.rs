//! `pushdoctor redact [FILE]`: scrubs any text, line for line.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use clap::ValueEnum;
use pushdoctor_core::logs::redact::{IpMode, RedactionConfig, RedactionCounts, Redactor};

use crate::{exit, Failure};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum IpModeArg {
    Mask,
    KeepNetwork,
    Hash,
}

impl From<IpModeArg> for IpMode {
    fn from(mode: IpModeArg) -> Self {
        match mode {
            IpModeArg::Mask => IpMode::Mask,
            IpModeArg::KeepNetwork => IpMode::KeepNetwork,
            IpModeArg::Hash => IpMode::Hash,
        }
    }
}

/// One output line for each input line, whatever the input holds: bytes
/// that are not UTF-8 are replaced (and counted), line endings (`\n`,
/// `\r\n`, none on the last line) stay as they were. The counts go to
/// standard error on one line at the end. Without `hash_key`, the hash IP
/// mode draws a key for this run: the same address gives the same token
/// within one output.
pub(crate) fn run(
    source: Option<&str>,
    ip_mode: IpModeArg,
    hash_key: Option<String>,
    stdin: &mut dyn BufRead,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failure> {
    let redactor = Redactor::new(RedactionConfig {
        ip_mode: ip_mode.into(),
        hash_key: hash_key.unwrap_or_default(),
        ..RedactionConfig::default()
    })
    .map_err(|e| Failure::bad_input(e.to_string()))?;
    let name = source.filter(|s| *s != "-").unwrap_or("<stdin>");
    let mut file_reader;
    let reader: &mut dyn BufRead = match source {
        Some(path) if path != "-" => {
            if Path::new(path).is_dir() {
                return Err(Failure::bad_input(format!(
                    "{path}: is a directory, not a file"
                )));
            }
            let file = File::open(path)
                .map_err(|e| Failure::bad_input(format!("{path}: cannot read: {e}")))?;
            file_reader = BufReader::with_capacity(256 * 1024, file);
            &mut file_reader
        }
        _ => stdin,
    };
    // The terminal's standard output is line-buffered: one write per line
    // would be one system call per line.
    let mut out = BufWriter::with_capacity(256 * 1024, stdout);
    let mut counts = RedactionCounts::default();
    let mut line = Vec::new();
    let mut lines = 0u64;
    let mut lossy = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| {
            Failure::bad_input(format!("{name}: read failed after {lines} lines: {e}"))
        })?;
        if n == 0 {
            break;
        }
        lines += 1;
        let ending = if line.ends_with(b"\r\n") {
            2
        } else {
            usize::from(line.ends_with(b"\n"))
        };
        let body = &line[..line.len() - ending];
        let text = match std::str::from_utf8(body) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => {
                lossy += 1;
                String::from_utf8_lossy(body)
            }
        };
        let redacted = redactor.redact(&text, &mut counts);
        let written = out
            .write_all(redacted.as_bytes())
            .and_then(|()| out.write_all(&line[line.len() - ending..]));
        if let Err(e) = written {
            return stopped_writing(e);
        }
    }
    if let Err(e) = out.flush() {
        return stopped_writing(e);
    }
    let mut summary = format!(
        "pushdoctor: redacted {} item(s) in {lines} line(s){}{}",
        counts.total(),
        if counts.total() > 0 { ": " } else { "" },
        counts.summary()
    );
    if lossy > 0 {
        summary.push_str(&format!(
            "; {lossy} line(s) were not valid UTF-8 and were read with replacement characters"
        ));
    }
    let _ = writeln!(stderr, "{summary}");
    Ok(exit::OK)
}

/// Whoever reads the output stopped reading (`| head`): not our error.
fn stopped_writing(e: io::Error) -> Result<u8, Failure> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(exit::OK)
    } else {
        Err(Failure::output_failed(format!("cannot write: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact_with(input: &[u8], ip_mode: IpModeArg, key: Option<&str>) -> (Vec<u8>, String) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = run(
            None,
            ip_mode,
            key.map(str::to_string),
            &mut &input[..],
            &mut out,
            &mut err,
        )
        .unwrap();
        assert_eq!(code, exit::OK);
        (out, String::from_utf8(err).unwrap())
    }

    fn redact(input: &[u8]) -> (Vec<u8>, String) {
        redact_with(input, IpModeArg::Mask, None)
    }

    #[test]
    fn line_for_line_with_endings_kept() {
        let (out, err) = redact(b"mail bob@example.com\r\nnothing here\n\nlast 10.0.0.7");
        assert_eq!(out, b"mail [email]\r\nnothing here\n\nlast [ipv4]");
        assert_eq!(
            err,
            "pushdoctor: redacted 2 item(s) in 4 line(s): email 1, ipv4 1\n"
        );
    }

    #[test]
    fn a_support_ticket() {
        let ticket = "\
03-17 16:13:38.811  1702  2395 D Accept: retry 2 of 3 took 250ms, status=503
03-17 16:13:39.002  1702  2395 I Accept: Authorization: Bearer abcDEF123456789xyz
03-17 16:13:39.010  1702  2395 I Accept: your passcode is 482913
03-17 16:13:39.020  1702  2395 W Push: fcm token: dX34abcdefgh:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx
";
        let (out, err) = redact(ticket.as_bytes());
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "\
03-17 16:13:38.811  1702  2395 D Accept: retry 2 of 3 took 250ms, status=503
03-17 16:13:39.002  1702  2395 I Accept: Authorization: Bearer [token]
03-17 16:13:39.010  1702  2395 I Accept: your passcode is [otp]
03-17 16:13:39.020  1702  2395 W Push: fcm token: [push-token]
"
        );
        assert_eq!(
            err,
            "pushdoctor: redacted 3 item(s) in 4 line(s): bearer_token 1, otp 1, push_token 1\n"
        );
    }

    #[test]
    fn nothing_to_redact_is_said_too() {
        let (out, err) = redact(b"HTTP/1.1 503 Service Unavailable\n");
        assert_eq!(out, b"HTTP/1.1 503 Service Unavailable\n");
        assert_eq!(err, "pushdoctor: redacted 0 item(s) in 1 line(s)\n");
        let (out, err) = redact(b"");
        assert!(out.is_empty());
        assert_eq!(err, "pushdoctor: redacted 0 item(s) in 0 line(s)\n");
    }

    #[test]
    fn hash_mode_is_stable_within_a_run_and_keyed() {
        let input = b"from 203.0.113.9\nagain 203.0.113.9\nother 203.0.113.10\n";
        let (out, _) = redact_with(input, IpModeArg::Hash, Some("ticket-42"));
        let out = String::from_utf8(out).unwrap();
        let tokens: Vec<&str> = out.lines().map(|l| l.split(' ').nth(1).unwrap()).collect();
        assert!(tokens[0].starts_with("[ipv4:"), "{out}");
        assert_eq!(tokens[0], tokens[1]);
        assert_ne!(tokens[0], tokens[2]);
        let (again, _) = redact_with(input, IpModeArg::Hash, Some("ticket-42"));
        assert_eq!(
            String::from_utf8(again).unwrap(),
            out,
            "same key, same tokens"
        );
        let (net, _) = redact_with(input, IpModeArg::KeepNetwork, None);
        assert!(String::from_utf8(net)
            .unwrap()
            .starts_with("from 203.0.113.[x]\n"));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted() {
        let (out, err) = redact(b"caf\xe9 otp: 123456\nfine\n\xff\xfe\n");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "caf\u{FFFD} otp: [otp]\nfine\n\u{FFFD}\u{FFFD}\n"
        );
        assert!(err.contains("in 3 line(s)"), "{err}");
        assert!(err.contains("2 line(s) were not valid UTF-8"), "{err}");
    }

    /// Runs on `source`, which must be refused as bad input.
    fn refused(source: &str) -> Failure {
        let failure = run(
            Some(source),
            IpModeArg::Mask,
            None,
            &mut &b""[..],
            &mut Vec::new(),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert_eq!(failure.code, exit::BAD_INPUT);
        failure
    }

    #[test]
    fn a_missing_file_is_named() {
        let failure = refused("/nonexistent/x.log");
        assert!(
            failure
                .message
                .starts_with("/nonexistent/x.log: cannot read"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = std::env::temp_dir();
        let dir = dir.to_str().unwrap();
        let failure = refused(dir);
        assert_eq!(
            failure.message,
            format!("{dir}: is a directory, not a file")
        );
    }

    #[test]
    fn a_file_is_read_and_dash_is_stdin() {
        let path =
            std::env::temp_dir().join(format!("pushdoctor-redact-{}.log", std::process::id()));
        std::fs::write(&path, "login alice@example.com\n").unwrap();
        let mut out = Vec::new();
        let code = run(
            Some(path.to_str().unwrap()),
            IpModeArg::Mask,
            None,
            &mut &b"not this\n"[..],
            &mut out,
            &mut Vec::new(),
        );
        std::fs::remove_file(&path).unwrap();
        assert_eq!(code.unwrap(), exit::OK);
        assert_eq!(out, b"login [email]\n");
        let mut out = Vec::new();
        run(
            Some("-"),
            IpModeArg::Mask,
            None,
            &mut &b"pin 1234\n"[..],
            &mut out,
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(out, b"pin [otp]\n");
    }

    /// A reader that stopped reading (`pushdoctor redact big.log | head`).
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        let big = "line bob@example.com\n".repeat(100_000);
        let code = run(
            None,
            IpModeArg::Mask,
            None,
            &mut big.as_bytes(),
            &mut ClosedPipe,
            &mut Vec::new(),
        );
        assert_eq!(code.unwrap(), exit::OK);
    }
}
