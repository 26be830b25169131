"""Arrays handed to NumPy code: iteration (NumPy's scalars and views, one download), ``__array__`` of
views (stride tricks over the base stay in bounds), memory-sharing queries answered from the device
layouts, non-numeric arguments falling back to NumPy, and ``x[...] = value`` keeping a value that
its caller still holds whatever the interpreter's reference counts say."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import ALL_DTYPES, assert_same, sample
from numpy.lib.stride_tricks import as_strided

import gpuarray as ga
from gpuarray._device import runtime as _runtime


@pytest.fixture
def count_reads(monkeypatch):
    """The number of device reads made so far (a list holding one count)."""
    dev = _runtime.device()
    n = [0]
    orig = dev.read

    def read(*a, **k):
        n[0] += 1
        return orig(*a, **k)

    monkeypatch.setattr(dev, "read", read)
    return n


# ---------------------------------------------------------------------------- iteration
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.bool_])
def test_zero_d_is_not_iterable(dtype):
    h = sample((), dtype)
    g = ga.asarray(h)
    assert np.iterable(g) is np.iterable(h) is False
    with pytest.raises(TypeError, match="iteration over a 0-d array"):
        iter(g)
    with pytest.raises(TypeError, match="len"):
        len(g)
    lazy = g + g if dtype != np.bool_ else g | g
    with pytest.raises(TypeError, match="iteration over a 0-d array"):
        iter(lazy)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_iter_1d_one_download_numpy_scalars(dtype, count_reads):
    h = sample((37,), dtype, special=True)
    g = ga.asarray(h)
    g._leaf()
    before = count_reads[0]
    got = list(g)
    assert count_reads[0] - before == 1
    want = list(h)
    assert [type(v) for v in got] == [type(v) for v in want]
    np.testing.assert_array_equal(np.array(got), np.array(want))
    # a strided view and a lazy expression: still one read each
    before = count_reads[0]
    assert [type(v) for v in g[::-3]] == [type(v) for v in h[::-3]]
    np.testing.assert_array_equal(np.array(list(g[::-3])), h[::-3])
    assert count_reads[0] - before == 2
    assert list(ga.asarray(h[:0])) == []


def test_iter_nd_yields_views_without_reading(count_reads):
    h = sample((4, 3, 5), np.float32)
    g = ga.asarray(h)
    g._leaf()
    before = count_reads[0]
    with ga.stats() as s:
        rows = list(g[:, ::2])
    assert count_reads[0] == before and s.dispatches == 0 and s.bytes_from_device == 0
    assert len(rows) == 4
    for r, e in zip(rows, h[:, ::2]):
        assert_same(r, e)
    # the rows are views: a write through one is seen by the base
    rows[1][0, 0] = 99.0
    h[1, 0, 0] = 99.0
    assert_same(g, h)
    # a lazy N-D array is evaluated once, not once per row
    lz = g * 2
    with ga.stats() as s:
        rows = list(lz)
    assert s.dispatches == 1 and s.bytes_from_device == 0
    assert_same(rows[3], h[3] * 2)


def test_iteration_speed_is_one_transfer():
    """Iterating 20,000 elements costs one transfer, not one per element."""
    h = sample((20_000,), np.float32)
    g = ga.asarray(h)
    with ga.stats() as s:
        total = sum(v for v in g)
    assert s.bytes_from_device == h.nbytes
    assert total == sum(v for v in h)


# ---------------------------------------------------------------------------- __array__ of views
def test_as_strided_over_a_view_reads_its_base():
    """``as_strided(view, strides=(-n, n))`` (SciPy's toeplitz/circulant) reads the base around the
    view, as NumPy allows; the host array handed over must keep the view's place in its base."""
    c = sample((5,), np.float64)
    r = sample((6,), np.float64, np.random.default_rng(5))
    for vals in (np.concatenate((c[::-1], r[1:])), np.concatenate((c[::-1], c[:0:-1]))):
        g = ga.asarray(vals)
        n = vals.strides[0]
        assert g.strides[0] == n
        want = as_strided(vals[len(c) - 1:], shape=(len(c), len(vals) - len(c) + 1), strides=(-n, n))
        got = as_strided(g[len(c) - 1:], shape=want.shape, strides=(-n, n))
        np.testing.assert_array_equal(got, want)


def test_as_strided_over_a_view_of_a_large_buffer():
    """A row of a large array converts alone (converting rows one by one stays linear), and
    ``as_strided`` still sees the base around it."""
    h = sample((400, 60), np.float64)
    g = ga.asarray(h)
    with ga.stats() as s:
        row = np.asarray(g[200])
    np.testing.assert_array_equal(row, h[200])
    assert s.bytes_from_device == h[200].nbytes
    n = h.itemsize
    want = as_strided(h[200, 30:], shape=(25, 25), strides=(-n, n))
    got = as_strided(g[200, 30:], shape=(25, 25), strides=(-n, n))
    np.testing.assert_array_equal(got, want)
    want = as_strided(h[200], shape=(3, 60), strides=(-60 * n, n))
    np.testing.assert_array_equal(as_strided(g[200], shape=(3, 60), strides=(-60 * n, n)), want)


@pytest.mark.parametrize("view", [lambda a: a[1:, ::2], lambda a: a[::-1, 2], lambda a: a.T[1:3],
                                  lambda a: a[2:3, 1:4], lambda a: a[:0]])
def test_array_of_view_has_numpy_layout(view):
    h = sample((5, 6), np.int32)
    g = ga.asarray(h)
    v, hv = view(g), view(h)
    a = np.asarray(v)
    np.testing.assert_array_equal(a, hv)
    assert a.shape == hv.shape and a.dtype == hv.dtype
    if hv.size:
        assert a.strides == hv.strides
        # the base around the view is where NumPy's is: read back to the base's first element
        off = (hv.__array_interface__["data"][0] - h.__array_interface__["data"][0]) // h.itemsize
        back = as_strided(a, shape=(off + 1,), strides=(-h.itemsize,))
        np.testing.assert_array_equal(back, h.ravel()[off::-1])
        fwd = as_strided(a, shape=(h.size - off,), strides=(h.itemsize,))
        np.testing.assert_array_equal(fwd, h.ravel()[off:])
    assert np.asarray(v, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(np.asarray(v, dtype=np.float64), hv.astype(np.float64))


def test_array_of_lazy_and_whole_arrays_is_compact():
    h = sample((4, 5), np.float32)
    g = ga.asarray(h)
    for arr, want in ((g, h), (g * 2, h * 2), (g.T, h.T)):
        a = np.asarray(arr)
        np.testing.assert_array_equal(a, want)
    with ga.stats() as s:
        np.asarray(g)
    assert s.bytes_from_device == h.nbytes


# ---------------------------------------------------------------------------- memory sharing
def _pairs(a):
    """(name, x, y) pairs of views of ``a`` (NumPy array or GpuArray of shape (6, 8))."""
    return [
        ("same", a, a),
        ("view", a, a[1:]),
        ("interleaved", a[:, ::2], a[:, 1::2]),
        ("disjoint_rows", a[:3], a[3:]),
        ("transpose", a, a.T),
        ("one_element", a[2, 3, ...], a[2:3, 3:4]),
        ("reversed", a[::-1, 0], a[5, :]),
        ("column_row", a[:, 7], a[5]),
        ("empty", a[:0], a),
    ]


@pytest.mark.parametrize("i", range(9))
def test_shares_memory_like_numpy(i):
    h = sample((6, 8), np.float32)
    g = ga.asarray(h)
    name, hx, hy = _pairs(h)[i]
    _, gx, gy = _pairs(g)[i]
    for fn in (np.may_share_memory, np.shares_memory, ga.may_share_memory, ga.shares_memory):
        ref = (np.may_share_memory if "may" in fn.__name__ else np.shares_memory)(hx, hy)
        assert fn(gx, gy) is ref, (name, fn.__name__)
        assert fn(gy, gx) is ref, (name, fn.__name__)
    for max_work in (0, 1, None):  # bounds only, a bounded search (NumPy may give up), exact
        assert _outcome(np.shares_memory, gx, gy, max_work) == _outcome(np.shares_memory, hx, hy, max_work)


def _outcome(fn, a, b, max_work):
    try:
        return fn(a, b, max_work=max_work)
    except Exception as exc:  # noqa: BLE001 - compared with NumPy's
        return type(exc)


def test_shares_memory_other_buffers_and_host():
    h = sample((6, 8), np.float32)
    g, g2 = ga.asarray(h), ga.asarray(h)
    with ga.stats() as s:
        assert np.may_share_memory(g, g2) is False
        assert np.shares_memory(g, g[::2]) is True
        assert np.shares_memory(g, h) is False  # a host array never shares a device buffer
        assert np.may_share_memory(h, g) is False
        assert np.shares_memory(g, g2.reshape(48)) is False
    assert s.fallbacks == {} and s.bytes_from_device == 0
    lazy = g + 1
    assert np.may_share_memory(lazy, lazy) is True
    assert np.may_share_memory(lazy, g) is False
    assert np.shares_memory(g[:, ::2], g[:, 1::2], max_work=None) is False


# ---------------------------------------------------------------------------- non-numeric arguments
def test_array_functions_with_none_strings_objects_fall_back():
    h = sample((4,), np.float32)
    g = ga.asarray(h)
    for other in (None, "x", object(), ["a", "b", "c", "d"]):
        want = np.broadcast_arrays(h, other)
        got = np.broadcast_arrays(g, other)
        assert len(got) == len(want)
        for a, b in zip(got, want):
            a = a.get() if isinstance(a, ga.GpuArray) else a
            assert a.shape == b.shape and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
    got = np.concatenate([g, np.array(["q"], dtype=object)])
    want = np.concatenate([h, np.array(["q"], dtype=object)])
    np.testing.assert_array_equal(np.asarray(got), want)
    # the namespace itself runs NumPy's function on them (a counted fallback), as NumPy's dispatch does
    with ga.stats() as st:
        got = ga.broadcast_arrays(g, None)
    want = np.broadcast_arrays(h, None)
    assert st.fallbacks == {"broadcast_arrays": 1}
    for a, b in zip(got, want):
        a = a.get() if isinstance(a, ga.GpuArray) else a
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------- setitem temporaries
def _refcount_of_a_borrowing_interpreter(obj):
    """``sys.getrefcount`` as an interpreter that does not count stack references could answer."""
    return 1


@pytest.mark.parametrize("borrowing", [False, True])
def test_setitem_keeps_held_value(borrowing, monkeypatch):
    if borrowing:
        monkeypatch.setattr(sys, "getrefcount", _refcount_of_a_borrowing_interpreter)
    h = sample((5, 7), np.float32)
    for write in (lambda x, z: x.__setitem__(Ellipsis, z), lambda x, z: x.__setitem__(slice(None), z),
                  lambda x, z: x.fill(z)):
        x = ga.asarray(h)
        z = x * 2 + 1
        write(x, z)
        assert_same(x, h * 2 + 1)
        x[...] = 3.5
        assert_same(z, h * 2 + 1)
    x = ga.asarray(h)
    z = x * 2 + 1
    x[...] = z
    x += 1
    assert_same(z, h * 2 + 1)
    assert_same(x, h * 2 + 2)
    # a held value of another dtype, and one read through a view of the target
    x = ga.asarray(h)
    z = x.astype(np.float64) / 3
    x[...] = z
    x[...] = -1.0
    assert_same(z, h.astype(np.float64) / 3)
    x = ga.asarray(h)
    z = x[::-1] * 2
    x[...] = z
    assert_same(x, h[::-1] * 2)
    x[...] = 0.25
    assert_same(z, h[::-1] * 2)


def test_setitem_of_a_temporary_expression_is_one_kernel():
    h = sample((5, 7), np.float32)
    x = ga.asarray(h)
    x._leaf()
    with ga.stats() as s:
        x[...] = x * 2 + 1
        x[1:3] = x[1:3] - 4
    assert s.dispatches == 2
    want = h * 2 + 1
    want[1:3] -= 4
    assert_same(x, want)
