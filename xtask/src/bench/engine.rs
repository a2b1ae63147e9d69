//! The engine's figures: time of the talk's trial against Ciw's (both
//! timed trial by trial in one warm process, Ciw in the same run when it
//! is installed), events a second on one core, and how that changes as
//! networks grow in nodes and servers.

use std::time::Instant;

use anyhow::Result;
use queue_sim::{Network, PythonRandom, Simulation};

use super::{Args, Report, Sizes, last_json, median, python, spread};

const WARM: &str = "in one process, trial after trial";
const SEEDS: &str = "median of 3 seeds, in one process";

pub(crate) fn run(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    println!("## queue-sim (one thread)");
    println!();

    let talk = Network::mmc(0.2, 0.1, 3);
    let pcg = trial_times(&talk, sizes.trials, |net, seed| {
        let mut sim = Simulation::new(net, seed)?;
        sim.run_until(10_000.0)?;
        Ok(sim.records().len())
    })?;
    let ciw_mode = trial_times(&talk, sizes.trials, |net, seed| {
        let mut sim = Simulation::<PythonRandom>::ciw(net, seed)?;
        sim.run_until(10_000.0)?;
        Ok(sim.records().len())
    })?;
    println!(
        "The talk's trial: M/M/3, rates 0.2/0.1, max_time 10000, full records; median of {} seeds \
         (Ciw: of {}), each side in one warm process",
        sizes.trials, sizes.ciw_trials
    );
    let (p, c) = (median(&pcg), median(&ciw_mode));
    println!("  queue-sim, pcg generator: {:>10.1} us ({})", p * 1e6, spread(&pcg, 1e6, 1));
    println!("  queue-sim, ciw generator: {:>10.1} us ({})", c * 1e6, spread(&ciw_mode, 1e6, 1));
    let us = |v: &[f64]| v.iter().map(|x| x * 1e6).collect::<Vec<_>>();
    match ciw(args, sizes.ciw_trials, report) {
        Ok((version, times)) => {
            let t = median(&times);
            let (r_pcg, r_ciw) = (t / p, t / c);
            report
                .measured("engine.trial_pcg_us", "us", "queue-sim", WARM, us(&pcg))
                .ratio(r_pcg, "Ciw's median / ours")
                .target("at least 200x", r_pcg >= 200.0);
            report
                .measured("engine.trial_ciw_rng_us", "us", "queue-sim", WARM, us(&ciw_mode))
                .ratio(r_ciw, "Ciw's median / ours");
            report.measured("engine.trial_ciw_us", "us", "ciw", WARM, us(&times));
            println!("  Ciw {version} (same run)  : {:>10.1} us ({})", t * 1e6, spread(&times, 1e6, 1));
            println!(
                "  ratio Ciw / queue-sim   : {r_pcg:.0}x (pcg), {r_ciw:.0}x (ciw generator) (target: 200x)"
            );
        }
        Err(why) => {
            report.measured("engine.trial_pcg_us", "us", "queue-sim", WARM, us(&pcg));
            report.measured("engine.trial_ciw_rng_us", "us", "queue-sim", WARM, us(&ciw_mode));
            report.skipped("engine.trial_ciw_us", "us", "ciw", &format!("{why:#}"));
            println!("  Ciw: skipped ({why:#})");
        }
    }
    println!();

    behaviour(args, sizes, report)?;
    println!();

    time_and_state(args, sizes, report)?;
    println!();

    scaling(sizes, report)
}

/// The horizon of each run of the customer-behaviour model.
const BEHAVIOUR_TIME: f64 = 2_000.0;

/// data/models/customer_behaviour.toml (priorities with preemption,
/// baulking, reneging, batches, class change, a system capacity) against
/// Ciw on the same model file, translated by the golden-file script.
fn behaviour(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/models/customer_behaviour.toml");
    let model =
        Model { path, title: "Every customer behaviour at once", key: "behaviour", horizon: BEHAVIOUR_TIME };
    model_against_ciw(args, sizes, report, &model)
}

