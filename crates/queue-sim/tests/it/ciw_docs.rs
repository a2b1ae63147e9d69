//! Ciw's documentation examples (docs/Guides of CiwPython/Ciw), each run in
//! Ciw mode and checked against the value Ciw 3.2.7 prints for it, to the
//! last bit (the docs round to a few digits; the full values below are
//! `repr()` of Ciw 3.2.7's results on CPython 3.11).

use queue_sim::{
    Baulking, Choice, ClassAtNode, CustomerClass, Destination, Distribution, Network, NetworkState, NodeSpec,
    ProcessRouting, QueuedCustomer, RandomSource, Record, RecordType, RouteFunction, Router, RouterFunction,
    Routing, Rule, ServerPriority, ServerPriorityFunction, ServerState, Servers, Simulation,
    TimeDistribution,
};

fn exp(rate: f64) -> Distribution {
    Distribution::exponential(rate)
}

/// One node of `servers` servers.
fn one_node(servers: usize) -> Vec<NodeSpec> {
    vec![NodeSpec::new(Servers::Finite(servers))]
}

/// Runs `net` in Ciw mode after `ciw.seed(seed)` until `max_time` and
/// returns the records in the order of Ciw's `get_all_records()`.
fn ciw_records(net: &Network, seed: u64, max_time: f64) -> Vec<Record> {
    let mut sim = Simulation::ciw(net, seed).unwrap();
    sim.run_until(max_time).unwrap();
    sim.records_in_ciw_order(None)
}

/// `sum(xs) / len(xs)` added left to right, as Python does.
fn mean(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = xs.into_iter().fold((0.0, 0u32), |(s, n), x| (s + x, n + 1));
    sum / f64::from(n)
}

// docs/Guides/CustomerClasses/priority.rst:
//     N = ciw.create_network(
//         arrival_distributions={'Class 0': [Exponential(rate=5)], 'Class 1': [Exponential(rate=5)]},
//         service_distributions={'Class 0': [Exponential(rate=10)], 'Class 1': [Exponential(rate=10)]},
//         priority_classes={'Class 0': 0, 'Class 1': 1}, number_of_servers=[1])
//     ciw.seed(1); Q = ciw.Simulation(N); Q.simulate_until_max_time(100.0)
//     waits_0 = [r.waiting_time for r in recs if r.customer_class=='Class 0']
//     sum(waits_0)/len(waits_0)   # docs: 0.1866109...
//     sum(waits_1)/len(waits_1)   # docs: 7.6103100...
#[test]
fn priority_classes_the_higher_class_waits_less() {
    let class = |name: &str, priority| {
        CustomerClass::new(name, vec![ClassAtNode::new(Some(exp(5.0)), exp(10.0))], vec![])
            .with_priority(priority)
    };
    let net = Network::new(one_node(1), vec![class("Class 0", 0), class("Class 1", 1)]);
    let recs = ciw_records(&net, 1, 100.0);
    let waits = |c| mean(recs.iter().filter(|r| r.customer_class == c).map(|r| r.waiting_time));
    assert_eq!(waits(0), 0.18661099846069634);
    assert_eq!(waits(1), 7.610310026003672);
}

// docs/Guides/CustomerBehaviour/baulking.rst:
//     def probability_of_baulking(n, Q, next_ind, next_node):
//         if n < 3: return 0.0
//         if n < 7: return 0.5
//         return 1.0
//     N = ciw.create_network(arrival_distributions={'Class 0': [Exponential(rate=5)]},
//         service_distributions={'Class 0': [Exponential(rate=10)]},
//         baulking_functions={'Class 0': [probability_of_baulking]}, number_of_servers=[1])
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(45.0)
//     r = [r for r in recs if r.record_type=="baulk"][0]
//     (r.id_number, r.customer_class, r.node, r.arrival_date)
//     # docs: (44, 'Class 0', 1, 9.45892050639...)
#[test]
fn baulking_function_the_first_customer_to_baulk() {
    let baulking = Baulking::from_fn(|n| match n {
        0..3 => 0.0,
        3..7 => 0.5,
        _ => 1.0,
    });
    let net = Network::new(
        one_node(1),
        vec![CustomerClass::new(
            "Class 0",
            vec![ClassAtNode::new(Some(exp(5.0)), exp(10.0)).with_baulking(baulking)],
            vec![],
        )],
    );
    let recs = ciw_records(&net, 0, 45.0);
    let baulks: Vec<&Record> = recs.iter().filter(|r| r.record_type == RecordType::Baulk).collect();
    let r = baulks[0];
    assert_eq!((r.id_number, r.customer_class, r.node, r.arrival_date), (44, 0, 1, 9.45892050639243));
    // Not printed in the docs: Ciw 3.2.7 has 6 baulk records here.
    assert_eq!(baulks.len(), 6);
}

