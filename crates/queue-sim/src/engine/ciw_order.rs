//! Records in the order Ciw's `get_all_records()` lists them: customer by
//! customer, first those still in the network (node by node, each node's
//! customers in Ciw's list order: by priority, then in the order they took
//! their place), then those who left, in the order they left; each
//! customer's records in the order they were written. Summing over records
//! in this order adds as Ciw's users' sums add, to the last bit.

use std::collections::HashMap;

use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// The records so far in Ciw's `get_all_records()` order, keeping only
    /// the record types in `only` (all of them when `None`), as Ciw's
    /// `get_all_records(only=...)`.
    ///
    /// ```
    /// use queue_sim::{Network, RecordType, Simulation};
    /// let mut sim = Simulation::ciw(&Network::mmc(0.2, 0.1, 3), 0)?;
    /// sim.run_until(1000.0)?;
    /// let services = sim.records_in_ciw_order(Some(&[RecordType::Service]));
    /// // One node: the order services end is Ciw's order.
    /// assert_eq!(services, sim.records());
    /// # Ok::<(), queue_sim::SimError>(())
    /// ```
    pub fn records_in_ciw_order(&self, only: Option<&[RecordType]>) -> Vec<Record> {
        // Customers still in the network, in Ciw's list order.
        // Where the engine counts places in lists (models with Ciw's ties),
        // that order; otherwise the time of joining, then the id.
        let mut present: Vec<(u32, u32, f64, u64, u64)> = self
            .customers
            .live()
            .map(|slot| {
                let c = &self.customers[slot];
                let listed = self.customers.list_order(slot);
                // `as`: u32 to usize widens.
                (c.node, self.lane_of[c.class as usize], self.customers.listed_at(slot), listed, c.id)
            })
            .collect();
        if self.ties {
            present.sort_by_key(|p| (p.0, p.1, p.3));
        } else {
            present.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)).then(a.4.cmp(&b.4)));
        }
        let mut rank: HashMap<u64, usize> = present.iter().enumerate().map(|(i, p)| (p.4, i)).collect();
        // Those who left: after them, in the order of their last records.
        let first_gone = present.len();
        for (i, r) in self.records.iter().enumerate().rev() {
            rank.entry(r.id_number).or_insert(first_gone + (self.records.len() - i));
        }
        // Ranks of the departed were given backwards: turn them round.
        let top = first_gone + self.records.len() + 1;
        let key = |id: u64| {
            let r = rank[&id];
            if r < first_gone { r } else { top - (r - first_gone) }
        };
        let mut order: Vec<usize> = (0..self.records.len())
            .filter(|&i| only.is_none_or(|only| only.contains(&self.records[i].record_type)))
            .collect();
        order.sort_by_key(|&i| key(self.records[i].id_number));
        order.into_iter().map(|i| self.records[i].clone()).collect()
    }
}
