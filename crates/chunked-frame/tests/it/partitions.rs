//! Partitioning: how a file is cut changes neither what a read returns nor
//! its errors, and a partition task holds no more of the file than its
//! byte range and the rest of its last row.

use chunked_frame::{CsvOptions, FrameError, RowProblem, read_csv};
use executors::Executor;

use crate::TempCsv;

#[test]
fn the_largest_blocksize_reads_a_file_as_one_partition() {
    let file = TempCsv::new("largest-blocksize.csv", b"a,b\n1,x\n2,y\n");
    let frame = read_csv(file.path(), CsvOptions::default().blocksize(usize::MAX)).unwrap();
    let (got, stats) = frame.compute_with_stats(&Executor::sequential()).unwrap();
    assert_eq!((got.height(), stats.partitions), (2, 1));
}

#[test]
fn an_integer_past_int64_fails_alike_however_the_file_is_partitioned() {
    // The sample sees integers only; a float further on widens the column
    // to float64, and an integer past int64 after it would round. Read
    // whole, the float and the integer share a partition; cut small, they
    // do not. Either way the integer is an error, named where it is.
    let mut text = String::from("a\n");
    for i in 0..50 {
        text.push_str(&format!("{i}\n"));
    }
    text.push_str("1.5\n7\n99999999999999999999\n8\n");
    let file = TempCsv::new("past-int64.csv", text.as_bytes());
    for blocksize in [usize::MAX, 1000, 64, 8, 1] {
        let options = CsvOptions { sample_bytes: 20, ..CsvOptions::default() }.blocksize(blocksize);
        let err = read_csv(file.path(), options).unwrap().compute(&Executor::sequential()).unwrap_err();
        match &err {
            FrameError::Row {
                line: 54, column: Some(c), problem: RowProblem::Parse { value, .. }, ..
            } => {
                assert_eq!(
                    (c.as_str(), value.as_str()),
                    ("a", "99999999999999999999"),
                    "blocksize {blocksize}"
                );
            }
            other => panic!("blocksize {blocksize}: {other:?}"),
        }
        assert!(err.to_string().contains("is not a valid int64"), "blocksize {blocksize}: {err}");
    }
}
