//! Server schedules (Ciw's `ciw.Schedule`): the number of servers at a node
//! changes with the time of day, in shifts repeated in a cycle; and slotted
//! services (Ciw's `ciw.Slotted`): services start only at given times.

use serde::{Deserialize, Serialize};

use crate::preemption::Preemption;

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

/// Which of the two cycles a [`ScheduleProblem`] is about, so that its
/// message names the lists as the model file does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cycle {
    /// A [`Schedule`]: `numbers_of_servers` and `shift_end_dates`.
    Schedule,
    /// A [`Slotted`] service: `slot_sizes` and `slots`.
    Slots,
}

impl Cycle {
    /// What the cycle is called in messages.
    fn name(self) -> &'static str {
        match self {
            Self::Schedule => "server schedule",
            Self::Slots => "slotted service",
        }
    }

    /// The name of its list of sizes.
    fn sizes(self) -> &'static str {
        match self {
            Self::Schedule => "numbers_of_servers",
            Self::Slots => "slot_sizes",
        }
    }

    /// The name of its list of dates.
    fn dates(self) -> &'static str {
        match self {
            Self::Schedule => "shift_end_dates",
            Self::Slots => "slots",
        }
    }
}

/// What is wrong with a [`Schedule`] or a [`Slotted`] service; each message
/// names the lists as the model file spells them.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleProblem {
    /// No shifts, or no slots.
    #[error("the {} has no {}", .of.name(), .of.dates())]
    Empty {
        /// A schedule's or slots'.
        of: Cycle,
    },
    /// The two lists differ in length.
    #[error("the {} has {sizes} {} but {dates} {}", .of.name(), .of.sizes(), .of.dates())]
    Lengths {
        /// A schedule's or slots'.
        of: Cycle,
        /// Length of the sizes (`numbers_of_servers`, `slot_sizes`).
        sizes: usize,
        /// Length of the dates (`shift_end_dates`, `slots`).
        dates: usize,
    },
    /// A date that is not finite and positive, or not after the one
    /// before it.
    #[error(
        "the {}'s {}[{index}] = {date} must be finite, positive and after the one before it",
        .of.name(),
        .of.dates()
    )]
    EndDate {
        /// A schedule's or slots'.
        of: Cycle,
        /// Its place in the list.
        index: usize,
        /// Its value.
        date: f64,
    },
    /// An offset that is negative or not finite.
    #[error("the {}'s offset {offset} must be finite and not negative", .of.name())]
    Offset {
        /// A schedule's or slots'.
        of: Cycle,
        /// Its value.
        offset: f64,
    },
    /// A cycle so short beside its offset that adding it to the clock
    /// does not move the clock: the run could never get past it.
    #[error(
        "the {}'s cycle of {cycle:e} is too short to move a clock at {offset:e} (its offset): \
         dates are 64-bit floats",
        .of.name()
    )]
    TooShort {
        /// A schedule's or slots'.
        of: Cycle,
        /// The cycle's length (the last date).
        cycle: f64,
        /// The offset.
        offset: f64,
    },
    /// Preemption that slots do not allow: any without `capacitated`, and
    /// `"reroute"` (as Ciw).
    #[error(
        "the slotted service cannot preempt with {0:?} (only capacitated slots preempt, and never by rerouting)"
    )]
    SlotPreemption(&'static str),
    /// More servers in a shift (or services in a slot) than the engine
    /// numbers.
    #[error("the {}'s {}[{index}] = {servers} is more than {max}", .of.name(), .of.sizes())]
    TooManyServers {
        /// A schedule's or slots'.
        of: Cycle,
        /// Its place in the list.
        index: usize,
        /// Its value.
        servers: usize,
        /// The most allowed.
        max: u32,
    },
}

