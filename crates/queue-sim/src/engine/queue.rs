//! The customers waiting at a node for a server: one first-in-first-out
//! queue per priority, the best priority served first (Ciw's per-priority
//! lists in `Node.individuals`). The queue of priority 0 sits apart from the
//! others so that a model without priorities pays nothing for them.

use std::collections::VecDeque;

/// Waiting customers (slot numbers) by priority lane, 0 served first.
#[derive(Clone, Debug, Default)]
pub(crate) struct Waiting {
    /// Lane 0: the only one in a model without priorities.
    first: VecDeque<u32>,
    /// Lanes 1, 2, ...: empty in a model without priorities.
    rest: Vec<VecDeque<u32>>,
}

impl Waiting {
    /// Queues for `lanes` priorities (at least one).
    pub(crate) fn new(lanes: usize) -> Self {
        Self { first: VecDeque::new(), rest: vec![VecDeque::new(); lanes.saturating_sub(1)] }
    }

    fn lane(&mut self, lane: u32) -> &mut VecDeque<u32> {
        match lane {
            0 => &mut self.first,
            // `as`: u32 to usize widens; lanes come from the model's classes.
            l => &mut self.rest[l as usize - 1],
        }
    }

    /// `customer` joins the back of its lane.
    #[inline]
    pub(crate) fn push_back(&mut self, lane: u32, customer: u32) {
        if lane == 0 { self.first.push_back(customer) } else { self.lane(lane).push_back(customer) }
    }

    /// `customer` goes back into its lane at the place its `key` gives
    /// (a customer whose service was interrupted keeps its place among
    /// those waiting, in the order they took their places: Ciw's list
    /// order), after everyone with a key not above its own.
    pub(crate) fn insert_by_key<K: PartialOrd>(&mut self, lane: u32, customer: u32, key: impl Fn(u32) -> K) {
        let queue = self.lane(lane);
        let mine = key(customer);
        let place = queue.partition_point(|&c| key(c) <= mine);
        queue.insert(place, customer);
    }

    /// The number waiting, in every lane.
    pub(crate) fn len(&self) -> u32 {
        let n = self.first.len() + self.rest.iter().map(std::collections::VecDeque::len).sum::<usize>();
        // Customers at a node fit a u32 (the slab stops below u32::MAX).
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Takes `customer` out of `lane` (a customer who reneges); whether it
    /// was there.
    pub(crate) fn remove(&mut self, lane: u32, customer: u32) -> bool {
        let queue = self.lane(lane);
        match queue.iter().position(|&c| c == customer) {
            Some(i) => queue.remove(i).is_some(),
            None => false,
        }
    }

    /// Takes the next customer to serve: the front of the best non-empty lane.
    #[inline]
    pub(crate) fn pop_front(&mut self) -> Option<u32> {
        match self.first.pop_front() {
            Some(c) => Some(c),
            None if self.rest.is_empty() => None,
            None => self.rest.iter_mut().find_map(VecDeque::pop_front),
        }
    }

    /// The best non-empty lane and its length.
    pub(crate) fn best(&self) -> Option<(u32, usize)> {
        std::iter::once(&self.first)
            .chain(&self.rest)
            .zip(0u32..)
            .find_map(|(queue, lane)| (!queue.is_empty()).then_some((lane, queue.len())))
    }

    /// The customer at place `i` of `lane`, in the order they joined.
    pub(crate) fn get(&self, lane: u32, i: usize) -> u32 {
        match lane {
            0 => self.first[i],
            // `as`: u32 to usize widens.
            l => self.rest[l as usize - 1][i],
        }
    }

    /// Takes the customer at place `i` of `lane` out.
    pub(crate) fn take(&mut self, lane: u32, i: usize) -> Option<u32> {
        self.lane(lane).remove(i)
    }

    /// The customers of `lane`, in the order they joined.
    pub(crate) fn iter(&self, lane: u32) -> impl Iterator<Item = u32> + '_ {
        match lane {
            0 => self.first.iter().copied(),
            // `as`: u32 to usize widens.
            l => self.rest[l as usize - 1].iter().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Waiting;

    #[test]
    fn the_best_lane_is_served_first_and_each_lane_in_arrival_order() {
        let mut w = Waiting::new(3);
        w.push_back(2, 10);
        w.push_back(1, 20);
        w.push_back(1, 21);
        w.push_back(2, 11);
        assert_eq!((w.best(), w.get(1, 0)), (Some((1, 2)), 20));
        w.insert_by_key(1, 19, |c| c);
        assert_eq!((w.best(), w.get(1, 0)), (Some((1, 3)), 19));
        let order: Vec<u32> = std::iter::from_fn(|| w.pop_front()).collect();
        assert_eq!(order, [19, 20, 21, 10, 11]);
        w.push_back(1, 7);
        w.push_back(1, 8);
        assert!(w.remove(1, 7));
        assert!(!w.remove(1, 7));
        assert!(!w.remove(2, 8));
        assert_eq!(w.pop_front(), Some(8));
        w.push_back(2, 30);
        w.push_back(2, 31);
        w.push_back(2, 32);
        assert_eq!(w.best(), Some((2, 3)));
        assert_eq!(w.get(2, 1), 31);
        assert_eq!(w.iter(2).collect::<Vec<_>>(), [30, 31, 32]);
        assert_eq!(w.take(2, 1), Some(31));
        assert_eq!(w.iter(2).collect::<Vec<_>>(), [30, 32]);
        assert_eq!((w.pop_front(), w.pop_front(), w.pop_front()), (Some(30), Some(32), None));
        assert_eq!(w.best(), None);
        w.push_back(0, 5);
        assert_eq!((w.best(), w.get(0, 0)), (Some((0, 1)), 5));
    }
}
