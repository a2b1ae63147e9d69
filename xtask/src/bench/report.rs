//! The figures of one `cargo xtask bench` run, kept as they are measured so
//! that `--json OUT` can write them all: each with its samples, its median,
//! who measured it (ours or a peer, with the peer's version), its ratio to
//! what it is compared with, and its target and whether it was met.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// Every figure and check of a run.
#[derive(Default)]
pub(crate) struct Report {
    figures: Vec<Figure>,
    checks: Vec<Check>,
    versions: BTreeMap<String, String>,
}

/// One measured figure (or one that could not be measured: `skipped`).
pub(crate) struct Figure {
    /// `section.name`, the key a regression job compares runs by.
    name: String,
    unit: &'static str,
    /// `queue-sim`, `chunked-frame`, ... or the peer's name (`ciw`, `dask`).
    who: String,
    /// How the samples were taken ("fresh process each", "in one process").
    method: &'static str,
    samples: Vec<f64>,
    /// The median of the samples, or a value derived from other figures.
    value: f64,
    ratio: Option<(f64, String)>,
    target: Option<(String, bool)>,
    skipped: Option<String>,
}

/// A yes-or-no comparison, with the values compared.
struct Check {
    name: String,
    passed: bool,
    detail: Value,
}

impl Report {
    /// Records a figure measured `samples.len()` times; its value is their
    /// median.
    pub(crate) fn measured(
        &mut self,
        name: &str,
        unit: &'static str,
        who: &str,
        method: &'static str,
        samples: Vec<f64>,
    ) -> &mut Figure {
        let value = median(&samples);
        self.push(Figure {
            name: name.to_owned(),
            unit,
            who: who.to_owned(),
            method,
            samples,
            value,
            ratio: None,
            target: None,
            skipped: None,
        })
    }

    /// Records a figure derived from others (a ratio, a speed-up).
    pub(crate) fn derived(&mut self, name: &str, unit: &'static str, who: &str, value: f64) -> &mut Figure {
        self.push(Figure {
            name: name.to_owned(),
            unit,
            who: who.to_owned(),
            method: "derived",
            samples: Vec::new(),
            value,
            ratio: None,
            target: None,
            skipped: None,
        })
    }

    /// Records a figure that was not measured, and why (a peer that is not
    /// installed, MPI not built in).
    pub(crate) fn skipped(&mut self, name: &str, unit: &'static str, who: &str, why: &str) {
        self.push(Figure {
            name: name.to_owned(),
            unit,
            who: who.to_owned(),
            method: "skipped",
            samples: Vec::new(),
            value: f64::NAN,
            ratio: None,
            target: None,
            skipped: Some(why.to_owned()),
        });
    }

    /// Records a comparison that holds or does not.
    pub(crate) fn check(&mut self, name: &str, passed: bool, detail: Value) {
        self.checks.push(Check { name: name.to_owned(), passed, detail });
    }

    /// Records the version of a peer (or of Python) used in the run.
    pub(crate) fn version(&mut self, who: &str, version: &str) {
        self.versions.insert(who.to_owned(), version.to_owned());
    }

    /// Records the versions a peer script printed: its `version` under
    /// `who`, `python`, and any other packages in `versions`.
    pub(crate) fn versions_from(&mut self, who: &str, doc: &Value) {
        if let Some(v) = doc["version"].as_str() {
            self.version(who, v);
        }
        if let Some(v) = doc["python"].as_str() {
            self.version("python", v);
        }
        if let Some(map) = doc["versions"].as_object() {
            for (name, v) in map {
                self.version(name, v.as_str().unwrap_or("?"));
            }
        }
    }

    fn push(&mut self, figure: Figure) -> &mut Figure {
        self.figures.push(figure);
        self.figures.last_mut().expect("just pushed")
    }

    /// The whole run as JSON: `meta` (machine, date, options) beside the
    /// peers' versions, the figures and the checks. Non-finite numbers are
    /// written as `null` with a `non_finite` field saying which they were.
    pub(crate) fn to_json(&self, meta: Value) -> Value {
        let figures: Vec<Value> = self.figures.iter().map(Figure::to_json).collect();
        let checks: Vec<Value> = self
            .checks
            .iter()
            .map(|c| json!({ "name": c.name, "passed": c.passed, "detail": c.detail }))
            .collect();
        json!({
            "meta": meta,
            "versions": self.versions,
            "figures": figures,
            "checks": checks,
        })
    }
}

impl Figure {
    /// Attaches a ratio, with what it divides ("Ciw's time / ours").
    pub(crate) fn ratio(&mut self, value: f64, meaning: &str) -> &mut Self {
        self.ratio = Some((value, meaning.to_owned()));
        self
    }

    /// Attaches a target and whether this run met it.
    pub(crate) fn target(&mut self, text: &str, met: bool) -> &mut Self {
        self.target = Some((text.to_owned(), met));
        self
    }

    fn to_json(&self) -> Value {
        let mut o = Map::new();
        let (section, _) = self.name.split_once('.').unwrap_or(("", &self.name));
        o.insert("section".into(), json!(section));
        o.insert("name".into(), json!(self.name));
        o.insert("unit".into(), json!(self.unit));
        o.insert("who".into(), json!(self.who));
        o.insert("method".into(), json!(self.method));
        if let Some(why) = &self.skipped {
            o.insert("skipped".into(), json!(why));
            o.insert("value".into(), Value::Null);
            return Value::Object(o);
        }
        number_into(&mut o, "value", self.value);
        if !self.samples.is_empty() {
            o.insert("repeats".into(), json!(self.samples.len()));
            o.insert("samples".into(), self.samples.iter().map(|&x| number(x)).collect());
        }
        if let Some((ratio, meaning)) = &self.ratio {
            let mut r = Map::new();
            number_into(&mut r, "value", *ratio);
            r.insert("meaning".into(), json!(meaning));
            o.insert("ratio".into(), Value::Object(r));
        }
        if let Some((text, met)) = &self.target {
            o.insert("target".into(), json!({ "text": text, "met": met }));
        }
        Value::Object(o)
    }
}

/// `x` as JSON: a number when finite, `null` otherwise.
fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Inserts `key: x`, and `non_finite` naming the value when `x` is not a
/// finite number (JSON has none), so that it is never silently `null`.
fn number_into(o: &mut Map<String, Value>, key: &str, x: f64) {
    o.insert(key.into(), number(x));
    if !x.is_finite() {
        o.insert("non_finite".into(), json!(x.to_string()));
    }
}

/// The largest of `xs` (0 for none): a peak over runs.
pub(crate) fn largest(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(0.0, f64::max)
}

/// The median of `v` (NaN for none).
pub(crate) fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The samples for a reader: each of them when there are few, otherwise
/// the least, the quartiles and the greatest; `scale` multiplies them.
pub(crate) fn spread(samples: &[f64], scale: f64, decimals: usize) -> String {
    let show = |x: f64| format!("{:.decimals$}", x * scale);
    if samples.len() <= 11 {
        let all: Vec<String> = samples.iter().map(|&x| show(x)).collect();
        return format!("runs: {}", all.join(", "));
    }
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    format!(
        "{} runs: min {}, quartiles {} / {} / {}, max {}",
        v.len(),
        show(v[0]),
        show(at(0.25)),
        show(at(0.5)),
        show(at(0.75)),
        show(v[v.len() - 1])
    )
}

#[cfg(test)]
mod tests;
