//! Ciw's documentation examples for time and state (server schedules,
//! slotted services, processor sharing, deadlock, state trackers and the
//! system capacity, from docs/Guides of CiwPython/Ciw at v3.2.7), each run
//! in Ciw mode and checked against what Ciw 3.2.7 prints for it on CPython
//! 3.11, to the last bit. The docs round, and some show values from another
//! Ciw version: each test says where they differ.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Preemption, PythonRandom, Record,
    RecordType, Router, Schedule, Servers, Simulation, Slotted, Tracker,
};

fn exp(rate: f64) -> Distribution {
    Distribution::exponential(rate)
}

/// One node, `servers`, a class arriving at `arrival` and served in `service`.
fn single(servers: Servers, arrival: Distribution, service: Distribution) -> Network {
    let node = NodeSpec::new(servers);
    Network::new(
        vec![node],
        vec![CustomerClass::new("Customer", vec![ClassAtNode::new(Some(arrival), service)], vec![])],
    )
}

/// Runs `net` in Ciw mode after `ciw.seed(seed)` until `max_time`.
fn run(net: &Network, seed: u64, max_time: f64) -> Simulation<PythonRandom> {
    let mut sim = Simulation::ciw(net, seed).unwrap();
    sim.run_until(max_time).unwrap();
    sim
}

/// `sum(xs) / len(xs)` added left to right, as Python does.
fn mean(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = xs.into_iter().fold((0.0, 0u32), |(s, n), x| (s + x, n + 1));
    sum / f64::from(n)
}

/// The records of one type.
fn of(recs: &[Record], kind: RecordType) -> Vec<&Record> {
    recs.iter().filter(|r| r.record_type == kind).collect()
}

/// The doc's schedule: 2 servers until 10, none until 30, 1 until 100.
fn doc_schedule() -> Schedule {
    Schedule::new(vec![2, 0, 1], vec![10.0, 30.0, 100.0])
}

/// The doc's M/M/c with `doc_schedule`-like servers.
fn scheduled(schedule: Schedule) -> Network {
    single(Servers::Schedule(schedule), exp(5.0), exp(10.0))
}

/// State probabilities as (state as Ciw prints it, probability).
fn probabilities(sim: &Simulation<PythonRandom>, start: f64, end: f64) -> Vec<(String, f64)> {
    let history = sim.history().unwrap();
    sim.state_probabilities(start, end).unwrap().iter().map(|(s, p)| (history.display(s), *p)).collect()
}

// docs/Guides/Services/server_schedule.rst:
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=5)],
//         service_distributions=[Exponential(rate=10)],
//         number_of_servers=[ciw.Schedule(numbers_of_servers=[2, 0, 1],
//                                         shift_end_dates=[10, 30, 100])])
//     ciw.seed(1); Q = ciw.Simulation(N); Q.simulate_until_max_time(205.0)
//     [r for r in recs if 10 < r.service_start_date < 30]     # []
//     [r for r in recs if 110 < r.service_start_date < 130]   # []
#[test]
fn server_schedule_no_service_starts_while_no_server_is_on_duty() {
    let sim = run(&scheduled(doc_schedule()), 1, 205.0);
    let recs = sim.records_in_ciw_order(None);
    let starting =
        |a, b| recs.iter().filter(|r| a < r.service_start_date && r.service_start_date < b).count();
    assert_eq!(starting(10.0, 30.0), 0);
    assert_eq!(starting(110.0, 130.0), 0);
    // Not printed in the docs, Ciw 3.2.7's: 1023 records, their mean wait,
    // the last (id 1023, served by server 7, the 7th on duty since 0), and
    // Node.overtime: the fifth and sixth servers finished a customer after
    // their shift.
    assert_eq!(recs.len(), 1023);
    assert_eq!(mean(recs.iter().map(|r| r.waiting_time)), 4.866689608258468);
    let last = recs.last().unwrap();
    assert_eq!(
        (last.id_number, last.arrival_date, last.service_time, last.server_id),
        (1023, 204.73776530465074, 0.05894540512991853, Some(7))
    );
    assert_eq!(sim.overtime()[0], [0.0, 0.0, 0.0, 0.0, 0.07090653679679804, 0.17546338850331722]);
}

// docs/Guides/Services/server_schedule.rst, "Schedule Offsets" (the docs
// give only the table of shifts; this runs the first example with it):
//     ciw.Schedule(numbers_of_servers=[2, 0, 1], shift_end_dates=[10, 30, 100], offset=7.0)
//     # no servers 0-7, 2 for 7-17, none 17-37, 1 for 37-107, 2 for 107-117, none 117-137
//     ciw.seed(1); Q = ciw.Simulation(N); Q.simulate_until_max_time(205.0)
#[test]
fn schedule_offset_delays_every_shift_by_seven() {
    let sim = run(&scheduled(doc_schedule().with_offset(7.0)), 1, 205.0);
    let recs = sim.records_in_ciw_order(None);
    let first_start = recs.iter().map(|r| r.service_start_date).fold(f64::INFINITY, f64::min);
    assert_eq!(first_start, 7.0);
    let in_gap = |r: &&Record| {
        (17.0 < r.service_start_date && r.service_start_date < 37.0)
            || (117.0 < r.service_start_date && r.service_start_date < 137.0)
    };
    assert_eq!(recs.iter().filter(in_gap).count(), 0);
    // Ciw 3.2.7's: 1003 records, the first (customer 2, who waited for the
    // first shift), the mean wait and the overtime.
    assert_eq!(recs.len(), 1003);
    let r = &recs[0];
    assert_eq!(
        (r.id_number, r.arrival_date, r.waiting_time, r.server_id),
        (2, 0.4048894659060269, 6.595110534093973, Some(2))
    );
    assert_eq!(mean(recs.iter().map(|r| r.waiting_time)), 3.7903053461895237);
    assert_eq!(sim.overtime()[0], [0.0, 0.27014313839356774, 0.05387769761834704, 0.0, 0.0]);
}

