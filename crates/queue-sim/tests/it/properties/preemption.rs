//! Properties of records over random small networks with priority classes
//! and every preemption mode, under both generators: times ordered within
//! each record, a customer in one service at a time and a server serving one
//! customer at a time, each visit's records chaining up (with the service
//! time each mode gives after an interruption), priorities respected at
//! every service start, first come first served within a priority (the
//! interrupted first), every interruption made by a customer of better
//! priority taking the server from the worst in service, node occupancy
//! within servers plus queue capacity (except for rerouted customers, who
//! enter full nodes, as in Ciw) and customers conserved; and runs paused and
//! resumed give the same records, only the order of priority numbers
//! matters, and nothing is preempted when all priorities are equal.

use std::collections::HashMap;

use proptest::prelude::*;
use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Preemption, Record, RecordType, RngKind,
    Servers,
};

use super::{
    MAX_TIME, Run, capacity, config, inter_arrival_time, rng_kind, routing, run, same_records, service_time,
};

fn preemption() -> impl Strategy<Value = Preemption> {
    prop_oneof![
        Just(Preemption::Off),
        Just(Preemption::Resample),
        Just(Preemption::Restart),
        Just(Preemption::Resume),
        Just(Preemption::Reroute),
    ]
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    let servers = prop_oneof![5 => (1usize..=3).prop_map(Servers::Finite), 1 => Just(Servers::Infinite)];
    let queue_capacity = prop_oneof![2 => Just(None), 1 => (0usize..=3).prop_map(Some)];
    (servers, queue_capacity, preemption()).prop_map(|(servers, queue_capacity, mode)| {
        let node = NodeSpec::new(servers).with_preemption(mode);
        match queue_capacity {
            Some(q) => node.with_queue_capacity(q),
            None => node,
        }
    })
}

/// A class of priority 0-2 (ties allowed), arriving at most nodes, so that
/// customers of different priorities meet.
fn class(n: usize) -> impl Strategy<Value = CustomerClass> {
    let arrival = prop_oneof![3 => inter_arrival_time().prop_map(Some), 1 => Just(None)];
    let at = (arrival, service_time()).prop_map(|(arrival, service)| ClassAtNode::new(arrival, service));
    (prop::collection::vec(at, n), routing(n), 0u32..=2).prop_map(|(nodes, routing, priority)| {
        CustomerClass::new("Customer", nodes, routing).with_priority(priority)
    })
}

/// 1-3 nodes, mostly 2-3 classes.
fn network() -> impl Strategy<Value = Network> {
    let classes = prop_oneof![1 => Just(1usize), 4 => 2usize..=3];
    (1usize..=3, classes)
        .prop_flat_map(|(n, k)| (prop::collection::vec(node_spec(), n), prop::collection::vec(class(n), k)))
        .prop_map(|(nodes, mut classes)| {
            if classes.iter().all(|c| c.nodes.iter().all(|at| at.arrival.is_none())) {
                classes[0].nodes[0].arrival = Some(Distribution::exponential(0.8));
            }
            Network::new(nodes, classes)
        })
}

/// `a` and `b` equal up to rounding (a resumed service time is computed
/// from dates).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// One stay at a node: its records in order, every one but the last an
/// interruption after which the customer waited there again.
struct Visit<'a> {
    records: Vec<&'a Record>,
    /// It came by a reroute (after an interruption elsewhere or here).
    rerouted_in: bool,
}

impl Visit<'_> {
    fn first(&self) -> &Record {
        self.records[0]
    }

    fn last(&self) -> &Record {
        self.records[self.records.len() - 1]
    }

    /// Whether the records show it leaving (a service, or an interruption
    /// that rerouted it); else it is still there at the end of the run.
    fn left(&self) -> bool {
        let last = self.last();
        last.record_type == RecordType::Service || last.destination.is_some()
    }

    /// The intervals `(from, to)` it spent waiting for a server, as far as
    /// the records tell (not after its last interruption if it never left).
    fn waits(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let first = std::iter::once((self.first().arrival_date, self.first().service_start_date));
        let again = self.records.windows(2).map(|w| (w[0].exit_date, w[1].service_start_date));
        first.chain(again)
    }
}

