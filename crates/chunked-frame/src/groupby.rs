//! Group-by aggregation: per-partition partial states (count, sum, mean,
//! M2, min, max per group and column), merged pairwise by Chan et al.'s
//! formulas in a tree reduction, then finished into a frame sorted by key.
//!
//! Median, quantiles, `nunique`, first and last keep more than running
//! statistics: their state is `held.rs`'s, allocated only when asked for.
//! NaN is a missing value, skipped as null is, as in pandas.
//!
//! As in pandas, the sum, minimum and maximum of an int64 (or bool) column
//! are int64, summed exactly; a column that widened to float64 in some
//! partition (see `builder.rs`) is float64 for every group, and so is a key
//! column: int keys of the other partitions are merged as floats.

use std::collections::HashMap;

use crate::column::{Column, DataFrame, NULL_CODE, Value};
use crate::dtype::DType;
use crate::error::{FrameError, Result};
use crate::held::{self, Held, Needs};

/// An aggregation of a group's values.
///
/// Missing values (null, and NaN as pandas counts it) are skipped by every
/// aggregation but [`Agg::Size`]. Median, quantiles, `nunique`, first and
/// last keep values per group (see [`crate::Aggregation::max_held_values`]);
/// the others keep a few running numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Agg {
    /// Mean of the non-null values.
    Mean,
    /// Sum of the non-null values.
    Sum,
    /// Number of non-null values.
    Count,
    /// Number of rows, nulls included.
    Size,
    /// Smallest non-null value.
    Min,
    /// Largest non-null value.
    Max,
    /// Variance with `ddof` degrees of freedom removed (pandas: 1).
    Var(u32),
    /// Standard deviation with `ddof` (pandas: 1).
    Std(u32),
    /// The median, exact: the middle value, or the mean of the two middle
    /// values (pandas' `median`); float64.
    Median,
    /// The `q` quantile (`0 <= q <= 1`), exact, interpolated linearly
    /// between order statistics as pandas' default `interpolation="linear"`;
    /// float64.
    Quantile(f64),
    /// The number of distinct non-null values (pandas' `nunique`); int64.
    Nunique,
    /// The first non-null value in file order (pandas' `first`); the
    /// column's type.
    First,
    /// The last non-null value in file order (pandas' `last`); the column's
    /// type.
    Last,
}

impl Agg {
    /// The name used in output column names.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Sum => "sum",
            Self::Count => "count",
            Self::Size => "size",
            Self::Min => "min",
            Self::Max => "max",
            Self::Var(_) => "var",
            Self::Std(_) => "std",
            Self::Median => "median",
            Self::Quantile(_) => "quantile",
            Self::Nunique => "nunique",
            Self::First => "first",
            Self::Last => "last",
        }
    }

    /// The suffix of the output column: the name, for a quantile its level
    /// too (`quantile_0.25`), and for a variance or deviation of a `ddof`
    /// other than pandas' default 1, that `ddof` (`var_ddof0`).
    pub fn label(self) -> String {
        match self {
            Self::Quantile(q) => format!("quantile_{q}"),
            Self::Var(d) | Self::Std(d) if d != 1 => format!("{}_ddof{d}", self.name()),
            _ => self.name().to_owned(),
        }
    }

    /// Whether it applies to string columns too (count, size, nunique,
    /// first, last), as in pandas.
    pub fn takes_strings(self) -> bool {
        matches!(self, Self::Count | Self::Size | Self::Nunique | Self::First | Self::Last)
    }

    /// What the aggregation keeps per group beyond running statistics.
    pub(crate) fn needs(self) -> Needs {
        Needs {
            values: matches!(self, Self::Median | Self::Quantile(_)),
            distinct: self == Self::Nunique,
            ends: matches!(self, Self::First | Self::Last),
        }
    }
}

/// A group key value: hashable (floats by their bits, but for the two
/// zeros, one key as pandas groups them: the group keeps the sign of its
/// first row's).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) enum Key {
    Int(i64),
    Float(u64),
    Bool(bool),
    Str(String),
}

