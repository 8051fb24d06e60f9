//! `bundle verify` and `bundle show` on hostile and unlucky archives: every
//! way two zip readers can disagree is reported (never "sound"), a bomb
//! costs the limits and not its size, and nothing from the bundle reaches
//! the terminal unescaped. Bounds are asserted by counting bytes, never by
//! timing. The archives are made with `pushdoctor_tests::zipcraft`.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use pushdoctor_core::bundle::inspect::{Bundle, ReadLimits, VerifyReport};
use pushdoctor_core::bundle::{BundleOptions, BundleWriter};
use pushdoctor_core::logs::{Level, LogRecord, Origin};
use pushdoctor_tests::zipcraft::{deflate_bomb, Craft, ZipCraft};

const MIB: u64 = 1024 * 1024;

fn record(i: u64) -> LogRecord {
    LogRecord::new(
        1_790_000_000_000 + i as i64 * 1000,
        if i.is_multiple_of(7) {
            Level::Error
        } else {
            Level::Info
        },
        "Accept",
        format!("attempt {i} status=503 took 120ms"),
        Origin::App,
    )
}

/// A real bundle of `n` records, as a craft to tamper with.
fn base(dir: &Path, n: u64) -> ZipCraft {
    let path = dir.join("base.zip");
    let mut writer = BundleWriter::create(&path, BundleOptions::default()).unwrap();
    writer.add_snapshot(
        &pushdoctor_tests::load_snapshot("accept-multiple-retries.json"),
        &pushdoctor_tests::diagnose_fixture("accept-multiple-retries.json"),
    );
    for i in 0..n {
        writer.add(&record(i)).unwrap();
    }
    writer.finish().unwrap();
    ZipCraft::from_zip(&path)
}

fn verify_with(dir: &Path, craft: &ZipCraft, limits: &ReadLimits) -> VerifyReport {
    let path = dir.join("crafted.zip");
    craft.write(&path);
    Bundle::open(&path).unwrap().verify_with(limits)
}

fn verify(dir: &Path, craft: &ZipCraft) -> VerifyReport {
    verify_with(dir, craft, &ReadLimits::default())
}

fn has(report: &VerifyReport, needle: &str) -> bool {
    report.problems.iter().any(|p| p.contains(needle))
}

#[track_caller]
fn assert_problem(report: &VerifyReport, needle: &str) {
    assert!(
        has(report, needle),
        "no problem mentions {needle:?}: {:#?}",
        report.problems
    );
}

#[test]
fn a_crafted_copy_of_a_sound_bundle_is_sound() {
    let dir = tempfile::tempdir().unwrap();
    let craft = base(dir.path(), 300);
    let report = verify(dir.path(), &craft);
    assert!(report.is_ok(), "{:#?}", report.problems);
    assert_eq!(report.checked.len(), 3);
    // Every byte of every entry was inflated once (manifest included).
    let total: usize = craft
        .entries
        .iter()
        .map(|e| craft.content(&e.name()).len())
        .sum();
    assert_eq!(report.inflated_bytes, total as u64);
}

#[test]
fn a_second_logs_txt_is_reported_and_both_copies_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 50);
    let secret =
        b"2026-01-01T00:00:00.000Z I Auth: login alice.smith@example.org password=hunter2hunter2\n";
    craft.entries.insert(0, Craft::deflated("logs.txt", secret));
    let report = verify(dir.path(), &craft);
    assert!(!report.is_ok());
    assert_problem(&report, "logs.txt: 2 copies in the central directory");
    assert_problem(&report, "logs.txt: 2 copies in the local headers");
    assert_problem(&report, "logs.txt: SHA-256 is");
    assert_problem(&report, "secret(s) survived redaction");
    assert!(report.secrets.total() >= 2, "{:?}", report.secrets);
}

#[test]
fn an_entry_only_the_local_headers_hold_is_found_and_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 50);
    let mut hidden = Craft::deflated("notes.txt", b"call me: bob@example.com\n");
    hidden.central = None;
    craft.entries.insert(1, hidden);
    let report = verify(dir.path(), &craft);
    assert_problem(&report, "notes.txt: in the local headers (at offset");
    assert_problem(&report, "notes.txt: in the archive but not in the manifest");
    assert_eq!(report.secrets_by_entry.get("notes.txt"), Some(&1));
}

