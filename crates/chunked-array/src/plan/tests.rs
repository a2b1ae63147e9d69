//! Unit tests of the lowering: the tiles of a block task.

use super::*;

#[test]
fn tiles_cover_a_block_once_in_row_major_order() {
    for region in [
        vec![2..5, 0..40, 3..300],
        vec![0..3, 0..4, 0..5, 0..6],
        vec![1..2, 0..9000, 0..1],
        vec![0..100, 0..100, 0..100],
        vec![0..0, 0..4, 0..5],
    ] {
        let mut covered = 0;
        let mut last: Option<Vec<usize>> = None;
        for t in tiles(&region) {
            let n: usize = t.iter().map(|r| r.len()).product();
            assert!(n <= TILE || t.iter().rev().skip(1).all(|r| r.len() <= 1), "{t:?}");
            let first: Vec<usize> = t.iter().map(|r| r.start).collect();
            if let Some(prev) = &last {
                assert!(first > *prev, "tiles out of order: {first:?} after {prev:?}");
            }
            last = Some(first);
            covered += n;
        }
        assert_eq!(covered, region.iter().map(|r| r.len()).product::<usize>(), "{region:?}");
    }
}
