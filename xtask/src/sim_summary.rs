//! `cargo xtask sim --summary`: runs a sweep keeping each run's statistics
//! after the warm-up (`queue_sim::RunStats`), and writes per server count,
//! node and class each statistic's mean with a 95% confidence interval,
//! standard deviation and quantiles, beside queueing theory's value where
//! one exists (the M/M/c queue without `--model`).

use std::io::Write;

use anyhow::{Context, Result, bail};
use executors::Executor;
use queue_sim::{Network, Record, RunStats, Servers, Statistic, Stop, SweepPlan, TrialResult, Window};

/// How `--summary` is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for reading.
    Table,
    /// CSV, floats in shortest round-trip form.
    Csv,
}

/// The confidence level of every interval.
pub(crate) const CONFIDENCE: f64 = 0.95;

/// What a summarised sweep needs to know besides its plan.
pub(crate) struct Setup<'a> {
    /// The model.
    pub(crate) network: &'a Network,
    /// Server counts swept; empty for the model's own.
    pub(crate) servers: &'a [usize],
    /// Runs per server count.
    pub(crate) trials: u64,
    /// When each run stops.
    pub(crate) stop: Stop,
    /// Customers who arrived before it are left out.
    pub(crate) warmup: f64,
    /// Arrival and service rates of the M/M/c queue, when the model is it.
    pub(crate) mmc: Option<(f64, f64)>,
}

/// The runs of one server count.
pub(crate) struct Group {
    /// Servers of the first node; `None` when infinite.
    pub(crate) servers: Option<usize>,
    /// Each run's statistics, in seed order.
    pub(crate) runs: Vec<RunStats>,
}

