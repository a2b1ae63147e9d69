//! Evaluation of a fused expression over a rectangle of its result: sources
//! generate the rectangle directly (a random element depends only on its
//! index), element-wise nodes combine their operands' rectangles (projected
//! for broadcasting, reversed for a transpose), and leaves (arrays whose
//! blocks are graph values) are read from the blocks that overlap it. Every
//! result is a new array in standard (row-major) layout.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

use ndarray::{ArrayD, IxDyn, Slice, Zip};

use crate::array::{Array, Binary, Op, Unary};
use crate::kernels::{Partial, nan_max, nan_min};
use crate::region::fill_rows;

/// A graph value: a block of an array, and the partials of the reductions
/// and products a block task fed, in the order of its sinks.
#[derive(Clone, Debug, Default)]
pub(crate) struct Piece {
    pub(crate) block: Option<Arc<ArrayD<f64>>>,
    pub(crate) partials: Vec<Partial>,
}

/// The input position of each (array id, flat block number) a task reads.
pub(crate) type BlockIndex = HashMap<(u64, usize), usize>;

/// Where a task finds the leaves of the expressions it evaluates, and its
/// cache of broadcast operands.
pub(crate) struct Leaves<'a> {
    /// Arrays read from their blocks rather than evaluated (besides
    /// reductions and products, which always are).
    materialized: &'a HashSet<u64>,
    /// The task's inputs.
    inputs: &'a [&'a Piece],
    /// Input position of (array id, flat block number).
    index: &'a BlockIndex,
    /// Operands broadcast along rows (a vector against a matrix) are the
    /// same for every row strip of a block: evaluated once per task.
    broadcast: RefCell<HashMap<RegionKey, Rc<ArrayD<f64>>>>,
}

/// An array and a region of it.
type RegionKey = (u64, Vec<Range<usize>>);

impl<'a> Leaves<'a> {
    pub(crate) fn new(
        materialized: &'a HashSet<u64>,
        inputs: &'a [&'a Piece],
        index: &'a BlockIndex,
    ) -> Self {
        Self { materialized, inputs, index, broadcast: RefCell::default() }
    }

    /// `eval(a, region)`, once per task.
    fn cached(&self, a: &Array, region: &[Range<usize>]) -> Result<Rc<ArrayD<f64>>, String> {
        let key = (a.id(), region.to_vec());
        if let Some(v) = self.broadcast.borrow().get(&key) {
            return Ok(v.clone());
        }
        let v = Rc::new(eval(a, region, self)?);
        self.broadcast.borrow_mut().insert(key, v.clone());
        Ok(v)
    }
}

/// An evaluated operand: computed for this region, or shared from the cache.
enum Operand {
    Owned(ArrayD<f64>),
    Shared(Rc<ArrayD<f64>>),
}

impl Operand {
    fn view(&self) -> ndarray::ArrayViewD<'_, f64> {
        match self {
            Self::Owned(a) => a.view(),
            Self::Shared(a) => a.view(),
        }
    }
}

/// Whether `a` is read from its blocks.
pub(crate) fn is_leaf(a: &Array, materialized: &HashSet<u64>) -> bool {
    matches!(a.op(), Op::Reduce { .. } | Op::Dot(..) | Op::Blockwise(..) | Op::Select { .. })
        || materialized.contains(&a.id())
}

/// The lengths of a region.
pub(crate) fn lens(region: &[Range<usize>]) -> Vec<usize> {
    region.iter().map(|r| r.end - r.start).collect()
}

/// The region of a broadcast operand of shape `operand` that a region of
/// the result (of shape `result`) needs.
fn project(operand: &[usize], result: &[usize], region: &[Range<usize>]) -> Vec<Range<usize>> {
    let (n, m) = (result.len(), operand.len());
    (0..m)
        .map(|k| {
            let d = n - m + k;
            if operand[k] == 1 && result[d] != 1 { 0..1 } else { region[d].clone() }
        })
        .collect()
}

