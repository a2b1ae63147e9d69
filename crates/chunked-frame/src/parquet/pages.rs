//! A column chunk's pages decoded straight into the crate's columns: a
//! string dictionary page becomes the column's dictionary once (each
//! distinct string checked and copied once, not once a row) and its data
//! pages' indices become the codes; numbers are read from their
//! dictionary or plain bytes into the column's values. Definition levels
//! (RLE) give the validity, which stays empty when nothing is null.
//!
//! Handles the encodings writers use for these types (plain, and the
//! dictionary with RLE/bit-packed indices) in data pages v1 and v2; for
//! anything else [`read`] answers `Ok(None)` and the caller reads the chunk
//! again through the `parquet` crate's general column reader.

use std::collections::HashMap;

use parquet::basic::{Encoding, LogicalType, Type as Physical};
use parquet::column::page::{Page, PageReader};
use parquet::schema::types::ColumnDescriptor;

use crate::column::{Column, NULL_CODE};

/// Why a chunk cannot be decoded here (the caller falls back), or what is
/// wrong with it.
pub(super) enum Problem {
    /// An encoding or layout this module does not decode.
    Unsupported,
    /// The data is wrong: the message says how.
    Bad(String),
}

impl From<String> for Problem {
    fn from(message: String) -> Self {
        Problem::Bad(message)
    }
}

type Res<T> = std::result::Result<T, Problem>;

/// Decodes the `rows` rows of one column chunk from its pages (only the
/// rows `keep` lists, ascending, when given), or `Ok(None)` when it uses
/// something this module does not decode.
pub(super) fn read(
    pages: &mut dyn PageReader,
    descr: &ColumnDescriptor,
    rows: usize,
    keep: Option<&[usize]>,
) -> std::result::Result<Option<Column>, String> {
    let unsigned = matches!(descr.logical_type_ref(), Some(LogicalType::Integer { is_signed: false, .. }));
    let max = descr.max_def_level();
    if !(0..=1).contains(&max) || descr.max_rep_level() != 0 {
        return Ok(None);
    }
    if let Some(&last) = keep.and_then(<[usize]>::last)
        && last >= rows
    {
        return Err(format!("row {last} selected in a row group of {rows}"));
    }
    let nullable = max == 1;
    let done = match descr.physical_type() {
        Physical::DOUBLE => numbers::<8, f64>(pages, nullable, rows, keep, f64::NAN, f64::from_le_bytes)
            .map(|(values, valid)| Column::Float64 { values, valid }),
        Physical::FLOAT => {
            numbers::<4, f64>(pages, nullable, rows, keep, f64::NAN, |b| f64::from(f32::from_le_bytes(b)))
                .map(|(values, valid)| Column::Float64 { values, valid })
        }
        // Unsigned too: the caller refuses values beyond int64.
        Physical::INT64 => numbers::<8, i64>(pages, nullable, rows, keep, 0, i64::from_le_bytes)
            .map(|(values, valid)| Column::Int64 { values, valid }),
        Physical::INT32 if unsigned => {
            numbers::<4, i64>(pages, nullable, rows, keep, 0, |b| i64::from(u32::from_le_bytes(b)))
                .map(|(values, valid)| Column::Int64 { values, valid })
        }
        Physical::INT32 => {
            numbers::<4, i64>(pages, nullable, rows, keep, 0, |b| i64::from(i32::from_le_bytes(b)))
                .map(|(values, valid)| Column::Int64 { values, valid })
        }
        Physical::BYTE_ARRAY => strings(pages, nullable, rows).map(|c| match keep {
            Some(keep) => super::gather(&c, keep),
            None => c,
        }),
        _ => return Ok(None),
    };
    match done {
        Ok(column) => Ok(Some(column)),
        Err(Problem::Unsupported) => Ok(None),
        Err(Problem::Bad(message)) => Err(message),
    }
}

/// One data page, its levels and values apart.
struct DataPage<'a> {
    /// Rows (levels) in the page.
    rows: usize,
    /// The definition levels as RLE/bit-packed runs of width 1, if the
    /// column is nullable.
    defs: Option<&'a [u8]>,
    /// The encoded values.
    values: &'a [u8],
    encoding: Encoding,
}

