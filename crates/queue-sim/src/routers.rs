//! Routing as Ciw's routing objects (`ciw.routing`): a class's routing is a
//! transition matrix (Ciw's `TransitionMatrix`) or one router per node
//! (Ciw's `NetworkRouting(routers=[...])`): probabilistic, direct, leave,
//! join the shortest queue, load balancing, cycle, or a user router.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::behaviour::QueuedCustomer;
use crate::random::RandomSource;

/// Where a customer goes: a node (from 0) or out of the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Destination {
    /// A node, numbered from 0.
    Node(usize),
    /// Out of the network.
    Exit,
}

/// Where a class goes after service at each node.
///
/// In a model file, `routing` is either the matrix (rows of probabilities
/// from each node to each node, the rest of a row leaving) or a list of one
/// router table per node:
///
/// ```toml
/// routing = [
///   { type = "probabilistic", destinations = [1, 2], probs = [0.3, 0.5] },
///   { type = "join_shortest_queue", destinations = [0, 2], tie_break = "order" },
///   { type = "leave" },
/// ]
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Routing {
    /// Row `i` gives the probabilities of moving from node `i` to each node;
    /// what is left of a row leaves. Empty: everyone leaves after one
    /// service.
    Matrix(Vec<Vec<f64>>),
    /// One router per node.
    Routers(Vec<Router>),
    /// A route per customer, drawn when it arrives (Ciw's `ProcessBased`
    /// and `FlexibleProcessBased`; not expressible in a model file).
    Process(ProcessRouting),
}

/// Process-based routing: a function gives each customer arriving from
/// outside its route, the stages it visits after the node it arrives at;
/// once the route is used up it leaves. Ciw calls the function when the
/// customer is created, before the capacity and baulking checks, so a
/// rejected customer's route is drawn too; so does this engine. A customer
/// preempted with `"reroute"` takes its next stage too, as in Ciw.
///
/// ```
/// use queue_sim::{ProcessRouting, QueuedCustomer, RandomSource, RouteFunction};
/// /// Class 0 visits node 1 then node 2; the others node 2 twice.
/// #[derive(Debug)]
/// struct Pathway;
/// impl RouteFunction for Pathway {
///     fn route(&self, c: &QueuedCustomer, _node: usize, _rng: &mut dyn RandomSource) -> Vec<Vec<usize>> {
///         if c.class == 0 { vec![vec![1], vec![2]] } else { vec![vec![2], vec![2]] }
///     }
/// }
/// let fixed = ProcessRouting::fixed(Pathway);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessRouting {
    /// The route function.
    pub function: CustomRoute,
    /// For a flexible route (stages of several nodes), how a node is chosen
    /// within a stage and when the stage is done; `None`: each stage is
    /// its first node, taken without a draw (Ciw's `ProcessBased`).
    pub flexible: Option<(Choice, Rule)>,
}

/// How a flexible route chooses within a stage (Ciw's `choice`); each draws
/// one random number, even for a stage of one node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    /// At random (`'random'`).
    Random,
    /// The node with the fewest waiting, ties at random (`'jsq'`).
    ShortestQueue,
    /// The node with the fewest present, ties at random (`'lb'`).
    LoadBalancing,
}

/// When a stage of a flexible route is done (Ciw's `rule`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// After visiting any one of its nodes (`'any'`).
    Any,
    /// After visiting all of its nodes, one at a time (`'all'`).
    All,
}

/// A user route function (see [`ProcessRouting`]).
pub trait RouteFunction: fmt::Debug + Send + Sync {
    /// The route of `customer`, arriving from outside at `node` now: the
    /// stages it visits after `node`, each a list of nodes (from 0). A node
    /// beyond the network stops the run with
    /// [`SimError::InvalidRoute`](crate::SimError::InvalidRoute).
    fn route(&self, customer: &QueuedCustomer, node: usize, rng: &mut dyn RandomSource) -> Vec<Vec<usize>>;
}

/// A shared handle on a [`RouteFunction`]. Two handles are equal when they
/// share the object.
#[derive(Clone, Debug)]
pub struct CustomRoute(pub Arc<dyn RouteFunction>);

