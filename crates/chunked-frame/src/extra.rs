//! The rest of the query surface: `value_counts`, `describe`, sorting and
//! writing CSV.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use executors::{Executor, Graph};

use crate::column::{Column, DataFrame, Value};
use crate::dtype::DType;
use crate::error::{FrameError, Result};
use crate::failure::Failures;
use crate::frame::LazyFrame;

/// Points of a partition's distribution kept for approximate quantiles.
const SKETCH: usize = 1024;

impl LazyFrame {
    /// Counts of each distinct value of `column`, most frequent first (ties
    /// in order of first appearance), nulls left out, as pandas'
    /// `value_counts()`.
    pub fn value_counts(&self, column: &str, exec: &Executor) -> Result<DataFrame> {
        let counts = self.clone().groupby(&[column]).size().sort(false).compute(exec)?;
        let counts =
            DataFrame::from_parts(vec![column.to_owned(), "count".to_owned()], counts.columns().to_vec());
        counts.sort_by(&[("count", true)])
    }

    /// pandas' `describe()` of the int64 and float64 columns (not bool nor
    /// text, as pandas leaves them out): count, mean, std, min,
    /// 25%, 50%, 75%, max. Count, mean, std, min and max are exact; the
    /// quartiles are exact when each partition has at most 1024 non-null
    /// values and otherwise interpolated from 1024 evenly spaced order
    /// statistics per partition (as dask's are approximate).
    pub fn describe(&self, exec: &Executor) -> Result<DataFrame> {
        let schema = self.schema()?;
        let numeric: Vec<String> = schema
            .fields
            .iter()
            .filter(|f| matches!(f.dtype, DType::Int64 | DType::Float64))
            .map(|f| f.name.clone())
            .collect();
        let select: Vec<&str> = numeric.iter().map(String::as_str).collect();
        let frame = self.clone().select(&select);
        let run = frame.partition_runner()?;
        let errors = Arc::new(Failures::new(self.partitions()));
        let g = Graph::new();
        let task = {
            let (errors, run) = (errors.clone(), run.clone());
            g.delayed1("read-sketch", move |p: &usize| {
                errors.keep(*p, run(*p).map(|f| f.columns().iter().map(Sketch::of).collect::<Vec<_>>()))
            })
        };
        let merge = g.delayed_n("merge", |parts: &[&Vec<Sketch>]| {
            let mut out: Vec<Sketch> = Vec::new();
            for p in parts {
                if out.is_empty() {
                    out = (*p).clone();
                } else {
                    for (a, b) in out.iter_mut().zip(p.iter()) {
                        a.merge(b);
                    }
                }
            }
            Ok::<_, String>(out)
        });
        let parts: Vec<_> = (0..self.partitions()).map(|p| task.call(&g.value(p))).collect();
        let sketches = errors.finish(merge.call(&parts).compute(exec), |q| run(q).map(drop))?;
        let stats = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"];
        let mut names = vec!["statistic".to_owned()];
        let mut columns = vec![Column::Str {
            dict: stats.iter().map(|s| (*s).to_owned()).collect(),
            codes: (0..8).collect(),
        }];
        for (name, s) in numeric.iter().zip(&sketches) {
            names.push(name.clone());
            let values = [
                s.count as f64,
                s.mean(),
                s.std(),
                s.min,
                s.quantile(0.25),
                s.quantile(0.5),
                s.quantile(0.75),
                s.max,
            ];
            let valid: Vec<bool> = values.iter().map(|v| !v.is_nan()).collect();
            columns.push(Column::Float64 { values: values.to_vec(), valid });
        }
        Ok(DataFrame::from_parts(names, columns))
    }

    /// Writes the rows as CSV: one file per partition `part-00000.csv`... in
    /// the directory `dir` (created), each written by its own task, so that
    /// memory stays bounded. Returns the files written.
    pub fn to_csv_partitions(&self, dir: &Path, exec: &Executor) -> Result<Vec<std::path::PathBuf>> {
        std::fs::create_dir_all(dir)
            .map_err(|source| FrameError::Io { path: dir.to_owned(), error: source })?;
        let schema = self.schema()?;
        let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
        let run = self.clone().select(&names).partition_runner()?;
        let files: Vec<std::path::PathBuf> =
            (0..self.partitions()).map(|p| dir.join(format!("part-{p:05}.csv"))).collect();
        let errors = Failures::new(files.len());
        let out = exec.map((0..files.len()).collect(), |p| {
            errors.keep(p, run(p).and_then(|frame| frame.write_csv_file(&files[p])))
        });
        errors.finish(out, |q| run(q).map(drop))?;
        Ok(files)
    }
}

