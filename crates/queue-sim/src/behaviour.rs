//! Behaviour given as data or as user functions: baulking (Ciw's
//! `baulking_functions`), as a table of probabilities in model files or any
//! function in the API; service disciplines (Ciw's `service_disciplines`);
//! server priorities (Ciw's `server_priority_functions`).

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::random::RandomSource;

/// Whether a customer arriving from outside at a node baulks (leaves at
/// once, recorded as a "baulk"): with a probability that depends on the
/// customers present there, as Ciw's `baulking_functions`. Ciw draws one
/// random number for every such arrival (after the capacity checks: a
/// rejected arrival draws nothing), whatever the probability; so does this
/// engine. Customers moving between nodes never baulk.
///
/// In a model file, per class and node: `baulking = { probs = [p0, p1, ...] }`,
/// the probability of baulking when 0, 1, ... customers are present; the
/// last value holds for any larger number.
///
/// ```
/// use queue_sim::{Baulking, Network};
/// let mut net = Network::mmc(1.0, 1.0, 1);
/// // Never when the node is empty, half the time with one present, always
/// // from two on.
/// net.classes[0].nodes[0].baulking = Some(Baulking::table(vec![0.0, 0.5, 1.0]));
/// // Or any function of the number present (and, through
/// // `Baulking::custom`, of more of the state):
/// net.classes[0].nodes[0].baulking = Some(Baulking::from_fn(|present| if present >= 4 { 1.0 } else { 0.0 }));
/// assert!(net.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Baulking {
    /// `probs[n]`: the probability of baulking with `n` customers present;
    /// the last entry holds beyond. Each in [0, 1]; at least one.
    Table {
        /// The probabilities by number present.
        probs: Vec<f64>,
    },
    /// A user function (not expressible in a model file).
    #[serde(skip)]
    Custom(CustomBaulking),
}

/// What a baulking function sees of an arrival.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct ArrivalState {
    /// The time of the arrival.
    pub now: f64,
    /// The node it arrives at (from 0).
    pub node: usize,
    /// Its class (from 0, the model's order).
    pub class: usize,
    /// Customers at the node (waiting, in service or blocked): Ciw's
    /// `number_of_individuals`, the first argument of its functions.
    pub present: u32,
    /// Customers in the whole network.
    pub in_system: u64,
}

/// A user baulking function: the probability that an arrival baulks.
///
/// ```
/// use queue_sim::{ArrivalState, BaulkingFunction};
/// /// Baulks when the node holds more than twice its servers' worth.
/// #[derive(Debug)]
/// struct Crowded { servers: u32 }
/// impl BaulkingFunction for Crowded {
///     fn probability(&self, at: &ArrivalState) -> f64 {
///         if at.present > 2 * self.servers { 1.0 } else { 0.0 }
///     }
/// }
/// ```
pub trait BaulkingFunction: fmt::Debug + Send + Sync {
    /// The probability, in [0, 1], that this arrival baulks; anything else
    /// stops the run with [`SimError::InvalidProbability`](crate::SimError::InvalidProbability).
    fn probability(&self, at: &ArrivalState) -> f64;
}

/// A shared handle on a [`BaulkingFunction`]. Two handles are equal when
/// they share the object.
#[derive(Clone, Debug)]
pub struct CustomBaulking(pub Arc<dyn BaulkingFunction>);

impl PartialEq for CustomBaulking {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A closure of the number present, as a [`BaulkingFunction`].
struct ByPresent<F>(F);

impl<F> fmt::Debug for ByPresent<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("baulking function of the number present")
    }
}

impl<F: Fn(u32) -> f64 + Send + Sync> BaulkingFunction for ByPresent<F> {
    fn probability(&self, at: &ArrivalState) -> f64 {
        (self.0)(at.present)
    }
}

impl Baulking {
    /// Baulking with `probs[n]` when `n` customers are present (the last
    /// value beyond).
    pub fn table(probs: Vec<f64>) -> Self {
        Self::Table { probs }
    }

    /// Baulking with probability `f(customers present)`, as Ciw's
    /// functions of `n`.
    pub fn from_fn(f: impl Fn(u32) -> f64 + Send + Sync + 'static) -> Self {
        Self::Custom(CustomBaulking(Arc::new(ByPresent(f))))
    }

