//! Scheduler callbacks (dask's `start`, `pretask`, `posttask` and
//! `finish`), the [`Profiler`] built on them, and the progress bar.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Hooks a scheduler calls around every task, from the worker that runs it.
/// Implementations must be cheap and thread-safe.
pub trait Callback: Send + Sync {
    /// Before a run's first task, from the calling thread, with the number
    /// of tasks the run has: a batch's inputs, or the graph nodes the
    /// outputs need (dask's `start`).
    fn start(&self, _tasks: usize) {}
    /// Before the task with `key` starts on `worker`.
    fn pretask(&self, _key: &str, _worker: usize) {}
    /// After it ends; `ok` is false when it failed or panicked.
    fn posttask(&self, _key: &str, _worker: usize, _ok: bool) {}
    /// After a run's last task, from the calling thread, before its
    /// result is returned (dask's `finish`); `failed` when a task failed
    /// or was lost.
    fn finish(&self, _failed: bool) {}
}

/// One task as the [`Profiler`] saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskSpan {
    /// The task's key.
    pub key: String,
    /// The worker that ran it, from 0.
    pub worker: usize,
    /// Start, from the profiler's creation.
    pub start: Duration,
    /// End, from the profiler's creation.
    pub end: Duration,
    /// Whether it succeeded.
    pub ok: bool,
}

/// Records key, worker, start and end of every task (dask's `Profiler`).
///
/// ```
/// use std::sync::Arc;
/// use executors::{Executor, Profiler, Strategy};
/// let profiler = Arc::new(Profiler::new());
/// let exec = Executor::new(Strategy::Pool, 2)?.with_callback(profiler.clone());
/// exec.map(vec![1, 2, 3], |x: i32| Ok::<_, String>(x * 2))?;
/// assert_eq!(profiler.spans().len(), 3);
/// # Ok::<(), executors::ExecError>(())
/// ```
#[derive(Debug)]
pub struct Profiler {
    origin: Instant,
    open: Mutex<Vec<(String, usize, Duration)>>,
    spans: Mutex<Vec<TaskSpan>>,
}

impl Default for Profiler {
    fn default() -> Self {
        Self::new()
    }
}

impl Profiler {
    /// A profiler whose clock starts now.
    pub fn new() -> Self {
        Self { origin: Instant::now(), open: Mutex::new(Vec::new()), spans: Mutex::new(Vec::new()) }
    }

    /// The instant task times are counted from.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// The tasks finished so far, in the order they finished.
    pub fn spans(&self) -> Vec<TaskSpan> {
        self.spans.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Callback for Profiler {
    fn pretask(&self, key: &str, worker: usize) {
        let now = self.origin.elapsed();
        self.open.lock().unwrap_or_else(|e| e.into_inner()).push((key.to_owned(), worker, now));
    }

    fn posttask(&self, key: &str, worker: usize, ok: bool) {
        let end = self.origin.elapsed();
        let start = {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            match open.iter().position(|(k, w, _)| k == key && *w == worker) {
                Some(i) => open.swap_remove(i).2,
                None => end,
            }
        };
        self.spans.lock().unwrap_or_else(|e| e.into_inner()).push(TaskSpan {
            key: key.to_owned(),
            worker,
            start,
            end,
            ok,
        });
    }
}

/// When to show a progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Progress {
    /// When standard error is a terminal and the run lasts over a second.
    #[default]
    Auto,
    /// Never.
    Hidden,
}

/// The callbacks of one run: the user's, and the progress bar's.
#[derive(Clone)]
pub(crate) struct Hooks {
    callbacks: Arc<[Arc<dyn Callback>]>,
    bar: Option<Arc<Bar>>,
}

/// A progress bar that stays hidden for the first second.
struct Bar {
    bar: indicatif::ProgressBar,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Hooks {
    /// The hooks of a run of `tasks` tasks; tells the callbacks it starts.
    pub(crate) fn new(callbacks: &[Arc<dyn Callback>], progress: Progress, tasks: usize) -> Self {
        for c in callbacks {
            c.start(tasks);
        }
        Self::for_output(callbacks, progress, tasks, std::io::stderr().is_terminal())
    }

    /// As [`Hooks::new`], told whether standard error is a terminal.
    fn for_output(callbacks: &[Arc<dyn Callback>], progress: Progress, tasks: usize, terminal: bool) -> Self {
        let bar = (progress == Progress::Auto && terminal).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(tasks as u64),
                indicatif::ProgressDrawTarget::hidden(),
            );
            Arc::new(Bar { bar, started: Instant::now(), shown: false.into() })
        });
        Self { callbacks: callbacks.into(), bar }
    }

    #[inline]
    pub(crate) fn pre(&self, key: &dyn Fn() -> String, worker: usize) {
        if !self.callbacks.is_empty() {
            let key = key();
            for c in self.callbacks.iter() {
                c.pretask(&key, worker);
            }
        }
    }

    #[inline]
    pub(crate) fn post(&self, key: &dyn Fn() -> String, worker: usize, ok: bool) {
        if !self.callbacks.is_empty() {
            let key = key();
            for c in self.callbacks.iter() {
                c.posttask(&key, worker, ok);
            }
        }
        if let Some(b) = &self.bar {
            b.bar.inc(1);
            if !b.shown.load(std::sync::atomic::Ordering::Relaxed)
                && b.started.elapsed() > Duration::from_secs(1)
                && !b.shown.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                b.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
    }

    /// Ends the run: clears the bar and tells the callbacks.
    pub(crate) fn finish(&self, failed: bool) {
        if let Some(b) = &self.bar {
            b.bar.finish_and_clear();
        }
        for c in self.callbacks.iter() {
            c.finish(failed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_appears_only_on_a_terminal_after_a_second() {
        let quiet = Hooks::for_output(&[], Progress::Auto, 10, false);
        assert!(quiet.bar.is_none());
        let hidden = Hooks::for_output(&[], Progress::Hidden, 10, true);
        assert!(hidden.bar.is_none());

        let hooks = Hooks::for_output(&[], Progress::Auto, 10, true);
        let bar = hooks.bar.clone().expect("a bar on a terminal");
        hooks.post(&|| "task-0".to_owned(), 0, true);
        assert!(bar.bar.is_hidden(), "shown before a second had passed");
        assert_eq!(bar.bar.position(), 1);
        std::thread::sleep(Duration::from_millis(1100));
        hooks.post(&|| "task-1".to_owned(), 0, true);
        assert!(bar.shown.load(std::sync::atomic::Ordering::Relaxed));
        assert_eq!(bar.bar.position(), 2);
        hooks.finish(false);
        assert!(bar.bar.is_finished());
    }
}
