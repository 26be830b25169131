"""sort / argsort on the device against NumPy's stable sort."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same, ALL_DTYPES, FLOAT_DTYPES, REAL_DTYPES, sample

SHAPES = [(1,), (7,), (513,), (3, 5), (4, 1030), (2, 3, 4)]


def _with_ties(shape, dtype, rng):
    """Values with many duplicates (stability matters) and, for floats, NaN/inf/-0.0."""
    a = sample(shape, dtype, rng, low=-5, high=5, special=np.dtype(dtype).kind == "f")
    if np.dtype(dtype).kind == "f" and a.size > 4:
        a.reshape(-1)[1::7] = -0.0
        a.reshape(-1)[2::9] = np.nan
    return a


@pytest.mark.parametrize("dtype", REAL_DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_sort_argsort_last_axis(dtype, shape, rng):
    a = _with_ties(shape, dtype, rng)
    g = ga.asarray(a)
    assert_same(ga.sort(g), np.sort(a, kind="stable"))
    assert_same(ga.argsort(g), np.argsort(a, kind="stable"))


@pytest.mark.parametrize("dtype", [np.int16, np.float32] + ([np.float64] if np.float64 in FLOAT_DTYPES else []))
@pytest.mark.parametrize("axis", [0, 1, -3, None])
def test_sort_any_axis(dtype, axis, rng):
    a = _with_ties((5, 6, 7), dtype, rng)
    g = ga.asarray(a)
    assert_same(ga.sort(g, axis=axis), np.sort(a, axis=axis, kind="stable"))
    assert_same(ga.argsort(g, axis=axis), np.argsort(a, axis=axis, kind="stable"))


def test_sort_strided_view(rng):
    a = sample((9, 12), np.float32, rng)
    g = ga.asarray(a)[::2, 1::3].T
    assert_same(ga.sort(g, axis=0), np.sort(a[::2, 1::3].T, axis=0))


@pytest.mark.parametrize("dtype", REAL_DTYPES)
def test_descending_stable(dtype, rng):
    a = _with_ties((3, 70), dtype, rng)
    g = ga.asarray(a)
    got = ga.argsort(g, axis=1, descending=True).get()
    # stable descending: by value descending, equal values in original order, NaNs last
    for r in range(a.shape[0]):
        row = a[r]
        keyed = sorted(range(len(row)), key=lambda i: (np.isnan(row[i]) if row.dtype.kind == "f" else False,
                                                      -float(row[i]) if not (row.dtype.kind == "f" and np.isnan(row[i])) else 0.0, i))
        assert got[r].tolist() == keyed
    s = ga.sort(g, axis=1, descending=True).get()
    np.testing.assert_array_equal(s, np.take_along_axis(a, got, axis=1))


def test_descending_extremes():
    a = np.array([np.iinfo(np.int32).min, 0, np.iinfo(np.int32).max, -1], np.int32)
    assert ga.sort(ga.asarray(a), descending=True).get().tolist() == sorted(a.tolist(), reverse=True)
    f = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 1e-38], np.float32)
    got = ga.sort(ga.asarray(f), descending=True).get()
    np.testing.assert_array_equal(got[:5], np.array([np.inf, 1e-38, 0.0, -0.0, -np.inf], np.float32))
    assert np.isnan(got[5])


@pytest.mark.parametrize("dtype", [d for d in ALL_DTYPES if np.dtype(d).kind == "c"])
def test_sort_complex(dtype, rng):
    a = (rng.integers(-3, 3, (4, 33)) + 1j * rng.integers(-3, 3, (4, 33))).astype(dtype)
    g = ga.asarray(a)
    assert_same(ga.sort(g), np.sort(a, kind="stable"))
    assert_same(ga.argsort(g), np.argsort(a, kind="stable"))


def test_empty_and_0d():
    e = np.zeros((3, 0), np.float32)
    assert_same(ga.sort(ga.asarray(e)), np.sort(e))
    assert_same(ga.argsort(ga.asarray(e), axis=0), np.argsort(e, axis=0))
    assert_same(ga.argsort(ga.asarray(np.float32(3))), np.argsort(np.float32(3)))
    with pytest.raises(np.exceptions.AxisError):
        ga.sort(ga.asarray(3.0))
    with pytest.raises(np.exceptions.AxisError):
        ga.sort(ga.asarray([1, 2]), axis=1)


def test_method_sort_in_place_and_large(rng):
    a = rng.standard_normal(100_003).astype(np.float32)
    g = ga.asarray(a)
    g.sort()
    np.testing.assert_array_equal(g.get(), np.sort(a))
    m = ga.asarray(a[:1200].reshape(40, 30))
    m.sort(axis=0)
    np.testing.assert_array_equal(m.get(), np.sort(a[:1200].reshape(40, 30), axis=0))


def test_runs_on_device(rng):
    g = ga.asarray(sample((1000,), np.float32, rng))
    ga.sort(g).get()
    with ga.stats() as s:
        ga.sort(g).get()
        ga.argsort(g, descending=True).get()
    assert not s.fallbacks
    assert s.kernels_compiled == 0
