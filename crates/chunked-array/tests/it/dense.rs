//! Small arrays against the same computations on dense ndarray arrays,
//! under several chunkings: within 1e-12.

use chunked_array::{Array, ArrayError, Chunks, arange, from_array, full, ones, zeros};
use executors::Executor;
use ndarray::{ArrayD, Axis, Ix2, IxDyn};

use crate::{assert_close, matrix, scalar, vector};

const TOL: f64 = 1e-12;

fn chunkings() -> Vec<Chunks> {
    vec![
        Chunks::Size(1),
        Chunks::Sizes(vec![2, 3]),
        Chunks::Sizes(vec![4, 1]),
        Chunks::Size(100),
        Chunks::auto(),
    ]
}

fn eval(a: &Array) -> ArrayD<f64> {
    a.compute(&Executor::sequential()).unwrap()
}

fn eval_scalar(a: &Array) -> f64 {
    a.compute_scalar(&Executor::sequential()).unwrap()
}

#[test]
fn from_array_round_trips_under_every_chunking() {
    let m = matrix(7, 5);
    for chunks in chunkings() {
        let a = from_array(&m, chunks.clone()).unwrap();
        assert_eq!(eval(&a), m, "{chunks:?}");
    }
    let v = vector(9);
    assert_eq!(eval(&from_array(&v, 4).unwrap()), v);
    let s = scalar(2.5);
    assert_eq!(eval(&from_array(&s, 4).unwrap()), s);
}

#[test]
fn creation_matches_numpy() {
    assert_eq!(eval(&zeros(&[3, 2], 2).unwrap()), ArrayD::<f64>::zeros(IxDyn(&[3, 2])));
    assert_eq!(eval(&ones(&[4], 3).unwrap()), ArrayD::<f64>::ones(IxDyn(&[4])));
    assert_eq!(eval(&full(&[2, 2], 7.5, 1).unwrap()), ArrayD::from_elem(IxDyn(&[2, 2]), 7.5));
    let a = eval(&arange(1.0, 2.0, 0.3, 2).unwrap());
    assert_eq!(a.as_slice().unwrap(), &[1.0, 1.3, 1.0 + 2.0 * 0.3, 1.0 + 3.0 * 0.3]);
    let down = eval(&arange(3.0, 0.0, -1.0, 2).unwrap());
    assert_eq!(down.as_slice().unwrap(), &[3.0, 2.0, 1.0]);
    assert_eq!(eval(&arange(0.0, -1.0, 1.0, 2).unwrap()).len(), 0);
}

#[test]
fn elementwise_with_scalars_and_functions() {
    let m = matrix(6, 4);
    for chunks in chunkings() {
        let a = from_array(&m, chunks).unwrap();
        let e = (&a * 2.0 + 1.0) / 4.0 - 0.5;
        assert_close(&eval(&e), &m.mapv(|x| (x * 2.0 + 1.0) / 4.0 - 0.5), TOL);
        assert_close(&eval(&(1.0 - &a)), &m.mapv(|x| 1.0 - x), TOL);
        assert_close(&eval(&(3.0 / &a)), &m.mapv(|x| 3.0 / x), TOL);
        assert_close(&eval(&-&a), &m.mapv(|x| -x), TOL);
        assert_close(&eval(&a.abs().sqrt()), &m.mapv(|x| x.abs().sqrt()), TOL);
        assert_close(&eval(&a.exp().log()), &m.mapv(|x| x.exp().ln()), TOL);
        assert_close(&eval(&a.sin().square()), &m.mapv(|x| x.sin() * x.sin()), TOL);
        assert_close(&eval(&a.cos().powf(3.0)), &m.mapv(|x| x.cos().powf(3.0)), TOL);
    }
}

#[test]
fn elementwise_between_arrays_broadcasts() {
    let m = matrix(5, 4);
    let row = vector(4);
    let col = ArrayD::from_shape_fn(IxDyn(&[5, 1]), |ix| ix[0] as f64 - 1.5);
    for chunks in chunkings() {
        let a = from_array(&m, chunks.clone()).unwrap();
        let r = from_array(&row, 3).unwrap();
        let c = from_array(&col, Chunks::Sizes(vec![2, 1])).unwrap();
        let two = full(&[], 2.0, 1).unwrap();
        assert_close(&eval(&(&a + &r).unwrap()), &(&m + &row), TOL);
        assert_close(&eval(&(&r - &a).unwrap()), &(&row - &m), TOL);
        assert_close(&eval(&(&a * &c).unwrap()), &(&m * &col), TOL);
        assert_close(&eval(&(&c / &r).unwrap()), &(&col / &row), TOL);
        assert_close(&eval(&a.power(&two).unwrap()), &m.mapv(|x| x.powf(2.0)), TOL);
        assert_close(&eval(&(&a * &a).unwrap()), &(&m * &m), TOL);
        let t = from_array(&m.t().to_owned(), chunks).unwrap();
        assert_close(&eval(&a.maximum(&t.t()).unwrap()), &m, TOL);
        let low = full(&[4], 0.0, 2).unwrap();
        assert_close(&eval(&a.minimum(&low).unwrap()), &m.mapv(|x| x.min(0.0)), TOL);
    }
}

