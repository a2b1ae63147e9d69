//! Drawings of task graphs, as dask's `visualize`: the DOT source of the
//! nodes some outputs need, and pictures laid out by Graphviz when it is
//! installed, or (SVG, with the `layout` feature) by the pure-Rust
//! `layout-rs`, so that a picture always appears. [`Graph::render`]
//! writes the format its file name ends with; nodes may be coloured by
//! execution order (dask's `color="order"`).

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
    /// Why there is no SVG (or PNG, PDF), when there is none.
    pub note: Option<String>,
    /// The PNG or PDF, when the stem ended in `.png` or `.pdf` and
    /// Graphviz laid it out.
    pub picture: Option<PathBuf>,
}

impl Graph {
    /// The graph the outputs need, in Graphviz's DOT language: calls as
    /// ellipses labelled with their function, literals as boxes, outputs
    /// doubled. Node names are the keys.
    pub fn to_dot(&self, outputs: &[NodeId], rankdir: RankDir) -> String {
        self.to_dot_with(outputs, &DrawOptions { rankdir, ..DrawOptions::default() })
    }

    /// [`Graph::to_dot`] with options: with [`NodeColor::Order`], every
    /// node is filled with a colour from a colour-blind-safe sequential
    /// map (viridis), from the first node to run to the last (creation
    /// order, which is an order the scheduler may run them in).
    pub fn to_dot_with(&self, outputs: &[NodeId], options: &DrawOptions) -> String {
        let nodes = self.subgraph(outputs);
        let last = nodes.len().saturating_sub(1).max(1) as f64;
        let dir = match options.rankdir {
            RankDir::TopBottom => "TB",
            RankDir::LeftRight => "LR",
        };
        let mut out = format!("digraph {{\n  rankdir={dir};\n");
        for (i, node) in nodes.iter().enumerate() {
            let shape = if node.literal { "box" } else { "ellipse" };
            let peripheries = if node.output { ", peripheries=2" } else { "" };
            let fill = match options.color {
                NodeColor::Plain => String::new(),
                NodeColor::Order => {
                    let t = i as f64 / last;
                    // White text on the darker blues.
                    let text = if t < 0.4 { ", fontcolor=\"white\"" } else { "" };
                    format!(", style=filled, fillcolor=\"{}\"{text}", viridis(t))
                }
            };
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\", shape={shape}{peripheries}{fill}];",
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

    /// Writes `<stem>.dot` and `<stem>.svg` (dask's `visualize`), the SVG
    /// laid out by Graphviz's `dot` when it is on `PATH`, else by the
    /// built-in layout (feature `layout`), else not written (a note says
    /// why). A stem ending in `.png` or `.pdf` gives `<stem without it>.dot`
    /// and that picture, through Graphviz ([`Drawing::picture`]; without
    /// Graphviz a note says so); [`Graph::render`] writes the one file its
    /// name asks for. A stem ending in `.dot` or `.svg` loses that ending;
    /// any other is kept whole (`run.v2` gives `run.v2.dot`). Both files are written as every output is
    /// ([`crate::output::Output`]). Graphs of more than
    /// [`Graph::MAX_SVG_NODES`] nodes get no SVG: Graphviz's layout time
    /// grows faster than the graph (minutes for a few thousand nodes).
    pub fn visualize(&self, outputs: &[NodeId], rankdir: RankDir, stem: &Path) -> std::io::Result<Drawing> {
        if let Some(format @ (DrawFormat::Png | DrawFormat::Pdf)) = DrawFormat::of(stem) {
            let dot = stem.with_extension("dot");
            let options = DrawOptions { rankdir, ..DrawOptions::default() };
            self.render(outputs, &options, &dot).map_err(std::io::Error::other)?;
            let name = if format == DrawFormat::Png { "PNG" } else { "PDF" };
            return match self.render(outputs, &options, stem) {
                Ok(()) => Ok(Drawing { dot, svg: None, note: None, picture: Some(stem.to_owned()) }),
                Err(DrawError::Output(e)) => Err(std::io::Error::other(e)),
                Err(e) => {
                    Ok(Drawing { dot, svg: None, note: Some(format!("no {name}: {e}")), picture: None })
                }
            };
        }
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
            Ok(Drawing {
                dot: dot_path.clone(),
                svg: None,
                note: Some(format!("no SVG: {why}{stale}")),
                picture: None,
            })
        };
        if nodes > Self::MAX_SVG_NODES {
            return without(format!("{nodes} nodes are more than {} to lay out", Self::MAX_SVG_NODES));
        }
        // The source goes to `dot` on its standard input: the DOT file may be
        // a pipe or a descriptor that cannot be read back, and a stem could
        // start with `-`.
        let svg = match lay_out(&source, "svg") {
            Ok(laid_out) if laid_out.status.success() => laid_out.stdout,
            Ok(laid_out) => {
                return without(format!("dot failed: {}", String::from_utf8_lossy(&laid_out.stderr).trim()));
            }
            // Without Graphviz, the built-in layout when there is one.
            Err(_) => match builtin_svg(&source) {
                Ok(svg) => svg.into_bytes(),
                Err(DrawError::NoBuiltinLayout) => {
                    return without(
                        "Graphviz's `dot` is not installed (apt-get install graphviz)".to_owned(),
                    );
                }
                Err(e) => return without(e.to_string()),
            },
        };
        Output::check(&svg_path)
            .and_then(|out| out.write(|w| w.write_all(&svg)))
            .map_err(std::io::Error::other)?;
        Ok(Drawing { dot: dot_path, svg: Some(svg_path), note: None, picture: None })
    }

    /// The most nodes [`Graph::visualize`] lays out as SVG.
    pub const MAX_SVG_NODES: usize = 1000;
}

/// How [`Graph::to_dot_with`] colours nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum NodeColor {
    /// No fill.
    #[default]
    Plain,
    /// By execution order, first to last (dask's `color="order"`).
    Order,
}

