"""Cold start: where the time of a fresh process goes (import, code generation, shader module,
pipeline creation) and what the disk caches save.

Each case runs in a fresh Python process (subprocess) and reports wall times and the
``gpuarray.stats()`` compile counters (compile_ms, codegen_ms, module_ms, pipeline_ms,
wgsl_bytes, per kernel name). Cases:

  first_op      ``gpuarray.ones(3).sum()`` right after ``import gpuarray``
  chain12       a never-seen 12-op float32 chain (sin, exp, cos, tanh, sqrt, abs) over a contiguous
                array and a reversed view (the scalar-index kernel)
  chain12_vec4  the same chain over two contiguous arrays (the vec4 kernel)
  chain12_sum   chain12_vec4 reduced by ``sum`` (the expression fused into the reduction)

Cache modes (--cache):
  off     drivers' disk caches disabled (MESA_SHADER_CACHE_DISABLE=true, __GL_SHADER_DISK_CACHE=0):
          every compile is cold
  fresh   a new empty GPUARRAY_CACHE_DIR per case, each case run twice (first and second process)
  DIR     that GPUARRAY_CACHE_DIR, each case run twice

--vec4-form loop|unrolled picks the vec4 kernel form (``_kernels.codegen.VEC4_FORM``).

  python bench/probes/coldstart_probe.py --cache off --out bench/results/coldstart-lavapipe-off.json
  python bench/probes/coldstart_probe.py --cache fresh --vec4-form unrolled
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
import json, sys, time
try:  # time cffi's C declaration parsing (pycparser), a part of the first operation
    import cffi.cparser as _cp
    _parse0, _parsed = _cp.Parser._parse, [0.0, 0]
    def _timed_parse(self, csource):
        t = time.perf_counter()
        try:
            return _parse0(self, csource)
        finally:
            _parsed[0] += time.perf_counter() - t
            _parsed[1] += 1
    _cp.Parser._parse = _timed_parse
except ImportError:
    _parsed = [0.0, 0]
t0 = time.perf_counter()
import numpy as np
import gpuarray as ga
from gpuarray._kernels import codegen
t_import = time.perf_counter() - t0
case, form = sys.argv[1], sys.argv[2]
codegen.VEC4_FORM = form
N = 100_003
rng = np.random.default_rng(0)
h = rng.uniform(0.1, 2.0, N).astype(np.float32)
g = rng.uniform(0.1, 2.0, N).astype(np.float32)


def chain(a, b):  # 12 ops
    t = ga.sin(a) * ga.exp(b) + ga.cos(a * b)
    return ga.sqrt(ga.abs(ga.tanh(t)) + b) * a - b


out = {"case": case, "vec4_form": form, "import_s": t_import}
if case == "first_op":
    t1, c1 = time.perf_counter(), time.process_time()
    with ga.stats() as s:
        from gpuarray._device import runtime
        runtime.device()  # adapter and device: a part of the first op, timed apart
        out["device_s"] = time.perf_counter() - t1
        v = float(ga.ones(3).sum())
    assert v == 3.0
else:
    a = ga.asarray(h)
    b = ga.asarray(g)[::-1] if case == "chain12" else ga.asarray(g)
    ga.sync()
    t1, c1 = time.perf_counter(), time.process_time()
    with ga.stats() as s:
        r = chain(a, b)
        if case == "chain12_sum":
            got = float(r.sum())
        else:
            got = r.to_numpy()
    bb = g[::-1] if case == "chain12" else g
    t = np.sin(h) * np.exp(bb) + np.cos(h * bb)
    ref = np.sqrt(np.abs(np.tanh(t)) + bb) * h - bb
    out["max_abs_err"] = float(np.max(np.abs(np.float64(got) - (ref.sum(dtype=np.float64) if case == "chain12_sum" else ref))))
out["op_s"] = time.perf_counter() - t1
out["cffi_parse_s"], out["cffi_parses"] = _parsed  # up to here: the header's cdef and the type strings
out["op_cpu_s"] = time.process_time() - c1  # all threads of the process (lavapipe compiles in them)
# the same op again: lavapipe compiles a pipeline at its first dispatch, so the cold op minus the
# warm one minus compile_ms is the driver's deferred compile
t2, c2 = time.perf_counter(), time.process_time()
if case == "first_op":
    float(ga.ones(3).sum())
elif case == "chain12_sum":
    float(chain(a, b).sum())
else:
    chain(a, b).to_numpy()
out["warm_op_s"] = time.perf_counter() - t2
out["warm_op_cpu_s"] = time.process_time() - c2
out["stats"] = {k: v for k, v in s.as_dict().items() if k != "fallbacks"}
out["adapter"] = ga.adapter_info()["name"]
print("PROBE " + json.dumps(out))
"""

