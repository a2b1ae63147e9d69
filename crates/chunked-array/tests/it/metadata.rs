//! What an array says about itself without computing anything: its size in
//! bytes and its `Debug` text.

use chunked_array::{random, zeros};

#[test]
fn nbytes_is_eight_bytes_an_element_and_saturates() {
    let a = random::standard_normal(0, &[3, 5], 2).unwrap();
    assert_eq!(a.nbytes(), 3 * 5 * 8);
    assert_eq!(zeros(&[0, 4], 1).unwrap().nbytes(), 0);
    assert_eq!(a.sum(..).unwrap().nbytes(), 8, "a 0-dimensional array holds one value");
    // More elements than bytes can be counted in a usize: the count saturates.
    let huge = zeros(&[1 << 62], 1 << 62).unwrap();
    assert_eq!(huge.nbytes(), usize::MAX);
}

#[test]
fn debug_names_shape_chunks_and_operation() {
    let a = random::standard_normal(0, &[6, 4], [4, 3]).unwrap();
    let text = format!("{:?}", a.exp());
    assert_eq!(text, "Array { shape: [6, 4], chunks: [[4, 2], [3, 1]], op: \"exp\" }");
    assert!(format!("{a:?}").contains("op: \"normal\""));
}
