//! The talk's array cells (`cargo xtask demo array`): the mean and standard
//! deviation of a seeded normal array computed together, the drawings of
//! both graphs, then `C = A.dot(B).sum() / A.mean() * B.var()`, each with
//! its wall time. The arrays are never held: blocks are generated, reduced
//! and dropped.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use chunked_array::{Array, Chunks, Plan, random};
use executors::{Executor, Progress, RankDir, Strategy};
use serde_json::{Value, json};

use crate::figures::{number, peak_rss_mb};

/// Options of `cargo xtask demo array`.
#[derive(clap::Args, Clone, Debug)]
pub(crate) struct ArrayArgs {
    /// Rows and columns of the square arrays (the talk: 10000, 800 MB).
    #[arg(long, default_value_t = 10_000)]
    pub(crate) size: usize,
    /// Side of a block (2500 cuts 10000 x 10000 into 16 blocks of 50 MB);
    /// by default dask's automatic chunks, as in the talk (blocks of about
    /// 128 MiB: 4096 x 4096 for the talk's array).
    #[arg(long)]
    pub(crate) chunk: Option<usize>,
    /// Seed of the first array; A and B of the second cell use seed + 1 and
    /// seed + 2. Values depend on the seed only, not on chunks or workers.
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Executor: sequential, work-queue, pool or graph.
    #[arg(long, default_value = "graph")]
    pub(crate) executor: Strategy,
    /// Workers (default: the number of cores).
    #[arg(long)]
    pub(crate) workers: Option<usize>,
    /// Also write the figures to this JSON file: `results` (mean, std, C)
    /// are deterministic, `timings_s` are not.
    #[arg(long)]
    pub(crate) json: Option<PathBuf>,
    /// Where the drawings go: `<stem>-mean-std` (both outputs in one graph,
    /// as `dask.visualize(*[mean, std])`) and `<stem>-c` (`.dot`, and
    /// `.svg` with Graphviz); the demo passes `<its stem>-array`.
    #[arg(long, default_value = "target/demo/talk-array")]
    pub(crate) drawing: PathBuf,
}

