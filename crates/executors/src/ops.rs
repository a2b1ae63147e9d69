//! Arithmetic on delayed values, as dask's `Delayed` supports it: `+`, `-`,
//! `*`, `/`, `%` between two delayed values or a delayed value and a plain
//! one (on either side), and unary `-`. Each operation is one task, a pure
//! call of the operator named like Rust's operator method (`add`, `sub`,
//! `mul`, `div`, `rem`, `neg`; dask names `/` and `%` `truediv` and `mod`),
//! so the same operation on the same operands is one node. A plain operand
//! becomes a literal node. [`Graph::sum`] adds a list of delayed values as
//! Python's `sum` does on dask: a chain of `add` tasks starting from zero.
//!
//! ```
//! use executors::{Executor, Graph};
//! let g = Graph::new();
//! let x = g.value(6i64);
//! let y = &x * 7 - 2; // mul(x, 7), then sub(_, 2)
//! let z = 100 - -&y; // neg(y), then sub(100, _)
//! assert_eq!(g.sum([&y, &z]).compute(&Executor::sequential())?, 40 + 140);
//! let w = y.clone() * 10 + g.sum([&y, &y]); // owned operands too
//! assert_eq!(w.compute(&Executor::sequential())?, 400 + 80);
//! # Ok::<(), executors::ExecError>(())
//! ```

use std::any::TypeId;
use std::borrow::Borrow;
use std::ops::{Add, Div, Mul, Neg, Rem, Sub};
use std::sync::Arc;

use serde::Serialize;

use crate::graph::{Delayed, Graph, downcast};
use crate::key::FnIdentity;
use crate::scheduler::Value;

/// What an operand of a delayed operator needs to be: the task clones it
/// out of its input. Implemented for every such type.
pub trait Operand: Clone + Send + Sync + 'static {}

impl<T: Clone + Send + Sync + 'static> Operand for T {}

impl Graph {
    /// Records the pure call `name(a, b)` of a binary operator.
    fn binary<A: Operand, B: Operand, R: Send + Sync + 'static>(
        &self,
        name: &'static str,
        op: fn(A, B) -> R,
        a: &Delayed<A>,
        b: &Delayed<B>,
    ) -> Delayed<R> {
        let func = FnIdentity::Operator(name, TypeId::of::<(A, B, R)>());
        self.add_call(name, func, true, &[(&a.graph, a.id), (&b.graph, b.id)], move |args| {
            let r = op(downcast::<A>(&args[0]).clone(), downcast::<B>(&args[1]).clone());
            Ok(Arc::new(r) as Value)
        })
    }

    /// The sum of delayed values, as Python's `sum` builds it on dask: a
    /// chain of `add` tasks starting from zero (`T::default()`), so `n`
    /// values make `n` tasks and a literal zero. No value gives the zero.
    ///
    /// ```
    /// use executors::{Executor, Graph};
    /// let g = Graph::new();
    /// let xs: Vec<_> = (1..=4i64).map(|i| g.value(i * i)).collect();
    /// let total = g.sum(&xs);
    /// assert_eq!(g.len(), 4 + 1 + 4); // the values, zero, four adds
    /// assert_eq!(total.compute(&Executor::sequential())?, 30);
    /// assert_eq!(g.sum(Vec::<executors::Delayed<i64>>::new()).compute(&Executor::sequential())?, 0);
    /// # Ok::<(), executors::ExecError>(())
    /// ```
    pub fn sum<T, I>(&self, items: I) -> Delayed<T>
    where
        T: Operand + Add<Output = T> + Default + Serialize + PartialEq,
        I: IntoIterator,
        I::Item: Borrow<Delayed<T>>,
    {
        let mut total = self.value(T::default());
        for item in items {
            total = self.binary("add", T::add, &total, item.borrow());
        }
        total
    }
}

