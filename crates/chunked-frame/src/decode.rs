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
    /// By the file name, as pandas' `compression="infer"`: `.gz` is gzip,
    /// `.zst` (or `.zstd`) is zstd, `.bz2` is bzip2, any other name is
    /// uncompressed (but `.xz`, `.zip`, `.tar` and the other formats pandas
    /// infers and this crate does not read, which are an error naming the
    /// format). The default.
    #[default]
    Infer,
    /// Not compressed, whatever the name.
    Uncompressed,
    /// gzip (one or more concatenated members).
    Gzip,
    /// Zstandard (one or more frames).
    Zstd,
    /// bzip2 (one or more streams, as `pbzip2` writes).
    Bzip2,
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
            Some(e) if e.eq_ignore_ascii_case("bz2") => Compression::Bzip2,
            _ => Compression::Uncompressed,
        }
    }

    /// Under `Infer`, the format `path`'s name says it is in that this
    /// crate does not read (as pandas infers them), to refuse it by name
    /// rather than parse its bytes as text.
    pub(crate) fn unread_format(self, path: &Path) -> Option<&'static str> {
        if self != Compression::Infer {
            return None;
        }
        let e = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match e.as_str() {
            "xz" => "xz",
            "lzma" => "lzma",
            "zip" => "zip",
            "tar" | "tgz" => "tar",
            "7z" => "7z",
            "lz4" => "lz4",
            "br" => "brotli",
            _ => return None,
        })
    }

    /// The format's name, for messages.
    fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
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
        Compression::Bzip2 => {
            Box::new(bzip2::read::MultiBzDecoder::new(BufReader::with_capacity(256 << 10, file)))
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
