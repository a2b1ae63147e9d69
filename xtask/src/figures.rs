//! What the demo's sections share: figures for its JSON (written whole,
//! infinities and NaN kept apart), where drawings go and how they are
//! named, and the process's peak memory.

use std::path::{Path, PathBuf};

use anyhow::Result;
use executors::output::Output;
use serde_json::{Value, json};

/// Writes the demo's figures as JSON and says so.
pub(crate) fn write_json(path: &std::path::Path, doc: &Value) -> Result<()> {
    let text = serde_json::to_string_pretty(doc)? + "\n";
    Output::check(path)?.write(|w| w.write_all(text.as_bytes()))?;
    println!();
    println!("Figures written to {}", path.display());
    Ok(())
}

/// The drawing `<stem>-<name>`.
pub(crate) fn drawing_stem(stem: &Path, name: &str) -> PathBuf {
    let mut path = stem.as_os_str().to_owned();
    path.push("-");
    path.push(name);
    PathBuf::from(path)
}

/// Where a drawing went, for printing.
pub(crate) fn described(drawing: &executors::Drawing) -> String {
    match (&drawing.svg, &drawing.note) {
        (Some(svg), _) => format!("{} and {}", drawing.dot.display(), svg.display()),
        (None, Some(note)) => format!("{} ({note})", drawing.dot.display()),
        (None, None) => drawing.dot.display().to_string(),
    }
}

/// A figure for the JSON: a number, or for infinities and NaN (which JSON
/// numbers cannot hold) the text the demo prints, `inf`, `-inf` or `NaN`,
/// so that they stay apart instead of all becoming `null`.
pub(crate) fn number(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { json!(x.to_string()) }
}

/// The process's peak resident memory in MB (Linux's `VmHWM`).
pub(crate) fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