#[test]
fn local_and_central_headers_that_disagree_are_reported_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    type Change = fn(&mut pushdoctor_tests::zipcraft::Fields);
    let cases: [(&str, Change); 5] = [
        ("the name", |f| f.name = b"logs.txx".to_vec()),
        ("compression method", |f| f.method = 0),
        ("CRC-32", |f| f.crc ^= 1),
        ("compressed size", |f| f.compressed += 1),
        ("says size", |f| f.uncompressed += 1),
    ];
    for (field, change) in cases {
        let mut craft = base(dir.path(), 20);
        let i = craft.index("logs.txt");
        change(craft.entries[i].local.as_mut().unwrap());
        let report = verify(dir.path(), &craft);
        assert_problem(&report, "logs.txt: the local header (at offset");
        assert_problem(&report, field);
    }
}

#[test]
fn unsafe_names_are_reported_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let long = "a".repeat(300);
    let cases: [(&str, &str); 9] = [
        ("../evil.txt", "climbs out"),
        ("a/../../evil", "climbs out"),
        ("/etc/passwd", "absolute path"),
        ("C:\\evil", "backslash"),
        ("D:evil", "drive letter"),
        ("x\n: sound", "control characters"),
        ("\x1b[2Jclear", "control characters"),
        ("", "is empty"),
        (&long, "longer than 255"),
    ];
    for (name, why) in cases {
        let mut craft = base(dir.path(), 5);
        craft.entries.push(Craft::deflated(name, b"x\n"));
        let report = verify(dir.path(), &craft);
        assert_problem(&report, why);
        for problem in &report.problems {
            assert!(!problem.contains(['\n', '\x1b']), "unescaped: {problem:?}");
        }
    }
    let mut craft = base(dir.path(), 5);
    craft.entries.push(Craft::deflated("bad\u{fffd}", b"x\n"));
    let i = craft.entries.len() - 1;
    craft.entries[i].both(|f| f.name = b"bad\xff".to_vec());
    assert_problem(&verify(dir.path(), &craft), "is not UTF-8");
}

#[test]
fn data_outside_the_entries_is_reported_wherever_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let plain = base(dir.path(), 20);
    let mut front = plain.clone();
    front.prefix = b"#!/bin/sh\necho hi\n".to_vec();
    // The offsets were counted from the start: the prefix shifts them.
    let report = verify(dir.path(), &front);
    assert_problem(
        &report,
        "bytes at offset 0 belong to no entry (in front of the first entry)",
    );

    let mut between = plain.clone();
    let i = between.index("logs.txt");
    between.entries[i].gap_before = vec![0xAB; 100];
    assert_problem(&verify(dir.path(), &between), "100 bytes at offset");
    assert_problem(&verify(dir.path(), &between), "(between entries)");

    let mut after = plain.clone();
    after.suffix = b"trailing words".to_vec();
    assert_problem(&verify(dir.path(), &after), "14 bytes at offset");
    assert_problem(&verify(dir.path(), &after), "(after the end record)");

    // A second archive appended: readers that take the last end record
    // and readers that walk from the front see different archives.
    let mut appended = plain.clone();
    appended.suffix = plain.build();
    let report = verify(dir.path(), &appended);
    assert_problem(&report, "more end-of-directory records");
    assert_problem(&report, "belong to no entry");

    let mut inside = plain.clone();
    inside.after_directory = vec![0; 10];
    assert_problem(&verify(dir.path(), &inside), "10 bytes at offset");

    let mut comment = plain.clone();
    comment.comment = b"hello".to_vec();
    assert_problem(&verify(dir.path(), &comment), "a comment of 5 bytes");

    let mut two_ends = plain.clone();
    // A comment holding an end record of its own.
    two_ends.comment = [&b"PK\x05\x06"[..], &[0; 18]].concat();
    // This reader takes the last end record, the empty fake one: no
    // manifest, not a bundle; never sound.
    let path = dir.path().join("two-ends.zip");
    two_ends.write(&path);
    assert!(matches!(
        Bundle::open(&path),
        Err(pushdoctor_core::bundle::inspect::OpenError::NoManifest)
    ));
}

