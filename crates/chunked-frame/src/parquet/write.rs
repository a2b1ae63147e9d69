//! Parquet output: [`ParquetWriter`] writes frames of one schema as row
//! groups (their column chunks encoded in parallel by `encode.rs`), and
//! `DataFrame::write_parquet`, `LazyFrame::write_parquet` and
//! `LazyFrame::to_parquet` write a frame or a query's result.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use executors::Executor;
use parquet::basic::{LogicalType, Repetition, Type as Physical};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{SchemaDescriptor, Type};

use super::{encode, parquet_error};
use crate::column::{Column, DataFrame};
use crate::dtype::{DType, Field, Schema};
use crate::error::{FrameError, Result};
use crate::failure::Failures;
use crate::frame::LazyFrame;

/// Options of a [`ParquetWriter`].
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct WriterOptions {
    /// Int64 columns stored as unsigned 64-bit integers (Parquet's
    /// `UINT_64`), for counts and seeds; a negative value in them is an
    /// error when written.
    pub unsigned: Vec<String>,
}

impl WriterOptions {
    /// Stores these int64 columns as unsigned 64-bit integers.
    pub fn unsigned(mut self, columns: &[&str]) -> Self {
        self.unsigned = columns.iter().map(|c| (*c).to_owned()).collect();
        self
    }
}

/// A writer that collects the bytes the Parquet writer emits (which must
/// be `Send`), for [`ParquetWriter`] to pass on after each row group.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<u8>>>);

impl Write for Collected {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes frames of one schema as the row groups of a Parquet file
/// (snappy-compressed, strings dictionary-encoded, every column optional),
/// holding no more than one row group's encoded bytes.
pub struct ParquetWriter<'w> {
    out: &'w mut dyn Write,
    collected: Collected,
    writer: Option<SerializedFileWriter<Collected>>,
    schema: Schema,
    /// Per column: stored as an unsigned 64-bit integer.
    unsigned: Vec<bool>,
    /// The file's columns, as their chunks are encoded apart.
    descr: Arc<SchemaDescriptor>,
    props: Arc<WriterProperties>,
    /// The destination's name, for messages.
    name: std::path::PathBuf,
}

impl<'w> ParquetWriter<'w> {
    /// A writer of frames of `schema` to `out`; `name` names the
    /// destination in errors.
    pub fn new(out: &'w mut dyn Write, schema: &Schema, name: &Path) -> Result<Self> {
        Self::with_options(out, schema, name, &WriterOptions::default())
    }

