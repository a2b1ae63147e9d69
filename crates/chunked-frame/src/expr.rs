//! Expressions over columns: column references, literals, arithmetic,
//! comparisons, `isin`, `between`, `is_null` and boolean logic, evaluated on
//! one partition at a time.
//!
//! Null follows pandas, where a missing value is NaN: a comparison with
//! null (or NaN) is false under `eq`, `lt`, `le`, `gt`, `ge`, `isin` and
//! `between`, and true under `ne` (pandas' `NaN != 5` is true). So
//! `ne(x)` and `eq(x).not()` agree on every row, while `lt(x).not()` keeps
//! the nulls that `ge(x)` drops, as `~(s < x)` and `s >= x` differ in
//! pandas. `not` flips every row of its condition.

mod numbers;

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use crate::column::{Column, DataFrame, NULL_CODE, Value};
use crate::dtype::{DType, Schema};
use crate::error::{FrameError, Result};
pub use numbers::ArithOp;
use numbers::{Numbers, Refused, arithmetic, exact_int};

/// An expression; build with [`col`], [`lit`] and the methods here.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A column by name.
    Col(String),
    /// A constant.
    Lit(Value),
    /// Arithmetic on two numeric expressions.
    Arith(Box<Expr>, ArithOp, Box<Expr>),
    /// A comparison.
    Cmp(Box<Expr>, CmpOp, Box<Expr>),
    /// Membership in a list of constants.
    IsIn(Box<Expr>, Vec<Value>),
    /// `low <= x <= high`.
    Between(Box<Expr>, Value, Value),
    /// Whether the value is null.
    IsNull(Box<Expr>),
    /// Both true.
    And(Box<Expr>, Box<Expr>),
    /// Either true.
    Or(Box<Expr>, Box<Expr>),
    /// Not true.
    Not(Box<Expr>),
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// The column called `name`.
pub fn col(name: &str) -> Expr {
    Expr::Col(name.to_owned())
}

/// A constant.
pub fn lit(v: impl Into<Value>) -> Expr {
    Expr::Lit(v.into())
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}

macro_rules! cmp_method {
    ($(#[$doc:meta] $name:ident => $op:ident),*) => {
        $(#[$doc] pub fn $name(self, other: impl Into<Expr>) -> Expr {
            Expr::Cmp(Box::new(self), CmpOp::$op, Box::new(other.into()))
        })*
    };
}

impl<T: Into<Value>> From<T> for Expr {
    fn from(v: T) -> Self {
        Expr::Lit(v.into())
    }
}

impl Expr {
    cmp_method!(
        /// `self == other`
        eq => Eq,
        /// `self != other`
        ne => Ne,
        /// `self < other`
        lt => Lt,
        /// `self <= other`
        le => Le,
        /// `self > other`
        gt => Gt,
        /// `self >= other`
        ge => Ge
    );

    /// Whether the value is one of `values`.
    pub fn isin<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Expr {
        Expr::IsIn(Box::new(self), values.into_iter().map(Into::into).collect())
    }

    /// Whether `low <= self <= high`.
    pub fn between(self, low: impl Into<Value>, high: impl Into<Value>) -> Expr {
        Expr::Between(Box::new(self), low.into(), high.into())
    }

    /// Whether the value is null.
    pub fn is_null(self) -> Expr {
        Expr::IsNull(Box::new(self))
    }

    /// Both conditions.
    pub fn and(self, other: Expr) -> Expr {
        Expr::And(Box::new(self), Box::new(other))
    }

    /// Either condition.
    pub fn or(self, other: Expr) -> Expr {
        Expr::Or(Box::new(self), Box::new(other))
    }

