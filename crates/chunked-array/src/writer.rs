//! [`BlockWriter`]: where computed blocks go when a result leaves memory
//! (the plan hands them over; `store.rs` builds the writers users call).

use std::ops::Range;

use ndarray::ArrayViewD;

/// Where [`Array::store`](crate::Array::store) puts blocks: called from the executor's workers,
/// in any order, once per block, with the block's element ranges in the
/// whole array and its values (standard layout).
pub trait BlockWriter: Send + Sync {
    /// Writes one block; an error stops the computation and is reported.
    fn write_block(&self, region: &[Range<usize>], block: ArrayViewD<'_, f64>) -> Result<(), String>;
}
