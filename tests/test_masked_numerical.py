"""numpy.ma's numerical functions on the device: ``cov``/``corrcoef`` with ``y``, ``convolve``/``correlate``,
``polyfit``, ``vander``, against numpy.ma on the same inputs, no host fallback."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_ma_same, ga_ma, ma_inputs


def _device(fn):
    with ga.stats() as s:
        r = fn()
    assert not s.fallbacks, s.fallbacks
    return r


@pytest.mark.parametrize("rowvar", [True, False])
@pytest.mark.parametrize("kw", [{}, {"bias": True}, {"ddof": 3}])
def test_cov_with_y(rng, rowvar, kw):
    xs = ma_inputs(rng, (4, 9))
    for _, hx in xs:
        for yshape in [(4, 9), (2, 9) if rowvar else (4, 3)]:
            for ymasked in (False, True):
                hy = np.ma.array(rng.standard_normal(yshape), mask=(rng.random(yshape) < 0.25) if ymasked else
                                 np.ma.nomask)
                want = np.ma.cov(hx, hy, rowvar=rowvar, **kw)
                got = _device(lambda: ga.ma.cov(ga_ma(hx), ga.ma.array(hy.data, mask=hy.mask), rowvar=rowvar, **kw))
                assert_ma_same(got, want, rtol=1e-9)
                want = np.ma.corrcoef(hx, hy, rowvar=rowvar)
                got = _device(lambda: ga.ma.corrcoef(ga_ma(hx), ga.ma.array(hy.data, mask=hy.mask), rowvar=rowvar))
                assert_ma_same(got, want, rtol=1e-9)


def test_cov_1d_and_plain_y(rng):
    x = np.ma.array(rng.standard_normal(11), mask=rng.random(11) < 0.3)
    y = rng.standard_normal(11)
    want = np.ma.cov(x, y)
    got = _device(lambda: ga.ma.cov(ga.ma.array(x.data, mask=x.mask), ga.asarray(y)))
    assert_ma_same(got, want, rtol=1e-9)
    want = np.ma.corrcoef(x, y)
    got = _device(lambda: ga.ma.corrcoef(ga.ma.array(x.data, mask=x.mask), ga.asarray(y)))
    assert_ma_same(got, want, rtol=1e-9)


def test_cov_allow_masked(rng):
    x = np.ma.array(rng.standard_normal((3, 5)), mask=rng.random((3, 5)) < 0.3)
    y = np.ma.array(rng.standard_normal((3, 5)))
    for a, b in [(x, y), (y, x)]:
        with pytest.raises(ValueError, match="masked data"):
            np.ma.cov(a, b, allow_masked=False)
        with pytest.raises(ValueError, match="masked data"):
            ga.ma.cov(ga.ma.array(a.data, mask=a.mask), ga.ma.array(b.data, mask=b.mask), allow_masked=False)
    want = np.ma.cov(y, y, allow_masked=False)
    got = _device(lambda: ga.ma.cov(ga.ma.array(y.data), ga.ma.array(y.data), allow_masked=False))
    assert_ma_same(got, want, rtol=1e-9)


def test_corrcoef_signature():
    """NumPy's corrcoef takes neither ``bias`` nor ``ddof`` (removed after their deprecation)."""
    x = ga.ma.array(np.arange(6.0).reshape(2, 3))
    for kw in ({"bias": True}, {"ddof": 1}):
        with pytest.raises(TypeError):
            np.ma.corrcoef(x.get(), **kw)
        with pytest.raises(TypeError):
            ga.ma.corrcoef(x, **kw)


@pytest.mark.parametrize("name", ["convolve", "correlate"])
@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("propagate_mask", [True, False])
def test_convolve_correlate(rng, name, mode, propagate_mask):
    for n, k in [(11, 4), (4, 7), (6, 6), (1, 3)]:
        a = rng.standard_normal(n).astype(np.float32)
        if n > 2:
            a[2] = np.nan
        v = rng.standard_normal(k).astype(np.float32)
        for am, vm in [(rng.random(n) < 0.3, rng.random(k) < 0.3), (np.ma.nomask, np.ma.nomask),
                       (np.ones(n, bool), np.ma.nomask), (np.ma.nomask, rng.random(k) < 0.4)]:
            ha, hv = np.ma.array(a, mask=am), np.ma.array(v, mask=vm)
            want = getattr(np.ma, name)(ha, hv, mode=mode, propagate_mask=propagate_mask)
            got = _device(lambda: getattr(ga.ma, name)(ga.ma.array(a, mask=am), ga.ma.array(v, mask=vm), mode=mode,
                                                       propagate_mask=propagate_mask))
            assert_ma_same(got, want, rtol=2e-5)
    # a strided operand and a plain one
    big = np.ma.array(rng.standard_normal(18), mask=rng.random(18) < 0.3)
    want = getattr(np.ma, name)(big[::2], v, mode=mode, propagate_mask=propagate_mask)
    got = _device(lambda: getattr(ga.ma, name)(ga.ma.array(big.data, mask=big.mask)[::2], ga.asarray(v), mode=mode,
                                               propagate_mask=propagate_mask))
    assert_ma_same(got, want, rtol=1e-5)


