//! The agent: the one object an app keeps for its lifetime.
//!
//! It owns the log capture and the platform probe, and borrows the
//! process's runtime (threads named `pushdoctor-agent`, set up once:
//! [`crate::process`]). Every call that touches disk or the platform runs
//! on that runtime, so the caller's thread (the UI thread included) never
//! waits on either; a panic inside becomes an error for that call, and
//! shutting the agent down ends its calls still running. New abilities are added as new methods; existing ones keep
//! their shape.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pushdoctor_core::accept::{self, History, HistoryEvent, HistoryLimits, PolicyState, Trigger};
use pushdoctor_core::bundle::{BundleOptions, BundleReason as CoreBundleReason, BundleWriter};
use pushdoctor_core::logs::{Capture, CaptureConfig, LogRecord, Origin};
use pushdoctor_core::{Answers, DeviceSnapshot, Diagnosis, Options, Platform as CorePlatform};

use pushdoctor_core::engine::probe_summary::ProbeSummary;
use pushdoctor_core::probes::Prober;

pub use crate::errors::AgentError;
use crate::errors::{deadline_ms, non_negative};
use crate::history::{AttemptEvent, AutoBundleConfig, HistoryConfig, PushEvent, RequestStoryItem};
use crate::ids::{
    Answer, BundleReason, Escalation, LogLevel, MfaReportStatus, Platform, ProbeName, ProgressStep,
    RowId, ScenarioId, SettingsTarget,
};
pub use crate::items::ActionItem;
use crate::network::{NetworkCheckConfig, NetworkCheckReport};
use crate::platform::{bounded_line, gather, PlatformProbe, ProbeIssue};
pub use crate::report::{
    CandidateItem, ChoiceItem, DiagnosisReport, EvidenceItem, OutcomeItem, QuestionItem,
    ReasonItem, StepItem,
};
use crate::task::Task;

/// How the agent is set up.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AgentConfig {
    /// The phone's operating system.
    pub platform: Platform,
    /// Where captured logs persist; none keeps them in memory.
    #[uniffi(default = None)]
    pub log_directory: Option<String>,
    /// Cap on persisted logs, in bytes, not negative (default 4 MiB).
    #[uniffi(default = None)]
    pub max_log_bytes: Option<i64>,
    /// Deadline for each platform callback, in milliseconds, above zero
    /// (default 400).
    #[uniffi(default = None)]
    pub callback_timeout_ms: Option<i64>,
    /// The least level captured: records below it (from the app and from
    /// Rust) are dropped (default `Debug`; `Trace` keeps everything).
    #[uniffi(default = None)]
    pub min_log_level: Option<LogLevel>,
    /// Also send records to logcat / os_log (default true).
    #[uniffi(default = None)]
    pub echo_to_platform_log: Option<bool>,
    /// The active network probes (`docs/network.md`): set, and every
    /// diagnosis probes the MFA service, the push service, a captive
    /// portal and the clock; `null` leaves them out.
    #[uniffi(default = None)]
    pub network: Option<NetworkCheckConfig>,
    /// How much push and Accept history is kept (`docs/history.md`);
    /// `null` keeps the defaults (500 events, 30 days).
    #[uniffi(default = None)]
    pub history: Option<HistoryConfig>,
    /// The log bundle made by itself when Accept keeps failing
    /// (`docs/history.md`); `null`: on, with the defaults, when
    /// `log_directory` is set (bundles in `<log_directory>/bundles`), off
    /// otherwise.
    #[uniffi(default = None)]
    pub auto_bundle: Option<AutoBundleConfig>,
}

/// What the app observed about the login request (the snapshot's
/// `observations`), plus the admin's MFA Report status if known.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct AppObservations {
    /// A push for the login request arrived on the device.
    #[uniffi(default = None)]
    pub push_received: Option<bool>,
    /// The person tapped Accept or Deny.
    #[uniffi(default = None)]
    pub accept_tapped: Option<bool>,
    /// Tapping Accept (or Deny) got the service's confirmation.
    #[uniffi(default = None)]
    pub accept_responded: Option<bool>,
    /// How many times the push was resent (the login retried) after Accept failed.
    /// Not negative.
    #[uniffi(default = None)]
    pub retry_count: Option<i32>,
    /// A later attempt worked.
    #[uniffi(default = None)]
    pub retry_succeeded: Option<bool>,
    /// The MFA step completed.
    #[uniffi(default = None)]
    pub mfa_completed: Option<bool>,
    /// The request shows inside the Authenticator app.
    #[uniffi(default = None)]
    pub request_visible_in_app: Option<bool>,
    /// The request is listed under Pending.
    #[uniffi(default = None)]
    pub request_in_pending_tab: Option<bool>,
    /// The request showed up after refreshing the Pending tab.
    #[uniffi(default = None)]
    pub request_visible_after_refresh: Option<bool>,
    /// The push arrived once the settings were fixed.
    #[uniffi(default = None)]
    pub push_arrived_after_fixes: Option<bool>,
    /// The account was already reconfigured in the app, and the issue persists.
    #[uniffi(default = None)]
    pub account_reconfigured: Option<bool>,
    /// The status the admin's MFA Report shows for the request.
    #[uniffi(default = None)]
    pub mfa_report_status: Option<MfaReportStatus>,
}

