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

/// What a customer carries only in models that use it (class changes,
/// reneging): kept beside the slab so that the common model's customers
/// stay one cache line.
#[derive(Clone, Copy, Debug)]
pub(super) struct Extra {
    /// Ciw's `previous_class`: the class before the last change (or its
    /// class if none), which records report.
    pub(super) previous_class: u32,
    /// Ciw's `original_class`: its class when it joined its node.
    pub(super) original_class: u32,
    /// When it reneges from the queue it waits in (infinite: never).
    pub(super) renege_at: f64,
    /// The scheduling number of its pending renege ([`NO_EVENT`] if none).
    pub(super) renege_seq: u64,
    /// When it changes class while waiting (infinite: never), and to which.
    pub(super) change_at: f64,
    /// The class it changes to then.
    pub(super) change_to: u32,
    /// The scheduling number of its pending change ([`NO_EVENT`] if none).
    pub(super) change_seq: u64,
    /// When it last moved to the back of another priority's queue by a
    /// change of class while waiting (NaN: not since it joined its node);
    /// Ciw's list order at the node follows it.
    pub(super) requeued_at: f64,
    /// When it took its place in its node's list, in the order of all such
    /// moves (Ciw's list order at the node, for breaking ties).
    pub(super) listed: u64,
}

impl Extra {
    fn new(class: u32) -> Self {
        Self {
            previous_class: class,
            original_class: class,
            renege_at: f64::INFINITY,
            renege_seq: NO_EVENT,
            change_at: f64::INFINITY,
            change_to: class,
            change_seq: NO_EVENT,
            requeued_at: f64::NAN,
            listed: 0,
        }
    }
}

/// The customers present, by slot number.
#[derive(Debug, Default)]
pub(super) struct Customers {
    slots: Vec<Customer>,
    free: Vec<u32>,
    /// Per slot, when kept (`keep_extra`), what [`Extra`] holds; empty
    /// otherwise.
    extra: Vec<Extra>,
    /// Whether `extra` is kept.
    keep_extra: bool,
    /// Places taken in nodes' lists so far ([`Extra::listed`]).
    listings: u64,
}

