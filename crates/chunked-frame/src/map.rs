//! `map_partitions`: a user function applied to each partition, with the
//! schema it returns declared up front (dask's `meta`), so that the rest
//! of the plan can be checked before anything is read. Errors, the
//! function's own and a frame unlike the declared schema, name the
//! partition: its number, file and byte range.

use std::sync::Arc;

use crate::column::DataFrame;
use crate::dtype::{DType, Schema};
use crate::error::{FrameError, Result};
use crate::frame::{LazyFrame, Op};

impl LazyFrame {
    /// Applies `f` to every partition (dask's `map_partitions`): `f` gets
    /// the partition's rows with every column of the frame so far and
    /// returns a frame of the columns and types `schema` declares (int64
    /// and float64 may stand for each other). A failure of `f` or a frame
    /// unlike `schema` stops the computation with
    /// [`FrameError::MapPartitions`], naming `name` and the partition (its
    /// number, file and byte range).
    ///
    /// ```
    /// use chunked_frame::{read_csv, Column, CsvOptions, DType, DataFrame, Field, Schema};
    /// use executors::Executor;
    /// let path = std::env::temp_dir().join(format!("doc-map-{}.csv", std::process::id()));
    /// std::fs::write(&path, "a\n1\n2\n3\n")?;
    /// let schema = Schema { fields: vec![Field { name: "rows".into(), dtype: DType::Int64 }] };
    /// let counts = read_csv(path.to_str().unwrap(), Default::default())?
    ///     .map_partitions("count", |f: DataFrame| {
    ///         let rows = Column::Int64 { values: vec![i64::try_from(f.height())?], valid: vec![] };
    ///         Ok(DataFrame::new(vec!["rows".into()], vec![rows])?)
    ///     }, schema)
    ///     .compute(&Executor::sequential())?;
    /// assert_eq!(counts.row(0), [chunked_frame::Value::Int(3)]);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_partitions(
        self,
        name: &str,
        f: impl Fn(DataFrame) -> std::result::Result<DataFrame, MapError> + Send + Sync + 'static,
        schema: Schema,
    ) -> LazyFrame {
        self.with_op(Op::Map(MapPartitions::new(name, f, schema)))
    }
}

/// The error a partition function returns.
pub type MapError = Box<dyn std::error::Error + Send + Sync>;

/// The function of a [`crate::LazyFrame::map_partitions`] call.
type PartitionFn = dyn Fn(DataFrame) -> std::result::Result<DataFrame, MapError> + Send + Sync;

/// A function over partitions and the schema it declares.
pub(crate) struct MapPartitions {
    pub(crate) name: String,
    f: Box<PartitionFn>,
    pub(crate) schema: Schema,
    /// `None` for a user's function, which gets every column and returns
    /// the declared ones; for this crate's own row operations
    /// (`dropna`...), the columns they read, every other column passing
    /// through unchanged (so projection pushdown goes on through them).
    pub(crate) reads: Option<Vec<String>>,
}

impl std::fmt::Debug for MapPartitions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapPartitions").field("name", &self.name).field("schema", &self.schema).finish()
    }
}

impl PartialEq for MapPartitions {
    /// The same call: the same shared function.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// Where a partition is, for messages: number, file and byte range.
pub(crate) struct Place {
    pub(crate) partition: usize,
    pub(crate) location: String,
}

impl MapPartitions {
    pub(crate) fn new(
        name: &str,
        f: impl Fn(DataFrame) -> std::result::Result<DataFrame, MapError> + Send + Sync + 'static,
        schema: Schema,
    ) -> Arc<Self> {
        Arc::new(Self { name: name.to_owned(), f: Box::new(f), schema, reads: None })
    }

    /// A row operation of this crate that reads `reads` and keeps the
    /// columns it gets (whichever the query needs), with `schema` after it.
    pub(crate) fn passthrough(
        name: &str,
        f: impl Fn(DataFrame) -> std::result::Result<DataFrame, MapError> + Send + Sync + 'static,
        schema: Schema,
        reads: Vec<String>,
    ) -> Arc<Self> {
        Arc::new(Self { name: name.to_owned(), f: Box::new(f), schema, reads: Some(reads) })
    }

    /// Applies the function to one partition and checks what it returns
    /// against the declared schema (int64 and float64 stand for each
    /// other: a partition may have widened an int column).
    pub(crate) fn call(&self, frame: DataFrame, place: &Place) -> Result<DataFrame> {
        let fail = |message: String| FrameError::MapPartitions {
            name: self.name.clone(),
            partition: place.partition,
            location: place.location.clone(),
            message,
        };
        let out = (self.f)(frame).map_err(|e| fail(e.to_string()))?;
        if self.reads.is_some() {
            return Ok(out);
        }
        let numeric = |t: DType| matches!(t, DType::Int64 | DType::Float64);
        let fits = out.names().len() == self.schema.fields.len()
            && out.names().iter().zip(out.columns()).zip(&self.schema.fields).all(|((n, c), f)| {
                *n == f.name && (c.dtype() == f.dtype || numeric(c.dtype()) && numeric(f.dtype))
            });
        if !fits {
            let got: Vec<String> =
                out.names().iter().zip(out.columns()).map(|(n, c)| format!("{n}: {}", c.dtype())).collect();
            let want: Vec<String> =
                self.schema.fields.iter().map(|f| format!("{}: {}", f.name, f.dtype)).collect();
            return Err(fail(format!(
                "it returned columns [{}] where the declared schema is [{}]",
                got.join(", "),
                want.join(", ")
            )));
        }
        Ok(out)
    }
}
