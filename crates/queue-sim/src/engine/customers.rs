//! The customers in the network: a slab of [`Customer`]s whose slots are
//! reused through a free list, so that a long run holds only the customers
//! present.

use crate::error::SimError;

/// No server: a customer at an infinite-server node, or not yet served.
pub(super) const NO_SERVER: u32 = u32::MAX;
/// No pending service end: the customer waits, is blocked, or its service
/// never ends.
pub(super) const NO_EVENT: u64 = u64::MAX;

/// One customer in the network (64 bytes: one cache line).
#[derive(Clone, Copy, Debug)]
pub(super) struct Customer {
    /// Ciw's `id_number`: the order of arrival from outside, from 1.
    pub(super) id: u64,
    /// The scheduling number of its pending service end ([`NO_EVENT`] if
    /// none): a popped service end with another number is stale.
    pub(super) end_seq: u64,
    pub(super) arrival: f64,
    pub(super) service_start: f64,
    /// The length of its current (or, interrupted, next) service as drawn
    /// or carried over: Ciw's `service_time`, which an interruption record
    /// reports. The service ends at `service_start + service_time`
    /// ([`Customer::service_end`]), computed as Ciw computes it.
    pub(super) service_time: f64,
    pub(super) class: u32,
    /// The node it is at.
    pub(super) node: u32,
    pub(super) server: u32,
    pub(super) queue_size_at_arrival: u32,
    /// Next node from 1, or -1 for the exit.
    pub(super) destination: i32,
    /// Its service here was interrupted by a customer of higher priority;
    /// it waits to be served again.
    pub(super) interrupted: bool,
    /// Its service has ended and it waits for room at its destination,
    /// keeping its server.
    pub(super) blocked: bool,
}

impl Customer {
    /// When its service ends (or ended).
    #[inline(always)]
    pub(super) fn service_end(&self) -> f64 {
        self.service_start + self.service_time
    }
}

/// The customers present, by slot number.
#[derive(Debug, Default)]
pub(super) struct Customers {
    slots: Vec<Customer>,
    free: Vec<u32>,
}

impl Customers {
    /// A new customer `id` of `class`, arriving from outside at `node` at
    /// `now`; its slot number. Errors when u32::MAX - 1 customers are
    /// present already, so that a node's count of customers fits a u32 too.
    pub(super) fn insert(
        &mut self,
        id: u64,
        class: u32,
        node: usize,
        now: f64,
    ) -> Result<u32, SimError> {
        let c = Customer {
            id,
            end_seq: NO_EVENT,
            arrival: 0.0,
            service_start: 0.0,
            service_time: 0.0,
            class,
            node: 0,
            server: NO_SERVER,
            queue_size_at_arrival: 0,
            destination: -1,
            interrupted: false,
            blocked: false,
        };
        match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = c;
                Ok(slot)
            }
            None => {
                let slot = u32::try_from(self.slots.len())
                    .ok()
                    .filter(|&slot| slot < u32::MAX)
                    .ok_or(SimError::TooManyCustomers { node, time: now, max: u32::MAX - 1 })?;
                self.slots.push(c);
                Ok(slot)
            }
        }
    }

    /// The customer in `slot` has left the network: its slot is free.
    #[inline]
    pub(super) fn remove(&mut self, slot: u32) {
        self.free.push(slot);
    }
}

impl std::ops::Index<u32> for Customers {
    type Output = Customer;

    #[inline(always)]
    fn index(&self, slot: u32) -> &Customer {
        // `as`: u32 to usize widens.
        &self.slots[slot as usize]
    }
}

impl std::ops::IndexMut<u32> for Customers {
    #[inline(always)]
    fn index_mut(&mut self, slot: u32) -> &mut Customer {
        &mut self.slots[slot as usize]
    }
}
