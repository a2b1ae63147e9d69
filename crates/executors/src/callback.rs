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
    /// Whether [`Callback::pretask`] and [`Callback::posttask`] are to be
    /// called: a callback that only watches runs (start and finish) says
    /// no, and then costs its runs nothing a task. Asked once a run.
    fn wants_tasks(&self) -> bool {
        true
    }
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
/// Each worker writes to a shard of its own (a lock no other worker
/// takes, unless there are more than 64 workers), so that
/// profiling costs a task two clock reads, a copy of its key and no
/// waiting; [`Profiler::spans`] merges the shards.
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
    shards: Box<[Shard]>,
}

/// The number of shards of a [`Profiler`]: worker `w` writes to shard
/// `w % SHARDS`.
const SHARDS: usize = 64;

/// The tasks of the workers of one shard, on a cache line of its own.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<ShardTasks>);

#[derive(Debug, Default)]
struct ShardTasks {
    /// Tasks started and not ended: worker, a hash of the key, start.
    /// A worker's tasks nest (a task that waits may run another on its
    /// thread), so the latest match is the one that ends.
    open: Vec<(usize, u64, Duration)>,
    /// Tasks ended, in the order they ended.
    spans: Vec<TaskSpan>,
}

impl Default for Profiler {
    fn default() -> Self {
        Self::new()
    }
}

impl Profiler {
    /// A profiler whose clock starts now.
    pub fn new() -> Self {
        Self { origin: Instant::now(), shards: (0..SHARDS).map(|_| Shard::default()).collect() }
    }

    /// The instant task times are counted from.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// The tasks finished so far, in the order they finished (by their end
    /// times).
    pub fn spans(&self) -> Vec<TaskSpan> {
        let mut all = Vec::new();
        for shard in self.shards.iter() {
            all.extend(shard.lock().spans.iter().cloned());
        }
        all.sort_by_key(|s| s.end);
        all
    }
}

