//! Server priorities: which free server a joining customer takes.

use queue_sim::{
    ModelError, Network, NodeSpec, QueuedCustomer, RecordType, RngKind, ServerPriority,
    ServerPriorityFunction, ServerState, Servers, SimError, Stop, simulate,
};

fn three_servers(priority: ServerPriority) -> Network {
    let mut net = Network::mmc(1.0, 0.5, 3);
    net.nodes[0].server_priority = priority;
    net
}

fn servers_used(priority: ServerPriority) -> Vec<u32> {
    let out = simulate(&three_servers(priority), RngKind::Pcg, 8, Stop::MaxTime(500.0)).unwrap();
    out.records
        .iter()
        .filter(|r| r.record_type == RecordType::Service)
        .map(|r| r.server_id.unwrap())
        .collect()
}

#[derive(Debug)]
struct ByNumberDown;

impl ServerPriorityFunction for ByNumberDown {
    fn priority(&self, server: &ServerState, _: &QueuedCustomer) -> f64 {
        -f64::from(server.id)
    }
}

#[test]
fn a_customer_who_finds_every_server_free_takes_the_preferred_one() {
    // The first customer finds all three free.
    assert_eq!(servers_used(ServerPriority::LowestId)[0], 1);
    assert_eq!(servers_used(ServerPriority::HighestId)[0], 3);
    assert_eq!(servers_used(ServerPriority::custom(ByNumberDown)), servers_used(ServerPriority::HighestId));
}

#[test]
fn least_busy_spreads_the_work_more_evenly_than_lowest_id() {
    let busy = |priority| {
        let out = simulate(&three_servers(priority), RngKind::Pcg, 8, Stop::MaxTime(5_000.0)).unwrap();
        let mut per = [0.0f64; 3];
        for r in out.records.iter().filter(|r| r.record_type == RecordType::Service) {
            per[r.server_id.unwrap() as usize - 1] += r.service_time;
        }
        per.iter().copied().fold(f64::INFINITY, f64::min) / per.iter().copied().fold(0.0, f64::max)
    };
    let (even, uneven) = (busy(ServerPriority::LeastBusy), busy(ServerPriority::LowestId));
    assert!(even > 0.95 && even > uneven, "least busy {even}, lowest id {uneven}");
}

#[derive(Debug)]
struct Broken;

impl ServerPriorityFunction for Broken {
    fn priority(&self, _: &ServerState, _: &QueuedCustomer) -> f64 {
        f64::NAN
    }
}

#[test]
fn a_priority_of_nan_stops_the_run() {
    let err = simulate(&three_servers(ServerPriority::custom(Broken)), RngKind::Pcg, 0, Stop::MaxTime(10.0))
        .unwrap_err();
    assert!(matches!(err, SimError::InvalidPriority { node: 0, server: 1, .. }), "{err:?}");
}

#[test]
fn a_prioritised_node_has_a_bounded_number_of_servers() {
    let mut net = three_servers(ServerPriority::LeastBusy);
    net.nodes[0] = NodeSpec::new(Servers::Finite(queue_sim::MAX_PRIORITISED_SERVERS + 1))
        .with_server_priority(ServerPriority::LeastBusy);
    let err = net.validate().unwrap_err();
    assert!(matches!(err, ModelError::TooManyPrioritisedServers { node: 0, .. }), "{err:?}");
    net.nodes[0].server_priority = ServerPriority::LowestId;
    assert!(net.validate().is_ok());
}

#[test]
fn server_priorities_in_model_files() {
    let text = three_servers(ServerPriority::LeastBusy).to_toml_string().unwrap();
    assert!(text.contains("server_priority = \"least_busy\""), "{text}");
    assert_eq!(Network::from_toml_str(&text).unwrap(), three_servers(ServerPriority::LeastBusy));
    let err = Network::from_toml_str(&text.replace("least_busy", "fastest")).unwrap_err();
    assert!(err.to_string().contains("\"lowest_id\", \"highest_id\" or \"least_busy\""), "{err}");
}
