//! Indexing, concatenation and stacking against dense ndarray arrays and
//! hand-checked numpy results, under several chunkings.

use chunked_array::{Array, ArrayError, Chunks, Index, concatenate, from_array, random, stack};
use executors::Executor;
use ndarray::{ArrayD, Axis, IxDyn, Slice, concatenate as dense_concatenate};

fn eval(a: &Array) -> ArrayD<f64> {
    a.compute(&Executor::sequential()).unwrap()
}

fn grid(shape: &[usize]) -> ArrayD<f64> {
    let n: usize = shape.iter().product();
    ArrayD::from_shape_vec(IxDyn(shape), (0..n).map(|i| i as f64).collect()).unwrap()
}

/// ndarray's slicing, one `Slice` per axis (`Slice::new(a, b, -s)` takes
/// `a..b`, then every `s`-th from its end, as numpy's `b-1:a-1:-s`).
fn sl(x: &ArrayD<f64>, slices: &[Slice]) -> ArrayD<f64> {
    x.slice_each_axis(|ax| slices[ax.axis.index()]).to_owned()
}

fn all() -> Slice {
    Slice::from(..)
}

fn chunkings() -> Vec<Chunks> {
    vec![Chunks::Size(1), Chunks::Size(2), Chunks::Sizes(vec![3, 4, 5]), Chunks::auto()]
}

#[test]
fn slices_with_steps_and_negative_bounds_are_numpy_s() {
    // numpy: np.arange(10)[8:1:-3] == [8, 5, 2]; [-3:] == [7, 8, 9];
    // [::-4] == [9, 5, 1]; [1:100:4] == [1, 5, 9]; [5:2] == [].
    let v = grid(&[10]);
    for c in [1, 3, 4, 10] {
        let a = from_array(&v, c).unwrap();
        let get = |i: Index| eval(&a.index(&[i]).unwrap()).iter().copied().collect::<Vec<_>>();
        assert_eq!(get(Index::range(8, 1, -3)), vec![8.0, 5.0, 2.0]);
        assert_eq!(get(Index::from(-3..)), vec![7.0, 8.0, 9.0]);
        assert_eq!(get(Index::step(.., -4)), vec![9.0, 5.0, 1.0]);
        assert_eq!(get(Index::step(1..100, 4)), vec![1.0, 5.0, 9.0]);
        assert_eq!(get(Index::range(5, 2, 1)), Vec::<f64>::new());
        assert_eq!(get(Index::step(-20..-7, 2)), vec![0.0, 2.0]);
        assert_eq!(get(Index::step(..-8, -1)), vec![9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0]);
        // Extreme steps and bounds neither overflow nor panic.
        assert_eq!(get(Index::step(.., isize::MIN)), vec![9.0]);
        assert_eq!(get(Index::step(.., isize::MAX)), vec![0.0]);
        assert_eq!(get(Index::range(isize::MIN, isize::MAX, 4)), vec![0.0, 4.0, 8.0]);
        assert_eq!(get(Index::range(isize::MAX, isize::MIN, -5)), vec![9.0, 4.0]);
    }
}