/// The bits a float key is compared and hashed by: `-0.0` as `0.0`.
fn float_identity(bits: u64) -> u64 {
    if f64::from_bits(bits) == 0.0 { 0 } else { bits }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Key::Int(a), Key::Int(b)) => a == b,
            (Key::Float(a), Key::Float(b)) => float_identity(*a) == float_identity(*b),
            (Key::Bool(a), Key::Bool(b)) => a == b,
            (Key::Str(a), Key::Str(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Key::Int(v) => v.hash(state),
            Key::Float(b) => float_identity(*b).hash(state),
            Key::Bool(v) => v.hash(state),
            Key::Str(s) => s.hash(state),
        }
    }
}

impl Key {
    pub(crate) fn value(&self) -> Value {
        match self {
            Key::Int(v) => Value::Int(*v),
            Key::Float(b) => Value::Float(f64::from_bits(*b)),
            Key::Bool(b) => Value::Bool(*b),
            Key::Str(s) => Value::Str(s.clone()),
        }
    }
}

/// Running statistics of one column in one group. Of the sums and
/// extremes, the integer ones count while the column is int64 (the
/// partial's `ints`), the float ones otherwise.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stats {
    count: u64,
    sum: f64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    isum: i128,
    imin: i64,
    imax: i64,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            count: 0,
            sum: 0.0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            isum: 0,
            imin: i64::MAX,
            imax: i64::MIN,
        }
    }
}

impl Stats {
    /// Whether finite values' float sum overflowed (values near f64::MAX;
    /// an int column's sum is `isum`, and its float fields stay unused).
    fn sum_overflowed(&self) -> bool {
        self.count > 0 && !self.sum.is_finite() && self.min.is_finite() && self.max.is_finite()
    }

    /// Chan, Golub and LeVeque's pairwise merge.
    fn merge(&mut self, o: &Stats) {
        if o.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *o;
            return;
        }
        let (na, nb) = (self.count as f64, o.count as f64);
        let n = na + nb;
        let delta = o.mean - self.mean;
        // The weights first: `delta * nb` can overflow where the mean
        // cannot (a value near f64::MAX), which made the merged mean
        // infinite and a later merge's NaN.
        self.mean += delta * (nb / n);
        self.m2 += o.m2 + delta * delta * (na * nb / n);
        self.count += o.count;
        self.sum += o.sum;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
        self.isum += o.isum;
        self.imin = self.imin.min(o.imin);
        self.imax = self.imax.max(o.imax);
    }

    /// The float sum and extremes from the integer ones, for a column that
    /// is float64 in another partition.
    fn to_float(mut self) -> Self {
        if self.count > 0 {
            // `as` rounds to the nearest float, as parsing the text would.
            (self.sum, self.min, self.max) = (self.isum as f64, self.imin as f64, self.imax as f64);
        }
        self
    }
}

/// The partial result of a partition (or of merged partitions).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Partial {
    index: HashMap<Vec<Key>, usize>,
    keys: Vec<Vec<Key>>,
    /// Rows per group.
    sizes: Vec<u64>,
    /// `stats[g * columns + c]`.
    stats: Vec<Stats>,
    /// The key columns' types in the partitions merged (empty: none yet).
    key_types: Vec<DType>,
    /// Per value column: whether it is int64 (or bool) in every partition
    /// merged (empty: none yet).
    ints: Vec<bool>,
    /// `held[g * columns + c]`, when some aggregation keeps values
    /// (empty otherwise).
    held: Vec<Held>,
    /// Whether some aggregation keeps values (then `held` has a slot per
    /// group and column).
    keeps: bool,
    /// The most values `held` may hold.
    limit: u64,
    /// Values held, when more than the limit: the result is then an error
    /// and `held` is freed.
    overflow: Option<u64>,
}

/// The shape of a group-by: key columns, value columns, aggregations.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    pub(crate) keys: Vec<String>,
    /// Distinct value columns.
    pub(crate) columns: Vec<String>,
    /// (value column index, aggregation, output name)
    pub(crate) outputs: Vec<(Option<usize>, Agg, String)>,
    /// Per value column, what its aggregations keep per group (empty when
    /// none keeps anything).
    pub(crate) needs: Vec<Needs>,
    /// The value columns' types in the schema (empty: unknown).
    pub(crate) value_types: Vec<DType>,
    /// The most values held at once ([`crate::Aggregation::max_held_values`]).
    pub(crate) max_held: u64,
    /// Groups sorted by key, or in order of first appearance
    /// ([`crate::Aggregation::sort`]).
    pub(crate) sort: bool,
}

