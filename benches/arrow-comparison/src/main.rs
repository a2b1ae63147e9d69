//! The talk's query (`isin` on ORIGIN_AIRPORT, mean DEPARTURE_DELAY per
//! airport) with arrow-csv as the parser, on the same byte-range partitions
//! and two threads as chunked-frame uses, to weigh arrow's column types
//! against chunked-frame's own. Prints the time and peak memory.
//!
//! cargo run --release --manifest-path benches/arrow-comparison/Cargo.toml -- data/generated/flights.csv

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::Instant;

use arrow_array::{Array, Float64Array, StringArray};
use arrow_schema::{DataType, Field, Schema};

const BLOCK: u64 = 64 << 20;

fn main() {
    let path = std::env::args().nth(1).expect("usage: arrow-comparison FILE.csv");
    let start = Instant::now();
    let mut file = std::fs::File::open(&path).expect("open the CSV");
    let mut header = String::new();
    std::io::BufReader::new(&mut file).read_line_into(&mut header);
    let names: Vec<&str> = header.trim_end().split(',').collect();
    let fields: Vec<Field> = names
        .iter()
        .map(|n| {
            Field::new(*n, if *n == "DEPARTURE_DELAY" { DataType::Float64 } else { DataType::Utf8 }, true)
        })
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let origin = names.iter().position(|n| *n == "ORIGIN_AIRPORT").expect("ORIGIN_AIRPORT");
    let delay = names.iter().position(|n| *n == "DEPARTURE_DELAY").expect("DEPARTURE_DELAY");
    let size = std::fs::metadata(&path).expect("size").len();
    let data_start = header.len() as u64;
    let ranges: Vec<(u64, u64)> = (0..)
        .map(|k| data_start + k * BLOCK)
        .take_while(|&s| s < size)
        .map(|s| (s, (s + BLOCK).min(size)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let totals: Vec<BTreeMap<String, (f64, u64)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut acc: BTreeMap<String, (f64, u64)> = BTreeMap::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(s, e)) = ranges.get(k) else { break };
                        let bytes = partition(&path, s, e, data_start, size);
                        let reader = arrow_csv::ReaderBuilder::new(schema.clone())
                            .with_header(false)
                            .with_projection(vec![origin, delay])
                            .with_batch_size(1 << 16)
                            .build(Cursor::new(bytes))
                            .expect("reader");
                        for batch in reader {
                            let batch = batch.expect("a batch");
                            let o = batch.column(0).as_any().downcast_ref::<StringArray>().expect("strings");
                            let d = batch.column(1).as_any().downcast_ref::<Float64Array>().expect("floats");
                            for i in 0..batch.num_rows() {
                                if o.is_valid(i)
                                    && d.is_valid(i)
                                    && matches!(o.value(i), "JFK" | "LGA" | "EWR")
                                {
                                    let a = acc.entry(o.value(i).to_owned()).or_default();
                                    a.0 += d.value(i);
                                    a.1 += 1;
                                }
                            }
                        }
                    }
                    acc
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    });
    let mut all: BTreeMap<String, (f64, u64)> = BTreeMap::new();
    for t in totals {
        for (k, (s, n)) in t {
            let a = all.entry(k).or_default();
            a.0 += s;
            a.1 += n;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    for (k, (s, n)) in &all {
        println!("{k} {}", s / *n as f64);
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: ? kB");
    println!("arrow-csv 55, 2 threads: {seconds:.3} s, peak {}", peak.trim_start_matches("VmHWM:").trim());
}

/// The rows starting in [s, e): from the first line start at or after `s`
/// to the end of the line that holds byte `e - 1`.
fn partition(path: &str, s: u64, e: u64, data_start: u64, size: u64) -> Vec<u8> {
    let mut f = std::fs::File::open(path).expect("open");
    let from = if s == data_start { s } else { s - 1 };
    f.seek(SeekFrom::Start(from)).expect("seek");
    let mut buf = Vec::new();
    f.by_ref().take(e - from).read_to_end(&mut buf).expect("read");
    if e < size && buf.last() != Some(&b'\n') {
        let mut rest = Vec::new();
        f.take(1 << 20).read_to_end(&mut rest).expect("read on");
        let k = memchr::memchr(b'\n', &rest).expect("a line end");
        buf.extend_from_slice(&rest[..=k]);
    }
    let skip = if s == data_start { 0 } else { memchr::memchr(b'\n', &buf).map_or(buf.len(), |k| k + 1) };
    buf.split_off(skip)
}

trait ReadLine {
    fn read_line_into(&mut self, s: &mut String);
}

impl<R: std::io::BufRead> ReadLine for R {
    fn read_line_into(&mut self, s: &mut String) {
        self.read_line(s).expect("a header line");
    }
}
