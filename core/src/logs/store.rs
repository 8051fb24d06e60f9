//! Where captured records are kept: segment files in a directory the app
//! gives, or the same chunks in memory when it gives none.
//!
//! Each run of the app writes new segments (ids go on from the highest on
//! disk), so the run in which Accept failed is still there after the app is
//! killed and started again. The total is capped: past it, the oldest
//! segments are deleted whole. A failed write (a full disk) is undone by
//! truncating the segment back, so a segment never holds a half chunk from
//! it, and older segments are never touched.

use std::collections::VecDeque;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::record::LogRecord;
use super::segment::{self, ReadStats, FILE_MAGIC};
use super::LogError;

const SEGMENT_EXTENSION: &str = "pdlog";

/// Size limits of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    /// All segments together stay under this.
    pub max_total_bytes: u64,
    /// A segment is closed once it reaches this.
    pub max_segment_bytes: u64,
}

impl StoreLimits {
    /// Eight segments to the total, so that dropping the oldest loses an
    /// eighth of the history at a time.
    pub fn with_total(max_total_bytes: u64) -> Self {
        StoreLimits {
            max_total_bytes,
            max_segment_bytes: (max_total_bytes / 8).max(16 * 1024),
        }
    }
}

pub(crate) enum Store {
    Disk(DiskStore),
    Memory(MemoryStore),
}

impl Store {
    pub(crate) fn append(&mut self, chunk: &[u8]) -> io::Result<()> {
        match self {
            Store::Disk(disk) => disk.append(chunk),
            Store::Memory(memory) => {
                memory.append(chunk);
                Ok(())
            }
        }
    }

    pub(crate) fn sync(&mut self) -> io::Result<()> {
        match self {
            Store::Disk(disk) => disk.sync(),
            Store::Memory(_) => Ok(()),
        }
    }
}

pub(crate) struct DiskStore {
    dir: PathBuf,
    limits: StoreLimits,
    current: File,
    current_path: PathBuf,
    current_len: u64,
    next_id: u64,
}

impl DiskStore {
    pub(crate) fn open(dir: &Path, limits: StoreLimits) -> Result<Self, LogError> {
        let unwritable = |source: io::Error| LogError::Directory {
            dir: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(unwritable)?;
        let next_id = segment_paths(dir)
            .map_err(unwritable)?
            .last()
            .and_then(|p| segment_id(p))
            .map_or(1, |id| id + 1);
        let (current, current_path) = new_segment(dir, next_id).map_err(unwritable)?;
        let mut store = DiskStore {
            dir: dir.to_path_buf(),
            limits,
            current,
            current_path,
            current_len: FILE_MAGIC.len() as u64,
            next_id: next_id + 1,
        };
        store.enforce_cap().map_err(unwritable)?;
        Ok(store)
    }

    fn append(&mut self, chunk: &[u8]) -> io::Result<()> {
        if self.current_len + chunk.len() as u64 > self.limits.max_segment_bytes
            && self.current_len > FILE_MAGIC.len() as u64
        {
            self.rotate()?;
        }
        if let Err(e) = self.current.write_all(chunk) {
            // Undo the partial write, so the segment ends on a whole chunk.
            let _ = self.current.set_len(self.current_len);
            return Err(e);
        }
        self.current_len += chunk.len() as u64;
        Ok(())
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.current.sync_data()?;
        let (file, path) = new_segment(&self.dir, self.next_id)?;
        self.current = file;
        self.current_path = path;
        self.current_len = FILE_MAGIC.len() as u64;
        self.next_id += 1;
        self.enforce_cap()
    }

    /// Deletes the oldest closed segments while the total is over the cap.
    fn enforce_cap(&mut self) -> io::Result<()> {
        let paths = segment_paths(&self.dir)?;
        let mut sizes: VecDeque<(PathBuf, u64)> = paths
            .into_iter()
            .filter(|p| *p != self.current_path)
            .map(|p| {
                let len = fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
                (p, len)
            })
            .collect();
        let mut total: u64 =
            sizes.iter().map(|(_, len)| len).sum::<u64>() + self.limits.max_segment_bytes;
        while total > self.limits.max_total_bytes {
            let Some((oldest, len)) = sizes.pop_front() else {
                break;
            };
            fs::remove_file(&oldest)?;
            total -= len;
        }
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.current.sync_data()
    }
}

fn new_segment(dir: &Path, id: u64) -> io::Result<(File, PathBuf)> {
    let path = dir.join(format!("{id:010}.{SEGMENT_EXTENSION}"));
    let mut file = OpenOptions::new()
        .create_new(true)
        .append(true)
        .open(&path)?;
    file.write_all(FILE_MAGIC)?;
    Ok((file, path))
}

fn segment_id(path: &Path) -> Option<u64> {
    path.file_stem()?.to_str()?.parse().ok()
}

/// The segment files of a log directory, oldest first.
pub fn segment_paths(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut paths: Vec<(u64, PathBuf)> = fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == SEGMENT_EXTENSION))
        .filter_map(|p| segment_id(&p).map(|id| (id, p)))
        .collect();
    paths.sort();
    Ok(paths.into_iter().map(|(_, p)| p).collect())
}

