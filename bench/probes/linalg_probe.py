"""Factorizations: gpuarray against NumPy (host LAPACK) and CuPy (cuSOLVER) in one process, float32
and float64: cholesky, qr, solve, det, eigh (batches of small matrices: --batch), eigh_n (one n x n
matrix: tridiagonalisation + QL), svd (one n x n matrix, reduced: QR + one-sided Jacobi), eigvals
and eig (one general n x n matrix: balancing, Hessenberg, Francis double-shift QR; eig adds the
Schur vectors and back-substitution; CuPy's cupy.linalg.eig/eigvals where its version has them
(cuSOLVER's Xgeev, CUDA >= 12.6), else its columns are empty), each checked against NumPy's
result (backward error; eigvals: the largest distance of the best matching of the two multisets
over ||A||_2) before it is timed; eigvals_b and eig_b: the same on a batch of small matrices
(--batch; the error of the first one).
Usage: python bench/probes/linalg_probe.py [--sizes 1024,4096] [--batch 10000x8] [--repeats 3]
       [--ops cholesky,qr,solve,det,eigh,eigh_n,svd,eigvals,eig,eigvals_b,eig_b] [--dtypes float32,float64,complex64,complex128] [out.json]
Times are medians of the repeats after one warm-up call, each call ending in a device sync."""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.getcwd())
import gpuarray as ga  # noqa: E402

try:
    import cupy as cp
except Exception:  # no CuPy (or no CUDA device): its columns are empty
    cp = None


def _finish(lib, res):
    """Results computed, not only recorded: gpuarray's elementwise tails (tril of the factor, the
    sign of det) are lazy until read, so one element of each result is read."""
    if lib is ga:
        for r in res if isinstance(res, tuple) else (res,):
            if r.size:
                r[(0,) * r.ndim].get()
    return res


def _sync(lib):
    if lib is ga:
        ga.sync()
    elif lib is cp:
        cp.cuda.runtime.deviceSynchronize()


def _time(lib, fn, repeats):
    fn()
    _sync(lib)
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        _sync(lib)
        ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]


def _normal(rng, shape, dtype):
    a = rng.standard_normal(shape)
    return a + 1j * rng.standard_normal(shape) if dtype.kind == "c" else a


def _inputs(op, n, dtype, rng, batch):
    if op in ("eigvals_b", "eig_b"):
        return [_normal(rng, (batch, n, n), dtype).astype(dtype)]
    if op in ("eigh", "eigh_n"):
        a = _normal(rng, (batch, n, n) if op == "eigh" else (n, n), dtype)
        return [(a + np.swapaxes(a, -1, -2).conj()).astype(dtype)]
    a = _normal(rng, (n, n), dtype)
    if op == "cholesky":
        return [(a @ a.T.conj() / n + np.eye(n)).astype(dtype)]
    if op == "solve":
        return [a.astype(dtype), _normal(rng, (n, 16), dtype).astype(dtype)]
    if op == "det":  # scaled so that |det| stays within float32's range
        return [(a / np.sqrt(n)).astype(dtype)]
    return [a.astype(dtype)]


def _call(lib, op):
    la = lib.linalg
    if op == "svd":
        return lambda a: la.svd(a, full_matrices=False)
    op = op[:-2] if op.endswith("_b") else op
    if op in ("eig", "eigvals") and not hasattr(la, op):  # CuPy before its Xgeev wrappers
        return None
    return {"cholesky": la.cholesky, "qr": la.qr, "solve": la.solve, "det": la.det, "eigh": la.eigh,
            "eigh_n": la.eigh, "eig": getattr(la, "eig", None), "eigvals": getattr(la, "eigvals", None)}[op]


def _backward_error(op, args, res):
    if op.endswith("_b"):  # a batch: the first matrix
        first = tuple(r[0] for r in res) if isinstance(res, tuple) else res[0]
        return _backward_error(op[:-2], [args[0][0]], first)
    a = args[0].astype(np.complex128 if np.iscomplexobj(args[0]) else np.float64)
    if op == "cholesky":
        return np.linalg.norm(a - res @ res.T.conj()) / np.linalg.norm(a)
    if op == "qr":
        q, r = res
        return np.linalg.norm(a - q @ r) / np.linalg.norm(a)
    if op == "solve":
        return np.linalg.norm(a @ res - args[1]) / (np.linalg.norm(a) * np.linalg.norm(res))
    if op == "det":
        return abs(res - np.linalg.det(a)) / max(abs(np.linalg.det(a)), np.finfo(np.float64).tiny)
    if op == "svd":
        u, sv, vh = res
        return np.linalg.norm(a - (u * sv) @ vh) / np.linalg.norm(a)
    if op == "eigvals":  # the multisets matched greedily, nearest first (eigenvalue order is LAPACK's)
        ref = list(np.linalg.eigvals(a))
        worst = 0.0
        for w in sorted(np.ravel(res), key=lambda x: (x.real, x.imag)):
            k = int(np.argmin(np.abs(np.asarray(ref) - w)))
            worst = max(worst, abs(ref.pop(k) - w))
        return worst / np.linalg.norm(a, 2)
    w, v = res
    if op == "eig":
        return np.linalg.norm(a @ v - v * w, axis=0).max() / np.linalg.norm(a, 2)
    return np.linalg.norm(a @ v - v * w[..., None, :]) / np.linalg.norm(a)


def _host(x):
    if isinstance(x, tuple):
        return tuple(_host(y) for y in x)
    if isinstance(x, ga.GpuArray):
        x = x.get()
    elif cp is not None and isinstance(x, cp.ndarray):
        x = cp.asnumpy(x)
    x = np.asarray(x)
    return x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1024,4096")
    ap.add_argument("--batch", default="10000x8")
    ap.add_argument("--ops", default="cholesky,qr,solve,det,eigh,eigh_n,svd")
    ap.add_argument("--dtypes", default="float32,float64")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("out", nargs="?")
    a = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    batch, bn = (int(x) for x in a.batch.split("x"))
    rows = []
    for op in a.ops.split(","):
        small = op in ("eigh", "eigvals_b", "eig_b")
        sizes = [bn] if small else [int(s) for s in a.sizes.split(",")]
        for dtype in a.dtypes.split(","):
            for n in sizes:
                args = _inputs(op, n, np.dtype(dtype), rng, batch)
                row = {"op": op, "dtype": dtype, "n": n, "batch": batch if small else 1}
                for name, lib in (("numpy", np), ("gpuarray", ga), ("cupy", cp)):
                    if lib is None:
                        continue
                    dev = [lib.asarray(x) for x in args] if lib is not np else args
                    fn = _call(lib, op)
                    if fn is None:
                        continue
                    with ga.stats() as s:
                        res = fn(*dev)
                        err = _backward_error(op, args, _host(tuple(res) if isinstance(res, tuple) else res))
                    row[name + "_s"] = _time(lib, lambda: _finish(lib, fn(*dev)), a.repeats)
                    row[name + "_err"] = float(err)
                    if lib is ga:
                        row["fallbacks"] = dict(s.fallbacks)
                rows.append(row)
                print(json.dumps(row), flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"device": ga.adapter_info(), "rows": rows}, f, indent=1, default=str)


if __name__ == "__main__":
    main()
