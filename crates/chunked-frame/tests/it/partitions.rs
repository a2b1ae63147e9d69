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

#[test]
fn a_partition_task_reads_only_its_byte_range_and_the_rest_of_its_last_row() {
    // About 300 KB of rows of uneven length, read in 4 KiB partitions: far
    // more than a partition, and more than the 64 KiB the reader reads at a
    // time to finish a row.
    let mut text = String::from("id,name,value\n");
    let mut longest = 0;
    for i in 0..12_000u32 {
        let line = format!("{i},{},{}.25\n", "x".repeat((i * 7 % 31) as usize), i % 1000);
        longest = longest.max(line.len());
        text.push_str(&line);
    }
    let file = TempCsv::new("byte-ranges.csv", text.as_bytes());
    let blocksize = 4096;
    let frame = read_csv(file.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
    let (got, stats) = frame.compute_with_stats(&Executor::sequential()).unwrap();
    assert_eq!(got.height(), 12_000);
    assert!(stats.partitions >= 70, "{} partitions", stats.partitions);
    // Its range, the byte before it, and at most one line past its end.
    let bound = u64::try_from(blocksize + 1 + longest).unwrap();
    assert!(
        (4096..=bound).contains(&stats.most_bytes_read),
        "a partition read {} bytes; its range is {blocksize} and the longest line {longest}",
        stats.most_bytes_read
    );
}
