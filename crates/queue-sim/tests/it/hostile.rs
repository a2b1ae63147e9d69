//! A hostile user of the customer behaviours (issue 11): odd model files,
//! odd combinations, garbage from user functions, and the invariants every
//! run's records must keep whatever the model.

use std::collections::HashMap;

use queue_sim::{
    ClassAtNode, CustomerClass, Discipline, Distribution, ModelError, Network, NodeSpec, Preemption,
    ProcessRouting, QueuedCustomer, RandomSource, Record, RecordType, RngKind, RouteFunction, ServerPriority,
    ServerPriorityFunction, ServerState, Servers, ServiceDiscipline, SimError, Simulation, Stop,
    TimeDistribution, simulate,
};

/// Every behaviour at once: two priorities with preemption, reneging with a
/// destination, class change while waiting and after service, batches, a
/// system capacity, blocking queue capacities, infinite and zero servers.
const EVERYTHING: &str = r#"
system_capacity = 9
[[nodes]]
servers = 2
queue_capacity = 3
priority_preemption = "PREEMPT"
[[nodes]]
servers = 1
queue_capacity = 1
discipline = "lifo"
[[nodes]]
servers = "inf"
[[nodes]]
servers = ZERO
[[classes]]
name = "Hi"
priority = 0
routing = [[0.0, 0.5, 0.2, 0.0], [0.3, 0.0, 0.0, 0.0], [0.0, 0.4, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
class_change_while_waiting = { Lo = { type = "exponential", rate = 0.7 } }
nodes = [
  { arrival = { type = "exponential", rate = 0.8 }, service = { type = "exponential", rate = 1.3 }, batch = { type = "pmf", values = [1, 3], probs = [0.7, 0.3] }, reneging = { type = "exponential", rate = 0.4 }, reneging_destination = 1 },
  { service = { type = "exponential", rate = 1.1 }, reneging = { type = "uniform", lower = 0.5, upper = 2.0 } },
  { service = { type = "exponential", rate = 0.5 } },
  { service = { type = "exponential", rate = 1.0 } },
]
[[classes]]
name = "Lo"
priority = 1
routing = [[0.0, 0.5, 0.0, 0.1], [0.2, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
class_change_while_waiting = { Hi = { type = "exponential", rate = 0.3 } }
nodes = [
  { arrival = { type = "exponential", rate = 0.9 }, service = { type = "gamma", shape = 2.0, scale = 0.5 }, reneging = { type = "exponential", rate = 0.5 }, class_after_service = { Hi = 0.4, Lo = 0.6 } },
  { arrival = { type = "exponential", rate = 0.3 }, service = { type = "exponential", rate = 1.7 }, class_after_service = { Lo = 1.0 } },
  { service = { type = "exponential", rate = 2.0 } },
  { service = { type = "exponential", rate = 1.0 }, reneging = { type = "exponential", rate = 2.0 }, reneging_destination = "exit" },
]
"#;

fn everything(preempt: &str) -> Network {
    Network::from_toml_str(&EVERYTHING.replace("PREEMPT", preempt).replace("ZERO", "0")).unwrap()
}

/// [`EVERYTHING`] with one server at the last node, so that every customer
/// can finish by being served (a count of customers is then reachable).
fn everything_served(preempt: &str) -> Network {
    Network::from_toml_str(&EVERYTHING.replace("PREEMPT", preempt).replace("ZERO", "1")).unwrap()
}

const MODES: [&str; 4] = ["resample", "restart", "resume", "reroute"];

/// Occupies a server: a service or an interrupted service.
fn holds_server(r: &Record) -> bool {
    matches!(r.record_type, RecordType::Service | RecordType::InterruptedService)
}

/// When a server took a customer, when it let it go, and who it was.
type Span = (f64, f64, u64);

/// Checks what every run's records must satisfy, whatever the model.
fn check_records(records: &[Record], servers: &[Option<usize>], what: &str) {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
    let mut by_server: HashMap<(u32, u32), Vec<Span>> = HashMap::new();
    for r in records {
        assert!(r.node >= 1 && (r.node as usize) <= servers.len(), "{what}: node out of range {r:?}");
        assert!(r.arrival_date >= 0.0 && r.exit_date >= r.arrival_date, "{what}: times go back {r:?}");
        if holds_server(r) {
            assert!(r.waiting_time >= 0.0 && r.service_time >= 0.0, "{what}: {r:?}");
            assert!(close(r.service_start_date, r.arrival_date + r.waiting_time), "{what}: start {r:?}");
            let Some(c) = servers[r.node as usize - 1] else { continue };
            let server = r.server_id.unwrap_or_else(|| panic!("{what}: no server {r:?}"));
            assert!((server as usize) >= 1 && (server as usize) <= c, "{what}: server id {r:?}");
            by_server.entry((r.node, server)).or_default().push((
                r.service_start_date,
                r.exit_date,
                r.id_number,
            ));
        }
        if r.record_type == RecordType::Service {
            assert!(close(r.service_end_date, r.service_start_date + r.service_time), "{what}: end {r:?}");
            assert!(r.time_blocked >= 0.0, "{what}: {r:?}");
            assert!(close(r.exit_date, r.service_end_date + r.time_blocked), "{what}: exit {r:?}");
        }
    }
    for ((node, server), mut spans) in by_server {
        if servers[node as usize - 1].is_none() {
            continue;
        }
        spans.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
        for w in spans.windows(2) {
            assert!(
                w[1].0 >= w[0].1 - 1e-9,
                "{what}: node {node} server {server} serves {} and {} at once: {:?} {:?}",
                w[0].2,
                w[1].2,
                w[0],
                w[1]
            );
        }
    }
    // Each customer's visits chain: each record starts where the one before
    // ended, and nothing follows a record that leaves the network.
    let mut by_customer: HashMap<u64, Vec<&Record>> = HashMap::new();
    for r in records {
        by_customer.entry(r.id_number).or_default().push(r);
    }
    for (id, mut rs) in by_customer {
        rs.sort_by(|a, b| {
            a.arrival_date.partial_cmp(&b.arrival_date).unwrap().then(a.exit_date.total_cmp(&b.exit_date))
        });
        for w in rs.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a.record_type == RecordType::InterruptedService {
                // Interrupted: served again at the same node from the same
                // arrival, or rerouted at the interruption.
                let again = (a.node, a.arrival_date.to_bits()) == (b.node, b.arrival_date.to_bits());
                assert!(again || b.arrival_date == a.exit_date, "{what}: {a:?} then {b:?}");
                continue;
            }
            let left = matches!(a.record_type, RecordType::Rejection | RecordType::Baulk)
                || (a.record_type != RecordType::InterruptedService && a.destination == Some(-1));
            assert!(!left, "{what}: customer {id} has a record after leaving: {a:?} then {b:?}");
            assert!(close(b.arrival_date, a.exit_date), "{what}: customer {id} jumps: {a:?} then {b:?}");
        }
    }
}

fn node_servers(net: &Network) -> Vec<Option<usize>> {
    net.nodes
        .iter()
        .map(|n| match n.servers {
            Servers::Finite(c) => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn every_behaviour_at_once_keeps_the_records_consistent() {
    for mode in MODES {
        let net = everything(mode);
        for rng in [RngKind::Pcg, RngKind::Ciw] {
            for seed in 0..8 {
                let out = simulate(&net, rng, seed, Stop::MaxTime(300.0)).unwrap();
                check_records(&out.records, &node_servers(&net), &format!("{mode} {rng:?} seed {seed}"));
                for u in out.utilisation.iter().flatten() {
                    assert!((0.0..=1.0).contains(u), "{mode} {rng:?} {seed}: utilisation {u}");
                }
            }
        }
    }
}

/// Runs `f` on another thread, failing if it takes more than 20 seconds
/// (60 in a debug build, which a loaded machine can slow that much).
fn in_time<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    let limit = if cfg!(debug_assertions) { 60 } else { 20 };
    rx.recv_timeout(std::time::Duration::from_secs(limit)).expect("no answer in time (a hang?)")
}

/// Runs to `stop`: the records, then the customers arrived, accepted,
/// completed and finished.
fn counted<R: RandomSource>(mut sim: Simulation<R>, stop: Stop) -> (Vec<Record>, u64, u64, u64, u64) {
    sim.run(stop).unwrap();
    (sim.records().to_vec(), sim.arrived(), sim.accepted(), sim.completed(), sim.finished())
}

#[test]
fn counts_add_up_under_every_behaviour() {
    for mode in MODES {
        let net = everything_served(mode);
        for stop in
            [Stop::MaxCustomers(150), Stop::MaxFinished(150), Stop::MaxArrivals(150), Stop::MaxAccepted(150)]
        {
            for rng in [RngKind::Pcg, RngKind::Ciw] {
                let net = net.clone();
                let (records, arrived, accepted, completed, finished) = in_time(move || match rng {
                    RngKind::Pcg => counted(Simulation::new(&net, 3).unwrap(), stop),
                    _ => counted(Simulation::ciw(&net, 3).unwrap(), stop),
                });
                let what = format!("{mode} {stop:?} {rng:?}");
                let rejected =
                    records.iter().filter(|r| r.record_type == RecordType::Rejection).count() as u64;
                let baulked = records.iter().filter(|r| r.record_type == RecordType::Baulk).count() as u64;
                assert_eq!(arrived, accepted + rejected + baulked, "{what}");
                // Ciw's "Finish" also counts those who renege out of the
                // network, which "Complete" does not.
                let reneged_out = records
                    .iter()
                    .filter(|r| r.record_type == RecordType::Renege)
                    // Only class Hi at the first node reneges to another node.
                    .filter(|r| (r.customer_class, r.node) != (0, 1))
                    .count() as u64;
                assert_eq!(finished, completed + rejected + baulked + reneged_out, "{what}");
                // Completed: served, or interrupted and rerouted, out.
                let served_out =
                    records.iter().filter(|r| holds_server(r) && r.destination == Some(-1)).count() as u64;
                assert_eq!(completed, served_out, "{what}: completed vs services leaving");
                let n = match stop {
                    Stop::Deadlock => unreachable!("no run here stops at a deadlock"),
                    Stop::MaxCustomers(n) => (completed, n),
                    Stop::MaxFinished(n) => (finished, n),
                    Stop::MaxArrivals(n) => (arrived, n),
                    Stop::MaxAccepted(n) => (accepted, n),
                    Stop::MaxTime(_) => unreachable!(),
                };
                assert!(n.0 >= n.1, "{what}: stopped at {} of {}", n.0, n.1);
                check_records(&records, &node_servers(&everything_served(mode)), &what);
            }
        }
    }
}

/// Zero servers everywhere: nobody ever completes, so a run to a number of
/// completed customers can never end.
fn nobody_served() -> Network {
    Network::single_node(
        Distribution::Exponential { rate: 1.0 },
        Distribution::Exponential { rate: 1.0 },
        Servers::Finite(0),
    )
}

#[test]
fn a_count_no_one_can_reach_is_an_error_not_a_hang() {
    let r = in_time(|| simulate(&nobody_served(), RngKind::Pcg, 0, Stop::MaxCustomers(5)));
    let err = r.expect_err("nobody can complete at a node with no servers");
    let text = err.to_string();
    assert!(text.contains("node 0"), "{text}");
}

#[test]
fn a_full_system_that_never_empties_under_max_accepted_is_an_error_not_a_hang() {
    let net = nobody_served().with_system_capacity(3);
    let r = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxAccepted(4)));
    let err = r.expect_err("only 3 can ever be accepted");
    assert!(!err.to_string().is_empty());
}

#[derive(Debug)]
struct Always(f64);

impl TimeDistribution for Always {
    fn sample(&self, _: &mut dyn RandomSource) -> f64 {
        self.0
    }
}

/// One server busy for 10 with everyone else waiting, whose patience is
/// `patience`.
fn impatient(patience: Distribution) -> Network {
    let mut net = Network::single_node(
        Distribution::Deterministic { value: 1.0 },
        Distribution::Deterministic { value: 10.0 },
        Servers::Finite(1),
    );
    net.classes[0].nodes[0].reneging = Some(patience);
    net
}

#[test]
fn a_user_patience_of_nan_or_below_zero_stops_the_run_naming_it() {
    for bad in [f64::NAN, -1.0, f64::NEG_INFINITY] {
        let net = impatient(Distribution::custom(Always(bad)));
        let r = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(30.0)));
        let err = r.expect_err(&format!("patience {bad}"));
        assert!(matches!(err, SimError::InvalidSample { node: 0, class: 0, .. }), "{bad}: {err:?}");
    }
}

#[test]
fn an_infinite_user_patience_means_nobody_reneges() {
    let net = impatient(Distribution::custom(Always(f64::INFINITY)));
    let out = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(50.0))).unwrap();
    assert!(out.records.iter().all(|r| r.record_type == RecordType::Service));
    assert_eq!(out.records.len(), 4);
}

