//! Sizes the engine cannot hold and runs that would never end: each is a
//! typed error naming the node (and the time), never a truncation, a hang or
//! memory growing until the machine runs out.

use queue_sim::{
    ClassAtNode, CustomerClass, DEFAULT_EVENT_BUDGET, Distribution, ModelError, Network, NodeSpec,
    ParameterError, Preemption, RandomSource, RngKind, Servers, SimError, Simulation, Stop, simulate,
};

fn at(arrival: Option<Distribution>, service: Distribution) -> ClassAtNode {
    ClassAtNode::new(arrival, service)
}

fn node(servers: Servers, queue_capacity: Option<usize>) -> NodeSpec {
    match queue_capacity {
        Some(q) => NodeSpec::new(servers).with_queue_capacity(q),
        None => NodeSpec::new(servers),
    }
}

fn one_class(nodes: Vec<NodeSpec>, at_nodes: Vec<ClassAtNode>, routing: Vec<Vec<f64>>) -> Network {
    Network::new(nodes, vec![CustomerClass::new("Customer".to_owned(), at_nodes, routing)])
}

#[test]
fn server_counts_beyond_u32_are_an_error_not_truncated() {
    // 2^32 + 1 used to run as 1 server, 2^32 as 0.
    for servers in [4_294_967_297usize, 4_294_967_296] {
        let mut net = Network::mmc(0.2, 0.1, 1);
        net.nodes.push(node(Servers::Finite(servers), None));
        net.classes[0].nodes.push(at(None, Distribution::exponential(1.0)));
        net.classes[0].routing = queue_sim::Routing::Matrix(vec![vec![0.0, 0.0]; 2]);
        let err = net.validate().unwrap_err();
        assert!(
            matches!(err, ModelError::TooManyServers { node: 1, servers: s, max: u32::MAX } if s == servers),
            "{err:?}"
        );
        assert!(err.to_string().contains("node 1"), "{err}");
        let err = Simulation::new(&net, 0).unwrap_err();
        assert!(matches!(err, SimError::Model(ModelError::TooManyServers { node: 1, .. })), "{err:?}");
    }
    // The same from a model file.
    let text = "[[nodes]]\nservers = 4294967297\n[[classes]]\nnodes = [{ arrival = { type = \"exponential\", \
                rate = 1.0 }, service = { type = \"exponential\", rate = 1.0 }}]\n";
    let err = Network::from_toml_str(text).unwrap_err();
    assert!(matches!(err, ModelError::TooManyServers { node: 0, .. }), "{err:?}");
}

#[test]
fn the_most_servers_the_engine_numbers_cost_memory_only_for_those_used() {
    // u32::MAX servers: each arrival finds a fresh server; nothing is
    // allocated per server up front (that would be 16 GB), and utilisation
    // does not add up u32::MAX total times one by one.
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let net = Network::mmc(1.0, 0.01, usize::try_from(u32::MAX).unwrap());
        let out = simulate(&net, rng, 0, Stop::MaxTime(50.0)).unwrap();
        assert!(out.records.iter().all(|r| r.waiting_time == 0.0));
        let u = out.utilisation[0].unwrap();
        assert!(u > 0.0 && u < 1e-3, "{u}");
    }
}

#[test]
fn zero_time_self_loop_stops_naming_node_and_time() {
    // Every customer comes back with probability 1 and is served in no time:
    // infinitely many events at the first arrival's instant.
    let net = one_class(
        vec![node(Servers::Finite(1), None)],
        vec![at(Some(Distribution::deterministic(2.5)), Distribution::deterministic(0.0))],
        vec![vec![1.0]],
    );
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let err = simulate(&net, rng, 0, Stop::MaxTime(10.0)).unwrap_err();
        assert!(matches!(err, SimError::Stalled { node: 0, class: 0, time: 2.5, .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("node 0") && text.contains("time 2.5"), "{text}");
    }
}

#[test]
fn two_infinite_server_nodes_passing_a_customer_back_and_forth_stop() {
    let net = one_class(
        vec![node(Servers::Infinite, None), node(Servers::Infinite, None)],
        vec![
            at(Some(Distribution::deterministic(1.0)), Distribution::deterministic(0.0)),
            at(None, Distribution::Pmf { values: vec![5.0, 0.0], probs: vec![0.0, 1.0] }),
        ],
        vec![vec![0.0, 1.0], vec![1.0, 0.0]],
    );
    let err = simulate(&net, RngKind::Ciw, 0, Stop::MaxTime(100.0)).unwrap_err();
    assert!(matches!(err, SimError::Stalled { time: 1.0, .. }), "{err:?}");
}

#[test]
fn bursts_at_one_instant_that_end_are_not_stalls() {
    // 100 000 customers arrive together (a sequential gap of 0 that many
    // times) and pass through two zero-time nodes: 300 000 events at t = 1,
    // over several of the engine's checks.
    let mut gaps = vec![0.0; 100_000];
    gaps[0] = 1.0;
    gaps.push(1e9);
    let net = one_class(
        vec![node(Servers::Infinite, None), node(Servers::Infinite, None)],
        vec![
            at(Some(Distribution::Sequential { values: gaps }), Distribution::deterministic(0.0)),
            at(None, Distribution::deterministic(0.0)),
        ],
        vec![vec![0.0, 1.0], vec![0.0, 0.0]],
    );
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(10.0)).unwrap();
    assert_eq!(out.records.len(), 200_000);
}