// docs/Guides/Services/server_schedule.rst, "Overtime" (no seed: nothing
// is random and nothing happens at the same instant):
//     N = ciw.create_network(arrival_distributions=[Deterministic(value=3.0)],
//         service_distributions=[Deterministic(value=5.0)],
//         number_of_servers=[ciw.Schedule(numbers_of_servers=[1, 2, 0],
//                                         shift_end_dates=[4.0, 10.0, 100.0])])
//     Q = ciw.Simulation(N); Q.simulate_until_max_time(20.0)
//     Q.transitive_nodes[0].overtime   # docs and Ciw 3.2.7: [4.0, 1.0, 4.0]
#[test]
fn overtime_servers_finish_their_customer_after_their_shift() {
    let schedule = Schedule::new(vec![1, 2, 0], vec![4.0, 10.0, 100.0]);
    let net = single(
        Servers::Schedule(schedule),
        Distribution::deterministic(3.0),
        Distribution::deterministic(5.0),
    );
    let sim = run(&net, 0, 20.0);
    assert_eq!(sim.overtime()[0], [4.0, 1.0, 4.0]);
    // Ciw 3.2.7's records: each customer has its own server, the one who
    // came on duty for it.
    let recs: Vec<(u64, f64, f64, Option<u32>)> = sim
        .records_in_ciw_order(None)
        .iter()
        .map(|r| (r.id_number, r.arrival_date, r.exit_date, r.server_id))
        .collect();
    assert_eq!(recs, [(1, 3.0, 8.0, Some(1)), (2, 6.0, 11.0, Some(2)), (3, 9.0, 14.0, Some(3))]);
}

// docs/Guides/Services/preemption.rst, "Pre-emption & Server Schedules"
// (the docs list the options and run nothing; here each option is put on
// the first example's schedule):
//     ciw.Schedule(numbers_of_servers=[2, 0, 1], shift_end_dates=[10, 30, 100], preemption=...)
//     ciw.seed(1); Q = ciw.Simulation(N); Q.simulate_until_max_time(205.0)
//     services = [r for r in recs if r.record_type == "service"]
//     interrupted = [r for r in recs if r.record_type == "interrupted service"]
//     len(services), sum(r.waiting_time for r in services) / len(services),
//     [(r.id_number, r.exit_date) for r in interrupted], transitive_nodes[0].overtime
#[test]
fn schedule_preemption_options_interrupt_the_customer_whose_server_leaves() {
    type Expected = (usize, f64, &'static [(u64, f64)]);
    let cases: [(Preemption, Expected); 5] = [
        (Preemption::Off, (1023, 4.866689608258468, &[])),
        (Preemption::Resample, (1035, 4.865066435972381, &[(509, 110.0)])),
        (Preemption::Restart, (1002, 4.627114725080089, &[(509, 110.0)])),
        (Preemption::Resume, (1023, 4.91576842957926, &[(509, 110.0), (1001, 200.0)])),
        (Preemption::Reroute, (1021, 4.87622279064487, &[(509, 110.0), (1001, 200.0)])),
    ];
    for (preemption, (services, wait, interrupted)) in cases {
        let sim = run(&scheduled(doc_schedule().with_preemption(preemption)), 1, 205.0);
        let recs = sim.records_in_ciw_order(None);
        let served = of(&recs, RecordType::Service);
        assert_eq!(served.len(), services, "{preemption:?}");
        assert_eq!(mean(served.iter().map(|r| r.waiting_time)), wait, "{preemption:?}");
        let cut: Vec<(u64, f64)> =
            of(&recs, RecordType::InterruptedService).iter().map(|r| (r.id_number, r.exit_date)).collect();
        assert_eq!(cut, interrupted, "{preemption:?}");
        // Rerouted with no routing: out of the network.
        if preemption == Preemption::Reroute {
            assert!(of(&recs, RecordType::InterruptedService).iter().all(|r| r.destination == Some(-1)));
        }
        // Ciw records overtime only without preemption; with it, a zero
        // per server gone off duty.
        let overtime = sim.overtime()[0].to_vec();
        match preemption {
            Preemption::Off => assert_eq!(overtime[4..], [0.07090653679679804, 0.17546338850331722]),
            _ => assert_eq!(overtime, [0.0; 6], "{preemption:?}"),
        }
    }
}

/// The doc's slotted node: 2 services at 1.5, 5 at 2.3 and 3 at 2.8,
/// every 2.8.
fn doc_slots() -> Slotted {
    Slotted::new(vec![1.5, 2.3, 2.8], vec![2, 5, 3])
}

/// The sorted distinct service start dates of `recs`.
fn start_dates(recs: &[Record]) -> Vec<f64> {
    let mut dates: Vec<f64> = recs.iter().map(|r| r.service_start_date).collect();
    dates.sort_by(f64::total_cmp);
    dates.dedup();
    dates
}

// docs/Guides/Services/slotted.rst:
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=5)],
//         service_distributions=[Deterministic(value=0.2)],
//         number_of_servers=[ciw.Slotted(slots=[1.5, 2.3, 2.8], slot_sizes=[2, 5, 3])])
//     ciw.seed(1); Q = ciw.Simulation(N); Q.simulate_until_max_time(7)
//     set([r.service_start_date for r in recs])
//     # docs and Ciw 3.2.7: {1.5, 2.3, 2.8, 4.3, 5.1, 5.6}
#[test]
fn slotted_services_start_only_at_the_slots() {
    let net = single(Servers::Slotted(doc_slots()), exp(5.0), Distribution::deterministic(0.2));
    let recs = run(&net, 1, 7.0).records_in_ciw_order(None);
    assert_eq!(start_dates(&recs), [1.5, 2.3, 2.8, 4.3, 5.1, 5.6]);
    // Ciw 3.2.7's 20 records, in its order: every slot full but the first
    // two, which were at the start of the run.
    let starts: Vec<f64> = recs.iter().map(|r| r.service_start_date).collect();
    let want =
        [1.5, 1.5, 2.3, 2.3, 2.3, 2.3, 2.3, 2.8, 2.8, 2.8, 4.3, 4.3, 5.1, 5.1, 5.1, 5.1, 5.1, 5.6, 5.6, 5.6];
    assert_eq!(starts, want);
    assert!(recs.iter().all(|r| r.server_id.is_none()));
}

