"""The SVD family on the device (svd, svdvals, pinv, lstsq, matrix_rank, cond, matrix 2/-2/nuc
norms) against NumPy on the same inputs: singular values to n eps sigma_max (rank-deficient and
ill-conditioned inputs included), U S Vh to the same backward error, orthonormal factors, NumPy's
shapes, dtypes, result types and errors, and no host fallback."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import HAS64, assert_same

FLOATS = [np.float32, np.float64] if HAS64 else [np.float32]


def eps(dtype):
    return np.finfo(dtype).eps


@pytest.fixture
def no_fallback(fresh_fallback):
    ga.set_fallback("raise")
    yield


def check_svd(a, u, s, vh, dtype, full=False, c=4):
    a64 = a.astype(np.float64)
    ref = np.linalg.svd(a64, compute_uv=False)
    k = min(a.shape[-2:])
    n = max(k, 1)
    smax = np.abs(ref).max() if ref.size else 1.0
    assert s.dtype == dtype and s.shape == a.shape[:-2] + (k,)
    assert np.all(np.diff(s, axis=-1) <= 0)  # descending
    assert np.abs(s - ref).max() <= c * n * eps(dtype) * smax
    if u is None:
        return
    m, nn = a.shape[-2:]
    assert u.shape == a.shape[:-2] + ((m, m) if full else (m, k))
    assert vh.shape == a.shape[:-2] + ((nn, nn) if full else (k, nn))
    u64, vh64 = u.astype(np.float64), vh.astype(np.float64)
    rec = (u64[..., :, :k] * s[..., None, :]) @ vh64[..., :k, :]
    assert np.abs(rec - a64).max() <= c * n * eps(dtype) * smax
    assert np.abs(np.swapaxes(u64, -1, -2) @ u64 - np.eye(u.shape[-1])).max() <= c * n * eps(dtype)
    assert np.abs(vh64 @ np.swapaxes(vh64, -1, -2) - np.eye(vh.shape[-2])).max() <= c * n * eps(dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (17, 5), (5, 17), (64, 64), (1000, 40), (8, 16, 16)])
def test_svd(shape, dtype, rng, no_fallback):
    a = rng.standard_normal(shape).astype(dtype)
    with ga.stats() as st:
        res = ga.linalg.svd(ga.asarray(a), full_matrices=False)
        u, s, vh = res.U.get(), res.S.get(), res.Vh.get()
        sv = ga.linalg.svdvals(ga.asarray(a)).get()
    assert st.fallbacks == {}
    assert type(res).__name__ == "SVDResult" and u.dtype == dtype
    check_svd(a, u, s, vh, dtype)
    check_svd(a, None, sv, None, dtype)


def test_svd_257x129(rng, no_fallback):
    a = rng.standard_normal((257, 129)).astype(np.float32)
    u, s, vh = ga.linalg.svd(ga.asarray(a), full_matrices=False)
    check_svd(a, u.get(), s.get(), vh.get(), np.float32)


@pytest.mark.parametrize("dtype", FLOATS)
def test_svd_full_matrices_numpy_dispatch_and_integers(dtype, rng, no_fallback):
    for shape in [(17, 5), (5, 17), (3, 6, 4)]:
        a = rng.standard_normal(shape).astype(dtype)
        u, s, vh = np.linalg.svd(ga.asarray(a))  # NumPy's function on a GpuArray: full matrices
        assert isinstance(u, ga.GpuArray)
        check_svd(a, u.get(), s.get(), vh.get(), dtype, full=True)
        s2 = np.linalg.svd(ga.asarray(a), compute_uv=False)
        check_svd(a, None, s2.get(), None, dtype)
    ai = rng.integers(-5, 5, (6, 4))
    u, s, vh = ga.linalg.svd(ga.asarray(ai))
    check_svd(ai, u.get(), s.get(), vh.get(), np.float64, full=True)
    # a strided, transposed view
    big = rng.standard_normal((30, 40)).astype(dtype)
    view = big[2:20:2, 5:35:3].T
    u, s, vh = ga.linalg.svd(ga.asarray(big)[2:20:2, 5:35:3].T, full_matrices=False)
    check_svd(view, u.get(), s.get(), vh.get(), dtype)


@pytest.mark.parametrize("dtype", FLOATS)
def test_svd_rank_deficient_and_ill_conditioned(dtype, rng, no_fallback):
    a = (rng.standard_normal((40, 5)) @ rng.standard_normal((5, 30))).astype(dtype)  # rank 5
    u, s, vh = ga.linalg.svd(ga.asarray(a), full_matrices=False)
    check_svd(a, u.get(), s.get(), vh.get(), dtype)
    q1, _ = np.linalg.qr(rng.standard_normal((50, 30)))
    q2, _ = np.linalg.qr(rng.standard_normal((30, 30)))
    ill = ((q1 * np.logspace(0, -12, 30)) @ q2).astype(dtype)
    u, s, vh = ga.linalg.svd(ga.asarray(ill), full_matrices=False)
    check_svd(ill, u.get(), s.get(), vh.get(), dtype)
    # exact zeros: a zero matrix, a zero column; huge and tiny scales
    z = np.zeros((6, 4), dtype)
    u, s, vh = ga.linalg.svd(ga.asarray(z))
    assert_same(s, np.zeros(4, dtype))
    check_svd(z, u.get(), s.get(), vh.get(), dtype, full=True)
    zc = rng.standard_normal((7, 5)).astype(dtype)
    zc[:, 2] = 0
    u, s, vh = ga.linalg.svd(ga.asarray(zc))
    check_svd(zc, u.get(), s.get(), vh.get(), dtype, full=True)
    scale = 1e30 if dtype == np.float32 else 1e300
    for sc in (scale, 1 / scale):
        b = (zc * dtype(sc)).astype(dtype)
        s = ga.linalg.svdvals(ga.asarray(b)).get()
        np.testing.assert_allclose(s / sc, np.linalg.svd(zc.astype(np.float64), compute_uv=False),
                                   rtol=0, atol=20 * eps(dtype) * np.abs(zc).max())


def test_svd_errors_empty_hermitian(rng, no_fallback):
    a = rng.standard_normal((5, 4))
    a[1, 2] = np.nan
    with pytest.raises(np.linalg.LinAlgError, match="SVD did not converge"):
        ga.linalg.svd(ga.asarray(a))
    a[1, 2] = np.inf
    with pytest.raises(np.linalg.LinAlgError):
        ga.linalg.svdvals(ga.asarray(a))
    with pytest.raises(np.linalg.LinAlgError):
        ga.linalg.svd(ga.asarray(np.ones(3)))
    for shape in [(0, 3), (3, 0), (2, 0, 4)]:
        e = np.zeros(shape)
        for full in (True, False):
            got, ref = ga.linalg.svd(ga.asarray(e), full_matrices=full), np.linalg.svd(e, full_matrices=full)
            for g, r in zip(got, ref):
                assert_same(g, r)
    # hermitian=True: NumPy's construction from eigh (|eigenvalues| descending)
    h = rng.standard_normal((6, 6))
    h = h + h.T
    u, s, vh = ga.linalg.svd(ga.asarray(h), hermitian=True)
    ru, rs, rvh = np.linalg.svd(h, hermitian=True)
    np.testing.assert_allclose(s.get(), rs, rtol=1e-12)
    np.testing.assert_allclose((u.get() * s.get()) @ vh.get(), h, atol=1e-12)
    np.testing.assert_allclose(ga.linalg.svd(ga.asarray(h), compute_uv=False, hermitian=True).get(), rs, rtol=1e-12)


@pytest.mark.parametrize("dtype", FLOATS)
def test_pinv(dtype, rng, no_fallback):
    tol = 100 * eps(dtype)
    # (rank-deficient: a cutoff above the rounding level, else pinv inverts noise)
    for a, kw in [(rng.standard_normal((7, 4)), {}), (rng.standard_normal((4, 7)), {}),
                  (rng.standard_normal((3, 5, 5)), {}),
                  (rng.standard_normal((8, 3)) @ rng.standard_normal((3, 6)), {"rcond": 1e-4})]:
        a = a.astype(dtype)
        with ga.stats() as st:
            p = ga.linalg.pinv(ga.asarray(a), **kw).get()
        assert st.fallbacks == {}
        ref = np.linalg.pinv(a.astype(np.float64), **kw)
        assert p.dtype == dtype and p.shape == ref.shape
        np.testing.assert_allclose(p, ref, rtol=0, atol=tol * 10 * np.abs(ref).max())
    a = np.diag([1.0, 1e-3, 1e-9]).astype(dtype)
    for kw in [dict(rcond=1e-4), dict(rtol=1e-4), dict(rtol=None), dict(hermitian=True)]:
        np.testing.assert_allclose(ga.linalg.pinv(ga.asarray(a), **kw).get(), np.linalg.pinv(a, **kw),
                                   rtol=1e-5, atol=1e-5 * (1e9 if dtype == np.float64 else 1e3))
    with pytest.raises(ValueError):
        ga.linalg.pinv(ga.asarray(a), rcond=1e-3, rtol=1e-3)
    assert_same(ga.linalg.pinv(ga.asarray(np.zeros((0, 3), dtype))), np.linalg.pinv(np.zeros((0, 3), dtype)))


@pytest.mark.parametrize("dtype", FLOATS)
def test_lstsq(dtype, rng, no_fallback):
    tol = 200 * eps(dtype)
    cases = [(rng.standard_normal((20, 5)), rng.standard_normal(20)),
             (rng.standard_normal((20, 5)), rng.standard_normal((20, 3))),
             (rng.standard_normal((4, 9)), rng.standard_normal((4, 2))),
             (rng.standard_normal((12, 3)) @ rng.standard_normal((3, 6)), rng.standard_normal(12))]
    for i, (a, b) in enumerate(cases):
        a, b = a.astype(dtype), b.astype(dtype)
        rc = 1e-4 if i == 3 else None  # rank-deficient: a cutoff above the rounding level
        with ga.stats() as st:
            x, res, rank, s = ga.linalg.lstsq(ga.asarray(a), ga.asarray(b), rcond=rc)
            x, res, s = x.get(), res.get(), s.get()
        assert st.fallbacks == {}
        rx, rres, rrank, rs = np.linalg.lstsq(a, b, rcond=rc)
        assert rank == rrank and x.shape == rx.shape and res.shape == rres.shape and x.dtype == rx.dtype
        np.testing.assert_allclose(x, rx, rtol=0, atol=tol * np.abs(rx).max() * 10)
        np.testing.assert_allclose(res, rres, rtol=100 * tol)
        np.testing.assert_allclose(s, rs, rtol=0, atol=tol * rs.max())
    a = rng.standard_normal((6, 3))
    with pytest.raises(np.linalg.LinAlgError):
        ga.linalg.lstsq(ga.asarray(a), ga.asarray(np.ones(5)))
    x, res, rank, s = ga.linalg.lstsq(ga.asarray(a), ga.asarray(np.ones(6)), rcond=0.9)
    rx, rres, rrank, _ = np.linalg.lstsq(a, np.ones(6), rcond=0.9)
    assert rank == rrank and res.shape == rres.shape
    np.testing.assert_allclose(x.get(), rx, atol=1e-12)


@pytest.mark.parametrize("dtype", FLOATS)
def test_matrix_rank_cond_norms(dtype, rng, no_fallback):
    a = (rng.standard_normal((3, 9, 4)) @ rng.standard_normal((3, 4, 7))).astype(dtype)  # rank 4
    with ga.stats() as st:
        r = ga.linalg.matrix_rank(ga.asarray(a))
        assert_same(r, np.linalg.matrix_rank(a))
        assert_same(ga.linalg.matrix_rank(ga.asarray(a), tol=1e-2), np.linalg.matrix_rank(a, tol=1e-2))
        assert_same(ga.linalg.matrix_rank(ga.asarray(a), rtol=0.5), np.linalg.matrix_rank(a, rtol=0.5))
        h = a[0] @ a[0].T
        assert_same(ga.linalg.matrix_rank(ga.asarray(h), hermitian=True), np.linalg.matrix_rank(h, hermitian=True))
        sq = rng.standard_normal((2, 6, 6)).astype(dtype)
        for p in (None, 2, -2, 1, -1, np.inf, -np.inf, "fro"):
            got = ga.linalg.cond(ga.asarray(sq), p)
            ref = np.linalg.cond(sq.astype(np.float64), p)
            np.testing.assert_allclose(got.get(), ref, rtol=300 * eps(dtype))
        for ordr in (2, -2, "nuc"):
            np.testing.assert_allclose(ga.linalg.norm(ga.asarray(sq[0]), ordr).get(),
                                       np.linalg.norm(sq[0].astype(np.float64), ordr), rtol=100 * eps(dtype))
            np.testing.assert_allclose(ga.linalg.matrix_norm(ga.asarray(sq), ord=ordr, keepdims=True).get(),
                                       np.linalg.matrix_norm(sq.astype(np.float64), ord=ordr, keepdims=True),
                                       rtol=100 * eps(dtype))
        np.testing.assert_allclose(ga.linalg.norm(ga.asarray(a), 2, axis=(0, 2)).get(),
                                   np.linalg.norm(a.astype(np.float64), 2, axis=(0, 2)), rtol=100 * eps(dtype))
    assert st.fallbacks == {}
    assert ga.linalg.matrix_rank(ga.asarray(np.array([0.0, 1.0]))) == 1
    # a singular matrix: cond is inf (NumPy's: the NaN of the failed inverse becomes inf)
    sing = np.array([[1.0, 2.0], [2.0, 4.0]], dtype)
    for p in (None, 1, np.inf):
        got, ref = ga.linalg.cond(ga.asarray(sing), p).get(), np.linalg.cond(sing, p)
        assert (np.isinf(got) and np.isinf(ref)) or got > 1e6
    with pytest.raises(np.linalg.LinAlgError):
        ga.linalg.cond(ga.asarray(np.zeros((0, 0))))


COMPLEX = [np.complex64, np.complex128] if HAS64 else [np.complex64]


def check_svd_complex(a, u, s, vh, ct, full=False, c=4):
    rt = np.finfo(ct).dtype
    a = a.astype(np.complex128)
    ref = np.linalg.svd(a, compute_uv=False)
    k = min(a.shape[-2:])
    n = max(k, 1)
    smax = np.abs(ref).max()
    assert s.dtype == rt and np.all(np.diff(s, axis=-1) <= 0)
    assert np.abs(s - ref).max() <= c * n * eps(rt) * smax
    if u is None:
        return
    m, nn = a.shape[-2:]
    assert u.dtype == ct and u.shape == a.shape[:-2] + ((m, m) if full else (m, k))
    assert vh.shape == a.shape[:-2] + ((nn, nn) if full else (k, nn))
    u, vh = u.astype(np.complex128), vh.astype(np.complex128)
    assert np.abs((u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :] - a).max() <= c * n * eps(rt) * smax
    assert np.abs(np.swapaxes(u, -1, -2).conj() @ u - np.eye(u.shape[-1])).max() <= c * n * eps(rt)
    assert np.abs(vh @ np.swapaxes(vh, -1, -2).conj() - np.eye(vh.shape[-2])).max() <= c * n * eps(rt)


@pytest.mark.parametrize("ct", COMPLEX)
def test_svd_complex(ct, rng, no_fallback):
    """Complex SVD on the device: complex QR, one-sided Jacobi with complex rotations, U from a QR
    of the rotated columns (zero singular values and full_matrices included)."""
    for shape in [(1, 1), (5, 3), (3, 5), (17, 17), (2, 6, 4)]:
        a = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(ct)
        for full in (False, True):
            with ga.stats() as st:
                u, s, vh = ga.linalg.svd(ga.asarray(a), full_matrices=full)
                check_svd_complex(a, u.get(), s.get(), vh.get(), ct, full)
            assert st.fallbacks == {}
        check_svd_complex(a, None, ga.linalg.svdvals(ga.asarray(a)).get(), None, ct)
    low = (rng.standard_normal((8, 2)) + 1j * rng.standard_normal((8, 2))) @ rng.standard_normal((2, 5))
    low[:, 1] = 0  # rank 2 with an exactly zero column
    low = low.astype(ct)
    for full in (False, True):
        u, s, vh = ga.linalg.svd(ga.asarray(low), full_matrices=full)
        check_svd_complex(low, u.get(), s.get(), vh.get(), ct, full)
    with ga.stats() as st:
        np.testing.assert_allclose(ga.linalg.pinv(ga.asarray(low), rcond=1e-4).get(),
                                   np.linalg.pinv(low.astype(np.complex128), rcond=1e-4), rtol=0, atol=1e3 * eps(ct))
        assert_same(ga.linalg.matrix_rank(ga.asarray(low)), np.linalg.matrix_rank(low))
        a2 = (rng.standard_normal((8, 3)) + 1j * rng.standard_normal((8, 3))).astype(ct)
        b = (rng.standard_normal(8) + 1j * rng.standard_normal(8)).astype(ct)
        x, res, rank, s = ga.linalg.lstsq(ga.asarray(a2), ga.asarray(b))
        rx, rres, rrank, rs = np.linalg.lstsq(a2, b)
        assert x.dtype == rx.dtype and res.dtype == rres.dtype and rank == rrank
        np.testing.assert_allclose(x.get(), rx, rtol=0, atol=1e3 * eps(ct) * np.abs(rx).max())
        np.testing.assert_allclose(res.get(), rres, rtol=1e3 * eps(ct))
        for ordr in (2, -2, "nuc"):
            np.testing.assert_allclose(ga.linalg.norm(ga.asarray(a2), ordr).get(), np.linalg.norm(a2, ordr),
                                       rtol=100 * eps(ct))
        np.testing.assert_allclose(ga.linalg.cond(ga.asarray(a2)).get(), np.linalg.cond(a2), rtol=100 * eps(ct))
    assert st.fallbacks == {}


@pytest.mark.parametrize("ct", COMPLEX)
def test_complex_cond(ct, rng, no_fallback):
    rt = np.finfo(ct).dtype
    a = (rng.standard_normal((2, 5, 5)) + 1j * rng.standard_normal((2, 5, 5))).astype(ct)
    for p in (None, 2, -2, 1, -1, np.inf, -np.inf, "fro"):
        got = ga.linalg.cond(ga.asarray(a), p)
        ref = np.linalg.cond(a.astype(np.complex128), p)
        assert got.dtype == rt
        np.testing.assert_allclose(got.get(), ref, rtol=300 * eps(rt))
    sing = np.zeros((3, 3), ct)
    sing[0, 0] = 1j
    assert np.isinf(ga.linalg.cond(ga.asarray(sing), 1).get())


def test_float16_falls_back(fresh_fallback):
    a = np.array([[2.0, 1.0], [1.0, 3.0]], np.float16)
    with ga.stats() as st, pytest.raises(TypeError):  # NumPy's error: float16 is not supported
        ga.linalg.svd(ga.asarray(a))
    assert st.fallbacks == {"linalg.svd": 1}
