//! Routing as Ciw routes: which uniform draw picks which destination, and
//! when a departure draws at all. A scripted random source stands in for the
//! generator so that the draws are exact and can be counted. And which models
//! the check before a run to a customer count calls traps.

use std::cell::Cell;
use std::rc::Rc;

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, RandomSource, Servers, SimError, Simulation,
};

/// Returns `value` for every uniform draw and counts them. The models below
/// use deterministic times only, so routing makes every draw.
struct Scripted {
    value: f64,
    uniforms: Rc<Cell<usize>>,
}

const ONLY_UNIFORMS: &str = "the routing tests' models draw only routing uniforms";

impl RandomSource for Scripted {
    fn ciw_conventions(&self) -> bool {
        true
    }
    fn uniform01(&mut self) -> f64 {
        self.uniforms.set(self.uniforms.get() + 1);
        self.value
    }
    fn exponential(&mut self, _: f64) -> f64 {
        panic!("{ONLY_UNIFORMS}")
    }
    fn normal(&mut self, _: f64, _: f64) -> f64 {
        panic!("{ONLY_UNIFORMS}")
    }
    fn gamma(&mut self, _: f64, _: f64) -> f64 {
        panic!("{ONLY_UNIFORMS}")
    }
    fn weibull(&mut self, _: f64, _: f64) -> f64 {
        panic!("{ONLY_UNIFORMS}")
    }
    fn triangular(&mut self, _: f64, _: f64, _: f64) -> f64 {
        panic!("{ONLY_UNIFORMS}")
    }
}

/// `nodes` one-server nodes with these routing rows (none: everyone leaves
/// after one service); arrivals every time unit at the first node only,
/// services of 0.4 units everywhere (so that no two events meet, which in
/// Ciw mode would draw to break the tie).
fn network(nodes: usize, routing: Vec<Vec<f64>>) -> Network {
    let at = |node: usize| {
        ClassAtNode::new(
            (node == 0).then_some(Distribution::Deterministic { value: 1.0 }),
            Distribution::Deterministic { value: 0.4 },
        )
    };
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)); nodes],
        vec![CustomerClass::new("Customer".to_owned(), (0..nodes).map(at).collect(), routing)],
    )
}

/// The (node, destination) of each service that ended by `until` (nodes
/// from 1, -1 for the exit), and the number of uniforms drawn, with every
/// draw `u`.
fn run(nodes: usize, routing: Vec<Vec<f64>>, u: f64, until: f64) -> (Vec<(u32, i32)>, usize) {
    let uniforms = Rc::new(Cell::new(0));
    let source = Scripted { value: u, uniforms: Rc::clone(&uniforms) };
    let mut sim = Simulation::with_rng(&network(nodes, routing), source).unwrap();
    sim.run_until(until).unwrap();
    let destinations = sim.records().iter().map(|r| (r.node, r.destination.unwrap())).collect();
    (destinations, uniforms.get())
}

#[test]
fn a_draw_picks_the_first_entry_whose_running_sum_reaches_it() {
    // From node 1: to node 1 with probability 0, to node 2 with 0.5, else out.
    let rows = || vec![vec![0.0, 0.5], vec![0.0, 0.0]];
    // Customers arrive at 1, 2, 3, 4; services end 0.4 later.
    let (to, draws) = run(2, rows(), 0.25, 4.75);
    // Node 1 sends each to node 2 (a draw), node 2 lets it out (no draw).
    assert_eq!(to, [(1, 2), (2, -1), (1, 2), (2, -1), (1, 2), (2, -1), (1, 2)]);
    assert_eq!(draws, 4);
    let (to, _) = run(2, rows(), 0.5, 4.75);
    assert_eq!(to[0], (1, 2), "a draw equal to a running sum stops on that entry");
    let (to, _) = run(2, rows(), 0.75, 4.75);
    assert_eq!(to, [(1, -1); 4]);
}

#[test]
fn a_draw_of_exactly_zero_stops_on_the_first_entry_even_at_probability_zero() {
    // Ciw's walk (`while u > running sum`) stops at once when u is 0, so the
    // customer goes back to node 1, though that entry's probability is 0.
    let (to, draws) = run(2, vec![vec![0.0, 0.5], vec![0.0, 0.0]], 0.0, 2.3);
    assert_eq!(to, [(1, 1); 3]);
    assert_eq!(draws, 3);
}

