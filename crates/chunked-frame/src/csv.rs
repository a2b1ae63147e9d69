//! Reading CSV: resolving files, the header, schema inference from a
//! sample, splitting files into byte-range partitions aligned to line
//! starts, and parsing one partition into typed columns.
//!
//! Partitions: a file is cut every `blocksize` bytes; a partition owns the
//! rows that *start* in its range, so it skips the partial line at its start
//! and reads past its end to finish its last row. That is only sound if no
//! quoted field hides a newline, which cannot be seen locally; so a file
//! holding a double quote anywhere is read as a single partition (one fast
//! scan decides), and a file without quotes is split.

use std::collections::HashMap;
use std::fs::File;
use std::hash::BuildHasherDefault;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::column::{Column, NULL_CODE};
use crate::dtype::{DType, Field, Inference, Schema};
use crate::error::{FrameError, Result, RowProblem};

/// What to do with a row that does not fit the schema.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BadRows {
    /// Stop with an error naming the file, line and column. The default.
    #[default]
    Error,
    /// Leave the row out and count it ([`crate::ReadStats::skipped_rows`]).
    Skip,
}

/// Options of [`crate::read_csv`].
#[derive(Clone, Debug)]
pub struct CsvOptions {
    /// Bytes per partition (default 64 MiB).
    pub blocksize: usize,
    /// Types to use instead of the inferred ones, by column name.
    pub dtypes: Vec<(String, DType)>,
    /// Only these columns exist for the query (all when `None`).
    pub usecols: Option<Vec<String>>,
    /// Bytes of the first file sampled to infer types (default 256 KiB).
    pub sample_bytes: usize,
    /// The field delimiter (default `,`).
    pub delimiter: u8,
    /// What to do with bad rows.
    pub bad_rows: BadRows,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            blocksize: 64 << 20,
            dtypes: Vec::new(),
            usecols: None,
            sample_bytes: 256 << 10,
            delimiter: b',',
            bad_rows: BadRows::Error,
        }
    }
}

impl CsvOptions {
    /// Sets the partition size in bytes.
    pub fn blocksize(mut self, bytes: usize) -> Self {
        self.blocksize = bytes;
        self
    }

    /// Overrides the type of a column.
    pub fn dtype(mut self, column: &str, dtype: DType) -> Self {
        self.dtypes.push((column.to_owned(), dtype));
        self
    }

    /// Keeps only these columns.
    pub fn usecols(mut self, columns: &[&str]) -> Self {
        self.usecols = Some(columns.iter().map(|c| (*c).to_owned()).collect());
        self
    }

    /// Sets the bad-row policy.
    pub fn bad_rows(mut self, policy: BadRows) -> Self {
        self.bad_rows = policy;
        self
    }
}

/// A file's byte range whose rows one task parses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// Index into the source's files.
    pub file: usize,
    /// First byte of the range (rows starting here or later).
    pub start: u64,
    /// End of the range (rows starting before it).
    pub end: u64,
}

/// Everything a read needs: files, schema, partitions, options.
#[derive(Debug)]
pub(crate) struct Source {
    pub(crate) files: Vec<PathBuf>,
    /// All columns of the header, with their types.
    pub(crate) file_schema: Schema,
    /// Positions in the header of the columns the frame exposes.
    pub(crate) visible: Vec<usize>,
    pub(crate) partitions: Vec<Partition>,
    /// Per file: whether it holds a double quote (and is read unsplit).
    pub(crate) quoted: Vec<bool>,
    pub(crate) options: CsvOptions,
    /// The pattern the user gave, for plans.
    pub(crate) pattern: String,
}

impl Source {
    /// The schema the frame exposes (after `usecols`).
    pub(crate) fn schema(&self) -> Schema {
        Schema { fields: self.visible.iter().map(|&i| self.file_schema.fields[i].clone()).collect() }
    }
}

type Fnv = BuildHasherDefault<FnvHasher>;

/// FNV-1a for dictionary lookups: fast on short keys.
#[derive(Default)]
pub(crate) struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> FrameError + '_ {
    move |source| FrameError::Io { path: path.to_owned(), source }
}

