"""Lazy products and fused epilogues: an elementwise expression over a matmul result is applied
by the product's own kernel when it stores each element (no second kernel, no product in memory);
a product still held elsewhere is computed once; diagonals of pending products are one reduction."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import HAS64

FLOATS = [d for d in (np.float32, np.float64) if HAS64 or d == np.float32]
TOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12, np.dtype(np.complex64): 1e-5,
       np.dtype(np.complex128): 1e-12}


def ev(x):
    """Evaluate a lazy result now (so that dispatch counts include it)."""
    x._leaf()
    return x


def rel_fro(got, ref) -> float:
    g = np.asarray(got.get() if isinstance(got, ga.GpuArray) else got).astype(np.complex128)
    r = np.asarray(ref).astype(np.complex128)
    ok = np.isfinite(r)
    assert np.array_equal(np.isnan(g), np.isnan(r)) and np.array_equal(g[np.isinf(r)], r[np.isinf(r)])
    den = np.linalg.norm(r[ok])
    return float(np.linalg.norm(g[ok] - r[ok]) / (den if den else 1.0))


def check(got, want, ref=None, tol=None):
    """dtype and shape as NumPy's ``want``; values against ``ref`` (a float64 reference) if given,
    relative Frobenius error below ``tol`` (default: by ``want``'s dtype)."""
    want = np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    if want.dtype.kind in "fc":
        assert rel_fro(got, want if ref is None else ref) < (tol or TOL.get(want.dtype, 1e-3))
    else:
        np.testing.assert_array_equal(got.get(), want)


def dispatches(fn) -> int:
    with ga.stats() as s:
        ev(fn())
    return s.dispatches


WIDE = np.float64 if HAS64 else np.float32


def epilogues(dtype, n):
    """(name, device function of the product and a bias array, host function) per epilogue form."""
    s = dtype(1.0 / (n - 1)) if n > 1 else dtype(1.0)
    return [
        ("scale", lambda p, b: p / (n - 1) if n > 1 else p * 1.0, lambda p, b: p / (n - 1) if n > 1 else p * 1.0),
        ("scale_left", lambda p, b: 2.0 * p, lambda p, b: 2.0 * p),
        ("typed_scalar", lambda p, b: p * s, lambda p, b: p * s),
        ("bias", lambda p, b: p + b, lambda p, b: p + b),
        ("clip", lambda p, b: ga.clip(p, 0, 1), lambda p, b: np.clip(p, 0, 1)),
        ("relu", lambda p, b: ga.maximum(p, 0), lambda p, b: np.maximum(p, 0)),
        ("square", lambda p, b: p ** 2, lambda p, b: p ** 2),
        ("cube", lambda p, b: p ** 3, lambda p, b: p ** 3),
        ("cast", lambda p, b: p.astype(WIDE), lambda p, b: p.astype(WIDE)),
        ("compare", lambda p, b: p > b, lambda p, b: p > b),
        ("chain", lambda p, b: ga.tanh(p * 0.5 + b) - 1, lambda p, b: np.tanh(p * 0.5 + b) - 1),
    ]


# Every form is a kernel of its own to compile, and the register-tiled kernel takes seconds to compile
# on a CPU device: products on it (and float64 ones) run a subset, the narrow and split-K kernels all.
F64_FORMS = ("scale", "bias", "clip", "cast", "chain")
TILED_FORMS = ("scale", "bias", "relu", "cast", "chain")
TILED_F64_FORMS = ("scale", "bias")


def run_forms(a, b, bias, fa=lambda x: x, fb=lambda x: x, forms=None):
    """Epilogue forms on ``fa(A) @ fb(B)`` (all, or the names in ``forms``): values and dtypes as
    NumPy, and exactly the dispatches of the product alone."""
    A, B, Bias = fa(ga.asarray(a)), fb(ga.asarray(b)), ga.asarray(bias)
    ha, hb = fa(a), fb(b)
    wide = np.float64 if a.dtype.kind == "f" else a.dtype
    p_host = ha @ hb
    p_ref = ha.astype(wide) @ hb.astype(wide)
    base = dispatches(lambda: A @ B)
    for name, dev, host in epilogues(a.dtype.type, a.shape[0]):
        wanted = forms if forms is not None else (F64_FORMS if a.dtype == np.float64 else None)
        if wanted is not None and name not in wanted:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = host(p_host, bias)
            ref = host(p_ref, bias.astype(wide)) if want.dtype.kind == "f" else None
        with ga.stats() as s:
            got = ev(dev(A @ B, Bias))
        assert s.dispatches == base, (name, s.dispatches, base)
        if name == "compare":  # values at the threshold may round either way
            assert got.dtype == want.dtype and got.shape == want.shape
            assert np.mean(got.get() != want) < 0.01
            continue
        check(got, want, ref, TOL.get(np.result_type(a, b), 1e-5))


# ----------------------------------------------------------------------- epilogue forms
def tiled(dtype):
    return TILED_FORMS if dtype == np.float32 else TILED_F64_FORMS


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mkn", [(1, 1, 1), (3, 5, 7), (131, 3, 13), (300, 200, 8), (7, 127, 129)])
def test_epilogue_forms_awkward_shapes_narrow(dtype, mkn, rng):
    m, k, n = mkn
    a = rng.uniform(-1, 1, (m, k)).astype(dtype)
    b = rng.uniform(-1, 1, (k, n)).astype(dtype)
    run_forms(a, b, rng.uniform(-1, 1, n).astype(dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mkn", [(17, 31, 20), (127, 129, 131), (129, 127, 17), (37, 41, 300), (16, 1, 16)])
def test_epilogue_forms_awkward_shapes_tiled(dtype, mkn, rng):
    m, k, n = mkn
    a = rng.uniform(-1, 1, (m, k)).astype(dtype)
    b = rng.uniform(-1, 1, (k, n)).astype(dtype)
    run_forms(a, b, rng.uniform(-1, 1, n).astype(dtype), forms=tiled(dtype))


@pytest.mark.parametrize("dtype", FLOATS)
def test_epilogue_transposed_and_strided_operands(dtype, rng):
    a = rng.uniform(-1, 1, (161, 300)).astype(dtype)
    b = rng.uniform(-1, 1, (300, 143)).astype(dtype)
    bias = rng.uniform(-1, 1, 143).astype(dtype)
    run_forms(np.ascontiguousarray(a.T), np.ascontiguousarray(b.T), bias, fa=lambda x: x.T, fb=lambda x: x.T,
              forms=("scale", "bias"))
    bias = rng.uniform(-1, 1, 51).astype(dtype)
    run_forms(a, b, bias, fa=lambda x: x[1::2, ::-1], fb=lambda x: x[::-1, 3::2][:, :51], forms=("scale", "bias"))
    bias = rng.uniform(-1, 1, 5).astype(dtype)
    run_forms(a, b, bias, fa=lambda x: x[::-2, 1::3], fb=lambda x: x[1::3][::-1, 7:12], forms=("scale", "bias"))


def test_epilogue_bias_along_rows_columns_and_full(rng):
    a = rng.uniform(-1, 1, (67, 71)).astype(np.float32)
    b = rng.uniform(-1, 1, (71, 13)).astype(np.float32)
    col, row, full = (rng.uniform(-1, 1, s).astype(np.float32) for s in ((67, 1), (13,), (67, 13)))
    A, B = ga.asarray(a), ga.asarray(b)
    ref = a.astype(np.float64) @ b
    base = dispatches(lambda: A @ B)
    for extra in (col, row, full, col * row):
        X = ga.asarray(extra)
        with ga.stats() as s:
            got = ev(A @ B + X)
        assert s.dispatches == base
        check(got, a @ b + extra, ref + extra)
    F = ga.asarray(full)  # another leaf of the product's shape, and two of them
    check(ev((A @ B) * F - F), (a @ b) * full - full, ref * full - full)
    check(ev(ga.where(F > 0, A @ B, -1.0)), np.where(full > 0, a @ b, np.float32(-1)),
          np.where(full > 0, ref, -1.0))


def test_epilogue_batched_broadcast_products(rng):
    dtype = np.float32
    a = rng.uniform(-1, 1, (3, 17, 33)).astype(dtype)
    b = rng.uniform(-1, 1, (33, 20)).astype(dtype)  # the batch joins M: one larger product
    run_forms(a, b, rng.uniform(-1, 1, 20).astype(dtype), forms=("bias",))
    a = rng.uniform(-1, 1, (3, 17, 33)).astype(dtype)
    b = rng.uniform(-1, 1, (3, 33, 20)).astype(dtype)  # a batch of products
    run_forms(a, b, rng.uniform(-1, 1, (3, 1, 20)).astype(dtype), forms=("bias",))
    a = rng.uniform(-1, 1, (2, 1, 5, 7)).astype(dtype)
    b = rng.uniform(-1, 1, (3, 7, 4)).astype(dtype)
    run_forms(a, b, rng.uniform(-1, 1, (3, 1, 4)).astype(dtype), forms=("bias", "clip"))
    a = rng.uniform(-1, 1, (4, 40, 64)).astype(dtype)
    b = rng.uniform(-1, 1, (4, 64, 3)).astype(dtype)  # narrow kernel, batched
    run_forms(a, b, rng.uniform(-1, 1, 3).astype(dtype), forms=("bias", "clip"))
    if HAS64:
        run_forms(a.astype(np.float64), b.astype(np.float64), rng.uniform(-1, 1, (4, 1, 3)), forms=("bias",))


@pytest.mark.parametrize("dtype", FLOATS)
def test_epilogue_split_k(dtype, rng):
    a = rng.uniform(-1, 1, (64, 8192)).astype(dtype)
    b = rng.uniform(-1, 1, (8192, 48)).astype(dtype)
    A, B = ga.asarray(a), ga.asarray(b)
    assert dispatches(lambda: A @ B) == 2  # partial products, then their sum (which applies the epilogue)
    run_forms(a, b, rng.uniform(-1, 1, 48).astype(dtype))
    x = rng.uniform(-1, 1, (8192, 24)).astype(dtype)  # narrow kernel with split-K
    g = rng.uniform(-1, 1, (8192, 8)).astype(dtype)
    X, G = ga.asarray(x), ga.asarray(g)
    assert dispatches(lambda: X.T @ G) == 2
    bias = rng.uniform(-1, 1, 8).astype(dtype)
    with ga.stats() as s:
        got = ev(ga.maximum(X.T @ G + ga.asarray(bias), 0))
    assert s.dispatches == 2
    ref = np.maximum(x.T.astype(np.float64) @ g + bias, 0)
    check(got, np.maximum(x.T @ g + bias, 0), ref)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 3, 7, 16])
def test_epilogue_narrow_every_thin_width(dtype, n, rng):
    g = rng.uniform(-1, 1, (301, 517)).astype(dtype)
    q = rng.uniform(-1, 1, (517, n)).astype(dtype)
    run_forms(g, q, rng.uniform(-1, 1, n).astype(dtype))
    run_forms(np.ascontiguousarray(q.T), np.ascontiguousarray(g.T), rng.uniform(-1, 1, 301).astype(dtype))


def test_epilogue_skinny_kernel(rng, monkeypatch):
    from gpuarray._kernels import matmul as _linalg

    monkeypatch.setattr(_linalg, "NARROW", False)  # the skinny register tile and its split-K
    x = rng.uniform(-1, 1, (3000, 200)).astype(np.float32)
    q = rng.uniform(-1, 1, (200, 5)).astype(np.float32)
    g = rng.uniform(-1, 1, (3000, 7)).astype(np.float32)
    run_forms(x, q, rng.uniform(-1, 1, 5).astype(np.float32), forms=("bias",))
    run_forms(np.ascontiguousarray(q.T), np.ascontiguousarray(x.T), rng.uniform(-1, 1, 3000).astype(np.float32),
              forms=("bias",))  # thin on the left: computed as the transpose
    run_forms(np.ascontiguousarray(x.T), g, rng.uniform(-1, 1, 7).astype(np.float32), forms=("bias", "relu"))


def test_epilogue_tiled_kernel(rng, monkeypatch):
    from gpuarray._kernels import matmul as _linalg

    monkeypatch.setattr(_linalg, "FAST", False)
    a = rng.uniform(-1, 1, (67, 71)).astype(np.float32)
    b = rng.uniform(-1, 1, (71, 73)).astype(np.float32)
    run_forms(a, b, rng.uniform(-1, 1, 73).astype(np.float32), forms=("scale", "bias", "relu"))


@pytest.mark.parametrize("dtype", [np.int32, np.int8, np.uint16] + ([np.int64] if HAS64 else []))
def test_epilogue_integer_products(dtype, rng):
    a = rng.integers(-9, 9, (33, 40)).astype(dtype)
    b = rng.integers(-9, 9, (40, 21)).astype(dtype)
    bias = rng.integers(-9, 9, 21).astype(dtype)
    A, B, Bias = ga.asarray(a), ga.asarray(b), ga.asarray(bias)
    base = dispatches(lambda: A @ B)
    forms = [
        (lambda p: p * 3 + Bias, lambda p: p * 3 + bias),
        (lambda p: ga.maximum(p, 0), lambda p: np.maximum(p, 0)),
        (lambda p: p ** 2, lambda p: p ** 2),
        (lambda p: p.astype(np.float32) / 7, lambda p: p.astype(np.float32) / 7),
        (lambda p: p // 5, lambda p: p // 5),
        (lambda p: p == 0, lambda p: p == 0),
    ]
    if HAS64:
        forms.append((lambda p: p / 2, lambda p: p / 2))
    for dev, host in forms:
        with ga.stats() as s:
            got = ev(dev(A @ B))
        assert s.dispatches == base
        want = host(a @ b)
        check(got, want, host((a @ b).astype(np.float64)) if want.dtype.kind == "f" else None)


def test_epilogue_complex_bool_and_float16(rng):
    a = (rng.standard_normal((7, 9)) + 1j * rng.standard_normal((7, 9))).astype(np.complex64)
    b = (rng.standard_normal((9, 5)) + 1j * rng.standard_normal((9, 5))).astype(np.complex64)
    A, B = ga.asarray(a), ga.asarray(b)
    wa, wb = a.astype(np.complex128), b.astype(np.complex128)
    check(ev((A @ B) * 2j + 1), (a @ b) * 2j + 1, (wa @ wb) * 2j + 1)
    check(ev(ga.conj(A @ B)), np.conj(a @ b), np.conj(wa @ wb))
    x, y = rng.random((7, 40)) < 0.1, rng.random((40, 9)) < 0.1
    check(ev(~(ga.asarray(x) @ ga.asarray(y))), ~(x @ y))
    h, k = rng.uniform(-1, 1, (20, 30)).astype(np.float16), rng.uniform(-1, 1, (30, 18)).astype(np.float16)
    got = ev((ga.asarray(h) @ ga.asarray(k)) * 2)
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.get(), (h @ k) * 2, rtol=2e-3, atol=2e-3)


def test_epilogue_nan_and_inf_propagate():
    a = np.array([[np.nan, 1.0], [np.inf, 0.0], [1.0, 2.0], [-np.inf, 1.0]], np.float32)
    b = np.array([[1.0, 0.0], [2.0, 3.0]], np.float32)
    A, B = ga.asarray(a), ga.asarray(b)
    with np.errstate(invalid="ignore"):
        p = a @ b
        for dev, host in [(lambda q: q * 2 + 1, lambda q: q * 2 + 1),
                          (lambda q: ga.maximum(q, 0), lambda q: np.maximum(q, 0)),
                          (lambda q: ga.clip(q, -1, 1), lambda q: np.clip(q, -1, 1)),
                          (lambda q: ga.isnan(q), lambda q: np.isnan(q)),
                          (lambda q: q ** 2, lambda q: q ** 2)]:
            got, want = dev(A @ B).get(), host(p)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)


