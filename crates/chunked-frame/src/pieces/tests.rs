//! Reading in pieces against reading whole: every piece size and
//! partition size, quoted fields holding line ends, delimiters and doubled
//! quotes, long rows, blank lines, CRLF and lone CR line ends; a speculation that is
//! wrong and redone; a range whose possible starts agree needing nothing
//! of the ranges before it.

use super::parse_range;
use crate::column::Value;
use crate::csv::{CsvOptions, Source, open};
use crate::dtype::DType;
use crate::quoted::{Scanner, State, Transition, after_byte, likely_first};

/// A file removed when dropped.
struct Temp(std::path::PathBuf);

impl Temp {
    fn new(name: &str, text: &[u8]) -> Temp {
        let path = std::env::temp_dir().join(format!("pieces-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        Temp(path)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn source(file: &Temp, blocksize: usize) -> Source {
    let mut options = CsvOptions::default().blocksize(blocksize);
    for name in ["a", "b", "c"] {
        options = options.dtype(name, DType::Str);
    }
    open(file.0.to_str().unwrap(), options).unwrap()
}

/// The rows of every partition in order, read in pieces of `piece` bytes,
/// the partitions taken in `order`.
fn rows(source: &Source, piece: usize, order: &[usize]) -> Vec<Vec<Value>> {
    try_rows(source, piece, order)
        .unwrap_or_else(|e| panic!("partitions {:?}, piece {piece}: {e}", source.partitions))
}

/// [`rows`], or the first error in file order.
fn try_rows(source: &Source, piece: usize, order: &[usize]) -> Result<Vec<Vec<Value>>, String> {
    let columns: Vec<usize> = (0..3).collect();
    let mut parts = vec![Ok(Vec::new()); source.partitions.len()];
    let mut buf = Vec::new();
    for &p in order {
        parts[p] = parse_range(source, &source.partitions[p], p, &columns, &mut buf, piece, None)
            .map(|parsed| {
                (0..parsed.rows).map(|i| parsed.columns.iter().map(|c| c.get(i)).collect()).collect()
            })
            .map_err(|e| e.to_string());
    }
    Ok(parts.into_iter().collect::<Result<Vec<_>, _>>()?.concat())
}

const TEXTS: [&[u8]; 5] = [
    b"a,b,c\r1,\"x\ry\",2\r3,,5\r\"6\"\"\",7,\"\r\"\r",
    b"a,b,c\n1,\"x\ny\",\"a,b\"\n2,,\"q\"\"r\"\n\n3,\"\n\n\",z\n4,long long long long,\"\"\n5,\"\"\"\",e",
    b"a,b,c\r\n1,\"x\r\ny\",2\r\n3,4,5\r\n\"6\",\"7\",\"8\"\r\n",
    b"a,b,c\n\"1\n2\n3\n4\n5\n6\n7\n8\",b,c\nx,\"y\",z\n",
    b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n10,11,12\n",
];

#[test]
fn pieces_of_every_size_read_what_one_piece_reads() {
    for (n, text) in TEXTS.iter().enumerate() {
        let file = Temp::new(&format!("every-{n}.csv"), text);
        let whole = rows(&source(&file, 1 << 20), 1 << 20, &[0]);
        assert!(whole.len() >= 2, "{n}: {whole:?}");
        for blocksize in 1..=text.len() {
            let source = source(&file, blocksize);
            let order: Vec<usize> = (0..source.partitions.len()).collect();
            for piece in 1..=text.len() {
                assert_eq!(
                    rows(&source, piece, &order),
                    whole,
                    "text {n}, blocksize {blocksize}, piece {piece}"
                );
            }
            // Backwards: every range's state from the ranges before it,
            // none of them read yet.
            let back: Vec<usize> = order.iter().rev().copied().collect();
            assert_eq!(rows(&source, 3, &back), whole, "text {n}, blocksize {blocksize}, backwards");
        }
    }
}

#[test]
fn a_wrong_speculation_is_found_at_the_end_and_the_range_read_again() {
    // The second range starts just after a line end inside a quoted field:
    // the byte before it says a record start (the likelier) or inside
    // quotes, and the two put its first row apart.
    let text = b"a,b,c\n1,\"x\ny,z\nw\",2\n3,4,5\n";
    let cut = 11; // after "1,\"x\n" (the header is 6 bytes)
    assert_eq!(&text[cut - 2..cut], b"x\n");
    let file = Temp::new("wrong.csv", text);
    let whole = rows(&source(&file, 1 << 20), 1 << 20, &[0]);
    assert_eq!(whole.len(), 2);
    let source = source(&file, cut - 6);
    assert_eq!(source.partitions[1].start, 11);
    let scanner = Scanner { delimiter: b',', eol: b'\n' };
    let states = after_byte(text[cut - 1], scanner);
    let truth = Transition::of(&text[6..cut], true, b',', b'\n').apply(State::Record);
    assert_eq!(truth, State::Quoted);
    assert_eq!(likely_first(states).next(), Some(State::Record), "the speculation is wrong");
    for piece in [1, 2, 5, 64] {
        assert_eq!(rows(&source, piece, &[0, 1, 2, 3]), whole, "piece {piece}");
        assert_eq!(rows(&source, piece, &[3, 2, 1, 0]), whole, "piece {piece}, backwards");
    }
}

#[test]
fn a_range_whose_possible_starts_agree_needs_none_before_it() {
    // Quoted short fields, as in an export: wherever a range starts, the
    // first line end after it ends a row.
    let mut text = b"a,b,c\n".to_vec();
    for i in 0..200 {
        text.extend_from_slice(format!("{i},\"JFK\",\"A, B\"\n").as_bytes());
    }
    let file = Temp::new("agree.csv", &text);
    let source = source(&file, 400);
    // A range that does not start just after a line end (which could be a
    // record start or inside quotes, as far as the byte before it says).
    let last = (1..source.partitions.len())
        .rev()
        .find(|&p| text[usize::try_from(source.partitions[p].start).unwrap() - 1] != b'\n')
        .unwrap();
    assert!(last > 1);
    let got = rows(&source, 64, &[last]);
    assert!(!got.is_empty());
    for p in 0..last {
        assert!(!source.entries.published(p), "partition {p} was read for partition {last}");
    }
}

#[test]
fn a_range_whose_possible_starts_disagree_reads_its_state_in_the_bytes_before_it() {
    // A range that starts in a number: inside quotes, for all the byte
    // before it says, its first row would be a row later (after the next
    // quoted field). The rows just before it say it is not: it needs no
    // range before it, neither speculates nor waits.
    let mut text = b"a,b,c\n".to_vec();
    for i in 0..400 {
        text.extend_from_slice(format!("{i},\"JFK\",{}\n", 1_000_000 + i * 7).as_bytes());
    }
    let file = Temp::new("disagree.csv", &text);
    let whole = rows(&source(&file, 1 << 20), 1 << 20, &[0]);
    let source = source(&file, 500);
    let scanner = Scanner { delimiter: b',', eol: b'\n' };
    let at = |p: usize| usize::try_from(source.partitions[p].start).unwrap();
    let last = (2..source.partitions.len())
        .rev()
        .find(|&p| {
            let before = text[at(p) - 1];
            let (first_unquoted, first_quoted) = (
                scanner.first_record(&text[at(p)..], State::Unquoted, usize::MAX),
                scanner.first_record(&text[at(p)..], State::Quoted, usize::MAX),
            );
            before.is_ascii_digit() && first_unquoted != first_quoted
        })
        .unwrap();
    let got = rows(&source, 64, &[last]);
    for p in 0..last {
        assert!(!source.entries.published(p), "partition {p} was read for partition {last}");
    }
    let all: Vec<usize> = (0..source.partitions.len()).collect();
    let mut buf = Vec::new();
    let before: usize = (0..last)
        .map(|p| parse_range(&source, &source.partitions[p], p, &[0], &mut buf, 64, None).unwrap().rows)
        .sum();
    assert_eq!(got[..], whole[before..before + got.len()]);
    assert_eq!(rows(&source, 64, &all), whole);
}

#[test]
fn a_range_holds_a_piece_and_a_row_at_a_time_whatever_it_may_start_in() {
    // Quote-free: a range starting inside a row could be inside a quoted
    // field for all its bytes tell, where no row would ever start; that
    // must not make it read its whole range before parsing.
    let mut text = b"a,b,c\n".to_vec();
    let mut longest = 0;
    for i in 0..2000 {
        let line = format!("{i},{},{}\n", "x".repeat(i % 37), i * 3);
        longest = longest.max(line.len());
        text.extend_from_slice(line.as_bytes());
    }
    let file = Temp::new("held.csv", &text);
    let source = source(&file, 20_000);
    let columns: Vec<usize> = (0..3).collect();
    let piece = 256;
    for p in 1..source.partitions.len() {
        let part = &source.partitions[p];
        assert_ne!(text[usize::try_from(part.start).unwrap() - 1], b'\n');
        let mut buf = Vec::new();
        let parsed = parse_range(&source, part, p, &columns, &mut buf, piece, None).unwrap();
        assert!(parsed.rows > 100);
        assert!(parsed.bytes <= piece + longest + 1, "partition {p} held {} bytes", parsed.bytes);
    }
}

#[test]
fn rows_the_fast_path_hands_to_the_tokenizer_are_read_a_piece_at_a_time_too() {
    // Every row has text after a closing quote (`"7"x`, read as `7x`),
    // which the fast path leaves to the general tokenizer: such a row,
    // whole in the text read, is read at once, not carried on to the next
    // piece as if the block's end had cut it.
    let mut text = b"a,b,c\n".to_vec();
    let mut longest = 0;
    for i in 0..2000 {
        let line = format!("\"{i}\"x,{},{}\n", "y".repeat(i % 37), i * 3);
        longest = longest.max(line.len());
        text.extend_from_slice(line.as_bytes());
    }
    let file = Temp::new("handed.csv", &text);
    let source = source(&file, 20_000);
    let columns: Vec<usize> = (0..3).collect();
    let piece = 256;
    let mut read = 0;
    for p in 0..source.partitions.len() {
        let mut buf = Vec::new();
        let parsed = parse_range(&source, &source.partitions[p], p, &columns, &mut buf, piece, None).unwrap();
        assert!(parsed.rows > 100, "partition {p} read {} rows", parsed.rows);
        assert!(parsed.bytes <= piece + longest + 1, "partition {p} held {} bytes", parsed.bytes);
        assert_eq!(parsed.columns[0].get(0), Value::Str(format!("{read}x")), "partition {p}");
        read += parsed.rows;
    }
    assert_eq!(read, 2000);
}

/// A field: plain, empty, or quoted with delimiters, line ends and doubled
/// quotes inside.
fn field() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof!["[a-z0-9]{0,6}", "[a-z,\n\"]{0,8}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 300, failure_persistence: None, ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn any_partitions_and_pieces_read_what_one_piece_reads(
        rows_ in proptest::collection::vec(proptest::collection::vec(field(), 3), 1..30),
        bad in proptest::option::of(0usize..30),
        crlf in proptest::bool::ANY,
        blocksize in 1usize..80,
        piece in 1usize..100,
        backwards in proptest::bool::ANY,
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("a,b,c{eol}");
        for (i, row) in rows_.iter().enumerate() {
            // A row of two fields, when asked: an error, the same however read.
            let fields = if bad == Some(i) { &row[..2] } else { &row[..] };
            text.push_str(&fields.join(","));
            text.push_str(eol);
        }
        let file = Temp::new("prop.csv", text.as_bytes());
        let whole = try_rows(&source(&file, 1 << 20), 1 << 20, &[0]);
        let source = source(&file, blocksize);
        let mut order: Vec<usize> = (0..source.partitions.len()).collect();
        if backwards {
            order.reverse();
        }
        proptest::prop_assert_eq!(try_rows(&source, piece, &order), whole, "{:?}", text);
    }
}