/// Two single-server nodes without waiting room, each sending half its
/// customers to the other: once each blocks waiting for the other, nothing
/// moves again and every arrival is turned away.
fn mutual_blocking() -> Network {
    let service = || Distribution::exponential(1.0);
    one_class(
        vec![node(Servers::Finite(1), Some(0)), node(Servers::Finite(1), Some(0))],
        vec![
            at(Some(Distribution::exponential(2.0)), service()),
            at(Some(Distribution::exponential(2.0)), service()),
        ],
        vec![vec![0.0, 0.5], vec![0.5, 0.0]],
    )
}

#[test]
fn a_blocking_deadlock_under_a_customer_count_stops_with_an_error() {
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        for stop in [Stop::MaxCustomers(1_000_000), Stop::MaxAccepted(1_000_000)] {
            let err = simulate(&mutual_blocking(), rng, 1, stop).unwrap_err();
            let SimError::Deadlock { node, time, count } = err else { panic!("{stop:?}: {err:?}") };
            assert_eq!(node, 0);
            assert!(time > 0.0 && time.is_finite());
            let verb = if matches!(stop, Stop::MaxCustomers(_)) { "complete" } else { "be accepted" };
            assert_eq!(count, verb);
        }
    }
    // Rejections still finish, and arrivals still arrive: those counts end.
    let mut sim = Simulation::new(&mutual_blocking(), 1).unwrap();
    sim.run(Stop::MaxFinished(20_000)).unwrap();
    assert_eq!(sim.finished(), 20_000);
    assert_eq!(sim.completed() + (sim.arrived() - sim.accepted()), 20_000);
    let mut sim = Simulation::new(&mutual_blocking(), 1).unwrap();
    sim.run(Stop::MaxArrivals(20_000)).unwrap();
    assert_eq!(sim.arrived(), 20_000);
    // And a run to a time ends as usual.
    simulate(&mutual_blocking(), RngKind::Pcg, 1, Stop::MaxTime(10_000.0)).unwrap();
}

#[test]
fn servers_held_by_services_that_never_end_are_a_deadlock_too() {
    // Every third service never ends: both servers end up held for ever,
    // and arrivals queue behind them without end.
    let net = Network::single_node(
        Distribution::exponential(1.0),
        Distribution::Sequential { values: vec![0.5, 0.5, f64::INFINITY] },
        Servers::Finite(2),
    );
    let err = simulate(&net, RngKind::Ciw, 0, Stop::MaxCustomers(1_000_000)).unwrap_err();
    assert!(matches!(err, SimError::Deadlock { node: 0, count: "complete", .. }), "{err:?}");
    // Fewer customers than that complete before the servers are lost.
    simulate(&net, RngKind::Ciw, 0, Stop::MaxCustomers(4)).unwrap();
}

#[test]
fn a_deadlock_with_customers_still_able_to_complete_is_not_an_error() {
    // The same pair, plus a third node that arrivals reach and leave.
    let mut net = mutual_blocking();
    net.nodes.push(node(Servers::Finite(1), None));
    net.classes[0].nodes.push(at(Some(Distribution::exponential(0.5)), Distribution::exponential(1.0)));
    net.classes[0].routing =
        queue_sim::Routing::Matrix(vec![vec![0.0, 0.5, 0.0], vec![0.5, 0.0, 0.0], vec![0.0, 0.0, 0.0]]);
    let mut sim = Simulation::new(&net, 1).unwrap();
    sim.run(Stop::MaxCustomers(50_000)).unwrap();
    assert_eq!(sim.completed(), 50_000);
}

#[test]
fn running_to_a_number_finished_refuses_a_model_where_nobody_can_finish() {
    // Everyone loops for ever and nobody is turned away.
    let mut net = Network::mmc(0.2, 0.1, 2);
    net.classes[0].routing = queue_sim::Routing::Matrix(vec![vec![1.0]]);
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run(Stop::MaxFinished(10)).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, node: 0 }), "{err:?}");
    // With a queue capacity, rejections finish.
    net.nodes[0].queue_capacity = Some(3);
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxFinished(10)).unwrap();
    assert_eq!(sim.arrived() - sim.accepted(), 10);
}