/// One log record from Kotlin or Swift.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogEntry {
    /// How much it matters.
    pub level: LogLevel,
    /// The Android tag, or the Apple subsystem or category.
    pub tag: String,
    /// The text; scrubbed before it is stored.
    pub message: String,
    /// Milliseconds since the Unix epoch, UTC; none means now.
    #[uniffi(default = None)]
    pub timestamp_ms: Option<i64>,
    /// The logging thread's name, when the app knows it.
    #[uniffi(default = None)]
    pub thread: Option<String>,
    /// Structured key-values, in the order given; none by default.
    #[uniffi(default = [])]
    pub fields: Vec<LogField>,
}

/// One structured key-value of a [`LogEntry`] (a record, since uniffi has
/// no tuples).
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogField {
    /// The key.
    pub key: String,
    /// The value, scrubbed like the message.
    pub value: String,
}

/// Something the agent did that the app may want to know, whenever it
/// happens (not only in answer to a call).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AgentEvent {
    /// A diagnosis ended: its problem (`scenario`), where the flow leads
    /// (`destination`), and its escalation.
    DiagnosisFinished {
        /// The problem the evidence points to, if any.
        scenario: Option<ScenarioId>,
        /// Where the flow leads, if anywhere yet.
        destination: Option<ScenarioId>,
        /// How far up the support ladder it goes.
        escalation: Escalation,
    },
    /// A bundle was written.
    BundleBuilt {
        /// Where.
        path: String,
        /// Its size on disk, in bytes.
        bytes: i64,
    },
    /// Accept failed again and again, so the agent built a log bundle by
    /// itself (reason `repeated_accept_failures`, once per episode): offer
    /// "Send logs to the developer". Nothing has left the phone;
    /// `bundlePreview(path)` says what it holds.
    AutomaticBundleBuilt {
        /// Where.
        path: String,
        /// Its size on disk, in bytes.
        bytes: i64,
        /// The failed attempts that made it.
        failures: i32,
        /// The first of them ended then (ms since the epoch).
        first_failure_ms: i64,
        /// The last of them ended then.
        last_failure_ms: i64,
    },
    /// The automatic bundle could not be built (a full disk, say).
    AutomaticBundleFailed {
        /// Why.
        reason: String,
    },
    /// Captured logs could not be written (a full disk, say).
    LogWriteFailed {
        /// The last write error.
        reason: String,
    },
    /// A platform fact could not be had.
    PlatformFactUnknown {
        /// The [`crate::platform::PlatformProbe`] method.
        probe: ProbeName,
        /// Why: what it threw, or that it ran out of time.
        reason: String,
    },
}

/// Why a listener failed: what its Kotlin or Swift code threw. The agent
/// logs it and goes on; a listener can never end a run.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ListenerError {
    /// The listener threw.
    #[error("threw {reason}")]
    Unexpected {
        /// What it threw, on one bounded line.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ListenerError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ListenerError::Unexpected {
            reason: bounded_line(&e.reason),
        }
    }
}

/// Receives [`AgentEvent`]s; implemented in Kotlin or Swift. (The `Result`
/// is how a throw in the app's code reaches the agent as a value: without
/// it, uniffi turns the throw into a panic.)
#[uniffi::export(foreign)]
pub trait EventListener: Send + Sync {
    /// Called once per event, on the agent's thread: return quickly.
    fn on_event(&self, event: AgentEvent) -> Result<(), ListenerError>;
}

/// Streams which check is running, for a progress indicator.
#[uniffi::export(foreign)]
pub trait ProgressListener: Send + Sync {
    /// `step` is starting (or, for `Done`, all is over); `done` of `total`
    /// steps are finished.
    fn on_progress(&self, step: ProgressStep, done: i32, total: i32) -> Result<(), ListenerError>;
}

struct State {
    snapshot: Option<DeviceSnapshot>,
    answers: Answers,
    /// The latest diagnosis: of `snapshot` with `answers`. Every bundle
    /// carries this one, so a bundle made after a guided walk keeps the
    /// person's answers.
    diagnosis: Option<Diagnosis>,
}

