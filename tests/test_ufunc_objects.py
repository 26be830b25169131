"""The namespace's ufuncs as ufunc objects: ``reduce``, ``accumulate``, ``outer``, ``at``,
``reduceat`` and the attributes (``nin``, ``nout``, ``identity`` ...) through ``import gpuarray
as np`` and through NumPy's own ufuncs on GpuArrays, one implementation for both."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import HAS64, assert_same, sample

import gpuarray as ga

F = np.float32


def _both(name):
    """(gpuarray's ufunc, a caller of NumPy's ufunc on device arrays) for one name."""
    return getattr(ga, name), getattr(np, name)


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "maximum", "minimum", "logical_and",
                                  "logical_xor", "exp", "isnan", "arctan2", "bitwise_and", "true_divide"])
def test_attributes_match_numpy(name):
    g, n = _both(name)
    for attr in ("nin", "nout", "nargs", "ntypes", "types", "signature"):
        assert getattr(g, attr) == getattr(n, attr), attr
    gi, ni = g.identity, n.identity
    assert (gi is None and ni is None) or (gi == ni and type(gi) is type(ni))
    assert g.__name__ == n.__name__
    assert callable(g.reduce) and callable(g.at)


@pytest.mark.parametrize("name,dtype", [("add", F), ("add", np.int16), ("add", np.bool_), ("multiply", F),
                                        ("maximum", F), ("minimum", np.int32), ("logical_and", np.bool_),
                                        ("logical_or", F), ("fmax", F), ("fmin", np.float64), ("fmax", np.int16)])
def test_reduce_on_device(name, dtype, rng):
    x = sample((5, 7), dtype, rng, low=-2, high=3)
    if dtype in (F, np.float64) and name in ("maximum", "minimum", "fmax", "fmin"):
        x[1, 3] = np.nan
        x[:, 5] = np.nan  # an all-NaN column
    g, n = _both(name)
    gx = ga.asarray(x)
    with ga.stats() as s:
        for kw in ({}, {"axis": 1}, {"axis": None}, {"axis": (0, 1)}, {"axis": 1, "keepdims": True},
                   {"axis": -1}):
            assert_same(g.reduce(gx, **kw), n.reduce(x, **kw), rtol=1e-5)
            assert_same(n.reduce(gx, **kw), n.reduce(x, **kw), rtol=1e-5)
        assert_same(g.reduce(gx[::2, ::-3], 0), n.reduce(x[::2, ::-3], 0), rtol=1e-5)  # positional axis, a view
    assert not s.fallbacks


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "logical_xor"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int32, np.uint32, np.int64, np.uint64, np.bool_])
def test_bitwise_reduce_on_device(name, dtype, rng):
    if not HAS64 and np.dtype(dtype).itemsize == 8:
        pytest.skip("no 64-bit integers on this device")
    def bits(shape):  # every bit pattern of the dtype
        if dtype == np.bool_:
            return rng.random(shape) < 0.5
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)

    x = bits((6, 9))
    g, n = _both(name)
    gx = ga.asarray(x)
    with ga.stats() as s:
        for kw in ({}, {"axis": 1}, {"axis": None}, {"axis": 1, "keepdims": True}):
            assert_same(g.reduce(gx, **kw), n.reduce(x, **kw))
            assert_same(n.reduce(gx, **kw), n.reduce(x, **kw))
        assert_same(g.reduce(gx[::-2, 1:], axis=1), n.reduce(x[::-2, 1:], axis=1))
        w = rng.random((6, 9)) < 0.5
        assert_same(g.reduce(gx, axis=1, where=ga.asarray(w)), n.reduce(x, axis=1, where=w))
        big = bits((3, 70001))
        assert_same(g.reduce(ga.asarray(big), axis=1), n.reduce(big, axis=1))
        if name != "logical_xor":
            assert_same(g.accumulate(gx, axis=1), n.accumulate(x, axis=1))
            assert_same(n.accumulate(ga.asarray(big[:, :3001]), axis=1), n.accumulate(big[:, :3001], axis=1))
    assert not s.fallbacks


def test_logical_xor_reduce_of_numbers(rng):
    x = sample((5, 8), F, rng, low=-1, high=1).round()
    x[0, 0] = np.nan
    assert_same(ga.logical_xor.reduce(ga.asarray(x), axis=1), np.logical_xor.reduce(x, axis=1))
    assert_same(ga.logical_xor.reduce(ga.asarray(x), axis=None, initial=True),
                np.logical_xor.reduce(x, axis=None, initial=True))


def test_reduce_keywords_and_edges(rng):
    x = sample((4, 6), F, rng)
    gx = ga.asarray(x)
    assert_same(ga.add.reduce(gx, axis=1, dtype=np.float64 if HAS64 else F),
                np.add.reduce(x, axis=1, dtype=np.float64 if HAS64 else F), rtol=1e-5)
    assert_same(ga.add.reduce(gx, axis=0, initial=10.0), np.add.reduce(x, axis=0, initial=10.0), rtol=1e-5)
    w = x > 0
    assert_same(ga.add.reduce(gx, axis=1, where=ga.asarray(w)), np.add.reduce(x, axis=1, where=w), rtol=1e-5)
    assert_same(ga.maximum.reduce(gx, axis=1, initial=-50.0, where=ga.asarray(w)),
                np.maximum.reduce(x, axis=1, initial=-50.0, where=w))
    out = ga.full((6,), -7.0, dtype=F)
    assert ga.add.reduce(gx, 0, None, out) is out
    assert_same(out, np.add.reduce(x, 0), rtol=1e-5)
    assert_same(ga.add.reduce(ga.asarray(np.zeros((0, 3), F))), np.add.reduce(np.zeros((0, 3), F)))
    with pytest.raises(ValueError, match="identity"):
        ga.maximum.reduce(ga.asarray(np.zeros((0, 3), F)))
    with pytest.raises(np.exceptions.AxisError):
        ga.add.reduce(gx, axis=2)
    assert_same(ga.add.reduce([1, 2, 3]), np.add.reduce([1, 2, 3]))  # host input comes to the device


def test_reduce_without_device_path_is_a_counted_fallback(rng, fresh_fallback):
    """In-order folds along axes longer than MAX_FOLD, and methods of ufuncs that are not op-table
    entries, are NumPy's on host copies (counted)."""
    from gpuarray._api.ufunc_objects import MAX_FOLD
    x = sample((4, MAX_FOLD + 3), np.int32, rng, low=1, high=50)
    gx = ga.asarray(x)
    with ga.stats() as s:
        r1 = ga.subtract.reduce(gx, axis=1)
        r2 = np.left_shift.reduce(gx % 3, axis=1)
        r3 = ga.subtract.accumulate(gx, axis=1)
        r4 = np.float_power.reduce(ga.asarray(x[:, :4]).astype(np.float64), axis=1)
    assert_same(r1, np.subtract.reduce(x, axis=1))
    assert_same(r2, np.left_shift.reduce(x % 3, axis=1))
    assert_same(r3, np.subtract.accumulate(x, axis=1))
    assert_same(r4, np.float_power.reduce(x[:, :4].astype(np.float64), axis=1))
    assert s.fallbacks == {"subtract.reduce": 1, "left_shift.reduce": 1, "subtract.accumulate": 1,
                           "float_power.reduce": 1}


