"""Shared test helpers: compare GpuArray results with NumPy on the same inputs."""
from __future__ import annotations

import os

import numpy as np
import pytest

import gpuarray as ga

HAS64 = ga.adapter_info()["has_64"]
ALL_DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
              np.float32, np.float64, np.complex64, np.complex128]
if not HAS64:
    ALL_DTYPES = [d for d in ALL_DTYPES if np.dtype(d) not in (np.dtype(np.int64), np.dtype(np.uint64),
                                                            np.dtype(np.float64), np.dtype(np.complex128))]
INT_DTYPES = [d for d in ALL_DTYPES if np.dtype(d).kind in "iu"]
FLOAT_DTYPES = [d for d in ALL_DTYPES if np.dtype(d).kind == "f"]
REAL_DTYPES = [d for d in ALL_DTYPES if np.dtype(d).kind in "iuf"]


def sample(shape, dtype, rng=None, *, low=-100, high=100, special=False):
    """Random values of ``dtype`` (never all zeros); with special=True floats include nan/inf/-0.0."""
    rng = rng or np.random.default_rng(1234)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(info.min, low), min(info.max, high)
        return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)
    if dtype.kind == "c":
        return (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dtype)
    a = rng.uniform(low, high, shape).astype(dtype)
    if special and a.size:
        flat = a.reshape(-1)
        specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0], dtype)
        idx = rng.choice(flat.size, size=min(flat.size, len(specials)), replace=False)
        flat[idx] = specials[: len(idx)]
    return a


def to_host(x):
    return x.get() if isinstance(x, ga.GpuArray) else np.asarray(x)


def assert_same(got, expected, *, rtol=None, atol=0.0, check_dtype=True, signed_zero=False):
    """``got`` (GpuArray or host) equals NumPy's ``expected``: shape, dtype, values, NaN positions."""
    assert isinstance(got, ga.GpuArray), f"expected a GpuArray, got {type(got).__name__}"
    h = got.get()
    expected = np.asarray(expected)
    assert h.shape == expected.shape, f"shape {h.shape} != {expected.shape}"
    if check_dtype:
        assert h.dtype == expected.dtype, f"dtype {h.dtype} != {expected.dtype}"
    if rtol is None:
        rtol = {np.float32: 2e-6, np.complex64: 2e-6}.get(expected.dtype.type, 1e-12 if expected.dtype.kind in "fc" else 0)
    if expected.dtype.kind in "fc":
        np.testing.assert_allclose(h, expected, rtol=rtol, atol=atol, equal_nan=True)
        if signed_zero and expected.dtype.kind == "f":
            z = expected == 0
            assert np.array_equal(np.signbit(h[z]), np.signbit(expected[z])), "signed zeros differ"
    else:
        np.testing.assert_array_equal(h, expected)


@pytest.fixture
def fresh_fallback():
    """Fallback policy 'warn' with the once-per-name memory cleared; restored afterwards."""
    from gpuarray._device import fallback as _fallback

    old = ga.get_fallback()
    saved = set(_fallback._warned)
    ga.set_fallback("warn")
    _fallback._warned.clear()
    yield
    _fallback._warned.clear()
    _fallback._warned.update(saved)
    ga.set_fallback(old)


@pytest.fixture
def rng():
    return np.random.default_rng(20261121)


_NARROW = {np.dtype(np.int64): np.int32, np.dtype(np.uint64): np.uint32, np.dtype(np.float64): np.float32,
           np.dtype(np.complex128): np.complex64}


def assert_same_narrowed(got, expected, **kw):
    """assert_same, NumPy's 64-bit results narrowed as the device does without 64-bit types."""
    expected = np.asarray(expected)
    if not HAS64 and expected.dtype in _NARROW:
        expected = expected.astype(_NARROW[expected.dtype])
    assert_same(got, expected, **kw)


def assert_ma_same(got, exp, *, rtol=1e-6, data=False, fill_value=False):
    """A ``gpuarray.ma`` result equal to numpy.ma's on the same inputs: ``masked`` for ``masked``; else
    shape, dtype, mask and the unmasked values (``data``: the data under the mask too; ``fill_value``:
    the fill value)."""
    if exp is np.ma.masked:
        assert got is np.ma.masked, got
        return
    if not isinstance(exp, np.ma.MaskedArray):
        g = np.asarray(got.get() if hasattr(got, "get") else got)
        np.testing.assert_allclose(g, np.asarray(exp), rtol=rtol)
        assert g.dtype == np.asarray(exp).dtype, (g.dtype, np.asarray(exp).dtype)
        return
    from gpuarray._api.masked import MaskedGpuArray
    assert isinstance(got, MaskedGpuArray), type(got)
    h = got.get()
    assert h.shape == exp.shape and h.dtype == exp.dtype, (h.shape, exp.shape, h.dtype, exp.dtype)
    np.testing.assert_array_equal(np.ma.getmaskarray(h), np.ma.getmaskarray(exp))
    keep = ~np.ma.getmaskarray(exp)
    np.testing.assert_allclose(np.asarray(h.data)[keep], np.asarray(exp.data)[keep], rtol=rtol, equal_nan=True)
    if data:
        np.testing.assert_allclose(h.data, exp.data, rtol=rtol, equal_nan=True)
    if fill_value:
        np.testing.assert_allclose(h.fill_value, exp.fill_value, rtol=1e-6)  # (float32's 1e20 is not float64's)


def ma_inputs(rng, shape=(5, 7), dtype=np.float32):
    """(label, numpy.ma array) cases: partly masked with a NaN, nomask, every element masked, and a
    non-contiguous view of a partly masked array."""
    d = (rng.standard_normal(shape) * 4).astype(dtype)
    if np.dtype(dtype).kind == "f":
        d.reshape(-1)[1] = np.nan
    m = rng.random(shape) < 0.3
    big = np.ma.array((rng.standard_normal((shape[0] * 2,) + shape[1:]) * 4).astype(dtype),
                      mask=rng.random((shape[0] * 2,) + shape[1:]) < 0.3)
    return [("partly", np.ma.array(d, mask=m)), ("nomask", np.ma.array(d.copy())),
            ("all", np.ma.array(d.copy(), mask=np.ones(shape, bool))), ("strided", big[::2])]


def ga_ma(h):
    """The ``gpuarray.ma`` twin of numpy.ma array ``h`` (a view of a larger one where ``h`` is a view)."""
    import gpuarray as ga

    if not h.flags.c_contiguous and h.ndim:
        # a strided view on the device: the same rows of a twice-as-long array
        n = h.shape[0]
        d = np.empty((2 * n,) + h.shape[1:], h.dtype)
        k = np.ones((2 * n,) + h.shape[1:], bool)
        d[::2], k[::2] = h.data, np.ma.getmaskarray(h)
        return ga.ma.array(d, mask=k)[::2]
    return ga.ma.array(h.data, mask=h.mask, fill_value=h.fill_value)
