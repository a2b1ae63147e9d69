//! Parquet: written frames read back equal, row groups are partitions,
//! only the columns a query uses are decoded, and a query over a CSV file
//! and over the same data as Parquet agree.

use chunked_frame::{
    Column, CsvOptions, DType, DataFrame, Field, FrameError, ParquetOptions, ParquetWriter, Schema, Value,
    WriterOptions, col, read_csv, read_parquet,
};
use executors::{Executor, Strategy};

use crate::TempCsv;

mod files;

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

#[test]
fn row_groups_encoded_in_parallel_are_the_bytes_written_one_by_one() {
    let parts = [frame(0, 5000), frame(5000, 37), frame(5037, 1), frame(6000, 2500)];
    let one_by_one = write("serial.parquet", &parts);
    for workers in [1, 2, 3] {
        let mut bytes = Vec::new();
        let mut w =
            ParquetWriter::new(&mut bytes, &schema(), std::path::Path::new("parallel.parquet")).unwrap();
        let exec = Executor::new(Strategy::Pool, workers).unwrap();
        w.write_all(&parts[..3], &exec).unwrap();
        w.write_all(&parts[3..], &exec).unwrap();
        w.finish().unwrap();
        assert_eq!(bytes, std::fs::read(one_by_one.path()).unwrap(), "{workers} workers");
    }
    // A frame of other columns among them is refused before any is written.
    let other =
        DataFrame::new(vec!["k".into()], vec![Column::Int64 { values: vec![1], valid: vec![] }]).unwrap();
    let mut sink = Vec::new();
    let mut w = ParquetWriter::new(&mut sink, &schema(), std::path::Path::new("out.parquet")).unwrap();
    let before = w.write_all(&[], &Executor::sequential());
    assert!(before.is_ok());
    assert!(w.write_all(&[parts[0].clone(), other], &Executor::sequential()).is_err());
    drop(w);
    assert!(sink.is_empty(), "no row group written: {sink:?}");
}

#[test]
fn unsigned_columns_are_written_as_uint64_and_read_back_up_to_the_largest_int64() {
    use parquet::basic::LogicalType;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let seeds = Column::Int64 { values: vec![0, 7, i64::MAX, 3], valid: vec![true, true, true, false] };
    let one = Schema { fields: vec![Field { name: "seed".into(), dtype: DType::Int64 }] };
    let frame = DataFrame::new(vec!["seed".into()], vec![seeds]).unwrap();
    let mut bytes = Vec::new();
    let options = WriterOptions::default().unsigned(&["seed"]);
    let mut w =
        ParquetWriter::with_options(&mut bytes, &one, std::path::Path::new("u.parquet"), &options).unwrap();
    w.write(&frame).unwrap();
    w.finish().unwrap();
    let file = TempCsv::new("unsigned.parquet", &bytes);
    let reader = SerializedFileReader::new(std::fs::File::open(file.path()).unwrap()).unwrap();
    let logical = reader.metadata().file_metadata().schema_descr().column(0).logical_type_ref().cloned();
    assert_eq!(logical, Some(LogicalType::Integer { bit_width: 64, is_signed: false }));
    let back = read_parquet(file.path(), ParquetOptions::default()).unwrap();
    assert_eq!(back.compute(&Executor::sequential()).unwrap(), frame);

    // A negative value cannot be stored unsigned; unknown and non-integer
    // columns cannot be made unsigned.
    let negative =
        DataFrame::new(vec!["seed".into()], vec![Column::Int64 { values: vec![1, -2], valid: vec![] }])
            .unwrap();
    let mut sink = Vec::new();
    let mut w =
        ParquetWriter::with_options(&mut sink, &one, std::path::Path::new("u.parquet"), &options).unwrap();
    let err = w.write(&negative).unwrap_err().to_string();
    assert!(err.contains("\"seed\"") && err.contains("row 1 holds -2"), "{err}");
    for (column, what) in [("nope", "the columns are [i, x, b, s]"), ("x", "float64, not int64")] {
        let opts = WriterOptions::default().unsigned(&[column]);
        let err = ParquetWriter::with_options(&mut sink, &schema(), std::path::Path::new("u.parquet"), &opts)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains(what), "{err}");
    }

    // Another writer's uint64 beyond int64 is an error naming the row.
    let beyond = raw_uint64(&[5, u64::MAX]);
    let file = TempCsv::new("beyond.parquet", &beyond);
    let err = read_parquet(file.path(), ParquetOptions::default())
        .unwrap()
        .compute(&Executor::sequential())
        .unwrap_err();
    assert!(matches!(err, FrameError::Parquet { .. }), "{err:?}");
    assert!(
        err.to_string().contains("row 1 of this unsigned 64-bit column holds 18446744073709551615"),
        "{err}"
    );
}