/// The next page: `None` at the end, the dictionary's bytes and count, or a
/// data page.
enum Next<'a> {
    Dictionary(&'a [u8], usize),
    Data(DataPage<'a>),
}

fn split(page: &Page, nullable: bool) -> Res<Next<'_>> {
    let count = |n: u32| usize::try_from(n).map_err(|_| Problem::Bad("a page count beyond memory".into()));
    match page {
        Page::DictionaryPage { buf, num_values, encoding, .. } => {
            if !matches!(encoding, Encoding::PLAIN | Encoding::PLAIN_DICTIONARY) {
                return Err(Problem::Unsupported);
            }
            Ok(Next::Dictionary(buf, count(*num_values)?))
        }
        Page::DataPage { buf, num_values, encoding, def_level_encoding, .. } => {
            let rows = count(*num_values)?;
            let (defs, values) = if nullable {
                if *def_level_encoding != Encoding::RLE {
                    return Err(Problem::Unsupported);
                }
                let len = buf
                    .get(..4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .ok_or_else(|| Problem::Bad("a data page too short for its levels' length".into()))?;
                let end = usize::try_from(len)
                    .ok()
                    .and_then(|l| l.checked_add(4))
                    .filter(|&e| e <= buf.len())
                    .ok_or_else(|| {
                        Problem::Bad(format!("definition levels of {len} bytes past the page's end"))
                    })?;
                (Some(&buf[4..end]), &buf[end..])
            } else {
                (None, &buf[..])
            };
            Ok(Next::Data(DataPage { rows, defs, values, encoding: *encoding }))
        }
        Page::DataPageV2 { buf, num_values, encoding, def_levels_byte_len, rep_levels_byte_len, .. } => {
            if *rep_levels_byte_len != 0 {
                return Err(Problem::Unsupported);
            }
            let rows = count(*num_values)?;
            let len = count(*def_levels_byte_len)?;
            if len > buf.len() {
                return Err(Problem::Bad(format!("definition levels of {len} bytes past the page's end")));
            }
            let defs = nullable.then_some(&buf[..len]);
            Ok(Next::Data(DataPage { rows, defs, values: &buf[len..], encoding: *encoding }))
        }
    }
}

/// Appends a page's validity to `valid` (true where defined: definition
/// levels of width 1, RLE/bit-packed) and returns how many rows are
/// defined.
fn levels(defs: &[u8], rows: usize, valid: &mut Vec<bool>) -> Res<usize> {
    let short = || Problem::Bad("definition levels shorter than their rows".into());
    valid.reserve(rows);
    let (mut pos, mut left, mut defined) = (0usize, rows, 0usize);
    while left > 0 {
        let header = run_header(defs, &mut pos)?;
        if header & 1 == 0 {
            let count = usize::try_from(header >> 1).unwrap_or(usize::MAX).min(left);
            let on = *defs.get(pos).ok_or_else(short)? == 1;
            pos += 1;
            valid.resize(valid.len() + count, on);
            defined += if on { count } else { 0 };
            left -= count;
        } else {
            let groups = usize::try_from(header >> 1).unwrap_or(usize::MAX);
            let take = left.min(groups.saturating_mul(8));
            let bytes = defs.get(pos..pos + take.div_ceil(8)).ok_or_else(short)?;
            for (i, &b) in bytes.iter().enumerate() {
                let n = (take - i * 8).min(8);
                let b = if n == 8 { b } else { b & ((1u8 << n) - 1) };
                valid.extend((0..n).map(|k| (b >> k) & 1 == 1));
                // `as`: at most 8.
                defined += b.count_ones() as usize;
            }
            pos += groups.min(defs.len() - pos);
            left -= take;
        }
    }
    Ok(defined)
}

/// The header of an RLE/bit-packed run, a ULEB128 integer at `pos`.
fn run_header(data: &[u8], pos: &mut usize) -> Res<u64> {
    let mut header = 0u64;
    let mut shift = 0;
    loop {
        let b = *data
            .get(*pos)
            .ok_or_else(|| Problem::Bad("RLE/bit-packed runs shorter than their values".into()))?;
        *pos += 1;
        header |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(header);
        }
        shift += 7;
        if shift > 63 {
            return Err(Problem::Bad("an RLE run header longer than 64 bits".into()));
        }
    }
}