#[test]
fn transposes_and_rechunks() {
    let m = matrix(7, 3);
    for chunks in chunkings() {
        let a = from_array(&m, chunks).unwrap();
        assert_eq!(eval(&a.t()), m.t().to_owned());
        assert_eq!(eval(&a.t().t()), m);
        assert_eq!(eval(&a.rechunk([3, 2]).unwrap()), m);
        let sum = (&a.t() + &a.rechunk(2).unwrap().t()).unwrap();
        assert_close(&eval(&sum), &(m.t().to_owned() * 2.0), TOL);
    }
    let v = from_array(&vector(5), 2).unwrap();
    assert_eq!(eval(&v.t()), vector(5));
}

#[test]
fn full_reductions() {
    let m = matrix(9, 7);
    for chunks in chunkings() {
        let a = from_array(&m, chunks.clone()).unwrap();
        let n = m.len() as f64;
        let mean = m.sum() / n;
        let m2: f64 = m.iter().map(|x| (x - mean) * (x - mean)).sum();
        assert_close(&scalar(eval_scalar(&a.sum(..).unwrap())), &scalar(m.sum()), TOL);
        assert_close(&scalar(eval_scalar(&a.mean(..).unwrap())), &scalar(mean), TOL);
        for ddof in [0, 1, 2] {
            let var = m2 / (n - ddof as f64);
            assert_close(&scalar(eval_scalar(&a.var_ddof(.., ddof).unwrap())), &scalar(var), TOL);
            assert_close(&scalar(eval_scalar(&a.std_ddof(.., ddof).unwrap())), &scalar(var.sqrt()), TOL);
        }
        let min = m.iter().copied().fold(f64::INFINITY, f64::min);
        let max = m.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(eval_scalar(&a.min(..).unwrap()), min, "{chunks:?}");
        assert_eq!(eval_scalar(&a.max(..).unwrap()), max);
    }
}

#[test]
fn axis_reductions() {
    let m = matrix(8, 6);
    for chunks in chunkings() {
        let a = from_array(&m, chunks.clone()).unwrap();
        for axis in [0, 1] {
            let ax = Axis(axis);
            assert_close(&eval(&a.sum(axis).unwrap()), &m.sum_axis(ax), TOL);
            assert_close(&eval(&a.mean(axis).unwrap()), &m.mean_axis(ax).unwrap(), TOL);
            for ddof in [0, 1] {
                assert_close(&eval(&a.var_ddof(axis, ddof).unwrap()), &m.var_axis(ax, ddof as f64), TOL);
                assert_close(&eval(&a.std_ddof(axis, ddof).unwrap()), &m.std_axis(ax, ddof as f64), TOL);
            }
            let min = m.map_axis(ax, |l| l.iter().copied().fold(f64::INFINITY, f64::min));
            let max = m.map_axis(ax, |l| l.iter().copied().fold(f64::NEG_INFINITY, f64::max));
            assert_eq!(eval(&a.min(axis).unwrap()), min, "{chunks:?} axis {axis}");
            assert_eq!(eval(&a.max(axis).unwrap()), max);
        }
        // Reductions of reductions.
        let col_means = a.mean(0).unwrap();
        assert_close(
            &scalar(eval_scalar(&col_means.max(..).unwrap())),
            &scalar(m.mean_axis(Axis(0)).unwrap().iter().copied().fold(f64::NEG_INFINITY, f64::max)),
            TOL,
        );
    }
    let v = from_array(&vector(10), 3).unwrap();
    assert_close(&eval(&v.sum(0).unwrap()), &scalar(vector(10).sum()), TOL);
}

#[test]
fn reductions_and_elementwise_mix() {
    // x - x.mean(..).unwrap(), divided by x.std(): the reductions are leaves of the
    // element-wise expression.
    let m = matrix(6, 5);
    let mean = m.mean().unwrap();
    let std = m.std(0.0);
    for chunks in chunkings() {
        let a = from_array(&m, chunks).unwrap();
        let z = ((&a - &a.mean(..).unwrap()).unwrap() / a.std_ddof(.., 0).unwrap()).unwrap();
        assert_close(&eval(&z), &m.mapv(|x| (x - mean) / std), TOL);
        assert_close(&scalar(eval_scalar(&z.mean(..).unwrap())), &scalar(0.0), TOL);
        // Centering by column means: a vector against the matrix.
        let centred = (&a - &a.mean(0).unwrap()).unwrap();
        assert_close(&eval(&centred), &(&m - &m.mean_axis(Axis(0)).unwrap()), TOL);
    }
}

