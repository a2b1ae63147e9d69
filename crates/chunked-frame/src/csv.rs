//! Reading CSV: resolving files, the header, schema inference from a
//! sample, splitting files into byte-range partitions aligned to line
//! starts, and the vocabulary of the readers below [`crate::read`]'s
//! dispatch: a [`Source`], the [`Parsed`] columns of a partition, a
//! [`Sink`] that parses a [`Block`]'s rows into typed columns.
//!
//! Partitions: a file is cut into equal ranges of at most `blocksize`
//! bytes, an even number of them ([`crate::split`]); a partition owns the
//! rows that *start* in its range, so it skips the partial row at its start
//! and reads past its end to finish its last row. A quoted field may hide
//! line ends, so where the first row starts depends on the state of the
//! tokenizer at the range's start, which [`crate::quoted`] finds from the
//! ranges before it without reading anything up front. A plain file's
//! range is read and parsed in cache-sized pieces ([`crate::pieces`]).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::builder::Builder;
use crate::column::Column;
use crate::decode::{self, Compression};
use crate::dtype::{DType, Field, Inference, Schema};
use crate::error::{FrameError, Result, RowProblem};
use crate::na::NaSet;
use crate::quoted::{Entries, Scanner};
use crate::rows::{Layout, blank_at, is_blank, parse_rows};
use crate::split::{Partition, Ranges};
use crate::tokenizer::{Tokenizer, unescape};

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
    /// The most bytes per partition (default 64 MiB): a plain file is cut
    /// into the fewest equal ranges of at most this many bytes, their
    /// number rounded up to an even one (a file of 11 blocks makes 12
    /// partitions, which two workers share evenly).
    pub blocksize: usize,
    /// Types to use instead of the inferred ones, by column name; a name
    /// the file does not have is an error (a typo is caught).
    pub dtypes: Vec<(String, DType)>,
    /// Types to use for the columns of these names that the file has, as
    /// pandas' `dtype` mapping does: names it does not have are ignored.
    pub dtypes_if_present: Vec<(String, DType)>,
    /// Only these columns exist for the query (all when `None`).
    pub usecols: Option<Vec<String>>,
    /// Bytes of the first file sampled to infer types (default 256 KiB).
    pub sample_bytes: usize,
    /// The field delimiter (default `,`).
    pub delimiter: u8,
    /// What to do with bad rows.
    pub bad_rows: BadRows,
    /// Texts read as null besides pandas' defaults (pandas' `na_values`).
    pub na_values: Vec<String>,
    /// Whether pandas' default missing-value texts ([`crate::DEFAULT_NA_VALUES`]:
    /// the empty field, `NA`, `NaN`, `null`, ...) are null (pandas'
    /// `keep_default_na`; default true). When false, only
    /// [`CsvOptions::na_values`] are null, and an empty field is an empty
    /// string, or an error in a numeric column, unless listed there.
    pub keep_default_na: bool,
    /// How the files are compressed (default: by extension, `.gz` gzip,
    /// `.zst` zstd, `.bz2` bzip2). A compressed file is one partition,
    /// decoded as a stream.
    pub compression: Compression,
    /// Adds a string column of this name holding each row's file path
    /// (dask's `include_path_column`), for globs of many files.
    pub include_path_column: Option<String>,
    /// Whether each file's first line is a header. `None` (the default)
    /// is pandas' `header="infer"`: a header, unless
    /// [`CsvOptions::names`] are given. Without a header (pandas'
    /// `header=None`) the first line is a row, and the columns are the
    /// names given, or `0`, `1`, ... as pandas numbers them.
    pub header: Option<bool>,
    /// Column names (pandas' `names`): with a header too
    /// (`header(true)`, pandas' `header=0`) they replace its names, which
    /// are read and dropped, and must be as many as its fields (as pandas
    /// asks); without a header, a row shorter than the names reads as if
    /// its missing fields were empty (as pandas pads it), and fewer names
    /// than the first line's fields is an error (pandas makes the extra
    /// leading fields an index).
    pub names: Option<Vec<String>>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            blocksize: 64 << 20,
            dtypes: Vec::new(),
            dtypes_if_present: Vec::new(),
            usecols: None,
            sample_bytes: 256 << 10,
            delimiter: b',',
            bad_rows: BadRows::Error,
            na_values: Vec::new(),
            keep_default_na: true,
            compression: Compression::Infer,
            include_path_column: None,
            header: None,
            names: None,
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

    /// Overrides the type of a column if the file has it (pandas' `dtype`
    /// mapping, which ignores absent names); see [`CsvOptions::dtype`].
    pub fn dtype_if_present(mut self, column: &str, dtype: DType) -> Self {
        self.dtypes_if_present.push((column.to_owned(), dtype));
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

    /// Adds texts read as null in every column (pandas' `na_values`).
    pub fn na_values(mut self, values: &[&str]) -> Self {
        self.na_values.extend(values.iter().map(|v| (*v).to_owned()));
        self
    }

    /// Whether pandas' default missing-value texts are null (pandas'
    /// `keep_default_na`).
    pub fn keep_default_na(mut self, keep: bool) -> Self {
        self.keep_default_na = keep;
        self
    }

    /// Adds a string column `name` holding each row's file path (dask's
    /// `include_path_column`).
    pub fn include_path_column(mut self, name: &str) -> Self {
        self.include_path_column = Some(name.to_owned());
        self
    }

    /// Whether the files' first line is a header (`false`: pandas'
    /// `header=None`); see [`CsvOptions::header`].
    pub fn header(mut self, header: bool) -> Self {
        self.header = Some(header);
        self
    }

    /// Names the columns (pandas' `names`); see [`CsvOptions::names`].
    pub fn names(mut self, names: &[&str]) -> Self {
        self.names = Some(names.iter().map(|n| (*n).to_owned()).collect());
        self
    }

    /// Sets how the files are compressed (pandas' `compression`).
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }
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
    /// Per partition: the tokenizer's state at its start, as found.
    pub(crate) entries: Entries,
    /// Per file: how it is compressed (never `Infer`).
    pub(crate) compression: Vec<Compression>,
    /// Per file: its line end, `\n` (with or without `\r` before it) or a
    /// lone `\r`.
    pub(crate) eol: Vec<u8>,
    /// Per column of the header: whether the user set its type.
    pub(crate) forced: Vec<bool>,
    /// The texts read as null.
    pub(crate) na: NaSet,
    pub(crate) options: CsvOptions,
    /// The pattern the user gave, for plans.
    pub(crate) pattern: String,
    /// What the files are.
    pub(crate) format: Format,
    /// Whether the last field of `file_schema` is the path column, which
    /// no file holds.
    pub(crate) path_column: bool,
    /// Per Parquet file: its footer, parsed once when planning (empty for CSV).
    pub(crate) footers: Vec<Arc<parquet::file::metadata::ParquetMetaData>>,
}

