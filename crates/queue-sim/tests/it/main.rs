//! Integration tests of the queueing engine: Ciw parity, queueing theory,
//! bad input, determinism and model files.

mod ciw;
mod model;
mod properties;
mod theory;