fn dense_dot(a: &ArrayD<f64>, b: &ArrayD<f64>) -> ArrayD<f64> {
    use ndarray::Ix1;
    match (a.ndim(), b.ndim()) {
        (2, 1) => a
            .view()
            .into_dimensionality::<Ix2>()
            .unwrap()
            .dot(&b.view().into_dimensionality::<Ix1>().unwrap())
            .into_dyn(),
        (1, 2) => a
            .view()
            .into_dimensionality::<Ix1>()
            .unwrap()
            .dot(&b.view().into_dimensionality::<Ix2>().unwrap())
            .into_dyn(),
        (1, 1) => scalar(
            a.view()
                .into_dimensionality::<Ix1>()
                .unwrap()
                .dot(&b.view().into_dimensionality::<Ix1>().unwrap()),
        ),
        _ => a
            .view()
            .into_dimensionality::<Ix2>()
            .unwrap()
            .dot(&b.view().into_dimensionality::<Ix2>().unwrap())
            .into_dyn(),
    }
}

#[test]
fn products_in_every_form() {
    let m = matrix(7, 5);
    let n = matrix(5, 4);
    let v = vector(5);
    let w = vector(7);
    for chunks in chunkings() {
        let a = from_array(&m, chunks.clone()).unwrap();
        let b = from_array(&n, chunks.clone()).unwrap();
        let x = from_array(&v, 2).unwrap();
        let y = from_array(&w, 3).unwrap();
        assert_close(&eval(&a.dot(&x).unwrap()), &dense_dot(&m, &v), TOL);
        assert_close(&eval(&y.dot(&a).unwrap()), &dense_dot(&w, &m), TOL);
        assert_close(&eval(&x.dot(&x).unwrap()), &dense_dot(&v, &v), TOL);
        assert_close(&eval(&y.dot(&y.exp()).unwrap()), &dense_dot(&w, &w.mapv(f64::exp)), TOL);
        assert_close(&eval(&a.dot(&b).unwrap()), &dense_dot(&m, &n), TOL);
        assert_close(&eval(&a.matmul(&a.t()).unwrap()), &dense_dot(&m, &m.t().to_owned()), TOL);
        // A product whose vector depends on the matrix's own reduction.
        let col_sums = a.sum(0).unwrap();
        assert_close(&eval(&a.dot(&col_sums).unwrap()), &dense_dot(&m, &m.sum_axis(Axis(0))), TOL);
        // The scalar form of dot multiplies.
        let two = full(&[], 2.0, 1).unwrap();
        assert_close(&eval(&a.dot(&two).unwrap()), &(&m * 2.0), TOL);
    }
}

#[test]
fn the_talks_c_on_a_small_array() {
    let m = matrix(12, 9);
    let v = vector(9);
    let dense = {
        let dot = dense_dot(&m, &v).sum();
        dot / m.mean().unwrap() * v.var(0.0)
    };
    for chunks in chunkings() {
        let a = from_array(&m, chunks.clone()).unwrap();
        let b = from_array(&v, 4).unwrap();
        let c = ((a.dot(&b).unwrap().sum(..).unwrap() / a.mean(..).unwrap()).unwrap()
            * b.var_ddof(.., 0).unwrap())
        .unwrap();
        assert_close(&scalar(eval_scalar(&c)), &scalar(dense), TOL);
    }
}

#[test]
fn materialized_and_shared_subexpressions() {
    // `e` is used three times and cannot be regenerated (it reads a
    // reduction), so its blocks are materialized; the results still match.
    let m = matrix(6, 6);
    let a = from_array(&m, 4).unwrap();
    let e = (&a - &a.mean(..).unwrap()).unwrap();
    let sq = (&e * &e).unwrap();
    let outs = chunked_array::compute(&[&e, &sq.sum(..).unwrap(), &e.t()], &Executor::sequential()).unwrap();
    let de = m.mapv(|x| x - m.mean().unwrap());
    assert_close(&outs[0], &de, TOL);
    assert_close(&outs[1], &scalar(de.mapv(|x| x * x).sum()), TOL);
    assert_close(&outs[2], &de.t().to_owned(), TOL);
}

