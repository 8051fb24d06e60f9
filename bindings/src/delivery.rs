//! Getting a bundle to the developer from the app (`docs/delivery.md`):
//! the person's consent, where the bundle goes, the upload queue's state,
//! and its events. The queue and every decision are the core's
//! (`pushdoctor_core::delivery`); this adapts them.
//!
//! The queue lives in `<log_directory>/upload_queue`; an agent without a
//! log directory cannot queue (the bundle would not survive a restart).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pushdoctor_core::accept::retry::XorShift;
use pushdoctor_core::accept::HistoryEvent;
use pushdoctor_core::delivery::{
    self as core, run_queue, DeliveryEvent, DeliveryPolicy, HttpUploadTransport, QueueError,
    QueueLimits, UploadQueue,
};
use pushdoctor_core::model::time::now_ms;
use pushdoctor_core::probes::config::TrustRoots;

use crate::agent::{AgentError, ListenerError, PushDoctorAgent};

/// The queue's directory under the log directory.
pub const UPLOAD_QUEUE_DIRECTORY: &str = "upload_queue";

/// The person's consent to send one bundle. Made only by
/// [`UploadConsent::given_by_person`], with the time they said yes:
/// there is no default.
#[derive(Debug, uniffi::Object)]
pub struct UploadConsent(core::Consent);

#[uniffi::export]
impl UploadConsent {
    /// The person consented at `given_at_ms` (milliseconds since the
    /// epoch), having been able to see what the bundle holds
    /// (`bundlePreview`). `InvalidArgument` for a time before 1970.
    #[uniffi::constructor]
    pub fn given_by_person(given_at_ms: i64) -> Result<Arc<Self>, AgentError> {
        core::Consent::given_by_person(given_at_ms)
            .map(|c| Arc::new(UploadConsent(c)))
            .map_err(invalid)
    }

    /// When the person consented.
    pub fn given_at_ms(&self) -> i64 {
        self.0.given_at_ms()
    }
}

/// One header of a POST.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UploadHeader {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

/// Where a bundle goes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UploadDestination {
    /// A pre-signed `PUT` URL from the app's backend.
    Put {
        /// The URL: `https` (plain `http` only to loopback).
        url: String,
    },
    /// A `POST` to the app's endpoint with its headers.
    Post {
        /// The endpoint: `https` (plain `http` only to loopback).
        url: String,
        /// The app's headers, in order.
        headers: Vec<UploadHeader>,
    },
}

impl UploadDestination {
    fn to_core(&self) -> core::Destination {
        match self {
            UploadDestination::Put { url } => core::Destination::Put { url: url.clone() },
            UploadDestination::Post { url, headers } => core::Destination::Post {
                url: url.clone(),
                headers: headers
                    .iter()
                    .map(|h| (h.name.clone(), h.value.clone()))
                    .collect(),
            },
        }
    }
}

/// Where a queued bundle stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UploadState {
    /// Waiting to be sent (again).
    Waiting,
    /// The pre-signed URL expired: give a new one
    /// (`replaceUploadDestination`).
    Expired,
    /// The server refused it; kept until removed (`cancelUpload`) or too old.
    Rejected {
        /// The HTTP status.
        status: i32,
        /// The server's words.
        reason: String,
    },
}

/// One bundle in the queue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QueuedUploadItem {
    /// The queue's id for it.
    pub id: String,
    /// The bundle's file name.
    pub file_name: String,
    /// Its length.
    pub bytes: i64,
    /// `put` or `post`.
    pub destination: String,
    /// When it was queued (ms since the epoch).
    pub queued_ms: i64,
    /// When the person consented.
    pub consented_ms: i64,
    /// Attempts so far.
    pub attempts: i32,
    /// Where it stands.
    pub state: UploadState,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// The queue: its bundles, oldest first, and what it dropped and
/// delivered over its life.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UploadQueueState {
    /// The bundles queued.
    pub entries: Vec<QueuedUploadItem>,
    /// Bundles dropped by the caps (oldest first) or damage.
    pub dropped: i64,
    /// Bundles delivered.
    pub delivered: i64,
}

/// What happened to a queued bundle, as it happens.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum UploadEvent {
    /// The server has it (it left the queue).
    Uploaded {
        /// The queue's id.
        id: String,
        /// What the person quotes to support.
        reference: String,
        /// The attempts it took.
        attempts: i32,
    },
    /// An attempt failed; it is retried after `after_ms`.
    Retrying {
        /// The queue's id.
        id: String,
        /// The wait before the next attempt.
        after_ms: i64,
        /// Why.
        reason: String,
    },
    /// The pre-signed URL expired: the app signs a new one.
    Expired {
        /// The queue's id.
        id: String,
    },
    /// The server refused it.
    Failed {
        /// The queue's id.
        id: String,
        /// The HTTP status.
        status: i32,
        /// The server's words.
        reason: String,
    },
}

