//! Service disciplines (Ciw's `choose_next_customer` with FIFO, LIFO, SIRO
//! or a user function): which waiting customer of the best priority is
//! served next. FIFO, the default, takes the front of the queue without
//! asking; the others are asked where Ciw asks: at every join of a node with
//! finite servers (even when a server is free and the customer who joins is
//! the only one waiting, so that SIRO draws there too) and whenever a server
//! frees with customers waiting.

use crate::behaviour::{Discipline, QueuedCustomer};
use crate::error::SimError;
use crate::random::RandomSource;

use super::state::Simulation;

/// A waiting customer chosen: its lane, its place in the lane, its slot.
#[derive(Clone, Copy, Debug)]
pub(super) struct Chosen {
    pub(super) lane: u32,
    pub(super) place: usize,
    pub(super) customer: u32,
}

impl<R: RandomSource> Simulation<R> {
    /// The customer `node`'s discipline would serve next, left in place;
    /// `None` if nobody waits. SIRO draws; a user discipline is asked.
    pub(super) fn choose_waiting(&mut self, node: usize) -> Result<Option<Chosen>, SimError> {
        let state = &self.nodes[node];
        let Some((lane, len)) = state.waiting.best() else { return Ok(None) };
        let place = match &state.discipline {
            Discipline::Fifo => 0,
            Discipline::Lifo => len - 1,
            Discipline::Siro => self.rng.index(len),
            Discipline::Custom(d) => {
                let d = d.clone();
                self.queued.clear();
                for slot in self.nodes[node].waiting.iter(lane) {
                    let c = &self.customers[slot];
                    // `as`: u32 to usize widens.
                    self.queued.push(QueuedCustomer {
                        id: c.id,
                        class: c.class as usize,
                        arrival: c.arrival,
                    });
                }
                let place = d.0.choose(&self.queued, self.now, &mut self.rng);
                if place >= len {
                    return Err(SimError::InvalidChoice { node, time: self.now, index: place, waiting: len });
                }
                place
            }
        };
        let customer = self.nodes[node].waiting.get(lane, place);
        Ok(Some(Chosen { lane, place, customer }))
    }

    /// Takes out the customer `node`'s discipline serves next.
    pub(super) fn take_waiting(&mut self, node: usize) -> Result<Option<u32>, SimError> {
        let chosen = self.choose_waiting(node)?;
        if let Some(c) = chosen {
            self.nodes[node].waiting.take(c.lane, c.place);
        }
        Ok(chosen.map(|c| c.customer))
    }
}
