//! Reneging: the abandonment probability of M/M/1+M against theory,
//! jockeying, the interplay with service starts and preemption, and model
//! checks.

use queue_sim::{
    ClassAtNode, CustomerClass, Destination, Distribution, ModelError, Network, NodeSpec, Preemption,
    RecordType, RngKind, Servers, SimError, Stop, simulate,
};

/// M/M/1 whose waiting customers renege after Exp(theta).
fn mm1_m(lambda: f64, mu: f64, theta: f64) -> Network {
    let mut net = Network::mmc(lambda, mu, 1);
    net.classes[0].nodes[0].reneging = Some(Distribution::exponential(theta));
    net
}

/// The stationary probability that an arrival to M/M/1+M abandons (Palm's
/// model, patience only while waiting): with death rate mu + (n - 1) theta
/// in state n, P(abandon) = theta E[number waiting] / lambda.
fn mm1_m_abandonment(lambda: f64, mu: f64, theta: f64) -> f64 {
    let (mut p, mut total, mut waiting) = (1.0, 1.0, 0.0);
    for n in 1..10_000 {
        p *= lambda / (mu + f64::from(n - 1) * theta);
        total += p;
        waiting += f64::from(n - 1) * p;
        if p < 1e-300 {
            break;
        }
    }
    theta * (waiting / total) / lambda
}

#[test]
fn mm1_with_exponential_patience_abandons_as_palms_model_says() {
    let (lambda, mu, theta) = (1.2, 1.0, 0.4);
    let want = mm1_m_abandonment(lambda, mu, theta);
    // 20 independent runs of 20 000 time units, warm-up of 500 dropped.
    let shares: Vec<f64> = (0..20)
        .map(|seed| {
            let out =
                simulate(&mm1_m(lambda, mu, theta), RngKind::Pcg, seed, Stop::MaxTime(20_500.0)).unwrap();
            let after: Vec<_> = out.records.iter().filter(|r| r.arrival_date > 500.0).collect();
            let reneged = after.iter().filter(|r| r.record_type == RecordType::Renege).count();
            reneged as f64 / after.len() as f64
        })
        .collect();
    let n = shares.len() as f64;
    let mean = shares.iter().sum::<f64>() / n;
    let sd = (shares.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let se = sd / n.sqrt();
    assert!((mean - want).abs() < 5.0 * se, "abandonment {mean} (se {se}) against {want}");
    assert!(want > 0.2 && want < 0.4, "a case where many renege: {want}");
}

#[test]
fn a_renege_record_is_the_wait_of_a_customer_never_served() {
    let out = simulate(&mm1_m(2.0, 1.0, 1.0), RngKind::Ciw, 1, Stop::MaxTime(200.0)).unwrap();
    let reneges: Vec<_> = out.records.iter().filter(|r| r.record_type == RecordType::Renege).collect();
    assert!(reneges.len() > 20);
    for r in reneges {
        assert!(r.waiting_time > 0.0 && r.exit_date == r.arrival_date + r.waiting_time, "{r:?}");
        assert!(r.service_start_date.is_nan() && r.service_time.is_nan() && r.time_blocked.is_nan());
        assert_eq!((r.server_id, r.destination), (None, None));
        assert!(r.queue_size_at_departure.is_some());
        assert_eq!(r.record_type.as_str(), "renege");
    }
}

/// Two nodes: customers wait at node 0 (one server taking 10) and renege
/// after 1 to `destination`.
fn jockeying(destination: Option<usize>) -> Network {
    let det = |v: f64| Distribution::Deterministic { value: v };
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(1)).with_queue_capacity(0)],
        vec![CustomerClass::new(
            "Customer",
            vec![
                ClassAtNode::new(Some(Distribution::Sequential { values: vec![1.0, 0.5, 100.0] }), det(10.0))
                    .with_reneging(det(1.0), destination),
                ClassAtNode::new(None, det(0.25)),
            ],
            vec![],
        )],
    )
}

#[test]
fn a_customer_who_reneges_goes_to_its_destination_whatever_its_room() {
    // Arrivals at 1 (served 1..11) and 1.5 (waits, reneges at 2.5 to node 1).
    let out = simulate(&jockeying(Some(1)), RngKind::Pcg, 0, Stop::MaxTime(20.0)).unwrap();
    let rows: Vec<(u64, u32, RecordType, f64)> =
        out.records.iter().map(|r| (r.id_number, r.node, r.record_type, r.exit_date)).collect();
    assert_eq!(
        rows,
        [
            (2, 1, RecordType::Renege, 2.5),
            (2, 2, RecordType::Service, 2.75),
            (1, 1, RecordType::Service, 11.0)
        ]
    );
    // To the exit, the default: it finishes without completing.
    let net = jockeying(None);
    let mut sim = queue_sim::Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxFinished(1)).unwrap();
    assert_eq!((sim.now(), sim.completed()), (2.5, 0));
}