    /// [`ParquetWriter::new`] with options; an unsigned column that the
    /// schema lacks or that is not int64 is an error.
    pub fn with_options(
        out: &'w mut dyn Write,
        schema: &Schema,
        name: &Path,
        options: &WriterOptions,
    ) -> Result<Self> {
        let err = parquet_error(name);
        let mut unsigned = vec![false; schema.fields.len()];
        for u in &options.unsigned {
            match schema.fields.iter().position(|f| f.name == *u) {
                Some(i) if schema.fields[i].dtype == DType::Int64 => unsigned[i] = true,
                found => {
                    return Err(FrameError::Parquet {
                        path: name.to_owned(),
                        message: match found {
                            Some(i) => format!(
                                "column {u:?} is to be stored unsigned, but it is {}, not int64",
                                schema.fields[i].dtype
                            ),
                            None => format!(
                                "column {u:?} is to be stored unsigned, but the columns are [{}]",
                                schema.names().join(", ")
                            ),
                        },
                    });
                }
            }
        }
        let fields = schema
            .fields
            .iter()
            .zip(&unsigned)
            .map(|(f, &unsigned)| {
                let (physical, logical) = match f.dtype {
                    DType::Int64 if unsigned => {
                        (Physical::INT64, Some(LogicalType::Integer { bit_width: 64, is_signed: false }))
                    }
                    DType::Int64 => (Physical::INT64, None),
                    DType::Float64 => (Physical::DOUBLE, None),
                    DType::Bool => (Physical::BOOLEAN, None),
                    DType::Str => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                };
                Type::primitive_type_builder(&f.name, physical)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_logical_type(logical)
                    .build()
                    .map(Arc::new)
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(&err)?;
        let root = Arc::new(Type::group_type_builder("schema").with_fields(fields).build().map_err(&err)?);
        let props = Arc::new(
            WriterProperties::builder().set_compression(parquet::basic::Compression::SNAPPY).build(),
        );
        let collected = Collected::default();
        let writer = SerializedFileWriter::new(collected.clone(), Arc::clone(&root), Arc::clone(&props))
            .map_err(&err)?;
        Ok(Self {
            out,
            collected,
            writer: Some(writer),
            descr: Arc::new(SchemaDescriptor::new(root)),
            props,
            schema: schema.clone(),
            unsigned,
            name: name.to_owned(),
        })
    }

    /// Writes `frame` as one row group; its columns must have the
    /// writer's names and types.
    pub fn write(&mut self, frame: &DataFrame) -> Result<()> {
        self.write_all(std::slice::from_ref(frame), &Executor::sequential())
    }

    /// Refuses a frame whose columns are not the writer's (names, types,
    /// no negative value in an unsigned column).
    fn check(&self, frame: &DataFrame) -> Result<()> {
        let names = self.schema.names();
        if frame.names() != names.as_slice() {
            return Err(FrameError::Parquet {
                path: self.name.clone(),
                message: format!(
                    "columns [{}] where the file has [{}]",
                    frame.names().join(", "),
                    names.join(", ")
                ),
            });
        }
        for ((f, c), &unsigned) in self.schema.fields.iter().zip(frame.columns()).zip(&self.unsigned) {
            if let (true, Column::Int64 { values, valid }) = (unsigned, c) {
                let negative =
                    values.iter().enumerate().find(|&(i, &v)| v < 0 && valid.get(i).is_none_or(|&ok| ok));
                if let Some((row, v)) = negative {
                    return Err(FrameError::Parquet {
                        path: self.name.clone(),
                        message: format!("column {:?} is stored unsigned, but row {row} holds {v}", f.name),
                    });
                }
            }
            if c.dtype() != f.dtype {
                return Err(FrameError::Type {
                    column: f.name.clone(),
                    dtype: c.dtype(),
                    operation: format!(
                        "writing it to a Parquet file whose column is {} (the type read from the sample; set its dtype to {} when reading)",
                        f.dtype,
                        c.dtype()
                    ),
                });
            }
        }
        Ok(())
    }

    /// Writes `frames` as row groups, in order, their column chunks
    /// encoded in parallel on `exec` (a task each); the bytes equal those
    /// of [`ParquetWriter::write`] called frame by frame. Memory holds the
    /// encoded chunks of all of `frames` until they are written.
    pub fn write_all(&mut self, frames: &[DataFrame], exec: &Executor) -> Result<()> {
        for frame in frames {
            self.check(frame)?;
        }
        let width = self.schema.fields.len();
        let tasks: Vec<(usize, usize)> =
            (0..frames.len()).flat_map(|f| (0..width).map(move |c| (f, c))).collect();
        let (descr, props) = (&self.descr, &self.props);
        let encoded = exec
            .map(tasks, |(f, c)| encode::chunk(&frames[f].columns()[c], descr.column(c), Arc::clone(props)))
            .map_err(|e| FrameError::Parquet { path: self.name.clone(), message: e.to_string() })?;
        let name = self.name.clone();
        let err = parquet_error(&name);
        let mut chunks = encoded.into_iter();
        for _ in frames {
            let writer = self.writer.as_mut().expect("open until finish");
            let mut group = writer.next_row_group().map_err(&err)?;
            for (bytes, close) in chunks.by_ref().take(width) {
                group.append_column(&bytes, close).map_err(&err)?;
            }
            group.close().map_err(&err)?;
            self.pass_on()?;
        }
        Ok(())
    }

    /// Writes the footer.
    pub fn finish(mut self) -> Result<()> {
        let writer = self.writer.take().expect("open until finish");
        writer.close().map_err(parquet_error(&self.name))?;
        self.pass_on()?;
        self.out.flush().map_err(|error| FrameError::Io { path: self.name.clone(), error })
    }

    /// Passes what the Parquet writer emitted on to the destination.
    fn pass_on(&mut self) -> Result<()> {
        let bytes =
            std::mem::take(&mut *self.collected.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        self.out.write_all(&bytes).map_err(|error| FrameError::Io { path: self.name.clone(), error })
    }
}

impl DataFrame {
    /// Writes the frame as a Parquet file of one row group.
    pub fn write_parquet(&self, out: &mut dyn Write) -> Result<()> {
        let schema = Schema {
            fields: self
                .names()
                .iter()
                .zip(self.columns())
                .map(|(n, c)| Field { name: n.clone(), dtype: c.dtype() })
                .collect(),
        };
        let mut w = ParquetWriter::new(out, &schema, Path::new("<parquet output>"))?;
        w.write(self)?;
        w.finish()
    }
}

impl LazyFrame {
    /// Computes the frame and writes it to `out` as Parquet, a row group
    /// per partition, partitions computed a batch (of the executor's
    /// workers) at a time and written in order. `name` names `out` in
    /// errors. A column whose type the sample inferred as int64 and that a
    /// partition widened to float64 is an error (the file's schema is
    /// written before the data): set its dtype when reading.
    pub fn write_parquet(&self, out: &mut dyn Write, name: &Path, exec: &Executor) -> Result<()> {
        let schema = self.schema()?;
        let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
        let run = self.clone().select(&names).partition_runner()?;
        let mut w = ParquetWriter::new(out, &schema, name)?;
        let batch = exec.workers().max(1);
        let count = self.partitions();
        for first in (0..count).step_by(batch) {
            let parts: Vec<usize> = (first..(first + batch).min(count)).collect();
            let errors = Failures::new(count);
            // Earlier batches succeeded: only this batch's partitions are read again.
            let recheck = |q: usize| if q < first { Ok(()) } else { run(q).map(drop) };
            let frames = errors.finish(exec.map(parts, |p| errors.keep(p, run(p))), recheck)?;
            let frames: Vec<DataFrame> = frames.into_iter().filter(|f| f.height() > 0).collect();
            w.write_all(&frames, exec)?;
        }
        w.finish()
    }

    /// [`LazyFrame::write_parquet`] to a file, written whole or not at all
    /// (through `executors::output::Output`).
    pub fn to_parquet(&self, path: &Path, exec: &Executor) -> Result<()> {
        let output = executors::output::Output::check(path)
            .map_err(|e| FrameError::Io { path: path.to_owned(), error: std::io::Error::other(e.problem) })?;
        let mut failure = None;
        let written = output.write(|w| {
            self.write_parquet(w, path, exec).map_err(|e| {
                let message = e.to_string();
                failure = Some(e);
                std::io::Error::other(message)
            })
        });
        if let Some(e) = failure {
            return Err(e);
        }
        written.map_err(|e| FrameError::Io { path: path.to_owned(), error: std::io::Error::other(e.problem) })
    }
}
