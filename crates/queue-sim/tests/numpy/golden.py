"""Golden values for queue-sim's `NumpyRandom` (src/numpy_random.rs).

Prints what numpy's `default_rng(seed)` (Generator over PCG64 seeded by
SeedSequence) draws, which is the stream Ciw 3.2.7 keeps in `ciw.rng` after
`ciw.seed(seed)` and draws its Poisson, Geometric and Binomial from.

Run from the repository root with the numpy to match (2.4.6 when written):

    /work/main/.venv/bin/python crates/queue-sim/tests/numpy/golden.py

It writes two files:

* crates/queue-sim/tests/numpy/golden.csv, read by the unit tests in
  src/numpy_random/tests.rs. One case per line, `;`-separated:
  `seed;kind;params;values`, values separated by spaces. Kinds:
  `state` (PCG64 state and increment after seeding, as 128-bit integers),
  `raw` (random_raw, u64), `random` (floats, repr), `exponential`
  (standard_exponential, repr), `poisson;lam`,
  `geometric;p`, `binomial;n p`, `mix` (values are `op:params:value` tokens,
  params separated by commas, all drawn from one generator in that order), `sum;op:params;count` (values
  are the sum of `count` draws then the next random_raw, which shows the
  draws used as many words as numpy's).
* crates/queue-sim/src/numpy_random/ziggurat.rs: the exponential ziggurat
  tables (ke_double, we_double, fe_double) that numpy's
  `random_standard_exponential` uses (geometric draws with p < 1/3 go through
  it). They are read out of the installed numpy's libnpyrandom.a (the
  compiled tables, so the Rust generator uses exactly the same numbers); the
  Rust side only holds this generated data.
"""

import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(os.path.dirname(HERE))

SEEDS = [0, 1, 7, 12345, 2**40]
POISSON = [0.5, 3.0, 9.99, 10.0, 37.5, 1e4, 1e18, 9.223372006484771e18]
GEOMETRIC = [0.05, 0.3, 1 / 3, 0.5, 0.9, 1.0]
BINOMIAL = [(1, 0.5), (10, 0.3), (40, 0.7), (200, 0.05), (1000, 0.5)]
# Seeds whose first fifty poisson(POISSON_LAM_MAX) draws include a PTRS
# candidate beyond int64, which numpy's C cast (on x86-64) turns into
# INT64_MIN and so rejects.
LAM_MAX = 9.223372006484771e18
LAM_MAX_SEEDS = [1143, 1792]
# One generator, these draws in turn: Ciw shares `ciw.rng` across distributions.
MIX = [
    ("poisson", (3.0,)),
    ("geometric", (0.2,)),
    ("binomial", (40, 0.7)),
    ("random", ()),
    ("poisson", (37.5,)),
    ("geometric", (0.5,)),
    ("binomial", (1000, 0.5)),
    ("binomial", (10, 0.3)),
    ("poisson", (0.0,)),
    ("geometric", (0.01,)),
    ("binomial", (0, 0.5)),
    ("binomial", (60, 1.0)),
    ("standard_exponential", ()),
]
# Long runs reach the rarer branches (BTPE's squeeze, the ziggurat's tail).
SUMS = [
    (0, "poisson", (12.0,)),
    (1, "poisson", (2500.5,)),
    (7, "geometric", (0.001,)),
    (12345, "geometric", (0.25,)),
    (2**40, "binomial", (100, 0.4)),
    (0, "binomial", (100000, 0.37)),
    (1, "binomial", (75, 0.9)),
    (12345, "standard_exponential", ()),
]
SUM_COUNT = 20000


def fmt_params(params):
    return ",".join(repr(p) for p in params)


def draw(g, op, params):
    if op == "random":
        return g.random()
    if op == "standard_exponential":
        return g.standard_exponential()
    return int(getattr(g, op)(*params))


def golden_rows():
    rows = []
    for seed in SEEDS:
        st = np.random.default_rng(seed).bit_generator.state["state"]
        rows.append(f"{seed};state;;{st['state']} {st['inc']}")
        g = np.random.default_rng(seed)
        rows.append(f"{seed};exponential;;" + " ".join(repr(g.standard_exponential()) for _ in range(50)))
        g = np.random.default_rng(seed)
        raw = g.bit_generator.random_raw(20)
        rows.append(f"{seed};raw;;" + " ".join(str(int(v)) for v in raw))
        g = np.random.default_rng(seed)
        rows.append(f"{seed};random;;" + " ".join(repr(g.random()) for _ in range(20)))
        for lam in POISSON:
            g = np.random.default_rng(seed)
            vals = [int(g.poisson(lam)) for _ in range(50)]
            rows.append(f"{seed};poisson;{lam!r};" + " ".join(map(str, vals)))
        for p in GEOMETRIC:
            g = np.random.default_rng(seed)
            vals = [int(g.geometric(p)) for _ in range(50)]
            rows.append(f"{seed};geometric;{p!r};" + " ".join(map(str, vals)))
        for n, p in BINOMIAL:
            g = np.random.default_rng(seed)
            vals = [int(g.binomial(n, p)) for _ in range(50)]
            rows.append(f"{seed};binomial;{n} {p!r};" + " ".join(map(str, vals)))
        g = np.random.default_rng(seed)
        toks = []
        for _ in range(5):
            for op, params in MIX:
                v = draw(g, op, params)
                toks.append(f"{op}:{fmt_params(params)}:{v!r}")
        rows.append(f"{seed};mix;;" + " ".join(toks))
    for seed in LAM_MAX_SEEDS:
        g = np.random.default_rng(seed)
        vals = [int(g.poisson(LAM_MAX)) for _ in range(50)]
        rows.append(f"{seed};poisson;{LAM_MAX!r};" + " ".join(map(str, vals)))
    for seed, op, params in SUMS:
        g = np.random.default_rng(seed)
        total = sum(draw(g, op, params) for _ in range(SUM_COUNT))
        nxt = int(g.bit_generator.random_raw())
        rows.append(f"{seed};sum;{op}:{fmt_params(params)}:{SUM_COUNT};{total} {nxt}")
    return rows


