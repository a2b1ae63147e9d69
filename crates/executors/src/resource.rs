//! [`ResourceProfiler`]: the process's CPU use and resident memory sampled
//! at a fixed interval on a thread of its own while runs go on (dask's
//! `ResourceProfiler`), read from Linux's `/proc/self`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::callback::{Callback, Profiler};

/// One sample of the process's resources.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResourceSample {
    /// When it was taken, from the profiler's origin.
    pub at: Duration,
    /// CPU time used by every thread of the process over the last 100 ms
    /// or so (since the earliest sample of the run within that span), as
    /// a percentage of that time: 200 is two cores busy; the first sample
    /// of a run has 0. (Linux counts CPU time in 10 ms ticks: over shorter
    /// spans the figure would jump between 0 and 100 per thread.)
    pub cpu_percent: f64,
    /// Resident memory (`VmRSS`), in bytes.
    pub memory_bytes: u64,
}

/// Why resources cannot be sampled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceError {
    /// The interval is zero.
    #[error("the sampling interval must be longer than zero")]
    ZeroInterval,
    /// `/proc/self` cannot be read (not Linux, or no `/proc`).
    #[error("cannot read {file}: {message}")]
    Proc {
        /// The file.
        file: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The sampling thread could not start.
    #[error("cannot start the sampling thread: {0}")]
    Spawn(String),
}

/// Samples CPU use and resident memory of this process every `interval`
/// on a thread of its own, from [`ResourceProfiler::start`] (or a run's
/// start, as a [`Callback`]) to [`ResourceProfiler::stop`] (or the run's
/// finish); a sample is taken at both ends too, so that even a short run
/// has two. Samples of every run are kept, with their times.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use executors::{Executor, ResourceProfiler, Strategy};
/// let resources = Arc::new(ResourceProfiler::new(Duration::from_millis(5))?);
/// let exec = Executor::new(Strategy::Pool, 2)?.with_callback(resources.clone());
/// exec.map((0..4).collect(), |x: u64| {
///     std::thread::sleep(Duration::from_millis(10));
///     Ok::<_, String>(x)
/// })?;
/// let samples = resources.samples();
/// assert!(samples.len() >= 2 && samples.iter().all(|s| s.memory_bytes > 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ResourceProfiler {
    origin: Instant,
    interval: Duration,
    samples: Arc<Mutex<Vec<ResourceSample>>>,
    running: Mutex<Option<Running>>,
}

/// The sampling thread and the channel that stops it.
#[derive(Debug)]
struct Running {
    stop: crossbeam_channel::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// The default interval: short enough for runs of a tenth of a second,
/// long enough to cost nothing (a sample reads two small files).
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(10);

impl ResourceProfiler {
    /// A profiler sampling every `interval`, its clock starting now.
    /// Checks that `/proc/self` can be read.
    pub fn new(interval: Duration) -> Result<Self, ResourceError> {
        if interval.is_zero() {
            return Err(ResourceError::ZeroInterval);
        }
        read_cpu_ticks()?;
        read_resident()?;
        Ok(Self { origin: Instant::now(), interval, samples: Arc::default(), running: Mutex::new(None) })
    }

    /// A profiler whose clock is `profiler`'s, so that its samples and the
    /// profiler's tasks share a time axis.
    pub fn aligned_with(profiler: &Profiler, interval: Duration) -> Result<Self, ResourceError> {
        let mut resources = Self::new(interval)?;
        resources.origin = profiler.origin();
        Ok(resources)
    }

    /// The instant times are counted from.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// The samples so far, in time order.
    pub fn samples(&self) -> Vec<ResourceSample> {
        self.samples.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The largest resident memory sampled, in bytes.
    pub fn peak_memory(&self) -> Option<u64> {
        self.samples.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|s| s.memory_bytes).max()
    }

    /// Starts sampling, unless it is going on already.
    pub fn start(&self) -> Result<(), ResourceError> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if running.is_some() {
            return Ok(());
        }
        let (stop, stopped) = crossbeam_channel::bounded::<()>(1);
        let samples = Arc::clone(&self.samples);
        let (origin, interval) = (self.origin, self.interval);
        // The first sample here, so that it comes before a run's first
        // task whenever the new thread gets to run.
        let mut history = std::collections::VecDeque::new();
        take_sample(origin, &mut history, &samples);
        let thread = std::thread::Builder::new()
            .name("executors-resources".into())
            .spawn(move || {
                // Until told to stop (or the profiler is gone).
                while let Err(crossbeam_channel::RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    take_sample(origin, &mut history, &samples);
                }
                take_sample(origin, &mut history, &samples);
            })
            .map_err(|e| ResourceError::Spawn(e.to_string()))?;
        *running = Some(Running { stop, thread });
        Ok(())
    }