/// The format of a source's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// CSV, plain or compressed.
    Csv,
    /// Parquet: partitions are row groups.
    Parquet,
}

impl Source {
    /// The schema the frame exposes (after `usecols`).
    pub(crate) fn schema(&self) -> Schema {
        Schema { fields: self.visible.iter().map(|&i| self.file_schema.fields[i].clone()).collect() }
    }

    /// The position of `part` among the partitions (they are sorted by
    /// file and start).
    pub(crate) fn partition_index(&self, part: &Partition) -> usize {
        self.partitions
            .binary_search_by(|q| (q.file, q.start).cmp(&(part.file, part.start)))
            .expect("a partition of this source")
    }

    /// The number of columns the files hold (the path column aside).
    pub(crate) fn file_columns(&self) -> usize {
        self.file_schema.fields.len() - usize::from(self.path_column)
    }

    /// Appends the path column `name` to the schema (it must be new).
    pub(crate) fn add_path_column(&mut self, name: &str) -> Result<()> {
        if let Some(i) = self.file_schema.index_of(name) {
            return Err(FrameError::DuplicateColumn {
                path: self.files[0].clone(),
                name: name.to_owned(),
                first: i + 1,
                second: self.file_schema.fields.len() + 1,
            });
        }
        self.file_schema.fields.push(Field { name: name.to_owned(), dtype: DType::Str });
        self.forced.push(true);
        self.visible.push(self.file_schema.fields.len() - 1);
        self.path_column = true;
        Ok(())
    }

