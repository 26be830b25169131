"""``gpuarray.ma``: masked arrays on the device against ``numpy.ma`` on the same inputs."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._api.masked import MaskedGpuArray


def _same(got, exp, rtol=1e-6, data=False):
    """A MaskedGpuArray (or scalar / masked) equal to NumPy's masked result: mask, unmasked values,
    dtype (and with ``data``, the data under the mask)."""
    if exp is np.ma.masked:
        assert got is np.ma.masked
        return
    if not isinstance(exp, np.ma.MaskedArray):
        g = got.get() if isinstance(got, ga.GpuArray) else got
        np.testing.assert_allclose(np.asarray(g), np.asarray(exp), rtol=rtol)
        assert np.asarray(g).dtype == np.asarray(exp).dtype, (np.asarray(g).dtype, np.asarray(exp).dtype)
        return
    assert isinstance(got, MaskedGpuArray), type(got)
    h = got.get()
    assert h.shape == exp.shape and h.dtype == exp.dtype, (h.shape, exp.shape, h.dtype, exp.dtype)
    np.testing.assert_array_equal(np.ma.getmaskarray(h), np.ma.getmaskarray(exp))
    np.testing.assert_allclose(h.filled(0), exp.filled(0), rtol=rtol)
    if data:
        np.testing.assert_allclose(h.data, exp.data, rtol=rtol, equal_nan=True)


def _device(fn):
    with ga.stats() as s:
        r = fn()
        if isinstance(r, (MaskedGpuArray, ga.GpuArray)):
            r.get()
    assert not s.fallbacks, s.fallbacks
    return r


@pytest.fixture
def pair(rng):
    d = rng.standard_normal((5, 7)).astype(np.float32) * 4
    m = rng.random((5, 7)) < 0.3
    m[2] = True  # a fully masked row
    return ga.ma.array(d, mask=m), np.ma.array(d, mask=m)


def test_construction(pair, rng):
    g, n = pair
    _same(g, n)
    assert isinstance(g.data, ga.GpuArray) and isinstance(g.mask, ga.GpuArray)
    np.testing.assert_array_equal(g.mask.get(), n.mask)
    plain = ga.ma.array([1.5, 2.5, 3.5])
    assert plain.mask is ga.ma.nomask and plain.mask is np.ma.nomask
    _same(ga.ma.masked_array(ga.asarray(n.data), mask=ga.asarray(n.mask)), n)
    _same(ga.ma.MaskedArray(ga.asarray(n.data), mask=n.mask, dtype=np.float64), np.ma.MaskedArray(n.data, mask=n.mask,
                                                                                                    dtype=np.float64))
    x = rng.standard_normal(11)
    x[[1, 4]] = np.nan
    x[6] = -np.inf
    _same(_device(lambda: ga.ma.masked_invalid(ga.asarray(x))), np.ma.masked_invalid(x))
    _same(_device(lambda: ga.ma.masked_where(ga.asarray(x) > 0.5, ga.asarray(x))), np.ma.masked_where(x > 0.5, x))
    i = rng.integers(0, 5, 13)
    for f in ("masked_equal", "masked_greater", "masked_less", "masked_not_equal", "masked_greater_equal"):
        _same(_device(lambda: getattr(ga.ma, f)(ga.asarray(i), 2)), getattr(np.ma, f)(i, 2))
    _same(ga.ma.masked_inside(ga.asarray(x), -0.5, 0.5), np.ma.masked_inside(x, -0.5, 0.5))
    _same(ga.ma.masked_outside(ga.asarray(x), -0.5, 0.5), np.ma.masked_outside(x, -0.5, 0.5))
    _same(ga.ma.masked_values(ga.asarray(np.array([1.0, 1.1, 2.0, 1.0])), 1.0),
          np.ma.masked_values(np.array([1.0, 1.1, 2.0, 1.0]), 1.0))
    with pytest.raises(np.ma.MaskError):
        ga.ma.array([1.0, 2.0], mask=[True, False, True])


def test_filled_compressed_count(pair):
    g, n = pair
    np.testing.assert_array_equal(_device(lambda: g.filled(-7)).get(), n.filled(-7))
    np.testing.assert_array_equal(_device(lambda: g.filled()).get(), n.filled())
    np.testing.assert_array_equal(_device(lambda: ga.ma.filled(g, 0)).get(), np.ma.filled(n, 0))
    np.testing.assert_array_equal(_device(lambda: g.compressed()).get(), n.compressed())
    assert g.count() == n.count()
    np.testing.assert_array_equal(g.count(axis=0).get(), n.count(axis=0))
    np.testing.assert_array_equal(ga.ma.count(g, axis=1).get(), np.ma.count(n, axis=1))
    assert ga.ma.is_masked(g) and not ga.ma.is_masked(ga.ma.array([1.0]))


@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "true_divide", "floor_divide", "power", "maximum",
                                "less", "equal"])
def test_binary(op, pair, rng):
    g, n = pair
    d2 = rng.standard_normal((5, 7)).astype(np.float32)
    d2[0, :3] = 0  # division by zero is masked
    m2 = rng.random((5, 7)) < 0.2
    g2, n2 = ga.ma.array(d2, mask=m2), np.ma.array(d2, mask=m2)
    f, F = getattr(np, op), getattr(np.ma, op)
    with np.errstate(all="ignore"):
        exp = [f(n, n2), f(n, 2.0), F(n, 2.0), F(n, n2), f(n, d2)]
    # the data under the mask: NumPy's for ufuncs of masked arrays and for numpy.ma's arithmetic
    data = op in ("add", "subtract", "multiply", "true_divide", "floor_divide")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy.ma's functions compute quietly: so does the device
        _same(_device(lambda: getattr(ga.ma, op)(g, 2.0)), exp[2], rtol=1e-5, data=data)
        _same(_device(lambda: getattr(ga.ma, op)(g, g2)), exp[3], rtol=1e-5, data=data)
    _same(_device(lambda: f(g, g2)), exp[0], rtol=1e-5, data=data)  # NumPy's ufunc on masked arrays
    _same(_device(lambda: f(g, 2.0)), exp[1], rtol=1e-5, data=data)
    _same(_device(lambda: f(g, ga.asarray(d2))), exp[4], rtol=1e-5, data=data)


def test_operators(pair):
    g, n = pair
    _same(g + 1, n + 1)
    _same(1 - g, 1 - n)
    _same(g * g, n * n)
    _same(g / 0.5, n / 0.5)
    _same(-g, -n)
    _same(abs(g), abs(n))
    _same(g > 0, n > 0, data=True)  # numpy.ma's comparisons: the data compared under the mask too
    _same(g == g[::-1], n == n[::-1], data=True)  # == and != compare the masks there
    _same(g != 1.0, n != 1.0, data=True)
    _same(g[1:4, ::2], n[1:4, ::2])
    _same(g[:, 3], n[:, 3])
    assert g[2, 0] is np.ma.masked
    r = g.copy()
    r[0, 0] = np.ma.masked
    r[1, 1] = 5.0
    nr = n.copy()
    nr[0, 0] = np.ma.masked
    nr[1, 1] = 5.0
    _same(r, nr)


@pytest.mark.parametrize("fn", ["sqrt", "log", "exp", "sin", "arcsin", "log10"])
def test_unary_domains(fn, rng):
    x = rng.standard_normal(17) * 2
    m = rng.random(17) < 0.2
    with np.errstate(all="ignore"):
        exp_u, exp_f = getattr(np, fn)(np.ma.array(x, mask=m)), getattr(np.ma, fn)(np.ma.array(x, mask=m))
    _same(_device(lambda: getattr(np, fn)(ga.ma.array(x, mask=m))), exp_u, data=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _same(_device(lambda: getattr(ga.ma, fn)(ga.ma.array(x, mask=m))), exp_f, data=True)


@pytest.mark.parametrize("red", ["sum", "mean", "min", "max", "prod", "var", "std"])
def test_reductions(red, pair):
    g, n = pair
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for axis in (None, 0, 1):
            got = _device(lambda: getattr(g, red)(axis=axis))
            _same(got, getattr(n, red)(axis=axis), rtol=1e-5)
        _same(getattr(ga.ma, red)(g, axis=1), getattr(np.ma, red)(n, axis=1), rtol=1e-5)
        _same(getattr(np, red)(g, axis=0), getattr(np, red)(n, axis=0), rtol=1e-5)  # NumPy's functions
    all_masked = ga.ma.array([1.0, 2.0], mask=[True, True])
    assert getattr(all_masked, red)() is np.ma.masked


def test_int_reductions(rng):
    d = rng.integers(-5, 9, (4, 6)).astype(np.int32)
    m = d < 0
    g, n = ga.ma.array(d, mask=m), np.ma.array(d, mask=m)
    for red in ("sum", "mean", "min", "max"):
        _same(getattr(g, red)(axis=0), getattr(n, red)(axis=0))
        _same(getattr(g, red)(), getattr(n, red)())


def test_host_fallbacks_keep_masks(pair):
    g, n = pair
    with ga.stats() as s:
        r = g.clip(-1.0, 2.0)  # (a method without a device version: NumPy's on a host copy)
    assert s.fallbacks
    _same(r, n.clip(-1.0, 2.0))
    _same(_device(lambda: ga.ma.concatenate([g, g[:2]])), np.ma.concatenate([n, n[:2]]))
    _same(_device(lambda: ga.ma.concatenate([g, g], axis=1)), np.ma.concatenate([n, n], axis=1))
    plain = ga.ma.concatenate([ga.ma.array([1.0, 2.0]), ga.asarray(np.array([3.0]))])
    assert plain.mask is np.ma.nomask and np.ma.concatenate([np.ma.array([1.0, 2.0]), [3.0]]).mask is np.ma.nomask
    unset = ga.ma.concatenate([ga.ma.array([1.0], mask=[False]), ga.ma.array([2.0])])
    assert unset.mask is np.ma.nomask and np.ma.concatenate([np.ma.array([1.0], mask=[False]), np.ma.array([2.0])]).mask is np.ma.nomask
    assert repr(g) == repr(n)


def test_namespace_functions_take_masked_operands(pair):
    """``gpuarray.sum(m)``, ``gpuarray.sqrt(m)``, ``device_array + m``: the mask is honoured, as NumPy's
    functions honour it for its masked arrays (the namespace hands the call to NumPy's dispatch)."""
    g, n = pair
    with np.errstate(all="ignore"):
        _same(ga.sum(g), np.sum(n), rtol=1e-5)
        _same(ga.mean(g, axis=0), np.mean(n, axis=0), rtol=1e-5)
        _same(ga.max(g, axis=1), np.max(n, axis=1))
        _same(ga.sqrt(g), np.sqrt(n))
        _same(ga.add(g, 1.0), np.add(n, 1.0))
        _same(ga.asarray(np.ones((5, 7), np.float32)) + g, np.ones((5, 7), np.float32) + n)
        _same(g - ga.asarray(np.ones((5, 7), np.float32)), n - np.ones((5, 7), np.float32))
    np.testing.assert_array_equal(ga.asarray(g).get(), np.asarray(n))  # asarray: the data, as NumPy's
    assert int(ga.count_nonzero(g)) == np.count_nonzero(n)  # NumPy's counts the data, masked or not


def test_methods_scans_and_host_methods(pair):
    g, n = pair
    _same(g.cumsum(), n.cumsum(), rtol=1e-5)
    _same(g.cumsum(axis=1), n.cumsum(axis=1), rtol=1e-5)
    _same(g.cumprod(axis=0), n.cumprod(axis=0), rtol=1e-4)
    _same(g[g > 0], n[n > 0])  # a masked key indexes with its data, as NumPy
    s, sn = g[0].copy(), n[0].copy()
    with ga.stats() as st:
        s.sort()  # numpy.ma's method on a host copy, written back
    sn.sort()
    assert st.fallbacks
    _same(s, sn)
    np.testing.assert_array_equal(ga.asarray(g.argsort(axis=1)).get(), n.argsort(axis=1))
