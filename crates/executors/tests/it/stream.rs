//! The task stream picture's geometry: where bars, rows, ticks, legend
//! entries and resource curves stand, computed here by hand from the
//! layout (a plot from x = 90 to 20 px before the right edge, rows from
//! y = 36, the time axis under the rows, the legend 34 px under it in rows
//! of six, the panels 10 px under the legend, 40 px apart).

use std::time::Duration;

use executors::{PALETTE, ResourceSample, StreamLayout, TaskSpan, escape, task_stream_svg};

fn span(key: &str, worker: usize, start_ms: u64, end_ms: u64, ok: bool) -> TaskSpan {
    TaskSpan {
        key: key.into(),
        worker,
        start: Duration::from_millis(start_ms),
        end: Duration::from_millis(end_ms),
        ok,
    }
}

/// The value of attribute `name` in the element text `element`.
fn attr<'a>(element: &'a str, name: &str) -> &'a str {
    let pattern = format!(" {name}=\"");
    let at = element.find(&pattern).unwrap_or_else(|| panic!("no {name} in {element}")) + pattern.len();
    &element[at..at + element[at..].find('"').unwrap()]
}

/// The number in attribute `name`.
fn num(element: &str, name: &str) -> f64 {
    attr(element, name).parse().unwrap_or_else(|e| panic!("{name} of {element}: {e}"))
}

/// The elements (up to their closing `>` or `</...>`) starting with `start`.
fn elements<'a>(svg: &'a str, start: &str) -> Vec<&'a str> {
    svg.match_indices(start).map(|(i, _)| &svg[i..i + svg[i..].find('\n').unwrap_or(svg.len() - i)]).collect()
}

