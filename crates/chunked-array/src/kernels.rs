//! Numerical kernels: pairwise sums (numpy's scheme), partial moments merged
//! with Chan et al.'s formula, and the accumulators ("sinks") a block task
//! feeds tile by tile: reductions over the block or along one of its axes,
//! and the block's share of a matrix-vector or vector product.

use std::ops::Range;

use ndarray::{ArrayD, IxDyn};

use crate::array::Stat;

mod lanes;

use lanes::LaneSink;

/// Below this many elements a sum is eight running accumulators; above, the
/// halves are summed separately (numpy's pairwise summation).
const PAIRWISE_BLOCK: usize = 128;

/// The sum of `x`, pairwise: error grows with `log n`, not `n`.
pub(crate) fn pairwise_sum(x: &[f64]) -> f64 {
    if x.len() <= PAIRWISE_BLOCK {
        let mut acc = [0.0; 8];
        let mut chunks = x.chunks_exact(8);
        for c in &mut chunks {
            for k in 0..8 {
                acc[k] += c[k];
            }
        }
        let mut tail = 0.0;
        for &v in chunks.remainder() {
            tail += v;
        }
        ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
    } else {
        let mid = (x.len() / 2) & !7;
        pairwise_sum(&x[..mid]) + pairwise_sum(&x[mid..])
    }
}

/// `sum((x - mean)^2)`, pairwise.
pub(crate) fn pairwise_sq_dev(x: &[f64], mean: f64) -> f64 {
    if x.len() <= PAIRWISE_BLOCK {
        let mut acc = [0.0; 8];
        let mut chunks = x.chunks_exact(8);
        for c in &mut chunks {
            for k in 0..8 {
                let d = c[k] - mean;
                acc[k] += d * d;
            }
        }
        let mut tail = 0.0;
        for &v in chunks.remainder() {
            tail += (v - mean) * (v - mean);
        }
        ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
    } else {
        let mid = (x.len() / 2) & !7;
        pairwise_sq_dev(&x[..mid], mean) + pairwise_sq_dev(&x[mid..], mean)
    }
}

/// `sum(a * b)`, pairwise; `a` and `b` have equal lengths.
pub(crate) fn pairwise_dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    if n <= PAIRWISE_BLOCK {
        let mut acc = [0.0; 8];
        let mut ca = a.chunks_exact(8);
        let mut cb = b.chunks_exact(8);
        for (x, y) in (&mut ca).zip(&mut cb) {
            for k in 0..8 {
                acc[k] += x[k] * y[k];
            }
        }
        let mut tail = 0.0;
        for (&x, &y) in ca.remainder().iter().zip(cb.remainder()) {
            tail += x * y;
        }
        ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
    } else {
        let mid = (n / 2) & !7;
        pairwise_dot(&a[..mid], &b[..mid]) + pairwise_dot(&a[mid..], &b[mid..])
    }
}

/// Folds `x` into `init` with a NaN-propagating `min` or `max`, eight
/// lanes at a time (a single running value would serialize on the compare).
#[inline]
pub(crate) fn fold_extreme(x: &[f64], init: f64, f: impl Fn(f64, f64) -> f64 + Copy) -> f64 {
    let mut acc = [init; 8];
    let mut chunks = x.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            acc[k] = f(acc[k], c[k]);
        }
    }
    let mut m = chunks.remainder().iter().fold(init, |m, &v| f(m, v));
    for a in acc {
        m = f(m, a);
    }
    m
}

/// Adds `x` to a running sum with Neumaier's compensation.
#[inline]
fn neumaier(sum: &mut f64, comp: &mut f64, x: f64) {
    let t = *sum + x;
    if sum.abs() >= x.abs() {
        *comp += (*sum - t) + x;
    } else {
        *comp += (x - t) + *sum;
    }
    *sum = t;
}

/// `min` that propagates NaN (numpy's `minimum`).
#[inline(always)]
pub(crate) fn nan_min(m: f64, x: f64) -> f64 {
    if x < m || x.is_nan() { x } else { m }
}

/// `max` that propagates NaN (numpy's `maximum`).
#[inline(always)]
pub(crate) fn nan_max(m: f64, x: f64) -> f64 {
    if x > m || x.is_nan() { x } else { m }
}

/// What a reduction accumulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Acc {
    /// A sum (also the partial products of `dot`).
    Sum,
    /// Count, sum and sum of squared deviations: mean, var and std.
    Moments,
    /// The minimum.
    Min,
    /// The maximum.
    Max,
}

impl Acc {
    pub(crate) fn of(stat: Stat) -> Self {
        match stat {
            Stat::Sum => Self::Sum,
            Stat::Mean | Stat::Var(_) | Stat::Std(_) => Self::Moments,
            Stat::Min => Self::Min,
            Stat::Max => Self::Max,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Moments => "moments",
            Self::Min => "min",
            Self::Max => "max",
        }
    }
}

