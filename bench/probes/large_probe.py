"""Arrays past the storage binding limit on a GPU, against CuPy in the same process.

    python bench/probes/large_probe.py --out results.json

Times (best of --repeats after a warm call, synchronized) for: a sum of 1e9 float32 (4e9 bytes),
a sort of 1e9 float32, an SGEMM whose left operand and result are 3 GiB ((786432, 1024) @
(1024, 1024)), and the fused chain of the ``elementwise`` workload at 1 GiB and 8 GiB per array
(bandwidth: bytes read and written once per element). Each gpuarray result is checked against
CuPy's on the same inputs (copied from gpuarray's, so both see the same numbers).
"""
from __future__ import annotations

import argparse
import json
import time
import traceback

import numpy as np


def _best(fn, sync, repeats):
    fn()
    sync()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = fn()
        sync()
        best = min(best, time.perf_counter() - t0)
    return best, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    import cupy as cp
    import gpuarray as ga

    gsync, csync = ga.sync, cp.cuda.Device().synchronize
    out = {"adapter": ga.adapter_info(), "gpu": cp.cuda.runtime.getDeviceProperties(0)["name"].decode(), "cases": {}}

    def to_cupy(x):
        """A CuPy copy of a gpuarray array, one piece at a time through the host."""
        h = x.get()
        return cp.asarray(h)

    def case(name, fn):
        if args.only and name not in args.only.split(","):
            return
        t0 = time.perf_counter()
        try:
            rec = fn()
        except Exception as e:  # noqa: BLE001 - a refusal or failure is a result
            rec = {"status": "failed", "error": f"{type(e).__name__}: {e}"[:400], "traceback": traceback.format_exc()[-1500:]}
        rec["wall_s"] = round(time.perf_counter() - t0, 1)
        out["cases"][name] = rec
        print(name, json.dumps({k: v for k, v in rec.items() if k != "traceback"}), flush=True)
        ga.sync()
        ga._device.runtime.device().free_pool()
        cp.get_default_memory_pool().free_all_blocks()

    def sum_case():
        n = 1_000_000_000
        x = ga.random.default_rng(1).random((n,), dtype=ga.float32)
        xc = to_cupy(x)
        tg, rg = _best(lambda: x.sum(dtype=ga.float64), gsync, args.repeats)
        tc, rc = _best(lambda: xc.sum(dtype=cp.float64), csync, args.repeats)
        return {"status": "ok", "bytes": 4 * n, "gpuarray_s": tg, "cupy_s": tc, "ratio_vs_cupy": tc / tg,
                "gpuarray_TBps": 4 * n / tg / 1e12, "cupy_TBps": 4 * n / tc / 1e12,
                "agree": bool(abs(float(rg) - float(rc)) <= 1e-6 * abs(float(rc)))}

    def sort_case():
        n = 1_000_000_000
        x = ga.random.default_rng(2).random((n,), dtype=ga.float32)
        xc = to_cupy(x)
        tc, rc = _best(lambda: cp.sort(xc), csync, 1)
        try:
            tg, rg = _best(lambda: ga.sort(x), gsync, 1)
        except ga.SizeLimitError as e:
            return {"status": "refused", "error": str(e)[:300], "cupy_s": tc}
        same = bool(cp.all(cp.asarray(rg[::1000].get()) == rc[::1000]))
        return {"status": "ok", "gpuarray_s": tg, "cupy_s": tc, "ratio_vs_cupy": tc / tg, "agree": same}

    def gemm_case():
        m, k, n = 786432, 1024, 1024
        a = ga.random.default_rng(3).random((m, k), dtype=ga.float32) - 0.5
        b = ga.random.default_rng(4).random((k, n), dtype=ga.float32) - 0.5
        ac, bc = to_cupy(a), to_cupy(b)
        tg, rg = _best(lambda: (a @ b)._leaf() and None, gsync, args.repeats)
        rg = a @ b
        tc, rc = _best(lambda: ac @ bc, csync, args.repeats)
        rows = np.random.default_rng(0).integers(0, m, 2000)
        g = rg[ga.asarray(rows)].get()
        c = cp.asnumpy(rc[cp.asarray(rows)])
        err = float(np.abs(g - c).max() / np.abs(c).max())
        flops = 2.0 * m * k * n
        return {"status": "ok", "a_bytes": 4 * m * k, "gpuarray_s": tg, "cupy_s": tc, "ratio_vs_cupy": tc / tg,
                "gpuarray_TFLOPs": flops / tg / 1e12, "cupy_TFLOPs": flops / tc / 1e12, "max_rel_err": err}

    def chain(nbytes):
        def run():
            n = nbytes // 4
            x = ga.linspace(0, 4 * np.pi, n, dtype=ga.float32)
            xc = cp.linspace(0, 4 * np.pi, n, dtype=cp.float32)

            def g():
                y0 = ga.sin(x) * ga.exp(-x / 10)
                y1 = y0 * ga.cos(x / 4) + 0.25 * y0 ** 2
                y = ga.tanh(y1) + 0.1 * y1
                y._leaf()
                return y

            def c():
                y0 = cp.sin(xc) * cp.exp(-xc / 10)
                y1 = y0 * cp.cos(xc / 4) + 0.25 * y0 ** 2
                return cp.tanh(y1) + 0.1 * y1

            tg, rg = _best(g, gsync, args.repeats)
            sample = np.concatenate([rg[:50000].get(), rg[-50000:].get()])
            del rg  # (CuPy's temporaries need the memory: one 8 GiB array per op)
            ga.sync()
            ga._device.runtime.device().free_pool()
            tc, rc = _best(c, csync, args.repeats)
            err = float(np.abs(sample - np.concatenate([cp.asnumpy(rc[:50000]), cp.asnumpy(rc[-50000:])])).max())
            return {"status": "ok", "bytes_per_array": nbytes, "gpuarray_s": tg, "cupy_s": tc, "ratio_vs_cupy": tc / tg,
                    "gpuarray_TBps": 2 * nbytes / tg / 1e12, "cupy_TBps": 2 * nbytes / tc / 1e12, "max_abs_err": err}
        return run

    case("chain_1GiB", chain(1 << 30))
    case("chain_8GiB", chain(8 << 30))
    case("sum_4e9B", sum_case)
    case("sgemm_3GiB", gemm_case)
    case("sort_4e9B", sort_case)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
