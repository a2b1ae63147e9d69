//! Integration tests of the queueing engine: Ciw parity, queueing theory,
//! bad input, determinism, model files, sizes, runs that would never end and
//! the draws routing makes.

mod ciw;
mod model;
mod priorities;
mod properties;
mod routing;
mod runaway;
mod theory;