CASES = ("first_op", "chain12", "chain12_vec4", "chain12_sum")


def run_case(case: str, form: str, env: dict, root: str = ROOT) -> dict:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", CHILD, case, form], cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    line = [x for x in p.stdout.splitlines() if x.startswith("PROBE ")]
    if p.returncode or not line:
        raise RuntimeError(f"case {case} failed (rc {p.returncode}):\n{p.stdout}\n{p.stderr}")
    r = json.loads(line[-1][6:])
    r["process_s"] = wall
    r["stderr"] = p.stderr.strip()
    return r


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default="off", help="off | fresh | a directory")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--vec4-form", default="loop", choices=("loop", "unrolled"))
    ap.add_argument("--out", help="write the results as JSON here")
    ap.add_argument("--root", default=ROOT, help="the checkout whose gpuarray runs (e.g. an older commit's)")
    args = ap.parse_args(argv)
    base = dict(os.environ)
    for k in ("MESA_SHADER_CACHE_DIR", "MESA_SHADER_CACHE_DISABLE", "__GL_SHADER_DISK_CACHE_PATH",
              "__GL_SHADER_DISK_CACHE", "GPUARRAY_CACHE_DIR"):
        base.pop(k, None)
    results = []
    for case in args.cases.split(","):
        if args.cache == "off":
            env = dict(base, MESA_SHADER_CACHE_DISABLE="true", __GL_SHADER_DISK_CACHE="0", GPUARRAY_CACHE_DIR="off")
            runs = [run_case(case, args.vec4_form, env, args.root)]
        else:
            d = tempfile.mkdtemp(prefix="gpuarray-probe-") if args.cache == "fresh" else args.cache
            env = dict(base, GPUARRAY_CACHE_DIR=d)
            try:
                runs = [run_case(case, args.vec4_form, env, args.root), run_case(case, args.vec4_form, env, args.root)]
            finally:
                if args.cache == "fresh":
                    shutil.rmtree(d, ignore_errors=True)
        for i, r in enumerate(runs):
            r["run"] = i + 1
            st = dict.fromkeys(("compile_ms", "codegen_ms", "module_ms", "pipeline_ms", "wgsl_bytes"), 0)
            st.update(r["stats"])  # an older checkout counts fewer things
            print(f"{case:13s} run {i + 1}  import {r['import_s'] * 1e3:7.0f} ms  op {r['op_s'] * 1e3:8.0f} ms "
                  f"(cpu {r['op_cpu_s'] * 1e3:8.0f}, warm {r['warm_op_s'] * 1e3:5.0f})  "
                  f"compile {st['compile_ms']:8.0f} ms (codegen {st['codegen_ms']:6.1f}, module {st['module_ms']:6.1f}, "
                  f"pipeline {st['pipeline_ms']:8.0f}, at first dispatch {(r['op_s'] - r['warm_op_s']) * 1e3 - st['compile_ms']:8.0f})  kernels {st['kernels_compiled']}  wgsl {st['wgsl_bytes']} B"
                  + (f"  device {r['device_s'] * 1e3:.0f} ms" if "device_s" in r else "")
                  + f"  cffi parse {r['cffi_parse_s'] * 1e3:.0f} ms ({r['cffi_parses']})"
                  + ("  [stderr not empty]" if r["stderr"] else ""))
            results.append(r)
    doc = {"cache": args.cache, "vec4_form": args.vec4_form, "root": args.root, "python": sys.version.split()[0], "results": results}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=1)
    return doc


if __name__ == "__main__":
    main()
