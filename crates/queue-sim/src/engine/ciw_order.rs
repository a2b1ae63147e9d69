//! Records in the order Ciw's `get_all_records()` lists them: customer by
//! customer, first those still in the network (node by node, each node's
//! customers in Ciw's list order: by priority, then in the order they took
//! their place), then those who left, in the order they left; each
//! customer's records in the order they were written. Summing over records
//! in this order adds as Ciw's users' sums add, to the last bit.

use std::collections::HashMap;

use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::node::NOBODY;
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
        self.ciw_record_order(only).into_iter().map(|i| self.records[i].clone()).collect()
    }

    /// The mean waiting time over the service records so far, summed in
    /// Ciw's `get_all_records()` order as Ciw's users compute it
    /// (`sum(waits) / len(waits)`), so equal to theirs to the last bit; NaN
    /// with no service record. The same as
    /// [`mean_wait`](crate::mean_wait)`(&sim.records_in_ciw_order(None))`,
    /// without the copy, and without the sort when the order events
    /// happened is already Ciw's (every customer with at most one record,
    /// none of them still in the network: one node without interruptions,
    /// for example).
    ///
    /// ```
    /// use queue_sim::{mean_wait, Network, Simulation};
    /// let mut sim = Simulation::ciw(&Network::ring(3, 0.5, 0.4, 2, 0.5), 1)?;
    /// sim.run_until(200.0)?;
    /// let mean = sim.mean_wait_in_ciw_order();
    /// assert_eq!(mean.to_bits(), mean_wait(&sim.records_in_ciw_order(None)).to_bits());
    /// # Ok::<(), queue_sim::SimError>(())
    /// ```
    pub fn mean_wait_in_ciw_order(&self) -> f64 {
        if self.written_in_ciw_order() {
            return crate::record::mean_wait(&self.records);
        }
        let (mut sum, mut n) = (0.0, 0usize);
        for i in self.ciw_record_order(Some(&[RecordType::Service])) {
            sum += self.records[i].waiting_time;
            n += 1;
        }
        // `as`: a count of records is far below 2^53.
        if n == 0 { f64::NAN } else { sum / n as f64 }
    }

    /// Whether the records were written in Ciw's order: no customer has two
    /// of them and none has one while still in the network (then Ciw lists
    /// them in the order their customers left, which is the order written).
    fn written_in_ciw_order(&self) -> bool {
        // One bit per customer id (ids count arrivals from 1).
        let Some(words) = usize::try_from(self.arrived / 64).ok().and_then(|w| w.checked_add(1)) else {
            return false;
        };
        let mut seen = vec![0u64; words];
        let bit =
            |id: u64| usize::try_from(id / 64).ok().filter(|&w| w < words).map(|w| (w, 1u64 << (id % 64)));
        for r in &self.records {
            let Some((w, b)) = bit(r.id_number) else { return false };
            if seen[w] & b != 0 {
                return false;
            }
            seen[w] |= b;
        }
        self.customers.live().all(|slot| bit(self.customers[slot].id).is_some_and(|(w, b)| seen[w] & b == 0))
    }

    /// Indices of the records (of the types in `only`, all when `None`) in
    /// Ciw's `get_all_records()` order.
    fn ciw_record_order(&self, only: Option<&[RecordType]>) -> Vec<usize> {
        let present = self.present_in_ciw_order();
        let mut rank: HashMap<u64, usize> = present.iter().enumerate().map(|(i, &(id, _))| (id, i)).collect();
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
        order
    }

    /// The customers in the network now, as (id, slot), in Ciw's list
    /// order: node by node, by priority, then in the order they took their
    /// place (where the engine counts places in lists, in models with
    /// Ciw's ties, reneging or changes of class, that order; otherwise the
    /// time of joining, then the id).
    fn present_in_ciw_order(&self) -> Vec<(u64, u32)> {
        let mut present: Vec<(u32, u32, f64, u64, u64, u32)> = self
            .customers
            .live()
            .map(|slot| {
                let c = &self.customers[slot];
                let listed = self.customers.list_order(slot);
                // `as`: u32 to usize widens.
                (c.node, self.lane_of[c.class as usize], self.customers.listed_at(slot), listed, c.id, slot)
            })
            .collect();
        if self.customers.keeps_extra() {
            // The engine counts places taken in lists: Ciw's order exactly,
            // even among customers who joined at one instant.
            present.sort_by_key(|p| (p.0, p.1, p.3));
        } else {
            present.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)).then(a.4.cmp(&b.4)));
        }
        present.into_iter().map(|p| (p.4, p.5)).collect()
    }

    /// Every customer that has arrived, with its records, in the order
    /// Ciw's `get_all_individuals()` lists them: those still in the network
    /// (with the node they are at, even if they have no record yet), then
    /// those who left, in the order they left.
    ///
    /// ```
    /// use queue_sim::{Network, Simulation};
    /// let mut sim = Simulation::ciw(&Network::mmc(0.2, 0.1, 3), 0)?;
    /// sim.run_until(1000.0)?;
    /// let people = sim.individuals();
    /// assert_eq!(people.iter().map(|p| p.records.len()).sum::<usize>(), sim.records().len());
    /// assert!(people.iter().all(|p| p.records.iter().all(|r| r.id_number == p.id)));
    /// # Ok::<(), queue_sim::SimError>(())
    /// ```
    pub fn individuals(&self) -> Vec<Individual> {
        let mut records: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, r) in self.records.iter().enumerate() {
            records.entry(r.id_number).or_default().push(i);
        }
        let take = |records: &mut HashMap<u64, Vec<usize>>, id: u64| -> Vec<Record> {
            records.remove(&id).unwrap_or_default().into_iter().map(|i| self.records[i].clone()).collect()
        };
        let mut out = Vec::new();
        for (id, slot) in self.present_in_ciw_order() {
            let c = &self.customers[slot];
            // `as`: u32 to usize widens.
            out.push(Individual {
                id,
                class: c.class as usize,
                node: Some(c.node as usize),
                records: take(&mut records, id),
            });
        }
        let mut gone: Vec<(usize, u64)> = records.iter().map(|(&id, at)| (at[at.len() - 1], id)).collect();
        gone.sort_unstable();
        for (_, id) in gone {
            let records = take(&mut records, id);
            // `as`: u32 to usize widens.
            let class = records.last().map_or(0, |r| r.customer_class as usize);
            out.push(Individual { id, class, node: None, records });
        }
        out
    }
}

