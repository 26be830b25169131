"""image4k at B=64 against CuPy in one process (the default bench covers B=16)."""
import sys, os, time
sys.path.insert(0, os.getcwd())
import numpy as np
import gpuarray as ga
import cupy as cp
from bench.workloads import image4k
S = {"B": 64, "H": 2160, "W": 3840}
def timeit(fn, sync, n=5, warm=2.0):
    t = time.perf_counter()
    while time.perf_counter() - t < warm:
        fn()
    sync()
    rs = []
    for _ in range(n):
        a = time.perf_counter(); fn(); sync(); rs.append(time.perf_counter() - a)
    return np.median(rs) * 1e3
for rnd in range(2):
    X = image4k.inputs(ga, S)
    with ga.stats() as s:
        r = image4k.run(ga, S, X)
    tg = timeit(lambda: image4k.run(ga, S, X), ga.sync)
    del X
    Xc = image4k.inputs(cp, S)
    tc = timeit(lambda: image4k.run(cp, S, Xc), cp.cuda.Device().synchronize)
    rc = image4k.run(cp, S, Xc)
    del Xc
    cp.get_default_memory_pool().free_all_blocks()
    print(f"image4k B=64: gpuarray {tg:.2f} ms ({s.dispatches} dispatches), CuPy {tc:.2f} ms, ratio {tc/tg:.2f}x; mse {r['mse']:.6f} vs {rc['mse']:.6f}", flush=True)
