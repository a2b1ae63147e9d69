//! What keeps a run from going on for ever: an event budget, a detector of
//! time standing still and a detector of blocking deadlocks under a customer
//! count. The engine asks for a check only every [`CHECK_EVERY`] events (one
//! compare an event), so none of it costs anything measurable per event.

use super::node::NodeState;

/// Events between two checks.
pub(crate) const CHECK_EVERY: u64 = 1 << 16;

/// Events a run may process unless told otherwise: 25 million, about a
/// second of work (the talk's trial is about 4000 events, the engine
/// benchmark's longest runs 6 million). A run that would need more stops
/// with [`crate::SimError::EventBudget`] before it fills memory with
/// customers or records (each event may keep a record or a waiting
/// customer, 60 to 110 bytes: at most about 2.5 GB a run); raise it with
/// [`crate::Simulation::with_event_budget`].
pub const DEFAULT_EVENT_BUDGET: u64 = 25_000_000;

/// Events in a row at one instant beyond which time counts as standing
/// still. Legitimate bursts at one instant (simultaneous arrivals of many
/// streams, customers passing through zero-time services) are far shorter;
/// a zero-time cycle reaches it with about 100 MB of records.
pub(crate) const STALL_EVENTS: u64 = 1_000_000;

/// What a run is counting, for the deadlock check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Count {
    /// Customers that completed their journey.
    Completed,
    /// Customers that left, completed or rejected.
    Finished,
    /// Arrivals accepted.
    Accepted,
    /// Arrivals, rejected ones included: no deadlock can stop them.
    Arrived,
}

impl Count {
    /// What can never happen again under a deadlock, for the error message.
    pub(crate) fn verb(self) -> &'static str {
        match self {
            Self::Completed => "complete",
            Self::Finished => "finish",
            Self::Accepted => "be accepted",
            Self::Arrived => "arrive",
        }
    }
}

/// The checks' state.
#[derive(Clone, Debug)]
pub(crate) struct Guard {
    /// Most events the run may process.
    pub(crate) budget: u64,
    /// Events processed at which to check next.
    pub(crate) next_check: u64,
    /// Events processed and clock at the last check.
    last_events: u64,
    last_time: f64,
    /// Events in a row, at least, at `last_time`.
    still: u64,
    /// During a run to a count: what is counted and its value at the last check.
    pub(crate) counting: Option<(Count, u64)>,
}

/// What a check found wrong.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Alarm {
    /// The budget is used up.
    Budget,
    /// This many events in a row at the clock's instant.
    Stalled(u64),
}

impl Guard {
    pub(crate) fn new(budget: u64) -> Self {
        Self {
            budget,
            next_check: CHECK_EVERY.min(budget),
            last_events: 0,
            last_time: f64::NAN,
            still: 0,
            counting: None,
        }
    }

    /// Sets the budget, with `processed` events behind.
    pub(crate) fn set_budget(&mut self, budget: u64, processed: u64) {
        self.budget = budget;
        self.next_check = processed.saturating_add(CHECK_EVERY).min(budget);
    }

    /// Events left in the budget.
    pub(crate) fn left(&self, processed: u64) -> u64 {
        self.budget.saturating_sub(processed)
    }

    /// The periodic check, before the event at `time` is handled with
    /// `processed` events behind it.
    pub(crate) fn check(&mut self, processed: u64, time: f64) -> Option<Alarm> {
        if processed >= self.budget {
            return Some(Alarm::Budget);
        }
        if time == self.last_time {
            self.still += processed - self.last_events;
            if self.still >= STALL_EVENTS {
                return Some(Alarm::Stalled(self.still));
            }
        } else {
            self.still = 0;
            self.last_time = time;
        }
        self.last_events = processed;
        self.next_check = processed.saturating_add(CHECK_EVERY).min(self.budget);
        None
    }
}

/// The deadlocked nodes: nodes with finite servers all held for ever, by
/// services that never end or by customers blocked waiting for room at
/// deadlocked nodes (the largest such set). No service ever ends at them
/// again, and none of their customers ever leaves: a full one stays full
/// for ever. (A customer is only ever blocked waiting for a full node.)
///
/// Without `count_endless`, only blocking counts, and a node needs a
/// server to be deadlocked: Ciw's deadlock (a knot in its digraph of
/// servers, an edge from each server whose customer is blocked to every
/// server of the node it waits for).
pub(crate) fn deadlocked(nodes: &[NodeState], count_endless: bool) -> Vec<bool> {
    let mut held: Vec<u64> =
        nodes.iter().map(|n| if count_endless { u64::from(n.endless) } else { 0 }).collect();
    for node in nodes {
        for &(from, _) in &node.blocked {
            // `as`: u32 to usize widens.
            held[from as usize] += 1;
        }
    }
    let mut dead: Vec<bool> =
        // A scheduled node gets new servers at its next shift.
        nodes
            .iter()
            .zip(&held)
            .map(|(node, &h)| {
                node.shifts.is_none()
                    && node.slots.is_none()
                    && node.servers.is_some_and(|c| (count_endless || c > 0) && h == u64::from(c))
            })
            .collect();
    // A node with a customer blocked on a live node may come back to life.
    let mut changed = true;
    while changed {
        changed = false;
        for (target, node) in nodes.iter().enumerate() {
            if dead[target] {
                continue;
            }
            for &(from, _) in &node.blocked {
                let from = from as usize;
                if dead[from] {
                    dead[from] = false;
                    changed = true;
                }
            }
        }
    }
    dead
}

/// Whether `count` can never grow again, and if so the lowest deadlocked
/// node: every customer sits at a deadlocked node and every arrival stream
/// arrives at one (`arrival_nodes`), so no service ever ends again, and
/// arrivals are turned away (when the node is full) or queue for ever.
pub(crate) fn frozen(nodes: &[NodeState], arrival_nodes: &[usize], count: Count) -> Option<usize> {
    if count == Count::Arrived {
        return None;
    }
    let dead = deadlocked(nodes, true);
    let first = dead.iter().position(|&d| d)?;
    let stuck = nodes.iter().zip(&dead).all(|(node, &d)| d || node.in_node == 0)
        && arrival_nodes.iter().all(|&i| dead[i]);
    if !stuck {
        return None;
    }
    let can_grow = match count {
        Count::Completed => false,
        // Some arrival node has room: arrivals there are accepted (and queue).
        Count::Accepted => arrival_nodes.iter().any(|&i| !nodes[i].full()),
        // Some arrival node has a finite capacity: once full, it turns
        // arrivals away, and a rejection finishes.
        Count::Finished => arrival_nodes.iter().any(|&i| nodes[i].capacity != usize::MAX),
        Count::Arrived => true,
    };
    (!can_grow).then_some(first)
}
