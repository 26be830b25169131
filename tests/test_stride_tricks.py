"""gpuarray.lib.stride_tricks against NumPy's: views over the same buffer, no copy."""
from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided as np_as_strided
from numpy.lib.stride_tricks import sliding_window_view as np_swv

import gpuarray as ga
from gpuarray.lib.stride_tricks import as_strided, sliding_window_view

from conftest import sample


@pytest.mark.parametrize("shape,window,axis", [
    ((11,), 3, None), ((11,), (11,), None), ((7, 5), (2, 3), None), ((7, 5), 3, 0), ((7, 5), 2, -1),
    ((4, 5, 6), (2, 2), (0, 2)), ((6, 5), (2, 3), (0, 0)), ((5, 4), 1, 1), ((0, 3), 0, 0), ((9,), 0, None)])
@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.uint8, np.complex64])
def test_sliding_window_view_matches_numpy(shape, window, axis, dtype):
    h = sample(shape, dtype)
    x = ga.asarray(h)
    with ga.stats() as s:
        v = sliding_window_view(x, window, axis=axis)
    assert s.dispatches == 0 and s.buffers_allocated == 0  # a view, not a copy
    e = np_swv(h, window, axis=axis)
    assert v.shape == e.shape and v.dtype == e.dtype
    np.testing.assert_array_equal(v.get(), e)
    assert v._leaf().storage is x._leaf().storage
    np.testing.assert_array_equal(np.lib.stride_tricks.sliding_window_view(x, window, axis=axis).get(), e)


def test_sliding_window_view_of_non_contiguous_view():
    h = sample((9, 8), np.float32)
    x = ga.asarray(h)[1::2, ::-3]
    e = np_swv(h[1::2, ::-3], (2, 2))
    np.testing.assert_array_equal(sliding_window_view(x, (2, 2)).get(), e)
    assert sliding_window_view(x, (2, 2)).strides == e.strides


def test_sliding_window_view_read_only_by_default():
    x = ga.asarray(sample((6,), np.float32))
    v = sliding_window_view(x, 3)
    assert v.flags["WRITEABLE"] is False
    before = x.get()
    for write in (lambda: v.__setitem__((0, 0), 1.0), lambda: v[1].__setitem__(0, 1.0),
                  lambda: v.__iadd__(1), lambda: v.T.__setitem__(..., 0),
                  lambda: v.__setitem__(v > 0, 0), lambda: ga.sum(x, out=v[0, 0])):
        with pytest.raises(ValueError, match="read-only"):
            write()
    np.testing.assert_array_equal(x.get(), before)
    w = sliding_window_view(x, 3, writeable=True)
    w[0, 1] = 42.0
    h = before.copy()
    np_swv(h, 3, writeable=True)[0, 1] = 42.0
    np.testing.assert_array_equal(x.get(), h)
    x[0] = 5.0  # the base stays writeable


@pytest.mark.parametrize("args,match", [
    (((5,), 6, None), "larger than input"), (((5,), -1, None), "negative"),
    (((5, 4), (2,), None), "must provide window_shape for all"), (((5, 4), (2, 2), 0), "matching length"),
])
def test_sliding_window_view_errors_match_numpy(args, match):
    shape, window, axis = args
    h = np.ones(shape, np.float32) * 2
    with pytest.raises(ValueError, match=match):
        np_swv(h, window, axis=axis)
    with pytest.raises(ValueError, match=match):
        sliding_window_view(ga.asarray(h), window, axis=axis)
    with pytest.raises(np.exceptions.AxisError):
        sliding_window_view(ga.asarray(h), 2, axis=len(shape))


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int32])
def test_as_strided_matches_numpy(dtype):
    h = sample((24,), dtype)
    x = ga.asarray(h)
    isz = h.itemsize
    for shape, strides in [((5, 3), (4 * isz, isz)), ((3, 4), (isz, 6 * isz)), ((4, 4), (0, isz)),
                           ((6,), (4 * isz,)), ((2, 3, 2), (12 * isz, 4 * isz, isz))]:
        v = as_strided(x, shape, strides)
        e = np_as_strided(h, shape, strides)
        assert v.strides == e.strides
        np.testing.assert_array_equal(v.get(), e)
    # from an offset view, with a negative stride
    v = as_strided(x[20:], (5,), (-4 * isz,))
    np.testing.assert_array_equal(v.get(), np_as_strided(h[20:], (5,), (-4 * isz,)))
    np.testing.assert_array_equal(as_strided(x).get(), h)


def test_as_strided_writes_through_and_read_only():
    h = np.arange(12, dtype=np.float32) + 0.5
    x = ga.asarray(h)
    v = as_strided(x, (3, 2), (16, 4))
    v[1, 1] = -1.0
    np_as_strided(h, (3, 2), (16, 4))[1, 1] = -1.0
    np.testing.assert_array_equal(x.get(), h)
    r = as_strided(x, (3, 2), (16, 4), writeable=False)
    with pytest.raises(ValueError, match="read-only"):
        r[0, 0] = 1.0


def test_as_strided_guards():
    x = ga.asarray(np.arange(10, dtype=np.float32) + 1)
    with pytest.raises(ValueError, match="multiples of the item size"):
        as_strided(x, (3,), (6,))
    with pytest.raises(ValueError, match="inside its array's buffer"):
        as_strided(x, (20,), (4,))
    with pytest.raises(ValueError, match="inside its array's buffer"):
        as_strided(x[2:], (4,), (-4,))
    with pytest.raises(ValueError, match="mismatch in length"):
        as_strided(x, (2, 2), (4,))
    assert as_strided(x, (0, 100), (4, 400)).shape == (0, 100)  # empty: nothing is reached