/// data/models/time_and_state.toml (a server schedule, capacitated slots,
/// deterministic times that make simultaneous events common, which Ciw
/// mode orders with Ciw's draws) against Ciw on the same model file.
fn time_and_state(args: &Args, sizes: &Sizes, report: &mut Report) -> Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/models/time_and_state.toml");
    let model =
        Model { path, title: "Schedules, slots and ties", key: "time_state", horizon: BEHAVIOUR_TIME };
    model_against_ciw(args, sizes, report, &model)
}

/// A model file timed against Ciw.
struct Model {
    path: &'static str,
    title: &'static str,
    /// The report's keys: `engine.<key>_...`.
    key: &'static str,
    horizon: f64,
}

fn model_against_ciw(args: &Args, sizes: &Sizes, report: &mut Report, model: &Model) -> Result<()> {
    let Model { path, title, key, horizon } = *model;
    let net = Network::from_toml_file(path)?;
    let runs = (sizes.trials / 10).max(3);
    let events = std::cell::Cell::new(0u64);
    let pcg = trial_times(&net, runs, |net, seed| {
        let mut sim = Simulation::new(net, seed)?;
        sim.run_until(horizon)?;
        events.set(events.get() + sim.events_processed());
        Ok(sim.records().len())
    })?;
    let events = events.get();
    let rate = events as f64 / pcg.iter().sum::<f64>() / 1e6;
    let ciw_mode = trial_times(&net, runs, |net, seed| {
        let mut sim = Simulation::<PythonRandom>::ciw(net, seed)?;
        sim.run_until(horizon)?;
        Ok(sim.records().len())
    })?;
    let file = path.rsplit("/../").next().unwrap_or(path);
    println!(
        "{title} ({file}), max_time {horizon}, full records; median of {runs} seeds (Ciw: of {}), each side in one warm process",
        sizes.ciw_trials.min(runs)
    );
    let (p, c) = (median(&pcg), median(&ciw_mode));
    println!(
        "  queue-sim, pcg generator: {:>10.1} us ({}), {rate:.1} million events a second",
        p * 1e6,
        spread(&pcg, 1e6, 1)
    );
    println!("  queue-sim, ciw generator: {:>10.1} us ({})", c * 1e6, spread(&ciw_mode, 1e6, 1));
    let us = |v: &[f64]| v.iter().map(|x| x * 1e6).collect::<Vec<_>>();
    report.measured(&format!("engine.{key}_events_meps"), "million events/s", "queue-sim", WARM, vec![rate]);
    let horizon_arg = horizon.to_string();
    let trials = sizes.ciw_trials.min(runs).to_string();
    match python(args, CIW_MODEL_SCRIPT, &[path, &horizon_arg, &trials, GOLDEN_DIR], "ciw==3.2.7")
        .and_then(|t| last_json(&t))
    {
        Ok(doc) => {
            let times: Vec<f64> = doc["samples"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
                .unwrap_or_default();
            let t = median(&times);
            let (r_pcg, r_ciw) = (t / p, t / c);
            report
                .measured(&format!("engine.{key}_pcg_us"), "us", "queue-sim", WARM, us(&pcg))
                .ratio(r_pcg, "Ciw's median / ours")
                .target("at least 100x", r_pcg >= 100.0);
            report
                .measured(&format!("engine.{key}_ciw_rng_us"), "us", "queue-sim", WARM, us(&ciw_mode))
                .ratio(r_ciw, "Ciw's median / ours");
            report.measured(&format!("engine.{key}_ciw_us"), "us", "ciw", WARM, us(&times));
            println!("  Ciw (same run)          : {:>10.1} us ({})", t * 1e6, spread(&times, 1e6, 1));
            println!(
                "  ratio Ciw / queue-sim   : {r_pcg:.0}x (pcg), {r_ciw:.0}x (ciw generator) (target: 100x)"
            );
        }
        Err(why) => {
            report.measured(&format!("engine.{key}_pcg_us"), "us", "queue-sim", WARM, us(&pcg));
            report.measured(&format!("engine.{key}_ciw_rng_us"), "us", "queue-sim", WARM, us(&ciw_mode));
            report.skipped(&format!("engine.{key}_ciw_us"), "us", "ciw", &format!("{why:#}"));
            println!("  Ciw: skipped ({why:#})");
        }
    }
    Ok(())
}

/// Where `golden.py` lives: its `network()` turns a model file into Ciw's.
const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/queue-sim/tests/ciw");

/// Times Ciw on a model file: argv model, max_time, runs, golden.py's folder.
const CIW_MODEL_SCRIPT: &str = r#"
import sys, time, json, tomllib
sys.path.insert(0, sys.argv[4])
import ciw, golden
with open(sys.argv[1], "rb") as f:
    model = tomllib.load(f)
horizon, n = float(sys.argv[2]), int(sys.argv[3])
times = []
for seed in range(n):
    t = time.perf_counter()
    ciw.seed(seed)
    Q = golden.simulation(model)
    Q.simulate_until_max_time(horizon)
    Q.get_all_records()
    times.append(time.perf_counter() - t)
print(json.dumps({"version": ciw.__version__, "samples": times}))
"#;

/// Events a second as networks grow, in nodes and in servers, each run
/// about 4 million events long (times `sizes.events`).
fn scaling(sizes: &Sizes, report: &mut Report) -> Result<()> {
    let k = sizes.events;
    println!(
        "Events a second on one core, records streamed out (median of 3 seeds, ~{} million events each):",
        4.0 * k
    );
    let one_runs = events_per_second(&Network::mmc(0.2, 0.1, 3), 1e7 * k, 1e4 * k.max(1e-2))?;
    let one = median(&one_runs);
    println!(
        "  one M/M/3 node (the talk's), max_time {:.0}: {:.1} million ({})",
        1e7 * k,
        one,
        spread(&one_runs, 1.0, 1)
    );
    report
        .measured("engine.events_mm3_meps", "million events/s", "queue-sim", SEEDS, one_runs)
        .target("at least 15 million", one >= 15.0);

    println!("  copies of the talk's node side by side (separate arrivals, no routing):");
    let mut copies = Vec::new();
    for n in [1usize, 10, 100, 1000] {
        // Routing rows of zeros: every customer leaves after one service.
        let net = Network::ring(n, 0.2, 0.1, 3, 0.0);
        let runs = events_per_second(&net, 1e7 * k / n as f64, 1e4 * k / n as f64)?;
        let rate = median(&runs);
        println!(
            "    {n:>5} nodes: {rate:>5.1} million ({:.2}x of one node; {})",
            rate / one,
            spread(&runs, 1.0, 1)
        );
        let f =
            report.measured(&format!("engine.copies_{n}_meps"), "million events/s", "queue-sim", SEEDS, runs);
        f.ratio(rate / one, "of one M/M/3 node (engine.events_mm3_meps)");
        if n == 100 {
            f.target("at least 0.5x of one node", rate / one >= 0.5);
        }
        copies.push(rate);
    }

    println!("  rings of M/M/3 nodes (arrivals 0.1 at each, half of each node's output to the next):");
    let mut rings: Vec<f64> = Vec::new();
    for n in [1usize, 10, 100, 1000] {
        let net = Network::ring(n, 0.1, 0.1, 3, 0.5);
        let runs = events_per_second(&net, 1.5e7 * k / n as f64, 1.5e4 * k / n as f64)?;
        let rate = median(&runs);
        let first = *rings.first().unwrap_or(&rate);
        println!(
            "    {n:>5} nodes: {rate:>5.1} million ({:.2}x of a one-node ring, {:.2}x of one M/M/3 node; {})",
            rate / first,
            rate / one,
            spread(&runs, 1.0, 1)
        );
        let f =
            report.measured(&format!("engine.ring_{n}_meps"), "million events/s", "queue-sim", SEEDS, runs);
        f.ratio(rate / first, "of a one-node ring (engine.ring_1_meps)");
        if n == 100 {
            f.target("at least 0.5x of a one-node ring", rate / first >= 0.5);
            report.derived("engine.ring_100_of_mm3", "x", "queue-sim", rate / one);
        }
        rings.push(rate);
    }

    println!("  one M/M/c node at the talk's load (arrival rate c/15, service rate 0.1):");
    let mut three = f64::NAN;
    for c in [3usize, 30, 300, 3000] {
        let net = Network::mmc(c as f64 / 15.0, 0.1, c);
        let runs = events_per_second(&net, 3e7 * k / c as f64, 3e4 * k / c as f64)?;
        let rate = median(&runs);
        if c == 3 {
            three = rate;
        }
        println!(
            "    c = {c:>4}: {rate:>5.1} million ({:.2}x of c = 3; {})",
            rate / three,
            spread(&runs, 1.0, 1)
        );
        report
            .measured(&format!("engine.mmc_c{c}_meps"), "million events/s", "queue-sim", SEEDS, runs)
            .ratio(rate / three, "of c = 3 (engine.mmc_c3_meps)");
    }

    println!("100 nodes against one, same model at every node (target: at least 0.5x):");
    println!("  copies of the talk's node: {:.2}x; rings: {:.2}x", copies[2] / one, rings[2] / rings[0]);
    println!(
        "  (a 100-node ring, whose events also draw routes, against one M/M/3 node: {:.2}x)",
        rings[2] / one
    );
    Ok(())
}

/// Wall time of one trial for each of `trials` seeds.
fn trial_times(
    net: &Network,
    trials: u64,
    run: impl Fn(&Network, u64) -> Result<usize, queue_sim::SimError>,
) -> Result<Vec<f64>> {
    let mut times = Vec::new();
    let mut sink = 0;
    for seed in 0..trials.max(1) {
        let start = Instant::now();
        sink += run(net, seed)?;
        times.push(start.elapsed().as_secs_f64());
    }
    std::hint::black_box(sink);
    Ok(times)
}

/// Millions of events a second of one long run for seeds 0, 1 and 2,
/// streaming the records out every `step` time units so that memory stays
/// bounded.
fn events_per_second(net: &Network, max_time: f64, step: f64) -> Result<Vec<f64>> {
    let mut rates = Vec::new();
    for seed in 0..3 {
        let mut sim = Simulation::new(net, seed)?;
        let mut records = 0;
        let start = Instant::now();
        let mut t = 0.0;
        while t < max_time {
            t = (t + step).min(max_time);
            sim.run_until(t)?;
            records += sim.take_records().len();
        }
        let elapsed = start.elapsed().as_secs_f64();
        std::hint::black_box(records);
        rates.push(sim.events_processed() as f64 / elapsed / 1e6);
    }
    Ok(rates)
}

const CIW_SCRIPT: &str = r#"
import sys, time, json, platform, ciw
n = int(sys.argv[1])
N = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(rate=0.2)],
                       service_distributions=[ciw.dists.Exponential(rate=0.1)],
                       number_of_servers=[3])
times = []
for seed in range(n):
    t = time.perf_counter()
    ciw.seed(seed)
    Q = ciw.Simulation(N)
    Q.simulate_until_max_time(10000)
    Q.get_all_records()
    times.append(time.perf_counter() - t)
print(json.dumps({"version": ciw.__version__, "python": platform.python_version(), "samples": times}))
"#;

/// Ciw's version and trial times, from a Python with Ciw installed.
fn ciw(args: &Args, trials: u64, report: &mut Report) -> Result<(String, Vec<f64>)> {
    let text = python(args, CIW_SCRIPT, &[&trials.to_string()], "ciw==3.2.7")?;
    let doc = last_json(&text)?;
    report.versions_from("ciw", &doc);
    let version = doc["version"].as_str().unwrap_or("?").to_owned();
    if version != "3.2.7" {
        println!("  (Ciw {version} found; the README's figures were measured against 3.2.7)");
    }
    let times =
        doc["samples"].as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default();
    Ok((version, times))
}