macro_rules! binary_operator {
    ($trait:ident, $method:ident) => {
        impl<A, B> $trait<&Delayed<B>> for &Delayed<A>
        where
            A: Operand + $trait<B>,
            B: Operand,
            A::Output: Send + Sync + 'static,
        {
            type Output = Delayed<A::Output>;
            fn $method(self, rhs: &Delayed<B>) -> Self::Output {
                self.graph.binary(stringify!($method), A::$method, self, rhs)
            }
        }

        impl<A, B> $trait<Delayed<B>> for &Delayed<A>
        where
            A: Operand + $trait<B>,
            B: Operand,
            A::Output: Send + Sync + 'static,
        {
            type Output = Delayed<A::Output>;
            fn $method(self, rhs: Delayed<B>) -> Self::Output {
                self.$method(&rhs)
            }
        }

        impl<A, B> $trait<&Delayed<B>> for Delayed<A>
        where
            A: Operand + $trait<B>,
            B: Operand,
            A::Output: Send + Sync + 'static,
        {
            type Output = Delayed<A::Output>;
            fn $method(self, rhs: &Delayed<B>) -> Self::Output {
                (&self).$method(rhs)
            }
        }

        impl<A, B> $trait<Delayed<B>> for Delayed<A>
        where
            A: Operand + $trait<B>,
            B: Operand,
            A::Output: Send + Sync + 'static,
        {
            type Output = Delayed<A::Output>;
            fn $method(self, rhs: Delayed<B>) -> Self::Output {
                (&self).$method(&rhs)
            }
        }

        impl<A, B> $trait<B> for &Delayed<A>
        where
            A: Operand + $trait<B>,
            B: Operand + Serialize + PartialEq,
            A::Output: Send + Sync + 'static,
        {
            type Output = Delayed<A::Output>;
            fn $method(self, rhs: B) -> Self::Output {
                self.$method(&self.graph.value(rhs))
            }
        }

        impl<A, B> $trait<B> for Delayed<A>
        where
            A: Operand + $trait<B>,
            B: Operand + Serialize + PartialEq,
            A::Output: Send + Sync + 'static,
        {
            type Output = Delayed<A::Output>;
            fn $method(self, rhs: B) -> Self::Output {
                (&self).$method(rhs)
            }
        }
    };
}

binary_operator!(Add, add);
binary_operator!(Sub, sub);
binary_operator!(Mul, mul);
binary_operator!(Div, div);
binary_operator!(Rem, rem);

/// A plain number on the left of an operator with a delayed value of its
/// type. (A generic impl, `impl<B> Add<&Delayed<B>> for i64 where i64:
/// Add<B>`, would send type inference of plain `i * i` into a loop.)
macro_rules! plain_left {
    ($($t:ty),*) => {$(
        plain_left!(@one $t, Add, add);
        plain_left!(@one $t, Sub, sub);
        plain_left!(@one $t, Mul, mul);
        plain_left!(@one $t, Div, div);
        plain_left!(@one $t, Rem, rem);
    )*};
    (@one $t:ty, $trait:ident, $method:ident) => {
        impl $trait<&Delayed<$t>> for $t {
            type Output = Delayed<<$t as $trait>::Output>;
            fn $method(self, rhs: &Delayed<$t>) -> Self::Output {
                let g = &rhs.graph;
                g.binary(stringify!($method), <$t as $trait>::$method, &g.value(self), rhs)
            }
        }

        impl $trait<Delayed<$t>> for $t {
            type Output = Delayed<<$t as $trait>::Output>;
            fn $method(self, rhs: Delayed<$t>) -> Self::Output {
                <$t as $trait<&Delayed<$t>>>::$method(self, &rhs)
            }
        }
    };
}

plain_left!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);

impl<A> Neg for &Delayed<A>
where
    A: Operand + Neg,
    A::Output: Send + Sync + 'static,
{
    type Output = Delayed<A::Output>;
    fn neg(self) -> Self::Output {
        let func = FnIdentity::Operator("neg", TypeId::of::<(A, A::Output)>());
        self.graph.add_call("neg", func, true, &[(&self.graph, self.id)], |args| {
            Ok(Arc::new(-downcast::<A>(&args[0]).clone()) as Value)
        })
    }
}

impl<A> Neg for Delayed<A>
where
    A: Operand + Neg,
    A::Output: Send + Sync + 'static,
{
    type Output = Delayed<A::Output>;
    fn neg(self) -> Self::Output {
        -&self
    }
}
