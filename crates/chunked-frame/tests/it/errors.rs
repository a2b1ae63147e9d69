//! Bad input: each gives an error naming the file, the 1-based line and the
//! column; the skip policy counts bad rows instead.

use chunked_frame::{BadRows, CsvOptions, DType, FrameError, RowProblem, col, read_csv};
use executors::Executor;

use crate::TempCsv;

fn compute_err(file: &TempCsv, options: CsvOptions) -> FrameError {
    match read_csv(file.path(), options) {
        Err(e) => e,
        Ok(f) => f.compute(&Executor::sequential()).unwrap_err(),
    }
}

#[test]
fn missing_empty_and_header_only_files() {
    let err = read_csv("/nonexistent/flights.csv", CsvOptions::default()).unwrap_err();
    assert!(
        matches!(err, FrameError::Io { .. }) && err.to_string().contains("/nonexistent/flights.csv"),
        "{err}"
    );
    let err = read_csv("/nonexistent/*.csv", CsvOptions::default()).unwrap_err();
    assert!(matches!(err, FrameError::NoFiles(_)), "{err}");
    let empty = TempCsv::new("empty.csv", b"");
    let err = read_csv(empty.path(), CsvOptions::default()).unwrap_err();
    assert!(matches!(err, FrameError::Empty { .. }) && err.to_string().contains("empty.csv"), "{err}");
    // Rows that are all filtered out are an empty result, not an error.
    let rows = TempCsv::new("rows.csv", b"a,b\n1,2\n");
    let f = read_csv(rows.path(), CsvOptions::default()).unwrap();
    let got = f.filter(chunked_frame::col("a").gt(5)).compute(&Executor::sequential()).unwrap();
    assert_eq!((got.height(), got.names().len()), (0, 2));
}

