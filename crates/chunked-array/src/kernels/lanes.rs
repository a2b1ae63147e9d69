//! The sink of a reduction over any set of axes of an N-dimensional block:
//! a lane per element of the kept axes. Each tile (a rectangle of the
//! block) is reduced to per-lane sums and squared deviations in two passes,
//! then merged into the block's lanes with Chan et al.'s formula.

use std::ops::Range;

use ndarray::{ArrayD, IxDyn};

use super::{Acc, Partial, fold_extreme, nan_max, nan_min, pairwise_sq_dev, pairwise_sum};

/// The running state of a reduction over `reduced` axes of one block.
pub(crate) struct LaneSink {
    acc: Acc,
    reduced: Vec<bool>,
    /// Per block axis: the stride of its index among the lanes (0 for a
    /// reduced axis).
    strides: Vec<usize>,
    /// The elements every lane receives over the whole block.
    count: f64,
    out_shape: Vec<usize>,
    /// Per lane: elements so far, sum (or extreme), squared deviations.
    cnt: Vec<f64>,
    a: Vec<f64>,
    m2: Vec<f64>,
    /// Per-tile scratch, reused from tile to tile.
    t_strides: Vec<usize>,
    t_sum: Vec<f64>,
    t_m2: Vec<f64>,
    idx: Vec<usize>,
}

impl LaneSink {
    /// A sink for a block of `shape` reducing the axes whose bit is set in
    /// `mask`.
    pub(crate) fn new(acc: Acc, mask: u64, shape: &[usize]) -> Self {
        let reduced: Vec<bool> = (0..shape.len()).map(|d| mask >> d & 1 == 1).collect();
        let out_shape: Vec<usize> =
            shape.iter().zip(&reduced).filter(|(_, r)| !**r).map(|(&n, _)| n).collect();
        let strides = lane_strides(shape, &reduced);
        let lanes: usize = out_shape.iter().product();
        let count: usize = shape.iter().zip(&reduced).filter(|(_, r)| **r).map(|(&n, _)| n).product();
        let init = match acc {
            Acc::Sum | Acc::Moments => 0.0,
            Acc::Min => f64::INFINITY,
            Acc::Max => f64::NEG_INFINITY,
        };
        Self {
            acc,
            reduced,
            strides,
            count: count as f64,
            out_shape,
            cnt: vec![0.0; if acc == Acc::Moments { lanes } else { 0 }],
            a: vec![init; lanes],
            m2: vec![0.0; if acc == Acc::Moments { lanes } else { 0 }],
            t_strides: Vec::new(),
            t_sum: Vec::new(),
            t_m2: Vec::new(),
            idx: Vec::new(),
        }
    }

    /// Feeds a tile: `data` holds `tile` (ranges local to the block) in
    /// row-major order.
    pub(crate) fn feed(&mut self, data: &[f64], tile: &[Range<usize>]) {
        let Some(last) = tile.last() else { return };
        let w = last.len();
        if w == 0 || data.is_empty() {
            return;
        }
        let lens: Vec<usize> = tile.iter().map(|r| r.len()).collect();
        match self.acc {
            Acc::Min | Acc::Max => {
                let f = if self.acc == Acc::Min { nan_min } else { nan_max };
                let step = self.strides[tile.len() - 1];
                let (strides, a) = (&self.strides, &mut self.a);
                for_rows(data, tile, &mut self.idx, |row, idx| {
                    let base = lane_of(strides, tile, idx);
                    if step == 0 {
                        a[base] = fold_extreme(row, a[base], f);
                    } else {
                        for (m, &x) in a[base..base + w].iter_mut().zip(row) {
                            *m = f(*m, x);
                        }
                    }
                });
            }
            Acc::Sum | Acc::Moments => {
                let origin0: Vec<Range<usize>> = lens.iter().map(|&n| 0..n).collect();
                self.t_strides = lane_strides(&lens, &self.reduced);
                let tile_lanes: usize =
                    lens.iter().zip(&self.reduced).filter(|(_, r)| !**r).map(|(&n, _)| n).product();
                let n2: usize =
                    lens.iter().zip(&self.reduced).filter(|(_, r)| **r).map(|(&n, _)| n).product();
                let n2 = n2 as f64;
                self.t_sum.clear();
                self.t_sum.resize(tile_lanes, 0.0);
                let step = self.t_strides[tile.len() - 1];
                let (ts, t_sum) = (&self.t_strides, &mut self.t_sum);
                for_rows(data, &origin0, &mut self.idx, |row, idx| {
                    let base = lane_of(ts, &origin0, idx);
                    if step == 0 {
                        t_sum[base] += pairwise_sum(row);
                    } else {
                        for (s, &x) in t_sum[base..base + w].iter_mut().zip(row) {
                            *s += x;
                        }
                    }
                });
                if self.acc == Acc::Moments {
                    self.t_m2.clear();
                    self.t_m2.resize(tile_lanes, 0.0);
                    let (t_sum, t_m2) = (&self.t_sum, &mut self.t_m2);
                    let inv = 1.0 / n2;
                    for_rows(data, &origin0, &mut self.idx, |row, idx| {
                        let base = lane_of(ts, &origin0, idx);
                        if step == 0 {
                            t_m2[base] += pairwise_sq_dev(row, t_sum[base] / n2);
                        } else {
                            for ((q, &s), &x) in
                                t_m2[base..base + w].iter_mut().zip(&t_sum[base..base + w]).zip(row)
                            {
                                let d = x - s * inv;
                                *q += d * d;
                            }
                        }
                    });
                }
                self.merge_tile(tile, &lens, n2);
            }
        }
    }

