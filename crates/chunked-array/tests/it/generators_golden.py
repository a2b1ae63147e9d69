"""Seeded uniform and choice values of chunked-array, computed from the
scheme documented in src/random.rs alone (not from its code; the two
domain constants are those of src/stream.rs):
key = mix64(seed ^ DOMAIN), word i = mix64(key + (i + 1) * GOLDEN),
u = (w >> 11) * 2**-53, uniform = low + (high - low) * u,
choice without p = values[(w * n) >> 64], with p = the first value whose
cumulative probability is above u.
Run with /work/main/.venv/bin/python (numpy 2.4.6) from this directory;
it prints the constants of `generators.rs`' test
`uniform_and_choice_values_follow_the_documented_scheme`."""
import numpy as np

M = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
UNIFORM_DOMAIN = 0x756E69666F726D02
CHOICE_DOMAIN = 0x63686F6963650007


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def words(seed, domain, n):
    key = mix64(seed ^ domain)
    return [mix64((key + (i + 1) * GOLDEN) & M) for i in range(n)]


def unit(w):
    return np.float64(w >> 11) * np.float64(2.0**-53)


low, high = np.float64(-1.5), np.float64(2.25)
uni = [low + (high - low) * unit(w) for w in words(42, UNIFORM_DOMAIN, 12)]
print("const UNIFORM_42: [u64; 12] = [" + ", ".join(f"{np.float64(x).view(np.uint64):#x}" for x in uni) + "];")

vals = [3.0, 5.0, 7.0, 11.0, 13.0]
ws = words(8, CHOICE_DOMAIN, 20)
print("const CHOICE_8: [f64; 20] = [" + ", ".join(repr(vals[(w * 5) >> 64]) for w in ws) + "];")

p = np.array([0.1, 0.2, 0.3, 0.4])
cdf = np.cumsum(p / p.sum())
pv = [1.0, 2.0, 3.0, 4.0]
out = []
for w in words(8, CHOICE_DOMAIN, 20):
    u = unit(w)
    k = min(int(np.searchsorted(cdf, u, side="right")), 3)
    out.append(pv[k])
print("const CHOICE_P_8: [f64; 20] = [" + ", ".join(repr(x) for x in out) + "];")
