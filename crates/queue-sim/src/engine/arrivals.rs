//! External arrivals: drawing each stream's next inter-arrival time and
//! admitting (or rejecting) the customer who arrives.

use crate::error::SimError;
use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::event::EventKind;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Draws the next inter-arrival time of `stream` and schedules it after `from`.
    pub(super) fn schedule_arrival(&mut self, stream: usize, from: f64) -> Result<(), SimError> {
        let Some(sampler) = self.arrivals[stream].as_mut() else { return Ok(()) };
        let gap = sampler.sample(&mut self.rng);
        if gap.is_nan() || gap < 0.0 {
            let (node, class) = (stream / self.classes, stream % self.classes);
            return Err(SimError::InvalidSample { node, class, role: "arrival", value: gap });
        }
        let time = from + gap;
        if time.is_finite() {
            // `as`: validation keeps the number of streams within a u32.
            let kind = EventKind::Arrival { stream: stream as u32 };
            if self.single_stream {
                self.events.push_slot(time, kind);
            } else {
                self.events.push(time, kind);
            }
        }
        Ok(())
    }

    pub(super) fn external_arrival(&mut self, stream: usize, time: f64) -> Result<(), SimError> {
        let (node, class) = (stream / self.classes, stream % self.classes);
        self.arrived += 1;
        let id = self.arrived;
        let state = &self.nodes[node];
        // `as` (here and for node and class numbers below): validation keeps
        // nodes and classes within a u32, and node numbers within an i32.
        // The customers in the network, as Ciw counts them for its system
        // capacity: accepted and not yet gone.
        if state.full() || self.accepted - self.completed >= self.system_capacity {
            let queue_size_at_arrival = state.in_node;
            self.records.push(Record {
                id_number: id,
                customer_class: class as u32,
                original_customer_class: class as u32,
                node: node as u32 + 1,
                arrival_date: self.now,
                waiting_time: f64::NAN,
                service_start_date: f64::NAN,
                service_time: f64::NAN,
                service_end_date: f64::NAN,
                time_blocked: f64::NAN,
                exit_date: self.now,
                destination: None,
                queue_size_at_arrival,
                queue_size_at_departure: None,
                server_id: None,
                record_type: RecordType::Rejection,
            });
        } else {
            self.accepted += 1;
            let customer = self.customers.insert(id, class as u32, node, self.now)?;
            self.accept(node, customer)?;
        }
        self.schedule_arrival(stream, time)
    }
}