// docs/Guides/CustomerBehaviour/reneging.rst (the docs run it with
// `exact=5`, decimal arithmetic, which this engine does not have; the
// values here are Ciw 3.2.7's in floats, without `exact`):
//     N = ciw.create_network(arrival_distributions=[Exponential(5)],
//         service_distributions=[Exponential(2)], number_of_servers=[1],
//         reneging_time_distributions=[Deterministic(6)])
//     ciw.seed(0); Q = ciw.Simulation(N, exact=5); Q.simulate_until_max_time(10)
//     max([r.waiting_time for r in recs if r.record_type == 'service'])
//     # docs: Decimal('5.8880'); floats: 5.888252664805291
//     [r.waiting_time for r in recs if r.record_type == 'renege']
//     # docs: [Decimal('6.0000')] * 4; floats: two of 5.999999999999999, two of 6.0
#[test]
fn reneging_nobody_served_waited_longer_than_their_patience() {
    let net = Network::new(
        one_node(1),
        vec![CustomerClass::new(
            "Class 0",
            vec![
                ClassAtNode::new(Some(exp(5.0)), exp(2.0))
                    .with_reneging(Distribution::deterministic(6.0), None),
            ],
            vec![],
        )],
    );
    let recs = ciw_records(&net, 0, 10.0);
    let of = |kind| recs.iter().filter(move |r| r.record_type == kind).map(|r| r.waiting_time);
    let longest = of(RecordType::Service).fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(longest, 5.888252664805291);
    let reneged: Vec<f64> = of(RecordType::Renege).collect();
    assert_eq!(reneged, [5.999999999999999, 5.999999999999999, 6.0, 6.0]);
}

// docs/Guides/CustomerClasses/change-class-after-service.rst:
//     N = ciw.create_network(
//         arrival_distributions={'C1': [Exponential(rate=5)], 'C2': [None], 'C3': [None]},
//         service_distributions={'C1': [Exponential(rate=10)], 'C2': [...same], 'C3': [...same]},
//         routing={'C1': [[1.0]], 'C2': [[1.0]], 'C3': [[1.0]]},
//         class_change_matrices=[{'C1': {'C1': 0.0, 'C2': 0.5, 'C3': 0.5},
//                                 'C2': {'C1': 0.5, 'C2': 0.0, 'C3': 0.5},
//                                 'C3': {'C1': 0.5, 'C2': 0.5, 'C3': 0.0}}],
//         number_of_servers=[1])
//     ciw.seed(1); Q = ciw.Simulation(N); Q.simulate_until_max_time(50.0)
//     Counter([r.customer_class for r in recs])
//     # docs and Ciw 3.2.7: Counter({'C1': 251, 'C3': 115, 'C2': 107})
#[test]
fn class_change_after_service_customers_who_arrive_as_c1_are_served_as_c2_and_c3() {
    let names = ["C1", "C2", "C3"];
    let classes = names
        .iter()
        .map(|&name| {
            let arrival = (name == "C1").then(|| exp(5.0));
            let table = names.iter().map(|&to| (to, if to == name { 0.0 } else { 0.5 }));
            let at = ClassAtNode::new(arrival, exp(10.0)).with_class_after_service(table);
            CustomerClass::new(name, vec![at], vec![vec![1.0]])
        })
        .collect();
    let recs = ciw_records(&Network::new(one_node(1), classes), 1, 50.0);
    let count = |c| recs.iter().filter(|r| r.customer_class == c).count();
    assert_eq!((count(0), count(1), count(2)), (251, 107, 115));
}

// docs/Guides/CustomerClasses/change-class-while-queueing.rst:
//     N = ciw.create_network(
//         arrival_distributions={'P0': [Exponential(5)], 'P1': [Exponential(5)]},
//         service_distributions={'P0': [Exponential(6)], 'P1': [Exponential(6)]},
//         number_of_servers=[2], priority_classes={'P0': 0, 'P1': 1},
//         class_change_time_distributions={'P1': {'P0': Deterministic(1.5)}})
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(100)
//     len([r.waiting_time for r in recs if r.customer_class == 'P1'])   # docs and Ciw 3.2.7: 421
//     [r for r in recs if r.customer_class == 'P1' and r.waiting_time >= 1.5]   # []
//     number_P0, number_P1   # docs and Ciw 3.2.7: (563, 421)
#[test]
fn class_change_while_queueing_low_priority_customers_who_wait_long_are_promoted() {
    let class =
        |name: &str| CustomerClass::new(name, vec![ClassAtNode::new(Some(exp(5.0)), exp(6.0))], vec![]);
    let net = Network::new(
        one_node(2),
        vec![
            class("P0"),
            class("P1")
                .with_priority(1)
                .with_class_change_while_waiting([("P0", Distribution::deterministic(1.5))]),
        ],
    );
    let recs = ciw_records(&net, 0, 100.0);
    assert!(recs.iter().all(|r| r.record_type == RecordType::Service));
    let count = |c| recs.iter().filter(|r| r.customer_class == c).count();
    assert_eq!((count(0), count(1)), (563, 421));
    assert!(!recs.iter().any(|r| r.customer_class == 1 && r.waiting_time >= 1.5));
    // Not printed in the docs: 82 customers arrived as P1 and were served
    // as P0 (Ciw 3.2.7: `original_customer_class == 'P1'` and
    // `customer_class == 'P0'`).
    let promoted = recs.iter().filter(|r| r.customer_class == 0 && r.original_customer_class == 1).count();
    assert_eq!(promoted, 82);
}

