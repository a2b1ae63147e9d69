//! Properties of records over random small networks that use Ciw's
//! customer behaviours at once (baulking, reneging with jockeying, batches,
//! class change after service and while waiting, priorities with
//! preemption, disciplines, server priorities, routers, a system capacity),
//! under both generators: times are ordered, no server serves two customers
//! at once, each customer's records chain up, the record types carry the
//! fields they should, and a run is reproducible.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use queue_sim::{
    Baulking, ClassAtNode, CustomerClass, Discipline, Distribution, Network, NodeSpec, Preemption, Record,
    RecordType, RngKind, Router, ServerPriority, Servers, Simulation, TieBreak,
};

const NAMES: [&str; 3] = ["A", "B", "C"];

fn node() -> impl Strategy<Value = NodeSpec> {
    let servers = prop_oneof![4 => (1usize..=3).prop_map(Servers::Finite), 1 => Just(Servers::Infinite)];
    let preemption = prop_oneof![
        Just(Preemption::Off),
        Just(Preemption::Resample),
        Just(Preemption::Restart),
        Just(Preemption::Resume),
        Just(Preemption::Reroute)
    ];
    let discipline =
        prop_oneof![3 => Just(Discipline::Fifo), 1 => Just(Discipline::Lifo), 1 => Just(Discipline::Siro)];
    let priority = prop_oneof![
        3 => Just(ServerPriority::LowestId),
        1 => Just(ServerPriority::HighestId),
        1 => Just(ServerPriority::LeastBusy)
    ];
    (servers, prop::option::of(0usize..=4), preemption, discipline, priority).prop_map(|(s, q, p, d, sp)| {
        let n = NodeSpec::new(s).with_preemption(p).with_discipline(d).with_server_priority(sp);
        match q {
            Some(q) => n.with_queue_capacity(q),
            None => n,
        }
    })
}

fn at(n: usize, k: usize) -> impl Strategy<Value = ClassAtNode> {
    (
        prop::option::of((0.2f64..1.5).prop_map(Distribution::exponential)),
        (0.4f64..3.0).prop_map(Distribution::exponential),
        prop::option::of(prop::collection::vec(0.0f64..=1.0, 1..5)),
        prop::option::of(((0.2f64..2.0).prop_map(Distribution::exponential), prop::option::of(0..n))),
        prop::option::of(prop::collection::vec(1u32..4, 1..4)),
        prop::option::of(0..k),
    )
        .prop_map(move |(arrival, service, baulk, renege, batch, change)| {
            let mut at = ClassAtNode::new(arrival, service);
            if let Some(probs) = baulk {
                at = at.with_baulking(Baulking::table(probs));
            }
            if let Some((patience, to)) = renege {
                at = at.with_reneging(patience, to);
            }
            if let Some(sizes) = batch {
                at = at.with_batch(Distribution::Sequential {
                    values: sizes.into_iter().map(f64::from).collect(),
                });
            }
            if let Some(to) = change {
                at = at.with_class_after_service([(NAMES[to], 1.0)]);
            }
            at
        })
}

fn router(n: usize) -> impl Strategy<Value = Router> {
    let some = prop::collection::vec(0..n, 1..=n);
    prop_oneof![
        2 => (prop::collection::vec(0.0f64..0.3, n)).prop_map(move |probs| Router::Probabilistic { destinations: (0..n).collect(), probs }),
        1 => Just(Router::Leave),
        1 => some.clone().prop_map(|d| Router::JoinShortestQueue { destinations: d, tie_break: TieBreak::Random }),
        1 => some.prop_map(|d| Router::LoadBalancing { destinations: d, tie_break: TieBreak::Order }),
    ]
}

fn network() -> impl Strategy<Value = Network> {
    (1usize..=3, 1usize..=3)
        .prop_flat_map(|(n, k)| {
            let class = (
                prop::collection::vec(at(n, k), n),
                prop::collection::vec(router(n), n),
                0u32..3,
                prop::option::of((0..k, 0.2f64..2.0)),
            );
            (prop::collection::vec(node(), n), prop::collection::vec(class, k), prop::option::of(3u64..30))
        })
        .prop_map(|(nodes, classes, capacity)| {
            let k = classes.len();
            let mut classes: Vec<CustomerClass> = classes
                .into_iter()
                .enumerate()
                .map(|(i, (at, routers, priority, waiting))| {
                    let mut c = CustomerClass::new(NAMES[i], at, vec![])
                        .with_routing(routers)
                        .with_priority(priority);
                    if let Some((to, rate)) = waiting {
                        c = c.with_class_change_while_waiting([(
                            NAMES[to % k],
                            Distribution::exponential(rate),
                        )]);
                    }
                    c
                })
                .collect();
            // Class changes name classes the model has.
            for c in &mut classes {
                for at in &mut c.nodes {
                    if let Some(t) = &at.class_after_service {
                        let to = t.keys().next().unwrap().clone();
                        if !NAMES[..k].contains(&to.as_str()) {
                            at.class_after_service = None;
                        }
                    }
                }
            }
            if classes.iter().all(|c| c.nodes.iter().all(|at| at.arrival.is_none())) {
                classes[0].nodes[0].arrival = Some(Distribution::exponential(0.5));
            }
            let net = Network::new(nodes, classes);
            match capacity {
                Some(c) => net.with_system_capacity(c),
                None => net,
            }
        })
}