/// The text of each `<text>` element.
fn texts(svg: &str) -> Vec<&str> {
    svg.match_indices("<text ")
        .map(|(i, _)| {
            let rest = &svg[i..];
            let open = rest.find('>').unwrap() + 1;
            &rest[open..rest.find("</text>").unwrap()]
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.011
}

#[test]
fn bars_stand_on_a_time_axis_from_zero_to_the_last_end_in_their_workers_rows() {
    // Workers 3 and 7 only: two rows. The last end is 1 s: the plot's
    // 850 px are a second.
    let spans = [
        span("a-1", 3, 0, 250, true),
        span("b-2", 7, 500, 1000, false),
        span("a-3", 3, 750, 1000, true),
        span("c-4", 7, 100, 100, true),
    ];
    let svg = task_stream_svg(&spans, &[], "T", StreamLayout::default());
    let bars = elements(&svg, "<rect class=\"task\"");
    assert_eq!(bars.len(), 4);
    // x, y, width, height, fill.
    let want = [
        (90.0, 38.0, 212.5, PALETTE[0]),
        (515.0, 60.0, 425.0, PALETTE[1]),
        (727.5, 38.0, 212.5, PALETTE[0]),
        (175.0, 60.0, 0.75, PALETTE[2]), // a task of no time is still drawn
    ];
    for (bar, (x, y, w, fill)) in bars.iter().zip(want) {
        assert!(close(num(bar, "x"), x) && close(num(bar, "y"), y), "{bar}");
        assert!(close(num(bar, "width"), w) && close(num(bar, "height"), 18.0), "{bar}");
        assert_eq!(attr(bar, "fill"), fill, "{bar}");
    }
    assert!(bars[0].contains("<title>a-1: 250.000 ms on worker 3</title>"), "{}", bars[0]);
    assert!(bars[1].contains("<title>b-2: 500.000 ms on worker 7 (failed)</title>"), "{}", bars[1]);
    assert!(bars[3].contains("<title>c-4: 0.0 µs on worker 7</title>"), "{}", bars[3]);
    // Rows: a label and a band per worker, in worker order, bands alternating.
    let labels: Vec<&str> = texts(&svg).into_iter().filter(|t| t.starts_with("worker")).collect();
    assert_eq!(labels, ["worker 3", "worker 7"]);
    let bands: Vec<&str> =
        elements(&svg, "<rect x=\"90\"").into_iter().filter(|r| attr(r, "width") == "850.0").collect();
    assert_eq!(bands.len(), 2);
    assert_eq!((num(bands[0], "y"), num(bands[1], "y")), (36.0, 58.0));
    assert_eq!((attr(bands[0], "fill"), attr(bands[1], "fill")), ("#f4f4f4", "#fbfbfb"));
    assert!(bands.iter().all(|b| num(b, "height") == 22.0));
    let label = elements(&svg, "<text x=\"82\"");
    assert_eq!(label.len(), 2);
    assert!(close(num(label[0], "y"), 36.0 + 22.0 * 0.65) && close(num(label[1], "y"), 58.0 + 22.0 * 0.65));
    // The time axis under the rows, ticked every 0.2 s from 0 to 1.
    let axis = elements(&svg, "<line class=\"axis\"");
    assert_eq!(axis.len(), 1);
    assert_eq!((num(axis[0], "x1"), num(axis[0], "x2"), num(axis[0], "y1")), (90.0, 940.0, 80.0));
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["0 s", "0.2 s", "0.4 s", "0.6 s", "0.8 s", "1 s"]);
    let tick_x: Vec<f64> =
        elements(&svg, "<line x1=").iter().filter(|l| num(l, "y1") == 80.0).map(|l| num(l, "x1")).collect();
    let want_x = [90.0, 260.0, 430.0, 600.0, 770.0, 940.0];
    assert_eq!(tick_x.len(), 6);
    assert!(tick_x.iter().zip(want_x).all(|(a, b)| close(*a, b)), "{tick_x:?}");
    assert!(elements(&svg, "<line x1=").iter().all(|l| num(l, "y2") == 84.0));
    // The legend: one entry per kind in order of appearance, 34 px under
    // the axis, 140 px apart.
    let legend = elements(&svg, "<rect class=\"legend\"");
    assert_eq!(legend.len(), 3);
    for (i, entry) in legend.iter().enumerate() {
        assert_eq!((num(entry, "x"), num(entry, "y")), (90.0 + 140.0 * i as f64, 104.0), "{entry}");
        assert_eq!(attr(entry, "fill"), PALETTE[i]);
    }
    assert!(svg.contains("<text x=\"106\" y=\"114.0\">a</text>"), "{svg}");
    assert!(svg.contains("<text x=\"246\" y=\"114.0\">b</text>"), "{svg}");
    // The picture ends under the legend's row.
    let head = elements(&svg, "<svg ")[0];
    assert_eq!((attr(head, "width"), attr(head, "height")), ("960", "144"));
    assert!(head.contains("viewBox=\"0 0 960 144\""));
}

#[test]
fn the_layout_sets_the_width_and_the_rows_height() {
    let layout = StreamLayout { width: 500.0, row: 30.0, panel: 50.0 };
    let spans = [span("a-1", 0, 0, 500, true), span("a-2", 1, 500, 1000, true)];
    let svg = task_stream_svg(&spans, &[], "T", layout);
    // The plot is 500 - 90 - 20 = 390 px wide; rows of 30 px, bars 4 px less.
    let bars = elements(&svg, "<rect class=\"task\"");
    assert!(close(num(bars[0], "x"), 90.0) && close(num(bars[0], "width"), 195.0), "{}", bars[0]);
    assert!(close(num(bars[1], "x"), 285.0) && close(num(bars[1], "y"), 68.0), "{}", bars[1]);
    assert!(bars.iter().all(|b| num(b, "height") == 26.0));
    let axis = elements(&svg, "<line class=\"axis\"")[0];
    assert_eq!((num(axis, "x2"), num(axis, "y1")), (480.0, 96.0));
    let head = elements(&svg, "<svg ")[0];
    assert_eq!((attr(head, "width"), attr(head, "height")), ("500", "160"));
}

#[test]
fn a_stream_starting_later_than_it_lasts_has_its_axis_start_at_its_first_task() {
    // A profiler kept across runs: a run from 10 s to 11 s is drawn over
    // its own second, not squeezed into the last tenth of 11 s.
    let spans = [span("a-1", 0, 10_000, 10_500, true), span("a-2", 0, 10_500, 11_000, true)];
    let svg = task_stream_svg(&spans, &[], "T", StreamLayout::default());
    let bars = elements(&svg, "<rect class=\"task\"");
    assert!(close(num(bars[0], "x"), 90.0) && close(num(bars[0], "width"), 425.0), "{}", bars[0]);
    assert!(close(num(bars[1], "x"), 515.0), "{}", bars[1]);
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["10 s", "10.2 s", "10.4 s", "10.6 s", "10.8 s", "11 s"]);
    // One that starts early in its own length keeps the origin.
    let svg = task_stream_svg(&[span("a-1", 0, 400, 1000, true)], &[], "T", StreamLayout::default());
    let bar = elements(&svg, "<rect class=\"task\"")[0];
    assert!(close(num(bar, "x"), 90.0 + 0.4 * 850.0), "{bar}");
}

