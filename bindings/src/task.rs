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

/// The agent's share of the process's runtime ([`crate::process`]), until
/// the agent is shut down. Stopping it ends every call of this agent still
/// running (each is raced against [`AgentRuntime::stopped`], and dropped,
/// and so cancelled, when it loses), and never waits for blocking work: a
/// name lookup is a blocking `getaddrinfo` call that a silent resolver
/// holds for 10–30 s; its thread finishes on its own. Other agents, and
/// the runtime itself, go on.
pub(crate) struct AgentRuntime {
    handle: Mutex<Option<Handle>>,
    stopped: tokio::sync::watch::Sender<bool>,
}

impl AgentRuntime {
    pub(crate) fn new(handle: Handle) -> Self {
        AgentRuntime {
            handle: Mutex::new(Some(handle)),
            stopped: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Where to spawn work; `None` once stopped.
    pub(crate) fn handle(&self) -> Option<Handle> {
        self.handle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Resolves when the agent stops.
    pub(crate) fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut stopped = self.stopped.subscribe();
        async move {
            // An error means the agent is gone: stopped too.
            let _ = stopped.wait_for(|&stopped| stopped).await;
        }
    }

    /// Ends this agent's work: no new call starts, and every call still
    /// running is dropped (and so cancelled).
    pub(crate) fn stop(&self) {
        self.handle.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.stopped.send_replace(true);
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

    use super::{AgentRuntime, Task};

    #[test]
    fn stopping_ends_the_agents_work_at_once_and_never_waits_for_a_blocked_lookup() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let agent = AgentRuntime::new(runtime.handle().clone());
        // A blocking call that would hold a thread for a minute.
        let (release, blocked) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        drop(agent.handle().unwrap().spawn_blocking(move || {
            started.send(()).unwrap();
            let _ = blocked.recv_timeout(Duration::from_secs(60));
            flag.store(true, Ordering::SeqCst);
        }));
        running.recv().unwrap();
        // A call of the agent's, raced against its stopping.
        let stopped = agent.stopped();
        let call = Task::spawn_on(&agent.handle().unwrap(), async move {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(60)) => "finished",
                _ = stopped => "stopped",
            }
        });
        agent.stop();
        assert!(agent.handle().is_none(), "no new call starts");
        assert_eq!(runtime.block_on(call).unwrap(), "stopped");
        assert!(
            !finished.load(Ordering::SeqCst),
            "stopping waited for the blocking call to end"
        );
        // The runtime itself goes on, for the other agents.
        assert_eq!(runtime.block_on(async { 1 + 1 }), 2);
        drop(release);
        runtime.shutdown_background();
    }
}
