//! Joins of a lazy frame with a small table in memory: a broadcast hash
//! join (dask's merge with a pandas frame). The small table is indexed once
//! and shared by every partition task, which joins its own rows; the large
//! side is never shuffled, so memory stays bounded by the partitions in
//! flight plus the small table.
//!
//! A join of two large inputs (a shuffle or sort-merge join) is not
//! supported: the right side must be a [`DataFrame`] of at most
//! [`JoinOptions::max_right_rows`] rows ([`FrameError::JoinTooLarge`]
//! beyond).
//!
//! The result is pandas' `merge`: the left rows in their order, each
//! followed by its matching right rows in the right table's order; inner
//! joins drop left rows without a match, left joins keep them with nulls
//! on the right. Keys match by value: an int key matches a float key of
//! the same value, and as in pandas a null (or NaN) key matches a null key.
//! Columns: the left ones, then the right ones, without a right key that
//! has the name of its left key; other names in both get the suffixes
//! (`_x`, `_y` by default). Where pandas turns an int column of a left
//! join into float64 for its missing values, this keeps it int64 with
//! nulls.

use std::collections::HashMap;
use std::sync::Arc;

use crate::column::{Column, DataFrame, NULL_CODE};
use crate::dtype::{DType, Field, Schema};
use crate::error::{FrameError, Result};
use crate::frame::{LazyFrame, Op};

/// The default of [`JoinOptions::max_right_rows`]: one million rows.
pub const DEFAULT_MAX_RIGHT_ROWS: usize = 1_000_000;

/// Which rows a join keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JoinType {
    /// Left rows with at least one match (pandas' default `how="inner"`).
    #[default]
    Inner,
    /// Every left row; right columns null where nothing matches
    /// (`how="left"`).
    Left,
}

/// How to join ([`crate::LazyFrame::merge`]): keys, type, suffixes and the
/// size allowed for the small side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinOptions {
    left_on: Vec<String>,
    right_on: Vec<String>,
    how: JoinType,
    suffixes: (String, String),
    max_right_rows: usize,
}

impl JoinOptions {
    /// Join on key columns of the same names on both sides (pandas' `on`).
    pub fn on(keys: &[&str]) -> Self {
        Self::left_right(keys, keys)
    }

    /// Join on `left_on` of the left side against `right_on` of the right,
    /// pairwise (pandas' `left_on`, `right_on`).
    pub fn left_right(left_on: &[&str], right_on: &[&str]) -> Self {
        Self {
            left_on: left_on.iter().map(|k| (*k).to_owned()).collect(),
            right_on: right_on.iter().map(|k| (*k).to_owned()).collect(),
            how: JoinType::Inner,
            suffixes: ("_x".to_owned(), "_y".to_owned()),
            max_right_rows: DEFAULT_MAX_RIGHT_ROWS,
        }
    }

    /// Inner (the default) or left.
    pub fn how(mut self, how: JoinType) -> Self {
        self.how = how;
        self
    }

    /// The suffixes of names found on both sides (pandas' `suffixes`).
    pub fn suffixes(mut self, left: &str, right: &str) -> Self {
        self.suffixes = (left.to_owned(), right.to_owned());
        self
    }

    /// The most rows the right (small) side may have; more is
    /// [`FrameError::JoinTooLarge`]. Default [`DEFAULT_MAX_RIGHT_ROWS`].
    pub fn max_right_rows(mut self, rows: usize) -> Self {
        self.max_right_rows = rows;
        self
    }
}

/// "No row": a left row without match, a key value absent on the right.
const NONE: u32 = u32::MAX;

/// A key value in canonical form: numbers by value (an integral float as
/// its integer), NaN as null.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Num {
    Int(i64),
    Float(u64),
}

/// One key column of the right side: the code of each distinct value.
#[derive(Debug, Default)]
struct KeyIndex {
    strs: HashMap<String, u32>,
    nums: HashMap<Num, u32>,
    bools: [Option<u32>; 2],
    null: Option<u32>,
}

/// The small side, indexed: what every partition task shares.
#[derive(Debug)]
pub(crate) struct Broadcast {
    how: JoinType,
    left_on: Vec<String>,
    right_on: Vec<String>,
    /// The right keys' types, to check the left's against.
    right_key_types: Vec<DType>,
    /// The right columns kept, under their output names.
    right: DataFrame,
    /// Left columns renamed by a suffix: (input name, output name).
    renamed: Vec<(String, String)>,
    keys: Vec<KeyIndex>,
    /// Key tuple (codes) to group, for more than one key.
    tuples: HashMap<Vec<u32>, u32>,
    /// The right rows of each group, in order; for one key, the group is
    /// the key's code.
    groups: Vec<Vec<u32>>,
}