def test_epilogue_scalars_are_parameters(rng):
    a = rng.uniform(-1, 1, (40, 50)).astype(np.float32)
    b = rng.uniform(-1, 1, (50, 12)).astype(np.float32)
    A, B = ga.asarray(a), ga.asarray(b)
    ev((A @ B) * 0.5 + 1.0)  # warm
    with ga.stats() as s:
        for c in (0.25, 3.0, -2.0):
            check(ev((A @ B) * c + (c + 1)), (a @ b) * c + (c + 1), (a.astype(np.float64) @ b) * c + (c + 1))
    assert s.kernels_compiled == 0


# ------------------------------------------------------------------------- SYRK
@pytest.mark.parametrize("n,split", [(3000, True), (300, False)])
def test_symmetric_product_with_epilogue_stays_symmetric_kernel(n, split, rng, monkeypatch):
    x = rng.random((n, 150)).astype(np.float32)
    X = ga.asarray(x)
    dev = ga._device.runtime.device()
    seen = []
    real = dev.dispatch

    def spy(kernel, storages, params, groups):
        seen.append((kernel.name.replace("_epi", ""), groups))  # the same kernel family, with its epilogue
        return real(kernel, storages, params, groups)

    monkeypatch.setattr(dev, "dispatch", spy)
    ev(X.T @ X)
    plain = list(seen)
    seen.clear()
    g = ev((X.T @ X) / (n - 1))
    assert seen == plain and len(plain) == (2 if split else 1)  # the same (triangular) workgroup counts
    got = g.get()
    assert np.array_equal(got, got.T)
    ref = x.T.astype(np.float64) @ x
    check(g, (x.T @ x) / np.float32(n - 1), ref / (n - 1))
    # a non-symmetric epilogue: evaluated at each stored element's own coordinates
    bias = rng.random(150).astype(np.float32)
    seen.clear()
    got = ev(X.T @ X + ga.asarray(bias)[:, None])
    assert seen == plain
    check(got, x.T @ x + bias[:, None], ref + bias[:, None])


