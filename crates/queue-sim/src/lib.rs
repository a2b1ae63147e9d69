//! Discrete-event simulation of open queueing networks, with the model and
//! records of [Ciw](https://ciw.readthedocs.io) and a mode that reproduces
//! Ciw 3.2.7's numbers exactly.
//!
//! A [`Network`] has nodes (servers, optional queue capacity) and customer
//! classes (per-node arrival and service [`Distribution`]s, a routing
//! matrix or [`Router`]s). A [`Simulation`] runs it from a seed and writes
//! one [`Record`] per service (and per rejection, baulk, renege and
//! interrupted service), with Ciw's fields.
//!
//! ```
//! use queue_sim::{mean_wait, Network, Simulation};
//!
//! // The talk's M/M/3 queue: arrivals at rate 0.2, services at rate 0.1.
//! let net = Network::mmc(0.2, 0.1, 3);
//! let mut sim = Simulation::new(&net, 0)?;
//! sim.run_until(10_000.0)?;
//! let w = mean_wait(sim.records());
//! assert!(w > 0.0 && w < 20.0);
//! # Ok::<(), queue_sim::SimError>(())
//! ```
//!
//! # How customers behave
//!
//! Ciw's customer-side features, each also a key of the TOML model files
//! (see [`ClassAtNode`], [`CustomerClass`], [`NodeSpec`], [`Network`]):
//! priorities and [`Preemption`]; [`Baulking`]; reneging
//! ([`ClassAtNode::with_reneging`]) to a [`Destination`]; class change after
//! service ([`ClassAtNode::with_class_after_service`]) and while waiting
//! ([`CustomerClass::with_class_change_while_waiting`]); batch arrivals
//! ([`ClassAtNode::with_batch`]); a system capacity; service
//! [`Discipline`]s; [`ServerPriority`]; [`Router`]s. User functions plug in
//! where Ciw takes Python functions ([`BaulkingFunction`],
//! [`ServiceDiscipline`], [`ServerPriorityFunction`], [`RouterFunction`],
//! [`TimeDistribution::sample_at`]).
//!
//! ```
//! use queue_sim::{
//!     Baulking, ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Preemption, RecordType, RngKind,
//!     Servers, Stop, simulate,
//! };
//! let exp = Distribution::exponential;
//! // One doctor; urgent patients (priority 0) interrupt routine ones, who
//! // resume later; routine patients baulk at a crowd and renege after a
//! // wait of Exp(0.2), and some come in pairs.
//! let net = Network::new(
//!     vec![NodeSpec::new(Servers::Finite(1)).with_preemption(Preemption::Resume)],
//!     vec![
//!         CustomerClass::new("Urgent", vec![ClassAtNode::new(Some(exp(0.2)), exp(2.0))], vec![]),
//!         CustomerClass::new(
//!             "Routine",
//!             vec![ClassAtNode::new(Some(exp(0.5)), exp(1.0))
//!                 .with_baulking(Baulking::table(vec![0.0, 0.0, 0.3, 0.8]))
//!                 .with_reneging(exp(0.2), None)
//!                 .with_batch(Distribution::Pmf { values: vec![1.0, 2.0], probs: vec![0.8, 0.2] })],
//!             vec![],
//!         )
//!         .with_priority(1),
//!     ],
//! );
//! let out = simulate(&net, RngKind::Ciw, 1, Stop::MaxTime(500.0))?;
//! for kind in [RecordType::InterruptedService, RecordType::Baulk, RecordType::Renege] {
//!     assert!(out.records.iter().any(|r| r.record_type == kind), "{kind:?}");
//! }
//! # Ok::<(), queue_sim::SimError>(())
//! ```
//!
//! # Generators and Ciw compatibility
//!
//! [`RngKind::Pcg`] (the default) draws from PCG-64 with fast ziggurat
//! samplers. [`RngKind::Ciw`] draws from [`PythonRandom`], Python's Mersenne
//! Twister with CPython's variate algorithms, in Ciw's order: the first
//! inter-arrival time of every (node, class) at construction; on an arrival
//! the service time (if a server is free, the lowest-numbered one) before the
//! next inter-arrival time; on a service end the routing draw, then the
//! service time of the next queued customer, then the service time at the
//! next node.
//!
//! Ciw numbers classes by their names sorted (as Python sorts strings), and
//! so draws their first arrivals in that order; in that mode so does this
//! engine, whatever the order of the classes in the model (records keep the
//! model's class numbers). Utilisation is summed server by server as Ciw
//! sums it.
//!
//! In that mode, records are bit-identical to Ciw 3.2.7 after `ciw.seed(s)`
//! for networks of any of the features and distributions here (Poisson,
//! geometric and binomial come from Ciw's second stream, numpy's
//! `default_rng(s)`, reproduced by [`NumpyRandom`]), **as long as no two
//! events fall at the same instant**: Ciw breaks such ties with a random
//! draw, this engine by scheduling order. Where Ciw 3.2.7 misbehaves, this
//! engine does not follow it; the README lists those cases.
//! Exponential and other continuous distributions tie with probability zero;
//! deterministic, empirical, sequential and pmf times can tie. Records come
//! in the order events happen; [`Simulation::records_in_ciw_order`] lists
//! them customer by customer as Ciw's `get_all_records` does.
//!
//! # Runs that never end
//!
//! A run that would go on for ever stops with a typed [`SimError`] naming
//! the node and the time: see [`Simulation`] (event budget, zero-time
//! cycles, blocking deadlocks under a customer count).

mod behaviour;
mod distribution;
mod engine;
mod error;
mod network;
mod numpy_random;
mod preemption;
mod python_random;
mod random;
mod record;
mod routers;
mod schedule;
mod stats;
mod summary;
mod sweep;
pub mod theory;
mod tracker;

pub use behaviour::{
    ArrivalState, Baulking, BaulkingFunction, CustomBaulking, CustomDiscipline, CustomServerPriority,
    Discipline, QueuedCustomer, ServerPriority, ServerPriorityFunction, ServerState, ServiceDiscipline,
};
pub use distribution::{
    CombineOp, CustomDistribution, Distribution, MAX_ERLANG_PHASES, ParameterError, TimeDistribution,
};
pub use engine::{
    DEFAULT_EVENT_BUDGET, Individual, Outcome, ServerStats, Simulation, Stop, simulate, simulate_with_budget,
};
pub use error::{ModelError, RouterProblem, SimError};
pub use network::{
    ClassAtNode, CustomerClass, MAX_BATCH, MAX_PRIORITISED_SERVERS, Network, NodeSpec, Preemption, Servers,
};
pub use numpy_random::{NumpyParamError, NumpyRandom};
pub use python_random::PythonRandom;
pub use random::{Pcg, RandomSource, RngKind, running_sums};
pub use record::{CSV_HEADER, Record, RecordType, mean_wait, write_csv, write_csv_rows};
pub use routers::{
    Choice, CustomRoute, CustomRouter, Destination, NetworkState, ProcessRouting, RouteFunction, Router,
    RouterFunction, Routing, Rule, TieBreak,
};
pub use schedule::{Cycle, Schedule, ScheduleProblem, Slotted};
pub use stats::Describe;
pub use summary::{CellStats, Estimate, RunStats, Statistic, SummaryError, SummaryLine, Window, summarise};
pub use sweep::{StateShares, Sweep, SweepError, SweepPlan, Trial, TrialResult};
pub use tracker::{History, State, Tracker, TrackerError};