fn changing(after: Distribution) -> Network {
    let class = |name: &str, arrival: Option<Distribution>| {
        CustomerClass::new(
            name,
            vec![ClassAtNode::new(arrival, Distribution::Deterministic { value: 10.0 })],
            vec![vec![0.0]],
        )
    };
    let a = class("A", Some(Distribution::Deterministic { value: 1.0 }))
        .with_class_change_while_waiting([("B", after)]);
    Network::new(vec![NodeSpec::new(Servers::Finite(1))], vec![a, class("B", None)])
}

#[test]
fn a_user_class_change_time_of_nan_or_below_zero_stops_the_run_naming_it() {
    for bad in [f64::NAN, -1.0] {
        let net = changing(Distribution::custom(Always(bad)));
        let r = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(30.0)));
        let err = r.expect_err(&format!("class change time {bad}"));
        assert!(matches!(err, SimError::InvalidSample { node: 0, class: 0, .. }), "{bad}: {err:?}");
    }
}

#[derive(Debug)]
struct Route(Vec<Vec<usize>>);

impl RouteFunction for Route {
    fn route(&self, _: &QueuedCustomer, _: usize, _: &mut dyn RandomSource) -> Vec<Vec<usize>> {
        self.0.clone()
    }
}

fn routed(route: Vec<Vec<usize>>, flexible: bool) -> Network {
    let mut net = Network::ring(2, 1.0, 2.0, 1, 0.0);
    let r = Route(route);
    net.classes[0].routing = queue_sim::Routing::Process(if flexible {
        ProcessRouting::flexible(r, queue_sim::Choice::Random, queue_sim::Rule::Any)
    } else {
        ProcessRouting::fixed(r)
    });
    net
}

