"""nanvar, nanstd, nanargmax, nanargmin, nancumsum, nancumprod (and the other nan* reductions xarray
calls by default) on the device, against NumPy on inputs with NaN, all-NaN slices, inf, -0.0."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga

from conftest import HAS64, assert_same, sample

FLOATS = [np.float32] + ([np.float64] if HAS64 else [])


def _with_nans(shape, dtype, seed=5):
    h = sample(shape, dtype, np.random.default_rng(seed), low=-3, high=3)
    if h.dtype.kind in "fc" and h.size:
        flat = h.reshape(-1)
        flat[::4] = np.nan
        if h.ndim == 2 and h.shape[0] > 2:
            h[2, :] = np.nan  # an all-NaN row
        flat[1] = -0.0
    return h


def _np(fname, h, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return getattr(np, fname)(h, **kw)


@pytest.mark.parametrize("fname", ["nanvar", "nanstd"])
@pytest.mark.parametrize("dtype", FLOATS + [np.complex64, np.int32, np.int16])
@pytest.mark.parametrize("kw", [{}, {"axis": 0}, {"axis": 1, "ddof": 1}, {"axis": (0, 1), "keepdims": True},
                                {"axis": -1, "ddof": 6}, {"axis": 0, "keepdims": True, "correction": 1}])
def test_nanvar_nanstd(fname, dtype, kw):
    h = _with_nans((5, 7), dtype)
    with ga.stats() as s:
        got = getattr(ga, fname)(ga.asarray(h), **kw)
    assert s.fallbacks == {} and s.bytes_from_device == 0, s
    assert_same(got, _np(fname, h, **kw), rtol=1e-4 if np.dtype(dtype).itemsize <= 8 else 1e-10, atol=1e-6)


@pytest.mark.parametrize("fname", ["nancumsum", "nancumprod"])
@pytest.mark.parametrize("dtype", FLOATS + [np.int32, np.uint8, np.bool_])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_nancumsum_nancumprod(fname, dtype, axis):
    h = _with_nans((4, 6), dtype)
    with ga.stats() as s:
        got = getattr(ga, fname)(ga.asarray(h), axis=axis)
    assert s.fallbacks == {}, s.fallbacks
    assert_same(got, _np(fname, h, axis=axis), rtol=1e-5, check_dtype=True)


@pytest.mark.parametrize("fname", ["nanargmax", "nanargmin"])
@pytest.mark.parametrize("dtype", FLOATS + [np.int16, np.uint32])
@pytest.mark.parametrize("kw", [{}, {"axis": 0}, {"axis": 1}, {"axis": -1, "keepdims": True}])
def test_nanargmax_nanargmin(fname, dtype, kw):
    h = _with_nans((5, 7), dtype)
    if h.dtype.kind == "f":
        h[2, :] = 1.0  # no all-NaN slice here
        h[3, 1:3] = [np.inf if fname == "nanargmax" else -np.inf] * 2
        h[0, 5] = 2.5
        h[4, 5] = 2.5  # ties: the first wins
    with ga.stats() as s:
        got = getattr(ga, fname)(ga.asarray(h), **kw)
    assert s.fallbacks == {}, s.fallbacks
    assert_same(got, _np(fname, h, **kw))


@pytest.mark.parametrize("fname", ["nanargmax", "nanargmin"])
def test_nanargmax_all_nan_slice_raises_like_numpy(fname):
    h = _with_nans((5, 7), np.float32)  # row 2 is all NaN
    for kw in ({"axis": 1}, ):
        with pytest.raises(ValueError, match="All-NaN slice encountered"):
            _np(fname, h, **kw)
        with pytest.raises(ValueError, match="All-NaN slice encountered"):
            getattr(ga, fname)(ga.asarray(h), **kw)
    assert_same(getattr(ga, fname)(ga.asarray(h), axis=0), _np(fname, h, axis=0))
    with pytest.raises(ValueError, match="All-NaN slice encountered"):
        getattr(ga, fname)(ga.asarray(np.full(3, np.nan, np.float32)))


@pytest.mark.parametrize("fname", ["nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanstd", "nanvar",
                                   "nanargmax", "nanargmin", "nancumsum", "nancumprod"])
def test_numpy_nan_functions_dispatch_to_the_device(fname):
    h = _with_nans((6, 5), np.float32)
    h[2, 1] = 0.75  # row 2 keeps one value for the arg reductions
    x = ga.asarray(h)
    with ga.stats() as s:
        got = getattr(np, fname)(x, axis=1)
    assert s.fallbacks == {}, s.fallbacks
    assert_same(got, _np(fname, h, axis=1), rtol=1e-5)


def test_nanvar_out_and_nan_where_dof_nonpositive():
    h = _with_nans((4, 3), np.float32)
    out = ga.asarray(np.full(3, 123.0, np.float32))
    r = ga.nanvar(ga.asarray(h), axis=0, ddof=3, out=out)
    assert r is out
    assert_same(out, _np("nanvar", h, axis=0, ddof=3))
    assert np.isnan(_np("nanvar", h, axis=0, ddof=3)).any()


@pytest.mark.parametrize("fname", ["median", "nanmedian"])
@pytest.mark.parametrize("dtype", FLOATS + [np.int32, np.int16])
@pytest.mark.parametrize("shape", [(7,), (5, 6), (3, 4, 5), (1, 3)])
def test_median_nanmedian_on_device(fname, dtype, shape):
    h = _with_nans(shape, dtype)
    axes = [None] + list(range(h.ndim)) + ([(0, h.ndim - 1)] if h.ndim > 1 else [])
    for axis in axes:
        for keepdims in (False, True):
            with ga.stats() as s:
                got = getattr(np, fname)(ga.asarray(h), axis=axis, keepdims=keepdims)
            assert s.fallbacks == {} and s.bytes_from_device == 0, s
            assert_same(got, _np(fname, h, axis=axis, keepdims=keepdims), rtol=1e-6)