/// Chunks kept in memory when the app gives no directory: the same bytes a
/// segment would hold, under the same cap.
pub(crate) struct MemoryStore {
    chunks: VecDeque<Vec<u8>>,
    total: u64,
    max_total: u64,
}

impl MemoryStore {
    pub(crate) fn new(max_total: u64) -> Self {
        MemoryStore {
            chunks: VecDeque::new(),
            total: 0,
            max_total,
        }
    }

    fn append(&mut self, chunk: &[u8]) {
        self.total += chunk.len() as u64;
        self.chunks.push_back(chunk.to_vec());
        while self.total > self.max_total && self.chunks.len() > 1 {
            let oldest = self.chunks.pop_front().expect("more than one chunk");
            self.total -= oldest.len() as u64;
        }
    }

    /// All chunks as one segment's bytes.
    pub(crate) fn as_segment(&self) -> Vec<u8> {
        let mut data = Vec::with_capacity(self.total as usize + FILE_MAGIC.len());
        data.extend_from_slice(FILE_MAGIC);
        for chunk in &self.chunks {
            data.extend_from_slice(chunk);
        }
        data
    }
}

/// Reads the records of a log directory, oldest first, one segment at a
/// time (memory stays at one segment whatever the directory holds).
pub struct DirReader {
    paths: VecDeque<PathBuf>,
    current: std::vec::IntoIter<LogRecord>,
    stats: ReadStats,
    unreadable: Vec<(PathBuf, String)>,
}

impl DirReader {
    pub fn open(dir: &Path) -> Result<Self, LogError> {
        let paths = segment_paths(dir).map_err(|source| LogError::Directory {
            dir: dir.to_path_buf(),
            source,
        })?;
        Ok(DirReader {
            paths: paths.into(),
            current: Vec::new().into_iter(),
            stats: ReadStats::default(),
            unreadable: Vec::new(),
        })
    }

    /// What was skipped so far.
    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    /// Segments that could not be read at all, with why.
    pub fn unreadable(&self) -> &[(PathBuf, String)] {
        &self.unreadable
    }
}

impl Iterator for DirReader {
    type Item = LogRecord;

    fn next(&mut self) -> Option<LogRecord> {
        loop {
            if let Some(record) = self.current.next() {
                return Some(record);
            }
            let path = self.paths.pop_front()?;
            match File::open(&path).and_then(|mut f| segment::read_segment(&mut f)) {
                Ok((records, stats)) => {
                    self.stats.add(&stats);
                    self.current = records.into_iter();
                }
                Err(e) => self.unreadable.push((path, e.to_string())),
            }
        }
    }
}
