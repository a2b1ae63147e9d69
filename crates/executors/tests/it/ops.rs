//! Arithmetic on delayed values and `Graph::sum`: the talk's
//! inc/mul/add/exp cell, operator nodes and their sharing.

use executors::{ExecError, Executor, Graph, Strategy};

fn executors() -> Vec<Executor> {
    vec![Executor::sequential(), Executor::new(Strategy::Graph, 3).unwrap()]
}

#[test]
fn the_talks_cell_reads_naturally_and_sums_to_its_value() {
    // a = inc(1)
    // for i in range(5):
    //     b = mul(i, a); c = add(a, b); d = exp(b, c); results.append(d)
    // total = sum(results)
    let g = Graph::new();
    let inc = g.delayed1("inc", |x: &i64| Ok::<_, String>(x + 1));
    let add = g.delayed2("add", |x: &i64, y: &i64| Ok::<_, String>(x + y));
    let mul = g.delayed2("mul", |x: &i64, y: &i64| Ok::<_, String>(x * y));
    let exp = g.delayed2("exp", |x: &i64, y: &i64| {
        u32::try_from(*y).ok().and_then(|y| x.checked_pow(y)).ok_or_else(|| format!("{x}**{y} overflows"))
    });
    let a = inc.call(1);
    let mut results = Vec::new();
    for i in 0..5i64 {
        let b = mul.call(i, &a);
        let c = add.call(&a, &b);
        let d = exp.call(&b, &c);
        results.push(d);
    }
    let total = g.sum(&results);
    // Literals 1 (shared by inc(1) and mul(1, a)), 0 (shared by mul(0, a)
    // and the sum's start), 2, 3, 4: 5 nodes. inc: 1. mul, add, exp: 5
    // each. The sum: 5 adds. dask, which inlines literals, has the 21 calls.
    assert_eq!(g.len(), 5 + 1 + 3 * 5 + 5);
    for exec in executors() {
        assert_eq!(total.compute(&exec).unwrap(), 1_075_425_552);
    }
    let dot = g.to_dot(&[total.node()], executors::RankDir::TopBottom);
    assert_eq!(dot.matches("label=\"add\"").count(), 10, "{dot}");
}

#[test]
fn each_operator_is_one_pure_task_named_after_it() {
    let g = Graph::new();
    let x = g.value(7i64);
    let y = g.value(2i64);
    let exec = Executor::sequential();
    let cases = [
        (&x + &y, "add", 9),
        (&x - &y, "sub", 5),
        (&x * &y, "mul", 14),
        (&x / &y, "div", 3),
        (&x % &y, "rem", 1),
        (-&x, "neg", -7),
        (&x + 10, "add", 17),
        (10 - &x, "sub", 3),
        (x.clone() * y.clone(), "mul", 14),
    ];
    for (node, name, want) in &cases {
        assert!(node.key().starts_with(&format!("{name}-")), "{}", node.key());
        assert_eq!(node.compute(&exec).unwrap(), *want, "{name}");
    }
    // The same operation on the same operands is the same node.
    let before = g.len();
    assert_eq!((&x + &y).key(), cases[0].0.key());
    assert_eq!((&x + 10).key(), cases[6].0.key());
    assert_eq!(g.len(), before);
    // ... and a different one is another.
    assert_ne!((&y + &x).key(), cases[0].0.key());
}

#[test]
fn operators_work_on_floats_and_mixed_chains() {
    let g = Graph::new();
    let r = g.value(1.5f64);
    let area = 3.0 * &r * &r - -&r / 0.5;
    assert_eq!(area.compute(&Executor::sequential()).unwrap(), 3.0 * 1.5 * 1.5 + 3.0);
    // Dividing by zero is the float's inf, as in Rust.
    assert_eq!((&r / 0.0).compute(&Executor::sequential()).unwrap(), f64::INFINITY);
}

#[test]
fn an_integer_division_by_zero_is_a_failed_task_not_a_crash() {
    let g = Graph::new();
    let q = g.value(1u32) / g.value(0u32);
    for exec in executors() {
        match q.compute(&exec).unwrap_err() {
            ExecError::Task(e) => {
                assert!(e.panicked && e.key.starts_with("div-"), "{e:?}");
                assert!(e.message.contains("divide by zero"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_operand_from_another_graph_fails_by_name() {
    let (g, h) = (Graph::new(), Graph::new());
    let x = g.value(1i64);
    let y = h.value(2i64);
    let bad = &x + &y;
    match bad.compute(&Executor::sequential()).unwrap_err() {
        ExecError::Task(e) => assert_eq!(e.message, "argument 1 of a call of add belongs to another graph"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_sum_is_a_chain_of_adds_from_zero() {
    let g = Graph::new();
    let xs: Vec<_> = (1..=3u64).map(|i| g.value(i * 10)).collect();
    let total = g.sum(&xs);
    assert_eq!(g.len(), 3 + 1 + 3);
    assert_eq!(total.compute(&Executor::sequential()).unwrap(), 60);
    // The chain: add(add(add(0, 10), 20), 30); the sum again is the same node.
    let dot = g.to_dot(&[total.node()], executors::RankDir::TopBottom);
    assert_eq!(dot.matches(" -> ").count(), 6, "{dot}");
    assert_eq!(g.sum(xs.iter()).key(), total.key());
    assert_eq!(g.len(), 7);
    let nothing: Vec<executors::Delayed<f64>> = Vec::new();
    assert_eq!(g.sum(&nothing).compute(&Executor::sequential()).unwrap(), 0.0);
}