    /// The 1-based line of a byte offset of a file (of its decoded text).
    pub(crate) fn line_of(&self, file: usize, offset: u64) -> Result<u64> {
        line_of(&self.files[file], self.compression[file], offset, self.eol[file])
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> FrameError + '_ {
    move |source| FrameError::Io { path: path.to_owned(), error: source }
}

/// Resolves a path or glob, reads headers, infers the schema, plans partitions.
pub(crate) fn open(pattern: &str, options: CsvOptions) -> Result<Source> {
    if options.blocksize == 0 {
        return Err(FrameError::Option { name: "blocksize", message: "must be at least 1 byte".into() });
    }
    let files = resolve(pattern)?;
    if let Some((path, format)) = files.iter().find_map(|f| Some((f, options.compression.unread_format(f)?)))
    {
        return Err(FrameError::UnsupportedCompression { path: path.clone(), format });
    }
    let compression: Vec<Compression> = files.iter().map(|f| options.compression.of(f)).collect();
    let na = NaSet::new(options.keep_default_na, &options.na_values);
    let header = options.header.unwrap_or(options.names.is_none());
    let (first_line, header_len, eol0, more0) =
        read_header(&files[0], compression[0], options.delimiter, header)?;
    let names = match &options.names {
        Some(given) if given.len() < first_line.len() || (header && given.len() != first_line.len()) => {
            let what = if header { "header" } else { "first line" };
            return Err(FrameError::Option {
                name: "names",
                message: format!(
                    "{} names for the {} fields of the {what} of {} (with a header they must be as \
                     many, as pandas asks; fewer would make the extra leading fields pandas' index, \
                     which is not supported)",
                    given.len(),
                    first_line.len(),
                    files[0].display()
                ),
            });
        }
        Some(given) => given.clone(),
        None => first_line.clone(),
    };
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
    let mut eol = vec![eol0];
    let mut more = vec![more0];
    for (f, &c) in files[1..].iter().zip(&compression[1..]) {
        let (h, len, e, m) = read_header(f, c, options.delimiter, header)?;
        if header && h != first_line {
            return Err(FrameError::HeaderMismatch { path: f.clone(), first: files[0].clone() });
        }
        header_lens.push(len);
        eol.push(e);
        more.push(m);
    }
    // Types from the first file with a row; a read of headers alone has
    // text columns (pandas' object columns of an empty frame).
    let mut schema = None;
    for (fi, f) in files.iter().enumerate() {
        schema = infer(f, compression[fi], header_lens[fi], eol[fi], &names, &options, &na)?;
        if schema.is_some() {
            break;
        }
    }
    let mut schema = schema.unwrap_or_else(|| Schema {
        fields: names.iter().map(|n| Field { name: n.clone(), dtype: DType::Str }).collect(),
    });
    let mut forced = vec![false; names.len()];
    for (name, dtype) in &options.dtypes {
        let i = names.iter().position(|n| n == name).ok_or_else(|| FrameError::UnknownOptionColumn {
            option: "dtype",
            name: name.clone(),
            path: files[0].clone(),
        })?;
        schema.fields[i].dtype = *dtype;
        forced[i] = true;
    }
    for (name, dtype) in &options.dtypes_if_present {
        if let Some(i) = names.iter().position(|n| n == name) {
            schema.fields[i].dtype = *dtype;
            forced[i] = true;
        }
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
    let mut count: u64 = 0;
    for (fi, f) in files.iter().enumerate() {
        let start = header_lens[fi];
        if compression[fi] != Compression::Uncompressed {
            // One partition, decoded from the start; its range is the rest.
            if more[fi] {
                count = count.saturating_add(1);
                partitions.push(Partition { file: fi, start, end: u64::MAX });
            }
            continue;
        }
        let size = std::fs::metadata(f).map_err(io(f))?.len();
        if start >= size {
            continue; // header only: no rows
        }
        // `as`: a usize fits a u64.
        let ranges = Ranges::new(start, size, options.blocksize as u64);
        // Each partition is a task with its buffers: refuse a blocksize that
        // would cut the files into more than can be planned in memory.
        count = count.saturating_add(ranges.count());
        if count > MAX_PARTITIONS {
            return Err(FrameError::Option {
                name: "blocksize",
                message: format!(
                    "{} bytes cuts the files into more than {MAX_PARTITIONS} partitions; use a larger blocksize",
                    options.blocksize
                ),
            });
        }
        partitions.extend(ranges.iter().map(|(start, end)| Partition { file: fi, start, end }));
    }
    if partitions.is_empty() {
        // Every file is a header alone: one partition of no rows, so that
        // the frame is empty (as pandas reads such a file).
        let start = header_lens[0];
        partitions.push(Partition { file: 0, start, end: start });
    }
    let path_column = options.include_path_column.clone();
    let mut source = Source {
        files,
        file_schema: schema,
        visible,
        entries: Entries::new(partitions.len()),
        partitions,
        compression,
        eol,
        forced,
        na,
        options,
        pattern: pattern.to_owned(),
        format: Format::Csv,
        path_column: false,
        footers: Vec::new(),
    };
    if let Some(name) = path_column {
        source.add_path_column(&name)?;
    }
    Ok(source)
}

/// The files a path or glob names (a glob's in order).
pub(crate) fn resolve(pattern: &str) -> Result<Vec<PathBuf>> {
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
        let meta = std::fs::metadata(&p).map_err(io(&p))?;
        // Partitions are byte ranges, read by opening the file once each: a
        // pipe or a device would be read once and then wait for ever.
        if !meta.is_file() {
            let what = if meta.is_dir() { "a directory" } else { "not a regular file (a pipe or a device)" };
            return Err(FrameError::Io {
                path: p,
                error: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!(
                        "{what}: read_csv reads byte ranges of regular files; copy the data to a file first"
                    ),
                ),
            });
        }
        Ok(vec![p])
    }
}

