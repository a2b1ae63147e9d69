//! Reading: inference, overrides, usecols, nulls, quotes, globs.

use chunked_frame::{Column, CsvOptions, DType, Value, read_csv};
use executors::Executor;

use crate::{TempCsv, sample};

#[test]
fn types_are_inferred_and_can_be_overridden() {
    let f = read_csv(&sample(), CsvOptions::default()).unwrap();
    let schema = f.schema().unwrap();
    let dtype = |n: &str| schema.fields[schema.index_of(n).unwrap()].dtype;
    assert_eq!(schema.fields.len(), 31);
    assert_eq!(dtype("YEAR"), DType::Int64);
    assert_eq!(dtype("DEPARTURE_DELAY"), DType::Float64);
    assert_eq!(dtype("ORIGIN_AIRPORT"), DType::Str);
    assert_eq!(dtype("SCHEDULED_DEPARTURE"), DType::Int64);
    assert_eq!(dtype("CANCELLATION_REASON"), DType::Str);
    let f = read_csv(&sample(), CsvOptions::default().dtype("SCHEDULED_DEPARTURE", DType::Str)).unwrap();
    let got = f.select(&["SCHEDULED_DEPARTURE"]).head(5, &Executor::sequential()).unwrap();
    // Leading zeros survive as text.
    assert!(matches!(got.columns()[0], Column::Str { .. }));
}

#[test]
fn nulls_quotes_and_usecols() {
    let csv = "id,text,x,flag\n1,\"a, b\",1.5,true\n2,,,\n3,\"say \"\"hi\"\"\nthere\",2,False\n";
    let file = TempCsv::new("quotes.csv", csv.as_bytes());
    // A file with quotes is split too: quoted delimiters and line ends
    // stay inside their fields however the ranges fall.
    let f = read_csv(file.path(), CsvOptions::default().blocksize(4)).unwrap();
    assert!(f.partitions() > 10);
    let got = f.compute(&Executor::sequential()).unwrap();
    assert_eq!(got.height(), 3);
    assert_eq!(got.row(0)[1], Value::Str("a, b".into()));
    assert_eq!(got.row(1), [Value::Int(2), Value::Null, Value::Null, Value::Null]);
    assert_eq!(got.row(2)[1], Value::Str("say \"hi\"\nthere".into()));
    assert_eq!(got.row(2)[3], Value::Bool(false));
    let only = read_csv(file.path(), CsvOptions::default().usecols(&["x", "id"])).unwrap();
    assert_eq!(only.schema().unwrap().names(), ["x", "id"]);
    assert_eq!(only.compute(&Executor::sequential()).unwrap().row(0), [Value::Float(1.5), Value::Int(1)]);
}

#[test]
fn globs_read_every_matching_file_in_order() {
    let a = TempCsv::new("part-1.csv", b"k,v\na,1\n");
    let _b = TempCsv::new("part-2.csv", b"k,v\nb,2\nc,3\n");
    let pattern = a.0.parent().unwrap().join("part-*.csv");
    let f = read_csv(pattern.to_str().unwrap(), CsvOptions::default()).unwrap();
    let got = f.compute(&Executor::sequential()).unwrap();
    assert_eq!(got.height(), 3);
    assert_eq!(got.row(2), [Value::Str("c".into()), Value::Int(3)]);
}

#[test]
fn crlf_line_ends_and_a_missing_final_newline() {
    let file = TempCsv::new("crlf.csv", b"a,b\r\n1,x\r\n2,y");
    let got = read_csv(file.path(), CsvOptions::default().blocksize(3))
        .unwrap()
        .compute(&Executor::sequential())
        .unwrap();
    assert_eq!(got.height(), 2);
    assert_eq!(got.row(0), [Value::Int(1), Value::Str("x".into())]);
    assert_eq!(got.row(1), [Value::Int(2), Value::Str("y".into())]);
}

