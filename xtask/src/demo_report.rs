//! `cargo xtask demo --report PATH.html`: the talk's performance report,
//! one self-contained HTML file: per section its result plots, the task
//! stream (with CPU and memory) of its parallel run, and its task graph.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::Result;
use executors::{DrawOptions, Executor, Graph, NodeColor, NodeId, RankDir, Report};
use queue_sim::{Network, RngKind, TrialResult, theory};
use serde_json::Value;

use crate::plots::{self, BoxData};
use crate::sim_report::{Profilers, in_system};
use crate::talk::{ARRIVAL_RATE, MAX_TIME, SERVICE_RATE};

/// The largest side of a block the histogram counts.
const HISTOGRAM_BLOCK: usize = 1024;

/// The histogram's edges: -4 to 4 by halves, and the infinities beyond.
fn histogram_edges() -> Vec<f64> {
    let mut edges = vec![f64::NEG_INFINITY];
    edges.extend((-8..=8).map(|k| f64::from(k) * 0.5));
    edges.push(f64::INFINITY);
    edges
}

/// The bars of a histogram over [`histogram_edges`]: the share of `total`
/// per bin, labelled by its middle, the end bins by their finite edge.
fn histogram_bars(h: &chunked_array::Histogram, total: u64) -> Vec<(String, f64)> {
    let n = h.counts.len();
    let share = |c: u64| c as f64 / total.max(1) as f64 * 100.0;
    (h.counts.iter().enumerate())
        .map(|(k, &c)| {
            let label = match k {
                0 => format!("< {}", h.edges[1]),
                _ if k == n - 1 => format!("≥ {}", h.edges[k]),
                _ => format!("{}", (h.edges[k] + h.edges[k + 1]) / 2.0),
            };
            (label, share(c))
        })
        .collect()
}

/// The report as the demo fills it.
pub(crate) struct DemoReport {
    /// The document.
    pub(crate) report: Report,
    /// When the demo started: drawings older than this are not its own.
    started: SystemTime,
    /// Its wall clock.
    clock: Instant,
    /// Tasks run under the profilers, over every section.
    tasks: usize,
}

impl DemoReport {
    pub(crate) fn new() -> Self {
        Self {
            report: Report::new("Parallelisation in Rust: the talk, replayed"),
            started: SystemTime::now(),
            clock: Instant::now(),
            tasks: 0,
        }
    }

    /// `exec` with fresh profilers attached, and the profilers.
    pub(crate) fn profiled(exec: Executor) -> Result<(Executor, Profilers)> {
        let profilers = Profilers::new()?;
        let exec = exec.with_callback(profilers.tasks.clone()).with_callback(profilers.resources.clone());
        Ok((exec, profilers))
    }

    /// The queueing section's plots: mean wait per run as box plots per
    /// server count beside Erlang C, and customers in the system against
    /// time for one run (seed 0) of each server count.
    pub(crate) fn queueing(&mut self, rows: &[TrialResult], rng: RngKind) -> Result<()> {
        let mut servers: Vec<usize> = rows.iter().filter_map(|r| r.servers).collect();
        servers.dedup();
        let mut boxes = Vec::new();
        let mut series = Vec::new();
        for &c in &servers {
            let waits: Vec<f64> = rows
                .iter()
                .filter(|r| r.servers == Some(c))
                .map(|r| r.mean_wait.unwrap_or(f64::NAN))
                .collect();
            let e = queue_sim::Estimate::of(&waits, crate::sim_summary::CONFIDENCE)?;
            let erlang =
                u32::try_from(c).ok().and_then(|c| theory::mmc_mean_wait(ARRIVAL_RATE, SERVICE_RATE, c));
            boxes.push(BoxData {
                label: c.to_string(),
                values: waits,
                mean_ci: Some((e.describe.mean, e.half_width)),
                theory: erlang,
            });
            let network = Network::mmc(ARRIVAL_RATE, SERVICE_RATE, c);
            series.push((format!("c = {c}"), in_system(&network, rng, 0, MAX_TIME, 500)?.total()));
        }
        self.report.section(
            "Queueing: mean wait per run",
            "The talk's sequential loop: each point is one run's mean waiting time (the whole run, no warm-up), \
             boxes per server count, the mean with its 95% confidence interval beside each box, Erlang C for c = 3 \
             (c = 1 and c = 2 have no steady state).",
            &plots::box_plot("Mean wait per run, by server count", "mean wait", &boxes)?,
        );
        self.report.section(
            "Queueing: customers in the system",
            "Seed 0 of each server count, sampled at 500 times: with c = 1 and c = 2 the queue grows without bound, \
             with c = 3 it settles.",
            &plots::step_lines("Customers in the system against time", "time", "customers in the system", &series)?,
        );
        Ok(())
    }

    /// A section with the task stream of `profilers`.
    pub(crate) fn stream(&mut self, heading: &str, note: &str, profilers: &Profilers) {
        self.tasks += profilers.tasks.spans().len();
        self.report.section(heading, note, &profilers.stream(heading));
    }

