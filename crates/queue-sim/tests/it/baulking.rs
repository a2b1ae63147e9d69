//! Baulking: tables and functions agree, bad tables and bad probabilities
//! are errors naming where, and customers who baulk count as Ciw counts
//! them.

use queue_sim::{
    ArrivalState, Baulking, BaulkingFunction, ModelError, Network, RecordType, RngKind, SimError, Stop,
    simulate,
};

fn baulking_mm1(baulking: Baulking) -> Network {
    let mut net = Network::mmc(2.0, 1.0, 1);
    net.classes[0].nodes[0].baulking = Some(baulking);
    net
}

#[test]
fn a_function_of_the_number_present_gives_the_records_of_the_same_table() {
    let probs = [0.0, 0.25, 0.5, 0.75, 1.0];
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let by_table =
            simulate(&baulking_mm1(Baulking::table(probs.to_vec())), rng, 11, Stop::MaxTime(500.0)).unwrap();
        let by_fn = Baulking::from_fn(move |n| probs[(n as usize).min(4)]);
        let by_fn = simulate(&baulking_mm1(by_fn), rng, 11, Stop::MaxTime(500.0)).unwrap();
        // Debug forms: records hold NaNs, which `==` never equates.
        let same = format!("{:?}", by_table.records) == format!("{:?}", by_fn.records);
        assert!(same, "{rng:?}: the table and the function give different records");
        let baulks = by_table.records.iter().filter(|r| r.record_type == RecordType::Baulk).count();
        assert!(baulks > 50, "{baulks} baulks at load 2 with these odds");
    }
}

#[test]
fn nobody_baulks_at_probability_zero_and_everyone_beyond_the_threshold_at_one() {
    // Baulk for sure once 3 are present: the node never holds more than 3.
    let out = simulate(
        &baulking_mm1(Baulking::table(vec![0.0, 0.0, 0.0, 1.0])),
        RngKind::Pcg,
        5,
        Stop::MaxTime(300.0),
    )
    .unwrap();
    for r in &out.records {
        match r.record_type {
            RecordType::Baulk => assert_eq!(r.queue_size_at_arrival, 3, "{r:?}"),
            RecordType::Service => assert!(r.queue_size_at_arrival < 3, "{r:?}"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(out.records.iter().any(|r| r.record_type == RecordType::Baulk));
}

#[test]
fn a_baulk_record_is_an_arrival_that_left_at_once() {
    let out = simulate(&baulking_mm1(Baulking::table(vec![0.0, 1.0])), RngKind::Ciw, 2, Stop::MaxTime(50.0))
        .unwrap();
    let baulk = out.records.iter().find(|r| r.record_type == RecordType::Baulk).expect("a baulk");
    assert_eq!(baulk.exit_date, baulk.arrival_date);
    assert!(baulk.waiting_time.is_nan() && baulk.service_time.is_nan() && baulk.time_blocked.is_nan());
    assert_eq!((baulk.destination, baulk.server_id, baulk.queue_size_at_departure), (None, None, None));
    assert_eq!(baulk.record_type.as_str(), "baulk");
}

#[test]
fn customers_who_baulk_finish_but_never_complete() {
    // Ciw's "Finish" counts baulks (and rejections); "Complete" does not.
    let net = baulking_mm1(Baulking::table(vec![0.0, 0.9]));
    let mut sim = queue_sim::Simulation::new(&net, 4).unwrap();
    sim.run(Stop::MaxFinished(200)).unwrap();
    let baulks = sim.records().iter().filter(|r| r.record_type == RecordType::Baulk).count() as u64;
    assert!(baulks > 0);
    assert_eq!(sim.finished(), 200);
    assert_eq!(sim.completed() + baulks, 200);
    assert_eq!(sim.arrived() - sim.accepted(), baulks);
}

#[derive(Debug)]
struct Broken;

impl BaulkingFunction for Broken {
    fn probability(&self, at: &ArrivalState) -> f64 {
        if at.present >= 2 { f64::NAN } else { 0.0 }
    }
}

#[test]
fn a_function_that_gives_no_probability_stops_the_run_naming_where() {
    let err =
        simulate(&baulking_mm1(Baulking::custom(Broken)), RngKind::Pcg, 1, Stop::MaxTime(100.0)).unwrap_err();
    match &err {
        SimError::InvalidProbability { node: 0, class: 0, role: "baulking", value, .. } => {
            assert!(value.is_nan())
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("baulking"), "{err}");
}

#[test]
fn a_function_sees_the_arrival_it_decides_on() {
    #[derive(Debug)]
    struct Check;
    impl BaulkingFunction for Check {
        fn probability(&self, at: &ArrivalState) -> f64 {
            assert_eq!((at.node, at.class), (0, 0));
            assert!(at.now > 0.0);
            assert!(u64::from(at.present) <= at.in_system);
            0.0
        }
    }
    let out =
        simulate(&baulking_mm1(Baulking::custom(Check)), RngKind::Pcg, 1, Stop::MaxTime(100.0)).unwrap();
    assert!(out.records.iter().all(|r| r.record_type == RecordType::Service));
}

#[test]
fn bad_tables_are_errors_naming_the_node_class_and_entry() {
    let text = |probs: &str| {
        format!(
            "[[nodes]]\nservers = 1\n[[classes]]\nnodes = [{{ arrival = {{ type = \"exponential\", rate = 1.0 }}, service = {{ type = \"exponential\", rate = 2.0 }}, baulking = {{ probs = {probs} }} }}]\n"
        )
    };
    let err = Network::from_toml_str(&text("[0.0, 1.5]")).unwrap_err();
    assert!(
        matches!(err, ModelError::Baulking { node: 0, class: 0, index: Some(1), value } if value == 1.5),
        "{err:?}"
    );
    assert!(err.to_string().contains("[1] = 1.5"), "{err}");
    let err = Network::from_toml_str(&text("[]")).unwrap_err();
    assert!(matches!(err, ModelError::Baulking { index: None, .. }), "{err:?}");
    let err = Network::from_toml_str(&text("[-0.1]")).unwrap_err();
    assert!(matches!(err, ModelError::Baulking { index: Some(0), .. }), "{err:?}");
    let net = Network::from_toml_str(&text("[0.0, 0.5]")).unwrap();
    assert_eq!(net.classes[0].nodes[0].baulking, Some(Baulking::table(vec![0.0, 0.5])));
    let round_trip = Network::from_toml_str(&net.to_toml_string().unwrap()).unwrap();
    assert_eq!(round_trip, net);
}

#[test]
fn a_function_sees_the_class_of_the_arrival_among_several() {
    #[derive(Debug)]
    struct Second;
    impl BaulkingFunction for Second {
        fn probability(&self, at: &ArrivalState) -> f64 {
            assert_eq!((at.node, at.class), (0, 1), "only the second class baulks here");
            0.5
        }
    }
    // Two classes at one node; only the second one baulks, half the time.
    let mut net = Network::mmc(2.0, 1.0, 1);
    let mut second = net.classes[0].clone();
    second.name = "Second".to_owned();
    second.nodes[0].baulking = Some(Baulking::custom(Second));
    net.classes.push(second);
    let out = simulate(&net, RngKind::Pcg, 1, Stop::MaxTime(100.0)).unwrap();
    let baulked = |class: u32| {
        out.records.iter().filter(|r| r.customer_class == class && r.record_type == RecordType::Baulk).count()
    };
    assert_eq!(baulked(0), 0);
    assert!(baulked(1) > 0);
}
