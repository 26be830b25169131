"""unravel_index and ravel_multi_index on the device against NumPy's."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga


@pytest.mark.parametrize("idx,shape,order", [
    (np.array([0, 5, 11, 7]), (3, 4), "C"), (np.array([[1, 2], [3, 23]]), (2, 3, 4), "F"),
    (np.array(5), (6,), "C"), (np.array([], np.int64), (2, 2), "C"), (np.array([3, 1], np.uint8), (2, 2), "C"),
    (np.array([0, 17, 29]), (5, 1, 6), "C")])
def test_unravel_and_ravel_round_trip(idx, shape, order):
    e = np.unravel_index(idx, shape, order=order)
    with ga.stats() as s:
        g = ga.unravel_index(ga.asarray(idx), shape, order=order)
        r = ga.ravel_multi_index(g, shape, order=order)
    assert s.fallbacks == {}
    assert len(g) == len(e)
    for a, b in zip(g, e):
        assert a.get().dtype == b.dtype and np.array_equal(a.get(), b)
    er = np.ravel_multi_index(e, shape, order=order)
    assert r.get().dtype == er.dtype and np.array_equal(r.get(), er)
    assert isinstance(np.unravel_index(ga.asarray(idx), shape, order=order)[0], ga.GpuArray)


@pytest.mark.parametrize("mode", ["wrap", "clip", ("clip", "wrap")])
def test_ravel_multi_index_modes(mode):
    mi = (np.array([-1, 3, 5, 9]), np.array([7, -2, 1, 0]))
    got = ga.ravel_multi_index(tuple(ga.asarray(m) for m in mi), (4, 5), mode=mode)
    np.testing.assert_array_equal(got.get(), np.ravel_multi_index(mi, (4, 5), mode=mode))


def test_out_of_range_raises_like_numpy():
    with pytest.raises(ValueError, match="out of bounds for array with size 12"):
        ga.unravel_index(ga.asarray(np.array([3, 12])), (3, 4))
    with pytest.raises(ValueError, match="out of bounds"):
        ga.unravel_index(ga.asarray(np.array([-1])), (3, 4))
    with pytest.raises(ValueError, match="invalid entry in coordinates array"):
        ga.ravel_multi_index((ga.asarray(np.array([1, 3])), ga.asarray(np.array([0, 0]))), (3, 4))
    with pytest.raises(TypeError, match="only int indices"):
        ga.unravel_index(ga.asarray(np.array([1.0])), (3, 4))
