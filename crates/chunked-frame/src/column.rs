//! Typed columnar data: the partitions a read produces and the frames a
//! query returns. Nulls are tracked by a validity vector per column.

use std::collections::HashMap;
use std::fmt;

use crate::dtype::DType;

/// One column's values. Two columns are equal when their values are, row by
/// row, whatever their dictionaries or validity storage (NaN equals NaN).
#[derive(Clone, Debug)]
pub enum Column {
    /// Integers; `valid[i]` is false where the value is null.
    Int64 {
        /// Values (0 where null).
        values: Vec<i64>,
        /// Validity; empty means all valid.
        valid: Vec<bool>,
    },
    /// Floats; `valid[i]` is false where the value is null.
    Float64 {
        /// Values (NaN where null).
        values: Vec<f64>,
        /// Validity; empty means all valid.
        valid: Vec<bool>,
    },
    /// Booleans.
    Bool {
        /// Values (false where null).
        values: Vec<bool>,
        /// Validity; empty means all valid.
        valid: Vec<bool>,
    },
    /// Dictionary-encoded strings: `dict[codes[i]]`, or null where the code
    /// is [`NULL_CODE`].
    Str {
        /// The distinct strings.
        dict: Vec<String>,
        /// One code per row.
        codes: Vec<u32>,
    },
}

/// The code of a null string.
pub const NULL_CODE: u32 = u32::MAX;

/// A single value, for display and for group keys.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
pub enum Value {
    /// Null; sorts first.
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str(""),
            Self::Int(v) => write!(f, "{v}"),
            Self::Float(v) => write!(f, "{v}"),
            Self::Bool(v) => write!(f, "{v}"),
            Self::Str(v) => f.write_str(v),
        }
    }
}

impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        self.dtype() == other.dtype()
            && self.len() == other.len()
            && (0..self.len()).all(|i| match (self.get(i), other.get(i)) {
                (Value::Float(a), Value::Float(b)) => {
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
                }
                (a, b) => a == b,
            })
    }
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Self::Int64 { values, .. } => values.len(),
            Self::Float64 { values, .. } => values.len(),
            Self::Bool { values, .. } => values.len(),
            Self::Str { codes, .. } => codes.len(),
        }
    }

    /// Whether the column has no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The type.
    pub fn dtype(&self) -> DType {
        match self {
            Self::Int64 { .. } => DType::Int64,
            Self::Float64 { .. } => DType::Float64,
            Self::Bool { .. } => DType::Bool,
            Self::Str { .. } => DType::Str,
        }
    }

    /// An empty column of a type.
    pub fn empty(dtype: DType) -> Self {
        match dtype {
            DType::Int64 => Self::Int64 { values: Vec::new(), valid: Vec::new() },
            DType::Float64 => Self::Float64 { values: Vec::new(), valid: Vec::new() },
            DType::Bool => Self::Bool { values: Vec::new(), valid: Vec::new() },
            DType::Str => Self::Str { dict: Vec::new(), codes: Vec::new() },
        }
    }

    /// Whether row `i` is null.
    pub fn is_null(&self, i: usize) -> bool {
        match self {
            Self::Int64 { valid, .. } | Self::Float64 { valid, .. } | Self::Bool { valid, .. } => {
                !valid.is_empty() && !valid[i]
            }
            Self::Str { codes, .. } => codes[i] == NULL_CODE,
        }
    }

    /// `n` rows of the constant `v` (`None` for null, which has no type).
    pub(crate) fn constant(v: &Value, n: usize) -> Option<Column> {
        Some(match v {
            Value::Int(x) => Self::Int64 { values: vec![*x; n], valid: Vec::new() },
            // A NaN is missing, as in pandas.
            Value::Float(x) => Self::Float64 {
                values: vec![*x; n],
                valid: if x.is_nan() { vec![false; n] } else { Vec::new() },
            },
            Value::Bool(b) => Self::Bool { values: vec![*b; n], valid: Vec::new() },
            Value::Str(s) => Self::Str { dict: vec![s.clone()], codes: vec![0; n] },
            Value::Null => return None,
        })
    }

    /// Row `i` as a value.
    pub fn get(&self, i: usize) -> Value {
        if self.is_null(i) {
            return Value::Null;
        }
        match self {
            Self::Int64 { values, .. } => Value::Int(values[i]),
            Self::Float64 { values, .. } => Value::Float(values[i]),
            Self::Bool { values, .. } => Value::Bool(values[i]),
            Self::Str { dict, codes } => Value::Str(dict[codes[i] as usize].clone()),
        }
    }

    /// Row `i` as a float, for numeric columns; `None` if null.
    #[inline]
    pub(crate) fn f64_at(&self, i: usize) -> Option<f64> {
        match self {
            Self::Int64 { values, valid } => (valid.is_empty() || valid[i]).then(|| values[i] as f64),
            Self::Float64 { values, valid } => (valid.is_empty() || valid[i]).then(|| values[i]),
            Self::Bool { values, valid } => {
                (valid.is_empty() || valid[i]).then(|| f64::from(u8::from(values[i])))
            }
            Self::Str { .. } => None,
        }
    }

    /// Row `i` as an integer, for int64 and bool columns; `None` if null
    /// or of another type.
    #[inline]
    pub(crate) fn i64_at(&self, i: usize) -> Option<i64> {
        match self {
            Self::Int64 { values, valid } => (valid.is_empty() || valid[i]).then(|| values[i]),
            Self::Bool { values, valid } => (valid.is_empty() || valid[i]).then(|| i64::from(values[i])),
            _ => None,
        }
    }

    /// The non-null values as floats (numeric columns; empty for strings).
    pub fn into_values(self) -> Vec<f64> {
        (0..self.len()).filter_map(|i| self.f64_at(i)).collect()
    }

    /// The rows where `keep` is true.
    pub fn filter(&self, keep: &[bool]) -> Self {
        fn pick<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| *x).collect()
        }
        fn pick_valid(valid: &[bool], keep: &[bool]) -> Vec<bool> {
            if valid.is_empty() { Vec::new() } else { pick(valid, keep) }
        }
        match self {
            Self::Int64 { values, valid } => {
                Self::Int64 { values: pick(values, keep), valid: pick_valid(valid, keep) }
            }
            Self::Float64 { values, valid } => {
                Self::Float64 { values: pick(values, keep), valid: pick_valid(valid, keep) }
            }
            Self::Bool { values, valid } => {
                Self::Bool { values: pick(values, keep), valid: pick_valid(valid, keep) }
            }
            Self::Str { dict, codes } => Self::Str { dict: dict.clone(), codes: pick(codes, keep) },
        }
    }

    /// The first `n` rows.
    pub fn head(&self, n: usize) -> Self {
        let keep: Vec<bool> = (0..self.len()).map(|i| i < n).collect();
        self.filter(&keep)
    }

    /// The column as float64, when it is int64 (a partition read before
    /// the column met its first non-integer number); nulls stay null.
    pub(crate) fn widened(&self) -> Option<Column> {
        match self {
            Self::Int64 { values, valid } => Some(Self::Float64 {
                // `as` rounds to the nearest float, as parsing the text would.
                values: values
                    .iter()
                    .enumerate()
                    .map(|(i, &x)| if valid.is_empty() || valid[i] { x as f64 } else { f64::NAN })
                    .collect(),
                valid: valid.clone(),
            }),
            _ => None,
        }
    }

    /// This column followed by `other`, of the same type, or one an int64
    /// column of a read widens to float64 in another partition: then the
    /// result is float64, as pandas reads the whole column.
    pub(crate) fn append(&mut self, other: &Column) {
        if let (Self::Float64 { .. }, Some(wide)) = (&*self, other.widened()) {
            return self.append(&wide);
        }
        if let (Some(wide), Self::Float64 { .. }) = (self.widened(), other) {
            *self = wide;
        }
        fn extend_valid(a: &mut Vec<bool>, a_len: usize, b: &[bool], b_len: usize) {
            if a.is_empty() && b.is_empty() {
                return;
            }
            if a.is_empty() {
                a.resize(a_len, true);
            }
            if b.is_empty() {
                a.extend(std::iter::repeat_n(true, b_len));
            } else {
                a.extend_from_slice(b);
            }
        }
        match (self, other) {
            (Self::Int64 { values, valid }, Self::Int64 { values: v2, valid: m2 }) => {
                let n = values.len();
                values.extend_from_slice(v2);
                extend_valid(valid, n, m2, v2.len());
            }
            (Self::Float64 { values, valid }, Self::Float64 { values: v2, valid: m2 }) => {
                let n = values.len();
                values.extend_from_slice(v2);
                extend_valid(valid, n, m2, v2.len());
            }
            (Self::Bool { values, valid }, Self::Bool { values: v2, valid: m2 }) => {
                let n = values.len();
                values.extend_from_slice(v2);
                extend_valid(valid, n, m2, v2.len());
            }
            (Self::Str { dict, codes }, Self::Str { dict: d2, codes: c2 }) => {
                let mut index: HashMap<&str, u32> = HashMap::new();
                for (i, s) in dict.iter().enumerate() {
                    index.insert(s.as_str(), i as u32);
                }
                let mut remap = Vec::with_capacity(d2.len());
                let mut added = Vec::new();
                for s in d2 {
                    let code = match index.get(s.as_str()) {
                        Some(&c) => c,
                        None => {
                            let c = (dict.len() + added.len()) as u32;
                            added.push(s.clone());
                            c
                        }
                    };
                    remap.push(code);
                }
                dict.extend(added);
                codes.extend(c2.iter().map(|&c| if c == NULL_CODE { NULL_CODE } else { remap[c as usize] }));
            }
            (a, b) => panic!("append of {} to {}: frames of one read share a schema", b.dtype(), a.dtype()),
        }
    }
}

