//! The order in which `Simulation::individuals` lists the customers still
//! in the network (Ciw's `get_all_individuals`): node by node, by priority,
//! then in the order they took their place in the node's list, a change
//! of class while waiting being a new place at the back.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Individual, Network, NodeSpec, Servers, Simulation,
};

/// Each customer's id, node and class now.
fn listed(people: &[Individual]) -> Vec<(u64, Option<usize>, usize)> {
    people.iter().map(|p| (p.id, p.node, p.class)).collect()
}

/// "High" (priority 0) arrives at node 0 (infinite servers) at 3.1, 6.2,
/// ... and is served there for 3.7, then goes to node 1; "Low" (priority 1)
/// arrives at node 1 (one server, services of 100) at 2, 4, 6, ... and
/// becomes "High" after waiting 0.5.
fn promoted_behind_one_routed_in() -> Network {
    let det = |v: f64| Distribution::Deterministic { value: v };
    Network::new(
        vec![NodeSpec::new(Servers::Infinite), NodeSpec::new(Servers::Finite(1))],
        vec![
            CustomerClass::new(
                "High",
                vec![ClassAtNode::new(Some(det(3.1)), det(3.7)), ClassAtNode::new(None, det(100.0))],
                vec![vec![0.0, 1.0], vec![0.0, 0.0]],
            )
            .with_priority(0),
            CustomerClass::new(
                "Low",
                vec![ClassAtNode::new(None, det(100.0)), ClassAtNode::new(Some(det(2.0)), det(100.0))],
                vec![vec![0.0, 0.0], vec![0.0, 0.0]],
            )
            .with_priority(1)
            .with_class_change_while_waiting([("High", det(0.5))]),
        ],
    )
}

#[test]
fn a_customer_moved_by_a_change_of_class_is_listed_before_those_who_join_after() {
    // Customer 1 ("Low", at 2) is served; 3 (at 4) and 4 (at 6) wait and
    // become "High" at 4.5 and 6.5; 2 ("High", created at 3.1 at node 0)
    // joins node 1 at 6.8, after both; 5 ("High", at 6.2) is at node 0.
    // Ciw 3.2.7, simulate_until_max_time(7.0), get_all_individuals():
    // ids 5, 3, 4, 2, 1.
    let net = promoted_behind_one_routed_in();
    let want = [(5, Some(0), 0), (3, Some(1), 0), (4, Some(1), 0), (2, Some(1), 0), (1, Some(1), 1)];
    let mut sim = Simulation::ciw(&net, 0).unwrap();
    sim.run_until(7.0).unwrap();
    assert_eq!(listed(&sim.individuals()), want, "Ciw mode");
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run_until(7.0).unwrap();
    assert_eq!(listed(&sim.individuals()), want, "pcg");
}
