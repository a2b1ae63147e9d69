//! `Distributed`: work units computed one by one in a scrambled order (as
//! processes would), their partials sent through bincode and combined, give
//! `compute`'s values bit for bit: mean and std, the talk's C, other
//! reductions of expressions, axis reductions and products; partials that
//! do not fit the plan are refused with typed errors.

use chunked_array::{Array, ArrayError, Chunks, Distributed, UnitPartial, compute, from_array, ones, random};
use executors::{Executor, Progress, Strategy};
use ndarray::ArrayD;

use crate::{matrix, vector};

/// The units in a scrambled order (a seeded Fisher-Yates shuffle).
fn scrambled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
}

/// Every unit computed in a scrambled order, each partial through bincode,
/// then put back in unit order.
fn partials(work: &Distributed, seed: u64) -> Vec<UnitPartial> {
    let mut got: Vec<Option<UnitPartial>> = vec![None; work.units()];
    for u in scrambled(work.units(), seed) {
        let bytes = bincode::serialize(&work.partial(u).unwrap()).unwrap();
        let p: UnitPartial = bincode::deserialize(&bytes).unwrap();
        assert_eq!(p.unit(), u);
        got[u] = Some(p);
    }
    got.into_iter().map(Option::unwrap).collect()
}

/// The values' shapes and bits, for exact comparison (NaN included).
fn bits(values: &[ArrayD<f64>]) -> Vec<(Vec<usize>, Vec<u64>)> {
    values.iter().map(|v| (v.shape().to_vec(), v.iter().map(|x| x.to_bits()).collect())).collect()
}

/// `Distributed` over `outputs` equals `compute` on a sequential and a
/// threaded executor, bit for bit; returns the number of units.
#[track_caller]
fn assert_distributed_equals_compute(outputs: &[&Array], seed: u64) -> usize {
    let work = Distributed::new(outputs);
    assert!(work.units() > 0);
    let combined = work.combine(partials(&work, seed)).unwrap();
    let local = compute(outputs, &Executor::sequential()).unwrap();
    let threaded =
        compute(outputs, &Executor::new(Strategy::Graph, 3).unwrap().progress(Progress::Hidden)).unwrap();
    assert_eq!(bits(&combined), bits(&local));
    assert_eq!(bits(&combined), bits(&threaded));
    work.units()
}

fn chunkings() -> Vec<Chunks> {
    vec![
        Chunks::Size(7),
        Chunks::Size(16),
        Chunks::Sizes(vec![13, 40]),
        Chunks::Explicit(vec![vec![5, 20, 15], vec![1, 59, 20]]),
        Chunks::Size(1000),
    ]
}

#[test]
fn mean_and_std_combined_equal_compute_under_every_chunking() {
    for (k, chunks) in chunkings().into_iter().enumerate() {
        let x = random::standard_normal(4, &[40, 80], chunks.clone()).unwrap();
        let (mean, std) = (x.mean(..).unwrap(), x.std_ddof(.., 0).unwrap());
        let work = Distributed::new(&[&mean, &std]);
        // One unit per block feeds both statistics.
        assert_eq!(work.units(), x.num_blocks(), "{chunks:?}");
        assert!((0..work.units()).all(|u| work.unit_name(u) == Some("normal-moments")));
        let values = work.combine_scalars(partials(&work, k as u64)).unwrap();
        let local = chunked_array::compute_scalars(&[&mean, &std], &Executor::sequential()).unwrap();
        assert_eq!(
            values.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            local.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "{chunks:?}"
        );
        assert!(values[0].abs() < 0.1 && (values[1] - 1.0).abs() < 0.1, "{values:?}");
    }
}

