//! What `Simulation::servers` says of each server at the moment a run
//! stops: whether it is busy (Ciw's `Server.busy`), with and without
//! preemption, at plain and scheduled nodes.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Preemption, Schedule, Servers, Simulation,
};

/// One node, arrivals every unit from time 1, services of 1.5.
fn every_unit(servers: Servers, preemption: Preemption) -> Network {
    let mut node = NodeSpec::new(servers);
    node.priority_preemption = preemption;
    Network::new(
        vec![node],
        vec![CustomerClass::new(
            "Only",
            vec![ClassAtNode::new(Some(Distribution::deterministic(1.0)), Distribution::deterministic(1.5))],
            vec![],
        )],
    )
}

fn busy_at(net: &Network, t: f64) -> Vec<(u32, bool)> {
    let mut sim = Simulation::ciw(net, 0).unwrap();
    sim.run_until(t).unwrap();
    sim.servers(0).iter().map(|s| (s.id, s.busy)).collect()
}

#[test]
fn a_server_is_busy_while_its_service_is_under_way_and_free_after() {
    // Server 1 serves from 1 to 2.5 and from 3 to 4.5, server 2 from 2 to
    // 3.5: at 2.2 both are busy, at 2.7 only server 2, at 3.2 both again.
    for preemption in [Preemption::Off, Preemption::Resume] {
        let net = every_unit(Servers::Finite(2), preemption);
        assert_eq!(busy_at(&net, 0.5), [(1, false), (2, false)], "{preemption:?}");
        assert_eq!(busy_at(&net, 2.2), [(1, true), (2, true)], "{preemption:?}");
        assert_eq!(busy_at(&net, 2.7), [(1, false), (2, true)], "{preemption:?}");
        assert_eq!(busy_at(&net, 3.2), [(1, true), (2, true)], "{preemption:?}");
    }
}

#[test]
fn a_scheduled_server_is_busy_while_it_serves_even_off_duty() {
    // Shifts of 2 servers until 2.4, then 1 until 10 (ids 3 on): the
    // customer of 2 is still with server 2 at 2.7, off duty; server 1 has
    // gone (its customer left at 2.5); the customer of 3 takes server 3.
    let schedule = Schedule::new(vec![2, 1], vec![2.4, 10.0]);
    let net = every_unit(Servers::Schedule(schedule), Preemption::Off);
    let mut sim = Simulation::ciw(&net, 0).unwrap();
    sim.run_until(2.7).unwrap();
    let servers: Vec<(u32, bool, bool)> = sim.servers(0).iter().map(|s| (s.id, s.busy, s.off_duty)).collect();
    assert_eq!(servers, [(2, true, true), (3, false, false)]);
    sim.run_until(3.2).unwrap();
    let servers: Vec<(u32, bool, bool)> = sim.servers(0).iter().map(|s| (s.id, s.busy, s.off_duty)).collect();
    assert_eq!(servers, [(2, true, true), (3, true, false)]);
}
