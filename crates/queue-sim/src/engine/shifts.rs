//! Server schedules at run time (Ciw's `change_shift`,
//! `take_servers_off_duty`, `add_new_servers`, `kill_server` and
//! `begin_service_if_possible_change_shift`): at each change of shift every
//! server goes off duty and the new shift's servers come on with new ids.
//!
//! Servers are numbered as Ciw numbers them (from 0 here, from 1 in
//! records), and ids only grow, so the servers on duty are always the ids
//! from `first_on_duty` on; an id below it is off duty and goes when its
//! customer leaves (overtime). Without preemption a change of shift lets
//! busy servers finish; with it, each customer in service is interrupted
//! (an "interrupted service" record) and waits in `interrupted`, served
//! again before anyone waiting, or is rerouted at once.
//!
//! Two choices where Ciw 3.2.7 misbehaves (README, "Known differences"): a
//! customer blocked after its service keeps its server until it leaves, as
//! without preemption, where Ciw interrupts it while it is still queued for
//! its destination; and an off-duty server whose customer is let in by
//! another node's event is retired at that moment, where Ciw dates it by
//! its own node's next event.

use crate::error::SimError;
use crate::preemption::Preemption;
use crate::random::RandomSource;
use crate::schedule::Schedule;

use super::customers::NO_SERVER;
use super::event::EventKind;
use super::node::{NOBODY, NodeState, ServerTimes, repeated_add};
use super::state::Simulation;

/// The shifts of one scheduled node.
#[derive(Clone, Debug)]
pub(crate) struct Shifts {
    schedule: Schedule,
    /// The next change of shift to compute ([`Schedule::change`]).
    next_change: u64,
    /// Servers in the shift after the current one.
    next_c: u32,
    /// Servers in the current shift (Ciw's `c`).
    pub(crate) c: u32,
    /// The first id of the current shift's servers.
    pub(crate) first_on_duty: u32,
    /// One past the highest id given so far.
    next_id: u32,
    /// When the current shift's servers came on duty.
    on_duty_since: f64,
    /// When the last change of shift happened (Ciw's `shift_end` of every
    /// server then on the list).
    last_change: f64,
    /// Off-duty servers still serving, by id: (id, when it came on duty).
    off_duty: Vec<(u32, f64)>,
    /// Customers whose service a change of shift interrupted, in the order
    /// they are served again (Ciw's `interrupted_individuals`).
    pub(crate) interrupted: Vec<u32>,
    /// Servers gone off duty, in the order they went: (busy time, total time).
    /// Servers gone off duty: their busy and total times summed in the
    /// order they went (Ciw keeps the lists and sums them in that order).
    retired_busy: f64,
    retired_total: f64,
    /// Ciw's `overtime`: per retired server, how long after its shift
    /// ended, as runs of equal values (a shift's free servers all retire
    /// with 0), so that a node of many servers costs memory per run.
    overtime: Vec<(f64, u64)>,
}

impl Shifts {
    /// The shifts of `schedule`, before its first change (no servers).
    pub(crate) fn new(schedule: &Schedule) -> Self {
        // Validation keeps every number of servers within a u32.
        let first = u32::try_from(schedule.numbers_of_servers[0]).unwrap_or(u32::MAX);
        Self {
            schedule: schedule.clone(),
            next_change: 0,
            next_c: first,
            c: 0,
            first_on_duty: 0,
            next_id: 0,
            on_duty_since: 0.0,
            last_change: 0.0,
            off_duty: Vec::new(),
            interrupted: Vec::new(),
            retired_busy: 0.0,
            retired_total: 0.0,
            overtime: Vec::new(),
        }
    }

    /// When the first change of shift happens.
    pub(crate) fn first_change(&self) -> f64 {
        self.schedule.offset
    }

    /// Whether any shift has servers.
    pub(crate) fn ever_serves(&self) -> bool {
        self.schedule.numbers_of_servers.iter().any(|&c| c > 0)
    }

    /// Utilisation as Ciw's `find_server_utilisation` sums it for a
    /// scheduled node: the retired servers in the order they went, then
    /// the servers present, by id, each up to `now`; `None` when the
    /// current shift has no servers (as Ciw).
    pub(crate) fn utilisation(&self, now: f64, times: &ServerTimes) -> Option<f64> {
        if self.c == 0 {
            return None;
        }
        let (mut busy, mut total) = (self.retired_busy, self.retired_total);
        // Servers from `used` on never served: each adds 0 busy time and
        // the same total, the last in the list, so they are added in one
        // step, bit for bit as one by one (a shift may have billions).
        let used = times.used().clamp(self.first_on_duty, self.next_id);
        let off = self.off_duty.iter().map(|&(id, since)| (id, since));
        for (id, since) in off.chain((self.first_on_duty..used).map(|id| (id, self.on_duty_since))) {
            busy += times.busy_up_to_one(id, now);
            total += now - since;
        }
        total = repeated_add(total, now - self.on_duty_since, u64::from(self.next_id - used));
        Some(busy / total)
    }