fn check_record(net: &Network, r: &Record) -> Result<(), TestCaseError> {
    let n = net.nodes.len();
    prop_assert!(r.node >= 1 && r.node as usize <= n, "node out of range: {:?}", r);
    prop_assert!((r.customer_class as usize) < net.classes.len(), "class out of range: {:?}", r);
    prop_assert_eq!(r.customer_class, r.original_customer_class);
    let spec = &net.nodes[r.node as usize - 1];
    let valid_destination = |d: i32| d == -1 || (d >= 1 && d as usize <= n);
    match r.record_type {
        RecordType::Service | RecordType::InterruptedService => {
            prop_assert!(r.waiting_time >= 0.0, "negative wait: {:?}", r);
            prop_assert_eq!(r.waiting_time, r.service_start_date - r.arrival_date);
            prop_assert!(r.service_time >= 0.0, "negative service: {:?}", r);
            prop_assert!(
                r.arrival_date >= 0.0 && r.arrival_date <= r.service_start_date && r.exit_date < MAX_TIME,
                "dates out of order: {:?}",
                r
            );
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
        }
        RecordType::Rejection => {
            prop_assert!(capacity(spec).is_some(), "rejection at an unlimited node: {:?}", r);
            prop_assert!(r.arrival_date == r.exit_date && r.exit_date < MAX_TIME, "{:?}", r);
            prop_assert_eq!((r.destination, r.server_id, r.queue_size_at_departure), (None, None, None));
        }
        _ => prop_assert!(false, "unexpected record type {:?}", r.record_type),
    }
    match r.record_type {
        RecordType::Service => {
            prop_assert!(
                r.service_start_date <= r.service_end_date && r.service_end_date <= r.exit_date,
                "dates out of order: {:?}",
                r
            );
            prop_assert!(r.time_blocked >= 0.0, "negative blocking: {:?}", r);
            prop_assert!(valid_destination(r.destination.expect("a service has a destination")), "{:?}", r);
            prop_assert!(r.queue_size_at_departure.is_some());
        }
        RecordType::InterruptedService => {
            prop_assert!(
                spec.priority_preemption != Preemption::Off && spec.servers != Servers::Infinite,
                "interrupted at a node that does not preempt: {:?}",
                r
            );
            // Cut short after it started and before it would have ended.
            prop_assert!(
                r.service_start_date <= r.exit_date && r.exit_date <= r.service_start_date + r.service_time,
                "interruption outside the service: {:?}",
                r
            );
            prop_assert!(r.service_end_date.is_nan() && r.time_blocked.is_nan(), "{:?}", r);
            prop_assert_eq!(r.queue_size_at_departure, None);
            match r.destination {
                Some(d) => {
                    prop_assert_eq!(spec.priority_preemption, Preemption::Reroute, "{:?}", r);
                    prop_assert!(valid_destination(d), "{:?}", r);
                }
                None => prop_assert!(spec.priority_preemption != Preemption::Reroute, "{:?}", r),
            }
        }
        _ => {}
    }
    Ok(())
}

