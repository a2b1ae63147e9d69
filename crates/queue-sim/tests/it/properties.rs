//! Properties of records over random small networks (1-3 nodes, 1-2 classes,
//! finite or infinite servers, optional queue capacity, sub-stochastic
//! routing, both generators): times are ordered and non-negative, records
//! come in exit order, each customer's visits chain up, servers serve one
//! customer at a time in arrival order, utilisation is a fraction, and
//! customers are conserved. With priorities and preemption: `preemption.rs`.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, RandomSource, Record, RecordType, RngKind,
    Servers, Simulation,
};

mod behaviour;
mod preemption;

const MAX_TIME: f64 = 200.0;

fn service_time() -> impl Strategy<Value = Distribution> {
    prop_oneof![
        (0.3f64..3.0).prop_map(Distribution::exponential),
        (0.05f64..2.0).prop_map(Distribution::deterministic),
        (0.0f64..1.0, 0.0f64..2.0)
            .prop_map(|(lower, width)| Distribution::Uniform { lower, upper: lower + width }),
        (0.5f64..4.0, 1u32..4).prop_map(|(rate, phases)| Distribution::Erlang { rate, phases }),
        (0.5f64..3.0, 0.1f64..1.0).prop_map(|(shape, scale)| Distribution::Gamma { shape, scale }),
        (0.1f64..2.0, 0.1f64..1.0).prop_map(|(mean, sd)| Distribution::Normal { mean, sd }),
    ]
}

fn inter_arrival_time() -> impl Strategy<Value = Distribution> {
    prop_oneof![
        3 => (0.1f64..1.5).prop_map(Distribution::exponential),
        1 => (0.5f64..3.0).prop_map(Distribution::deterministic),
        1 => (0.0f64..1.0, 0.2f64..3.0).prop_map(|(lower, width)| Distribution::Uniform { lower, upper: lower + width }),
    ]
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    let servers = prop_oneof![3 => (1usize..=4).prop_map(Servers::Finite), 1 => Just(Servers::Infinite)];
    (servers, prop::option::of(0usize..=3)).prop_map(|(servers, queue_capacity)| match queue_capacity {
        Some(q) => NodeSpec::new(servers).with_queue_capacity(q),
        None => NodeSpec::new(servers),
    })
}

/// A routing matrix whose rows sum to at most 0.9 (or, now and then, an empty
/// matrix: everyone leaves after one service).
fn routing(n: usize) -> impl Strategy<Value = Vec<Vec<f64>>> {
    let entry = prop_oneof![Just(0.0), 0.0f64..1.0];
    let row = (prop::collection::vec(entry, n), 0.0f64..0.9).prop_map(|(mut row, stay)| {
        let sum: f64 = row.iter().sum();
        if sum > 0.0 {
            row.iter_mut().for_each(|p| *p *= stay / sum);
        }
        row
    });
    prop_oneof![6 => prop::collection::vec(row, n), 1 => Just(Vec::new())]
}

fn class(n: usize) -> impl Strategy<Value = CustomerClass> {
    let at = (prop::option::of(inter_arrival_time()), service_time())
        .prop_map(|(arrival, service)| ClassAtNode::new(arrival, service));
    (prop::collection::vec(at, n), routing(n))
        .prop_map(|(nodes, routing)| CustomerClass::new("Customer".to_owned(), nodes, routing))
}

fn network() -> impl Strategy<Value = Network> {
    (1usize..=3, 1usize..=2)
        .prop_flat_map(|(n, k)| (prop::collection::vec(node_spec(), n), prop::collection::vec(class(n), k)))
        .prop_map(|(nodes, mut classes)| {
            // Someone must arrive somewhere.
            if classes.iter().all(|c| c.nodes.iter().all(|at| at.arrival.is_none())) {
                classes[0].nodes[0].arrival = Some(Distribution::exponential(0.5));
            }
            Network::new(nodes, classes)
        })
}

fn rng_kind() -> impl Strategy<Value = RngKind> {
    prop_oneof![Just(RngKind::Pcg), Just(RngKind::Ciw)]
}

/// What a finished run leaves, for either generator.
struct Run {
    records: Vec<Record>,
    utilisation: Vec<Option<f64>>,
    arrived: u64,
    completed: u64,
    present: Vec<u32>,
}

