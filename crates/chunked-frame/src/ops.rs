//! pandas' row operations on a computed frame: `sort_values` with pandas'
//! null placement, `drop_duplicates`, `dropna`, `fillna` and `tail`.
//!
//! As in pandas, a float NaN is a missing value like null: `dropna` drops
//! it, `fillna` fills it, `sort_values` places it with the nulls, and
//! `drop_duplicates` takes two NaNs (or a NaN and a null) for equal, and
//! `-0.0` for `0.0`.

use std::cmp::Ordering;
use std::collections::HashSet;

use executors::Executor;

use crate::column::{Column, DataFrame, Value};
use crate::dtype::{DType, Schema};
use crate::error::{FrameError, Result};
use crate::failure::Failures;
use crate::frame::{LazyFrame, Op};
use crate::groupby::Key;
use crate::map::MapPartitions;

/// Where [`DataFrame::sort_values`] puts missing values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NaPosition {
    /// After every value, ascending or descending (pandas' default).
    #[default]
    Last,
    /// Before every value.
    First,
}

/// How [`DataFrame::sort_values`] sorts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortOptions {
    /// One flag for every key, or one per key (pandas' `ascending`).
    ascending: Vec<bool>,
    na_position: NaPosition,
}

impl Default for SortOptions {
    /// Ascending, missing values last.
    fn default() -> Self {
        Self { ascending: vec![true], na_position: NaPosition::Last }
    }
}

impl SortOptions {
    /// Every key ascending (`true`) or descending.
    pub fn ascending(ascending: bool) -> Self {
        Self { ascending: vec![ascending], ..Self::default() }
    }

    /// A direction per key, in the order of the keys.
    pub fn per_key(ascending: &[bool]) -> Self {
        Self { ascending: ascending.to_vec(), ..Self::default() }
    }

    /// Where missing values go (pandas' `na_position`).
    pub fn na_position(mut self, position: NaPosition) -> Self {
        self.na_position = position;
        self
    }
}

/// Which of duplicate rows [`DataFrame::drop_duplicates`] keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Keep {
    /// The first (pandas' default `keep="first"`).
    #[default]
    First,
    /// The last (`keep="last"`).
    Last,
    /// None of them (`keep=False`).
    None,
}

/// Which rows [`DataFrame::dropna`] drops.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DropHow {
    /// Rows with any missing value among the columns (pandas' default).
    #[default]
    Any,
    /// Rows whose values are all missing.
    All,
}

/// Whether row `i` of `c` is missing: null, or a float NaN.
fn missing(c: &Column, i: usize) -> bool {
    c.is_null(i) || matches!(c, Column::Float64 { values, .. } if values[i].is_nan())
}

