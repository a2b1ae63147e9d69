//! Priority classes and preemption worked by hand: tiny models with
//! deterministic and sequential times (no two events at one instant), whose
//! every record is computed in the comments, for each preemption mode and
//! under both generators: who is interrupted, the "interrupted service"
//! records, and the service times after an interruption.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, Network, NodeSpec, Preemption, Record, RecordType, Servers,
    Simulation,
};

/// Inter-arrival times putting arrivals at the given increasing times, and
/// none after.
fn at(times: &[f64]) -> Distribution {
    let mut values = Vec::with_capacity(times.len() + 1);
    let mut last = 0.0;
    for &t in times {
        values.push(t - last);
        last = t;
    }
    values.push(f64::INFINITY);
    Distribution::Sequential { values }
}

fn fixed(value: f64) -> Distribution {
    Distribution::deterministic(value)
}

fn seq(values: &[f64]) -> Distribution {
    Distribution::Sequential { values: values.to_vec() }
}

/// A class arriving at node 1 only (at `arrivals`), served at node `i` by
/// `services[i]`, leaving after node 1 unless `routing` says otherwise.
fn class(
    name: &str,
    priority: u32,
    arrivals: &[f64],
    services: Vec<Distribution>,
    routing: Vec<Vec<f64>>,
) -> CustomerClass {
    let nodes = services
        .into_iter()
        .enumerate()
        .map(|(i, service)| ClassAtNode::new((i == 0).then(|| at(arrivals)), service))
        .collect();
    CustomerClass::new(name, nodes, routing).with_priority(priority)
}

/// One visit as a record should show it.
#[derive(Clone, Copy, Debug)]
struct Visit {
    id: u64,
    class: u32,
    node: u32,
    arrival: f64,
    start: f64,
    service: f64,
    exit: f64,
    to: Option<i32>,
    /// Customers at the node when this one arrived.
    found: u32,
    /// Customers left at the node after this one left.
    left: Option<u32>,
    server: u32,
}

impl Visit {
    fn record(self, record_type: RecordType, end: f64) -> Record {
        Record {
            id_number: self.id,
            customer_class: self.class,
            original_customer_class: self.class,
            node: self.node,
            arrival_date: self.arrival,
            waiting_time: self.start - self.arrival,
            service_start_date: self.start,
            service_time: self.service,
            service_end_date: end,
            time_blocked: self.exit - end,
            exit_date: self.exit,
            destination: self.to,
            queue_size_at_arrival: self.found,
            queue_size_at_departure: self.left,
            server_id: Some(self.server),
            record_type,
        }
    }

    /// A finished service (never blocked in these examples).
    fn served(self) -> Record {
        let end = self.start + self.service;
        assert_eq!(end, self.exit, "no blocking in these examples");
        self.record(RecordType::Service, end)
    }

    /// A service cut short at `exit`: no service end, no blocking, no
    /// count at departure; `service` is the length the service had.
    fn interrupted(self) -> Record {
        assert!(self.exit < self.start + self.service, "an interruption comes before the end");
        Record { queue_size_at_departure: None, ..self.record(RecordType::InterruptedService, f64::NAN) }
    }
}

/// Records equal field by field, NaN equal to NaN.
#[track_caller]
fn assert_records(what: &str, got: &[Record], want: &[Record]) {
    let show = |rs: &[Record]| rs.iter().map(|r| format!("  {r:?}\n")).collect::<String>();
    assert!(
        got.len() == want.len() && got.iter().zip(want).all(|(g, w)| format!("{g:?}") == format!("{w:?}")),
        "{what}: records differ\ngot:\n{}want:\n{}",
        show(got),
        show(want)
    );
}

/// What a run to `until` leaves, the same under both generators (these
/// models draw no random numbers, so the generators must agree on everything
/// but utilisation, where Ciw's convention differs).
struct Run {
    records: Vec<Record>,
    completed: u64,
    present: Vec<u32>,
    utilisation: Vec<Option<f64>>,
    ciw_utilisation: Vec<Option<f64>>,
}

