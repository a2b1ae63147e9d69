//! Tests of run summaries: hand-computed records, and the M/M/3 queue
//! against Erlang C.

use super::*;
use crate::engine::{Stop, simulate};
use crate::network::Network;
use crate::random::RngKind;

/// A record with the fields summaries read; the rest NaN or empty.
fn rec(id: u64, class: u32, node: u32, arrival: f64, wait: f64, service: f64, kind: RecordType) -> Record {
    Record {
        id_number: id,
        customer_class: class,
        original_customer_class: class,
        node,
        arrival_date: arrival,
        waiting_time: wait,
        service_start_date: arrival + wait,
        service_time: service,
        service_end_date: arrival + wait + service,
        time_blocked: 0.0,
        exit_date: arrival + wait + service,
        destination: Some(-1),
        queue_size_at_arrival: 0,
        queue_size_at_departure: Some(0),
        server_id: None,
        record_type: kind,
    }
}

#[test]
fn a_run_is_summarised_per_node_and_class_after_the_warmup() {
    use RecordType::*;
    let nan = f64::NAN;
    let records = [
        // Customer 1 arrived before the warm-up: both its records go, the
        // second although it is after the warm-up.
        rec(1, 0, 1, 1.0, 0.0, 2.0, Service),
        rec(1, 0, 2, 6.0, 0.0, 9.0, Service),
        rec(2, 0, 1, 6.0, 1.0, 3.0, Service),
        rec(3, 1, 1, 7.0, 3.0, 1.0, Service),
        rec(2, 0, 2, 10.0, 0.0, 4.0, Service),
        rec(4, 1, 1, 8.0, nan, nan, Rejection),
        rec(5, 0, 1, 9.0, nan, nan, Baulk),
        rec(6, 1, 1, 9.5, 2.0, nan, Renege),
        rec(7, 1, 1, 11.0, 0.0, 0.5, InterruptedService),
        // Arrived before the warm-up, served across it: not a customer of
        // the window, but its server time inside the window counts.
        rec(8, 0, 1, 3.0, 1.0, 2.0, Service),
    ];
    let window = Window::new(5.0, 15.0).unwrap();
    let stats = RunStats::from_records(&records, &[Some(2), None], 2, window).unwrap();
    let cells: Vec<_> = stats.cells.iter().map(|c| (c.node, c.class)).collect();
    assert_eq!(cells, [(1, None), (1, Some(0)), (1, Some(1)), (2, None), (2, Some(0)), (2, Some(1))]);
    let all = &stats.cells[0];
    assert_eq!((all.services, all.rejections, all.baulks, all.reneges), (2, 1, 1, 1));
    assert_eq!((all.mean_wait, all.mean_service, all.throughput), (2.0, 2.0, 0.2));
    // Busy 3 + 1 + 0.5 + 1 (of customer 8) over 2 servers x 10 time units.
    assert_eq!(all.utilisation, Some(0.275));
    let first = &stats.cells[1];
    assert_eq!((first.services, first.mean_wait, first.mean_service), (1, 1.0, 3.0));
    assert_eq!((first.rejections, first.baulks, first.reneges, first.utilisation), (0, 1, 0, Some(0.2)));
    let second = &stats.cells[2];
    assert_eq!((second.services, second.mean_wait, second.mean_service), (1, 3.0, 1.0));
    assert_eq!((second.rejections, second.baulks, second.reneges), (1, 0, 1));
    assert_eq!(second.utilisation, Some(0.075));
    let node2 = &stats.cells[3];
    assert_eq!((node2.services, node2.mean_wait, node2.mean_service, node2.throughput), (1, 0.0, 4.0, 0.1));
    assert_eq!(node2.utilisation, None, "infinite servers");
    let empty = &stats.cells[5];
    assert_eq!(empty.services, 0);
    assert!(empty.mean_wait.is_nan() && empty.mean_service.is_nan());
    assert_eq!(empty.get(Statistic::Throughput), 0.0);

    // Without a warm-up customer 1 counts.
    let stats =
        RunStats::from_records(&records, &[Some(2), None], 2, Window::new(0.0, 15.0).unwrap()).unwrap();
    assert_eq!(stats.cells[0].services, 4);
    assert_eq!(stats.cells[3].services, 2);
}

