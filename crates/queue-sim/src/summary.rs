//! Steady-state summaries of runs: per node and class, what one run's
//! records say ([`RunStats`]: mean wait, mean service time, utilisation,
//! throughput, rejections, baulks, reneges), after dropping a warm-up
//! period; and across runs, each statistic's mean with a Student-t
//! confidence interval, standard deviation and quantiles ([`Estimate`],
//! [`summarise`]).
//!
//! The warm-up drops every record of a customer who arrived in the system
//! before it (the customer's earliest recorded arrival) from every
//! statistic of customers: the standard practice for steady-state
//! estimates (Law, *Simulation Modeling and Analysis*; Ciw's documentation
//! on simulation practice). Rates are taken over the window from the
//! warm-up to the end of the run; utilisation, a time average, counts the
//! server time inside that window, of every customer.

use std::collections::HashMap;

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::record::{Record, RecordType};
use crate::stats::Describe;

/// Why records cannot be summarised.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SummaryError {
    /// The warm-up is negative, not a number, or not before the run's end.
    #[error("warm-up {warmup} must be a number from 0 up to, not including, the end of the run ({end})")]
    Warmup {
        /// The warm-up asked for.
        warmup: f64,
        /// The end of the run.
        end: f64,
    },
    /// The end of the run is not a positive finite time.
    #[error("the end of the run, {0}, is not a positive finite time")]
    End(f64),
    /// A record names a node beyond the server counts given.
    #[error("a record of customer {id} is at node {node}, but the model has {nodes} nodes")]
    Node {
        /// The customer's number.
        id: u64,
        /// The record's node, from 1.
        node: u32,
        /// Nodes given.
        nodes: usize,
    },
    /// The confidence level is not strictly between 0 and 1.
    #[error("confidence level {0} must be strictly between 0 and 1")]
    Confidence(f64),
}

/// The window a run's statistics cover: records of customers who arrived
/// at or after `warmup`, rates over `[warmup, end]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Window {
    /// Customers who arrived before this time are left out.
    pub warmup: f64,
    /// The end of the run (the clock when it stopped).
    pub end: f64,
}

impl Window {
    /// Checks the window: `0 <= warmup < end`, `end` finite.
    pub fn new(warmup: f64, end: f64) -> Result<Self, SummaryError> {
        if !(end > 0.0 && end.is_finite()) {
            return Err(SummaryError::End(end));
        }
        if !(warmup >= 0.0 && warmup < end) {
            return Err(SummaryError::Warmup { warmup, end });
        }
        Ok(Self { warmup, end })
    }

    /// The window's length.
    pub fn length(&self) -> f64 {
        self.end - self.warmup
    }
}

/// One run's statistics at one node, for one class or all of them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CellStats {
    /// The node, from 1 (as records number them).
    pub node: u32,
    /// The class (its number in the model), or `None` for all classes.
    pub class: Option<u32>,
    /// Completed services.
    pub services: u64,
    /// Mean waiting time of the completed services; NaN with none.
    pub mean_wait: f64,
    /// Mean service time of the completed services; NaN with none.
    pub mean_service: f64,
    /// Share of the node's server time inside the window spent serving
    /// (completed and interrupted services, this class's only for a class,
    /// of every customer: a time average drops the warm-up period, not the
    /// customers then present); `None` at a node with infinite servers.
    /// Services still under way at the end are not in the records and do
    /// not count.
    pub utilisation: Option<f64>,
    /// Completed services per unit of time over the window.
    pub throughput: f64,
    /// Arrivals turned away from a full node.
    pub rejections: u64,
    /// Arrivals that chose not to join.
    pub baulks: u64,
    /// Customers who gave up waiting.
    pub reneges: u64,
}

impl CellStats {
    fn empty(node: u32, class: Option<u32>) -> Self {
        Self {
            node,
            class,
            services: 0,
            mean_wait: 0.0,
            mean_service: 0.0,
            utilisation: None,
            throughput: 0.0,
            rejections: 0,
            baulks: 0,
            reneges: 0,
        }
    }

