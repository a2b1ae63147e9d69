//! Property tests of the analyses: under any partitioning, group-by
//! medians, quantiles, nunique, first and last, a broadcast join and the
//! lazy row operations give what one partition gives, and medians equal a
//! direct computation from the sorted values.

use chunked_frame::{Agg, CsvOptions, DataFrame, DropHow, JoinOptions, JoinType, Value, read_csv};
use executors::Executor;
use proptest::prelude::*;

use crate::TempCsv;

/// A row: key (null sometimes), a float with ties and signed zeros, an int,
/// a string; `None` is an empty field.
type Row = (Option<u8>, Option<&'static str>, Option<i8>, Option<&'static str>);

fn row() -> impl Strategy<Value = Row> {
    (
        proptest::option::weighted(0.9, 0u8..4),
        proptest::option::weighted(
            0.8,
            prop::sample::select(vec!["1.5", "2", "2", "-0.0", "0.0", "NaN", "7.25", "-3"]),
        ),
        proptest::option::weighted(0.8, -3i8..4),
        proptest::option::weighted(0.8, prop::sample::select(vec!["a", "b", "c"])),
    )
}

fn text(rows: &[Row]) -> String {
    let mut out = String::from("k,v,i,s\n");
    for (k, v, i, s) in rows {
        let k = k.map(|k| ["JFK", "LGA", "EWR", "BOS"][usize::from(k)]).unwrap_or("");
        let i = i.map(|i| i.to_string()).unwrap_or_default();
        out.push_str(&format!("{k},{},{i},{}\n", v.unwrap_or(""), s.unwrap_or("")));
    }
    out
}

/// Everything computed from one read of the file.
fn analyses(path: &str, blocksize: usize, exec: &Executor) -> (DataFrame, DataFrame, DataFrame, DataFrame) {
    // A key column of nulls only would be float64, which cannot meet
    // strings (a typed error, as pandas refuses it): read it as strings.
    let options = CsvOptions::default().blocksize(blocksize).dtype("k", chunked_frame::DType::Str);
    let frame = read_csv(path, options).unwrap();
    let held = frame
        .clone()
        .groupby(&["k"])
        .agg_each(&[
            ("v", &[Agg::Median, Agg::Quantile(0.3), Agg::Nunique, Agg::First, Agg::Last]),
            ("i", &[Agg::Median, Agg::Quantile(0.75), Agg::Nunique, Agg::First, Agg::Last]),
            ("s", &[Agg::Nunique, Agg::First, Agg::Last, Agg::Count]),
        ])
        .compute(exec)
        .unwrap();
    let small = DataFrame::new(
        vec!["k".into(), "name".into()],
        vec![
            chunked_frame::Column::Str {
                dict: vec!["JFK".into(), "LGA".into(), "EWR".into()],
                codes: vec![0, 1, 1, chunked_frame::NULL_CODE],
            },
            chunked_frame::Column::Int64 { values: vec![1, 2, 3, 4], valid: vec![] },
        ],
    )
    .unwrap();
    let joined = frame
        .clone()
        .merge(&small, JoinOptions::on(&["k"]).how(JoinType::Left))
        .unwrap()
        .compute(exec)
        .unwrap();
    let dropped = frame.clone().dropna(Some(&["v", "s"]), DropHow::Any).unwrap().compute(exec).unwrap();
    let tail = frame.tail(5, exec).unwrap();
    (held, joined, dropped, tail)
}

/// The median of the non-missing values of `v` in the rows of key `k`.
fn median_of(rows: &[Row], k: u8) -> Option<f64> {
    let mut xs: Vec<f64> = rows
        .iter()
        .filter(|r| r.0 == Some(k))
        .filter_map(|r| r.1.map(|v| v.parse::<f64>().unwrap()))
        .filter(|x| !x.is_nan())
        .collect();
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(xs[n / 2]),
        _ => Some((xs[n / 2 - 1] + xs[n / 2]) / 2.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/proptest-regressions/chunked-frame-analyses.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn analyses_do_not_depend_on_the_partitioning(rows in prop::collection::vec(row(), 1..50)) {
        let file = TempCsv::new("analyses-props.csv", text(&rows).as_bytes());
        let exec = Executor::new(executors::Strategy::Graph, 2).unwrap();
        let whole = analyses(file.path(), 1 << 20, &exec);
        for blocksize in [1, 4, 13, 40] {
            let parts = analyses(file.path(), blocksize, &exec);
            prop_assert_eq!(&whole.0, &parts.0, "group-by, blocksize {}", blocksize);
            prop_assert_eq!(&whole.1, &parts.1, "join, blocksize {}", blocksize);
            prop_assert_eq!(&whole.2, &parts.2, "dropna, blocksize {}", blocksize);
            prop_assert_eq!(&whole.3, &parts.3, "tail, blocksize {}", blocksize);
        }
        let held = &whole.0;
        for g in 0..held.height() {
            let Value::Str(key) = held.row(g)[0].clone() else { panic!("string keys") };
            let k = ["JFK", "LGA", "EWR", "BOS"].iter().position(|x| *x == key).unwrap();
            // `as`: k < 4.
            let want = median_of(&rows, k as u8);
            let got = held.column("v_median").unwrap().get(g);
            match (want, got) {
                (None, Value::Null) => {}
                (Some(w), Value::Float(x)) => prop_assert_eq!(w, x, "key {}", key),
                // A column of integers only is int64; its median a float.
                (w, got) => prop_assert!(false, "key {}: median {:?}, want {:?}", key, got, w),
            }
        }
    }
}
