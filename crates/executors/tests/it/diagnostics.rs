//! Diagnostics: the start and finish hooks, the resource profiler, the
//! task stream picture and the HTML report.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use executors::{
    Callback, Executor, Graph, Profiler, Report, ResourceError, ResourceProfiler, Strategy, TaskSpan,
    key_kind, task_stream_svg,
};

/// Records the order of hook calls.
#[derive(Default)]
struct Hooks {
    calls: Mutex<Vec<String>>,
    tasks: AtomicUsize,
}

impl Callback for Hooks {
    fn start(&self, tasks: usize) {
        self.calls.lock().unwrap().push(format!("start {tasks}"));
    }
    fn posttask(&self, _: &str, _: usize, _: bool) {
        self.tasks.fetch_add(1, Ordering::Relaxed);
    }
    fn finish(&self, failed: bool) {
        let done = self.tasks.load(Ordering::Relaxed);
        self.calls.lock().unwrap().push(format!("finish {failed} after {done}"));
    }
}

#[test]
fn finish_comes_once_after_every_task_and_says_whether_one_failed() {
    for strategy in Strategy::ALL {
        let hooks = Arc::new(Hooks::default());
        let exec = Executor::new(strategy, 3).unwrap().with_callback(hooks.clone());
        exec.map((0..5).collect(), Ok::<u32, String>).unwrap();
        let failing = exec.map((0..5).collect(), |x: u32| if x == 2 { Err("two") } else { Ok(x) });
        assert!(failing.is_err());
        let calls = hooks.calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 4, "{strategy}: {calls:?}");
        assert_eq!(calls[..2], ["start 5".to_owned(), "finish false after 5".to_owned()], "{strategy}");
        assert_eq!(calls[2], "start 5");
        assert!(calls[3].starts_with("finish true"), "{strategy}: {calls:?}");

        let hooks = Arc::new(Hooks::default());
        let exec = Executor::new(strategy, 2).unwrap().with_callback(hooks.clone());
        let g = Graph::new();
        let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1));
        let total = inc.call(&inc.call(1));
        assert_eq!(total.compute(&exec).unwrap(), 3);
        // Two calls and the literal.
        assert_eq!(*hooks.calls.lock().unwrap(), ["start 3", "finish false after 3"], "{strategy}");
    }
}

#[test]
fn the_resource_profiler_samples_cpu_and_memory_while_a_run_goes_on() {
    assert!(matches!(ResourceProfiler::new(Duration::ZERO), Err(ResourceError::ZeroInterval)));
    let profiler = Arc::new(Profiler::new());
    let resources = Arc::new(ResourceProfiler::aligned_with(&profiler, Duration::from_millis(5)).unwrap());
    assert_eq!(resources.origin(), profiler.origin());
    let exec = Executor::new(Strategy::Pool, 2)
        .unwrap()
        .with_callback(profiler.clone())
        .with_callback(resources.clone());
    exec.map(vec![0u8, 1], |i| {
        // One task spins, the other holds 200 MB it has written to.
        let start = std::time::Instant::now();
        if i == 0 {
            let mut x = 0u64;
            while start.elapsed() < Duration::from_millis(300) {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            Ok::<_, String>(x as usize)
        } else {
            let big = vec![1u8; 200 << 20];
            std::thread::sleep(Duration::from_millis(300));
            Ok(std::hint::black_box(big).iter().step_by(4096).map(|&b| usize::from(b)).sum())
        }
    })
    .unwrap();
    let samples = resources.samples();
    assert!(samples.len() >= 10, "{} samples in 300 ms at 5 ms", samples.len());
    assert!(samples.windows(2).all(|w| w[0].at <= w[1].at), "in time order");
    let busiest = samples.iter().map(|s| s.cpu_percent).fold(0.0, f64::max);
    assert!(busiest > 20.0, "a spinning task shows: {busiest}%");
    let first = samples[0].memory_bytes;
    let peak = resources.peak_memory().unwrap();
    assert!(peak >= first + (150 << 20), "200 MB held shows: {first} -> {peak}");
    // Sampling stopped at the run's finish.
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(resources.samples().len(), samples.len());
    // Samples and tasks share the time axis: the tasks lie within the samples.
    let spans = profiler.spans();
    assert!(samples[0].at <= spans.iter().map(|s| s.start).min().unwrap());
    assert!(samples.last().unwrap().at >= spans.iter().map(|s| s.end).max().unwrap());
}

#[test]
fn the_task_stream_has_a_row_per_worker_and_a_bar_per_task() {
    let profiler = Arc::new(Profiler::new());
    let exec = Executor::new(Strategy::WorkQueue, 3).unwrap().with_callback(profiler.clone());
    let _ = exec.map((0..12).collect(), |x: u32| {
        std::thread::sleep(Duration::from_millis(2));
        if x == 7 { Err("seven") } else { Ok(x) }
    });
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1));
    let parts: Vec<_> = (0..4u32).map(|i| inc.call(i)).collect();
    let total = g.sum(parts);
    total.compute(&exec).unwrap();
    let spans = profiler.spans();
    let workers: std::collections::BTreeSet<usize> = spans.iter().map(|s| s.worker).collect();
    let svg = task_stream_svg(&spans, &[], "Stream <test>", Default::default());
    assert_eq!(svg.matches("<rect class=\"task\"").count(), spans.len());
    assert_eq!(svg.matches(">worker ").count(), workers.len());
    assert!(svg.contains("Stream &lt;test&gt;"));
    // One legend entry per kind: task, inc, add and the literals' kind.
    let kinds: std::collections::BTreeSet<&str> = spans.iter().map(|s| key_kind(&s.key)).collect();
    assert!(kinds.contains("task") && kinds.contains("inc") && kinds.contains("add"), "{kinds:?}");
    assert_eq!(svg.matches("class=\"legend\"").count(), kinds.len());
    // The failed task is outlined and says so.
    assert_eq!(svg.matches("stroke-dasharray").count(), 1);
    assert!(svg.contains("task-7: ") && svg.contains("(failed)</title>"));
    assert!(svg.contains(" s</text>"), "a labelled time axis");
    assert!(!svg.contains("class=\"panel\""), "no resource panels without samples");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<title>").count(), svg.matches("</title>").count());
}