// docs/Guides/Services/slotted.rst, "Schedule Offsets" (the docs give the
// table of slots; this runs the first example with it until 17):
//     ciw.Slotted(slots=[1.5, 2.3, 2.8], slot_sizes=[2, 5, 3], offset=10.0)
//     # docs: slots at 11.5, 12.3, 12.8, 14.3, 15.1, 15.6, 17.1, ...
//     set([r.service_start_date for r in recs])
//     # Ciw 3.2.7: {11.5, 12.3, 12.8, 14.3, 15.100000000000001, 15.600000000000001}
//     # (10 + 2.3 + 2.8 in floats: the docs' table rounds)
#[test]
fn slotted_offset_delays_the_slots_by_ten() {
    let net =
        single(Servers::Slotted(doc_slots().with_offset(10.0)), exp(5.0), Distribution::deterministic(0.2));
    let recs = run(&net, 1, 17.0).records_in_ciw_order(None);
    assert_eq!(start_dates(&recs), [11.5, 12.3, 12.8, 14.3, 15.100000000000001, 15.600000000000001]);
    assert_eq!(recs.len(), 20);
}

// docs/Guides/Services/slotted.rst, "Capacitated & Non-capacitated Slots"
// (the docs show a picture; this runs the doc's slots with services of
// Exponential(rate=1), longer than the gaps between slots):
//     ciw.Slotted(slots=[1.5, 2.3, 2.8], slot_sizes=[2, 5, 3])                      # non-capacitated
//     ciw.Slotted(slots=[1.5, 2.3, 2.8], slot_sizes=[2, 5, 3], capacitated=True)    # capacitated
//     ... capacitated=True, preemption="resume" | "restart" | "resample"
//     ciw.seed(1); Q = ciw.Simulation(N); Q.simulate_until_max_time(30)
//     (len(services), len(interrupted), mean wait of services, max service_end_date)
#[test]
fn capacitated_slots_start_fewer_services_and_may_interrupt_them() {
    let cases: [(Slotted, (usize, usize, f64, f64)); 5] = [
        (doc_slots(), (98, 0, 4.456517053027383, 29.3396828421165)),
        (doc_slots().capacitated(Preemption::Off), (59, 0, 10.064782181340535, 29.767409535803875)),
        (doc_slots().capacitated(Preemption::Resume), (50, 5, 9.767207063354734, 29.02647812080259)),
        (doc_slots().capacitated(Preemption::Restart), (47, 5, 9.786544388756463, 28.41414615134196)),
        (doc_slots().capacitated(Preemption::Resample), (55, 4, 10.436084729553286, 29.767409535803875)),
    ];
    for (slots, (services, interrupted, wait, last_end)) in cases {
        let label = format!("{:?}", (slots.capacitated, slots.preemption));
        let net = single(Servers::Slotted(slots), exp(5.0), exp(1.0));
        let recs = run(&net, 1, 30.0).records_in_ciw_order(None);
        let served = of(&recs, RecordType::Service);
        assert_eq!(served.len(), services, "{label}");
        assert_eq!(of(&recs, RecordType::InterruptedService).len(), interrupted, "{label}");
        assert_eq!(mean(served.iter().map(|r| r.waiting_time)), wait, "{label}");
        let end = served.iter().map(|r| r.service_end_date).fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(end, last_end, "{label}");
    }
}

/// The doc's processor-sharing examples: arrivals at `lambda`, services at
/// `mu`, sharing among `servers`, with `threshold`.
fn shared(lambda: f64, mu: f64, servers: Servers, threshold: u32) -> Network {
    let mut net = single(servers, exp(lambda), exp(mu));
    net.nodes[0] = net.nodes[0].clone().with_processor_sharing(threshold);
    net
}

