//! Class change after service: the new class routes and is served on; the
//! tables are checked; records report the classes Ciw reports.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, ModelError, Network, NodeSpec, RecordType, RngKind, Servers,
    Stop, simulate,
};

/// Class "A" arrives at node 0 every 1.0 and becomes "B" after service;
/// "A" would leave, "B" goes on to node 1, where it takes 0.25.
fn a_becomes_b(table: Vec<(&str, f64)>) -> Network {
    let det = |v: f64| Distribution::Deterministic { value: v };
    Network::new(
        vec![NodeSpec::new(Servers::Infinite), NodeSpec::new(Servers::Infinite)],
        vec![
            CustomerClass::new(
                "A",
                vec![
                    ClassAtNode::new(Some(det(1.0)), det(0.5)).with_class_after_service(table),
                    ClassAtNode::new(None, det(9.0)),
                ],
                vec![vec![0.0, 0.0], vec![0.0, 0.0]],
            ),
            CustomerClass::new(
                "B",
                vec![ClassAtNode::new(None, det(0.5)), ClassAtNode::new(None, det(0.25))],
                vec![vec![0.0, 1.0], vec![0.0, 0.0]],
            ),
        ],
    )
}

#[test]
fn the_new_class_is_routed_and_served_as_itself() {
    let out = simulate(&a_becomes_b(vec![("B", 1.0)]), RngKind::Pcg, 0, Stop::MaxTime(1.9)).unwrap();
    let rows: Vec<(u32, u32, u32, f64, i32)> = out
        .records
        .iter()
        .map(|r| {
            (r.node, r.customer_class, r.original_customer_class, r.service_time, r.destination.unwrap())
        })
        .collect();
    // At node 1 (from 1 in records) served as A, leaving for node 2 as B;
    // at node 2 served for B's 0.25. Ciw reports `previous_class` (A: the
    // class before the last change, node 2 changing none) and the class on
    // joining the node (B).
    assert_eq!(rows, [(1, 0, 0, 0.5, 2), (2, 0, 1, 0.25, -1)]);
}

#[test]
fn staying_in_class_for_sure_changes_nothing() {
    let out = simulate(&a_becomes_b(vec![("A", 1.0)]), RngKind::Ciw, 3, Stop::MaxTime(6.0)).unwrap();
    assert!(out.records.iter().all(|r| r.node == 1 && r.customer_class == 0 && r.destination == Some(-1)));
    assert_eq!(out.records.len(), 5);
}

#[test]
fn a_mixed_table_sends_each_share_its_way() {
    let out = simulate(&a_becomes_b(vec![("A", 0.7), ("B", 0.3)]), RngKind::Pcg, 9, Stop::MaxTime(20_000.0))
        .unwrap();
    let first: Vec<_> =
        out.records.iter().filter(|r| r.node == 1 && r.record_type == RecordType::Service).collect();
    let to_b = first.iter().filter(|r| r.destination == Some(2)).count() as f64 / first.len() as f64;
    // 20 000 Bernoulli(0.3) draws: standard error 0.0032.
    assert!((to_b - 0.3).abs() < 5.0 * 0.0033, "{to_b}");
}

#[test]
fn bad_tables_are_errors_naming_node_class_and_name() {
    let err = a_becomes_b(vec![("C", 1.0)]).validate().unwrap_err();
    assert!(
        matches!(&err, ModelError::UnknownClass { node: 0, class: 0, name, .. } if name == "C"),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"C\""), "{err}");
    let err = a_becomes_b(vec![("A", 0.5), ("B", 0.4)]).validate().unwrap_err();
    assert!(matches!(err, ModelError::ClassChangeSum { node: 0, class: 0, .. }), "{err:?}");
    let err = a_becomes_b(vec![("A", -0.5), ("B", 1.5)]).validate().unwrap_err();
    assert!(matches!(err, ModelError::ClassChangeProbability { .. }), "{err:?}");
    let mut net = a_becomes_b(vec![("B", 1.0)]);
    net.classes[1].name = "A".to_owned();
    let err = net.validate().unwrap_err();
    assert!(matches!(&err, ModelError::DuplicateClassName { name } if name == "A"), "{err:?}");
}

