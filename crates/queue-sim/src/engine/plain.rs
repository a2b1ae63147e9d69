//! The run loop of a plain model (none of the optional features: see
//! `Simulation::plain`), chosen once a run: arrivals and service ends are
//! handled in the loop itself, with no feature checks, no call per event
//! and no dispatch on whether the model is plain. It does exactly what
//! [`Simulation::handle`] does for such a model, draw for draw and record
//! for record.

use crate::behaviour::QueuedCustomer;
use crate::error::SimError;
use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::customers::NO_SERVER;
use super::event::EventKind;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Handles every event before `max_time` of a plain model run without
    /// ties or a tracker.
    #[inline(never)]
    pub(super) fn plain_events_before(&mut self, max_time: f64) -> Result<(), SimError> {
        debug_assert!(self.plain && !self.ties && self.tracking.is_none());
        while let Some(event) = self.events.pop_before(max_time) {
            if self.processed >= self.guard.next_check {
                self.check(&event)?;
            }
            let now = event.time();
            self.now = now;
            self.processed += 1;
            match event.kind {
                // `as`: u32 to usize widens.
                EventKind::Arrival { stream } => self.plain_arrival(stream as usize, now)?,
                EventKind::ServiceEnd { customer } => self.plain_service_end(customer)?,
                // None in a plain model; handled as anywhere else.
                other => self.handle_waiting_event(other, event.seq())?,
            }
        }
        Ok(())
    }

    /// An external arrival of `stream` at `time` in a plain model: one
    /// customer, rejected if its node is full, else accepted; then the
    /// stream's next arrival is drawn.
    #[inline(always)]
    fn plain_arrival(&mut self, stream: usize, time: f64) -> Result<(), SimError> {
        // One class: the stream is the node (no division).
        let (node, class) =
            if self.classes == 1 { (stream, 0) } else { (stream / self.classes, stream % self.classes) };
        self.arrived += 1;
        let id = self.arrived;
        if self.nodes[node].full() {
            self.turned_away(id, node, class, RecordType::Rejection);
        } else {
            self.accepted += 1;
            // `as`: validation keeps classes within a u32.
            let customer = self.customers.insert(id, class as u32, node, time)?;
            self.plain_accept(node, customer)?;
        }
        self.plain_schedule_arrival(stream, time)
    }

    /// [`Simulation::schedule_arrival`], drawing inline.
    #[inline(always)]
    fn plain_schedule_arrival(&mut self, stream: usize, from: f64) -> Result<(), SimError> {
        let Some(sampler) = self.arrivals[stream].as_mut() else { return Ok(()) };
        let gap = sampler.sample_inline_at(self.now, || None, &mut self.rng);
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

    /// [`Simulation::accept`] of a plain model (here and in the general
    /// loop's plain paths): a free server or the back of the one queue.
    #[inline(always)]
    pub(super) fn plain_accept(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        let state = &mut self.nodes[node];
        let c = &mut self.customers[customer];
        // `as`: validation keeps node numbers within a u32.
        c.node = node as u32;
        c.arrival = self.now;
        c.queue_size_at_arrival = state.in_node;
        state.in_node += 1;
        if state.servers.is_none() {
            return self.plain_start_service(node, customer, NO_SERVER);
        }
        match state.free_servers.take_lowest() {
            Some(server) => self.plain_start_service(node, customer, server),
            None => {
                state.waiting.push_back(0, customer);
                Ok(())
            }
        }
    }

    /// `customer` starts service at `node` on `server` in a plain model: a
    /// new service time (drawn inline), a pending service end.
    #[inline(always)]
    pub(super) fn plain_start_service(
        &mut self,
        node: usize,
        customer: u32,
        server: u32,
    ) -> Result<(), SimError> {
        let now = self.now;
        let c = &mut self.customers[customer];
        let class = c.class as usize;
        let who = QueuedCustomer { id: c.id, class, arrival: c.arrival };
        let duration =
            self.services[node * self.classes + class].sample_inline_at(now, || Some(who), &mut self.rng);
        if duration.is_nan() || duration < 0.0 {
            return Err(SimError::InvalidSample { node, class, role: "service", value: duration });
        }
        c.server = server;
        c.service_start = now;
        c.service_time = duration;
        let end = c.service_end();
        if server != NO_SERVER {
            self.nodes[node].times.start(server, now);
        }
        if end.is_finite() {
            self.events.push(end, EventKind::ServiceEnd { customer });
        } else {
            self.endless_service(node, customer, server);
        }
        Ok(())
    }

    /// `customer`'s service ends in a plain model: route it, then release
    /// it, or block it if its destination is full.
    #[inline(always)]
    fn plain_service_end(&mut self, customer: u32) -> Result<(), SimError> {
        let c = &self.customers[customer];
        let (node, class) = (c.node as usize, c.class as usize);
        let customers = &self.customers;
        let who = || (customers[customer].id, customers[customer].arrival);
        let next = self.routes.choose(class, node, &mut self.rng, &self.nodes, who, self.now)?;
        self.customers[customer].destination = next.map_or(-1, |d| d as i32 + 1);
        if let Some(dest) = next
            && self.nodes[dest].full()
        {
            self.block(node, customer, dest);
            return Ok(());
        }
        self.plain_release(node, customer, next)
    }

    /// [`Simulation::release`] of a plain model: the record (its classes
    /// the customer's one class: a plain model changes none), the server to
    /// the next waiting customer or free (nobody preempts: no holder to
    /// forget), then onward.
    #[inline(always)]
    fn plain_release(&mut self, node: usize, customer: u32, next: Option<usize>) -> Result<(), SimError> {
        let now = self.now;
        let state = &mut self.nodes[node];
        state.in_node -= 1;
        let c = &mut self.customers[customer];
        c.blocked = false;
        let (server, started, end) = (c.server, c.service_start, c.service_end());
        self.records.push(Record {
            id_number: c.id,
            customer_class: c.class,
            original_customer_class: c.class,
            // `as`: validation keeps node numbers within a u32.
            node: node as u32 + 1,
            arrival_date: c.arrival,
            waiting_time: started - c.arrival,
            service_start_date: started,
            service_time: end - started,
            service_end_date: end,
            time_blocked: now - end,
            exit_date: now,
            destination: Some(c.destination),
            queue_size_at_arrival: c.queue_size_at_arrival,
            queue_size_at_departure: Some(state.in_node),
            server_id: (server != NO_SERVER).then(|| server + 1),
            record_type: RecordType::Service,
        });
        if server != NO_SERVER {
            let waiting = state.waiting.pop_front();
            state.times.end(server, started, now, waiting.is_none());
            match waiting {
                Some(waiting) => self.plain_start_service(node, waiting, server)?,
                None => state.free_servers.put(server),
            }
        }
        // `accept` goes straight to `plain_accept` in a plain model.
        self.release_onward(node, customer, next)
    }
}

