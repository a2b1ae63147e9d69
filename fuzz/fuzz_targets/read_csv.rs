//! Fuzzes chunked-frame's CSV reader: any bytes give a frame or an error,
//! never a panic or a hang, and neither depends on how the file is cut
//! into partitions (the first input byte picks a block size of 1 to 256
//! bytes; the rest is the file; a file of at most 64 bytes is also read
//! with every block size up to its length, a cut at every offset). Files
//! with quotes are cut too, so cuts fall inside quoted fields, between
//! doubled quotes and after stray ones.

#![no_main]

use chunked_frame::{CsvOptions, DataFrame, read_csv};
use executors::Executor;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    let blocksize = 1 + usize::from(first);
    let path = std::env::temp_dir().join(format!("chunked-frame-fuzz-{}.csv", std::process::id()));
    std::fs::write(&path, bytes).expect("write the input file");
    let path = path.to_str().expect("a UTF-8 temporary path");
    let exec = Executor::sequential();
    let whole = read_csv(path, CsvOptions::default()).and_then(|f| f.compute(&exec));
    let every = if bytes.len() <= 64 { 1..=bytes.len() } else { 1..=0 };
    for blocksize in std::iter::once(blocksize).chain(every) {
        let parts = read_csv(path, CsvOptions::default().blocksize(blocksize)).and_then(|f| f.compute(&exec));
        match (&whole, &parts) {
            (Ok(a), Ok(b)) => assert_eq!(
                rendered(a),
                rendered(b),
                "one partition and blocks of {blocksize} bytes read different frames"
            ),
            (Err(_), Err(_)) => {}
            _ => panic!("one partition: {whole:?}\nblocks of {blocksize} bytes: {parts:?}"),
        }
    }
});

/// Column names, types and values as text: two frames that hold the same
/// table render the same, whatever their dictionaries' order.
fn rendered(frame: &DataFrame) -> String {
    let types: Vec<String> = frame.columns().iter().map(|c| format!("{:?}", c.dtype())).collect();
    let mut out = format!("{}\n", types.join(","));
    let mut csv = Vec::new();
    frame.write_csv(&mut csv).expect("write to memory");
    out.push_str(&String::from_utf8_lossy(&csv));
    out
}