# ------------------------------------------------------------------- the other spellings
def test_epilogue_through_dot_tensordot_inner_and_numpy(rng):
    a = rng.uniform(-1, 1, (3, 4, 5)).astype(np.float32)
    b = rng.uniform(-1, 1, (5, 6, 2)).astype(np.float32)
    A, B = ga.asarray(a), ga.asarray(b)
    wa, wb = a.astype(np.float64), b.astype(np.float64)
    bias = rng.uniform(-1, 1, 2).astype(np.float32)
    base = dispatches(lambda: ga.tensordot(A, B, axes=1))
    with ga.stats() as s:
        got = ev(ga.tensordot(A, B, axes=1) * 2 + ga.asarray(bias))
    assert s.dispatches == base == 1
    check(got, np.tensordot(a, b, axes=1) * 2 + bias, np.tensordot(wa, wb, axes=1) * 2 + bias)
    b2 = rng.uniform(-1, 1, (6, 5, 2)).astype(np.float32)
    check(ev(ga.dot(A, ga.asarray(b2)) - 1), np.dot(a, b2) - 1, np.dot(wa, b2.astype(np.float64)) - 1)
    c = rng.uniform(-1, 1, (6, 5)).astype(np.float32)
    check(ev(ga.inner(A, ga.asarray(c)) / 3), np.inner(a, c) / 3, np.inner(wa, c) / 3)
    m, n = rng.uniform(-1, 1, (9, 5)).astype(np.float32), rng.uniform(-1, 1, (5, 7)).astype(np.float32)
    M, N = ga.asarray(m), ga.asarray(n)
    with ga.stats() as s:
        got = ev(np.maximum(np.matmul(M, N), 0) / 3)
    assert isinstance(got, ga.GpuArray) and s.dispatches == 1
    check(got, np.maximum(m @ n, 0) / 3, np.maximum(m.astype(np.float64) @ n, 0) / 3)
    check(ev(np.dot(M, N) + 1), np.dot(m, n) + 1, m.astype(np.float64) @ n + 1)
    v, w = rng.uniform(-1, 1, 5).astype(np.float32), rng.uniform(-1, 1, 5).astype(np.float32)
    check(ev(ga.vdot(ga.asarray(v), ga.asarray(w)) * 2), np.vdot(v, w) * 2, np.vdot(v.astype(np.float64), w) * 2)
    check(ev(ga.vecdot(M, M) + 1), np.vecdot(m, m) + 1, np.vecdot(m.astype(np.float64), m) + 1)
    check(ev((ga.asarray(v) @ N) * 2), (v @ n) * 2, (v.astype(np.float64) @ n) * 2)  # 1-D operands
    check(ev((M @ ga.asarray(w[:5])) * 2), (m @ w) * 2, (m.astype(np.float64) @ w) * 2)


