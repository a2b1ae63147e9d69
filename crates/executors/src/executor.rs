//! The [`Executor`]: one interface over the strategies, a starmap that
//! returns results in input order whatever the strategy and worker count.

use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::callback::{Callback, Hooks, Progress};
use crate::error::{ExecError, TaskError, panic_message};

/// How a batch of tasks runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// One after another in the calling thread.
    Sequential,
    /// The talk's "first principles": a work channel, a done channel, worker
    /// threads and STOP sentinels; a panicking task or a vanished worker
    /// neither hangs the run nor loses the other results.
    WorkQueue,
    /// A rayon thread pool of its own with the requested number of threads.
    Pool,
    /// The lazy task graph's threaded scheduler (see [`crate::Graph`]).
    Graph,
}

impl Strategy {
    /// Every strategy, for tests and demos that try them all.
    pub const ALL: [Strategy; 4] = [Self::Sequential, Self::WorkQueue, Self::Pool, Self::Graph];

    /// The name used on command lines.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::WorkQueue => "work-queue",
            Self::Pool => "pool",
            Self::Graph => "graph",
        }
    }
}

impl Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|x| x.name() == s)
            .ok_or_else(|| format!("unknown executor {s:?}: expected sequential, work-queue, pool or graph"))
    }
}

/// What a run does when a task fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// Stop scheduling new tasks at once and report the failure (tasks
    /// already running finish). The default.
    #[default]
    Stop,
    /// Run every task and report every failure.
    KeepGoing,
}

/// Runs batches of independent tasks, and task graphs, with a strategy and
/// a number of workers. Results never depend on either.
///
/// ```
/// use executors::{Executor, Strategy};
/// let squares = |x: u64| Ok::<_, String>(x * x);
/// for strategy in Strategy::ALL {
///     let exec = Executor::new(strategy, 3)?;
///     assert_eq!(exec.map((0..5).collect(), squares)?, [0, 1, 4, 9, 16]);
/// }
/// # Ok::<(), executors::ExecError>(())
/// ```
#[derive(Clone)]
pub struct Executor {
    strategy: Strategy,
    workers: usize,
    on_error: OnError,
    progress: Progress,
    callbacks: Vec<Arc<dyn Callback>>,
    /// The pool strategy's threads, started on first use and kept (shared
    /// by clones of this executor), so that repeated runs find them warm;
    /// never more than the largest batch so far needed (a pool of
    /// thousands of idle threads makes every run slow).
    pool: Arc<std::sync::Mutex<Option<Arc<rayon::ThreadPool>>>>,
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("strategy", &self.strategy)
            .field("workers", &self.workers)
            .field("on_error", &self.on_error)
            .field("progress", &self.progress)
            .field("callbacks", &self.callbacks.len())
            .finish()
    }
}

impl Executor {
    /// An executor; `workers` must be at least 1 (it is ignored by
    /// [`Strategy::Sequential`]) and may exceed the number of cores.
    pub fn new(strategy: Strategy, workers: usize) -> Result<Self, ExecError> {
        if workers == 0 {
            return Err(ExecError::ZeroWorkers);
        }
        Ok(Self {
            strategy,
            workers,
            on_error: OnError::Stop,
            progress: Progress::Auto,
            callbacks: Vec::new(),
            pool: Arc::default(),
        })
    }

    /// The sequential executor.
    pub fn sequential() -> Self {
        Self {
            strategy: Strategy::Sequential,
            workers: 1,
            on_error: OnError::Stop,
            progress: Progress::Auto,
            callbacks: Vec::new(),
            pool: Arc::default(),
        }
    }

    /// Adds a callback run around every task.
    pub fn with_callback(mut self, callback: Arc<dyn Callback>) -> Self {
        self.callbacks.push(callback);
        self
    }

    /// Sets what happens when a task fails.
    pub fn on_error(mut self, on_error: OnError) -> Self {
        self.on_error = on_error;
        self
    }

    /// Sets when a progress bar is shown.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }

    /// The strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// The number of workers (1 for sequential).
    pub fn workers(&self) -> usize {
        if self.strategy == Strategy::Sequential { 1 } else { self.workers }
    }

    /// The pool strategy's thread pool for a batch of `tasks`: the kept
    /// one, or a new one of `min(workers, tasks)` threads when the kept one
    /// is smaller.
    pub(crate) fn pool(&self, tasks: usize) -> Result<Arc<rayon::ThreadPool>, ExecError> {
        let wanted = self.workers.min(tasks).max(1);
        let mut kept = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        match &*kept {
            Some(pool) if pool.current_num_threads() >= wanted => Ok(Arc::clone(pool)),
            _ => {
                let pool = Arc::new(crate::spawn::rayon_pool(wanted)?);
                *kept = Some(Arc::clone(&pool));
                Ok(pool)
            }
        }
    }

    pub(crate) fn failure_policy(&self) -> OnError {
        self.on_error
    }

    pub(crate) fn hooks(&self, tasks: usize) -> Hooks {
        Hooks::new(&self.callbacks, self.progress, tasks)
    }
}

/// Runs one task, turning an error or a panic into a [`TaskError`].
pub(crate) fn run_catching<R, E: Display>(
    index: usize,
    key: &dyn Fn() -> String,
    f: impl FnOnce() -> Result<R, E>,
) -> Result<R, TaskError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(TaskError { index, key: key(), message: e.to_string(), panicked: false }),
        Err(payload) => {
            Err(TaskError { index, key: key(), message: panic_message(payload.as_ref()), panicked: true })
        }
    }
}

/// Per input, in order: its result, or `None` if it was skipped after a
/// failure or lost.
pub(crate) type Slots<R> = Vec<Option<Result<R, TaskError>>>;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Executor, Strategy};

    /// Linux's count of this process's threads.
    fn threads_of_this_process() -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn no_strategy_starts_more_threads_than_a_batch_has_tasks() {
        let exec = Executor::new(Strategy::Pool, 10_000).unwrap();
        let threads = exec.map(vec![(); 3], |()| Ok::<_, String>(rayon::current_num_threads())).unwrap();
        assert_eq!(threads, [3, 3, 3]);
        // A bigger batch grows the pool, up to the workers asked for.
        let threads = exec.map(vec![(); 5], |()| Ok::<_, String>(rayon::current_num_threads())).unwrap();
        assert_eq!(threads, [5; 5]);
        // The graph scheduler too: while its three tasks run (together, then
        // a while), the process has a few dozen threads at most (this test
        // harness's included), not 10 000. (The work queue's extra workers
        // would take a STOP and end at once, so a thread count cannot show
        // its cap; its cap saves start-up time only.)
        let exec = Executor::new(Strategy::Graph, 10_000).unwrap();
        let together = Arc::new(std::sync::Barrier::new(3));
        let counts = exec
            .map(vec![(); 3], |()| {
                together.wait();
                std::thread::sleep(std::time::Duration::from_millis(100));
                Ok::<_, String>(threads_of_this_process())
            })
            .unwrap();
        assert!(counts.iter().all(|&n| n < 64), "{counts:?} threads");
        let small = Executor::new(Strategy::Pool, 2).unwrap();
        let threads = small.map(vec![(); 50], |()| Ok::<_, String>(rayon::current_num_threads())).unwrap();
        assert!(threads.iter().all(|&n| n == 2), "{threads:?}");
    }
}
