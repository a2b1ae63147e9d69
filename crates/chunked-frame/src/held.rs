//! The group-by aggregations that need more than a few running numbers:
//! median and quantiles (every non-null value of the group, kept), `nunique`
//! (the distinct values) and `first`/`last` (the first and last non-null
//! value, in file order). Their state lives beside the running statistics
//! of `groupby.rs`, only for the value columns that need it, so the other
//! aggregations cost nothing more.
//!
//! Results are exact: a group's values are all kept until the finish. The
//! values one partial state holds (a partition's, or the merge of several:
//! for every group and column, the values a median or quantile needs and
//! the distinct values `nunique` needs) are bounded by
//! [`crate::Aggregation::max_held_values`], beyond which the computation
//! stops with [`crate::FrameError::TooManyHeldValues`] instead of
//! exhausting memory. A merge holds its two inputs and its result at once,
//! so memory peaks near three times the bound.

use std::collections::HashSet;

use crate::column::{Column, NULL_CODE, Value};
use crate::dtype::DType;
use crate::groupby::Key;

/// The default of [`crate::Aggregation::max_held_values`]: 2^27 values,
/// 1 GiB as the floats of medians and quantiles; a distinct value of
/// `nunique` takes more (about 50 bytes in its set, and a string's bytes).
pub const DEFAULT_MAX_HELD_VALUES: u64 = 1 << 27;

/// What a value column's aggregations need kept per group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    /// Every value (median, quantiles).
    pub(crate) values: bool,
    /// The distinct values (nunique).
    pub(crate) distinct: bool,
    /// The first and last value (first, last).
    pub(crate) ends: bool,
}

impl Needs {
    pub(crate) fn any(self) -> bool {
        self.values || self.distinct || self.ends
    }
}

/// One group's kept state for one value column.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Held {
    /// The non-null values, in no particular order.
    values: Vec<f64>,
    /// The distinct non-null values.
    distinct: HashSet<Key>,
    /// The first non-null value.
    first: Option<Key>,
    /// The last non-null value.
    last: Option<Key>,
}

/// Row `i` of `c` as a key, `None` where null or NaN (pandas' missing
/// value).
fn key_at(c: &Column, i: usize) -> Option<Key> {
    match c.get(i) {
        Value::Null => None,
        Value::Int(v) => Some(Key::Int(v)),
        Value::Float(v) if v.is_nan() => None,
        Value::Float(v) => Some(Key::Float(v.to_bits())),
        Value::Bool(v) => Some(Key::Bool(v)),
        Value::Str(s) => Some(Key::Str(s)),
    }
}

/// [`key_at`] for counting distinct values: `-0.0` as `0.0`, which pandas
/// counts as one value.
fn distinct_key_at(c: &Column, i: usize) -> Option<Key> {
    match key_at(c, i) {
        Some(Key::Float(b)) if f64::from_bits(b) == 0.0 => Some(Key::Float(0f64.to_bits())),
        k => k,
    }
}

/// The float of a non-null, non-NaN numeric row.
#[inline]
fn number_at(c: &Column, i: usize) -> Option<f64> {
    c.f64_at(i).filter(|x| !x.is_nan())
}

/// Adds one partition's rows to the kept state: `held[g * m + c]` for the
/// group `g` of each row (`usize::MAX`: left out) of value column `c`.
pub(crate) fn collect(
    held: &mut [Held],
    m: usize,
    c: usize,
    column: &Column,
    group_of: &[usize],
    groups: usize,
    needs: Needs,
) {
    if needs.values {
        for (i, &g) in group_of.iter().enumerate() {
            if g != usize::MAX
                && let Some(x) = number_at(column, i)
            {
                held[g * m + c].values.push(x);
            }
        }
    }
    if needs.distinct {
        if let Column::Str { dict, codes } = column {
            // Each (group, string) once: no string copied per row.
            let mut seen: HashSet<(usize, u32)> = HashSet::new();
            for (&code, &g) in codes.iter().zip(group_of) {
                if g != usize::MAX && code != NULL_CODE && seen.insert((g, code)) {
                    held[g * m + c].distinct.insert(Key::Str(dict[code as usize].clone()));
                }
            }
        } else {
            for (i, &g) in group_of.iter().enumerate() {
                if g != usize::MAX
                    && let Some(k) = distinct_key_at(column, i)
                {
                    held[g * m + c].distinct.insert(k);
                }
            }
        }
    }
    if needs.ends {
        let (mut first, mut last) = (vec![usize::MAX; groups], vec![usize::MAX; groups]);
        for (i, &g) in group_of.iter().enumerate() {
            let present = match column {
                Column::Str { codes, .. } => codes[i] != NULL_CODE,
                _ => number_at(column, i).is_some(),
            };
            if g != usize::MAX && present {
                if first[g] == usize::MAX {
                    first[g] = i;
                }
                last[g] = i;
            }
        }
        for g in 0..groups {
            let h = &mut held[g * m + c];
            if first[g] != usize::MAX {
                h.first = key_at(column, first[g]);
                h.last = key_at(column, last[g]);
            }
        }
    }
}

