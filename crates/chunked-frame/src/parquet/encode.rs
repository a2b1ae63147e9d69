//! Column chunks encoded apart from the file, each into bytes of its own
//! (so that a row group's chunks, and several row groups', encode in
//! parallel), then spliced into the file in order by the `parquet` crate's
//! `append_column`, which moves their offsets: the file is the one the
//! row group writer makes chunk by chunk.

use bytes::Bytes;
use parquet::column::writer::{
    ColumnCloseResult, ColumnWriter, get_column_writer, get_typed_column_writer_mut,
};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::Result;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;
use std::sync::Arc;

use crate::column::{Column, NULL_CODE};

/// One encoded column chunk: its bytes and what closing its writer said.
pub(super) type Chunk = (Bytes, ColumnCloseResult);

/// Encodes `column` as a column chunk of `descr` under `props`.
pub(super) fn chunk(column: &Column, descr: ColumnDescPtr, props: Arc<WriterProperties>) -> Result<Chunk> {
    let mut sink = TrackedWrite::new(Vec::new());
    let close = {
        let pages = Box::new(SerializedPageWriter::new(&mut sink));
        let mut writer = get_column_writer(descr, props, pages);
        values(&mut writer, column)?;
        writer.close()?
    };
    Ok((Bytes::from(sink.into_inner()?), close))
}

/// Writes a column's values (the non-null ones) and definition levels (1
/// valid, 0 null).
fn values(w: &mut ColumnWriter<'_>, column: &Column) -> Result<()> {
    match column {
        Column::Int64 { values, valid } => {
            let (v, d) = dense(values, valid);
            get_typed_column_writer_mut::<Int64Type>(w).write_batch(&v, Some(&d), None)?;
        }
        Column::Float64 { values, valid } => {
            let (v, d) = dense(values, valid);
            get_typed_column_writer_mut::<DoubleType>(w).write_batch(&v, Some(&d), None)?;
        }
        Column::Bool { values, valid } => {
            let (v, d) = dense(values, valid);
            get_typed_column_writer_mut::<BoolType>(w).write_batch(&v, Some(&d), None)?;
        }
        Column::Str { dict, codes } => {
            let arrays: Vec<ByteArray> = dict.iter().map(|s| ByteArray::from(s.as_str())).collect();
            let v: Vec<ByteArray> = codes
                .iter()
                .filter(|&&c| c != NULL_CODE)
                // `as`: a u32 code fits a usize.
                .map(|&c| arrays[c as usize].clone())
                .collect();
            let d: Vec<i16> = codes.iter().map(|&c| i16::from(c != NULL_CODE)).collect();
            get_typed_column_writer_mut::<ByteArrayType>(w).write_batch(&v, Some(&d), None)?;
        }
    }
    Ok(())
}

/// The non-null values and the definition levels (1 valid, 0 null).
fn dense<T: Copy>(values: &[T], valid: &[bool]) -> (Vec<T>, Vec<i16>) {
    if valid.is_empty() {
        return (values.to_vec(), vec![1; values.len()]);
    }
    let v = values.iter().zip(valid).filter(|(_, ok)| **ok).map(|(x, _)| *x).collect();
    (v, valid.iter().map(|&ok| i16::from(ok)).collect())
}