/// The leaf blocks evaluating `a` over `region` reads, as (array, flat
/// block) pairs, possibly repeated.
pub(crate) fn leaf_blocks(
    a: &Array,
    region: &[Range<usize>],
    materialized: &HashSet<u64>,
    out: &mut Vec<(Array, usize)>,
) {
    if is_leaf(a, materialized) {
        for_each_block(a, region, |flat, _| out.push((a.clone(), flat)));
        return;
    }
    match a.op() {
        Op::Random { .. } | Op::Full(_) | Op::Arange { .. } | Op::FromArray(_) | Op::Npy(_) => {}
        Op::Unary(_, x) | Op::Rechunk(x) => leaf_blocks(x, region, materialized, out),
        Op::Index(x, map) => leaf_blocks(x, &crate::index::input_region(map, region), materialized, out),
        Op::Reshape(x) => {
            leaf_blocks(x, &crate::reshape::input_region(x, a.shape(), region), materialized, out)
        }
        Op::Concat(inputs, axis) => {
            for (x, r) in crate::join::parts(inputs, *axis, region) {
                leaf_blocks(x, &r, materialized, out);
            }
        }
        Op::Transpose(x, perm) => leaf_blocks(x, &unpermute(perm, region), materialized, out),
        Op::Where(c, x, y) => {
            for operand in [c, x, y] {
                let r = project(operand.shape(), a.shape(), region);
                leaf_blocks(operand, &r, materialized, out);
            }
        }
        Op::Binary(_, x, y) => {
            for operand in [x, y] {
                let r = project(operand.shape(), a.shape(), region);
                leaf_blocks(operand, &r, materialized, out);
            }
        }
        Op::Reduce { .. } | Op::Dot(..) | Op::Blockwise(..) | Op::Select { .. } => {}
    }
}

/// Calls `f(flat, block_region)` for every block of `a` overlapping `region`.
fn for_each_block(a: &Array, region: &[Range<usize>], mut f: impl FnMut(usize, Vec<Range<usize>>)) {
    let grid = a.grid();
    let ranges: Vec<Range<usize>> = (0..region.len()).map(|ax| grid.overlapping(ax, &region[ax])).collect();
    let mut idx: Vec<usize> = ranges.iter().map(|r| r.start).collect();
    loop {
        f(grid.flatten(&idx), grid.region(&idx));
        // Odometer over the ranges, last axis fastest.
        let mut ax = idx.len();
        loop {
            if ax == 0 {
                return;
            }
            ax -= 1;
            idx[ax] += 1;
            if idx[ax] < ranges[ax].end {
                break;
            }
            idx[ax] = ranges[ax].start;
        }
    }
}