#[test]
fn multidimensional_indexing_matches_ndarray() {
    let x = grid(&[6, 7, 8]);
    for chunks in chunkings() {
        let a = from_array(&x, chunks.clone()).unwrap();
        // x[1:5, ::-2, 3] in numpy.
        let got = eval(&a.index(&[Index::from(1..5), Index::step(.., -2), Index::At(3)]).unwrap());
        let want =
            sl(&x, &[Slice::from(1..5), Slice::new(0, None, -2), all()]).index_axis(Axis(2), 3).to_owned();
        assert_eq!(got, want, "{chunks:?}");
        // x[-1, None, 2:7:3] in numpy.
        let got = eval(&a.index(&[Index::At(-1), Index::NewAxis, Index::step(2..7, 3)]).unwrap());
        let want = sl(&x, &[all(), Slice::new(2, Some(7), 3), all()])
            .index_axis(Axis(0), 5)
            .insert_axis(Axis(0))
            .to_owned();
        assert_eq!(got, want);
        // x[..., ::3] and x[2, 3, 4].
        let got = eval(&a.index(&[Index::Ellipsis, Index::step(.., 3)]).unwrap());
        assert_eq!(got, sl(&x, &[all(), all(), Slice::new(0, None, 3)]));
        let got = eval(&a.index(&[Index::At(2), Index::At(3), Index::At(4)]).unwrap());
        assert_eq!(got, ArrayD::from_elem(IxDyn(&[]), x[[2, 3, 4]]));
        // A reduction of a slice.
        let sub = a.index(&[Index::step(.., 2), Index::range(1, -1, 1)]).unwrap();
        let want = sl(&x, &[Slice::new(0, None, 2), Slice::from(1..6), all()]).sum_axis(Axis(1));
        assert_eq!(eval(&sub.sum(1).unwrap()), want);
        assert_eq!(eval(&a.expand_dims(3).unwrap()), x.clone().insert_axis(Axis(3)));
    }
}

#[test]
fn long_steps_over_seeded_arrays_read_only_what_they_need() {
    // A step far longer than a block: every element equals the full array's.
    let full = eval(&random::standard_normal(3, &[40, 3000], 500).unwrap());
    let a = random::standard_normal(3, &[40, 3000], 500).unwrap();
    let got = eval(&a.index(&[Index::step(.., 7), Index::step(-1..0, -997)]).unwrap());
    // numpy: a[::7, -1:0:-997] takes columns 2999, 2002, 1005, 8.
    let want = sl(&full, &[Slice::new(0, None, 7), all()]).select(Axis(1), &[2999, 2002, 1005, 8]);
    assert_eq!(got, want);
}

#[test]
fn slice_blocks_follow_the_input_blocks() {
    let a = from_array(&grid(&[10]), 4).unwrap();
    assert_eq!(a.index(&[Index::from(1..9)]).unwrap().chunks(), &[vec![3, 4, 1]]);
    assert_eq!(a.index(&[Index::step(.., -1)]).unwrap().chunks(), &[vec![2, 4, 4]]);
    assert_eq!(a.index(&[Index::step(.., 3)]).unwrap().chunks(), &[vec![2, 1, 1]]);
}

#[test]
fn bad_indices_are_typed_errors() {
    let a = from_array(&grid(&[3, 4]), 2).unwrap();
    let e = a.index(&[Index::At(3)]).unwrap_err();
    assert_eq!(e.to_string(), "index 3 is out of bounds for axis 0 with size 3");
    assert!(matches!(
        a.index(&[Index::full(), Index::At(-5)]),
        Err(ArrayError::IndexOutOfRange { index: -5, axis: 1, .. })
    ));
    let e = a.index(&[Index::step(.., 0)]).unwrap_err();
    assert!(e.to_string().contains("slice step cannot be zero"), "{e}");
    assert!(matches!(
        a.index(&[Index::At(0), Index::At(0), Index::At(0)]),
        Err(ArrayError::InvalidIndex { .. })
    ));
    assert!(matches!(a.index(&[Index::Ellipsis, Index::Ellipsis]), Err(ArrayError::InvalidIndex { .. })));
    assert!(a.expand_dims(3).is_err());
}

