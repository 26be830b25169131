"""bincount, digitize, histogram, percentile/quantile (and nan forms) on the device, against NumPy."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same

INT_IDX = [np.bool_, np.int8, np.uint16, np.int32, np.int64, np.uint64]


def _device(fn):
    """fn() run with no host fallback (counted fallbacks raise)."""
    with ga.stats() as s:
        r = fn()
        for v in (r if isinstance(r, tuple) else (r,)):
            if isinstance(v, ga.GpuArray):
                v.get()
    assert not s.fallbacks, s.fallbacks
    return r


@pytest.mark.parametrize("dtype", INT_IDX)
@pytest.mark.parametrize("n", [0, 1, 37])
def test_bincount_counts(dtype, n, rng):
    x = rng.integers(0, 2 if dtype is np.bool_ else 9, n).astype(dtype)
    for minlength in (0, 3, 15):
        assert_same(_device(lambda: ga.bincount(ga.asarray(x), minlength=minlength)), np.bincount(x, minlength=minlength))
    assert_same(_device(lambda: np.bincount(ga.asarray(x))), np.bincount(x))  # NumPy dispatch


@pytest.mark.parametrize("wdtype", [np.float32, np.float64, np.int16, np.bool_])
def test_bincount_weights(wdtype, rng):
    x = rng.integers(0, 7, 41)
    w = (rng.standard_normal(41) * 10).astype(wdtype)
    if w.dtype.kind == "f":
        w[3], w[5] = np.nan, np.inf
    g = _device(lambda: ga.bincount(ga.asarray(x), weights=ga.asarray(w), minlength=9))
    assert_same(g, np.bincount(x, weights=w, minlength=9), rtol=1e-12)
    # non-contiguous index and weight views
    xs, ws = x[::3], w[1::3]
    assert_same(_device(lambda: ga.bincount(ga.asarray(x)[::3], weights=ga.asarray(w)[1::3])),
                np.bincount(xs, weights=ws), rtol=1e-12)
    assert_same(_device(lambda: ga.bincount(ga.asarray(x[:0]), weights=ga.asarray(w[:0]), minlength=2)),
                np.bincount(x[:0], weights=w[:0], minlength=2))


def test_bincount_errors():
    with pytest.raises(ValueError):
        ga.bincount(ga.asarray(np.array([1, -1, 2])))
    with pytest.raises(ValueError):
        ga.bincount(ga.asarray(np.array([1, 2])), minlength=-1)
    with pytest.raises(TypeError):
        ga.bincount(ga.asarray(np.array([1.5, 2.0])))  # NumPy's cast error, from the host


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8])
@pytest.mark.parametrize("right", [False, True])
def test_digitize(dtype, right, rng):
    x = (rng.standard_normal((5, 7)) * 4).astype(dtype) if np.dtype(dtype).kind == "f" else \
        rng.integers(0, 12, (5, 7)).astype(dtype)
    if np.dtype(dtype).kind == "f":
        x[0, :3] = [np.nan, np.inf, -np.inf]
    bins = np.array([-3, -1, 0, 2, 2, 5, 9], dtype=np.float64)
    x[1, :2] = [2, 5]
    for b in (bins, bins[::-1], bins[:1], bins[:0]):
        assert_same(_device(lambda: ga.digitize(ga.asarray(x), ga.asarray(b), right=right)),
                    np.digitize(x, b, right=right))
    # non-contiguous x, 0-d x
    assert_same(_device(lambda: ga.digitize(ga.asarray(x)[:, ::2], ga.asarray(bins), right=right)),
                np.digitize(x[:, ::2], bins, right=right))
    assert_same(_device(lambda: ga.digitize(ga.asarray(x[2, 3]), ga.asarray(bins))), np.digitize(x[2, 3], bins))
    with pytest.raises(ValueError, match="monoton"):
        ga.digitize(ga.asarray(x), ga.asarray(np.array([0.0, 2.0, 1.0])))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.uint8])
def test_histogram(dtype, rng):
    a = (rng.standard_normal(101) * 5).astype(dtype) if np.dtype(dtype).kind == "f" else \
        rng.integers(0, 50, 101).astype(dtype)
    g = ga.asarray(a)
    w = rng.standard_normal(101).astype(np.float64)
    cases = [dict(bins=10), dict(bins=7, range=(-3, 20)), dict(bins=[-5, 0, 1, 3, 30]), dict(bins=3, density=True),
             dict(bins=5, weights=w), dict(bins=5, weights=w.astype(np.float32), density=True), dict(bins=1)]
    for kw in cases:
        gkw = {k: (ga.asarray(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
        n, e = _device(lambda: ga.histogram(g, **gkw))
        en, ee = np.histogram(a, **kw)
        assert_same(e, ee)
        assert_same(n, en, rtol=1e-6 if en.dtype == np.float32 else 1e-12)
    assert_same(_device(lambda: ga.histogram_bin_edges(g, bins=4)), np.histogram_bin_edges(a, bins=4))
    # 2-D, non-contiguous, empty, constant
    a2 = a[:100].reshape(10, 10)
    n, e = _device(lambda: ga.histogram(ga.asarray(a2)[::2, 1::3], bins=4))
    en, ee = np.histogram(a2[::2, 1::3], bins=4)
    assert_same(n, en)
    assert_same(e, ee)
    for arr in (a[:0], np.full(5, a[0])):
        n, e = _device(lambda: ga.histogram(ga.asarray(arr), bins=3))
        en, ee = np.histogram(arr, bins=3)
        assert_same(n, en)
        assert_same(e, ee)


def test_histogram_nan_and_strings(rng):
    a = rng.standard_normal(50)
    a[4] = np.nan
    with pytest.raises(ValueError):
        ga.histogram(ga.asarray(a))  # autodetected range not finite, as NumPy
    n, e = _device(lambda: ga.histogram(ga.asarray(a), bins=4, range=(-1, 1)))
    en, ee = np.histogram(a, bins=4, range=(-1, 1))
    assert_same(n, en)
    # the 'auto' estimator: NumPy's formula on the extremes and quartiles from the device
    n, e = _device(lambda: ga.histogram(ga.asarray(a[5:]), bins="auto"))
    en, ee = np.histogram(a[5:], bins="auto")
    assert_same(n, en)
    assert_same(e, ee)


METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf", "averaged_inverted_cdf",
           "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased", "normal_unbiased"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.int64, np.uint8])
def test_quantile_methods(method, dtype, rng):
    a = (rng.standard_normal((4, 7, 5)) * 9).astype(dtype) if np.dtype(dtype).kind == "f" else \
        rng.integers(0, 90, (4, 7, 5)).astype(dtype)
    g = ga.asarray(a)
    qs = [0.5, 0.0, 1.0, np.array([0.1, 0.33, 0.77]), np.array([[0.25], [0.9]])]
    for q in qs:
        for axis, keepdims in [(None, False), (1, False), (-1, True), ((0, 2), False), (0, True)]:
            exp = np.quantile(a, q, axis=axis, method=method, keepdims=keepdims)
            got = _device(lambda: ga.quantile(g, q, axis=axis, method=method, keepdims=keepdims))
            assert_same(got, exp)
    exp = np.percentile(a, [12.5, 50, 99], axis=1, method=method)
    assert_same(_device(lambda: ga.percentile(g, [12.5, 50, 99], axis=1, method=method)), exp)
    # NumPy dispatch, non-contiguous
    assert_same(_device(lambda: np.percentile(g[:, ::2, 1:], 30, axis=1, method=method)),
                np.percentile(a[:, ::2, 1:], 30, axis=1, method=method))


@pytest.mark.parametrize("fn", ["quantile", "percentile", "nanquantile", "nanpercentile"])
def test_quantile_nan(fn, rng):
    a = rng.standard_normal((6, 9))
    a[0, 2] = a[3, :] = a[4, 1] = np.nan
    a[5, 0], a[5, 1] = np.inf, -np.inf
    a[2, :] = np.arange(9.0)
    q = [0.0, 0.4, 1.0] if "quantile" in fn else [0, 40, 100]
    for method in ("linear", "weibull", "inverted_cdf", "averaged_inverted_cdf", "closest_observation"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            exp = getattr(np, fn)(a, q, axis=1, method=method)
            exp0 = getattr(np, fn)(a[1:3], q[1], axis=None, method=method)
            got = _device(lambda: getattr(ga, fn)(ga.asarray(a), q, axis=1, method=method))
            got0 = _device(lambda: getattr(ga, fn)(ga.asarray(a[1:3]), q[1], method=method))
        assert_same(got, exp)
        assert_same(got0, exp0)
    # 0-d input
    assert_same(_device(lambda: getattr(ga, fn)(ga.asarray(np.float32(2.5)), q[1])), getattr(np, fn)(np.float32(2.5), q[1]))


def test_quantile_errors():
    g = ga.asarray(np.arange(5.0))
    with pytest.raises(ValueError):
        ga.quantile(g, 1.5)
    with pytest.raises(ValueError):
        ga.percentile(g, -1)
    with pytest.raises(ValueError):
        ga.quantile(g, 0.5, method="no-such-method")