    /// Stops sampling (after a last sample) and waits for the thread.
    pub fn stop(&self) {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(Running { stop, thread }) = running {
            let _ = stop.send(());
            let _ = thread.join();
        }
    }
}

impl Drop for ResourceProfiler {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Callback for ResourceProfiler {
    fn start(&self, _tasks: usize) {
        // A thread that cannot start leaves the run with its first sample
        // only; the run itself goes on.
        let _ = ResourceProfiler::start(self);
    }

    fn finish(&self, _failed: bool) {
        self.stop();
    }

    fn wants_tasks(&self) -> bool {
        false
    }
}

/// The span CPU use is measured over: Linux counts CPU time in ticks of
/// 10 ms, so that over a shorter span a busy thread reads 0% or 100%.
const CPU_SPAN: Duration = Duration::from_millis(100);

/// Takes a sample; `history` holds the times and CPU ticks of the
/// samples of this run within the last [`CPU_SPAN`] or so.
fn take_sample(
    origin: Instant,
    history: &mut std::collections::VecDeque<(Instant, u64)>,
    samples: &Mutex<Vec<ResourceSample>>,
) {
    let now = Instant::now();
    let (Ok(ticks), Ok(memory_bytes)) = (read_cpu_ticks(), read_resident()) else {
        return;
    };
    // Keep one sample at least CPU_SPAN old, if there is one.
    while history.len() > 1 && history.get(1).is_some_and(|&(t, _)| now.duration_since(t) >= CPU_SPAN) {
        history.pop_front();
    }
    let cpu_percent = match history.front() {
        Some(&(then, before)) if now > then => {
            // Linux reports CPU time in USER_HZ ticks, 100 a second.
            let busy = ticks.saturating_sub(before) as f64 / 100.0;
            100.0 * busy / (now - then).as_secs_f64()
        }
        _ => 0.0,
    };
    history.push_back((now, ticks));
    let at = now.saturating_duration_since(origin);
    samples.lock().unwrap_or_else(|e| e.into_inner()).push(ResourceSample { at, cpu_percent, memory_bytes });
}

/// User plus system CPU time of every thread of the process, in ticks.
fn read_cpu_ticks() -> Result<u64, ResourceError> {
    const FILE: &str = "/proc/self/stat";
    let fail = |message: String| ResourceError::Proc { file: FILE, message };
    let stat = std::fs::read_to_string(FILE).map_err(|e| fail(e.to_string()))?;
    // Fields after the command name (which may hold spaces, in brackets):
    // state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).ok_or_else(|| fail("no command name".into()))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| -> Result<u64, ResourceError> {
        fields.get(i).and_then(|f| f.parse().ok()).ok_or_else(|| fail(format!("no field {}", i + 3)))
    };
    Ok(field(11)? + field(12)?)
}

