//! Typed errors: [`ModelError`] for a model that cannot be simulated and
//! [`SimError`] for what goes wrong while running one.

use std::path::PathBuf;

use crate::distribution::ParameterError;

/// A model that cannot be simulated, naming the node, class and parameter.
/// Nodes and classes are numbered from 0.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The network has no nodes.
    #[error("the network has no nodes")]
    NoNodes,
    /// The network has no customer classes.
    #[error("the network has no customer classes")]
    NoClasses,
    /// No class arrives anywhere, so nothing would ever happen.
    #[error("no class has an arrival distribution at any node")]
    NoArrivals,
    /// A processor-sharing node that cannot work as asked.
    #[error("node {node}: processor sharing: {problem}")]
    ProcessorSharing {
        /// The node (from 0).
        node: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// A server schedule or slotted service that cannot be followed.
    #[error("node {node}: {problem}")]
    Schedule {
        /// The node (from 0).
        node: usize,
        /// What is wrong.
        problem: crate::schedule::ScheduleProblem,
    },
    /// A baulking table is empty or holds a probability outside [0, 1].
    #[error("node {node}, class {class}: baulking probs {}", match index { Some(i) => format!("[{i}] = {value} is not a probability in [0, 1]"), None => "must hold at least one probability".to_owned() })]
    Baulking {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// The bad entry; `None` for an empty table.
        index: Option<usize>,
        /// Its value.
        value: f64,
    },
    /// A batch distribution of a kind that gives fractions.
    #[error(
        "node {node}, class {class}: batch sizes must be whole numbers, which a {distribution} distribution does not give (use deterministic, sequential, empirical or pmf)"
    )]
    BatchNotWhole {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// The distribution's kind, as in model files.
        distribution: &'static str,
    },
    /// A batch distribution that can give a size that is not a whole number
    /// from 0 to `max`.
    #[error("node {node}, class {class}: batch size {value} is not a whole number from 0 to {max}")]
    BatchSize {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// The bad size.
        value: f64,
        /// The largest size allowed.
        max: u32,
    },
    /// Two classes share a name, which a class change cannot tell apart.
    #[error("two classes are named {name:?}: class changes name their class, so names must be unique")]
    DuplicateClassName {
        /// The name.
        name: String,
    },
    /// A class change names a class the model does not have.
    #[error("node {node}, class {class}: {key} names class {name:?}, which the model does not have")]
    UnknownClass {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// The key that names it.
        key: &'static str,
        /// The unknown name.
        name: String,
    },
    /// A change of class while waiting names an unknown class, or has a bad
    /// distribution.
    #[error("class {class}: class_change_while_waiting to {name:?}: {}", match problem { Some(p) => p.to_string(), None => "the model has no class of that name".to_owned() })]
    WaitingChange {
        /// The class (from 0).
        class: usize,
        /// The class it would change to.
        name: String,
        /// What is wrong with its distribution; `None`: the name is unknown.
        problem: Option<ParameterError>,
    },
    /// A class-change probability outside [0, 1].
    #[error(
        "node {node}, class {class}: class_after_service gives {name:?} probability {value}, not in [0, 1]"
    )]
    ClassChangeProbability {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// The class it names.
        name: String,
        /// The probability.
        value: f64,
    },
    /// Class-change probabilities that do not sum to 1.
    #[error("node {node}, class {class}: class_after_service probabilities sum to {sum}, not 1")]
    ClassChangeSum {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// Their sum.
        sum: f64,
    },
    /// A reneging destination beyond the last node.
    #[error(
        "node {node}, class {class}: reneging_destination {to} is not a node (the network has {nodes}, numbered from 0)"
    )]
    RenegingDestination {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// The destination given.
        to: usize,
        /// The number of nodes.
        nodes: usize,
    },
    /// A node with a server priority other than the lowest number has more
    /// servers than such a node may have.
    #[error(
        "node {node}: a server priority other than \"lowest_id\" looks at every free server, so at most {max} servers, not {servers}"
    )]
    TooManyPrioritisedServers {
        /// The node.
        node: usize,
        /// The number asked for.
        servers: usize,
        /// The most allowed.
        max: usize,
    },
    /// A key that would have no effect where it stands (likely a mistake).
    #[error("node {node}, class {class}: {key} has no effect here: {why}")]
    NoEffect {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// The key.
        key: &'static str,
        /// Why it would do nothing.
        why: &'static str,
    },
    /// The system capacity is zero (Ciw requires a positive integer).
    #[error("system_capacity must be at least 1 (leave it out for no limit)")]
    ZeroSystemCapacity,
    /// A node has more servers than the engine can number.
    #[error(
        "node {node}: {servers} servers is more than the {max} the engine supports (use \"inf\" for a server per customer)"
    )]
    TooManyServers {
        /// The node.
        node: usize,
        /// The number asked for.
        servers: usize,
        /// The most the engine supports.
        max: u32,
    },
    /// The network has more of something than the engine can number.
    #[error("the network has {count} {what}, more than the {max} the engine supports")]
    TooLarge {
        /// What there are too many of: `"nodes"`, `"classes"` or
        /// `"(node, class) pairs"`.
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The most the engine supports.
        max: usize,
    },
    /// A class lists distributions for a different number of nodes.
    #[error("class {class}: has distributions for {found} nodes, the network has {expected}")]
    ClassNodeCount {
        /// The class.
        class: usize,
        /// Number of nodes in the network.
        expected: usize,
        /// Number of entries given.
        found: usize,
    },
    /// A distribution's parameters are invalid.
    #[error("node {node}, class {class}, {role} distribution: {problem}")]
    Distribution {
        /// The node.
        node: usize,
        /// The class.
        class: usize,
        /// `"arrival"`, `"service"` or `"batch"`.
        role: &'static str,
        /// What is wrong.
        problem: ParameterError,
    },
    /// An inter-arrival distribution that only ever gives 0 (Ciw loops forever).
    #[error(
        "node {node}, class {class}: the inter-arrival distribution always gives 0, so time would never advance"
    )]
    ZeroInterArrival {
        /// The node.
        node: usize,
        /// The class.
        class: usize,
    },
    /// The routing matrix has the wrong number of rows or columns.
    #[error("class {class}: routing {} has {found} entries, expected {expected}", match row { Some(r) => format!("row {r}"), None => "matrix".to_owned() })]
    RoutingShape {
        /// The class.
        class: usize,
        /// The row, or `None` for the number of rows.
        row: Option<usize>,
        /// Number of nodes.
        expected: usize,
        /// Number found.
        found: usize,
    },
    /// A routing probability is negative, NaN or infinite.
    #[error(
        "class {class}: routing probability from node {from} to node {to} must be in [0, 1], got {value}"
    )]
    RoutingProbability {
        /// The class.
        class: usize,
        /// Source node.
        from: usize,
        /// Destination node.
        to: usize,
        /// The value.
        value: f64,
    },
    /// A routing row sums above 1.
    #[error("class {class}: routing row for node {from} sums to {sum}, more than 1")]
    RoutingRowSum {
        /// The class.
        class: usize,
        /// Source node.
        from: usize,
        /// The sum.
        sum: f64,
    },
    /// A router is invalid.
    #[error("class {class}, node {node}: {router} router: {problem}")]
    Router {
        /// The class.
        class: usize,
        /// The node it routes from.
        node: usize,
        /// The router's kind, as in model files.
        router: &'static str,
        /// What is wrong.
        problem: RouterProblem,
    },
    /// A model file could not be read.
    #[error("cannot read model file {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A model file describes an invalid network; `error` says what is wrong.
    #[error("model file {}: {error}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with the model.
        error: Box<ModelError>,
    },
    /// A model file is not valid TOML for a network.
    #[error("{}{message}", match path { Some(p) => format!("model file {}: ", p.display()), None => String::new() })]
    Parse {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// The parser's message, with line and column.
        message: String,
    },
}

