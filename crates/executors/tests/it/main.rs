//! Integration tests of the executors: strategies, failures, the task graph,
//! callbacks and checkpoints.

mod checkpoint;
mod diagnostics;
mod executor;
mod graph;
mod lost;
mod ops;
mod strategies;
mod stream;
