//! Building a bundle from a large log volume, beside `gzip -6` of the same
//! text on the same machine in the same run.
//!
//! The input is the loghub Android logcat sample (`../shared/data/loghub/`,
//! outside the repository) repeated to 10 MiB and to 100 MiB. For each size
//! it measures, as separate processes so that each peak is its own:
//! - `gzip -6 -c`: wall time and compressed size (the baseline);
//! - `pushdoctor bundle create` with no effective cap (everything kept):
//!   wall time, peak memory (max RSS), and the compressed size of the
//!   bundle's `logs.txt` (the same text, rendered) and `logs.ndjson`;
//! - `pushdoctor bundle create` with the default 5 MiB cap: wall time,
//!   peak memory and bundle size.
//!
//! Run: `cargo bench -p pushdoctor-cli --bench bundle` (figures in BENCHMARKS.md).

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// The tests' one way to skip a check (a failure in CI), from the `tests`
// crate, which depends on this one.
#[path = "../../tests/src/skip.rs"]
mod skip;

use pushdoctor_core::bundle::zip::ZipArchive;

const MIB: u64 = 1024 * 1024;

fn main() {
    // `cargo test --benches` runs this once as a test: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/loghub/Android_2k.log");
    let Ok(sample_text) = fs::read(&sample) else {
        skip::skip(&format!(
            "{} is absent (the loghub samples live in shared/ beside the repository); the bundle bench did not run",
            sample.display()
        ));
        return;
    };
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bundle-bench");
    fs::create_dir_all(&work).unwrap();
    let sizes: &[u64] = if quick {
        &[MIB]
    } else {
        &[10 * MIB, 100 * MIB]
    };
    let gzip = Command::new("gzip").arg("--version").output().is_ok();
    if !gzip {
        eprintln!("bundle bench: gzip is not installed: the baseline cannot be measured (apt-get install gzip)");
    }
    println!("| input | gzip -6: time, MiB/s, size | bundle, all kept: time, MiB/s, peak RSS, logs.txt size (vs gzip), logs.ndjson size | bundle, 5 MiB cap: time, MiB/s, peak RSS, size |");
    println!("|---|---|---|---|");
    for &size in sizes {
        let input = work.join(format!("logcat-{}m.txt", size / MIB));
        make_input(&input, &sample_text, size);
        let actual = fs::metadata(&input).unwrap().len();
        let mib = actual as f64 / MIB as f64;

        let gz = work.join("out.gz");
        let gzip_cell = if gzip {
            let run = measure(Command::new("sh").arg("-c").arg(format!(
                "gzip -6 -c '{}' > '{}'",
                input.display(),
                gz.display()
            )));
            let gz_size = fs::metadata(&gz).unwrap().len();
            format!(
                "{:.2} s, {:.1} MiB/s, {}",
                run.wall.as_secs_f64(),
                mib / run.wall.as_secs_f64(),
                human(gz_size)
            )
        } else {
            "n/a".into()
        };
        let gz_size = fs::metadata(&gz).map(|m| m.len()).unwrap_or(0);

        let all = work.join("all.zip");
        let run_all = measure(&mut bundle(&input, &all, 4096 * MIB));
        let archive = ZipArchive::open(File::open(&all).unwrap()).unwrap();
        let text = archive.entry("logs.txt").unwrap().compressed;
        let ndjson = archive.entry("logs.ndjson").unwrap().compressed;
        let ratio = if gz_size > 0 {
            format!(" ({:+.1}%)", (text as f64 / gz_size as f64 - 1.0) * 100.0)
        } else {
            String::new()
        };

        let capped = work.join("capped.zip");
        let run_capped = measure(&mut bundle(&input, &capped, 5 * MIB));
        let capped_size = fs::metadata(&capped).unwrap().len();

        println!(
            "| {mib:.1} MiB | {gzip_cell} | {:.2} s, {:.1} MiB/s, {}, {}{ratio}, {} | {:.2} s, {:.1} MiB/s, {}, {} |",
            run_all.wall.as_secs_f64(),
            mib / run_all.wall.as_secs_f64(),
            human(run_all.max_rss),
            human(text),
            human(ndjson),
            run_capped.wall.as_secs_f64(),
            mib / run_capped.wall.as_secs_f64(),
            human(run_capped.max_rss),
            human(capped_size),
        );
        for path in [&input, &gz, &all, &capped] {
            let _ = fs::remove_file(path);
        }
    }
}

fn bundle(input: &Path, output: &Path, max_bytes: u64) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pushdoctor"));
    command
        .args([
            "bundle",
            "create",
            "--year",
            "2017",
            "--max-bytes",
            &max_bytes.to_string(),
            "-o",
        ])
        .arg(output)
        .arg("--logcat")
        .arg(input);
    command
}

/// Repeats the sample until the file reaches `size` bytes.
fn make_input(path: &Path, sample: &[u8], size: u64) {
    let mut file = std::io::BufWriter::new(File::create(path).unwrap());
    let mut written = 0;
    while written < size {
        file.write_all(sample).unwrap();
        written += sample.len() as u64;
    }
    file.flush().unwrap();
}

struct Run {
    wall: Duration,
    max_rss: u64,
}

/// Runs a command to completion and reads its own peak memory from the
/// kernel (wait4's rusage), so each run's peak is its own.
// The child is reaped by wait4 below, which std cannot see.
// wait4 is libc's, so calling it is unsafe; std has no way to read a
// child's rusage.
#[allow(clippy::zombie_processes, unsafe_code)]
fn measure(command: &mut Command) -> Run {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .spawn()
        .expect("the command starts");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `status` and `usage` are valid for writes.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the command failed: {command:?}"
    );
    Run {
        wall,
        max_rss: usage.ru_maxrss as u64 * 1024,
    }
}

fn human(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{:.2} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}
