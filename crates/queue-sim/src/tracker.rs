//! State trackers (Ciw's `ciw.trackers`): what state the network is in
//! after each event, its history, and the share of time spent in each
//! state over an observation period.

use std::collections::HashMap;
use std::fmt::Write as _;

/// What a tracker records (Ciw's tracker classes). Nodes are numbered from
/// 0 here, as in Ciw's `observed_nodes` and `groups`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tracker {
    /// Customers in the whole network (`SystemPopulation`); state `3`.
    SystemPopulation,
    /// Customers at each node (`NodePopulation`); state `(3, 1)`.
    NodePopulation,
    /// Customers at each of these nodes (`NodePopulationSubset`).
    NodePopulationSubset(Vec<usize>),
    /// Customers at each group of nodes (`GroupedNodePopulation`).
    GroupedNodePopulation(Vec<Vec<usize>>),
    /// Customers of each class (in Ciw's sorted name order) at each node
    /// (`NodeClassMatrix`); state `((3, 1), (0, 1))`.
    NodeClassMatrix,
    /// At each node, customers not blocked and blocked (`NaiveBlocking`);
    /// state `((3, 0), (1, 4))`.
    NaiveBlocking,
    /// The order in which the customers now blocked became blocked, from
    /// each node to each node, and the customers at each node
    /// (`MatrixBlocking`); state `((((1, 4), (2,)), ((3,), ())), (5, 8))`.
    MatrixBlocking,
}

impl Tracker {
    /// The tracker a command line names: `system`, `node`, `node_class`,
    /// `naive_blocking`, `matrix_blocking`, `subset:0,2` or
    /// `groups:0,1;2` (groups split by `;`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let nodes = |list: &str| -> Result<Vec<usize>, String> {
            list.split(',')
                .map(|n| {
                    n.trim().parse::<usize>().map_err(|_| format!("{n:?} is not a node number (from 0)"))
                })
                .collect()
        };
        match text {
            "system" => Ok(Self::SystemPopulation),
            "node" => Ok(Self::NodePopulation),
            "node_class" => Ok(Self::NodeClassMatrix),
            "naive_blocking" => Ok(Self::NaiveBlocking),
            "matrix_blocking" => Ok(Self::MatrixBlocking),
            _ => {
                if let Some(list) = text.strip_prefix("subset:") {
                    Ok(Self::NodePopulationSubset(nodes(list)?))
                } else if let Some(groups) = text.strip_prefix("groups:") {
                    Ok(Self::GroupedNodePopulation(groups.split(';').map(nodes).collect::<Result<_, _>>()?))
                } else {
                    Err(format!(
                        "unknown tracker {text:?}: use system, node, subset:0,1, groups:0,1;2, node_class, naive_blocking or matrix_blocking"
                    ))
                }
            }
        }
    }

    /// Checks the tracker against a network of `nodes` nodes.
    pub fn check(&self, nodes: usize) -> Result<(), TrackerError> {
        let listed: Vec<usize> = match self {
            Self::NodePopulationSubset(list) => list.clone(),
            Self::GroupedNodePopulation(groups) => groups.iter().flatten().copied().collect(),
            _ => Vec::new(),
        };
        if let Some(&node) = listed.iter().find(|&&n| n >= nodes) {
            return Err(TrackerError::Node { node, nodes });
        }
        Ok(())
    }
}

/// A tracker that does not fit the network.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TrackerError {
    /// A node the network does not have.
    #[error("the tracker observes node {node}, but the network has nodes 0 to {}", nodes.saturating_sub(1))]
    Node {
        /// The node named (from 0).
        node: usize,
        /// Nodes in the network.
        nodes: usize,
    },
    /// A tracker added to a simulation that has already run: its counts
    /// start at time 0.
    #[error("a state tracker must be added before the simulation runs (at time 0), not at time {0}")]
    Started(f64),
    /// An observation period that is not an interval from 0 on.
    #[error("observation period ({start}, {end}) must have 0 <= start < end")]
    Period {
        /// Its start.
        start: f64,
        /// Its end.
        end: f64,
    },
}

/// A tracked state, flattened: its counters in the tracker's order (for
/// [`Tracker::MatrixBlocking`], each cell's length then its positions, then
/// the customers at each node). Displayed as Ciw prints it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct State(pub(crate) Vec<i64>);

/// The history of a tracked run: the state after each event that changed
/// it, as Ciw's `history`.
#[derive(Clone, Debug)]
pub struct History {
    tracker: Tracker,
    /// Nodes and classes of the network, for display.
    nodes: usize,
    classes: usize,
    states: Vec<State>,
    index: HashMap<State, u32>,
    /// (time, state index), the first at time 0.
    changes: Vec<(f64, u32)>,
}

