//! map_partitions: results, the declared schema, errors naming the partition.

use chunked_frame::{Column, CsvOptions, DType, DataFrame, Field, FrameError, Schema, Value, col, read_csv};
use executors::{Executor, Strategy};

use crate::TempCsv;

fn schema(fields: &[(&str, DType)]) -> Schema {
    Schema { fields: fields.iter().map(|(n, t)| Field { name: (*n).to_owned(), dtype: *t }).collect() }
}

/// 20 rows: k in a, b; v = 0..20.
fn file(name: &str) -> TempCsv {
    let mut text = String::from("k,v,w\n");
    for i in 0..20 {
        text.push_str(&format!("{},{i},x\n", if i % 2 == 0 { "a" } else { "b" }));
    }
    TempCsv::new(name, text.as_bytes())
}

/// Doubles `v` into `v2`, keeping `k`.
fn doubled(f: DataFrame) -> Result<DataFrame, chunked_frame::MapError> {
    let v = f.column("v").ok_or("no column v")?;
    let values: Vec<i64> =
        (0..v.len()).map(|i| if let Value::Int(x) = v.get(i) { 2 * x } else { 0 }).collect();
    Ok(DataFrame::new(
        vec!["k".into(), "v2".into()],
        vec![f.column("k").unwrap().clone(), Column::Int64 { values, valid: vec![] }],
    )?)
}

#[test]
fn map_partitions_applies_the_function_to_every_partition_and_the_plan_goes_on() {
    let f = file("map-ok.csv");
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    for blocksize in [1 << 20, 30, 9] {
        let frame = read_csv(f.path(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .filter(col("v").lt(10))
            .map_partitions("double", doubled, schema(&[("k", DType::Str), ("v2", DType::Int64)]));
        assert_eq!(frame.schema().unwrap().names(), ["k", "v2"]);
        let sums = frame.groupby(&["k"]).sum("v2").compute(&exec).unwrap();
        // a: 2 (0+2+4+6+8) = 40; b: 2 (1+3+5+7+9) = 50.
        assert_eq!(sums.row(0)[1], Value::Int(40), "blocksize {blocksize}");
        assert_eq!(sums.row(1)[1], Value::Int(50), "blocksize {blocksize}");
    }
}

#[test]
fn a_failing_function_names_the_call_and_the_first_failing_partition() {
    let f = file("map-fail.csv");
    let frame = read_csv(f.path(), CsvOptions::default().blocksize(30)).unwrap();
    assert!(frame.partitions() > 3);
    let failing = frame.map_partitions(
        "picky",
        |f: DataFrame| {
            let v = f.column("v").unwrap();
            if (0..v.len()).any(|i| v.get(i) == Value::Int(13)) {
                return Err("13 is unlucky".into());
            }
            Ok(f)
        },
        schema(&[("k", DType::Str), ("v", DType::Int64), ("w", DType::Str)]),
    );
    for exec in [Executor::sequential(), Executor::new(Strategy::Pool, 3).unwrap()] {
        let err = failing.compute(&exec).unwrap_err();
        let FrameError::MapPartitions { ref name, partition, ref location, ref message } = err else {
            panic!("{err}")
        };
        assert_eq!((name.as_str(), message.as_str()), ("picky", "13 is unlucky"));
        assert!(partition > 0 && location.contains("map-fail.csv, bytes "), "{err}");
        assert!(err.to_string().contains(&format!("partition {partition} (")), "{err}");
    }
}

#[test]
fn a_frame_unlike_the_declared_schema_is_an_error_naming_both() {
    let f = file("map-schema.csv");
    let frame = read_csv(f.path(), CsvOptions::default()).unwrap();
    let wrong = frame.map_partitions("double", doubled, schema(&[("k", DType::Str), ("v3", DType::Int64)]));
    let err = wrong.compute(&Executor::sequential()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("map_partitions \"double\" failed on partition 0")
            && text.contains(
                "returned columns [k: string, v2: int64] where the declared schema is [k: string, v3: int64]"
            ),
        "{text}"
    );
    // int64 may stand for float64 (a partition may widen a column).
    let widened = read_csv(f.path(), CsvOptions::default()).unwrap().map_partitions(
        "double",
        doubled,
        schema(&[("k", DType::Str), ("v2", DType::Float64)]),
    );
    assert_eq!(widened.compute(&Executor::sequential()).unwrap().height(), 20);
    // ... but a number may not stand for a string, nor a string for a
    // number.
    for declared in [DType::Str, DType::Bool] {
        let typed = read_csv(f.path(), CsvOptions::default()).unwrap().map_partitions(
            "double",
            doubled,
            schema(&[("k", DType::Str), ("v2", declared)]),
        );
        let err = typed.compute(&Executor::sequential()).unwrap_err();
        assert!(err.to_string().contains("returned columns [k: string, v2: int64]"), "{declared}: {err}");
    }
    let numbered = read_csv(f.path(), CsvOptions::default()).unwrap().map_partitions(
        "double",
        doubled,
        schema(&[("k", DType::Int64), ("v2", DType::Int64)]),
    );
    assert!(numbered.compute(&Executor::sequential()).is_err());
}