/// Runs the array cells; returns `{"results": {...}, "timings_s": {...}}`
/// and writes it to `--json` when asked.
pub(crate) fn run(args: &ArrayArgs) -> Result<Value> {
    let workers = args.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let exec = match args.executor {
        Strategy::Sequential => Executor::sequential(),
        strategy => Executor::new(strategy, workers)?,
    }
    .progress(Progress::Hidden);
    let n = args.size;
    let chunks = chunks(args.chunk);

    println!();
    println!("## Arrays larger than memory: chunked, lazy, streamed");
    println!();
    println!("    da.random.seed({})", args.seed);
    println!("    array = da.random.normal(size=({n}, {n}){})", chunk_arg(args.chunk));
    println!("    mean, std = array.mean(), array.std()");
    println!("    dask.visualize(*[mean, std])");
    println!("    dask.compute([mean, std], num_workers=8, scheduler=\"processes\")");
    println!();
    let array = random::standard_normal(args.seed, &[n, n], chunks.clone())?;
    println!(
        "{:.0} MB in {} block(s) of at most {}; {} executor, {} workers (the talk: 8 processes; \
         threads here, as Rust has no GIL)",
        array.nbytes() as f64 / 1e6,
        array.num_blocks(),
        block_shape(&array),
        args.executor,
        exec.workers(),
    );
    let (mean, std) = (array.mean(..)?, array.std(..)?);
    draw(
        "mean and std (one graph: they share the array's blocks)",
        &[&mean, &std],
        &crate::figures::drawing_stem(&args.drawing, "mean-std"),
    )?;

    let start = Instant::now();
    let values = chunked_array::compute_scalars(&[&mean, &std], &exec)?;
    let moments_time = start.elapsed().as_secs_f64();
    let (mean_value, std_value) = (values[0], values[1]);
    println!();
    println!("mean = {mean_value:.6e}, std = {std_value:.12} (together, {:.3} ms)", moments_time * 1e3);
    let moments_peak = peak_rss_mb();
    if let Some(mb) = moments_peak {
        println!("Peak memory of this process so far: {mb:.0} MB");
    }

    println!();
    println!("    A = da.random.normal(size=({n}, {n}){c})", c = chunk_arg(args.chunk));
    println!("    B = da.random.normal(size={n}{c})", c = chunk_arg(args.chunk));
    println!("    C = A.dot(B).sum() / A.mean() * B.var()");
    println!("    C.visualize()");
    println!();
    let a = random::standard_normal(args.seed.wrapping_add(1), &[n, n], chunks.clone())?;
    let b = random::standard_normal(args.seed.wrapping_add(2), &[n], chunks)?;
    let c = ((a.dot(&b)?.sum(..)? / a.mean(..)?)? * b.var(..)?)?;
    draw("C", &[&c], &crate::figures::drawing_stem(&args.drawing, "c"))?;
    let start = Instant::now();
    let c_value = c.compute_scalar(&exec)?;
    let c_time = start.elapsed().as_secs_f64();
    println!();
    println!("C = {c_value:.12e} ({:.3} ms)", c_time * 1e3);
    let c_peak = peak_rss_mb();
    if let Some(mb) = c_peak {
        println!("Peak memory of this process so far: {mb:.0} MB");
    }

    let doc = json!({
        "results": {
            "size": n,
            "chunks": array.chunks(),
            "seed": args.seed,
            "mean": number(mean_value),
            "std": number(std_value),
            "c": number(c_value),
        },
        "timings_s": {
            "executor": args.executor.name(),
            "workers": exec.workers(),
            "mean_std": moments_time,
            "c": c_time,
            "peak_rss_mb_after_mean_std": moments_peak,
            "peak_rss_mb_after_c": c_peak,
        },
    });
    if let Some(path) = &args.json {
        crate::figures::write_json(path, &doc)?;
    }
    Ok(doc)
}

