//! Starting worker threads without panicking: every strategy starts its
//! threads here, and a thread the system refuses becomes
//! [`ExecError::Spawn`]. Tests make the n-th start on the current thread
//! fail, to check that the workers already started are stopped and joined.

use std::thread::{Scope, ScopedJoinHandle};

use crate::error::ExecError;

/// Starts a named scoped thread; `index` of `workers` names it in the error.
pub(crate) fn scoped<'scope, 'env, F>(
    scope: &'scope Scope<'scope, 'env>,
    name: String,
    index: usize,
    workers: usize,
    f: F,
) -> Result<ScopedJoinHandle<'scope, ()>, ExecError>
where
    F: FnOnce() + Send + 'scope,
{
    allowed()
        .and_then(|()| std::thread::Builder::new().name(name).spawn_scoped(scope, f))
        .map_err(|e| error(index, workers, &e))
}

/// The error for worker `index` of `workers` that could not start.
pub(crate) fn error(index: usize, workers: usize, e: &std::io::Error) -> ExecError {
    ExecError::Spawn { index, workers, message: e.to_string() }
}

/// Builds a rayon pool whose threads are started as the others are.
pub(crate) fn rayon_pool(workers: usize) -> Result<rayon::ThreadPool, ExecError> {
    let failed = std::cell::Cell::new(None);
    let built = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .spawn_handler(|thread| {
            let index = thread.index();
            allowed()
                .and_then(|()| {
                    std::thread::Builder::new()
                        .name(format!("executors-pool-{index}"))
                        .spawn(move || thread.run())
                        .map(drop)
                })
                .inspect_err(|_| failed.set(Some(index)))
        })
        .build();
    // Rayon terminates the threads already started when a later one fails.
    built.map_err(|e| match failed.get() {
        Some(index) => ExecError::Spawn { index, workers, message: e.to_string() },
        None => ExecError::Pool(e.to_string()),
    })
}

#[cfg(not(test))]
#[inline]
fn allowed() -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
thread_local! {
    /// Starts left before one fails, on this thread (tests only).
    static FAIL_AFTER: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

#[cfg(test)]
fn allowed() -> std::io::Result<()> {
    FAIL_AFTER.with(|left| match left.get() {
        Some(0) => {
            left.set(None);
            Err(std::io::Error::new(std::io::ErrorKind::WouldBlock, "thread limit reached (test)"))
        }
        Some(n) => {
            left.set(Some(n - 1));
            Ok(())
        }
        None => Ok(()),
    })
}

/// Makes the start after the next `n` on this thread fail (tests only).
#[cfg(test)]
pub(crate) fn fail_after(n: usize) {
    FAIL_AFTER.with(|left| left.set(Some(n)));
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::fail_after;
    use crate::{ExecError, Executor, Graph, Progress, Strategy};

    fn slow(x: u32) -> Result<u32, String> {
        std::thread::sleep(Duration::from_millis(2));
        Ok(x)
    }

    #[test]
    fn a_worker_that_cannot_start_is_an_error_for_every_threaded_strategy() {
        for strategy in [Strategy::WorkQueue, Strategy::Pool, Strategy::Graph] {
            for started in [0, 1, 3] {
                let exec = Executor::new(strategy, 5).unwrap().progress(Progress::Hidden);
                let ran = AtomicUsize::new(0);
                fail_after(started);
                let begin = Instant::now();
                let err = exec
                    .map((0..200).collect(), |x| {
                        ran.fetch_add(1, Ordering::Relaxed);
                        slow(x)
                    })
                    .unwrap_err();
                match err {
                    ExecError::Spawn { index, workers, message } => {
                        assert_eq!((index, workers), (started, 5), "{strategy}");
                        assert!(message.contains("thread limit"), "{message}");
                    }
                    other => panic!("{strategy}: {other:?}"),
                }
                // The started workers were stopped rather than left to run
                // every task (200 tasks of 2 ms would take 400 ms on one).
                assert!(ran.load(Ordering::Relaxed) < 200, "{strategy}: every task ran");
                assert!(begin.elapsed() < Duration::from_secs(5), "{strategy}: slow to stop");
                // The next run, with every thread allowed, works.
                assert_eq!(exec.map(vec![1, 2, 3], slow).unwrap(), [1, 2, 3], "{strategy}");
            }
        }
    }

    /// Counts finishes, and failed ones.
    #[derive(Default)]
    struct Finishes(AtomicUsize, AtomicUsize);

    impl crate::Callback for Finishes {
        fn finish(&self, failed: bool) {
            self.0.fetch_add(1, Ordering::Relaxed);
            self.1.fetch_add(usize::from(failed), Ordering::Relaxed);
        }
    }

    #[test]
    fn callbacks_hear_the_finish_of_a_run_whose_workers_could_not_start() {
        for strategy in [Strategy::WorkQueue, Strategy::Pool, Strategy::Graph] {
            let finishes = std::sync::Arc::new(Finishes::default());
            let exec = Executor::new(strategy, 3)
                .unwrap()
                .progress(Progress::Hidden)
                .with_callback(finishes.clone());
            fail_after(1);
            assert!(matches!(exec.map((0..20).collect(), slow), Err(ExecError::Spawn { .. })), "{strategy}");
            let seen = (finishes.0.load(Ordering::Relaxed), finishes.1.load(Ordering::Relaxed));
            assert_eq!(seen, (1, 1), "{strategy}: one finish, failed");
        }
    }

    #[test]
    fn a_graph_whose_scheduler_thread_cannot_start_is_an_error() {
        let g = Graph::new();
        let inc = g.delayed1("inc", |x: &u32| slow(x + 1));
        let outs: Vec<_> = (0..50u32).map(|i| inc.call(&g.value(i))).collect();
        let refs: Vec<_> = outs.iter().collect();
        let exec = Executor::new(Strategy::Graph, 4).unwrap().progress(Progress::Hidden);
        fail_after(2);
        let err = g.compute(&refs, &exec).unwrap_err();
        assert!(matches!(err, ExecError::Spawn { index: 2, workers: 4, .. }), "{err:?}");
        assert_eq!(err.to_string(), "cannot start worker thread 2 of 4: thread limit reached (test)");
        assert_eq!(g.compute(&refs[..2], &exec).unwrap(), [1, 2]);
    }
}
