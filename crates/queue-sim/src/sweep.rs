//! Parameter sweeps: the product of server counts and seeded trials that the
//! talk runs, as a list of independent [`Trial`]s any executor can run.

use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::network::{Network, Servers};
use crate::random::RngKind;
use crate::record::Record;
use crate::simulation::{Stop, simulate};

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
}

impl Sweep {
    /// The trials, server count by server count, seed by seed.
    pub fn trials(&self) -> Vec<Trial> {
        let counts: Vec<Option<usize>> = if self.servers.is_empty() {
            vec![None]
        } else {
            self.servers.iter().copied().map(Some).collect()
        };
        let mut out = Vec::with_capacity(counts.len() * self.trials as usize);
        for count in counts {
            let mut network = self.network.clone();
            if let Some(c) = count {
                for node in &mut network.nodes {
                    node.servers = Servers::Finite(c);
                }
            }
            let servers = match network.nodes[0].servers {
                Servers::Finite(c) => Some(c),
                Servers::Infinite => None,
            };
            for i in 0..self.trials {
                out.push(Trial {
                    network: network.clone(),
                    servers,
                    seed: self.seed + i,
                    stop: self.stop,
                    rng: self.rng,
                });
            }
        }
        out
    }
}

impl Trial {
    /// Runs the trial until it stops.
    pub fn run(&self) -> Result<TrialResult, SimError> {
        let out = simulate(&self.network, self.rng, self.seed, self.stop)?;
        Ok(TrialResult {
            servers: self.servers,
            seed: self.seed,
            records: out.records.len(),
            mean_wait: Some(crate::record::mean_wait(&out.records)).filter(|w| !w.is_nan()),
            utilisation: out.utilisation[0],
        })
    }

    /// Runs the trial and keeps every record.
    pub fn records(&self) -> Result<Vec<Record>, SimError> {
        Ok(simulate(&self.network, self.rng, self.seed, self.stop)?.records)
    }
}
