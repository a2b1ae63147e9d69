//! Running a simulation: the loops to each [`Stop`], the budget checks
//! before a run, and [`handle`](Simulation::handle), where every event is
//! dispatched by one `match` to the feature file that handles it.

use crate::distribution::Sampler;
use crate::error::SimError;
use crate::network::Network;
use crate::python_random::PythonRandom;
use crate::random::{Pcg, RandomSource, RngKind};

use super::event::EventKind;
use super::event_queue::Event;
use super::guard::{Alarm, Count, DEFAULT_EVENT_BUDGET, frozen};
use super::state::Simulation;
use super::stop::{Outcome, Stop};

/// Builds and runs one simulation with the chosen generator: the call a
/// sweep makes once per trial. The run has the default event budget
/// ([`DEFAULT_EVENT_BUDGET`](crate::DEFAULT_EVENT_BUDGET)); see
/// [`simulate_with_budget`].
///
/// ```
/// use queue_sim::{simulate, mean_wait, Network, RngKind, Stop};
/// let out = simulate(&Network::mmc(0.2, 0.1, 3), RngKind::Ciw, 0, Stop::MaxTime(10_000.0))?;
/// assert_eq!(mean_wait(&out.records), 3.3866903406358757); // Ciw's documented value
/// # Ok::<(), queue_sim::SimError>(())
/// ```
pub fn simulate(network: &Network, rng: RngKind, seed: u64, stop: Stop) -> Result<Outcome, SimError> {
    simulate_with_budget(network, rng, seed, stop, DEFAULT_EVENT_BUDGET)
}

/// [`simulate`] with an event budget of `budget` events (see
/// [`Simulation::with_event_budget`]).
///
/// ```
/// use queue_sim::{simulate_with_budget, Network, RngKind, SimError, Stop};
/// let net = Network::mmc(0.2, 0.1, 3);
/// let err = simulate_with_budget(&net, RngKind::Pcg, 0, Stop::MaxCustomers(1000), 500).unwrap_err();
/// assert!(matches!(err, SimError::CountBeyondBudget { count: 1000, budget: 500 }));
/// ```
pub fn simulate_with_budget(
    network: &Network,
    rng: RngKind,
    seed: u64,
    stop: Stop,
    budget: u64,
) -> Result<Outcome, SimError> {
    fn go<R: RandomSource>(sim: Simulation<R>, stop: Stop, budget: u64) -> Result<Outcome, SimError> {
        let mut sim = sim.with_event_budget(budget);
        sim.run(stop)?;
        Ok(sim.into_outcome())
    }
    match rng {
        RngKind::Pcg => go(Simulation::with_rng(network, Pcg::new(seed))?, stop, budget),
        RngKind::Ciw => go(Simulation::with_rng(network, PythonRandom::new(seed))?, stop, budget),
    }
}

impl<R: RandomSource> Simulation<R> {
    /// Runs until `stop`.
    pub fn run(&mut self, stop: Stop) -> Result<(), SimError> {
        match stop {
            Stop::MaxTime(t) => self.run_until(t),
            Stop::MaxCustomers(n) => self.run_until_customers(n),
            Stop::MaxFinished(n) => self.run_until_finished(n),
            Stop::MaxArrivals(n) => self.run_to(Count::Arrived, n),
            Stop::MaxAccepted(n) => self.run_to(Count::Accepted, n),
            Stop::Deadlock => self.run_until_deadlock().map(|_| ()),
        }
    }

    /// Processes every event strictly before `max_time`, then sets the clock
    /// to `max_time`. Calling it again with a later time continues the run.
    pub fn run_until(&mut self, max_time: f64) -> Result<(), SimError> {
        if !(max_time.is_finite() && max_time > 0.0) {
            return Err(SimError::MaxTime(max_time));
        }
        if max_time < self.now {
            return Err(SimError::MaxTimeInPast { max_time, now: self.now });
        }
        let expected = self.reserve_records(max_time - self.now);
        if expected.total > self.guard.left(self.processed) as f64 {
            let (node, class) = (expected.top / self.classes, expected.top % self.classes);
            return Err(SimError::ExpectedEvents {
                expected: expected.total,
                budget: self.guard.left(self.processed),
                node,
                class,
                time: self.now,
                max_time,
            });
        }
        if self.ties || self.tracking.is_some() {
            self.events_before_watched(max_time)?;
        } else if self.plain {
            self.plain_events_before(max_time)?;
        } else {
            // The common loop, as short as it can be.
            while let Some(event) = self.events.pop_before(max_time) {
                self.handle(event)?;
            }
        }
        self.draw_for_next();
        self.now = max_time;
        Ok(())
    }

