//! What a simulation reports between runs: its records taken out to stream
//! them, and the progress it tells a function during a long run.

use std::sync::{Arc, Mutex};

use queue_sim::{Network, Simulation, Stop};

/// What a progress function was told: the clock, and the count so far.
type Told = Arc<Mutex<Vec<(f64, Option<u64>)>>>;

#[test]
fn records_taken_out_between_runs_are_the_records_of_one_run_in_pieces() {
    let net = Network::mmc(0.9, 1.0, 1);
    let mut whole = Simulation::new(&net, 3).unwrap();
    whole.run_until(300.0).unwrap();
    let mut pieces = Simulation::new(&net, 3).unwrap();
    let mut taken = Vec::new();
    for t in [100.0, 200.0, 300.0] {
        pieces.run_until(t).unwrap();
        let piece = pieces.take_records();
        assert!(!piece.is_empty(), "records up to {t}");
        assert!(pieces.records().is_empty(), "taking leaves none behind");
        taken.extend(piece);
    }
    assert_eq!(taken, whole.records());
    assert!(taken.len() > 200, "{}", taken.len());
}

#[test]
fn progress_is_told_the_clock_every_65536_events_and_the_count_when_running_to_one() {
    let seen: Told = Arc::default();
    let log = Arc::clone(&seen);
    let net = Network::mmc(0.9, 1.0, 1);
    let mut sim = Simulation::new(&net, 0).unwrap().with_progress(move |now, counted| {
        log.lock().unwrap().push((now, counted));
    });
    // A simulation that tells a function its progress says so when printed.
    assert!(format!("{sim:?}").contains("progress: Some(Progress(..))"), "{sim:?}");
    sim.run_until(200_000.0).unwrap();
    let events = sim.events_processed();
    let told = std::mem::take(&mut *seen.lock().unwrap());
    // About 360 000 events: told 5 times, at clocks in order, before the end.
    assert_eq!(u64::try_from(told.len()).unwrap(), events / 65_536, "{events} events");
    assert!(told.windows(2).all(|w| w[0].0 < w[1].0), "{told:?}");
    assert!(told.iter().all(|&(now, counted)| now > 0.0 && now < 200_000.0 && counted.is_none()));
    // Running on to a number of customers, the count so far comes too.
    let done = sim.completed();
    sim.run(Stop::MaxCustomers(done + 100_000)).unwrap();
    let told = seen.lock().unwrap();
    assert!(!told.is_empty());
    for &(_, counted) in told.iter() {
        let counted = counted.expect("a count");
        assert!(counted >= done && counted < done + 100_000, "{counted}");
    }
}

#[test]
fn customers_at_nodes_counts_who_is_at_each_node_now() {
    // An arrival every time unit from 1 on at node 0 (one server, 2.5 a
    // service), then node 1 (infinite servers, 100 a service). By 10.5,
    // ten have arrived and three have been served at node 0 (at 3.5, 6 and
    // 8.5): seven at node 0, three at node 1.
    let net = Network::from_toml_str(
        r#"
        [[nodes]]
        servers = 1
        [[nodes]]
        servers = "inf"
        [[classes]]
        name = "a"
        routing = [[0.0, 1.0], [0.0, 0.0]]
        nodes = [
          { arrival = { type = "deterministic", value = 1.0 }, service = { type = "deterministic", value = 2.5 } },
          { service = { type = "deterministic", value = 100.0 } },
        ]
        "#,
    )
    .unwrap();
    let mut sim = Simulation::new(&net, 0).unwrap();
    assert_eq!(sim.customers_at_nodes(), [0, 0]);
    sim.run_until(10.5).unwrap();
    assert_eq!(sim.customers_at_nodes(), [7, 3]);
    sim.run_until(20.5).unwrap();
    // Twenty arrived, seven served at node 0 (the last at 18.5).
    assert_eq!(sim.customers_at_nodes(), [13, 7]);
}
