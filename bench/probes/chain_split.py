"""micro/chain (exp(a)*0.5 + c*c, float32, 3 x 1 GiB moved) split: floating-point flag checks on/off x
vec4 lane form loop/unrolled, one process. python bench/probes/chain_split.py"""
import time, json, sys
import gpuarray as ga
from gpuarray._kernels import codegen
n = 1 << 28
a = ga.linspace(0, 1, n, dtype=ga.float32); c = ga.linspace(1, 2, n, dtype=ga.float32)
ga.sync()
res = {}
for form in ("loop", "unrolled"):
    codegen.VEC4_FORM = form
    for mode in ("default", "ignore"):
        def f():
            if mode == "ignore":
                with ga.errstate(all="ignore"):
                    y = ga.exp(a) * 0.5 + c * c
            else:
                y = ga.exp(a) * 0.5 + c * c
            y._leaf(); ga.sync()
        for _ in range(3): f()
        best = 1e9
        for _ in range(7):
            t = time.perf_counter(); f(); best = min(best, time.perf_counter() - t)
        res[f"{form}_{mode}"] = round(3 * 4 * n / best / 1e9, 1)
        # the sqrt-free variant: c*c + a*0.5 (no transcendental)
for mode in ("default", "ignore"):
    codegen.VEC4_FORM = "loop"
    def g():
        if mode == "ignore":
            with ga.errstate(all="ignore"):
                y = a * 0.5 + c * c
        else:
            y = a * 0.5 + c * c
        y._leaf(); ga.sync()
    for _ in range(3): g()
    best = 1e9
    for _ in range(7):
        t = time.perf_counter(); g(); best = min(best, time.perf_counter() - t)
    res[f"noexp_loop_{mode}"] = round(3 * 4 * n / best / 1e9, 1)
print(json.dumps(res))
# the microbenchmark's timing pattern: 10 calls between syncs, the previous result alive meanwhile
def inner10(mode):
    codegen.VEC4_FORM = "loop"
    def f():
        return ga.exp(a) * 0.5 + c * c
    r = None
    best = 1e9
    for rep in range(6):
        t = time.perf_counter()
        for _ in range(10):
            if mode == "ignore":
                with ga.errstate(all="ignore"):
                    r = f()
            else:
                r = f()
            r._leaf()
        ga.sync()
        if rep:
            best = min(best, (time.perf_counter() - t) / 10)
    with ga.stats() as s:
        for _ in range(10):
            r = f(); r._leaf()
        ga.sync()
    d = s.as_dict()
    return round(3 * 4 * n / best / 1e9, 1), {k: d[k] for k in ("buffers_allocated", "submits", "dispatches", "replays")}
print(json.dumps({"inner10_default": inner10("default"), "inner10_ignore": inner10("ignore")}))
