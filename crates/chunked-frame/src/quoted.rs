//! Where rows start in a file cut into byte ranges when quoted fields may
//! hide line ends: the tokenizer as a five-state automaton, the transition
//! function of a byte range, and the entry state of each partition from the
//! transitions of the ranges before it.
//!
//! The technique is the one of parallel CSV parsers: a range's transition
//! function (the state after the range for every state before it) is
//! computed from the range alone, and the state at each range's start is
//! the composition of the functions before it (ParPaRaw, Stehle and
//! Jacobsen, PVLDB 2020, composes such state-transition vectors by a prefix
//! scan; Ge et al., "Speculative Distributed CSV Data Parsing for Big Data
//! Analytics", SIGMOD 2019, and simdcsv's two passes over quote parity rest
//! on the same fact). Unlike quote parity alone, the automaton also reads a
//! quote inside an unquoted field as text (`ab"c`), as pandas does, so the
//! row starts it finds are exactly those of reading the file whole.
//!
//! Nothing is read up front: each partition task publishes its own range's
//! function once it has read the range, and a task that needs functions not
//! yet published computes them by streaming those ranges through a small
//! buffer (never holding them), claiming each so that concurrent tasks share
//! the work instead of repeating it. A range without a quote costs one
//! `memchr` over it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{FrameError, Result};
use crate::rows::next_quote;
use crate::split::Partition;

/// The tokenizer's state between two bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// At the start of a record (after a line end outside quotes).
    Record = 0,
    /// At the start of a field after a delimiter.
    Field = 1,
    /// Inside an unquoted field, or in text after a closing quote, where a
    /// quote is text.
    Unquoted = 2,
    /// Inside a quoted field.
    Quoted = 3,
    /// Just after a quote inside a quoted field: it closes the field unless
    /// another quote follows (a doubled quote).
    QuoteInQuoted = 4,
}

const ALL: [State; 5] = [State::Record, State::Field, State::Unquoted, State::Quoted, State::QuoteInQuoted];

/// The state after a byte range for each state before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Transition([State; 5]);

/// The states the tokenizer may be in after the byte `b`, as a mask (bit
/// `s as usize` for state `s`): what a range's start can be, knowing only
/// the byte before it.
pub(crate) fn after_byte(b: u8, scanner: Scanner) -> u8 {
    let t = Transition::of(&[b], b == b'"', scanner.delimiter, scanner.eol);
    ALL.iter().fold(0, |mask, &s| mask | 1 << t.apply(s) as usize)
}

/// The states of a mask, most likely first for the start of a range that
/// only the byte before it is known of: outside quotes (most bytes of a
/// file are), a closing quote before an opening one.
pub(crate) fn likely_first(states: u8) -> impl Iterator<Item = State> {
    [State::Record, State::Field, State::QuoteInQuoted, State::Unquoted, State::Quoted]
        .into_iter()
        .filter(move |&s| states & (1 << s as usize) != 0)
}

impl Transition {
    pub(crate) const IDENTITY: Transition = Transition(ALL);

    /// The state after the range when `before` was the state before it.
    pub(crate) fn apply(self, before: State) -> State {
        self.0[before as usize] // `as`: a discriminant below 5
    }

    /// The function that sends every state to `state`: the one a range
    /// publishes when the trajectories from every state it may start in
    /// have met (no other start can occur, so where they would go does
    /// not matter).
    pub(crate) fn constant(state: State) -> Transition {
        Transition([state; 5])
    }

    /// Whether the function sends every state of `states` (a mask, bit
    /// `s as usize` for state `s`) to one state: the trajectories from
    /// them have met.
    pub(crate) fn merges(self, states: u8) -> bool {
        let mut to = None;
        for s in ALL {
            if states & (1 << s as usize) != 0 {
                let t = self.apply(s);
                if to.is_some_and(|u| u != t) {
                    return false;
                }
                to = Some(t);
            }
        }
        true
    }

    /// Whether the function sends every state to one state.
    pub(crate) fn is_constant(self) -> bool {
        self.merges(0b11111)
    }

    /// This range followed by `next`.
    pub(crate) fn then(self, next: Transition) -> Transition {
        Transition(self.0.map(|s| next.apply(s)))
    }

