"""insert, delete, append on the device against NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same, sample

DTYPES = [np.float32, np.int32, np.uint8, np.bool_, np.complex64, np.int16]


def _device(fn):
    with ga.stats() as s:
        r = fn()
        r.get()
    assert not s.fallbacks, s.fallbacks
    return r


def _check(name, a, *args, **kw):
    g = ga.asarray(a)
    assert_same(_device(lambda: getattr(ga, name)(g, *args, **kw)), getattr(np, name)(a, *args, **kw))
    assert_same(_device(lambda: getattr(np, name)(g, *args, **kw)), getattr(np, name)(a, *args, **kw))


def _data(shape, dtype, rng):
    a = sample(shape, dtype, rng)
    if np.dtype(dtype).kind == "f" and a.size > 2:
        a.reshape(-1)[1] = np.nan
        a.reshape(-1)[-1] = -0.0
    return a


OBJS = [0, -1, 2, slice(1, None, 2), slice(None, None, -3), slice(5, 2), [0, 2, 2, -1], np.array([3, 0]), [],
        np.array([], np.int64)]


@pytest.mark.parametrize("dtype", DTYPES)
def test_delete(dtype, rng):
    a = _data((5, 7), dtype, rng)
    for obj in OBJS:
        _check("delete", a, obj)
        _check("delete", a, obj, axis=1)
        _check("delete", a, obj, axis=0)
        _check("delete", a, obj, axis=-1)
    _check("delete", a, np.arange(7) % 3 == 0, axis=1)
    _check("delete", a[:, ::2], [1, 2], axis=1)  # non-contiguous
    _check("delete", _data((9,), dtype, rng), [8, 0])
    _check("delete", _data((0, 3), dtype, rng), [1], axis=1)
    _check("delete", _data((), dtype, rng), [])


@pytest.mark.parametrize("dtype", DTYPES)
def test_insert(dtype, rng):
    a = _data((5, 6), dtype, rng)
    v = _data((3,), dtype, rng)
    for obj in (0, 2, -1, 5, [1], [0, 3, 3, -2], np.array([4, 0]), slice(1, 4), slice(None, None, -2)):
        _check("insert", a, obj, 7)
        _check("insert", a, obj, v[0], axis=1)
        _check("insert", a, obj, 9, axis=0)
    _check("insert", a, 2, v)          # several values at one position (flattened)
    _check("insert", a, 1, v[:1], axis=1)
    _check("insert", a, [1], _data((5, 1), dtype, rng), axis=1)
    _check("insert", a, 1, _data((5,), dtype, rng), axis=1)  # a scalar position: values as a column
    _check("insert", a, [1, 3], _data((5, 2), dtype, rng), axis=1)
    _check("insert", a[::-1, 1::2], [0, 1], 3, axis=1)  # non-contiguous
    _check("insert", _data((0,), dtype, rng), 0, v)
    _check("insert", _data((3,), dtype, rng), [], v[:0])
    g = ga.asarray(a)
    assert_same(_device(lambda: ga.insert(g, [1, 2], ga.asarray(v[:2]))), np.insert(a, [1, 2], v[:2]))


def test_insert_casts_values_and_takes_device_indices(rng):
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    _check("insert", a, 1, 2.7)
    _check("insert", a, 1, [5.9, -1.2], axis=0 if False else 1)
    g = ga.asarray(a)
    assert_same(_device(lambda: ga.insert(g, ga.asarray(np.array([2, 0])), ga.asarray(np.array([1.5, 2.5])), axis=1)),
                np.insert(a, np.array([2, 0]), np.array([1.5, 2.5]), axis=1))
    assert_same(_device(lambda: ga.delete(g, ga.asarray(np.array([0, 2])), axis=1)), np.delete(a, [0, 2], axis=1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_append(dtype, rng):
    a = _data((3, 4), dtype, rng)
    _check("append", a, _data((2, 4), dtype, rng), axis=0)
    _check("append", a, _data((3, 1), dtype, rng), axis=1)
    _check("append", a, _data((5,), dtype, rng))
    _check("append", a[:, ::2], _data((), dtype, rng))
    _check("append", _data((0,), dtype, rng), _data((0,), dtype, rng))
    _check("append", a, _data((2, 4), np.float64, rng), axis=0)  # promotion
    assert_same(ga.append(ga.asarray(a), [1, 2]), np.append(a, [1, 2]))


def test_errors_are_numpys():
    a = np.arange(10.0).reshape(2, 5)
    g = ga.asarray(a)
    cases = [("delete", (7,), {"axis": 1}), ("delete", (np.array([True, False]),), {"axis": 1}),
             ("delete", ([1.5],), {}), ("delete", (0,), {"axis": 2}), ("insert", (11, 1), {}),
             ("insert", ([[1]], 1), {}), ("insert", ([1, 20], 1), {}), ("insert", (0, 1), {"axis": 3}),
             ("append", (np.ones(3),), {"axis": 0})]
    for name, args, kw in cases:
        with pytest.raises(Exception) as e_np:
            getattr(np, name)(a, *args, **kw)
        with pytest.raises(e_np.type) as e_ga:
            getattr(ga, name)(g, *args, **kw)
        assert str(e_ga.value) == str(e_np.value) or name == "append" or "axis" in kw and kw["axis"] > 1