    /// The value of one statistic, as a number.
    pub fn get(&self, statistic: Statistic) -> f64 {
        // Counts are far below 2^53: exact as floats.
        match statistic {
            Statistic::MeanWait => self.mean_wait,
            Statistic::MeanService => self.mean_service,
            Statistic::Utilisation => self.utilisation.unwrap_or(f64::NAN),
            Statistic::Throughput => self.throughput,
            Statistic::Services => self.services as f64,
            Statistic::Rejections => self.rejections as f64,
            Statistic::Baulks => self.baulks as f64,
            Statistic::Reneges => self.reneges as f64,
        }
    }
}

/// A statistic of [`CellStats`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Statistic {
    /// [`CellStats::mean_wait`].
    MeanWait,
    /// [`CellStats::mean_service`].
    MeanService,
    /// [`CellStats::utilisation`].
    Utilisation,
    /// [`CellStats::throughput`].
    Throughput,
    /// [`CellStats::services`].
    Services,
    /// [`CellStats::rejections`].
    Rejections,
    /// [`CellStats::baulks`].
    Baulks,
    /// [`CellStats::reneges`].
    Reneges,
}

impl Statistic {
    /// Every statistic, in the order summaries list them.
    pub const ALL: [Statistic; 8] = [
        Self::MeanWait,
        Self::MeanService,
        Self::Utilisation,
        Self::Throughput,
        Self::Services,
        Self::Rejections,
        Self::Baulks,
        Self::Reneges,
    ];

    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::MeanWait => "mean_wait",
            Self::MeanService => "mean_service",
            Self::Utilisation => "utilisation",
            Self::Throughput => "throughput",
            Self::Services => "services",
            Self::Rejections => "rejections",
            Self::Baulks => "baulks",
            Self::Reneges => "reneges",
        }
    }
}

/// One run's statistics: per node, a cell for all classes and one per
/// class, nodes in order, the all-classes cell first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunStats {
    /// The cells.
    pub cells: Vec<CellStats>,
}

impl RunStats {
    /// Summarises a run's records. `servers` has each node's server count
    /// (`None` for infinite), `classes` the model's number of classes.
    ///
    /// ```
    /// use queue_sim::{Network, RngKind, RunStats, Stop, Window, simulate};
    /// let out = simulate(&Network::mmc(0.2, 0.1, 3), RngKind::Pcg, 1, Stop::MaxTime(10_000.0))?;
    /// let window = Window::new(1_000.0, out.end_time)?;
    /// let stats = RunStats::from_records(&out.records, &[Some(3)], 1, window)?;
    /// let all = &stats.cells[0];
    /// assert!((all.utilisation.unwrap() - 2.0 / 3.0).abs() < 0.05);
    /// assert!((all.throughput - 0.2).abs() < 0.02);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_records(
        records: &[Record],
        servers: &[Option<usize>],
        classes: usize,
        window: Window,
    ) -> Result<Self, SummaryError> {
        // A customer's arrival in the system: its earliest recorded arrival.
        let mut arrived: HashMap<u64, f64> = HashMap::new();
        for r in records {
            let first = arrived.entry(r.id_number).or_insert(r.arrival_date);
            *first = first.min(r.arrival_date);
        }
        let per_node = classes + 1;
        let mut cells = Vec::with_capacity(servers.len() * per_node);
        // Busy time per cell, summed as the records come.
        let mut busy = vec![0.0; servers.len() * per_node];
        for node in 1..=servers.len() {
            let node = u32::try_from(node).map_err(|_| SummaryError::Node {
                id: 0,
                node: u32::MAX,
                nodes: servers.len(),
            })?;
            cells.push(CellStats::empty(node, None));
            for class in 0..classes {
                let class = u32::try_from(class).ok();
                cells.push(CellStats::empty(node, class));
            }
        }
        for r in records {
            let node = usize::try_from(r.node).ok().filter(|&n| (1..=servers.len()).contains(&n));
            let Some(node) = node else {
                return Err(SummaryError::Node { id: r.id_number, node: r.node, nodes: servers.len() });
            };
            let base = (node - 1) * per_node;
            let class_cell =
                usize::try_from(r.customer_class).ok().filter(|&c| c < classes).map(|c| base + 1 + c);
            // Server time is counted inside the window, whoever was served.
            let in_window = match r.record_type {
                RecordType::Service | RecordType::InterruptedService => {
                    let start = r.service_start_date.max(window.warmup);
                    let end = (r.service_start_date + r.service_time).min(window.end);
                    (end - start).max(0.0)
                }
                _ => 0.0,
            };
            let counted = arrived[&r.id_number] >= window.warmup;
            for i in std::iter::once(base).chain(class_cell) {
                busy[i] += in_window;
                if !counted {
                    continue;
                }
                let cell = &mut cells[i];
                match r.record_type {
                    RecordType::Service => {
                        cell.services += 1;
                        cell.mean_wait += r.waiting_time;
                        cell.mean_service += r.service_time;
                    }
                    RecordType::InterruptedService => {}
                    RecordType::Rejection => cell.rejections += 1,
                    RecordType::Baulk => cell.baulks += 1,
                    RecordType::Renege => cell.reneges += 1,
                }
            }
        }
        let length = window.length();
        for (cell, busy) in cells.iter_mut().zip(busy) {
            let n = cell.services as f64;
            if cell.services == 0 {
                cell.mean_wait = f64::NAN;
                cell.mean_service = f64::NAN;
            } else {
                cell.mean_wait /= n;
                cell.mean_service /= n;
            }
            cell.throughput = n / length;
            // The node exists: cells are built from `servers`.
            let c = servers[(cell.node - 1) as usize];
            cell.utilisation = c.map(|c| if c == 0 { 0.0 } else { busy / (c as f64 * length) });
        }
        Ok(Self { cells })
    }
}

