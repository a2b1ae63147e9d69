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

/// Runs `cargo xtask bench SECTION --quick` without Python, with `dir` as
/// its working and temporary directory, and returns its JSON's figures and
/// checks and what it printed.
fn quick_without_python(section: &str, dir: &std::path::Path) -> (Vec<Value>, Vec<Value>, String) {
    let out = dir.join("bench.json");
    let run = xtask()
        .args(["bench", section, "--quick", "--python", "/nonexistent/python", "--json"])
        .arg(&out)
        .current_dir(dir)
        .env("TMPDIR", dir)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let figures = doc["figures"].as_array().unwrap().clone();
    let checks = doc["checks"].as_array().unwrap().clone();
    (figures, checks, String::from_utf8_lossy(&run.stdout).into_owned())
}

fn find<'a>(figures: &'a [Value], name: &str) -> &'a Value {
    figures.iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

/// What a directory holds, by name, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_quick_array_bench_measures_the_cube_and_npy_cells_and_skips_their_peers() {
    let dir = scratch("array");
    let (figures, _, stdout) = quick_without_python("array", &dir);
    for name in ["array.cube_s", "array.npy_write_s", "array.npy_read_s"] {
        let f = find(&figures, name);
        assert_eq!(f["section"], "array");
        assert_eq!(f["who"], "chunked-array");
        // The example prints milliseconds: a fast quick run may show 0.000.
        assert!(f["value"].as_f64().is_some_and(|x| x >= 0.0), "{f}");
        assert_eq!(f["repeats"], 1, "{f}");
        assert_eq!(f["samples"].as_array().unwrap().len(), 1, "{f}");
    }
    for name in ["array.cube_peak_mb", "array.npy_peak_mb"] {
        assert!(find(&figures, name)["value"].as_f64().is_some_and(|x| x > 0.0), "{}", find(&figures, name));
    }
    for (name, who) in [
        ("array.dask_cube_s", "dask"),
        ("array.dask_cube_peak_mb", "dask"),
        ("array.dask_npy_write_s", "dask"),
        ("array.dask_npy_peak_mb", "dask"),
        ("array.numpy_npy_read_s", "numpy"),
    ] {
        let f = find(&figures, name);
        assert_eq!(f["value"], Value::Null, "{f}");
        assert_eq!(f["who"], who, "{f}");
        assert!(f["skipped"].as_str().unwrap().contains("/nonexistent/python"), "{f}");
    }
    assert!(stdout.contains("dask cube: skipped"), "{stdout}");
    assert!(stdout.contains("dask and numpy .npy: skipped"), "{stdout}");
    // The .npy files (and every other temporary file) are gone.
    assert_eq!(listing(&dir), ["bench.json"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_quick_frame_bench_measures_the_quoted_parquet_and_gzip_files_and_the_join_and_skips_polars() {
    let dir = scratch("frame");
    let (figures, checks, stdout) = quick_without_python("frame", &dir);
    let gzip = std::process::Command::new("gzip").arg("--version").output().is_ok();
    for variant in ["quoted", "parquet", "gz", "join"] {
        for (name, unit) in
            [(format!("frame.{variant}_query_s"), "s"), (format!("frame.{variant}_peak_mb"), "MB")]
        {
            let f = find(&figures, &name);
            assert_eq!(
                (&f["section"], &f["who"], &f["unit"]),
                (&"frame".into(), &"chunked-frame".into(), &unit.into())
            );
            if variant == "gz" && !gzip {
                assert!(f["skipped"].as_str().unwrap().contains("gzip"), "{f}");
            } else {
                assert!(f["value"].as_f64().is_some_and(|x| x > 0.0), "{f}");
                assert_eq!(f["samples"].as_array().unwrap().len(), 1, "{f}");
            }
        }
        for name in [format!("frame.polars_{variant}_s"), format!("frame.polars_{variant}_peak_mb")] {
            let f = find(&figures, &name);
            assert_eq!(f["value"], Value::Null, "{f}");
            assert_eq!(f["who"], "polars");
            assert!(f["skipped"].as_str().unwrap().contains("/nonexistent/python"), "{f}");
        }
    }
    // No means compared without a peer.
    assert!(checks.is_empty(), "{checks:?}");
    assert!(stdout.contains("CSV, string columns quoted"), "{stdout}");
    assert!(stdout.contains("Join with airlines.csv"), "{stdout}");
    assert_eq!(stdout.matches("polars: skipped").count(), 5, "{stdout}");
    // The variants were made in a temporary directory and are gone; the
    // quick flights file stays where the section keeps it.
    assert_eq!(listing(&dir), ["bench.json", "data"]);
    assert_eq!(listing(&dir.join("data/generated")), ["flights-20000.csv", "scale-flights-20000"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
