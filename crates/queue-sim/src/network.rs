//! The model: nodes, customer classes, their distributions and routing, the
//! checks that turn bad input into a [`ModelError`], and model files in TOML.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::behaviour::{Baulking, Discipline, ServerPriority};
use crate::distribution::{Distribution, ParameterError};
use crate::error::{ModelError, RouterProblem};
use crate::routers::{Destination, Router, Routing};
use crate::schedule::{Schedule, Slotted};

/// Most nodes a network may have: records number nodes from 1 and give the
/// destination as an `i32` (`as`: a positive `i32` fits a `usize` on every
/// platform Rust supports with `std`).
pub(crate) const MAX_NODES: usize = (i32::MAX - 1) as usize;
/// Most classes, and most (node, class) pairs: the engine numbers both in a
/// `u32` (`as`: widening on 32- and 64-bit targets).
pub(crate) const MAX_CLASSES: usize = u32::MAX as usize;

/// An open queueing network, as Ciw's `create_network`: nodes with servers and
/// optional queue capacity, and customer classes with per-node arrival and
/// service distributions and a routing matrix.
///
/// Nodes and classes are numbered from 0 in this API; records number nodes
/// from 1 as Ciw does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Network {
    /// Most customers in the whole network at once (Ciw's
    /// `system_capacity`); an external arrival beyond it is rejected and
    /// recorded as a rejection at the node it arrived at. Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_capacity: Option<u64>,
    /// The service nodes.
    pub nodes: Vec<NodeSpec>,
    /// The customer classes; at least one.
    pub classes: Vec<CustomerClass>,
}

/// One service node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NodeSpec {
    /// Number of servers: an integer, or `"inf"` in a model file. Zero
    /// servers is allowed, as in Ciw: customers wait there for ever.
    pub servers: Servers,
    /// Room in the queue besides the servers (Ciw's `queue_capacities`);
    /// absent means unlimited. An external arrival to a full node is
    /// rejected and recorded; a transfer to a full node blocks its server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_capacity: Option<usize>,
    /// What a customer arriving here does to one of lower priority in
    /// service when every server is busy (the second part of Ciw's
    /// `priority_classes`, per node): in a model file `false` (the default:
    /// it waits), `"resample"`, `"restart"`, `"resume"` or `"reroute"`.
    #[serde(default, skip_serializing_if = "Preemption::is_off")]
    pub priority_preemption: Preemption,
    /// The order of service within a priority (Ciw's
    /// `service_disciplines`); in a model file `"fifo"` (the default),
    /// `"lifo"` or `"siro"`.
    #[serde(default, skip_serializing_if = "Discipline::is_fifo")]
    pub discipline: Discipline,
    /// Which free server a customer who joins takes (Ciw's
    /// `server_priority_functions`); in a model file `"lowest_id"` (the
    /// default), `"highest_id"` or `"least_busy"`. Other than the default,
    /// the node may have at most [`MAX_PRIORITISED_SERVERS`] servers.
    #[serde(default, skip_serializing_if = "ServerPriority::is_lowest_id")]
    pub server_priority: ServerPriority,
    /// Processor sharing (Ciw's `PSNode`): up to `servers` customers share
    /// one service at once, each served at rate `ps_threshold / max(n,
    /// ps_threshold)` while `n` are served; the others wait in order of
    /// arrival. In a model file `processor_sharing = true`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub processor_sharing: bool,
    /// Ciw's `ps_threshold`: how many customers the shared service serves
    /// at full speed (1 by default; at least 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub ps_threshold: u32,
}

fn is_false(x: &bool) -> bool {
    !*x
}

fn one() -> u32 {
    1
}

fn is_one(x: &u32) -> bool {
    *x == 1
}

/// The most servers a node with a server priority other than the lowest
/// number may have (each join looks at every free server).
pub const MAX_PRIORITISED_SERVERS: usize = 1 << 16;

