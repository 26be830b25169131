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


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64, np.bool_, np.uint8, np.complex64, np.complex128])
def test_unique_along_an_axis(dtype):
    """unique of the slices along an axis, as NumPy's record view gives it: lexicographic order of
    the slices, index/inverse (1-D)/counts, -0.0 equal to 0.0, NaN slices never merged, views."""
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, (13, 3, 2)).astype(dtype)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.integers(0, 2, a.shape).astype(dtype)
    cases = [(a, 0), (a, 1), (a, -1), (a[::-1, :, 1], 0), (a[:, 1, :].T, 1)]
    if np.dtype(dtype).kind == "f":
        f = np.array([[0.0, 1.0], [-0.0, 1.0], [np.nan, 2.0], [np.nan, 2.0], [1.0, -np.inf], [0.0, 0.5]], dtype)
        cases.append((f, 0))
    for x, ax in cases:
        with ga.stats() as s:
            got = ga.unique(ga.asarray(x), axis=ax, return_index=True, return_inverse=True, return_counts=True)
            plain = np.unique(ga.asarray(x), axis=ax)
            hs = [g.get() for g in got] + [plain.get()]
        assert not s.fallbacks, s.fallbacks
        want = np.unique(x, axis=ax, return_index=True, return_inverse=True, return_counts=True)
        for g_, w in zip(hs, list(want) + [want[0]]):
            assert g_.dtype == w.dtype and g_.shape == w.shape, (g_.dtype, w.dtype, g_.shape, w.shape)
            np.testing.assert_array_equal(g_, w)
    with pytest.raises(np.exceptions.AxisError):
        ga.unique(ga.asarray(a), axis=3)
