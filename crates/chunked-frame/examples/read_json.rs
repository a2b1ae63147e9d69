//! Reads a CSV (or Parquet) file with chunked-frame and prints its names,
//! types and values as one line of JSON: the reader's side of
//! `tests/pandas/fuzz.py`, which compares it with pandas.
//!
//! `cargo run -p chunked-frame --example read_json -- FILE [BLOCKSIZE]
//! [default|nodefault] [DELIMITER]`

use chunked_frame::{CsvOptions, ParquetOptions, Value, read_csv, read_parquet};
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
    match frame.and_then(|f| f.compute(&exec)) {
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
