"""Times of the device paths that replaced host fallbacks (histogram2d, ufunc.at on float64, the
sorted weighted bincount, weighted quantiles, apply_along_axis with a known reduction, masked-array
reductions, polyfit, short-row scans) against NumPy on the same inputs.

    python bench/probes/dropin_paths.py [N]      # N elements (default 1e6)
"""
from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import gpuarray as ga


def best_ms(fn, repeats=3):
    fn()
    ga.sync()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = fn()
        for v in (r if isinstance(r, tuple) else (r,)):
            if hasattr(v, "get"):
                v.get()
        ga.sync()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def main(n: int) -> None:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    x, y, w = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32), rng.random(n)
    X, Y, W = ga.asarray(x), ga.asarray(y), ga.asarray(w)
    idx = rng.integers(0, 1000, n)
    big = rng.integers(0, 100_000, n)
    I, BIG = ga.asarray(idx), ga.asarray(big)
    acc = ga.zeros(1000, dtype=np.float64)
    m2 = rng.standard_normal((n // 1000, 1000)).astype(np.float32)
    M2 = ga.asarray(m2)
    tall = rng.random((n // 4, 4))
    TALL = ga.asarray(tall)
    xm = np.where(rng.random(n) < 0.1, np.nan, x)
    mh, mg = np.ma.masked_invalid(xm), ga.ma.masked_invalid(ga.asarray(xm))
    xf = np.linspace(0, 1, n)
    yf = 3 * xf ** 2 - xf + 1
    XF, YF = ga.asarray(xf), ga.asarray(yf)
    rows = [
        ("histogram2d 32x32", lambda: ga.histogram2d(X, Y, bins=32), lambda: np.histogram2d(x, y, bins=32)),
        ("add.at float64 into 1e3", lambda: ga.add.at(acc, I, W), lambda: np.add.at(np.zeros(1000), idx, w)),
        ("bincount weights into 1e5 (sorted)", lambda: ga.bincount(BIG, weights=W), lambda: np.bincount(big, weights=w)),
        ("quantile weights inverted_cdf", lambda: ga.quantile(X, [0.1, 0.5, 0.9], method="inverted_cdf", weights=W),
         lambda: np.quantile(x, [0.1, 0.5, 0.9], method="inverted_cdf", weights=w)),
        ("apply_along_axis(np.mean)", lambda: ga.apply_along_axis(np.mean, 1, M2), lambda: np.apply_along_axis(np.mean, 1, m2)),
        ("ma mean+std", lambda: (mg.mean(), mg.std()), lambda: (mh.mean(), mh.std())),
        ("polyfit deg 3", lambda: ga.polyfit(XF, YF, 3), lambda: np.polyfit(xf, yf, 3)),
        ("cumsum axis=1 of (n/4, 4)", lambda: ga.cumsum(TALL, axis=1), lambda: np.cumsum(tall, axis=1)),
    ]
    print(f"{ga.adapter_info()['name']}, n = {n}")
    for name, dev, host in rows:
        print(f"  {name:38s} gpuarray {best_ms(dev):9.1f} ms   numpy {best_ms(host):9.1f} ms")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
