//! What the whole process shares, set up once: the runtime the agents'
//! work runs on, and the `log` logger.
//!
//! `log` takes one logger per process, and a runtime per agent would be
//! threads per agent. So the process owns both (as matrix-sdk-ffi's
//! `init_platform` does), and every agent borrows them: its work runs on
//! the one runtime (and ends with the agent, see
//! [`crate::task::AgentRuntime`]), and its capture joins the logger's
//! route, which sends Rust `log` records to the newest agent still open.
//! Call [`init_platform`] once, early, to choose the sizes (one worker for
//! a memory-limited iOS extension); an agent started first sets the
//! defaults up itself.

use std::sync::{Arc, OnceLock, RwLock};

use pushdoctor_core::logs::Capture;

use crate::errors::AgentError;

/// How the process-wide part is set up.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ProcessConfig {
    /// Threads for the agents' work (default 2). One is enough in a
    /// memory-limited app extension (an iOS Notification Service
    /// Extension); at most 8.
    #[uniffi(default = None)]
    pub worker_threads: Option<i32>,
}

/// The runtime and the logger's route, for the life of the process.
pub(crate) struct Process {
    runtime: tokio::runtime::Runtime,
    route: Arc<LogRoute>,
}

static PROCESS: OnceLock<Process> = OnceLock::new();

const DEFAULT_WORKERS: usize = 2;
const MAX_WORKERS: usize = 8;

/// Sets up the process-wide part: the runtime every agent's work runs on,
/// and the `log` logger that sends Rust records to the agents' captures.
/// Once per process, before the first agent; calling it again, or after an
/// agent was started with the defaults, is `InvalidArgument`.
#[uniffi::export]
pub fn init_platform(config: ProcessConfig) -> Result<(), AgentError> {
    let workers = match config.worker_threads {
        None => DEFAULT_WORKERS,
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_WORKERS).contains(n))
            .ok_or_else(|| AgentError::InvalidArgument {
                reason: format!("ProcessConfig.worker_threads is {n}: between 1 and {MAX_WORKERS}"),
            })?,
    };
    if PROCESS.get().is_some() {
        return Err(already());
    }
    let process = Process::start(workers)?;
    PROCESS.set(process).map_err(|_| already())
}

fn already() -> AgentError {
    AgentError::InvalidArgument {
        reason: "init_platform: the process is already set up (init_platform was called, or an agent started first with the defaults): call it once, before the first agent".into(),
    }
}

impl Process {
    fn start(workers: usize) -> Result<Process, AgentError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("pushdoctor-agent")
            .enable_all()
            .build()
            .map_err(|e| AgentError::Internal {
                reason: format!("cannot start the agents' threads: {e}"),
            })?;
        let route = Arc::new(LogRoute::default());
        // The app may run a `log` logger of its own: then Rust records go
        // there, and the captures get only what the app forwards.
        if log::set_boxed_logger(Box::new(RouteLogger(Arc::clone(&route)))).is_ok() {
            log::set_max_level(log::LevelFilter::Trace);
        }
        Ok(Process { runtime, route })
    }

    /// The process-wide part, set up with the defaults if nobody did.
    pub(crate) fn get() -> Result<&'static Process, AgentError> {
        if let Some(process) = PROCESS.get() {
            return Ok(process);
        }
        let process = Process::start(DEFAULT_WORKERS)?;
        // Two agents starting at once: one set-up wins, the other's is
        // dropped here, on an app thread (not inside the runtime).
        Ok(PROCESS.get_or_init(|| process))
    }

    /// Where the agents' work runs.
    pub(crate) fn handle(&self) -> tokio::runtime::Handle {
        self.runtime.handle().clone()
    }

    /// The logger's route.
    pub(crate) fn route(&self) -> &LogRoute {
        &self.route
    }
}

/// Sends each Rust `log` record to the newest capture still open. An
/// agent's capture joins when it starts and leaves when it shuts down, so
/// a second agent's records never land in a first agent's closed capture.
#[derive(Default)]
pub(crate) struct LogRoute {
    captures: RwLock<Vec<Arc<Capture>>>,
}

impl LogRoute {
    pub(crate) fn join(&self, capture: &Arc<Capture>) {
        self.captures
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(Arc::clone(capture));
    }

    pub(crate) fn leave(&self, capture: &Arc<Capture>) {
        self.captures
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|c| !Arc::ptr_eq(c, capture));
    }

    /// Calls `f` with the newest capture, under the read lock (no
    /// reference count touched per record).
    fn with_newest(&self, f: impl FnOnce(&Capture)) {
        let captures = self.captures.read().unwrap_or_else(|e| e.into_inner());
        if let Some(capture) = captures.last() {
            f(capture);
        }
    }
}

/// The process's `log` logger: the route, shared with the agents.
struct RouteLogger(Arc<LogRoute>);

impl log::Log for RouteLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        // Each capture keeps its own minimum level.
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        self.0.with_newest(|capture| capture.log(record));
    }

    fn flush(&self) {
        self.0.with_newest(Capture::flush);
    }
}