impl PartialEq for Broadcast {
    /// The same join: the same shared table.
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

fn canonical(x: f64) -> Option<Num> {
    if x.is_nan() {
        return None;
    }
    // `as` saturates; the range and the round trip check that `x` is that integer.
    let i = x as i64;
    if (-9.2e18..9.2e18).contains(&x) && i as f64 == x {
        Some(Num::Int(i))
    } else {
        Some(Num::Float(x.to_bits()))
    }
}

/// Which key types may match.
fn kind(t: DType) -> u8 {
    match t {
        DType::Int64 | DType::Float64 => 0,
        DType::Bool => 1,
        DType::Str => 2,
    }
}

impl Broadcast {
    /// Indexes `right` for a join of frames with the left schema `left`.
    pub(crate) fn new(left: &Schema, right: &DataFrame, options: &JoinOptions) -> Result<Broadcast> {
        let JoinOptions { left_on, right_on, how, suffixes, max_right_rows } = options;
        if right.height() > *max_right_rows {
            return Err(FrameError::JoinTooLarge { rows: right.height(), limit: *max_right_rows });
        }
        // Codes are u32 with one value kept for "none".
        if u32::try_from(right.height()).map_or(true, |n| n == NONE) {
            return Err(FrameError::JoinTooLarge { rows: right.height(), limit: NONE as usize - 1 });
        }
        if left_on.is_empty() || left_on.len() != right_on.len() {
            return Err(FrameError::Option {
                name: "join keys",
                message: format!(
                    "{} left keys for {} right keys; a join needs at least one key and as many on each side",
                    left_on.len(),
                    right_on.len()
                ),
            });
        }
        let mut right_key_types = Vec::new();
        for (l, r) in left_on.iter().zip(right_on) {
            let lt = left
                .index_of(l)
                .map(|i| left.fields[i].dtype)
                .ok_or_else(|| FrameError::UnknownColumn { name: l.clone(), available: left.names() })?;
            let rc = right.column(r).ok_or_else(|| FrameError::UnknownColumn {
                name: r.clone(),
                available: right.names().to_vec(),
            })?;
            if kind(lt) != kind(rc.dtype()) {
                return Err(FrameError::JoinKeyTypes {
                    left: l.clone(),
                    left_dtype: lt,
                    right: r.clone(),
                    right_dtype: rc.dtype(),
                });
            }
            right_key_types.push(rc.dtype());
        }
        // Output names: right keys named as their left key are dropped;
        // names on both sides get the suffixes.
        let kept: Vec<usize> = (0..right.names().len())
            .filter(|&j| {
                let name = &right.names()[j];
                !left_on.iter().zip(right_on).any(|(l, r)| r == name && l == name)
            })
            .collect();
        let left_names = left.names();
        let clash = |n: &String| {
            left_names.contains(n) && !left_on.iter().zip(right_on).any(|(l, r)| l == n && r == n)
        };
        let mut right_names = Vec::new();
        let mut renamed = Vec::new();
        for &j in &kept {
            let name = &right.names()[j];
            if clash(name) {
                right_names.push(format!("{name}{}", suffixes.1));
                renamed.push((name.clone(), format!("{name}{}", suffixes.0)));
            } else {
                right_names.push(name.clone());
            }
        }
        let right_out =
            DataFrame::new(right_names, kept.iter().map(|&j| right.columns()[j].clone()).collect())?;
        let mut out = Broadcast {
            how: *how,
            left_on: left_on.clone(),
            right_on: right_on.clone(),
            right_key_types,
            right: right_out,
            renamed,
            keys: Vec::new(),
            tuples: HashMap::new(),
            groups: Vec::new(),
        };
        let key_columns: Vec<&Column> = right_on.iter().map(|r| right.column(r).expect("checked")).collect();
        let mut codes: Vec<Vec<u32>> = Vec::new();
        for c in &key_columns {
            let mut index = KeyIndex::default();
            let row_codes = (0..right.height()).map(|i| index.code_or_insert(c, i)).collect();
            codes.push(row_codes);
            out.keys.push(index);
        }
        for i in 0..right.height() {
            // `as`: the height fits a u32 (checked above).
            let row = i as u32;
            let g = if codes.len() == 1 {
                codes[0][i]
            } else {
                let tuple: Vec<u32> = codes.iter().map(|c| c[i]).collect();
                let next = u32::try_from(out.tuples.len()).expect("fewer groups than rows");
                *out.tuples.entry(tuple).or_insert(next)
            };
            if g as usize >= out.groups.len() {
                out.groups.resize(g as usize + 1, Vec::new());
            }
            out.groups[g as usize].push(row);
        }
        Ok(out)
    }