/// Checks one cycle of sizes and dates (a schedule's or slots').
fn check_cycle(of: Cycle, sizes: &[usize], dates: &[f64], offset: f64) -> Result<(), ScheduleProblem> {
    if sizes.is_empty() || dates.is_empty() {
        return Err(ScheduleProblem::Empty { of });
    }
    if sizes.len() != dates.len() {
        return Err(ScheduleProblem::Lengths { of, sizes: sizes.len(), dates: dates.len() });
    }
    let mut previous = 0.0;
    for (index, &date) in dates.iter().enumerate() {
        if !(date.is_finite() && date > previous) {
            return Err(ScheduleProblem::EndDate { of, index, date });
        }
        previous = date;
    }
    if !(offset.is_finite() && offset >= 0.0) {
        return Err(ScheduleProblem::Offset { of, offset });
    }
    // The dates after the first cycle are `offset + date + k * cycle`:
    // a cycle that does not move the clock from its offset would repeat
    // one instant for ever.
    let cycle = previous;
    if offset + cycle == offset || offset + dates[0] == offset {
        return Err(ScheduleProblem::TooShort { of, cycle, offset });
    }
    for (index, &servers) in sizes.iter().enumerate() {
        if u32::try_from(servers).is_err() {
            return Err(ScheduleProblem::TooManyServers { of, index, servers, max: u32::MAX });
        }
    }
    Ok(())
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
        check_cycle(Cycle::Schedule, &self.numbers_of_servers, &self.shift_end_dates, self.offset)
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

    /// Checks the slots.
    pub fn check(&self) -> Result<(), ScheduleProblem> {
        check_cycle(Cycle::Slots, &self.slot_sizes, &self.slots, self.offset)?;
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
        let of = Cycle::Schedule;
        assert_eq!(Schedule::new(vec![], vec![]).check(), Err(ScheduleProblem::Empty { of }));
        assert_eq!(
            Schedule::new(vec![1, 2], vec![3.0]).check(),
            Err(ScheduleProblem::Lengths { of, sizes: 2, dates: 1 })
        );
        assert_eq!(
            Schedule::new(vec![1, 2], vec![3.0, 3.0]).check(),
            Err(ScheduleProblem::EndDate { of, index: 1, date: 3.0 })
        );
        assert!(matches!(
            Schedule::new(vec![1], vec![f64::NAN]).check(),
            Err(ScheduleProblem::EndDate { index: 0, .. })
        ));
        assert_eq!(
            Schedule::new(vec![1], vec![3.0]).with_offset(-1.0).check(),
            Err(ScheduleProblem::Offset { of, offset: -1.0 })
        );
        assert!(Schedule::new(vec![0, 4], vec![1.0, 2.5]).check().is_ok());
        // A cycle below the clock's resolution would repeat one instant.
        assert_eq!(
            Schedule::new(vec![1], vec![1e-300]).check(),
            Ok(()),
            "tiny but representable from 0: the clock moves"
        );
        assert_eq!(
            Schedule::new(vec![1], vec![1e-300]).with_offset(1.0).check(),
            Err(ScheduleProblem::TooShort { of, cycle: 1e-300, offset: 1.0 })
        );
    }

    #[test]
    fn bad_slots_name_the_slot_lists() {
        let messages: Vec<String> = [
            Slotted::new(vec![], vec![]),
            Slotted::new(vec![1.0], vec![1, 2]),
            Slotted::new(vec![2.0, 1.0], vec![1, 1]),
            Slotted::new(vec![1.0], vec![1]).with_offset(f64::INFINITY),
        ]
        .iter()
        .map(|s| s.check().unwrap_err().to_string())
        .collect();
        assert_eq!(
            messages,
            [
                "the slotted service has no slots",
                "the slotted service has 2 slot_sizes but 1 slots",
                "the slotted service's slots[1] = 1 must be finite, positive and after the one before it",
                "the slotted service's offset inf must be finite and not negative",
            ]
        );
        assert_eq!(
            Schedule::new(vec![1, 2], vec![3.0]).check().unwrap_err().to_string(),
            "the server schedule has 2 numbers_of_servers but 1 shift_end_dates"
        );
    }
}
