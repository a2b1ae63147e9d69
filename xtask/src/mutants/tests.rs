//! Tests of how `cargo xtask mutants` turns its options into cargo-mutants'
//! arguments.

use std::path::Path;

use clap::Parser;

use super::{Args, mutants_args};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: Args,
}

/// The arguments `cargo xtask mutants ARGV...` gives cargo-mutants, as text.
fn built(argv: &[&str]) -> Vec<String> {
    let cli =
        Cli::try_parse_from(std::iter::once("mutants").chain(argv.iter().copied())).expect("valid options");
    let files = vec!["crates/queue-sim/src/engine/node.rs".to_owned()];
    mutants_args("queue-sim", &files, Path::new("/t/out"), &cli.args)
        .into_iter()
        .map(|a| a.into_string().expect("UTF-8"))
        .collect()
}

#[test]
fn without_a_test_selection_every_test_of_the_crate_runs() {
    let args = built(&["queue-sim"]);
    assert_eq!(
        args,
        [
            "mutants",
            "--package",
            "queue-sim",
            "--jobs",
            "1",
            "--file",
            "crates/queue-sim/src/engine/node.rs",
            "--output",
            "/t/out"
        ]
    );
}

#[test]
fn name_filters_and_skips_go_to_the_test_binaries_after_a_second_separator() {
    let args = built(&["queue-sim", "--filter", "ciw", "--skip", "slow_one", "--filter", "routing::"]);
    let sep = args.iter().position(|a| a == "--").expect("a separator");
    assert_eq!(args[sep..], ["--", "--", "--skip", "slow_one", "ciw", "routing::"]);
}

#[test]
fn test_targets_and_the_library_are_chosen_through_cargo_test_arguments() {
    let args = built(&["queue-sim", "--lib", "--test", "it", "--filter", "x"]);
    let sep = args.iter().position(|a| a == "--").expect("a separator");
    let before = &args[..sep];
    for wanted in ["--cargo-test-arg=--lib", "--cargo-test-arg=--test", "--cargo-test-arg=it"] {
        assert!(before.iter().any(|a| a == wanted), "{wanted} missing from {args:?}");
    }
    let test = before.iter().position(|a| a == "--cargo-test-arg=--test").unwrap();
    assert_eq!(before[test + 1], "--cargo-test-arg=it");
}

#[test]
fn in_place_timeout_iterate_and_list_reach_cargo_mutants() {
    let args = built(&["queue-sim", "--in-place", "--timeout", "60", "--iterate", "--list", "--jobs", "2"]);
    for wanted in ["--in-place", "--iterate", "--list"] {
        assert!(args.iter().any(|a| a == wanted), "{wanted} missing from {args:?}");
    }
    let timeout = args.iter().position(|a| a == "--timeout").unwrap();
    assert_eq!(args[timeout + 1], "60");
    let jobs = args.iter().position(|a| a == "--jobs").unwrap();
    assert_eq!(args[jobs + 1], "2");
    assert!(!args.iter().any(|a| a == "--"), "no test selection, no separator: {args:?}");
}

#[test]
fn arguments_after_a_separator_go_to_cargo_mutants_before_the_test_selection() {
    let args = built(&["queue-sim", "--filter", "ciw", "--", "--re", "node.rs:1[0-9]:", "--shard", "1/2"]);
    let re = args.iter().position(|a| a == "--re").expect("--re passed on");
    assert_eq!(args[re..re + 4], ["--re", "node.rs:1[0-9]:", "--shard", "1/2"]);
    let sep = args.iter().position(|a| a == "--").unwrap();
    assert!(re < sep, "cargo-mutants' own options must come before its `--`: {args:?}");
    assert_eq!(args[sep..], ["--", "--", "ciw"]);
}