/// Which program lays out an SVG, PNG or PDF drawing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Layout {
    /// Graphviz when its `dot` is installed, else the built-in layout
    /// (SVG only, feature `layout`).
    #[default]
    Auto,
    /// Graphviz's `dot` only.
    Graphviz,
    /// The built-in pure-Rust layout (`layout-rs`, feature `layout`) only.
    Builtin,
}

/// Options of a drawing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrawOptions {
    /// Direction.
    pub rankdir: RankDir,
    /// Node colours.
    pub color: NodeColor,
    /// Layout program.
    pub layout: Layout,
}

/// A drawing's file format, from its name's ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DrawFormat {
    /// Graphviz's source, `.dot` (or `.gv`).
    Dot,
    /// `.svg`.
    Svg,
    /// `.png`, through Graphviz.
    Png,
    /// `.pdf`, through Graphviz.
    Pdf,
}

impl DrawFormat {
    /// The format a file name ends with, if it is one of these.
    pub fn of(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "dot" | "gv" => Some(Self::Dot),
            "svg" => Some(Self::Svg),
            "png" => Some(Self::Png),
            "pdf" => Some(Self::Pdf),
            _ => None,
        }
    }
}

/// Why a drawing cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DrawError {
    /// The file name ends in none of the formats.
    #[error("cannot tell the format of {}: end its name with .dot, .svg, .png or .pdf", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The format or layout needs Graphviz, which is not installed.
    #[error("{what} needs Graphviz's `dot`, which is not installed (apt-get install graphviz)")]
    NoGraphviz {
        /// What needed it.
        what: &'static str,
    },
    /// The built-in layout was asked for, but this build lacks it.
    #[error("this build has no built-in layout (the executors feature `layout`)")]
    NoBuiltinLayout,
    /// Graphviz failed.
    #[error("dot failed: {0}")]
    Graphviz(String),
    /// The built-in layout failed on this graph.
    #[error("the built-in layout failed: {0}")]
    Builtin(String),
    /// The graph has more nodes than are laid out.
    #[error("{nodes} nodes are more than {max} to lay out; write .dot instead")]
    TooBig {
        /// Nodes in the drawing.
        nodes: usize,
        /// [`Graph::MAX_SVG_NODES`].
        max: usize,
    },
    /// The file cannot be written.
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
}

impl Graph {
    /// The drawing as an SVG document, laid out as `options.layout` says.
    pub fn to_svg(&self, outputs: &[NodeId], options: &DrawOptions) -> Result<String, DrawError> {
        let bytes = self.laid_out(outputs, options, DrawFormat::Svg)?;
        String::from_utf8(bytes).map_err(|e| DrawError::Graphviz(e.to_string()))
    }

