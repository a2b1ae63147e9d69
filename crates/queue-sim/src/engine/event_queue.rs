//! The pending-event queue, ordered by (time, scheduling order): a binary
//! heap until more than a few events are pending, a radix heap from then on
//! (the switch is one-way), and a one-event lane beside either for the
//! arrivals of a single stream.

/// Pending events beyond which the binary heap gives way to the radix heap.
/// Below it a sift is a step or two; above it the heap's chain of dependent,
/// unpredictable compares costs more than the radix heap's bucket moves.
/// Measured on networks of independent M/M/3 nodes: the radix heap is ahead
/// from about 9 pending events, the heap at 8 or fewer (one M/M/3 node holds
/// at most 3, so it never switches).
const RADIX_ABOVE: usize = 8;

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

    /// Its scheduling number: unique among the events of its queue, so a
    /// holder of it can tell whether an event is still the one it
    /// scheduled (a service end made stale by preemption is not).
    #[inline(always)]
    pub(crate) fn seq(&self) -> u64 {
        self.seq
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
///
/// Events must not be scheduled before the last one taken out: the
/// simulation clock never goes back, which is what lets the radix heap work.
#[derive(Clone, Debug)]
pub(crate) struct EventQueue<K> {
    store: Store<K>,
    /// A lane of at most one event beside the store (the next arrival of a
    /// model with one arrival stream): it costs no sift and no bucket move.
    slot: Option<Event<K>>,
    seq: u64,
}

#[derive(Clone, Debug)]
enum Store<K> {
    Heap(BinaryHeap<K>),
    /// Boxed: the radix heap is large, and a queue that never needs it
    /// stays small.
    Radix(Box<RadixHeap<K>>),
}

/// What the queue asks of a store.
trait Lane<K> {
    /// The earliest event. A store may answer `None` when its earliest is
    /// after `not_after` (time bits), and must then not move past that time:
    /// the slot's event or the caller's limit is there, and events may still
    /// be scheduled after it but before the store's earliest.
    fn first(&mut self, not_after: u64) -> Option<&Event<K>>;

    /// Removes and returns the event `first` returned.
    fn take_first(&mut self) -> Event<K>;
}

impl<K: Copy> EventQueue<K> {
    pub(crate) fn new() -> Self {
        Self { store: Store::Heap(BinaryHeap { heap: Vec::new() }), slot: None, seq: 0 }
    }

    fn event(&mut self, time: f64, kind: K) -> Event<K> {
        debug_assert!(time.is_finite() && time >= 0.0, "event time {time}");
        // `+ 0.0` turns a -0.0 into 0.0, whose bits order correctly.
        let event = Event { time_bits: (time + 0.0).to_bits(), seq: self.seq, kind };
        self.seq += 1;
        event
    }

    /// Schedules `kind` at `time` in the one-event lane, which must be empty.
    #[inline]
    pub(crate) fn push_slot(&mut self, time: f64, kind: K) {
        debug_assert!(self.slot.is_none(), "the slot holds one event");
        self.slot = Some(self.event(time, kind));
    }

    /// Schedules `kind` at `time`: finite, and not before the last event
    /// taken out. Returns the event's scheduling number ([`Event::seq`]),
    /// which no other event of this queue has.
    #[inline(always)]
    pub(crate) fn push(&mut self, time: f64, kind: K) -> u64 {
        let event = self.event(time, kind);
        let seq = event.seq;
        match &mut self.store {
            Store::Heap(heap) => heap.push(event),
            Store::Radix(radix) => radix.push(event),
        }
        seq
    }

    /// Puts back an event taken out at the current time, with its own
    /// scheduling number, so that it keeps its place.
    pub(crate) fn reinsert(&mut self, event: Event<K>) {
        match &mut self.store {
            Store::Heap(heap) => heap.push(event),
            Store::Radix(radix) => radix.push(event),
        }
    }

    /// Removes and returns the earliest event if it happens before `limit`.
    #[inline(always)]
    pub(crate) fn pop_before(&mut self, limit: f64) -> Option<Event<K>> {
        match &mut self.store {
            Store::Heap(heap) => {
                // The heap never moves: it needs no bound.
                let first = pop_from(&mut self.slot, heap, limit, u64::MAX)?;
                if heap.heap.len() > RADIX_ABOVE {
                    // Nothing pending is before `first`, and nothing will be
                    // scheduled before it: the clock is there.
                    self.switch_to_radix(first.time_bits);
                }
                Some(first)
            }
            Store::Radix(radix) => {
                let bound = not_after(&self.slot, limit);
                pop_from(&mut self.slot, &mut **radix, limit, bound)
            }
        }
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Event<K>> {
        self.pop_before(f64::INFINITY)
    }

    /// Moves the pending events from the binary heap to a radix heap whose
    /// events are all at or after `clock`.
    #[cold]
    #[inline(never)]
    fn switch_to_radix(&mut self, clock: u64) {
        if let Store::Heap(heap) = &mut self.store {
            let events = std::mem::take(&mut heap.heap);
            self.store = Store::Radix(Box::new(RadixHeap::from_events(clock, events.into_iter())));
        }
    }
}

/// The latest time (bits) to which a store may move: not past the slot's
/// event, nor up to `limit`, since events may still be scheduled before
/// either.
#[inline(always)]
fn not_after<K>(slot: &Option<Event<K>>, limit: f64) -> u64 {
    let below_limit = if limit > 0.0 { limit.to_bits() - 1 } else { 0 };
    slot.as_ref().map_or(u64::MAX, |s| s.time_bits).min(below_limit)
}

/// Takes the earliest of the slot's event and the store's, if before `limit`.
#[inline(always)]
fn pop_from<K: Copy>(
    slot: &mut Option<Event<K>>,
    store: &mut impl Lane<K>,
    limit: f64,
    not_after: u64,
) -> Option<Event<K>> {
    let stored = store.first(not_after);
    let slot_first = match (&*slot, stored) {
        (Some(s), Some(f)) => s.before(f),
        (Some(_), None) => true,
        (None, _) => false,
    };
    let first = if slot_first { slot.as_ref() } else { stored }?;
    if first.time() >= limit {
        return None;
    }
    if slot_first { slot.take() } else { Some(store.take_first()) }
}

/// A binary min-heap of events.
#[derive(Clone, Debug)]
struct BinaryHeap<K> {
    heap: Vec<Event<K>>,
}

/// Events in a heap small enough for [`BinaryHeap`]'s branch-free paths:
/// up to three, every one the root or its child (a node of three servers
/// never holds more service ends).
const SMALL: usize = 3;

impl<K: Copy> BinaryHeap<K> {
    #[inline]
    fn push(&mut self, event: Event<K>) {
        let mut hole = self.heap.len();
        self.heap.push(event);
        if hole < SMALL {
            // The new event is the root or its child: one compare with the
            // root decides, written as a choice by index rather than a
            // branch (which event comes first is a coin toss). An empty
            // heap compares the event with itself: it stays.
            let root = self.heap[0];
            let pair = [event, root];
            let up = usize::from(event.before(&root));
            self.heap[hole] = pair[up];
            self.heap[0] = pair[1 - up];
            return;
        }
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
}

impl<K: Copy> Lane<K> for BinaryHeap<K> {
    #[inline(always)]
    fn first(&mut self, _not_after: u64) -> Option<&Event<K>> {
        self.heap.first()
    }

    /// Removes the root: the hole left there moves down to a leaf along the
    /// smaller children (a branch-free choice), then the last event moves up
    /// from there, usually by a step or none.
    #[inline(always)]
    fn take_first(&mut self) -> Event<K> {
        let n = self.heap.len();
        if n <= SMALL && n > 0 {
            // The root's children, if any, are the last two at most: the
            // earlier becomes the root, the other its child, chosen by
            // index rather than by a branch. With one or two events left
            // the choice is between one event and itself.
            let heap = &mut self.heap[..];
            let top = heap[0];
            let (other, last) = (heap[1.min(n - 1)], heap[n - 1]);
            let pair = [other, last];
            let i = usize::from(last.before(&other));
            heap[n.saturating_sub(2)] = pair[1 - i];
            heap[0] = pair[i];
            self.heap.truncate(n - 1);
            return top;
        }
        let last = self.heap.pop().expect("an event to take");
        let Some(&top) = self.heap.first() else { return last };
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
        top
    }
}

#[cfg(test)]
mod small_heap_tests {
    use super::{BinaryHeap, Event, Lane};

    #[test]
    fn a_small_heap_takes_events_in_time_then_scheduling_order_across_its_size_limit() {
        // Pushes and takes at random, sizes going from 0 to 6 and back,
        // times from a few values so that ties are common; a sorted list
        // is the reference.
        let mut heap = BinaryHeap { heap: Vec::new() };
        let mut reference: Vec<(u64, u64)> = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut taken = 0;
        for seq in 0..20_000u64 {
            let size = heap.heap.len();
            if size < 6 && (size == 0 || next() % 2 == 0) {
                // `as`: below 5, exact.
                let time_bits = ((next() % 5) as f64).to_bits();
                heap.push(Event { time_bits, seq, kind: seq });
                reference.push((time_bits, seq));
            } else {
                let got = heap.first(u64::MAX).map(|e| (e.time_bits, e.seq));
                let event = heap.take_first();
                reference.sort_unstable();
                let want = reference.remove(0);
                assert_eq!((got, (event.time_bits, event.seq)), (Some(want), want), "take {taken}");
                assert_eq!(event.kind, event.seq);
                taken += 1;
            }
        }
        assert!(taken > 5_000);
    }
}

/// Bits per digit of the radix heap.
const DIGIT_BITS: u32 = 6;
/// Buckets per level.
const DIGITS: usize = 1 << DIGIT_BITS;
/// Levels (digits) in 64 bits.
const LEVELS: usize = 64usize.div_ceil(DIGIT_BITS as usize);

/// The level of the highest digit in which `bits` differs from the radix
/// heap's `last` (`diff`, not 0), and the digit of `bits` there.
#[inline]
fn digit_of(bits: u64, diff: u64) -> (usize, usize) {
    let level = (63 - diff.leading_zeros()) / DIGIT_BITS;
    (level as usize, (bits >> (level * DIGIT_BITS)) as usize & (DIGITS - 1))
}

/// A radix heap over the bits of event times, in digits of [`DIGIT_BITS`].
///
/// Every pending event is at or after `last`. An event waits in the bucket
/// named by the highest digit in which its time differs from `last` and its
/// own value of that digit: a push is an XOR, a count of leading zeros and a
/// shift. Buckets of lower levels hold earlier events, and within a level
/// lower digits do, so the lowest non-empty bucket holds the next time.
/// When the events at `last` are used up, that bucket's events move to lower
/// levels or to the front. An event moves at most once per level (11 of
/// them) and in practice once or twice, each move a step of a sequential
/// pass over a short vector rather than a chain of dependent loads as in a
/// heap's sift: the cost per event hardly grows with the number pending.
/// Six-bit digits measured fastest (against 1, 3 and 4 bits) on networks of 10
/// to 1000 nodes.
#[derive(Clone, Debug)]
struct RadixHeap<K> {
    /// Time bits of the latest front.
    last: u64,
    /// The events at exactly `last`, in scheduling order, from `head` on
    /// (those before `head` are taken).
    front: Vec<Event<K>>,
    head: usize,
    /// `buckets[level * DIGITS + d]`: events whose time bits first differ
    /// from `last` in digit `level`, where theirs is `d`.
    buckets: Vec<Vec<Event<K>>>,
    /// Bit `level` set when a bucket of that level is not empty.
    levels: u64,
    /// Per level, bit `d` set when its bucket `d` is not empty.
    digits: [u64; LEVELS],
    /// The bucket last scanned for its earliest time without being emptied
    /// (`usize::MAX` for none), its length then and that time. Buckets only
    /// grow at the end until they are emptied, so the next scan reads only
    /// what was pushed since: while the slot's events keep coming first, a
    /// big lowest bucket is not read again for each of them.
    scanned: usize,
    scanned_len: usize,
    scanned_earliest: u64,
    /// Events read by scans for the earliest time, for tests of the cost.
    #[cfg(test)]
    examined: usize,
}

impl<K: Copy> RadixHeap<K> {
    /// A radix heap holding `events`, all at or after `last`.
    fn from_events(last: u64, events: impl Iterator<Item = Event<K>>) -> Self {
        let mut radix = Self {
            last,
            front: Vec::new(),
            head: 0,
            buckets: (0..LEVELS * DIGITS).map(|_| Vec::new()).collect(),
            levels: 0,
            digits: [0; LEVELS],
            scanned: usize::MAX,
            scanned_len: 0,
            scanned_earliest: u64::MAX,
            #[cfg(test)]
            examined: 0,
        };
        for event in events {
            radix.push(event);
        }
        // Pushes at `last` arrive in any order here; later ones come in
        // scheduling order.
        radix.front.sort_unstable_by_key(|e| e.seq);
        radix
    }

    /// Puts `event` in the front or in its bucket.
    #[inline]
    fn push(&mut self, event: Event<K>) {
        debug_assert!(event.time_bits >= self.last, "event at {} scheduled in the past", event.time());
        let diff = event.time_bits ^ self.last;
        if diff == 0 {
            self.front.push(event);
        } else {
            let (level, digit) = digit_of(event.time_bits, diff);
            self.buckets[level * DIGITS + digit].push(event);
            self.levels |= 1 << level;
            self.digits[level] |= 1 << digit;
        }
    }

    /// Moves the earliest events of the buckets to the (used up) front,
    /// if they are at or before `not_after`.
    #[inline(never)]
    fn refill(&mut self, not_after: u64) {
        if self.levels == 0 {
            return;
        }
        let level = self.levels.trailing_zeros() as usize;
        let digit = self.digits[level].trailing_zeros() as usize;
        let b = level * DIGITS + digit;
        let bucket = &self.buckets[b];
        let (seen, earliest) =
            if b == self.scanned { (self.scanned_len, self.scanned_earliest) } else { (0, u64::MAX) };
        let earliest = bucket[seen..].iter().map(|e| e.time_bits).fold(earliest, u64::min);
        #[cfg(test)]
        {
            self.examined += bucket.len() - seen;
        }
        if earliest > not_after {
            (self.scanned, self.scanned_len, self.scanned_earliest) = (b, bucket.len(), earliest);
            return;
        }
        self.scanned = usize::MAX;
        self.front.clear();
        self.head = 0;
        self.digits[level] &= !(1 << digit);
        if self.digits[level] == 0 {
            self.levels &= !(1 << level);
        }
        self.last = earliest;
        // Every event in bucket `b` agrees with the new `last` above `level`
        // and at it, so each goes to a lower level or the front: `b` ends
        // empty.
        let (lower, upper) = self.buckets.split_at_mut(b);
        for event in upper[0].drain(..) {
            let diff = event.time_bits ^ earliest;
            if diff == 0 {
                self.front.push(event);
            } else {
                let (level, digit) = digit_of(event.time_bits, diff);
                lower[level * DIGITS + digit].push(event);
                self.levels |= 1 << level;
                self.digits[level] |= 1 << digit;
            }
        }
        if self.front.len() > 1 {
            self.front.sort_unstable_by_key(|e| e.seq);
        }
    }
}

impl<K: Copy> Lane<K> for RadixHeap<K> {
    /// The earliest event, if its time (bits) is at most `not_after`; else
    /// `None` without moving `last`.
    #[inline]
    fn first(&mut self, not_after: u64) -> Option<&Event<K>> {
        if self.head == self.front.len() {
            self.refill(not_after);
        }
        self.front.get(self.head)
    }

    #[inline]
    fn take_first(&mut self) -> Event<K> {
        self.head += 1;
        self.front[self.head - 1]
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
        assert!(q.pop_before(3.0).is_none(), "nothing strictly before 3");
        assert_eq!(q.pop().map(|e| e.kind), Some('y'));
        q.push_slot(7.0, 'z');
        assert_eq!(q.pop().map(|e| e.kind), Some('x'));
        assert_eq!(q.pop().map(|e| e.kind), Some('z'));
        assert!(q.pop().is_none());
    }

    /// How far ahead of the clock a test schedules: from a random number.
    type Gap = fn(u64) -> f64;

    /// A few distinct gaps: ties everywhere, the front holds many.
    const FEW: Gap = |r| (r % 3) as f64 * 0.25;
    /// Many distinct gaps.
    const MANY: Gap = |r| (r % (1 << 20)) as f64 * 1e-3;
    /// Gaps from 1e-300 to 1e300, zeros, subnormals: every level of the
    /// radix heap.
    const WIDE: Gap = |r| match r % 16 {
        0 => 0.0,
        1 => f64::from_bits(r % 1000 + 1), // subnormal
        _ => 10f64.powi((r % 601) as i32 - 300) * (1 + r % 9) as f64,
    };

    /// Runs random pushes, slot pushes, pops and pops before a limit against
    /// a sorted reference, and returns whether the queue switched to the
    /// radix heap.
    fn against_reference(seed: u64, gap: Gap, rounds: usize) -> bool {
        use std::collections::BTreeSet;
        let mut q = EventQueue::new();
        let mut reference = BTreeSet::new();
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x >> 11
        };
        let (mut now, mut seq, mut slot, mut switched) = (0.0f64, 0u64, None, false);
        for round in 0..rounds {
            // Grow for the first half (past the switch to the radix heap), then drain.
            let push = if round < rounds / 2 { next() % 4 != 0 } else { next() % 4 == 0 };
            if push {
                let time = (now + gap(next())).min(f64::MAX);
                if slot.is_none() && next() % 8 == 0 {
                    q.push_slot(time, seq);
                    slot = Some(seq);
                } else {
                    q.push(time, seq);
                }
                reference.insert((time.to_bits(), seq));
                seq += 1;
            } else {
                // Half the pops stop at a limit near the clock; pushes after
                // a refused pop land between the clock and the limit.
                let limit = if next() % 2 == 0 { now + gap(next()) } else { f64::INFINITY };
                let got = q.pop_before(limit).map(|e| (e.time_bits, e.kind));
                let want = match reference.first() {
                    Some(&(bits, _)) if f64::from_bits(bits) < limit => reference.pop_first(),
                    _ => None,
                };
                assert_eq!(got, want, "round {round}, limit {limit}");
                if let Some((bits, kind)) = got {
                    now = f64::from_bits(bits);
                    if slot == Some(kind) {
                        slot = None;
                    }
                }
            }
            switched |= matches!(q.store, Store::Radix(_));
        }
        while let Some(want) = reference.pop_first() {
            assert_eq!(q.pop().map(|e| (e.time_bits, e.kind)), Some(want));
        }
        assert!(q.pop().is_none());
        switched
    }

    #[test]
    fn both_stores_and_the_switch_keep_time_then_scheduling_order() {
        for seed in 0..20 {
            for gap in [FEW, MANY, WIDE] {
                assert!(against_reference(seed, gap, 2_000), "the run never reached the radix heap");
                // Small runs stay in the binary heap.
                assert!(!against_reference(seed, gap, 12));
            }
        }
    }

    #[test]
    fn zero_and_negative_zero_are_one_time() {
        let mut q = EventQueue::new();
        for i in 0..20 {
            q.push(if i % 2 == 0 { 0.0 } else { -0.0 }, i);
        }
        let order: Vec<i32> = std::iter::from_fn(|| q.pop().map(|e| e.kind)).collect();
        assert_eq!(order, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn many_events_at_one_instant_cost_no_rescans() {
        // 10 000 slot events at one instant while 10 000 events wait in one
        // bucket of the radix heap, all at a later instant (deterministic
        // service times do this): each slot pop must not rescan the bucket
        // (a rescan per pop is 10^8 steps).
        let mut q = EventQueue::new();
        q.push(1.0, 0);
        for i in 1..=10_000 {
            q.push(2.0, i);
        }
        assert_eq!(q.pop().map(|e| e.kind), Some(0));
        let examined = |q: &EventQueue<u32>| match &q.store {
            Store::Radix(radix) => radix.examined,
            Store::Heap(_) => unreachable!("the queue switched"),
        };
        let before = examined(&q);
        for i in 0..10_000 {
            q.push_slot(1.0, 100_000 + i);
            assert_eq!(q.pop().map(|e| e.kind), Some(100_000 + i));
        }
        // One scan of the lowest bucket, not one per pop.
        let read = examined(&q) - before;
        assert!((1..=10_000).contains(&read), "{read} events read");
        assert!((1..=10_000).all(|i| q.pop().map(|e| e.kind) == Some(i)));
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