fn finish<R: RandomSource>(mut sim: Simulation<R>, stops: &[f64]) -> Run {
    for &t in stops {
        sim.run_until(t).unwrap();
    }
    assert_eq!(sim.now(), *stops.last().unwrap());
    Run {
        records: sim.records().to_vec(),
        utilisation: sim.utilisation(),
        arrived: sim.arrived(),
        completed: sim.completed(),
        present: sim.customers_at_nodes(),
    }
}

fn run(net: &Network, rng: RngKind, seed: u64, stops: &[f64]) -> Run {
    match rng {
        RngKind::Pcg => finish(Simulation::new(net, seed).unwrap(), stops),
        RngKind::Ciw => finish(Simulation::ciw(net, seed).unwrap(), stops),
    }
}

/// Room at a node (servers plus queue), if limited.
fn capacity(spec: &NodeSpec) -> Option<usize> {
    match (&spec.servers, spec.queue_capacity) {
        (&Servers::Finite(c), Some(q)) => Some(c + q),
        _ => None,
    }
}

fn check_record(net: &Network, r: &Record) -> Result<(), TestCaseError> {
    let n = net.nodes.len();
    prop_assert!(r.node >= 1 && r.node as usize <= n, "node out of range: {:?}", r);
    prop_assert!((r.customer_class as usize) < net.classes.len(), "class out of range: {:?}", r);
    prop_assert_eq!(r.customer_class, r.original_customer_class);
    prop_assert!(r.id_number >= 1);
    let spec = &net.nodes[r.node as usize - 1];
    match r.record_type {
        RecordType::Service => {
            prop_assert!(r.waiting_time >= 0.0, "negative wait: {:?}", r);
            prop_assert!(r.service_time >= 0.0, "negative service: {:?}", r);
            prop_assert!(r.time_blocked >= 0.0, "negative blocking: {:?}", r);
            prop_assert!(
                r.arrival_date >= 0.0
                    && r.arrival_date <= r.service_start_date
                    && r.service_start_date <= r.service_end_date
                    && r.service_end_date <= r.exit_date
                    && r.exit_date < MAX_TIME,
                "dates out of order: {:?}",
                r
            );
            let dest = r.destination.expect("a service has a destination");
            prop_assert!(dest == -1 || (dest >= 1 && dest as usize <= n), "bad destination: {:?}", r);
            prop_assert!(r.queue_size_at_departure.is_some());
            match spec.servers {
                Servers::Finite(c) => {
                    let s = r.server_id.expect("finite servers are numbered");
                    prop_assert!(s >= 1 && s as usize <= c, "server out of range: {:?}", r);
                }
                Servers::Infinite => {
                    prop_assert_eq!(r.server_id, None);
                    prop_assert_eq!(r.waiting_time, 0.0);
                }
                _ => unreachable!("the generator makes no schedules"),
            }
            if let Some(cap) = capacity(spec) {
                prop_assert!((r.queue_size_at_arrival as usize) < cap, "admitted to a full node: {:?}", r);
            }
        }
        RecordType::Rejection => {
            let cap = capacity(spec);
            prop_assert!(cap.is_some(), "rejection at an unlimited node: {:?}", r);
            prop_assert_eq!(Some(r.queue_size_at_arrival as usize), cap);
            prop_assert!(r.waiting_time.is_nan() && r.service_time.is_nan() && r.time_blocked.is_nan());
            prop_assert!(r.arrival_date == r.exit_date && r.exit_date < MAX_TIME, "{:?}", r);
            prop_assert_eq!((r.destination, r.server_id, r.queue_size_at_departure), (None, None, None));
        }
        _ => prop_assert!(false, "unexpected record type {:?}", r.record_type),
    }
    Ok(())
}