fn run(net: &Network, until: f64) -> Run {
    net.validate().unwrap();
    let mut pcg = Simulation::new(net, 7).unwrap();
    pcg.run_until(until).unwrap();
    let mut ciw = Simulation::ciw(net, 7).unwrap();
    ciw.run_until(until).unwrap();
    assert_records("Ciw mode against PCG", ciw.records(), pcg.records());
    assert_eq!(ciw.completed(), pcg.completed());
    assert_eq!(ciw.customers_at_nodes(), pcg.customers_at_nodes());
    Run {
        records: pcg.records().to_vec(),
        completed: pcg.completed(),
        present: pcg.customers_at_nodes(),
        utilisation: pcg.utilisation(),
        ciw_utilisation: ciw.utilisation(),
    }
}

/// One server preempting by `mode`; class 0 "Low" (priority 1) arrives at 1
/// with services 10 then 3 (a resample draws the 3), class 1 "High"
/// (priority 0) arrives at 5 with service 2. Both leave after service.
fn low_then_high(mode: Preemption) -> Network {
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)).with_preemption(mode)],
        vec![
            class("Low", 1, &[1.0], vec![seq(&[10.0, 3.0])], vec![]),
            class("High", 0, &[5.0], vec![fixed(2.0)], vec![]),
        ],
    )
}

/// Low (id 1) arrives at 1 to an empty node and starts at once on server 1.
const LOW: Visit = Visit {
    id: 1,
    class: 0,
    node: 1,
    arrival: 1.0,
    start: 1.0,
    service: 10.0,
    exit: f64::NAN,
    to: Some(-1),
    found: 0,
    left: Some(0),
    server: 1,
};
/// High (id 2) arrives at 5, finding Low there.
const HIGH: Visit = Visit {
    id: 2,
    class: 1,
    node: 1,
    arrival: 5.0,
    start: 5.0,
    service: 2.0,
    exit: 7.0,
    to: Some(-1),
    found: 1,
    left: Some(1),
    server: 1,
};

/// Low's service 1..11 interrupted at 5 (service time 10, the one it had).
fn low_interrupted_at_5(to: Option<i32>) -> Record {
    Visit { exit: 5.0, to, ..LOW }.interrupted()
}

/// Then High is served 5..7 and Low again from 7, for `service`.
fn check_served_again(mode: Preemption, service: f64) {
    let out = run(&low_then_high(mode), 30.0);
    let low = Visit { start: 7.0, service, exit: 7.0 + service, ..LOW };
    assert_records(mode.as_str(), &out.records, &[low_interrupted_at_5(None), HIGH.served(), low.served()]);
    assert_eq!(out.completed, 2);
    assert_eq!(out.present, [0]);
    // The server was busy from 1 to the end of Low's last service; Ciw adds
    // nothing to a server's busy time for an interrupted service (1..5).
    let busy = 6.0 + service;
    assert_eq!(out.utilisation, [Some(busy / 30.0)]);
    assert_eq!(out.ciw_utilisation, [Some((busy - 4.0) / 30.0)]);
}

#[test]
fn resume_serves_what_was_left() {
    // 10 - (5 - 1) = 6 left: 7..13.
    check_served_again(Preemption::Resume, 6.0);
}

#[test]
fn restart_serves_the_same_time_again() {
    // 7..17, no new draw.
    check_served_again(Preemption::Restart, 10.0);
}

#[test]
fn resample_draws_a_new_service_time() {
    // The next value of Low's sequence: 7..10.
    check_served_again(Preemption::Resample, 3.0);
}

#[test]
fn without_preemption_high_priority_waits_for_the_server_but_goes_first() {
    // Low is served 1..11; High waits from 5 and is served 11..13. A second
    // Low (id 2) arriving at 3, before High, is served after it, 13..23.
    let mut net = low_then_high(Preemption::Off);
    net.classes[0] = class("Low", 1, &[1.0, 3.0], vec![fixed(10.0)], vec![]);
    let out = run(&net, 30.0);
    let high = Visit { id: 3, start: 11.0, exit: 13.0, found: 2, ..HIGH };
    let low2 = Visit { id: 2, arrival: 3.0, start: 13.0, exit: 23.0, found: 1, ..LOW };
    assert_records(
        "no preemption",
        &out.records,
        &[Visit { exit: 11.0, left: Some(2), ..LOW }.served(), high.served(), low2.served()],
    );
    assert_eq!(out.utilisation, [Some(22.0 / 30.0)]);
    assert_eq!(out.ciw_utilisation, out.utilisation);
}

