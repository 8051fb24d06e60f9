//! What the process-level tests of `pushdoctor` share.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs the built `pushdoctor` with `args`, standard input empty.
pub fn pushdoctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pushdoctor"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An empty folder of this test's own under the target's scratch folder.
pub fn work_dir(group: &str, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}