    /// The function of `bytes`; `has_quote` says whether they hold a `"`
    /// (the caller knows it from one `memchr`).
    pub(crate) fn of(bytes: &[u8], has_quote: bool, delimiter: u8, eol: u8) -> Transition {
        let Some(&last) = bytes.last() else { return Transition::IDENTITY };
        if !has_quote {
            // Outside quotes every state ends where the last byte leaves it;
            // inside, nothing closes the field.
            let out = if last == eol {
                State::Record
            } else if last == delimiter {
                State::Field
            } else {
                State::Unquoted
            };
            return Transition([out, out, out, State::Quoted, out]);
        }
        // Trajectories from each state, run together and merged when two
        // meet in one state at one byte (they agree from there on). A
        // record start and a field start read bytes alike, so they start
        // as one.
        let mut runs: Vec<(State, usize, u8)> = vec![
            (State::Record, 0, 0b00011),
            (State::Unquoted, 0, 0b00100),
            (State::Quoted, 0, 0b01000),
            (State::QuoteInQuoted, 0, 0b10000),
        ];
        let scanner = Scanner { delimiter, eol };
        while runs.len() > 1 {
            let Some(i) = (0..runs.len()).filter(|&i| runs[i].1 < bytes.len()).min_by_key(|&i| runs[i].1)
            else {
                break;
            };
            let (state, pos) = scanner.jump(bytes, runs[i].0, runs[i].1);
            runs[i].0 = state;
            runs[i].1 = pos;
            if let Some(j) = (0..runs.len()).find(|&j| j != i && runs[j].0 == state && runs[j].1 == pos) {
                runs[j].2 |= runs[i].2;
                runs.swap_remove(i);
            }
        }
        // One trajectory left (the usual case after the first row): no
        // bookkeeping.
        if let [(state, pos, _)] = &mut runs[..] {
            *state = scanner.run(bytes, *state, *pos);
        }
        let mut out = ALL;
        for (state, _, mask) in runs {
            for (k, o) in out.iter_mut().enumerate() {
                if mask & (1 << k) != 0 {
                    *o = state;
                }
            }
        }
        Transition(out)
    }
}

/// Steps the automaton over a buffer, one event (a byte or a jump to the
/// next byte that matters) at a time.
#[derive(Clone, Copy)]
pub(crate) struct Scanner {
    pub(crate) delimiter: u8,
    pub(crate) eol: u8,
}

impl Scanner {
    /// The state outside quotes after byte `b`.
    #[inline]
    fn after(self, b: u8) -> State {
        if b == self.delimiter {
            State::Field
        } else if b == self.eol {
            State::Record
        } else {
            State::Unquoted
        }
    }

    /// Like [`Scanner::step`], but from one quote to the next: outside
    /// quotes only a quote can change how bytes are read, and whether it
    /// opens a field depends on the byte before it alone (a delimiter or
    /// line end outside quotes, since no quote came between). The
    /// position after the next quote event from `state` at `pos`
    /// (`pos < buf.len()`), or the end of `buf`.
    #[inline]
    fn jump(self, buf: &[u8], state: State, pos: usize) -> (State, usize) {
        match state {
            State::Quoted => match memchr::memchr(b'"', &buf[pos..]) {
                Some(k) => (State::QuoteInQuoted, pos + k + 1),
                None => (State::Quoted, buf.len()),
            },
            State::QuoteInQuoted => {
                let b = buf[pos];
                (if b == b'"' { State::Quoted } else { self.after(b) }, pos + 1)
            }
            State::Record | State::Field | State::Unquoted => match memchr::memchr(b'"', &buf[pos..]) {
                Some(k) => {
                    let q = pos + k;
                    let before = if q == pos { state } else { self.after(buf[q - 1]) };
                    let next = if before == State::Unquoted { State::Unquoted } else { State::Quoted };
                    (next, q + 1)
                }
                None => (self.after(buf[buf.len() - 1]), buf.len()),
            },
        }
    }

