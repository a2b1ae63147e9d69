//! The task graph: keys, purity and de-duplication, shared work run once,
//! both schedulers, failures, callbacks and the DOT drawing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use executors::{ExecError, Executor, Graph, OnError, Profiler, RankDir, Strategy};

fn executors() -> Vec<Executor> {
    vec![
        Executor::sequential(),
        Executor::new(Strategy::Graph, 2).unwrap(),
        Executor::new(Strategy::Pool, 7).unwrap(),
    ]
}

#[test]
fn the_same_pure_call_is_one_node_and_runs_once() {
    let g = Graph::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let inc = g
        .delayed1("inc", move |x: &i64| {
            counted.fetch_add(1, Ordering::Relaxed);
            Ok::<_, String>(x + 1)
        })
        .pure();
    let add = g.delayed2("add", |x: &i64, y: &i64| Ok::<_, String>(x + y));
    let one = g.value(1i64);
    let a = inc.call(&one);
    let b = inc.call(&g.value(1i64));
    assert_eq!(a.key(), b.key());
    assert!(a.key().starts_with("inc-"), "{}", a.key());
    let c = inc.call(&g.value(2i64));
    assert_ne!(a.key(), c.key());
    let total = add.call(&a, &b);
    assert_eq!(g.len(), 5); // 1, 2, inc(1), inc(2), add
    for exec in executors() {
        calls.store(0, Ordering::Relaxed);
        assert_eq!(total.compute(&exec).unwrap(), 4);
        assert_eq!(calls.load(Ordering::Relaxed), 1, "inc(1) runs once; inc(2) is not needed");
    }
}

#[test]
fn mean_and_std_of_the_same_data_read_it_once() {
    let g = Graph::new();
    let reads = Arc::new(AtomicUsize::new(0));
    let r = reads.clone();
    let load = g.delayed1("load", move |n: &usize| {
        r.fetch_add(1, Ordering::Relaxed);
        Ok::<_, String>((0..*n).map(|i| i as f64).collect::<Vec<f64>>())
    });
    let mean = g.delayed1("mean", |v: &Vec<f64>| Ok::<_, String>(v.iter().sum::<f64>() / v.len() as f64));
    let var = g.delayed2("var", |v: &Vec<f64>, m: &f64| {
        Ok::<_, String>(v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64)
    });
    let data = load.call(&g.value(101usize));
    let m = mean.call(&data);
    let v = var.call(&data, &m);
    for exec in executors() {
        reads.store(0, Ordering::Relaxed);
        let (mean, var) = g.compute2(&m, &v, &exec).unwrap();
        assert_eq!((mean, var), (50.0, 850.0));
        assert_eq!(reads.load(Ordering::Relaxed), 1);
    }
}

#[test]
fn many_outputs_come_back_in_order_under_every_scheduler() {
    let g = Graph::new();
    let square = g.delayed1("square", |x: &u64| Ok::<_, String>(x * x));
    let sum = g.delayed_n("sum", |xs: &[&u64]| Ok::<_, String>(xs.iter().copied().sum::<u64>()));
    let squares: Vec<_> = (0..50u64).map(|i| square.call(&g.value(i))).collect();
    let total = sum.call(&squares);
    let refs: Vec<_> = squares.iter().chain(std::iter::once(&total)).collect();
    let want: Vec<u64> = (0..50u64).map(|i| i * i).chain(std::iter::once(40425)).collect();
    for exec in executors() {
        assert_eq!(g.compute(&refs, &exec).unwrap(), want);
    }
}

