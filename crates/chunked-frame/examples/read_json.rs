//! Reads a CSV (or Parquet) file with chunked-frame and prints its names,
//! types and values as one line of JSON: the reader's side of
//! `tests/pandas/fuzz.py`, which compares it with pandas.
//!
//! `cargo run -p chunked-frame --example read_json -- FILE [BLOCKSIZE]
//! [default|nodefault] [DELIMITER] [KEYS AGGS]`: with KEYS (columns joined
//! by `,`) and AGGS (`column:agg` joined by `,`; agg one of `mean`, `sum`,
//! `count`, `size`, `min`, `max`, `varD`/`stdD` with ddof D, `median`,
//! `quantileQ`, `nunique`, `first`, `last`), the group-by's result instead
//! (`tests/pandas/fuzz.py --groupby`); with `merge RIGHT KEYS HOW` after
//! the delimiter, the file merged with the CSV file RIGHT (read whole) on
//! KEYS (joined by `,`), HOW `inner` or `left` (`fuzz.py --merge`); with
//! `query OPS` after the delimiter, the file after the operations OPS, a
//! JSON list of `["filter", E]`, `["with", NAME, E]` and `["select",
//! [NAMES]]` where an expression E is `{"col": NAME}`, `{"lit": VALUE}` or
//! `[OP, E, ...]` (`add` `sub` `mul` `div` `eq` `ne` `lt` `le` `gt` `ge`
//! `and` `or` `not` `is_null`, `["isin", E, [VALUES]]`, `["between", E,
//! LOW, HIGH]`) (`fuzz.py --query`).

use chunked_frame::{
    Agg, CsvOptions, Expr, JoinOptions, JoinType, LazyFrame, ParquetOptions, Value, col, read_csv,
    read_parquet,
};
use executors::{Executor, Strategy};
use serde_json::{Map, json};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: read_json FILE [BLOCKSIZE] [default|nodefault] [DELIMITER]");
        std::process::exit(2);
    };
    let blocksize = match args.get(2).map(|b| b.parse::<usize>()) {
        None => usize::MAX,
        Some(Ok(b)) => b,
        Some(Err(e)) => {
            eprintln!("BLOCKSIZE: {e}");
            std::process::exit(2);
        }
    };
    let mut options = CsvOptions::default().blocksize(blocksize);
    if args.get(3).is_some_and(|a| a == "nodefault") {
        options = options.keep_default_na(false);
    }
    if let Some(&d) = args.get(4).and_then(|d| d.as_bytes().first()) {
        options.delimiter = d;
    }
    let frame = if path.ends_with(".parquet") {
        read_parquet(path, ParquetOptions::default())
    } else {
        read_csv(path, options)
    };
    let exec = Executor::new(Strategy::Pool, 2).expect("two workers");
    let result = match (args.get(5), args.get(6)) {
        (Some(word), Some(right)) if word == "merge" => {
            let keys: Vec<&str> = args.get(7).map_or("", String::as_str).split(',').collect();
            let how = if args.get(8).is_some_and(|h| h == "left") { JoinType::Left } else { JoinType::Inner };
            read_csv(right, CsvOptions::default()).and_then(|r| r.compute(&exec)).and_then(|right| {
                frame
                    .and_then(|f| f.merge(&right, JoinOptions::on(&keys).how(how)))
                    .and_then(|f| f.compute(&exec))
            })
        }
        (Some(word), Some(ops)) if word == "query" => match parse_ops(ops) {
            Ok(ops) => frame.map(|f| ops.into_iter().fold(f, |f, op| op(f))).and_then(|f| f.compute(&exec)),
            Err(e) => {
                eprintln!("OPS: {e}");
                std::process::exit(2);
            }
        },
        (Some(keys), Some(aggs)) => match parse_aggs(aggs) {
            Ok(aggs) => frame.and_then(|f| grouped(&f, keys, &aggs, &exec)),
            Err(e) => {
                eprintln!("AGGS: {e}");
                std::process::exit(2);
            }
        },
        _ => frame.and_then(|f| f.compute(&exec)),
    };
    match result {
        Err(e) => println!("{}", json!({ "error": e.to_string() })),
        Ok(df) => {
            let mut columns = Map::new();
            let mut dtypes = Vec::new();
            for (name, c) in df.names().iter().zip(df.columns()) {
                dtypes.push(format!("{:?}", c.dtype()));
                let values: Vec<serde_json::Value> = (0..c.len())
                    .map(|i| match c.get(i) {
                        Value::Null => serde_json::Value::Null,
                        Value::Int(v) => json!(v),
                        // JSON has no infinities nor NaN: those as text.
                        Value::Float(v) if v.is_finite() => json!(v),
                        Value::Float(v) => json!({ "float": v.to_string() }),
                        Value::Bool(b) => json!(b),
                        Value::Str(s) => json!({ "str": s }),
                    })
                    .collect();
                columns.insert(name.clone(), serde_json::Value::Array(values));
            }
            println!("{}", json!({ "names": df.names(), "dtypes": dtypes, "columns": columns }));
        }
    }
}

