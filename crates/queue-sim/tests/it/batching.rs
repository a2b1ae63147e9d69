//! Batch arrivals: sizes drawn per arrival, whole numbers only, every
//! customer of a batch counted and recorded as Ciw does.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, ModelError, Network, NodeSpec, RandomSource, RecordType,
    RngKind, Servers, SimError, Stop, TimeDistribution, simulate,
};

fn batched(batch: Distribution) -> Network {
    Network::new(
        vec![NodeSpec::new(Servers::Infinite)],
        vec![CustomerClass::new(
            "Customer",
            vec![
                ClassAtNode::new(
                    Some(Distribution::Deterministic { value: 1.0 }),
                    Distribution::Deterministic { value: 0.5 },
                )
                .with_batch(batch),
            ],
            vec![],
        )],
    )
}

#[test]
fn each_arrival_brings_its_batch_at_once_with_consecutive_ids() {
    let out = simulate(
        &batched(Distribution::Sequential { values: vec![2.0, 0.0, 3.0] }),
        RngKind::Pcg,
        0,
        Stop::MaxTime(4.0),
    )
    .unwrap();
    // Arrivals at 1 (two customers), 2 (none), 3 (three).
    let arrivals: Vec<(u64, f64)> = out.records.iter().map(|r| (r.id_number, r.arrival_date)).collect();
    assert_eq!(arrivals, [(1, 1.0), (2, 1.0), (3, 3.0), (4, 3.0), (5, 3.0)]);
    let queue_sizes: Vec<u32> = out.records.iter().map(|r| r.queue_size_at_arrival).collect();
    assert_eq!(queue_sizes, [0, 1, 0, 1, 2]);
}

#[test]
fn a_batch_counts_every_customer_it_brings() {
    let net = batched(Distribution::Deterministic { value: 4.0 });
    let mut sim = queue_sim::Simulation::new(&net, 0).unwrap();
    sim.run(Stop::MaxArrivals(10)).unwrap();
    // The count is checked after each event: three batches of four.
    assert_eq!(sim.arrived(), 12);
    assert_eq!(sim.now(), 3.0);
}

#[test]
fn the_end_of_a_batch_too_big_for_the_queue_is_rejected() {
    let mut net = batched(Distribution::Deterministic { value: 5.0 });
    net.nodes[0] = NodeSpec::new(Servers::Finite(1)).with_queue_capacity(2);
    net.classes[0].nodes[0].service = Distribution::Deterministic { value: 10.0 };
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(1.5)).unwrap();
    let types: Vec<RecordType> = out.records.iter().map(|r| r.record_type).collect();
    assert_eq!(types, [RecordType::Rejection, RecordType::Rejection]);
    assert_eq!(out.records[0].id_number, 4);
}

#[test]
fn batch_sizes_must_be_whole_numbers_within_the_limit() {
    let err = batched(Distribution::exponential(1.0)).validate().unwrap_err();
    assert!(
        matches!(err, ModelError::BatchNotWhole { node: 0, class: 0, distribution: "exponential" }),
        "{err:?}"
    );
    assert!(err.to_string().contains("whole numbers"), "{err}");
    let err = batched(Distribution::Sequential { values: vec![1.0, 2.5] }).validate().unwrap_err();
    assert!(matches!(err, ModelError::BatchSize { value, .. } if value == 2.5), "{err:?}");
    let err = batched(Distribution::Deterministic { value: 2e6 }).validate().unwrap_err();
    assert!(matches!(err, ModelError::BatchSize { max: queue_sim::MAX_BATCH, .. }), "{err:?}");
    assert!(batched(Distribution::Pmf { values: vec![0.0, 3.0], probs: vec![0.5, 0.5] }).validate().is_ok());
}

#[derive(Debug)]
struct Halves;

impl TimeDistribution for Halves {
    fn sample(&self, _: &mut dyn RandomSource) -> f64 {
        1.5
    }
}

#[test]
fn a_custom_batch_distribution_giving_a_fraction_stops_the_run() {
    let err =
        simulate(&batched(Distribution::custom(Halves)), RngKind::Pcg, 0, Stop::MaxTime(5.0)).unwrap_err();
    assert!(matches!(err, SimError::InvalidSample { role: "batch", value, .. } if value == 1.5), "{err:?}");
    assert!(err.to_string().contains("batch size (not a whole number from 0 to 1000000) 1.5"), "{err}");
}

#[test]
fn batches_in_model_files() {
    let net = Network::from_toml_str(
        "[[nodes]]\nservers = 1\n[[classes]]\nnodes = [{ arrival = { type = \"exponential\", rate = 1.0 }, service = { type = \"exponential\", rate = 2.0 }, batch = { type = \"pmf\", values = [1, 2], probs = [0.5, 0.5] } }]\n",
    )
    .unwrap();
    assert_eq!(
        net.classes[0].nodes[0].batch,
        Some(Distribution::Pmf { values: vec![1.0, 2.0], probs: vec![0.5, 0.5] })
    );
    assert_eq!(Network::from_toml_str(&net.to_toml_string().unwrap()).unwrap(), net);
}

/// M^X/M/1 with geometric batches (sizes from 1, success probability `p`):
/// mean number in the system L = rho (E[X^2] + E[X]) / (2 E[X] (1 - rho)),
/// rho = lambda E[X] / mu (Gross et al., Fundamentals of Queueing Theory,
/// section 3.2.1), so a customer's mean sojourn is L / (lambda E[X]).
#[test]
fn geometric_batches_into_mm1_give_the_mx_m_1_sojourn() {
    let (lambda, mu, p) = (0.3, 1.0, 0.5);
    let (ex, ex2) = (1.0 / p, (2.0 - p) / (p * p));
    let rho = lambda * ex / mu;
    let want = rho * (ex2 + ex) / (2.0 * ex * (1.0 - rho)) / (lambda * ex);
    let mut net = Network::mmc(lambda, mu, 1);
    net.classes[0].nodes[0].batch = Some(Distribution::Geometric { prob: p });
    let means: Vec<f64> = (0..20)
        .map(|seed| {
            let out = simulate(&net, RngKind::Pcg, seed, Stop::MaxTime(20_500.0)).unwrap();
            let sojourns: Vec<f64> = out
                .records
                .iter()
                .filter(|r| r.arrival_date > 500.0)
                .map(|r| r.exit_date - r.arrival_date)
                .collect();
            sojourns.iter().sum::<f64>() / sojourns.len() as f64
        })
        .collect();
    let n = means.len() as f64;
    let mean = means.iter().sum::<f64>() / n;
    let se = (means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt() / n.sqrt();
    assert!((mean - want).abs() < 5.0 * se, "sojourn {mean} (se {se}) against {want}");
}

#[test]
fn poisson_and_binomial_batch_sizes_are_whole_numbers_by_construction() {
    for batch in [Distribution::Poisson { rate: 2.0 }, Distribution::Binomial { n: 4, prob: 0.5 }] {
        let net = batched(batch.clone());
        net.validate().unwrap();
        let mut sim = queue_sim::Simulation::new(&net, 1).unwrap();
        sim.run_until(1000.5).unwrap();
        // About two customers an arrival, 1000 arrivals.
        let per = sim.arrived() as f64 / 1000.0;
        assert!((per - 2.0).abs() < 0.2, "{batch:?}: {per} a batch");
    }
}