impl Spec {
    pub(crate) fn new(keys: Vec<String>, aggs: &[(String, Agg)]) -> Self {
        let mut columns: Vec<String> = Vec::new();
        let mut outputs = Vec::new();
        for (c, agg) in aggs {
            if *agg == Agg::Size {
                outputs.push((None, *agg, "size".to_owned()));
                continue;
            }
            let i = columns.iter().position(|x| x == c).unwrap_or_else(|| {
                columns.push(c.clone());
                columns.len() - 1
            });
            outputs.push((Some(i), *agg, format!("{c}_{}", agg.label())));
        }
        let mut needs = vec![Needs::default(); columns.len()];
        for (c, agg, _) in &outputs {
            if let Some(c) = c {
                let n = agg.needs();
                let slot: &mut Needs = &mut needs[*c];
                slot.values |= n.values;
                slot.distinct |= n.distinct;
                slot.ends |= n.ends;
            }
        }
        if !needs.iter().any(|n| n.any()) {
            needs.clear();
        }
        Self {
            keys,
            columns,
            outputs,
            needs,
            value_types: Vec::new(),
            max_held: held::DEFAULT_MAX_HELD_VALUES,
            sort: true,
        }
    }

    /// The aggregations of string columns that do not apply to strings.
    pub(crate) fn check_strings(&self, dtype_of: impl Fn(usize) -> DType) -> Result<()> {
        for (c, agg, _) in &self.outputs {
            if let Some(c) = c
                && dtype_of(*c) == DType::Str
                && !agg.takes_strings()
            {
                return Err(FrameError::Type {
                    column: self.columns[*c].clone(),
                    dtype: DType::Str,
                    operation: format!("the {} aggregation", agg.name()),
                });
            }
        }
        Ok(())
    }
}

/// Aggregates one filtered partition.
pub(crate) fn partial(frame: &DataFrame, spec: &Spec) -> Result<Partial> {
    let key_cols: Vec<&Column> = spec.keys.iter().map(|k| lookup(frame, k)).collect::<Result<_>>()?;
    let value_cols: Vec<&Column> = spec.columns.iter().map(|k| lookup(frame, k)).collect::<Result<_>>()?;
    spec.check_strings(|c| value_cols[c].dtype())?;
    let n = frame.height();
    // Group of each row (usize::MAX: a null key, left out as pandas does).
    let mut out = Partial {
        key_types: key_cols.iter().map(|c| c.dtype()).collect(),
        ints: value_cols.iter().map(|c| matches!(c.dtype(), DType::Int64 | DType::Bool)).collect(),
        keeps: !spec.needs.is_empty(),
        limit: spec.max_held,
        ..Partial::default()
    };
    let mut group_of = vec![usize::MAX; n];
    if let [Column::Str { dict, codes }] = key_cols[..] {
        // One string key: group by dictionary code, no hashing per row.
        let mut slot = vec![usize::MAX; dict.len()];
        for (i, &c) in codes.iter().enumerate() {
            if c == NULL_CODE {
                continue;
            }
            if slot[c as usize] == usize::MAX {
                slot[c as usize] = out.group(vec![Key::Str(dict[c as usize].clone())], spec.columns.len());
            }
            group_of[i] = slot[c as usize];
        }
    } else {
        for (i, g) in group_of.iter_mut().enumerate() {
            let key: Option<Vec<Key>> = key_cols.iter().map(|c| key_at(c, i)).collect();
            if let Some(key) = key {
                *g = out.group(key, spec.columns.len());
            }
        }
    }
    let m = spec.columns.len();
    for &g in &group_of {
        if g != usize::MAX {
            out.sizes[g] += 1;
        }
    }
    if out.keeps {
        let groups = out.keys.len();
        for (c, col) in value_cols.iter().enumerate() {
            held::collect(&mut out.held, m, c, col, &group_of, groups, spec.needs[c]);
        }
        out.check_held();
    }
    // Two passes per column: sums, then squared deviations from the mean.
    for (c, col) in value_cols.iter().enumerate() {
        if let Column::Str { codes, .. } = col {
            // Only counts apply to strings.
            for (&code, &g) in codes.iter().zip(&group_of) {
                if g != usize::MAX && code != NULL_CODE {
                    out.stats[g * m + c].count += 1;
                }
            }
            continue;
        }
        if out.ints[c] {
            for (i, &g) in group_of.iter().enumerate() {
                if g == usize::MAX {
                    continue;
                }
                if let Some(x) = col.i64_at(i) {
                    let s = &mut out.stats[g * m + c];
                    s.count += 1;
                    s.isum += i128::from(x);
                    s.imin = s.imin.min(x);
                    s.imax = s.imax.max(x);
                }
            }
        } else {
            for (i, &g) in group_of.iter().enumerate() {
                if g == usize::MAX {
                    continue;
                }
                // NaN (from arithmetic such as 0 / 0) is missing, as in pandas.
                if let Some(x) = col.f64_at(i)
                    && !x.is_nan()
                {
                    let s = &mut out.stats[g * m + c];
                    s.count += 1;
                    s.sum += x;
                    s.min = s.min.min(x);
                    s.max = s.max.max(x);
                }
            }
        }
        let mut overflowed = false;
        for g in 0..out.keys.len() {
            let s = &mut out.stats[g * m + c];
            if s.count > 0 {
                let sum = if out.ints[c] { s.isum as f64 } else { s.sum };
                s.mean = sum / s.count as f64;
                overflowed |= s.sum_overflowed();
            }
        }
        if overflowed {
            overflowed_means(&mut out.stats, m, c, col, &group_of);
        }
        for (i, &g) in group_of.iter().enumerate() {
            if g == usize::MAX {
                continue;
            }
            if let Some(x) = col.f64_at(i)
                && !x.is_nan()
            {
                let s = &mut out.stats[g * m + c];
                s.m2 += (x - s.mean) * (x - s.mean);
            }
        }
    }
    Ok(out)
}

