//! Splitting CSV records into fields, RFC 4180 style as pandas' C parser
//! reads them: fields may be quoted; a quoted field may hold delimiters,
//! line ends and doubled quotes; text after a closing quote belongs to the
//! field (`"JFK"x` is `JFKx`); a quote inside an unquoted field is text.
//! Lines end at `\n` (a `\r` before it is dropped) or, in files whose first
//! line ends with a lone `\r`, at `\r`.

use crate::error::RowProblem;

/// Removes the quoting of a quoted field as the tokenizer hands it over:
/// `""` becomes `"`, a lone `"` closes the quoted part, and whatever
/// follows it is taken as it is.
pub(crate) fn unescape(field: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        if field[i] == b'"' {
            if field.get(i + 1) == Some(&b'"') {
                out.push(b'"');
                i += 2;
            } else {
                out.extend_from_slice(&field[i + 1..]);
                break;
            }
        } else {
            out.push(field[i]);
            i += 1;
        }
    }
    out
}

/// Reads records from a buffer.
pub(crate) struct Tokenizer<'a> {
    buf: &'a [u8],
    /// Where the next record starts.
    pub(crate) pos: usize,
    delimiter: u8,
    /// The line end: `\n`, or `\r` in a file of lone `\r` line ends.
    eol: u8,
}

impl<'a> Tokenizer<'a> {
    pub(crate) fn new(buf: &'a [u8], pos: usize, delimiter: u8, eol: u8) -> Self {
        Self { buf, pos, delimiter, eol }
    }

    /// The field from `i` on that is not quoted: its bytes and its end.
    #[inline]
    fn plain(&self, i: usize) -> (&'a [u8], usize) {
        let buf = self.buf;
        let rest = &buf[i..];
        let len = memchr::memchr2(self.delimiter, self.eol, rest).unwrap_or(rest.len());
        let mut value = &rest[..len];
        if self.eol == b'\n' && value.last() == Some(&b'\r') && rest.get(len) != Some(&self.delimiter) {
            value = &value[..value.len() - 1];
        }
        (value, i + len)
    }

    /// Calls `field(index, bytes, quoted)` for each field of the record at
    /// `pos` and moves past it; returns the position after the record.
    /// `bytes` of a quoted field are its inside, still escaped, and any
    /// text after its closing quote (see [`unescape`]).
    #[inline]
    pub(crate) fn record(
        &mut self,
        field: &mut dyn FnMut(usize, &'a [u8], bool),
    ) -> std::result::Result<usize, RowProblem> {
        let buf = self.buf;
        let mut i = self.pos;
        let mut j = 0;
        loop {
            if i < buf.len() && buf[i] == b'"' {
                // Quoted: to the closing quote not followed by another.
                let start = i + 1;
                let mut k = start;
                let close = loop {
                    match memchr::memchr(b'"', &buf[k..]) {
                        None => return Err(RowProblem::UnclosedQuote),
                        Some(off) => {
                            let q = k + off;
                            if buf.get(q + 1) == Some(&b'"') {
                                k = q + 2;
                            } else {
                                break q;
                            }
                        }
                    }
                };
                // Text after the closing quote, up to a delimiter or line end,
                // is part of the field, as pandas reads it.
                let (after, end) = self.plain(close + 1);
                let value =
                    if after.is_empty() { &buf[start..close] } else { &buf[start..close + 1 + after.len()] };
                field(j, value, true);
                i = end;
            } else {
                let (value, end) = self.plain(i);
                field(j, value, false);
                i = end;
            }
            j += 1;
            if i >= buf.len() {
                self.pos = buf.len();
                return Ok(buf.len());
            }
            if buf[i] == self.eol {
                self.pos = i + 1;
                return Ok(i + 1);
            }
            i += 1; // the delimiter
            if i >= buf.len() {
                field(j, &[], false); // a trailing delimiter ends with an empty field
                self.pos = buf.len();
                return Ok(buf.len());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &[u8], eol: u8) -> Vec<Vec<String>> {
        let mut tok = Tokenizer::new(text, 0, b',', eol);
        let mut rows = Vec::new();
        while tok.pos < text.len() {
            let mut row = Vec::new();
            tok.record(&mut |_, f, quoted| {
                let f = if quoted { unescape(f) } else { f.to_vec() };
                row.push(String::from_utf8(f).unwrap());
            })
            .unwrap();
            rows.push(row);
        }
        rows
    }

    #[test]
    fn text_after_a_closing_quote_is_kept_as_pandas_keeps_it() {
        assert_eq!(fields(b"\"JFK\"x,1\n", b'\n'), [["JFKx", "1"]]);
        assert_eq!(fields(b"\"JFK\"x\"y\"z,1\r\n", b'\n'), [["JFKx\"y\"z", "1"]]);
        assert_eq!(fields(b"\"a\"\"b\",ab\"c\n", b'\n'), [["a\"b", "ab\"c"]]);
        assert_eq!(fields(b"\"a\"\r\n\"b\"", b'\n'), [["a"], ["b"]]);
    }

    #[test]
    fn lone_carriage_returns_end_lines_when_asked() {
        assert_eq!(fields(b"1,2\r3,\"4\r5\"\r", b'\r'), [["1", "2"], ["3", "4\r5"]]);
    }
}
