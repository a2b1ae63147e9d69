//! Compressed CSV files (gzip, zstd): chosen by extension or by option,
//! decoded as a stream, one partition per file (neither format can be
//! entered in the middle), parsed block by block so that a task holds a
//! block of decoded text and the columns it builds, never the whole text.
//! A thread of the task decodes the next pieces while the task parses, so
//! that one file keeps two cores busy.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::csv::{Block, Parsed, Sink, Source};
use crate::error::{FrameError, Result};
use crate::quoted::Scanner;

/// How a CSV file is compressed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// By the file name: `.gz` is gzip, `.zst` (or `.zstd`) is zstd, any
    /// other name is uncompressed. The default.
    #[default]
    Infer,
    /// Not compressed, whatever the name.
    Uncompressed,
    /// gzip (one or more concatenated members).
    Gzip,
    /// Zstandard (one or more frames).
    Zstd,
}

impl Compression {
    /// The compression of `path` under this option (never `Infer`).
    pub(crate) fn of(self, path: &Path) -> Compression {
        if self != Compression::Infer {
            return self;
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("gz") => Compression::Gzip,
            Some(e) if e.eq_ignore_ascii_case("zst") || e.eq_ignore_ascii_case("zstd") => Compression::Zstd,
            _ => Compression::Uncompressed,
        }
    }

    /// The format's name, for messages.
    fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Infer | Compression::Uncompressed => "uncompressed",
        }
    }
}

/// A reader of the decoded text of `path`; its read errors become
/// [`FrameError::Decompress`] through [`decode_error`].
pub(crate) fn open(path: &Path, compression: Compression) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path).map_err(|error| FrameError::Io { path: path.to_owned(), error })?;
    Ok(match compression {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file))),
        Compression::Zstd => {
            Box::new(zstd::stream::read::Decoder::new(file).map_err(|e| decode_error(path, compression, e))?)
        }
        Compression::Infer | Compression::Uncompressed => Box::new(file),
    })
}

/// A read error of a decoding reader, naming the file and the format.
pub(crate) fn decode_error(path: &Path, compression: Compression, error: std::io::Error) -> FrameError {
    if compression == Compression::Uncompressed {
        return FrameError::Io { path: path.to_owned(), error };
    }
    FrameError::Decompress { path: path.to_owned(), format: compression.name(), error }
}

/// Reads into `buf` until it holds `want` bytes or the stream ends; whether
/// it ended.
pub(crate) fn fill(r: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let mut chunk = [0u8; 64 << 10];
    while buf.len() < want {
        let n = match r.read(&mut chunk[..(want - buf.len()).min(64 << 10)]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(true);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Ok(false)
}

/// Skips `n` bytes of a stream.
pub(crate) fn skip(r: &mut dyn Read, n: u64) -> std::io::Result<()> {
    std::io::copy(&mut r.take(n), &mut std::io::sink()).map(drop)
}

/// Reads the one partition of a compressed file: decoded text in blocks of
/// about `blocksize` (between 64 KiB and 4 MiB), each cut after its last
/// complete row, the rest carried to the next block. The decoding runs on
/// a scoped thread, a quarter block at a time, at most two pieces ahead.
pub(crate) fn parse(source: &Source, file: usize, header_len: u64, columns: &[usize]) -> Result<Parsed> {
    let path = &source.files[file];
    let compression = source.compression[file];
    let err = |e| decode_error(path, compression, e);
    let scanner = Scanner { delimiter: source.options.delimiter, eol: source.eol[file] };
    let block = source.options.blocksize.clamp(64 << 10, 4 << 20);
    let piece_len = block / 4;
    let mut r = open(path, compression)?;
    skip(&mut r, header_len).map_err(err)?;
    std::thread::scope(|scope| {
        let (pieces, received) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(2);
        let (recycle, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::Builder::new()
            .name("chunked-frame-decode".into())
            .spawn_scoped(scope, move || {
                loop {
                    let mut piece = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(piece_len));
                    piece.clear();
                    let ended = match fill(&mut r, &mut piece, piece_len) {
                        Ok(ended) => ended,
                        Err(e) => {
                            let _ = pieces.send(Err(e));
                            return;
                        }
                    };
                    // A failed send: the parser stopped (on an error).
                    if (!piece.is_empty() && pieces.send(Ok(piece)).is_err()) || ended {
                        return;
                    }
                }
            })
            .map_err(|error| FrameError::Io { path: path.clone(), error })?;
        let mut sink = Sink::new(source, file, columns);
        let mut buf: Vec<u8> = Vec::with_capacity(block + piece_len);
        let mut base = header_len;
        let mut most = 0;
        loop {
            let ended = match received.recv() {
                Ok(Ok(piece)) => {
                    buf.extend_from_slice(&piece);
                    let _ = recycle.send(piece);
                    false
                }
                Ok(Err(e)) => return Err(err(e)),
                Err(_) => true, // the decoder is done
            };
            most = most.max(buf.len());
            if !ended && buf.len() < block {
                continue;
            }
            let cut = if ended { Some(buf.len()) } else { scanner.last_record(&buf) };
            // None: one row longer than the block; read on.
            if let Some(cut) = cut.filter(|&c| c > 0) {
                let rows = &buf[..cut];
                sink.parse(&Block {
                    buf: rows,
                    first: 0,
                    limit: cut,
                    base,
                    quote_free: memchr::memchr(b'"', rows).is_none(),
                })?;
                base += cut as u64; // `as`: a usize fits a u64
                buf.drain(..cut);
            }
            if ended {
                break;
            }
        }
        Ok(sink.finish(most))
    })
}
