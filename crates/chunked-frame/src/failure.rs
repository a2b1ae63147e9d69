//! The first failure of a computation over partitions. Tasks run in any
//! order and an executor may stop at the first task that fails, so the
//! error a computation reports is that of the earliest partition: the
//! partitions before the failed one that did not complete are read again,
//! in order, when (and only when) something failed.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{FrameError, Result};

/// Where partition tasks leave their typed errors (the task graph carries
/// only messages) and mark their success.
pub(crate) struct Failures {
    /// The failure of the earliest partition seen so far.
    first: Mutex<Option<(usize, FrameError)>>,
    /// Per partition: whether its task succeeded.
    done: Vec<AtomicBool>,
}

impl Failures {
    /// For a computation over `partitions` partitions.
    pub(crate) fn new(partitions: usize) -> Self {
        Self { first: Mutex::new(None), done: (0..partitions).map(|_| AtomicBool::new(false)).collect() }
    }

    /// Records the outcome of partition `p`'s task; an error is kept if no
    /// earlier partition's is, and handed on to the executor as text.
    pub(crate) fn keep<T>(&self, p: usize, r: Result<T>) -> std::result::Result<T, String> {
        match r {
            Ok(v) => {
                if let Some(d) = self.done.get(p) {
                    d.store(true, Ordering::Relaxed);
                }
                Ok(v)
            }
            Err(e) => {
                let message = e.to_string();
                let mut slot = self.first.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if slot.as_ref().is_none_or(|(q, _)| p < *q) {
                    *slot = Some((p, e));
                }
                Err(message)
            }
        }
    }

    /// The computed value, or the error of the earliest failing partition:
    /// `recheck(q)` reads again each partition `q` before the failed one
    /// whose task did not succeed.
    pub(crate) fn finish<T>(
        &self,
        r: std::result::Result<T, executors::ExecError>,
        recheck: impl Fn(usize) -> Result<()>,
    ) -> Result<T> {
        let e = match r {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let kept = self.first.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        let Some((p, error)) = kept else { return Err(FrameError::Exec(e)) };
        for q in 0..p {
            if !self.done[q].load(Ordering::Relaxed) {
                recheck(q)?;
            }
        }
        Err(error)
    }
}
