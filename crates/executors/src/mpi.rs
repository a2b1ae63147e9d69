//! The MPI backend (feature `mpi`): the same program runs on every rank and
//! builds the same task list (SPMD); rank 0 hands out ranges of task indices
//! on request (guided self-scheduling: large ranges while much is left, down
//! to single tasks at the end, so that workers rarely wait for rank 0), runs
//! tasks itself between requests, and gathers the results, serialized with
//! bincode, in input order. A failed or panicking task stops the job: rank 0 returns the
//! task's error (and the program exits non-zero); no rank waits forever.

use std::fmt::Display;

use mpi::topology::{Communicator, SimpleCommunicator};
use mpi::traits::{Destination, Source};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ExecError, TaskError};
use crate::executor::run_catching;

/// The tags of one call of [`Mpi::map`]: every call (the same sequence on
/// every rank, SPMD) has its own, so that a worker already asking for work
/// of the next call is never mistaken for one finishing this call.
#[derive(Clone, Copy)]
struct Tags {
    result: i32,
    task: i32,
    stop: i32,
}

impl Tags {
    /// The tags of call number `call` (MPI guarantees tags up to 32767).
    fn of(call: u32) -> Self {
        let base = 1 + 3 * (call % 10_000) as i32;
        Self { result: base, task: base + 1, stop: base + 2 }
    }
}

/// A task's outcome on the wire: the index and the result or the error.
type Outcome<R> = (usize, Result<R, TaskError>);

/// Runs batches across the ranks of an MPI job.
///
/// Call [`Mpi::initialize`] once per process, then [`Mpi::map`] on every
/// rank with the same inputs; rank 0 gets `Some(results)`, others `None`.
pub struct Mpi {
    _universe: mpi::environment::Universe,
    world: SimpleCommunicator,
    /// Calls of `map` so far, the same on every rank.
    calls: std::cell::Cell<u32>,
}

impl std::fmt::Debug for Mpi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mpi").field("rank", &self.rank()).field("size", &self.size()).finish()
    }
}

impl Mpi {
    /// Initializes MPI; `None` if it was initialized already.
    pub fn initialize() -> Option<Self> {
        let universe = mpi::initialize()?;
        let world = universe.world();
        Some(Self { _universe: universe, world, calls: std::cell::Cell::new(0) })
    }

    /// This process's rank.
    pub fn rank(&self) -> i32 {
        self.world.rank()
    }

    /// Number of ranks.
    pub fn size(&self) -> i32 {
        self.world.size()
    }

    /// Runs `f` on every input, spread over the ranks; every rank must call
    /// it with the same inputs. Rank 0 returns the results in input order,
    /// the other ranks `None`. Results are bit for bit those of a local run.
    pub fn map<T, R, E, F>(&self, inputs: Vec<T>, f: F) -> Result<Option<Vec<R>>, ExecError>
    where
        R: Serialize + DeserializeOwned,
        E: Display,
        F: Fn(T) -> Result<R, E>,
    {
        let total = inputs.len();
        let mut inputs: Vec<Option<T>> = inputs.into_iter().map(Some).collect();
        let mut run = |i: usize| -> Result<R, TaskError> {
            let input = inputs[i].take().expect("each task is handed out once");
            run_catching(i, &|| format!("task-{i}"), || f(input))
        };
        let tags = Tags::of(self.calls.get());
        self.calls.set(self.calls.get().wrapping_add(1));
        if self.rank() == 0 {
            self.coordinate(total, tags, &mut run).map(Some)
        } else {
            self.work(tags, &mut run).map(|()| None)
        }
    }

    /// Rank 0: hand out indices on request, run tasks in between, gather.
    fn coordinate<R>(
        &self,
        total: usize,
        tags: Tags,
        run: &mut dyn FnMut(usize) -> Result<R, TaskError>,
    ) -> Result<Vec<R>, ExecError>
    where
        R: Serialize + DeserializeOwned,
    {
        let n_workers = (self.size() - 1) as usize;
        let mut results: Vec<Option<R>> = (0..total).map(|_| None).collect();
        let mut next = 0usize;
        let mut stopped = 0usize;
        let mut failure: Option<TaskError> = None;
        let record =
            |out: Outcome<R>, results: &mut Vec<Option<R>>, failure: &mut Option<TaskError>| match out.1 {
                Ok(r) => results[out.0] = Some(r),
                Err(e) => {
                    if failure.as_ref().is_none_or(|f| e.index < f.index) {
                        *failure = Some(e);
                    }
                }
            };
        loop {
            // Answer every request waiting, then run one task here.
            while let Some(status) = self.world.any_process().immediate_probe_with_tag(tags.result) {
                let (bytes, _) =
                    self.world.process_at_rank(status.source_rank()).receive_vec_with_tag::<u8>(tags.result);
                for out in decode::<Vec<Outcome<R>>>(&bytes)? {
                    record(out, &mut results, &mut failure);
                }
                let worker = self.world.process_at_rank(status.source_rank());
                if next < total && failure.is_none() {
                    let len = ((total - next) / (4 * self.size() as usize)).clamp(1, 64);
                    worker.send_with_tag(&[next as u64, len as u64][..], tags.task);
                    next += len;
                } else {
                    worker.send_with_tag(&[0u64, 0][..], tags.stop);
                    stopped += 1;
                }
            }
            if next < total && failure.is_none() {
                let i = next;
                next += 1;
                record((i, run(i)), &mut results, &mut failure);
            } else if stopped < n_workers {
                // Nothing left to run here: wait for the workers' last results.
                let (bytes, status) = self.world.any_process().receive_vec_with_tag::<u8>(tags.result);
                for out in decode::<Vec<Outcome<R>>>(&bytes)? {
                    record(out, &mut results, &mut failure);
                }
                self.world.process_at_rank(status.source_rank()).send_with_tag(&[0u64, 0][..], tags.stop);
                stopped += 1;
            } else {
                break;
            }
        }
        if let Some(e) = failure {
            return Err(ExecError::Task(e));
        }
        let missing: Vec<usize> = (0..total).filter(|&i| results[i].is_none()).collect();
        if !missing.is_empty() {
            return Err(ExecError::WorkerLost { missing });
        }
        Ok(results.into_iter().map(|r| r.expect("checked")).collect())
    }

    /// A worker rank: ask for work with the last results, run, repeat.
    fn work<R: Serialize>(
        &self,
        tags: Tags,
        run: &mut dyn FnMut(usize) -> Result<R, TaskError>,
    ) -> Result<(), ExecError> {
        let root = self.world.process_at_rank(0);
        let mut done: Vec<Outcome<R>> = Vec::new();
        loop {
            root.send_with_tag(&encode(&done)?[..], tags.result);
            done.clear();
            // Rank 0 answers this call's request with this call's task or stop.
            let (range, status) = root.receive_vec::<u64>();
            if status.tag() == tags.stop {
                return Ok(());
            }
            debug_assert_eq!(status.tag(), tags.task);
            let (start, len) = (range[0] as usize, range[1] as usize);
            for i in start..start + len {
                let out = run(i);
                let failed = out.is_err();
                done.push((i, out));
                if failed {
                    break; // report it at once; rank 0 stops the job
                }
            }
        }
    }
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, ExecError> {
    bincode::serialize(value).map_err(|e| ExecError::Remote(format!("cannot serialize a result: {e}")))
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ExecError> {
    bincode::deserialize(bytes).map_err(|e| ExecError::Remote(format!("cannot deserialize a result: {e}")))
}