#[test]
fn class_changes_in_model_files() {
    let net = a_becomes_b(vec![("A", 0.25), ("B", 0.75)]);
    let text = net.to_toml_string().unwrap();
    assert!(text.contains("class_after_service"), "{text}");
    assert_eq!(Network::from_toml_str(&text).unwrap(), net);
}

/// One server busy for 10 with "Low" (priority 1); "Waiting" (priority 1)
/// arrives at 1 and becomes "High" (priority 0) after 2 while it waits.
fn promoted(preemption: queue_sim::Preemption) -> Network {
    let det = |v: f64| Distribution::Deterministic { value: v };
    let once = |t: f64| Distribution::Sequential { values: vec![t, f64::INFINITY] };
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)).with_preemption(preemption)],
        vec![
            CustomerClass::new("Low", vec![ClassAtNode::new(Some(once(0.5)), det(10.0))], vec![])
                .with_priority(1),
            CustomerClass::new("Waiting", vec![ClassAtNode::new(Some(once(1.0)), det(1.0))], vec![])
                .with_priority(1)
                .with_class_change_while_waiting([("High", det(2.0))]),
            CustomerClass::new("High", vec![ClassAtNode::new(None, det(1.0))], vec![]).with_priority(0),
        ],
    )
}

#[test]
fn a_customer_promoted_while_waiting_preempts_and_records_its_new_class() {
    let out =
        simulate(&promoted(queue_sim::Preemption::Resume), RngKind::Pcg, 0, Stop::MaxTime(30.0)).unwrap();
    let rows: Vec<(u64, u32, u32, RecordType, f64)> = out
        .records
        .iter()
        .map(|r| (r.id_number, r.customer_class, r.original_customer_class, r.record_type, r.exit_date))
        .collect();
    // At 3 the waiting customer becomes High and interrupts Low, which
    // resumes at 4 for what it had left (7.5).
    assert_eq!(
        rows,
        [
            (1, 0, 0, RecordType::InterruptedService, 3.0),
            (2, 2, 1, RecordType::Service, 4.0),
            (1, 0, 0, RecordType::Service, 11.5),
        ]
    );
}

#[test]
fn without_preemption_a_promoted_customer_still_waits_for_the_server() {
    let out = simulate(&promoted(queue_sim::Preemption::Off), RngKind::Pcg, 0, Stop::MaxTime(30.0)).unwrap();
    let rows: Vec<(u64, u32, f64)> =
        out.records.iter().map(|r| (r.id_number, r.customer_class, r.exit_date)).collect();
    assert_eq!(rows, [(1, 0, 10.5), (2, 2, 11.5)]);
}

#[test]
fn changes_while_waiting_are_checked_and_written_to_model_files() {
    let net = promoted(queue_sim::Preemption::Off);
    let text = net.to_toml_string().unwrap();
    assert!(text.contains("class_change_while_waiting"), "{text}");
    assert_eq!(Network::from_toml_str(&text).unwrap(), net);
    let mut bad = net.clone();
    bad.classes[1] =
        bad.classes[1].clone().with_class_change_while_waiting([("Nobody", Distribution::exponential(1.0))]);
    let err = bad.validate().unwrap_err();
    assert!(
        matches!(&err, ModelError::WaitingChange { class: 1, name, problem: None } if name == "Nobody"),
        "{err:?}"
    );
    let mut bad = net;
    bad.classes[1] =
        bad.classes[1].clone().with_class_change_while_waiting([("High", Distribution::exponential(-2.0))]);
    let err = bad.validate().unwrap_err();
    assert!(matches!(&err, ModelError::WaitingChange { class: 1, problem: Some(_), .. }), "{err:?}");
}

/// Customers served by numbered servers at one node, then waiting at a
/// one-server node where they change class while they wait (Slow to Fast
/// at rate 0.4, back at rate 0.6). A customer waiting long has forgotten
/// its class on arrival: it is Fast with the stationary chance
/// 0.4 / (0.4 + 0.6) = 0.4. (Ciw 3.2.7 cannot run this model: it fails
/// with an AttributeError when two nodes with servers change classes.)
const SERVED_THEN_CHANGING: &str = r#"
[[nodes]]
servers = 3

[[nodes]]
servers = 1

