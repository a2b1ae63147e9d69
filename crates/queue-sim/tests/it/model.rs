//! Model files and bad input: TOML round trips and file errors, typed
//! validation and run-time errors naming the node, class and parameter, and
//! run control (continuation, stopping by customers, determinism, CSV output,
//! queue capacity and rejections).

use std::path::PathBuf;

use queue_sim::{
    CSV_HEADER, ClassAtNode, CustomerClass, Distribution, ModelError, Network, NodeSpec, ParameterError,
    RandomSource, Record, RecordType, RngKind, Servers, SimError, Simulation, Stop, TimeDistribution,
    simulate, write_csv,
};

/// Three nodes (finite with a queue capacity, infinite, finite), two classes
/// with feedback routing, and most kinds of distribution.
fn sample_network() -> Network {
    Network::new(
        vec![
            NodeSpec::new(Servers::Finite(2)).with_queue_capacity(3),
            NodeSpec::new(Servers::Infinite),
            NodeSpec::new(Servers::Finite(3)),
        ],
        vec![
            CustomerClass::new(
                "Walk-in",
                vec![
                    ClassAtNode::new(
                        Some(Distribution::exponential(1.0 / 3.0)),
                        Distribution::Gamma { shape: 2.5, scale: 0.3 },
                    ),
                    ClassAtNode::new(
                        Some(Distribution::Uniform { lower: 0.5, upper: 3.0 }),
                        Distribution::Lognormal { mean: 0.1, sd: 0.5 },
                    ),
                    ClassAtNode::new(None, Distribution::Weibull { scale: 0.8, shape: 1.5 }),
                ],
                vec![vec![0.1, 0.3, 0.2], vec![0.0, 0.0, 0.5], vec![0.25, 0.0, 0.0]],
            ),
            CustomerClass::new(
                "Booked, \"priority\"",
                vec![
                    ClassAtNode::new(
                        Some(Distribution::Erlang { rate: 3.0, phases: 2 }),
                        Distribution::Triangular { lower: 0.1, mode: 0.4, upper: 1.2 },
                    ),
                    ClassAtNode::new(
                        Some(Distribution::Empirical { observations: vec![1.5, 2.25, 7.0e-3] }),
                        Distribution::HyperExponential { rates: vec![1.0, 4.0], probs: vec![0.3, 0.7] },
                    ),
                    ClassAtNode::new(
                        Some(Distribution::Sequential { values: vec![0.0, 2.0, 1.0e-7] }),
                        Distribution::Pmf { values: vec![0.2, 0.6], probs: vec![0.25, 0.75] },
                    ),
                ],
                vec![vec![0.0, 0.5, 0.5], vec![0.2, 0.0, 0.2], vec![0.0, 0.1, 0.0]],
            ),
        ],
    )
}

/// A valid network to break: two nodes, two classes, exponential times.
fn base_network() -> Network {
    let at = |arrival: Option<f64>, service: f64| {
        ClassAtNode::new(arrival.map(Distribution::exponential), Distribution::exponential(service))
    };
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(2)).with_queue_capacity(4)],
        vec![
            CustomerClass::new(
                "A",
                vec![at(Some(0.5), 1.0), at(None, 1.5)],
                vec![vec![0.0, 0.5], vec![0.0, 0.0]],
            ),
            CustomerClass::new(
                "B",
                vec![at(None, 2.0), at(Some(0.25), 1.0)],
                vec![vec![0.0, 0.0], vec![0.3, 0.0]],
            ),
        ],
    )
}

/// A file name under the temporary directory that no other test or process uses.
fn temp_path(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    std::env::temp_dir().join(format!("queue-sim-it-{tag}-{}-{nanos}.toml", std::process::id()))
}

/// Records compared field for field, with NaN equal to NaN (rejections).
fn same_records(a: &[Record], b: &[Record]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| format!("{x:?}") == format!("{y:?}"))
}

fn validation_error(net: &Network) -> ModelError {
    let err = net.validate().expect_err("the network should be invalid");
    // Building a simulation runs the same checks and wraps the same error.
    match Simulation::new(net, 0) {
        Err(SimError::Model(e)) => assert_eq!(e.to_string(), err.to_string()),
        other => panic!("Simulation::new should fail with SimError::Model, got {other:?}"),
    }
    err
}

#[track_caller]
fn assert_mentions(err: &impl std::fmt::Display, parts: &[&str]) {
    let text = err.to_string();
    for part in parts {
        assert!(text.contains(part), "error {text:?} should mention {part:?}");
    }
}

// ---- Model files ----------------------------------------------------------