def test_shape_and_dtype_errors_at_the_call():
    with pytest.raises(ValueError, match="mismatch in its core dimension 0"):
        ga.ones((3, 4)) @ ga.ones((3, 5))
    with pytest.raises(ValueError, match="not aligned"):
        ga.dot(ga.ones((3, 4)), ga.ones((3, 5)))
    with pytest.raises(ValueError, match="shape-mismatch for sum"):
        ga.tensordot(ga.ones((3, 4)), ga.ones((3, 5)), axes=([1], [0]))
    p = ga.ones((3, 4)) @ ga.ones((4, 5))
    with pytest.raises(ValueError, match="could not be broadcast"):
        p + ga.ones((4, 3))


# --------------------------------------------------------------- liveness and aliasing
def test_a_kept_product_is_computed_once(rng):
    a = rng.uniform(-1, 1, (50, 60)).astype(np.float32)
    b = rng.uniform(-1, 1, (60, 70)).astype(np.float32)
    A, B = ga.asarray(a), ga.asarray(b)
    ref = a.astype(np.float64) @ b
    gemm = dispatches(lambda: A @ B)
    with ga.stats() as s:
        C = A @ B
        D = C * 2
        E = C + 1
        ev(D)
        ev(E)
    assert s.dispatches == gemm + 2 and not C.is_lazy
    check(D, (a @ b) * 2, ref * 2)
    check(E, a @ b + 1, ref + 1)
    check(C, a @ b, ref)
    # the product's array dropped: the pending expressions built on it still share one product
    with ga.stats() as s:
        C = A @ B
        D, E = C * 2, C - 1
        del C
        ev(D)
        ev(E)
    assert s.dispatches == gemm + 2
    check(E, a @ b - 1, ref - 1)
    # an expression built on another pending expression holding the product
    with ga.stats() as s:
        D = (A @ B) * 2
        E = D + 1
        ev(D)
        ev(E)
    assert s.dispatches == gemm + 2  # E holds the product too: computed once, both read it
    check(E, (a @ b) * 2 + 1, ref * 2 + 1)
    # reductions, views and host reads of a kept product reuse it
    with ga.stats() as s:
        C = A @ B
        t = ga.sum(C)
        v = C[3:7, ::2].get()
        h = C.get()
        ev(t)
    assert s.dispatches <= gemm + 2  # the product, the reduction (maybe two passes), no second product
    np.testing.assert_allclose(t.get(), ref.sum(), rtol=1e-4)
    np.testing.assert_allclose(v, ref[3:7, ::2], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h, ref, rtol=1e-4, atol=1e-5)


