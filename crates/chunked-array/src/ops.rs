//! Arithmetic operators: with a scalar an operator returns an [`Array`];
//! between arrays it returns `Result<Array, ArrayError>` (shapes may not
//! broadcast), as [`Array::add`] and friends do.

use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::array::Array;
use crate::error::ArrayError;

macro_rules! array_ops {
    ($trait:ident, $method:ident, $array_fn:ident, $scalar_right:expr, $scalar_left:expr) => {
        impl $trait<&Array> for &Array {
            type Output = Result<Array, ArrayError>;
            fn $method(self, rhs: &Array) -> Self::Output {
                Array::$array_fn(&self, rhs)
            }
        }
        impl $trait<Array> for Array {
            type Output = Result<Array, ArrayError>;
            fn $method(self, rhs: Array) -> Self::Output {
                Array::$array_fn(&self, &rhs)
            }
        }
        impl $trait<&Array> for Array {
            type Output = Result<Array, ArrayError>;
            fn $method(self, rhs: &Array) -> Self::Output {
                Array::$array_fn(&self, rhs)
            }
        }
        impl $trait<Array> for &Array {
            type Output = Result<Array, ArrayError>;
            fn $method(self, rhs: Array) -> Self::Output {
                Array::$array_fn(&self, &rhs)
            }
        }
        impl $trait<f64> for &Array {
            type Output = Array;
            fn $method(self, rhs: f64) -> Array {
                let f: fn(&Array, f64) -> Array = $scalar_right;
                f(self, rhs)
            }
        }
        impl $trait<f64> for Array {
            type Output = Array;
            fn $method(self, rhs: f64) -> Array {
                let f: fn(&Array, f64) -> Array = $scalar_right;
                f(&self, rhs)
            }
        }
        impl $trait<&Array> for f64 {
            type Output = Array;
            fn $method(self, rhs: &Array) -> Array {
                let f: fn(&Array, f64) -> Array = $scalar_left;
                f(rhs, self)
            }
        }
        impl $trait<Array> for f64 {
            type Output = Array;
            fn $method(self, rhs: Array) -> Array {
                let f: fn(&Array, f64) -> Array = $scalar_left;
                f(&rhs, self)
            }
        }
    };
}

array_ops!(Add, add, add, |a, c| a.add_scalar(c), |a, c| a.add_scalar(c));
array_ops!(Sub, sub, subtract, |a, c| a.add_scalar(-c), |a, c| a.scalar_sub(c));
array_ops!(Mul, mul, multiply, |a, c| a.mul_scalar(c), |a, c| a.mul_scalar(c));
array_ops!(Div, div, divide, |a, c| a.div_scalar(c), |a, c| a.scalar_div(c));

impl Neg for &Array {
    type Output = Array;
    fn neg(self) -> Array {
        self.negative()
    }
}

impl Neg for Array {
    type Output = Array;
    fn neg(self) -> Array {
        self.negative()
    }
}