    /// Baulking decided by any [`BaulkingFunction`].
    pub fn custom(f: impl BaulkingFunction + 'static) -> Self {
        Self::Custom(CustomBaulking(Arc::new(f)))
    }

    /// The probability of baulking for this arrival.
    pub(crate) fn probability(&self, at: &ArrivalState) -> f64 {
        match self {
            // `as`: u32 to usize widens; a table is never empty once valid.
            Self::Table { probs } => probs[(at.present as usize).min(probs.len() - 1)],
            Self::Custom(f) => f.0.probability(at),
        }
    }

    /// What is wrong with a table, if anything: (index, value) of a bad
    /// entry, or `None` for an empty table.
    pub(crate) fn invalid_entry(&self) -> Option<(Option<usize>, f64)> {
        match self {
            Self::Table { probs } if probs.is_empty() => Some((None, f64::NAN)),
            Self::Table { probs } => {
                probs.iter().position(|p| !(0.0..=1.0).contains(p)).map(|i| (Some(i), probs[i]))
            }
            Self::Custom(_) => None,
        }
    }
}

/// The order in which a node serves the customers waiting in one priority
/// (Ciw's `service_disciplines`): first come first served (the default),
/// last come first served, service in random order (one random number each
/// time Ciw's `choose_next_customer` runs, even for a single customer), or
/// any [`ServiceDiscipline`]. In a model file `discipline = "fifo" | "lifo"
/// | "siro"`.
///
/// ```
/// use queue_sim::{Discipline, Network};
/// let mut net = Network::mmc(0.9, 1.0, 1);
/// net.nodes[0].discipline = Discipline::Lifo;
/// assert!(net.validate().is_ok());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Discipline {
    /// First in, first out: Ciw's `FIFO`.
    #[default]
    Fifo,
    /// Last in, first out: Ciw's `LIFO`.
    Lifo,
    /// Service in random order: Ciw's `SIRO`.
    Siro,
    /// A user function (not expressible in a model file).
    Custom(CustomDiscipline),
}

impl Discipline {
    /// A discipline decided by any [`ServiceDiscipline`].
    pub fn custom(d: impl ServiceDiscipline + 'static) -> Self {
        Self::Custom(CustomDiscipline(Arc::new(d)))
    }

    /// Its name in model files (`"custom"` for a user function).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Fifo => "fifo",
            Self::Lifo => "lifo",
            Self::Siro => "siro",
            Self::Custom(_) => "custom",
        }
    }

    /// Whether it is the default, first in first out.
    pub fn is_fifo(&self) -> bool {
        matches!(self, Self::Fifo)
    }
}

/// A customer waiting for service, as a [`ServiceDiscipline`] sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct QueuedCustomer {
    /// Its number (Ciw's `id_number`), from 1 in order of arrival from outside.
    pub id: u64,
    /// Its class (from 0, the model's order).
    pub class: usize,
    /// When it joined the node.
    pub arrival: f64,
}

/// A user service discipline: which of the customers waiting in the best
/// priority (in the order they joined, Ciw's list) to serve next.
///
/// ```
/// use queue_sim::{QueuedCustomer, RandomSource, ServiceDiscipline};
/// /// Serves the customer of the lowest class number first, then FIFO.
/// #[derive(Debug)]
/// struct LowestClass;
/// impl ServiceDiscipline for LowestClass {
///     fn choose(&self, waiting: &[QueuedCustomer], _now: f64, _rng: &mut dyn RandomSource) -> usize {
///         (0..waiting.len()).min_by_key(|&i| waiting[i].class).unwrap_or(0)
///     }
/// }
/// ```
pub trait ServiceDiscipline: fmt::Debug + Send + Sync {
    /// The index in `waiting` (never empty) of the customer to serve; an
    /// index beyond it stops the run with
    /// [`SimError::InvalidChoice`](crate::SimError::InvalidChoice). Random
    /// choices must draw from `rng`, so that runs stay reproducible.
    fn choose(&self, waiting: &[QueuedCustomer], now: f64, rng: &mut dyn RandomSource) -> usize;
}

