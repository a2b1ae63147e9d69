//! Property tests of the reader: a file read whole and read in partitions of
//! many small sizes gives the same frame (or the same error), for generated
//! tables unquoted (the fast path) and quoted (delimiters, doubled quotes
//! and line ends inside quotes, cut at every offset); arbitrary bytes never
//! panic or hang; and any table written as CSV reads back equal under any
//! partitioning.

use chunked_frame::{Column, CsvOptions, DataFrame, FrameError, RowProblem, read_csv};
use executors::Executor;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::TempCsv;

/// A CSV file to read: its bytes and the reading options that go with it.
#[derive(Clone, Debug)]
struct Case {
    text: String,
    /// Bytes sampled to infer types (small ones make later partitions widen
    /// or fail on their own).
    sample_bytes: usize,
    keep_default_na: bool,
    na_values: Vec<&'static str>,
}

/// What a column holds mostly; each field is still sometimes null text.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Int,
    /// Integers with floats among them (an int64 column that widens).
    IntThenFloat,
    Float,
    Bool,
    Text,
    /// Anything, so that some rows fail to parse.
    Mixed,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        4 => Just(Kind::Int),
        3 => Just(Kind::IntThenFloat),
        2 => Just(Kind::Float),
        1 => Just(Kind::Bool),
        3 => Just(Kind::Text),
        1 => Just(Kind::Mixed),
    ]
}

/// Missing-value texts (pandas' defaults and an extra one) and the empty field.
const NA_TEXTS: &[&str] = &["", "NA", "NaN", "null", "n/a", "-nan", "#N/A", "missing"];

fn int_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (-999i64..1000).prop_map(|x| x.to_string()),
        1 => any::<i64>().prop_map(|x| x.to_string()),
        1 => Just("+7".to_owned()),
        // Past int64: text, or a float in a float column.
        1 => Just("99999999999999999999".to_owned()),
    ]
}

fn float_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (-1e4f64..1e4).prop_map(|x| format!("{x}")),
        1 => (-300i32..300).prop_map(|e| format!("1.5e{e}")),
        1 => Just("inf".to_owned()),
        1 => Just(".5".to_owned()),
        1 => Just("-0.0".to_owned()),
    ]
}

/// An unquoted word: no delimiter, quote or line end.
fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ._/-]{0,8}"
}

/// A field that needs quotes: a delimiter, a doubled quote or a line end.
fn quoted_word() -> impl Strategy<Value = String> {
    "[a-z,\"\n\r]{0,6}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\"")))
}

fn field(kind: Kind, quoting: bool) -> BoxedStrategy<String> {
    let value: BoxedStrategy<String> = match kind {
        Kind::Int => int_text().boxed(),
        Kind::IntThenFloat => prop_oneof![3 => int_text(), 1 => float_text()].boxed(),
        Kind::Float => float_text().boxed(),
        Kind::Bool => {
            prop_oneof![Just("True".to_owned()), Just("false".to_owned()), Just("TRUE".to_owned())].boxed()
        }
        Kind::Text => word().boxed(),
        Kind::Mixed => prop_oneof![int_text(), float_text(), word()].boxed(),
    };
    let na = proptest::sample::select(NA_TEXTS).prop_map(str::to_owned);
    if quoting {
        prop_oneof![6 => value, 1 => na, 2 => quoted_word()].boxed()
    } else {
        prop_oneof![8 => value, 1 => na].boxed()
    }
}

fn case() -> impl Strategy<Value = Case> {
    let shape = (
        proptest::collection::vec(kind(), 1..5),
        // Quoted files one time in three.
        proptest::bool::weighted(1.0 / 3.0),
        0usize..40,
    );
    shape
        .prop_flat_map(|(kinds, quoting, rows)| {
            let row = kinds.iter().map(|&k| field(k, quoting)).collect::<Vec<_>>();
            (
                Just(kinds.len()),
                proptest::collection::vec(row, rows),
                prop_oneof![6 => Just("\n"), 3 => Just("\r\n"), 1 => Just("\r")],
                proptest::bool::weighted(0.8),
                proptest::bool::weighted(0.1),
                prop_oneof![Just(usize::MAX), 1usize..200],
                any::<bool>(),
                proptest::sample::subsequence(vec!["missing", "7", "x"], 0..=2),
            )
        })
        .prop_map(|(ncols, rows, eol, final_eol, blank_lines, sample_bytes, keep_default_na, na_values)| {
            let header: Vec<String> = (0..ncols).map(|j| format!("c{j}")).collect();
            let mut text = header.join(",");
            for (i, row) in rows.iter().enumerate() {
                text.push_str(eol);
                if blank_lines && i % 7 == 3 {
                    text.push_str(eol);
                }
                text.push_str(&row.join(","));
            }
            if final_eol {
                text.push_str(eol);
            }
            Case { text, sample_bytes, keep_default_na, na_values }
        })
}

