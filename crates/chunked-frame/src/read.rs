//! Reading one partition: the dispatch to the reader of its format (a
//! Parquet row group, a compressed file's stream, a plain file's range in
//! pieces) and the path column added after. Above the readers, which share
//! the vocabulary of [`crate::csv`] below them.

use std::sync::Arc;

use crate::column::Column;
use crate::csv::{Format, Parsed, Source};
use crate::decode::Compression;
use crate::error::Result;
use crate::pieces::PIECE;
use crate::split::Partition;

/// Reads and parses one partition, materializing only `columns` (positions
/// in the header).
pub(crate) fn parse_partition(source: &Arc<Source>, part: &Partition, columns: &[usize]) -> Result<Parsed> {
    let last = source.file_schema.fields.len() - 1;
    if source.path_column
        && let Some(at) = columns.iter().position(|&c| c == last)
    {
        // The path column: the others read, then the path for every row.
        let others: Vec<usize> = columns.iter().copied().filter(|&c| c != last).collect();
        let mut parsed = parse_file_columns(source, part, &others)?;
        let path = source.files[part.file].display().to_string();
        parsed.columns.insert(at, Column::Str { dict: vec![path], codes: vec![0; parsed.rows] });
        return Ok(parsed);
    }
    parse_file_columns(source, part, columns)
}

/// [`parse_partition`] of columns the files hold.
fn parse_file_columns(source: &Arc<Source>, part: &Partition, columns: &[usize]) -> Result<Parsed> {
    if source.format == Format::Parquet {
        return crate::parquet::read_row_group(source, part, columns);
    }
    if source.compression[part.file] != Compression::Uncompressed {
        return crate::compressed::parse(source, part.file, part.start, columns);
    }
    thread_local! {
        /// The read buffer, kept by each worker thread from one partition to
        /// the next, so that its pages are not faulted in again each time.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|b| {
        let mut buf = b.take();
        let index = source.partition_index(part);
        let out = crate::pieces::parse_range(source, part, index, columns, &mut buf, PIECE, None);
        // Keep the buffer unless a long row grew it far beyond a piece, so
        // that idle threads do not hold on to it.
        if buf.capacity() <= PIECE.saturating_mul(4) {
            b.replace(buf);
        }
        out
    })
}