// docs/Guides/Services/processor-sharing.rst:
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=4)],
//         service_distributions=[Exponential(rate=9)], number_of_servers=[float('inf')])
//     ciw.seed(0); Q = ciw.Simulation(N, node_class=ciw.PSNode)
//     Q.simulate_until_max_customers(1000)
//     services = [r.service_time for r in recs if r.arrival_date > 50]
//     sum(services) / len(services)   # docs: 0.1935655...; Ciw 3.2.7: 0.19356554120690125
//     Q.current_time                  # docs: 254.0454918...; Ciw 3.2.7: 254.04549188579372
//     ciw.seed(0); Q = ciw.Simulation(N); Q.simulate_until_max_customers(1000)
//     Q.current_time                  # the same: sharing is work-conserving
#[test]
fn processor_sharing_takes_as_long_as_fifo_to_serve_a_thousand() {
    let net = shared(4.0, 9.0, Servers::Infinite, 1);
    let mut sim = Simulation::ciw(&net, 0).unwrap();
    sim.run_until_finished(1000).unwrap();
    let recs = sim.records_in_ciw_order(None);
    assert_eq!(recs.len(), 1000);
    let services: Vec<f64> = recs.iter().filter(|r| r.arrival_date > 50.0).map(|r| r.service_time).collect();
    assert_eq!(services.len(), 806);
    assert_eq!(mean(services), 0.19356554120690125);
    assert_eq!(sim.now(), 254.04549188579372);
    let mut fifo = Simulation::ciw(&single(Servers::Infinite, exp(4.0), exp(9.0)), 0).unwrap();
    fifo.run_until_finished(1000).unwrap();
    assert_eq!(fifo.now(), 254.04549188579372);
}

// docs/Guides/Services/processor-sharing.rst, "Limited Process Sharing":
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=4)],
//         service_distributions=[Exponential(rate=9)], number_of_servers=[3])
//     ciw.seed(0); Q = ciw.Simulation(N, node_class=ciw.PSNode)
//     Q.simulate_until_max_customers(1000)
//     max([r.queue_size_at_arrival for r in recs if r.waiting_time == 0.0])   # 2
//     min([r.queue_size_at_arrival for r in recs if r.waiting_time > 0.0])    # 3
#[test]
fn limited_processor_sharing_only_those_finding_three_wait() {
    let mut sim = Simulation::ciw(&shared(4.0, 9.0, Servers::Finite(3), 1), 0).unwrap();
    sim.run_until_finished(1000).unwrap();
    let recs = sim.records_in_ciw_order(None);
    let at_arrival = |waited: bool| {
        recs.iter().filter(move |r| (r.waiting_time > 0.0) == waited).map(|r| r.queue_size_at_arrival)
    };
    assert_eq!(at_arrival(false).max(), Some(2));
    assert_eq!(at_arrival(true).min(), Some(3));
    // Ciw 3.2.7's: 89 customers waited; the mean wait; the clock.
    assert_eq!(at_arrival(true).count(), 89);
    assert_eq!(mean(recs.iter().map(|r| r.waiting_time)), 0.014854168319855875);
    assert_eq!(sim.now(), 252.44202005478223);
}

// docs/Guides/Services/processor-sharing.rst, "Capacitated Process Sharing":
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=10)],
//         service_distributions=[Exponential(rate=12)],
//         number_of_servers=[float('inf')], ps_thresholds=[3])
//     ciw.seed(0); Q = ciw.Simulation(N, node_class=ciw.PSNode,
//         tracker=ciw.trackers.SystemPopulation())
//     Q.simulate_until_max_time(1000)
//     Q.statetracker.state_probabilities(observation_period=(100, 900))
//     # docs and Ciw 3.2.7 alike, to the last digit and in the same order (below)
#[test]
fn capacitated_processor_sharing_state_probabilities() {
    let net = shared(10.0, 12.0, Servers::Infinite, 3);
    let mut sim = Simulation::ciw(&net, 0).unwrap().with_tracker(Tracker::SystemPopulation).unwrap();
    sim.run_until(1000.0).unwrap();
    let want = [
        ("0", 0.4398895319845431),
        ("1", 0.36347562618363427),
        ("2", 0.14507848814897362),
        ("3", 0.03916266222272885),
        ("4", 0.009173532615323427),
        ("5", 0.0021859853488494707),
        ("6", 0.0008073744011269568),
        ("7", 9.470825328580901e-05),
        ("8", 0.00013209084153452012),
    ];
    // In the order of Ciw's dict: the states as first met.
    assert_eq!(probabilities(&sim, 100.0, 900.0), want.map(|(s, p)| (s.to_owned(), p)));
    assert_eq!(sim.records().len(), 9810);
}

// docs/Guides/System/deadlock.rst:
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=6.0)],
//         service_distributions=[Exponential(rate=5.0)], routing=[[0.5]],
//         number_of_servers=[1], queue_capacities=[3])
//     ciw.seed(1)
//     Q = ciw.Simulation(N, deadlock_detector=ciw.deadlock.StateDigraph(),
//         tracker=ciw.trackers.NaiveBlocking())
//     Q.simulate_until_deadlock()
//     Q.times_to_deadlock
//     # docs (another Ciw version, doctest:+SKIP): {((0, 0),): 0.94539784...,
//     #   ((1, 0),): 0.92134933..., ((2, 0),): 0.68085451..., ((3, 0),): 0.56684471...,
//     #   ((3, 1),): 0.0, ((4, 0),): 0.25332344...}
//     # Ciw 3.2.7: the values below; its time_of_deadlock is 0.6109565365822194
//     # (Q.current_time then holds the next event's date, 0.6867282263733325,
//     # while this engine's clock stays at the deadlock, as documented)
#[test]
fn deadlock_times_to_deadlock_from_each_state() {
    let node = NodeSpec::new(Servers::Finite(1)).with_queue_capacity(3);
    let class =
        CustomerClass::new("Customer", vec![ClassAtNode::new(Some(exp(6.0)), exp(5.0))], vec![vec![0.5]]);
    let net = Network::new(vec![node], vec![class]);
    let mut sim = Simulation::ciw(&net, 1).unwrap().with_tracker(Tracker::NaiveBlocking).unwrap();
    assert_eq!(sim.run_until_deadlock().unwrap(), 0.6109565365822194);
    let history = sim.history().unwrap();
    let ours: Vec<(String, f64)> =
        sim.times_to_deadlock().iter().map(|(s, t)| (history.display(s), *t)).collect();
    let want = [
        ("((0, 0),)", 0.6109565365822194),
        ("((1, 0),)", 0.5869080258973012),
        ("((2, 0),)", 0.34641320500619066),
        ("((3, 0),)", 0.29733591885714683),
        ("((4, 0),)", 0.18332612224721345),
        ("((3, 1),)", 0.0),
    ];
    assert_eq!(ours, want.map(|(s, t)| (s.to_owned(), t)));
    // Ciw 3.2.7 completes one service before the deadlock.
    assert_eq!(sim.records_in_ciw_order(None).len(), 1);
}

