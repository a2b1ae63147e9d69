//! Server schedules (Ciw's `ciw.Schedule`): the number of servers at a node
//! changes with the time of day, in shifts repeated in a cycle; and slotted
//! services (Ciw's `ciw.Slotted`): services start only at given times.

use serde::{Deserialize, Serialize};

use crate::network::Preemption;

/// Shifts of servers at a node, repeated in a cycle (Ciw's
/// `ciw.Schedule(numbers_of_servers, shift_end_dates, preemption, offset)`).
///
/// Shift `i` has `numbers_of_servers[i]` servers and ends at
/// `shift_end_dates[i]`; the last end date is the length of the cycle, which
/// then starts again. The whole schedule is shifted by `offset`, before
/// which the node has no servers (as in Ciw).
///
/// At each change of shift every server goes off duty and the new shift's
/// servers come on, with new numbers (ids keep growing, as Ciw's). What
/// happens to a customer in service then depends on `preemption`:
/// [`Preemption::Off`] lets its server finish it first (overtime, reported
/// by [`Simulation::overtime`](crate::Simulation::overtime)); the others
/// interrupt it ("interrupted service" record) and serve it again, before
/// anyone waiting, with a new service time (resample), the one it had
/// (restart) or what was left (resume), or route it on at once (reroute).
///
/// In a model file:
/// `servers = { schedule = { numbers_of_servers = [2, 1], shift_end_dates = [10.0, 30.0], preemption = "resume", offset = 0.0 } }`.
///
/// ```
/// use queue_sim::{Preemption, Schedule};
/// let day = Schedule::new(vec![2, 1], vec![10.0, 30.0]).with_preemption(Preemption::Resume);
/// assert_eq!(day.cycle_length(), 30.0);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Schedule {
    /// Servers on duty in each shift.
    pub numbers_of_servers: Vec<usize>,
    /// When each shift ends, increasing; the last is the cycle's length.
    pub shift_end_dates: Vec<f64>,
    /// What a change of shift does to the customers in service.
    #[serde(default, skip_serializing_if = "Preemption::is_off")]
    pub preemption: Preemption,
    /// When the first shift starts (no servers before).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offset: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// What is wrong with a [`Schedule`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleProblem {
    /// No shifts.
    #[error("has no shifts")]
    Empty,
    /// The two lists differ in length.
    #[error("has {numbers} numbers_of_servers but {dates} shift_end_dates")]
    Lengths {
        /// Length of `numbers_of_servers`.
        numbers: usize,
        /// Length of `shift_end_dates`.
        dates: usize,
    },
    /// An end date that is not finite and positive, or not after the one
    /// before it.
    #[error("shift_end_dates[{index}] = {date} must be finite, positive and after the previous end")]
    EndDate {
        /// Its place in the list.
        index: usize,
        /// Its value.
        date: f64,
    },
    /// An offset that is negative or not finite.
    #[error("offset {0} must be finite and not negative")]
    Offset(f64),
    /// Preemption that slots do not allow: any without `capacitated`, and
    /// `"reroute"` (as Ciw).
    #[error("slots cannot preempt with {0:?} (only capacitated slots preempt, and never by rerouting)")]
    SlotPreemption(&'static str),
    /// More servers in a shift than the engine numbers.
    #[error("numbers_of_servers[{index}] = {servers} is more than {max}")]
    TooManyServers {
        /// Its place in the list.
        index: usize,
        /// Its value.
        servers: usize,
        /// The most allowed.
        max: u32,
    },
}

impl Schedule {
    /// Shifts of `numbers_of_servers[i]` servers ending at
    /// `shift_end_dates[i]`, without preemption, from time 0.
    pub fn new(numbers_of_servers: Vec<usize>, shift_end_dates: Vec<f64>) -> Self {
        Self { numbers_of_servers, shift_end_dates, preemption: Preemption::Off, offset: 0.0 }
    }

    /// The schedule with another preemption.
    pub fn with_preemption(mut self, preemption: Preemption) -> Self {
        self.preemption = preemption;
        self
    }

