"""Former host fallbacks of ordinary code on the device (histogram2d/dd, apply_along_axis/over_axes,
resize, polyder/polyint/polyfit, weighted quantiles, large weighted bincount), against NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same


def _device(fn):
    """fn() run with no host fallback counted."""
    with ga.stats() as s:
        r = fn()
        for v in (r if isinstance(r, (tuple, list)) else (r,)):
            for w in (v if isinstance(v, (tuple, list)) else (v,)):
                if isinstance(w, ga.GpuArray):
                    w.get()
    assert not s.fallbacks, s.fallbacks
    return r


# ----------------------------------------------------------------------------- histogram2d / dd
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_histogram2d(dtype, rng):
    x = (rng.standard_normal(301) * 3).astype(dtype)
    y = (rng.standard_normal(301) * 2 + 1).astype(dtype)
    for kw in ({}, {"bins": 7}, {"bins": (4, 6)}, {"bins": [np.array([-3, 0, 1, 5.5]), 5]},
               {"bins": 5, "range": [[-2, 2], [0, 3]]}, {"bins": 6, "density": True}):
        h, ex, ey = _device(lambda: ga.histogram2d(ga.asarray(x), ga.asarray(y), **kw))
        H, EX, EY = np.histogram2d(x, y, **kw)
        assert_same(h, H)
        assert_same(ex, EX)
        assert_same(ey, EY)
    w = rng.random(301).astype(np.float32)
    h, _, _ = _device(lambda: ga.histogram2d(ga.asarray(x), ga.asarray(y), bins=5, weights=ga.asarray(w)))
    assert_same(h, np.histogram2d(x, y, bins=5, weights=w)[0], rtol=1e-6)
    # NumPy dispatch, non-contiguous views
    h, _, _ = _device(lambda: np.histogram2d(ga.asarray(x)[:300:2], ga.asarray(y)[1::2], bins=4))
    assert_same(h, np.histogram2d(x[:300:2], y[1::2], bins=4)[0])


def test_histogramdd(rng):
    s = rng.standard_normal((211, 3))
    s[5, 1] = np.nan  # NaN lands outside every bin (explicit range)
    for kw in ({"bins": 4, "range": [(-2, 2)] * 3}, {"bins": (3, 4, 5), "range": [(-3, 3), (-1, 2), (0, 1)]}):
        h, edges = _device(lambda: ga.histogramdd(ga.asarray(s), **kw))
        H, E = np.histogramdd(s, **kw)
        assert_same(h, H)
        for e, ee in zip(edges, E):
            assert_same(e, ee)
    s = s[np.isfinite(s).all(1)]
    h, edges = _device(lambda: ga.histogramdd(ga.asarray(s), bins=3, density=True))
    H, E = np.histogramdd(s, bins=3, density=True)
    assert_same(h, H)
    # a sequence of 1-D coordinate arrays, weights
    w = rng.random(len(s))
    h, _ = _device(lambda: ga.histogramdd([ga.asarray(s[:, 0]), ga.asarray(s[:, 2])], bins=5, weights=ga.asarray(w)))
    assert_same(h, np.histogramdd([s[:, 0], s[:, 2]], bins=5, weights=w)[0])
    # empty sample
    h, _ = _device(lambda: ga.histogramdd(ga.asarray(np.zeros((0, 2))), bins=3))
    assert_same(h, np.histogramdd(np.zeros((0, 2)), bins=3)[0])
    with pytest.raises(ValueError):
        ga.histogramdd(ga.asarray(s), bins=0)


# ----------------------------------------------------------------------------- apply_along_axis / over_axes
def test_apply_along_axis(rng):
    a = rng.standard_normal((4, 5, 3)).astype(np.float32)
    g = ga.asarray(a)
    for ax in (0, 1, -1):
        assert_same(_device(lambda: ga.apply_along_axis(np.sum, ax, g)), np.apply_along_axis(np.sum, ax, a))
        assert_same(_device(lambda: ga.apply_along_axis(ga.mean, ax, g)), np.apply_along_axis(np.mean, ax, a))
        # a function with a vector result, called per slice on the device
        f = lambda v: v[::-1] * 2 + v.max()  # noqa: E731
        assert_same(_device(lambda: ga.apply_along_axis(f, ax, g)), np.apply_along_axis(f, ax, a))
    # a result of another length, extra arguments, NumPy dispatch
    f2 = lambda v, k: ga.sort(v)[:k] if isinstance(v, ga.GpuArray) else np.sort(v)[:k]  # noqa: E731
    assert_same(_device(lambda: np.apply_along_axis(f2, 1, g, 2)), np.apply_along_axis(f2, 1, a, 2))
    # a 2-D result per slice
    f3 = lambda v: ga.outer(v, v) if isinstance(v, ga.GpuArray) else np.outer(v, v)  # noqa: E731
    assert_same(_device(lambda: ga.apply_along_axis(f3, 0, g[:, :2, 0])), np.apply_along_axis(f3, 0, a[:, :2, 0]))
    e = np.zeros((0, 3), np.float32)
    assert_same(_device(lambda: ga.apply_along_axis(np.sum, 0, ga.asarray(e))), np.apply_along_axis(np.sum, 0, e))
    with pytest.raises(ValueError):
        ga.apply_along_axis(np.sum, 0, ga.asarray(np.zeros((3, 0))))


def test_apply_over_axes(rng):
    a = rng.standard_normal((3, 4, 5))
    g = ga.asarray(a)
    for axes in ([0, 2], 1, (0, 1, 2)):
        assert_same(_device(lambda: ga.apply_over_axes(ga.sum, g, axes)), np.apply_over_axes(np.sum, a, axes))
        assert_same(_device(lambda: np.apply_over_axes(np.max, g, axes)), np.apply_over_axes(np.max, a, axes))


# ----------------------------------------------------------------------------- resize
@pytest.mark.parametrize("shape", [(7,), (2, 5), (3, 4, 2), (0,), (), 13])
def test_resize_function(shape, rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    assert_same(_device(lambda: ga.resize(ga.asarray(a), shape)), np.resize(a, shape))
    assert_same(_device(lambda: np.resize(ga.asarray(a)[:, ::2], shape)), np.resize(a[:, ::2], shape))
    e = np.zeros((0,), np.int32)
    assert_same(_device(lambda: ga.resize(ga.asarray(e), shape)), np.resize(e, shape))
    with pytest.raises(ValueError):
        ga.resize(ga.asarray(a), (-1, 2))


# ----------------------------------------------------------------------------- polynomials
def test_polyder_polyint(rng):
    for p in (np.array([3.0, -2.0, 0.5, 7.0]), np.array([2, 5, 1]), np.array([4.0])):
        g = ga.asarray(p)
        for m in (1, 2, 5):
            assert_same(_device(lambda: ga.polyder(g, m)), np.polyder(p, m))
            assert_same(_device(lambda: ga.polyint(g, m)), np.polyint(p, m))
        assert_same(_device(lambda: ga.polyint(g, 2, k=[1.5, -2])), np.polyint(p, 2, k=[1.5, -2]))
        assert_same(_device(lambda: np.polyder(g)), np.polyder(p))
    with pytest.raises(ValueError):
        ga.polyder(ga.asarray([1.0, 2.0]), -1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_polyfit(dtype, rng):
    """NumPy's steps on the device (scaled Vandermonde, SVD least squares): float32 solves in
    float32 as NumPy's LAPACK does, integers in float64; full= and cov= too, ill-conditioned fits."""
    x = np.linspace(-3, 4, 53)
    y = 0.5 * x**3 - x + 2 + rng.standard_normal(53) * 0.1
    if dtype == np.int64:
        x, y = np.round(x * 3).astype(dtype), np.round(y * 10).astype(dtype)
    else:
        x, y = x.astype(dtype), y.astype(dtype)
    tol = {"rtol": 1e-8, "atol": 1e-10}
    gx, gy = ga.asarray(x), ga.asarray(y)
    for deg in (0, 1, 3):
        assert_same(_device(lambda: ga.polyfit(gx, gy, deg)), np.polyfit(x, y, deg), **tol)
    y2 = np.stack([y, 2 * y - x], axis=1)
    assert_same(_device(lambda: np.polyfit(gx, ga.asarray(y2), 2)), np.polyfit(x, y2, 2), **tol)
    w = rng.random(53) + 0.5
    assert_same(_device(lambda: ga.polyfit(gx, gy, 2, w=ga.asarray(w))), np.polyfit(x, y, 2, w=w), **tol)
    # full=True: (coefficients, residuals, rank, singular values, rcond)
    got = _device(lambda: ga.polyfit(gx, gy, 2, full=True))
    want = np.polyfit(x, y, 2, full=True)
    for g_, w_ in zip(got[:4:3], want[:4:3]):
        assert_same(g_, w_, **tol)
    assert_same(got[1], want[1], rtol=1e-7)
    assert got[2] == want[2] and got[4] == want[4]
    # cov: scaled and unscaled, 1-D and 2-D y
    for c in (True, "unscaled"):
        got = _device(lambda: ga.polyfit(gx, gy, 2, cov=c))
        want = np.polyfit(x, y, 2, cov=c)
        assert_same(got[0], want[0], **tol)
        assert_same(got[1], want[1], rtol=tol["rtol"] * 10, atol=tol["atol"] * np.abs(want[1]).max())
    got = _device(lambda: ga.polyfit(gx, ga.asarray(y2), 1, cov=True))
    want = np.polyfit(x, y2, 1, cov=True)
    assert_same(got[1], want[1], rtol=tol["rtol"] * 10, atol=tol["atol"] * np.abs(want[1]).max())
    with pytest.raises(ValueError):
        ga.polyfit(gx[:3], gy[:3], 2, cov=True)
    # ill-conditioned (degree 12 over 53 points): NumPy's SVD answer (float64 for every input
    # dtype: np.vander promotes to it), and its warning where the rank drops
    assert_same(_device(lambda: ga.polyfit(gx, gy, 12)), np.polyfit(x, y, 12), rtol=1e-5, atol=1e-9)
    with pytest.warns(np.exceptions.RankWarning):
        ga.polyfit(ga.asarray(np.ones(9)), ga.asarray(np.arange(9.0)), 3)
    with pytest.raises(ValueError):
        ga.polyfit(gx, gy, -1)
    with pytest.raises(TypeError):
        ga.polyfit(gx, gy[:5], 1)


