"""What the angle of a float32 normal costs on the GPU machine: montecarlo with Box-Muller's
sin/cos from the double-float kernels (the version before, from git HEAD~N or a file given as
argv[2]) against the plain f32 polynomials, at M = 1e6 (the default) and M = 2^23 (T = 64),
warm, best of 5 per setting, settings interleaved over rounds, the SM clock read after each.
Usage: python bench/probes/normal_cost_ab.py [out.json] [old philox.wgsl]"""
import json, os, subprocess, sys, time
sys.path.insert(0, os.getcwd())
import gpuarray as ga
from gpuarray import _runtime, _wgsl_lib
from bench.workloads import montecarlo

NAME = "ga__sincos_turn_f32"


def clock():
    try:
        return int(subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm", "--format=csv,noheader,nounits"],
                                  capture_output=True, text=True, timeout=5).stdout.strip())
    except Exception:  # noqa: BLE001
        return None


def old_text():
    if len(sys.argv) > 2:
        src = open(sys.argv[2]).read()
    else:
        src = subprocess.run(["git", "show", "HEAD~1:gpuarray/wgsl/philox.wgsl"], capture_output=True,
                             text=True, check=True).stdout
    return _wgsl_lib._split_functions(src)[NAME]


_caches: dict = {}


def use(variant, texts):
    lib = _wgsl_lib.library()
    lib[NAME] = texts[variant]
    dev = _runtime.device()
    dev._kernels = _caches.setdefault(variant, {})
    dev._bind_groups.clear()  # kernel ids repeat across the swapped caches


def main():
    texts = {"new": _wgsl_lib.library()[NAME], "old": old_text()}
    sizes = {"M=1e6 T=256": "default", "M=2^23 T=64": {"M": 1 << 23, "T": 64}}
    inputs = {k: montecarlo.inputs(ga, s) for k, s in sizes.items()}
    res = {}
    for rnd in range(4):
        for variant in ("old", "new"):
            use(variant, texts)
            for k, s in sizes.items():
                f = lambda: montecarlo.run(ga, s, inputs[k])
                t = time.perf_counter()
                while time.perf_counter() - t < (1.0 if rnd == 0 else 0.3):
                    f()
                ts = []
                for _ in range(5):
                    t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
                res.setdefault(f"{k} {variant}", []).append((round(min(ts) * 1e3, 3), clock()))
            print(rnd, variant, {k: v[-1] for k, v in res.items() if k.endswith(variant)}, flush=True)
    for k, v in res.items():
        print(f"{k:24s} {v}")
    if len(sys.argv) > 1:
        json.dump(res, open(sys.argv[1], "w"), indent=1)


if __name__ == "__main__":
    main()
