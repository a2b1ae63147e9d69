//! Reads an `.npy` file in given chunks, applies one reduction or scan and
//! writes the result as `.npy`: the array's side of `tests/numpy/fuzz.py`,
//! which compares it with numpy.
//!
//! `cargo run -p chunked-array --example reduce_npy -- IN OUT CHUNKS OP AXES
//! [IN2 CHUNKS2]`
//! - CHUNKS: per axis, the block lengths joined by `+`, axes by `,`
//!   (`2+3,4` cuts a 5 x 4 array into blocks of 2 and 3 rows);
//! - OP: `sum`, `mean`, `var`, `std`, `min`, `max`, `prod`, their `nan`
//!   versions (no `nanprod`), `var1`/`std1`/`nanvar1`/`nanstd1` (ddof 1),
//!   `argmin`, `argmax`, `cumsum`, `cumprod`, `any`, `all`,
//!   `count_nonzero`, `quantile:Q`, `nanquantile:Q`; or a layout:
//!   `index:SPEC` (numpy's basic index, parts joined by `;`: `1:-1:2`,
//!   `::-1`, `3`, `new`, `...`), `transpose:2,0,1`, `reshape:3,4`; or an
//!   element-wise function (`unary:exp`, `unary:round`, `unary:clip:LO,HI`,
//!   `unary:nan_to_num:V`, ...), or one of two arrays broadcast together
//!   (`binary:add`, `binary:power`, ...: the second array is IN2 in
//!   CHUNKS2), their product (`binary:matmul`, `binary:dot`) or join
//!   (`binary:concatenate:AXIS`, `binary:stack:AXIS`);
//! - AXES: `all`, or axes joined by `,` (negative from the end), with a
//!   trailing `k` for numpy's `keepdims=True` (`0,-1k`).
//!
//! Prints `error: ...` instead when the library refuses the operation.

use chunked_array::{Array, ArrayError, Axes, Chunks, Index, from_npy};
use executors::{Executor, Strategy};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 6 && args.len() != 8 {
        eprintln!("usage: reduce_npy IN OUT CHUNKS OP AXES [IN2 CHUNKS2]");
        std::process::exit(2);
    }
    let second = args.get(6).zip(args.get(7)).map(|(a, c)| (a.as_str(), c.as_str()));
    match run(&args[1], &args[2], &args[3], &args[4], &args[5], second) {
        Ok(()) => println!("ok"),
        Err(e) => println!("error: {e}"),
    }
}

/// Per axis, block lengths joined by `+`; axes joined by `,` (an empty
/// text: a 0-dimensional array).
fn chunks_of(text: &str) -> Result<Chunks, String> {
    let axes: Vec<Vec<usize>> = text
        .split(',')
        .filter(|axis| !axis.is_empty())
        .map(|axis| axis.split('+').map(|n| n.parse::<usize>().map_err(|e| format!("CHUNKS: {e}"))).collect())
        .collect::<Result<_, _>>()?;
    Ok(Chunks::Explicit(axes))
}

fn run(
    input: &str,
    output: &str,
    chunks: &str,
    op: &str,
    axes: &str,
    second: Option<(&str, &str)>,
) -> Result<(), String> {
    let x = from_npy(input, chunks_of(chunks)?).map_err(|e| e.to_string())?;
    if let Some(name) = op.strip_prefix("binary:").or(op.strip_prefix("unary:")) {
        let result = match second {
            Some((path, chunks)) if op.starts_with("binary:") => {
                let y = from_npy(path, chunks_of(chunks)?).map_err(|e| e.to_string())?;
                binary(&x, name, &y)?
            }
            _ => unary(&x, name)?,
        };
        let exec = Executor::new(Strategy::Graph, 2).map_err(|e| e.to_string())?;
        return result.map_err(|e| e.to_string())?.to_npy(output, &exec).map_err(|e| e.to_string());
    }
    let (list, keep) = match axes.strip_suffix('k') {
        Some(list) => (list, true),
        None => (axes, false),
    };
    let mut axes = if list == "all" {
        Axes::All
    } else {
        Axes::Signed(
            list.split(',')
                .map(|a| a.parse::<isize>().map_err(|e| format!("AXES: {e}")))
                .collect::<Result<_, _>>()?,
        )
    };
    if keep {
        axes = axes.keepdims();
    }
    let result = apply(&x, op, axes)?;
    let exec = Executor::new(Strategy::Graph, 2).map_err(|e| e.to_string())?;
    result.to_npy(output, &exec).map_err(|e| e.to_string())
}

fn apply(x: &Array, op: &str, axes: Axes) -> Result<Array, String> {
    let q = |q: &str| q.parse::<f64>().map_err(|e| format!("Q: {e}"));
    let list = |text: &str| -> Result<Vec<usize>, String> {
        text.split(',')
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().map_err(|e| format!("{t:?}: {e}")))
            .collect()
    };
    let result: Result<Array, ArrayError> = if let Some(spec) = op.strip_prefix("index:") {
        x.index(&index(spec)?)
    } else if let Some(order) = op.strip_prefix("transpose:") {
        x.transpose_axes(&list(order)?)
    } else if let Some(shape) = op.strip_prefix("reshape:") {
        x.reshape(&list(shape)?)
    } else if let Some(text) = op.strip_prefix("quantile:") {
        x.quantile(q(text)?, axes)
    } else if let Some(text) = op.strip_prefix("nanquantile:") {
        x.nanquantile(q(text)?, axes)
    } else {
        reduce(x, op, axes).ok_or_else(|| format!("unknown OP {op:?}"))?
    };
    result.map_err(|e| e.to_string())
}