#[test]
fn concatenate_and_stack_match_ndarray() {
    let (x, y) = (grid(&[3, 4, 2]), grid(&[5, 4, 2]).mapv(|v| -v));
    for chunks in chunkings() {
        let (a, b) = (from_array(&x, chunks.clone()).unwrap(), from_array(&y, Chunks::Size(3)).unwrap());
        let got = eval(&concatenate(&[a.clone(), b.clone(), a.clone()], 0).unwrap());
        assert_eq!(got, dense_concatenate(Axis(0), &[x.view(), y.view(), x.view()]).unwrap());
        let z = from_array(&grid(&[3, 1, 2]), 1).unwrap();
        let got = eval(&concatenate(&[a.clone(), z], 1).unwrap());
        assert_eq!(got, dense_concatenate(Axis(1), &[x.view(), grid(&[3, 1, 2]).view()]).unwrap());
        for axis in 0..=3 {
            let got = eval(&stack(&[a.clone(), (&a * 2.0)], axis).unwrap());
            let want = ndarray::stack(Axis(axis), &[x.view(), (&x * 2.0).view()]).unwrap();
            assert_eq!(got, want, "stack along {axis}");
        }
        // A reduction over a joined array.
        let j = concatenate(&[a.clone(), b.clone()], 0).unwrap();
        let want = dense_concatenate(Axis(0), &[x.view(), y.view()]).unwrap().sum_axis(Axis(0));
        assert_eq!(eval(&j.sum(0).unwrap()), want);
    }
    let a = from_array(&x, 2).unwrap();
    let e = concatenate(&[a.clone(), from_array(&grid(&[3, 5, 2]), 2).unwrap()], 0).unwrap_err();
    assert!(e.to_string().contains("concatenate: shapes (3, 4, 2) and (3, 5, 2)"), "{e}");
    assert!(concatenate(&[], 0).is_err());
    assert!(concatenate(std::slice::from_ref(&a), 3).is_err());
    assert!(stack(&[a.clone(), from_array(&y, 2).unwrap()], 0).is_err());
}

#[test]
fn reshape_matches_ndarray_under_any_chunking() {
    let x = grid(&[6, 4, 5]);
    for chunks in chunkings() {
        let a = from_array(&x, chunks.clone()).unwrap();
        for shape in [vec![120], vec![4, 30], vec![2, 3, 4, 5], vec![12, 10], vec![1, 120, 1], vec![5, 24]] {
            let want = x.clone().into_shape_with_order(IxDyn(&shape)).unwrap();
            let r = a.reshape(&shape).unwrap();
            assert_eq!(eval(&r), want, "{chunks:?} -> {shape:?}");
            // A consumer cut otherwise reads arbitrary regions of it.
            let other = from_array(&want, Chunks::Size(3)).unwrap();
            assert_eq!(eval(&(&r - &other).unwrap()), ArrayD::<f64>::zeros(IxDyn(&shape)));
            assert_eq!(eval(&r.sum(0).unwrap()), want.sum_axis(Axis(0)));
        }
        // Through a transpose, and back.
        let t = a.transpose_axes(&[2, 0, 1]).unwrap().reshape(&[5, 24]).unwrap();
        let want = x.clone().permuted_axes(IxDyn(&[2, 0, 1])).as_standard_layout().into_owned();
        assert_eq!(eval(&t), want.into_shape_with_order(IxDyn(&[5, 24])).unwrap());
        assert_eq!(eval(&a.ravel().unwrap().reshape(&[6, 4, 5]).unwrap()), x);
    }
    let s = from_array(&ArrayD::from_elem(IxDyn(&[]), 4.0), 1).unwrap();
    assert_eq!(eval(&s.reshape(&[1, 1]).unwrap()), ArrayD::from_elem(IxDyn(&[1, 1]), 4.0));
    let a = from_array(&x, 2).unwrap();
    let e = a.reshape(&[7, 7]).unwrap_err();
    assert!(e.to_string().contains("cannot reshape an array of size 120 into shape (7, 7)"), "{e}");
    assert_eq!(eval(&from_array(&grid(&[0, 3]), 2).unwrap().reshape(&[3, 0]).unwrap()).shape(), &[3, 0]);
}

#[test]
fn reshaped_blocks_are_whole_rows_of_both_shapes() {
    let a = random::standard_normal(0, &[100, 60], [10, 60]).unwrap();
    let r = a.reshape(&[50, 120]).unwrap();
    assert!(r.chunks()[0].iter().all(|&n| n % 5 == 0 || n == r.chunks()[0][r.chunks()[0].len() - 1]));
    assert_eq!(r.chunks()[1], vec![120]);
    let full = eval(&a);
    assert_eq!(eval(&r), full.into_shape_with_order(IxDyn(&[50, 120])).unwrap());
}

