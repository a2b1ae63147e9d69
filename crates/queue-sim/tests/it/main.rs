//! Integration tests of the queueing engine: Ciw parity, queueing theory,
//! bad input, determinism, model files, sizes and runs that would never end.

mod ciw;
mod model;
mod properties;
mod runaway;
mod theory;
