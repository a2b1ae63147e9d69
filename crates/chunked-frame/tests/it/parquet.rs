//! Parquet: written frames read back equal, row groups are partitions,
//! only the columns a query uses are decoded, and a query over a CSV file
//! and over the same data as Parquet agree.

use chunked_frame::{
    Column, CsvOptions, DType, DataFrame, Field, FrameError, ParquetOptions, ParquetWriter, Schema, Value,
    col, read_csv, read_parquet,
};
use executors::{Executor, Strategy};

use crate::TempCsv;

fn frame(offset: i64, rows: usize) -> DataFrame {
    let n = i64::try_from(rows).unwrap();
    let ints = Column::Int64 { values: (offset..offset + n).collect(), valid: vec![] };
    let floats = Column::Float64 {
        values: (0..rows).map(|i| if i % 4 == 1 { f64::NAN } else { i as f64 / 8.0 - 3.0 }).collect(),
        valid: (0..rows).map(|i| i % 4 != 1).collect(),
    };
    let bools = Column::Bool {
        values: (0..rows).map(|i| i % 3 == 0).collect(),
        valid: (0..rows).map(|i| i % 5 != 2).collect(),
    };
    let strings = Column::Str {
        dict: vec!["JFK".into(), "a, \"b\"\nc".into(), String::new(), "NA".into(), "Zürich".into()],
        codes: (0..rows)
            .map(|i| if i % 7 == 6 { chunked_frame::NULL_CODE } else { (i % 5) as u32 })
            .collect(),
    };
    DataFrame::new(vec!["i".into(), "x".into(), "b".into(), "s".into()], vec![ints, floats, bools, strings])
        .unwrap()
}

fn schema() -> Schema {
    Schema {
        fields: [("i", DType::Int64), ("x", DType::Float64), ("b", DType::Bool), ("s", DType::Str)]
            .into_iter()
            .map(|(n, t)| Field { name: n.into(), dtype: t })
            .collect(),
    }
}

/// Writes `frames` as the row groups of a Parquet file named `name`.
fn write(name: &str, frames: &[DataFrame]) -> TempCsv {
    let mut bytes = Vec::new();
    let mut w = ParquetWriter::new(&mut bytes, &schema(), std::path::Path::new(name)).unwrap();
    for f in frames {
        w.write(f).unwrap();
    }
    w.finish().unwrap();
    TempCsv::new(name, &bytes)
}

#[test]
fn frames_written_as_row_groups_read_back_equal_a_partition_per_row_group() {
    let parts = [frame(0, 100), frame(100, 37), frame(137, 1)];
    let file = write("roundtrip.parquet", &parts);
    let lazy = read_parquet(file.path(), ParquetOptions::default()).unwrap();
    assert_eq!(lazy.partitions(), 3);
    assert_eq!(lazy.schema().unwrap(), schema());
    let mut want = parts[0].clone();
    for p in &parts[1..] {
        want = concat(want, p);
    }
    for exec in [Executor::sequential(), Executor::new(Strategy::Graph, 2).unwrap()] {
        assert_eq!(lazy.compute(&exec).unwrap(), want);
    }
    assert_eq!(want.row(1)[1], Value::Null);
    assert_eq!(want.row(6)[3], Value::Null);
    // One frame as one row group.
    let mut bytes = Vec::new();
    parts[1].write_parquet(&mut bytes).unwrap();
    let one = TempCsv::new("one.parquet", &bytes);
    let back = read_parquet(one.path(), ParquetOptions::default()).unwrap();
    assert_eq!(back.partitions(), 1);
    assert_eq!(back.compute(&Executor::sequential()).unwrap(), parts[1]);
}

fn concat(a: DataFrame, b: &DataFrame) -> DataFrame {
    let rows: Vec<Vec<Value>> =
        (0..a.height()).map(|i| a.row(i)).chain((0..b.height()).map(|i| b.row(i))).collect();
    let columns = (0..a.names().len())
        .map(|j| match a.columns()[j].dtype() {
            DType::Int64 => Column::Int64 {
                values: rows.iter().map(|r| if let Value::Int(v) = r[j] { v } else { 0 }).collect(),
                valid: rows.iter().map(|r| r[j] != Value::Null).collect(),
            },
            DType::Float64 => Column::Float64 {
                values: rows.iter().map(|r| if let Value::Float(v) = r[j] { v } else { f64::NAN }).collect(),
                valid: rows.iter().map(|r| r[j] != Value::Null).collect(),
            },
            DType::Bool => Column::Bool {
                values: rows.iter().map(|r| r[j] == Value::Bool(true)).collect(),
                valid: rows.iter().map(|r| r[j] != Value::Null).collect(),
            },
            DType::Str => {
                let dict: Vec<String> = rows
                    .iter()
                    .map(|r| if let Value::Str(s) = &r[j] { s.clone() } else { String::new() })
                    .collect();
                let codes = rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| if r[j] == Value::Null { chunked_frame::NULL_CODE } else { i as u32 })
                    .collect();
                Column::Str { dict, codes }
            }
        })
        .collect();
    DataFrame::new(a.names().to_vec(), columns).unwrap()
}

