//! Reading the talk example's lines and cargo's messages.

use std::path::PathBuf;

use super::{executable, line_of, median_after, peak_mb};

const CUBE: &str = "cube mean over trials (100 x 100 x 100): [0, 0] -0.012345678901 median 0.042 s\n\
                    peak memory 51234 kB\n";
const NPY: &str = "npy write median 1.250 s; read + mean -1.234560e-5 median 0.375 s\npeak memory 2048 kB\n";

#[test]
fn the_cube_time_and_peak_are_read_from_the_example() {
    assert_eq!(median_after(CUBE, "cube mean over trials").unwrap(), 0.042);
    assert!((peak_mb(CUBE).unwrap() - 51234.0 / 1024.0).abs() < 1e-12);
}

#[test]
fn the_npy_write_and_read_times_are_told_apart() {
    let (write, read) = line_of(NPY, "npy write").unwrap().split_once(';').unwrap();
    assert_eq!(median_after(write, "npy write").unwrap(), 1.25);
    assert_eq!(median_after(read, "").unwrap(), 0.375);
    assert_eq!(peak_mb(NPY).unwrap(), 2.0);
}

#[test]
fn a_line_without_its_figure_is_an_error_naming_it() {
    let why = median_after("cube mean over trials: no time\n", "cube mean over trials").unwrap_err();
    assert!(format!("{why:#}").contains("no median"), "{why:#}");
    let why = median_after("npy write median soon s\n", "npy write").unwrap_err();
    assert!(format!("{why:#}").contains("soon"), "{why:#}");
    assert!(peak_mb("nothing here\n").is_err());
    assert!(line_of("a\nb\n", "cube").is_err());
}

#[test]
fn the_example_is_found_among_cargos_messages() {
    let messages = r#"{"reason":"compiler-artifact","target":{"name":"chunked_array"},"executable":null}
not json
{"reason":"compiler-artifact","target":{"name":"talk"},"executable":"/t/release/examples/talk"}
{"reason":"build-finished","success":true}"#;
    assert_eq!(executable(messages), Some(PathBuf::from("/t/release/examples/talk")));
    assert_eq!(executable(r#"{"reason":"build-finished","success":true}"#), None);
}
