//! Helpers shared by the scenario tests in `tests/tests/`.

pub mod approvals;
pub mod fault_proxy;
pub mod loopback;
pub mod post_server;
pub mod s3store;
pub mod sigv4;
pub mod skip;
pub mod zipcraft;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// An entry of a bundle (or any zip), read through the project's zip reader,
/// which checks its CRC.
pub fn bundle_entry(path: &Path, name: &str) -> String {
    let archive =
        pushdoctor_core::bundle::zip::ZipArchive::open(std::fs::File::open(path).unwrap()).unwrap();
    let entry = archive
        .entry(name)
        .unwrap_or_else(|| panic!("{name} is not in {}", path.display()))
        .clone();
    let mut text = String::new();
    archive
        .open_entry(&entry)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// A tmpfs of `size` mounted on `dir` for a full-disk test, unmounted when
/// the guard drops; `None` (after saying so) where mounting is not allowed.
pub fn mount_tmpfs<'a>(dir: &'a Path, size: &str, what: &str) -> Option<Unmount<'a>> {
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !mounted {
        skip::skip(&format!(
            "cannot mount a tmpfs here (needs root); {what} was not exercised"
        ));
        return None;
    }
    Some(Unmount(dir))
}

/// Unmounts on drop.
pub struct Unmount<'a>(&'a Path);

impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0).status();
    }
}