#[test]
fn only_the_columns_a_query_uses_are_decoded() {
    let file = write("projection.parquet", &[frame(0, 500), frame(500, 500)]);
    // Spoil the page headers of column `x` in every row group: decoding it
    // fails, so the queries that succeed did not decode it.
    let mut bytes = std::fs::read(&file.0).unwrap();
    let reader =
        parquet::file::serialized_reader::SerializedFileReader::new(std::fs::File::open(&file.0).unwrap())
            .unwrap();
    use parquet::file::reader::FileReader;
    for g in reader.metadata().row_groups() {
        let (start, _) = g.column(1).byte_range();
        let start = usize::try_from(start).unwrap();
        bytes[start..start + 16].fill(0xff);
    }
    drop(reader);
    std::fs::write(&file.0, &bytes).unwrap();
    let exec = Executor::sequential();
    let lazy = || read_parquet(file.path(), ParquetOptions::default()).unwrap();
    assert_eq!(lazy().len(&exec).unwrap(), 1000);
    let sums = lazy().filter(col("i").ge(10)).groupby(&["s"]).sum("i").compute(&exec).unwrap();
    assert_eq!(sums.height(), 5);
    let got = lazy().select(&["s", "i"]).compute(&exec).unwrap();
    assert_eq!(got.row(4), [Value::Str("Zürich".into()), Value::Int(4)]);
    // Parquet marks its nulls: `NA` and the empty string are strings.
    assert_eq!(got.row(3), [Value::Str("NA".into()), Value::Int(3)]);
    assert_eq!(got.row(2), [Value::Str(String::new()), Value::Int(2)]);
    assert!(lazy().explain().unwrap().contains("ReadParquet"));
    // Reading `x` is an error naming the file, row group and column, so
    // the queries above can fail.
    let err = lazy().select(&["x"]).compute(&exec).unwrap_err();
    match &err {
        FrameError::Parquet { path, message } => {
            assert_eq!(path, &file.0);
            assert!(message.contains("row group 0, column \"x\""), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // So is a query that filters on it.
    assert!(lazy().filter(col("x").gt(0)).len(&exec).is_err());
    // `columns` hides the others.
    let only = read_parquet(file.path(), ParquetOptions::default().columns(&["s"])).unwrap();
    assert_eq!(only.schema().unwrap().names(), ["s"]);
    let (_, stats) = only.compute_with_stats(&exec).unwrap();
    let (_, all) = lazy().select(&["i", "b", "s"]).compute_with_stats(&exec).unwrap();
    assert!(stats.most_bytes_read < all.most_bytes_read);
}

#[test]
fn a_query_over_csv_and_over_the_same_data_as_parquet_agree() {
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    let options =
        || CsvOptions::default().blocksize(64 << 10).dtype_if_present("DEPARTURE_DELAY", DType::Float64);
    let csv = read_csv(&crate::sample(), options()).unwrap();
    let dir = std::env::temp_dir().join(format!("chunked-frame-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("flights-sample.parquet");
    csv.to_parquet(&path, &exec).unwrap();
    let pq = read_parquet(path.to_str().unwrap(), ParquetOptions::default()).unwrap();
    assert_eq!(pq.partitions(), csv.partitions());
    assert_eq!(pq.schema().unwrap(), csv.schema().unwrap());
    let query = |f: chunked_frame::LazyFrame| {
        f.filter(col("ORIGIN_AIRPORT").isin(["JFK", "LGA", "EWR"]))
            .groupby(&["ORIGIN_AIRPORT"])
            .mean("DEPARTURE_DELAY")
            .compute(&exec)
            .unwrap()
    };
    let (a, b) = (query(csv.clone()), query(pq.clone()));
    assert_eq!(a, b);
    assert_eq!(a.height(), 3);
    assert_eq!(csv.compute(&exec).unwrap(), pq.compute(&exec).unwrap());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn bad_parquet_input_is_a_typed_error_naming_the_file() {
    let not = TempCsv::new("not-parquet.parquet", b"a,b\n1,2\n");
    match read_parquet(not.path(), ParquetOptions::default()).unwrap_err() {
        FrameError::Parquet { path, .. } => assert_eq!(path, not.0),
        other => panic!("{other:?}"),
    }
    let file = write("glob-a-1.parquet", &[frame(0, 3)]);
    let mut bytes = Vec::new();
    let other =
        DataFrame::new(vec!["k".into()], vec![Column::Int64 { values: vec![1], valid: vec![] }]).unwrap();
    other.write_parquet(&mut bytes).unwrap();
    let second = TempCsv::new("glob-a-2.parquet", &bytes);
    let pattern = file.0.parent().unwrap().join("glob-a-*.parquet");
    match read_parquet(pattern.to_str().unwrap(), ParquetOptions::default()).unwrap_err() {
        FrameError::HeaderMismatch { path, .. } => assert_eq!(path, second.0),
        other => panic!("{other:?}"),
    }
    let err = read_parquet(file.path(), ParquetOptions::default().columns(&["nope"])).unwrap_err();
    assert!(matches!(err, FrameError::UnknownOptionColumn { .. }), "{err:?}");
    // A frame whose types differ from the writer's schema is refused.
    let mut sink = Vec::new();
    let mut w = ParquetWriter::new(&mut sink, &schema(), std::path::Path::new("out.parquet")).unwrap();
    assert!(matches!(w.write(&other).unwrap_err(), FrameError::Parquet { .. }));
}