/// The array cells over MPI (`mpirun -np N xtask demo array --executor
/// mpi`): every rank builds the same arrays and plans; the work units (a
/// block of the array generated and reduced to its partial moments; for C,
/// a block of A generated and reduced to its share of `A.dot(B)` and its
/// moments, and a block of B to its moments) are spread over the ranks,
/// each rank running one unit at a time on its one thread (`executor` and
/// `workers` are not used); rank 0 merges the partials in the local plan's
/// trees, sequentially, so the figures equal the local executors' bit for
/// bit, prints them and writes `--json` in the layout of `demo --json`
/// (`results.array`: size, chunk, seed, mean, std, c; `timings_s.array`).
/// No graph is drawn.
#[cfg(feature = "mpi")]
pub(crate) fn run_mpi(args: &ArrayArgs) -> Result<()> {
    use chunked_array::Distributed;

    use anyhow::Context as _;
    let mpi = executors::mpi::Mpi::initialize().context("MPI is already initialized")?;
    let n = args.size;
    let chunks = chunks(args.chunk);
    let array = random::standard_normal(args.seed, &[n, n], chunks.clone())?;
    let (mean, std) = (array.mean(..)?, array.std(..)?);
    let a = random::standard_normal(args.seed.wrapping_add(1), &[n, n], chunks.clone())?;
    let b = random::standard_normal(args.seed.wrapping_add(2), &[n], chunks)?;
    let c = ((a.dot(&b)?.sum(..)? / a.mean(..)?)? * b.var(..)?)?;

    let start = Instant::now();
    let moments = Distributed::new(&[&mean, &std]);
    let moments_parts = mpi.map((0..moments.units()).collect(), |u| moments.partial(u));
    let moments_map_time = start.elapsed().as_secs_f64();
    // Every rank enters the second map, so that none waits for rank 0
    // forever; after a failure of the first, rank 0's first task fails at
    // once, which stops the others.
    let failed = moments_parts.is_err();
    let start = Instant::now();
    let c_work = Distributed::new(&[&c]);
    let c_parts = mpi.map((0..c_work.units()).collect(), |u| {
        if failed {
            return Err("skipped: the mean and std failed".to_owned());
        }
        c_work.partial(u).map_err(|e| e.to_string())
    });
    let c_map_time = start.elapsed().as_secs_f64();
    let (Some(moments_parts), Some(c_parts)) = (moments_parts?, c_parts?) else { return Ok(()) };

    let start = Instant::now();
    let values = moments.combine_scalars(moments_parts)?;
    let moments_time = moments_map_time + start.elapsed().as_secs_f64();
    let (mean_value, std_value) = (values[0], values[1]);
    let start = Instant::now();
    let c_value = c_work.combine_scalars(c_parts)?[0];
    let c_time = c_map_time + start.elapsed().as_secs_f64();

    println!();
    println!("## Arrays larger than memory, over MPI: {} ranks", mpi.size());
    println!();
    println!("    da.random.seed({})", args.seed);
    println!("    array = da.random.normal(size=({n}, {n}){})", chunk_arg(args.chunk));
    println!("    mean, std = dask.compute(array.mean(), array.std())");
    println!();
    println!(
        "{:.0} MB in {} block(s) of at most {}: {} work units spread over the ranks",
        array.nbytes() as f64 / 1e6,
        array.num_blocks(),
        block_shape(&array),
        moments.units(),
    );
    println!("mean = {mean_value:.6e}, std = {std_value:.12} (together, {:.3} ms)", moments_time * 1e3);
    println!();
    println!("    C = A.dot(B).sum() / A.mean() * B.var()");
    println!();
    println!("{} work units; C = {c_value:.12e} ({:.3} ms)", c_work.units(), c_time * 1e3);

    if let Some(path) = &args.json {
        let doc = json!({
            "results": { "array": {
                "size": n,
                "chunks": array.chunks(),
                "seed": args.seed,
                "mean": number(mean_value),
                "std": number(std_value),
                "c": number(c_value),
            } },
            "timings_s": { "array": {
                "executor": "mpi",
                "ranks": mpi.size(),
                "units_mean_std": moments.units(),
                "units_c": c_work.units(),
                "mean_std": moments_time,
                "c": c_time,
                "peak_rss_mb_rank0": peak_rss_mb(),
            } },
        });
        crate::figures::write_json(path, &doc)?;
    }
    Ok(())
}

#[cfg(not(feature = "mpi"))]
pub(crate) fn run_mpi(_: &ArrayArgs) -> Result<()> {
    anyhow::bail!("this xtask was built without MPI (--features mpi); see the README")
}

/// `--chunk`, or dask's automatic chunks.
fn chunks(chunk: Option<usize>) -> Chunks {
    chunk.map_or_else(Chunks::default, Chunks::Size)
}

/// How the talk's cell reads with `--chunk`: nothing without it.
fn chunk_arg(chunk: Option<usize>) -> String {
    chunk.map(|c| format!(", chunks={c}")).unwrap_or_default()
}

/// The largest block, as `rows x columns`.
fn block_shape(array: &Array) -> String {
    let sides: Vec<String> =
        array.chunks().iter().map(|axis| axis.iter().max().copied().unwrap_or(0).to_string()).collect();
    sides.join(" x ")
}

/// Draws the graph of `arrays` and says where.
fn draw(what: &str, arrays: &[&Array], stem: &Path) -> Result<()> {
    let plan = Plan::new(arrays);
    let drawing = plan.visualize(RankDir::LeftRight, stem)?;
    println!("Graph of {what} ({} tasks): {}", plan.len(), crate::figures::described(&drawing));
    Ok(())
}