#[test]
fn a_user_route_naming_no_node_stops_the_run() {
    for flexible in [false, true] {
        for route in [vec![vec![7]], vec![vec![1, 9]]] {
            let net = routed(route.clone(), flexible);
            let r = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(30.0)));
            let err = r.expect_err(&format!("{route:?}"));
            assert!(err.to_string().contains("node"), "{route:?}: {err}");
        }
    }
}

#[test]
fn a_user_route_with_an_empty_stage_stops_the_run() {
    for flexible in [false, true] {
        let net = routed(vec![vec![1], vec![], vec![0]], flexible);
        let r = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(30.0)));
        let err = r.expect_err("an empty stage");
        assert!(matches!(err, SimError::EmptyRouteStage { stage: 1, .. }), "{err:?}");
        assert!(err.to_string().contains("stage 1"), "{err}");
    }
}

#[test]
fn an_empty_user_route_means_leave_after_the_first_node() {
    for flexible in [false, true] {
        let net = routed(vec![], flexible);
        let out = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(30.0))).unwrap();
        assert!(!out.records.is_empty());
        assert!(out.records.iter().all(|r| r.destination == Some(-1)), "{flexible}");
    }
}

#[test]
fn duplicate_class_names_named_by_a_class_change_are_refused() {
    let text = r#"
[[nodes]]
servers = 1
[[classes]]
name = "A"
nodes = [{ arrival = { type = "exponential", rate = 1.0 }, service = { type = "exponential", rate = 2.0 }, class_after_service = { A = 1.0 } }]
[[classes]]
name = "A"
nodes = [{ arrival = { type = "exponential", rate = 1.0 }, service = { type = "exponential", rate = 2.0 } }]
"#;
    let err = Network::from_toml_str(text).expect_err("two classes named A");
    assert!(err.to_string().contains("\"A\""), "{err}");
}