#[test]
fn the_task_stream_draws_resource_panels_on_the_same_axis() {
    let span = TaskSpan {
        key: "a-1".into(),
        worker: 0,
        start: Duration::ZERO,
        end: Duration::from_secs(1),
        ok: true,
    };
    let sample = |ms: u64, cpu: f64, mb: u64| executors::ResourceSample {
        at: Duration::from_millis(ms),
        cpu_percent: cpu,
        memory_bytes: mb << 20,
    };
    let samples = [sample(0, 0.0, 10), sample(500, 180.0, 40), sample(1000, 90.0, 20)];
    let svg = task_stream_svg(&[span], &samples, "x", Default::default());
    assert_eq!(svg.matches("class=\"panel\"").count(), 2);
    assert_eq!(svg.matches("class=\"curve\"").count(), 2);
    assert!(svg.contains("CPU (%)") && svg.contains("memory (MB)"));
    // The task's bar spans the plot as the curves do: both start at x = 90.
    assert!(svg.contains("class=\"task\" x=\"90.00\""), "{svg}");
    assert!(svg.contains("points=\"90.00,"), "{svg}");
}

#[test]
fn an_idle_run_reads_zero_on_a_cpu_scale_of_one_core() {
    let span = TaskSpan {
        key: "nap-1".into(),
        worker: 0,
        start: Duration::ZERO,
        end: Duration::from_secs(1),
        ok: true,
    };
    let idle = |ms: u64| executors::ResourceSample {
        at: Duration::from_millis(ms),
        cpu_percent: 0.0,
        memory_bytes: 5 << 20,
    };
    let svg = task_stream_svg(&[span], &[idle(0), idle(1000)], "x", Default::default());
    let cpu = svg.split("class=\"panel\"").nth(1).unwrap();
    let cpu = cpu.split("memory (MB)").next().unwrap();
    // Its scale runs to 100%, not to 1%.
    assert!(cpu.contains(">100</text>") && !cpu.contains(">0.2</text>"), "{cpu}");
}

#[test]
fn a_report_fits_a_summary_table_of_150_columns_in_its_width() {
    let html = Report::new("wide").to_html();
    let number = |after: &str, rule: &str| -> f64 {
        let rest = &html[html.find(rule).unwrap()..];
        let rest = &rest[rest.find(after).unwrap() + after.len()..];
        rest[..rest.find("px").unwrap()].trim().parse().unwrap()
    };
    let (page, font) = (number("max-width:", "body {"), number("font-size:", "pre {"));
    // A monospace character is about 0.61 of the font size wide; 8 px of
    // padding each side.
    assert!(150.0 * 0.61 * font + 16.0 <= page, "{font} px text in {page} px");
}