#[test]
fn a_data_descriptor_or_a_lying_end_record_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 20);
    let i = craft.index("logs.txt");
    craft.entries[i].local.as_mut().unwrap().flags |= 0x0008;
    let report = verify(dir.path(), &craft);
    assert_problem(
        &report,
        "logs.txt: sizes follow the data (a data descriptor)",
    );

    // Only in the local headers, and its end not known without inflating.
    let mut craft = base(dir.path(), 20);
    let mut hidden = Craft::deflated("hidden.txt", b"x\n");
    hidden.central = None;
    hidden.local.as_mut().unwrap().flags |= 0x0008;
    craft.entries.insert(0, hidden);
    let report = verify(dir.path(), &craft);
    assert_problem(&report, "hidden.txt: in the local headers");
    assert_problem(&report, "hidden.txt: sizes follow the data");

    let mut craft = base(dir.path(), 20);
    craft.entries_on_disk = Some(1);
    assert_problem(
        &verify(dir.path(), &craft),
        "the end record says 1 entries on this disk but 4 in all",
    );
}

#[test]
fn entries_that_overlap_or_share_data_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let plain = base(dir.path(), 20);
    // A second central record for the same local header, another name.
    let mut shared = plain.clone();
    let i = shared.index("logs.txt");
    let mut copy = shared.entries[i].central.clone().unwrap();
    copy.name = b"copy.txt".to_vec();
    shared.central_copies.push((i, copy));
    let report = verify(dir.path(), &shared);
    assert_problem(
        &report,
        "says the name logs.txt, the central directory copy.txt",
    );
    assert_problem(&report, "copy.txt: its data is shared with another entry");

    // A central record pointing inside another entry's data, where no
    // local header is: not an archive this reader opens.
    let mut inside = plain.clone();
    let i = inside.index("logs.txt");
    inside.entries[i].offset_shift = -20;
    let path = dir.path().join("inside.zip");
    inside.write(&path);
    assert!(matches!(
        Bundle::open(&path),
        Err(pushdoctor_core::bundle::inspect::OpenError::Zip(_))
    ));
    // One pointing at a local header hidden inside another (stored)
    // entry's data: a walk from the front never sees it.
    let mut hidden = plain.clone();
    let mut inner_zip = ZipCraft::default();
    let inner = Craft::deflated("inner.txt", b"hidden bob@example.com\n");
    inner_zip.entries.push(inner.clone());
    let full = inner_zip.build();
    // Its local header and data only, without a directory.
    let stored = full[..30 + "inner.txt".len() + inner.data.len()].to_vec();
    let mut outer = Craft::deflated("outer.bin", b"");
    outer.both(|f| {
        f.method = 0;
        f.crc = crc32fast::hash(&stored);
        f.compressed = stored.len() as u32;
        f.uncompressed = stored.len() as u32;
    });
    outer.data = stored.clone();
    let mut pointer = inner.clone();
    pointer.local = None;
    pointer.data.clear();
    pointer.offset_shift = -(stored.len() as i64);
    hidden.entries.insert(0, pointer);
    hidden.entries.insert(0, outer);
    let report = verify(dir.path(), &hidden);
    assert_problem(&report, "inner.txt: the central directory points at offset");
    assert_problem(&report, "outer.bin: in the archive but not in the manifest");
    assert_problem(&report, "inner.txt: its data is shared with another entry");

    // Local sizes that run into the next entry.
    let mut long = plain.clone();
    let i = long.index("snapshot.json");
    long.entries[i].both(|f| f.compressed += 40);
    assert_problem(
        &verify(dir.path(), &long),
        "snapshot.json: its data (offset",
    );
}