/// Told each upload event; implemented in Kotlin or Swift.
#[uniffi::export(foreign)]
pub trait UploadListener: Send + Sync {
    /// Called on the agent's thread: return quickly.
    fn on_upload(&self, event: UploadEvent) -> Result<(), ListenerError>;
}

/// How a run of the queue ended.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UploadOutcome {
    /// The queue's id of the bundle just queued (empty when resuming).
    pub id: String,
    /// Its reference, when it was delivered in this run.
    pub reference: Option<String>,
    /// The queue after the run.
    pub queue: UploadQueueState,
}

fn invalid(e: impl std::fmt::Display) -> AgentError {
    AgentError::InvalidArgument {
        reason: e.to_string(),
    }
}

fn queue_error(e: QueueError) -> AgentError {
    match e {
        QueueError::Destination(_) | QueueError::TooLarge { .. } | QueueError::NoSuchEntry(_) => {
            invalid(e)
        }
        QueueError::Io { .. } => AgentError::Io {
            reason: e.to_string(),
        },
    }
}

fn state_of(queue: &UploadQueue) -> UploadQueueState {
    let long = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    UploadQueueState {
        entries: queue
            .entries()
            .iter()
            .map(|e| QueuedUploadItem {
                id: e.id.clone(),
                file_name: e.file_name.clone(),
                bytes: long(e.bytes),
                destination: e.destination.kind().to_string(),
                queued_ms: e.queued_ms,
                consented_ms: e.consent.given_at_ms(),
                attempts: i32::try_from(e.attempts).unwrap_or(i32::MAX),
                state: match &e.state {
                    core::EntryState::Waiting => UploadState::Waiting,
                    core::EntryState::Expired => UploadState::Expired,
                    core::EntryState::Rejected { status, reason } => UploadState::Rejected {
                        status: i32::from(*status),
                        reason: reason.clone(),
                    },
                },
                last_error: e.last_error.clone(),
            })
            .collect(),
        dropped: long(queue.stats().dropped),
        delivered: long(queue.stats().delivered),
    }
}

/// The core's event as the app hears it (`Sending` is not told).
fn upload_event(event: DeliveryEvent) -> Option<UploadEvent> {
    {
        Some(match event {
            DeliveryEvent::Sending { .. } => return None,
            DeliveryEvent::Retrying { id, after, reason } => UploadEvent::Retrying {
                id,
                after_ms: i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
                reason,
            },
            DeliveryEvent::Uploaded(record) => UploadEvent::Uploaded {
                id: record.upload_id,
                reference: record.reference,
                attempts: i32::try_from(record.attempts).unwrap_or(i32::MAX),
            },
            DeliveryEvent::Expired { id } => UploadEvent::Expired { id },
            DeliveryEvent::Rejected { id, status, reason } => UploadEvent::Failed {
                id,
                status: i32::from(status),
                reason,
            },
        })
    }
}

#[uniffi::export]
impl PushDoctorAgent {
    /// Queues the bundle at `path` for `destination` with the person's
    /// `consent`, then sends what the queue holds for at most
    /// `deadline_ms` (default 60 s: what a platform's background time
    /// allows; what is not delivered by then stays queued for
    /// `resumeUploads`). `listener` hears each event. Cancelling the call
    /// (the coroutine or the Swift task) stops the upload in flight; the
    /// bundle stays queued and is sent whole next time. The delivery is
    /// recorded in the history.
    ///
    /// `InvalidArgument` for a destination that cannot be used (an `http`
    /// URL not on loopback, a bad header), a bundle over the queue's cap,
    /// or an agent without a log directory; `Io` when the queue cannot be
    /// written (a full disk: nothing is queued then).
    #[uniffi::method(default(listener = None, deadline_ms = None))]
    pub async fn upload_bundle(
        self: Arc<Self>,
        path: String,
        destination: UploadDestination,
        consent: Arc<UploadConsent>,
        listener: Option<Arc<dyn UploadListener>>,
        deadline_ms: Option<i64>,
    ) -> Result<UploadOutcome, AgentError> {
        let destination = destination.to_core();
        destination.validate().map_err(invalid)?;
        let consent = consent.0;
        self.run_uploads(
            Some((PathBuf::from(path), destination, consent)),
            listener,
            deadline_ms,
        )
        .await
    }

    /// Sends what the queue holds (after a restart, or when the network
    /// is back), as `uploadBundle` does, for at most `deadline_ms`.
    #[uniffi::method(default(listener = None, deadline_ms = None))]
    pub async fn resume_uploads(
        self: Arc<Self>,
        listener: Option<Arc<dyn UploadListener>>,
        deadline_ms: Option<i64>,
    ) -> Result<UploadOutcome, AgentError> {
        self.run_uploads(None, listener, deadline_ms).await
    }

