//! Parameter sweeps: the product of server counts and seeded trials that the
//! talk runs, as a list of independent [`Trial`]s any executor can run.
//!
//! [`Sweep::plan`] checks a sweep before anything is allocated for it:
//! every server count gives a valid model, the number of runs fits in
//! memory's index type, and no seed `seed + i` overflows. A [`SweepPlan`]
//! then runs any trial by its index, without a list of trials.

use serde::{Deserialize, Serialize};

use crate::engine::DEFAULT_EVENT_BUDGET;
use crate::engine::{Outcome, Simulation, Stop, simulate};
use crate::error::{ModelError, SimError};
use crate::network::{Network, Servers};
use crate::python_random::PythonRandom;
use crate::random::{Pcg, RandomSource, RngKind};
use crate::record::Record;
use crate::tracker::Tracker;

/// A run's state probabilities: each state as Ciw prints it, in order of
/// first visit, with the share of the run's time spent in it.
pub type StateShares = Vec<(String, f64)>;

/// A sweep: `network` with each server count in `servers` (applied to every
/// node; empty keeps the model's), `trials` runs each, trial `i` seeded
/// `seed + i`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The model.
    pub network: Network,
    /// Server counts to try; empty runs the model as it is.
    pub servers: Vec<usize>,
    /// Trials per server count.
    pub trials: u64,
    /// Seed of trial 0.
    pub seed: u64,
    /// When each run stops: at a time, or after a number of customers.
    pub stop: Stop,
    /// Generator.
    pub rng: RngKind,
}

/// Why a sweep cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// A server count of zero.
    #[error("every server count must be at least 1 (server count number {position} is 0)")]
    ZeroServers {
        /// Its place in the list, from 1.
        position: usize,
    },
    /// The model is invalid with one of the server counts.
    #[error("with {} servers: {error}", servers.map_or_else(|| "the model's".to_owned(), |c| c.to_string()))]
    Model {
        /// The server count; `None` for the model's own.
        servers: Option<usize>,
        /// What is wrong.
        error: ModelError,
    },
    /// The last trial's seed, `seed + trials - 1`, does not fit in 64 bits.
    #[error("seed {seed} with {trials} trials: the last seed, seed + trials - 1, exceeds {}", u64::MAX)]
    SeedOverflow {
        /// The first seed.
        seed: u64,
        /// Trials per server count.
        trials: u64,
    },
    /// The stop cannot end a run (a time that is not positive and finite).
    #[error("{0}")]
    Stop(SimError),
    /// Server counts × trials does not fit in this machine's index type.
    #[error("{counts} server counts x {trials} trials is more runs than this machine can index")]
    TooManyRuns {
        /// Server counts (1 for the model's own).
        counts: usize,
        /// Trials per server count.
        trials: u64,
    },
}

/// One run of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// The model with this trial's server count.
    pub network: Network,
    /// Servers of the first node, for reports; `None` when infinite.
    pub servers: Option<usize>,
    /// The seed.
    pub seed: u64,
    /// When the run stops.
    pub stop: Stop,
    /// Generator.
    pub rng: RngKind,
}

/// What a trial reports: one row of a sweep's output.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrialResult {
    /// Servers of the first node; `None` when infinite.
    pub servers: Option<usize>,
    /// The seed.
    pub seed: u64,
    /// Number of records (services and rejections).
    pub records: usize,
    /// Mean waiting time over service records; `None` with no service record.
    pub mean_wait: Option<f64>,
    /// Utilisation of the first node; `None` when infinite.
    pub utilisation: Option<f64>,
    /// Run until deadlock ([`Stop::Deadlock`]): when it deadlocked, from 0.
    pub time_to_deadlock: Option<f64>,
}

/// A checked sweep: one model per server count and the number of runs.
/// Run `i` is trial `i % trials` of server count `i / trials`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    /// Per server count: servers of the first node and the model.
    models: Vec<(Option<usize>, Network)>,
    trials: u64,
    seed: u64,
    stop: Stop,
    rng: RngKind,
    runs: usize,
    budget: u64,
}

