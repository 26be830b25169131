import sys, os, time, math, subprocess, threading
sys.path.insert(0, os.getcwd())
import numpy as np
import gpuarray as ga
from bench.workloads import montecarlo
M, T = 1_000_000, 256
def clocks():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm,clocks.mem,power.draw,pstate", "--format=csv,noheader"], capture_output=True, text=True, timeout=5).stdout.strip()
    except Exception as e:
        return repr(e)
print("idle clocks:", clocks())
inp = montecarlo.inputs(ga, {"M": M, "T": T})
def body():
    S, rng = inp["S"], inp["rng"]
    for _ in range(T):
        S = S * ga.exp(0.0001 + 0.0126 * rng.standard_normal((M, 1), dtype=ga.float32))
    S._leaf(); ga.sync()
body()
ts = []
t0 = time.perf_counter()
while time.perf_counter() - t0 < float(os.environ.get("DUR", "6")):
    t = time.perf_counter(); body(); ts.append((time.perf_counter() - t) * 1e3)
    if len(ts) in (1, 5, 20, 100):
        print(f"after {len(ts)} runs: clocks {clocks()}")
print("per-run ms:", " ".join(f"{x:.1f}" for x in ts[:10]), "...", " ".join(f"{x:.1f}" for x in ts[-10:]))
print(f"first 5 median {np.median(ts[:5]):.2f}, last 10 median {np.median(ts[-10:]):.2f}, runs {len(ts)}")
time.sleep(3)
print("after 3 s idle:", clocks())
t = time.perf_counter(); body(); print(f"run after idle: {(time.perf_counter() - t) * 1e3:.2f} ms")
