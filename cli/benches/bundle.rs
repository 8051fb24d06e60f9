//! Building a bundle from a large log volume, beside `gzip -6` of the same
//! text on the same machine in the same run.
//!
//! The input is the loghub Android logcat sample (`../shared/data/loghub/`,
//! outside the repository) repeated to 10 MiB and to 100 MiB. For each size
//! it runs, as separate processes so that each peak is its own, in turns
//! (gzip, bundle, capped bundle, gzip, …) so that a machine whose speed
//! drifts slows all three alike, five times each:
//! - `gzip -6 -c`: wall time and compressed size (the baseline);
//! - `pushdoctor bundle create` with no effective cap (everything kept):
//!   wall time, peak memory (max RSS), and the compressed size of the
//!   bundle's `logs.txt` (the records' one copy);
//! - `pushdoctor bundle create` with the default 5 MiB cap: wall time,
//!   peak memory and bundle size.
//!
//! Every run is printed, then the medians, and the speed against gzip as
//! the median of the run-by-run ratios. Then, on the 100 MiB input, each
//! deflate level from 1 to 9 in the same way (`--compression-level`).
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
    let (sizes, runs): (&[u64], usize) = if quick {
        (&[MIB], 1)
    } else {
        (&[10 * MIB, 100 * MIB], 5)
    };
    if Command::new("gzip").arg("--version").output().is_err() {
        skip::skip("gzip is not installed: the baseline cannot be measured (apt-get install gzip)");
        return;
    }
    let gz = work.join("out.gz");
    let all = work.join("all.zip");
    let capped = work.join("capped.zip");
    let default_level = pushdoctor_core::bundle::BundleOptions::default().compression_level;
    for &size in sizes {
        let input = work.join(format!("logcat-{}m.txt", size / MIB));
        make_input(&input, &sample_text, size);
        let mib = fs::metadata(&input).unwrap().len() as f64 / MIB as f64;
        println!("\n{mib:.1} MiB of logcat, level {default_level}: one line a run, in turns");
        println!("| run | gzip -6: wall | bundle, all kept: wall, peak RSS | bundle, 5 MiB cap: wall, peak RSS | speed vs gzip (all kept) |");
        println!("|---|---|---|---|---|");
        let mut rows = Vec::new();
        for run in 1..=runs {
            let g = measure(&mut gzip(&input, &gz));
            let a = measure(&mut bundle(&input, &all, 4096 * MIB, default_level));
            let c = measure(&mut bundle(&input, &capped, 5 * MIB, default_level));
            println!(
                "| {run} | {:.2} s | {:.2} s, {} | {:.2} s, {} | {:.2}x |",
                secs(g.wall),
                secs(a.wall),
                human(a.max_rss),
                secs(c.wall),
                human(c.max_rss),
                secs(g.wall) / secs(a.wall)
            );
            rows.push((g, a, c));
        }
        let gz_size = fs::metadata(&gz).unwrap().len();
        let text = logs_compressed(&all);
        let capped_size = fs::metadata(&capped).unwrap().len();
        let median_of = |f: &dyn Fn(&(Run, Run, Run)) -> f64| median(rows.iter().map(f).collect());
        println!(
            "| median | {:.2} s, {:.1} MiB/s, {} | {:.2} s, {:.1} MiB/s, {}; logs.txt {} ({:.3}x gzip) | {:.2} s, {}; bundle {} | {:.2}x |",
            median_of(&|r| secs(r.0.wall)),
            mib / median_of(&|r| secs(r.0.wall)),
            human(gz_size),
            median_of(&|r| secs(r.1.wall)),
            mib / median_of(&|r| secs(r.1.wall)),
            human(median_of(&|r| r.1.max_rss as f64) as u64),
            human(text),
            text as f64 / gz_size as f64,
            median_of(&|r| secs(r.2.wall)),
            human(median_of(&|r| r.2.max_rss as f64) as u64),
            human(capped_size),
            median_of(&|r| secs(r.0.wall) / secs(r.1.wall)),
        );
        if size == *sizes.last().unwrap() {
            levels(
                &input,
                &gz,
                &all,
                runs,
                if quick {
                    &[1]
                } else {
                    &[1, 2, 3, 4, 5, 6, 7, 8, 9]
                },
            );
        }
        let _ = fs::remove_file(&input);
    }
    for path in [&gz, &all, &capped] {
        let _ = fs::remove_file(path);
    }
}

/// Each deflate level on the same input, in turns with gzip: the medians
/// of the wall times and of the run-by-run speed against gzip, and the
/// size of `logs.txt` against gzip's output.
fn levels(input: &Path, gz: &Path, out: &Path, runs: usize, levels: &[u32]) {
    println!("\nDeflate levels on the same input ({runs} runs each, in turns with gzip -6)");
    println!("| level | gzip -6 wall (median) | bundle wall (median) | speed vs gzip (median of ratios; each run) | logs.txt compressed (vs gzip) |");
    println!("|---|---|---|---|---|");
    for &level in levels {
        let mut pairs = Vec::new();
        for _ in 0..runs {
            let g = measure(&mut gzip(input, gz));
            let b = measure(&mut bundle(input, out, 4096 * MIB, level));
            pairs.push((secs(g.wall), secs(b.wall)));
        }
        let gz_size = fs::metadata(gz).unwrap().len();
        let text = logs_compressed(out);
        let each: Vec<String> = pairs.iter().map(|(g, b)| format!("{:.2}", g / b)).collect();
        println!(
            "| {level} | {:.2} s | {:.2} s | {:.2}x ({}) | {} ({:.3}x) |",
            median(pairs.iter().map(|p| p.0).collect()),
            median(pairs.iter().map(|p| p.1).collect()),
            median(pairs.iter().map(|(g, b)| g / b).collect()),
            each.join(", "),
            human(text),
            text as f64 / gz_size as f64,
        );
    }
}

fn logs_compressed(bundle: &Path) -> u64 {
    let archive = ZipArchive::open(File::open(bundle).unwrap()).unwrap();
    let entry = archive.entry("logs.txt").expect("a bundle has logs.txt");
    entry.compressed
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn gzip(input: &Path, output: &Path) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(format!(
        "gzip -6 -c '{}' > '{}'",
        input.display(),
        output.display()
    ));
    command
}

fn bundle(input: &Path, output: &Path, max_bytes: u64, level: u32) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pushdoctor"));
    command
        .args([
            "bundle",
            "create",
            "--force",
            "--year",
            "2017",
            "--compression-level",
            &level.to_string(),
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
