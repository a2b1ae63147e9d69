//! Model checks that no other test reaches: processor sharing that cannot
//! work as asked, keys that would do nothing, and the bound on the servers
//! of a node that chooses its servers by a priority, scheduled or not.

use queue_sim::{
    ClassAtNode, CustomerClass, Distribution, MAX_PRIORITISED_SERVERS, ModelError, Network, NodeSpec,
    Schedule, ServerPriority, Servers,
};

fn class(name: &str, priority: u32) -> CustomerClass {
    let at = ClassAtNode::new(Some(Distribution::exponential(1.0)), Distribution::exponential(2.0));
    CustomerClass::new(name, vec![at], vec![vec![0.0]]).with_priority(priority)
}

fn one_node(node: NodeSpec, classes: Vec<CustomerClass>) -> Network {
    Network::new(vec![node], classes)
}

fn sharing_problem(net: &Network) -> &'static str {
    match net.validate() {
        Err(ModelError::ProcessorSharing { node: 0, problem }) => problem,
        other => panic!("expected a processor-sharing error at node 0, got {other:?}"),
    }
}

#[test]
fn processor_sharing_needs_a_threshold_fixed_servers_and_one_priority() {
    let shared = |threshold| NodeSpec::new(Servers::Finite(1)).with_processor_sharing(threshold);
    // A threshold of 0 would share among nobody.
    let net = one_node(shared(0), vec![class("A", 0)]);
    assert!(sharing_problem(&net).contains("ps_threshold must be at least 1"));
    assert!(net.validate().unwrap_err().to_string().starts_with("node 0: processor sharing: "));
    assert!(one_node(shared(1), vec![class("A", 0)]).validate().is_ok());
    // Shifts and slots: the shared service has no servers to follow.
    for servers in [
        Servers::Schedule(Schedule::new(vec![1, 2], vec![5.0, 10.0])),
        Servers::Slotted(queue_sim::Slotted::new(vec![1.0, 2.0], vec![1, 1])),
    ] {
        let mut node = shared(2);
        node.servers = servers;
        let net = one_node(node, vec![class("A", 0)]);
        assert!(sharing_problem(&net).contains("server schedule or slots"), "{:?}", net.nodes[0].servers);
    }
    // Classes of one priority share, whatever its value; of two, not.
    assert!(one_node(shared(1), vec![class("A", 3), class("B", 3)]).validate().is_ok());
    let net = one_node(shared(1), vec![class("A", 0), class("B", 0), class("C", 1)]);
    assert!(sharing_problem(&net).contains("different priorities"));
    // Without processor sharing, the same node and classes are fine.
    let plain = one_node(NodeSpec::new(Servers::Finite(1)), vec![class("A", 0), class("C", 1)]);
    assert!(plain.validate().is_ok());
}

#[test]
fn a_reneging_destination_without_reneging_is_refused_as_doing_nothing() {
    let mut net = Network::new(
        vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(1))],
        vec![CustomerClass::new(
            "A",
            vec![
                ClassAtNode::new(Some(Distribution::exponential(1.0)), Distribution::exponential(2.0)),
                ClassAtNode::new(None, Distribution::exponential(2.0)),
            ],
            vec![vec![0.0, 0.5], vec![0.0, 0.0]],
        )],
    );
    net.classes[0].nodes[1] =
        net.classes[0].nodes[1].clone().with_reneging(Distribution::exponential(1.0), Some(0));
    assert!(net.validate().is_ok());
    net.classes[0].nodes[1].reneging = None;
    let err = net.validate().unwrap_err();
    assert!(
        matches!(err, ModelError::NoEffect { node: 1, class: 0, key: "reneging_destination", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("node 1, class 0: reneging_destination has no effect"), "{err}");
}

#[test]
fn a_node_choosing_servers_by_priority_may_have_up_to_the_bound_on_duty_at_once() {
    let most = MAX_PRIORITISED_SERVERS;
    let node =
        |servers: Servers, priority: ServerPriority| NodeSpec::new(servers).with_server_priority(priority);
    let shifts = |n: usize| Servers::Schedule(Schedule::new(vec![1, n, 2], vec![1.0, 2.0, 3.0]));
    for servers in [Servers::Finite(most), shifts(most)] {
        let net = one_node(node(servers.clone(), ServerPriority::LeastBusy), vec![class("A", 0)]);
        assert!(net.validate().is_ok(), "{servers:?}");
    }
    for servers in [Servers::Finite(most + 1), shifts(most + 1)] {
        let net = one_node(node(servers.clone(), ServerPriority::HighestId), vec![class("A", 0)]);
        let err = net.validate().unwrap_err();
        assert!(
            matches!(err, ModelError::TooManyPrioritisedServers { node: 0, servers: s, max } if s == most + 1 && max == most),
            "{servers:?}: {err:?}"
        );
        // The lowest id, the default, needs no list of free servers.
        let net = one_node(node(servers.clone(), ServerPriority::LowestId), vec![class("A", 0)]);
        assert!(net.validate().is_ok(), "{servers:?}");
    }
}

#[test]
fn more_node_class_pairs_than_a_u32_counts_are_refused_before_anything_else() {
    // u32::MAX = 65535 * 65537: so many pairs pass (the classes, which
    // list no nodes, are refused next), one node more does not.
    let classes = vec![CustomerClass::new("A", vec![], vec![]); 65_537];
    let at_most = Network::new(vec![NodeSpec::new(Servers::Finite(1)); 65_535], classes.clone());
    let err = at_most.validate().unwrap_err();
    assert!(matches!(err, ModelError::ClassNodeCount { class: 0, expected: 65_535, found: 0 }), "{err:?}");
    let beyond = Network::new(vec![NodeSpec::new(Servers::Finite(1)); 65_536], classes);
    let err = beyond.validate().unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::TooLarge { what: "(node, class) pairs", count: 4_295_032_832, max: 4_294_967_295 }
        ),
        "{err:?}"
    );
}

#[test]
fn a_routing_row_may_sum_to_one_plus_the_tolerance_and_no_more() {
    // 0.5 + (0.5 + 1e-12) is exactly the f64 nearest 1 + 1e-12.
    let row = |extra: f64| {
        let at = ClassAtNode::new(Some(Distribution::exponential(1.0)), Distribution::exponential(2.0));
        Network::new(
            vec![NodeSpec::new(Servers::Finite(1)), NodeSpec::new(Servers::Finite(1))],
            vec![CustomerClass::new("A", vec![at.clone(), at], vec![vec![0.5, 0.5 + extra], vec![0.0, 0.0]])],
        )
    };
    assert!(row(1e-12).validate().is_ok());
    let err = row(2e-12).validate().unwrap_err();
    assert!(matches!(err, ModelError::RoutingRowSum { class: 0, from: 0, .. }), "{err:?}");
}
