//! Compressed files as streams of their decoded text: the formats
//! ([`Compression`]), a reader of a file's text, and its read errors named
//! by file and format. What reads a file's header and sample when planning
//! and what parses a compressed partition ([`crate::compressed`]) share it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{FrameError, Result};

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
        Compression::Gzip => {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(256 << 10, file)))
        }
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

/// Skips `n` bytes of a stream.
pub(crate) fn skip(r: &mut dyn Read, n: u64) -> std::io::Result<()> {
    std::io::copy(&mut r.take(n), &mut std::io::sink()).map(drop)
}
