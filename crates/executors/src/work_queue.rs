//! The talk's "first principles" strategy, made correct: a work channel
//! carrying tasks then one STOP per worker, a done channel carrying results
//! then each worker's STOP, and worker threads in between.
//!
//! Where the talk's version waits forever for a STOP from a worker that
//! died, this one cannot hang: panics are caught inside the worker and sent
//! back as results, and the collector reads the done channel once the
//! workers have ended (joined), so it never waits for a STOP that will not
//! come; tasks with no result are then reported by index
//! ([`crate::ExecError::WorkerLost`]). Collecting after the join also keeps
//! the collecting thread from competing with the workers for a core.

use crossbeam_channel::unbounded;

use crate::error::{ExecError, TaskError};
use crate::executor::Slots;

/// A message on the work channel.
enum Work<T> {
    /// Run this input, with its index.
    Task(usize, usize, T),
    /// No more work: exit.
    Stop,
}

/// A message on the done channel.
enum Done<R> {
    /// The result (or `None` if skipped after a failure) for a position.
    Result(usize, Option<Result<R, TaskError>>),
    /// This worker has exited cleanly.
    Stopped,
}

/// Runs `task` on every input with `workers` threads; results by position.
/// A worker that cannot start is an error: the work not yet taken is then
/// withdrawn, and the workers already started end after their current task.
pub(crate) fn run<T, R>(
    inputs: Vec<(usize, T)>,
    workers: usize,
    task: &(dyn Fn(usize, T, usize) -> Option<Result<R, TaskError>> + Sync),
) -> Result<Slots<R>, ExecError>
where
    T: Send,
    R: Send,
{
    let n = inputs.len();
    // More workers than tasks would only take a STOP: start no more than the tasks.
    let workers = workers.min(n).max(1);
    let (work_tx, work_rx) = unbounded::<Work<T>>();
    let (done_tx, done_rx) = unbounded::<Done<R>>();
    for (position, (index, input)) in inputs.into_iter().enumerate() {
        work_tx.send(Work::Task(position, index, input)).expect("receiver alive");
    }
    for _ in 0..workers {
        work_tx.send(Work::Stop).expect("receiver alive");
    }
    drop(work_tx);

    let mut slots: Slots<R> = (0..n).map(|_| None).collect();
    let started = std::thread::scope(|scope| {
        let mut handles = Vec::with_capacity(workers);
        let mut started = Ok(());
        for worker in 0..workers {
            let work_rx_worker = work_rx.clone();
            let done_tx = done_tx.clone();
            let name = format!("executors-worker-{worker}");
            let handle = crate::spawn::scoped(scope, name, worker, workers, move || {
                while let Ok(Work::Task(position, index, input)) = work_rx_worker.recv() {
                    let out = task(index, input, worker);
                    if done_tx.send(Done::Result(position, out)).is_err() {
                        return;
                    }
                }
                let _ = done_tx.send(Done::Stopped);
            });
            match handle {
                Ok(handle) => handles.push(handle),
                Err(e) => {
                    // Withdraw the work (and the STOPs): with the channel
                    // empty and its sender gone, the started workers end.
                    while work_rx.try_recv().is_ok() {}
                    started = Err(e);
                    break;
                }
            }
        }
        // Join each worker here rather than at the scope's end: a worker
        // that died is then a lost result, not a panic in the caller.
        for handle in handles {
            let _ = handle.join();
        }
        started
    });
    started?;
    drop(done_tx);
    // Collect after the workers have ended (the scope joins them), so that
    // the collecting thread never competes with them for a core; every
    // result and STOP is waiting in the done channel. A worker that ended
    // without its STOP leaves its tasks' slots empty, reported by index.
    let mut stopped = 0;
    for message in done_rx.try_iter() {
        match message {
            Done::Result(position, out) => slots[position] = out,
            Done::Stopped => stopped += 1,
        }
    }
    debug_assert!(stopped <= workers);
    Ok(slots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_that_dies_loses_only_its_task_and_does_not_hang() {
        for workers in [1, 3] {
            let task = |index: usize, x: u32, _worker: usize| -> Option<Result<u32, TaskError>> {
                // A panic that escapes the task (the executor catches tasks'
                // own): the worker thread ends there.
                assert_ne!(index, 4, "worker dies");
                Some(Ok(x * 2))
            };
            let slots = run((0..10u32).map(|i| (i as usize, i)).collect(), workers, &task).unwrap();
            let lost: Vec<usize> = (0..10).filter(|&i| slots[i].is_none()).collect();
            if workers == 1 {
                // The only worker died: its task and those after it are lost.
                assert_eq!(lost, (4..10).collect::<Vec<_>>());
            } else {
                assert_eq!(lost, [4], "the other workers did the rest");
            }
            for (i, slot) in slots.iter().enumerate().filter(|(i, _)| !lost.contains(i)) {
                assert_eq!(slot.as_ref().unwrap().as_ref().unwrap(), &(2 * i as u32));
            }
        }
    }
}