@pytest.mark.parametrize("deg", [1, 3])
def test_polyfit(rng, deg):
    x = np.linspace(-2, 3, 17)
    y = 0.5 * x ** 3 - x + 2 + rng.standard_normal(17) * 0.1
    y2 = np.stack([y, 2 * x + 1], axis=1)
    w = rng.uniform(0.5, 2, 17)
    xm, ym, wm = rng.random(17) < 0.2, rng.random(17) < 0.2, rng.random(17) < 0.2
    y2m = rng.random((17, 2)) < 0.15
    cases = [
        (np.ma.array(x, mask=xm), np.ma.array(y, mask=ym), None),
        (np.ma.array(x), np.ma.array(y), None),
        (x, np.ma.array(y2, mask=y2m), None),
        (np.ma.array(x, mask=xm), np.ma.array(y, mask=ym), np.ma.array(w, mask=wm)),
        (np.ma.array(x, mask=xm), y, w),
    ]
    for hx, hy, hw in cases:
        want = np.ma.polyfit(hx, hy, deg, w=hw)

        def dev(v):
            if v is None:
                return None
            return ga.ma.array(v.data, mask=v.mask) if isinstance(v, np.ma.MaskedArray) else ga.asarray(v)

        got = _device(lambda: ga.ma.polyfit(dev(hx), dev(hy), deg, w=dev(hw)))
        np.testing.assert_allclose(got.get(), want, rtol=1e-6, atol=1e-9)
    full_want = np.ma.polyfit(*cases[0][:2], deg, full=True)
    full_got = ga.ma.polyfit(dev(cases[0][0]), dev(cases[0][1]), deg, full=True)
    np.testing.assert_allclose(full_got[0].get(), full_want[0], rtol=1e-6)
    with pytest.raises(TypeError):
        ga.ma.polyfit(dev(cases[0][0]), ga.ma.array(np.zeros((17, 2, 2))), deg)
    with pytest.raises(TypeError, match="non-empty"):  # (every point masked)
        ga.ma.polyfit(ga.ma.array(x, mask=np.ones(17, bool)), ga.asarray(y), deg)
    yn = y.copy()
    yn[[3, 8]] = np.nan  # (NaN points masked by masked_invalid: dropped)
    want = np.ma.polyfit(x, np.ma.masked_invalid(yn), deg)
    got = _device(lambda: ga.ma.polyfit(ga.asarray(x), ga.ma.masked_invalid(ga.asarray(yn)), deg))
    np.testing.assert_allclose(got.get(), want, rtol=1e-6, atol=1e-9)


def test_vander(rng):
    for _, h in ma_inputs(rng, (7,)):
        for n in (None, 3, 9):
            want = np.ma.vander(h, n)
            got = _device(lambda: ga.ma.vander(ga_ma(h), n))
            assert not isinstance(got, ga.ma.MaskedArray)
            np.testing.assert_allclose(got.get(), want, rtol=1e-6, equal_nan=True)
            assert got.dtype == want.dtype


def test_mean_var_std_of_non_finite_slices():
    """numpy.ma masks a masked array's non-finite means along an axis, and its var of such a slice is
    0 (deviations from a masked mean are masked); a non-finite total var is masked."""
    h = np.ma.array([[1, np.nan, 3.0], [1, 2, 3], [np.inf, 1, 2]], mask=[[0, 0, 1], [0, 0, 0], [0, 0, 0]])
    g = ga.ma.array(h.data, mask=h.mask)
    for f in ("var", "std", "mean"):
        for kw in ({}, {"axis": 1}, {"axis": 0}, {"axis": 1, "keepdims": True}, {"axis": 1, "ddof": 1}):
            if f == "mean" and "ddof" in kw:
                continue
            want = getattr(h, f)(**kw)
            got = _device(lambda: getattr(g, f)(**kw))
            if isinstance(want, float) and np.isnan(want):
                assert np.isnan(float(got.get() if hasattr(got, "get") else got))
            else:
                assert_ma_same(got, want, rtol=1e-12)


def test_median_nan_check():
    """numpy.ma's median is NaN where an unmasked NaN sorts last (masked elements sort as NaN, in order)."""
    for d, k in [([1.0, np.nan, 3.0, 0.5], [0, 0, 0, 0]), ([1.0, np.nan, 3.0, 0.5], [0, 0, 1, 0]),
                 ([1.0, 2.0, np.nan, 0.5, 4.0], [0, 1, 0, 0, 1]), ([np.nan, 2.0, 5.0], [0, 0, 1])]:
        h = np.ma.array(d, mask=k)
        want = np.ma.median(h)
        got = _device(lambda: ga.ma.median(ga.ma.array(d, mask=k)))
        np.testing.assert_equal(float(got), float(want))
        h2 = np.ma.array(np.stack([d, d[::-1]]), mask=np.stack([k, k[::-1]]))
        assert_ma_same(_device(lambda: ga.ma.median(ga.ma.array(h2.data, mask=h2.mask), axis=1)),
                       np.ma.median(h2, axis=1))


@pytest.mark.parametrize("dtypes", [(np.complex64, np.complex64), (np.int32, np.int16)])
def test_convolve_correlate_dtypes(rng, dtypes):
    a = rng.integers(-5, 5, 9).astype(dtypes[0]) + (1j * rng.standard_normal(9) if dtypes[0] == np.complex64 else 0)
    v = rng.integers(-5, 5, 4).astype(dtypes[1]) + (1j * rng.standard_normal(4) if dtypes[1] == np.complex64 else 0)
    a, v = a.astype(dtypes[0]), v.astype(dtypes[1])
    am = rng.random(9) < 0.3
    for name in ("convolve", "correlate"):
        for pm in (True, False):
            want = getattr(np.ma, name)(np.ma.array(a, mask=am), v, mode="same", propagate_mask=pm)
            got = _device(lambda: getattr(ga.ma, name)(ga.ma.array(a, mask=am), ga.asarray(v), mode="same",
                                                       propagate_mask=pm))
            assert_ma_same(got, want, rtol=1e-5)
