"""Writes the pandas results that the analyses tests compare with.

Run from this folder with pandas installed (3.1.1 wrote the files here):
    python golden.py
It writes the inputs (groups.csv, left.csv, right.csv) and, for each
analysis, pandas' result as CSV: floats in repr (shortest round-trip) form,
missing values as empty fields. Output column names of several
aggregations are pandas' two levels joined by "_", as chunked-frame names
them. The tests (tests/it/analyses.rs) read these files; they never run
Python.
"""
import random

import numpy as np
import pandas as pd

rng = random.Random(7)


def maybe(value, p_null):
    return "" if rng.random() < p_null else value


def write_inputs():
    # Groups: keys with nulls; a one-row group ("solo"); a group whose
    # values are all missing ("blank"); floats with ties and NaN texts; ints
    # with nulls; strings with nulls; x / y gives NaN (0 / 0) and inf.
    lines = ["k,k2,v,i,s,x,y"]
    for n in range(240):
        k = rng.choice(["JFK", "LGA", "EWR", "BOS", ""])
        k2 = rng.choice(["1", "2", "3"])
        v = maybe(rng.choice(["1.5", "2", "2", "-0.0", "0.0", "3.25", "NaN", "7", "1e3", "2"]), 0.1)
        i = maybe(str(rng.randint(-5, 5)), 0.15)
        s = maybe(rng.choice(["a", "b", "c", "a"]), 0.2)
        x = str(rng.choice([0, 0, 1, 2, 3]))
        y = str(rng.choice([0, 1, 2, 4]))
        lines.append(",".join([k, k2, v, i, s, x, y]))
    lines.append("solo,1,4.5,9,z,1,1")
    lines.append("blank,2,,,,0,0")
    lines.append("blank,3,NaN,,,0,0")
    with open("groups.csv", "w") as f:
        f.write("\n".join(lines) + "\n")

    # A large side and a small one: string and int keys with nulls, a
    # right key repeated (a left row matches two rows), right keys no left
    # row has, and a value column named in both (suffixes _x and _y).
    lines = ["code,n,delay,name"]
    for _ in range(150):
        code = maybe(rng.choice(["AA", "DL", "UA", "WN", "ZZ", "B6"]), 0.08)
        n = maybe(str(rng.randint(1, 3)), 0.08)
        delay = maybe(str(rng.randint(-10, 60)), 0.1)
        name = maybe(rng.choice(["x", "y"]), 0.1)
        lines.append(",".join([code, n, delay, name]))
    with open("left.csv", "w") as f:
        f.write("\n".join(lines) + "\n")
    right = """IATA_CODE,n,name,rank
AA,1,American Airlines Inc.,1
AA,2,American Airlines Inc. (2),2
DL,1,Delta Air Lines Inc.,3
UA,1,United Air Lines Inc.,4
UA,3,United Air Lines Inc. (3),
WN,2,Southwest Airlines Co.,6
,1,Nobody,7
QQ,1,Unused,8
"""
    with open("right.csv", "w") as f:
        f.write(right)


def groups():
    df = pd.read_csv("groups.csv", dtype={"i": "Int64", "k2": "Int64"})
    df["r"] = df["x"] / df["y"]
    return df


def flat(result):
    result.columns = ["_".join(c) if isinstance(c, tuple) else c for c in result.columns]
    return result


def write_groupby():
    df = groups()
    g = df.groupby("k")
    out = flat(
        g.agg(
            {
                "v": ["median", "nunique", "first", "last", "count"],
                "i": ["median", "nunique", "first", "last"],
                "s": ["nunique", "first", "last", "count"],
                "r": ["median", "nunique"],
            }
        )
    )
    for q in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]:
        out[f"v_quantile_{q:g}"] = g["v"].quantile(q)
        out[f"i_quantile_{q:g}"] = g["i"].quantile(q)
        out[f"r_quantile_{q:g}"] = g["r"].quantile(q)
    out.reset_index().to_csv("groupby_k.csv", index=False, float_format=repr_float)

    # Running statistics skip NaN as pandas does (r has NaN from 0 / 0 and inf).
    # r2 = x / (y + 1) is finite: its means and deviations compare within 1e-12.
    df["r2"] = df["x"] / (df["y"] + 1)
    stats = flat(g.agg({"r": ["count", "mean", "sum", "min", "max"], "r2": ["count", "mean", "sum", "var", "std"]}))
    stats.reset_index().to_csv("groupby_stats.csv", index=False, float_format=repr_float)

    two = flat(df.groupby(["k", "k2"]).agg({"v": ["median", "first"], "i": ["last", "nunique"]}))
    two["v_quantile_0.3"] = df.groupby(["k", "k2"])["v"].quantile(0.3)
    two.reset_index().to_csv("groupby_k_k2.csv", index=False, float_format=repr_float)


def repr_float(x):
    return repr(float(x))


def left_right():
    left = pd.read_csv("left.csv", dtype={"n": "Int64", "delay": "Int64"})
    right = pd.read_csv("right.csv", dtype={"n": "Int64", "rank": "Int64"})
    return left, right


def write_joins():
    left, right = left_right()
    one = left.merge(right[["IATA_CODE", "name"]], left_on="code", right_on="IATA_CODE", how="left")
    one.to_csv("join_left_code.csv", index=False)
    one = left.merge(right[["IATA_CODE", "name"]], left_on="code", right_on="IATA_CODE", how="inner")
    one.to_csv("join_inner_code.csv", index=False)
    r2 = right.rename(columns={"IATA_CODE": "code"})
    two = left.merge(r2, on=["code", "n"], how="left")
    two.to_csv("join_left_code_n.csv", index=False)
    two = left.merge(r2, on=["code", "n"], how="inner")
    two.to_csv("join_inner_code_n.csv", index=False)


def write_ops():
    df = groups()
    df.sort_values(["v"], kind="stable").to_csv("sort_v.csv", index=False, float_format=repr_float)
    df.sort_values(["k", "v"], ascending=[True, False], kind="stable").to_csv(
        "sort_k_v_desc.csv", index=False, float_format=repr_float
    )
    df.sort_values(["k", "v"], ascending=False, kind="stable").to_csv(
        "sort_k_v_all_desc.csv", index=False, float_format=repr_float
    )
    df.sort_values(["s", "i"], ascending=[False, True], na_position="first", kind="stable").to_csv(
        "sort_s_i_first.csv", index=False, float_format=repr_float
    )
    df.drop_duplicates().to_csv("dedup_all.csv", index=False, float_format=repr_float)
    df.drop_duplicates(subset=["k", "s"], keep="last").to_csv(
        "dedup_k_s_last.csv", index=False, float_format=repr_float
    )
    df.drop_duplicates(subset=["k", "v"], keep=False).to_csv(
        "dedup_k_v_none.csv", index=False, float_format=repr_float
    )
    df.dropna().to_csv("dropna_any.csv", index=False, float_format=repr_float)
    df.dropna(subset=["v", "s"], how="all").to_csv("dropna_v_s_all.csv", index=False, float_format=repr_float)
    df.fillna({"v": 0.5, "i": 0, "s": "none", "r": -1.0}).to_csv(
        "fillna.csv", index=False, float_format=repr_float
    )
    df.tail(7).to_csv("tail7.csv", index=False, float_format=repr_float)


if __name__ == "__main__":
    write_inputs()
    write_groupby()
    write_joins()
    write_ops()
    print("pandas", pd.__version__, "numpy", np.__version__)
