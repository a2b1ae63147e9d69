//! The state of one node during a run: its customers, free servers, the
//! customers blocked elsewhere waiting for room here, and the busy time of
//! every server, from which utilisation is summed as Ciw sums it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::behaviour::{Discipline, ServerPriority};
use crate::error::ModelError;
use crate::network::{NodeSpec, Preemption, Servers};

use super::id_map::IdMap;
use super::processor_sharing::Shared;
use super::queue::Waiting;
use super::shifts::Shifts;
use super::slots::Slots;

/// No customer: a free server in [`NodeState::held`].
pub(crate) const NOBODY: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub(crate) struct NodeState {
    /// `None` for infinite servers.
    pub(crate) servers: Option<u32>,
    /// Most customers the node holds: servers plus queue capacity.
    pub(crate) capacity: usize,
    /// Customers at the node: waiting, in service or blocked.
    pub(crate) in_node: u32,
    /// Customers waiting for a server, by priority.
    pub(crate) waiting: Waiting,
    /// Preemption by priority here.
    pub(crate) preemption: Preemption,
    /// The order of service within a priority; FIFO at infinite servers,
    /// where nobody waits.
    pub(crate) discipline: Discipline,
    /// Which free server a joining customer takes.
    pub(crate) server_priority: ServerPriority,
    /// With preemption, the customer each server holds (slot numbers,
    /// [`NOBODY`] when free), by server id, for the servers used (a
    /// scheduled node's ids keep growing: servers gone for good are
    /// forgotten); empty without preemption.
    pub(crate) held: IdMap<u32>,
    /// Free servers, lowest number first.
    pub(crate) free_servers: FreeServers,
    /// Busy time of each server used so far.
    pub(crate) times: ServerTimes,
    /// Customers at other nodes blocked waiting for room here, in order:
    /// (their node, the customer).
    pub(crate) blocked: VecDeque<(u32, u32)>,
    /// Servers held for ever by services that never end (an infinite time).
    pub(crate) endless: u32,
    /// The shifts of a node with a server schedule.
    pub(crate) shifts: Option<Box<Shifts>>,
    /// The slots of a slotted node, and when the first is.
    pub(crate) slots: Option<(Box<Slots>, f64)>,
    /// The shared service of a processor-sharing node (whose `servers`
    /// are then `None`: it serves like an infinite-server node).
    pub(crate) shared: Option<Box<Shared>>,
}

impl NodeState {
    /// The state of node `node` at time 0; `lanes`: the number of
    /// distinct priorities in the model.
    pub(crate) fn new(node: usize, spec: &NodeSpec, lanes: usize) -> Result<Self, ModelError> {
        let servers = spec.server_count(node)?;
        let shifts = match &spec.servers {
            Servers::Schedule(schedule) => Some(Box::new(Shifts::new(schedule))),
            _ => None,
        };
        let slots = match &spec.servers {
            Servers::Slotted(slotted) => {
                let (slots, first) = Slots::new(slotted);
                Some((Box::new(slots), first))
            }
            _ => None,
        };
        let capacity = match (servers, spec.queue_capacity) {
            // A scheduled or slotted node holds its queue capacity, servers
            // included: Ciw adds the servers it has at the start, none.
            (_, Some(q)) if shifts.is_some() || slots.is_some() => q,
            // `as`: a u32 fits a usize on 32- and 64-bit targets.
            (Some(c), Some(q)) => (c as usize).saturating_add(q),
            _ => usize::MAX,
        };
        let shared = spec.processor_sharing.then(|| Box::new(Shared::new(servers, spec.ps_threshold)));
        let servers = if shared.is_some() { None } else { servers };
        Ok(Self {
            servers,
            capacity,
            in_node: 0,
            waiting: Waiting::new(lanes),
            // Infinite servers: nobody ever waits, so nobody is preempted.
            preemption: if servers.is_some() { spec.priority_preemption } else { Preemption::Off },
            discipline: if servers.is_some() { spec.discipline.clone() } else { Discipline::Fifo },
            server_priority: spec.server_priority.clone(),
            held: IdMap::new(NOBODY),
            free_servers: if spec.server_priority.is_lowest_id() {
                FreeServers::all(servers.unwrap_or(0))
            } else {
                // Validation keeps such nodes small (`as`: u32 to usize widens).
                FreeServers::Flags { first: 0, free: vec![true; servers.unwrap_or(0) as usize] }
            },
            times: ServerTimes::default(),
            blocked: VecDeque::new(),
            endless: 0,
            shifts,
            slots,
            shared,
        })
    }

