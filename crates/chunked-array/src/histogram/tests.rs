//! Unit tests of the streamed histogram: against counting the computed
//! values, against one reduction per edge, numpy's documented examples
//! and the errors.

use executors::{Executor, Strategy};
use ndarray::{ArrayD, IxDyn};

use super::*;
use crate::{compute_scalars, from_array, full, random};

/// Counts of `values` per bin by looking at every bin, numpy's rule
/// written out: `edges[k] <= x < edges[k + 1]`, the last bin closed.
fn by_hand(values: &[f64], edges: &[f64]) -> Vec<u64> {
    let n = edges.len() - 1;
    let mut counts = vec![0; n];
    for &x in values {
        for k in 0..n {
            let inside = edges[k] <= x && (x < edges[k + 1] || (k == n - 1 && x == edges[n]));
            if inside {
                counts[k] += 1;
                break;
            }
        }
    }
    counts
}

fn executors() -> Vec<Executor> {
    vec![
        Executor::sequential(),
        Executor::new(Strategy::Graph, 3).unwrap(),
        Executor::new(Strategy::Pool, 2).unwrap(),
    ]
}

#[test]
fn counts_match_counting_every_value_whatever_the_chunks_and_executor() {
    let dense =
        random::standard_normal(5, &[37, 23], [37, 23]).unwrap().compute(&Executor::sequential()).unwrap();
    let values: Vec<f64> = dense.iter().copied().collect();
    let cases = [
        Bins::Equal { count: 7, range: Some((-2.5, 2.0)) },
        Bins::Equal { count: 10, range: None },
        Bins::Edges(vec![f64::NEG_INFINITY, -1.0, -0.3, 0.0, 0.0, 1.7, 2.0]),
        Bins::Edges(vec![-3.0, 3.0]),
    ];
    for bins in cases {
        let mut expected = None;
        for chunks in [vec![37, 23], vec![10, 7], vec![1, 23], vec![5, 1]] {
            let a = random::standard_normal(5, &[37, 23], chunks.clone()).unwrap();
            for exec in executors() {
                let h = a.histogram(bins.clone(), &exec).unwrap();
                assert_eq!(h.counts, by_hand(&values, &h.edges), "{bins:?} in chunks {chunks:?}");
                assert_eq!(expected.get_or_insert_with(|| h.clone()), &h, "{bins:?} in chunks {chunks:?}");
            }
        }
    }
}

#[test]
fn counts_equal_one_reduction_per_edge() {
    // The demo's former histogram: for each edge the number of values
    // below it, as the sum of a 0/1 indicator, one pass over the array per
    // edge; the end bins hold the values beyond the first and last edge.
    let a = random::standard_normal(11, &[300, 200], [64, 50]).unwrap();
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    let zero = full(a.shape(), 0.0, a.chunks().to_vec()).unwrap();
    let one = full(a.shape(), 1.0, a.chunks().to_vec()).unwrap();
    let inner: Vec<f64> = (-8..=8).map(|k| f64::from(k) * 0.5).collect();
    let below: Vec<Array> = inner
        .iter()
        .map(|&e| ((e - &a) * 1e300).minimum(&one).unwrap().maximum(&zero).unwrap().sum(..).unwrap())
        .collect();
    let refs: Vec<&Array> = below.iter().collect();
    let below = compute_scalars(&refs, &exec).unwrap();
    let total = 300.0 * 200.0;
    let mut passes = vec![below[0]];
    passes.extend(below.windows(2).map(|w| w[1] - w[0]));
    passes.push(total - below[below.len() - 1]);

    let mut edges = vec![f64::NEG_INFINITY];
    edges.extend(&inner);
    edges.push(f64::INFINITY);
    let h = a.histogram(Bins::Edges(edges), &exec).unwrap();
    let streamed: Vec<f64> = h.counts.iter().map(|&c| c as f64).collect();
    assert_eq!(streamed, passes);
    assert_eq!(h.counts.iter().sum::<u64>(), 60_000);
}

