//! Ciw's phase-type, mixture, combined and whole-number distributions as
//! model files write them: tables that read back to what was written, and
//! parameters that are refused with the parameter named.

use queue_sim::{
    CombineOp, Distribution, Network, ParameterError, RngKind, Servers, SimError, Stop, simulate,
};
use serde::{Deserialize, Serialize};

/// A distribution as the value of a key, as in a model file.
#[derive(Debug, Serialize, Deserialize)]
struct Holder {
    d: Distribution,
}

fn parse(text: &str) -> Distribution {
    toml::from_str::<Holder>(text).unwrap_or_else(|e| panic!("{text}: {e}")).d
}

/// Written as TOML and read back, the distribution is unchanged.
fn assert_round_trip(d: &Distribution) {
    let text = toml::to_string(&Holder { d: d.clone() }).unwrap();
    assert_eq!(&parse(&text), d, "{text}");
}

#[test]
fn phase_type_family_tables_read_and_round_trip() {
    let cases = [
        (
            r#"d = { type = "phase_type", initial_state = [0.5, 0.5, 0.0], absorbing_matrix = [[-2.0, 1.0, 1.0], [0.0, -3.0, 3.0], [0.0, 0.0, 0.0]] }"#,
            Distribution::PhaseType {
                initial_state: vec![0.5, 0.5, 0.0],
                absorbing_matrix: vec![vec![-2.0, 1.0, 1.0], vec![0.0, -3.0, 3.0], vec![0.0, 0.0, 0.0]],
            },
        ),
        (
            r#"d = { type = "coxian", rates = [1.0, 2.0], probs = [0.25, 1.0] }"#,
            Distribution::Coxian { rates: vec![1.0, 2.0], probs: vec![0.25, 1.0] },
        ),
        (
            r#"d = { type = "hyper_erlang", rates = [1.0, 2.0], probs = [0.25, 0.75], phase_lengths = [2, 3] }"#,
            Distribution::HyperErlang {
                rates: vec![1.0, 2.0],
                probs: vec![0.25, 0.75],
                phase_lengths: vec![2, 3],
            },
        ),
    ];
    for (text, want) in cases {
        let d = parse(text);
        assert_eq!(d, want);
        assert!(d.validate().is_ok(), "{d:?}");
        assert_round_trip(&d);
    }
}

fn phase_type(initial_state: &[f64], rows: &[&[f64]]) -> Distribution {
    Distribution::PhaseType {
        initial_state: initial_state.to_vec(),
        absorbing_matrix: rows.iter().map(|r| r.to_vec()).collect(),
    }
}