#[test]
fn absurd_arrival_rates_are_refused_before_running() {
    let net = Network::mmc(1e300, 1.0, 1);
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run_until(1.0).unwrap_err();
    assert!(
        matches!(err, SimError::ExpectedEvents { node: 0, class: 0, time: 0.0, max_time: 1.0, budget, expected }
            if budget == DEFAULT_EVENT_BUDGET && expected > 1e299),
        "{err:?}"
    );
    assert_eq!(sim.events_processed(), 0);
}

#[test]
fn services_that_never_end_use_up_the_budget_instead_of_memory() {
    // Services at rate 1e-300: no customer completes before t = 1e300, while
    // arrivals pile up; the run stops at its budget.
    fn check<R: RandomSource>(sim: Simulation<R>) {
        let mut sim = sim.with_event_budget(200_000);
        let err = sim.run(Stop::MaxCustomers(10)).unwrap_err();
        assert!(matches!(err, SimError::EventBudget { budget: 200_000, node: 0, .. }), "{err:?}");
        assert_eq!(sim.events_processed(), 200_000);
        assert!(err.to_string().contains("with_event_budget"), "{err}");
    }
    let net = Network::mmc(1.0, 1e-300, 1);
    check(Simulation::new(&net, 0).unwrap());
    check(Simulation::ciw(&net, 0).unwrap());
}

#[test]
fn the_budget_is_a_cap_on_all_events_and_counts_beyond_it_are_refused() {
    let net = Network::mmc(0.2, 0.1, 3);
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(5_000);
    assert_eq!(sim.event_budget(), 5_000);
    let err = sim.run(Stop::MaxArrivals(6_000)).unwrap_err();
    assert!(matches!(err, SimError::CountBeyondBudget { count: 6_000, budget: 5_000 }), "{err:?}");
    // A run within the budget is untouched by it.
    let mut free = Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxArrivals(1_000)).unwrap();
    free.run(Stop::MaxArrivals(1_000)).unwrap();
    assert_eq!(sim.records(), free.records());
    // Runs add up: the rest of the budget (about 3000 events) cannot take
    // 20 000 more time units (about 4000 arrivals).
    let err = sim.run_until(sim.now() + 20_000.0).unwrap_err();
    assert!(matches!(err, SimError::ExpectedEvents { .. }), "{err:?}");
    // Nor can it run to exhaustion: it stops at the budget exactly.
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(3_000);
    let err = sim.run(Stop::MaxCustomers(1_600)).unwrap_err();
    assert!(matches!(err, SimError::EventBudget { budget: 3_000, .. }), "{err:?}");
    assert_eq!(sim.events_processed(), 3_000);
}

#[test]
fn a_gamma_shape_that_would_spin_pythons_sampler_is_refused() {
    // gammavariate(1e308, 1): 2 * shape - 1 overflows and the rejection loop
    // never accepts (Ciw hangs); queue-sim refuses the parameter.
    let net = Network::single_node(
        Distribution::exponential(1.0),
        Distribution::Gamma { shape: 1e308, scale: 1.0 },
        Servers::Finite(1),
    );
    let err = net.validate().unwrap_err();
    let ModelError::Distribution { node: 0, class: 0, role: "service", problem } = err else {
        panic!("{err:?}")
    };
    assert!(matches!(problem, ParameterError::TooLarge { name: "shape", .. }), "{problem:?}");
    // The largest shape allowed samples, in both modes.
    let mut net = net;
    net.classes[0].nodes[0].service =
        Distribution::Gamma { shape: Distribution::MAX_GAMMA_SHAPE, scale: 1.0 };
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        simulate(&net, rng, 0, Stop::MaxTime(5.0)).unwrap();
    }
}

#[test]
fn infinite_values_are_accepted_where_ciw_accepts_them_and_nan_is_not() {
    for d in [
        Distribution::Sequential { values: vec![1.0, f64::INFINITY] },
        Distribution::Deterministic { value: f64::INFINITY },
        Distribution::Empirical { observations: vec![f64::INFINITY, 2.0] },
        Distribution::Pmf { values: vec![1.0, f64::INFINITY], probs: vec![0.5, 0.5] },
    ] {
        assert_eq!(d.validate(), Ok(()), "{d:?}");
    }
    for d in [
        Distribution::Sequential { values: vec![1.0, f64::NAN] },
        Distribution::Sequential { values: vec![f64::NEG_INFINITY] },
        Distribution::Uniform { lower: 0.0, upper: f64::INFINITY },
    ] {
        assert!(d.validate().is_err(), "{d:?}");
    }
    // Two arrivals, then none: a run to five customers ends with two
    // records and an error that says so.
    let net = Network::single_node(
        Distribution::Sequential { values: vec![1.0, 2.0, f64::INFINITY] },
        Distribution::deterministic(0.5),
        Servers::Finite(1),
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run(Stop::MaxCustomers(5)).unwrap_err();
    assert!(
        matches!(err, queue_sim::SimError::CountNotReached { wanted: 5, reached: 2, count: "complete", .. }),
        "{err:?}"
    );
    assert_eq!(sim.records().len(), 2);
    // A model file writes and reads `inf`.
    let back = Network::from_toml_str(&net.to_toml_string().unwrap()).unwrap();
    assert_eq!(back, net);
}

#[test]
fn an_erlang_whose_every_draw_would_take_longer_than_a_run_is_refused() {
    // Each draw sums `phases` exponentials (as Ciw's does): u32::MAX phases
    // spun the CPU for minutes a draw.
    let net = Network::single_node(
        Distribution::Erlang { rate: 1e9, phases: u32::MAX },
        Distribution::exponential(1.0),
        Servers::Finite(1),
    );
    let err = net.validate().unwrap_err();
    let ModelError::Distribution { node: 0, class: 0, role: "arrival", problem } = err else {
        panic!("{err:?}")
    };
    assert!(matches!(problem, ParameterError::TooLarge { name: "phases", .. }), "{problem:?}");
    // The most phases allowed still run, in both modes.
    let mut net = net;
    net.classes[0].nodes[0].arrival = Some(Distribution::Erlang {
        rate: f64::from(queue_sim::MAX_ERLANG_PHASES),
        phases: queue_sim::MAX_ERLANG_PHASES,
    });
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let out = simulate(&net, rng, 1, Stop::MaxTime(3.0)).unwrap();
        assert!(!out.records.is_empty(), "{rng}");
    }
}

