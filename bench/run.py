"""Benchmark gpuarray against NumPy, CuPy and PyTorch: the workloads of ``bench/workloads`` and
the microbenchmarks of ``bench/micro.py``, into one JSON file.

    python bench/run.py                                   # default sizes, every library found
    python bench/run.py --size sweep --workloads image4k,pca --time-budget 540
    python bench/run.py --micro --workloads none          # microbenchmarks only
    python bench/run.py --size small --libs numpy,gpuarray --micro --micro-bytes 1e6

Each workload runs with every importable library: NumPy; CuPy (``xp=cupy``); gpuarray as
``xp=gpuarray`` (mode ``namespace``) and as NumPy dispatch (``xp=numpy`` on GpuArray inputs,
mode ``dispatch``). PyTorch has no NumPy-like namespace the workload scripts can run on (tensors
lack ``astype``/``copy``, ``mean(dtype=)``, uint32 arithmetic, ``default_rng``), so it appears in
the microbenchmarks only; its workload records say so (status ``skipped``).

Timing: inputs are made and synchronized first; the cold time is the first call (compilation
included); then ``--warmup`` calls (GPU libraries: repeated for at least ``--warm-seconds``, so
the GPU runs at its load clocks, as in a steady state), then the median of ``--repeats`` calls, each closed by a
device synchronization (the workloads end in host reads of their statistics, which wait too).
NumPy's cold run is its warm-up and it runs ``--numpy-repeats`` timed calls. gpuarray's counters
(``gpuarray.stats()``) are taken around the first timed call.

Validation: every library's statistics are compared with NumPy's at the same size (with CuPy's
where NumPy was not run), within the float32 / sampling tolerance of each workload; failures stay
in the file with ``ok: false``.

Records are written after each measurement to ``<out>/<date>-<adapter>.json`` (merged with the
records already in that file unless ``--fresh``), so a run stopped early keeps what it measured.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from bench import workloads  # noqa: E402
import micro  # noqa: E402

LIBS = ("numpy", "cupy", "torch", "gpuarray")

# the scale sweeps (WORKLOADS.md); each point is a full size dict for the workload
SWEEPS = {
    "image4k": [{"B": b, "H": 2160, "W": 3840} for b in (4, 8, 16, 32, 64)],
    "montecarlo": [{"M": m, "T": 256} for m in (250_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000)],
    "elementwise": [{"N": n} for n in (1_000_000, 10_000_000, 100_000_000, 500_000_000, 1_000_000_000)],
    "pca": [{"n": n, "d": d, "k": 8} for d in (512, 1024) for n in (10_000, 20_000, 50_000, 100_000, 200_000)],
    "iir": [{"M": m, "T": 512} for m in (131_072, 262_144, 524_288, 1_000_000, 2_000_000)] + [{"M": 131_072, "T": 4096}],
    "nlms": [{"p": 128, "C": c, "T": 200} for c in (512, 1024, 2048, 4096, 8192)],
}

# arrays past the storage binding limit (4-8 GiB per array: held in several buffers)
LARGE = {
    "elementwise": [{"N": 1_000_000_000}, {"N": 2_000_000_000}],
    "iir": [{"M": 2_000_000, "T": 512}],
}

# relative tolerance per statistic: the random streams differ between libraries (sampling
# error); nlms and elementwise are deterministic (float32 rounding only)
STAT_RTOL = {
    "image4k": {"mse": 0.05, "mean": 0.02, "std": 0.02, "out_mean": 0.03},
    "pca": {"explained_sum": 0.15, "explained_max": 0.15, "explained_min": 0.15, "trace": 0.03},
    "montecarlo": {"price": 0.1, "mean_S": 0.005, "std_S": 0.05},
    "iir": {"mean": 0.01, "std": 0.1, "max": 0.05},
}
DET_RTOL, DET_ATOL = 1e-4, 1e-6

COUNTER_KEYS = ("dispatches", "submits", "kernels_compiled", "bytes_to_device", "bytes_from_device", "fallbacks")


# ----------------------------------------------------------------------------------- helpers
def size_label(params: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items())


def work(params: dict) -> float:
    """A rough measure of a size's work (the product of its parameters), to predict times."""
    return float(math.prod(params.values()))


