//! A partition's byte range ([`Partition`]), and where a plain file's rows
//! are cut into partitions: the fewest equal
//! byte ranges of at most `blocksize` bytes, their number rounded up to an
//! even one, so that the last range is no straggler that one worker reads
//! alone while the others wait (a file of 11 blocks read by 2 workers
//! would leave one of them idle for a block). The cut depends on the file
//! and the blocksize only, never on the workers, so results do not either.

/// The byte ranges `start..end` is cut into with ranges of at most `step`
/// bytes (`step` at least 1): `count` ranges, range `k` from
/// `start + len * k / count`, so that their lengths differ by at most one
/// byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ranges {
    start: u64,
    len: u64,
    count: u64,
}

impl Ranges {
    /// The ranges of `start..end` (empty when `end <= start`).
    pub(crate) fn new(start: u64, end: u64, step: u64) -> Self {
        let len = end.saturating_sub(start);
        let mut count = len.div_ceil(step.max(1));
        // An even count when there are several, unless that would leave a
        // range without a byte (only when every range is one byte).
        if count > 1 && count % 2 == 1 && count < len {
            count += 1;
        }
        Ranges { start, len, count }
    }

    /// How many ranges.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// Where range `k` (at most `count`) starts; range `count`'s start is
    /// the end.
    fn boundary(&self, k: u64) -> u64 {
        // In u128: `len * k` may not fit a u64; the quotient is at most
        // `len`, which does.
        let at = u128::from(self.len) * u128::from(k) / u128::from(self.count.max(1));
        self.start + u64::try_from(at).unwrap_or(self.len)
    }

    /// The ranges in order, as `(start, end)`.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        (0..self.count).map(|k| (self.boundary(k), self.boundary(k + 1)))
    }
}

/// A file's byte range whose rows one task parses (of a Parquet file, a
/// row group: `start` is its index, `end` the next).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// Index into the source's files.
    pub file: usize,
    /// First byte of the range (rows starting here or later).
    pub start: u64,
    /// End of the range (rows starting before it); `u64::MAX` for a
    /// compressed file, which is one partition decoded from its start.
    pub end: u64,
}

#[cfg(test)]
mod tests;
