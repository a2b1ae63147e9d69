//! Server schedules against plain nodes: a schedule whose one shift
//! outlasts the run is the plain node, record for record (server ids
//! included), in both generators; shifts renumber servers.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Pcg, Preemption, PythonRandom, Schedule,
    Servers, Simulation,
};

/// One node, unlimited queue (a scheduled node's capacity is its queue
/// capacity alone, as Ciw's, so a limited one would differ on purpose).
fn mm(servers: Servers) -> Network {
    Network::new(
        vec![NodeSpec::new(servers)],
        vec![CustomerClass::new(
            "Only",
            vec![ClassAtNode::new(Some(Distribution::exponential(1.0)), Distribution::exponential(0.4))],
            vec![],
        )],
    )
}

#[test]
fn a_schedule_with_one_shift_longer_than_the_run_is_the_plain_node() {
    let plain = mm(Servers::Finite(3));
    for preemption in [Preemption::Off, Preemption::Resume] {
        let shifts = mm(Servers::Schedule(Schedule::new(vec![3], vec![5_000.0]).with_preemption(preemption)));
        for seed in 0..5 {
            let mut a = Simulation::with_rng(&plain, Pcg::new(seed)).unwrap();
            let mut b = Simulation::with_rng(&shifts, Pcg::new(seed)).unwrap();
            a.run_until(4_000.0).unwrap();
            b.run_until(4_000.0).unwrap();
            assert_eq!(a.records(), b.records(), "pcg, seed {seed}");
            assert_eq!(a.utilisation(), b.utilisation());
            let mut a = Simulation::with_rng(&plain, PythonRandom::new(seed)).unwrap();
            let mut b = Simulation::with_rng(&shifts, PythonRandom::new(seed)).unwrap();
            a.run_until(4_000.0).unwrap();
            b.run_until(4_000.0).unwrap();
            assert_eq!(a.records(), b.records(), "ciw, seed {seed}");
        }
    }
}

#[test]
fn each_shift_brings_new_server_ids_and_a_shift_without_servers_serves_nobody() {
    // Shifts of 2 servers for 10, none for 10: ids 1-2, 3-4, 5-6, ...
    let net = mm(Servers::Schedule(
        Schedule::new(vec![2, 0], vec![10.0, 20.0]).with_preemption(Preemption::Resume),
    ));
    let mut sim = Simulation::new(&net, 1).unwrap();
    sim.run_until(200.0).unwrap();
    for r in sim.records().iter().filter(|r| r.record_type == queue_sim::RecordType::Service) {
        let cycle = (r.service_start_date / 20.0).floor();
        let within = r.service_start_date - cycle * 20.0;
        assert!(within < 10.0, "a service started off shift: {r:?}");
        let id = r.server_id.unwrap();
        // `as`: a cycle number below 10.
        let first = 2 * cycle as u32 + 1;
        assert!(id == first || id == first + 1, "server {id} in cycle {cycle}: {r:?}");
    }
    assert_eq!(sim.overtime()[0].len(), 20, "two servers retire at each of ten shift ends");
}

#[test]
fn memory_follows_the_servers_present_not_every_id_ever_given() {
    // A million servers a shift, a shift a time unit: a billion ids by the
    // end, of which a handful serve. The engine keeps per-server state from
    // the oldest server present on, so this runs in a few megabytes.
    let net = mm(Servers::Schedule(Schedule::new(vec![1_000_000], vec![1.0])));
    let mut sim = Simulation::new(&net, 3).unwrap();
    sim.run_until(1_000.0).unwrap();
    let last = sim.records().iter().filter_map(|r| r.server_id).max().unwrap();
    assert!(last > 990_000_000, "ids keep growing: {last}");
    // The servers listed are the current shift's (and any finishing off duty).
    assert!(sim.servers(0).len() >= 1_000_000 && sim.servers(0).len() < 1_000_010);
}

