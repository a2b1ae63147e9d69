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
//! 96-bit and fixed-length columns are refused with an error naming them.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use executors::Executor;
use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, DataType};
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader, RowGroupMetaData};
use parquet::file::properties::ReaderProperties;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::RowGroupReader;
use parquet::file::serialized_reader::{SerializedPageReader, SerializedRowGroupReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnDescriptor, SchemaDescriptor, Type};

use crate::builder::Builder;
use crate::column::{Column, DataFrame, Value};
use crate::csv::{self, CsvOptions, Format, Parsed, Source};
use crate::dtype::{DType, Field, Schema};
use crate::error::{FrameError, Result};
use crate::failure::Failures;
use crate::frame::LazyFrame;
use crate::na::NaSet;
use crate::split::Partition;

mod encode;
mod pages;

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
    let logical = c.logical_type_ref();
    if matches!(logical, Some(LogicalType::Decimal { .. })) {
        return Err("decimal".into());
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
    for (fi, path) in files.iter().enumerate() {
        let meta = footer(path)?;
        let descr = meta.file_metadata().schema_descr();
        let fields = descr
            .columns()
            .iter()
            .map(|c| {
                dtype_of(c).map(|dtype| Field { name: c.name().to_owned(), dtype }).map_err(|what| {
                    FrameError::Parquet {
                        path: path.clone(),
                        message: format!("column {:?} is {what}, which is not supported", c.path().string()),
                    }
                })
            })
            .collect::<Result<Vec<_>>>()?;
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
        return Err(FrameError::NoRows { path: files[0].clone() });
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

/// Options of a [`ParquetWriter`].
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct WriterOptions {
    /// Int64 columns stored as unsigned 64-bit integers (Parquet's
    /// `UINT_64`), for counts and seeds; a negative value in them is an
    /// error when written.
    pub unsigned: Vec<String>,
}

impl WriterOptions {
    /// Stores these int64 columns as unsigned 64-bit integers.
    pub fn unsigned(mut self, columns: &[&str]) -> Self {
        self.unsigned = columns.iter().map(|c| (*c).to_owned()).collect();
        self
    }
}

/// A writer that collects the bytes the Parquet writer emits (which must
/// be `Send`), for [`ParquetWriter`] to pass on after each row group.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<u8>>>);

impl Write for Collected {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes frames of one schema as the row groups of a Parquet file
/// (snappy-compressed, strings dictionary-encoded, every column optional),
/// holding no more than one row group's encoded bytes.
pub struct ParquetWriter<'w> {
    out: &'w mut dyn Write,
    collected: Collected,
    writer: Option<SerializedFileWriter<Collected>>,
    schema: Schema,
    /// Per column: stored as an unsigned 64-bit integer.
    unsigned: Vec<bool>,
    /// The file's columns, as their chunks are encoded apart.
    descr: Arc<SchemaDescriptor>,
    props: Arc<WriterProperties>,
    /// The destination's name, for messages.
    name: std::path::PathBuf,
}

impl<'w> ParquetWriter<'w> {
    /// A writer of frames of `schema` to `out`; `name` names the
    /// destination in errors.
    pub fn new(out: &'w mut dyn Write, schema: &Schema, name: &Path) -> Result<Self> {
        Self::with_options(out, schema, name, &WriterOptions::default())
    }

    /// [`ParquetWriter::new`] with options; an unsigned column that the
    /// schema lacks or that is not int64 is an error.
    pub fn with_options(
        out: &'w mut dyn Write,
        schema: &Schema,
        name: &Path,
        options: &WriterOptions,
    ) -> Result<Self> {
        let err = parquet_error(name);
        let mut unsigned = vec![false; schema.fields.len()];
        for u in &options.unsigned {
            match schema.fields.iter().position(|f| f.name == *u) {
                Some(i) if schema.fields[i].dtype == DType::Int64 => unsigned[i] = true,
                found => {
                    return Err(FrameError::Parquet {
                        path: name.to_owned(),
                        message: match found {
                            Some(i) => format!(
                                "column {u:?} is to be stored unsigned, but it is {}, not int64",
                                schema.fields[i].dtype
                            ),
                            None => format!(
                                "column {u:?} is to be stored unsigned, but the columns are [{}]",
                                schema.names().join(", ")
                            ),
                        },
                    });
                }
            }
        }
        let fields = schema
            .fields
            .iter()
            .zip(&unsigned)
            .map(|(f, &unsigned)| {
                let (physical, logical) = match f.dtype {
                    DType::Int64 if unsigned => {
                        (Physical::INT64, Some(LogicalType::Integer { bit_width: 64, is_signed: false }))
                    }
                    DType::Int64 => (Physical::INT64, None),
                    DType::Float64 => (Physical::DOUBLE, None),
                    DType::Bool => (Physical::BOOLEAN, None),
                    DType::Str => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                };
                Type::primitive_type_builder(&f.name, physical)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_logical_type(logical)
                    .build()
                    .map(Arc::new)
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(&err)?;
        let root = Arc::new(Type::group_type_builder("schema").with_fields(fields).build().map_err(&err)?);
        let props = Arc::new(
            WriterProperties::builder().set_compression(parquet::basic::Compression::SNAPPY).build(),
        );
        let collected = Collected::default();
        let writer = SerializedFileWriter::new(collected.clone(), Arc::clone(&root), Arc::clone(&props))
            .map_err(&err)?;
        Ok(Self {
            out,
            collected,
            writer: Some(writer),
            descr: Arc::new(SchemaDescriptor::new(root)),
            props,
            schema: schema.clone(),
            unsigned,
            name: name.to_owned(),
        })
    }

    /// Writes `frame` as one row group; its columns must have the
    /// writer's names and types.
    pub fn write(&mut self, frame: &DataFrame) -> Result<()> {
        self.write_all(std::slice::from_ref(frame), &Executor::sequential())
    }

    /// Refuses a frame whose columns are not the writer's (names, types,
    /// no negative value in an unsigned column).
    fn check(&self, frame: &DataFrame) -> Result<()> {
        let names = self.schema.names();
        if frame.names() != names.as_slice() {
            return Err(FrameError::Parquet {
                path: self.name.clone(),
                message: format!(
                    "columns [{}] where the file has [{}]",
                    frame.names().join(", "),
                    names.join(", ")
                ),
            });
        }
        for ((f, c), &unsigned) in self.schema.fields.iter().zip(frame.columns()).zip(&self.unsigned) {
            if let (true, Column::Int64 { values, valid }) = (unsigned, c) {
                let negative =
                    values.iter().enumerate().find(|&(i, &v)| v < 0 && valid.get(i).is_none_or(|&ok| ok));
                if let Some((row, v)) = negative {
                    return Err(FrameError::Parquet {
                        path: self.name.clone(),
                        message: format!("column {:?} is stored unsigned, but row {row} holds {v}", f.name),
                    });
                }
            }
            if c.dtype() != f.dtype {
                return Err(FrameError::Type {
                    column: f.name.clone(),
                    dtype: c.dtype(),
                    operation: format!(
                        "writing it to a Parquet file whose column is {} (the type read from the sample; set its dtype to {} when reading)",
                        f.dtype,
                        c.dtype()
                    ),
                });
            }
        }
        Ok(())
    }

    /// Writes `frames` as row groups, in order, their column chunks
    /// encoded in parallel on `exec` (a task each); the bytes equal those
    /// of [`ParquetWriter::write`] called frame by frame. Memory holds the
    /// encoded chunks of all of `frames` until they are written.
    pub fn write_all(&mut self, frames: &[DataFrame], exec: &Executor) -> Result<()> {
        for frame in frames {
            self.check(frame)?;
        }
        let width = self.schema.fields.len();
        let tasks: Vec<(usize, usize)> =
            (0..frames.len()).flat_map(|f| (0..width).map(move |c| (f, c))).collect();
        let (descr, props) = (&self.descr, &self.props);
        let encoded = exec
            .map(tasks, |(f, c)| encode::chunk(&frames[f].columns()[c], descr.column(c), Arc::clone(props)))
            .map_err(|e| FrameError::Parquet { path: self.name.clone(), message: e.to_string() })?;
        let name = self.name.clone();
        let err = parquet_error(&name);
        let mut chunks = encoded.into_iter();
        for _ in frames {
            let writer = self.writer.as_mut().expect("open until finish");
            let mut group = writer.next_row_group().map_err(&err)?;
            for (bytes, close) in chunks.by_ref().take(width) {
                group.append_column(&bytes, close).map_err(&err)?;
            }
            group.close().map_err(&err)?;
            self.pass_on()?;
        }
        Ok(())
    }

    /// Writes the footer.
    pub fn finish(mut self) -> Result<()> {
        let writer = self.writer.take().expect("open until finish");
        writer.close().map_err(parquet_error(&self.name))?;
        self.pass_on()?;
        self.out.flush().map_err(|error| FrameError::Io { path: self.name.clone(), error })
    }

    /// Passes what the Parquet writer emitted on to the destination.
    fn pass_on(&mut self) -> Result<()> {
        let bytes =
            std::mem::take(&mut *self.collected.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        self.out.write_all(&bytes).map_err(|error| FrameError::Io { path: self.name.clone(), error })
    }
}

impl DataFrame {
    /// Writes the frame as a Parquet file of one row group.
    pub fn write_parquet(&self, out: &mut dyn Write) -> Result<()> {
        let schema = Schema {
            fields: self
                .names()
                .iter()
                .zip(self.columns())
                .map(|(n, c)| Field { name: n.clone(), dtype: c.dtype() })
                .collect(),
        };
        let mut w = ParquetWriter::new(out, &schema, Path::new("<parquet output>"))?;
        w.write(self)?;
        w.finish()
    }
}

impl LazyFrame {
    /// Computes the frame and writes it to `out` as Parquet, a row group
    /// per partition, partitions computed a batch (of the executor's
    /// workers) at a time and written in order. `name` names `out` in
    /// errors. A column whose type the sample inferred as int64 and that a
    /// partition widened to float64 is an error (the file's schema is
    /// written before the data): set its dtype when reading.
    pub fn write_parquet(&self, out: &mut dyn Write, name: &Path, exec: &Executor) -> Result<()> {
        let schema = self.schema()?;
        let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
        let run = self.clone().select(&names).partition_runner()?;
        let mut w = ParquetWriter::new(out, &schema, name)?;
        let batch = exec.workers().max(1);
        let count = self.partitions();
        for first in (0..count).step_by(batch) {
            let parts: Vec<usize> = (first..(first + batch).min(count)).collect();
            let errors = Failures::new(count);
            // Earlier batches succeeded: only this batch's partitions are read again.
            let recheck = |q: usize| if q < first { Ok(()) } else { run(q).map(drop) };
            let frames = errors.finish(exec.map(parts, |p| errors.keep(p, run(p))), recheck)?;
            let frames: Vec<DataFrame> = frames.into_iter().filter(|f| f.height() > 0).collect();
            w.write_all(&frames, exec)?;
        }
        w.finish()
    }

    /// [`LazyFrame::write_parquet`] to a file, written whole or not at all
    /// (through `executors::output::Output`).
    pub fn to_parquet(&self, path: &Path, exec: &Executor) -> Result<()> {
        let output = executors::output::Output::check(path)
            .map_err(|e| FrameError::Io { path: path.to_owned(), error: std::io::Error::other(e.problem) })?;
        let mut failure = None;
        let written = output.write(|w| {
            self.write_parquet(w, path, exec).map_err(|e| {
                let message = e.to_string();
                failure = Some(e);
                std::io::Error::other(message)
            })
        });
        if let Some(e) = failure {
            return Err(e);
        }
        written.map_err(|e| FrameError::Io { path: path.to_owned(), error: std::io::Error::other(e.problem) })
    }
}