    /// With preemption, notes that `server` serves `customer`.
    pub(crate) fn hold(&mut self, server: u32, customer: u32) {
        *self.held.entry(server) = customer;
    }

    /// `server` is free.
    #[inline]
    pub(crate) fn free(&mut self, server: u32) {
        self.free_servers.put(server);
        self.release_hold(server);
    }

    /// The customer `server` holds, [`NOBODY`] if none (or not tracked).
    pub(crate) fn holder(&self, server: u32) -> u32 {
        self.held.get(server).copied().unwrap_or(NOBODY)
    }

    /// `server` holds nobody now.
    pub(crate) fn release_hold(&mut self, server: u32) {
        if let Some(held) = self.held.get_mut(server) {
            *held = NOBODY;
        }
    }

    /// Forgets the servers below `base` (a scheduled node's servers gone
    /// for good), so that memory follows the servers present, not every
    /// id ever given.
    pub(crate) fn forget_servers_below(&mut self, base: u32) {
        self.held.forget_below(base);
        self.times.servers.forget_below(base);
    }

    /// Whether the node has infinite servers (nobody waits there).
    pub(crate) fn is_infinite(&self) -> bool {
        self.servers.is_none()
    }

    /// Whether the node holds as many customers as it can.
    #[inline]
    pub(crate) fn full(&self) -> bool {
        // `as`: u32 to usize widens.
        self.in_node as usize >= self.capacity
    }

    /// Busy server time over total server time up to `now`, with services
    /// under way counted up to `now`; `None` for infinite or zero servers.
    ///
    /// `ciw_sum`: add the servers' total times one by one, as Ciw's
    /// `find_server_utilisation` does with `sum`, rather than multiply.
    /// The busy times are always added server by server in server order,
    /// each including its service under way, as Ciw's `wrap_up_servers`
    /// then `sum` do (on CPython before 3.12, whose `sum` of floats adds
    /// left to right).
    pub(crate) fn utilisation(&self, now: f64, ciw_sum: bool) -> Option<f64> {
        if let Some(shifts) = &self.shifts {
            return shifts.utilisation(now, &self.times);
        }
        // No servers: no utilisation, as Ciw's `None`.
        let c = self.servers.filter(|&c| c > 0)?;
        if now <= 0.0 {
            return Some(0.0);
        }
        let busy = self.times.busy_up_to(now);
        let total = if ciw_sum { repeated_sum(now, c) } else { f64::from(c) * now };
        Some(busy / total)
    }
}

/// `t` added `count` times from 0, left to right, rounding each addition as
/// a loop of `sum += t` does, bit for bit; without looping `count` times.
///
/// Between powers of two the partial sums are multiples of one spacing `u`,
/// and adding `t = q u + r` (`0 <= r < u`) rounds to `q u` or `(q + 1) u`
/// more (on a tie, whichever gives an even multiple). So once the sum is in
/// a binade, the steps that cannot leave it are taken in one go; the steps
/// near a power of two, and the first in a binade, are taken one at a time.
fn repeated_sum(t: f64, count: u32) -> f64 {
    repeated_add(0.0, t, u64::from(count))
}

/// `t` (not negative) added `count` times to `start` (not negative), left
/// to right, rounding each addition, bit for bit as a loop; see
/// [`repeated_sum`].
pub(crate) fn repeated_add(start: f64, t: f64, count: u64) -> f64 {
    const TOP: u64 = 1 << 53;
    let (mut sum, mut done) = (start, 0u64);
    while done < count {
        sum += t;
        done += 1;
        if !sum.is_finite() {
            return sum;
        }
        let exponent = (sum.to_bits() >> 52) & 0x7ff;
        if done == count || exponent < 54 {
            // The last step, or spacings so small they are subnormal: step.
            continue;
        }
        // The spacing of the binade and the sum in units of it (< 2^53).
        let u = f64::from_bits((exponent - 52) << 52);
        let m = (sum.to_bits() & ((1 << 52) - 1)) | (1 << 52);
        // `t <= sum`, so `t / u < 2^53`: exact, and `as` exact after floor.
        let q = (t / u).floor() as u64;
        let r = t - q as f64 * u;
        let half = u * 0.5;
        let step = if r < half {
            q
        } else if r > half {
            q + 1
        } else if m % 2 == 0 {
            // A tie from an even multiple: every step lands on even ones.
            q + q % 2
        } else {
            continue;
        };
        if step == 0 {
            // Each addition rounds back to the sum: it stays.
            return sum;
        }
        // Steps that start at most at TOP - q - 2 end below 2^53 u.
        let Some(room) = TOP.checked_sub(q + 2).and_then(|last| last.checked_sub(m)) else { continue };
        let n = (room / step + 1).min(count - done);
        // `as`: below 2^53, exact.
        sum = (m + n * step) as f64 * u;
        done += n;
    }
    sum
}

