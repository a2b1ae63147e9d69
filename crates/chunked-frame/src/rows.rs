//! The fast path for the rows of a block: delimiters, line ends and quotes
//! found eight bytes at a time (one `u64` word, bit tricks in safe code),
//! only the wanted fields handed to their builders, the fields after the
//! last wanted one counted a word at a time. A quoted field is skipped to
//! its closing quote by `memchr`; rows without quotes pay nothing for the
//! quote handling. A row with fewer fields than the header reads as if
//! the missing ones were empty, as pandas pads it. `None` at the first row
//! that is not clean (more fields than the header, a value that does not
//! parse, an unclosed quote, text after a closing quote), for the general
//! tokenizer to report or skip.

use crate::builder::Builder;

/// Every byte's lowest bit.
const ONES: u64 = 0x0101_0101_0101_0101;
/// Every byte's seven low bits.
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The bytes of `word` equal to `byte`, each marked by its high bit (bit
/// `8k + 7` for byte `k`), exactly: no carry crosses a byte.
#[inline(always)]
fn equal_bytes(word: u64, byte: u8) -> u64 {
    let x = word ^ ONES.wrapping_mul(u64::from(byte));
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// The eight bytes from `at` as a little-endian word, and the marks of
/// those that lie inside `buf` (fewer than eight at its end).
#[inline(always)]
fn word_at(buf: &[u8], at: usize) -> (u64, u64) {
    match buf.get(at..at + 8) {
        Some(bytes) => {
            let mut w = [0u8; 8];
            w.copy_from_slice(bytes);
            (u64::from_le_bytes(w), u64::MAX)
        }
        None => {
            let rest = buf.get(at..).unwrap_or(&[]);
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            // `rest.len() < 8`: the shift is at most 56.
            let inside = (1u64 << (8 * rest.len())) - 1;
            (u64::from_le_bytes(w), inside)
        }
    }
}

/// How many bytes `marks` marks: their high bits summed into the top byte
/// by one multiplication (no carry: at most 8 per byte); cheaper than
/// `count_ones` on CPUs without a popcount instruction in the baseline.
#[inline(always)]
fn count(marks: u64) -> usize {
    // At most 8: fits.
    ((marks >> 7).wrapping_mul(ONES) >> 56) as usize
}

/// How many bytes of `bytes` are `byte`: 32 bytes at a time in a form
/// the compiler vectorizes, the rest a word, then a byte, at a time.
#[inline]
fn count_in(bytes: &[u8], byte: u8) -> usize {
    let mut n = 0;
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        // At most 32 per block: a u8 sum cannot overflow.
        n += usize::from(block.iter().map(|&b| u8::from(b == byte)).sum::<u8>());
    }
    let mut words = blocks.remainder().chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        n += count(equal_bytes(u64::from_le_bytes(w), byte));
    }
    n + words.remainder().iter().filter(|&&b| b == byte).count()
}

/// The byte offset in its word of a mark.
#[inline(always)]
fn offset(mark: u64) -> usize {
    // At most 7: fits.
    (mark.trailing_zeros() / 8) as usize
}

/// The first quote at or after `from`: looked for in the eight bytes from
/// `from` first, then by `memchr`.
#[inline]
pub(crate) fn next_quote(buf: &[u8], from: usize) -> Option<usize> {
    let (word, inside) = word_at(buf, from);
    let quotes = equal_bytes(word, b'"') & inside;
    if quotes != 0 {
        return Some(from + offset(quotes));
    }
    let rest = from + 8;
    memchr::memchr(b'"', buf.get(rest..)?).map(|k| rest + k)
}

/// The closing quote of a quoted field from `from` on (inside the field):
/// the first quote not followed by another (`""` is an escaped quote), and
/// whether an escaped quote came before it.
#[inline]
fn closing_quote(buf: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut k = from;
    loop {
        let q = next_quote(buf, k)?;
        if buf.get(q + 1) == Some(&b'"') {
            k = q + 2;
        } else {
            return Some((q, k != from));
        }
    }
}

/// What the fast path needs to know about the file and the columns.
pub(crate) struct Layout<'a> {
    /// Fields a row must have.
    pub(crate) ncols: usize,
    /// Per field of the header, its builder, or `usize::MAX`.
    pub(crate) slot_of: &'a [usize],
    /// The field delimiter; not a quote nor a line end byte (the caller
    /// sends such files to the general tokenizer).
    pub(crate) delimiter: u8,
    /// The line end: `\n` (a `\r` before it dropped) or `\r`.
    pub(crate) eol: u8,
}

/// Where [`parse_rows`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stop {
    /// Rows read (their fields pushed); a row the fast path gave up on may
    /// have pushed some of its fields after them.
    pub(crate) rows: usize,
    /// Where the next row starts: at or past `limit` (or the end of `buf`)
    /// when `clean`, else the start of the row the fast path gave up on.
    pub(crate) at: usize,
    /// Whether every row that starts before `limit` was read.
    pub(crate) clean: bool,
}