/// Resolves a path or glob, reads headers, infers the schema, plans partitions.
pub(crate) fn open(pattern: &str, options: CsvOptions) -> Result<Source> {
    if options.blocksize == 0 {
        return Err(FrameError::Option { name: "blocksize", message: "must be at least 1 byte".into() });
    }
    let files = resolve(pattern)?;
    let (header, header_len) = read_header(&files[0], options.delimiter)?;
    let names: Vec<String> = header;
    for (i, a) in names.iter().enumerate() {
        if let Some(j) = names[i + 1..].iter().position(|b| b == a) {
            return Err(FrameError::DuplicateColumn {
                path: files[0].clone(),
                name: a.clone(),
                first: i + 1,
                second: i + j + 2,
            });
        }
    }
    let mut header_lens = vec![header_len];
    for f in &files[1..] {
        let (h, len) = read_header(f, options.delimiter)?;
        if h != names {
            return Err(FrameError::HeaderMismatch { path: f.clone(), first: files[0].clone() });
        }
        header_lens.push(len);
    }
    let mut schema = infer(&files[0], header_len, &names, &options)?;
    for (name, dtype) in &options.dtypes {
        let i = names.iter().position(|n| n == name).ok_or_else(|| FrameError::UnknownOptionColumn {
            option: "dtype",
            name: name.clone(),
            path: files[0].clone(),
        })?;
        schema.fields[i].dtype = *dtype;
    }
    let visible = match &options.usecols {
        None => (0..names.len()).collect(),
        Some(cols) => cols
            .iter()
            .map(|c| {
                names.iter().position(|n| n == c).ok_or_else(|| FrameError::UnknownOptionColumn {
                    option: "usecols",
                    name: c.clone(),
                    path: files[0].clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    let mut partitions = Vec::new();
    let mut quoted = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let size = std::fs::metadata(f).map_err(io(f))?.len();
        let start = header_lens[fi];
        let split = !contains_quote(f)?;
        quoted.push(!split);
        if start >= size {
            continue; // header only: no rows
        }
        let step = if split { options.blocksize as u64 } else { u64::MAX };
        let mut s = start;
        while s < size {
            let e = s.saturating_add(step).min(size);
            partitions.push(Partition { file: fi, start: s, end: e });
            s = e;
        }
    }
    if partitions.is_empty() {
        // Every file is a header alone.
        return Err(FrameError::NoRows { path: files[0].clone() });
    }
    Ok(Source {
        files,
        file_schema: schema,
        visible,
        partitions,
        quoted,
        options,
        pattern: pattern.to_owned(),
    })
}

fn resolve(pattern: &str) -> Result<Vec<PathBuf>> {
    if pattern.contains(['*', '?', '[']) {
        let paths =
            glob::glob(pattern).map_err(|e| FrameError::Option { name: "path", message: e.to_string() })?;
        let mut files: Vec<PathBuf> = paths.filter_map(|p| p.ok()).filter(|p| p.is_file()).collect();
        files.sort();
        if files.is_empty() {
            return Err(FrameError::NoFiles(pattern.to_owned()));
        }
        Ok(files)
    } else {
        let p = PathBuf::from(pattern);
        std::fs::metadata(&p).map_err(io(&p))?;
        Ok(vec![p])
    }
}

/// The header's names and its length in bytes (with the newline).
fn read_header(path: &Path, delimiter: u8) -> Result<(Vec<String>, u64)> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut chunk).map_err(io(path))?;
        buf.extend_from_slice(&chunk[..n]);
        if n == 0 || memchr::memchr(b'\n', &buf).is_some() {
            break;
        }
    }
    if buf.is_empty() {
        return Err(FrameError::Empty { path: path.to_owned() });
    }
    let mut fields = Vec::new();
    let mut tok = Tokenizer::new(&buf, 0, delimiter);
    let end = tok.record(&mut |_, field: &[u8], quoted| {
        fields.push(if quoted { unescape(field) } else { field.to_vec() });
    });
    let end =
        end.map_err(|problem| FrameError::Row { path: path.to_owned(), line: 1, column: None, problem })?;
    let names = fields
        .into_iter()
        .map(|f| String::from_utf8(f).map(|s| s.trim().to_owned()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| FrameError::Row {
            path: path.to_owned(),
            line: 1,
            column: None,
            problem: RowProblem::Utf8,
        })?;
    Ok((names, end as u64))
}

/// Whether the file holds a double quote anywhere.
fn contains_quote(path: &Path) -> Result<bool> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut buf = vec![0u8; 4 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            return Ok(false);
        }
        if memchr::memchr(b'"', &buf[..n]).is_some() {
            return Ok(true);
        }
    }
}