    /// The schedule starting at `offset`.
    pub fn with_offset(mut self, offset: f64) -> Self {
        self.offset = offset;
        self
    }

    /// The length of the cycle: the last end date (0 for an empty schedule).
    pub fn cycle_length(&self) -> f64 {
        self.shift_end_dates.last().copied().unwrap_or(0.0)
    }

    /// Checks the schedule.
    pub fn check(&self) -> Result<(), ScheduleProblem> {
        let (numbers, dates) = (self.numbers_of_servers.len(), self.shift_end_dates.len());
        if numbers == 0 || dates == 0 {
            return Err(ScheduleProblem::Empty);
        }
        if numbers != dates {
            return Err(ScheduleProblem::Lengths { numbers, dates });
        }
        let mut previous = 0.0;
        for (index, &date) in self.shift_end_dates.iter().enumerate() {
            if !(date.is_finite() && date > previous) {
                return Err(ScheduleProblem::EndDate { index, date });
            }
            previous = date;
        }
        if !(self.offset.is_finite() && self.offset >= 0.0) {
            return Err(ScheduleProblem::Offset(self.offset));
        }
        for (index, &servers) in self.numbers_of_servers.iter().enumerate() {
            if u32::try_from(servers).is_err() {
                return Err(ScheduleProblem::TooManyServers { index, servers, max: u32::MAX });
            }
        }
        Ok(())
    }

    /// The `k`-th change of shift from the second on (`k` from 0), as Ciw's
    /// schedule generator computes it: its date, and the servers of the
    /// shift that starts at the change after it. The first change is at
    /// `offset`, to `numbers_of_servers[0]` servers.
    pub(crate) fn change(&self, k: u64) -> (f64, usize) {
        let n = self.shift_end_dates.len() as u64;
        // `as`: an index below the list's length fits a usize; the cycle
        // count is exact in an f64 for any run the event budget allows.
        let date =
            self.offset + self.shift_end_dates[(k % n) as usize] + (k / n) as f64 * self.cycle_length();
        (date, self.numbers_of_servers[((k + 1) % n) as usize])
    }
}

/// Slotted services (Ciw's `ciw.Slotted(slots, slot_sizes, capacitated,
/// preemption, offset)`): services start only at the slot times, up to
/// `slot_sizes[i]` at `slots[i]`, in a cycle as long as the last slot time,
/// shifted by `offset`. Customers wait between slots; a service, once
/// started, runs to its end whatever the slots do (there are no servers:
/// records have no server id and the node no utilisation, as in Ciw).
///
/// `capacitated`: a slot starts only as many services as its size leaves
/// room for beside those still under way; with `preemption` (capacitated
/// only, not `"reroute"`), a slot smaller than the services under way
/// interrupts the latest arrivals of the worst priority, who are served
/// again first at the next slots.
///
/// In a model file:
/// `servers = { slotted = { slots = [1.5, 4.0], slot_sizes = [2, 3], capacitated = true, preemption = "resume", offset = 0.0 } }`.
///
/// ```
/// use queue_sim::Slotted;
/// let slots = Slotted::new(vec![1.5, 4.0], vec![2, 3]);
/// assert!(slots.check().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Slotted {
    /// When services may start, increasing; the last is the cycle's length.
    pub slots: Vec<f64>,
    /// How many services may start at each slot.
    pub slot_sizes: Vec<usize>,
    /// Whether a slot's size counts the services still under way.
    #[serde(default, skip_serializing_if = "is_false")]
    pub capacitated: bool,
    /// What a capacitated slot does to services beyond its size.
    #[serde(default, skip_serializing_if = "Preemption::is_off")]
    pub preemption: Preemption,
    /// When the cycle starts.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offset: f64,
}

fn is_false(x: &bool) -> bool {
    !*x
}

impl Slotted {
    /// Slots at `slots` of `slot_sizes` services, not capacitated, without
    /// preemption, from time 0.
    pub fn new(slots: Vec<f64>, slot_sizes: Vec<usize>) -> Self {
        Self { slots, slot_sizes, capacitated: false, preemption: Preemption::Off, offset: 0.0 }
    }