    /// The opposite condition.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Expr {
        Expr::Not(Box::new(self))
    }

    /// The columns the expression reads.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Col(c) = e
                && !out.contains(c)
            {
                out.push(c.clone());
            }
        });
        out
    }

    /// The type of the column this expression makes over rows of
    /// `schema` (columns checked to exist first): a column's own, a
    /// constant's, int64 for `+`, `-` and `*` of integers and booleans
    /// (bool of two booleans), float64 for other arithmetic, bool for
    /// conditions. Refuses what evaluating would refuse for types alone:
    /// arithmetic on text, `-` and `/` of two booleans, a null constant.
    pub(crate) fn dtype(&self, schema: &Schema) -> Result<DType> {
        Ok(match self {
            Expr::Col(c) => schema.index_of(c).map_or(DType::Str, |i| schema.fields[i].dtype),
            Expr::Lit(v) => match v {
                Value::Int(_) => DType::Int64,
                Value::Float(_) => DType::Float64,
                Value::Bool(_) => DType::Bool,
                Value::Str(_) => DType::Str,
                Value::Null => {
                    return Err(FrameError::Type {
                        column: self.to_string(),
                        dtype: DType::Float64,
                        operation: "a column of a null constant (it has no type)".into(),
                    });
                }
            },
            Expr::Arith(a, op, b) => {
                let side = |x: &Expr| match x {
                    Expr::Lit(Value::Null) => Ok(DType::Float64),
                    x => x.dtype(schema),
                };
                match (side(a)?, side(b)?) {
                    (DType::Str, _) => return Err(type_error(a, DType::Str, "arithmetic")),
                    (_, DType::Str) => return Err(type_error(b, DType::Str, "arithmetic")),
                    (DType::Bool, DType::Bool) if matches!(op, ArithOp::Sub | ArithOp::Div) => {
                        return Err(type_error(self, DType::Bool, "subtraction or division of two booleans"));
                    }
                    (DType::Bool, DType::Bool) => DType::Bool,
                    (DType::Int64 | DType::Bool, DType::Int64 | DType::Bool) if *op != ArithOp::Div => {
                        DType::Int64
                    }
                    _ => DType::Float64,
                }
            }
            _ => DType::Bool,
        })
    }

    fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Col(_) | Expr::Lit(_) => {}
            Expr::Arith(a, _, b) | Expr::Cmp(a, _, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::IsIn(a, _) | Expr::Between(a, _, _) | Expr::IsNull(a) | Expr::Not(a) => a.visit(f),
        }
    }
}

macro_rules! arith_op {
    ($trait:ident, $method:ident, $op:ident) => {
        impl std::ops::$trait for Expr {
            type Output = Expr;
            fn $method(self, rhs: Expr) -> Expr {
                Expr::Arith(Box::new(self), ArithOp::$op, Box::new(rhs))
            }
        }
    };
}
arith_op!(Add, add, Add);
arith_op!(Sub, sub, Sub);
arith_op!(Mul, mul, Mul);
arith_op!(Div, div, Div);

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn v(x: &Value) -> String {
            match x {
                Value::Str(s) => format!("{s:?}"),
                Value::Null => "null".into(),
                other => other.to_string(),
            }
        }
        match self {
            Expr::Col(c) => write!(f, "{c}"),
            Expr::Lit(x) => write!(f, "{}", v(x)),
            Expr::Arith(a, op, b) => {
                let s = match op {
                    ArithOp::Add => "+",
                    ArithOp::Sub => "-",
                    ArithOp::Mul => "*",
                    ArithOp::Div => "/",
                };
                write!(f, "({a} {s} {b})")
            }
            Expr::Cmp(a, op, b) => {
                let s = match op {
                    CmpOp::Eq => "==",
                    CmpOp::Ne => "!=",
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::Ge => ">=",
                };
                write!(f, "({a} {s} {b})")
            }
            Expr::IsIn(a, vals) => {
                write!(f, "{a}.isin([{}])", vals.iter().map(v).collect::<Vec<_>>().join(", "))
            }
            Expr::Between(a, lo, hi) => write!(f, "{a}.between({}, {})", v(lo), v(hi)),
            Expr::IsNull(a) => write!(f, "{a}.is_null()"),
            Expr::And(a, b) => write!(f, "({a} & {b})"),
            Expr::Or(a, b) => write!(f, "({a} | {b})"),
            Expr::Not(a) => write!(f, "~{a}"),
        }
    }
}

/// What evaluating an expression gives.
pub(crate) enum Evaluated<'a> {
    /// Values of a column (borrowed when the expression is a column).
    Column(Cow<'a, Column>),
    /// A constant.
    Scalar(Value),
    /// A condition per row (null counts as false).
    Mask(Vec<bool>),
}

fn type_error(e: &Expr, dtype: DType, operation: &str) -> FrameError {
    FrameError::Type { column: e.to_string(), dtype, operation: operation.to_owned() }
}

