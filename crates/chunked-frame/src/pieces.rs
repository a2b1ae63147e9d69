//! Reading one partition of a plain CSV file in pieces that fit in the
//! cache, each parsed right after it is read, the partial last row carried
//! to the front of the next: the parser reads bytes the kernel has just
//! written into a small reused buffer, instead of a whole range's buffer
//! far bigger than the caches, which the data would cross memory twice to
//! fill and then to parse.
//!
//! Where the range's first row starts depends on the tokenizer's state at
//! its start (a quoted field may hide line ends), which only the ranges
//! before it can tell. The byte before the range narrows the state to two
//! or three possibilities; when they all put the first row at the same
//! byte (the usual case in a file that quotes short fields), the range is
//! parsed at once, none of its neighbours needed. Otherwise it is parsed
//! speculatively from the most likely state and checked at its end against
//! the state the ranges before it give (Ge et al., "Speculative Distributed
//! CSV Data Parsing for Big Data Analytics", SIGMOD 2019), and parsed again
//! from the right state when the speculation was wrong.
//!
//! For the ranges after it, each range publishes its transition function
//! ([`crate::quoted`]) once it has read its last byte: folded piece by piece
//! until the trajectories from its possible start states meet (usually in
//! its first row), then only the state at its end, taken from the row the
//! parser is in there.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::csv::{Block, Parsed, Sink, Source};
use crate::error::{FrameError, Result};
use crate::quoted::{Scanner, State, Transition, after_byte, likely_first};
use crate::split::Partition;

/// Bytes read at a time inside a range: a fraction of a core's L2 cache,
/// large enough that a system call per piece costs nothing.
pub(crate) const PIECE: usize = 512 << 10;

/// Reads and parses the rows of partition `index` (`part`) that start in
/// its range, in pieces of `piece` bytes, materializing `columns`
/// (positions in the header). `entry` is the tokenizer's state at the
/// range's start when known; `buf` is a reusable buffer.
pub(crate) fn parse_range(
    source: &Source,
    part: &Partition,
    index: usize,
    columns: &[usize],
    buf: &mut Vec<u8>,
    piece: usize,
    entry: Option<State>,
) -> Result<Parsed> {
    let path = &source.files[part.file];
    let eol = source.eol[part.file];
    let scanner = Scanner { delimiter: source.options.delimiter, eol };
    // Claimed before reading, so that a task needing this range's function
    // waits for it rather than reads the range a second time.
    let mut claim = Some(source.entries.claim(index));
    let entry = entry.or_else(|| source.entries.known(&source.partitions, index));
    let mut file = File::open(path).map_err(io(path))?;
    // The bytes just before the range usually tell the state at its start
    // (known entries: `index` is not a file's first partition).
    let entry = match entry {
        Some(s) => Some(s),
        None => window_entry(&mut file, path, source.partitions[index - 1].start, part.start, scanner)?,
    };
    // Else the byte before the range tells the states it may start in.
    let before = u64::from(entry.is_none() && part.start > 0);
    file.seek(SeekFrom::Start(part.start - before)).map_err(io(path))?;
    // Past the range, only the rest of its last row is wanted.
    let tail = piece.min(source.options.blocksize.clamp(4 << 10, 64 << 10));
    let mut r = Reader {
        file,
        path,
        buf,
        len: 0,
        base: part.start - before,
        piece,
        tail,
        end: part.end,
        most: 0,
        eof: false,
        quotes: false,
        new_quotes: false,
    };
    // `as`: 0 or 1.
    let off0 = before as usize;
    let states: u8 = match entry {
        Some(s) => 1 << s as usize,
        None => {
            r.read()?;
            r.buf.get(..r.len).and_then(|t| t.first()).map_or(1, |&b| after_byte(b, scanner))
        }
    };
    // Where the first row starts from the likeliest start state (from the
    // range's start), reading on until it is known (a row longer than a
    // piece), and from each other possible state, when the text read tells
    // (`None` when it does not: a quote-free range never leaves a quoted
    // field, so that start finds no row before the range's end).
    let span = usize::try_from(part.end - part.start).unwrap_or(usize::MAX);
    let spec = likely_first(states).next().unwrap_or(State::Record);
    let first = loop {
        let text = &r.buf[off0.min(r.len)..r.len];
        let first = scanner.first_record(text, spec, span);
        if first.is_some() || r.next() >= part.end || r.eof {
            break first;
        }
        r.read()?;
    };
    let mut firsts = [None; 5];
    let text = &r.buf[off0.min(r.len)..r.len];
    let whole = r.next() >= part.end || r.eof;
    for s in likely_first(states) {
        // `as`: a discriminant below 5.
        let f = if s == spec { first } else { scanner.first_record(text, s, span) };
        firsts[s as usize] = (f.is_some() || whole).then_some(f);
    }
    let agree = likely_first(states).all(|s| firsts[s as usize] == Some(first));

    // The range's function over its bytes read so far (`folded`: the file
    // offset it covers to), until the trajectories meet.
    let folded_to = r.next().min(part.end);
    let mut t = transition(&r.buf[off0.min(r.len)..to_usize(folded_to - r.base)], r.quotes, scanner);
    let mut folded = folded_to;
    let mut merged = t.merges(states);

    // Where the next row starts in the text; none in the range: no rows.
    let mut row = first.map(|f| off0 + f);
    // A speculation may be wrong, and so may the rows it reads: their
    // result stands once the speculation is checked.
    let mut read_rows = || -> Result<Parsed> {
        let mut sink = Sink::new(source, part.file, columns);
        loop {
            let limit = to_usize(part.end - r.base);
            if claim.is_some() {
                let published = if folded == part.end {
                    Some(t)
                } else if let (true, Some(at)) = (merged && r.next() >= part.end, row) {
                    // The trajectories met: the state at the end is the one of
                    // the row being read there, whichever start was right (a
                    // range read only partly has a row: its first was found).
                    Some(Transition::constant(scanner.run(&r.buf[..limit], State::Record, at)))
                } else {
                    None
                };
                if let Some(t) = published {
                    claim.take().expect("checked").publish(|| t);
                }
            }
            let Some(at) = row.filter(|&at| at < limit) else { break };
            // The rows that end in the text: up to its last line end, unless
            // the file ends there.
            let text = &r.buf[..r.len];
            let cut = if r.eof { Some(r.len) } else { memchr::memrchr(eol, &text[at..]).map(|k| at + k + 1) };
            let mut next = at;
            if let Some(cut) = cut {
                let block =
                    Block { buf: &text[..cut], first: at, limit, base: r.base, quote_free: !r.quotes };
                next = sink.parse_from(&block, !r.eof)?;
            }
            if next >= limit || r.eof {
                break;
            }
            // The rest is a partial row: to the front, and read on.
            r.consume(next);
            row = Some(0);
            r.read()?;
            if !merged && folded < part.end {
                let to = r.next().min(part.end);
                let piece = &r.buf[to_usize(folded - r.base)..to_usize(to - r.base)];
                t = t.then(transition(piece, r.new_quotes, scanner));
                folded = to;
                merged = t.merges(states);
            }
        }
        Ok(sink.finish(r.most))
    };
    let parsed = read_rows();
    if agree {
        return parsed;
    }
    // Speculated: check against the state the ranges before give.
    drop(claim);
    let truth = source.entries.entry(&source.partitions, index, path, scanner)?;
    if firsts[truth as usize] == Some(first) {
        return parsed;
    }
    drop(parsed);
    parse_range(source, part, index, columns, r.buf, piece, Some(truth))
}