/// Evaluates `a` over `region`.
pub(crate) fn eval(a: &Array, region: &[Range<usize>], cx: &Leaves<'_>) -> Result<ArrayD<f64>, String> {
    if is_leaf(a, cx.materialized) {
        return read_leaf(a, region, cx);
    }
    let shape = lens(region);
    match a.op() {
        Op::Random { stream, .. } => {
            let mut data = vec![0.0; shape.iter().product()];
            // Element `flat` of the whole array, row-major: a row of the
            // region is a run of consecutive indices.
            fill_rows(a.shape(), region, &mut data, |flat, row| stream.fill(flat as u64, row));
            ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| e.to_string())
        }
        Op::Full(v) => Ok(ArrayD::from_elem(IxDyn(&shape), *v)),
        Op::Arange { start, step } => {
            let r = region.first().cloned().unwrap_or(0..1);
            let data: Vec<f64> = r.map(|i| start + i as f64 * step).collect();
            ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| e.to_string())
        }
        Op::FromArray(x) => Ok(slice(x, region)),
        Op::Npy(source) => {
            let mut data = vec![0.0; shape.iter().product()];
            source.read(region, &mut data)?;
            ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| e.to_string())
        }
        Op::Unary(op, x) => {
            let mut v = eval(x, region, cx)?;
            apply_unary(*op, &mut v);
            Ok(v)
        }
        Op::Rechunk(x) => eval(x, region, cx),
        Op::Index(x, map) => crate::index::eval_index(map, region, &mut |r| eval(x, r, cx)),
        Op::Reshape(x) => crate::reshape::eval_reshape(x, a.shape(), region, &mut |r| eval(x, r, cx)),
        Op::Concat(inputs, axis) => {
            let mut out = ArrayD::zeros(IxDyn(&shape));
            let mut at = 0;
            for (x, r) in crate::join::parts(inputs, *axis, region) {
                let v = eval(x, &r, cx)?;
                let n = r[*axis].len();
                out.slice_axis_mut(ndarray::Axis(*axis), Slice::from(at..at + n)).assign(&v);
                at += n;
            }
            Ok(out)
        }
        Op::Transpose(x, perm) => {
            let v = eval(x, &unpermute(perm, region), cx)?;
            Ok(v.permuted_axes(IxDyn(perm)).as_standard_layout().into_owned())
        }
        Op::Binary(op, x, y) => {
            // An operand that does not span the result's rows reads the same
            // region for every row strip of a block.
            let operand = |o: &Array| -> Result<Operand, String> {
                let r = project(o.shape(), a.shape(), region);
                let row_invariant =
                    a.ndim() == 2 && (o.ndim() < 2 || (o.shape()[0] == 1 && a.shape()[0] != 1));
                Ok(if row_invariant {
                    Operand::Shared(cx.cached(o, &r)?)
                } else {
                    Operand::Owned(eval(o, &r, cx)?)
                })
            };
            let f = binary_fn(*op);
            let (vx, vy) = (operand(x)?, operand(y)?);
            let dim = IxDyn(&shape);
            match (vx, vy) {
                (Operand::Owned(mut p), q) if p.shape() == shape.as_slice() => {
                    let q = q.view();
                    let q = q.broadcast(dim).ok_or("operands do not broadcast")?;
                    Zip::from(&mut p).and(&q).for_each(|p, &q| *p = f(*p, q));
                    Ok(p)
                }
                (p, Operand::Owned(mut q)) if q.shape() == shape.as_slice() => {
                    let p = p.view();
                    let p = p.broadcast(dim).ok_or("operands do not broadcast")?;
                    Zip::from(&mut q).and(&p).for_each(|q, &p| *q = f(p, *q));
                    Ok(q)
                }
                (p, q) => {
                    let (p, q) = (p.view(), q.view());
                    let bp = p.broadcast(dim.clone()).ok_or("operands do not broadcast")?;
                    let bq = q.broadcast(dim).ok_or("operands do not broadcast")?;
                    let out = Zip::from(&bp).and(&bq).map_collect(|&p, &q| f(p, q));
                    // Broadcast operands may lead Zip to a column-major result.
                    Ok(if out.is_standard_layout() { out } else { out.as_standard_layout().into_owned() })
                }
            }
        }
        Op::Where(c, x, y) => {
            let dim = IxDyn(&shape);
            let vals = [c, x, y].map(|o| eval(o, &project(o.shape(), a.shape(), region), cx));
            let [vc, vx, vy] = vals;
            let (vc, vx, vy) = (vc?, vx?, vy?);
            let bc = vc.broadcast(dim.clone()).ok_or("operands do not broadcast")?;
            let bx = vx.broadcast(dim.clone()).ok_or("operands do not broadcast")?;
            let by = vy.broadcast(dim).ok_or("operands do not broadcast")?;
            let out = Zip::from(&bc).and(&bx).and(&by).map_collect(|&c, &x, &y| if c != 0.0 { x } else { y });
            Ok(if out.is_standard_layout() { out } else { out.as_standard_layout().into_owned() })
        }
        Op::Reduce { .. } | Op::Dot(..) | Op::Blockwise(..) | Op::Select { .. } => {
            Err("a reduction is read from its blocks".into())
        }
    }
}

/// The region of a transpose's input that a region of its result reads.
fn unpermute(perm: &[usize], region: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut r = vec![0..0; region.len()];
    for (k, &p) in perm.iter().enumerate() {
        r[p] = region[k].clone();
    }
    r
}

/// A copy of `region` of an in-memory array, in standard layout.
fn slice(x: &ArrayD<f64>, region: &[Range<usize>]) -> ArrayD<f64> {
    x.slice_each_axis(|ax| Slice::from(region[ax.axis.index()].clone())).as_standard_layout().into_owned()
}

/// Reads `region` of a leaf from the blocks that overlap it.
fn read_leaf(a: &Array, region: &[Range<usize>], cx: &Leaves<'_>) -> Result<ArrayD<f64>, String> {
    let block = |flat: usize| -> Result<&Arc<ArrayD<f64>>, String> {
        let pos = cx.index.get(&(a.id(), flat)).ok_or("a leaf block is not an input of its task")?;
        cx.inputs[*pos].block.as_ref().ok_or_else(|| "a leaf input carries no block".to_owned())
    };
    let shape = lens(region);
    let mut pieces = Vec::new();
    for_each_block(a, region, |flat, breg| pieces.push((flat, breg)));
    if let [(flat, breg)] = pieces.as_slice() {
        let local: Vec<Range<usize>> =
            region.iter().zip(breg).map(|(r, b)| r.start - b.start..r.end - b.start).collect();
        return Ok(slice(block(*flat)?, &local));
    }
    let mut out = ArrayD::zeros(IxDyn(&shape));
    for (flat, breg) in pieces {
        let inter: Vec<Range<usize>> =
            region.iter().zip(&breg).map(|(r, b)| r.start.max(b.start)..r.end.min(b.end)).collect();
        if inter.iter().any(|r| r.start >= r.end) {
            continue;
        }
        let src = block(flat)?;
        let src = src.slice_each_axis(|ax| {
            let (i, b) = (&inter[ax.axis.index()], &breg[ax.axis.index()]);
            Slice::from(i.start - b.start..i.end - b.start)
        });
        out.slice_each_axis_mut(|ax| {
            let (i, r) = (&inter[ax.axis.index()], &region[ax.axis.index()]);
            Slice::from(i.start - r.start..i.end - r.start)
        })
        .assign(&src);
    }
    Ok(out)
}

