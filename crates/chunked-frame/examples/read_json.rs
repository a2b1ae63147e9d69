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
//! LOW, HIGH]`), then also `["dropna", SUBSET, "any"|"all"]`, `["fillna",
//! [[NAME, VALUE], ...]]` and, last, one of `["sort", BY, ASCENDING,
//! "first"|"last"]`, `["dropdup", SUBSET, "first"|"last"|"none"]`,
//! `["tail", N]`, `["head", N]`, `["value_counts", NAME]`, `["describe"]`
//! (SUBSET a list of names or null) (`fuzz.py --query` and `--ops`);
//! with `columns NAMES` after the delimiter, a Parquet file's columns
//! NAMES (joined by `,`) only (`fuzz_parquet.py`); with `noheader`, or
//! `names NAMES [header]`, a CSV file read without a header, or with
//! those names (replacing the header with `header`).

use chunked_frame::{
    Agg, CsvOptions, DataFrame, DropHow, Expr, JoinOptions, JoinType, Keep, LazyFrame, NaPosition,
    ParquetOptions, SortOptions, Value, col, read_csv, read_parquet,
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
    match (args.get(5).map(String::as_str), args.get(6)) {
        (Some("noheader"), _) => options = options.header(false),
        (Some("names"), Some(names)) => {
            options = options.names(&names.split(',').collect::<Vec<_>>());
            if args.get(7).is_some_and(|h| h == "header") {
                options = options.header(true);
            }
        }
        _ => {}
    }
    let frame = if path.ends_with(".parquet") {
        let mut parquet = ParquetOptions::default();
        if let (Some(word), Some(names)) = (args.get(5), args.get(6))
            && word == "columns"
        {
            parquet = parquet.columns(&names.split(',').collect::<Vec<_>>());
        }
        read_parquet(path, parquet)
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
        (Some(word), Some(_)) if word == "columns" || word == "names" => frame.and_then(|f| f.compute(&exec)),
        (Some(word), _) if word == "noheader" => frame.and_then(|f| f.compute(&exec)),
        (Some(word), Some(ops)) if word == "query" => match parse_ops(ops) {
            Ok((ops, last)) => {
                frame.and_then(|f| ops.into_iter().try_fold(f, |f, op| op(f))).and_then(|f| last(f, &exec))
            }
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

/// One lazy step of a query.
type Op = Box<dyn FnOnce(LazyFrame) -> chunked_frame::Result<LazyFrame>>;
/// The step that computes a query.
type Last = Box<dyn FnOnce(LazyFrame, &Executor) -> chunked_frame::Result<DataFrame>>;

/// Names from JSON: a list, or null for every column.
fn names(v: &serde_json::Value) -> Result<Option<Vec<String>>, String> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|n| n.as_str().map(str::to_owned).ok_or_else(|| format!("{n} is not a name")))
            .collect::<Result<_, _>>()
            .map(Some),
        other => Err(format!("{other} is not a list of names")),
    }
}

fn strs(names: &Option<Vec<String>>) -> Option<Vec<&str>> {
    names.as_ref().map(|n| n.iter().map(String::as_str).collect())
}

/// A JSON list of query steps: the lazy ones, and how to compute.
fn parse_ops(text: &str) -> Result<(Vec<Op>, Last), String> {
    let ops: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let ops = ops.as_array().ok_or("OPS is not a list")?;
    let mut lazy: Vec<Op> = Vec::new();
    let mut last: Last = Box::new(|f: LazyFrame, exec: &Executor| f.compute(exec));
    for (k, op) in ops.iter().enumerate() {
        let op = op.as_array().ok_or_else(|| format!("{op} is not a list"))?;
        let word = op.first().and_then(serde_json::Value::as_str).ok_or("an op without a name")?;
        let terminal = !matches!(word, "filter" | "with" | "select" | "dropna" | "fillna");
        if terminal && k + 1 != ops.len() {
            return Err(format!("{word} must be the last step"));
        }
        match (word, &op[1..]) {
            ("filter", [e]) => {
                let e = parse_expr(e)?;
                lazy.push(Box::new(move |f: LazyFrame| Ok(f.filter(e))));
            }
            ("with", [serde_json::Value::String(name), e]) => {
                let (name, e) = (name.clone(), parse_expr(e)?);
                lazy.push(Box::new(move |f: LazyFrame| Ok(f.with_column(&name, e))));
            }
            ("select", [v]) => {
                let names = names(v)?.ok_or("select wants names")?;
                lazy.push(Box::new(move |f: LazyFrame| {
                    Ok(f.select(&names.iter().map(String::as_str).collect::<Vec<_>>()))
                }));
            }
            ("dropna", [subset, how]) => {
                let subset = names(subset)?;
                let how = if how == "all" { DropHow::All } else { DropHow::Any };
                lazy.push(Box::new(move |f: LazyFrame| f.dropna(strs(&subset).as_deref(), how)));
            }
            ("fillna", [serde_json::Value::Array(pairs)]) => {
                let pairs: Vec<(String, Value)> = pairs
                    .iter()
                    .map(|p| match p.as_array().map(Vec::as_slice) {
                        Some([serde_json::Value::String(n), v]) => Ok((n.clone(), parse_value(v)?)),
                        _ => Err(format!("{p} is not [name, value]")),
                    })
                    .collect::<Result<_, _>>()?;
                lazy.push(Box::new(move |f: LazyFrame| {
                    f.fillna(&pairs.iter().map(|(n, v)| (n.as_str(), v.clone())).collect::<Vec<_>>())
                }));
            }
            ("sort", [by, ascending, na]) => {
                let by = names(by)?.ok_or("sort wants names")?;
                let ascending: Vec<bool> = ascending
                    .as_array()
                    .ok_or("sort wants directions")?
                    .iter()
                    .map(|a| a.as_bool().ok_or("a direction"))
                    .collect::<Result<_, _>>()?;
                let na = if na == "first" { NaPosition::First } else { NaPosition::Last };
                last = Box::new(move |f: LazyFrame, exec: &Executor| {
                    f.compute(exec)?.sort_values(
                        &by.iter().map(String::as_str).collect::<Vec<_>>(),
                        &SortOptions::per_key(&ascending).na_position(na),
                    )
                });
            }
            ("dropdup", [subset, keep]) => {
                let subset = names(subset)?;
                let keep = match keep.as_str() {
                    Some("last") => Keep::Last,
                    Some("none") => Keep::None,
                    _ => Keep::First,
                };
                last = Box::new(move |f: LazyFrame, exec: &Executor| {
                    f.drop_duplicates(strs(&subset).as_deref(), keep, exec)
                });
            }
            ("tail" | "head", [n]) => {
                let n = n.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or("a row count")?;
                last = if word == "tail" {
                    Box::new(move |f: LazyFrame, exec: &Executor| f.tail(n, exec))
                } else {
                    Box::new(move |f: LazyFrame, exec: &Executor| f.head(n, exec))
                };
            }
            ("value_counts", [serde_json::Value::String(name)]) => {
                let name = name.clone();
                last = Box::new(move |f: LazyFrame, exec: &Executor| f.value_counts(&name, exec));
            }
            ("describe", []) => last = Box::new(|f: LazyFrame, exec: &Executor| f.describe(exec)),
            _ => return Err(format!("unknown op {op:?}")),
        }
    }
    Ok((lazy, last))
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
