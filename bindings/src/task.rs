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
use std::task::{Context, Poll};

use tokio::task::{JoinError, JoinHandle};

/// A spawned task that is aborted when dropped.
pub(crate) struct Task<T>(JoinHandle<T>);

impl<T: Send + 'static> Task<T> {
    /// Spawns `work` on the current runtime.
    pub(crate) fn spawn(work: impl Future<Output = T> + Send + 'static) -> Self {
        Task(tokio::spawn(work))
    }

    /// Spawns `work` on `runtime` (from a caller outside it).
    pub(crate) fn spawn_on(
        runtime: &tokio::runtime::Runtime,
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
