"""Does CuPy work right before change gpuarray's montecarlo time? In one process: gpuarray alone,
then right after CuPy's run of the same workload, then after a pause, then after sustained
gpuarray runs; each: 7 timed runs (median) and the per-run times.
Usage: python bench/probes/after_cupy.py [out.json]"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from bench.workloads import montecarlo

res = {}
inp = montecarlo.inputs(ga, "default")


def sample(tag, f, n=7):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(round((time.perf_counter() - t) * 1e3, 2))
    res[tag] = ts
    print(f"{tag:40s} median {sorted(ts)[n // 2]:7.2f} ms  {ts}", flush=True)


g = lambda: montecarlo.run(ga, "default", inp)
g()
t = time.perf_counter()
while time.perf_counter() - t < 2:
    g()
sample("gpuarray, 2 s warm", g)
try:
    import cupy as cp
    cinp = montecarlo.inputs(cp, "default")
    c = lambda: (montecarlo.run(cp, "default", cinp), cp.cuda.Device().synchronize())
    t = time.perf_counter()
    while time.perf_counter() - t < 2:
        c()
    sample("cupy, 2 s warm", c)
    sample("gpuarray right after cupy", g)
    sample("gpuarray next", g)
    c(); c()
    time.sleep(3)
    sample("gpuarray after cupy and 3 s idle", g)
    c(); c()
    t = time.perf_counter()
    while time.perf_counter() - t < 5:
        g()
    sample("gpuarray after cupy and 5 s of gpuarray", g)
    sample("cupy again", c)
    del cinp
    cp.get_default_memory_pool().free_all_blocks()
    sample("gpuarray after freeing cupy's pool", g)
except ImportError as e:
    print("cupy:", e)
if len(sys.argv) > 1:
    json.dump(res, open(sys.argv[1], "w"), indent=1)
