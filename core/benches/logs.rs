//! Reading logs back: importing a logcat dump (the loghub Android sample
//! repeated to about 8 MiB) and reading a log directory of the same records
//! written by a capture, beside a baseline that only splits the text into
//! lines. Run: `cargo bench -p pushdoctor-core --bench logs`.

use std::path::Path;
use std::sync::OnceLock;

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use pushdoctor_core::logs::import::{ImportFormat, ImportOptions, Importer};
use pushdoctor_core::logs::{Capture, CaptureConfig, DirReader};

fn main() {
    divan::Divan::from_args().sample_count(20).main();
}

/// The loghub Android sample repeated to about 8 MiB; a small built-in
/// log (and a message saying so) when it is absent.
fn logcat() -> &'static [u8] {
    static TEXT: OnceLock<Vec<u8>> = OnceLock::new();
    TEXT.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub/Android_2k.log");
        let sample = std::fs::read(&path).unwrap_or_else(|_| {
            eprintln!(
                "logs bench: {} is absent; benchmarking a small built-in log instead (the figures are not comparable)",
                path.display()
            );
            b"03-17 16:13:38.811  1702  2395 D Accept: attempt 2 status=503 took 120ms\n".repeat(2000)
        });
        let mut text = Vec::with_capacity(8 << 20);
        while text.len() < 8 << 20 {
            text.extend_from_slice(&sample);
        }
        text
    })
}

fn options() -> ImportOptions {
    ImportOptions {
        year: 2026,
        ..ImportOptions::default()
    }
}

/// A log directory holding the imported records, written by a capture.
fn directory() -> &'static (tempfile::TempDir, u64) {
    static DIR: OnceLock<(tempfile::TempDir, u64)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let capture = Capture::start(CaptureConfig {
            directory: Some(dir.path().to_path_buf()),
            max_total_bytes: 256 << 20,
            max_pending_bytes: 64 << 20,
            platform_sink: false,
            ..CaptureConfig::default()
        })
        .expect("a capture starts");
        let records: Vec<_> =
            Importer::new(logcat(), ImportFormat::LogcatThreadtime, options()).collect();
        for batch in records.chunks(1000) {
            capture.record_batch(batch);
            capture.flush();
        }
        capture.shutdown();
        let bytes = std::fs::read_dir(dir.path())
            .expect("the directory")
            .map(|e| e.expect("an entry").metadata().expect("metadata").len())
            .sum();
        eprintln!(
            "logs bench: {} records, {bytes} bytes of segments",
            records.len()
        );
        (dir, bytes)
    })
}

#[divan::bench]
fn baseline_split_lines(bencher: Bencher<'_, '_>) {
    let text = logcat();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench_local(|| black_box(text).split(|&b| b == b'\n').count());
}

#[divan::bench]
fn import_logcat(bencher: Bencher<'_, '_>) {
    let text = logcat();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench_local(|| {
            Importer::new(black_box(text), ImportFormat::LogcatThreadtime, options()).count()
        });
}

#[divan::bench]
fn read_directory(bencher: Bencher<'_, '_>) {
    let (dir, bytes) = directory();
    bencher
        .counter(BytesCount::new(*bytes))
        .bench_local(|| DirReader::open(dir.path()).expect("readable").count());
}
