//! Class change while waiting (Ciw's `class_change_time_distributions`,
//! `decide_class_change` and `change_customer_class_while_waiting`): once
//! any class has such changes, every join of every node draws, for the
//! customer's class, each change's time in the order of the sorted class
//! names (after the patience draw, before the service time, as Ciw); the
//! soonest is pending while the customer waits at a node with finite
//! servers and cancelled when its service starts. When it fires, the
//! customer takes its new class (records report it), moves to the back of
//! its new priority's queue if the priority changed, may then preempt, and
//! draws its next change.

use crate::error::SimError;
use crate::random::RandomSource;

use super::customers::NO_EVENT;
use super::discipline::Chosen;
use super::event::EventKind;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Draws when `customer`, at `node`, would change class while waiting,
    /// and to which class (Ciw's `decide_class_change`).
    pub(super) fn draw_class_change(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        let class = self.customers[customer].class as usize;
        let (mut at, mut to) = (f64::INFINITY, class as u32);
        for (target, sampler) in &mut self.waiting_changes[class] {
            let t = sampler.sample(&mut self.rng);
            if t.is_nan() || t < 0.0 {
                return Err(SimError::InvalidSample {
                    node,
                    class,
                    role: "class_change_while_waiting",
                    value: t,
                });
            }
            if t < at {
                (at, to) = (t, *target);
            }
        }
        let extra = self.customers.extra(customer);
        extra.change_at = self.now + at;
        extra.change_to = to;
        extra.change_seq = NO_EVENT;
        Ok(())
    }

    /// `customer` waits in a queue: its change of class, if any, is pending.
    pub(super) fn schedule_class_change(&mut self, customer: u32) {
        let at = self.customers.extra(customer).change_at;
        if at.is_finite() {
            let seq = self.events.push(at.max(self.now), EventKind::ClassChange { customer });
            self.customers.extra(customer).change_seq = seq;
        }
    }

    /// `customer` no longer waits: its pending change, if any, is stale.
    #[inline]
    pub(super) fn cancel_class_change(&mut self, customer: u32) {
        self.customers.extra(customer).change_seq = NO_EVENT;
    }

    /// The change-of-class event `seq` of `customer`, unless stale.
    #[inline(never)]
    pub(super) fn change_class_while_waiting(&mut self, customer: u32, seq: u64) -> Result<(), SimError> {
        let extra = *self.customers.extra(customer);
        if extra.change_seq != seq {
            self.processed -= 1;
            return Ok(());
        }
        self.cancel_class_change(customer);
        let c = &self.customers[customer];
        // `as`: u32 to usize widens.
        let (node, old, from) = (c.node as usize, self.lane_of[c.class as usize], c.class as usize);
        self.customers.change_class_while_waiting(customer, extra.change_to);
        let new = self.lane_of[extra.change_to as usize];
        if new != old {
            let state = &mut self.nodes[node];
            state.waiting.remove(old, customer);
            state.waiting.push_back(new, customer);
            self.customers.requeued(customer, self.now);
            if self.preemptive {
                let place = self.nodes[node].waiting.iter(new).count() - 1;
                self.decide_preempt(node, Chosen { lane: new, place, customer })?;
            }
        }
        if let Some(tracking) = &mut self.tracking {
            tracking.class_change(node, from, extra.change_to as usize);
        }
        self.draw_class_change(node, customer)?;
        if self.customers[customer].server == super::customers::NO_SERVER && !self.nodes[node].is_infinite() {
            self.schedule_class_change(customer);
        }
        Ok(())
    }
}