def test_writes_into_operands_after_the_product(rng):
    a = rng.uniform(-1, 1, (20, 30)).astype(np.float32)
    b = rng.uniform(-1, 1, (30, 10)).astype(np.float32)
    ref = a.astype(np.float64) @ b
    A, B = ga.asarray(a), ga.asarray(b)
    C = A @ B
    D = (A @ B) * 3
    E = ga.maximum(A @ B, 0) + B[:20, :]
    A += 1
    B[...] = 0
    check(C, a @ b, ref)
    check(D, (a @ b) * 3, ref * 3)
    check(E, np.maximum(a @ b, 0) + b[:20, :], np.maximum(ref, 0) + b[:20, :])
    # the operand overwritten by the product itself, and in-place products
    A, B = ga.asarray(a[:10, :10].copy()), ga.asarray(b[:10].copy())
    X = ga.asarray(a[:10, :10].copy())
    X[...] = X @ B
    check(X, a[:10, :10] @ b[:10], a[:10, :10].astype(np.float64) @ b[:10])
    X = ga.asarray(a[:10, :10].copy())
    X[...] = (X @ B) * 2 + X
    w = a[:10, :10].astype(np.float64)
    check(X, (a[:10, :10] @ b[:10]) * 2 + a[:10, :10], (w @ b[:10]) * 2 + w)
    X = ga.asarray(a[:10, :10].copy())
    X @= A
    check(X, a[:10, :10] @ a[:10, :10], w @ w)
    Y = ga.zeros((10, 10), dtype=np.float32)
    Y += A @ B
    Y += (A @ B) * 2
    check(Y, (a[:10, :10] @ b[:10]) * 3, (w @ b[:10]) * 3)