/// Preemption by priority at a node (Ciw's options). The customer taken out
/// of service gets an "interrupted service" record and waits at the front
/// of its priority's queue, to be served again with:
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Preemption {
    /// No preemption: a customer of higher priority waits for a free
    /// server, ahead of those of lower priority.
    #[default]
    Off,
    /// a new service time, drawn when its service starts again;
    Resample,
    /// the service time it had, from the start;
    Restart,
    /// what was left of its service time;
    Resume,
    /// no more service here: it is routed on at once, as if its service had
    /// ended (Ciw's `next_node_for_rerouting`), whatever room its
    /// destination has.
    Reroute,
}

impl Preemption {
    /// Ciw's name (`false` for [`Preemption::Off`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "false",
            Self::Resample => "resample",
            Self::Restart => "restart",
            Self::Resume => "resume",
            Self::Reroute => "reroute",
        }
    }

    pub(crate) fn is_off(&self) -> bool {
        *self == Self::Off
    }
}

/// The servers of a node.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Servers {
    /// This many servers (0: nobody is ever served).
    Finite(usize),
    /// A server for every customer: nobody waits.
    Infinite,
    /// Servers in shifts ([`Schedule`]).
    Schedule(Schedule),
    /// Services that start only at slot times ([`Slotted`]).
    Slotted(Slotted),
}

/// A customer class: how it arrives at, is served at and moves between nodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CustomerClass {
    /// A name for output; records carry the class number.
    #[serde(default = "default_class_name")]
    pub name: String,
    /// Per node, in node order: arrival and service distributions.
    pub nodes: Vec<ClassAtNode>,
    /// Where the class goes after each service: a transition matrix (row
    /// `i` gives the probabilities of moving from node `i` to each node,
    /// what is left of a row leaving; empty: everyone leaves after one
    /// service) or a router per node ([`Routing`]).
    #[serde(default, skip_serializing_if = "Routing::is_empty")]
    pub routing: Routing,
    /// Priority (Ciw's `priority_classes`): a waiting customer of a lower
    /// number is served before any of a higher one; 0 (the default) is
    /// served first. Classes of equal priority share one queue in arrival
    /// order. Only the order of the numbers matters: priorities 0, 5 and 9
    /// behave as 0, 1 and 2 (Ciw itself needs 0, 1, 2, ...).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority: u32,
    /// Changes of class while waiting (Ciw's
    /// `class_change_time_distributions`): for each other class by name,
    /// the time a waiting customer of this class takes to become it. Each
    /// time a customer joins a node (any node, once any class has such a
    /// table) every distribution of its class is drawn, in the order of the
    /// sorted class names, and the soonest change is pending while it waits
    /// at a node with finite servers; it moves to its new priority's queue
    /// (at the back) and may preempt. Absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_change_while_waiting: Option<BTreeMap<String, Distribution>>,
}

fn is_zero(x: &u32) -> bool {
    *x == 0
}

fn default_class_name() -> String {
    "Customer".to_owned()
}

/// A class's distributions at one node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClassAtNode {
    /// External inter-arrival times; absent means no external arrivals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<Distribution>,
    /// Service times.
    pub service: Distribution,
    /// Baulking of arrivals from outside (Ciw's `baulking_functions`);
    /// absent: nobody baulks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baulking: Option<Baulking>,
    /// Customers per arrival from outside (Ciw's `batching_distributions`):
    /// a distribution of whole numbers from 0 to [`MAX_BATCH`]
    /// (deterministic, sequential, empirical, pmf, poisson, geometric,
    /// binomial, or a custom one checked as it draws); absent: one. Drawn before the customers exist, as Ciw;
    /// a deterministic size draws nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<Distribution>,
    /// The class a customer of this class takes after its service here
    /// (Ciw's `class_change_matrices`): class name to probability, summing
    /// to 1; it is routed and served on as its new class. Ciw draws one
    /// random number for it (in the order of the sorted class names, none
    /// when the last of them is certain). At a node where some class has a
    /// table, a class without one keeps its class, drawing as Ciw's
    /// identity row does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_after_service: Option<BTreeMap<String, f64>>,
    /// How long a customer of this class waits here before it gives up and
    /// leaves the queue (Ciw's `reneging_time_distributions`), drawn every
    /// time it joins the node, before its service time, as Ciw draws it;
    /// a customer whose service starts first does not renege. Absent: it
    /// waits for ever. Recorded as a "renege".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reneging: Option<Distribution>,
    /// Where a customer who reneges goes (jockeying, Ciw's
    /// `next_node_for_jockeying`): a node, which takes it whatever its
    /// room, as Ciw; or the exit (the default). In a model file a node
    /// number from 0 or `"exit"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reneging_destination: Option<Destination>,
}