/// The means of column `c`'s groups whose values are finite but whose sum
/// overflowed: each value divided by the count before adding, so that the
/// deviations from the mean (and the variance: 0 for `[1e308, 1e308]`, as
/// pandas' running mean gives) do not go through an infinite mean. A
/// second pass over the rows, taken only when some sum overflowed.
#[cold]
fn overflowed_means(stats: &mut [Stats], m: usize, c: usize, col: &Column, group_of: &[usize]) {
    let mut means: Vec<Option<f64>> =
        (0..stats.len() / m.max(1)).map(|g| stats[g * m + c].sum_overflowed().then_some(0.0)).collect();
    for (i, &g) in group_of.iter().enumerate() {
        if let (Some(Some(mean)), Some(x)) = (means.get_mut(g), col.f64_at(i))
            && !x.is_nan()
        {
            // `as`: a count converts to f64 (exactly below 2^53).
            *mean += x / stats[g * m + c].count as f64;
        }
    }
    for (g, mean) in means.into_iter().enumerate() {
        if let Some(mean) = mean {
            stats[g * m + c].mean = mean;
        }
    }
}

fn lookup<'a>(frame: &'a DataFrame, name: &str) -> Result<&'a Column> {
    frame
        .column(name)
        .ok_or_else(|| FrameError::UnknownColumn { name: name.to_owned(), available: frame.names().to_vec() })
}

fn key_at(c: &Column, i: usize) -> Option<Key> {
    match c.get(i) {
        Value::Null => None,
        Value::Int(v) => Some(Key::Int(v)),
        // A NaN key is missing, left out as pandas' `dropna=True` does.
        Value::Float(v) if v.is_nan() => None,
        Value::Float(v) => Some(Key::Float(v.to_bits())),
        Value::Bool(v) => Some(Key::Bool(v)),
        Value::Str(s) => Some(Key::Str(s)),
    }
}

impl Partial {
    fn group(&mut self, key: Vec<Key>, columns: usize) -> usize {
        if let Some(&g) = self.index.get(&key) {
            return g;
        }
        let g = self.keys.len();
        self.index.insert(key.clone(), g);
        self.keys.push(key);
        self.sizes.push(0);
        self.stats.extend(std::iter::repeat_n(Stats::default(), columns));
        if self.keeps {
            self.held.extend(std::iter::repeat_n(Held::default(), columns));
        }
        g
    }

    /// Frees the held values and marks the result an error once they
    /// number more than the limit.
    fn check_held(&mut self) {
        if self.overflow.is_none() {
            let held: u64 = self.held.iter().map(Held::size).sum();
            if held <= self.limit {
                return;
            }
            self.overflow = Some(held);
        }
        self.held.iter_mut().for_each(Held::clear);
    }

    /// `(values held, limit)` when a kept state passed its limit.
    pub(crate) fn overflow(&self) -> Option<(u64, u64)> {
        self.overflow.map(|held| (held, self.limit))
    }

