//! Compressed CSV files (gzip, zstd, bzip2): chosen by extension or by option,
//! decoded as a stream, one partition per file (neither format can be
//! entered in the middle), parsed block by block so that a task holds a
//! block of decoded text and the columns it builds, never the whole text.
//! A thread of the task decodes the next blocks, each straight into the
//! buffer the parser reads, while the task parses, so that one file keeps
//! two cores busy.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::csv::{Block, Parsed, Sink, Source};
use crate::decode::{Compression, decode_error, open, skip};
use crate::error::{FrameError, Result};
use crate::gzip::{Check, MemberEnd, Members};
use crate::quoted::Scanner;

/// Reads into `buf` until it is full or the stream ends; the bytes read.
fn fill(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The decoder of a partition's file: gzip's leaves its CRC check to
/// the caller.
enum Decoder {
    Gzip(Box<Members<BufReader<File>>>),
    Other(Box<dyn Read + Send>),
}

impl Decoder {
    fn open(path: &Path, compression: Compression) -> Result<Decoder> {
        Ok(if compression == Compression::Gzip {
            let file = File::open(path).map_err(|error| FrameError::Io { path: path.to_owned(), error })?;
            Decoder::Gzip(Box::new(Members::new(BufReader::with_capacity(256 << 10, file))))
        } else {
            Decoder::Other(open(path, compression)?)
        })
    }

    fn gzip(&self) -> bool {
        matches!(self, Decoder::Gzip(_))
    }

    fn reader(&mut self) -> &mut dyn Read {
        match self {
            Decoder::Gzip(r) => r.as_mut(),
            Decoder::Other(r) => r,
        }
    }

    /// The gzip members that ended since the last call.
    fn ends(&mut self) -> Vec<MemberEnd> {
        match self {
            Decoder::Gzip(r) => r.take_ends(),
            Decoder::Other(_) => Vec::new(),
        }
    }
}

/// Skips `n` decoded bytes, feeding them to `check` when there is one.
fn skip_checked(r: &mut Decoder, n: u64, check: Option<&mut Check>) -> std::io::Result<()> {
    let Some(check) = check else { return skip(r.reader(), n) };
    let mut scratch = [0u8; 8 << 10];
    let mut left = n;
    while left > 0 {
        // At most the scratch's length: fits.
        let want = usize::try_from(left.min(8 << 10)).unwrap_or(8 << 10);
        let got = fill(r.reader(), &mut scratch[..want])?;
        check.feed(&scratch[..got], &r.ends())?;
        if got < want {
            break;
        }
        left -= got as u64; // `as`: a usize fits a u64
    }
    Ok(())
}

/// Room kept before the decoded bytes of each block, where the parser puts
/// the partial row carried from the block before (a row longer than this
/// is carried in a buffer of its own instead).
const HEADROOM: usize = 64 << 10;

/// Reads the one partition of a compressed file: decoded text in blocks of
/// about `blocksize` (between 64 KiB and 4 MiB). A scoped thread decodes
/// each block straight into its buffer, after a headroom, and hands it on
/// (at most two waiting); the parser puts the partial row left from the
/// block before into the headroom, parses up to the block's last complete
/// row, and sends the buffer back to be filled again. So the decoded text
/// is written once and never copied whole, and memory holds a few blocks.
pub(crate) fn parse(source: &Source, file: usize, header_len: u64, columns: &[usize]) -> Result<Parsed> {
    let path = &source.files[file];
    let compression = source.compression[file];
    let err = |e| decode_error(path, compression, e);
    let scanner = Scanner { delimiter: source.options.delimiter, eol: source.eol[file] };
    let block = source.options.blocksize.clamp(64 << 10, 4 << 20);
    let mut r = Decoder::open(path, compression)?;
    // gzip's CRC is computed by the parsing thread, so that the decoding
    // one only inflates; the skipped header is checked too.
    let mut check = r.gzip().then(Check::default);
    skip_checked(&mut r, header_len, check.as_mut()).map_err(err)?;
    std::thread::scope(|scope| {
        // A block, how many bytes were decoded into it after the headroom,
        // and the gzip members that ended up to its end.
        type Decoded = (Vec<u8>, usize, Vec<MemberEnd>);
        let (blocks, received) = std::sync::mpsc::sync_channel::<std::io::Result<Decoded>>(2);
        let (recycle, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::Builder::new()
            .name("chunked-frame-decode".into())
            .spawn_scoped(scope, move || {
                loop {
                    let mut buf = recycled.try_recv().unwrap_or_default();
                    // Zeroed once, when the buffer is new; reused as it is.
                    buf.resize(HEADROOM + block, 0);
                    let filled = match fill(r.reader(), &mut buf[HEADROOM..]) {
                        Ok(n) => n,
                        Err(e) => {
                            let _ = blocks.send(Err(e));
                            return;
                        }
                    };
                    let ends = r.ends();
                    // A failed send: the parser stopped (on an error).
                    let send = filled > 0 || !ends.is_empty();
                    if (send && blocks.send(Ok((buf, filled, ends))).is_err()) || filled < block {
                        return;
                    }
                }
            })
            .map_err(|error| FrameError::Io { path: path.clone(), error })?;
        let mut sink = Sink::new(source, file, columns);
        // The partial row after the last complete row seen (a row longer
        // than the headroom also gathers the blocks it spans here).
        let mut carry: Vec<u8> = Vec::new();
        let mut base = header_len;
        let mut most = 0;
        let mut parse = |text: &[u8], ended: bool, base: &mut u64| -> Result<usize> {
            let cut = if ended { Some(text.len()) } else { scanner.last_record(text) };
            // None: no row ends in the text; all of it is carried.
            let Some(cut) = cut.filter(|&c| c > 0) else { return Ok(0) };
            let rows = &text[..cut];
            sink.parse(&Block {
                buf: rows,
                first: 0,
                limit: cut,
                base: *base,
                quote_free: memchr::memchr(b'"', rows).is_none(),
            })?;
            *base += cut as u64; // `as`: a usize fits a u64
            Ok(cut)
        };
        loop {
            let (mut buf, filled, ends) = match received.recv() {
                Ok(Ok(got)) => got,
                Ok(Err(e)) => return Err(err(e)),
                Err(_) => break, // the decoder is done
            };
            if let Some(check) = &mut check {
                check.feed(&buf[HEADROOM..HEADROOM + filled], &ends).map_err(err)?;
            }
            if carry.len() <= HEADROOM {
                let start = HEADROOM - carry.len();
                buf[start..HEADROOM].copy_from_slice(&carry);
                let text = &buf[start..HEADROOM + filled];
                most = most.max(text.len());
                let cut = parse(text, false, &mut base)?;
                carry.clear();
                carry.extend_from_slice(&text[cut..]);
            } else {
                carry.extend_from_slice(&buf[HEADROOM..HEADROOM + filled]);
                most = most.max(carry.len());
                let cut = parse(&carry, false, &mut base)?;
                carry.drain(..cut);
            }
            let _ = recycle.send(buf);
        }
        // The last row, which may lack its line end.
        if !carry.is_empty() {
            parse(&carry, true, &mut base)?;
        }
        Ok(sink.finish(most))
    })
}
