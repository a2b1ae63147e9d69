//! The discrete-event engine: one event queue for the whole network (a
//! binary heap until many events are pending, a radix heap from then on),
//! so the cost of an event hardly grows with the number of nodes (Ciw scans
//! every node at every event).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::distribution::Sampler;
use crate::error::SimError;
use crate::event_queue::{Event, EventQueue};
use crate::network::{Network, Servers};
use crate::python_random::PythonRandom;
use crate::random::{Pcg, RandomSource, RngKind};
use crate::record::{Record, RecordType};
use crate::routing::Routes;

/// How many zero inter-arrival times in a row from one custom source count as
/// time standing still.
const MAX_ZERO_INTER_ARRIVALS: u64 = 10_000_000;

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
    arrivals: Vec<Option<ArrivalStream>>,
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
}

/// When to stop a run. In a model file or JSON: `{ max_time = 10000.0 }`,
/// `{ max_customers = 500 }`, `{ max_arrivals = 500 }` or
/// `{ max_accepted = 500 }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Process every event strictly before this time (Ciw's
    /// `simulate_until_max_time`); the clock ends at this time.
    MaxTime(f64),
    /// Run until this many customers have completed their journey through
    /// the network (Ciw's `simulate_until_max_customers`, method "Complete";
    /// with no baulking or reneging yet, also its "Finish").
    MaxCustomers(u64),
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
/// sweep makes once per trial.
///
/// ```
/// use queue_sim::{simulate, mean_wait, Network, RngKind, Stop};
/// let out = simulate(&Network::mmc(0.2, 0.1, 3), RngKind::Ciw, 0, Stop::MaxTime(10_000.0))?;
/// assert_eq!(mean_wait(&out.records), 3.3866903406358757); // Ciw's documented value
/// # Ok::<(), queue_sim::SimError>(())
/// ```
pub fn simulate(network: &Network, rng: RngKind, seed: u64, stop: Stop) -> Result<Outcome, SimError> {
    fn go<R: RandomSource>(mut sim: Simulation<R>, stop: Stop) -> Result<Outcome, SimError> {
        sim.run(stop)?;
        Ok(sim.into_outcome())
    }
    match rng {
        RngKind::Pcg => go(Simulation::with_rng(network, Pcg::new(seed))?, stop),
        RngKind::Ciw => go(Simulation::with_rng(network, PythonRandom::new(seed))?, stop),
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
    pub fn with_rng(network: &Network, rng: R) -> Result<Self, SimError> {
        network.validate()?;
        let classes = network.classes.len();
        let n = network.nodes.len();
        let mut arrivals = Vec::with_capacity(n * classes);
        let mut services = Vec::with_capacity(n * classes);
        for node in 0..n {
            for class in &network.classes {
                let at = &class.nodes[node];
                arrivals
                    .push(at.arrival.clone().map(|d| ArrivalStream { sampler: Sampler::new(d), zeros: 0 }));
                services.push(Sampler::new(at.service.clone()));
            }
        }
        let routes = Routes::new(network);
        let nodes = network.nodes.iter().map(NodeState::new).collect();
        let mut sim = Self {
            rng,
            now: 0.0,
            events: EventQueue::new(),
            classes,
            nodes,
            customers: Vec::new(),
            free_slots: Vec::new(),
            arrivals,
            services,
            routes,
            records: Vec::new(),
            single_stream: false,
            arrived: 0,
            accepted: 0,
            completed: 0,
            processed: 0,
        };
        sim.single_stream = sim.arrivals.iter().flatten().count() == 1;
        for stream in 0..sim.arrivals.len() {
            if sim.arrivals[stream].is_some() {
                sim.schedule_arrival(stream, 0.0)?;
            }
        }
        Ok(sim)
    }

    /// Runs until `stop`.
    pub fn run(&mut self, stop: Stop) -> Result<(), SimError> {
        match stop {
            Stop::MaxTime(t) => self.run_until(t),
            Stop::MaxCustomers(n) => self.run_until_customers(n),
            Stop::MaxArrivals(n) => self.run_while(|sim| sim.arrived < n),
            Stop::MaxAccepted(n) => self.run_while(|sim| sim.accepted < n),
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
        self.reserve_records(max_time - self.now);
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
        self.run_while(|sim| sim.completed < n)
    }

    /// Handles events one by one while `go` holds, as Ciw's
    /// `simulate_until_max_customers` loop does; the clock stays at the last
    /// event. Stops early if no event is left.
    fn run_while(&mut self, go: impl Fn(&Self) -> bool) -> Result<(), SimError> {
        while go(self) {
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
            // Nodes from which the exit is reachable, by fixpoint.
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
    pub fn utilisation(&self) -> Vec<Option<f64>> {
        self.nodes
            .iter()
            .map(|node| {
                let c = node.servers?;
                if self.now <= 0.0 {
                    return Some(0.0);
                }
                // Services under way: each has used `now - start` so far.
                let in_progress = f64::from(node.busy_servers) * self.now - node.busy_since;
                Some((node.busy_time + in_progress) / (f64::from(c) * self.now))
            })
            .collect()
    }

    /// Ends the run, keeping its records and utilisation.
    pub fn into_outcome(self) -> Outcome {
        let utilisation = self.utilisation();
        Outcome { records: self.records, utilisation, end_time: self.now }
    }

    /// Reserves room for the records of the external arrivals expected over
    /// `horizon`, so that a run does not keep regrowing its record buffer.
    fn reserve_records(&mut self, horizon: f64) {
        let expected: f64 = self
            .arrivals
            .iter()
            .flatten()
            .filter_map(|a| a.sampler.dist_mean())
            .filter(|&m| m > 0.0)
            .map(|m| horizon / m)
            .sum();
        // Cap the guess so that a long horizon does not reserve gigabytes up front.
        self.records.reserve((expected * 1.05).min(1e6) as usize);
    }

    #[inline(always)]
    fn push_event(&mut self, time: f64, kind: EventKind) {
        self.events.push(time, kind);
    }

    /// Draws the next inter-arrival time of `stream` and schedules it after `from`.
    fn schedule_arrival(&mut self, stream: usize, from: f64) -> Result<(), SimError> {
        let classes = self.classes;
        let Some(source) = self.arrivals[stream].as_mut() else { return Ok(()) };
        let gap = source.sampler.sample(&mut self.rng);
        let (node, class) = (stream / classes, stream % classes);
        if gap.is_nan() || gap < 0.0 {
            return Err(SimError::InvalidSample { node, class, role: "arrival", value: gap });
        }
        let time = from + gap;
        if time == from {
            // A gap of 0, or one too small to move the clock at this time.
            source.zeros += 1;
            if source.zeros >= MAX_ZERO_INTER_ARRIVALS {
                return Err(SimError::TimeStalled { node, class, count: source.zeros });
            }
        } else {
            source.zeros = 0;
        }
        if time.is_finite() {
            let kind = EventKind::Arrival { stream: stream as u32 };
            if self.single_stream { self.events.push_slot(time, kind) } else { self.push_event(time, kind) }
        }
        Ok(())
    }

    fn handle(&mut self, event: Event<EventKind>) -> Result<(), SimError> {
        self.now = event.time();
        self.processed += 1;
        match event.kind {
            EventKind::Arrival { stream } => self.external_arrival(stream as usize, event.time()),
            EventKind::ServiceEnd { customer } => self.finish_service(customer),
        }
    }

    fn external_arrival(&mut self, stream: usize, time: f64) -> Result<(), SimError> {
        let (node, class) = (stream / self.classes, stream % self.classes);
        self.arrived += 1;
        let id = self.arrived;
        let state = &self.nodes[node];
        if state.in_node as usize >= state.capacity {
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
            let customer = self.new_customer(id, class as u32);
            self.accept(node, customer)?;
        }
        self.schedule_arrival(stream, time)
    }

    fn new_customer(&mut self, id: u64, class: u32) -> u32 {
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
                slot
            }
            None => {
                self.customers.push(c);
                (self.customers.len() - 1) as u32
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
            let state = &mut self.nodes[node];
            state.busy_servers += 1;
            state.busy_since += self.now;
        }
        // An infinite service time (possible with extreme parameters) never
        // ends, as in Ciw: the customer keeps its server.
        if end.is_finite() {
            self.push_event(end, EventKind::ServiceEnd { customer });
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
            if d.in_node as usize >= d.capacity {
                // Blocked after service: keep the server until `dest` has room.
                d.blocked.push_back((node as u32, customer));
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
            state.busy_time += now - c.service_start;
            state.busy_servers -= 1;
            state.busy_since -= c.service_start;
            match state.waiting.pop_front() {
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
        if (state.in_node as usize) < state.capacity {
            if let Some((from, blocked)) = state.blocked.pop_front() {
                self.release(from as usize, blocked, Some(node))?;
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug)]
struct ArrivalStream {
    sampler: Sampler,
    /// Zero inter-arrival times in a row, to detect time standing still.
    zeros: u64,
}

#[derive(Clone, Debug)]
struct NodeState {
    /// `None` for infinite servers.
    servers: Option<u32>,
    /// Most customers the node holds: servers plus queue capacity.
    capacity: usize,
    /// Customers at the node: waiting, in service or blocked.
    in_node: u32,
    waiting: VecDeque<u32>,
    /// Free servers, lowest number first.
    free_servers: FreeServers,
    /// Servers busy now (serving or blocked).
    busy_servers: u32,
    /// The sum of the start times of the services under way.
    busy_since: f64,
    /// Server time used by services that have ended.
    busy_time: f64,
    /// Customers at other nodes blocked waiting for room here, in order.
    blocked: VecDeque<(u32, u32)>,
}

impl NodeState {
    fn new(spec: &crate::network::NodeSpec) -> Self {
        let servers = match spec.servers {
            Servers::Finite(c) => Some(c as u32),
            Servers::Infinite => None,
        };
        let c = servers.unwrap_or(0);
        let capacity = match (spec.servers, spec.queue_capacity) {
            (Servers::Finite(c), Some(q)) => c.saturating_add(q),
            _ => usize::MAX,
        };
        Self {
            servers,
            capacity,
            in_node: 0,
            waiting: VecDeque::new(),
            free_servers: FreeServers::all(c),
            busy_servers: 0,
            busy_since: 0.0,
            busy_time: 0.0,
            blocked: VecDeque::new(),
        }
    }
}

/// The free servers of a node, lowest number first: a bit mask for up to
/// 64 servers (one instruction to take the lowest), a min-heap beyond.
#[derive(Clone, Debug)]
enum FreeServers {
    Mask(u64),
    Heap(BinaryHeap<Reverse<u32>>),
}

impl FreeServers {
    /// All of `c` servers free.
    fn all(c: u32) -> Self {
        if c <= 64 {
            Self::Mask(if c == 64 { u64::MAX } else { (1u64 << c) - 1 })
        } else {
            Self::Heap((0..c).map(Reverse).collect())
        }
    }

    /// Takes the lowest-numbered free server.
    #[inline]
    fn take_lowest(&mut self) -> Option<u32> {
        match self {
            Self::Mask(m) => {
                if *m == 0 {
                    return None;
                }
                let s = m.trailing_zeros();
                *m &= *m - 1;
                Some(s)
            }
            Self::Heap(h) => h.pop().map(|Reverse(s)| s),
        }
    }

    /// Frees a server.
    #[inline]
    fn put(&mut self, server: u32) {
        match self {
            Self::Mask(m) => *m |= 1 << server,
            Self::Heap(h) => h.push(Reverse(server)),
        }
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
