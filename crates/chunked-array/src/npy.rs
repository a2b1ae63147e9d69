//! numpy's `.npy` format: the header (versions 1, 2 and 3), reading any
//! region of a file's array by positional reads (no whole-file read: an
//! array larger than memory is read block by block), and the header of a
//! file written block by block ([`crate::Array::to_npy`]).
//!
//! Reading uses `pread` rather than a memory map: the workspace forbids
//! unsafe code, and mapping a file is unsafe (another process may change
//! it underneath); a block is copied into an owned array either way.

use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::array::{Array, Op};
use crate::chunks::Chunks;
use crate::error::ArrayError;
use crate::node::Stored;
use crate::region::runs;

const MAGIC: &[u8] = b"\x93NUMPY";

/// The element types read from `.npy` files (values become `f64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dtype {
    F8,
    F4,
    I8,
    I4,
    U1,
    B1,
}

impl Dtype {
    fn parse(descr: &str) -> Option<(Self, bool)> {
        // (type, big-endian)
        let (order, code) = descr.split_at(1.min(descr.len()));
        let big = match order {
            "<" | "|" | "=" => false,
            ">" => true,
            _ => return None,
        };
        let t = match code {
            "f8" => Self::F8,
            "f4" => Self::F4,
            "i8" => Self::I8,
            "i4" => Self::I4,
            "u1" => Self::U1,
            "b1" => Self::B1,
            _ => return None,
        };
        Some((t, big))
    }

    fn size(self) -> usize {
        match self {
            Self::F8 | Self::I8 => 8,
            Self::F4 | Self::I4 => 4,
            Self::U1 | Self::B1 => 1,
        }
    }

    /// Converts little-endian (or big-endian) bytes to `f64`s.
    fn convert(self, big: bool, bytes: &[u8], out: &mut [f64]) {
        macro_rules! conv {
            ($t:ty, $n:expr) => {
                for (o, b) in out.iter_mut().zip(bytes.chunks_exact($n)) {
                    let arr: [u8; $n] = b.try_into().unwrap_or([0; $n]);
                    let v = if big { <$t>::from_be_bytes(arr) } else { <$t>::from_le_bytes(arr) };
                    // numpy's astype(float64): exact for f4, i4, u1; i8 rounds.
                    *o = v as f64;
                }
            };
        }
        match self {
            Self::F8 => conv!(f64, 8),
            Self::F4 => conv!(f32, 4),
            Self::I8 => conv!(i64, 8),
            Self::I4 => conv!(i32, 4),
            Self::U1 => conv!(u8, 1),
            Self::B1 => {
                for (o, &b) in out.iter_mut().zip(bytes) {
                    *o = f64::from(u8::from(b != 0));
                }
            }
        }
    }
}

/// An `.npy` file opened for reading.
#[derive(Debug)]
pub(crate) struct NpySource {
    file: File,
    path: PathBuf,
    /// Where the data starts.
    offset: u64,
    dtype: Dtype,
    big: bool,
    /// The shape as stored (reversed for a Fortran-order file).
    stored: Vec<usize>,
}

impl Stored for NpySource {
    /// Reads `region` of the stored (C-order) array into `data`.
    fn read(&self, region: &[Range<usize>], data: &mut [f64]) -> Result<(), String> {
        let size = self.dtype.size();
        READ_BUFFER.with_borrow_mut(|bytes| {
            // Consecutive rows that are consecutive in the file are read at
            // once, into a buffer each worker thread keeps.
            let mut at = 0;
            for (flat, len) in runs(&self.stored, region) {
                // Pieces of at most READ_PIECE bytes: the buffer stays small.
                let mut done = 0;
                while done < len {
                    let k = (len - done).min(READ_PIECE / size);
                    let n = k * size;
                    if bytes.len() < n {
                        bytes.resize(n, 0);
                    }
                    let pos = self.offset + ((flat + done) * size) as u64;
                    self.file
                        .read_exact_at(&mut bytes[..n], pos)
                        .map_err(|e| format!("reading {}: {e}", self.path.display()))?;
                    self.dtype.convert(self.big, &bytes[..n], &mut data[at..at + k]);
                    at += k;
                    done += k;
                }
            }
            Ok(())
        })
    }
}

/// The most bytes read at once.
const READ_PIECE: usize = 1 << 20;

