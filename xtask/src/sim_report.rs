//! `cargo xtask sim --report PATH.html` and `--plots DIR`: the pictures of
//! a sweep (mean wait per run as box plots per server count beside Erlang
//! C; customers in the system against time, one run per server count; the
//! task stream with the process's CPU and memory) and the self-contained
//! HTML report that gathers them with the run's facts and its summary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use executors::output::Output;
use executors::{Profiler, Report, ResourceProfiler};
use queue_sim::{Network, RandomSource, RngKind, Servers, Simulation, Statistic, Stop};

use crate::plots::{self, BoxData, InSystem};
use crate::sim_summary::{CONFIDENCE, Group, Setup};

/// A picture: its file name in `--plots`, its heading, a sentence, its SVG.
pub(crate) struct Picture {
    pub(crate) file: &'static str,
    pub(crate) heading: String,
    pub(crate) note: String,
    pub(crate) svg: String,
}

/// The pictures' file names in `--plots DIR`.
pub(crate) const FILES: [&str; 4] = ["mean-wait.svg", "in-system.svg", "waits.svg", "task-stream.svg"];

/// Checks every file `--plots DIR` will write (creating DIR when missing)
/// and the report's path, before any run.
pub(crate) fn check(plots: Option<&Path>, report: Option<&Path>, model: Option<&Path>) -> Result<()> {
    if let Some(dir) = plots {
        std::fs::create_dir_all(dir).with_context(|| format!("--plots: cannot create {}", dir.display()))?;
        for file in FILES {
            let out = Output::check(&dir.join(file)).context("--plots")?;
            if let Some(model) = model {
                out.refuse_input(model, "model file").context("--plots")?;
            }
        }
    }
    if let Some(path) = report {
        let out = Output::check(path).context("--report")?;
        if let Some(model) = model {
            out.refuse_input(model, "model file").context("--report")?;
        }
    }
    Ok(())
}

/// The profilers of a run that draws its task stream.
pub(crate) struct Profilers {
    pub(crate) tasks: Arc<Profiler>,
    pub(crate) resources: Arc<ResourceProfiler>,
}

impl Profilers {
    /// New profilers on one clock, sampling resources at the default interval.
    pub(crate) fn new() -> Result<Self> {
        let tasks = Arc::new(Profiler::new());
        let resources = Arc::new(ResourceProfiler::aligned_with(&tasks, executors::DEFAULT_INTERVAL)?);
        Ok(Self { tasks, resources })
    }

    /// The task stream with the resource panels under it.
    pub(crate) fn stream(&self, title: &str) -> String {
        executors::task_stream_svg(&self.tasks.spans(), &self.resources.samples(), title, Default::default())
    }
}