#[test]
fn a_last_line_ending_in_a_delimiter_without_a_newline_keeps_its_empty_last_field() {
    // Unquoted (fast path) and quoted (tokenizer).
    for (name, text) in [("trail.csv", &b"a,b,c\n1,2,\n3,4,"[..]), ("trail-q.csv", b"a,b,c\n\"1\",2,\n3,4,")]
    {
        let file = TempCsv::new(name, text);
        for blocksize in [1 << 20, 4] {
            let got = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
                .unwrap()
                .compute(&Executor::sequential())
                .unwrap();
            assert_eq!(got.height(), 2, "{name}");
            assert_eq!(
                got.row(1),
                [Value::Int(3), Value::Int(4), Value::Null],
                "{name}, blocksize {blocksize}"
            );
        }
    }
}

#[test]
fn a_query_parses_only_the_columns_it_needs() {
    // Column `bad` holds text where its forced type wants integers: any
    // query that parses it fails, so the queries that succeed did not.
    for (name, text) in [
        ("proj.csv", &b"k,bad,v\na,x,1\nb,y,2\na,z,3\n"[..]),
        ("proj-q.csv", b"k,bad,v\n\"a\",x,1\nb,\"y\",2\na,z,3\n"),
    ] {
        let file = TempCsv::new(name, text);
        let frame =
            || read_csv(file.path(), CsvOptions::default().dtype("bad", DType::Int64).blocksize(9)).unwrap();
        let exec = Executor::sequential();
        assert_eq!(frame().len(&exec).unwrap(), 3, "{name}");
        let got = frame().filter(chunked_frame::col("k").eq("a")).select(&["v"]).compute(&exec).unwrap();
        assert_eq!(got.height(), 2, "{name}");
        let sums = frame().groupby(&["k"]).sum("v").compute(&exec).unwrap();
        assert_eq!(sums.row(0), [Value::Str("a".into()), Value::Int(4)], "{name}");
        assert_eq!(frame().select(&["k"]).head(3, &exec).unwrap().height(), 3, "{name}");
        // Reading it is an error, so the test above can fail.
        assert!(frame().select(&["bad"]).compute(&exec).is_err(), "{name}");
        assert!(frame().filter(chunked_frame::col("bad").gt(0)).len(&exec).is_err(), "{name}");
    }
}

#[test]
fn include_path_column_names_each_rows_file_in_globs_of_any_format() {
    let a = TempCsv::new("paths-1.csv", b"k,v\na,1\nb,2\n");
    let b = TempCsv::new("paths-2.csv", b"k,v\n\"c\nd\",3\n");
    let pattern = a.0.parent().unwrap().join("paths-*.csv");
    let exec = Executor::sequential();
    let frame =
        read_csv(pattern.to_str().unwrap(), CsvOptions::default().blocksize(3).include_path_column("path"))
            .unwrap();
    assert_eq!(frame.schema().unwrap().names(), ["k", "v", "path"]);
    let got = frame.compute(&exec).unwrap();
    let path = |f: &TempCsv| Value::Str(f.path().to_owned());
    assert_eq!(got.row(0), [Value::Str("a".into()), Value::Int(1), path(&a)]);
    assert_eq!(got.row(2), [Value::Str("c\nd".into()), Value::Int(3), path(&b)]);
    // Queries use it as any column, and those that do not need it skip it.
    let sums = frame.clone().groupby(&["path"]).sum("v").compute(&exec).unwrap();
    assert_eq!(sums.row(1), [path(&b), Value::Int(3)]);
    assert_eq!(frame.clone().filter(chunked_frame::col("path").eq(a.path())).len(&exec).unwrap(), 2);
    assert_eq!(frame.clone().select(&["path"]).head(1, &exec).unwrap().row(0), [path(&a)]);
    let plan = frame.select(&["v"]).explain().unwrap();
    assert!(plan.contains("parse [v] (1 of 3 columns)"), "{plan}");
    // A name the files already have is refused.
    let err = read_csv(a.path(), CsvOptions::default().include_path_column("k")).unwrap_err();
    assert!(matches!(err, chunked_frame::FrameError::DuplicateColumn { .. }), "{err:?}");
    // Parquet too.
    let mut bytes = Vec::new();
    got.write_parquet(&mut bytes).unwrap();
    let pq = TempCsv::new("paths.parquet", &bytes);
    let back = chunked_frame::read_parquet(
        pq.path(),
        chunked_frame::ParquetOptions::default().columns(&["v"]).include_path_column("file"),
    )
    .unwrap()
    .compute(&exec)
    .unwrap();
    assert_eq!(back.names(), ["v", "file"]);
    assert_eq!(back.row(2), [Value::Int(3), path(&pq)]);
}