/// Resident memory of the process, in bytes.
fn read_resident() -> Result<u64, ResourceError> {
    const FILE: &str = "/proc/self/status";
    let fail = |message: String| ResourceError::Proc { file: FILE, message };
    let status = std::fs::read_to_string(FILE).map_err(|e| fail(e.to_string()))?;
    let line =
        status.lines().find(|l| l.starts_with("VmRSS:")).ok_or_else(|| fail("no VmRSS line".into()))?;
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|k| k.parse().ok())
        .ok_or_else(|| fail(format!("cannot read {line:?}")))?;
    kb.checked_mul(1024).ok_or_else(|| fail(format!("{kb} kB does not fit in 64 bits of bytes")))
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use super::{ResourceProfiler, read_cpu_ticks, take_sample};

    /// User and system ticks of this process, read from `/proc/self/stat`
    /// by counting fields from the end of the command name.
    fn user_and_system() -> (u64, u64) {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<u64> = after_name.split(' ').skip(11).take(2).map(|f| f.parse().unwrap()).collect();
        (fields[0], fields[1])
    }

    #[test]
    fn cpu_ticks_are_user_plus_system_time() {
        // Spin and read files until both counts are well above 2, so that
        // their sum differs from their difference and their product.
        let start = Instant::now();
        while {
            let (user, system) = user_and_system();
            user < 3 || system < 3
        } {
            assert!(start.elapsed() < Duration::from_secs(20), "no CPU time counted");
        }
        let (u0, s0) = user_and_system();
        let ticks = read_cpu_ticks().unwrap();
        let (u1, s1) = user_and_system();
        assert!(u0 + s0 <= ticks && ticks <= u1 + s1, "{u0}+{s0} <= {ticks} <= {u1}+{s1}");
    }

    #[test]
    fn cpu_use_is_measured_over_the_last_tenth_of_a_second() {
        let samples = Mutex::new(Vec::new());
        let origin = Instant::now();
        let mut history = VecDeque::new();
        take_sample(origin, &mut history, &samples);
        assert_eq!(samples.lock().unwrap()[0].cpu_percent, 0.0, "the first sample of a run reads 0");
        // A made-up history: 3 ticks since 300 ms ago, 30 since 150 ms ago,
        // 1 since 50 ms ago. The span used is the shortest of at least
        // 100 ms: 30 ticks (300 ms of CPU) in 150 ms, 200%: two cores.
        let start = Instant::now();
        while read_cpu_ticks().unwrap() < 40 {
            assert!(start.elapsed() < Duration::from_secs(20), "no CPU time counted");
        }
        let ticks = read_cpu_ticks().unwrap();
        let now = Instant::now();
        let ago = |ms: u64| now.checked_sub(Duration::from_millis(ms)).unwrap();
        let mut history: VecDeque<(Instant, u64)> =
            [(ago(300), ticks - 3), (ago(150), ticks - 30), (ago(50), ticks - 1)].into();
        take_sample(origin, &mut history, &samples);
        let cpu = samples.lock().unwrap()[1].cpu_percent;
        // This thread may be charged a tick or two meanwhile.
        assert!((190.0..=215.0).contains(&cpu), "{cpu}%");
        assert_eq!(history.len(), 3, "the sample at 150 ms kept, the one before dropped, this one added");
        assert_eq!(history[0].1, ticks - 30);
    }

    #[test]
    fn a_dropped_profiler_stops_its_thread() {
        let profiler = ResourceProfiler::new(Duration::from_millis(1)).unwrap();
        let samples = Arc::clone(&profiler.samples);
        profiler.start().unwrap();
        drop(profiler);
        assert_eq!(Arc::strong_count(&samples), 1, "the sampling thread let go of the samples");
    }

    #[test]
    fn sampling_has_a_sample_from_its_start_and_one_from_its_stop() {
        // An interval longer than the test: only the two ends are sampled.
        let profiler = ResourceProfiler::new(Duration::from_secs(60)).unwrap();
        profiler.start().unwrap();
        assert_eq!(profiler.samples().len(), 1, "the first sample is in before start returns");
        profiler.start().unwrap();
        assert_eq!(profiler.samples().len(), 1, "starting again while running does nothing");
        profiler.stop();
        assert_eq!(profiler.samples().len(), 2, "the last sample is in before stop returns");
        profiler.stop();
        assert_eq!(profiler.samples().len(), 2);
        let samples = profiler.samples();
        assert!(samples[0].at <= samples[1].at);
        assert!(samples.iter().all(|s| s.memory_bytes > 0 && s.cpu_percent >= 0.0));
    }

    /// `VmRSS` of `/proc/self/status` in bytes, read by the test.
    fn vm_rss() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let at = status.find("VmRSS:").unwrap() + "VmRSS:".len();
        let line = status[at..].lines().next().unwrap();
        assert!(line.trim_end().ends_with(" kB"), "{line}");
        line.trim().trim_end_matches("kB").trim().parse::<u64>().unwrap() * 1024
    }

    #[test]
    fn resident_memory_is_vm_rss_in_bytes() {
        let before = vm_rss();
        let read = super::read_resident().unwrap();
        let after = vm_rss();
        let (low, high) = (before.min(after), before.max(after));
        assert!(low - low / 10 <= read && read <= high + high / 10, "{low} <= {read} <= {high}");
    }

    #[test]
    fn as_a_callback_it_watches_runs_not_tasks() {
        // It asks for no call a task, so it costs a run's tasks nothing.
        let profiler = ResourceProfiler::new(Duration::from_secs(60)).unwrap();
        assert!(!crate::Callback::wants_tasks(&profiler));
        crate::Callback::start(&profiler, 3);
        assert_eq!(profiler.samples().len(), 1);
        crate::Callback::finish(&profiler, false);
        assert_eq!(profiler.samples().len(), 2);
    }
}
