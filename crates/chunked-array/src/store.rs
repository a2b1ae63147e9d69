//! Results that leave memory: [`Array::store`] hands every block to a
//! [`BlockWriter`] as soon as it is computed (dask's `store`), so that only
//! the blocks in flight are held; [`Array::to_npy`] writes numpy's `.npy`
//! format that way; [`Array::compute_within`] refuses a result larger than
//! a memory budget and suggests `to_npy`; [`Array::persist`] keeps a
//! computed array's blocks ([`Array::persist_within`] under a budget).

use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use executors::Executor;
use ndarray::{ArrayD, ArrayViewD};

use crate::array::Array;
use crate::error::ArrayError;
use crate::plan::Plan;
use crate::writer::BlockWriter;

impl Array {
    /// Computes the array and hands each block to `writer` as soon as it
    /// exists (dask's `da.store`): blocks are dropped once written, so an
    /// array larger than memory can be stored.
    pub fn store(&self, writer: Arc<dyn BlockWriter>, exec: &Executor) -> Result<(), ArrayError> {
        Plan::new(&[self]).store(writer, exec)
    }

    /// Writes the array to `path` in numpy's `.npy` format (little-endian
    /// `f64`, C order), block by block: the file is written beside the
    /// target under a temporary name and renamed over it only when every
    /// block is written and synced, so a failure leaves no partial file.
    ///
    /// ```
    /// use chunked_array::{from_npy, random};
    /// use executors::Executor;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("x.npy");
    /// let exec = Executor::sequential();
    /// let x = random::standard_normal(0, &[30, 20, 10], 7)?;
    /// x.to_npy(&path, &exec)?;
    /// assert_eq!(from_npy(&path, 11)?.compute(&exec)?, x.compute(&exec)?);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn to_npy(&self, path: impl AsRef<Path>, exec: &Executor) -> Result<(), ArrayError> {
        let path = path.as_ref();
        let fail = |reason: String| ArrayError::Npy { path: path.to_path_buf(), reason };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".chunked-array-")
            .suffix(".npy.tmp")
            .tempfile_in(dir)
            .map_err(|e| fail(format!("cannot create a temporary file in {}: {e}", dir.display())))?;
        let header = crate::npy::header_bytes(self.shape());
        let data = self.size().checked_mul(size_of::<f64>()).and_then(|b| u64::try_from(b).ok()).ok_or_else(
            || fail(format!("shape {} has more bytes than a file can hold", crate::Shape(self.shape()))),
        )?;
        let file = temp.as_file();
        file.write_all_at(&header, 0).map_err(|e| fail(e.to_string()))?;
        file.set_len(header.len() as u64 + data).map_err(|e| fail(e.to_string()))?;
        let writer = Arc::new(NpyWriter {
            file: file.try_clone().map_err(|e| fail(e.to_string()))?,
            offset: header.len() as u64,
            shape: self.shape().to_vec(),
        });
        self.store(writer, exec)?;
        file.sync_all().map_err(|e| fail(e.to_string()))?;
        temp.persist(path).map_err(|e| fail(e.to_string()))?;
        Ok(())
    }

    /// Computes the array and keeps it in memory, cut as before (dask's
    /// `persist`): later computations read its blocks instead of
    /// recomputing it. Memory: the whole array ([`Array::nbytes`]) is held
    /// until the last clone of the returned array is dropped;
    /// [`Array::persist_within`] refuses an array over a budget, and an
    /// array larger than memory is better written with [`Array::to_npy`]
    /// and read back with [`crate::from_npy`].
    ///
    /// ```
    /// use executors::Executor;
    /// let exec = Executor::sequential();
    /// let x = chunked_array::random::standard_normal(0, &[100, 10], 30)?;
    /// let kept = (&x - &x.mean(0)?)?.persist(&exec)?;
    /// assert_eq!(kept.chunks(), x.chunks());
    /// assert!(kept.mean(..)?.compute_scalar(&exec)?.abs() < 1e-12);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn persist(&self, exec: &Executor) -> Result<Array, ArrayError> {
        let values = self.compute(exec)?;
        let chunks = crate::Chunks::Explicit(self.chunks().to_vec());
        Array::source(self.shape(), chunks, crate::array::Op::FromArray(Arc::new(values)))
    }

    /// [`Array::persist`], refused with [`ArrayError::TooLarge`] before any
    /// work when the array would take more than `budget_bytes` of memory.
    ///
    /// ```
    /// use executors::Executor;
    /// let x = chunked_array::random::standard_normal(0, &[1000, 1000], 250)?;
    /// assert!(x.persist_within(&Executor::sequential(), 1 << 20).is_err());
    /// assert_eq!(x.mean(0)?.persist_within(&Executor::sequential(), 1 << 20)?.shape(), &[1000]);
    /// # Ok::<(), chunked_array::ArrayError>(())
    /// ```
    pub fn persist_within(&self, exec: &Executor, budget_bytes: usize) -> Result<Array, ArrayError> {
        match self.size().checked_mul(size_of::<f64>()) {
            Some(b) if b <= budget_bytes => self.persist(exec),
            _ => Err(ArrayError::TooLarge { shape: self.shape().to_vec(), budget: budget_bytes }),
        }
    }

    /// [`Array::compute`], refused with [`ArrayError::TooLarge`] before any
    /// work when the result would take more than `budget_bytes` of memory
    /// (write such a result with [`Array::to_npy`] or [`Array::store`]).
    pub fn compute_within(&self, exec: &Executor, budget_bytes: usize) -> Result<ArrayD<f64>, ArrayError> {
        let bytes = self.size().checked_mul(size_of::<f64>());
        match bytes {
            Some(b) if b <= budget_bytes => self.compute(exec),
            _ => Err(ArrayError::TooLarge { shape: self.shape().to_vec(), budget: budget_bytes }),
        }
    }
}

/// Writes blocks into an `.npy` file's data by positional writes, one per
/// run of consecutive elements.
struct NpyWriter {
    file: File,
    offset: u64,
    shape: Vec<usize>,
}

impl BlockWriter for NpyWriter {
    fn write_block(&self, region: &[Range<usize>], block: ArrayViewD<'_, f64>) -> Result<(), String> {
        let values = block.as_slice().ok_or("a block is not contiguous")?;
        let mut bytes: Vec<u8> = Vec::new();
        let mut at = 0;
        for (flat, len) in crate::region::runs(&self.shape, region) {
            bytes.clear();
            for v in &values[at..at + len] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            let pos = self.offset + (flat * size_of::<f64>()) as u64;
            self.file.write_all_at(&bytes, pos).map_err(|e| e.to_string())?;
            at += len;
        }
        Ok(())
    }
}
