//! The task stream (dask's "task stream" and `visualize` of profiles): a
//! standalone SVG with one row per worker and one bar per task from a
//! [`Profiler`](crate::Profiler)'s spans, coloured by the task's kind (the
//! function-name part of its key) with the key and duration as tooltips,
//! and under it, on the same time axis, the CPU and memory curves of a
//! [`ResourceProfiler`](crate::ResourceProfiler).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::callback::TaskSpan;
use crate::resource::ResourceSample;

/// The Okabe–Ito palette (readable with every common colour-vision
/// deficiency), black left out: kinds take its colours in turn.
pub const PALETTE: [&str; 8] =
    ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];

/// The kind of a task: its key without the trailing parts that number or
/// hash it (dask's `key_split`): `task-17` is `task`, `inc-1f2e3d4c5b6a7980`
/// is `inc`, `read-filter-partial-00ab12cd34ef5678-2` is
/// `read-filter-partial`.
///
/// ```
/// assert_eq!(executors::key_kind("task-17"), "task");
/// assert_eq!(executors::key_kind("read-filter-partial-00ab12cd34ef5678-2"), "read-filter-partial");
/// assert_eq!(executors::key_kind("42"), "42");
/// ```
pub fn key_kind(key: &str) -> &str {
    let mut end = 0;
    for (i, word) in key.split('-').enumerate() {
        let numeric = !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit());
        let hash = word.len() >= 8 && word.bytes().all(|b| b.is_ascii_hexdigit());
        if i > 0 && (numeric || hash) {
            break;
        }
        end += word.len() + usize::from(i > 0);
    }
    &key[..end]
}

/// Size of the picture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamLayout {
    /// Width in pixels.
    pub width: f64,
    /// Height of a worker's row in pixels.
    pub row: f64,
    /// Height of each resource panel in pixels.
    pub panel: f64,
}

impl Default for StreamLayout {
    fn default() -> Self {
        Self { width: 960.0, row: 22.0, panel: 110.0 }
    }
}

