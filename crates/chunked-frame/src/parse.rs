//! Parsing of field text into values: integers, floats and booleans, with
//! the forms pandas reads (`12`, `-3`, `1.5e3`, `inf`, `True`).

/// An integer: optional sign, then decimal digits, with spaces or tabs
/// around them allowed, as pandas reads them; nothing else.
#[inline]
pub(crate) fn int(s: &[u8]) -> Option<i64> {
    match exact_int(s) {
        Some(v) => Some(v),
        None if s.first().is_some_and(is_blank) || s.last().is_some_and(is_blank) => exact_int(trim(s)),
        None => None,
    }
}

/// Whether `s` is an integer's text, whatever its size: a sign, digits.
pub(crate) fn is_integer_text(s: &[u8]) -> bool {
    let s = trim(s);
    let digits = match s.first() {
        Some(b'-' | b'+') => &s[1..],
        _ => s,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

fn is_blank(b: &u8) -> bool {
    matches!(b, b' ' | b'\t')
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !is_blank(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_blank(b)).map_or(start, |e| e + 1);
    &s[start..end]
}

/// Sign and digits, nothing else; accumulated negatively so that
/// `i64::MIN` parses.
#[inline]
fn exact_int(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut v: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_sub(i64::from(d))?;
    }
    if neg { Some(v) } else { v.checked_neg() }
}

/// A float, as Rust's parser reads it (decimal, exponent, `inf`), except
/// that NaN spellings are no float: as in pandas, `nan` and `NaN` are
/// missing values (see `na.rs`), and `NAN` is text.
#[inline]
pub(crate) fn float(s: &[u8]) -> Option<f64> {
    // A fast path for the common `-12.0` / `34` forms: digits, one point.
    if let Some(v) = simple_decimal(s) {
        return Some(v);
    }
    std::str::from_utf8(s).ok()?.trim().parse::<f64>().ok().filter(|v| !v.is_nan())
}

/// `[-+]digits[.digits]` with at most 15 digits, computed exactly: the
/// digits fit a u64 exactly as an f64 (below 2^53), and the division by a
/// power of ten of at most 10^15 (exact in an f64) is correctly rounded.
/// The integer digits and the fraction's are read by two loops, so that a
/// digit costs one test.
#[inline]
fn simple_decimal(s: &[u8]) -> Option<f64> {
    let (neg, rest) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest.is_empty() || rest.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mantissa = mantissa * 10 + u64::from(d);
        i += 1;
    }
    let mut digits = i;
    let mut scale = 0;
    if i < rest.len() {
        if rest[i] != b'.' {
            return None;
        }
        for &b in &rest[i + 1..] {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            mantissa = mantissa * 10 + u64::from(d);
        }
        scale = rest.len() - i - 1;
        digits += scale;
    }
    if digits == 0 || digits > 15 {
        return None;
    }
    const POW10: [f64; 16] =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    // `as`: at most 15 digits, below 2^53, so the conversion is exact.
    let v = mantissa as f64 / POW10[scale];
    Some(if neg { -v } else { v })
}

/// A boolean.
#[inline]
pub(crate) fn boolean(s: &[u8]) -> Option<bool> {
    match s {
        b"true" | b"True" | b"TRUE" => Some(true),
        b"false" | b"False" | b"FALSE" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(int(b"0"), Some(0));
        assert_eq!(int(b"-12"), Some(-12));
        assert_eq!(int(b"+7"), Some(7));
        assert_eq!(int(b"0005"), Some(5));
        assert_eq!(int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(int(b" 5\t"), Some(5));
        // A blank on one side only is trimmed too (pandas: 5, 6, -8).
        assert_eq!(int(b" 5"), Some(5));
        assert_eq!(int(b"6 "), Some(6));
        assert_eq!(int(b"\t-8"), Some(-8));
        for bad in
            [&b""[..], b"-", b"1.0", b"12a", b"1 2", b" ", b"9223372036854775808", b"99999999999999999999"]
        {
            assert_eq!(int(bad), None, "{bad:?}");
        }
        assert!(is_integer_text(b"99999999999999999999") && is_integer_text(b" -1"));
        assert!(!is_integer_text(b"1.0") && !is_integer_text(b"-") && !is_integer_text(b""));
    }

    #[test]
    fn floats_parse_exactly_as_the_standard_parser() {
        for s in ["-11.0", "0.1", "2354.0", "1448", "-0.0", "123456789012.345", "0.000001", "99.99"] {
            assert_eq!(float(s.as_bytes()).map(f64::to_bits), s.parse::<f64>().ok().map(f64::to_bits), "{s}");
        }
        assert_eq!(float(b"1e3"), Some(1000.0));
        assert_eq!(float(b"nan"), None);
        assert_eq!(float(b"-NaN"), None);
        assert_eq!(float(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(float(b"abc"), None);
        assert_eq!(float(b"1.2.3"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 20000, // Failing cases are kept under the workspace's target/, not in
            // the sources.
            failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../target/proptest-regressions/chunked-frame-parse.txt"
            )))),
            ..Default::default()
        })]

        /// The fast path gives the standard parser's value, bit for bit,
        /// on decimals of every length around its limits (15 digits, 16
        /// bytes), signs, bare points, exponents and junk around them.
        #[test]
        fn floats_equal_the_standard_parser_bit_for_bit(
            s in "[-+]?[0-9]{0,18}(\\.[0-9]{0,18})?([eE][-+]?[0-9]{1,3})?|[-+]?[0-9.]{0,6}[a-z ]?[0-9.]{0,4}",
        ) {
            let want = s.trim().parse::<f64>().ok().filter(|v| !v.is_nan()).map(f64::to_bits);
            proptest::prop_assert_eq!(float(s.as_bytes()).map(f64::to_bits), want, "{}", s);
        }
    }

    #[test]
    fn the_fast_path_takes_the_common_forms_and_only_them() {
        for (s, v) in
            [("-14.0", -14.0), ("0.0", 0.0), ("5.", 5.0), (".5", 0.5), ("123456789012345", 123456789012345.0)]
        {
            assert_eq!(simple_decimal(s.as_bytes()), Some(v), "{s}");
        }
        // Either sign, every digit, and 15 digits with a point (16 bytes):
        // the standard parser's value, bit for bit.
        for s in ["+2.5", "+7", "0.99", "9.0909", "12345678.1234567", "-123456789012345.", ".999999999999999"]
        {
            let want = s.parse::<f64>().ok().map(f64::to_bits);
            assert_eq!(simple_decimal(s.as_bytes()).map(f64::to_bits), want, "{s}");
        }
        for s in ["", "-", ".", "-.", "1.2.3", "1e3", "1234567890123456", "0.1234567890123456", "1 ", "+-1"] {
            assert_eq!(simple_decimal(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn booleans() {
        assert_eq!(boolean(b"True"), Some(true));
        assert_eq!(boolean(b"false"), Some(false));
        assert_eq!(boolean(b"yes"), None);
    }
}