#[test]
fn customers_blocked_behind_a_slow_service_for_a_million_events_are_neither_deadlock_nor_stall() {
    // Node 0 (no waiting room) serves in 0.001 and sends everyone to node 1
    // (no waiting room either), which takes 1000: the next customer waits
    // blocked at node 0 while 200 arrivals a time unit are turned away. No
    // customer completes for 200 000 events at a time, over 1.2 million
    // events in all, yet every service ends: the run reaches its count.
    let net = one_class(
        vec![node(Servers::Finite(1), Some(0)), node(Servers::Finite(1), Some(0))],
        vec![
            at(Some(Distribution::deterministic(0.005)), Distribution::deterministic(0.001)),
            at(None, Distribution::deterministic(1000.0)),
        ],
        vec![vec![0.0, 1.0], vec![0.0, 0.0]],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxCustomers(6)).unwrap();
    assert_eq!(sim.completed(), 6);
    assert!(sim.events_processed() > 1_100_000, "{}", sim.events_processed());
}

#[test]
fn a_burst_of_nine_hundred_thousand_events_at_one_instant_is_no_stall() {
    // As in `bursts_at_one_instant_that_end_are_not_stalls`, with 300 000
    // customers: 900 000 events at t = 1, just under the million events in
    // a row that count as time standing still.
    let mut gaps = vec![0.0; 300_000];
    gaps[0] = 1.0;
    gaps.push(1e9);
    let net = one_class(
        vec![node(Servers::Infinite, None), node(Servers::Infinite, None)],
        vec![
            at(Some(Distribution::Sequential { values: gaps }), Distribution::deterministic(0.0)),
            at(None, Distribution::deterministic(0.0)),
        ],
        vec![vec![0.0, 1.0], vec![0.0, 0.0]],
    );
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(10.0)).unwrap();
    assert_eq!(out.records.len(), 600_000);
}

#[test]
fn a_finite_queue_still_filling_behind_a_server_held_for_ever_is_no_deadlock_for_a_finished_count() {
    // The one server is held for ever from the first arrival; 150 000 more
    // queue (no one finishes for over two checks of the engine), then the
    // queue is full and rejections finish: a run to a number finished ends.
    let net = one_class(
        vec![node(Servers::Finite(1), Some(150_000))],
        vec![at(Some(Distribution::deterministic(1.0)), Distribution::deterministic(f64::INFINITY))],
        vec![vec![0.0]],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxFinished(10)).unwrap();
    assert_eq!(sim.finished(), 10);
    assert_eq!(sim.arrived() - sim.accepted(), 10);
    // A run to a number completed is a deadlock there.
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run(Stop::MaxCustomers(10)).unwrap_err();
    assert!(matches!(err, SimError::Deadlock { node: 0, count: "complete", .. }), "{err:?}");
}

#[test]
fn a_deadlock_is_reported_only_once_the_customers_outside_it_have_left() {
    // The mutual-blocking pair, with node 0 sending half its customers to
    // a third node of unlimited servers that holds each for 10 000. The
    // pair soon deadlocks, but customers at node 2 will still complete:
    // the run is frozen only once the last of them has left, after 10 000.
    let service = || Distribution::exponential(1.0);
    let net = one_class(
        vec![
            node(Servers::Finite(1), Some(0)),
            node(Servers::Finite(1), Some(0)),
            node(Servers::Infinite, None),
        ],
        vec![
            at(Some(Distribution::exponential(100.0)), service()),
            at(Some(Distribution::exponential(100.0)), service()),
            at(None, Distribution::deterministic(10_000.0)),
        ],
        vec![vec![0.0, 0.5, 0.5], vec![0.5, 0.0, 0.0], vec![0.0, 0.0, 0.0]],
    );
    let mut sim = Simulation::new(&net, 1).unwrap();
    let err = sim.run(Stop::MaxCustomers(1_000_000)).unwrap_err();
    let SimError::Deadlock { node: 0, time, count: "complete" } = err else { panic!("{err:?}") };
    assert!(time > 10_000.0, "deadlock reported at {time}, with customers still at node 2");
}