/// Values of a numeric column chunk and its validity (empty when none is
/// null), nulls holding `fill`; only the rows `keep` lists (ascending),
/// when given: each kept row's value is then read where it lies in its
/// page (plain bytes, or its dictionary index in the RLE/bit-packed runs),
/// the other rows' values never decoded.
fn numbers<const N: usize, T: Copy>(
    pages: &mut dyn PageReader,
    nullable: bool,
    rows: usize,
    keep: Option<&[usize]>,
    fill: T,
    from: impl Fn([u8; N]) -> T,
) -> Res<(Vec<T>, Vec<bool>)> {
    let wanted = keep.map_or(rows, <[usize]>::len);
    let mut values: Vec<T> = Vec::with_capacity(wanted);
    let mut valid: Vec<bool> = Vec::with_capacity(if nullable { wanted } else { 0 });
    let mut dict: Vec<T> = Vec::new();
    let mut scratch = Scratch { dense: Vec::new(), idx: Vec::new() };
    // A page's validity, when only some rows are kept.
    let mut page_valid: Vec<bool> = Vec::new();
    let mut seen = 0usize;
    // The next kept row to read.
    let mut next = 0usize;
    while let Some(page) = pages.get_next_page().map_err(|e| Problem::Bad(e.to_string()))? {
        match split(&page, nullable)? {
            Next::Dictionary(bytes, n) => {
                dict.clear();
                plain(bytes, n, &mut dict, &from)?;
            }
            Next::Data(p) => {
                let start = seen;
                seen = seen.saturating_add(p.rows);
                let Some(keep) = keep else {
                    data_page(&p, &dict, fill, &from, &mut scratch, &mut values, &mut valid)?;
                    continue;
                };
                let first = next;
                while next < keep.len() && keep[next] < seen {
                    next += 1;
                }
                let page_keep = &keep[first..next];
                if page_keep.is_empty() {
                    continue;
                }
                page_valid.clear();
                let defined = match p.defs {
                    Some(defs) => levels(defs, p.rows, &mut page_valid)?,
                    None => p.rows,
                };
                let mut at = Values::new(&p, defined, dict.len())?;
                // The defined rows before `row` in the page, counted as
                // the kept rows come.
                let (mut row, mut rank) = (0usize, 0usize);
                for &k in page_keep {
                    let r = k - start;
                    let ok = page_valid.is_empty() || page_valid[r];
                    if !page_valid.is_empty() {
                        rank += page_valid[row..r].iter().filter(|&&v| v).count();
                        row = r;
                    } else {
                        rank = r;
                    }
                    let value = if ok {
                        match at.get(rank)? {
                            Value::Plain(b) => from(b),
                            // `as`: checked below the dictionary's length.
                            Value::Index(i) => dict[i as usize],
                        }
                    } else {
                        fill
                    };
                    values.push(value);
                    if nullable {
                        valid.push(ok);
                    }
                }
            }
        }
    }
    check_rows(seen, rows)?;
    check_rows(values.len(), wanted)?;
    if valid.iter().all(|&v| v) {
        valid = Vec::new();
    }
    Ok((values, valid))
}

/// A value of a page read where it lies: its plain bytes, or its
/// dictionary index.
enum Value<const N: usize> {
    Plain([u8; N]),
    Index(u32),
}