/// What is wrong with a router.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RouterProblem {
    /// It names a node the network does not have.
    #[error("node {to} is not in the network (it has {nodes}, numbered from 0)")]
    NoSuchNode {
        /// The node named.
        to: usize,
        /// The number of nodes.
        nodes: usize,
    },
    /// It has no nodes to choose from.
    #[error("it has no destinations")]
    Empty,
    /// Destinations and probabilities of different lengths.
    #[error("{destinations} destinations but {probs} probabilities")]
    Lengths {
        /// Destinations given.
        destinations: usize,
        /// Probabilities given.
        probs: usize,
    },
}

impl ModelError {
    /// Attaches the file name: to a parse error directly, around a
    /// validation error as [`ModelError::InFile`].
    pub(crate) fn in_file(self, path: &std::path::Path) -> Self {
        match self {
            Self::Parse { message, .. } => Self::Parse { path: Some(path.to_owned()), message },
            other => Self::InFile { path: path.to_owned(), error: Box::new(other) },
        }
    }
}

/// What can go wrong while running a valid model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A state tracker that does not fit the network, or a bad
    /// observation period.
    #[error("{0}")]
    Tracker(crate::tracker::TrackerError),
    /// A run until deadlock of a network that cannot deadlock: no node
    /// has a limited capacity, so nobody is ever blocked.
    #[error("the network cannot deadlock: no node has a queue capacity, so nobody is ever blocked")]
    CannotDeadlock,
    /// A run until deadlock whose events ran out first.
    #[error("no event is left at time {time:?} and the network is not deadlocked")]
    NoEventsLeft {
        /// The clock.
        time: f64,
    },
    /// State probabilities asked of a simulation without a tracker.
    #[error("the simulation has no state tracker (Simulation::with_tracker)")]
    NoTracker,
    /// A scheduled node has given out more server ids than it can number.
    #[error(
        "node {node}: more than 2^32 - 1 servers (the ids a u32 numbers) have come on duty by time {time:?}"
    )]
    ServerIds {
        /// The node (from 0).
        node: usize,
        /// When.
        time: f64,
    },
    /// The stopping time is not a positive finite number.
    #[error("max_time must be positive and finite, got {0}")]
    MaxTime(f64),
    /// A stopping time earlier than the simulation clock.
    #[error("max_time {max_time} is before the simulation's current time {now}")]
    MaxTimeInPast {
        /// The stopping time asked for.
        max_time: f64,
        /// The clock.
        now: f64,
    },
    /// A custom distribution returned a negative or NaN time, or a batch
    /// size that is not a whole number from 0 to [`MAX_BATCH`](crate::MAX_BATCH).
    #[error("node {node}, class {class}: {role} distribution gave invalid {} {value}", if *role == "batch" { format!("batch size (not a whole number from 0 to {})", crate::MAX_BATCH) } else { "time".to_owned() })]
    InvalidSample {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// `"arrival"`, `"service"` or `"batch"`.
        role: &'static str,
        /// The value.
        value: f64,
    },
    /// A user service discipline chose a customer beyond those waiting.
    #[error(
        "node {node}, time {time:?}: the service discipline chose customer {index} of the {waiting} waiting"
    )]
    InvalidChoice {
        /// The node (from 0).
        node: usize,
        /// The time.
        time: f64,
        /// The index it gave.
        index: usize,
        /// How many were waiting.
        waiting: usize,
    },
    /// A user router sent a customer to a node the network does not have.
    #[error(
        "node {node}, class {class}, time {time:?}: the router sent a customer to node {to}, but the network has {nodes} (numbered from 0)"
    )]
    InvalidRoute {
        /// The node it left (from 0).
        node: usize,
        /// Its class (from 0).
        class: usize,
        /// The node named.
        to: usize,
        /// The number of nodes.
        nodes: usize,
        /// The time.
        time: f64,
    },
    /// A user route function gave a route with a stage of no nodes.
    #[error(
        "node {node}, class {class}, time {time:?}: the route function gave stage {stage} (from 0) with no nodes"
    )]
    EmptyRouteStage {
        /// The node the customer arrived at (from 0).
        node: usize,
        /// Its class (from 0).
        class: usize,
        /// The empty stage's place in the route (from 0).
        stage: usize,
        /// The time.
        time: f64,
    },
    /// A user server priority gave NaN.
    #[error("node {node}, time {time:?}: the server priority of server {server} is NaN")]
    InvalidPriority {
        /// The node (from 0).
        node: usize,
        /// The time.
        time: f64,
        /// The server (from 1).
        server: u32,
    },
    /// A user function gave a probability outside [0, 1] (or NaN).
    #[error(
        "node {node}, class {class}, time {time:?}: the {role} function gave probability {value}, not in [0, 1]"
    )]
    InvalidProbability {
        /// The node (from 0).
        node: usize,
        /// The class (from 0).
        class: usize,
        /// `"baulking"`.
        role: &'static str,
        /// The time.
        time: f64,
        /// The value.
        value: f64,
    },
    /// Time stood still: many events in a row happened at one instant, as in
    /// a zero-time cycle (a customer routed round nodes with zero service
    /// times for ever) or an inter-arrival distribution giving 0, or gaps too
    /// small to move the clock, again and again.
    #[error(
        "node {node}, class {class}, time {time:?}: {events} events in a row happened at this instant without the clock moving (a zero-time cycle, or inter-arrival times of 0)"
    )]
    Stalled {
        /// The node of the event at which the run gave up (from 0).
        node: usize,
        /// The class of that event (from 0).
        class: usize,
        /// The instant.
        time: f64,
        /// How many events happened at it, at least.
        events: u64,
    },
    /// The run used up its event budget (see
    /// [`crate::Simulation::with_event_budget`]).
    #[error(
        "node {node}, time {time:?}: the run used up its budget of {budget} events; if the run is meant to be this long, raise the budget (Simulation::with_event_budget, SweepPlan::event_budget, or `cargo xtask sim --event-budget`)"
    )]
    EventBudget {
        /// The budget.
        budget: u64,
        /// The node of the next event (from 0).
        node: usize,
        /// The clock.
        time: f64,
    },
    /// Before running: the external arrivals expected up to the stopping
    /// time alone are more events than the budget allows.
    #[error(
        "from time {time:?} to max_time {max_time}, about {expected:.3e} arrivals are expected (most at node {node}, class {class}), more than the event budget of {budget}; if the run is meant to be this long, raise the budget (Simulation::with_event_budget, SweepPlan::event_budget, or `cargo xtask sim --event-budget`)"
    )]
    ExpectedEvents {
        /// Expected arrivals (their rate times the horizon, summed over streams).
        expected: f64,
        /// The budget left.
        budget: u64,
        /// The node with the most expected arrivals (from 0).
        node: usize,
        /// Its class (from 0).
        class: usize,
        /// The clock.
        time: f64,
        /// The stopping time asked for.
        max_time: f64,
    },
    /// Before running: the count asked for needs at least one event per
    /// customer, more than the event budget allows.
    #[error(
        "running until {count} more customers needs at least {count} events, more than the event budget of {budget} left; raise it with Simulation::with_event_budget"
    )]
    CountBeyondBudget {
        /// Customers still to count.
        count: u64,
        /// The budget left.
        budget: u64,
    },
    /// Running to a number of customers, but the network is deadlocked:
    /// every customer sits at a node whose servers are all held for ever
    /// (blocked waiting for room at full, equally stuck nodes, or in
    /// services that never end), and arrivals can only join them or be
    /// turned away, so the count can never grow.
    #[error(
        "node {node}, time {time:?}: the network is deadlocked (every server where customers are is held for ever, by customers blocked in a cycle of full nodes or by services that never end; arrivals are only turned away or queued behind them), so no customer can ever {count} again; run until a max time instead"
    )]
    Deadlock {
        /// The lowest deadlocked node (from 0).
        node: usize,
        /// The clock when the deadlock was found.
        time: f64,
        /// What can never happen again: `"complete"`, `"finish"` or `"be accepted"`.
        count: &'static str,
    },
    /// Running to a number of customers, but no event is left before it is
    /// reached: arrivals have ended (a `PoissonIntervals` law past its
    /// `max_sample_date`, say) and everyone present has left, so the count
    /// can never grow. (Ciw 3.2.7 fails with a `TypeError` or a `KeyError`
    /// there.)
    #[error(
        "time {time:?}: no event is left after {reached} of the {wanted} customers asked for (arrivals have ended), so no customer can ever {count} again; run until a max time instead"
    )]
    CountNotReached {
        /// What the count counts: `"complete"`, `"finish"`, `"be accepted"`
        /// or `"arrive"`.
        count: &'static str,
        /// The count asked for.
        wanted: u64,
        /// The count reached.
        reached: u64,
        /// The clock at the last event.
        time: f64,
    },
    /// More customers in the system at once than the engine can number.
    #[error("node {node}, time {time:?}: more than {max} customers in the system at once")]
    TooManyCustomers {
        /// The node a customer was arriving at (from 0).
        node: usize,
        /// The clock.
        time: f64,
        /// The most the engine holds.
        max: u32,
    },
    /// Run until a number of customers, but some class can reach a node from
    /// which it never leaves, so the count might never be reached.
    #[error(
        "class {class} can reach node {node} and never leave the network from it; run until a max time instead"
    )]
    NoExit {
        /// The class (from 0).
        class: usize,
        /// The node (from 0).
        node: usize,
    },
    /// The model is invalid.
    #[error(transparent)]
    Model(#[from] ModelError),
}
