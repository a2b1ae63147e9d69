//! Server schedules (Ciw's `ciw.Schedule`): the number of servers at a node
//! changes with the time of day, in shifts repeated in a cycle.

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
