"""Differential fuzzing of chunked-frame's CSV reader against pandas.read_csv.

Draws small odd CSV files (numbers in pandas' spellings and near their
limits, booleans, pandas' missing-value texts, quoted fields with
delimiters, doubled quotes and line ends, short rows, blank lines and lines
of spaces, `,` `;` tab and `|` delimiters, LF, CRLF and lone-CR line ends,
a byte-order mark, quoted and spaced header names), reads each with pandas
and with the `read_json` example (whole, in blocks of 1 to 40 bytes, and
with `keep_default_na(false)`), and compares names, row counts and values.
Types may differ where the README says they do (an int column with
missing values stays int64 here; a bool column with missing values stays
bool); values must not.

Not drawn, as the README's known differences: a first row longer than the
header (pandas takes its extra leading fields for an index; an error here),
integers past int64 (pandas: uint64, Python ints or text), and blank lines
(empty or of spaces) in lone-CR files: pandas 3.1 drops the leading empty
field of a row that follows one there (`a,b\r1,2\r\r,3\r` reads
`[3, NaN]`), a pandas bug this reader does not copy.

Run from the repository's root with pandas installed:
    cargo build --release -p chunked-frame --example read_json
    .venv/bin/python crates/chunked-frame/tests/pandas/fuzz.py --files 400 --seed 1
With `--groupby` it draws group-bys instead: text and int keys with
missing values, float values with NaN, infinities, signed zeros and values
near f64::MAX (sums that overflow), every aggregation at random, read whole
and in small blocks, compared with pandas' `groupby(keys)` (sorted, missing
keys dropped). Left out: pandas' NaN for the mean of finite values whose
sum overflows (its compensated sum computes inf - inf; numpy and pandas'
own sum give the infinity, as here).

With `--merge` it draws inner and left merges of a file with a small
right table (text and int keys, missing and repeated on both sides, a
value column of one name on both sides), compared with pandas' `merge`
(columns, suffixes, row order, values).

With `--query` it draws queries: filters, new columns and selections of
random expressions (arithmetic, comparisons, `isin`, `between`,
`is_null`, `&` `|` `~`) over int columns (small with missing values, and
large ones near 2^53 and int64's limits without), float columns (with
missing values, infinities and signed zeros), bool and text columns,
compared with the same steps on pandas' frame. Integer arithmetic that
leaves int64 is an error here (pandas wraps around): a case counts as
agreeing when ours refuses it with an overflow error and the exact result
does not fit in int64.

With `--ops` it draws the rest of the query surface after an optional
filter: `dropna` (subset, any/all), `fillna` by column, then `sort_values`
(several keys and directions, missing first or last, stable),
`drop_duplicates` (subset, keep first/last/none), `head`, `tail`,
`value_counts` or `describe`, compared with pandas' own. Left out: a
sort on several keys with `na_position="first"` and -inf among the
values (pandas 3.1 puts -inf after NaN there, before it with one key: a
pandas bug not copied), and `fillna` of a text into a column that is
all missing (inferred float64 here, an error naming it; pandas makes it
object).

Prints each file that differs with the verdict; exits 1 if any does.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import warnings

import pandas as pd

warnings.simplefilter("ignore")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
INTS = ["1", "-3", "+4", " 5", "6 ", "007", "0", "-0", "9223372036854775807", "-9223372036854775808", "12"]
FLOATS = ["1.0e+3", "1E5", "00.5", "-.5", "0.", "1e400", "-1e400", "1e-400", "4.9e-324",
          "1.7976931348623157e308", "0.30000000000000004", "1.5", "1e3", ".5", "5.", "-0.0", "inf", "-inf",
          "Infinity", "-Infinity", "1.5E-3", "2.25", "3.0", "1e-320", "0.1", "+1.5", " 2.5"]
BOOLS = ["True", "False", "TRUE", "FALSE", "true", "false"]
NAS = ["", "NA", "N/A", "null", "NULL", "None", "#N/A", "-NaN", "nan", "NaN", "<NA>", "n/a", "-nan", "1.#IND"]
STRS = ["1e", "e5", ".", "+", "1.5.2", "  ", "1 000", "--1", "5-", "1e5x", "x", "hello world", " padded ",
        "JFK", "é", "a b", "NAN", "Nan", "none", "-", "0x10", "1_000", "TRUE ", "t"]
QUOTED = ['"a,b"', '"he said ""hi"""', '"multi\nline"', '"5"', '"NA"', '""', '"True"', '"1.5"', '" x "']


