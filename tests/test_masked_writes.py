"""putmask, place, put_along_axis, fill_diagonal, diag_indices(_from) on the device against NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same, sample

DTYPES = [np.float32, np.int32, np.uint8, np.bool_, np.complex64, np.int16, np.float64]


def _data(shape, dtype, rng):
    a = np.asarray(sample(shape, dtype, rng))
    if np.dtype(dtype).kind == "f" and a.size > 2:
        a.reshape(-1)[1] = np.nan
        a.reshape(-1)[-1] = -0.0
    return a


def _inplace(name, a, *args, view=None, **kw):
    """NumPy's in-place ``name`` on a copy of ``a`` (or of its view) vs ours, through both entry points."""
    for entry in (ga, np):
        h = a.copy()
        g = ga.asarray(a)
        hv, gv = (h, g) if view is None else (h[view], g[view])
        getattr(np, name)(hv, *args, **kw)
        gargs = [ga.asarray(x) if isinstance(x, np.ndarray) else x for x in args]
        with ga.stats() as s:
            r = getattr(entry, name)(gv, *gargs, **kw)
            g.get()
        assert r is None
        assert not s.fallbacks, s.fallbacks
        assert_same(g, h)


@pytest.mark.parametrize("dtype", DTYPES)
def test_putmask_place(dtype, rng):
    for shape in [(7, 5), (13,), (), (0, 3)]:
        a = _data(shape, dtype, rng)
        m = np.asarray(rng.random(shape) < 0.5)
        v = _data((3,), dtype, rng)
        for name in ("putmask", "place"):
            _inplace(name, a, m, v)
            _inplace(name, a, m, v[:1])
            _inplace(name, a, m.astype(np.int32), v[:2])  # a numeric mask
            _inplace(name, a, ~m, [1])  # a list converted into the target's dtype
        if a.ndim == 2:
            _inplace("putmask", a, m[::2, 1::2], v, view=(slice(None, None, 2), slice(1, None, 2)))
            _inplace("place", a, m[::2, 1::2], v, view=(slice(None, None, 2), slice(1, None, 2)))
            _inplace("putmask", a, m.reshape(1, -1), v)  # a mask of another shape, same size


def test_putmask_place_errors():
    a = np.arange(6)
    g = ga.asarray(a)
    for name in ("putmask", "place"):
        for args in ((a > 2, np.array([1.5])), (np.array([True]), [1]), (a > 2, np.array([1 + 1j]))):
            with pytest.raises(Exception) as e_np:
                getattr(np, name)(a.copy(), *args)
            with pytest.raises(e_np.type, match=str(e_np.value).split(" according")[0][:30].replace("(", ".").replace(")", ".")):
                getattr(ga, name)(g, *[ga.asarray(x) if isinstance(x, np.ndarray) else x for x in args])
    for v in (np.float64(1.5), 1.5, np.int64(3), [1.5, 2], np.float32(2.5)):  # scalars and lists: NumPy's conversion
        _inplace("putmask", a.astype(np.int32), a > 2, v)
        _inplace("place", a.astype(np.int32), a > 2, v)
    with pytest.raises(ValueError, match="empty array"):
        ga.place(g, ga.asarray(a > 2), [])
    ga.place(g, ga.asarray(a > 9), [])  # nothing selected: nothing to insert
    ga.putmask(g, ga.asarray(a > 2), [])  # NumPy: no-op
    assert_same(g, a)
    with pytest.raises(TypeError):
        ga.putmask(a.copy(), a > 2, 1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_put_along_axis(dtype, rng):
    a = _data((5, 6, 4), dtype, rng)
    for axis in (0, 1, 2, -1):
        n = a.shape[axis]
        shape = list(a.shape)
        shape[axis] = 3
        idx = rng.integers(-n, n, shape)
        _inplace("put_along_axis", a, idx, _data(tuple(shape), dtype, rng), axis)
        _inplace("put_along_axis", a, idx, _data((), dtype, rng), axis)
        _inplace("put_along_axis", a, np.argsort(a.real if a.dtype.kind == "c" else a, axis=axis)[..., :1] if axis == -1
                 else idx, 1, axis)
    _inplace("put_along_axis", a, rng.integers(0, 3, (5, 1, 4)), 7, 1, view=(slice(None), slice(None, None, 2)))
    _inplace("put_along_axis", a.reshape(-1)[:17], np.array([0, 5, 16]), _data((3,), dtype, rng), None)
    with pytest.raises(ValueError):
        ga.put_along_axis(ga.asarray(a), ga.asarray(np.array([0, 1])), 1, 0)
    with pytest.raises(IndexError):
        ga.put_along_axis(ga.asarray(a), ga.asarray(np.zeros((1, 1, 1))), 1, 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_fill_diagonal(dtype, rng):
    for shape in [(5, 5), (7, 3), (3, 7), (4, 4, 4), (0, 0), (1, 1)]:
        a = _data(shape, dtype, rng)
        v = _data((2,), dtype, rng)
        _inplace("fill_diagonal", a, v[0])
        _inplace("fill_diagonal", a, v)
        _inplace("fill_diagonal", a, v[:1], wrap=True)
    a = _data((9, 8), dtype, rng)
    _inplace("fill_diagonal", a, 3, view=(slice(None, None, 2), slice(1, None, 2)))  # non-contiguous
    _inplace("fill_diagonal", a, 2, wrap=True)
    if dtype == np.int32:
        _inplace("fill_diagonal", a, 2.7)  # cast as assignment does
    with pytest.raises(ValueError):
        ga.fill_diagonal(ga.asarray(a[0]), 1)
    with pytest.raises(ValueError):
        ga.fill_diagonal(ga.asarray(_data((3, 3, 2), dtype, rng)), 1)


def test_diag_indices():
    for n, ndim in [(4, 2), (3, 3), (0, 2), (1, 1)]:
        got, exp = ga.diag_indices(n, ndim), np.diag_indices(n, ndim)
        assert len(got) == len(exp)
        for g, e in zip(got, exp):
            assert_same(g, e)
    a = np.arange(27.0).reshape(3, 3, 3)
    with ga.stats() as s:
        got = ga.diag_indices_from(ga.asarray(a))
        for g, e in zip(got, np.diag_indices_from(a)):
            assert_same(g, e)
        assert_same(ga.asarray(a)[got], a[np.diag_indices_from(a)])
    assert not s.fallbacks
    for bad in (np.arange(3.0), np.ones((2, 3))):
        with pytest.raises(ValueError):
            ga.diag_indices_from(ga.asarray(bad))
        with pytest.raises(ValueError):
            np.diag_indices_from(ga.asarray(bad))