impl LazyFrame {
    /// Writes the rows as one CSV file, in order, holding at most as many
    /// partitions as the executor has workers: partitions are computed a
    /// batch at a time and appended.
    pub fn to_csv_file(&self, path: &Path, exec: &Executor) -> Result<()> {
        let schema = self.schema()?;
        let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
        let run = self.clone().select(&names).partition_runner()?;
        let io = |source| FrameError::Io { path: path.to_owned(), error: source };
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        out.write_all((names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(",") + "\n").as_bytes())
            .map_err(io)?;
        let batch = exec.workers().max(1);
        for first in (0..self.partitions()).step_by(batch) {
            let parts: Vec<usize> = (first..(first + batch).min(self.partitions())).collect();
            let errors = Failures::new(self.partitions());
            // Earlier batches succeeded: only this batch's partitions are read again.
            let recheck = |q: usize| if q < first { Ok(()) } else { run(q).map(drop) };
            let frames = errors.finish(exec.map(parts, |p| errors.keep(p, run(p))), recheck)?;
            for f in frames {
                f.write_rows(&mut out).map_err(io)?;
            }
        }
        out.flush().map_err(io)
    }
}

impl DataFrame {
    /// The rows sorted by columns (`true`: descending), stably; nulls first
    /// when ascending. Errors on an unknown column.
    pub fn sort_by(&self, by: &[(&str, bool)]) -> Result<DataFrame> {
        let keys: Vec<(&Column, bool)> = by
            .iter()
            .map(|(name, desc)| {
                self.column(name).map(|c| (c, *desc)).ok_or_else(|| FrameError::UnknownColumn {
                    name: (*name).to_owned(),
                    available: self.names().to_vec(),
                })
            })
            .collect::<Result<_>>()?;
        let mut order: Vec<usize> = (0..self.height()).collect();
        order.sort_by(|&a, &b| {
            for (c, desc) in &keys {
                let o = c.get(a).partial_cmp(&c.get(b)).unwrap_or(std::cmp::Ordering::Equal);
                let o = if *desc { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        Ok(self.take(&order))
    }

    /// The rows at `order`, in that order.
    fn take(&self, order: &[usize]) -> DataFrame {
        let columns = self
            .columns()
            .iter()
            .map(|c| {
                let values: Vec<Value> = order.iter().map(|&i| c.get(i)).collect();
                column_from_values(c.dtype(), &values)
            })
            .collect();
        DataFrame::from_parts(self.names().to_vec(), columns)
    }

    /// Writes the frame as CSV with a header: nulls as empty fields, floats
    /// in shortest round-trip form, text quoted when it holds a delimiter,
    /// a quote or a line end.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(
            (self.names().iter().map(|n| quote(n)).collect::<Vec<_>>().join(",") + "\n").as_bytes(),
        )?;
        self.write_rows(out)
    }

    /// Writes the rows as CSV lines, without the header.
    fn write_rows(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let line = |fields: Vec<String>| fields.join(",") + "\n";
        for i in 0..self.height() {
            let fields = self
                .columns()
                .iter()
                .map(|c| match c.get(i) {
                    Value::Null => String::new(),
                    Value::Float(x) => format!("{x:?}"),
                    Value::Str(s) => quote(&s),
                    other => other.to_string(),
                })
                .collect();
            out.write_all(line(fields).as_bytes())?;
        }
        Ok(())
    }

    /// Writes the frame to a CSV file (see [`DataFrame::write_csv`]).
    pub fn write_csv_file(&self, path: &Path) -> Result<()> {
        let io = |source| FrameError::Io { path: path.to_owned(), error: source };
        let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
        self.write_csv(&mut f).map_err(io)?;
        f.flush().map_err(io)
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

pub(crate) fn column_from_values(dtype: DType, values: &[Value]) -> Column {
    let valid: Vec<bool> = values.iter().map(|v| *v != Value::Null).collect();
    let valid = if valid.iter().all(|v| *v) { Vec::new() } else { valid };
    match dtype {
        DType::Int64 => Column::Int64 {
            values: values.iter().map(|v| if let Value::Int(x) = v { *x } else { 0 }).collect(),
            valid,
        },
        DType::Float64 => Column::Float64 {
            values: values.iter().map(|v| if let Value::Float(x) = v { *x } else { f64::NAN }).collect(),
            valid,
        },
        DType::Bool => {
            Column::Bool { values: values.iter().map(|v| matches!(v, Value::Bool(true))).collect(), valid }
        }
        DType::Str => {
            let mut dict: Vec<String> = Vec::new();
            let mut index = std::collections::HashMap::new();
            let codes = values
                .iter()
                .map(|v| match v {
                    Value::Str(s) => *index.entry(s.clone()).or_insert_with(|| {
                        dict.push(s.clone());
                        dict.len() as u32 - 1
                    }),
                    _ => crate::NULL_CODE,
                })
                .collect();
            Column::Str { dict, codes }
        }
    }
}

/// Exact moments and extremes, and a compressed distribution for quantiles.
#[derive(Clone, Debug)]
struct Sketch {
    count: u64,
    /// The sum of the values (the mean is `sum / count`, as pandas'
    /// `nanmean`: an infinity among the values is the mean's).
    sum: f64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    /// (value, weight): order statistics standing for `weight` values each.
    points: Vec<(f64, f64)>,
}

impl Sketch {
    fn of(c: &Column) -> Sketch {
        let mut xs: Vec<f64> = (0..c.len()).filter_map(|i| c.f64_at(i)).filter(|x| !x.is_nan()).collect();
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        let sum = xs.iter().sum::<f64>();
        let mean = if n == 0 { f64::NAN } else { sum / n as f64 };
        let m2 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        let points = if n <= SKETCH {
            xs.iter().map(|&x| (x, 1.0)).collect()
        } else {
            let w = n as f64 / SKETCH as f64;
            (0..SKETCH).map(|k| (xs[((k as f64 + 0.5) * w) as usize], w)).collect()
        };
        Sketch {
            count: n as u64,
            sum,
            mean,
            m2,
            min: xs.first().copied().unwrap_or(f64::NAN),
            max: xs.last().copied().unwrap_or(f64::NAN),
            points,
        }
    }

    fn merge(&mut self, o: &Sketch) {
        if o.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = o.clone();
            return;
        }
        let (na, nb) = (self.count as f64, o.count as f64);
        let delta = o.mean - self.mean;
        self.mean += delta * nb / (na + nb);
        self.m2 += o.m2 + delta * delta * na * nb / (na + nb);
        self.count += o.count;
        self.sum += o.sum;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
        self.points.extend_from_slice(&o.points);
        self.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }

    fn mean(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.sum / self.count as f64 }
    }

    /// The standard deviation (ddof 1); NaN beside an infinity, as pandas'
    /// (its deviations from an infinite mean are `inf - inf`).
    fn std(&self) -> f64 {
        if self.count < 2 || self.min.is_infinite() || self.max.is_infinite() {
            f64::NAN
        } else {
            (self.m2 / (self.count as f64 - 1.0)).sqrt()
        }
    }

    /// The `q` quantile with pandas' linear interpolation, over the points
    /// (exact when every point has weight 1: numpy's `percentile`, down to
    /// its NaN between infinities).
    fn quantile(&self, q: f64) -> f64 {
        if self.points.is_empty() {
            return f64::NAN;
        }
        if self.points.iter().all(|p| p.1 == 1.0) {
            let n = self.points.len();
            // `as`: n is at most a few thousand points; the rank is in [0, n - 1].
            let rank = q * (n - 1) as f64;
            let lo = rank.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            return lerp(self.points[lo].0, self.points[hi].0, rank - rank.floor());
        }
        let total: f64 = self.points.iter().map(|p| p.1).sum();
        let rank = q * (total - 1.0);
        // Each point covers ranks [cum, cum + w); its value sits mid-range.
        let mut cum = 0.0;
        let mut prev: Option<(f64, f64)> = None;
        for &(x, w) in &self.points {
            let centre = cum + (w - 1.0) / 2.0;
            if centre >= rank {
                return match prev {
                    Some((px, pc)) if centre > pc => lerp(px, x, (rank - pc) / (centre - pc)),
                    _ => x,
                };
            }
            prev = Some((x, centre));
            cum += w;
        }
        self.points.last().map_or(f64::NAN, |p| p.0)
    }
}

/// numpy's linear interpolation from `a` to `b` at `t` in [0, 1]: from
/// `a` below one half, back from `b` above, so that `t = 1` gives `b`
/// exactly; with an infinity on either side this gives numpy's infinities
/// and NaNs (`inf - inf`, `inf * 0`).
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 { b - d * (1.0 - t) } else { a + d * t }
}
