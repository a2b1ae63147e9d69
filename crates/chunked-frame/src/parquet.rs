//! Parquet input and output through the `parquet` crate's own column
//! readers and writers (no arrow): [`read_parquet`] plans one partition per
//! row group and decodes only the column chunks a query needs; a
//! [`ParquetWriter`] writes frames as row groups; columns convert at the
//! edge to the crate's own [`Column`]s.
//!
//! Flat schemas only: each column a primitive at the top level, booleans,
//! 32- and 64-bit integers (signed or unsigned; an unsigned 64-bit value
//! beyond int64 is an error when read), floats,
//! doubles and byte arrays (strings, which must be UTF-8). Nested, decimal,
//! timestamp, date, time, 96-bit and fixed-length columns are refused with
//! an error naming them, unless `ParquetOptions::columns` leaves them out.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{LogicalType, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, DataType};
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader, RowGroupMetaData};
use parquet::file::properties::ReaderProperties;
use parquet::file::reader::RowGroupReader;
use parquet::file::serialized_reader::{SerializedPageReader, SerializedRowGroupReader};
use parquet::schema::types::ColumnDescriptor;

use crate::builder::Builder;
use crate::column::{Column, DataFrame, Value};
use crate::csv::{self, CsvOptions, Format, Parsed, Source};
use crate::dtype::{DType, Field, Schema};
use crate::error::{FrameError, Result};
use crate::frame::LazyFrame;
use crate::na::NaSet;
use crate::split::Partition;

mod encode;
mod pages;
mod write;

pub use write::{ParquetWriter, WriterOptions};

/// Options of [`read_parquet`].
#[derive(Clone, Debug, Default)]
pub struct ParquetOptions {
    /// Only these columns exist for the query (all when `None`); the
    /// others are never decoded, nor are those a query does not use.
    pub columns: Option<Vec<String>>,
    /// Adds a string column of this name holding each row's file path.
    pub include_path_column: Option<String>,
}

impl ParquetOptions {
    /// Keeps only these columns.
    pub fn columns(mut self, columns: &[&str]) -> Self {
        self.columns = Some(columns.iter().map(|c| (*c).to_owned()).collect());
        self
    }

    /// Adds a string column `name` holding each row's file path.
    pub fn include_path_column(mut self, name: &str) -> Self {
        self.include_path_column = Some(name.to_owned());
        self
    }
}

/// Reads one Parquet file or a glob of them, lazily: the footers are read
/// now, the row groups (one partition each) when a query is computed, and
/// of them only the columns the query uses.
pub fn read_parquet(path: &str, options: ParquetOptions) -> Result<LazyFrame> {
    Ok(LazyFrame::from_source(open(path, options)?))
}

fn parquet_error(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> FrameError + '_ {
    move |e| FrameError::Parquet { path: path.to_owned(), message: e.to_string() }
}

/// A file's footer, parsed.
fn footer(path: &Path) -> Result<Arc<ParquetMetaData>> {
    let file = File::open(path).map_err(|error| FrameError::Io { path: path.to_owned(), error })?;
    let meta = ParquetMetaDataReader::new().parse_and_finish(&file).map_err(parquet_error(path))?;
    Ok(Arc::new(meta))
}

/// The crate's type for a Parquet column, or why it has none.
fn dtype_of(c: &ColumnDescriptor) -> std::result::Result<DType, String> {
    if c.max_rep_level() > 0 || c.path().parts().len() != 1 {
        return Err("nested or repeated".into());
    }
    // Types whose numbers mean something else (a decimal's scale, a
    // timestamp's unit and epoch): refused rather than read as bare
    // integers (from the logical type, or an older file's converted type).
    use parquet::basic::ConvertedType as Converted;
    match (c.logical_type_ref(), c.converted_type()) {
        (Some(LogicalType::Decimal { .. }), _) | (_, Converted::DECIMAL) => return Err("decimal".into()),
        (Some(LogicalType::Timestamp { .. }), _)
        | (_, Converted::TIMESTAMP_MILLIS | Converted::TIMESTAMP_MICROS) => return Err("a timestamp".into()),
        (Some(LogicalType::Date), _) | (_, Converted::DATE) => return Err("a date".into()),
        (Some(LogicalType::Time { .. }), _) | (_, Converted::TIME_MILLIS | Converted::TIME_MICROS) => {
            return Err("a time of day".into());
        }
        _ => {}
    }
    match c.physical_type() {
        Physical::BOOLEAN => Ok(DType::Bool),
        Physical::INT32 => Ok(DType::Int64),
        // Unsigned 64-bit integers too: a value beyond int64 is an error
        // when its row group is read (`check_unsigned`).
        Physical::INT64 => Ok(DType::Int64),
        Physical::FLOAT | Physical::DOUBLE => Ok(DType::Float64),
        Physical::BYTE_ARRAY => Ok(DType::Str),
        other => Err(format!("physical type {other}")),
    }
}

