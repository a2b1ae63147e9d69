//! Unit tests of chunk resolution and the block grid.

use super::*;

#[test]
fn regular_blocks_end_short() {
    assert_eq!(resolve(&Chunks::Size(4), &[10]).unwrap(), vec![vec![4, 4, 2]]);
    assert_eq!(resolve(&Chunks::Size(40), &[10, 3]).unwrap(), vec![vec![10], vec![3]]);
    assert_eq!(resolve(&Chunks::Sizes(vec![5, 2]), &[10, 3]).unwrap(), vec![vec![5, 5], vec![2, 1]]);
}

#[test]
fn auto_cuts_the_talks_array_like_dask() {
    assert_eq!(auto_sizes(&[10_000, 10_000], DEFAULT_CHUNK_BYTES), vec![4096, 4096]);
    assert_eq!(auto_sizes(&[10_000], DEFAULT_CHUNK_BYTES), vec![10_000]);
    assert_eq!(auto_sizes(&[3, 100_000_000], DEFAULT_CHUNK_BYTES), vec![3, 5_592_405]);
    assert_eq!(auto_sizes(&[], DEFAULT_CHUNK_BYTES), Vec::<usize>::new());
    // A 160-byte target is 20 elements: 4 along the first axis, 5 along the second.
    assert_eq!(auto_sizes(&[10, 10], 160), vec![4, 5]);
}

#[test]
fn empty_axes_have_one_empty_block() {
    assert_eq!(resolve(&Chunks::Size(3), &[0, 4]).unwrap(), vec![vec![0], vec![3, 1]]);
    assert_eq!(resolve(&Chunks::auto(), &[0]).unwrap(), vec![vec![0]]);
    assert_eq!(resolve(&Chunks::Explicit(vec![vec![]]), &[0]).unwrap(), vec![vec![0]]);
}

#[test]
fn bad_chunks_are_errors() {
    assert!(matches!(resolve(&Chunks::Size(0), &[4]), Err(ArrayError::ZeroChunk { axis: 0, .. })));
    assert!(matches!(
        resolve(&Chunks::Sizes(vec![2, 0]), &[4, 4]),
        Err(ArrayError::ZeroChunk { axis: 1, .. })
    ));
    assert!(matches!(resolve(&Chunks::Sizes(vec![2]), &[4, 4]), Err(ArrayError::ChunksDoNotFit { .. })));
    let e = resolve(&Chunks::Explicit(vec![vec![2, 3]]), &[4]).unwrap_err();
    assert!(e.to_string().contains("add up to 5"), "{e}");
    assert!(matches!(
        resolve(&Chunks::Explicit(vec![vec![4, 0]]), &[4]),
        Err(ArrayError::ZeroChunk { axis: 0, .. })
    ));
    assert!(matches!(resolve(&Chunks::Auto { bytes: 0 }, &[4]), Err(ArrayError::InvalidParameter { .. })));
}

#[test]
fn grid_finds_overlapping_blocks() {
    let g = Grid::new(vec![vec![4, 4, 2], vec![3]]);
    assert_eq!(g.len(), 3);
    assert_eq!(g.counts(), vec![3, 1]);
    assert_eq!(g.region(&[1, 0]), vec![4..8, 0..3]);
    assert_eq!(g.unflatten(2), vec![2, 0]);
    assert_eq!(g.flatten(&[2, 0]), 2);
    assert_eq!(g.overlapping(0, &(0..4)), 0..1);
    assert_eq!(g.overlapping(0, &(3..5)), 0..2);
    assert_eq!(g.overlapping(0, &(4..10)), 1..3);
    assert_eq!(g.overlapping(0, &(9..10)), 2..3);
    assert_eq!(g.overlapping(0, &(4..4)), 1..2);
    let empty = Grid::new(vec![vec![0]]);
    assert_eq!(empty.overlapping(0, &(0..0)), 0..1);
    let scalar = Grid::new(vec![]);
    assert_eq!(scalar.len(), 1);
    assert_eq!(scalar.unflatten(0), Vec::<usize>::new());
}