impl PartialEq for CustomRoute {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl ProcessRouting {
    /// Ciw's `ProcessBased`: each stage's first node, no draws.
    pub fn fixed(f: impl RouteFunction + 'static) -> Self {
        Self { function: CustomRoute(Arc::new(f)), flexible: None }
    }

    /// Ciw's `FlexibleProcessBased(route_function, rule, choice)`.
    pub fn flexible(f: impl RouteFunction + 'static, choice: Choice, rule: Rule) -> Self {
        Self { function: CustomRoute(Arc::new(f)), flexible: Some((choice, rule)) }
    }
}

impl Default for Routing {
    fn default() -> Self {
        Self::Matrix(Vec::new())
    }
}

impl From<Vec<Vec<f64>>> for Routing {
    fn from(matrix: Vec<Vec<f64>>) -> Self {
        Self::Matrix(matrix)
    }
}

impl From<Vec<Router>> for Routing {
    fn from(routers: Vec<Router>) -> Self {
        Self::Routers(routers)
    }
}

impl Routing {
    /// The matrix, if the routing is one (to edit it in place).
    pub fn matrix_mut(&mut self) -> Option<&mut Vec<Vec<f64>>> {
        match self {
            Self::Matrix(m) => Some(m),
            Self::Routers(_) | Self::Process(_) => None,
        }
    }

    /// Whether it is the empty matrix (everyone leaves after one service).
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Matrix(m) if m.is_empty())
    }
}

/// One node's router (Ciw's `ciw.routing` classes). Nodes are numbered from
/// 0, as everywhere in model files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Router {
    /// To each destination with its probability; what is left leaves
    /// (Ciw's `Probabilistic`: one random number, none when only the exit
    /// is possible).
    Probabilistic {
        /// The nodes.
        destinations: Vec<usize>,
        /// Their probabilities, summing to at most 1.
        probs: Vec<f64>,
    },
    /// Always to one place (Ciw's `Direct`; `"exit"` is Ciw's `Leave`).
    Direct {
        /// A node, or `"exit"`.
        to: Destination,
    },
    /// Always out of the network (Ciw's `Leave`).
    Leave,
    /// To the destination with the fewest customers waiting (Ciw's
    /// `JoinShortestQueue`: present minus in service).
    JoinShortestQueue {
        /// The nodes to choose from.
        destinations: Vec<usize>,
        /// How a tie is broken.
        #[serde(default)]
        tie_break: TieBreak,
    },
    /// To the destination with the fewest customers present, in service
    /// included (Ciw's `LoadBalancing`).
    LoadBalancing {
        /// The nodes to choose from.
        destinations: Vec<usize>,
        /// How a tie is broken.
        #[serde(default)]
        tie_break: TieBreak,
    },
    /// To each node of `cycle` in turn, from the first, again and again
    /// (Ciw's `Cycle`; here its place restarts with every simulation).
    Cycle {
        /// The nodes, in order.
        cycle: Vec<usize>,
    },
    /// A user router (not expressible in a model file).
    #[serde(skip)]
    Custom(CustomRouter),
}

/// How join-the-shortest-queue and load balancing break ties.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// A random one of the tied nodes (one random number, even when one
    /// node is shortest: Ciw's `random_choice`).
    #[default]
    Random,
    /// The first of the tied nodes in the order of `destinations`.
    Order,
}

/// What a user router sees of the network when a customer leaves a node.
pub struct NetworkState<'a> {
    pub(crate) now: f64,
    pub(crate) present: &'a dyn Fn(usize) -> u32,
    pub(crate) waiting: &'a dyn Fn(usize) -> u32,
    pub(crate) nodes: usize,
}

impl NetworkState<'_> {
    /// The time.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// The number of nodes.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// Customers at `node` (waiting, in service or blocked).
    pub fn present(&self, node: usize) -> u32 {
        (self.present)(node)
    }

    /// Customers waiting for a server at `node`.
    pub fn waiting(&self, node: usize) -> u32 {
        (self.waiting)(node)
    }
}

impl fmt::Debug for NetworkState<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkState")
            .field("now", &self.now)
            .field("nodes", &self.nodes)
            .finish_non_exhaustive()
    }
}

