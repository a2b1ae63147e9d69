//! Broadcast joins against pandas' `merge` (goldens of
//! `tests/pandas/golden.py` and, for bool, float and int keys,
//! `tests/pandas/joins_typed.py`), under every partitioning and executor,
//! and their errors.

use chunked_frame::{CsvOptions, DataFrame, FrameError, JoinOptions, JoinType, LazyFrame, read_csv};
use executors::Executor;

use crate::analyses::{BLOCKSIZES, assert_pandas, dir, executors};

fn left(blocksize: usize) -> LazyFrame {
    read_csv(&format!("{}/left.csv", dir()), CsvOptions::default().blocksize(blocksize)).unwrap()
}

fn right() -> DataFrame {
    read_csv(&format!("{}/right.csv", dir()), CsvOptions::default())
        .unwrap()
        .compute(&Executor::sequential())
        .unwrap()
}

/// The right table with only these columns, renamed.
fn columns(frame: &DataFrame, names: &[(&str, &str)]) -> DataFrame {
    DataFrame::new(
        names.iter().map(|(_, to)| (*to).to_owned()).collect(),
        names.iter().map(|(from, _)| frame.column(from).unwrap().clone()).collect(),
    )
    .unwrap()
}

fn check(right: &DataFrame, options: JoinOptions, golden: &str) {
    for blocksize in BLOCKSIZES {
        for (e, exec) in executors().iter().enumerate() {
            let got = left(blocksize).merge(right, options.clone()).unwrap().compute(exec).unwrap();
            assert_pandas(&got, golden, &format!("blocksize {blocksize}, executor {e}"));
        }
    }
}

#[test]
fn a_join_on_one_string_key_is_pandas_merge_inner_and_left() {
    let names = columns(&right(), &[("IATA_CODE", "IATA_CODE"), ("name", "name")]);
    let on = JoinOptions::left_right(&["code"], &["IATA_CODE"]);
    check(&names, on.clone().how(JoinType::Left), "join_left_code.csv");
    check(&names, on, "join_inner_code.csv");
}

#[test]
fn a_join_on_two_keys_with_repeated_right_keys_is_pandas_merge() {
    let r = columns(&right(), &[("IATA_CODE", "code"), ("n", "n"), ("name", "name"), ("rank", "rank")]);
    check(&r, JoinOptions::on(&["code", "n"]).how(JoinType::Left), "join_left_code_n.csv");
    check(&r, JoinOptions::on(&["code", "n"]), "join_inner_code_n.csv");
}

#[test]
fn a_join_reads_only_the_columns_the_query_needs_and_groups_by_a_joined_column() {
    let names = columns(&right(), &[("IATA_CODE", "IATA_CODE"), ("name", "airline")]);
    let joined = left(41)
        .merge(&names, JoinOptions::left_right(&["code"], &["IATA_CODE"]).how(JoinType::Left))
        .unwrap();
    let agg = joined.groupby(&["airline"]).mean("delay");
    let plan = agg.explain().unwrap();
    assert!(plan.contains("parse [code, delay] (2 of 4 columns)"), "{plan}");
    assert!(plan.contains("BroadcastJoin Left on [code] = [IATA_CODE]"), "{plan}");
    let got = agg.compute(&Executor::sequential()).unwrap();
    // Every airline with a flight of a known code: three are in left.csv's codes.
    let airlines: Vec<String> = (0..got.height()).map(|i| got.row(i)[0].to_string()).collect();
    assert_eq!(
        airlines,
        [
            "American Airlines Inc.",
            "American Airlines Inc. (2)",
            "Delta Air Lines Inc.",
            "Nobody",
            "Southwest Airlines Co.",
            "United Air Lines Inc.",
            "United Air Lines Inc. (3)"
        ]
    );
}