    /// The state at the end of `buf` from `state` at `pos`: what
    /// [`Scanner::jump`] reaches, called until the end, but with the next
    /// quote looked for in the next eight bytes first (a word at a time),
    /// as quotes come close together in files that quote their fields.
    pub(crate) fn run(self, buf: &[u8], mut state: State, mut pos: usize) -> State {
        loop {
            match state {
                State::Quoted => match next_quote(buf, pos) {
                    Some(q) => (state, pos) = (State::QuoteInQuoted, q + 1),
                    None => return State::Quoted,
                },
                State::QuoteInQuoted => {
                    let Some(&b) = buf.get(pos) else { return state };
                    state = if b == b'"' { State::Quoted } else { self.after(b) };
                    pos += 1;
                }
                State::Record | State::Field | State::Unquoted => match next_quote(buf, pos) {
                    Some(q) => {
                        let before = if q == pos { state } else { self.after(buf[q - 1]) };
                        state = if before == State::Unquoted { State::Unquoted } else { State::Quoted };
                        pos = q + 1;
                    }
                    None if pos < buf.len() => return self.after(buf[buf.len() - 1]),
                    None => return state,
                },
            }
        }
    }

    /// The state and position after the next event from `state` at `pos`
    /// (`pos < buf.len()`).
    #[inline]
    fn step(self, buf: &[u8], state: State, pos: usize) -> (State, usize) {
        let after = |b: u8| {
            if b == self.delimiter {
                State::Field
            } else if b == self.eol {
                State::Record
            } else {
                State::Unquoted
            }
        };
        match state {
            State::Record | State::Field => {
                let b = buf[pos];
                (if b == b'"' { State::Quoted } else { after(b) }, pos + 1)
            }
            State::Unquoted => match memchr::memchr2(self.delimiter, self.eol, &buf[pos..]) {
                Some(k) => (after(buf[pos + k]), pos + k + 1),
                None => (State::Unquoted, buf.len()),
            },
            State::Quoted => match memchr::memchr(b'"', &buf[pos..]) {
                Some(k) => (State::QuoteInQuoted, pos + k + 1),
                None => (State::Quoted, buf.len()),
            },
            State::QuoteInQuoted => {
                let b = buf[pos];
                (if b == b'"' { State::Quoted } else { after(b) }, pos + 1)
            }
        }
    }

    /// The first record start in `buf` from `state` at 0 that lies before
    /// `limit`, if any.
    pub(crate) fn first_record(self, buf: &[u8], state: State, limit: usize) -> Option<usize> {
        let (mut state, mut pos) = (state, 0);
        while state != State::Record {
            if pos >= limit.min(buf.len()) {
                return None;
            }
            (state, pos) = self.step(buf, state, pos);
        }
        (pos < limit).then_some(pos)
    }

    /// The last record start in `buf` after its first byte, running from a
    /// record start at 0.
    pub(crate) fn last_record(self, buf: &[u8]) -> Option<usize> {
        let (mut state, mut pos, mut last) = (State::Record, 0, None);
        while pos < buf.len() {
            if state != State::Quoted && state != State::QuoteInQuoted {
                // Every line end outside quotes ends a record; the last one
                // before the next quote is the latest so far.
                let end = memchr::memchr(b'"', &buf[pos..]).map_or(buf.len(), |k| pos + k);
                if let Some(k) = memchr::memrchr(self.eol, &buf[pos..end]) {
                    last = Some(pos + k + 1);
                }
            }
            (state, pos) = self.jump(buf, state, pos);
            if state == State::Record {
                last = Some(pos);
            }
        }
        last.filter(|&k| k > 0)
    }

    /// The end of the record that starts at `at` (a record start), if it
    /// ends in `buf`: the first record start after `at`.
    pub(crate) fn record_end(self, buf: &[u8], at: usize) -> Option<usize> {
        if at >= buf.len() {
            return None;
        }
        let (state, pos) = self.step(buf, State::Record, at);
        self.to_record(&buf[pos..], state).ok().map(|k| pos + k)
    }