@pytest.mark.parametrize("name,dtype", [("add", F), ("add", np.int32), ("multiply", F), ("add", np.bool_),
                                        ("maximum", F), ("minimum", np.int8), ("fmax", F), ("fmin", np.float64),
                                        ("maximum", np.complex64), ("logical_and", F), ("logical_or", np.int32)])
def test_accumulate(name, dtype, rng):
    x = sample((4, 5), dtype, rng, low=-2, high=3)
    if dtype in (F, np.float64):
        x[1, 2] = x[3, 0] = np.nan
    g, n = _both(name)
    gx = ga.asarray(x)
    with ga.stats() as s:
        for kw in ({}, {"axis": 1}, {"axis": -1}):
            assert_same(g.accumulate(gx, **kw), n.accumulate(x, **kw), rtol=1e-5)
            assert_same(n.accumulate(gx, **kw), n.accumulate(x, **kw), rtol=1e-5)
        if not name.startswith("logical"):
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
                assert_same(g.accumulate(gx[:, ::2], 1, F), n.accumulate(x[:, ::2], 1, F), rtol=1e-5)
    assert not s.fallbacks
    with pytest.raises(TypeError):
        g.accumulate(ga.asarray(np.float32(3)))


@pytest.mark.parametrize("name", ["subtract", "multiply", "add", "power", "maximum", "arctan2", "equal"])
def test_outer(name, rng):
    a = sample((3, 2), F, rng, low=0.5, high=2)
    b = sample((5,), F, rng, low=0.5, high=2)
    g, n = _both(name)
    with ga.stats() as s:
        assert_same(g.outer(ga.asarray(a), ga.asarray(b)), n.outer(a, b), rtol=1e-5)
        assert_same(n.outer(ga.asarray(a), ga.asarray(b)), n.outer(a, b), rtol=1e-5)
        assert_same(g.outer(ga.asarray(b[::-2]), 2.0), n.outer(b[::-2], 2.0), rtol=1e-5)
        out = ga.full((3, 2, 5), np.nan, dtype=F)
        assert g.outer(ga.asarray(a), ga.asarray(b), out=out) is out
        assert_same(out, n.outer(a, b).astype(F), rtol=1e-5)
    assert not s.fallbacks
    with pytest.raises(ValueError, match="outer"):
        ga.exp.outer(ga.asarray(a), ga.asarray(b))


