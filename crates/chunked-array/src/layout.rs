//! Layout: `transpose` (axes reversed or permuted). Lazy: a block of the
//! result is a region of the input read with its axes permuted.

use crate::array::{Array, Op};
use crate::error::ArrayError;

impl Array {
    /// The transpose (numpy's `.T`: axes reversed; a vector or a scalar is
    /// returned as it is).
    pub fn transpose(&self) -> Array {
        if self.ndim() < 2 {
            return self.clone();
        }
        let perm: Vec<usize> = (0..self.ndim()).rev().collect();
        self.permuted(perm)
    }

    /// Short for [`Array::transpose`].
    pub fn t(&self) -> Array {
        self.transpose()
    }

    /// The axes permuted (numpy's `transpose(axes)`): axis `k` of the result
    /// is axis `axes[k]` of `self`. An error unless `axes` names every axis
    /// once.
    ///
    /// ```
    /// let a = chunked_array::zeros(&[2, 3, 4], 2)?;
    /// assert_eq!(a.transpose_axes(&[1, 2, 0])?.shape(), &[3, 4, 2]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn transpose_axes(&self, axes: &[usize]) -> Result<Array, ArrayError> {
        if axes.len() != self.ndim() {
            return Err(ArrayError::InvalidParameter {
                name: "transpose axes",
                value: format!(
                    "{axes:?} do not name the {} axes of an array of shape {}",
                    self.ndim(),
                    crate::Shape(self.shape())
                ),
            });
        }
        let mut seen = vec![false; self.ndim()];
        for &a in axes {
            let slot = seen
                .get_mut(a)
                .ok_or_else(|| ArrayError::AxisOutOfRange { axis: a, shape: self.shape().to_vec() })?;
            if *slot {
                return Err(ArrayError::RepeatedAxis {
                    op: "transpose",
                    axis: a,
                    shape: self.shape().to_vec(),
                });
            }
            *slot = true;
        }
        if axes.iter().enumerate().all(|(k, &a)| k == a) {
            return Ok(self.clone());
        }
        Ok(self.permuted(axes.to_vec()))
    }

    fn permuted(&self, perm: Vec<usize>) -> Array {
        let shape = perm.iter().map(|&a| self.shape()[a]).collect();
        let chunks = perm.iter().map(|&a| self.chunks()[a].clone()).collect();
        Array::from_parts(shape, chunks, Op::Transpose(self.clone(), perm))
    }
}
