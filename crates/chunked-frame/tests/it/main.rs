//! Integration tests of the chunked dataframe: reading, queries against an
//! independent in-memory computation under every executor, bad input.

mod analyses;
mod analyses_props;
mod compressed;
mod errors;
mod expressions;
mod fuzz;
mod joins;
mod map;
mod pandas;
mod parquet;
mod partitions;
mod persist;
mod queries;
mod reader;
mod reading;
mod surface;

use std::path::PathBuf;

/// A scratch file with `text`, removed when the guard drops.
pub(crate) struct TempCsv(pub(crate) PathBuf);

impl TempCsv {
    pub(crate) fn new(name: &str, text: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("chunked-frame-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        Self(path)
    }

    pub(crate) fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The sample of the flights file kept in the repository.
pub(crate) fn sample() -> String {
    format!("{}/../../data/flights-sample.csv", env!("CARGO_MANIFEST_DIR"))
}
