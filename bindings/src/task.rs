//! Tasks on the agent's runtime that end with whoever awaits them.
//!
//! A dropped `tokio::task::JoinHandle` detaches its task: the work goes on
//! unobserved. Every task the agent spawns is held in a [`Task`] instead,
//! so when the caller stops waiting (the app cancelled the run, a deadline
//! passed) the task is aborted, its future dropped, and a Kotlin or Swift
//! callback in flight is told to cancel (uniffi's foreign-future "dropped"
//! signal cancels the coroutine or Swift task).

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use tokio::runtime::Handle;
use tokio::task::{JoinError, JoinHandle};

/// The agent's runtime, until the agent is shut down. Stopping it (at
/// `shutdown`, or when the app frees the agent) does not wait for blocking
/// work still running: a name lookup is a blocking `getaddrinfo` call that
/// a silent resolver holds for 10–30 s, and tokio's own drop would hold the
/// app's thread (often the main thread) that long. The lookup's thread
/// finishes on its own and exits.
pub(crate) struct AgentRuntime(Mutex<Option<tokio::runtime::Runtime>>);

impl AgentRuntime {
    pub(crate) fn new(runtime: tokio::runtime::Runtime) -> Self {
        AgentRuntime(Mutex::new(Some(runtime)))
    }

    /// Where to spawn work; `None` once stopped.
    pub(crate) fn handle(&self) -> Option<Handle> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|runtime| runtime.handle().clone())
    }

    /// Stops the threads: every task still running is dropped (and so
    /// cancelled); blocking work is left to end on its own.
    pub(crate) fn stop(&self) {
        let runtime = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(runtime) = runtime {
            runtime.shutdown_background();
        }
    }
}

impl Drop for AgentRuntime {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A spawned task that is aborted when dropped.
pub(crate) struct Task<T>(JoinHandle<T>);

impl<T: Send + 'static> Task<T> {
    /// Spawns `work` on the current runtime.
    pub(crate) fn spawn(work: impl Future<Output = T> + Send + 'static) -> Self {
        Task(tokio::spawn(work))
    }

    /// Spawns `work` on `runtime` (from a caller outside it).
    pub(crate) fn spawn_on(
        runtime: &Handle,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Self {
        Task(runtime.spawn(work))
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        // Aborting a finished task does nothing.
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    use super::AgentRuntime;

    #[test]
    fn closing_the_agent_does_not_wait_for_a_blocked_lookup() {
        let runtime = AgentRuntime::new(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap(),
        );
        let (release, blocked) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        drop(runtime.handle().unwrap().spawn_blocking(move || {
            started.send(()).unwrap();
            let _ = blocked.recv_timeout(Duration::from_secs(60));
            flag.store(true, Ordering::SeqCst);
        }));
        running.recv().unwrap();
        drop(runtime);
        assert!(
            !finished.load(Ordering::SeqCst),
            "the drop waited for the blocking call to end"
        );
        drop(release);
    }
}
