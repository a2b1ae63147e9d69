//! Ciw-compatible mode: values Ciw 3.2.7 itself prints, compared exactly.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, RngKind, Servers, Simulation, Stop,
    mean_wait, simulate,
};

fn ciw_mean_wait(servers: usize) -> f64 {
    let out = simulate(&Network::mmc(0.2, 0.1, servers), RngKind::Ciw, 0, Stop::MaxTime(10_000.0)).unwrap();
    mean_wait(&out.records)
}

#[test]
fn mmc_mean_waits_equal_ciw_exactly() {
    // ciw.seed(0); Simulation(mmc).simulate_until_max_time(10000);
    // sum(waits) / len(waits) over get_all_records().
    assert_eq!(ciw_mean_wait(1), 2550.409459799068);
    assert_eq!(ciw_mean_wait(2), 341.37299886697014);
    assert_eq!(ciw_mean_wait(3), 3.3866903406358757);
}

#[test]
fn mmc_record_counts_equal_ciw() {
    // len(Q.get_all_records()) for c = 1, 2, 3.
    for (c, n) in [(1, 967), (2, 1891), (3, 1923)] {
        let out = simulate(&Network::mmc(0.2, 0.1, c), RngKind::Ciw, 0, Stop::MaxTime(10_000.0)).unwrap();
        assert_eq!(out.records.len(), n, "c = {c}");
    }
}

fn golden_model(model: &str) -> Network {
    let path = format!("{}/tests/ciw/{model}.toml", env!("CARGO_MANIFEST_DIR"));
    let mut net = Network::from_toml_file(&path).unwrap();
    if model == "process_routes" {
        // Its routes are functions, as golden.py gives Ciw (see the file).
        use queue_sim::{Choice, ProcessRouting, Routing, Rule};
        net.classes[0].routing = Routing::Process(ProcessRouting::fixed(RouteA));
        let b = Stages(vec![vec![1, 2], vec![0, 2]]);
        net.classes[1].routing = Routing::Process(ProcessRouting::flexible(b, Choice::Random, Rule::Any));
        let c = Stages(vec![vec![1, 2]]);
        net.classes[2].routing =
            Routing::Process(ProcessRouting::flexible(c, Choice::ShortestQueue, Rule::All));
    }
    net
}

