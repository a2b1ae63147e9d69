//! Preemption by priority (Ciw's `decide_preempt` and `preempt`): when a
//! customer joins a node whose servers are all busy, and the node preempts,
//! the next customer to serve takes the server of the customer of the worst
//! priority in service (the latest started among those, the lowest server
//! on a tie, as Ciw's `max` over its server list), whose service is
//! interrupted: it waits again at the front of its lane, or is rerouted.
//!
//! Draws, in Ciw's order: with `"reroute"`, the routing draw for the
//! interrupted customer and then its accept at the destination; then the
//! service time of the customer taking the server.
//!
//! Three choices where Ciw 3.2.7 misbehaves: a customer blocked after its
//! service (it holds its server until its destination has room) is never
//! interrupted here, where Ciw interrupts it and later serves it again while
//! it is still queued for its destination; and a customer rerouted to the
//! node it was interrupted at queues there behind the customer that took its
//! server, where Ciw briefly frees the server and draws the newcomer's
//! service time twice; and a customer preempted on a server in overtime
//! (its shift ended) leaves that server to the newcomer, whose service
//! ends as any other, the server retiring then, where Ciw retires the
//! server as it detaches the preempted customer yet hands it to the
//! newcomer, whose service then never ends
//! (`tests/it/preempt_off_duty.rs`).

use crate::behaviour::QueuedCustomer;
use crate::error::SimError;
use crate::preemption::Preemption;
use crate::random::RandomSource;

use super::customers::NO_SERVER;
use super::discipline::Chosen;
use super::node::NOBODY;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Every server of `node` is busy and a customer has just joined its
    /// queue: if the node preempts and `next`, the customer its discipline
    /// would serve next, has a better priority than the worst in service, it
    /// takes that one's server.
    pub(super) fn decide_preempt(&mut self, node: usize, next: Chosen) -> Result<(), SimError> {
        let state = &self.nodes[node];
        // Ciw preempts only where the current number of servers is not 0.
        if state.preemption == Preemption::Off || state.servers == Some(0) {
            return Ok(());
        }
        let lane = next.lane;
        // The worst lane in service, then the latest start, then the lowest
        // server; blocked customers have finished their service.
        let mut victim: Option<(u32, f64, u32, u32)> = None;
        for (server, &held) in state.held.iter() {
            if held == NOBODY {
                continue;
            }
            let c = &self.customers[held];
            if c.blocked {
                continue;
            }
            let lane = self.lane_of[c.class as usize];
            let better = match victim {
                None => true,
                Some((l, start, _, _)) => lane > l || (lane == l && c.service_start > start),
            };
            if better {
                victim = Some((lane, c.service_start, server, held));
            }
        }
        match victim {
            Some((worst, _, server, held)) if lane < worst => self.preempt(node, held, server, next),
            _ => Ok(()),
        }
    }

    /// `next` (waiting) takes `server` from `victim`.
    #[cold]
    #[inline(never)]
    fn preempt(&mut self, node: usize, victim: u32, server: u32, chosen: Chosen) -> Result<(), SimError> {
        let now = self.now;
        let mode = self.nodes[node].preemption;
        let next = chosen.customer;
        let taken = self.nodes[node].waiting.take(chosen.lane, chosen.place);
        debug_assert_eq!(taken, Some(next), "the chosen customer waits where it was chosen");
        let destination = self.interrupt(node, victim, Some(server), mode == Preemption::Reroute)?;
        let started = self.customers[victim].service_start;
        let state = &mut self.nodes[node];
        // Ciw adds nothing to the server's busy time for an interrupted
        // service (its `detatch_server` subtracts two cleared dates), but
        // does for a rerouted one; in Ciw mode so does this engine.
        if !self.ciw || mode == Preemption::Reroute {
            state.times.end(server, started, now, false);
        }
        // The server is `next`'s from now on (its service time is drawn
        // below, after any draws of the rerouted customer).
        state.hold(server, next);
        if let Some(to) = destination {
            self.reroute_interrupted(node, victim, to)?;
        } else {
            let c = &mut self.customers[victim];
            c.server = NO_SERVER;
            c.interrupted = true;
            // Resume: what is left; restart keeps its service time;
            // resample draws anew when it starts again.
            if mode == Preemption::Resume {
                c.service_time = c.service_end() - now;
            }
            let lane = self.lane_of[c.class as usize];
            // It keeps its place among the waiting, in the order customers
            // took their places here (ties in order of arrival from outside).
            let customers = &self.customers;
            let key = |slot: u32| (customers.listed_at(slot), customers[slot].id);
            self.nodes[node].waiting.insert_by_key(lane, victim, key);
            if !self.reneging.is_empty() {
                self.schedule_renege(victim);
            }
            // Ciw's `decide_class_change` for the interrupted customer.
            if !self.waiting_changes.is_empty() {
                self.draw_class_change(node, victim)?;
                self.schedule_class_change(victim);
            }
        }
        // Ciw's `preempt` draws the newcomer a new service time even when it
        // was itself interrupted before (its restart or resume is lost).
        self.customers[next].interrupted = false;
        self.start_service(node, next, server)
    }

    /// The service time of an interrupted customer starting again at
    /// `node`: the one it had (restart), what was left of it (resume), or a
    /// new draw (resample, and a customer whose node no longer preempts).
    #[cold]
    #[inline(never)]
    pub(super) fn service_time_after_interruption(
        &mut self,
        node: usize,
        customer: u32,
    ) -> Result<f64, SimError> {
        let c = &mut self.customers[customer];
        c.interrupted = false;
        match self.nodes[node].preemption {
            Preemption::Restart | Preemption::Resume => Ok(c.service_time),
            _ => {
                let class = c.class as usize;
                let who = QueuedCustomer { id: c.id, class, arrival: c.arrival };
                let d = self.services[node * self.classes + class].sample_at(
                    self.now,
                    || Some(who),
                    &mut self.rng,
                );
                if d.is_nan() || d < 0.0 {
                    return Err(SimError::InvalidSample { node, class, role: "service", value: d });
                }
                Ok(d)
            }
        }
    }

    /// In a model that preempts, what a service start must leave behind:
    /// the server's customer, and the customer's pending service end.
    #[inline(never)]
    pub(super) fn note_service(&mut self, node: usize, customer: u32, server: u32, seq: u64) {
        self.customers[customer].end_seq = seq;
        if server != NO_SERVER {
            self.nodes[node].hold(server, customer);
        }
    }
}
