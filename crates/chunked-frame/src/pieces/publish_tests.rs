//! A range read in pieces publishes its own transition function, whatever
//! the piece size, so that a later range that needs it never reads the
//! range a second time (found by the mutation run of `pieces.rs`).

use super::parse_range;
use crate::csv::{CsvOptions, open};
use crate::dtype::DType;

#[test]
fn a_range_read_in_pieces_publishes_its_function_and_none_after_it() {
    // Quote-free rows: a range that starts inside a row could, for all the
    // byte before it says, start inside a quoted field, so the
    // trajectories from its possible starts never meet and its function is
    // known only once every piece of it is folded in.
    let mut text = b"a,b,c\n".to_vec();
    for i in 0..300 {
        text.extend_from_slice(format!("{i},{},{}\n", "x".repeat(i % 13), i * 7).as_bytes());
    }
    let path = std::env::temp_dir().join(format!("pieces-publish-{}.csv", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let mut options = CsvOptions::default().blocksize(500);
    for name in ["a", "b", "c"] {
        options = options.dtype(name, DType::Str);
    }
    let columns: Vec<usize> = (0..3).collect();
    for piece in [7, 64, 200] {
        let source = open(path.to_str().unwrap(), options.clone()).unwrap();
        assert!(source.partitions.len() > 5);
        // In file order, one range at a time: each publishes its own
        // function once read (the ranges after it are not read).
        for p in 0..source.partitions.len() {
            let mut buf = Vec::new();
            parse_range(&source, &source.partitions[p], p, &columns, &mut buf, piece, None).unwrap();
            assert!(
                source.entries.published(p),
                "piece {piece}: partition {p} left its function unpublished"
            );
            for q in p + 1..source.partitions.len() {
                assert!(
                    !source.entries.published(q),
                    "piece {piece}: partition {q} was read for partition {p}"
                );
            }
        }
    }
    let _ = std::fs::remove_file(&path);
}
