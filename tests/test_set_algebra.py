"""intersect1d, union1d, setdiff1d, setxor1d on the device against NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same_narrowed as assert_same, ALL_DTYPES, sample


def _device(fn):
    with ga.stats() as s:
        r = fn()
        for v in (r if isinstance(r, tuple) else (r,)):
            v.get()
    assert not s.fallbacks, s.fallbacks
    return r


def _dups(shape, dtype, rng, low=-6, high=6):
    a = sample(shape, dtype, rng, low=low, high=high)
    if np.dtype(dtype).kind == "f" and a.size > 3:
        a.reshape(-1)[::4] = np.nan
        a.reshape(-1)[1::5] = -0.0
    return a


PAIRS = [((13,), (7,)), ((4, 5), (3, 3)), ((0,), (5,)), ((6,), (0,)), ((), (9,)), ((1,), ()), ((0,), (0,))]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shapes", PAIRS)
def test_set_functions(dtype, shapes, rng):
    a, b = _dups(shapes[0], dtype, rng), _dups(shapes[1], dtype, rng, low=-3, high=9)
    ga_, gb = ga.asarray(a), ga.asarray(b)
    for name in ("union1d", "intersect1d", "setdiff1d", "setxor1d"):
        assert_same(_device(lambda: getattr(ga, name)(ga_, gb)), getattr(np, name)(a, b))
        assert_same(_device(lambda: getattr(np, name)(ga_, gb)), getattr(np, name)(a, b))  # NumPy dispatch
    got = _device(lambda: ga.intersect1d(ga_, gb, return_indices=True))
    for g, e in zip(got, np.intersect1d(a, b, return_indices=True)):
        assert_same(g, e)


@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64, np.uint8])
def test_assume_unique(dtype, rng):
    a = rng.permutation(np.arange(-20, 21)).astype(dtype)[:17] if np.dtype(dtype).kind != "u" else \
        rng.permutation(np.arange(41)).astype(dtype)[:17]
    b = np.concatenate([a[3:9], rng.permutation(np.arange(50, 60)).astype(dtype)])
    ga_, gb = ga.asarray(a), ga.asarray(b)
    for name in ("intersect1d", "setdiff1d", "setxor1d"):
        assert_same(_device(lambda: getattr(ga, name)(ga_, gb, assume_unique=True)),
                    getattr(np, name)(a, b, assume_unique=True))
    got = _device(lambda: ga.intersect1d(ga_, gb, assume_unique=True, return_indices=True))
    for g, e in zip(got, np.intersect1d(a, b, assume_unique=True, return_indices=True)):
        assert_same(g, e)


def test_non_contiguous_mixed_dtypes_and_lists(rng):
    a = _dups((9, 8), np.float32, rng)
    b = sample((21,), np.int16, rng, low=-5, high=5)
    ga_, gb = ga.asarray(a)[::2, 1::3], ga.asarray(b)[::-2]
    ha, hb = a[::2, 1::3], b[::-2]
    for name in ("union1d", "intersect1d", "setdiff1d", "setxor1d"):
        assert_same(_device(lambda: getattr(ga, name)(ga_, gb)), getattr(np, name)(ha, hb))
    got = _device(lambda: ga.intersect1d(ga_, gb, return_indices=True))
    for g, e in zip(got, np.intersect1d(ha, hb, return_indices=True)):
        assert_same(g, e)
    assert_same(ga.union1d([3, 1, 2], ga.asarray(np.array([2, 5], np.int32))),
                np.union1d([3, 1, 2], np.array([2, 5], np.int32)))


def test_nan_and_signed_zero():
    a = np.array([np.nan, 1.0, -0.0, np.inf, np.nan], np.float64)
    b = np.array([np.nan, 0.0, np.inf, 2.0], np.float64)
    ga_, gb = ga.asarray(a), ga.asarray(b)
    for name in ("union1d", "intersect1d", "setdiff1d", "setxor1d"):
        assert_same(_device(lambda: getattr(ga, name)(ga_, gb)), getattr(np, name)(a, b))