// docs/Guides/Arrivals/batching.rst (no seed: nothing is random):
//     N = ciw.create_network(arrival_distributions=[Deterministic(value=18.5)],
//         service_distributions=[Deterministic(value=3.0)],
//         batching_distributions=[Deterministic(value=3)], number_of_servers=[1])
//     Q = ciw.Simulation(N); Q.simulate_until_max_time(30.0)
//     [r.arrival_date for r in recs]   # docs and Ciw 3.2.7: [18.5, 18.5, 18.5]
//     [r.waiting_time for r in recs]   # docs and Ciw 3.2.7: [0.0, 3.0, 6.0]
#[test]
fn batch_arrivals_three_customers_arrive_at_once_and_two_wait() {
    let at = ClassAtNode::new(Some(Distribution::deterministic(18.5)), Distribution::deterministic(3.0))
        .with_batch(Distribution::deterministic(3.0));
    let net = Network::new(one_node(1), vec![CustomerClass::new("Class 0", vec![at], vec![])]);
    let recs = ciw_records(&net, 0, 30.0);
    assert_eq!(recs.iter().map(|r| r.arrival_date).collect::<Vec<_>>(), [18.5, 18.5, 18.5]);
    assert_eq!(recs.iter().map(|r| r.waiting_time).collect::<Vec<_>>(), [0.0, 3.0, 6.0]);
    assert_eq!(recs.iter().map(|r| r.id_number).collect::<Vec<_>>(), [1, 2, 3]);
}

/// Ciw's `TimeDependentBatches` of the docs: batches of 2 before time 10,
/// of 1 after.
#[derive(Debug)]
struct TimeDependentBatches;

impl TimeDistribution for TimeDependentBatches {
    fn sample(&self, _: &mut dyn RandomSource) -> f64 {
        unreachable!("batch sizes are drawn with the time")
    }

    fn sample_at(&self, now: f64, _: Option<&QueuedCustomer>, _: &mut dyn RandomSource) -> f64 {
        if now < 10.0 { 2.0 } else { 1.0 }
    }
}

// docs/Guides/Arrivals/batching.rst, "How to Set Time Dependent Batches":
//     class TimeDependentBatches(ciw.dists.Distribution):
//         def sample(self, t, ind=None):
//             return 2 if t < 10.0 else 1    # (two ifs in the docs)
//     N = ciw.create_network(arrival_distributions=[Deterministic(value=3.0)],
//         service_distributions=[Deterministic(value=0.5)],
//         batching_distributions=[TimeDependentBatches()], number_of_servers=[1])
//     Q = ciw.Simulation(N); Q.simulate_until_max_time(16.0)
//     len(Q.nodes[-1].all_individuals)   # docs and Ciw 3.2.7: 8
#[test]
fn time_dependent_batches_pairs_before_time_ten_then_single_customers() {
    let at = ClassAtNode::new(Some(Distribution::deterministic(3.0)), Distribution::deterministic(0.5))
        .with_batch(Distribution::custom(TimeDependentBatches));
    let net = Network::new(one_node(1), vec![CustomerClass::new("Class 0", vec![at], vec![])]);
    let mut sim = Simulation::ciw(&net, 0).unwrap();
    sim.run_until(16.0).unwrap();
    assert_eq!(sim.completed(), 8);
    // Not printed in the docs; Ciw 3.2.7's (id_number, arrival_date, waiting_time):
    // [(1, 3.0, 0.0), (2, 3.0, 0.5), (3, 6.0, 0.0), (4, 6.0, 0.5),
    //  (5, 9.0, 0.0), (6, 9.0, 0.5), (7, 12.0, 0.0), (8, 15.0, 0.0)]
    let seen: Vec<(u64, f64, f64)> = sim
        .records_in_ciw_order(None)
        .iter()
        .map(|r| (r.id_number, r.arrival_date, r.waiting_time))
        .collect();
    let ciw = [(1, 3.0, 0.0), (2, 3.0, 0.5), (3, 6.0, 0.0), (4, 6.0, 0.5), (5, 9.0, 0.0), (6, 9.0, 0.5)];
    assert_eq!(seen[..6], ciw);
    assert_eq!(seen[6..], [(7, 12.0, 0.0), (8, 15.0, 0.0)]);
}

