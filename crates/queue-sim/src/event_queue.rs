//! The pending-event queue: a binary min-heap ordered by (time, scheduling
//! order), with integer keys so that a comparison is two integer compares.

/// An event waiting to happen.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Event<K> {
    /// Bits of the (non-negative, finite) time: for such floats the order of
    /// the bit patterns as integers is the order of the numbers.
    time_bits: u64,
    /// Scheduling order, so that simultaneous events happen first come first.
    seq: u64,
    /// What happens.
    pub(crate) kind: K,
}

impl<K> Event<K> {
    /// The event's time.
    pub(crate) fn time(&self) -> f64 {
        f64::from_bits(self.time_bits)
    }

    /// Whether `self` comes first. Written without short-circuits so that it
    /// compiles to flag arithmetic rather than branches, which mispredict on
    /// random times.
    #[inline]
    fn before(&self, other: &Self) -> bool {
        (self.time_bits < other.time_bits) | ((self.time_bits == other.time_bits) & (self.seq < other.seq))
    }
}

/// Pending events, earliest first; among simultaneous ones, the one
/// scheduled first.
#[derive(Clone, Debug)]
pub(crate) struct EventQueue<K> {
    heap: Vec<Event<K>>,
    /// A lane of at most one event beside the heap (the next arrival of a
    /// model with one arrival stream): it never costs a sift.
    slot: Option<Event<K>>,
    seq: u64,
}

impl<K: Copy> EventQueue<K> {
    pub(crate) fn new() -> Self {
        Self { heap: Vec::new(), slot: None, seq: 0 }
    }

    /// Schedules `kind` at `time` in the one-event lane, which must be empty.
    #[inline]
    pub(crate) fn push_slot(&mut self, time: f64, kind: K) {
        debug_assert!(self.slot.is_none(), "the slot holds one event");
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        self.slot = Some(Event { time_bits: (time + 0.0).to_bits(), seq: self.seq, kind });
        self.seq += 1;
    }

    /// Whether the slot's event comes before the heap's first.
    #[inline]
    fn slot_first(&self) -> bool {
        match (&self.slot, self.heap.first()) {
            (Some(s), Some(h)) => s.before(h),
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Schedules `kind` at `time`, which must be finite and non-negative.
    #[inline]
    pub(crate) fn push(&mut self, time: f64, kind: K) {
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        // `+ 0.0` turns a -0.0 into 0.0, whose bits order correctly.
        let event = Event { time_bits: (time + 0.0).to_bits(), seq: self.seq, kind };
        self.seq += 1;
        let mut hole = self.heap.len();
        self.heap.push(event);
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if !event.before(&self.heap[parent]) {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = event;
    }

    /// The earliest event, without removing it.
    #[inline]
    pub(crate) fn peek(&self) -> Option<&Event<K>> {
        if self.slot_first() { self.slot.as_ref() } else { self.heap.first() }
    }

    /// Removes and returns the earliest event: the hole left at the root
    /// moves down to a leaf along the smaller children (a branch-free choice),
    /// then the last event moves up from there, usually by a step or none.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Event<K>> {
        if self.slot_first() {
            return self.slot.take();
        }
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else { return Some(last) };
        let len = self.heap.len();
        let heap = &mut self.heap[..];
        let mut hole = 0;
        let mut child = 1;
        while child + 1 < len {
            child += usize::from(heap[child + 1].before(&heap[child]));
            heap[hole] = heap[child];
            hole = child;
            child = 2 * hole + 1;
        }
        if child + 1 == len {
            heap[hole] = heap[child];
            hole = child;
        }
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if !last.before(&heap[parent]) {
                break;
            }
            heap[hole] = heap[parent];
            hole = parent;
        }
        heap[hole] = last;
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_scheduling_order() {
        let mut q = EventQueue::new();
        let times = [5.0, 1.0, 3.0, 1.0, 0.0, 9.5, 3.0, 2.25, 7.0, 1.0];
        for (i, &t) in times.iter().enumerate() {
            q.push(t, i);
        }
        let mut got = Vec::new();
        while let Some(e) = q.pop() {
            got.push((e.time(), e.kind));
        }
        let mut want: Vec<(f64, usize)> = times.iter().copied().zip(0..).collect();
        want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        assert_eq!(got, want);
    }

    #[test]
    fn the_slot_takes_its_turn_with_the_heap() {
        let mut q = EventQueue::new();
        q.push(2.0, 'a');
        q.push_slot(1.0, 'b');
        q.push(1.0, 'c'); // same time as the slot, scheduled after it
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|e| e.kind)).collect();
        assert_eq!(order, ['b', 'c', 'a']);
        q.push(5.0, 'x');
        q.push_slot(3.0, 'y');
        assert_eq!(q.peek().map(|e| e.kind), Some('y'));
        assert_eq!(q.pop().map(|e| e.kind), Some('y'));
        q.push_slot(7.0, 'z');
        assert_eq!(q.pop().map(|e| e.kind), Some('x'));
        assert_eq!(q.pop().map(|e| e.kind), Some('z'));
        assert!(q.pop().is_none());
    }

    #[test]
    fn interleaved_pushes_and_pops_stay_ordered() {
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        let mut now = 0.0;
        for round in 0..10_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let gap = (x >> 40) as f64 / 1e6;
            q.push(now + gap, round);
            if round % 3 != 0 {
                let e = q.pop().unwrap();
                assert!(e.time() >= now);
                now = e.time();
            }
        }
    }
}
