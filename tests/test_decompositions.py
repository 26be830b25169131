"""Factorizations on the device (cholesky, solve, inv, det, slogdet) against NumPy on the same
inputs: backward errors within LAPACK-style bounds, NumPy's dtypes, shapes, result types and
errors, and no host fallback."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import HAS64, assert_same

FLOATS = [np.float32, np.float64] if HAS64 else [np.float32]
SIZES = [1, 2, 17, 64, 129]  # 17 and 129: odd, past one 32-wide block; 129 past four


def eps(dtype):
    return np.finfo(dtype).eps


def spd(n, dtype, rng, batch=()):
    """A well-scaled symmetric positive-definite matrix (or a stack of them)."""
    a = rng.standard_normal(batch + (n, n))
    return (a @ np.swapaxes(a, -1, -2) / n + np.eye(n)).astype(dtype)


def general(n, dtype, rng, batch=()):
    return rng.standard_normal(batch + (n, n)).astype(dtype)


def fro(x):
    return np.linalg.norm(x.astype(np.complex128 if np.iscomplexobj(x) else np.float64), axis=(-2, -1))


@pytest.fixture
def no_fallback(fresh_fallback):
    """Runs the test body with host fallbacks refused: any fallback is an error."""
    ga.set_fallback("raise")
    yield


# ------------------------------------------------------------------------ cholesky
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", SIZES)
def test_cholesky_backward_error(n, dtype, rng, no_fallback):
    a = spd(n, dtype, rng)
    with ga.stats() as s:
        L = ga.linalg.cholesky(ga.asarray(a))
        h = L.get()
    assert s.fallbacks == {}
    assert L.dtype == dtype and L.shape == (n, n)
    assert np.all(np.triu(h, 1) == 0)  # the upper triangle is zeros, as NumPy's
    err = fro(a - h.astype(np.float64) @ h.T.astype(np.float64)) / fro(a)
    assert err <= 4 * n * eps(dtype), err
    ref = np.linalg.cholesky(a)
    np.testing.assert_allclose(h, ref, rtol=0, atol=50 * n * eps(dtype) * np.abs(ref).max())


@pytest.mark.parametrize("dtype", FLOATS)
def test_cholesky_batched_and_upper(dtype, rng, no_fallback):
    a = spd(16, dtype, rng, (8,))
    A = ga.asarray(a)
    L = ga.linalg.cholesky(A)
    assert L.shape == (8, 16, 16)
    h = L.get().astype(np.float64)
    assert np.all(fro(a - h @ np.swapaxes(h, -1, -2)) <= 4 * 16 * eps(dtype) * fro(a))
    # upper=True reads the upper triangle (the lower one is poisoned) and returns U with U^T U = A
    poisoned = np.triu(a) + np.tril(np.full_like(a, np.nan), -1)
    U = ga.linalg.cholesky(ga.asarray(poisoned), upper=True)
    ref = np.linalg.cholesky(poisoned, upper=True)
    assert_same(U, ref, rtol=0, atol=100 * eps(dtype))
    # and the lower factor reads only the lower triangle
    poisoned = np.tril(a) + np.triu(np.full_like(a, np.nan), 1)
    assert_same(ga.linalg.cholesky(ga.asarray(poisoned)), np.linalg.cholesky(poisoned), rtol=0, atol=100 * eps(dtype))


def test_cholesky_numpy_dispatch_views_and_integers(rng, no_fallback):
    a = spd(40, np.float64, rng, (2,))
    big = np.zeros((2, 45, 90))
    big[:, 3:43, 10:90:2] = np.swapaxes(a, -1, -2)  # a strided, transposed view of a larger buffer
    V = ga.asarray(big)[:, 3:43, 10:90:2].mT
    with ga.stats() as s:
        L = np.linalg.cholesky(V)  # NumPy's function on a GpuArray runs here
    assert isinstance(L, ga.GpuArray) and s.fallbacks == {}
    assert_same(L, np.linalg.cholesky(a), rtol=1e-12, atol=1e-13)
    ai = np.array([[4, 2], [2, 3]], np.int64)
    assert_same(ga.linalg.cholesky(ga.asarray(ai)), np.linalg.cholesky(ai))  # float64, as NumPy


def test_cholesky_ill_conditioned(no_fallback):
    n = 10
    hilbert = 1.0 / (np.arange(n)[:, None] + np.arange(n)[None, :] + 1)  # cond ~1.6e13
    h = ga.linalg.cholesky(ga.asarray(hilbert)).get()
    assert fro(hilbert - h @ h.T) / fro(hilbert) <= 4 * n * eps(np.float64)


@pytest.mark.parametrize("dtype", FLOATS)
def test_cholesky_not_positive_definite(dtype, rng, no_fallback):
    a = spd(40, dtype, rng, (3,))
    bad = a.copy()
    bad[1, 35, 35] = -1.0  # the last block's pivot of the second matrix only
    with pytest.raises(np.linalg.LinAlgError, match="not positive definite"):
        ga.linalg.cholesky(ga.asarray(bad))
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(bad)
    for pos in [(0, 5, 2), (2, 0, 0), (1, 39, 39)]:
        nan = a.copy()
        nan[pos] = np.nan  # NumPy's LAPACK (OpenBLAS) raises nothing: NaNs propagate
        assert_same(ga.linalg.cholesky(ga.asarray(nan)), np.linalg.cholesky(nan), rtol=0, atol=1e3 * eps(dtype))
    for pos, val in [((1, 0, 0), -np.inf), ((1, 20, 20), np.inf), ((1, 20, 3), np.inf)]:
        inf = a.copy()
        inf[pos] = val
        try:
            with np.errstate(all="ignore"):
                ref = np.linalg.cholesky(inf)
        except np.linalg.LinAlgError:
            with pytest.raises(np.linalg.LinAlgError):
                ga.linalg.cholesky(ga.asarray(inf))
        else:
            assert_same(ga.linalg.cholesky(ga.asarray(inf)), ref, rtol=0, atol=1e3 * eps(dtype))
    with pytest.raises(np.linalg.LinAlgError, match="two-dimensional"):
        ga.linalg.cholesky(ga.asarray(a[0, 0]))
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        ga.linalg.cholesky(ga.asarray(a[:, :3]))


def test_cholesky_empty(no_fallback):
    for shape in [(0, 0), (0, 3, 3), (2, 0, 0)]:
        assert_same(ga.linalg.cholesky(ga.zeros(shape, dtype=np.float32)), np.linalg.cholesky(np.zeros(shape, np.float32)))


# ------------------------------------------------------------------ solve and inv
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", SIZES)
def test_solve_residual(n, dtype, rng, no_fallback):
    a, b = general(n, dtype, rng), rng.standard_normal((n, 3)).astype(dtype)
    with ga.stats() as s:
        x = ga.linalg.solve(ga.asarray(a), ga.asarray(b))
        h = x.get()
    assert s.fallbacks == {}
    assert x.dtype == dtype and x.shape == (n, 3)
    res = fro(a.astype(np.float64) @ h - b) / (fro(a) * fro(h) + fro(b))
    assert res <= 8 * n * eps(dtype), res
    ref = np.linalg.solve(a, b)
    cond = np.linalg.cond(a.astype(np.float64))
    np.testing.assert_allclose(h, ref, rtol=0, atol=20 * n * cond * eps(dtype) * np.abs(ref).max())


@pytest.mark.parametrize("dtype", FLOATS)
def test_solve_batched_broadcast_and_vector(dtype, rng, no_fallback):
    a = general(16, dtype, rng, (2, 1)) + 4 * np.eye(16, dtype=dtype)
    b = rng.standard_normal((3, 16, 5)).astype(dtype)
    x = ga.linalg.solve(ga.asarray(a), ga.asarray(b))
    assert_same(x, np.linalg.solve(a, b), rtol=0, atol=1e3 * eps(dtype))
    v = rng.standard_normal(16).astype(dtype)
    assert_same(ga.linalg.solve(ga.asarray(a), ga.asarray(v)), np.linalg.solve(a, v), rtol=0, atol=1e3 * eps(dtype))
    # batch of 8 16x16 systems through NumPy's function
    a8, b8 = general(16, dtype, rng, (8,)), rng.standard_normal((8, 16, 2)).astype(dtype)
    x8 = np.linalg.solve(ga.asarray(a8), ga.asarray(b8))
    assert isinstance(x8, ga.GpuArray)
    h = x8.get().astype(np.float64)
    assert np.all(fro(a8 @ h - b8) <= 16 * 16 * eps(dtype) * (fro(a8) * fro(h) + fro(b8)))
    with pytest.raises(ValueError):
        ga.linalg.solve(ga.asarray(a), ga.asarray(b[:, :15]))


@pytest.mark.parametrize("dtype", FLOATS)
def test_solve_ill_conditioned_backward_error(dtype, rng, no_fallback):
    """cond(A) ~ 1/eps: the solution loses its digits, the residual (backward error) does not."""
    n = 40
    u, _ = np.linalg.qr(rng.standard_normal((n, n)))
    v, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = ((u * np.logspace(0, -np.log10(1 / eps(dtype)) + 1, n)) @ v.T).astype(dtype)
    b = rng.standard_normal((n, 2)).astype(dtype)
    x = ga.linalg.solve(ga.asarray(a), ga.asarray(b)).get().astype(np.float64)
    res = fro(a.astype(np.float64) @ x - b) / (fro(a) * fro(x) + fro(b))
    assert res <= 8 * n * eps(dtype), res
    # (log|det| itself is only as good as the smallest pivots: relative error ~ cond * eps each)
    assert ga.linalg.slogdet(ga.asarray(a)).sign.get() == np.linalg.slogdet(a.astype(np.float64)).sign


def test_solve_dtypes(rng, no_fallback):
    a = general(5, np.float32, rng) + 3 * np.eye(5, dtype=np.float32)
    bi = np.arange(5)
    x = ga.linalg.solve(ga.asarray(a), ga.asarray(bi))  # float32 with int64: float64, as NumPy
    assert_same(x, np.linalg.solve(a, bi), rtol=1e-10)
    ai = np.array([[2, 1], [1, 3]])
    assert_same(ga.linalg.solve(ga.asarray(ai), ga.asarray(ai)), np.linalg.solve(ai, ai), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("dtype", FLOATS)
def test_singular_raises(dtype, no_fallback):
    a = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]], dtype)  # exactly singular: LU meets an exact zero pivot
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        ga.linalg.solve(ga.asarray(a), ga.asarray(np.ones((3, 1), dtype)))
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        ga.linalg.inv(ga.asarray(a))
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        np.linalg.inv(ga.zeros((2, 2), dtype=dtype))
    # det is 0 and slogdet (0, -inf), without warnings, as NumPy
    assert_same(ga.linalg.det(ga.asarray(a)), np.linalg.det(a))
    sign, logdet = ga.linalg.slogdet(ga.asarray(a))
    assert sign.get() == 0 and logdet.get() == -np.inf


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 17, 64])
def test_inv(n, dtype, rng, no_fallback):
    a = general(n, dtype, rng)
    with ga.stats() as s:
        x = ga.linalg.inv(ga.asarray(a)).get()
    assert s.fallbacks == {}
    assert x.dtype == dtype and x.shape == (n, n)
    res = np.abs(a.astype(np.float64) @ x - np.eye(n)).max()
    cond = np.linalg.cond(a.astype(np.float64))
    assert res <= 20 * n * cond * eps(dtype), res
    assert_same(ga.linalg.inv(ga.asarray(a[None].repeat(3, 0))).mT, np.swapaxes(np.linalg.inv(a[None].repeat(3, 0)), -1, -2),
                rtol=0, atol=20 * n * cond * eps(dtype) * np.abs(x).max())


def test_matrix_power_negative_uses_device_inverse(rng, no_fallback):
    a = general(6, np.float64, rng) + 3 * np.eye(6)
    assert_same(ga.linalg.matrix_power(ga.asarray(a), -3), np.linalg.matrix_power(a, -3), rtol=1e-10)


# --------------------------------------------------------------------- det / slogdet
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", SIZES)
def test_det_slogdet(n, dtype, rng, no_fallback):
    a = (general(n, dtype, rng) / np.sqrt(n)).astype(dtype)  # |det| stays within float32's range at 129
    with ga.stats() as s:
        d = ga.linalg.det(ga.asarray(a))
        res = ga.linalg.slogdet(ga.asarray(a))
        dh, sh, lh = d.get(), res.sign.get(), res.logabsdet.get()
    assert s.fallbacks == {}
    ref = np.linalg.slogdet(a)
    assert type(res).__name__ == "SlogdetResult" and res.sign.dtype == dtype and res.logabsdet.dtype == dtype
    assert d.dtype == dtype and d.shape == ()
    tol = 10 * n * np.linalg.cond(a.astype(np.float64)) * eps(dtype)
    assert sh == ref.sign
    assert abs(lh - ref.logabsdet) <= tol + 4 * eps(dtype) * abs(ref.logabsdet)
    assert abs(dh - np.linalg.det(a)) <= tol * abs(np.linalg.det(a))


@pytest.mark.parametrize("dtype", FLOATS)
def test_nonfinite_inputs(dtype, rng, no_fallback):
    """NaN and infinite elements: NumPy's values (NaNs, infinities), signs and no exceptions."""
    a = general(4, dtype, rng) + 3 * np.eye(4, dtype=dtype)
    for val in (np.nan, np.inf, -np.inf):
        b = a.copy()
        b[2, 1] = val
        with np.errstate(all="ignore"):
            ref_det, ref_sl, ref_x = np.linalg.det(b), np.linalg.slogdet(b), np.linalg.solve(b, np.ones(4, dtype))
        assert_same(ga.linalg.det(ga.asarray(b)), ref_det, rtol=1e-4)
        s, l = ga.linalg.slogdet(ga.asarray(b))
        if val == val:  # (with a NaN the sign depends on how the LAPACK build pivots around NaNs)
            assert_same(s, ref_sl.sign)
        assert_same(l, ref_sl.logabsdet, rtol=1e-4)
        x = ga.linalg.solve(ga.asarray(b), ga.ones(4, dtype=dtype)).get()
        assert np.array_equal(np.isnan(x), np.isnan(ref_x))


