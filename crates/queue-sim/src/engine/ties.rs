//! Simultaneous events in Ciw mode, broken as Ciw 3.2.7 breaks them.
//!
//! After every event Ciw asks each of its nodes (the arrival node first,
//! then nodes 1 to N) for the date of its next event and takes the
//! earliest; when k of them share it, `random_choice` draws one
//! (`int(random() * k)`), also when a run is continued (Ciw asks again at
//! the start of every `simulate_*` call) and when nothing is pending (every
//! node then waits for ever). Within the node chosen, the order is fixed:
//! the arrival node takes the lowest node, then the first class in sorted
//! name order; a service node takes a slot, then a change of shift, then a
//! service end, then a change of class while waiting, then a renege. Among
//! simultaneous service ends (and reneges) it draws again
//! (`decide_between_simultaneous_individuals`), the customers listed in
//! server order at a node with servers, else in its list order (priority,
//! then order of joining); among changes of class, the first listed goes.
//!
//! This engine keeps one queue of events: each pop looks at the next event
//! too, and only when both happen at the same instant gathers every event
//! of that instant, chooses as above, and puts the others back with their
//! scheduling numbers. In the default generator, and in models that cannot
//! have ties (every distribution continuous, no schedules or slots), events
//! keep the scheduling order and no pop looks further (`Simulation::ties`).

use crate::distribution::Distribution;
use crate::network::{Network, Servers};
use crate::random::RandomSource;

use super::customers::NO_SERVER;
use super::event::EventKind;
use super::event_queue::Event;
use super::state::Simulation;

/// Whether two events of a run of `network` may happen at the same instant
/// with a chance above 0: some time distribution has atoms (deterministic,
/// discrete, or a user's), or a node has a schedule or slots.
pub(crate) fn can_tie(network: &Network) -> bool {
    let timed = network.nodes.iter().any(|n| matches!(n.servers, Servers::Schedule(_) | Servers::Slotted(_)));
    let atoms = network.classes.iter().any(|c| {
        c.nodes.iter().any(|at| {
            at.arrival.as_ref().is_some_and(has_atoms)
                || has_atoms(&at.service)
                || at.reneging.as_ref().is_some_and(has_atoms)
        }) || c.class_change_while_waiting.as_ref().is_some_and(|t| t.values().any(has_atoms))
    });
    timed || atoms
}

/// Whether `d` gives some value with a chance above 0.
fn has_atoms(d: &Distribution) -> bool {
    match d {
        Distribution::Exponential { .. }
        | Distribution::Gamma { .. }
        | Distribution::Weibull { .. }
        | Distribution::Normal { .. }
        | Distribution::Lognormal { .. }
        | Distribution::Erlang { .. }
        | Distribution::HyperExponential { .. }
        | Distribution::PhaseType { .. }
        | Distribution::Coxian { .. }
        | Distribution::HyperErlang { .. }
        // Dates uniform within intervals of positive width.
        | Distribution::PoissonIntervals { .. } => false,
        Distribution::Uniform { lower, upper } => lower == upper,
        Distribution::Triangular { lower, upper, .. } => lower == upper,
        Distribution::Mixture { dists, .. } => dists.iter().any(has_atoms),
        Distribution::Combined { first, second, .. } => has_atoms(first) || has_atoms(second),
        // Deterministic, empirical, sequential, pmf, the counts, a user's.
        _ => true,
    }
}

/// Who owns an event in Ciw: 0 for the arrival node, `i + 1` for node `i`.
type Owner = usize;

impl<R: RandomSource> Simulation<R> {
    /// The next event before `limit`, with simultaneous ones chosen as Ciw
    /// chooses; `None` when none is left before `limit`.
    #[inline(always)]
    pub(super) fn next_event(&mut self, limit: f64) -> Option<Event<EventKind>> {
        let first = self.events.pop_before(limit)?;
        if !self.ties {
            return Some(first);
        }
        let just_after = first.time().next_up();
        match self.events.pop_before(just_after) {
            None => Some(first),
            Some(second) => Some(self.choose_simultaneous(first, second, just_after)),
        }
    }

    /// `first`, `second` and every other event before `just_after` happen
    /// at one instant: the one Ciw handles first, the others put back.
    #[cold]
    #[inline(never)]
    fn choose_simultaneous(
        &mut self,
        first: Event<EventKind>,
        second: Event<EventKind>,
        just_after: f64,
    ) -> Event<EventKind> {
        let mut frontier = std::mem::take(&mut self.rare.frontier);
        frontier.clear();
        frontier.push(first);
        frontier.push(second);
        while let Some(e) = self.events.pop_before(just_after) {
            frontier.push(e);
        }
        let chosen = self.ciw_choice(&frontier).unwrap_or(0);
        let event = frontier.swap_remove(chosen);
        for e in frontier.drain(..) {
            self.events.reinsert(e);
        }
        self.rare.frontier = frontier;
        event
    }