/// Times ordered within each record, and each type's fields as they should be.
fn check_record(r: &Record) -> Result<(), String> {
    let bad = |what: &str| Err(format!("{what}: {r:?}"));
    match r.record_type {
        RecordType::Service => {
            let ok = r.arrival_date <= r.service_start_date
                && r.service_start_date <= r.service_end_date
                && r.service_end_date <= r.exit_date
                && r.waiting_time >= -1e-9
                && r.time_blocked >= -1e-9;
            if !ok {
                return bad("service times out of order");
            }
        }
        RecordType::InterruptedService => {
            if !(r.service_start_date <= r.exit_date && r.service_end_date.is_nan() && r.server_id.is_some())
            {
                return bad("interrupted service");
            }
        }
        RecordType::Renege => {
            if !(r.exit_date >= r.arrival_date && r.service_start_date.is_nan() && r.server_id.is_none()) {
                return bad("renege");
            }
        }
        RecordType::Baulk | RecordType::Rejection => {
            if !(r.exit_date == r.arrival_date && r.service_start_date.is_nan() && r.destination.is_none()) {
                return bad("turned away");
            }
        }
        _ => return bad("an unknown record type"),
    }
    Ok(())
}

/// No server serves two customers at once (services include their time
/// blocked; interrupted services end at the interruption).
fn check_servers(records: &[Record]) -> Result<(), String> {
    // Per (node, server), its spans: (start, end, customer).
    type Spans = Vec<(f64, f64, u64)>;
    let mut busy: HashMap<(u32, u32), Spans> = HashMap::new();
    for r in records {
        if let (Some(s), RecordType::Service | RecordType::InterruptedService) = (r.server_id, r.record_type)
        {
            busy.entry((r.node, s)).or_default().push((r.service_start_date, r.exit_date, r.id_number));
        }
    }
    for (key, mut spans) in busy {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for w in spans.windows(2) {
            if w[1].0 < w[0].1 {
                return Err(format!("node {} server {}: {:?} overlaps {:?}", key.0, key.1, w[0], w[1]));
            }
        }
    }
    Ok(())
}

/// Each customer's records chain: it arrives at a node when it left the
/// one before.
fn check_chains(records: &[Record]) -> Result<(), String> {
    let mut by: HashMap<u64, Vec<&Record>> = HashMap::new();
    for r in records {
        by.entry(r.id_number).or_default().push(r);
    }
    for (id, mut rs) in by {
        rs.sort_by(|a, b| {
            a.arrival_date.total_cmp(&b.arrival_date).then(a.exit_date.total_cmp(&b.exit_date))
        });
        for w in rs.windows(2) {
            if w[1].arrival_date < w[0].arrival_date || w[1].exit_date < w[0].exit_date {
                return Err(format!("customer {id}: {:?} then {:?}", w[0], w[1]));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config {
        cases: 96,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_TARGET_TMPDIR"),
            "/proptest-regressions/queue-sim-behaviour.txt"
        )))),
        ..Config::default()
    })]

    #[test]
    fn records_of_every_behaviour_at_once_are_consistent(net in network(), seed in 0u64..1000, ciw in any::<bool>()) {
        prop_assume!(net.validate().is_ok());
        let rng = if ciw { RngKind::Ciw } else { RngKind::Pcg };
        let run = || {
            let out = queue_sim::simulate(&net, rng, seed, queue_sim::Stop::MaxTime(150.0))?;
            Ok::<_, queue_sim::SimError>(out.records)
        };
        let records = run().map_err(|e| TestCaseError::fail(e.to_string()))?;
        for r in &records {
            check_record(r).map_err(TestCaseError::fail)?;
        }
        check_servers(&records).map_err(TestCaseError::fail)?;
        check_chains(&records).map_err(TestCaseError::fail)?;
        // Reproducible, and in Ciw's order the same records.
        let again = run().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(format!("{records:?}"), format!("{again:?}"));
        let mut sim = Simulation::with_rng(&net, queue_sim::Pcg::new(seed)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if !ciw {
            sim.run_until(150.0).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(sim.records_in_ciw_order(None).len(), records.len());
        }
    }
}