/// Splits each customer's records into visits, checking that they chain up:
/// a customer is in one service at a time, waits again where it was
/// interrupted (with the service time its node's mode gives) unless
/// rerouted, and arrives where and when its last visit sent it.
fn visits<'a>(net: &Network, run: &'a Run) -> Result<Vec<Visit<'a>>, TestCaseError> {
    let mut by_customer: HashMap<u64, Vec<&Record>> = HashMap::new();
    for r in &run.records {
        by_customer.entry(r.id_number).or_default().push(r);
    }
    let mut visits = Vec::new();
    for (id, records) in by_customer {
        if records[0].record_type == RecordType::Rejection {
            prop_assert_eq!(records.len(), 1, "customer {} rejected and served", id);
            continue;
        }
        let mut current: Vec<&Record> = Vec::new();
        let mut rerouted_in = false;
        for r in records {
            prop_assert!(r.record_type != RecordType::Rejection, "transfers are never rejected: {:?}", r);
            match current.last() {
                Some(&prev) => {
                    // Waiting again at the same node after an interruption.
                    prop_assert_eq!(prev.record_type, RecordType::InterruptedService);
                    prop_assert_eq!(prev.destination, None);
                    prop_assert_eq!(
                        (r.node, r.arrival_date),
                        (prev.node, prev.arrival_date),
                        "customer {}",
                        id
                    );
                    prop_assert!(
                        r.service_start_date >= prev.exit_date,
                        "two services at once: {:?} {:?}",
                        prev,
                        r
                    );
                    let left = prev.service_start_date + prev.service_time - prev.exit_date;
                    match net.nodes[r.node as usize - 1].priority_preemption {
                        Preemption::Restart => {
                            prop_assert!(
                                close(r.service_time, prev.service_time),
                                "restart: {:?} {:?}",
                                prev,
                                r
                            )
                        }
                        Preemption::Resume => {
                            prop_assert!(close(r.service_time, left), "resume: {:?} {:?}", prev, r)
                        }
                        _ => {}
                    }
                }
                None => {
                    if let Some(prev) = visits.last().filter(|v: &&Visit| v.first().id_number == id) {
                        let prev = prev.last();
                        prop_assert_eq!(
                            prev.destination,
                            Some(r.node as i32),
                            "customer {} went elsewhere",
                            id
                        );
                        prop_assert_eq!(
                            r.arrival_date,
                            prev.exit_date,
                            "customer {} lost time in transit",
                            id
                        );
                    }
                }
            }
            current.push(r);
            if r.record_type == RecordType::Service || r.destination.is_some() {
                let next_rerouted = r.record_type == RecordType::InterruptedService;
                visits.push(Visit { records: std::mem::take(&mut current), rerouted_in });
                rerouted_in = next_rerouted;
            }
        }
        if !current.is_empty() {
            visits.push(Visit { records: current, rerouted_in });
        }
    }
    Ok(visits)
}

/// Nobody waits at a node while a customer of strictly worse priority who
/// arrived later starts service there.
fn check_priorities(net: &Network, visits: &[Visit]) -> Result<(), TestCaseError> {
    let priority = |r: &Record| net.classes[r.customer_class as usize].priority;
    for node in 1..=net.nodes.len() as u32 {
        let here: Vec<&Visit> = visits.iter().filter(|v| v.first().node == node).collect();
        let waits: Vec<(f64, f64, u32, &Record)> = here
            .iter()
            .flat_map(|v| v.waits().map(move |(from, to)| (from, to, priority(v.first()), v.first())))
            .collect();
        for start in here.iter().flat_map(|v| v.records.iter()).filter(|r| r.server_id.is_some()) {
            let (t, p) = (start.service_start_date, priority(start));
            for &(from, to, q, who) in &waits {
                prop_assert!(
                    !(q < p && from < t && t < to),
                    "node {}: {:?} started at {} while {:?} (priority {} < {}) waited from {} to {}",
                    node,
                    start,
                    t,
                    who,
                    q,
                    p,
                    from,
                    to
                );
            }
        }
    }
    Ok(())
}

/// Customers of one priority first start service at a node in the order
/// they arrived there (an interrupted one goes back to the front of its
/// priority's queue, so its later starts may jump ahead).
fn check_first_come_first_served(net: &Network, visits: &[Visit]) -> Result<(), TestCaseError> {
    let mut lanes: HashMap<(u32, u32), Vec<(f64, f64)>> = HashMap::new();
    for v in visits {
        let r = v.first();
        if r.server_id.is_some() {
            let priority = net.classes[r.customer_class as usize].priority;
            lanes.entry((r.node, priority)).or_default().push((r.arrival_date, r.service_start_date));
        }
    }
    for ((node, priority), mut lane) in lanes {
        lane.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for w in lane.windows(2) {
            prop_assert!(
                w[0].1 <= w[1].1,
                "node {} priority {}: (arrival, first start) {:?} then {:?}",
                node,
                priority,
                w[0],
                w[1]
            );
        }
    }
    Ok(())
}

