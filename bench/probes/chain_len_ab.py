"""Device cost per element-step of fused montecarlo chains by chain length k (steps per kernel),
at M = 1e6 and 2^23, best of 10 per setting over interleaved rounds; then the montecarlo workload
with the draw's weight in the kernel-size bound at 8 (the default), 12 and 16 (fewer steps per
kernel). Usage: python bench/probes/chain_len_ab.py [out.json]"""
import json, math, os, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._kernels import random as _node
from bench.workloads import montecarlo

drift, scale = (0.05 - 0.02) / 252, 0.2 * math.sqrt(1 / 252)


def chain_ps(rng, M: int, k: int, reps: int) -> float:
    """Best of 10 timings of ``reps`` evaluated k-step chains (one sync), in ps per element-step."""
    S = [ga.full((M, 1), 100.0, dtype=ga.float32)]
    S[0]._leaf()

    def run():
        s = S[0]
        for _ in range(reps):
            for _ in range(k):
                s = s * ga.exp(drift + scale * rng.standard_normal((M, 1), dtype=ga.float32))
            s._leaf()
        S[0] = s
        ga.sync()
    for _ in range(3):
        run()
    ts = []
    for _ in range(10):
        t = time.perf_counter(); run(); ts.append(time.perf_counter() - t)
    return round(min(ts) / (M * k * reps) * 1e12, 2)


def main():
    rng = ga.random.default_rng(0)
    res = {}
    for rnd in range(3):
        for M in (1_000_000, 1 << 23):
            for k in (2, 3, 4, 5, 6, 8):
                res.setdefault(f"M={M} k={k}", []).append(chain_ps(rng, M, k, max(1, 24 // k)))
        print(rnd, {key: v[-1] for key, v in res.items()}, flush=True)
    inp = montecarlo.inputs(ga, "default")
    for rnd in range(3):
        for w in (8, 12, 16):
            _node.Rand.weight = w
            f = lambda: montecarlo.run(ga, "default", inp)
            t = time.perf_counter()
            while time.perf_counter() - t < 1.0:
                f()
            ts = []
            for _ in range(7):
                t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
            with ga.stats() as s:
                f()
            ts.sort()
            res.setdefault(f"montecarlo weight={w} (median ms, dispatches)", []).append((round(ts[3] * 1e3, 3), s.dispatches))
    _node.Rand.weight = 8
    for key, v in res.items():
        print(f"{key:44s} {v}")
    if len(sys.argv) > 1:
        json.dump(res, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()
