//! value_counts, describe, sorting and CSV output.

use chunked_frame::{Agg, CsvOptions, DType, Value, read_csv};
use executors::{Executor, Strategy};

use crate::{TempCsv, sample};

#[test]
fn value_counts_are_sorted_by_count_then_first_appearance() {
    let file = TempCsv::new("vc.csv", b"k,v\nb,1\na,1\nb,1\n,1\nc,1\nb,1\na,1\n");
    let f = read_csv(file.path(), CsvOptions::default().blocksize(3)).unwrap();
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    let got = f.value_counts("k", &exec).unwrap();
    let rows: Vec<Vec<Value>> = (0..got.height()).map(|i| got.row(i)).collect();
    let s = |x: &str| Value::Str(x.into());
    assert_eq!(rows, [vec![s("b"), Value::Int(3)], vec![s("a"), Value::Int(2)], vec![s("c"), Value::Int(1)]]);
}

/// pandas' quantile: linear interpolation between order statistics.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[test]
fn describe_is_exact_for_small_partitions_and_close_otherwise() {
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    // Exact: 700-byte partitions of the sample hold fewer than 1024 values.
    for (blocksize, tolerance) in [(700, 0.0), (64 << 20, 0.02)] {
        let f = read_csv(&sample(), CsvOptions::default().blocksize(blocksize)).unwrap();
        let d = f.describe(&exec).unwrap();
        let col = d.column("DEPARTURE_DELAY").unwrap();
        let stat = |i: usize| if let Value::Float(x) = col.get(i) { x } else { panic!() };
        let mut xs: Vec<f64> = f.clone().select(&["DEPARTURE_DELAY"]).compute(&exec).unwrap().columns()[0]
            .clone()
            .filter(&[true; 2000])
            .into_values();
        xs.sort_by(f64::total_cmp);
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let std = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        assert_eq!(stat(0), n);
        assert!((stat(1) - mean).abs() < 1e-9 * mean.abs());
        assert!((stat(2) - std).abs() < 1e-9 * std);
        assert_eq!((stat(3), stat(7)), (xs[0], xs[xs.len() - 1]));
        let spread = xs[xs.len() - 1] - xs[0];
        for (i, q) in [(4, 0.25), (5, 0.5), (6, 0.75)] {
            let want = quantile(&xs, q);
            assert!(
                (stat(i) - want).abs() <= tolerance * spread,
                "q{q}: {} vs {want} (blocksize {blocksize})",
                stat(i)
            );
        }
        assert!(d.column("ORIGIN_AIRPORT").is_none(), "strings are not described");
    }
}

#[test]
fn frames_sort_by_several_columns() {
    let file = TempCsv::new("sort.csv", b"a,b\n2,x\n1,y\n2,a\n,z\n");
    let f = read_csv(file.path(), CsvOptions::default()).unwrap().compute(&Executor::sequential()).unwrap();
    let sorted = f.sort_by(&[("a", true), ("b", false)]).unwrap();
    let col_b: Vec<String> = (0..4).map(|i| sorted.row(i)[1].to_string()).collect();
    assert_eq!(col_b, ["a", "x", "y", "z"]);
    assert!(f.sort_by(&[("nope", false)]).is_err());
}

