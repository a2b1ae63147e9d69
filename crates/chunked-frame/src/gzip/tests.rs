//! Tests of gzip decoding with the CRC checked apart.

use std::io::{Read, Write};

use super::{Check, Members};
use crate::{CsvOptions, FrameError, read_csv};

/// The header flags as RFC 1952 numbers them, written down here rather
/// than taken from the module under test.
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// A gzip member of `data` with a header of the given flags' fields; the
/// trailer's CRC xored with `crc_flip`.
fn member(data: &[u8], flags: u8, crc_flip: u32) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, flags, 1, 2, 3, 4, 0, 3];
    if flags & FEXTRA != 0 {
        out.extend_from_slice(&[3, 0, b'a', b'b', b'c']);
    }
    if flags & FNAME != 0 {
        out.extend_from_slice(b"name.csv\0");
    }
    if flags & FCOMMENT != 0 {
        out.extend_from_slice(b"a comment\0");
    }
    if flags & FHCRC != 0 {
        let mut crc = flate2::Crc::new();
        crc.update(&out);
        out.extend_from_slice(&u16::try_from(crc.sum() & 0xffff).unwrap().to_le_bytes());
    }
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    out.extend(e.finish().unwrap());
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&(crc.sum() ^ crc_flip).to_le_bytes());
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    out
}

/// Decodes `gz` reading `step` bytes at a time, checking as it goes.
fn decode(gz: &[u8], step: usize) -> std::io::Result<Vec<u8>> {
    let mut r = Members::new(std::io::BufReader::with_capacity(7, gz));
    let mut check = Check::default();
    let mut out = Vec::new();
    let mut buf = vec![0u8; step];
    loop {
        let n = r.read(&mut buf)?;
        check.feed(&buf[..n], &r.take_ends())?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

fn text(n: usize) -> Vec<u8> {
    (0..n).map(|i| format!("{i},{}\n", i * 7 % 13)).collect::<String>().into_bytes()
}

#[test]
fn members_with_every_header_field_decode_to_their_data_in_any_read_sizes() {
    let (a, b, c) = (text(2000), b"".to_vec(), text(10));
    let mut gz = member(&a, 0, 0);
    gz.extend(member(&b, FNAME | FCOMMENT, 0));
    gz.extend(member(&c, FEXTRA | FHCRC | 1, 0));
    let whole: Vec<u8> = [a, b, c].concat();
    for step in [1, 3, 100, 4096, 1 << 20] {
        assert_eq!(decode(&gz, step).unwrap(), whole, "reads of {step}");
    }
    // What flate2's decoder makes of it.
    let mut theirs = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..]).read_to_end(&mut theirs).unwrap();
    assert_eq!(theirs, whole);
}

#[test]
fn a_wrong_crc_or_size_in_a_trailer_is_an_error_naming_the_member() {
    let mut gz = member(&text(100), 0, 0);
    gz.extend(member(&text(50), 0, 1));
    for step in [1, 64, 1 << 20] {
        let err = decode(&gz, step).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("gzip member 2"), "{err}");
    }
    let mut sized = member(&text(100), 0, 0);
    let n = sized.len();
    sized[n - 4] ^= 1;
    let err = decode(&sized, 4096).unwrap_err();
    assert!(err.to_string().contains("gzip member 1") && err.to_string().contains("size"), "{err}");
}

#[test]
fn truncated_streams_garbage_after_them_and_bad_headers_are_errors() {
    let gz = member(&text(300), 0, 0);
    for cut in [1, 5, 10, 11, gz.len() / 2, gz.len() - 8, gz.len() - 1] {
        assert!(decode(&gz[..cut], 4096).is_err(), "cut at {cut}");
    }
    // Cut in a header (the fixed part, or a file name): said so.
    let named = member(&text(3), FNAME, 0);
    for (gz, cut) in [(&gz, 1), (&gz, 5), (&gz, 9), (&named, 14)] {
        let err = decode(&gz[..cut], 4096).unwrap_err();
        assert!(err.to_string().contains("cut short in the header"), "cut at {cut}: {err}");
    }
    assert!(decode(&[], 4096).is_err(), "no member");
    let mut garbage = gz.clone();
    garbage.extend_from_slice(b"trailing garbage");
    let err = decode(&garbage, 4096).unwrap_err();
    assert!(err.to_string().contains("not a gzip member"), "{err}");
    let mut hcrc = member(&text(3), FHCRC, 0);
    hcrc[10] ^= 0xff;
    let err = decode(&hcrc, 4096).unwrap_err();
    assert!(err.to_string().contains("header checksum"), "{err}");
    let mut reserved = gz.clone();
    reserved[3] = 0x80;
    assert!(decode(&reserved, 4096).is_err());
    let mut corrupt = gz;
    corrupt[12] ^= 0xff;
    assert!(decode(&corrupt, 4096).is_err());
}

/// A temporary file that is removed when dropped.
struct Temp(std::path::PathBuf);

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp(name: &str, bytes: &[u8]) -> Temp {
    let path = std::env::temp_dir().join(format!("chunked-frame-gzip-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    Temp(path)
}

#[test]
fn read_csv_refuses_a_gzip_file_whose_crc_fails_in_any_member() {
    let executor = executors::Executor::sequential();
    // A member that ends inside the header line, then the rows.
    let rows = text(5000);
    let mut gz = member(b"k,", 0, 0);
    gz.extend(member(&[b"v\n".as_slice(), &rows].concat(), 0, 0));
    let good = temp("good.csv.gz", &gz);
    let frame =
        read_csv(good.0.to_str().unwrap(), CsvOptions::default()).unwrap().compute(&executor).unwrap();
    assert_eq!(frame.height(), 5000);
    for (name, flip_first) in [("bad-header.csv.gz", true), ("bad-rows.csv.gz", false)] {
        let mut gz = member(b"k,", 0, u32::from(flip_first));
        gz.extend(member(&[b"v\n".as_slice(), &rows].concat(), 0, u32::from(!flip_first)));
        let bad = temp(name, &gz);
        // A sample shorter than the rows: planning does not decode them.
        let options = CsvOptions { sample_bytes: 1000, ..CsvOptions::default() };
        let err = read_csv(bad.0.to_str().unwrap(), options).and_then(|f| f.compute(&executor)).unwrap_err();
        match &err {
            FrameError::Decompress { path, format: "gzip", .. } => assert_eq!(path, &bad.0),
            other => panic!("{name}: {other:?}"),
        }
        // The header line is read (and its member checked) when planning,
        // by flate2's decoder; the rows' member by the parsing thread.
        if !flip_first {
            assert!(err.to_string().contains("gzip member 2"), "{name}: {err}");
        }
    }
}
