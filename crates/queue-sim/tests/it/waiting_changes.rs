//! Changes of class while waiting, at their edges: a change after no
//! time at all, two changes due at once, and a change that no longer
//! applies (the customer was served first), which is no event.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, RecordType, Servers, Simulation,
};

fn det(value: f64) -> Distribution {
    Distribution::Deterministic { value }
}

/// Arrivals of "A" at 1 and 2 only, services of 2 at one server; "A"
/// waiting changes as `changes` say; "B" and "C" never arrive.
fn two_customers(changes: Vec<(&str, f64)>) -> Network {
    let once_twice = Distribution::Sequential { values: vec![1.0, 1.0, f64::INFINITY] };
    let other = |name: &str| CustomerClass::new(name, vec![ClassAtNode::new(None, det(2.0))], vec![]);
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1))],
        vec![
            CustomerClass::new("A", vec![ClassAtNode::new(Some(once_twice), det(2.0))], vec![])
                .with_class_change_while_waiting(changes.into_iter().map(|(to, t)| (to, det(t)))),
            other("B"),
            other("C"),
        ],
    )
}

/// The class each customer's service record gives, by customer id.
fn served_as(net: &Network) -> Vec<(u64, u32)> {
    let mut sim = Simulation::ciw(net, 0).unwrap();
    sim.run_until(20.0).unwrap();
    let mut rows: Vec<(u64, u32)> = sim
        .records()
        .iter()
        .filter(|r| r.record_type == RecordType::Service)
        .map(|r| (r.id_number, r.customer_class))
        .collect();
    rows.sort_unstable();
    rows
}

#[test]
fn a_change_after_no_time_happens_as_the_customer_starts_to_wait() {
    // Customer 2 waits from 2 and is "B" at once; customer 1 never waits.
    assert_eq!(served_as(&two_customers(vec![("B", 0.0)])), [(1, 0), (2, 1)]);
}

#[test]
fn of_two_changes_due_at_once_the_first_by_class_name_is_taken() {
    // Ciw keeps the first of equal times in its table's order; this
    // crate keeps the table in class-name order, so the first by name
    // (Ciw agrees where its table is written in name order, not here).
    assert_eq!(served_as(&two_customers(vec![("C", 0.5), ("B", 0.5)])), [(1, 0), (2, 1)]);
    assert_eq!(served_as(&two_customers(vec![("C", 0.5), ("B", 0.7)])), [(1, 0), (2, 2)]);
}

#[test]
fn a_change_that_no_longer_applies_is_not_counted_as_an_event() {
    // Customer 2 waits from 2 to 3, its change due at 7: stale by then.
    // Events: two arrivals and two service ends, with or without the
    // pending change.
    let changing = two_customers(vec![("B", 5.0)]);
    let plain = two_customers(vec![]);
    for net in [&changing, &plain] {
        let mut sim = Simulation::ciw(net, 0).unwrap();
        sim.run_until(20.0).unwrap();
        assert_eq!(sim.events_processed(), 4);
    }
    assert_eq!(served_as(&changing), [(1, 0), (2, 0)]);
}
