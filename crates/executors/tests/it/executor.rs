//! The executor's own surface: strategy names, what its runs report.
//! Facts the mutation run of `executor.rs` and `map.rs` found no test
//! stating.

use executors::Strategy;

#[test]
fn a_strategy_prints_as_the_name_its_command_line_option_takes() {
    let names = ["sequential", "work-queue", "pool", "graph"];
    for (strategy, name) in Strategy::ALL.into_iter().zip(names) {
        assert_eq!(strategy.to_string(), name);
        assert_eq!(name.parse::<Strategy>(), Ok(strategy));
    }
    let e = "threads".parse::<Strategy>().unwrap_err();
    assert!(e.contains("\"threads\"") && e.contains("work-queue"), "{e}");
}

#[test]
fn an_executor_debugs_as_its_strategy_workers_and_failure_policy() {
    let exec =
        executors::Executor::new(Strategy::WorkQueue, 3).unwrap().on_error(executors::OnError::KeepGoing);
    let shown = format!("{exec:?}");
    for part in ["Executor", "WorkQueue", "workers: 3", "KeepGoing"] {
        assert!(shown.contains(part), "{shown:?} lacks {part:?}");
    }
}

#[test]
fn a_pool_executor_keeps_its_threads_from_one_run_to_the_next_and_for_its_clones() {
    use std::collections::BTreeSet;
    use std::sync::Barrier;
    let exec = executors::Executor::new(Strategy::Pool, 2).unwrap();
    // Two tasks that wait for each other: both threads of the pool run one.
    let threads = |exec: &executors::Executor| -> BTreeSet<String> {
        let together = Barrier::new(2);
        let ids = exec
            .map(vec![(); 2], |()| {
                together.wait();
                Ok::<_, String>(format!("{:?}", std::thread::current().id()))
            })
            .unwrap();
        ids.into_iter().collect()
    };
    let first = threads(&exec);
    assert_eq!(first.len(), 2);
    assert_eq!(threads(&exec), first, "a second run started new threads");
    assert_eq!(threads(&exec.clone()), first, "a clone started new threads");
}

#[test]
fn a_failed_task_prints_its_index_key_and_whether_it_panicked() {
    use executors::{ExecError, TaskError};
    let failed = TaskError { index: 3, key: "inc-00ff".into(), message: "no file".into(), panicked: false };
    assert_eq!(failed.to_string(), "task 3 (inc-00ff) failed: no file");
    let panicked = TaskError { panicked: true, ..failed.clone() };
    assert_eq!(panicked.to_string(), "task 3 (inc-00ff) panicked: no file");
    assert_eq!(ExecError::Task(failed.clone()).to_string(), failed.to_string());
    let both = ExecError::Tasks(vec![panicked, failed]);
    assert_eq!(both.to_string(), "2 tasks failed; the first: task 3 (inc-00ff) panicked: no file");
}