impl Customers {
    /// A new customer `id` of `class`, arriving from outside at `node` at
    /// `now`; its slot number. Errors when [`MAX_PRESENT`] customers are
    /// present already.
    #[inline]
    pub(super) fn insert(&mut self, id: u64, class: u32, node: usize, now: f64) -> Result<u32, SimError> {
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
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = c;
                slot
            }
            None => {
                let slot = new_slot(self.slots.len()).ok_or(SimError::TooManyCustomers {
                    node,
                    time: now,
                    max: MAX_PRESENT,
                })?;
                self.slots.push(c);
                slot
            }
        };
        if self.keep_extra {
            self.set_extra(slot, class);
        }
        Ok(slot)
    }

    /// A new customer of `class` in `slot`: its [`Extra`] afresh.
    #[cold]
    #[inline(never)]
    fn set_extra(&mut self, slot: u32, class: u32) {
        let i = slot as usize;
        if self.extra.len() <= i {
            self.extra.resize(i + 1, Extra::new(class));
        }
        self.extra[i] = Extra::new(class);
    }

    /// Keeps each customer's [`Extra`], for a model whose customers change
    /// class or renege.
    pub(super) fn keep_extra(&mut self) {
        self.keep_extra = true;
    }

    /// Whether each customer's [`Extra`] is kept (and with it the order
    /// customers took their places in nodes' lists).
    pub(super) fn keeps_extra(&self) -> bool {
        self.keep_extra
    }

    /// `slot`'s [`Extra`], to read; only in a model that keeps it.
    #[inline]
    pub(super) fn extra_of(&self, slot: u32) -> &Extra {
        &self.extra[slot as usize]
    }

    /// `slot`'s [`Extra`]; only in a model that keeps it.
    #[inline]
    pub(super) fn extra(&mut self, slot: u32) -> &mut Extra {
        &mut self.extra[slot as usize]
    }

    /// The classes a record of `slot` reports: (Ciw's `previous_class`,
    /// `original_class`).
    #[inline]
    pub(super) fn record_classes(&self, slot: u32) -> (u32, u32) {
        if self.keep_extra {
            let e = &self.extra[slot as usize];
            (e.previous_class, e.original_class)
        } else {
            let class = self.slots[slot as usize].class;
            (class, class)
        }
    }

    /// `slot` joins a node: its class now is the one records there call
    /// original.
    #[inline]
    pub(super) fn joined(&mut self, slot: u32) {
        if self.keep_extra {
            let e = &mut self.extra[slot as usize];
            e.original_class = self.slots[slot as usize].class;
            e.requeued_at = f64::NAN;
            e.listed = self.listings;
            self.listings += 1;
        }
    }

    /// `slot` moves to the back of another list of its node (a change of
    /// class while waiting) at `now`.
    pub(super) fn requeued(&mut self, slot: u32, now: f64) {
        let e = &mut self.extra[slot as usize];
        e.requeued_at = now;
        e.listed = self.listings;
        self.listings += 1;
    }

    /// The order of `slot`'s place among its node's customers of its
    /// priority (Ciw's list order); 0 in a model that keeps no [`Extra`].
    pub(super) fn list_order(&self, slot: u32) -> u64 {
        if self.keep_extra { self.extra[slot as usize].listed } else { 0 }
    }

    /// When `slot` last took its place in its node's list, as Ciw keeps it:
    /// when it joined, or when a change of class while waiting moved it.
    pub(super) fn listed_at(&self, slot: u32) -> f64 {
        let c = &self.slots[slot as usize];
        match self.extra.get(slot as usize) {
            Some(e) if self.keep_extra && !e.requeued_at.is_nan() => e.requeued_at,
            _ => c.arrival,
        }
    }

    /// The slots of the customers in the network now.
    pub(super) fn live(&self) -> impl Iterator<Item = u32> + '_ {
        let mut free = vec![false; self.slots.len()];
        for &f in &self.free {
            free[f as usize] = true;
        }
        // `as`: slot numbers fit a u32 (the slab stops below u32::MAX).
        (0..self.slots.len()).filter(move |&i| !free[i]).map(|i| i as u32)
    }

    /// `slot` changes to class `to` while waiting: records give the new
    /// class (Ciw sets `previous_class` to it too).
    pub(super) fn change_class_while_waiting(&mut self, slot: u32, to: u32) {
        self.slots[slot as usize].class = to;
        self.extra[slot as usize].previous_class = to;
    }

    /// `slot` changes to class `to` (after service: records keep the class
    /// it had as `previous_class`).
    pub(super) fn change_class(&mut self, slot: u32, to: u32) {
        let c = &mut self.slots[slot as usize];
        self.extra[slot as usize].previous_class = c.class;
        c.class = to;
    }

    /// The customer in `slot` has left the network: its slot is free.
    #[inline]
    pub(super) fn remove(&mut self, slot: u32) {
        self.free.push(slot);
    }
}
/// The most customers present at once: slot numbers run from 0 below
/// `u32::MAX`, which marks a free server ([`super::node::NOBODY`], and
/// [`NO_SERVER`] here), so a node's count of customers fits a u32 too.
pub(super) const MAX_PRESENT: u32 = u32::MAX;

/// The slot number of a new slot when `taken` slots exist: `None` when
/// that would be the [`MAX_PRESENT`]-th plus one.
#[inline]
fn new_slot(taken: usize) -> Option<u32> {
    u32::try_from(taken).ok().filter(|&slot| slot < MAX_PRESENT)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_numbered_below_a_free_servers_mark_and_no_further() {
        // The slab itself cannot grow that far in a test (64 bytes a
        // customer): its numbering is tested alone. `MAX_PRESENT` slots,
        // 0 to `MAX_PRESENT - 1`; the next number would be the mark of a
        // free server.
        assert_eq!(new_slot(0), Some(0));
        assert_eq!(new_slot(MAX_PRESENT as usize - 1), Some(MAX_PRESENT - 1));
        assert_eq!(new_slot(MAX_PRESENT as usize), None);
        assert_eq!(new_slot(usize::MAX), None);
        assert_eq!((MAX_PRESENT, super::super::node::NOBODY), (NO_SERVER, NO_SERVER));
    }
}