impl Case {
    fn options(&self, blocksize: usize) -> CsvOptions {
        CsvOptions { sample_bytes: self.sample_bytes, ..CsvOptions::default() }
            .keep_default_na(self.keep_default_na)
            .na_values(&self.na_values)
            .blocksize(blocksize)
    }
}

/// The frame a read computes and its partition count, or its error as
/// [`error_text`] gives it.
fn read(file: &TempCsv, options: CsvOptions) -> Result<(DataFrame, usize), String> {
    let frame = read_csv(file.path(), options).map_err(|e| error_text(&e))?;
    let (frame, stats) = frame.compute_with_stats(&Executor::sequential()).map_err(|e| error_text(&e))?;
    Ok((frame, stats.partitions))
}

/// An error's message, except that a value that does not parse is named by
/// its line, column and text without the type: that is the type the
/// column had reached in the failing partition, which an int64 column
/// widened to float64 by an earlier float in the file has reached only when
/// the float is in the same partition.
fn error_text(e: &FrameError) -> String {
    match e {
        FrameError::Row { path, line, column, problem: RowProblem::Parse { value, .. } } => {
            format!("{}, line {line}, column {column:?}: {value:?} does not parse", path.display())
        }
        other => other.to_string(),
    }
}

/// Partition sizes tried on every file, from one byte (a partition per
/// byte, most of them empty) to several rows.
const BLOCKSIZES: [usize; 10] = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        // Failing cases are kept under the workspace's target/, not in the
        // sources, and replayed first on the next run.
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/proptest-regressions/chunked-frame-fuzz.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn partitioned_reads_equal_the_whole_file_read(case in case()) {
        let file = TempCsv::new("partitioned.csv", case.text.as_bytes());
        let whole = read(&file, case.options(usize::MAX));
        if let Ok((_, parts)) = &whole {
            prop_assert_eq!(*parts, 1);
        }
        for blocksize in BLOCKSIZES {
            let parts = read(&file, case.options(blocksize));
            match (&whole, &parts) {
                (Ok((a, _)), Ok((b, _))) => prop_assert_eq!(a, b, "blocksize {}", blocksize),
                (Err(a), Err(b)) => prop_assert_eq!(a, b, "blocksize {}", blocksize),
                _ => prop_assert!(false, "blocksize {}: whole {:?}, partitioned {:?}", blocksize, whole, parts),
            }
        }
    }

    #[test]
    fn quoted_files_cut_at_every_offset_read_as_the_whole_file(
        rows in proptest::collection::vec(
            (
                prop_oneof![Just("1".to_owned()), Just(String::new()), quoted_word()],
                prop_oneof![word(), quoted_word(), Just("a\"b".to_owned())],
            ),
            1..8,
        ),
        crlf in any::<bool>(),
        final_eol in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::from("n,s");
        for (a, b) in &rows {
            text.push_str(eol);
            text.push_str(&format!("{a},{b}"));
        }
        if final_eol {
            text.push_str(eol);
        }
        let file = TempCsv::new("quoted-offsets.csv", text.as_bytes());
        let options = |blocksize| CsvOptions::default().dtype("s", chunked_frame::DType::Str).blocksize(blocksize);
        let whole = read(&file, options(usize::MAX));
        // Every blocksize up to the file's length puts a cut at every offset.
        for blocksize in 1..=text.len() {
            let parts = read(&file, options(blocksize));
            match (&whole, &parts) {
                (Ok((a, _)), Ok((b, _))) => prop_assert_eq!(a, b, "blocksize {}", blocksize),
                (Err(a), Err(b)) => prop_assert_eq!(a, b, "blocksize {}", blocksize),
                _ => prop_assert!(false, "blocksize {}: whole {:?}, partitioned {:?}", blocksize, whole, parts),
            }
        }
    }

    #[test]
    fn quoted_tables_read_as_the_csv_crate_reads_them(
        rows in proptest::collection::vec(
            prop_oneof![20 => Just(3usize), 1 => 2usize..5]
                .prop_flat_map(|n| proptest::collection::vec(prop_oneof![word(), quoted_word()], n)),
            1..30,
        ),
        crlf in any::<bool>(),
        blocksize in prop_oneof![Just(usize::MAX), 1usize..64],
        usecols in proptest::sample::subsequence(vec!["c0", "c1", "c2"], 1..=3),
    ) {
        // An independent parser as the oracle for the fast path of quoted
        // rows (and the tokenizer behind it), every column read as text.
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::from("c0,c1,c2");
        for row in &rows {
            text.push_str(eol);
            text.push_str(&row.join(","));
        }
        text.push_str(eol);
        let file = TempCsv::new("oracle.csv", text.as_bytes());
        let mut options = CsvOptions::default().keep_default_na(false).blocksize(blocksize).usecols(&usecols);
        for c in ["c0", "c1", "c2"] {
            options = options.dtype(c, chunked_frame::DType::Str);
        }
        let got = read_csv(file.path(), options).unwrap().compute(&Executor::sequential());
        if rows.iter().any(|r| r.len() > 3) {
            // A row longer than the header is an error, however few columns are read.
            let err = got.unwrap_err();
            prop_assert!(matches!(err, FrameError::Row { problem: RowProblem::FieldCount { .. }, .. }), "{:?}", err);
            return Ok(());
        }
        let got = got.unwrap();
        let want: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| {
                // A short row's missing fields read as empty text (pandas
                // pads it so without its default missing values).
                let mut row: Vec<String> = r.unwrap().iter().map(str::to_owned).collect();
                row.resize(3, String::new());
                row
            })
            // The csv crate skips blank lines, as this reader does.
            .collect();
        prop_assert_eq!(got.height(), want.len());
        for (i, w) in want.iter().enumerate() {
            let row: Vec<String> = got.row(i).iter().map(ToString::to_string).collect();
            let w: Vec<String> = usecols.iter().map(|c| w[usize::from(c.as_bytes()[1] - b'0')].clone()).collect();
            prop_assert_eq!(row, w, "row {}", i);
        }
    }

    #[test]
    fn arbitrary_bytes_read_alike_whole_and_partitioned(
        // Quotes in one file of two.
        bytes in (
            proptest::collection::vec(
                prop_oneof![
                    4 => Just(b','), 3 => Just(b'\n'), 1 => Just(b'\r'), 1 => Just(b'"'), 4 => Just(b'1'),
                    2 => Just(b'a'), 1 => Just(b'.'), 1 => Just(b'-'), 1 => Just(b'e'), 1 => any::<u8>(),
                ],
                0..300,
            ),
            proptest::bool::weighted(0.5),
        ).prop_map(|(mut bytes, quotes)| {
            if !quotes {
                bytes.retain(|&b| b != b'"');
            }
            bytes
        }),
        blocksize in 1usize..64,
    ) {
        let file = TempCsv::new("fuzz.csv", &bytes);
        let whole = read(&file, CsvOptions::default());
        let parts = read(&file, CsvOptions::default().blocksize(blocksize));
        match (&whole, &parts) {
            (Ok((a, _)), Ok((b, _))) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            _ => prop_assert!(false, "whole {:?}, partitioned {:?}", whole, parts),
        }
    }

    #[test]
    fn written_tables_read_back_equal(
        rows in proptest::collection::vec(
            (any::<i32>(), proptest::option::of(-1e6f64..1e6), "[a-z ,\"\n]{1,6}"),
            1..40,
        ),
        blocksize in 8usize..200,
    ) {
        let ints = Column::Int64 { values: rows.iter().map(|r| i64::from(r.0)).collect(), valid: vec![] };
        let floats = Column::Float64 {
            values: rows.iter().map(|r| r.1.unwrap_or(f64::NAN)).collect(),
            valid: rows.iter().map(|r| r.1.is_some()).collect(),
        };
        let strings = Column::Str { dict: rows.iter().map(|r| r.2.clone()).collect(), codes: (0..rows.len() as u32).collect() };
        let frame = DataFrame::new(vec!["i".into(), "x".into(), "s".into()], vec![ints, floats, strings]).unwrap();
        let mut bytes = Vec::new();
        frame.write_csv(&mut bytes).unwrap();
        let file = TempCsv::new("roundtrip.csv", &bytes);
        // Strings such as `nan` or `null` are text here: only the empty
        // field (the writer's null) is missing.
        let options = CsvOptions::default()
            .keep_default_na(false)
            .na_values(&[""])
            .blocksize(blocksize)
            .dtype("i", chunked_frame::DType::Int64)
            .dtype("x", chunked_frame::DType::Float64)
            .dtype("s", chunked_frame::DType::Str);
        let back = read_csv(file.path(), options).unwrap().compute(&Executor::sequential()).unwrap();
        prop_assert_eq!(back, frame);
    }
}

#[test]
fn the_generator_makes_files_read_in_several_partitions_quoted_ones_too() {
    // The property above is only as good as its files: most must be split,
    // and quoted ones among them.
    let mut runner = TestRunner::deterministic();
    let (mut split, mut quoted, mut quoted_split, total) = (0, 0, 0, 300);
    for _ in 0..total {
        let case = case().new_tree(&mut runner).unwrap().current();
        let has_quote = case.text.contains('"');
        quoted += usize::from(has_quote);
        let file = TempCsv::new("generator.csv", case.text.as_bytes());
        if let Ok(frame) = read_csv(file.path(), case.options(16)) {
            split += usize::from(frame.partitions() > 1);
            quoted_split += usize::from(has_quote && frame.partitions() > 1);
        }
    }
    assert!(split * 10 >= total * 7, "{split} of {total} files read in more than one partition");
    assert!(quoted * 5 >= total, "{quoted} of {total} files quoted");
    assert!(quoted_split * 10 >= quoted * 7, "{quoted_split} of {quoted} quoted files split");
}
