"""Array libraries as benchmark backends, and the microbenchmarks.

A ``Backend`` wraps one library (numpy, cupy, torch, gpuarray) with what a fair timing needs:
``sync()`` waits for the device, ``done(x)`` makes sure ``x`` is computed (gpuarray is lazy),
``put``/``get`` move data between host and device.

Microbenchmarks (``run_micro``) each produce records with ``unit``/``value``:

* ``copy``: ``y = x + 0`` on f32 (GB/s, bytes read + written);
* ``chain``: ``exp(a)*0.5 + c*c`` (GB/s, 3 arrays); CuPy also as ``cupy.fuse`` (mode ``fuse``);
* ``sum``: sum of f32 (GB/s read);
* ``gemm``: square matmul f32 and f64, ``A.T @ A`` (syrk), ``(n,d) @ (d,8)`` (small-k), batched square
  products (``batched``) and tall ``(n,d) @ (d,d)`` (``tall``), TFLOP/s;
* ``ops``: dependent elementwise ops on 1,000 elements, us/op (gpuarray ``lazy``: as written,
  its fusion applies; ``eager``: every op evaluated, one dispatch each);
* ``h2d``/``d2h``: host<->device copy of a 256 MiB array (GB/s);
* ``readback``: latency of ``float(x)`` on a 1-element device array (us);
* ``compile``: first evaluation of a new expression minus a cached one (ms).
"""
from __future__ import annotations

import math
import random as _pyrandom
import statistics
import time

import numpy as np

GiB = 1 << 30
MiB = 1 << 20

# micro sizes per --size (bandwidth sizes come from --micro-bytes)
GEMM_SIZES = {
    "small": {"f32": (128, 256), "f64": (128,), "syrk": (4096, 128), "smallk": (4096, 128), "ops": 1000,
              "batched": ((16, 32), (4, 96)), "tall": ((4096, 32),)},
    "default": {"f32": (4096, 8192), "f64": (4096,), "syrk": (200000, 1024), "smallk": (200000, 1024), "ops": 10000,
                # (batch, side) of batched square products; (rows, side) of (rows, side) @ (side, side)
                "batched": ((4096, 64), (512, 128), (64, 512)), "tall": ((1000000, 64), (200000, 256))},
}
GEMM_SIZES["sweep"] = GEMM_SIZES["default"]


# ----------------------------------------------------------------------------------- backends
class Backend:
    """One array library. ``xp`` is the namespace the workloads get; ``mode`` names how."""

    name = "?"
    mode = "namespace"
    device = False

    def sync(self):
        pass

    def done(self, x):
        return x

    def put(self, h):
        return self.xp.asarray(h)

    def get(self, x):
        return np.asarray(x)

    def free(self):
        pass


class NumpyBackend(Backend):
    name = "numpy"

    def __init__(self):
        self.xp = np
        self.version = np.__version__

    def put(self, h):
        return np.array(h)


class GpuarrayBackend(Backend):
    name = "gpuarray"
    device = True

    def __init__(self, mode="namespace"):
        import gpuarray

        self.ga = gpuarray
        self.mode = mode
        self.xp = gpuarray if mode == "namespace" else np  # dispatch: NumPy calls on GpuArrays
        self.version = gpuarray.__version__

    def sync(self):
        self.ga.sync()

    def done(self, x):
        if isinstance(x, self.ga.ndarray):
            x._leaf()  # evaluate a lazy expression now (recorded; sync() waits for it)
        # record queued reductions now too: otherwise the reductions of several calls between two
        # syncs share one kernel and read their input once, which is not the cost of one call
        dev = self.ga._device.runtime.device()
        if dev.pending_work is not None:
            dev.pending_work()
        return x

    def put(self, h):
        return self.ga.asarray(h)

    def get(self, x):
        return x.get()

    def inputs(self, wl, params, seed):
        return wl.inputs(self.ga, params, seed)

    def free(self):
        from gpuarray._device import runtime as _runtime

        self.ga.sync()
        _runtime.device().free_pool()


class _CupyWorkloadNamespace:
    """``cupy`` for the workloads: creation functions accept (and ignore) NumPy's ``like=``."""

    _LIKE = ("zeros", "ones", "empty", "full", "arange", "array", "asarray", "linspace", "eye", "identity")

    def __init__(self, cp):
        self._cp = cp

    def __getattr__(self, name):
        f = getattr(self._cp, name)
        if name in self._LIKE:
            def no_like(*args, like=None, **kw):
                return f(*args, **kw)
            return no_like
        return f


