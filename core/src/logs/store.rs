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

use super::merge::ChunkMerge;
use super::record::LogRecord;
use super::segment::{ReadStats, SegmentReader, CHUNK_HEADER, FILE_MAGIC};
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
    /// The last chunk let go of, kept for the next one to be copied into:
    /// a full store then touches no new memory per chunk.
    recycled: Vec<u8>,
}

impl MemoryStore {
    pub(crate) fn new(max_total: u64) -> Self {
        MemoryStore {
            chunks: VecDeque::new(),
            total: 0,
            max_total,
            recycled: Vec::new(),
        }
    }

    fn append(&mut self, chunk: &[u8]) {
        self.total += chunk.len() as u64;
        let mut kept = std::mem::take(&mut self.recycled);
        kept.clear();
        kept.extend_from_slice(chunk);
        self.chunks.push_back(kept);
        while self.total > self.max_total && self.chunks.len() > 1 {
            let oldest = self.chunks.pop_front().expect("more than one chunk");
            self.total -= oldest.len() as u64;
            self.recycled = oldest;
        }
    }
}

/// How many bytes of chunk payloads [`DirReader::open`] merges at once.
pub const DEFAULT_MERGE_WINDOW: u64 = 16 * 1024 * 1024;

/// Reads the records of a log directory, oldest first.
///
/// Memory is bounded by the merge window, whatever the directory holds:
/// segments are read chunk by chunk (memory holds about one chunk while
/// reading, [`SegmentReader`]), and the good chunks' payloads are held, up
/// to the window's size, for a k-way merge by time. A directory within the
/// window (a capture's own, which its cap keeps smaller) comes out wholly
/// in time order; a larger one window by window, in segment order, each
/// window in time order.
pub struct DirReader {
    paths: VecDeque<PathBuf>,
    /// The segment a full window stopped in.
    current: Option<(PathBuf, SegmentReader<File>)>,
    merge: ChunkMerge,
    window: u64,
    /// What the segments read whole skipped.
    stats: ReadStats,
    unreadable: Vec<(PathBuf, String)>,
}

impl DirReader {
    /// Reads `dir` with a merge window of [`DEFAULT_MERGE_WINDOW`].
    pub fn open(dir: &Path) -> Result<Self, LogError> {
        Self::with_window(dir, DEFAULT_MERGE_WINDOW)
    }

    /// Reads `dir`, merging up to `window` bytes of chunk payloads at once.
    pub fn with_window(dir: &Path, window: u64) -> Result<Self, LogError> {
        let paths = segment_paths(dir).map_err(|source| LogError::Directory {
            dir: dir.to_path_buf(),
            source,
        })?;
        Ok(DirReader {
            paths: paths.into(),
            current: None,
            merge: ChunkMerge::default(),
            window: window.max(1),
            stats: ReadStats::default(),
            unreadable: Vec::new(),
        })
    }

    /// The records of a memory store, merged the same way (the store is
    /// capped, so they are one window).
    pub(crate) fn of_memory(store: &MemoryStore) -> Self {
        let mut merge = ChunkMerge::default();
        for chunk in &store.chunks {
            merge.push(&chunk[CHUNK_HEADER..]);
        }
        DirReader {
            paths: VecDeque::new(),
            current: None,
            merge,
            window: u64::MAX,
            stats: ReadStats::default(),
            unreadable: Vec::new(),
        }
    }

    /// What was read and skipped so far.
    pub fn stats(&self) -> ReadStats {
        let mut stats = self.stats;
        if let Some((_, segment)) = &self.current {
            stats.add(&segment.stats());
        }
        stats.add(&self.merge.stats());
        stats
    }

    /// Segments that could not be read at all, or not to their end, with why.
    pub fn unreadable(&self) -> &[(PathBuf, String)] {
        &self.unreadable
    }

    /// Fills the merge with the next window of chunks; false when no
    /// segment is left.
    fn load(&mut self) -> bool {
        self.merge.clear();
        while (self.merge.held() as u64) < self.window {
            let (path, mut segment) = match self.current.take() {
                Some(current) => current,
                None => {
                    let Some(path) = self.paths.pop_front() else {
                        break;
                    };
                    let opened =
                        File::open(&path).and_then(|file| Ok((file.metadata()?.len(), file)));
                    match opened {
                        Ok((len, file)) => (path, SegmentReader::with_len(file, len)),
                        Err(e) => {
                            self.unreadable.push((path, e.to_string()));
                            continue;
                        }
                    }
                }
            };
            while (self.merge.held() as u64) < self.window {
                match segment.next_payload() {
                    Some(payload) => self.merge.push(payload),
                    None => break,
                }
            }
            if (self.merge.held() as u64) >= self.window {
                self.current = Some((path, segment));
                break;
            }
            self.stats.add(&segment.stats());
            if let Some(e) = segment.error() {
                self.unreadable.push((path, e.to_string()));
            }
        }
        !self.merge.is_empty() || self.current.is_some() || !self.paths.is_empty()
    }
}

impl Iterator for DirReader {
    type Item = LogRecord;

    fn next(&mut self) -> Option<LogRecord> {
        loop {
            if let Some(record) = self.merge.pop() {
                return Some(record);
            }
            if !self.load() {
                return None;
            }
        }
    }
}
