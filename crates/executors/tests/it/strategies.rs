//! Every strategy and worker count gives the same results, in input order;
//! failures and panics are reported by task and never hang a run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use executors::{ExecError, Executor, OnError, Progress, Strategy};
use queue_sim::{Network, RngKind, Stop, Sweep, TrialResult};

/// The talk's experiment as the talk runs it: an M/M/c queue (arrivals 0.2,
/// services 0.1) with servers 1, 2, 3 x 100 seeds from 0, each to time
/// 10 000, drawn as Ciw draws (about 3 s for all the runs below in debug).
fn talk_sweep() -> Sweep {
    Sweep {
        network: Network::mmc(0.2, 0.1, 1),
        servers: vec![1, 2, 3],
        trials: 100,
        seed: 0,
        stop: Stop::MaxTime(10_000.0),
        rng: RngKind::Ciw,
    }
}

type Bits = (Option<usize>, u64, usize, Option<u64>, Option<u64>);

fn bits(rows: &[TrialResult]) -> Vec<Bits> {
    rows.iter()
        .map(|r| {
            (r.servers, r.seed, r.records, r.mean_wait.map(f64::to_bits), r.utilisation.map(f64::to_bits))
        })
        .collect()
}

#[test]
fn the_talks_experiment_is_identical_under_every_strategy_and_worker_count() {
    let trials = talk_sweep().trials().unwrap();
    let reference: Vec<TrialResult> = trials.iter().map(|t| t.run().unwrap()).collect();
    // Seed 0 of each server count is the run Ciw 3.2.7 prints in the talk:
    // ciw.seed(0); simulate_until_max_time(10000); mean wait over the records.
    let seed0: Vec<(Option<usize>, Option<f64>)> =
        reference.iter().filter(|r| r.seed == 0).map(|r| (r.servers, r.mean_wait)).collect();
    let ciw = [(1, 2550.409459799068), (2, 341.37299886697014), (3, 3.3866903406358757)];
    assert_eq!(seed0, ciw.map(|(c, w)| (Some(c), Some(w))));
    assert_eq!(reference.len(), 300);
    for strategy in Strategy::ALL {
        for workers in [1, 2, 3, 8] {
            let exec = Executor::new(strategy, workers).unwrap().progress(Progress::Hidden);
            let got = exec.map(trials.clone(), |t| t.run()).unwrap();
            assert_eq!(bits(&got), bits(&reference), "{strategy} with {workers} workers");
        }
    }
}

#[test]
fn zero_workers_is_an_error() {
    for strategy in Strategy::ALL {
        assert!(matches!(Executor::new(strategy, 0), Err(ExecError::ZeroWorkers)), "{strategy}");
    }
}

#[test]
fn strategies_parse_from_their_names() {
    for strategy in Strategy::ALL {
        assert_eq!(strategy.name().parse::<Strategy>().unwrap(), strategy);
    }
    let err = "threads".parse::<Strategy>().unwrap_err();
    assert!(err.contains("threads") && err.contains("work-queue"), "{err}");
}

#[test]
fn a_failing_task_is_named_with_its_message() {
    for strategy in Strategy::ALL {
        let exec = Executor::new(strategy, 3).unwrap();
        let err = exec
            .map((0..50).collect(), |x: u32| if x == 17 { Err(format!("bad input {x}")) } else { Ok(x) })
            .unwrap_err();
        match err {
            ExecError::Task(e) => {
                assert_eq!((e.index, e.key.as_str(), e.panicked), (17, "task-17", false), "{strategy}");
                assert_eq!(e.message, "bad input 17");
            }
            other => panic!("{strategy}: {other:?}"),
        }
    }
}

#[test]
fn a_panicking_task_neither_hangs_nor_loses_the_others() {
    for strategy in Strategy::ALL {
        let exec = Executor::new(strategy, 4).unwrap().on_error(OnError::KeepGoing);
        let err = exec
            .map((0..40).collect(), |x: u32| {
                if x % 10 == 3 {
                    panic!("task {x} exploded");
                }
                Ok::<_, String>(x)
            })
            .unwrap_err();
        match err {
            ExecError::Tasks(errors) => {
                let got: Vec<(usize, bool, String)> =
                    errors.into_iter().map(|e| (e.index, e.panicked, e.message)).collect();
                let want: Vec<(usize, bool, String)> =
                    [3, 13, 23, 33].iter().map(|&i| (i, true, format!("task {i} exploded"))).collect();
                assert_eq!(got, want, "{strategy}");
            }
            other => panic!("{strategy}: {other:?}"),
        }
    }
}

#[test]
fn keep_going_runs_everything_and_stop_stops_promptly() {
    for strategy in Strategy::ALL {
        let ran = AtomicUsize::new(0);
        let task = |x: u32| {
            ran.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(1));
            if x == 5 { Err("five") } else { Ok(x) }
        };
        let exec = Executor::new(strategy, 2).unwrap();
        assert!(matches!(exec.map((0..400).collect(), task), Err(ExecError::Task(e)) if e.index == 5));
        let stopped_after = ran.swap(0, Ordering::Relaxed);
        // Up to the failure, two workers ran side by side (tasks 0..=5 and as
        // many elsewhere); after it, each finishes the task in hand only.
        assert!(stopped_after <= 20, "{strategy}: {stopped_after} tasks ran in all, of 400");

        let exec = exec.on_error(OnError::KeepGoing);
        let err = exec.map((0..400).collect(), task).unwrap_err();
        assert!(matches!(&err, ExecError::Tasks(v) if v.len() == 1 && v[0].index == 5), "{err:?}");
        assert_eq!(ran.load(Ordering::Relaxed), 400, "{strategy}");
    }
}

#[test]
fn empty_batches_and_more_workers_than_tasks_work() {
    for strategy in Strategy::ALL {
        let exec = Executor::new(strategy, 16).unwrap();
        assert_eq!(exec.map(Vec::<u8>::new(), Ok::<_, String>).unwrap(), Vec::<u8>::new());
        assert_eq!(exec.map(vec![7u8], Ok::<_, String>).unwrap(), [7]);
    }
}
