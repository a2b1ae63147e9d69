//! The fast path against the general tokenizer: on generated blocks
//! (quoted fields with delimiters, line ends and doubled quotes inside,
//! blank lines, `\r\n` and lone `\r` line ends, wrong field counts, text
//! after a closing quote, a block cut anywhere), whenever the fast path
//! reads a block it yields what the tokenizer yields, and it reads every
//! clean block.

use proptest::prelude::*;

use super::{Layout, blank_line_len, parse_rows};
use crate::builder::Builder;
use crate::column::Column;
use crate::dtype::DType;
use crate::na::NaSet;
use crate::tokenizer::Tokenizer;

/// A block and how to read it.
#[derive(Debug, Clone)]
struct Case {
    buf: Vec<u8>,
    limit: usize,
    ncols: usize,
    /// Per field, whether it is wanted.
    wanted: Vec<bool>,
    /// Per field, its type (float or text).
    floats: Vec<bool>,
    eol: u8,
    /// Whether the block may hold what the fast path refuses.
    messy: bool,
}

impl Case {
    fn slot_of(&self) -> Vec<usize> {
        let mut next = 0;
        self.wanted
            .iter()
            .map(|&w| {
                if w {
                    next += 1;
                    next - 1
                } else {
                    usize::MAX
                }
            })
            .collect()
    }

    fn builders<'a>(&self, na: &'a NaSet) -> Vec<Builder<'a>> {
        (0..self.ncols)
            .filter(|&j| self.wanted[j])
            .map(|j| Builder::new(if self.floats[j] { DType::Float64 } else { DType::Str }, true, na))
            .collect()
    }
}

/// The rows as the general path of `Sink::parse` reads them; `None` where
/// it reports a problem.
fn by_tokenizer(case: &Case, na: &NaSet) -> Option<(usize, Vec<Column>)> {
    let buf = &case.buf[..];
    let slot_of = case.slot_of();
    let mut builders = case.builders(na);
    let mut tok = Tokenizer::new(buf, 0, b',', case.eol);
    let mut rows = 0;
    while tok.pos < case.limit && tok.pos < buf.len() {
        let at = tok.pos;
        let blank = match buf[at] {
            b if b == case.eol => Some(1),
            b'\r' if buf.get(at + 1) == Some(&b'\n') => Some(2),
            b' ' | b'\t' => blank_line_len(&buf[at..], case.eol, b','),
            _ => None,
        };
        if let Some(len) = blank {
            tok.pos += len;
            continue;
        }
        let mut count = 0;
        let mut ok = true;
        tok.record(&mut |j, field, quoted| {
            count = j + 1;
            if j < case.ncols && slot_of[j] != usize::MAX {
                ok &= builders[slot_of[j]].push(field, quoted).is_ok();
            }
        })
        .ok()?;
        // A short row's missing fields are empty (pandas pads it).
        for j in count..case.ncols {
            if slot_of[j] != usize::MAX {
                ok &= builders[slot_of[j]].push(b"", false).is_ok();
            }
        }
        if !ok || count > case.ncols {
            return None;
        }
        rows += 1;
    }
    Some((rows, builders.into_iter().map(Builder::finish).collect()))
}

/// The rows as the fast path reads them.
fn by_fast_path(case: &Case, na: &NaSet) -> Option<(usize, Vec<Column>)> {
    let slot_of = case.slot_of();
    let layout = Layout { ncols: case.ncols, slot_of: &slot_of, delimiter: b',', eol: case.eol };
    let mut builders = case.builders(na);
    let stop = if case.buf.contains(&b'"') {
        parse_rows::<true>(&case.buf, 0, case.limit, &layout, &mut builders)
    } else {
        parse_rows::<false>(&case.buf, 0, case.limit, &layout, &mut builders)
    };
    if !stop.clean {
        return None;
    }
    Some((stop.rows, builders.into_iter().map(Builder::finish).collect()))
}