impl Sweep {
    /// Checks the sweep (see the module's documentation) and plans its runs.
    pub fn plan(&self) -> Result<SweepPlan, SweepError> {
        if let Some(i) = self.servers.iter().position(|&c| c == 0) {
            return Err(SweepError::ZeroServers { position: i + 1 });
        }
        let counts: Vec<Option<usize>> = if self.servers.is_empty() {
            vec![None]
        } else {
            self.servers.iter().copied().map(Some).collect()
        };
        let too_many = || SweepError::TooManyRuns { counts: counts.len(), trials: self.trials };
        let runs = usize::try_from(self.trials)
            .ok()
            .and_then(|t| t.checked_mul(counts.len()))
            .ok_or_else(too_many)?;
        if let Stop::MaxTime(t) = self.stop
            && !(t > 0.0 && t.is_finite())
        {
            return Err(SweepError::Stop(SimError::MaxTime(t)));
        }
        if self.stop == Stop::Deadlock && self.network.nodes.iter().all(|n| n.queue_capacity.is_none()) {
            return Err(SweepError::Stop(SimError::CannotDeadlock));
        }
        if self.trials > 0 && self.seed.checked_add(self.trials - 1).is_none() {
            return Err(SweepError::SeedOverflow { seed: self.seed, trials: self.trials });
        }
        let mut models = Vec::with_capacity(counts.len());
        for &count in &counts {
            let mut network = self.network.clone();
            if let Some(c) = count {
                for node in &mut network.nodes {
                    node.servers = Servers::Finite(c);
                }
            }
            network.validate().map_err(|error| SweepError::Model { servers: count, error })?;
            let servers = match network.nodes[0].servers {
                Servers::Finite(c) => Some(c),
                // Infinite, or a schedule: no one number (the row says so).
                Servers::Infinite | Servers::Schedule(_) | Servers::Slotted(_) => None,
            };
            models.push((servers, network));
        }
        Ok(SweepPlan {
            models,
            trials: self.trials,
            seed: self.seed,
            stop: self.stop,
            rng: self.rng,
            runs,
            budget: DEFAULT_EVENT_BUDGET,
        })
    }

    /// The trials, server count by server count, seed by seed (each with
    /// its own copy of the model: for big sweeps, run a [`SweepPlan`] by
    /// index instead).
    pub fn trials(&self) -> Result<Vec<Trial>, SweepError> {
        let plan = self.plan()?;
        Ok((0..plan.len()).map(|i| plan.trial(i)).collect())
    }
}

impl SweepPlan {
    /// Sets each run's event budget (by default [`DEFAULT_EVENT_BUDGET`]):
    /// a run that would take more events stops with
    /// [`SimError::EventBudget`] (see [`crate::Simulation::with_event_budget`]).
    #[must_use]
    pub fn event_budget(mut self, budget: u64) -> Self {
        self.budget = budget;
        self
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        self.runs
    }

    /// Whether there is no run (no trials).
    pub fn is_empty(&self) -> bool {
        self.runs == 0
    }

    /// Servers of the first node and seed of run `index`, as its row
    /// reports them. Panics if `index` is not below [`SweepPlan::len`].
    pub fn key(&self, index: usize) -> (Option<usize>, u64) {
        assert!(index < self.runs, "run {index} of a sweep of {} runs", self.runs);
        // Both fit: index < runs = counts x trials, and the last seed was checked.
        let trials = usize::try_from(self.trials).expect("checked by plan");
        let offset = u64::try_from(index % trials).expect("below trials");
        (self.models[index / trials].0, self.seed + offset)
    }

    /// Run `index` as a [`Trial`] of its own.
    pub fn trial(&self, index: usize) -> Trial {
        let (servers, seed) = self.key(index);
        let trials = usize::try_from(self.trials).expect("checked by plan");
        Trial {
            network: self.models[index / trials].1.clone(),
            servers,
            seed,
            stop: self.stop,
            rng: self.rng,
        }
    }

    /// Runs run `index` until it stops.
    pub fn run(&self, index: usize) -> Result<TrialResult, SimError> {
        let (servers, seed) = self.key(index);
        let trials = usize::try_from(self.trials).expect("checked by plan");
        let network = &self.models[index / trials].1;
        result(network, servers, seed, self.stop, self.rng, self.budget, false).map(|(row, _)| row)
    }

    /// Runs run `index`, telling `report` its clock (and, running to a
    /// number of customers, its count) every 65536 events (see
    /// [`Simulation::with_progress`]).
    pub fn run_with_progress(
        &self,
        index: usize,
        report: impl FnMut(f64, Option<u64>) + Send + 'static,
    ) -> Result<TrialResult, SimError> {
        let (servers, seed) = self.key(index);
        let trials = usize::try_from(self.trials).expect("checked by plan");
        let network = &self.models[index / trials].1;
        fn go<R: RandomSource>(
            sim: Simulation<R>,
            stop: Stop,
            budget: u64,
            report: impl FnMut(f64, Option<u64>) + Send + 'static,
        ) -> Result<(Outcome, f64), SimError> {
            let mut sim = sim.with_event_budget(budget).with_progress(report);
            sim.run(stop)?;
            Ok(finish(sim, false))
        }
        let (out, mean) = match self.rng {
            RngKind::Pcg => {
                go(Simulation::with_rng(network, Pcg::new(seed))?, self.stop, self.budget, report)?
            }
            RngKind::Ciw => {
                go(Simulation::with_rng(network, PythonRandom::new(seed))?, self.stop, self.budget, report)?
            }
        };
        Ok(row_of(&out, mean, servers, seed, self.stop))
    }

