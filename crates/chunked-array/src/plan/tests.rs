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

#[test]
fn reduction_tiles_cover_a_block_once_and_run_along_the_reduced_axes() {
    for (region, mask) in [
        (vec![0..410, 0..409, 0..100], 0b001u64),
        (vec![0..410, 0..409, 0..100], 0b010),
        (vec![3..50, 0..7, 2..9000], 0b101),
        (vec![0..3, 0..4, 0..5, 0..6], 0b1010),
    ] {
        let tiles = reduction_tiles(&region, mask);
        let covered: usize = tiles.iter().map(|t| t.iter().map(|r| r.len()).product::<usize>()).sum();
        assert_eq!(covered, region.iter().map(|r| r.len()).product::<usize>(), "{region:?}");
        let mut seen = std::collections::HashSet::new();
        for t in &tiles {
            assert!(
                t.iter().map(|r| r.len()).product::<usize>()
                    <= TILE.max(region.last().map_or(1, |r| r.len()))
            );
            assert!(seen.insert(t.iter().map(|r| r.start).collect::<Vec<_>>()), "a tile twice");
        }
    }
    // The mean over trials of a trials x time x nodes block: tiles of whole
    // rows of nodes over many trials.
    let tiles = reduction_tiles(&[0..410, 0..409, 0..100], 0b001);
    assert_eq!(tiles[0], vec![0..81, 0..1, 0..100]);
}