fn apply_unary(op: Unary, x: &mut ArrayD<f64>) {
    match op {
        Unary::Neg => x.mapv_inplace(|v| -v),
        Unary::Exp => x.mapv_inplace(f64::exp),
        Unary::Log => x.mapv_inplace(f64::ln),
        Unary::Sqrt => x.mapv_inplace(f64::sqrt),
        Unary::Abs => x.mapv_inplace(f64::abs),
        Unary::Sin => x.mapv_inplace(f64::sin),
        Unary::Cos => x.mapv_inplace(f64::cos),
        Unary::Square => x.mapv_inplace(|v| v * v),
        Unary::AddScalar(c) => x.mapv_inplace(|v| v + c),
        Unary::MulScalar(c) => x.mapv_inplace(|v| v * c),
        Unary::ScalarSub(c) => x.mapv_inplace(|v| c - v),
        Unary::DivScalar(c) => x.mapv_inplace(|v| v / c),
        Unary::ScalarDiv(c) => x.mapv_inplace(|v| c / v),
        Unary::Powf(c) => x.mapv_inplace(|v| v.powf(c)),
        Unary::Log1p => x.mapv_inplace(f64::ln_1p),
        Unary::Expm1 => x.mapv_inplace(f64::exp_m1),
        Unary::Tan => x.mapv_inplace(f64::tan),
        Unary::Floor => x.mapv_inplace(f64::floor),
        Unary::Ceil => x.mapv_inplace(f64::ceil),
        Unary::Round => x.mapv_inplace(f64::round_ties_even),
        // numpy's sign: +0.0 for either zero, NaN for NaN.
        Unary::Sign => x.mapv_inplace(|v| {
            if v > 0.0 {
                1.0
            } else if v < 0.0 {
                -1.0
            } else if v.is_nan() {
                v
            } else {
                0.0
            }
        }),
        Unary::IsNan => x.mapv_inplace(|v| f64::from(u8::from(v.is_nan()))),
        Unary::IsFinite => x.mapv_inplace(|v| f64::from(u8::from(v.is_finite()))),
        Unary::NanTo(c) => x.mapv_inplace(|v| if v.is_nan() { c } else { v }),
        Unary::Clip(lo, hi) => x.mapv_inplace(|v| {
            if v < lo {
                lo
            } else if v > hi {
                hi
            } else {
                v
            }
        }),
        Unary::Log2 => x.mapv_inplace(f64::log2),
        Unary::Log10 => x.mapv_inplace(f64::log10),
        Unary::Exp2 => x.mapv_inplace(f64::exp2),
        Unary::Cbrt => x.mapv_inplace(f64::cbrt),
        Unary::Sinh => x.mapv_inplace(f64::sinh),
        Unary::Cosh => x.mapv_inplace(f64::cosh),
        Unary::Tanh => x.mapv_inplace(f64::tanh),
        Unary::Arcsin => x.mapv_inplace(f64::asin),
        Unary::Arccos => x.mapv_inplace(f64::acos),
        Unary::Arctan => x.mapv_inplace(f64::atan),
        Unary::Reciprocal => x.mapv_inplace(|v| 1.0 / v),
    }
}

fn binary_fn(op: Binary) -> fn(f64, f64) -> f64 {
    match op {
        Binary::Add => |p, q| p + q,
        Binary::Sub => |p, q| p - q,
        Binary::Mul => |p, q| p * q,
        Binary::Div => |p, q| p / q,
        Binary::Pow => f64::powf,
        // numpy's `maximum(p, q)` is `p` only when `p > q` (or NaN), else
        // `q`: of two equal zeros, the second's sign.
        Binary::Maximum => |p, q| nan_max(q, p),
        Binary::Minimum => |p, q| nan_min(q, p),
        Binary::Greater => |p, q| f64::from(u8::from(p > q)),
        Binary::GreaterEqual => |p, q| f64::from(u8::from(p >= q)),
        Binary::Less => |p, q| f64::from(u8::from(p < q)),
        Binary::LessEqual => |p, q| f64::from(u8::from(p <= q)),
        Binary::Equal => |p, q| f64::from(u8::from(p == q)),
        Binary::NotEqual => |p, q| f64::from(u8::from(p != q)),
    }
}
