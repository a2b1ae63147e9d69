//! Pure questions about the model asked before a run: can a customer reach
//! a node it can never leave, and from which nodes can it leave at all.
//! A customer is a (class, node) pair here: class changes after service and
//! while waiting move it between classes, so a class may be trapped only by
//! way of another.

use crate::random::RandomSource;

use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// A (class, node) such that a customer arriving from outside can get
    /// there (its class possibly changed on the way) and can never leave the
    /// network from it.
    pub(super) fn trapping_node(&self) -> Option<(usize, usize)> {
        let can_exit = self.can_exit();
        let (n, k) = (self.nodes.len(), self.classes);
        // Pairs reachable from the arrivals, class-major like `can_exit`.
        let mut stack: Vec<(usize, usize)> = (0..k)
            .flat_map(|class| (0..n).map(move |node| (class, node)))
            .filter(|&(class, node)| self.arrivals[node * k + class].is_some())
            .collect();
        let mut seen = vec![false; n * k];
        while let Some((class, node)) = stack.pop() {
            if std::mem::replace(&mut seen[class * n + node], true) {
                continue;
            }
            if !can_exit[class * n + node] {
                return Some((class, node));
            }
            stack.extend(self.moves(class, node));
        }
        None
    }

    /// Per node, whether a customer of `class` there can leave the network
    /// (directly or after more nodes and class changes).
    pub(super) fn exits(&self, class: usize) -> Vec<bool> {
        let n = self.nodes.len();
        self.can_exit()[class * n..(class + 1) * n].to_vec()
    }

    /// Per (class, node), class-major: whether a customer there can leave
    /// the network, by fixpoint. Nobody leaves a node with zero servers.
    fn can_exit(&self) -> Vec<bool> {
        let (n, k) = (self.nodes.len(), self.classes);
        let mut exits: Vec<bool> = (0..k)
            .flat_map(|class| (0..n).map(move |node| (class, node)))
            .map(|(class, node)| {
                self.serves(node) && self.after(class, node).any(|c| self.routes.leaves(c, node))
            })
            .collect();
        let mut changed = true;
        while changed {
            changed = false;
            for class in 0..k {
                for node in 0..n {
                    if !exits[class * n + node] && self.moves(class, node).any(|(c, j)| exits[c * n + j]) {
                        exits[class * n + node] = true;
                        changed = true;
                    }
                }
            }
        }
        exits
    }

    /// Whether anyone is ever served at `node`.
    fn serves(&self, node: usize) -> bool {
        let state = &self.nodes[node];
        if let Some(shared) = &state.shared {
            return shared.serves();
        }
        state.servers != Some(0)
            || state.shifts.as_ref().is_some_and(|s| s.ever_serves())
            || state.slots.as_ref().is_some_and(|(s, _)| s.ever_serves())
    }

    /// The classes a customer of `class` can have after its service at
    /// `node` (its own, unless a class-change table there says otherwise).
    fn after(&self, class: usize, node: usize) -> Box<dyn Iterator<Item = usize> + '_> {
        match self.class_change.get(node * self.classes + class).and_then(Option::as_ref) {
            // `as`: u32 to usize widens.
            Some(table) => Box::new(table.possible().map(|c| c as usize)),
            None => Box::new(std::iter::once(class)),
        }
    }

    /// Where a customer of `class` at `node` can go next: after service, to
    /// the destinations of each class it can then have; while waiting, to
    /// each class it can change to there.
    fn moves(&self, class: usize, node: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let served = self.serves(node).then(|| {
            self.after(class, node).flat_map(move |c| self.routes.destinations(c, node).map(move |j| (c, j)))
        });
        // `as`: u32 to usize widens.
        let waiting =
            self.waiting_changes.get(class).into_iter().flatten().map(move |&(c, _)| (c as usize, node));
        served.into_iter().flatten().chain(waiting)
    }
}
