//! Expressions as pandas evaluates them: integers exact past 2^53 (in
//! arithmetic, comparisons and `isin`), overflow refused where pandas wraps
//! around, boolean arithmetic, NaN results missing, constant columns; whole
//! and in small partitions. `tests/pandas/fuzz.py --query` draws many more
//! against pandas itself.

use chunked_frame::{Column, CsvOptions, DType, DataFrame, FrameError, LazyFrame, Value, col, lit, read_csv};
use executors::Executor;

use crate::TempCsv;

/// 2^53 + 1, the first integer a float64 cannot hold.
const BIG: i64 = 9_007_199_254_740_993;

const FILE: &str =
    "id,n,b,f\n9007199254740993,1,True,0.0\n9007199254740992,,False,1.5\n9223372036854775807,3,True,2.0\n";

/// The query on the file whole and in 16-byte partitions, checked equal.
fn both(name: &str, query: impl Fn(LazyFrame) -> LazyFrame) -> Result<DataFrame, FrameError> {
    let file = TempCsv::new(name, FILE.as_bytes());
    let exec = Executor::sequential();
    let whole = query(read_csv(file.path(), CsvOptions::default())?).compute(&exec);
    let parts = query(read_csv(file.path(), CsvOptions::default().blocksize(16))?).compute(&exec);
    match (&whole, &parts) {
        (Ok(w), Ok(p)) => assert_eq!(w, p, "whole and partitioned reads differ"),
        (Err(w), Err(p)) => assert_eq!(w.to_string(), p.to_string()),
        _ => panic!("whole {whole:?}, partitioned {parts:?}"),
    }
    whole
}

fn ints(df: &DataFrame, name: &str) -> Vec<Value> {
    let c = df.column(name).unwrap();
    (0..c.len()).map(|i| c.get(i)).collect()
}

#[test]
fn integers_past_2_to_the_53_compare_exactly() {
    let df = both("exp_eq.csv", |f| f.filter(col("id").eq(lit(BIG)))).unwrap();
    assert_eq!(ints(&df, "id"), vec![Value::Int(BIG)]);
    let df = both("exp_lt.csv", |f| f.filter(col("id").lt(lit(BIG)))).unwrap();
    assert_eq!(ints(&df, "id"), vec![Value::Int(BIG - 1)]);
    let df = both("exp_between.csv", |f| f.filter(col("id").between(BIG, BIG))).unwrap();
    assert_eq!(ints(&df, "id"), vec![Value::Int(BIG)]);
    // Against a float, as numpy compares int64 with float64: the nearest
    // float of 2^53 + 1 is 2^53.
    let df = both("exp_float.csv", |f| f.filter(col("id").eq(lit(9_007_199_254_740_992.0)))).unwrap();
    assert_eq!(ints(&df, "id"), vec![Value::Int(BIG), Value::Int(BIG - 1)]);
}

#[test]
fn isin_matches_integers_exactly_and_floats_of_the_same_value() {
    let df = both("exp_isin.csv", |f| f.filter(col("id").isin([BIG]))).unwrap();
    assert_eq!(ints(&df, "id"), vec![Value::Int(BIG)]);
    let df = both("exp_isin_f.csv", |f| f.filter(col("id").isin([9_007_199_254_740_992.0]))).unwrap();
    assert_eq!(ints(&df, "id"), vec![Value::Int(BIG - 1)]);
    let df = both("exp_isin_n.csv", |f| f.filter(col("n").isin([Value::Float(3.0)]))).unwrap();
    assert_eq!(ints(&df, "n"), vec![Value::Int(3)]);
    let df = both("exp_isin_x.csv", |f| f.filter(col("f").isin([2]))).unwrap();
    assert_eq!(ints(&df, "f"), vec![Value::Float(2.0)]);
}

