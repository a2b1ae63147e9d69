//! Unit tests of the kernels against plain two-pass computations.

use super::*;

fn naive_moments(x: &[f64]) -> (f64, f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (n, x.iter().sum(), x.iter().map(|v| (v - mean) * (v - mean)).sum())
}

fn data(n: usize) -> Vec<f64> {
    (0..n).map(|i| ((i * 7919) % 1000) as f64 / 10.0 + 1e6).collect()
}

#[test]
fn pairwise_sum_is_exact_on_integers_and_accurate_on_floats() {
    let ints: Vec<f64> = (1..=10_000).map(f64::from).collect();
    assert_eq!(pairwise_sum(&ints), 50_005_000.0);
    assert_eq!(pairwise_sum(&[]), 0.0);
    let tenths = vec![0.1; 1_000_000];
    assert!((pairwise_sum(&tenths) - 100_000.0).abs() < 1e-9);
    assert_eq!(pairwise_dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
}

#[test]
fn all_moments_match_two_pass_whatever_the_tiles() {
    let x = data(1000);
    let (n, s, q) = naive_moments(&x);
    for tile in [1, 7, 128, 1000] {
        let mut sink = SinkState::new(SinkKind::All(Acc::Moments), &[1000], Vec::new());
        for (k, t) in x.chunks(tile).enumerate() {
            sink.feed(t, 1, t.len(), k * tile);
        }
        let Partial::Moments { count, sum, m2 } = sink.finish() else { panic!("moments") };
        assert_eq!(count, n);
        assert!((sum[[]] - s).abs() <= 1e-12 * s.abs());
        assert!((m2[[]] - q).abs() <= 1e-10 * q, "tile {tile}: {} vs {q}", m2[[]]);
    }
}

#[test]
fn chan_merge_equals_one_pass() {
    let x = data(300);
    let part = |xs: &[f64]| {
        let (n, s, q) = naive_moments(xs);
        Partial::Moments {
            count: n,
            sum: ArrayD::from_elem(IxDyn(&[]), s),
            m2: ArrayD::from_elem(IxDyn(&[]), q),
        }
    };
    let empty = Partial::Moments {
        count: 0.0,
        sum: ArrayD::from_elem(IxDyn(&[]), 0.0),
        m2: ArrayD::from_elem(IxDyn(&[]), 0.0),
    };
    let merged =
        Partial::merge(&[&empty, &part(&x[..10]), &part(&x[10..200]), &empty, &part(&x[200..])]).unwrap();
    let (n, s, q) = naive_moments(&x);
    let mean = merged.finish(Stat::Mean).unwrap()[[]];
    let var = merged.finish(Stat::Var(1)).unwrap()[[]];
    assert!((mean - s / n).abs() <= 1e-12 * mean.abs());
    assert!((var - q / (n - 1.0)).abs() <= 1e-10 * var);
}

#[test]
fn column_and_row_sinks_match_direct_sums() {
    // A 5 x 3 block fed in strips of 2 rows.
    let block: Vec<f64> = (0..15).map(|i| (i as f64).sin() * 10.0).collect();
    let mut cols = SinkState::new(SinkKind::Columns(Acc::Moments), &[5, 3], Vec::new());
    let mut rows = SinkState::new(SinkKind::Rows(Acc::Max), &[5, 3], Vec::new());
    let mut matvec = SinkState::new(SinkKind::MatVec, &[5, 3], vec![1.0, 2.0, 3.0]);
    for (k, strip) in block.chunks(6).enumerate() {
        let h = strip.len() / 3;
        for s in [&mut cols, &mut rows, &mut matvec] {
            s.feed(strip, h, 3, 2 * k);
        }
    }
    let Partial::Moments { count, sum, m2 } = cols.finish() else { panic!("moments") };
    assert_eq!(count, 5.0);
    for j in 0..3 {
        let column: Vec<f64> = (0..5).map(|i| block[i * 3 + j]).collect();
        let (_, s, q) = naive_moments(&column);
        assert!((sum[[j]] - s).abs() < 1e-12);
        assert!((m2[[j]] - q).abs() < 1e-12);
    }
    let Partial::Max(max) = rows.finish() else { panic!("max") };
    let Partial::Sum(prod) = matvec.finish() else { panic!("sum") };
    for i in 0..5 {
        let row = &block[i * 3..i * 3 + 3];
        assert_eq!(max[[i]], row.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        assert!((prod[[i]] - (row[0] + 2.0 * row[1] + 3.0 * row[2])).abs() < 1e-12);
    }
}

#[test]
fn extrema_propagate_nan() {
    assert!(nan_min(1.0, f64::NAN).is_nan());
    assert!(nan_min(f64::NAN, 1.0).is_nan());
    assert!(nan_max(f64::NAN, 1.0).is_nan());
    assert_eq!(nan_max(1.0, 2.0), 2.0);
    let mut s = SinkState::new(SinkKind::All(Acc::Min), &[3], Vec::new());
    s.feed(&[1.0, f64::NAN, -1.0], 1, 3, 0);
    let Partial::Min(m) = s.finish() else { panic!("min") };
    assert!(m[[]].is_nan());
}

#[test]
fn pairwise_dot_of_long_vectors_adds_both_halves() {
    // Past 128 elements the dot product is split in halves: exact on
    // small integers, as a plain loop is.
    for n in [129, 1000, 4099] {
        let a: Vec<f64> = (0..n).map(|i| (i % 17) as f64).collect();
        let b: Vec<f64> = (0..n).map(|i| (i % 5) as f64 - 2.0).collect();
        let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert_eq!(pairwise_dot(&a, &b), plain, "n = {n}");
    }
}

#[test]
fn a_sum_fed_tile_by_tile_keeps_what_rounding_drops() {
    // 1e16 + 1 rounds to 1e16 (floats there are 2 apart); Neumaier's
    // compensation keeps the 1 whichever of the two is the larger so far,
    // so the sum of the three tiles is 1, where plain addition gives 0.
    for tiles in [[1e16, 1.0, -1e16], [1.0, 1e16, -1e16]] {
        let mut sink = SinkState::new(SinkKind::All(Acc::Sum), &[3], Vec::new());
        for (k, t) in tiles.iter().enumerate() {
            sink.feed(&[*t], 1, 1, k);
        }
        let Partial::Sum(s) = sink.finish() else { panic!("sum") };
        assert_eq!(s[[]], 1.0, "tiles {tiles:?}");
    }
}

#[test]
fn a_vector_dot_fed_in_segments_pairs_each_segment_with_its_own_part_of_the_other() {
    // A vector block of 10 against its segment of the other vector, fed in
    // tiles of 4, 4 and 2 elements starting at elements 0, 4 and 8.
    let x: Vec<f64> = (1..=10).map(f64::from).collect();
    let y: Vec<f64> = (0..10).map(|i| f64::from(i * i % 7) - 3.0).collect();
    let mut sink = SinkState::new(SinkKind::Inner, &[10], y.clone());
    for at in [0, 4, 8] {
        let tile = &x[at..(at + 4).min(10)];
        sink.feed(tile, 1, tile.len(), at);
    }
    let Partial::Sum(dot) = sink.finish() else { panic!("sum") };
    let plain: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
    assert_eq!(dot[[]], plain);
}

/// The values of a 3 x 4 x 5 block, and a tile of it as row-major data.
fn block_values() -> Vec<f64> {
    (0..60).map(|i| f64::from(i * 7 % 11) - 4.5 + f64::from(i) * 0.01).collect()
}

fn tile_data(values: &[f64], tile: &[std::ops::Range<usize>]) -> Vec<f64> {
    let mut out = Vec::new();
    for i in tile[0].clone() {
        for j in tile[1].clone() {
            for k in tile[2].clone() {
                out.push(values[(i * 4 + j) * 5 + k]);
            }
        }
    }
    out
}

#[test]
fn an_axes_sink_gives_one_partial_however_the_block_is_tiled() {
    let v = block_values();
    let whole = vec![vec![0..3, 0..4, 0..5]];
    let slabs: Vec<_> = (0..3).map(|i| vec![i..i + 1, 0..4, 0..5]).collect();
    let pieces: Vec<_> =
        (0..3).flat_map(|i| [vec![i..i + 1, 0..3, 0..5], vec![i..i + 1, 3..4, 0..5]]).collect();
    for mask in 0u64..8 {
        for acc in [Acc::Sum, Acc::Moments, Acc::Min, Acc::Max] {
            let run = |tiles: &[Vec<std::ops::Range<usize>>]| {
                let mut s = SinkState::new(SinkKind::Axes(acc, mask), &[3, 4, 5], Vec::new());
                assert!(s.wants_region());
                for t in tiles {
                    s.feed_region(&tile_data(&v, t), t);
                }
                s.finish()
            };
            let (a, b, c) = (run(&whole), run(&slabs), run(&pieces));
            let values = |p: &Partial| -> Vec<f64> {
                match p {
                    Partial::Sum(x) | Partial::Min(x) | Partial::Max(x) => x.iter().copied().collect(),
                    Partial::Moments { count, sum, m2 } => {
                        std::iter::once(*count).chain(sum.iter().copied()).chain(m2.iter().copied()).collect()
                    }
                }
            };
            for other in [&b, &c] {
                for (x, y) in values(&a).iter().zip(values(other)) {
                    assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "mask {mask} {acc:?}: {x} vs {y}");
                }
            }
        }
    }
}

/// `n` values `base + k / 2^shift`, `k` of 9 pseudo-random bits (an LCG),
/// exact as floats; with the exact sum of squared deviations, which is
/// that of the `k`s (the base cancels), from integer arithmetic.
fn far_from_zero(n: usize, base: f64, shift: i32, seed: u64) -> (Vec<f64>, f64) {
    let mut s = seed;
    let ks: Vec<i128> = (0..n)
        .map(|_| {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            i128::from(s >> 55)
        })
        .collect();
    let scale = 2f64.powi(-shift);
    let x: Vec<f64> = ks.iter().map(|&k| base + k as f64 * scale).collect();
    for (&v, &k) in x.iter().zip(&ks) {
        assert_eq!((v - base) / scale, k as f64, "the data are exact");
    }
    let n = n as i128;
    let (sum, squares) = (ks.iter().sum::<i128>(), ks.iter().map(|k| k * k).sum::<i128>());
    // Σ(k - mean)² = (n Σk² - (Σk)²) / n, then the scale squared.
    let m2 = (n * squares - sum * sum) as f64 / n as f64 * scale * scale;
    (x, m2)
}

#[test]
fn moments_fed_element_by_element_far_from_zero_meet_the_pairwise_error_bound() {
    // Chan, Golub and LeVeque bound the relative error of the sum of
    // squared deviations of pairwise updating by about log2(n) κ u, with
    // κ = sqrt(1 + mean² / variance) the condition number and u = 2^-53.
    // Data at 1e13 with a spread of 1 (κ about 3.5e13) fed one element a
    // tile: the running sum drops bits every few elements, and the merges
    // must read the compensated sum to stay within the bound.
    let u = f64::EPSILON / 2.0;
    for (base, shift) in [(1e13, 9), (1e12, 12), (1e11, 16)] {
        for seed in 1..4 {
            let n = 4096;
            let (x, exact) = far_from_zero(n, base, shift, seed);
            let kappa = (1.0 + base * base / (exact / n as f64)).sqrt();
            let bound = (n as f64).log2() * kappa * u;
            let mut all = SinkState::new(SinkKind::All(Acc::Moments), &[n], Vec::new());
            // Two columns, the data and the data reversed, fed a row a tile.
            let mut columns = SinkState::new(SinkKind::Columns(Acc::Moments), &[n, 2], Vec::new());
            for (i, &v) in x.iter().enumerate() {
                all.feed(&[v], 1, 1, i);
                columns.feed(&[v, x[n - 1 - i]], 1, 2, i);
            }
            let Partial::Moments { m2, .. } = all.finish() else { panic!("moments") };
            let Partial::Moments { m2: m2s, .. } = columns.finish() else { panic!("moments") };
            for got in [m2[[]], m2s[[0]], m2s[[1]]] {
                let err = (got - exact).abs() / exact;
                assert!(err <= bound, "base {base}, seed {seed}: {got} vs {exact}, error {err} > {bound}");
            }
        }
    }
}

#[test]
fn an_axes_sink_gives_each_lane_the_statistics_of_its_own_elements() {
    // Every lane (an index along the kept axes, row-major) against its
    // elements gathered by hand: sum, count, squared deviations from their
    // mean, minimum and maximum, the block fed in uneven pieces.
    let v = block_values();
    let shape = [3, 4, 5];
    let pieces: Vec<_> = (0..3)
        .flat_map(|i| [vec![i..i + 1, 0..3, 0..2], vec![i..i + 1, 0..3, 2..5], vec![i..i + 1, 3..4, 0..5]])
        .collect();
    for mask in 0u64..8 {
        let kept: Vec<usize> = (0..3).filter(|d| mask >> d & 1 == 0).collect();
        let lanes: usize = kept.iter().map(|&d| shape[d]).product();
        let mut by_lane: Vec<Vec<f64>> = vec![Vec::new(); lanes];
        for i in 0..3 {
            for j in 0..4 {
                for k in 0..5 {
                    let at = [i, j, k];
                    let lane = kept.iter().fold(0, |l, &d| l * shape[d] + at[d]);
                    by_lane[lane].push(v[(i * 4 + j) * 5 + k]);
                }
            }
        }
        for acc in [Acc::Sum, Acc::Moments, Acc::Min, Acc::Max] {
            let mut s = SinkState::new(SinkKind::Axes(acc, mask), &shape, Vec::new());
            for t in &pieces {
                s.feed_region(&tile_data(&v, t), t);
            }
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * y.abs().max(1.0);
            match s.finish() {
                Partial::Sum(x) => {
                    for (l, xs) in by_lane.iter().enumerate() {
                        assert!(close(x.as_slice().unwrap()[l], xs.iter().sum()), "mask {mask} lane {l}");
                    }
                }
                Partial::Moments { count, sum, m2 } => {
                    for (l, xs) in by_lane.iter().enumerate() {
                        let (n, s, q) = naive_moments(xs);
                        assert_eq!(count, n, "mask {mask}");
                        assert!(close(sum.as_slice().unwrap()[l], s), "mask {mask} lane {l}");
                        assert!(close(m2.as_slice().unwrap()[l], q), "mask {mask} lane {l}");
                    }
                }
                Partial::Min(x) => {
                    for (l, xs) in by_lane.iter().enumerate() {
                        assert_eq!(
                            x.as_slice().unwrap()[l],
                            xs.iter().copied().fold(f64::INFINITY, f64::min)
                        );
                    }
                }
                Partial::Max(x) => {
                    for (l, xs) in by_lane.iter().enumerate() {
                        assert_eq!(
                            x.as_slice().unwrap()[l],
                            xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                        );
                    }
                }
            }
        }
    }
}