def cell(kind, r):
    p = r.random()
    if p < 0.12:
        return r.choice(NAS)
    if p < 0.17:
        return r.choice(QUOTED)
    if kind == "int":
        return r.choice(INTS) if r.random() < 0.97 else r.choice(FLOATS + STRS)
    if kind == "float":
        return r.choice(FLOATS + INTS[:4])
    if kind == "bool":
        return r.choice(BOOLS) if r.random() < 0.97 else r.choice(STRS)
    return r.choice(STRS + INTS[:3])


def make(r):
    """A file's text and its delimiter."""
    delimiter = r.choice([",", ",", ",", ";", "\t", "|"])
    n = r.randint(1, 4)
    kinds = [r.choice(["int", "float", "bool", "str"]) for _ in range(n)]
    names = [r.choice([f"c{i}", f'"c{i}"', f"c{i} ", f"x y{i}"]) for i in range(n)]
    eol = r.choice(["\n", "\r\n", "\r"])
    lines = [",".join(names)]
    for _ in range(r.randint(1, 25)):
        p = r.random()
        if p < 0.04 and eol != "\r":
            lines.append("")
        elif p < 0.07 and eol != "\r":
            lines.append(r.choice(["  "] if delimiter == "\t" else ["  ", "\t", " \t "]))
        elif p < 0.12 and n > 1:
            lines.append(",".join(cell(k, r) for k in kinds[: r.randint(1, n - 1)]))
        else:
            lines.append(",".join(cell(k, r) for k in kinds))
    if eol == "\r":
        lines = [line if line.strip(" \t") else "x" for line in lines]
    text = eol.join(lines) + (eol if r.random() < 0.8 else "")
    if eol == "\r":
        text = text.replace("\n", " ")  # a quoted line end would mix the two
    if delimiter != ",":
        text = text.replace(",", delimiter)
    if r.random() < 0.1:
        text = "\ufeff" + text
    return text, delimiter


def ours(binary, path, blocksize, nodefault, delimiter, header=()):
    out = subprocess.run([binary, path, str(blocksize), "nodefault" if nodefault else "default", delimiter]
                         + list(header), capture_output=True, text=True)
    if out.returncode != 0:
        return {"crash": out.stderr[-800:]}
    return json.loads(out.stdout)


def value(v):
    """A value of ours as Python: None, int, float, bool or str (NaN as
    None: pandas does not tell them apart)."""
    if isinstance(v, dict):
        if "str" in v:
            return v["str"]
        v = float(v["float"])
        return None if math.isnan(v) else v
    return v


def theirs(v):
    """A value of pandas' as Python, missing values as None."""
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b) and math.copysign(1, float(a)) == math.copysign(1, float(b))
    return a == b


def frame_differs(want, got, close=False):
    """The first difference between pandas' frame `want` and ours `got`
    (names, then each column's rows; missing values as None), or None;
    with `close`, finite floats within 1e-12 relative count as equal."""
    if got["names"] != list(want.columns):
        return f"columns: pandas {list(want.columns)}, ours {got['names']}"
    for j, name in enumerate(want.columns):
        column = want.iloc[:, j]
        mine = [value(v) for v in got["columns"][name]]
        if len(mine) != len(want):
            return f"rows of {name}: pandas {len(want)}, ours {len(mine)}"
        for i, (a, b) in enumerate(zip((theirs(v) for v in column.tolist()), mine)):
            near = (close and isinstance(a, float) and isinstance(b, float) and math.isfinite(a)
                    and math.isfinite(b) and abs(a - b) <= 1e-12 * max(1.0, abs(a)))
            if not same(a, b) and not near:
                return f"row {i}, {name} ({column.dtype}): pandas {a!r}, ours {b!r}"
    return None


