//! Services: a customer joins a node, starts service, finishes, is routed,
//! is blocked or leaves. This file sequences Ciw's draw order (service time
//! before the next arrival's, routing before the next queued service, and
//! so on: see the crate docs); the Ciw golden tests guard it. Preemption
//! (`preemption.rs`) is entered from [`Simulation::accept`].

use crate::behaviour::QueuedCustomer;
use crate::error::SimError;
use crate::random::RandomSource;
use crate::record::{Record, RecordType};

use super::customers::{NO_EVENT, NO_SERVER};
use super::event::EventKind;
use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// A customer enters `node`: into service if a server is free, else the
    /// queue of its priority, where it may preempt a customer of lower
    /// priority (Ciw's `accept` and `begin_service_if_possible_accept`).
    #[inline(always)]
    pub(super) fn accept(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        if self.plain {
            return self.plain_accept(node, customer);
        }
        self.accept_with_features(node, customer)
    }

    /// [`Simulation::accept`] with Ciw's optional features: patience and
    /// class-change draws, disciplines, server priorities, preemption.
    fn accept_with_features(&mut self, node: usize, customer: u32) -> Result<(), SimError> {
        self.customers.joined(customer);
        let state = &mut self.nodes[node];
        let c = &mut self.customers[customer];
        // `as` (here and for node numbers below): validation keeps node
        // numbers within a u32 and an i32.
        c.node = node as u32;
        c.arrival = self.now;
        c.queue_size_at_arrival = state.in_node;
        // No server here yet: the one of its last node is not this node's
        // (a shared service never sets one, and a change of class while
        // waiting asks whether it has one). The plain path needs no reset:
        // it reads the server only of customers whose service started here.
        c.server = NO_SERVER;
        state.in_node += 1;
        if let Some(tracking) = &mut self.tracking {
            tracking.accept(node, c.class as usize);
        }
        let state = &mut self.nodes[node];
        if state.shared.is_some() {
            return self.share_accept(node, customer);
        }
        if !self.reneging.is_empty() {
            self.draw_patience(node, customer)?;
        }
        if !self.waiting_changes.is_empty() {
            self.draw_class_change(node, customer)?;
        }
        let state = &mut self.nodes[node];
        let c = &self.customers[customer];
        if state.servers.is_none() {
            return self.start_service(node, customer, NO_SERVER);
        }
        // Nobody waits while a server is free, so the customer to serve is
        // the one arriving, as Ciw's `choose_next_customer` finds; a
        // discipline other than FIFO is still asked, as Ciw asks it.
        let lane = self.lane_of[c.class as usize];
        let fifo = state.discipline.is_fifo();
        let free = if state.server_priority.is_lowest_id() {
            state.free_servers.take_lowest()
        } else {
            self.take_prioritised_server(node, customer)?
        };
        let state = &mut self.nodes[node];
        match free {
            Some(server) if fifo => self.start_service(node, customer, server),
            Some(server) => {
                state.waiting.push_back(lane, customer);
                let next = self.take_waiting(node)?.unwrap_or(customer);
                self.start_service(node, next, server)
            }
            None if fifo
                && !self.preemptive
                && self.reneging.is_empty()
                && self.waiting_changes.is_empty() =>
            {
                state.waiting.push_back(lane, customer);
                Ok(())
            }
            None => {
                state.waiting.push_back(lane, customer);
                if !self.reneging.is_empty() {
                    self.schedule_renege(customer);
                }
                if !self.waiting_changes.is_empty() {
                    self.schedule_class_change(customer);
                }
                let next = if fifo && !self.preemptive { None } else { self.choose_waiting(node)? };
                match next {
                    Some(next) if self.preemptive => self.decide_preempt(node, next),
                    _ => Ok(()),
                }
            }
        }
    }

    /// `customer` starts service at `node` on `server` (`NO_SERVER` at an
    /// infinite-server node): a new service time is drawn, unless its
    /// service was interrupted and restarts or resumes.
    pub(super) fn start_service(&mut self, node: usize, customer: u32, server: u32) -> Result<(), SimError> {
        let c = &self.customers[customer];
        let duration = if c.interrupted {
            self.service_time_after_interruption(node, customer)?
        } else {
            self.draw_service_time(node, customer)?
        };
        self.start_service_lasting(node, customer, server, duration);
        Ok(())
    }

    /// `customer` starts a service of `duration` at `node` on `server`.
    pub(super) fn start_service_lasting(&mut self, node: usize, customer: u32, server: u32, duration: f64) {
        if !self.plain {
            self.cancel_waiting_events(customer);
        }
        let end = self.occupy(node, customer, server, duration);
        if end.is_finite() {
            let seq = self.events.push(end, EventKind::ServiceEnd { customer });
            if self.preemptive {
                self.note_service(node, customer, server, seq);
            }
        } else {
            self.endless_service(node, customer, server);
        }
    }

    /// `customer` starts a service of `duration` at `node` on `server` (its
    /// busy time counted from now); when it ends.
    #[inline(always)]
    fn occupy(&mut self, node: usize, customer: u32, server: u32, duration: f64) -> f64 {
        let now = self.now;
        let c = &mut self.customers[customer];
        c.server = server;
        c.service_start = now;
        c.service_time = duration;
        let end = c.service_end();
        if server != NO_SERVER {
            self.nodes[node].times.start(server, now);
        }
        end
    }

    /// A new service time for `customer` at `node` (a negative or NaN one
    /// from a user distribution is an error).
    #[inline(always)]
    pub(super) fn draw_service_time(&mut self, node: usize, customer: u32) -> Result<f64, SimError> {
        let c = &self.customers[customer];
        let class = c.class as usize;
        let (now, who) = (self.now, QueuedCustomer { id: c.id, class, arrival: c.arrival });
        let d = self.services[node * self.classes + class].sample_at(now, || Some(who), &mut self.rng);
        if d.is_nan() || d < 0.0 {
            return Err(SimError::InvalidSample { node, class, role: "service", value: d });
        }
        Ok(d)
    }

    /// A customer whose service starts no longer waits: its pending renege
    /// and change of class, if any, are stale.
    pub(super) fn cancel_waiting_events(&mut self, customer: u32) {
        if !self.reneging.is_empty() {
            self.cancel_renege(customer);
        }
        if !self.waiting_changes.is_empty() {
            self.cancel_class_change(customer);
        }
    }

    /// A service that never ends (an infinite time, possible with extreme
    /// parameters), as in Ciw: the customer keeps its server for ever.
    #[cold]
    #[inline(never)]
    pub(super) fn endless_service(&mut self, node: usize, customer: u32, server: u32) {
        if self.preemptive {
            self.note_service(node, customer, server, NO_EVENT);
        }
        if server != NO_SERVER {
            self.nodes[node].endless += 1;
        }
    }

    /// `customer`'s service ends: route it, then release it or block it.
    /// `seq` is the event's scheduling number: a service end whose service
    /// was interrupted since is stale and does nothing (it still moves the
    /// clock, to a time no later than the next event's).
    pub(super) fn finish_service(&mut self, customer: u32, seq: u64) -> Result<(), SimError> {
        let c = &self.customers[customer];
        let (node, class) = (c.node as usize, c.class as usize);
        let next = if self.plain {
            let customers = &self.customers;
            let who = || (customers[customer].id, customers[customer].arrival);
            self.routes.choose(class, node, &mut self.rng, &self.nodes, who, self.now)?
        } else {
            if self.preemptive && c.end_seq != seq {
                self.processed -= 1;
                return Ok(());
            }
            let mut class = class;
            if !self.class_change.is_empty()
                && let Some(table) = &self.class_change[node * self.classes + class]
            {
                let to = table.choose(&mut self.rng);
                self.customers.change_class(customer, to);
                // `as`: u32 to usize widens.
                class = to as usize;
            }
            self.next_node(customer, class, node)?
        };
        let c = &mut self.customers[customer];
        c.destination = next.map_or(-1, |d| d as i32 + 1);
        if let Some(dest) = next
            && self.nodes[dest].full()
        {
            self.block(node, customer, dest);
            return Ok(());
        }
        self.release(node, customer, next)
    }

    /// `customer`, its service at `node` ended, is blocked: it keeps its
    /// server until `dest` has room.
    #[cold]
    #[inline(never)]
    pub(super) fn block(&mut self, node: usize, customer: u32, dest: usize) {
        self.customers[customer].blocked = true;
        // `as`: validation keeps node numbers within a u32.
        self.nodes[dest].blocked.push_back((node as u32, customer));
        self.blocked += 1;
        self.newly_blocked = true;
        if let Some(tracking) = &mut self.tracking {
            tracking.block(node, dest);
        }
    }

    /// `customer` leaves `node` for `next` (`None`: the exit), in Ciw's order:
    /// write the record, free the server and start the next queued service,
    /// accept at the next node, then let in whoever is blocked waiting for room.
    pub(super) fn release(
        &mut self,
        node: usize,
        customer: u32,
        next: Option<usize>,
    ) -> Result<(), SimError> {
        if !self.plain {
            return self.release_with_features(node, customer, next);
        }
        let now = self.now;
        self.nodes[node].in_node -= 1;
        let record = self.service_record(node, customer, now);
        self.records.push(record);
        let c = &mut self.customers[customer];
        c.blocked = false;
        let (server, started) = (c.server, c.service_start);
        if server != NO_SERVER {
            let state = &mut self.nodes[node];
            let waiting = state.waiting.pop_front();
            state.times.end(server, started, now, waiting.is_none());
            match waiting {
                Some(waiting) => self.plain_start_service(node, waiting, server)?,
                None => state.free(server),
            }
        }
        self.release_onward(node, customer, next)
    }

    /// `customer`'s service record as it leaves `node` at `now`.
    #[inline(always)]
    fn service_record(&self, node: usize, customer: u32, now: f64) -> Record {
        let c = &self.customers[customer];
        Record {
            waiting_time: c.service_start - c.arrival,
            service_start_date: c.service_start,
            service_time: c.service_end() - c.service_start,
            service_end_date: c.service_end(),
            time_blocked: now - c.service_end(),
            destination: Some(c.destination),
            queue_size_at_departure: Some(self.nodes[node].in_node),
            server_id: (c.server != NO_SERVER).then(|| c.server + 1),
            ..self.record_of(customer, node, RecordType::Service)
        }
    }

    /// The end of a release: `customer` joins `next` (or leaves the
    /// network), then whoever is blocked waiting for room at `node` comes in.
    #[inline(always)]
    pub(super) fn release_onward(
        &mut self,
        node: usize,
        customer: u32,
        next: Option<usize>,
    ) -> Result<(), SimError> {
        match next {
            Some(dest) => self.accept(dest, customer)?,
            None => {
                self.completed += 1;
                self.customers.remove(customer);
            }
        }
        self.let_blocked_in(node)
    }

    /// [`Simulation::release`] in a model with optional features: the
    /// tracker hears of it, a shared service (processor sharing) gives the
    /// record its last end and starts the next share, a slotted node
    /// forgets the service, a scheduled node's server may go off duty, and
    /// disciplines choose who is served next.
    #[inline(never)]
    fn release_with_features(
        &mut self,
        node: usize,
        customer: u32,
        next: Option<usize>,
    ) -> Result<(), SimError> {
        let now = self.now;
        self.nodes[node].in_node -= 1;
        let mut record = self.service_record(node, customer, now);
        let c = &mut self.customers[customer];
        let was_blocked = std::mem::take(&mut c.blocked);
        let (server, started, class) = (c.server, c.service_start, c.class);
        if let Some(tracking) = &mut self.tracking {
            // `as`: u32 to usize widens.
            tracking.release(node, class as usize, next, was_blocked);
        }
        if self.nodes[node].shared.is_some() {
            self.share_release(node, customer, &mut record)?;
        }
        self.records.push(record);
        let state = &mut self.nodes[node];
        if server == NO_SERVER {
            if let Some((slots, _)) = &mut state.slots {
                slots.leave(customer);
            }
        } else if state.shifts.is_some() {
            self.release_scheduled_server(node, server, started)?;
        } else {
            let waiting =
                if state.discipline.is_fifo() { state.waiting.pop_front() } else { self.take_waiting(node)? };
            let state = &mut self.nodes[node];
            state.times.end(server, started, now, waiting.is_none());
            match waiting {
                Some(waiting) => self.start_service(node, waiting, server)?,
                None => state.free(server),
            }
        }
        self.release_onward(node, customer, next)
    }

    /// Lets in the customer blocked longest waiting for room at `node`, if
    /// it has room (Ciw's `release_blocked_individual`).
    #[inline(always)]
    pub(super) fn let_blocked_in(&mut self, node: usize) -> Result<(), SimError> {
        let state = &mut self.nodes[node];
        if state.blocked.is_empty() {
            return Ok(());
        }
        if !state.full()
            && let Some((from, blocked)) = state.blocked.pop_front()
        {
            self.blocked -= 1;
            // `release` clears its blocked flag.
            self.release(from as usize, blocked, Some(node))?;
        }
        Ok(())
    }
}