/// A materialized frame: named columns of equal length.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct DataFrame {
    names: Vec<String>,
    columns: Vec<Column>,
    /// Rows, kept apart so that a frame of no column still has a height.
    height: usize,
}

impl DataFrame {
    /// A frame from named columns, which must have equal lengths.
    ///
    /// Errors when the names and columns differ in number, or the columns
    /// in length.
    pub fn new(names: Vec<String>, columns: Vec<Column>) -> Result<Self, crate::FrameError> {
        let height = columns.first().map_or(0, Column::len);
        if names.len() != columns.len() || columns.iter().any(|c| c.len() != height) {
            let lengths: Vec<String> = columns.iter().map(|c| c.len().to_string()).collect();
            return Err(crate::FrameError::Option {
                name: "columns",
                message: format!(
                    "{} names for {} columns of lengths [{}]; a frame needs one name per column and equal lengths",
                    names.len(),
                    columns.len(),
                    lengths.join(", ")
                ),
            });
        }
        Ok(Self { names, columns, height })
    }

    /// A frame from parts this crate built consistent.
    pub(crate) fn from_parts(names: Vec<String>, columns: Vec<Column>) -> Self {
        debug_assert_eq!(names.len(), columns.len(), "one name per column");
        let height = columns.first().map_or(0, Column::len);
        debug_assert!(columns.iter().all(|c| c.len() == height), "columns of one frame have one length");
        Self { names, columns, height }
    }

    /// The names and columns, taken apart.
    pub(crate) fn into_parts(self) -> (Vec<String>, Vec<Column>) {
        (self.names, self.columns)
    }

    /// A frame of `height` rows and no column.
    pub(crate) fn rows_only(height: usize) -> Self {
        Self { names: Vec::new(), columns: Vec::new(), height }
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.names.iter().position(|n| n == name).map(|i| &self.columns[i])
    }

    /// Row `i`, as values.
    pub fn row(&self, i: usize) -> Vec<Value> {
        self.columns.iter().map(|c| c.get(i)).collect()
    }

    /// The rows where `keep` is true.
    pub fn filter(&self, keep: &[bool]) -> Self {
        Self {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.filter(keep)).collect(),
            height: keep.iter().filter(|k| **k).count(),
        }
    }

    /// The first `n` rows.
    pub fn head(&self, n: usize) -> Self {
        Self {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.head(n)).collect(),
            height: self.height.min(n),
        }
    }

    /// Appends the rows of `other`, which has the same columns.
    pub(crate) fn append(&mut self, other: &DataFrame) {
        if self.columns.is_empty() && self.height == 0 {
            *self = other.clone();
            return;
        }
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.append(b);
        }
        self.height += other.height;
    }
}

impl fmt::Display for DataFrame {
    /// A plain table: a header, then one line per row (at most 40).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.height().min(40);
        let cells: Vec<Vec<String>> =
            (0..shown).map(|i| self.row(i).iter().map(|v| v.to_string()).collect()).collect();
        let widths: Vec<usize> = (0..self.names.len())
            .map(|j| {
                cells
                    .iter()
                    .map(|r| r[j].len())
                    .chain(std::iter::once(self.names[j].len()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |f: &mut fmt::Formatter<'_>, row: &[String]| -> fmt::Result {
            let parts: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:>w$}")).collect();
            writeln!(f, "{}", parts.join("  "))
        };
        line(f, &self.names)?;
        for r in &cells {
            line(f, r)?;
        }
        if self.height() > shown {
            writeln!(f, "... {} rows in all", self.height())?;
        }
        Ok(())
    }
}
