//! Reneging (Ciw's `reneging_time_distributions`, `renege` and
//! `next_node_for_jockeying`): a customer draws its patience each time it
//! joins a node where its class reneges (before its service time, even when
//! its service starts at once, as Ciw); while it waits at a node with finite
//! servers a renege event is pending, cancelled when its service starts and
//! scheduled again if preemption sends it back to the queue. When it fires,
//! the customer leaves the queue, a "renege" record is written, it goes to
//! its reneging destination (the exit by default; a node takes it whatever
//! its room, as Ciw), and whoever is blocked waiting for room here is let in.
//!
//! One difference from Ciw 3.2.7: a customer whose service is interrupted
//! after its patience ran out reneges at once; Ciw schedules the renege at
//! the past date, which moves its clock backwards.

use crate::behaviour::QueuedCustomer;
use crate::error::SimError;
use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::customers::NO_EVENT;
use super::event::EventKind;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// `customer` has just joined `node`: draws when it would renege there
    /// (no draw where its class does not renege).
    pub(super) fn draw_patience(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        let c = &self.customers[customer];
        let class = c.class as usize;
        let who = QueuedCustomer { id: c.id, class, arrival: c.arrival };
        let at = match self.reneging[node * self.classes + class].as_mut() {
            Some(patience) => {
                let t = patience.sample_at(self.now, || Some(who), &mut self.rng);
                if t.is_nan() || t < 0.0 {
                    return Err(SimError::InvalidSample { node, class, role: "reneging", value: t });
                }
                self.now + t
            }
            None => f64::INFINITY,
        };
        let extra = self.customers.extra(customer);
        extra.renege_at = at;
        extra.renege_seq = NO_EVENT;
        Ok(())
    }

    /// `customer` waits in a queue: its renege, if any, is pending.
    pub(super) fn schedule_renege(&mut self, customer: u32) {
        let at = self.customers.extra(customer).renege_at;
        if at.is_finite() {
            let seq = self.events.push(at.max(self.now), EventKind::Renege { customer });
            self.customers.extra(customer).renege_seq = seq;
        }
    }

    /// `customer` no longer waits: its pending renege, if any, is stale.
    #[inline]
    pub(super) fn cancel_renege(&mut self, customer: u32) {
        self.customers.extra(customer).renege_seq = NO_EVENT;
    }

    /// The renege event `seq` of `customer`, unless stale.
    #[inline(never)]
    pub(super) fn renege(&mut self, customer: u32, seq: u64) -> Result<(), SimError> {
        if self.customers.extra(customer).renege_seq != seq {
            self.processed -= 1;
            return Ok(());
        }
        // It leaves the queue: neither its renege nor a change of class
        // while waiting is pending any more.
        self.cancel_waiting_events(customer);
        let now = self.now;
        let c = &self.customers[customer];
        let (node, class) = (c.node as usize, c.class as usize);
        // `as`: u32 to usize widens.
        let lane = self.lane_of[class];
        let state = &mut self.nodes[node];
        let found = state.waiting.remove(lane, customer);
        debug_assert!(found, "a pending renege belongs to a waiting customer");
        state.in_node -= 1;
        let c = &self.customers[customer];
        // Ciw writes the destination attribute, cleared since its last node.
        let record = Record {
            waiting_time: now - c.arrival,
            queue_size_at_departure: Some(self.nodes[node].in_node),
            ..self.record_of(customer, node, RecordType::Renege)
        };
        self.records.push(record);
        if let Some(tracking) = &mut self.tracking {
            tracking.release(node, class, self.jockey_to[node * self.classes + class], false);
        }
        match self.jockey_to[node * self.classes + class] {
            Some(to) => self.accept(to, customer)?,
            None => {
                self.left_early += 1;
                self.customers.remove(customer);
            }
        }
        self.let_blocked_in(node)
    }
}
