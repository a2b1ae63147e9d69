//! Where a customer goes after service: Ciw's routers. Probabilistic rows
//! (a transition matrix's rows, or `Probabilistic` routers) are kept sparse
//! in one flat table so that a draw reads a few neighbouring words; the
//! other routers (direct, join the shortest queue, load balancing, cycle,
//! user routers) are rows of the same table with their own rule.

use crate::behaviour::QueuedCustomer;
use crate::error::{ModelError, SimError};
use crate::network::Network;
use crate::random::{RandomSource, running_sums};
use crate::routers::{CustomRouter, Destination, NetworkState, Router, Routing, TieBreak};

use super::node::NodeState;

/// Marks the exit among the targets.
const EXIT: u32 = u32::MAX;

/// Routing out of every node for every class.
///
/// Ciw walks the running sums of a whole row, with the remainder of the row
/// (the exit) as a last entry. An entry of probability 0 has the running sum
/// of the entry before it, so the walk can only stop on it when it is the
/// first entry (and the draw is exactly 0). Keeping the first entry, the
/// entries with positive probability and the exit therefore finds the same
/// destination as the full walk, reading only the kept entries.
#[derive(Clone, Debug)]
pub(crate) struct Routes {
    nodes: usize,
    /// Per (class, node), class-major: its entries in `sums` and `targets`
    /// and its rule.
    rows: Vec<Row>,
    /// Running sums over whole probabilistic rows, at the kept entries.
    sums: Vec<f64>,
    /// The destination of each entry: a node, or [`EXIT`].
    targets: Vec<u32>,
    /// Per row, the place a cycle is at (0 for other rows).
    cycle_at: Vec<u32>,
    /// User routers, by the index their rows hold.
    custom: Vec<CustomRouter>,
}

#[derive(Clone, Copy, Debug)]
struct Row {
    start: usize,
    len: usize,
    kind: Kind,
}

/// A row's rule.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Probabilistic. `draws` is false when only the exit is possible
    /// (Ciw's `random_choice` shortcut: no draw).
    Table { draws: bool },
    /// Always the one target.
    Direct,
    /// The target with the fewest waiting (`present`: the fewest present,
    /// load balancing); ties at random (one draw) or in order.
    Shortest { present: bool, random: bool },
    /// The targets in turn.
    Cycle,
    /// A user router.
    Custom(u32),
    /// Process-based: the customer's own route (handled by the engine).
    Process,
}

impl Routes {
    /// The routing of a validated `network`.
    pub(crate) fn new(network: &Network) -> Result<Self, ModelError> {
        let nodes = network.nodes.len();
        if nodes >= EXIT as usize {
            return Err(ModelError::TooLarge { what: "nodes", count: nodes, max: EXIT as usize - 1 });
        }
        let mut routes = Self {
            nodes,
            rows: Vec::new(),
            sums: Vec::new(),
            targets: Vec::new(),
            cycle_at: Vec::new(),
            custom: Vec::new(),
        };
        // `as` below: node numbers are below EXIT (checked above), and
        // validation keeps router destinations within the network.
        let all: Vec<u32> = (0..nodes as u32).collect();
        for class in &network.classes {
            for node in 0..nodes {
                match &class.routing {
                    Routing::Matrix(m) => {
                        let row = m.get(node).map_or(&[][..], Vec::as_slice);
                        // An empty matrix stands for rows of zeros.
                        routes.add_probabilistic(&all[..row.len()], row, true);
                    }
                    Routing::Routers(routers) => routes.add_router(&routers[node]),
                    // Chosen per customer in `engine/process.rs`; for the
                    // model checks, a rule that could go anywhere.
                    Routing::Process(_) => routes.rows.push(Row { start: 0, len: 0, kind: Kind::Process }),
                }
            }
        }
        routes.cycle_at = vec![0; routes.rows.len()];
        Ok(routes)
    }

    /// Adds a probabilistic row: `probs` to `targets`, the rest to the
    /// exit. `zeros_draw_nothing`: an empty row is a row of zeros (a
    /// matrix); a `Probabilistic` router with no destinations has only the
    /// exit, and Ciw still draws for it.
    fn add_probabilistic(&mut self, targets: &[u32], probs: &[f64], zeros_draw_nothing: bool) {
        let leave = 1.0 - probs.iter().sum::<f64>();
        // Ciw's `random_choice` shortcut: no draw when every entry but the
        // exit is 0 and the exit is 1.
        let certain_exit = probs.iter().all(|&p| p == 0.0) && leave == 1.0;
        let draws = !(certain_exit && (zeros_draw_nothing || !probs.is_empty()));
        let mut all = probs.to_vec();
        all.push(leave);
        let sums = running_sums(&all);
        let last = all.len() - 1;
        let start = self.sums.len();
        for i in (0..all.len()).filter(|&i| i == 0 || i == last || all[i] > 0.0) {
            self.sums.push(sums[i]);
            self.targets.push(if i < last { targets[i] } else { EXIT });
        }
        let len = self.sums.len() - start;
        self.rows.push(Row { start, len, kind: Kind::Table { draws } });
    }