#[test]
fn customers_who_renege_out_of_a_node_with_no_servers_finish() {
    // Everyone waits at a node with no servers and reneges out after 1:
    // every customer finishes (Ciw's method "Finish" counts those who
    // renege to the exit, and its simulate_until_max_customers ends).
    let mut net = nobody_served();
    net.classes[0].nodes[0].reneging = Some(Distribution::Deterministic { value: 1.0 });
    let out = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxFinished(5)));
    let out = out.unwrap_or_else(|e| panic!("refused: {e}"));
    let reneged = out.records.iter().filter(|r| r.record_type == RecordType::Renege).count();
    assert_eq!(reneged, 5);
}

#[test]
fn a_trap_reached_through_a_class_change_is_refused_up_front() {
    // Class A is served at node 0 and becomes B, whose routing sends it to
    // node 1, which has no servers: nobody ever completes.
    let exp = |rate| Distribution::Exponential { rate };
    let a = CustomerClass::new(
        "A",
        vec![
            ClassAtNode::new(Some(exp(1.0)), exp(2.0)).with_class_after_service([("B", 1.0)]),
            ClassAtNode::new(None, exp(1.0)),
        ],
        vec![vec![0.0, 0.0], vec![0.0, 0.0]],
    );
    let b = CustomerClass::new(
        "B",
        vec![ClassAtNode::new(None, exp(2.0)), ClassAtNode::new(None, exp(1.0))],
        vec![vec![0.0, 1.0], vec![0.0, 0.0]],
    );
    let net =
        Network::new(vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(0))], vec![a, b]);
    let r = in_time(move || simulate(&net, RngKind::Pcg, 0, Stop::MaxCustomers(5)));
    let err = r.expect_err("nobody can complete");
    // Class A at node 0 can never leave (it becomes B, bound for node 1).
    assert!(matches!(err, SimError::NoExit { class: 0, node: 0 }), "{err:?}");
}

