//! [`Report`]: a single self-contained HTML performance report (dask
//! distributed's `performance_report`): a table of facts about the run,
//! then sections of inline SVG pictures (task stream, resources, task
//! graph, result plots). No script, no style sheet or font from the
//! network: the file opens anywhere, offline.

use std::fmt::Write as _;

use crate::output::{Output, OutputError};
use crate::stream::escape;

/// An HTML report under construction.
///
/// ```
/// let mut report = executors::Report::new("Sweep");
/// report.fact("workers", "2");
/// report.section("Task stream", "", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>");
/// report.text("Summary", "", "a < b");
/// let html = report.to_html();
/// assert!(html.contains("<td>workers</td><td>2</td>") && html.contains("<svg"));
/// assert!(html.contains("<pre>a &lt; b</pre>"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Report {
    title: String,
    facts: Vec<(String, String)>,
    sections: Vec<Section>,
}

#[derive(Clone, Debug)]
struct Section {
    heading: String,
    note: String,
    svg: String,
    text: String,
}

impl Report {
    /// An empty report with this title.
    pub fn new(title: &str) -> Self {
        Self { title: title.to_owned(), ..Self::default() }
    }

    /// Adds a line to the summary table.
    pub fn fact(&mut self, name: &str, value: &str) -> &mut Self {
        self.facts.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a section: a heading, a sentence or two (may be empty) and a
    /// picture (an SVG document; its XML prologue and doctype are dropped
    /// so that it can stand inline; empty for none).
    pub fn section(&mut self, heading: &str, note: &str, svg: &str) -> &mut Self {
        let svg = inline(svg);
        self.sections.push(Section {
            heading: heading.to_owned(),
            note: note.to_owned(),
            svg,
            text: String::new(),
        });
        self
    }

    /// Adds a section of preformatted text (a table printed in columns).
    pub fn text(&mut self, heading: &str, note: &str, text: &str) -> &mut Self {
        let (heading, note, text) = (heading.to_owned(), note.to_owned(), text.to_owned());
        self.sections.push(Section { heading, note, svg: String::new(), text });
        self
    }

    /// Appends `other`'s facts and sections to this report's.
    pub fn append(&mut self, other: Report) -> &mut Self {
        self.facts.extend(other.facts);
        self.sections.extend(other.sections);
        self
    }

    /// The number of sections.
    pub fn len(&self) -> usize {
        self.sections.len()
    }

    /// Whether there is no section.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The whole document.
    pub fn to_html(&self) -> String {
        let mut html = String::new();
        let title = escape(&self.title);
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
             <style>\nbody {{ font-family: sans-serif; margin: 2em auto; max-width: 1080px; color: #222; }}\n\
             table {{ border-collapse: collapse; }} td {{ padding: 2px 12px 2px 0; }}\n\
             td:first-child {{ color: #555; }}\n\
             pre {{ overflow-x: auto; font-size: 11px; background: #f7f7f7; padding: 8px; }}\n\
             .picture {{ overflow-x: auto; margin: 0.5em 0 2em; }} .picture svg {{ max-width: 100%; height: auto; }}\n\
             </style>\n</head>\n<body>\n<h1>{title}</h1>\n<table class=\"summary\">\n"
        );
        for (name, value) in &self.facts {
            let _ = writeln!(html, "<tr><td>{}</td><td>{}</td></tr>", escape(name), escape(value));
        }
        html.push_str("</table>\n");
        for s in &self.sections {
            let _ = writeln!(html, "<section>\n<h2>{}</h2>", escape(&s.heading));
            if !s.note.is_empty() {
                let _ = writeln!(html, "<p>{}</p>", escape(&s.note));
            }
            if !s.text.is_empty() {
                let _ = writeln!(html, "<pre>{}</pre>", escape(&s.text));
            }
            if !s.svg.is_empty() {
                let _ = writeln!(html, "<div class=\"picture\">\n{}\n</div>", s.svg);
            }
            html.push_str("</section>\n");
        }
        html.push_str("</body>\n</html>\n");
        html
    }

    /// Writes the document to `output` (whole or not at all).
    pub fn write(&self, output: &Output) -> Result<(), OutputError> {
        let html = self.to_html();
        output.write(|w| w.write_all(html.as_bytes()))
    }
}

/// An SVG document without what may not stand inside HTML: the XML
/// declaration, a doctype, comments before the root element.
fn inline(svg: &str) -> String {
    match svg.find("<svg") {
        Some(i) => svg[i..].trim_end().to_owned(),
        None => String::new(),
    }
}