    /// The queue as it is on disk.
    pub async fn upload_queue_state(self: Arc<Self>) -> Result<UploadQueueState, AgentError> {
        let dir = self.upload_queue_dir()?;
        let lock = self.uploads_lock();
        let _held = lock.lock().await;
        self.on_runtime_blocking(move || {
            let (queue, _) =
                UploadQueue::open(&dir, QueueLimits::default(), now_ms()).map_err(queue_error)?;
            Ok(state_of(&queue))
        })
        .await
    }

    /// Gives a queued bundle a new destination (a freshly signed URL for
    /// an expired one); it is sent by the next `resumeUploads`.
    pub async fn replace_upload_destination(
        self: Arc<Self>,
        id: String,
        destination: UploadDestination,
    ) -> Result<UploadQueueState, AgentError> {
        let dir = self.upload_queue_dir()?;
        let destination = destination.to_core();
        let lock = self.uploads_lock();
        let _held = lock.lock().await;
        self.on_runtime_blocking(move || {
            let (mut queue, _) =
                UploadQueue::open(&dir, QueueLimits::default(), now_ms()).map_err(queue_error)?;
            queue
                .replace_destination(&id, destination, now_ms())
                .map_err(queue_error)?;
            Ok(state_of(&queue))
        })
        .await
    }

    /// Removes a queued bundle the person or the app no longer wants sent.
    pub async fn cancel_upload(
        self: Arc<Self>,
        id: String,
    ) -> Result<UploadQueueState, AgentError> {
        let dir = self.upload_queue_dir()?;
        let lock = self.uploads_lock();
        let _held = lock.lock().await;
        self.on_runtime_blocking(move || {
            let (mut queue, _) =
                UploadQueue::open(&dir, QueueLimits::default(), now_ms()).map_err(queue_error)?;
            queue.cancel(&id).map_err(queue_error)?;
            Ok(state_of(&queue))
        })
        .await
    }
}

impl PushDoctorAgent {
    fn upload_queue_dir(&self) -> Result<PathBuf, AgentError> {
        self.check_open()?;
        self.log_directory()
            .map(|d| d.join(UPLOAD_QUEUE_DIRECTORY))
            .ok_or_else(|| {
                invalid(
                    "the agent has no log directory: a queued bundle would not survive a restart",
                )
            })
    }

    /// One run of the queue at a time per agent: queuing and sending on
    /// the agent's runtime, each delivery into the history.
    async fn run_uploads(
        self: Arc<Self>,
        new: Option<(PathBuf, core::Destination, core::Consent)>,
        listener: Option<Arc<dyn UploadListener>>,
        deadline_ms: Option<i64>,
    ) -> Result<UploadOutcome, AgentError> {
        let dir = self.upload_queue_dir()?;
        let budget = match deadline_ms {
            None => Duration::from_secs(60),
            Some(ms) if ms > 0 => Duration::from_millis(ms as u64),
            Some(ms) => return Err(invalid(format!("deadline_ms {ms} is not positive"))),
        };
        let transport = HttpUploadTransport::new(&TrustRoots::default()).map_err(invalid)?;
        let agent = Arc::clone(&self);
        self.on_runtime(async move {
            let lock = agent.uploads_lock();
            let _held = lock.lock().await;
            let deadline = Instant::now() + budget;
            // Opening the queue and copying the bundle into it (with its
            // MD5 and the syncs) on a blocking thread, not the runtime's.
            let (mut queue, id) = tokio::task::spawn_blocking(move || {
                let (mut queue, _) = UploadQueue::open(&dir, QueueLimits::default(), now_ms())
                    .map_err(queue_error)?;
                let mut id = String::new();
                if let Some((path, destination, consent)) = new {
                    id = queue
                        .enqueue(&path, destination, consent, now_ms())
                        .map_err(queue_error)?
                        .0;
                }
                Ok::<_, AgentError>((queue, id))
            })
            .await??;
            let mut random = XorShift::from_entropy();
            let tell = |event: DeliveryEvent| {
                if let DeliveryEvent::Uploaded(record) = &event {
                    if let Err(e) = agent.record_history(HistoryEvent::Upload(record.clone())) {
                        log::warn!(target: "pushdoctor::delivery", "an upload was not recorded: {e}");
                    }
                }
                if let (Some(listener), Some(event)) = (&listener, upload_event(event)) {
                    if let Err(e) = listener.on_upload(event) {
                        log::warn!(target: "pushdoctor::delivery", "an upload listener {e}");
                    }
                }
            };
            let report = run_queue(
                &mut queue,
                &transport,
                &DeliveryPolicy::default(),
                &mut random,
                deadline,
                None,
                tell,
            )
            .await
            .map_err(queue_error)?;
            let reference = report
                .delivered
                .iter()
                .find(|r| r.upload_id == id)
                .map(|r| r.reference.clone());
            Ok(UploadOutcome {
                id,
                reference,
                queue: state_of(&queue),
            })
        })
        .await
    }
}