#[test]
fn resume_twice_keeps_shrinking_the_service() {
    // High arrives at 3 (service 2) and 7 (service 1). Low: 1..3 of 10
    // (8 left), 5..7 of 8 (6 left), 8..14.
    let mut net = low_then_high(Preemption::Resume);
    net.classes[1] = class("High", 0, &[3.0, 7.0], vec![seq(&[2.0, 1.0])], vec![]);
    let out = run(&net, 20.0);
    let high = Visit { arrival: 3.0, start: 3.0, exit: 5.0, ..HIGH };
    let high2 = Visit { id: 3, arrival: 7.0, start: 7.0, service: 1.0, exit: 8.0, ..HIGH };
    assert_records(
        "resume twice",
        &out.records,
        &[
            Visit { exit: 3.0, to: None, ..LOW }.interrupted(),
            high.served(),
            Visit { start: 5.0, service: 8.0, exit: 7.0, to: None, ..LOW }.interrupted(),
            high2.served(),
            Visit { start: 8.0, service: 6.0, exit: 14.0, ..LOW }.served(),
        ],
    );
    assert_eq!(out.utilisation, [Some(13.0 / 20.0)]);
    assert_eq!(out.ciw_utilisation, [Some(9.0 / 20.0)]);
}

#[test]
fn equal_priority_never_preempts() {
    // Two Lows at a preempting node: the second waits, 11..21.
    let mut net = low_then_high(Preemption::Restart);
    net.classes[0] = class("Low", 1, &[1.0, 3.0], vec![fixed(10.0)], vec![]);
    net.classes[1] = class("High", 0, &[], vec![fixed(2.0)], vec![]);
    let out = run(&net, 30.0);
    let low2 = Visit { id: 2, arrival: 3.0, start: 11.0, exit: 21.0, found: 1, ..LOW };
    assert_records(
        "equal priorities",
        &out.records,
        &[Visit { exit: 11.0, left: Some(1), ..LOW }.served(), low2.served()],
    );
}

/// Two nodes: Low goes from node 1 to node 2 (service 4 there, one server,
/// no preemption, room for `capacity` waiting) after its service at node 1,
/// or when it is interrupted there.
fn reroute_net(capacity: Option<usize>) -> Network {
    let second = NodeSpec::new(Servers::Finite(1));
    Network::new(
        vec![
            NodeSpec::new(Servers::Finite(1)).with_preemption(Preemption::Reroute),
            match capacity {
                Some(q) => second.with_queue_capacity(q),
                None => second,
            },
        ],
        vec![
            class("Low", 1, &[1.0], vec![fixed(10.0), fixed(4.0)], vec![vec![0.0, 1.0], vec![0.0, 0.0]]),
            class("High", 0, &[5.0], vec![fixed(2.0), fixed(1.0)], vec![]),
        ],
    )
}

#[test]
fn reroute_sends_the_interrupted_customer_on_at_once() {
    // Low is interrupted at 5 and goes to node 2 at once: 5..9 there.
    let out = run(&reroute_net(None), 30.0);
    // Low has left node 1 when High does.
    let high = Visit { left: Some(0), ..HIGH };
    let at_2 = Visit { node: 2, arrival: 5.0, start: 5.0, service: 4.0, exit: 9.0, ..LOW };
    assert_records("reroute", &out.records, &[low_interrupted_at_5(Some(2)), high.served(), at_2.served()]);
    assert_eq!(out.completed, 2);
    assert_eq!(out.present, [0, 0]);
    // Ciw counts a rerouted service's time as busy (1..5).
    assert_eq!(out.utilisation[0], Some(6.0 / 30.0));
    assert_eq!(out.ciw_utilisation[0], out.utilisation[0]);
}

#[test]
fn reroute_to_the_exit_completes_the_customer() {
    let mut net = reroute_net(None);
    net.classes[0].routing = queue_sim::Routing::Matrix(vec![]);
    let out = run(&net, 30.0);
    let high = Visit { left: Some(0), ..HIGH };
    assert_records("reroute to the exit", &out.records, &[low_interrupted_at_5(Some(-1)), high.served()]);
    assert_eq!(out.completed, 2);
    assert_eq!(out.present, [0, 0]);
}