def compare(binary, path, delimiter, blocksize, nodefault, header=()):
    """`header`: () for a header, ("noheader",) for pandas' header=None,
    ("names", "c0,c1,...") or ("names", ..., "header") for names."""
    kw = {}
    if header and header[0] == "noheader":
        kw["header"] = None
    elif header:
        kw["names"] = header[1].split(",")
        if len(header) > 2:
            kw["header"] = 0
    try:
        df, error = pd.read_csv(path, sep=delimiter, keep_default_na=not nodefault, **kw), None
        if header and header[0] == "noheader":
            df.columns = [str(c) for c in df.columns]
    except Exception as e:  # pandas refuses the file
        df, error = None, f"{type(e).__name__}: {e}"
    got = ours(binary, path, blocksize, nodefault, delimiter, header)
    if "crash" in got:
        return f"ours crashed: {got['crash']}"
    if error or "error" in got:
        return None if error and "error" in got else f"pandas: {error}; ours: {got.get('error')}"
    if list(df.columns) != got["names"]:
        return f"names: pandas {list(df.columns)}, ours {got['names']}"
    for name, dtype in zip(got["names"], got["dtypes"]):
        mine = [value(v) for v in got["columns"][name]]
        if len(mine) != len(df):
            return f"rows: pandas {len(df)}, ours {len(mine)}"
        for i, (a, b) in enumerate(zip((theirs(v) for v in df[name].tolist()), mine)):
            if not same(a, b):
                return f"column {name!r} ({df[name].dtype} / {dtype}) row {i}: pandas {a!r}, ours {b!r}"
    return None


GROUP_VALUES = ["NaN", "inf", "-inf", "-0.0", "0.0", "1e308", "1.5", "2", "2", "-3.25", "", "0.1", "7", "1e-300"]
NUMERIC_AGGS = ["mean", "sum", "count", "size", "min", "max", "var0", "var1", "std0", "std1", "median",
                "quantile0.3", "quantile0", "quantile1", "nunique", "first", "last"]
TEXT_AGGS = ["count", "size", "nunique", "first", "last"]


def group_file(r):
    """A file of keys (text and int, with missing ones) and values, and the
    keys and aggregations to ask of it."""
    lines = ["k,k2,v,i,s,kf"]
    for _ in range(r.randint(1, 60)):
        k = r.choice(["JFK", "LGA", "EWR", "", "BOS"])
        k2 = r.choice(["1", "2", "3", ""]) if r.random() < 0.9 else "2"
        v = r.choice(GROUP_VALUES) if r.random() < 0.5 else repr(r.gauss(0, 100))
        i = r.choice(["", str(r.randint(-5, 5))]) if r.random() < 0.2 else str(r.randint(-5, 5))
        s = r.choice(["a", "b", "", "c"])
        kf = r.choice(["-0.0", "0.0", "1.5", "", "-inf", "2"])
        lines.append(",".join([k, k2, v, i, s, kf]))
    keys = r.choice([["k"], ["k2"], ["k", "k2"], ["k2", "k"], ["kf"], ["k", "kf"]])
    aggs = []
    for _ in range(r.randint(1, 5)):
        column = r.choice(["v", "i", "s"])
        agg = (column, r.choice(TEXT_AGGS if column == "s" else NUMERIC_AGGS))
        # Each output once (a second is refused, as pandas refuses it).
        if agg not in aggs and not (agg[1] == "size" and any(a == "size" for _, a in aggs)):
            aggs.append(agg)
    return "\n".join(lines) + "\n", keys, aggs


