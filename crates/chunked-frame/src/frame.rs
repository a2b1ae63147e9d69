//! The lazy frame: a read plus operations, validated and optimised
//! (projection pushdown: only the columns the query uses are parsed), then
//! run as a task graph on any executor: one task per partition (read,
//! filter, partial aggregate), a tree of merges, a final step.

use std::sync::Arc;

use executors::{Delayed, Executor, Graph, RankDir};

use crate::column::DataFrame;
use crate::csv::{self, CsvOptions, Parsed, Source};
use crate::dtype::{DType, Schema};
use crate::error::{FrameError, Result};
use crate::expr::{Expr, eval, mask};
use crate::failure::Failures;
use crate::groupby::{self, Agg, Partial, Spec};

/// Reads one CSV file or a glob of them, lazily: the header is read and the
/// types inferred now, the data when a query is computed.
///
/// ```no_run
/// use chunked_frame::{col, read_csv, CsvOptions};
/// use executors::{Executor, Strategy};
/// let flights = read_csv("data/flights.csv", CsvOptions::default())?;
/// let delays = flights
///     .filter(col("ORIGIN_AIRPORT").isin(["JFK", "LGA", "EWR"]))
///     .groupby(&["ORIGIN_AIRPORT"])
///     .mean("DEPARTURE_DELAY");
/// let result = delays.compute(&Executor::new(Strategy::Graph, 2)?)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_csv(path: &str, options: CsvOptions) -> Result<LazyFrame> {
    Ok(LazyFrame::from_source(csv::open(path, options)?))
}

/// Counts of what a computation read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Partitions read.
    pub partitions: usize,
    /// Rows left out under [`crate::BadRows::Skip`].
    pub skipped_rows: u64,
    /// The most bytes of a file that one partition task held in memory at
    /// once: a plain file's range is read in pieces of 512 KiB (or the
    /// whole range when smaller), each with the rest of the row the piece
    /// before ended in (quoted rows too); never the whole file. For a
    /// compressed file, the most decoded text held at once (a block and
    /// the rest of a row); for Parquet, the compressed size of the column
    /// chunks a row group task read.
    pub most_bytes_read: u64,
}

impl ReadStats {
    /// The counts of two sets of partitions together.
    fn merge(self, other: ReadStats) -> ReadStats {
        ReadStats {
            partitions: self.partitions + other.partitions,
            skipped_rows: self.skipped_rows + other.skipped_rows,
            most_bytes_read: self.most_bytes_read.max(other.most_bytes_read),
        }
    }
}

/// An operation of a lazy frame, applied to each partition in turn.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    Filter(Expr),
    Select(Vec<String>),
    WithColumn(String, Expr),
    /// A broadcast join with a small table (`join.rs`).
    Join(Arc<crate::join::Broadcast>),
    /// A user function (`map.rs`).
    Map(Arc<crate::map::MapPartitions>),
}

/// A lazy frame: nothing is read until a computing method is called.
#[derive(Clone, Debug)]
pub struct LazyFrame {
    pub(crate) source: Arc<Source>,
    pub(crate) ops: Vec<Op>,
    /// Partitions computed by `persist` (through `ops[..kept.ops]`).
    pub(crate) kept: Option<Arc<crate::persist::Kept>>,
}

/// A lazy group-by awaiting its aggregations.
#[derive(Clone, Debug)]
pub struct GroupBy {
    frame: LazyFrame,
    keys: Vec<String>,
}

/// A lazy aggregation.
#[derive(Clone, Debug)]
pub struct Aggregation {
    frame: LazyFrame,
    keys: Vec<String>,
    aggs: Vec<(String, Agg)>,
    max_held: u64,
    sort: bool,
}

impl LazyFrame {
    /// The frame with one more operation.
    pub(crate) fn with_op(mut self, op: Op) -> Self {
        self.ops.push(op);
        self
    }

    /// A frame of a source's rows, no operation yet.
    pub(crate) fn from_source(source: Source) -> Self {
        LazyFrame { source: Arc::new(source), ops: Vec::new(), kept: None }
    }

    /// Keeps the rows where `predicate` holds.
    pub fn filter(mut self, predicate: Expr) -> Self {
        self.ops.push(Op::Filter(predicate));
        self
    }