/// The pictures of a summarised sweep.
pub(crate) fn pictures(
    setup: &Setup,
    groups: &[Group],
    rng: RngKind,
    seed: u64,
    profilers: &Profilers,
) -> Result<Vec<Picture>> {
    let mut boxes = Vec::new();
    for g in groups {
        let waits: Vec<f64> = g.runs.iter().map(|r| r.cells[0].get(Statistic::MeanWait)).collect();
        let estimate = queue_sim::Estimate::of(&waits, CONFIDENCE)?;
        boxes.push(BoxData {
            label: g.servers.map_or_else(|| "inf".to_owned(), |c| c.to_string()),
            values: waits,
            mean_ci: Some((estimate.describe.mean, estimate.half_width)),
            theory: setup.theory(g.servers, 1, Statistic::MeanWait),
        });
    }
    let warm = if setup.warmup > 0.0 {
        format!(", customers arriving after {}", setup.warmup)
    } else {
        String::new()
    };
    let mut out = vec![Picture {
        file: FILES[0],
        heading: "Mean wait per run".into(),
        note: format!(
            "Each point is one run's mean waiting time at node 1{warm}; boxes per server count, the mean of the runs \
             with its 95% confidence interval (Student t) beside each box, Erlang C where the queue has a steady state."
        ),
        svg: plots::box_plot("Mean wait per run, by server count", "mean wait", &boxes)?,
    }];
    if let Stop::MaxTime(horizon) = setup.stop {
        let mut runs = Vec::new();
        for (k, g) in groups.iter().enumerate().take(6) {
            let network = with_servers(setup.network, setup.servers.get(k).copied());
            let counts = in_system(&network, rng, seed, horizon, 500)?;
            runs.push((g.servers.map_or_else(|| "c = inf".to_owned(), |c| format!("c = {c}")), counts));
        }
        let nodes = setup.network.nodes.len();
        let (svg, per_node) = if nodes > 1 {
            let shown = nodes.min(plots::MAX_NODE_LINES);
            let more = if nodes > shown {
                format!(" (the first {shown} of its {nodes} nodes)")
            } else {
                String::new()
            };
            (
                plots::in_system_by_node("Customers in the system and at each node against time", &runs)?,
                format!(
                    " A panel per server count, each on its own scale: the whole system in black, each node{more} \
                     in its colour."
                ),
            )
        } else {
            let series: Vec<_> = runs.into_iter().map(|(name, c)| (name, c.total())).collect();
            (
                plots::step_lines(
                    "Customers in the system against time",
                    "time",
                    "customers in the system",
                    &series,
                )?,
                String::new(),
            )
        };
        out.push(Picture {
            file: FILES[1],
            heading: "Customers in the system".into(),
            note: format!(
                "One run per server count (seed {seed}), the number of customers in the system sampled at 500 \
                 times: a queue with a steady state settles, one without grows with time.{per_node}"
            ),
            svg,
        });
    }
    let mut waits = Vec::new();
    for (k, g) in groups.iter().enumerate().take(6) {
        let network = with_servers(setup.network, setup.servers.get(k).copied());
        let run = queue_sim::simulate(&network, rng, seed, setup.stop)?;
        let points = (run.records.iter())
            .filter(|r| r.node == 1 && r.record_type == queue_sim::RecordType::Service)
            .map(|r| (r.arrival_date, r.waiting_time))
            .collect();
        waits.push((g.servers.map_or_else(|| "c = inf".to_owned(), |c| format!("c = {c}")), points));
    }
    out.push(Picture {
        file: FILES[2],
        heading: "Waiting time against arrival time".into(),
        note: format!(
            "The same runs (seed {seed}): each point is a customer served at node 1, its wait against the time it \
             arrived; the warm-up shows as the early stretch before waits settle."
        ),
        svg: plots::scatter("Waiting time against arrival time", "arrival time", "waiting time", &waits)?,
    });
    out.push(Picture {
        file: FILES[3],
        heading: "Task stream and resources".into(),
        note:
            "One row per worker, one bar per run (hover for its key and duration); the process's CPU use and \
               resident memory on the same time axis."
                .into(),
        svg: profilers.stream("Task stream"),
    });
    Ok(out)
}

/// `network` with `servers` at every node (its own when `None`).
fn with_servers(network: &Network, servers: Option<usize>) -> Network {
    let mut network = network.clone();
    if let Some(c) = servers {
        for node in &mut network.nodes {
            node.servers = Servers::Finite(c);
        }
    }
    network
}

/// Customers at each node at `points` evenly spaced times of one run to
/// `horizon` (the run is the one the sweep makes with this seed: pausing
/// changes no event).
pub(crate) fn in_system(
    network: &Network,
    rng: RngKind,
    seed: u64,
    horizon: f64,
    points: u32,
) -> Result<InSystem> {
    fn go<R: RandomSource>(
        mut sim: Simulation<R>,
        nodes: usize,
        horizon: f64,
        points: u32,
    ) -> Result<InSystem> {
        let mut out = InSystem { times: vec![0.0], nodes: vec![vec![0.0]; nodes] };
        for k in 1..=points {
            let t = horizon * f64::from(k) / f64::from(points);
            sim.run_until(t)?;
            out.times.push(t);
            for (node, &n) in out.nodes.iter_mut().zip(&sim.customers_at_nodes()) {
                node.push(f64::from(n));
            }
        }
        Ok(out)
    }
    let nodes = network.nodes.len();
    match rng {
        RngKind::Pcg => go(Simulation::new(network, seed)?, nodes, horizon, points),
        RngKind::Ciw => go(Simulation::ciw(network, seed)?, nodes, horizon, points),
    }
}

/// Writes each picture as `DIR/<file>`.
pub(crate) fn write_plots(dir: &Path, pictures: &[Picture]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for p in pictures {
        let path = dir.join(p.file);
        Output::check(&path)?.write(|w| w.write_all(p.svg.as_bytes()))?;
        written.push(path);
    }
    Ok(written)
}

/// The report: facts, the summary table, then the pictures.
pub(crate) fn report(title: &str, facts: &[(&str, String)], summary: &str, pictures: &[Picture]) -> Report {
    let mut report = Report::new(title);
    for (name, value) in facts {
        report.fact(name, value);
    }
    report.text(
        "Summary across runs",
        "Per server count, node and class: each statistic's mean across runs with its 95% confidence interval, \
         standard deviation and quantiles, and theory's value where one exists.",
        summary,
    );
    for p in pictures {
        report.section(&p.heading, &p.note, &p.svg);
    }
    report.section(
        "Task graph",
        "The runs of a sweep are independent tasks: there is no graph to draw (cargo xtask demo --report draws the \
         talk's graphs).",
        "",
    );
    report
}