fn check_run(net: &Network, run: &Run) -> Result<(), TestCaseError> {
    let n = net.nodes.len();
    for r in &run.records {
        check_record(net, r)?;
        prop_assert!(r.id_number <= run.arrived, "id beyond the number of arrivals: {:?}", r);
    }

    // Records in the order customers left.
    for w in run.records.windows(2) {
        prop_assert!(
            w[0].exit_date <= w[1].exit_date,
            "records out of exit order: {:?} then {:?}",
            w[0],
            w[1]
        );
    }

    // Each customer's visits chain up: arrive where the last one sent them,
    // when it let them go; only the last visit may leave the system.
    let mut by_customer: HashMap<u64, Vec<&Record>> = HashMap::new();
    for r in &run.records {
        by_customer.entry(r.id_number).or_default().push(r);
    }
    for (id, visits) in &by_customer {
        for pair in visits.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            prop_assert!(
                next.arrival_date >= prev.exit_date,
                "customer {} back in time: {:?} then {:?}",
                id,
                prev,
                next
            );
            prop_assert_eq!(prev.record_type, RecordType::Service);
            prop_assert_eq!(prev.destination, Some(next.node as i32), "customer {} went elsewhere", id);
            prop_assert_eq!(next.arrival_date, prev.exit_date, "customer {} lost time in transit", id);
            prop_assert_eq!(next.record_type, RecordType::Service, "transfers are never rejected");
        }
    }

    // A server serves one customer at a time (blocked ones included).
    let mut by_server: HashMap<(u32, u32), Vec<&Record>> = HashMap::new();
    for r in run.records.iter().filter(|r| r.record_type == RecordType::Service) {
        if let Some(s) = r.server_id {
            by_server.entry((r.node, s)).or_default().push(r);
        }
    }
    for (key, mut served) in by_server {
        served.sort_by(|a, b| a.service_start_date.total_cmp(&b.service_start_date));
        for w in served.windows(2) {
            prop_assert!(
                w[1].service_start_date >= w[0].exit_date,
                "server {:?} overlaps: {:?} and {:?}",
                key,
                w[0],
                w[1]
            );
        }
    }

    // Finite-server nodes serve in order of arrival.
    for node in 1..=n as u32 {
        let mut visits: Vec<(f64, f64)> = run
            .records
            .iter()
            .filter(|r| r.record_type == RecordType::Service && r.node == node && r.server_id.is_some())
            .map(|r| (r.arrival_date, r.service_start_date))
            .collect();
        visits.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for w in visits.windows(2) {
            prop_assert!(w[0].1 <= w[1].1, "node {} not first come first served: {:?}", node, w);
        }
    }

    // Utilisation is a fraction, at finite-server nodes only.
    prop_assert_eq!(run.utilisation.len(), n);
    for (spec, u) in net.nodes.iter().zip(&run.utilisation) {
        match spec.servers {
            Servers::Finite(_) => {
                let u = u.expect("finite servers have a utilisation");
                prop_assert!((0.0..=1.0).contains(&u), "utilisation {} outside [0, 1]", u);
            }
            Servers::Infinite => prop_assert_eq!(*u, None),
            _ => unreachable!("the generator makes no schedules"),
        }
    }

    // Everyone who arrived has left, been turned away, or is still inside.
    let exits = run.records.iter().filter(|r| r.destination == Some(-1)).count() as u64;
    let rejected = run.records.iter().filter(|r| r.record_type == RecordType::Rejection).count() as u64;
    let present: u64 = run.present.iter().map(|&p| u64::from(p)).sum();
    prop_assert_eq!(run.completed, exits);
    prop_assert_eq!(run.arrived, run.completed + rejected + present);
    Ok(())
}

fn same_records(a: &[Record], b: &[Record]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| format!("{x:?}") == format!("{y:?}"))
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // Failing cases are kept under the workspace's target/, not in the
        // sources, and replayed first on the next run.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/proptest-regressions/queue-sim-properties.txt"
        )))),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn records_are_consistent(net in network(), rng in rng_kind(), seed in any::<u64>()) {
        net.validate().unwrap();
        let run = run(&net, rng, seed, &[MAX_TIME]);
        check_run(&net, &run)?;
    }
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn runs_are_reproducible_and_resumable(
        net in network(),
        rng in rng_kind(),
        seed in any::<u64>(),
        split in 1.0f64..MAX_TIME,
    ) {
        let whole = run(&net, rng, seed, &[MAX_TIME]);
        let again = run(&net, rng, seed, &[MAX_TIME]);
        let resumed = run(&net, rng, seed, &[split, MAX_TIME]);
        prop_assert!(same_records(&whole.records, &again.records), "same seed, different records");
        prop_assert!(same_records(&whole.records, &resumed.records), "resuming at {} changed the records", split);
        prop_assert_eq!(&whole.utilisation, &resumed.utilisation);
        prop_assert_eq!((whole.arrived, whole.completed), (resumed.arrived, resumed.completed));
        prop_assert_eq!(&whole.present, &resumed.present);
    }
}
