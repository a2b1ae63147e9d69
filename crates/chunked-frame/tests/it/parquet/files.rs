//! Which Parquet files `read_parquet` plans and which it refuses: globs of
//! files of one schema, row groups of no rows, nested and repeated
//! columns, a name given twice, signed values read back as written.

use std::sync::Arc;

use chunked_frame::{Column, DataFrame, FrameError, ParquetOptions, Value, read_parquet};
use executors::Executor;
use parquet::data_type::Int64Type;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::TempCsv;

/// A file of `message` (the `parquet` crate's schema text) written by the
/// `parquet` crate, one row group per entry of `groups`, each the values of
/// its one required int64 column (no row group when `groups` is empty).
fn raw(name: &str, message: &str, groups: &[&[i64]]) -> TempCsv {
    let schema = Arc::new(parse_message_type(message).unwrap());
    let mut bytes = Vec::new();
    let mut w =
        SerializedFileWriter::new(&mut bytes, schema, Arc::new(WriterProperties::builder().build())).unwrap();
    for values in groups {
        let mut g = w.next_row_group().unwrap();
        let mut c = g.next_column().unwrap().unwrap();
        c.typed::<Int64Type>().write_batch(values, None, None).unwrap();
        c.close().unwrap();
        g.close().unwrap();
    }
    w.close().unwrap();
    TempCsv::new(name, &bytes)
}

fn ints(values: Vec<i64>) -> Column {
    Column::Int64 { values, valid: vec![] }
}

#[test]
fn row_groups_of_no_rows_are_not_partitions() {
    let file = raw("empty-groups.parquet", "message m { required int64 v; }", &[&[], &[4, -5, 6], &[], &[7]]);
    let lazy = read_parquet(file.path(), ParquetOptions::default()).unwrap();
    assert_eq!(lazy.partitions(), 2);
    let got = lazy.compute(&Executor::sequential()).unwrap();
    assert_eq!(got, DataFrame::new(vec!["v".into()], vec![ints(vec![4, -5, 6, 7])]).unwrap());
}

#[test]
fn a_glob_of_files_of_one_schema_reads_every_file_in_order() {
    let (a, b) = (vec![1, -2, 3], vec![i64::MIN, 0, i64::MAX]);
    let write = |name: &str, values: &[i64]| {
        let mut bytes = Vec::new();
        DataFrame::new(vec!["v".into()], vec![ints(values.to_vec())])
            .unwrap()
            .write_parquet(&mut bytes)
            .unwrap();
        TempCsv::new(name, &bytes)
    };
    let (first, _second) = (write("glob-same-1.parquet", &a), write("glob-same-2.parquet", &b));
    let pattern = first.0.parent().unwrap().join("glob-same-*.parquet");
    let lazy = read_parquet(pattern.to_str().unwrap(), ParquetOptions::default()).unwrap();
    assert_eq!(lazy.partitions(), 2);
    let got = lazy.compute(&Executor::sequential()).unwrap();
    let want: Vec<Value> = a.iter().chain(&b).map(|&v| Value::Int(v)).collect();
    assert_eq!((0..got.height()).map(|i| got.row(i)[0].clone()).collect::<Vec<_>>(), want);
}

#[test]
fn nested_and_repeated_columns_are_refused_naming_the_column() {
    for (message, column) in [
        // A struct: one level of nesting, nothing repeated.
        ("message m { required int64 v; required group g { required int32 a; } }", "g.a"),
        // A repeated primitive at the top level: a path of one name.
        ("message m { required int64 v; repeated int32 r; }", "r"),
        // A list as other writers make it.
        (
            "message m { required int64 v; optional group l (LIST) { repeated group list { optional int32 element; } } }",
            "l.list.element",
        ),
    ] {
        let file = raw("nested.parquet", message, &[]);
        let err = read_parquet(file.path(), ParquetOptions::default()).unwrap_err();
        assert!(matches!(err, FrameError::Parquet { ref path, .. } if *path == file.0), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(&format!("column {column:?} is nested or repeated")), "{text}");
    }
}

#[test]
fn a_file_naming_a_column_twice_is_an_error_giving_both_positions() {
    let file = raw(
        "twice.parquet",
        "message m { required int64 v; required int32 k; required int32 a; required double k; }",
        &[],
    );
    let err = read_parquet(file.path(), ParquetOptions::default()).unwrap_err();
    assert!(
        matches!(err, FrameError::DuplicateColumn { ref name, first: 2, second: 4, .. } if name == "k"),
        "{err:?}"
    );
}

#[test]
fn negative_int64_values_read_back_as_written() {
    // Only unsigned 64-bit columns refuse what reads as a negative number.
    let file = raw("signed.parquet", "message m { required int64 v; }", &[&[-1, i64::MIN, 3]]);
    let got = read_parquet(file.path(), ParquetOptions::default())
        .unwrap()
        .compute(&Executor::sequential())
        .unwrap();
    assert_eq!(got, DataFrame::new(vec!["v".into()], vec![ints(vec![-1, i64::MIN, 3])]).unwrap());
}