    /// Keeps these columns, in this order.
    pub fn select(mut self, columns: &[&str]) -> Self {
        self.ops.push(Op::Select(columns.iter().map(|c| (*c).to_owned()).collect()));
        self
    }

    /// Adds (or replaces) a column computed from others.
    pub fn with_column(mut self, name: &str, expr: Expr) -> Self {
        self.ops.push(Op::WithColumn(name.to_owned(), expr));
        self
    }

    /// Groups by these key columns.
    pub fn groupby(self, keys: &[&str]) -> GroupBy {
        GroupBy { frame: self, keys: keys.iter().map(|k| (*k).to_owned()).collect() }
    }

    /// The schema after the operations; errors on an unknown column.
    ///
    /// Types come from the sample (or the overrides): an inferred int64
    /// column that meets a float further on is float64 in what a
    /// computation returns, as pandas reads it, while this still says
    /// int64. [`LazyFrame::head`] has the types of the partitions it read.
    pub fn schema(&self) -> Result<Schema> {
        let mut schema = self.source.schema();
        for op in &self.ops {
            schema = step_schema(schema, op)?;
        }
        Ok(schema)
    }

    /// All rows, computed (in partition order).
    pub fn compute(&self, exec: &Executor) -> Result<DataFrame> {
        Ok(self.compute_with_stats(exec)?.0)
    }

    /// All rows, with what the read counted.
    pub fn compute_with_stats(&self, exec: &Executor) -> Result<(DataFrame, ReadStats)> {
        let schema = self.schema()?;
        let needed = self.needed(&schema.names())?;
        let run = self.runner(needed);
        let errors = Arc::new(Failures::new(self.partitions()));
        let g = Graph::new();
        let task = {
            let (errors, run) = (errors.clone(), run.clone());
            let select = Op::Select(schema.names());
            g.delayed1("read-filter", move |p: &usize| {
                errors.keep(*p, run.chunk(*p).and_then(|(f, s)| Ok((apply(f, &select)?, s))))
            })
        };
        let concat = g.delayed_n("concat", |parts: &[&(DataFrame, ReadStats)]| {
            let mut out = DataFrame::default();
            let mut stats = ReadStats::default();
            for (f, s) in parts {
                out.append(f);
                stats = stats.merge(*s);
            }
            Ok::<_, String>((out, stats))
        });
        let parts: Vec<Delayed<(DataFrame, ReadStats)>> =
            (0..self.source.partitions.len()).map(|p| task.call(&g.value(p))).collect();
        let all = concat.call(&parts);
        errors.finish(all.compute(exec), |q| run.check(q))
    }

    /// Number of rows.
    pub fn len(&self, exec: &Executor) -> Result<usize> {
        self.schema()?;
        let needed = self.needed(&[])?;
        let run = self.runner(needed);
        let errors = Arc::new(Failures::new(self.partitions()));
        let g = Graph::new();
        let task = {
            let (errors, run) = (errors.clone(), run.clone());
            g.delayed1("read-count", move |p: &usize| errors.keep(*p, run.chunk(*p).map(|(f, _)| f.height())))
        };
        let sum = g.delayed_n("sum", |xs: &[&usize]| Ok::<_, String>(xs.iter().copied().sum::<usize>()));
        let parts: Vec<_> = (0..self.source.partitions.len()).map(|p| task.call(&g.value(p))).collect();
        errors.finish(sum.call(&parts).compute(exec), |q| run.check(q))
    }

    /// The first `n` rows: partitions are read in order, only as far as needed.
    pub fn head(&self, n: usize, exec: &Executor) -> Result<DataFrame> {
        let schema = self.schema()?;
        let run = self.runner(self.needed(&schema.names())?);
        let select = Op::Select(schema.names());
        let mut out = empty_frame(&schema);
        for p in 0..self.source.partitions.len() {
            if out.height() >= n {
                break;
            }
            // One partition at a time, on the executor's threads.
            let errors = Failures::new(self.partitions());
            let chunk =
                exec.map(vec![p], |p| errors.keep(p, run.chunk(p).and_then(|(f, _)| apply(f, &select))));
            // The partitions before `p` succeeded: none to read again.
            out.append(&errors.finish(chunk, |_| Ok(()))?[0]);
        }
        Ok(out.head(n))
    }