#[test]
fn reroute_ignores_the_capacity_of_the_destination() {
    // As Ciw: node 2 (one server, no room to wait) is busy with Filler
    // (id 2, arrived at 2, served 2..12), yet Low rerouted there at 5 gets
    // in, waits and is served 12..16.
    let mut net = reroute_net(Some(0));
    net.classes.push(CustomerClass::new(
        "Filler",
        vec![ClassAtNode::new(None, fixed(1.0)), ClassAtNode::new(Some(at(&[2.0])), fixed(10.0))],
        vec![],
    ));
    let out = run(&net, 30.0);
    let high = Visit { id: 3, left: Some(0), ..HIGH };
    let filler =
        Visit { id: 2, class: 2, node: 2, arrival: 2.0, start: 2.0, exit: 12.0, left: Some(1), ..LOW };
    let low_at_2 = Visit { node: 2, arrival: 5.0, start: 12.0, service: 4.0, exit: 16.0, found: 1, ..LOW };
    assert_records(
        "reroute to a full node",
        &out.records,
        &[low_interrupted_at_5(Some(2)), high.served(), filler.served(), low_at_2.served()],
    );
}

#[test]
fn the_worst_priority_in_service_is_interrupted_then_the_latest_started() {
    // Two servers, restart. Low (priority 2) at 1 on server 1, Middle
    // (priority 1) at 2 on server 2, both for 10; High at 3 (for 2) takes
    // Low's server although Middle started later: High 3..5, Low 5..15 on
    // server 1, Middle 2..12.
    let two = NodeSpec::new(Servers::Finite(2)).with_preemption(Preemption::Restart);
    let net = Network::new(
        vec![two.clone()],
        vec![
            class("Low", 2, &[1.0], vec![fixed(10.0)], vec![]),
            class("Middle", 1, &[2.0], vec![fixed(10.0)], vec![]),
            class("High", 0, &[3.0], vec![fixed(2.0)], vec![]),
        ],
    );
    let out = run(&net, 30.0);
    let middle = Visit {
        id: 2,
        class: 1,
        arrival: 2.0,
        start: 2.0,
        exit: 12.0,
        found: 1,
        left: Some(1),
        server: 2,
        ..LOW
    };
    let high =
        Visit { id: 3, class: 2, arrival: 3.0, start: 3.0, exit: 5.0, found: 2, left: Some(2), ..HIGH };
    assert_records(
        "worst priority",
        &out.records,
        &[
            Visit { exit: 3.0, to: None, ..LOW }.interrupted(),
            high.served(),
            middle.served(),
            Visit { start: 5.0, exit: 15.0, ..LOW }.served(),
        ],
    );

    // Two Lows (at 1 and 2): High takes the server of the later one.
    let net = Network::new(
        vec![two],
        vec![
            class("Low", 2, &[1.0, 2.0], vec![fixed(10.0)], vec![]),
            class("High", 0, &[3.0], vec![fixed(2.0)], vec![]),
        ],
    );
    let out = run(&net, 30.0);
    let low2 = Visit { id: 2, arrival: 2.0, start: 2.0, found: 1, server: 2, ..LOW };
    let high = Visit {
        id: 3,
        class: 1,
        arrival: 3.0,
        start: 3.0,
        exit: 5.0,
        found: 2,
        left: Some(2),
        server: 2,
        ..HIGH
    };
    assert_records(
        "latest started",
        &out.records,
        &[
            Visit { exit: 3.0, to: None, ..low2 }.interrupted(),
            high.served(),
            Visit { exit: 11.0, left: Some(1), ..LOW }.served(),
            Visit { start: 5.0, exit: 15.0, found: 1, ..low2 }.served(),
        ],
    );
}

#[test]
fn a_model_file_gives_the_same_priorities_and_preemption() {
    let text = r#"
        [[nodes]]
        servers = 1
        priority_preemption = "resume"

        [[classes]]
        name = "Low"
        priority = 1
        nodes = [{ arrival = { type = "sequential", values = [1.0, inf] }, service = { type = "sequential", values = [10.0, 3.0] } }]

        [[classes]]
        name = "High"
        nodes = [{ arrival = { type = "sequential", values = [5.0, inf] }, service = { type = "deterministic", value = 2.0 } }]
    "#;
    let net = Network::from_toml_str(text).unwrap();
    assert_eq!(net, low_then_high(Preemption::Resume));
    let file = run(&net, 30.0);
    let built = run(&low_then_high(Preemption::Resume), 30.0);
    assert_records("model file", &file.records, &built.records);
}

