"""average and cross on the device against NumPy."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same, sample


def _device(fn):
    with ga.stats() as s:
        r = fn()
        for v in (r if isinstance(r, tuple) else (r,)):
            if isinstance(v, ga.GpuArray):
                v.get()
    assert not s.fallbacks, s.fallbacks
    return r


def _same(got, exp):
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            _same(g, e)
    elif isinstance(got, ga.GpuArray):
        assert_same(got, exp, rtol=1e-5 if np.asarray(exp).dtype.kind in "fc" and np.asarray(exp).dtype.itemsize <= 8
                    else None)
    else:
        assert np.asarray(got).dtype == np.asarray(exp).dtype and np.allclose(got, exp, equal_nan=True)


def _check(name, *args, **kw):
    exp = getattr(np, name)(*args, **kw)
    gargs = [ga.asarray(x) if isinstance(x, np.ndarray) else x for x in args]
    _same(_device(lambda: getattr(ga, name)(*gargs, **kw)), exp)
    _same(_device(lambda: getattr(np, name)(*gargs, **kw)), exp)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8, np.bool_, np.complex64, np.float16])
def test_average(dtype, rng):
    a = np.asarray(sample((5, 7, 3), dtype, rng))
    if a.dtype.kind == "f":
        a[1, 2, 0] = np.nan
    w = np.asarray(sample((5, 7, 3), np.float32, rng, low=1, high=5))
    for axis in (None, 0, 1, -1, (0, 2)):
        for kd in ({}, {"keepdims": True}):
            _check("average", a, axis=axis, **kd)
            _check("average", a, axis=axis, returned=True, **kd)
            _check("average", a, axis=axis, weights=w, returned=True, **kd)
    _check("average", a, axis=1, weights=w[0, :, 0])              # 1-D weights along the axis
    _check("average", a, axis=(2, 0), weights=w[:, 0, :].T.copy(), returned=True)  # weights for axes in given order
    _check("average", a, axis=1, weights=np.arange(7, dtype=np.int64), returned=True)
    _check("average", a[::2, 1::3], axis=0)  # non-contiguous
    _check("average", a[0, 0, 0])  # 0-d
    _check("average", a[0, 0, 0], returned=True)


def test_average_errors(rng):
    a = rng.standard_normal((4, 3))
    g = ga.asarray(a)
    with pytest.raises(ZeroDivisionError):
        ga.average(g, axis=0, weights=ga.asarray(np.array([1.0, -1.0, 0.0, 0.0])))
    with pytest.raises(TypeError):
        ga.average(g, weights=ga.asarray(np.ones(3)))
    with pytest.raises(ValueError):
        ga.average(g, axis=0, weights=ga.asarray(np.ones(3)))
    with pytest.raises(ZeroDivisionError):
        ga.average(ga.asarray(np.ones((0, 3))), axis=1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int8, np.complex64])
def test_cross(dtype, rng):
    a = np.asarray(sample((4, 5, 3), dtype, rng))
    b = np.asarray(sample((5, 3), dtype, rng))
    if a.dtype.kind == "f":
        a[0, 0, 1] = np.inf
        b[1, 2] = np.nan
    _check("cross", a, b)
    _check("cross", a[:, ::2], b[::2])  # non-contiguous
    _check("cross", a.transpose(2, 0, 1), b, axisa=0)
    _check("cross", a, b, axisc=0)
    _check("cross", a.transpose(2, 0, 1), b.T.copy(), axis=0)
    _check("cross", a[0, 0], b[1])
    _check("cross", a[:0], b)  # empty
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for x, y in ((a[..., :2], b), (a, b[..., :2]), (a[..., :2], b[..., :2]), (a[0, 0, :2], b[0, :2])):
            _check("cross", x, y)
    with pytest.warns(DeprecationWarning):
        ga.cross(ga.asarray(a[..., :2]), ga.asarray(b))
    for x, y, exc in ((a[..., :1], b, ValueError), (a[0, 0, 0], b, ValueError)):
        with pytest.raises(exc):
            np.cross(x, y)
        with pytest.raises(exc):
            ga.cross(ga.asarray(x), ga.asarray(y))
    with pytest.raises(np.exceptions.AxisError):
        ga.cross(ga.asarray(a), ga.asarray(b), axisa=5)
    with pytest.raises(TypeError):
        ga.cross(ga.asarray(a > 0), ga.asarray(b > 0))