/// Infers each column's type from the complete rows in the first
/// `sample_bytes` after the header.
fn infer(path: &Path, header_len: u64, names: &[String], options: &CsvOptions) -> Result<Schema> {
    let mut f = File::open(path).map_err(io(path))?;
    f.seek(SeekFrom::Start(header_len)).map_err(io(path))?;
    let mut buf = Vec::new();
    f.take(options.sample_bytes as u64).read_to_end(&mut buf).map_err(io(path))?;
    let mut inference = vec![Inference::default(); names.len()];
    let mut tok = Tokenizer::new(&buf, 0, options.delimiter);
    while tok.pos < buf.len() {
        let mut row: Vec<(usize, Vec<u8>)> = Vec::new();
        let Ok(end) = tok.record(&mut |j, field: &[u8], quoted| {
            row.push((j, if quoted { unescape(field) } else { field.to_vec() }));
        }) else {
            break; // a row cut by the sample's end
        };
        if end >= buf.len() && buf.last() != Some(&b'\n') {
            break; // the last, cut row
        }
        if row.len() != names.len() {
            continue; // reported when the data is read
        }
        for (j, v) in row {
            if !v.is_empty() {
                inference[j].observe(&v);
            }
        }
    }
    Ok(Schema {
        fields: names
            .iter()
            .zip(&inference)
            .map(|(n, i)| Field { name: n.clone(), dtype: i.dtype() })
            .collect(),
    })
}

/// Removes the quoting of a quoted field's inside: `""` becomes `"`.
fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        out.push(field[i]);
        i += if field[i] == b'"' && field.get(i + 1) == Some(&b'"') { 2 } else { 1 };
    }
    out
}

/// Splits records into fields, RFC 4180 style: fields may be quoted, a
/// quoted field may hold delimiters, newlines and doubled quotes.
struct Tokenizer<'a> {
    buf: &'a [u8],
    pos: usize,
    delimiter: u8,
}

impl<'a> Tokenizer<'a> {
    fn new(buf: &'a [u8], pos: usize, delimiter: u8) -> Self {
        Self { buf, pos, delimiter }
    }

    /// Calls `field(index, bytes, quoted)` for each field of the record at
    /// `pos` and moves past it; returns the position after the record.
    /// `bytes` of a quoted field are its inside, still escaped.
    #[inline]
    fn record(
        &mut self,
        field: &mut dyn FnMut(usize, &'a [u8], bool),
    ) -> std::result::Result<usize, RowProblem> {
        let buf = self.buf;
        let mut i = self.pos;
        let mut j = 0;
        loop {
            if i < buf.len() && buf[i] == b'"' {
                // Quoted: to the closing quote not followed by another.
                let start = i + 1;
                let mut k = start;
                loop {
                    match memchr::memchr(b'"', &buf[k..]) {
                        None => return Err(RowProblem::UnclosedQuote),
                        Some(off) => {
                            let q = k + off;
                            if buf.get(q + 1) == Some(&b'"') {
                                k = q + 2;
                            } else {
                                field(j, &buf[start..q], true);
                                i = q + 1;
                                break;
                            }
                        }
                    }
                }
                // After the closing quote: a delimiter, a line end, or the end.
                while i < buf.len() && buf[i] != self.delimiter && buf[i] != b'\n' {
                    i += 1; // tolerate junk such as `"a"b` by dropping it
                }
            } else {
                let rest = &buf[i..];
                let len = memchr::memchr2(self.delimiter, b'\n', rest).unwrap_or(rest.len());
                let mut value = &rest[..len];
                if value.last() == Some(&b'\r') && rest.get(len) != Some(&self.delimiter) {
                    value = &value[..value.len() - 1];
                }
                field(j, value, false);
                i += len;
            }
            j += 1;
            if i >= buf.len() {
                self.pos = buf.len();
                return Ok(buf.len());
            }
            if buf[i] == b'\n' {
                self.pos = i + 1;
                return Ok(i + 1);
            }
            i += 1; // the delimiter
            if i >= buf.len() {
                field(j, &[], false); // a trailing delimiter ends with an empty field
                self.pos = buf.len();
                return Ok(buf.len());
            }
        }
    }
}

/// A column being built from field text.
enum Builder {
    Int64(Vec<i64>, Vec<bool>, bool),
    Float64(Vec<f64>, Vec<bool>, bool),
    Bool(Vec<bool>, Vec<bool>, bool),
    Str(Dictionary, Vec<u32>),
}

/// Distinct strings and their codes. Strings of up to seven bytes (airport
/// codes, flags) are looked up as one packed integer, longer ones by bytes.
#[derive(Default)]
struct Dictionary {
    short: HashMap<u64, u32, BuildHasherDefault<PackedHasher>>,
    long: HashMap<Vec<u8>, u32, Fnv>,
    strings: Vec<String>,
}

impl Dictionary {
    #[inline]
    fn code(&mut self, text: &[u8]) -> std::result::Result<u32, RowProblem> {
        if text.len() <= 7 {
            let mut packed = (text.len() as u64) << 56;
            for (i, &b) in text.iter().enumerate() {
                packed |= u64::from(b) << (8 * i);
            }
            if let Some(&c) = self.short.get(&packed) {
                return Ok(c);
            }
            let c = self.add(text)?;
            self.short.insert(packed, c);
            Ok(c)
        } else {
            if let Some(&c) = self.long.get(text) {
                return Ok(c);
            }
            let c = self.add(text)?;
            self.long.insert(text.to_vec(), c);
            Ok(c)
        }
    }