thread_local! {
    /// The bytes of the runs a thread reads, kept between reads (at most
    /// `READ_PIECE`).
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The parsed header of an `.npy` file.
struct Header {
    dtype: Dtype,
    big: bool,
    fortran: bool,
    shape: Vec<usize>,
    offset: u64,
}

fn parse_header(path: &Path, file: &File) -> Result<Header, ArrayError> {
    let bad = |reason: String| ArrayError::Npy { path: path.to_path_buf(), reason };
    let io = |e: std::io::Error| ArrayError::Npy { path: path.to_path_buf(), reason: e.to_string() };
    let mut pre = [0u8; 12];
    let len = file.metadata().map_err(io)?.len();
    if len < 10 {
        return Err(bad(format!("{len} bytes: too short for an .npy file")));
    }
    file.read_exact_at(&mut pre[..10], 0).map_err(io)?;
    if &pre[..6] != MAGIC {
        return Err(bad("not an .npy file (no \\x93NUMPY magic)".into()));
    }
    let (major, minor) = (pre[6], pre[7]);
    let (header_len, start) = match major {
        1 => (usize::from(u16::from_le_bytes([pre[8], pre[9]])), 10u64),
        2 | 3 => {
            file.read_exact_at(&mut pre[..12], 0).map_err(io)?;
            let n = u32::from_le_bytes([pre[8], pre[9], pre[10], pre[11]]);
            (usize::try_from(n).map_err(|_| bad("header length overflows".into()))?, 12u64)
        }
        _ => return Err(bad(format!("format version {major}.{minor} is not supported (1.0, 2.0, 3.0 are)"))),
    };
    if start + header_len as u64 > len {
        return Err(bad(format!("the header claims {header_len} bytes but the file has {len}")));
    }
    let mut text = vec![0u8; header_len];
    file.read_exact_at(&mut text, start).map_err(io)?;
    let text = String::from_utf8(text).map_err(|_| bad("the header is not text".into()))?;
    let descr = dict_value(&text, "descr").ok_or_else(|| bad(format!("no 'descr' in header {text:?}")))?;
    let descr = descr.trim().trim_matches(|c| c == '\'' || c == '"');
    let (dtype, big) = Dtype::parse(descr)
        .ok_or_else(|| bad(format!("dtype {descr:?} is not supported (f8, f4, i8, i4, u1, b1 are)")))?;
    let fortran = match dict_value(&text, "fortran_order").map(str::trim) {
        Some("False") => false,
        Some("True") => true,
        other => return Err(bad(format!("bad 'fortran_order' {other:?}"))),
    };
    let shape_text =
        dict_value(&text, "shape").ok_or_else(|| bad(format!("no 'shape' in header {text:?}")))?;
    let inner = shape_text.trim().trim_start_matches('(').trim_end_matches(')');
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad(format!("bad shape {shape_text:?}")))?;
    let offset = start + header_len as u64;
    let elements = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    let need = elements.and_then(|n| n.checked_mul(dtype.size())).map(|b| b as u64);
    match need {
        Some(b) if offset + b <= len => {}
        _ => {
            return Err(bad(format!(
                "shape {} of {descr} needs more data than the file's {} bytes",
                crate::Shape(&shape),
                len - offset
            )));
        }
    }
    Ok(Header { dtype, big, fortran, shape, offset })
}

/// The text of a key's value in a Python dict literal (up to the next
/// top-level comma or the closing brace).
fn dict_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let at = text.find(&format!("'{key}'")).or_else(|| text.find(&format!("\"{key}\"")))?;
    let rest = &text[at + key.len() + 2..];
    let rest = rest.trim_start().strip_prefix(':')?;
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' | '}' if depth == 0 => return Some(&rest[..i]),
            _ => {}
        }
    }
    None
}

/// The header of a version 1.0 (or 2.0, when longer) `.npy` file of
/// little-endian `f64`s in C order, padded so that the data starts on a
/// multiple of 64 bytes.
pub(crate) fn header_bytes(shape: &[usize]) -> Vec<u8> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    };
    let dict = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {dims}, }}");
    for (major, pre) in [(1u8, 10usize), (2, 12)] {
        let unpadded = pre + dict.len() + 1;
        let total = unpadded.div_ceil(64) * 64;
        let header_len = total - pre;
        if major == 1 && header_len > usize::from(u16::MAX) {
            continue;
        }
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[major, 0]);
        if major == 1 {
            // Checked just above.
            out.extend_from_slice(&(header_len as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&u32::try_from(header_len).unwrap_or(u32::MAX).to_le_bytes());
        }
        out.extend_from_slice(dict.as_bytes());
        out.resize(total - 1, b' ');
        out.push(b'\n');
        return out;
    }
    unreachable!("a version 2.0 header fits any shape of at most MAX_DIMS axes")
}

/// An `.npy` file as a chunked array, read block by block with positional
/// reads (dask's `from_npy_stack`/`from_array` over `np.load(mmap_mode='r')`).
/// Any dtype of `f8`, `f4`, `i8`, `i4`, `u1`, `b1` (either byte order)
/// becomes `f64`; a Fortran-order file reads as its C-order equivalent.
///
/// ```no_run
/// let a = chunked_array::from_npy("results.npy", chunked_array::Chunks::auto())?;
/// println!("{:?}", a.shape());
/// # Ok::<(), chunked_array::ArrayError>(())
/// ```
pub fn from_npy(path: impl AsRef<Path>, chunks: impl Into<Chunks>) -> Result<Array, ArrayError> {
    let path = path.as_ref();
    let file =
        File::open(path).map_err(|e| ArrayError::Npy { path: path.to_path_buf(), reason: e.to_string() })?;
    let h = parse_header(path, &file)?;
    let stored: Vec<usize> =
        if h.fortran { h.shape.iter().rev().copied().collect() } else { h.shape.clone() };
    let source = Arc::new(NpySource {
        file,
        path: path.to_path_buf(),
        offset: h.offset,
        dtype: h.dtype,
        big: h.big,
        stored: stored.clone(),
    });
    let chunks = chunks.into();
    if !h.fortran {
        return Array::source(&stored, chunks, Op::Npy(source));
    }
    // A Fortran-order file is the C-order array of the reversed shape,
    // transposed; its blocks are resolved on the logical shape.
    let logical = crate::chunks::resolve(&chunks, &h.shape)?;
    let reversed: Vec<Vec<usize>> = logical.into_iter().rev().collect();
    let raw = Array::source(&stored, Chunks::Explicit(reversed), Op::Npy(source))?;
    Ok(raw.transpose())
}
