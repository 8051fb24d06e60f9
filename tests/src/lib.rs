//! Helpers shared by the scenario tests in `tests/tests/`.

use std::path::PathBuf;

use pushdoctor_core::{diagnose, Answers, DeviceSnapshot, Diagnosis, Options};

/// `tests/fixtures/` in this repository.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A snapshot fixture by file name, under `tests/fixtures/snapshots/`.
pub fn snapshot_path(name: &str) -> PathBuf {
    fixtures_dir().join("snapshots").join(name)
}

/// Loads a snapshot fixture; a fixture with unknown keys is a broken fixture.
pub fn load_snapshot(name: &str) -> DeviceSnapshot {
    let path = snapshot_path(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed =
        DeviceSnapshot::from_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        parsed.unknown_fields.is_empty(),
        "{name}: {:?}",
        parsed.unknown_fields
    );
    parsed.snapshot
}

/// The diagnosis of a fixture with nobody answering questions.
pub fn diagnose_fixture(name: &str) -> Diagnosis {
    diagnose(
        &load_snapshot(name),
        &Answers::default(),
        &Options::default(),
    )
}
