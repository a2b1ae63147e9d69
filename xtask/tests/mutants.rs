//! `cargo xtask mutants`: an unknown crate is refused with a message naming
//! it and the crates it knows, and `--help` documents the subcommand. No real
//! mutation testing runs here (that takes minutes; see docs/testing.md).

use std::process::Command;

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).env("RUST_BACKTRACE", "0").args(args).output().unwrap()
}

#[test]
fn an_unknown_crate_is_refused_naming_the_crates_it_knows() {
    let out = xtask(&["mutants", "no-such-crate", "--budget", "1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown crate `no-such-crate`"), "{err}");
    for known in ["queue-sim", "executors", "chunked-frame", "chunked-array"] {
        assert!(err.contains(known), "the message should name `{known}`: {err}");
    }
}

#[test]
fn help_documents_the_crates_files_budget_and_results() {
    let top = xtask(&["--help"]);
    assert!(top.status.success());
    let top = String::from_utf8_lossy(&top.stdout);
    assert!(top.contains("mutants"), "{top}");

    let out = xtask(&["mutants", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--budget",
        "--file",
        "--jobs",
        "--iterate",
        "src/engine/routing.rs",
        "src/work_queue.rs",
        "src/tokenizer.rs",
        "src/kernels.rs",
        "mutants.out",
        "docs/testing.md",
        "cargo install --locked cargo-mutants",
    ] {
        assert!(help.contains(needle), "`mutants --help` should mention `{needle}`:\n{help}");
    }
}

#[test]
fn without_a_crate_it_lists_the_crates_and_their_default_files() {
    let out = xtask(&["mutants"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("queue-sim") && text.contains("src/engine/event_queue.rs"), "{text}");
    assert!(text.contains("chunked-array") && text.contains("src/kernels.rs"), "{text}");
}