    /// The slots, capacitated, with `preemption`.
    pub fn capacitated(mut self, preemption: Preemption) -> Self {
        self.capacitated = true;
        self.preemption = preemption;
        self
    }

    /// The slots starting at `offset`.
    pub fn with_offset(mut self, offset: f64) -> Self {
        self.offset = offset;
        self
    }

    /// Checks the slots (reusing [`ScheduleProblem`], whose end dates are
    /// here the slot times and numbers of servers the slot sizes).
    pub fn check(&self) -> Result<(), ScheduleProblem> {
        let as_schedule = Schedule {
            numbers_of_servers: self.slot_sizes.clone(),
            shift_end_dates: self.slots.clone(),
            preemption: Preemption::Off,
            offset: self.offset,
        };
        as_schedule.check()?;
        match self.preemption {
            Preemption::Off => Ok(()),
            Preemption::Reroute => Err(ScheduleProblem::SlotPreemption("reroute")),
            _ if !self.capacitated => Err(ScheduleProblem::SlotPreemption(self.preemption.as_str())),
            _ => Ok(()),
        }
    }

    /// The `k`-th slot (from 0): its time and size, as Ciw's generator
    /// gives them.
    pub(crate) fn slot(&self, k: u64) -> (f64, usize) {
        let n = self.slots.len() as u64;
        let cycle = self.slots.last().copied().unwrap_or(0.0);
        // `as`: as in `Schedule::change`.
        let date = self.offset + self.slots[(k % n) as usize] + (k / n) as f64 * cycle;
        (date, self.slot_sizes[(k % n) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_follow_ciws_generator() {
        let s = Schedule::new(vec![2, 1, 3], vec![10.0, 25.0, 30.0]).with_offset(5.0);
        let got: Vec<(f64, usize)> = (0..7).map(|k| s.change(k)).collect();
        assert_eq!(got, [(15.0, 1), (30.0, 3), (35.0, 2), (45.0, 1), (60.0, 3), (65.0, 2), (75.0, 1)]);
    }

    #[test]
    fn slots_follow_ciws_generator() {
        let s = Slotted::new(vec![1.5, 4.0], vec![2, 3]).with_offset(1.0);
        let got: Vec<(f64, usize)> = (0..5).map(|k| s.slot(k)).collect();
        assert_eq!(got, [(2.5, 2), (5.0, 3), (6.5, 2), (9.0, 3), (10.5, 2)]);
        assert_eq!(
            Slotted::new(vec![1.0], vec![1]).capacitated(Preemption::Reroute).check(),
            Err(ScheduleProblem::SlotPreemption("reroute"))
        );
        let mut uncapped = Slotted::new(vec![1.0], vec![1]);
        uncapped.preemption = Preemption::Resume;
        assert_eq!(uncapped.check(), Err(ScheduleProblem::SlotPreemption("resume")));
    }

    #[test]
    fn bad_schedules_say_what_is_wrong() {
        assert_eq!(Schedule::new(vec![], vec![]).check(), Err(ScheduleProblem::Empty));
        assert_eq!(
            Schedule::new(vec![1, 2], vec![3.0]).check(),
            Err(ScheduleProblem::Lengths { numbers: 2, dates: 1 })
        );
        assert_eq!(
            Schedule::new(vec![1, 2], vec![3.0, 3.0]).check(),
            Err(ScheduleProblem::EndDate { index: 1, date: 3.0 })
        );
        assert!(matches!(
            Schedule::new(vec![1], vec![f64::NAN]).check(),
            Err(ScheduleProblem::EndDate { index: 0, .. })
        ));
        assert_eq!(
            Schedule::new(vec![1], vec![3.0]).with_offset(-1.0).check(),
            Err(ScheduleProblem::Offset(-1.0))
        );
        assert!(Schedule::new(vec![0, 4], vec![1.0, 2.5]).check().is_ok());
    }
}
