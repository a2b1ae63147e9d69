//! Routers (Ciw's routing objects): each rule, user routers, model files
//! and their checks.

use queue_sim::{
    ClassAtNode, CustomerClass, Destination, Distribution, ModelError, Network, NetworkState, NodeSpec,
    QueuedCustomer, RandomSource, RecordType, RngKind, Router, RouterFunction, RouterProblem, Routing,
    Servers, SimError, Stop, TieBreak, simulate,
};

/// Arrivals every 1 at node 0 (one server taking 0.5); nodes 1 and 2 have
/// one server taking `slow` and 0.1.
fn three(routers: Vec<Router>, slow: f64) -> Network {
    let det = |v: f64| Distribution::Deterministic { value: v };
    Network::new(
        vec![NodeSpec::new(Servers::Finite(1)); 3],
        vec![
            CustomerClass::new(
                "Customer",
                vec![
                    ClassAtNode::new(Some(det(1.0)), det(0.5)),
                    ClassAtNode::new(None, det(slow)),
                    ClassAtNode::new(None, det(0.1)),
                ],
                vec![],
            )
            .with_routing(routers),
        ],
    )
}

fn visits(net: &Network, until: f64) -> Vec<(u64, u32)> {
    let out = simulate(net, RngKind::Pcg, 0, Stop::MaxTime(until)).unwrap();
    let mut v: Vec<(u64, u32)> =
        out.records.iter().filter(|r| r.node > 1).map(|r| (r.id_number, r.node)).collect();
    v.sort_unstable();
    v
}

#[test]
fn a_cycle_sends_customers_to_its_nodes_in_turn() {
    let net = three(vec![Router::Cycle { cycle: vec![1, 2, 2] }, Router::Leave, Router::Leave], 0.2);
    assert_eq!(visits(&net, 6.9), [(1, 2), (2, 3), (3, 3), (4, 2), (5, 3), (6, 3)]);
}

#[test]
fn join_the_shortest_queue_avoids_a_queue_that_builds_up() {
    // Node 1 takes 3 per customer: its queue grows, so after the first few
    // customers go there in order, the rest go to node 2.
    let net = three(
        vec![
            Router::JoinShortestQueue { destinations: vec![1, 2], tie_break: TieBreak::Order },
            Router::Leave,
            Router::Leave,
        ],
        3.0,
    );
    let v = visits(&net, 40.0);
    // Both queues are empty at 1.5: the tie goes to node 1 (in order); at
    // 2.5 node 1 serves, node 2 is empty with no queue: a tie again (queues
    // count waiting customers only), node 1; at 3.5 node 1 has one waiting.
    assert_eq!(&v[..3], [(1, 2), (2, 2), (3, 3)]);
    let to_two = v.iter().filter(|&&(_, n)| n == 2).count();
    assert!(to_two < v.len() / 2, "{v:?}");
}

#[test]
fn load_balancing_counts_customers_in_service_too() {
    let net = three(
        vec![
            Router::LoadBalancing { destinations: vec![1, 2], tie_break: TieBreak::Order },
            Router::Leave,
            Router::Leave,
        ],
        3.0,
    );
    // At 2.5 node 1 holds its first customer in service: node 2 is emptier.
    assert_eq!(&visits(&net, 10.0)[..2], [(1, 2), (2, 3)]);
}

#[derive(Debug)]
struct ToEmptier;

impl RouterFunction for ToEmptier {
    fn next(
        &self,
        c: &QueuedCustomer,
        node: usize,
        net: &NetworkState,
        _: &mut dyn RandomSource,
    ) -> Destination {
        assert_eq!((node, c.class, net.nodes()), (0, 0, 3));
        assert!(net.now() > c.arrival);
        if net.present(1) <= net.present(2) { Destination::Node(1) } else { Destination::Node(2) }
    }
}

#[test]
fn a_user_router_sees_the_network_and_chooses() {
    let custom = three(vec![Router::custom(ToEmptier), Router::Leave, Router::Leave], 3.0);
    let balance = three(
        vec![
            Router::LoadBalancing { destinations: vec![1, 2], tie_break: TieBreak::Order },
            Router::Leave,
            Router::Leave,
        ],
        3.0,
    );
    assert_eq!(visits(&custom, 30.0), visits(&balance, 30.0));
}

#[derive(Debug)]
struct Nowhere;

