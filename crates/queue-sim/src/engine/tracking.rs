//! State trackers at run time: the counters Ciw's trackers keep, changed at
//! the moments Ciw changes them (a customer accepted at a node, blocked,
//! released, reneging, changing class while waiting), and the state taken
//! after every event into the [`History`].

use crate::error::SimError;
use crate::random::RandomSource;
use crate::tracker::{History, State, Tracker, TrackerError};

use super::state::Simulation;

/// A tracker's counters during a run.
#[derive(Clone, Debug)]
pub(crate) struct Tracking {
    tracker: Tracker,
    nodes: usize,
    classes: usize,
    /// Per class, its column (Ciw's sorted name order).
    column: Vec<usize>,
    /// Per node, the counter it adds to (`None`: not observed), for the
    /// population trackers.
    slot_of: Vec<Option<usize>>,
    counters: Vec<i64>,
    /// `MatrixBlocking`: per (from, to), the positions of the customers
    /// blocked, and the next position.
    blocked: Vec<Vec<i64>>,
    increment: i64,
    scratch: Vec<i64>,
    /// A counter moved since the last timestamp.
    changed: bool,
    pub(crate) history: History,
    /// After a run until deadlock: per state, the time from its first
    /// visit to the deadlock.
    pub(crate) times_to_deadlock: Vec<(State, f64)>,
}

impl Tracking {
    /// Counters for `tracker` on a network of `nodes` nodes and `classes`
    /// classes whose columns (Ciw's class order) are `column`.
    pub(crate) fn new(tracker: Tracker, nodes: usize, classes: usize, column: Vec<usize>) -> Self {
        let (slot_of, width): (Vec<Option<usize>>, usize) = match &tracker {
            Tracker::SystemPopulation => (vec![Some(0); nodes], 1),
            Tracker::NodePopulation => ((0..nodes).map(Some).collect(), nodes),
            Tracker::NodePopulationSubset(list) => {
                // Ciw's `observed_nodes.index(node)`: the first place listed.
                let slots = (0..nodes).map(|n| list.iter().position(|&m| m == n)).collect();
                (slots, list.len())
            }
            Tracker::GroupedNodePopulation(groups) => {
                let slots = (0..nodes).map(|n| groups.iter().position(|g| g.contains(&n))).collect();
                (slots, groups.len())
            }
            Tracker::NodeClassMatrix => (vec![None; nodes], nodes * classes),
            Tracker::NaiveBlocking => (vec![None; nodes], 2 * nodes),
            Tracker::MatrixBlocking => (vec![None; nodes], nodes),
        };
        let blocked =
            if tracker == Tracker::MatrixBlocking { vec![Vec::new(); nodes * nodes] } else { Vec::new() };
        let mut t = Self {
            history: History::new(tracker.clone(), nodes, classes, State(Vec::new())),
            tracker,
            nodes,
            classes,
            column,
            slot_of,
            counters: vec![0; width],
            blocked,
            increment: 1,
            scratch: Vec::new(),
            changed: false,
            times_to_deadlock: Vec::new(),
        };
        let mut start = Vec::new();
        t.key(&mut start);
        t.history = History::new(t.tracker.clone(), nodes, classes, State(start));
        t
    }

    /// A customer of `class` is accepted at `node`.
    pub(crate) fn accept(&mut self, node: usize, class: usize) {
        self.changed = true;
        match self.tracker {
            Tracker::NodeClassMatrix => self.counters[node * self.classes + self.column[class]] += 1,
            Tracker::NaiveBlocking => self.counters[2 * node] += 1,
            Tracker::MatrixBlocking => self.counters[node] += 1,
            _ => {
                if let Some(slot) = self.slot_of[node] {
                    self.counters[slot] += 1;
                }
            }
        }
    }

    /// A customer at `node` is blocked waiting for room at `to`.
    pub(crate) fn block(&mut self, node: usize, to: usize) {
        self.changed = true;
        match self.tracker {
            Tracker::NaiveBlocking => {
                self.counters[2 * node + 1] += 1;
                self.counters[2 * node] -= 1;
            }
            Tracker::MatrixBlocking => {
                self.blocked[node * self.nodes + to].push(self.increment);
                self.increment += 1;
            }
            _ => {}
        }
    }