#[test]
fn a_manifest_that_lists_an_entry_many_times_costs_one_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 200);
    let sound = verify(dir.path(), &craft).inflated_bytes;
    craft.edit_manifest(|m| {
        let entries = m["entries"].as_array_mut().unwrap();
        let first = entries[0].clone();
        entries.extend(std::iter::repeat_n(first, 20_000));
    });
    let report = verify(dir.path(), &craft);
    assert_problem(&report, "snapshot.json: listed 20001 times in the manifest");
    // Only the manifest grew; every other entry was inflated once.
    let manifest_growth = craft.content("manifest.json").len() as u64;
    assert!(
        report.inflated_bytes <= sound + manifest_growth,
        "{} > {} + {manifest_growth}",
        report.inflated_bytes,
        sound
    );
}

#[test]
fn entries_missing_or_unlisted_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 20);
    craft.entries.push(Craft::deflated("extra.bin", b"x"));
    craft.edit_manifest(|m| {
        m["entries"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "name": "ghost.txt", "bytes": 1, "sha256": "00"
            }));
    });
    let report = verify(dir.path(), &craft);
    assert_problem(&report, "extra.bin: in the archive but not in the manifest");
    assert_problem(&report, "ghost.txt: listed in the manifest but missing");
}

#[test]
fn one_changed_byte_with_a_fixed_crc_is_exactly_a_sha256_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 100);
    let mut content = craft.content("logs.txt");
    // A digit of a message, so that the line still reads as a record.
    let half = content.len() / 2;
    let at = half
        + content[half..]
            .windows(10)
            .position(|w| w == b"status=503")
            .unwrap()
        + 7;
    content[at] = b'7';
    let i = craft.index("logs.txt");
    // Recompressed with its own CRC and the same size: only the manifest's
    // SHA-256 can tell.
    let fresh = Craft::deflated("logs.txt", &content);
    craft.entries[i].data = fresh.data;
    craft.entries[i].local = fresh.local;
    craft.entries[i].central = fresh.central;
    let report = verify(dir.path(), &craft);
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert!(
        report.problems[0].starts_with("logs.txt: SHA-256 is "),
        "{:?}",
        report.problems
    );

    // The size alone: the manifest says one byte more.
    let mut craft = base(dir.path(), 100);
    craft.edit_manifest(|m| {
        for e in m["entries"].as_array_mut().unwrap() {
            if e["name"] == "logs.txt" {
                e["bytes"] = (e["bytes"].as_u64().unwrap() + 1).into();
            }
        }
    });
    let report = verify(dir.path(), &craft);
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert!(report.problems[0].starts_with("logs.txt: "));
    assert!(report.problems[0].contains(" bytes, the manifest says "));
}

fn small_limits() -> ReadLimits {
    ReadLimits {
        entry_bytes: 8 * MIB,
        total_bytes: 12 * MIB,
        line_bytes: 64 * 1024,
        overlap_bytes: 1024,
    }
}

/// `logs.txt` (and `diagnosis.json`) replaced by a bomb of `mib` MiB of
/// `byte`, whose headers declare its real size.
fn bombed(dir: &Path, byte: u8, mib: usize, both: bool) -> ZipCraft {
    let mut craft = base(dir, 20);
    for name in ["logs.txt", "diagnosis.json"]
        .iter()
        .take(if both { 2 } else { 1 })
    {
        let i = craft.index(name);
        let data = deflate_bomb(byte, mib);
        craft.entries[i].both(|f| {
            f.compressed = data.len() as u32;
            f.uncompressed = (mib as u64 * MIB).min(u32::MAX as u64) as u32;
        });
        craft.entries[i].data = data;
    }
    craft
}

#[test]
fn a_deflate_bomb_of_one_long_line_costs_the_limits_not_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let limits = small_limits();
    // 1 GiB of 'a' and not one newline, from about 1 MiB on disk.
    let craft = bombed(dir.path(), b'a', 1023, false);
    let report = verify_with(dir.path(), &craft, &limits);
    assert_problem(
        &report,
        "logs.txt: inflates past the cap of 8388608 bytes; stopped",
    );
    // The cap, plus the one byte that shows it was passed.
    let others = verify_with(dir.path(), &base(dir.path(), 20), &limits).inflated_bytes
        - base(dir.path(), 20).content("logs.txt").len() as u64;
    assert!(report.inflated_bytes <= others + limits.entry_bytes + 1);
    // The window filled, and never more than that was held.
    assert_eq!(report.held_max, limits.line_bytes);
    // Scanning the windows costs the bytes plus the overlaps, no more.
    assert!(report.scanned_bytes >= report.inflated_bytes);
    assert!(
        report.scanned_bytes
            <= report.inflated_bytes * (limits.line_bytes as u64)
                / (limits.line_bytes - limits.overlap_bytes) as u64
                + limits.line_bytes as u64
    );
    assert!(report.long_lines >= 1);
}