/// The largest batch one arrival may bring.
pub const MAX_BATCH: u32 = 1_000_000;

impl NodeSpec {
    /// A node with `servers` servers, an unlimited queue and no preemption.
    ///
    /// ```
    /// use queue_sim::{NodeSpec, Preemption, Servers};
    /// let node = NodeSpec::new(Servers::Finite(2)).with_queue_capacity(5).with_preemption(Preemption::Resume);
    /// assert_eq!(node.queue_capacity, Some(5));
    /// ```
    pub fn new(servers: Servers) -> Self {
        Self {
            servers,
            queue_capacity: None,
            priority_preemption: Preemption::Off,
            discipline: Discipline::Fifo,
            server_priority: ServerPriority::LowestId,
            processor_sharing: false,
            ps_threshold: 1,
        }
    }

    /// The node with processor sharing ([`NodeSpec::processor_sharing`])
    /// and Ciw's `ps_threshold`.
    pub fn with_processor_sharing(mut self, threshold: u32) -> Self {
        self.processor_sharing = true;
        self.ps_threshold = threshold;
        self
    }

    /// The node with another server priority.
    pub fn with_server_priority(mut self, priority: ServerPriority) -> Self {
        self.server_priority = priority;
        self
    }

    /// The node with another service discipline.
    pub fn with_discipline(mut self, discipline: Discipline) -> Self {
        self.discipline = discipline;
        self
    }

    /// The node with room for `capacity` customers waiting besides the servers.
    pub fn with_queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = Some(capacity);
        self
    }

    /// The node with preemption by priority.
    pub fn with_preemption(mut self, preemption: Preemption) -> Self {
        self.priority_preemption = preemption;
        self
    }

    /// The number of servers as the engine holds it: `None` for infinite.
    /// Errors if it does not fit a `u32`; `node` names the node.
    pub(crate) fn server_count(&self, node: usize) -> Result<Option<u32>, ModelError> {
        match self.servers {
            Servers::Infinite => Ok(None),
            // A schedule starts with no servers, as Ciw's.
            Servers::Schedule(_) | Servers::Slotted(_) => Ok(Some(0)),
            Servers::Finite(c) => u32::try_from(c).map(Some).map_err(|_| ModelError::TooManyServers {
                node,
                servers: c,
                max: u32::MAX,
            }),
        }
    }
}

impl ClassAtNode {
    /// External arrivals (`None`: none) and services, nothing else.
    pub fn new(arrival: Option<Distribution>, service: Distribution) -> Self {
        Self {
            arrival,
            service,
            baulking: None,
            batch: None,
            class_after_service: None,
            reneging: None,
            reneging_destination: None,
        }
    }

    /// The same with reneging after waiting times drawn from `patience`,
    /// to `destination` (`None`: the exit).
    pub fn with_reneging(mut self, patience: Distribution, destination: Option<usize>) -> Self {
        self.reneging = Some(patience);
        self.reneging_destination = destination.map(Destination::Node);
        self
    }