    /// Runs run `index` with a state tracker: its row, and the share of
    /// the whole run (from 0 to where it stopped) spent in each state, in
    /// order of first visit, states as Ciw prints them (Ciw's
    /// `state_probabilities`).
    pub fn run_tracked(
        &self,
        index: usize,
        tracker: &Tracker,
    ) -> Result<(TrialResult, StateShares), SimError> {
        let (row, shares, _) = self.tracked_run(index, tracker, false)?;
        Ok((row, shares))
    }

    /// Runs run `index` with a state tracker, keeping its records too: its
    /// row, its state probabilities as [`SweepPlan::run_tracked`] gives
    /// them, and its records in Ciw's `get_all_records()` order as
    /// [`SweepPlan::run_with_records`] gives them (the same run: the
    /// tracker draws no random numbers).
    pub fn run_tracked_with_records(
        &self,
        index: usize,
        tracker: &Tracker,
    ) -> Result<(TrialResult, StateShares, Vec<Record>), SimError> {
        self.tracked_run(index, tracker, true)
    }

    /// Run `index` with `tracker`; its records in Ciw's order when
    /// `ciw_order`, else in the order they were written.
    fn tracked_run(
        &self,
        index: usize,
        tracker: &Tracker,
        ciw_order: bool,
    ) -> Result<(TrialResult, StateShares, Vec<Record>), SimError> {
        let (servers, seed) = self.key(index);
        let trials = usize::try_from(self.trials).expect("checked by plan");
        let network = &self.models[index / trials].1;
        let (stop, budget) = (self.stop, self.budget);
        let (out, mean, shares) = match self.rng {
            RngKind::Pcg => {
                tracked(Simulation::with_rng(network, Pcg::new(seed))?, stop, budget, tracker, ciw_order)?
            }
            RngKind::Ciw => tracked(
                Simulation::with_rng(network, PythonRandom::new(seed))?,
                stop,
                budget,
                tracker,
                ciw_order,
            )?,
        };
        Ok((row_of(&out, mean, servers, seed, self.stop), shares, out.records))
    }

    /// Runs run `index` until it stops, keeping its records too, in Ciw's
    /// `get_all_records()` order (see
    /// [`Simulation::records_in_ciw_order`](crate::Simulation::records_in_ciw_order)).
    pub fn run_with_records(&self, index: usize) -> Result<(TrialResult, Vec<Record>), SimError> {
        let (servers, seed) = self.key(index);
        let trials = usize::try_from(self.trials).expect("checked by plan");
        let network = &self.models[index / trials].1;
        result(network, servers, seed, self.stop, self.rng, self.budget, true)
    }
}

impl Trial {
    /// Runs the trial until it stops.
    pub fn run(&self) -> Result<TrialResult, SimError> {
        result(&self.network, self.servers, self.seed, self.stop, self.rng, DEFAULT_EVENT_BUDGET, false)
            .map(|(row, _)| row)
    }

    /// Runs the trial and keeps every record.
    pub fn records(&self) -> Result<Vec<Record>, SimError> {
        Ok(simulate(&self.network, self.rng, self.seed, self.stop)?.records)
    }
}

/// Runs one model and reduces its records to a row (and gives them back,
/// in Ciw's order when `ciw_order`).
fn result(
    network: &Network,
    servers: Option<usize>,
    seed: u64,
    stop: Stop,
    rng: RngKind,
    budget: u64,
    ciw_order: bool,
) -> Result<(TrialResult, Vec<Record>), SimError> {
    fn go<R: RandomSource>(
        sim: Simulation<R>,
        stop: Stop,
        budget: u64,
        ciw_order: bool,
    ) -> Result<(Outcome, f64), SimError> {
        let mut sim = sim.with_event_budget(budget);
        sim.run(stop)?;
        Ok(finish(sim, ciw_order))
    }
    let (out, mean) = match rng {
        RngKind::Pcg => go(Simulation::with_rng(network, Pcg::new(seed))?, stop, budget, ciw_order)?,
        RngKind::Ciw => go(Simulation::with_rng(network, PythonRandom::new(seed))?, stop, budget, ciw_order)?,
    };
    Ok((row_of(&out, mean, servers, seed, stop), out.records))
}