    /// Runs from `state` over `buf`: the end of the first record start
    /// reached (`Ok(position)`), or the state at the end of `buf`.
    pub(crate) fn to_record(self, buf: &[u8], state: State) -> std::result::Result<usize, State> {
        let (mut state, mut pos) = (state, 0);
        while state != State::Record {
            if pos >= buf.len() {
                return Err(state);
            }
            (state, pos) = self.step(buf, state, pos);
        }
        Ok(pos)
    }
}

/// Per partition of a read: its range's transition, when known, and the
/// state at its start, when known.
#[derive(Debug, Default)]
pub(crate) struct Entries {
    slots: Vec<Slot>,
}

#[derive(Debug, Default)]
struct Slot {
    /// Set by whoever computes the transition first.
    transition: OnceLock<Transition>,
    /// Whether some task is computing (or has computed) the transition.
    claimed: AtomicBool,
    /// The state at the partition's start.
    entry: OnceLock<State>,
}

/// Bytes streamed at a time when a task computes another range's function.
const STREAM_PIECE: usize = 1 << 20;

impl Entries {
    /// Slots for `count` partitions, nothing known.
    pub(crate) fn new(count: usize) -> Self {
        Self { slots: (0..count).map(|_| Slot::default()).collect() }
    }

    /// Claims partition `p`'s slot for its own task, before it reads its
    /// range: a task that needs the range's function meanwhile waits for
    /// it instead of reading the range a second time. Dropping the claim
    /// unpublished (an error, a panic) releases it.
    pub(crate) fn claim(&self, p: usize) -> Claim<'_> {
        let slot = &self.slots[p];
        let release = (!slot.claimed.swap(true, Ordering::AcqRel)).then(|| Release(&slot.claimed));
        Claim { slot, release }
    }

    /// Whether partition `p`'s function is known.
    #[cfg(test)]
    pub(crate) fn published(&self, p: usize) -> bool {
        self.slots[p].transition.get().is_some()
    }

    /// The state at the start of partition `p` when it is known without
    /// reading anything: a file's first partition starts a record.
    pub(crate) fn known(&self, partitions: &[Partition], p: usize) -> Option<State> {
        if p == 0 || partitions[p - 1].file != partitions[p].file {
            return Some(State::Record);
        }
        self.slots[p].entry.get().copied()
    }

    /// The state at the start of partition `p`: a record start for the
    /// first partition of a file, else the composition of the functions of
    /// the file's ranges before it, from the nearest known entry.
    pub(crate) fn entry(
        &self,
        partitions: &[Partition],
        p: usize,
        path: &Path,
        scanner: Scanner,
    ) -> Result<State> {
        let first_of_file = |k: usize| k == 0 || partitions[k - 1].file != partitions[k].file;
        if first_of_file(p) {
            return Ok(State::Record);
        }
        if let Some(&s) = self.slots[p].entry.get() {
            return Ok(s);
        }
        // Back to where the state is known: a file's start, a known
        // entry, or a range whose function is constant (the trajectories
        // through it met: the state after it is known whatever came before).
        let constant = |k: usize| self.slots[k].transition.get().is_some_and(|t| t.is_constant());
        let mut from = p - 1;
        while !first_of_file(from) && self.slots[from].entry.get().is_none() && !constant(from) {
            from -= 1;
        }
        // First claim and compute what no one has claimed, so that
        // concurrent tasks split the work; then wait for the rest.
        for (slot, part) in self.slots[from..p].iter().zip(&partitions[from..p]) {
            if slot.transition.get().is_none() && !slot.claimed.swap(true, Ordering::AcqRel) {
                slot.compute_claimed(path, part, scanner)?;
            }
        }
        // A constant function's start does not matter: any state will do.
        let mut state = self.slots[from].entry.get().copied().unwrap_or(State::Record);
        for (k, part) in partitions.iter().enumerate().take(p).skip(from) {
            let t = self.wait_transition(k, path, part, scanner)?;
            state = t.apply(state);
            let _ = self.slots[k + 1].entry.set(state);
        }
        Ok(state)
    }

    /// Partition `k`'s function, waiting while another task computes it
    /// (which needs nothing but the file), or computing it when that task
    /// gave up on an error.
    fn wait_transition(
        &self,
        k: usize,
        path: &Path,
        part: &Partition,
        scanner: Scanner,
    ) -> Result<Transition> {
        let slot = &self.slots[k];
        let mut round = 0u32;
        loop {
            if let Some(&t) = slot.transition.get() {
                return Ok(t);
            }
            if !slot.claimed.swap(true, Ordering::AcqRel) {
                return slot.compute_claimed(path, part, scanner);
            }
            // Streaming a range takes milliseconds: yield at first, then
            // sleep, rather than spin against the task computing it.
            if round < 64 {
                round += 1;
                std::thread::yield_now();
            } else {
                std::thread::sleep(std::time::Duration::from_micros(100));
            }
        }
    }
}