/// pandas' `header=None` and `names`: a file without a header reads its
/// first line as a row (columns `0`, `1`, ... or the names given; names
/// beyond the fields are columns of nulls); names with `header(true)`
/// replace a header; whole and in small partitions, as pandas reads them
/// (values from pandas 3.1).
#[test]
fn files_without_a_header_and_given_names_read_as_pandas_reads_them() {
    let rows = "1,JFK,2.5\n2,LGA,\n3,,4\n";
    let plain = TempCsv::new("noheader.csv", rows.as_bytes());
    let headed = TempCsv::new("renamed.csv", format!("x,y,z\n{rows}").as_bytes());
    let exec = Executor::sequential();
    let s = |x: &str| Value::Str(x.into());
    let (i, f, null) = (Value::Int, Value::Float, Value::Null);
    for blocksize in [1, 5, 1 << 20] {
        let read = |file: &TempCsv, options: CsvOptions| {
            read_csv(file.path(), options.blocksize(blocksize)).unwrap().compute(&exec).unwrap()
        };
        let df = read(&plain, CsvOptions::default().header(false));
        assert_eq!(df.names(), ["0", "1", "2"]);
        let rows_of = |df: &chunked_frame::DataFrame| (0..df.height()).map(|r| df.row(r)).collect::<Vec<_>>();
        assert_eq!(
            rows_of(&df),
            [
                vec![i(1), s("JFK"), f(2.5)],
                vec![i(2), s("LGA"), null.clone()],
                vec![i(3), null.clone(), f(4.0)]
            ],
            "blocksize {blocksize}"
        );
        // Names alone mean no header, as in pandas; one name more is a
        // column of nulls.
        let df = read(&plain, CsvOptions::default().names(&["a", "b", "c", "d"]));
        assert_eq!(df.names(), ["a", "b", "c", "d"]);
        assert_eq!(df.height(), 3, "blocksize {blocksize}");
        assert_eq!(df.row(0), [i(1), s("JFK"), f(2.5), null.clone()]);
        // With a header, names replace it.
        let df = read(
            &headed,
            CsvOptions::default().header(true).names(&["a", "b", "c"]).dtype("a", DType::Int64),
        );
        assert_eq!(df.names(), ["a", "b", "c"]);
        assert_eq!(rows_of(&df)[2], [i(3), null.clone(), f(4.0)], "blocksize {blocksize}");
        // Names without `header(true)` read the header as a row, as pandas.
        let df = read(&headed, CsvOptions::default().names(&["a", "b", "c"]));
        assert_eq!(df.row(0), [s("x"), s("y"), s("z")], "blocksize {blocksize}");
        assert_eq!(df.height(), 4);
    }
    let err = read_csv(plain.path(), CsvOptions::default().names(&["a", "b"])).unwrap_err();
    assert!(err.to_string().contains("2 names for the 3 fields"), "{err}");
    // With a header, as many names as its fields (pandas: "Too many
    // columns specified").
    let err =
        read_csv(headed.path(), CsvOptions::default().header(true).names(&["a", "b", "c", "d"])).unwrap_err();
    assert!(err.to_string().contains("4 names for the 3 fields of the header"), "{err}");
    let err = read_csv(plain.path(), CsvOptions::default().names(&["a", "a", "b"])).unwrap_err();
    assert!(matches!(err, chunked_frame::FrameError::DuplicateColumn { .. }), "{err:?}");
}
