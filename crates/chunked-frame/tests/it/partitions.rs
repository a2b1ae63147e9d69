//! Partitioning: how a file is cut changes neither what a read returns nor
//! its errors, and a partition task holds no more of the file than its
//! byte range and the rest of its last row.

use chunked_frame::{CsvOptions, FrameError, RowProblem, Value, read_csv};
use executors::{Executor, Strategy};

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

#[test]
fn a_quoted_file_is_split_and_a_task_reads_only_its_range_and_the_rest_of_its_last_row() {
    // Quoted fields holding delimiters, doubled quotes and line ends, some
    // longer than a partition's 4 KiB would allow if rows were lines.
    let mut text = String::from("id,name,value\n");
    let mut longest = 0;
    for i in 0..12_000u32 {
        let name = match i % 4 {
            0 => format!("\"a, \"\"b\"\"\n{}\"", "y".repeat((i * 7 % 31) as usize)),
            1 => format!("\"{}\"", "z\n".repeat((i % 9) as usize)),
            2 => "plain".to_owned(),
            _ => "\"\"".to_owned(),
        };
        let line = format!("{i},{name},{}.25\n", i % 1000);
        longest = longest.max(line.len());
        text.push_str(&line);
    }
    let file = TempCsv::new("quoted-byte-ranges.csv", text.as_bytes());
    let blocksize = 4096;
    let frame = read_csv(file.path(), CsvOptions::default().blocksize(blocksize)).unwrap();
    let (got, stats) = frame.compute_with_stats(&Executor::new(Strategy::Graph, 2).unwrap()).unwrap();
    let whole =
        read_csv(file.path(), CsvOptions::default()).unwrap().compute(&Executor::sequential()).unwrap();
    assert_eq!(got, whole);
    assert_eq!(got.height(), 12_000);
    assert_eq!(got.row(4)[1], Value::Str(format!("a, \"b\"\n{}", "y".repeat(28))));
    assert!(stats.partitions >= 70, "{} partitions", stats.partitions);
    // Its range and at most one row past its end.
    let bound = u64::try_from(blocksize + longest).unwrap();
    assert!(
        (4096..=bound).contains(&stats.most_bytes_read),
        "a partition read {} bytes; its range is {blocksize} and the longest row {longest}",
        stats.most_bytes_read
    );
}

/// Bytes this process has read through `read` calls so far (Linux).
#[cfg(target_os = "linux")]
fn bytes_read_by_process() -> u64 {
    let io = std::fs::read_to_string("/proc/self/io").unwrap();
    let line = io.lines().find(|l| l.starts_with("rchar:")).unwrap();
    line["rchar:".len()..].trim().parse().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn read_csv_reads_the_header_and_the_sample_not_the_whole_file() {
    // A 256 MiB file, sparse after its first rows (zeros cost no disk): a
    // read that looked at every byte (for quotes, say, which it has none
    // of) would read it all.
    let file = TempCsv::new("lazy.csv", b"a,b\n1,x\n2,y\n");
    std::fs::OpenOptions::new().write(true).open(&file.0).unwrap().set_len(256 << 20).unwrap();
    let before = bytes_read_by_process();
    let frame = read_csv(file.path(), CsvOptions::default().blocksize(1 << 20)).unwrap();
    let read = bytes_read_by_process() - before;
    assert_eq!(frame.partitions(), 256);
    // The header and a sample of 256 KiB, and whatever other tests running
    // at the same time read: far less than the file.
    assert!(read < 64 << 20, "read_csv read {read} bytes of a 256 MiB file");
}

#[test]
fn each_file_of_a_glob_starts_outside_quotes_however_the_one_before_ends() {
    // The first file ends inside an unclosed quote; the second starts a
    // fresh row, cut anywhere, and the error is the first file's.
    let dir = std::env::temp_dir().join(format!("chunked-frame-glob-quoted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("q-1.csv"), "a,b\n1,\"x\ny\"\n2,\"open\n").unwrap();
    std::fs::write(dir.join("q-2.csv"), "a,b\n3,\"p\"\"q\n,r\"\n4,s\n").unwrap();
    let pattern = dir.join("q-*.csv");
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    for blocksize in [1, 2, 3, 5, 8, 1 << 20] {
        let err = read_csv(pattern.to_str().unwrap(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .compute(&exec)
            .unwrap_err();
        match &err {
            FrameError::Row { path, line: 4, problem: RowProblem::UnclosedQuote, .. } => {
                assert_eq!(path, &dir.join("q-1.csv"), "blocksize {blocksize}");
            }
            other => panic!("blocksize {blocksize}: {other:?}"),
        }
        let second =
            read_csv(dir.join("q-2.csv").to_str().unwrap(), CsvOptions::default().blocksize(blocksize))
                .unwrap()
                .compute(&exec)
                .unwrap();
        assert_eq!(second.row(0), [Value::Int(3), Value::Str("p\"q\n,r".into())], "blocksize {blocksize}");
        assert_eq!(second.height(), 2);
    }
    std::fs::write(dir.join("q-1.csv"), "a,b\n1,\"x\ny\"\n").unwrap();
    for blocksize in [1, 2, 3, 5, 8, 1 << 20] {
        let both = read_csv(pattern.to_str().unwrap(), CsvOptions::default().blocksize(blocksize))
            .unwrap()
            .compute(&exec)
            .unwrap();
        assert_eq!(both.height(), 3, "blocksize {blocksize}");
        assert_eq!(both.row(1), [Value::Int(3), Value::Str("p\"q\n,r".into())], "blocksize {blocksize}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