/// A block's contribution to a reduction or product, with the shape of the
/// output block it goes into (0-dimensional for a full reduction). It
/// serializes with serde (for work units run elsewhere).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) enum Partial {
    /// Sums (or partial products).
    Sum(ArrayD<f64>),
    /// Moments: how many elements (the same for every lane), their sums and
    /// their sums of squared deviations from their mean.
    Moments { count: f64, sum: ArrayD<f64>, m2: ArrayD<f64> },
    /// Minima.
    Min(ArrayD<f64>),
    /// Maxima.
    Max(ArrayD<f64>),
}

impl Partial {
    /// Merges partials of the same kind and shape, in order: sums add,
    /// moments merge with Chan et al.'s formula, extrema take the extreme.
    pub(crate) fn merge(parts: &[&Partial]) -> Result<Partial, String> {
        let (first, rest) = parts.split_first().ok_or("nothing to merge")?;
        let mut out = (*first).clone();
        for p in rest {
            match (&mut out, p) {
                (Partial::Sum(a), Partial::Sum(b)) => zip_into(a, b, |x, y| x + y)?,
                (Partial::Min(a), Partial::Min(b)) => zip_into(a, b, nan_min)?,
                (Partial::Max(a), Partial::Max(b)) => zip_into(a, b, nan_max)?,
                (
                    Partial::Moments { count: na, sum: sa, m2: qa },
                    Partial::Moments { count: nb, sum: sb, m2: qb },
                ) => {
                    if sa.shape() != sb.shape() {
                        return Err(format!("partials of shapes {:?} and {:?}", sa.shape(), sb.shape()));
                    }
                    if *nb == 0.0 {
                        continue;
                    }
                    if *na == 0.0 {
                        *na = *nb;
                        sa.assign(sb);
                        qa.assign(qb);
                        continue;
                    }
                    let (n1, n2) = (*na, *nb);
                    let n = n1 + n2;
                    let w = n1 * n2 / n;
                    ndarray::Zip::from(&mut *sa).and(&mut *qa).and(sb).and(qb).for_each(
                        |s1, q1, &s2, &q2| {
                            let delta = s2 / n2 - *s1 / n1;
                            *q1 += q2 + delta * delta * w;
                            *s1 += s2;
                        },
                    );
                    *na = n;
                }
                _ => return Err("partials of different kinds".into()),
            }
        }
        Ok(out)
    }

    /// The statistic's value from the merged partial.
    pub(crate) fn finish(&self, stat: Stat) -> Result<ArrayD<f64>, String> {
        Ok(match (self, stat) {
            (Partial::Sum(a), Stat::Sum) => a.clone(),
            (Partial::Min(a), Stat::Min) => a.clone(),
            (Partial::Max(a), Stat::Max) => a.clone(),
            (Partial::Moments { count, sum, .. }, Stat::Mean) => sum.mapv(|s| s / count),
            (Partial::Moments { count, m2, .. }, Stat::Var(ddof)) => {
                let d = (count - ddof as f64).max(0.0);
                m2.mapv(|q| q / d)
            }
            (Partial::Moments { count, m2, .. }, Stat::Std(ddof)) => {
                let d = (count - ddof as f64).max(0.0);
                m2.mapv(|q| (q / d).sqrt())
            }
            _ => return Err(format!("cannot finish {stat:?} from this partial")),
        })
    }
}

fn zip_into(a: &mut ArrayD<f64>, b: &ArrayD<f64>, f: impl Fn(f64, f64) -> f64) -> Result<(), String> {
    if a.shape() != b.shape() {
        return Err(format!("partials of shapes {:?} and {:?}", a.shape(), b.shape()));
    }
    ndarray::Zip::from(a).and(b).for_each(|x, &y| *x = f(*x, y));
    Ok(())
}

/// How a block task reduces its block (see [`SinkState`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SinkKind {
    /// Every element into one lane.
    All(Acc),
    /// A matrix block along axis 0: a lane per column.
    Columns(Acc),
    /// A matrix block along axis 1: a lane per row.
    Rows(Acc),
    /// A matrix block times a vector segment: a lane per row.
    MatVec,
    /// A vector segment times a matrix block: a lane per column.
    VecMat,
    /// A vector block dot a vector segment: one lane.
    Inner,
    /// Any block along the axes whose bits are set: a lane per element of
    /// the other axes (see `lanes.rs`).
    Axes(Acc, u64),
}

impl SinkKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::All(a) | Self::Columns(a) | Self::Rows(a) | Self::Axes(a, _) => a.name(),
            Self::MatVec | Self::VecMat | Self::Inner => "dot",
        }
    }

    fn acc(self) -> Acc {
        match self {
            Self::All(a) | Self::Columns(a) | Self::Rows(a) | Self::Axes(a, _) => a,
            Self::MatVec | Self::VecMat | Self::Inner => Acc::Sum,
        }
    }
}

