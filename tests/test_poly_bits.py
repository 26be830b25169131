"""isnat (a date array's int64 bits against NaT's on the device), polymul / polydiv (device convolution; deconvolution as a lower-triangular Toeplitz solve),
mask_indices (the mask function on a device array, then nonzero) and bitwise_count (an op of the
op table) against NumPy on the same inputs, with no host fallback."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga

from conftest import HAS64

needs64 = pytest.mark.skipif(not HAS64, reason="device without 64-bit types")


def _same(got, ref, rtol=1e-12, atol=0.0):
    got = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
    assert got.shape == np.shape(ref), (got.shape, np.shape(ref))
    assert got.dtype == np.asarray(ref).dtype, (got.dtype, np.asarray(ref).dtype)
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol)


@needs64
@pytest.mark.parametrize("a,b", [
    ([1.5, -2.0, 3.25], [0.5, 4.0]),
    ([0.0, 0.0, 2.0, 1.0], [3.0, 0.0, -1.0]),  # leading zeros dropped, as NumPy's poly1d does
    ([0.0, 0.0], [1.0, 2.0]),  # the zero polynomial
    ([2.0], [7.0, 1.0, 3.0, 9.0, 4.0]),
    ([1, -3, 2], [4, 5]),  # integers stay integers
])
def test_polymul_like_numpy(a, b, fresh_fallback):
    with ga.stats() as s:
        r = ga.polymul(ga.asarray(np.array(a)), ga.asarray(np.array(b)))
        h = r.get()
    assert s.fallbacks == {}
    _same(h, np.polymul(np.array(a), np.array(b)))
    _same(np.polymul(ga.asarray(np.array(a)), np.array(b)), np.polymul(np.array(a), np.array(b)))  # NumPy dispatch


def test_polymul_float32_and_poly1d():
    a = np.array([1.25, -0.5, 3.0], np.float32)
    b = np.array([2.0, 0.75], np.float32)
    _same(ga.polymul(ga.asarray(a), ga.asarray(b)), np.polymul(a, b), rtol=1e-6)
    p = ga.polymul(np.poly1d([1.0, 2.0]), ga.asarray(np.array([3.0, 1.0])))
    assert isinstance(p, np.poly1d) and p == np.polymul(np.poly1d([1.0, 2.0]), np.array([3.0, 1.0]))


@needs64
@pytest.mark.parametrize("u,v", [
    ([3.0, -2.0, 5.5, 1.0, -7.0], [1.5, 2.0]),
    ([1.0, 4.0, -3.0, 2.5, 0.5, 8.0, -1.0], [2.0, -1.0, 0.5]),
    ([2.0, 3.0], [1.0, 5.0, 7.0]),  # divisor of higher degree: q = 0, r = u
    ([1.0, 3.0, 2.0], [1.0, 1.0]),  # exact: the remainder trimmed to [0]
    ([4, 0, -2, 6], [2, 1]),  # integers divide in float64
    ([5.0, 1.0, -2.0], [4.0]),
])
def test_polydiv_like_numpy(u, v, fresh_fallback):
    uh, vh = np.array(u), np.array(v)
    with ga.stats() as s:
        q, r = ga.polydiv(ga.asarray(uh), ga.asarray(vh))
        qh, rh = q.get(), r.get()
    assert s.fallbacks == {}
    qr, rr = np.polydiv(uh, vh)
    _same(qh, qr, rtol=1e-12, atol=1e-12)
    _same(rh, rr, rtol=1e-10, atol=1e-12)
    q2, r2 = np.polydiv(ga.asarray(uh), vh)  # NumPy dispatch
    _same(q2, qr, atol=1e-12)


@needs64
def test_polydiv_long_division_matches():
    rng = np.random.default_rng(3)
    # (a dominant leading coefficient: the division is stable, the quotient stays of order 1)
    u, v = rng.standard_normal(300), np.concatenate([[8.0], 0.3 * rng.standard_normal(20)])
    q, r = ga.polydiv(u, ga.asarray(v))
    qr, rr = np.polydiv(u, v)
    np.testing.assert_allclose(q.get(), qr, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(r.get(), rr, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ga.polyadd(ga.polymul(q, v), r).get(), u, atol=1e-8)  # u = q v + r


@needs64
def test_polydiv_complex():
    """Complex coefficients (and mixed real and complex): the Toeplitz solve over complex128."""
    rng = np.random.default_rng(8)
    for m, n in [(7, 3), (5, 5), (12, 1), (4, 6), (9, 2)]:
        u = rng.standard_normal(m) + 1j * rng.standard_normal(m)
        v = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        for uu, vv in ((u, v), (u.real, v), (u, v.real)):
            with ga.stats() as s:
                q, r = ga.polydiv(ga.asarray(uu), ga.asarray(vv))
                qh, rh = q.get(), r.get()
            assert s.fallbacks == {}
            qr, rr = np.polydiv(uu, vv)
            assert qh.dtype == qr.dtype and rh.dtype == rr.dtype
            np.testing.assert_allclose(qh, qr, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(rh, rr, rtol=1e-9, atol=1e-11)


def test_polydiv_float32():
    u = np.array([3.0, -2.0, 5.5, 1.0], np.float32)
    v = np.array([1.5, 2.0], np.float32)
    q, r = ga.polydiv(ga.asarray(u), ga.asarray(v))
    qr, rr = np.polydiv(u, v)
    assert q.dtype == qr.dtype and r.dtype == rr.dtype
    np.testing.assert_allclose(q.get(), qr, rtol=1e-5)
    np.testing.assert_allclose(r.get(), rr, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("n,func,k", [(4, np.triu, 0), (5, np.triu, 1), (3, np.tril, -1), (4, np.tril, 2), (1, np.triu, 0)])
def test_mask_indices_like_numpy(n, func, k, fresh_fallback):
    with ga.stats() as s:
        got = ga.mask_indices(n, func, k)
        hs = [g.get() for g in got]
    assert s.fallbacks == {}
    ref = np.mask_indices(n, func, k)
    assert len(hs) == len(ref)
    for h, r in zip(hs, ref):
        np.testing.assert_array_equal(h, r)
        assert h.dtype == r.dtype


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32, np.bool_,
                                   pytest.param(np.int64, marks=needs64), pytest.param(np.uint64, marks=needs64)])
def test_bitwise_count_like_numpy(dtype, fresh_fallback):
    if dtype is np.bool_:
        h = np.array([True, False, True, True, False])
    else:
        info = np.iinfo(dtype)
        h = np.array([0, 1, 5, 100, 127, info.max, info.min, info.max // 3], dtype=dtype)
        if info.min < 0:
            h = np.concatenate([h, np.array([-1, -5, -100, info.min + 1], dtype=dtype)])
    g = ga.asarray(h)
    with ga.stats() as s:
        got = ga.bitwise_count(g).get()
        via_numpy = np.bitwise_count(g).get()
        strided = ga.bitwise_count(g[::-2]).get()
    assert s.fallbacks == {}
    ref = np.bitwise_count(h)
    assert got.dtype == ref.dtype == np.uint8
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(via_numpy, ref)
    np.testing.assert_array_equal(strided, np.bitwise_count(h[::-2]))
    assert ga.bitwise_count(ga.asarray(h[:0])).shape == (0,)
    assert int(ga.bitwise_count(ga.asarray(h[2]))) == int(np.bitwise_count(h[2]))


def test_bitwise_count_refuses_floats():
    with pytest.raises(TypeError, match="not supported for the input types"):
        np.bitwise_count(np.ones(2))
    with pytest.raises(TypeError, match="not supported for the input types"):
        ga.bitwise_count(ga.asarray(np.ones(2, np.float32)))


@needs64
def test_isnat_on_the_device(fresh_fallback):
    for h in [np.array(["2020-01-01", "NaT", "1969-12-31", "NaT"], dtype="M8[D]"),
              np.array([5, -3, "NaT", 0], dtype="m8[s]").reshape(2, 2), np.array(["NaT", "2001-05-05T10:00"], dtype="M8[m]")[::-1],
              np.datetime64("NaT"), np.array([], dtype="M8[ns]")]:
        with ga.stats() as s:
            got = ga.isnat(h)
            g = got.get()
        assert s.fallbacks == {}
        ref = np.isnat(h)
        assert g.dtype == np.bool_ and g.shape == np.shape(ref)
        np.testing.assert_array_equal(g, ref)
    for bad in [np.ones(3), ga.asarray(np.ones(3, np.float32)), np.arange(3)]:
        with pytest.raises(TypeError, match="only defined for np.datetime64 and np.timedelta64"):
            np.isnat(bad if not isinstance(bad, ga.GpuArray) else bad.get())
        with pytest.raises(TypeError, match="only defined for np.datetime64 and np.timedelta64"):
            ga.isnat(bad)