#[test]
fn a_report_is_one_html_file_that_needs_no_network() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let mut report = Report::new("Run <1>");
    report.fact("strategy", "pool").fact("tasks", "12");
    let picture = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"3\"/></svg>\n";
    report.section("Task stream", "Bars are tasks.", picture).section("Empty", "no picture", "");
    report.write(&executors::output::Output::check(&path).unwrap()).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Run &lt;1&gt;</title>"));
    assert!(html.contains("<tr><td>strategy</td><td>pool</td></tr>"));
    assert_eq!(html.matches("<section>").count(), 2);
    assert_eq!(html.matches("<svg").count(), 1);
    assert!(!html.contains("<?xml") && !html.contains("<!DOCTYPE svg"), "inline SVG without its prologue");
    for remote in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(remote), "{remote}");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["report.html"], "no temporary file left");
}

/// The talk's inc/add graph: two incs and their sum.
fn small_graph() -> (Graph, executors::NodeId) {
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1));
    let add = g.delayed2("add", |x: &u32, y: &u32| Ok::<_, String>(x + y));
    let out = add.call(&inc.call(1), &inc.call(2));
    let id = out.node();
    (g, id)
}

#[test]
fn a_drawing_is_written_in_the_format_its_name_ends_with() {
    use executors::{DrawError, DrawOptions, NodeColor};
    let (g, out) = small_graph();
    let dir = tempfile::tempdir().unwrap();
    let order = DrawOptions { color: NodeColor::Order, ..DrawOptions::default() };
    g.render(&[out], &order, &dir.path().join("g.dot")).unwrap();
    let dot = std::fs::read_to_string(dir.path().join("g.dot")).unwrap();
    assert!(dot.starts_with("digraph"));
    // Five nodes (two literals, two incs, the add), each its colour, the
    // first and last ends of the map.
    let fills: Vec<&str> = dot.match_indices("fillcolor=\"").map(|(i, _)| &dot[i + 11..i + 18]).collect();
    assert_eq!(fills.len(), 5, "{dot}");
    assert_eq!((fills[0], fills[4]), ("#3b528b", "#fde725"));
    assert_eq!(fills.iter().collect::<std::collections::BTreeSet<_>>().len(), 5);
    assert!(!g.to_dot(&[out], executors::RankDir::TopBottom).contains("fillcolor"), "plain by default");
    let err = g.render(&[out], &order, &dir.path().join("g.jpeg")).unwrap_err();
    assert!(matches!(err, DrawError::UnknownFormat { .. }) && err.to_string().contains(".pdf"), "{err}");
    assert!(!dir.path().join("g.jpeg").exists());
    // PNG and PDF through Graphviz, when it is installed.
    let graphviz = std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success());
    for (name, magic) in [("g.png", &b"\x89PNG"[..]), ("g.pdf", &b"%PDF"[..])] {
        let done = g.render(&[out], &DrawOptions::default(), &dir.path().join(name));
        if graphviz {
            done.unwrap();
            assert!(std::fs::read(dir.path().join(name)).unwrap().starts_with(magic), "{name}");
        } else {
            assert!(matches!(done, Err(DrawError::NoGraphviz { .. })), "{name}");
        }
    }
    let svg = dir.path().join("G.SVG");
    match g.render(&[out], &DrawOptions::default(), &svg) {
        Ok(()) => assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg")),
        Err(e) => assert!(!graphviz && !cfg!(feature = "layout"), "{e}"),
    }
    let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.iter().all(|n| !n.to_string_lossy().contains("tmp")), "{names:?}");
}

#[cfg(feature = "layout")]
#[test]
fn the_builtin_layout_draws_without_graphviz() {
    use executors::{DrawOptions, Layout, NodeColor};
    let (g, out) = small_graph();
    let options = DrawOptions { layout: Layout::Builtin, color: NodeColor::Order, ..DrawOptions::default() };
    let svg = g.to_svg(&[out], &options).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    // Every node's label is drawn, with its order colour.
    assert_eq!(svg.matches(">inc<").count(), 2, "{svg}");
    assert_eq!(svg.matches(">add<").count(), 1, "{svg}");
    assert!(svg.contains("fde725"), "the last node's colour: {svg}");
}

