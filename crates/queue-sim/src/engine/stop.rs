//! When a run stops ([`Stop`]) and what it leaves ([`Outcome`]).

use serde::{Deserialize, Serialize};

use crate::record::Record;

/// When to stop a run. In a model file or JSON: `{ max_time = 10000.0 }`,
/// `{ max_customers = 500 }`, `{ max_finished = 500 }`,
/// `{ max_arrivals = 500 }`, `{ max_accepted = 500 }` or `"deadlock"`.
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
    /// Run until the network deadlocks (Ciw's `simulate_until_deadlock`;
    /// see [`Simulation::run_until_deadlock`](crate::Simulation::run_until_deadlock)):
    /// the clock ends at the time of deadlock.
    Deadlock,
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
