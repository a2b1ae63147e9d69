//! Running until deadlock (Ciw's `simulate_until_deadlock` with its
//! `StateDigraph` detector): after every event in which a customer was
//! blocked, the engine looks for a set of nodes whose servers all hold
//! customers blocked waiting for room at nodes of the set (Ciw's knot in
//! its digraph of servers); the run stops at the first such event. With a
//! state tracker, the time from each state's first visit to the deadlock
//! is kept, as Ciw's `times_to_deadlock`.
//!
//! Nodes with schedules or slots are never counted deadlocked (their
//! servers change with the clock).

use std::collections::HashMap;

use crate::error::SimError;
use crate::random::RandomSource;
use crate::tracker::State;

use super::guard::deadlocked;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Runs until the network deadlocks and returns when (the time of the
    /// event that closed the deadlock; Ciw's `time_of_deadlock`). The
    /// clock stays there. Errors with [`SimError::CannotDeadlock`] when no
    /// node has a limited capacity; a network that could deadlock but
    /// does not stops at its event budget ([`SimError::EventBudget`]).
    ///
    /// ```
    /// use queue_sim::{ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Servers, Simulation};
    /// // One server feeding back to itself half the time, room for 3 more.
    /// let net = Network::new(
    ///     vec![NodeSpec::new(Servers::Finite(1)).with_queue_capacity(3)],
    ///     vec![CustomerClass::new("A", vec![ClassAtNode::new(Some(Distribution::exponential(6.0)), Distribution::exponential(5.0))], vec![vec![0.5]])],
    /// );
    /// let mut sim = Simulation::ciw(&net, 1)?;
    /// let when = sim.run_until_deadlock()?;
    /// assert!(when > 0.0 && sim.now() == when);
    /// # Ok::<(), queue_sim::SimError>(())
    /// ```
    pub fn run_until_deadlock(&mut self) -> Result<f64, SimError> {
        if self.nodes.iter().all(|n| n.capacity == usize::MAX) {
            return Err(SimError::CannotDeadlock);
        }
        let mut first_seen: Option<(Vec<State>, HashMap<State, f64>)> =
            self.tracking.as_ref().map(|t| (vec![t.state()], HashMap::from([(t.state(), 0.0)])));
        loop {
            let Some(event) = self.next_event(f64::INFINITY) else {
                return Err(SimError::NoEventsLeft { time: self.now });
            };
            self.newly_blocked = false;
            self.handle_tracked(event)?;
            if let (Some((order, seen)), Some(t)) = (&mut first_seen, &self.tracking) {
                let state = t.state();
                if !seen.contains_key(&state) {
                    seen.insert(state.clone(), self.now);
                    order.push(state);
                }
            }
            if self.newly_blocked && deadlocked(&self.nodes, false).iter().any(|&d| d) {
                break;
            }
        }
        self.draw_for_next();
        let when = self.now;
        if let (Some((order, seen)), Some(t)) = (first_seen, &mut self.tracking) {
            t.times_to_deadlock =
                order.into_iter().map(|s| (seen[&s], s)).map(|(at, s)| (s, when - at)).collect();
        }
        Ok(when)
    }

    /// After [`Simulation::run_until_deadlock`] with a state tracker: per
    /// state visited, in order of first visit, the time from its first
    /// visit to the deadlock (Ciw's `times_to_deadlock`).
    pub fn times_to_deadlock(&self) -> &[(State, f64)] {
        self.tracking.as_ref().map_or(&[], |t| &t.times_to_deadlock)
    }
}
