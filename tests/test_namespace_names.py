"""NumPy names that scripts use and the namespace lacked: ``packbits``/``unpackbits`` (device),
``emath`` (device, complex results where NumPy's are), ``ndenumerate``/``nditer`` (host iteration,
counted; nditer's writes come back), ``poly1d`` (host coefficients) and ``polyval`` (Horner on the
device); each against NumPy, through ``import gpuarray as np`` and NumPy's own functions."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_same, sample

import gpuarray as ga

F = np.float32


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int32, np.int8])
def test_packbits(dtype, rng):
    x = sample((3, 13), dtype, rng, low=-1, high=2)
    g = ga.asarray(x)
    with ga.stats() as s:
        for kw in ({}, {"axis": 1}, {"axis": 0}, {"axis": -1, "bitorder": "little"}, {"axis": None}):
            assert_same(ga.packbits(g, **kw), np.packbits(x, **kw))
            assert_same(np.packbits(g, **kw), np.packbits(x, **kw))
        assert_same(ga.packbits(g[:, ::-3], axis=1), np.packbits(x[:, ::-3], axis=1))
    assert not s.fallbacks
    assert_same(ga.packbits(ga.asarray(np.zeros((0,), np.uint8))), np.packbits(np.zeros((0,), np.uint8)))
    with pytest.raises(TypeError):
        ga.packbits(ga.asarray(np.ones(3, F)))


def test_unpackbits(rng):
    x = rng.integers(0, 256, size=(3, 5)).astype(np.uint8)
    g = ga.asarray(x)
    with ga.stats() as s:
        for kw in ({}, {"axis": 1}, {"axis": 0, "bitorder": "little"}, {"axis": 1, "count": 11},
                   {"axis": 1, "count": -3}, {"axis": 0, "count": 30}, {"count": 7}):
            assert_same(ga.unpackbits(g, **kw), np.unpackbits(x, **kw))
            assert_same(np.unpackbits(g, **kw), np.unpackbits(x, **kw))
        assert_same(ga.packbits(ga.unpackbits(g, axis=1), axis=1), x)
    assert not s.fallbacks
    with pytest.raises(TypeError):
        ga.unpackbits(ga.asarray(x.astype(np.int16)))


@pytest.mark.parametrize("name", ["sqrt", "log", "log2", "log10", "arccos", "arcsin", "arctanh"])
@pytest.mark.parametrize("dtype", [F, np.float64, np.int32])
def test_emath(name, dtype, rng):
    pos = sample((7,), dtype, rng, low=1, high=9) if name not in ("arccos", "arcsin", "arctanh") else \
        (rng.uniform(-0.9, 0.9, 7).astype(dtype) if dtype != np.int32 else np.array([0, 0, 0], dtype))
    f, nf = getattr(ga.emath, name), getattr(np.emath, name)
    with ga.stats() as s:
        assert_same(f(ga.asarray(pos)), nf(pos), rtol=1e-5)
    assert not s.fallbacks  # real inputs in the domain: the real op on the device
    out_of_domain = pos.copy()
    out_of_domain[2] = -4 if name not in ("arccos", "arcsin", "arctanh") else 3
    got, e = f(ga.asarray(out_of_domain)), nf(out_of_domain)
    assert got.dtype == e.dtype
    np.testing.assert_allclose(got.get(), e, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.emath.__dict__[name](ga.asarray(out_of_domain)).get(), e, rtol=1e-5, atol=1e-6)


def test_emath_power_and_logn(rng):
    x = np.array([-2.0, 3.0, 0.5], F)
    for got, e in ((ga.emath.power(ga.asarray(x), 2), np.emath.power(x, 2)),
                   (ga.emath.power(ga.asarray(np.array([2, 4])), ga.asarray(np.array([-2, 2]))),
                    np.emath.power(np.array([2, 4]), np.array([-2, 2]))),
                   (ga.emath.logn(2, ga.asarray(x)), np.emath.logn(2, x)),
                   (ga.emath.logn(3, ga.asarray(np.abs(x))), np.emath.logn(3, np.abs(x)))):
        assert got.dtype == e.dtype
        np.testing.assert_allclose(got.get(), e, rtol=1e-5, atol=1e-6)


def test_ndenumerate_and_nditer(rng, fresh_fallback):
    x = sample((2, 3), np.int32, rng)
    g = ga.asarray(x)
    with ga.stats() as s:
        assert list(ga.ndenumerate(g)) == list(np.ndenumerate(x))
        assert list(np.ndenumerate(g)) == list(np.ndenumerate(x))  # NumPy's class reads it through __array__
        assert [int(v) for v in ga.nditer(g)] == [int(v) for v in np.nditer(x)]
        for v in ga.nditer(g, op_flags=["readwrite"]):
            v[...] = 2 * v
        with ga.nditer(g[:, ::2], op_flags=["readwrite"]) as it:
            for v in it:
                v[...] = v + 1
    e = 2 * x
    e[:, ::2] += 1
    assert_same(g, e)
    assert s.fallbacks.get("ndenumerate") == 1 and s.fallbacks.get("nditer") == 3


def test_poly1d_and_polyval(rng, fresh_fallback):
    c = np.array([2.0, -1.5, 0.25, 3.0])
    x = sample((9,), F, rng, low=-2, high=2)
    with ga.stats() as s:
        assert_same(ga.polyval(ga.asarray(c), ga.asarray(x)), np.polyval(c, x), rtol=1e-6)
        assert_same(ga.polyval(c.astype(F), ga.asarray(x)), np.polyval(c.astype(F), x), rtol=1e-6)
        assert_same(np.polyval([3, -1, 2], ga.asarray(x)), np.polyval([3, -1, 2], x), rtol=1e-6)
        assert_same(ga.polyval([1, 2], ga.asarray(np.arange(5))), np.polyval([1, 2], np.arange(5)))
    assert not s.fallbacks
    p = ga.poly1d(ga.asarray(c))
    assert isinstance(p, np.poly1d) and p == np.poly1d(c)
    assert_same(p(ga.asarray(x)), np.poly1d(c)(x), rtol=1e-6)
    assert float(ga.polyval(c, 2.0)) == pytest.approx(np.polyval(c, 2.0))
