//! `cargo xtask sim` end to end: a sweep killed with SIGKILL part way and run
//! again with `--resume` writes the same file as an uninterrupted run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/browser.rs"]
mod browser;

fn xtask() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.env("RUST_BACKTRACE", "0");
    c
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-sim-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SWEEP: [&str; 8] = ["--servers", "1,2,3", "--trials", "400", "--max-time", "20000", "--rng", "ciw"];

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map(|s| s.lines().count()).unwrap_or(0)
}

#[test]
fn a_killed_sweep_resumes_to_the_uninterrupted_file() {
    let dir = scratch("resume");
    let out = dir.join("results.csv");
    let journal = dir.join("results.csv.journal");
    let mut child = xtask()
        .arg("sim")
        .args(SWEEP)
        .args(["--executor", "work-queue", "--workers", "2", "--out"])
        .arg(&out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while lines(&journal) < 100 {
        assert!(start.elapsed() < Duration::from_secs(120), "no progress in the journal");
        assert!(child.try_wait().unwrap().is_none(), "the sweep finished before it could be killed");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!out.exists(), "no output file from a killed run");
    let done = lines(&journal);
    assert!(done < 1200, "killed part way ({done} of 1200 rows)");

    let status = xtask()
        .arg("sim")
        .args(SWEEP)
        .args(["--executor", "pool", "--workers", "2", "--resume", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(!journal.exists(), "the journal is removed once the file is written");

    let fresh = dir.join("fresh.csv");
    let status = xtask()
        .arg("sim")
        .args(SWEEP)
        .args(["--executor", "sequential", "--out"])
        .arg(&fresh)
        .status()
        .unwrap();
    assert!(status.success());
    let resumed = std::fs::read_to_string(&out).unwrap();
    assert_eq!(resumed.lines().count(), 1201);
    assert_eq!(resumed, std::fs::read_to_string(&fresh).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_exit_non_zero_with_a_message() {
    for (args, message) in [
        (vec!["--workers", "0"], "workers must be at least 1"),
        (vec!["--servers", "0"], "server count must be at least 1"),
        (vec!["--arrival-rate", "-1"], "`rate` must be positive"),
        (vec!["--executor", "threads"], "unknown executor"),
        (vec!["--resume"], "--out"),
        (vec!["--model", "/nonexistent/model.toml"], "/nonexistent/model.toml"),
        (vec!["--servers", "4294967297"], "4294967297 servers is more than"),
        (vec!["--servers", "4294967296"], "4294967296 servers is more than"),
        (vec!["--arrival-rate", "1e300", "--max-time", "1"], "event budget"),
        (
            vec!["--service-rate", "1e-300", "--max-customers", "10", "--event-budget", "100000"],
            "budget of 100000 events",
        ),
        (vec!["--max-time", "inf"], "max_time"),
    ] {
        let out = xtask().arg("sim").args(["--trials", "1"]).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn writing_to_a_device_leaves_the_device_alone() {
    // `--out /dev/null` must not replace /dev/null with a file (it once did,
    // by writing a file beside it and renaming it over it).
    let out =
        xtask().arg("sim").args(["--trials", "2", "--servers", "1", "--out", "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = xtask().arg("gen-data").args(["--rows", "10", "--out", "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null is still a device");
    assert!(!std::path::Path::new("/dev/null.journal").exists());
    assert!(!std::path::Path::new("/dev/null.partial").exists());
}

#[test]
fn a_sweep_can_stop_each_run_after_a_number_of_customers() {
    use queue_sim::{Network, RngKind, Stop, simulate};
    for (count, stop) in [
        ("complete", Stop::MaxCustomers(150)),
        ("arrive", Stop::MaxArrivals(150)),
        ("accept", Stop::MaxAccepted(150)),
        ("finish", Stop::MaxFinished(150)),
    ] {
        let out = xtask()
            .args(["sim", "--servers", "1,3", "--trials", "3", "--rng", "ciw", "--executor", "sequential"])
            .args(["--max-customers", "150", "--count", count])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(rows.len(), 6);
        for (k, row) in rows.iter().enumerate() {
            let (c, seed) = (if k < 3 { 1 } else { 3 }, k as u64 % 3);
            let direct = simulate(&Network::mmc(0.2, 0.1, c), RngKind::Ciw, seed, stop).unwrap();
            let fields: Vec<&str> = row.split(',').collect();
            assert_eq!(
                fields[..3],
                [c.to_string(), seed.to_string(), direct.records.len().to_string()],
                "{count}"
            );
        }
    }
    // A number of customers and a time are two different stops.
    let out = xtask().args(["sim", "--max-customers", "10", "--max-time", "5"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-time"));
}

/// Runs `sim` with a short sweep and these arguments.
fn sim(args: &[&str]) -> std::process::Output {
    xtask()
        .args(["sim", "--servers", "1,2", "--trials", "3", "--max-time", "200"])
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn failed(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "succeeded: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_symbolic_link_given_as_out_is_written_through() {
    let dir = scratch("link");
    let rows = ok(&sim(&[]));
    let target = dir.join("real.csv");
    std::fs::write(&target, "old").unwrap();
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    ok(&sim(&["--out", link.to_str().unwrap()]));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), rows);
    // A link to standard output, with standard output redirected to a file.
    let stdout_file = dir.join("stdout.csv");
    let to_stdout = dir.join("to-stdout.csv");
    std::os::unix::fs::symlink("/dev/stdout", &to_stdout).unwrap();
    for out in [Path::new("/dev/stdout"), Path::new("/proc/self/fd/1"), to_stdout.as_path()] {
        let status = xtask()
            .args(["sim", "--servers", "1,2", "--trials", "3", "--max-time", "200", "--out"])
            .arg(out)
            .stdout(std::fs::File::create(&stdout_file).unwrap())
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(std::fs::read_to_string(&stdout_file).unwrap(), rows, "{}", out.display());
        assert!(std::fs::symlink_metadata("/dev/stdout").unwrap().file_type().is_symlink());
    }
    assert!(std::fs::symlink_metadata(&to_stdout).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4, "no file besides the four");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_of_the_user_beside_the_output_are_left_alone() {
    let dir = scratch("beside");
    let names = ["res.partial", "res.csv.tmp", "res.csv.partial", ".res.csv.tmp"];
    for name in names {
        std::fs::write(dir.join(name), name).unwrap();
    }
    let out = dir.join("res.csv");
    ok(&sim(&["--out", out.to_str().unwrap()]));
    ok(&sim(&["--out", out.to_str().unwrap(), "--resume"]));
    for name in names {
        assert_eq!(std::fs::read_to_string(dir.join(name)).unwrap(), name);
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), names.len() + 1);
    // A file of the user's where the journal would go is refused, untouched.
    std::fs::write(dir.join("res.csv.journal"), "my notes\n").unwrap();
    let stderr = failed(&sim(&["--out", out.to_str().unwrap()]));
    assert!(stderr.contains("res.csv.journal") && stderr.contains("not a journal"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("res.csv.journal")).unwrap(), "my notes\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_output_path_fails_before_any_run() {
    let dir = scratch("bad-out");
    // A sweep of hours: it must fail at once, not after it.
    let long = ["--trials", "1000000", "--max-time", "1e9", "--out"];
    for (path, message) in [
        (dir.clone(), "is a directory"),
        (dir.join("missing/res.csv"), "does not exist"),
        (dir.join("res.csv/x"), "not a directory"),
    ] {
        std::fs::write(dir.join("res.csv"), "").unwrap();
        let start = Instant::now();
        let out = xtask().arg("sim").args(long).arg(&path).output().unwrap();
        let stderr = failed(&out);
        assert!(
            stderr.contains(path.to_str().unwrap()) && stderr.to_lowercase().contains(message),
            "{stderr}"
        );
        assert!(start.elapsed() < Duration::from_secs(20), "failed only after {:?}", start.elapsed());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Starts the SWEEP sequentially into `out` and returns once its journal
/// has `lines` lines (the header and rows).
fn sweep_until_journaled(out: &Path, lines_wanted: usize) -> std::process::Child {
    let journal = PathBuf::from(format!("{}.journal", out.display()));
    let mut child = xtask()
        .arg("sim")
        .args(SWEEP)
        .args(["--executor", "sequential", "--out"])
        .arg(out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while lines(&journal) < lines_wanted {
        assert!(start.elapsed() < Duration::from_secs(120), "no progress in the journal");
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended before it was journaled");
        std::thread::sleep(Duration::from_millis(2));
    }
    child
}

#[test]
fn a_second_run_on_the_same_output_fails_at_once() {
    let dir = scratch("twice");
    let out = dir.join("res.csv");
    let mut first = sweep_until_journaled(&out, 3);
    // Through another name of the same file, too.
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    for (path, resume) in [(&out, false), (&out, true), (&link, false)] {
        let mut second = xtask();
        second.arg("sim").args(SWEEP).arg("--out").arg(path);
        if resume {
            second.arg("--resume");
        }
        let stderr = failed(&second.output().unwrap());
        assert!(stderr.contains("res.csv.journal") && stderr.contains("in use"), "{stderr}");
    }
    assert!(first.try_wait().unwrap().is_none(), "the first run goes on");
    first.kill().unwrap();
    first.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_journal_of_another_sweep_is_not_resumed() {
    let dir = scratch("other-sweep");
    let out = dir.join("res.csv");
    let journal = dir.join("res.csv.journal");
    // A journal as a killed sweep leaves it.
    let mut child = sweep_until_journaled(&out, 5);
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = std::fs::read_to_string(&journal).unwrap();
    for (change, option) in [
        (["--trials", "401"], "--trials"),
        (["--seed", "1"], "--seed"),
        (["--rng", "pcg"], "--rng"),
        (["--max-time", "20001"], "--max-time"),
        (["--servers", "1,2"], "--servers"),
        (["--service-rate", "0.11"], "the model"),
    ] {
        let mut args: Vec<&str> = SWEEP.to_vec();
        match args.iter().position(|a| *a == change[0]) {
            Some(i) => args[i + 1] = change[1],
            None => args.extend(change),
        }
        let out = xtask().arg("sim").args(&args).args(["--resume", "--out"]).arg(&out).output().unwrap();
        let stderr = failed(&out);
        assert!(stderr.contains(option) && stderr.contains("cannot resume"), "{change:?}: {stderr}");
        assert_eq!(std::fs::read_to_string(&journal).unwrap(), kept, "the journal is left as it was");
    }
    // A row that is not its run's (here: its seed changed) is refused.
    let mut lines: Vec<String> = kept.lines().map(str::to_owned).collect();
    let mut entry: serde_json::Value = serde_json::from_str(&lines[1]).unwrap();
    entry["r"]["seed"] = serde_json::json!(12345);
    lines[1] = entry.to_string();
    std::fs::write(&journal, lines.join("\n") + "\n").unwrap();
    let stderr =
        failed(&xtask().arg("sim").args(SWEEP).args(["--resume", "--out"]).arg(&out).output().unwrap());
    assert!(stderr.contains("line 2") && stderr.contains("seed 12345"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sizes_that_do_not_fit_are_refused_before_any_work() {
    for (args, message) in [
        (vec!["--trials", "18446744073709551615"], "more runs than this machine can index"),
        (vec!["--trials", "1000000000"], "split it into smaller sweeps"),
        (vec!["--seed", "18446744073709551615", "--trials", "2"], "exceeds 18446744073709551615"),
    ] {
        let start = Instant::now();
        let stderr = failed(&xtask().arg("sim").args(&args).output().unwrap());
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(start.elapsed() < Duration::from_secs(20));
    }
    // The last seed may be the largest.
    let text = ok(&xtask()
        .args(["sim", "--servers", "1", "--max-time", "10"])
        .args(["--seed", "18446744073709551614", "--trials", "2"])
        .output()
        .unwrap());
    assert!(text.contains(",18446744073709551615,"), "{text}");
}

#[test]
fn report_time_works_with_out() {
    let dir = scratch("report");
    let out = dir.join("res.csv");
    let run = sim(&["--report-time", "--out", out.to_str().unwrap()]);
    ok(&run);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("sweep: 6 runs in"), "{stderr}");
    assert_eq!(lines(&out), 7);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    use std::io::BufRead;
    let mut child = xtask()
        .args(["sim", "--trials", "20000", "--max-time", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("servers,seed"), "{first}");
    // The reader is dropped here, as `| head -1` would go.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(141), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no message for a closed pipe");
}

#[test]
fn an_output_that_is_the_model_is_refused() {
    let dir = scratch("model-out");
    let model = dir.join("model.toml");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/models/clinic.toml"), &model).unwrap();
    let before = std::fs::read_to_string(&model).unwrap();
    let link = dir.join("same.toml");
    std::os::unix::fs::symlink(&model, &link).unwrap();
    for out in [&model, &link] {
        let run = xtask()
            .args(["sim", "--trials", "1", "--max-time", "10", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap();
        let stderr = failed(&run);
        assert!(stderr.contains("it is the model file"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&model).unwrap(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn records_of_every_run_equal_ciws_records_line_by_line() {
    let dir = scratch("records");
    let records = dir.join("records.csv");
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/queue-sim/tests/ciw/mm3.toml");
    let rows = ok(&xtask()
        .arg("sim")
        .args([
            "--model",
            model,
            "--rng",
            "ciw",
            "--seed",
            "7",
            "--trials",
            "2",
            "--max-time",
            "200",
            "--workers",
            "2",
            "--records",
            records.to_str().unwrap(),
        ])
        .output()
        .unwrap());
    assert_eq!(rows.lines().count(), 3, "{rows}");
    let text = std::fs::read_to_string(&records).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "servers,seed,id_number,customer_class,original_customer_class,node,arrival_date,waiting_time,\
         service_start_date,service_time,service_end_date,time_blocked,exit_date,destination,\
         queue_size_at_arrival,queue_size_at_departure,server_id,record_type"
    );
    let ours: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Run 0 (seed 7) against Ciw's records of ciw.seed(7), field by field
    // (floats compared as numbers: Python and Rust print them differently).
    let golden = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/queue-sim/tests/ciw/mm3.csv"
    ))
    .unwrap();
    let theirs: Vec<Vec<&str>> = golden.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let seed7: Vec<&Vec<&str>> = ours.iter().filter(|r| r[1] == "7").collect();
    assert_eq!(seed7.len(), theirs.len());
    let num = |s: &str| if s.is_empty() { f64::NAN } else { s.parse::<f64>().unwrap() };
    for (a, b) in seed7.iter().zip(&theirs) {
        assert_eq!(a[0], "3", "servers of the first node: the model's own");
        assert_eq!((a[2], a[5]), (b[0], b[2]), "id and node");
        for (x, y) in [(6, 3), (7, 4), (8, 5), (9, 6), (10, 7), (11, 8), (12, 9)] {
            assert!(
                num(a[x]).to_bits() == num(b[y]).to_bits() || num(a[x]).is_nan() && num(b[y]).is_nan(),
                "{a:?} {b:?}"
            );
        }
        assert_eq!((a[13], a[14], a[15], a[16], a[17]), (b[10], b[11], b[12], b[13], b[14]));
    }
    assert!(ours.iter().any(|r| r[1] == "8"), "run 1 (seed 8) follows");
    // The records and the rows (or the rows' journal) cannot share a destination.
    let err = failed(&sim(&["--records", "/dev/stdout"]));
    assert!(err.contains("--records"), "{err}");
    let out = dir.join("rows.csv");
    let journal = dir.join("rows.csv.journal");
    let err = failed(&sim(&["--out", out.to_str().unwrap(), "--records", journal.to_str().unwrap()]));
    assert!(err.contains("journal"), "{err}");
    assert!(!journal.exists() && !out.exists(), "nothing written");
}

#[test]
fn a_summary_gives_each_statistic_per_server_count_with_an_interval_and_theory() {
    let out = xtask()
        .args(["sim", "--servers", "1,3", "--trials", "40", "--max-time", "5000", "--warmup", "500"])
        .args(["--summary=csv", "--executor", "work-queue", "--workers", "2"])
        .output()
        .unwrap();
    let text = ok(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "servers,node,class,statistic,runs,mean,ci95_low,ci95_high,std,min,q25,median,q75,max,theory"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // 2 server counts x 8 statistics, one class (all).
    assert_eq!(rows.len(), 16, "{text}");
    let get = |servers: &str, statistic: &str| {
        let row = rows.iter().find(|r| r[0] == servers && r[3] == statistic).unwrap();
        let f = |i: usize| row[i].parse::<f64>().unwrap_or(f64::NAN);
        (row[4].to_owned(), f(5), f(6), f(7), f(14))
    };
    let (runs, mean, low, high, theory) = get("3", "mean_wait");
    assert_eq!(runs, "40");
    assert!((theory - 40.0 / 9.0).abs() < 1e-12, "Erlang C beside the estimate: {theory}");
    assert!(low < mean && mean < high && low <= theory && theory <= high, "{low} {mean} {high}");
    let (_, util, ..) = get("1", "utilisation");
    assert!(util > 0.99, "c = 1 is saturated after the warm-up: {util}");
    let (.., theory) = get("1", "mean_wait");
    assert!(theory.is_nan(), "no steady state for c = 1");
    // The readable table has the same content, aligned.
    let table = ok(&sim(&["--summary", "--warmup", "50"]));
    assert!(table.lines().next().unwrap().split_whitespace().eq([
        "servers",
        "node",
        "class",
        "statistic",
        "runs",
        "mean",
        "ci95_low",
        "ci95_high",
        "std",
        "min",
        "q25",
        "median",
        "q75",
        "max",
        "theory"
    ]));
    assert!(table.contains("customers who arrived before 50 left out"), "{table}");
}

#[test]
fn a_warmup_that_cannot_apply_is_refused_before_any_run() {
    let err = failed(&sim(&["--summary", "--warmup", "200"]));
    assert!(err.contains("--warmup") && err.contains("200"), "{err}");
    let err = failed(&sim(&["--summary", "--warmup", "-1"]));
    assert!(err.contains("--warmup"), "{err}");
    let err = failed(&sim(&["--warmup", "10"]));
    assert!(err.contains("--summary"), "{err}");
    let err = failed(&sim(&["--summary", "--records", "/dev/null"]));
    assert!(err.contains("--records"), "{err}");
}

#[test]
fn a_sweep_report_opens_in_a_browser_with_every_picture() {
    let dir = scratch("html-report");
    let (html, plots) = (dir.join("sweep.html"), dir.join("plots"));
    let out = xtask()
        .args(["sim", "--trials", "20", "--max-time", "3000", "--warmup", "300", "--workers", "2"])
        .args(["--report", html.to_str().unwrap(), "--plots", plots.to_str().unwrap()])
        .output()
        .unwrap();
    let rows = ok(&out);
    assert_eq!(rows.lines().count(), 1 + 60, "the rows still go to standard output");
    let plain =
        xtask().args(["sim", "--trials", "20", "--max-time", "3000", "--workers", "2"]).output().unwrap();
    assert_eq!(rows, ok(&plain), "the same rows as without a report, bit for bit");
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(text.matches("<svg").count(), 4, "box plot, customers in system, waits, task stream");
    for remote in ["<script", "src=", "href=", "@import"] {
        assert!(!text.contains(remote), "{remote}");
    }
    for fact in ["<td>strategy</td><td>pool</td>", "<td>workers</td><td>2</td>", "<td>tasks</td><td>60</td>"]
    {
        assert!(text.contains(fact), "{fact}");
    }
    assert!(text.contains("<td>peak memory</td><td>") && text.contains("MB resident"));
    // One bar per run in the task stream.
    assert_eq!(text.matches("<rect class=\"task\"").count(), 60);
    let mut files: Vec<String> =
        std::fs::read_dir(&plots).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["in-system.svg", "mean-wait.svg", "task-stream.svg", "waits.svg"]);
    let png = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sim-report.png");
    if let Some((dom, console)) = browser::chromium(&html, &png) {
        assert_eq!(dom.matches("<svg").count(), 4, "the browser built every picture");
        assert!(console.is_empty(), "console messages: {console}");
        // A blank page of this size compresses to a few kilobytes.
        let size = std::fs::metadata(&png).unwrap().len();
        assert!(size > 40_000, "the screenshot looks blank: {size} bytes");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_and_plots_paths_are_checked_before_any_run() {
    let err = failed(&sim(&["--report", "/nonexistent-dir/r.html"]));
    assert!(err.contains("--report") && err.contains("/nonexistent-dir"), "{err}");
    let dir = scratch("plots-file");
    let file = dir.join("a-file");
    std::fs::write(&file, "mine").unwrap();
    let err = failed(&sim(&["--plots", file.to_str().unwrap()]));
    assert!(err.contains("--plots"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn runs_until_deadlock_report_ciws_time_of_deadlock() {
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/queue-sim/tests/ciw/deadlock_pair.toml");
    let out = xtask()
        .args([
            "sim",
            "--model",
            model,
            "--until-deadlock",
            "--trials",
            "3",
            "--rng",
            "ciw",
            "--executor",
            "sequential",
        ])
        .output()
        .unwrap();
    let text = ok(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("servers,seed,records,mean_wait,utilisation,time_to_deadlock"));
    // Ciw 3.2.7's times of deadlock for ciw.seed(0), (1), (2) (deadlock.csv).
    let times: Vec<&str> = lines.map(|l| l.rsplit(',').next().unwrap()).collect();
    assert_eq!(times, ["30.229817628155455", "19.196333900435086", "69.63117695745608"]);
    // A network where nobody is ever blocked cannot deadlock: said at once.
    let err = failed(&xtask().args(["sim", "--servers", "1", "--until-deadlock"]).output().unwrap());
    assert!(err.contains("cannot deadlock"), "{err}");
}

#[test]
fn state_probabilities_are_written_per_run_and_sum_to_one() {
    let dir = scratch("states");
    let path = dir.join("states.csv");
    let out = sim(&["--state-probabilities", path.to_str().unwrap(), "--tracker", "system", "--rng", "ciw"]);
    ok(&out);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("servers,seed,state,probability"));
    let mut sums = std::collections::BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert!(f[2].starts_with('"') && f[2].ends_with('"'), "{line}");
        *sums.entry((f[0].to_owned(), f[1].to_owned())).or_insert(0.0) += f[3].parse::<f64>().unwrap();
    }
    assert_eq!(sums.len(), 6, "2 server counts x 3 trials");
    for (run, sum) in sums {
        assert!((sum - 1.0).abs() < 1e-12, "{run:?}: {sum}");
    }
    // A tracker of a node the model lacks fails before any run.
    let err = failed(&sim(&["--state-probabilities", path.to_str().unwrap(), "--tracker", "subset:4"]));
    assert!(err.contains("observes node 4"), "{err}");
    let err = failed(&sim(&["--state-probabilities", path.to_str().unwrap(), "--tracker", "everything"]));
    assert!(err.contains("unknown tracker"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn records_and_state_probabilities_together_are_each_as_written_alone() {
    // A network with blocking: Ciw lists records customer by customer, so
    // their order (and a sum over them) is not the order events happen.
    let dir = scratch("records-and-states");
    let model = "../crates/queue-sim/tests/ciw/blocking_tandem.toml";
    let path = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let base =
        ["sim", "--model", model, "--trials", "4", "--max-time", "300", "--rng", "ciw", "--workers", "2"];
    let run = |extra: &[&str]| ok(&xtask().args(base).args(extra).output().unwrap());
    run(&["--out", &path("rows.csv")]);
    run(&["--out", &path("rows-r.csv"), "--records", &path("records.csv")]);
    run(&[
        "--out",
        &path("rows-s.csv"),
        "--tracker",
        "matrix_blocking",
        "--state-probabilities",
        &path("states.csv"),
    ]);
    let both = ["--records", &path("records2.csv"), "--tracker", "matrix_blocking"];
    run(&[&both[..], &["--state-probabilities", &path("states2.csv"), "--out", &path("rows-b.csv")]].concat());
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    // A row is the same whatever else is written, to the last bit.
    for rows in ["rows-r.csv", "rows-s.csv", "rows-b.csv"] {
        assert_eq!(read(rows), read("rows.csv"), "{rows}");
    }
    assert_eq!(read("records2.csv"), read("records.csv"));
    assert_eq!(read("states2.csv"), read("states.csv"));
    assert!(read("records.csv").lines().count() > 100 && read("states.csv").lines().count() > 4);
    // Both to one file: refused before any run.
    let err = failed(
        &xtask()
            .args(base)
            .args(&both[..2])
            .args(["--tracker", "system", "--state-probabilities", &path("records2.csv")])
            .output()
            .unwrap(),
    );
    assert!(err.contains("same file"), "{err}");
    assert_eq!(read("records2.csv"), read("records.csv"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn gen_data_writes_the_airlines_and_airports_tables_beside_the_flights() {
    let dir = scratch("gen-tables");
    let out =
        xtask().arg("gen-data").args(["--rows", "10", "--out"]).arg(dir.join("f.csv")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let airlines = std::fs::read_to_string(dir.join("airlines.csv")).unwrap();
    let airports = std::fs::read_to_string(dir.join("airports.csv")).unwrap();
    assert!(airlines.starts_with("IATA_CODE,AIRLINE\n") && airlines.contains("\nB6,JetBlue Airways\n"));
    assert!(airports.starts_with("IATA_CODE,AIRPORT,CITY,STATE,COUNTRY,LATITUDE,LONGITUDE\n"));
    assert_eq!((lines(&dir.join("airlines.csv")), lines(&dir.join("airports.csv"))), (15, 323));
    // --tables puts them elsewhere.
    let other = scratch("gen-tables-other");
    let out = xtask()
        .arg("gen-data")
        .args(["--rows", "10", "--out"])
        .arg(dir.join("g.csv"))
        .arg("--tables")
        .arg(&other)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lines(&other.join("airports.csv")), 323);
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(other).unwrap();
}

#[test]
fn one_long_run_shows_its_simulated_time_on_a_terminal_only() {
    // `script` gives the run a terminal (util-linux, in every Debian).
    let bin = env!("CARGO_BIN_EXE_xtask");
    let command = format!("{bin} sim --servers 3 --trials 1 --max-time 40000000 --executor sequential");
    let Ok(out) =
        Command::new("script").args(["-qec", &command, "/dev/null"]).env("RUST_BACKTRACE", "0").output()
    else {
        assert!(std::env::var_os("CI").is_none(), "CI needs `script` (util-linux) for this test");
        return;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(screen.contains("simulated time") && screen.contains("of 40000000"), "no bar on a terminal");
    // Piped, the same run prints its row and nothing else.
    let out = xtask().args(command.split(' ').skip(1)).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Every column of two files read by chunked-frame, the CSV one and the
/// Parquet one: the same names and values, row for row. The CSV is read
/// with the Parquet file's float columns set: a float column whose values
/// are whole (`0`) would be inferred as integers from the text.
fn same_frames(csv: &Path, parquet: &Path) -> usize {
    use chunked_frame::{CsvOptions, DType, ParquetOptions, read_csv, read_parquet};
    let exec = executors::Executor::sequential();
    let b = read_parquet(parquet.to_str().unwrap(), ParquetOptions::default()).unwrap();
    let mut options = CsvOptions::default();
    for field in b.schema().unwrap().fields {
        if field.dtype == DType::Float64 {
            options = options.dtype(&field.name, field.dtype);
        }
    }
    let b = b.compute(&exec).unwrap();
    let a = read_csv(csv.to_str().unwrap(), options).unwrap().compute(&exec).unwrap();
    assert_eq!(a.names(), b.names());
    assert_eq!(a.height(), b.height());
    for (j, name) in a.names().iter().enumerate() {
        assert_eq!(a.columns()[j].dtype(), b.columns()[j].dtype(), "column {name}");
        for i in 0..a.height() {
            assert_eq!(a.columns()[j].get(i), b.columns()[j].get(i), "column {name}, row {i}");
        }
    }
    a.height()
}

#[test]
fn a_sweep_written_as_parquet_reads_back_equal_to_its_csv() {
    let dir = scratch("parquet");
    let (csv, parquet) = (dir.join("rows.csv"), dir.join("rows.parquet"));
    for out in [&csv, &parquet] {
        ok(&sim(&["--rng", "ciw", "--out", out.to_str().unwrap()]));
    }
    assert_eq!(&std::fs::read(&parquet).unwrap()[..4], b"PAR1");
    assert!(!dir.join("rows.parquet.journal").exists());
    assert_eq!(same_frames(&csv, &parquet), 6);

    // Runs until deadlock gain a column; infinite servers are nulls.
    let model = "../crates/queue-sim/tests/ciw/deadlock_pair.toml";
    for out in [&csv, &parquet] {
        let args = ["sim", "--model", model, "--trials", "3", "--until-deadlock", "--out"];
        ok(&xtask().args(args).arg(out).output().unwrap());
    }
    assert_eq!(same_frames(&csv, &parquet), 3);

    // Records and state probabilities stream as Parquet too.
    let model = "../crates/queue-sim/tests/ciw/priorities.toml";
    for (records, states) in [("records.csv", "states.csv"), ("records.parquet", "states.parquet")] {
        let args =
            ["sim", "--model", model, "--trials", "3", "--max-time", "300", "--rng", "ciw", "--records"];
        ok(&xtask().args(args).arg(dir.join(records)).arg("--out").arg(dir.join("r.csv")).output().unwrap());
        let args = ["sim", "--model", model, "--trials", "3", "--max-time", "300", "--tracker", "node"];
        let args = [&args[..], &["--state-probabilities"]].concat();
        ok(&xtask().args(args).arg(dir.join(states)).output().unwrap());
    }
    assert!(same_frames(&dir.join("records.csv"), &dir.join("records.parquet")) > 100);
    assert!(same_frames(&dir.join("states.csv"), &dir.join("states.parquet")) > 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn outputs_that_are_not_rows_refuse_a_parquet_name_before_any_run() {
    let dir = scratch("not-parquet");
    let report = dir.join("report.parquet");
    let err = failed(&sim(&["--report", report.to_str().unwrap()]));
    assert!(err.contains("--report") && err.contains("HTML"), "{err}");
    let out = dir.join("summary.parquet");
    let err = failed(&sim(&["--summary=csv", "--out", out.to_str().unwrap()]));
    assert!(err.contains("--summary"), "{err}");
    assert!(!report.exists() && !out.exists());
    // A seed beyond int64 cannot be written to Parquet: an error, no file.
    let out = dir.join("big.parquet");
    let seed = (u64::MAX - 5).to_string();
    let err = failed(&sim(&["--seed", &seed, "--out", out.to_str().unwrap()]));
    assert!(err.contains("beyond the largest int64"), "{err}");
    assert!(!out.exists());
    // Refused before any run: a sweep that would take an hour fails at once.
    let err = failed(&sim(&["--seed", &seed, "--records", out.to_str().unwrap()]));
    assert!(err.contains("beyond the largest int64") && err.contains("big.parquet"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}
