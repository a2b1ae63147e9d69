//! dask.dataframe for CSV files larger than memory.
//!
//! [`read_csv`] reads a file or a glob lazily: the header now, types
//! inferred from a sample (overridable), the data in byte-range partitions
//! when a query is computed (quoted files too; `.gz` and `.zst` files one
//! streaming partition each). [`read_parquet`] reads Parquet, a partition
//! per row group, decoding only the columns a query uses. A query ([`LazyFrame`]: filter, select, derived
//! columns, group-by aggregations, head, len, value_counts, describe, CSV
//! output) becomes a task graph run by the
//! `executors` crate under any strategy: one task per partition parses only
//! the columns the query uses, filters, and aggregates partially; partial
//! aggregates merge in a tree. Memory is bounded by the partitions in flight.
//!
//! The analyses users run next are pandas' too, and tested against pandas'
//! results: exact group-by medians and quantiles, `nunique`, first and
//! last ([`Agg`], [`GroupBy::agg_each`] for several aggregations of several
//! columns in one pass); joins with a small table ([`LazyFrame::merge`], a
//! broadcast hash join; a join of two large inputs is not supported);
//! [`LazyFrame::map_partitions`]; and [`DataFrame::sort_values`],
//! `drop_duplicates`, `dropna`, `fillna` and `tail`.
//!
//! Where pandas reads a file, the answer is pandas': its missing-value
//! texts (`NA`, `NaN`, `null`, ..., [`DEFAULT_NA_VALUES`]) are null in every
//! column type; an int column meeting `5.5` after the sample becomes
//! float64; a byte-order mark, lone `\r` line ends and `"JFK"x` read as in
//! pandas; group sums, minima and maxima of int columns are int; a
//! comparison with null is false except under `ne`. A value no type of its
//! column can hold is an error naming the file, line, column, value and the
//! option that would read it.
//!
//! ```
//! use chunked_frame::{col, read_csv, CsvOptions};
//! use executors::{Executor, Strategy};
//! let path = std::env::temp_dir().join(format!("doc-flights-{}.csv", std::process::id()));
//! std::fs::write(&path, "ORIGIN_AIRPORT,DEPARTURE_DELAY\nJFK,10\nLGA,\nJFK,-4\nBOS,7\nEWR,3\n")?;
//! let delays = read_csv(path.to_str().unwrap(), CsvOptions::default())?
//!     .filter(col("ORIGIN_AIRPORT").isin(["JFK", "LGA", "EWR"]))
//!     .groupby(&["ORIGIN_AIRPORT"])
//!     .mean("DEPARTURE_DELAY")
//!     .compute(&Executor::new(Strategy::Graph, 2)?)?;
//! assert_eq!(delays.names(), ["ORIGIN_AIRPORT", "DEPARTURE_DELAY_mean"]);
//! // EWR, JFK, LGA (sorted); LGA's only delay is null, so its mean is null.
//! assert_eq!(delays.height(), 3);
//! assert!(delays.columns()[1].is_null(2));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aggs;
mod builder;
mod column;
mod compressed;
mod csv;
mod decode;
mod dtype;
mod error;
mod expr;
mod extra;
mod failure;
pub mod flights;
mod frame;
mod groupby;
mod gzip;
mod held;
mod join;
mod map;
mod na;
mod ops;
mod parquet;
mod parse;
mod persist;
mod pieces;
mod quoted;
mod read;
mod rows;
mod split;
mod tokenizer;

pub use column::{Column, DataFrame, NULL_CODE, Value};
pub use csv::{BadRows, CsvOptions};
pub use decode::Compression;
pub use dtype::{DType, Field, Schema};
pub use error::{FrameError, Result, RowProblem};
pub use expr::{ArithOp, CmpOp, Expr, col, lit};
pub use frame::{Aggregation, GroupBy, LazyFrame, PartialAggregate, ReadStats, read_csv};
pub use groupby::Agg;
pub use held::DEFAULT_MAX_HELD_VALUES;
pub use join::{DEFAULT_MAX_RIGHT_ROWS, JoinOptions, JoinType};
pub use map::MapError;
pub use na::DEFAULT_NA_VALUES;
pub use ops::{DropHow, Keep, NaPosition, SortOptions};
pub use parquet::{ParquetOptions, ParquetWriter, WriterOptions, read_parquet};
pub use split::Partition;
