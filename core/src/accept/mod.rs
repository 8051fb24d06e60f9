//! The push and Accept history: every push that arrived and every Accept
//! or Deny call, kept beside the logs, summed up for the diagnosis, and
//! the policy that makes a log bundle when Accept keeps failing.
//!
//! - [`event`]: what the app reports, and the line each becomes;
//! - [`store`]: `accept_history.ndjson`, bounded and safe from torn writes;
//! - [`summary`]: the facts of the latest episode, the delays, the push
//!   history for a screen;
//! - [`policy`]: when repeated failures make a bundle;
//! - [`retry`]: the retry helper for the app's Accept call (its runner and
//!   reqwest transport under the `probes` feature);
//! - [`report`]: the summary and the push timeline as text for people;
//! - [`History`]: all of it behind one thread-safe handle, whose
//!   [`History::record`] never touches the disk.

pub mod event;
pub mod policy;
pub mod report;
pub mod retry;
pub mod store;
pub mod summary;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

pub use event::{
    AcceptAttempt, AppPresence, AttemptOutcome, ConnectionErrorKind, Decision, HistoryEvent,
    PushArrival, UploadRecord,
};
pub use policy::{BundlePolicy, PolicyState, Trigger};
pub use store::{HistoryFile, HistoryLimits, HistoryReadStats, HISTORY_FILE};
pub use summary::{summarize, timeline, RequestState, RequestStory};

use crate::logs::redact::{RedactionConfig, RedactionCounts, Redactor};

/// Why the history could not be opened or an event was refused.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The history file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// An event or a limit that no phone reports; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// The redaction settings are invalid.
    #[error("redaction: {0}")]
    Redaction(String),
}

/// The history of one app: recorded from any thread, written to disk by
/// whoever calls [`History::flush`] (the agent does, on its own threads).
pub struct History {
    redactor: Redactor,
    limits: HistoryLimits,
    /// Recorded, not yet scrubbed nor written.
    pending: Mutex<Vec<HistoryEvent>>,
    kept: Mutex<Kept>,
}

struct Kept {
    /// Scrubbed, within the limits, in time order.
    events: Vec<HistoryEvent>,
    file: Option<HistoryFile>,
    /// Scrubbed but not yet on disk (a write failed): written first next time.
    unwritten: Vec<HistoryEvent>,
    counts: RedactionCounts,
    last_error: Option<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl History {
    /// Opens the history of `dir` (none keeps it in memory only), reading
    /// what an earlier run left: a torn last line is cut away, a damaged
    /// line skipped, what is over `limits` at `now_ms` let go.
    pub fn open(
        dir: Option<&Path>,
        limits: HistoryLimits,
        redaction: RedactionConfig,
        now_ms: i64,
    ) -> Result<(History, HistoryReadStats), HistoryError> {
        limits.validate().map_err(HistoryError::Invalid)?;
        let redactor =
            Redactor::new(redaction).map_err(|e| HistoryError::Redaction(e.to_string()))?;
        let (file, events, stats) = match dir {
            None => (None, Vec::new(), HistoryReadStats::default()),
            Some(dir) => {
                let (file, events, stats) =
                    HistoryFile::open(dir, limits, now_ms).map_err(|source| HistoryError::Io {
                        path: dir.join(HISTORY_FILE),
                        source,
                    })?;
                (Some(file), events, stats)
            }
        };
        Ok((
            History {
                redactor,
                limits,
                pending: Mutex::new(Vec::new()),
                kept: Mutex::new(Kept {
                    events,
                    file,
                    unwritten: Vec::new(),
                    counts: RedactionCounts::default(),
                    last_error: None,
                }),
            },
            stats,
        ))
    }

    /// Records one event: checked, then queued in memory. Returns true
    /// when the queue was empty, so the caller knows to schedule one
    /// [`History::flush`] (and not one per event).
    pub fn record(&self, event: HistoryEvent) -> Result<bool, HistoryError> {
        event.validate().map_err(HistoryError::Invalid)?;
        let mut pending = lock(&self.pending);
        pending.push(event);
        Ok(pending.len() == 1)
    }

    /// Scrubs what was recorded, adds it to the kept events and appends it
    /// to the file. A failed write keeps the events (in memory, and for the
    /// next flush) and is reported here and by [`History::last_error`].
    pub fn flush(&self, now_ms: i64) -> Result<(), HistoryError> {
        let mut kept = lock(&self.kept);
        let recorded = std::mem::take(&mut *lock(&self.pending));
        if recorded.is_empty() && kept.unwritten.is_empty() {
            return Ok(());
        }
        let Kept {
            events,
            file,
            unwritten,
            counts,
            last_error,
        } = &mut *kept;
        let fresh: Vec<HistoryEvent> = recorded
            .into_iter()
            .map(|event| event.redacted(&self.redactor, counts))
            .collect();
        // The phone's clock may have stepped back: keep time order.
        let in_order = fresh.windows(2).all(|w| w[0].time_ms() <= w[1].time_ms())
            && events
                .last()
                .zip(fresh.first())
                .is_none_or(|(last, first)| last.time_ms() <= first.time_ms());
        events.extend(fresh.iter().cloned());
        if !in_order {
            events.sort_by_key(HistoryEvent::time_ms);
        }
        unwritten.extend(fresh);
        self.limits.apply(events, now_ms);
        let Some(file) = file else {
            unwritten.clear();
            return Ok(());
        };
        match file.append(unwritten, events) {
            Ok(()) => {
                unwritten.clear();
                *last_error = None;
                Ok(())
            }
            Err(source) => {
                // Already among the kept events: only the file lacks them.
                *last_error = Some(source.to_string());
                Err(HistoryError::Io {
                    path: file.path().to_path_buf(),
                    source,
                })
            }
        }
    }

    /// The kept events (scrubbed), oldest first, after a flush.
    pub fn events(&self, now_ms: i64) -> Vec<HistoryEvent> {
        let _ = self.flush(now_ms);
        lock(&self.kept).events.clone()
    }

    /// What scrubbing the recorded events has replaced so far.
    pub fn redaction_counts(&self) -> RedactionCounts {
        lock(&self.kept).counts.clone()
    }

    /// Why the last write failed, while it has not succeeded since.
    pub fn last_error(&self) -> Option<String> {
        lock(&self.kept).last_error.clone()
    }
}
