"""gcd/lcm/heaviside (op table), sinc and window functions, indices, tril/triu_indices, vander, select,
lexsort, geomspace on the device, against NumPy."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same


def _device(fn):
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = fn()
        for v in (r if isinstance(r, tuple) else (r,)):
            v.get()
    assert not s.fallbacks, s.fallbacks
    return r


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64])
def test_gcd_lcm(dtype, rng):
    a = rng.integers(-60, 60, (3, 7)) if np.dtype(dtype).kind == "i" else rng.integers(0, 90, (3, 7))
    b = rng.integers(-40, 40, (3, 7)) if np.dtype(dtype).kind == "i" else rng.integers(0, 90, (3, 7))
    a[0, :3], b[0, :3] = [0, 0, 12], [0, 9, 0]
    a, b = a.astype(dtype), b.astype(dtype)
    for fn in ("gcd", "lcm"):
        assert_same(_device(lambda: getattr(ga, fn)(ga.asarray(a), ga.asarray(b))), getattr(np, fn)(a, b))
        assert_same(_device(lambda: getattr(np, fn)(ga.asarray(a)[:, ::2], ga.asarray(b)[1, ::2])), getattr(np, fn)(a[:, ::2], b[1, ::2]))
        assert_same(_device(lambda: getattr(ga, fn)(ga.asarray(a[1, 1]), 6)), getattr(np, fn)(a[1, 1], 6))
    with pytest.raises(TypeError):
        ga.gcd(ga.asarray(np.array([1.5])), 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_heaviside(dtype):
    x = np.array([-2.5, -0.0, 0.0, 3.0, np.nan, np.inf, -np.inf]) if np.dtype(dtype).kind == "f" else np.array([-3, 0, 4])
    x = x.astype(dtype)
    for h in (0.5, np.nan, np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])[: x.size].astype(np.float32)):
        hg = ga.asarray(h) if isinstance(h, np.ndarray) else h
        assert_same(_device(lambda: np.heaviside(ga.asarray(x), hg)), np.heaviside(x, h))
    assert_same(_device(lambda: ga.heaviside(ga.asarray(x)[::2], 1.0)), np.heaviside(x[::2], 1.0))


@pytest.mark.parametrize("M", [0, 1, 2, 7, 10])
def test_windows(M):
    for fn in ("hanning", "hamming", "blackman", "bartlett"):
        assert_same(_device(lambda: getattr(ga, fn)(M)), getattr(np, fn)(M), atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_sinc(dtype, rng):
    x = (rng.standard_normal((4, 5)) * 3).astype(dtype)
    x.flat[:2] = 0
    if x.dtype.kind == "f":
        x.flat[2:4] = [np.nan, -0.0]
    assert_same(_device(lambda: ga.sinc(ga.asarray(x))), np.sinc(x), rtol=1e-5 if dtype is np.float32 else 1e-12, atol=1e-7)
    if x.dtype.kind == "f":  # sin(inf): NumPy's warning, and NaN
        with pytest.warns(RuntimeWarning, match="invalid value"):
            assert_same(ga.sinc(ga.asarray(np.array([np.inf, 1.5], dtype))), np.sinc(np.array([np.inf, 1.5], dtype)))
    assert_same(_device(lambda: np.sinc(ga.asarray(x)[:, ::2])), np.sinc(x[:, ::2]), rtol=1e-5 if dtype is np.float32 else 1e-12, atol=1e-7)


def test_indices_and_tri_indices():
    for dims in [(2, 3), (4,), (0, 3), (2, 1, 3)]:
        assert_same(_device(lambda: ga.indices(dims)), np.indices(dims))
        for g, e in zip(_device(lambda: ga.indices(dims, dtype=np.int16, sparse=True)), np.indices(dims, np.int16, sparse=True)):
            assert_same(g, e)
    for args in [(4,), (4, 1), (4, -1, 6), (3, 0, 1), (0,), (5, 10)]:
        for fn in ("tril_indices", "triu_indices"):
            for g, e in zip(_device(lambda: getattr(ga, fn)(*args)), getattr(np, fn)(*args)):
                assert_same(g, e)
    a = np.ones((3, 5))
    for fn in ("tril_indices_from", "triu_indices_from"):
        for g, e in zip(_device(lambda: getattr(ga, fn)(ga.asarray(a), k=1)), getattr(np, fn)(a, k=1)):
            assert_same(g, e)
        with pytest.raises(ValueError):
            getattr(ga, fn)(ga.asarray(np.ones(3)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.bool_])
def test_vander(dtype, rng):
    x = (rng.standard_normal(6) * 2).astype(dtype) if np.dtype(dtype).kind == "f" else \
        rng.integers(-3, 4, 6).astype(dtype)
    for kw in ({}, {"N": 3}, {"N": 1}, {"N": 0}, {"increasing": True}, {"N": 8, "increasing": True}):
        assert_same(_device(lambda: ga.vander(ga.asarray(x), **kw)), np.vander(x, **kw), rtol=1e-12)
    assert_same(_device(lambda: np.vander(ga.asarray(x)[::2])), np.vander(x[::2]), rtol=1e-12)
    assert_same(_device(lambda: ga.vander(ga.asarray(x[:0]))), np.vander(x[:0]))


def test_select(rng):
    x = rng.standard_normal((3, 5)).astype(np.float32)
    x[0, 0] = np.nan
    cl, ch = [x < -0.5, x > 0.5], [x * 2, np.float32(7)]
    assert_same(_device(lambda: ga.select([ga.asarray(c) for c in cl], [ga.asarray(x) * 2, np.float32(7)])),
                np.select(cl, ch))
    assert_same(_device(lambda: ga.select([ga.asarray(c) for c in cl], [ga.asarray(x) * 2, ga.asarray(x[0])], default=np.nan)),
                np.select(cl, [x * 2, x[0]], default=np.nan))
    xi = rng.integers(-5, 5, 9)
    assert_same(_device(lambda: np.select([ga.asarray(xi) > 2, ga.asarray(xi) < -2], [ga.asarray(xi), -ga.asarray(xi)], 0)),
                np.select([xi > 2, xi < -2], [xi, -xi], 0))
    with pytest.raises(ValueError):
        ga.select([], [])
    with pytest.raises(TypeError):
        ga.select([ga.asarray(xi)], [ga.asarray(xi)])


def test_lexsort(rng):
    a = rng.integers(0, 3, 23)
    b = rng.standard_normal(23)
    b[::5] = np.nan
    c = rng.integers(0, 2, 23).astype(np.bool_)
    for keys in [(b,), (b, a), (a, c), (b, a, c)]:
        assert_same(_device(lambda: ga.lexsort(tuple(ga.asarray(k) for k in keys))), np.lexsort(keys))
    assert_same(_device(lambda: ga.lexsort(ga.asarray(np.stack([a, a[::-1]])))), np.lexsort(np.stack([a, a[::-1]])))
    assert_same(_device(lambda: ga.lexsort((ga.asarray(a[:0]),))), np.lexsort((a[:0],)))


def test_geomspace():
    for args, kw in [((1, 1000), {"num": 4}), ((2.0, 7.5), {"num": 9}), ((-1, -1e5), {"num": 6}), ((8, 2), {"num": 5, "endpoint": False}),
                     ((1, 10), {"num": 1}), ((1, 10), {"num": 0}), ((3, 5), {"num": 4, "dtype": np.float32})]:
        assert_same(_device(lambda: ga.geomspace(*args, **kw)), np.geomspace(*args, **kw), rtol=1e-14 if kw.get("dtype") is None else 2e-6)
    with pytest.raises(ValueError):
        ga.geomspace(0, 10)


def test_lexsort_nd(rng):
    # keys of any shape, sorted along any axis (NumPy sorts each slice), keys stacked in an array
    a = rng.integers(0, 3, (4, 5, 6))
    b = rng.standard_normal((4, 5, 6))
    b[0, ::2, 1] = np.nan
    b[1, 1] = -0.0
    for axis in (-1, 0, 1, 2, -2):
        keys = (b, a)
        assert_same(_device(lambda: ga.lexsort(tuple(ga.asarray(k) for k in keys), axis=axis)),
                    np.lexsort(keys, axis=axis))
    stacked = np.stack([a, a[::-1], a % 2]).astype(np.int16)
    assert_same(_device(lambda: ga.lexsort(ga.asarray(stacked), axis=1)), np.lexsort(stacked, axis=1))
    t = ga.asarray(b)[:, ::2, ::-1]  # non-contiguous keys
    assert_same(_device(lambda: ga.lexsort((t, ga.asarray(a)[:, ::2]), axis=0)),
                np.lexsort((b[:, ::2, ::-1], a[:, ::2]), axis=0))
    assert_same(_device(lambda: ga.lexsort((ga.asarray(a[:, :0]),), axis=1)), np.lexsort((a[:, :0],), axis=1))
    with pytest.raises(ValueError):
        ga.lexsort((ga.asarray(a), ga.asarray(a[:2])))
    with pytest.raises(np.exceptions.AxisError):
        ga.lexsort((ga.asarray(a),), axis=3)


def test_geomspace_arrays_and_complex():
    s = np.array([1.0, -2.0, 5.0, 1e-3])
    e = np.array([1000.0, -16.0, 0.5, 7.0])
    cases = [((s, e), {"num": 5}), ((np.abs(s), 100.0), {"num": 4, "axis": 1}), ((2.0, np.abs(e)), {"num": 3, "endpoint": False}),
             ((s.astype(np.float32), e.astype(np.float32)), {"num": 6}),
             ((s.astype(np.float32), e.astype(np.float32)), {"num": 6, "dtype": np.float32}),
             ((np.array([[1, 2], [3, 4]]), np.array([16, 1])), {"num": 4, "axis": -1}),
             ((1 + 1j, 1000 + 1000j), {"num": 4}), ((-1 + 0j, 1 + 0j), {"num": 5}), ((1j, 1000j), {"num": 4}),
             ((np.array([1 + 2j, -3.0 + 0j]), np.array([10j, -30 + 1j])), {"num": 5}),
             ((-1.0, 1.0 + 0j), {"num": 3}), ((s, e), {"num": 0}), ((s, e), {"num": 1})]
    for (a, b), kw in cases:
        ga_a = ga.asarray(a) if isinstance(a, np.ndarray) else a
        ga_b = ga.asarray(b) if isinstance(b, np.ndarray) else b
        want = np.geomspace(a, b, **kw)
        got = _device(lambda: ga.geomspace(ga_a, ga_b, **kw))
        assert got.dtype == want.dtype and got.shape == want.shape, (kw, got.dtype, want.dtype)
        tol = 2e-6 if want.dtype in (np.float32, np.complex64) else 1e-13
        np.testing.assert_allclose(got.get(), want, rtol=tol, atol=tol * np.abs(want).max(initial=0))
        if want.size and want.dtype.kind == "f":  # the ends are set exactly
            first = np.take(want, 0, axis=kw.get("axis", 0))
            assert_same(ga.take(got, 0, axis=kw.get("axis", 0)), first)
    with pytest.raises(ValueError):
        ga.geomspace(ga.asarray(np.array([1.0, 0.0])), 10.0)
    with pytest.raises(ValueError):
        ga.geomspace(1.0, ga.asarray(np.array([0.0, 3.0])))


def test_ma_where_of_a_condition_alone():
    x = np.ma.array([0.0, 1.5, 0.0, -2.0, 3.0, 4.0], mask=[0, 0, 1, 0, 1, 0])
    got = _device(lambda: ga.ma.where(ga.ma.masked_array(ga.asarray(x.data), mask=ga.asarray(x.mask))))
    want = np.ma.where(x)
    assert len(got) == len(want)
    for g_, w in zip(got, want):
        assert_same(g_, w)
    m2 = np.arange(12.0).reshape(3, 4) % 3
    got = _device(lambda: ga.ma.where(ga.asarray(m2)))
    for g_, w in zip(got, np.ma.where(m2)):
        assert_same(g_, w)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_piecewise(dtype, rng):
    x = (rng.standard_normal(17) * 4).astype(dtype)
    g = ga.asarray(x)
    # callables receive device arrays: np.sin on them dispatches to the device
    assert_same(_device(lambda: ga.piecewise(g, [g < 0, g >= 2], [lambda v: -v, lambda v: v * 3, 7])),
                np.piecewise(x, [x < 0, x >= 2], [lambda v: -v, lambda v: v * 3, 7]))
    assert_same(_device(lambda: np.piecewise(g, [g < 0], [0, lambda v: v + 1])),
                np.piecewise(x, [x < 0], [0, lambda v: v + 1]))
    assert_same(_device(lambda: ga.piecewise(g[::2], g[::2] > 1, [5, 1])), np.piecewise(x[::2], x[::2] > 1, [5, 1]))
    assert_same(_device(lambda: ga.piecewise(g, [g > 1000], [lambda v: v * 2])), np.piecewise(x, [x > 1000], [lambda v: v * 2]))
    with pytest.raises(ValueError):
        ga.piecewise(g, [g < 0], [1, 2, 3])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_modf_spacing(dtype):
    x = np.array([-2.75, -0.0, 0.0, 3.5, 1e30, -7.0, 1e-30, np.nan, np.inf, -np.inf, 0.5, -1e-3]) \
        if np.dtype(dtype).kind == "f" else np.array([-3, 0, 5, 700])
    x = x.astype(dtype)
    g = ga.asarray(x)
    for got in (_device(lambda: np.modf(g)), _device(lambda: ga.modf(g))):
        for a, b in zip(got, np.modf(x)):
            assert_same(a, b, signed_zero=True)
    for a, b in zip(_device(lambda: np.modf(g[::3])), np.modf(x[::3])):
        assert_same(a, b, signed_zero=True)
    with np.errstate(invalid="ignore"):
        exp = np.spacing(x)
    assert_same(_device(lambda: np.spacing(g)), exp, rtol=0)
    assert_same(_device(lambda: ga.spacing(g[1:2].reshape(()))), np.spacing(x[1:2].reshape(())), rtol=0)