/// The automatic bundle: where it goes and the policy's memory.
struct AutoBundle {
    directory: PathBuf,
    keep: usize,
    policy: Mutex<PolicyState>,
}

/// Push Doctor inside an app: kept for the app's lifetime, it captures
/// the app's logs, gathers the phone's facts through the app's
/// [`PlatformProbe`], runs the diagnosis and builds bundles.
#[derive(uniffi::Object)]
pub struct PushDoctorAgent {
    runtime: crate::task::AgentRuntime,
    probe: Arc<dyn PlatformProbe>,
    /// The network probes, when configured: one HTTP client for the
    /// agent's lifetime.
    prober: Option<Arc<Prober>>,
    capture: Arc<Capture>,
    /// The push and Accept history, kept beside the logs.
    history: Arc<History>,
    /// When repeated Accept failures make a bundle; none when off.
    auto_bundle: Option<Arc<AutoBundle>>,
    platform: CorePlatform,
    callback_timeout: Duration,
    state: Arc<Mutex<State>>,
    listeners: Arc<Listeners>,
    next_subscription: AtomicU64,
    closed: AtomicBool,
    /// One run of the upload queue at a time (`delivery.rs`): the queue's
    /// directory has one owner.
    uploads: Arc<tokio::sync::Mutex<()>>,
}

/// The event listeners, each with its subscription's id.
type Listeners = Mutex<Vec<(u64, Arc<dyn EventListener>)>>;

/// One [`EventListener`]'s subscription, from
/// [`PushDoctorAgent::subscribe`]: cancelling or dropping it (a Kotlin
/// `close()`, the garbage collector, a Swift `deinit`) ends it.
#[derive(uniffi::Object)]
pub struct Subscription {
    listeners: std::sync::Weak<Listeners>,
    id: u64,
}