#[test]
fn toml_round_trip_keeps_every_field() {
    let net = sample_network();
    net.validate().unwrap();
    let text = net.to_toml_string().unwrap();
    assert!(text.contains(r#"servers = "inf""#), "infinite servers written as \"inf\":\n{text}");
    assert!(text.contains("queue_capacity = 3"), "queue capacity written:\n{text}");
    for kind in
        ["gamma", "lognormal", "weibull", "erlang", "triangular", "hyper_exponential", "empirical", "pmf"]
    {
        assert!(text.contains(&format!(r#"type = "{kind}""#)), "{kind} written:\n{text}");
    }
    let back = Network::from_toml_str(&text).unwrap();
    assert_eq!(back, net, "round trip through:\n{text}");
    // And a second trip writes the same text.
    assert_eq!(back.to_toml_string().unwrap(), text);
}

#[test]
fn toml_round_trip_of_awkward_floats_is_exact() {
    let mut net = Network::mmc(1.0 / 3.0, 0.1 + 0.2, 2);
    net.classes[0].nodes[0].service = Distribution::Uniform { lower: 1e-300, upper: 123_456_789.987_654_33 };
    net.nodes[0].queue_capacity = Some(0);
    let back = Network::from_toml_str(&net.to_toml_string().unwrap()).unwrap();
    assert_eq!(back, net);
}

#[test]
fn hand_written_toml_reads_servers_and_defaults() {
    let text = r#"
        [[nodes]]
        servers = "inf"

        [[nodes]]
        servers = 2
        queue_capacity = 5

        [[classes]]
        routing = [[0.0, 1.0], [0.0, 0.0]]
        nodes = [
          { arrival = { type = "exponential", rate = 2.0 }, service = { type = "deterministic", value = 0.5 } },
          { service = { type = "normal", mean = 1.0, sd = 0.2 } },
        ]
    "#;
    let net = Network::from_toml_str(text).unwrap();
    assert_eq!(net.nodes[0], NodeSpec::new(Servers::Infinite));
    assert_eq!(net.nodes[1], NodeSpec::new(Servers::Finite(2)).with_queue_capacity(5));
    assert_eq!(net.classes[0].name, "Customer", "default class name");
    assert_eq!(net.classes[0].nodes[0].arrival, Some(Distribution::exponential(2.0)));
    assert_eq!(net.classes[0].nodes[1].arrival, None);
    assert_eq!(net.classes[0].nodes[1].service, Distribution::Normal { mean: 1.0, sd: 0.2 });
}

#[test]
fn custom_distributions_cannot_be_written_to_a_model_file() {
    #[derive(Debug)]
    struct One;
    impl TimeDistribution for One {
        fn sample(&self, _: &mut dyn RandomSource) -> f64 {
            1.0
        }
    }
    let net =
        Network::single_node(Distribution::custom(One), Distribution::exponential(1.0), Servers::Finite(1));
    assert!(net.validate().is_ok());
    assert!(net.to_toml_string().is_err());
}

#[test]
fn model_file_round_trip() {
    let net = sample_network();
    let path = temp_path("round-trip");
    std::fs::write(&path, net.to_toml_string().unwrap()).unwrap();
    let read = Network::from_toml_file(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(read.unwrap(), net);
}

#[test]
fn missing_model_file_is_an_io_error_naming_the_path() {
    let path = temp_path("missing");
    let err = Network::from_toml_file(&path).unwrap_err();
    match &err {
        ModelError::Io { path: p, source } => {
            assert_eq!(p, &path);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected ModelError::Io, got {other:?}"),
    }
    assert_mentions(&err, &[&path.display().to_string()]);
    let cause = std::error::Error::source(&err).expect("the I/O error is the cause");
    assert!(cause.downcast_ref::<std::io::Error>().is_some(), "{cause:?}");
}

#[test]
fn invalid_model_file_names_the_file_and_the_problem() {
    let mut net = base_network();
    net.classes[0].routing.matrix_mut().unwrap()[1][0] = 1.5;
    let path = temp_path("invalid");
    std::fs::write(&path, net.to_toml_string().unwrap()).unwrap();
    let err = Network::from_toml_file(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(
        matches!(&err, ModelError::InFile { path: p, error } if *p == path && matches!(**error, ModelError::RoutingProbability { class: 0, from: 1, to: 0, .. })),
        "{err:?}"
    );
    assert_mentions(&err, &[&path.display().to_string(), "class 0", "1.5"]);
}

#[test]
fn toml_syntax_error_gives_the_line() {
    let text = "[[nodes]]\nservers = 1\nqueue_capacity = = 2\n";
    let err = Network::from_toml_str(text).unwrap_err();
    assert!(matches!(err, ModelError::Parse { path: None, .. }), "{err:?}");
    assert_mentions(&err, &["line 3"]);

    let path = temp_path("syntax");
    std::fs::write(&path, text).unwrap();
    let err = Network::from_toml_file(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(&err, ModelError::Parse { path: Some(p), .. } if *p == path), "{err:?}");
    assert_mentions(&err, &["line 3", &path.display().to_string()]);
}

#[test]
fn unknown_distribution_type_is_rejected() {
    let text = r#"
[[nodes]]
servers = 1

[[classes]]
nodes = [{ arrival = { type = "pareto", rate = 1.0 }, service = { type = "exponential", rate = 1.0 } }]
"#;
    let err = Network::from_toml_str(text).unwrap_err();
    assert!(matches!(err, ModelError::Parse { .. }), "{err:?}");
    assert_mentions(&err, &["pareto", "line 6"]);
}

#[test]
fn bad_servers_and_unknown_fields_in_toml_are_rejected() {
    for (text, needle) in [
        ("[[nodes]]\nservers = -1\n", "-1"),
        ("[[nodes]]\nservers = \"lots\"\n", "lots"),
        ("[[nodes]]\nservers = 1\nsevrers = 2\n", "sevrers"),
        (
            "[[nodes]]\nservers = 1\n[[classes]]\nnodes = [{ service = { type = \"exponential\", rate = 1.0, shape = 2.0 } }]\n",
            "shape",
        ),
    ] {
        let err = Network::from_toml_str(text).unwrap_err();
        assert!(matches!(err, ModelError::Parse { .. }), "{text}: {err:?}");
        assert_mentions(&err, &[needle]);
    }
}

#[test]
fn invalid_parameters_in_toml_are_validated() {
    let text = r#"
[[nodes]]
servers = 1

[[classes]]
nodes = [{ arrival = { type = "exponential", rate = nan }, service = { type = "exponential", rate = 1.0 } }]
"#;
    let err = Network::from_toml_str(text).unwrap_err();
    assert!(
        matches!(
            &err,
            ModelError::Distribution {
                node: 0,
                class: 0,
                role: "arrival",
                problem: ParameterError::NotFinite { name: "rate", .. }
            }
        ),
        "{err:?}"
    );
    assert_mentions(&err, &["node 0", "class 0", "arrival", "`rate`", "NaN"]);
}

// ---- Validation -------------------------------------------------------------

#[test]
fn bad_rates_name_node_class_role_and_parameter() {
    for (rate, value) in
        [(0.0, "got 0"), (-2.5, "got -2.5"), (f64::NAN, "got NaN"), (f64::INFINITY, "got inf")]
    {
        let mut net = base_network();
        net.classes[1].nodes[1].service = Distribution::exponential(rate);
        let err = validation_error(&net);
        let expected_problem = |s: &ParameterError| match s {
            ParameterError::NotPositive { name: "rate", value } => rate <= 0.0 && *value == rate,
            ParameterError::NotFinite { name: "rate", value } => !rate.is_finite() && !value.is_finite(),
            _ => false,
        };
        assert!(
            matches!(&err, ModelError::Distribution { node: 1, class: 1, role: "service", problem } if expected_problem(problem)),
            "rate {rate}: {err:?}"
        );
        assert_mentions(&err, &["node 1", "class 1", "service", "`rate`", value]);
    }

    let mut net = base_network();
    net.classes[0].nodes[0].arrival = Some(Distribution::exponential(-1.0));
    let err = validation_error(&net);
    assert!(matches!(&err, ModelError::Distribution { node: 0, class: 0, role: "arrival", .. }), "{err:?}");
    assert_mentions(&err, &["node 0", "class 0", "arrival", "`rate`"]);
}

#[test]
fn bad_parameters_of_other_distributions_are_named() {
    let cases = [
        (Distribution::Uniform { lower: 2.0, upper: 1.0 }, "lower <= upper"),
        (Distribution::Triangular { lower: 0.0, mode: 3.0, upper: 2.0 }, "lower <= mode <= upper"),
        (Distribution::Gamma { shape: 0.0, scale: 1.0 }, "`shape`"),
        (Distribution::Deterministic { value: -1.0 }, "`value`"),
        (Distribution::Erlang { rate: 1.0, phases: 0 }, "`phases`"),
        (Distribution::HyperExponential { rates: vec![1.0, 2.0], probs: vec![0.5, 0.6] }, "`probs`"),
        (Distribution::Pmf { values: vec![1.0, 2.0], probs: vec![1.0] }, "`probs`"),
        (Distribution::Empirical { observations: vec![] }, "`observations`"),
        (Distribution::Normal { mean: -10.0, sd: 1.0 }, "almost never positive"),
    ];
    for (dist, needle) in cases {
        let mut net = base_network();
        net.classes[0].nodes[1].service = dist.clone();
        let err = validation_error(&net);
        assert!(
            matches!(&err, ModelError::Distribution { node: 1, class: 0, role: "service", .. }),
            "{dist:?}: {err:?}"
        );
        assert_mentions(&err, &["node 1", "class 0", "service", needle]);
    }
}

#[test]
fn zero_servers_are_a_valid_node_where_customers_wait_for_ever() {
    let mut net = base_network();
    net.nodes[1].servers = Servers::Finite(0);
    net.validate().unwrap();
    let out = queue_sim::simulate(&net, queue_sim::RngKind::Pcg, 3, queue_sim::Stop::MaxTime(200.0)).unwrap();
    assert!(out.records.iter().all(|r| r.node != 2 || r.record_type == queue_sim::RecordType::Rejection));
    assert!(
        out.records.iter().any(|r| r.node == 2),
        "class B arrives at node 1 and is rejected once it is full"
    );
    assert_eq!(out.utilisation[1], None, "no servers, no utilisation (Ciw's None)");
    // Running to a count of completed customers is refused: class B can
    // reach a node it never leaves.
    let err =
        queue_sim::simulate(&net, queue_sim::RngKind::Pcg, 3, queue_sim::Stop::MaxCustomers(50)).unwrap_err();
    assert!(matches!(err, queue_sim::SimError::NoExit { node: 1, .. }), "{err:?}");
}

#[test]
fn a_system_capacity_of_zero_is_refused() {
    let net = base_network().with_system_capacity(0);
    let err = validation_error(&net);
    assert!(matches!(err, ModelError::ZeroSystemCapacity), "{err:?}");
    assert_mentions(&err, &["system_capacity"]);
    let net = Network::from_toml_str("system_capacity = 4\n[[nodes]]\nservers = 1\n[[classes]]\nnodes = [{ arrival = { type = \"exponential\", rate = 1.0 }, service = { type = \"exponential\", rate = 2.0 } }]\n").unwrap();
    assert_eq!(net.system_capacity, Some(4));
    let text = net.to_toml_string().unwrap();
    assert!(text.starts_with("system_capacity = 4"), "{text}");
}

#[test]
fn routing_probabilities_must_be_in_unit_interval() {
    for bad in [-0.1, f64::NAN, f64::INFINITY] {
        let mut net = base_network();
        net.classes[1].routing.matrix_mut().unwrap()[0][1] = bad;
        let err = validation_error(&net);
        assert!(
            matches!(err, ModelError::RoutingProbability { class: 1, from: 0, to: 1, value } if value.to_bits() == bad.to_bits()),
            "{bad}: {err:?}"
        );
        assert_mentions(&err, &["class 1", "from node 0", "to node 1", &bad.to_string()]);
    }
}

#[test]
fn routing_row_summing_above_one_is_rejected() {
    let mut net = base_network();
    net.classes[0].routing.matrix_mut().unwrap()[1] = vec![0.6, 0.5];
    let err = validation_error(&net);
    assert!(
        matches!(err, ModelError::RoutingRowSum { class: 0, from: 1, sum } if (sum - 1.1).abs() < 1e-12),
        "{err:?}"
    );
    assert_mentions(&err, &["class 0", "node 1", "1.1"]);

    // A row summing to exactly 1 (everyone moves on) is fine.
    let mut net = base_network();
    net.classes[0].routing.matrix_mut().unwrap()[0] = vec![0.25, 0.75];
    net.validate().unwrap();
}

#[test]
fn routing_matrix_shape_must_match_nodes() {
    let mut net = base_network();
    net.classes[1].routing.matrix_mut().unwrap().pop();
    let err = validation_error(&net);
    assert!(
        matches!(err, ModelError::RoutingShape { class: 1, row: None, expected: 2, found: 1 }),
        "{err:?}"
    );
    assert_mentions(&err, &["class 1", "routing matrix", "1 entries", "expected 2"]);

    let mut net = base_network();
    net.classes[0].routing.matrix_mut().unwrap()[1].push(0.0);
    let err = validation_error(&net);
    assert!(
        matches!(err, ModelError::RoutingShape { class: 0, row: Some(1), expected: 2, found: 3 }),
        "{err:?}"
    );
    assert_mentions(&err, &["class 0", "row 1", "3 entries", "expected 2"]);

    // An empty matrix means everyone leaves after one service.
    let mut net = base_network();
    net.classes[0].routing = queue_sim::Routing::default();
    net.validate().unwrap();
}

#[test]
fn class_with_wrong_number_of_nodes_is_rejected() {
    let mut net = base_network();
    net.classes[1].nodes.pop();
    let err = validation_error(&net);
    assert!(matches!(err, ModelError::ClassNodeCount { class: 1, expected: 2, found: 1 }), "{err:?}");
    assert_mentions(&err, &["class 1", "1 nodes", "2"]);
}

#[test]
fn empty_networks_are_rejected() {
    let mut net = base_network();
    net.nodes.clear();
    assert!(matches!(net.validate(), Err(ModelError::NoNodes)));
    let mut net = base_network();
    net.classes.clear();
    assert!(matches!(net.validate(), Err(ModelError::NoClasses)));
    let mut net = base_network();
    for class in &mut net.classes {
        for at in &mut class.nodes {
            at.arrival = None;
        }
    }
    assert!(matches!(validation_error(&net), ModelError::NoArrivals));
}

#[test]
fn zero_length_inter_arrival_is_rejected() {
    #[derive(Debug)]
    struct Zero;
    impl TimeDistribution for Zero {
        fn sample(&self, _: &mut dyn RandomSource) -> f64 {
            0.0
        }
        fn upper_limit(&self) -> Option<f64> {
            Some(0.0)
        }
    }
    let cases = [
        Distribution::Deterministic { value: 0.0 },
        Distribution::Sequential { values: vec![0.0, 0.0, 0.0] },
        Distribution::Uniform { lower: 0.0, upper: 0.0 },
        Distribution::Empirical { observations: vec![0.0] },
        Distribution::Pmf { values: vec![0.0, 5.0], probs: vec![1.0, 0.0] },
        Distribution::custom(Zero),
    ];
    for dist in cases {
        let mut net = base_network();
        net.classes[1].nodes[1].arrival = Some(dist.clone());
        let err = validation_error(&net);
        assert!(matches!(err, ModelError::ZeroInterArrival { node: 1, class: 1 }), "{dist:?}: {err:?}");
        assert_mentions(&err, &["node 1", "class 1", "inter-arrival"]);
    }
    // Zero service times are fine, and so are inter-arrival times that are
    // only sometimes zero.
    let mut net = base_network();
    net.classes[0].nodes[0].service = Distribution::Deterministic { value: 0.0 };
    net.classes[1].nodes[1].arrival = Some(Distribution::Sequential { values: vec![0.0, 1.0] });
    net.validate().unwrap();
    let mut sim = Simulation::new(&net, 1).unwrap();
    sim.run_until(100.0).unwrap();
    assert!(!sim.records().is_empty());
}

// ---- Run-time errors --------------------------------------------------------

#[test]
fn max_time_must_be_positive_and_finite() {
    let net = Network::mmc(0.2, 0.1, 3);
    for t in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut sim = Simulation::new(&net, 0).unwrap();
        let err = sim.run_until(t).unwrap_err();
        assert!(matches!(err, SimError::MaxTime(v) if v.to_bits() == t.to_bits()), "{t}: {err:?}");
        assert_mentions(&err, &["max_time", &t.to_string()]);
        let err = simulate(&net, RngKind::Ciw, 0, Stop::MaxTime(t)).unwrap_err();
        assert!(matches!(err, SimError::MaxTime(_)), "{t}: {err:?}");
    }
}

#[test]
fn max_time_before_the_clock_is_rejected_and_the_run_can_go_on() {
    let net = Network::mmc(0.2, 0.1, 3);
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run_until(100.0).unwrap();
    let n = sim.records().len();
    let err = sim.run_until(50.0).unwrap_err();
    assert!(matches!(err, SimError::MaxTimeInPast { max_time: 50.0, now: 100.0 }), "{err:?}");
    assert_mentions(&err, &["50", "100"]);
    assert_eq!(sim.now(), 100.0);
    assert_eq!(sim.records().len(), n);
    // The same time again is a no-op, a later one continues.
    sim.run_until(100.0).unwrap();
    assert_eq!(sim.records().len(), n);
    sim.run_until(1000.0).unwrap();
    assert!(sim.records().len() > n);
}

#[derive(Debug)]
struct Constant(f64);

impl TimeDistribution for Constant {
    fn sample(&self, _: &mut dyn RandomSource) -> f64 {
        self.0
    }
}

#[test]
fn custom_service_giving_a_negative_time_stops_the_run() {
    // Class 0 arrives at node 1 only, whose custom service is negative.
    let mut net = base_network();
    net.classes[1].nodes[1].arrival = None;
    net.classes[0].nodes[0].arrival = None;
    net.classes[0].nodes[1].arrival = Some(Distribution::exponential(1.0));
    net.classes[0].nodes[1].service = Distribution::custom(Constant(-1.0));
    let mut sim = Simulation::new(&net, 3).unwrap();
    let err = sim.run_until(100.0).unwrap_err();
    assert!(
        matches!(err, SimError::InvalidSample { node: 1, class: 0, role: "service", value: -1.0 }),
        "{err:?}"
    );
    assert_mentions(&err, &["node 1", "class 0", "service", "-1"]);
}

#[test]
fn custom_inter_arrival_giving_nan_is_caught_when_drawn() {
    // The first inter-arrival time is drawn when the simulation is built.
    let mut net = base_network();
    net.classes[1].nodes[1].arrival = Some(Distribution::custom(Constant(f64::NAN)));
    let err = Simulation::new(&net, 0).unwrap_err();
    assert!(
        matches!(err, SimError::InvalidSample { node: 1, class: 1, role: "arrival", value } if value.is_nan())
    );
    assert_mentions(&err, &["node 1", "class 1", "arrival", "NaN"]);
    let err = simulate(&net, RngKind::Ciw, 0, Stop::MaxCustomers(10)).unwrap_err();
    assert!(matches!(err, SimError::InvalidSample { role: "arrival", .. }), "{err:?}");
}

// ---- Run control --------------------------------------------------------------

#[test]
fn continuing_a_run_equals_one_long_run() {
    let net = sample_network();
    let mut a = Simulation::new(&net, 11).unwrap();
    a.run_until(3000.0).unwrap();
    let halfway = a.records().len();
    assert!(halfway > 0);
    a.run_until(6000.0).unwrap();
    let mut b = Simulation::new(&net, 11).unwrap();
    b.run_until(6000.0).unwrap();
    assert!(a.records().len() > halfway);
    assert!(a.records().iter().any(|r| r.record_type == RecordType::Rejection), "the model rejects some");
    assert!(same_records(a.records(), b.records()), "Pcg: continued run differs from one run");
    assert_eq!(a.utilisation(), b.utilisation());
    assert_eq!((a.completed(), a.arrived(), a.now()), (b.completed(), b.arrived(), b.now()));
    assert_eq!(a.customers_at_nodes(), b.customers_at_nodes());

    let mut a = Simulation::ciw(&net, 11).unwrap();
    a.run_until(3000.0).unwrap();
    a.run_until(6000.0).unwrap();
    let mut b = Simulation::ciw(&net, 11).unwrap();
    b.run_until(6000.0).unwrap();
    assert!(same_records(a.records(), b.records()), "Ciw: continued run differs from one run");
    assert_eq!(a.utilisation(), b.utilisation());
    assert_eq!(a.customers_at_nodes(), b.customers_at_nodes());
}

#[test]
fn running_until_a_number_of_arrivals_or_acceptances_stops_at_exactly_that_many() {
    for net in [Network::mmc(0.2, 0.1, 3), sample_network()] {
        let mut sim = Simulation::new(&net, 5).unwrap();
        sim.run(Stop::MaxArrivals(400)).unwrap();
        assert_eq!(sim.arrived(), 400);
        sim.run(Stop::MaxAccepted(400)).unwrap();
        assert_eq!(sim.accepted(), 400);
        let rejected = sim.records().iter().filter(|r| r.record_type == RecordType::Rejection).count() as u64;
        assert_eq!(sim.arrived(), sim.accepted() + rejected);
    }
}

#[test]
fn running_until_a_number_of_customers_completes_exactly_that_many() {
    for net in [Network::mmc(0.2, 0.1, 3), sample_network()] {
        let mut sim = Simulation::new(&net, 5).unwrap();
        sim.run_until_customers(500).unwrap();
        assert_eq!(sim.completed(), 500);
        let exits = sim.records().iter().filter(|r| r.destination == Some(-1)).count();
        assert_eq!(exits, 500);
        // The clock is at the event that completed the 500th.
        let last = sim.records().iter().rev().find(|r| r.destination == Some(-1)).unwrap();
        assert_eq!(sim.now(), last.exit_date);
        // And on.
        sim.run_until_customers(750).unwrap();
        assert_eq!(sim.completed(), 750);
        let out = simulate(&net, RngKind::Ciw, 5, Stop::MaxCustomers(500)).unwrap();
        assert_eq!(out.records.iter().filter(|r| r.destination == Some(-1)).count(), 500);
    }
}

#[test]
fn same_seed_same_records_different_seed_different_records() {
    let net = sample_network();
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let a = simulate(&net, rng, 42, Stop::MaxTime(500.0)).unwrap();
        let b = simulate(&net, rng, 42, Stop::MaxTime(500.0)).unwrap();
        let c = simulate(&net, rng, 43, Stop::MaxTime(500.0)).unwrap();
        assert!(!a.records.is_empty());
        assert!(same_records(&a.records, &b.records), "{rng}: same seed, different records");
        assert_eq!(a.utilisation, b.utilisation);
        assert!(!same_records(&a.records, &c.records), "{rng}: seeds 42 and 43 gave the same records");
    }
    // The two generators differ too.
    let pcg = simulate(&net, RngKind::Pcg, 42, Stop::MaxTime(500.0)).unwrap();
    let ciw = simulate(&net, RngKind::Ciw, 42, Stop::MaxTime(500.0)).unwrap();
    assert!(!same_records(&pcg.records, &ciw.records));
}

#[test]
fn csv_has_ciw_header_one_row_per_record_and_exact_floats() {
    let net = sample_network();
    let out = simulate(&net, RngKind::Pcg, 9, Stop::MaxTime(300.0)).unwrap();
    let names: Vec<String> = net.classes.iter().map(|c| c.name.clone()).collect();
    let mut bytes = Vec::new();
    write_csv(&out.records, &names, &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();

    assert_eq!(CSV_HEADER.len(), 16);
    assert_eq!(text.lines().next().unwrap(), CSV_HEADER.join(","));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), out.records.len());
    assert!(out.records.iter().any(|r| r.record_type == RecordType::Rejection));

    let float = |s: &str| if s.is_empty() { f64::NAN } else { s.parse::<f64>().unwrap() };
    let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    for (row, r) in rows.iter().zip(&out.records) {
        assert_eq!(row.len(), 16);
        assert_eq!(row[0].parse::<u64>().unwrap(), r.id_number);
        assert_eq!(&row[1], names[r.customer_class as usize].as_str());
        assert_eq!(&row[2], names[r.original_customer_class as usize].as_str());
        assert_eq!(row[3].parse::<u32>().unwrap(), r.node);
        let floats = [
            r.arrival_date,
            r.waiting_time,
            r.service_start_date,
            r.service_time,
            r.service_end_date,
            r.time_blocked,
            r.exit_date,
        ];
        for (i, x) in floats.into_iter().enumerate() {
            assert!(same(float(&row[4 + i]), x), "{}: {:?} vs {x:?}", CSV_HEADER[4 + i], &row[4 + i]);
        }
        assert_eq!(opt(&row[11]), r.destination.map(|d| d.to_string()));
        assert_eq!(row[12].parse::<u32>().unwrap(), r.queue_size_at_arrival);
        assert_eq!(opt(&row[13]), r.queue_size_at_departure.map(|d| d.to_string()));
        assert_eq!(opt(&row[14]), r.server_id.map(|d| d.to_string()));
        assert_eq!(&row[15], r.record_type.as_str());
    }

    // Without names, classes are written by number.
    let mut bytes = Vec::new();
    write_csv(&out.records[..1], &[], &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let line = text.lines().nth(1).unwrap();
    let class = out.records[0].customer_class.to_string();
    assert_eq!(line.split(',').nth(1), Some(class.as_str()));
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn queue_capacity_rejects_arrivals_and_rejections_do_not_complete() {
    // rho = 2 into one server with room for two more: many are turned away.
    let mut net = Network::mmc(1.0, 0.5, 1);
    net.nodes[0].queue_capacity = Some(2);
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let out = simulate(&net, rng, 4, Stop::MaxTime(2000.0)).unwrap();
        let (rejected, served): (Vec<&Record>, Vec<&Record>) =
            out.records.iter().partition(|r| r.record_type == RecordType::Rejection);
        assert!(rejected.len() > 100, "{rng}: only {} rejections", rejected.len());
        for r in &rejected {
            assert!(r.waiting_time.is_nan(), "{r:?}");
            assert!(r.service_start_date.is_nan() && r.service_time.is_nan() && r.service_end_date.is_nan());
            assert!(r.time_blocked.is_nan());
            assert_eq!(r.exit_date, r.arrival_date);
            assert_eq!((r.destination, r.queue_size_at_departure, r.server_id), (None, None, None));
            assert_eq!(r.queue_size_at_arrival, 3, "rejected only when full");
        }
        for r in &served {
            assert!(r.queue_size_at_arrival < 3, "{r:?}");
            assert_eq!(r.destination, Some(-1));
        }
        let ids: std::collections::HashSet<u64> = out.records.iter().map(|r| r.id_number).collect();
        assert_eq!(ids.len(), out.records.len(), "one record per customer at one node");
    }

    let mut sim = Simulation::new(&net, 4).unwrap();
    sim.run_until(2000.0).unwrap();
    let rejected = sim.records().iter().filter(|r| r.record_type == RecordType::Rejection).count() as u64;
    let served = sim.records().iter().filter(|r| r.record_type == RecordType::Service).count() as u64;
    assert_eq!(sim.completed(), served);
    let present: u64 = sim.customers_at_nodes().iter().map(|&n| u64::from(n)).sum();
    assert!(present <= 3);
    assert_eq!(sim.arrived(), served + rejected + present);

    // Stopping by customers counts only completions, not rejections.
    let mut sim = Simulation::new(&net, 4).unwrap();
    sim.run_until_customers(200).unwrap();
    assert_eq!(sim.completed(), 200);
    let served = sim.records().iter().filter(|r| r.record_type == RecordType::Service).count();
    assert_eq!(served, 200);
    assert!(sim.records().len() > 200, "some were rejected too");
}

#[test]
fn custom_inter_arrival_stuck_at_zero_stalls_with_an_error() {
    // Always 0 but without an upper limit, so validation cannot see it: the
    // run gives up after too many zero gaps in a row. Every zero-gap arrival
    // stays queued behind one very long service, which is the cheapest way to
    // get there (about 1.5 s and 600 MB in a debug build).
    #[derive(Debug)]
    struct StuckAtZero;
    impl TimeDistribution for StuckAtZero {
        fn sample(&self, _: &mut dyn RandomSource) -> f64 {
            0.0
        }
    }
    let net = Network::single_node(
        Distribution::custom(StuckAtZero),
        Distribution::deterministic(1e9),
        Servers::Finite(1),
    );
    net.validate().unwrap();
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run_until(10.0).unwrap_err();
    assert!(matches!(err, SimError::Stalled { node: 0, class: 0, time: 0.0, .. }), "{err:?}");
    assert_mentions(&err, &["node 0", "class 0", "time 0", "inter-arrival"]);
}

#[test]
fn infinite_service_times_hold_the_server_forever() {
    // exp(800 + N(0, 1)) overflows to +inf: that customer is never served out.
    let net = Network::single_node(
        Distribution::exponential(1.0),
        Distribution::Lognormal { mean: 800.0, sd: 1.0 },
        Servers::Finite(1),
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run_until(50.0).unwrap();
    assert!(sim.records().is_empty());
    assert!(sim.customers_at_nodes()[0] > 10);
    // Busy from the first arrival (near t = 1) to the end.
    let u = sim.utilisation()[0].unwrap();
    assert!(u > 0.9 && u < 1.0, "{u}");
}

#[test]
fn gaps_too_small_to_move_the_clock_stall_with_an_error() {
    #[derive(Debug)]
    struct Shrinking(std::sync::atomic::AtomicBool);
    impl TimeDistribution for Shrinking {
        fn sample(&self, _: &mut dyn RandomSource) -> f64 {
            if self.0.swap(true, std::sync::atomic::Ordering::Relaxed) { 1e-9 } else { 1e9 }
        }
    }
    let net = Network::single_node(
        Distribution::custom(Shrinking(Default::default())),
        Distribution::exponential(1.0),
        Servers::Infinite,
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run_until(2e9).unwrap_err();
    assert!(matches!(err, SimError::Stalled { node: 0, class: 0, time: 1e9, .. }), "{err:?}");
}

#[test]
fn running_to_a_customer_count_refuses_a_trap() {
    let mut net = Network::mmc(0.2, 0.1, 2);
    net.classes[0].routing = queue_sim::Routing::Matrix(vec![vec![1.0]]);
    let mut sim = Simulation::new(&net, 0).unwrap();
    let err = sim.run_until_customers(10).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, node: 0 }), "{err:?}");
    // A max-time run of the same model is fine: customers circulate.
    sim.run_until(100.0).unwrap();
}

#[test]
fn an_inter_arrival_time_gone_bad_during_the_run_names_its_node_and_class() {
    // Class A (0) arrives at node 1 (from 0) too, with gaps 1, then -0.5:
    // the second gap, drawn at time 1, stops the run there.
    let mut net = base_network();
    net.classes[0].nodes[1].arrival = Some(Distribution::Combined {
        op: queue_sim::CombineOp::Sub,
        first: Box::new(Distribution::Sequential { values: vec![2.0, 0.5] }),
        second: Box::new(Distribution::deterministic(1.0)),
    });
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let err = simulate(&net, rng, 3, Stop::MaxTime(100.0)).unwrap_err();
        assert!(
            matches!(err, SimError::InvalidSample { node: 1, class: 0, role: "arrival", value: -0.5 }),
            "{rng:?}: {err:?}"
        );
        assert_mentions(&err, &["node 1", "class 0", "arrival", "-0.5"]);
    }
}
