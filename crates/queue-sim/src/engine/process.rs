//! Process-based routing (Ciw's `ProcessBased` and `FlexibleProcessBased`):
//! each customer of such a class gets its route from the class's function
//! when it arrives from outside, and follows it stage by stage; every other
//! class is routed by `Routes`. This file also picks between the two for
//! each departure.

use std::collections::VecDeque;

use crate::behaviour::QueuedCustomer;
use crate::error::SimError;
use crate::random::RandomSource;
use crate::routers::{Choice, Rule};

use super::state::Simulation;

impl<R: RandomSource> Simulation<R> {
    /// Where `customer` (of `class`, leaving `node`) goes next: its own
    /// route's next stage for a process-based class, else its class's
    /// router. `None`: the exit.
    #[inline(always)]
    pub(super) fn next_node(
        &mut self,
        customer: u32,
        class: usize,
        node: usize,
    ) -> Result<Option<usize>, SimError> {
        if !self.process.is_empty() && self.process[class].is_some() {
            return self.next_stage(customer, class, node);
        }
        let customers = &self.customers;
        let who = || (customers[customer].id, customers[customer].arrival);
        self.routes.choose(class, node, &mut self.rng, &self.nodes, who, self.now)
    }

    /// A new customer of a process-based `class` arriving at `node`: its
    /// route, drawn now (before the capacity checks, as Ciw); `None` for
    /// other classes.
    pub(super) fn draw_route(
        &mut self,
        id: u64,
        class: usize,
        node: usize,
    ) -> Result<Option<VecDeque<Vec<u32>>>, SimError> {
        let Some(process) = self.process.get(class).and_then(Option::as_ref) else { return Ok(None) };
        let f = process.function.clone();
        let customer = QueuedCustomer { id, class, arrival: self.now };
        let stages = f.0.route(&customer, node, &mut self.rng);
        let nodes = self.nodes.len();
        let mut route = VecDeque::with_capacity(stages.len());
        for (place, stage) in stages.into_iter().enumerate() {
            if stage.is_empty() {
                return Err(SimError::EmptyRouteStage { node, class, stage: place, time: self.now });
            }
            if let Some(&to) = stage.iter().find(|&&to| to >= nodes) {
                return Err(SimError::InvalidRoute { node, class, to, nodes, time: self.now });
            }
            // `as`: nodes are below u32::MAX (checked when routing was built).
            route.push_back(stage.into_iter().map(|n| n as u32).collect());
        }
        Ok(Some(route))
    }

    /// Keeps `route` for the customer in `slot`.
    pub(super) fn keep_route(&mut self, slot: u32, route: VecDeque<Vec<u32>>) {
        // `as`: u32 to usize widens.
        let i = slot as usize;
        if self.process_routes.len() <= i {
            self.process_routes.resize(i + 1, VecDeque::new());
        }
        self.process_routes[i] = route;
    }

    /// The next stage of `customer`'s route (Ciw's `next_node`): an empty
    /// route leaves; a fixed route takes the stage's first node; a flexible
    /// one chooses within the stage (one draw) and drops the stage after
    /// any node, or after all of them.
    fn next_stage(&mut self, customer: u32, class: usize, _node: usize) -> Result<Option<usize>, SimError> {
        let flexible = self.process[class].as_ref().and_then(|p| p.flexible);
        // `as`: u32 to usize widens.
        let slot = customer as usize;
        let Some(stage) = self.process_routes.get(slot).and_then(|r| r.front()) else { return Ok(None) };
        let Some((choice, rule)) = flexible else {
            let to = stage.first().copied();
            self.process_routes[slot].pop_front();
            return Ok(to.map(|t| t as usize));
        };
        if stage.is_empty() {
            self.process_routes[slot].pop_front();
            return Ok(None);
        }
        let size = |t: u32| {
            let n = &self.nodes[t as usize];
            match choice {
                Choice::ShortestQueue => n.waiting.len(),
                _ => n.in_node,
            }
        };
        let place = match choice {
            Choice::Random => self.rng.index(stage.len()),
            Choice::ShortestQueue | Choice::LoadBalancing => {
                let least = stage.iter().map(|&t| size(t)).min().unwrap_or(0);
                let ties: Vec<usize> = (0..stage.len()).filter(|&i| size(stage[i]) == least).collect();
                ties[self.rng.index(ties.len())]
            }
        };
        let to = stage[place];
        let route = &mut self.process_routes[slot];
        match rule {
            Rule::Any => {
                route.pop_front();
            }
            Rule::All => {
                let stage = route.front_mut().expect("a stage was chosen from");
                let first = stage.iter().position(|&t| t == to).expect("the node chosen is in its stage");
                stage.remove(first);
                if stage.is_empty() {
                    route.pop_front();
                }
            }
        }
        Ok(Some(to as usize))
    }
}
