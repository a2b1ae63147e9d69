//! Numbers of expressions row by row, as pandas computes with them:
//! integers kept exact (never through float64), booleans apart for pandas'
//! boolean arithmetic, floats; and the arithmetic on them.

use crate::column::Column;

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (always float)
    Div,
}

/// Numbers per row: integers (int64 columns and constants) kept exact,
/// booleans (bool columns, conditions and constants) apart for pandas'
/// boolean arithmetic, floats otherwise; `None` where null.
pub(crate) enum Numbers {
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Float(Vec<Option<f64>>),
}

impl Numbers {
    /// Whether the numbers are integers (or booleans, counting 0 and 1).
    pub(crate) fn integral(&self) -> bool {
        !matches!(self, Numbers::Float(_))
    }

    /// Row `i` as an integer (for [`Numbers::integral`] numbers).
    pub(crate) fn int(&self, i: usize) -> Option<i64> {
        match self {
            Numbers::Int(v) => v[i],
            Numbers::Bool(v) => v[i].map(i64::from),
            Numbers::Float(_) => None,
        }
    }

    /// Row `i` as a float.
    pub(crate) fn float(&self, i: usize) -> Option<f64> {
        match self {
            // `as`: numpy's int64 to float64 conversion, nearest float.
            Numbers::Int(v) => v[i].map(|x| x as f64),
            Numbers::Bool(v) => v[i].map(|b| f64::from(u8::from(b))),
            Numbers::Float(v) => v[i],
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Numbers::Int(v) => v.len(),
            Numbers::Bool(v) => v.len(),
            Numbers::Float(v) => v.len(),
        }
    }
}

/// Why [`arithmetic`] refused.
#[derive(Debug, PartialEq)]
pub(crate) enum Refused {
    /// `-` or `/` of two booleans (pandas refuses them too).
    BooleanSubtractionOrDivision,
    /// An integer result past int64, of these operands.
    Overflow { left: i64, right: i64 },
}

/// `x op y` row by row, as pandas computes it: two booleans give a boolean
/// (`+` is or, `*` is and; `-` and `/` are refused), integers (booleans
/// counting 0 and 1) an exact int64 under `+`, `-` and `*` (a result past
/// int64 is an error where pandas wraps around), anything else a float64,
/// whose NaN (`0 / 0`, `inf - inf`) is missing, as in pandas. Null in,
/// null out.
pub(crate) fn arithmetic(op: ArithOp, x: Numbers, y: Numbers) -> Result<Column, Refused> {
    fn validity(valid: Vec<bool>) -> Vec<bool> {
        if valid.iter().all(|&v| v) { Vec::new() } else { valid }
    }
    if let (Numbers::Bool(x), Numbers::Bool(y)) = (&x, &y) {
        let f = match op {
            ArithOp::Add => |p: bool, q: bool| p | q,
            ArithOp::Mul => |p: bool, q: bool| p & q,
            ArithOp::Sub | ArithOp::Div => {
                return Err(Refused::BooleanSubtractionOrDivision);
            }
        };
        let values =
            x.iter().zip(y).map(|(p, q)| matches!((p, q), (Some(p), Some(q)) if f(*p, *q))).collect();
        let valid = validity(x.iter().zip(y).map(|(p, q)| p.is_some() && q.is_some()).collect());
        return Ok(Column::Bool { values, valid });
    }
    let n = x.len();
    if op != ArithOp::Div && x.integral() && y.integral() {
        let f = match op {
            ArithOp::Add => i64::checked_add,
            ArithOp::Sub => i64::checked_sub,
            _ => i64::checked_mul,
        };
        let mut values = Vec::with_capacity(n);
        let mut valid = Vec::with_capacity(n);
        for i in 0..n {
            match (x.int(i), y.int(i)) {
                (Some(p), Some(q)) => {
                    let v = f(p, q).ok_or(Refused::Overflow { left: p, right: q })?;
                    values.push(v);
                    valid.push(true);
                }
                _ => {
                    values.push(0);
                    valid.push(false);
                }
            }
        }
        return Ok(Column::Int64 { values, valid: validity(valid) });
    }
    let f = match op {
        ArithOp::Add => |p: f64, q: f64| p + q,
        ArithOp::Sub => |p: f64, q: f64| p - q,
        ArithOp::Mul => |p: f64, q: f64| p * q,
        ArithOp::Div => |p: f64, q: f64| p / q,
    };
    let mut values = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    for i in 0..n {
        let v = match (x.float(i), y.float(i)) {
            (Some(p), Some(q)) => f(p, q),
            _ => f64::NAN,
        };
        values.push(v);
        valid.push(!v.is_nan());
    }
    Ok(Column::Float64 { values, valid: validity(valid) })
}

/// The integer a float equals exactly, if any within int64.
pub(crate) fn exact_int(x: f64) -> Option<i64> {
    // 2^63 is exact as a float; `as` is exact below it for an integral x.
    (x.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x))
        .then_some(x as i64)
}