def compare(name: str, got: dict, ref: dict):
    """(ok, max relative difference, tolerance) of ``got`` against ``ref``'s statistics."""
    tol = STAT_RTOL.get(name)
    worst, ok = 0.0, True
    for k, want in ref.items():
        g = got.get(k)
        if g is None or not math.isfinite(g):
            return False, None, tol or DET_RTOL
        d = abs(g - want)
        worst = max(worst, d / max(abs(want), 1e-30))
        if tol is None:
            ok &= d <= DET_RTOL * abs(want) + DET_ATOL
        else:
            ok &= d <= tol.get(k, 0.1) * abs(want)
    return bool(ok), worst, tol or {"rtol": DET_RTOL, "atol": DET_ATOL}


def slug(text: str) -> str:
    s = re.sub(r"\(.*?\)", "", text.lower())
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:40].strip("-") or "unknown"


def versions() -> dict:
    v = {"numpy": np.__version__, "python": platform.python_version()}
    for mod in ("gpuarray", "cupy", "torch", "wgpu"):
        try:
            v[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001 - any import failure means: not available
            v[mod] = None
            v[f"{mod}_missing"] = f"{type(e).__name__}: {e}"[:300]
    return v


def adapter() -> dict:
    try:
        import gpuarray

        return gpuarray.adapter_info()
    except Exception as e:  # noqa: BLE001
        return {"name": "no WebGPU adapter", "error": f"{type(e).__name__}: {e}"[:300]}


class Results:
    """The JSON file: meta + records, rewritten (atomically) after each record."""

    def __init__(self, path: str, meta: dict, fresh: bool):
        self.path = path
        self.meta = meta
        self.records = []
        if not fresh and os.path.exists(path):
            with open(path) as f:
                old = json.load(f)
            self.records = old.get("records", [])
            self.meta["earlier_runs"] = old.get("meta", {}).get("earlier_runs", []) + [
                {k: old["meta"].get(k) for k in ("date", "started", "argv") if k in old.get("meta", {})}]
        self.write()

    @staticmethod
    def key(r):
        return (r["workload"], r["size"], r["lib"], r["mode"])

    def add(self, rec: dict):
        k = self.key(rec)
        self.records = [r for r in self.records if self.key(r) != k] + [rec]
        self.write()
        status = rec["status"] if rec["status"] != "ok" else {True: "ok", False: "FAILED validation"}.get(
            rec.get("ok"), "not validated (no reference at this size)")
        t = rec.get("warm_s")
        val = f"{rec['value']:.4g} {rec['unit']}" if rec.get("value") is not None else (f"{t:.4g} s" if t is not None else "")
        print(f"{rec['workload']:<12} {rec['size']:<26} {rec['lib']:<9} {rec['mode']:<10} {val:>18}  {status}"
              + (f" ({rec['reason']})" if rec.get("reason") else ""), flush=True)

    def write(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"meta": self.meta, "records": self.records}, f, indent=1, default=_jsonable)
        os.replace(tmp, self.path)


