//! The scheduler under the task graph: runs a plan of tasks with
//! dependencies, synchronously or on worker threads, dispatching at most one
//! task per worker at a time and preferring the most recently created ready
//! task, so that consumers run as soon as their inputs exist and inputs are
//! dropped as soon as their last consumer has them (memory stays bounded by
//! the tasks in flight, as in dask).

use std::any::Any;
use std::collections::BinaryHeap;
use std::sync::Arc;

use crossbeam_channel::unbounded;

use crate::error::TaskError;
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

/// Runs the tasks the outputs need; `workers == 0` runs them in the caller.
/// Returns the outputs' values, in the order asked for, or every failure.
pub(crate) fn execute(
    plan: &Plan<'_>,
    workers: usize,
    on_error: OnError,
    run: &RunTask<'_>,
) -> Result<Vec<Value>, Vec<TaskError>> {
    let n = plan.deps.len();
    // The tasks needed, by a walk from the outputs.
    let mut needed = vec![false; n];
    let mut stack: Vec<usize> = plan.outputs.to_vec();
    while let Some(t) = stack.pop() {
        if !std::mem::replace(&mut needed[t], true) {
            stack.extend(plan.deps[t].iter().copied());
        }
    }
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
        uses[o] += 1; // never dropped
    }
    let mut ready: BinaryHeap<usize> = (0..n).filter(|&t| needed[t] && waiting_on[t] == 0).collect();
    let mut values: Vec<Option<Value>> = vec![None; n];
    let mut errors: Vec<TaskError> = Vec::new();
    let mut stop = false;

    // Takes a ready task's inputs, dropping each input whose last consumer this is.
    let mut take_inputs = |t: usize, values: &mut Vec<Option<Value>>| -> Vec<Value> {
        plan.deps[t]
            .iter()
            .map(|&d| {
                uses[d] -= 1;
                if uses[d] == 0 { values[d].take() } else { values[d].clone() }.expect("input computed")
            })
            .collect()
    };
    let mut finish = |t: usize,
                      out: Result<Value, TaskError>,
                      values: &mut Vec<Option<Value>>,
                      ready: &mut BinaryHeap<usize>,
                      errors: &mut Vec<TaskError>,
                      stop: &mut bool| match out {
        Ok(v) => {
            values[t] = Some(v);
            for &c in &dependents[t] {
                waiting_on[c] -= 1;
                if waiting_on[c] == 0 {
                    ready.push(c);
                }
            }
        }
        Err(e) => {
            errors.push(e);
            *stop |= on_error == OnError::Stop;
        }
    };

    if workers == 0 {
        while let Some(t) = ready.pop() {
            if stop {
                break;
            }
            let args = take_inputs(t, &mut values);
            let out = run(t, args, 0);
            finish(t, out, &mut values, &mut ready, &mut errors, &mut stop);
        }
    } else {
        let (task_tx, task_rx) = unbounded::<(usize, Vec<Value>)>();
        let (done_tx, done_rx) = unbounded::<(usize, Result<Value, TaskError>)>();
        std::thread::scope(|scope| {
            for worker in 0..workers {
                let task_rx = task_rx.clone();
                let done_tx = done_tx.clone();
                std::thread::Builder::new()
                    .name(format!("executors-graph-{worker}"))
                    .spawn_scoped(scope, move || {
                        while let Ok((t, args)) = task_rx.recv() {
                            if done_tx.send((t, run(t, args, worker))).is_err() {
                                return;
                            }
                        }
                    })
                    .expect("spawn a scheduler thread");
            }
            drop(done_tx);
            let mut in_flight = 0;
            loop {
                while in_flight < workers && !stop {
                    let Some(t) = ready.pop() else { break };
                    let args = take_inputs(t, &mut values);
                    task_tx.send((t, args)).expect("workers alive while the scheduler runs");
                    in_flight += 1;
                }
                if in_flight == 0 {
                    break;
                }
                let Ok((t, out)) = done_rx.recv() else { break };
                in_flight -= 1;
                finish(t, out, &mut values, &mut ready, &mut errors, &mut stop);
            }
            drop(task_tx);
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.index);
        return Err(errors);
    }
    Ok(plan.outputs.iter().map(|&o| values[o].clone().expect("output computed")).collect())
}