    /// The plan after optimisation, as text, one operation a line (the
    /// read, with the columns it parses, is last).
    pub fn explain(&self) -> Result<String> {
        let schema = self.schema()?;
        self.explain_with(&schema.names(), Vec::new())
    }

    fn explain_with(&self, outputs: &[String], mut lines: Vec<String>) -> Result<String> {
        let first = self.kept.as_ref().map_or(0, |k| k.ops);
        for op in self.ops[first..].iter().rev() {
            lines.push(match op {
                Op::Filter(e) => format!("Filter {e}"),
                Op::Select(c) => format!("Select [{}]", c.join(", ")),
                Op::WithColumn(n, e) => format!("WithColumn {n} = {e}"),
                Op::Join(j) => j.explain(),
                Op::Map(m) => match &m.reads {
                    Some(reads) => format!("{} [{}]", m.name, reads.join(", ")),
                    None => format!("MapPartitions {} -> [{}]", m.name, m.schema.names().join(", ")),
                },
            });
        }
        let needed = self.needed(outputs)?;
        if let Some(kept) = &self.kept {
            lines.push(kept.explain(&needed));
            return Ok(lines.iter().enumerate().map(|(d, l)| format!("{}{l}\n", "  ".repeat(d))).collect());
        }
        let all = self.source.file_schema.fields.len();
        let names: Vec<&str> =
            needed.iter().map(|&i| self.source.file_schema.fields[i].name.as_str()).collect();
        lines.push(format!(
            "{} {} ({} files, {} partitions), parse [{}] ({} of {} columns)",
            match self.source.format {
                csv::Format::Csv => "ReadCsv",
                csv::Format::Parquet => "ReadParquet",
            },
            self.source.pattern,
            self.source.files.len(),
            self.source.partitions.len(),
            names.join(", "),
            needed.len(),
            all
        ));
        Ok(lines.iter().enumerate().map(|(d, l)| format!("{}{l}\n", "  ".repeat(d))).collect())
    }

    /// Header positions of the columns the query reads: those `outputs`
    /// need, through the operations (projection pushdown).
    fn needed(&self, outputs: &[String]) -> Result<Vec<usize>> {
        let mut wanted: Vec<String> = outputs.to_vec();
        let first = self.kept.as_ref().map_or(0, |k| k.ops);
        for (i, op) in self.ops.iter().enumerate().skip(first).rev() {
            match op {
                Op::Filter(e) => wanted.extend(e.columns()),
                Op::Select(_) => {}
                Op::WithColumn(name, e) => {
                    wanted.retain(|w| w != name);
                    wanted.extend(e.columns());
                }
                Op::Join(j) => wanted = j.inputs(&wanted),
                Op::Map(m) if m.reads.is_some() => wanted.extend(m.reads.iter().flatten().cloned()),
                Op::Map(_) => {
                    // The function may read any column it gets.
                    let mut schema = self.source.schema();
                    for op in &self.ops[..i] {
                        schema = step_schema(schema, op)?;
                    }
                    wanted = schema.names();
                }
            }
        }
        if let Some(kept) = &self.kept {
            return kept.positions(&wanted);
        }
        let schema = &self.source.file_schema;
        let mut out: Vec<usize> = Vec::new();
        for w in wanted {
            let i = self.source.visible.iter().copied().find(|&i| schema.fields[i].name == w).ok_or_else(
                || FrameError::UnknownColumn { name: w.clone(), available: self.source.schema().names() },
            )?;
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    /// Number of partitions.
    pub fn partitions(&self) -> usize {
        self.source.partitions.len()
    }

    /// A function reading partition `p` into the frame's columns (in schema
    /// order), for tasks outside this module.
    pub(crate) fn partition_runner(
        &self,
    ) -> Result<impl Fn(usize) -> Result<DataFrame> + Send + Sync + Clone + 'static> {
        let schema = self.schema()?;
        let run = self.runner(self.needed(&schema.names())?);
        let select = Arc::new(Op::Select(schema.names()));
        Ok(move |p: usize| run.chunk(p).and_then(|(f, _)| apply(f, &select)))
    }

    fn runner(&self, columns: Vec<usize>) -> Arc<Runner> {
        Arc::new(Runner {
            source: self.source.clone(),
            ops: self.ops.clone(),
            columns,
            kept: self.kept.clone(),
        })
    }

    /// The task graph of [`LazyFrame::compute`], written as `<stem>.dot`
    /// and `<stem>.svg` when Graphviz is installed.
    pub fn visualize(&self, rankdir: RankDir, stem: &std::path::Path) -> Result<executors::Drawing> {
        let (graph, out) = self.scan_graph();
        graph
            .visualize(&[out], rankdir, stem)
            .map_err(|source| FrameError::Io { path: stem.to_owned(), error: source })
    }

    /// The task graph of [`LazyFrame::compute`], in DOT.
    pub fn to_dot(&self, rankdir: RankDir) -> Result<String> {
        let (graph, out) = self.scan_graph();
        Ok(graph.to_dot(&[out], rankdir))
    }

    /// The shape of [`LazyFrame::compute`]'s graph, for drawing: a task per
    /// partition and the concatenation.
    fn scan_graph(&self) -> (Graph, executors::NodeId) {
        let g = Graph::new();
        let task = g.delayed1("read-filter", |_: &usize| Ok::<_, String>(()));
        let concat = g.delayed_n("concat", |_: &[&()]| Ok::<_, String>(()));
        let nodes: Vec<_> = (0..self.partitions()).map(|p| task.call(&g.value(p))).collect();
        let out = concat.call(&nodes).node();
        (g, out)
    }
}

impl GroupBy {
    /// Several aggregations: (value column, aggregation) pairs.
    pub fn agg(self, aggs: &[(&str, Agg)]) -> Aggregation {
        Aggregation {
            frame: self.frame,
            keys: self.keys,
            aggs: aggs.iter().map(|(c, a)| ((*c).to_owned(), *a)).collect(),
            max_held: crate::held::DEFAULT_MAX_HELD_VALUES,
            sort: true,
        }
    }