#[uniffi::export]
impl Subscription {
    /// Ends the subscription: its listener is told nothing more. A
    /// second call does nothing.
    pub fn cancel(&self) {
        if let Some(listeners) = self.listeners.upgrade() {
            listeners
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(id, _)| *id != self.id);
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Sets its flag when dropped: how a cancelled task tells the blocking
/// work it started to stop.
#[derive(Default)]
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Tells every listener, on the agent's runtime thread; one that throws is
/// logged and the others are still told.
fn emit(listeners: &Listeners, event: AgentEvent) {
    let listeners = listeners.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for (_, listener) in listeners {
        if let Err(e) = listener.on_event(event.clone()) {
            log::warn!(target: "pushdoctor::agent", "an event listener {e}");
        }
    }
}

/// Tells the progress listener, if any; one that throws is logged, and the
/// run goes on.
fn progress(
    listener: &Option<Arc<dyn ProgressListener>>,
    step: ProgressStep,
    done: i32,
    total: i32,
) {
    if let Some(listener) = listener {
        if let Err(e) = listener.on_progress(step, done, total) {
            log::warn!(target: "pushdoctor::agent", "a progress listener {e}");
        }
    }
}

impl PushDoctorAgent {
    /// The log directory, when the agent has one.
    pub(crate) fn log_directory(&self) -> Option<PathBuf> {
        self.capture.config().directory.clone()
    }

    /// The upload queue's lock (`delivery.rs`).
    pub(crate) fn uploads_lock(&self) -> Arc<tokio::sync::Mutex<()>> {
        Arc::clone(&self.uploads)
    }

    /// `Closed` once the agent is shut down.
    pub(crate) fn check_open(&self) -> Result<(), AgentError> {
        if self.closed.load(Ordering::Acquire) {
            Err(AgentError::Closed)
        } else {
            Ok(())
        }
    }

    /// Runs `work` on the agent's runtime and waits for it there, so the
    /// caller's executor never runs it; a panic becomes an error.
    pub(crate) async fn on_runtime<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = Result<T, AgentError>> + Send + 'static,
    ) -> Result<T, AgentError> {
        let runtime = self.runtime.handle().ok_or(AgentError::Closed)?;
        let stopped = self.runtime.stopped();
        // The caller cancelling drops the task, and so the work; the
        // agent shutting down ends it too.
        let raced = async move {
            tokio::select! {
                result = work => result,
                () = stopped => Err(AgentError::Closed),
            }
        };
        match Task::spawn_on(&runtime, raced).await {
            Ok(result) => result,
            // `shutdown` stopped the runtime under it.
            Err(e) if !e.is_panic() && self.closed.load(Ordering::Acquire) => {
                Err(AgentError::Closed)
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[uniffi::export]
impl PushDoctorAgent {
    /// Starts an agent: its threads and its log capture (into
    /// `log_directory` when given). Fails on a setting the core refuses.
    #[uniffi::constructor]
    pub fn new(
        config: AgentConfig,
        probe: Arc<dyn PlatformProbe>,
    ) -> Result<Arc<Self>, AgentError> {
        let platform = CorePlatform::from(config.platform);
        let max_total_bytes = match config.max_log_bytes {
            None => 4 * 1024 * 1024,
            Some(bytes) => non_negative("AgentConfig.max_log_bytes", bytes)?,
        };
        let callback_timeout = match config.callback_timeout_ms {
            None => Duration::from_millis(400),
            Some(ms) => deadline_ms("AgentConfig.callback_timeout_ms", ms)?,
        };
        let prober = config
            .network
            .as_ref()
            .map(|network| Ok::<_, AgentError>(Prober::new(network.to_core(platform)?)?))
            .transpose()?
            .map(Arc::new);
        let process = crate::process::Process::get()?;
        let capture = Capture::start(CaptureConfig {
            directory: config.log_directory.map(PathBuf::from),
            max_total_bytes,
            platform_sink: config.echo_to_platform_log.unwrap_or(true),
            min_level: config
                .min_log_level
                .map_or(CaptureConfig::default().min_level, Into::into),
            ..CaptureConfig::default()
        })?;
        let limits = match &config.history {
            None => HistoryLimits::default(),
            Some(history) => history.to_core()?,
        };
        let (history, read) = History::open(
            capture.config().directory.as_deref(),
            limits,
            pushdoctor_core::logs::redact::RedactionConfig::default(),
            pushdoctor_core::model::time::now_ms(),
        )?;
        if read.skipped_lines > 0 || read.torn_tail_bytes > 0 {
            log::warn!(target: "pushdoctor::agent", "the Accept history had {} damaged lines and a torn tail of {} bytes, left out", read.skipped_lines, read.torn_tail_bytes);
        }
        let auto_bundle = crate::history::auto_bundle_settings(
            config.auto_bundle.as_ref(),
            capture.config().directory.as_deref(),
        )?
        .map(|(policy, directory, keep)| {
            // A restart in the middle of an episode neither forgets its
            // failures nor bundles it twice.
            let seen = history.events(pushdoctor_core::model::time::now_ms());
            Arc::new(AutoBundle {
                directory,
                keep,
                policy: Mutex::new(PolicyState::replay(policy, &seen)),
            })
        });
        // Rust code's `log` records go straight into the newest agent's
        // capture, never through Kotlin or Swift.
        process.route().join(&capture);
        Ok(Arc::new(PushDoctorAgent {
            runtime: crate::task::AgentRuntime::new(process.handle()),
            probe,
            prober,
            capture,
            history: Arc::new(history),
            auto_bundle,
            platform,
            callback_timeout,
            state: Arc::new(Mutex::new(State {
                snapshot: None,
                answers: Answers::default(),
                diagnosis: None,
            })),
            listeners: Arc::new(Mutex::new(Vec::new())),
            next_subscription: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            uploads: Arc::default(),
        }))
    }

    /// Asks the platform for every fact (in parallel, each under its
    /// deadline), adds the app's observations, and diagnoses. The guided
    /// walk starts afresh from this snapshot.
    pub async fn run_diagnostics(
        &self,
        observations: AppObservations,
        progress: Option<Arc<dyn ProgressListener>>,
    ) -> Result<DiagnosisReport, AgentError> {
        self.check_open()?;
        let report_status = observations.mfa_report_status.map(Into::into);
        let retry_count = observations
            .retry_count
            .map(|n| non_negative::<u32>("AppObservations.retry_count", n.into()))
            .transpose()?;
        let probe = Arc::clone(&self.probe);
        let prober = self.prober.clone();
        let listeners = Arc::clone(&self.listeners);
        let capture = Arc::clone(&self.capture);
        let history = Arc::clone(&self.history);
        let (platform, deadline, state) = (
            self.platform,
            self.callback_timeout,
            Arc::clone(&self.state),
        );
        self.on_runtime(async move {
            let steps = if prober.is_some() { 3 } else { 2 };
            self::progress(&progress, ProgressStep::Platform, 0, steps);
            if prober.is_some() {
                self::progress(&progress, ProgressStep::Network, 1, steps);
            }
            let (mut snapshot, issues) =
                gather_facts(probe, platform, deadline, prober.as_deref()).await;
            let o = &mut snapshot.observations;
            o.push_received = observations.push_received;
            o.accept_tapped = observations.accept_tapped;
            o.accept_responded = observations.accept_responded;
            o.retry_count = retry_count;
            o.retry_succeeded = observations.retry_succeeded;
            o.mfa_completed = observations.mfa_completed;
            o.request_visible_in_app = observations.request_visible_in_app;
            o.request_in_pending_tab = observations.request_in_pending_tab;
            o.request_visible_after_refresh = observations.request_visible_after_refresh;
            o.push_arrived_after_fixes = observations.push_arrived_after_fixes;
            o.account_reconfigured = observations.account_reconfigured;
            snapshot.mfa_report_status = report_status;
            self::progress(&progress, ProgressStep::Diagnosis, steps - 1, steps);
            // Reading the history flushes it to disk: on the blocking
            // threads, not on this async worker.
            let events = tokio::task::spawn_blocking(move || {
                history.events(pushdoctor_core::model::time::now_ms())
            })
            .await?;
            attach_history(&mut snapshot, &events);
            let diagnosis = pushdoctor_core::diagnose(&snapshot, &Answers::default(), &Options::default());
            for issue in &issues {
                log::warn!(target: "pushdoctor::agent", "platform fact {} unknown: {}", issue.probe.as_str(), issue.reason);
                emit(
                    &listeners,
                    AgentEvent::PlatformFactUnknown {
                        probe: issue.probe,
                        reason: issue.reason.clone(),
                    },
                );
            }
            if let Some(reason) = capture.last_write_error() {
                emit(&listeners, AgentEvent::LogWriteFailed { reason });
            }
            emit(
                &listeners,
                AgentEvent::DiagnosisFinished {
                    scenario: diagnosis.scenario.map(Into::into),
                    destination: diagnosis.destination.map(Into::into),
                    escalation: diagnosis.escalation.into(),
                },
            );
            let report = DiagnosisReport::new(&diagnosis, issues);
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            state.snapshot = Some(snapshot);
            state.answers = Answers::default();
            state.diagnosis = Some(diagnosis);
            self::progress(&progress, ProgressStep::Done, steps, steps);
            Ok(report)
        })
        .await
    }

    /// The network probes on their own (the platform is asked only about
    /// the network): for a "Check my connection" button. Fails with
    /// `InvalidArgument` when the agent has no `network` configuration.
    pub async fn check_network(&self) -> Result<NetworkCheckReport, AgentError> {
        self.check_open()?;
        let prober = self
            .prober
            .clone()
            .ok_or_else(|| AgentError::InvalidArgument {
                reason: "no network configuration: set AgentConfig.network".into(),
            })?;
        let probe = Arc::clone(&self.probe);
        let (platform, deadline) = (self.platform, self.callback_timeout);
        self.on_runtime(async move {
            let asking = async {
                match tokio::time::timeout(deadline, probe.network()).await {
                    Ok(Ok(facts)) => crate::platform::network_section(&facts),
                    _ => pushdoctor_core::model::snapshot::Network::default(),
                }
            };
            let (network, report) = alongside(asking, |n| n.connected, &prober).await;
            Ok(NetworkCheckReport::from(&ProbeSummary::new(
                report, platform, network,
            )))
        })
        .await
    }

    /// Records a person's answer in the guided walk and returns the new
    /// diagnosis (its `next_question` is what to ask next).
    pub fn answer(&self, row: RowId, answer: Answer) -> Result<DiagnosisReport, AgentError> {
        self.check_open()?;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let snapshot = state
            .snapshot
            .clone()
            .unwrap_or_else(|| DeviceSnapshot::new(self.platform));
        let mut walk = pushdoctor_core::Walk::with_answers(
            snapshot,
            state.answers.clone(),
            Options::default(),
        );
        walk.answer(row.into(), answer.into())?;
        state.answers = walk.answers().clone();
        let diagnosis = walk.diagnosis();
        let report = DiagnosisReport::new(&diagnosis, Vec::new());
        state.snapshot = Some(walk.snapshot().clone());
        state.diagnosis = Some(diagnosis);
        Ok(report)
    }

    /// Captures one record from Kotlin or Swift.
    pub fn log(&self, entry: LogEntry) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        self.capture.record(&to_record(entry));
    }

    /// Captures many records in one call across the FFI.
    pub fn log_batch(&self, entries: Vec<LogEntry>) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        let records: Vec<LogRecord> = entries.into_iter().map(to_record).collect();
        self.capture.record_batch(&records);
    }

    /// Captures the records a `LogBatch` (the Kotlin helper shipped with
    /// the bindings) packed into one direct buffer: call `LogBatch.flush`,
    /// not this. The buffer is read in place, without a copy. Fails with
    /// `InvalidArgument`, naming the record and the byte, on a buffer
    /// not in the format (`docs/bindings.md`); the records before the bad
    /// one are captured. A closed agent ignores it, as it ignores `log`.
    pub fn log_packed(&self, packed: &[u8]) -> Result<(), AgentError> {
        if self.closed.load(Ordering::Acquire) {
            return Ok(());
        }
        crate::packed_logs::read(packed, pushdoctor_core::model::time::now_ms, |record| {
            self.capture.record(record)
        })
        .map(drop)
    }

    /// Records a push that arrived: call it from the push handler. Never
    /// waits on disk. Fails with `InvalidArgument` on an event no phone
    /// reports (an empty request id, shown before received).
    pub fn record_push(&self, event: PushEvent) -> Result<(), AgentError> {
        self.record_history(event.to_core())
    }

    /// Records one Accept or Deny call as it ended: call it after each
    /// call to the MFA service (the retry helper does it by itself).
    /// Never waits on disk; repeated failures may start an automatic
    /// bundle (`AgentEvent.AutomaticBundleBuilt`).
    pub fn record_attempt(&self, event: AttemptEvent) -> Result<(), AgentError> {
        self.record_history(event.to_core()?)
    }

    /// The newest `limit` login requests (at most 1000), newest first,
    /// with what happened to each: the "Push history" screen.
    pub async fn push_history(&self, limit: i32) -> Result<Vec<RequestStoryItem>, AgentError> {
        let limit: usize = non_negative("limit", limit.into())?;
        self.check_open()?;
        let history = Arc::clone(&self.history);
        self.on_runtime_blocking(move || {
            let events = history.events(pushdoctor_core::model::time::now_ms());
            Ok(accept::timeline(&events, limit.min(1000))
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .await
    }

    /// Builds a log bundle at `output_path` (from the captured logs and the
    /// latest diagnosis) and returns its path; `reason` goes into its
    /// manifest.
    pub async fn build_bundle(
        &self,
        output_path: String,
        reason: BundleReason,
    ) -> Result<String, AgentError> {
        self.check_open()?;
        let reason = reason.into();
        let sources = self.bundle_sources();
        let listeners = Arc::clone(&self.listeners);
        let runtime = self.runtime.handle().ok_or(AgentError::Closed)?;
        self.on_runtime(async move {
            // Compressing and writing hold a thread for as long as they
            // take: on the runtime's blocking threads, not its two
            // workers. The guard lives in this task: the caller cancelling
            // drops it, and the flag stops the compression at the next
            // record.
            let cancel = CancelOnDrop::default();
            let cancelled = Arc::clone(&cancel.0);
            let built = runtime.spawn_blocking(move || {
                let path = PathBuf::from(&output_path);
                let bytes = sources.write(&path, reason, &cancelled)?;
                emit(
                    &listeners,
                    AgentEvent::BundleBuilt {
                        path: output_path.clone(),
                        bytes,
                    },
                );
                Ok(output_path)
            });
            let result = built.await?;
            drop(cancel);
            result
        })
        .await
    }

    /// Adds a listener for [`AgentEvent`]s until the returned
    /// [`Subscription`] is cancelled or dropped: keep it as long as the
    /// events are wanted.
    pub fn subscribe(&self, listener: Arc<dyn EventListener>) -> Arc<Subscription> {
        let id = self.next_subscription.fetch_add(1, Ordering::Relaxed);
        self.listeners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((id, listener));
        Arc::new(Subscription {
            listeners: Arc::downgrade(&self.listeners),
            id,
        })
    }

    /// Opens a settings screen named by an action's `settings_target`.
    pub fn open_settings(&self, target: SettingsTarget) -> Result<bool, AgentError> {
        self.check_open()?;
        Ok(self.probe.open_settings(target)?)
    }

    /// Closes the agent in one step: flushes the captured logs to disk (on
    /// the agent's blocking threads, never the caller's), stops capturing
    /// and stops the agent's threads (a call still running ends with
    /// `Closed`, its platform calls cancelled). Later calls fail with
    /// `Closed`; logging after it is ignored; a second call does nothing. The object's own memory is
    /// freed when it is garbage-collected (or at once by the generated
    /// `close()` / `use {}` in Kotlin, `deinit` in Swift).
    pub async fn shutdown(&self) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        let capture = Arc::clone(&self.capture);
        if let Ok(process) = crate::process::Process::get() {
            process.route().leave(&capture);
        }
        if let Some(runtime) = self.runtime.handle() {
            // A flush that panicked has nothing more to flush.
            let _ = runtime.spawn_blocking(move || capture.shutdown()).await;
        }
        // Then this agent's work: a call still running ends with `Closed`.
        self.runtime.stop();
    }
}

impl PushDoctorAgent {
    /// Runs blocking `work` (disk) on the agent's blocking threads and
    /// waits for it there.
    pub(crate) async fn on_runtime_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AgentError> + Send + 'static,
    ) -> Result<T, AgentError> {
        let runtime = self.runtime.handle().ok_or(AgentError::Closed)?;
        self.on_runtime(async move { runtime.spawn_blocking(work).await? })
            .await
    }

    /// Records one history event without waiting on disk: it is queued in
    /// memory, and the first event of a batch schedules one write on the
    /// agent's blocking threads.
    pub(crate) fn record_history(&self, event: HistoryEvent) -> Result<(), AgentError> {
        self.check_open()?;
        // The policy sees the attempt only once the history holds it, so
        // the bundle it may start reads the failure that started it.
        let attempt = match &event {
            HistoryEvent::Attempt(attempt) if self.auto_bundle.is_some() => Some(attempt.clone()),
            _ => None,
        };
        if self.history.record(event)? {
            if let Some(runtime) = self.runtime.handle() {
                let history = Arc::clone(&self.history);
                runtime.spawn_blocking(move || {
                    if let Err(e) = history.flush(pushdoctor_core::model::time::now_ms()) {
                        log::warn!(target: "pushdoctor::agent", "the Accept history could not be written: {e}");
                    }
                });
            }
        }
        let trigger = match (attempt, &self.auto_bundle) {
            (Some(attempt), Some(auto)) => auto
                .policy
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .observe(&attempt),
            _ => None,
        };
        if let Some(trigger) = trigger {
            self.start_automatic_bundle(trigger);
        }
        Ok(())
    }
}

impl PushDoctorAgent {
    /// What every bundle is made from, taken now: the latest snapshot and
    /// its diagnosis (with the person's answers), the capture, the history.
    fn bundle_sources(&self) -> BundleSources {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        BundleSources {
            latest: state.snapshot.clone().zip(state.diagnosis.clone()),
            capture: Arc::clone(&self.capture),
            history: Arc::clone(&self.history),
        }
    }

    /// Diagnoses afresh (the platform's facts and the history, no person's
    /// answers: nobody is asked) and writes the automatic bundle, on the
    /// agent's runtime; ends with the agent.
    fn start_automatic_bundle(&self, trigger: Trigger) {
        let (Some(runtime), Some(auto)) = (self.runtime.handle(), self.auto_bundle.clone()) else {
            return;
        };
        let stopped = self.runtime.stopped();
        let probe = Arc::clone(&self.probe);
        let prober = self.prober.clone();
        let (platform, deadline) = (self.platform, self.callback_timeout);
        let state = Arc::clone(&self.state);
        let listeners = Arc::clone(&self.listeners);
        let capture = Arc::clone(&self.capture);
        let history = Arc::clone(&self.history);
        let blocking = runtime.clone();
        let work = async move {
            let (mut snapshot, _issues) =
                gather_facts(probe, platform, deadline, prober.as_deref()).await;
            let built = blocking
                .spawn_blocking(move || {
                    attach_history(
                        &mut snapshot,
                        &history.events(pushdoctor_core::model::time::now_ms()),
                    );
                    let diagnosis = pushdoctor_core::diagnose(
                        &snapshot,
                        &Answers::default(),
                        &Options::default(),
                    );
                    {
                        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                        state.snapshot = Some(snapshot.clone());
                        state.answers = Answers::default();
                        state.diagnosis = Some(diagnosis.clone());
                    }
                    let sources = BundleSources {
                        latest: Some((snapshot, diagnosis)),
                        capture,
                        history,
                    };
                    let path = auto.directory.join(automatic_bundle_name(trigger.to_ms));
                    std::fs::create_dir_all(&auto.directory).map_err(|e| AgentError::Io {
                        reason: format!("{}: {e}", auto.directory.display()),
                    })?;
                    let bytes = sources.write(
                        &path,
                        CoreBundleReason::RepeatedAcceptFailures,
                        &AtomicBool::new(false),
                    )?;
                    prune_automatic_bundles(&auto.directory, auto.keep);
                    Ok::<_, AgentError>((path, bytes))
                })
                .await;
            let event = match built {
                Ok(Ok((path, bytes))) => AgentEvent::AutomaticBundleBuilt {
                    path: path.to_string_lossy().into_owned(),
                    bytes,
                    failures: i32::try_from(trigger.failures_ms.len()).unwrap_or(i32::MAX),
                    first_failure_ms: trigger.from_ms,
                    last_failure_ms: trigger.to_ms,
                },
                Ok(Err(e)) => AgentEvent::AutomaticBundleFailed {
                    reason: e.to_string(),
                },
                Err(e) => AgentEvent::AutomaticBundleFailed {
                    reason: AgentError::from(e).to_string(),
                },
            };
            if let AgentEvent::AutomaticBundleFailed { reason } = &event {
                log::warn!(target: "pushdoctor::agent", "the automatic bundle failed: {reason}");
            }
            emit(&listeners, event);
        };
        runtime.spawn(async move {
            tokio::select! {
                () = work => {}
                () = stopped => {}
            }
        });
    }
}

/// The history's facts into the snapshot, when anything was recorded.
fn attach_history(snapshot: &mut DeviceSnapshot, events: &[HistoryEvent]) {
    if !events.is_empty() {
        snapshot.attach_history(accept::summarize(events));
    }
}

/// What a bundle is made from.
struct BundleSources {
    latest: Option<(DeviceSnapshot, Diagnosis)>,
    capture: Arc<Capture>,
    history: Arc<History>,
}

impl BundleSources {
    /// Writes the bundle at `path`; returns its size. Blocking.
    fn write(
        &self,
        path: &std::path::Path,
        reason: CoreBundleReason,
        cancelled: &AtomicBool,
    ) -> Result<i64, AgentError> {
        let mut writer = BundleWriter::create(
            path,
            BundleOptions {
                reason,
                ..BundleOptions::default()
            },
        )?;
        if let Some((snapshot, diagnosis)) = &self.latest {
            writer.add_snapshot(snapshot, diagnosis);
        }
        writer.add_history(&self.history.events(pushdoctor_core::model::time::now_ms()));
        writer.add_capture_until(&self.capture, cancelled)?;
        let summary = writer.finish()?;
        Ok(i64::try_from(summary.bytes).unwrap_or(i64::MAX))
    }
}

/// `pushdoctor-20261130T091500Z-repeated-accept-failures.zip`: sorts by time.
fn automatic_bundle_name(at_ms: i64) -> String {
    let stamp: String = pushdoctor_core::model::time::rfc3339(at_ms)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    // `20261130T091500000Z` without the milliseconds' digits.
    let stamp = match stamp.len() {
        n if n > 4 => format!("{}Z", &stamp[..n - 4]),
        _ => stamp,
    };
    format!("pushdoctor-{stamp}-repeated-accept-failures.zip")
}

/// Keeps the newest `keep` automatic bundles of `dir`, deletes the rest.
fn prune_automatic_bundles(dir: &std::path::Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut bundles: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("pushdoctor-") && n.ends_with("-repeated-accept-failures.zip")
            })
        })
        .collect();
    bundles.sort();
    let over = bundles.len().saturating_sub(keep);
    for old in &bundles[..over] {
        if let Err(e) = std::fs::remove_file(old) {
            log::warn!(target: "pushdoctor::agent", "an old automatic bundle could not be deleted: {e}");
        }
    }
}