/// Random access, at ranks that only grow, to the non-null values of a
/// data page: plain values by offset; dictionary indices by walking the
/// RLE/bit-packed runs up to the run holding the rank.
enum Values<'a> {
    Plain(&'a [u8]),
    Dict(Runs<'a>),
}

impl<'a> Values<'a> {
    fn new(p: &DataPage<'a>, defined: usize, bound: usize) -> Res<Self> {
        match p.encoding {
            Encoding::PLAIN => Ok(Self::Plain(p.values)),
            Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY => {
                if defined == 0 {
                    return Ok(Self::Plain(&[]));
                }
                let (&width, data) = p
                    .values
                    .split_first()
                    .ok_or_else(|| Problem::Bad("a data page without its indices".into()))?;
                if width > 32 {
                    return Err(Problem::Bad(format!("dictionary indices of {width} bits")));
                }
                Ok(Self::Dict(Runs {
                    data,
                    width: u32::from(width),
                    bound,
                    pos: 0,
                    start: 0,
                    len: 0,
                    rle: None,
                    packed: 0,
                }))
            }
            _ => Err(Problem::Unsupported),
        }
    }

    fn get<const N: usize>(&mut self, rank: usize) -> Res<Value<N>> {
        match self {
            Self::Plain(bytes) => {
                let at = rank.checked_mul(N).and_then(|a| bytes.get(a..a.checked_add(N)?));
                let b = at.ok_or_else(|| Problem::Bad(format!("plain value {rank} past the page's end")))?;
                Ok(Value::Plain(b.try_into().expect("N bytes")))
            }
            Self::Dict(runs) => runs.get(rank).map(Value::Index),
        }
    }
}

/// A cursor over RLE/bit-packed runs of dictionary indices.
struct Runs<'a> {
    data: &'a [u8],
    width: u32,
    /// The dictionary's length: every index is below it.
    bound: usize,
    /// Where the next run's header is.
    pos: usize,
    /// The first rank of the current run, and its length.
    start: usize,
    len: usize,
    /// The current run's value if it repeats one.
    rle: Option<u32>,
    /// Where the current bit-packed run's bits start.
    packed: usize,
}

impl Runs<'_> {
    fn get(&mut self, rank: usize) -> Res<u32> {
        let short = || Problem::Bad("RLE/bit-packed runs shorter than their values".into());
        // `as`: width is at most 32.
        let width = self.width as usize;
        while rank >= self.start.saturating_add(self.len) {
            self.start = self.start.saturating_add(self.len);
            let header = run_header(self.data, &mut self.pos)?;
            let count = usize::try_from(header >> 1).unwrap_or(usize::MAX);
            if header & 1 == 0 {
                let bytes = width.div_ceil(8);
                let b = self.data.get(self.pos..self.pos + bytes).ok_or_else(short)?;
                let mut v = 0u32;
                for (i, &x) in b.iter().enumerate() {
                    v |= u32::from(x) << (8 * i);
                }
                self.pos += bytes;
                self.rle = Some(v);
                self.len = count;
            } else {
                self.rle = None;
                self.packed = self.pos;
                self.len = count.saturating_mul(8);
                self.pos = self.pos.saturating_add(count.saturating_mul(width)).min(self.data.len());
            }
            if self.len == 0 && self.pos >= self.data.len() {
                return Err(short());
            }
        }
        let v = match self.rle {
            Some(v) => v,
            None => {
                let bit = (rank - self.start) * width;
                let from = self.packed + bit / 8;
                let mut word = [0u8; 8];
                let have = self.data.get(from..).ok_or_else(short)?;
                let n = have.len().min(8);
                if n * 8 < bit % 8 + width {
                    return Err(short());
                }
                word[..n].copy_from_slice(&have[..n]);
                let mask: u64 = if width == 32 { u64::from(u32::MAX) } else { (1u64 << width) - 1 };
                // `as`: masked to at most 32 bits.
                ((u64::from_le_bytes(word) >> (bit % 8)) & mask) as u32
            }
        };
        if usize::try_from(v).map_or(true, |v| v >= self.bound) {
            return Err(Problem::Bad(format!("index {v} past the dictionary of {} values", self.bound)));
        }
        Ok(v)
    }
}

/// Buffers a page's decoding reuses: its non-null values, its indices.
struct Scratch<T> {
    dense: Vec<T>,
    idx: Vec<u32>,
}