    /// Writes the drawing to `path` in the format its name ends with
    /// (`.dot`, `.svg`, `.png`, `.pdf`; the last two through Graphviz),
    /// whole or not at all, as every output ([`crate::output::Output`]),
    /// checked before any layout.
    ///
    /// ```
    /// use executors::{DrawOptions, Graph, NodeColor};
    /// let g = Graph::new();
    /// let inc = g.delayed1("inc", |x: &u32| Ok::<_, String>(x + 1));
    /// let out = inc.call(&inc.call(1));
    /// let dir = tempfile::tempdir()?;
    /// let options = DrawOptions { color: NodeColor::Order, ..DrawOptions::default() };
    /// g.render(&[out.node()], &options, &dir.path().join("inc.dot"))?;
    /// let dot = std::fs::read_to_string(dir.path().join("inc.dot"))?;
    /// assert_eq!(dot.matches("fillcolor").count(), 3);
    /// assert!(g.render(&[out.node()], &options, &dir.path().join("inc.txt")).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn render(&self, outputs: &[NodeId], options: &DrawOptions, path: &Path) -> Result<(), DrawError> {
        let format =
            DrawFormat::of(path).ok_or_else(|| DrawError::UnknownFormat { path: path.to_owned() })?;
        let output = Output::check(path)?;
        let bytes = match format {
            DrawFormat::Dot => self.to_dot_with(outputs, options).into_bytes(),
            _ => self.laid_out(outputs, options, format)?,
        };
        output.write(|w| w.write_all(&bytes))?;
        Ok(())
    }

    /// The drawing laid out in `format` (not DOT).
    fn laid_out(
        &self,
        outputs: &[NodeId],
        options: &DrawOptions,
        format: DrawFormat,
    ) -> Result<Vec<u8>, DrawError> {
        let source = self.to_dot_with(outputs, options);
        let nodes = source.matches(" [label=").count();
        if nodes > Self::MAX_SVG_NODES {
            return Err(DrawError::TooBig { nodes, max: Self::MAX_SVG_NODES });
        }
        let kind = match format {
            DrawFormat::Png => "png",
            DrawFormat::Pdf => "pdf",
            _ => "svg",
        };
        let graphviz = || match lay_out(&source, kind) {
            Ok(out) if out.status.success() => Ok(out.stdout),
            Ok(out) => Err(DrawError::Graphviz(String::from_utf8_lossy(&out.stderr).trim().to_owned())),
            Err(_) => {
                Err(DrawError::NoGraphviz { what: if kind == "svg" { "this layout" } else { "PNG and PDF" } })
            }
        };
        match (options.layout, kind) {
            (Layout::Builtin, "svg") => builtin_svg(&source).map(String::into_bytes),
            (Layout::Builtin, _) => Err(DrawError::NoGraphviz { what: "PNG and PDF" }),
            (Layout::Graphviz, _) | (Layout::Auto, "png" | "pdf") => graphviz(),
            (Layout::Auto, _) => match graphviz() {
                Err(DrawError::NoGraphviz { .. }) => builtin_svg(&source).map(String::into_bytes),
                other => other,
            },
        }
    }
}

/// Lays `source` out with `layout-rs`, which panics on some inputs: a
/// panic is an error.
#[cfg(feature = "layout")]
fn builtin_svg(source: &str) -> Result<String, DrawError> {
    std::panic::catch_unwind(|| {
        let mut parser = layout::gv::DotParser::new(source);
        let tree = parser.process().map_err(DrawError::Builtin)?;
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&tree);
        let mut graph = builder.get();
        let mut svg = layout::backends::svg::SVGWriter::new();
        graph.do_it(false, false, false, &mut svg);
        Ok(svg.finalize())
    })
    .unwrap_or_else(|payload| Err(DrawError::Builtin(crate::error::panic_message(payload.as_ref()))))
}

#[cfg(not(feature = "layout"))]
fn builtin_svg(_: &str) -> Result<String, DrawError> {
    Err(DrawError::NoBuiltinLayout)
}

/// A colour of viridis at `t` in [0, 1], from a quarter in (dark blues
/// would hide black labels) to its yellow end.
fn viridis(t: f64) -> String {
    const STOPS: [(f64, f64, f64); 5] = [
        (59.0, 82.0, 139.0),
        (44.0, 114.0, 142.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Runs `dot -T<kind>` on `source`, fed through its standard input by a
/// thread of its own (so that a big graph cannot fill both pipes at once).
fn lay_out(source: &str, kind: &str) -> std::io::Result<std::process::Output> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg(format!("-T{kind}"))
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