def test_epilogue_reading_and_writing_its_output_buffer(rng):
    a = rng.uniform(-1, 1, (40, 30)).astype(np.float32)
    b = rng.uniform(-1, 1, (30, 12)).astype(np.float32)
    y = rng.uniform(-1, 1, (40, 12)).astype(np.float32)
    A, B, Y = ga.asarray(a), ga.asarray(b), ga.asarray(y)
    ref = a.astype(np.float64) @ b
    gemm = dispatches(lambda: A @ B)
    with ga.stats() as s:
        Y[...] = (A @ B) * 0.5 + Y  # C = alpha * A @ B + beta * C in the product's kernel
    assert s.dispatches == gemm
    check(Y, (a @ b) * 0.5 + y, ref * 0.5 + y)
    Z = ga.zeros((12, 40), dtype=np.float32)
    with ga.stats() as s:
        Z.T[...] = A @ B - 1  # a transposed output view
    assert s.dispatches == gemm
    check(Z, (a @ b).T - 1, ref.T - 1)


def test_a_product_written_into_a_view_then_overwritten(rng):
    a = rng.uniform(-1, 1, (8, 9)).astype(np.float32)
    b = rng.uniform(-1, 1, (9, 5)).astype(np.float32)
    ref = a.astype(np.float64) @ b
    A, B = ga.asarray(a), ga.asarray(b)
    Z = ga.zeros((8, 12), dtype=np.float32)
    C = A @ B
    D = C * 2
    Z[:, 2:7] = C  # the product goes into Z's view; C and D read it from there
    Z[...] = -1
    check(C, a @ b, ref)
    check(D, (a @ b) * 2, ref * 2)
    Z = ga.zeros((5, 8), dtype=np.float32)
    C = A @ B
    D = C + 1
    Z.T[...] = C  # the product lands in Z.T; D written into Z (another view of that buffer)
    Z[...] = D.T
    check(Z, (a @ b).T + 1, ref.T + 1)
    out = ga.zeros((8, 5), dtype=np.float64 if HAS64 else np.float32)
    assert ga.matmul(A, B, out=out) is out
    check(out, (a @ b).astype(out.dtype), ref, 1e-5)
    o2 = ga.zeros((8, 5), dtype=np.float32)
    np.add(A @ B, 1, out=o2)
    check(o2, a @ b + 1, ref + 1)