def pandas_agg(g, column, agg):
    col = g[column]
    if agg == "size":
        return g.size()
    if agg.startswith("var") or agg.startswith("std"):
        return getattr(col, agg[:3])(ddof=int(agg[3:]))
    if agg.startswith("quantile"):
        return col.quantile(float(agg[8:]))
    return getattr(col, agg)()


def compare_groupby(binary, path, keys, aggs, blocksize):
    df = pd.read_csv(path)
    g = df.groupby(keys, sort=True)
    want = pd.concat([pandas_agg(g, c, a).rename(f"{c}_{a}") for c, a in aggs], axis=1).reset_index()
    spec = ",".join(f"{c}:{a}" for c, a in aggs)
    out = subprocess.run([binary, path, str(blocksize), "default", ",", ",".join(keys), spec],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return f"ours crashed: {out.stderr[-800:]}"
    got = json.loads(out.stdout)
    if "error" in got:
        return f"ours: {got['error']}"
    columns = [[value(v) for v in got["columns"][name]] for name in got["names"]]
    if len(got["names"]) != want.shape[1]:
        return f"columns: pandas {list(want.columns)}, ours {got['names']}"
    if len(columns[0]) != len(want):
        return f"groups: pandas {len(want)}, ours {len(columns[0])}"
    for j, name in enumerate(want.columns):
        for i, (a, b) in enumerate(zip((theirs(v) for v in want.iloc[:, j].tolist()), columns[j])):
            if same(a, b):
                continue
            if a is None and isinstance(b, float) and math.isinf(b) and name.endswith("_mean"):
                # pandas' group mean of finite values whose sum overflows is
                # NaN (its compensated sum computes inf - inf); numpy's mean
                # and pandas' own group sum give the infinity, as here.
                continue
            close = (isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool)
                     and math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 1e-9 * max(1.0, abs(a)))
            if not close:
                return f"group {i}, {name}: pandas {a!r}, ours {b!r}"
    return None


def merge_files(r):
    """A left and a right file sharing keys (text and int, with missing and
    repeated ones), a value column of one name on both sides, the keys and
    the join."""
    codes = ["AA", "DL", "UA", "", "B6"]
    zeros = ["-0.0", "0.0", "1.5", "", "2"]
    left = ["code,n,v,w,f"]
    for _ in range(r.randint(1, 40)):
        left.append(",".join([r.choice(codes), r.choice(["1", "2", "3", ""]), r.choice(GROUP_VALUES[:9] + ["5"]),
                              r.choice(["x", "y", ""]), r.choice(zeros)]))
    right = ["code,n,v,name,f"]
    for _ in range(r.randint(1, 8)):
        right.append(",".join([r.choice(codes + ["ZZ"]), r.choice(["1", "2", "4", ""]), r.choice(["1.5", "", "-2"]),
                               r.choice(["Alpha", "Beta", ""]), r.choice(zeros)]))
    keys = r.choice([["code"], ["n"], ["code", "n"], ["n", "code"], ["f"], ["code", "f"]])
    return "\n".join(left) + "\n", "\n".join(right) + "\n", keys, r.choice(["inner", "left"])


