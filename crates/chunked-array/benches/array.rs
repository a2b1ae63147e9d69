//! Criterion benchmarks of the talk's array cells: the mean and standard
//! deviation of normal(N x N) computed together, and
//! `C = A.dot(B).sum() / A.mean() * B.var()` with A of N x N and B of N,
//! blocks of 2500, on the graph strategy with 2 workers. N is 10000 (the
//! talk's size) unless `CHUNKED_ARRAY_N` says otherwise. The dask peer runs
//! with `python3 benches/dask_peer.py`.

// criterion_group! and criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use chunked_array::{compute_scalars, random};
use criterion::{Criterion, criterion_group, criterion_main};
use executors::{Executor, Progress, Strategy};

fn size() -> usize {
    std::env::var("CHUNKED_ARRAY_N").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000)
}

fn cells(c: &mut Criterion) {
    let n = size();
    let chunk = 2500.min(n.max(1));
    let exec = Executor::new(Strategy::Graph, 2).expect("2 workers").progress(Progress::Hidden);
    let mut group = c.benchmark_group("array");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function(format!("mean_std_normal_{n}x{n}"), |bench| {
        bench.iter(|| {
            let x = random::standard_normal(0, &[n, n], chunk).expect("valid shape");
            black_box(
                compute_scalars(&[&x.mean(..).expect("reduces"), &x.std(..).expect("reduces")], &exec)
                    .expect("computes"),
            )
        })
    });
    group.bench_function(format!("talk_c_{n}x{n}"), |bench| {
        bench.iter(|| {
            let a = random::standard_normal(1, &[n, n], chunk).expect("valid shape");
            let b = random::standard_normal(2, &[n], chunk).expect("valid shape");
            let (sum, mean) =
                (a.dot(&b).expect("aligned").sum(..).expect("reduces"), a.mean(..).expect("reduces"));
            let c = ((sum / mean).expect("scalars") * b.var(..).expect("reduces")).expect("scalars");
            black_box(c.compute_scalar(&exec).expect("computes"))
        })
    });
    group.finish();
}

criterion_group!(benches, cells);
criterion_main!(benches);
