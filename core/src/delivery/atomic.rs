//! Files replaced whole: written beside their place under a temporary
//! name, synced, renamed over the old one, and the directory synced, so a
//! crash at any point leaves the old file or the new one, never a mix.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::Path;

use md5::{Digest, Md5};

/// The prefix of every temporary file in the queue's directory: what is
/// left of one after a crash is removed when the queue opens.
pub const TEMP_PREFIX: &str = ".tmp-";

/// Replaces `dir/name` with `bytes`.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let temp = dir.join(format!("{TEMP_PREFIX}{name}"));
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, dir.join(name))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        // A full disk: the half-written temporary goes, the old file stays.
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Copies `source` to `dir/name` the same way, and returns its length and
/// MD5 (hex), computed from the bytes written.
pub fn copy_file(source: &Path, dir: &Path, name: &str) -> io::Result<(u64, String)> {
    let temp = dir.join(format!("{TEMP_PREFIX}{name}"));
    let result = (|| {
        let mut input = File::open(source)?;
        let mut output = File::create(&temp)?;
        let mut hasher = Md5::new();
        let mut buffer = vec![0u8; 256 * 1024];
        let mut length = 0u64;
        loop {
            let n = match input.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buffer[..n]);
            output.write_all(&buffer[..n])?;
            length += n as u64;
        }
        output.sync_all()?;
        drop(output);
        fs::rename(&temp, dir.join(name))?;
        sync_dir(dir)?;
        Ok((length, hex(&hasher.finalize())))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Removes `dir/name` (gone already is fine) and syncs the directory.
pub fn remove_file(dir: &Path, name: &str) -> io::Result<()> {
    match fs::remove_file(dir.join(name)) {
        Ok(()) => sync_dir(dir),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes a rename or a removal in `dir` durable (a no-op where a
/// directory cannot be opened to sync, as on Windows).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_whole_and_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("in");
        fs::write(&source, b"The quick brown fox jumps over the lazy dog").unwrap();
        let (len, md5) = copy_file(&source, dir.path(), "out").unwrap();
        assert_eq!(len, 43);
        assert_eq!(md5, "9e107d9d372bb6826bd81d3542a419d6");
        assert_eq!(
            fs::read(dir.path().join("out")).unwrap(),
            fs::read(&source).unwrap()
        );
        write_file(dir.path(), "out", b"new").unwrap();
        assert_eq!(fs::read(dir.path().join("out")).unwrap(), b"new");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(TEMP_PREFIX)
            })
            .collect();
        assert!(leftovers.is_empty());
        remove_file(dir.path(), "out").unwrap();
        remove_file(dir.path(), "out").unwrap();
        assert!(copy_file(&dir.path().join("missing"), dir.path(), "x").is_err());
        assert!(!dir.path().join(format!("{TEMP_PREFIX}x")).exists());
    }
}