#[test]
fn a_failing_node_is_named_by_key_and_its_dependents_do_not_run() {
    let g = Graph::new();
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let check = g.delayed1("check", |x: &i32| if *x < 0 { Err(format!("negative: {x}")) } else { Ok(*x) });
    let after = g.delayed1("after", move |x: &i32| {
        r.fetch_add(1, Ordering::Relaxed);
        Ok::<_, String>(*x)
    });
    let bad = check.call(&g.value(-3));
    let out = after.call(&bad);
    for exec in executors() {
        match out.compute(&exec).unwrap_err() {
            ExecError::Task(e) => {
                assert_eq!(e.key, bad.key());
                assert_eq!(e.message, "negative: -3");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(ran.load(Ordering::Relaxed), 0);
    let keep_going = Executor::new(Strategy::Graph, 2).unwrap().on_error(OnError::KeepGoing);
    let good = check.call(&g.value(4));
    let err = g.compute(&[&out, &after.call(&good)], &keep_going).unwrap_err();
    assert!(matches!(&err, ExecError::Tasks(v) if v.len() == 1), "{err:?}");
    assert_eq!(ran.load(Ordering::Relaxed), 1, "the independent branch still ran");
}

#[test]
fn outputs_of_another_graph_are_refused() {
    let (g, h) = (Graph::new(), Graph::new());
    let x = h.value(1u8);
    let err = g.compute(&[&x], &Executor::sequential()).unwrap_err();
    assert!(matches!(err, ExecError::Graph(_)), "{err:?}");
}

#[test]
fn sixteen_workers_run_sixteen_sleeping_tasks_at_once() {
    let g = Graph::new();
    let nap = g.delayed1("nap", |x: &u32| {
        std::thread::sleep(Duration::from_millis(100));
        Ok::<_, String>(*x)
    });
    let naps: Vec<_> = (0..16u32).map(|i| nap.call(&g.value(i))).collect();
    let profiler = Arc::new(Profiler::new());
    let exec = Executor::new(Strategy::Graph, 16).unwrap().with_callback(profiler.clone());
    let refs: Vec<_> = naps.iter().collect();
    assert_eq!(g.compute(&refs, &exec).unwrap(), (0..16).collect::<Vec<u32>>());
    let spans: Vec<_> = profiler.spans().into_iter().filter(|s| s.key.starts_with("nap-")).collect();
    assert_eq!(spans.len(), 16);
    let mut workers: Vec<usize> = spans.iter().map(|s| s.worker).collect();
    workers.sort_unstable();
    workers.dedup();
    assert_eq!(workers.len(), 16, "each nap on its own worker");
    // All sixteen overlap: the latest start is before the earliest end.
    let latest_start = spans.iter().map(|s| s.start).max().unwrap();
    let earliest_end = spans.iter().map(|s| s.end).min().unwrap();
    assert!(latest_start < earliest_end, "{latest_start:?} >= {earliest_end:?}");
}

#[test]
fn callbacks_see_every_task_with_its_key_and_worker() {
    let profiler = Arc::new(Profiler::new());
    let exec = Executor::new(Strategy::WorkQueue, 3).unwrap().with_callback(profiler.clone());
    exec.map((0..30).collect(), |x: u32| if x == 4 { Err("no") } else { Ok(x) }).unwrap_err();
    let exec = Executor::new(Strategy::Pool, 3).unwrap().with_callback(profiler.clone());
    exec.map((0..30).collect(), Ok::<u32, String>).unwrap();
    let spans = profiler.spans();
    assert!(spans.iter().any(|s| s.key == "task-4" && !s.ok));
    // The work queue stopped after its failure; the pool ran all 30 tasks,
    // every one of them ok.
    assert!(spans.len() >= 30 + 5 && spans.len() <= 60, "{} spans", spans.len());
    assert!(spans.iter().rev().take(30).all(|s| s.ok));
    let mut keys: Vec<&str> = spans.iter().rev().take(30).map(|s| s.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 30);
    assert!(spans.iter().all(|s| s.worker < 3 && s.start <= s.end));
}

#[test]
fn dot_drawing_is_left_to_right_with_functions_and_literals() {
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &i64| Ok::<_, String>(x + 1));
    let add = g.delayed2("add", |x: &i64, y: &i64| Ok::<_, String>(x + y));
    let a = inc.call(&g.value(1i64));
    let b = inc.call(&g.value(2i64));
    let c = add.call(&a, &b);
    let dot = g.to_dot(&[c.node()], RankDir::LeftRight);
    let lines: Vec<&str> = dot.lines().collect();
    assert_eq!(lines[0], "digraph {");
    assert_eq!(lines[1], "  rankdir=LR;");
    assert_eq!(lines.iter().filter(|l| l.contains("shape=box")).count(), 2, "{dot}");
    assert_eq!(lines.iter().filter(|l| l.contains("label=\"inc\"")).count(), 2, "{dot}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("label=\"add\"") && l.contains("peripheries=2")).count(),
        1
    );
    assert_eq!(lines.iter().filter(|l| l.contains(" -> ")).count(), 4, "{dot}");
    assert!(dot.contains(&format!("\"{}\" -> \"{}\"", a.key(), c.key())));
    assert_eq!(*lines.last().unwrap(), "}");
    // Only what the output needs is drawn.
    let lone = g.to_dot(&[a.node()], RankDir::TopBottom);
    assert!(lone.contains("rankdir=TB") && !lone.contains("add"), "{lone}");
}