#[test]
fn bombs_in_several_entries_stop_at_the_bundles_total_cap() {
    let dir = tempfile::tempdir().unwrap();
    let limits = small_limits();
    let craft = bombed(dir.path(), b'\n', 1023, true);
    let report = verify_with(dir.path(), &craft, &limits);
    assert!(!report.is_ok());
    assert!(
        report.inflated_bytes <= limits.total_bytes + 2,
        "{} > {}",
        report.inflated_bytes,
        limits.total_bytes
    );
    assert_problem(
        &report,
        "inflates past what is left of the bundle's cap of 12582912 bytes",
    );

    // `show` is held to the same limits and says where it stopped.
    let path = dir.path().join("crafted.zip");
    let shown = Bundle::open(&path).unwrap().show_with(5, &limits).unwrap();
    assert!(shown.contains("logs.txt: stopped reading after"), "{shown}");
}

#[test]
fn show_cuts_long_lines_and_escapes_what_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 20);
    let mut text = String::new();
    text.push_str("2026-01-01T00:00:00.000Z E Evil: \x1b[2J\x1b]0;pwned\x07 boom\n");
    text.push_str(&format!(
        "2026-01-01T00:00:01.000Z W Long: {}\n",
        "z".repeat(100_000)
    ));
    craft.set_content("logs.txt", text.as_bytes());
    craft.edit_manifest(|m| {
        m["device"]["model"] = "Pixel\n: sound\x1b[31m".into();
    });
    let path = dir.path().join("shown.zip");
    craft.write(&path);
    let shown = Bundle::open(&path).unwrap().show(10).unwrap();
    assert!(
        !shown.contains('\x1b') && !shown.contains('\x07'),
        "{shown:?}"
    );
    assert!(shown.contains("Pixel\\n: sound\\x1b[31m"), "{shown}");
    assert!(shown.contains("\\x1b[2J"), "{shown}");
    assert!(shown.contains("…(line cut)"));
    assert!(
        shown.lines().all(|l| l.len() < 3 * 1024),
        "a shown line is cut"
    );
}

#[test]
fn a_secret_where_a_window_ends_is_found_once() {
    let dir = tempfile::tempdir().unwrap();
    let limits = small_limits();
    for (secret, shift) in [" alice.smith@example.org ", " password=hunter2hunter2 "]
        .into_iter()
        .flat_map(|s| [0usize, 5, 12, 20, 24, 30, 1000, 1100].map(|shift| (s, shift)))
    {
        let mut craft = base(dir.path(), 5);
        let mut line = "a".repeat(limits.line_bytes - shift);
        line.push_str(secret);
        line.push_str(&"b".repeat(3 * limits.line_bytes));
        line.push('\n');
        craft.set_content("logs.txt", line.as_bytes());
        let report = verify_with(dir.path(), &craft, &limits);
        assert_eq!(
            report.secrets_by_entry.get("logs.txt"),
            Some(&1),
            "{secret:?} at shift {shift}: {:?}",
            report.secrets
        );
        assert!(report.held_max <= limits.line_bytes);
    }
}

