"""FFT throughput: gpuarray against NumPy (pocketfft) and, where importable, CuPy (cuFFT) in one run.

    python bench/fft_bench.py                          # 1-D 2^10..2^24, 2-D 4096 x 4096; c2c and r2c; f32, f64
    python bench/fft_bench.py --max-log2 14 --batch-elems 1e6 --no-2d   # a quick check on a CPU adapter
    python bench/fft_bench.py --per-pass                # the same without the workgroup-memory kernel (A/B)

Each 1-D length n runs as a batch of rows filling about ``--batch-elems`` elements (at least one row),
so that small transforms fill the device. Reported per library: the median time of ``--repeats`` calls
after a warm-up (each call ends in a device synchronization), GFLOP/s by the usual 5 n log2(n) per
complex transform (2.5 n log2(n) per real one), and the error of the result relative to NumPy's float64
transform (norm of the difference over the norm of the reference).
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import gpuarray  # noqa: E402


def _libs():
    out = {"numpy": (np, lambda: None, np.asarray, lambda a: a)}
    out["gpuarray"] = (gpuarray, gpuarray.sync, gpuarray.asarray, lambda a: a.get())
    try:
        import cupy
        out["cupy"] = (cupy, cupy.cuda.runtime.deviceSynchronize, cupy.asarray, cupy.asnumpy)
    except Exception:  # no CuPy or no CUDA device: not measured
        pass
    return out


def _time(fn, sync, repeats):
    fn()
    sync()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def _case(libs, shape, kind, dtype, repeats, axes):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    if kind == "c2c":
        x = (x + 1j * rng.standard_normal(shape)).astype(np.result_type(dtype, np.complex64))
    n = math.prod(shape[a] for a in axes)
    rows = math.prod(shape) // n
    flops = (5.0 if kind == "c2c" else 2.5) * n * math.log2(max(n, 2)) * rows
    name = "fftn" if kind == "c2c" else "rfftn"
    ref = getattr(np.fft, name)(x.astype(np.complex128 if kind == "c2c" else np.float64), axes=axes)
    line = f"{kind} {np.dtype(dtype).name:8s} {'x'.join(map(str, shape)):>14s} axes={axes}"
    for lib, (xp, sync, put, get) in libs.items():
        if lib == "numpy" and flops > 2e11:
            line += f" | {lib}: skipped"
            continue
        d = put(x)
        sync()
        fn = (lambda: getattr(xp.fft, name)(d, axes=axes))
        try:
            t = _time(fn, sync, repeats if lib != "numpy" else 1)
            err = np.linalg.norm(get(fn()) - ref) / np.linalg.norm(ref)
            line += f" | {lib}: {t * 1e3:9.3f} ms {flops / t / 1e9:8.1f} GF/s err {err:.1e}"
        except Exception as e:  # a size beyond a library's limits: recorded, not fatal
            line += f" | {lib}: {type(e).__name__}: {str(e)[:60]}"
    print(line, flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-log2", type=int, default=10)
    ap.add_argument("--max-log2", type=int, default=24)
    ap.add_argument("--batch-elems", type=float, default=2 ** 24)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-2d", action="store_true")
    ap.add_argument("--no-f64", action="store_true")
    ap.add_argument("--per-pass", action="store_true",
                    help="gpuarray without its workgroup-memory kernel (one dispatch per radix pass): for A/B runs")
    args = ap.parse_args(argv)
    if args.per_pass:
        from gpuarray._kernels import fft as _kfft
        _kfft.WORKGROUP_KERNEL = False
    libs = _libs()
    print(f"adapter: {gpuarray.adapter_info()['name']}; libraries: {', '.join(libs)}")
    dtypes = [np.float32] + ([] if args.no_f64 else [np.float64])
    for kind in ("c2c", "r2c"):
        for dtype in dtypes:
            for k in range(args.min_log2, args.max_log2 + 1):
                n = 1 << k
                rows = max(1, int(args.batch_elems) // n)
                _case(libs, (rows, n), kind, dtype, args.repeats, (1,))
            if not args.no_2d:
                _case(libs, (4096, 4096), kind, dtype, args.repeats, (0, 1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