/// One preemptive server. "Low" customers (priority 1) arrive every 0.01
/// from 0.01, each with a service that never ends; one "High" customer
/// arrives at 1 and takes the server for 1000.
fn endless_low_and_one_high(mode: Preemption) -> Network {
    let endless = Distribution::Sequential { values: vec![f64::INFINITY] };
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)).with_preemption(mode)],
        vec![
            CustomerClass::new(
                "Low",
                vec![ClassAtNode::new(Some(Distribution::deterministic(0.01)), endless)],
                vec![],
            )
            .with_priority(1),
            CustomerClass::new(
                "High",
                vec![ClassAtNode::new(
                    Some(Distribution::Sequential { values: vec![1.0, f64::INFINITY] }),
                    Distribution::deterministic(1000.0),
                )],
                vec![],
            ),
        ],
    )
}

#[test]
fn a_server_freed_from_a_service_that_never_ends_by_preemption_is_no_deadlock() {
    for mode in [Preemption::Resample, Preemption::Restart, Preemption::Resume] {
        let net = endless_low_and_one_high(mode);
        // From 1 to 1001 the server is High's: about 100 000 arrivals queue
        // and nobody completes, yet High's service will end.
        let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(2_000_000);
        sim.run(Stop::MaxCustomers(1)).unwrap();
        assert_eq!((sim.completed(), sim.now()), (1, 1001.0), "{mode:?}");
        // Then the interrupted Low customer takes the server back, for ever:
        // now it is a deadlock, found before the budget runs out.
        let err = sim.run(Stop::MaxCustomers(2)).unwrap_err();
        assert!(
            matches!(err, SimError::Deadlock { node: 0, count: "complete", time } if time > 1001.0),
            "{mode:?}: {err:?}"
        );
    }
}

#[test]
fn a_full_node_without_servers_under_a_count_of_accepted_customers_is_a_deadlock() {
    // Two places and no server: after two customers nobody is ever
    // accepted again. The run stops with a deadlock at once, not after
    // the whole event budget of turned-away arrivals.
    let net = one_class(
        vec![node(Servers::Finite(0), Some(2))],
        vec![at(Some(Distribution::exponential(1.0)), Distribution::exponential(1.0))],
        vec![vec![0.0]],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run(Stop::MaxAccepted(5)).unwrap_err();
    let SimError::Deadlock { node: 0, count: "be accepted", time } = err else { panic!("{err:?}") };
    // About one event a time unit: the budget would take 25 million.
    assert!(time < 1e6, "the deadlock was seen only at time {time}");
}

/// One server, an arrival every time unit from 1 on, each served in half a
/// unit: two events a unit, one of them an arrival.
fn clockwork() -> Network {
    Network::single_node(
        Distribution::deterministic(1.0),
        Distribution::deterministic(0.5),
        Servers::Finite(1),
    )
}

#[test]
fn a_continued_run_is_checked_against_the_arrivals_of_its_own_horizon() {
    // 1000 arrivals and 999 service ends before 1000.5 leave 601 of 2600
    // events.
    let mut sim = Simulation::new(&clockwork(), 0).unwrap().with_event_budget(2_600);
    sim.run_until(1000.5).unwrap();
    assert_eq!(sim.events_processed(), 1_999);
    // 100 more time units expect 100 arrivals: within what is left (not
    // the 1100 of the whole horizon from 0).
    sim.run_until(1100.5).unwrap();
    assert_eq!(sim.events_processed(), 2_199);
    // 900 more expect 900 arrivals, beyond the 401 left: refused before any
    // event is handled (not stopped at the budget half way).
    let err = sim.run_until(2000.5).unwrap_err();
    assert!(
        matches!(err, SimError::ExpectedEvents { budget: 401, time: 1100.5, max_time: 2000.5, expected, .. }
            if expected == 900.0),
        "{err:?}"
    );
    assert_eq!(sim.events_processed(), 2_199);
    assert_eq!(sim.now(), 1100.5);
}

#[test]
fn a_budget_equal_to_the_expected_arrivals_is_enough() {
    // Arrivals at 1, 2, ..., services that outlast the run: 10 time units
    // expect 10 arrivals, and 9 come before 10.
    let net = Network::single_node(
        Distribution::deterministic(1.0),
        Distribution::deterministic(1e9),
        Servers::Finite(1),
    );
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(10);
    sim.run_until(10.0).unwrap();
    assert_eq!((sim.arrived(), sim.events_processed()), (9, 9));
    // One event fewer than expected is refused.
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(9);
    let err = sim.run_until(10.0).unwrap_err();
    assert!(matches!(err, SimError::ExpectedEvents { budget: 9, .. }), "{err:?}");
}

#[test]
fn too_many_expected_arrivals_name_the_node_and_class_that_bring_them() {
    // Two nodes, two classes: only class 0 at node 1 (the third of the four
    // streams) arrives absurdly often.
    let at = |arrival: Option<f64>| {
        ClassAtNode::new(arrival.map(Distribution::exponential), Distribution::exponential(1.0))
    };
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(1))],
        vec![
            CustomerClass::new("A", vec![at(Some(1.0)), at(Some(1e300))], vec![vec![0.0; 2]; 2]),
            CustomerClass::new("B", vec![at(Some(1.0)), at(Some(1.0))], vec![vec![0.0; 2]; 2]),
        ],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run_until(1.0).unwrap_err();
    assert!(matches!(err, SimError::ExpectedEvents { node: 1, class: 0, .. }), "{err:?}");
    // Two streams equally to blame (class 1 at node 0 as well): the first,
    // in the order of nodes and then classes, is named.
    let mut net = net;
    net.classes[1].nodes[0].arrival = Some(Distribution::exponential(1e300));
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run_until(1.0).unwrap_err();
    assert!(matches!(err, SimError::ExpectedEvents { node: 0, class: 1, .. }), "{err:?}");
}