#[test]
fn reshape_rechunks_where_blocks_do_not_line_up() {
    let chunks_of = |shape: &[usize], chunks: Chunks, to: &[usize]| {
        let a = random::uniform(3, 0.0, 1.0, shape, chunks).unwrap();
        let r = a.reshape(to).unwrap();
        let want = eval(&a).into_shape_with_order(IxDyn(to)).unwrap();
        assert_eq!(eval(&r), want, "{shape:?} -> {to:?}");
        r.chunks().to_vec()
    };
    // Merging axes cut along the last: the last is made whole, the first
    // cut finer, blocks about as large as before (12 elements, here 8).
    assert_eq!(chunks_of(&[6, 8], Chunks::Sizes(vec![3, 4]), &[48]), vec![vec![8; 6]]);
    // Splitting an axis whose blocks end inside a row of the result.
    assert_eq!(chunks_of(&[12], Chunks::Size(5), &[3, 4]), vec![vec![2, 1], vec![4]]);
    // Blocks that line up are kept: no rechunk.
    assert_eq!(chunks_of(&[12], Chunks::Size(4), &[3, 4]), vec![vec![1, 1, 1], vec![4]]);
    assert_eq!(
        chunks_of(&[4, 6], Chunks::Sizes(vec![2, 3]), &[4, 2, 3]),
        vec![vec![2, 2], vec![1, 1], vec![3]]
    );
    // A split of the last axis keeps the blocks as small as the input's
    // (1000 elements), not whole rows of the first axis (10000).
    let c = chunks_of(&[100, 1000], Chunks::Sizes(vec![10, 100]), &[100, 10, 100]);
    assert_eq!(c, vec![vec![10; 10], vec![1; 10], vec![100]]);
    // Length-1 axes in front of a group do not force a rechunk.
    assert_eq!(chunks_of(&[1, 8], Chunks::Sizes(vec![1, 2]), &[8]), vec![vec![2; 4]]);
    assert_eq!(chunks_of(&[8], Chunks::Size(2), &[1, 8, 1]), vec![vec![1], vec![2; 4], vec![1]]);
}

/// The blocks of a reshape are dask's (dask 2026.1's `Array.reshape`:
/// `import dask.array as da; da.ones(shape, chunks=c).reshape(new).chunks`)
/// where the input's blocks hold whole rows of the result, so that a
/// reshaped array's blocks are as fine as the two shapes allow. Where they
/// do not, dask cuts the input into single rows of the result, and this
/// crate rounds each input block up to whole rows: `[30]` in blocks of 7
/// to `[5, 6]` gives rows `[2, 2, 1]` here, `[1, 1, 1, 1, 1]` in dask (the
/// values are the same).
#[test]
fn reshaped_blocks_are_dasks_where_the_input_blocks_hold_whole_rows() {
    type Case = (&'static [usize], Chunks, &'static [usize], &'static [&'static [usize]]);
    let cases: [Case; 10] = [
        (&[6, 8], Chunks::Explicit(vec![vec![3, 3], vec![4, 4]]), &[48], &[&[8; 6]]),
        (&[6, 8], Chunks::Explicit(vec![vec![3, 3], vec![8]]), &[48], &[&[24, 24]]),
        (
            &[4, 6, 10],
            Chunks::Explicit(vec![vec![2, 2], vec![3, 3], vec![5, 5]]),
            &[24, 10],
            &[&[6, 6, 6, 6], &[5, 5]],
        ),
        (
            &[4, 6, 10],
            Chunks::Explicit(vec![vec![2, 2], vec![6], vec![5, 5]]),
            &[4, 60],
            &[&[2, 2], &[30, 30]],
        ),
        (
            &[12, 10],
            Chunks::Explicit(vec![vec![4, 4, 4], vec![5, 5]]),
            &[3, 4, 10],
            &[&[1, 1, 1], &[4], &[5, 5]],
        ),
        (
            &[2, 3, 4, 5],
            Chunks::Explicit(vec![vec![1, 1], vec![3], vec![2, 2], vec![5]]),
            &[6, 20],
            &[&[3, 3], &[10, 10]],
        ),
        (&[5, 6], Chunks::Explicit(vec![vec![2, 2, 1], vec![3, 3]]), &[30], &[&[6, 6, 6, 6, 6]]),
        // Blocks that do not hold whole rows of the result: dask's rows
        // in the comment.
        (&[24], Chunks::Size(5), &[2, 3, 4], &[&[1, 1], &[3], &[4]]), // dask [1, 1], [1, 1, 1], [4]
        (&[12, 10], Chunks::Explicit(vec![vec![5, 5, 2], vec![10]]), &[3, 4, 10], &[&[2, 1], &[4], &[10]]), // dask [1, 1, 1]
        (&[30], Chunks::Size(7), &[5, 6], &[&[2, 2, 1], &[6]]), // dask [1, 1, 1, 1, 1], [6]
    ];
    for (shape, chunks, new, want) in cases {
        let size: usize = shape.iter().product();
        let x = chunked_array::arange(0.0, size as f64, 1.0, size).unwrap().reshape(shape).unwrap();
        let y = x.rechunk(chunks.clone()).unwrap().reshape(new).unwrap();
        let want: Vec<Vec<usize>> = want.iter().map(|c| c.to_vec()).collect();
        assert_eq!(y.chunks(), want.as_slice(), "{shape:?} in {chunks:?} to {new:?}");
        // And the values are numpy's, row-major.
        let v = y.compute(&Executor::sequential()).unwrap();
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), (0..size).map(|i| i as f64).collect::<Vec<_>>());
    }
}