    /// The servers present, in Ciw's list order (by id): (id, when it came
    /// on duty, whether it is off duty).
    pub(crate) fn present(&self) -> impl Iterator<Item = (u32, f64, bool)> + '_ {
        let off = self.off_duty.iter().map(|&(id, since)| (id, since, true));
        off.chain((self.first_on_duty..self.next_id).map(|id| (id, self.on_duty_since, false)))
    }

    /// Retires the `count` servers from `first` on, which have never
    /// served, at `now`, as many calls of [`Shifts::retire`] would.
    fn retire_unused(&mut self, count: u64, since: f64, now: f64) {
        if count == 0 {
            return;
        }
        // Their busy times are 0: adding them changes nothing.
        self.retired_total = repeated_add(self.retired_total, now - since, count);
        let overtime = now - self.last_change;
        match self.overtime.last_mut() {
            Some((value, n)) if value.to_bits() == overtime.to_bits() => *n += count,
            _ => self.overtime.push((overtime, count)),
        }
    }

    /// Retires server `id`, off duty, at `now`.
    fn retire(&mut self, id: u32, since: f64, now: f64, times: &ServerTimes) {
        self.retired_busy += times.finished(id);
        self.retired_total += now - since;
        let overtime = now - self.last_change;
        match self.overtime.last_mut() {
            Some((value, count)) if value.to_bits() == overtime.to_bits() => *count += 1,
            _ => self.overtime.push((overtime, 1)),
        }
    }
}

impl<R: RandomSource> Simulation<R> {
    /// The servers of `node` change shift (Ciw's `change_shift`).
    pub(super) fn change_shift(&mut self, node: usize) -> Result<(), SimError> {
        let now = self.now;
        let state = &mut self.nodes[node];
        let Some(sh) = state.shifts.as_mut() else { return Ok(()) };
        sh.c = sh.next_c;
        let (date, next) = sh.schedule.change(sh.next_change);
        sh.next_change += 1;
        sh.next_c = u32::try_from(next).unwrap_or(u32::MAX);
        sh.last_change = now;
        let mode = sh.schedule.preemption;
        // `as`: validation keeps node numbers within a u32.
        self.events.push(date, EventKind::ShiftChange { node: node as u32 });
        self.take_off_duty(node, mode)?;
        self.bring_on_duty(node)
    }

