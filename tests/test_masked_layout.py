"""numpy.ma's arranging helpers and run finders on the device (``hsplit``, ``indices``, ``fromfunction``,
``apply_along_axis``, ``apply_over_axes``, ``compress_nd``, ``flatten_mask``, ``clump_*``,
``notmasked_*``, ``flatnotmasked_*``), against numpy.ma on the same inputs, no host fallback."""
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


def _runs_cases(rng):
    """Masks with runs at both ends, none, all, single elements; 1-D and 2-D."""
    out = []
    for m in ([1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0], [0, 1, 0, 0, 0, 1, 1], [0] * 5, [1] * 5, [1], [0]):
        out.append(np.ma.array(np.arange(len(m), dtype=np.float32), mask=np.array(m, bool)))
    out.append(np.ma.array(np.arange(6.0)))
    out.append(np.ma.array(np.arange(20.0).reshape(4, 5), mask=rng.random((4, 5)) < 0.4))
    out.append(np.ma.array(np.arange(20.0).reshape(4, 5), mask=np.zeros((4, 5), bool)))
    return out


def _g(h):
    return ga.ma.array(h.data, mask=h.mask)


def _same_edges(got, want):
    if want is None:
        assert got is None
        return
    if isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want)
        for g_, w_ in zip(got, want):
            _same_edges(g_, w_)
        return
    g = np.asarray(got.get() if hasattr(got, "get") else got)
    np.testing.assert_array_equal(g, want)
    assert g.dtype == np.asarray(want).dtype


def test_clumps_and_contiguous(rng):
    for h in _runs_cases(rng):
        for name in ("clump_masked", "clump_unmasked", "flatnotmasked_contiguous"):
            want = getattr(np.ma, name)(h)
            got = _device(lambda: getattr(ga.ma, name)(_g(h)))
            assert got == want, (name, got, want)
        want = np.ma.flatnotmasked_edges(h)
        _same_edges(_device(lambda: ga.ma.flatnotmasked_edges(_g(h))), want)
        for axis in (None, 0, 1) if h.ndim == 2 else (None,):
            want = np.ma.notmasked_contiguous(h, axis=axis)
            assert _device(lambda: ga.ma.notmasked_contiguous(_g(h), axis=axis)) == want
            want = np.ma.notmasked_edges(h, axis=axis)
            _same_edges(_device(lambda: ga.ma.notmasked_edges(_g(h), axis=axis)), want)


def test_runs_of_views(rng):
    big = np.ma.array(np.arange(24.0), mask=rng.random(24) < 0.5)
    g = ga.ma.array(big.data, mask=big.mask)[1::3]
    h = big[1::3]
    for name in ("clump_masked", "clump_unmasked", "flatnotmasked_contiguous"):
        assert _device(lambda: getattr(ga.ma, name)(g)) == getattr(np.ma, name)(h)
    with pytest.raises(NotImplementedError):
        ga.ma.notmasked_contiguous(ga.ma.array(np.zeros((2, 2, 2)), mask=np.zeros((2, 2, 2), bool)), axis=0)


def test_hsplit_indices_fromfunction(rng):
    for _, h in ma_inputs(rng, (4, 6)):
        want = np.ma.hsplit(h, 3)
        got = _device(lambda: ga.ma.hsplit(ga_ma(h), 3))
        assert isinstance(got, list) and len(got) == len(want)
        for g_, w_ in zip(got, want):
            assert_ma_same(g_, w_, data=True, fill_value=True)
    for args in [((2, 3),), ((3, 1, 2),), ((2, 3), np.float32)]:
        assert_ma_same(_device(lambda: ga.ma.indices(*args)), np.ma.indices(*args), data=True)
    want = np.ma.fromfunction(lambda i, j: i * 2 - j, (3, 4))
    got = _device(lambda: ga.ma.fromfunction(lambda i, j: i * 2 - j, (3, 4)))
    assert_ma_same(got, want, data=True)
    want = np.ma.fromfunction(lambda i, j: np.ma.masked_greater(i + j, 3), (3, 4), dtype=np.int32)
    got = _device(lambda: ga.ma.fromfunction(lambda i, j: ga.ma.masked_greater(i + j, 3), (3, 4), dtype=np.int32))
    assert_ma_same(got, want, data=True)


def test_apply_along_over_axes(rng):
    for label, h in ma_inputs(rng, (4, 5)):
        g = ga_ma(h)
        for axis in (0, 1, -1):
            for hf, gf in [(np.ma.sum, ga.ma.sum), (np.ma.mean, ga.ma.mean), (np.ma.max, ga.ma.max),
                           (np.ma.sum, np.ma.sum), (np.ma.var, ga.ma.var), (np.ma.median, ga.ma.median)]:
                want = np.ma.apply_along_axis(hf, axis, h)
                got = _device(lambda: ga.ma.apply_along_axis(gf, axis, g))
                assert_ma_same(got, want, rtol=1e-5, fill_value=True)
        # a function of the slice that is not a reduction: NumPy's loop over slices
        want = np.ma.apply_along_axis(lambda x: x[::-1] * 2, 1, h)
        got = ga.ma.apply_along_axis(lambda x: x[::-1] * 2, 1, g)
        assert_ma_same(got, want, rtol=1e-6)
        want = np.ma.apply_along_axis(lambda x: x.count(), 0, h)
        got = ga.ma.apply_along_axis(lambda x: x.count(), 0, g)
        assert_ma_same(got, want)
        for axes in ([0, 1], [1], -1):
            want = np.ma.apply_over_axes(np.ma.sum, h, axes)
            got = _device(lambda: ga.ma.apply_over_axes(ga.ma.sum, g, axes))
            assert_ma_same(got, want, rtol=1e-5)


def test_compress_nd_flatten_mask(rng):
    for label, h in ma_inputs(rng, (4, 5)):
        for axis in (None, 0, 1, (0, 1), -1):
            want = np.ma.compress_nd(h, axis=axis)
            got = _device(lambda: ga.ma.compress_nd(ga_ma(h), axis=axis))
            assert not isinstance(got, ga.ma.MaskedArray)
            np.testing.assert_array_equal(got.get(), want)
            assert got.get().dtype == want.dtype
        m = np.ma.getmaskarray(h)
        want = np.ma.flatten_mask(m)
        got = _device(lambda: ga.ma.flatten_mask(ga.asarray(m)))
        np.testing.assert_array_equal(got.get(), want)
    rec = np.zeros(2, dtype=[("a", bool), ("b", [("c", bool), ("d", bool)])])
    rec["b"]["d"][1] = True
    np.testing.assert_array_equal(np.asarray(ga.ma.flatten_mask(rec)), np.ma.flatten_mask(rec))
