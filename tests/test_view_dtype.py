"""``GpuArray.view(dtype)``: the same bytes as another dtype, a view of the same buffer (writes
through it land in the original), NumPy's shapes, values and errors; ``view(type)`` refuses."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import ALL_DTYPES, assert_same, sample

import gpuarray as ga


def _bits_equal(got, expected):
    h = got.get()
    assert h.shape == expected.shape and h.dtype == expected.dtype
    if expected.dtype == np.bool_:  # bytes other than 0/1 read as True in both
        np.testing.assert_array_equal(h, expected)
    else:
        assert h.tobytes() == np.ascontiguousarray(expected).tobytes()


@pytest.mark.parametrize("src", ALL_DTYPES)
@pytest.mark.parametrize("dst", ALL_DTYPES)
def test_view_every_pair(src, dst, rng):
    x = sample((3, 8), src, rng, special=True)
    if np.dtype(dst) == np.bool_:
        x = (np.arange(24).reshape(3, 8) % 3 == 0).astype(src)  # bytes of 0 and 1 only
    g = ga.asarray(x)
    try:
        e = x.view(dst)
    except ValueError as err:
        with pytest.raises(ValueError, match=str(err)[:30]):
            g.view(dst)
        return
    _bits_equal(g.view(dst), e)


def test_view_shares_the_buffer_and_evaluates_lazy(rng):
    x = sample((4, 6), np.float32, rng, special=True)
    g = ga.asarray(x)
    v = g.view(np.int32)
    _bits_equal(v, x.view(np.int32))
    v[1, 2] = 0x3F800000  # 1.0f
    x.view(np.int32)[1, 2] = 0x3F800000
    assert_same(g, x)
    lazy = ga.asarray(x) * 2
    _bits_equal(lazy.view(np.uint32), (x * 2).view(np.uint32))
    c = ga.asarray(sample((5,), np.complex64, rng))
    pairs = c.view(np.float32)
    assert pairs.shape == (10,)
    pairs[::2] = 7.0  # real parts
    assert np.all(c.get().real == 7.0)
    b = ga.asarray(np.arange(12, dtype=np.int8))
    w = b.view(np.int16)
    _bits_equal(w, np.arange(12, dtype=np.int8).view(np.int16))
    w[:] = 0x0101
    assert np.all(b.get() == 1)


def test_view_of_views_and_errors(rng):
    x = sample((6, 8), np.float32, rng)
    g = ga.asarray(x)
    _bits_equal(g[1:5:2, 2:6].view(np.int16), x[1:5:2, 2:6].view(np.int16))
    _bits_equal(g[::-1].view(np.float16), x[::-1].view(np.float16))
    _bits_equal(g[2:4].view(np.complex64), x[2:4].view(np.complex64))
    _bits_equal(g[:, 3:4].view(np.float16), x[:, 3:4].view(np.float16))
    _bits_equal(ga.asarray(np.float32(2.5)).view(np.int32), np.array(2.5, np.float32).view(np.int32))
    for bad, msg in ((lambda a: a[:, ::2].view(np.int16), "last axis must be contiguous"),
                     (lambda a: a.T.view(np.float16), "last axis must be contiguous"),
                     (lambda a: a[:, :3].view(np.float64), "divisor of the total size"),
                     (lambda a: a[0, 0].view(np.int16), "0d array")):
        with pytest.raises(ValueError, match=msg):
            bad(x)
        with pytest.raises(ValueError, match=msg):
            bad(g)
    with pytest.raises(ValueError, match="copy"):
        ga.asarray(np.arange(12, dtype=np.int8))[1:9].view(np.int32)  # an offset inside an int32
    with pytest.raises(TypeError, match="np.asarray"):
        g.view(np.matrix)
    with pytest.raises(TypeError, match="np.asarray"):
        g.view(np.float32, np.ndarray)
    with pytest.raises(TypeError, match="np.asarray"):
        g.view("U1")
    assert g.view(ga.GpuArray).shape == g.shape
    assert g.view().dtype == np.float32
