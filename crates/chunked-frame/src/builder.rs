//! Typed columns built from field text, as pandas reads them: texts of the
//! missing-value set are null in every type; an int64 column whose type
//! was inferred becomes float64 at its first non-integer number; any other
//! value that does not parse (an integer past int64 included, which a
//! float would round, also once the column has widened, so that a read
//! fails alike however it is partitioned) is an error naming the value and
//! the option that would read it. Strings are interned in a dictionary whose short
//! keys (up to seven bytes) are looked up as one packed integer.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::column::{Column, NULL_CODE};
use crate::dtype::DType;
use crate::error::RowProblem;
use crate::na::NaSet;
use crate::tokenizer::unescape;

/// A column being built from field text.
pub(crate) struct Builder<'a> {
    data: Data,
    /// Whether the user set the type (then it never widens).
    forced: bool,
    /// Whether the column was an inferred int64 that widened to float64:
    /// integers past int64 stay errors in it, as before it widened.
    widened: bool,
    /// The texts read as null.
    na: &'a NaSet,
}

enum Data {
    Int64(Vec<i64>, Vec<bool>, bool),
    Float64(Vec<f64>, Vec<bool>, bool),
    Bool(Vec<bool>, Vec<bool>, bool),
    Str(Dictionary, Vec<u32>),
}

impl<'a> Builder<'a> {
    /// An empty column of `dtype`; `forced` when the user chose the type.
    pub(crate) fn new(dtype: DType, forced: bool, na: &'a NaSet) -> Self {
        let data = match dtype {
            DType::Int64 => Data::Int64(Vec::new(), Vec::new(), false),
            DType::Float64 => Data::Float64(Vec::new(), Vec::new(), false),
            DType::Bool => Data::Bool(Vec::new(), Vec::new(), false),
            DType::Str => Data::Str(Dictionary::default(), Vec::new()),
        };
        Self { data, forced, widened: false, na }
    }

    /// Adds one field; on failure nothing is added. The common cases (a
    /// number that parses, a known string) cost one parse or one lookup;
    /// the missing-value set is consulted only when the parse fails, or
    /// first when one of its entries is itself a valid value of the type.
    #[inline]
    pub(crate) fn push(&mut self, field: &[u8], quoted: bool) -> Result<(), RowProblem> {
        let na = self.na;
        if field.is_empty() && na.empty_is_null() {
            self.push_null();
            return Ok(());
        }
        match &mut self.data {
            Data::Int64(v, valid, _) if !na.has_int() => {
                if let Some(x) = crate::parse::int(field) {
                    v.push(x);
                    valid.push(true);
                    return Ok(());
                }
            }
            Data::Float64(v, valid, _) if !na.has_float() => {
                if let Some(x) = crate::parse::float(field)
                    && !(self.widened && rounds_an_integer(field))
                {
                    v.push(x);
                    valid.push(true);
                    return Ok(());
                }
            }
            Data::Bool(v, valid, _) if !na.has_bool() => {
                if let Some(x) = crate::parse::boolean(field) {
                    v.push(x);
                    valid.push(true);
                    return Ok(());
                }
            }
            Data::Str(dict, codes) => {
                let owned;
                let text: &[u8] = if quoted && memchr::memchr(b'"', field).is_some() {
                    owned = unescape(field);
                    &owned
                } else {
                    field
                };
                let code = dict.code(text, na)?;
                codes.push(code);
                return Ok(());
            }
            _ => {}
        }
        if quoted && memchr::memchr(b'"', field).is_some() {
            return self.push_text(&unescape(field));
        }
        self.push_text(field)
    }

    /// Adds the unquoted text of a non-string field: null, a value, a
    /// widening to float64, or an error.
    #[cold]
    fn push_text(&mut self, text: &[u8]) -> Result<(), RowProblem> {
        let na = self.na;
        if na.contains(text) {
            self.push_null();
            return Ok(());
        }
        let forced = self.forced;
        match &mut self.data {
            Data::Int64(v, valid, _) => {
                if let Some(x) = crate::parse::int(text) {
                    v.push(x);
                    valid.push(true);
                } else if let (Some(x), false, false) =
                    (crate::parse::float(text), forced, crate::parse::is_integer_text(text))
                {
                    // A float, not an integer past int64 (which would lose digits).
                    self.widen();
                    if let Data::Float64(v, valid, _) = &mut self.data {
                        v.push(x);
                        valid.push(true);
                    }
                } else {
                    return Err(parse_error(text, DType::Int64, forced));
                }
            }
            Data::Float64(v, valid, _) => {
                if self.widened && rounds_an_integer(text) {
                    return Err(parse_error(text, DType::Int64, forced));
                }
                let x = crate::parse::float(text).ok_or_else(|| parse_error(text, DType::Float64, forced))?;
                v.push(x);
                valid.push(true);
            }
            Data::Bool(v, valid, _) => {
                let x = crate::parse::boolean(text).ok_or_else(|| parse_error(text, DType::Bool, forced))?;
                v.push(x);
                valid.push(true);
            }
            Data::Str(dict, codes) => codes.push(dict.code(text, na)?),
        }
        Ok(())
    }

