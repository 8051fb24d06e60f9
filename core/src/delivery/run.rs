//! The runner: sends what the queue holds, one attempt at a time, waits
//! between retries, and acknowledges (removes) only what the server has.

use std::time::{Duration, Instant, SystemTime};

use super::destination::Destination;
use super::queue::{EntryState, QueueError, UploadQueue};
use super::transport::{UploadAnswer, UploadMethod, UploadRequest, UploadTransport};
use super::verdict::{judge, Verdict};
use crate::accept::retry::{full_jitter_between, RandomSource};
use crate::accept::{History, HistoryEvent, UploadRecord};
use crate::model::time::now_ms;

/// How the runner retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// The first retry's ceiling; doubled at each retry (full jitter).
    pub base_delay: Duration,
    /// The largest ceiling.
    pub max_delay: Duration,
    /// How long one attempt may take.
    pub attempt_timeout: Duration,
}

impl Default for DeliveryPolicy {
    /// 2 s doubling to 5 min; 2 min per attempt (a bundle of a few MB on
    /// a slow mobile link).
    fn default() -> Self {
        DeliveryPolicy {
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(300),
            attempt_timeout: Duration::from_secs(120),
        }
    }
}

/// What happened, as it happens: for the app's UI and the CLI's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryEvent {
    /// An attempt starts.
    Sending {
        /// The entry.
        id: String,
        /// 1 for its first attempt.
        try_number: u32,
    },
    /// An attempt failed; the entry waits.
    Retrying {
        /// The entry.
        id: String,
        /// How long before its next attempt.
        after: Duration,
        /// Why the attempt failed.
        reason: String,
    },
    /// The server has the bundle; it left the queue.
    Uploaded(UploadRecord),
    /// The pre-signed URL expired: the app must give a new one.
    Expired {
        /// The entry.
        id: String,
    },
    /// The server refused the bundle.
    Rejected {
        /// The entry.
        id: String,
        /// The HTTP status.
        status: u16,
        /// The server's words.
        reason: String,
    },
}

/// What one run left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Delivered in this run.
    pub delivered: Vec<UploadRecord>,
    /// Entries whose URL expired (in this run or before).
    pub expired: Vec<String>,
    /// Entries the server refused (in this run or before).
    pub rejected: Vec<String>,
    /// Entries still waiting to be sent (the deadline came first).
    pub waiting: Vec<String>,
}

/// Sends the queue's waiting entries until none is left or `deadline`
/// (nothing is started that could not end by then; an entry whose next
/// attempt is after it stays queued). Delivered bundles are removed from
/// the queue, recorded in `history` (when given) and reported to
/// `on_event`. Dropping the future cancels the attempt in flight: the
/// entry stays queued and is sent whole next time.
///
/// Fails only when the queue cannot be written (a full disk): what is on
/// disk is then the state before the failed write.
pub async fn run_queue<T: UploadTransport + ?Sized>(
    queue: &mut UploadQueue,
    transport: &T,
    policy: &DeliveryPolicy,
    random: &mut dyn RandomSource,
    deadline: Instant,
    history: Option<&History>,
    mut on_event: impl FnMut(DeliveryEvent),
) -> Result<RunReport, QueueError> {
    let mut report = RunReport::default();
    while let Some((entry, due_ms)) = queue.next_due() {
        let mut entry = entry.clone();
        let wait = Duration::from_millis(u64::try_from(due_ms - now_ms()).unwrap_or(0));
        if Instant::now() + wait >= deadline {
            break;
        }
        tokio::time::sleep(wait).await;
        let started_ms = now_ms();
        if entry
            .destination
            .expires_at_ms()
            .is_some_and(|end| end <= started_ms)
        {
            // Known expired: not even sent.
            entry.state = EntryState::Expired;
            entry.last_error = Some("the pre-signed URL expired".into());
            let id = entry.id.clone();
            queue.update(entry)?;
            on_event(DeliveryEvent::Expired { id });
            continue;
        }
        let timeout = policy
            .attempt_timeout
            .min(deadline.saturating_duration_since(Instant::now()));
        // Counted before it is made: a crash mid-upload still counts it.
        entry.attempts += 1;
        queue.update(entry.clone())?;
        on_event(DeliveryEvent::Sending {
            id: entry.id.clone(),
            try_number: entry.attempts,
        });
        let (method, headers): (_, &[(String, String)]) = match &entry.destination {
            Destination::Put { .. } => (UploadMethod::Put, &[]),
            Destination::Post { headers, .. } => (UploadMethod::Post, headers),
        };
        let body_path = queue.bundle_path(&entry.id);
        let request = UploadRequest {
            method,
            url: entry.destination.url(),
            headers,
            body_path: &body_path,
            body_len: entry.bytes,
            timeout,
        };
        let answer = tokio::time::timeout(timeout, transport.send(request))
            .await
            .unwrap_or(UploadAnswer::Timeout);
        match judge(&entry.destination, &answer, &entry.md5, SystemTime::now()) {
            Verdict::Delivered { reference } => {
                let record = UploadRecord {
                    upload_id: entry.id.clone(),
                    destination: entry.destination.kind().to_string(),
                    queued_ms: entry.queued_ms,
                    ended_ms: now_ms().max(entry.queued_ms),
                    attempts: entry.attempts,
                    bytes: entry.bytes,
                    reference,
                };
                queue.remove_delivered(&entry.id)?;
                if let Some(history) = history {
                    if let Err(e) = history.record(HistoryEvent::Upload(record.clone())) {
                        log::warn!("upload {} not recorded in the history: {e}", entry.id);
                    }
                }
                on_event(DeliveryEvent::Uploaded(record.clone()));
                report.delivered.push(record);
            }
            Verdict::Retry {
                retry_after,
                reason,
            } => {
                let after = retry_after.unwrap_or_else(|| {
                    full_jitter_between(
                        policy.base_delay,
                        policy.max_delay,
                        entry.attempts - 1,
                        random,
                    )
                });
                let after_ms = i64::try_from(after.as_millis()).unwrap_or(i64::MAX);
                entry.next_attempt_ms = now_ms().saturating_add(after_ms);
                entry.last_error = Some(reason.clone());
                let id = entry.id.clone();
                queue.update(entry)?;
                on_event(DeliveryEvent::Retrying { id, after, reason });
            }
            Verdict::Expired => {
                entry.state = EntryState::Expired;
                entry.last_error = Some("the pre-signed URL expired".into());
                let id = entry.id.clone();
                queue.update(entry)?;
                on_event(DeliveryEvent::Expired { id });
            }
            Verdict::Rejected { status, reason } => {
                entry.state = EntryState::Rejected {
                    status,
                    reason: reason.clone(),
                };
                entry.last_error = Some(format!("HTTP {status}: {reason}"));
                let id = entry.id.clone();
                queue.update(entry)?;
                on_event(DeliveryEvent::Rejected { id, status, reason });
            }
        }
    }
    for entry in queue.entries() {
        let list = match entry.state {
            EntryState::Waiting => &mut report.waiting,
            EntryState::Expired => &mut report.expired,
            EntryState::Rejected { .. } => &mut report.rejected,
        };
        list.push(entry.id.clone());
    }
    Ok(report)
}