/// Two nodes, two classes, no routes unless set; every service takes 1.
fn two_by_two(arrivals: [[Option<f64>; 2]; 2], routing: [Vec<Vec<f64>>; 2]) -> Network {
    let [r0, r1] = routing;
    let class = |name: &str, arrivals: [Option<f64>; 2], routing| {
        let at = |a: Option<f64>| {
            ClassAtNode::new(a.map(Distribution::exponential), Distribution::deterministic(1.0))
        };
        CustomerClass::new(name, vec![at(arrivals[0]), at(arrivals[1])], routing)
    };
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(1))],
        vec![class("A", arrivals[0], r0), class("B", arrivals[1], r1)],
    )
}

#[test]
fn running_to_a_number_finished_looks_at_each_class_where_it_arrives() {
    let stays_at_0_leaves_1 = vec![vec![1.0, 0.0], vec![0.0, 0.0]];
    let stays_everywhere = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
    // Class A arrives only at node 1, where it leaves (it would be trapped
    // at node 0, where it never arrives); class B never arrives: customers
    // finish.
    let net = two_by_two(
        [[None, Some(1.0)], [None, None]],
        [stays_at_0_leaves_1.clone(), stays_everywhere.clone()],
    );
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(100_000);
    sim.run(Stop::MaxFinished(10)).unwrap();
    assert_eq!(sim.finished(), 10);
    // Class B arrives only at node 0, where it is trapped (it would leave
    // from node 1, where it never arrives); class A never arrives: nobody
    // can finish.
    let net = two_by_two([[None, None], [Some(1.0), None]], [stays_everywhere.clone(), stays_at_0_leaves_1]);
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(100_000);
    let err = sim.run(Stop::MaxFinished(10)).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 1, node: 0 }), "{err:?}");
    assert_eq!(sim.events_processed(), 0);
    // Class B arrives only at node 1 and stays there for ever, but reneges
    // while it waits: customers finish by reneging.
    let mut net = two_by_two([[None, None], [None, Some(1.0)]], [stays_everywhere.clone(), stays_everywhere]);
    net.classes[1].nodes[1] =
        net.classes[1].nodes[1].clone().with_reneging(Distribution::deterministic(1.0), None);
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(100_000);
    sim.run(Stop::MaxFinished(10)).unwrap();
    assert_eq!(sim.finished(), 10);
}

#[test]
fn running_to_no_customers_finished_does_nothing_even_where_nobody_can_finish() {
    let mut net = Network::mmc(0.2, 0.1, 2);
    net.classes[0].routing = queue_sim::Routing::Matrix(vec![vec![1.0]]);
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxFinished(0)).unwrap();
    assert_eq!((sim.events_processed(), sim.now()), (0, 0.0));
    // The same for a count of completed customers; a count still to reach
    // is refused, since nobody can ever complete.
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxCustomers(0)).unwrap();
    assert_eq!((sim.events_processed(), sim.now()), (0, 0.0));
    assert!(matches!(sim.run(Stop::MaxCustomers(1)), Err(queue_sim::SimError::NoExit { class: 0, node: 0 })));
}

#[test]
fn a_count_that_takes_exactly_the_budget_is_run() {
    // Arrivals at 1, 2, ... and services that outlast the run: 100 arrivals
    // are 100 events.
    let net = Network::single_node(
        Distribution::deterministic(1.0),
        Distribution::deterministic(1e9),
        Servers::Finite(1),
    );
    let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(100);
    sim.run(Stop::MaxArrivals(100)).unwrap();
    assert_eq!((sim.arrived(), sim.events_processed()), (100, 100));
    // One more is refused before it starts.
    let err = sim.run(Stop::MaxArrivals(101)).unwrap_err();
    assert!(matches!(err, SimError::CountBeyondBudget { count: 1, budget: 0 }), "{err:?}");
}