@pytest.mark.parametrize("dtype", FLOATS)
def test_det_batched_signs(dtype, rng, no_fallback):
    a = general(16, dtype, rng, (8,))
    a[3] = a[3][::-1]  # a row reversal: permutation signs of both parities
    a[5] = -a[5]
    ref = np.linalg.det(a)
    assert_same(ga.linalg.det(ga.asarray(a)), ref, rtol=5e-3 if dtype == np.float32 else 1e-10)
    s, l = np.linalg.slogdet(ga.asarray(a))
    assert isinstance(s, ga.GpuArray)
    assert_same(s, np.sign(ref))
    assert_same(ga.linalg.det(ga.zeros((3, 0, 0), dtype=dtype)), np.linalg.det(np.zeros((3, 0, 0), dtype)))
    assert_same(ga.linalg.det(ga.asarray(np.array([[2, 1], [1, 3]]))), np.linalg.det(np.array([[2, 1], [1, 3]])))


# ------------------------------------------------------------------------------ qr
QR_SHAPES = [(1, 1), (2, 2), (17, 5), (5, 17), (64, 64), (129, 129), (257, 129)]


def check_qr(a, q, r, dtype):
    """||A - QR|| <= c k eps ||A|| and ||Q^T Q - I|| <= c k eps, R upper triangular."""
    k = max(a.shape[-2:])
    q, r = q.astype(np.float64), r.astype(np.float64)
    assert np.all(np.tril(r, -1) == 0)
    assert np.all(fro(a - q @ r) <= 8 * k * eps(dtype) * fro(a))
    qtq = np.swapaxes(q, -1, -2) @ q
    assert np.all(fro(qtq - np.eye(q.shape[-1])) <= 8 * k * eps(dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", QR_SHAPES)
def test_qr_reduced(shape, dtype, rng, no_fallback):
    a = rng.standard_normal(shape).astype(dtype)
    with ga.stats() as s:
        res = ga.linalg.qr(ga.asarray(a))
        q, r = res.Q.get(), res.R.get()
    assert s.fallbacks == {}
    assert type(res).__name__ == "QRResult"
    nq, nr = np.linalg.qr(a)
    assert q.shape == nq.shape and r.shape == nr.shape and q.dtype == dtype and r.dtype == dtype
    check_qr(a, q, r, dtype)
    # LAPACK's sign conventions: the same factors as NumPy's for a full-rank matrix
    cond = np.linalg.cond(a.astype(np.float64))
    np.testing.assert_allclose(r, nr, rtol=0, atol=10 * max(shape) * cond * eps(dtype) * np.abs(nr).max())


@pytest.mark.parametrize("dtype", FLOATS)
def test_qr_modes_batched(dtype, rng, no_fallback):
    a = rng.standard_normal((8, 16, 16)).astype(dtype)
    q, r = ga.linalg.qr(ga.asarray(a))
    check_qr(a, q.get(), r.get(), dtype)
    tall = rng.standard_normal((2, 3, 20, 7)).astype(dtype)
    q, r = np.linalg.qr(ga.asarray(tall), mode="complete")  # NumPy's function on a GpuArray
    assert isinstance(q, ga.GpuArray) and q.shape == (2, 3, 20, 20) and r.shape == (2, 3, 20, 7)
    check_qr(tall, q.get(), r.get(), dtype)
    wide = rng.standard_normal((3, 6, 11)).astype(dtype)
    r = ga.linalg.qr(ga.asarray(wide), mode="r")
    assert isinstance(r, ga.GpuArray)
    np.testing.assert_allclose(r.get(), np.linalg.qr(wide, mode="r"), rtol=0, atol=100 * eps(dtype) * 10)
    q, r = ga.linalg.qr(ga.asarray(wide), mode="complete")
    assert q.shape == (3, 6, 6) and r.shape == (3, 6, 11)
    check_qr(wide, q.get(), r.get(), dtype)


@pytest.mark.parametrize("dtype", FLOATS + ([np.complex128] if HAS64 else []) + [np.complex64])
def test_qr_raw_is_lapacks_layout(dtype, rng, no_fallback):
    """mode='raw': (h, tau) as NumPy returns them, h the factored matrix transposed (shape (..., N,
    M)), tau the reflectors' scalars; tall, wide, blocked (70 columns), batched, integer, empty."""
    tol = 2e-4 if dtype in (np.float32, np.complex64) else 1e-10
    for shape in [(5, 3), (3, 5), (70, 40), (40, 70), (2, 4, 3), (1, 1)]:
        a = rng.standard_normal(shape)
        if np.dtype(dtype).kind == "c":
            a = a + 1j * rng.standard_normal(shape)
        a = a.astype(dtype)
        h, tau = ga.linalg.qr(ga.asarray(a), mode="raw")
        hn, tn = np.linalg.qr(a, "raw")
        assert h.shape == hn.shape and tau.shape == tn.shape and h.dtype == hn.dtype and tau.dtype == tn.dtype
        scale = np.abs(hn).max()
        np.testing.assert_allclose(h.get(), hn, rtol=tol, atol=tol * scale * max(shape))
        np.testing.assert_allclose(tau.get(), tn, rtol=tol, atol=tol * max(shape))
    ai = np.arange(12).reshape(4, 3) ** 2
    h, tau = np.linalg.qr(ga.asarray(ai), "raw")  # NumPy's function on a GpuArray
    hn, tn = np.linalg.qr(ai, "raw")
    assert isinstance(h, ga.GpuArray) and h.dtype == hn.dtype
    np.testing.assert_allclose(h.get(), hn, rtol=1e-12, atol=1e-12)
    for shape in [(0, 3), (4, 0)]:
        h, tau = ga.linalg.qr(ga.zeros(shape, dtype=dtype), mode="raw")
        hn, tn = np.linalg.qr(np.zeros(shape, dtype), "raw")
        assert h.shape == hn.shape and tau.shape == tn.shape


def test_qr_rank_deficient_ill_conditioned_and_integers(rng, no_fallback):
    a = rng.standard_normal((30, 6))
    a[:, 3] = a[:, 1]  # rank 5
    a[:, 5] = 0.0  # a zero column: its reflector is the identity (tau = 0)
    q, r = ga.linalg.qr(ga.asarray(a))
    check_qr(a, q.get(), r.get(), np.float64)
    hilbert = 1.0 / (np.arange(12)[:, None] + np.arange(12)[None, :] + 1)
    q, r = ga.linalg.qr(ga.asarray(hilbert))
    check_qr(hilbert, q.get(), r.get(), np.float64)
    ai = np.arange(12).reshape(4, 3) ** 2
    q, r = ga.linalg.qr(ga.asarray(ai))
    assert q.dtype == np.float64
    np.testing.assert_allclose(r.get(), np.linalg.qr(ai).R, rtol=1e-12, atol=1e-12)
    for shape in [(0, 3), (3, 0), (2, 0, 0)]:
        for mode in ("reduced", "complete"):
            q, r = ga.linalg.qr(ga.zeros(shape), mode=mode)
            nq, nr = np.linalg.qr(np.zeros(shape), mode=mode)
            assert_same(q, nq)
            assert_same(r, nr)
    with pytest.raises(ValueError):
        ga.linalg.qr(ga.asarray(a), mode="bogus")


# ---------------------------------------------------------------------- eigh / eigvalsh
def check_eigh(a, w, v, dtype):
    """Ascending eigenvalues as NumPy's to NumPy's accuracy class (c n eps ||A||), a small
    residual ||A V - V diag(w)|| and orthonormal vectors."""
    n = a.shape[-1]
    a64 = a.astype(np.float64)
    ref = np.linalg.eigvalsh(a64)
    scale = np.abs(ref).max(axis=-1, keepdims=True) + np.finfo(np.float64).tiny
    assert np.all(np.diff(w, axis=-1) >= 0)
    assert np.all(np.abs(w - ref) <= 4 * n * eps(dtype) * scale)
    if v is not None:
        v = v.astype(np.float64)
        res = a64 @ v - v * w[..., None, :]
        assert np.all(fro(res) <= 4 * n * eps(dtype) * fro(a64))
        assert np.all(fro(np.swapaxes(v, -1, -2) @ v - np.eye(n)) <= 4 * n * eps(dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 2, 17, 64])
def test_eigh(n, dtype, rng, no_fallback):
    a = rng.standard_normal((n, n))
    a = (a + a.T).astype(dtype)
    with ga.stats() as s:
        res = ga.linalg.eigh(ga.asarray(a))
        w, v = res.eigenvalues.get(), res.eigenvectors.get()
        wv = ga.linalg.eigvalsh(ga.asarray(a)).get()
    assert s.fallbacks == {}
    assert type(res).__name__ == "EighResult" and w.dtype == dtype and v.dtype == dtype and v.shape == (n, n)
    check_eigh(a, w, v, dtype)
    check_eigh(a, wv, None, dtype)
    # the vectors are NumPy's up to sign where the eigenvalues are well separated
    nv = np.linalg.eigh(a.astype(np.float64)).eigenvectors
    gaps = np.diff(np.linalg.eigvalsh(a.astype(np.float64)))
    if n > 1 and gaps.min() > 1e-2:
        signs = np.sign(np.sum(v * nv, axis=0))
        np.testing.assert_allclose(v * signs, nv, rtol=0, atol=100 * n * eps(dtype) / gaps.min())


@pytest.mark.parametrize("dtype", FLOATS)
def test_eigh_batched_uplo_and_degenerate(dtype, rng, no_fallback):
    a = rng.standard_normal((8, 16, 16))
    a = (a + np.swapaxes(a, -1, -2)).astype(dtype)
    w, v = np.linalg.eigh(ga.asarray(a))  # NumPy's function on a GpuArray
    assert isinstance(w, ga.GpuArray) and w.shape == (8, 16) and v.shape == (8, 16, 16)
    check_eigh(a, w.get(), v.get(), dtype)
    # UPLO: only that triangle is read (the other poisoned)
    low = np.tril(a) + np.triu(np.full_like(a, np.nan), 1)
    check_eigh(a, ga.linalg.eigvalsh(ga.asarray(low)).get(), None, dtype)
    up = np.triu(a) + np.tril(np.full_like(a, np.nan), -1)
    w, v = ga.linalg.eigh(ga.asarray(up), UPLO="U")
    check_eigh(a, w.get(), v.get(), dtype)
    # repeated eigenvalues (an identity block) and a zero matrix
    q, _ = np.linalg.qr(rng.standard_normal((10, 10)))
    d = np.array([1, 1, 1, 2, 2, 3, -1, -1, 0, 0], np.float64)
    deg = ((q * d) @ q.T).astype(dtype)
    deg = (deg + deg.T) / 2
    w, v = ga.linalg.eigh(ga.asarray(deg))
    check_eigh(deg, w.get(), v.get(), dtype)
    for scale in (1e30, 1e-30) if dtype == np.float32 else (1e300, 1e-300):  # squares past the range
        big = (deg * dtype(scale)).astype(dtype)
        w, v = ga.linalg.eigh(ga.asarray(big))
        check_eigh(big / dtype(scale), w.get() / scale, v.get(), dtype)
    w, v = ga.linalg.eigh(ga.zeros((3, 3), dtype=dtype))
    assert_same(w, np.zeros(3, dtype))
    check_eigh(np.zeros((3, 3), dtype), w.get(), v.get(), dtype)
    with pytest.raises(ValueError):
        ga.linalg.eigh(ga.asarray(a), UPLO="X")
    # a NaN: every output written (NaN), none left as whatever the buffer held
    nan = deg.copy()
    nan[3, 1] = nan[1, 3] = np.nan
    w, v = ga.linalg.eigh(ga.asarray(nan))
    assert np.isnan(w.get()).all() and np.isnan(v.get()).all()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [65, 100, 129, 257])
def test_eigh_large(n, dtype, rng, no_fallback):
    """Past the Jacobi kernel: tridiagonalisation + implicit QL on the device."""
    a = rng.standard_normal((n, n))
    a = (a + a.T).astype(dtype)
    with ga.stats() as s:
        res = ga.linalg.eigh(ga.asarray(a))
        w, v = res.eigenvalues.get(), res.eigenvectors.get()
        wv = ga.linalg.eigvalsh(ga.asarray(a)).get()
    assert s.fallbacks == {}
    assert type(res).__name__ == "EighResult" and w.dtype == dtype and v.dtype == dtype and v.shape == (n, n)
    check_eigh(a, w, v, dtype)
    check_eigh(a, wv, None, dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_eigh_large_batched_uplo_degenerate(dtype, rng, no_fallback):
    a = rng.standard_normal((3, 70, 70))
    a = (a + np.swapaxes(a, -1, -2)).astype(dtype)
    up = np.triu(a) + np.tril(np.full_like(a, np.nan), -1)  # only the upper triangle is read
    w, v = ga.linalg.eigh(ga.asarray(up), UPLO="U")
    assert w.shape == (3, 70) and v.shape == (3, 70, 70)
    check_eigh(a, w.get(), v.get(), dtype)
    # repeated eigenvalues of both signs (equal magnitudes), zeros, and scales past the squares' range
    n = 90
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    d = np.repeat(np.array([1, -1, 2, 0, 3, -3], np.float64), 15)
    deg = (q * d) @ q.T
    deg = ((deg + deg.T) / 2).astype(dtype)
    w, v = ga.linalg.eigh(ga.asarray(deg))
    check_eigh(deg, w.get(), v.get(), dtype)
    scale = 1e30 if dtype == np.float32 else 1e300
    big = (deg * dtype(scale)).astype(dtype)
    w, v = ga.linalg.eigh(ga.asarray(big))
    check_eigh(big / dtype(scale), w.get() / scale, v.get(), dtype)
    w, v = ga.linalg.eigh(ga.zeros((n, n), dtype=dtype))
    assert_same(w, np.zeros(n, dtype))
    check_eigh(np.zeros((n, n), dtype), w.get(), v.get(), dtype)
    nan = deg.copy()
    nan[3, 1] = nan[1, 3] = np.nan
    w, v = ga.linalg.eigh(ga.asarray(nan))
    assert np.isnan(w.get()).all() and np.isnan(v.get()).all()


def check_eigh_complex(a, w, v, ct):
    rt = np.finfo(ct).dtype
    a = a.astype(np.complex128)
    n = a.shape[-1]
    na = np.linalg.norm(a, 2, axis=(-2, -1))[..., None]
    assert w.dtype == rt and np.all(np.diff(w, axis=-1) >= 0)
    assert np.all(np.abs(w - np.linalg.eigvalsh(a)) <= 4 * n * eps(rt) * na)
    v = v.astype(np.complex128)
    res = a @ v - v * w[..., None, :]
    assert np.all(np.linalg.norm(res, axis=(-2, -1)) <= 4 * n * eps(rt) * na[..., 0])
    gram = np.swapaxes(v, -1, -2).conj() @ v
    assert np.all(np.linalg.norm(gram - np.eye(n), axis=(-2, -1)) <= 4 * n * eps(rt))


@pytest.mark.parametrize("ct", [np.complex64, np.complex128] if HAS64 else [np.complex64])
def test_eigh_complex_hermitian(ct, rng, no_fallback):
    """Complex Hermitian eigh on the device (tridiagonalisation to a real tridiagonal + QL)."""
    for shape in [(1, 1), (2, 2), (5, 5), (4, 9, 9), (100, 100)]:
        a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        a = (a + np.swapaxes(a, -1, -2).conj()).astype(ct)
        with ga.stats() as s:
            w, v = ga.linalg.eigh(ga.asarray(a))
            wv = ga.linalg.eigvalsh(ga.asarray(a)).get()
            check_eigh_complex(a, w.get(), v.get(), ct)
        assert s.fallbacks == {}
        np.testing.assert_allclose(wv, w.get(), rtol=0, atol=100 * eps(ct) * np.abs(wv).max())
    # only the UPLO triangle is read (the other poisoned), the diagonal's imaginary parts ignored
    a = rng.standard_normal((6, 6)) + 1j * rng.standard_normal((6, 6))
    a = (a + a.conj().T).astype(ct)
    up = np.triu(a) + np.tril(np.full_like(a, np.nan), -1) + 1j * np.diag(np.arange(6.0)).astype(ct)
    w, v = ga.linalg.eigh(ga.asarray(up), UPLO="U")
    check_eigh_complex(a, w.get(), v.get(), ct)
    w2 = np.linalg.eigvalsh(ga.asarray(np.tril(a) + np.triu(np.full_like(a, np.nan), 1)))
    np.testing.assert_allclose(w2.get(), w.get(), rtol=0, atol=100 * eps(ct) * np.abs(w.get()).max())
    # repeated eigenvalues of both signs
    q, _ = np.linalg.qr(rng.standard_normal((12, 12)) + 1j * rng.standard_normal((12, 12)))
    deg = (q * np.repeat([1.0, -1.0, 2.0, 0.0], 3)) @ q.conj().T
    deg = ((deg + deg.conj().T) / 2).astype(ct)
    w, v = ga.linalg.eigh(ga.asarray(deg))
    check_eigh_complex(deg, w.get(), v.get(), ct)


def test_batches_of_small_matrices_use_small_blocks(rng, no_fallback):
    """Scratch space scales with the matrices (blocks of min(32, n) rows), not 32 x 32 per matrix."""
    c = rng.standard_normal((2000, 4, 4)) + 3 * np.eye(4)
    r = rng.standard_normal((2000, 4, 1))
    C, R = ga.asarray(c), ga.asarray(r)
    for fn, ref in [(lambda: ga.linalg.solve(C, R), np.linalg.solve(c, r)), (lambda: ga.linalg.inv(C), np.linalg.inv(c)),
                    (lambda: ga.linalg.cholesky(C @ C.mT), np.linalg.cholesky(c @ np.swapaxes(c, -1, -2)))]:
        with ga.stats() as s:
            got = fn().get()
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)
        assert s.peak_bytes <= 10 * c.nbytes, s.peak_bytes  # 32 x 32 blocks alone would be 64x


def test_tensorsolve_tensorinv(rng, no_fallback):
    a = rng.standard_normal((6, 4, 2, 3, 4)) + 0.0
    a = a + 3 * np.eye(24).reshape(6, 4, 2, 3, 4)  # (well conditioned as a 24 x 24 matrix)
    b = rng.standard_normal((6, 4))
    assert_same(ga.linalg.tensorsolve(ga.asarray(a), ga.asarray(b)), np.linalg.tensorsolve(a, b), rtol=1e-10, atol=1e-12)
    at = np.moveaxis(a, 2, 0)  # axes=(0,): that axis goes last, (6, 4, 3, 4, 2)
    assert_same(ga.linalg.tensorsolve(ga.asarray(at), ga.asarray(b), axes=(0,)),
                np.linalg.tensorsolve(at, b, axes=(0,)), rtol=1e-10, atol=1e-12)
    x = np.linalg.tensorinv(ga.asarray(a.reshape(24, 2, 3, 4)), ind=1)
    assert isinstance(x, ga.GpuArray)
    assert_same(x, np.linalg.tensorinv(a.reshape(24, 2, 3, 4), ind=1), rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError):  # as NumPy's: solve's core dimensions differ
        ga.linalg.tensorsolve(ga.asarray(a), ga.asarray(b[:5]))
    with pytest.raises(np.linalg.LinAlgError, match="prod"):
        ga.linalg.tensorsolve(ga.asarray(a[..., :3]), ga.asarray(b))
    with pytest.raises(ValueError):
        ga.linalg.tensorinv(ga.asarray(a), ind=0)


COMPLEX = [np.complex64, np.complex128] if HAS64 else [np.complex64]


@pytest.mark.parametrize("ct", COMPLEX)
def test_complex_solve_inv(ct, rng, no_fallback):
    """Complex solve and inv on the device (the LU kernels over complex elements)."""
    rt = np.finfo(ct).dtype
    for n in (1, 7, 40):
        a = (rng.standard_normal((3, n, n)) + 1j * rng.standard_normal((3, n, n))).astype(ct)
        b = (rng.standard_normal((3, n, 2)) + 1j * rng.standard_normal((3, n, 2))).astype(ct)
        with ga.stats() as s:
            x = ga.linalg.solve(ga.asarray(a), ga.asarray(b))
            xi = ga.linalg.inv(ga.asarray(a))
            xv = ga.linalg.solve(ga.asarray(a[0]), ga.asarray(b[0, :, 0]))
            xh = x.get(), xi.get(), xv.get()
        assert s.fallbacks == {}
        assert x.dtype == ct and xi.dtype == ct and xv.shape == (n,)
        res = np.abs(a.astype(np.complex128) @ xh[0] - b).max()
        assert res <= 20 * n * eps(rt) * np.abs(a).max() * np.abs(xh[0]).max(), res
        np.testing.assert_allclose(xh[1], np.linalg.inv(a), rtol=0, atol=1e3 * n * eps(rt) * np.abs(np.linalg.inv(a)).max())
        np.testing.assert_allclose(xh[2], np.linalg.solve(a[0], b[0, :, 0]), rtol=0,
                                   atol=1e3 * n * eps(rt) * np.abs(xh[2]).max())
    # mixed real and complex operands: NumPy's result dtype
    ar = rng.standard_normal((5, 5)).astype(rt)
    bc = (rng.standard_normal(5) + 1j * rng.standard_normal(5)).astype(ct)
    got = ga.linalg.solve(ga.asarray(ar), ga.asarray(bc))
    ref = np.linalg.solve(ar, bc)
    assert got.dtype == ref.dtype
    np.testing.assert_allclose(got.get(), ref, rtol=0, atol=1e3 * eps(rt) * np.abs(ref).max())
    with pytest.raises(np.linalg.LinAlgError, match="Singular"):
        ga.linalg.inv(ga.zeros((2, 2), dtype=ct))
    with pytest.raises(ValueError):
        ga.linalg.solve(ga.asarray(a[0]), ga.asarray(b[0, :3]))


@pytest.mark.parametrize("ct", COMPLEX)
def test_complex_det_slogdet(ct, rng, no_fallback):
    rt = np.finfo(ct).dtype
    for n in (1, 3, 17, 70):
        a = ((rng.standard_normal((2, n, n)) + 1j * rng.standard_normal((2, n, n))) / np.sqrt(n)).astype(ct)
        with ga.stats() as s:
            d = ga.linalg.det(ga.asarray(a))
            sl = ga.linalg.slogdet(ga.asarray(a))
            dh, sh, lh = d.get(), sl.sign.get(), sl.logabsdet.get()
        assert s.fallbacks == {}
        rd, rsl = np.linalg.det(a), np.linalg.slogdet(a)
        assert d.dtype == ct and sl.sign.dtype == ct and sl.logabsdet.dtype == rt
        tol = 20 * n * eps(rt)
        np.testing.assert_allclose(dh, rd, rtol=tol * 10)
        np.testing.assert_allclose(sh, rsl.sign, rtol=0, atol=tol * 10)
        np.testing.assert_allclose(lh, rsl.logabsdet, rtol=0, atol=tol * 10)
    sing = np.zeros((3, 3), ct)
    sing[0, 0] = 1 + 1j
    assert_same(ga.linalg.det(ga.asarray(sing)), np.linalg.det(sing))
    got, ref = ga.linalg.slogdet(ga.asarray(sing)), np.linalg.slogdet(sing)
    assert_same(got.sign, ref.sign)
    assert_same(got.logabsdet, ref.logabsdet)


@pytest.mark.parametrize("ct", COMPLEX)
def test_complex_cholesky(ct, rng, no_fallback):
    rt = np.finfo(ct).dtype
    for n in (1, 5, 33, 70):
        a = rng.standard_normal((2, n, n)) + 1j * rng.standard_normal((2, n, n))
        a = (a @ np.swapaxes(a, -1, -2).conj() / n + np.eye(n)).astype(ct)
        with ga.stats() as s:
            L = ga.linalg.cholesky(ga.asarray(a)).get()
            U = ga.linalg.cholesky(ga.asarray(a), upper=True).get()
        assert s.fallbacks == {}
        assert L.dtype == ct and np.all(np.triu(L, 1) == 0)
        L64 = L.astype(np.complex128)
        assert np.all(fro(a - L64 @ np.swapaxes(L64, -1, -2).conj()) <= 4 * n * eps(rt) * fro(a))
        np.testing.assert_allclose(L, np.linalg.cholesky(a), rtol=0, atol=50 * n * eps(rt))
        np.testing.assert_allclose(U, np.linalg.cholesky(a, upper=True), rtol=0, atol=50 * n * eps(rt))
    # only the lower triangle is read, and of the diagonal its real part (LAPACK's)
    a = rng.standard_normal((6, 6)) + 1j * rng.standard_normal((6, 6))
    a = (a @ a.conj().T + np.eye(6)).astype(ct)
    poisoned = np.tril(a, -1) + np.triu(np.full_like(a, np.nan), 1) + np.diag(np.diag(a).real + 5j).astype(ct)
    np.testing.assert_allclose(ga.linalg.cholesky(ga.asarray(poisoned)).get(), np.linalg.cholesky(a), rtol=0,
                               atol=1e3 * eps(rt))
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        ga.linalg.cholesky(ga.asarray(np.array([[1, 2], [2, 1]], ct)))


@pytest.mark.parametrize("ct", COMPLEX)
def test_complex_qr(ct, rng, no_fallback):
    """Complex Householder QR on the device: LAPACK's conventions (real R diagonal), so Q and R
    are NumPy's to rounding."""
    rt = np.finfo(ct).dtype
    for shape in [(1, 1), (5, 3), (3, 5), (17, 17), (70, 40), (40, 70), (2, 6, 4)]:
        a = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(ct)
        n = max(shape[-2:])
        for mode in ("reduced", "complete"):
            with ga.stats() as s:
                q, r = ga.linalg.qr(ga.asarray(a), mode=mode)
                q, r = q.get(), r.get()
            assert s.fallbacks == {}
            rq, rr = np.linalg.qr(a, mode=mode)
            assert q.dtype == ct and r.dtype == ct and q.shape == rq.shape and r.shape == rr.shape
            q64 = q.astype(np.complex128)
            assert np.all(fro(q64 @ r - a) <= 4 * n * eps(rt) * fro(a))
            assert np.abs(np.swapaxes(q64, -1, -2).conj() @ q64 - np.eye(q.shape[-1])).max() <= 4 * n * eps(rt)
            np.testing.assert_allclose(r, rr, rtol=0, atol=20 * n * eps(rt) * np.abs(rr).max())
            np.testing.assert_allclose(q, rq, rtol=0, atol=20 * n * eps(rt))
        assert_same(ga.linalg.qr(ga.asarray(a), mode="r"), np.linalg.qr(a, mode="r"), rtol=0,
                    atol=20 * n * eps(rt) * np.abs(a).max() * 4)
