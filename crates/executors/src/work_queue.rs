//! The talk's "first principles" strategy, made correct: a work channel
//! carrying tasks then one STOP per worker, a done channel carrying results
//! then each worker's STOP, and worker threads in between.
//!
//! Where the talk's version waits forever for a STOP from a worker that
//! died, this one cannot hang: panics are caught inside the worker and sent
//! back as results, and the done channel closes when every worker has gone,
//! so the collecting loop ends even if a STOP never comes; tasks with no
//! result are then reported by index ([`ExecError::WorkerLost`]).

use std::time::{Duration, Instant};

use crossbeam_channel::{TryRecvError, unbounded};

use crate::error::TaskError;
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
    /// Results (or `None` for tasks skipped after a failure) by position.
    Results(Vec<(usize, Option<Result<R, TaskError>>)>),
    /// This worker has exited cleanly.
    Stopped,
}

/// A worker sends its results in batches of at most this many, or sooner
/// when [`BATCH_WAIT`] has passed since its last send: every message wakes
/// the collecting thread, which on a machine with as many workers as cores
/// takes a core from a worker.
const BATCH: usize = 64;
const BATCH_WAIT: Duration = Duration::from_millis(2);

/// How long the collector sleeps when the done channel is empty.
const COLLECT_POLL: Duration = Duration::from_micros(200);

/// Runs `task` on every input with `workers` threads; results by position.
pub(crate) fn run<T, R>(
    inputs: Vec<(usize, T)>,
    workers: usize,
    task: &(dyn Fn(usize, T, usize) -> Option<Result<R, TaskError>> + Sync),
) -> Slots<R>
where
    T: Send,
    R: Send,
{
    let n = inputs.len();
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
    std::thread::scope(|scope| {
        for worker in 0..workers {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            std::thread::Builder::new()
                .name(format!("executors-worker-{worker}"))
                .spawn_scoped(scope, move || {
                    let mut batch = Vec::new();
                    let mut last_send = Instant::now();
                    while let Ok(Work::Task(position, index, input)) = work_rx.recv() {
                        let out = task(index, input, worker);
                        // A failure goes out at once, so that it is seen promptly.
                        let urgent = matches!(out, Some(Err(_)));
                        batch.push((position, out));
                        if urgent || batch.len() >= BATCH || last_send.elapsed() >= BATCH_WAIT {
                            if done_tx.send(Done::Results(std::mem::take(&mut batch))).is_err() {
                                return;
                            }
                            last_send = Instant::now();
                        }
                    }
                    if !batch.is_empty() && done_tx.send(Done::Results(batch)).is_err() {
                        return;
                    }
                    let _ = done_tx.send(Done::Stopped);
                })
                .expect("spawn a worker thread");
        }
        drop(done_tx);
        // Until every worker has said STOP, or every worker is gone (the
        // channel disconnects when the last sender drops).
        // The collector polls with short sleeps rather than a blocking
        // receive, whose spinning and yielding before it parks would take
        // time from the workers when there are as many workers as cores.
        let mut stopped = 0;
        while stopped < workers {
            match done_rx.try_recv() {
                Ok(Done::Results(batch)) => {
                    for (position, out) in batch {
                        slots[position] = out;
                    }
                }
                Ok(Done::Stopped) => stopped += 1,
                Err(TryRecvError::Empty) => std::thread::sleep(COLLECT_POLL),
                Err(TryRecvError::Disconnected) => break,
            }
        }
    });
    slots
}