def compare_merge(binary, left, right, keys, how, blocksize):
    try:
        want, refused = pd.read_csv(left).merge(pd.read_csv(right), on=keys, how=how), None
    except Exception as e:  # pandas refuses (keys of two types)
        want, refused = None, f"{type(e).__name__}: {e}"
    out = subprocess.run([binary, left, str(blocksize), "default", ",", "merge", right, ",".join(keys), how],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return f"ours crashed: {out.stderr[-800:]}"
    got = json.loads(out.stdout)
    if refused or "error" in got:
        return None if refused and "error" in got else f"pandas: {refused}; ours: {got.get('error')}"
    return frame_differs(want, got)


def query_file(r):
    """A file of int, float, bool and text columns for queries."""
    lines = ["i,big,f,b,s,n"]
    for _ in range(r.randint(1, 40)):
        i = "" if r.random() < 0.15 else str(r.randint(-4, 4))
        big = str(r.choice([2**53, 2**53 + 1, 2**53 - 1, -(2**53) - 1, 2**62, 2**63 - 1, -(2**63), 7, 0]))
        f = r.choice(["", "1.5", "-0.0", "0.0", "inf", "-inf", "2", "-3.25", "1e308", "0.1"])
        b = r.choice(["True", "False"])
        s = r.choice(["JFK", "LGA", "", "EWR", "a b"])
        n = r.choice(["", "", str(r.randint(0, 3))])
        lines.append(",".join([i, big, f, b, s, n]))
    return "\n".join(lines) + "\n"


INT_LITS = [0, 1, -1, 2, 3, 2**53 + 1, 2**53, 2**63 - 1, -(2**63)]
FLOAT_LITS = [0.0, -0.0, 0.5, 1.5, -2.0, float("inf"), 1e308, 3.0]


def lit_json(v):
    if isinstance(v, float) and not math.isfinite(v):
        return {"lit": {"float": repr(v)}}
    return {"lit": v}


def numeric_expr(r, depth):
    p = r.random()
    if depth > 2 or p < 0.45:
        return {"col": r.choice(["i", "big", "f", "b", "n"])}
    if p < 0.6:
        return lit_json(r.choice(INT_LITS) if r.random() < 0.6 else r.choice(FLOAT_LITS))
    op = r.choice(["add", "sub", "mul", "div"])
    a, b = numeric_expr(r, depth + 1), numeric_expr(r, depth + 1)
    if "lit" in a and "lit" in b:
        b = {"col": "i"}
    return [op, a, b]


def condition(r, depth):
    p = r.random()
    if depth > 2 or p < 0.4:
        q = r.random()
        if q < 0.55:
            a, b = numeric_expr(r, depth + 1), numeric_expr(r, depth + 1)
            if "lit" in a and "lit" in b:
                a = {"col": "big"}
            return [r.choice(["eq", "ne", "lt", "le", "gt", "ge"]), a, b]
        if q < 0.7:
            return [r.choice(["eq", "ne", "lt", "ge"]), {"col": "s"}, {"lit": r.choice(["JFK", "EWR", "B", ""])}]
        if q < 0.8:
            column = r.choice(["i", "big", "s", "f"])
            pool = ["JFK", "LGA", "EWR"] if column == "s" else INT_LITS[:6] + [1.5, 0.0]
            values = r.sample(pool, r.randint(0, 3))
            if any(isinstance(v, float) for v in values):
                # pandas makes such a list float64 first, so that its
                # integers past 2^53 lose their value (README).
                values = [v for v in values if isinstance(v, float) or abs(v) <= 2**53]
            return ["isin", {"col": column}, values]
        if q < 0.9:
            low, high = sorted(r.sample(INT_LITS[:5] + [2**53, 2**53 + 1], 2))
            return ["between", {"col": r.choice(["i", "big", "f"])}, low, high]
        return ["is_null", r.choice([{"col": r.choice(["i", "f", "s", "n"])}, numeric_expr(r, depth + 1)])]
    if p < 0.55:
        return ["not", condition(r, depth + 1)]
    return [r.choice(["and", "or"]), condition(r, depth + 1), condition(r, depth + 1)]


def query_ops(r):
    ops = []
    for _ in range(r.randint(1, 3)):
        kind = r.random()
        if kind < 0.45:
            ops.append(["filter", condition(r, 0)])
        elif kind < 0.9:
            ops.append(["with", r.choice(["z", "w", "f"]), numeric_expr(r, 0) if r.random() < 0.6 else condition(r, 0)])
        else:
            ops.append(["select", r.sample(["i", "big", "f", "b", "s", "n"], r.randint(1, 4))])
            break
    return ops


class Overflow(Exception):
    pass


INT_COLUMNS = {"i", "big", "n"}


def exact_ints(df, e, kinds):
    """The values of an integer expression (ints and bools of int columns,
    int constants, integer `+ - *`) as Python ints (None where missing),
    or None when the expression is not integer: pandas computes an int
    column with missing values in float64, where this crate keeps int64
    exact (README), so the fuzzer computes those exactly itself. Raises
    Overflow when a result leaves int64."""
    n = len(df)
    if isinstance(e, dict):
        if "col" in e:
            if kinds.get(e["col"]) not in ("int", "bool"):
                return None
            return [None if pd.isna(v) else int(v) for v in df[e["col"]].tolist()]
        v = e["lit"]
        return [v] * n if isinstance(v, (int, bool)) and v is not None else None
    if e[0] not in ("add", "sub", "mul"):
        return None
    xs, ys = exact_ints(df, e[1], kinds), exact_ints(df, e[2], kinds)
    if xs is None or ys is None:
        return None
    if all(kind_of(x, kinds) == "bool" for x in e[1:]):
        return None  # two booleans: pandas' boolean arithmetic
    f = {"add": lambda p, q: p + q, "sub": lambda p, q: p - q, "mul": lambda p, q: p * q}[e[0]]
    out = [None if p is None or q is None else f(p, q) for p, q in zip(xs, ys)]
    if any(v is not None and not -(2**63) <= v < 2**63 for v in out):
        raise Overflow()
    return out


def kind_of(e, kinds):
    if isinstance(e, dict):
        if "col" in e:
            return kinds.get(e["col"])
        v = e["lit"]
        return "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else "other"
    return "bool" if e[0] not in ("add", "sub", "mul", "div") else "other"


def pandas_value(df, e, kinds):
    """An expression evaluated on pandas' frame (a Series or a scalar),
    integer arithmetic and comparisons of integers done exactly."""
    if isinstance(e, dict):
        if "col" in e:
            return df[e["col"]]
        v = e["lit"]
        return float(v["float"]) if isinstance(v, dict) else v
    word, args = e[0], e[1:]
    if word in ("isin", "between"):
        x = pandas_value(df, args[0], kinds)
        return x.isin(args[1]) if word == "isin" else x.between(args[1], args[2])
    if word in ("add", "sub", "mul"):
        exact = exact_ints(df, e, kinds)
        if exact is not None:
            dtype = "int64" if None not in exact else "float64"
            return pd.Series([float("nan") if v is None else v for v in exact], index=df.index, dtype=dtype)
    if word in ("eq", "ne", "lt", "le", "gt", "ge"):
        xs, ys = exact_ints(df, args[0], kinds), exact_ints(df, args[1], kinds)
        if xs is not None and ys is not None:
            import operator
            test = getattr(operator, word)
            return pd.Series([word == "ne" if p is None or q is None else test(p, q) for p, q in zip(xs, ys)],
                             index=df.index, dtype=bool)
    values = [pandas_value(df, a, kinds) for a in args]
    if word == "not":
        return ~values[0]
    if word == "is_null":
        v = values[0]
        return v.isna() if isinstance(v, pd.Series) else pd.Series(pd.isna(v), index=df.index)
    a, b = values
    import operator
    ops = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
           "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
           "ge": operator.ge, "and": operator.and_, "or": operator.or_}
    return ops[word](a, b)


