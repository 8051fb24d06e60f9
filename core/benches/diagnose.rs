//! One full diagnosis from a parsed snapshot, for the shortest and the
//! longest paths through the flow, beside the cost of parsing the snapshot
//! and of rendering the reports. Run: `cargo bench -p pushdoctor-core --bench diagnose`.

use std::path::PathBuf;

use divan::black_box;
use pushdoctor_core::{diagnose, engine::report, Answers, DeviceSnapshot, Options};

fn main() {
    // Many short samples: this runs on shared virtual machines, where a
    // neighbour's burst spoils a few samples and the median stays put.
    divan::Divan::from_args().sample_count(2000).main();
}

const FIXTURES: [&str; 3] = [
    // Shortest path: three rows, no actions.
    "push-ok-all-done.json",
    // Every setting off: six rows, six actions, a question left open.
    "not-received-everything-off.json",
    // Longest path: eleven rows across four tables and the loop guard.
    "admin-received-not-in-app.json",
];

fn load(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/snapshots")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parsed(name: &str) -> DeviceSnapshot {
    DeviceSnapshot::from_json(&load(name)).unwrap().snapshot
}

#[divan::bench(args = FIXTURES)]
fn diagnose_parsed(bencher: divan::Bencher<'_, '_>, fixture: &str) {
    let snapshot = parsed(fixture);
    let answers = Answers::default();
    let options = Options::default();
    bencher.bench_local(|| diagnose(black_box(&snapshot), &answers, &options));
}

#[divan::bench(args = FIXTURES)]
fn parse_snapshot(bencher: divan::Bencher<'_, '_>, fixture: &str) {
    let bytes = load(fixture);
    bencher.bench_local(|| DeviceSnapshot::from_json(black_box(&bytes)).unwrap());
}

#[divan::bench(args = FIXTURES)]
fn render_text_and_junit(bencher: divan::Bencher<'_, '_>, fixture: &str) {
    let d = diagnose(&parsed(fixture), &Answers::default(), &Options::default());
    bencher.bench_local(|| (report::text(black_box(&d)), report::junit(black_box(&d))));
}