#[test]
fn gaps_whose_mean_is_zero_stop_at_the_bad_gap_not_as_infinitely_many_arrivals() {
    // Gaps 0.5, -0.5, 0.5, ...: their mean is 0, which non-negative gaps
    // cannot have without all being 0 (refused by validation). The run is
    // not refused up front as expecting infinitely many arrivals; it stops
    // at the negative gap, naming it.
    let gaps = Distribution::Combined {
        op: queue_sim::CombineOp::Sub,
        first: Box::new(Distribution::Sequential { values: vec![1.5, 0.5] }),
        second: Box::new(Distribution::deterministic(1.0)),
    };
    assert_eq!(gaps.mean(), Some(0.0));
    let net = Network::single_node(gaps, Distribution::exponential(1.0), Servers::Finite(1));
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run_until(10.0).unwrap_err();
    assert!(
        matches!(err, SimError::InvalidSample { node: 0, class: 0, role: "arrival", value: -0.5 }),
        "{err:?}"
    );
}

#[test]
fn arrivals_that_stall_the_clock_name_their_node_and_class_among_several() {
    // Class 0 arrives at node 1 of two nodes, two classes (the third of
    // four streams) with gaps always 0; node 1 has one server, busy for
    // ever after the first, and no waiting room, so every other arrival is
    // turned away at time 0 until the guard stops the run.
    #[derive(Debug)]
    struct StuckAtZero;
    impl queue_sim::TimeDistribution for StuckAtZero {
        fn sample(&self, _: &mut dyn RandomSource) -> f64 {
            0.0
        }
    }
    let long = || Distribution::deterministic(1e9);
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(1)).with_queue_capacity(0)],
        vec![
            CustomerClass::new(
                "A",
                vec![at(None, long()), at(Some(Distribution::custom(StuckAtZero)), long())],
                vec![vec![0.0; 2]; 2],
            ),
            CustomerClass::new("B", vec![at(None, long()), at(None, long())], vec![vec![0.0; 2]; 2]),
        ],
    );
    let err = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(1.0)).unwrap_err();
    assert!(matches!(err, SimError::Stalled { node: 1, class: 0, time: 0.0, .. }), "{err:?}");
}

#[test]
fn a_node_no_customer_arrives_at_from_outside_does_not_hide_a_deadlock_at_the_arrival_node() {
    // Two classes, two nodes; only the second class arrives from outside,
    // at node 0, which has two places and no server. Node 1 is an ordinary
    // node nobody reaches. After two customers nothing is ever accepted
    // again: only node 0 takes arrivals, and it is full and dead, so the
    // run stops with a deadlock at node 0 at once, whether or not node 1
    // could serve (it has nobody to serve). The same with the arrivals at
    // node 1 (no server, two places) and an idle node 0.
    for arrival_node in [0, 1] {
        let mut nodes = vec![node(Servers::Finite(1), None), node(Servers::Finite(1), None)];
        nodes[arrival_node] = node(Servers::Finite(0), Some(2));
        let class = |arrives: bool| {
            let at_nodes = (0..2)
                .map(|i| {
                    let arrival = (arrives && i == arrival_node).then(|| Distribution::exponential(1.0));
                    at(arrival, Distribution::exponential(1.0))
                })
                .collect();
            CustomerClass::new(
                if arrives { "Arriving" } else { "Never" }.to_owned(),
                at_nodes,
                vec![vec![0.0; 2]; 2],
            )
        };
        let net = Network::new(nodes, vec![class(false), class(true)]);
        let mut sim = Simulation::new(&net, 0).unwrap().with_event_budget(1_000_000);
        let err = sim.run(Stop::MaxAccepted(5)).unwrap_err();
        let SimError::Deadlock { node, count: "be accepted", .. } = err else {
            panic!("arrivals at node {arrival_node}: {err:?}")
        };
        assert_eq!(node, arrival_node);
        assert_eq!(sim.accepted(), 2);
    }
}

#[test]
fn a_slotted_node_whose_slots_are_all_empty_never_lets_a_count_be_reached() {
    // Slots of size 0 serve nobody: customers there never complete, so a
    // run to a count of completed customers is refused up front; one slot
    // of size 2 in the cycle serves them.
    let model = |sizes: &str| {
        Network::from_toml_str(&format!(
            r#"
            [[nodes]]
            servers = {{ slotted = {{ slots = [1.0, 2.0], slot_sizes = {sizes} }} }}
            [[classes]]
            name = "a"
            nodes = [ {{ arrival = {{ type = "exponential", rate = 0.5 }}, service = {{ type = "exponential", rate = 2.0 }} }} ]
            "#
        ))
        .unwrap()
    };
    let mut sim = Simulation::new(&model("[0, 0]"), 0).unwrap();
    assert!(matches!(sim.run(Stop::MaxCustomers(5)), Err(SimError::NoExit { class: 0, node: 0 })));
    let mut sim = Simulation::new(&model("[0, 2]"), 0).unwrap();
    sim.run(Stop::MaxCustomers(5)).unwrap();
    assert_eq!(sim.completed(), 5);
}