/// The running state of one sink in one block task. Tiles are row strips of
/// the block (segments of a vector block), fed in order.
pub(crate) struct SinkState {
    kind: SinkKind,
    acc: Acc,
    count: f64,
    /// Sums, minima or maxima per lane.
    a: Vec<f64>,
    /// Neumaier compensation of the sums.
    comp: Vec<f64>,
    /// Sums of squared deviations per lane.
    m2: Vec<f64>,
    /// Per-tile scratch, per lane.
    tile_sum: Vec<f64>,
    tile_m2: Vec<f64>,
    /// The other operand of a product.
    other: Vec<f64>,
    /// The output shape: `[]` or `[lanes]`.
    out_shape: Vec<usize>,
    /// The state of a reduction over any axes.
    lanes: Option<LaneSink>,
}

impl SinkState {
    /// A sink for a block of `shape`; `other` is the vector segment of a
    /// product (its length is the block's contracted axis).
    pub(crate) fn new(kind: SinkKind, shape: &[usize], other: Vec<f64>) -> Self {
        let rows = shape.first().copied().unwrap_or(1);
        let cols = shape.get(1).copied().unwrap_or(1);
        let (lanes, out_shape) = match kind {
            SinkKind::All(_) | SinkKind::Inner | SinkKind::Axes(..) => (1, vec![]),
            SinkKind::Columns(_) | SinkKind::VecMat => (cols, vec![cols]),
            SinkKind::Rows(_) | SinkKind::MatVec => (rows, vec![rows]),
        };
        let acc = kind.acc();
        let init = match acc {
            Acc::Sum | Acc::Moments => 0.0,
            Acc::Min => f64::INFINITY,
            Acc::Max => f64::NEG_INFINITY,
        };
        let count = if matches!(kind, SinkKind::Rows(_)) { cols as f64 } else { 0.0 };
        let scratch = if matches!(kind, SinkKind::Columns(_)) { lanes } else { 0 };
        Self {
            kind,
            acc,
            count,
            a: vec![init; lanes],
            comp: vec![0.0; if acc == Acc::Moments || acc == Acc::Sum { lanes } else { 0 }],
            m2: vec![0.0; if acc == Acc::Moments { lanes } else { 0 }],
            tile_sum: vec![0.0; scratch],
            tile_m2: vec![0.0; scratch],
            other,
            out_shape,
            lanes: match kind {
                SinkKind::Axes(acc, mask) => Some(LaneSink::new(acc, mask, shape)),
                _ => None,
            },
        }
    }

    /// Whether tiles are fed with their region ([`SinkState::feed_region`]).
    pub(crate) fn wants_region(&self) -> bool {
        self.lanes.is_some()
    }

    /// Feeds a tile given by its ranges within the block (any number of
    /// dimensions): `data` in row-major order.
    pub(crate) fn feed_region(&mut self, data: &[f64], tile: &[Range<usize>]) {
        match &mut self.lanes {
            Some(l) => l.feed(data, tile),
            None => self.feed_all(self.acc, data),
        }
    }

    /// Feeds a tile: `data` in row-major order, `h` rows of `w` columns
    /// starting at row `at` of the block; a vector's tile is one row of `w`
    /// elements starting at element `at`.
    pub(crate) fn feed(&mut self, data: &[f64], h: usize, w: usize, at: usize) {
        match self.kind {
            SinkKind::All(acc) => self.feed_all(acc, data),
            SinkKind::Columns(acc) => self.feed_columns(acc, data, h, w),
            SinkKind::Rows(acc) => {
                for (r, row) in data.chunks_exact(w.max(1)).take(h).enumerate() {
                    let lane = at + r;
                    match acc {
                        Acc::Sum => self.a[lane] = pairwise_sum(row),
                        Acc::Moments => {
                            let s = pairwise_sum(row);
                            self.a[lane] = s;
                            self.m2[lane] =
                                if row.is_empty() { 0.0 } else { pairwise_sq_dev(row, s / w as f64) };
                        }
                        Acc::Min => self.a[lane] = fold_extreme(row, f64::INFINITY, nan_min),
                        Acc::Max => self.a[lane] = fold_extreme(row, f64::NEG_INFINITY, nan_max),
                    }
                }
            }
            SinkKind::MatVec => {
                for (r, row) in data.chunks_exact(w.max(1)).take(h).enumerate() {
                    self.a[at + r] = pairwise_dot(row, &self.other);
                }
            }
            SinkKind::VecMat => {
                for (r, row) in data.chunks_exact(w.max(1)).take(h).enumerate() {
                    let v = self.other[at + r];
                    for (o, &x) in self.a.iter_mut().zip(row) {
                        *o += v * x;
                    }
                }
            }
            // Fed through `feed_region` (see `wants_region`), which knows
            // the tile's place in the block.
            SinkKind::Axes(..) => debug_assert!(false, "an axes sink is fed by region"),
            SinkKind::Inner => {
                let d = pairwise_dot(data, &self.other[at..at + data.len()]);
                neumaier(&mut self.a[0], &mut self.comp[0], d);
            }
        }
    }