/// Where the header starts: after a byte-order mark and any blank lines
/// (empty, or spaces and tabs that are not the delimiter only), which
/// pandas skips too.
fn header_start(buf: &[u8], delimiter: u8) -> usize {
    let mut p = if buf.starts_with(BOM) { BOM.len() } else { 0 };
    loop {
        let rest = &buf[p..];
        let text = rest.iter().position(|&b| !is_blank(b, delimiter)).unwrap_or(rest.len());
        match rest.get(text) {
            Some(b'\n') => p += text + 1,
            Some(b'\r') if rest.get(text + 1) == Some(&b'\n') => p += text + 2,
            Some(b'\r') => p += text + 1,
            // Spaces to the end of the file: no header.
            None => return buf.len(),
            Some(_) => return p,
        }
    }
}

/// The most partitions a read may plan (each is a task and a buffer).
const MAX_PARTITIONS: u64 = 1 << 20;

/// UTF-8's byte-order mark, skipped before the header.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// The header's names, its length in bytes (with a byte-order mark before
/// it and the line end after it), the file's line end (`\r` when the first
/// line ends with a lone `\r`, as old Mac files, which pandas reads; `\n`
/// otherwise), and whether anything follows the header. Without a header
/// (`header` false): names `0`, `1`, ... for the first line's fields, the
/// length of what comes before that line, and whether it exists.
fn read_header(
    path: &Path,
    compression: Compression,
    delimiter: u8,
    header: bool,
) -> Result<(Vec<String>, u64, u8, bool)> {
    let mut f = decode::open(path, compression)?;
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 << 10];
    // Read to the header's line end and the byte after it.
    loop {
        let n = f.read(&mut chunk).map_err(|e| decode::decode_error(path, compression, e))?;
        buf.extend_from_slice(&chunk[..n]);
        let start = header_start(&buf, delimiter);
        let found = memchr::memchr2(b'\n', b'\r', &buf[start..]).is_some_and(|k| start + k + 1 < buf.len());
        if n == 0 || found {
            break;
        }
    }
    let skip = header_start(&buf, delimiter);
    if skip >= buf.len() {
        return Err(FrameError::Empty { path: path.to_owned() });
    }
    let eol = match memchr::memchr2(b'\n', b'\r', &buf[skip..]) {
        Some(k) if buf[skip + k] == b'\r' && buf.get(skip + k + 1) != Some(&b'\n') => b'\r',
        _ => b'\n',
    };
    let mut fields = Vec::new();
    let mut tok = Tokenizer::new(&buf, skip, delimiter, eol);
    let end = tok.record(&mut |_, field: &[u8], quoted| {
        fields.push(if quoted { unescape(field) } else { field.to_vec() });
    });
    let end =
        end.map_err(|problem| FrameError::Row { path: path.to_owned(), line: 1, column: None, problem })?;
    // Names keep their spaces, as pandas keeps them (` a ` is not `a`);
    // only the carriage return of a CRLF line end goes. An empty name is
    // `Unnamed: i` (i from 0), as pandas names it.
    let names = fields
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            String::from_utf8(f).map(|s| match s.strip_suffix('\r').unwrap_or(&s) {
                "" => format!("Unnamed: {i}"),
                name => name.to_owned(),
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| FrameError::Row {
            path: path.to_owned(),
            line: 1,
            column: None,
            problem: RowProblem::Utf8,
        })?;
    if !header {
        // `as`: a position in the buffer fits a u64.
        return Ok(((0..names.len()).map(|i| i.to_string()).collect(), skip as u64, eol, true));
    }
    Ok((names, end as u64, eol, end < buf.len()))
}

