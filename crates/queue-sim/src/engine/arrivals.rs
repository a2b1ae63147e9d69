//! External arrivals: drawing each stream's next inter-arrival time and
//! admitting, rejecting or losing (baulking) the customer who arrives.

use crate::behaviour::ArrivalState;
use crate::error::SimError;
use crate::network::MAX_BATCH;
use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::event::EventKind;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Draws the next inter-arrival time of `stream` and schedules it after `from`.
    pub(super) fn schedule_arrival(&mut self, stream: usize, from: f64) -> Result<(), SimError> {
        let Some(sampler) = self.arrivals[stream].as_mut() else { return Ok(()) };
        let gap = sampler.sample_at(self.now, || None, &mut self.rng);
        if gap.is_nan() || gap < 0.0 {
            return Err(self.invalid_arrival(stream, gap));
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

    /// The error of an inter-arrival time `gap` of `stream` that is
    /// negative or NaN.
    #[cold]
    #[inline(never)]
    pub(super) fn invalid_arrival(&self, stream: usize, gap: f64) -> SimError {
        let (node, class) = (stream / self.classes, stream % self.classes);
        SimError::InvalidSample { node, class, role: "arrival", value: gap }
    }

    /// An arrival from outside of `stream`: its batch size is drawn (where
    /// the class arrives in batches), then each customer of the batch is
    /// rejected if its node or the network is full, else may baulk (one
    /// draw, where its class baulks at the node), else joins the node; then
    /// the stream's next arrival is drawn. Ciw's order.
    pub(super) fn external_arrival(&mut self, stream: usize, time: f64) -> Result<(), SimError> {
        let (node, class) = (stream / self.classes, stream % self.classes);
        if self.batches.is_empty() {
            self.admit(stream, node, class)?;
        } else {
            for _ in 0..self.batch_size(stream, node, class)? {
                self.admit(stream, node, class)?;
            }
        }
        self.schedule_arrival(stream, time)
    }

    /// One customer arrives from outside at `node`.
    #[inline(always)]
    fn admit(&mut self, stream: usize, node: usize, class: usize) -> Result<(), SimError> {
        if self.plain {
            self.arrived += 1;
            let id = self.arrived;
            if self.nodes[node].full() {
                self.turned_away(id, node, class, RecordType::Rejection);
                return Ok(());
            }
            self.accepted += 1;
            // `as`: validation keeps classes within a u32.
            let customer = self.customers.insert(id, class as u32, node, self.now)?;
            return self.accept(node, customer);
        }
        self.admit_with_features(stream, node, class)
    }

    /// [`Simulation::admit`] with route functions, a system capacity or
    /// baulking.
    fn admit_with_features(&mut self, stream: usize, node: usize, class: usize) -> Result<(), SimError> {
        self.arrived += 1;
        let id = self.arrived;
        let route = if self.process.is_empty() { None } else { self.draw_route(id, class, node)? };
        if self.nodes[node].full() || self.in_system() >= self.system_capacity {
            self.turned_away(id, node, class, RecordType::Rejection);
        } else if !self.baulking.is_empty() && self.baulks(stream)? {
            self.turned_away(id, node, class, RecordType::Baulk);
        } else {
            self.accepted += 1;
            // `as`: validation keeps classes within a u32.
            let customer = self.customers.insert(id, class as u32, node, self.now)?;
            if !self.process.is_empty() {
                // Other classes keep an empty route: a class change into a
                // process-based class then leaves at once.
                self.keep_route(customer, route.unwrap_or_default());
            }
            self.accept(node, customer)?;
        }
        Ok(())
    }

    /// The number of customers this arrival of `stream` brings: 1 unless
    /// its class arrives in batches there.
    fn batch_size(&mut self, stream: usize, node: usize, class: usize) -> Result<u32, SimError> {
        let Some(sampler) = self.batches[stream].as_mut() else { return Ok(1) };
        let size = sampler.sample_at(self.now, || None, &mut self.rng);
        if !(size.fract() == 0.0 && (0.0..=f64::from(MAX_BATCH)).contains(&size)) {
            return Err(SimError::InvalidSample { node, class, role: "batch", value: size });
        }
        // `as`: a whole number in [0, MAX_BATCH] converts exactly.
        Ok(size as u32)
    }

    /// Whether the arrival of `stream` baulks: one draw where its class
    /// baulks at its node (even at probability 0 or 1, as Ciw), none
    /// elsewhere.
    fn baulks(&mut self, stream: usize) -> Result<bool, SimError> {
        let Some(baulking) = &self.baulking[stream] else { return Ok(false) };
        let (node, class) = (stream / self.classes, stream % self.classes);
        let at = ArrivalState {
            now: self.now,
            node,
            class,
            present: self.nodes[node].in_node,
            in_system: self.in_system(),
        };
        let p = baulking.probability(&at);
        if !(0.0..=1.0).contains(&p) {
            return Err(SimError::InvalidProbability {
                node,
                class,
                role: "baulking",
                time: self.now,
                value: p,
            });
        }
        Ok(self.rng.uniform01() < p)
    }

    /// Records an arrival that does not join `node`: rejected, or baulking.
    pub(super) fn turned_away(&mut self, id: u64, node: usize, class: usize, record_type: RecordType) {
        // `as`: validation keeps nodes and classes within a u32, and node
        // numbers within an i32.
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
            queue_size_at_arrival: self.nodes[node].in_node,
            queue_size_at_departure: None,
            server_id: None,
            record_type,
        });
    }
}
