//! The demo's own timing (the README's "Two commands"): `xtask demo`, the
//! whole talk, timed as one fresh process, with the part of it spent in the
//! sleeping graph's cells.

use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};
use serde_json::Value;

use super::{Report, Sizes, median, spread};

pub(crate) fn run(sizes: &Sizes, report: &mut Report) -> Result<()> {
    println!("## the demo (cargo xtask demo), whole process, median of {}", sizes.demo_repeats);
    println!();
    let exe = std::env::current_exe()?;
    let scratch = std::env::temp_dir().join(format!("xtask-bench-demo-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let (mut walls, mut sleeping) = (Vec::new(), Vec::new());
    for i in 0..sizes.demo_repeats {
        let json = scratch.join(format!("{i}.json"));
        let mut command = Command::new(&exe);
        command.arg("demo").arg("--json").arg(&json).arg("--drawing").arg(scratch.join("talk"));
        if let Some(rows) = sizes.frame_rows {
            let (size, _) = sizes.array;
            let csv = super::frame::small_file(rows)?;
            command.arg("--csv").arg(csv).args(["--trials", "5", "--nap-ms", &sizes.nap_ms.to_string()]);
            command.args(["--size", &size.to_string()]);
        }
        let start = Instant::now();
        let out = command.output()?;
        walls.push(start.elapsed().as_secs_f64());
        if !out.status.success() {
            bail!("the demo failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
        let graph = doc["timings_s"]["graph"]
            .as_object()
            .map_or(f64::NAN, |cells| cells.values().map(|t| t.as_f64().unwrap_or(f64::NAN)).sum());
        sleeping.push(graph);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let (w, s) = (median(&walls), median(&sleeping));
    println!("  {:>28}: {w:>7.3} s ({})", "the whole demo", spread(&walls, 1.0, 3));
    println!("  {:>28}: {s:>7.3} s ({})", "of which the sleeping graph", spread(&sleeping, 1.0, 3));
    report.measured("demo.wall_s", "s", "xtask", "fresh process, whole wall time", walls);
    report.measured("demo.sleeping_s", "s", "xtask", "the demo's own timings of the graph cells", sleeping);
    Ok(())
}