/// A distribution, a test of the problem it must be refused for, and a part
/// of that problem's message.
type Refusal = (Distribution, fn(&ParameterError) -> bool, &'static str);

/// Each distribution is refused for the expected problem.
fn assert_refused(cases: Vec<Refusal>) {
    for (d, is_expected, msg) in cases {
        let problem = d.validate().expect_err(&format!("{d:?} should be refused"));
        assert!(is_expected(&problem), "{d:?}: {problem:?}");
        let shown = problem.to_string();
        assert!(shown.contains(msg), "{d:?}: {shown}");
    }
}

#[test]
fn bad_phase_type_parameters_are_named() {
    use ParameterError as E;
    let ok_rows: &[&[f64]] = &[&[-1.0, 1.0], &[0.0, 0.0]];
    assert_refused(vec![
        (
            phase_type(&[0.5, 0.4], ok_rows),
            |e| matches!(e, E::NotNormalised { name: "initial_state", .. }),
            "`initial_state` must sum to 1",
        ),
        (
            phase_type(&[1.5, -0.5], ok_rows),
            |e| matches!(e, E::OutOfRange { name: "initial_state", .. }),
            "must be in [0, 1]",
        ),
        (
            phase_type(&[1.0], &[&[0.0]]),
            |e| matches!(e, E::TooShort { name: "initial_state", len: 1, min: 2 }),
            "at least 2",
        ),
        (
            phase_type(&[1.0, 0.0, 0.0], ok_rows),
            |e| matches!(e, E::LengthMismatch { b: "absorbing_matrix", b_len: 2, .. }),
            "`absorbing_matrix` has 2",
        ),
        (
            phase_type(&[1.0, 0.0], &[&[-1.0, 1.0], &[0.0]]),
            |e| matches!(e, E::MatrixShape { row: 1, len: 1, expected: 2, .. }),
            "row 1 of `absorbing_matrix` has 1 entries",
        ),
        (
            phase_type(&[1.0, 0.0], &[&[-1.0, 2.0], &[0.0, 0.0]]),
            |e| matches!(e, E::RowSum { row: 0, .. }),
            "row 0 of `absorbing_matrix` must sum to 0",
        ),
        (
            phase_type(&[1.0, 0.0, 0.0], &[&[1.0, -2.0, 1.0], &[0.0, -1.0, 1.0], &[0.0, 0.0, 0.0]]),
            |e| matches!(e, E::Negative { name: "absorbing_matrix", .. }),
            "non-negative",
        ),
        (
            phase_type(&[1.0, 0.0], &[&[-1.0, 1.0], &[1.0, -1.0]]),
            |e| matches!(e, E::NotAbsorbing { column: 0, .. }),
            "last row",
        ),
        (
            phase_type(&[1.0, 0.0, 0.0], &[&[-1.0, 0.0, 1.0], &[0.0, 0.0, 0.0], &[0.0, 0.0, 0.0]]),
            |e| matches!(e, E::NeverAbsorbed { state: 1 }),
            "state 1",
        ),
        (
            phase_type(&[1.0, 0.0], &[&[-f64::INFINITY, f64::INFINITY], &[0.0, 0.0]]),
            |e| matches!(e, E::NotFinite { name: "absorbing_matrix", .. }),
            "finite",
        ),
        (
            Distribution::Coxian { rates: vec![1.0, 2.0], probs: vec![0.5, 0.5] },
            |e| matches!(e, E::LastNotCertain { .. }),
            "last entry of `probs` must be 1",
        ),
        (
            Distribution::Coxian { rates: vec![1.0, 0.0], probs: vec![0.5, 1.0] },
            |e| matches!(e, E::NotPositive { name: "rates", .. }),
            "`rates` must be positive",
        ),
        (
            Distribution::Coxian { rates: vec![1.0, 2.0], probs: vec![1.5, 1.0] },
            |e| matches!(e, E::OutOfRange { name: "probs", .. }),
            "`probs` must be in [0, 1]",
        ),
        (
            Distribution::Coxian { rates: vec![1.0], probs: vec![0.5, 1.0] },
            |e| matches!(e, E::LengthMismatch { .. }),
            "`probs` has 2",
        ),
        (
            Distribution::Coxian { rates: vec![], probs: vec![] },
            |e| matches!(e, E::Empty { name: "rates" }),
            "`rates` must not be empty",
        ),
        (
            // Both exits of phase 0 round to a rate of 0.
            Distribution::Coxian { rates: vec![5e-324, 1.0], probs: vec![0.5, 1.0] },
            |e| matches!(e, E::NeverAbsorbed { state: 0 }),
            "state 0",
        ),
        (
            Distribution::HyperErlang {
                rates: vec![1.0, 2.0],
                probs: vec![0.5, 0.5],
                phase_lengths: vec![1, 0],
            },
            |e| matches!(e, E::NotPositive { name: "phase_lengths", .. }),
            "`phase_lengths` must be positive",
        ),
        (
            Distribution::HyperErlang {
                rates: vec![1.0, 2.0],
                probs: vec![0.5, 0.6],
                phase_lengths: vec![1, 1],
            },
            |e| matches!(e, E::NotNormalised { name: "probs", .. }),
            "must sum to 1",
        ),
        (
            Distribution::HyperErlang {
                rates: vec![1.0, 2.0],
                probs: vec![0.5, 0.5],
                phase_lengths: vec![1],
            },
            |e| matches!(e, E::LengthMismatch { b: "phase_lengths", .. }),
            "`phase_lengths` has 1",
        ),
        (
            Distribution::HyperErlang {
                rates: vec![1.0, 2.0],
                probs: vec![0.5, 0.5],
                phase_lengths: vec![600_000, 600_000],
            },
            |e| matches!(e, E::TooLarge { name: "phase_lengths", .. }),
            "at most",
        ),
    ]);
    let big = Distribution::MAX_PHASE_TYPE_STATES + 1;
    let mut rows = vec![vec![0.0; big]; big];
    for (i, row) in rows.iter_mut().enumerate().take(big - 1) {
        row[i] = -1.0;
        row[big - 1] = 1.0;
    }
    let mut initial = vec![0.0; big];
    initial[0] = 1.0;
    let d = Distribution::PhaseType { initial_state: initial, absorbing_matrix: rows };
    assert!(matches!(d.validate(), Err(ParameterError::TooLarge { name: "initial_state", .. })));
}

#[test]
fn a_bad_phase_type_in_a_model_file_is_a_model_error_naming_where() {
    let text = r#"
[[nodes]]
servers = 1

[[classes]]
name = "Customer"
nodes = [
  { arrival = { type = "exponential", rate = 1.0 }, service = { type = "coxian", rates = [1.0, 2.0], probs = [0.5, 0.5] } },
]
"#;
    let err = queue_sim::Network::from_toml_str(text).unwrap_err().to_string();
    assert!(err.contains("service") && err.contains("last entry of `probs` must be 1"), "{err}");
}

#[test]
fn mixture_and_combined_tables_read_and_round_trip() {
    let cases = [
        (
            r#"d = { type = "mixture", probs = [0.25, 0.75], dists = [{ type = "exponential", rate = 2.0 }, { type = "deterministic", value = 0.5 }] }"#,
            Distribution::Mixture {
                dists: vec![Distribution::exponential(2.0), Distribution::deterministic(0.5)],
                probs: vec![0.25, 0.75],
            },
        ),
        (
            r#"d = { type = "combined", op = "div", first = { type = "exponential", rate = 2.0 }, second = { type = "combined", op = "add", first = { type = "deterministic", value = 1.0 }, second = { type = "uniform", lower = 0.0, upper = 1.0 } } }"#,
            Distribution::Combined {
                op: CombineOp::Div,
                first: Box::new(Distribution::exponential(2.0)),
                second: Box::new(Distribution::Combined {
                    op: CombineOp::Add,
                    first: Box::new(Distribution::deterministic(1.0)),
                    second: Box::new(Distribution::Uniform { lower: 0.0, upper: 1.0 }),
                }),
            },
        ),
    ];
    for (text, want) in cases {
        let d = parse(text);
        assert_eq!(d, want);
        assert!(d.validate().is_ok(), "{d:?}");
        assert_round_trip(&d);
    }
    for op in ["add", "sub", "mul", "div"] {
        let text = format!(
            r#"d = {{ type = "combined", op = "{op}", first = {{ type = "deterministic", value = 1.0 }}, second = {{ type = "deterministic", value = 2.0 }} }}"#
        );
        assert_round_trip(&parse(&text));
    }
    let unknown = r#"d = { type = "combined", op = "pow", first = { type = "deterministic", value = 1.0 }, second = { type = "deterministic", value = 2.0 } }"#;
    let err = toml::from_str::<Holder>(unknown).unwrap_err().to_string();
    assert!(err.contains("pow"), "{err}");
}

#[test]
fn bad_mixture_and_combined_parameters_are_named_down_to_the_part() {
    use ParameterError as E;
    let bad = || Distribution::exponential(-1.0);
    let ok = || Distribution::exponential(1.0);
    assert_refused(vec![
        (
            Distribution::Mixture { dists: vec![ok(), bad()], probs: vec![0.5, 0.5] },
            |e| matches!(e, E::Part { name: "dists", index: Some(1), problem } if matches!(**problem, E::NotPositive { name: "rate", .. })),
            "in `dists`[1]: parameter `rate` must be positive",
        ),
        (
            Distribution::Mixture { dists: vec![ok(), ok()], probs: vec![0.5, 0.4] },
            |e| matches!(e, E::NotNormalised { name: "probs", .. }),
            "must sum to 1",
        ),
        (
            Distribution::Mixture { dists: vec![ok()], probs: vec![0.5, 0.5] },
            |e| matches!(e, E::LengthMismatch { a: "dists", .. }),
            "`dists` has 1 entries but `probs` has 2",
        ),
        (
            Distribution::Mixture { dists: vec![], probs: vec![] },
            |e| matches!(e, E::Empty { name: "dists" }),
            "`dists` must not be empty",
        ),
        (
            Distribution::Combined { op: CombineOp::Add, first: Box::new(ok()), second: Box::new(bad()) },
            |e| matches!(e, E::Part { name: "second", index: None, .. }),
            "in `second`: parameter `rate`",
        ),
        (
            Distribution::Combined {
                op: CombineOp::Mul,
                first: Box::new(Distribution::Combined {
                    op: CombineOp::Add,
                    first: Box::new(bad()),
                    second: Box::new(ok()),
                }),
                second: Box::new(ok()),
            },
            |e| matches!(e, E::Part { name: "first", .. }),
            "in `first`: in `first`: parameter `rate`",
        ),
    ]);
}

/// A run of a one-server node with exponential arrivals and these services.
fn run_with_service(service: Distribution, rng: RngKind) -> Result<usize, SimError> {
    let net = Network::single_node(Distribution::exponential(1.0), service, Servers::Finite(1));
    simulate(&net, rng, 1, Stop::MaxTime(50.0)).map(|out| out.records.len())
}

#[test]
fn a_combination_that_goes_negative_or_divides_by_zero_stops_the_run_as_in_ciw() {
    // Ciw's `_sample` raises "Invalid time sampled." on the combined value.
    let minus = Distribution::Combined {
        op: CombineOp::Sub,
        first: Box::new(Distribution::deterministic(1.0)),
        second: Box::new(Distribution::deterministic(1.5)),
    };
    // Python raises ZeroDivisionError.
    let by_zero = Distribution::Combined {
        op: CombineOp::Div,
        first: Box::new(Distribution::deterministic(1.0)),
        second: Box::new(Distribution::deterministic(0.0)),
    };
    for rng in [RngKind::Ciw, RngKind::Pcg] {
        let err = run_with_service(minus.clone(), rng).unwrap_err();
        assert!(matches!(err, SimError::InvalidSample { role: "service", value: -0.5, .. }), "{err:?}");
        let err = run_with_service(by_zero.clone(), rng).unwrap_err();
        assert!(
            matches!(err, SimError::InvalidSample { role: "service", value, .. } if value.is_nan()),
            "{err:?}"
        );
    }
    // Only the result is checked: parts may be negative, as in Ciw, whose
    // combinations call the parts' `sample`, not `_sample`.
    let negative_part = || {
        Box::new(Distribution::Combined {
            op: CombineOp::Sub,
            first: Box::new(Distribution::deterministic(0.25)),
            second: Box::new(Distribution::deterministic(0.5)),
        })
    };
    let fine = Distribution::Combined { op: CombineOp::Mul, first: negative_part(), second: negative_part() };
    assert_eq!(fine.mean(), Some(0.0625));
    assert!(run_with_service(fine, RngKind::Ciw).unwrap() > 10);
}

#[test]
fn whole_number_tables_read_and_round_trip() {
    let cases = [
        (r#"d = { type = "poisson", rate = 2.5 }"#, Distribution::Poisson { rate: 2.5 }),
        (r#"d = { type = "geometric", prob = 0.25 }"#, Distribution::Geometric { prob: 0.25 }),
        (r#"d = { type = "binomial", n = 12, prob = 0.5 }"#, Distribution::Binomial { n: 12, prob: 0.5 }),
    ];
    for (text, want) in cases {
        let d = parse(text);
        assert_eq!(d, want);
        assert!(d.validate().is_ok(), "{d:?}");
        assert_round_trip(&d);
    }
    // A negative or fractional number of trials is not a u32.
    for n in ["-1", "2.5"] {
        let text = format!(r#"d = {{ type = "binomial", n = {n}, prob = 0.5 }}"#);
        assert!(toml::from_str::<Holder>(&text).is_err(), "{text}");
    }
}

#[test]
fn bad_whole_number_parameters_are_named() {
    use ParameterError as E;
    assert_refused(vec![
        (
            Distribution::Poisson { rate: 0.0 },
            |e| matches!(e, E::NotPositive { name: "rate", .. }),
            "`rate` must be positive",
        ),
        (
            Distribution::Poisson { rate: f64::NAN },
            |e| matches!(e, E::NotFinite { name: "rate", .. }),
            "finite",
        ),
        (Distribution::Poisson { rate: 1e19 }, |e| matches!(e, E::TooLarge { name: "rate", .. }), "at most"),
        (
            Distribution::Geometric { prob: 0.0 },
            |e| matches!(e, E::OutOfRange { name: "prob", .. }),
            "`prob` must be in [1e-12, 1)",
        ),
        (
            Distribution::Geometric { prob: 1.0 },
            |e| matches!(e, E::OutOfRange { name: "prob", .. }),
            "[1e-12, 1)",
        ),
        (
            Distribution::Geometric { prob: 1e-300 },
            |e| matches!(e, E::OutOfRange { name: "prob", .. }),
            "[1e-12, 1)",
        ),
        (
            Distribution::Binomial { n: 0, prob: 0.5 },
            |e| matches!(e, E::NotPositive { name: "n", .. }),
            "`n` must be positive",
        ),
        (
            Distribution::Binomial { n: 3, prob: 1.0 },
            |e| matches!(e, E::OutOfRange { name: "prob", .. }),
            "`prob` must be in (0, 1)",
        ),
        (
            Distribution::Binomial { n: 3, prob: -0.5 },
            |e| matches!(e, E::OutOfRange { name: "prob", .. }),
            "(0, 1)",
        ),
    ]);
    assert_eq!(Distribution::Poisson { rate: Distribution::MAX_POISSON_RATE }.validate(), Ok(()));
    assert_eq!(Distribution::Geometric { prob: Distribution::MIN_GEOMETRIC_PROB }.validate(), Ok(()));
}

#[test]
fn whole_number_service_times_run_in_both_modes_and_leave_ciws_stream_alone() {
    let poisson = Distribution::Poisson { rate: 0.5 };
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        let net = Network::single_node(Distribution::exponential(1.0), poisson.clone(), Servers::Finite(2));
        let out = simulate(&net, rng, 3, Stop::MaxTime(100.0)).unwrap();
        assert!(out.records.len() > 50);
        // Ciw mode reports end minus start, as Ciw: whole up to rounding.
        assert!(out.records.iter().all(|r| (r.service_time - r.service_time.round()).abs() < 1e-9), "{rng}");
        assert!(out.records.iter().any(|r| r.service_time >= 1.0), "{rng}");
    }
    // In Ciw mode they come from a stream of their own (Ciw's numpy one):
    // the arrivals drawn from Python's stream are those of a model whose
    // services draw nothing.
    let arrivals = |service: Distribution| {
        let net = Network::single_node(Distribution::exponential(1.0), service, Servers::Infinite);
        let out = simulate(&net, RngKind::Ciw, 3, Stop::MaxTime(100.0)).unwrap();
        let mut dates: Vec<f64> = out.records.iter().map(|r| r.arrival_date).collect();
        dates.sort_by(f64::total_cmp);
        dates
    };
    let with_binomial = arrivals(Distribution::Binomial { n: 4, prob: 0.5 });
    assert!(with_binomial.len() > 50);
    assert_eq!(with_binomial, arrivals(Distribution::deterministic(1.0)));
}

/// Service takes 1 before time 50 and 2 after; class 1 takes 3 always.
#[derive(Debug)]
struct RushHour;

impl queue_sim::TimeDistribution for RushHour {
    fn sample(&self, _: &mut dyn queue_sim::RandomSource) -> f64 {
        panic!("the engine asks with the time and the customer")
    }
    fn sample_at(
        &self,
        now: f64,
        who: Option<&queue_sim::QueuedCustomer>,
        _: &mut dyn queue_sim::RandomSource,
    ) -> f64 {
        match who {
            Some(c) if c.class == 1 => 3.0,
            Some(c) => {
                assert!(c.arrival <= now);
                if now < 50.0 { 1.0 } else { 2.0 }
            }
            None => panic!("a service time is drawn for a customer"),
        }
    }
}

#[test]
fn a_custom_distribution_sees_the_time_and_the_customer() {
    use queue_sim::{ClassAtNode, CustomerClass, Network, NodeSpec, RngKind, Servers, Stop, simulate};
    let every = |v: f64| Some(Distribution::Deterministic { value: v });
    let service = Distribution::custom(RushHour);
    let net = Network::new(
        vec![NodeSpec::new(Servers::Infinite)],
        vec![
            CustomerClass::new("A", vec![ClassAtNode::new(every(10.0), service.clone())], vec![]),
            CustomerClass::new("B", vec![ClassAtNode::new(every(25.0), service)], vec![]),
        ],
    );
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(100.0)).unwrap();
    for r in &out.records {
        let want = if r.customer_class == 1 {
            3.0
        } else if r.arrival_date < 50.0 {
            1.0
        } else {
            2.0
        };
        assert_eq!(r.service_time, want, "{r:?}");
    }
    assert!(out.records.len() > 10);
}
