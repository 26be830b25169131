"""interp, convolve/correlate, cov/corrcoef, gradient, ediff1d, trapezoid, unwrap on the device, against NumPy."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same


def _device(fn):
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # none where NumPy gives none
        r = fn()
        for v in (r if isinstance(r, tuple) else (r,)):
            v.get()
    assert not s.fallbacks, s.fallbacks
    return r


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_interp(dtype, rng):
    xp = np.sort(rng.uniform(-5, 5, 13)).astype(dtype)
    xp[4] = xp[5]  # a repeated sample point
    fp = rng.standard_normal(13).astype(dtype)
    x = rng.uniform(-7, 7, (3, 11)).astype(dtype)
    x[0, :4] = [np.nan, xp[0], xp[-1], xp[4]] if x.dtype.kind == "f" else [xp[0], xp[0], xp[-1], xp[4]]
    for kw in ({}, {"left": -100.0, "right": 50.0}):
        assert_same(_device(lambda: ga.interp(ga.asarray(x), ga.asarray(xp), ga.asarray(fp), **kw)),
                    np.interp(x, xp, fp, **kw))
    # non-contiguous, 0-d, empty, one sample point, NumPy dispatch
    assert_same(_device(lambda: np.interp(ga.asarray(x)[:, ::3], ga.asarray(xp), ga.asarray(fp))), np.interp(x[:, ::3], xp, fp))
    assert_same(_device(lambda: ga.interp(ga.asarray(x[1, 1]), ga.asarray(xp), ga.asarray(fp))), np.interp(x[1, 1], xp, fp))
    assert_same(_device(lambda: ga.interp(ga.asarray(x[:0]), ga.asarray(xp), ga.asarray(fp))), np.interp(x[:0], xp, fp))
    assert_same(_device(lambda: ga.interp(ga.asarray(x), ga.asarray(xp[:1]), ga.asarray(fp[:1]))), np.interp(x, xp[:1], fp[:1]))
    with pytest.raises(ValueError):
        ga.interp(ga.asarray(x), ga.asarray(xp), ga.asarray(fp[:3]))


def test_interp_infinite_values():
    xp = np.array([0.0, 1.0, 2.0, 3.0])
    fp = np.array([0.0, np.inf, np.inf, -np.inf])
    x = np.array([0.5, 1.0, 1.5, 2.5, 3.0, np.inf, -np.inf])
    assert_same(_device(lambda: ga.interp(ga.asarray(x), ga.asarray(xp), ga.asarray(fp))), np.interp(x, xp, fp))


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16, np.complex64])
def test_convolve_correlate(mode, dtype, rng):
    def mk(n):
        if np.dtype(dtype).kind == "c":
            return (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype)
        if np.dtype(dtype).kind == "f":
            return rng.standard_normal(n).astype(dtype)
        return rng.integers(-9, 9, n).astype(dtype)
    for na, nv in [(17, 5), (5, 17), (1, 1), (6, 6), (9, 4), (4, 9), (3, 1)]:
        a, v = mk(na), mk(nv)
        for fn in ("convolve", "correlate"):
            exp = getattr(np, fn)(a, v, mode)
            got = _device(lambda: getattr(ga, fn)(ga.asarray(a), ga.asarray(v), mode))
            assert_same(got, exp, rtol=1e-5 if exp.dtype in (np.float32, np.complex64) else None, atol=1e-5)
    a = mk(20)
    assert_same(_device(lambda: np.convolve(ga.asarray(a)[::3], ga.asarray(a)[1:4], mode)),
                np.convolve(a[::3], a[1:4], mode), rtol=1e-5 if a.dtype in (np.float32, np.complex64) else None, atol=1e-5)
    with pytest.raises(ValueError):
        ga.convolve(ga.asarray(a[:0]), ga.asarray(a))


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_correlate_non_finite(mode, rng):
    """Only overlapping pairs are summed: a NaN or infinity meets no padding zero."""
    for na, nv in [(11, 4), (4, 7), (6, 6), (1, 3)]:
        a, v = rng.standard_normal(na).astype(np.float32), rng.standard_normal(nv).astype(np.float32)
        a[na // 2] = np.nan
        v[0] = np.inf
        for fn in ("convolve", "correlate"):
            for x, y in ((a, v), (v, a)):
                exp = getattr(np, fn)(x, y, mode)
                got = _device(lambda: getattr(ga, fn)(ga.asarray(x), ga.asarray(y), mode))
                assert_same(got, exp, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.complex128])
def test_cov_corrcoef(dtype, rng):
    m = rng.standard_normal((4, 9))
    if np.dtype(dtype).kind == "c":
        m = m + 1j * rng.standard_normal((4, 9))
    m = (m * 5).astype(dtype)
    y = (rng.standard_normal((2, 9)) * 3).astype(np.float64)
    g = ga.asarray(m)
    for kw in ({}, {"bias": True}, {"ddof": 2}, {"rowvar": False}):
        if kw.get("rowvar") is False:
            mm = m.T.copy()
            assert_same(_device(lambda: ga.cov(ga.asarray(mm), **kw)), np.cov(mm, **kw), rtol=1e-5 if dtype is np.float32 else 1e-10)
        else:
            assert_same(_device(lambda: ga.cov(g, **kw)), np.cov(m, **kw), rtol=1e-5 if dtype is np.float32 else 1e-10)
    assert_same(_device(lambda: ga.cov(g, ga.asarray(y))), np.cov(m, y), rtol=1e-5 if dtype is np.float32 else 1e-10)
    assert_same(_device(lambda: np.cov(g[0])), np.cov(m[0]), rtol=1e-5 if dtype is np.float32 else 1e-10)  # 0-d result
    assert_same(_device(lambda: ga.cov(g[:, ::2])), np.cov(m[:, ::2]), rtol=1e-5 if dtype is np.float32 else 1e-10)
    if np.dtype(dtype).kind != "c":
        assert_same(_device(lambda: ga.corrcoef(g)), np.corrcoef(m), rtol=1e-5 if dtype is np.float32 else 1e-10, atol=1e-12)
        assert_same(_device(lambda: np.corrcoef(g, ga.asarray(y), rowvar=True)), np.corrcoef(m, y), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_gradient(dtype, rng):
    f = (rng.standard_normal((5, 7)) * 9).astype(dtype)
    g = ga.asarray(f)
    for args, kw in [((), {}), ((0.5,), {}), ((2.0, 0.25), {}), ((), {"axis": 1}), ((), {"axis": -2, "edge_order": 2}),
                     ((3.0,), {"edge_order": 2})]:
        exp = np.gradient(f, *args, **kw)
        got = _device(lambda: ga.gradient(g, *args, **kw))
        if isinstance(exp, tuple):
            assert len(got) == len(exp)
            for a, b in zip(got, exp):
                assert_same(a, b, rtol=1e-5 if f.dtype == np.float32 else 1e-12)
        else:
            assert_same(got, exp, rtol=1e-5 if f.dtype == np.float32 else 1e-12)
    assert_same(_device(lambda: ga.gradient(g[1, ::2])), np.gradient(f[1, ::2]), rtol=1e-5 if f.dtype == np.float32 else 1e-12)
    with pytest.raises(ValueError):
        ga.gradient(ga.asarray(f[:1, 0]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_gradient_with_coordinates(dtype, rng):
    """Coordinate arrays: their differences (NumPy's non-uniform formulas, both edge orders), a
    constant spacing taken as its scalar as NumPy does, integer coordinates, mixed with scalars."""
    f = (rng.standard_normal((6, 9)) * 9).astype(dtype)
    x = np.cumsum(rng.random(9) + 0.1)
    y = np.cumsum(rng.random(6) + 0.2).astype(np.float32)
    g = ga.asarray(f)
    tol = 1e-5 if f.dtype == np.float32 else 1e-11
    for args, kw in [((y, x), {}), ((y, x), {"edge_order": 2}), ((x,), {"axis": 1}), ((x,), {"axis": -1, "edge_order": 2}),
                     ((2.0, x), {}), ((np.arange(6), np.arange(9) * 3), {}), ((np.arange(6) ** 2, x), {"edge_order": 2})]:
        exp = np.gradient(f, *args, **kw)
        got = _device(lambda: ga.gradient(g, *[ga.asarray(v) if isinstance(v, np.ndarray) else v for v in args], **kw))
        for a_, b_ in zip(got if isinstance(got, tuple) else (got,), exp if isinstance(exp, tuple) else (exp,)):
            assert_same(a_, b_, rtol=tol, atol=tol)
    assert_same(_device(lambda: ga.gradient(g[::-1, 3], ga.asarray(y[::-1]))), np.gradient(f[::-1, 3], y[::-1]),
                rtol=tol, atol=tol)
    with pytest.raises(ValueError):
        ga.gradient(g[0], ga.asarray(x[:5]))
    with pytest.raises(ValueError):
        ga.gradient(g[0], ga.asarray(np.ones((9, 1))))
    with pytest.raises(TypeError):
        ga.gradient(g, ga.asarray(x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.uint16])
def test_ediff1d_trapezoid(dtype, rng):
    a = (rng.standard_normal((4, 6)) * 20).astype(dtype)
    g = ga.asarray(a)
    assert_same(_device(lambda: ga.ediff1d(g)), np.ediff1d(a))
    assert_same(_device(lambda: ga.ediff1d(g[:, ::2], to_begin=np.array([7, 8], dtype=dtype), to_end=np.array([5], dtype))),
                np.ediff1d(a[:, ::2], to_begin=np.array([7, 8], dtype=dtype), to_end=np.array([5], dtype)))
    assert_same(_device(lambda: ga.ediff1d(g[:0])), np.ediff1d(a[:0]))
    if np.dtype(dtype).kind in "iu":
        with pytest.raises(TypeError):
            ga.ediff1d(g, to_end=0.5)
    x = np.cumsum(rng.uniform(0.1, 1, 6))
    rt = 1e-5 if dtype is np.float32 else 1e-12
    assert_same(_device(lambda: ga.trapezoid(g)), np.trapezoid(a), rtol=rt)
    assert_same(_device(lambda: ga.trapezoid(g, dx=0.3, axis=0)), np.trapezoid(a, dx=0.3, axis=0), rtol=rt)
    assert_same(_device(lambda: ga.trapezoid(g, ga.asarray(x))), np.trapezoid(a, x), rtol=rt)
    assert_same(_device(lambda: np.trapezoid(g[:, 1::2])), np.trapezoid(a[:, 1::2]), rtol=rt)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unwrap(dtype, rng):
    p = np.cumsum(rng.uniform(-4, 4, (3, 15)), axis=1).astype(dtype)
    p[0, 3] = np.nan
    g = ga.asarray(p)
    rt = 1e-5 if dtype is np.float32 else 1e-12
    for kw in ({}, {"axis": 0}, {"period": 5.0}, {"discont": 4.0}):
        assert_same(_device(lambda: ga.unwrap(g, **kw)), np.unwrap(p, **kw), rtol=rt, atol=1e-5)
    assert_same(_device(lambda: np.unwrap(g[1, ::2])), np.unwrap(p[1, ::2]), rtol=rt, atol=1e-5)
    pi = np.array([0, 1, 5, 9, -3])
    assert_same(_device(lambda: ga.unwrap(ga.asarray(pi))), np.unwrap(pi), rtol=1e-12)


def test_cov_with_weights(rng):
    """fweights and aweights (alone, together, with ddof/bias/rowvar, 1-D data): NumPy's weighted
    centring and normalisation, its checks and errors, on the device."""
    m = rng.standard_normal((3, 11))
    fw = rng.integers(0, 4, 11)
    fw[0] = 2
    aw = rng.random(11) + 0.1
    for kw in [{"fweights": fw}, {"aweights": aw}, {"fweights": fw, "aweights": aw}, {"fweights": fw, "ddof": 0},
               {"aweights": aw, "bias": True}, {"aweights": aw, "ddof": 2}, {"fweights": fw, "aweights": aw, "rowvar": False}]:
        mm = m if kw.get("rowvar", True) else m.T
        want = np.cov(mm, **kw)
        got = _device(lambda: ga.cov(ga.asarray(mm), **{k: ga.asarray(v) if isinstance(v, np.ndarray) else v
                                                         for k, v in kw.items()}))
        assert_same(got, want, rtol=1e-12, atol=1e-14)
    assert_same(_device(lambda: np.cov(ga.asarray(m[0]), aweights=ga.asarray(aw))), np.cov(m[0], aweights=aw), rtol=1e-12)
    for bad, err in [({"fweights": fw + 0.5}, TypeError), ({"fweights": -fw - 1}, ValueError),
                     ({"aweights": aw[:5]}, RuntimeError), ({"aweights": -aw}, ValueError),
                     ({"fweights": np.zeros(11, int)}, ZeroDivisionError)]:
        with pytest.raises(err):
            np.cov(m, **bad)
        with pytest.raises(err):
            ga.cov(ga.asarray(m), **{k: ga.asarray(v) for k, v in bad.items()})


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_corrcoef(dtype, rng):
    """Complex corrcoef: the standard deviations from the diagonal's real parts, real and
    imaginary parts clipped to [-1, 1], as NumPy's."""
    m = (rng.standard_normal((3, 9)) + 1j * rng.standard_normal((3, 9))).astype(dtype)
    assert_same(_device(lambda: ga.corrcoef(ga.asarray(m))), np.corrcoef(m), rtol=1e-5, atol=1e-6)
    assert_same(_device(lambda: np.corrcoef(ga.asarray(m[0]), ga.asarray(m[1]))), np.corrcoef(m[0], m[1]), rtol=1e-5, atol=1e-6)
    assert_same(_device(lambda: ga.corrcoef(ga.asarray(m[:, ::2]), rowvar=False)), np.corrcoef(m[:, ::2], rowvar=False),
                rtol=1e-5, atol=1e-6)


def test_interp_complex_and_periodic(rng):
    """Complex fp (each part as NumPy's complex loop computes it, NaN x included: bit for bit) and
    period= (x and xp modulo the period, xp sorted and extended), on the device."""
    xp = np.sort(rng.uniform(0, 10, 12))
    fp = rng.standard_normal(12) + 1j * rng.standard_normal(12)
    x = np.concatenate([rng.uniform(-2, 12, 40), xp[:3], [np.nan]])
    for kw in [{}, {"left": 1 + 2j, "right": -3j}, {"left": 0.5}]:
        got = _device(lambda: ga.interp(ga.asarray(x), ga.asarray(xp), ga.asarray(fp), **kw))
        want = np.interp(x, xp, fp, **kw)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.get().view(np.float64), want.view(np.float64))
    xpu, fr, xs = rng.uniform(0, 360, 12), rng.standard_normal(12), rng.uniform(-400, 800, 50)
    for per, f_ in [(360, fr), (-360.0, fr), (90, fr), (360, fp)]:
        assert_same(_device(lambda: np.interp(ga.asarray(xs), ga.asarray(xpu), ga.asarray(f_), period=per)),
                    np.interp(xs, xpu, f_, period=per), rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError, match="period"):
        ga.interp(ga.asarray(xs), ga.asarray(xpu), ga.asarray(fr), period=0)


def test_trapezoid_with_an_array_dx(rng):
    """An array ``dx`` broadcasts against y's slices in their own layout, as NumPy's."""
    y = rng.standard_normal((4, 6))
    for dx, ax in [(rng.random(5), -1), (rng.random((4, 5)), 1), (rng.random((3, 1)), 0), (rng.random(6), 0)]:
        assert_same(_device(lambda: ga.trapezoid(ga.asarray(y), dx=ga.asarray(dx), axis=ax)),
                    np.trapezoid(y, dx=dx, axis=ax), rtol=1e-12)
    d2 = rng.random((3, 1))
    assert_same(_device(lambda: np.trapezoid(ga.asarray(y[:, ::2]), dx=ga.asarray(d2), axis=0)),
                np.trapezoid(y[:, ::2], dx=d2, axis=0), rtol=1e-12)