/// A file of one required UINT_64 column, written by the `parquet` crate.
fn raw_uint64(values: &[u64]) -> Vec<u8> {
    use parquet::basic::{LogicalType, Repetition, Type as Physical};
    use parquet::data_type::Int64Type;
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;
    use std::sync::Arc;
    let field = Type::primitive_type_builder("u", Physical::INT64)
        .with_repetition(Repetition::REQUIRED)
        .with_logical_type(Some(LogicalType::Integer { bit_width: 64, is_signed: false }))
        .build()
        .unwrap();
    let schema = Type::group_type_builder("schema").with_fields(vec![Arc::new(field)]).build().unwrap();
    let mut bytes = Vec::new();
    let props = Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(&mut bytes, Arc::new(schema), props).unwrap();
    let mut g = w.next_row_group().unwrap();
    let mut c = g.next_column().unwrap().unwrap();
    let bits: Vec<i64> = values.iter().map(|v| i64::from_ne_bytes(v.to_ne_bytes())).collect();
    c.typed::<Int64Type>().write_batch(&bits, None, None).unwrap();
    c.close().unwrap();
    g.close().unwrap();
    w.close().unwrap();
    bytes
}

mod encodings {
    //! Files other writers make: data pages v1 and v2, dictionaries that
    //! overflow into plain pages, no dictionary at all, many small pages,
    //! required and optional columns, 32-bit ints and floats; each read
    //! back equal to the values written.

    use std::sync::Arc;