#[test]
fn a_departure_draws_unless_every_entry_of_its_row_is_exactly_zero() {
    // An entry too small to move the exit's probability off 1 still makes
    // Ciw draw: its shortcut needs every entry zero *and* the exit at 1.
    let tiny = 1e-17;
    assert_eq!(1.0 - tiny, 1.0, "the case meant: the exit rounds to 1");
    let (to, draws) = run(1, vec![vec![tiny]], 0.5, 4.75);
    assert_eq!(to, [(1, -1); 4]);
    assert_eq!(draws, 4, "one draw per departure");
    // A row of zeros, or no routing at all, sends everyone out without a draw.
    assert_eq!(run(1, vec![vec![0.0]], 0.5, 4.75), (vec![(1, -1); 4], 0));
    assert_eq!(run(1, vec![], 0.5, 4.75), (vec![(1, -1); 4], 0));
}

/// Runs `network` to `customers` completions with the default generator.
fn run_to_customers(network: &Network, customers: u64) -> Result<u64, SimError> {
    let mut sim = Simulation::new(network, 1)?;
    sim.run_until_customers(customers)?;
    Ok(sim.completed())
}

#[test]
fn a_node_that_sends_some_customers_back_and_lets_the_rest_out_is_no_trap() {
    // Half come back for another service, half leave: a count is reached.
    assert_eq!(run_to_customers(&network(1, vec![vec![0.5]]), 10).unwrap(), 10);
    // Everyone comes back: nobody ever completes, and the run says so.
    let err = run_to_customers(&network(1, vec![vec![1.0]]), 10).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, node: 0 }), "{err:?}");
}

#[test]
fn a_route_too_unlikely_to_move_the_running_sum_cannot_trap_customers() {
    // Node 2 keeps whoever enters it for ever. Node 1 sends to it with a
    // probability that vanishes when added to the 0.5 before it, so no draw
    // can ever pick it (as in Ciw's walk): running to a count is allowed.
    let tiny = 1e-17;
    assert_eq!(0.5 + tiny, 0.5, "the case meant: the running sum does not move");
    let trap = vec![0.0, 1.0];
    assert_eq!(run_to_customers(&network(2, vec![vec![0.5, tiny], trap.clone()]), 10).unwrap(), 10);
    // With a probability that counts, node 2 is reachable and traps.
    let err = run_to_customers(&network(2, vec![vec![0.5, 0.25], trap]), 10).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, node: 1 }), "{err:?}");
}

#[test]
fn a_route_of_probability_zero_cannot_trap_customers() {
    // Node 1 keeps whoever enters it for ever, but nobody arrives there from
    // outside, and node 2 (where customers arrive) sends to it with
    // probability 0: half go back to node 2, half leave.
    let mut net = network(2, vec![vec![1.0, 0.0], vec![0.0, 0.5]]);
    net.classes[0].nodes[1].arrival = net.classes[0].nodes[0].arrival.take();
    assert_eq!(run_to_customers(&net, 10).unwrap(), 10);
    // Any positive probability of going there makes it a trap.
    net.classes[0].routing.matrix_mut().unwrap()[1][0] = 0.25;
    let err = run_to_customers(&net, 10).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, node: 0 }), "{err:?}");
}

#[test]
fn each_class_is_checked_for_traps_along_its_own_routes() {
    // Both classes arrive at node 1. "Customer" leaves after one service;
    // "Looping" goes from node 1 to node 2 and back for ever: a run to a
    // count of customers must name it, though the other class leaves.
    let mut net = network(2, vec![vec![0.0, 0.0], vec![0.0, 0.0]]);
    let nodes = net.classes[0].nodes.clone();
    net.classes.push(CustomerClass::new("Looping".to_owned(), nodes, vec![vec![0.0, 1.0], vec![1.0, 0.0]]));
    let err = run_to_customers(&net, 10).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 1, .. }), "{err:?}");
    // With the looping class's way out open at node 2, the count is reached.
    net.classes[1].routing.matrix_mut().unwrap()[1][0] = 0.5;
    assert_eq!(run_to_customers(&net, 10).unwrap(), 10);
}