def _jsonable(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    return str(o)


def record(workload, size, params, lib, mode, **kw) -> dict:
    r = {"workload": workload, "size": size, "params": params, "lib": lib, "mode": mode, "status": "ok",
         "cold_s": None, "warm_s": None, "ok": None, "max_rel_diff": None}
    r.update({k: None for k in COUNTER_KEYS})
    r.update(kw)
    return r


class SmClock:
    """The GPU's SM clock (MHz) sampled every 50 ms by ``nvidia-smi`` while the block runs, where
    that tool exists: GPUs idle at low clocks and clock up under sustained load, which can move a
    compute-bound workload's time by 2x, so each record says which state its samples ran in."""

    def __init__(self):
        self.samples: list[int] = []
        self._proc = None

    def __enter__(self):
        exe = shutil.which("nvidia-smi")
        if exe:
            try:
                self._proc = subprocess.Popen([exe, "--query-gpu=clocks.sm", "--format=csv,noheader,nounits",
                                               "-lms", "50", "-i", "0"], stdout=subprocess.PIPE,
                                              stderr=subprocess.DEVNULL, text=True)
            except OSError:
                self._proc = None
        return self

    def __exit__(self, *exc):
        if self._proc is not None:
            self._proc.terminate()
            try:
                out, _ = self._proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                out = ""
            self.samples = [int(x) for x in out.split() if x.strip().isdigit()]
        return False

    def summary(self):
        """{min, median, max} MHz over the block, or None without samples."""
        if not self.samples:
            return None
        v = sorted(self.samples)
        return {"min": v[0], "median": v[len(v) // 2], "max": v[-1], "n": len(v)}


# --------------------------------------------------------------------------------- workloads
def measure_workload(wl, params, b, repeats, warmup, seed, warm_seconds=0.0):
    """One (workload, size, library, mode): timings, the result statistics and counters."""
    if b.name == "numpy":
        inp = wl.inputs(np, params, seed)
    else:
        inp = b.inputs(wl, params, seed)
    b.sync()
    t = time.perf_counter()
    cold_res = wl.run(b.xp, params, inputs=inp, seed=seed)
    b.sync()
    cold = time.perf_counter() - t
    # warm-up calls: at least ``warmup``, and for GPU libraries until ``warm_seconds`` have passed.
    # An H200 idles at ~350 MHz and clocks up only under sustained load: right after NumPy's runs or
    # a compile, a compute-bound montecarlo loop measured 14.7-15.2 ms, and 7.2-7.9 ms once clocked up.
    t = time.perf_counter()
    n = 0
    while n < warmup or (b.name != "numpy" and time.perf_counter() - t < warm_seconds):
        wl.run(b.xp, params, inputs=inp, seed=seed)
        b.sync()
        n += 1
    samples, counters, res = [], {}, cold_res
    clock = SmClock() if b.name != "numpy" else None
    if clock is not None:
        clock.__enter__()
    for i in range(max(1, repeats)):
        if i == 0 and b.name == "gpuarray":
            with b.ga.stats() as s:
                t = time.perf_counter()
                res = wl.run(b.xp, params, inputs=inp, seed=seed)
                b.sync()
                samples.append(time.perf_counter() - t)
            counters = s.as_dict()
        else:
            t = time.perf_counter()
            res = wl.run(b.xp, params, inputs=inp, seed=seed)
            b.sync()
            samples.append(time.perf_counter() - t)
    if clock is not None:
        clock.__exit__(None, None, None)
        counters = dict(counters, sm_clock_mhz=clock.summary())
    del inp
    return cold, samples, cold_res, res, counters


def run_workloads(args, backends, skipped_libs, out: Results, deadline):
    names = list(workloads.NAMES) if args.workloads == "all" else [w for w in args.workloads.split(",") if w and w != "none"]
    for name in names:
        wl = workloads.get(name)
        points = SWEEPS[name] if args.size == "sweep" else LARGE.get(name, []) if args.size == "large" else [wl.SIZES[args.size]]
        label_of = (lambda p: size_label(p)) if args.size in ("sweep", "large") else (lambda p: args.size)
        np_last = None  # (work, seconds) of NumPy's last measured point
        for params in points:
            size = label_of(params)
            refs = {}
            for lib, mode in plan_libs(args.libs):
                base = dict(workload=name, size=size, params=params, lib=lib, mode=mode)
                if lib in skipped_libs:
                    out.add(record(**base, status="skipped", reason=skipped_libs[lib]))
                    continue
                if lib == "torch":
                    out.add(record(**base, status="skipped", reason="no NumPy-like torch namespace for the workload "
                                   "scripts; torch is measured in the microbenchmarks"))
                    continue
                if time.time() > deadline:
                    out.add(record(**base, status="skipped", reason="time budget reached"))
                    continue
                if lib == "numpy" and args.numpy_max_seconds and np_last:
                    guess = np_last[1] * work(params) / np_last[0]
                    if guess > args.numpy_max_seconds:
                        out.add(record(**base, status="skipped", reason=f"NumPy predicted {guess:.0f} s per run > "
                                       f"--numpy-max-seconds {args.numpy_max_seconds:g}"))
                        continue
                b = backends[(lib, mode)]
                try:
                    reps = args.numpy_repeats if lib == "numpy" else args.repeats
                    cold, samples, cold_res, res, cnt = measure_workload(
                        wl, params, b, reps, 0 if lib == "numpy" else args.warmup, args.seed, args.warm_seconds)
                except Exception as e:  # noqa: BLE001 - a failure is a result too
                    out.add(record(**base, status="failed", ok=False, reason=f"{type(e).__name__}: {e}"[:500],
                                   traceback=traceback.format_exc()[-2000:]))
                    _free(b)
                    if "lost" in str(e).lower():
                        skipped_libs[lib] = f"device lost earlier: {e}"[:300]
                    continue
                _free(b)
                warm = float(np.median(samples))
                if lib == "numpy":
                    np_last = (work(params), warm)
                refs.setdefault(lib, res)
                ref_lib = "numpy" if "numpy" in refs else ("cupy" if "cupy" in refs and lib != "cupy" else None)
                if lib == "numpy":
                    ok, rel, tol, ref_lib = True, 0.0, None, "numpy"
                elif ref_lib is None:
                    ok, rel, tol = None, None, None
                else:
                    ok1, rel1, tol = compare(name, cold_res, refs[ref_lib])
                    ok2, rel2, _ = compare(name, res, refs[ref_lib])
                    ok = ok1 and ok2
                    rel = None if rel1 is None or rel2 is None else max(rel1, rel2)
                rec = record(**base, cold_s=cold, warm_s=warm, samples_s=samples, ok=ok, max_rel_diff=rel,
                             ref=ref_lib, tolerance=tol, stats=res)
                if lib == "gpuarray":
                    rec.update({k: cnt.get(k) for k in COUNTER_KEYS})
                    rec["peak_bytes"] = cnt.get("peak_bytes")
                rec["sm_clock_mhz"] = cnt.get("sm_clock_mhz")
                out.add(rec)


def plan_libs(libs):
    """(lib, mode) pairs in measuring order: NumPy first (the reference), then CuPy."""
    out = []
    for lib in LIBS:
        if lib in libs:
            out += [("gpuarray", "namespace"), ("gpuarray", "dispatch")] if lib == "gpuarray" else [(lib, "namespace")]
    return out


def _free(b):
    try:
        b.free()
    except Exception:  # noqa: BLE001 - freeing pools is best effort
        pass


# ------------------------------------------------------------------------------------- micro
def run_micro(args, backends, skipped_libs, out: Results, deadline):
    size = "small" if args.size == "small" else "default"
    for name, label, params, only, fn in micro.plan(size, int(args.micro_bytes)):
        if args.micro_only and name not in args.micro_only.split(","):
            continue
        for lib in [lib for lib in LIBS if lib in args.libs]:
            if only is not None and lib not in only:
                continue
            mode = "namespace"
            b = backends.get((lib, mode))
            mode = micro.micro_mode(b, params) if b is not None else ("fuse" if params.get("fuse") else mode)
            base = dict(workload=f"micro/{name}", size=label, params=dict(params), lib=lib, mode=mode)
            if lib in skipped_libs:
                out.add(record(**base, status="skipped", reason=skipped_libs[lib]))
                continue
            if time.time() > deadline:
                out.add(record(**base, status="skipped", reason="time budget reached"))
                continue
            try:
                r = fn(b, args.repeats)
            except Exception as e:  # noqa: BLE001
                out.add(record(**base, status="failed", ok=False, reason=f"{type(e).__name__}: {e}"[:500],
                               traceback=traceback.format_exc()[-2000:]))
                _free(b)
                continue
            _free(b)
            base["params"].update(r.pop("params_extra", {}))
            r.pop("peak_bytes", None)
            out.add(record(**base, **r))


# -------------------------------------------------------------------------------------- main
def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="default", choices=("small", "default", "sweep", "large"))
    ap.add_argument("--libs", default=",".join(LIBS), help="comma-separated subset of " + ",".join(LIBS))
    ap.add_argument("--workloads", default="all", help="comma-separated names, 'all' or 'none'")
    ap.add_argument("--micro", action="store_true", help="also run the microbenchmarks")
    ap.add_argument("--micro-only", default="", help="comma-separated microbenchmark names to run (default: all)")
    ap.add_argument("--micro-bytes", type=float, default=float(1 << 30),
                    help="bytes per array of the bandwidth microbenchmarks (default 1 GiB; transfers use min(this, 256 MiB))")
    ap.add_argument("--repeats", type=int, default=5, help="timed calls (the median is reported)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed calls after the cold one (GPU libraries)")
    ap.add_argument("--warm-seconds", type=float, default=1.0,
                    help="GPU libraries: untimed calls continue until this long has passed (clocks up the GPU)")
    ap.add_argument("--numpy-repeats", type=int, default=2, help="timed NumPy calls (its cold call is its warm-up)")
    ap.add_argument("--numpy-max-seconds", type=float, default=None,
                    help="skip NumPy at sizes where it is predicted to take longer per call (default: 60 for sweep)")
    ap.add_argument("--time-budget", type=float, default=None, help="start no new measurement after this many seconds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--tag", default="", help="appended to the file name (<date>-<adapter>[-tag].json)")
    ap.add_argument("--fresh", action="store_true", help="replace the output file instead of merging into it")
    args = ap.parse_args(argv)
    args.libs = [x.strip() for x in args.libs.split(",") if x.strip()]
    bad = [x for x in args.libs if x not in LIBS]
    if bad:
        ap.error(f"unknown libraries {bad} (known: {', '.join(LIBS)})")
    if args.workloads not in ("all", "none"):
        for w in args.workloads.split(","):
            if w and w not in workloads.NAMES:
                ap.error(f"unknown workload {w!r} (known: {', '.join(workloads.NAMES)})")
    if args.numpy_max_seconds is None and args.size == "sweep":
        args.numpy_max_seconds = 60.0
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    t0 = time.time()
    deadline = t0 + args.time_budget if args.time_budget else float("inf")

    backends, skipped = {}, {}
    for lib, mode in plan_libs(args.libs):
        try:
            backends[(lib, mode)] = micro.load_backend(lib, mode)
        except Exception as e:  # noqa: BLE001 - a missing library is recorded, not fatal
            skipped[lib] = f"not available: {type(e).__name__}: {e}"[:300]
    info = adapter() if "gpuarray" in args.libs else {"name": "no WebGPU adapter (gpuarray not run)"}

    now = datetime.datetime.now()
    meta = {
        "date": now.strftime("%Y-%m-%d"), "started": now.isoformat(timespec="seconds"),
        "adapter": info, "versions": versions(), "python": platform.python_version(),
        "host": {"name": socket.gethostname(), "machine": platform.machine(), "cpus": os.cpu_count(),
                 "platform": platform.platform()},
        "argv": sys.argv[1:] if argv is None else list(argv),
        "settings": {k: getattr(args, k) for k in ("size", "repeats", "warmup", "warm_seconds", "numpy_repeats", "numpy_max_seconds",
                                                   "micro_bytes", "seed", "time_budget")},
        "skipped_libs": skipped,
    }
    if "cupy" in args.libs and ("cupy", "namespace") in backends:
        cp = backends[("cupy", "namespace")].cp
        meta["cuda_device"] = cp.cuda.runtime.getDeviceProperties(0)["name"].decode(errors="replace")
    os.makedirs(args.out, exist_ok=True)
    fname = f"{meta['date']}-{slug(info.get('name', 'unknown'))}{'-' + args.tag if args.tag else ''}.json"
    out = Results(os.path.join(args.out, fname), meta, args.fresh)
    print(f"writing {out.path}  (adapter: {info.get('name')})", flush=True)

    run_workloads(args, backends, skipped, out, deadline)
    if args.micro:
        run_micro(args, backends, skipped, out, deadline)
    out.meta["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    out.meta["elapsed_s"] = round(time.time() - t0, 1)
    out.write()
    bad = [r for r in out.records if r["status"] == "failed" or r.get("ok") is False]
    print(f"{len(out.records)} records, {len(bad)} failed -> {out.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
