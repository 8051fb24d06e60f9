//! The upload queue on disk: bundles waiting for a network, kept across
//! restarts, each removed only once the server acknowledged it.
//!
//! One directory, owned by one process at a time (the app's, or one
//! `pushdoctor upload`). Per entry, `ID.zip` (a copy of the bundle, so the
//! app may delete its own) and `ID.json` (where it goes, the consent, the
//! attempts so far). `queue.json` counts what was dropped. Every file is
//! replaced whole ([`super::atomic`]); the entry's `.json` is written last
//! and removed first, so it is the entry's commit point: a `.zip` without
//! one is a copy that never finished (removed on open), a `.json` whose
//! `.zip` is gone is reported and dropped.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{self, TEMP_PREFIX};
use super::consent::Consent;
use super::destination::{Destination, DestinationError};
use crate::accept::retry::{RandomSource, XorShift};

/// The format version of an entry's `.json` and of `queue.json`.
pub const QUEUE_FORMAT_VERSION: u32 = 1;
const STATS_FILE: &str = "queue.json";
const MAX_META_BYTES: u64 = 64 * 1024;

/// How much the queue may hold; past it, the oldest entries are dropped
/// first (and counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// The most bundles waiting.
    pub max_entries: usize,
    /// The most bytes of bundles waiting.
    pub max_bytes: u64,
    /// The longest a bundle may wait, in milliseconds.
    pub max_age_ms: i64,
}

impl Default for QueueLimits {
    /// 10 bundles, 100 MiB, 7 days: a week of a phone without a network
    /// is long past the point where the logs help.
    fn default() -> Self {
        QueueLimits {
            max_entries: 10,
            max_bytes: 100 * 1024 * 1024,
            max_age_ms: 7 * 24 * 3600 * 1000,
        }
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting to be sent (again).
    Waiting,
    /// The pre-signed URL expired: waits for the app to give a new one
    /// ([`UploadQueue::replace_destination`]).
    Expired,
    /// The server refused it; kept (until the age cap, or the app removes
    /// it) so nothing is lost silently.
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The server's words, printable and bounded.
        reason: String,
    },
}

/// One bundle in the queue: its `.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedUpload {
    /// The format version ([`QUEUE_FORMAT_VERSION`]).
    pub v: u32,
    /// The entry's id: its files' names.
    pub id: String,
    /// Where it goes.
    pub destination: Destination,
    /// The person's consent.
    pub consent: Consent,
    /// When it was queued (ms since the epoch).
    pub queued_ms: i64,
    /// The bundle's length.
    pub bytes: u64,
    /// The bundle's MD5, hex: what a store's plain ETag must be.
    pub md5: String,
    /// The bundle's own file name, for display.
    pub file_name: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// The earliest time of the next attempt (ms since the epoch).
    pub next_attempt_ms: i64,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Where it stands.
    #[serde(flatten)]
    pub state: EntryState,
}

/// What the queue has dropped over its life (`queue.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStats {
    /// The format version.
    #[serde(default)]
    pub v: u32,
    /// Bundles dropped by the caps (count, oldest first) or because their
    /// files were damaged.
    pub dropped: u64,
    /// Their bytes.
    pub dropped_bytes: u64,
    /// Bundles delivered.
    pub delivered: u64,
}

/// Why the queue could not do what was asked, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The destination is unusable.
    #[error(transparent)]
    Destination(#[from] DestinationError),
    /// A file could not be read or written (a full disk, say).
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        source: io::Error,
    },
    /// The bundle alone is over the queue's byte cap.
    #[error("{path}: {bytes} bytes, over the queue's cap of {cap} bytes")]
    TooLarge {
        /// The bundle.
        path: PathBuf,
        /// Its length.
        bytes: u64,
        /// The cap.
        cap: u64,
    },
    /// No entry has this id.
    #[error("no queued upload `{0}`")]
    NoSuchEntry(String),
}

/// What opening the queue found and repaired.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Temporary files and bundle copies of unfinished enqueues removed.
    pub leftovers_removed: u64,
    /// Entries whose `.json` could not be read (named, with why): left in
    /// place for a person to look at, never sent.
    pub damaged: Vec<(PathBuf, String)>,
    /// Entries dropped by the caps (age, count, bytes) on opening.
    pub dropped: Vec<QueuedUpload>,
}