#[test]
fn numpys_documented_examples() {
    let exec = Executor::sequential();
    // np.histogram([1, 2, 1], bins=[0, 1, 2, 3]) -> [0, 2, 1]
    let a = from_array(&ndarray::arr1(&[1.0, 2.0, 1.0]), 2).unwrap();
    let h = a.histogram(Bins::Edges(vec![0.0, 1.0, 2.0, 3.0]), &exec).unwrap();
    assert_eq!(h.counts, [0, 2, 1]);
    // np.histogram(np.arange(4), bins=np.arange(5)) -> [1, 1, 1, 1]
    let a = crate::arange(0.0, 4.0, 1.0, 3).unwrap();
    let h = a.histogram(Bins::Edges(vec![0.0, 1.0, 2.0, 3.0, 4.0]), &exec).unwrap();
    assert_eq!(h.counts, [1, 1, 1, 1]);
    // np.histogram(np.arange(4), bins=2) -> [2, 2], edges [0, 1.5, 3]
    let h = a.histogram(Bins::Equal { count: 2, range: None }, &exec).unwrap();
    assert_eq!((h.counts, h.edges), (vec![2, 2], vec![0.0, 1.5, 3.0]));
    // One value: the range is widened by half a unit each way.
    let one = full(&[3], 2.0, 2).unwrap();
    let h = one.histogram(Bins::Equal { count: 2, range: None }, &exec).unwrap();
    assert_eq!((h.counts, h.edges), (vec![0, 3], vec![1.5, 2.0, 2.5]));
}

#[test]
fn nan_and_values_outside_are_left_out_and_odd_shapes_count() {
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    let a = from_array(&ndarray::arr1(&[f64::NAN, -1.0, 0.0, 0.5, 1.0, 7.0]), 4).unwrap();
    let h = a.histogram(Bins::Equal { count: 2, range: Some((0.0, 1.0)) }, &exec).unwrap();
    assert_eq!(h.counts, [1, 2]);
    // A scalar, an empty array and three dimensions.
    let scalar = from_array(&ArrayD::from_elem(IxDyn(&[]), 0.25), Vec::<usize>::new()).unwrap();
    let h = scalar.histogram(Bins::Equal { count: 4, range: Some((0.0, 1.0)) }, &exec).unwrap();
    assert_eq!(h.counts, [0, 1, 0, 0]);
    let empty = full(&[0, 3], 1.0, 2).unwrap();
    let h = empty.histogram(Bins::Equal { count: 3, range: None }, &exec).unwrap();
    assert_eq!(h.counts, [0, 0, 0]);
    let cube = random::uniform(2, 0.0, 1.0, &[6, 5, 4], [4, 2, 3]).unwrap();
    let values: Vec<f64> = cube.compute(&exec).unwrap().iter().copied().collect();
    let h = cube.histogram(Bins::Equal { count: 5, range: Some((0.0, 1.0)) }, &exec).unwrap();
    assert_eq!(h.counts, by_hand(&values, &h.edges));
    assert_eq!(h.counts.iter().sum::<u64>(), 120);
}

#[test]
fn bad_bins_and_ranges_are_named() {
    let exec = Executor::sequential();
    let a = crate::arange(0.0, 4.0, 1.0, 3).unwrap();
    let message = |bins: Bins| a.histogram(bins, &exec).unwrap_err().to_string();
    assert!(message(Bins::Equal { count: 0, range: None }).contains("0 bins"));
    assert!(message(Bins::Equal { count: 2, range: Some((1.0, 0.0)) }).contains("(1, 0)"));
    assert!(message(Bins::Equal { count: 2, range: Some((0.0, f64::INFINITY)) }).contains("finite"));
    assert!(message(Bins::Edges(vec![0.0, 2.0, 1.0])).contains("edge 2 (1) is below edge 1 (2)"));
    assert!(message(Bins::Edges(vec![0.0, f64::NAN])).contains("NaN"));
    assert!(message(Bins::Edges(vec![1.0])).contains("at least two"));
    let with_nan = from_array(&ndarray::arr1(&[1.0, f64::NAN]), 1).unwrap();
    let e = with_nan.histogram(Bins::Equal { count: 2, range: None }, &exec).unwrap_err();
    assert!(e.to_string().contains("give a finite range"), "{e}");
}

