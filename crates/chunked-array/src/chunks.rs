//! Chunk specifications ([`Chunks`]) and the block grid they resolve to.

use std::ops::Range;

use crate::error::ArrayError;

/// dask's default block size for automatic chunks: 128 MiB.
pub const DEFAULT_CHUNK_BYTES: usize = 128 * 1024 * 1024;

/// How an array is cut into blocks, as dask's `chunks=` argument.
///
/// ```
/// use chunked_array::Chunks;
/// assert_eq!(Chunks::from(2500), Chunks::Size(2500));
/// assert_eq!(Chunks::from([100, 50]), Chunks::Sizes(vec![100, 50]));
/// assert_eq!(Chunks::default(), Chunks::Auto { bytes: 128 * 1024 * 1024 });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunks {
    /// Blocks of at most about this many bytes of `f64`s, as square as the
    /// shape allows (dask's `"auto"`; 128 MiB by default, which cuts a
    /// 10000 x 10000 array into blocks of 4096 x 4096).
    Auto {
        /// The target size of a block in bytes.
        bytes: usize,
    },
    /// The same block length along every axis; the last block of an axis
    /// may be shorter, and a length beyond the axis is clipped to it.
    Size(usize),
    /// A block length per axis (same rules as [`Chunks::Size`]).
    Sizes(Vec<usize>),
    /// Every block's length along every axis; each axis' lengths must add up
    /// to the axis' length.
    Explicit(Vec<Vec<usize>>),
}

impl Default for Chunks {
    fn default() -> Self {
        Self::Auto { bytes: DEFAULT_CHUNK_BYTES }
    }
}

impl Chunks {
    /// Automatic chunks of at most [`DEFAULT_CHUNK_BYTES`].
    pub fn auto() -> Self {
        Self::default()
    }
}

impl From<usize> for Chunks {
    fn from(size: usize) -> Self {
        Self::Size(size)
    }
}

impl<const N: usize> From<[usize; N]> for Chunks {
    fn from(sizes: [usize; N]) -> Self {
        Self::Sizes(sizes.to_vec())
    }
}

impl From<Vec<usize>> for Chunks {
    fn from(sizes: Vec<usize>) -> Self {
        Self::Sizes(sizes)
    }
}

impl From<Vec<Vec<usize>>> for Chunks {
    fn from(chunks: Vec<Vec<usize>>) -> Self {
        Self::Explicit(chunks)
    }
}

/// The most blocks an array may have: each becomes at least one task.
pub const MAX_BLOCKS: usize = 1 << 24;

/// Resolves a chunk specification for a shape into the block lengths of
/// every axis. An axis of length 0 has one block of length 0.
pub(crate) fn resolve(chunks: &Chunks, shape: &[usize]) -> Result<Vec<Vec<usize>>, ArrayError> {
    let resolved = resolve_unchecked(chunks, shape)?;
    let blocks = resolved.iter().try_fold(1usize, |n, c| n.checked_mul(c.len()));
    if blocks.is_none_or(|b| b > MAX_BLOCKS) {
        return Err(ArrayError::ChunksDoNotFit {
            chunks: format!("{chunks:?}"),
            shape: shape.to_vec(),
            reason: format!("more than {MAX_BLOCKS} blocks"),
        });
    }
    Ok(resolved)
}

fn resolve_unchecked(chunks: &Chunks, shape: &[usize]) -> Result<Vec<Vec<usize>>, ArrayError> {
    let misfit = |reason: String| ArrayError::ChunksDoNotFit {
        chunks: format!("{chunks:?}"),
        shape: shape.to_vec(),
        reason,
    };
    match chunks {
        Chunks::Auto { bytes } => {
            if *bytes == 0 {
                return Err(ArrayError::InvalidParameter { name: "chunk bytes", value: "0".into() });
            }
            let sizes = auto_sizes(shape, *bytes);
            shape.iter().zip(&sizes).enumerate().map(|(axis, (&n, &s))| uniform(n, s, axis, shape)).collect()
        }
        Chunks::Size(size) => {
            shape.iter().enumerate().map(|(axis, &n)| uniform(n, *size, axis, shape)).collect()
        }
        Chunks::Sizes(sizes) => {
            if sizes.len() != shape.len() {
                return Err(misfit(format!("{} sizes for {} axes", sizes.len(), shape.len())));
            }
            shape.iter().zip(sizes).enumerate().map(|(axis, (&n, &s))| uniform(n, s, axis, shape)).collect()
        }
        Chunks::Explicit(lists) => {
            if lists.len() != shape.len() {
                return Err(misfit(format!("{} lists for {} axes", lists.len(), shape.len())));
            }
            let mut out = Vec::with_capacity(shape.len());
            for (axis, (&n, list)) in shape.iter().zip(lists).enumerate() {
                let total: usize = list.iter().sum();
                if total != n {
                    return Err(misfit(format!(
                        "axis {axis} has length {n} but its chunks add up to {total}"
                    )));
                }
                if n == 0 {
                    out.push(vec![0]);
                    continue;
                }
                if list.contains(&0) {
                    return Err(ArrayError::ZeroChunk { axis, shape: shape.to_vec() });
                }
                out.push(list.clone());
            }
            Ok(out)
        }
    }
}