    fn add(&mut self, text: &[u8]) -> std::result::Result<u32, RowProblem> {
        let s = std::str::from_utf8(text).map_err(|_| RowProblem::Utf8)?;
        self.strings.push(s.to_owned());
        Ok(self.strings.len() as u32 - 1)
    }
}

/// A hasher for packed short strings: one multiply, high bits.
#[derive(Default)]
struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        let h = (n ^ (n >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 32);
    }
}

impl Builder {
    fn new(dtype: DType) -> Self {
        match dtype {
            DType::Int64 => Self::Int64(Vec::new(), Vec::new(), false),
            DType::Float64 => Self::Float64(Vec::new(), Vec::new(), false),
            DType::Bool => Self::Bool(Vec::new(), Vec::new(), false),
            DType::Str => Self::Str(Dictionary::default(), Vec::new()),
        }
    }

    /// Adds one field; on failure nothing is added.
    #[inline]
    fn push(&mut self, field: &[u8], quoted: bool) -> std::result::Result<(), RowProblem> {
        fn parse_error(field: &[u8], dtype: DType) -> RowProblem {
            let hint = match dtype {
                DType::Int64 | DType::Bool => {
                    " (the type was inferred from a sample; override it with a dtype)"
                }
                _ => "",
            };
            RowProblem::Parse { value: String::from_utf8_lossy(field).into_owned(), dtype, hint }
        }
        let null = field.is_empty();
        match self {
            Self::Int64(v, valid, any_null) => {
                let x = if null {
                    0
                } else {
                    crate::parse::int(field).ok_or_else(|| parse_error(field, DType::Int64))?
                };
                v.push(x);
                valid.push(!null);
                *any_null |= null;
            }
            Self::Float64(v, valid, any_null) => {
                let x = if null {
                    f64::NAN
                } else {
                    crate::parse::float(field).ok_or_else(|| parse_error(field, DType::Float64))?
                };
                v.push(x);
                valid.push(!null);
                *any_null |= null;
            }
            Self::Bool(v, valid, any_null) => {
                let x = if null {
                    false
                } else {
                    crate::parse::boolean(field).ok_or_else(|| parse_error(field, DType::Bool))?
                };
                v.push(x);
                valid.push(!null);
                *any_null |= null;
            }
            Self::Str(dict, codes) => {
                if null {
                    codes.push(NULL_CODE);
                    return Ok(());
                }
                let owned;
                let text: &[u8] = if quoted && memchr::memchr(b'"', field).is_some() {
                    owned = unescape(field);
                    &owned
                } else {
                    field
                };
                let code = dict.code(text)?;
                codes.push(code);
            }
        }
        Ok(())
    }

