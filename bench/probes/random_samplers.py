"""What the Generator's samplers cost: each distribution drawn on the device (n values, best of a
few runs after the first compile, the draw evaluated into a buffer) against NumPy's Generator on
the host (and CuPy's where present). The rejection samplers loop inside the kernel, so their time
against ``standard_normal`` (one Philox block and a Box-Muller pair per value) is the question.

    python bench/probes/random_samplers.py --n 10000000 --out random_samplers.json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import gpuarray as ga  # noqa: E402

CASES = {
    "standard_normal": lambda g, n: g.standard_normal(n),
    "standard_gamma(2.5)": lambda g, n: g.standard_gamma(2.5, n),
    "standard_gamma(0.3)": lambda g, n: g.standard_gamma(0.3, n),
    "standard_gamma(2.5) float32": lambda g, n: g.standard_gamma(2.5, n, dtype=np.float32),
    "beta(2, 5)": lambda g, n: g.beta(2.0, 5.0, n),
    "poisson(3)": lambda g, n: g.poisson(3.0, n),
    "poisson(100)": lambda g, n: g.poisson(100.0, n),
    "binomial(100, 0.3)": lambda g, n: g.binomial(100, 0.3, n),
    "binomial(10000, 0.3)": lambda g, n: g.binomial(10000, 0.3, n),
    "hypergeometric(500, 800, 300)": lambda g, n: g.hypergeometric(500, 800, 300, n),
    "vonmises(0, 2)": lambda g, n: g.vonmises(0.0, 2.0, n),
    "zipf(2)": lambda g, n: g.zipf(2.0, n),
    "permutation": lambda g, n: g.permutation(n),
    "choice(n, n // 100, replace=False)": lambda g, n: g.choice(n, n // 100, replace=False),
}


def _best(fn, sync, repeats=5):
    fn()
    sync()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--out")
    args = ap.parse_args()
    n = args.n
    g, h = ga.random.default_rng(0), np.random.default_rng(0)
    try:
        import cupy
        c = cupy.random.default_rng(0)
    except ImportError:
        cupy = c = None
    rows = []
    for name, f in CASES.items():
        dev = _best(lambda: f(g, n)._leaf(), ga.sync)
        host = _best(lambda: f(h, n), lambda: None, repeats=2)
        row = {"case": name, "n": n, "device_s": dev, "numpy_s": host}
        if c is not None:
            try:
                row["cupy_s"] = _best(lambda: f(c, n), cupy.cuda.Device().synchronize)
            except (AttributeError, TypeError, NotImplementedError):
                pass
        rows.append(row)
        print(f"{name:36s} device {dev * 1e3:9.2f} ms  numpy {host * 1e3:9.2f} ms"
              + (f"  cupy {row['cupy_s'] * 1e3:8.2f} ms" if "cupy_s" in row else ""), flush=True)
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)


if __name__ == "__main__":
    main()