/// Ciw's `SystemPopulation` state tracker and its `state_probabilities()`
/// (with the default observation period), worked out from records: the
/// population steps up at each accepted arrival from outside and down at
/// each departure to the exit. `recs` must hold every customer who arrived
/// before `horizon` (run the model past it). Like Ciw 3.2.7, the interval
/// from the last change to the horizon is not counted; the last interval
/// counted is counted again, for the last state. The sums are made in the
/// order Ciw makes them (first the states in the order first left, then
/// their total), so the result matches to the last bit.
fn system_population_probabilities(recs: &[Record], horizon: f64) -> Vec<(u64, f64)> {
    let mut first_arrival = std::collections::BTreeMap::new();
    let mut changes = Vec::new();
    for r in recs.iter().filter(|r| r.record_type != RecordType::Rejection) {
        let at = first_arrival.entry(r.id_number).or_insert(r.arrival_date);
        *at = f64::min(*at, r.arrival_date);
        if r.destination == Some(-1) && r.exit_date < horizon {
            changes.push((r.exit_date, -1));
        }
    }
    changes.extend(first_arrival.values().filter(|&&t| t < horizon).map(|&t| (t, 1)));
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Ciw's history: (date, state) from (0, 0), one entry per change.
    let mut history = vec![(0.0, 0u64)];
    for (date, step) in changes {
        let state = history.last().unwrap().1.checked_add_signed(step).unwrap();
        history.push((date, state));
    }
    let mut time_in: Vec<(u64, f64)> = Vec::new();
    let mut add = |state, diff| match time_in.iter_mut().find(|(s, _)| *s == state) {
        Some((_, t)) => *t += diff,
        None => time_in.push((state, diff)),
    };
    let ((mut prev_date, mut prev_state), mut diff) = (history[0], 0.0);
    for &(date, state) in &history {
        diff = date - prev_date;
        if date > 0.0 {
            add(prev_state, diff);
        }
        (prev_date, prev_state) = (date, state);
    }
    add(prev_state, diff);
    let total = time_in.iter().fold(0.0, |sum, (_, t)| sum + t);
    time_in.sort_by_key(|&(state, _)| state);
    time_in.into_iter().map(|(state, t)| (state, t / total)).collect()
}

// docs/Guides/Queues/system_capacity.rst:
//     N = ciw.create_network(
//         arrival_distributions=[Exponential(rate=2), Exponential(rate=1)],
//         service_distributions=[Exponential(rate=1), Exponential(rate=1)],
//         routing=[[0.0, 0.5], [0.0, 0.0]], number_of_servers=[3, 2], system_capacity=4)
//     ciw.seed(0); Q = ciw.Simulation(N, tracker=ciw.trackers.SystemPopulation())
//     Q.simulate_until_max_time(100)
//     Q.statetracker.state_probabilities()
//     # docs: {0: 0.03369..., 1: 0.15927..., 2: 0.18950..., 3: 0.29834..., 4: 0.31917...}
#[test]
fn system_capacity_the_system_never_holds_more_than_four() {
    let at = |rate| ClassAtNode::new(Some(exp(rate)), exp(1.0));
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(3)), NodeSpec::new(Servers::Finite(2))],
        vec![CustomerClass::new("Class 0", vec![at(2.0), at(1.0)], vec![vec![0.0, 0.5], vec![0.0, 0.0]])],
    )
    .with_system_capacity(4);
    let mut sim = Simulation::ciw(&net, 0).unwrap();
    sim.run_until(100.0).unwrap();
    // Not printed in the docs: Ciw 3.2.7 turns 100 arrivals away.
    let rejected = sim.records().iter().filter(|r| r.record_type == RecordType::Rejection).count();
    assert_eq!(rejected, 100);
    // The same run carried on, so that every customer present at time 100
    // has a record of its arrival.
    let mut longer = Simulation::ciw(&net, 0).unwrap();
    longer.run_until(1_000.0).unwrap();
    let probs = system_population_probabilities(longer.records(), 100.0);
    assert_eq!(
        probs,
        [
            (0, 0.03369655546653017),
            (1, 0.1592711312247873),
            (2, 0.18950832844418355),
            (3, 0.2983478656854591),
            (4, 0.31917611917904),
        ]
    );
    // The reconstruction saw every customer accepted before time 100.
    let accepted_before = longer
        .records()
        .iter()
        .filter(|r| r.record_type != RecordType::Rejection && r.arrival_date < 100.0)
        .map(|r| r.id_number)
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(u64::try_from(accepted_before.len()).unwrap(), sim.accepted());
}

/// Ciw's `[srv.utilisation for srv in Q.nodes[1].servers]` after
/// `simulate_until_max_time(max_time)` for a network of one node of
/// `servers` servers: each server's busy time, added service by service in
/// the order services end, plus the service under way at `max_time`, over
/// `max_time`. The services under way are read from a longer run of the
/// same model and seed.
fn server_utilisations(net: &Network, seed: u64, max_time: f64, servers: u32) -> Vec<f64> {
    let mut sim = Simulation::ciw(net, seed).unwrap();
    sim.run_until(max_time + 100.0).unwrap();
    (1..=servers)
        .map(|id| {
            let mut busy = 0.0;
            for r in
                sim.records().iter().filter(|r| r.server_id == Some(id) && r.service_start_date < max_time)
            {
                busy += if r.exit_date < max_time {
                    r.exit_date - r.service_start_date
                } else {
                    max_time - r.service_start_date
                };
            }
            busy / max_time
        })
        .collect()
}