impl DataFrame {
    /// The rows sorted by the `by` columns, as pandas'
    /// `sort_values(by, ascending, na_position, kind="stable")`: stably
    /// (equal rows keep their order), missing values (null, NaN) last by
    /// default whatever the direction. Errors on an unknown column or a
    /// list of directions of another length than `by`.
    pub fn sort_values(&self, by: &[&str], options: &SortOptions) -> Result<DataFrame> {
        let ascending: Vec<bool> = match options.ascending.len() {
            1 => vec![options.ascending[0]; by.len()],
            n if n == by.len() => options.ascending.clone(),
            n => {
                return Err(FrameError::Option {
                    name: "ascending",
                    message: format!("{n} directions for {} sort keys", by.len()),
                });
            }
        };
        let keys: Vec<&Column> = by.iter().map(|name| self.lookup(name)).collect::<Result<_>>()?;
        let na_last = options.na_position == NaPosition::Last;
        let mut order: Vec<usize> = (0..self.height()).collect();
        order.sort_by(|&a, &b| {
            for (c, &asc) in keys.iter().zip(&ascending) {
                let o = match (missing(c, a), missing(c, b)) {
                    (true, true) => Ordering::Equal,
                    (true, false) => {
                        if na_last {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                    (false, true) => {
                        if na_last {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    (false, false) => {
                        let o = compare(c, a, b);
                        if asc { o } else { o.reverse() }
                    }
                };
                if o.is_ne() {
                    return o;
                }
            }
            Ordering::Equal
        });
        let columns = self.columns().iter().map(|c| take(c, &order)).collect();
        DataFrame::new(self.names().to_vec(), columns)
    }

    /// The rows without duplicates among the `subset` columns (every
    /// column when `None`), keeping the first, the last or none of each
    /// set of equal rows, in their order (pandas' `drop_duplicates`).
    pub fn drop_duplicates(&self, subset: Option<&[&str]>, keep: Keep) -> Result<DataFrame> {
        let columns = self.subset(subset)?;
        let key = |i: usize| -> Vec<Option<Key>> { columns.iter().map(|c| row_key(c, i)).collect() };
        let n = self.height();
        let mut kept = vec![false; n];
        match keep {
            Keep::First | Keep::Last => {
                let mut seen: HashSet<Vec<Option<Key>>> = HashSet::new();
                let rows: Box<dyn Iterator<Item = usize>> =
                    if keep == Keep::First { Box::new(0..n) } else { Box::new((0..n).rev()) };
                for i in rows {
                    kept[i] = seen.insert(key(i));
                }
            }
            Keep::None => {
                let mut counts: std::collections::HashMap<Vec<Option<Key>>, usize> = Default::default();
                for i in 0..n {
                    *counts.entry(key(i)).or_default() += 1;
                }
                for (i, k) in kept.iter_mut().enumerate() {
                    *k = counts[&key(i)] == 1;
                }
            }
        }
        Ok(self.filter(&kept))
    }

    /// The rows without missing values (null, NaN) among the `subset`
    /// columns (every column when `None`): with [`DropHow::Any`], rows
    /// with none missing; with [`DropHow::All`], rows with one present
    /// (pandas' `dropna`).
    pub fn dropna(&self, subset: Option<&[&str]>, how: DropHow) -> Result<DataFrame> {
        let columns = self.subset(subset)?;
        let kept: Vec<bool> = (0..self.height())
            .map(|i| match how {
                DropHow::Any => !columns.iter().any(|c| missing(c, i)),
                DropHow::All => !columns.iter().all(|c| missing(c, i)),
            })
            .collect();
        Ok(self.filter(&kept))
    }

    /// Missing values (null, NaN) of each named column replaced by its
    /// value (pandas' `fillna({column: value})`). An int64 column filled
    /// with a float becomes float64, as in pandas; a value of another kind
    /// than its column (text into numbers, say) is an error.
    pub fn fillna(&self, values: &[(&str, Value)]) -> Result<DataFrame> {
        let mut columns = self.columns().to_vec();
        for (name, value) in values {
            let j = self.names().iter().position(|n| n == name).ok_or_else(|| FrameError::UnknownColumn {
                name: (*name).to_owned(),
                available: self.names().to_vec(),
            })?;
            columns[j] = fill(&columns[j], value).ok_or_else(|| FrameError::Type {
                column: (*name).to_owned(),
                dtype: columns[j].dtype(),
                operation: format!("fillna with {value:?}"),
            })?;
        }
        DataFrame::new(self.names().to_vec(), columns)
    }

    /// The last `n` rows.
    pub fn tail(&self, n: usize) -> DataFrame {
        let from = self.height().saturating_sub(n);
        let kept: Vec<bool> = (0..self.height()).map(|i| i >= from).collect();
        self.filter(&kept)
    }

    fn lookup(&self, name: &str) -> Result<&Column> {
        self.column(name).ok_or_else(|| FrameError::UnknownColumn {
            name: name.to_owned(),
            available: self.names().to_vec(),
        })
    }

    fn subset(&self, subset: Option<&[&str]>) -> Result<Vec<&Column>> {
        match subset {
            None => Ok(self.columns().iter().collect()),
            Some(names) => names.iter().map(|n| self.lookup(n)).collect(),
        }
    }
}

/// Rows `a` and `b` of `c`, both present, in order (strings by bytes,
/// which is Python's order of code points).
fn compare(c: &Column, a: usize, b: usize) -> Ordering {
    match c {
        Column::Int64 { values, .. } => values[a].cmp(&values[b]),
        Column::Float64 { values, .. } => values[a].partial_cmp(&values[b]).unwrap_or(Ordering::Equal),
        Column::Bool { values, .. } => values[a].cmp(&values[b]),
        Column::Str { dict, codes } => dict[codes[a] as usize].cmp(&dict[codes[b] as usize]),
    }
}

/// The rows `order` of `c`, in that order.
fn take(c: &Column, order: &[usize]) -> Column {
    fn pick<T: Copy>(v: &[T], order: &[usize]) -> Vec<T> {
        order.iter().map(|&i| v[i]).collect()
    }
    let valid = |valid: &[bool]| if valid.is_empty() { Vec::new() } else { pick(valid, order) };
    match c {
        Column::Int64 { values, valid: v } => Column::Int64 { values: pick(values, order), valid: valid(v) },
        Column::Float64 { values, valid: v } => {
            Column::Float64 { values: pick(values, order), valid: valid(v) }
        }
        Column::Bool { values, valid: v } => Column::Bool { values: pick(values, order), valid: valid(v) },
        Column::Str { dict, codes } => Column::Str { dict: dict.clone(), codes: pick(codes, order) },
    }
}

/// Row `i` of `c` for comparing rows: `None` when missing, `-0.0` as `0.0`.
fn row_key(c: &Column, i: usize) -> Option<Key> {
    if missing(c, i) {
        return None;
    }
    Some(match c.get(i) {
        Value::Int(v) => Key::Int(v),
        Value::Float(x) => Key::Float(if x == 0.0 { 0f64.to_bits() } else { x.to_bits() }),
        Value::Bool(b) => Key::Bool(b),
        Value::Str(s) => Key::Str(s),
        Value::Null => unreachable!("missing values are handled above"),
    })
}

/// `c` with its missing values replaced by `value`, if the kinds agree.
fn fill(c: &Column, value: &Value) -> Option<Column> {
    let n = c.len();
    let present = |i: usize| !missing(c, i);
    Some(match (c, value) {
        (Column::Int64 { values, .. }, Value::Int(v)) => Column::Int64 {
            values: (0..n).map(|i| if present(i) { values[i] } else { *v }).collect(),
            valid: vec![],
        },
        (Column::Int64 { .. } | Column::Float64 { .. }, Value::Int(_) | Value::Float(_)) => {
            let v = match value {
                // `as`: an int fill of a float column, as pandas converts it.
                Value::Int(v) => *v as f64,
                Value::Float(x) => *x,
                _ => unreachable!("matched above"),
            };
            Column::Float64 {
                values: (0..n).map(|i| if present(i) { c.f64_at(i).expect("present") } else { v }).collect(),
                valid: vec![],
            }
        }
        (Column::Bool { values, .. }, Value::Bool(v)) => Column::Bool {
            values: (0..n).map(|i| if present(i) { values[i] } else { *v }).collect(),
            valid: vec![],
        },
        (Column::Str { dict, codes }, Value::Str(s)) => {
            let mut dict = dict.clone();
            let code = match dict.iter().position(|d| d == s) {
                Some(k) => u32::try_from(k).ok()?,
                None => {
                    dict.push(s.clone());
                    u32::try_from(dict.len() - 1).ok()?
                }
            };
            Column::Str {
                codes: codes.iter().map(|&k| if k == crate::NULL_CODE { code } else { k }).collect(),
                dict,
            }
        }
        (_, Value::Null) => c.clone(),
        _ => return None,
    })
}

/// The type a column of `dtype` has after [`DataFrame::fillna`] with
/// `value`, if they agree.
fn filled_type(dtype: DType, value: &Value) -> Option<DType> {
    fill(&Column::empty(dtype), value)?;
    Some(match (dtype, value) {
        (DType::Int64, Value::Float(_)) => DType::Float64,
        (t, _) => t,
    })
}

/// The columns of `subset` (checked against `schema`), or all of them.
fn subset_names(schema: &Schema, subset: Option<&[&str]>) -> Result<Vec<String>> {
    match subset {
        None => Ok(schema.names()),
        Some(names) => names
            .iter()
            .map(|n| {
                schema.index_of(n).map(|_| (*n).to_owned()).ok_or_else(|| FrameError::UnknownColumn {
                    name: (*n).to_owned(),
                    available: schema.names(),
                })
            })
            .collect(),
    }
}

impl LazyFrame {
    /// [`DataFrame::dropna`] lazily: each partition drops its own rows;
    /// only the `subset` columns (all when `None`) are read for it.
    pub fn dropna(self, subset: Option<&[&str]>, how: DropHow) -> Result<LazyFrame> {
        let schema = self.schema()?;
        let reads = subset_names(&schema, subset)?;
        let names = reads.clone();
        let f = move |frame: DataFrame| {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            Ok(frame.dropna(Some(&names), how)?)
        };
        Ok(self.with_op(Op::Map(MapPartitions::passthrough("dropna", f, schema, reads))))
    }

    /// [`DataFrame::fillna`] lazily, partition by partition; a value of
    /// another kind than its column is an error now, before any read.
    pub fn fillna(self, values: &[(&str, Value)]) -> Result<LazyFrame> {
        let mut schema = self.schema()?;
        for (name, value) in values {
            let i = schema.index_of(name).ok_or_else(|| FrameError::UnknownColumn {
                name: (*name).to_owned(),
                available: schema.names(),
            })?;
            let dtype = schema.fields[i].dtype;
            schema.fields[i].dtype = filled_type(dtype, value).ok_or_else(|| FrameError::Type {
                column: (*name).to_owned(),
                dtype,
                operation: format!("fillna with {value:?}"),
            })?;
        }
        let reads: Vec<String> = values.iter().map(|(n, _)| (*n).to_owned()).collect();
        let values: Vec<(String, Value)> = values.iter().map(|(n, v)| ((*n).to_owned(), v.clone())).collect();
        let f = move |frame: DataFrame| {
            // The columns this query reads: fill those there are.
            let present: Vec<(&str, Value)> = values
                .iter()
                .filter(|(n, _)| frame.column(n).is_some())
                .map(|(n, v)| (n.as_str(), v.clone()))
                .collect();
            Ok(frame.fillna(&present)?)
        };
        Ok(self.with_op(Op::Map(MapPartitions::passthrough("fillna", f, schema, reads))))
    }

    /// The last `n` rows: partitions are read from the last one back, one
    /// at a time, only as far as needed.
    pub fn tail(&self, n: usize, exec: &Executor) -> Result<DataFrame> {
        let run = self.partition_runner()?;
        let mut chunks: Vec<DataFrame> = Vec::new();
        let mut rows = 0;
        for p in (0..self.partitions()).rev() {
            if rows >= n && !chunks.is_empty() {
                break;
            }
            let errors = Failures::new(self.partitions());
            let chunk = exec.map(vec![p], |p| errors.keep(p, run(p)));
            let chunk = errors.finish(chunk, |_| Ok(()))?.remove(0);
            rows += chunk.height();
            chunks.push(chunk);
        }
        let mut out = DataFrame::default();
        for c in chunks.iter().rev() {
            out.append(c);
        }
        Ok(out.tail(n))
    }

    /// [`DataFrame::drop_duplicates`] of all rows: with [`Keep::First`] or
    /// [`Keep::Last`] each partition drops its own duplicates first, so
    /// memory holds the distinct rows (of the columns the frame has), not
    /// every row.
    pub fn drop_duplicates(&self, subset: Option<&[&str]>, keep: Keep, exec: &Executor) -> Result<DataFrame> {
        let schema = self.schema()?;
        let names = subset_names(&schema, subset)?;
        let frame = if keep == Keep::None {
            self.clone()
        } else {
            let subset = names.clone();
            let f = move |frame: DataFrame| {
                let names: Vec<&str> = subset.iter().map(String::as_str).collect();
                Ok(frame.drop_duplicates(Some(&names), keep)?)
            };
            self.clone().with_op(Op::Map(MapPartitions::passthrough(
                "drop_duplicates",
                f,
                schema,
                names.clone(),
            )))
        };
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        frame.compute(exec)?.drop_duplicates(Some(&names), keep)
    }
}