/// `n` plain values of `N` bytes each from `bytes`, appended to `out`.
fn plain<const N: usize, T>(
    bytes: &[u8],
    n: usize,
    out: &mut Vec<T>,
    from: impl Fn([u8; N]) -> T,
) -> Res<()> {
    let need = n.checked_mul(N).filter(|&b| b <= bytes.len());
    let need =
        need.ok_or_else(|| Problem::Bad(format!("{n} plain values need more than the page's bytes")))?;
    out.extend(bytes[..need].chunks_exact(N).map(|c| from(c.try_into().expect("N bytes"))));
    Ok(())
}

/// Appends one data page's rows to `values` (`fill` where null) and, for a
/// nullable column, their validity to `valid`.
fn data_page<const N: usize, T: Copy>(
    p: &DataPage<'_>,
    dict: &[T],
    fill: T,
    from: impl Fn([u8; N]) -> T,
    scratch: &mut Scratch<T>,
    values: &mut Vec<T>,
    valid: &mut Vec<bool>,
) -> Res<()> {
    let defined = match p.defs {
        Some(defs) => levels(defs, p.rows, valid)?,
        None => p.rows,
    };
    // Values go straight to the column when the page has no null.
    let out = if defined == p.rows { &mut *values } else { &mut scratch.dense };
    match p.encoding {
        Encoding::PLAIN => plain(p.values, defined, out, from)?,
        Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY => {
            indices(p.values, defined, &mut scratch.idx, dict.len())?;
            // `as`: each index is below the dictionary's length.
            out.extend(scratch.idx.iter().map(|&i| dict[i as usize]));
        }
        _ => return Err(Problem::Unsupported),
    }
    if defined != p.rows {
        let mut it = scratch.dense.drain(..);
        let page_valid = &valid[valid.len() - p.rows..];
        values.extend(page_valid.iter().map(|&ok| if ok { it.next().unwrap_or(fill) } else { fill }));
    }
    Ok(())
}

fn check_rows(got: usize, rows: usize) -> Res<()> {
    if got != rows {
        return Err(Problem::Bad(format!("{got} values where the row group has {rows} rows")));
    }
    Ok(())
}