/// Evaluates `e` on a frame's rows.
pub(crate) fn eval<'a>(e: &Expr, frame: &'a DataFrame) -> Result<Evaluated<'a>> {
    Ok(match e {
        Expr::Col(name) => Evaluated::Column(Cow::Borrowed(frame.column(name).ok_or_else(|| {
            FrameError::UnknownColumn { name: name.clone(), available: frame.names().to_vec() }
        })?)),
        Expr::Lit(v) => Evaluated::Scalar(v.clone()),
        Expr::Arith(a, op, b) => {
            let n = frame.height();
            let x = numbers(a, eval(a, frame)?, n)?;
            let y = numbers(b, eval(b, frame)?, n)?;
            Evaluated::Column(Cow::Owned(arithmetic(*op, x, y).map_err(|refused| match refused {
                Refused::BooleanSubtractionOrDivision => {
                    type_error(e, DType::Bool, "subtraction or division of two booleans")
                }
                Refused::Overflow { left, right } => {
                    FrameError::IntegerOverflow { expression: e.to_string(), left, right }
                }
            })?))
        }
        Expr::Cmp(a, op, b) => Evaluated::Mask(compare(a, b, *op, frame)?),
        Expr::IsIn(a, values) => {
            let n = frame.height();
            match eval(a, frame)? {
                Evaluated::Column(c) => match c.as_ref() {
                    Column::Str { dict, codes } => {
                        let wanted: HashSet<&str> = values
                            .iter()
                            .filter_map(|v| if let Value::Str(s) = v { Some(s.as_str()) } else { None })
                            .collect();
                        let hit: Vec<bool> = dict.iter().map(|s| wanted.contains(s.as_str())).collect();
                        Evaluated::Mask(codes.iter().map(|&c| c != NULL_CODE && hit[c as usize]).collect())
                    }
                    // Exact: an integer is in the list when the list holds
                    // it, or holds a float of exactly its value, as pandas'
                    // hash table (not `==`'s nearest-float comparison).
                    other => {
                        let ints: HashSet<i64> = values
                            .iter()
                            .filter_map(|v| match v {
                                Value::Int(i) => Some(*i),
                                Value::Bool(b) => Some(i64::from(*b)),
                                _ => None,
                            })
                            .collect();
                        let floats: Vec<f64> = values
                            .iter()
                            .filter_map(|v| if let Value::Float(x) = v { Some(*x) } else { None })
                            .collect();
                        Evaluated::Mask(
                            (0..n)
                                .map(|i| match other.i64_at(i) {
                                    Some(x) => {
                                        ints.contains(&x) || floats.iter().any(|&w| exact_int(w) == Some(x))
                                    }
                                    None => other.f64_at(i).is_some_and(|x| {
                                        floats.contains(&x) || exact_int(x).is_some_and(|x| ints.contains(&x))
                                    }),
                                })
                                .collect(),
                        )
                    }
                },
                _ => return Err(type_error(a, DType::Bool, "isin")),
            }
        }
        Expr::Between(a, lo, hi) => {
            let ge = compare(a, &Expr::Lit(lo.clone()), CmpOp::Ge, frame)?;
            let le = compare(a, &Expr::Lit(hi.clone()), CmpOp::Le, frame)?;
            Evaluated::Mask(ge.iter().zip(&le).map(|(x, y)| *x && *y).collect())
        }
        Expr::IsNull(a) => match eval(a, frame)? {
            Evaluated::Column(c) => Evaluated::Mask((0..c.len()).map(|i| c.is_null(i)).collect()),
            Evaluated::Scalar(v) => Evaluated::Mask(vec![v == Value::Null; frame.height()]),
            Evaluated::Mask(m) => Evaluated::Mask(vec![false; m.len()]),
        },
        Expr::And(a, b) => {
            let (x, y) = (mask(a, frame)?, mask(b, frame)?);
            Evaluated::Mask(x.iter().zip(&y).map(|(p, q)| *p && *q).collect())
        }
        Expr::Or(a, b) => {
            let (x, y) = (mask(a, frame)?, mask(b, frame)?);
            Evaluated::Mask(x.iter().zip(&y).map(|(p, q)| *p || *q).collect())
        }
        Expr::Not(a) => Evaluated::Mask(mask(a, frame)?.into_iter().map(|p| !p).collect()),
    })
}

/// Evaluates a condition.
pub(crate) fn mask(e: &Expr, frame: &DataFrame) -> Result<Vec<bool>> {
    match eval(e, frame)? {
        Evaluated::Mask(m) => Ok(m),
        Evaluated::Column(c) => match c.as_ref() {
            Column::Bool { values, valid } => {
                Ok(values.iter().enumerate().map(|(i, v)| *v && (valid.is_empty() || valid[i])).collect())
            }
            other => Err(type_error(e, other.dtype(), "use as a condition")),
        },
        Evaluated::Scalar(Value::Bool(b)) => Ok(vec![b; frame.height()]),
        Evaluated::Scalar(_) => Err(type_error(e, DType::Str, "use as a condition")),
    }
}