    use chunked_frame::{Column, DataFrame, Expr, NULL_CODE, ParquetOptions, read_parquet};
    use executors::Executor;
    use parquet::basic::{Encoding, LogicalType, Repetition, Type as Physical};
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, FloatType, Int32Type, Int64Type};
    use parquet::file::properties::{WriterProperties, WriterVersion};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;

    use crate::TempCsv;

    const ROWS: usize = 3000;

    /// Row `i`'s string: one of 40 airports mostly, a distinct one every
    /// third row (enough to outgrow a small dictionary), null every 11th.
    fn string(i: usize) -> Option<String> {
        (i % 11 != 10)
            .then(|| if i.is_multiple_of(3) { format!("distinct-{i}") } else { format!("A{}", i % 40) })
    }

    fn delay(i: usize) -> Option<f64> {
        (i % 13 != 5).then_some((i % 97) as f64 - 20.5)
    }

    fn write(name: &str, props: WriterProperties) -> TempCsv {
        let field = |n: &str, t: Physical, r: Repetition, l: Option<LogicalType>| {
            Arc::new(
                Type::primitive_type_builder(n, t).with_repetition(r).with_logical_type(l).build().unwrap(),
            )
        };
        let schema = Type::group_type_builder("schema")
            .with_fields(vec![
                field("a", Physical::INT32, Repetition::REQUIRED, None),
                field("b", Physical::INT64, Repetition::OPTIONAL, None),
                field("x", Physical::DOUBLE, Repetition::OPTIONAL, None),
                field("f", Physical::FLOAT, Repetition::REQUIRED, None),
                field("s", Physical::BYTE_ARRAY, Repetition::OPTIONAL, Some(LogicalType::String)),
                field(
                    "u",
                    Physical::INT32,
                    Repetition::REQUIRED,
                    Some(LogicalType::Integer { bit_width: 32, is_signed: false }),
                ),
            ])
            .build()
            .unwrap();
        let mut bytes = Vec::new();
        let mut w = SerializedFileWriter::new(&mut bytes, Arc::new(schema), Arc::new(props)).unwrap();
        for (lo, hi) in [(0, 1700), (1700, ROWS)] {
            let mut g = w.next_row_group().unwrap();
            let range = lo..hi;
            let a: Vec<i32> = range.clone().map(|i| i32::try_from(i).unwrap() - 500).collect();
            let b_defs: Vec<i16> = range.clone().map(|i| i16::from(i % 7 != 3)).collect();
            let b: Vec<i64> =
                range.clone().filter(|i| i % 7 != 3).map(|i| (i as i64 % 5) * 1_000_000_007).collect();
            let x_defs: Vec<i16> = range.clone().map(|i| i16::from(delay(i).is_some())).collect();
            let x: Vec<f64> = range.clone().filter_map(delay).collect();
            let f: Vec<f32> = range.clone().map(|i| i as f32 / 4.0).collect();
            let s_defs: Vec<i16> = range.clone().map(|i| i16::from(string(i).is_some())).collect();
            let s: Vec<ByteArray> =
                range.clone().filter_map(string).map(|t| ByteArray::from(t.as_str())).collect();
            let u: Vec<i32> =
                range.clone().map(|i| i32::from_ne_bytes((u32::MAX - i as u32).to_ne_bytes())).collect();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<Int32Type>().write_batch(&a, None, None).unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<Int64Type>().write_batch(&b, Some(&b_defs), None).unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<DoubleType>().write_batch(&x, Some(&x_defs), None).unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<FloatType>().write_batch(&f, None, None).unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<ByteArrayType>().write_batch(&s, Some(&s_defs), None).unwrap();
            c.close().unwrap();
            let mut c = g.next_column().unwrap().unwrap();
            c.typed::<Int32Type>().write_batch(&u, None, None).unwrap();
            c.close().unwrap();
            g.close().unwrap();
        }
        w.close().unwrap();
        TempCsv::new(name, &bytes)
    }

    fn expected() -> DataFrame {
        let ints = |v: Vec<i64>, valid: Vec<bool>| Column::Int64 { values: v, valid };
        let strings: Vec<Option<String>> = (0..ROWS).map(string).collect();
        let mut dict: Vec<String> = strings.iter().flatten().cloned().collect();
        dict.sort();
        dict.dedup();
        let codes = strings
            .iter()
            .map(|s| s.as_ref().map_or(NULL_CODE, |s| u32::try_from(dict.binary_search(s).unwrap()).unwrap()))
            .collect();
        DataFrame::new(
            ["a", "b", "x", "f", "s", "u"].map(String::from).to_vec(),
            vec![
                ints((0..ROWS).map(|i| i as i64 - 500).collect(), vec![]),
                ints(
                    (0..ROWS).map(|i| if i % 7 == 3 { 0 } else { (i as i64 % 5) * 1_000_000_007 }).collect(),
                    (0..ROWS).map(|i| i % 7 != 3).collect(),
                ),
                Column::Float64 {
                    values: (0..ROWS).map(|i| delay(i).unwrap_or(f64::NAN)).collect(),
                    valid: (0..ROWS).map(|i| delay(i).is_some()).collect(),
                },
                Column::Float64 {
                    values: (0..ROWS).map(|i| f64::from(i as f32 / 4.0)).collect(),
                    valid: vec![],
                },
                Column::Str { dict, codes },
                ints((0..ROWS).map(|i| i64::from(u32::MAX - i as u32)).collect(), vec![]),
            ],
        )
        .unwrap()
    }

    #[test]
    fn every_writer_layout_reads_back_the_values_written() {
        let want = expected();
        let small =
            || WriterProperties::builder().set_dictionary_page_size_limit(256).set_data_page_size_limit(512);
        let layouts = [
            ("v1.parquet", WriterProperties::builder().build()),
            (
                "v2.parquet",
                WriterProperties::builder().set_writer_version(WriterVersion::PARQUET_2_0).build(),
            ),
            ("plain.parquet", WriterProperties::builder().set_dictionary_enabled(false).build()),
            ("overflow-v1.parquet", small().build()),
            ("overflow-v2.parquet", small().set_writer_version(WriterVersion::PARQUET_2_0).build()),
            ("snappy-small.parquet", small().set_compression(parquet::basic::Compression::SNAPPY).build()),
        ];
        for (name, props) in layouts {
            let file = write(name, props);
            // The layouts are what their names say: the small dictionaries
            // overflow into plain pages.
            let reader = SerializedFileReader::new(std::fs::File::open(file.path()).unwrap()).unwrap();
            let mut pages = reader.get_row_group(0).unwrap().get_column_page_reader(4).unwrap();
            let mut encodings = Vec::new();
            while let Some(page) = pages.get_next_page().unwrap() {
                if page.is_data_page() {
                    encodings.push((page.page_type(), page.encoding()));
                }
            }
            let has = |e: Encoding| encodings.iter().any(|p| p.1 == e);
            assert_eq!(has(Encoding::RLE_DICTIONARY), !name.starts_with("plain"), "{name}: {encodings:?}");
            // Version 1 falls back to plain pages, version 2 to delta
            // strings (which the general column reader reads).
            assert_eq!(
                has(Encoding::PLAIN),
                !name.starts_with('v') && name != "overflow-v2.parquet",
                "{name}"
            );
            assert_eq!(
                has(Encoding::DELTA_BYTE_ARRAY),
                name == "overflow-v2.parquet",
                "{name}: {encodings:?}"
            );
            let v2 = encodings.iter().any(|p| p.0 == parquet::basic::PageType::DATA_PAGE_V2);
            assert_eq!(v2, name.contains("v2"), "{name}: {encodings:?}");
            let lazy = read_parquet(file.path(), ParquetOptions::default()).unwrap();
            assert_eq!(lazy.partitions(), 2, "{name}");
            let got = lazy.compute(&Executor::sequential()).unwrap();
            for (j, n) in want.names().iter().enumerate() {
                assert_eq!(got.columns()[j], want.columns()[j], "{name}: column {n}");
            }
            // Only some columns, in another order.
            let some = read_parquet(file.path(), ParquetOptions::default().columns(&["s", "x"]))
                .unwrap()
                .compute(&Executor::sequential())
                .unwrap();
            assert_eq!(some.column("s").unwrap(), want.column("s").unwrap(), "{name}");
            assert_eq!(some.column("x").unwrap(), want.column("x").unwrap(), "{name}");
            filtered_reads_equal_the_rows_kept(name, &lazy, &want);
        }
    }

    /// Which rows of the written file a condition keeps.
    type Keeps = Box<dyn Fn(usize) -> bool>;

    /// A filter first is applied as row groups are decoded (only the kept
    /// rows of the other columns read): every kind of condition gives the
    /// rows of the whole read that it keeps, nulls included.
    fn filtered_reads_equal_the_rows_kept(name: &str, lazy: &chunked_frame::LazyFrame, want: &DataFrame) {
        use chunked_frame::{col, lit};
        let a = |i: usize| i as i64 - 500;
        let conditions: [(Expr, Keeps); 6] = [
            (
                col("s").isin(["A1", "A7", "distinct-3", "nowhere"]),
                Box::new(|i| matches!(string(i).as_deref(), Some("A1" | "A7" | "distinct-3"))),
            ),
            (col("a").gt(lit(2000)), Box::new(move |i| a(i) > 2000)),
            (col("x").is_null(), Box::new(|i| delay(i).is_none())),
            (
                col("x").gt(lit(30.0)).and(col("a").lt(lit(1900))),
                Box::new(move |i| delay(i).is_some_and(|d| d > 30.0) && a(i) < 1900),
            ),
            (col("a").lt(lit(-10_000)), Box::new(|_| false)),
            (col("a").gt(lit(-10_000)), Box::new(|_| true)),
        ];
        for (condition, keeps) in conditions {
            let keep: Vec<bool> = (0..ROWS).map(&keeps).collect();
            let expected = want.filter(&keep);
            for exec in [Executor::sequential(), Executor::new(executors::Strategy::Graph, 2).unwrap()] {
                let got = lazy.clone().filter(condition.clone()).compute(&exec).unwrap();
                assert_eq!(got, expected, "{name}: {condition:?}");
            }
            // Only some columns: the condition's own, or not.
            let got = lazy
                .clone()
                .filter(condition.clone())
                .select(&["x", "b"])
                .compute(&Executor::sequential())
                .unwrap();
            let names = ["x".to_owned(), "b".to_owned()];
            assert_eq!(got.names(), &names, "{name}");
            assert_eq!(got.column("x"), expected.column("x"), "{name}: {condition:?}");
            assert_eq!(got.column("b"), expected.column("b"), "{name}: {condition:?}");
        }
    }
}

