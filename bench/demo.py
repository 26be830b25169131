"""Run one benchmark workload with NumPy and with gpuarray and show the results side by side.

    python bench/demo.py                       # image4k, small size
    python bench/demo.py --workload pca --size default

gpuarray runs twice: a cold run (shader compilation included) and a warm run; the table
shows the warm time, and the device counters (``gpuarray.stats()``) of the warm run.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import gpuarray  # noqa: E402
from bench import workloads  # noqa: E402


def _timed(fn):
    t = time.perf_counter()
    r = fn()
    return r, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workload", default="image4k", choices=workloads.NAMES)
    ap.add_argument("--size", default="small", choices=("small", "default"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rtol", type=float, default=None, help="agreement tolerance (default: by workload)")
    args = ap.parse_args(argv)
    wl = workloads.get(args.workload)

    ref, t_np = _timed(lambda: wl.run(np, args.size, seed=args.seed))
    _, t_cold = _timed(lambda: wl.run(gpuarray, args.size, seed=args.seed))
    with gpuarray.stats() as s:
        got, t_warm = _timed(lambda: wl.run(gpuarray, args.size, seed=args.seed))

    info = gpuarray.adapter_info()
    print(f"workload: {args.workload} ({args.size}: "
          + ", ".join(f"{k}={v}" for k, v in wl.SIZES[args.size].items()) + ")")
    print(f"adapter:  {info['name']}")
    print()
    print(f"{'statistic':<16}{'NumPy':>18}{'gpuarray':>18}{'rel. diff':>12}")
    worst = 0.0
    for k in ref:
        a, b = ref[k], got[k]
        d = abs(a - b) / max(abs(a), 1e-30)
        worst = max(worst, d)
        print(f"{k:<16}{a:>18.8g}{b:>18.8g}{d:>12.2e}")
    print()
    print(f"{'time':<16}{t_np:>17.4f}s{t_warm:>17.4f}s   (gpuarray cold run {t_cold:.4f}s)")
    # the random streams differ between the libraries: results agree statistically, not bitwise
    rtol = args.rtol if args.rtol is not None else (1e-4 if args.workload in ("nlms", "elementwise") else 0.15)
    print(f"agree: {'yes' if worst <= rtol else 'no'} (rtol {rtol:g})")
    print()
    print("gpuarray counters (warm run):")
    for k, v in s.as_dict().items():
        print(f"  {k:<20} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
