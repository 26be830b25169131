"""Where the host time of the launch-bound loops goes on the GPU machine: montecarlo and nlms at
default size, warm; for each, the whole run, the loop's own host time (before its first read),
and per-phase times from timers around the library's evaluation steps (their overhead included).
Usage: python bench/probes/hostcost_probe.py [out.json]"""
import json, math, os, sys, time, functools
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._lazy import elementwise as E
from gpuarray._kernels import reduce as RC
from gpuarray._lazy import reduce_queue as RQ
from gpuarray._kernels import codegen as _codegen
from gpuarray._device import runtime as _runtime
from bench.workloads import montecarlo, nlms

res = {}


def best(fn, n=7, warm=1.5):
    t = time.perf_counter()
    while time.perf_counter() - t < warm:
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out), sorted(out)[len(out) // 2]


def mc_loop(M=1_000_000, T=256):
    rng = ga.random.default_rng(0)
    S = ga.full((M, 1), 100.0, dtype=ga.float32)
    drift, scale = (0.05 - 0.02) / 252, 0.2 * math.sqrt(1 / 252)
    ga.sync()
    t0 = time.perf_counter()
    for _ in range(T):
        Z = rng.standard_normal((M, 1), dtype=ga.float32)
        S = S * ga.exp(drift + scale * Z)
    t1 = time.perf_counter()
    float(ga.mean(S, dtype=ga.float64))
    t2 = time.perf_counter()
    return (t1 - t0) / T * 1e6, (t2 - t1) * 1e3


def nlms_loop(p=128, C=2048, T=200):
    idx = ga.arange(p * C, dtype=ga.uint32).reshape(p, C)
    W = ga.zeros((p, C), dtype=ga.float32)
    ga.sync()
    t0 = time.perf_counter()
    for t in range(T):
        state = (idx + t * p * C) * 1664525 + 1013904223
        x = state.astype(ga.float32) * (1.0 / 4294967296.0)
        d = ga.sum(x * x, axis=0)
        y = ga.sum(x * W, axis=0)
        e = d - y
        nx = ga.sum(x ** 2, axis=0) + 1e-3
        W += 0.5 * x * (e / nx)
    t1 = time.perf_counter()
    float(ga.mean(e))
    t2 = time.perf_counter()
    return (t1 - t0) / T * 1e6, (t2 - t1) * 1e3


for name, wl, loop in [("montecarlo", montecarlo, mc_loop), ("nlms", nlms, nlms_loop)]:
    inp = wl.inputs(ga, "default")
    b, m = best(lambda: wl.run(ga, "default", inp))
    hosts = [loop() for _ in range(5)]
    with ga.stats() as s:
        loop()
    res[name] = {"run_best_ms": b * 1e3, "run_median_ms": m * 1e3,
                 "loop_host_us_per_step": sorted(h for h, _ in hosts),
                 "tail_ms": sorted(t for _, t in hosts), "dispatches": s.dispatches, "submits": s.submits}
    print(name, json.dumps(res[name]), flush=True)

# submission policy: batches submitted after 1 (the default), 2 or 4 ms of recording; best of 5
# whole loops (host loop and its read) per setting, the settings interleaved over 3 rounds
sub = {}
for rnd in range(3):
    for after in (0.001, 0.002, 0.004):
        _runtime.SUBMIT_AFTER_S = after
        for name, loop in [("montecarlo", mc_loop), ("nlms", nlms_loop)]:
            ts = []
            for _ in range(5):
                t = time.perf_counter()
                loop()
                ts.append((time.perf_counter() - t) * 1e3)
            sub.setdefault(f"{name} {after * 1e3:g} ms", []).append(round(min(ts), 3))
_runtime.SUBMIT_AFTER_S = 0.001
res["submit_after_ms_ab"] = sub
print("submit A/B", json.dumps(sub), flush=True)

# per-phase timers (inclusive; their own cost is included)
acc = {}


def wrap(obj, attr, label):
    f = getattr(obj, attr)

    @functools.wraps(f)
    def g(*a, **k):
        t = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            v = acc.setdefault(label, [0.0, 0])
            v[0] += time.perf_counter() - t
            v[1] += 1
    setattr(obj, attr, g)


dev = _runtime.device()
wrap(E, "evaluate_into", "evaluate_into(ew)")
wrap(dev, "flush", "flush")
wrap(RQ, "_run_merged", "run_merged(reduce)")
wrap(_codegen.Plan, "finish", "Plan.finish")
wrap(RC.ReducePlan, "finish", "ReducePlan.finish")
wrap(RC.MultiReducePlan, "__init__", "MultiReducePlan.init")
wrap(dev, "kernel", "kernel lookup")
from gpuarray._lazy import array as A
wrap(A, "evaluate_into", "evaluate_into(_leaf)")
for name, loop, T in [("montecarlo", mc_loop, 256), ("nlms", nlms_loop, 200)]:
    loop()
    acc.clear()
    h, _ = loop()
    res[name]["timed_host_us_per_step"] = h
    res[name]["phases_us_per_step"] = {k: round(v[0] / T * 1e6, 2) for k, v in acc.items()}
    res[name]["phase_calls_per_step"] = {k: round(v[1] / T, 3) for k, v in acc.items()}
    print(name, "phases", json.dumps(res[name]["phases_us_per_step"]), flush=True)

try:
    import cupy as cp
    for name, wl in [("montecarlo", montecarlo), ("nlms", nlms)]:
        inp = wl.inputs(cp, "default")
        b, m = best(lambda: (wl.run(cp, "default", inp), cp.cuda.Device().synchronize()))
        res[name]["cupy_best_ms"] = b * 1e3
        print(name, "cupy", b * 1e3, flush=True)
except Exception as e:  # noqa: BLE001 - the probe runs without CuPy too
    print("cupy:", e)
if len(sys.argv) > 1:
    json.dump(res, open(sys.argv[1], "w"), indent=1)
