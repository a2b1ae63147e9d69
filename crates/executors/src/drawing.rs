//! Drawings of task graphs, as dask's `visualize`: the DOT source of the
//! nodes some outputs need, and an SVG laid out by Graphviz when it is
//! installed and the graph is small enough.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::graph::{Graph, NodeId};
use crate::output::Output;

/// Direction of a drawing, Graphviz's `rankdir`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RankDir {
    /// Top to bottom.
    #[default]
    TopBottom,
    /// Left to right.
    LeftRight,
}

/// The files [`Graph::visualize`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawing {
    /// The Graphviz source.
    pub dot: PathBuf,
    /// The SVG, when the `dot` program was found and the graph is small
    /// enough to lay out.
    pub svg: Option<PathBuf>,
    /// Why there is no SVG, when there is none.
    pub note: Option<String>,
}

impl Graph {
    /// The graph the outputs need, in Graphviz's DOT language: calls as
    /// ellipses labelled with their function, literals as boxes, outputs
    /// doubled. Node names are the keys.
    pub fn to_dot(&self, outputs: &[NodeId], rankdir: RankDir) -> String {
        let nodes = self.subgraph(outputs);
        let dir = match rankdir {
            RankDir::TopBottom => "TB",
            RankDir::LeftRight => "LR",
        };
        let mut out = format!("digraph {{\n  rankdir={dir};\n");
        for node in &nodes {
            let shape = if node.literal { "box" } else { "ellipse" };
            let peripheries = if node.output { ", peripheries=2" } else { "" };
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\", shape={shape}{peripheries}];",
                escape(&node.key),
                escape(&node.label)
            );
        }
        for node in &nodes {
            for dep in &node.deps {
                let _ = writeln!(out, "  \"{}\" -> \"{}\";", escape(dep), escape(&node.key));
            }
        }
        out.push_str("}\n");
        out
    }

    /// Writes `<stem>.dot` and, when Graphviz's `dot` is on `PATH`,
    /// `<stem>.svg` (dask's `visualize`). A stem ending in `.dot` or `.svg`
    /// loses that ending; any other is kept whole (`run.v2` gives
    /// `run.v2.dot`). Both files are written as every output is
    /// ([`crate::output::Output`]). Graphs of more than
    /// [`Graph::MAX_SVG_NODES`] nodes get no SVG: Graphviz's layout time
    /// grows faster than the graph (minutes for a few thousand nodes).
    pub fn visualize(&self, outputs: &[NodeId], rankdir: RankDir, stem: &Path) -> std::io::Result<Drawing> {
        let dot_path = with_ending(stem, "dot");
        let svg_path = with_ending(stem, "svg");
        let source = self.to_dot(outputs, rankdir);
        let nodes = source.matches(" [label=").count();
        Output::check(&dot_path)
            .and_then(|out| out.write(|w| w.write_all(source.as_bytes())))
            .map_err(std::io::Error::other)?;
        // Without an SVG, say why, and say so when an older one is there
        // (it is left as it was: it no longer matches the DOT file).
        let without = |why: String| {
            let stale = if std::fs::metadata(&svg_path).is_ok_and(|m| m.is_file()) {
                format!("; the older {} no longer matches it", svg_path.display())
            } else {
                String::new()
            };
            Ok(Drawing { dot: dot_path.clone(), svg: None, note: Some(format!("no SVG: {why}{stale}")) })
        };
        if nodes > Self::MAX_SVG_NODES {
            return without(format!("{nodes} nodes are more than {} to lay out", Self::MAX_SVG_NODES));
        }
        // The source goes to `dot` on its standard input: the DOT file may be
        // a pipe or a descriptor that cannot be read back, and a stem could
        // start with `-`.
        let Ok(laid_out) = lay_out(&source) else {
            return without("Graphviz's `dot` is not installed (apt-get install graphviz)".to_owned());
        };
        if !laid_out.status.success() {
            return without(format!("dot failed: {}", String::from_utf8_lossy(&laid_out.stderr).trim()));
        }
        Output::check(&svg_path)
            .and_then(|out| out.write(|w| w.write_all(&laid_out.stdout)))
            .map_err(std::io::Error::other)?;
        Ok(Drawing { dot: dot_path, svg: Some(svg_path), note: None })
    }

    /// The most nodes [`Graph::visualize`] lays out as SVG.
    pub const MAX_SVG_NODES: usize = 1000;
}

/// Runs `dot -Tsvg` on `source`, fed through its standard input by a
/// thread of its own (so that a big graph cannot fill both pipes at once).
fn lay_out(source: &str) -> std::io::Result<std::process::Output> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    let source = source.to_owned();
    let feeder = std::thread::Builder::new()
        .name("executors-dot-input".into())
        .spawn(move || stdin.write_all(source.as_bytes()))?;
    let out = child.wait_with_output()?;
    // A failed write shows as dot's failure, with its message.
    let _ = feeder.join();
    Ok(out)
}

/// `stem` with this ending: `.dot` or `.svg` replaced, anything else kept.
fn with_ending(stem: &Path, ending: &str) -> PathBuf {
    let replace = stem.extension().is_some_and(|e| e == "dot" || e == "svg");
    if replace {
        stem.with_extension(ending)
    } else {
        let mut name = stem.as_os_str().to_owned();
        name.push(".");
        name.push(ending);
        PathBuf::from(name)
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