// docs/Guides/System/state_trackers.rst:
//     N = ciw.create_network(arrival_distributions=[Exponential(rate=0.1)],
//         service_distributions=[Exponential(rate=0.2)], number_of_servers=[1])
//     ciw.seed(1); Q = ciw.Simulation(N, tracker=ciw.trackers.SystemPopulation())
//     Q.simulate_until_max_time(250)
//     Q.statetracker.history
//     # docs: [[0.0, 0], [1.44291..., 1], [10.84369..., 0], [15.87259..., 1],
//     #        [17.34491..., 0], [22.71318..., 1], [25.69774..., 0], ...]
//     Q.statetracker.state_probabilities()
//     # docs: {0: 0.55425..., 1: 0.24676..., 2: 0.13140..., 3: 0.06757...}
//     Q.statetracker.state_probabilities(observation_period=(50, 200))
//     # not printed in the docs; Ciw 3.2.7: {1: ..., 0: ..., 2: ...} (below)
#[test]
fn state_tracker_system_population_history_and_probabilities() {
    let net = single(Servers::Finite(1), exp(0.1), exp(0.2));
    let mut sim = Simulation::ciw(&net, 1).unwrap().with_tracker(Tracker::SystemPopulation).unwrap();
    sim.run_until(250.0).unwrap();
    let history = sim.history().unwrap();
    let changes: Vec<(f64, String)> = history.changes().map(|(t, s)| (t, history.display(s))).collect();
    let first = [
        (0.0, "0"),
        (1.442910641095092, "1"),
        (10.843691968198218, "0"),
        (15.87259989456172, "1"),
        (17.344918479033034, "0"),
        (22.71318769115772, "1"),
        (25.697748150497706, "0"),
    ];
    assert_eq!(changes[..7], first.map(|(t, s)| (t, s.to_owned())));
    assert_eq!(changes.len(), 50);
    let whole = [
        ("0", 0.5542560993797419),
        ("1", 0.2467687807658809),
        ("2", 0.13140375152681338),
        ("3", 0.06757136832756394),
    ];
    assert_eq!(probabilities(&sim, 0.0, f64::INFINITY), whole.map(|(s, p)| (s.to_owned(), p)));
    let window = [("1", 0.21977746685986727), ("0", 0.7198013583612766), ("2", 0.06042117477885616)];
    assert_eq!(probabilities(&sim, 50.0, 200.0), window.map(|(s, p)| (s.to_owned(), p)));
}

// docs/Guides/Queues/system_capacity.rst, now with the engine's own
// tracker (ciw_docs.rs works the same numbers out from records):
//     N = ciw.create_network(
//         arrival_distributions=[Exponential(rate=2), Exponential(rate=1)],
//         service_distributions=[Exponential(rate=1), Exponential(rate=1)],
//         routing=[[0.0, 0.5], [0.0, 0.0]], number_of_servers=[3, 2], system_capacity=4)
//     ciw.seed(0); Q = ciw.Simulation(N, tracker=ciw.trackers.SystemPopulation())
//     Q.simulate_until_max_time(100)
//     Q.statetracker.state_probabilities()
//     # docs: {0: 0.03369..., 1: 0.15927..., 2: 0.18950..., 3: 0.29834..., 4: 0.31917...}
#[test]
fn system_capacity_tracked_population_never_exceeds_four() {
    let at = |rate| ClassAtNode::new(Some(exp(rate)), exp(1.0));
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(3)), NodeSpec::new(Servers::Finite(2))],
        vec![CustomerClass::new("Class 0", vec![at(2.0), at(1.0)], vec![vec![0.0, 0.5], vec![0.0, 0.0]])],
    )
    .with_system_capacity(4);
    let mut sim = Simulation::ciw(&net, 0).unwrap().with_tracker(Tracker::SystemPopulation).unwrap();
    sim.run_until(100.0).unwrap();
    let want = [
        ("0", 0.03369655546653017),
        ("1", 0.1592711312247873),
        ("2", 0.18950832844418355),
        ("3", 0.2983478656854591),
        ("4", 0.31917611917904),
    ];
    assert_eq!(probabilities(&sim, 0.0, f64::INFINITY), want.map(|(s, p)| (s.to_owned(), p)));
    // Ciw 3.2.7's history has 397 entries.
    assert_eq!(sim.history().unwrap().changes().count(), 397);
}

