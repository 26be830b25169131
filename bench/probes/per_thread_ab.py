"""Elements per thread of elementwise kernels on the GPU machine: montecarlo (M = 1e6, compute-
heavy kernels over few elements), the elementwise workload (N = 1e8, memory-bound) and image4k,
warm, best of 5 per setting, settings interleaved over rounds (the GPU's clocks drift while it
warms). PER_THREAD is the number of elements (vec4 groups in vector kernels) one thread takes.
Usage: python bench/probes/per_thread_ab.py [out.json]"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray import _codegen, _runtime
from bench.workloads import montecarlo, elementwise, image4k

_caches: dict = {}


def use(pt):
    """Elementwise kernels compiled with ``pt`` elements per thread from now on (each setting keeps
    its own kernel cache, swapped in)."""
    dev = _runtime.device()
    _codegen.PER_THREAD = pt
    dev._kernels = _caches.setdefault(pt, {})
    dev._bind_groups.clear()  # kernel ids repeat across the swapped caches


def main():
    res = {}
    wls = [("montecarlo", montecarlo, "default"), ("elementwise", elementwise, "default"), ("image4k", image4k, "default")]
    inputs = {n: wl.inputs(ga, s) for n, wl, s in wls}
    for rnd in range(4):
        for pt in (4, 2, 1):
            use(pt)
            for n, wl, s in wls:
                f = lambda: wl.run(ga, s, inputs[n])
                t = time.perf_counter()
                while time.perf_counter() - t < (1.0 if rnd == 0 else 0.3):
                    f()
                ts = []
                for _ in range(5):
                    t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
                res.setdefault(f"{n} PER_THREAD={pt}", []).append(round(min(ts) * 1e3, 3))
            print(rnd, pt, {k: v[-1] for k, v in res.items() if k.endswith(f"={pt}")}, flush=True)
    for k, v in res.items():
        print(f"{k:32s} {v}")
    if len(sys.argv) > 1:
        json.dump(res, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()
