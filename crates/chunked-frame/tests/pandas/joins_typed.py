"""Writes the pandas results of joins on bool, float and int keys that the
tests in tests/it/joins.rs compare with (`typed_*.csv`).

Run from this folder with pandas installed (3.1.1 wrote the files here):
    python joins_typed.py
It writes the inputs (typed_left.csv, typed_right.csv) and, for each join,
pandas' `merge` as CSV (missing values as empty fields). The keys have
nulls on both sides (pandas matches a null key with a null key: NaN with
NaN, <NA> with <NA>), -0.0 against 0.0, integral floats, and right keys
repeated; the right side has int, float and bool columns without nulls, so
that a left join's misses are its only nulls. Int columns are read as
pandas' Int64, which keeps them integers with <NA> where chunked-frame
keeps int64 with nulls.
"""
import random

import pandas as pd

rng = random.Random(16)


def write_inputs():
    lines = ["b,f,i,v"]
    for n in range(80):
        b = rng.choice(["True", "False", "True", ""])
        f = rng.choice(["1.0", "1", "2.5", "NaN", "", "-0.0", "0", "3", "7.5"])
        i = rng.choice(["1", "2", "3", "", "-4", "9"])
        lines.append(",".join([b, f, i, str(n)]))
    with open("typed_left.csv", "w") as out:
        out.write("\n".join(lines) + "\n")
    right = """b,f,i,w,z,t,v
True,1,1,10,0.5,True,a
False,2.5,2,20,1.5,False,b
,NaN,,30,2.5,True,c
True,0.0,-4,40,3.5,False,d
False,3.0,2,50,4.5,True,e
True,4,5,60,5.5,True,f
"""
    with open("typed_right.csv", "w") as out:
        out.write(right)


def write_joins():
    left = pd.read_csv("typed_left.csv", dtype={"i": "Int64", "v": "Int64"})
    right = pd.read_csv("typed_right.csv", dtype={"i": "Int64", "w": "Int64"})
    left.merge(right, on="b", how="left").to_csv("typed_left_b.csv", index=False)
    left.merge(right, on="f", how="inner", suffixes=("_l", "_r")).to_csv("typed_inner_f.csv", index=False)
    left.merge(right, on="f", how="left").to_csv("typed_left_f.csv", index=False)
    left.merge(right, on="i", how="left").to_csv("typed_left_i.csv", index=False)
    left.merge(right, on=["b", "i"], how="left").to_csv("typed_left_b_i.csv", index=False)
    left.merge(right, on=["f", "b"], how="inner").to_csv("typed_inner_f_b.csv", index=False)


if __name__ == "__main__":
    write_inputs()
    write_joins()
    print("pandas", pd.__version__)
