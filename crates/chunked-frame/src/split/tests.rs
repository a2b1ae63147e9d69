//! Tests of the cut of a file into byte ranges.

use super::Ranges;

fn cut(start: u64, end: u64, step: u64) -> Vec<(u64, u64)> {
    Ranges::new(start, end, step).iter().collect()
}

#[test]
fn a_file_of_eleven_blocks_is_cut_into_twelve_equal_ranges() {
    // 735 MB at 64 MiB: 11 blocks, the last under half full; 12 ranges of
    // 61.25 MB instead, that two (or three, four, six) workers share evenly.
    let (start, end, step) = (400, 735_000_400, 64 << 20);
    let ranges = cut(start, end, step);
    assert_eq!(ranges.len(), 12);
    assert_eq!(ranges.first().unwrap().0, start);
    assert_eq!(ranges.last().unwrap().1, end);
    for w in ranges.windows(2) {
        assert_eq!(w[0].1, w[1].0, "ranges are contiguous");
    }
    for &(s, e) in &ranges {
        assert!(e - s <= step, "a range is at most a block");
        assert!((e - s).abs_diff(61_250_000) <= 1, "{s}..{e} is not a twelfth");
    }
}

#[test]
fn an_even_count_stays_and_one_block_stays_one_range() {
    assert_eq!(cut(0, 100, 50), vec![(0, 50), (50, 100)]);
    assert_eq!(cut(0, 100, 25).len(), 4);
    assert_eq!(cut(7, 100, 1000), vec![(7, 100)]);
    assert_eq!(cut(0, 100, 100), vec![(0, 100)]);
}

#[test]
fn an_odd_count_becomes_even_with_lengths_a_byte_apart() {
    // 10 bytes by 3: 4 blocks is even already; by 4: 3 blocks, made 4.
    assert_eq!(cut(0, 10, 3), vec![(0, 2), (2, 5), (5, 7), (7, 10)]);
    assert_eq!(cut(0, 10, 4), vec![(0, 2), (2, 5), (5, 7), (7, 10)]);
    assert_eq!(cut(0, 9, 3).len(), 4);
}

#[test]
fn no_range_is_empty_even_with_one_byte_blocks() {
    // 5 one-byte blocks: making them 6 would leave one empty.
    assert_eq!(cut(0, 5, 1), vec![(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]);
    for len in 1..40u64 {
        for step in 1..12u64 {
            let ranges = cut(3, 3 + len, step);
            assert!(ranges.iter().all(|&(s, e)| s < e && e - s <= step), "{len} by {step}: {ranges:?}");
            assert_eq!(ranges.iter().map(|&(s, e)| e - s).sum::<u64>(), len);
        }
    }
}

#[test]
fn nothing_to_cut_is_no_range() {
    assert!(cut(10, 10, 4).is_empty());
    assert!(cut(10, 3, 4).is_empty());
}

#[test]
fn huge_files_do_not_overflow() {
    let ranges = Ranges::new(1, u64::MAX, 1 << 62);
    assert_eq!(ranges.count(), 4);
    let v: Vec<_> = ranges.iter().collect();
    assert_eq!(v.last().unwrap().1, u64::MAX);
    assert!(v.windows(2).all(|w| w[0].1 == w[1].0 && w[0].0 < w[0].1));
}