#[test]
fn a_consumer_of_two_failed_inputs_is_skipped_once() {
    let g = Graph::new();
    let fail = g.delayed1("fail", |x: &i32| Err::<i32, _>(format!("failed {x}")));
    let both = g.delayed2("both", |x: &i32, y: &i32| Ok::<_, String>(x + y));
    let ok = g.delayed1("ok", |x: &i32| Ok::<_, String>(*x));
    let a = fail.call(&g.value(1));
    let b = fail.call(&g.value(2));
    let c = both.call(&a, &b);
    let d = ok.call(&g.value(3));
    for workers in [1, 3] {
        let exec = Executor::new(Strategy::Graph, workers).unwrap().on_error(OnError::KeepGoing);
        match g.compute(&[&c, &d], &exec).unwrap_err() {
            ExecError::Tasks(errors) => {
                let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
                assert_eq!(messages, ["failed 1", "failed 2"]);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn visualize_writes_dot_and_an_svg_when_graphviz_is_installed() {
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &i64| Ok::<_, String>(x + 1));
    let out = inc.call(&g.value(1i64));
    let dir = std::env::temp_dir().join(format!("executors-visualize-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let drawing = g.visualize(&[out.node()], RankDir::LeftRight, &dir.join("graph")).unwrap();
    assert_eq!(std::fs::read_to_string(&drawing.dot).unwrap(), g.to_dot(&[out.node()], RankDir::LeftRight));
    let graphviz = std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success());
    match &drawing.svg {
        Some(svg) => {
            assert!(graphviz);
            assert!(std::fs::read_to_string(svg).unwrap().contains("<svg"));
        }
        None => assert!(!graphviz, "Graphviz is installed but no SVG was written"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn calls_are_impure_by_default_so_each_is_a_node_and_runs() {
    let g = Graph::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let draw = g
        .delayed1("draw", move |x: &u64| Ok::<_, String>(x + counted.fetch_add(1, Ordering::Relaxed) as u64));
    assert!(!draw.is_pure());
    let a = draw.call(10);
    let b = draw.call(10);
    assert_ne!(a.key(), b.key());
    assert!(a.key().starts_with("draw-") && b.key().starts_with("draw-"), "{a:?} {b:?}");
    assert_eq!(g.len(), 3, "one literal 10, two calls");
    let mut got = g.compute(&[&a, &b], &Executor::new(Strategy::Graph, 2).unwrap()).unwrap();
    got.sort_unstable();
    assert_eq!(got, [10, 11]);
    assert_eq!(calls.load(Ordering::Relaxed), 2, "both calls ran");
    // Keys are stable: the same construction gives the same keys.
    let h = Graph::new();
    let draw2 = h.delayed1("draw", |x: &u64| Ok::<_, String>(*x));
    assert_eq!((draw2.call(10).key(), draw2.call(10).key()), (a.key(), b.key()));
}

#[test]
fn literals_that_differ_in_any_bit_are_different_nodes() {
    let g = Graph::new();
    let specials = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, 1.0];
    let nodes: Vec<_> = specials.iter().map(|&x| g.value(x)).collect();
    assert_eq!(g.len(), specials.len());
    let mut keys: Vec<String> = nodes.iter().map(|n| n.key()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), specials.len());
    let got = g.compute(&nodes.iter().collect::<Vec<_>>(), &Executor::sequential()).unwrap();
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&got), bits(&specials));
    // inf after NaN computes inf (it used to share NaN's node).
    let h = Graph::new();
    let _nan = h.value(f64::NAN);
    assert_eq!(h.value(f64::INFINITY).compute(&Executor::sequential()).unwrap(), f64::INFINITY);
    // A NaN is never shared (nothing is == to it, so a struct holding one
    // could not be told from another whose serialization leaves a field out).
    assert_ne!(g.value(f64::NAN).key(), nodes[0].key());
    assert_eq!(g.len(), specials.len() + 1);
    // Equal values share.
    assert_eq!(g.value(1.0f64).key(), nodes[5].key());
    assert_eq!(g.len(), specials.len() + 1);
    assert_ne!(g.value(1.0f32).key(), nodes[5].key());
    assert_eq!(g.len(), specials.len() + 2);
}

/// A value whose serialization always fails.
#[derive(PartialEq)]
struct Unkeyable(u32);

impl serde::Serialize for Unkeyable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("not serializable"))
    }
}