#[test]
fn encodings_the_page_decoder_leaves_to_the_general_reader_read_back_the_values_written() {
    use parquet::basic::Encoding;
    use parquet::data_type::{DoubleType, FloatType};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::schema::types::ColumnPath;
    let rows = 1000;
    let b: Vec<Option<i64>> =
        (0..rows).map(|i| (i % 7 != 3).then_some(i * 1_000_003 - 400_000_000)).collect();
    let f: Vec<f32> = (0..rows).map(|i| i as f32 / 4.0 - 100.0).collect();
    let x: Vec<Option<f64>> = (0..rows).map(|i| (i % 5 != 1).then_some(i as f64 / 8.0 - 3.0)).collect();
    let schema = Arc::new(
        parse_message_type("message m { optional int64 b; required float f; optional double x; }").unwrap(),
    );
    let props = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .set_column_encoding(ColumnPath::from("b"), Encoding::DELTA_BINARY_PACKED)
        .set_column_encoding(ColumnPath::from("f"), Encoding::BYTE_STREAM_SPLIT)
        .set_column_encoding(ColumnPath::from("x"), Encoding::BYTE_STREAM_SPLIT)
        .build();
    let mut bytes = Vec::new();
    let mut w = SerializedFileWriter::new(&mut bytes, schema, Arc::new(props)).unwrap();
    let mut g = w.next_row_group().unwrap();
    let defs = |v: &[Option<i64>]| v.iter().map(|o| i16::from(o.is_some())).collect::<Vec<_>>();
    let mut c = g.next_column().unwrap().unwrap();
    c.typed::<Int64Type>()
        .write_batch(&b.iter().flatten().copied().collect::<Vec<_>>(), Some(&defs(&b)), None)
        .unwrap();
    c.close().unwrap();
    let mut c = g.next_column().unwrap().unwrap();
    c.typed::<FloatType>().write_batch(&f, None, None).unwrap();
    c.close().unwrap();
    let x_defs: Vec<i16> = x.iter().map(|o| i16::from(o.is_some())).collect();
    let mut c = g.next_column().unwrap().unwrap();
    c.typed::<DoubleType>()
        .write_batch(&x.iter().flatten().copied().collect::<Vec<_>>(), Some(&x_defs), None)
        .unwrap();
    c.close().unwrap();
    g.close().unwrap();
    w.close().unwrap();
    let file = TempCsv::new("general-reader.parquet", &bytes);
    // The file holds the encodings asked for.
    let reader = SerializedFileReader::new(std::fs::File::open(file.path()).unwrap()).unwrap();
    let group = reader.metadata().row_group(0).clone();
    for (c, e) in [
        (0, Encoding::DELTA_BINARY_PACKED),
        (1, Encoding::BYTE_STREAM_SPLIT),
        (2, Encoding::BYTE_STREAM_SPLIT),
    ] {
        assert!(group.column(c).encodings().any(|x| x == e), "column {c}");
    }
    let got = read_parquet(file.path(), ParquetOptions::default())
        .unwrap()
        .compute(&Executor::sequential())
        .unwrap();
    let want = DataFrame::new(
        vec!["b".into(), "f".into(), "x".into()],
        vec![
            Column::Int64 {
                values: b.iter().map(|o| o.unwrap_or(0)).collect(),
                valid: b.iter().map(Option::is_some).collect(),
            },
            Column::Float64 { values: f.iter().map(|&v| f64::from(v)).collect(), valid: vec![] },
            Column::Float64 {
                values: x.iter().map(|o| o.unwrap_or(f64::NAN)).collect(),
                valid: x.iter().map(Option::is_some).collect(),
            },
        ],
    )
    .unwrap();
    assert_eq!(got, want);
}

#[test]
fn a_query_written_as_parquet_gets_a_row_group_per_partition_with_rows() {
    use chunked_frame::{CsvOptions, col, read_csv};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let mut text = String::from("k,v\n");
    for i in 0..120 {
        text.push_str(&format!("{},{i}\n", if i < 60 { "a" } else { "b" }));
    }
    let csv = TempCsv::new("to-parquet.csv", text.as_bytes());
    // Half the partitions keep no row.
    let lazy = read_csv(csv.path(), CsvOptions::default().blocksize(50)).unwrap().filter(col("k").eq("b"));
    assert!(lazy.partitions() > 6, "{}", lazy.partitions());
    for workers in [1, 3] {
        let exec = executors::Executor::new(executors::Strategy::Pool, workers).unwrap();
        let mut bytes = Vec::new();
        lazy.write_parquet(&mut bytes, std::path::Path::new("out.parquet"), &exec).unwrap();
        let file = TempCsv::new("from-query.parquet", &bytes);
        let reader = SerializedFileReader::new(std::fs::File::open(file.path()).unwrap()).unwrap();
        let groups = reader.metadata().row_groups().to_vec();
        assert!(groups.iter().all(|g| g.num_rows() > 0), "{workers} workers");
        let back = read_parquet(file.path(), ParquetOptions::default()).unwrap();
        assert_eq!(back.partitions(), groups.len());
        assert_eq!(
            back.compute(&Executor::sequential()).unwrap(),
            lazy.compute(&Executor::sequential()).unwrap()
        );
    }
}
