"""Elements per thread of elementwise kernels on the GPU machine: montecarlo (M = 1e6, compute-
heavy kernels over few elements), the elementwise workload (N = 1e8, memory-bound) and image4k,
warm, best of 5 per setting, settings interleaved over rounds (the GPU's clocks drift while it
warms). PER_THREAD is the number of elements (vec4 groups in vector kernels) one thread takes.
Usage: python bench/probes/per_thread_ab.py [out.json]"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._kernels import codegen as _codegen
from gpuarray._device import runtime as _runtime
from bench.workloads import montecarlo, elementwise, image4k

_caches: dict = {}


def swap_kernels(setting) -> None:
    """Kernels compiled from now on go to (and come from) ``setting``'s own cache, so settings that
    change the generated code never share a compiled kernel."""
    dev = _runtime.device()
    dev._kernels = _caches.setdefault(setting, {})
    dev._bind_groups.clear()  # kernel ids repeat across the swapped caches


def warm_min_ms(f, warm_s, n=5) -> float:
    """Best of ``n`` timed calls of ``f`` in ms, after calling it for ``warm_s`` seconds."""
    t = time.perf_counter()
    while time.perf_counter() - t < warm_s:
        f()
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts) * 1e3


def use(pt):
    """Elementwise kernels compiled with ``pt`` elements per thread from now on."""
    _codegen.PER_THREAD = pt
    swap_kernels(pt)


def main():
    res = {}
    wls = [("montecarlo", montecarlo, "default"), ("elementwise", elementwise, "default"), ("image4k", image4k, "default")]
    inputs = {n: wl.inputs(ga, s) for n, wl, s in wls}
    for rnd in range(4):
        for pt in (4, 2, 1):
            use(pt)
            for n, wl, s in wls:
                ms = warm_min_ms(lambda: wl.run(ga, s, inputs[n]), 1.0 if rnd == 0 else 0.3)
                res.setdefault(f"{n} PER_THREAD={pt}", []).append(round(ms, 3))
            print(rnd, pt, {k: v[-1] for k, v in res.items() if k.endswith(f"={pt}")}, flush=True)
    for k, v in res.items():
        print(f"{k:32s} {v}")
    if len(sys.argv) > 1:
        json.dump(res, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()