#[test]
fn a_customer_whose_service_starts_does_not_renege() {
    // The second customer would renege at 2.5; the first leaves at 2, so
    // its service starts first.
    let mut net = jockeying(None);
    net.classes[0].nodes[0].service = Distribution::Deterministic { value: 1.0 };
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(20.0)).unwrap();
    assert!(out.records.iter().all(|r| r.record_type == RecordType::Service), "{:?}", out.records);
}

#[test]
fn a_customer_interrupted_after_its_patience_ran_out_reneges_at_once() {
    // Low priority arrives at 0.5 (served at once, patience 1), high
    // priority at 3 interrupts it: its patience ran out at 1.5, so it
    // reneges at 3 (Ciw 3.2.7 would move its clock back to 1.5).
    let det = |v: f64| Distribution::Deterministic { value: v };
    let never = Distribution::Sequential { values: vec![0.5, f64::INFINITY] };
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(1)).with_preemption(Preemption::Resume)],
        vec![
            CustomerClass::new(
                "Low",
                vec![ClassAtNode::new(Some(never), det(10.0)).with_reneging(det(1.0), None)],
                vec![],
            )
            .with_priority(1),
            CustomerClass::new(
                "High",
                vec![ClassAtNode::new(
                    Some(Distribution::Sequential { values: vec![3.0, f64::INFINITY] }),
                    det(1.0),
                )],
                vec![],
            ),
        ],
    );
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(20.0)).unwrap();
    let rows: Vec<(u64, RecordType, f64)> =
        out.records.iter().map(|r| (r.id_number, r.record_type, r.exit_date)).collect();
    assert_eq!(
        rows,
        [
            (1, RecordType::InterruptedService, 3.0),
            (1, RecordType::Renege, 3.0),
            (2, RecordType::Service, 4.0)
        ]
    );
}

#[test]
fn reneging_in_model_files_and_its_checks() {
    let net = jockeying(Some(1));
    let text = net.to_toml_string().unwrap();
    assert!(text.contains("reneging_destination = 1"), "{text}");
    assert_eq!(Network::from_toml_str(&text).unwrap(), net);
    let exit = text.replace("reneging_destination = 1", "reneging_destination = \"exit\"");
    let net = Network::from_toml_str(&exit).unwrap();
    assert_eq!(net.classes[0].nodes[0].reneging_destination, Some(Destination::Exit));
    let err = Network::from_toml_str(&text.replace("reneging_destination = 1", "reneging_destination = 5"))
        .unwrap_err();
    assert!(matches!(err, ModelError::RenegingDestination { node: 0, class: 0, to: 5, nodes: 2 }), "{err:?}");
    let err =
        Network::from_toml_str(&text.replace("reneging_destination = 1", "reneging_destination = \"home\""))
            .unwrap_err();
    assert!(err.to_string().contains("\"exit\""), "{err}");
    let mut net = jockeying(None);
    net.classes[0].nodes[0].reneging = Some(Distribution::exponential(-1.0));
    let err = net.validate().unwrap_err();
    assert!(matches!(err, ModelError::Distribution { role: "reneging", .. }), "{err:?}");
}

#[test]
fn a_custom_patience_giving_nan_stops_the_run() {
    #[derive(Debug)]
    struct Broken;
    impl queue_sim::TimeDistribution for Broken {
        fn sample(&self, _: &mut dyn queue_sim::RandomSource) -> f64 {
            f64::NAN
        }
    }
    let mut net = mm1_m(1.0, 1.0, 1.0);
    net.classes[0].nodes[0].reneging = Some(Distribution::custom(Broken));
    let err = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(10.0)).unwrap_err();
    assert!(matches!(err, SimError::InvalidSample { role: "reneging", .. }), "{err:?}");
}

#[test]
fn a_customer_who_reneges_has_no_change_of_class_left_pending() {
    // One server busy until 10.5 with "B"; "A" arrives at 1, would renege
    // at 2 and change class at 3: it reneges, and nothing happens to it at
    // 3 (nobody is queued in its name).
    let det = |v: f64| Distribution::Deterministic { value: v };
    let once = |t: f64| Distribution::Sequential { values: vec![t, f64::INFINITY] };
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(1))],
        vec![
            CustomerClass::new(
                "A",
                vec![ClassAtNode::new(Some(once(1.0)), det(1.0)).with_reneging(det(1.0), None)],
                vec![],
            )
            .with_class_change_while_waiting([("B", det(2.0))]),
            CustomerClass::new("B", vec![ClassAtNode::new(Some(once(0.5)), det(10.0))], vec![])
                .with_priority(1),
        ],
    );
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(30.0)).unwrap();
    let rows: Vec<(u64, u32, RecordType, f64)> =
        out.records.iter().map(|r| (r.id_number, r.customer_class, r.record_type, r.exit_date)).collect();
    assert_eq!(rows, [(2, 0, RecordType::Renege, 2.0), (1, 1, RecordType::Service, 10.5)]);
}
