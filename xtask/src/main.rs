//! `cargo xtask`: the talk's demo, simulation sweeps and benchmarks. Argument
//! parsing and printing only; the work lives in the library crates.

mod bench;
mod demo;
mod demo_array;
mod demo_frame;
mod demo_report;
mod figures;
mod gen_data;
mod mutants;
mod plots;
mod sim;
mod sim_report;
mod sim_rows;
mod sim_summary;
mod talk;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Run the talk's demo, sweeps and benchmarks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Replay the talk end to end with timings.
    Demo(demo::Args),
    /// Run a simulation sweep: server counts x seeded trials, one CSV row per run.
    Sim(sim::Args),
    /// Measure everything, with the Python peers side by side when installed.
    Bench(bench::Args),
    /// Write the synthetic flights file.
    GenData(gen_data::Args),
    /// Mutation-test a crate's core files with cargo-mutants within a time budget.
    Mutants(mutants::Args),
    /// Check the MPI backend under mpirun: squares of 0..tasks, one task
    /// panicking if asked (used by the MPI tests).
    #[command(hide = true)]
    MpiSelftest(sim::SelftestArgs),
    /// One run of our side of the bench's join cell, in a fresh process.
    #[command(hide = true)]
    BenchFrameJoin(bench::frame::join::ChildArgs),
}

fn main() -> anyhow::Result<()> {
    quiet_on_closed_output();
    let done = match Cli::parse().task {
        Task::Demo(args) => demo::run(args),
        Task::Sim(args) => sim::run(args),
        Task::Bench(args) => bench::run(args),
        Task::GenData(args) => gen_data::run(args),
        Task::Mutants(args) => mutants::run(args),
        Task::MpiSelftest(args) => sim::selftest(args),
        Task::BenchFrameJoin(args) => bench::frame::join::child(args),
    };
    // A reader that went away (`xtask sim | head`) ends the program quietly,
    // as it ends other Unix tools, with the status of a SIGPIPE.
    if let Err(e) = &done
        && e.chain().any(|cause| {
            cause.downcast_ref::<executors::output::OutputError>().and_then(|o| o.kind)
                == Some(std::io::ErrorKind::BrokenPipe)
        })
    {
        std::process::exit(141);
    }
    done
}

/// `println!` panics when standard output is a closed pipe or a full disk:
/// end quietly with SIGPIPE's status (141) for the pipe, as other Unix
/// tools do, and with a one-line error for anything else, instead of a
/// panic's message and backtrace.
fn quiet_on_closed_output() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if let Some(why) = message.strip_prefix("failed printing to std") {
            if why.contains("Broken pipe") {
                std::process::exit(141);
            }
            // Standard error may be what failed: try it once, then leave.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "Error: cannot write to std{why}");
            std::process::exit(1);
        }
        default(info);
    }));
}