// docs/Guides/Routing/join_shortest_queue.rst, "Example - Load Balancing":
//     N = ciw.create_network(
//         arrival_distributions=[Exponential(rate=8), None, None, None],
//         service_distributions=[Deterministic(value=0), Exponential(rate=10),
//                                Exponential(rate=10), Exponential(rate=10)],
//         number_of_servers=[float('inf')] * 4,
//         routing=ciw.routing.NetworkRouting(routers=[
//             ciw.routing.LoadBalancing(destinations=[2, 3, 4]),
//             ciw.routing.Leave(), ciw.routing.Leave(), ciw.routing.Leave()]))
//     ciw.seed(0)
//     Q = ciw.Simulation(N, tracker=ciw.trackers.SystemPopulation(),
//         node_class=[ciw.Node, ciw.PSNode, ciw.PSNode, ciw.PSNode])
//     Q.simulate_until_max_time(100)
//     Q.statetracker.state_probabilities(observation_period=(10, 90))
//     # docs: {1: 0.37895..., 2: 0.13628..., 3: 0.03237..., 0: 0.43600...,
//     #        4: 0.01254..., 5: 0.00224..., 6: 0.00108..., 7: 0.00050...}
#[test]
fn load_balancing_over_three_processor_sharing_nodes() {
    let mut nodes = vec![NodeSpec::new(Servers::Infinite)];
    nodes.extend((0..3).map(|_| NodeSpec::new(Servers::Infinite).with_processor_sharing(1)));
    let mut at = vec![ClassAtNode::new(Some(exp(8.0)), Distribution::deterministic(0.0))];
    at.extend((0..3).map(|_| ClassAtNode::new(None, exp(10.0))));
    let routers = vec![
        Router::LoadBalancing { destinations: vec![1, 2, 3], tie_break: Default::default() },
        Router::Leave,
        Router::Leave,
        Router::Leave,
    ];
    let net = Network::new(nodes, vec![CustomerClass::new("Customer", at, vec![]).with_routing(routers)]);
    let mut sim = Simulation::ciw(&net, 0).unwrap().with_tracker(Tracker::SystemPopulation).unwrap();
    sim.run_until(100.0).unwrap();
    let want = [
        ("1", 0.3789505909247118),
        ("2", 0.13628540671096864),
        ("3", 0.03237912888092069),
        ("0", 0.4360000219399864),
        ("4", 0.012545232347702683),
        ("5", 0.002242551175532492),
        ("6", 0.0010880249968749475),
        ("7", 0.0005090430233021247),
    ];
    assert_eq!(probabilities(&sim, 10.0, 90.0), want.map(|(s, p)| (s.to_owned(), p)));
}

// docs/Guides/Routing/join_shortest_queue.rst, "Example - Join Shortest
// Queue" (the docs plot the populations of nodes 2 and 3 from the
// NodePopulation tracker's history; the numbers below are Ciw 3.2.7's):
//     N = ciw.create_network(
//         arrival_distributions=[Exponential(rate=10), None, None],
//         service_distributions=[Exponential(rate=25), Exponential(rate=6), Exponential(rate=8)],
//         routing=[[0.0, 0.5, 0.5], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]   # without
//         routing=ciw.routing.NetworkRouting(routers=[                     # with
//             ciw.routing.JoinShortestQueue(destinations=[2, 3]),
//             ciw.routing.Leave(), ciw.routing.Leave()]),
//         number_of_servers=[1, 1, 1])
//     ciw.seed(0); Q = ciw.Simulation(N, tracker=ciw.trackers.NodePopulation())
//     Q.simulate_until_max_time(80)
//     h = Q.statetracker.history; n2, n3 = [s[1] for t, s in h], [s[2] for t, s in h]
//     len(h), max(n2), max(n3), max(abs(a - b) for a, b in zip(n2, n3)), h[-1]
//     # without: 2322, 24, 8, 24, [79.93666046454972, (0, 14, 2)]
//     # with:    2326, 6, 6, 6, [79.99917512804907, (0, 0, 0)]
#[test]
fn join_shortest_queue_keeps_nodes_two_and_three_level() {
    let services = [25.0, 6.0, 8.0];
    let nodes: Vec<NodeSpec> = (0..3).map(|_| NodeSpec::new(Servers::Finite(1))).collect();
    let at: Vec<ClassAtNode> = services
        .iter()
        .enumerate()
        .map(|(i, &mu)| ClassAtNode::new((i == 0).then(|| exp(10.0)), exp(mu)))
        .collect();
    let random =
        CustomerClass::new("Customer", at.clone(), vec![vec![0.0, 0.5, 0.5], vec![0.0; 3], vec![0.0; 3]]);
    let jsq = CustomerClass::new("Customer", at, vec![]).with_routing(vec![
        Router::JoinShortestQueue { destinations: vec![1, 2], tie_break: Default::default() },
        Router::Leave,
        Router::Leave,
    ]);
    let cases = [
        (random, (2322, 24, 8, 24, 79.93666046454972, "(0, 14, 2)")),
        (jsq, (2326, 6, 6, 6, 79.99917512804907, "(0, 0, 0)")),
    ];
    for (class, (len, max2, max3, gap, last_time, last_state)) in cases {
        let net = Network::new(nodes.clone(), vec![class]);
        let mut sim = Simulation::ciw(&net, 0).unwrap().with_tracker(Tracker::NodePopulation).unwrap();
        sim.run_until(80.0).unwrap();
        let history = sim.history().unwrap();
        let changes: Vec<(f64, String)> = history.changes().map(|(t, s)| (t, history.display(s))).collect();
        assert_eq!(changes.len(), len);
        let first =
            [(0.0, "(0, 0, 0)"), (0.18606071110652234, "(1, 0, 0)"), (0.24063202566068162, "(2, 0, 0)")];
        assert_eq!(changes[..3], first.map(|(t, s)| (t, s.to_owned())));
        assert_eq!(changes.last().unwrap(), &(last_time, last_state.to_owned()));
        let counts: Vec<(i64, i64)> = changes
            .iter()
            .map(|(_, s)| {
                let n: Vec<i64> =
                    s.trim_matches(['(', ')']).split(", ").map(|x| x.parse().unwrap()).collect();
                (n[1], n[2])
            })
            .collect();
        assert_eq!(counts.iter().map(|c| c.0).max(), Some(max2));
        assert_eq!(counts.iter().map(|c| c.1).max(), Some(max3));
        assert_eq!(counts.iter().map(|c| (c.0 - c.1).abs()).max(), Some(gap));
    }
}