    /// The schema after the join, from the left one.
    pub(crate) fn schema(&self, left: &Schema) -> Result<Schema> {
        for ((l, r), rt) in self.left_on.iter().zip(&self.right_on).zip(&self.right_key_types) {
            let i = left
                .index_of(l)
                .ok_or_else(|| FrameError::UnknownColumn { name: l.clone(), available: left.names() })?;
            if kind(left.fields[i].dtype) != kind(*rt) {
                return Err(FrameError::JoinKeyTypes {
                    left: l.clone(),
                    left_dtype: left.fields[i].dtype,
                    right: r.clone(),
                    right_dtype: *rt,
                });
            }
        }
        let mut fields: Vec<Field> =
            left.fields.iter().map(|f| Field { name: self.out_name(&f.name), dtype: f.dtype }).collect();
        fields.extend(
            self.right
                .names()
                .iter()
                .zip(self.right.columns())
                .map(|(n, c)| Field { name: n.clone(), dtype: c.dtype() }),
        );
        Ok(Schema { fields })
    }

    /// The line of [`crate::LazyFrame::explain`].
    pub(crate) fn explain(&self) -> String {
        format!(
            "BroadcastJoin {:?} on [{}] = [{}] with {} rows, adding [{}]",
            self.how,
            self.left_on.join(", "),
            self.right_on.join(", "),
            self.right.height(),
            self.right.names().join(", ")
        )
    }

    fn out_name(&self, left: &str) -> String {
        self.renamed.iter().find(|(a, _)| a == left).map_or_else(|| left.to_owned(), |(_, b)| b.clone())
    }

    /// The left columns needed for `outputs` of the join.
    pub(crate) fn inputs(&self, outputs: &[String]) -> Vec<String> {
        let mut wanted: Vec<String> = outputs
            .iter()
            .filter(|w| !self.right.names().contains(w))
            .map(|w| self.renamed.iter().find(|(_, b)| b == w).map_or_else(|| w.clone(), |(a, _)| a.clone()))
            .collect();
        wanted.extend(self.left_on.iter().cloned());
        wanted
    }

    /// Joins one partition.
    pub(crate) fn apply(&self, frame: DataFrame) -> Result<DataFrame> {
        let n = frame.height();
        let lookup = |name: &String| {
            frame.column(name).ok_or_else(|| FrameError::UnknownColumn {
                name: name.clone(),
                available: frame.names().to_vec(),
            })
        };
        let mut codes: Vec<Vec<u32>> = Vec::with_capacity(self.keys.len());
        for (k, name) in self.left_on.iter().enumerate() {
            codes.push(self.keys[k].codes_of(lookup(name)?));
        }
        let (mut left_rows, mut right_rows) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut tuple = vec![0u32; codes.len()];
        let mut one_each = true;
        for i in 0..n {
            let g = if codes.len() == 1 {
                codes[0][i]
            } else {
                for (t, c) in tuple.iter_mut().zip(&codes) {
                    *t = c[i];
                }
                if tuple.contains(&NONE) {
                    NONE
                } else {
                    self.tuples.get(&tuple[..]).copied().unwrap_or(NONE)
                }
            };
            let matches: &[u32] =
                if g == NONE { &[] } else { self.groups.get(g as usize).map_or(&[], Vec::as_slice) };
            // `as`: a partition's rows fit a u32 (far fewer than 2^32 per partition).
            let row = i as u32;
            match (matches, self.how) {
                ([], JoinType::Inner) => one_each = false,
                ([], JoinType::Left) => {
                    left_rows.push(row);
                    right_rows.push(NONE);
                }
                (rs, _) => {
                    one_each &= rs.len() == 1;
                    for &r in rs {
                        left_rows.push(row);
                        right_rows.push(r);
                    }
                }
            }
        }
        let (names, columns) = frame.into_parts();
        let mut names: Vec<String> = names.iter().map(|n| self.out_name(n)).collect();
        let mut columns: Vec<Column> = if one_each {
            // Every left row once, in order: the left columns as they are.
            columns
        } else {
            columns.iter().map(|c| take(c, &left_rows)).collect()
        };
        names.extend(self.right.names().iter().cloned());
        columns.extend(self.right.columns().iter().map(|c| take(c, &right_rows)));
        DataFrame::new(names, columns)
    }
}

impl KeyIndex {
    fn code_or_insert(&mut self, c: &Column, i: usize) -> u32 {
        let next = u32::try_from(
            self.strs.len()
                + self.nums.len()
                + self.bools.iter().flatten().count()
                + usize::from(self.null.is_some()),
        )
        .expect("fewer codes than rows");
        let slot = match (c, c.get(i)) {
            (_, crate::Value::Null) => &mut self.null,
            (Column::Str { .. }, crate::Value::Str(s)) => return *self.strs.entry(s).or_insert(next),
            (_, crate::Value::Bool(b)) => &mut self.bools[usize::from(b)],
            (_, crate::Value::Int(v)) => return *self.nums.entry(Num::Int(v)).or_insert(next),
            (_, crate::Value::Float(x)) => match canonical(x) {
                Some(k) => return *self.nums.entry(k).or_insert(next),
                None => &mut self.null,
            },
            (_, crate::Value::Str(_)) => unreachable!("strings are in string columns"),
        };
        *slot.get_or_insert(next)
    }