# ----------------------------------------------------------------------------- weighted quantiles
@pytest.mark.parametrize("fname", ["quantile", "percentile"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_weighted_quantile(fname, dtype, rng):
    a = (rng.standard_normal((6, 11)) * 10).astype(dtype)
    w = rng.integers(1, 4, (6, 11)).astype(np.float64)
    w[0, :3] = 0  # zero weights, some of them first in their sorted slice
    w[:2, 5] = 0
    w[2, np.argmin(a[2])] = 0
    scale = 100 if fname == "percentile" else 1
    q = np.array([0.0, 0.1, 0.25, 0.5, 0.9, 1.0]) * scale
    f, F = getattr(ga, fname), getattr(np, fname)
    for axis, ww in ((None, w), (1, w), (0, w), (1, w[0]), (0, w[:, 1] + 1)):
        exp = F(a, q, axis=axis, method="inverted_cdf", weights=ww)
        got = _device(lambda: f(ga.asarray(a), q, axis=axis, method="inverted_cdf", weights=ga.asarray(ww)))
        assert_same(got, exp)
    exp = F(a, 0.3 * scale, axis=1, method="inverted_cdf", weights=w, keepdims=True)
    assert_same(_device(lambda: F(ga.asarray(a), 0.3 * scale, axis=1, method="inverted_cdf", weights=ga.asarray(w),
                                  keepdims=True)), exp)
    with pytest.raises(ValueError):
        f(ga.asarray(a), 0.5 * scale, weights=ga.asarray(w))  # only inverted_cdf takes weights
    with pytest.raises(ValueError):
        f(ga.asarray(a), 0.5 * scale, method="inverted_cdf", weights=ga.asarray(-w))
    with pytest.raises(ValueError):  # a slice of zero weights
        f(ga.asarray(a), 0.5 * scale, axis=1, method="inverted_cdf", weights=ga.asarray(w * (np.arange(6) > 0)[:, None]))


def test_weighted_quantile_nan(rng):
    a = rng.standard_normal((3, 9))
    a[1, 4] = np.nan
    w = rng.random((3, 9))
    exp = np.quantile(a, [0.2, 0.7], axis=1, method="inverted_cdf", weights=w)
    assert_same(_device(lambda: ga.quantile(ga.asarray(a), [0.2, 0.7], axis=1, method="inverted_cdf",
                                            weights=ga.asarray(w))), exp)


# ----------------------------------------------------------------------------- large weighted bincount
def test_bincount_weights_large(monkeypatch, rng):
    from gpuarray._api import statistics
    monkeypatch.setattr(statistics, "_ONE_HOT_LIMIT", 0)  # the sorted path on small inputs
    for n, hi in ((301, 50), (64, 3), (1, 1)):
        x = rng.integers(0, hi, n)
        for w in (rng.standard_normal(n), rng.random(n).astype(np.float32), rng.integers(-5, 5, n)):
            got = _device(lambda: ga.bincount(ga.asarray(x), weights=ga.asarray(w), minlength=hi + 3))
            assert_same(got, np.bincount(x, weights=w, minlength=hi + 3), rtol=0)  # NumPy's bits
    h, _ = _device(lambda: ga.histogram(ga.asarray(rng.random(500)), bins=40, weights=ga.asarray(rng.random(500))))
    assert h.shape == (40,)
    # a bin sorted after a huge one keeps its small sum exactly (each bin folded on its own, in order)
    x = np.array([0, 1, 1, 2, 0, 2, 1])
    w = np.array([1e16, 1.0, 2.0, 3.0, -1e16, 0.5, np.nan])
    w2 = np.array([1e16, 1.0, 2.0, 3.0, -1e16, 0.5, 0.25])
    for ww in (w, w2):
        assert_same(_device(lambda: ga.bincount(ga.asarray(x), weights=ga.asarray(ww))), np.bincount(x, weights=ww), rtol=0)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.uint16, np.uint32])
