//! Functions applied block by block (dask's `map_blocks` and `blockwise`):
//! the function sees whole blocks of its inputs (the regions of the first
//! input's blocks, read from every input, whatever their own chunks) and
//! returns the output block, whose shape the output chunks fix.

use std::sync::Arc;

use ndarray::{ArrayD, ArrayViewD};

use crate::array::{Array, Op, check_shape};
use crate::chunks::{self, Chunks};
use crate::error::ArrayError;
use crate::node::BlockFn;

impl Array {
    /// `f` applied to every block (dask's `map_blocks`); the output has the
    /// input's shape and chunks. A function that returns a block of another
    /// shape fails the computation with an error naming the block.
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::arange(0.0, 10.0, 1.0, 4)?;
    /// // Subtract each block's first element.
    /// let y = x.map_blocks(|b| Ok(&b - b[[0]]))?;
    /// let v = y.compute(&Executor::sequential())?;
    /// assert_eq!(v.into_raw_vec_and_offset().0, vec![0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn map_blocks(
        &self,
        f: impl Fn(ArrayViewD<'_, f64>) -> Result<ArrayD<f64>, String> + Send + Sync + 'static,
    ) -> Result<Array, ArrayError> {
        let chunks = Chunks::Explicit(self.chunks().to_vec());
        blockwise(
            Arc::new(move |blocks: &[ArrayViewD<'_, f64>]| f(blocks[0].clone())),
            std::slice::from_ref(self),
            chunks,
        )
    }
}

/// `f` applied to the matching blocks of several arrays of one shape
/// (dask's `blockwise` over aligned inputs): block `k` of the output is
/// `f` of the regions of the first input's block `k` in every input. The
/// output chunks must have the first input's number of blocks along every
/// axis (a block may change length, e.g. to 1 for a per-block summary).
///
/// ```
/// use std::sync::Arc;
/// use chunked_array::{Chunks, blockwise, random};
/// use executors::Executor;
/// let x = random::standard_normal(0, &[6, 4], [3, 4])?;
/// let y = random::standard_normal(1, &[6, 4], 2)?;
/// // One value per block: the largest |x - y| in it.
/// let f: chunked_array::BlockFn = Arc::new(|b| {
///     let m = (&b[0] - &b[1]).iter().fold(0.0f64, |m, v| m.max(v.abs()));
///     Ok(ndarray::ArrayD::from_elem(ndarray::IxDyn(&[1, 1]), m))
/// });
/// let worst = blockwise(f, &[x, y], Chunks::Explicit(vec![vec![1, 1], vec![1]]))?;
/// assert_eq!(worst.compute(&Executor::sequential())?.shape(), &[2, 1]);
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn blockwise(f: BlockFn, inputs: &[Array], out_chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    let first = inputs.first().ok_or(ArrayError::InvalidParameter {
        name: "blockwise",
        value: "needs at least one input".into(),
    })?;
    if let Some(a) = inputs.iter().find(|a| a.shape() != first.shape()) {
        return Err(ArrayError::ShapeMismatch {
            op: "blockwise",
            left: first.shape().to_vec(),
            right: a.shape().to_vec(),
        });
    }
    let out_chunks = out_chunks.into();
    let lists = match &out_chunks {
        Chunks::Explicit(lists) => lists.clone(),
        other => {
            return Err(ArrayError::InvalidParameter {
                name: "blockwise output chunks",
                value: format!("{other:?}: give every block's length (Chunks::Explicit)"),
            });
        }
    };
    let shape: Vec<usize> = lists.iter().map(|l| l.iter().sum()).collect();
    let counts_match =
        lists.len() == first.ndim() && lists.iter().zip(first.chunks()).all(|(l, c)| l.len() == c.len());
    if !counts_match {
        return Err(ArrayError::ChunksDoNotFit {
            chunks: format!("{lists:?}"),
            shape,
            reason: format!("blockwise needs the input's blocks per axis, {:?}", first.chunks()),
        });
    }
    check_shape(&shape)?;
    // Blocks of length 0 are allowed here only where the input's are.
    for (axis, (l, c)) in lists.iter().zip(first.chunks()).enumerate() {
        if l.iter().zip(c).any(|(&o, &i)| o == 0 && i != 0) {
            return Err(ArrayError::ZeroChunk { axis, shape: shape.clone() });
        }
    }
    let resolved =
        chunks::resolve(&Chunks::Explicit(lists), &shape).unwrap_or_else(|_| first.chunks().to_vec());
    Ok(Array::from_parts(shape, resolved, Op::Blockwise(inputs.to_vec(), f)))
}
