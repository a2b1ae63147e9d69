//! What every interruption of a service shares (preemption by priority, a
//! change of shift, a slot too small): its pending end goes stale, an
//! "interrupted service" record is written (with the route drawn first
//! when the customer is rerouted), and a rerouted customer leaves at once.

use crate::error::SimError;
use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::customers::{NO_EVENT, NO_SERVER};
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Interrupts `customer`'s service at `node` (on `server`, `None` at a
    /// slotted node): its service end is stale from now on, and its
    /// "interrupted service" record is written. With `reroute`, its next
    /// node is drawn first (Ciw's `next_node_for_rerouting`) and returned
    /// as a record's destination (-1: the exit).
    pub(super) fn interrupt(
        &mut self,
        node: usize,
        customer: u32,
        server: Option<u32>,
        reroute: bool,
    ) -> Result<Option<i32>, SimError> {
        let c = &mut self.customers[customer];
        c.end_seq = NO_EVENT;
        if !c.service_end().is_finite() && server.is_some() {
            self.nodes[node].endless -= 1;
        }
        let destination = if reroute {
            let class = c.class as usize;
            let to = self.next_node(customer, class, node)?;
            // `as`: validation keeps node numbers within an i32.
            Some(to.map_or(-1, |d| d as i32 + 1))
        } else {
            None
        };
        let c = &self.customers[customer];
        let record = Record {
            waiting_time: c.service_start - c.arrival,
            service_start_date: c.service_start,
            service_time: c.service_time,
            destination,
            server_id: server.map(|s| s + 1),
            ..self.record_of(customer, node, RecordType::InterruptedService)
        };
        self.records.push(record);
        Ok(destination)
    }

    /// `customer`, interrupted at `node`, leaves it at once for `to` (a
    /// record's destination: a node from 1, or -1 for the exit), whatever
    /// room there is, as Ciw's release with `reroute=True`.
    pub(super) fn reroute_interrupted(
        &mut self,
        node: usize,
        customer: u32,
        to: i32,
    ) -> Result<(), SimError> {
        self.nodes[node].in_node -= 1;
        let c = &mut self.customers[customer];
        c.server = NO_SERVER;
        // `as`: a destination is -1 or a node number from 1.
        let next = (to > 0).then(|| to as usize - 1);
        if let Some(tracking) = &mut self.tracking {
            tracking.release(node, c.class as usize, next, false);
        }
        match next {
            None => {
                self.completed += 1;
                self.customers.remove(customer);
                Ok(())
            }
            Some(d) => self.accept(d, customer),
        }
    }
}