    /// Merges `other` into `self`, widening int key and value columns to
    /// float where the other side has them as float.
    pub(crate) fn merge(mut self, other: &Partial, columns: usize) -> Partial {
        if self.key_types.is_empty() && self.ints.is_empty() {
            return other.clone();
        }
        if other.key_types.is_empty() && other.ints.is_empty() {
            return self;
        }
        let key_types: Vec<DType> = self
            .key_types
            .iter()
            .zip(&other.key_types)
            .map(|(&a, &b)| if a == b { a } else { DType::Float64 })
            .collect();
        let ints: Vec<bool> = self.ints.iter().zip(&other.ints).map(|(&a, &b)| a && b).collect();
        self = self.retyped(&key_types, &ints, columns);
        let widened;
        let other = if other.key_types != key_types || other.ints != ints {
            widened = other.clone().retyped(&key_types, &ints, columns);
            &widened
        } else {
            other
        };
        if let Some(o) = other.overflow {
            self.overflow = Some(self.overflow.unwrap_or(0).saturating_add(o));
        }
        let keeps = self.keeps && other.keeps && self.overflow.is_none();
        for (h, key) in other.keys.iter().enumerate() {
            let g = self.group(key.clone(), columns);
            self.sizes[g] += other.sizes[h];
            for c in 0..columns {
                let o = other.stats[h * columns + c];
                self.stats[g * columns + c].merge(&o);
                if keeps {
                    self.held[g * columns + c].merge(&other.held[h * columns + c]);
                }
            }
        }
        if self.keeps {
            self.check_held();
        }
        self
    }

    /// The same groups with int keys as floats where `key_types` says
    /// float64, and float sums and extremes where `ints` says float. Int
    /// keys that become equal floats (beyond 2^53) merge their groups.
    fn retyped(self, key_types: &[DType], ints: &[bool], columns: usize) -> Partial {
        if self.key_types == key_types && self.ints == ints {
            return self;
        }
        let mut out = Partial {
            key_types: key_types.to_vec(),
            ints: ints.to_vec(),
            keeps: self.keeps,
            limit: self.limit,
            overflow: self.overflow,
            ..Partial::default()
        };
        let mut held = self.held.into_iter();
        for (h, key) in self.keys.into_iter().enumerate() {
            let key = key
                .into_iter()
                .zip(key_types)
                .map(|(k, t)| match (k, t) {
                    // `as` rounds to the nearest float, as parsing the text would.
                    (Key::Int(v), DType::Float64) => Key::Float((v as f64).to_bits()),
                    (k, _) => k,
                })
                .collect();
            let g = out.group(key, columns);
            out.sizes[g] += self.sizes[h];
            for (c, (&was, &is)) in self.ints.iter().zip(ints).enumerate() {
                let o = self.stats[h * columns + c];
                let o = if was && !is { o.to_float() } else { o };
                out.stats[g * columns + c].merge(&o);
                if let Some(kept) = held.next() {
                    let kept = if was && !is { kept.into_float() } else { kept };
                    out.held[g * columns + c].merge(&kept);
                }
            }
        }
        out
    }