[[classes]]
name = "Slow"
class_change_while_waiting = { Fast = { type = "exponential", rate = 0.4 } }
routing = [[0.0, 0.9], [0.0, 0.0]]
nodes = [
  { arrival = { type = "exponential", rate = 1.0 }, service = { type = "exponential", rate = 0.5 } },
  { service = { type = "exponential", rate = 0.9 } },
]

[[classes]]
name = "Fast"
class_change_while_waiting = { Slow = { type = "exponential", rate = 0.6 } }
routing = [[0.0, 0.9], [0.0, 0.0]]
nodes = [
  { arrival = { type = "exponential", rate = 0.3 }, service = { type = "exponential", rate = 0.6 } },
  { service = { type = "exponential", rate = 1.2 } },
]
"#;

#[test]
fn a_customer_served_elsewhere_keeps_changing_class_while_it_waits() {
    // The server of a customer's last node once followed it: it looked in
    // service where it waited, and drew no change after its first (the
    // share of Fast among long waiters then came out near 0.67).
    let net = Network::from_toml_str(SERVED_THEN_CHANGING).unwrap();
    let fast = net.classes.iter().position(|c| c.name == "Fast").unwrap();
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let out = simulate(&net, rng, 0, Stop::MaxTime(20_000.0)).unwrap();
        let long: Vec<_> = out
            .records
            .iter()
            .filter(|r| r.node == 2 && r.record_type == RecordType::Service && r.waiting_time > 10.0)
            .collect();
        assert!(long.len() > 5000, "{rng:?}: {} long waits", long.len());
        let share =
            long.iter().filter(|r| r.customer_class as usize == fast).count() as f64 / long.len() as f64;
        // Records are not independent (customers wait side by side), so
        // the tolerance is wider than the 0.004 of independent draws.
        assert!((share - 0.4).abs() < 0.03, "{rng:?}: share of Fast among long waits {share}");
    }
}

#[test]
fn a_class_change_of_probability_zero_cannot_trap_customers() {
    // "B" now stays at node 1 for ever: a class change that can give "B"
    // makes a run to a count of customers impossible, one that gives it
    // with probability 0 does not.
    let trapped_b = |table| {
        let mut net = a_becomes_b(table);
        net.classes[1].routing = queue_sim::Routing::Matrix(vec![vec![0.0, 1.0], vec![0.0, 1.0]]);
        net
    };
    let mut sim = queue_sim::Simulation::new(&trapped_b(vec![("A", 1.0), ("B", 0.0)]), 0).unwrap();
    sim.run_until_customers(5).unwrap();
    assert_eq!(sim.completed(), 5);
    let mut sim = queue_sim::Simulation::new(&trapped_b(vec![("A", 0.5), ("B", 0.5)]), 0).unwrap();
    let err = sim.run_until_customers(5).unwrap_err();
    assert!(matches!(err, queue_sim::SimError::NoExit { .. }), "{err:?}");
}

#[test]
fn nobody_changes_class_while_waiting_at_a_node_with_infinite_servers_or_shared_service() {
    // "A" arrives at 1 and is served at once for 10 (nobody waits where
    // servers are infinite, nor at a processor-sharing node, where all
    // present share the service); its change to "B" after 2 of waiting
    // never comes.
    let det = |v: f64| Distribution::Deterministic { value: v };
    let once = |t: f64| Distribution::Sequential { values: vec![t, f64::INFINITY] };
    for node in
        [NodeSpec::new(Servers::Infinite), NodeSpec::new(Servers::Finite(1)).with_processor_sharing(1)]
    {
        let net = Network::new(
            vec![node],
            vec![
                CustomerClass::new("A", vec![ClassAtNode::new(Some(once(1.0)), det(10.0))], vec![])
                    .with_class_change_while_waiting([("B", det(2.0))]),
                CustomerClass::new("B", vec![ClassAtNode::new(None, det(10.0))], vec![]),
            ],
        );
        let out =
            queue_sim::simulate(&net, queue_sim::RngKind::Ciw, 0, queue_sim::Stop::MaxTime(100.0)).unwrap();
        assert_eq!(out.records.len(), 1);
        let r = &out.records[0];
        assert_eq!((r.customer_class, r.original_customer_class, r.exit_date), (0, 0, 11.0), "{r:?}");
    }
}