#[test]
fn bad_windows_records_and_levels_are_errors() {
    for (warmup, end) in [(-1.0, 10.0), (10.0, 10.0), (f64::NAN, 10.0), (11.0, 10.0)] {
        let err = Window::new(warmup, end).unwrap_err();
        assert!(matches!(err, SummaryError::Warmup { .. }), "{warmup} {end}: {err}");
        assert!(err.to_string().contains("warm-up"), "{err}");
    }
    for end in [0.0, f64::INFINITY, f64::NAN] {
        assert!(matches!(Window::new(0.0, end), Err(SummaryError::End(_))), "{end}");
    }
    let records = [rec(1, 0, 3, 1.0, 0.0, 1.0, RecordType::Service)];
    let err = RunStats::from_records(&records, &[Some(1)], 1, Window::new(0.0, 5.0).unwrap()).unwrap_err();
    assert_eq!(err, SummaryError::Node { id: 1, node: 3, nodes: 1 });
    assert!(err.to_string().contains("node 3"), "{err}");
    for level in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(Estimate::of(&[1.0, 2.0], level), Err(SummaryError::Confidence(_))), "{level}");
    }
}

#[test]
fn estimates_leave_out_nan_and_need_two_values_for_an_interval() {
    // Hand-computed: 2, 4, 9 -> mean 5, s^2 = (9 + 1 + 16) / 2 = 13,
    // t(0.95, 2) = 2.919986 (90% level).
    let e = Estimate::of(&[2.0, f64::NAN, 4.0, 9.0], 0.90).unwrap();
    assert_eq!((e.describe.count, e.describe.mean, e.describe.q50), (3, 5.0, 4.0));
    let expected = 2.919_985_580_355_516 * 13f64.sqrt() / 3f64.sqrt();
    assert!((e.half_width - expected).abs() < 1e-9, "{}", e.half_width);
    let one = Estimate::of(&[3.0], 0.95).unwrap();
    assert_eq!(one.describe.mean, 3.0);
    assert!(one.half_width.is_nan());
    assert!(summarise(&[], 0.95).unwrap().is_empty());
}

#[test]
fn the_mmc_mean_wait_after_a_warmup_agrees_with_erlang_c() {
    // The talk's c = 3 queue: 100 runs of 10 000 time units, the first
    // 1 000 dropped; Erlang C's 40/9 must be inside the 95% interval, and
    // the utilisation's 2/3 inside its own.
    let net = Network::mmc(0.2, 0.1, 3);
    let runs: Vec<RunStats> = (0..100)
        .map(|seed| {
            let out = simulate(&net, RngKind::Pcg, seed, Stop::MaxTime(10_000.0)).unwrap();
            let window = Window::new(1_000.0, out.end_time).unwrap();
            RunStats::from_records(&out.records, &[Some(3)], 1, window).unwrap()
        })
        .collect();
    let lines = summarise(&runs, 0.95).unwrap();
    let find = |s: Statistic| lines.iter().find(|l| l.class.is_none() && l.statistic == s).unwrap().estimate;
    let wait = find(Statistic::MeanWait);
    let theory = crate::theory::mmc_mean_wait(0.2, 0.1, 3).unwrap();
    assert!(
        wait.low() <= theory && theory <= wait.high(),
        "{theory} outside [{}, {}]",
        wait.low(),
        wait.high()
    );
    assert!(wait.half_width < 0.5, "a tight interval: {}", wait.half_width);
    let util = find(Statistic::Utilisation);
    assert!(util.low() <= 2.0 / 3.0 && 2.0 / 3.0 <= util.high(), "{util:?}");
    let service = find(Statistic::MeanService);
    assert!(service.low() <= 10.0 && 10.0 <= service.high(), "{service:?}");
    assert_eq!(lines.len(), 2 * Statistic::ALL.len(), "all classes and the one class");
}
