//! Where a customer goes after service: Ciw's transition-matrix rows, kept
//! sparse in one flat table so that a draw reads a few neighbouring words.

use crate::error::ModelError;
use crate::network::Network;
use crate::random::{RandomSource, running_sums};

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
    /// Per (class, node), class-major: its kept entries in `sums` and `targets`.
    rows: Vec<Row>,
    /// Running sums over whole rows, at the kept entries.
    sums: Vec<f64>,
    /// The destination of each kept entry: a node, or [`EXIT`].
    targets: Vec<u32>,
}

#[derive(Clone, Copy, Debug)]
struct Row {
    start: usize,
    len: usize,
    /// False when the row is all zeros: Ciw sends to the exit without a draw.
    draws: bool,
}

impl Routes {
    /// The routing of a validated `network`.
    pub(crate) fn new(network: &Network) -> Result<Self, ModelError> {
        let nodes = network.nodes.len();
        if nodes >= EXIT as usize {
            return Err(ModelError::TooLarge { what: "nodes", count: nodes, max: EXIT as usize - 1 });
        }
        let mut routes = Self { nodes, rows: Vec::new(), sums: Vec::new(), targets: Vec::new() };
        for class in &network.classes {
            for node in 0..nodes {
                let row = class.routing.get(node).map_or(&[][..], Vec::as_slice);
                routes.add_row(row);
            }
        }
        Ok(routes)
    }

    /// Adds a row; its entries are fewer than [`EXIT`] (checked in `new`).
    fn add_row(&mut self, row: &[f64]) {
        let leave = 1.0 - row.iter().sum::<f64>();
        // Ciw's `random_choice` shortcut on the whole row (an empty row
        // stands for a row of zeros): no draw when only the exit is possible.
        let draws = !(row.iter().all(|&p| p == 0.0) && leave == 1.0);
        let mut probs = row.to_vec();
        probs.push(leave);
        let sums = running_sums(&probs);
        let last = probs.len() - 1;
        let start = self.sums.len();
        for i in (0..probs.len()).filter(|&i| i == 0 || i == last || probs[i] > 0.0) {
            self.sums.push(sums[i]);
            // `as`: `i` is a node, and there are fewer than EXIT nodes.
            self.targets.push(if i < last { i as u32 } else { EXIT });
        }
        let len = self.sums.len() - start;
        self.rows.push(Row { start, len, draws });
    }

    fn row(&self, class: usize, node: usize) -> (&[f64], &[u32], bool) {
        let row = self.rows[class * self.nodes + node];
        let span = row.start..row.start + row.len;
        (&self.sums[span.clone()], &self.targets[span], row.draws)
    }

    /// Draws the next node of a customer of `class` leaving `node`, as Ciw
    /// does; `None` is the exit.
    #[inline(always)]
    pub(crate) fn choose<R: RandomSource>(&self, class: usize, node: usize, rng: &mut R) -> Option<usize> {
        let (sums, targets, draws) = self.row(class, node);
        if !draws {
            return None;
        }
        let target = targets[rng.weighted_index(sums)];
        (target != EXIT).then_some(target as usize)
    }

    /// Whether leaving the network from `node` has positive probability.
    pub(crate) fn leaves(&self, class: usize, node: usize) -> bool {
        let (sums, _, draws) = self.row(class, node);
        let n = sums.len();
        !draws || n == 1 || sums[n - 1] > sums[n - 2]
    }

    /// The nodes reachable from `node` in one step with positive probability.
    pub(crate) fn destinations(&self, class: usize, node: usize) -> impl Iterator<Item = usize> + '_ {
        let (sums, targets, _) = self.row(class, node);
        targets.iter().enumerate().filter_map(move |(k, &t)| {
            let p = if k == 0 { sums[0] } else { sums[k] - sums[k - 1] };
            (t != EXIT && p > 0.0).then_some(t as usize)
        })
    }
}