#[cfg(test)]
mod tests {
    use crate::error::SimError;
    use crate::network::Network;
    use crate::python_random::PythonRandom;
    use crate::random::{Pcg, RandomSource};

    use super::super::state::Simulation;

    /// Runs `sim` to `max_time` through the plain loop, or through the
    /// general loop (each event to `handle`); its records and clock, as
    /// text (equal text: equal bits, NaNs aside).
    fn run<R: RandomSource>(mut sim: Simulation<R>, max_time: f64, plain_loop: bool) -> String {
        let result = if plain_loop {
            sim.run_until(max_time)
        } else {
            (|| {
                while let Some(event) = sim.events.pop_before(max_time) {
                    sim.handle(event)?;
                }
                sim.now = max_time;
                Ok::<(), SimError>(())
            })()
        };
        format!("{result:?} {:?} {:?} {:?}", sim.now, sim.records, sim.utilisation())
    }

    /// Whether the two loops agree on `net` with the generator `make`
    /// gives; `None` when the model is not plain under it.
    fn loops_agree<R: RandomSource>(net: &Network, make: impl Fn() -> R) -> Option<bool> {
        let sim = Simulation::with_rng(net, make()).ok()?;
        if !sim.plain {
            return None;
        }
        let general = Simulation::with_rng(net, make()).ok()?;
        Some(run(sim, 2_000.0, true) == run(general, 2_000.0, false))
    }

    #[test]
    fn the_plain_loop_gives_the_general_loops_records_on_every_plain_golden_model() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ciw");
        let mut compared = Vec::new();
        for entry in std::fs::read_dir(dir).expect("the golden models") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let net = Network::from_toml_file(&path).expect("a golden model");
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            for seed in 0..3 {
                if let Some(same) = loops_agree(&net, || Pcg::new(seed)) {
                    assert!(same, "{name}, pcg, seed {seed}");
                    compared.push(format!("{name} pcg"));
                }
                if let Some(same) = loops_agree(&net, || PythonRandom::new(seed)) {
                    assert!(same, "{name}, ciw, seed {seed}");
                    compared.push(format!("{name} ciw"));
                }
            }
        }
        // Plain models of both generators, blocking ones among them.
        for expected in ["mm3.toml pcg", "mm3.toml ciw", "blocking_tandem.toml pcg", "mixed_network.toml pcg"]
        {
            assert!(compared.iter().any(|c| c == expected), "{expected} not compared: {compared:?}");
        }
    }
}