/// `column:agg` pairs joined by `,`.
fn parse_aggs(text: &str) -> Result<Vec<(String, Agg)>, String> {
    text.split(',')
        .map(|pair| {
            let (column, agg) = pair.split_once(':').ok_or_else(|| format!("{pair:?} is not column:agg"))?;
            let number = |prefix: &str| agg.strip_prefix(prefix).filter(|n| !n.is_empty());
            let agg = match agg {
                "mean" => Agg::Mean,
                "sum" => Agg::Sum,
                "count" => Agg::Count,
                "size" => Agg::Size,
                "min" => Agg::Min,
                "max" => Agg::Max,
                "median" => Agg::Median,
                "nunique" => Agg::Nunique,
                "first" => Agg::First,
                "last" => Agg::Last,
                _ if number("var").is_some() => {
                    Agg::Var(number("var").and_then(|n| n.parse().ok()).ok_or(agg)?)
                }
                _ if number("std").is_some() => {
                    Agg::Std(number("std").and_then(|n| n.parse().ok()).ok_or(agg)?)
                }
                _ if number("quantile").is_some() => {
                    Agg::Quantile(number("quantile").and_then(|n| n.parse().ok()).ok_or(agg)?)
                }
                _ => return Err(format!("unknown agg {agg:?}")),
            };
            Ok((column.to_owned(), agg))
        })
        .collect()
}

/// The group-by of `frame` over `keys` (joined by `,`) with `aggs`.
fn grouped(
    frame: &LazyFrame,
    keys: &str,
    aggs: &[(String, Agg)],
    exec: &Executor,
) -> chunked_frame::Result<chunked_frame::DataFrame> {
    let keys: Vec<&str> = keys.split(',').collect();
    let aggs: Vec<(&str, Agg)> = aggs.iter().map(|(c, a)| (c.as_str(), *a)).collect();
    frame.clone().groupby(&keys).agg(&aggs).compute(exec)
}

/// One step of a query.
type Op = Box<dyn FnOnce(LazyFrame) -> LazyFrame>;

/// A JSON list of query steps.
fn parse_ops(text: &str) -> Result<Vec<Op>, String> {
    let ops: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let ops = ops.as_array().ok_or("OPS is not a list")?;
    ops.iter()
        .map(|op| {
            let op = op.as_array().ok_or_else(|| format!("{op} is not a list"))?;
            let word = op.first().and_then(serde_json::Value::as_str).ok_or("an op without a name")?;
            Ok(match (word, &op[1..]) {
                ("filter", [e]) => {
                    let e = parse_expr(e)?;
                    Box::new(move |f: LazyFrame| f.filter(e)) as Op
                }
                ("with", [serde_json::Value::String(name), e]) => {
                    let (name, e) = (name.clone(), parse_expr(e)?);
                    Box::new(move |f: LazyFrame| f.with_column(&name, e))
                }
                ("select", [serde_json::Value::Array(names)]) => {
                    let names: Vec<String> = names
                        .iter()
                        .map(|n| n.as_str().map(str::to_owned).ok_or("a name"))
                        .collect::<Result<_, _>>()?;
                    Box::new(move |f: LazyFrame| {
                        f.select(&names.iter().map(String::as_str).collect::<Vec<_>>())
                    })
                }
                _ => return Err(format!("unknown op {op:?}")),
            })
        })
        .collect()
}

/// A JSON constant as a value (`3` an int, `3.0` a float).
fn parse_value(v: &serde_json::Value) -> Result<Value, String> {
    Ok(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().ok_or("a number")?),
        },
        serde_json::Value::Object(o) if o.contains_key("float") => {
            Value::Float(o["float"].as_str().and_then(|t| t.parse().ok()).ok_or("a float's text")?)
        }
        other => return Err(format!("{other} is not a value")),
    })
}

/// An expression from its JSON form.
fn parse_expr(e: &serde_json::Value) -> Result<Expr, String> {
    if let Some(name) = e.get("col").and_then(serde_json::Value::as_str) {
        return Ok(col(name));
    }
    if let Some(v) = e.get("lit") {
        return Ok(Expr::Lit(parse_value(v)?));
    }
    let parts = e.as_array().ok_or_else(|| format!("{e} is not an expression"))?;
    let word = parts.first().and_then(serde_json::Value::as_str).ok_or("an expression without a name")?;
    let arg =
        |i: usize| parts.get(i).ok_or_else(|| format!("{word} wants argument {i}")).and_then(parse_expr);
    Ok(match word {
        "add" => arg(1)? + arg(2)?,
        "sub" => arg(1)? - arg(2)?,
        "mul" => arg(1)? * arg(2)?,
        "div" => arg(1)? / arg(2)?,
        "eq" => arg(1)?.eq(arg(2)?),
        "ne" => arg(1)?.ne(arg(2)?),
        "lt" => arg(1)?.lt(arg(2)?),
        "le" => arg(1)?.le(arg(2)?),
        "gt" => arg(1)?.gt(arg(2)?),
        "ge" => arg(1)?.ge(arg(2)?),
        "and" => arg(1)?.and(arg(2)?),
        "or" => arg(1)?.or(arg(2)?),
        "not" => arg(1)?.not(),
        "is_null" => arg(1)?.is_null(),
        "isin" => {
            let values = parts.get(2).and_then(serde_json::Value::as_array).ok_or("isin wants a list")?;
            arg(1)?.isin(values.iter().map(parse_value).collect::<Result<Vec<_>, _>>()?)
        }
        "between" => {
            let bound = |i: usize| {
                parts.get(i).ok_or("between wants two bounds").map_err(String::from).and_then(parse_value)
            };
            arg(1)?.between(bound(2)?, bound(3)?)
        }
        _ => return Err(format!("unknown expression {word:?}")),
    })
}