def test_bincount_bins_past_the_index_dtype(dtype, rng):
    info = np.iinfo(dtype)
    x = rng.integers(0, min(info.max, 300) + 1, 97).astype(dtype)
    x[0] = min(info.max, 300)
    for minlength in (0, int(min(info.max, 300)) + 1, 400):
        assert_same(_device(lambda: ga.bincount(ga.asarray(x), minlength=minlength)), np.bincount(x, minlength=minlength))
    w = rng.random(97)
    assert_same(_device(lambda: ga.bincount(ga.asarray(x), weights=ga.asarray(w), minlength=400)),
                np.bincount(x, weights=w, minlength=400))


# ----------------------------------------------------------------------------- ufunc.at on 64-bit elements
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.uint64, np.complex64])
@pytest.mark.parametrize("uf", ["add", "multiply", "maximum", "subtract"])
def test_ufunc_at_64bit(dtype, uf, rng):
    a = (rng.standard_normal(17) * 4).astype(dtype) if np.dtype(dtype).kind in "fc" else \
        rng.integers(1, 9, 17).astype(dtype)
    if uf == "maximum" and np.dtype(dtype).kind == "c":
        return
    idx = np.array([0, 3, 3, 3, 16, 5, 0])
    b = (np.arange(7) % 3 + 1).astype(dtype)
    exp = a.copy()
    getattr(np, uf).at(exp, idx, b)
    g = ga.asarray(a)
    _device(lambda: getattr(ga, uf).at(g, ga.asarray(idx), ga.asarray(b)))
    assert_same(g, exp, rtol=0)  # repeated destinations fold in NumPy's order: the same bits
    g = ga.asarray(a)
    _device(lambda: getattr(np, uf).at(g, idx, b))  # NumPy dispatch
    assert_same(g, exp, rtol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.complex128])