impl RouterFunction for Nowhere {
    fn next(&self, _: &QueuedCustomer, _: usize, _: &NetworkState, _: &mut dyn RandomSource) -> Destination {
        Destination::Node(7)
    }
}

#[test]
fn a_user_router_naming_no_node_stops_the_run() {
    let net = three(vec![Router::custom(Nowhere), Router::Leave, Router::Leave], 1.0);
    let err = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(10.0)).unwrap_err();
    assert!(matches!(err, SimError::InvalidRoute { node: 0, to: 7, nodes: 3, .. }), "{err:?}");
}

#[test]
fn a_probabilistic_router_sends_as_the_same_matrix_row() {
    let mut matrix = three(vec![], 0.2);
    matrix.classes[0].routing = Routing::Matrix(vec![vec![0.0, 0.3, 0.5], vec![0.0; 3], vec![0.0; 3]]);
    let routers = three(
        vec![
            // Destinations in another order than the matrix's columns.
            Router::Probabilistic { destinations: vec![2, 1], probs: vec![0.5, 0.3] },
            Router::Probabilistic { destinations: vec![], probs: vec![] },
            Router::Leave,
        ],
        0.2,
    );
    for net in [&matrix, &routers] {
        let out = simulate(net, RngKind::Pcg, 4, Stop::MaxTime(20_000.0)).unwrap();
        let from0: Vec<i32> =
            out.records.iter().filter(|r| r.node == 1).map(|r| r.destination.unwrap()).collect();
        let share = |d: i32| from0.iter().filter(|&&x| x == d).count() as f64 / from0.len() as f64;
        // 20 000 draws: standard errors below 0.0036.
        for (d, p) in [(2, 0.3), (3, 0.5), (-1, 0.2)] {
            assert!((share(d) - p).abs() < 0.02, "to {d}: {} against {p}", share(d));
        }
    }
}

#[test]
fn routers_are_checked_naming_class_node_and_problem() {
    let err = three(vec![Router::Cycle { cycle: vec![] }, Router::Leave, Router::Leave], 1.0)
        .validate()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Router { class: 0, node: 0, router: "cycle", problem: RouterProblem::Empty }
        ),
        "{err:?}"
    );
    let err = three(vec![Router::Leave, Router::Direct { to: Destination::Node(3) }, Router::Leave], 1.0)
        .validate()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Router { node: 1, problem: RouterProblem::NoSuchNode { to: 3, nodes: 3 }, .. }
        ),
        "{err:?}"
    );
    let err = three(
        vec![
            Router::Probabilistic { destinations: vec![1], probs: vec![0.5, 0.5] },
            Router::Leave,
            Router::Leave,
        ],
        1.0,
    )
    .validate()
    .unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Router { problem: RouterProblem::Lengths { destinations: 1, probs: 2 }, .. }
        ),
        "{err:?}"
    );
    let err = three(
        vec![
            Router::Probabilistic { destinations: vec![1, 2], probs: vec![0.6, 0.6] },
            Router::Leave,
            Router::Leave,
        ],
        1.0,
    )
    .validate()
    .unwrap_err();
    assert!(matches!(err, ModelError::RoutingRowSum { class: 0, from: 0, .. }), "{err:?}");
    let err = three(vec![Router::Leave, Router::Leave], 1.0).validate().unwrap_err();
    assert!(matches!(err, ModelError::RoutingShape { found: 2, expected: 3, .. }), "{err:?}");
}

#[test]
fn routers_in_model_files() {
    let net = three(
        vec![
            Router::JoinShortestQueue { destinations: vec![1, 2], tie_break: TieBreak::Random },
            Router::Direct { to: Destination::Exit },
            Router::Cycle { cycle: vec![0] },
        ],
        1.0,
    );
    let text = net.to_toml_string().unwrap();
    assert!(text.contains("join_shortest_queue") && text.contains("\"exit\""), "{text}");
    assert_eq!(Network::from_toml_str(&text).unwrap(), net);
    let head = "[[nodes]]\nservers = 1\n[[classes]]\nnodes = [{ arrival = { type = \"exponential\", rate = 1.0 }, service = { type = \"exponential\", rate = 2.0 } }]\n";
    let err = Network::from_toml_str(&format!("{head}routing = [{{ type = \"teleport\" }}]\n")).unwrap_err();
    assert!(err.to_string().contains("teleport"), "{err}");
    let err =
        Network::from_toml_str(&format!("{head}routing = [[0.5], {{ type = \"leave\" }}]\n")).unwrap_err();
    assert!(err.to_string().contains("not a mix"), "{err}");
    let net = Network::from_toml_str(&format!("{head}routing = [{{ type = \"leave\" }}]\n")).unwrap();
    assert_eq!(net.classes[0].routing, Routing::Routers(vec![Router::Leave]));
    let out = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(50.0)).unwrap();
    assert!(out.records.iter().all(|r| r.record_type == RecordType::Service && r.destination == Some(-1)));
}