    /// The same with a change of class after service: `(class name,
    /// probability)` pairs summing to 1.
    pub fn with_class_after_service<S: Into<String>>(
        mut self,
        table: impl IntoIterator<Item = (S, f64)>,
    ) -> Self {
        self.class_after_service = Some(table.into_iter().map(|(name, p)| (name.into(), p)).collect());
        self
    }

    /// The same with arrivals in batches of sizes drawn from `batch`.
    pub fn with_batch(mut self, batch: Distribution) -> Self {
        self.batch = Some(batch);
        self
    }

    /// The same with baulking of its arrivals.
    pub fn with_baulking(mut self, baulking: Baulking) -> Self {
        self.baulking = Some(baulking);
        self
    }
}

impl CustomerClass {
    /// A class named `name` with its distributions at each node and its
    /// routing matrix (empty: everyone leaves after one service), of
    /// priority 0.
    pub fn new(name: impl Into<String>, nodes: Vec<ClassAtNode>, routing: Vec<Vec<f64>>) -> Self {
        Self {
            name: name.into(),
            nodes,
            routing: Routing::Matrix(routing),
            priority: 0,
            class_change_while_waiting: None,
        }
    }

    /// The class routed by `routing`: a matrix, or a router per node.
    pub fn with_routing(mut self, routing: impl Into<Routing>) -> Self {
        self.routing = routing.into();
        self
    }

    /// The class with changes of class while waiting: `(class name, time to
    /// change)` pairs.
    pub fn with_class_change_while_waiting<S: Into<String>>(
        mut self,
        changes: impl IntoIterator<Item = (S, Distribution)>,
    ) -> Self {
        self.class_change_while_waiting = Some(changes.into_iter().map(|(n, d)| (n.into(), d)).collect());
        self
    }

    /// The class with priority `priority` (0 is served first).
    pub fn with_priority(mut self, priority: u32) -> Self {
        self.priority = priority;
        self
    }
}

impl Network {
    /// A network of `nodes` and `classes`, with no system capacity.
    pub fn new(nodes: Vec<NodeSpec>, classes: Vec<CustomerClass>) -> Self {
        Self { system_capacity: None, nodes, classes }
    }

    /// The network with room for at most `capacity` customers at once.
    ///
    /// ```
    /// let net = queue_sim::Network::mmc(0.2, 0.1, 3).with_system_capacity(10);
    /// assert_eq!(net.system_capacity, Some(10));
    /// ```
    pub fn with_system_capacity(mut self, capacity: u64) -> Self {
        self.system_capacity = Some(capacity);
        self
    }

    /// The M/M/c queue the talk simulates: one node, `servers` servers,
    /// exponential arrivals and services.
    ///
    /// ```
    /// let net = queue_sim::Network::mmc(0.2, 0.1, 3);
    /// assert!(net.validate().is_ok());
    /// ```
    pub fn mmc(arrival_rate: f64, service_rate: f64, servers: usize) -> Self {
        Self::single_node(
            Distribution::exponential(arrival_rate),
            Distribution::exponential(service_rate),
            Servers::Finite(servers),
        )
    }

    /// `nodes` M/M/c nodes in a ring: external arrivals at `arrival_rate` to
    /// each, and after service a customer moves on to the next node with
    /// probability `onward` (the last node feeds the first) or leaves. Each
    /// node then sees arrivals at `arrival_rate / (1 - onward)`. The network
    /// the benchmarks use to measure cost per event against network size.
    ///
    /// ```
    /// let net = queue_sim::Network::ring(100, 0.1, 0.1, 3, 0.5);
    /// assert_eq!(net.nodes.len(), 100);
    /// assert!(net.validate().is_ok());
    /// ```
    pub fn ring(nodes: usize, arrival_rate: f64, service_rate: f64, servers: usize, onward: f64) -> Self {
        let routing: Vec<Vec<f64>> = (0..nodes)
            .map(|i| {
                let mut row = vec![0.0; nodes];
                row[(i + 1) % nodes] = onward;
                row
            })
            .collect();
        let at_node = ClassAtNode::new(
            Some(Distribution::exponential(arrival_rate)),
            Distribution::exponential(service_rate),
        );
        Self::new(
            vec![NodeSpec::new(Servers::Finite(servers)); nodes],
            vec![CustomerClass::new(default_class_name(), vec![at_node; nodes], routing)],
        )
    }

