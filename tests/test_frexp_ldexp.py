"""frexp and ldexp on the device against NumPy (bit-exact), through both entry points."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import HAS64

FLOATS = [np.float32, np.float16] + ([np.float64] if HAS64 else [])


def _values(dtype, rng):
    fi = np.finfo(dtype)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.5, fi.tiny, -fi.tiny, fi.smallest_subnormal,
               fi.tiny / 3, fi.max, -fi.max, 0.1, 3.0]
    r = 30 if np.dtype(dtype).itemsize > 2 else 10
    rand = rng.standard_normal(40) * np.exp2(rng.integers(-r, r, 40))
    return np.concatenate([np.array(special, dtype), rand.astype(dtype)])


def _bits_equal(got, exp):
    got, exp = np.asarray(got), np.asarray(exp)
    assert got.dtype == exp.dtype and got.shape == exp.shape
    assert np.array_equal(got.view(f"u{got.dtype.itemsize}"), exp.view(f"u{exp.dtype.itemsize}")) or \
        np.array_equal(got, exp, equal_nan=True) and np.array_equal(np.signbit(got), np.signbit(exp)), (got, exp)


def _device(fn):
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        r = fn()
        out = tuple(v.get() for v in (r if isinstance(r, tuple) else (r,)))
    assert not s.fallbacks, s.fallbacks
    return out


@pytest.mark.parametrize("dtype", FLOATS)
def test_frexp(dtype, rng):
    x = _values(dtype, rng)
    for entry in (ga, np):
        for h in (x, x.reshape(5, 11)[:, ::3], x[3]):  # 1-D, non-contiguous, 0-d
            m, e = _device(lambda: entry.frexp(ga.asarray(h)))
            M, E = np.frexp(h)
            _bits_equal(m, M)
            _bits_equal(e, E)
    m, e = _device(lambda: ga.frexp(ga.asarray(x[:0])))
    assert m.shape == e.shape == (0,) and e.dtype == np.int32


@pytest.mark.parametrize("itype", [np.int32, np.int64, np.int8, np.uint16])
def test_frexp_of_integers(itype, rng):
    x = rng.integers(-100, 100, 17).astype(itype)
    for g, h in zip(_device(lambda: ga.frexp(ga.asarray(x))), np.frexp(x)):
        _bits_equal(g, h)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("etype", [np.int32, np.int64, np.int8, np.int16, np.uint8])
def test_ldexp(dtype, etype, rng):
    x = _values(dtype, rng)
    info = np.iinfo(etype)
    n = rng.integers(max(info.min, -200), min(info.max, 200), x.size).astype(etype)
    n[:4] = [min(info.max, 2000), max(info.min, -2000), 0, 1][:4] if info.min < 0 else [255, 0, 1, 3]
    with np.errstate(over="ignore"):
        exp = np.ldexp(x, n)
    for entry in (ga, np):
        with np.errstate(over="ignore"):
            got, = _device(lambda: entry.ldexp(ga.asarray(x), ga.asarray(n)))
        _bits_equal(got, exp)
    # broadcasting, Python and NumPy scalar exponents, non-contiguous, 0-d
    x2 = x.reshape(5, 11)
    for k in (3, -7, np.int16(5)):
        with np.errstate(over="ignore"):
            got, = _device(lambda: ga.ldexp(ga.asarray(x2)[:, 1::2], k))
            _bits_equal(got, np.ldexp(x2[:, 1::2], k))
    with np.errstate(over="ignore"):
        got, = _device(lambda: ga.ldexp(ga.asarray(x[5]), ga.asarray(n[:7])))
        _bits_equal(got, np.ldexp(x[5], n[:7]))


def test_ldexp_underflow_keeps_the_sign():
    for dtype, x in ((np.float32, [-1e-30, -1e-38, -1e-45, -3.0, -1e-40]),
                     (np.float64, [-1e-300, -2.2e-308, -5e-324, -3.0, -1e-310])):
        if dtype == np.float64 and not HAS64:
            continue
        x, n = np.array(x, dtype), np.array([-2000, -60, -1, -1100, -20])
        got, = _device(lambda: ga.ldexp(ga.asarray(x), ga.asarray(n)))
        _bits_equal(got, np.ldexp(x, n))


def test_ldexp_dtypes_errors_and_warnings():
    x = np.array([1.0, 3.0e38, 2.0], np.float32)
    for n in (np.array([1, 2, 3], np.int64), np.array([1, 2, 3], np.int32), 4):
        assert ga.ldexp(ga.asarray(x), ga.asarray(n) if isinstance(n, np.ndarray) else n).dtype == np.ldexp(x, n).dtype
    i = np.array([1, 2, 3], np.int32)
    got = ga.ldexp(ga.asarray(i), ga.asarray(i))
    assert got.dtype == np.ldexp(i, i).dtype and np.array_equal(got.get(), np.ldexp(i, i))
    with pytest.raises(TypeError):
        np.ldexp(x, x)
    with pytest.raises(TypeError):
        ga.ldexp(ga.asarray(x), ga.asarray(x))
    with pytest.warns(RuntimeWarning, match="overflow encountered in ldexp"):
        ga.ldexp(ga.asarray(x), 5).get()