/// A customer interrupted at a node keeps its place in its priority's
/// queue, the order customers joined the node (Ciw's list order): nobody of
/// its priority who joined after it and was waiting when it was interrupted
/// starts before it.
fn check_interrupted_keep_their_place(net: &Network, visits: &[Visit]) -> Result<(), TestCaseError> {
    // Per (node, priority): (from, to, after an interruption, joined).
    type Lane = Vec<(f64, f64, bool, f64)>;
    let mut lanes: HashMap<(u32, u32), Lane> = HashMap::new();
    for v in visits {
        let r = v.first();
        let priority = net.classes[r.customer_class as usize].priority;
        let lane = lanes.entry((r.node, priority)).or_default();
        lane.extend(v.waits().enumerate().map(|(i, (from, to))| (from, to, i > 0, r.arrival_date)));
    }
    for ((node, priority), lane) in lanes {
        for &(cut, again, _, joined) in lane.iter().filter(|w| w.2) {
            for &(from, to, _, other_joined) in &lane {
                prop_assert!(
                    !(other_joined > joined && from < cut && cut < to && to < again),
                    "node {} priority {}: joined at {}, interrupted at {} and served again at {}, but one who \
                     joined after it, at {}, and waited from {} started before it, at {}",
                    node,
                    priority,
                    joined,
                    cut,
                    again,
                    other_joined,
                    from,
                    to
                );
            }
        }
    }
    Ok(())
}

/// Every interruption hands the server, at that instant, to a customer of
/// strictly better priority.
fn check_interruptions(net: &Network, run: &Run) -> Result<(), TestCaseError> {
    let priority = |r: &Record| net.classes[r.customer_class as usize].priority;
    let mut starts: HashMap<(u32, u32), Vec<&Record>> = HashMap::new();
    for r in run.records.iter().filter(|r| r.record_type != RecordType::Rejection) {
        if let Some(s) = r.server_id {
            starts.entry((r.node, s)).or_default().push(r);
        }
    }
    for cut in run.records.iter().filter(|r| r.record_type == RecordType::InterruptedService) {
        let server = (cut.node, cut.server_id.expect("interrupted services have a server"));
        // Who started there then (several only if zero-length services
        // tie); the taker may still be in service at the end, with no record.
        let takers: Vec<&&Record> = starts[&server]
            .iter()
            .filter(|r| r.service_start_date == cut.exit_date && r.id_number != cut.id_number)
            .collect();
        prop_assert!(
            takers.is_empty() || takers.iter().any(|t| priority(t) < priority(cut)),
            "{:?} interrupted, server taken by {:?}",
            cut,
            takers
        );
    }
    Ok(())
}

/// The customer interrupted is, among those in service there (blocked ones
/// excluded), of the worst priority, then the latest started, then on the
/// lowest server. Customers whose service started or ended at the instant
/// of the interruption are left out (the order within an instant is not in
/// the records), and so are those with no record yet.
fn check_victims(net: &Network, run: &Run) -> Result<(), TestCaseError> {
    let priority = |r: &Record| net.classes[r.customer_class as usize].priority;
    let mut at_node: HashMap<u32, Vec<&Record>> = HashMap::new();
    for r in run.records.iter().filter(|r| r.server_id.is_some()) {
        at_node.entry(r.node).or_default().push(r);
    }
    for cut in run.records.iter().filter(|r| r.record_type == RecordType::InterruptedService) {
        let t = cut.exit_date;
        let victim = (priority(cut), cut.service_start_date, std::cmp::Reverse(cut.server_id));
        for other in &at_node[&cut.node] {
            let busy_until = if other.record_type == RecordType::Service {
                other.service_end_date
            } else {
                other.exit_date
            };
            if other.id_number == cut.id_number || !(other.service_start_date < t && t < busy_until) {
                continue;
            }
            let candidate = (priority(other), other.service_start_date, std::cmp::Reverse(other.server_id));
            prop_assert!(
                candidate.0 < victim.0
                    || (candidate.0 == victim.0
                        && candidate.1.total_cmp(&victim.1).then(candidate.2.cmp(&victim.2)).is_lt()),
                "{:?} interrupted while {:?} was in service",
                cut,
                other
            );
        }
    }
    Ok(())
}

