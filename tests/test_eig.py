"""The non-symmetric eigenproblem on the device (linalg.eig, eigvals) against NumPy on the same
inputs.

Eigenvalues are compared as multisets: their order (the Schur form's diagonal) is LAPACK's only
where the iterations agree step for step (NumPy's LAPACK uses another QR variant for n >= 75, and
rounding can tip a deflation either way); both lists are matched by a minimum-cost assignment and
the largest distance of a matched pair is what is bounded. Eigenvectors are checked by their residuals ||A v - w v|| per column, their
norms, NumPy's phase convention, and against NumPy's vectors where the eigenvalues are distinct."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import HAS64

linear_sum_assignment = pytest.importorskip("scipy.optimize").linear_sum_assignment

FLOATS = [np.float32, np.float64] if HAS64 else [np.float32]
COMPLEX = [np.complex64, np.complex128] if HAS64 else [np.complex64]


def real_of(dtype):
    return np.finfo(dtype).dtype


def eps(dtype):
    return np.finfo(dtype).eps


@pytest.fixture
def no_fallback(fresh_fallback):
    ga.set_fallback("raise")
    yield


def matched_distance(w, ref):
    """The largest |w_i - ref_j| over the best one-to-one matching of the two multisets."""
    w, ref = np.ravel(w).astype(np.complex128), np.ravel(ref).astype(np.complex128)
    assert w.shape == ref.shape
    if w.size == 0:
        return 0.0
    d = np.abs(w[:, None] - ref[None, :])
    i, j = linear_sum_assignment(d)
    return d[i, j].max()


def check_eigvals(a, tol_factor=20.0, cond=1.0):
    """eigvals of a (one matrix or a stack) on the device vs NumPy's: dtype, shape, multiset within
    tol_factor * n * eps * ||A||_2 * cond per matrix."""
    dtype = a.dtype
    got = ga.linalg.eigvals(ga.asarray(a))
    ref = np.linalg.eigvals(a)
    assert got.dtype == ref.dtype and got.shape == ref.shape, (got.dtype, ref.dtype, got.shape)
    g = got.get()
    n = a.shape[-1]
    ct = real_of(dtype) if np.dtype(dtype).kind in "fc" else np.float64
    for idx in np.ndindex(a.shape[:-2]):
        nrm = max(np.linalg.norm(a[idx].astype(np.complex128), 2), np.finfo(ct).tiny)
        dist = matched_distance(g[idx], ref[idx])
        assert dist <= tol_factor * n * eps(ct) * nrm * cond, (idx, dist / nrm)
    return g, ref


def check_eig(a, tol_factor=20.0):
    """eig of a on the device: dtypes as NumPy's, unit columns, residual per column within
    tol_factor * n * eps * ||A||_2, eigenvalues as eigvals', complex vectors with their largest
    component real (LAPACK's convention) and the pair's second vector the conjugate of the first."""
    res = ga.linalg.eig(ga.asarray(a))
    ref = np.linalg.eig(a)
    assert isinstance(res, np.linalg._linalg.EigResult)
    assert res.eigenvalues.dtype == ref.eigenvalues.dtype
    assert res.eigenvectors.dtype == ref.eigenvectors.dtype
    assert res.eigenvectors.shape == a.shape
    w, v = res.eigenvalues.get(), res.eigenvectors.get()
    n = a.shape[-1]
    ct = real_of(a.dtype)
    cplx = np.iscomplexobj(a)
    for idx in np.ndindex(a.shape[:-2]):
        A = a[idx].astype(np.complex128)
        V = v[idx].astype(np.complex128)
        W = w[idx].astype(np.complex128)
        nrm = np.linalg.norm(A, 2)
        np.testing.assert_allclose(np.linalg.norm(V, axis=0), 1, atol=10 * n * eps(ct))
        resid = np.linalg.norm(A @ V - V * W, axis=0)
        assert resid.max() <= tol_factor * n * eps(ct) * max(nrm, np.finfo(ct).tiny), resid.max() / nrm
        assert matched_distance(W, ref.eigenvalues[idx]) <= tol_factor * n * eps(ct) * max(nrm, np.finfo(ct).tiny)
        if cplx:  # zgeev: every column's largest component (one of them, in a tie) positive real
            mag = np.abs(V)
            top = mag >= mag.max(axis=0) * (1 - 8 * eps(ct))
            assert np.all((top & (V.imag == 0) & (V.real > 0)).any(axis=0))
            continue
        for j in range(n):
            if W[j].imag > 0:
                mag = np.abs(V[:, j])
                assert np.any((mag >= mag.max() * (1 - 8 * eps(ct))) & (V[:, j].imag == 0))
                assert j + 1 < n and W[j + 1] == np.conj(W[j])
                np.testing.assert_array_equal(V[:, j + 1], np.conj(V[:, j]))
    return w, v, ref


# ----------------------------------------------------------------------------- eigvals
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 2, 3, 7, 33, 100, 129])
def test_eigvals_random(n, dtype, rng, no_fallback):
    a = rng.standard_normal((n, n)).astype(dtype)
    with ga.stats() as s:
        g, ref = check_eigvals(a)
    assert s.fallbacks == {}
    if dtype == np.float32 and HAS64:
        # NumPy computes single precision in double and rounds; so does a device with 64-bit floats
        assert matched_distance(g, ref) <= 4 * eps(dtype) * np.linalg.norm(a.astype(np.float64), 2)


@pytest.mark.parametrize("dtype", FLOATS)
def test_eigvals_batched_views_and_ints(dtype, rng, no_fallback):
    a = rng.standard_normal((3, 2, 6, 6)).astype(dtype)
    check_eigvals(a)
    # a non-contiguous transposed view and a broadcast stack
    base = rng.standard_normal((9, 9)).astype(dtype)
    view = ga.asarray(base)[::2, ::2].mT
    got = ga.linalg.eigvals(view)
    assert matched_distance(got.get(), np.linalg.eigvals(base[::2, ::2].T)) <= 50 * 5 * eps(dtype) * 10
    bc = ga.broadcast_to(ga.asarray(base[:4, :4]), (3, 4, 4))
    g = ga.linalg.eigvals(bc).get()
    assert g.shape == (3, 4)
    for i in range(3):
        assert matched_distance(g[i], np.linalg.eigvals(base[:4, :4])) <= 200 * eps(dtype) * 10
    ints = rng.integers(-5, 6, (5, 5))
    g, r = check_eigvals(ints)
    assert g.dtype == r.dtype  # float64 or complex128, as NumPy


@pytest.mark.parametrize("dtype", FLOATS)
def test_eigvals_structured(dtype, rng, no_fallback):
    n = 9
    x = rng.standard_normal((n, n))
    sym = (x + x.T).astype(dtype)
    g, r = check_eigvals(sym)
    assert g.dtype == dtype  # every eigenvalue real: a real result, as NumPy's
    check_eigvals(np.triu(x).astype(dtype))
    check_eigvals(np.tril(x).astype(dtype))
    # rotations: pure complex pairs cos t +- i sin t
    t = 0.7
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]], dtype)
    g, r = check_eigvals(rot)
    assert g.dtype == np.result_type(dtype, np.complex64)
    blocks = np.zeros((6, 6), dtype)
    for k, th in enumerate((0.3, 1.1, 2.9)):
        blocks[2 * k:2 * k + 2, 2 * k:2 * k + 2] = [[0, -th], [th, 0]]
    q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    g, _ = check_eigvals((q @ blocks @ q.T).astype(dtype))
    assert np.all(np.abs(g.real) < 100 * eps(dtype))
    # zeros: every eigenvalue zero, real
    z = np.zeros((5, 5), dtype)
    g, r = check_eigvals(z)
    assert g.dtype == dtype and np.all(g == 0)
    # near the ends of the range: scaled by a power of 2, the same relative accuracy
    big, tiny = (1e300, 1e-300) if dtype == np.float64 else (1e35, 1e-35)
    for f in (big, tiny):
        y = (x * f).astype(dtype)
        g = ga.linalg.eigvals(ga.asarray(y)).get()
        assert matched_distance(g / f, np.linalg.eigvals(y.astype(np.float64)) / f) \
            <= 20 * n * eps(dtype) * np.linalg.norm(x, 2)
    # a Hessenberg matrix with an exact zero subdiagonal entry (splits at once)
    h = np.triu(rng.standard_normal((7, 7)), -1).astype(dtype)
    h[3, 2] = 0
    check_eigvals(h)


@pytest.mark.parametrize("dtype", FLOATS)
def test_eigvals_defective_and_multiple_roots(dtype, no_fallback):
    # a Jordan block of size k: the computed eigenvalues spread by ~eps^(1/k) (NumPy's as well):
    # compared with the exact eigenvalue at that scale
    k = 4
    j = (np.eye(k) * 2.0 + np.eye(k, k=1)).astype(dtype)
    g = ga.linalg.eigvals(ga.asarray(j)).get()
    assert np.abs(g - 2.0).max() <= 10 * eps(dtype) ** (1 / k) * 3
    # the companion matrix of (x - 1)^2 (x + 2)^3 (x - 3)
    c = np.poly([1, 1, -2, -2, -2, 3])
    comp = np.diag(np.ones(5), -1)
    comp[0, :] = -c[1:] / c[0]
    g = ga.linalg.eigvals(ga.asarray(comp.astype(dtype))).get()
    exact = np.array([1, 1, -2, -2, -2, 3], np.complex128)
    assert matched_distance(g, exact) <= 50 * eps(dtype) ** (1 / 3) * 3


@pytest.mark.parametrize("dtype", FLOATS)
def test_eigvals_badly_scaled(dtype, rng, no_fallback):
    # D A D^-1 with D spanning many orders of magnitude: the eigenvalues are A's
    n = 8
    a = rng.standard_normal((n, n))
    d = 10.0 ** np.linspace(-4, 4, n) if dtype == np.float64 else 10.0 ** np.linspace(-2, 2, n)
    b = (d[:, None] * a / d[None, :]).astype(dtype)
    g = ga.linalg.eigvals(ga.asarray(b)).get()
    ref = np.linalg.eigvals(a)
    scale = np.linalg.norm(a, 2)
    assert matched_distance(g, ref) <= 1e3 * n * eps(dtype) * scale


def test_eigvals_empty_and_errors(no_fallback):
    for shape, dtype in (((0, 0), np.float64), ((2, 0, 0), np.float32), ((0, 3, 3), np.float64)):
        a = np.zeros(shape, dtype)
        got = ga.linalg.eigvals(ga.asarray(a))
        ref = np.linalg.eigvals(a)
        assert got.shape == ref.shape and got.dtype == ref.dtype
        r = ga.linalg.eig(ga.asarray(a))
        rr = np.linalg.eig(a)
        assert r.eigenvalues.shape == rr.eigenvalues.shape and r.eigenvectors.shape == rr.eigenvectors.shape
        assert r.eigenvalues.dtype == rr.eigenvalues.dtype and r.eigenvectors.dtype == rr.eigenvectors.dtype
    for bad in (np.nan, np.inf, -np.inf):
        a = np.eye(3)
        a[1, 2] = bad
        for fn in (ga.linalg.eigvals, ga.linalg.eig):
            with pytest.raises(np.linalg.LinAlgError, match="infs or NaNs"):
                fn(ga.asarray(a))
        with pytest.raises(np.linalg.LinAlgError):
            np.linalg.eigvals(a)
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        ga.linalg.eigvals(ga.zeros((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="two-dimensional"):
        ga.linalg.eigvals(ga.zeros(3))


def test_eigvals_no_convergence_raises(monkeypatch, rng, no_fallback):
    from gpuarray._kernels import schur
    monkeypatch.setattr(schur, "ITMAX_PER_ROW", 0)  # no sweep allowed: every matrix past 2 x 2 fails
    a = rng.standard_normal((6, 6))
    with pytest.raises(np.linalg.LinAlgError, match="Eigenvalues did not converge"):
        ga.linalg.eigvals(ga.asarray(a))


def test_eig_numpy_dispatch_and_host_fallback(rng):
    a = rng.standard_normal((5, 5))
    with ga.stats() as s:
        w = np.linalg.eigvals(ga.asarray(a))
        r = np.linalg.eig(ga.asarray(a))
    assert isinstance(w, ga.GpuArray) and isinstance(r.eigenvectors, ga.GpuArray) and s.fallbacks == {}
    assert matched_distance(w.get(), np.linalg.eigvals(a)) <= 1e-13
    with ga.stats() as s:
        with pytest.raises(TypeError, match="float16"):  # float16: NumPy's error, on the host (counted)
            ga.linalg.eigvals(ga.asarray(a.astype(np.float16)))
    assert s.fallbacks == {"linalg.eigvals": 1}


# ------------------------------------------------------------------------ complex input
@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("n", [1, 2, 3, 7, 33, 100])
def test_complex_eig_random(n, dtype, rng, no_fallback):
    a = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))).astype(dtype)
    with ga.stats() as s:
        check_eigvals(a)
        w, v, ref = check_eig(a)
    assert s.fallbacks == {}
    for j in range(n):  # NumPy's vectors: the same up to a unit phase (distinct eigenvalues)
        k = np.argmin(np.abs(ref.eigenvalues - w[j]))
        r = ref.eigenvectors[:, k].astype(np.complex128)
        phase = np.vdot(v[:, j].astype(np.complex128), r)
        np.testing.assert_allclose(v[:, j] * phase / abs(phase), r, atol=1e3 * n * eps(dtype))


@pytest.mark.parametrize("dtype", COMPLEX)
def test_complex_eig_structured(dtype, rng, no_fallback):
    x = rng.standard_normal((8, 8)) + 1j * rng.standard_normal((8, 8))
    herm = (x + x.conj().T).astype(dtype)
    w, v, _ = check_eig(herm)
    assert w.dtype == dtype  # complex input: a complex result, as NumPy's, real eigenvalues or not
    np.testing.assert_allclose(w.imag, 0, atol=100 * eps(dtype) * np.abs(w).max())
    check_eig(np.triu(x).astype(dtype))
    check_eig(np.tril(x).astype(dtype))
    check_eig(rng.standard_normal((6, 6)).astype(dtype))  # real entries, complex dtype
    check_eig(np.zeros((3, 3), dtype))
    check_eig((rng.standard_normal((2, 4, 4)) + 1j * rng.standard_normal((2, 4, 4))).astype(dtype))
    j = (np.eye(4) * (1 + 2j) + np.eye(4, k=1)).astype(dtype)  # a Jordan block
    g = ga.linalg.eig(ga.asarray(j))
    assert np.all(np.isfinite(g.eigenvectors.get()))
    assert np.abs(g.eigenvalues.get() - (1 + 2j)).max() <= 10 * eps(dtype) ** 0.25 * 3
    view = ga.asarray(x.astype(dtype))[1::2, ::2].mT  # a non-contiguous view
    assert matched_distance(ga.linalg.eigvals(view).get(), np.linalg.eigvals(x[1::2, ::2].T.astype(dtype))) \
        <= 1e3 * 4 * eps(dtype) * 4
    for bad in (np.nan, np.inf):
        y = np.eye(3, dtype=dtype)
        y[0, 2] = bad
        with pytest.raises(np.linalg.LinAlgError, match="infs or NaNs"):
            ga.linalg.eigvals(ga.asarray(y))
    e = ga.linalg.eig(ga.asarray(np.zeros((0, 0), dtype)))
    assert e.eigenvalues.dtype == dtype and e.eigenvectors.shape == (0, 0)


def test_roots_complex_coefficients(no_fallback):
    p = np.array([1, -2j, 3 + 1j, 0.5, 0], np.complex128)
    with ga.stats() as s:
        g = ga.roots(ga.asarray(p))
    assert s.fallbacks == {}
    ref = np.roots(p)
    assert g.dtype == ref.dtype and g.shape == ref.shape
    assert matched_distance(g.get(), ref) <= 1e-12 * np.abs(ref).max()


# --------------------------------------------------------------------------------- eig
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 2, 3, 7, 33, 100])
def test_eig_random(n, dtype, rng, no_fallback):
    a = rng.standard_normal((n, n)).astype(dtype)
    w, v, ref = check_eig(a)
    # vectors against NumPy's: each of ours times a unit phase is NumPy's (distinct eigenvalues)
    for j in range(n):
        k = np.argmin(np.abs(ref.eigenvalues - w[j]))
        r = ref.eigenvectors[:, k].astype(np.complex128)
        phase = np.vdot(v[:, j].astype(np.complex128), r)
        np.testing.assert_allclose(v[:, j] * phase / abs(phase), r, atol=1e3 * n * eps(dtype))


@pytest.mark.parametrize("dtype", FLOATS)
def test_eig_structured(dtype, rng, no_fallback):
    x = rng.standard_normal((8, 8))
    w, v, _ = check_eig((x + x.T).astype(dtype))
    assert w.dtype == dtype and v.dtype == dtype
    check_eig(np.triu(x).astype(dtype))
    check_eig(np.tril(x).astype(dtype))
    t = 1.3
    w, v, ref = check_eig(np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]], dtype))
    # NumPy's vectors of a rotation: (1, -+i) / sqrt(2) up to LAPACK's phase convention
    np.testing.assert_allclose(np.abs(v), np.full((2, 2), 2 ** -0.5), rtol=10 * eps(dtype))
    w, v, _ = check_eig(np.zeros((4, 4), dtype))
    np.testing.assert_array_equal(v, np.eye(4))  # NumPy's: the identity
    w, v, _ = check_eig(rng.standard_normal((2, 3, 5, 5)).astype(dtype))  # batched


@pytest.mark.parametrize("dtype", FLOATS)
def test_eig_defective(dtype, no_fallback):
    # a Jordan block: every computed vector is (nearly) e_0, finite, unit
    j = (np.eye(5) * -1.5 + np.eye(5, k=1)).astype(dtype)
    res = ga.linalg.eig(ga.asarray(j))
    v = res.eigenvectors.get()
    assert np.all(np.isfinite(v))
    np.testing.assert_allclose(np.abs(v[0]), 1, atol=1e-2)
    np.testing.assert_allclose(np.linalg.norm(v, axis=0), 1, atol=50 * eps(dtype))
    # nearly defective: the back-substitution grows the vectors to the rescaling bound (their
    # squares would overflow float32): still unit vectors
    near = (np.diag(np.ones(9), 1) + np.diag(np.ones(9), -1) * 1e-8).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        check_eig(near, tol_factor=100.0)
    # a diagonalizable matrix with repeated eigenvalues: residuals still small
    q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((6, 6)))
    check_eig((q @ np.diag([2.0, 2.0, 2.0, -1.0, -1.0, 5.0]) @ q.T).astype(dtype))


# ------------------------------------------------------------------------ roots, poly
@pytest.mark.parametrize("p", [[1, -3, 2], [0, 0, 1, 2, 0, 0], [2.0], [0, 0], [1, 0, 1], [5, 0, 0],
                               [1, -6, 11, -6], [3, -1.5, 0.25, 7, -2, 1, 0.5, -4]])
def test_roots(p, no_fallback):
    p = np.asarray(p)
    with ga.stats() as s:
        g = ga.roots(ga.asarray(p))
        got = g.get()
    assert s.fallbacks == {}
    ref = np.roots(p)
    assert g.dtype == ref.dtype and g.shape == ref.shape
    assert matched_distance(got, ref) <= 1e-12 * max(1.0, np.abs(ref).max(initial=0))
    if (p != 0).sum() and p[np.flatnonzero(p)[-1] + 1:].size:  # trailing zeros: exact zero roots
        assert (got == 0).sum() >= len(p) - 1 - np.flatnonzero(p)[-1]


def test_roots_dtypes_multiple_and_errors(no_fallback):
    p32 = np.array([1, 2, 3], np.float32)
    g = ga.roots(ga.asarray(p32))
    assert g.dtype == np.roots(p32).dtype == np.complex64
    assert matched_distance(g.get(), np.roots(p32)) <= 1e-5
    # multiple roots: (x - 1)^2 (x + 2)^3 spread by ~eps^(1/3), as NumPy's
    p = np.poly([1, 1, -2, -2, -2])
    assert matched_distance(ga.roots(ga.asarray(p)).get(), np.array([1, 1, -2, -2, -2])) <= 1e-4
    assert ga.roots(ga.asarray(np.array([], np.float64))).shape == (0,)
    with pytest.raises(ValueError, match="rank-1"):
        ga.roots(ga.zeros((2, 2)))


def test_poly(no_fallback, rng):
    cases = [np.array([1.0, 2.0, 3.0]), np.array([1j, -1j, 2.0]), np.array([1j, 2.0]), np.array([1, 2], np.int64),
             np.array([1.5, -2.5], np.float32), np.array([[1.0, 2.0], [3.0, 4.0]], np.float32),
             np.array([[0.0, -1.0], [1.0, 0.0]]), rng.standard_normal((5, 5)), np.array([4.0])]
    for z in cases:
        with ga.stats() as s:
            g = ga.poly(ga.asarray(z))
            got = g.get()
        assert s.fallbacks == {}
        ref = np.poly(z)
        assert g.dtype == ref.dtype and g.shape == ref.shape, (z, g.dtype, ref.dtype)
        tol = 1e-4 if np.asarray(z).dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, ref, rtol=tol, atol=tol * np.abs(ref).max())
    # signed zeros as NumPy's (its convolution sums start from +0)
    z = np.array([1j, 2.0])
    np.testing.assert_array_equal(np.signbit(ga.poly(ga.asarray(z)).get().real), np.signbit(np.poly(z).real))
    assert ga.poly(ga.asarray(np.zeros(0))) == np.poly(np.zeros(0)) == 1.0
    with pytest.raises(ValueError, match="1d or non-empty square"):
        ga.poly(ga.zeros((2, 3)))
    for fn in (ga.poly, ga.roots):  # a scalar: NumPy's TypeError (its dispatcher iterates over it)
        with pytest.raises(TypeError):
            fn(ga.asarray(4.0))


@pytest.mark.parametrize("dtype", [np.float64, np.complex64])
def test_eig_poisoned_buffer_pool(dtype, rng, no_fallback):
    # freed buffers of the work sizes filled with NaN first: every output entry must be written
    n, b = 6, 3
    for shape in ((b, n, n), (b, 2 * n), (b, n), (b, 3 * n), (b, n, n, 2)):
        junk = ga.full(shape, np.nan, dtype=np.complex128)
        junk.get()
        del junk
    a = rng.standard_normal((b, n, n)).astype(dtype)
    if np.iscomplexobj(a):
        a = a + 1j * rng.standard_normal((b, n, n)).astype(dtype)
    w, v, _ = check_eig(a)
    assert np.all(np.isfinite(w)) and np.all(np.isfinite(v))


# ------------------------------------------- single-precision kernels (devices without float64)
@pytest.fixture
def single_kernels(monkeypatch, no_fallback):
    from gpuarray._api import eig as eig_api
    monkeypatch.setattr(eig_api, "SINGLE_IN_DOUBLE", False)


@pytest.mark.parametrize("dtype", [np.float32, np.complex64])
@pytest.mark.parametrize("n", [2, 7, 33, 100])
def test_single_precision_kernels_random(n, dtype, rng, single_kernels):
    a = rng.standard_normal((n, n)).astype(dtype)
    if np.iscomplexobj(a):
        a = a + 1j * rng.standard_normal((n, n)).astype(np.float32)
    check_eigvals(a)
    check_eig(a)


@pytest.mark.parametrize("dtype", [np.float32, np.complex64])
def test_single_precision_kernels_structured(dtype, rng, single_kernels):
    x = rng.standard_normal((8, 8))
    check_eig((x + x.T).astype(dtype))
    check_eig(np.triu(x).astype(dtype))
    check_eig(rng.standard_normal((2, 3, 5, 5)).astype(dtype))
    t = 0.9
    check_eig(np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]], dtype))
    j = (np.eye(5) * -1.5 + np.eye(5, k=1)).astype(dtype)  # a Jordan block: finite unit vectors
    v = ga.linalg.eig(ga.asarray(j)).eigenvectors.get()
    assert np.all(np.isfinite(v))
    np.testing.assert_allclose(np.linalg.norm(v, axis=0), 1, atol=50 * eps(dtype))
    near = (np.diag(np.ones(9), 1) + np.diag(np.ones(9), -1) * 1e-8).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the back-substitution's growth overflows nothing
        check_eig(near, tol_factor=100.0)
    n = 8
    d = 10.0 ** np.linspace(-2, 2, n)
    b = (d[:, None] * x / d[None, :]).astype(dtype)
    assert matched_distance(ga.linalg.eigvals(ga.asarray(b)).get(), np.linalg.eigvals(x)) \
        <= 1e3 * n * eps(dtype) * np.linalg.norm(x, 2)


@pytest.mark.parametrize("dtype", FLOATS + COMPLEX)
def test_isolated_eigenvalues_exact(dtype, rng, no_fallback):
    # gebal's permutation isolates these: their eigenvalues come out exactly (as NumPy's), the
    # order of all of them is compared as a multiset
    n = 9
    x = rng.standard_normal((n, n)).astype(dtype)
    for a in (np.triu(x), np.tril(x)):
        g = ga.linalg.eigvals(ga.asarray(a)).get()
        np.testing.assert_array_equal(np.sort_complex(g.astype(np.complex128)),
                                      np.sort_complex(np.diag(a).astype(np.complex128)))
    y = x.copy()
    y[2, :] = 0
    y[2, 2] = 7  # row 2 isolates the eigenvalue 7
    y[:, 5] = 0
    y[5, 5] = -3  # column 5 isolates -3
    w, v, ref = check_eig(y)
    assert 7 in w and -3 in w
    assert matched_distance(w, ref.eigenvalues) <= 20 * n * eps(dtype) * np.linalg.norm(y.astype(np.complex128), 2)
