//! Tidy checks, so that `cargo test` is the whole gate: every Rust file
//! opens with a `//!` line saying what it is for, and ARCHITECTURE.md's code
//! map has an entry for every crate.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// The Rust files below `dir`, leaving out build output.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.')
                && !name.starts_with("target")
                && name != "corpus"
                && name != "artifacts"
            {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_line_saying_what_it_is_for() {
    let root = workspace();
    let mut files = Vec::new();
    for dir in ["crates", "xtask", "tests", "fuzz", "benches"] {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut files);
        }
    }
    assert!(files.len() > 50, "found only {} Rust files", files.len());
    let bare: Vec<String> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).unwrap().starts_with("//!"))
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(bare.is_empty(), "files without a `//!` first line: {bare:?}");
}

#[test]
fn the_architecture_code_map_names_every_crate() {
    let root = workspace();
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !map.contains(&format!("### `crates/{name}`")) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "crates without a `### `crates/NAME`` entry in ARCHITECTURE.md: {missing:?}");
}
