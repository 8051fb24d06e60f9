//! `pushdoctor redact [FILE]`: scrubs any text, line for line.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};

use clap::ValueEnum;
use pushdoctor_core::redact::{IpMode, RedactionConfig, RedactionCounts, Redactor};

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
/// that are not UTF-8 are replaced (and counted), a last line without a
/// newline stays without one.
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
            let file = File::open(path)
                .map_err(|e| Failure::bad_input(format!("{path}: cannot read: {e}")))?;
            file_reader = BufReader::with_capacity(256 * 1024, file);
            &mut file_reader
        }
        _ => stdin,
    };
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
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => {
                lossy += 1;
                String::from_utf8_lossy(body)
            }
        };
        let out = redactor.redact(&text, &mut counts);
        let written = stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.write_all(&line[line.len() - ending..]));
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(exit::OK);
            }
            return Err(Failure::bad_input(format!("cannot write: {e}")));
        }
    }
    let _ = stdout.flush();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(input: &[u8]) -> (Vec<u8>, String) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = run(
            None,
            IpModeArg::Mask,
            None,
            &mut &input[..],
            &mut out,
            &mut err,
        )
        .unwrap();
        assert_eq!(code, exit::OK);
        (out, String::from_utf8(err).unwrap())
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
    fn invalid_utf8_is_replaced_and_counted() {
        let (out, err) = redact(b"caf\xe9 otp: 123456\n");
        assert_eq!(String::from_utf8(out).unwrap(), "caf\u{FFFD} otp: [otp]\n");
        assert!(err.contains("1 line(s) were not valid UTF-8"), "{err}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let failure = run(
            Some("/nonexistent/x.log"),
            IpModeArg::Mask,
            None,
            &mut &b""[..],
            &mut Vec::new(),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert_eq!(failure.code, exit::BAD_INPUT);
        assert!(
            failure
                .message
                .starts_with("/nonexistent/x.log: cannot read"),
            "{}",
            failure.message
        );
    }
}
