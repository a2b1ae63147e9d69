//! `cargo xtask bench --quick --json OUT` end to end on the two cheapest
//! sections (engine, executors; a few seconds in a debug build): every
//! figure they print is in the JSON, with positive values, a peer that
//! cannot run is recorded as skipped, not left out, and a bad path fails
//! before any work.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn xtask() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.env("RUST_BACKTRACE", "0");
    c
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-bench-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_quick_engine_bench_writes_every_figure_as_json() {
    let dir = scratch("json");
    let out = dir.join("bench.json");
    let run = xtask()
        .args(["bench", "engine", "--quick", "--python", "/nonexistent/python", "--json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["meta"]["quick"], true);
    let figures = doc["figures"].as_array().unwrap();
    let named =
        |name: &str| figures.iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no {name}"));
    let mut names = vec![
        "engine.trial_pcg_us".to_owned(),
        "engine.trial_ciw_rng_us".into(),
        "engine.events_mm3_meps".into(),
        "engine.behaviour_pcg_us".into(),
        "engine.behaviour_ciw_rng_us".into(),
        "engine.behaviour_events_meps".into(),
        "engine.time_state_pcg_us".into(),
        "engine.time_state_ciw_rng_us".into(),
        "engine.time_state_events_meps".into(),
    ];
    for n in [1, 10, 100, 1000] {
        names.push(format!("engine.copies_{n}_meps"));
        names.push(format!("engine.ring_{n}_meps"));
    }
    for c in [3, 30, 300, 3000] {
        names.push(format!("engine.mmc_c{c}_meps"));
    }
    for name in &names {
        let f = named(name);
        assert_eq!(f["section"], "engine");
        assert_eq!(f["who"], "queue-sim");
        let value = f["value"].as_f64().unwrap_or_else(|| panic!("{name} has no value"));
        assert!(value > 0.0, "{name} = {value}");
        let samples = f["samples"].as_array().unwrap();
        assert_eq!(f["repeats"], samples.len());
        assert!(samples.iter().all(|x| x.as_f64().is_some_and(|x| x > 0.0)), "{name}: {samples:?}");
    }
    assert_eq!(named("engine.trial_pcg_us")["repeats"], 20);
    assert!(named("engine.copies_100_meps")["target"]["met"].is_boolean());
    let ciw = named("engine.trial_ciw_us");
    assert_eq!(ciw["value"], Value::Null);
    assert!(ciw["skipped"].as_str().unwrap().contains("/nonexistent/python"), "{ciw}");
    assert_eq!(named("engine.behaviour_ciw_us")["value"], Value::Null);
    assert_eq!(named("engine.time_state_ciw_us")["value"], Value::Null);
    // Every figure the section printed is there: nothing else and nothing
    // twice (the three skipped Ciw figures, and the ring against one node).
    assert_eq!(figures.len(), names.len() + 4, "{figures:?}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("Ciw: skipped"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_json_path_fails_before_the_bench_starts() {
    let dir = scratch("badpath");
    let out = dir.join("missing-folder").join("bench.json");
    let run = xtask()
        .args(["bench", "engine", "--quick", "--python", "/nonexistent/python", "--json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("missing-folder"), "{stderr}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(!stdout.contains("queue-sim"), "the bench ran before the path was checked: {stdout}");
    // Standard output holds the tables: the JSON would be mixed into them.
    let run = xtask().args(["bench", "engine", "--quick", "--json", "-"]).output().unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--json -"));
    assert!(run.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_quick_executors_bench_records_dask_as_skipped_and_the_speedups() {
    let dir = scratch("executors");
    let out = dir.join("bench.json");
    let run = xtask()
        .args(["bench", "executors", "--quick", "--python", "/nonexistent/python", "--json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let figures = doc["figures"].as_array().unwrap();
    let named =
        |name: &str| figures.iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no {name}"));
    for name in [
        "executors.dask_delayed_call_small_us",
        "executors.dask_sleeping_2w_s",
        "executors.dask_sleeping_16w_s",
    ] {
        assert!(named(name)["skipped"].is_string(), "{}", named(name));
        assert_eq!(named(name)["who"], "dask");
    }
    for strategy in ["work_queue", "pool", "graph"] {
        for part in ["talk", "big"] {
            let f = named(&format!("executors.{part}_speedup_{strategy}"));
            assert!(f["value"].as_f64().is_some_and(|x| x > 0.0), "{f}");
            assert!(f["target"]["met"].is_boolean(), "{f}");
        }
        assert!(
            named(&format!("executors.overhead_{strategy}_us"))["value"].as_f64().is_some_and(|x| x > 0.0)
        );
    }
    for name in ["executors.delayed_call_us", "executors.sleeping_2w_s", "executors.sleeping_16w_s"] {
        assert!(named(name)["value"].as_f64().is_some_and(|x| x > 0.0), "{}", named(name));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