impl Shard {
    fn lock(&self) -> std::sync::MutexGuard<'_, ShardTasks> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// FNV-1a of a key: enough to tell a worker's nested tasks apart.
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Callback for Profiler {
    fn pretask(&self, key: &str, worker: usize) {
        let hash = key_hash(key);
        let now = self.origin.elapsed();
        self.shards[worker % SHARDS].lock().open.push((worker, hash, now));
    }

    fn posttask(&self, key: &str, worker: usize, ok: bool) {
        let end = self.origin.elapsed();
        let hash = key_hash(key);
        let mut shard = self.shards[worker % SHARDS].lock();
        let start = match shard.open.iter().rposition(|&(w, h, _)| w == worker && h == hash) {
            Some(i) => shard.open.remove(i).2,
            None => end,
        };
        shard.spans.push(TaskSpan { key: key.to_owned(), worker, start, end, ok });
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
    /// Those of `callbacks` that want to hear of every task.
    per_task: Arc<[Arc<dyn Callback>]>,
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
        let per_task: Vec<Arc<dyn Callback>> =
            callbacks.iter().filter(|c| c.wants_tasks()).cloned().collect();
        Self { callbacks: callbacks.into(), per_task: per_task.into(), bar }
    }

    #[inline]
    pub(crate) fn pre(&self, key: &dyn Fn() -> String, worker: usize) {
        if !self.per_task.is_empty() {
            let key = key();
            for c in self.per_task.iter() {
                c.pretask(&key, worker);
            }
        }
    }

    #[inline]
    pub(crate) fn post(&self, key: &dyn Fn() -> String, worker: usize, ok: bool) {
        if !self.per_task.is_empty() {
            let key = key();
            for c in self.per_task.iter() {
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

    /// Watches runs only.
    struct RunsOnly;

    impl Callback for RunsOnly {
        fn pretask(&self, _: &str, _: usize) {
            panic!("asked about a task");
        }
        fn wants_tasks(&self) -> bool {
            false
        }
    }

    #[test]
    fn a_callback_that_wants_no_tasks_costs_no_key() {
        let hooks = Hooks::for_output(&[Arc::new(RunsOnly)], Progress::Hidden, 3, false);
        let keys = std::sync::atomic::AtomicUsize::new(0);
        let key = || {
            keys.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            "task-0".to_owned()
        };
        hooks.pre(&key, 0);
        hooks.post(&key, 0, true);
        assert_eq!(keys.load(std::sync::atomic::Ordering::Relaxed), 0);
        let profiler: Arc<dyn Callback> = Arc::new(Profiler::new());
        let hooks = Hooks::for_output(&[Arc::new(RunsOnly), profiler], Progress::Hidden, 3, false);
        hooks.pre(&key, 0);
        hooks.post(&key, 0, true);
        assert_eq!(keys.load(std::sync::atomic::Ordering::Relaxed), 2);
    }

    #[test]
    fn the_profiler_pairs_nested_tasks_and_workers_sharing_a_shard() {
        let p = Profiler::new();
        let tick = || std::thread::sleep(Duration::from_millis(2));
        // Worker 1 runs "b" inside "a"; worker 65 shares its shard.
        p.pretask("a", 1);
        tick();
        p.pretask("b", 1);
        p.pretask("a", 65);
        tick();
        p.posttask("b", 1, true);
        tick();
        p.posttask("a", 65, false);
        tick();
        p.posttask("a", 1, true);
        p.pretask("c", 0);
        p.posttask("c", 0, true);
        let spans = p.spans();
        let order: Vec<(&str, usize)> = spans.iter().map(|s| (s.key.as_str(), s.worker)).collect();
        assert_eq!(order, [("b", 1), ("a", 65), ("a", 1), ("c", 0)], "in the order they ended");
        let (b, a65, a1) = (&spans[0], &spans[1], &spans[2]);
        assert!(a1.start < b.start && b.end < a1.end, "b nested in a: {a1:?} {b:?}");
        assert!(b.start <= a65.start && a65.start < b.end && !a65.ok);
        assert!(spans.iter().all(|s| s.start <= s.end));
        // A task that never started lasts no time.
        p.posttask("d", 3, true);
        let d = p.spans().into_iter().find(|s| s.key == "d").unwrap();
        assert_eq!(d.start, d.end);
    }

    #[test]
    fn overlapping_tasks_on_one_worker_number_keep_their_own_starts() {
        // Two runs sharing a profiler both have a worker 0: their tasks
        // overlap there without nesting, and each end finds its own start.
        // The key pairs are ones a weak hash would confuse.
        for (first, second) in [("a", "e"), ("b", "z"), ("inc-1", "inc-2")] {
            let p = Profiler::new();
            let tick = || std::thread::sleep(Duration::from_millis(2));
            p.pretask(first, 0);
            tick();
            p.pretask(second, 0);
            tick();
            p.posttask(first, 0, true);
            tick();
            p.posttask(second, 0, true);
            let spans = p.spans();
            let (one, two) = (&spans[0], &spans[1]);
            assert_eq!((one.key.as_str(), two.key.as_str()), (first, second));
            assert!(one.start < two.start && two.start < one.end && one.end < two.end, "{one:?} {two:?}");
        }
    }

    #[test]
    fn the_bar_appears_only_on_a_terminal_after_a_second() {
        let quiet = Hooks::for_output(&[], Progress::Auto, 10, false);
        assert!(quiet.bar.is_none());
        let hidden = Hooks::for_output(&[], Progress::Hidden, 10, true);
        assert!(hidden.bar.is_none());

        let hooks = Hooks::for_output(&[], Progress::Auto, 10, true);
        let bar = hooks.bar.clone().expect("a bar on a terminal");
        hooks.post(&|| "task-0".to_owned(), 0, true);
        // (`is_hidden` is true of stderr off a terminal as well: the flag
        // says whether the bar was sent to stderr.)
        assert!(!bar.shown.load(std::sync::atomic::Ordering::Relaxed), "shown before a second had passed");
        assert!(bar.bar.is_hidden());
        assert_eq!(bar.bar.position(), 1);
        std::thread::sleep(Duration::from_millis(1100));
        hooks.post(&|| "task-1".to_owned(), 0, true);
        assert!(bar.shown.load(std::sync::atomic::Ordering::Relaxed));
        assert_eq!(bar.bar.position(), 2);
        hooks.finish(false);
        assert!(bar.bar.is_finished());
    }
}
