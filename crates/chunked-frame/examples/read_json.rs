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
//! KEYS (joined by `,`), HOW `inner` or `left` (`fuzz.py --merge`).

use chunked_frame::{
    Agg, CsvOptions, JoinOptions, JoinType, LazyFrame, ParquetOptions, Value, read_csv, read_parquet,
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