#[test]
fn an_empty_stream_is_a_picture_of_one_empty_row_and_a_one_second_axis() {
    let svg = task_stream_svg(&[], &[], "Nothing", StreamLayout::default());
    assert_eq!(svg.matches("<rect class=").count(), 0);
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["0 s", "0.2 s", "0.4 s", "0.6 s", "0.8 s", "1 s"]);
    let axis = elements(&svg, "<line class=\"axis\"")[0];
    assert_eq!(num(axis, "y1"), 58.0);
    let head = elements(&svg, "<svg ")[0];
    assert_eq!(attr(head, "height"), "102");
}

#[test]
fn durations_read_in_seconds_milliseconds_or_microseconds() {
    let spans = [
        TaskSpan {
            key: "s-1".into(),
            worker: 0,
            start: Duration::ZERO,
            end: Duration::from_millis(1500),
            ok: true,
        },
        TaskSpan {
            key: "m-1".into(),
            worker: 0,
            start: Duration::ZERO,
            end: Duration::from_micros(1000),
            ok: true,
        },
        TaskSpan {
            key: "u-1".into(),
            worker: 0,
            start: Duration::ZERO,
            end: Duration::from_nanos(999_949),
            ok: true,
        },
        TaskSpan {
            key: "u-2".into(),
            worker: 0,
            start: Duration::ZERO,
            end: Duration::from_nanos(240),
            ok: true,
        },
        TaskSpan {
            key: "s-2".into(),
            worker: 0,
            start: Duration::ZERO,
            end: Duration::from_secs(1),
            ok: true,
        },
    ];
    let svg = task_stream_svg(&spans, &[], "T", StreamLayout::default());
    for title in ["s-1: 1.500 s", "m-1: 1.000 ms", "u-1: 999.9 µs", "u-2: 0.2 µs", "s-2: 1.000 s"] {
        assert!(svg.contains(&format!("<title>{title} on worker 0</title>")), "{title}: {svg}");
    }
}

#[test]
fn kinds_past_six_start_a_new_legend_row_and_colours_cycle_past_eight() {
    let spans: Vec<TaskSpan> =
        (0..9u64).map(|i| span(&format!("k{i}-1"), 0, i * 100, i * 100 + 100, true)).collect();
    let svg = task_stream_svg(&spans, &[], "T", StreamLayout::default());
    let legend = elements(&svg, "<rect class=\"legend\"");
    assert_eq!(legend.len(), 9);
    let at: Vec<(f64, f64)> = legend.iter().map(|e| (num(e, "x"), num(e, "y"))).collect();
    assert_eq!(at[5], (790.0, 82.0));
    assert_eq!(at[6], (90.0, 102.0));
    assert_eq!(at[8], (370.0, 102.0));
    assert_eq!(attr(legend[8], "fill"), PALETTE[0]);
    let bars = elements(&svg, "<rect class=\"task\"");
    assert_eq!(attr(bars[8], "fill"), PALETTE[0]);
    assert_eq!(attr(bars[7], "fill"), PALETTE[7]);
    // Two legend rows: the picture is 20 px taller than with one.
    let head = elements(&svg, "<svg ")[0];
    assert_eq!(attr(head, "height"), "142");
}

