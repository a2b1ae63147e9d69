//! The analyses against pandas: each expectation is a CSV file that
//! `tests/pandas/golden.py` wrote with pandas 3.1.1 from the inputs beside
//! it (nulls, NaN, one-row groups, groups without values, ties); the tests
//! read those files and never run Python. Every read is repeated under
//! several blocksizes (partitionings) and executors.

use chunked_frame::{Agg, CsvOptions, DataFrame, LazyFrame, Value, col, read_csv};
use executors::{Executor, Strategy};

/// The folder of the pandas inputs and results.
pub(crate) fn dir() -> String {
    format!("{}/tests/pandas", env!("CARGO_MANIFEST_DIR"))
}

/// A pandas result: header and rows of text.
pub(crate) fn golden(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let path = format!("{}/{name}", dir());
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

/// Whether a value equals pandas' text of it: empty for missing (pandas
/// writes NaN as empty too), numbers by value (so `-0.0 == 0.0`, whose
/// order pandas' unstable sort leaves open), strings as they are.
fn same(got: &Value, want: &str) -> bool {
    match got {
        Value::Null => want.is_empty(),
        Value::Float(x) if x.is_nan() => want.is_empty(),
        Value::Float(x) => want.parse::<f64>().is_ok_and(|w| w == *x),
        Value::Int(x) => want.parse::<i64>().is_ok_and(|w| w == *x),
        Value::Bool(b) => want == if *b { "True" } else { "False" },
        Value::Str(s) => s == want,
    }
}

/// Asserts that `got` is pandas' result `name`, column names and cells.
pub(crate) fn assert_pandas(got: &DataFrame, name: &str, context: &str) {
    let (header, rows) = golden(name);
    assert_eq!(got.names(), header, "{name}: columns ({context})");
    assert_eq!(got.height(), rows.len(), "{name}: rows ({context})");
    for (i, want) in rows.iter().enumerate() {
        let row = got.row(i);
        for (j, (g, w)) in row.iter().zip(want).enumerate() {
            assert!(same(g, w), "{name} ({context}): row {i}, column {}: got {g:?}, pandas {w:?}", header[j]);
        }
    }
}

pub(crate) fn executors() -> Vec<Executor> {
    vec![
        Executor::sequential(),
        Executor::new(Strategy::Graph, 2).unwrap(),
        Executor::new(Strategy::Pool, 3).unwrap(),
    ]
}

pub(crate) const BLOCKSIZES: [usize; 4] = [1 << 20, 300, 41, 7];

/// `groups.csv` with pandas' derived column `r = x / y` (0 / 0 is NaN, 1 / 0 inf).
fn groups(blocksize: usize) -> LazyFrame {
    let path = format!("{}/groups.csv", dir());
    read_csv(&path, CsvOptions::default().blocksize(blocksize)).unwrap().with_column("r", col("x") / col("y"))
}

/// The aggregation named by an output column `<column>_<aggregation>`.
fn parse_output(name: &str) -> (String, Agg) {
    let (column, agg) = name.split_once('_').unwrap();
    let agg = match agg {
        "median" => Agg::Median,
        "nunique" => Agg::Nunique,
        "first" => Agg::First,
        "last" => Agg::Last,
        "count" => Agg::Count,
        q => Agg::Quantile(q.strip_prefix("quantile_").unwrap().parse().unwrap()),
    };
    (column.to_owned(), agg)
}

fn check_groupby(keys: &[&str], name: &str) {
    let (header, _) = golden(name);
    let outputs: Vec<(String, Agg)> = header[keys.len()..].iter().map(|h| parse_output(h)).collect();
    let aggs: Vec<(&str, Agg)> = outputs.iter().map(|(c, a)| (c.as_str(), *a)).collect();
    for blocksize in BLOCKSIZES {
        for (e, exec) in executors().iter().enumerate() {
            let got = groups(blocksize).groupby(keys).agg(&aggs).compute(exec).unwrap();
            assert_pandas(&got, name, &format!("blocksize {blocksize}, executor {e}"));
        }
    }
}

#[test]
fn median_quantiles_nunique_first_and_last_per_group_are_pandas() {
    check_groupby(&["k"], "groupby_k.csv");
}

#[test]
fn held_aggregations_by_two_keys_are_pandas() {
    check_groupby(&["k", "k2"], "groupby_k_k2.csv");
}

#[test]
fn held_values_past_the_limit_are_a_typed_error_and_at_the_limit_are_not() {
    use chunked_frame::FrameError;
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    // groups.csv holds 243 rows with k; medians of i keep its non-null
    // values of the non-null keys, nunique of s its distinct values.
    let all = groups(1 << 20).filter(col("k").is_null().not());
    let kept = all.clone().filter(col("i").is_null().not()).len(&exec).unwrap() as u64;
    for blocksize in [1 << 20, 41] {
        let agg = groups(blocksize).groupby(&["k"]).median("i");
        assert!(agg.clone().max_held_values(kept).compute(&exec).is_ok(), "blocksize {blocksize}");
        let err = agg.max_held_values(kept - 1).compute(&exec).unwrap_err();
        assert!(
            matches!(err, FrameError::TooManyHeldValues { held, limit } if held >= kept && limit == kept - 1),
            "blocksize {blocksize}: {err}"
        );
        assert!(err.to_string().contains("max_held_values"), "{err}");
    }
    // Aggregations that keep nothing have no limit.
    assert!(groups(41).groupby(&["k"]).mean("i").max_held_values(0).compute(&exec).is_ok());
}

#[test]
fn bad_quantiles_and_numeric_aggregations_of_strings_are_typed_errors() {
    use chunked_frame::FrameError;
    let exec = Executor::sequential();
    for q in [-0.1, 1.5, f64::NAN] {
        let err = groups(1 << 20).groupby(&["k"]).quantile("v", q).compute(&exec).unwrap_err();
        assert!(matches!(err, FrameError::Quantile { ref column, .. } if column == "v"), "{err}");
    }
    let err = groups(1 << 20).groupby(&["k"]).median("s").compute(&exec).unwrap_err();
    assert!(err.to_string().contains("column \"s\" is string: the median aggregation"), "{err}");
    // Counts, nunique, first and last take strings.
    let got =
        groups(1 << 20).groupby(&["k"]).agg_each(&[("s", &[Agg::Count, Agg::First])]).compute(&exec).unwrap();
    assert_eq!(got.names(), ["k", "s_count", "s_first"]);
}

#[test]
fn agg_each_names_outputs_as_pandas_flattens_its_columns() {
    let exec = Executor::sequential();
    let got = groups(1 << 20)
        .groupby(&["k"])
        .agg_each(&[("v", &[Agg::Mean, Agg::Median, Agg::Quantile(0.9)]), ("i", &[Agg::Nunique])])
        .compute(&exec)
        .unwrap();
    assert_eq!(got.names(), ["k", "v_mean", "v_median", "v_quantile_0.9", "i_nunique"]);
    let (_, rows) = golden("groupby_k.csv");
    // The medians and nunique counts agree with pandas' in the other file.
    for (i, row) in rows.iter().enumerate() {
        assert!(same(&got.row(i)[2], &row[1]) && same(&got.row(i)[4], &row[7]), "row {i}");
    }
}

/// `groups.csv` computed, with `r`.
fn computed(blocksize: usize, exec: &Executor) -> DataFrame {
    groups(blocksize).compute(exec).unwrap()
}

#[test]
fn row_operations_on_a_computed_frame_are_pandas() {
    use chunked_frame::{DropHow, Keep, NaPosition, SortOptions};
    for blocksize in BLOCKSIZES {
        for (e, exec) in executors().iter().enumerate() {
            let df = computed(blocksize, exec);
            let context = format!("blocksize {blocksize}, executor {e}");
            let check = |got: chunked_frame::Result<DataFrame>, name: &str| {
                assert_pandas(&got.unwrap(), name, &context)
            };
            check(df.sort_values(&["v"], &SortOptions::default()), "sort_v.csv");
            check(df.sort_values(&["k", "v"], &SortOptions::per_key(&[true, false])), "sort_k_v_desc.csv");
            check(df.sort_values(&["k", "v"], &SortOptions::ascending(false)), "sort_k_v_all_desc.csv");
            check(
                df.sort_values(
                    &["s", "i"],
                    &SortOptions::per_key(&[false, true]).na_position(NaPosition::First),
                ),
                "sort_s_i_first.csv",
            );
            check(df.drop_duplicates(None, Keep::First), "dedup_all.csv");
            check(df.drop_duplicates(Some(&["k", "s"]), Keep::Last), "dedup_k_s_last.csv");
            check(df.drop_duplicates(Some(&["k", "v"]), Keep::None), "dedup_k_v_none.csv");
            check(df.dropna(None, DropHow::Any), "dropna_any.csv");
            check(df.dropna(Some(&["v", "s"]), DropHow::All), "dropna_v_s_all.csv");
            check(
                df.fillna(&[
                    ("v", Value::Float(0.5)),
                    ("i", Value::Int(0)),
                    ("s", Value::Str("none".into())),
                    ("r", Value::Float(-1.0)),
                ]),
                "fillna.csv",
            );
            check(Ok(df.tail(7)), "tail7.csv");
        }
    }
}

#[test]
fn row_operations_refuse_unknown_columns_and_mismatched_options() {
    use chunked_frame::{FrameError, Keep, SortOptions};
    let df = computed(1 << 20, &Executor::sequential());
    let err = df.sort_values(&["nope"], &SortOptions::default()).unwrap_err();
    assert!(matches!(err, FrameError::UnknownColumn { ref name, .. } if name == "nope"), "{err}");
    let err = df.sort_values(&["k", "v"], &SortOptions::per_key(&[true, false, true])).unwrap_err();
    assert!(err.to_string().contains("3 directions for 2 sort keys"), "{err}");
    let err = df.fillna(&[("i", Value::Str("zero".into()))]).unwrap_err();
    assert!(err.to_string().contains("column \"i\" is int64: fillna with Str(\"zero\")"), "{err}");
    assert!(df.drop_duplicates(Some(&["k", "nope"]), Keep::First).is_err());
    // An int column filled with a float is float64, as in pandas.
    let filled = df.fillna(&[("i", Value::Float(0.5))]).unwrap();
    assert_eq!(filled.column("i").unwrap().dtype(), chunked_frame::DType::Float64);
    assert_eq!(df.tail(10_000).height(), df.height());
    assert_eq!(df.tail(0).height(), 0);
}

#[test]
fn fillna_keeps_each_column_of_its_kind_and_a_null_fill_changes_nothing() {
    use chunked_frame::DType;
    let df = computed(1 << 20, &Executor::sequential());
    // pandas' Int64 filled with an int stays Int64.
    let filled = df.fillna(&[("i", Value::Int(0))]).unwrap();
    assert_eq!(filled.column("i").unwrap().dtype(), DType::Int64);
    let lazy = groups(300).fillna(&[("i", Value::Int(0))]).unwrap();
    assert_eq!(lazy.schema().unwrap().fields[3].dtype, DType::Int64);
    assert_eq!(lazy.compute(&Executor::sequential()).unwrap(), filled);
    // A float column filled with an int gets that number as a float.
    let v = df.column("v").unwrap();
    let filled = df.fillna(&[("v", Value::Int(2))]).unwrap();
    let filled = filled.column("v").unwrap();
    assert!(
        (0..v.len()).any(|i| v.get(i) == Value::Null || matches!(v.get(i), Value::Float(x) if x.is_nan()))
    );
    for i in 0..v.len() {
        let want = match v.get(i) {
            Value::Float(x) if !x.is_nan() => Value::Float(x),
            _ => Value::Float(2.0),
        };
        assert_eq!(filled.get(i), want, "row {i}");
    }
    // Null is of every kind: filling with it leaves the column as it was.
    assert_eq!(df.fillna(&[("v", Value::Null), ("s", Value::Null), ("i", Value::Null)]).unwrap(), df);
    // A bool column's nulls take a bool, and it stays bool.
    let file = crate::TempCsv::new("fillna-bool.csv", b"b,x\nTrue,1\n,2\nFalse,3\n,4\n");
    let bools =
        read_csv(file.path(), CsvOptions::default()).unwrap().compute(&Executor::sequential()).unwrap();
    assert_eq!(bools.column("b").unwrap().dtype(), DType::Bool);
    let filled = bools.fillna(&[("b", Value::Bool(true))]).unwrap();
    let b: Vec<Value> = (0..4).map(|i| filled.column("b").unwrap().get(i)).collect();
    assert_eq!(b, [true, true, false, true].map(Value::Bool));
}

#[test]
fn tail_computes_only_the_partitions_it_needs_from_the_end() {
    let mut text = String::from("k,v\n");
    for i in 10..50 {
        text.push_str(&format!("a,{i}\n"));
    }
    let file = crate::TempCsv::new("tail-last-parts.csv", text.as_bytes());
    // Any partition holding a row before 40 fails.
    let lazy = read_csv(file.path(), CsvOptions::default().blocksize(20)).unwrap().map_partitions(
        "early rows fail",
        |f: DataFrame| {
            let v = f.column("v").ok_or("no column v")?;
            if (0..v.len()).any(|i| matches!(v.get(i), Value::Int(x) if x < 40)) {
                return Err("an early partition was computed".into());
            }
            Ok(f)
        },
        chunked_frame::Schema {
            fields: vec![
                chunked_frame::Field { name: "k".into(), dtype: chunked_frame::DType::Str },
                chunked_frame::Field { name: "v".into(), dtype: chunked_frame::DType::Int64 },
            ],
        },
    );
    assert!(lazy.partitions() > 8);
    assert!(lazy.compute(&Executor::sequential()).is_err());
    for n in [0, 1, 5] {
        let got = lazy.tail(n, &Executor::sequential()).unwrap();
        let v: Vec<Value> = (0..got.height()).map(|i| got.column("v").unwrap().get(i)).collect();
        let want: Vec<Value> = (50 - i64::try_from(n).unwrap()..50).map(Value::Int).collect();
        assert_eq!(v, want, "tail({n})");
    }
}

#[test]
fn lazy_row_operations_are_pandas_under_every_partitioning() {
    use chunked_frame::{DropHow, Keep};
    let fills = [
        ("v", Value::Float(0.5)),
        ("i", Value::Int(0)),
        ("s", Value::Str("none".into())),
        ("r", Value::Float(-1.0)),
    ];
    for blocksize in BLOCKSIZES {
        for (e, exec) in executors().iter().enumerate() {
            let context = format!("blocksize {blocksize}, executor {e}");
            let lazy = groups(blocksize);
            assert_pandas(
                &lazy.clone().dropna(None, DropHow::Any).unwrap().compute(exec).unwrap(),
                "dropna_any.csv",
                &context,
            );
            assert_pandas(
                &lazy.clone().dropna(Some(&["v", "s"]), DropHow::All).unwrap().compute(exec).unwrap(),
                "dropna_v_s_all.csv",
                &context,
            );
            assert_pandas(
                &lazy.clone().fillna(&fills).unwrap().compute(exec).unwrap(),
                "fillna.csv",
                &context,
            );
            assert_pandas(&lazy.tail(7, exec).unwrap(), "tail7.csv", &context);
            assert_pandas(&lazy.drop_duplicates(None, Keep::First, exec).unwrap(), "dedup_all.csv", &context);
            assert_pandas(
                &lazy.drop_duplicates(Some(&["k", "s"]), Keep::Last, exec).unwrap(),
                "dedup_k_s_last.csv",
                &context,
            );
            assert_pandas(
                &lazy.drop_duplicates(Some(&["k", "v"]), Keep::None, exec).unwrap(),
                "dedup_k_v_none.csv",
                &context,
            );
        }
    }
}

#[test]
fn lazy_dropna_and_fillna_read_only_the_columns_they_need() {
    let path = format!("{}/groups.csv", dir());
    let lazy = read_csv(&path, CsvOptions::default())
        .unwrap()
        .dropna(Some(&["v"]), chunked_frame::DropHow::Any)
        .unwrap()
        .fillna(&[("i", Value::Int(0))])
        .unwrap()
        .select(&["k", "i"]);
    let plan = lazy.explain().unwrap();
    assert!(plan.contains("parse [k, v, i] (3 of 7 columns)") && plan.contains("dropna [v]"), "{plan}");
    let err = groups(1 << 20).fillna(&[("s", Value::Int(0))]).unwrap_err();
    assert!(err.to_string().contains("column \"s\" is string: fillna with Int(0)"), "{err}");
    assert!(groups(1 << 20).dropna(Some(&["nope"]), chunked_frame::DropHow::Any).is_err());
}

#[test]
fn held_aggregations_from_partials_shipped_elsewhere_equal_compute() {
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    let agg = groups(41).groupby(&["k"]).agg_each(&[
        ("v", &[Agg::Median, Agg::Quantile(0.3), Agg::First, Agg::Last]),
        ("s", &[Agg::Nunique, Agg::Last]),
    ]);
    // Each partition's share as MPI ships it: through bincode.
    let parts: Vec<_> = (0..agg.partitions())
        .map(|p| {
            let part = agg.partial(p).unwrap();
            bincode::deserialize(&bincode::serialize(&part).unwrap()).unwrap()
        })
        .collect();
    assert_eq!(agg.combine(parts).unwrap(), agg.compute(&exec).unwrap());
}

#[test]
fn running_statistics_skip_nan_as_pandas_does() {
    use chunked_frame::lit;
    let (header, rows) = golden("groupby_stats.csv");
    let outputs: Vec<(String, Agg)> = header[1..]
        .iter()
        .map(|h| {
            let (c, a) = h.rsplit_once('_').unwrap();
            let agg = match a {
                "count" => Agg::Count,
                "mean" => Agg::Mean,
                "sum" => Agg::Sum,
                "min" => Agg::Min,
                "max" => Agg::Max,
                "var" => Agg::Var(1),
                _ => Agg::Std(1),
            };
            (c.to_owned(), agg)
        })
        .collect();
    let aggs: Vec<(&str, Agg)> = outputs.iter().map(|(c, a)| (c.as_str(), *a)).collect();
    for blocksize in BLOCKSIZES {
        let got = groups(blocksize)
            .with_column("r2", col("x") / (col("y") + lit(1)))
            .groupby(&["k"])
            .agg(&aggs)
            .compute(&Executor::new(Strategy::Graph, 2).unwrap())
            .unwrap();
        assert_eq!(got.names(), header);
        assert_eq!(got.height(), rows.len());
        for (i, want) in rows.iter().enumerate() {
            for (j, w) in want.iter().enumerate() {
                let g = &got.row(i)[j];
                // Sums of finite floats in another order: within 1e-12.
                let close = match (g, w.parse::<f64>()) {
                    (Value::Float(x), Ok(w)) if x.is_finite() && w.is_finite() => {
                        (x - w).abs() <= 1e-12 * w.abs().max(1.0)
                    }
                    _ => same(g, w),
                };
                assert!(close, "blocksize {blocksize}: row {i}, {}: got {g:?}, pandas {w:?}", header[j]);
            }
        }
    }
}

#[test]
fn held_aggregations_of_no_rows_are_an_empty_frame_of_their_types() {
    use chunked_frame::DType;
    let got = groups(41)
        .filter(col("x").gt(100))
        .groupby(&["k"])
        .agg_each(&[("i", &[Agg::First, Agg::Median, Agg::Nunique]), ("s", &[Agg::Last])])
        .compute(&Executor::new(Strategy::Graph, 2).unwrap())
        .unwrap();
    assert_eq!(got.height(), 0);
    assert_eq!(got.names(), ["k", "i_first", "i_median", "i_nunique", "s_last"]);
    let dtypes: Vec<DType> = got.columns().iter().map(|c| c.dtype()).collect();
    assert_eq!(dtypes, [DType::Str, DType::Int64, DType::Float64, DType::Int64, DType::Str]);
}

#[test]
fn a_quantile_at_an_order_statistic_next_to_an_infinity_is_that_statistic() {
    // pandas 2: groupby("k").v.quantile(q) of a = [1, 2, inf], b = [-inf, 3]:
    // q 0.5 gives [2.0, nan], q 0 gives [1.0, -inf], q 1 gives [inf, 3.0]
    // (between -inf and 3 the interpolation is nan; at a rank that is an
    // order statistic it is the statistic itself, whatever its neighbour).
    let file = crate::TempCsv::new("quantile_inf.csv", b"k,v\na,1\na,2\na,inf\nb,-inf\nb,3\n");
    let exec = Executor::sequential();
    for (q, want) in [(0.5, [2.0, f64::NAN]), (0.0, [1.0, f64::NEG_INFINITY]), (1.0, [f64::INFINITY, 3.0])] {
        let got = read_csv(file.path(), CsvOptions::default())
            .unwrap()
            .groupby(&["k"])
            .quantile("v", q)
            .compute(&exec)
            .unwrap();
        let values: Vec<f64> = (0..2)
            .map(|r| match got.row(r)[1] {
                Value::Float(x) => x,
                ref v => panic!("{v:?}"),
            })
            .collect();
        for (g, w) in values.iter().zip(want) {
            assert!(
                g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
                "q {q}: {values:?} vs {want:?}"
            );
        }
    }
}

#[test]
fn a_partitions_share_past_the_limit_ships_no_values() {
    // Once a share holds more values than `max_held_values` the result is
    // an error, and the values are freed: a share shipped elsewhere (as MPI
    // ships it, through bincode) carries none of them.
    let mut text = String::from("k,v\n");
    for i in 0..2000 {
        text.push_str(&format!("{},{i}.5\n", i % 2));
    }
    let file = crate::TempCsv::new("overflow_share.csv", text.as_bytes());
    let agg = read_csv(file.path(), CsvOptions::default()).unwrap().groupby(&["k"]).median("v");
    assert_eq!(agg.partitions(), 1);
    let size = |agg: &chunked_frame::Aggregation| bincode::serialize(&agg.partial(0).unwrap()).unwrap().len();
    let (kept, past) = (size(&agg), size(&agg.clone().max_held_values(100)));
    // The kept share carries its 2000 floats (16 000 bytes); the one past
    // the limit, only keys, statistics and the count that makes the error.
    assert!(kept > 16_000 && past < 1_000, "{kept} bytes kept, {past} past the limit");
    let parts = vec![
        bincode::deserialize(
            &bincode::serialize(&agg.clone().max_held_values(100).partial(0).unwrap()).unwrap(),
        )
        .unwrap(),
    ];
    assert!(matches!(
        agg.clone().max_held_values(100).combine(parts),
        Err(chunked_frame::FrameError::TooManyHeldValues { held: 2000, limit: 100 })
    ));
}