/// The mean of a statistic across runs with its confidence interval, and
/// the spread of the runs' values ([`Describe`]). Values that are NaN (a
/// run without a service has no mean wait) are left out.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Count, mean, standard deviation, quartiles, extremes.
    pub describe: Describe,
    /// Half the width of the confidence interval of the mean: Student's t
    /// with `count - 1` degrees of freedom times the standard error; NaN
    /// below two values.
    pub half_width: f64,
}

impl Estimate {
    /// Estimates the mean of `values` at `confidence` (0.95 for 95%).
    ///
    /// ```
    /// let e = queue_sim::Estimate::of(&[1.0, 2.0, 3.0, 4.0], 0.95)?;
    /// // t(0.975, 3) = 3.182446, s = 1.290994, n = 4
    /// assert!((e.half_width - 3.182446305284263 * 1.2909944487358056 / 2.0).abs() < 1e-12);
    /// assert_eq!(e.low(), e.describe.mean - e.half_width);
    /// # Ok::<(), queue_sim::SummaryError>(())
    /// ```
    pub fn of(values: &[f64], confidence: f64) -> Result<Self, SummaryError> {
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(SummaryError::Confidence(confidence));
        }
        let describe = Describe::of(values);
        let n = describe.count;
        let half_width = if n < 2 {
            f64::NAN
        } else {
            let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
                .expect("positive degrees of freedom")
                .inverse_cdf(0.5 + confidence / 2.0);
            t * describe.std / (n as f64).sqrt()
        };
        Ok(Self { describe, half_width })
    }

    /// The interval's lower end.
    pub fn low(&self) -> f64 {
        self.describe.mean - self.half_width
    }

    /// The interval's upper end.
    pub fn high(&self) -> f64 {
        self.describe.mean + self.half_width
    }
}

/// One line of a summary across runs: a statistic at a node for a class.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryLine {
    /// The node, from 1.
    pub node: u32,
    /// The class, or `None` for all classes.
    pub class: Option<u32>,
    /// The statistic.
    pub statistic: Statistic,
    /// Its estimate across runs.
    pub estimate: Estimate,
}

/// Summarises runs of one model: per cell of the first run (all runs of a
/// model have the same cells) and per [`Statistic`], the [`Estimate`] of
/// its mean across runs at `confidence`.
pub fn summarise(runs: &[RunStats], confidence: f64) -> Result<Vec<SummaryLine>, SummaryError> {
    let Some(first) = runs.first() else {
        return Ok(Vec::new());
    };
    let mut lines = Vec::with_capacity(first.cells.len() * Statistic::ALL.len());
    let mut values = Vec::with_capacity(runs.len());
    for (i, cell) in first.cells.iter().enumerate() {
        for statistic in Statistic::ALL {
            values.clear();
            values.extend(runs.iter().filter_map(|r| r.cells.get(i)).map(|c| c.get(statistic)));
            lines.push(SummaryLine {
                node: cell.node,
                class: cell.class,
                statistic,
                estimate: Estimate::of(&values, confidence)?,
            });
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests;