#[test]
fn a_cycle_among_nodes_with_no_way_out_is_a_trap() {
    let net = three(
        vec![
            Router::Direct { to: Destination::Node(1) },
            Router::Cycle { cycle: vec![2] },
            Router::Direct { to: Destination::Node(1) },
        ],
        0.1,
    );
    let err = simulate(&net, RngKind::Pcg, 0, Stop::MaxCustomers(10)).unwrap_err();
    assert!(matches!(err, SimError::NoExit { class: 0, .. }), "{err:?}");
}

/// Join the shortest of two M/M/1 queues (arrivals at rate `lambda` to a
/// dispatcher, each queue served at rate 1): its mean sojourn lies strictly
/// between the pooled M/M/2's (one queue for both servers, the best any
/// dispatcher can do) and that of two independent M/M/1 queues fed at
/// random (no information used). At lambda = 1.6: 1/(1 - 0.8) = 5 for the
/// random split; the M/M/2 gives 2.78; JSQ is known to come close to the
/// pooled queue (Winston 1977, Flatto and McKean 1977).
#[test]
fn join_the_shortest_of_two_queues_lies_between_pooling_and_random_splitting() {
    let lambda = 1.6;
    let exp = Distribution::exponential;
    let net = Network::new(
        vec![
            NodeSpec::new(Servers::Infinite),
            NodeSpec::new(Servers::Finite(1)),
            NodeSpec::new(Servers::Finite(1)),
        ],
        vec![
            CustomerClass::new(
                "Customer",
                vec![
                    // A dispatcher that takes no time.
                    ClassAtNode::new(Some(exp(lambda)), Distribution::Deterministic { value: 0.0 }),
                    ClassAtNode::new(None, exp(1.0)),
                    ClassAtNode::new(None, exp(1.0)),
                ],
                vec![],
            )
            .with_routing(vec![
                Router::JoinShortestQueue { destinations: vec![1, 2], tie_break: TieBreak::Random },
                Router::Leave,
                Router::Leave,
            ]),
        ],
    );
    let means: Vec<f64> = (0..10)
        .map(|seed| {
            let out = simulate(&net, RngKind::Pcg, seed, Stop::MaxTime(20_500.0)).unwrap();
            let s: Vec<f64> = out
                .records
                .iter()
                .filter(|r| r.node > 1 && r.arrival_date > 500.0)
                .map(|r| r.exit_date - r.arrival_date)
                .collect();
            s.iter().sum::<f64>() / s.len() as f64
        })
        .collect();
    let mean = means.iter().sum::<f64>() / means.len() as f64;
    let pooled = queue_sim::theory::mmc_mean_sojourn(lambda, 1.0, 2).unwrap();
    let split = 1.0 / (1.0 - lambda / 2.0);
    assert!(pooled < mean && mean < split, "JSQ {mean}, M/M/2 {pooled}, random split {split}");
    // Much closer to pooling than to splitting.
    assert!(mean - pooled < 0.25 * (split - pooled), "JSQ {mean}, M/M/2 {pooled}, random split {split}");
}

#[derive(Debug)]
struct OnePastTheLast;

impl RouterFunction for OnePastTheLast {
    fn next(
        &self,
        _: &QueuedCustomer,
        _: usize,
        net: &NetworkState,
        _: &mut dyn RandomSource,
    ) -> Destination {
        Destination::Node(net.nodes())
    }
}

#[test]
fn a_user_router_naming_the_node_one_past_the_last_stops_the_run() {
    // Nodes are numbered from 0: in a network of 3, node 3 does not exist.
    let net = three(vec![Router::custom(OnePastTheLast), Router::Leave, Router::Leave], 1.0);
    let err = simulate(&net, RngKind::Pcg, 0, Stop::MaxTime(10.0)).unwrap_err();
    assert!(matches!(err, SimError::InvalidRoute { node: 0, class: 0, to: 3, nodes: 3, .. }), "{err:?}");
}
