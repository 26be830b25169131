"""Views: taken without a dispatch or a transfer, sharing memory with their base, with
NumPy's byte strides and values."""
import numpy as np
import pytest

import gpuarray as ga
from conftest import ALL_DTYPES, assert_same, sample

# (name, function applied identically to a NumPy array and a GpuArray of shape (4, 5, 6))
VIEWS = [
    ("T", lambda a: a.T),
    ("mT", lambda a: a.mT),
    ("swapaxes", lambda a: a.swapaxes(0, 2)),
    ("swapaxes_fn", lambda a: (ga if isinstance(a, ga.GpuArray) else np).swapaxes(a, -1, 1)),
    ("transpose_axes", lambda a: a.transpose(1, 2, 0)),
    ("moveaxis", lambda a: (ga if isinstance(a, ga.GpuArray) else np).moveaxis(a, 0, -1)),
    ("moveaxis_multi", lambda a: (ga if isinstance(a, ga.GpuArray) else np).moveaxis(a, (0, 1), (2, 0))),
    ("slice_step", lambda a: a[1:4, ::2, 5:0:-2]),
    ("slice_int_none", lambda a: a[2, None, ..., -1]),
    ("slice_empty", lambda a: a[3:1, :, :]),
    ("expand_dims", lambda a: (ga if isinstance(a, ga.GpuArray) else np).expand_dims(a, (0, 3))),
    ("expand_dims_strided", lambda a: (ga if isinstance(a, ga.GpuArray) else np).expand_dims(a[:, ::2], -1)),
    ("squeeze", lambda a: a[:, 1:2, None, :1].squeeze()),
    ("squeeze_axis", lambda a: (ga if isinstance(a, ga.GpuArray) else np).squeeze(a[:, :1], axis=1)),
    ("reshape", lambda a: a.reshape(20, 6)),
    ("reshape_minus1", lambda a: a.reshape(2, -1, 3)),
    ("reshape_ones", lambda a: a.reshape(1, 4, 1, 30, 1)),
    ("reshape_strided_nocopy", lambda a: a[:, :, ::2].reshape(20, 3)),
    ("reshape_sliced_rows", lambda a: a[1:3].reshape(-1)),
    ("ravel", lambda a: a.ravel()),
    ("flip", lambda a: (ga if isinstance(a, ga.GpuArray) else np).flip(a, (0, 2))),
    ("flip_all", lambda a: (ga if isinstance(a, ga.GpuArray) else np).flip(a)),
    ("diagonal", lambda a: (ga if isinstance(a, ga.GpuArray) else np).diagonal(a, 1, 1, 2)),
    ("diagonal_neg", lambda a: a.diagonal(-2)),
    ("broadcast_to", lambda a: (ga if isinstance(a, ga.GpuArray) else np).broadcast_to(a[:, :1], (3, 4, 7, 6))),
    ("atleast_3d", lambda a: (ga if isinstance(a, ga.GpuArray) else np).atleast_3d(a[0, 0])),
    ("rot90", lambda a: (ga if isinstance(a, ga.GpuArray) else np).rot90(a, 1, (1, 2))),
    ("split", lambda a: (ga if isinstance(a, ga.GpuArray) else np).split(a, [1, 4], axis=1)[1]),
    ("unstack", lambda a: (ga if isinstance(a, ga.GpuArray) else np).unstack(a, axis=2)[3]),
]
WRITABLE = {name for name, _ in VIEWS} - {"broadcast_to", "diagonal", "diagonal_neg"}  # read-only in NumPy


