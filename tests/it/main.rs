//! Cross-crate integration tests: the runner's sweep against the engine.

mod sweep;