#[cfg(not(feature = "layout"))]
#[test]
fn without_the_layout_feature_the_builtin_layout_is_a_typed_error() {
    use executors::{DrawError, DrawOptions, Layout};
    let (g, out) = small_graph();
    let options = DrawOptions { layout: Layout::Builtin, ..DrawOptions::default() };
    assert!(matches!(g.to_svg(&[out], &options), Err(DrawError::NoBuiltinLayout)));
}

#[test]
fn visualize_with_a_png_or_pdf_stem_writes_the_dot_and_that_picture() {
    let (g, out) = small_graph();
    let dir = tempfile::tempdir().unwrap();
    let graphviz = std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success());
    for (name, magic) in [("talk.png", &b"\x89PNG"[..]), ("talk.pdf", &b"%PDF"[..])] {
        let drawing = g.visualize(&[out], executors::RankDir::LeftRight, &dir.path().join(name)).unwrap();
        assert_eq!(drawing.dot, dir.path().join("talk.dot"));
        assert!(std::fs::read_to_string(&drawing.dot).unwrap().starts_with("digraph"));
        assert_eq!(drawing.svg, None);
        if graphviz {
            assert_eq!(drawing.picture.as_deref(), Some(dir.path().join(name).as_path()));
            assert!(std::fs::read(dir.path().join(name)).unwrap().starts_with(magic), "{name}");
        } else {
            assert!(drawing.note.unwrap().contains("Graphviz"));
        }
    }
    assert!(!dir.path().join("talk.png.dot").exists(), "the ending is honoured, not kept");
}

#[test]
fn a_stream_of_very_many_tasks_draws_touching_ones_as_one_bar() {
    // 40 000 tasks of 10 us back to back on 2 workers, one failing.
    let spans: Vec<TaskSpan> = (0..40_000u64)
        .map(|i| TaskSpan {
            key: format!("task-{i}"),
            worker: (i % 2) as usize,
            start: Duration::from_micros(i / 2 * 10),
            end: Duration::from_micros(i / 2 * 10 + 10),
            ok: i != 777,
        })
        .collect();
    let svg = task_stream_svg(&spans, &[], "many", Default::default());
    let singles = svg.matches("<rect class=\"task\"").count();
    let groups: Vec<usize> = svg
        .match_indices("data-count=\"")
        .map(|(i, _)| svg[i + 12..].split('"').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(singles, 1, "the failed task keeps its own bar");
    assert_eq!(groups.iter().sum::<usize>() + singles, spans.len(), "every task is in a bar");
    assert!(groups.len() <= 4, "touching tasks share bars: {} bars", groups.len());
    assert!(svg.len() < 100_000, "{} bytes", svg.len());
    assert!(svg.contains("tasks, ") && svg.contains(" busy, task-0 to "));
}

#[test]
fn a_report_counts_its_sections_and_takes_in_another_reports() {
    let mut a = Report::new("A");
    assert!(a.is_empty());
    assert_eq!(a.len(), 0);
    a.fact("workers", "2").text("Summary", "", "a < b\n  c");
    assert_eq!(a.len(), 1);
    assert!(!a.is_empty());
    let mut b = Report::new("B");
    b.fact("tasks", "12");
    b.section(
        "Picture",
        "a note",
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n",
    );
    b.section("No picture", "", "not an svg document");
    a.append(b);
    assert_eq!(a.len(), 3);
    let html = a.to_html();
    // The title is the first report's; facts and sections keep their order.
    assert!(html.contains("<title>A</title>") && !html.contains(">B<"), "{html}");
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing from {html}"));
    assert!(at("<td>workers</td><td>2</td>") < at("<td>tasks</td><td>12</td>"));
    assert!(
        at("<h2>Summary</h2>") < at("<h2>Picture</h2>") && at("<h2>Picture</h2>") < at("<h2>No picture</h2>")
    );
    // Text is preformatted and escaped; an empty note or text writes nothing;
    // only an SVG document makes a picture.
    assert!(html.contains("<pre>a &lt; b\n  c</pre>"));
    assert_eq!(html.matches("<pre>").count(), 1);
    assert_eq!(html.matches("<p>").count(), 1);
    assert!(html.contains("<p>a note</p>"));
    assert_eq!(html.matches("<div class=\"picture\">").count(), 1);
    assert!(
        html.contains("<div class=\"picture\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n</div>")
    );
}