/// A server of the first shift still serving off duty when a shift of
/// 1.4 billion servers begins: the engine's per-server state spans the
/// servers in use, not every id between them (it grew to 23 GB and was
/// killed by the kernel before).
#[test]
fn memory_follows_the_servers_in_use_across_a_gap_of_a_billion_ids() {
    let n = 1_400_000_000;
    let net = Network::new(
        vec![NodeSpec::new(Servers::Schedule(Schedule::new(vec![n, n], vec![1.0, 5.0])))],
        vec![CustomerClass::new(
            "Only",
            vec![ClassAtNode::new(Some(Distribution::deterministic(0.3)), Distribution::deterministic(1.2))],
            vec![],
        )],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run_until(4.0).unwrap();
    let ids: Vec<u32> = sim.records().iter().filter_map(|r| r.server_id).collect();
    // Servers 1, 2 and 3 finished off duty; the second shift's first
    // servers took the later arrivals.
    assert_eq!(&ids[..3], [1, 2, 3], "{ids:?}");
    let n = u32::try_from(n).unwrap();
    assert!(ids.len() > 3 && ids[3..].iter().all(|&id| id > n), "{ids:?}");
    assert!((0.0..=1.0).contains(&sim.utilisation()[0].unwrap()));
}

/// Server ids run to `u32::MAX - 1` (`u32::MAX` marks no server): three
/// shifts of `u32::MAX / 3` use them all, and the next shift is refused.
#[test]
fn the_last_server_id_a_u32_numbers_is_given_and_the_next_refused() {
    let n = usize::try_from(u32::MAX / 3).unwrap();
    let net = Network::new(
        vec![NodeSpec::new(Servers::Schedule(Schedule::new(vec![n, n, n], vec![1.0, 2.0, 3.0])))],
        vec![CustomerClass::new(
            "Only",
            vec![ClassAtNode::new(Some(Distribution::deterministic(0.25)), Distribution::deterministic(0.1))],
            vec![],
        )],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run_until(2.9).unwrap();
    let last = sim.records().iter().filter_map(|r| r.server_id).max().unwrap();
    // The third shift's first server (ids from 1 in records).
    assert_eq!(last, 2 * (u32::MAX / 3) + 1);
    let err = sim.run_until(3.5).unwrap_err();
    assert!(matches!(err, queue_sim::SimError::ServerIds { node: 0, time } if time == 3.0), "{err}");
}

#[test]
fn more_server_ids_than_a_u32_numbers_is_an_error_not_a_wrap() {
    let net = mm(Servers::Schedule(Schedule::new(vec![2_000_000_000], vec![1.0])));
    let err = Simulation::new(&net, 0).unwrap().run_until(10.0).unwrap_err();
    assert!(matches!(err, queue_sim::SimError::ServerIds { node: 0, .. }), "{err}");
}

#[test]
fn a_slot_too_small_can_interrupt_a_service_that_never_ends() {
    // Services of infinite length (a sequential distribution allows it, as
    // Ciw's does) are interrupted by a smaller capacitated slot like any
    // other: an "interrupted service" record, no panic, no hang.
    use queue_sim::{RecordType, Slotted};
    let net = Network::new(
        vec![NodeSpec::new(Servers::Slotted(
            Slotted::new(vec![1.0, 2.0], vec![2, 1]).capacitated(Preemption::Resume),
        ))],
        vec![CustomerClass::new(
            "Only",
            vec![ClassAtNode::new(
                Some(Distribution::deterministic(0.4)),
                Distribution::Sequential { values: vec![f64::INFINITY, 0.3] },
            )],
            vec![],
        )],
    );
    let mut sim = Simulation::new(&net, 0).unwrap();
    sim.run_until(20.0).unwrap();
    let interrupted =
        sim.records().iter().filter(|r| r.record_type == RecordType::InterruptedService).count();
    assert!(interrupted >= 1, "{:?}", sim.records());
}

#[test]
fn model_files_give_servers_one_schedule_or_one_set_of_slots() {
    let class = "[[classes]]\nnodes = [{ arrival = { type = \"exponential\", rate = 1.0 }, service = { type = \"exponential\", rate = 2.0 } }]\n";
    let with = |servers: &str| Network::from_toml_str(&format!("[[nodes]]\nservers = {servers}\n{class}"));
    let net = with("{ schedule = { numbers_of_servers = [2, 1], shift_end_dates = [5.0, 8.0], preemption = \"resume\", offset = 1.5 } }").unwrap();
    assert_eq!(
        net.nodes[0].servers,
        Servers::Schedule(
            Schedule::new(vec![2, 1], vec![5.0, 8.0]).with_preemption(Preemption::Resume).with_offset(1.5)
        )
    );
    // Written back and read again, it is the same model.
    assert_eq!(Network::from_toml_str(&net.to_toml_string().unwrap()).unwrap(), net);
    for (servers, says) in [
        (
            "{ schedule = { numbers_of_servers = [1], shift_end_dates = [5.0] }, slotted = { slots = [1.0], slot_sizes = [1] } }",
            "both",
        ),
        ("{ }", "needs a schedule"),
        ("{ shedule = { numbers_of_servers = [1], shift_end_dates = [5.0] } }", "shedule"),
        ("{ slotted = { slots = [1.0], slot_sizes = [1], preemption = \"resume\" } }", "capacitated"),
    ] {
        let err = with(servers).unwrap_err().to_string();
        assert!(err.contains(says), "{servers}: {err}");
    }
}
