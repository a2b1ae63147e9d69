//! The bench's JSON: valid whatever was measured, skipped peers present.

use serde_json::{Value, json};

use super::{Report, median, spread};

fn written(report: &Report) -> Value {
    let text = serde_json::to_string_pretty(&report.to_json(json!({ "quick": true }))).unwrap();
    serde_json::from_str(&text).expect("the report is valid JSON")
}

fn figure<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["figures"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap()
}

#[test]
fn non_finite_values_are_null_and_named() {
    let mut r = Report::default();
    r.measured("frame.query_s", "s", "chunked-frame", "fresh process each", vec![f64::NAN, 1.0, 2.0]);
    r.derived("frame.ratio", "x", "polars", f64::INFINITY).ratio(f64::NEG_INFINITY, "theirs / ours");
    let doc = written(&r);
    let inf = figure(&doc, "frame.ratio");
    assert_eq!(inf["value"], Value::Null);
    assert_eq!(inf["non_finite"], "inf");
    assert_eq!(inf["ratio"]["value"], Value::Null);
    assert_eq!(inf["ratio"]["non_finite"], "-inf");
    let q = figure(&doc, "frame.query_s");
    assert_eq!(q["samples"], json!([null, 1.0, 2.0]));
    assert_eq!(q["repeats"], 3);
}

#[test]
fn skipped_figures_are_present_and_say_why() {
    let mut r = Report::default();
    r.skipped("engine.trial_ciw_us", "us", "ciw", "no ciw in python3");
    let doc = written(&r);
    let f = figure(&doc, "engine.trial_ciw_us");
    assert_eq!(f["skipped"], "no ciw in python3");
    assert_eq!(f["value"], Value::Null);
    assert_eq!(f["section"], "engine");
    assert_eq!(f["who"], "ciw");
}

#[test]
fn a_figure_carries_its_median_ratio_target_and_versions() {
    let mut r = Report::default();
    r.measured("engine.trial_pcg_us", "us", "queue-sim", "in one process", vec![3.0, 1.0, 2.0, 10.0])
        .ratio(226.0, "Ciw's time / ours")
        .target("at least 200x", true);
    r.version("ciw", "3.2.7");
    r.check("frame.means_equal_pandas", false, json!({ "EWR": [1.0, 1.5] }));
    let doc = written(&r);
    let f = figure(&doc, "engine.trial_pcg_us");
    assert_eq!(f["value"], 2.5);
    assert_eq!(f["ratio"]["value"], 226.0);
    assert_eq!(f["target"], json!({ "text": "at least 200x", "met": true }));
    assert_eq!(doc["versions"]["ciw"], "3.2.7");
    assert_eq!(doc["checks"][0]["passed"], false);
    assert_eq!(doc["meta"]["quick"], true);
}

#[test]
fn medians_and_spreads() {
    assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    assert!(median(&[]).is_nan());
    assert_eq!(spread(&[0.5, 0.25], 2.0, 1), "runs: 1.0, 0.5");
    let many: Vec<f64> = (0..101).map(f64::from).collect();
    assert_eq!(spread(&many, 1.0, 0), "101 runs: min 0, quartiles 25 / 50 / 75, max 100");
}