# ------------------------------------------------------------------------- diagonals
@pytest.mark.parametrize("dtype", FLOATS)
def test_diagonal_of_a_product_is_one_reduction(dtype, rng):
    q = rng.uniform(-1, 1, (1024, 8)).astype(dtype)
    g = rng.uniform(-1, 1, (1024, 1024)).astype(dtype)
    Q, G = ga.asarray(q), ga.asarray(g)
    ref = np.diag(q.T.astype(np.float64) @ g @ q)
    first = dispatches(lambda: Q.T @ G)
    reduction = dispatches(lambda: ga.sum(ga.asarray(q.T.copy()) * Q.T, axis=-1))
    with ga.stats() as s:
        d = ev(ga.diag(Q.T @ G @ Q))
    assert s.dispatches == first + reduction
    check(d, np.diag(q.T @ g @ q), ref)
    with ga.stats() as s:
        t = ev(ga.trace(Q.T @ G @ Q))
    assert s.dispatches <= first + reduction + 1
    check(t, np.trace(q.T @ g @ q), ref.sum())
    check(ev(np.trace(Q.T @ G @ Q)), np.trace(q.T @ g @ q), ref.sum())
    check(ev(np.diag(Q.T @ G @ Q)), np.diag(q.T @ g @ q), ref)


