//! Typed errors: a failed task ([`TaskError`]) and a failed run ([`ExecError`]).

use std::fmt;
use std::path::PathBuf;

/// A task that failed: which one, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaskError {
    /// The task's position in the batch (for a map) or in creation order
    /// (for a graph).
    pub index: usize,
    /// The task's key: `task-<index>` in a map, the node's key in a graph.
    pub key: String,
    /// The error's message, or the panic's payload for a panic.
    pub message: String,
    /// Whether the task panicked rather than returning an error.
    pub panicked: bool,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.panicked { "panicked" } else { "failed" };
        write!(f, "task {} ({}) {what}: {}", self.index, self.key, self.message)
    }
}

impl std::error::Error for TaskError {}

/// Why a run did not produce all its results.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// A task failed; with [`crate::OnError::Stop`] (the default) the run
    /// stopped scheduling new tasks.
    #[error("{0}")]
    Task(TaskError),
    /// With [`crate::OnError::KeepGoing`], every task that failed, in index order.
    #[error("{} tasks failed; the first: {}", .0.len(), .0[0])]
    Tasks(Vec<TaskError>),
    /// A worker count of zero.
    #[error("the number of workers must be at least 1")]
    ZeroWorkers,
    /// Some tasks' results were lost without the tasks failing: a worker
    /// thread ended, or a [`crate::Callback`] panicked around them (tasks'
    /// own panics are failures). Reported rather than waited for; the
    /// other tasks still ran.
    #[error("a worker ended without finishing tasks {missing:?}")]
    WorkerLost {
        /// Tasks with no result.
        missing: Vec<usize>,
    },
    /// The thread pool could not be built.
    #[error("cannot start the thread pool: {0}")]
    Pool(String),
    /// The checkpoint file could not be read or written.
    #[error("checkpoint {}: {message}", path.display())]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What went wrong, with the line for a bad entry.
        message: String,
    },
    /// A distributed backend could not move a result between processes.
    #[error("distributed run: {0}")]
    Remote(String),
    /// A graph output was asked for with the wrong type, or from another graph.
    #[error("graph: {0}")]
    Graph(String),
    /// A worker thread could not be started (the system's limit on threads
    /// or memory was reached); the workers already started were stopped
    /// and joined, and no result is returned.
    #[error("cannot start worker thread {index} of {workers}: {message}")]
    Spawn {
        /// The worker that could not be started, from 0.
        index: usize,
        /// The workers the run asked for.
        workers: usize,
        /// The system's reason.
        message: String,
    },
}

/// Turns a panic payload into a message.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}
