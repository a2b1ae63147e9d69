//! The scheduler under the task graph: runs a plan of tasks with
//! dependencies, in the caller (synchronous) or on worker threads. There is
//! no central thread: each worker takes the next ready task from shared
//! state, runs it outside the lock, then records its value and releases the
//! tasks that were waiting for it. Among ready tasks the most recently
//! created goes first, so consumers run as soon as their inputs exist, and
//! an input is dropped as soon as its last consumer has taken it: memory
//! stays bounded by the tasks in flight, as in dask.

use std::any::Any;
use std::collections::BinaryHeap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::error::{ExecError, TaskError};
use crate::executor::OnError;

/// A task's output, shared with the tasks that consume it.
pub(crate) type Value = Arc<dyn Any + Send + Sync>;

/// Runs a task: its id, its inputs' values in order, the worker.
pub(crate) type RunTask<'a> = dyn Fn(usize, Vec<Value>, usize) -> Result<Value, TaskError> + Sync + 'a;

/// What to run: for every task, the tasks whose values it takes.
pub(crate) struct Plan<'a> {
    /// Dependencies of each task; only tasks with smaller ids, so no cycle.
    pub(crate) deps: &'a [Vec<usize>],
    /// The tasks whose values are wanted.
    pub(crate) outputs: &'a [usize],
}

/// The scheduler's shared state.
struct State {
    ready: BinaryHeap<usize>,
    values: Vec<Option<Value>>,
    /// Inputs each task still waits for.
    waiting_on: Vec<usize>,
    /// Consumers (and output uses) each value still has.
    uses: Vec<usize>,
    running: usize,
    errors: Vec<TaskError>,
    stop: bool,
    /// Tasks whose result was lost without a failure.
    lost: Vec<usize>,
}

impl State {
    /// Nothing runs and nothing more will: every task ran, or the run
    /// stopped, or the tasks left wait on inputs that failed or were lost
    /// (they never become ready).
    fn finished(&self) -> bool {
        self.running == 0 && (self.stop || self.ready.is_empty())
    }
}

impl Plan<'_> {
    /// The tasks the outputs need, by a walk from the outputs.
    pub(crate) fn needed(&self) -> Vec<bool> {
        let mut needed = vec![false; self.deps.len()];
        let mut stack: Vec<usize> = self.outputs.to_vec();
        while let Some(t) = stack.pop() {
            if !std::mem::replace(&mut needed[t], true) {
                stack.extend(self.deps[t].iter().copied());
            }
        }
        needed
    }
}

/// Why [`execute`] returned no values.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Tasks failed, in index order.
    Tasks(Vec<TaskError>),
    /// A worker thread could not start (the others were stopped), or
    /// results were lost.
    Run(ExecError),
}

/// Runs the tasks the outputs need; `workers == 0` runs them in the caller.
/// Returns the outputs' values, in the order asked for, or every failure.
pub(crate) fn execute(
    plan: &Plan<'_>,
    workers: usize,
    on_error: OnError,
    run: &RunTask<'_>,
) -> Result<Vec<Value>, Failure> {
    let n = plan.deps.len();
    let needed = plan.needed();
    let mut waiting_on = vec![0usize; n];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut uses = vec![0usize; n];
    for t in (0..n).filter(|&t| needed[t]) {
        waiting_on[t] = plan.deps[t].len();
        for &d in &plan.deps[t] {
            dependents[d].push(t);
            uses[d] += 1;
        }
    }
    for &o in plan.outputs {
        uses[o] += 1; // outputs are never dropped
    }
    let state = Mutex::new(State {
        ready: (0..n).filter(|&t| needed[t] && waiting_on[t] == 0).collect(),
        values: vec![None; n],
        waiting_on,
        uses,
        running: 0,
        errors: Vec::new(),
        stop: false,
        lost: Vec::new(),
    });
    let wake = Condvar::new();
    let shared = Shared { plan, dependents: &dependents, state: &state, wake: &wake, on_error, run };
    // More threads than tasks would only wait: start no more than the tasks.
    let tasks = needed.iter().filter(|&&x| x).count();
    let workers = if workers == 0 { 0 } else { workers.min(tasks).max(1) };
    if workers == 0 {
        shared.work(0);
    } else {
        let started = std::thread::scope(|scope| {
            for worker in 0..workers {
                let shared = &shared;
                let name = format!("executors-graph-{worker}");
                if let Err(e) =
                    crate::spawn::scoped(scope, name, worker, workers, move || shared.work(worker))
                {
                    // Stop the started workers after their current task.
                    shared.lock().stop = true;
                    shared.wake.notify_all();
                    return Err(e);
                }
            }
            Ok(())
        });
        started.map_err(Failure::Run)?;
    }
    let mut state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if !state.lost.is_empty() {
        state.lost.sort_unstable();
        return Err(Failure::Run(ExecError::WorkerLost { missing: state.lost }));
    }
    if !state.errors.is_empty() {
        state.errors.sort_by_key(|e| e.index);
        return Err(Failure::Tasks(state.errors));
    }
    Ok(plan.outputs.iter().map(|&o| state.values[o].clone().expect("output computed")).collect())
}

struct Shared<'a, 'r> {
    plan: &'a Plan<'a>,
    dependents: &'a [Vec<usize>],
    state: &'a Mutex<State>,
    wake: &'a Condvar,
    on_error: OnError,
    run: &'a RunTask<'r>,
}

impl Shared<'_, '_> {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A worker's loop: take a ready task, run it, record it, until done.
    fn work(&self, worker: usize) {
        let mut state = self.lock();
        loop {
            if state.finished() {
                self.wake.notify_all();
                return;
            }
            let Some(t) = (if state.stop { None } else { state.ready.pop() }) else {
                state = self.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                continue;
            };
            state.running += 1;
            let args = self.take_inputs(&mut state, t);
            drop(state);
            // A panic here comes from a callback (tasks' own are caught
            // as failures): the task's result is lost, and so are its
            // consumers', but this worker goes on.
            let out = catch_unwind(AssertUnwindSafe(|| (self.run)(t, args, worker)));
            state = self.lock();
            state.running -= 1;
            match out {
                Err(_) => {
                    state.lost.push(t);
                    self.wake.notify_all();
                }
                Ok(Ok(v)) => {
                    state.values[t] = Some(v);
                    let mut released = 0;
                    for &c in &self.dependents[t] {
                        state.waiting_on[c] -= 1;
                        if state.waiting_on[c] == 0 {
                            state.ready.push(c);
                            released += 1;
                        }
                    }
                    // This worker takes one; wake others for the rest.
                    for _ in 1..released {
                        self.wake.notify_one();
                    }
                }
                Ok(Err(e)) => {
                    state.errors.push(e);
                    if self.on_error == OnError::Stop {
                        state.stop = true;
                    }
                    // Tasks that needed this one never become ready.
                    self.wake.notify_all();
                }
            }
        }
    }

    /// Takes a task's inputs, dropping each whose last consumer this is.
    fn take_inputs(&self, state: &mut State, t: usize) -> Vec<Value> {
        self.plan.deps[t]
            .iter()
            .map(|&d| {
                state.uses[d] -= 1;
                if state.uses[d] == 0 { state.values[d].take() } else { state.values[d].clone() }
                    .expect("input computed")
            })
            .collect()
    }
}
