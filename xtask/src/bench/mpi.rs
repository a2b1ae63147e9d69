//! The MPI figures: M/M/3 trials with `mpirun -np 2` against the local
//! pool of 2 workers, each timed inside the sweep (MPI start-up excluded),
//! with and without journaling the rows (`--out FILE`); each run a fresh
//! process of this binary's `sim`.

use std::process::{Command, Output};

use anyhow::{Context, Result, bail};

use super::{Report, Sizes, median, spread};

const FRESH: &str = "fresh process each, sweep time (start-up excluded)";

pub(crate) fn run(sizes: &Sizes, report: &mut Report) -> Result<()> {
    let trials = sizes.mpi_trials.to_string();
    println!(
        "## MPI: {trials} M/M/3 trials (max_time 10000), sweep time, median of {}, fresh processes",
        sizes.repeats
    );
    println!();
    let exe = std::env::current_exe()?;
    let sweep = ["sim", "--servers", "3", "--trials", &trials, "--report-time"];
    let dir = std::env::temp_dir().join(format!("xtask-bench-mpi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let out = dir.join("rows.csv");
    let timed = |mut command: Command, journaled: bool| -> Result<f64> {
        if journaled {
            command.arg("--out").arg(&out);
        }
        let output = command.output().context("cannot start the sweep")?;
        if journaled {
            let _ = std::fs::remove_file(&out);
        }
        sweep_time(&output)
    };
    let pool = |journaled: bool| {
        let mut c = Command::new(&exe);
        c.args(sweep).args(["--executor", "pool", "--workers", "2"]);
        timed(c, journaled)
    };
    let mpi = |journaled: bool| {
        let mut c = Command::new("mpirun");
        c.args(["--allow-run-as-root", "--oversubscribe", "-np", "2"])
            .arg(&exe)
            .args(sweep)
            .args(["--executor", "mpi"]);
        timed(c, journaled)
    };
    let repeat = |f: &dyn Fn(bool) -> Result<f64>, journaled: bool| -> Result<Vec<f64>> {
        (0..sizes.repeats).map(|_| f(journaled)).collect()
    };
    let (p, p_out) = (repeat(&pool, false)?, repeat(&pool, true)?);
    let base = median(&p);
    println!("  {:>30}: {base:>7.3} s ({})", "pool, 2 workers", spread(&p, 1.0, 3));
    println!(
        "  {:>30}: {:>7.3} s ({:.2}x without; {})",
        "pool, 2 workers, --out FILE",
        median(&p_out),
        median(&p_out) / base,
        spread(&p_out, 1.0, 3)
    );
    report.measured("mpi.pool_s", "s", "executors", FRESH, p);
    let r = median(&p_out) / base;
    report
        .measured("mpi.pool_out_s", "s", "executors", FRESH, p_out)
        .ratio(r, "of mpi.pool_s (journaling's cost)");

    let skip = |report: &mut Report, why: &str| {
        println!("  mpirun -np 2: skipped ({why})");
        report.skipped("mpi.mpi_s", "s", "executors", why);
        report.skipped("mpi.mpi_out_s", "s", "executors", why);
    };
    if !cfg!(feature = "mpi") {
        skip(report, "build with --features mpi: cargo build --release -p xtask --features mpi");
    } else {
        match (repeat(&mpi, false), repeat(&mpi, true)) {
            (Ok(m), Ok(m_out)) => {
                let t = median(&m);
                let t_out = median(&m_out);
                println!(
                    "  {:>30}: {t:>7.3} s ({:.2}x the pool's time; {})",
                    "mpirun -np 2",
                    t / base,
                    spread(&m, 1.0, 3)
                );
                println!(
                    "  {:>30}: {t_out:>7.3} s ({:.2}x without; {})",
                    "mpirun -np 2, --out FILE",
                    t_out / t,
                    spread(&m_out, 1.0, 3)
                );
                report
                    .measured("mpi.mpi_s", "s", "executors", FRESH, m)
                    .ratio(t / base, "of mpi.pool_s")
                    .target("within 1.3x of the pool", t / base <= 1.3);
                report
                    .measured("mpi.mpi_out_s", "s", "executors", FRESH, m_out)
                    .ratio(t_out / t, "of mpi.mpi_s (journaling's cost)");
            }
            (Err(why), _) | (_, Err(why)) => {
                skip(report, &format!("mpirun failed or is missing (apt-get install openmpi-bin): {why:#}"))
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The time `sim --report-time` printed for its sweep.
fn sweep_time(output: &Output) -> Result<f64> {
    let text = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("the sweep failed: {}", text.lines().last().unwrap_or(""));
    }
    text.lines()
        .find_map(|l| l.strip_prefix("sweep: ")?.split(" in ").nth(1)?.split(' ').next()?.parse().ok())
        .context("no sweep time in the output of sim --report-time")
}