@pytest.mark.parametrize("name,dtype", [("add", F), ("add", np.int32), ("add", np.uint32), ("subtract", F),
                                        ("multiply", F), ("maximum", np.int32), ("minimum", F),
                                        ("add", np.int8), ("add", np.int16), ("add", np.uint8),
                                        ("maximum", np.float16), ("logical_or", np.bool_), ("add", np.bool_)])
def test_at_accumulates_repeated_indices_on_device(name, dtype, rng):
    x = sample((37,), dtype, rng, low=-3, high=3)
    idx = rng.integers(-37, 37, size=200)
    v = sample((200,), dtype, rng, low=-2, high=2)
    g, n = _both(name)
    gx = ga.asarray(x)
    with ga.stats() as s:
        assert g.at(gx, ga.asarray(idx), ga.asarray(v)) is None
    e = x.copy()
    n.at(e, idx, v)
    assert_same(gx, e, rtol=1e-5)
    assert not s.fallbacks
    gx = ga.asarray(x)
    n.at(gx, idx, v)  # NumPy's ufunc on the device array: the same path
    assert_same(gx, e, rtol=1e-5)


def test_at_2d_scalar_views_and_tuples(rng):
    x = sample((6, 5), F, rng)
    g = ga.asarray(x)
    e = x.copy()
    ga.add.at(g, ([0, 1, 1, 5], [2, 2, 2, -1]), 1.5)
    np.add.at(e, ([0, 1, 1, 5], [2, 2, 2, -1]), 1.5)
    assert_same(g, e)
    ga.multiply.at(g, [3, 3, 0], ga.asarray(x[:3]))  # rows, values broadcast along them
    np.multiply.at(e, [3, 3, 0], x[:3])
    assert_same(g, e, rtol=1e-5)
    v = g[:, ::2]  # a view
    ga.add.at(v, (slice(None), [0, 0, 2]), 1.0)
    ev = e[:, ::2]
    np.add.at(ev, (slice(None), [0, 0, 2]), 1.0)
    assert_same(g, e, rtol=1e-5)
    ga.negative.at(g, [1, 1, 4])  # unary: applied once per occurrence
    np.negative.at(e, [1, 1, 4])
    assert_same(g, e, rtol=1e-5)
    with pytest.raises(IndexError):
        ga.add.at(g, [9], 1.0)


def test_at_wide_dtypes_on_the_device(rng, fresh_fallback):
    """Complex and 64-bit elements (no word atomics): sorted updates folded in order, NumPy's bits."""
    x = sample((9,), np.complex64, rng)
    g = ga.asarray(x)
    idx = [0, 0, 3]
    with ga.stats() as s:
        ga.add.at(g, idx, 1 + 2j)
    e = x.copy()
    np.add.at(e, idx, 1 + 2j)
    assert_same(g, e, rtol=0)
    assert s.fallbacks == {}


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "minimum", "subtract"])
def test_reduceat(name, rng):
    x = sample((8, 5), F, rng, low=0.5, high=2)
    g, n = _both(name)
    for idx, axis in (([0, 3, 3, 6], 0), ([4, 1, 2], 1), ([0], 0), ([7, 2, 5, 0], 0)):
        assert_same(g.reduceat(ga.asarray(x), idx, axis=axis), n.reduceat(x, idx, axis=axis), rtol=1e-5)
        assert_same(n.reduceat(ga.asarray(x), idx, axis=axis), n.reduceat(x, idx, axis=axis), rtol=1e-5)
    with pytest.raises(IndexError):
        g.reduceat(ga.asarray(x), [0, 9])
    for dtype in (np.int16, np.uint8) + ((np.bool_,) if name != "subtract" else ()):
        xi = sample((7, 3), dtype, rng, low=0, high=5)
        assert_same(g.reduceat(ga.asarray(xi), [0, 2, 2, 5]), n.reduceat(xi, [0, 2, 2, 5]))
    assert_same(g.reduceat(ga.asarray(x), [1, 4], dtype=np.float64 if HAS64 else F),
                n.reduceat(x, [1, 4], dtype=np.float64 if HAS64 else F), rtol=1e-5)