#[test]
fn partitions_written_as_csv_read_back_the_same() {
    let exec = Executor::new(Strategy::WorkQueue, 2).unwrap();
    let f = read_csv(&sample(), CsvOptions::default().blocksize(40_000)).unwrap();
    let dir = std::env::temp_dir().join(format!("chunked-frame-out-{}", std::process::id()));
    let files = f.to_csv_partitions(&dir, &exec).unwrap();
    assert_eq!(files.len(), f.partitions());
    let back = read_csv(dir.join("part-*.csv").to_str().unwrap(), CsvOptions::default())
        .unwrap()
        .compute(&exec)
        .unwrap();
    let original = f.compute(&exec).unwrap();
    assert_eq!(back.height(), original.height());
    // Columns whose type inference agrees compare equal value by value.
    for name in ["ORIGIN_AIRPORT", "DEPARTURE_DELAY", "TAIL_NUMBER", "CANCELLED"] {
        assert_eq!(back.column(name), original.column(name), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_csv_file_holds_every_row_in_order() {
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    let f = read_csv(&sample(), CsvOptions::default().blocksize(30_000)).unwrap();
    let path = std::env::temp_dir().join(format!("chunked-frame-one-{}.csv", std::process::id()));
    f.to_csv_file(&path, &exec).unwrap();
    let back = read_csv(path.to_str().unwrap(), CsvOptions::default()).unwrap().compute(&exec).unwrap();
    let original = f.compute(&exec).unwrap();
    for name in ["ORIGIN_AIRPORT", "DEPARTURE_DELAY", "FLIGHT_NUMBER", "CANCELLED"] {
        assert_eq!(back.column(name), original.column(name), "{name}");
    }
    std::fs::remove_file(&path).unwrap();
    let drawing =
        f.visualize(executors::RankDir::LeftRight, &std::env::temp_dir().join("chunked-frame-scan")).unwrap();
    let dot = std::fs::read_to_string(&drawing.dot).unwrap();
    assert_eq!(dot.matches("label=\"read-filter\"").count(), f.partitions());
}

/// Ties among counts come in the order of their values' first rows, as in
/// pandas (`c` before `a`, though `a < c`), in every partitioning.
#[test]
fn value_counts_break_ties_by_first_appearance_in_every_partitioning() {
    let file = TempCsv::new("vc_ties.csv", b"k\nz\nc\na\nz\na\nc\nb\n");
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    let s = |x: &str| Value::Str(x.into());
    for blocksize in [1, 3, 5, 1 << 20] {
        let f = read_csv(file.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
        let got = f.value_counts("k", &exec).unwrap();
        let keys: Vec<Value> = (0..got.height()).map(|i| got.row(i)[0].clone()).collect();
        assert_eq!(keys, [s("z"), s("c"), s("a"), s("b")], "blocksize {blocksize}");
    }
}

/// `sort(false)`: pandas' `groupby(sort=False)`, groups in order of their
/// first rows whatever the partitioning; the zeros are one group, shown
/// with the sign of its first row's, as pandas groups them.
#[test]
fn unsorted_groups_come_in_order_of_first_appearance_and_the_zeros_are_one_group() {
    let file = TempCsv::new("unsorted.csv", b"k,v\n3.5,1\n-0.0,2\n1.0,3\n0.0,4\n3.5,5\n");
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    for blocksize in [1, 7, 1 << 20] {
        let f = read_csv(file.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
        let got = f.clone().groupby(&["k"]).agg(&[("v", Agg::Sum)]).sort(false).compute(&exec).unwrap();
        let rows: Vec<Vec<Value>> = (0..got.height()).map(|i| got.row(i)).collect();
        let row = |k: f64, v: i64| vec![Value::Float(k), Value::Int(v)];
        assert_eq!(rows, [row(3.5, 6), row(-0.0, 6), row(1.0, 3)], "blocksize {blocksize}");
        let Value::Float(zero) = rows[1][0] else { panic!() };
        assert!(zero.is_sign_negative(), "the group keeps its first row's -0.0");
        let sorted = f.groupby(&["k"]).agg(&[("v", Agg::Sum)]).compute(&exec).unwrap();
        let keys: Vec<Value> = (0..sorted.height()).map(|i| sorted.row(i)[0].clone()).collect();
        assert_eq!(keys, [Value::Float(-0.0), Value::Float(1.0), Value::Float(3.5)]);
    }
}

/// pandas' `describe()` leaves bool columns out, and with infinities gives
/// numpy's answers: an infinite mean, a NaN deviation, quartiles by
/// numpy's interpolation (NaN where it computes `inf - inf`).
#[test]
fn describe_leaves_bools_out_and_follows_numpy_beside_infinities() {
    let file = TempCsv::new(
        "describe_inf.csv",
        b"x,b,i\n-inf,True,1\n0.0,False,2\n1.0,True,3\n2.0,True,4\n3.0,False,5\n",
    );
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    for blocksize in [6, 1 << 20] {
        let f = read_csv(file.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
        assert_eq!(f.schema().unwrap().fields[1].dtype, DType::Bool);
        let d = f.describe(&exec).unwrap();
        assert_eq!(d.names(), ["statistic", "x", "i"], "blocksize {blocksize}");
        let x: Vec<Value> = (0..8).map(|i| d.column("x").unwrap().get(i)).collect();
        // count, mean, std, min, 25%, 50%, 75%, max (NaN is missing).
        let f = Value::Float;
        assert_eq!(
            x,
            [f(5.0), f(f64::NEG_INFINITY), Value::Null, f(f64::NEG_INFINITY), f(0.0), f(1.0), f(2.0), f(3.0)],
            "blocksize {blocksize}"
        );
    }
    // numpy: the 50% of [0, inf] is inf - inf * 0.5, NaN; its 25% is inf.
    let file = TempCsv::new("describe_inf2.csv", b"x\n0.0\ninf\n");
    let d = read_csv(file.path(), CsvOptions::default()).unwrap().describe(&exec).unwrap();
    let x: Vec<Value> = (0..8).map(|i| d.column("x").unwrap().get(i)).collect();
    assert_eq!(x[4..], [Value::Float(f64::INFINITY), Value::Null, Value::Null, Value::Float(f64::INFINITY)]);
}

/// The deviation needs two values: of none or one it is missing (NaN in
/// pandas), of two it is the sample's (pandas' ddof 1); every partitioning.
#[test]
fn describe_of_columns_of_none_one_and_two_values() {
    let file = TempCsv::new("describe_few.csv", b"x,y,z\n1.5,,\n2.5,3.0,\n");
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    for blocksize in [4, 1 << 20] {
        let d = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .describe(&exec)
            .unwrap();
        assert_eq!(d.names(), ["statistic", "x", "y", "z"], "blocksize {blocksize}");
        let at = |c: &str, i: usize| d.column(c).unwrap().get(i);
        assert_eq!((at("x", 0), at("x", 1)), (Value::Float(2.0), Value::Float(2.0)));
        assert_eq!(at("x", 2), Value::Float(std::f64::consts::FRAC_1_SQRT_2), "blocksize {blocksize}");
        assert_eq!((at("y", 0), at("y", 2)), (Value::Float(1.0), Value::Null), "blocksize {blocksize}");
        let z: Vec<Value> = (0..8).map(|i| at("z", i)).collect();
        assert_eq!(z[0], Value::Float(0.0));
        assert!(z[1..].iter().all(|v| *v == Value::Null), "{z:?}");
    }
}

/// Boolean keys group as pandas groups them (False before True), and a NaN
/// key (a Parquet file can hold one; a CSV's `NaN` is already missing) is
/// left out, as pandas' `dropna=True` leaves it.
#[test]
fn bool_keys_group_and_a_nan_key_is_left_out() {
    use chunked_frame::{Column, DataFrame, ParquetOptions, read_parquet};
    let df = DataFrame::new(
        vec!["b".into(), "f".into(), "v".into()],
        vec![
            Column::Bool { values: vec![true, false, true, false], valid: vec![] },
            Column::Float64 { values: vec![f64::NAN, 1.5, 1.5, f64::NAN], valid: vec![] },
            Column::Int64 { values: vec![1, 2, 3, 4], valid: vec![] },
        ],
    )
    .unwrap();
    let mut bytes = Vec::new();
    df.write_parquet(&mut bytes).unwrap();
    let file = TempCsv::new("nan_keys.parquet", &bytes);
    let exec = Executor::sequential();
    let f = read_parquet(file.path(), ParquetOptions::default()).unwrap();
    let by_b = f.clone().groupby(&["b"]).agg(&[("v", Agg::Sum)]).compute(&exec).unwrap();
    let rows: Vec<Vec<Value>> = (0..by_b.height()).map(|i| by_b.row(i)).collect();
    assert_eq!(rows, [vec![Value::Bool(false), Value::Int(6)], vec![Value::Bool(true), Value::Int(4)]]);
    let by_f = f.groupby(&["f"]).agg(&[("v", Agg::Sum)]).compute(&exec).unwrap();
    let rows: Vec<Vec<Value>> = (0..by_f.height()).map(|i| by_f.row(i)).collect();
    assert_eq!(rows, [vec![Value::Float(1.5), Value::Int(5)]]);
}

/// Beyond 1024 values a partition's quartiles come from a sketch of
/// evenly spaced order statistics: on the integers 0 to 4095 in one
/// partition (each point standing for 4) they are within half a unit of
/// the exact ones, from the interpolation between points' centres; in two
/// partitions of every other value or so (each point standing for 2 of
/// its partition's, about 4 apart in the whole), within 2.
#[test]
fn describe_quartiles_from_a_sketch_are_within_its_resolution() {
    let text: String = std::iter::once("x\n".to_owned())
        .chain((0..4096).map(|i| format!("{}\n", (i * 1237) % 4096)))
        .collect();
    let file = TempCsv::new("sketch.csv", text.as_bytes());
    let exec = Executor::sequential();
    for (blocksize, bound) in [(1 << 20, 0.5), (text.len() / 2 + 1, 2.0)] {
        let f = read_csv(file.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
        let d = f.describe(&exec).unwrap();
        for (i, q) in [(4, 0.25), (5, 0.5), (6, 0.75)] {
            let Value::Float(got) = d.column("x").unwrap().get(i) else { panic!() };
            let exact = q * 4095.0;
            assert!((got - exact).abs() <= bound, "q{q}: {got} against {exact} (blocksize {blocksize})");
        }
    }
}
