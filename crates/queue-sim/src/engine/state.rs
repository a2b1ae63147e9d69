//! The state of a running simulation ([`Simulation`]): clock, generator,
//! event queue, model tables, node states, customers, records and counters;
//! its constructors and the accessors users read results through. What
//! happens at each event lives in the feature files beside this one.

use crate::behaviour::{Baulking, QueuedCustomer};
use std::collections::VecDeque;

use crate::distribution::{Distribution, Sampler};
use crate::error::{ModelError, SimError};
use crate::network::{Network, Preemption};
use crate::python_random::PythonRandom;
use crate::random::{Pcg, RandomSource};
use crate::record::{Record, RecordType};
use crate::routers::{Destination, ProcessRouting, Routing};

use super::class_change::{self, ClassTable};
use super::customers::Customers;
use super::event::EventKind;
use super::event_queue::{Event, EventQueue};
use super::guard::{Count, DEFAULT_EVENT_BUDGET, Guard};
use super::node::NodeState;
use super::routing::Routes;
use super::stop::Outcome;
use super::ties;
use super::tracking::Tracking;

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
    pub(super) rng: R,
    pub(super) now: f64,
    pub(super) events: EventQueue<EventKind>,
    pub(super) classes: usize,
    /// Per class, its priority lane: the rank of its priority (0 first).
    pub(super) lane_of: Vec<u32>,
    /// Some node preempts: service ends can go stale.
    pub(super) preemptive: bool,
    /// Most customers in the network at once (`u64::MAX`: no limit).
    pub(super) system_capacity: u64,
    /// Per (node, class), node-major, its baulking; empty when no class
    /// baulks anywhere.
    pub(super) baulking: Vec<Option<Baulking>>,
    /// Per (node, class), node-major, its batch sizes; empty when every
    /// arrival brings one customer.
    pub(super) batches: Vec<Option<Sampler>>,
    /// Per (node, class), node-major, its class change after service;
    /// empty when nobody changes class.
    pub(super) class_change: Vec<Option<ClassTable>>,
    /// Per class, its changes of class while waiting: (class it becomes,
    /// time to it), in sorted-name order; empty when no class has any.
    pub(super) waiting_changes: Vec<Vec<(u32, Sampler)>>,
    /// The model uses none of the optional features (priorities,
    /// preemption, baulking, batches, reneging, class changes, a system
    /// capacity, disciplines other than FIFO, server priorities, process
    /// routes): the engine takes its short paths.
    pub(super) plain: bool,
    /// Per class, its process-based routing; empty when no class has one.
    pub(super) process: Vec<Option<ProcessRouting>>,
    /// Per customer slot, the rest of its route (process-based classes).
    pub(super) process_routes: Vec<VecDeque<Vec<u32>>>,
    /// Scratch room for what a user service discipline sees.
    pub(super) queued: Vec<QueuedCustomer>,
    /// Per (node, class), node-major, its patience; empty when nobody
    /// reneges.
    pub(super) reneging: Vec<Option<Sampler>>,
    /// Per (node, class), node-major, where a customer who reneges goes
    /// (`None`: the exit).
    pub(super) jockey_to: Vec<Option<usize>>,
    pub(super) nodes: Vec<NodeState>,
    pub(super) customers: Customers,
    /// Per (node, class), node-major: external inter-arrival samplers.
    pub(super) arrivals: Vec<Option<Sampler>>,
    /// The nodes with external arrivals, for the deadlock check.
    pub(super) arrival_nodes: Vec<usize>,
    /// Per (node, class), node-major.
    pub(super) services: Vec<Sampler>,
    /// Where a customer goes after service.
    pub(super) routes: Routes,
    pub(super) records: Vec<Record>,
    /// One arrival stream only: its next arrival waits in the queue's slot.
    pub(super) single_stream: bool,
    pub(super) arrived: u64,
    pub(super) accepted: u64,
    pub(super) completed: u64,
    pub(super) processed: u64,
    /// Customers blocked after service, waiting for room elsewhere.
    pub(super) blocked: u64,
    /// Accepted customers who left the network without completing (they
    /// reneged to the exit).
    pub(super) left_early: u64,
    /// Utilisation summed as Ciw sums it.
    pub(super) ciw: bool,
    pub(super) guard: Guard,
    /// Simultaneous events are broken as Ciw breaks them (Ciw mode, in a
    /// model that can have them: see `ties.rs`).
    pub(super) ties: bool,
    /// A customer was blocked during the current event (Ciw's
    /// `unchecked_blockage`).
    pub(super) newly_blocked: bool,
    /// The state tracker, if any.
    pub(super) tracking: Option<Box<Tracking>>,
    /// What only some runs use, kept out of the way of the hot fields.
    pub(super) rare: Box<Rare>,
}

