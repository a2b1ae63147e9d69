//! The discrete-event engine: one event queue for the whole network (a
//! binary heap until many events are pending, a radix heap from then on),
//! so the cost of an event hardly grows with the number of nodes (Ciw scans
//! every node at every event).

use serde::{Deserialize, Serialize};

use crate::distribution::Sampler;
use crate::error::SimError;
use crate::event_queue::{Event, EventQueue};
use crate::guard::{Alarm, Count, DEFAULT_EVENT_BUDGET, Guard};
use crate::network::Network;
use crate::node::NodeState;
use crate::python_random::PythonRandom;
use crate::random::{Pcg, RandomSource, RngKind};
use crate::record::{Record, RecordType};
use crate::routing::Routes;

const NONE: u32 = u32::MAX;

/// A running simulation of a [`Network`], drawing from `R`.
///
/// Runs are resumable: [`Simulation::run_until`] a time, look at the records,
/// then run on to a later time or a number of customers.
///
/// ```
/// use queue_sim::{Network, Simulation};
/// let mut sim = Simulation::new(&Network::mmc(0.2, 0.1, 3), 0)?;
/// sim.run_until(1000.0)?;
/// let first = sim.records().len();
/// sim.run_until(2000.0)?;
/// assert!(sim.records().len() > first);
/// # Ok::<(), queue_sim::SimError>(())
/// ```
///
/// # Runs that would never end
///
/// A run stops with an error rather than run for ever: after its event
/// budget ([`Simulation::with_event_budget`], by default
/// [`DEFAULT_EVENT_BUDGET`](crate::DEFAULT_EVENT_BUDGET)), or before it starts
/// when the arrivals expected up to its stopping time or the count it runs to
/// exceed the budget ([`SimError::ExpectedEvents`],
/// [`SimError::CountBeyondBudget`]); when millions of events in a row
/// happen at one instant, as in a zero-time cycle ([`SimError::Stalled`]);
/// and, running to a number of customers, when a blocking deadlock leaves
/// the count no way to grow ([`SimError::Deadlock`]). These checks run every
/// 65536 events. After an error the simulation is left mid-event: read its
/// records, but do not run it on.
#[derive(Debug)]
pub struct Simulation<R: RandomSource = Pcg> {
    rng: R,
    now: f64,
    events: EventQueue<EventKind>,
    classes: usize,
    nodes: Vec<NodeState>,
    customers: Vec<Customer>,
    free_slots: Vec<u32>,
    /// Per (node, class), node-major: external inter-arrival samplers.
    arrivals: Vec<Option<Sampler>>,
    /// The nodes with external arrivals, for the deadlock check.
    arrival_nodes: Vec<usize>,
    /// Per (node, class), node-major.
    services: Vec<Sampler>,
    /// Where a customer goes after service.
    routes: Routes,
    records: Vec<Record>,
    /// One arrival stream only: its next arrival waits in the queue's slot.
    single_stream: bool,
    arrived: u64,
    accepted: u64,
    completed: u64,
    processed: u64,
    /// Customers blocked after service, waiting for room elsewhere.
    blocked: u64,
    /// Utilisation summed as Ciw sums it.
    ciw: bool,
    guard: Guard,
}

/// When to stop a run. In a model file or JSON: `{ max_time = 10000.0 }`,
/// `{ max_customers = 500 }`, `{ max_finished = 500 }`,
/// `{ max_arrivals = 500 }` or `{ max_accepted = 500 }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Process every event strictly before this time (Ciw's
    /// `simulate_until_max_time`); the clock ends at this time.
    MaxTime(f64),
    /// Run until this many customers have completed their journey through
    /// the network (Ciw's `simulate_until_max_customers`, method "Complete").
    /// Rejected customers do not count.
    MaxCustomers(u64),
    /// Run until this many customers have left the network, completed or
    /// rejected on arrival (Ciw's method "Finish", which would also count
    /// baulking and reneging customers, features this engine lacks).
    MaxFinished(u64),
    /// Run until this many customers have arrived from outside, rejected
    /// ones included (Ciw's method "Arrive").
    MaxArrivals(u64),
    /// Run until this many customers have arrived from outside and been
    /// accepted, not rejected (Ciw's method "Accept").
    MaxAccepted(u64),
}