    /// One node, one class, with the given distributions.
    pub fn single_node(arrival: Distribution, service: Distribution, servers: Servers) -> Self {
        Self::new(
            vec![NodeSpec::new(servers)],
            vec![CustomerClass::new(
                default_class_name(),
                vec![ClassAtNode::new(Some(arrival), service)],
                vec![vec![0.0]],
            )],
        )
    }

    /// Reads a model from a TOML file.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Self, ModelError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ModelError::Io { path: path.to_owned(), source })?;
        Self::from_toml_str(&text).map_err(|e| e.in_file(path))
    }

    /// Reads a model from TOML text and validates it.
    pub fn from_toml_str(text: &str) -> Result<Self, ModelError> {
        let net: Self =
            toml::from_str(text).map_err(|e| ModelError::Parse { path: None, message: e.to_string() })?;
        net.validate()?;
        Ok(net)
    }

    /// The model as TOML text.
    pub fn to_toml_string(&self) -> Result<String, ModelError> {
        toml::to_string(self).map_err(|e| ModelError::Parse { path: None, message: e.to_string() })
    }

    /// Checks everything a simulation relies on; see [`ModelError`].
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.nodes.is_empty() {
            return Err(ModelError::NoNodes);
        }
        if self.classes.is_empty() {
            return Err(ModelError::NoClasses);
        }
        if self.system_capacity == Some(0) {
            return Err(ModelError::ZeroSystemCapacity);
        }
        let n = self.nodes.len();
        if n > MAX_NODES {
            return Err(ModelError::TooLarge { what: "nodes", count: n, max: MAX_NODES });
        }
        let k = self.classes.len();
        if k > MAX_CLASSES {
            return Err(ModelError::TooLarge { what: "classes", count: k, max: MAX_CLASSES });
        }
        match n.checked_mul(k) {
            Some(pairs) if pairs <= MAX_CLASSES => {}
            pairs => {
                return Err(ModelError::TooLarge {
                    what: "(node, class) pairs",
                    count: pairs.unwrap_or(usize::MAX),
                    max: MAX_CLASSES,
                });
            }
        }
        for (node, spec) in self.nodes.iter().enumerate() {
            spec.server_count(node)?;
            if let Servers::Schedule(schedule) = &spec.servers {
                schedule.check().map_err(|problem| ModelError::Schedule { node, problem })?;
                let most = schedule.numbers_of_servers.iter().copied().max().unwrap_or(0);
                if most > MAX_PRIORITISED_SERVERS && !spec.server_priority.is_lowest_id() {
                    return Err(ModelError::TooManyPrioritisedServers {
                        node,
                        servers: most,
                        max: MAX_PRIORITISED_SERVERS,
                    });
                }
            }
            if let Servers::Slotted(slotted) = &spec.servers {
                slotted.check().map_err(|problem| ModelError::Schedule { node, problem })?;
            }
            if spec.processor_sharing {
                let problem = if spec.ps_threshold == 0 {
                    Some("ps_threshold must be at least 1")
                } else if matches!(spec.servers, Servers::Schedule(_) | Servers::Slotted(_)) {
                    Some("a shared service cannot follow a server schedule or slots")
                } else if self.classes.iter().any(|c| c.priority != self.classes[0].priority) {
                    Some(
                        "classes of different priorities cannot share a service (Ciw serves the wrong customer)",
                    )
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Err(ModelError::ProcessorSharing { node, problem });
                }
            }
            if let Servers::Finite(c) = spec.servers
                && c > MAX_PRIORITISED_SERVERS
                && !spec.server_priority.is_lowest_id()
            {
                return Err(ModelError::TooManyPrioritisedServers {
                    node,
                    servers: c,
                    max: MAX_PRIORITISED_SERVERS,
                });
            }
        }
        let mut any_arrivals = false;
        for (class, c) in self.classes.iter().enumerate() {
            if c.nodes.len() != n {
                return Err(ModelError::ClassNodeCount { class, expected: n, found: c.nodes.len() });
            }
            for (node, at) in c.nodes.iter().enumerate() {
                if let Some(arrival) = &at.arrival {
                    any_arrivals = true;
                    check(arrival, node, class, "arrival")?;
                    if arrival.always_zero() {
                        return Err(ModelError::ZeroInterArrival { node, class });
                    }
                }
                check(&at.service, node, class, "service")?;
                if let Some((index, value)) = at.baulking.as_ref().and_then(Baulking::invalid_entry) {
                    return Err(ModelError::Baulking { node, class, index, value });
                }
                if let Some(patience) = &at.reneging {
                    check(patience, node, class, "reneging")?;
                }
                if let Some(Destination::Node(to)) = at.reneging_destination
                    && to >= n
                {
                    return Err(ModelError::RenegingDestination { node, class, to, nodes: n });
                }
                // A key that would do nothing is more likely a mistake. (A
                // batch or baulking table where the class has no arrivals
                // from outside does nothing too, but Ciw takes them, one per
                // node, so a model translated from Ciw may hold them.)
                if at.reneging_destination.is_some() && at.reneging.is_none() {
                    let why = "the class does not renege there (no reneging)";
                    return Err(ModelError::NoEffect { node, class, key: "reneging_destination", why });
                }
                if let Some(batch) = &at.batch {
                    check(batch, node, class, "batch")?;
                    check_batch(batch, node, class)?;
                }
            }
            check_routing(&c.routing, class, n)?;
        }
        if !any_arrivals {
            return Err(ModelError::NoArrivals);
        }
        self.check_class_changes()
    }

    /// Class changes name classes: the names must be unique and known, the
    /// probabilities in [0, 1] and summing to 1.
    fn check_class_changes(&self) -> Result<(), ModelError> {
        let tables = || {
            self.classes.iter().enumerate().flat_map(|(class, c)| {
                c.nodes.iter().enumerate().filter_map(move |(node, at)| {
                    at.class_after_service.as_ref().map(|t| (node, class, "class_after_service", t))
                })
            })
        };
        let waiting = || {
            self.classes
                .iter()
                .enumerate()
                .filter_map(|(class, c)| c.class_change_while_waiting.as_ref().map(|t| (class, t)))
        };
        if tables().next().is_none() && waiting().next().is_none() {
            return Ok(());
        }
        let mut names: Vec<&str> = self.classes.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(ModelError::DuplicateClassName { name: w[0].to_owned() });
        }
        for (node, class, key, table) in tables() {
            let mut sum = 0.0;
            for (name, &p) in table {
                if names.binary_search(&name.as_str()).is_err() {
                    return Err(ModelError::UnknownClass { node, class, key, name: name.clone() });
                }
                if !(0.0..=1.0).contains(&p) {
                    return Err(ModelError::ClassChangeProbability {
                        node,
                        class,
                        name: name.clone(),
                        value: p,
                    });
                }
                sum += p;
            }
            if (sum - 1.0).abs() > 1e-9 {
                return Err(ModelError::ClassChangeSum { node, class, sum });
            }
        }
        for (class, table) in waiting() {
            for (name, d) in table {
                if names.binary_search(&name.as_str()).is_err() {
                    return Err(ModelError::WaitingChange { class, name: name.clone(), problem: None });
                }
                not_drawn_up_front(d).and_then(|()| d.validate()).map_err(|problem| {
                    ModelError::WaitingChange { class, name: name.clone(), problem: Some(problem) }
                })?;
            }
        }
        Ok(())
    }
}

