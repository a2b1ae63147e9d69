//! Pictures of results, drawn with `plotters` as SVG text: box plots of a
//! per-run statistic per server count (with the runs as points, the mean
//! with its confidence interval and theory's value), the number of
//! customers in the system against time, and bar charts. Colours are the
//! Okabe–Ito palette (`executors::PALETTE`), safe for colour-blind readers.

use anyhow::{Result, anyhow};
use executors::PALETTE;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One box of a box plot.
pub(crate) struct BoxData {
    /// Label on the x axis.
    pub(crate) label: String,
    /// The runs' values (NaN left out).
    pub(crate) values: Vec<f64>,
    /// Mean and half-width of its confidence interval.
    pub(crate) mean_ci: Option<(f64, f64)>,
    /// Theory's value, where one exists.
    pub(crate) theory: Option<f64>,
}

/// Opacity of the grid's minor lines: there, but quieter than any mark.
const LIGHT_GRID: f64 = 0.03;
/// Opacity of the grid's labelled lines.
const BOLD_GRID: f64 = 0.12;
/// Size of tick labels (plotters draws text at 0.8 of the size asked: 16
/// is 13 pixels).
const TICK_FONT: u32 = 16;
/// Size of axis titles.
const AXIS_FONT: u32 = 17;
/// Size of legend entries.
const LEGEND_FONT: u32 = 16;
/// Size of a figure's title.
const TITLE_FONT: u32 = 22;

/// A colour of the palette.
fn colour(i: usize) -> RGBColor {
    let hex = PALETTE[i % PALETTE.len()].trim_start_matches('#');
    let v = u32::from_str_radix(hex, 16).unwrap_or(0);
    // Each byte of the 24-bit colour.
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// Draws into an SVG string of `size` pixels.
fn svg(size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<()>) -> Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        draw(&root)?;
        root.present().map_err(|e| anyhow!("{e}"))?;
    }
    Ok(text)
}

/// Quartiles by linear interpolation of sorted values.
fn quartiles(sorted: &[f64]) -> [f64; 5] {
    let q = |p: f64| {
        let pos = p * (sorted.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
    };
    [sorted[0], q(0.25), q(0.5), q(0.75), sorted[sorted.len() - 1]]
}

/// Box plots of `boxes` side by side: box from the first to the third
/// quartile, a line at the median, whiskers to the extremes, every run a
/// point, the mean with its confidence interval as an error bar beside
/// the box, theory as a red diamond. A logarithmic y axis when the values
/// span more than a factor of 20.
pub(crate) fn box_plot(title: &str, y_label: &str, boxes: &[BoxData]) -> Result<String> {
    let all: Vec<f64> = boxes
        .iter()
        .flat_map(|b| b.values.iter().copied().chain(b.theory).chain(b.mean_ci.map(|(m, h)| m - h.max(0.0))))
        .filter(|v| v.is_finite())
        .collect();
    let low = all.iter().copied().fold(f64::INFINITY, f64::min);
    let high = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if low.is_finite() { (low, high) } else { (0.0, 1.0) };
    let log = low > 0.0 && high / low > 20.0;
    let n = boxes.len().max(1) as f64;
    let labels: Vec<String> = boxes.iter().map(|b| b.label.clone()).collect();
    let x_format = move |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    svg((820, 520), |root| {
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(title, ("sans-serif", TITLE_FONT))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80);
        let x_range = -0.5..(n - 0.5);
        if log {
            let last_label = std::cell::Cell::new(f64::NAN);
            // From the power of ten just below when it is near (plotters
            // marks multiples only above one), so that small values have
            // labels beside them.
            let decade = 10f64.powf((low / 1.5).log10().floor());
            let floor = if low / 1.5 < 3.0 * decade { decade } else { low / 1.5 };
            let mut chart = builder
                .build_cartesian_2d(x_range, (floor..high * 1.5).log_scale())
                .map_err(|e| anyhow!("{e}"))?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(BLACK.mix(BOLD_GRID))
                .label_style(("sans-serif", TICK_FONT))
                .disable_x_mesh()
                .x_labels(boxes.len().max(2))
                .x_label_formatter(&x_format)
                // Every whole multiple of a power of ten is a line; 1, 2
                // and 5 times one are labelled.
                .y_labels(10 * ((high * 1.5) / floor).log10().ceil().max(1.0) as usize)
                // plotters lists each power of ten twice (as the last
                // multiple of the one below): it is labelled once.
                .y_label_formatter(&|y| {
                    let again = last_label.replace(*y) == *y;
                    if one_two_five(*y) && !again { short(*y) } else { String::new() }
                })
                .x_desc("servers")
                .y_desc(format!("{y_label} (log scale)"))
                .axis_desc_style(("sans-serif", AXIS_FONT))
                .draw()
                .map_err(|e| anyhow!("{e}"))?;
            draw_boxes(&mut chart, boxes)
        } else {
            let pad = (high - low).max(1e-9) * 0.08;
            let mut chart = builder
                .build_cartesian_2d(x_range, (low - pad).min(0.0)..high + pad)
                .map_err(|e| anyhow!("{e}"))?;
            chart
                .configure_mesh()
                .light_line_style(BLACK.mix(LIGHT_GRID))
                .bold_line_style(BLACK.mix(BOLD_GRID))
                .label_style(("sans-serif", TICK_FONT))
                .disable_x_mesh()
                .x_labels(boxes.len().max(2))
                .x_label_formatter(&x_format)
                .y_label_formatter(&|y| short(*y))
                .x_desc("servers")
                .y_desc(y_label)
                .axis_desc_style(("sans-serif", AXIS_FONT))
                .draw()
                .map_err(|e| anyhow!("{e}"))?;
            draw_boxes(&mut chart, boxes)
        }
    })
}

