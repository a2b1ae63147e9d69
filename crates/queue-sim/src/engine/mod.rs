//! The discrete-event engine: one event queue for the whole network (a
//! binary heap until many events are pending, a radix heap from then on),
//! so the cost of an event hardly grows with the number of nodes (Ciw scans
//! every node at every event).
//!
//! The files, from the bottom up: `event_queue.rs` (the queue), `event.rs`
//! (the closed set of event kinds), `customers.rs` (the slab of customers),
//! `node.rs` (a node's queue, servers and busy times), `routing.rs` (where a
//! customer goes next), `guard.rs` (what stops a run that would never end),
//! `stop.rs` ([`Stop`], [`Outcome`]), `state.rs` ([`Simulation`]'s fields,
//! constructors and accessors); then one file per part of the behaviour,
//! each an `impl Simulation` block that imports only the files above:
//! `run.rs` (run loops and the one `match` over events), `plain.rs` (the
//! loop of a model without optional features), `arrivals.rs`,
//! `service.rs` (Ciw's draw order), the customer behaviours
//! (`discipline.rs`, `server_priority.rs`, `preemption.rs`, `reneging.rs`,
//! `waiting_change.rs`, `process.rs`), time and state (`shifts.rs`,
//! `slots.rs`, `processor_sharing.rs`, `ties.rs`, `tracking.rs`,
//! `deadlock.rs`), what a run shows as Ciw lists it (`ciw_order.rs`) and
//! `analysis.rs` (reachability checks on the model).

mod analysis;
mod arrivals;
mod ciw_order;
mod class_change;
mod customers;
mod deadlock;
mod discipline;
mod event;
mod event_queue;
mod guard;
mod id_map;
mod interruption;
mod node;
mod plain;
mod preemption;
mod process;
mod processor_sharing;
mod queue;
mod reneging;
mod routing;
mod run;
mod server_priority;
mod service;
mod shifts;
mod slots;
mod state;
mod stop;
mod ties;
mod tracking;
mod waiting_change;

pub use ciw_order::{Individual, ServerStats};
pub use guard::DEFAULT_EVENT_BUDGET;
pub use run::{simulate, simulate_with_budget};
pub use state::Simulation;
pub use stop::{Outcome, Stop};