impl Setup<'_> {
    /// Checks the warm-up against a run that stops at a time, before any run.
    pub(crate) fn check(&self) -> Result<()> {
        if let Stop::MaxTime(t) = self.stop {
            Window::new(self.warmup, t).context("--warmup")?;
        } else if !(self.warmup >= 0.0 && self.warmup.is_finite()) {
            bail!("--warmup {} must be a time from 0 on", self.warmup);
        }
        Ok(())
    }

    /// Each node's servers with the `k`-th server count.
    fn servers_of(&self, k: usize) -> Vec<Option<usize>> {
        match self.servers.get(k) {
            Some(&c) => vec![Some(c); self.network.nodes.len()],
            None => (self.network.nodes.iter())
                // Infinite, or a schedule or slots: no one number.
                .map(|n| match n.servers {
                    Servers::Finite(c) => Some(c),
                    _ => None,
                })
                .collect(),
        }
    }

    /// One run's statistics from its records.
    fn stats(&self, index: usize, records: &[Record]) -> Result<RunStats, String> {
        let trials = usize::try_from(self.trials).map_err(|e| e.to_string())?;
        let end = match self.stop {
            Stop::MaxTime(t) => t,
            // A run stopped by a count ends at its last event.
            _ => records
                .iter()
                .flat_map(|r| [r.arrival_date, r.exit_date])
                .filter(|t| t.is_finite())
                .fold(0.0, f64::max),
        };
        let window = Window::new(self.warmup, end).map_err(|e| format!("--warmup: {e}"))?;
        RunStats::from_records(records, &self.servers_of(index / trials), self.network.classes.len(), window)
            .map_err(|e| e.to_string())
    }

    /// Runs the sweep, keeping each run's row and statistics, grouped by
    /// server count.
    pub(crate) fn run(&self, plan: &SweepPlan, exec: &Executor) -> Result<(Vec<TrialResult>, Vec<Group>)> {
        let indices: Vec<usize> = (0..plan.len()).collect();
        let out = exec.map(indices, |i| {
            let (row, records) = plan.run_with_records(i).map_err(|e| e.to_string())?;
            Ok::<_, String>((row, self.stats(i, &records)?))
        })?;
        let trials = usize::try_from(self.trials).context("--trials")?.max(1);
        let mut rows = Vec::with_capacity(out.len());
        let mut groups: Vec<Group> = Vec::new();
        for (i, (row, stats)) in out.into_iter().enumerate() {
            if i % trials == 0 {
                groups.push(Group { servers: row.servers, runs: Vec::with_capacity(trials) });
            }
            groups.last_mut().expect("pushed at the first run").runs.push(stats);
            rows.push(row);
        }
        Ok((rows, groups))
    }

    /// Theory's value of a statistic of the M/M/c queue, where it exists.
    pub(crate) fn theory(&self, servers: Option<usize>, node: u32, statistic: Statistic) -> Option<f64> {
        let (lambda, mu) = self.mmc?;
        let c = u32::try_from(servers?).ok()?;
        if node != 1 {
            return None;
        }
        let stable = queue_sim::theory::mmc_utilisation(lambda, mu, c);
        match statistic {
            Statistic::MeanWait => queue_sim::theory::mmc_mean_wait(lambda, mu, c),
            Statistic::Utilisation => stable,
            Statistic::MeanService => Some(1.0 / mu),
            Statistic::Throughput => stable.map(|_| lambda),
            _ => None,
        }
    }

    /// Writes the summary of `groups`: per server count, node, class (all
    /// classes, then each class when there are several) and statistic.
    pub(crate) fn write(&self, out: &mut dyn Write, groups: &[Group], format: Format) -> Result<()> {
        let header = [
            "servers",
            "node",
            "class",
            "statistic",
            "runs",
            "mean",
            "ci95_low",
            "ci95_high",
            "std",
            "min",
            "q25",
            "median",
            "q75",
            "max",
            "theory",
        ];
        let mut table: Vec<[String; 15]> = Vec::new();
        let several = self.network.classes.len() > 1;
        for group in groups {
            let lines = queue_sim::summarise(&group.runs, CONFIDENCE)?;
            for line in lines.iter().filter(|l| several || l.class.is_none()) {
                let e = &line.estimate;
                let d = &e.describe;
                let num = |x: f64| number(x, format);
                let class = match line.class {
                    None => "all".to_owned(),
                    Some(c) => self.network.classes[c as usize].name.clone(),
                };
                table.push([
                    group.servers.map_or_else(|| "inf".to_owned(), |c| c.to_string()),
                    line.node.to_string(),
                    class,
                    line.statistic.name().to_owned(),
                    d.count.to_string(),
                    num(d.mean),
                    num(e.low()),
                    num(e.high()),
                    num(d.std),
                    num(d.min),
                    num(d.q25),
                    num(d.q50),
                    num(d.q75),
                    num(d.max),
                    self.theory(group.servers, line.node, line.statistic).map(num).unwrap_or_default(),
                ]);
            }
        }
        match format {
            Format::Csv => {
                writeln!(out, "{}", header.join(","))?;
                for row in &table {
                    let quoted: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
                    writeln!(out, "{}", quoted.join(","))?;
                }
            }
            Format::Table => {
                let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
                for row in &table {
                    for (w, f) in widths.iter_mut().zip(row) {
                        *w = (*w).max(f.chars().count());
                    }
                }
                let line = |fields: &mut dyn Iterator<Item = &str>| {
                    let cells: Vec<String> = fields.zip(&widths).map(|(f, &w)| format!("{f:>w$}")).collect();
                    cells.join("  ").trim_end().to_owned()
                };
                writeln!(out, "{}", line(&mut header.iter().copied()))?;
                for row in &table {
                    writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
                }
                if self.warmup > 0.0 {
                    writeln!(out, "customers who arrived before {} left out", self.warmup)?;
                }
            }
        }
        Ok(())
    }
}

/// A number as a table shows it: empty for NaN, four decimals, or
/// scientific notation for very large or small ones; CSV keeps every digit.
fn number(x: f64, format: Format) -> String {
    if x.is_nan() {
        String::new()
    } else if format == Format::Csv {
        format!("{x:?}")
    } else if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_owned() }
}
