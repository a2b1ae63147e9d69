//! Tidy checks, so that `cargo test` is the whole gate: every Rust file
//! opens with a `//!` line saying what it is for, ARCHITECTURE.md's code
//! map has an entry for every crate, and no two modules of a crate import
//! each other (directly or round a loop), and no property test writes its
//! failing cases into the sources.

use std::collections::{BTreeMap, BTreeSet};
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

/// Modules of a crate that import each other round a loop, known and not
/// yet untangled (ARCHITECTURE.md says so): a loop may shrink, never grow,
/// and no new one may form. Shared pieces go in a lower module.
const KNOWN_LOOPS: [(&str, &[&str]); 1] = [(
    "crates/chunked-frame",
    &["extra", "frame", "groupby", "held", "join", "map", "parquet", "persist", "read"],
)];

/// The code of `text` without comments and without its test module (an
/// inline `#[cfg(test)] mod tests { .. }` is the end of a file).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The names `code` reaches through `crate::`: `crate::a::..` and each
/// first name of `crate::{a::.., b}`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let word = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut start) = (0, 0);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        names.push(word(group[start..i].trim()));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.push(word(group[start..i].trim()));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            names.push(word(rest));
        }
    }
    names
}

/// Per top-level module of the crate whose sources are `src`, the other
/// top-level modules its files name through `crate::` (tests aside).
fn module_imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let module_of = |f: &Path| {
        let first = f.strip_prefix(src).unwrap().components().next().unwrap();
        first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned()
    };
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let module = module_of(f);
        let name = f.file_name().unwrap().to_string_lossy();
        if ["lib", "main"].contains(&module.as_str())
            || name == "tests.rs"
            || f.components().any(|c| c.as_os_str() == "tests")
        {
            continue;
        }
        for dep in crate_paths(&code(&std::fs::read_to_string(f).unwrap())) {
            if dep != module && modules.contains(&dep) {
                imports.entry(module.clone()).or_default().insert(dep);
            }
        }
    }
    imports
}

/// The modules that import each other round a loop, each loop as a set
/// (strongly connected components of more than one module).
fn loops(imports: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for d in imports.get(&m).into_iter().flatten() {
                if seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> = imports.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for (m, from_m) in &reached {
        let set: BTreeSet<String> =
            from_m.iter().filter(|d| reached.get(d).is_some_and(|r| r.contains(*m))).cloned().collect();
        if !set.is_empty() && !out.iter().any(|l| l.contains(*m)) {
            out.push(set);
        }
    }
    out
}

#[test]
fn the_loop_finder_sees_a_pair_a_ring_and_grouped_imports() {
    assert_eq!(crate_paths("use crate::{a::X, b, c::{D, E}};\nuse crate::f::G;"), ["a", "b", "c", "f"]);
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry((*a).to_owned()).or_default().insert((*b).to_owned());
        }
        g
    };
    let set = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<BTreeSet<_>>();
    assert_eq!(loops(&graph(&[("a", "b"), ("b", "a"), ("c", "a")])), [set(&["a", "b"])]);
    assert_eq!(loops(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("d", "e")])), [set(&["a", "b", "c"])]);
    assert!(loops(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

#[test]
fn no_two_modules_of_a_crate_import_each_other() {
    let root = workspace();
    let mut sources: Vec<(String, PathBuf)> = vec![("xtask".to_owned(), root.join("xtask/src"))];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        sources.push((format!("crates/{name}"), root.join("crates").join(&name).join("src")));
    }
    let mut problems = Vec::new();
    for (krate, src) in &sources {
        let known: BTreeSet<String> = KNOWN_LOOPS
            .iter()
            .filter(|(k, _)| k == krate)
            .flat_map(|(_, names)| names.iter().map(|n| (*n).to_owned()))
            .collect();
        for cycle in loops(&module_imports(src)) {
            if !cycle.is_subset(&known) {
                problems.push(format!("{krate}: {cycle:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "modules that import each other (move what they share into a lower module): {problems:?}"
    );
}

/// The `proptest!` blocks of `text` whose failing cases proptest would
/// write into the sources (its default: a `proptest-regressions` folder
/// beside the file): a block must set `failure_persistence` in its
/// `proptest_config`, directly or through one of `helpers` (functions
/// that set it), as a number of the block's first line.
fn blocks_persisting_into_the_sources(text: &str, helpers: &BTreeSet<String>) -> Vec<usize> {
    let mut bad = Vec::new();
    for (at, _) in text.match_indices("proptest! {") {
        let block = &text[at..];
        let head = &block[..block.find("#[test]").unwrap_or(block.len())];
        let config = head.find("proptest_config(").map(|i| &head[i + "proptest_config(".len()..]);
        let persists = config.is_some_and(|c| {
            c.contains("failure_persistence")
                || helpers.iter().any(|h| c.trim_start().starts_with(&format!("{h}(")))
        });
        if !persists {
            bad.push(text[..at].lines().count() + 1);
        }
    }
    bad
}

/// Functions of `text` whose body sets `failure_persistence` (shared
/// proptest configurations).
fn persisting_helpers(text: &str) -> BTreeSet<String> {
    let mut helpers = BTreeSet::new();
    for (at, _) in text.match_indices("\nfn ") {
        let rest = &text[at + 4..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let body = &rest[..rest.find("\n}").unwrap_or(rest.len())];
        if body.contains("failure_persistence") {
            helpers.insert(name);
        }
    }
    helpers
}

#[test]
fn the_persistence_check_sees_a_bare_block_and_accepts_configured_ones() {
    let helpers = persisting_helpers(
        "//! x\nfn config(n: u32) -> Config {\n    Config { failure_persistence: None }\n}\n",
    );
    assert_eq!(helpers, BTreeSet::from(["config".to_owned()]));
    let text = "a\nproptest! {\n    #[test]\n    fn f() {}\n}\n\
                proptest! {\n    #![proptest_config(config(8))]\n    #[test]\n    fn g() {}\n}\n\
                proptest! {\n    #![proptest_config(Config { cases: 3, ..Config::default() })]\n    #[test]\n    fn h() {}\n}\n\
                proptest! {\n    #![proptest_config(Config { failure_persistence: None, ..Config::default() })]\n    #[test]\n    fn i() {}\n}\n";
    assert_eq!(blocks_persisting_into_the_sources(text, &helpers), [2, 11]);
}

#[test]
fn no_property_test_writes_its_failures_into_the_sources() {
    let root = workspace();
    let mut files = Vec::new();
    for dir in ["crates", "xtask", "tests", "fuzz"] {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut files);
        }
    }
    // This file's own examples aside.
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter(|f| !f.ends_with("xtask/tests/tidy.rs"))
        .map(|f| (f.clone(), std::fs::read_to_string(f).unwrap()))
        .collect();
    let helpers: BTreeSet<String> = texts.iter().flat_map(|(_, t)| persisting_helpers(t)).collect();
    let mut bad = Vec::new();
    let mut blocks = 0;
    for (path, text) in &texts {
        blocks += text.matches("proptest! {").count();
        for line in blocks_persisting_into_the_sources(text, &helpers) {
            bad.push(format!("{}:{line}", path.strip_prefix(&root).unwrap().display()));
        }
    }
    assert!(blocks >= 10, "found only {blocks} proptest blocks");
    assert!(
        bad.is_empty(),
        "proptest blocks that would write failing cases into the sources (set failure_persistence, e.g. under target/): {bad:?}"
    );
}