    /// Handles every event before `max_time` in a run whose events Ciw's
    /// ties order or a tracker watches; out of line, so that the common
    /// loop stays as it was.
    #[inline(never)]
    fn events_before_watched(&mut self, max_time: f64) -> Result<(), SimError> {
        while let Some(event) = self.next_event(max_time) {
            if self.tracking.is_some() {
                self.handle_tracked(event)?;
            } else {
                self.handle(event)?;
            }
        }
        Ok(())
    }

    /// Runs until `n` customers have completed their journey (rejected ones
    /// do not count); the clock stays at the last event. Errors with
    /// [`SimError::CountNotReached`] if no event is left first.
    ///
    /// Errors with [`SimError::NoExit`] if some class can reach a node from
    /// which it can never leave the network, since the count might then never
    /// be reached (a count already reached runs nothing and is no error, as
    /// for [`Simulation::run_until_finished`]).
    pub fn run_until_customers(&mut self, n: u64) -> Result<(), SimError> {
        if self.count(Count::Completed) < n
            && let Some((class, node)) = self.trapping_node()
        {
            return Err(SimError::NoExit { class, node });
        }
        self.run_to(Count::Completed, n)
    }

    /// Runs until `n` customers have left the network, completed or rejected
    /// (Ciw's method "Finish"); the clock stays at the last event.
    ///
    /// Errors with [`SimError::NoExit`] if no arrival can ever finish: from
    /// every node where a class arrives, that class can never leave, and
    /// nothing turns arrivals away or lets them go early (no capacity limit,
    /// no baulking, no reneging).
    pub fn run_until_finished(&mut self, n: u64) -> Result<(), SimError> {
        if self.count(Count::Finished) < n {
            let mut trapped = None;
            for class in 0..self.classes {
                let exits = self.exits(class);
                for (node, state) in self.nodes.iter().enumerate() {
                    if self.arrivals[node * self.classes + class].is_none() {
                        continue;
                    }
                    let stream = node * self.classes + class;
                    let leaves_early = self.baulking.get(stream).is_some_and(Option::is_some)
                        || self.reneging.get(stream).is_some_and(Option::is_some);
                    if exits[node]
                        || leaves_early
                        || state.capacity != usize::MAX
                        || self.system_capacity != u64::MAX
                    {
                        return self.run_to(Count::Finished, n);
                    }
                    trapped.get_or_insert((class, node));
                }
            }
            if let Some((class, node)) = trapped {
                return Err(SimError::NoExit { class, node });
            }
        }
        self.run_to(Count::Finished, n)
    }

    /// Handles events one by one until `count` reaches `n`, as Ciw's
    /// `simulate_until_max_customers` loop does; the clock stays at the last
    /// event. Errors with [`SimError::CountNotReached`] if no event is left
    /// first.
    fn run_to(&mut self, count: Count, n: u64) -> Result<(), SimError> {
        let needed = n.saturating_sub(self.count(count));
        if needed > self.guard.left(self.processed) {
            return Err(SimError::CountBeyondBudget {
                count: needed,
                budget: self.guard.left(self.processed),
            });
        }
        self.guard.counting = Some((count, self.count(count)));
        let result = self.run_while(count, n);
        self.guard.counting = None;
        result
    }

    fn run_while(&mut self, count: Count, n: u64) -> Result<(), SimError> {
        while self.count(count) < n {
            let Some(event) = self.next_event(f64::INFINITY) else {
                return Err(SimError::CountNotReached {
                    count: count.verb(),
                    wanted: n,
                    reached: self.count(count),
                    time: self.now,
                });
            };
            if self.tracking.is_some() {
                self.handle_tracked(event)?;
            } else {
                self.handle(event)?;
            }
        }
        self.draw_for_next();
        Ok(())
    }