    /// A customer of `class` leaves `node` (for `to`, `None`: the exit),
    /// `blocked` if it was.
    pub(crate) fn release(&mut self, node: usize, class: usize, to: Option<usize>, blocked: bool) {
        self.changed = true;
        match self.tracker {
            Tracker::NodeClassMatrix => self.counters[node * self.classes + self.column[class]] -= 1,
            Tracker::NaiveBlocking => self.counters[2 * node + usize::from(blocked)] -= 1,
            Tracker::MatrixBlocking => {
                self.counters[node] -= 1;
                if blocked {
                    self.increment -= 1;
                    // Blocked customers always wait for a node.
                    let to = to.unwrap_or(node);
                    let cell = &mut self.blocked[node * self.nodes + to];
                    if !cell.is_empty() {
                        let position = cell.remove(0);
                        for cell in &mut self.blocked {
                            for p in cell.iter_mut() {
                                if *p > position {
                                    *p -= 1;
                                }
                            }
                        }
                    }
                }
            }
            _ => {
                if let Some(slot) = self.slot_of[node] {
                    self.counters[slot] -= 1;
                }
            }
        }
    }

    /// A customer at `node` changes class from `from` to `to` while waiting.
    pub(crate) fn class_change(&mut self, node: usize, from: usize, to: usize) {
        self.changed = true;
        if self.tracker == Tracker::NodeClassMatrix {
            self.counters[node * self.classes + self.column[from]] -= 1;
            self.counters[node * self.classes + self.column[to]] += 1;
        }
    }

    /// The state now, flattened into `out`.
    fn key(&self, out: &mut Vec<i64>) {
        out.clear();
        if self.tracker == Tracker::MatrixBlocking {
            for cell in &self.blocked {
                // `as`: a count of customers.
                out.push(cell.len() as i64);
                out.extend_from_slice(cell);
            }
        }
        out.extend_from_slice(&self.counters);
    }

    /// The state now.
    pub(crate) fn state(&self) -> State {
        let mut out = Vec::new();
        self.key(&mut out);
        State(out)
    }

    /// After an event at `time`: the state joins the history if it changed
    /// (Ciw's `timestamp`).
    pub(crate) fn timestamp(&mut self, time: f64) {
        // Nothing moved: the state is the last one the history holds.
        if !std::mem::take(&mut self.changed) {
            return;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        self.key(&mut scratch);
        self.history.record(time, &scratch);
        self.scratch = scratch;
    }
}

impl<R: RandomSource> Simulation<R> {
    /// The simulation with a state tracker (Ciw's `tracker=`), from time 0.
    ///
    /// ```
    /// use queue_sim::{Network, Simulation, Tracker};
    /// let mut sim = Simulation::new(&Network::mmc(1.0, 2.0, 1), 3)?.with_tracker(Tracker::SystemPopulation)?;
    /// sim.run_until(1000.0)?;
    /// let p = sim.state_probabilities(0.0, 1000.0)?;
    /// let empty = p.iter().find(|(s, _)| sim.history().unwrap().display(s) == "0").unwrap().1;
    /// assert!((empty - 0.5).abs() < 0.05); // M/M/1 with rho = 1/2
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_tracker(mut self, tracker: Tracker) -> Result<Self, SimError> {
        tracker.check(self.nodes.len()).map_err(SimError::Tracker)?;
        if self.processed > 0 {
            return Err(SimError::Tracker(TrackerError::Started(self.now)));
        }
        let column = self.rare.class_rank.iter().map(|&r| r as usize).collect();
        self.tracking = Some(Box::new(Tracking::new(tracker, self.nodes.len(), self.classes, column)));
        // Tracking watches every join: the short paths do not report them.
        self.plain = false;
        Ok(self)
    }

    /// The tracker's history, if the simulation has one.
    pub fn history(&self) -> Option<&History> {
        self.tracking.as_ref().map(|t| &t.history)
    }

    /// The share of `[start, end)` spent in each state (Ciw's
    /// `state_probabilities(observation_period=(start, end))`); see
    /// [`History::state_probabilities`]. An error without a tracker.
    pub fn state_probabilities(&self, start: f64, end: f64) -> Result<Vec<(State, f64)>, SimError> {
        let history = self.history().ok_or(SimError::NoTracker)?;
        history.state_probabilities(start, end).map_err(SimError::Tracker)
    }
}

impl From<TrackerError> for SimError {
    fn from(e: TrackerError) -> Self {
        SimError::Tracker(e)
    }
}