def ar_members(data):
    """Yields (name, bytes) for each member of a Unix ar archive."""
    assert data[:8] == b"!<arch>\n", "not an ar archive"
    pos = 8
    long_names = b""
    while pos + 60 <= len(data):
        head = data[pos:pos + 60]
        name = head[:16].decode().strip()
        size = int(head[48:58].decode().strip())
        body = data[pos + 60:pos + 60 + size]
        if name == "//":
            long_names = body
        elif name.startswith("/") and name[1:].isdigit():
            off = int(name[1:])
            name = long_names[off:long_names.index(b"/\n", off)].decode()
        yield name, body
        pos += 60 + size + (size & 1)


def elf_symbols(obj):
    """Maps symbol name -> bytes of its data for one ELF64 little-endian object."""
    if obj[:4] != b"\x7fELF" or obj[4] != 2 or obj[5] != 1:
        return {}
    shoff, = struct.unpack_from("<Q", obj, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", obj, 0x3A)
    sections = []
    for i in range(shnum):
        (sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link,
         sh_info, sh_addralign, sh_entsize) = struct.unpack_from(
            "<IIQQQQIIQQ", obj, shoff + i * shentsize)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_entsize))
    out = {}
    for sh_type, off, size, link, entsize in sections:
        if sh_type != 2:  # SHT_SYMTAB
            continue
        str_off = sections[link][1]
        for j in range(size // entsize):
            st_name, st_info, st_other, st_shndx, st_value, st_size = struct.unpack_from(
                "<IBBHQQ", obj, off + j * entsize)
            end = obj.index(b"\0", str_off + st_name)
            name = obj[str_off + st_name:end].decode()
            if 0 < st_shndx < len(sections) and st_size > 0:
                sec_type, sec_off = sections[st_shndx][0], sections[st_shndx][1]
                if sec_type != 8:  # not SHT_NOBITS
                    out[name] = obj[sec_off + st_value:sec_off + st_value + st_size]
    return out


def ziggurat_tables():
    lib = os.path.join(os.path.dirname(np.random.__file__), "lib", "libnpyrandom.a")
    with open(lib, "rb") as f:
        data = f.read()
    for _, body in ar_members(data):
        syms = elf_symbols(body)
        if {"ke_double", "we_double", "fe_double"} <= syms.keys():
            ke = struct.unpack("<256Q", syms["ke_double"])
            we = struct.unpack("<256d", syms["we_double"])
            fe = struct.unpack("<256d", syms["fe_double"])
            return ke, we, fe
    sys.exit(f"ziggurat tables not found in {lib}")


def write_ziggurat(path):
    ke, we, fe = ziggurat_tables()
    lines = [
        "//! numpy's exponential ziggurat tables (`ke_double`, `we_double`,",
        "//! `fe_double`), generated by `tests/numpy/golden.py` from the compiled",
        f"//! tables of numpy {np.__version__}: do not edit by hand.",
        "",
        "/// Acceptance bounds on the 53-bit integer drawn for each layer.",
        "pub(super) const KE: [u64; 256] = [",
    ]
    lines += [f"    {v:#018x}," for v in ke]
    lines += ["];", "", "/// Layer widths, scaled by 2^-53.", "pub(super) const WE: [f64; 256] = ["]
    lines += [f"    f64::from_bits({struct.unpack('<Q', struct.pack('<d', v))[0]:#018x})," for v in we]
    lines += ["];", "", "/// The density `exp(-x)` at each layer's edge.", "pub(super) const FE: [f64; 256] = ["]
    lines += [f"    f64::from_bits({struct.unpack('<Q', struct.pack('<d', v))[0]:#018x})," for v in fe]
    lines += ["];", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    rows = golden_rows()
    with open(os.path.join(HERE, "golden.csv"), "w") as f:
        f.write(f"# numpy {np.__version__}, written by golden.py; seed;kind;params;values\n")
        f.write("\n".join(rows) + "\n")
    write_ziggurat(os.path.join(CRATE, "src", "numpy_random", "ziggurat.rs"))
    print(f"numpy {np.__version__}: {len(rows)} golden rows")


if __name__ == "__main__":
    main()