// docs/Guides/Services/server_schedule.rst, the first example again, with
// Ciw's Server objects after the run (not printed in the docs; Ciw 3.2.7's
// values):
//     nd = Q.transitive_nodes[0]
//     [(s.id_number, s.start_date, s.busy_time, s.total_time, s.utilisation,
//       s.busy, s.offduty) for s in nd.servers]
//     # [(7, 200.0, 1.2044618915404044, 5.0, 0.24089237830808088, False, False),
//     #  (8, 200.0, 0.13369852578858854, 5.0, 0.02673970515771771, False, False)]
//     nd.server_utilisation   # 0.5399598367701849, over every server on duty so far
//     # with simulate_until_max_time(215.0): nd.servers == [], nd.server_utilisation is None
#[test]
fn server_schedule_servers_on_duty_and_utilisation_at_the_end() {
    let sim = run(&scheduled(doc_schedule()), 1, 205.0);
    let servers: Vec<(u32, f64, f64, f64, f64, bool, bool)> = sim
        .servers(0)
        .iter()
        .map(|s| (s.id, s.start_date, s.busy_time, s.total_time, s.utilisation, s.busy, s.off_duty))
        .collect();
    assert_eq!(
        servers,
        [
            (7, 200.0, 1.2044618915404044, 5.0, 0.24089237830808088, false, false),
            (8, 200.0, 0.13369852578858854, 5.0, 0.02673970515771771, false, false),
        ]
    );
    assert_eq!(sim.utilisation()[0], Some(0.5399598367701849));
    // Until 215 instead, in the shift of 0 servers from 210: Ciw 3.2.7 has
    // no server left, and its server_utilisation is None (it gives none
    // whenever the node's current number of servers is 0).
    let later = run(&scheduled(doc_schedule()), 1, 215.0);
    assert!(later.servers(0).is_empty());
    assert_eq!(later.utilisation()[0], None);
}

// docs/Guides/Services/server_schedule.rst, "Overtime", with Ciw's
// get_all_individuals() after the run (not printed in the docs; Ciw 3.2.7:
// first those still at the node, waiting since no server is on duty from
// 10 to 100, then those who left, each with its records):
//     [(i.id_number, [(r.node, r.arrival_date, r.exit_date) for r in i.data_records])
//      for i in Q.get_all_individuals()]
//     # [(4, []), (5, []), (6, []), (1, [(1, 3.0, 8.0)]), (2, [(1, 6.0, 11.0)]), (3, [(1, 9.0, 14.0)])]
//     Q.transitive_nodes[0].servers   # [] (the shift of 0 servers)
#[test]
fn overtime_example_individuals_waiting_and_gone() {
    let schedule = Schedule::new(vec![1, 2, 0], vec![4.0, 10.0, 100.0]);
    let net = single(
        Servers::Schedule(schedule),
        Distribution::deterministic(3.0),
        Distribution::deterministic(5.0),
    );
    let sim = run(&net, 0, 20.0);
    /// (node, arrival date, exit date) of each record.
    type Visits = Vec<(u32, f64, f64)>;
    let people: Vec<(u64, Option<usize>, Visits)> = sim
        .individuals()
        .into_iter()
        .map(|p| (p.id, p.node, p.records.iter().map(|r| (r.node, r.arrival_date, r.exit_date)).collect()))
        .collect();
    let want = [
        (4, Some(0), vec![]),
        (5, Some(0), vec![]),
        (6, Some(0), vec![]),
        (1, None, vec![(1, 3.0, 8.0)]),
        (2, None, vec![(1, 6.0, 11.0)]),
        (3, None, vec![(1, 9.0, 14.0)]),
    ];
    assert_eq!(people, want);
    assert!(sim.servers(0).is_empty());
}

// docs/Guides/System/deadlock.rst's network with the other trackers of
// docs/Reference/state_trackers.rst (not run in the docs; Ciw 3.2.7's
// times_to_deadlock, in its dict's order). The deadlock is at the same
// date whatever the tracker; only MatrixBlocking, like NaiveBlocking, tells
// the blocked state apart, so only it has a state 0.0 from the deadlock.
//     ciw.seed(1); Q = ciw.Simulation(N, deadlock_detector=ciw.deadlock.StateDigraph(),
//         tracker=ciw.trackers.MatrixBlocking())   # or NodePopulation(), ...
//     Q.simulate_until_deadlock(); list(Q.times_to_deadlock.items())
#[test]
fn deadlock_times_to_deadlock_with_every_kind_of_state() {
    let node = NodeSpec::new(Servers::Finite(1)).with_queue_capacity(3);
    let class =
        CustomerClass::new("Customer", vec![ClassAtNode::new(Some(exp(6.0)), exp(5.0))], vec![vec![0.5]]);
    let net = Network::new(vec![node], vec![class]);
    let times = [
        0.6109565365822194,
        0.5869080258973012,
        0.34641320500619066,
        0.29733591885714683,
        0.18332612224721345,
    ];
    let cases: [(Tracker, [&str; 5], Option<&str>); 4] = [
        (
            Tracker::MatrixBlocking,
            [
                "((((),),), (0,))",
                "((((),),), (1,))",
                "((((),),), (2,))",
                "((((),),), (3,))",
                "((((),),), (4,))",
            ],
            Some("((((1,),),), (4,))"),
        ),
        (Tracker::NodePopulation, ["(0,)", "(1,)", "(2,)", "(3,)", "(4,)"], None),
        (Tracker::SystemPopulation, ["0", "1", "2", "3", "4"], None),
        (Tracker::NodeClassMatrix, ["((0,),)", "((1,),)", "((2,),)", "((3,),)", "((4,),)"], None),
    ];
    for (tracker, states, blocked) in cases {
        let label = format!("{tracker:?}");
        let mut sim = Simulation::ciw(&net, 1).unwrap().with_tracker(tracker).unwrap();
        assert_eq!(sim.run_until_deadlock().unwrap(), times[0], "{label}");
        let history = sim.history().unwrap();
        let ours: Vec<(String, f64)> =
            sim.times_to_deadlock().iter().map(|(s, t)| (history.display(s), *t)).collect();
        let mut want: Vec<(String, f64)> = states.iter().map(|s| s.to_string()).zip(times).collect();
        want.extend(blocked.map(|s| (s.to_owned(), 0.0)));
        assert_eq!(ours, want, "{label}");
    }
}