/// Draws the task stream of `spans` and, when there are samples, the CPU
/// and memory panels under it, as a standalone SVG document. Beyond 5000
/// tasks, touching successful tasks of one kind on one worker share a bar
/// (`class="tasks"`, its `data-count` and tooltip say how many). Times are
/// the profilers' (give the resource profiler the task profiler's origin:
/// [`ResourceProfiler::aligned_with`](crate::ResourceProfiler::aligned_with)).
///
/// ```
/// use std::time::Duration;
/// use executors::{TaskSpan, task_stream_svg};
/// let span = |key: &str, worker, ms: u64| TaskSpan {
///     key: key.into(), worker,
///     start: Duration::from_millis(ms), end: Duration::from_millis(ms + 5), ok: true,
/// };
/// let svg = task_stream_svg(&[span("inc-1", 0, 0), span("add-2", 1, 3)], &[], "Tasks", Default::default());
/// assert_eq!(svg.matches("<rect class=\"task\"").count(), 2);
/// assert!(svg.contains("<title>inc-1: 5.000 ms on worker 0</title>"));
/// ```
pub fn task_stream_svg(
    spans: &[TaskSpan],
    samples: &[ResourceSample],
    title: &str,
    layout: StreamLayout,
) -> String {
    let workers: Vec<usize> = {
        let mut w: Vec<usize> = spans.iter().map(|s| s.worker).collect();
        w.sort_unstable();
        w.dedup();
        w
    };
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut order = Vec::new();
    for s in spans {
        let kind = key_kind(&s.key);
        if !kinds.contains_key(kind) {
            kinds.insert(kind, order.len());
            order.push(kind);
        }
    }
    let secs = |d: Duration| d.as_secs_f64();
    let t0 = spans
        .iter()
        .map(|s| secs(s.start))
        .chain(samples.iter().map(|s| secs(s.at)))
        .fold(f64::INFINITY, f64::min);
    let t1 = spans
        .iter()
        .map(|s| secs(s.end))
        .chain(samples.iter().map(|s| secs(s.at)))
        .fold(f64::NEG_INFINITY, f64::max);
    // The axis starts at the profilers' origin unless the times start later
    // than their own length (a profiler kept across many runs).
    let t0 = if t0.is_finite() && t0 < t1 - t0 { 0.0 } else { t0 };
    let (t0, t1) = if t0.is_finite() && t1 > t0 { (t0, t1) } else { (0.0, 1.0) };
    let (left, right, top) = (90.0, 20.0, 36.0);
    let plot = layout.width - left - right;
    let x = |t: f64| left + (t - t0) / (t1 - t0) * plot;
    let rows_height = layout.row * workers.len().max(1) as f64;
    let axis_y = top + rows_height;
    let legend_rows = order.len().div_ceil(6) as f64;
    let legend_y = axis_y + 34.0;
    let mut panels_y = legend_y + 20.0 * legend_rows + 10.0;
    let height = panels_y + if samples.is_empty() { 0.0 } else { 2.0 * (layout.panel + 40.0) };

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height:.0}" viewBox="0 0 {w} {height:.0}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{left}" y="22" font-size="15" font-weight="bold">{title}</text>
"#,
        w = layout.width,
        title = escape(title)
    );
    for (i, w) in workers.iter().enumerate() {
        let y = top + layout.row * i as f64;
        let _ = writeln!(
            svg,
            r##"<text x="{tx}" y="{ty:.1}" text-anchor="end">worker {w}</text><rect x="{left}" y="{y:.1}" width="{plot:.1}" height="{h:.1}" fill="{bg}"/>"##,
            tx = left - 8.0,
            ty = y + layout.row * 0.65,
            h = layout.row,
            bg = if i % 2 == 0 { "#f4f4f4" } else { "#fbfbfb" },
        );
    }
    // Beyond MAX_BARS tasks, neighbouring successful tasks of one kind on
    // one worker that touch within a pixel are drawn as one bar.
    let merge = spans.len() > MAX_BARS;
    let mut sorted: Vec<&TaskSpan> = spans.iter().collect();
    if merge {
        sorted.sort_by_key(|s| (s.worker, s.start));
    }
    let h = layout.row - 4.0;
    let mut group: Option<Group> = None;
    for s in sorted {
        let row = workers.binary_search(&s.worker).unwrap_or(0);
        let (a, b) = (x(secs(s.start)), x(secs(s.end)));
        let kind = kinds[key_kind(&s.key)];
        if merge && s.ok {
            if let Some(g) = group.as_mut().filter(|g| g.row == row && g.kind == kind && a <= g.end + 1.0) {
                g.end = g.end.max(b);
                g.count += 1;
                g.busy += s.end.saturating_sub(s.start);
                g.last = s.key.clone();
                continue;
            }
            if let Some(g) = group.take() {
                g.draw(&mut svg, top, layout.row, h, &order);
            }
            let busy = s.end.saturating_sub(s.start);
            group = Some(Group {
                row,
                kind,
                start: a,
                end: b,
                count: 1,
                busy,
                first: s.key.clone(),
                last: s.key.clone(),
            });
            continue;
        }
        let y = top + layout.row * row as f64 + 2.0;
        let colour = PALETTE[kind % PALETTE.len()];
        let outline = if s.ok { "" } else { r#" stroke="black" stroke-width="1.5" stroke-dasharray="3,2""# };
        let _ = writeln!(
            svg,
            r#"<rect class="task" x="{a:.2}" y="{y:.1}" width="{bw:.2}" height="{h:.1}" fill="{colour}"{outline}><title>{key}: {d} on worker {w}{failed}</title></rect>"#,
            bw = (b - a).max(0.75),
            key = escape(&s.key),
            d = duration(s.end.saturating_sub(s.start)),
            w = s.worker,
            failed = if s.ok { "" } else { " (failed)" },
        );
    }
    if let Some(g) = group {
        g.draw(&mut svg, top, layout.row, h, &order);
    }
    time_axis(&mut svg, axis_y, t0, t1, &x, left, plot);
    for (i, kind) in order.iter().enumerate() {
        let lx = left + 140.0 * (i % 6) as f64;
        let ly = legend_y + 20.0 * (i / 6) as f64;
        let _ = writeln!(
            svg,
            r#"<rect class="legend" x="{lx}" y="{ry:.1}" width="12" height="12" fill="{c}"/><text x="{tx}" y="{ly:.1}">{k}</text>"#,
            ry = ly - 10.0,
            c = PALETTE[i % PALETTE.len()],
            tx = lx + 16.0,
            k = escape(kind),
        );
    }
    if !samples.is_empty() {
        let cpu: Vec<(f64, f64)> = samples.iter().map(|s| (secs(s.at), s.cpu_percent)).collect();
        let mem: Vec<(f64, f64)> =
            samples.iter().map(|s| (secs(s.at), s.memory_bytes as f64 / 1e6)).collect();
        // CPU on a scale of one core at least: an idle run reads 0 of 100,
        // not a flat line on a scale of 0 to 1.
        for (name, points, colour, at_least) in
            [("CPU (%)", cpu, "#0072B2", 100.0), ("memory (MB)", mem, "#D55E00", 1.0)]
        {
            let frame = (panels_y, layout.panel, at_least);
            panel(&mut svg, frame, name, &points, colour, &x, (t0, t1), left, plot);
            panels_y += layout.panel + 40.0;
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// The most tasks drawn one bar each; beyond, touching tasks of a kind
/// on a worker share a bar (a picture of a million bars helps no one).
pub(crate) const MAX_BARS: usize = 5000;

/// Tasks drawn as one bar.
struct Group {
    row: usize,
    kind: usize,
    start: f64,
    end: f64,
    count: usize,
    busy: Duration,
    first: String,
    last: String,
}

impl Group {
    fn draw(&self, svg: &mut String, top: f64, row_height: f64, h: f64, kinds: &[&str]) {
        let y = top + row_height * self.row as f64 + 2.0;
        let colour = PALETTE[self.kind % PALETTE.len()];
        let title = if self.count == 1 {
            format!("{}: {}", escape(&self.first), duration(self.busy))
        } else {
            format!(
                "{} {} tasks, {} busy, {} to {}",
                self.count,
                escape(kinds[self.kind]),
                duration(self.busy),
                escape(&self.first),
                escape(&self.last)
            )
        };
        let _ = writeln!(
            svg,
            r#"<rect class="tasks" data-count="{n}" x="{a:.2}" y="{y:.1}" width="{bw:.2}" height="{h:.1}" fill="{colour}"><title>{title}</title></rect>"#,
            n = self.count,
            a = self.start,
            bw = (self.end - self.start).max(0.75),
        );
    }
}

/// A resource panel: a frame, a y axis from 0 to the values' highest
/// (and to `at_least` at least), the curve, the time axis; `frame` is
/// the panel's top, height and `at_least`.
#[allow(clippy::too_many_arguments)]
fn panel(
    svg: &mut String,
    (top, height, at_least): (f64, f64, f64),
    name: &str,
    points: &[(f64, f64)],
    colour: &str,
    x: &dyn Fn(f64) -> f64,
    (t0, t1): (f64, f64),
    left: f64,
    plot: f64,
) {
    let high = points.iter().map(|p| p.1).fold(at_least, f64::max);
    let ticks = nice_ticks(0.0, if high > 0.0 { high } else { 1.0 });
    let top_value = *ticks.last().unwrap_or(&1.0);
    let y = |v: f64| top + height - v / top_value * height;
    let _ = writeln!(
        svg,
        r##"<g class="panel"><rect x="{left}" y="{top:.1}" width="{plot:.1}" height="{height:.1}" fill="none" stroke="#bbb"/><text x="{tx}" y="{ty:.1}" text-anchor="middle" transform="rotate(-90 {tx} {ty:.1})">{name}</text>"##,
        tx = 22.0,
        ty = top + height / 2.0,
        name = escape(name)
    );
    for v in &ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{a}" x2="{left}" y1="{yy:.1}" y2="{yy:.1}" stroke="#555"/><text x="{tx}" y="{ly:.1}" text-anchor="end">{label}</text>"##,
            a = left - 4.0,
            yy = y(*v),
            tx = left - 7.0,
            ly = y(*v) + 4.0,
            label = number(*v),
        );
    }
    let path: Vec<String> = points.iter().map(|&(t, v)| format!("{:.2},{:.2}", x(t), y(v))).collect();
    let _ = writeln!(
        svg,
        r#"<polyline class="curve" points="{}" fill="none" stroke="{colour}" stroke-width="1.5"/></g>"#,
        path.join(" ")
    );
    time_axis(svg, top + height, t0, t1, x, left, plot);
}

/// A horizontal time axis at `y` with ticks labelled in seconds.
fn time_axis(svg: &mut String, y: f64, t0: f64, t1: f64, x: &dyn Fn(f64) -> f64, left: f64, plot: f64) {
    let _ = writeln!(
        svg,
        r##"<line class="axis" x1="{left}" x2="{r:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#555"/>"##,
        r = left + plot
    );
    for t in nice_ticks(t0, t1) {
        if t < t0 - 1e-12 || t > t1 + 1e-12 {
            continue;
        }
        let _ = writeln!(
            svg,
            r##"<line x1="{xx:.1}" x2="{xx:.1}" y1="{y:.1}" y2="{b:.1}" stroke="#555"/><text x="{xx:.1}" y="{ty:.1}" text-anchor="middle">{label} s</text>"##,
            xx = x(t),
            b = y + 4.0,
            ty = y + 16.0,
            label = number(t),
        );
    }
}

/// About five round tick values covering `[low, high]`.
pub(crate) fn nice_ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).max(f64::MIN_POSITIVE);
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let first = (low / step).floor() as i64;
    let last = (high / step).ceil() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick label: up to three decimals (ticks past 100 can be a fifth
/// apart), no trailing zeros, no minus on a zero.
fn number(v: f64) -> String {
    if v == 0.0 {
        return "0".to_owned();
    }
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A duration in the unit that reads best.
fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// Text made safe inside SVG or HTML elements and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