/// Where dask refuses (a reshape that splits axes unevenly, `[4, 6]` to
/// `[6, 4]`), the blocks are the finest that hold whole rows of both
/// shapes: 12 elements, the least common multiple of the rows' 6 and 4;
/// and a region of the result that is no box of the input (a slice of it)
/// reads the input rows that span it.
#[test]
fn uneven_reshapes_cut_at_whole_rows_of_both_shapes_and_slice_right() {
    type Case = (&'static [usize], Vec<Vec<usize>>, &'static [usize], Vec<Vec<usize>>);
    let cases: [Case; 4] = [
        (&[4, 6], vec![vec![1, 1, 1, 1], vec![6]], &[6, 4], vec![vec![3, 3], vec![4]]),
        (&[6, 10], vec![vec![2, 2, 2], vec![10]], &[4, 15], vec![vec![2, 2], vec![15]]),
        (&[6, 10], vec![vec![3, 3], vec![10]], &[4, 15], vec![vec![2, 2], vec![15]]),
        (&[9, 4], vec![vec![3, 3, 3], vec![4]], &[6, 6], vec![vec![2, 2, 2], vec![6]]),
    ];
    for (shape, chunks, new, want) in cases {
        let size: usize = shape.iter().product();
        let x = chunked_array::arange(0.0, size as f64, 1.0, size).unwrap().reshape(shape).unwrap();
        let y = x.rechunk(Chunks::Explicit(chunks)).unwrap().reshape(new).unwrap();
        assert_eq!(y.chunks(), want.as_slice(), "{shape:?} to {new:?}");
        // A slice across blocks, against the same slice of the dense array.
        let dense = ArrayD::from_shape_vec(IxDyn(new), (0..size).map(|i| i as f64).collect()).unwrap();
        let (r, c) = (1..new[0] - 1, 1..new[1] - 1);
        let isize_range = |x: &std::ops::Range<usize>| {
            Index::from(isize::try_from(x.start).unwrap()..isize::try_from(x.end).unwrap())
        };
        let cut =
            y.index(&[isize_range(&r), isize_range(&c)]).unwrap().compute(&Executor::sequential()).unwrap();
        let want =
            dense.slice_each_axis(|ax| Slice::from(if ax.axis.index() == 0 { r.clone() } else { c.clone() }));
        assert_eq!(cut, want, "{shape:?} to {new:?}, rows {r:?}, columns {c:?}");
    }
}