/// Per server, the busy time of its finished services and the start of the
/// service under way, for the servers used (so that a node with many
/// servers costs memory only for those it uses, and a scheduled node's
/// only for those present: [`IdMap`]).
#[derive(Clone, Debug)]
pub(crate) struct ServerTimes {
    pub(crate) servers: IdMap<ServerTime>,
}

impl Default for ServerTimes {
    fn default() -> Self {
        Self { servers: IdMap::new(ServerTime { busy: 0.0, start: f64::NAN }) }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct ServerTime {
    /// Busy time of services that have ended (each `exit - start` added as
    /// the service ends, as Ciw's `detatch_server` adds it).
    busy: f64,
    /// Start of the service under way, NaN when the server is free.
    start: f64,
}

impl ServerTimes {
    /// Server `server` starts a service at `now`.
    #[inline(always)]
    pub(crate) fn start(&mut self, server: u32, now: f64) {
        self.servers.entry(server).start = now;
    }

    /// Server `server` ends the service it started at `started` at `now`;
    /// `free`: nobody takes it over.
    #[inline(always)]
    pub(crate) fn end(&mut self, server: u32, started: f64, now: f64, free: bool) {
        let time = self.servers.entry(server);
        time.busy += now - started;
        if free {
            time.start = f64::NAN;
        }
    }

    /// The busy time of `server`'s finished services (Ciw's `busy_time`).
    pub(crate) fn finished(&self, server: u32) -> f64 {
        self.servers.get(server).map_or(0.0, |t| t.busy)
    }

    /// Whether `server` has a service under way.
    pub(crate) fn serving(&self, server: u32) -> bool {
        self.servers.get(server).is_some_and(|t| !t.start.is_nan())
    }

    /// How many servers have been used (the highest used, plus one).
    pub(crate) fn used(&self) -> u32 {
        self.servers.end()
    }

    /// Busy time of `server` up to `now`, counting its service under way.
    pub(crate) fn busy_up_to_one(&self, server: u32, now: f64) -> f64 {
        match self.servers.get(server) {
            Some(time) if time.start.is_nan() => time.busy,
            Some(time) => time.busy + (now - time.start),
            None => 0.0,
        }
    }

    /// Busy time up to `now` summed server by server, counting the services
    /// under way up to `now`.
    fn busy_up_to(&self, now: f64) -> f64 {
        let mut sum = 0.0;
        for time in self.servers.values() {
            sum += if time.start.is_nan() { time.busy } else { time.busy + (now - time.start) };
        }
        sum
    }
}

/// The lowest free server of a node chosen by a priority, taken.
#[cold]
#[inline(never)]
fn take_first_flag(free: &mut [bool]) -> Option<u32> {
    let s = free.iter().position(|&f| f)?;
    free[s] = false;
    // `as`: validation keeps such nodes below 2^16 servers.
    Some(s as u32)
}

/// The free servers of a node, lowest number first: a bit mask for up to
/// 64 servers (one instruction to take the lowest); beyond, the servers
/// never used yet (from `fresh` on) and a min-heap of those freed since, so
/// that memory grows with the servers used, not with the number of servers.
#[derive(Clone, Debug)]
pub(crate) enum FreeServers {
    Mask(u64),
    Heap {
        freed: BinaryHeap<Reverse<u32>>,
        fresh: u32,
        servers: u32,
    },
    /// Per server from `first` on, whether it is free: for nodes that
    /// choose among free servers by a priority (at most
    /// `MAX_PRIORITISED_SERVERS` at once).
    Flags {
        first: u32,
        free: Vec<bool>,
    },
}

impl FreeServers {
    /// All of `c` servers free.
    fn all(c: u32) -> Self {
        if c <= 64 {
            Self::Mask(if c == 64 { u64::MAX } else { (1u64 << c) - 1 })
        } else {
            Self::Heap { freed: BinaryHeap::new(), fresh: 0, servers: c }
        }
    }

    /// Takes the lowest-numbered free server.
    #[inline(always)]
    pub(crate) fn take_lowest(&mut self) -> Option<u32> {
        match self {
            Self::Mask(m) => {
                if *m == 0 {
                    return None;
                }
                let s = m.trailing_zeros();
                *m &= *m - 1;
                Some(s)
            }
            // Every freed server is below `fresh`.
            Self::Heap { freed, fresh, servers } => match freed.pop() {
                Some(Reverse(s)) => Some(s),
                None if *fresh < *servers => {
                    *fresh += 1;
                    Some(*fresh - 1)
                }
                None => None,
            },
            Self::Flags { first, free } => take_first_flag(free).map(|s| s + *first),
        }
    }

    /// No server free, of the same kind.
    pub(crate) fn emptied(&self) -> Self {
        match self {
            Self::Flags { .. } => Self::Flags { first: 0, free: Vec::new() },
            _ => Self::Mask(0),
        }
    }

    /// Servers `first..end` free (the servers of a new shift), of the same
    /// kind.
    pub(crate) fn range(&self, first: u32, end: u32) -> Self {
        match self {
            // `as`: u32 to usize widens.
            Self::Flags { .. } => Self::Flags { first, free: vec![true; (end - first) as usize] },
            _ => Self::Heap { freed: BinaryHeap::new(), fresh: first, servers: end },
        }
    }

    /// The free servers, lowest first, of a node that chooses by a
    /// priority (none otherwise).
    pub(crate) fn prioritised(&self) -> impl Iterator<Item = u32> + '_ {
        let (first, flags): (u32, &[bool]) =
            if let Self::Flags { first, free } = self { (*first, free) } else { (0, &[]) };
        // `as`: validation keeps such nodes below 2^16 servers at once.
        flags.iter().enumerate().filter(|(_, f)| **f).map(move |(s, _)| first + s as u32)
    }

    /// Takes `server`, free, of a node that chooses by a priority.
    pub(crate) fn take(&mut self, server: u32) {
        if let Self::Flags { first, free } = self {
            free[(server - *first) as usize] = false;
        }
    }

    /// Frees a server.
    #[inline]
    pub(crate) fn put(&mut self, server: u32) {
        match self {
            Self::Mask(m) => *m |= 1 << server,
            Self::Heap { freed, .. } => freed.push(Reverse(server)),
            Self::Flags { first, free } => free[(server - *first) as usize] = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Pcg, RandomSource};

    #[test]
    fn repeated_sums_equal_adding_one_at_a_time_bit_for_bit() {
        let looped = |t: f64, n: u32| (0..n).fold(0.0f64, |s, _| s + t);
        let mut rng = Pcg::new(3);
        let mut ts: Vec<f64> = vec![1.0, 1.5, 0.1, 3.0, 0.75, 1e-310, 5e-324, 1e300, 7.25, 1e16 + 2.0];
        ts.extend((0..300).map(|_| rng.uniform01() * 10f64.powi((rng.index(40) as i32) - 20)));
        for &t in &ts {
            for n in [0, 1, 2, 3, 4, 5, 7, 100, 1000, 4097, 65_537, 300_001] {
                let (a, b) = (repeated_sum(t, n), looped(t, n));
                assert!(a == b || (a.is_nan() && b.is_nan()), "{t:e} x {n}: {a:e} vs {b:e}");
            }
        }
        // From a start other than 0.
        for &t in &ts[..40] {
            for start in [0.5, 3.0, 1e6 + 0.25, 7.0e-3] {
                let looped = (0..1000).fold(start, |s, _| s + t);
                assert_eq!(repeated_add(start, t, 1000), looped, "{start} + {t:e} x 1000");
            }
        }
        // Long sums, which round along the way.
        for t in [0.1, 2.0 / 3.0, 9_999.999_999_9] {
            assert_eq!(repeated_sum(t, 20_000_000), looped(t, 20_000_000), "{t}");
        }
        // The most servers, quickly: every partial sum of 1.5 is exact.
        assert_eq!(repeated_sum(1.5, u32::MAX), 1.5 * f64::from(u32::MAX));
    }

    #[test]
    fn free_servers_beyond_a_mask_come_lowest_first_without_allocating_them_all() {
        let mut free = FreeServers::all(u32::MAX);
        assert_eq!((0..5).map(|_| free.take_lowest().unwrap()).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        free.put(3);
        free.put(1);
        assert_eq!(free.take_lowest(), Some(1));
        assert_eq!(free.take_lowest(), Some(3));
        assert_eq!(free.take_lowest(), Some(5));
        let mut few = FreeServers::all(65);
        for s in 0..65 {
            assert_eq!(few.take_lowest(), Some(s));
        }
        assert_eq!(few.take_lowest(), None);
        few.put(64);
        assert_eq!(few.take_lowest(), Some(64));
    }
}