def test_ufunc_at_64bit_shapes(dtype, rng):
    a = (rng.standard_normal((4, 6)) * 3).astype(dtype)
    exp = a.copy()
    rows, cols = np.array([0, 3, 0, 0, 2]), np.array([1, 5, 1, 1, 0])
    np.add.at(exp, (rows, cols), np.arange(1, 6).astype(dtype))
    np.multiply.at(exp, (slice(None), [2, 2]), np.array([2, 3], dtype))  # broadcast values
    np.negative.at(exp, [1, 1, 3])  # unary, repeated
    g = ga.asarray(a)
    _device(lambda: ga.add.at(g, (ga.asarray(rows), ga.asarray(cols)), ga.asarray(np.arange(1, 6).astype(dtype))))
    _device(lambda: ga.multiply.at(g, (slice(None), [2, 2]), ga.asarray(np.array([2, 3], dtype))))
    _device(lambda: ga.negative.at(g, [1, 1, 3]))
    assert_same(g, exp, rtol=0)
    v = ga.asarray(a)[:, ::2]  # a strided view
    ev = a.copy()
    np.add.at(ev[:, ::2], [0, 0, 2], 1.5 if dtype != np.int64 else 2)
    _device(lambda: ga.add.at(v, [0, 0, 2], 1.5 if dtype != np.int64 else 2))
    assert_same(v, ev[:, ::2], rtol=0)