/// One LIFO server preempting by `mode`: low-priority customers 1, 2, 3
/// arrive at 1, 2, 3 and take 10 each; a high-priority one arrives at 12
/// and takes 1.
fn lifo_preempted(mode: Preemption) -> Network {
    let seq = |values: Vec<f64>| Distribution::Sequential { values };
    let lo = CustomerClass::new(
        "Lo",
        vec![ClassAtNode::new(
            Some(seq(vec![1.0, 1.0, 1.0, 1000.0])),
            Distribution::Deterministic { value: 10.0 },
        )],
        vec![vec![0.0]],
    )
    .with_priority(1);
    let hi = CustomerClass::new(
        "Hi",
        vec![ClassAtNode::new(Some(seq(vec![12.0, 1000.0])), Distribution::Deterministic { value: 1.0 })],
        vec![vec![0.0]],
    );
    let node = NodeSpec::new(Servers::Finite(1)).with_discipline(Discipline::Lifo).with_preemption(mode);
    Network::new(vec![node], vec![lo, hi])
}

#[test]
fn lifo_after_preemption_serves_the_customer_who_joined_last_as_ciw_does() {
    // At 11 LIFO takes customer 3 (joined at 3) before customer 2 (joined
    // at 2); customer 4 interrupts it at 12 and leaves at 13. Customer 3
    // still joined last, so LIFO takes it again at 13 (Ciw keeps it in its
    // place in the queue, and its LIFO takes the last one).
    for mode in [Preemption::Resume, Preemption::Restart, Preemption::Resample] {
        for rng in [RngKind::Pcg, RngKind::Ciw] {
            let out = simulate(&lifo_preempted(mode), rng, 0, Stop::MaxTime(40.0)).unwrap();
            let start = |id: u64| {
                out.records
                    .iter()
                    .find(|r| r.id_number == id && r.record_type == RecordType::Service)
                    .map(|r| r.service_start_date)
            };
            let interrupted: Vec<u64> = out
                .records
                .iter()
                .filter(|r| r.record_type == RecordType::InterruptedService)
                .map(|r| r.id_number)
                .collect();
            assert_eq!(interrupted, [3], "{mode:?} {rng:?}");
            assert_eq!(start(3), Some(13.0), "{mode:?} {rng:?}: customer 3 should resume at 13");
            assert!(start(2) > Some(13.0), "{mode:?} {rng:?}: customer 2 went first");
        }
    }
}