#[test]
fn a_shared_node_with_room_for_nobody_never_lets_a_count_be_reached() {
    // A processor-sharing node with no servers shares its service among
    // nobody: customers there never complete, so a run to a count of
    // completed customers is refused up front, as with zero plain servers;
    // with room for one the count is reached.
    let model = |servers| {
        let shared = NodeSpec::new(Servers::Finite(servers)).with_processor_sharing(1);
        one_class(
            vec![shared],
            vec![at(Some(Distribution::exponential(0.5)), Distribution::exponential(2.0))],
            vec![vec![0.0]],
        )
    };
    let mut sim = Simulation::new(&model(0), 0).unwrap();
    let err = sim.run(Stop::MaxCustomers(5)).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, node: 0 }), "{err:?}");
    let mut sim = Simulation::new(&model(1), 0).unwrap();
    sim.run(Stop::MaxCustomers(5)).unwrap();
    assert_eq!(sim.completed(), 5);
}

#[test]
fn a_scheduled_node_whose_shifts_all_have_no_servers_never_lets_a_count_be_reached() {
    // A schedule whose every shift has 0 servers serves nobody: customers
    // there never complete, so a run to a count of completed customers is
    // refused up front, as with zero plain servers; one shift of 2 servers
    // in the cycle serves them.
    let model = |numbers: Vec<usize>| {
        let schedule = queue_sim::Schedule::new(numbers, vec![5.0, 10.0]);
        one_class(
            vec![node(Servers::Schedule(schedule), None)],
            vec![at(Some(Distribution::exponential(0.5)), Distribution::exponential(2.0))],
            vec![vec![0.0]],
        )
    };
    let mut sim = Simulation::new(&model(vec![0, 0]), 0).unwrap();
    let err = sim.run(Stop::MaxCustomers(5)).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, node: 0 }), "{err:?}");
    let mut sim = Simulation::new(&model(vec![0, 2]), 0).unwrap();
    sim.run(Stop::MaxCustomers(5)).unwrap();
    assert_eq!(sim.completed(), 5);
}

#[test]
fn a_trap_reached_only_through_pairs_that_can_leave_is_refused_up_front() {
    // Class A arrives at node 0 and leaves or goes on to node 1, where half
    // leave and half become B; B is sent back to node 0, and B at node 0 is
    // sent to node 0 for ever. A can leave from both nodes, B at node 0
    // never can: it is a trap, reached only by way of A at node 0 then at
    // node 1, and a run to a count is refused naming it.
    let exp = Distribution::exponential;
    let a = CustomerClass::new(
        "A",
        vec![
            ClassAtNode::new(Some(exp(1.0)), exp(4.0)),
            ClassAtNode::new(None, exp(4.0)).with_class_after_service([("A", 0.5), ("B", 0.5)]),
        ],
        vec![vec![0.0, 0.5], vec![0.0, 0.0]],
    );
    let b = CustomerClass::new(
        "B",
        vec![ClassAtNode::new(None, exp(4.0)), ClassAtNode::new(None, exp(4.0))],
        vec![vec![1.0, 0.0], vec![1.0, 0.0]],
    );
    let net = Network::new(vec![node(Servers::Finite(1), None), node(Servers::Finite(1), None)], vec![a, b]);
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run(Stop::MaxCustomers(5)).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 1, node: 0 }), "{err:?}");
}

#[test]
fn running_to_a_number_finished_looks_at_where_each_class_itself_can_leave() {
    // Class A could leave from node 0 but never arrives; class B arrives at
    // node 0 and is sent to node 1, which sends it to itself for ever. No
    // arrival can ever finish: the run to a number finished is refused,
    // naming B at node 0, whatever A could do there.
    let exp = Distribution::exponential;
    let a = CustomerClass::new(
        "A",
        vec![ClassAtNode::new(None, exp(4.0)), ClassAtNode::new(None, exp(4.0))],
        vec![vec![0.0, 0.0], vec![0.0, 0.0]],
    );
    let b = CustomerClass::new(
        "B",
        vec![ClassAtNode::new(Some(exp(1.0)), exp(4.0)), ClassAtNode::new(None, exp(4.0))],
        vec![vec![0.0, 1.0], vec![0.0, 1.0]],
    );
    let net = Network::new(vec![node(Servers::Finite(1), None), node(Servers::Finite(1), None)], vec![a, b]);
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run(Stop::MaxFinished(5)).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 1, node: 0 }), "{err:?}");
}
