//! The RLE/bit-packed hybrid decoder on runs written by hand from the
//! format's specification.

use super::{Problem, hybrid, indices};

fn message(p: Problem) -> String {
    match p {
        Problem::Bad(m) => m,
        Problem::Unsupported => "unsupported".into(),
    }
}

fn decode(data: &[u8], width: u32, n: usize) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    hybrid(data, width, n, &mut out).map_err(message)?;
    Ok(out)
}

/// Indices of a dictionary of 1000 values: the width byte, then the runs.
fn index(data: &[u8], n: usize) -> Result<Vec<u32>, String> {
    let mut out = vec![7; 3];
    indices(data, n, &mut out, 1000).map_err(message)?;
    Ok(out)
}

#[test]
fn a_repeated_run_gives_its_value_count_times() {
    // Header 5 << 1 (a repeated run of 5), the value 3 in one byte.
    assert_eq!(decode(&[0x0a, 0x03], 2, 5).unwrap(), vec![3; 5]);
    // A value of 9 bits takes two bytes, little-endian; a long run has a
    // two-byte header (300 << 1 = 600 = 0xd8 0x04).
    assert_eq!(decode(&[0xd8, 0x04, 0x2c, 0x01], 9, 300).unwrap(), vec![300; 300]);
    // Fewer values wanted than the run holds: the run is cut.
    assert_eq!(decode(&[0x0a, 0x03], 2, 2).unwrap(), vec![3; 2]);
}

#[test]
fn a_bit_packed_group_gives_eight_values_least_significant_bit_first() {
    // The specification's example: 0..8 in 3 bits.
    assert_eq!(decode(&[0x03, 0x88, 0xc6, 0xfa], 3, 8).unwrap(), (0..8).collect::<Vec<_>>());
    // Then a repeated run; only the first 5 of the group wanted before it
    // would be a different stream, so want all 8 and 2 more.
    assert_eq!(
        decode(&[0x03, 0x88, 0xc6, 0xfa, 0x04, 0x07], 3, 10).unwrap(),
        vec![0, 1, 2, 3, 4, 5, 6, 7, 7, 7]
    );
    // The last group may hold fewer values than 8.
    assert_eq!(decode(&[0x03, 0x88, 0xc6, 0xfa], 3, 5).unwrap(), vec![0, 1, 2, 3, 4]);
    // Width 1 (definition levels): 0b1011_0001 then 0b0000_0001.
    assert_eq!(decode(&[0x05, 0xb1, 0x01], 1, 9).unwrap(), vec![1, 0, 0, 0, 1, 1, 0, 1, 1]);
    // Width 0: every value is 0, no bytes.
    assert_eq!(decode(&[0x03], 0, 8).unwrap(), vec![0; 8]);
    // Width 32, two groups' worth wanted from one group of 8.
    let mut data = vec![0x03];
    for v in [999u32, 1, 2, 3, 4, 5, 6, 7] {
        data.extend_from_slice(&v.to_le_bytes());
    }
    assert_eq!(decode(&data, 32, 8).unwrap(), vec![999, 1, 2, 3, 4, 5, 6, 7]);
}

#[test]
fn every_width_unpacks_what_was_packed() {
    for width in 0..=32u32 {
        let mask = if width == 32 { u32::MAX } else { (1u32 << width) - 1 };
        let values: Vec<u32> = (0..37u32).map(|i| i.wrapping_mul(2_654_435_761) & mask).collect();
        // Pack 5 groups (40 values, 37 wanted) least significant bit first.
        let mut bits = vec![0u8; (40 * width as usize).div_ceil(8)];
        for (i, &v) in values.iter().enumerate() {
            for b in 0..width as usize {
                if v >> b & 1 == 1 {
                    let at = i * width as usize + b;
                    bits[at / 8] |= 1 << (at % 8);
                }
            }
        }
        let mut data = vec![(5 << 1) | 1];
        data.extend_from_slice(&bits);
        assert_eq!(decode(&data, width, 37).unwrap(), values, "width {width}");
    }
}

#[test]
fn truncated_runs_and_values_past_the_dictionary_are_errors() {
    assert!(decode(&[0x0a], 2, 5).unwrap_err().contains("shorter"));
    assert!(decode(&[], 2, 1).unwrap_err().contains("shorter"));
    assert!(decode(&[0x03, 0x88], 3, 8).unwrap_err().contains("shorter"));
    assert!(decode(&[0x03, 0x88, 0xc6, 0xfa], 3, 9).unwrap_err().contains("shorter"));
    // 0xe8 0x03 = 1000 in two bytes, past the dictionary's 1000 values;
    // 999 is its last.
    assert!(index(&[10, 0x02, 0xe8, 0x03], 1).unwrap_err().contains("index 1000 past the dictionary"));
    assert_eq!(index(&[10, 0x04, 0xe7, 0x03], 2).unwrap(), vec![999, 999]);
    assert!(index(&[33, 0x02, 0, 0, 0, 0], 1).unwrap_err().contains("33 bits"));
    assert!(index(&[], 1).unwrap_err().contains("without its indices"));
    assert_eq!(index(&[], 0).unwrap(), Vec::<u32>::new());
    assert!(
        decode(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 1, 1)
            .unwrap_err()
            .contains("64 bits")
    );
}

#[test]
fn definition_levels_give_the_validity_and_the_defined_count() {
    let mut valid = vec![false];
    // 3 defined, then a group: 1,0,1,1,0,0,0,1 and 1 of the next 8 wanted
    // (0b1000_1101, then 0b1111_1111 of which only the first bit counts).
    let defined = super::levels(&[0x06, 0x01, 0x05, 0x8d, 0xff], 12, &mut valid).map_err(message).unwrap();
    let want = [false, true, true, true, true, false, true, true, false, false, false, true, true];
    assert_eq!(valid, want);
    assert_eq!(defined, 8);
    // Nulls in a repeated run.
    let mut valid = Vec::new();
    assert_eq!(super::levels(&[0x08, 0x00], 4, &mut valid).map_err(message).unwrap(), 0);
    assert_eq!(valid, [false; 4]);
    let mut valid = Vec::new();
    assert!(super::levels(&[0x05, 0x8d], 12, &mut valid).map_err(message).unwrap_err().contains("shorter"));
    assert!(super::levels(&[0x06], 3, &mut valid).map_err(message).unwrap_err().contains("shorter"));
}