@pytest.mark.parametrize("name,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_is_free_and_matches_numpy(name, fn):
    h = sample((4, 5, 6), np.float32)
    g = ga.asarray(h)
    g._leaf()  # a lazy array would be evaluated when viewed; views of stored data cost nothing
    with ga.stats() as s:
        v = fn(g)
    assert (s.dispatches, s.bytes_to_device, s.bytes_from_device, s.buffers_allocated) == (0, 0, 0, 0)
    expected = fn(h)
    assert v.shape == expected.shape
    if expected.size:
        assert v.strides == expected.strides, (v.strides, expected.strides)
    assert_same(v, expected)


@pytest.mark.parametrize("name,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_shares_memory(name, fn):
    h = sample((4, 5, 6), np.int32)
    g = ga.asarray(h)
    v = fn(g)
    # a write through the base is seen by the view
    h2 = sample((4, 5, 6), np.int32, np.random.default_rng(7), low=1000, high=2000)
    g[...] = h2
    assert_same(v, fn(h2))
    if name in WRITABLE and v.size:
        # and a write through the view is seen by the base
        v[...] = -7
        fn(h2)[...] = -7
        assert_same(g, h2)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_views_every_dtype(dtype):
    h = sample((3, 7), dtype)
    g = ga.asarray(h)
    for fn in (lambda a: a.T, lambda a: a[::-2, 1::3], lambda a: a.reshape(7, 3), lambda a: a[:, None, 2:5]):
        with ga.stats() as s:
            v = fn(g)
        assert s.dispatches == 0
        assert v.strides == fn(h).strides
        assert_same(v, fn(h))


def test_strides_of_new_and_0d_arrays():
    for shape in [(), (5,), (3, 4), (2, 1, 3)]:
        for dtype in (np.int8, np.float64, np.complex64):
            h = sample(shape, dtype)
            assert ga.asarray(h).strides == h.strides
            assert ga.asarray(h).T.strides == h.T.strides
    h0 = sample((), np.float32)
    g0 = ga.asarray(h0)
    assert_same(g0.reshape(1, 1), h0.reshape(1, 1))
    assert_same(ga.expand_dims(g0, 0), np.expand_dims(h0, 0))
    assert g0.T.shape == ()


def test_reshape_of_strided_data_copies_when_numpy_does():
    h = sample((4, 6), np.float64)
    g = ga.asarray(h)
    t = g.T  # (6, 4) non-contiguous: flattening needs a copy
    with ga.stats() as s:
        r = t.reshape(-1)
    assert s.dispatches == 1
    assert_same(r, h.T.reshape(-1))
    g[0, 0] = 99.0  # the copy does not follow the base
    assert r.get()[0] == h[0, 0]
    with pytest.raises(ValueError):
        t.reshape(24, copy=False)
    with pytest.raises(ValueError):
        ga.reshape(g, (5, 5))
    with pytest.raises(ValueError, match="only specify one unknown"):
        g.reshape(-1, -1)
    c = ga.reshape(g, (3, 8), copy=True)  # an explicit copy of contiguous data
    g[1, 1] = -1.0
    assert c.get().reshape(-1)[7] == h.reshape(-1)[7]


def test_flatten_copies_and_ravel_views():
    h = sample((3, 4), np.int16)
    g = ga.asarray(h)
    f, r = g.flatten(), g.ravel()
    g[0, 1] = 5
    h2 = h.copy()
    h2[0, 1] = 5
    assert_same(f, h.flatten())
    assert_same(r, h2.ravel())


def test_view_errors_match_numpy():
    g = ga.asarray(sample((2, 3), np.float32))
    with pytest.raises(np.exceptions.AxisError):
        g.swapaxes(0, 2)
    with pytest.raises(np.exceptions.AxisError):
        ga.moveaxis(g, 3, 0)
    with pytest.raises(np.exceptions.AxisError):
        ga.expand_dims(g, 4)
    with pytest.raises(ValueError):
        ga.moveaxis(g, (0, 1), 0)
    with pytest.raises(ValueError, match="size not equal to one"):
        ga.squeeze(g, 0)
    with pytest.raises(ValueError, match="broadcast"):
        ga.broadcast_to(g, (3, 3))
    with pytest.raises(ValueError):
        ga.asarray(sample((3,), np.float32)).mT
    with pytest.raises(IndexError):
        g[2]
    with pytest.raises(IndexError):
        g[0, 0, 0]
    with pytest.raises(ValueError):
        g.transpose(0, 0)
