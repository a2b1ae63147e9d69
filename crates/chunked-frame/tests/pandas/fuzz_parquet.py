"""Differential fuzzing of chunked-frame's Parquet reader against pyarrow.

Draws small frames of every column type pandas and pyarrow write (8- to
64-bit integers signed and unsigned, float32 and float64 with NaN,
infinities and signed zeros, booleans, text with empty and non-ASCII
values, each with or without missing values, and types this crate does
not read: timestamps, dates, decimals; and binary, read as text when it
is UTF-8 and refused otherwise), writes each with pyarrow
in random row groups, pages, encodings (dictionary or plain, data pages
v1 or v2) and compressions, and reads it with the `read_json` example:
whole, and with only the readable columns selected. Values must equal
pandas' `read_parquet`; a file with a type this crate does not read must
be refused naming the column, unless the column is left out.

Run from the repository's root with pandas and pyarrow installed:
    cargo build --release -p chunked-frame --example read_json
    .venv/bin/python crates/chunked-frame/tests/pandas/fuzz_parquet.py --files 300 --seed 1

Prints each file that differs with the verdict; exits 1 if any does.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(__file__))
from fuzz import ROOT, frame_differs  # noqa: E402

warnings.simplefilter("ignore")
INT_TYPES = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64()]
FLOATS = [0.0, -0.0, 1.5, -2.25, float("inf"), float("-inf"), float("nan"), 1e308, 5e-324, 0.1]
TEXTS = ["", "JFK", "é", "a,b", "line\nend", "x" * 40, "日本"]
UNREAD = ["timestamp", "date", "decimal", "binary"]


def int_values(t, n, r):
    lo, hi = (0, 2 ** t.bit_width - 1) if pa.types.is_unsigned_integer(t) else (-(2 ** (t.bit_width - 1)),
                                                                               2 ** (t.bit_width - 1) - 1)
    edges = [lo, hi, 0, 1, min(hi, 2**63 - 1)]
    return [r.choice(edges) if r.random() < 0.3 else r.randint(max(lo, -1000), min(hi, 1000)) for _ in range(n)]


def column(r, n):
    """A pyarrow array of a random type, and whether this crate reads it."""
    kind = r.random()
    nulls = r.random() < 0.4
    def holes(vals):
        return [None if nulls and r.random() < 0.25 else v for v in vals]
    if kind < 0.35:
        t = r.choice(INT_TYPES)
        return pa.array(holes(int_values(t, n, r)), type=t), True
    if kind < 0.55:
        t = r.choice([pa.float32(), pa.float64()])
        return pa.array(holes([r.choice(FLOATS) for _ in range(n)]), type=t), True
    if kind < 0.65:
        return pa.array(holes([r.random() < 0.5 for _ in range(n)]), type=pa.bool_()), True
    if kind < 0.85:
        t = r.choice([pa.string(), pa.large_string()])
        return pa.array(holes([r.choice(TEXTS) for _ in range(n)]), type=t), True
    which = r.choice(UNREAD)
    if which == "timestamp":
        return pa.array(holes([r.randint(0, 10**18) for _ in range(n)]), type=pa.timestamp("ns")), False
    if which == "date":
        return pa.array(holes([r.randint(0, 20000) for _ in range(n)]), type=pa.date32()), False
    if which == "decimal":
        import decimal
        return pa.array(holes([decimal.Decimal(r.randint(-999, 999)) / 100 for _ in range(n)]),
                        type=pa.decimal128(5, 2)), False
    return pa.array(holes([bytes([r.randint(0, 255)]) for _ in range(n)]), type=pa.binary()), "binary"


def make(r, path):
    n = r.randint(0, 60)
    columns, readable, oks = {}, [], []
    for j in range(r.randint(1, 5)):
        arr, ok = column(r, n)
        oks.append(ok)
        name = f"c{j}"
        columns[name] = arr
        if ok:
            readable.append(name)
    table = pa.table(columns)
    make.binary = [c for c, ok in zip(columns, oks) if ok == "binary"]
    make.too_big = [c for c in columns if columns[c].type == pa.uint64()
                    and any(v is not None and v > 2**63 - 1 for v in columns[c].to_pylist())]
    pq.write_table(
        table, path,
        row_group_size=r.choice([1, 3, 7, 1000]),
        compression=r.choice(["none", "snappy", "gzip", "zstd", "lz4", "brotli"]),
        use_dictionary=r.random() < 0.5,
        data_page_version=r.choice(["1.0", "2.0"]),
        data_page_size=r.choice([64, 1 << 20]),
        write_statistics=r.random() < 0.5,
    )
    return list(columns), readable


def ours(binary, path, columns=None):
    args = [binary, path]
    if columns is not None:
        args += ["0", "default", ",", "columns", ",".join(columns)]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        return {"crash": out.stderr[-800:]}
    return json.loads(out.stdout)


def compare(binary, path, names, readable, binary_columns, too_big):
    df = pd.read_parquet(path)
    for c in binary_columns:  # read as text when UTF-8
        df[c] = [None if v is None else v.decode("utf-8", "replace") for v in df[c]]
    for selected in (None, readable):
        if selected is not None and (not readable or readable == names):
            continue
        got = ours(binary, path, selected)
        if "crash" in got:
            return f"ours crashed: {got['crash']}"
        chosen = selected or names
        unread = [c for c in chosen if c not in readable and c not in binary_columns]
        big = [c for c in chosen if c in too_big]
        if "error" in got:
            message = got["error"]
            if any(f'"{c}"' in message for c in unread + big):
                continue
            if any(f'"{c}"' in message and "UTF-8" in message for c in binary_columns):
                continue
            return f"ours refused ({selected}): {message}"
        if unread:
            return f"ours read {unread} ({selected}), which it does not support"
        if big:
            return f"ours read uint64 values past int64 in {big}"
        if any("\ufffd" in v for c in binary_columns if c in chosen for v in df[c] if v is not None):
            return f"ours read non-UTF-8 binary as text ({selected})"
        verdict = frame_differs(df[selected] if selected else df, got)
        if verdict:
            return verdict
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "examples", "read_json"))
    args = p.parse_args()
    r = random.Random(args.seed)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in range(args.files):
            path = os.path.join(tmp, f"f{m}.parquet")
            names, readable = make(r, path)
            verdict = compare(args.binary, path, names, readable, make.binary, make.too_big)
            if verdict:
                differ += 1
                print(f"file {m}: {verdict}\n  {pq.read_schema(path).to_string(show_schema_metadata=False)!r}")
    print(f"{args.files} files: {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