#[test]
fn a_row_longer_than_the_header_names_file_and_line() {
    let file = TempCsv::new("count.csv", b"a,b\n1,2\n3,4,5\n4,5\n");
    let err = compute_err(&file, CsvOptions::default());
    match &err {
        FrameError::Row { line, problem: RowProblem::FieldCount { expected: 2, found: 3 }, .. } => {
            assert_eq!(*line, 3)
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("count.csv, line 3"), "{err}");
}

#[test]
fn a_missing_field_a_column_cannot_be_empty_in_names_file_line_and_column() {
    // Without pandas' missing values an empty field is text, which an int
    // column refuses: so is a short row's missing field.
    let file = TempCsv::new("short.csv", b"a,b\n1,2\n3\n");
    let options = CsvOptions::default().keep_default_na(false).dtype("b", chunked_frame::DType::Int64);
    let err = compute_err(&file, options);
    match &err {
        FrameError::Row { line: 3, column: Some(c), problem: RowProblem::Parse { value, .. }, .. } => {
            assert_eq!((c.as_str(), value.as_str()), ("b", ""))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_value_that_does_not_parse_names_line_column_value_and_the_fix() {
    let mut text = String::from("id,v\n");
    for i in 0..5000 {
        text.push_str(&format!("{i},{i}\n"));
    }
    text.push_str("5000,12.5\n5001,JFK\n5002,xyz\n"); // past the inference sample
    let file = TempCsv::new("parse.csv", text.as_bytes());
    let err = compute_err(&file, CsvOptions::default().blocksize(10_000).tap_sample(1000));
    match &err {
        FrameError::Row {
            line,
            column: Some(c),
            // The column widened at 12.5, so the dtype is float64 by now.
            problem: RowProblem::Parse { dtype: DType::Float64, value, .. },
            ..
        } => {
            assert_eq!((*line, c.as_str(), value.as_str()), (5003, "v", "JFK"));
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("parse.csv, line 5003, column \"v\""), "{message}");
    assert!(message.contains("CsvOptions::dtype(column, DType::Str)"), "{message}");
    // The override fixes it.
    let f = read_csv(file.path(), CsvOptions::default().dtype("v", DType::Str)).unwrap();
    assert_eq!(f.len(&Executor::sequential()).unwrap(), 5003);
}

#[test]
fn a_forced_numeric_type_reports_the_first_bad_value_even_inside_the_sample() {
    // The sample sees the strings; the user forces int64 anyway.
    let file = TempCsv::new("forced.csv", b"k,v\na,1\nb,2\nc,two\nd,x\ne,5.5\n");
    for blocksize in [1 << 20, 6] {
        let err = compute_err(&file, CsvOptions::default().dtype("v", DType::Int64).blocksize(blocksize));
        match &err {
            FrameError::Row {
                line: 4, column: Some(c), problem: RowProblem::Parse { value, .. }, ..
            } => {
                assert_eq!((c.as_str(), value.as_str()), ("v", "two"))
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("set with CsvOptions::dtype"), "{err}");
    }
    // A forced int64 column does not widen: 5.5 is an error there.
    let file = TempCsv::new("forced-float.csv", b"v\n1\n5.5\n");
    let err = compute_err(&file, CsvOptions::default().dtype("v", DType::Int64));
    assert!(
        matches!(&err, FrameError::Row { line: 3, problem: RowProblem::Parse { value, .. }, .. } if value == "5.5"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_in_a_string_column() {
    let file = TempCsv::new("utf8.csv", b"k,v\nok,1\n\xff\xfe,2\n");
    let err = compute_err(&file, CsvOptions::default());
    match &err {
        FrameError::Row { line: 3, column: Some(c), problem: RowProblem::Utf8, .. } => assert_eq!(c, "k"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_columns_and_unknown_columns() {
    let file = TempCsv::new("dup.csv", b"a,b,a\n1,2,3\n");
    let err = read_csv(file.path(), CsvOptions::default()).unwrap_err();
    assert!(matches!(&err, FrameError::DuplicateColumn { first: 1, second: 3, .. }), "{err}");
    let file = TempCsv::new("ok.csv", b"a,b\n1,2\n");
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    let err = f.clone().filter(col("nope").eq(1)).compute(&Executor::sequential()).unwrap_err();
    assert!(matches!(&err, FrameError::UnknownColumn { name, .. } if name == "nope"), "{err}");
    assert!(err.to_string().contains("a, b"), "{err}");
    let err = f.groupby(&["a"]).mean("zzz").compute(&Executor::sequential()).unwrap_err();
    assert!(matches!(&err, FrameError::UnknownColumn { name, .. } if name == "zzz"), "{err}");
    let err = read_csv(file.path(), CsvOptions::default().dtype("c", DType::Int64)).unwrap_err();
    assert!(matches!(&err, FrameError::UnknownOptionColumn { option: "dtype", .. }), "{err}");
    let err = read_csv(file.path(), CsvOptions::default().blocksize(0)).unwrap_err();
    assert!(matches!(&err, FrameError::Option { name: "blocksize", .. }), "{err}");
}

#[test]
fn bad_rows_can_be_skipped_and_counted() {
    // A value that does not parse and a row too long are skipped; a short
    // row is no bad row (its missing field is null, as pandas pads it).
    let file = TempCsv::new("skip.csv", b"a,b\n1,2\nx,3\n4,5,6\n7\n8,9\n");
    let f = read_csv(file.path(), CsvOptions::default().bad_rows(BadRows::Skip).dtype("a", DType::Int64))
        .unwrap();
    let (frame, stats) = f.compute_with_stats(&Executor::sequential()).unwrap();
    assert_eq!(frame.height(), 3);
    assert_eq!(stats.skipped_rows, 2);
    assert!(frame.column("b").unwrap().is_null(1));
}

trait TapSample {
    fn tap_sample(self, bytes: usize) -> Self;
}

impl TapSample for CsvOptions {
    fn tap_sample(mut self, bytes: usize) -> Self {
        self.sample_bytes = bytes;
        self
    }
}

#[test]
fn frames_of_mismatched_parts_are_refused() {
    use chunked_frame::{Column, DataFrame};
    let a = Column::Int64 { values: vec![1, 2], valid: vec![] };
    let b = Column::Int64 { values: vec![1], valid: vec![] };
    let err = DataFrame::new(vec!["a".into(), "b".into()], vec![a.clone(), b]).unwrap_err();
    assert!(err.to_string().contains("lengths [2, 1]"), "{err}");
    let err = DataFrame::new(vec!["a".into()], vec![a.clone(), a.clone()]).unwrap_err();
    assert!(err.to_string().contains("1 names for 2 columns"), "{err}");
    assert_eq!(DataFrame::new(vec!["a".into()], vec![a]).unwrap().height(), 2);
}

#[test]
fn the_first_bad_line_is_reported_whatever_order_partitions_run_in() {
    // Bad values in every partition but the first; the first bad one is on line 60.
    let mut text = String::from("k,v\n");
    for i in 0..2000 {
        let bad = i >= 58 && i % 50 == 8;
        text.push_str(&if bad { format!("{i},bad{i}\n") } else { format!("{i},{i}\n") });
    }
    let file = TempCsv::new("first-bad.csv", text.as_bytes());
    let options = CsvOptions::default().blocksize(300).dtype("v", DType::Int64);
    for exec in [
        Executor::new(executors::Strategy::Graph, 2).unwrap(),
        Executor::new(executors::Strategy::Pool, 2).unwrap(),
    ] {
        let frame = read_csv(file.path(), options.clone()).unwrap();
        assert!(frame.partitions() > 20);
        let errs = [
            frame.compute(&exec).unwrap_err(),
            frame.clone().groupby(&["k"]).sum("v").compute(&exec).unwrap_err(),
            frame.describe(&exec).unwrap_err(),
        ];
        for err in errs {
            assert!(
                matches!(&err, FrameError::Row { line: 60, problem: RowProblem::Parse { value, .. }, .. } if value == "bad58"),
                "{err}"
            );
        }
    }
}

#[test]
fn a_pipe_or_a_directory_is_refused_at_once_not_waited_on() {
    let dir = std::env::temp_dir().join(format!("chunked-frame-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("data.csv");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let err =
        chunked_frame::read_csv(fifo.to_str().unwrap(), chunked_frame::CsvOptions::default()).unwrap_err();
    assert!(err.to_string().contains("not a regular file") && err.to_string().contains("data.csv"), "{err}");
    let err =
        chunked_frame::read_csv(dir.to_str().unwrap(), chunked_frame::CsvOptions::default()).unwrap_err();
    assert!(err.to_string().contains("a directory"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dtype_if_present_ignores_absent_names_as_pandas_does_and_dtype_does_not() {
    let dir = std::env::temp_dir().join(format!("chunked-frame-dtype-if-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.csv");
    std::fs::write(&path, "a,b\n0005,1\n0010,2\n").unwrap();
    let path = path.to_str().unwrap();
    let options = chunked_frame::CsvOptions::default()
        .dtype_if_present("a", chunked_frame::DType::Str)
        .dtype_if_present("not_there", chunked_frame::DType::Float64);
    let schema = chunked_frame::read_csv(path, options).unwrap().schema().unwrap();
    let a = schema.fields.iter().find(|f| f.name == "a").unwrap();
    assert_eq!(a.dtype, chunked_frame::DType::Str, "leading zeros kept as text");
    let err = chunked_frame::read_csv(
        path,
        chunked_frame::CsvOptions::default().dtype("not_there", chunked_frame::DType::Str),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not_there"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_blocksize_that_would_make_millions_of_partitions_is_refused() {
    let dir = std::env::temp_dir().join(format!("chunked-frame-many-parts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.csv");
    // 2.2 MB at one byte a partition: more than 2^20 partitions.
    let mut text = String::from("a,b\n");
    while text.len() < 2_200_000 {
        text.push_str("1,2\n");
    }
    std::fs::write(&path, &text).unwrap();
    let err =
        chunked_frame::read_csv(path.to_str().unwrap(), chunked_frame::CsvOptions::default().blocksize(1))
            .unwrap_err();
    assert!(err.to_string().contains("blocksize") && err.to_string().contains("larger"), "{err}");
    assert!(
        chunked_frame::read_csv(path.to_str().unwrap(), chunked_frame::CsvOptions::default().blocksize(4))
            .is_ok()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