#[test]
fn a_right_side_past_its_limit_and_keys_that_cannot_match_are_typed_errors() {
    let r = right();
    let err = left(1 << 20)
        .merge(&r, JoinOptions::left_right(&["code"], &["IATA_CODE"]).max_right_rows(7))
        .unwrap_err();
    assert!(matches!(err, FrameError::JoinTooLarge { rows: 8, limit: 7 }), "{err}");
    assert!(err.to_string().contains("only a small table"), "{err}");
    assert!(
        left(1 << 20).merge(&r, JoinOptions::left_right(&["code"], &["IATA_CODE"]).max_right_rows(8)).is_ok()
    );
    let err = left(1 << 20).merge(&r, JoinOptions::left_right(&["code"], &["rank"])).unwrap_err();
    assert!(
        matches!(err, FrameError::JoinKeyTypes { ref left, ref right, .. } if left == "code" && right == "rank"),
        "{err}"
    );
    let err = left(1 << 20).merge(&r, JoinOptions::left_right(&["code"], &["nope"])).unwrap_err();
    assert!(matches!(err, FrameError::UnknownColumn { ref name, .. } if name == "nope"), "{err}");
    let err = left(1 << 20).merge(&r, JoinOptions::left_right(&["code", "n"], &["IATA_CODE"])).unwrap_err();
    assert!(err.to_string().contains("2 left keys for 1 right keys"), "{err}");
}

#[test]
fn int_and_float_keys_of_equal_value_match() {
    let file = crate::TempCsv::new("join-num.csv", b"k,v\n1,a\n2,b\n3,c\n,d\n");
    let small = crate::TempCsv::new("join-num-small.csv", b"k,w\n1.0,x\n2.5,y\n3,z\n");
    let small =
        read_csv(small.path(), CsvOptions::default()).unwrap().compute(&Executor::sequential()).unwrap();
    let got = read_csv(file.path(), CsvOptions::default().blocksize(5))
        .unwrap()
        .merge(&small, JoinOptions::on(&["k"]))
        .unwrap()
        .compute(&Executor::sequential())
        .unwrap();
    // An int64 key 1 meets the float64 key 1.0; 2 meets nothing.
    let w: Vec<String> = (0..got.height()).map(|i| got.row(i)[2].to_string()).collect();
    assert_eq!(w, ["x", "z"]);
}

#[test]
fn generated_flights_join_the_generated_airlines_and_airports() {
    use chunked_frame::{Value, col, flights};
    let (mut f, mut a, mut p) = (Vec::new(), Vec::new(), Vec::new());
    flights::write_synthetic(&mut f, 3000, 7).unwrap();
    flights::write_airlines(&mut a).unwrap();
    flights::write_airports(&mut p).unwrap();
    let (f, a, p) = (
        crate::TempCsv::new("gen-flights.csv", &f),
        crate::TempCsv::new("gen-airlines.csv", &a),
        crate::TempCsv::new("gen-airports.csv", &p),
    );
    let exec = Executor::sequential();
    let airlines = read_csv(a.path(), CsvOptions::default()).unwrap().compute(&exec).unwrap();
    let airports = read_csv(p.path(), CsvOptions::default()).unwrap().compute(&exec).unwrap();
    assert_eq!(airlines.names(), ["IATA_CODE", "AIRLINE"]);
    assert_eq!(
        airports.names(),
        ["IATA_CODE", "AIRPORT", "CITY", "STATE", "COUNTRY", "LATITUDE", "LONGITUDE"]
    );
    assert_eq!((airlines.height(), airports.height()), (14, 322));
    let flights = read_csv(f.path(), CsvOptions::default().blocksize(20_000)).unwrap();
    // Every flight has a named airline: the left join adds no null.
    let named = flights
        .clone()
        .merge(&airlines, JoinOptions::left_right(&["AIRLINE"], &["IATA_CODE"]).how(JoinType::Left))
        .unwrap();
    assert_eq!(named.clone().filter(col("AIRLINE_y").is_null()).len(&exec).unwrap(), 0);
    assert_eq!(named.len(&exec).unwrap(), 3000);
    // Origins get a state, but October's numeric airport ids match nothing,
    // as in the real data.
    let states = flights
        .clone()
        .merge(
            &airports.clone(),
            JoinOptions::left_right(&["ORIGIN_AIRPORT"], &["IATA_CODE"]).how(JoinType::Left),
        )
        .unwrap();
    let october = flights.clone().filter(col("MONTH").eq(10)).len(&exec).unwrap();
    assert!(october > 0);
    assert_eq!(states.clone().filter(col("STATE").is_null()).len(&exec).unwrap(), october);
    let jfk = states.filter(col("ORIGIN_AIRPORT").eq("JFK")).head(1, &exec).unwrap();
    assert_eq!(jfk.column("STATE").unwrap().get(0), Value::Str("NY".into()));
}