/// A server serves one customer at a time (blocked ones included).
fn check_servers(run: &Run) -> Result<(), TestCaseError> {
    let mut by_server: HashMap<(u32, u32), Vec<&Record>> = HashMap::new();
    for r in run.records.iter().filter(|r| r.record_type != RecordType::Rejection) {
        if let Some(s) = r.server_id {
            by_server.entry((r.node, s)).or_default().push(r);
        }
    }
    for (key, mut served) in by_server {
        served.sort_by(|a, b| {
            a.service_start_date.total_cmp(&b.service_start_date).then(a.exit_date.total_cmp(&b.exit_date))
        });
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
    Ok(())
}

/// Counted from the records, a node holds at most servers plus queue
/// capacity: every arrival but a rerouted one finds room, and a rejected one
/// finds none. The count is a lower bound (customers leaving at an instant
/// are counted out before those arriving then, and customers still waiting
/// at the end with no record are missed), which is what the checks need.
fn check_occupancy(net: &Network, run: &Run, visits: &[Visit]) -> Result<(), TestCaseError> {
    const LEAVE: u8 = 0;
    const ENTER: u8 = 1;
    /// In and out at one instant: must find room, adds nobody.
    const PASS: u8 = 2;
    for (i, spec) in net.nodes.iter().enumerate() {
        let Some(cap) = capacity(spec) else { continue };
        let cap = i64::try_from(cap).unwrap();
        let node = u32::try_from(i + 1).unwrap();
        // (time, what, rerouted in).
        let mut moves: Vec<(f64, u8, bool)> = Vec::new();
        for v in visits.iter().filter(|v| v.first().node == node) {
            let (arrival, exit) = (v.first().arrival_date, v.last().exit_date);
            if v.left() && exit == arrival {
                moves.push((arrival, PASS, v.rerouted_in));
            } else {
                moves.push((arrival, ENTER, v.rerouted_in));
                if v.left() {
                    moves.push((exit, LEAVE, false));
                }
            }
        }
        // At one instant: leaves, then the entries that needed room, then
        // the rerouted ones (which may overfill the node). The records do
        // not say the order within an instant, and this one counts the
        // fewest present at each entry that needs room, so the count stays
        // a lower bound whatever order `visits` comes in.
        moves.sort_by(|a, b| {
            let key = |m: &(f64, u8, bool)| (m.1 != LEAVE, m.2, m.1);
            a.0.total_cmp(&b.0).then(key(a).cmp(&key(b)))
        });
        let step = |present: &mut i64, what: u8| match what {
            LEAVE => *present -= 1,
            ENTER => *present += 1,
            _ => {}
        };
        let mut present = 0i64;
        for &(t, what, rerouted) in &moves {
            prop_assert!(present >= 0, "node {}: more left than came by {}", node, t);
            if what != LEAVE {
                prop_assert!(
                    rerouted || present < cap,
                    "node {} (room for {}) entered at {} with {} present",
                    node,
                    cap,
                    t,
                    present
                );
            }
            step(&mut present, what);
        }
        let (mut present, mut next) = (0i64, 0);
        for r in run.records.iter().filter(|r| r.record_type == RecordType::Rejection && r.node == node) {
            let t = r.arrival_date;
            while let Some(&(when, what, _)) = moves.get(next) {
                if when > t || (when == t && what != LEAVE) {
                    break;
                }
                step(&mut present, what);
                next += 1;
            }
            let found = i64::from(r.queue_size_at_arrival);
            prop_assert!(found >= cap, "rejected with room: {:?}", r);
            prop_assert!(
                present <= found,
                "node {}: {} present, more than the rejection says: {:?}",
                node,
                present,
                r
            );
        }
    }
    Ok(())
}

fn check_run(net: &Network, run: &Run) -> Result<(), TestCaseError> {
    for r in &run.records {
        check_record(net, r)?;
        prop_assert!(r.id_number >= 1 && r.id_number <= run.arrived, "id out of range: {:?}", r);
    }
    for w in run.records.windows(2) {
        prop_assert!(
            w[0].exit_date <= w[1].exit_date,
            "records out of exit order: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    let visits = visits(net, run)?;
    check_priorities(net, &visits)?;
    check_first_come_first_served(net, &visits)?;
    check_interrupted_keep_their_place(net, &visits)?;
    check_interruptions(net, run)?;
    check_victims(net, run)?;
    check_servers(run)?;
    check_occupancy(net, run, &visits)?;

    prop_assert_eq!(run.utilisation.len(), net.nodes.len());
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

    // Everyone who arrived has left (after a service or rerouted from an
    // interruption), been turned away, or is still inside.
    let exits = run.records.iter().filter(|r| r.destination == Some(-1)).count() as u64;
    let rejected = run.records.iter().filter(|r| r.record_type == RecordType::Rejection).count() as u64;
    let present: u64 = run.present.iter().map(|&p| u64::from(p)).sum();
    prop_assert_eq!(run.completed, exits);
    prop_assert_eq!(run.arrived, run.completed + rejected + present);
    Ok(())
}

proptest! {
    #![proptest_config(config(160))]

    #[test]
    fn records_with_priorities_and_preemption_are_consistent(
        net in network(),
        rng in rng_kind(),
        seed in any::<u64>(),
    ) {
        net.validate().unwrap();
        let run = run(&net, rng, seed, &[MAX_TIME]);
        check_run(&net, &run)?;
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn runs_with_preemption_are_reproducible_and_resumable(
        net in network(),
        rng in rng_kind(),
        seed in any::<u64>(),
        split in 1.0f64..MAX_TIME,
    ) {
        let whole = run(&net, rng, seed, &[MAX_TIME]);
        let resumed = run(&net, rng, seed, &[split, MAX_TIME]);
        prop_assert!(same_records(&whole.records, &resumed.records), "resuming at {} changed the records", split);
        prop_assert_eq!(&whole.utilisation, &resumed.utilisation);
        prop_assert_eq!((whole.arrived, whole.completed), (resumed.arrived, resumed.completed));
        prop_assert_eq!(&whole.present, &resumed.present);
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn only_the_order_of_priorities_matters(
        net in network(),
        rng in rng_kind(),
        seed in any::<u64>(),
        scale in 1u32..1000,
        offset in 0u32..1000,
    ) {
        let mut spread = net.clone();
        for c in &mut spread.classes {
            c.priority = c.priority * scale + offset;
        }
        let a = run(&net, rng, seed, &[MAX_TIME]);
        let b = run(&spread, rng, seed, &[MAX_TIME]);
        prop_assert!(same_records(&a.records, &b.records), "priorities times {} plus {} changed the records", scale, offset);
    }

    #[test]
    fn equal_priorities_never_preempt(net in network(), rng in rng_kind(), seed in any::<u64>(), priority in 0u32..3) {
        let mut same = net.clone();
        for c in &mut same.classes {
            c.priority = priority;
        }
        let mut off = same.clone();
        for node in &mut off.nodes {
            node.priority_preemption = Preemption::Off;
        }
        let a = run(&same, rng, seed, &[MAX_TIME]);
        let b = run(&off, rng, seed, &[MAX_TIME]);
        prop_assert!(a.records.iter().all(|r| r.record_type != RecordType::InterruptedService));
        prop_assert!(same_records(&a.records, &b.records), "preemption changed a model of one priority");
    }
}

/// Beyond 64 servers a node keeps its free servers in a heap rather than a
/// bit mask: the properties hold there too, in every preemption mode.
#[test]
fn many_servers_keep_the_properties() {
    let class = |name: &str, rate: f64, priority: u32| {
        CustomerClass::new(
            name,
            vec![ClassAtNode::new(Some(Distribution::exponential(rate)), Distribution::exponential(0.15))],
            vec![],
        )
        .with_priority(priority)
    };
    for mode in [Preemption::Resume, Preemption::Restart, Preemption::Resample, Preemption::Reroute] {
        // 73 Erlangs offered to 66 servers with room for 10 more.
        let net = Network::new(
            vec![NodeSpec::new(Servers::Finite(66)).with_queue_capacity(10).with_preemption(mode)],
            vec![class("A", 4.0, 0), class("B", 4.0, 1), class("C", 3.0, 2)],
        );
        for rng in [RngKind::Pcg, RngKind::Ciw] {
            let run = run(&net, rng, 3, &[MAX_TIME]);
            let cut = run.records.iter().filter(|r| r.record_type == RecordType::InterruptedService).count();
            assert!(cut > 100, "{mode:?} {rng:?}: only {cut} interruptions");
            assert!(
                run.records.iter().any(|r| r.server_id == Some(66)),
                "{mode:?} {rng:?}: server 66 unused"
            );
            if let Err(e) = check_run(&net, &run) {
                panic!("{mode:?} {rng:?}: {e}");
            }
        }
    }
}
