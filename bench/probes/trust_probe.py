"""Trust checks on a real device at its real limits: arrays around the storage binding limit
(correct below it, SizeLimitError above it, the device usable after), threads against NumPy,
and the cost of the device lock per small operation.

    python bench/probes/trust_probe.py [--out result.json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import gpuarray as ga  # noqa: E402


def sizes() -> dict:
    info = ga.adapter_info()
    limit = info["max_storage_binding"]
    out = {"adapter": info["name"], "max_storage_binding": limit, "checks": []}
    n_ok = (limit - 4096) // 4  # float32 elements just under the limit
    n_big = limit // 4 + 1024

    def check(name, fn, expect):
        t = time.perf_counter()
        try:
            got = fn()
            ok = bool(np.allclose(got, expect, rtol=1e-5))
            rec = {"name": name, "result": "same" if ok else "WRONG", "got": float(np.asarray(got).reshape(-1)[0])}
        except ga.SizeLimitError as e:
            rec = {"name": name, "result": "raised", "message": str(e)[:160]}
        rec["s"] = round(time.perf_counter() - t, 3)
        out["checks"].append(rec)
        print(rec, flush=True)

    check("ones(n_ok).sum", lambda: float(ga.ones(n_ok, dtype=ga.float32).sum(dtype=ga.float64)), float(n_ok))
    check("arange(n_ok).max", lambda: float(ga.arange(n_ok, dtype=ga.float32).max()),
          float(np.float32(n_ok - 1)))
    check("(x*2+1)[-3:]", lambda: (ga.arange(n_ok, dtype=ga.float32) * 2 + 1)[-3:].get(),
          np.arange(n_ok - 3, n_ok, dtype=np.float32) * 2 + 1)
    check("ones(n_big)", lambda: float(ga.ones(n_big, dtype=ga.float32).sum()), float(n_big))
    check("ones(700M).sum", lambda: float(ga.ones(700_000_000, dtype=ga.float32).sum()), 7e8)
    check("asarray(host n_big)", lambda: ga.asarray(np.ones(n_big, np.float32)).get()[-5:], np.ones(5, np.float32))
    check("broadcast 2^32 sum", lambda: float(ga.broadcast_to(ga.ones(1, dtype=ga.float32), (1 << 16, 1 << 16)).sum()),
          float(1 << 32))
    check("after: arange(1000).sum", lambda: float(ga.arange(1000, dtype=ga.float64 if ga.adapter_info()["has_64"] else ga.float32).sum()), 499500.0)
    return out


def threads(n_threads=8, steps=300) -> dict:
    errors, wrong = [], []

    def work(seed):
        rng = np.random.default_rng(seed)
        try:
            for i in range(steps):
                h = rng.uniform(-1, 1, (257, 33)).astype(np.float32)
                g = ga.asarray(h)
                r = ((g * 2 + 1) ** 2).sum(axis=0)
                m = g.T @ g
                e = ga.exp(g[::2]) - g[::2]
                v = float(g.max())
                if not np.allclose(r.get(), ((h * 2 + 1) ** 2).sum(axis=0), rtol=1e-4):
                    wrong.append(("sum", seed, i))
                if not np.allclose(m.get(), h.T @ h, rtol=1e-4, atol=1e-4):
                    wrong.append(("matmul", seed, i))
                if not np.allclose(e.get(), np.exp(h[::2]) - h[::2], rtol=1e-5):
                    wrong.append(("exp", seed, i))
                if v != h.max():
                    wrong.append(("max", seed, i))
        except Exception as ex:  # noqa: BLE001
            errors.append(repr(ex)[:300])

    work(0)  # compile first
    t = time.perf_counter()
    ts = [threading.Thread(target=work, args=(s,)) for s in range(1, n_threads + 1)]
    for x in ts:
        x.start()
    for x in ts:
        x.join()
    return {"threads": n_threads, "steps": steps, "wrong": wrong[:20], "n_wrong": len(wrong), "errors": errors[:5],
            "s": round(time.perf_counter() - t, 2)}


def op_cost(reps=20000) -> dict:
    a = ga.ones(1000, dtype=ga.float32)
    b = ga.ones(1000, dtype=ga.float32)
    for _ in range(100):
        (a + b)
    t = time.perf_counter()
    for _ in range(reps):
        a + b
    build = (time.perf_counter() - t) / reps
    x = ga.ones(1000, dtype=ga.float32)
    for _ in range(100):
        x = x * 1.0001 + 0.5
        x = x + 0  # keeps the chain short: evaluate below
        x._leaf() if hasattr(x, "_leaf") else None
    ga.sync()
    t = time.perf_counter()
    for _ in range(2000):
        x = x * 1.0001 + 0.5
        x._leaf()
    ga.sync()
    ev = (time.perf_counter() - t) / 2000
    return {"build_us": round(build * 1e6, 2), "evaluate_us": round(ev * 1e6, 2)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    ap.add_argument("--skip-sizes", action="store_true")
    args = ap.parse_args()
    res = {"op_cost": op_cost()}
    print(res, flush=True)
    res["threads"] = threads()
    print(res["threads"], flush=True)
    if not args.skip_sizes:
        res["sizes"] = sizes()
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