    fn feed_all(&mut self, acc: Acc, data: &[f64]) {
        if data.is_empty() {
            return;
        }
        match acc {
            Acc::Sum => {
                let s = pairwise_sum(data);
                neumaier(&mut self.a[0], &mut self.comp[0], s);
            }
            Acc::Moments => {
                let n2 = data.len() as f64;
                let s2 = pairwise_sum(data);
                let q2 = pairwise_sq_dev(data, s2 / n2);
                let n1 = self.count;
                if n1 == 0.0 {
                    self.a[0] = s2;
                    self.m2[0] = q2;
                } else {
                    let s1 = self.a[0] + self.comp[0];
                    let delta = s2 / n2 - s1 / n1;
                    self.m2[0] += q2 + delta * delta * (n1 * n2 / (n1 + n2));
                    neumaier(&mut self.a[0], &mut self.comp[0], s2);
                }
                self.count = n1 + n2;
            }
            Acc::Min => self.a[0] = fold_extreme(data, self.a[0], nan_min),
            Acc::Max => self.a[0] = fold_extreme(data, self.a[0], nan_max),
        }
    }

    fn feed_columns(&mut self, acc: Acc, data: &[f64], h: usize, w: usize) {
        if h == 0 || w == 0 {
            return;
        }
        let rows = data.chunks_exact(w).take(h);
        match acc {
            Acc::Min => {
                for row in rows {
                    for (m, &x) in self.a.iter_mut().zip(row) {
                        *m = nan_min(*m, x);
                    }
                }
            }
            Acc::Max => {
                for row in rows {
                    for (m, &x) in self.a.iter_mut().zip(row) {
                        *m = nan_max(*m, x);
                    }
                }
            }
            Acc::Sum | Acc::Moments => {
                self.tile_sum.fill(0.0);
                for row in rows.clone() {
                    for (s, &x) in self.tile_sum.iter_mut().zip(row) {
                        *s += x;
                    }
                }
                if acc == Acc::Sum {
                    for ((s, c), &t) in self.a.iter_mut().zip(&mut self.comp).zip(&self.tile_sum) {
                        neumaier(s, c, t);
                    }
                    return;
                }
                let n2 = h as f64;
                self.tile_m2.fill(0.0);
                for row in rows {
                    for ((q, &s), &x) in self.tile_m2.iter_mut().zip(&self.tile_sum).zip(row) {
                        let d = x - s / n2;
                        *q += d * d;
                    }
                }
                let n1 = self.count;
                if n1 == 0.0 {
                    self.a.copy_from_slice(&self.tile_sum);
                    self.m2.copy_from_slice(&self.tile_m2);
                } else {
                    let w12 = n1 * n2 / (n1 + n2);
                    for j in 0..self.a.len() {
                        let s1 = self.a[j] + self.comp[j];
                        let delta = self.tile_sum[j] / n2 - s1 / n1;
                        self.m2[j] += self.tile_m2[j] + delta * delta * w12;
                        neumaier(&mut self.a[j], &mut self.comp[j], self.tile_sum[j]);
                    }
                }
                self.count = n1 + n2;
            }
        }
    }

    /// The block's partial.
    pub(crate) fn finish(self) -> Partial {
        if let Some(l) = self.lanes {
            return l.finish();
        }
        let shape = IxDyn(&self.out_shape);
        let array = |v: Vec<f64>| {
            ArrayD::from_shape_vec(shape.clone(), v).unwrap_or_else(|_| ArrayD::zeros(shape.clone()))
        };
        // The compensation of a sum that reached an infinity is NaN
        // (`inf - inf`) and means nothing: the sum is the infinity (or NaN).
        let compensated = |a: Vec<f64>, c: &[f64]| -> Vec<f64> {
            if c.is_empty() {
                a
            } else {
                a.iter().zip(c).map(|(&s, &c)| if s.is_finite() { s + c } else { s }).collect()
            }
        };
        match self.acc {
            Acc::Sum => Partial::Sum(array(compensated(self.a, &self.comp))),
            Acc::Min => Partial::Min(array(self.a)),
            Acc::Max => Partial::Max(array(self.a)),
            Acc::Moments => {
                let sum = compensated(self.a, &self.comp);
                Partial::Moments { count: self.count, sum: array(sum), m2: array(self.m2) }
            }
        }
    }
}

#[cfg(test)]
mod tests;