#[test]
fn zero_sized_dimensions_work() {
    let empty = ArrayD::<f64>::zeros(IxDyn(&[0, 3]));
    let a = from_array(&empty, 2).unwrap();
    assert_eq!(a.chunks(), &[vec![0], vec![2, 1]]);
    assert_eq!(eval(&(&a * 2.0)).shape(), &[0, 3]);
    assert_eq!(eval_scalar(&a.sum(..).unwrap()), 0.0);
    assert!(eval_scalar(&a.mean(..).unwrap()).is_nan());
    assert!(eval_scalar(&a.var_ddof(.., 0).unwrap()).is_nan());
    assert_eq!(eval(&a.sum(0).unwrap()), ArrayD::<f64>::zeros(IxDyn(&[3])));
    assert_eq!(eval(&a.sum(1).unwrap()).shape(), &[0]);
    assert_eq!(eval(&a.max(1).unwrap()).shape(), &[0]);
    assert!(a.max(..).is_err());
    assert!(a.min(0).is_err());
    let v = zeros(&[3], 2).unwrap();
    assert_eq!(eval(&a.dot(&v).unwrap()), ArrayD::<f64>::zeros(IxDyn(&[0])));
    let at = a.t();
    let none = zeros(&[0], 2).unwrap();
    assert_eq!(eval(&at.dot(&none).unwrap()), ArrayD::<f64>::zeros(IxDyn(&[3])));
    assert_eq!(eval(&at.matmul(&a).unwrap()), ArrayD::<f64>::zeros(IxDyn(&[3, 3])));
    let r = chunked_array::random::standard_normal(0, &[0], 5).unwrap();
    assert_eq!(eval(&r).len(), 0);
}

#[test]
fn nan_propagates_as_in_numpy() {
    let mut m = matrix(4, 4);
    m[[1, 2]] = f64::NAN;
    let a = from_array(&m, 2).unwrap();
    for r in [
        a.sum(..).unwrap(),
        a.mean(..).unwrap(),
        a.var_ddof(.., 0).unwrap(),
        a.std_ddof(.., 1).unwrap(),
        a.min(..).unwrap(),
        a.max(..).unwrap(),
    ] {
        assert!(eval_scalar(&r).is_nan());
    }
    let maxes = eval(&a.max(0).unwrap());
    assert!(maxes[2].is_nan() && !maxes[0].is_nan() && !maxes[1].is_nan() && !maxes[3].is_nan());
    let mins = eval(&a.min(1).unwrap());
    assert!(mins[1].is_nan() && !mins[0].is_nan());
    let z = zeros(&[4, 4], 2).unwrap();
    assert!(eval(&a.maximum(&z).unwrap())[[1, 2]].is_nan());
    // Infinities: the mean is infinite, the variance NaN, as numpy.
    let inf = from_array(&ndarray::array![1.0, f64::INFINITY, 2.0], 2).unwrap();
    assert_eq!(eval_scalar(&inf.mean(..).unwrap()), f64::INFINITY);
    assert!(eval_scalar(&inf.var_ddof(.., 0).unwrap()).is_nan());
    assert_eq!(eval_scalar(&inf.max(..).unwrap()), f64::INFINITY);
}

#[test]
fn variance_is_stable_far_from_zero() {
    // A large offset: a naive sum-of-squares formula would lose every digit.
    let m = matrix(50, 40).mapv(|x| x + 1e9);
    let a = from_array(&m, Chunks::Sizes(vec![7, 9])).unwrap();
    let want = m.var(0.0);
    let got = eval_scalar(&a.var_ddof(.., 0).unwrap());
    assert!((got - want).abs() <= 1e-6 * want, "{got} vs {want}");
}

#[test]
fn compute_scalar_needs_a_scalar() {
    let a = zeros(&[2], 1).unwrap();
    assert!(matches!(a.compute_scalar(&Executor::sequential()), Err(ArrayError::NotScalar { .. })));
    assert!(matches!(
        chunked_array::compute_scalars(&[&a.sum(..).unwrap(), &a], &Executor::sequential()),
        Err(ArrayError::NotScalar { .. })
    ));
}

#[test]
fn an_outer_broadcast_of_a_column_and_a_row_reduces() {
    // (n, 1) + (1, m): both operands broadcast, the result is built from
    // two broadcast views; it must still be a row-major tile.
    let col = from_array(&matrix(6, 1), 4).unwrap();
    let row = from_array(&matrix(1, 5), 2).unwrap();
    let outer = (&col + &row).unwrap();
    let want = &matrix(6, 1) + &matrix(1, 5);
    assert_close(&eval(&outer), &want, TOL);
    assert_close(&scalar(eval_scalar(&outer.sum(..).unwrap())), &scalar(want.sum()), TOL);
    assert_close(
        &eval(&outer.max(0).unwrap()),
        &want.fold_axis(Axis(0), f64::NEG_INFINITY, |a, &b| a.max(b)),
        TOL,
    );
}