#[test]
fn a_file_of_no_rows_reads_as_an_empty_frame_of_its_types() {
    // No row group, or one of no rows: an empty frame with the file's
    // types (pandas and polars read both so), and empty query results.
    let exec = Executor::new(Strategy::Pool, 2).unwrap();
    for (name, frames) in [("no-groups.parquet", vec![]), ("empty-group.parquet", vec![frame(0, 0)])] {
        let file = write(name, &frames);
        let lazy = read_parquet(file.path(), ParquetOptions::default()).unwrap();
        assert_eq!(lazy.schema().unwrap(), schema(), "{name}");
        let got = lazy.compute(&exec).unwrap();
        assert_eq!(got.height(), 0, "{name}");
        let want: Vec<DType> = schema().fields.iter().map(|f| f.dtype).collect();
        assert_eq!(got.columns().iter().map(Column::dtype).collect::<Vec<_>>(), want, "{name}");
        let means = lazy.groupby(&["s"]).mean("x").compute(&exec).unwrap();
        assert_eq!(means.height(), 0, "{name}");
    }
}

/// A file written with the `parquet` crate directly: a timestamp, a date,
/// an int and a string column of three rows, compressed with `codec`.
fn foreign_file(name: &str, codec: parquet::basic::Compression) -> TempCsv {
    use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = parquet::schema::parser::parse_message_type(
        "message m { required int64 t (TIMESTAMP(MILLIS,true)); required int32 d (DATE); \
         required int64 a; required binary s (UTF8); }",
    )
    .unwrap();
    let props = WriterProperties::builder().set_compression(codec).build();
    let mut bytes = Vec::new();
    let mut w =
        SerializedFileWriter::new(&mut bytes, std::sync::Arc::new(schema), std::sync::Arc::new(props))
            .unwrap();
    let mut group = w.next_row_group().unwrap();
    let mut k = 0;
    while let Some(mut c) = group.next_column().unwrap() {
        match k {
            0 => c.typed::<Int64Type>().write_batch(&[1_700_000_000_000, 0, -1], None, None),
            1 => c.typed::<Int32Type>().write_batch(&[19_000, 0, 1], None, None),
            2 => c.typed::<Int64Type>().write_batch(&[7, -8, i64::MAX], None, None),
            _ => c.typed::<ByteArrayType>().write_batch(
                &[ByteArray::from("JFK"), ByteArray::from("é"), ByteArray::from("")],
                None,
                None,
            ),
        }
        .unwrap();
        c.close().unwrap();
        k += 1;
    }
    group.close().unwrap();
    w.close().unwrap();
    TempCsv::new(name, &bytes)
}