/// A value whose serialization leaves a field out.
#[derive(serde::Serialize, PartialEq)]
struct Param {
    name: &'static str,
    #[serde(skip)]
    factor: f64,
}

#[test]
fn literals_whose_serializations_agree_but_which_differ_are_different_nodes() {
    let g = Graph::new();
    let scale = g.delayed1("scale", |p: &Param| Ok::<_, String>(p.factor * 10.0)).pure();
    let a = scale.call(Param { name: "x", factor: 1.0 });
    let b = scale.call(Param { name: "x", factor: 2.0 });
    assert_eq!(g.compute(&[&a, &b], &Executor::sequential()).unwrap(), [10.0, 20.0]);
    assert_eq!(g.len(), 4, "two literals, two calls");
    // An equal value is still shared, and so is its pure call.
    let c = scale.call(Param { name: "x", factor: 2.0 });
    assert_eq!(c.key(), b.key());
    assert_eq!(g.len(), 4);
}

/// A value holding a NaN, with a field its serialization leaves out.
#[derive(serde::Serialize, PartialEq, Debug, Clone)]
struct Noisy {
    a: f64,
    #[serde(skip)]
    b: i32,
}

#[test]
fn values_holding_nan_are_never_merged_even_when_their_bytes_agree() {
    let g = Graph::new();
    let one = g.value(Noisy { a: f64::NAN, b: 1 });
    let two = g.value(Noisy { a: f64::NAN, b: 2 });
    assert_ne!(one.key(), two.key());
    assert_eq!(two.compute(&Executor::sequential()).unwrap().b, 2);
}

#[test]
fn a_big_literal_is_labelled_by_its_type_and_size() {
    let g = Graph::new();
    let big = g.value(vec![0.5f64; 100_000]);
    let dot = g.to_dot(&[big.node()], executors::RankDir::LeftRight);
    assert!(dot.contains("label=\"Vec<f64> (800008 bytes)\""), "{dot}");
    let words = g.value(vec!["word".to_owned(); 1000]);
    let dot = g.to_dot(&[words.node()], executors::RankDir::LeftRight);
    assert!(dot.contains("label=\"Vec<String> (12008 bytes)\""), "{dot}");
}

#[test]
fn literals_that_cannot_be_serialized_are_nodes_of_their_own() {
    let g = Graph::new();
    let get = g.delayed1("get", |u: &Unkeyable| Ok::<_, String>(u.0)).pure();
    let a = get.call(Unkeyable(1));
    let b = get.call(Unkeyable(2));
    assert_eq!(g.len(), 4, "two literals, two calls");
    assert_ne!(a.key(), b.key());
    assert_eq!(g.compute(&[&a, &b], &Executor::sequential()).unwrap(), [1, 2]);
}