fn golden_csv(name: &str) -> csv::Reader<std::fs::File> {
    csv::Reader::from_path(format!("{}/tests/ciw/{name}.csv", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Per class of `net` (in model order), its number in Ciw: its index among
/// the class names sorted as Python sorts strings.
fn ciw_class_numbers(net: &Network) -> Vec<usize> {
    let mut sorted: Vec<&str> = net.classes.iter().map(|c| c.name.as_str()).collect();
    sorted.sort_unstable();
    net.classes.iter().map(|c| sorted.iter().position(|&n| n == c.name).unwrap()).collect()
}

/// One record as a row of the golden files, fields as strings in the same
/// form `golden.py` writes them (shortest round-trip floats, empty for none,
/// classes by Ciw's number).
fn rust_rows(model: &str) -> Vec<Vec<String>> {
    let net = golden_model(model);
    let out = simulate(&net, RngKind::Ciw, 7, Stop::MaxTime(200.0)).unwrap();
    let mut rows = as_rows(&net, &out.records);
    rows.sort_by(|a, b| key(a).partial_cmp(&key(b)).unwrap());
    rows
}

/// Records as rows of the golden files, in the order given.
fn as_rows(net: &Network, records: &[queue_sim::Record]) -> Vec<Vec<String>> {
    let class_number = ciw_class_numbers(net);
    let float = |x: f64| if x.is_nan() { String::new() } else { format!("{x:?}") };
    let opt = |x: Option<String>| x.unwrap_or_default();
    records
        .iter()
        .map(|r| {
            vec![
                r.id_number.to_string(),
                class_number[r.customer_class as usize].to_string(),
                r.node.to_string(),
                float(r.arrival_date),
                float(r.waiting_time),
                float(r.service_start_date),
                float(r.service_time),
                float(r.service_end_date),
                float(r.time_blocked),
                float(r.exit_date),
                opt(r.destination.map(|d| d.to_string())),
                r.queue_size_at_arrival.to_string(),
                opt(r.queue_size_at_departure.map(|d| d.to_string())),
                opt(r.server_id.map(|d| d.to_string())),
                r.record_type.as_str().to_owned(),
                class_number[r.original_customer_class as usize].to_string(),
            ]
        })
        .collect()
}

/// Customer, arrival at the node, node, then exit date: an interrupted
/// service and the service that completes it share the first three.
fn key(row: &[String]) -> (u64, f64, u32, f64) {
    (row[0].parse().unwrap(), row[3].parse().unwrap(), row[2].parse().unwrap(), row[9].parse().unwrap())
}

/// Ciw's rows in the order `get_all_records()` listed them.
fn ciw_rows_in_order(model: &str) -> Vec<Vec<String>> {
    golden_csv(model)
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|f| match f.parse::<f64>() {
                    Ok(x) if f.contains('.') || f.contains('e') => format!("{x:?}"),
                    _ => f.to_owned(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn records_in_ciws_order_list_every_golden_model_as_get_all_records_does_and_sum_as_ciw_users_do() {
    let dir = format!("{}/tests/ciw", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let model = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let net = golden_model(&model);
        let mut sim = Simulation::ciw(&net, 7).unwrap();
        sim.run_until(200.0).unwrap();
        let ours = as_rows(&net, &sim.records_in_ciw_order(None));
        let theirs = ciw_rows_in_order(&model);
        assert_eq!(ours, theirs, "{model}: records in Ciw's order");
        // `sum(waits) / len(waits)` over Ciw's service records, in its
        // order, to the last bit.
        let waits: Vec<f64> =
            theirs.iter().filter(|row| row[14] == "service").map(|row| row[4].parse().unwrap()).collect();
        let mut sum = 0.0;
        for w in &waits {
            sum += w;
        }
        let (ours, theirs) = (sim.mean_wait_in_ciw_order(), sum / waits.len() as f64);
        assert!(
            ours.to_bits() == theirs.to_bits() || waits.is_empty() && ours.is_nan(),
            "{model}: {ours} vs {theirs}"
        );
        checked += 1;
    }
    assert!(checked >= 30, "{checked} models");
}

#[test]
fn mean_wait_in_ciws_order_sums_the_records_ciws_order_lists() {
    // Customers still in the network with a record (rings, at every
    // horizon), customers with several records, and one node alone.
    let mut nets = vec![
        Network::ring(2, 0.9, 0.5, 1, 1.0),
        Network::ring(4, 0.5, 0.4, 2, 0.5),
        Network::mmc(0.2, 0.1, 3),
    ];
    // Half of those served at the first node wait at the second for ever,
    // each with one record: Ciw lists them before those who left.
    nets.push(
        Network::from_toml_str(
            r#"
            [[nodes]]
            servers = 1
            [[nodes]]
            servers = 1
            [[classes]]
            name = "a"
            routing = [[0.0, 0.5], [0.0, 0.0]]
            nodes = [
              { arrival = { type = "exponential", rate = 3.0 }, service = { type = "exponential", rate = 1.0 } },
              { service = { type = "deterministic", value = 1000.0 } },
            ]
            "#,
        )
        .unwrap(),
    );
    for model in ["clinic", "customer_behaviour", "time_and_state"] {
        let path = format!("{}/../../data/models/{model}.toml", env!("CARGO_MANIFEST_DIR"));
        nets.push(Network::from_toml_file(path).unwrap());
    }
    for (n, net) in nets.iter().enumerate() {
        for seed in 0..5 {
            let mut sims = (Simulation::ciw(net, seed).unwrap(), Simulation::new(net, seed).unwrap());
            for horizon in [1.0, 2.0, 3.0, 5.0, 10.0, 50.0, 300.0] {
                sims.0.run_until(horizon).unwrap();
                sims.1.run_until(horizon).unwrap();
                let listed = (sims.0.records_in_ciw_order(None), sims.1.records_in_ciw_order(None));
                for (ours, theirs) in [
                    (sims.0.mean_wait_in_ciw_order(), mean_wait(&listed.0)),
                    (sims.1.mean_wait_in_ciw_order(), mean_wait(&listed.1)),
                ] {
                    assert!(
                        ours.to_bits() == theirs.to_bits() || ours.is_nan() && theirs.is_nan(),
                        "{n} {seed} {horizon}: {ours} vs {theirs}"
                    );
                }
            }
        }
    }
}

#[test]
fn records_in_ciws_order_keep_only_the_types_asked_for() {
    let net = golden_model("reneging");
    let mut sim = Simulation::ciw(&net, 7).unwrap();
    sim.run_until(200.0).unwrap();
    let reneges = sim.records_in_ciw_order(Some(&[queue_sim::RecordType::Renege]));
    assert!(!reneges.is_empty());
    assert!(reneges.iter().all(|r| r.record_type == queue_sim::RecordType::Renege));
    let all = sim.records_in_ciw_order(None);
    let count = all.iter().filter(|r| r.record_type == queue_sim::RecordType::Renege).count();
    assert_eq!(reneges.len(), count);
}

fn ciw_rows(model: &str) -> Vec<Vec<String>> {
    let mut reader = golden_csv(model);
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|f| {
                    // Python writes 0.0 where Rust's Debug writes 0.0 too; normalise
                    // integers-as-floats so both sides print alike.
                    match f.parse::<f64>() {
                        Ok(x) if f.contains('.') || f.contains('e') => format!("{x:?}"),
                        _ => f.to_owned(),
                    }
                })
                .collect()
        })
        .collect();
    rows.sort_by(|a, b| key(a).partial_cmp(&key(b)).unwrap());
    rows
}

fn assert_same_records(model: &str) {
    let ours = rust_rows(model);
    let theirs = ciw_rows(model);
    assert!(!theirs.is_empty());
    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert_eq!(a, b, "{model}: record {i} (sorted by customer, arrival) differs");
    }
    assert_eq!(ours.len(), theirs.len(), "{model}: number of records");
}

#[test]
fn tandem_with_blocking_equals_ciw_record_for_record() {
    assert_same_records("blocking_tandem");
}

#[test]
fn mixed_network_equals_ciw_record_for_record() {
    // Two classes, feedback routing, infinite servers, rejections, and gamma,
    // lognormal, weibull, uniform, erlang, triangular, hyper-exponential and
    // truncated normal times.
    assert_same_records("mixed_network");
}

#[test]
fn resampled_times_equal_ciw_record_for_record() {
    assert_same_records("resampled");
}

#[test]
fn classes_named_out_of_order_are_drawn_in_ciws_sorted_order() {
    // "walk-in" before "referral" in the file (the shipped clinic model);
    // Ciw numbers and draws "referral" first.
    assert_same_records("unsorted_classes");
}

#[test]
fn classes_sort_by_name_as_python_sorts_strings() {
    // "Class 2", "Class 10", "Class 1": Ciw's order is 1, 10, 2.
    let net = golden_model("numbered_classes");
    assert_eq!(ciw_class_numbers(&net), [2, 1, 0]);
    assert_same_records("numbered_classes");
}

#[test]
fn the_shipped_clinic_model_gives_ciws_records() {
    // ciw.seed(0), simulate_until_max_time(200): 239 records.
    let path = format!("{}/../../data/models/clinic.toml", env!("CARGO_MANIFEST_DIR"));
    let net = Network::from_toml_file(path).unwrap();
    let out = simulate(&net, RngKind::Ciw, 0, Stop::MaxTime(200.0)).unwrap();
    assert_eq!(out.records.len(), 239);
}

#[test]
fn certain_pmfs_draw_nothing_and_infinite_sequential_times_stop_as_in_ciw() {
    assert_same_records("certain_and_infinite");
}

#[test]
fn priority_classes_are_served_best_first_as_in_ciw() {
    // Three classes, two sharing priority 1, no preemption.
    assert_same_records("priorities");
}

#[test]
fn preemption_that_resamples_equals_ciw_record_for_record() {
    assert_same_records("preempt_resample");
}

#[test]
fn preemption_that_restarts_equals_ciw_record_for_record() {
    assert_same_records("preempt_restart");
}

#[test]
fn preemption_that_resumes_equals_ciw_record_for_record() {
    assert_same_records("preempt_resume");
}

#[test]
fn preemption_that_reroutes_equals_ciw_record_for_record() {
    assert_same_records("preempt_reroute");
}

#[test]
fn a_system_capacity_rejects_arrivals_as_in_ciw() {
    assert_same_records("system_capacity");
}

#[test]
fn customers_who_renege_to_the_exit_make_room_under_a_system_capacity_as_in_ciw() {
    // A capacity of 4 at one busy node whose waiting customers renege.
    assert_same_records("system_capacity_reneging");
}

#[test]
fn a_node_with_zero_servers_keeps_its_customers_as_in_ciw() {
    assert_same_records("zero_servers");
}

#[test]
fn baulking_tables_equal_ciw_record_for_record() {
    // One draw per arrival from outside where its class baulks, after the
    // capacity check; transfers never baulk.
    assert_same_records("baulking");
}

#[test]
fn batch_arrivals_equal_ciw_record_for_record() {
    // The size is drawn first; a queue capacity turns away the end of a
    // batch; baulking draws per customer of the batch.
    assert_same_records("batching");
}

#[test]
fn class_changes_after_service_equal_ciw_record_for_record() {
    // Records report Ciw's previous_class and original_class.
    assert_same_records("class_change");
}

#[test]
fn reneging_and_jockeying_equal_ciw_record_for_record() {
    assert_same_records("reneging");
}

#[test]
fn every_customer_behaviour_at_once_equals_ciw_record_for_record() {
    // data/models/customer_behaviour.toml: priorities with preemption,
    // baulking, reneging with jockeying, batches, class change, a system
    // capacity.
    assert_same_records("customer_behaviour");
    let shipped = format!("{}/../../data/models/customer_behaviour.toml", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(Network::from_toml_file(shipped).unwrap(), golden_model("customer_behaviour"));
}

#[test]
fn lifo_and_siro_disciplines_equal_ciw_record_for_record() {
    // SIRO draws each time Ciw chooses, even among one, and its choice is
    // the customer that may preempt.
    assert_same_records("disciplines");
}

#[test]
fn server_priorities_equal_ciw_record_for_record() {
    assert_same_records("server_priority");
}

#[test]
fn batch_sizes_from_numpys_stream_equal_ciw_record_for_record() {
    // Poisson, geometric and binomial sizes come from ciw.rng, numpy's
    // default_rng(seed), beside Python's random.
    assert_same_records("batching_numpy");
}

#[test]
fn poisson_intervals_arrivals_equal_ciw_record_for_record() {
    // Every date drawn when the network is made: a count per interval from
    // ciw.rng, uniform dates from Python's random, in the file's class
    // order (Beta before Alpha, though Alpha is Ciw's class 0).
    assert_same_records("poisson_intervals");
}

#[test]
fn routing_objects_equal_ciw_record_for_record() {
    // Join the shortest queue, load balancing, probabilistic, direct,
    // cycle and leave routers.
    assert_same_records("routing_objects");
}

#[test]
fn class_changes_while_waiting_equal_ciw_record_for_record() {
    // Draws at every join of every node; a change of priority moves the
    // customer to the back of its new queue and may preempt.
    assert_same_records("waiting_change");
}

/// Class A of `process_routes.toml`: nodes 1 then 2 for odd ids, 2 for even.
#[derive(Debug)]
struct RouteA;

impl queue_sim::RouteFunction for RouteA {
    fn route(
        &self,
        c: &queue_sim::QueuedCustomer,
        _: usize,
        _: &mut dyn queue_sim::RandomSource,
    ) -> Vec<Vec<usize>> {
        if c.id % 2 == 1 { vec![vec![1], vec![2]] } else { vec![vec![2]] }
    }
}

/// Classes B and C of `process_routes.toml`.
#[derive(Debug)]
struct Stages(Vec<Vec<usize>>);

impl queue_sim::RouteFunction for Stages {
    fn route(
        &self,
        _: &queue_sim::QueuedCustomer,
        _: usize,
        _: &mut dyn queue_sim::RandomSource,
    ) -> Vec<Vec<usize>> {
        self.0.clone()
    }
}

#[test]
fn process_based_routes_equal_ciw_record_for_record() {
    // Fixed routes (no draws) and flexible ones choosing at random or by
    // the shortest queue, done after any node of a stage or after all.
    assert_same_records("process_routes");
}

#[test]
fn lifo_and_siro_with_preemption_equal_ciw_record_for_record() {
    // An interrupted customer keeps its place among those waiting.
    assert_same_records("disciplines_preempt");
}

#[test]
fn an_mm3_queue_equals_ciw_record_for_record() {
    assert_same_records("mm3");
}

#[test]
fn a_certain_pmf_makes_no_draw() {
    // Ciw: Pmf([1.0, 0.5], [0.0, 1.0]) services, Exp(1) arrivals, seed 1:
    // the second arrival is at 2.0244473295301346.
    let net = Network::single_node(
        queue_sim::Distribution::exponential(1.0),
        queue_sim::Distribution::Pmf { values: vec![1.0, 0.5], probs: vec![0.0, 1.0] },
        queue_sim::Servers::Finite(1),
    );
    let mut sim = Simulation::ciw(&net, 1).unwrap();
    sim.run(Stop::MaxArrivals(2)).unwrap();
    assert_eq!(sim.now(), 2.0244473295301346);
}

#[test]
fn a_hyper_exponential_starting_in_its_last_phase_for_sure_still_draws_its_phase() {
    // Ciw's phase-type initial state is probs + [0]: it never ends in a
    // certain 1, so random_choice always draws. Ciw, seed 1, Exp(1)
    // arrivals, HyperExponential([1, 2], [0, 1]) services: the first service
    // takes 0.7214844626733314 and the third arrival is at 1.1228135606633725.
    let net = Network::single_node(
        queue_sim::Distribution::exponential(1.0),
        queue_sim::Distribution::HyperExponential { rates: vec![1.0, 2.0], probs: vec![0.0, 1.0] },
        queue_sim::Servers::Finite(1),
    );
    let mut sim = Simulation::ciw(&net, 1).unwrap();
    sim.run(Stop::MaxArrivals(3)).unwrap();
    assert_eq!(sim.now(), 1.1228135606633725);
    assert_eq!(sim.records()[0].service_time, 0.7214844626733314);
}

#[test]
fn utilisation_equals_ciws_to_the_last_bit() {
    // Node.server_utilisation after simulate_until_max_time(200), seed 7.
    let mut checked = 0;
    for row in golden_csv("utilisation").records() {
        let row = row.unwrap();
        let (model, node) = (&row[0], row[1].parse::<usize>().unwrap());
        let net = golden_model(model);
        let out = simulate(&net, RngKind::Ciw, 7, Stop::MaxTime(200.0)).unwrap();
        let want = (!row[2].is_empty()).then(|| row[2].parse::<f64>().unwrap());
        assert_eq!(out.utilisation[node - 1], want, "{model}, node {node}");
        checked += 1;
    }
    assert!(checked >= 10);
}

#[test]
fn the_mm3_utilisation_ciw_gives_over_a_long_run() {
    // ciw.seed(1); Q.simulate_until_max_time(10000);
    // Q.transitive_nodes[0].server_utilisation.
    let out = simulate(&Network::mmc(0.2, 0.1, 3), RngKind::Ciw, 1, Stop::MaxTime(10_000.0)).unwrap();
    assert_eq!(out.utilisation[0], Some(CIW_MM3_SEED1_UTILISATION));
}

/// See `the_mm3_utilisation_ciw_gives_over_a_long_run`.
const CIW_MM3_SEED1_UTILISATION: f64 = 0.6778950970321901;

#[test]
fn every_count_of_customers_stops_where_ciw_stops_in_every_golden_model() {
    // counts.csv: simulate_until_max_customers(n, method=m) for each model.
    let mut checked = 0;
    for row in golden_csv("counts").records() {
        let row = row.unwrap();
        let net = golden_model(&row[0]);
        let seed = row[1].parse().unwrap();
        let n = row[3].parse().unwrap();
        let stop = match &row[2] {
            "Complete" => Stop::MaxCustomers(n),
            "Finish" => Stop::MaxFinished(n),
            "Arrive" => Stop::MaxArrivals(n),
            "Accept" => Stop::MaxAccepted(n),
            other => panic!("unknown method {other}"),
        };
        let f = |i: usize| row[i].parse::<f64>().unwrap();
        let want = (row[4].parse().unwrap(), row[5].parse().unwrap(), f(6), f(7), f(8));
        assert_eq!(stopped_by_customers(&net, seed, stop), want, "{} {stop:?}", &row[0]);
        checked += 1;
    }
    assert!(checked >= 28);
}

/// What a run stopped by a number of customers leaves, in a form that does
/// not depend on the order of the records: their count, the rejections, the
/// sum of the waits added smallest first, the longest wait, and the clock.
fn stopped_by_customers(net: &Network, seed: u64, stop: Stop) -> (usize, usize, f64, f64, f64) {
    let mut sim = queue_sim::Simulation::ciw(net, seed).unwrap();
    sim.run(stop).unwrap();
    let records = sim.records();
    let rejections = records.iter().filter(|r| r.record_type == queue_sim::RecordType::Rejection).count();
    let mut waits: Vec<f64> = records
        .iter()
        .filter(|r| r.record_type == queue_sim::RecordType::Service)
        .map(|r| r.waiting_time)
        .collect();
    waits.sort_by(f64::total_cmp);
    let longest = *waits.last().unwrap();
    (records.len(), rejections, waits.into_iter().sum(), longest, sim.now())
}

#[test]
fn every_way_of_counting_customers_stops_where_ciw_stops() {
    // ciw.seed(s); Q.simulate_until_max_customers(n, method=m); then over
    // get_all_records(): len, rejections, sum(sorted(waits)), max(waits),
    // and Q.current_time.
    let mm3 = Network::mmc(0.2, 0.1, 3);
    let path = format!("{}/tests/ciw/mixed_network.toml", env!("CARGO_MANIFEST_DIR"));
    let mixed = Network::from_toml_file(&path).unwrap();
    let cases = [
        (
            &mm3,
            0,
            Stop::MaxCustomers(500),
            (500, 0, 1567.5984572668604, 25.205899262115736, 2528.197038011318),
        ),
        (
            &mm3,
            0,
            Stop::MaxArrivals(500),
            (498, 0, 1567.5984572668604, 25.205899262115736, 2516.533261960401),
        ),
        (
            &mm3,
            0,
            Stop::MaxAccepted(500),
            (498, 0, 1567.5984572668604, 25.205899262115736, 2516.533261960401),
        ),
        (
            &mixed,
            7,
            Stop::MaxCustomers(300),
            (687, 82, 122.08833533834604, 1.6840274607652503, 102.58374851821988),
        ),
        (
            &mixed,
            7,
            Stop::MaxArrivals(300),
            (545, 41, 108.80646897467238, 1.6840274607652503, 76.81749943743382),
        ),
        (
            &mixed,
            7,
            Stop::MaxAccepted(300),
            (654, 60, 122.08833533834604, 1.6840274607652503, 93.71307503459896),
        ),
    ];
    for (net, seed, stop, want) in cases {
        assert_eq!(stopped_by_customers(net, seed, stop), want, "{stop:?}");
    }
}

#[test]
fn customers_blocked_at_once_are_let_in_first_blocked_first_in_as_in_ciw() {
    // A 3-server node sends everyone to a 1-server node with no queue room.
    let golden = ciw_rows("heavy_blocking");
    let blocking = Blocking::of(&golden);
    // The golden itself must keep what this test is about: several
    // customers blocked at the first node at the same time, many times.
    assert_eq!(blocking.most_at_once(1), 3, "three customers blocked at node 1 at once");
    assert!(
        blocking.started_behind(1) >= 100,
        "blocks that began behind another: {}",
        blocking.started_behind(1)
    );
    assert!(blocking.released_in_order, "Ciw lets blocked customers in first blocked, first in");
    assert_same_records("heavy_blocking");
}

#[test]
fn blocking_chains_across_three_nodes_equal_ciw_record_for_record() {
    // 2 servers -> 1 server, no queue room -> 1 slower server, no queue room.
    let golden = ciw_rows("blocking_chain");
    let blocking = Blocking::of(&golden);
    assert!(blocking.most_at_once(1) >= 2, "two customers blocked at node 1 at once");
    assert!(blocking.most_at_once(2) >= 1, "a customer blocked at node 2");
    // One departure from node 3 lets node 2's blocked customer in, which
    // lets node 1's blocked customer in, at one instant.
    assert!(blocking.chains >= 50, "chain releases: {}", blocking.chains);
    assert!(blocking.released_in_order, "Ciw lets blocked customers in first blocked, first in");
    assert_same_records("blocking_chain");
}

/// What the records of a run (rows as `ciw_rows` gives them) say about
/// blocking after service: a record's customer was blocked from its
/// `service_end_date` to its `exit_date` when its `time_blocked` is positive.
struct Blocking {
    /// Per node (from 1): (most customers blocked there at one time, blocks
    /// that began while another customer there was blocked).
    per_node: std::collections::BTreeMap<u32, (usize, usize)>,
    /// Instants at which customers blocked at two or more nodes were let go.
    chains: usize,
    /// Whether, at every node, customers blocked for the same destination
    /// left in the order they were blocked.
    released_in_order: bool,
}

impl Blocking {
    fn of(rows: &[Vec<String>]) -> Blocking {
        // (node, destination) -> blocked intervals.
        let mut intervals: std::collections::BTreeMap<(u32, String), Vec<(f64, f64)>> = Default::default();
        let mut released_at: Vec<(f64, u32)> = Vec::new();
        for row in rows {
            let blocked = row[8].parse::<f64>().is_ok_and(|t| t > 0.0);
            if row[14] != "service" || !blocked {
                continue;
            }
            let node: u32 = row[2].parse().unwrap();
            let (start, end): (f64, f64) = (row[7].parse().unwrap(), row[9].parse().unwrap());
            intervals.entry((node, row[10].clone())).or_default().push((start, end));
            released_at.push((end, node));
        }
        let mut per_node = std::collections::BTreeMap::new();
        let mut released_in_order = true;
        for ((node, _), blocks) in &mut intervals {
            blocks.sort_by(|a, b| a.partial_cmp(b).unwrap());
            released_in_order &= blocks.windows(2).all(|w| w[0].1 <= w[1].1);
            // Sweep the starts and ends in time order, ends first at a tie.
            let mut events: Vec<(f64, i32)> = blocks.iter().flat_map(|&(s, e)| [(s, 1), (e, -1)]).collect();
            events.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let (mut now, entry) = (0usize, per_node.entry(*node).or_insert((0, 0)));
            for (_, step) in events {
                if step > 0 {
                    entry.1 += usize::from(now > 0);
                    now += 1;
                    entry.0 = entry.0.max(now);
                } else {
                    now -= 1;
                }
            }
        }
        released_at.sort_by(|a, b| a.partial_cmp(b).unwrap());
        released_at.dedup();
        let chains = released_at.windows(2).filter(|w| w[0].0 == w[1].0 && w[0].1 != w[1].1).count();
        Blocking { per_node, chains, released_in_order }
    }

    fn most_at_once(&self, node: u32) -> usize {
        self.per_node.get(&node).map_or(0, |n| n.0)
    }

    fn started_behind(&self, node: u32) -> usize {
        self.per_node.get(&node).map_or(0, |n| n.1)
    }
}

#[test]
fn phase_type_times_equal_ciw_record_for_record() {
    // Several exits per state (the smallest exponential wins), a return to
    // an earlier state, and draws that start absorbed (gaps of 0).
    assert_same_records("dist_phase_type");
}

#[test]
fn coxian_times_equal_ciw_record_for_record() {
    // Exits with a probability of 0 draw nothing, as in Ciw's matrix.
    assert_same_records("dist_coxian");
}

#[test]
fn hyper_erlang_times_equal_ciw_record_for_record() {
    // A branch with probability 0 first: the branch is still drawn for.
    assert_same_records("dist_hyper_erlang");
}

#[test]
fn mixture_times_equal_ciw_record_for_record() {
    // Components with state (a Coxian, a sequential), a nested mixture,
    // and a certain component that still costs Ciw its choice draw.
    assert_same_records("dist_mixture");
}

#[test]
fn combined_times_equal_ciw_record_for_record() {
    // Each operator, the first part drawn before the second, and a
    // combination nested in another.
    assert_same_records("dist_combined");
}

#[test]
fn a_server_schedule_without_preemption_equals_ciw_record_for_record() {
    // Shifts of 2, 1 and 3 servers; busy servers finish their customer
    // after their shift ends; new ids at every change.
    assert_same_records("schedule_overtime");
}

#[test]
fn schedules_that_interrupt_services_equal_ciw_record_for_record() {
    for mode in ["resample", "restart", "resume", "reroute"] {
        assert_same_records(&format!("schedule_{mode}"));
    }
}

#[test]
fn overtime_of_servers_off_duty_equals_ciws() {
    // Node.overtime after simulate_until_max_time(200), seed 7: per server
    // gone off duty, how long it served after its shift ended.
    let rows: Vec<csv::StringRecord> = golden_csv("overtime").records().map(Result::unwrap).collect();
    let models: std::collections::BTreeSet<String> = rows.iter().map(|r| r[0].to_owned()).collect();
    assert!(models.len() >= 5, "{models:?}");
    let mut positive = 0;
    for model in models {
        let net = golden_model(&model);
        let mut sim = queue_sim::Simulation::ciw(&net, 7).unwrap();
        sim.run_until(200.0).unwrap();
        let ours = sim.overtime();
        for node in 1..=net.nodes.len() {
            let want: Vec<f64> = rows
                .iter()
                .filter(|r| r[0] == model && r[1].parse::<usize>().unwrap() == node)
                .map(|r| r[3].parse().unwrap())
                .collect();
            assert_eq!(ours[node - 1], want.as_slice(), "{model}, node {node}");
            positive += want.iter().filter(|&&t| t > 0.0).count();
        }
    }
    assert!(positive >= 5, "some servers work overtime");
}

#[test]
fn slotted_services_equal_ciw_record_for_record() {
    // Services start only at slot times; capacitated slots count those
    // under way, and with preemption interrupt the latest arrivals.
    assert_same_records("slotted");
    for mode in ["false", "resample", "restart", "resume"] {
        assert_same_records(&format!("slotted_capacitated_{mode}"));
    }
}

#[test]
fn simultaneous_events_are_broken_as_ciw_breaks_them() {
    // Deterministic, sequential and pmf times make events meet: Ciw draws
    // among nodes, then among customers, at its moments.
    assert_same_records("ties_deterministic");
    // Two schedules changing shift at the same instants from time 0, and a
    // slotted node whose services end together.
    assert_same_records("ties_schedules");
}

#[test]
fn ciws_own_simultaneous_events_example_gives_ciws_records_for_every_seed() {
    // Ciw's test_simultaneous_events_example over 2000 seeds: which of the
    // two customers ending service at once goes first decides who is fed
    // back, seed by seed; paused at 15 and 25, Ciw draws a pending tie
    // again when the run continues.
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(2)), NodeSpec::new(Servers::Finite(1))],
        vec![CustomerClass::new(
            "Class 0",
            vec![
                ClassAtNode::new(Some(Distribution::deterministic(10.0)), Distribution::deterministic(5.0)),
                ClassAtNode::new(None, Distribution::deterministic(5.0)),
            ],
            vec![vec![1.0, 0.0], vec![0.0, 0.0]],
        )],
    );
    let runs = |sim: &queue_sim::Simulation<queue_sim::PythonRandom>| {
        let recs = sim.records_in_ciw_order(None);
        recs.iter()
            .map(|r| format!("{}:{:?}:{:?}", r.id_number, r.arrival_date, r.exit_date))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut kinds = std::collections::BTreeSet::new();
    let mut seeds = 0;
    for row in golden_csv("simultaneous").records() {
        let row = row.unwrap();
        let seed: u64 = row[0].parse().unwrap();
        let mut sim = queue_sim::Simulation::ciw(&net, seed).unwrap();
        sim.run_until(36.0).unwrap();
        assert_eq!(runs(&sim), &row[1], "seed {seed}");
        kinds.insert(row[1].to_owned());
        let mut sim = queue_sim::Simulation::ciw(&net, seed).unwrap();
        for t in [15.0, 25.0, 36.0] {
            sim.run_until(t).unwrap();
        }
        assert_eq!(runs(&sim), &row[2], "seed {seed}, paused");
        seeds += 1;
    }
    assert_eq!(seeds, 2000);
    assert!(kinds.len() >= 3, "the seeds give different orders: {kinds:?}");
}

#[test]
fn processor_sharing_equals_ciw_record_for_record() {
    // Ciw's PSNode: a shared service for up to 3, one for any number with
    // ps_threshold 2, feedback, blocking behind them.
    assert_same_records("processor_sharing");
}

#[test]
fn state_trackers_equal_ciws_history_and_state_probabilities() {
    // trackers.csv: per model and tracker, Ciw's history and its
    // state_probabilities over (0, 200) and (50, 150), seed 7. Seven
    // models (downstream_class_change: customers change class while
    // waiting at node 1, which moves them between the columns of node 1's
    // row of a NodeClassMatrix), seven trackers each.
    let rows: Vec<csv::StringRecord> = golden_csv("trackers").records().map(Result::unwrap).collect();
    let mut pairs: Vec<(String, String)> = rows.iter().map(|r| (r[0].to_owned(), r[1].to_owned())).collect();
    pairs.dedup();
    assert_eq!(pairs.len(), 49);
    assert!(pairs.iter().any(|(m, t)| m == "downstream_class_change" && t == "node_class"));
    for (model, label) in pairs {
        let net = golden_model(&model);
        let tracker = queue_sim::Tracker::parse(&label).unwrap();
        let mut sim = Simulation::ciw(&net, 7).unwrap().with_tracker(tracker).unwrap();
        sim.run_until(200.0).unwrap();
        let history = sim.history().unwrap();
        let want: Vec<(f64, String)> = rows
            .iter()
            .filter(|r| r[0] == model && r[1] == label && &r[2] == "history")
            .map(|r| (r[3].parse().unwrap(), r[4].to_owned()))
            .collect();
        let ours: Vec<(f64, String)> = history.changes().map(|(t, s)| (t, history.display(s))).collect();
        assert_eq!(ours, want, "{model}, {label}: history");
        for (start, end) in [(0.0, 200.0), (50.0, 150.0)] {
            let kind = format!("probability {start} {end}");
            let want: Vec<(String, f64)> = rows
                .iter()
                .filter(|r| r[0] == model && r[1] == label && r[2] == kind)
                .map(|r| (r[3].to_owned(), r[4].parse().unwrap()))
                .collect();
            let ours: Vec<(String, f64)> = sim
                .state_probabilities(start, end)
                .unwrap()
                .iter()
                .map(|(s, p)| (history.display(s), *p))
                .collect();
            assert_eq!(ours, want, "{model}, {label}: {kind}");
        }
    }
}

#[test]
fn runs_until_deadlock_stop_when_ciw_finds_its_knot() {
    // deadlock.csv: simulate_until_deadlock with Ciw's StateDigraph, seeds
    // 0 to 99, and times_to_deadlock (NodePopulation) for seeds 0 to 4.
    let rows: Vec<csv::StringRecord> = golden_csv("deadlock").records().map(Result::unwrap).collect();
    let mut runs = 0;
    for row in rows.iter().filter(|r| &r[2] == "time") {
        let (model, seed): (&str, u64) = (&row[0], row[1].parse().unwrap());
        let net = golden_model(model);
        let mut sim =
            Simulation::ciw(&net, seed).unwrap().with_tracker(queue_sim::Tracker::NodePopulation).unwrap();
        let when = sim.run_until_deadlock().unwrap();
        assert_eq!(when, row[4].parse::<f64>().unwrap(), "{model}, seed {seed}");
        let want: Vec<(String, f64)> = rows
            .iter()
            .filter(|r| &r[0] == model && r[1] == row[1] && &r[2] == "state")
            .map(|r| (r[3].to_owned(), r[4].parse().unwrap()))
            .collect();
        if !want.is_empty() {
            let history = sim.history().unwrap();
            let ours: Vec<(String, f64)> =
                sim.times_to_deadlock().iter().map(|(s, t)| (history.display(s), *t)).collect();
            assert_eq!(ours, want, "{model}, seed {seed}: times to deadlock");
        }
        runs += 1;
    }
    assert_eq!(runs, 200);
}

#[test]
fn a_network_that_cannot_block_cannot_deadlock() {
    let mut sim = Simulation::ciw(&Network::mmc(1.0, 2.0, 1), 0).unwrap();
    assert!(matches!(sim.run_until_deadlock(), Err(queue_sim::SimError::CannotDeadlock)));
}

#[test]
fn servers_report_ciws_busy_and_total_times() {
    // servers.csv: Ciw's Server fields after simulate_until_max_time(200).
    let rows: Vec<csv::StringRecord> = golden_csv("servers").records().map(Result::unwrap).collect();
    let mut models: Vec<String> = rows.iter().map(|r| r[0].to_owned()).collect();
    models.dedup();
    assert!(models.len() >= 6);
    for model in models {
        let net = golden_model(&model);
        let mut sim = Simulation::ciw(&net, 7).unwrap();
        sim.run_until(200.0).unwrap();
        for node in 0..net.nodes.len() {
            let want: Vec<(u32, f64, f64, f64)> = rows
                .iter()
                .filter(|r| r[0] == model && r[1].parse::<usize>().unwrap() == node + 1)
                .map(|r| {
                    (
                        r[2].parse().unwrap(),
                        r[3].parse().unwrap(),
                        r[4].parse().unwrap(),
                        r[5].parse().unwrap(),
                    )
                })
                .collect();
            let ours: Vec<(u32, f64, f64, f64)> =
                sim.servers(node).iter().map(|s| (s.id, s.start_date, s.busy_time, s.total_time)).collect();
            assert_eq!(ours, want, "{model}, node {}", node + 1);
        }
    }
}

#[test]
fn individuals_come_in_ciws_order_with_their_records() {
    // individuals.csv: get_all_individuals() after max_time 200: id, node
    // (-1: left), number of records.
    let rows: Vec<csv::StringRecord> = golden_csv("individuals").records().map(Result::unwrap).collect();
    let mut models: Vec<String> = rows.iter().map(|r| r[0].to_owned()).collect();
    models.dedup();
    for model in models {
        let net = golden_model(&model);
        let mut sim = Simulation::ciw(&net, 7).unwrap();
        sim.run_until(200.0).unwrap();
        let want: Vec<(u64, i64, usize)> = rows
            .iter()
            .filter(|r| r[0] == model)
            .map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap(), r[3].parse().unwrap()))
            .collect();
        let ours: Vec<(u64, i64, usize)> = sim
            .individuals()
            .iter()
            .map(|p| (p.id, p.node.map_or(-1, |n| n as i64 + 1), p.records.len()))
            .collect();
        assert_eq!(ours, want, "{model}");
    }
}

