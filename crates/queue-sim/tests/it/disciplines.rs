//! Service disciplines: LIFO and SIRO orders, user disciplines (equal to
//! the built-in ones when they choose alike, an error when they choose
//! nobody), and model files.

use queue_sim::{
    Discipline, Network, QueuedCustomer, RandomSource, RngKind, ServiceDiscipline, SimError, Stop, simulate,
};

fn busy(discipline: Discipline) -> Network {
    let mut net = Network::mmc(1.0, 1.1, 1);
    net.nodes[0].discipline = discipline;
    net
}

fn debug(net: &Network, rng: RngKind) -> String {
    format!("{:?}", simulate(net, rng, 5, Stop::MaxTime(300.0)).unwrap().records)
}

#[derive(Debug)]
struct Newest;

impl ServiceDiscipline for Newest {
    fn choose(&self, waiting: &[QueuedCustomer], _now: f64, _rng: &mut dyn RandomSource) -> usize {
        assert!(waiting.windows(2).all(|w| w[0].arrival <= w[1].arrival && w[0].id < w[1].id));
        waiting.len() - 1
    }
}

#[derive(Debug)]
struct AnyOne;

impl ServiceDiscipline for AnyOne {
    fn choose(&self, waiting: &[QueuedCustomer], _now: f64, rng: &mut dyn RandomSource) -> usize {
        rng.index(waiting.len())
    }
}

#[test]
fn a_user_discipline_that_chooses_as_lifo_or_siro_gives_their_records() {
    for rng in [RngKind::Pcg, RngKind::Ciw] {
        assert_eq!(debug(&busy(Discipline::custom(Newest)), rng), debug(&busy(Discipline::Lifo), rng));
        assert_eq!(debug(&busy(Discipline::custom(AnyOne)), rng), debug(&busy(Discipline::Siro), rng));
    }
}

#[test]
fn lifo_serves_the_latest_arrival_first() {
    let out = simulate(&busy(Discipline::Lifo), RngKind::Pcg, 2, Stop::MaxTime(500.0)).unwrap();
    // Whenever a service starts after a wait, nobody who arrived later is
    // still waiting then.
    for r in &out.records {
        if r.waiting_time > 0.0 {
            let later_waiting = out.records.iter().any(|o| {
                o.arrival_date > r.arrival_date
                    && o.arrival_date < r.service_start_date
                    && o.service_start_date > r.service_start_date
            });
            assert!(!later_waiting, "{r:?}");
        }
    }
    let fifo = simulate(&busy(Discipline::Fifo), RngKind::Pcg, 2, Stop::MaxTime(500.0)).unwrap();
    let spread = |recs: &[queue_sim::Record]| {
        let waits: Vec<f64> = recs.iter().map(|r| r.waiting_time).collect();
        let mean = waits.iter().sum::<f64>() / waits.len() as f64;
        waits.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / waits.len() as f64
    };
    assert!(spread(&out.records) > spread(&fifo.records), "LIFO spreads waits more than FIFO");
}

#[derive(Debug)]
struct Nobody;

impl ServiceDiscipline for Nobody {
    fn choose(&self, waiting: &[QueuedCustomer], _now: f64, _rng: &mut dyn RandomSource) -> usize {
        waiting.len()
    }
}

#[test]
fn a_user_discipline_choosing_beyond_the_queue_stops_the_run() {
    let err = simulate(&busy(Discipline::custom(Nobody)), RngKind::Pcg, 0, Stop::MaxTime(100.0)).unwrap_err();
    assert!(matches!(err, SimError::InvalidChoice { node: 0, index: 1, waiting: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("chose customer 1 of the 1 waiting"), "{err}");
}

#[test]
fn disciplines_in_model_files() {
    let text = busy(Discipline::Siro).to_toml_string().unwrap();
    assert!(text.contains("discipline = \"siro\""), "{text}");
    assert_eq!(Network::from_toml_str(&text).unwrap().nodes[0].discipline, Discipline::Siro);
    let err = Network::from_toml_str(&text.replace("\"siro\"", "\"random\"")).unwrap_err();
    assert!(err.to_string().contains("\"fifo\", \"lifo\" or \"siro\""), "{err}");
    assert!(busy(Discipline::custom(Newest)).to_toml_string().is_err());
}
