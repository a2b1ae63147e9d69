//! The files a sweep writes its rows to (`--out`, `--records`,
//! `--state-probabilities`): CSV, or Parquet when the path ends in
//! `.parquet`, with the same columns and values typed (unsigned 64-bit
//! counts and seeds as UINT64, other integers as INT64, floats as DOUBLE,
//! strings as UTF8; an empty CSV field is a null). Parquet rows are
//! converted here, at the edge, into `chunked_frame` columns a row group at
//! a time and written by its `ParquetWriter`: memory holds one row group.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use chunked_frame::{Column, DType, DataFrame, Field, NULL_CODE, ParquetWriter, Schema, WriterOptions};
use executors::output::Output;
use queue_sim::{Record, TrialResult};

/// Rows a Parquet row group holds (the last one may hold fewer).
pub(crate) const ROW_GROUP: usize = 1 << 16;

/// The format of a file of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Comma-separated text with a header (the default).
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// Parquet when the path ends in `.parquet` (in any case), CSV
    /// otherwise (standard output included).
    pub(crate) fn of(path: &Path) -> Self {
        let parquet = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        if parquet { Self::Parquet } else { Self::Csv }
    }
}

/// Refuses a Parquet path for an output that writes another kind of file
/// (`flag` names it, `what` says what it writes).
pub(crate) fn refuse_parquet(path: Option<&Path>, flag: &str, what: &str) -> Result<()> {
    if let Some(path) = path.filter(|p| Format::of(p) == Format::Parquet) {
        bail!(
            "{flag} {} ends in .parquet, but {flag} writes {what}: give it another name \
             (Parquet is written for the rows of --out, --records and --state-probabilities)",
            path.display()
        );
    }
    Ok(())
}

/// Refuses, before any run, a sweep whose seeds a Parquet output among
/// `outputs` could not hold (its columns are int64; the last seed is
/// `seed + trials - 1`).
pub(crate) fn check_seeds(outputs: &[Option<&Path>], seed: u64, trials: u64) -> Result<()> {
    let last = seed.saturating_add(trials.saturating_sub(1));
    let parquet = outputs.iter().flatten().find(|p| Format::of(p) == Format::Parquet);
    if let Some(path) = parquet
        && i64::try_from(last).is_err()
    {
        bail!(
            "seed {last} is beyond the largest int64 ({}), which the Parquet file {} can hold: \
             lower --seed or write CSV (give the output another extension)",
            i64::MAX,
            path.display()
        );
    }
    Ok(())
}

/// Writes a sweep's rows to `output`, in the format its path names.
pub(crate) fn write(output: &Output, rows: &[TrialResult]) -> Result<()> {
    match Format::of(output.path()) {
        Format::Csv => output.write(|w| write_rows(w, rows))?,
        Format::Parquet => {
            let mut failure = None;
            let written = output.write(|w| {
                write_parquet(w, rows, output.path()).map_err(|e| {
                    let message = e.to_string();
                    failure = Some(e);
                    std::io::Error::other(message)
                })
            });
            if let Some(e) = failure {
                return Err(e.context(format!("cannot write {}", output.path().display())));
            }
            written?;
        }
    }
    Ok(())
}

/// Writes sweep rows as Parquet, a row group per [`ROW_GROUP`] rows.
fn write_parquet(w: &mut dyn Write, rows: &[TrialResult], name: &Path) -> Result<()> {
    let mut table = Table::new(&TRIAL_COLUMNS);
    if rows.iter().any(|r| r.time_to_deadlock.is_some()) {
        table.add("time_to_deadlock", Kind::Float);
    }
    let mut out = ParquetWriter::with_options(w, &table.schema(), name, &table.options())?;
    for chunk in rows.chunks(ROW_GROUP) {
        for r in chunk {
            trial_row(&mut table, r)?;
            if table.width() > TRIAL_COLUMNS.len() {
                table.float(r.time_to_deadlock);
            }
        }
        out.write(&table.take())?;
    }
    out.finish()?;
    Ok(())
}