    /// Merges the tile's lanes into the block's.
    fn merge_tile(&mut self, tile: &[Range<usize>], lens: &[usize], n2: f64) {
        // The tile's kept axes, odometer over them, tile lanes in order.
        let kept: Vec<usize> = (0..tile.len()).filter(|&d| !self.reduced[d]).collect();
        let mut idx: Vec<usize> = vec![0; kept.len()];
        // Lanes of one tile have usually seen the same earlier tiles: the
        // weights of the merge are then computed once, not per lane.
        let inv_n2 = 1.0 / n2;
        let (mut n1_of, mut inv_n1, mut w12) = (f64::NAN, 0.0, 0.0);
        for tl in 0..self.t_sum.len() {
            let bl: usize = kept.iter().zip(&idx).map(|(&d, &i)| (tile[d].start + i) * self.strides[d]).sum();
            let s2 = self.t_sum[tl];
            if self.acc == Acc::Sum {
                self.a[bl] += s2;
            } else {
                let q2 = self.t_m2[tl];
                let n1 = self.cnt[bl];
                if n1 == 0.0 {
                    self.a[bl] = s2;
                    self.m2[bl] = q2;
                } else {
                    if n1 != n1_of {
                        n1_of = n1;
                        inv_n1 = 1.0 / n1;
                        w12 = n1 * n2 / (n1 + n2);
                    }
                    let delta = s2 * inv_n2 - self.a[bl] * inv_n1;
                    self.m2[bl] += q2 + delta * delta * w12;
                    self.a[bl] += s2;
                }
                self.cnt[bl] = n1 + n2;
            }
            for k in (0..kept.len()).rev() {
                idx[k] += 1;
                if idx[k] < lens[kept[k]] {
                    break;
                }
                idx[k] = 0;
            }
        }
    }

    /// The block's partial.
    pub(crate) fn finish(self) -> Partial {
        let shape = IxDyn(&self.out_shape);
        let array = |v: Vec<f64>| {
            ArrayD::from_shape_vec(shape.clone(), v).unwrap_or_else(|_| ArrayD::zeros(shape.clone()))
        };
        match self.acc {
            Acc::Sum => Partial::Sum(array(self.a)),
            Acc::Min => Partial::Min(array(self.a)),
            Acc::Max => Partial::Max(array(self.a)),
            Acc::Moments => Partial::Moments { count: self.count, sum: array(self.a), m2: array(self.m2) },
        }
    }
}

/// Row-major strides of the kept axes of `shape` (0 for reduced ones).
fn lane_strides(shape: &[usize], reduced: &[bool]) -> Vec<usize> {
    let mut strides = vec![0; shape.len()];
    let mut s = 1;
    for d in (0..shape.len()).rev() {
        if !reduced[d] {
            strides[d] = s;
            s *= shape[d];
        }
    }
    strides
}

/// The lane of the first element of the row at leading index `idx` of `tile`.
#[inline]
fn lane_of(strides: &[usize], tile: &[Range<usize>], idx: &[usize]) -> usize {
    let last = tile.len() - 1;
    idx.iter().zip(&tile[..last]).zip(strides).map(|((&i, r), s)| (r.start + i) * s).sum::<usize>()
        + tile[last].start * strides[last]
}

/// Calls `f(row, idx)` for every row (run along the last axis) of `data`,
/// the values of `tile` in row-major order; `idx` is the row's index along
/// the leading axes, relative to the tile's start.
fn for_rows(data: &[f64], tile: &[Range<usize>], idx: &mut Vec<usize>, mut f: impl FnMut(&[f64], &[usize])) {
    let lead = &tile[..tile.len() - 1];
    idx.clear();
    idx.resize(lead.len(), 0);
    let w = tile[tile.len() - 1].len();
    for row in data.chunks_exact(w) {
        f(row, idx);
        for d in (0..lead.len()).rev() {
            idx[d] += 1;
            if idx[d] < lead[d].len() {
                break;
            }
            idx[d] = 0;
        }
    }
}
