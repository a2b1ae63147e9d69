//! Regions of an array in row-major order: the flat index of each row (a
//! run along the last axis) of a region, and the runs of consecutive flat
//! indices, which every reader and writer of a block walks.

use std::ops::Range;

/// Calls `f(flat, row)` for every row (run along the last axis) of `data`,
/// the values of `region` of an array of `shape` in row-major order, with
/// the flat row-major index in the whole array of the row's first element.
pub(crate) fn fill_rows(
    shape: &[usize],
    region: &[Range<usize>],
    data: &mut [f64],
    mut f: impl FnMut(usize, &mut [f64]),
) {
    let w = region.last().map_or(1, |r| r.len());
    if w == 0 {
        return;
    }
    let mut rows = data.chunks_exact_mut(w);
    walk_rows(shape, region, |flat| {
        if let Some(row) = rows.next() {
            f(flat, row);
        }
    });
}

/// Calls `f(flat)` for every row (run along the last axis) of `region` of
/// an array of `shape`, in row-major order, with the flat index of the
/// row's first element (once, with 0, for a 0-dimensional array).
pub(crate) fn walk_rows(shape: &[usize], region: &[Range<usize>], mut f: impl FnMut(usize)) {
    let Some((last, lead)) = region.split_last() else {
        f(0);
        return;
    };
    if last.is_empty() || lead.iter().any(|r| r.is_empty()) {
        return;
    }
    let mut strides = vec![1usize; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        strides[d] = strides[d + 1] * shape[d + 1];
    }
    let mut idx: Vec<usize> = lead.iter().map(|r| r.start).collect();
    loop {
        let flat: usize = idx.iter().zip(&strides).map(|(i, s)| i * s).sum::<usize>() + last.start;
        f(flat);
        let mut d = lead.len();
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            if idx[d] < lead[d].end {
                break;
            }
            idx[d] = lead[d].start;
        }
    }
}

/// The runs of consecutive flat indices of `region` of an array of
/// `shape`, as (first flat index, length), in row-major order.
pub(crate) fn runs(shape: &[usize], region: &[Range<usize>]) -> Vec<(usize, usize)> {
    let w = region.last().map_or(1, |r| r.len());
    let mut out: Vec<(usize, usize)> = Vec::new();
    walk_rows(shape, region, |flat| match out.last_mut() {
        Some((start, len)) if *start + *len == flat => *len += w,
        _ => out.push((flat, w)),
    });
    out
}

#[cfg(test)]
mod tests;