def test_ufunc_at_64bit_large(rng):
    idx = rng.integers(0, 50, 20000)
    w = rng.standard_normal(20000)
    exp = np.zeros(50)
    np.add.at(exp, idx, w)
    g = ga.zeros(50, dtype=np.float64)
    _device(lambda: ga.add.at(g, ga.asarray(idx), ga.asarray(w)))
    assert_same(g, exp, rtol=0)


def test_first_flag_buffer_does_not_clobber_pending_reads():
    """The floating-point flag words are made at the first checked kernel of a process and zeroed by a
    queue write, which runs before the unsubmitted batch: that buffer must not be one the batch still
    reads (here the freed int32 index copy a recorded scan gathers through)."""
    import subprocess
    import sys
    code = """
import numpy as np, gpuarray as ga
rng = np.random.default_rng(5)
w = rng.integers(1, 4, 66).astype(np.float64)
o = rng.permutation(66)
c = ga.cumsum(ga.take(ga.asarray(w), ga.asarray(o.astype(np.int64))), dtype=np.float64)
y = ga.true_divide(c, c[65:])
ref = np.cumsum(w[o])
print(np.abs(y.get() - ref / ref[-1]).max())
"""
    import os
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(ga.__file__))))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.strip().splitlines()[-1]) == 0.0


# ----------------------------------------------------------------------------- index tricks
def test_mgrid_ogrid():
    for key in (np.s_[0:3, 0:4], np.s_[-1:1:5j, 0:2:3j, 0:2], np.s_[0:5], np.s_[0.5:3], np.s_[0:3,], np.s_[0:4:2, 1:0:-1]):
        assert_same(_device(lambda: ga.mgrid[key]), np.mgrid[key])
        o, O = _device(lambda: ga.ogrid[key]), np.ogrid[key]
        if isinstance(O, np.ndarray):
            assert_same(o, O)
        else:
            assert type(o) is type(O) and len(o) == len(O)
            for g, G in zip(o, O):
                assert_same(g, G)


def test_r_c(rng):
    a = rng.standard_normal(4).astype(np.float32)
    b = np.arange(6, dtype=np.int32).reshape(2, 3)
    A, B = ga.asarray(a), ga.asarray(b)
    assert_same(_device(lambda: ga.r_[A, 3.0, [7, 8], 0:3]), np.r_[a, 3.0, [7, 8], 0:3])
    assert_same(_device(lambda: ga.r_[A[::2], ga.asarray(a[:1])]), np.r_[a[::2], a[:1]])
    assert_same(_device(lambda: ga.r_[B, B]), np.r_[b, b])
    assert_same(_device(lambda: ga.c_[A, A * 2]), np.c_[a, a * 2])
    assert_same(_device(lambda: ga.c_[B, ga.asarray(b[:, :1])]), np.c_[b, b[:, :1]])
    assert_same(_device(lambda: ga.c_[ga.asarray(np.array([[1, 2, 3]])), 0, 0, ga.asarray(np.array([[4, 5, 6]]))]),
                np.c_[np.array([[1, 2, 3]]), 0, 0, np.array([[4, 5, 6]])])
    assert_same(ga.r_[1:4, 7], np.r_[1:4, 7])  # host values only: NumPy's result, uploaded
    assert_same(ga.r_["0,2", A, A], np.r_["0,2", a, a])  # a directive: NumPy's on the host


