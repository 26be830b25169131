"""Device cost of the pieces of a montecarlo step at M = 2^23 float32 elements, each evaluated
as its own kernel and timed to completion (best of 10, minus an empty sync): uniform draws,
normal draws, exp of an array, and the fused step. ``u32mul`` as argument: Philox's 32x32->64
products from 16-bit halves instead of one 64-bit multiply.
Usage: python bench/probes/rng_parts.py [u32mul]"""
import math, os, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._kernels import wgsl_lib as _wgsl_lib

if "u32mul" in sys.argv:
    _wgsl_lib._device_int64 = lambda: False
    _wgsl_lib.library.cache_clear()
M = 1 << 23
rng = ga.random.default_rng(0)
drift, scale = (0.05 - 0.02) / 252, 0.2 * math.sqrt(1 / 252)
X = ga.full((M, 1), 0.5, dtype=ga.float32)
X._leaf()


def best(f, n=10):
    for _ in range(5):
        f()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)


empty = best(ga.sync, 20)
cases = {
    "uniform": lambda: (rng.random((M, 1), dtype=ga.float32)._leaf(), ga.sync()),
    "normal": lambda: (rng.standard_normal((M, 1), dtype=ga.float32)._leaf(), ga.sync()),
    "exp": lambda: (ga.exp(X)._leaf(), ga.sync()),
    "copy": lambda: ((X + 1.0)._leaf(), ga.sync()),
    "step": lambda: ((X * ga.exp(drift + scale * rng.standard_normal((M, 1), dtype=ga.float32)))._leaf(), ga.sync()),
}
tag = "u32mul" if "u32mul" in sys.argv else "int64mul"
for name, f in cases.items():
    b = best(f) - empty
    print(f"{tag:9s} {name:8s} {b * 1e6:8.1f} us  {b / M * 1e12:6.2f} ps/element", flush=True)
