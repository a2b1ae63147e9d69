//! Unit tests of the counter-based generator.

use super::*;

#[test]
fn mix64_is_splitmix64() {
    // SplitMix64 seeded with 0: its first output is mix64(GOLDEN).
    assert_eq!(mix64(GOLDEN), 0xE220_A839_7B1D_CDAF);
}

#[test]
fn values_depend_on_index_alone() {
    let s = Stream::new(7, Dist::Normal { mean: 0.0, sd: 1.0 });
    let mut block = vec![0.0; 100];
    s.fill(1000, &mut block);
    for (k, &x) in block.iter().enumerate() {
        assert_eq!(x.to_bits(), s.value(1000 + k as u64).to_bits());
    }
    let mut again = vec![0.0; 30];
    s.fill(1050, &mut again);
    assert_eq!(&block[50..80], &again[..]);
}

#[test]
fn seeds_and_distributions_give_different_streams() {
    let a = Stream::new(0, Dist::Normal { mean: 0.0, sd: 1.0 }).value(0);
    let b = Stream::new(1, Dist::Normal { mean: 0.0, sd: 1.0 }).value(0);
    assert_ne!(a, b);
    let u = Stream::new(0, Dist::Uniform { low: 0.0, high: 1.0 });
    let v = Stream::new(0, Dist::Normal { mean: 0.0, sd: 1.0 });
    assert_ne!(u.word(0), v.word(0));
}

#[test]
fn normal_is_affine_in_the_standard_draw() {
    let z = Stream::new(3, Dist::Normal { mean: 0.0, sd: 1.0 });
    let x = Stream::new(3, Dist::Normal { mean: 10.0, sd: 2.0 });
    for i in 0..100 {
        assert_eq!(x.value(i), 10.0 + 2.0 * z.value(i));
    }
}

#[test]
fn uniform_stays_in_its_interval() {
    let s = Stream::new(0, Dist::Uniform { low: -2.0, high: 3.0 });
    let mut out = vec![0.0; 10_000];
    s.fill(0, &mut out);
    assert!(out.iter().all(|&x| (-2.0..3.0).contains(&x)));
    assert_eq!(unit(0), 0.0);
    assert!(unit(u64::MAX) < 1.0);
}

#[test]
fn the_tail_and_wedges_draw_secondary_words() {
    // Some elements need more than one word; they must still be finite and
    // reproducible.
    let s = Stream::new(11, Dist::Normal { mean: 0.0, sd: 1.0 });
    let mut out = vec![0.0; 200_000];
    s.fill(0, &mut out);
    assert!(out.iter().all(|x| x.is_finite()));
    let extreme = out.iter().fold(0.0f64, |m, &x| m.max(x.abs()));
    assert!(extreme > 3.6, "200 000 draws reach past 3.6 sd: {extreme}");
}

#[test]
fn fill_uses_the_word_of_each_index() {
    let s = Stream::new(5, Dist::Uniform { low: 0.0, high: 1.0 });
    let mut out = [0.0; 3];
    s.fill(7, &mut out);
    for (k, x) in out.iter().enumerate() {
        assert_eq!(*x, unit(s.word(7 + k as u64)));
    }
}

#[test]
fn an_elements_generator_gives_its_words_as_u32_halves_and_bytes() {
    // The first word is the element's own, then the secondary words; a
    // 32-bit draw is a word's high half, bytes are words in little-endian.
    let w = 0x0123_4567_89ab_cdef;
    let mut r = ElementRng::new(w);
    let words: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
    assert_eq!(words[0], w);
    assert_ne!(words[1], words[2]);
    let mut r = ElementRng::new(w);
    assert_eq!(r.next_u32(), 0x0123_4567);
    assert_eq!(r.next_u32(), (words[1] >> 32) as u32);
    let mut r = ElementRng::new(w);
    let mut bytes = [0u8; 12];
    r.fill_bytes(&mut bytes);
    assert_eq!(bytes[..8], w.to_le_bytes());
    assert_eq!(bytes[8..], words[1].to_le_bytes()[..4]);
}
