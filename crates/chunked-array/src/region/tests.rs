//! Unit tests of the row walks and runs of a region.

use super::*;

#[test]
fn consecutive_rows_merge_into_one_run() {
    // Whole rows of a 4 x 5 array: rows 1 and 2 are elements 5..15.
    assert_eq!(runs(&[4, 5], &[1..3, 0..5]), [(5, 10)]);
    // Part rows do not touch: one run a row.
    assert_eq!(runs(&[4, 5], &[1..3, 1..4]), [(6, 3), (11, 3)]);
    // Whole planes of a 2 x 3 x 4 array are one run; a part plane a run a row.
    assert_eq!(runs(&[2, 3, 4], &[0..2, 0..3, 0..4]), [(0, 24)]);
    assert_eq!(runs(&[2, 3, 4], &[1..2, 1..3, 0..4]), [(16, 8)]);
    assert_eq!(runs(&[2, 3, 4], &[0..2, 2..3, 0..4]), [(8, 4), (20, 4)]);
    // A 0-dimensional array is one element; an empty region has no run.
    assert_eq!(runs(&[], &[]), [(0, 1)]);
    assert_eq!(runs(&[4, 5], &[1..1, 0..5]), []);
}