/// Infers each column's type from the complete rows in the first
/// `sample_bytes` after the header; `None` when the file has no row at all
/// (a header alone, or with blank lines).
fn infer(
    path: &Path,
    compression: Compression,
    header_len: u64,
    eol: u8,
    names: &[String],
    options: &CsvOptions,
    na: &NaSet,
) -> Result<Option<Schema>> {
    let err = |e| decode::decode_error(path, compression, e);
    let mut f = decode::open(path, compression)?;
    decode::skip(&mut f, header_len).map_err(err)?;
    let mut buf = Vec::new();
    // One byte past the sample tells whether it holds the rest of the file
    // (then its last line is whole, line end or not). `as`: a usize fits a
    // u64.
    f.take((options.sample_bytes as u64).saturating_add(1)).read_to_end(&mut buf).map_err(err)?;
    let whole = buf.len() <= options.sample_bytes;
    buf.truncate(options.sample_bytes);
    let mut inference = vec![Inference::default(); names.len()];
    let mut tok = Tokenizer::new(&buf, 0, options.delimiter, eol);
    // One row's fields, as the tokenizer hands them over (kept from row to
    // row: no allocation per row or field).
    let mut row: Vec<(&[u8], bool)> = Vec::with_capacity(names.len());
    let mut rows = false;
    while tok.pos < buf.len() {
        // Blank lines are no rows (see `Sink::parse_from`).
        if let Some(len) = blank_at(&buf, tok.pos, eol, options.delimiter) {
            tok.pos += len;
            continue;
        }
        row.clear();
        rows = true;
        let Ok(end) = tok.record(&mut |_, field, quoted| row.push((field, quoted))) else {
            break; // a row cut by the sample's end
        };
        if end >= buf.len() && buf.last() != Some(&eol) && !whole {
            break; // the last row, cut by the sample's end
        }
        if row.len() > names.len() {
            continue; // reported when the data is read
        }
        // A short row's missing fields are empty (see `Sink::parse_from`).
        let padded = row.iter().copied().chain(std::iter::repeat((&b""[..], false)));
        for (inference, (field, quoted)) in inference.iter_mut().zip(padded) {
            let owned;
            let text = if quoted && memchr::memchr(b'"', field).is_some() {
                owned = unescape(field);
                &owned[..]
            } else {
                field
            };
            if !na.contains(text) {
                inference.observe(text);
            }
        }
    }
    if !rows && whole {
        return Ok(None);
    }
    Ok(Some(Schema {
        fields: names
            .iter()
            .zip(&inference)
            .map(|(n, i)| Field { name: n.clone(), dtype: i.dtype() })
            .collect(),
    }))
}