/// What a finished run leaves: its records and per-node utilisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Records in the order their services ended (rejections at their time).
    pub records: Vec<Record>,
    /// Per node, the fraction of server time spent busy; `None` at nodes with
    /// infinite servers.
    pub utilisation: Vec<Option<f64>>,
    /// The clock at the end.
    pub end_time: f64,
}

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

impl Simulation<Pcg> {
    /// A simulation of `network` with the default generator seeded by `seed`.
    pub fn new(network: &Network, seed: u64) -> Result<Self, SimError> {
        Self::with_rng(network, Pcg::new(seed))
    }
}

impl Simulation<PythonRandom> {
    /// A simulation that draws exactly as Ciw 3.2.7 after `ciw.seed(seed)`.
    pub fn ciw(network: &Network, seed: u64) -> Result<Self, SimError> {
        Self::with_rng(network, PythonRandom::new(seed))
    }
}

impl<R: RandomSource> Simulation<R> {
    /// A simulation of `network` drawing from `rng`. The first inter-arrival
    /// time of every (node, class) stream is drawn here, node by node and
    /// class by class, as Ciw draws them when it builds a simulation.
    ///
    /// When `rng` follows Ciw's conventions
    /// ([`RandomSource::ciw_conventions`], true for [`PythonRandom`]), the
    /// classes at each node are drawn in order of their names, sorted as
    /// Python sorts strings (by code point, so `"Class 10"` comes before
    /// `"Class 2"`), since Ciw numbers classes by their sorted names;
    /// classes with the same name keep their order in the model. Classes
    /// keep their numbers in the model (records give
    /// `network.classes` indices) either way.
    pub fn with_rng(network: &Network, rng: R) -> Result<Self, SimError> {
        network.validate()?;
        let classes = network.classes.len();
        let n = network.nodes.len();
        let mut arrivals = Vec::with_capacity(n * classes);
        let mut services = Vec::with_capacity(n * classes);
        for node in 0..n {
            for class in &network.classes {
                let at = &class.nodes[node];
                arrivals.push(at.arrival.clone().map(Sampler::new));
                services.push(Sampler::new(at.service.clone()));
            }
        }
        let routes = Routes::new(network)?;
        let nodes = network
            .nodes
            .iter()
            .enumerate()
            .map(|(i, spec)| NodeState::new(i, spec))
            .collect::<Result<_, _>>()?;
        let arrival_nodes =
            (0..n).filter(|&i| (0..classes).any(|k| arrivals[i * classes + k].is_some())).collect();
        let ciw = rng.ciw_conventions();
        let mut order: Vec<usize> = (0..classes).collect();
        if ciw {
            // Stable: classes with equal names keep their order.
            order.sort_by(|&a, &b| network.classes[a].name.cmp(&network.classes[b].name));
        }
        let mut sim = Self {
            rng,
            now: 0.0,
            events: EventQueue::new(),
            classes,
            nodes,
            customers: Vec::new(),
            free_slots: Vec::new(),
            arrivals,
            arrival_nodes,
            services,
            routes,
            records: Vec::new(),
            single_stream: false,
            arrived: 0,
            accepted: 0,
            completed: 0,
            processed: 0,
            blocked: 0,
            ciw,
            guard: Guard::new(DEFAULT_EVENT_BUDGET),
        };
        sim.single_stream = sim.arrivals.iter().flatten().count() == 1;
        for node in 0..n {
            for &class in &order {
                let stream = node * classes + class;
                if sim.arrivals[stream].is_some() {
                    sim.schedule_arrival(stream, 0.0)?;
                }
            }
        }
        Ok(sim)
    }