fn uniform(n: usize, size: usize, axis: usize, shape: &[usize]) -> Result<Vec<usize>, ArrayError> {
    if size == 0 {
        return Err(ArrayError::ZeroChunk { axis, shape: shape.to_vec() });
    }
    if n.div_ceil(size) > MAX_BLOCKS {
        return Err(ArrayError::ChunksDoNotFit {
            chunks: format!("{size} on axis {axis}"),
            shape: shape.to_vec(),
            reason: format!("more than {MAX_BLOCKS} blocks"),
        });
    }
    Ok(regular(n, size))
}

/// Blocks of `size` along an axis of length `n`, the last one shorter.
fn regular(n: usize, size: usize) -> Vec<usize> {
    if n == 0 {
        return vec![0];
    }
    let size = size.clamp(1, n);
    let mut out = vec![size; n / size];
    if !n.is_multiple_of(size) {
        out.push(n % size);
    }
    out
}

/// Block lengths of at most `bytes` of f64s, as equal across axes as the
/// shape allows: short axes are taken whole, the rest share the budget.
fn auto_sizes(shape: &[usize], bytes: usize) -> Vec<usize> {
    let mut budget = (bytes / std::mem::size_of::<f64>()).max(1) as f64;
    let mut order: Vec<usize> = (0..shape.len()).collect();
    order.sort_by_key(|&a| shape[a]);
    let mut sizes = vec![1; shape.len()];
    let mut left = shape.len();
    for a in order {
        // The side of a cube of `budget` elements in `left` dimensions,
        // rounded down (with a little slack for floating point).
        let side = (budget.powf(1.0 / left as f64) + 1e-9).floor().max(1.0);
        let size = (shape[a] as f64).min(side).max(1.0);
        sizes[a] = size as usize;
        budget = (budget / size).max(1.0);
        left -= 1;
    }
    sizes
}

/// The block grid of an array: block lengths and offsets along every axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Grid {
    /// Block lengths per axis.
    pub(crate) chunks: Vec<Vec<usize>>,
    /// Block starts per axis, with the axis length appended.
    offsets: Vec<Vec<usize>>,
}

impl Grid {
    pub(crate) fn new(chunks: Vec<Vec<usize>>) -> Self {
        let offsets = chunks
            .iter()
            .map(|c| {
                let mut o = Vec::with_capacity(c.len() + 1);
                let mut at = 0;
                o.push(0);
                for &len in c {
                    at += len;
                    o.push(at);
                }
                o
            })
            .collect();
        Self { chunks, offsets }
    }

    /// Number of blocks along every axis.
    #[cfg(test)]
    pub(crate) fn counts(&self) -> Vec<usize> {
        self.chunks.iter().map(Vec::len).collect()
    }

    /// Total number of blocks (1 for a 0-dimensional array).
    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).product()
    }

    /// The block index along every axis of block `flat` (row-major order).
    pub(crate) fn unflatten(&self, mut flat: usize) -> Vec<usize> {
        let mut idx = vec![0; self.chunks.len()];
        for a in (0..self.chunks.len()).rev() {
            let n = self.chunks[a].len();
            idx[a] = flat % n;
            flat /= n;
        }
        idx
    }

    /// The flat (row-major) number of the block with these indices.
    pub(crate) fn flatten(&self, idx: &[usize]) -> usize {
        idx.iter().zip(&self.chunks).fold(0, |acc, (&i, c)| acc * c.len() + i)
    }

    /// The element ranges of a block.
    pub(crate) fn region(&self, idx: &[usize]) -> Vec<Range<usize>> {
        idx.iter().zip(&self.offsets).map(|(&i, o)| o[i]..o[i + 1]).collect()
    }

    /// The blocks along `axis` that overlap `range` (an empty range overlaps
    /// the block it starts in, so that empty regions still find a block).
    pub(crate) fn overlapping(&self, axis: usize, range: &Range<usize>) -> Range<usize> {
        let o = &self.offsets[axis];
        let nblocks = o.len() - 1;
        // First block whose end is beyond range.start.
        let first = o[1..].partition_point(|&end| end <= range.start).min(nblocks - 1);
        let last = if range.end <= range.start {
            first + 1
        } else {
            o[1..].partition_point(|&end| end < range.end).min(nblocks - 1) + 1
        };
        first..last
    }

    /// The start of block `i` along `axis`.
    pub(crate) fn start(&self, axis: usize, i: usize) -> usize {
        self.offsets[axis][i]
    }
}

#[cfg(test)]
mod tests;
