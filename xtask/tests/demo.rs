//! `cargo xtask demo dataframe` on bad input exits non-zero with a message
//! naming the file, line and column; on good input its JSON holds the means.

use std::process::Command;

use chunked_frame::flights::COLUMNS;

/// A flights file (the full header) with these (origin, delay) rows.
fn flights(rows: &[(&str, &str)]) -> String {
    let mut text = COLUMNS.join(",") + "\n";
    for (origin, delay) in rows {
        let mut fields = vec![""; COLUMNS.len()];
        fields[7] = origin;
        fields[11] = delay;
        text += &(fields.join(",") + "\n");
    }
    text
}

fn demo_dataframe(csv: &std::path::Path, json: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .env("RUST_BACKTRACE", "0")
        .args(["demo", "dataframe", "--workers", "2", "--csv"])
        .arg(csv)
        .arg("--json")
        .arg(json)
        .arg("--drawing")
        .arg(std::env::temp_dir().join(format!("xtask-demo-drawing-{}", std::process::id())))
        .output()
        .unwrap()
}

#[test]
fn the_dataframe_section_reports_bad_files_and_writes_the_means() {
    let dir = std::env::temp_dir().join(format!("xtask-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("out.json");

    let out = demo_dataframe(&dir.join("missing.csv"), &json);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.csv"));

    let bad = dir.join("bad.csv");
    // Past the 256 KiB that type inference samples, a delay that is no number.
    let mut rows = vec![("JFK", "1.0"); 10_000];
    rows.push(("LGA", "soon"));
    std::fs::write(&bad, flights(&rows)).unwrap();
    let out = demo_dataframe(&bad, &json);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("bad.csv, line 10002, column \"DEPARTURE_DELAY\""), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let good = dir.join("good.csv");
    let rows = [("JFK", "1.0"), ("LGA", "4"), ("JFK", "2"), ("EWR", ""), ("BOS", "9")];
    std::fs::write(&good, flights(&rows)).unwrap();
    let out = demo_dataframe(&good, &json);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let means = &doc["results"]["dataframe"]["means"];
    assert_eq!((means["JFK"].as_f64(), means["LGA"].as_f64()), (Some(1.5), Some(4.0)));
    assert!(means["EWR"].is_null(), "EWR's only delay is null: {means}");
    assert!(doc["timings_s"]["dataframe"]["query"].as_f64().is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_without_the_talks_dtype_columns_still_answers_the_query() {
    let dir = std::env::temp_dir().join(format!("xtask-demo-narrow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("out.json");
    let csv = dir.join("narrow.csv");
    // Two of the talk's dtype columns, and not the others.
    std::fs::write(
        &csv,
        "ORIGIN_AIRPORT,SCHEDULED_DEPARTURE,SCHEDULED_TIME,DEPARTURE_DELAY\nJFK,0005,205,3\nLGA,2359,,-2\nJFK,0010,90.5,5\n",
    )
    .unwrap();
    let out = demo_dataframe(&csv, &json);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let means = &doc["results"]["dataframe"]["means"];
    assert_eq!(means["JFK"], 4.0);
    assert_eq!(means["LGA"], -2.0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_graph_section_computes_the_talks_total() {
    let dir = std::env::temp_dir().join(format!("xtask-demo-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("out.json");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["demo", "graph", "--nap-ms", "1", "--json"])
        .arg(&json)
        .arg("--drawing")
        .arg(dir.join("talk"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["results"]["graph_total"], 1_075_425_552);
    let timings = doc["timings_s"]["graph"].as_object().unwrap();
    let labels: Vec<&str> = timings.keys().map(String::as_str).collect();
    for want in
        ["plain calls", "graph, synchronous", "graph, threaded, 2 workers", "graph, threaded, 5 workers"]
    {
        assert!(labels.contains(&want), "{labels:?}");
    }
    // Drawn left to right: one inc, five each of mul and exp, and ten adds
    // (five of the branches, five of the sum).
    let dot = std::fs::read_to_string(dir.join("talk-graph.dot")).unwrap();
    assert!(dot.contains("rankdir=LR"));
    for (name, count) in [("inc", 1), ("mul", 5), ("exp", 5), ("add", 10)] {
        assert_eq!(dot.matches(&format!("label=\"{name}\"")).count(), count, "{name}: {dot}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn infinite_means_stay_apart_from_missing_ones_in_the_json() {
    let dir = std::env::temp_dir().join(format!("xtask-demo-inf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (csv, json) = (dir.join("inf.csv"), dir.join("out.json"));
    std::fs::write(&csv, "ORIGIN_AIRPORT,DEPARTURE_DELAY\nJFK,inf\nJFK,1\nLGA,-inf\nEWR,\n").unwrap();
    let out = demo_dataframe(&csv, &json);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let means = &doc["results"]["dataframe"]["means"];
    assert_eq!(means["JFK"], "inf");
    assert_eq!(means["LGA"], "-inf");
    assert!(means["EWR"].is_null(), "{means}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn drawings_are_named_after_the_stem_asked_for_and_nothing_else_is_created() {
    let dir = std::env::temp_dir().join(format!("xtask-demo-stem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |drawing: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["demo", "graph", "--nap-ms", "0", "--drawing"])
            .arg(drawing)
            .output()
            .unwrap()
    };
    // A stem with dots keeps them; a directory gets talk-*.
    assert!(run(&dir.join("run.v2")).status.success());
    assert!(dir.join("run.v2-graph.dot").is_file());
    assert!(run(&dir).status.success());
    assert!(dir.join("talk-graph.dot").is_file());
    // A missing folder is an error, not created on a typo.
    let out = run(&dir.join("no-such-folder/x"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-folder"));
    assert!(!dir.join("no-such-folder").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn zero_trials_print_empty_tables_instead_of_panicking() {
    for section in ["queueing", "executors"] {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .env("RUST_BACKTRACE", "0")
            .args(["demo", section, "--trials", "0"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{section}: {stderr}");
        assert!(!stderr.contains("panicked"), "{section}: {stderr}");
    }
}

#[test]
fn a_closed_pipe_or_a_full_disk_ends_the_demo_without_a_panic() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["demo", "queueing", "--trials", "300"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let full = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["demo", "queueing", "--trials", "2"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert_eq!(full.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_drawing_that_would_replace_the_input_or_the_json_is_refused() {
    let dir = std::env::temp_dir().join(format!("xtask-demo-draw-in-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The CSV is where the dataframe cell's drawing would go.
    let csv = dir.join("zz-flights.dot");
    std::fs::write(&csv, flights(&[("JFK", "1")])).unwrap();
    let before = std::fs::read_to_string(&csv).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["demo", "dataframe", "--csv"])
        .arg(&csv)
        .arg("--drawing")
        .arg(dir.join("zz"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("flights CSV"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), before);
    // The JSON where a drawing would go.
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["demo", "graph", "--nap-ms", "0", "--json"])
        .arg(dir.join("dd-graph.dot"))
        .arg("--drawing")
        .arg(dir.join("dd"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("also the --json file"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[path = "common/browser.rs"]
mod browser;

#[test]
fn the_demo_report_holds_each_sections_plots_streams_and_graphs() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("flights.csv");
    std::fs::write(&csv, flights(&[("JFK", "10"), ("LGA", "4"), ("EWR", "7"), ("BOS", "99"), ("JFK", "20")]))
        .unwrap();
    let run = |section: &str, extra: &[&str], html: &std::path::Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["demo", section, "--workers", "2", "--trials", "8", "--nap-ms", "5", "--csv"])
            .arg(&csv)
            .arg("--drawing")
            .arg(dir.path())
            .arg("--report")
            .arg(html)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::read_to_string(html).unwrap()
    };
    let html = run("dataframe", &[], &dir.path().join("frame.html"));
    assert!(html.contains("<h2>Dataframe: mean departure delay per airport</h2>"));
    assert!(html.contains("<h2>Dataframe: task stream</h2>") && html.contains("<rect class=\"task\""));
    // The three New York airports, one bar each; Boston is filtered out.
    for airport in ["EWR", "JFK", "LGA"] {
        assert!(html.contains(&format!("\n{airport}\n</text>")), "{airport}");
    }
    assert!(!html.contains("\nBOS\n"));

    let html = run("graph", &[], &dir.path().join("graph.html"));
    assert!(html.contains("<td>tasks profiled</td><td>26</td>"), "the widest run's 26 tasks");
    assert_eq!(html.matches("<rect class=\"task\"").count(), 26);
    assert!(html.contains("color=&quot;order&quot;"));
    assert_eq!(html.matches("<svg").count(), 2, "task stream and graph");
    for remote in ["<script", "src=", "href=", "@import"] {
        assert!(!html.contains(remote), "{remote}");
    }
    let png = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("demo-report.png");
    if let Some((dom, console)) = browser::chromium(&dir.path().join("graph.html"), &png) {
        assert_eq!(dom.matches("<svg").count(), 2);
        assert!(console.is_empty(), "console messages: {console}");
        let size = std::fs::metadata(&png).unwrap().len();
        assert!(size > 40_000, "the screenshot looks blank: {size} bytes");
    }

    let html = run("array", &["--size", "200", "--chunk", "50"], &dir.path().join("array.html"));
    assert!(html.contains("<h2>Array: histogram of the sampled normal values</h2>"));
    assert!(html.contains("All 200 x 200 standard normal values") && html.contains("in one streamed pass"));
    // 18 bins: below -4, sixteen half units, from 4 up.
    assert!(html.contains("\n&lt; -4\n</text>") && html.contains("\n≥ 4\n</text>"), "{html}");
    assert!(html.contains("<h2>Array: graph of C</h2>"));

    let html = run("queueing", &[], &dir.path().join("queueing.html"));
    assert!(html.contains("<h2>Queueing: mean wait per run</h2>") && html.contains("Erlang C"));
    assert!(html.contains("<h2>Queueing: customers in the system</h2>"));
}

#[test]
fn gen_data_writes_parquet_and_the_demo_reads_it_by_extension_with_the_csvs_means() {
    let dir = std::env::temp_dir().join(format!("xtask-demo-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xtask = || Command::new(env!("CARGO_BIN_EXE_xtask"));
    let mut means = Vec::new();
    for (format, name) in [("csv", "f.csv"), ("parquet", "f.parquet")] {
        let path = dir.join(name);
        let out = xtask()
            .args(["gen-data", "--rows", "3000", "--format", format, "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let json = dir.join(format!("{name}.json"));
        let out = xtask()
            .args(["demo", "dataframe", "--workers", "2", "--input"])
            .arg(&path)
            .arg("--json")
            .arg(&json)
            .arg("--drawing")
            .arg(dir.join("talk"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let read = if format == "csv" { "ReadCsv" } else { "ReadParquet" };
        assert!(stdout.contains(read), "{stdout}");
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        means.push(doc["results"]["dataframe"]["means"].clone());
    }
    assert_eq!(means[0], means[1]);
    assert!(means[0]["JFK"].as_f64().is_some(), "{}", means[0]);
    // Nothing but the two files, their JSON, the drawing and the small
    // tables: the temporary CSV behind the Parquet file is gone.
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let tables = ["airlines.csv", "airports.csv"];
    assert!(
        left.iter().all(|n| n.starts_with("f.") || n.starts_with("talk") || tables.contains(&n.as_str())),
        "{left:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