#[test]
fn resource_curves_are_drawn_on_their_own_scales_under_the_legend() {
    let spans = [span("a-1", 0, 0, 1000, true)];
    let sample = |ms: u64, cpu: f64, mb: u64| ResourceSample {
        at: Duration::from_millis(ms),
        cpu_percent: cpu,
        memory_bytes: mb * 1_000_000,
    };
    let samples = [sample(0, 0.0, 10), sample(500, 180.0, 40), sample(1000, 90.0, 20)];
    let svg = task_stream_svg(&spans, &samples, "T", StreamLayout::default());
    // One row (axis at 58), the legend at 92, the CPU panel from 122 and
    // the memory panel 150 px under it, each 110 px high.
    let frames: Vec<&str> = svg
        .match_indices("<g class=\"panel\"><rect")
        .map(|(i, _)| &svg[i + 17..i + svg[i..].find('\n').unwrap()])
        .collect();
    assert_eq!(frames.len(), 2);
    assert_eq!((num(frames[0], "y"), num(frames[0], "height")), (122.0, 110.0));
    assert_eq!(num(frames[1], "y"), 272.0);
    assert!(frames.iter().all(|f| num(f, "x") == 90.0 && num(f, "width") == 850.0));
    assert!(frames[0].contains(">CPU (%)</text>") && frames[1].contains(">memory (MB)</text>"));
    assert!(frames[0].contains("rotate(-90 22 177.0)"), "{}", frames[0]);
    // CPU up to 180%: a scale from 0 to 200 in steps of 50.
    let curves = elements(&svg, "<polyline class=\"curve\"");
    assert_eq!(attr(curves[0], "points"), "90.00,232.00 515.00,133.00 940.00,182.50");
    // Memory up to 40 MB: 0 to 40 in steps of 10.
    assert_eq!(attr(curves[1], "points"), "90.00,354.50 515.00,272.00 940.00,327.00");
    let all = texts(&svg);
    let cpu = all.iter().position(|t| *t == "CPU (%)").unwrap();
    let mem = all.iter().position(|t| *t == "memory (MB)").unwrap();
    assert_eq!(all[cpu + 1..cpu + 6], ["0", "50", "100", "150", "200"]);
    assert_eq!(all[mem + 1..mem + 6], ["0", "10", "20", "30", "40"]);
    let y_ticks: Vec<f64> = elements(&svg, "<line x1=\"86\"").iter().map(|l| num(l, "y1")).collect();
    let want = [232.0, 204.5, 177.0, 149.5, 122.0, 382.0, 354.5, 327.0, 299.5, 272.0];
    assert_eq!(y_ticks.len(), want.len(), "{y_ticks:?}");
    assert!(y_ticks.iter().zip(want).all(|(a, b)| close(*a, b)), "{y_ticks:?}");
    // Each panel has its time axis under it.
    let axes: Vec<f64> = elements(&svg, "<line class=\"axis\"").iter().map(|l| num(l, "y1")).collect();
    assert_eq!(axes, [58.0, 232.0, 382.0]);
    let head = elements(&svg, "<svg ")[0];
    assert_eq!(attr(head, "height"), "422");
}