/// A class's routing: a square matrix of probabilities with rows summing
/// to at most 1, or a valid router per node.
fn check_routing(routing: &Routing, class: usize, n: usize) -> Result<(), ModelError> {
    let shape = |row, found| ModelError::RoutingShape { class, row, expected: n, found };
    let probabilities = |from: usize, to: &[usize], probs: &[f64]| {
        for (&to, &p) in to.iter().zip(probs) {
            if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                return Err(ModelError::RoutingProbability { class, from, to, value: p });
            }
        }
        let sum: f64 = probs.iter().sum();
        if sum > 1.0 + 1e-12 {
            return Err(ModelError::RoutingRowSum { class, from, sum });
        }
        Ok(())
    };
    match routing {
        Routing::Matrix(m) if m.is_empty() => Ok(()),
        Routing::Matrix(m) => {
            if m.len() != n {
                return Err(shape(None, m.len()));
            }
            let all: Vec<usize> = (0..n).collect();
            for (row, r) in m.iter().enumerate() {
                if r.len() != n {
                    return Err(shape(Some(row), r.len()));
                }
                probabilities(row, &all, r)?;
            }
            Ok(())
        }
        Routing::Process(_) => Ok(()),
        Routing::Routers(routers) => {
            if routers.len() != n {
                return Err(shape(None, routers.len()));
            }
            for (node, router) in routers.iter().enumerate() {
                let bad = |problem: RouterProblem| ModelError::Router {
                    class,
                    node,
                    router: router.name(),
                    problem,
                };
                let nodes: &[usize] = match router {
                    Router::Probabilistic { destinations, probs } => {
                        if destinations.len() != probs.len() {
                            return Err(bad(RouterProblem::Lengths {
                                destinations: destinations.len(),
                                probs: probs.len(),
                            }));
                        }
                        destinations
                    }
                    Router::Direct { to: Destination::Node(to) } => std::slice::from_ref(to),
                    Router::JoinShortestQueue { destinations, .. }
                    | Router::LoadBalancing { destinations, .. } => destinations,
                    Router::Cycle { cycle } => cycle,
                    _ => &[],
                };
                if let Some(&to) = nodes.iter().find(|&&to| to >= n) {
                    return Err(bad(RouterProblem::NoSuchNode { to, nodes: n }));
                }
                let needs_some = matches!(
                    router,
                    Router::JoinShortestQueue { .. } | Router::LoadBalancing { .. } | Router::Cycle { .. }
                );
                if needs_some && nodes.is_empty() {
                    return Err(bad(RouterProblem::Empty));
                }
                if let Router::Probabilistic { destinations, probs } = router {
                    probabilities(node, destinations, probs)?;
                }
            }
            Ok(())
        }
    }
}