#[test]
fn the_time_and_state_benchmark_model_gives_ciws_records() {
    // data/models/time_and_state.toml (schedule, slots, many ties), which
    // the engine benchmark times against Ciw, is a golden model too.
    let shipped = include_str!("../../../../data/models/time_and_state.toml");
    let golden = include_str!("../../tests/ciw/time_and_state.toml");
    assert_eq!(shipped, golden, "the benchmark model and its golden copy differ");
    assert_same_records("time_and_state");
}

#[test]
fn schedules_with_priority_preemption_and_server_priorities_equal_ciw_record_for_record() {
    // Busy servers of several shifts at once at a node that preempts by
    // priority; free servers of each new shift chosen by the highest id or
    // the least busy.
    assert_same_records("schedule_server_priority");
}

#[test]
fn runs_paused_just_before_simultaneous_events_equal_ciw_paused_there() {
    // MODEL_paused.csv: Ciw's records of one simulation run to each of
    // golden.py's PAUSES in turn, most of them half a unit before an
    // instant where events tie. Ciw chooses among the tied events again at
    // the start of every simulate call, a draw the whole run does not
    // make, so the records differ from the whole run's after the first
    // pause; the engine makes the same draws.
    for model in ["ties_deterministic", "ties_schedules"] {
        let net = golden_model(model);
        let mut sim = Simulation::ciw(&net, 7).unwrap();
        for t in [10.5, 11.5, 20.5, 35.5, 50.5, 99.5, 150.5, 200.0] {
            sim.run_until(t).unwrap();
        }
        let ours = as_rows(&net, &sim.records_in_ciw_order(None));
        let theirs = ciw_rows_in_order(&format!("{model}_paused"));
        assert_eq!(ours, theirs, "{model}, paused");
        assert_ne!(theirs, ciw_rows_in_order(model), "{model}: the pauses change Ciw's records");
    }
}

#[test]
fn ties_of_services_patience_changes_of_class_and_arrivals_are_broken_as_ciw_breaks_them() {
    // Continuous arrivals in batches: the customers of a batch end their
    // services (exactly 2, a uniform between 2 and 2) or give up (exactly
    // 1.5, a triangular between 1.5 and 1.5) at one instant.
    assert_same_records("ties_service_atoms");
    assert_same_records("ties_reneging_atoms");
    // Changes of class while waiting (exactly 1 and 2) on the instants of
    // arrivals (every 1).
    assert_same_records("ties_class_change_atoms");
    // Two classes arriving at one node at once, listed out of name order.
    assert_same_records("ties_arrival_classes");
    // A combined law with one continuous part that is still 0 half the
    // time (an exponential multiplied by 0 or 2): a batch's services of 0
    // end at the instant it arrives.
    assert_same_records("ties_combined_atoms");
}