/// A column's kind in a [`Table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Signed integers: INT64.
    Int,
    /// Unsigned 64-bit integers: UINT64.
    Unsigned,
    /// Floats: DOUBLE; NaN is a null, as it is an empty CSV field.
    Float,
    /// Strings: UTF8.
    Str,
}

/// The columns of a sweep's row, as `write_rows` writes them.
const TRIAL_COLUMNS: [(&str, Kind); 5] = [
    ("servers", Kind::Int),
    ("seed", Kind::Unsigned),
    ("records", Kind::Unsigned),
    ("mean_wait", Kind::Float),
    ("utilisation", Kind::Float),
];

/// A row's server count and seed, the first columns of every file.
fn lead(table: &mut Table, r: &TrialResult) -> Result<()> {
    table.int(r.servers.map(i64::try_from).transpose()?);
    table.unsigned(r.seed, "seed")?;
    Ok(())
}

/// Appends a sweep row, all but `time_to_deadlock`.
fn trial_row(table: &mut Table, r: &TrialResult) -> Result<()> {
    lead(table, r)?;
    table.unsigned(u64::try_from(r.records)?, "records")?;
    table.float(r.mean_wait);
    table.float(r.utilisation);
    Ok(())
}

/// The rows of a file a sweep streams run by run (records, state
/// probabilities): their CSV header and lines, or their Parquet columns.
pub(crate) trait RunRows<T> {
    /// The CSV header.
    fn header(&self) -> String;
    /// Writes run `row`'s lines of CSV.
    fn csv(&self, w: &mut dyn Write, row: &TrialResult, more: &T) -> std::io::Result<()>;
    /// An empty table of the Parquet columns.
    fn table(&self) -> Table;
    /// Appends run `row`'s rows to `table`, flushing full row groups to `out`.
    fn append(
        &self,
        table: &mut Table,
        row: &TrialResult,
        more: &T,
        out: &mut ParquetWriter<'_>,
    ) -> Result<()>;
}

/// The rows of one part of what a run gives (`Part(rows, pick)`): each of
/// several files written from the same runs takes its own part.
pub(crate) struct Part<'r, A, T>(pub(crate) &'r dyn RunRows<A>, pub(crate) fn(&T) -> &A);

impl<A, T> RunRows<T> for Part<'_, A, T> {
    fn header(&self) -> String {
        self.0.header()
    }
    fn csv(&self, w: &mut dyn Write, row: &TrialResult, more: &T) -> std::io::Result<()> {
        self.0.csv(w, row, (self.1)(more))
    }
    fn table(&self) -> Table {
        self.0.table()
    }
    fn append(
        &self,
        table: &mut Table,
        row: &TrialResult,
        more: &T,
        out: &mut ParquetWriter<'_>,
    ) -> Result<()> {
        self.0.append(table, row, (self.1)(more), out)
    }
}

/// `--records`: every record of every run after its server count and seed.
pub(crate) struct Records {
    /// Class names by number (a class without one is written by number).
    pub(crate) classes: Vec<String>,
}

impl RunRows<Vec<Record>> for Records {
    fn header(&self) -> String {
        format!("servers,seed,{}", queue_sim::CSV_HEADER.join(","))
    }

    fn csv(&self, w: &mut dyn Write, row: &TrialResult, recs: &Vec<Record>) -> std::io::Result<()> {
        let lead = [row.servers.map(|c| c.to_string()).unwrap_or_default(), row.seed.to_string()];
        queue_sim::write_csv_rows(recs, &self.classes, &lead, w).map_err(std::io::Error::other)
    }