    /// The mean of a column per group (`groupby(keys)[column].mean()`).
    pub fn mean(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Mean)])
    }

    /// The sum of a column per group.
    pub fn sum(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Sum)])
    }

    /// The count of non-null values of a column per group.
    pub fn count(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Count)])
    }

    /// The number of rows per group.
    pub fn size(self) -> Aggregation {
        self.agg(&[("", Agg::Size)])
    }

    /// The smallest value of a column per group.
    pub fn min(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Min)])
    }

    /// The largest value of a column per group.
    pub fn max(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Max)])
    }

    /// The variance (ddof 1) of a column per group.
    pub fn var(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Var(1))])
    }

    /// The standard deviation (ddof 1) of a column per group.
    pub fn std(self, column: &str) -> Aggregation {
        self.agg(&[(column, Agg::Std(1))])
    }
}

impl Aggregation {
    /// The most values a partial state of the aggregation may hold for
    /// its medians, quantiles and `nunique` counts (every non-null value
    /// of a median's or quantile's column, every distinct value of a
    /// `nunique`'s, over all groups; a merge holds two states and its
    /// result, so memory peaks near three times this); beyond it the
    /// computation stops with
    /// [`FrameError::TooManyHeldValues`]. Default
    /// [`crate::DEFAULT_MAX_HELD_VALUES`] (2^27: 1 GiB of floats).
    pub fn max_held_values(mut self, limit: u64) -> Self {
        self.max_held = limit;
        self
    }

    /// Whether the result's groups are sorted by key (`true`, the
    /// default, as pandas' `groupby(keys)`) or come in the order of their
    /// first rows in the data (`false`, pandas' `groupby(keys,
    /// sort=False)`): partitions merge in order, so the first appearance
    /// is the same whatever the partitioning.
    pub fn sort(mut self, sort: bool) -> Self {
        self.sort = sort;
        self
    }

    fn spec(&self) -> Spec {
        let mut spec = Spec::new(self.keys.clone(), &self.aggs);
        spec.max_held = self.max_held;
        spec.sort = self.sort;
        if let Ok(schema) = self.frame.schema() {
            spec.value_types = spec
                .columns
                .iter()
                .map(|c| schema.index_of(c).map_or(DType::Float64, |i| schema.fields[i].dtype))
                .collect();
        }
        spec
    }

