//! Class change after service (Ciw's `class_change_matrices` and
//! `change_customer_class`): at a node with a table, a customer's next class
//! is drawn when its service ends, before its route, with Ciw's
//! `random_choice` over the class names in sorted order.

use crate::network::Network;
use crate::random::{RandomSource, running_sums};

/// One class's draw of its next class at one node.
#[derive(Clone, Debug)]
pub(crate) struct ClassTable {
    /// Running sums of the probabilities, in sorted-name order.
    sums: Vec<f64>,
    /// The class (model index) at each place of that order.
    targets: Vec<u32>,
    /// Every probability but the last is 0 and the last is 1: Ciw's
    /// `random_choice` takes no random number.
    certain: bool,
}

impl ClassTable {
    /// The classes it can give (positive probability).
    pub(crate) fn possible(&self) -> impl Iterator<Item = u32> + '_ {
        self.sums.iter().enumerate().filter_map(move |(i, &sum)| {
            let p = if i == 0 { sum } else { sum - self.sums[i - 1] };
            (p > 0.0).then_some(self.targets[i])
        })
    }

    /// The next class.
    pub(crate) fn choose<R: RandomSource>(&self, rng: &mut R) -> u32 {
        if self.certain {
            self.targets[self.targets.len() - 1]
        } else {
            self.targets[rng.weighted_index(&self.sums)]
        }
    }
}

/// Per (node, class), node-major, the class-change draw after service; empty
/// when no class changes anywhere. At a node where some class has a table,
/// every class has one (a class without one keeps its class, with the draw
/// Ciw makes for an identity row). Validation has made class names unique.
pub(crate) fn tables(network: &Network) -> Vec<Option<ClassTable>> {
    let changes_at =
        |node: usize| network.classes.iter().any(|c| c.nodes[node].class_after_service.is_some());
    if !(0..network.nodes.len()).any(changes_at) {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..network.classes.len()).collect();
    order.sort_by(|&a, &b| network.classes[a].name.cmp(&network.classes[b].name));
    // `as`: validation keeps classes within a u32.
    let targets: Vec<u32> = order.iter().map(|&k| k as u32).collect();
    let mut tables = Vec::with_capacity(network.nodes.len() * network.classes.len());
    for node in 0..network.nodes.len() {
        for (class, c) in network.classes.iter().enumerate() {
            if !changes_at(node) {
                tables.push(None);
                continue;
            }
            let probs: Vec<f64> = match &c.nodes[node].class_after_service {
                Some(table) => order
                    .iter()
                    .map(|&k| table.get(&network.classes[k].name).copied().unwrap_or(0.0))
                    .collect(),
                None => order.iter().map(|&k| if k == class { 1.0 } else { 0.0 }).collect(),
            };
            let certain = crate::distribution::certain_last(&probs);
            tables.push(Some(ClassTable { sums: running_sums(&probs), targets: targets.clone(), certain }));
        }
    }
    tables
}