#[test]
fn reroute_to_the_same_node_waits_behind_the_customer_that_took_the_server() {
    // Low always goes back to node 1. Interrupted at 5, it arrives again at
    // once and waits behind High (5..7), then is served with new draws of
    // its sequence: 7..10 (3), 10..20 (10), 20..23 (3).
    let mut net = low_then_high(Preemption::Reroute);
    net.classes[0].routing = queue_sim::Routing::Matrix(vec![vec![1.0]]);
    let out = run(&net, 30.0);
    let again = |arrival: f64, start: f64, service: f64, found: u32| {
        Visit { arrival, start, service, exit: start + service, to: Some(1), found, ..LOW }.served()
    };
    assert_records(
        "reroute to the same node",
        &out.records,
        &[
            low_interrupted_at_5(Some(1)),
            HIGH.served(),
            again(5.0, 7.0, 3.0, 1),
            again(10.0, 10.0, 10.0, 0),
            again(20.0, 20.0, 3.0, 0),
        ],
    );
}

#[test]
fn a_customer_blocked_after_its_service_is_not_interrupted() {
    // Node 2 (one server, no room to wait) serves Filler (id 2) 2..12. Low
    // (id 1) is served 1..4 at node 1 and then blocked there, holding its
    // server, until node 2 frees at 12. High (id 3) arriving at 5 waits for
    // that server instead of taking it (Ciw 3.2.7 would interrupt Low), and
    // is served 12..14; Low is served 12..16 at node 2.
    let net = Network::new(
        vec![
            NodeSpec::new(Servers::Finite(1)).with_preemption(Preemption::Resume),
            NodeSpec::new(Servers::Finite(1)).with_queue_capacity(0),
        ],
        vec![
            class("Low", 1, &[1.0], vec![fixed(3.0), fixed(4.0)], vec![vec![0.0, 1.0], vec![0.0, 0.0]]),
            CustomerClass::new(
                "Filler",
                vec![ClassAtNode::new(None, fixed(1.0)), ClassAtNode::new(Some(at(&[2.0])), fixed(10.0))],
                vec![],
            )
            .with_priority(1),
            class("High", 0, &[5.0], vec![fixed(2.0), fixed(1.0)], vec![]),
        ],
    );
    let out = run(&net, 30.0);
    let filler = Visit { id: 2, class: 1, node: 2, arrival: 2.0, start: 2.0, exit: 12.0, ..LOW };
    let blocked = Visit { service: 3.0, exit: 12.0, to: Some(2), left: Some(1), ..LOW };
    let high = Visit { id: 3, class: 2, start: 12.0, exit: 14.0, left: Some(0), ..HIGH };
    let at_2 = Visit { node: 2, arrival: 12.0, start: 12.0, service: 4.0, exit: 16.0, ..LOW };
    assert_records(
        "blocked, not interrupted",
        &out.records,
        &[filler.served(), blocked.record(RecordType::Service, 4.0), high.served(), at_2.served()],
    );
    assert_eq!(out.records[1].time_blocked, 8.0);
}

#[test]
fn every_mode_and_priority_survives_a_model_file_and_bad_modes_are_refused() {
    let modes =
        [Preemption::Off, Preemption::Resample, Preemption::Restart, Preemption::Resume, Preemption::Reroute];
    let net = Network::new(
        modes.iter().map(|&m| NodeSpec::new(Servers::Finite(2)).with_preemption(m)).collect(),
        vec![
            class("Low", 7, &[1.0], vec![fixed(1.0); 5], vec![vec![0.0, 0.5, 0.0, 0.0, 0.0]; 5]),
            class("High", 0, &[2.0], vec![fixed(1.0); 5], vec![]),
        ],
    );
    let text = net.to_toml_string().unwrap();
    assert_eq!(Network::from_toml_str(&text).unwrap(), net, "round trip through:\n{text}");
    assert_eq!(text.matches("priority_preemption").count(), 4, "Off is the default, left out:\n{text}");

    let model = |mode: &str| {
        format!(
            "[[nodes]]\nservers = 1\npriority_preemption = {mode}\n\n[[classes]]\nnodes = [{{ arrival = {{ type = \"deterministic\", value = 1.0 }}, service = {{ type = \"deterministic\", value = 0.5 }} }}]\n"
        )
    };
    assert_eq!(
        Network::from_toml_str(&model("false")).unwrap().nodes[0].priority_preemption,
        Preemption::Off
    );
    for (bad, says) in [("true", "does not say how to preempt"), ("\"pause\"", "got \"pause\"")] {
        let err = Network::from_toml_str(&model(bad)).unwrap_err().to_string();
        assert!(err.contains(says) && err.contains("priority_preemption"), "{bad}: {err}");
    }
}

