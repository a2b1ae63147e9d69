//! Today's two-dimensional random values and reductions, pinned bit for bit:
//! N-dimensional arrays and new chunkings must not change them.

use chunked_array::{Array, random};
use executors::Executor;

/// FNV-1a over the bits of every value, in row-major order.
fn digest(values: impl IntoIterator<Item = f64>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn values(a: &Array) -> Vec<f64> {
    a.compute(&Executor::sequential()).unwrap().iter().copied().collect()
}

fn pinned() -> Vec<(&'static str, Array)> {
    let n = random::standard_normal(11, &[37, 23], [8, 5]).unwrap();
    let m = random::normal(5, 2.0, 3.0, &[9, 40], [4, 40]).unwrap();
    let u = random::uniform(3, -1.0, 4.0, &[13, 6], [13, 2]).unwrap();
    let v = random::standard_normal(2, &[101], 17).unwrap();
    vec![
        ("standard_normal", n.clone()),
        ("normal", m.clone()),
        ("uniform", u.clone()),
        ("vector", v.clone()),
        ("mean", n.mean(..).unwrap()),
        ("std", n.std_ddof(.., 0).unwrap()),
        ("sum_axis0", n.sum(0).unwrap()),
        ("var_axis1", m.var_ddof(1, 1).unwrap()),
        ("max_axis0", u.max(0).unwrap()),
    ]
}

/// (name, digest of the values, bits of the first value), recorded before
/// arrays grew beyond two dimensions.
const PINS: [(&str, u64, u64); 9] = [
    ("standard_normal", 0x505f900f0b07fdbf, 13825571562957618077),
    ("normal", 0x1bb66fbb8cf98163, 13820660309494392448),
    ("uniform", 0x39418cb3ccea89bf, 4613814077045423642),
    ("vector", 0x18e568712776298d, 4608369351014782310),
    ("mean", 0xfec1e40c3284cfa7, 4581725352873383772),
    ("std", 0x8bb9f93e6c4aa570, 4607288328329972715),
    ("sum_axis0", 0x9c25fc949a438e1f, 13841002469451709702),
    ("var_axis1", 0xb0f42c2e7f2c4145, 4619977016318502528),
    ("max_axis0", 0x0972cd250575b1c5, 4614293037032666212),
];

#[test]
fn two_dimensional_values_are_unchanged() {
    for ((name, a), (pin, want_digest, want_first)) in pinned().into_iter().zip(PINS) {
        assert_eq!(name, pin);
        let v = values(&a);
        assert_eq!(v[0].to_bits(), want_first, "{name}: first value {}", v[0]);
        assert_eq!(digest(v.iter().copied()), want_digest, "{name}: values changed");
    }
}
