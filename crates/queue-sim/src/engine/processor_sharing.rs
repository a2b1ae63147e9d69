//! Processor sharing (Ciw's `PSNode`): up to `capacity` customers share the
//! node's service; while `n` of them are served, each advances at rate
//! `threshold / max(n, threshold)`. Every join and every departure changes
//! the rate, so every shared service's end is computed again then, with
//! Ciw's arithmetic (`update_all_service_end_dates`), and its old end event
//! goes stale. Customers beyond the capacity wait in order of arrival.
//!
//! As in Ciw, a customer blocked after its shared service keeps its place
//! in the share, and its service end keeps being recomputed until it
//! leaves (its record reports the last one); a node shares its service
//! only among classes of one priority, and no patience or change of class
//! is drawn there (Ciw's `PSNode` draws none).

use crate::error::SimError;
use crate::random::RandomSource;
use crate::record::Record;

use super::event::EventKind;
use super::state::Simulation;

/// The shared service of one node.
#[derive(Clone, Debug)]
pub(crate) struct Shared {
    /// Most customers served at once (`u64::MAX`: all).
    capacity: u64,
    /// Ciw's `ps_threshold`.
    threshold: u64,
    /// Customers served at the last update (Ciw's `last_occupancy`).
    last_occupancy: u64,
    /// The customers being served, in the order they joined.
    served: Vec<Share>,
}

/// One customer's part of a shared service.
#[derive(Clone, Copy, Debug)]
struct Share {
    customer: u32,
    /// Service still to do at full speed (Ciw's `time_left`).
    time_left: f64,
    /// When `time_left` was last brought up to date.
    last_update: f64,
    /// When the service ends if nothing changes (Ciw's `service_end_date`).
    end: f64,
}

impl Shared {
    /// A shared service for `capacity` customers (`None`: any number).
    pub(crate) fn new(capacity: Option<u32>, threshold: u32) -> Self {
        Self {
            capacity: capacity.map_or(u64::MAX, u64::from),
            threshold: u64::from(threshold),
            last_occupancy: 0,
            served: Vec::new(),
        }
    }

    /// Whether anyone is ever served.
    pub(crate) fn serves(&self) -> bool {
        self.capacity > 0
    }
}

impl<R: RandomSource> Simulation<R> {
    /// `customer` has joined shared `node` (counted there): it is served at
    /// once if the share has room (Ciw's `begin_service_if_possible_accept`).
    pub(super) fn share_accept(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        let state = &mut self.nodes[node];
        let shared = state.shared.as_ref().expect("a shared node");
        if u64::from(state.in_node) <= shared.capacity {
            self.begin_share(node, customer)?;
            self.update_shares(node);
        } else {
            state.waiting.push_back(0, customer);
        }
        Ok(())
    }

    /// `customer` starts its part of `node`'s shared service now.
    fn begin_share(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        let now = self.now;
        let duration = self.draw_service_time(node, customer)?;
        let c = &mut self.customers[customer];
        c.service_start = now;
        c.service_time = duration;
        let shared = self.nodes[node].shared.as_mut().expect("a shared node");
        shared.served.push(Share { customer, time_left: duration, last_update: now, end: now + duration });
        Ok(())
    }

    /// Every shared service of `node` brought up to now, and its end
    /// scheduled anew (Ciw's `update_all_service_end_dates`).
    fn update_shares(&mut self, node: usize) {
        let now = self.now;
        let state = &mut self.nodes[node];
        let shared = state.shared.as_mut().expect("a shared node");
        let occupancy = u64::from(state.in_node).min(shared.capacity);
        // `as`: counts of customers, exact in an f64 (Ciw mixes its ints
        // and floats the same way).
        let threshold = shared.threshold as f64;
        let last = shared.last_occupancy.max(shared.threshold) as f64;
        let next = occupancy.max(shared.threshold) as f64;
        for share in &mut shared.served {
            let done =
                if shared.last_occupancy > 0 { (threshold * (now - share.last_update)) / last } else { 0.0 };
            share.time_left -= done;
            share.end = now + (share.time_left * next) / threshold;
            share.last_update = now;
        }
        shared.last_occupancy = occupancy;
        for i in 0..shared.served.len() {
            let shared = self.nodes[node].shared.as_ref().expect("a shared node");
            let Share { customer, end, .. } = shared.served[i];
            if self.customers[customer].blocked || !end.is_finite() {
                continue;
            }
            // Rounding can leave a sliver of service below zero: it ends now.
            let seq = self.events.push(end.max(now), EventKind::ServiceEnd { customer });
            self.customers[customer].end_seq = seq;
        }
    }

    /// `customer` has left shared `node` (its `record` written from its
    /// last computed end): the first waiting takes its place in the share,
    /// and every share is brought up to date (Ciw's `release` and
    /// `begin_service_if_possible_release`).
    #[cold]
    #[inline(never)]
    pub(super) fn share_release(
        &mut self,
        node: usize,
        customer: u32,
        record: &mut Record,
    ) -> Result<(), SimError> {
        let now = self.now;
        let state = &mut self.nodes[node];
        let shared = state.shared.as_mut().expect("a shared node");
        if let Some(place) = shared.served.iter().position(|s| s.customer == customer) {
            let end = shared.served.remove(place).end;
            record.service_end_date = end;
            record.service_time = end - record.service_start_date;
            record.time_blocked = now - end;
        }
        if u64::from(state.in_node) >= shared.capacity
            && let Some(next) = state.waiting.pop_front()
        {
            self.begin_share(node, next)?;
        }
        self.update_shares(node);
        Ok(())
    }
}
