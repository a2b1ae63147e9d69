//! The lowering of an exact quantile over every element, streamed: a
//! histogram of the elements' order-preserving keys (their top 16 bits:
//! sign, exponent and 4 bits of mantissa) per block, merged in a tree; the
//! buckets holding the two order statistics needed; a second pass that
//! keeps only the elements of those buckets; a selection among them. Each
//! block is generated twice and never held; memory holds the histograms in
//! flight and the elements of the chosen buckets.

use std::sync::Arc;

use ndarray::{ArrayD, IxDyn};

use super::{Lowering, TaskFn};
use crate::array::Array;
use crate::eval::{Leaves, Piece, eval, leaf_blocks};
use crate::kernels::Partial;

const BITS: u32 = 16;
const BUCKETS: usize = 1 << BITS;

/// A key whose order is the numbers' order (NaN excluded).
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

fn bucket(x: f64) -> usize {
    // The top BITS bits of a u64: below 2^16.
    (key(x) >> (64 - BITS)) as usize
}

/// What the second pass keeps and the last task selects, from the merged
/// histogram: `[nan, first bucket, last bucket, rank of the first kept
/// element, lower rank, upper rank, weight of the upper]` as `f64`s
/// (counts are exact in f64 below 2^53).
fn target(p: &Piece, q: f64, skip_nan: bool) -> Result<Piece, String> {
    let Some(Partial::Sum(counts)) = p.partials.first() else { return Err("no histogram".into()) };
    let counts = counts.as_slice().ok_or("a histogram is not contiguous")?;
    let nan = counts[BUCKETS];
    let n: f64 = counts[..BUCKETS].iter().sum();
    let out = |v: Vec<f64>| {
        Ok(Piece {
            block: Some(Arc::new(ArrayD::from_shape_vec(IxDyn(&[7]), v).map_err(|e| e.to_string())?)),
            partials: Vec::new(),
        })
    };
    if (nan > 0.0 && !skip_nan) || n == 0.0 {
        return out(vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    }
    let pos = q * (n - 1.0);
    let lo = pos.floor();
    let hi = (lo + 1.0).min(n - 1.0);
    let t = pos - lo;
    let find = |rank: f64| -> (usize, f64) {
        let mut below = 0.0;
        for (b, &c) in counts[..BUCKETS].iter().enumerate() {
            if below + c > rank {
                return (b, below);
            }
            below += c;
        }
        (BUCKETS - 1, below)
    };
    let (b_lo, below) = find(lo);
    let (b_hi, _) = find(hi);
    // Bucket numbers are below 2^16, exact in f64.
    out(vec![0.0, b_lo as f64, b_hi as f64, below, lo, hi, t])
}

impl Lowering {
    /// The tasks of `out`, the `q`-quantile of every element of `input`.
    pub(super) fn select(&mut self, out: &Array, input: &Array, q: f64, skip_nan: bool) {
        let grid = input.grid().clone();
        let mut hists = Vec::with_capacity(grid.len());
        let mut per_block = Vec::with_capacity(grid.len());
        for flat in 0..grid.len() {
            let region = grid.region(&grid.unflatten(flat));
            let mut needed = Vec::new();
            leaf_blocks(input, &region, &self.materialized, &mut needed);
            let (deps, index) = self.inputs(needed);
            let (x, mat, r, ix) = (input.clone(), self.materialized.clone(), region.clone(), index.clone());
            let run: TaskFn = Arc::new(move |args: &[&Piece]| {
                let cx = Leaves::new(&mat, args, &ix);
                let v = eval(&x, &r, &cx)?;
                let mut counts = vec![0.0; BUCKETS + 1];
                for &e in &v {
                    if e.is_nan() {
                        counts[BUCKETS] += 1.0;
                    } else {
                        counts[bucket(e)] += 1.0;
                    }
                }
                let counts =
                    ArrayD::from_shape_vec(IxDyn(&[BUCKETS + 1]), counts).map_err(|e| e.to_string())?;
                Ok(Piece { block: None, partials: vec![Partial::Sum(counts)] })
            });
            hists.push((self.task("quantile-histogram", &deps, run), 0));
            per_block.push((deps, index, region));
        }
        let (root, _) = self.tree("histogram-combine", hists);
        let plan =
            self.graph.delayed1("quantile-buckets", move |p: &Piece| target(p, q, skip_nan)).call(&root);
        let mut kept = vec![plan.clone()];
        for (deps, index, region) in per_block {
            let (x, mat) = (input.clone(), self.materialized.clone());
            let run: TaskFn = Arc::new(move |args: &[&Piece]| {
                let t = args.last().and_then(|p| p.block.as_ref()).ok_or("no bucket plan")?;
                let mut values = Vec::new();
                if t[[0]] == 0.0 {
                    // Bucket numbers, exact in f64.
                    let (first, last) = (t[[1]] as usize, t[[2]] as usize);
                    let cx = Leaves::new(&mat, args, &index);
                    let v = eval(&x, &region, &cx)?;
                    values.extend(
                        v.iter().copied().filter(|e| !e.is_nan() && (first..=last).contains(&bucket(*e))),
                    );
                }
                let n = values.len();
                let block = ArrayD::from_shape_vec(IxDyn(&[n]), values).map_err(|e| e.to_string())?;
                Ok(Piece { block: Some(Arc::new(block)), partials: Vec::new() })
            });
            let mut inputs = deps;
            inputs.push(plan.clone());
            kept.push(self.task("quantile-bucket", &inputs, run));
        }
        let pick = self.graph.delayed_n("quantile", |args: &[&Piece]| -> Result<Piece, String> {
            let t = args[0].block.as_ref().ok_or("no bucket plan")?;
            let value = if t[[0]] != 0.0 {
                f64::NAN
            } else {
                let mut values: Vec<f64> = args[1..]
                    .iter()
                    .filter_map(|p| p.block.as_ref())
                    .flat_map(|b| b.iter().copied())
                    .collect();
                // Ranks within the kept elements: counts below 2^53, exact.
                let (below, lo, hi, w) = (t[[3]], t[[4]], t[[5]], t[[6]]);
                let at = |r: f64| (r - below) as usize;
                let (i, j) = (at(lo), at(hi));
                if j >= values.len() {
                    return Err("the kept buckets miss an order statistic".into());
                }
                let (_, &mut a, _) = values.select_nth_unstable_by(i, f64::total_cmp);
                let (_, &mut b, _) = values.select_nth_unstable_by(j, f64::total_cmp);
                let d = b - a;
                if w == 0.0 {
                    a
                } else if w >= 0.5 {
                    b - d * (1.0 - w)
                } else {
                    a + d * w
                }
            };
            Ok(Piece { block: Some(Arc::new(ArrayD::from_elem(IxDyn(&[]), value))), partials: Vec::new() })
        });
        let result = pick.call(&kept);
        self.blocks.insert(out.id(), vec![result]);
    }
}