impl<R: RandomSource> Simulation<R> {
    /// The servers of `node` now (Ciw's `node.servers`), in Ciw's list
    /// order (by id); empty for infinite servers, processor sharing and
    /// slots, which have none. A node of more than 2^20 servers lists only
    /// those it has used.
    ///
    /// ```
    /// use queue_sim::{Network, Simulation};
    /// let mut sim = Simulation::ciw(&Network::mmc(0.2, 0.1, 3), 1)?;
    /// sim.run_until(1000.0)?;
    /// let servers = sim.servers(0);
    /// assert_eq!(servers.len(), 3);
    /// let busy: f64 = servers.iter().map(|s| s.busy_time).sum();
    /// let total: f64 = servers.iter().map(|s| s.total_time).sum();
    /// assert!((busy / total - sim.utilisation()[0].unwrap()).abs() < 1e-12);
    /// # Ok::<(), queue_sim::SimError>(())
    /// ```
    pub fn servers(&self, node: usize) -> Vec<ServerStats> {
        let Some(state) = self.nodes.get(node) else { return Vec::new() };
        let now = self.now;
        let stats = |id: u32, since: f64, off_duty: bool| {
            let busy_time = state.times.busy_up_to_one(id, now);
            let total_time = now - since;
            let busy = state.holder(id) != NOBODY || state.times.serving(id);
            ServerStats {
                id: id + 1,
                start_date: since,
                busy_time,
                total_time,
                utilisation: busy_time / total_time,
                busy,
                off_duty,
            }
        };
        if let Some(shifts) = &state.shifts {
            return shifts.present().map(|(id, since, off)| stats(id, since, off)).collect();
        }
        if state.slots.is_some() || state.shared.is_some() {
            return Vec::new();
        }
        let Some(c) = state.servers else { return Vec::new() };
        let listed = if c <= 1 << 20 { c } else { state.times.used() };
        (0..listed).map(|id| stats(id, 0.0, false)).collect()
    }
}

/// A customer and its records ([`Simulation::individuals`], Ciw's
/// `Individual` with its `data_records`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Individual {
    /// Its id (Ciw's `id_number`).
    pub id: u64,
    /// Its class now (from 0), or when it left.
    pub class: usize,
    /// The node it is at (from 0); `None` once it has left.
    pub node: Option<usize>,
    /// Its records, in the order they were written.
    pub records: Vec<Record>,
}

/// One server of a node as Ciw's `Server` reports it after a run
/// ([`Simulation::servers`]), its times up to the clock.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ServerStats {
    /// Its id (from 1, as records' `server_id`).
    pub id: u32,
    /// When it came on duty (0 without a schedule).
    pub start_date: f64,
    /// Time spent serving, its service under way counted up to the clock
    /// (Ciw's `busy_time` after `wrap_up_servers`).
    pub busy_time: f64,
    /// Time since it came on duty (Ciw's `total_time`).
    pub total_time: f64,
    /// Busy time over total time (NaN before any time has passed).
    pub utilisation: f64,
    /// Whether it holds a customer now (serving, or blocked after service).
    pub busy: bool,
    /// Whether its shift has ended and it is finishing its last customer.
    pub off_duty: bool,
}