class CupyBackend(Backend):
    name = "cupy"
    device = True

    def __init__(self, mode="namespace"):
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("CuPy sees no CUDA device")
        self.cp = cupy
        self.mode = mode
        self.xp = _CupyWorkloadNamespace(cupy)
        self.version = cupy.__version__

    def sync(self):
        self.cp.cuda.runtime.deviceSynchronize()

    def put(self, h):
        return self.cp.asarray(h)

    def get(self, x):
        return self.cp.asnumpy(x)

    def inputs(self, wl, params, seed):
        return wl.inputs(self.xp, params, seed)

    def free(self):
        self.sync()
        self.cp.get_default_memory_pool().free_all_blocks()


class TorchBackend(Backend):
    """PyTorch on CUDA, TF32 off (full float32 matmuls, as NumPy computes them)."""

    name = "torch"
    device = True

    def __init__(self):
        import torch

        if not torch.cuda.is_available():
            raise RuntimeError("torch.cuda.is_available() is False")
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        self.torch = torch
        self.xp = torch
        self.version = torch.__version__

    def sync(self):
        self.torch.cuda.synchronize()

    def put(self, h):
        return self.torch.from_numpy(np.ascontiguousarray(h)).to("cuda")

    def get(self, x):
        return x.cpu().numpy()

    def free(self):
        self.sync()
        self.torch.cuda.empty_cache()


def load_backend(lib: str, mode: str = "namespace") -> Backend:
    """The backend for ``lib``; raises (ImportError, RuntimeError ...) when it cannot run here."""
    if lib == "numpy":
        return NumpyBackend()
    if lib == "gpuarray":
        b = GpuarrayBackend(mode)
        b.ga.adapter_info()  # fails here when there is no adapter
        return b
    if lib == "cupy":
        return CupyBackend(mode)
    if lib == "torch":
        return TorchBackend()
    raise ValueError(f"unknown library {lib!r}")


# ------------------------------------------------------------------------------------ timing
def time_calls(b: Backend, fn, repeats: int, inner: int = 1, warmup: int = 1):
    """(cold seconds, median warm seconds per call, all warm samples). ``fn`` returns its result,
    ``b.done`` + ``b.sync`` close every sample; ``inner`` calls share one sync."""
    t = time.perf_counter()
    r = b.done(fn())
    b.sync()
    cold = time.perf_counter() - t
    del r
    for _ in range(warmup):
        b.done(fn())
        b.sync()
    samples = []
    for _ in range(max(1, repeats)):
        t = time.perf_counter()
        for _ in range(inner):
            r = b.done(fn())
        b.sync()
        samples.append((time.perf_counter() - t) / inner)
        del r
    return cold, statistics.median(samples), samples


def _counters(b: Backend, fn):
    """gpuarray's counters around one call of ``fn`` (synchronized); None for other libraries."""
    if b.name != "gpuarray":
        fn()
        b.sync()
        return {}
    with b.ga.stats() as s:
        b.done(fn())
        b.sync()
    d = s.as_dict()
    d.pop("peak_bytes", None)
    return d


def _close(got, want, rtol):
    got = np.asarray(got, np.float64)
    want = np.asarray(want, np.float64)
    den = np.maximum(np.abs(want), 1e-30)
    rel = float(np.max(np.abs(got - want) / den)) if want.size else 0.0
    return bool(np.all(np.isfinite(got)) and rel <= rtol), rel


# ------------------------------------------------------------------------------- the benches
def _ns(b):
    """The library's own namespace (cupy itself, not the workload shim; gpuarray in any mode)."""
    return {"cupy": getattr(b, "cp", None), "gpuarray": getattr(b, "ga", None)}.get(b.name) or b.xp


def _linspace(b, n, dtype=np.float32):
    if b.name == "torch":
        return b.torch.linspace(0, 1, n, dtype=getattr(b.torch, np.dtype(dtype).name), device="cuda")
    return _ns(b).linspace(0, 1, n, dtype=dtype)