/// The boxes, points, intervals and theory marks of [`box_plot`], on either axis.
fn draw_boxes<'a, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordf64, Y>>,
    boxes: &[BoxData],
) -> Result<()>
where
    Y: Ranged<ValueType = f64>,
{
    let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
    let mut theory_shown = false;
    let mut mean_shown = false;
    for (i, b) in boxes.iter().enumerate() {
        let x = i as f64;
        let mut sorted: Vec<f64> = b.values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let fill = colour(i);
        if !sorted.is_empty() {
            let [min, q1, med, q3, max] = quartiles(&sorted);
            chart
                .draw_series([Rectangle::new([(x - 0.22, q1), (x + 0.22, q3)], fill.mix(0.25).filled())])
                .map_err(err)?;
            chart
                .draw_series([Rectangle::new([(x - 0.22, q1), (x + 0.22, q3)], fill.stroke_width(2))])
                .map_err(err)?;
            for (a, b) in [((x - 0.22, med), (x + 0.22, med)), ((x, q3), (x, max)), ((x, q1), (x, min))] {
                chart.draw_series([PathElement::new(vec![a, b], fill.stroke_width(2))]).map_err(err)?;
            }
            for y in [min, max] {
                chart
                    .draw_series([PathElement::new(vec![(x - 0.1, y), (x + 0.1, y)], fill.stroke_width(2))])
                    .map_err(err)?;
            }
            // Each run a point, spread across the box by a fixed sequence.
            let points = sorted.iter().enumerate().map(|(k, &v)| {
                let jitter = ((k as f64 * 0.618_033_988_75).fract() - 0.5) * 0.3;
                Circle::new((x + jitter, v), 2, fill.mix(0.6).filled())
            });
            let series = chart.draw_series(points).map_err(err)?;
            if i == 0 {
                series
                    .label("runs (box: quartiles, whiskers: extremes)")
                    .legend(move |(x, y)| Circle::new((x + 10, y), 3, fill.filled()));
            }
        }
        if let Some((mean, half)) = b.mean_ci.filter(|(m, _)| m.is_finite()) {
            let half = if half.is_finite() { half } else { 0.0 };
            let xm = x + 0.33;
            chart
                .draw_series([PathElement::new(
                    vec![(xm, mean - half), (xm, mean + half)],
                    BLACK.stroke_width(2),
                )])
                .map_err(err)?;
            let series = chart.draw_series([Circle::new((xm, mean), 4, BLACK.filled())]).map_err(err)?;
            if !mean_shown {
                mean_shown = true;
                series
                    .label("mean and 95% confidence interval")
                    .legend(|(x, y)| Circle::new((x + 10, y), 4, BLACK.filled()));
            }
        }
        if let Some(t) = b.theory {
            let red = RGBColor(0xD5, 0x5E, 0x00);
            let series = chart.draw_series([TriangleMarker::new((x, t), 8, red.filled())]).map_err(err)?;
            if !theory_shown {
                theory_shown = true;
                series
                    .label("Erlang C (steady state)")
                    .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 6, red.filled()));
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font(("sans-serif", LEGEND_FONT))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// The largest finite x and y over every series' points, at least 1e-9
/// and `y_floor` (so that an empty or all-zero series still has an axis).
fn highs(series: &[(String, Vec<(f64, f64)>)], y_floor: f64) -> (f64, f64) {
    let points = || series.iter().flat_map(|s| s.1.iter().copied());
    let high = |v: &mut dyn Iterator<Item = f64>| v.filter(|v| v.is_finite()).fold(0.0, f64::max);
    (high(&mut points().map(|p| p.0)).max(1e-9), high(&mut points().map(|p| p.1)).max(y_floor))
}

/// Lines of `series` (a name and its (x, y) points, drawn as steps) in one figure.
pub(crate) fn step_lines(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> Result<String> {
    let (x_high, y_high) = highs(series, 1.0);
    svg((820 + LEGEND_WIDTH, 480), |root| {
        let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
        let root = root.titled(title, ("sans-serif", TITLE_FONT)).map_err(err)?;
        let (plot, side) = root.split_horizontally(820);
        let mut chart = linear_chart(&plot, None, 16, (x_high, y_high), (x_label, y_label))?;
        let mut entries = Vec::new();
        for (i, (name, points)) in series.iter().enumerate() {
            let c = colour(i);
            chart.draw_series(LineSeries::new(steps(points), c.stroke_width(2))).map_err(err)?;
            entries.push((name.clone(), c));
        }
        side_legend(&side, 16, &entries)
    })
}

/// Width of the column at the right of a figure that holds its legend,
/// so that the legend never hides a line.
const LEGEND_WIDTH: u32 = 130;

/// A legend of lines (`entries`: label and colour) in its own `area`, at
/// the right of the figure, its first entry `top` pixels down.
fn side_legend(
    area: &DrawingArea<SVGBackend, Shift>,
    top: i32,
    entries: &[(String, RGBColor)],
) -> Result<()> {
    let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
    let style =
        TextStyle::from(("sans-serif", LEGEND_FONT).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (row, (label, c)) in (0i32..).zip(entries) {
        let y = top + 24 * row + 12;
        area.draw(&PathElement::new(vec![(6, y), (30, y)], c.stroke_width(3))).map_err(err)?;
        area.draw(&Text::new(label.clone(), (38, y), style.clone())).map_err(err)?;
    }
    Ok(())
}

/// The most nodes [`in_system_by_node`] draws a line for: one per colour
/// of the palette.
pub(crate) const MAX_NODE_LINES: usize = PALETTE.len();

/// Customers in the system and at each node against time: a panel per
/// run (its name above it, its own y scale), in each the system's total
/// in black and each node (up to [`MAX_NODE_LINES`]) in a colour of the
/// palette, drawn as steps; one legend, in the first panel.
pub(crate) fn in_system_by_node(
    title: &str,
    runs: &[(String, crate::sim_report::InSystem)],
) -> Result<String> {
    let panel_height = 230;
    let height =
        50 + panel_height * u32::try_from(runs.len().max(1)).map_err(|_| anyhow!("too many runs"))?;
    svg((820 + LEGEND_WIDTH, height), |root| {
        let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
        let root = root.titled(title, ("sans-serif", TITLE_FONT)).map_err(err)?;
        let (plots, side) = root.split_horizontally(820);
        let panels = plots.split_evenly((runs.len().max(1), 1));
        let mut entries = Vec::new();
        for (i, ((name, counts), area)) in runs.iter().zip(&panels).enumerate() {
            let total = counts.total();
            let x_high = counts.times.last().copied().unwrap_or(0.0).max(1e-9);
            let y_high = total.iter().map(|p| p.1).fold(0.0, f64::max).max(1.0);
            let mut chart =
                linear_chart(area, Some((name, AXIS_FONT + 1)), 8, (x_high, y_high), ("time", "customers"))?;
            let shown = counts.nodes.len().min(MAX_NODE_LINES);
            let mut lines = vec![("system".to_owned(), BLACK, total)];
            lines.extend((0..shown).map(|n| (format!("node {}", n + 1), colour(n), counts.node(n))));
            for (label, c, points) in lines {
                chart.draw_series(LineSeries::new(steps(&points), c.stroke_width(2))).map_err(err)?;
                if i == 0 {
                    entries.push((label, c));
                }
            }
        }
        side_legend(&side, 40, &entries)
    })
}

/// A chart of `0..x_high` by `0..y_high` (5% headroom above) on `area`,
/// with its caption (text and size) if any, and its mesh drawn in the
/// house style: quiet grids, short tick labels, both axes described.
fn linear_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: Option<(&str, u32)>,
    margin: u32,
    (x_high, y_high): (f64, f64),
    (x_label, y_label): (&str, &str),
) -> Result<ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
    let mut builder = ChartBuilder::on(area);
    if let Some((text, size)) = caption {
        builder.caption(text, ("sans-serif", size));
    }
    let mut chart = builder
        .margin(margin)
        .margin_right(40)
        .x_label_area_size(48)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_high, 0.0..y_high * 1.05)
        .map_err(err)?;
    // A short panel gets fewer y labels, so that they do not crowd.
    let y_labels = if area.dim_in_pixel().1 < 300 { 6 } else { 10 };
    chart
        .configure_mesh()
        .light_line_style(BLACK.mix(LIGHT_GRID))
        .bold_line_style(BLACK.mix(BOLD_GRID))
        .label_style(("sans-serif", TICK_FONT))
        .y_labels(y_labels)
        .x_label_formatter(&|x| short(*x))
        .y_label_formatter(&|y| short(*y))
        .x_desc(x_label)
        .y_desc(y_label)
        .axis_desc_style(("sans-serif", AXIS_FONT))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// `points` as a staircase: each value held until the next point.
fn steps(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for w in points.windows(2) {
        out.push(w[0]);
        out.push((w[1].0, w[0].1));
    }
    out.extend(points.last());
    out
}

/// Points of `series` (a name and its (x, y) points), a panel per series
/// (its name above it) stacked over one x scale, each with its own y
/// scale, so that a series of small values is not flattened against the
/// axis by one of large values (waits that settle beside waits that grow
/// without bound); each series in its colour, the points small and half
/// transparent so that dense clouds stay readable.
pub(crate) fn scatter(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> Result<String> {
    let (x_high, _) = highs(series, 1e-9);
    let panel_height = 200;
    let height =
        50 + panel_height * u32::try_from(series.len().max(1)).map_err(|_| anyhow!("too many series"))?;
    svg((820, height), |root| {
        let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
        let root = root.titled(title, ("sans-serif", TITLE_FONT)).map_err(err)?;
        let panels = root.split_evenly((series.len().max(1), 1));
        for (i, ((name, points), area)) in series.iter().zip(&panels).enumerate() {
            let y_high = points.iter().map(|p| p.1).filter(|y| y.is_finite()).fold(1e-9, f64::max);
            let mut chart =
                linear_chart(area, Some((name, AXIS_FONT + 1)), 8, (x_high, y_high), (x_label, y_label))?;
            let c = colour(i);
            let finite = points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite());
            chart.draw_series(finite.map(|p| Circle::new(p, 2, c.mix(0.45).filled()))).map_err(err)?;
        }
        Ok(())
    })
}

/// Whether `v` is 1, 2 or 5 times a power of ten (to rounding).
fn one_two_five(v: f64) -> bool {
    if !(v > 0.0 && v.is_finite()) {
        return false;
    }
    let mantissa = v / 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().any(|m| (mantissa - m).abs() < 1e-6 * m)
}

/// An axis label: no decimals for whole numbers.
fn short(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        // Ticks like 0.30000000000000004 are 0.3 to a reader.
        let text = format!("{v:.6}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// A bar chart: one bar per label, its value written centred above it.
pub(crate) fn bar_chart(title: &str, x_label: &str, y_label: &str, bars: &[(String, f64)]) -> Result<String> {
    let high = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1e-9);
    let low = bars.iter().map(|b| b.1).fold(0.0, f64::min);
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    let n = bars.len().max(1) as f64;
    svg((820, 480), |root| {
        let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", TITLE_FONT))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..(n - 0.5), low * 1.15..high * 1.15)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(BLACK.mix(LIGHT_GRID))
            .bold_line_style(BLACK.mix(BOLD_GRID))
            .label_style(("sans-serif", TICK_FONT))
            .disable_x_mesh()
            .x_labels(bars.len().max(2))
            .x_label_formatter(&|x: &f64| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_label_style(("sans-serif", if bars.len() > 10 { 14 } else { TICK_FONT }))
            .y_label_formatter(&|y| short(*y))
            .x_desc(x_label)
            .y_desc(y_label)
            .axis_desc_style(("sans-serif", AXIS_FONT))
            .draw()
            .map_err(err)?;
        let value_font = if bars.len() > 10 { 14 } else { 16 };
        for (i, (_, v)) in bars.iter().enumerate() {
            let x = i as f64;
            chart
                .draw_series([Rectangle::new([(x - 0.35, 0.0), (x + 0.35, *v)], colour(0).filled())])
                .map_err(err)?;
            let (beside, anchor) = if *v >= 0.0 {
                (*v + (high - low) * 0.01, VPos::Bottom)
            } else {
                (*v - (high - low) * 0.01, VPos::Top)
            };
            let style =
                TextStyle::from(("sans-serif", value_font).into_font()).pos(Pos::new(HPos::Center, anchor));
            chart.draw_series([Text::new(format!("{v:.1}"), (x, beside), style)]).map_err(err)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a `<text>` element of `svg` says `want`.
    fn says(svg: &str, want: &str) -> bool {
        svg.split("<text").skip(1).any(|t| {
            let body = t.split_once('>').map_or("", |(_, b)| b);
            body.split("</text>").next().is_some_and(|b| b.trim() == want)
        })
    }

    fn boxes(spread: f64) -> Vec<BoxData> {
        (1..=3)
            .map(|c| BoxData {
                label: c.to_string(),
                values: (0..10).map(|k| spread.powi(3 - c) * (1.0 + f64::from(k) / 10.0)).collect(),
                mean_ci: Some((spread.powi(3 - c) * 1.45, 0.1)),
                theory: (c == 3).then_some(1.4),
            })
            .collect()
    }

    #[test]
    fn a_box_plot_has_a_box_per_server_count_every_run_and_labelled_axes() {
        let svg = box_plot("Mean wait", "mean wait", &boxes(100.0)).unwrap();
        assert_eq!(svg.matches("opacity=\"0.25\"").count(), 3, "one box per server count");
        // 30 runs, 3 means, and 2 of the legend's marks.
        assert_eq!(svg.matches("<circle").count(), 30 + 3 + 2);
        // The theory value and its legend mark.
        assert_eq!(svg.matches("<polygon").count(), 2);
        for text in ["servers", "mean wait (log scale)", "Erlang C (steady state)", "1", "2", "3"] {
            assert!(says(&svg, text), "{text}");
        }
        // A log axis is labelled at 1, 2 and 5 times each power of ten.
        for text in ["1", "2", "5", "10", "20", "50", "500", "5000", "20000"] {
            assert!(says(&svg, text), "{text}");
        }
        assert!(!says(&svg, "30") && !says(&svg, "400"));
        let linear = box_plot("Mean wait", "mean wait", &boxes(1.5)).unwrap();
        assert!(!linear.contains("log scale") && says(&linear, "mean wait"));
    }

    #[test]
    fn step_lines_draw_each_series_with_its_name() {
        let series: Vec<(String, Vec<(f64, f64)>)> = (1..=3)
            .map(|c| (format!("c = {c}"), vec![(0.0, 0.0), (5.0, f64::from(c)), (10.0, 1.0)]))
            .collect();
        let svg = step_lines("In system", "time", "customers", &series).unwrap();
        for (c, colour) in PALETTE.iter().take(3).enumerate() {
            assert!(svg.contains(&format!("stroke=\"{colour}\"")), "series {c}");
            assert!(says(&svg, &format!("c = {}", c + 1)));
        }
        assert!(says(&svg, "time") && says(&svg, "customers"));
    }

    #[test]
    fn customers_by_node_draw_a_panel_per_run_with_the_system_and_each_node() {
        use crate::sim_report::InSystem;
        let run = |scale: f64| InSystem {
            times: vec![0.0, 1.0, 2.0, 3.0],
            nodes: vec![
                vec![0.0, scale, 2.0 * scale, scale],
                vec![0.0, 0.0, 1.0, 3.0],
                vec![0.0, 1.0, 0.0, 0.0],
            ],
        };
        let runs = vec![("c = 1".to_owned(), run(10.0)), ("c = 2".to_owned(), run(2.0))];
        let svg = in_system_by_node("In system", &runs).unwrap();
        // Lines drawn `width` wide: the series 2, their legend marks 3.
        let lines = |svg: &str, width: u32| {
            svg.split("<polyline")
                .skip(1)
                .filter(|p| p.contains(&format!("stroke-width=\"{width}\"")))
                .count()
        };
        // Per panel the system and three nodes, and one legend of four.
        assert_eq!(lines(&svg, 2), 2 * 4);
        assert_eq!(lines(&svg, 3), 4);
        assert_legend_beside_the_plots(&svg, 4);
        for (n, colour) in PALETTE.iter().take(3).enumerate() {
            // Two panels' lines and the legend's mark.
            assert_eq!(svg.matches(&format!("stroke=\"{colour}\"")).count(), 3, "node {}", n + 1);
            assert!(says(&svg, &format!("node {}", n + 1)));
        }
        assert_eq!(svg.matches("stroke=\"#000000\" stroke-width=\"2\"").count(), 2, "the system's lines");
        for text in ["system", "c = 1", "c = 2", "In system"] {
            assert!(says(&svg, text), "{text}");
        }
        assert_eq!(
            svg.split("<text").filter(|t| t.contains(">\ntime\n<") || t.contains(">time<")).count(),
            2
        );
        // More nodes than colours: the first MAX_NODE_LINES are drawn.
        let many = InSystem { times: vec![0.0, 1.0], nodes: vec![vec![0.0, 1.0]; MAX_NODE_LINES + 3] };
        let svg = in_system_by_node("Many", &[("c = 1".to_owned(), many)]).unwrap();
        assert_eq!((lines(&svg, 2), lines(&svg, 3)), (1 + MAX_NODE_LINES, 1 + MAX_NODE_LINES));
        assert!(
            says(&svg, &format!("node {MAX_NODE_LINES}"))
                && !says(&svg, &format!("node {}", MAX_NODE_LINES + 1))
        );
    }

    /// The `n` legend marks (lines 3 wide) all start right of the 820
    /// pixels of plots: in the legend's own column, over no line.
    fn assert_legend_beside_the_plots(svg: &str, n: usize) {
        let starts: Vec<f64> = svg
            .split("<polyline")
            .skip(1)
            .filter(|p| p.contains("stroke-width=\"3\""))
            .map(|p| {
                let points = p.split("points=\"").nth(1).unwrap();
                points.split(',').next().unwrap().trim().parse().unwrap()
            })
            .collect();
        assert_eq!(starts.len(), n);
        assert!(starts.iter().all(|&x| x >= 820.0), "legend marks at x = {starts:?}");
    }

    #[test]
    fn step_lines_keep_their_legend_beside_the_plot() {
        let series: Vec<(String, Vec<(f64, f64)>)> =
            (1..=2).map(|c| (format!("c = {c}"), vec![(0.0, 10.0), (10.0, 10.0)])).collect();
        let svg = step_lines("In system", "time", "customers", &series).unwrap();
        assert_legend_beside_the_plots(&svg, 2);
    }

    /// The y value of each tick label of `svg` that parses as a number, by
    /// the label's vertical position: (y pixel, value).
    fn y_ticks(svg: &str) -> Vec<(f64, f64)> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let (attrs, body) = t.split_once('>')?;
                let value: f64 = body.split("</text>").next()?.trim().parse().ok()?;
                let x: f64 = attrs.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
                let y: f64 = attrs.split("y=\"").nth(1)?.split('"').next()?.parse().ok()?;
                // Y tick labels sit left of the plot, right-aligned before x = 80.
                (x < 80.0).then_some((y, value))
            })
            .collect()
    }

    #[test]
    fn a_scatter_gives_each_series_its_panel_and_y_scale() {
        let series = vec![
            ("c = 1".to_owned(), vec![(1.0, 2000.0), (2.0, 3000.0), (3.0, f64::NAN)]),
            ("c = 3".to_owned(), vec![(1.0, 0.5), (2.0, 4.0)]),
        ];
        let svg = scatter("Waits", "arrival time", "waiting time", &series).unwrap();
        // Four finite points, no legend marks: each panel is named.
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(svg.matches(&format!("fill=\"{}\"", PALETTE[0])).count(), 2);
        assert_eq!(svg.matches(&format!("fill=\"{}\"", PALETTE[1])).count(), 2);
        assert!(says(&svg, "c = 1") && says(&svg, "c = 3") && says(&svg, "arrival time"));
        // The lower panel's y axis runs to the small series' top (4), not
        // to the large one's: its labels stay single digits.
        let ticks = y_ticks(&svg);
        let (upper, lower): (Vec<_>, Vec<_>) = ticks.iter().partition(|(y, _)| *y < 50.0 + 200.0);
        let top = |v: &[&(f64, f64)]| v.iter().map(|t| t.1).fold(0.0, f64::max);
        assert!(top(&upper) >= 2000.0, "upper panel {upper:?}");
        assert!((4.0..=5.0).contains(&top(&lower)), "lower panel {lower:?}");
    }

    #[test]
    fn a_bar_chart_has_a_bar_and_a_value_per_label() {
        let bars = [("EWR".to_owned(), 12.5), ("JFK".to_owned(), 9.0), ("LGA".to_owned(), 7.25)];
        let svg = bar_chart("Mean delay", "airport", "minutes", &bars).unwrap();
        assert_eq!(svg.matches(&format!("fill=\"{}\"", PALETTE[0])).count(), 3);
        for text in ["EWR", "LGA", "12.5", "7.2", "minutes", "airport"] {
            assert!(says(&svg, text), "{text}");
        }
    }
}