    fn table(&self) -> Table {
        let mut kinds = vec![("servers", Kind::Int), ("seed", Kind::Unsigned)];
        for (i, name) in queue_sim::CSV_HEADER.iter().enumerate() {
            let kind = match i {
                0 => Kind::Unsigned,
                1 | 2 | 15 => Kind::Str,
                3 | 11..=14 => Kind::Int,
                _ => Kind::Float,
            };
            kinds.push((name, kind));
        }
        Table::new(&kinds)
    }

    fn append(
        &self,
        table: &mut Table,
        row: &TrialResult,
        recs: &Vec<Record>,
        out: &mut ParquetWriter<'_>,
    ) -> Result<()> {
        let mut number = String::new();
        for r in recs {
            lead(table, row)?;
            table.unsigned(r.id_number, "id_number")?;
            for class in [r.customer_class, r.original_customer_class] {
                match usize::try_from(class).ok().and_then(|c| self.classes.get(c)) {
                    Some(name) => table.str(Some(name)),
                    None => {
                        number.clear();
                        write_number(&mut number, class);
                        table.str(Some(&number));
                    }
                }
            }
            table.int(Some(i64::from(r.node)));
            for x in [
                r.arrival_date,
                r.waiting_time,
                r.service_start_date,
                r.service_time,
                r.service_end_date,
                r.time_blocked,
                r.exit_date,
            ] {
                table.float(Some(x));
            }
            table.int(r.destination.map(i64::from));
            table.int(Some(i64::from(r.queue_size_at_arrival)));
            table.int(r.queue_size_at_departure.map(i64::from));
            table.int(r.server_id.map(i64::from));
            table.str(Some(r.record_type.as_str()));
            if table.len() >= ROW_GROUP {
                out.write(&table.take())?;
            }
        }
        Ok(())
    }
}

fn write_number(s: &mut String, n: u32) {
    use std::fmt::Write as _;
    let _ = write!(s, "{n}");
}

/// `--state-probabilities`: each run's states and their probabilities.
pub(crate) struct States;

impl RunRows<queue_sim::StateShares> for States {
    fn header(&self) -> String {
        "servers,seed,state,probability".into()
    }

    fn csv(
        &self,
        w: &mut dyn Write,
        row: &TrialResult,
        shares: &queue_sim::StateShares,
    ) -> std::io::Result<()> {
        let servers = row.servers.map(|c| c.to_string()).unwrap_or_default();
        for (state, p) in shares {
            // States hold commas: quoted, as CSV quotes them.
            writeln!(w, "{servers},{},\"{state}\",{p:?}", row.seed)?;
        }
        Ok(())
    }

    fn table(&self) -> Table {
        Table::new(&[
            ("servers", Kind::Int),
            ("seed", Kind::Unsigned),
            ("state", Kind::Str),
            ("probability", Kind::Float),
        ])
    }

    fn append(
        &self,
        table: &mut Table,
        row: &TrialResult,
        shares: &queue_sim::StateShares,
        out: &mut ParquetWriter<'_>,
    ) -> Result<()> {
        for (state, p) in shares {
            lead(table, row)?;
            table.str(Some(state));
            table.float(Some(*p));
            if table.len() >= ROW_GROUP {
                out.write(&table.take())?;
            }
        }
        Ok(())
    }
}

/// Columns filled a row at a time, each value pushed in column order,
/// and taken a row group at a time as a frame.
pub(crate) struct Table {
    names: Vec<String>,
    kinds: Vec<Kind>,
    columns: Vec<Buffer>,
    /// The column the next value goes to.
    next: usize,
}

/// One column's values so far.
enum Buffer {
    Int { values: Vec<i64>, valid: Vec<bool> },
    Float { values: Vec<f64>, valid: Vec<bool> },
    Str { dict: Vec<String>, index: HashMap<String, u32>, codes: Vec<u32> },
}

impl Buffer {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Int | Kind::Unsigned => Self::Int { values: Vec::new(), valid: Vec::new() },
            Kind::Float => Self::Float { values: Vec::new(), valid: Vec::new() },
            Kind::Str => Self::Str { dict: Vec::new(), index: HashMap::new(), codes: Vec::new() },
        }
    }
}