/// The queue in its directory.
#[derive(Debug)]
pub struct UploadQueue {
    dir: PathBuf,
    limits: QueueLimits,
    entries: Vec<QueuedUpload>,
    stats: QueueStats,
}

impl UploadQueue {
    /// Opens (creating) the queue in `dir`, repairs what a crash left,
    /// and applies the caps at `now_ms`.
    pub fn open(
        dir: &Path,
        limits: QueueLimits,
        now_ms: i64,
    ) -> Result<(Self, OpenReport), QueueError> {
        let io_at = |path: &Path| {
            let path = path.to_path_buf();
            move |source| QueueError::Io { path, source }
        };
        fs::create_dir_all(dir).map_err(io_at(dir))?;
        let mut report = OpenReport::default();
        let mut entries = Vec::new();
        let mut zips = Vec::new();
        for item in fs::read_dir(dir).map_err(io_at(dir))? {
            let item = item.map_err(io_at(dir))?;
            let name = item.file_name().to_string_lossy().into_owned();
            let path = item.path();
            if name.starts_with(TEMP_PREFIX) {
                fs::remove_file(&path).map_err(io_at(&path))?;
                report.leftovers_removed += 1;
            } else if let Some(id) = name.strip_suffix(".zip") {
                zips.push(id.to_string());
            } else if let Some(id) = name.strip_suffix(".json") {
                if name == STATS_FILE {
                    continue;
                }
                match read_entry(&path, id) {
                    Ok(entry) => entries.push(entry),
                    Err(why) => report.damaged.push((path, why)),
                }
            }
        }
        let stats = match fs::read(dir.join(STATS_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => QueueStats::default(),
            Err(e) => return Err(io_at(&dir.join(STATS_FILE))(e)),
        };
        let mut queue = UploadQueue {
            dir: dir.to_path_buf(),
            limits,
            entries: Vec::new(),
            stats,
        };
        // A copy whose entry was never committed: the enqueue did not
        // finish (the caller was told it failed).
        let damaged_ids: Vec<String> = report
            .damaged
            .iter()
            .filter_map(|(p, _)| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        for id in zips {
            if !entries.iter().any(|e| e.id == id) && !damaged_ids.contains(&id) {
                let name = format!("{id}.zip");
                atomic::remove_file(dir, &name).map_err(io_at(&dir.join(&name)))?;
                report.leftovers_removed += 1;
            }
        }
        let mut lost = Vec::new();
        for entry in entries {
            let zip = dir.join(format!("{}.zip", entry.id));
            if zip
                .metadata()
                .map(|m| m.len() == entry.bytes)
                .unwrap_or(false)
            {
                queue.entries.push(entry);
            } else {
                report.damaged.push((
                    zip,
                    format!(
                        "bundle copy of `{}` missing or of the wrong length",
                        entry.id
                    ),
                ));
                lost.push(entry);
            }
        }
        for entry in lost {
            queue.drop_entry(&entry)?;
        }
        queue
            .entries
            .sort_by(|a, b| (a.queued_ms, &a.id).cmp(&(b.queued_ms, &b.id)));
        report.dropped = queue.enforce_caps(now_ms, None)?;
        Ok((queue, report))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[QueuedUpload] {
        &self.entries
    }

    /// One entry.
    pub fn entry(&self, id: &str) -> Option<&QueuedUpload> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// What was dropped and delivered over the queue's life.
    pub fn stats(&self) -> &QueueStats {
        &self.stats
    }

    /// The queued copy of an entry's bundle: the body to send.
    pub fn bundle_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.zip"))
    }

    /// Queues a copy of `bundle` for `destination`, with the person's
    /// consent. Returns the new entry's id and the older entries the caps
    /// dropped to make room (oldest first). On any failure (a full disk)
    /// nothing is queued and the queue is as it was.
    pub fn enqueue(
        &mut self,
        bundle: &Path,
        destination: Destination,
        consent: Consent,
        now_ms: i64,
    ) -> Result<(String, Vec<QueuedUpload>), QueueError> {
        destination.validate()?;
        let bytes = fs::metadata(bundle)
            .map_err(|source| QueueError::Io {
                path: bundle.to_path_buf(),
                source,
            })?
            .len();
        if bytes > self.limits.max_bytes {
            return Err(QueueError::TooLarge {
                path: bundle.to_path_buf(),
                bytes,
                cap: self.limits.max_bytes,
            });
        }
        let id = format!(
            "{:013}-{:08x}",
            now_ms.max(0),
            XorShift::from_entropy().next_u64() as u32
        );
        let zip_name = format!("{id}.zip");
        let (bytes, md5) =
            atomic::copy_file(bundle, &self.dir, &zip_name).map_err(|source| QueueError::Io {
                path: self.dir.join(&zip_name),
                source,
            })?;
        let entry = QueuedUpload {
            v: QUEUE_FORMAT_VERSION,
            id: id.clone(),
            destination,
            consent,
            queued_ms: now_ms,
            bytes,
            md5,
            file_name: bundle
                .file_name()
                .map(|n| crate::printable::printable(&n.to_string_lossy()).into_owned())
                .unwrap_or_default(),
            attempts: 0,
            next_attempt_ms: now_ms,
            last_error: None,
            state: EntryState::Waiting,
        };
        if let Err(e) = self.write_entry(&entry) {
            let _ = atomic::remove_file(&self.dir, &zip_name);
            return Err(e);
        }
        self.entries.push(entry);
        let dropped = self.enforce_caps(now_ms, Some(&id))?;
        Ok((id, dropped))
    }

    /// Saves a changed entry (after an attempt).
    pub fn update(&mut self, entry: QueuedUpload) -> Result<(), QueueError> {
        let at = self
            .entries
            .iter()
            .position(|e| e.id == entry.id)
            .ok_or_else(|| QueueError::NoSuchEntry(entry.id.clone()))?;
        self.write_entry(&entry)?;
        self.entries[at] = entry;
        Ok(())
    }

    /// Gives an entry a new destination (a freshly signed URL for an
    /// expired one): it waits to be sent again, its attempts counted anew.
    pub fn replace_destination(
        &mut self,
        id: &str,
        destination: Destination,
        now_ms: i64,
    ) -> Result<(), QueueError> {
        destination.validate()?;
        let mut entry = self
            .entry(id)
            .cloned()
            .ok_or_else(|| QueueError::NoSuchEntry(id.into()))?;
        entry.destination = destination;
        entry.state = EntryState::Waiting;
        entry.attempts = 0;
        entry.next_attempt_ms = now_ms;
        entry.last_error = None;
        self.update(entry)
    }

    /// Removes a delivered entry: its `.json` first (the commit point),
    /// then its bundle copy.
    pub fn remove_delivered(&mut self, id: &str) -> Result<QueuedUpload, QueueError> {
        let entry = self
            .entry(id)
            .cloned()
            .ok_or_else(|| QueueError::NoSuchEntry(id.into()))?;
        self.stats.delivered += 1;
        self.remove_files(&entry)?;
        self.write_stats()?;
        Ok(entry)
    }

    /// Removes an entry the app no longer wants sent (counted as dropped).
    pub fn cancel(&mut self, id: &str) -> Result<QueuedUpload, QueueError> {
        let entry = self
            .entry(id)
            .cloned()
            .ok_or_else(|| QueueError::NoSuchEntry(id.into()))?;
        self.drop_entry(&entry)?;
        Ok(entry)
    }

    /// The waiting entry to send next (the earliest due, oldest first on
    /// a tie) and when it is due.
    pub fn next_due(&self) -> Option<(&QueuedUpload, i64)> {
        self.entries
            .iter()
            .filter(|e| e.state == EntryState::Waiting)
            .min_by_key(|e| (e.next_attempt_ms, e.queued_ms))
            .map(|e| (e, e.next_attempt_ms))
    }

    /// Drops entries past the age cap, then the oldest until the count
    /// and byte caps hold (never `keep`, the one just queued).
    fn enforce_caps(
        &mut self,
        now_ms: i64,
        keep: Option<&str>,
    ) -> Result<Vec<QueuedUpload>, QueueError> {
        let mut dropped = Vec::new();
        loop {
            let total: u64 = self.entries.iter().map(|e| e.bytes).sum();
            let over =
                self.entries.len() > self.limits.max_entries || total > self.limits.max_bytes;
            let victim = self
                .entries
                .iter()
                .filter(|e| Some(e.id.as_str()) != keep)
                .find(|e| over || now_ms.saturating_sub(e.queued_ms) > self.limits.max_age_ms)
                .cloned();
            let Some(victim) = victim else { break };
            self.drop_entry(&victim)?;
            dropped.push(victim);
        }
        Ok(dropped)
    }

    fn drop_entry(&mut self, entry: &QueuedUpload) -> Result<(), QueueError> {
        self.stats.dropped += 1;
        self.stats.dropped_bytes += entry.bytes;
        self.remove_files(entry)?;
        self.write_stats()
    }

    fn remove_files(&mut self, entry: &QueuedUpload) -> Result<(), QueueError> {
        for name in [format!("{}.json", entry.id), format!("{}.zip", entry.id)] {
            atomic::remove_file(&self.dir, &name).map_err(|source| QueueError::Io {
                path: self.dir.join(&name),
                source,
            })?;
        }
        self.entries.retain(|e| e.id != entry.id);
        Ok(())
    }

    fn write_entry(&self, entry: &QueuedUpload) -> Result<(), QueueError> {
        let name = format!("{}.json", entry.id);
        let bytes = serde_json::to_vec_pretty(entry).expect("an entry always serialises");
        atomic::write_file(&self.dir, &name, &bytes).map_err(|source| QueueError::Io {
            path: self.dir.join(&name),
            source,
        })
    }

    fn write_stats(&mut self) -> Result<(), QueueError> {
        self.stats.v = QUEUE_FORMAT_VERSION;
        let bytes = serde_json::to_vec_pretty(&self.stats).expect("stats always serialise");
        atomic::write_file(&self.dir, STATS_FILE, &bytes).map_err(|source| QueueError::Io {
            path: self.dir.join(STATS_FILE),
            source,
        })
    }
}

/// Reads and checks one entry's `.json`; the error says why it is unusable.
fn read_entry(path: &Path, id: &str) -> Result<QueuedUpload, String> {
    let len = fs::metadata(path).map_err(|e| e.to_string())?.len();
    if len > MAX_META_BYTES {
        return Err(format!("{len} bytes, more than an entry ever is"));
    }
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("v").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(QUEUE_FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "version {v}, this build reads {QUEUE_FORMAT_VERSION}"
            ))
        }
        None => return Err("no version (\"v\")".into()),
    }
    let entry: QueuedUpload = serde_json::from_value(value).map_err(|e| e.to_string())?;
    if entry.id != id || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(format!(
            "id `{}` does not match its file",
            crate::printable::printable(&entry.id)
        ));
    }
    if entry.consent.given_at_ms() < 0 {
        return Err("consent before 1970".into());
    }
    entry.destination.validate().map_err(|e| e.to_string())?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn consent() -> Consent {
        Consent::given_by_person(NOW).unwrap()
    }
    fn dest() -> Destination {
        Destination::Post {
            url: "https://example.com/logs".into(),
            headers: vec![("Authorization".into(), "Bearer t".into())],
        }
    }
    fn bundle(dir: &Path, name: &str, len: usize) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, vec![b'z'; len]).unwrap();
        path
    }

    #[test]
    fn an_entry_survives_reopening_and_goes_only_when_delivered() {
        let src = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let b = bundle(src.path(), "b.zip", 1000);
        let (mut q, _) = UploadQueue::open(dir.path(), QueueLimits::default(), NOW).unwrap();
        let (id, dropped) = q.enqueue(&b, dest(), consent(), NOW).unwrap();
        assert!(dropped.is_empty());
        fs::remove_file(&b).unwrap(); // the app deletes its own copy
        drop(q);
        let (mut q, report) =
            UploadQueue::open(dir.path(), QueueLimits::default(), NOW + 1).unwrap();
        assert_eq!(report, OpenReport::default());
        let entry = q.entry(&id).unwrap().clone();
        assert_eq!((entry.bytes, entry.file_name.as_str()), (1000, "b.zip"));
        assert_eq!(fs::read(q.bundle_path(&id)).unwrap(), vec![b'z'; 1000]);
        q.remove_delivered(&id).unwrap();
        let (q, _) = UploadQueue::open(dir.path(), QueueLimits::default(), NOW + 2).unwrap();
        assert!(q.entries().is_empty());
        assert_eq!(q.stats().delivered, 1);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "only queue.json is left"
        );
    }

    #[test]
    fn the_caps_drop_the_oldest_first_and_count_them() {
        let src = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let limits = QueueLimits {
            max_entries: 2,
            max_bytes: 250,
            max_age_ms: 1000,
        };
        let (mut q, _) = UploadQueue::open(dir.path(), limits, NOW).unwrap();
        let (a, _) = q
            .enqueue(&bundle(src.path(), "a", 100), dest(), consent(), NOW)
            .unwrap();
        let (b, _) = q
            .enqueue(&bundle(src.path(), "b", 100), dest(), consent(), NOW + 1)
            .unwrap();
        let (c, dropped) = q
            .enqueue(&bundle(src.path(), "c", 100), dest(), consent(), NOW + 2)
            .unwrap();
        assert_eq!(dropped.iter().map(|e| &e.id).collect::<Vec<_>>(), [&a]);
        let (_, dropped) = q
            .enqueue(&bundle(src.path(), "d", 200), dest(), consent(), NOW + 3)
            .unwrap();
        assert_eq!(
            dropped.iter().map(|e| &e.id).collect::<Vec<_>>(),
            [&b, &c],
            "bytes cap"
        );
        assert_eq!(q.stats().dropped, 3);
        let too_big = q
            .enqueue(&bundle(src.path(), "e", 251), dest(), consent(), NOW + 4)
            .unwrap_err();
        assert!(
            too_big.to_string().contains("over the queue's cap"),
            "{too_big}"
        );
        drop(q);
        // A week later (past the age cap) the last one goes too, counted.
        let (q, report) = UploadQueue::open(dir.path(), limits, NOW + 10_000).unwrap();
        assert_eq!(report.dropped.len(), 1);
        assert!(q.entries().is_empty());
        assert_eq!(q.stats().dropped, 4);
    }

    #[test]
    fn what_a_crash_leaves_is_repaired_and_damage_is_named() {
        let src = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (mut q, _) = UploadQueue::open(dir.path(), QueueLimits::default(), NOW).unwrap();
        let (id, _) = q
            .enqueue(&bundle(src.path(), "a", 10), dest(), consent(), NOW)
            .unwrap();
        drop(q);
        // A crash during a copy, an uncommitted copy, a damaged entry.
        fs::write(dir.path().join(".tmp-x.zip"), b"half").unwrap();
        fs::write(dir.path().join("0000000000001-deadbeef.zip"), b"orphan").unwrap();
        fs::write(dir.path().join("0000000000002-00000000.json"), b"{\"v\":1,").unwrap();
        let (q, report) = UploadQueue::open(dir.path(), QueueLimits::default(), NOW).unwrap();
        assert_eq!(report.leftovers_removed, 2);
        assert_eq!(report.damaged.len(), 1);
        assert!(
            report.damaged[0].1.starts_with("not JSON"),
            "{:?}",
            report.damaged
        );
        assert_eq!(q.entries().len(), 1);
        assert_eq!(q.entries()[0].id, id);
        // A newer format is not misread.
        let text = fs::read_to_string(dir.path().join(format!("{id}.json"))).unwrap();
        fs::write(
            dir.path().join(format!("{id}.json")),
            text.replace("\"v\": 1", "\"v\": 9"),
        )
        .unwrap();
        let (q, report) = UploadQueue::open(dir.path(), QueueLimits::default(), NOW).unwrap();
        assert!(q.entries().is_empty());
        assert!(
            report
                .damaged
                .iter()
                .any(|(_, why)| why.contains("version 9")),
            "{report:?}"
        );
        assert!(
            dir.path().join(format!("{id}.zip")).exists(),
            "kept for a newer build"
        );
    }

    #[test]
    fn an_expired_entry_waits_for_a_new_url() {
        let src = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (mut q, _) = UploadQueue::open(dir.path(), QueueLimits::default(), NOW).unwrap();
        let (id, _) = q
            .enqueue(&bundle(src.path(), "a", 10), dest(), consent(), NOW)
            .unwrap();
        let mut entry = q.entry(&id).unwrap().clone();
        entry.state = EntryState::Expired;
        entry.attempts = 3;
        q.update(entry).unwrap();
        assert!(q.next_due().is_none());
        let fresh = Destination::Put {
            url: "https://s3.example.com/b/k.zip".into(),
        };
        q.replace_destination(&id, fresh.clone(), NOW + 5).unwrap();
        let (next, due) = q.next_due().unwrap();
        assert_eq!(
            (next.attempts, &next.destination, due),
            (0, &fresh, NOW + 5)
        );
        let bad = q.replace_destination(
            &id,
            Destination::Put {
                url: "http://example.com/k".into(),
            },
            NOW,
        );
        assert!(matches!(bad, Err(QueueError::Destination(_))));
    }
}
