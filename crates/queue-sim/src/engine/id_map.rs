//! Per-server values by server id, for nodes whose ids keep growing: a
//! dense run from the oldest id still wanted, and apart, in a sorted map,
//! the few older servers still present when a much later id is first used
//! (a scheduled node's servers finishing a service off duty when the next
//! shift's ids begin a billion further on), so that memory follows the
//! servers in use, never the span of ids between them.

use std::collections::BTreeMap;

/// How far past the dense run an id may be first used and still extend it
/// (16 Mi entries); beyond, the run starts again at that id and the old one
/// moves to the map.
const MAX_GAP: usize = 1 << 24;

/// Values of type `T` by server id; ids never set read as absent.
#[derive(Clone, Debug)]
pub(crate) struct IdMap<T> {
    /// Ids `base`, `base + 1`, ... (absent ones hold `fill`).
    dense: Vec<T>,
    base: u32,
    /// Ids below `base` still wanted.
    older: BTreeMap<u32, T>,
    /// What an id set to nothing yet holds in the dense run.
    fill: T,
}

impl<T: Copy> IdMap<T> {
    /// An empty map whose gaps hold `fill`.
    pub(crate) fn new(fill: T) -> Self {
        Self { dense: Vec::new(), base: 0, older: BTreeMap::new(), fill }
    }

    /// The value of `id`, if it was ever set (or lies in the dense run).
    #[inline(always)]
    pub(crate) fn get(&self, id: u32) -> Option<&T> {
        match id.checked_sub(self.base) {
            // `as`: u32 to usize widens.
            Some(i) => self.dense.get(i as usize),
            None => self.older_get(id),
        }
    }

    #[cold]
    fn older_get(&self, id: u32) -> Option<&T> {
        self.older.get(&id)
    }

    /// The value of `id` to change, if it was ever set (or lies in the
    /// dense run).
    #[inline(always)]
    pub(crate) fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        match id.checked_sub(self.base) {
            // `as`: u32 to usize widens.
            Some(i) => self.dense.get_mut(i as usize),
            None => self.older.get_mut(&id),
        }
    }

    /// The value of `id` to set, made (as `fill`) if it has none.
    #[inline(always)]
    pub(crate) fn entry(&mut self, id: u32) -> &mut T {
        match id.checked_sub(self.base) {
            // `as`: u32 to usize widens.
            Some(i) if (i as usize) < self.dense.len() => &mut self.dense[i as usize],
            _ => self.make(id),
        }
    }

    /// [`IdMap::entry`] of an id outside the dense run.
    #[cold]
    #[inline(never)]
    fn make(&mut self, id: u32) -> &mut T {
        let fill = self.fill;
        if self.dense.is_empty() {
            // (An empty run has no older ids either: they go with it.)
            self.base = id;
            self.dense.push(fill);
            return &mut self.dense[0];
        }
        let Some(i) = id.checked_sub(self.base) else {
            return self.older.entry(id).or_insert(fill);
        };
        // `as`: u32 to usize widens.
        let mut i = i as usize;
        if i > self.dense.len() + MAX_GAP {
            // Far past the run: the run's values move to the map and a new
            // run starts at `id`.
            let base = self.base;
            for (k, v) in self.dense.drain(..).enumerate() {
                // `as`: a run's length fits a u32 (its ids do).
                self.older.insert(base + k as u32, v);
            }
            self.base = id;
            i = 0;
        }
        if i >= self.dense.len() {
            self.dense.resize(i + 1, fill);
        }
        &mut self.dense[i]
    }

    /// Forgets every id below `base`. (The map's ids are all below the
    /// run's, so an empty run leaves an empty map.)
    pub(crate) fn forget_below(&mut self, base: u32) {
        if !self.older.is_empty() {
            self.older = self.older.split_off(&base);
        }
        if base > self.base {
            // `as`: u32 to usize widens.
            let gone = ((base - self.base) as usize).min(self.dense.len());
            self.dense.drain(..gone);
            self.base = base;
        }
    }

    /// One past the highest id held (0 when empty).
    pub(crate) fn end(&self) -> u32 {
        let dense = u32::try_from(self.dense.len()).map_or(u32::MAX, |n| n.saturating_add(self.base));
        let older = self.older.keys().next_back().map_or(0, |&k| k.saturating_add(1));
        if self.dense.is_empty() { older } else { dense.max(older) }
    }

    /// Every value held: the older ones, then the dense run.
    pub(crate) fn values(&self) -> impl Iterator<Item = &T> {
        self.older.values().chain(&self.dense)
    }

    /// Every (id, value) held, in order of id.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.older.iter().map(|(&id, v)| (id, v)).chain((self.base..).zip(&self.dense))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_far_id_starts_a_new_run_and_keeps_the_old_values_apart() {
        let mut m = IdMap::new(0u32);
        *m.entry(0) = 5;
        *m.entry(2) = 7;
        assert_eq!((m.get(1), m.end()), (Some(&0), 3));
        let far = 3_000_000_000;
        *m.entry(far) = 9;
        *m.entry(far + 1) = 10;
        // Memory follows the ids in use: two runs, not three billion slots.
        assert!(m.dense.len() == 2 && m.older.len() == 3, "{} dense", m.dense.len());
        assert_eq!(
            (m.get(0), m.get(2), m.get(far), m.get(far + 1)),
            (Some(&5), Some(&7), Some(&9), Some(&10))
        );
        assert_eq!((m.get(1_000), m.end()), (None, far + 2));
        *m.get_mut(2).unwrap() = 8;
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [5, 0, 8, 9, 10]);
        let ids: Vec<u32> = m.iter().map(|(id, _)| id).collect();
        assert_eq!(ids, [0, 1, 2, far, far + 1]);
        // An old id set anew goes to the map.
        *m.entry(1) += 1;
        assert_eq!(m.get(1), Some(&1));
        m.forget_below(2);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [8, 9, 10]);
        m.forget_below(far + 1);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), [10]);
        assert_eq!((m.get(far), m.end()), (None, far + 2));
    }

    #[test]
    fn ids_a_gap_within_the_limit_apart_stay_in_one_run() {
        let mut m = IdMap::new(-1i64);
        *m.entry(10) = 1;
        *m.entry(10 + MAX_GAP as u32) = 2;
        assert_eq!((m.dense.len(), m.older.len()), (MAX_GAP + 1, 0));
        assert_eq!(m.get(11), Some(&-1));
        m.forget_below(u32::MAX);
        assert_eq!((m.values().count(), m.end()), (0, 0));
        // An empty map starts its run anywhere.
        *m.entry(4) = 3;
        assert_eq!((m.get(4), m.get(3), m.end()), (Some(&3), None, 5));
    }
}