/// A finished run's outcome (its records in Ciw's order when `ciw_order`)
/// and its mean wait summed in Ciw's order: a row's mean wait is the same
/// whether or not its records are kept, and equal to Ciw users' mean over
/// `get_all_records()` to the last bit.
fn finish<R: RandomSource>(sim: Simulation<R>, ciw_order: bool) -> (Outcome, f64) {
    let mean = sim.mean_wait_in_ciw_order();
    let ordered = ciw_order.then(|| sim.records_in_ciw_order(None));
    let mut out = sim.into_outcome();
    if let Some(records) = ordered {
        out.records = records;
    }
    (out, mean)
}

/// The row of a finished run whose mean wait is `mean_wait` (NaN: none).
fn row_of(out: &Outcome, mean_wait: f64, servers: Option<usize>, seed: u64, stop: Stop) -> TrialResult {
    TrialResult {
        servers,
        seed,
        records: out.records.len(),
        mean_wait: Some(mean_wait).filter(|w| !w.is_nan()),
        utilisation: out.utilisation[0],
        time_to_deadlock: (stop == Stop::Deadlock).then_some(out.end_time),
    }
}

/// Runs `sim` with `tracker` to `stop`: its outcome and mean wait as
/// [`finish`] gives them and its state probabilities over the whole run.
fn tracked<R: RandomSource>(
    sim: Simulation<R>,
    stop: Stop,
    budget: u64,
    tracker: &Tracker,
    ciw_order: bool,
) -> Result<(Outcome, f64, StateShares), SimError> {
    let mut sim = sim.with_event_budget(budget).with_tracker(tracker.clone())?;
    sim.run(stop)?;
    let shares = sim.state_probabilities(0.0, sim.now())?;
    let history = sim.history().expect("a tracker was set");
    let shares = shares.iter().map(|(s, p)| (history.display(s), *p)).collect();
    let (out, mean) = finish(sim, ciw_order);
    Ok((out, mean, shares))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(servers: Vec<usize>, trials: u64, seed: u64) -> Sweep {
        Sweep {
            network: Network::mmc(0.2, 0.1, 1),
            servers,
            trials,
            seed,
            stop: Stop::MaxTime(10.0),
            rng: RngKind::Pcg,
        }
    }

    #[test]
    fn runs_are_numbered_count_by_count_then_seed_by_seed() {
        let plan = sweep(vec![1, 3], 2, 7).plan().unwrap();
        assert_eq!(plan.len(), 4);
        let keys: Vec<_> = (0..4).map(|i| plan.key(i)).collect();
        assert_eq!(keys, [(Some(1), 7), (Some(1), 8), (Some(3), 7), (Some(3), 8)]);
        for i in 0..4 {
            assert_eq!(plan.run(i).unwrap(), plan.trial(i).run().unwrap());
        }
        assert!(sweep(vec![1], 0, 0).plan().unwrap().is_empty());
    }

    #[test]
    fn sizes_that_do_not_fit_are_errors_before_any_allocation() {
        let err = sweep(vec![1, 2, 3], u64::MAX, 0).plan().unwrap_err();
        assert!(matches!(err, SweepError::TooManyRuns { counts: 3, trials: u64::MAX }), "{err}");
        let err = sweep(vec![1], 2, u64::MAX).plan().unwrap_err();
        assert!(matches!(err, SweepError::SeedOverflow { .. }), "{err}");
        assert!(err.to_string().contains(&u64::MAX.to_string()), "{err}");
        // The last seed exactly u64::MAX is fine.
        let plan = sweep(vec![1], 2, u64::MAX - 1).plan().unwrap();
        assert_eq!(plan.key(1), (Some(1), u64::MAX));
        let err = sweep(vec![2, 0], 1, 0).plan().unwrap_err();
        assert!(err.to_string().contains("number 2 is 0"), "{err}");
        for t in [0.0, -1.0, f64::INFINITY, f64::NAN] {
            let s = Sweep { stop: Stop::MaxTime(t), ..sweep(vec![1], 1, 0) };
            assert!(matches!(s.plan(), Err(SweepError::Stop(SimError::MaxTime(_)))), "{t}");
        }
    }

    #[test]
    fn a_tracked_run_with_records_is_the_same_run_as_each_alone() {
        for rng in [RngKind::Pcg, RngKind::Ciw] {
            // A ring: Ciw lists records node by node, not as they were written.
            let network = Network::ring(3, 0.5, 0.4, 2, 0.5);
            let s = Sweep { network, stop: Stop::MaxTime(300.0), rng, ..sweep(vec![], 2, 11) };
            let plan = s.plan().unwrap();
            for i in 0..plan.len() {
                let (row, shares, records) =
                    plan.run_tracked_with_records(i, &Tracker::SystemPopulation).unwrap();
                assert_eq!((row, shares), plan.run_tracked(i, &Tracker::SystemPopulation).unwrap());
                assert_eq!((row, records), plan.run_with_records(i).unwrap());
            }
        }
    }
}