impl History {
    pub(crate) fn new(tracker: Tracker, nodes: usize, classes: usize, start: State) -> Self {
        let mut h =
            Self { tracker, nodes, classes, states: Vec::new(), index: HashMap::new(), changes: Vec::new() };
        h.record(0.0, &start.0);
        h
    }

    /// The tracker.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// `state` at `time`, kept if it differs from the last one.
    pub(crate) fn record(&mut self, time: f64, state: &[i64]) {
        if let Some(&(_, last)) = self.changes.last()
            && self.states[last as usize].0 == state
        {
            return;
        }
        let key = State(state.to_vec());
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                // Fewer distinct states than events, which a u32 counts.
                let i = u32::try_from(self.states.len()).unwrap_or(u32::MAX);
                self.states.push(key.clone());
                self.index.insert(key, i);
                i
            }
        };
        self.changes.push((time, i));
    }

    /// The changes of state: (time, state), the first at time 0.
    pub fn changes(&self) -> impl Iterator<Item = (f64, &State)> + '_ {
        self.changes.iter().map(|&(t, i)| (t, &self.states[i as usize]))
    }

    /// The share of the observation period `[start, end)` spent in each
    /// state, in order of first appearance, computed as Ciw's
    /// `state_probabilities(observation_period)` computes it (its sums in
    /// its order, so that the values equal Ciw's to the last bit; with
    /// `end` infinite, the last state gets the length of the interval
    /// before it, as in Ciw).
    pub fn state_probabilities(&self, start: f64, end: f64) -> Result<Vec<(State, f64)>, TrackerError> {
        if !(start >= 0.0 && end > start) {
            return Err(TrackerError::Period { start, end });
        }
        let mut order: Vec<u32> = Vec::new();
        let mut time: HashMap<u32, f64> = HashMap::new();
        let mut add = |state: u32, dt: f64| match time.get_mut(&state) {
            Some(t) => *t += dt,
            None => {
                order.push(state);
                time.insert(state, dt);
            }
        };
        let (mut prev_date, mut prev_state) = self.changes[0];
        let mut dt = 0.0;
        for &(date, state) in &self.changes {
            if date > end {
                break;
            }
            dt = date - prev_date.max(start);
            if start < date && date < end {
                add(prev_state, dt);
            }
            prev_date = date;
            prev_state = state;
        }
        if end.is_finite() {
            dt = end - prev_date;
        }
        add(prev_state, dt);
        let total: f64 = order.iter().map(|s| time[s]).fold(0.0, |a, b| a + b);
        Ok(order.into_iter().map(|s| (self.states[s as usize].clone(), time[&s] / total)).collect())
    }

    /// `state` as Ciw prints it (a Python int or nested tuples).
    pub fn display(&self, state: &State) -> String {
        let v = &state.0;
        let tuple = |xs: &[i64]| {
            let inner: Vec<String> = xs.iter().map(i64::to_string).collect();
            if inner.len() == 1 { format!("({},)", inner[0]) } else { format!("({})", inner.join(", ")) }
        };
        let tuples = |xs: &[i64], width: usize| {
            let rows: Vec<String> = xs.chunks(width.max(1)).map(tuple).collect();
            if rows.len() == 1 { format!("({},)", rows[0]) } else { format!("({})", rows.join(", ")) }
        };
        match &self.tracker {
            Tracker::SystemPopulation => v.first().map_or_else(String::new, i64::to_string),
            Tracker::NodeClassMatrix => tuples(v, self.classes),
            Tracker::NaiveBlocking => tuples(v, 2),
            Tracker::MatrixBlocking => {
                let n = self.nodes;
                let mut at = 0;
                let mut rows = Vec::new();
                for _ in 0..n {
                    let mut cells = Vec::new();
                    for _ in 0..n {
                        // `as`: lengths written by the engine, small and >= 0.
                        let len = v[at] as usize;
                        cells.push(tuple(&v[at + 1..at + 1 + len]));
                        at += 1 + len;
                    }
                    rows.push(if cells.len() == 1 {
                        format!("({},)", cells[0])
                    } else {
                        format!("({})", cells.join(", "))
                    });
                }
                let matrix = if rows.len() == 1 {
                    format!("({},)", rows[0])
                } else {
                    format!("({})", rows.join(", "))
                };
                let mut out = String::new();
                let _ = write!(out, "({matrix}, {})", tuple(&v[at..]));
                out
            }
            _ => tuple(v),
        }
    }
}