/// A field's text: plain, numeric, or quoted (with delimiters, line ends
/// and doubled quotes inside); `messy` adds what the fast path refuses or
/// the tokenizer reads specially (a quote inside a plain field, text after
/// a closing quote, blanks).
fn field(messy: bool) -> BoxedStrategy<String> {
    let plain = "[a-c1.-]{0,9}";
    let number = "-?[0-9]{1,6}(\\.[0-9]{1,4})?";
    let quoted = "\"([a-b,\n\r]|\"\"){0,6}\"".prop_map(|s| s);
    if messy {
        prop_oneof![
            plain.prop_map(|s| s),
            number.prop_map(|s| s),
            quoted,
            "[a \t\"x]{0,4}".prop_map(|s| s),
            "\"[ab]{0,3}\"[x ]{1,2}".prop_map(|s| s),
        ]
        .boxed()
    } else {
        prop_oneof![plain.prop_map(|s| s), number.prop_map(|s| s), quoted].boxed()
    }
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..5, any::<bool>(), prop_oneof![Just(b'\n'), Just(b'\r')])
        .prop_flat_map(|(ncols, messy, eol)| {
            let row = (1usize..ncols + 2)
                .prop_map(move |n| if messy { n } else { ncols })
                .prop_flat_map(move |n| proptest::collection::vec(field(messy), n));
            let line_end = if eol == b'\n' {
                prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n"), Just("\n \t\n")].boxed()
            } else {
                prop_oneof![Just("\r"), Just("\r\r")].boxed()
            };
            (
                Just(ncols),
                Just(eol),
                Just(messy),
                proptest::collection::vec((row, line_end), 0..12),
                any::<bool>(),
                proptest::collection::vec(any::<bool>(), ncols),
                proptest::collection::vec(proptest::bool::weighted(0.3), ncols),
                any::<proptest::sample::Index>(),
            )
        })
        .prop_map(|(ncols, eol, messy, rows, last_end, wanted, floats, cut)| {
            let mut text = String::new();
            for (i, (fields, end)) in rows.iter().enumerate() {
                text.push_str(&fields.join(","));
                if last_end || i + 1 < rows.len() {
                    text.push_str(end);
                }
            }
            let buf = text.into_bytes();
            let limit = if buf.is_empty() { 0 } else { cut.index(buf.len() + 1) };
            Case { buf, limit, ncols, wanted, floats, eol, messy }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_path_reads_what_the_tokenizer_reads(case in case()) {
        let na = NaSet::new(true, &[]);
        if let Some(fast) = by_fast_path(&case, &na) {
            prop_assert_eq!(Some(fast), by_tokenizer(&case, &na), "{:?}", String::from_utf8_lossy(&case.buf));
        }
    }

    #[test]
    fn where_the_fast_path_gives_up_the_rows_before_are_the_tokenizers(case in case()) {
        let na = NaSet::new(true, &[]);
        let slot_of = case.slot_of();
        let layout = Layout { ncols: case.ncols, slot_of: &slot_of, delimiter: b',', eol: case.eol };
        let mut builders = case.builders(&na);
        let stop = parse_rows::<true>(&case.buf, 0, case.limit, &layout, &mut builders);
        if !stop.clean {
            // The block up to the row given up on: the same rows, read alike.
            builders.iter_mut().for_each(|b| b.truncate(stop.rows));
            let fast: Vec<Column> = builders.into_iter().map(Builder::finish).collect();
            let before = Case { buf: case.buf[..stop.at].to_vec(), limit: stop.at, ..case.clone() };
            prop_assert_eq!(
                Some((stop.rows, fast)),
                by_tokenizer(&before, &na),
                "{:?}",
                String::from_utf8_lossy(&case.buf)
            );
        }
    }

    #[test]
    fn the_fast_path_reads_every_clean_block(mut case in case()) {
        // Clean: text fields only, so that every value is taken.
        case.floats.iter_mut().for_each(|f| *f = false);
        let na = NaSet::new(true, &[]);
        let reference = by_tokenizer(&case, &na);
        prop_assert!(case.messy || reference.is_some());
        if !case.messy {
            prop_assert_eq!(by_fast_path(&case, &na), reference);
        }
    }
}

#[test]
fn words_cut_anywhere_are_read_alike() {
    // Rows longer than a word, fields across word boundaries, the block's
    // end inside the last word, a trailing delimiter, both line ends.
    let na = NaSet::new(true, &[]);
    for text in [
        &b"abcdefghij,1.5,\"x,y\"\r\nklmnopqrstuvwxyz,-2,\"\"\"q\"\"\"\r\n"[..],
        b"a,b,c\nd,e,f\ng,h,",
        b"aaaaaaa,\"b\nb\",cccccccccccccccc\r\n\n  \nd,\"\",e",
        b"1,2,3\r4,5,6\r",
    ] {
        let eol = if text.ends_with(b"6\r") { b'\r' } else { b'\n' };
        for limit in 0..=text.len() {
            for wanted in 0..8u8 {
                let case = Case {
                    buf: text.to_vec(),
                    limit,
                    ncols: 3,
                    wanted: (0..3).map(|j| wanted & (1 << j) != 0).collect(),
                    floats: vec![false; 3],
                    eol,
                    messy: false,
                };
                let fast = by_fast_path(&case, &na);
                assert!(fast.is_some(), "{limit} {wanted}: {:?}", String::from_utf8_lossy(text));
                assert_eq!(
                    fast,
                    by_tokenizer(&case, &na),
                    "{limit} {wanted}: {:?}",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }
}

#[test]
fn bytes_are_counted_in_blocks_words_and_bytes_alike() {
    // Every length across the 32-byte blocks and 8-byte words, the byte
    // at every position and in every byte of a run.
    for len in 0..100 {
        for at in 0..len {
            let mut bytes = vec![b'a'; len];
            bytes[at] = b',';
            assert_eq!(super::count_in(&bytes, b','), 1, "{len} {at}");
        }
        assert_eq!(super::count_in(&vec![b','; len], b','), len);
        assert_eq!(super::count_in(&vec![b'-'; len], b','), 0);
    }
}
