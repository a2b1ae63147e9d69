//! The engine's figures: time of the talk's trial (and Ciw's, measured in
//! the same run when it is installed, with the ratio), events a second on
//! one core, and how that changes as networks grow in nodes and servers.

use std::time::Instant;

use anyhow::{Context, Result};
use queue_sim::{Network, PythonRandom, Simulation};

use super::{Args, median, python};

pub(crate) fn run(args: &Args) -> Result<()> {
    println!("## queue-sim (one thread)");
    println!();

    let talk = Network::mmc(0.2, 0.1, 3);
    let pcg = median_trial(&talk, args.trials, |net, seed| {
        let mut sim = Simulation::new(net, seed)?;
        sim.run_until(10_000.0)?;
        Ok(sim.records().len())
    })?;
    let ciw_mode = median_trial(&talk, args.trials, |net, seed| {
        let mut sim = Simulation::<PythonRandom>::ciw(net, seed)?;
        sim.run_until(10_000.0)?;
        Ok(sim.records().len())
    })?;
    println!(
        "The talk's trial: M/M/3, rates 0.2/0.1, max_time 10000, full records; median of {}",
        args.trials
    );
    println!("  queue-sim, pcg generator: {:>10.1} us", pcg * 1e6);
    println!("  queue-sim, ciw generator: {:>10.1} us", ciw_mode * 1e6);

    match ciw_median(args) {
        Ok(ciw) => {
            println!("  Ciw 3.2.7 (same run)    : {:>10.1} us", ciw * 1e6);
            println!(
                "  ratio Ciw / queue-sim   : {:.0}x (pcg), {:.0}x (ciw generator)",
                ciw / pcg,
                ciw / ciw_mode
            );
        }
        Err(why) => println!("  Ciw: skipped ({why:#})"),
    }
    println!();

    scaling()
}

/// Events a second as networks grow, in nodes and in servers, each run
/// about 4 million events long.
fn scaling() -> Result<()> {
    println!(
        "Events a second on one core, records streamed out (median of 3 seeds, ~4 million events each):"
    );
    let one = events_per_second(&Network::mmc(0.2, 0.1, 3), 1e7, 1e4)?;
    println!("  one M/M/3 node (the talk's), max_time 1e7: {:.1} million", one / 1e6);

    println!("  copies of the talk's node side by side (separate arrivals, no routing):");
    let mut copies = 0.0;
    for n in [1, 10, 100, 1000] {
        // Routing rows of zeros: every customer leaves after one service.
        let net = Network::ring(n, 0.2, 0.1, 3, 0.0);
        let rate = events_per_second(&net, 1e7 / n as f64, 1e4 / n as f64)?;
        println!("    {n:>5} nodes: {:>5.1} million ({:.2}x of one node)", rate / 1e6, rate / one);
        if n == 100 {
            copies = rate;
        }
    }

    println!("  rings of M/M/3 nodes (arrivals 0.1 at each, half of each node's output to the next):");
    let mut rings = Vec::new();
    for n in [1, 10, 100, 1000] {
        let net = Network::ring(n, 0.1, 0.1, 3, 0.5);
        let rate = events_per_second(&net, 1.5e7 / n as f64, 1.5e4 / n as f64)?;
        let first = *rings.first().unwrap_or(&rate);
        println!(
            "    {n:>5} nodes: {:>5.1} million ({:.2}x of a one-node ring, {:.2}x of one M/M/3 node)",
            rate / 1e6,
            rate / first,
            rate / one
        );
        rings.push(rate);
    }

    println!("  one M/M/c node at the talk's load (arrival rate c/15, service rate 0.1):");
    let mut three = 0.0;
    for c in [3, 30, 300, 3000] {
        let net = Network::mmc(c as f64 / 15.0, 0.1, c);
        let rate = events_per_second(&net, 3e7 / c as f64, 3e4 / c as f64)?;
        if c == 3 {
            three = rate;
        }
        println!("    c = {c:>4}: {:>5.1} million ({:.2}x of c = 3)", rate / 1e6, rate / three);
    }

    println!("100 nodes against one, same model at every node (target: at least 0.5x):");
    println!("  copies of the talk's node: {:.2}x; rings: {:.2}x", copies / one, rings[2] / rings[0]);
    println!(
        "  (a 100-node ring, whose events also draw routes, against one M/M/3 node: {:.2}x)",
        rings[2] / one
    );
    Ok(())
}

/// Median wall time of one trial over `trials` seeds.
fn median_trial(
    net: &Network,
    trials: u64,
    run: impl Fn(&Network, u64) -> Result<usize, queue_sim::SimError>,
) -> Result<f64> {
    let mut times = Vec::with_capacity(trials as usize);
    let mut sink = 0;
    for seed in 0..trials.max(1) {
        let start = Instant::now();
        sink += run(net, seed)?;
        times.push(start.elapsed().as_secs_f64());
    }
    std::hint::black_box(sink);
    Ok(median(&mut times))
}

/// Events a second of one long run (median of three seeds), streaming the
/// records out every `step` time units so that memory stays bounded.
fn events_per_second(net: &Network, max_time: f64, step: f64) -> Result<f64> {
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
        rates.push(sim.events_processed() as f64 / elapsed);
    }
    Ok(median(&mut rates))
}

const CIW_SCRIPT: &str = r#"
import sys, time, statistics, ciw
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
print(ciw.__version__, statistics.median(times))
"#;

/// Ciw's median trial time, from a Python with Ciw installed.
fn ciw_median(args: &Args) -> Result<f64> {
    let text = python(args, CIW_SCRIPT, &[&args.ciw_trials.to_string()], "ciw==3.2.7")?;
    let mut parts = text.split_whitespace();
    let version = parts.next().unwrap_or("?");
    if version != "3.2.7" {
        println!("  (Ciw {version} found; the figures here were measured against 3.2.7)");
    }
    parts.next().context("no timing from the Ciw script")?.parse().context("bad timing from the Ciw script")
}