def test_diagonal_offsets_axes_batches_and_dtypes(rng):
    x, y = rng.standard_normal((13, 40)), rng.standard_normal((40, 17))
    X, Y = ga.asarray(x), ga.asarray(y)
    for off in (-14, -3, 0, 2, 16, 20):
        for ax in ((0, 1), (1, 0)):
            check(ga.diagonal(X @ Y, off, *ax), np.diagonal(x @ y, off, *ax))
        check(ga.trace(X @ Y, off), np.trace(x @ y, off))
    check(ga.diagonal(X[::2, ::-1] @ Y[::-1, 1::2], 1), np.diagonal(x[::2, ::-1] @ y[::-1, 1::2], 1))
    check(ga.diagonal(Y.T @ X.T, -2), np.diagonal(y.T @ x.T, -2))
    xb, yb = rng.standard_normal((4, 13, 40)), rng.standard_normal((40, 13))
    XB, YB = ga.asarray(xb), ga.asarray(yb)
    for ax in ((1, 2), (2, 1), (0, 1), (-1, -2)):
        check(ga.diagonal(XB @ YB, 0, *ax), np.diagonal(xb @ yb, 0, *ax))
    check(ga.trace(XB @ YB, 0, 1, 2), np.trace(xb @ yb, 0, 1, 2))
    check(ga.linalg.trace(XB @ YB), np.linalg.trace(xb @ yb))
    check(ga.linalg.diagonal(XB @ YB), np.linalg.diagonal(xb @ yb))
    for dtype in (np.int8, np.int32, np.uint16, np.float32, np.complex64):
        im = 1j * rng.integers(-5, 5, (13, 40)) if dtype == np.complex64 else 0
        a = (rng.integers(-50, 50, (13, 40)) + im).astype(dtype)
        b = (rng.integers(-50, 50, (40, 13))).astype(dtype)
        A, B = ga.asarray(a), ga.asarray(b)
        check(ga.diag(A @ B), np.diag(a @ b), np.diag(a.astype(np.complex128) @ b))
        check(ga.trace(A @ B), np.trace(a @ b), np.trace(a.astype(np.complex128) @ b))
    u, v = rng.random((13, 40)) < 0.1, rng.random((40, 13)) < 0.1
    check(ga.diag(ga.asarray(u) @ ga.asarray(v)), np.diag(u @ v))
    check(ga.trace(ga.asarray(u) @ ga.asarray(v)), np.trace(u @ v))
    h, k = rng.uniform(-1, 1, (6, 20)).astype(np.float16), rng.uniform(-1, 1, (20, 6)).astype(np.float16)
    got = ga.diag(ga.asarray(h) @ ga.asarray(k))
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.get(), np.diag(h @ k), rtol=2e-3, atol=2e-3)
    # a kept product: its diagonal, then the product itself
    C = X @ Y
    check(ga.diag(C), np.diag(x @ y))
    check(C, x @ y)
    check(ga.diag(C), np.diag(x @ y))  # now a view of the computed product