    /// The code of each row of a left key column ([`NONE`]: no right row
    /// has the value).
    fn codes_of(&self, c: &Column) -> Vec<u32> {
        let null = self.null.unwrap_or(NONE);
        match c {
            Column::Str { dict, codes } => {
                // One lookup per distinct string of the partition.
                let table: Vec<u32> =
                    dict.iter().map(|s| self.strs.get(s.as_str()).copied().unwrap_or(NONE)).collect();
                codes.iter().map(|&k| if k == NULL_CODE { null } else { table[k as usize] }).collect()
            }
            Column::Int64 { values, valid } => values
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    if !valid.is_empty() && !valid[i] {
                        null
                    } else {
                        self.nums.get(&Num::Int(v)).copied().unwrap_or(NONE)
                    }
                })
                .collect(),
            Column::Float64 { values, valid } => values
                .iter()
                .enumerate()
                .map(|(i, &x)| match canonical(x) {
                    Some(k) if valid.is_empty() || valid[i] => self.nums.get(&k).copied().unwrap_or(NONE),
                    _ => null,
                })
                .collect(),
            Column::Bool { values, valid } => values
                .iter()
                .enumerate()
                .map(|(i, &b)| {
                    if !valid.is_empty() && !valid[i] {
                        null
                    } else {
                        self.bools[usize::from(b)].unwrap_or(NONE)
                    }
                })
                .collect(),
        }
    }
}

/// The rows `rows` of `c`, in that order; null where the row is [`NONE`].
fn take(c: &Column, rows: &[u32]) -> Column {
    fn values<T: Copy>(v: &[T], rows: &[u32], fill: T) -> Vec<T> {
        rows.iter().map(|&r| if r == NONE { fill } else { v[r as usize] }).collect()
    }
    fn validity(valid: &[bool], rows: &[u32]) -> Vec<bool> {
        if valid.is_empty() && !rows.contains(&NONE) {
            return Vec::new();
        }
        rows.iter().map(|&r| r != NONE && (valid.is_empty() || valid[r as usize])).collect()
    }
    match c {
        Column::Int64 { values: v, valid } => {
            Column::Int64 { values: values(v, rows, 0), valid: validity(valid, rows) }
        }
        Column::Float64 { values: v, valid } => {
            Column::Float64 { values: values(v, rows, f64::NAN), valid: validity(valid, rows) }
        }
        Column::Bool { values: v, valid } => {
            Column::Bool { values: values(v, rows, false), valid: validity(valid, rows) }
        }
        Column::Str { dict, codes } => {
            Column::Str { dict: dict.clone(), codes: values(codes, rows, NULL_CODE) }
        }
    }
}

impl LazyFrame {
    /// Joins with a small table in memory (pandas' and dask's `merge` with
    /// a pandas frame): a broadcast hash join, each partition joined on its
    /// own; see the module docs above for the rows and columns it gives.
    /// The right side is indexed now; errors on unknown keys, keys of
    /// types that cannot match, or a right side of more than
    /// [`JoinOptions::max_right_rows`] rows (a join of two large inputs is
    /// not supported).
    ///
    /// ```no_run
    /// use chunked_frame::{read_csv, CsvOptions, JoinOptions, JoinType};
    /// use executors::{Executor, Strategy};
    /// let exec = Executor::new(Strategy::Graph, 2)?;
    /// let airlines = read_csv("data/generated/airlines.csv", CsvOptions::default())?.compute(&exec)?;
    /// let by_name = read_csv("data/generated/flights.csv", CsvOptions::default())?
    ///     .merge(&airlines, JoinOptions::left_right(&["AIRLINE"], &["IATA_CODE"]).how(JoinType::Left))?
    ///     .groupby(&["AIRLINE_y"])
    ///     .mean("DEPARTURE_DELAY")
    ///     .compute(&exec)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(self, right: &DataFrame, options: JoinOptions) -> Result<LazyFrame> {
        let join = Broadcast::new(&self.schema()?, right, &options)?;
        Ok(self.with_op(Op::Join(Arc::new(join))))
    }
}