/// The parts of a [`Simulation`] that only some runs use.
#[derive(Debug, Default)]
pub(super) struct Rare {
    /// Scratch room for the events of one instant (Ciw's ties).
    pub(super) frontier: Vec<Event<EventKind>>,
    /// Per class, its place in sorted name order (Ciw's order of classes).
    pub(super) class_rank: Vec<u32>,
    /// Told the clock every 65536 events ([`Simulation::with_progress`]).
    pub(super) progress: Option<Progress>,
}

/// A function told how far a run has gone.
pub(super) struct Progress(pub(super) Box<dyn FnMut(f64, Option<u64>) + Send>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
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
    pub fn with_rng(network: &Network, mut rng: R) -> Result<Self, SimError> {
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
        // Ciw draws the dates of a PoissonIntervals when the distribution is
        // made: before the simulation, the model's classes in order, then
        // nodes, as a script listing them so makes them.
        for (class, c) in network.classes.iter().enumerate() {
            for (node, at) in c.nodes.iter().enumerate() {
                if let Some(d @ Distribution::PoissonIntervals { .. }) = &at.arrival {
                    let sampler = Sampler::arrivals(d.clone(), &mut rng).map_err(|problem| {
                        ModelError::Distribution { node, class, role: "arrival", problem }
                    })?;
                    arrivals[node * classes + class] = Some(sampler);
                }
            }
        }
        let routes = Routes::new(network)?;
        // Each class's priority as a rank among the distinct priorities.
        let mut priorities: Vec<u32> = network.classes.iter().map(|c| c.priority).collect();
        priorities.sort_unstable();
        priorities.dedup();
        let lanes = priorities.len();
        let lane_of = network
            .classes
            .iter()
            // `as`: at most as many ranks as classes, which fit a u32.
            .map(|c| priorities.partition_point(|&p| p < c.priority) as u32)
            .collect();
        let nodes: Vec<NodeState> = network
            .nodes
            .iter()
            .enumerate()
            .map(|(i, spec)| NodeState::new(i, spec, lanes))
            .collect::<Result<_, _>>()?;
        // Schedules interrupt services too, and need to know who each
        // server holds.
        let preemptive = nodes.iter().any(|n| {
            n.preemption != Preemption::Off || n.shifts.is_some() || n.slots.is_some() || n.shared.is_some()
        });
        let arrival_nodes =
            (0..n).filter(|&i| (0..classes).any(|k| arrivals[i * classes + k].is_some())).collect();
        let mut baulking = Vec::new();
        if network.classes.iter().any(|c| c.nodes.iter().any(|at| at.baulking.is_some())) {
            for node in 0..n {
                baulking.extend(network.classes.iter().map(|c| c.nodes[node].baulking.clone()));
            }
        }
        let mut batches = Vec::new();
        if network.classes.iter().any(|c| c.nodes.iter().any(|at| at.batch.is_some())) {
            for node in 0..n {
                batches.extend(network.classes.iter().map(|c| c.nodes[node].batch.clone().map(Sampler::new)));
            }
        }
        let class_change = class_change::tables(network);
        let (mut reneging, mut jockey_to) = (Vec::new(), Vec::new());
        if network.classes.iter().any(|c| c.nodes.iter().any(|at| at.reneging.is_some())) {
            for node in 0..n {
                for c in &network.classes {
                    let at = &c.nodes[node];
                    reneging.push(at.reneging.clone().map(Sampler::new));
                    jockey_to.push(match at.reneging_destination {
                        Some(Destination::Node(to)) => Some(to),
                        Some(Destination::Exit) | None => None,
                    });
                }
            }
        }
        let mut waiting_changes = Vec::new();
        if network.classes.iter().any(|c| c.class_change_while_waiting.is_some()) {
            let mut order: Vec<usize> = (0..classes).collect();
            order.sort_by(|&a, &b| network.classes[a].name.cmp(&network.classes[b].name));
            for c in &network.classes {
                let table = c.class_change_while_waiting.as_ref();
                waiting_changes.push(
                    order
                        .iter()
                        .filter_map(|&k| {
                            let d = table?.get(&network.classes[k].name)?;
                            // `as`: validation keeps classes within a u32.
                            Some((k as u32, Sampler::new(d.clone())))
                        })
                        .collect(),
                );
            }
        }
        let process: Vec<Option<ProcessRouting>> =
            if network.classes.iter().any(|c| matches!(c.routing, Routing::Process(_))) {
                network
                    .classes
                    .iter()
                    .map(|c| if let Routing::Process(p) = &c.routing { Some(p.clone()) } else { None })
                    .collect()
            } else {
                Vec::new()
            };
        let mut customers = Customers::default();
        let ciw = rng.ciw_conventions();
        // Blocking lets several customers into a node at one instant, in an
        // order Ciw's lists keep: in Ciw mode the engine then counts places
        // in lists too (`records_in_ciw_order`).
        let blocking = ciw && network.nodes.iter().any(|n| n.queue_capacity.is_some());
        if !class_change.is_empty() || !reneging.is_empty() || !waiting_changes.is_empty() || blocking {
            customers.keep_extra();
        }
        let mut order: Vec<usize> = (0..classes).collect();
        if ciw {
            // Stable: classes with equal names keep their order.
            order.sort_by(|&a, &b| network.classes[a].name.cmp(&network.classes[b].name));
        }
        let mut class_rank = vec![0u32; classes];
        for (rank, &class) in (0u32..).zip(&order) {
            class_rank[class] = rank;
        }
        let ties = ciw && ties::can_tie(network);
        if ties {
            // Ciw's list order at a node, for breaking ties.
            customers.keep_extra();
        }
        let mut sim = Self {
            rng,
            now: 0.0,
            events: EventQueue::new(),
            classes,
            lane_of,
            preemptive,
            system_capacity: network.system_capacity.unwrap_or(u64::MAX),
            baulking,
            batches,
            class_change,
            reneging,
            jockey_to,
            queued: Vec::new(),
            plain: false,
            process,
            process_routes: Vec::new(),
            waiting_changes,
            nodes,
            customers,
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
            left_early: 0,
            ciw,
            guard: Guard::new(DEFAULT_EVENT_BUDGET),
            ties,
            newly_blocked: false,
            tracking: None,
            rare: Box::new(Rare { frontier: Vec::new(), class_rank, progress: None }),
        };
        sim.single_stream = sim.arrivals.iter().flatten().count() == 1;
        sim.plain = !ties
            && !sim.customers.keeps_extra()
            && lanes == 1
            && !sim.preemptive
            && sim.baulking.is_empty()
            && sim.batches.is_empty()
            && sim.class_change.is_empty()
            && sim.reneging.is_empty()
            && sim.waiting_changes.is_empty()
            && sim.process.is_empty()
            && sim.system_capacity == u64::MAX
            && sim.nodes.iter().all(|n| n.shifts.is_none() && n.slots.is_none() && n.shared.is_none())
            && sim.nodes.iter().all(|n| n.discipline.is_fifo() && n.server_priority.is_lowest_id());
        for node in 0..n {
            for &class in &order {
                let stream = node * classes + class;
                if sim.arrivals[stream].is_some() {
                    sim.schedule_arrival(stream, 0.0)?;
                }
            }
        }
        for node in 0..n {
            if let Some(shifts) = &sim.nodes[node].shifts {
                // `as`: validation keeps node numbers within a u32.
                sim.events.push(shifts.first_change(), EventKind::ShiftChange { node: node as u32 });
            }
            if let Some((_, first)) = &sim.nodes[node].slots {
                // `as`: validation keeps node numbers within a u32.
                sim.events.push(*first, EventKind::Slot { node: node as u32 });
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

    /// The simulation, telling `report` the clock every 65536 events, and
    /// in a run to a number of customers how many it has counted so far
    /// (for a progress bar over a long run, as Ciw's `progress_bar=True`);
    /// it costs nothing between calls.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use queue_sim::{Network, Simulation};
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let log = Arc::clone(&seen);
    /// let mut sim = Simulation::new(&Network::mmc(0.2, 0.1, 3), 0)?
    ///     .with_progress(move |now, _counted| log.lock().unwrap().push(now));
    /// sim.run_until(1_000_000.0)?;
    /// let seen = seen.lock().unwrap();
    /// assert!(seen.len() >= 5 && seen.windows(2).all(|w| w[0] <= w[1]));
    /// # Ok::<(), queue_sim::SimError>(())
    /// ```
    pub fn with_progress(mut self, report: impl FnMut(f64, Option<u64>) + Send + 'static) -> Self {
        self.rare.progress = Some(Progress(Box::new(report)));
        self
    }

    /// The most events this simulation may process in all.
    pub fn event_budget(&self) -> u64 {
        self.guard.budget
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
    /// arrival (what [`Stop::MaxFinished`](crate::Stop::MaxFinished) counts).
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

    /// Per node, Ciw's `overtime`: for each server of a scheduled node that
    /// has gone off duty so far, in the order they went, how long after its
    /// shift ended it finished its last customer (0 for a server that was
    /// free, or whose customer was interrupted). Empty for other nodes.
    ///
    /// ```
    /// use queue_sim::{Distribution, Network, NodeSpec, Schedule, Servers, Simulation};
    /// let mut net = Network::mmc(1.0, 1.5, 1);
    /// net.nodes[0] = NodeSpec::new(Servers::Schedule(Schedule::new(vec![2, 1], vec![5.0, 10.0])));
    /// let mut sim = Simulation::new(&net, 1)?;
    /// sim.run_until(100.0)?;
    /// assert!(sim.overtime()[0].len() >= 19 && sim.overtime()[0].iter().all(|&t| t >= 0.0));
    /// # Ok::<(), queue_sim::SimError>(())
    /// ```
    pub fn overtime(&self) -> Vec<Vec<f64>> {
        self.nodes.iter().map(|node| node.overtime()).collect()
    }

    /// Ends the run, keeping its records and utilisation.
    pub fn into_outcome(self) -> Outcome {
        let utilisation = self.utilisation();
        Outcome { records: self.records, utilisation, end_time: self.now }
    }

    /// A record of `customer` leaving `node` now as `record_type`: who it
    /// is, its classes, when it arrived and how many it found there; the
    /// service fields NaN and the rest empty, for the caller to fill.
    #[inline(always)]
    pub(super) fn record_of(&self, customer: u32, node: usize, record_type: RecordType) -> Record {
        let (customer_class, original_customer_class) = self.customers.record_classes(customer);
        let c = &self.customers[customer];
        Record {
            id_number: c.id,
            customer_class,
            original_customer_class,
            // `as`: validation keeps node numbers within a u32.
            node: node as u32 + 1,
            arrival_date: c.arrival,
            waiting_time: f64::NAN,
            service_start_date: f64::NAN,
            service_time: f64::NAN,
            service_end_date: f64::NAN,
            time_blocked: f64::NAN,
            exit_date: self.now,
            destination: None,
            queue_size_at_arrival: c.queue_size_at_arrival,
            queue_size_at_departure: None,
            server_id: None,
            record_type,
        }
    }

    /// The customers in the network now, as Ciw counts them for its system
    /// capacity: accepted and not yet gone.
    #[inline]
    pub(super) fn in_system(&self) -> u64 {
        self.accepted - self.completed - self.left_early
    }

    /// The current value of a count.
    pub(super) fn count(&self, count: Count) -> u64 {
        match count {
            Count::Completed => self.completed,
            Count::Finished => self.completed + (self.arrived - self.accepted) + self.left_early,
            Count::Accepted => self.accepted,
            Count::Arrived => self.arrived,
        }
    }
}