    /// Sets the most events this simulation may process in all (by default
    /// [`DEFAULT_EVENT_BUDGET`](crate::DEFAULT_EVENT_BUDGET)); a run that
    /// needs more stops with [`SimError::EventBudget`], or before it starts
    /// when it can tell ([`SimError::ExpectedEvents`],
    /// [`SimError::CountBeyondBudget`]).
    ///
    /// ```
    /// use queue_sim::{Network, SimError, Simulation};
    /// let net = Network::mmc(0.2, 0.1, 3);
    /// // About 2000 arrivals expected by time 10000: too many for 1000 events.
    /// let mut sim = Simulation::new(&net, 0)?.with_event_budget(1000);
    /// assert!(matches!(sim.run_until(10_000.0), Err(SimError::ExpectedEvents { .. })));
    /// # Ok::<(), SimError>(())
    /// ```
    pub fn with_event_budget(mut self, budget: u64) -> Self {
        self.guard.set_budget(budget, self.processed);
        self
    }

    /// The most events this simulation may process in all.
    pub fn event_budget(&self) -> u64 {
        self.guard.budget
    }

    /// Runs until `stop`.
    pub fn run(&mut self, stop: Stop) -> Result<(), SimError> {
        match stop {
            Stop::MaxTime(t) => self.run_until(t),
            Stop::MaxCustomers(n) => self.run_until_customers(n),
            Stop::MaxFinished(n) => self.run_until_finished(n),
            Stop::MaxArrivals(n) => self.run_to(Count::Arrived, n),
            Stop::MaxAccepted(n) => self.run_to(Count::Accepted, n),
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
        while let Some(event) = self.events.pop_before(max_time) {
            self.handle(event)?;
        }
        self.now = max_time;
        Ok(())
    }

    /// Runs until `n` customers have completed their journey (rejected ones
    /// do not count); the clock stays at the last event. Stops early if no
    /// event is left.
    ///
    /// Errors with [`SimError::NoExit`] if some class can reach a node from
    /// which it can never leave the network, since the count might then never
    /// be reached.
    pub fn run_until_customers(&mut self, n: u64) -> Result<(), SimError> {
        if let Some((class, node)) = self.trapping_node() {
            return Err(SimError::NoExit { class, node });
        }
        self.run_to(Count::Completed, n)
    }

    /// Runs until `n` customers have left the network, completed or rejected
    /// (Ciw's method "Finish"); the clock stays at the last event.
    ///
    /// Errors with [`SimError::NoExit`] if no arrival can ever finish: from
    /// every node where a class arrives, that class can never leave, and the
    /// node has no capacity limit to turn arrivals away.
    pub fn run_until_finished(&mut self, n: u64) -> Result<(), SimError> {
        if self.count(Count::Finished) < n {
            let mut trapped = None;
            for class in 0..self.classes {
                let exits = self.exits(class);
                for (node, state) in self.nodes.iter().enumerate() {
                    if self.arrivals[node * self.classes + class].is_none() {
                        continue;
                    }
                    if exits[node] || state.capacity != usize::MAX {
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

    /// The current value of a count.
    fn count(&self, count: Count) -> u64 {
        match count {
            Count::Completed => self.completed,
            Count::Finished => self.completed + (self.arrived - self.accepted),
            Count::Accepted => self.accepted,
            Count::Arrived => self.arrived,
        }
    }

    /// Handles events one by one until `count` reaches `n`, as Ciw's
    /// `simulate_until_max_customers` loop does; the clock stays at the last
    /// event. Stops early if no event is left.
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
            let Some(event) = self.events.pop() else { break };
            self.handle(event)?;
        }
        Ok(())
    }

    /// A (class, node) such that the class can reach the node, from its
    /// external arrivals, and can never leave the network from it.
    fn trapping_node(&self) -> Option<(usize, usize)> {
        let n = self.nodes.len();
        for class in 0..self.classes {
            let exits = self.exits(class);
            // Nodes reachable from the class's arrivals.
            let mut stack: Vec<usize> =
                (0..n).filter(|&i| self.arrivals[i * self.classes + class].is_some()).collect();
            let mut seen = vec![false; n];
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                if !exits[i] {
                    return Some((class, i));
                }
                stack.extend(self.routes.destinations(class, i));
            }
        }
        None
    }

    /// Per node, whether a customer of `class` there can leave the network
    /// (directly or after more nodes), by fixpoint.
    fn exits(&self, class: usize) -> Vec<bool> {
        let n = self.nodes.len();
        let mut exits: Vec<bool> = (0..n).map(|i| self.routes.leaves(class, i)).collect();
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..n {
                if !exits[i] && self.routes.destinations(class, i).any(|d| exits[d]) {
                    exits[i] = true;
                    changed = true;
                }
            }
        }
        exits
    }

    /// The simulation clock.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// The records so far, in the order services ended.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Removes and returns the records so far, so that a long run can stream
    /// them out in bounded memory.
    pub fn take_records(&mut self) -> Vec<Record> {
        std::mem::take(&mut self.records)
    }

    /// Customers that have completed their journey.
    pub fn completed(&self) -> u64 {
        self.completed
    }

    /// Events processed so far (arrivals and service ends).
    pub fn events_processed(&self) -> u64 {
        self.processed
    }

    /// Customers that have left the network: completed, or rejected on
    /// arrival (what [`Stop::MaxFinished`] counts).
    pub fn finished(&self) -> u64 {
        self.count(Count::Finished)
    }

    /// Customers that have arrived from outside, rejected ones included.
    pub fn arrived(&self) -> u64 {
        self.arrived
    }

    /// Customers that have arrived from outside and were not rejected.
    pub fn accepted(&self) -> u64 {
        self.accepted
    }

    /// Customers at each node now (waiting, in service or blocked).
    pub fn customers_at_nodes(&self) -> Vec<u32> {
        self.nodes.iter().map(|n| n.in_node).collect()
    }

    /// Per node, busy server time over total server time up to the clock
    /// (Ciw's `server_utilisation`); `None` for infinite-server nodes.
    ///
    /// Busy times are added server by server; when the generator follows
    /// Ciw's conventions ([`RandomSource::ciw_conventions`]), the total
    /// time is summed server by server too, so that a run's utilisation
    /// equals Ciw's to the last bit as computed by Ciw on CPython 3.11 or
    /// earlier (from 3.12, Python's `sum` of floats compensates rounding,
    /// which can change the last digits). Unlike Ciw, which adds the
    /// services under way to its servers' busy times at the end of every
    /// `simulate_until_max_time` call, so that a paused and resumed run
    /// counts them twice, this is what a single run to the clock gives.
    pub fn utilisation(&self) -> Vec<Option<f64>> {
        self.nodes.iter().map(|node| node.utilisation(self.now, self.ciw)).collect()
    }

    /// Ends the run, keeping its records and utilisation.
    pub fn into_outcome(self) -> Outcome {
        let utilisation = self.utilisation();
        Outcome { records: self.records, utilisation, end_time: self.now }
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

    #[inline(always)]
    fn push_event(&mut self, time: f64, kind: EventKind) {
        self.events.push(time, kind);
    }

    /// Draws the next inter-arrival time of `stream` and schedules it after `from`.
    fn schedule_arrival(&mut self, stream: usize, from: f64) -> Result<(), SimError> {
        let Some(sampler) = self.arrivals[stream].as_mut() else { return Ok(()) };
        let gap = sampler.sample(&mut self.rng);
        if gap.is_nan() || gap < 0.0 {
            let (node, class) = (stream / self.classes, stream % self.classes);
            return Err(SimError::InvalidSample { node, class, role: "arrival", value: gap });
        }
        let time = from + gap;
        if time.is_finite() {
            // `as`: validation keeps the number of streams within a u32.
            let kind = EventKind::Arrival { stream: stream as u32 };
            if self.single_stream { self.events.push_slot(time, kind) } else { self.push_event(time, kind) }
        }
        Ok(())
    }

    fn handle(&mut self, event: Event<EventKind>) -> Result<(), SimError> {
        if self.processed >= self.guard.next_check {
            self.check(&event)?;
        }
        self.now = event.time();
        self.processed += 1;
        match event.kind {
            EventKind::Arrival { stream } => self.external_arrival(stream as usize, event.time()),
            EventKind::ServiceEnd { customer } => self.finish_service(customer),
        }
    }

    /// The periodic check of the event budget, the clock and, running to a
    /// count, deadlock; `event` is the one about to be handled.
    #[cold]
    #[inline(never)]
    fn check(&mut self, event: &Event<EventKind>) -> Result<(), SimError> {
        let time = event.time();
        let (node, class) = match event.kind {
            EventKind::Arrival { stream } => {
                let stream = stream as usize;
                (stream / self.classes, stream % self.classes)
            }
            EventKind::ServiceEnd { customer } => {
                let c = &self.customers[customer as usize];
                (c.node as usize, c.class as usize)
            }
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
            // A deadlock stops the count; look for one only then.
            if now == last
                && (self.blocked > 0 || self.nodes.iter().any(|n| n.endless > 0))
                && let Some(node) = crate::guard::frozen(&self.nodes, &self.arrival_nodes, count)
            {
                return Err(SimError::Deadlock { node, time: self.now, count: count.verb() });
            }
            self.guard.counting = Some((count, now));
        }
        Ok(())
    }

    fn external_arrival(&mut self, stream: usize, time: f64) -> Result<(), SimError> {
        let (node, class) = (stream / self.classes, stream % self.classes);
        self.arrived += 1;
        let id = self.arrived;
        let state = &self.nodes[node];
        // `as` (here and for node and class numbers below): validation keeps
        // nodes and classes within a u32, and node numbers within an i32.
        if state.full() {
            let queue_size_at_arrival = state.in_node;
            self.records.push(Record {
                id_number: id,
                customer_class: class as u32,
                original_customer_class: class as u32,
                node: node as u32 + 1,
                arrival_date: self.now,
                waiting_time: f64::NAN,
                service_start_date: f64::NAN,
                service_time: f64::NAN,
                service_end_date: f64::NAN,
                time_blocked: f64::NAN,
                exit_date: self.now,
                destination: None,
                queue_size_at_arrival,
                queue_size_at_departure: None,
                server_id: None,
                record_type: RecordType::Rejection,
            });
        } else {
            self.accepted += 1;
            let customer = self.new_customer(id, class as u32, node)?;
            self.accept(node, customer)?;
        }
        self.schedule_arrival(stream, time)
    }

    fn new_customer(&mut self, id: u64, class: u32, node: usize) -> Result<u32, SimError> {
        let c = Customer {
            id,
            class,
            node: 0,
            server: NONE,
            arrival: 0.0,
            service_start: 0.0,
            service_end: 0.0,
            queue_size_at_arrival: 0,
            destination: -1,
        };
        match self.free_slots.pop() {
            Some(slot) => {
                self.customers[slot as usize] = c;
                Ok(slot)
            }
            None => {
                // Below u32::MAX, so that a node's count of customers fits a u32 too.
                let slot = u32::try_from(self.customers.len())
                    .ok()
                    .filter(|&slot| slot < u32::MAX)
                    .ok_or(SimError::TooManyCustomers { node, time: self.now, max: u32::MAX - 1 })?;
                self.customers.push(c);
                Ok(slot)
            }
        }
    }

    /// A customer enters `node`: into service if a server is free, else the queue.
    fn accept(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        let state = &mut self.nodes[node];
        let c = &mut self.customers[customer as usize];
        c.node = node as u32;
        c.arrival = self.now;
        c.queue_size_at_arrival = state.in_node;
        state.in_node += 1;
        if state.servers.is_none() {
            return self.start_service(node, customer, NONE);
        }
        match state.free_servers.take_lowest() {
            Some(server) => self.start_service(node, customer, server),
            None => {
                state.waiting.push_back(customer);
                Ok(())
            }
        }
    }

    fn start_service(&mut self, node: usize, customer: u32, server: u32) -> Result<(), SimError> {
        let class = self.customers[customer as usize].class as usize;
        let duration = self.services[node * self.classes + class].sample(&mut self.rng);
        if duration.is_nan() || duration < 0.0 {
            return Err(SimError::InvalidSample { node, class, role: "service", value: duration });
        }
        let c = &mut self.customers[customer as usize];
        c.server = server;
        c.service_start = self.now;
        c.service_end = self.now + duration;
        let end = c.service_end;
        if server != NONE {
            self.nodes[node].times.start(server, self.now);
        }
        // An infinite service time (possible with extreme parameters) never
        // ends, as in Ciw: the customer keeps its server.
        if end.is_finite() {
            self.push_event(end, EventKind::ServiceEnd { customer });
        } else if server != NONE {
            self.nodes[node].endless += 1;
        }
        Ok(())
    }

    fn finish_service(&mut self, customer: u32) -> Result<(), SimError> {
        let c = &self.customers[customer as usize];
        let (node, class) = (c.node as usize, c.class as usize);
        let next = self.routes.choose(class, node, &mut self.rng);
        self.customers[customer as usize].destination = next.map_or(-1, |d| d as i32 + 1);
        if let Some(dest) = next {
            let d = &mut self.nodes[dest];
            if d.full() {
                // Blocked after service: keep the server until `dest` has room.
                d.blocked.push_back((node as u32, customer));
                self.blocked += 1;
                return Ok(());
            }
        }
        self.release(node, customer, next)
    }

    /// `customer` leaves `node` for `next` (`None`: the exit), in Ciw's order:
    /// write the record, free the server and start the next queued service,
    /// accept at the next node, then let in whoever is blocked waiting for room.
    fn release(&mut self, node: usize, customer: u32, next: Option<usize>) -> Result<(), SimError> {
        let now = self.now;
        let state = &mut self.nodes[node];
        state.in_node -= 1;
        let c = &self.customers[customer as usize];
        self.records.push(Record {
            id_number: c.id,
            customer_class: c.class,
            original_customer_class: c.class,
            node: node as u32 + 1,
            arrival_date: c.arrival,
            waiting_time: c.service_start - c.arrival,
            service_start_date: c.service_start,
            service_time: c.service_end - c.service_start,
            service_end_date: c.service_end,
            time_blocked: now - c.service_end,
            exit_date: now,
            destination: Some(c.destination),
            queue_size_at_arrival: c.queue_size_at_arrival,
            queue_size_at_departure: Some(state.in_node),
            server_id: (c.server != NONE).then(|| c.server + 1),
            record_type: RecordType::Service,
        });
        let server = c.server;
        if server != NONE {
            let waiting = state.waiting.pop_front();
            state.times.end(server, c.service_start, now, waiting.is_none());
            match waiting {
                Some(waiting) => self.start_service(node, waiting, server)?,
                None => state.free_servers.put(server),
            }
        }
        match next {
            Some(dest) => self.accept(dest, customer)?,
            None => {
                self.completed += 1;
                self.free_slots.push(customer);
            }
        }
        let state = &mut self.nodes[node];
        if !state.full()
            && let Some((from, blocked)) = state.blocked.pop_front()
        {
            self.blocked -= 1;
            self.release(from as usize, blocked, Some(node))?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
struct Customer {
    id: u64,
    class: u32,
    /// The node it is at.
    node: u32,
    server: u32,
    arrival: f64,
    service_start: f64,
    service_end: f64,
    queue_size_at_arrival: u32,
    /// Next node from 1, or -1 for the exit.
    destination: i32,
}

/// What an event does.
#[derive(Clone, Copy, Debug)]
enum EventKind {
    /// An external arrival of one (node, class) stream.
    Arrival { stream: u32 },
    /// The end of a customer's service where it is.
    ServiceEnd { customer: u32 },
}

/// The external arrivals expected over a horizon.
struct Expected {
    /// Summed over the streams.
    total: f64,
    /// The stream expecting the most.
    top: usize,
}