/// Resolves the files, reads their footers, plans a partition per row group.
fn open(pattern: &str, options: ParquetOptions) -> Result<Source> {
    let files = csv::resolve(pattern)?;
    let mut schema: Option<Schema> = None;
    let mut partitions = Vec::new();
    let mut footers = Vec::with_capacity(files.len());
    // Columns of a type this reader does not read: an error only if the
    // query may use them (not left out by `options.columns`). They keep
    // their place in the schema (a position is a column chunk's index),
    // typed text, never decoded.
    // (field name, the column's dotted path for messages, what it is, file)
    let mut unsupported: Vec<(String, String, String, std::path::PathBuf)> = Vec::new();
    for (fi, path) in files.iter().enumerate() {
        let meta = footer(path)?;
        let descr = meta.file_metadata().schema_descr();
        let mut fields = Vec::with_capacity(descr.num_columns());
        for c in descr.columns() {
            let dtype = dtype_of(c).unwrap_or_else(|what| {
                if !unsupported.iter().any(|u| u.0 == c.name()) {
                    unsupported.push((c.name().to_owned(), c.path().string(), what, path.clone()));
                }
                DType::Str
            });
            fields.push(Field { name: c.name().to_owned(), dtype });
        }
        let this = Schema { fields };
        match &schema {
            None => {
                for (i, a) in this.fields.iter().enumerate() {
                    if let Some(j) = this.fields[i + 1..].iter().position(|b| b.name == a.name) {
                        return Err(FrameError::DuplicateColumn {
                            path: path.clone(),
                            name: a.name.clone(),
                            first: i + 1,
                            second: i + j + 2,
                        });
                    }
                }
                schema = Some(this);
            }
            Some(s) if *s != this => {
                return Err(FrameError::HeaderMismatch { path: path.clone(), first: files[0].clone() });
            }
            Some(_) => {}
        }
        for g in 0..meta.num_row_groups() {
            if meta.row_group(g).num_rows() > 0 {
                // `as`: a row group index fits a u64.
                partitions.push(Partition { file: fi, start: g as u64, end: g as u64 + 1 });
            }
        }
        footers.push(meta);
    }
    let schema = schema.expect("resolve gives at least one file");
    if partitions.is_empty() {
        // No file has a row: one partition of no row groups (`no_rows`), so
        // that the frame is empty, with the files' types.
        partitions.push(Partition { file: 0, start: 0, end: 0 });
    }
    let names = schema.names();
    let visible = match &options.columns {
        None => (0..names.len()).collect(),
        Some(cols) => cols
            .iter()
            .map(|c| {
                names.iter().position(|n| n == c).ok_or_else(|| FrameError::UnknownOptionColumn {
                    option: "columns",
                    name: c.clone(),
                    path: files[0].clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    let refused: Vec<&(String, String, String, std::path::PathBuf)> =
        unsupported.iter().filter(|u| visible.iter().any(|&v| names[v] == u.0)).collect();
    if let Some((_, name, what, path)) = refused.first() {
        let others = if refused.len() > 1 {
            format!(
                " (also {})",
                refused[1..].iter().map(|u| format!("{:?}", u.1)).collect::<Vec<_>>().join(", ")
            )
        } else {
            String::new()
        };
        return Err(FrameError::Parquet {
            path: path.clone(),
            message: format!(
                "column {name:?} is {what}, which is not supported{others}; leave it out with \
                 ParquetOptions::columns to read the others"
            ),
        });
    }
    let n = files.len();
    let ncols = names.len();
    let mut source = Source {
        files,
        file_schema: schema,
        visible,
        entries: crate::quoted::Entries::new(0),
        partitions,
        compression: vec![crate::Compression::Uncompressed; n],
        eol: vec![b'\n'; n],
        forced: vec![true; ncols],
        na: NaSet::new(true, &[]),
        options: CsvOptions::default(),
        pattern: pattern.to_owned(),
        format: Format::Parquet,
        path_column: false,
        footers,
    };
    if let Some(name) = &options.include_path_column {
        source.add_path_column(name)?;
    }
    Ok(source)
}

/// Decodes one row group (partition), only `columns` (positions in the
/// schema). `bytes` is the compressed size of the column chunks read.
pub(crate) fn read_row_group(source: &Source, part: &Partition, columns: &[usize]) -> Result<Parsed> {
    if part.start == part.end {
        return Ok(no_rows(source, columns));
    }
    let group = Group::open(source, part)?;
    let mut out = Vec::with_capacity(columns.len());
    for &c in columns {
        out.push(group.column(c, None)?);
    }
    Ok(group.parsed(out, group.rows, columns))
}

/// [`read_row_group`] with `filter` applied as the row group is decoded:
/// the columns the condition uses first, then the others only at the rows
/// it keeps (numbers are never gathered into a column at the rows it
/// drops). The rows equal the unfiltered read's, filtered.
pub(crate) fn read_row_group_filtered(
    source: &Source,
    part: &Partition,
    columns: &[usize],
    filter: &crate::expr::Expr,
) -> Result<Parsed> {
    if part.start == part.end {
        return Ok(no_rows(source, columns));
    }
    let group = Group::open(source, part)?;
    let names: Vec<String> = columns.iter().map(|&c| source.file_schema.fields[c].name.clone()).collect();
    let used = filter.columns();
    // The condition's columns, decoded whole, in a frame of their own.
    let mut used_names = Vec::new();
    let mut used_columns = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if used.contains(name) {
            used_names.push(name.clone());
            used_columns.push(group.column(columns[i], None)?);
        }
    }
    let condition = DataFrame::from_parts(used_names, used_columns);
    let sel = selection(filter, &condition, group.rows)?;
    let all = sel.len() == group.rows;
    let mut out = Vec::with_capacity(columns.len());
    for (name, &c) in names.iter().zip(columns) {
        out.push(match condition.column(name) {
            Some(column) if all => column.clone(),
            Some(column) => gather(column, &sel),
            None => group.column(c, (!all).then_some(&sel[..]))?,
        });
    }
    let kept = sel.len();
    Ok(group.parsed(out, kept, columns))
}

/// The partition of a read whose files hold no row: `columns`, empty.
fn no_rows(source: &Source, columns: &[usize]) -> Parsed {
    let out = columns.iter().map(|&c| Column::empty(source.file_schema.fields[c].dtype)).collect();
    Parsed { columns: out, rows: 0, skipped: 0, bytes: 0 }
}

/// One row group of a file, opened for its column chunks with the file's
/// footer parsed when planning.
struct Group<'s> {
    file: Arc<File>,
    path: &'s Path,
    meta: &'s RowGroupMetaData,
    /// The row group's number in its file.
    index: usize,
    rows: usize,
}

impl<'s> Group<'s> {
    fn open(source: &'s Source, part: &Partition) -> Result<Self> {
        let path = source.files[part.file].as_path();
        let index = usize::try_from(part.start).expect("a row group index");
        let footer = source.footers.get(part.file).ok_or_else(|| FrameError::Parquet {
            path: path.to_owned(),
            message: "the file's footer was not read when planning".into(),
        })?;
        let meta = footer.row_group(index);
        let rows = usize::try_from(meta.num_rows()).map_err(|_| FrameError::Parquet {
            path: path.to_owned(),
            message: format!("row group {index} has a negative row count"),
        })?;
        let file = File::open(path).map_err(|error| FrameError::Io { path: path.to_owned(), error })?;
        Ok(Self { file: Arc::new(file), path, meta, index, rows })
    }

    /// Column `c`'s values, at the rows of `keep` (ascending) only when given.
    fn column(&self, c: usize, keep: Option<&[usize]>) -> Result<Column> {
        let chunk = self.meta.column(c);
        let descr = chunk.column_descr();
        read_chunk(&self.file, self.meta, c, descr, self.rows, keep).map_err(|message| FrameError::Parquet {
            path: self.path.to_owned(),
            message: format!("row group {}, column {:?}: {message}", self.index, descr.name()),
        })
    }

    /// What was read: `columns` (their chunks' compressed bytes counted),
    /// `rows` of them.
    fn parsed(&self, out: Vec<Column>, rows: usize, columns: &[usize]) -> Parsed {
        let bytes: u64 =
            columns.iter().map(|&c| u64::try_from(self.meta.column(c).compressed_size()).unwrap_or(0)).sum();
        Parsed { columns: out, rows, skipped: 0, bytes: usize::try_from(bytes).unwrap_or(usize::MAX) }
    }
}

/// A column chunk's values (at the rows of `keep`, ascending, when given): decoded
/// from its pages by [`pages::read`], or when that does not handle its
/// encodings, through the `parquet` crate's column reader.
fn read_chunk(
    file: &Arc<File>,
    meta: &RowGroupMetaData,
    c: usize,
    descr: &ColumnDescriptor,
    rows: usize,
    keep: Option<&[usize]>,
) -> std::result::Result<Column, String> {
    let chunk = meta.column(c);
    let mut reader =
        SerializedPageReader::new(Arc::clone(file), chunk, rows, None).map_err(|e| e.to_string())?;
    let column = match pages::read(&mut reader, descr, rows, keep)? {
        Some(column) => column,
        None => {
            let props = Arc::new(ReaderProperties::builder().build());
            let group = SerializedRowGroupReader::new(Arc::clone(file), meta, None, props)
                .map_err(|e| e.to_string())?;
            let column = read_column(&group, c, descr, rows)?;
            match keep {
                Some(keep) => gather(&column, keep),
                None => column,
            }
        }
    };
    check_unsigned(&column, descr)?;
    Ok(column)
}

/// The rows of `frame` (the columns `filter` uses, `rows` rows) that
/// `filter` keeps, ascending. `isin` on a string column, the talk's filter,
/// is answered from its codes in one pass; any other condition through its
/// mask.
fn selection(filter: &crate::expr::Expr, frame: &DataFrame, rows: usize) -> Result<Vec<usize>> {
    use crate::expr::Expr;
    if let Expr::IsIn(a, values) = filter
        && let Expr::Col(name) = &**a
        && let Some(Column::Str { dict, codes }) = frame.column(name)
    {
        let wanted: std::collections::HashSet<&str> = values
            .iter()
            .filter_map(|v| if let Value::Str(s) = v { Some(s.as_str()) } else { None })
            .collect();
        // Whether each code is kept; the null code (past the dictionary) is not.
        let hit: Vec<bool> = dict.iter().map(|s| wanted.contains(s.as_str())).collect();
        let mut sel = Vec::new();
        for (i, &c) in codes.iter().enumerate() {
            // `as`: a u32 code fits a usize.
            if hit.get(c as usize).copied().unwrap_or(false) {
                sel.push(i);
            }
        }
        return Ok(sel);
    }
    let keep = if frame.columns().is_empty() {
        crate::expr::mask(filter, &DataFrame::rows_only(rows))?
    } else {
        crate::expr::mask(filter, frame)?
    };
    Ok(keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i).collect())
}

/// The rows `at` (in range, ascending) of a column.
pub(crate) fn gather(column: &Column, at: &[usize]) -> Column {
    fn pick<T: Copy>(v: &[T], at: &[usize]) -> Vec<T> {
        at.iter().map(|&i| v[i]).collect()
    }
    fn pick_valid(valid: &[bool], at: &[usize]) -> Vec<bool> {
        if valid.is_empty() { Vec::new() } else { pick(valid, at) }
    }
    match column {
        Column::Int64 { values, valid } => {
            Column::Int64 { values: pick(values, at), valid: pick_valid(valid, at) }
        }
        Column::Float64 { values, valid } => {
            Column::Float64 { values: pick(values, at), valid: pick_valid(valid, at) }
        }
        Column::Bool { values, valid } => {
            Column::Bool { values: pick(values, at), valid: pick_valid(valid, at) }
        }
        Column::Str { dict, codes } => Column::Str { dict: dict.clone(), codes: pick(codes, at) },
    }
}

/// Refuses an unsigned 64-bit column holding a value beyond int64 (read
/// as a negative number), which the crate's columns cannot hold.
fn check_unsigned(column: &Column, descr: &ColumnDescriptor) -> std::result::Result<(), String> {
    let unsigned = matches!(descr.logical_type_ref(), Some(LogicalType::Integer { is_signed: false, .. }));
    if !unsigned || descr.physical_type() != Physical::INT64 {
        return Ok(());
    }
    let Column::Int64 { values, valid } = column else { return Ok(()) };
    let bad = values.iter().enumerate().find(|&(i, &v)| v < 0 && valid.get(i).is_none_or(|&ok| ok));
    match bad {
        Some((row, &v)) => Err(format!(
            "row {row} of this unsigned 64-bit column holds {}, beyond the largest int64 ({})",
            u64::from_ne_bytes(v.to_ne_bytes()),
            i64::MAX
        )),
        None => Ok(()),
    }
}

/// Reads every record of a column chunk: its non-null values and, when
/// it may be null, its definition levels.
fn read_all<T: DataType>(
    r: &mut ColumnReaderImpl<T>,
    rows: usize,
    nullable: bool,
) -> std::result::Result<(Vec<T::T>, Vec<i16>), String> {
    let mut values = Vec::with_capacity(rows);
    let mut defs = Vec::with_capacity(if nullable { rows } else { 0 });
    let mut total = 0;
    while total < rows {
        let (records, _, _) = r
            .read_records(rows - total, nullable.then_some(&mut defs), None, &mut values)
            .map_err(|e| e.to_string())?;
        if records == 0 {
            break;
        }
        total += records;
    }
    if total != rows {
        return Err(format!("{total} values where the row group has {rows} rows"));
    }
    Ok((values, defs))
}

/// Values at their rows (`fill` where null) and the validity, from the
/// non-null values and the definition levels.
fn spread<T: Copy, U>(
    values: Vec<T>,
    defs: &[i16],
    max: i16,
    fill: U,
    f: impl Fn(T) -> U,
) -> (Vec<U>, Vec<bool>)
where
    U: Copy,
{
    if defs.is_empty() {
        return (values.into_iter().map(f).collect(), Vec::new());
    }
    let mut it = values.into_iter();
    let mut out = Vec::with_capacity(defs.len());
    let mut valid = Vec::with_capacity(defs.len());
    for &d in defs {
        let ok = d == max;
        out.push(if ok { it.next().map_or(fill, &f) } else { fill });
        valid.push(ok);
    }
    (out, valid)
}

fn read_column(
    group: &dyn RowGroupReader,
    c: usize,
    descr: &ColumnDescriptor,
    rows: usize,
) -> std::result::Result<Column, String> {
    let max = descr.max_def_level();
    let nullable = max > 0;
    let unsigned32 = matches!(descr.logical_type_ref(), Some(LogicalType::Integer { is_signed: false, .. }));
    let reader = group.get_column_reader(c).map_err(|e| e.to_string())?;
    Ok(match reader {
        ColumnReader::BoolColumnReader(mut r) => {
            let (v, d) = read_all(&mut r, rows, nullable)?;
            let (values, valid) = spread(v, &d, max, false, |x| x);
            Column::Bool { values, valid }
        }
        ColumnReader::Int32ColumnReader(mut r) => {
            let (v, d) = read_all(&mut r, rows, nullable)?;
            let (values, valid) = if unsigned32 {
                // The bits of an unsigned 32-bit integer, stored as i32.
                spread(v, &d, max, 0, |x: i32| i64::from(u32::from_ne_bytes(x.to_ne_bytes())))
            } else {
                spread(v, &d, max, 0, i64::from)
            };
            Column::Int64 { values, valid }
        }
        ColumnReader::Int64ColumnReader(mut r) => {
            let (v, d) = read_all(&mut r, rows, nullable)?;
            let (values, valid) = spread(v, &d, max, 0, |x| x);
            Column::Int64 { values, valid }
        }
        ColumnReader::FloatColumnReader(mut r) => {
            let (v, d) = read_all(&mut r, rows, nullable)?;
            let (values, valid) = spread(v, &d, max, f64::NAN, f64::from);
            Column::Float64 { values, valid }
        }
        ColumnReader::DoubleColumnReader(mut r) => {
            let (v, d) = read_all(&mut r, rows, nullable)?;
            let (values, valid) = spread(v, &d, max, f64::NAN, |x| x);
            Column::Float64 { values, valid }
        }
        ColumnReader::ByteArrayColumnReader(mut r) => {
            let (v, d) = read_all(&mut r, rows, nullable)?;
            strings(v, &d, max)?
        }
        _ => return Err("unsupported physical type".into()),
    })
}

/// A dictionary-encoded string column from byte arrays, interned by the
/// CSV reader's string builder with no missing-value text (Parquet marks
/// nulls itself: `NA` and the empty string are strings).
fn strings(values: Vec<ByteArray>, defs: &[i16], max: i16) -> std::result::Result<Column, String> {
    let na = NaSet::new(false, &[]);
    let mut b = Builder::new(DType::Str, true, &na);
    let push = |b: &mut Builder<'_>, v: &ByteArray| b.push(v.data(), false).map_err(|p| p.to_string());
    if defs.is_empty() {
        for v in &values {
            push(&mut b, v)?;
        }
    } else {
        let mut it = values.iter();
        for &d in defs {
            match (d == max).then(|| it.next()).flatten() {
                Some(v) => push(&mut b, v)?,
                None => b.push_null(),
            }
        }
    }
    Ok(b.finish())
}