impl Table {
    /// An empty table of these columns.
    pub(crate) fn new(columns: &[(&str, Kind)]) -> Self {
        let mut t = Self { names: Vec::new(), kinds: Vec::new(), columns: Vec::new(), next: 0 };
        for &(name, kind) in columns {
            t.add(name, kind);
        }
        t
    }

    fn add(&mut self, name: &str, kind: Kind) {
        self.names.push(name.to_owned());
        self.kinds.push(kind);
        self.columns.push(Buffer::new(kind));
    }

    fn width(&self) -> usize {
        self.columns.len()
    }

    /// Complete rows held.
    pub(crate) fn len(&self) -> usize {
        match self.columns.last() {
            Some(Buffer::Int { values, .. }) => values.len(),
            Some(Buffer::Float { values, .. }) => values.len(),
            Some(Buffer::Str { codes, .. }) => codes.len(),
            None => 0,
        }
    }

    /// The frames' schema.
    pub(crate) fn schema(&self) -> Schema {
        let dtype = |k: Kind| match k {
            Kind::Int | Kind::Unsigned => DType::Int64,
            Kind::Float => DType::Float64,
            Kind::Str => DType::Str,
        };
        Schema {
            fields: self
                .names
                .iter()
                .zip(&self.kinds)
                .map(|(n, &k)| Field { name: n.clone(), dtype: dtype(k) })
                .collect(),
        }
    }

    /// The writer's options: the unsigned columns.
    pub(crate) fn options(&self) -> WriterOptions {
        let unsigned: Vec<&str> = self
            .names
            .iter()
            .zip(&self.kinds)
            .filter(|(_, k)| **k == Kind::Unsigned)
            .map(|(n, _)| n.as_str())
            .collect();
        WriterOptions::default().unsigned(&unsigned)
    }

    /// The column the next value goes to, moving on.
    fn column(&mut self) -> &mut Buffer {
        let i = self.next;
        self.next = if i + 1 == self.columns.len() { 0 } else { i + 1 };
        &mut self.columns[i]
    }

    fn int(&mut self, x: Option<i64>) {
        let Buffer::Int { values, valid } = self.column() else {
            unreachable!("values come in column order")
        };
        values.push(x.unwrap_or(0));
        valid.push(x.is_some());
    }

    /// An unsigned value; beyond int64 it cannot be written (the frames'
    /// integers are int64), which is an error naming the column.
    fn unsigned(&mut self, x: u64, column: &str) -> Result<()> {
        let Ok(v) = i64::try_from(x) else {
            bail!(
                "{column} {x} is beyond the largest int64 ({}), which a Parquet file written here can hold: \
                 write CSV (give the output another extension)",
                i64::MAX
            )
        };
        self.int(Some(v));
        Ok(())
    }

    fn float(&mut self, x: Option<f64>) {
        let x = x.filter(|v| !v.is_nan());
        let Buffer::Float { values, valid } = self.column() else {
            unreachable!("values come in column order")
        };
        values.push(x.unwrap_or(f64::NAN));
        valid.push(x.is_some());
    }

    fn str(&mut self, s: Option<&str>) {
        let Buffer::Str { dict, index, codes } = self.column() else {
            unreachable!("values come in column order")
        };
        let code = match s {
            None => NULL_CODE,
            Some(s) => match index.get(s) {
                Some(&c) => c,
                None => {
                    // A code per distinct string of a row group, far fewer
                    // than u32::MAX (it holds ROW_GROUP rows and a run's).
                    let c = u32::try_from(dict.len()).unwrap_or(NULL_CODE - 1);
                    dict.push(s.to_owned());
                    index.insert(s.to_owned(), c);
                    c
                }
            },
        };
        codes.push(code);
    }

