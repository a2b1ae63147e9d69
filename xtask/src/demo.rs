//! `cargo xtask demo`: the talk replayed with timings. Part one: one Ciw-style
//! run of the M/M/c queue, then the sequential loop over servers 1, 2, 3 and
//! 100 seeds, summarised per server count beside Erlang C.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use queue_sim::{Describe, Network, RngKind, Sweep, Trial, theory};
use serde_json::json;

const ARRIVAL_RATE: f64 = 0.2;
const SERVICE_RATE: f64 = 0.1;
const MAX_TIME: f64 = 10_000.0;

/// Options of `cargo xtask demo`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Also write every figure printed to this JSON file; its `results` are
    /// deterministic, its `timings_s` are not.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Generator: ciw (the talk's numbers exactly) or pcg.
    #[arg(long, default_value = "ciw")]
    rng: RngKind,
    /// Seeded trials per server count.
    #[arg(long, default_value_t = 100)]
    trials: u64,
}

pub(crate) fn run(args: Args) -> Result<()> {
    println!("# Parallelisation in Rust: the talk, replayed");
    println!();
    println!(
        "## An M/M/c queue: arrivals at rate {ARRIVAL_RATE}, services at rate {SERVICE_RATE}, \
         max_time {MAX_TIME}, generator {}",
        args.rng
    );
    println!();

    let one = Trial {
        network: Network::mmc(ARRIVAL_RATE, SERVICE_RATE, 2),
        servers: Some(2),
        seed: 0,
        max_time: MAX_TIME,
        rng: args.rng,
    };
    let start = Instant::now();
    let one_result = one.run()?;
    let one_time = start.elapsed().as_secs_f64();
    println!(
        "One run, 2 servers, seed 0: {} records, mean wait {:?} ({})",
        one_result.records,
        one_result.mean_wait,
        ms(one_time)
    );
    println!();

    let sweep = Sweep {
        network: Network::mmc(ARRIVAL_RATE, SERVICE_RATE, 1),
        servers: vec![1, 2, 3],
        trials: args.trials,
        seed: 0,
        max_time: MAX_TIME,
        rng: args.rng,
    };
    let trials = sweep.trials();
    let start = Instant::now();
    let results = trials.iter().map(Trial::run).collect::<Result<Vec<_>, _>>()?;
    let loop_time = start.elapsed().as_secs_f64();
    println!(
        "Sequential loop, servers 1, 2, 3 x seeds 0..{}: {} runs in {} ({} a run)",
        args.trials,
        results.len(),
        ms(loop_time),
        ms(loop_time / results.len().max(1) as f64)
    );
    println!();
    println!("Mean waiting time per run, described per server count:");
    println!(
        "{:>7} {:>6} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "servers", "count", "mean", "std", "min", "25%", "50%", "75%", "max"
    );
    let mut per_servers = serde_json::Map::new();
    for c in &sweep.servers {
        let waits: Vec<f64> = results.iter().filter(|r| r.servers == Some(*c)).map(|r| r.mean_wait).collect();
        let d = Describe::of(&waits);
        println!(
            "{c:>7} {:>6} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>12.4} {:>12.4}",
            d.count, d.mean, d.std, d.min, d.q25, d.q50, d.q75, d.max
        );
        per_servers.insert(c.to_string(), serde_json::to_value(d)?);
    }
    let erlang = theory::mmc_mean_wait(ARRIVAL_RATE, SERVICE_RATE, 3);
    let c3_mean = per_servers["3"]["mean"].as_f64();
    println!();
    match (erlang, c3_mean) {
        (Some(w), Some(m)) => println!(
            "c = 3: simulated mean wait {m:.4}, Erlang C (steady state) {w:.4}; \
             with c = 1 (load 2) and c = 2 (load 1) the queue has no steady state and waits grow with the horizon."
        ),
        _ => println!("c = 3: no Erlang C value"),
    }

    if let Some(path) = &args.json {
        let doc = json!({
            "results": {
                "rng": args.rng.to_string(),
                "one_run": { "servers": 2, "seed": 0, "records": one_result.records, "mean_wait": one_result.mean_wait },
                "sweep": { "trials": args.trials, "mean_wait_by_servers": per_servers },
                "erlang_c_mean_wait_c3": erlang,
            },
            "timings_s": { "one_run": one_time, "sequential_loop": loop_time },
        });
        std::fs::write(path, serde_json::to_string_pretty(&doc)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!();
        println!("Figures written to {}", path.display());
    }
    Ok(())
}

/// A duration in milliseconds, for printing.
pub(crate) fn ms(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1e3)
}
