"""Replay on and off in one process, alternating (the same SM clock state for both): nlms and iir
at default size, and montecarlo, CuPy alongside. python bench/probes/replay_ab.py"""
import json, os, statistics, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import gpuarray as ga
from gpuarray._kernels import replay
from bench.workloads import iir, montecarlo, nlms

out = {}
try:
    import cupy as cp
except ImportError:
    cp = None
for name, wl in (("nlms", nlms), ("iir", iir), ("montecarlo", montecarlo)):
    inp = wl.inputs(ga, "default")
    wl.run(ga, "default", inp)
    times = {True: [], False: []}
    for rnd in range(6):
        for en in (True, False):
            replay.ENABLED = en
            wl.run(ga, "default", inp)  # (warm: recipes kept, kernels built)
            t = time.perf_counter()
            wl.run(ga, "default", inp)
            times[en].append(time.perf_counter() - t)
    rec = {"replay_ms": round(statistics.median(times[True]) * 1e3, 2),
           "plan_ms": round(statistics.median(times[False]) * 1e3, 2)}
    if cp is not None:
        ci = wl.inputs(cp, "default")
        wl.run(cp, "default", ci)
        ts = []
        for _ in range(5):
            t = time.perf_counter()
            wl.run(cp, "default", ci)
            cp.cuda.Device().synchronize()
            ts.append(time.perf_counter() - t)
        rec["cupy_ms"] = round(statistics.median(ts) * 1e3, 2)
    out[name] = rec
    print(name, rec, flush=True)
print(json.dumps(out))
