"""Device cost of the montecarlo step: a chain of k steps S = S * exp(drift + scale * Z) over
M elements, evaluated as one kernel and timed to completion (M large, so the host's share is
small); per element-step cost and GPU clocks, against CuPy's five kernels per step.
Usage: python bench/probes/rng_throughput.py"""
import math, os, subprocess, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._kernels import codegen as _codegen


def smi():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm,power.draw", "--format=csv,noheader"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except Exception as e:  # noqa: BLE001
        return str(e)


drift, scale = (0.05 - 0.02) / 252, 0.2 * math.sqrt(1 / 252)
M = 1 << 23
rng = ga.random.default_rng(0)
for k in (1, 4, 8):
    S = ga.full((M, 1), 100.0, dtype=ga.float32)
    def chain():
        global S
        for _ in range(k):
            S = S * ga.exp(drift + scale * rng.standard_normal((M, 1), dtype=ga.float32))
        S._leaf()
        ga.sync()
    t = time.perf_counter()
    while time.perf_counter() - t < 1.5:
        chain()
    ts = []
    for _ in range(10):
        t = time.perf_counter(); chain(); ts.append(time.perf_counter() - t)
    b = min(ts)
    print(f"gpuarray k={k}: {b * 1e3:.3f} ms per chain, {b / (M * k) * 1e12:.2f} ps per element-step, clocks {smi()}", flush=True)
# normals alone into memory, and exp alone
Z = None
def normals():
    global Z
    Z = rng.standard_normal((M, 1), dtype=ga.float32); Z._leaf(); ga.sync()
for _ in range(20): normals()
ts = []
for _ in range(10):
    t = time.perf_counter(); normals(); ts.append(time.perf_counter() - t)
print(f"gpuarray normals: {min(ts) * 1e3:.3f} ms for {M} ({min(ts) / M * 1e12:.2f} ps each)", flush=True)
try:
    import cupy as cp
    S = cp.full((M, 1), 100.0, dtype=cp.float32)
    r = cp.random.default_rng(0)
    def cstep(k):
        global S
        for _ in range(k):
            S = S * cp.exp(drift + scale * r.standard_normal((M, 1), dtype=cp.float32))
        cp.cuda.Device().synchronize()
    for k in (1, 8):
        for _ in range(20): cstep(k)
        ts = []
        for _ in range(10):
            t = time.perf_counter(); cstep(k); ts.append(time.perf_counter() - t)
        print(f"cupy k={k}: {min(ts) * 1e3:.3f} ms, {min(ts) / (M * k) * 1e12:.2f} ps per element-step", flush=True)
except Exception as e:  # noqa: BLE001
    print("cupy:", e)
