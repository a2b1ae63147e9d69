//! The talk's array cells at full size, for timing and peak memory:
//! `cargo run --release -p chunked-array --example talk -- [size] [chunk|auto] [workers] [moments|c|both|cube|npy]`
//! (`cube`: the mean over trials of trials x time x nodes =
//! size/10 x size/10 x 100 seeded normals, auto chunks; `npy`: a size x
//! size normal array written to an `.npy` file in the temporary directory,
//! then read back and its mean computed.)
//! Prints the median wall time of 5 runs of each cell and the process' peak
//! resident memory (VmHWM); run one cell per process to measure its peak.
//! `benches/dask_peer.py` takes the same arguments and does the same in dask.

use std::time::Instant;

use chunked_array::{Chunks, compute_scalars, random};
use executors::{Executor, Progress, Strategy};

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let chunks = match args.get(1).map(String::as_str) {
        Some("auto") => Chunks::auto(),
        Some(s) => Chunks::Size(s.parse()?),
        None => Chunks::Size(2500),
    };
    let workers: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2);
    let cell = args.get(3).map(String::as_str).unwrap_or("both");
    let exec = Executor::new(Strategy::Graph, workers)?.progress(Progress::Hidden);
    if cell == "moments" || cell == "both" {
        let mut times = Vec::new();
        let mut values = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            let x = random::standard_normal(0, &[n, n], chunks.clone())?;
            values = compute_scalars(&[&x.mean(..)?, &x.std(..)?], &exec)?;
            times.push(start.elapsed().as_secs_f64());
        }
        println!(
            "mean+std (chunks {chunks:?}): mean {:.6e} std {:.12} median {:.3} s",
            values[0],
            values[1],
            median(times)
        );
    }
    if cell == "c" || cell == "both" {
        let mut times = Vec::new();
        let mut value = f64::NAN;
        for _ in 0..5 {
            let start = Instant::now();
            let a = random::standard_normal(1, &[n, n], chunks.clone())?;
            let b = random::standard_normal(2, &[n], chunks.clone())?;
            let c = ((a.dot(&b)?.sum(..)? / a.mean(..)?)? * b.var(..)?)?;
            value = c.compute_scalar(&exec)?;
            times.push(start.elapsed().as_secs_f64());
        }
        println!("C (chunks {chunks:?}): {value:.12e} median {:.3} s", median(times));
    }
    if cell == "cube" {
        let mut times = Vec::new();
        let mut first = f64::NAN;
        for _ in 0..5 {
            let start = Instant::now();
            let x = random::standard_normal(0, &[n / 10, n / 10, 100], Chunks::auto())?;
            let m = x.mean(0)?.compute(&exec)?;
            first = m.first().copied().unwrap_or(f64::NAN);
            times.push(start.elapsed().as_secs_f64());
        }
        println!(
            "cube mean over trials ({} x {} x 100): [0, 0] {first:.12} median {:.3} s",
            n / 10,
            n / 10,
            median(times)
        );
    }
    if cell == "npy" {
        let path = std::env::temp_dir().join(format!("chunked-array-talk-{}.npy", std::process::id()));
        let (mut write, mut read) = (Vec::new(), Vec::new());
        let mut mean = f64::NAN;
        for _ in 0..5 {
            let start = Instant::now();
            random::standard_normal(0, &[n, n], chunks.clone())?.to_npy(&path, &exec)?;
            write.push(start.elapsed().as_secs_f64());
            let start = Instant::now();
            mean = chunked_array::from_npy(&path, chunks.clone())?.mean(..)?.compute_scalar(&exec)?;
            read.push(start.elapsed().as_secs_f64());
        }
        std::fs::remove_file(&path)?;
        println!(
            "npy write median {:.3} s; read + mean {mean:.6e} median {:.3} s",
            median(write),
            median(read)
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak memory {}", line.trim_start_matches("VmHWM:").trim());
    }
    Ok(())
}