#[test]
fn the_talks_c_combined_equals_compute_under_every_chunking() {
    for (k, (n, chunk)) in [(60, 7), (60, 16), (60, 60), (100, 25), (101, 30), (5, 2)].into_iter().enumerate()
    {
        let a = random::standard_normal(1, &[n, n], chunk).unwrap();
        let b = random::standard_normal(2, &[n], chunk).unwrap();
        let c = ((a.dot(&b).unwrap().sum(..).unwrap() / a.mean(..).unwrap()).unwrap()
            * b.var_ddof(.., 0).unwrap())
        .unwrap();
        let work = Distributed::new(&[&c]);
        // A unit per block of A (its dot share and its moments), one per
        // block of B (its moments); the rest is combining.
        assert_eq!(work.units(), a.num_blocks() + b.num_blocks(), "n {n} chunk {chunk}");
        let names: Vec<_> = (0..work.units()).filter_map(|u| work.unit_name(u)).collect();
        assert_eq!(names.iter().filter(|&&s| s == "normal-dot-moments").count(), a.num_blocks());
        assert_eq!(names.iter().filter(|&&s| s == "normal-moments").count(), b.num_blocks());
        let value = work.combine_scalars(partials(&work, 10 + k as u64)).unwrap()[0];
        let local = c.compute_scalar(&Executor::sequential()).unwrap();
        let pool =
            c.compute_scalar(&Executor::new(Strategy::Pool, 2).unwrap().progress(Progress::Hidden)).unwrap();
        assert_eq!(value.to_bits(), local.to_bits(), "n {n} chunk {chunk}: {value} != {local}");
        assert_eq!(value.to_bits(), pool.to_bits());
        assert!(value.is_finite());
    }
    // A and B cut differently, and C with its mean and std in one plan.
    let a = random::standard_normal(1, &[90, 90], Chunks::Sizes(vec![20, 35])).unwrap();
    let b = random::standard_normal(2, &[90], 40).unwrap();
    let c = ((a.dot(&b).unwrap().sum(..).unwrap() / a.mean(..).unwrap()).unwrap()
        * b.var_ddof(.., 0).unwrap())
    .unwrap();
    assert_distributed_equals_compute(&[&c, &a.mean(..).unwrap(), &a.std_ddof(.., 1).unwrap()], 3);
}

#[test]
fn other_reductions_of_expressions_combine_to_compute() {
    let x = random::normal(7, 2.0, 3.0, &[50, 70], Chunks::Sizes(vec![12, 30])).unwrap();
    let v = random::uniform(8, -1.0, 1.0, &[70], 30).unwrap();
    let e = ((x.exp() * 0.5 - &v).unwrap() / 3.0).abs().sqrt();
    let outputs = [
        e.sum(..).unwrap(),
        e.mean(..).unwrap(),
        e.var_ddof(.., 1).unwrap(),
        e.std_ddof(.., 0).unwrap(),
        e.min(..).unwrap(),
        e.max(..).unwrap(),
        x.t().max(..).unwrap(),
        (x.max(..).unwrap() - x.min(..).unwrap()).unwrap(),
    ];
    let refs: Vec<&Array> = outputs.iter().collect();
    let units = assert_distributed_equals_compute(&refs, 21);
    // A unit per block of e (feeding its six reductions, x and v generated
    // inside), of x.t() and of x (feeding its max and min).
    assert_eq!(units, 3 * x.num_blocks());

    // Axis reductions, vector-matrix and matrix-matrix products, an
    // intermediate held because two consumers read it, a source output.
    let m = from_array(&matrix(30, 20), 7).unwrap();
    let w = from_array(&vector(30), 8).unwrap();
    let p = m.t().dot(&m).unwrap(); // 20 x 20, blockwise products
    let outputs = [
        m.mean(0).unwrap(),
        m.std_ddof(1, 1).unwrap(),
        m.max(0).unwrap(),
        w.dot(&m).unwrap(),
        p.mean(..).unwrap(),
        p.max(..).unwrap(),
        (&p * &p.mean(..).unwrap()).unwrap().sum(1).unwrap(),
        ones(&[3, 4], 2).unwrap(),
    ];
    let refs: Vec<&Array> = outputs.iter().collect();
    assert_distributed_equals_compute(&refs, 5);
}

#[test]
fn nan_propagates_through_combined_partials() {
    let mut data = matrix(12, 9);
    data[[5, 4]] = f64::NAN;
    let x = from_array(&data, 4).unwrap();
    let outputs = [x.mean(..).unwrap(), x.std_ddof(.., 0).unwrap(), x.max(..).unwrap(), x.min(0).unwrap()];
    let refs: Vec<&Array> = outputs.iter().collect();
    assert_distributed_equals_compute(&refs, 1);
    let work = Distributed::new(&refs);
    let combined = work.combine(partials(&work, 2)).unwrap();
    assert!(combined[0][[]].is_nan() && combined[2][[]].is_nan());
    assert!(combined[3][4].is_nan() && !combined[3][3].is_nan());
}

