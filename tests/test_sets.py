"""unique (NumPy and array API forms) and isin against NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same, ALL_DTYPES, sample

SHAPES = [(0,), (1,), (9,), (4, 7), (2, 3, 5), ()]


def _dups(shape, dtype, rng):
    a = sample(shape, dtype, rng, low=-4, high=4)
    if np.dtype(dtype).kind == "f" and a.size > 3:
        a.reshape(-1)[::4] = np.nan
        a.reshape(-1)[1::5] = -0.0
    return a


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_numpy_unique(dtype, shape, rng):
    a = _dups(shape, dtype, rng)
    got = ga.unique(ga.asarray(a), return_index=True, return_inverse=True, return_counts=True)
    exp = np.unique(a, return_index=True, return_inverse=True, return_counts=True)
    for g, e in zip(got, exp):
        assert_same(g, e)
    assert_same(ga.unique(ga.asarray(a)), np.unique(a))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shape", [(0,), (11,), (3, 4), ()])
def test_array_api_unique(dtype, shape, rng):
    a = _dups(shape, dtype, rng)
    g = ga.asarray(a)
    # the array API leaves the order open (NumPy's unique_* may hash); ours are sorted, which
    # NumPy's unique gives with every NaN distinct (equal_nan=False)
    v, i, inv, c = np.unique(a, return_index=True, return_inverse=True, return_counts=True, equal_nan=False)
    expected = {"values": v, "indices": i, "inverse_indices": inv.reshape(a.shape), "counts": c}
    for fn in ("unique_all", "unique_counts", "unique_inverse"):
        got = getattr(ga, fn)(g)
        assert got._fields == getattr(np, fn)(a)._fields
        for name, x in zip(got._fields, got):
            assert_same(x, expected[name])
    assert_same(ga.unique_values(g), v)


def test_nan_is_distinct_in_array_api_functions():
    a = np.array([np.nan, 1.0, np.nan, 1.0, -0.0, 0.0], np.float32)
    v, c = ga.unique_counts(ga.asarray(a))
    assert v.shape == (4,) and c.get().tolist() == [2, 2, 1, 1]
    assert np.isnan(v.get()[2:]).all()
    assert ga.unique(ga.asarray(a)).shape == (3,)  # NumPy's unique: equal_nan=True
    assert ga.unique(ga.asarray(a), equal_nan=False).shape == (4,)


def test_inverse_rebuilds_input(rng):
    a = sample((37, 5), np.int32, rng, low=-10, high=10)
    r = ga.unique_all(ga.asarray(a))
    np.testing.assert_array_equal(r.values.get()[r.inverse_indices.get()], a)
    np.testing.assert_array_equal(a.reshape(-1)[r.indices.get()], r.values.get())


@pytest.mark.parametrize("dtype", [d for d in ALL_DTYPES if np.dtype(d).kind in "iuf"])
@pytest.mark.parametrize("invert", [False, True])
def test_isin(dtype, invert, rng):
    a = _dups((5, 6), dtype, rng)
    t = _dups((7,), dtype, rng)[:5]
    assert_same(ga.isin(ga.asarray(a), ga.asarray(t), invert=invert), np.isin(a, t, invert=invert))


def test_isin_edges():
    x = np.array([1, 2, 3], np.int16)
    assert_same(ga.isin(ga.asarray(x), ga.asarray(np.array([], np.int16))), np.isin(x, []))
    assert_same(ga.isin(ga.asarray(x), 2), np.isin(x, 2))
    assert_same(ga.isin(ga.asarray(np.zeros((0, 2))), ga.asarray(x)), np.isin(np.zeros((0, 2)), x))
    assert_same(ga.isin(3, ga.asarray(x)), np.isin(3, x))
    assert_same(ga.isin(ga.asarray(x), ga.asarray(np.array([3.0, 1.5]))), np.isin(x, [3.0, 1.5]))


def test_unique_on_device(rng):
    g = ga.asarray(sample((500,), np.int32, rng, low=0, high=20))
    ga.unique_all(g)
    with ga.stats() as s:
        ga.unique_all(g).counts.get()
        ga.isin(g, g[:10]).get()
    assert not s.fallbacks