    /// The result frame: keys then aggregations, sorted by key (or in
    /// order of first appearance).
    /// `key_types` are the schema's, for a result of no partition.
    pub(crate) fn finish(&self, spec: &Spec, key_types: &[DType]) -> DataFrame {
        let m = spec.columns.len();
        let key_types = if self.key_types.is_empty() { key_types } else { &self.key_types };
        let int = |c: usize| self.ints.get(c).copied().unwrap_or(false);
        // Groups are numbered in order of first appearance (partitions
        // merge in order); sorted by key unless asked not to be.
        let mut order: Vec<usize> = (0..self.keys.len()).collect();
        if spec.sort {
            order.sort_by(|&a, &b| {
                let ka: Vec<Value> = self.keys[a].iter().map(Key::value).collect();
                let kb: Vec<Value> = self.keys[b].iter().map(Key::value).collect();
                ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal)
            });
        }
        let mut names = spec.keys.clone();
        let mut columns = Vec::new();
        for (k, dtype) in key_types.iter().enumerate() {
            let values: Vec<Value> = order.iter().map(|&g| self.keys[g][k].value()).collect();
            columns.push(column_of(*dtype, &values));
        }
        for (col, agg, name) in &spec.outputs {
            names.push(name.clone());
            let column = match (agg, col) {
                (Agg::Median | Agg::Quantile(_) | Agg::Nunique | Agg::First | Agg::Last, Some(c)) => {
                    // A column read as int64 by the schema is float64 when
                    // some partition widened it.
                    let dtype = match spec.value_types.get(*c) {
                        Some(DType::Int64) if !self.ints.is_empty() && !int(*c) => DType::Float64,
                        Some(t) => *t,
                        None => DType::Float64,
                    };
                    held::column(*agg, dtype, order.iter().map(|&g| &self.held[g * m + c]))
                }
                (Agg::Size, _) => Column::Int64 {
                    values: order.iter().map(|&g| self.sizes[g] as i64).collect(),
                    valid: vec![],
                },
                (Agg::Count, Some(c)) => Column::Int64 {
                    values: order.iter().map(|&g| self.stats[g * m + c].count as i64).collect(),
                    valid: vec![],
                },
                (Agg::Sum | Agg::Min | Agg::Max, Some(c)) if int(*c) => {
                    let vals: Vec<Option<i128>> = order
                        .iter()
                        .map(|&g| {
                            let s = &self.stats[g * m + c];
                            match agg {
                                Agg::Sum => Some(s.isum),
                                Agg::Min => (s.count > 0).then_some(i128::from(s.imin)),
                                _ => (s.count > 0).then_some(i128::from(s.imax)),
                            }
                        })
                        .collect();
                    int_column(&vals)
                }
                (_, Some(c)) => {
                    let vals: Vec<Option<f64>> = order
                        .iter()
                        .map(|&g| {
                            let s = &self.stats[g * m + c];
                            let n = s.count as f64;
                            let sum = if int(*c) { s.isum as f64 } else { s.sum };
                            match agg {
                                Agg::Mean => (s.count > 0).then(|| sum / n),
                                Agg::Sum => Some(s.sum),
                                Agg::Min => (s.count > 0).then_some(s.min),
                                Agg::Max => (s.count > 0).then_some(s.max),
                                Agg::Var(d) => (n > f64::from(*d)).then(|| s.m2 / (n - f64::from(*d))),
                                Agg::Std(d) => {
                                    (n > f64::from(*d)).then(|| (s.m2 / (n - f64::from(*d))).sqrt())
                                }
                                _ => unreachable!("handled above"),
                            }
                        })
                        .collect();
                    Column::Float64 {
                        values: vals.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
                        valid: if vals.iter().all(Option::is_some) {
                            vec![]
                        } else {
                            vals.iter().map(Option::is_some).collect()
                        },
                    }
                }
                (_, None) => unreachable!("only size has no column"),
            };
            columns.push(column);
        }
        DataFrame::from_parts(names, columns)
    }
}

/// An int64 column of integer results (null where `None`), or float64 when
/// some sum does not fit in 64 bits.
fn int_column(vals: &[Option<i128>]) -> Column {
    let valid =
        if vals.iter().all(Option::is_some) { vec![] } else { vals.iter().map(Option::is_some).collect() };
    let fits: Option<Vec<i64>> = vals.iter().map(|v| i64::try_from(v.unwrap_or(0)).ok()).collect();
    match fits {
        Some(values) => Column::Int64 { values, valid },
        // An exact sum past i64: the nearest floats rather than a wrapped integer.
        None => {
            Column::Float64 { values: vals.iter().map(|v| v.map_or(f64::NAN, |x| x as f64)).collect(), valid }
        }
    }
}

/// A column of a type from values (keys are never null).
fn column_of(dtype: DType, values: &[Value]) -> Column {
    match dtype {
        DType::Int64 => Column::Int64 {
            values: values.iter().map(|v| if let Value::Int(x) = v { *x } else { 0 }).collect(),
            valid: vec![],
        },
        DType::Float64 => Column::Float64 {
            values: values.iter().map(|v| if let Value::Float(x) = v { *x } else { f64::NAN }).collect(),
            valid: vec![],
        },
        DType::Bool => Column::Bool {
            values: values.iter().map(|v| matches!(v, Value::Bool(true))).collect(),
            valid: vec![],
        },
        DType::Str => Column::Str {
            dict: values.iter().map(|v| v.to_string()).collect(),
            codes: (0..values.len() as u32).collect(),
        },
    }
}
