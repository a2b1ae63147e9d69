//! `cargo xtask`: the talk's demo, simulation sweeps and benchmarks. Argument
//! parsing and printing only; the work lives in the library crates.

mod bench;
mod demo;
mod demo_array;
mod demo_frame;
mod gen_data;
mod mutants;
mod sim;
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
}

fn main() -> anyhow::Result<()> {
    let done = match Cli::parse().task {
        Task::Demo(args) => demo::run(args),
        Task::Sim(args) => sim::run(args),
        Task::Bench(args) => bench::run(args),
        Task::GenData(args) => gen_data::run(args),
        Task::Mutants(args) => mutants::run(args),
        Task::MpiSelftest(args) => sim::selftest(args),
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
