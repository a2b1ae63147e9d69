//! Missing values: the field texts read as null, pandas' default list
//! (`STR_NA_VALUES`) plus the user's `na_values`, with a cheap test.
//!
//! A field is null when its whole text (after unquoting, without trimming)
//! is in the set, in every column type, as in pandas. The test costs one
//! table lookup for most fields: only texts whose first byte and length
//! together fit some entry are compared.

/// pandas' default missing-value strings (`pandas._libs.parsers.STR_NA_VALUES`,
/// pandas 3.1), the empty field first.
pub const DEFAULT_NA_VALUES: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
    "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// The set of texts read as null.
#[derive(Clone, Debug, Default)]
pub(crate) struct NaSet {
    /// Whether the empty field is null.
    empty: bool,
    /// Non-empty entries.
    entries: Vec<Vec<u8>>,
    /// Per first byte: bit `min(len, 63)` set when some entry starting
    /// with that byte has that length.
    lengths: Vec<u64>,
    /// Whether some entry is an integer, a float, a boolean (such as
    /// `-999`): then fields of that type are tested before parsing.
    int: bool,
    float: bool,
    boolean: bool,
}

impl NaSet {
    /// pandas' default list (unless `keep_default` is false) and `extra`.
    pub(crate) fn new(keep_default: bool, extra: &[String]) -> Self {
        let mut set = NaSet { lengths: vec![0; 256], ..NaSet::default() };
        let defaults: &[&str] = if keep_default { &DEFAULT_NA_VALUES } else { &[] };
        for text in defaults.iter().copied().chain(extra.iter().map(String::as_str)) {
            set.add(text.as_bytes());
        }
        set.int = set.entries.iter().any(|e| crate::parse::int(e).is_some());
        set.float = set.entries.iter().any(|e| crate::parse::float(e).is_some());
        set.boolean = set.entries.iter().any(|e| crate::parse::boolean(e).is_some());
        set
    }

    fn add(&mut self, text: &[u8]) {
        match text.first() {
            None => self.empty = true,
            Some(&b) => {
                if !self.entries.iter().any(|e| e == text) {
                    self.entries.push(text.to_vec());
                    self.lengths[usize::from(b)] |= length_bit(text.len());
                }
            }
        }
    }

    /// Whether `field` reads as null.
    #[inline]
    pub(crate) fn contains(&self, field: &[u8]) -> bool {
        match field.first() {
            None => self.empty,
            Some(&b) => {
                self.lengths[usize::from(b)] & length_bit(field.len()) != 0
                    && self.entries.iter().any(|e| e == field)
            }
        }
    }

    /// Whether the empty field reads as null.
    #[inline]
    pub(crate) fn empty_is_null(&self) -> bool {
        self.empty
    }

    /// Whether some entry is an integer.
    #[inline]
    pub(crate) fn has_int(&self) -> bool {
        self.int
    }

    /// Whether some entry is a float.
    #[inline]
    pub(crate) fn has_float(&self) -> bool {
        self.float
    }

    /// Whether some entry is a boolean.
    #[inline]
    pub(crate) fn has_bool(&self) -> bool {
        self.boolean
    }
}

/// The bit standing for a text length (lengths of 63 and more share one).
#[inline]
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_extras() {
        let set = NaSet::new(true, &["-999".to_owned()]);
        for s in DEFAULT_NA_VALUES.iter().chain(&["-999"]) {
            assert!(set.contains(s.as_bytes()), "{s:?}");
        }
        for s in ["JFK", "NAN", "na", " NA", "NA ", "-9990", "1.5", "1.#INDX", "-NaN-"] {
            assert!(!set.contains(s.as_bytes()), "{s:?}");
        }
        let none = NaSet::new(false, &[]);
        assert!(!none.contains(b"") && !none.contains(b"NA"));
        assert!(set.has_int() && set.has_float() && !set.has_bool());
        let defaults = NaSet::new(true, &[]);
        assert!(!defaults.has_int() && !defaults.has_float() && !defaults.has_bool());
    }
}