/// A string column chunk: the dictionary page's distinct strings become the
/// column's dictionary (a repeated entry mapped to its first code), data
/// pages' indices become codes through that map, and plain pages (a writer
/// whose dictionary grew too large) are interned one value at a time.
fn strings(pages: &mut dyn PageReader, nullable: bool, rows: usize) -> Res<Column> {
    let mut dict: Vec<String> = Vec::new();
    let mut codes: Vec<u32> = Vec::with_capacity(rows);
    let mut valid: Vec<bool> = Vec::new();
    // The code of each index of the current dictionary page.
    let mut table: Vec<u32> = Vec::new();
    // Whether `table` maps each index to itself.
    let mut identity = false;
    // Every string's code, built on the first repeated entry or plain page.
    let mut index: HashMap<String, u32> = HashMap::new();
    let mut dense: Vec<u32> = Vec::new();
    // A page's levels or indices, reused from page to page.
    let mut idx: Vec<u32> = Vec::new();
    let intern = |dict: &mut Vec<String>, index: &mut HashMap<String, u32>, bytes: &[u8]| -> Res<u32> {
        let s = std::str::from_utf8(bytes)
            .map_err(|e| Problem::Bad(format!("a string that is not UTF-8 ({e})")))?;
        if let Some(&c) = index.get(s) {
            return Ok(c);
        }
        let c = u32::try_from(dict.len())
            .ok()
            .filter(|&c| c != NULL_CODE)
            .ok_or_else(|| Problem::Bad("more distinct strings than codes".into()))?;
        dict.push(s.to_owned());
        index.insert(s.to_owned(), c);
        Ok(c)
    };
    while let Some(page) = pages.get_next_page().map_err(|e| Problem::Bad(e.to_string()))? {
        match split(&page, nullable)? {
            Next::Dictionary(bytes, n) => {
                if dict.len() + n > usize::try_from(NULL_CODE).unwrap_or(usize::MAX) {
                    return Err(Problem::Bad("more distinct strings than codes".into()));
                }
                table.clear();
                let mut plain = Plain(bytes);
                if dict.is_empty() && index.is_empty() {
                    // The usual case: the chunk's one dictionary, taken as it is
                    // unless an entry repeats.
                    let mut firsts: HashMap<&[u8], u32> = HashMap::with_capacity(n);
                    for _ in 0..n {
                        let b = plain.next()?;
                        let next = u32::try_from(dict.len()).expect("checked above");
                        let code = *firsts.entry(b).or_insert(next);
                        if code == next {
                            let s = std::str::from_utf8(b)
                                .map_err(|e| Problem::Bad(format!("a string that is not UTF-8 ({e})")))?;
                            dict.push(s.to_owned());
                        }
                        table.push(code);
                    }
                } else {
                    if index.is_empty() {
                        index = dict.iter().enumerate().map(|(i, s)| (s.clone(), i as u32)).collect();
                    }
                    for _ in 0..n {
                        let b = plain.next()?;
                        table.push(intern(&mut dict, &mut index, b)?);
                    }
                }
                identity = table.iter().enumerate().all(|(i, &c)| usize::try_from(c).is_ok_and(|c| c == i));
            }
            Next::Data(p) => {
                let defined = match p.defs {
                    Some(defs) => {
                        // Only the page's validity: nulls are codes in a string column.
                        valid.clear();
                        levels(defs, p.rows, &mut valid)?
                    }
                    None => p.rows,
                };
                let out = if defined == p.rows { &mut codes } else { &mut dense };
                match p.encoding {
                    Encoding::RLE_DICTIONARY | Encoding::PLAIN_DICTIONARY => {
                        if identity {
                            // The usual case: the dictionary's indices are the
                            // codes, decoded straight into the column.
                            let from = out.len();
                            hybrid_indices(p.values, defined, out, table.len())?;
                            debug_assert_eq!(out.len(), from + defined);
                        } else {
                            indices(p.values, defined, &mut idx, table.len())?;
                            // `as`: each index is below the table's length.
                            out.extend(idx.iter().map(|&i| table[i as usize]));
                        }
                    }
                    Encoding::PLAIN => {
                        if index.is_empty() {
                            index = dict.iter().enumerate().map(|(i, s)| (s.clone(), i as u32)).collect();
                        }
                        let mut plain = Plain(p.values);
                        for _ in 0..defined {
                            let b = plain.next()?;
                            out.push(intern(&mut dict, &mut index, b)?);
                        }
                    }
                    _ => return Err(Problem::Unsupported),
                }
                if defined != p.rows {
                    let mut it = dense.drain(..);
                    let page_valid = &valid[..];
                    codes.extend(
                        page_valid
                            .iter()
                            .map(|&ok| if ok { it.next().unwrap_or(NULL_CODE) } else { NULL_CODE }),
                    );
                }
            }
        }
    }
    check_rows(codes.len(), rows)?;
    Ok(Column::Str { dict, codes })
}

/// Plain byte arrays: a 4-byte little-endian length, then the bytes.
struct Plain<'a>(&'a [u8]);

impl<'a> Plain<'a> {
    fn next(&mut self) -> Res<&'a [u8]> {
        let short = || Problem::Bad("a plain byte array past the page's end".into());
        let len = self.0.get(..4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok_or_else(short)?;
        let end = usize::try_from(len).ok().and_then(|l| l.checked_add(4)).filter(|&e| e <= self.0.len());
        let end = end.ok_or_else(short)?;
        let (value, rest) = (&self.0[4..end], &self.0[end..]);
        self.0 = rest;
        Ok(value)
    }
}

/// Dictionary indices: a byte of bit width, then RLE/bit-packed runs;
/// `n` of them decoded into `idx` (cleared first), each below `bound`.
fn indices(data: &[u8], n: usize, idx: &mut Vec<u32>, bound: usize) -> Res<()> {
    idx.clear();
    hybrid_indices(data, n, idx, bound)
}

