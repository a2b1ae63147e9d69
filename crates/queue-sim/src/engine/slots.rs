//! Slotted services at run time (Ciw's `slotted_service`,
//! `find_number_of_slotted_services` and `interrupt_slotted_services`):
//! services start only at slot times, up to the slot's size.
//!
//! A slotted node has no servers: its customers are served with no server
//! id, a service ending starts nobody else's (the next slot does), and the
//! node counts its customers in service itself, in the order they joined
//! (Ciw's list order). A customer blocked after its service still counts as
//! in service, as in Ciw, but is never interrupted (Ciw interrupts it while
//! it is queued for its destination; README, "Known differences").

use crate::error::SimError;
use crate::preemption::Preemption;
use crate::random::RandomSource;
use crate::schedule::Slotted;

use super::customers::NO_SERVER;
use super::event::EventKind;
use super::state::Simulation;

/// The slots of one slotted node.
#[derive(Clone, Debug)]
pub(crate) struct Slots {
    slotted: Slotted,
    /// The next slot to compute ([`Slotted::slot`]).
    next: u64,
    /// The size of the slot pending.
    size: usize,
    /// Customers whose service has started and who have not left, in the
    /// order they joined the node.
    pub(crate) in_service: Vec<u32>,
    /// Customers a slot interrupted, served again first.
    interrupted: Vec<u32>,
}

impl Slots {
    /// The slots of `slotted`, and when the first is.
    pub(crate) fn new(slotted: &Slotted) -> (Self, f64) {
        let (date, size) = slotted.slot(0);
        (
            Self { slotted: slotted.clone(), next: 1, size, in_service: Vec::new(), interrupted: Vec::new() },
            date,
        )
    }

    /// Whether any slot starts services.
    pub(crate) fn ever_serves(&self) -> bool {
        self.slotted.slot_sizes.iter().any(|&s| s > 0)
    }

    /// `customer` has left the node (or its service there was interrupted).
    pub(crate) fn leave(&mut self, customer: u32) {
        if let Some(place) = self.in_service.iter().position(|&c| c == customer) {
            self.in_service.remove(place);
        }
    }
}

impl<R: RandomSource> Simulation<R> {
    /// A slot at `node`: interrupt what a capacitated slot has no room for,
    /// then start services, the interrupted first (Ciw's `slotted_service`).
    pub(super) fn slot(&mut self, node: usize) -> Result<(), SimError> {
        let in_node = self.nodes[node].in_node as usize;
        let Some((slots, _)) = self.nodes[node].slots.as_mut() else { return Ok(()) };
        let (size, capacitated, mode) = (slots.size, slots.slotted.capacitated, slots.slotted.preemption);
        let under_way = slots.in_service.len();
        let starts =
            if capacitated { size.saturating_sub(under_way).min(in_node) } else { size.min(in_node) };
        let (date, next_size) = slots.slotted.slot(slots.next);
        slots.next += 1;
        slots.size = next_size;
        // `as`: validation keeps node numbers within a u32.
        self.events.push(date, EventKind::Slot { node: node as u32 });
        if capacitated && mode != Preemption::Off && under_way > size {
            self.interrupt_for_slot(node, under_way - size, mode)?;
        }
        for _ in 0..starts {
            let (slots, _) = self.nodes[node].slots.as_mut().expect("slotted");
            let customer = if slots.interrupted.is_empty() {
                match self.take_waiting(node)? {
                    Some(customer) => customer,
                    None => continue,
                }
            } else {
                slots.interrupted.remove(0)
            };
            let c = &mut self.customers[customer];
            let again = std::mem::take(&mut c.interrupted);
            let duration = match mode {
                Preemption::Restart | Preemption::Resume if again => c.service_time,
                _ => self.draw_service_time(node, customer)?,
            };
            self.start_service_lasting(node, customer, NO_SERVER, duration);
            let (slots, _) = self.nodes[node].slots.as_mut().expect("slotted");
            let customers = &self.customers;
            // In the order of the node's lists (Ciw's `all_individuals`):
            // by when each took its place, then, for customers who did so
            // at one instant (a batch), in the order they did.
            let key = |c: u32| (customers.listed_at(c), customers.list_order(c));
            let place = slots.in_service.partition_point(|&other| key(other) <= key(customer));
            slots.in_service.insert(place, customer);
        }
        Ok(())
    }

    /// A capacitated slot of `node` interrupts `count` services under way:
    /// the latest arrivals of the worst priority first (Ciw's
    /// `interrupt_slotted_services`).
    fn interrupt_for_slot(&mut self, node: usize, count: usize, mode: Preemption) -> Result<(), SimError> {
        let now = self.now;
        let Some((slots, _)) = self.nodes[node].slots.as_ref() else { return Ok(()) };
        let (customers, lane_of) = (&self.customers, &self.lane_of);
        let mut order: Vec<u32> = slots.in_service.clone();
        // Python's sorted(..., reverse=True) is stable: equal keys keep
        // their order.
        order.sort_by(|&a, &b| {
            let (ca, cb) = (&customers[a], &customers[b]);
            (lane_of[cb.class as usize], cb.arrival)
                .partial_cmp(&(lane_of[ca.class as usize], ca.arrival))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        for customer in order.into_iter().take(count) {
            if self.customers[customer].blocked {
                continue;
            }
            self.interrupt(node, customer, None, false)?;
            let c = &mut self.customers[customer];
            c.interrupted = true;
            if mode == Preemption::Resume {
                c.service_time = c.service_end() - now;
            }
            let (slots, _) = self.nodes[node].slots.as_mut().expect("slotted");
            slots.leave(customer);
            slots.interrupted.push(customer);
        }
        Ok(())
    }
}
