//! Compressed CSV: gzip, zstd and bzip2 files read as the same text uncompressed,
//! one partition a file, in blocks; corrupt and truncated files are typed
//! errors naming the file.

use std::io::Write;

use chunked_frame::{Compression, CsvOptions, FrameError, RowProblem, read_csv};
use executors::{Executor, Strategy};

use crate::TempCsv;

/// About 1.3 MB of rows, some quoted with delimiters, doubled quotes and
/// line ends inside.
fn text() -> String {
    let mut text = String::from("id,name,value\n");
    for i in 0..40_000u32 {
        let name = match i % 5 {
            0 => format!("\"a, \"\"b\"\"\nc{}\"", i % 13),
            1 => "\"\"".to_owned(),
            _ => format!("n{}", i % 17),
        };
        text.push_str(&format!("{i},{name},{}.5\n", i % 100));
    }
    text
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// bzip2 in two streams (as `pbzip2` writes), cut inside a row.
fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let cut = bytes.len() / 2 + 3;
    for half in [&bytes[..cut], &bytes[cut..]] {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(half).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(bytes, 1).unwrap()
}

#[test]
fn gzip_zstd_and_bzip2_files_read_as_their_text_one_partition_each_in_blocks() {
    let text = text();
    let plain = TempCsv::new("plain.csv", text.as_bytes());
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    let want =
        read_csv(plain.path(), CsvOptions::default().blocksize(100_000)).unwrap().compute(&exec).unwrap();
    assert_eq!(want.height(), 40_000);
    for (name, bytes) in [
        ("t.csv.gz", gzip(text.as_bytes())),
        ("t.csv.zst", zstd(text.as_bytes())),
        ("t.csv.bz2", bzip2(text.as_bytes())),
    ] {
        let file = TempCsv::new(name, &bytes);
        let frame = read_csv(file.path(), CsvOptions::default().blocksize(64 << 10)).unwrap();
        assert_eq!(frame.partitions(), 1, "{name}");
        let (got, stats) = frame.compute_with_stats(&exec).unwrap();
        assert_eq!(got, want, "{name}");
        // Blocks of 64 KiB of decoded text (and a piece of 16 KiB more at
        // most), not the 1.3 MB.
        assert!(stats.most_bytes_read <= 80 << 10, "{name}: {} bytes held", stats.most_bytes_read);
        let sums = read_csv(file.path(), CsvOptions::default()).unwrap().groupby(&["name"]).sum("value");
        // 17 plain names, 13 quoted ones; the empty one is null.
        assert_eq!(sums.compute(&exec).unwrap().height(), 30, "{name}");
    }
}

#[test]
fn a_glob_of_compressed_files_is_a_partition_per_file_and_the_option_overrides_the_name() {
    let a = TempCsv::new("glob-1.csv.gz", &gzip(b"k,v\na,1\n"));
    let _b = TempCsv::new("glob-2.csv.gz", &gzip(b"k,v\nb,2\nc,3\n"));
    let _c = TempCsv::new("glob-3.csv.gz", &gzip(b"k,v\n"));
    let pattern = a.0.parent().unwrap().join("glob-*.csv.gz");
    let frame = read_csv(pattern.to_str().unwrap(), CsvOptions::default()).unwrap();
    // The header-only file has no partition.
    assert_eq!(frame.partitions(), 2);
    assert_eq!(frame.len(&Executor::sequential()).unwrap(), 3);
    // Plain, gzip and zstd files in one glob, each read as its name says.
    let m = TempCsv::new("mixed-1.csv", b"k,v\na,1\nb,2\n");
    let _n = TempCsv::new("mixed-2.csv.gz", &gzip(b"k,v\nc,3\n"));
    let _o = TempCsv::new("mixed-3.csv.zst", &zstd(b"k,v\nd,4\n"));
    let pattern = m.0.parent().unwrap().join("mixed-*");
    let frame = read_csv(pattern.to_str().unwrap(), CsvOptions::default().blocksize(4)).unwrap();
    let sums = frame.groupby(&["k"]).sum("v").compute(&Executor::sequential()).unwrap();
    assert_eq!(sums.height(), 4);
    assert_eq!(sums.row(3), [chunked_frame::Value::Str("d".into()), chunked_frame::Value::Int(4)]);
    let odd = TempCsv::new("gzip-without-extension.dat", &gzip(b"k,v\na,1\n"));
    let frame = read_csv(odd.path(), CsvOptions::default().compression(Compression::Gzip)).unwrap();
    assert_eq!(frame.len(&Executor::sequential()).unwrap(), 1);
    let plain = TempCsv::new("plain-named.csv.gz", b"k,v\na,1\n");
    let frame = read_csv(plain.path(), CsvOptions::default().compression(Compression::Uncompressed)).unwrap();
    assert_eq!(frame.len(&Executor::sequential()).unwrap(), 1);
}

/// The error of reading `bytes` as file `name` whole.
fn error_of(name: &str, bytes: &[u8]) -> (FrameError, std::path::PathBuf) {
    let file = TempCsv::new(name, bytes);
    let err = read_csv(file.path(), CsvOptions::default())
        .and_then(|f| f.compute(&Executor::sequential()))
        .unwrap_err();
    (err, file.0.clone())
}

#[test]
fn corrupt_and_truncated_files_are_errors_naming_the_file_and_format() {
    let text = text();
    let gz = gzip(text.as_bytes());
    let zst = zstd(text.as_bytes());
    let mut flipped = gz.clone();
    let middle = flipped.len() / 2;
    for b in &mut flipped[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let cases: [(&str, &[u8], &str); 5] = [
        ("truncated.csv.gz", &gz[..gz.len() / 2], "gzip"),
        ("corrupt.csv.gz", &flipped, "gzip"),
        ("truncated.csv.zst", &zst[..zst.len() / 2], "zstd"),
        ("not-gzip.csv.gz", text.as_bytes(), "gzip"),
        ("not-zstd.csv.zst", text.as_bytes(), "zstd"),
    ];
    for (name, bytes, format) in cases {
        let (err, path) = error_of(name, bytes);
        match &err {
            FrameError::Decompress { path: p, format: f, .. } => {
                assert_eq!((p, *f), (&path, format), "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert!(err.to_string().contains(name), "{name}: {err}");
    }
}

#[test]
fn errors_in_compressed_files_name_the_line_of_the_decoded_text() {
    let mut text = String::from("a,b\n");
    for i in 0..30_000 {
        text.push_str(&format!("{i},\"x\ny\"\n"));
    }
    text.push_str("oops,1\n");
    let file = TempCsv::new("bad-line.csv.zst", &zstd(text.as_bytes()));
    let options = CsvOptions::default().dtype("a", chunked_frame::DType::Int64).blocksize(1000);
    let err = read_csv(file.path(), options).unwrap().compute(&Executor::sequential()).unwrap_err();
    match err {
        FrameError::Row { line, problem: RowProblem::Parse { value, .. }, .. } => {
            assert_eq!((line, value.as_str()), (60_002, "oops"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_error_early_in_a_large_compressed_file_stops_the_decoding_and_is_reported() {
    // The parser stops at line 2 while the decoder has megabytes to go:
    // the read ends with the error, not a hang.
    let mut text = String::from("a,b\nnope,1\n");
    for i in 0..200_000 {
        text.push_str(&format!("{i},x\n"));
    }
    for (name, bytes) in [("early.csv.gz", gzip(text.as_bytes())), ("early.csv.zst", zstd(text.as_bytes()))] {
        let file = TempCsv::new(name, &bytes);
        let options = CsvOptions::default().dtype("a", chunked_frame::DType::Int64).blocksize(64 << 10);
        let err = read_csv(file.path(), options).unwrap().compute(&Executor::sequential()).unwrap_err();
        assert!(matches!(err, FrameError::Row { line: 2, .. }), "{name}: {err:?}");
    }
}

#[test]
fn rows_longer_than_a_block_read_whole_across_blocks() {
    // Short rows around rows of 150 KB and 300 KB (quoted, with line ends
    // inside), each spanning blocks of 64 KiB, and a last row without its
    // line end.
    let mut text = String::from("id,note,n\n");
    for i in 0..30u32 {
        let note = match i % 10 {
            3 => format!("\"{}\"", "x,\n\"\"".repeat(30_000)),
            7 => "y".repeat(300_000),
            _ => format!("short {i}"),
        };
        text.push_str(&format!("{i},{note},{}\n", i * 2));
    }
    text.push_str("30,end,60");
    let plain = TempCsv::new("long-rows.csv", text.as_bytes());
    let exec = Executor::new(Strategy::Graph, 2).unwrap();
    let want = read_csv(plain.path(), CsvOptions::default()).unwrap().compute(&exec).unwrap();
    assert_eq!(want.height(), 31);
    for (name, bytes) in [("long.csv.gz", gzip(text.as_bytes())), ("long.csv.zst", zstd(text.as_bytes()))] {
        let file = TempCsv::new(name, &bytes);
        let got =
            read_csv(file.path(), CsvOptions::default().blocksize(64 << 10)).unwrap().compute(&exec).unwrap();
        assert_eq!(got, want, "{name}");
    }
}

/// pandas infers these by name too; here they are refused by name, not
/// read as text, and the option reads a misnamed plain file.
#[test]
fn formats_not_read_are_refused_by_name() {
    for (name, format) in [
        ("t.csv.xz", "xz"),
        ("t.csv.ZIP", "zip"),
        ("t.tar", "tar"),
        ("t.tgz", "tar"),
        ("t.csv.lzma", "lzma"),
        ("t.csv.7z", "7z"),
        ("t.csv.lz4", "lz4"),
        ("t.csv.br", "brotli"),
    ] {
        let file = TempCsv::new(name, b"a,b\n1,2\n");
        match read_csv(file.path(), CsvOptions::default()) {
            Err(FrameError::UnsupportedCompression { path, format: f }) => {
                assert_eq!((path.to_str().unwrap(), f), (file.path(), format));
            }
            other => panic!("{name}: {other:?}"),
        }
        let plain =
            read_csv(file.path(), CsvOptions::default().compression(Compression::Uncompressed)).unwrap();
        assert_eq!(plain.len(&Executor::sequential()).unwrap(), 1, "{name}");
    }
}

#[test]
fn a_corrupt_bzip2_file_is_an_error_naming_it_and_the_format() {
    let mut bytes = bzip2(text().as_bytes());
    let n = bytes.len();
    bytes[n / 2] ^= 0x55;
    let file = TempCsv::new("corrupt.csv.bz2", &bytes);
    let err = read_csv(file.path(), CsvOptions::default())
        .and_then(|f| f.compute(&Executor::sequential()))
        .unwrap_err();
    match &err {
        FrameError::Decompress { path, format, .. } => {
            assert_eq!((path.to_str().unwrap(), *format), (file.path(), "bzip2"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_header_longer_than_the_skip_buffer_is_skipped_whole() {
    // A header of 2000 columns (about 14 KB), read from a gzip file whose
    // CRC is checked as the header is skipped.
    let names: Vec<String> = (0..2000).map(|j| format!("col{j}")).collect();
    let mut text = names.join(",") + "\n";
    for i in 0..3 {
        text.push_str(&(0..2000).map(|j| (i * 2000 + j).to_string()).collect::<Vec<_>>().join(","));
        text.push('\n');
    }
    assert!(text.find('\n').unwrap() > 8 << 10);
    let file = TempCsv::new("wide.csv.gz", &gzip(text.as_bytes()));
    let got = read_csv(file.path(), CsvOptions::default()).unwrap().compute(&Executor::sequential()).unwrap();
    assert_eq!(got.height(), 3);
    assert_eq!(got.names().len(), 2000);
    assert_eq!(got.row(2)[1999], chunked_frame::Value::Int(5999));
}

#[test]
fn a_bad_crc_is_found_when_the_text_ends_exactly_at_a_block_end() {
    // 64 * 4096 rows of 16 bytes after the header: exactly 64 blocks of
    // 64 KiB (more than the sample read when planning), so the member's
    // end is met by a read that decodes nothing.
    let mut text = String::from("a,b\n");
    for i in 0..64 * 4096 {
        text.push_str(&format!("{i:010},abcd\n"));
    }
    let mut bytes = gzip(text.as_bytes());
    let good = TempCsv::new("aligned.csv.gz", &bytes);
    let options = || CsvOptions::default().blocksize(64 << 10);
    let got = read_csv(good.path(), options()).unwrap().compute(&Executor::sequential()).unwrap();
    assert_eq!(got.height(), 64 * 4096);
    // The CRC is the trailer's first 4 bytes.
    let at = bytes.len() - 8;
    bytes[at] ^= 0xff;
    let bad = TempCsv::new("aligned-bad-crc.csv.gz", &bytes);
    let err = read_csv(bad.path(), options()).unwrap().compute(&Executor::sequential()).unwrap_err();
    assert!(err.to_string().contains("fails its check"), "{err}");
}
