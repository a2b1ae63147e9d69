//! Partitioning: how a file is cut changes neither what a read returns nor
//! its errors, and a partition task holds no more of the file than its
//! byte range and the rest of its last row.

use chunked_frame::{CsvOptions, read_csv};
use executors::Executor;

use crate::TempCsv;

#[test]
fn the_largest_blocksize_reads_a_file_as_one_partition() {
    let file = TempCsv::new("largest-blocksize.csv", b"a,b\n1,x\n2,y\n");
    let frame = read_csv(file.path(), CsvOptions::default().blocksize(usize::MAX)).unwrap();
    let (got, stats) = frame.compute_with_stats(&Executor::sequential()).unwrap();
    assert_eq!((got.height(), stats.partitions), (2, 1));
}