#[test]
fn integer_arithmetic_stays_exact_int64_and_nulls_stay_null() {
    let df = both("exp_add.csv", |f| f.with_column("m", col("id") - lit(7) + col("n") * lit(2))).unwrap();
    assert_eq!(df.column("m").unwrap().dtype(), DType::Int64);
    assert_eq!(ints(&df, "m"), vec![Value::Int(BIG - 5), Value::Null, Value::Int(i64::MAX - 1)]);
    // A bool counts 0 and 1 beside an integer (pandas: int64).
    let df = both("exp_bool_int.csv", |f| f.with_column("m", col("n") + col("b"))).unwrap();
    assert_eq!(ints(&df, "m"), vec![Value::Int(2), Value::Null, Value::Int(4)]);
    // Division is always float.
    let df = both("exp_div.csv", |f| f.with_column("m", col("n") / lit(2))).unwrap();
    assert_eq!(ints(&df, "m"), vec![Value::Float(0.5), Value::Null, Value::Float(1.5)]);
    let file = TempCsv::new("exp_schema.csv", FILE.as_bytes());
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    let schema =
        f.with_column("a", col("id") * lit(1)).with_column("r", col("id") / lit(1)).schema().unwrap();
    assert_eq!(
        schema.fields.iter().map(|f| f.dtype).collect::<Vec<_>>()[4..],
        [DType::Int64, DType::Float64]
    );
}