#[test]
fn partials_that_do_not_fit_are_refused() {
    let x = random::standard_normal(0, &[20, 20], 10).unwrap();
    let work = Distributed::new(&[&x.mean(..).unwrap(), &x.std_ddof(.., 0).unwrap()]);
    assert_eq!(work.units(), 4);
    assert!(matches!(work.partial(4), Err(ArrayError::UnitOutOfRange { unit: 4, units: 4 })));
    assert_eq!(work.unit_name(4), None);

    let all = partials(&work, 0);
    let err = work.combine(all[..3].to_vec()).unwrap_err();
    assert!(matches!(err, ArrayError::PartialCount { units: 4, got: 3 }), "{err}");

    let mut swapped = all.clone();
    swapped.swap(1, 2);
    let err = work.combine(swapped).unwrap_err();
    assert!(matches!(err, ArrayError::PartialMismatch { position: 1, .. }), "{err}");
    assert!(err.to_string().contains("unit 2"), "{err}");

    // The same number of units from another plan: sums, not moments.
    let other = Distributed::new(&[&x.sum(..).unwrap()]);
    assert_eq!(other.units(), 4);
    let err = work.combine(partials(&other, 0)).unwrap_err();
    assert!(matches!(err, ArrayError::PartialMismatch { position: 0, .. }), "{err}");
    assert!(err.to_string().contains("normal-sum"), "{err}");

    // Scalars of an output with dimensions.
    let axis = Distributed::new(&[&x.mean(0).unwrap()]);
    let err = axis.combine_scalars(partials(&axis, 0)).unwrap_err();
    assert!(matches!(err, ArrayError::NotScalar { ref shape } if shape.as_slice() == [20]), "{err}");

    // Well-formed, the same partials combine.
    assert_eq!(work.combine(all).unwrap().len(), 2);
}

#[test]
fn units_are_the_same_on_a_process_that_built_other_arrays_first() {
    // Another process builds the same expressions after unrelated arrays
    // (other ids): its units and partials fit this process's plan.
    let build = || {
        let a = random::standard_normal(1, &[40, 40], 15).unwrap();
        let b = random::standard_normal(2, &[40], 15).unwrap();
        ((a.dot(&b).unwrap().sum(..).unwrap() / a.mean(..).unwrap()).unwrap() * b.var_ddof(.., 0).unwrap())
            .unwrap()
    };
    let here = build();
    let _unrelated: Vec<Array> = (0..5).map(|s| random::uniform(s, 0.0, 1.0, &[3], 2).unwrap()).collect();
    let there = build();
    let (w_here, w_there) = (Distributed::new(&[&here]), Distributed::new(&[&there]));
    assert_eq!(w_here.units(), w_there.units());
    let values = w_here.combine_scalars(partials(&w_there, 9)).unwrap();
    assert_eq!(values[0].to_bits(), here.compute_scalar(&Executor::sequential()).unwrap().to_bits());
}

#[test]
fn n_dimensional_work_units_combine_to_compute_s_values() {
    use chunked_array::{Index, concatenate};
    let x = random::normal(3, 1.0, 2.0, &[12, 10, 8], [5, 4, 8]).unwrap();
    let s = x.index(&[Index::step(.., -2), Index::full(), Index::range(1, None, 3)]).unwrap();
    let outputs = [
        x.mean(0).unwrap(),
        x.std([0, 2]).unwrap(),
        x.max(..).unwrap(),
        s.sum(1).unwrap(),
        concatenate(&[x.clone(), x.clone()], 1).unwrap().var(2).unwrap(),
        x.nanmean(1).unwrap(),
        x.map_blocks(|b| Ok(b.mapv(f64::abs))).unwrap().sum(..).unwrap(),
        x.quantile(0.4, ..).unwrap(),
        x.quantile(0.9, [0, 2]).unwrap(),
    ];
    let refs: Vec<&Array> = outputs.iter().collect();
    assert_distributed_equals_compute(&refs, 9);
}