#[test]
fn verify_on_the_command_line_never_prints_a_forged_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 5);
    craft.entries.push(Craft::deflated(
        "x\n/tmp/crafted.zip: sound: 4 entries",
        b"x\n",
    ));
    let path: PathBuf = dir.path().join("crafted.zip");
    craft.write(&path);
    let mut stdin = std::io::empty();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = pushdoctor_cli::run(
        ["pushdoctor", "bundle", "verify", path.to_str().unwrap()],
        &mut std::io::BufReader::new(&mut stdin),
        &mut out,
        &mut err,
    );
    let stdout = String::from_utf8(out).unwrap();
    assert_eq!(code, pushdoctor_cli::exit::ACTION_NEEDED, "{stdout}");
    for line in stdout.lines() {
        assert!(
            line.starts_with("checked ")
                || line.starts_with("PROBLEM ")
                || line.contains("NOT sound"),
            "a line that is not ours: {line:?}\n{stdout}"
        );
    }
}

/// A hostile change to a sound bundle; each one is something `verify` must
/// report.
#[derive(Debug, Clone)]
enum Hostile {
    Prefix(Vec<u8>),
    Suffix(Vec<u8>),
    Comment(Vec<u8>),
    Gap(usize, Vec<u8>),
    LocalOnly(String, Vec<u8>),
    CentralName(usize, Vec<u8>),
    LocalCrc(usize, u32),
    Duplicate(usize),
    ShiftOffset(usize, i64),
    AfterDirectory(Vec<u8>),
}

fn hostile() -> impl Strategy<Value = Hostile> {
    let bytes = prop::collection::vec(any::<u8>(), 1..64);
    prop_oneof![
        bytes.clone().prop_map(Hostile::Prefix),
        bytes.clone().prop_map(Hostile::Suffix),
        bytes.clone().prop_map(Hostile::Comment),
        (0..5usize, bytes.clone()).prop_map(|(i, b)| Hostile::Gap(i, b)),
        ("[a-z./\\\\\n\x1b]{1,12}", bytes.clone()).prop_map(|(n, b)| Hostile::LocalOnly(n, b)),
        (0..5usize, prop::collection::vec(any::<u8>(), 0..300))
            .prop_map(|(i, n)| Hostile::CentralName(i, n)),
        (0..5usize, 1..u32::MAX).prop_map(|(i, x)| Hostile::LocalCrc(i, x)),
        (0..5usize).prop_map(Hostile::Duplicate),
        (0..5usize, prop_oneof![-40i64..0, 1..40i64]).prop_map(|(i, s)| Hostile::ShiftOffset(i, s)),
        bytes.prop_map(Hostile::AfterDirectory),
    ]
}