fn mm3_servers(priority: ServerPriority) -> Network {
    Network::new(
        vec![NodeSpec::new(Servers::Finite(3)).with_server_priority(priority)],
        vec![CustomerClass::new("Class 0", vec![ClassAtNode::new(Some(exp(1.0)), exp(2.0))], vec![])],
    )
}

// docs/Guides/Services/server_priority.rst:
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=1)],
//         service_distributions=[Exponential(rate=2)], number_of_servers=[3])
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(1000)
//     [srv.utilisation for srv in Q.nodes[1].servers]
//     # docs: [0.31849424..., 0.14376176..., 0.04196395...]
#[test]
fn server_priority_by_default_the_first_server_is_the_busiest() {
    let used = server_utilisations(&mm3_servers(ServerPriority::LowestId), 0, 1000.0, 3);
    assert_eq!(used, [0.3184942440259139, 0.1437617661984246, 0.04196395909329539]);
}

/// The docs' `server_busy_time(server, ind)`: `server.busy_time`.
#[derive(Debug)]
struct ServerBusyTime;

impl ServerPriorityFunction for ServerBusyTime {
    fn priority(&self, server: &ServerState, _: &QueuedCustomer) -> f64 {
        server.busy_time
    }
}

// docs/Guides/Services/server_priority.rst:
//     def server_busy_time(server, ind):
//         return server.busy_time
//     (the same network with server_priority_functions=[server_busy_time])
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(1000)
//     [srv.utilisation for srv in Q.nodes[1].servers]
//     # docs: [0.16784616..., 0.16882711..., 0.16754668...]
#[test]
fn server_priority_by_busy_time_evens_out_the_work() {
    let ciw = [0.16784616228588892, 0.16882711899030475, 0.1675466880414403];
    let used = server_utilisations(&mm3_servers(ServerPriority::custom(ServerBusyTime)), 0, 1000.0, 3);
    assert_eq!(used, ciw);
    // The built-in least-busy priority is the same rule.
    assert_eq!(server_utilisations(&mm3_servers(ServerPriority::LeastBusy), 0, 1000.0, 3), ciw);
}

/// The docs' `custom_server_priority(srv, ind)`: class 0 prefers servers
/// 1, 3, 2 in that order; class 1 servers 2, 3, 1.
#[derive(Debug)]
struct ByClass;

impl ServerPriorityFunction for ByClass {
    fn priority(&self, server: &ServerState, customer: &QueuedCustomer) -> f64 {
        let order: [f64; 3] = if customer.class == 0 { [0.0, 2.0, 1.0] } else { [2.0, 0.0, 1.0] };
        order[usize::try_from(server.id - 1).unwrap()]
    }
}

// docs/Guides/Services/server_priority.rst, "Prioritising Using the Individual":
//     def custom_server_priority(srv, ind):
//         if ind.customer_class == 'Class 0':
//             priorities = {1: 0, 2: 2, 3: 1}; return priorities[srv.id_number]
//         if ind.customer_class == 'Class 1':
//             priorities = {1: 2, 2: 0, 3: 1}; return priorities[srv.id_number]
//     N = ciw.create_network(
//         arrival_distributions={'Class 0': [Exponential(1)], 'Class 1': [Exponential(1)]},
//         service_distributions={'Class 0': [Exponential(2)], 'Class 1': [Exponential(2)]},
//         number_of_servers=[3], server_priority_functions=[custom_server_priority])
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(1000)
//     [srv.utilisation for srv in Q.nodes[1].servers]
//     # docs: [0.36132860..., 0.36679394..., 0.25802026...]
//     # and with arrival rates 1.5 and 0.5: [0.44765005..., 0.26787548..., 0.29112382...]
#[test]
fn server_priority_by_customer_class_each_class_has_its_own_server() {
    let net = |rate_0, rate_1| {
        let class = |name: &str, rate| {
            CustomerClass::new(name, vec![ClassAtNode::new(Some(exp(rate)), exp(2.0))], vec![])
        };
        Network::new(
            vec![NodeSpec::new(Servers::Finite(3)).with_server_priority(ServerPriority::custom(ByClass))],
            vec![class("Class 0", rate_0), class("Class 1", rate_1)],
        )
    };
    let even = server_utilisations(&net(1.0, 1.0), 0, 1000.0, 3);
    assert_eq!(even, [0.36132860028585134, 0.3667939476202799, 0.2580202674603771]);
    let skewed = server_utilisations(&net(1.5, 0.5), 0, 1000.0, 3);
    assert_eq!(skewed, [0.447650059165907, 0.2678754897968868, 0.29112382084389343]);
}

/// The number of records at each node (from 1), as
/// `sorted(Counter(r.node for r in recs).items())`.
fn records_per_node(recs: &[Record], nodes: u32) -> Vec<(u32, usize)> {
    (1..=nodes).map(|node| (node, recs.iter().filter(|r| r.node == node).count())).collect()
}

