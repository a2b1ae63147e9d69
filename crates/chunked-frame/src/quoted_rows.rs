//! The fast path for rows with quoted fields: the tokenizer's reading
//! without its per-field callback, only the wanted fields looked at, the
//! fields after the last wanted one counted by a byte scan when no quote
//! is left on the line. `None` at the first row that is not clean (wrong
//! field count, a value that does not parse, an unclosed quote, text after
//! a closing quote), for the general path to report or skip, as
//! `csv::parse_unquoted` does for quote-free rows.

use crate::builder::Builder;
use crate::csv::blank_line_len;

/// The delimiters outside quotes from `pos` (a field start) to the end of
/// its record, and where the next record starts: stretches without quotes
/// are counted by a byte scan, quoted fields skipped whole. `None` where
/// the fast path gives up (an unclosed quote, text after a closing quote).
fn count_rest(buf: &[u8], mut pos: usize, delimiter: u8, eol: u8) -> Option<(usize, usize)> {
    let count = |bytes: &[u8]| bytes.iter().filter(|&&b| b == delimiter).count();
    let mut delimiters = 0;
    let mut field_start = true;
    loop {
        let line_end = memchr::memchr(eol, &buf[pos..]).map_or(buf.len(), |k| pos + k);
        let Some(k) = memchr::memchr(b'"', &buf[pos..line_end]) else {
            delimiters += count(&buf[pos..line_end]);
            return Some((delimiters, (line_end + 1).min(buf.len())));
        };
        let q = pos + k;
        delimiters += count(&buf[pos..q]);
        let opens = if q == pos { field_start } else { buf[q - 1] == delimiter };
        field_start = false;
        if !opens {
            pos = q + 1; // a quote inside an unquoted field is text
            continue;
        }
        let mut k = q + 1;
        let close = loop {
            let c = k + memchr::memchr(b'"', &buf[k..])?;
            if buf.get(c + 1) == Some(&b'"') {
                k = c + 2;
            } else {
                break c;
            }
        };
        pos = close + 1;
        match buf.get(pos) {
            None => return Some((delimiters, buf.len())),
            Some(&b) if b == delimiter || b == eol => {}
            Some(b'\r') if eol == b'\n' && buf.get(pos + 1) == Some(&b'\n') => pos += 1,
            Some(_) => return None,
        }
    }
}

/// Parses the rows of `buf` from `first` that start before `limit`; the
/// number of rows, or `None` (see the module's documentation).
// Separate arguments rather than a struct, as `parse_unquoted`.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn parse_quoted(
    buf: &[u8],
    first: usize,
    limit: usize,
    ncols: usize,
    slot_of: &[usize],
    builders: &mut [Builder<'_>],
    delimiter: u8,
    eol: u8,
) -> Option<usize> {
    let last_wanted = slot_of.iter().rposition(|&s| s != usize::MAX);
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
                if let Some(len) = blank_line_len(&buf[pos..], eol) {
                    pos += len;
                    continue;
                }
            }
            _ => {}
        }
        let mut field = 0usize;
        loop {
            let quoted = buf.get(pos) == Some(&b'"');
            let (mut value, mut end) = if quoted {
                // To the closing quote not followed by another.
                let mut k = pos + 1;
                let close = loop {
                    let q = k + memchr::memchr(b'"', &buf[k..])?;
                    if buf.get(q + 1) == Some(&b'"') {
                        k = q + 2;
                    } else {
                        break q;
                    }
                };
                (&buf[pos + 1..close], close + 1)
            } else {
                let len = memchr::memchr2(delimiter, eol, &buf[pos..]).unwrap_or(buf.len() - pos);
                (&buf[pos..pos + len], pos + len)
            };
            if quoted {
                // Only a delimiter or a line end may follow a closing quote here.
                match buf.get(end) {
                    None => {}
                    Some(&b) if b == delimiter || b == eol => {}
                    Some(b'\r') if eol == b'\n' && buf.get(end + 1) == Some(&b'\n') => end += 1,
                    Some(_) => return None,
                }
            } else if eol == b'\n' && value.last() == Some(&b'\r') && buf.get(end) != Some(&delimiter) {
                value = &value[..value.len() - 1];
            }
            if let Some(&slot) = slot_of.get(field)
                && slot != usize::MAX
            {
                builders[slot].push(value, quoted).ok()?;
            }
            field += 1;
            if end >= buf.len() {
                pos = buf.len();
                break;
            }
            if buf[end] == eol {
                pos = end + 1;
                break;
            }
            pos = end + 1; // past the delimiter
            if pos >= buf.len() {
                // A trailing delimiter ends with an empty field.
                if let Some(&slot) = slot_of.get(field)
                    && slot != usize::MAX
                {
                    builders[slot].push(&[], false).ok()?;
                }
                field += 1;
                break;
            }
            // Past the last wanted field, the rest is only counted.
            if last_wanted.is_none_or(|w| field > w) {
                let (delimiters, next) = count_rest(buf, pos, delimiter, eol)?;
                field += 1 + delimiters;
                pos = next;
                break;
            }
        }
        if field != ncols {
            return None;
        }
        rows += 1;
    }
    Some(rows)
}
