"""What a float32 normal draw costs on the GPU machine: montecarlo with the random-number library
(philox.wgsl) of earlier versions, given as files, against the current one, at M = 1e6 (the
default) and M = 2^23 (T = 64), warm, best of 5 per setting, settings interleaved over rounds,
the SM clock read after each (at 345 MHz these kernels are device-bound, at ~1980 MHz M = 1e6
is bound by the host's recording).
Usage: python bench/probes/normal_cost_ab.py out.json old1.wgsl [old2.wgsl ...] [rounds=N] [big]
(``big``: M = 2^23 only, the device-bound size)"""
import json, os, subprocess, sys
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray._kernels import wgsl_lib as _wgsl_lib
from bench.workloads import montecarlo
from bench.probes.per_thread_ab import swap_kernels, warm_min_ms


def clock():
    try:
        return int(subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm", "--format=csv,noheader,nounits"],
                                  capture_output=True, text=True, timeout=5).stdout.strip())
    except Exception:  # noqa: BLE001
        return None


def use(variant, texts, lib):
    """The library with ``texts[variant]`` in place of the current functions (every variant starts
    from the current ones, so each replaces only its own)."""
    lib.update(texts["current"])
    lib.update(texts[variant])
    swap_kernels(variant)


def main():
    lib = _wgsl_lib.library()
    texts = {}
    opts = [a for a in sys.argv[2:] if not a.endswith(".wgsl")]
    rounds = int(next((a[7:] for a in opts if a.startswith("rounds=")), 4))
    for path in [a for a in sys.argv[2:] if a.endswith(".wgsl")]:
        old = _wgsl_lib._split_functions(open(path).read())
        texts[os.path.basename(path)] = {n: t for n, t in old.items() if n in lib and lib[n] != t}
    names = {n for t in texts.values() for n in t}
    texts["current"] = {n: lib[n] for n in names}
    sizes = {"M=1e6 T=256": "default", "M=2^23 T=64": {"M": 1 << 23, "T": 64}}
    if "big" in opts:
        del sizes["M=1e6 T=256"]
    inputs = {k: montecarlo.inputs(ga, s) for k, s in sizes.items()}
    res = {}
    for rnd in range(rounds):
        for variant in texts:
            use(variant, texts, lib)
            for k, s in sizes.items():
                ms = warm_min_ms(lambda: montecarlo.run(ga, s, inputs[k]), 1.0 if rnd == 0 else 0.3)
                res.setdefault(f"{k} {variant}", []).append((round(ms, 3), clock()))
            print(rnd, variant, {k: v[-1] for k, v in res.items() if k.endswith(variant)}, flush=True)
    for k, v in res.items():
        print(f"{k:32s} {v}")
    json.dump(res, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()