#[test]
fn among_customers_who_started_at_the_same_instant_the_lowest_server_is_interrupted() {
    // Two low-priority customers arrive together at 1 (a batch of two) and
    // start at once on servers 1 and 2; a high-priority one arrives at 2.
    // Ciw's `max` over its server list keeps the first of equal start dates:
    // server 1's customer is interrupted.
    let det = |v: f64| Distribution::Deterministic { value: v };
    let once = |t: f64| Distribution::Sequential { values: vec![t, f64::INFINITY] };
    let net = Network::new(
        vec![NodeSpec::new(Servers::Finite(2)).with_preemption(Preemption::Resume)],
        vec![
            CustomerClass::new(
                "Low",
                vec![ClassAtNode::new(Some(once(1.0)), det(10.0)).with_batch(det(2.0))],
                vec![],
            )
            .with_priority(1),
            CustomerClass::new("High", vec![ClassAtNode::new(Some(once(2.0)), det(1.0))], vec![]),
        ],
    );
    let out = queue_sim::simulate(&net, queue_sim::RngKind::Pcg, 0, queue_sim::Stop::MaxTime(30.0)).unwrap();
    let cut = out
        .records
        .iter()
        .find(|r| r.record_type == RecordType::InterruptedService)
        .expect("an interruption");
    assert_eq!((cut.id_number, cut.server_id, cut.exit_date), (1, Some(1), 2.0));
}

#[test]
fn a_service_time_drawn_again_after_an_interruption_is_checked_like_the_first() {
    // Low's services are its sequence minus 1: 10 at first, then the value
    // after the interruption at 5, drawn when it is served again at 7.
    let minus_one = |values: &[f64]| Distribution::Combined {
        op: queue_sim::CombineOp::Sub,
        first: Box::new(seq(values)),
        second: Box::new(fixed(1.0)),
    };
    let with_low_service = |service: Distribution| {
        let mut net = low_then_high(Preemption::Resample);
        net.classes[0] = class("Low", 1, &[1.0], vec![service], vec![]);
        net
    };
    // A service of 0 is a service like any other: Low leaves at 7.
    let out = run(&with_low_service(minus_one(&[11.0, 1.0])), 30.0);
    let low = Visit { start: 7.0, service: 0.0, exit: 7.0, ..LOW };
    assert_records("zero", &out.records, &[low_interrupted_at_5(None), HIGH.served(), low.served()]);
    // A negative one stops the run at 7, naming the node, class and role.
    for rng in [queue_sim::RngKind::Pcg, queue_sim::RngKind::Ciw] {
        let net = with_low_service(minus_one(&[11.0, 0.5]));
        let err = queue_sim::simulate(&net, rng, 0, queue_sim::Stop::MaxTime(30.0)).unwrap_err();
        assert!(
            matches!(
                err,
                queue_sim::SimError::InvalidSample { node: 0, class: 0, role: "service", value: -0.5 }
            ),
            "{err:?}"
        );
    }
}

#[test]
fn a_service_end_left_behind_by_an_interruption_is_not_counted_as_an_event() {
    // Low arrives at 1, High at 5 (interrupting Low, whose service end at
    // 11 is left pending), High leaves at 7, Low at 13: four events. The
    // pending end at 11 does nothing and is not counted.
    let net = low_then_high(Preemption::Resume);
    let mut sim = Simulation::new(&net, 7).unwrap();
    sim.run_until(30.0).unwrap();
    assert_eq!(sim.completed(), 2);
    assert_eq!(sim.events_processed(), 4);
}