// docs/Guides/Routing/routing_objects.rst (the docs build the network and
// print nothing; the seed, horizon and values below are Ciw 3.2.7's for
// this network after `ciw.seed(0)`, `simulate_until_max_time(100)`):
//     R = ciw.routing.NetworkRouting(routers=[
//         ciw.routing.Direct(to=2),
//         ciw.routing.Probabilistic(destinations=[1, 3, 4], probs=[0.1, 0.5, 0.4]),
//         ciw.routing.Probabilistic(destinations=[3], probs=[0.25]),
//         ciw.routing.Leave()])
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=1)] * 4,
//         service_distributions=[Exponential(rate=2)] * 4,
//         number_of_servers=[1, 2, 3, 1], routing=R)
//     sorted(Counter(r.node for r in recs).items())   # [(1, 137), (2, 222), (3, 277), (4, 180)]
//     sum(r.waiting_time for r in recs) / len(recs)   # 0.7302557423699183
#[test]
fn routing_objects_direct_probabilistic_and_leave_routers_per_node() {
    let routers = vec![
        Router::Direct { to: Destination::Node(1) },
        Router::Probabilistic { destinations: vec![0, 2, 3], probs: vec![0.1, 0.5, 0.4] },
        Router::Probabilistic { destinations: vec![2], probs: vec![0.25] },
        Router::Leave,
    ];
    let at = || ClassAtNode::new(Some(exp(1.0)), exp(2.0));
    let net = Network::new(
        [1, 2, 3, 1].map(|c| NodeSpec::new(Servers::Finite(c))).to_vec(),
        vec![CustomerClass::new("Class 0", vec![at(), at(), at(), at()], vec![]).with_routing(routers)],
    );
    let recs = ciw_records(&net, 0, 100.0);
    assert_eq!(records_per_node(&recs, 4), [(1, 137), (2, 222), (3, 277), (4, 180)]);
    assert_eq!(mean(recs.iter().map(|r| r.waiting_time)), 0.7302557423699183);
}

// docs/Guides/Routing/routing_objects.rst, routing by class (again built
// and not run in the docs; Ciw 3.2.7's values after `ciw.seed(0)`,
// `simulate_until_max_time(100)`):
//     N = ciw.create_network(
//         arrival_distributions={"Class 0": [Exponential(rate=1)], "Class 1": [Exponential(rate=3)]},
//         service_distributions={"Class 0": [Exponential(rate=2)], "Class 1": [Exponential(rate=2)]},
//         number_of_servers=[2],
//         routing={"Class 0": ciw.routing.NetworkRouting(routers=[ciw.routing.Leave()]),
//                  "Class 1": ciw.routing.TransitionMatrix(transition_matrix=[[0.3]])})
//     sorted(Counter((r.customer_class, r.destination) for r in recs).items())
//     # [(('Class 0', -1), 87), (('Class 1', -1), 193), (('Class 1', 1), 80)]
//     sum(r.waiting_time for r in recs) / len(recs)   # 11.582172904549715
#[test]
fn routing_objects_each_class_its_own_routing() {
    let at = |rate| vec![ClassAtNode::new(Some(exp(rate)), exp(2.0))];
    let net = Network::new(
        one_node(2),
        vec![
            CustomerClass::new("Class 0", at(1.0), vec![]).with_routing(vec![Router::Leave]),
            CustomerClass::new("Class 1", at(3.0), vec![vec![0.3]]),
        ],
    );
    let recs = ciw_records(&net, 0, 100.0);
    let count =
        |class, to| recs.iter().filter(|r| r.customer_class == class && r.destination == Some(to)).count();
    assert_eq!((count(0, -1), count(0, 1), count(1, -1), count(1, 1)), (87, 0, 193, 80));
    assert_eq!(mean(recs.iter().map(|r| r.waiting_time)), 11.582172904549715);
}

/// The docs' `CustomRouting` out of node 1: before time 50 to node 2 if it
/// is empty, else to node 3; from time 50 to node 4.
#[derive(Debug)]
struct CustomRouting;

impl RouterFunction for CustomRouting {
    fn next(
        &self,
        _: &QueuedCustomer,
        _: usize,
        net: &NetworkState,
        _: &mut dyn RandomSource,
    ) -> Destination {
        if net.now() >= 50.0 {
            Destination::Node(3)
        } else if net.present(1) == 0 {
            Destination::Node(1)
        } else {
            Destination::Node(2)
        }
    }
}

