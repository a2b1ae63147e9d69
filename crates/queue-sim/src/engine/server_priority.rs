//! Server priorities (Ciw's `server_priority_functions` in
//! `find_free_server`): a customer who joins a node whose servers are
//! chosen by a priority takes the free server of the lowest value, the
//! lowest numbered among equals (Ciw sorts its server list, stably, by the
//! function). Nodes with the default, the lowest number, never come here.

use crate::behaviour::{QueuedCustomer, ServerPriority, ServerState};
use crate::error::SimError;
use crate::random::RandomSource;

use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Takes the free server of `node` that `customer` prefers, if any.
    pub(super) fn take_prioritised_server(
        &mut self,
        node: usize,
        customer: u32,
    ) -> Result<Option<u32>, SimError> {
        let state = &self.nodes[node];
        let c = &self.customers[customer];
        // `as`: u32 to usize widens.
        let queued = QueuedCustomer { id: c.id, class: c.class as usize, arrival: c.arrival };
        let mut best: Option<(f64, u32)> = None;
        for server in state.free_servers.prioritised() {
            let value = match &state.server_priority {
                ServerPriority::LowestId => f64::from(server),
                ServerPriority::HighestId => -f64::from(server),
                ServerPriority::LeastBusy => state.times.finished(server),
                ServerPriority::Custom(f) => {
                    let seen = ServerState { id: server + 1, busy_time: state.times.finished(server) };
                    f.0.priority(&seen, &queued)
                }
            };
            if value.is_nan() {
                return Err(SimError::InvalidPriority { node, time: self.now, server: server + 1 });
            }
            if best.is_none_or(|(b, _)| value < b) {
                best = Some((value, server));
            }
        }
        if let Some((_, server)) = best {
            self.nodes[node].free_servers.take(server);
        }
        Ok(best.map(|(_, server)| server))
    }
}
