"""The array attributes and methods NumPy users call: ``flags`` (an object), ``setflags``,
settable ``shape``, ``base``, ``flat``, ``tobytes``/``tofile``/``dumps``, ``take``, ``put``,
``compress``, ``choose``, ``searchsorted``, ``ptp``, ``partition``/``argpartition`` (device sort),
in-place ``resize``, ``byteswap``, ``in``; against NumPy on the same inputs."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from conftest import ALL_DTYPES, assert_same, sample

import gpuarray as ga

F = np.float32


def test_flags_object(rng):
    x = sample((4, 6), F, rng)
    g = ga.asarray(x)
    for gv, hv in ((g, x), (g[:, ::2], x[:, ::2]), (g.T, x.T), (g[1:3], x[1:3]), (ga.broadcast_to(g[0], (3, 6)),
                                                                                 np.broadcast_to(x[0], (3, 6)))):
        f, e = gv.flags, hv.flags
        assert f.c_contiguous == e.c_contiguous and f.f_contiguous == e.f_contiguous
        assert f.writeable == e.writeable and f["WRITEABLE"] == e["WRITEABLE"] and f["W"] == e["W"]
        assert f["C_CONTIGUOUS"] == e["C_CONTIGUOUS"] and f["F"] == e["F"]
        assert f.owndata == e.owndata and f.aligned and f["ALIGNED"]
    assert "C_CONTIGUOUS" in repr(g.flags)
    with pytest.raises(KeyError):
        g.flags["NOPE"]


def test_setflags_write_false_refuses_writes(rng):
    x = sample((5,), F, rng)
    g = ga.asarray(x)
    g.setflags(write=False)
    assert not g.flags.writeable
    for write in (lambda a: a.__setitem__(0, 1.0), lambda a: a.__setitem__([0, 1], 1.0),
                  lambda a: a.__iadd__(1.0), lambda a: a[1:].__setitem__(slice(None), 2.0),
                  lambda a: np.add(a, 1, out=a), lambda a: ga.add.at(a, [0, 0], 1.0),
                  lambda a: a.put([1], 2.0), lambda a: a.flat.__setitem__(2, 1.0), lambda a: a.byteswap(True),
                  lambda a: a.partition(2)):
        with pytest.raises(ValueError, match="read-only"):
            write(g)
    assert_same(g, x)  # nothing written
    g.setflags(write=True)  # it owns its data: writable again
    g[0] = 3.0
    x[0] = 3.0
    assert_same(g, x)
    v = g[1:]
    g.flags.writeable = False
    w = g[1:]
    assert not w.flags.writeable and v.flags.writeable  # views taken before keep their flag, as in NumPy
    with pytest.raises(ValueError, match="WRITEABLE"):
        ga.broadcast_to(g, (2, 5)).setflags(write=True)


def test_shape_setter(rng):
    x = sample((4, 6), F, rng)
    g = ga.asarray(x)
    g.shape = (3, 8)
    x.shape = (3, 8)
    assert_same(g, x)
    g.shape = -1, 2
    x.shape = -1, 2
    assert_same(g, x)
    t = ga.asarray(x).T
    with pytest.raises(AttributeError, match="reshape"):
        t.shape = (24,)
    with pytest.raises(ValueError):
        g.shape = (5, 5)


def test_base(rng):
    g = ga.asarray(sample((4, 6), F, rng))
    assert g.base is None and g.flags.owndata
    v = g[1:]
    assert v.base is g and not v.flags.owndata
    assert v[::2].base is g  # NumPy's base is the array owning the memory
    assert g.reshape(6, 4).base is g and g.T.base is g and g.view(np.int32).base is g
    assert (g + 1).base is None


def test_flat(rng):
    x = sample((3, 5), F, rng)
    g = ga.asarray(x)
    assert len(g.flat) == x.size
    assert [float(v) for v in g.flat] == [float(v) for v in x.flat]
    assert float(g.flat[7]) == x.flat[7]
    assert_same(g.flat[2:9:3], x.flat[2:9:3])
    assert_same(g.flat[[1, 4, 14]], x.flat[[1, 4, 14]])
    t, xt = g.T, x.T.copy()
    assert_same(t.flat[3:8], x.T.flat[3:8])
    t.flat[[0, 5, 6]] = [-1.0, -2.0, -3.0]  # writes through the transposed view
    xt.flat[[0, 5, 6]] = [-1.0, -2.0, -3.0]
    assert_same(g, xt.T)
    g.flat[1:12] = [9.0, 8.0]  # NumPy repeats a shorter value
    e = xt.T.copy()
    e.flat[1:12] = [9.0, 8.0]
    assert_same(g, e)
    g.flat = 0.5
    assert_same(g, np.full((3, 5), 0.5, F))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_bytes_and_files(dtype, rng, tmp_path):
    x = sample((3, 4), dtype, rng)
    g = ga.asarray(x)
    assert g.tobytes() == x.tobytes() and g[:, ::2].tobytes() == x[:, ::2].tobytes()
    assert g.T.tobytes(order="F") == x.T.tobytes(order="F")
    p = tmp_path / "x.bin"
    g.tofile(p)
    np.testing.assert_array_equal(np.fromfile(p, dtype=dtype).reshape(3, 4), x)
    back = pickle.loads(g.dumps())
    assert_same(back, x)


def test_take_put_compress_choose_searchsorted(rng):
    x = sample((4, 5), F, rng)
    g = ga.asarray(x)
    assert_same(g.take([3, 0, 7]), x.take([3, 0, 7]))
    assert_same(g.take([2, 0], axis=1), x.take([2, 0], axis=1))
    assert_same(g.compress([True, False, True, True], axis=0), x.compress([True, False, True, True], axis=0))
    h = x.copy()
    g.put([0, 19, 3], [1.5, 2.5, 3.5])
    h.put([0, 19, 3], [1.5, 2.5, 3.5])
    assert_same(g, h)
    s = np.sort(sample((9,), F, rng))
    assert_same(ga.asarray(s).searchsorted([0.0, 50.0, -200.0], side="right"),
                s.searchsorted([0.0, 50.0, -200.0], side="right"))
    idx = rng.integers(0, 3, size=(4, 5))
    choices = [sample((4, 5), F, rng) for _ in range(3)]
    with ga.stats() as st:
        assert_same(ga.asarray(idx).choose([ga.asarray(c) for c in choices]), idx.choose(choices))
        assert_same(ga.choose(ga.asarray(idx), [ga.asarray(c) for c in choices]), np.choose(idx, choices))
        assert_same(np.choose(ga.asarray(idx + 3), choices, mode="wrap"), np.choose(idx + 3, choices, mode="wrap"))
        assert_same(ga.choose(ga.asarray(idx - 1), choices, mode="clip"), np.choose(idx - 1, choices, mode="clip"))
        assert_same(ga.choose(ga.asarray(idx[0]), [1.5, ga.asarray(choices[1][0]), 2]),
                    np.choose(idx[0], [1.5, choices[1][0], 2]))
    assert not st.fallbacks
    with pytest.raises(ValueError, match="invalid entry in choice array"):
        ga.choose(ga.asarray(idx + 1), choices)


@pytest.mark.parametrize("dtype", [F, np.int32, np.float64, np.int8, np.uint16])
def test_partition_and_ptp(dtype, rng):
    x = sample((5, 9), dtype, rng)
    if dtype == F:
        x[2, 3] = np.nan
    g = ga.asarray(x)
    assert_same(g.ptp(axis=1), np.ptp(x, axis=1))
    for kth, axis in ((4, -1), (0, 0), ((1, 6), 1), (-1, -1)):
        with ga.stats() as st:
            p = ga.partition(g, kth, axis=axis)
            ap = np.argpartition(g, kth, axis=axis)
        assert not st.fallbacks
        e = np.partition(x, kth, axis=axis)
        ks = np.atleast_1d(kth)
        ph = p.get()
        # the kth elements are in place; everything before is <=, everything after >=
        np.testing.assert_array_equal(np.take(ph, ks, axis=axis), np.take(e, ks, axis=axis))
        np.testing.assert_array_equal(np.sort(ph, axis=axis), np.sort(x, axis=axis))
        np.testing.assert_array_equal(np.take_along_axis(x, ap.get(), axis=axis), ph)
    h = x.copy()
    assert g.partition(3) is None  # in place
    h.partition(3)
    np.testing.assert_array_equal(g.get()[:, 3], h[:, 3])
    with pytest.raises(ValueError, match="out of bounds"):
        ga.partition(g, 9)


def test_resize_in_place(rng):
    x = sample((2, 3), F, rng)
    g = ga.asarray(x)
    g.resize((3, 4))
    h = x.copy()
    h.resize((3, 4))
    assert_same(g, h)
    g.resize(4)
    h.resize(4)
    assert_same(g, h)
    with pytest.raises(ValueError, match="own its data"):
        g[1:].resize(2)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_byteswap(dtype, rng):
    x = sample((3, 5), dtype, rng, special=True)
    g = ga.asarray(x)
    assert g[:, ::2].byteswap().tobytes() == x[:, ::2].byteswap().tobytes()
    assert g.byteswap(inplace=True) is g
    assert g.tobytes() == x.byteswap().tobytes()


def test_contains_delitem_generic_alias(rng):
    x = sample((3, 4), np.int32, rng)
    g = ga.asarray(x)
    assert (int(x[1, 2]) in g) and (1000 not in g)
    with pytest.raises(ValueError, match="cannot delete array elements"):
        del g[0]
    assert ga.ndarray[int].__origin__ is ga.ndarray


def test_data_names_the_way_to_the_bytes():
    x = ga.asarray(np.arange(6, dtype=np.float32))
    assert not hasattr(x, "data")  # duck-typing checks see no host buffer
    with pytest.raises(AttributeError, match="tobytes"):
        x.data
    assert x.tobytes() == np.arange(6, dtype=np.float32).tobytes()
