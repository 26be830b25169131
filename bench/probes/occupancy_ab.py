"""Device cost per element-step of fused montecarlo chains (k = 6 steps per kernel) at M = 1e6,
by elements per thread (PER_THREAD 4, 2, 1: 65K, 131K, 262K threads), against M = 2^23; best of
10 per setting over interleaved rounds. Then the montecarlo workload per setting (median of 7).
Usage: python bench/probes/occupancy_ab.py [out.json]"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from bench.workloads import montecarlo
from bench.probes.chain_len_ab import chain_ps
from bench.probes.per_thread_ab import use

rng = ga.random.default_rng(0)
inp = montecarlo.inputs(ga, "default")
res = {}
for rnd in range(3):
    for pt in (4, 2, 1):
        use(pt)
        for M in (1_000_000, 1 << 23):
            res.setdefault(f"PER_THREAD={pt} M={M} ps/element-step", []).append(chain_ps(rng, M, 6, 4))
        f = lambda: montecarlo.run(ga, "default", inp)
        for _ in range(10):
            f()
        ts = []
        for _ in range(7):
            t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
        res.setdefault(f"PER_THREAD={pt} montecarlo median ms", []).append(round(sorted(ts)[3] * 1e3, 3))
    print(rnd, {key: v[-1] for key, v in res.items()}, flush=True)
for key, v in res.items():
    print(f"{key:44s} {v}")
if len(sys.argv) > 1:
    json.dump(res, open(sys.argv[1], "w"), indent=1)