#[test]
fn integer_overflow_is_an_error_naming_the_expression_and_values() {
    let err = both("exp_overflow.csv", |f| f.with_column("m", col("id") + col("n"))).unwrap_err();
    match &err {
        FrameError::IntegerOverflow { expression, left, right } => {
            assert_eq!((expression.as_str(), *left, *right), ("(id + n)", i64::MAX, 3));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("(id + n)") && err.to_string().contains("9223372036854775807"), "{err}");
    // As floats, on purpose, it is no error.
    let df = both("exp_overflow_f.csv", |f| f.with_column("m", col("id") * lit(1.0) + col("n"))).unwrap();
    assert_eq!(df.column("m").unwrap().dtype(), DType::Float64);
}

#[test]
fn two_booleans_add_as_or_multiply_as_and_and_refuse_subtraction() {
    let df = both("exp_bools.csv", |f| {
        f.with_column("or", col("b") + col("n").gt(lit(2))).with_column("and", col("b") * col("n").gt(lit(2)))
    })
    .unwrap();
    assert_eq!(ints(&df, "or"), vec![Value::Bool(true), Value::Bool(false), Value::Bool(true)]);
    assert_eq!(ints(&df, "and"), vec![Value::Bool(false), Value::Bool(false), Value::Bool(true)]);
    let file = TempCsv::new("exp_bool_sub.csv", FILE.as_bytes());
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    // Refused before any work, from the types alone.
    let err = f.with_column("x", col("b") - col("b")).schema().unwrap_err();
    assert!(matches!(err, FrameError::Type { dtype: DType::Bool, .. }), "{err:?}");
}

#[test]
fn a_nan_an_expression_makes_is_missing_as_in_pandas() {
    let df = both("exp_nan.csv", |f| {
        f.with_column("r", col("f") / col("f")).with_column("gone", (col("f") / col("f")).is_null())
    })
    .unwrap();
    assert_eq!(ints(&df, "r"), vec![Value::Null, Value::Float(1.0), Value::Float(1.0)]);
    assert_eq!(ints(&df, "gone"), vec![Value::Bool(true), Value::Bool(false), Value::Bool(false)]);
}

#[test]
fn a_constant_makes_a_column_of_its_type_on_every_row() {
    let df = both("exp_const.csv", |f| f.with_column("k", lit(7)).with_column("s", lit("x"))).unwrap();
    assert_eq!(ints(&df, "k"), vec![Value::Int(7); 3]);
    assert_eq!(df.column("s").unwrap(), &Column::Str { dict: vec!["x".into()], codes: vec![0; 3] });
    let file = TempCsv::new("exp_const_null.csv", FILE.as_bytes());
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    let err = f.with_column("z", lit(Value::Null)).schema().unwrap_err();
    assert!(err.to_string().contains("null constant"), "{err}");
}

#[test]
fn text_and_numbers_are_never_equal_and_cannot_be_ordered() {
    let df = both("exp_mixed.csv", |f| {
        f.with_column("eq", col("n").eq(lit("3"))).with_column("ne", col("n").ne(lit("3")))
    })
    .unwrap();
    assert_eq!(ints(&df, "eq"), vec![Value::Bool(false); 3]);
    assert_eq!(ints(&df, "ne"), vec![Value::Bool(true); 3]);
    let file = TempCsv::new("exp_mixed_lt.csv", FILE.as_bytes());
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    let err = f.filter(col("n").lt(lit("3"))).compute(&Executor::sequential()).unwrap_err();
    assert!(matches!(err, FrameError::Type { .. }), "{err:?}");
}

/// The schema a query reports is the type its computed column has, and a
/// type error shows before any work (arithmetic on text, on either side).
#[test]
fn a_querys_schema_types_each_new_column_as_computing_it_does() {
    let file = TempCsv::new("exp_types.csv", b"s,b,n,f\nx,True,1,0.5\ny,False,2,1.5\n");
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    let cases = [
        ("bb", col("b") + col("b"), DType::Bool),
        ("bn", col("b") * col("n"), DType::Int64),
        ("nn", col("n") - lit(3), DType::Int64),
        ("nf", col("n") - col("f"), DType::Float64),
        ("nd", col("n") / lit(1), DType::Float64),
        ("k", lit(true), DType::Bool),
        ("c", col("n").gt(lit(1)), DType::Bool),
    ];
    for (name, e, want) in cases {
        let q = f.clone().with_column(name, e);
        let schema = q.schema().unwrap();
        assert_eq!(schema.fields.last().unwrap().dtype, want, "{name}");
        let got = q.compute(&Executor::sequential()).unwrap();
        assert_eq!(got.column(name).unwrap().dtype(), want, "{name} computed");
    }
    for e in [col("s") + lit(1), lit(1) + col("s")] {
        let err = f.clone().with_column("x", e).schema().unwrap_err();
        assert!(matches!(err, FrameError::Type { dtype: DType::Str, .. }), "{err:?}");
    }
}

#[test]
fn float_subtraction_and_boolean_conditions_and_sums_with_nulls() {
    let file = TempCsv::new("exp_bool_nulls.csv", b"b,f,n\nTrue,0.5,1\n,1.5,2\nFalse,-2.0,3\n");
    let exec = Executor::sequential();
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    let df = f
        .clone()
        .with_column("d", col("f") - lit(0.25))
        .with_column("o", col("b") + lit(false))
        .compute(&exec)
        .unwrap();
    assert_eq!(ints(&df, "d"), vec![Value::Float(0.25), Value::Float(1.25), Value::Float(-2.25)]);
    // A null boolean stays null through `+` (or).
    assert_eq!(ints(&df, "o"), vec![Value::Bool(true), Value::Null, Value::Bool(false)]);
    // A bool column as the condition: true rows only, null as false.
    let kept = f.clone().filter(col("b")).compute(&exec).unwrap();
    assert_eq!(ints(&kept, "n"), vec![Value::Int(1)]);
    let kept = f.clone().filter(col("b").not()).compute(&exec).unwrap();
    assert_eq!(ints(&kept, "n"), vec![Value::Int(2), Value::Int(3)]);
    let file = TempCsv::new("exp_bool_full.csv", b"b,n\nTrue,1\nFalse,2\nTrue,3\n");
    let kept = read_csv(file.path(), CsvOptions::default()).unwrap().filter(col("b")).compute(&exec).unwrap();
    assert_eq!(ints(&kept, "n"), vec![Value::Int(1), Value::Int(3)]);
}

#[test]
fn isin_of_booleans_and_of_fractions() {
    let file = TempCsv::new("exp_isin_b.csv", b"b,n,f\nTrue,1,1.0\nFalse,2,2.5\nTrue,3,3.0\n");
    let exec = Executor::sequential();
    let f = read_csv(file.path(), CsvOptions::default()).unwrap();
    let kept = f.clone().filter(col("b").isin([true])).compute(&exec).unwrap();
    assert_eq!(ints(&kept, "n"), vec![Value::Int(1), Value::Int(3)]);
    // 1.5 is no integer's value; 2 is not 2.5.
    assert_eq!(f.clone().filter(col("n").isin([1.5])).compute(&exec).unwrap().height(), 0);
    let kept = f.filter(col("f").isin([2, 3])).compute(&exec).unwrap();
    assert_eq!(ints(&kept, "n"), vec![Value::Int(3)]);
}