/// Parses the rows of `buf` from `first` that start before `limit`, up to
/// the first that is not clean (see the module's documentation). `QUOTES`
/// false when the block holds no quote.
// Not inlined: measured with callgrind, inlining into the larger caller
// costs the word loop register spills.
#[inline(never)]
pub(crate) fn parse_rows<const QUOTES: bool>(
    buf: &[u8],
    first: usize,
    limit: usize,
    layout: &Layout<'_>,
    builders: &mut [Builder<'_>],
) -> Stop {
    // Fields before this one may be wanted; the rest are only counted.
    let wanted_until = layout.slot_of.iter().rposition(|&s| s != usize::MAX).map_or(0, |w| w + 1);
    let eol = layout.eol;
    let mut pos = first;
    let mut rows = 0;
    while pos < limit && pos < buf.len() {
        // A blank line is no row, nor one of spaces and tabs only (as pandas).
        match buf[pos] {
            b if b == eol => {
                pos += 1;
                continue;
            }
            b'\r' if eol == b'\n' && buf.get(pos + 1) == Some(&b'\n') => {
                pos += 2;
                continue;
            }
            b' ' | b'\t' => {
                if let Some(len) = blank_line_len(&buf[pos..], eol, layout.delimiter) {
                    pos += len;
                    continue;
                }
            }
            _ => {}
        }
        match row::<QUOTES>(buf, pos, wanted_until, layout, builders) {
            Some((next, fields)) if fields == layout.ncols => {
                rows += 1;
                pos = next;
            }
            // A short row reads as if its missing fields were empty (as
            // pandas pads it); a value an empty field cannot be, for the
            // general tokenizer to report.
            Some((next, fields))
                if fields < layout.ncols && pad(fields, wanted_until, layout, builders).is_some() =>
            {
                rows += 1;
                pos = next;
            }
            _ => return Stop { rows, at: pos, clean: false },
        }
    }
    Stop { rows, at: pos, clean: true }
}

/// Hands the wanted field `field` (`value`, quoted or not) to its builder.
#[inline(always)]
fn push(
    field: usize,
    value: &[u8],
    quoted: bool,
    wanted_until: usize,
    layout: &Layout<'_>,
    builders: &mut [Builder<'_>],
) -> Option<()> {
    if field < wanted_until {
        let slot = layout.slot_of[field];
        if slot != usize::MAX {
            builders[slot].push(value, quoted).ok()?;
        }
    }
    Some(())
}

/// Hands an empty field to each wanted field from `fields` on: the fields
/// a short row lacks. `None` when a builder refuses an empty field.
#[cold]
fn pad(fields: usize, wanted_until: usize, layout: &Layout<'_>, builders: &mut [Builder<'_>]) -> Option<()> {
    (fields..wanted_until).try_for_each(|f| push(f, b"", false, wanted_until, layout, builders))
}

/// The unquoted field `start..end` that a line end (or the buffer's end)
/// closes, without the `\r` of a `\r\n` line end.
#[inline(always)]
fn last_value(buf: &[u8], start: usize, end: usize, eol: u8) -> &[u8] {
    let value = &buf[start..end];
    match value.split_last() {
        Some((b'\r', head)) if eol == b'\n' => head,
        _ => value,
    }
}

/// Reads the row that starts at `pos` (not a blank line): its wanted
/// fields pushed, the others counted. Where the next row starts and how
/// many fields this one has; `None` where the fast path gives up.
#[inline(always)]
fn row<const QUOTES: bool>(
    buf: &[u8],
    pos: usize,
    wanted_until: usize,
    layout: &Layout<'_>,
    builders: &mut [Builder<'_>],
) -> Option<(usize, usize)> {
    let (delimiter, eol) = (layout.delimiter, layout.eol);
    // The field being read, where it starts (while its value is wanted),
    // and the word being scanned.
    let mut field = 0usize;
    let mut start = pos;
    let mut at = pos;
    // Whether the rest of the row was found to hold a quote (then its
    // fields are counted word by word, quoted ones skipped whole).
    let mut quoted_rest = false;
    'words: loop {
        if field >= wanted_until && !quoted_rest {
            // Only counting: to the line end by `memchr`, the delimiters
            // before it in bulk.
            let line_end = memchr::memchr(eol, &buf[at..]).map_or(buf.len(), |k| at + k);
            let rest = &buf[at..line_end];
            if !QUOTES || memchr::memchr(b'"', rest).is_none() {
                let next = if line_end < buf.len() { line_end + 1 } else { buf.len() };
                return Some((next, field + 1 + count_in(rest, delimiter)));
            }
            quoted_rest = true;
        }
        let (word, inside) = word_at(buf, at);
        let delimiters = equal_bytes(word, delimiter) & inside;
        let ends = equal_bytes(word, eol) & inside;
        let quotes = if QUOTES { equal_bytes(word, b'"') & inside } else { 0 };
        if field >= wanted_until && quotes == 0 {
            // Only counting: the delimiters before the line end, if any.
            if ends == 0 {
                field += count(delimiters);
                if inside != u64::MAX {
                    return Some((buf.len(), field + 1));
                }
                at += 8;
                continue;
            }
            let first_end = ends & ends.wrapping_neg();
            field += count(delimiters & (first_end - 1));
            return Some((at + offset(first_end) + 1, field + 1));
        }
        let mut marks = delimiters | ends | quotes;
        while marks != 0 {
            let mark = marks & marks.wrapping_neg();
            marks ^= mark;
            let p = at + offset(mark);
            if QUOTES && quotes & mark != 0 {
                // A field starts at `start`, or after a delimiter (counted
                // words do not move `start`).
                if p != start && buf[p - 1] != delimiter {
                    continue; // a quote inside an unquoted field is text
                }
                // The closing quote: the next quote of this word, unless
                // another follows it (`""`), else the first one after the
                // word not doubled. `escaped`: the inside holds a quote.
                let later = quotes & marks;
                let (close, escaped) = if later != 0 {
                    let q = at + offset(later);
                    if buf.get(q + 1) == Some(&b'"') {
                        (closing_quote(buf, q + 2)?.0, true)
                    } else {
                        (q, false)
                    }
                } else {
                    closing_quote(buf, (at + 8).min(buf.len()))?
                };
                let mut end = close + 1;
                // Only a delimiter or a line end may follow a closing quote here.
                match buf.get(end) {
                    None => {}
                    Some(&b) if b == delimiter || b == eol => {}
                    Some(b'\r') if eol == b'\n' && buf.get(end + 1) == Some(&b'\n') => end += 1,
                    Some(_) => return None,
                }
                // Without a quote inside, the builder need not look for one.
                push(field, &buf[p + 1..close], escaped, wanted_until, layout, builders)?;
                field += 1;
                if end >= buf.len() {
                    return Some((buf.len(), field));
                }
                if buf[end] == eol {
                    return Some((end + 1, field));
                }
                start = end + 1;
                if field == wanted_until || start >= at + 8 {
                    at = start;
                    continue 'words;
                }
                // The next field starts in this word: its marks from there.
                marks &= u64::MAX << (8 * (start - at));
                continue;
            }
            if ends & mark != 0 {
                let value = last_value(buf, start, p, eol);
                push(field, value, false, wanted_until, layout, builders)?;
                return Some((p + 1, field + 1));
            }
            push(field, &buf[start..p], false, wanted_until, layout, builders)?;
            field += 1;
            start = p + 1;
            if field == wanted_until {
                // The rest of the row is only counted, from the next field on.
                at = start;
                continue 'words;
            }
        }
        if inside != u64::MAX {
            // The buffer ends the row (and its last field).
            let value = last_value(buf, start, buf.len(), eol);
            push(field, value, false, wanted_until, layout, builders)?;
            return Some((buf.len(), field + 1));
        }
        at += 8;
    }
}

/// The length, line end included, of a blank line at the start of `rest`:
/// spaces and tabs only, none of them the delimiter (pandas' C parser reads
/// a line of delimiters, such as tabs in a tab-separated file, as a row of
/// empty fields); `None` when the line holds anything else.
pub(crate) fn blank_line_len(rest: &[u8], eol: u8, delimiter: u8) -> Option<usize> {
    let end = rest.iter().position(|&b| !is_blank(b, delimiter)).unwrap_or(rest.len());
    match rest.get(end) {
        None => Some(end),
        Some(&b) if b == eol => Some(end + 1),
        Some(b'\r') if eol == b'\n' && rest.get(end + 1) == Some(&b'\n') => Some(end + 2),
        Some(_) => None,
    }
}

/// The length, line end included, of a blank line at `buf[at..]` (an
/// empty line, or spaces and tabs only: see [`blank_line_len`]); `None`
/// when a row starts there.
pub(crate) fn blank_at(buf: &[u8], at: usize, eol: u8, delimiter: u8) -> Option<usize> {
    match buf[at] {
        b if b == eol => Some(1),
        b'\r' if eol == b'\n' && buf.get(at + 1) == Some(&b'\n') => Some(2),
        b' ' | b'\t' => blank_line_len(&buf[at..], eol, delimiter),
        _ => None,
    }
}

/// Whether `b` may fill a blank line: a space or a tab that is not the
/// delimiter.
pub(crate) fn is_blank(b: u8, delimiter: u8) -> bool {
    matches!(b, b' ' | b'\t') && b != delimiter
}

#[cfg(test)]
mod tests;