/// A shared handle on a [`ServiceDiscipline`]. Two handles are equal when
/// they share the object.
#[derive(Clone, Debug)]
pub struct CustomDiscipline(pub Arc<dyn ServiceDiscipline>);

impl PartialEq for CustomDiscipline {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Serialize for Discipline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Custom(_) => Err(serde::ser::Error::custom(
                "a custom service discipline cannot be written to a model file",
            )),
            d => s.serialize_str(d.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for Discipline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        match name.as_str() {
            "fifo" => Ok(Self::Fifo),
            "lifo" => Ok(Self::Lifo),
            "siro" => Ok(Self::Siro),
            other => Err(serde::de::Error::custom(format!(
                "discipline must be \"fifo\", \"lifo\" or \"siro\", got {other:?}"
            ))),
        }
    }
}

/// Which free server a customer who joins a node takes (Ciw's
/// `server_priority_functions`: the free server of the lowest priority
/// value, the lowest numbered among equals). A server freed by a service
/// end takes the next customer itself, as in Ciw. In a model file
/// `server_priority = "lowest_id" | "highest_id" | "least_busy"`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ServerPriority {
    /// The lowest-numbered free server (Ciw's default).
    #[default]
    LowestId,
    /// The highest-numbered free server.
    HighestId,
    /// The free server with the least busy time so far (its finished
    /// services, as Ciw's `Server.busy_time`), balancing the work.
    LeastBusy,
    /// A user function (not expressible in a model file).
    Custom(CustomServerPriority),
}

/// A server, as a [`ServerPriorityFunction`] sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct ServerState {
    /// Its number, from 1 as Ciw's `id_number`.
    pub id: u32,
    /// The time it spent on services that have ended (Ciw's `busy_time`).
    pub busy_time: f64,
}

/// A user server priority: lower values are taken first.
///
/// ```
/// use queue_sim::{QueuedCustomer, ServerPriorityFunction, ServerState};
/// /// Class 0 prefers the last servers, the others the first ones.
/// #[derive(Debug)]
/// struct ByClass;
/// impl ServerPriorityFunction for ByClass {
///     fn priority(&self, server: &ServerState, customer: &QueuedCustomer) -> f64 {
///         let id = f64::from(server.id);
///         if customer.class == 0 { -id } else { id }
///     }
/// }
/// ```
pub trait ServerPriorityFunction: fmt::Debug + Send + Sync {
    /// The priority of `server` for `customer` (lower first; NaN stops the
    /// run with [`SimError::InvalidPriority`](crate::SimError::InvalidPriority)).
    fn priority(&self, server: &ServerState, customer: &QueuedCustomer) -> f64;
}

/// A shared handle on a [`ServerPriorityFunction`]. Two handles are equal
/// when they share the object.
#[derive(Clone, Debug)]
pub struct CustomServerPriority(pub Arc<dyn ServerPriorityFunction>);

impl PartialEq for CustomServerPriority {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl ServerPriority {
    /// A priority given by any [`ServerPriorityFunction`].
    pub fn custom(f: impl ServerPriorityFunction + 'static) -> Self {
        Self::Custom(CustomServerPriority(Arc::new(f)))
    }

    /// Its name in model files (`"custom"` for a user function).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::LowestId => "lowest_id",
            Self::HighestId => "highest_id",
            Self::LeastBusy => "least_busy",
            Self::Custom(_) => "custom",
        }
    }

    /// Whether it is Ciw's default, the lowest-numbered free server.
    pub fn is_lowest_id(&self) -> bool {
        matches!(self, Self::LowestId)
    }
}

impl Serialize for ServerPriority {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Custom(_) => {
                Err(serde::ser::Error::custom("a custom server priority cannot be written to a model file"))
            }
            p => s.serialize_str(p.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for ServerPriority {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        match name.as_str() {
            "lowest_id" => Ok(Self::LowestId),
            "highest_id" => Ok(Self::HighestId),
            "least_busy" => Ok(Self::LeastBusy),
            other => Err(serde::de::Error::custom(format!(
                "server_priority must be \"lowest_id\", \"highest_id\" or \"least_busy\", got {other:?}"
            ))),
        }
    }
}