    fn inputs(&self) -> Vec<String> {
        let spec = self.spec();
        spec.keys.iter().chain(&spec.columns).cloned().collect()
    }

    fn key_types(&self) -> Result<Vec<DType>> {
        let schema = self.frame.schema()?;
        self.keys
            .iter()
            .map(|k| {
                schema
                    .fields
                    .iter()
                    .find(|f| &f.name == k)
                    .map(|f| f.dtype)
                    .ok_or_else(|| FrameError::UnknownColumn { name: k.clone(), available: schema.names() })
            })
            .collect()
    }

    /// Builds the graph: a task per partition, a tree of merges, a finish.
    fn graph(&self) -> Result<Planned> {
        let key_types = self.key_types()?;
        let schema = self.frame.schema()?;
        let spec = self.spec();
        for c in &spec.columns {
            schema
                .index_of(c)
                .ok_or_else(|| FrameError::UnknownColumn { name: c.clone(), available: schema.names() })?;
        }
        spec.check_strings(|c| spec.value_types[c])?;
        // Output columns are named by column and aggregation: the same
        // pair twice (or a name a key has) would make two columns of one
        // name, which pandas refuses too ("Function names must be unique").
        let mut names: Vec<&str> = self.keys.iter().map(String::as_str).collect();
        for (_, _, name) in &spec.outputs {
            if names.contains(&name.as_str()) {
                return Err(FrameError::DuplicateOutput { name: name.clone() });
            }
            names.push(name);
        }
        for (c, agg) in &self.aggs {
            if let Agg::Quantile(q) = agg
                && !(0.0..=1.0).contains(q)
            {
                return Err(FrameError::Quantile { column: c.clone(), q: *q });
            }
        }
        let run = self.frame.runner(self.frame.needed(&self.inputs())?);
        let spec = Arc::new(self.spec());
        let errors = Arc::new(Failures::new(self.partitions()));
        let g = Graph::new();
        let task = {
            let (errors, spec, run) = (errors.clone(), spec.clone(), run.clone());
            g.delayed1("read-filter-partial", move |p: &usize| {
                errors.keep(*p, run.chunk(*p).and_then(|(f, _)| groupby::partial(&f, &spec)))
            })
        };
        let merge = {
            let m = spec.columns.len();
            g.delayed2("merge", move |a: &Partial, b: &Partial| Ok::<_, String>(a.clone().merge(b, m)))
        };
        let finish = {
            let spec = spec.clone();
            g.delayed1("finish", move |p: &Partial| {
                Ok::<_, String>(match p.overflow() {
                    Some(over) => Err(over),
                    None => Ok(p.finish(&spec, &key_types)),
                })
            })
        };
        let parts = self.frame.source.partitions.len();
        let mut level: Vec<Delayed<Partial>> = (0..parts).map(|p| task.call(&g.value(p))).collect();
        // `read_csv` refuses a read without partitions, so `level` is not empty.
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| if let [a, b] = pair { merge.call(a, b) } else { pair[0].clone() })
                .collect();
        }
        let out = finish.call(&level[0]);
        Ok(Planned { graph: g, out, errors, run })
    }

    /// Computes the aggregation: one row per group, sorted by key; groups
    /// whose key is null are left out, as pandas does.
    pub fn compute(&self, exec: &Executor) -> Result<DataFrame> {
        let Planned { out, errors, run, .. } = self.graph()?;
        errors.finish(out.compute(exec), |q| run.check(q))?.map_err(held_error)
    }

    /// Number of partitions, hence of [`Aggregation::partial`] calls.
    pub fn partitions(&self) -> usize {
        self.frame.partitions()
    }

    /// Partition `p`'s share of the aggregation: what a task of
    /// [`Aggregation::compute`] computes, for running the partitions
    /// elsewhere (over MPI, say); it serializes with serde.
    pub fn partial(&self, p: usize) -> Result<PartialAggregate> {
        self.graph()?; // validates the query
        let run = self.frame.runner(self.frame.needed(&self.inputs())?);
        let (frame, _) = run.chunk(p)?;
        Ok(PartialAggregate(groupby::partial(&frame, &self.spec())?))
    }

    /// The result from every partition's share, in partition order, merged
    /// in the same tree as [`Aggregation::compute`] merges them, so the
    /// result is the same bit for bit.
    pub fn combine(&self, parts: Vec<PartialAggregate>) -> Result<DataFrame> {
        let spec = self.spec();
        let m = spec.columns.len();
        let mut level: Vec<Partial> = parts.into_iter().map(|p| p.0).collect();
        if level.is_empty() {
            level.push(Partial::default());
        }
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| if let [a, b] = pair { a.clone().merge(b, m) } else { pair[0].clone() })
                .collect();
        }
        if let Some(over) = level[0].overflow() {
            return Err(held_error(over));
        }
        Ok(level[0].finish(&spec, &self.key_types()?))
    }

    /// The task graph, in DOT (dask's `visualize`).
    pub fn to_dot(&self, rankdir: RankDir) -> Result<String> {
        let Planned { graph, out, .. } = self.graph()?;
        Ok(graph.to_dot(&[out.node()], rankdir))
    }

    /// The task graph, written as `<stem>.dot` and `<stem>.svg` when
    /// Graphviz is installed.
    pub fn visualize(&self, rankdir: RankDir, stem: &std::path::Path) -> Result<executors::Drawing> {
        let Planned { graph, out, .. } = self.graph()?;
        graph
            .visualize(&[out.node()], rankdir, stem)
            .map_err(|source| FrameError::Io { path: stem.to_owned(), error: source })
    }

    /// The optimised plan, as text.
    pub fn explain(&self) -> Result<String> {
        self.graph()?;
        let aggs: Vec<String> =
            self.spec().outputs.iter().map(|(_, a, name)| format!("{}:{name}", a.name())).collect();
        let top = format!(
            "GroupBy [{}] agg [{}] (partial per partition, tree merge, {})",
            self.keys.join(", "),
            aggs.join(", "),
            if self.sort { "sorted by key" } else { "in order of first appearance" }
        );
        self.frame.explain_with(&self.inputs(), vec![top])
    }
}