def compare_query(binary, path, ops, blocksize):
    df = pd.read_csv(path)
    kinds = {"i": "int", "big": "int", "n": "int", "f": "other", "b": "bool", "s": "str"}
    refused = None
    try:
        for op in ops:
            if op[0] == "filter":
                df = df[pandas_value(df, op[1], kinds).astype(bool)]
            elif op[0] == "with":
                e = op[2]
                v = pandas_value(df, e, kinds)
                ints = exact_ints(df, e, kinds)
                kind = kind_of(e, kinds)
                kinds[op[1]] = "int" if ints is not None and kind != "bool" else kind
                df = df.copy()
                df[op[1]] = v
            else:
                df = df[op[1]]
    except Overflow:
        refused = "overflow"
    except (TypeError, NotImplementedError) as e:
        refused = f"{type(e).__name__}: {e}"
    out = subprocess.run([binary, path, str(blocksize), "default", ",", "query", json.dumps(ops)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return f"ours crashed: {out.stderr[-800:]}"
    got = json.loads(out.stdout)
    if refused or "error" in got:
        if refused == "overflow" and "overflow" in got.get("error", ""):
            return None
        if refused and "error" in got:
            return None  # both refuse (perhaps for different parts of the query)
        return f"pandas: {refused}; ours: {got.get('error')}"
    return frame_differs(df, got)


def ops_file(r):
    """A file of few distinct values (duplicates and ties) with missing ones."""
    lines = ["k,i,f,b,s"]
    for _ in range(r.randint(1, 40)):
        k = r.choice(["JFK", "LGA", "", "EWR"])
        i = r.choice(["", "1", "2", "-3", "2"])
        f = r.choice(["", "1.5", "-0.0", "0.0", "inf", "-inf", "2", "NaN", "1.5"])
        b = r.choice(["True", "False"])
        s = r.choice(["x", "y", "", "z"])
        lines.append(",".join([k, i, f, b, s]))
    return "\n".join(lines) + "\n"


def draw_ops(r):
    names = ["k", "i", "f", "b", "s"]
    ops = []
    if r.random() < 0.3:
        ops.append(["filter", ["ne", {"col": "k"}, {"lit": r.choice(["JFK", "EWR"])}]])
    if r.random() < 0.3:
        ops.append(["dropna", r.choice([None, r.sample(names, r.randint(1, 3))]), r.choice(["any", "all"])])
    if r.random() < 0.3:
        fills = {"k": "NONE", "i": 0, "f": r.choice([0.5, -1.0]), "s": "?"}
        chosen = r.sample(sorted(fills), r.randint(1, 3))
        ops.append(["fillna", [[c, fills[c]] for c in chosen]])
    last = r.choice(["sort", "dropdup", "tail", "head", "value_counts", "describe", "none"])
    if last == "sort":
        by = r.sample(names, r.randint(1, 3))
        na = r.choice(["first", "last"])
        if na == "first" and len(by) > 1 and "f" in by:
            # pandas 3.1 sorts -inf after NaN under several keys with
            # na_position="first" (one key: before); not copied (README).
            na = "last"
        ops.append(["sort", by, [r.random() < 0.5 for _ in by], na])
    elif last == "dropdup":
        ops.append(["dropdup", r.choice([None, r.sample(names, r.randint(1, 3))]), r.choice(["first", "last", "none"])])
    elif last in ("tail", "head"):
        ops.append([last, r.randint(0, 12)])
    elif last == "value_counts":
        ops.append(["value_counts", r.choice(names)])
    elif last == "describe":
        ops.append(["describe"])
    return ops


def pandas_ops(df, ops):
    for op in ops:
        word, args = op[0], op[1:]
        if word == "filter":
            df = df[df[op[1][1]["col"]] != op[1][2]["lit"]]
        elif word == "dropna":
            df = df.dropna(subset=args[0], how=args[1])
        elif word == "fillna":
            df = df.fillna({c: v for c, v in args[0]})
        elif word == "sort":
            df = df.sort_values(args[0], ascending=args[1], na_position=args[2], kind="stable")
        elif word == "dropdup":
            df = df.drop_duplicates(subset=args[0], keep=False if args[1] == "none" else args[1])
        elif word == "tail":
            df = df.tail(args[0])
        elif word == "head":
            df = df.head(args[0])
        elif word == "value_counts":
            df = df[args[0]].value_counts().reset_index()
        elif word == "describe":
            df = df.describe().reset_index().rename(columns={"index": "statistic"})
    return df


def compare_ops(binary, path, ops, blocksize):
    try:
        want, refused = pandas_ops(pd.read_csv(path), ops), None
    except Exception as e:
        want, refused = None, f"{type(e).__name__}: {e}"
    out = subprocess.run([binary, path, str(blocksize), "default", ",", "query", json.dumps(ops)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return f"ours crashed: {out.stderr[-800:]}"
    got = json.loads(out.stdout)
    if refused or "error" in got:
        if "fillna with" in got.get("error", "") and not refused:
            return None  # text into a column of no values (docstring)
        return None if refused and "error" in got else f"pandas: {refused}; ours: {got.get('error')}"
    return frame_differs(want, got, close=True)


def write(path, text):
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(text)


def check_file(path, text, r, label, compare_at):
    """Writes `text` to `path` and compares it read whole and in one block
    size drawn from `r` (8 to 120 bytes); 1 if they differ (printed)."""
    write(path, text)
    for blocksize in (1 << 30, r.randint(8, 120)):
        verdict = compare_at(path, blocksize)
        if verdict:
            print(f"{label}, blocksize {blocksize}: {verdict}\n  {text!r}")
            return 1
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--merge", action="store_true",
                   help="draw merges with a small right table (missing and repeated keys) instead")
    p.add_argument("--groupby", action="store_true",
                   help="draw group-bys (keys with missing values, values with NaN and infinities) instead")
    p.add_argument("--query", action="store_true",
                   help="draw filters and new columns of random expressions instead")
    p.add_argument("--ops", action="store_true",
                   help="draw dropna, fillna, sorts, drop_duplicates, head, tail, value_counts, describe instead")
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "examples", "read_json"))
    args = p.parse_args()
    r = random.Random(args.seed)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in range(args.files):
            if args.merge:
                left_text, right_text, keys, how = merge_files(r)
                left, right = os.path.join(tmp, f"l{m}.csv"), os.path.join(tmp, f"r{m}.csv")
                for path, text in ((left, left_text), (right, right_text)):
                    write(path, text)
                for blocksize in (1 << 30, r.randint(8, 80)):
                    verdict = compare_merge(args.binary, left, right, keys, how, blocksize)
                    if verdict:
                        differ += 1
                        print(f"file {m}, blocksize {blocksize}, {how} on {keys}: {verdict}\n"
                              f"  {left_text!r}\n  {right_text!r}")
                        break
                continue
            if args.ops:
                text, ops = ops_file(r), draw_ops(r)
                differ += check_file(os.path.join(tmp, f"o{m}.csv"), text, r, f"file {m}, {json.dumps(ops)}",
                                     lambda path, b: compare_ops(args.binary, path, ops, b))
                continue
            if args.query:
                text, ops = query_file(r), query_ops(r)
                differ += check_file(os.path.join(tmp, f"q{m}.csv"), text, r, f"file {m}, {json.dumps(ops)}",
                                     lambda path, b: compare_query(args.binary, path, ops, b))
                continue
            if args.groupby:
                text, keys, aggs = group_file(r)
                differ += check_file(os.path.join(tmp, f"g{m}.csv"), text, r, f"file {m}, by {keys}, {aggs}",
                                     lambda path, b: compare_groupby(args.binary, path, keys, aggs, b))
                continue
            text, delimiter = make(r)
            path = os.path.join(tmp, f"f{m}.csv")
            write(path, text)
            fields = len(next(iter(text.lstrip("\ufeff").splitlines() or [""]), "").split(delimiter))
            header = r.choice([(), (), (), ("noheader",), ("names", ",".join(f"c{i}" for i in range(fields))),
                               ("names", ",".join(f"c{i}" for i in range(fields + r.choice([0, 0, 1]))), "header"),
                               ("names", ",".join(f"c{i}" for i in range(fields + 1)))])
            for blocksize, nodefault in [(1 << 30, False), (r.randint(1, 40), False), (1 << 30, True)]:
                verdict = compare(args.binary, path, delimiter, blocksize, nodefault, header)
                if verdict:
                    differ += 1
                    print(f"file {m}, blocksize {blocksize}, keep_default_na {not nodefault}, {header}: {verdict}\n"
                          f"  {text!r}")
                    break
    print(f"{args.files} files: {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