/// Timestamps and dates are refused, not read as bare integers, naming the
/// column and how to leave it out; left out, the other columns read.
#[test]
fn columns_of_unread_types_are_refused_by_name_unless_left_out() {
    let file = foreign_file("foreign.parquet", parquet::basic::Compression::SNAPPY);
    let err = read_parquet(file.path(), ParquetOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, FrameError::Parquet { .. }), "{err:?}");
    assert!(
        text.contains("\"t\" is a timestamp")
            && text.contains("\"d\"")
            && text.contains("ParquetOptions::columns"),
        "{text}"
    );
    let err = read_parquet(file.path(), ParquetOptions::default().columns(&["a", "d"])).unwrap_err();
    assert!(err.to_string().contains("\"d\" is a date"), "{err}");
    let exec = Executor::sequential();
    let got = read_parquet(file.path(), ParquetOptions::default().columns(&["s", "a"]))
        .unwrap()
        .compute(&exec)
        .unwrap();
    assert_eq!(got.names(), ["s", "a"]);
    let rows: Vec<Vec<Value>> = (0..got.height()).map(|i| got.row(i)).collect();
    let s = |x: &str| Value::Str(x.into());
    assert_eq!(
        rows,
        [vec![s("JFK"), Value::Int(7)], vec![s("é"), Value::Int(-8)], vec![s(""), Value::Int(i64::MAX)]]
    );
}

/// pyarrow writes `compression="lz4"` as LZ4_RAW and offers brotli: both read.
#[test]
fn lz4_and_brotli_compressed_files_read() {
    use parquet::basic::{BrotliLevel, Compression};
    for (name, codec) in [
        ("lz4raw.parquet", Compression::LZ4_RAW),
        ("brotli.parquet", Compression::BROTLI(BrotliLevel::default())),
        ("gzip.parquet", Compression::GZIP(Default::default())),
        ("zstd.parquet", Compression::ZSTD(Default::default())),
    ] {
        let file = foreign_file(name, codec);
        let got = read_parquet(file.path(), ParquetOptions::default().columns(&["a"]))
            .unwrap()
            .compute(&Executor::sequential())
            .unwrap();
        assert_eq!(
            got.column("a").unwrap(),
            &Column::Int64 { values: vec![7, -8, i64::MAX], valid: vec![] },
            "{name}"
        );
    }
}