    /// Removes the last `n` values (those of a row being dropped).
    fn truncate(&mut self, len: usize) {
        match self {
            Self::Int64(v, valid, _) => {
                v.truncate(len);
                valid.truncate(len);
            }
            Self::Float64(v, valid, _) => {
                v.truncate(len);
                valid.truncate(len);
            }
            Self::Bool(v, valid, _) => {
                v.truncate(len);
                valid.truncate(len);
            }
            Self::Str(_, codes) => codes.truncate(len),
        }
    }

    fn finish(self) -> Column {
        let keep = |valid: Vec<bool>, any_null: bool| if any_null { valid } else { Vec::new() };
        match self {
            Self::Int64(values, valid, n) => Column::Int64 { values, valid: keep(valid, n) },
            Self::Float64(values, valid, n) => Column::Float64 { values, valid: keep(valid, n) },
            Self::Bool(values, valid, n) => Column::Bool { values, valid: keep(valid, n) },
            Self::Str(dict, codes) => Column::Str { dict: dict.strings, codes },
        }
    }
}

/// The columns one partition yields, in the order of `columns`.
pub(crate) struct Parsed {
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: usize,
    pub(crate) skipped: u64,
}

/// Reads and parses one partition, materializing only `columns` (positions
/// in the header).
pub(crate) fn parse_partition(source: &Arc<Source>, part: &Partition, columns: &[usize]) -> Result<Parsed> {
    thread_local! {
        /// The read buffer, kept by each worker thread from one partition to
        /// the next, so that its pages are not faulted in again each time.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|b| {
        let mut buf = b.take();
        buf.clear();
        let out = parse_partition_in(source, part, columns, &mut buf);
        // Keep the buffer unless it grew far beyond a partition (a huge
        // unsplit file), so that idle threads do not hold on to it.
        if buf.capacity() <= 2 * source.options.blocksize.max(1 << 20) {
            b.replace(buf);
        }
        out
    })
}