// docs/Guides/Routing/join_shortest_queue.rst's network without the
// desired behaviour, with the trackers of docs/Reference/state_trackers.rst
// that take arguments (not run in the docs; Ciw 3.2.7's):
//     ciw.seed(0); Q = ciw.Simulation(N, tracker=...); Q.simulate_until_max_time(80)
//     h = Q.statetracker.history; p = Q.statetracker.state_probabilities(observation_period=(10, 70))
//     len(h), h[:4], h[-1], len(p), list(p.items())[:4]
#[test]
fn trackers_with_arguments_on_the_join_shortest_queue_network() {
    let services = [25.0, 6.0, 8.0];
    let nodes: Vec<NodeSpec> = (0..3).map(|_| NodeSpec::new(Servers::Finite(1))).collect();
    let at: Vec<ClassAtNode> = services
        .iter()
        .enumerate()
        .map(|(i, &mu)| ClassAtNode::new((i == 0).then(|| exp(10.0)), exp(mu)))
        .collect();
    let routing = vec![vec![0.0, 0.5, 0.5], vec![0.0; 3], vec![0.0; 3]];
    let net = Network::new(nodes, vec![CustomerClass::new("Customer", at, routing)]);
    type Expected = (usize, [(f64, &'static str); 4], (f64, &'static str), usize, [(&'static str, f64); 4]);
    let cases: [(Tracker, Expected); 3] = [
        (
            // NodePopulationSubset([1, 2]): nodes 2 and 3 only.
            Tracker::NodePopulationSubset(vec![1, 2]),
            (
                1543,
                [
                    (0.0, "(0, 0)"),
                    (0.24280587722539282, "(0, 1)"),
                    (0.2635692046734695, "(1, 1)"),
                    (0.3056196824372107, "(1, 2)"),
                ],
                (79.93666046454972, "(14, 2)"),
                124,
                [
                    ("(12, 1)", 0.007859961351624605),
                    ("(12, 2)", 0.010024708380068297),
                    ("(11, 2)", 0.00687049929671435),
                    ("(11, 3)", 0.005640741964205868),
                ],
            ),
        ),
        (
            // GroupedNodePopulation(groups=[[0], [1, 2]]).
            Tracker::GroupedNodePopulation(vec![vec![0], vec![1, 2]]),
            (
                2322,
                [
                    (0.0, "(0, 0)"),
                    (0.18606071110652234, "(1, 0)"),
                    (0.24063202566068162, "(2, 0)"),
                    (0.24280587722539282, "(1, 1)"),
                ],
                (79.93666046454972, "(0, 16)"),
                114,
                [
                    ("(5, 13)", 0.00012206899530594247),
                    ("(4, 14)", 0.0007366256183034696),
                    ("(4, 13)", 0.0006542524269924262),
                    ("(3, 14)", 0.0004732868207873035),
                ],
            ),
        ),
        (
            Tracker::NodeClassMatrix,
            (
                2322,
                [
                    (0.0, "((0,), (0,), (0,))"),
                    (0.18606071110652234, "((1,), (0,), (0,))"),
                    (0.24063202566068162, "((2,), (0,), (0,))"),
                    (0.24280587722539282, "((1,), (0,), (1,))"),
                ],
                (79.93666046454972, "((0,), (14,), (2,))"),
                392,
                [
                    ("((5,), (12,), (1,))", 0.00012206899530594247),
                    ("((4,), (12,), (2,))", 0.0005721559362314999),
                    ("((4,), (11,), (2,))", 1.0873928374680968e-05),
                    ("((3,), (11,), (3,))", 4.5775615534301055e-05),
                ],
            ),
        ),
    ];
    for (tracker, (len, first, last, states, probs)) in cases {
        let label = format!("{tracker:?}");
        let mut sim = Simulation::ciw(&net, 0).unwrap().with_tracker(tracker).unwrap();
        sim.run_until(80.0).unwrap();
        let history = sim.history().unwrap();
        let changes: Vec<(f64, String)> = history.changes().map(|(t, s)| (t, history.display(s))).collect();
        assert_eq!(changes.len(), len, "{label}");
        assert_eq!(changes[..4], first.map(|(t, s)| (t, s.to_owned())), "{label}");
        assert_eq!(changes.last().unwrap(), &(last.0, last.1.to_owned()), "{label}");
        let p = probabilities(&sim, 10.0, 70.0);
        assert_eq!(p.len(), states, "{label}");
        assert_eq!(p[..4], probs.map(|(s, x)| (s.to_owned(), x)), "{label}");
    }
}