/// The platform's facts, and the network probes when the agent has them,
/// started together: the probes do not wait for the callbacks.
async fn gather_facts(
    probe: Arc<dyn PlatformProbe>,
    platform: CorePlatform,
    deadline: Duration,
    prober: Option<&Prober>,
) -> (DeviceSnapshot, Vec<ProbeIssue>) {
    let Some(prober) = prober else {
        return gather(probe, platform, deadline).await;
    };
    let gathering = gather(probe, platform, deadline);
    let ((mut snapshot, issues), report) =
        alongside(gathering, |(s, _)| s.network.connected, prober).await;
    snapshot.probes = Some(report);
    (snapshot, issues)
}

/// Runs `asking` (what the platform says) and a probe run side by side.
/// When `connected` reads "no network at all" from the platform's answer,
/// the probes still running are dropped (their connections with them) and
/// the report says they were skipped.
async fn alongside<T>(
    asking: impl std::future::Future<Output = T>,
    connected: impl Fn(&T) -> Option<bool>,
    prober: &Prober,
) -> (T, pushdoctor_core::probes::ProbeReport) {
    let mut probing = std::pin::pin!(prober.run(None));
    let mut asking = std::pin::pin!(asking);
    tokio::select! {
        answer = &mut asking => {
            let report = match connected(&answer) {
                Some(false) => prober.run(Some(false)).await,
                _ => probing.await,
            };
            (answer, report)
        }
        report = &mut probing => (asking.await, report),
    }
}

fn to_record(entry: LogEntry) -> LogRecord {
    let mut record = LogRecord::new(
        entry
            .timestamp_ms
            .unwrap_or_else(pushdoctor_core::model::time::now_ms),
        entry.level.into(),
        entry.tag,
        entry.message,
        Origin::App,
    );
    record.thread = entry.thread;
    record.fields = entry.fields.into_iter().map(|f| (f.key, f.value)).collect();
    record
}
