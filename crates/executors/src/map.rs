//! [`Executor::map`]: a batch of tasks run by the executor's strategy
//! (in order, the work queue, the pool or the task graph), their failures
//! caught and turned into the run's result. Above the strategies, which
//! know the executor only through `executor.rs`.

use std::fmt::Display;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{ExecError, TaskError};
use crate::executor::{Executor, OnError, Slots, Strategy, run_catching};

impl Executor {
    /// Runs `f` on every input (a starmap) and returns the results in input
    /// order. A task that returns an error or panics is reported by index
    /// with its message; see [`OnError`] for what happens to the others.
    pub fn map<T, R, E, F>(&self, inputs: Vec<T>, f: F) -> Result<Vec<R>, ExecError>
    where
        T: Send,
        R: Send + 'static,
        E: Display,
        F: Fn(T) -> Result<R, E> + Sync,
    {
        self.map_indexed(inputs.into_iter().enumerate().collect(), |_, x| f(x))
    }

    /// As [`Executor::map`], with inputs that carry their own indices (which
    /// name them in errors and callbacks); results come in the order given.
    pub fn map_indexed<T, R, E, F>(&self, inputs: Vec<(usize, T)>, f: F) -> Result<Vec<R>, ExecError>
    where
        T: Send,
        R: Send + 'static,
        E: Display,
        F: Fn(usize, T) -> Result<R, E> + Sync,
    {
        let n = inputs.len();
        let hooks = self.hooks(n);
        let cancel = AtomicBool::new(false);
        let task = |index: usize, input: T, worker: usize| -> Option<Result<R, TaskError>> {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let key = || format!("task-{index}");
            // A panic here comes from a callback (the task's own are caught
            // as failures): the task's result is lost, reported as such.
            let out = catch_unwind(AssertUnwindSafe(|| {
                hooks.pre(&key, worker);
                let out = run_catching(index, &key, || f(index, input));
                hooks.post(&key, worker, out.is_ok());
                out
            }))
            .ok()?;
            if out.is_err() && self.failure_policy() == OnError::Stop {
                cancel.store(true, Ordering::Relaxed);
            }
            Some(out)
        };
        let indices: Vec<usize> = inputs.iter().map(|(i, _)| *i).collect();
        let slots = match self.strategy() {
            Strategy::Sequential => Ok(inputs.into_iter().map(|(i, x)| task(i, x, 0)).collect()),
            Strategy::WorkQueue => crate::work_queue::run(inputs, self.workers(), &task),
            Strategy::Pool => self.pool(inputs.len()).map(|pool| run_pool(inputs, &pool, &task)),
            Strategy::Graph => crate::graph::run_batch(inputs, self, &task),
        };
        // The callbacks hear of the finish however the run ended.
        hooks.finish(
            slots.as_ref().is_ok_and(|slots| slots.iter().any(|s| !matches!(s, Some(Ok(_)))))
                || slots.is_err(),
        );
        let slots = slots?;
        collect(slots, &indices, self.failure_policy())
    }
}

/// Turns per-task outcomes into the run's result.
fn collect<R>(slots: Slots<R>, indices: &[usize], on_error: OnError) -> Result<Vec<R>, ExecError> {
    let mut out = Vec::with_capacity(slots.len());
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    for (slot, &index) in slots.into_iter().zip(indices) {
        match slot {
            Some(Ok(r)) => out.push(r),
            Some(Err(e)) => errors.push(e),
            None => skipped.push(index),
        }
    }
    errors.sort_by_key(|e| e.index);
    match (on_error, errors.is_empty()) {
        (_, true) if skipped.is_empty() => Ok(out),
        (_, true) => Err(ExecError::WorkerLost { missing: skipped }),
        (OnError::Stop, false) => Err(ExecError::Task(errors.swap_remove(0))),
        (OnError::KeepGoing, false) => Err(ExecError::Tasks(errors)),
    }
}

/// The pool strategy: a rayon pool of its own, so that the worker count is
/// the one asked for whatever the global pool is. Inputs are split down to
/// single tasks, so that idle threads can always steal work.
fn run_pool<T, R>(
    inputs: Vec<(usize, T)>,
    pool: &rayon::ThreadPool,
    task: &(dyn Fn(usize, T, usize) -> Option<Result<R, TaskError>> + Sync),
) -> Slots<R>
where
    T: Send,
    R: Send,
{
    use rayon::prelude::*;
    pool.install(|| {
        inputs
            .into_par_iter()
            .with_max_len(1)
            .map(|(i, x)| task(i, x, rayon::current_thread_index().unwrap_or(0)))
            .collect()
    })
}