fn parse_partition_in(
    source: &Arc<Source>,
    part: &Partition,
    columns: &[usize],
    buf: &mut Vec<u8>,
) -> Result<Parsed> {
    let path = &source.files[part.file];
    let ncols = source.file_schema.fields.len();
    let mut f = File::open(path).map_err(io(path))?;
    let size = f.metadata().map_err(io(path))?.len();
    // One byte before the range tells whether a row starts at `start`.
    let header_end = part.start == 0 || starts_data(source, part);
    let read_from = if header_end { part.start } else { part.start - 1 };
    f.seek(SeekFrom::Start(read_from)).map_err(io(path))?;
    buf.reserve((part.end - read_from) as usize + (64 << 10));
    (&mut f).take(part.end - read_from).read_to_end(buf).map_err(io(path))?;
    // Finish the last row: read on to the next newline.
    if part.end < size && buf.last() != Some(&b'\n') {
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            let n = f.read(&mut chunk).map_err(io(path))?;
            if n == 0 {
                break;
            }
            match memchr::memchr(b'\n', &chunk[..n]) {
                Some(k) => {
                    buf.extend_from_slice(&chunk[..=k]);
                    break;
                }
                None => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }
    let buf: &[u8] = buf;
    let first = if header_end {
        0
    } else {
        match memchr::memchr(b'\n', buf) {
            Some(k) => k + 1,
            None => buf.len(),
        }
    };
    // Rows that start before this offset in `buf` are ours.
    let limit = (part.end - read_from) as usize;

    let mut slot_of = vec![usize::MAX; ncols];
    for (k, &c) in columns.iter().enumerate() {
        slot_of[c] = k;
    }
    let new_builders = || -> Vec<Builder> {
        columns.iter().map(|&c| Builder::new(source.file_schema.fields[c].dtype)).collect()
    };
    let mut builders = new_builders();
    // Files without quotes take the fast path; any anomaly there sends the
    // partition through the general tokenizer, which reports it.
    if !source.quoted[part.file] {
        let fast =
            parse_unquoted(buf, first, limit, ncols, &slot_of, &mut builders, source.options.delimiter);
        if let Some(rows) = fast {
            return Ok(Parsed {
                columns: builders.into_iter().map(Builder::finish).collect(),
                rows,
                skipped: 0,
            });
        }
        builders = new_builders();
    }
    let mut rows = 0usize;
    let mut skipped = 0u64;
    let mut tok = Tokenizer::new(buf, first, source.options.delimiter);
    while tok.pos < limit && tok.pos < buf.len() {
        let row_start = tok.pos;
        // A blank line is no row.
        let blank = match buf[row_start] {
            b'\n' => Some(1),
            b'\r' if buf.get(row_start + 1) == Some(&b'\n') => Some(2),
            _ => None,
        };
        if let Some(len) = blank {
            tok.pos += len;
            continue;
        }
        let mut count = 0usize;
        let mut problem: Option<(usize, RowProblem)> = None;
        let result = tok.record(&mut |j, field, quoted| {
            count = j + 1;
            if problem.is_none() && j < ncols && slot_of[j] != usize::MAX {
                if let Err(p) = builders[slot_of[j]].push(field, quoted) {
                    problem = Some((j, p));
                }
            }
        });
        let row_problem = match result {
            Err(p) => Some((None, p)),
            Ok(_) if problem.is_some() => problem.map(|(j, p)| (Some(j), p)),
            Ok(_) if count != ncols => Some((None, RowProblem::FieldCount { expected: ncols, found: count })),
            Ok(_) => None,
        };
        if row_problem.is_none() {
            rows += 1;
            continue;
        }
        let (column, problem) = row_problem.expect("checked");
        match source.options.bad_rows {
            BadRows::Skip if !matches!(problem, RowProblem::UnclosedQuote) => {
                skipped += 1;
                for b in &mut builders {
                    b.truncate(rows);
                }
            }
            _ => {
                let line = line_of(path, read_from + row_start as u64)?;
                return Err(FrameError::Row {
                    path: path.clone(),
                    line,
                    column: column.map(|j| source.file_schema.fields[j].name.clone()),
                    problem,
                });
            }
        }
    }
    Ok(Parsed { columns: builders.into_iter().map(Builder::finish).collect(), rows, skipped })
}

/// Parses rows of a file without quotes: fields split at every delimiter,
/// only the wanted ones looked at, the others counted. `None` at the first
/// row that is not clean (wrong field count, a value that does not parse),
/// for the general path to report or skip.
fn parse_unquoted(
    buf: &[u8],
    first: usize,
    limit: usize,
    ncols: usize,
    slot_of: &[usize],
    builders: &mut [Builder],
    delimiter: u8,
) -> Option<usize> {
    let last_wanted = slot_of.iter().rposition(|&s| s != usize::MAX);
    let mut pos = first;
    let mut rows = 0;
    while pos < limit && pos < buf.len() {
        let line_end = memchr::memchr(b'\n', &buf[pos..]).map_or(buf.len(), |k| pos + k);
        let mut line = &buf[pos..line_end];
        pos = line_end + 1;
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        if line.is_empty() {
            continue; // a blank line is no row
        }
        // The wanted fields, in order.
        let mut start = 0;
        let mut field = 0;
        if let Some(last) = last_wanted {
            while field <= last {
                let end = memchr::memchr(delimiter, &line[start..]).map_or(line.len(), |k| start + k);
                let slot = slot_of[field];
                if slot != usize::MAX {
                    builders[slot].push(&line[start..end], false).ok()?;
                }
                field += 1;
                if end == line.len() {
                    start = usize::MAX;
                    break;
                }
                start = end + 1;
            }
        }
        // The rest are only counted.
        let fields = if start == usize::MAX {
            field
        } else {
            field + 1 + line[start..].iter().filter(|&&b| b == delimiter).count()
        };
        if fields != ncols {
            return None;
        }
        rows += 1;
    }
    Some(rows)
}

/// Whether `part.start` is the first byte after the header (a row starts there).
fn starts_data(source: &Source, part: &Partition) -> bool {
    source.partitions.iter().find(|p| p.file == part.file).is_some_and(|p| p.start == part.start)
}

/// The 1-based line of a byte offset: one more than the newlines before it.
fn line_of(path: &Path, offset: u64) -> Result<u64> {
    let mut f = File::open(path).map_err(io(path))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = offset;
    let mut lines = 1u64;
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = f.read(&mut buf[..want]).map_err(io(path))?;
        if n == 0 {
            break;
        }
        lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        left -= n as u64;
    }
    Ok(lines)
}