/// The columns one partition yields, in the order of `columns`.
pub(crate) struct Parsed {
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: usize,
    pub(crate) skipped: u64,
    /// The most bytes of the file the partition held at once (for a plain
    /// file, a piece and the rest of a row: see [`crate::pieces`]).
    pub(crate) bytes: usize,
}

/// Bytes of a file in memory whose rows a [`Sink`] parses.
pub(crate) struct Block<'a> {
    /// The bytes.
    pub(crate) buf: &'a [u8],
    /// Where the first row starts.
    pub(crate) first: usize,
    /// Rows that start before this offset are parsed.
    pub(crate) limit: usize,
    /// The offset of `buf[0]` in the file (its decoded text), for errors.
    pub(crate) base: u64,
    /// Whether the rows hold no quote (then the fast path reads them).
    pub(crate) quote_free: bool,
}

/// Typed columns being built from the rows of one partition, block after
/// block.
pub(crate) struct Sink<'s> {
    source: &'s Source,
    file: usize,
    columns: &'s [usize],
    /// Per column of the header, its builder's position, or `usize::MAX`.
    slot_of: Vec<usize>,
    builders: Vec<Builder<'s>>,
    rows: usize,
    skipped: u64,
}

impl<'s> Sink<'s> {
    /// Empty builders for `columns` (positions in the header) of `file`.
    pub(crate) fn new(source: &'s Source, file: usize, columns: &'s [usize]) -> Self {
        let mut slot_of = vec![usize::MAX; source.file_schema.fields.len()];
        for (k, &c) in columns.iter().enumerate() {
            slot_of[c] = k;
        }
        let mut sink = Sink { source, file, columns, slot_of, builders: Vec::new(), rows: 0, skipped: 0 };
        sink.builders = sink.new_builders();
        sink
    }