/// The numbers of an evaluated expression.
fn numbers(e: &Expr, v: Evaluated<'_>, n: usize) -> Result<Numbers> {
    Ok(match v {
        Evaluated::Column(c) => match c.as_ref() {
            Column::Str { .. } => return Err(type_error(e, DType::Str, "arithmetic")),
            Column::Int64 { .. } => Numbers::Int((0..n).map(|i| c.i64_at(i)).collect()),
            Column::Bool { values, valid } => {
                Numbers::Bool((0..n).map(|i| (valid.is_empty() || valid[i]).then(|| values[i])).collect())
            }
            Column::Float64 { .. } => Numbers::Float((0..n).map(|i| c.f64_at(i)).collect()),
        },
        Evaluated::Scalar(Value::Int(i)) => Numbers::Int(vec![Some(i); n]),
        Evaluated::Scalar(Value::Bool(b)) => Numbers::Bool(vec![Some(b); n]),
        Evaluated::Scalar(Value::Float(x)) => Numbers::Float(vec![Some(x); n]),
        Evaluated::Scalar(Value::Null) => Numbers::Float(vec![None; n]),
        Evaluated::Scalar(Value::Str(_)) => return Err(type_error(e, DType::Str, "arithmetic")),
        Evaluated::Mask(m) => Numbers::Bool(m.into_iter().map(Some).collect()),
    })
}

fn compare(a: &Expr, b: &Expr, op: CmpOp, frame: &DataFrame) -> Result<Vec<bool>> {
    let n = frame.height();
    // A row with null or NaN on either side: true for `ne` only.
    let unordered = op == CmpOp::Ne;
    let test = |o: std::cmp::Ordering| match op {
        CmpOp::Eq => o.is_eq(),
        CmpOp::Ne => o.is_ne(),
        CmpOp::Lt => o.is_lt(),
        CmpOp::Le => o.is_le(),
        CmpOp::Gt => o.is_gt(),
        CmpOp::Ge => o.is_ge(),
    };
    let (x, y) = (eval(a, frame)?, eval(b, frame)?);
    // Text against a number (or a boolean) is never equal, as in pandas,
    // where only an ordering of the two is an error.
    let text = |v: &Evaluated<'_>| match v {
        Evaluated::Column(c) => Some(c.dtype() == DType::Str),
        Evaluated::Scalar(Value::Null) => None,
        Evaluated::Scalar(v) => Some(matches!(v, Value::Str(_))),
        Evaluated::Mask(_) => Some(false),
    };
    if matches!(op, CmpOp::Eq | CmpOp::Ne)
        && let (Some(p), Some(q)) = (text(&x), text(&y))
        && p != q
    {
        return Ok(vec![op == CmpOp::Ne; n]);
    }
    // Strings against a string constant, by dictionary.
    if let (Evaluated::Column(c), Evaluated::Scalar(Value::Str(s))) = (&x, &y) {
        if let Column::Str { dict, codes } = c.as_ref() {
            let hit: Vec<bool> = dict.iter().map(|d| test(d.as_str().cmp(s.as_str()))).collect();
            return Ok(codes
                .iter()
                .map(|&c| if c == NULL_CODE { unordered } else { hit[c as usize] })
                .collect());
        }
        return Err(type_error(a, c.dtype(), "comparison with a string"));
    }
    if let (Evaluated::Column(c), Evaluated::Column(d)) = (&x, &y)
        && let (Column::Str { .. }, Column::Str { .. }) = (c.as_ref(), d.as_ref())
    {
        return Ok((0..n)
            .map(|i| match (c.get(i), d.get(i)) {
                (Value::Str(p), Value::Str(q)) => test(p.cmp(&q)),
                _ => unordered,
            })
            .collect());
    }
    let (xs, ys) = (numbers(a, x, n)?, numbers(b, y, n)?);
    // Integers (and booleans) against integers exactly, past 2^53 too;
    // against floats as floats, as numpy compares int64 with float64.
    if xs.integral() && ys.integral() {
        return Ok((0..n)
            .map(|i| match (xs.int(i), ys.int(i)) {
                (Some(p), Some(q)) => test(p.cmp(&q)),
                _ => unordered,
            })
            .collect());
    }
    Ok((0..n)
        .map(|i| match (xs.float(i), ys.float(i)) {
            (Some(p), Some(q)) => p.partial_cmp(&q).map_or(unordered, test),
            _ => unordered,
        })
        .collect())
}