    /// Reserves room for the records of the external arrivals expected over
    /// `horizon`, so that a run does not keep regrowing its record buffer,
    /// and returns that expectation.
    fn reserve_records(&mut self, horizon: f64) -> Expected {
        let mut expected = Expected { total: 0.0, top: 0 };
        let mut most = 0.0;
        for (stream, sampler) in self.arrivals.iter().enumerate() {
            let Some(m) = sampler.as_ref().and_then(Sampler::dist_mean) else { continue };
            if m > 0.0 {
                let n = horizon / m;
                expected.total += n;
                if n > most {
                    most = n;
                    expected.top = stream;
                }
            }
        }
        // Cap the guess so that a long horizon does not reserve gigabytes up
        // front (`as`: a float in [0, 1e6] converts exactly enough).
        self.records.reserve((expected.total * 1.05).clamp(0.0, 1e6) as usize);
        expected
    }

    /// Handles one event: runs the periodic guard check when due, then hands
    /// the event to the file that handles its kind.
    pub(super) fn handle(&mut self, event: Event<EventKind>) -> Result<(), SimError> {
        if self.processed >= self.guard.next_check {
            self.check(&event)?;
        }
        self.now = event.time();
        self.processed += 1;
        match event.kind {
            EventKind::Arrival { stream } => self.external_arrival(stream as usize, event.time()),
            EventKind::ServiceEnd { customer } => self.finish_service(customer, event.seq()),
            other => self.handle_waiting_event(other, event.seq()),
        }
    }

    /// [`Simulation::handle`], then the state tracker, if any, takes the
    /// state the event left (Ciw's `timestamp`). The run loops choose
    /// between the two once, so that a run without a tracker never asks.
    #[inline(never)]
    pub(super) fn handle_tracked(&mut self, event: Event<EventKind>) -> Result<(), SimError> {
        self.handle(event)?;
        if let Some(tracking) = &mut self.tracking {
            tracking.timestamp(self.now);
        }
        Ok(())
    }

    /// The events of waiting customers (reneges, changes of class), out of
    /// the common path.
    #[inline(never)]
    pub(super) fn handle_waiting_event(&mut self, kind: EventKind, seq: u64) -> Result<(), SimError> {
        match kind {
            EventKind::Renege { customer } => self.renege(customer, seq),
            EventKind::ClassChange { customer } => self.change_class_while_waiting(customer, seq),
            // `as`: u32 to usize widens.
            EventKind::ShiftChange { node } => self.change_shift(node as usize),
            EventKind::Slot { node } => self.slot(node as usize),
            EventKind::Arrival { .. } | EventKind::ServiceEnd { .. } => unreachable!("handled by `handle`"),
        }
    }

    /// The periodic check of the event budget, the clock and, running to a
    /// count, deadlock; `event` is the one about to be handled.
    #[cold]
    #[inline(never)]
    pub(super) fn check(&mut self, event: &Event<EventKind>) -> Result<(), SimError> {
        let time = event.time();
        if self.rare.progress.is_some() {
            let counted = self.guard.counting.map(|(count, _)| self.count(count));
            if let Some(progress) = &mut self.rare.progress {
                (progress.0)(time, counted);
            }
        }
        let (node, class) = match event.kind {
            EventKind::Arrival { stream } => {
                let stream = stream as usize;
                (stream / self.classes, stream % self.classes)
            }
            EventKind::ServiceEnd { customer }
            | EventKind::Renege { customer }
            | EventKind::ClassChange { customer } => {
                let c = &self.customers[customer];
                (c.node as usize, c.class as usize)
            }
            EventKind::ShiftChange { node } | EventKind::Slot { node } => (node as usize, 0),
        };
        match self.guard.check(self.processed, time) {
            Some(Alarm::Budget) => {
                return Err(SimError::EventBudget { budget: self.guard.budget, node, time });
            }
            Some(Alarm::Stalled(events)) => return Err(SimError::Stalled { node, class, time, events }),
            None => {}
        }
        if let Some((count, last)) = self.guard.counting {
            let now = self.count(count);
            // A deadlock stops the count; look for one only then: when a
            // customer is blocked, a server held for ever, or a node has no
            // server at all (a full one turns everyone away for ever).
            if now == last
                && (self.blocked > 0
                    || self
                        .nodes
                        .iter()
                        .any(|n| n.endless > 0 || (n.servers == Some(0) && n.shifts.is_none())))
                && let Some(node) = frozen(&self.nodes, &self.arrival_nodes, count)
            {
                return Err(SimError::Deadlock { node, time: self.now, count: count.verb() });
            }
            self.guard.counting = Some((count, now));
        }
        Ok(())
    }
}

/// The external arrivals expected over a horizon.
struct Expected {
    /// Summed over the streams.
    total: f64,
    /// The stream expecting the most.
    top: usize,
}
