"""What NumPy's floating-point warnings and the vec4 lane form cost on a GPU: the same workloads
under the default error state (kernels set flag words: divide/overflow/invalid per op) and under
``errstate(all="ignore")`` (no checks in the kernels), each with the vec4 kernels' lanes in a loop
and unrolled (``codegen.VEC4_FORM``), in one process, CuPy alongside.

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
    for _ in range(3):  # (tiered: the second call asks for the unrolled form; give it time to land)
        fn()
        sync()
    time.sleep(0.5)
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
    class _Sum:  # micro/sum: a sum over 1 GiB of float32 (reductions of a plain array)
        SIZES = {"default": 1 << 28, "small": 1 << 16}

        @staticmethod
        def inputs(lib, size):
            return lib.ones(_Sum.SIZES[size], dtype=lib.float32)

        @staticmethod
        def run(lib, size, x):
            return float(x.sum())

    for name, wl in (("sum", _Sum), ("elementwise", elementwise), ("iir", iir), ("image4k", image4k)):
        size = args.size
        inp = wl.inputs(ga, size)
        rec = {}
        from gpuarray._kernels import codegen
        # the vec4 kernels' lane form (codegen.VEC4_FORM): the loop alone (no tiers), unrolled, and
        # tiered (the default on GPUs: loop first, unrolled built in the background once hot)
        for form, tiers in (("loop", False), ("unrolled", False), ("tiered", True)):
            codegen.VEC4_FORM, codegen.TIERS = ("loop" if form == "tiered" else form), tiers
            rec[f"gpuarray_default_{form}_s"] = _best(lambda: wl.run(ga, size, inp), ga.sync)
            with ga.errstate(all="ignore"):
                rec[f"gpuarray_ignore_{form}_s"] = _best(lambda: wl.run(ga, size, inp), ga.sync)
        codegen.VEC4_FORM, codegen.TIERS = "loop", True
        rec["gpuarray_default_s"], rec["gpuarray_ignore_s"] = rec["gpuarray_default_loop_s"], rec["gpuarray_ignore_loop_s"]
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