/// The most customers in the network at once, by the records: each
/// customer is in from its first arrival until it leaves (served or
/// rerouted out, reneging out of a node with no reneging destination), or
/// until `end`. `stays` says whether a renege record sends its customer on.
fn most_present(records: &[Record], end: f64, stays: impl Fn(&Record) -> bool) -> usize {
    let mut spans: HashMap<u64, (f64, f64)> = HashMap::new();
    for r in records {
        if matches!(r.record_type, RecordType::Rejection | RecordType::Baulk) {
            continue;
        }
        let span = spans.entry(r.id_number).or_insert((r.arrival_date, end));
        span.0 = span.0.min(r.arrival_date);
        let out = match r.record_type {
            RecordType::Renege => !stays(r),
            _ => holds_server(r) && r.destination == Some(-1),
        };
        if out {
            span.1 = r.exit_date;
        }
    }
    spans.values().map(|&(t, _)| spans.values().filter(|&&(a, b)| a <= t && b > t).count()).max().unwrap_or(0)
}

#[test]
fn the_system_capacity_holds_under_every_behaviour() {
    for mode in MODES {
        let net = everything(mode);
        for seed in 0..8 {
            let out = simulate(&net, RngKind::Ciw, seed, Stop::MaxTime(300.0)).unwrap();
            // Only class Hi at the first node reneges to another node.
            let most = most_present(&out.records, 300.0, |r| (r.customer_class, r.node) == (0, 1));
            assert!(most <= 9, "{mode} seed {seed}: {most} in a network for 9");
            assert!(most >= 8, "{mode} seed {seed}: the capacity is never approached ({most})");
        }
    }
}

#[test]
fn a_run_stopped_at_a_count_continues_to_a_time_as_one_run_would() {
    let net = everything_served("resume");
    let mut stopped = Simulation::ciw(&net, 5).unwrap();
    stopped.run(Stop::MaxCustomers(40)).unwrap();
    let at = stopped.now();
    let err = stopped.run_until(at / 2.0).expect_err("a time in the past");
    assert!(err.to_string().contains("past") || err.to_string().contains(&format!("{at}")), "{err}");
    stopped.run(Stop::MaxCustomers(10)).unwrap();
    assert_eq!(stopped.now(), at, "a count already reached moves nothing");
    stopped.run_until(200.0).unwrap();
    let mut whole = Simulation::ciw(&net, 5).unwrap();
    whole.run_until(200.0).unwrap();
    assert_eq!(format!("{:?}", stopped.records()), format!("{:?}", whole.records()));
    check_records(stopped.records(), &node_servers(&net), "continued");
}

#[derive(Debug)]
struct Last;

impl ServiceDiscipline for Last {
    fn choose(&self, waiting: &[QueuedCustomer], _: f64, _: &mut dyn RandomSource) -> usize {
        waiting.len() - 1
    }
}