/// `typed_left.csv`: bool, float and int keys with nulls on every side.
fn typed_left(blocksize: usize) -> LazyFrame {
    read_csv(&format!("{}/typed_left.csv", dir()), CsvOptions::default().blocksize(blocksize)).unwrap()
}

fn check_typed(options: JoinOptions, golden: &str) {
    let right = read_csv(&format!("{}/typed_right.csv", dir()), CsvOptions::default())
        .unwrap()
        .compute(&Executor::sequential())
        .unwrap();
    for blocksize in BLOCKSIZES {
        for (e, exec) in executors().iter().enumerate() {
            let got = typed_left(blocksize).merge(&right, options.clone()).unwrap().compute(exec).unwrap();
            assert_pandas(&got, golden, &format!("blocksize {blocksize}, executor {e}"));
        }
    }
}

#[test]
fn joins_on_bool_float_and_int_keys_with_nulls_are_pandas_merge() {
    // Null keys match null keys (NaN and an empty float alike), -0.0
    // matches 0.0 and 1 matches 1.0; a left join's misses are null in the
    // right's int, float and bool columns, which have no null of their own.
    check_typed(JoinOptions::on(&["b"]).how(JoinType::Left), "typed_left_b.csv");
    check_typed(JoinOptions::on(&["f"]).how(JoinType::Left), "typed_left_f.csv");
    check_typed(JoinOptions::on(&["i"]).how(JoinType::Left), "typed_left_i.csv");
    check_typed(JoinOptions::on(&["b", "i"]).how(JoinType::Left), "typed_left_b_i.csv");
    check_typed(JoinOptions::on(&["f", "b"]), "typed_inner_f_b.csv");
    // Names on both sides take the suffixes asked for.
    check_typed(JoinOptions::on(&["f"]).suffixes("_l", "_r"), "typed_inner_f.csv");
}

#[test]
fn a_null_key_is_null_whatever_value_a_partition_function_left_under_it() {
    use chunked_frame::{Column, DType, Field, Schema, Value};
    // A user's function may leave any number under a null; validity decides.
    let file = crate::TempCsv::new("join-null-under.csv", b"k,v\n2.5,1\n,2\n2.5,3\n,4\n");
    let placeholders = |f: DataFrame| -> Result<DataFrame, chunked_frame::MapError> {
        let k = f.column("k").ok_or("no column k")?;
        let valid: Vec<bool> = (0..k.len()).map(|i| !k.is_null(i)).collect();
        let values = vec![2.5; k.len()];
        Ok(DataFrame::new(vec!["k".into()], vec![Column::Float64 { values, valid }])?)
    };
    let schema = Schema { fields: vec![Field { name: "k".into(), dtype: DType::Float64 }] };
    let right = DataFrame::new(
        vec!["k".into(), "w".into()],
        vec![
            Column::Float64 { values: vec![f64::NAN, 2.5], valid: vec![false, true] },
            Column::Str { dict: vec!["null".into(), "x".into()], codes: vec![0, 1] },
        ],
    )
    .unwrap();
    for blocksize in [1 << 20, 7] {
        let got = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .map_partitions("placeholders", placeholders, schema.clone())
            .merge(&right, JoinOptions::on(&["k"]))
            .unwrap()
            .compute(&Executor::sequential())
            .unwrap();
        let w: Vec<Value> = (0..got.height()).map(|i| got.column("w").unwrap().get(i)).collect();
        let want = ["x", "null", "x", "null"].map(|s| Value::Str(s.into()));
        assert_eq!(w, want, "blocksize {blocksize}");
    }
}
