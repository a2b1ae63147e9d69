//! Typed errors: every one names the file, the 1-based line and the column
//! where the data is at fault, or the column a query names.

use std::path::PathBuf;

/// Why a frame could not be read or a query run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A file could not be opened or read.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause (in the message, so not repeated as a source).
        error: std::io::Error,
    },
    /// A file's name says it is compressed in a format this crate does not
    /// read (pandas infers `.xz`, `.zip`, `.tar` and others by name).
    #[error(
        "{}: {format}-compressed by its name, which is not read (gzip, zstd and bzip2 are); \
         decompress it, or set CsvOptions::compression if the name is wrong",
        path.display()
    )]
    UnsupportedCompression {
        /// The file.
        path: PathBuf,
        /// The format its name says.
        format: &'static str,
    },
    /// A compressed file could not be decoded: it is corrupt, truncated,
    /// or not in the format its name (or the option) says.
    #[error("{}: the {format} data cannot be decoded (corrupt, truncated or not {format}): {error}", path.display())]
    Decompress {
        /// The file.
        path: PathBuf,
        /// `gzip`, `zstd` or `bzip2`.
        format: &'static str,
        /// The decoder's error.
        error: std::io::Error,
    },
    /// A Parquet file could not be read or written: it is corrupt, or its
    /// schema has a column this crate cannot hold.
    #[error("{}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A path or glob matched no file.
    #[error("no file matches {0}")]
    NoFiles(String),
    /// A file is empty (not even a header).
    #[error("{}: the file is empty (no header line)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The header names a column twice.
    #[error("{}, line 1: column {name:?} appears twice in the header (columns {first} and {second})", path.display())]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The name.
        name: String,
        /// Its first position, from 1.
        first: usize,
        /// Its second position, from 1.
        second: usize,
    },
    /// Files of one read have different headers.
    #[error("{}: its header differs from that of {}", path.display(), first.display())]
    HeaderMismatch {
        /// The file.
        path: PathBuf,
        /// The first file read.
        first: PathBuf,
    },
    /// A row of the data is wrong.
    #[error("{}, line {line}{}: {problem}", path.display(), match column { Some(c) => format!(", column {c:?}"), None => String::new() })]
    Row {
        /// The file.
        path: PathBuf,
        /// The 1-based line where the row starts.
        line: u64,
        /// The column, when one field is at fault.
        column: Option<String>,
        /// What is wrong.
        problem: RowProblem,
    },
    /// A group-by would make two output columns of one name: the same
    /// aggregation of the same column twice, or an output named as a key.
    #[error("the group-by would make two columns named {name:?}: ask each aggregation of a column once")]
    DuplicateOutput {
        /// The name.
        name: String,
    },
    /// Integer arithmetic in an expression left int64 (pandas wraps
    /// around silently; this refuses).
    #[error(
        "integer overflow in {expression}: {left} and {right} give a result outside int64 \
         (make a side a float, e.g. multiply it by lit(1.0), for float arithmetic)"
    )]
    IntegerOverflow {
        /// The expression.
        expression: String,
        /// Its left operand's value.
        left: i64,
        /// Its right operand's value.
        right: i64,
    },
    /// A query names a column the data does not have.
    #[error("unknown column {name:?}; the columns are: {}", available.join(", "))]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The columns there are.
        available: Vec<String>,
    },
    /// A dtype override or usecols entry names a column the header lacks.
    #[error("{option} names column {name:?}, which the header of {} lacks", path.display())]
    UnknownOptionColumn {
        /// `dtype` or `usecols`.
        option: &'static str,
        /// The name.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// An operation does not apply to a column's type.
    #[error("column {column:?} is {dtype}: {operation} does not apply")]
    Type {
        /// The column.
        column: String,
        /// Its type.
        dtype: crate::DType,
        /// What was asked.
        operation: String,
    },
    /// A bad option.
    #[error("invalid option {name}: {message}")]
    Option {
        /// The option.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A quantile level outside `[0, 1]` (or NaN).
    #[error("quantile {q} of column {column:?} is outside [0, 1]")]
    Quantile {
        /// The value column.
        column: String,
        /// The level asked for.
        q: f64,
    },
    /// A group-by's medians, quantiles or `nunique` counts would hold more
    /// values than [`crate::Aggregation::max_held_values`] allows.
    #[error(
        "the group-by holds {held} values for its medians, quantiles and nunique counts, more than its limit of {limit}; raise Aggregation::max_held_values or aggregate fewer rows"
    )]
    TooManyHeldValues {
        /// Values held when the limit was passed.
        held: u64,
        /// The limit.
        limit: u64,
    },
    /// The small side of a broadcast join has more rows than allowed (a
    /// join of two large inputs is not supported).
    #[error(
        "the right side of the join has {rows} rows, more than its limit of {limit}: only a small table is joined (broadcast to every partition); raise JoinOptions::max_right_rows if it fits in memory"
    )]
    JoinTooLarge {
        /// Rows of the right side.
        rows: usize,
        /// The limit.
        limit: usize,
    },
    /// Join keys of types that cannot match (a string with a number, say).
    #[error("join key {left:?} is {left_dtype} but right key {right:?} is {right_dtype}: they cannot match")]
    JoinKeyTypes {
        /// The left key.
        left: String,
        /// Its type.
        left_dtype: crate::DType,
        /// The right key.
        right: String,
        /// Its type.
        right_dtype: crate::DType,
    },
    /// The function of a `map_partitions` call failed on a partition, or
    /// returned columns other than the declared schema.
    #[error("map_partitions {name:?} failed on partition {partition} ({location}): {message}")]
    MapPartitions {
        /// The name given to the call.
        name: String,
        /// The partition, from 0.
        partition: usize,
        /// Its file and byte range.
        location: String,
        /// What went wrong.
        message: String,
    },
    /// [`crate::LazyFrame::persist_within`]: the partitions computed
    /// hold more bytes than its budget.
    #[error(
        "persisting the frame ({partitions} partitions) holds {held} bytes, more than its budget of {budget} bytes: persist a filtered or selected frame, raise the budget, or write it with to_parquet and read that"
    )]
    PersistTooLarge {
        /// Bytes held when the budget was passed.
        held: usize,
        /// The budget.
        budget: usize,
        /// Partitions of the frame.
        partitions: usize,
    },
    /// The executor failed (a task panicked, or workers were misconfigured).
    #[error(transparent)]
    Exec(#[from] executors::ExecError),
}

/// What is wrong with a row.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowProblem {
    /// The row has more fields than the header (a row with fewer reads as
    /// if the missing ones were empty, as pandas pads it).
    #[error("expected {expected} fields, found {found}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// A value does not parse as its column's type.
    #[error("{value:?} is not a valid {dtype}{hint}")]
    Parse {
        /// The text.
        value: String,
        /// The column's type.
        dtype: crate::DType,
        /// A hint, such as overriding the inferred type.
        hint: &'static str,
    },
    /// A string column holds bytes that are not UTF-8.
    #[error("invalid UTF-8")]
    Utf8,
    /// A partition holds more distinct strings in one column than codes
    /// (about four billion).
    #[error("more distinct strings than a column can hold (2^32 - 1)")]
    TooManyStrings,
    /// A quoted field is never closed.
    #[error("a quoted field is not closed before the end of the file")]
    UnclosedQuote,
}

/// Convenience alias.
pub type Result<T, E = FrameError> = std::result::Result<T, E>;
