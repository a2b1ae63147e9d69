//! Priority preemption at a node with a server schedule whose busy servers
//! finish their customer after their shift: which customer is preempted.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Preemption, RecordType, Schedule, Servers,
    Simulation,
};

/// Gaps between arrivals (or service times) taken in turn, then none.
fn times(values: &[f64]) -> Distribution {
    let mut values = values.to_vec();
    values.push(f64::INFINITY);
    Distribution::Sequential { values }
}

#[test]
fn preemption_reaches_a_customer_on_a_server_whose_shift_has_ended() {
    // One server a shift, shifts ending at 1, 2, 3 and 100 (ids 1 to 4),
    // busy servers finishing their customer after their shift. "Lowest"
    // customers arrive at 0.5, 1.5, 2.5 (services 0.7, 0.8, 10: the one of
    // 2.5 is still with server 3 when its shift ends at 3, after those of
    // servers 1 and 2 have gone); "Low" arrives at 3.5 and takes server 4;
    // "High" arrives at 4 and preempts the worst priority in service: the
    // "Lowest" customer on server 3, off duty. (Ciw 3.2.7 retires server 3
    // as it detaches its customer and gives it to "High" all the same,
    // whose service then never ends; here it ends, and server 3 goes.)
    let schedule = Schedule::new(vec![1, 1, 1, 1], vec![1.0, 2.0, 3.0, 100.0]);
    let mut node = NodeSpec::new(Servers::Schedule(schedule));
    node.priority_preemption = Preemption::Restart;
    let class = |name: &str, priority, arrivals: &[f64], services: &[f64]| {
        CustomerClass::new(name, vec![ClassAtNode::new(Some(times(arrivals)), times(services))], vec![])
            .with_priority(priority)
    };
    let net = Network::new(
        vec![node],
        vec![
            class("High", 0, &[4.0], &[1.0]),
            class("Low", 1, &[3.5], &[10.0]),
            class("Lowest", 2, &[0.5, 1.0, 1.0], &[0.7, 0.8, 10.0]),
        ],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run_until(30.0).unwrap();
    let mut rows: Vec<(u64, f64, f64, u32, RecordType)> = sim
        .records()
        .iter()
        .map(|r| (r.id_number, r.service_start_date, r.exit_date, r.server_id.unwrap(), r.record_type))
        .collect();
    rows.sort_by(|a, b| a.2.total_cmp(&b.2));
    use RecordType::{InterruptedService as Cut, Service};
    assert_eq!(
        rows,
        [
            (1, 0.5, 1.2, 1, Service),
            (2, 1.5, 2.3, 2, Service),
            (3, 2.5, 4.0, 3, Cut),
            (5, 4.0, 5.0, 3, Service),
            (4, 3.5, 13.5, 4, Service),
            (3, 13.5, 23.5, 4, Service),
        ]
    );
}