impl Slot {
    /// Computes the transition of a slot this task has claimed, and sets
    /// it; on an error or a panic the claim is released, so that a task
    /// waiting for it computes it instead of waiting for ever.
    fn compute_claimed(&self, path: &Path, part: &Partition, scanner: Scanner) -> Result<Transition> {
        let release = Release(&self.claimed);
        let t = stream_transition(path, part, scanner)?;
        let _ = self.transition.set(t);
        std::mem::forget(release);
        Ok(t)
    }
}

/// A partition's claim on its own slot ([`Entries::claim`]).
pub(crate) struct Claim<'a> {
    slot: &'a Slot,
    /// `None` when another task had claimed the slot first.
    release: Option<Release<'a>>,
}

impl Claim<'_> {
    /// The range's function: the one published, when a task that needed
    /// it computed it already, or else `compute()`'s, published.
    pub(crate) fn publish(self, compute: impl FnOnce() -> Transition) -> Transition {
        if let Some(&t) = self.slot.transition.get() {
            return t;
        }
        let t = compute();
        let _ = self.slot.transition.set(t);
        std::mem::forget(self.release);
        t
    }
}

/// A claim on a slot, released when dropped (on an error or a panic);
/// forgotten once the transition is set.
struct Release<'a>(&'a AtomicBool);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// A range's function, read through a small buffer.
fn stream_transition(path: &Path, part: &Partition, scanner: Scanner) -> Result<Transition> {
    let io = |error| FrameError::Io { path: path.to_owned(), error };
    let mut f = File::open(path).map_err(io)?;
    f.seek(SeekFrom::Start(part.start)).map_err(io)?;
    let mut left = part.end - part.start;
    let mut buf = vec![0u8; STREAM_PIECE.min(usize::try_from(left).unwrap_or(usize::MAX))];
    let mut t = Transition::IDENTITY;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = f.read(&mut buf[..want]).map_err(io)?;
        if n == 0 {
            break; // the file shrank; the partition's own read reports it
        }
        let piece = &buf[..n];
        let has_quote = memchr::memchr(b'"', piece).is_some();
        t = t.then(Transition::of(piece, has_quote, scanner.delimiter, scanner.eol));
        left -= n as u64; // `as`: n fits the buffer, a usize no larger than u64
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state after `bytes` from `state`, one byte at a time: the
    /// automaton as written down, to check the jumping one against.
    fn by_bytes(bytes: &[u8], mut state: State) -> State {
        for &b in bytes {
            state = match (state, b) {
                (State::Record | State::Field | State::QuoteInQuoted, b'"') => State::Quoted,
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (_, b',') => State::Field,
                (_, b'\n') => State::Record,
                _ => State::Unquoted,
            };
        }
        state
    }

    #[test]
    fn the_function_of_a_range_matches_the_automaton_and_composes() {
        let texts: [&[u8]; 8] = [
            b"a,\"b\n,c\"\"d\",e\n",
            b"\"\"\"\n",
            b"ab\"c,\"d\"x\"y\n\"",
            b"1,2\n3,4\n",
            b"\"x\ny\"",
            b",,\n\n\"",
            b"\"a\"\"\"",
            b"q\"\"\n\"",
        ];
        for text in texts {
            for s in ALL {
                let has = memchr::memchr(b'"', text).is_some();
                let t = Transition::of(text, has, b',', b'\n');
                assert_eq!(t.apply(s), by_bytes(text, s), "{:?} from {s:?}", String::from_utf8_lossy(text));
                for cut in 0..=text.len() {
                    let (a, b) = text.split_at(cut);
                    let ta = Transition::of(a, memchr::memchr(b'"', a).is_some(), b',', b'\n');
                    let tb = Transition::of(b, memchr::memchr(b'"', b).is_some(), b',', b'\n');
                    assert_eq!(ta.then(tb), t, "cut at {cut}");
                }
            }
        }
    }

    /// The states after each byte from `state`, one byte at a time.
    fn trajectory(bytes: &[u8], state: State) -> Vec<State> {
        (0..=bytes.len()).map(|k| by_bytes(&bytes[..k], state)).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            // Failing cases are kept under the workspace's target/, not in
            // the sources.
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../target/proptest-regressions/chunked-frame-quoted-jumps.txt"
            )))),
            ..Default::default()
        })]

        #[test]
        fn jumps_agree_with_the_automaton_byte_by_byte(
            bytes in proptest::collection::vec(proptest::sample::select(b"a,\n\"\r".to_vec()), 0..48),
        ) {
            let scanner = Scanner { delimiter: b',', eol: b'\n' };
            let has = bytes.contains(&b'"');
            let t = Transition::of(&bytes, has, b',', b'\n');
            for s in ALL {
                let states = trajectory(&bytes, s);
                proptest::prop_assert_eq!(t.apply(s), states[bytes.len()], "from {:?}", s);
                let first = (0..bytes.len()).find(|&k| states[k] == State::Record);
                proptest::prop_assert_eq!(scanner.first_record(&bytes, s, bytes.len()), first);
                let to = (1..=bytes.len()).find(|&k| states[k] == State::Record);
                let got = scanner.to_record(&bytes, s);
                match to {
                    _ if s == State::Record => proptest::prop_assert_eq!(got, Ok(0)),
                    Some(k) => proptest::prop_assert_eq!(got, Ok(k)),
                    None => proptest::prop_assert_eq!(got, Err(states[bytes.len()])),
                }
            }
            let states = trajectory(&bytes, State::Record);
            let last = (1..=bytes.len()).rev().find(|&k| states[k] == State::Record);
            proptest::prop_assert_eq!(scanner.last_record(&bytes), last);
            // The end of a record starting anywhere: the next record start.
            for at in 0..=bytes.len() {
                let states = trajectory(&bytes[at..], State::Record);
                let end = (1..states.len()).find(|&k| states[k] == State::Record).map(|k| at + k);
                proptest::prop_assert_eq!(scanner.record_end(&bytes, at), end, "a record from {}", at);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            // Failing cases are kept under the workspace's target/, not in
            // the sources.
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../target/proptest-regressions/chunked-frame-quoted-runs.txt"
            )))),
            ..Default::default()
        })]

        #[test]
        fn runs_to_the_end_agree_with_the_automaton_byte_by_byte(
            // Long enough that quotes lie beyond the first word after a
            // quote, and in runs of quotes, as in files that quote fields.
            bytes in proptest::collection::vec(
                proptest::sample::select(b"aaaaaaa,,\n\"\"\r".to_vec()), 0..160),
        ) {
            let scanner = Scanner { delimiter: b',', eol: b'\n' };
            for s in ALL {
                for from in 0..=bytes.len() {
                    proptest::prop_assert_eq!(
                        scanner.run(&bytes, s, from), by_bytes(&bytes[from..], s), "from {:?} at {}", s, from);
                }
            }
        }
    }

    #[test]
    fn entry_states_compose_and_a_failed_computation_leaves_the_work_to_others() {
        let path = std::env::temp_dir().join(format!("quoted-entries-{}.csv", std::process::id()));
        let _ = std::fs::remove_file(&path);
        // A quoted field holding a line end, cut every 4 bytes.
        let text = b"x,\"1\n2\",y\nz,3\n";
        let parts: Vec<Partition> =
            (0..4u64).map(|k| Partition { file: 0, start: 4 * k, end: (4 * k + 4).min(16) }).collect();
        let scanner = Scanner { delimiter: b',', eol: b'\n' };
        let entries = Entries::new(parts.len());
        // The file is missing: an error, and no slot stays claimed.
        assert!(entries.entry(&parts, 3, &path, scanner).is_err());
        assert!(entries.slots.iter().all(|s| !s.claimed.load(Ordering::Acquire)));
        std::fs::write(&path, text).unwrap();
        let want: Vec<State> = (0..4).map(|k| by_bytes(&text[..4 * k], State::Record)).collect();
        assert_eq!(want[1], State::Quoted);
        assert_eq!(entries.entry(&parts, 3, &path, scanner).unwrap(), want[3]);
        for (k, &w) in want.iter().enumerate() {
            assert_eq!(entries.entry(&parts, k, &path, scanner).unwrap(), w, "partition {k}");
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_partition_claims_its_range_until_it_publishes_it_and_a_failure_releases_it() {
        let entries = Entries::new(2);
        let t = Transition::of(b"a\"b\n", true, b',', b'\n');
        // From before the task reads its range until it publishes the
        // function, others see the claim (and wait rather than read the
        // range a second time).
        let claim = entries.claim(1);
        assert!(entries.slots[1].claimed.load(Ordering::Acquire));
        assert_eq!(claim.publish(|| t), t);
        assert!(entries.slots[1].claimed.load(Ordering::Acquire));
        assert_eq!(entries.slots[1].transition.get(), Some(&t));
        // A failed read drops the claim: released, nothing published.
        drop(entries.claim(0));
        assert!(!entries.slots[0].claimed.load(Ordering::Acquire), "a failure leaves no claim to wait on");
        assert!(entries.slots[0].transition.get().is_none());
        // A slot another task claimed first stays claimed by it.
        let other = entries.claim(0);
        drop(entries.claim(0));
        assert!(entries.slots[0].claimed.load(Ordering::Acquire));
        assert_eq!(other.publish(|| t), t);
    }

    #[test]
    fn a_task_needing_a_range_another_task_is_reading_waits_for_the_function_it_publishes() {
        // The file is missing: the only way to the entry state is the
        // function the task reading the range publishes; reading the range
        // a second time would fail.
        let path = std::env::temp_dir().join(format!("quoted-wait-missing-{}.csv", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let parts = [Partition { file: 0, start: 0, end: 4 }, Partition { file: 0, start: 4, end: 8 }];
        let scanner = Scanner { delimiter: b',', eol: b'\n' };
        let entries = Entries::new(2);
        // The first range ends inside a quoted field.
        let t = Transition::of(b"x,\"1", true, b',', b'\n');
        std::thread::scope(|s| {
            let claim = entries.claim(0);
            let waiter = s.spawn(|| entries.entry(&parts, 1, &path, scanner));
            // Long enough for the waiter to yield and then sleep.
            std::thread::sleep(std::time::Duration::from_millis(100));
            assert!(!waiter.is_finished(), "the waiter did not wait for the claimed range");
            assert_eq!(claim.publish(|| t), t);
            assert_eq!(
                waiter.join().expect("the waiter panicked").expect("the waiter read the file"),
                State::Quoted
            );
        });
        assert_eq!(entries.known(&parts, 1), Some(State::Quoted));
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_text() {
        // Quote parity alone would put the line end inside quotes.
        let t = Transition::of(b"ab\"c\nd", true, b',', b'\n');
        assert_eq!(t.apply(State::Record), State::Unquoted);
        let scanner = Scanner { delimiter: b',', eol: b'\n' };
        assert_eq!(scanner.first_record(b"ab\"c\nd", State::Unquoted, 6), Some(5));
        assert_eq!(scanner.first_record(b"x\"\nd\"\ne", State::Quoted, 7), Some(3));
        assert_eq!(scanner.first_record(b"x\"\"\nd\"\ne", State::Quoted, 8), Some(7));
        assert_eq!(scanner.to_record(b"x\"\"\n", State::Quoted), Err(State::Quoted));
        assert_eq!(scanner.last_record(b"a\n\"b\nc\"\nd"), Some(8));
        assert_eq!(scanner.last_record(b"a\n\"b\nc"), Some(2));
        assert_eq!(scanner.last_record(b"ab\"c\nd"), Some(5));
        assert_eq!(scanner.last_record(b"abc"), None);
    }
}