/// [`indices`] appended to `out`, whose earlier values are left alone.
fn hybrid_indices(data: &[u8], n: usize, out: &mut Vec<u32>, bound: usize) -> Res<()> {
    let start = out.len();
    if n == 0 {
        return Ok(());
    }
    let (&width, runs) =
        data.split_first().ok_or_else(|| Problem::Bad("a data page without its indices".into()))?;
    if width > 32 {
        return Err(Problem::Bad(format!("dictionary indices of {width} bits")));
    }
    hybrid(runs, u32::from(width), n, out)?;
    match out[start..].iter().copied().max() {
        Some(m) if usize::try_from(m).map_or(true, |m| m >= bound) => {
            Err(Problem::Bad(format!("index {m} past the dictionary of {bound} values")))
        }
        _ => Ok(()),
    }
}

/// Decodes `n` values of `width` bits (at most 32) from the RLE/bit-packed
/// hybrid encoding, appending them to `out`.
pub(super) fn hybrid(data: &[u8], width: u32, n: usize, out: &mut Vec<u32>) -> Res<()> {
    let short = || Problem::Bad("RLE/bit-packed runs shorter than their values".into());
    // `as`: width is at most 32.
    let value_bytes = (width as usize).div_ceil(8);
    let mut pos = 0usize;
    let mut left = n;
    while left > 0 {
        let header = run_header(data, &mut pos)?;
        if header & 1 == 0 {
            let count = usize::try_from(header >> 1).unwrap_or(usize::MAX).min(left);
            let bytes = data.get(pos..pos + value_bytes).ok_or_else(short)?;
            pos += value_bytes;
            let mut v = 0u32;
            for (i, &b) in bytes.iter().enumerate() {
                v |= u32::from(b) << (8 * i);
            }
            out.resize(out.len() + count, v);
            left -= count;
        } else {
            let groups = usize::try_from(header >> 1).unwrap_or(usize::MAX);
            let rest = &data[pos..];
            let used = bit_packed(rest, width, groups, &mut left, out)?;
            pos += used;
        }
    }
    Ok(())
}

/// One bit-packed run of `groups` groups of 8 values, of which `left`
/// (at most) are wanted: appended to `out`, `left` lowered; returns the
/// bytes the run takes (less when the data ends within its last group).
fn bit_packed(data: &[u8], width: u32, groups: usize, left: &mut usize, out: &mut Vec<u32>) -> Res<usize> {
    macro_rules! widths {
        ($($w:literal)*) => {
            match width {
                $($w => unpack::<$w>(data, groups, left, out),)*
                _ => Err(Problem::Bad(format!("values of {width} bits"))),
            }
        };
    }
    widths!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32)
}

/// [`bit_packed`] for a width known at compile time: each value one
/// unaligned 64-bit load, a shift and a mask, written in place.
fn unpack<const W: usize>(data: &[u8], groups: usize, left: &mut usize, out: &mut Vec<u32>) -> Res<usize> {
    let mask: u64 = if W == 32 { u64::from(u32::MAX) } else { (1u64 << W) - 1 };
    let groups = groups.min(left.div_ceil(8));
    let take = (*left).min(groups * 8);
    if data.len() * 8 < take * W {
        return Err(Problem::Bad("RLE/bit-packed runs shorter than their values".into()));
    }
    // The bytes one group's loads touch: its last value's 8 bytes.
    const { assert!(W <= 32) };
    let span = (7 * W) / 8 + 8;
    let start = out.len();
    out.resize(start + groups * 8, 0);
    for (g, dst) in out[start..].chunks_exact_mut(8).enumerate() {
        let base = g * W;
        let mut padded = [0u8; 40];
        let src: &[u8] = match data.get(base..base + span) {
            Some(src) => src,
            None => {
                // The run's end: the group's bytes (those there are) and zeros.
                let tail = data.get(base..).unwrap_or(&[]);
                let have = tail.len().min(W);
                padded[..have].copy_from_slice(&tail[..have]);
                &padded[..span]
            }
        };
        for (j, v) in dst.iter_mut().enumerate() {
            let bit = j * W;
            let word = u64::from_le_bytes(src[bit / 8..bit / 8 + 8].try_into().expect("8 bytes"));
            // `as`: masked to at most 32 bits.
            *v = ((word >> (bit % 8)) & mask) as u32;
        }
    }
    out.truncate(start + take);
    *left -= take;
    Ok((groups * W).min(data.len()))
}

#[cfg(test)]
mod tests;