impl Held {
    /// Adds the state of later rows of the same group.
    pub(crate) fn merge(&mut self, later: &Held) {
        self.values.extend_from_slice(&later.values);
        if self.distinct.is_empty() {
            self.distinct = later.distinct.clone();
        } else {
            self.distinct.extend(later.distinct.iter().cloned());
        }
        if self.first.is_none() {
            self.first = later.first.clone();
        }
        if later.last.is_some() {
            self.last = later.last.clone();
        }
    }

    /// The same state with int values as floats (the column is float64 in
    /// another partition).
    pub(crate) fn into_float(mut self) -> Held {
        // `as` rounds to the nearest float, as parsing the text would.
        let widen = |k: Key| match k {
            Key::Int(v) => Key::Float((v as f64).to_bits()),
            k => k,
        };
        self.distinct = self.distinct.into_iter().map(widen).collect();
        self.first = self.first.map(widen);
        self.last = self.last.map(widen);
        self
    }

    /// How many values this state holds (for the bound).
    pub(crate) fn size(&self) -> u64 {
        // `as`: lengths of vectors in memory fit a u64.
        (self.values.len() + self.distinct.len()) as u64
    }

    /// Frees the values (once the bound is passed, the result is an error).
    pub(crate) fn clear(&mut self) {
        *self = Held::default();
    }
}

/// pandas' `groupby(...).median()`: the middle value, or the mean of the
/// two middle values, `(a + b) / 2`; NaN for no value.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mut v = values.to_vec();
    let (_, &mut hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(hi);
    }
    // The largest of the lower half is the other middle value.
    let lo = v[..n / 2].iter().copied().max_by(f64::total_cmp).expect("n >= 2");
    Some((lo + hi) / 2.0)
}

/// pandas' `groupby(...).quantile(q)` with linear interpolation: at rank
/// `q (n - 1)` between order statistics `lo` and `lo + 1`,
/// `x[lo] + (x[lo + 1] - x[lo]) * frac`; the order statistic itself when
/// `frac` is 0.
pub(crate) fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    // `as`: n fits a float exactly (far below 2^53), and the rank is in [0, n - 1].
    let rank = q * (n - 1) as f64;
    let lo = rank.floor() as usize;
    let frac = rank - rank.floor();
    let mut v = values.to_vec();
    let (_, &mut x, above) = v.select_nth_unstable_by(lo, f64::total_cmp);
    if frac == 0.0 || above.is_empty() {
        return Some(x);
    }
    let next = above.iter().copied().min_by(f64::total_cmp).expect("not empty");
    Some(x + (next - x) * frac)
}

/// The output column of a held aggregation `agg` ([`crate::Agg::Median`],
/// `Quantile`, `Nunique`, `First`, `Last`) for the groups in `order`;
/// `dtype` is the value column's type (first and last keep it).
pub(crate) fn column<'a>(agg: crate::Agg, dtype: DType, held: impl Iterator<Item = &'a Held>) -> Column {
    use crate::Agg;
    match agg {
        Agg::Nunique => Column::Int64 {
            // `as`: a count of values in memory fits an i64.
            values: held.map(|h| h.distinct.len() as i64).collect(),
            valid: vec![],
        },
        Agg::First | Agg::Last => {
            let values: Vec<Value> = held
                .map(|h| {
                    let k = if agg == Agg::First { &h.first } else { &h.last };
                    k.as_ref().map_or(Value::Null, Key::value)
                })
                .collect();
            crate::extra::column_from_values(dtype, &values)
        }
        _ => {
            let values: Vec<Option<f64>> = held
                .map(|h| match agg {
                    Agg::Median => median(&h.values),
                    Agg::Quantile(q) => quantile(&h.values, q),
                    _ => unreachable!("only held aggregations come here"),
                })
                .collect();
            let valid = if values.iter().all(Option::is_some) {
                vec![]
            } else {
                values.iter().map(Option::is_some).collect()
            };
            Column::Float64 { values: values.iter().map(|v| v.unwrap_or(f64::NAN)).collect(), valid }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_quantiles_interpolate_as_pandas() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.25), Some(1.75));
        assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 1.0), Some(4.0));
        assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.0), Some(1.0));
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
        assert_eq!(quantile(&[2.0, 2.0, 2.0, 9.0], 0.5), Some(2.0));
    }
}