    /// Adds a row for `router`.
    fn add_router(&mut self, router: &Router) {
        let to = |nodes: &[usize]| nodes.iter().map(|&n| n as u32).collect::<Vec<u32>>();
        let (kind, targets) = match router {
            Router::Probabilistic { destinations, probs } => {
                return self.add_probabilistic(&to(destinations), probs, false);
            }
            Router::Leave | Router::Direct { to: Destination::Exit } => {
                return self.add_probabilistic(&[], &[], true);
            }
            Router::Direct { to: Destination::Node(n) } => (Kind::Direct, vec![*n as u32]),
            Router::JoinShortestQueue { destinations, tie_break } => {
                (Kind::Shortest { present: false, random: *tie_break == TieBreak::Random }, to(destinations))
            }
            Router::LoadBalancing { destinations, tie_break } => {
                (Kind::Shortest { present: true, random: *tie_break == TieBreak::Random }, to(destinations))
            }
            Router::Cycle { cycle } => (Kind::Cycle, to(cycle)),
            Router::Custom(f) => {
                self.custom.push(f.clone());
                (Kind::Custom(self.custom.len() as u32 - 1), Vec::new())
            }
        };
        let start = self.targets.len();
        self.sums.extend(targets.iter().map(|_| 0.0));
        self.targets.extend(targets);
        self.rows.push(Row { start, len: self.targets.len() - start, kind });
    }

    fn row(&self, class: usize, node: usize) -> (Row, &[f64], &[u32]) {
        let row = self.rows[class * self.nodes + node];
        let span = row.start..row.start + row.len;
        (row, &self.sums[span.clone()], &self.targets[span])
    }

    /// The next node of the customer `who` gives (its number and when it joined) of
    /// `class` leaving `node`, as Ciw's router draws it; `None` is the
    /// exit. `nodes` are the nodes' states (for queue lengths), `now` the
    /// time.
    #[inline(always)]
    pub(crate) fn choose<R: RandomSource>(
        &mut self,
        class: usize,
        node: usize,
        rng: &mut R,
        nodes: &[NodeState],
        who: impl FnOnce() -> (u64, f64),
        now: f64,
    ) -> Result<Option<usize>, SimError> {
        let index = class * self.nodes + node;
        let row = self.rows[index];
        if let Kind::Table { draws } = row.kind {
            if !draws {
                return Ok(None);
            }
            let span = row.start..row.start + row.len;
            let target = self.targets[span.clone()][rng.weighted_index(&self.sums[span])];
            return Ok((target != EXIT).then_some(target as usize));
        }
        self.choose_by_rule(index, class, node, rng, nodes, who(), now)
    }

    /// [`Routes::choose`] for the routers other than probabilistic ones.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn choose_by_rule<R: RandomSource>(
        &mut self,
        index: usize,
        class: usize,
        node: usize,
        rng: &mut R,
        nodes: &[NodeState],
        who: (u64, f64),
        now: f64,
    ) -> Result<Option<usize>, SimError> {
        let row = self.rows[index];
        let targets = &self.targets[row.start..row.start + row.len];
        let chosen = match row.kind {
            Kind::Table { .. } => unreachable!("probabilistic rows are chosen in `choose`"),
            Kind::Process => unreachable!("process-based routes are followed by the engine"),
            Kind::Direct => targets[0],
            Kind::Shortest { present, random } => {
                let size = |t: u32| {
                    let n = &nodes[t as usize];
                    if present { n.in_node } else { n.waiting.len() }
                };
                let least = targets.iter().map(|&t| size(t)).min().unwrap_or(0);
                let ties = targets.iter().filter(|&&t| size(t) == least).count();
                // Ciw's `random_choice(shortest)` draws even for one.
                let k = if random { rng.index(ties) } else { 0 };
                targets.iter().copied().filter(|&t| size(t) == least).nth(k).unwrap_or(targets[0])
            }
            Kind::Cycle => {
                let at = &mut self.cycle_at[index];
                let t = targets[*at as usize];
                *at = (*at + 1) % row.len as u32;
                t
            }
            Kind::Custom(f) => {
                let present = |n: usize| nodes[n].in_node;
                let waiting = |n: usize| nodes[n].waiting.len();
                let state = NetworkState { now, present: &present, waiting: &waiting, nodes: nodes.len() };
                let customer = QueuedCustomer { id: who.0, class, arrival: who.1 };
                match self.custom[f as usize].0.next(&customer, node, &state, rng) {
                    Destination::Exit => EXIT,
                    Destination::Node(to) if to < nodes.len() => to as u32,
                    Destination::Node(to) => {
                        return Err(SimError::InvalidRoute {
                            node,
                            class,
                            to,
                            nodes: nodes.len(),
                            time: now,
                        });
                    }
                }
            }
        };
        Ok((chosen != EXIT).then_some(chosen as usize))
    }

    /// Whether leaving the network from `node` has positive probability (a
    /// user router might always leave, as far as anyone can tell).
    pub(crate) fn leaves(&self, class: usize, node: usize) -> bool {
        let (row, sums, _) = self.row(class, node);
        match row.kind {
            Kind::Table { draws } => {
                let n = sums.len();
                !draws || n == 1 || sums[n - 1] > sums[n - 2]
            }
            Kind::Custom(_) | Kind::Process => true,
            Kind::Direct | Kind::Shortest { .. } | Kind::Cycle => false,
        }
    }

    /// The nodes reachable from `node` in one step with positive
    /// probability (every node, for a user router).
    pub(crate) fn destinations(&self, class: usize, node: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        let (row, sums, targets) = self.row(class, node);
        match row.kind {
            Kind::Table { .. } => Box::new(targets.iter().enumerate().filter_map(move |(k, &t)| {
                let p = if k == 0 { sums[0] } else { sums[k] - sums[k - 1] };
                (t != EXIT && p > 0.0).then_some(t as usize)
            })),
            Kind::Custom(_) | Kind::Process => Box::new(0..self.nodes),
            Kind::Direct | Kind::Shortest { .. } | Kind::Cycle => {
                Box::new(targets.iter().map(|&t| t as usize))
            }
        }
    }
}