/// The error of a kept state past its limit: `(held, limit)`.
fn held_error((held, limit): (u64, u64)) -> FrameError {
    FrameError::TooManyHeldValues { held, limit }
}

/// One partition's share of an aggregation ([`Aggregation::partial`]).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PartialAggregate(Partial);

/// A group-by's task graph, its output node, where tasks leave their
/// typed errors, and what reads a partition again.
struct Planned {
    graph: Graph,
    /// The result, or `(values held, limit)` past the limit.
    out: Delayed<std::result::Result<DataFrame, (u64, u64)>>,
    errors: Arc<Failures>,
    run: Arc<Runner>,
}

/// What a partition task needs: the source, the operations, the columns.
#[derive(Debug)]
struct Runner {
    source: Arc<Source>,
    ops: Vec<Op>,
    columns: Vec<usize>,
    kept: Option<Arc<crate::persist::Kept>>,
}

impl Runner {
    /// Reads partition `p` and applies the operations; with what it read.
    fn chunk(&self, p: usize) -> Result<(DataFrame, ReadStats)> {
        if let Some(kept) = &self.kept {
            let (frame, stats) = kept.partition(p, &self.columns);
            return Ok((self.apply_from(frame, p, kept.ops)?, stats));
        }
        let part = &self.source.partitions[p];
        // A filter first on Parquet files is applied as the row group is
        // decoded: the other columns are read at the rows it keeps only.
        let (parsed, first) = match self.ops.first() {
            Some(Op::Filter(e)) if self.source.format == csv::Format::Parquet && !self.source.path_column => {
                (crate::parquet::read_row_group_filtered(&self.source, part, &self.columns, e)?, 1)
            }
            _ => (crate::read::parse_partition(&self.source, part, &self.columns)?, 0),
        };
        let Parsed { columns, rows, skipped, bytes } = parsed;
        let names: Vec<String> =
            self.columns.iter().map(|&i| self.source.file_schema.fields[i].name.clone()).collect();
        let frame = if columns.is_empty() {
            DataFrame::rows_only(rows)
        } else {
            DataFrame::from_parts(names, columns)
        };
        let frame = self.apply_from(frame, p, first)?;
        // `as`: a buffer's length fits a u64.
        Ok((frame, ReadStats { partitions: 1, skipped_rows: skipped, most_bytes_read: bytes as u64 }))
    }

