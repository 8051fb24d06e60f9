//! Throughput of the scrubber over real log text (the loghub samples,
//! line by line, default configuration), beside a baseline measured in the
//! same run that walks the same lines and copies each into a reused buffer.
//! Run: `cargo bench -p pushdoctor-core --bench redact`.

use std::path::Path;

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use pushdoctor_core::redact::{RedactionConfig, RedactionCounts, Redactor};

fn main() {
    divan::main();
}

/// Both loghub samples; a small built-in text (and a message saying so)
/// when they are absent.
fn corpus() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub");
    let mut text = String::new();
    for file in ["Android_2k.log", "Mac_2k.log"] {
        match std::fs::read_to_string(dir.join(file)) {
            Ok(content) => text.push_str(&content),
            Err(_) => {
                eprintln!(
                    "redact bench: {} is absent; using a small built-in text instead",
                    dir.join(file).display()
                );
                text.push_str(
                    &"03-17 16:13:38.811  1702  2395 D Accept: attempt 2 status=503 took 120ms for bob@example.com from 10.1.2.3\n"
                        .repeat(2000),
                );
            }
        }
    }
    text
}

#[divan::bench]
fn baseline_copy_lines(bencher: Bencher) {
    let text = corpus();
    let mut out = String::with_capacity(512);
    bencher.counter(BytesCount::of_str(&text)).bench_local(|| {
        for line in black_box(&text).lines() {
            out.clear();
            out.push_str(line);
            black_box(&out);
        }
    });
}

#[divan::bench]
fn redact_lines(bencher: Bencher) {
    let text = corpus();
    let redactor = Redactor::new(RedactionConfig::default()).unwrap();
    let mut out = String::with_capacity(512);
    bencher.counter(BytesCount::of_str(&text)).bench_local(|| {
        let mut counts = RedactionCounts::default();
        for line in black_box(&text).lines() {
            out.clear();
            out.push_str(&redactor.redact(line, &mut counts));
            black_box(&out);
        }
        counts
    });
}
