"""What NumPy's floating-point warnings cost on a GPU: the same workloads under the default error
state (kernels set flag words: divide/overflow/invalid per op) and under ``errstate(all="ignore")``
(no checks in the kernels), in one process, CuPy alongside.

    python bench/probes/fpe_cost.py --out fpe_cost.json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np


def _best(fn, sync, repeats=5):
    fn()
    sync()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", default="default")
    args = ap.parse_args()
    import gpuarray as ga
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    from bench.workloads import elementwise, iir, image4k

    out = {"adapter": ga.adapter_info()["name"], "cases": {}}
    try:
        import cupy as cp
        csync = cp.cuda.Device().synchronize
    except ImportError:
        cp = None
    for name, wl in (("elementwise", elementwise), ("iir", iir), ("image4k", image4k)):
        size = args.size
        inp = wl.inputs(ga, size)
        rec = {}
        rec["gpuarray_default_s"] = _best(lambda: wl.run(ga, size, inp), ga.sync)
        with ga.errstate(all="ignore"):
            rec["gpuarray_ignore_s"] = _best(lambda: wl.run(ga, size, inp), ga.sync)
        if cp is not None:
            cinp = wl.inputs(cp, size)
            rec["cupy_s"] = _best(lambda: wl.run(cp, size, cinp), csync)
        rec["checks_cost"] = rec["gpuarray_default_s"] / rec["gpuarray_ignore_s"]
        out["cases"][name] = rec
        print(name, json.dumps(rec), flush=True)
        del inp
        ga.sync()
        ga._device.runtime.device().free_pool()
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