    /// A section with a task graph drawn with nodes coloured by execution order.
    pub(crate) fn graph(&mut self, heading: &str, graph: &Graph, outputs: &[NodeId]) {
        let options =
            DrawOptions { rankdir: RankDir::LeftRight, color: NodeColor::Order, ..DrawOptions::default() };
        match graph.to_svg(outputs, &options) {
            Ok(svg) => self.report.section(
                heading,
                "Nodes coloured by execution order, from blue (first) to yellow (last), as dask's color=\"order\".",
                &svg,
            ),
            Err(e) => self.report.section(heading, &format!("No drawing: {e}."), ""),
        };
    }

    /// A section with a drawing the demo wrote to `<stem>.svg`, if this run wrote it.
    pub(crate) fn drawing_file(&mut self, heading: &str, stem: &Path) {
        let mut path = stem.as_os_str().to_owned();
        path.push(".svg");
        let path = PathBuf::from(path);
        let fresh = std::fs::metadata(&path).and_then(|m| m.modified()).is_ok_and(|t| t >= self.started);
        match std::fs::read_to_string(&path) {
            Ok(svg) if fresh => self.report.section(heading, "", &svg),
            _ => self.report.section(heading, "No drawing was laid out (see the demo's output).", ""),
        };
    }

    /// The dataframe section's bar chart of mean delay per airport.
    pub(crate) fn airports(&mut self, results: &Value) -> Result<()> {
        let bars: Vec<(String, f64)> = results["means"]
            .as_object()
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect())
            .unwrap_or_default();
        self.report.section(
            "Dataframe: mean departure delay per airport",
            "The talk's query: departures from the New York airports, mean delay per origin.",
            &plots::bar_chart(
                "Mean departure delay per airport",
                "origin airport",
                "mean departure delay (minutes)",
                &bars,
            )?,
        );
        Ok(())
    }

    /// The array section's histogram of the sampled normal values, from
    /// one streamed pass ([`chunked_array::Array::histogram`]): each block
    /// is generated once, counted into the bins and dropped; no array of
    /// values is ever held. The blocks are at most [`HISTOGRAM_BLOCK`] on
    /// a side whatever the section's chunks (the values depend on the seed
    /// and the index alone), so that a worker holds one small block.
    pub(crate) fn histogram(
        &mut self,
        seed: u64,
        size: usize,
        chunks: chunked_array::Chunks,
        exec: &Executor,
    ) -> Result<()> {
        let side = match chunks {
            chunked_array::Chunks::Size(side) => side.min(HISTOGRAM_BLOCK),
            _ => HISTOGRAM_BLOCK,
        };
        let array =
            chunked_array::random::standard_normal(seed, &[size, size], chunked_array::Chunks::Size(side))?;
        let start = Instant::now();
        let h = array.histogram(chunked_array::Bins::Edges(histogram_edges()), exec)?;
        let seconds = start.elapsed().as_secs_f64();
        let total: u64 = h.counts.iter().sum();
        self.report.section(
            "Array: histogram of the sampled normal values",
            &format!(
                "All {size} x {size} standard normal values of the section's first array (seed {seed}), binned by \
                 half units from -4 to 4 with the values beyond in the end bins, counted in one streamed pass \
                 ({seconds:.2} s): the share of values per bin, in percent."
            ),
            &plots::bar_chart(
                "Sampled normal values",
                "value (the middle of its bin)",
                "share of values (%)",
                &histogram_bars(&h, total),
            )?,
        );
        Ok(())
    }

    /// Adds the run's facts at the top, and writes the file.
    pub(crate) fn finish(mut self, path: &Path, facts: &[(&str, String)]) -> Result<()> {
        let mut report = Report::new("Parallelisation in Rust: the talk, replayed");
        for (name, value) in facts {
            report.fact(name, value);
        }
        report.fact("tasks profiled", &self.tasks.to_string());
        report.fact("wall time", &format!("{:.3} s", self.clock.elapsed().as_secs_f64()));
        let peak = crate::figures::peak_rss_mb()
            .map_or_else(|| "unknown".to_owned(), |mb| format!("{mb:.1} MB resident"));
        report.fact("peak memory", &peak);
        report.append(std::mem::take(&mut self.report));
        report.write(&executors::output::Output::check(path)?)?;
        println!();
        println!("Report written to {}", path.display());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_has_a_bar_per_half_unit_and_the_ends() {
        let a = chunked_array::random::standard_normal(3, &[40, 30], 16).unwrap();
        let h = a.histogram(chunked_array::Bins::Edges(histogram_edges()), &Executor::sequential()).unwrap();
        let bars = histogram_bars(&h, 1200);
        assert_eq!(bars.len(), 18);
        assert_eq!((bars[0].0.as_str(), bars[1].0.as_str()), ("< -4", "-3.75"));
        assert_eq!((bars[16].0.as_str(), bars[17].0.as_str()), ("3.75", "≥ 4"));
        let shares: f64 = bars.iter().map(|b| b.1).sum();
        assert!((shares - 100.0).abs() < 1e-9, "{shares}");
    }
}