    /// Applies the operations from `ops[first]` on to partition `p`'s rows.
    fn apply_from(&self, mut frame: DataFrame, p: usize, first: usize) -> Result<DataFrame> {
        for op in &self.ops[first..] {
            frame = match op {
                Op::Map(m) => m.call(frame, &self.place(p))?,
                _ => apply(frame, op)?,
            };
        }
        Ok(frame)
    }

    /// Partition `p`'s number, file and byte range, for messages.
    fn place(&self, p: usize) -> crate::map::Place {
        let part = &self.source.partitions[p];
        crate::map::Place {
            partition: p,
            location: format!(
                "{}, bytes {}..{}",
                self.source.files[part.file].display(),
                part.start,
                part.end
            ),
        }
    }

    /// Reads partition `p` again, for its error only.
    fn check(&self, p: usize) -> Result<()> {
        self.chunk(p).map(drop)
    }
}

fn apply(frame: DataFrame, op: &Op) -> Result<DataFrame> {
    Ok(match op {
        Op::Filter(e) => {
            let keep = mask(e, &frame)?;
            frame.filter(&keep)
        }
        Op::Select(cols) => {
            let columns = cols
                .iter()
                .map(|c| {
                    frame.column(c).cloned().ok_or_else(|| FrameError::UnknownColumn {
                        name: c.clone(),
                        available: frame.names().to_vec(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            DataFrame::from_parts(cols.clone(), columns)
        }
        Op::WithColumn(name, e) => {
            let column = match eval(e, &frame)? {
                crate::expr::Evaluated::Column(c) => c.into_owned(),
                crate::expr::Evaluated::Mask(m) => crate::Column::Bool { values: m, valid: vec![] },
                // A constant on every row, as pandas' `df[name] = 5`.
                crate::expr::Evaluated::Scalar(v) => {
                    crate::Column::constant(&v, frame.height()).ok_or_else(|| FrameError::Type {
                        column: name.clone(),
                        dtype: DType::Float64,
                        operation: "a column of a null constant (it has no type)".into(),
                    })?
                }
            };
            let mut names: Vec<String> = frame.names().to_vec();
            let mut columns: Vec<crate::Column> = frame.columns().to_vec();
            match names.iter().position(|n| n == name) {
                Some(i) => columns[i] = column,
                None => {
                    names.push(name.clone());
                    columns.push(column);
                }
            }
            DataFrame::from_parts(names, columns)
        }
        Op::Join(j) => j.apply(frame)?,
        // `Runner::chunk` applies map operations itself, with their
        // partition; any other caller has a single frame.
        Op::Map(m) => {
            m.call(frame, &crate::map::Place { partition: 0, location: "a single frame".into() })?
        }
    })
}

fn step_schema(mut schema: Schema, op: &Op) -> Result<Schema> {
    let unknown = |name: &str, schema: &Schema| FrameError::UnknownColumn {
        name: name.to_owned(),
        available: schema.names(),
    };
    match op {
        Op::Filter(e) => {
            for c in e.columns() {
                schema.index_of(&c).ok_or_else(|| unknown(&c, &schema))?;
            }
        }
        Op::Select(cols) => {
            let fields = cols
                .iter()
                .map(|c| {
                    schema.fields.iter().find(|f| &f.name == c).cloned().ok_or_else(|| unknown(c, &schema))
                })
                .collect::<Result<Vec<_>>>()?;
            schema = Schema { fields };
        }
        Op::WithColumn(name, e) => {
            for c in e.columns() {
                schema.index_of(&c).ok_or_else(|| unknown(&c, &schema))?;
            }
            let dtype = e.dtype(&schema)?;
            match schema.index_of(name) {
                Some(i) => schema.fields[i].dtype = dtype,
                None => schema.fields.push(crate::Field { name: name.clone(), dtype }),
            }
        }
        Op::Join(j) => schema = j.schema(&schema)?,
        Op::Map(m) => schema = m.schema.clone(),
    }
    Ok(schema)
}

fn empty_frame(schema: &Schema) -> DataFrame {
    DataFrame::from_parts(
        schema.names(),
        schema.fields.iter().map(|f| crate::Column::empty(f.dtype)).collect(),
    )
}