def test_ix(rng):
    a = rng.standard_normal((5, 6))
    g = ga.asarray(a)
    i, j = [0, 3, 4], np.array([True, False, True, True, False, False])
    idx = _device(lambda: ga.ix_(ga.asarray(i), ga.asarray(j)))
    for x, X in zip(idx, np.ix_(i, j)):
        assert_same(x, X)
    assert_same(g[ga.ix_(i, j)], a[np.ix_(i, j)])
    with pytest.raises(ValueError):
        ga.ix_(ga.asarray(np.ones((2, 2), int)))


@pytest.mark.parametrize("dtype", [np.float32, np.complex64])
def test_matvec_vecmat(dtype, rng):
    m = (rng.standard_normal((3, 4, 5)) + (1j * rng.standard_normal((3, 4, 5)) if dtype == np.complex64 else 0)).astype(dtype)
    v = (rng.standard_normal(5) + (1j * rng.standard_normal(5) if dtype == np.complex64 else 0)).astype(dtype)
    u = (rng.standard_normal((3, 4)) + (1j * rng.standard_normal((3, 4)) if dtype == np.complex64 else 0)).astype(dtype)
    assert_same(_device(lambda: ga.matvec(ga.asarray(m), ga.asarray(v))), np.matvec(m, v), rtol=1e-5, atol=1e-5)
    assert_same(_device(lambda: np.matvec(ga.asarray(m), ga.asarray(v))), np.matvec(m, v), rtol=1e-5, atol=1e-5)
    assert_same(_device(lambda: ga.vecmat(ga.asarray(u), ga.asarray(m))), np.vecmat(u, m), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError):
        ga.matvec(ga.asarray(m), ga.asarray(v[:3]))


def test_real_if_close_sort_complex(rng):
    z = (rng.standard_normal(7) + 1e-9j).astype(np.complex128)
    assert_same(_device(lambda: ga.real_if_close(ga.asarray(z), tol=1e8)), np.real_if_close(z, tol=1e8))
    assert_same(_device(lambda: ga.real_if_close(ga.asarray(z))), np.real_if_close(z))
    assert_same(_device(lambda: ga.real_if_close(ga.asarray(z.real))), np.real_if_close(z.real))
    for a in (np.array([3, 1, 2], np.int16), rng.standard_normal(9), z):
        assert_same(_device(lambda: ga.sort_complex(ga.asarray(a))), np.sort_complex(a))


def test_trim_zeros(rng):
    a = np.array([0, 0, 0, 1, 2, 3, 0, 2, 1, 0], np.float32)
    b = np.array([[0, 0, 2, 3, 0, 0], [0, 1, 0, 3, 0, 0], [0, 0, 0, 0, 0, 0]])
    for x in (a, b, np.zeros(4), np.zeros((2, 3)), np.array([0.0, -0.0, np.nan, 0.0])):
        for trim in ("fb", "f", "b", "BF"):
            for axis in ((None, -1, 0) if x.ndim > 1 else (None,)):
                exp = np.trim_zeros(x, trim, axis=axis)
                assert_same(_device(lambda: ga.trim_zeros(ga.asarray(x), trim, axis=axis)), exp)
    assert_same(_device(lambda: np.trim_zeros(ga.asarray(a))), np.trim_zeros(a))
    with pytest.raises(ValueError):
        ga.trim_zeros(ga.asarray(a), "x")


