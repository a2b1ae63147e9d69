//! The graphs: what is fused, what is shared, what runs once, and the
//! drawings.

use std::sync::Arc;

use chunked_array::{Plan, from_array, random};
use executors::{Executor, Profiler, Progress, RankDir, Strategy};

fn labels(dot: &str, label: &str) -> usize {
    dot.matches(&format!("label=\"{label}\"")).count()
}

/// Runs a plan with a profiler and counts the tasks whose key starts with
/// `prefix-` (keys are `<label>-<hash>`).
fn runs(plan: &Plan, label: &str) -> usize {
    let profiler = Arc::new(Profiler::new());
    let exec =
        Executor::new(Strategy::Graph, 2).unwrap().progress(Progress::Hidden).with_callback(profiler.clone());
    plan.compute(&exec).unwrap();
    profiler.spans().iter().filter(|s| s.key.rsplit_once('-').is_some_and(|(l, _)| l == label)).count()
}

#[test]
fn mean_and_std_share_one_generating_task_per_block() {
    let x = random::standard_normal(0, &[100, 100], 25).unwrap();
    let plan = Plan::new(&[&x.mean(..).unwrap(), &x.std_ddof(.., 0).unwrap()]);
    let dot = plan.to_dot(RankDir::LeftRight);
    // 16 blocks, each generated and reduced in one task; 4 + 1 combines;
    // the two results.
    assert_eq!(labels(&dot, "normal-moments"), 16, "{dot}");
    assert_eq!(labels(&dot, "moments-combine"), 5);
    assert_eq!(labels(&dot, "mean"), 1);
    assert_eq!(labels(&dot, "std"), 1);
    assert_eq!(plan.len(), 23);
    assert_eq!(dot.matches("peripheries=2").count(), 2);
    assert_eq!(runs(&plan, "normal-moments"), 16);
}

#[test]
fn the_talks_c_generates_each_block_of_a_once() {
    let a = random::standard_normal(1, &[100, 100], 25).unwrap();
    let b = random::standard_normal(2, &[100], 25).unwrap();
    let c = ((a.dot(&b).unwrap().sum(..).unwrap() / a.mean(..).unwrap()).unwrap()
        * b.var_ddof(.., 0).unwrap())
    .unwrap();
    let plan = Plan::new(&[&c]);
    let dot = plan.to_dot(RankDir::TopBottom);
    // Each block of A feeds its share of A.dot(B) and its moments in one
    // task; B's blocks are generated for its moments and, being cheap to
    // regenerate, again inside A's tasks rather than held.
    assert_eq!(labels(&dot, "normal-dot-moments"), 16, "{dot}");
    assert_eq!(labels(&dot, "normal-moments"), 4);
    assert_eq!(labels(&dot, "mul"), 1, "the final arithmetic is one fused task");
    assert_eq!(runs(&plan, "normal-dot-moments"), 16);
}

#[test]
fn regenerable_sources_are_not_materialized() {
    // x - x.mean(..).unwrap(): x is generated again for the subtraction rather than
    // kept while the mean is computed.
    let x = random::standard_normal(0, &[40, 40], 20).unwrap();
    let centred = (&x - &x.mean(..).unwrap()).unwrap();
    let dot = Plan::new(&[&centred.max(..).unwrap()]).to_dot(RankDir::TopBottom);
    assert_eq!(labels(&dot, "normal-moments"), 4, "{dot}");
    assert_eq!(labels(&dot, "sub-max"), 4);
    assert!(!dot.contains("label=\"normal\""));
}

#[test]
fn outputs_and_shared_arrays_are_materialized() {
    let m = ndarray::Array2::from_shape_fn((4, 4), |(i, j)| (i * 4 + j) as f64);
    let a = from_array(&m, 2).unwrap();
    let e = (&a - &a.mean(..).unwrap()).unwrap();
    let plan = Plan::new(&[&e, &e.sum(..).unwrap()]);
    let dot = plan.to_dot(RankDir::TopBottom);
    assert_eq!(labels(&dot, "sub-sum"), 4, "{dot}");
    assert_eq!(dot.matches("peripheries=2").count(), 5);
}

#[test]
fn a_plan_computes_again_and_draws_to_files() {
    let x = random::uniform(0, 0.0, 1.0, &[30, 30], 10).unwrap();
    let plan = Plan::new(&[&x.sum(..).unwrap()]);
    let exec = Executor::sequential();
    assert_eq!(plan.compute(&exec).unwrap(), plan.compute(&exec).unwrap());
    let dir = std::env::temp_dir().join(format!("chunked-array-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let drawing =
        chunked_array::visualize(&[&x.sum(..).unwrap()], RankDir::LeftRight, &dir.join("sum")).unwrap();
    let text = std::fs::read_to_string(&drawing.dot).unwrap();
    assert!(text.starts_with("digraph") && text.contains("uniform-sum"));
    if let Some(svg) = drawing.svg {
        assert!(std::fs::read_to_string(svg).unwrap().contains("<svg"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn three_dimensional_reductions_stream_like_the_talks_cells() {
    // trials x time x nodes, mean and std over trials: one generating task
    // per block feeding both, combined per output block; no block is held.
    let x = random::standard_normal(0, &[40, 30, 20], [10, 15, 20]).unwrap();
    let plan = Plan::new(&[&x.mean(0).unwrap(), &x.std(0).unwrap()]);
    let dot = plan.to_dot(RankDir::LeftRight);
    // 4 x 2 blocks; each output block (2) merges its 4 partials once.
    assert_eq!(labels(&dot, "normal-moments"), 8, "{dot}");
    assert_eq!(labels(&dot, "moments-combine"), 2);
    assert_eq!(labels(&dot, "mean"), 2);
    assert_eq!(labels(&dot, "std"), 2);
    assert_eq!(plan.len(), 8 + 2 + 4);
    // A slice, a join and a reshape fuse into the reduction's tasks too.
    let s = chunked_array::concatenate(&[x.clone(), x.clone()], 0).unwrap();
    let r = s.reshape(&[80, 600]).unwrap().sum(1).unwrap();
    let plan = Plan::new(&[&r]);
    assert!(plan.to_dot(RankDir::LeftRight).contains("reshape-sum"), "{}", plan.to_dot(RankDir::LeftRight));
}