    /// At the end of a run: the draw Ciw makes for its next event (a tie
    /// at the next instant, or nothing pending, when every node ties at
    /// infinity), which it makes again when the run continues.
    pub(super) fn draw_for_next(&mut self) {
        if !self.ties {
            return;
        }
        let mut frontier = std::mem::take(&mut self.rare.frontier);
        frontier.clear();
        // The first instant with an event that is not stale.
        loop {
            let Some(first) = self.events.pop() else {
                // Every node of Ciw's list (the arrival node and the N
                // nodes) waits for ever: a tie of N + 1.
                self.rng.index(self.nodes.len() + 1);
                break;
            };
            let just_after = first.time().next_up();
            let from = frontier.len();
            frontier.push(first);
            while let Some(e) = self.events.pop_before(just_after) {
                frontier.push(e);
            }
            let mut owners: Vec<Owner> = frontier[from..].iter().filter_map(|e| self.owner(e)).collect();
            if owners.is_empty() {
                continue;
            }
            owners.sort_unstable();
            owners.dedup();
            if owners.len() > 1 {
                self.rng.index(owners.len());
            }
            break;
        }
        // Stale events do nothing: only the live ones go back (all at one
        // instant, the latest taken out, which the queue's clock allows).
        for e in frontier.drain(..) {
            if self.owner(&e).is_some() {
                self.events.reinsert(e);
            }
        }
        self.rare.frontier = frontier;
    }

    /// The owner of `event`, `None` if it is stale (nothing will happen).
    fn owner(&self, event: &Event<EventKind>) -> Option<Owner> {
        let seq = event.seq();
        match event.kind {
            EventKind::Arrival { .. } => Some(0),
            EventKind::ServiceEnd { customer } => {
                let c = &self.customers[customer];
                (!self.preemptive || c.end_seq == seq).then_some(c.node as usize + 1)
            }
            EventKind::Renege { customer } => {
                let c = &self.customers[customer];
                (self.customers.extra_of(customer).renege_seq == seq).then_some(c.node as usize + 1)
            }
            EventKind::ClassChange { customer } => {
                let c = &self.customers[customer];
                (self.customers.extra_of(customer).change_seq == seq).then_some(c.node as usize + 1)
            }
            // `as`: u32 to usize widens.
            EventKind::ShiftChange { node } | EventKind::Slot { node } => Some(node as usize + 1),
        }
    }

    /// Which of `frontier` (simultaneous events) Ciw handles first, drawing
    /// where Ciw draws; `None` if every one is stale.
    fn ciw_choice(&mut self, frontier: &[Event<EventKind>]) -> Option<usize> {
        let owned: Vec<(usize, Owner)> =
            frontier.iter().enumerate().filter_map(|(i, e)| self.owner(e).map(|o| (i, o))).collect();
        if owned.len() <= 1 {
            return owned.first().map(|&(i, _)| i);
        }
        let mut owners: Vec<Owner> = owned.iter().map(|&(_, o)| o).collect();
        owners.sort_unstable();
        owners.dedup();
        let owner = if owners.len() > 1 { owners[self.rng.index(owners.len())] } else { owners[0] };
        let mine: Vec<usize> = owned.iter().filter(|&&(_, o)| o == owner).map(|&(i, _)| i).collect();
        if owner == 0 {
            // The lowest node, then the first class in sorted name order.
            return mine.iter().copied().min_by_key(|&i| match frontier[i].kind {
                // `as`: u32 to usize widens.
                EventKind::Arrival { stream } => {
                    let stream = stream as usize;
                    (stream / self.classes, self.rare.class_rank[stream % self.classes])
                }
                _ => (usize::MAX, u32::MAX),
            });
        }
        let rank = |kind: &EventKind| match kind {
            EventKind::Slot { .. } => 0,
            EventKind::ShiftChange { .. } => 1,
            EventKind::ServiceEnd { .. } => 2,
            EventKind::ClassChange { .. } => 3,
            EventKind::Renege { .. } => 4,
            EventKind::Arrival { .. } => 5,
        };
        let best = mine.iter().map(|&i| rank(&frontier[i].kind)).min()?;
        let mut same: Vec<((u64, u64), usize)> = mine
            .iter()
            .filter(|&&i| rank(&frontier[i].kind) == best)
            .map(|&i| (self.list_key(&frontier[i].kind), i))
            .collect();
        same.sort_unstable();
        match best {
            // Service ends and reneges: a draw among the customers, listed.
            2 | 4 if same.len() > 1 => Some(same[self.rng.index(same.len())].1),
            _ => same.first().map(|&(_, i)| i),
        }
    }

    /// Where the customer of a service end, renege or change of class comes
    /// in Ciw's list at its node: by server at a node with servers (ids
    /// only grow, so Ciw's server list is in id order), else by priority
    /// and then order of joining.
    fn list_key(&self, kind: &EventKind) -> (u64, u64) {
        let customer = match *kind {
            EventKind::ServiceEnd { customer }
            | EventKind::Renege { customer }
            | EventKind::ClassChange { customer } => customer,
            _ => return (0, 0),
        };
        let c = &self.customers[customer];
        if matches!(kind, EventKind::ServiceEnd { .. }) && c.server != NO_SERVER {
            return (0, u64::from(c.server));
        }
        // `as`: u32 to usize widens.
        (u64::from(self.lane_of[c.class as usize]), self.customers.list_order(customer))
    }
}