    /// The rows held as a frame, leaving the table empty.
    pub(crate) fn take(&mut self) -> DataFrame {
        let columns = self
            .columns
            .iter_mut()
            .zip(&self.kinds)
            .map(|(b, &k)| {
                let taken = std::mem::replace(b, Buffer::new(k));
                match taken {
                    Buffer::Int { values, valid } => Column::Int64 { values, valid: all_or_none(valid) },
                    Buffer::Float { values, valid } => Column::Float64 { values, valid: all_or_none(valid) },
                    Buffer::Str { dict, codes, .. } => Column::Str { dict, codes },
                }
            })
            .collect();
        DataFrame::new(self.names.clone(), columns).expect("columns of one length, names distinct")
    }
}

/// A validity that is empty when every value is valid (the columns' convention).
fn all_or_none(valid: Vec<bool>) -> Vec<bool> {
    if valid.iter().all(|&v| v) { Vec::new() } else { valid }
}

/// Streams the rows `rows` describes to `w` in `format`: the CSV header now,
/// then each run's rows as `run` hands them; `finish` writes Parquet's
/// last row group and footer.
pub(crate) enum Sink<'w, 'r, T> {
    /// CSV lines straight to the output.
    Csv(&'w mut dyn Write, &'r dyn RunRows<T>),
    /// Parquet row groups.
    Parquet(Box<(ParquetWriter<'w>, Table)>, &'r dyn RunRows<T>),
}

impl<'w, 'r, T> Sink<'w, 'r, T> {
    /// A sink writing to `w` (the output named `name`) in `format`.
    pub(crate) fn new(
        w: &'w mut dyn Write,
        format: Format,
        rows: &'r dyn RunRows<T>,
        name: &Path,
    ) -> Result<Self> {
        Ok(match format {
            Format::Csv => {
                writeln!(w, "{}", rows.header())?;
                Self::Csv(w, rows)
            }
            Format::Parquet => {
                let table = rows.table();
                let out = ParquetWriter::with_options(w, &table.schema(), name, &table.options())?;
                Self::Parquet(Box::new((out, table)), rows)
            }
        })
    }

    /// Writes one run's rows.
    pub(crate) fn run(&mut self, row: &TrialResult, more: &T) -> Result<()> {
        match self {
            Self::Csv(w, rows) => rows.csv(&mut **w, row, more)?,
            Self::Parquet(parts, rows) => {
                let (out, table) = &mut **parts;
                rows.append(table, row, more, out)?;
            }
        }
        Ok(())
    }

    /// Ends the file.
    pub(crate) fn finish(self) -> Result<()> {
        if let Self::Parquet(parts, _) = self {
            let (mut out, mut table) = *parts;
            if table.len() > 0 {
                out.write(&table.take())?;
            }
            out.finish()?;
        }
        Ok(())
    }
}

/// Writes sweep rows; floats in shortest round-trip form, NaN and infinite
/// servers as empty fields.
fn write_rows(out: &mut dyn Write, rows: &[TrialResult]) -> std::io::Result<()> {
    // Runs until deadlock say when.
    let deadlock = rows.iter().any(|r| r.time_to_deadlock.is_some());
    let extra = if deadlock { ",time_to_deadlock" } else { "" };
    writeln!(out, "servers,seed,records,mean_wait,utilisation{extra}")?;
    let opt = |x: Option<String>| x.unwrap_or_default();
    for r in rows {
        let wait = r.mean_wait.map(|w| format!("{w:?}")).unwrap_or_default();
        write!(
            out,
            "{},{},{},{},{}",
            opt(r.servers.map(|c| c.to_string())),
            r.seed,
            r.records,
            wait,
            opt(r.utilisation.map(|u| format!("{u:?}")))
        )?;
        if deadlock {
            write!(out, ",{}", opt(r.time_to_deadlock.map(|t| format!("{t:?}"))))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
