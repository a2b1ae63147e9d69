//! Property tests of the reader: arbitrary bytes never panic or hang, and
//! any table written as CSV (with delimiters, quotes and newlines in its
//! strings) reads back equal under any partitioning.

use chunked_frame::{Column, CsvOptions, DataFrame, read_csv};
use executors::Executor;
use proptest::prelude::*;

use crate::TempCsv;

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
    fn arbitrary_bytes_give_a_frame_or_an_error(
        bytes in proptest::collection::vec(prop_oneof![Just(b','), Just(b'"'), Just(b'\n'), Just(b'\r'), Just(b'a'), Just(b'1'), Just(b'.'), Just(b'-'), any::<u8>()], 0..300),
        blocksize in 1usize..64,
    ) {
        let file = TempCsv::new("fuzz.csv", &bytes);
        if let Ok(f) = read_csv(file.path(), CsvOptions::default().blocksize(blocksize)) {
            let _ = f.compute(&Executor::sequential());
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