    /// Adds a null.
    pub(crate) fn push_null(&mut self) {
        match &mut self.data {
            Data::Int64(v, valid, any_null) => {
                v.push(0);
                valid.push(false);
                *any_null = true;
            }
            Data::Float64(v, valid, any_null) => {
                v.push(f64::NAN);
                valid.push(false);
                *any_null = true;
            }
            Data::Bool(v, valid, any_null) => {
                v.push(false);
                valid.push(false);
                *any_null = true;
            }
            Data::Str(_, codes) => codes.push(NULL_CODE),
        }
    }

    /// Turns an int64 column into float64 (nulls stay null).
    fn widen(&mut self) {
        if let Data::Int64(v, valid, any_null) = &mut self.data {
            // `as` rounds to the nearest float, as parsing the text would.
            let values =
                v.iter().zip(valid.iter()).map(|(&x, &ok)| if ok { x as f64 } else { f64::NAN }).collect();
            self.data = Data::Float64(values, std::mem::take(valid), *any_null);
            self.widened = true;
        }
    }

    /// Keeps the first `len` values (drops those of a row being skipped).
    pub(crate) fn truncate(&mut self, len: usize) {
        match &mut self.data {
            Data::Int64(v, valid, _) => {
                v.truncate(len);
                valid.truncate(len);
            }
            Data::Float64(v, valid, _) => {
                v.truncate(len);
                valid.truncate(len);
            }
            Data::Bool(v, valid, _) => {
                v.truncate(len);
                valid.truncate(len);
            }
            Data::Str(_, codes) => codes.truncate(len),
        }
    }

    /// The column.
    pub(crate) fn finish(self) -> Column {
        let keep = |valid: Vec<bool>, any_null: bool| if any_null { valid } else { Vec::new() };
        match self.data {
            Data::Int64(values, valid, n) => Column::Int64 { values, valid: keep(valid, n) },
            Data::Float64(values, valid, n) => Column::Float64 { values, valid: keep(valid, n) },
            Data::Bool(values, valid, n) => Column::Bool { values, valid: keep(valid, n) },
            Data::Str(dict, codes) => Column::Str { dict: dict.strings, codes },
        }
    }
}

/// Whether `text` is an integer past int64, which a float would round (at
/// least 19 characters: shorter integers fit).
#[inline]
fn rounds_an_integer(text: &[u8]) -> bool {
    text.len() >= 19 && crate::parse::is_integer_text(text) && crate::parse::int(text).is_none()
}

/// The error for a value of no type the column can take, with the option
/// that would read it.
fn parse_error(text: &[u8], dtype: DType, forced: bool) -> RowProblem {
    let hint = if text.contains(&b'\r') || text.contains(&b'\n') {
        // A line end inside a field: the file mixes line endings (its
        // header's style is the one used to split it).
        " (the value holds a line end: the file mixes line endings, CR, LF or CRLF, \
         and is split at its header's; convert it to one style, e.g. with dos2unix or tr)"
    } else if forced {
        " (the type was set with CsvOptions::dtype; set DType::Str to read the text, \
         or list the value in CsvOptions::na_values to read it as null)"
    } else {
        " (the type was inferred from a sample; override it with a dtype, \
         CsvOptions::dtype(column, DType::Str) to read the text, \
         or list the value in CsvOptions::na_values to read it as null)"
    };
    RowProblem::Parse { value: String::from_utf8_lossy(text).into_owned(), dtype, hint }
}

type Fnv = BuildHasherDefault<FnvHasher>;

/// FNV-1a for dictionary lookups: fast on short keys.
#[derive(Default)]
struct FnvHasher(u64);

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

/// Distinct strings and their codes. Strings of up to seven bytes (airport
/// codes, flags) are looked up as one packed integer, longer ones by bytes.
/// Missing-value texts map to [`NULL_CODE`], so that they are recognised
/// once per partition, at their first sight.
#[derive(Default)]
struct Dictionary {
    short: HashMap<u64, u32, BuildHasherDefault<PackedHasher>>,
    long: HashMap<Vec<u8>, u32, Fnv>,
    strings: Vec<String>,
}

impl Dictionary {
    #[inline]
    fn code(&mut self, text: &[u8], na: &NaSet) -> Result<u32, RowProblem> {
        if text.len() <= 7 {
            let mut packed = (text.len() as u64) << 56;
            for (i, &b) in text.iter().enumerate() {
                packed |= u64::from(b) << (8 * i);
            }
            if let Some(&c) = self.short.get(&packed) {
                return Ok(c);
            }
            let c = self.add(text, na)?;
            self.short.insert(packed, c);
            Ok(c)
        } else {
            if let Some(&c) = self.long.get(text) {
                return Ok(c);
            }
            let c = self.add(text, na)?;
            self.long.insert(text.to_vec(), c);
            Ok(c)
        }
    }

    #[cold]
    fn add(&mut self, text: &[u8], na: &NaSet) -> Result<u32, RowProblem> {
        if na.contains(text) {
            return Ok(NULL_CODE);
        }
        let s = std::str::from_utf8(text).map_err(|_| RowProblem::Utf8)?;
        let code = u32::try_from(self.strings.len())
            .ok()
            .filter(|&c| c != NULL_CODE)
            .ok_or(RowProblem::TooManyStrings)?;
        self.strings.push(s.to_owned());
        Ok(code)
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
