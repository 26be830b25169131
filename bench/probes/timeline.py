"""montecarlo's time over the first seconds of a process: one run every ~0.25 s for ``seconds``
(default 40), printing the time since the first call (which compiles) and the run's time, with
the GPU's SM clock. Run it twice on a fresh machine: the first process compiles the kernels, the
second finds them in the driver's cache. Usage: python bench/probes/timeline.py [seconds]"""
import os, subprocess, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from bench.workloads import montecarlo


def clock():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm", "--format=csv,noheader,nounits"],
                              capture_output=True, text=True, timeout=5).stdout.strip()
    except Exception:  # noqa: BLE001
        return "?"


secs = float(sys.argv[1]) if len(sys.argv) > 1 else 40
inp = montecarlo.inputs(ga, "default")
t0 = time.perf_counter()
montecarlo.run(ga, "default", inp)
print(f"first call (compile) {time.perf_counter() - t0:.2f} s", flush=True)
line = []
while time.perf_counter() - t0 < secs:
    ts = []
    for _ in range(5):
        t = time.perf_counter(); montecarlo.run(ga, "default", inp); ts.append((time.perf_counter() - t) * 1e3)
    line.append(f"{time.perf_counter() - t0:5.1f}s {sorted(ts)[2]:5.1f}ms {clock()}MHz")
    if len(line) == 4:
        print(" | ".join(line), flush=True)
        line = []
    time.sleep(0.2)
print(" | ".join(line), flush=True)