#[test]
fn an_argument_from_another_graph_fails_by_name_instead_of_using_the_wrong_node() {
    let (g, h) = (Graph::new(), Graph::new());
    let inc = g.delayed1("inc", |x: &i64| Ok::<_, String>(x + 1));
    let _mine = g.value(100i64);
    let theirs = h.value(5i64);
    let out = inc.call(&theirs);
    for exec in executors() {
        match out.compute(&exec).unwrap_err() {
            ExecError::Task(e) => {
                assert_eq!(e.key, out.key());
                assert_eq!(e.message, "argument 0 of a call of inc belongs to another graph");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn plain_values_are_arguments_and_long_labels_are_cut_at_a_character() {
    let g = Graph::new();
    let len = g.delayed1("len", |s: &String| Ok::<_, String>(s.chars().count()));
    let text = "é".repeat(30);
    let out = len.call(text.clone());
    assert_eq!(out.compute(&Executor::sequential()).unwrap(), 30);
    let dot = g.to_dot(&[out.node()], RankDir::TopBottom);
    let label = format!("label=\"\\\"{}...\"", "é".repeat(20));
    assert!(dot.contains(&label), "{dot}");
}

/// Records what a run announces and what it runs.
#[derive(Default)]
struct Counts {
    started: std::sync::Mutex<Vec<usize>>,
    ran: AtomicUsize,
}

impl executors::Callback for Counts {
    fn start(&self, tasks: usize) {
        self.started.lock().unwrap().push(tasks);
    }
    fn posttask(&self, _: &str, _: usize, _: bool) {
        self.ran.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn a_run_counts_its_tasks_not_its_outputs() {
    // 23 tasks (11 literals, 11 reads, a sum) and one output, as in a frame
    // query; the unneeded read is not counted.
    let g = Graph::new();
    let read = g.delayed1("read", |p: &u32| Ok::<_, String>(u64::from(*p)));
    let sum = g.delayed_n("sum", |xs: &[&u64]| Ok::<_, String>(xs.iter().copied().sum::<u64>()));
    let parts: Vec<_> = (0..11u32).map(|p| read.call(p)).collect();
    let total = sum.call(&parts);
    let _unneeded = read.call(99);
    for exec in executors() {
        let counts = Arc::new(Counts::default());
        let exec = exec.with_callback(counts.clone());
        assert_eq!(total.compute(&exec).unwrap(), 55);
        assert_eq!(*counts.started.lock().unwrap(), [23]);
        assert_eq!(counts.ran.load(Ordering::Relaxed), 23);
        counts.started.lock().unwrap().clear();
        exec.map((0..7).collect(), Ok::<u32, String>).unwrap();
        assert_eq!(*counts.started.lock().unwrap(), [7]);
    }
}

#[test]
fn a_graph_too_big_to_lay_out_gets_its_dot_file_and_no_svg() {
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1));
    let nodes: Vec<_> = (0..600u32).map(|i| inc.call(i)).collect();
    let ids: Vec<_> = nodes.iter().map(|n| n.node()).collect();
    let dir = tempfile::tempdir().unwrap();
    let drawing = g.visualize(&ids, executors::RankDir::LeftRight, &dir.path().join("big.v1")).unwrap();
    assert_eq!(drawing.dot, dir.path().join("big.v1.dot"), "a stem's dots are kept");
    assert!(drawing.dot.is_file());
    assert_eq!(drawing.svg, None);
    let note = drawing.note.unwrap();
    assert!(note.contains("1200 nodes") && note.contains("1000"), "{note}");
    // An SVG of an earlier, smaller graph at that stem is said to be stale.
    std::fs::write(dir.path().join("big.v1.svg"), "<svg/>").unwrap();
    let again = g.visualize(&ids, executors::RankDir::LeftRight, &dir.path().join("big.v1")).unwrap();
    assert!(again.note.unwrap().contains("no longer matches"));
}

#[test]
fn a_drawing_into_a_pipe_is_laid_out_from_the_source_not_read_back() {
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1));
    let out = inc.call(1);
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("piped.dot");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    // It used to run `dot` on the pipe's path, which waited for ever for a writer.
    let drawing =
        g.visualize(&[out.node()], executors::RankDir::LeftRight, &dir.path().join("piped")).unwrap();
    assert!(reader.join().unwrap().starts_with("digraph"));
    if let Some(svg) = drawing.svg {
        assert!(std::fs::read_to_string(svg).unwrap().contains("<svg"));
    }
}

/// A value that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn an_input_is_dropped_as_soon_as_its_last_consumer_has_run() {
    // load -> size -> later: by the time `later` runs, `load`'s value has
    // had its only consumer and is gone (memory bounded by the tasks in
    // flight, as in dask), not kept until the whole graph ends.
    let g = Graph::new();
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    let load = g.delayed1("load", move |_: &u8| Ok::<_, String>(Counted(d.clone())));
    let size = g.delayed1("size", |_: &Counted| Ok::<_, String>(1usize));
    let seen = drops.clone();
    let later = g.delayed1("later", move |_: &usize| Ok::<_, String>(seen.load(Ordering::SeqCst)));
    let out = later.call(&size.call(&load.call(&g.value(0u8))));
    for exec in [Executor::sequential(), Executor::new(Strategy::Graph, 1).unwrap()] {
        drops.store(0, Ordering::SeqCst);
        assert_eq!(out.compute(&exec).unwrap(), 1, "load's value was dropped before `later` ran");
    }
}

#[test]
fn the_tasks_one_task_releases_run_at_once_on_idle_workers() {
    // One root, four consumers of it, four workers: the root takes long
    // enough for the other three workers to be idle, waiting; when it ends
    // they are woken for the consumers it made ready. Each consumer waits
    // (up to 3 s) for all four to be running together.
    let g = Graph::new();
    let root = g.delayed1("root", |x: &u32| {
        std::thread::sleep(Duration::from_millis(200));
        Ok::<_, String>(*x)
    });
    let i = Arc::new(AtomicUsize::new(0));
    let meet = g.delayed1("meet", move |_: &u32| {
        i.fetch_add(1, Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        while i.load(Ordering::SeqCst) < 4 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok::<_, String>(i.load(Ordering::SeqCst) >= 4)
    });
    // Calls are impure: four nodes, ready together when the root ends.
    let r = root.call(&g.value(7u32));
    let meets: Vec<_> = (0..4).map(|_| meet.call(&r)).collect();
    let refs: Vec<_> = meets.iter().collect();
    let exec = Executor::new(Strategy::Graph, 4).unwrap();
    let got = g.compute(&refs, &exec).unwrap();
    assert_eq!(got, [true; 4], "all four ran together");
}

#[test]
fn a_graph_debugs_as_its_size_and_a_value_as_its_key() {
    let g = Graph::new();
    assert!(g.is_empty());
    assert_eq!(format!("{g:?}"), "Graph { nodes: 0 }");
    let one = g.value(1u8);
    assert!(!g.is_empty());
    assert_eq!(format!("{g:?}"), "Graph { nodes: 1 }");
    assert_eq!(format!("{one:?}"), format!("Delayed({:?})", one.key()));
    assert!(one.key().starts_with("literal-"));
}

#[test]
fn nodes_are_numbered_in_creation_order_and_a_failure_names_that_number() {
    let g = Graph::new();
    let fail = g.delayed1("fail", |x: &u8| Err::<u8, _>(format!("no {x}")));
    let five = g.value(5u8);
    let six = g.value(6u8);
    let bad = fail.call(&six);
    let numbers = [five.node().index(), six.node().index(), bad.node().index()];
    assert_eq!(numbers, [0, 1, 2]);
    for exec in executors() {
        match bad.compute(&exec).unwrap_err() {
            ExecError::Task(e) => assert_eq!((e.index, e.key.as_str()), (2, bad.key().as_str())),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn two_pure_functions_on_the_same_arguments_are_two_nodes() {
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &i64| Ok::<_, String>(x + 1)).pure();
    let double = g.delayed1("double", |x: &i64| Ok::<_, String>(x * 2)).pure();
    // Even under the same name: a wrapped function is one `delayed` call.
    let square = g.delayed1("inc", |x: &i64| Ok::<_, String>(x * x)).pure();
    let add = g.delayed2("add", |x: &i64, y: &i64| Ok::<_, String>(x + y)).pure();
    let sub = g.delayed2("sub", |x: &i64, y: &i64| Ok::<_, String>(x - y)).pure();
    let sum = g.delayed_n("sum", |xs: &[&i64]| Ok::<_, String>(xs.iter().copied().sum::<i64>())).pure();
    let max = g
        .delayed_n("max", |xs: &[&i64]| Ok::<_, String>(xs.iter().copied().max().copied().unwrap_or(0)))
        .pure();
    let three = g.value(3i64);
    let four = g.value(4i64);
    let outs = [
        inc.call(&three),
        double.call(&three),
        square.call(&three),
        add.call(&three, &four),
        sub.call(&three, &four),
        sum.call(&[three.clone(), four.clone()]),
        max.call(&[three.clone(), four.clone()]),
    ];
    assert_eq!(g.len(), 2 + outs.len());
    let refs: Vec<_> = outs.iter().collect();
    for exec in executors() {
        assert_eq!(g.compute(&refs, &exec).unwrap(), [4, 6, 9, 7, -1, 7, 4]);
    }
    // Each is still shared with its own repeated call.
    assert_eq!(double.call(&three).key(), outs[1].key());
    assert_eq!(g.len(), 2 + outs.len());
}

#[test]
fn a_literals_key_depends_on_its_value_alone() {
    // The same value has the same key whatever was recorded before it.
    let g = Graph::new();
    let draw = g.delayed1("draw", |x: &u64| Ok::<_, String>(*x));
    draw.call(1);
    draw.call(2);
    let late = g.value(7u64);
    let h = Graph::new();
    assert_eq!(h.value(7u64).key(), late.key());
    assert_ne!(h.value(8u64).key(), late.key());
}

/// Whether `key` is `literal-` and a hash of 16 hex digits, with no suffix
/// for a collision.
fn plain_literal_key(key: &str) -> bool {
    key.strip_prefix("literal-").is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[test]
fn literals_of_their_own_get_hashes_of_their_own() {
    // NaNs and values that cannot be serialized are never shared; each gets
    // a hash of its own rather than a collision suffix on a shared one.
    let g = Graph::new();
    let nans: Vec<_> = (0..3).map(|_| g.value(f64::NAN)).collect();
    let odd: Vec<_> = (0..3).map(|i| g.value(Unkeyable(i))).collect();
    let mut keys: Vec<String> = nans.iter().map(|n| n.key()).chain(odd.iter().map(|n| n.key())).collect();
    assert!(keys.iter().all(|k| plain_literal_key(k)), "{keys:?}");
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 6);
}

#[test]
fn a_label_of_exactly_24_characters_is_drawn_whole() {
    let g = Graph::new();
    let len = g.delayed1("len", |s: &String| Ok::<_, String>(s.chars().count()));
    // 22 characters and two quotes: 24, the longest label kept whole.
    let fits = len.call("é".repeat(22));
    let cut = len.call("é".repeat(23));
    let dot = g.to_dot(&[fits.node(), cut.node()], RankDir::TopBottom);
    assert!(dot.contains(&format!("label=\"\\\"{}\\\"\"", "é".repeat(22))), "{dot}");
    assert!(dot.contains(&format!("label=\"\\\"{}...\"", "é".repeat(20))), "{dot}");
}