/// A batch distribution must give whole numbers from 0 to [`MAX_BATCH`].
fn check_batch(d: &Distribution, node: usize, class: usize) -> Result<(), ModelError> {
    let values: &[f64] = match d {
        Distribution::Deterministic { value } => std::slice::from_ref(value),
        Distribution::Sequential { values } | Distribution::Pmf { values, .. } => values,
        Distribution::Empirical { observations } => observations,
        // Whole numbers by construction. A binomial of more trials than
        // MAX_BATCH, or a Poisson whose mean is half of it or more, would
        // give batches beyond it; refused here rather than mid-run. Rarer
        // sizes beyond it (a long geometric tail) stop the run with an error.
        Distribution::Binomial { n, .. } if *n > MAX_BATCH => {
            return Err(ModelError::BatchSize { node, class, value: f64::from(*n), max: MAX_BATCH });
        }
        Distribution::Poisson { rate } if *rate >= f64::from(MAX_BATCH) / 2.0 => {
            return Err(ModelError::BatchSize { node, class, value: *rate, max: MAX_BATCH });
        }
        Distribution::Custom(_)
        | Distribution::Poisson { .. }
        | Distribution::Geometric { .. }
        | Distribution::Binomial { .. } => &[],
        other => return Err(ModelError::BatchNotWhole { node, class, distribution: other.name() }),
    };
    match values.iter().find(|&&v| !(v.fract() == 0.0 && (0.0..=f64::from(MAX_BATCH)).contains(&v))) {
        Some(&value) => Err(ModelError::BatchSize { node, class, value, max: MAX_BATCH }),
        None => Ok(()),
    }
}