/// `x` through an element-wise function named as numpy names it.
fn unary(x: &Array, name: &str) -> Result<Result<Array, ArrayError>, String> {
    Ok(Ok(match name {
        "exp" => x.exp(),
        "log" => x.log(),
        "sqrt" => x.sqrt(),
        "abs" => x.abs(),
        "log1p" => x.log1p(),
        "expm1" => x.expm1(),
        "tan" => x.tan(),
        "floor" => x.floor(),
        "ceil" => x.ceil(),
        "round" => x.round(),
        "sign" => x.sign(),
        "isnan" => x.isnan(),
        "isfinite" => x.isfinite(),
        "log2" => x.log2(),
        "log10" => x.log10(),
        "exp2" => x.exp2(),
        "cbrt" => x.cbrt(),
        "sinh" => x.sinh(),
        "cosh" => x.cosh(),
        "tanh" => x.tanh(),
        "arcsin" => x.arcsin(),
        "arccos" => x.arccos(),
        "arctan" => x.arctan(),
        "reciprocal" => x.reciprocal(),
        _ => {
            let number = |t: &str| t.parse::<f64>().map_err(|e| format!("{t:?}: {e}"));
            if let Some(bounds) = name.strip_prefix("clip:") {
                let (lo, hi) = bounds.split_once(',').ok_or("clip:LO,HI")?;
                return Ok(x.clip(number(lo)?, number(hi)?));
            }
            if let Some(v) = name.strip_prefix("nan_to_num:") {
                return Ok(Ok(x.nan_to_num(number(v)?)));
            }
            return Err(format!("unknown function {name:?}"));
        }
    }))
}

/// `x` and `y` broadcast together through a function numpy names so.
fn binary(x: &Array, name: &str, y: &Array) -> Result<Result<Array, ArrayError>, String> {
    Ok(match name {
        "add" => x.add(y),
        "subtract" => x.subtract(y),
        "multiply" => x.multiply(y),
        "divide" => x.divide(y),
        "power" => x.power(y),
        "maximum" => x.maximum(y),
        "minimum" => x.minimum(y),
        "greater" => x.greater(y),
        "greater_equal" => x.greater_equal(y),
        "less" => x.less(y),
        "less_equal" => x.less_equal(y),
        "equal" => x.equal(y),
        "not_equal" => x.not_equal(y),
        "matmul" => x.matmul(y),
        "dot" => x.dot(y),
        _ => {
            let axis = |t: &str| t.parse::<isize>().map_err(|e| format!("{t:?}: {e}"));
            let both = [x.clone(), y.clone()];
            if let Some(a) = name.strip_prefix("concatenate:") {
                return Ok(chunked_array::concatenate(&both, Axes::Signed(vec![axis(a)?])));
            }
            if let Some(a) = name.strip_prefix("stack:") {
                return Ok(chunked_array::stack(&both, Axes::Signed(vec![axis(a)?])));
            }
            return Err(format!("unknown function {name:?}"));
        }
    })
}

/// numpy's basic index from `;`-separated parts: `start:stop:step` (parts
/// may be empty), an integer, `new` (`np.newaxis`) or `...`.
fn index(spec: &str) -> Result<Vec<Index>, String> {
    let int = |t: &str| -> Result<Option<isize>, String> {
        if t.is_empty() { Ok(None) } else { t.parse().map(Some).map_err(|e| format!("{t:?}: {e}")) }
    };
    spec.split(';')
        .map(|part| match part {
            "new" => Ok(Index::NewAxis),
            "..." => Ok(Index::Ellipsis),
            _ if part.contains(':') => {
                let bounds: Vec<&str> = part.split(':').collect();
                let step = int(bounds.get(2).copied().unwrap_or(""))?.unwrap_or(1);
                Ok(Index::Slice { start: int(bounds[0])?, stop: int(bounds[1])?, step })
            }
            _ => Ok(Index::At(int(part)?.ok_or("an empty index")?)),
        })
        .collect()
}

fn reduce(x: &Array, op: &str, axes: Axes) -> Option<Result<Array, ArrayError>> {
    Some(match op {
        "sum" => x.sum(axes),
        "mean" => x.mean(axes),
        "var" => x.var(axes),
        "std" => x.std(axes),
        "var1" => x.var_ddof(axes, 1),
        "std1" => x.std_ddof(axes, 1),
        "min" => x.min(axes),
        "max" => x.max(axes),
        "prod" => x.prod(axes),
        "nansum" => x.nansum(axes),
        "nanmean" => x.nanmean(axes),
        "nanvar" => x.nanvar(axes),
        "nanstd" => x.nanstd(axes),
        "nanvar1" => x.nanvar_ddof(axes, 1),
        "nanstd1" => x.nanstd_ddof(axes, 1),
        "nanmin" => x.nanmin(axes),
        "nanmax" => x.nanmax(axes),
        "argmin" => x.argmin(axes),
        "argmax" => x.argmax(axes),
        "cumsum" => x.cumsum(axes),
        "cumprod" => x.cumprod(axes),
        "any" => x.any(axes),
        "all" => x.all(axes),
        "count_nonzero" => x.count_nonzero(axes),
        _ => return None,
    })
}