    /// Every server of `node` goes off duty (Ciw's `take_servers_off_duty`
    /// then its `kill_server` calls).
    fn take_off_duty(&mut self, node: usize, mode: Preemption) -> Result<(), SimError> {
        let now = self.now;
        let state = &mut self.nodes[node];
        let Some(sh) = state.shifts.as_mut() else { return Ok(()) };
        let (first, end, since) = (sh.first_on_duty, sh.next_id, sh.on_duty_since);
        // Nobody takes a server of the ending shift from now on.
        state.free_servers = state.free_servers.emptied();
        // Server by server in Ciw's list order (ids), each retired as it
        // goes: free ones at once, busy ones after their interruption, or
        // when their customer leaves. Servers from `used` on never served:
        // they go after the others, in one step.
        let used = self.nodes[node].times.used().clamp(first, end);
        for id in first..used {
            let state = &mut self.nodes[node];
            let customer = state.holder(id);
            if customer != NOBODY {
                if mode == Preemption::Off || self.customers[customer].blocked {
                    state.shifts.as_mut().expect("scheduled").off_duty.push((id, since));
                    continue;
                }
                self.interrupt_for_shift(node, customer, id, mode)?;
            }
            let state = &mut self.nodes[node];
            state.shifts.as_mut().expect("scheduled").retire(id, since, now, &state.times);
        }
        let state = &mut self.nodes[node];
        let sh = state.shifts.as_mut().expect("scheduled");
        sh.retire_unused(u64::from(end - used), since, now);
        sh.off_duty.sort_unstable_by_key(|&(id, _)| id);
        if mode != Preemption::Off && sh.interrupted.len() > 1 {
            // Ciw's `sort_interrupted_individuals`: by priority, then
            // arrival at the node; stable.
            let mut interrupted = std::mem::take(&mut sh.interrupted);
            let (customers, lane_of) = (&self.customers, &self.lane_of);
            interrupted.sort_by(|&a, &b| {
                let (a, b) = (&customers[a], &customers[b]);
                (lane_of[a.class as usize], a.arrival)
                    .partial_cmp(&(lane_of[b.class as usize], b.arrival))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            self.nodes[node].shifts.as_mut().expect("scheduled").interrupted = interrupted;
        }
        Ok(())
    }

    /// A change of shift interrupts `customer`'s service on server `id`:
    /// an "interrupted service" record, then it waits to be served again
    /// or, with `"reroute"`, goes on at once.
    fn interrupt_for_shift(
        &mut self,
        node: usize,
        customer: u32,
        id: u32,
        mode: Preemption,
    ) -> Result<(), SimError> {
        let now = self.now;
        let destination = self.interrupt(node, customer, Some(id), mode == Preemption::Reroute)?;
        let started = self.customers[customer].service_start;
        let state = &mut self.nodes[node];
        state.release_hold(id);
        match destination {
            Some(to) => {
                // Rerouted: its server was busy until now (Ciw's release
                // detaches it), and it leaves the node at once.
                state.times.end(id, started, now, true);
                self.reroute_interrupted(node, customer, to)?;
            }
            None => {
                let c = &mut self.customers[customer];
                c.server = NO_SERVER;
                c.interrupted = true;
                if mode == Preemption::Resume {
                    c.service_time = c.service_end() - now;
                }
                state.shifts.as_mut().expect("scheduled").interrupted.push(customer);
            }
        }
        Ok(())
    }

    /// The new shift's servers come on duty and serve the interrupted
    /// customers first, then whoever the discipline chooses (Ciw's
    /// `add_new_servers` and `begin_service_if_possible_change_shift`).
    fn bring_on_duty(&mut self, node: usize) -> Result<(), SimError> {
        let now = self.now;
        let state = &mut self.nodes[node];
        let Some(sh) = state.shifts.as_mut() else { return Ok(()) };
        let first = sh.next_id;
        // Ids up to `NO_SERVER - 1` (the mark for no server, `u32::MAX`),
        // so `end` may reach `NO_SERVER`: 2^32 - 1 servers in all, as many
        // as `checked_add` allows.
        const _: () = assert!(NO_SERVER == u32::MAX);
        let Some(end) = first.checked_add(sh.c) else {
            return Err(SimError::ServerIds { node, time: now });
        };
        sh.first_on_duty = first;
        sh.next_id = end;
        sh.on_duty_since = now;
        let c = sh.c;
        // Servers below the oldest present are gone for good.
        let oldest = sh.off_duty.iter().map(|&(id, _)| id).min().unwrap_or(first);
        state.forget_servers_below(oldest);
        state.servers = Some(c);
        state.free_servers = state.free_servers.range(first, end);
        for _ in first..end {
            let state = &mut self.nodes[node];
            let sh = state.shifts.as_mut().expect("scheduled");
            if !sh.interrupted.is_empty() {
                let customer = sh.interrupted.remove(0);
                let server = state.free_servers.take_lowest().expect("a server of the new shift");
                self.serve_again(node, customer, server)?;
                continue;
            }
            let Some(customer) = self.take_waiting(node)? else { break };
            let server = self.nodes[node].free_servers.take_lowest().expect("a server of the new shift");
            self.start_service(node, customer, server)?;
        }
        Ok(())
    }

    /// `customer`, interrupted by a change of shift, is served again on
    /// `server` (Ciw's `begin_interrupted_individuals_service`).
    fn serve_again(&mut self, node: usize, customer: u32, server: u32) -> Result<(), SimError> {
        let mode = self.nodes[node].shifts.as_ref().map_or(Preemption::Resample, |s| s.schedule.preemption);
        self.customers[customer].interrupted = false;
        let duration = match mode {
            Preemption::Restart | Preemption::Resume => self.customers[customer].service_time,
            _ => self.draw_service_time(node, customer)?,
        };
        self.start_service_lasting(node, customer, server, duration);
        Ok(())
    }

    /// `server` of scheduled `node` has finished its customer's service
    /// (started at `started`): an off-duty server goes; one on duty serves
    /// an interrupted customer first, then whoever waits.
    #[cold]
    #[inline(never)]
    pub(super) fn release_scheduled_server(
        &mut self,
        node: usize,
        server: u32,
        started: f64,
    ) -> Result<(), SimError> {
        let now = self.now;
        let state = &mut self.nodes[node];
        state.times.end(server, started, now, true);
        let sh = state.shifts.as_mut().expect("scheduled");
        if server < sh.first_on_duty {
            if let Some(place) = sh.off_duty.iter().position(|&(id, _)| id == server) {
                let (_, since) = sh.off_duty.remove(place);
                sh.retire(server, since, now, &state.times);
            }
            state.release_hold(server);
            return Ok(());
        }
        if !sh.interrupted.is_empty() {
            let customer = sh.interrupted.remove(0);
            return self.serve_again(node, customer, server);
        }
        match self.take_waiting(node)? {
            Some(waiting) => self.start_service(node, waiting, server),
            None => {
                self.nodes[node].free(server);
                Ok(())
            }
        }
    }
}

impl NodeState {
    /// Ciw's `overtime` of a scheduled node (empty otherwise).
    pub(crate) fn overtime(&self) -> Vec<f64> {
        let runs = self.shifts.as_ref().map_or(&[][..], |s| &s.overtime);
        runs.iter()
            .flat_map(|&(value, count)| {
                std::iter::repeat_n(value, usize::try_from(count).unwrap_or(usize::MAX))
            })
            .collect()
    }
}