def bench_copy(b, n, repeats):
    x = _linspace(b, n)
    b.sync()
    cold, warm, _ = time_calls(b, lambda: x + 0, repeats, inner=10)
    cnt = _counters(b, lambda: x + 0)
    y = b.done(x + 0)
    s = max(1, n // 16)
    ok, rel = _close(b.get(y[::s]), b.get(x[::s]), 0.0)
    return dict(cold_s=cold, warm_s=warm, value=2 * 4 * n / warm / 1e9, unit="GB/s", ok=ok, max_rel_diff=rel, **cnt)


def bench_chain(b, n, repeats, fused=False):
    ns = _ns(b)
    a = _linspace(b, n)
    c = _linspace(b, n)
    b.sync()
    if fused:
        f = b.cp.fuse(lambda a, c: b.cp.exp(a) * 0.5 + c * c)
        fn = lambda: f(a, c)  # noqa: E731
    else:
        fn = lambda: ns.exp(a) * 0.5 + c * c  # noqa: E731
    cold, warm, _ = time_calls(b, fn, repeats, inner=10)
    cnt = _counters(b, fn)
    y = b.done(fn())
    s = max(1, n // 16)
    xs = b.get(a[::s]).astype(np.float64)
    ok, rel = _close(b.get(y[::s]), np.exp(xs) * 0.5 + xs * xs, 1e-5)
    return dict(cold_s=cold, warm_s=warm, value=3 * 4 * n / warm / 1e9, unit="GB/s", ok=ok, max_rel_diff=rel, **cnt)


def bench_exp64(b, n, repeats):
    """exp over float64 (n elements): effective GB/s (read + write), to compare with the copy."""
    ns = _ns(b)
    x = _linspace(b, n, np.float64) if b.name != "torch" else b.torch.linspace(0, 1, n, dtype=b.torch.float64, device="cuda")
    b.sync()
    fn = (lambda: b.torch.exp(x)) if b.name == "torch" else (lambda: ns.exp(x))  # noqa: E731
    cold, warm, _ = time_calls(b, fn, repeats, inner=10)
    cnt = _counters(b, fn)
    y = b.done(fn())
    s = max(1, n // 16)
    xs = b.get(x[::s]).astype(np.float64)
    ok, rel = _close(b.get(y[::s]), np.exp(xs), 1e-14)
    return dict(cold_s=cold, warm_s=warm, value=2 * 8 * n / warm / 1e9, unit="GB/s", ok=ok, max_rel_diff=rel, **cnt)


def bench_sum(b, n, repeats):
    x = _linspace(b, n)
    b.sync()
    fn = lambda: x.sum()  # noqa: E731
    cold, warm, _ = time_calls(b, fn, repeats, inner=10)
    cnt = _counters(b, fn)
    got = float(b.done(fn()))
    ok, rel = _close(got, n / 2, 1e-3)  # linspace(0, 1, n) sums to n/2
    return dict(cold_s=cold, warm_s=warm, value=4 * n / warm / 1e9, unit="GB/s", ok=ok, max_rel_diff=rel, **cnt)


def bench_matmul(b, shape_a, shape_b, dtype, repeats, transpose_a=False):
    """TFLOP/s of ``A @ B`` (or ``A.T @ A`` with ``transpose_a``), inputs uniform from one host seed;
    3-D operands are a batch, checked on its first and last matrices."""
    rng = np.random.default_rng(0)
    ha = rng.random(shape_a, dtype=np.float64).astype(dtype)
    hb = ha if transpose_a else rng.random(shape_b, dtype=np.float64).astype(dtype)
    A = b.put(ha)
    B = A if transpose_a else b.put(hb)
    b.sync()
    fn = (lambda: A.T @ A) if transpose_a else (lambda: A @ B)
    inner = 1 if b.name == "numpy" else 3
    cold, warm, _ = time_calls(b, fn, repeats, inner=inner)
    cnt = _counters(b, fn)
    C = b.done(fn())
    lhs = ha.T if transpose_a else ha
    rhs = ha if transpose_a else hb
    if lhs.ndim == 3:
        got = np.stack([b.get(C[i, :8, :8]) for i in (0, -1)])
        want = np.stack([lhs[i, :8].astype(np.float64) @ rhs[i, :, :8] for i in (0, -1)])
    else:
        got = b.get(C[:8, :8])
        want = lhs[:8].astype(np.float64) @ rhs[:, :8].astype(np.float64)
    ok, rel = _close(got, want, 1e-3 if np.dtype(dtype) == np.float32 else 1e-9)
    *batch, m, k = lhs.shape
    flops = 2.0 * math.prod(batch) * m * rhs.shape[-1] * k
    return dict(cold_s=cold, warm_s=warm, value=flops / warm / 1e12, unit="TFLOP/s", ok=ok, max_rel_diff=rel, **cnt)


def bench_ops(b, nops, repeats, eager):
    """us per dependent elementwise op on 1,000 f32 elements."""
    x = _linspace(b, 1000)
    b.sync()

    def chain():
        y = x
        for _ in range(nops):
            y = y * 0.9999
            if eager:
                b.done(y)
        return y

    cold, warm, _ = time_calls(b, chain, max(1, min(repeats, 3)), inner=1, warmup=0)
    cnt = _counters(b, chain)
    y = b.done(chain())
    ok, rel = _close(b.get(y[::100]), b.get(x[::100]).astype(np.float64) * 0.9999 ** nops, 1e-3)
    return dict(cold_s=cold, warm_s=warm, value=warm / nops * 1e6, unit="us/op", ok=ok, max_rel_diff=rel, **cnt)


def bench_h2d(b, nbytes, repeats):
    h = np.random.default_rng(0).random(nbytes // 4, dtype=np.float32)
    cold, warm, _ = time_calls(b, lambda: b.put(h), repeats, inner=1)
    cnt = _counters(b, lambda: b.put(h))
    x = b.done(b.put(h))
    ok = bool(np.array_equal(b.get(x[:: max(1, h.size // 64)]), h[:: max(1, h.size // 64)]))
    return dict(cold_s=cold, warm_s=warm, value=nbytes / warm / 1e9, unit="GB/s", ok=ok, max_rel_diff=0.0 if ok else None, **cnt)


def bench_d2h(b, nbytes, repeats):
    h = np.random.default_rng(0).random(nbytes // 4, dtype=np.float32)
    x = b.done(b.put(h))
    b.sync()
    cold, warm, _ = time_calls(b, lambda: b.get(x), repeats, inner=1)
    cnt = _counters(b, lambda: b.get(x))
    ok = bool(np.array_equal(b.get(x), h))
    return dict(cold_s=cold, warm_s=warm, value=nbytes / warm / 1e9, unit="GB/s", ok=ok, max_rel_diff=0.0 if ok else None, **cnt)


def bench_readback(b, repeats):
    x = b.done(b.put(np.array(1.5, np.float32)))
    b.sync()
    float(x)
    samples = []
    for _ in range(max(50, 20 * repeats)):
        t = time.perf_counter()
        v = float(x)
        samples.append(time.perf_counter() - t)
    warm = statistics.median(samples)
    cnt = _counters(b, lambda: float(x))
    return dict(cold_s=samples[0], warm_s=warm, value=warm * 1e6, unit="us", ok=v == 1.5, max_rel_diff=abs(v - 1.5) / 1.5, **cnt)


_UNARY = ("sin", "cos", "exp", "tanh", "sqrt", "abs", "log1p", "arctan")


def bench_compile(b, repeats):
    """ms to compile a new expression: its first evaluation minus a cached evaluation of it.
    The expression's structure is drawn from a clock seed (recorded), so no cache (ours, CuPy's
    or the driver's on-disk one) has seen it."""
    seed = time.time_ns() % (1 << 31)
    rng = _pyrandom.Random(seed)
    x = _linspace(b, 4096)
    b.sync()
    out = []
    compiled = []
    for trial in range(max(3, repeats)):
        names = [rng.choice(_UNARY) for _ in range(12)]
        if b.name == "cupy":
            body = "float v = x;\n" + "".join(
                f"v = {'fabsf' if n == 'abs' else n + 'f' if n != 'arctan' else 'atanf'}(v) * {1 + trial * 1e-3 + i * 1e-4:.6f}f + 0.25f;\n"
                for i, n in enumerate(names)) + f"y = v; // {seed}-{trial}"
            kern = b.cp.ElementwiseKernel("float32 x", "float32 y", body, f"bench_compile_{seed}_{trial}")
            fn = lambda: kern(x)  # noqa: E731
        else:
            ga = b.ga

            def fn(names=names):
                v = x
                for n in names:
                    v = getattr(ga, n)(ga.abs(v) if n in ("sqrt", "log1p") else v) * 1.001 + 0.25
                return v
        t = time.perf_counter()
        if b.name == "gpuarray":
            with b.ga.stats() as s:
                b.done(fn())
                b.sync()
            compiled.append(s.kernels_compiled)
        else:
            b.done(fn())
            b.sync()
        first = time.perf_counter() - t
        t = time.perf_counter()
        b.done(fn())
        b.sync()
        again = time.perf_counter() - t
        out.append(first - again)
    warm = statistics.median(out)
    r = dict(cold_s=None, warm_s=warm, value=warm * 1e3, unit="ms", ok=True, max_rel_diff=None, params_extra={"seed": seed})
    if compiled:
        r["kernels_compiled"] = compiled[0]
        r["ok"] = all(c >= 1 for c in compiled)
    return r


def plan(size: str, micro_bytes: int):
    """The microbenchmarks as (name, label, params, libs-or-None, call(b, repeats) -> dict).
    ``libs`` limits the libraries a bench means something for (None: all)."""
    gs = GEMM_SIZES.get(size, GEMM_SIZES["default"])
    items = []
    nbytes = int(micro_bytes)  # one size for every library (past the binding limit too)
    n = max(1024, nbytes // 4)

    def bw(name, fn, **kw):
        p = {"elements": n, "bytes_per_array": 4 * n, "dtype": "float32"}
        items.append((name, _fmt_bytes(4 * n), p, None, lambda b, r: fn(b, n, r, **kw)))

    bw("copy", bench_copy)
    bw("chain", bench_chain)
    items.append(("chain", _fmt_bytes(4 * n), {"elements": n, "bytes_per_array": 4 * n, "dtype": "float32", "fuse": True},
                  ("cupy",), lambda b, r: bench_chain(b, n, r, fused=True)))
    bw("sum", bench_sum)
    items.append(("exp64", _fmt_bytes(4 * n), {"elements": n // 2, "bytes_per_array": 4 * n, "dtype": "float64"}, None,
                  lambda b, r: bench_exp64(b, n // 2, r)))
    for s in gs["f32"]:
        items.append(("gemm", f"f32 {s}", {"m": s, "n": s, "k": s, "dtype": "float32"}, None,
                      lambda b, r, s=s: bench_matmul(b, (s, s), (s, s), np.float32, r)))
    for s in gs["f64"]:
        items.append(("gemm", f"f64 {s}", {"m": s, "n": s, "k": s, "dtype": "float64"}, None,
                      lambda b, r, s=s: bench_matmul(b, (s, s), (s, s), np.float64, r)))
    sn, sd = gs["syrk"]
    items.append(("syrk", f"({sn},{sd})", {"n": sn, "d": sd, "dtype": "float32"}, None,
                  lambda b, r: bench_matmul(b, (sn, sd), None, np.float32, r, transpose_a=True)))
    kn, kd = gs["smallk"]
    items.append(("smallk", f"({kn},{kd})@({kd},8)", {"n": kn, "d": kd, "k": 8, "dtype": "float32"}, None,
                  lambda b, r: bench_matmul(b, (kn, kd), (kd, 8), np.float32, r)))
    for bt, sd in gs["batched"]:
        items.append(("batched", f"{bt}x({sd},{sd})@({sd},{sd})", {"batch": bt, "m": sd, "n": sd, "k": sd, "dtype": "float32"},
                      None, lambda b, r, bt=bt, sd=sd: bench_matmul(b, (bt, sd, sd), (bt, sd, sd), np.float32, r)))
    for tn, sd in gs["tall"]:
        items.append(("tall", f"({tn},{sd})@({sd},{sd})", {"m": tn, "n": sd, "k": sd, "dtype": "float32"}, None,
                      lambda b, r, tn=tn, sd=sd: bench_matmul(b, (tn, sd), (sd, sd), np.float32, r)))
    nops = gs["ops"]
    items.append(("ops", f"{nops} ops", {"ops": nops, "elements": 1000, "eager": False}, None,
                  lambda b, r: bench_ops(b, nops, r, eager=False)))
    items.append(("ops", f"{nops} ops", {"ops": nops, "elements": 1000, "eager": True}, ("gpuarray",),
                  lambda b, r: bench_ops(b, nops, r, eager=True)))
    tb = min(256 * MiB, max(4096, nbytes) // 4 * 4)
    items.append(("h2d", _fmt_bytes(tb), {"bytes": tb}, ("gpuarray", "cupy", "torch"), lambda b, r: bench_h2d(b, tb, r)))
    items.append(("d2h", _fmt_bytes(tb), {"bytes": tb}, ("gpuarray", "cupy", "torch"), lambda b, r: bench_d2h(b, tb, r)))
    items.append(("readback", "1 x f32", {}, ("gpuarray", "cupy", "torch"), lambda b, r: bench_readback(b, r)))
    items.append(("compile", "12-op chain", {"ops": 12}, ("gpuarray", "cupy"), lambda b, r: bench_compile(b, r)))
    return items


def _fmt_bytes(n: int) -> str:
    for unit, f in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= f:
            v = n / f
            return f"{v:.3g} {unit}"
    return f"{n} B"


def micro_mode(b, params) -> str:
    if params.get("fuse"):
        return "fuse"
    if "eager" in params and b.name == "gpuarray":
        return "eager" if params["eager"] else "lazy"
    return b.mode