    fn new_builders(&self) -> Vec<Builder<'s>> {
        let source = self.source;
        self.columns
            .iter()
            .map(|&c| Builder::new(source.file_schema.fields[c].dtype, source.forced[c], &source.na))
            .collect()
    }

    /// The columns built, with `bytes` as the bytes held.
    pub(crate) fn finish(self, bytes: usize) -> Parsed {
        Parsed {
            columns: self.builders.into_iter().map(Builder::finish).collect(),
            rows: self.rows,
            skipped: self.skipped,
            bytes,
        }
    }

    /// Parses the rows of a block that start before its limit.
    pub(crate) fn parse(&mut self, block: &Block<'_>) -> Result<()> {
        self.parse_from(block, false).map(drop)
    }

    /// Parses the rows of a block that start before its limit; with `more`
    /// (more text follows the block, which ends after a line end), it
    /// stops before a row that does not end in the block (a quoted field
    /// holding the block's last line end). Where it stopped: the start of
    /// the row not read, or the first row start at or past the limit.
    pub(crate) fn parse_from(&mut self, block: &Block<'_>, more: bool) -> Result<usize> {
        let source = self.source;
        let eol = source.eol[self.file];
        let ncols = source.file_columns();
        let Block { buf, first, limit, base, quote_free } = *block;
        let scanner = Scanner { delimiter: source.options.delimiter, eol };
        let mut from = first;
        // Blocks take the fast path (`rows.rs`, lighter for quote-free
        // blocks); from the first row it gives up on, the general
        // tokenizer reads (and reports a problem). A delimiter that is a
        // quote or a line end byte has the tokenizer's precedence rules only.
        if !matches!(source.options.delimiter, b'"' | b'\r' | b'\n') {
            let layout = Layout { ncols, slot_of: &self.slot_of, delimiter: source.options.delimiter, eol };
            let fast = if quote_free { parse_rows::<false> } else { parse_rows::<true> };
            let stop = fast(buf, first, limit, &layout, &mut self.builders);
            self.rows += stop.rows;
            if stop.clean {
                return Ok(stop.at);
            }
            // The row given up on may have pushed some fields.
            if self.rows == 0 {
                self.builders = self.new_builders();
            } else {
                for b in &mut self.builders {
                    b.truncate(self.rows);
                }
            }
            if more && scanner.record_end(buf, stop.at).is_none() {
                return Ok(stop.at); // cut by the block's end: read with the next
            }
            from = stop.at;
        }
        let builders = &mut self.builders;
        let slot_of = &self.slot_of;
        let mut tok = Tokenizer::new(buf, from, source.options.delimiter, eol);
        while tok.pos < limit && tok.pos < buf.len() {
            let row_start = tok.pos;
            // A blank line is no row; nor is one of spaces and tabs only, as
            // pandas skips it.
            if let Some(len) = blank_at(buf, row_start, eol, source.options.delimiter) {
                tok.pos += len;
                continue;
            }
            let mut count = 0usize;
            let mut problem: Option<(usize, RowProblem)> = None;
            let result = tok.record(&mut |j, field, quoted| {
                count = j + 1;
                if problem.is_none()
                    && j < ncols
                    && slot_of[j] != usize::MAX
                    && let Err(p) = builders[slot_of[j]].push(field, quoted)
                {
                    problem = Some((j, p));
                }
            });
            // A short row reads as if its missing fields were empty (pandas
            // pads it: NaN, or `""` without the default missing values).
            if result.is_ok() && problem.is_none() && count < ncols {
                for j in count..ncols {
                    if slot_of[j] != usize::MAX
                        && let Err(p) = builders[slot_of[j]].push(b"", false)
                    {
                        problem = Some((j, p));
                        break;
                    }
                }
            }
            let row_problem = match result {
                Err(p) => Some((None, p)),
                Ok(_) if problem.is_some() => problem.map(|(j, p)| (Some(j), p)),
                Ok(_) if count > ncols => {
                    Some((None, RowProblem::FieldCount { expected: ncols, found: count }))
                }
                Ok(_) => None,
            };
            if row_problem.is_none() {
                self.rows += 1;
                continue;
            }
            let (column, problem) = row_problem.expect("checked");
            if more && problem == RowProblem::UnclosedQuote && scanner.record_end(buf, row_start).is_none() {
                // Cut by the block's end: read with the next.
                for b in builders.iter_mut() {
                    b.truncate(self.rows);
                }
                return Ok(row_start);
            }
            match source.options.bad_rows {
                BadRows::Skip if !matches!(problem, RowProblem::UnclosedQuote) => {
                    self.skipped += 1;
                    for b in builders.iter_mut() {
                        b.truncate(self.rows);
                    }
                }
                _ => {
                    let path = &source.files[self.file];
                    let line = source.line_of(self.file, base + row_start as u64)?;
                    return Err(FrameError::Row {
                        path: path.clone(),
                        line,
                        column: column.map(|j| source.file_schema.fields[j].name.clone()),
                        problem,
                    });
                }
            }
        }
        Ok(tok.pos)
    }
}

/// The 1-based line of a byte offset: one more than the line ends before it.
fn line_of(path: &Path, compression: Compression, offset: u64, eol: u8) -> Result<u64> {
    let mut f = decode::open(path, compression)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = offset;
    let mut lines = 1u64;
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        let n = f.read(&mut buf[..want]).map_err(|e| decode::decode_error(path, compression, e))?;
        if n == 0 {
            break;
        }
        lines += memchr::memchr_iter(eol, &buf[..n]).count() as u64;
        left -= n as u64;
    }
    Ok(lines)
}