fn apply(craft: &mut ZipCraft, change: &Hostile) {
    let n = craft.entries.len();
    match change.clone() {
        Hostile::Prefix(b) => craft.prefix.extend(b),
        Hostile::Suffix(b) => craft.suffix.extend(b),
        Hostile::Comment(b) => craft.comment.extend(b),
        Hostile::Gap(i, b) => craft.entries[i % n].gap_before.extend(b),
        Hostile::LocalOnly(name, content) => {
            let mut entry = Craft::deflated(&name, &content);
            entry.central = None;
            craft.entries.push(entry);
        }
        Hostile::CentralName(i, name) => {
            let fields = craft.entries[i % n].central.as_mut().unwrap();
            if fields.name == name {
                return;
            }
            fields.name = name;
        }
        Hostile::LocalCrc(i, x) => craft.entries[i % n].local.as_mut().unwrap().crc ^= x,
        Hostile::Duplicate(i) => {
            let copy = craft.entries[i % n].clone();
            craft.entries.push(copy);
        }
        Hostile::ShiftOffset(i, s) => craft.entries[i % n].offset_shift += s,
        Hostile::AfterDirectory(b) => craft.after_directory.extend(b),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any hostile change, alone or with others, is never "sound"; opening
    /// and verifying never panic; the work stays within the limits.
    #[test]
    fn every_hostile_change_is_reported(changes in prop::collection::vec(hostile(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let mut craft = base(dir.path(), 30);
        let before = craft.build();
        for change in &changes {
            apply(&mut craft, change);
        }
        prop_assume!(craft.build() != before);
        let path = dir.path().join("hostile.zip");
        craft.write(&path);
        let limits = small_limits();
        if let Ok(bundle) = Bundle::open(&path) {
            let report = bundle.verify_with(&limits);
            prop_assert!(!report.is_ok(), "{changes:?} passed as sound");
            prop_assert!(report.inflated_bytes <= limits.total_bytes + 1);
            prop_assert!(report.held_max <= limits.line_bytes);
            for problem in &report.problems {
                prop_assert!(!problem.chars().any(pushdoctor_core::printable::is_unprintable));
            }
            let _ = bundle.show_with(5, &limits);
        }
    }

    /// One secret anywhere in a line several windows long, whatever the
    /// filler around it: found, and counted once.
    #[test]
    fn a_secret_anywhere_in_a_long_line_is_found_once(
        at in 0usize..12 * 1024,
        filler in prop_oneof![Just("a"), Just("word "), Just("ab-cd "), Just("é")],
        secret in prop_oneof![
            Just(" alice.smith@example.org "),
            Just(" password=hunter2hunter2 "),
            Just(" Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345 "),
        ],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let limits = ReadLimits {
            line_bytes: 4096,
            overlap_bytes: 256,
            ..ReadLimits::default()
        };
        let mut craft = base(dir.path(), 1);
        let fill = |n: usize| filler.repeat(n / filler.len() + 1)[..].chars().take(n).collect::<String>();
        let line = format!("{}{secret}{}\n", fill(at), fill(12 * 1024 - at));
        craft.set_content("logs.txt", line.as_bytes());
        let report = verify_with(dir.path(), &craft, &limits);
        prop_assert_eq!(report.secrets_by_entry.get("logs.txt"), Some(&1), "{:?}", report.secrets);
        prop_assert_eq!(report.secrets.total(), 1);
        prop_assert!(report.secrets.0.values().all(|&n| n > 0), "{:?}", report.secrets);
        prop_assert!(report.held_max <= limits.line_bytes);
    }

    /// Random damage anywhere in the file: never a panic, and the bounds
    /// hold whatever the bytes say.
    #[test]
    fn random_damage_never_panics_and_stays_bounded(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = base(dir.path(), 30).build();
        for (at, byte) in &edits {
            let i = at.index(bytes.len());
            bytes[i] = *byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let path = dir.path().join("damaged.zip");
        std::fs::write(&path, &bytes).unwrap();
        let limits = small_limits();
        if let Ok(bundle) = Bundle::open(&path) {
            let report = bundle.verify_with(&limits);
            prop_assert!(report.inflated_bytes <= limits.total_bytes + 1);
            prop_assert!(report.held_max <= limits.line_bytes);
            let _ = bundle.show_with(5, &limits);
        }
    }
}

#[test]
fn the_entry_cap_is_exact_an_entry_of_the_caps_size_passes() {
    let dir = tempfile::tempdir().unwrap();
    let craft = base(dir.path(), 500);
    let largest = craft
        .entries
        .iter()
        .map(|e| craft.content(&e.name()).len() as u64)
        .max()
        .unwrap();
    let at = |entry_bytes: u64| ReadLimits {
        entry_bytes,
        ..ReadLimits::default()
    };
    let report = verify_with(dir.path(), &craft, &at(largest));
    assert!(report.is_ok(), "{:#?}", report.problems);
    let report = verify_with(dir.path(), &craft, &at(largest - 1));
    assert_problem(
        &report,
        &format!(
            "inflates past the cap of {} bytes; stopped after {}",
            largest - 1,
            largest - 1
        ),
    );
    // The total cap, exactly as well.
    let total = verify(dir.path(), &craft).inflated_bytes;
    let whole = ReadLimits {
        total_bytes: total,
        ..ReadLimits::default()
    };
    assert!(verify_with(dir.path(), &craft, &whole).is_ok());
    let short = ReadLimits {
        total_bytes: total - 1,
        ..ReadLimits::default()
    };
    let report = verify_with(dir.path(), &craft, &short);
    assert_problem(&report, "what is left of the bundle's cap of");
    assert_eq!(report.inflated_bytes, total);
}

#[test]
fn a_secret_in_an_entry_name_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut craft = base(dir.path(), 5);
    craft
        .entries
        .push(Craft::deflated("alice.smith@example.org", b"x\n"));
    let report = verify(dir.path(), &craft);
    assert_problem(&report, "the entry's name holds 1 secret(s)");
    assert_eq!(report.secrets.total(), 1);
}

#[test]
fn encrypted_entries_and_unknown_methods_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    for (change, expected) in [
        (
            (|f: &mut pushdoctor_tests::zipcraft::Fields| f.flags |= 1) as fn(&mut _),
            "logs.txt is encrypted",
        ),
        (|f| f.method = 12, "logs.txt: compression method 12"),
    ] {
        let mut craft = base(dir.path(), 5);
        let i = craft.index("logs.txt");
        craft.entries[i].both(change);
        let path = dir.path().join("refused.zip");
        craft.write(&path);
        let err = Bundle::open(&path).err().expect("refused");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[test]
fn a_size_or_crc_that_lies_in_both_headers_is_damage() {
    let dir = tempfile::tempdir().unwrap();
    type Change = fn(&mut pushdoctor_tests::zipcraft::Fields);
    let cases: [Change; 3] = [
        |f| f.uncompressed += 1,
        |f| f.uncompressed -= 1,
        |f| f.crc ^= 0x10,
    ];
    for change in cases {
        let mut craft = base(dir.path(), 50);
        let i = craft.index("logs.txt");
        craft.entries[i].both(change);
        let report = verify(dir.path(), &craft);
        assert!(
            has(&report, "logs.txt: CRC-32 or size mismatch")
                || has(&report, "logs.txt: more data than the archive says"),
            "{:#?}",
            report.problems
        );
    }
}

#[test]
fn an_entry_read_to_its_end_stays_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let craft = base(dir.path(), 50);
    let path = dir.path().join("whole.zip");
    craft.write(&path);
    let archive =
        pushdoctor_core::bundle::zip::ZipArchive::open(std::fs::File::open(&path).unwrap())
            .unwrap();
    let entry = archive.entry("logs.txt").unwrap().clone();
    let mut reader = archive.open_entry(&entry).unwrap();
    let mut all = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut all).unwrap();
    assert_eq!(all, craft.content("logs.txt"));
    let mut more = [0u8; 16];
    for _ in 0..3 {
        assert_eq!(std::io::Read::read(&mut reader, &mut more).unwrap(), 0);
    }
}

#[test]
fn an_entry_whose_data_starts_where_anothers_ends_is_still_read() {
    // The central directory points at a local header that is the last
    // bytes of a stored entry's data; its own data follows that entry's.
    // Adjacent is not shared: both are read, whichever is read first (the
    // outer one is listed in the central directory, or only in the local
    // headers and so read last), and both secrets are found.
    let dir = tempfile::tempdir().unwrap();
    for outer_in_central in [true, false] {
        let mut craft = base(dir.path(), 20);
        let name = "bob@example.com";
        let inner = Craft::deflated(name, b"hidden carol@example.net\n");
        let mut alone = ZipCraft::default();
        alone.entries.push(inner.clone());
        // Its local header, whose name is a secret, is the outer's data.
        let header = alone.build()[..30 + name.len()].to_vec();
        let mut outer = Craft::deflated("outer.bin", b"");
        outer.both(|f| {
            f.method = 0;
            f.crc = crc32fast::hash(&header);
            f.compressed = header.len() as u32;
            f.uncompressed = header.len() as u32;
        });
        outer.data = header.clone();
        if !outer_in_central {
            outer.central = None;
        }
        let mut pointer = inner.clone();
        pointer.local = None;
        pointer.offset_shift = -(header.len() as i64);
        craft.entries[0].gap_before = inner.data.clone();
        craft.entries.insert(0, pointer);
        craft.entries.insert(0, outer);
        let report = verify(dir.path(), &craft);
        assert!(
            !has(&report, "shared with another entry"),
            "{:#?}",
            report.problems
        );
        assert_eq!(report.secrets_by_entry.get(name), Some(&1), "{report:#?}");
        assert_eq!(
            report.secrets_by_entry.get("outer.bin"),
            Some(&1),
            "{report:#?}"
        );
        assert_problem(
            &report,
            "bob@example.com: the central directory points at offset",
        );
    }
}
