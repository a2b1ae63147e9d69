//! [`LazyFrame::persist`] (dask's `DataFrame.persist`): a lazy frame's
//! partitions computed once and kept in memory, each with every column of
//! the frame's schema; the frame it returns reads them instead of the files,
//! so later queries (filters, group-bys, `len`, `head`, joins, ...) neither
//! read nor parse again, and see the data as it was when persisted. A
//! query's partition task copies only the kept columns it reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use executors::Executor;

use crate::column::{Column, DataFrame};
use crate::error::{FrameError, Result};
use crate::failure::Failures;
use crate::frame::{LazyFrame, ReadStats};

/// A frame's partitions, computed and held.
#[derive(Debug)]
pub(crate) struct Kept {
    /// Per partition: its rows after the first `ops` operations, in the
    /// columns of the schema at that point.
    frames: Vec<DataFrame>,
    /// The names of those columns.
    names: Vec<String>,
    /// How many of the frame's operations the kept partitions went through.
    pub(crate) ops: usize,
    /// The bytes the partitions hold (as [`frame_bytes`] counts them).
    pub(crate) bytes: usize,
}

impl Kept {
    /// Partition `p`'s columns at `columns` (positions from
    /// [`Kept::positions`]) as a read would return them: a copy of those
    /// columns only (later operations own their input), and what was read:
    /// nothing from files.
    pub(crate) fn partition(&self, p: usize, columns: &[usize]) -> (DataFrame, ReadStats) {
        let stats = ReadStats { partitions: 1, skipped_rows: 0, most_bytes_read: 0 };
        let Some(frame) = self.frames.get(p) else { return (DataFrame::default(), stats) };
        if columns.is_empty() {
            return (DataFrame::rows_only(frame.height()), stats);
        }
        let picked = columns
            .iter()
            .filter_map(|&c| Some((self.names.get(c)?.clone(), frame.columns().get(c)?.clone())));
        let (names, cols): (Vec<String>, Vec<Column>) = picked.unzip();
        (DataFrame::from_parts(names, cols), stats)
    }

    /// The positions of the kept columns a query reads, sorted; an error
    /// names a column the kept partitions lack.
    pub(crate) fn positions(&self, wanted: &[String]) -> Result<Vec<usize>> {
        let mut out: Vec<usize> = Vec::with_capacity(wanted.len());
        for w in wanted {
            let i = self.names.iter().position(|n| n == w).ok_or_else(|| FrameError::UnknownColumn {
                name: w.clone(),
                available: self.names.clone(),
            })?;
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// The plan's line for the kept partitions and the columns a query
    /// reads of them.
    pub(crate) fn explain(&self, columns: &[usize]) -> String {
        let names: Vec<&str> =
            columns.iter().filter_map(|&c| self.names.get(c).map(String::as_str)).collect();
        format!(
            "Persisted ({} partitions in memory, {} bytes), read [{}] ({} of {} columns)",
            self.frames.len(),
            self.bytes,
            names.join(", "),
            names.len(),
            self.names.len()
        )
    }
}

impl LazyFrame {
    /// Computes every partition of the frame once and keeps them in memory
    /// (dask's `persist`): the frame returned answers every later query
    /// from them, so the files are neither read nor parsed again (and a
    /// file changed or deleted afterwards does not change its answers).
    /// The partitions stay as they were (one kept frame per partition), so
    /// results equal the unpersisted frame's, bit for bit.
    ///
    /// Memory: the whole frame is held, every column of its schema, until
    /// the last clone of the returned frame is dropped; persist a filtered
    /// or [`LazyFrame::select`]ed frame to hold less.
    /// [`LazyFrame::persist_within`] refuses a frame over a budget.
    ///
    /// ```
    /// use chunked_frame::{col, lit, read_csv, CsvOptions};
    /// use executors::Executor;
    /// let path = std::env::temp_dir().join(format!("doc-persist-{}.csv", std::process::id()));
    /// std::fs::write(&path, "a,b\n1,x\n2,y\n3,x\n")?;
    /// let exec = Executor::sequential();
    /// let kept = read_csv(path.to_str().unwrap(), CsvOptions::default())?
    ///     .filter(col("a").gt(lit(1)))
    ///     .persist(&exec)?;
    /// std::fs::remove_file(&path)?;
    /// assert_eq!(kept.len(&exec)?, 2);
    /// assert_eq!(kept.groupby(&["b"]).sum("a").compute(&exec)?.height(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn persist(&self, exec: &Executor) -> Result<LazyFrame> {
        self.persist_within(exec, usize::MAX)
    }

    /// [`LazyFrame::persist`], stopped with [`FrameError::PersistTooLarge`]
    /// as soon as the partitions computed so far hold more than
    /// `budget_bytes` (8 bytes a number, 1 a boolean and a validity flag, 4
    /// a string code plus each distinct string's bytes once per partition);
    /// nothing is kept then.
    pub fn persist_within(&self, exec: &Executor, budget_bytes: usize) -> Result<LazyFrame> {
        let names = self.schema()?.names();
        let run = self.partition_runner()?;
        let n = self.partitions();
        let held = AtomicUsize::new(0);
        let errors = Failures::new(n);
        let frames = exec.map((0..n).collect(), |p: usize| {
            let frame = run(p).and_then(|f| {
                let bytes = frame_bytes(&f);
                let total = held.fetch_add(bytes, Ordering::Relaxed).saturating_add(bytes);
                if total > budget_bytes {
                    return Err(FrameError::PersistTooLarge {
                        held: total,
                        budget: budget_bytes,
                        partitions: n,
                    });
                }
                Ok(f)
            });
            errors.keep(p, frame)
        });
        let frames = errors.finish(frames, |q| run(q).map(drop))?;
        let bytes = frames.iter().map(frame_bytes).fold(0usize, usize::saturating_add);
        let kept = Arc::new(Kept { frames, names, ops: self.ops.len(), bytes });
        Ok(LazyFrame { kept: Some(kept), ..self.clone() })
    }
}

/// The bytes a frame's columns hold: values, validity, string codes and
/// dictionaries.
pub(crate) fn frame_bytes(frame: &DataFrame) -> usize {
    frame
        .columns()
        .iter()
        .map(|c| match c {
            Column::Int64 { values, valid } => values.len() * 8 + valid.len(),
            Column::Float64 { values, valid } => values.len() * 8 + valid.len(),
            Column::Bool { values, valid } => values.len() + valid.len(),
            Column::Str { dict, codes } => codes.len() * 4 + dict.iter().map(|s| s.len() + 24).sum::<usize>(),
        })
        .fold(0usize, usize::saturating_add)
}