fn check(d: &Distribution, node: usize, class: usize, role: &'static str) -> Result<(), ModelError> {
    let allowed = if role == "arrival" { Ok(()) } else { not_drawn_up_front(d) };
    allowed.and_then(|()| d.validate()).map_err(|problem: ParameterError| ModelError::Distribution {
        node,
        class,
        role,
        problem,
    })
}

/// Only inter-arrival times may be drawn when the simulation is built
/// ([`Distribution::PoissonIntervals`]).
fn not_drawn_up_front(d: &Distribution) -> Result<(), ParameterError> {
    match d {
        Distribution::PoissonIntervals { .. } => Err(ParameterError::ArrivalsOnly),
        _ => Ok(()),
    }
}

impl Serialize for Servers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Finite(c) => s.serialize_u64(u64::try_from(*c).map_err(serde::ser::Error::custom)?),
            Self::Infinite => s.serialize_str("inf"),
            Self::Schedule(schedule) => {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("schedule", schedule)?;
                map.end()
            }
            Self::Slotted(slotted) => {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("slotted", slotted)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Servers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Servers;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number of servers, \"inf\", { schedule = { ... } } or { slotted = { ... } }")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Servers, A::Error> {
                // One key, `schedule` or `slotted`: both at once is a
                // contradiction, not a choice.
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Timed {
                    schedule: Option<Schedule>,
                    slotted: Option<Slotted>,
                }
                let timed = Timed::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                match (timed.schedule, timed.slotted) {
                    (Some(s), None) => Ok(Servers::Schedule(s)),
                    (None, Some(s)) => Ok(Servers::Slotted(s)),
                    (Some(_), Some(_)) => Err(serde::de::Error::custom(
                        "servers has both a schedule and slots: give one of them",
                    )),
                    (None, None) => Err(serde::de::Error::custom(
                        "servers = { ... } needs a schedule = { ... } or slotted = { ... }",
                    )),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Servers, E> {
                usize::try_from(v).map(Servers::Finite).map_err(|_| {
                    E::custom(format!("number of servers must be a non-negative integer, got {v}"))
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Servers, E> {
                usize::try_from(v).map(Servers::Finite).map_err(|_| {
                    E::custom(format!("number of servers {v} does not fit this platform's integers"))
                })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Servers, E> {
                match v {
                    "inf" | "infinite" => Ok(Servers::Infinite),
                    _ => {
                        Err(E::custom(format!("number of servers must be an integer or \"inf\", got {v:?}")))
                    }
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl Serialize for Preemption {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Off => s.serialize_bool(false),
            other => s.serialize_str(other.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for Preemption {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Preemption;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("false, \"resample\", \"restart\", \"resume\" or \"reroute\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Preemption, E> {
                if v {
                    Err(E::custom(
                        "preemption = true does not say how to preempt: use \"resample\", \"restart\", \"resume\" or \"reroute\"",
                    ))
                } else {
                    Ok(Preemption::Off)
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Preemption, E> {
                match v {
                    "resample" => Ok(Preemption::Resample),
                    "restart" => Ok(Preemption::Restart),
                    "resume" => Ok(Preemption::Resume),
                    "reroute" => Ok(Preemption::Reroute),
                    _ => Err(E::custom(format!(
                        "preemption must be false, \"resample\", \"restart\", \"resume\" or \"reroute\", got {v:?}"
                    ))),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}