/// Input blocks that already end at whole rows of the result are kept as
/// they are, even when they differ in size (dask keeps them too:
/// `da.ones(12, chunks=((4, 8),)).reshape(3, 4).chunks` is
/// `((1, 2), (4,))`).
#[test]
fn uneven_input_blocks_that_end_at_whole_rows_are_kept() {
    type Case = (&'static [usize], Vec<Vec<usize>>, &'static [usize], Vec<Vec<usize>>);
    let cases: [Case; 3] = [
        (&[12], vec![vec![4, 8]], &[3, 4], vec![vec![1, 2], vec![4]]),
        (&[24], vec![vec![12, 4, 8]], &[6, 4], vec![vec![3, 1, 2], vec![4]]),
        (&[6, 4], vec![vec![4, 2], vec![4]], &[24], vec![vec![16, 8]]),
    ];
    for (shape, chunks, new, want) in cases {
        let size: usize = shape.iter().product();
        let x = chunked_array::arange(0.0, size as f64, 1.0, size).unwrap().reshape(shape).unwrap();
        let x = x.rechunk(Chunks::Explicit(chunks)).unwrap();
        let y = x.reshape(new).unwrap();
        assert_eq!(y.chunks(), want.as_slice(), "{shape:?} to {new:?}");
        let v = y.compute(&Executor::sequential()).unwrap();
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), (0..size).map(|i| i as f64).collect::<Vec<_>>());
    }
}

/// A reshape never asks for more blocks along an axis than the crate
/// allows (`MAX_BLOCKS`): where blocks of whole rows as large as the
/// input's would be too many, they are made larger.
#[test]
fn a_reshape_into_too_many_blocks_takes_larger_ones() {
    let max = chunked_array::MAX_BLOCKS;
    // 2^24 + 2 rows of 2 in blocks of 3 rows and 1 column (11 184 812
    // blocks), merged: blocks of one row (2 elements, as near the input's
    // 3 as whole rows allow) would be 2^24 + 2, so they are of 2 rows.
    let rows = max + 2;
    let x = random::uniform(0, 0.0, 1.0, &[rows, 2], Chunks::Sizes(vec![3, 1])).unwrap();
    let y = x.reshape(&[2 * rows]).unwrap();
    let cut = &y.chunks()[0];
    assert_eq!((cut.len(), cut[0]), (rows / 2, 4));
    // 2^25 + 2 rows of 2 in blocks of 5 rows and 1 column (13 421 774
    // blocks), to rows of 4: blocks of 2 rows of the input (one of the
    // result) would be 2^24 + 1, so they are of 4 (2 of the result).
    let rows = 2 * max + 2;
    let x = random::uniform(0, 0.0, 1.0, &[rows, 2], Chunks::Sizes(vec![5, 1])).unwrap();
    let y = x.reshape(&[rows / 2, 4]).unwrap();
    let cut = &y.chunks()[0];
    assert!(cut.len() <= max, "{} blocks", cut.len());
    assert_eq!((cut.len(), cut[0]), (rows.div_ceil(4), 2));
    assert_eq!(cut.iter().sum::<usize>(), rows / 2);
    assert_eq!(y.chunks()[1], vec![4]);
}

/// A block of a consumer that spans the join of two concatenated parts
/// gets each part's rows in their places (the blocks of a concatenation
/// itself never span a join; a rechunk's do).
#[test]
fn a_block_across_the_join_of_a_concatenation_holds_each_part_in_its_place() {
    let (x, y) = (grid(&[3, 4]), grid(&[5, 4]).mapv(|v| v + 100.0));
    let want = dense_concatenate(Axis(0), &[x.view(), y.view()]).unwrap();
    for c in [1, 2, 3] {
        let a = concatenate(&[from_array(&x, c).unwrap(), from_array(&y, c).unwrap()], 0).unwrap();
        for rows in [vec![8], vec![2, 4, 2], vec![5, 3]] {
            let r = a.rechunk(Chunks::Explicit(vec![rows.clone(), vec![4]])).unwrap();
            assert_eq!(eval(&r), want, "blocks of {c}, rechunked to rows {rows:?}");
        }
    }
}
