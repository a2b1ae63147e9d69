//! Pure questions about the model asked before a run: can a class reach a
//! node it can never leave, and from which nodes can it leave at all.

use crate::random::RandomSource;

use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// A (class, node) such that the class can reach the node, from its
    /// external arrivals, and can never leave the network from it.
    pub(super) fn trapping_node(&self) -> Option<(usize, usize)> {
        let n = self.nodes.len();
        for class in 0..self.classes {
            let exits = self.exits(class);
            // Nodes reachable from the class's arrivals.
            let mut stack: Vec<usize> =
                (0..n).filter(|&i| self.arrivals[i * self.classes + class].is_some()).collect();
            let mut seen = vec![false; n];
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                if !exits[i] {
                    return Some((class, i));
                }
                stack.extend(self.routes.destinations(class, i));
            }
        }
        None
    }

    /// Per node, whether a customer of `class` there can leave the network
    /// (directly or after more nodes), by fixpoint. Nobody leaves a node
    /// with zero servers.
    pub(super) fn exits(&self, class: usize) -> Vec<bool> {
        let n = self.nodes.len();
        let serves = |i: usize| self.nodes[i].servers != Some(0);
        let mut exits: Vec<bool> = (0..n).map(|i| serves(i) && self.routes.leaves(class, i)).collect();
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..n {
                if !exits[i] && serves(i) && self.routes.destinations(class, i).any(|d| exits[d]) {
                    exits[i] = true;
                    changed = true;
                }
            }
        }
        exits
    }
}
