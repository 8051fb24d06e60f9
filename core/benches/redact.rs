//! Throughput of the scrubber over real log text (the loghub samples,
//! line by line, default configuration), beside a baseline measured in the
//! same run that walks the same lines and copies each into a reused buffer.
//! A second text, with a secret on every line, measures the slow path (a
//! match resolved, checked and replaced), beside the same baseline.
//! Run: `cargo bench -p pushdoctor-core --bench redact`. Figures in MiB/s.

use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use divan::counter::{BytesCount, BytesFormat};
use divan::{black_box, Bencher};
use pushdoctor_core::logs::redact::{RedactionConfig, RedactionCounts, Redactor};

fn main() {
    let _ = text(Text::Logs);
    divan::Divan::default()
        .bytes_format(BytesFormat::Binary)
        .config_with_args()
        .main();
}

#[derive(Debug, Clone, Copy)]
enum Text {
    /// Both loghub samples (or a small built-in log when they are absent).
    Logs,
    /// A built-in text with a secret of some kind on every line.
    Secrets,
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Text::Logs => "logs",
            Text::Secrets => "secret_every_line",
        })
    }
}

const SECRET_LINES: &str = "\
03-17 16:13:39.002  1702  2395 I Accept: Authorization: Bearer abcDEF123456789xyz
03-17 16:13:39.010  1702  2395 I Accept: your passcode is 482913
03-17 16:13:39.020  1702  2395 W Push: fcm token: dX34abcdefgh:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx
03-17 16:13:39.030  1702  2395 I Login: GET https://api.example.com/login?user=bob&password=hunter2&next=/home
03-17 16:13:39.040  1702  2395 I Enrol: otpauth://totp/Acme:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme
03-17 16:13:39.050  1702  2395 D Net: connected to 203.0.113.42:443 from 2607:f140:6000:8:c6b3:1ff:fecd:467f
03-17 16:13:39.060  1702  2395 D Mail: support ticket from alice.smith@example.co.uk, call +44 20 7946 0958
03-17 16:13:39.070  1702  2395 D Http: Set-Cookie: session=38afes7a8; HttpOnly; Secure
";

fn text(which: Text) -> &'static str {
    static LOGS: OnceLock<String> = OnceLock::new();
    static SECRETS: OnceLock<String> = OnceLock::new();
    match which {
        Text::Logs => LOGS.get_or_init(loghub),
        Text::Secrets => SECRETS.get_or_init(|| SECRET_LINES.repeat(500)),
    }
}

/// Both loghub samples; a small built-in log (and a message saying so)
/// when they are absent.
fn loghub() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub");
    let mut text = String::new();
    for file in ["Android_2k.log", "Mac_2k.log"] {
        let path = dir.join(file);
        match std::fs::read_to_string(&path) {
            Ok(content) => {
                text.push_str(&content);
                if !text.ends_with('\n') {
                    text.push('\n');
                }
            }
            Err(_) => {
                eprintln!(
                    "redact bench: {} is absent; benchmarking a small built-in log instead (the figures are not comparable)",
                    path.display()
                );
                text.push_str(
                    &"03-17 16:13:38.811  1702  2395 D Accept: attempt 2 status=503 took 120ms for bob@example.com from 10.1.2.3\n\
                      03-17 16:13:38.812  1702  2395 V WindowManager: Skipping AppWindowToken{df0798e token=Token{78af589 ActivityRecord{3b04890 u0 com.example/.Main t761}}}\n"
                        .repeat(1000),
                );
            }
        }
    }
    eprintln!(
        "redact bench: logs = {} lines, {:.2} MiB",
        text.lines().count(),
        text.len() as f64 / (1024.0 * 1024.0)
    );
    text
}

/// The same walk over the lines, each copied into a reused buffer.
#[divan::bench(args = [Text::Logs, Text::Secrets])]
fn baseline_copy_lines(bencher: Bencher<'_, '_>, which: Text) {
    let text = text(which);
    let mut out = String::with_capacity(4096);
    bencher.counter(BytesCount::of_str(text)).bench_local(|| {
        for line in black_box(text).lines() {
            out.clear();
            out.push_str(line);
            black_box(&out);
        }
    });
}

/// `Redactor::redact` on every line, the result copied into the same kind
/// of buffer.
#[divan::bench(args = [Text::Logs, Text::Secrets])]
fn redact_lines(bencher: Bencher<'_, '_>, which: Text) {
    let text = text(which);
    let redactor = Redactor::new(RedactionConfig::default()).unwrap();
    let mut out = String::with_capacity(4096);
    bencher.counter(BytesCount::of_str(text)).bench_local(|| {
        let mut counts = RedactionCounts::default();
        for line in black_box(text).lines() {
            out.clear();
            out.push_str(&redactor.redact(line, &mut counts));
            black_box(&out);
        }
        counts
    });
}

/// Building the scrubber (once per bundle, once per capture with
/// `redact_on_disk`, once per `bundle verify`).
#[divan::bench]
fn build_redactor() -> Redactor {
    Redactor::new(RedactionConfig::default()).unwrap()
}