#[test]
fn edges_of_any_spacing_count_by_numpys_rule() {
    // Edges that look equal-width at a glance but are not (a wide last
    // bin, bins of width 0, a progression that stops short of the last
    // edge), with values on every edge, between every two and on a grid:
    // each value in the bin numpy's rule gives, `edges[k] <= x <
    // edges[k + 1]`, the last bin closed (a value equal to several edges
    // in the last bin they bound).
    let exec = Executor::sequential();
    let cases: [&[f64]; 9] = [
        &[0.0, 1.0, 2.0, 3.0, 100.0],
        &[1.0, 1.0, 1.0, 1.0],
        &[0.0, 0.0, 0.0, 5.0],
        &[0.0, 2.0, 4.0, 6.0, 102.0],
        &[-10.0, -5.0, 0.0, 5.0, 30.0],
        &[4.0, 8.0, 12.0, 16.0, 64.0],
        &[0.0, 0.5, 1.0, 1.5, 8.0],
        &[-10.0, -10.0, -10.0, -10.0, 10.0],
        // One unit in the last place of 1e20 (16384) between the ends.
        &[1e20, 1e20, 1e20, 1e20 + 16384.0],
    ];
    for edges in cases {
        let (low, high) = (edges[0], edges[edges.len() - 1]);
        let mut values: Vec<f64> = edges.to_vec();
        values.extend(edges.windows(2).map(|w| (w[0] + w[1]) / 2.0));
        values.extend((0..=200).map(|i| low + (high - low) * f64::from(i) / 200.0));
        let a = from_array(&ndarray::Array1::from(values.clone()), 16).unwrap();
        let h = a.histogram(Bins::Edges(edges.to_vec()), &exec).unwrap();
        assert_eq!(h.counts, by_hand(&values, edges), "edges {edges:?}");
    }
}

#[test]
fn a_range_of_one_value_is_widened_and_an_infinite_found_range_is_refused() {
    let exec = Executor::sequential();
    // numpy: np.histogram([1, 2, 2, 3], bins=2, range=(2, 2)) -> [0, 2],
    // edges [1.5, 2, 2.5].
    let a = from_array(&ndarray::arr1(&[1.0, 2.0, 2.0, 3.0]), 3).unwrap();
    let h = a.histogram(Bins::Equal { count: 2, range: Some((2.0, 2.0)) }, &exec).unwrap();
    assert_eq!((h.counts, h.edges), (vec![0, 2], vec![1.5, 2.0, 2.5]));
    // numpy: "autodetected range of [1.0, inf] is not finite".
    for values in [[1.0, f64::INFINITY], [f64::NEG_INFINITY, 1.0]] {
        let a = from_array(&ndarray::arr1(&values), 1).unwrap();
        let e = a.histogram(Bins::Equal { count: 2, range: None }, &exec).unwrap_err();
        assert!(e.to_string().contains("give a finite range"), "{values:?}: {e}");
    }
}

#[test]
fn values_on_either_side_of_equal_width_edges_count_by_the_edges() {
    // Where `(x - low) * bins / (high - low)` rounds to the wrong side of
    // an edge (found by search: the second edge of 34 bins over (-1, 6)
    // computes to bin 0, the float below the fourth to bin 3), each value
    // still falls in the bin its edges give.
    let exec = Executor::sequential();
    for (count, range) in
        [(34, (-1.0, 6.0)), (18, (-3.3, -0.4)), (26, (1.7, 2.7)), (45, (0.1, 3.0)), (10, (0.0, 0.001))]
    {
        let bins = Bins::Equal { count, range: Some(range) };
        let edges = full(&[1], 0.0, 1).unwrap().histogram(bins.clone(), &exec).unwrap().edges;
        let values: Vec<f64> = edges.iter().flat_map(|&e| [e.next_down(), e, e.next_up()]).collect();
        let a = from_array(&ndarray::Array1::from(values.clone()), 7).unwrap();
        let h = a.histogram(bins, &exec).unwrap();
        assert_eq!(h.edges, edges);
        assert_eq!(h.counts, by_hand(&values, &edges), "{count} bins over {range:?}");
    }
}