def test_einsum_interleaved_and_numpy_dispatch(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal((3, 4)).astype(np.float32)
    A, B = ga.asarray(a), ga.asarray(b)
    tol = {"rtol": 1e-5, "atol": 1e-6}
    assert_same(_device(lambda: ga.einsum(A, [0, 1], B, [1, 2], [0, 2])), np.einsum(a, [0, 1], b, [1, 2], [0, 2]), **tol)
    assert_same(_device(lambda: np.einsum(A, [0, 1], B, [1, 2])), np.einsum(a, [0, 1], b, [1, 2]), **tol)
    assert_same(_device(lambda: ga.einsum(A, [Ellipsis, 1], [Ellipsis])), np.einsum(a, [Ellipsis, 1], [Ellipsis]), **tol)
    assert_same(_device(lambda: np.einsum("ij,jk->ik", A, B, optimize=True)), np.einsum("ij,jk->ik", a, b), **tol)
    assert_same(_device(lambda: np.einsum("ii", ga.asarray(a[:, :2]))), np.einsum("ii", a[:, :2]), **tol)
    assert_same(_device(lambda: np.reshape(A, (3, 2), order="F")), np.reshape(a, (3, 2), order="F"))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8, np.complex64])
def test_short_row_scans_fold_in_order(dtype, rng):
    """Scans along rows of at most 32 elements run one thread per row, folding in NumPy's order."""
    h = (rng.standard_normal((2001, 5)) * 3).astype(dtype) if np.dtype(dtype).kind in "fc" else \
        rng.integers(0, 9, (2001, 5)).astype(dtype)
    if np.dtype(dtype).kind == "f":
        h[7, 2] = np.nan
    g = ga.asarray(h)
    assert_same(_device(lambda: ga.cumsum(g, axis=1)), np.cumsum(h, axis=1), rtol=0)
    assert_same(_device(lambda: ga.cumprod(g[:, :3], axis=1)), np.cumprod(h[:, :3], axis=1), rtol=0)
    assert_same(_device(lambda: ga.cumsum(g[::3, ::-1], axis=-1)), np.cumsum(h[::3, ::-1], axis=-1), rtol=0)
    assert_same(_device(lambda: ga.cumsum(ga.asarray(h[:4, :3]).T, axis=0)), np.cumsum(h[:4, :3].T, axis=0), rtol=0)
    v = np.linspace(-1, 2, 301)
    assert_same(_device(lambda: ga.vander(ga.asarray(v), 5)), np.vander(v, 5), rtol=0)


def test_polyadd_polysub(rng):
    pairs = [(np.array([1.0, 2.0]), np.array([3.0, -1.0, 4.0])), (np.array([1, 2, 3]), np.array([2])),
             (np.array([1.5, 2.5], np.float32), np.array([1, 2], np.int64)), (np.array(2.0), np.array([1.0, 1.0]))]
    for a, b in pairs:
        for f in ("polyadd", "polysub"):
            assert_same(_device(lambda: getattr(ga, f)(ga.asarray(a), ga.asarray(b))), getattr(np, f)(a, b))
            assert_same(_device(lambda: getattr(np, f)(ga.asarray(b), ga.asarray(a))), getattr(np, f)(b, a))
    p = ga.polyadd(np.poly1d([1.0, 2.0]), [1.0])  # NumPy's class stays NumPy's
    assert isinstance(p, np.poly1d) and list(p.coeffs) == [1.0, 3.0]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.uint8])
def test_histogram_estimated_bins(dtype, rng):
    """bins='auto', 'fd', 'sturges', 'rice', 'sqrt', 'scott', 'doane': NumPy's estimators on the
    data's extremes, quartiles, standard deviation and skewness read from the device (the counting
    on the device too); 'stone' (many trial histograms): NumPy's."""
    for n in (1, 7, 1001):
        x = (rng.standard_normal(n) * 20).astype(dtype) if np.dtype(dtype).kind == "f" else \
            rng.integers(0, 100, n).astype(dtype)
        for b in ("auto", "fd", "sturges", "rice", "sqrt", "scott", "doane"):
            for rg in (None, (10, 60)):
                assert_same(_device(lambda: ga.histogram_bin_edges(ga.asarray(x), b, range=rg)),
                            np.histogram_bin_edges(x, b, range=rg), rtol=0)
        h, e = _device(lambda: np.histogram(ga.asarray(x), bins="auto"))
        H, E = np.histogram(x, bins="auto")
        assert_same(h, H)
        assert_same(e, E, rtol=0)
    with ga.stats() as s:
        e = ga.histogram_bin_edges(ga.asarray(x), "stone")
    assert s.fallbacks
    assert_same(e, np.histogram_bin_edges(x, "stone"))
    with pytest.raises(TypeError):
        ga.histogram(ga.asarray(x), bins="auto", weights=ga.asarray(np.ones(len(x))))
    with pytest.raises(ValueError):
        ga.histogram(ga.asarray(x), bins="nonsense")