def test_plain_call_unchanged(rng):
    x = sample((5,), F, rng)
    assert_same(ga.add(ga.asarray(x), 1.0), x + np.float32(1.0))
    import timeit

    gx = ga.asarray(x)
    t = min(timeit.repeat(lambda: ga.add(gx, gx), number=300, repeat=3)) / 300
    assert t < 50e-6  # a function call, not a dispatcher


_FOLDED = ["subtract", "divide", "power", "arctan2", "hypot", "floor_divide", "remainder", "fmod", "copysign",
           "logaddexp", "logaddexp2", "left_shift", "right_shift", "gcd", "lcm", "heaviside", "nextafter"]


def _left_fold(u, arr, axis):
    import functools
    return functools.reduce(u, list(np.moveaxis(arr, axis, 0)))


@pytest.mark.parametrize("name", _FOLDED)
def test_reduce_and_accumulate_of_the_other_binary_ufuncs(name, rng):
    """NumPy's in-order fold on the device (axes up to MAX_FOLD long): values, dtypes, keepdims,
    initial, the identity start (hypot, gcd, logaddexp), 0-d and empty inputs, NumPy's errors. For
    power and arctan2 along a contiguous axis NumPy 2.4's loops return op(a[0], a[-1]) instead of
    the fold its documentation defines; the reference there is the documented left fold."""
    u = getattr(np, name)
    x = rng.standard_normal((5, 7))
    xi = rng.integers(1, 9, (5, 7)).astype(np.int8)
    tol = 1e-6 if name in ("power", "arctan2", "logaddexp", "logaddexp2") else 1e-12

    def same(got, want):
        got = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
        want = np.asarray(want)
        assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype, got.shape, want.shape)
        np.testing.assert_allclose(got, want, rtol=tol, atol=0, equal_nan=True)

    for arr in (x, xi, x.astype(np.float32)):
        if name in ("power", "arctan2") and arr.dtype.kind == "f":
            arr = np.abs(arr) + 0.5
        try:
            with np.errstate(all="ignore"):
                u.reduce(arr, axis=0)
        except TypeError:
            with pytest.raises(TypeError):
                u.reduce(ga.asarray(arr), axis=0)
            continue
        g = ga.asarray(arr)
        with ga.stats() as s, np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for ax in (0, 1, -1):
                want = _left_fold(u, arr, ax) if name in ("power", "arctan2") and ax != 0 else u.reduce(arr, axis=ax)
                same(u.reduce(g, axis=ax), want)
            same(u.accumulate(g, axis=1), u.accumulate(arr, axis=1))
            same(u.accumulate(g, axis=0), u.accumulate(arr, axis=0))
            same(u.reduce(g, axis=0, keepdims=True, initial=3), u.reduce(arr, axis=0, keepdims=True, initial=3))
            same(u.reduce(ga.asarray(arr[0, 0]), axis=None), u.reduce(arr[0, 0], axis=None))
            same(u.reduce(g[:, ::-2], axis=1), _left_fold(u, arr[:, ::-2], 1) if name in ("power", "arctan2")
                 else u.reduce(arr[:, ::-2], axis=1))
        assert not s.fallbacks, s.fallbacks
    g = ga.asarray(xi if name in ("left_shift", "right_shift", "gcd", "lcm") else x)
    if u.identity is None:
        with pytest.raises(ValueError, match="identity"):
            u.reduce(g[:0], axis=0)
        with pytest.raises(ValueError, match="reorderable"):
            u.reduce(g, axis=None)
    with pytest.raises(np.exceptions.AxisError):
        u.reduce(g, axis=2)
