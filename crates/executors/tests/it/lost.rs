//! A task whose result is lost without failing (its worker ended, here
//! because a callback panicked) is reported as `ExecError::WorkerLost`,
//! never waited for and never a panic in the caller.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use executors::{Callback, ExecError, Executor, Graph, Progress, Strategy};

/// A callback that panics before the task with one key.
struct PanicBefore(String);

impl Callback for PanicBefore {
    fn pretask(&self, key: &str, _: usize) {
        if key == self.0 {
            panic!("callback panicked before {key}");
        }
    }
}

#[test]
fn a_map_whose_callback_panics_reports_the_lost_task_under_every_strategy() {
    for strategy in Strategy::ALL {
        for workers in [1, 3] {
            let ran = AtomicUsize::new(0);
            let exec = Executor::new(strategy, workers)
                .unwrap()
                .progress(Progress::Hidden)
                .with_callback(Arc::new(PanicBefore("task-3".to_owned())));
            let err = exec
                .map((0..10).collect(), |x: u32| {
                    ran.fetch_add(1, Ordering::Relaxed);
                    Ok::<_, String>(x)
                })
                .unwrap_err();
            match err {
                ExecError::WorkerLost { missing } => assert_eq!(missing, [3], "{strategy} x {workers}"),
                other => panic!("{strategy} x {workers}: {other:?}"),
            }
            assert_eq!(ran.load(Ordering::Relaxed), 9, "{strategy} x {workers}: the others ran");
        }
    }
}

#[test]
fn a_graph_whose_callback_panics_reports_the_lost_node_and_does_not_hang() {
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1));
    let double = g.delayed1("double", |x: &u32| Ok::<_, String>(x * 2));
    let lost = inc.call(1);
    let after = double.call(&lost);
    let fine = inc.call(5);
    for workers in [0, 1, 2] {
        let exec = if workers == 0 {
            Executor::sequential()
        } else {
            Executor::new(Strategy::Graph, workers).unwrap()
        };
        let exec = exec.progress(Progress::Hidden).with_callback(Arc::new(PanicBefore(lost.key())));
        match g.compute(&[&after, &fine], &exec).unwrap_err() {
            ExecError::WorkerLost { missing } => assert_eq!(missing, [lost.node().index()], "{workers}"),
            other => panic!("{workers}: {other:?}"),
        }
    }
}