#[derive(Debug)]
struct First;

impl ServiceDiscipline for First {
    fn choose(&self, _: &[QueuedCustomer], _: f64, _: &mut dyn RandomSource) -> usize {
        0
    }
}

#[derive(Debug)]
struct HighestId;

impl ServerPriorityFunction for HighestId {
    fn priority(&self, server: &ServerState, _: &QueuedCustomer) -> f64 {
        -f64::from(server.id)
    }
}

#[test]
fn user_disciplines_and_server_priorities_equal_the_named_ones_under_every_behaviour() {
    for mode in MODES {
        let net = everything(mode);
        let with = |d: Discipline, sp: ServerPriority| {
            let mut n = net.clone();
            n.nodes[0].discipline = d.clone();
            n.nodes[1].discipline = d;
            n.nodes[0].server_priority = sp;
            n
        };
        let pairs = [
            (
                with(Discipline::Lifo, ServerPriority::HighestId),
                with(Discipline::custom(Last), ServerPriority::custom(HighestId)),
            ),
            (
                with(Discipline::Fifo, ServerPriority::LowestId),
                with(Discipline::custom(First), ServerPriority::LowestId),
            ),
        ];
        for (named, user) in pairs {
            for rng in [RngKind::Pcg, RngKind::Ciw] {
                let a = simulate(&named, rng, 2, Stop::MaxTime(200.0)).unwrap();
                let b = simulate(&user, rng, 2, Stop::MaxTime(200.0)).unwrap();
                assert_eq!(format!("{:?}", a.records), format!("{:?}", b.records), "{mode} {rng:?}");
            }
        }
    }
}

#[test]
fn a_batch_distribution_beyond_the_largest_batch_is_refused_up_front() {
    for batch in [Distribution::Binomial { n: 4_000_000_000, prob: 0.5 }, Distribution::Poisson { rate: 1e9 }]
    {
        let mut net = Network::mmc(1.0, 2.0, 1);
        net.classes[0].nodes[0].batch = Some(batch.clone());
        let err = net.validate().expect_err(&format!("{batch:?}"));
        assert!(matches!(err, ModelError::BatchSize { .. }), "{batch:?}: {err:?}");
    }
}

#[test]
fn a_reneging_destination_without_reneging_is_refused() {
    let model = |extra: &str| {
        format!(
            "[[nodes]]\nservers = 1\n[[nodes]]\nservers = 1\n[[classes]]\nname = \"A\"\nrouting = [[0.0, 1.0], [0.0, 0.0]]\nnodes = [ {{ arrival = {{ type = \"exponential\", rate = 1.0 }}, service = {{ type = \"exponential\", rate = 2.0 }} }}, {{ service = {{ type = \"exponential\", rate = 2.0 }}{extra} }} ]\n"
        )
    };
    // The same model without the key loads, so only the key is at fault.
    assert!(Network::from_toml_str(&model("")).is_ok());
    let extra = ", reneging_destination = 0";
    let err = Network::from_toml_str(&model(extra)).expect_err(extra);
    assert!(err.to_string().contains("node 1") && err.to_string().contains("reneging_destination"), "{err}");
    // Batches and baulking where the class never arrives from outside do
    // nothing either, but Ciw takes them (one per node), so a model
    // translated from Ciw may hold them: they load.
    for extra in [", batch = { type = \"deterministic\", value = 5.0 }", ", baulking = { probs = [1.0] }"] {
        assert!(Network::from_toml_str(&model(extra)).is_ok(), "{extra}");
    }
}

#[test]
fn a_tracker_joins_a_simulation_before_it_runs_or_not_at_all() {
    let mut sim = Simulation::new(&queue_sim::Network::mmc(1.0, 2.0, 1), 0).unwrap();
    sim.run_until(10.0).unwrap();
    let err = sim.with_tracker(queue_sim::Tracker::SystemPopulation).unwrap_err();
    assert!(err.to_string().contains("before the simulation runs"), "{err}");
}