@pytest.mark.parametrize("t, vt, device", [(np.float32, np.float64, True), (np.int16, np.int64, True),
                                           (np.int8, np.int16, True), (np.float16, np.float64, True),
                                           (np.complex64, np.complex128, True), (np.uint8, np.int64, False),
                                           (np.int32, np.float64, False)])
def test_ufunc_at_other_loop_dtype(t, vt, device, rng):
    """``add.at(float32, idx, float64 values)``: NumPy's loop is float64, each result cast back; on the
    device where that cast stays within its kind (else NumPy's on the host), NumPy's bits either way."""
    a = (rng.standard_normal(11) * 5).astype(t) if np.dtype(t).kind in "fc" else rng.integers(0, 50, 11).astype(t)
    v = (rng.standard_normal(40) * 1e3).astype(vt) if np.dtype(vt).kind in "fc" else rng.integers(-300, 300, 40).astype(vt)
    idx = rng.integers(0, 11, 40)
    for uf in ("add", "multiply", "maximum"):
        if uf == "maximum" and np.dtype(t).kind == "c":
            continue
        exp = a.copy()
        with np.errstate(all="ignore"):
            getattr(np, uf).at(exp, idx, v)
        g = ga.asarray(a)
        with ga.stats() as s, np.errstate(all="ignore"):
            getattr(ga, uf).at(g, ga.asarray(idx), ga.asarray(v))
        assert_same(g, exp, rtol=0)
        assert bool(s.fallbacks) != device, s.fallbacks


def test_weighted_quantile_on_cdf_values(rng):
    """Quantiles that fall on a cdf value compare equal only with NumPy's own running sums: the cdf
    is an in-order scan (a tree scan's roundings differ from NumPy's: 982 of 1000 sums of 0.1)."""
    w = np.full(1000, 0.1)
    x = rng.standard_normal(1000)
    q = np.cumsum(w)[::37] / np.cumsum(w)[-1]
    assert_same(_device(lambda: ga.quantile(ga.asarray(x), q, method="inverted_cdf", weights=ga.asarray(w))),
                np.quantile(x, q, method="inverted_cdf", weights=w), rtol=0)
    w2 = rng.random((3, 300))
    q2 = np.cumsum(w2[0])[[10, 100, 250]] / w2[0].sum()
    assert_same(_device(lambda: ga.quantile(ga.asarray(x[:900].reshape(3, 300)), q2, axis=1, method="inverted_cdf",
                                            weights=ga.asarray(w2))),
                np.quantile(x[:900].reshape(3, 300), q2, axis=1, method="inverted_cdf", weights=w2), rtol=0)


@pytest.mark.parametrize("fname", ["nanquantile", "nanpercentile"])
def test_weighted_nan_quantiles(fname, rng):
    a = rng.standard_normal((4, 9))
    a[0, [1, 4]] = np.nan
    a[2] = np.nan  # an all-NaN slice: NaN
    w = rng.random((4, 9)) + 0.1
    sc = 100 if fname == "nanpercentile" else 1
    q = np.array([0.0, 0.3, 0.5, 1.0]) * sc
    F, f = getattr(np, fname), getattr(ga, fname)
    for axis in (1, None):
        assert_same(_device(lambda: f(ga.asarray(a), q, axis=axis, method="inverted_cdf", weights=ga.asarray(w))),
                    F(a, q, axis=axis, method="inverted_cdf", weights=w), rtol=0)
    assert_same(_device(lambda: f(ga.asarray(a[0]), 0.4 * sc, method="inverted_cdf", weights=ga.asarray(w[0]))),
                F(a[0], 0.4 * sc, method="inverted_cdf", weights=w[0]), rtol=0)
    w0 = w.copy()
    w0[0, ~np.isnan(a[0])] = 0  # only NaN values weigh: NumPy's error
    with pytest.raises(ValueError):
        f(ga.asarray(a), 0.5 * sc, axis=1, method="inverted_cdf", weights=ga.asarray(w0))