#[test]
fn tick_labels_have_few_digits_and_no_trailing_zeros() {
    // Memory of 1.2 MB: ticks of 0.25; of 2500 MB: ticks of 500; under a
    // megabyte: a scale to 1 at least.
    let spans = [span("a-1", 0, 0, 1000, true)];
    let labels = |mb: f64| {
        let samples =
            [ResourceSample { at: Duration::ZERO, cpu_percent: 0.0, memory_bytes: (mb * 1e6) as u64 }];
        let svg = task_stream_svg(&spans, &samples, "T", StreamLayout::default());
        let all: Vec<String> = texts(&svg).into_iter().map(str::to_owned).collect();
        let at = all.iter().position(|t| t == "memory (MB)").unwrap();
        all[at + 1..].iter().take_while(|t| !t.ends_with(" s")).cloned().collect::<Vec<_>>()
    };
    assert_eq!(labels(1.2), ["0", "0.25", "0.5", "0.75", "1", "1.25"]);
    assert_eq!(labels(2500.0), ["0", "500", "1000", "1500", "2000", "2500"]);
    assert_eq!(labels(0.0123), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
}

#[test]
fn merged_bars_span_their_tasks_and_say_how_many_and_how_busy() {
    // 6000 tasks: worker 0 runs 5999 of kind a back to back, 100 us each;
    // worker 1 one task of kind b alone.
    let mut spans: Vec<TaskSpan> = (0..5999u64)
        .map(|i| TaskSpan {
            key: format!("a-{i}"),
            worker: 0,
            start: Duration::from_micros(i * 100),
            end: Duration::from_micros(i * 100 + 100),
            ok: true,
        })
        .collect();
    spans.push(TaskSpan {
        key: "b-0".into(),
        worker: 1,
        start: Duration::from_micros(100_000),
        end: Duration::from_micros(400_000),
        ok: true,
    });
    let svg = task_stream_svg(&spans, &[], "T", StreamLayout::default());
    let groups = elements(&svg, "<rect class=\"tasks\"");
    assert_eq!(groups.len(), 2, "{groups:?}");
    let a = groups[0];
    assert_eq!(attr(a, "data-count"), "5999");
    assert!(close(num(a, "x"), 90.0) && close(num(a, "width"), 850.0) && num(a, "y") == 38.0, "{a}");
    assert_eq!(attr(a, "fill"), PALETTE[0]);
    assert!(a.contains("<title>5999 a tasks, 599.900 ms busy, a-0 to a-5998</title>"), "{a}");
    let b = groups[1];
    assert_eq!(attr(b, "data-count"), "1");
    let t1 = 0.5999;
    assert!(close(num(b, "x"), 90.0 + 0.1 / t1 * 850.0) && num(b, "y") == 60.0, "{b}");
    assert!(close(num(b, "width"), 0.3 / t1 * 850.0), "{b}");
    assert!(b.contains("<title>b-0: 300.000 ms</title>"), "{b}");
    assert_eq!(attr(b, "fill"), PALETTE[1], "the second kind's colour");
    // A gap of more than a pixel starts a new bar; tasks of another kind
    // between them too.
    let mut gapped = spans.clone();
    for s in gapped.iter_mut().skip(3000).take(2999) {
        s.start += Duration::from_millis(100);
        s.end += Duration::from_millis(100);
    }
    let svg = task_stream_svg(&gapped, &[], "T", StreamLayout::default());
    let counts: Vec<&str> =
        elements(&svg, "<rect class=\"tasks\"").iter().map(|g| attr(g, "data-count")).collect();
    assert_eq!(counts, ["3000", "2999", "1"]);
}

#[test]
fn text_in_the_picture_is_escaped() {
    assert_eq!(escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
    let svg = task_stream_svg(&[span("x<y-1", 0, 0, 10, true)], &[], "<T>", StreamLayout::default());
    assert!(svg.contains("<title>x&lt;y-1: 10.000 ms on worker 0</title>"), "{svg}");
    assert!(svg.contains(">x&lt;y</text>") && svg.contains(">&lt;T&gt;</text>"), "{svg}");
}

#[test]
fn a_keys_kind_drops_the_words_that_number_or_hash_it() {
    let cases = [
        ("task-17", "task"),
        ("inc-1f2e3d4c5b6a7980", "inc"),
        ("read-filter-partial-00ab12cd34ef5678-2", "read-filter-partial"),
        ("load-deadbeef", "load"),
        // Seven hex digits are a word, not a hash.
        ("load-deadbee", "load-deadbee"),
        ("sum-x1", "sum-x1"),
        ("a-b-c", "a-b-c"),
        // The first word stays whatever it is.
        ("42", "42"),
        ("12345678-9", "12345678"),
        ("é-ü-3", "é-ü"),
        ("", ""),
    ];
    for (key, kind) in cases {
        assert_eq!(executors::key_kind(key), kind, "{key}");
    }
}

#[test]
fn a_short_stream_starting_late_has_its_axis_start_at_its_first_task_too() {
    // From 0.5 s to 0.8 s: it starts later than it lasts.
    let spans = [span("a-1", 0, 500, 650, true), span("a-2", 0, 650, 800, true)];
    let svg = task_stream_svg(&spans, &[], "T", StreamLayout::default());
    let bars = elements(&svg, "<rect class=\"task\"");
    assert!(close(num(bars[0], "x"), 90.0) && close(num(bars[0], "width"), 425.0), "{}", bars[0]);
    assert!(close(num(bars[1], "x"), 515.0), "{}", bars[1]);
}

#[test]
fn tasks_of_no_time_at_one_instant_stand_on_a_one_second_axis() {
    // Nothing to scale by: the axis runs from 0 to 1 s, no coordinate is
    // NaN or infinite.
    let spans = [span("a-1", 0, 300, 300, true), span("a-2", 1, 300, 300, true)];
    let svg = task_stream_svg(&spans, &[], "T", StreamLayout::default());
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    let bars = elements(&svg, "<rect class=\"task\"");
    assert!(bars.iter().all(|b| close(num(b, "x"), 90.0 + 0.3 * 850.0) && num(b, "width") == 0.75));
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["0 s", "0.2 s", "0.4 s", "0.6 s", "0.8 s", "1 s"]);
}

/// `n` tasks of 100 us on worker 0, one every `every` us.
fn many(n: u64, every: u64) -> Vec<TaskSpan> {
    (0..n)
        .map(|i| TaskSpan {
            key: format!("a-{i}"),
            worker: 0,
            start: Duration::from_micros(i * every),
            end: Duration::from_micros(i * every + 100),
            ok: true,
        })
        .collect()
}

#[test]
fn up_to_5000_tasks_get_a_bar_each_and_beyond_tasks_within_a_pixel_share_one() {
    let svg = task_stream_svg(&many(5000, 100), &[], "T", StreamLayout::default());
    assert_eq!(svg.matches("<rect class=\"task\"").count(), 5000);
    assert_eq!(svg.matches("<rect class=\"tasks\"").count(), 0);
    let svg = task_stream_svg(&many(5001, 100), &[], "T", StreamLayout::default());
    assert_eq!(svg.matches("<rect class=\"task\"").count(), 0);
    assert_eq!(
        elements(&svg, "<rect class=\"tasks\"").iter().map(|g| attr(g, "data-count")).collect::<Vec<_>>(),
        ["5001"]
    );
    // Gaps of 300 us, a tenth of a pixel on this axis of 2.4 s: one bar.
    let svg = task_stream_svg(&many(6000, 400), &[], "T", StreamLayout::default());
    let groups = elements(&svg, "<rect class=\"tasks\"");
    assert_eq!(groups.iter().map(|g| attr(g, "data-count")).collect::<Vec<_>>(), ["6000"]);
    assert!(
        groups[0].contains("<title>6000 a tasks, 600.000 ms busy, a-0 to a-5999</title>"),
        "{}",
        groups[0]
    );
}

#[test]
fn ticks_stay_within_the_axis() {
    // From 0 to 0.9 s: ticks every 0.2 s, none past the end.
    let svg = task_stream_svg(&[span("a-1", 0, 0, 900, true)], &[], "T", StreamLayout::default());
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["0 s", "0.2 s", "0.4 s", "0.6 s", "0.8 s"]);
    // From 10.1 to 10.9 s: none before the start either.
    let svg = task_stream_svg(&[span("a-1", 0, 10_100, 10_900, true)], &[], "T", StreamLayout::default());
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["10.2 s", "10.4 s", "10.6 s", "10.8 s"]);
    let xs: Vec<f64> = elements(&svg, "<line x1=").iter().map(|l| num(l, "x1")).collect();
    assert!(xs.iter().all(|&x| (90.0..=940.0).contains(&x)), "{xs:?}");
}

#[test]
fn ticks_past_100_seconds_keep_the_digits_that_tell_them_apart() {
    // A profiler kept across runs: a run from 100.1 s to 100.9 s. Its
    // ticks were all labelled "100 s".
    let svg = task_stream_svg(&[span("a-1", 0, 100_100, 100_900, true)], &[], "T", StreamLayout::default());
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["100.2 s", "100.4 s", "100.6 s", "100.8 s"]);
    // From 200 s to 300 s: ticks every 20 s, starting at the axis' start.
    let svg = task_stream_svg(&[span("a-1", 0, 200_000, 300_000, true)], &[], "T", StreamLayout::default());
    let ticks: Vec<&str> = texts(&svg).into_iter().filter(|t| t.ends_with(" s")).collect();
    assert_eq!(ticks, ["200 s", "220 s", "240 s", "260 s", "280 s", "300 s"]);
}
