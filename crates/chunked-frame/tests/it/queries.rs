//! Queries compared with a plain in-memory computation (the `csv` crate and
//! loops), on the repository's sample and on generated files, under every
//! executor and several partition sizes.

use std::collections::BTreeMap;

use chunked_frame::{Agg, Column, CsvOptions, DataFrame, FrameError, Value, col, flights, read_csv};
use executors::{Executor, Strategy};

use crate::{TempCsv, sample};

fn executors() -> Vec<Executor> {
    let mut out = vec![Executor::sequential()];
    for s in [Strategy::WorkQueue, Strategy::Pool, Strategy::Graph] {
        out.push(Executor::new(s, 3).unwrap());
    }
    out
}

/// (origin, delays) of every row, read independently with the csv crate.
fn reference_rows(path: &str) -> Vec<(String, Option<f64>)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let o = headers.iter().position(|h| h == "ORIGIN_AIRPORT").unwrap();
    let d = headers.iter().position(|h| h == "DEPARTURE_DELAY").unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[o].to_owned(), if r[d].is_empty() { None } else { Some(r[d].parse().unwrap()) })
        })
        .collect()
}

/// Per origin among `origins`: (count, mean, var ddof 1, min, max, size).
fn reference_stats(path: &str, origins: &[&str]) -> BTreeMap<String, (u64, f64, f64, f64, f64, u64)> {
    let mut groups: BTreeMap<String, (Vec<f64>, u64)> = BTreeMap::new();
    for (o, d) in reference_rows(path) {
        if origins.contains(&o.as_str()) {
            let g = groups.entry(o).or_default();
            g.1 += 1;
            if let Some(x) = d {
                g.0.push(x);
            }
        }
    }
    groups
        .into_iter()
        .map(|(k, (xs, size))| {
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (k, (xs.len() as u64, mean, var, min, max, size))
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1e-300)
}

fn floats(c: &Column) -> Vec<f64> {
    match c {
        Column::Float64 { values, .. } => values.clone(),
        Column::Int64 { values, .. } => values.iter().map(|&v| v as f64).collect(),
        other => panic!("not numeric: {other:?}"),
    }
}

fn strings(c: &Column) -> Vec<String> {
    (0..c.len()).map(|i| c.get(i).to_string()).collect()
}

fn check_talk_query(path: &str, blocksize: usize) {
    let origins = ["JFK", "LGA", "EWR"];
    let want = reference_stats(path, &origins);
    let query = read_csv(path, CsvOptions::default().blocksize(blocksize))
        .unwrap()
        .filter(col("ORIGIN_AIRPORT").isin(origins))
        .groupby(&["ORIGIN_AIRPORT"])
        .agg(&[
            ("DEPARTURE_DELAY", Agg::Mean),
            ("DEPARTURE_DELAY", Agg::Count),
            ("DEPARTURE_DELAY", Agg::Var(1)),
            ("DEPARTURE_DELAY", Agg::Std(1)),
            ("DEPARTURE_DELAY", Agg::Min),
            ("DEPARTURE_DELAY", Agg::Max),
            ("DEPARTURE_DELAY", Agg::Sum),
            ("", Agg::Size),
        ]);
    let mut first: Option<DataFrame> = None;
    for exec in executors() {
        let got = query.compute(&exec).unwrap();
        assert_eq!(strings(&got.columns()[0]), want.keys().cloned().collect::<Vec<_>>());
        let cols: Vec<Vec<f64>> = got.columns()[1..].iter().map(floats).collect();
        for (g, (_, &(count, mean, var, min, max, size))) in want.iter().enumerate() {
            assert!(close(cols[0][g], mean), "mean {} vs {mean}", cols[0][g]);
            assert_eq!(cols[1][g], count as f64);
            assert!(close(cols[2][g], var), "var {} vs {var}", cols[2][g]);
            assert!(close(cols[3][g], var.sqrt()));
            assert_eq!((cols[4][g], cols[5][g]), (min, max));
            assert!(close(cols[6][g], mean * count as f64));
            assert_eq!(cols[7][g], size as f64);
        }
        // The same bits under every executor.
        match &first {
            None => first = Some(got),
            Some(f) => assert_eq!(f, &got, "{exec:?}"),
        }
    }
}

#[test]
fn the_talks_query_on_the_sample_equals_an_in_memory_computation() {
    check_talk_query(&sample(), 64 << 20);
    check_talk_query(&sample(), 10_000); // many partitions
}

#[test]
fn the_talks_query_on_a_generated_file_equals_an_in_memory_computation() {
    let mut bytes = Vec::new();
    flights::write_synthetic(&mut bytes, 30_000, 11).unwrap();
    let file = TempCsv::new("generated.csv", &bytes);
    for blocksize in [1 << 20, 77_777, 4096] {
        check_talk_query(file.path(), blocksize);
    }
}

#[test]
fn results_do_not_depend_on_the_partitioning() {
    let frame = |b| read_csv(&sample(), CsvOptions::default().blocksize(b)).unwrap();
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    let whole = frame(64 << 20).compute(&exec).unwrap();
    assert_eq!(whole.height(), 2000);
    for b in [1000, 3333, 100_000] {
        assert_eq!(frame(b).compute(&exec).unwrap(), whole, "blocksize {b}");
        assert_eq!(frame(b).len(&exec).unwrap(), 2000);
    }
}

#[test]
fn filters_select_and_derived_columns() {
    let csv = "a,b,name\n1,2.5,x\n2,,y\n3,4.0,\n4,1.0,x\n";
    let file = TempCsv::new("ops.csv", csv.as_bytes());
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    let f = || read_csv(file.path(), CsvOptions::default().blocksize(8)).unwrap();
    let got = f()
        .filter(col("a").gt(1).and(col("b").is_null().not()))
        .select(&["name", "a"])
        .compute(&exec)
        .unwrap();
    assert_eq!(got.names(), ["name", "a"]);
    assert_eq!(got.row(0), [Value::Null, Value::Int(3)]);
    assert_eq!(got.row(1), [Value::Str("x".into()), Value::Int(4)]);
    let got = f().with_column("c", col("a") * col("b") + chunked_frame::lit(1.0)).compute(&exec).unwrap();
    assert_eq!(floats(got.column("c").unwrap())[0], 3.5);
    assert!(got.column("c").unwrap().is_null(1));
    let got = f().filter(col("a").between(2, 3).or(col("name").eq("x"))).len(&exec).unwrap();
    assert_eq!(got, 4);
    assert_eq!(f().filter(col("name").ne("x")).len(&exec).unwrap(), 2, "y and null, as in pandas");
    assert_eq!(f().filter(col("b").le(2.5)).len(&exec).unwrap(), 2);
    assert_eq!(f().filter(col("name").is_null()).len(&exec).unwrap(), 1);
    let head = f().head(3, &exec).unwrap();
    assert_eq!(head.height(), 3);
    assert_eq!(head.row(2)[0], Value::Int(3));
}

#[test]
fn group_by_several_keys_and_int_keys() {
    let csv = "k1,k2,v\na,1,1\nb,1,2\na,2,3\na,1,5\nb,,7\n";
    let file = TempCsv::new("keys.csv", csv.as_bytes());
    let exec = Executor::new(Strategy::WorkQueue, 2).unwrap();
    let got = read_csv(file.path(), CsvOptions::default().blocksize(6))
        .unwrap()
        .groupby(&["k1", "k2"])
        .sum("v")
        .compute(&exec)
        .unwrap();
    // The row with a null key is left out, as pandas does; sums of an int
    // column are ints.
    let rows: Vec<Vec<Value>> = (0..got.height()).map(|i| got.row(i)).collect();
    assert_eq!(
        rows,
        [
            vec![Value::Str("a".into()), Value::Int(1), Value::Int(6)],
            vec![Value::Str("a".into()), Value::Int(2), Value::Int(3)],
            vec![Value::Str("b".into()), Value::Int(1), Value::Int(2)],
        ]
    );
}

#[test]
fn explain_shows_projection_pushdown() {
    let plan = read_csv(&sample(), CsvOptions::default())
        .unwrap()
        .filter(col("ORIGIN_AIRPORT").isin(["JFK", "LGA", "EWR"]))
        .groupby(&["ORIGIN_AIRPORT"])
        .mean("DEPARTURE_DELAY")
        .explain()
        .unwrap();
    let lines: Vec<&str> = plan.lines().collect();
    assert!(lines[0].starts_with("GroupBy [ORIGIN_AIRPORT] agg [mean:DEPARTURE_DELAY_mean]"), "{plan}");
    assert!(
        lines[1].trim_start().starts_with("Filter ORIGIN_AIRPORT.isin([\"JFK\", \"LGA\", \"EWR\"])"),
        "{plan}"
    );
    assert!(lines[2].contains("parse [ORIGIN_AIRPORT, DEPARTURE_DELAY] (2 of 31 columns)"), "{plan}");
}

#[test]
fn the_graph_has_a_task_per_partition_and_a_merge_tree() {
    let dot = read_csv(&sample(), CsvOptions::default().blocksize(50_000))
        .unwrap()
        .groupby(&["ORIGIN_AIRPORT"])
        .mean("DEPARTURE_DELAY")
        .to_dot(executors::RankDir::LeftRight)
        .unwrap();
    let parts = dot.matches("label=\"read-filter-partial\"").count();
    assert!(parts >= 5, "{dot}");
    assert_eq!(dot.matches("label=\"merge\"").count(), parts - 1);
    assert_eq!(dot.matches("label=\"finish\"").count(), 1);
}

#[test]
fn partials_combined_equal_the_computed_result_bit_for_bit() {
    let query = read_csv(&sample(), CsvOptions::default().blocksize(30_000))
        .unwrap()
        .groupby(&["ORIGIN_AIRPORT"])
        .agg(&[("DEPARTURE_DELAY", Agg::Mean), ("DEPARTURE_DELAY", Agg::Std(1))]);
    assert!(query.partitions() > 3);
    let parts = (0..query.partitions()).map(|p| query.partial(p).unwrap()).collect();
    let combined = query.combine(parts).unwrap();
    let computed = query.compute(&Executor::new(Strategy::Graph, 2).unwrap()).unwrap();
    assert_eq!(combined, computed);
}

#[test]
fn a_group_of_exactly_ddof_values_has_a_null_variance_not_nan() {
    // pandas: NaN, its missing value; here null, so that it is skipped
    // and shown as missing, unlike the NaN of a computation.
    let file = TempCsv::new("ddof.csv", b"k,v\na,1\nb,2\nb,4\nc,5\nc,6\nc,10\n");
    let exec = Executor::sequential();
    for blocksize in [1 << 20, 5] {
        let got = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .groupby(&["k"])
            .agg(&[("v", Agg::Var(1)), ("v", Agg::Std(1)), ("v", Agg::Var(2)), ("v", Agg::Var(0))])
            .compute(&exec)
            .unwrap();
        let column = |name: &str| -> Vec<Value> {
            let c = got.column(name).unwrap();
            (0..c.len()).map(|i| c.get(i)).collect()
        };
        // var ddof 1: a has one value (null); b 2; c 7.
        assert_eq!(column("v_var")[..1], [Value::Null]);
        let var = got.columns()[1].clone();
        assert!(var.is_null(0) && !var.is_null(1) && !var.is_null(2), "blocksize {blocksize}");
        assert_eq!((var.get(1), var.get(2)), (Value::Float(2.0), Value::Float(7.0)));
        assert!(got.columns()[2].is_null(0), "std of one value");
        // ddof 2: a and b (two values) are null, c is 14; ddof 0: a is 0.
        let var2 = &got.columns()[3];
        assert!(var2.is_null(0) && var2.is_null(1), "blocksize {blocksize}");
        assert_eq!(var2.get(2), Value::Float(14.0));
        assert_eq!(got.columns()[4].get(0), Value::Float(0.0));
        // Each by its own name: pandas' default ddof 1 is plain `var`.
        assert_eq!(got.names()[1..], ["v_var", "v_std", "v_var_ddof2", "v_var_ddof0"].map(String::from));
        assert_eq!(column("v_var_ddof2")[2], Value::Float(14.0));
        assert_eq!(column("v_var_ddof0")[0], Value::Float(0.0));
    }
}

#[test]
fn an_aggregation_asked_twice_is_refused_rather_than_named_twice() {
    // pandas: "Function names must be unique"; two columns of one name
    // would make `column(name)` find only the first.
    let file = TempCsv::new(
        "twice.csv",
        b"k,v,size
a,1,2
b,2,3
",
    );
    let frame = read_csv(file.path(), CsvOptions::default()).unwrap();
    let exec = Executor::sequential();
    for aggs in [
        vec![("v", Agg::Mean), ("v", Agg::Mean)],
        vec![("v", Agg::Var(0)), ("v", Agg::Var(0))],
        vec![("v", Agg::Size), ("size", Agg::Size)],
    ] {
        let err = frame.clone().groupby(&["k"]).agg(&aggs).compute(&exec).unwrap_err();
        assert!(matches!(err, FrameError::DuplicateOutput { .. }), "{aggs:?}: {err}");
    }
    // An output named as a key.
    let err = frame.clone().groupby(&["size"]).agg(&[("v", Agg::Size)]).compute(&exec).unwrap_err();
    assert!(matches!(&err, FrameError::DuplicateOutput { name } if name == "size"), "{err}");
    // The same column's variance of two ddofs is two columns.
    let got = frame.groupby(&["k"]).agg(&[("v", Agg::Var(0)), ("v", Agg::Var(1))]).compute(&exec).unwrap();
    assert_eq!(got.names(), ["k", "v_var_ddof0", "v_var"].map(String::from));
}

#[test]
fn a_group_by_over_several_value_columns_keeps_each_columns_statistics_apart() {
    // Two int and two float value columns, three groups: every group's
    // statistics of each column are its own, whatever the partitions.
    let csv = "k,a,b,x,y\np,1,10,0.5,100.5\nq,2,20,1.5,200.5\np,3,30,2.5,300.5\nr,4,40,3.5,400.5\nq,5,50,4.5,500.5\n";
    let file = TempCsv::new("columns.csv", csv.as_bytes());
    let aggs = [
        ("a", Agg::Sum),
        ("b", Agg::Sum),
        ("x", Agg::Mean),
        ("y", Agg::Mean),
        ("b", Agg::Min),
        ("y", Agg::Max),
        ("a", Agg::Var(1)),
        ("y", Agg::Var(1)),
    ];
    let (i, f, s) = (Value::Int, Value::Float, |k: &str| Value::Str(k.into()));
    // The variance of r's single value (ddof 1) is null.
    let want = [
        vec![s("p"), i(4), i(40), f(1.5), f(200.5), i(10), f(300.5), f(2.0), f(20000.0)],
        vec![s("q"), i(7), i(70), f(3.0), f(350.5), i(20), f(500.5), f(4.5), f(45000.0)],
        vec![s("r"), i(4), i(40), f(3.5), f(400.5), i(40), f(400.5), Value::Null, Value::Null],
    ];
    for exec in executors() {
        for blocksize in [1 << 20, 24] {
            let got = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
                .unwrap()
                .groupby(&["k"])
                .agg(&aggs)
                .compute(&exec)
                .unwrap();
            let rows: Vec<Vec<Value>> = (0..got.height()).map(|r| got.row(r)).collect();
            assert_eq!(rows, want, "blocksize {blocksize}");
        }
    }
}

#[test]
fn a_column_float_in_one_partition_and_int_in_later_ones_sums_as_float() {
    // The sample (500 bytes) sees ints; a float in the middle of the file
    // makes its partition's column float64, and the int partials after it
    // are widened when they are merged into it.
    let mut text = String::from("k,v\n");
    for i in 0..3000 {
        if i == 1500 {
            text.push_str("1,5.5\n");
        }
        text.push_str(&format!("{},{i}\n", i % 3));
    }
    let file = TempCsv::new("widen_middle.csv", text.as_bytes());
    let want = (0..3000).filter(|i| i % 3 == 1).sum::<i64>() as f64 + 5.5;
    for exec in executors() {
        for blocksize in [4096, 700] {
            let options = CsvOptions { sample_bytes: 500, ..CsvOptions::default() }.blocksize(blocksize);
            let got =
                read_csv(file.path(), options).unwrap().groupby(&["k"]).sum("v").compute(&exec).unwrap();
            assert_eq!(got.row(1), [Value::Int(1), Value::Float(want)], "blocksize {blocksize}");
        }
    }
}

#[test]
fn the_variance_of_values_far_from_zero_is_computed_from_deviations() {
    // 1e15 + 1..4: the deviations from the mean are exact, the squares of
    // the values are not (Σx² - nμ² would lose the answer).
    let file = TempCsv::new(
        "offset.csv",
        b"k,v\na,1000000000000001\na,1000000000000002\na,1000000000000003\na,1000000000000004\n",
    );
    let got = read_csv(file.path(), CsvOptions::default())
        .unwrap()
        .groupby(&["k"])
        .agg(&[("v", Agg::Var(1))])
        .compute(&Executor::sequential())
        .unwrap();
    assert_eq!(got.row(0)[1], Value::Float(5.0 / 3.0));
}

#[test]
fn a_key_float_in_one_partition_and_int_in_later_ones_groups_as_float() {
    // The sample (500 bytes) sees int keys; a key written `1.0` in the
    // middle of the file makes its partition's key column float64, and the
    // int keys of the partitions after it join the same float groups, as
    // in pandas (keys 0.0, 1.0, 2.0).
    let mut text = String::from("k,v\n");
    for i in 0..3000 {
        if i == 1500 {
            text.push_str("1.0,5\n");
        }
        text.push_str(&format!("{},{i}\n", i % 3));
    }
    let file = TempCsv::new("widen_key_middle.csv", text.as_bytes());
    let sum = |r: i64| (0..3000).filter(|i| i % 3 == r).sum::<i64>();
    let want = [
        vec![Value::Float(0.0), Value::Int(sum(0)), Value::Int(1000)],
        vec![Value::Float(1.0), Value::Int(sum(1) + 5), Value::Int(1001)],
        vec![Value::Float(2.0), Value::Int(sum(2)), Value::Int(1000)],
    ];
    for exec in executors() {
        for blocksize in [4096, 700] {
            let options = CsvOptions { sample_bytes: 500, ..CsvOptions::default() }.blocksize(blocksize);
            let got = read_csv(file.path(), options)
                .unwrap()
                .groupby(&["k"])
                .agg(&[("v", Agg::Sum), ("v", Agg::Size)])
                .compute(&exec)
                .unwrap();
            let rows: Vec<Vec<Value>> = (0..got.height()).map(|r| got.row(r)).collect();
            assert_eq!(rows, want, "blocksize {blocksize}");
        }
    }
}

#[test]
fn several_value_columns_keep_their_own_statistics_and_held_values_when_one_widens() {
    // Column `a` is int in the 500-byte sample and float64 from the
    // partition holding `2.5` on (which also holds a `4`, a value the int
    // partitions before it have too); `b` stays int and has nulls; `x` is
    // float throughout. Every group's counts, sums, medians, first, last
    // and distinct values differ between the columns, and the int partials
    // widened at a merge must keep each column's own, in its own type.
    let mut text = String::from("k,a,b,x\n");
    let mut rows: Vec<(i64, f64, Option<i64>, f64)> = Vec::new();
    for i in 0..3000i64 {
        if i == 1500 {
            text.push_str("1,2.5,,0.5\n1,4,,0.5\n");
            rows.extend([(1, 2.5, None, 0.5), (1, 4.0, None, 0.5)]);
        }
        let b = (i % 4 != 0).then_some(i * 10);
        let x = i as f64 / 4.0 + 0.25;
        text.push_str(&format!("{},{i},{},{x:?}\n", i % 3, b.map_or(String::new(), |b| b.to_string())));
        rows.push((i % 3, i as f64, b, x));
    }
    let file = TempCsv::new("widen_columns.csv", text.as_bytes());
    let median = |mut xs: Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
    };
    let distinct =
        |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<std::collections::HashSet<_>>().len() as f64;
    let want: Vec<Vec<f64>> = (0..3)
        .map(|k| {
            let a: Vec<f64> = rows.iter().filter(|r| r.0 == k).map(|r| r.1).collect();
            let b: Vec<f64> =
                rows.iter().filter(|r| r.0 == k).filter_map(|r| r.2).map(|b| b as f64).collect();
            let x: Vec<f64> = rows.iter().filter(|r| r.0 == k).map(|r| r.3).collect();
            let (na, nb) = (a.len() as f64, b.len() as f64);
            let mean_b = b.iter().sum::<f64>() / nb;
            let var_b = b.iter().map(|x| (x - mean_b).powi(2)).sum::<f64>() / (nb - 1.0);
            vec![
                na,
                nb,
                a.iter().sum(),
                b.iter().sum(),
                x.iter().sum(),
                median(a.clone()),
                median(b.clone()),
                a.iter().sum::<f64>() / na,
                var_b,
                a[0],
                a[a.len() - 1],
                distinct(&a),
                b[0],
                b[b.len() - 1],
                distinct(&b),
            ]
        })
        .collect();
    let aggs = [
        ("a", Agg::Count),
        ("b", Agg::Count),
        ("a", Agg::Sum),
        ("b", Agg::Sum),
        ("x", Agg::Sum),
        ("a", Agg::Median),
        ("b", Agg::Median),
        ("a", Agg::Mean),
        ("b", Agg::Var(1)),
        ("a", Agg::First),
        ("a", Agg::Last),
        ("a", Agg::Nunique),
        ("b", Agg::First),
        ("b", Agg::Last),
        ("b", Agg::Nunique),
    ];
    for exec in executors() {
        for blocksize in [4096, 700] {
            let options = CsvOptions { sample_bytes: 500, ..CsvOptions::default() }.blocksize(blocksize);
            let got =
                read_csv(file.path(), options).unwrap().groupby(&["k"]).agg(&aggs).compute(&exec).unwrap();
            assert_eq!(floats(&got.columns()[0]), [0.0, 1.0, 2.0]);
            // The sums, first and last of `a` are float64 (it widened); of `b`, int64.
            for (j, float) in [(3, true), (4, false), (10, true), (11, true), (13, false), (14, false)] {
                assert_eq!(
                    matches!(got.columns()[j], Column::Float64 { .. }),
                    float,
                    "{}, blocksize {blocksize}",
                    got.names()[j]
                );
            }
            for (j, name) in got.names().iter().enumerate().skip(1) {
                let values = floats(&got.columns()[j]);
                for (k, want) in want.iter().enumerate() {
                    assert!(
                        close(values[k], want[j - 1]),
                        "{name} of group {k}, blocksize {blocksize}: {} vs {}",
                        values[k],
                        want[j - 1]
                    );
                }
            }
        }
    }
}

#[test]
fn held_values_past_the_limit_stay_an_error_when_the_partial_that_passed_it_widens() {
    // The first partition (int, 285 or so values) passes the limit of 100
    // held values; the second (25 values, floats among them) does not. The
    // first is widened to float at the merge, and its overflow must stay.
    let mut text = String::from("k,a\n");
    for i in 0..300 {
        text.push_str(&format!("0,{}\n", 1000 + i));
    }
    for i in 0..10 {
        text.push_str(&format!("0,{i}.5\n"));
    }
    let file = TempCsv::new("widen_overflow.csv", text.as_bytes());
    let options = CsvOptions { sample_bytes: 500, ..CsvOptions::default() }.blocksize(2000);
    let agg = read_csv(file.path(), options).unwrap().groupby(&["k"]).median("a");
    assert_eq!(agg.partitions(), 2);
    for exec in executors() {
        let err = agg.clone().max_held_values(100).compute(&exec).unwrap_err();
        assert!(
            matches!(err, chunked_frame::FrameError::TooManyHeldValues { held, limit: 100 } if held > 250),
            "{err}"
        );
        assert!(agg.clone().max_held_values(310).compute(&exec).is_ok());
    }
}