/// A user router: where a customer goes after its service at `node`.
///
/// ```
/// use queue_sim::{Destination, NetworkState, QueuedCustomer, RandomSource, RouterFunction};
/// /// Class 0 goes to node 1 unless it has more than five present.
/// #[derive(Debug)]
/// struct Overflow;
/// impl RouterFunction for Overflow {
///     fn next(&self, c: &QueuedCustomer, _node: usize, net: &NetworkState, _rng: &mut dyn RandomSource) -> Destination {
///         if c.class == 0 && net.present(1) <= 5 { Destination::Node(1) } else { Destination::Exit }
///     }
/// }
/// ```
pub trait RouterFunction: fmt::Debug + Send + Sync {
    /// The destination of `customer` (its `arrival` is when it joined
    /// `node`), drawing from `rng` if it chooses at random. A node beyond
    /// the network stops the run with
    /// [`SimError::InvalidRoute`](crate::SimError::InvalidRoute).
    fn next(
        &self,
        customer: &QueuedCustomer,
        node: usize,
        network: &NetworkState,
        rng: &mut dyn RandomSource,
    ) -> Destination;
}

/// A shared handle on a [`RouterFunction`]. Two handles are equal when
/// they share the object.
#[derive(Clone, Debug)]
pub struct CustomRouter(pub Arc<dyn RouterFunction>);

impl PartialEq for CustomRouter {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Router {
    /// A router given by any [`RouterFunction`].
    pub fn custom(f: impl RouterFunction + 'static) -> Self {
        Self::Custom(CustomRouter(Arc::new(f)))
    }

    /// Its name in model files.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Probabilistic { .. } => "probabilistic",
            Self::Direct { .. } => "direct",
            Self::Leave => "leave",
            Self::JoinShortestQueue { .. } => "join_shortest_queue",
            Self::LoadBalancing { .. } => "load_balancing",
            Self::Cycle { .. } => "cycle",
            Self::Custom(_) => "custom",
        }
    }
}

impl Serialize for Routing {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Matrix(m) => m.serialize(s),
            Self::Routers(r) => r.serialize(s),
            Self::Process(_) => {
                Err(serde::ser::Error::custom("process-based routing cannot be written to a model file"))
            }
        }
    }
}

/// One entry of a `routing` list: a matrix row or a router table.
enum Entry {
    Row(Vec<f64>),
    Router(Router),
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row of probabilities or a router table such as { type = \"leave\" }")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Entry, A::Error> {
                Vec::<f64>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Entry::Row)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
                Router::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Entry::Router)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl<'de> Deserialize<'de> for Routing {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = Vec::<Entry>::deserialize(d)?;
        let rows = entries.iter().filter(|e| matches!(e, Entry::Row(_))).count();
        if rows != 0 && rows != entries.len() {
            return Err(serde::de::Error::custom(
                "routing is either a matrix (a row per node) or a router per node, not a mix of both",
            ));
        }
        Ok(if rows == entries.len() && !entries.is_empty() || entries.is_empty() {
            Self::Matrix(
                entries
                    .into_iter()
                    .filter_map(|e| if let Entry::Row(r) = e { Some(r) } else { None })
                    .collect(),
            )
        } else {
            Self::Routers(
                entries
                    .into_iter()
                    .filter_map(|e| if let Entry::Router(r) = e { Some(r) } else { None })
                    .collect(),
            )
        })
    }
}

impl Serialize for Destination {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Node(i) => s.serialize_u64(u64::try_from(*i).map_err(serde::ser::Error::custom)?),
            Self::Exit => s.serialize_str("exit"),
        }
    }
}

impl<'de> Deserialize<'de> for Destination {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Destination;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a node number from 0 or \"exit\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Destination, E> {
                usize::try_from(v).map(Destination::Node).map_err(|_| {
                    E::custom(format!("a destination must be a node number from 0 or \"exit\", got {v}"))
                })
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Destination, E> {
                usize::try_from(v)
                    .map(Destination::Node)
                    .map_err(|_| E::custom(format!("node number {v} does not fit this platform's integers")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Destination, E> {
                match v {
                    "exit" => Ok(Destination::Exit),
                    _ => Err(E::custom(format!(
                        "a destination must be a node number from 0 or \"exit\", got {v:?}"
                    ))),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}