// docs/Guides/Routing/custom_routing.rst:
//     class CustomRouting(ciw.routing.NodeRouting):
//         def next_node(self, ind):
//             if self.node.now >= 50: return self.simulation.nodes[4]
//             if self.simulation.nodes[2].number_of_individuals == 0: return self.simulation.nodes[2]
//             return self.simulation.nodes[3]
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=1), None, None, None],
//         service_distributions=[Deterministic(value=0.2)] * 4, number_of_servers=[3, 1, 1, 1],
//         routing=ciw.routing.NetworkRouting(routers=[CustomRouting(), Leave(), Leave(), Leave()]))
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(100)
//     all(r.service_start_date >= 50 for r in recs if r.node == 4)    # True
//     all(r.service_start_date <= 50 for r in recs if r.node in [2, 3])    # True
//     all(r.queue_size_at_arrival == 0 for r in recs if r.node == 2)    # True
//     # not printed in the docs, Ciw 3.2.7:
//     sorted(Counter(r.node for r in recs).items())   # [(1, 87), (2, 39), (3, 3), (4, 45)]
//     sum(r.waiting_time for r in recs)               # 0.306540223707799
#[test]
fn custom_routing_to_node_2_when_empty_and_to_node_4_after_time_50() {
    let fixed = || Distribution::deterministic(0.2);
    let mut nodes = vec![ClassAtNode::new(Some(exp(1.0)), fixed())];
    nodes.extend((0..3).map(|_| ClassAtNode::new(None, fixed())));
    let routers = vec![Router::custom(CustomRouting), Router::Leave, Router::Leave, Router::Leave];
    let net = Network::new(
        [3, 1, 1, 1].map(|c| NodeSpec::new(Servers::Finite(c))).to_vec(),
        vec![CustomerClass::new("Class 0", nodes, vec![]).with_routing(routers)],
    );
    let recs = ciw_records(&net, 0, 100.0);
    assert!(recs.iter().filter(|r| r.node == 4).all(|r| r.service_start_date >= 50.0));
    assert!(recs.iter().filter(|r| r.node == 2 || r.node == 3).all(|r| r.service_start_date <= 50.0));
    assert!(recs.iter().filter(|r| r.node == 2).all(|r| r.queue_size_at_arrival == 0));
    assert_eq!(records_per_node(&recs, 4), [(1, 87), (2, 39), (3, 3), (4, 45)]);
    assert_eq!(recs.iter().fold(0.0, |sum, r| sum + r.waiting_time), 0.306540223707799);
}

// docs/Guides/Queues/queue_capacities.rst:
//     N = ciw.create_network(
//         arrival_distributions=[Exponential(rate=2), Exponential(rate=1)],
//         service_distributions=[Exponential(rate=1), Exponential(rate=1)],
//         routing=[[0.0, 0.5], [0.0, 0.0]], number_of_servers=[3, 2],
//         queue_capacities=[float('inf'), 10])
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(100)
//     Q.get_all_records(only=['rejection'])[0]
//     # docs and Ciw 3.2.7: Record(id_number=283, customer_class='Customer', ..., node=2,
//     #   arrival_date=86.79600309018552, waiting_time=nan, ..., exit_date=86.79600309018552,
//     #   destination=nan, queue_size_at_arrival=12, queue_size_at_departure=nan, server_id=nan,
//     #   record_type='rejection')
//     Q.get_all_records(only=['service'])[381]
//     # docs: Record(id_number=281, ..., node=1, arrival_date=86.47159..., waiting_time=0.23440...,
//     #   service_start_date=86.70600..., service_time=0.60807..., service_end_date=87.31407...,
//     #   time_blocked=0.75070..., exit_date=88.06478..., destination=2, queue_size_at_arrival=4,
//     #   queue_size_at_departure=2, server_id=3, record_type='service')
#[test]
fn queue_capacities_a_rejection_and_a_customer_blocked_after_service() {
    let at = |rate| ClassAtNode::new(Some(exp(rate)), exp(1.0));
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(3)), NodeSpec::new(Servers::Finite(2)).with_queue_capacity(10)],
        vec![CustomerClass::new("Customer", vec![at(2.0), at(1.0)], vec![vec![0.0, 0.5], vec![0.0, 0.0]])],
    );
    let mut sim = Simulation::ciw(&net, 0).unwrap();
    sim.run_until(100.0).unwrap();
    let rejections = sim.records_in_ciw_order(Some(&[RecordType::Rejection]));
    // Not printed in the docs: Ciw 3.2.7 has 5 rejection records.
    assert_eq!(rejections.len(), 5);
    let rejected = Record {
        id_number: 283,
        customer_class: 0,
        original_customer_class: 0,
        node: 2,
        arrival_date: 86.79600309018552,
        waiting_time: f64::NAN,
        service_start_date: f64::NAN,
        service_time: f64::NAN,
        service_end_date: f64::NAN,
        time_blocked: f64::NAN,
        exit_date: 86.79600309018552,
        destination: None,
        queue_size_at_arrival: 12,
        queue_size_at_departure: None,
        server_id: None,
        record_type: RecordType::Rejection,
    };
    // Debug forms: NaN fields, which `==` never equates.
    assert_eq!(format!("{:?}", rejections[0]), format!("{rejected:?}"));
    let blocked = Record {
        id_number: 281,
        customer_class: 0,
        original_customer_class: 0,
        node: 1,
        arrival_date: 86.47159563260503,
        waiting_time: 0.23440800156484443,
        service_start_date: 86.70600363416987,
        service_time: 0.6080763379283525,
        service_end_date: 87.31407997209823,
        time_blocked: 0.7507016571852461,
        exit_date: 88.06478162928347,
        destination: Some(2),
        queue_size_at_arrival: 4,
        queue_size_at_departure: Some(2),
        server_id: Some(3),
        record_type: RecordType::Service,
    };
    assert_eq!(sim.records_in_ciw_order(Some(&[RecordType::Service]))[381], blocked);
}