/// Bytes before a range looked at for the state at its start: many rows
/// of a file that quotes its fields, yet little to read.
pub(crate) const WINDOW: u64 = 16 << 10;

/// The state at `at`, the start of a range, when the [`WINDOW`] bytes
/// before it (from `floor` on at most, the previous range's start) tell it
/// whatever state they start in: their function is constant, the
/// trajectories from every state having met in them (in a file that
/// quotes fields, within a row or two). Then the range needs nothing from
/// the ranges before it: no speculation, no waiting. `None` when they do
/// not tell (a window without a quote never does: it might lie inside a
/// quoted field), for the byte before the range to narrow the states.
fn window_entry(
    file: &mut File,
    path: &Path,
    floor: u64,
    at: u64,
    scanner: Scanner,
) -> Result<Option<State>> {
    let from = at.saturating_sub(WINDOW).max(floor);
    if from >= at {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(from)).map_err(io(path))?;
    // At most WINDOW bytes: fits. One small buffer a partition.
    let mut window = vec![0u8; to_usize(at - from)];
    file.read_exact(&mut window).map_err(io(path))?;
    let quotes = memchr::memchr(b'"', &window).is_some();
    if !quotes {
        return Ok(None);
    }
    let t = transition(&window, quotes, scanner);
    Ok(t.is_constant().then(|| t.apply(State::Record)))
}

/// The function of `bytes`, which hold no quote unless `quotes`.
fn transition(bytes: &[u8], quotes: bool, scanner: Scanner) -> Transition {
    Transition::of(bytes, quotes, scanner.delimiter, scanner.eol)
}

/// A length in memory: the text held is in memory, so it fits a usize.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> FrameError + '_ {
    move |error| FrameError::Io { path: path.to_owned(), error }
}

/// A file read piece by piece into the front of a reused buffer.
struct Reader<'a> {
    file: File,
    path: &'a Path,
    buf: &'a mut Vec<u8>,
    /// Bytes of text at the front of `buf`.
    len: usize,
    /// The file offset of `buf[0]`.
    base: u64,
    /// Bytes read at a time before `end`, and after it.
    piece: usize,
    tail: usize,
    /// The end of the range.
    end: u64,
    /// The most text held at once.
    most: usize,
    /// Whether the file has ended.
    eof: bool,
    /// Whether the text may hold a quote, and the last piece read (each
    /// piece looked at once, by one `memchr`, for both: the parser's
    /// choice of path and the range's function).
    quotes: bool,
    new_quotes: bool,
}

impl Reader<'_> {
    /// The file offset after the text.
    fn next(&self) -> u64 {
        self.base + self.len as u64 // `as`: a usize fits a u64
    }

    /// Reads the next piece after the text (up to the range's end, or a
    /// tail's worth past it).
    fn read(&mut self) -> Result<()> {
        let at = self.next();
        let want = if at < self.end { to_usize(self.end - at).min(self.piece) } else { self.tail };
        let need = self.len + want;
        if self.buf.len() < need {
            // Zeroed once: the buffer is kept from one partition to the next.
            self.buf.resize(need, 0);
        }
        let old = self.len;
        while self.len < need {
            match self.file.read(&mut self.buf[self.len..need]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.len += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io(self.path)(e)),
            }
        }
        self.most = self.most.max(self.len);
        self.new_quotes = memchr::memchr(b'"', &self.buf[old..self.len]).is_some();
        self.quotes |= self.new_quotes;
        Ok(())
    }

    /// Drops the text before `at`.
    fn consume(&mut self, at: usize) {
        self.buf.copy_within(at..self.len, 0);
        self.len -= at;
        self.base += at as u64; // `as`: a usize fits a u64
        // What is left is a partial row: looked at again, it is short.
        self.quotes = self.quotes && memchr::memchr(b'"', &self.buf[..self.len]).is_some();
    }
}

#[cfg(test)]
mod publish_tests;
#[cfg(test)]
mod tests;
