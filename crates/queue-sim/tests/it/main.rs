//! Integration tests of the queueing engine: Ciw parity, queueing theory,
//! bad input, determinism, model files, sizes, runs that would never end and
//! the draws routing makes.

mod batching;
mod baulking;
mod ciw;
mod class_change;
mod distributions;
mod model;
mod properties;
mod routing;
mod runaway;
mod theory;