/// The nodes each customer who left the network visited (Ciw's
/// `[[dr.node for dr in ind.data_records] for ind in Q.nodes[-1].all_individuals]`),
/// in the order they left.
fn routes_of_those_who_left(recs: &[Record]) -> Vec<Vec<u32>> {
    recs.iter()
        .filter(|r| r.destination == Some(-1))
        .map(|last| recs.iter().filter(|r| r.id_number == last.id_number).map(|r| r.node).collect())
        .collect()
}

/// The docs' `repeating_route`: `[1, 1]`, node 1 twice more.
#[derive(Debug)]
struct RepeatingRoute;

impl RouteFunction for RepeatingRoute {
    fn route(&self, _: &QueuedCustomer, _: usize, _: &mut dyn RandomSource) -> Vec<Vec<usize>> {
        vec![vec![0], vec![0]]
    }
}

// docs/Guides/Routing/process_based.rst:
//     def repeating_route(ind, simulation):
//         return [1, 1]
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=1)],
//         service_distributions=[Exponential(rate=2)], number_of_servers=[1],
//         routing=ciw.routing.ProcessBased(repeating_route))
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_time(100.0)
//     inds = Q.nodes[-1].all_individuals
//     set([tuple(dr.node for dr in ind.data_records) for ind in inds])   # {(1, 1, 1)}
//     len(inds)   # not printed in the docs; Ciw 3.2.7: 48
#[test]
fn process_based_routing_every_customer_is_served_three_times_at_node_1() {
    let net = Network::new(
        one_node(1),
        vec![
            CustomerClass::new("Class 0", vec![ClassAtNode::new(Some(exp(1.0)), exp(2.0))], vec![])
                .with_routing(Routing::Process(ProcessRouting::fixed(RepeatingRoute))),
        ],
    );
    let mut sim = Simulation::ciw(&net, 0).unwrap();
    sim.run_until(100.0).unwrap();
    let routes = routes_of_those_who_left(sim.records());
    assert_eq!(routes.len(), 48);
    assert!(routes.iter().all(|route| route == &[1, 1, 1]));
}

/// The docs' flexible route: one of nodes 1 and 2, then node 3, then one
/// of nodes 1 and 2 (or both, by the rule).
#[derive(Debug)]
struct TwoChoices;

impl RouteFunction for TwoChoices {
    fn route(&self, _: &QueuedCustomer, _: usize, _: &mut dyn RandomSource) -> Vec<Vec<usize>> {
        vec![vec![0, 1], vec![2], vec![0, 1]]
    }
}

// docs/Guides/Routing/process_based.rst, flexible process-based routing:
//     def routing_function(ind, simulation):
//         return [[1, 2], [3], [1, 2]]
//     N = ciw.create_network(arrival_distributions=[None, None, None, Exponential(rate=1)],
//         service_distributions=[Exponential(rate=2)] * 4, number_of_servers=[1, 1, 1, 1],
//         routing=ciw.routing.FlexibleProcessBased(route_function=routing_function,
//                                                   rule='any', choice='random'))   # then rule='all'
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_customers(6)
//     [[dr.node for dr in ind.data_records] for ind in Q.nodes[-1].all_individuals]
//     # docs and Ciw 3.2.7, printed one route a line: see below
#[test]
fn flexible_process_based_routing_any_or_all_of_each_stage() {
    let routes = |rule| {
        let mut nodes: Vec<ClassAtNode> = (0..3).map(|_| ClassAtNode::new(None, exp(2.0))).collect();
        nodes.push(ClassAtNode::new(Some(exp(1.0)), exp(2.0)));
        let routing = Routing::Process(ProcessRouting::flexible(TwoChoices, Choice::Random, rule));
        let net = Network::new(
            (0..4).map(|_| NodeSpec::new(Servers::Finite(1))).collect(),
            vec![CustomerClass::new("Class 0", nodes, vec![]).with_routing(routing)],
        );
        let mut sim = Simulation::ciw(&net, 0).unwrap();
        sim.run_until_finished(6).unwrap();
        routes_of_those_who_left(sim.records())
    };
    let any: [&[u32]; 6] =
        [&[4, 2, 3, 2], &[4, 1, 3, 1], &[4, 1, 3, 1], &[4, 1, 3, 1], &[4, 2, 3, 1], &[4, 2, 3, 1]];
    assert_eq!(routes(Rule::Any), any);
    let all: [&[u32]; 6] = [
        &[4, 2, 1, 3, 2, 1],
        &[4, 1, 2, 3, 2, 1],
        &[4, 2, 1, 3, 2, 1],
        &[4, 1, 2, 3, 2, 1],
        &[4, 1, 2, 3, 1, 2],
        &[4, 1, 2, 3, 2, 1],
    ];
    assert_eq!(routes(Rule::All), all);
}
