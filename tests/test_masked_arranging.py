"""numpy.ma's functions that arrange elements (and its reductions by name) on the device: the data
and the mask arranged alike, compared with numpy.ma on the same masked arrays, no host fallback."""
import numpy as np
import pytest

import gpuarray as ga


def _pair(shape=(3, 4), seed=0, masked=True):
    r = np.random.default_rng(seed)
    d = r.uniform(-5, 5, shape).astype(np.float32)
    m = r.random(shape) < 0.3 if masked else np.ma.nomask
    return np.ma.array(d, mask=m), ga.ma.array(d, mask=m)


def _same(got, want, rtol=0):
    g = got.get() if hasattr(got, "get") else got
    want = np.ma.asarray(want)
    assert g.shape == want.shape and g.dtype == want.dtype
    np.testing.assert_array_equal(np.ma.getmaskarray(g), np.ma.getmaskarray(want))
    np.testing.assert_allclose(np.ma.filled(g, 0), np.ma.filled(want, 0), rtol=rtol, atol=0)


def _on_device_as_numpy_ma(fn, host_args, device_args, rtol=0):
    """``fn(gpuarray.ma, ...)`` equals ``fn(numpy.ma, ...)`` (mask and unmasked values) with no host fallback."""
    want = fn(np.ma, *host_args)
    with ga.stats() as s:
        got = fn(ga.ma, *device_args)
        _same(got, want, rtol=rtol)
    assert not s.fallbacks, s.fallbacks


CASES = [
    ("swapaxes", lambda ma, a, b: ma.swapaxes(a, 0, 1)),
    ("squeeze", lambda ma, a, b: ma.squeeze(ma.expand_dims(a, 1))),
    ("expand_dims", lambda ma, a, b: ma.expand_dims(a, 0)),
    ("repeat", lambda ma, a, b: ma.repeat(a, 2, axis=1)),
    ("diagonal", lambda ma, a, b: ma.diagonal(a, 1)),
    ("diag", lambda ma, a, b: ma.diag(ma.ravel(a)[:3], 1)),
    ("stack", lambda ma, a, b: ma.stack([a, b], axis=1)),
    ("hstack", lambda ma, a, b: ma.hstack([a, b])),
    ("vstack", lambda ma, a, b: ma.vstack([a, b])),
    ("dstack", lambda ma, a, b: ma.dstack([a, b])),
    ("column_stack", lambda ma, a, b: ma.column_stack([a, b])),
    ("atleast_3d", lambda ma, a, b: ma.atleast_3d(a)),
    ("append", lambda ma, a, b: ma.append(a, b)),
    ("append_axis", lambda ma, a, b: ma.append(a, b, axis=0)),
    ("reshape", lambda ma, a, b: ma.reshape(a, (4, 3))),
    ("transpose", lambda ma, a, b: ma.transpose(a)),
    ("ravel", lambda ma, a, b: ma.ravel(a)),
    ("cumsum", lambda ma, a, b: ma.cumsum(a, axis=1)),
    ("any", lambda ma, a, b: ma.any(a > 2, axis=0)),
    ("all", lambda ma, a, b: ma.all(a > -4, axis=1)),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("masked", [True, False])
def test_matches_numpy_ma(name, fn, masked, fresh_fallback):
    ha, ga_a = _pair(seed=1, masked=masked)
    hb, ga_b = _pair(seed=2)
    _on_device_as_numpy_ma(fn, (ha, hb), (ga_a, ga_b))


ELEMENTWISE = [
    ("clip", lambda ma, a: ma.clip(a, -1.5, 2.5)),
    ("around", lambda ma, a: ma.around(a * 1.26, 1)),
    ("round_", lambda ma, a: ma.round_(a, 0)),
    ("zeros_like", lambda ma, a: ma.zeros_like(a)),
    ("ones_like", lambda ma, a: ma.ones_like(a)),
    ("zeros", lambda ma, a: ma.zeros((2, 3), dtype=np.float32)),
    ("ones", lambda ma, a: ma.ones(4, dtype=np.int32)),
    ("identity", lambda ma, a: ma.identity(3, dtype=np.float32)),
    ("arange", lambda ma, a: ma.arange(2, 11, 3)),
    ("masked_all", lambda ma, a: ma.masked_all((2, 3), dtype=np.float32)),
    ("masked_all_like", lambda ma, a: ma.masked_all_like(a)),
    ("ptp", lambda ma, a: ma.ptp(a, axis=0)),
]


@pytest.mark.parametrize("name,fn", ELEMENTWISE, ids=[c[0] for c in ELEMENTWISE])
@pytest.mark.parametrize("masked", [True, False])
def test_elementwise_and_creation_match_numpy_ma(name, fn, masked, fresh_fallback):
    ha, ga_a = _pair(seed=3, masked=masked)
    _on_device_as_numpy_ma(fn, (ha,), (ga_a,))


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_count_masked(axis):
    ha, ga_a = _pair(seed=4)
    want = np.ma.count_masked(ha, axis=axis)
    got = ga.ma.count_masked(ga_a, axis=axis)
    np.testing.assert_array_equal(np.asarray(got.get() if hasattr(got, "get") else got), want)


def test_count_masked_without_a_mask():
    ha, ga_a = _pair(seed=5, masked=False)
    assert ga.ma.count_masked(ga_a) == np.ma.count_masked(ha) == 0
    got = ga.ma.count_masked(ga_a, axis=1)
    np.testing.assert_array_equal(got.get(), np.ma.count_masked(ha, axis=1))


def _pair_c(seed=6):
    r = np.random.default_rng(seed)
    d = (r.uniform(-5, 5, (3, 4)) + 1j * r.uniform(-5, 5, (3, 4))).astype(np.complex64)
    m = r.random((3, 4)) < 0.3
    return np.ma.array(d, mask=m), ga.ma.array(d, mask=m)


MORE = [
    ("where", lambda ma, a, b: ma.where(a > 0, a, b)),
    ("where_scalar", lambda ma, a, b: ma.where(a > 0, a, 7.0)),
    ("where_masked_cond", lambda ma, a, b: ma.where(ma.masked_where(b > 3, a > 0), a, b)),
    ("diagflat", lambda ma, a, b: ma.diagflat(a[0])),
    ("fix_invalid", lambda ma, a, b: ma.fix_invalid(ma.log(ma.array(a.data, mask=a.mask)) * 0 + a)),
    ("copy", lambda ma, a, b: ma.copy(a)),
]


@pytest.mark.parametrize("name,fn", MORE, ids=[c[0] for c in MORE])
def test_more_functions_match_numpy_ma(name, fn, fresh_fallback):
    ha, ga_a = _pair(seed=7)
    hb, ga_b = _pair(seed=8)
    want = fn(np.ma, ha, hb)
    got = fn(ga.ma, ga_a, ga_b)
    _same(got, want)


def test_masks_and_fill_values_match_numpy_ma():
    ha, ga_a = _pair(seed=9)
    assert ga.ma.make_mask(ga_a.mask).get().tolist() == np.ma.make_mask(ha.mask).tolist()
    assert ga.ma.make_mask(np.zeros(3)) is np.ma.nomask and np.ma.make_mask(np.zeros(3)) is np.ma.nomask
    assert ga.ma.make_mask_none((2, 3)).get().tolist() == np.ma.make_mask_none((2, 3)).tolist()
    o = ga.ma.mask_or(ga_a.mask, ga.asarray(np.eye(3, 4, dtype=bool)))
    np.testing.assert_array_equal(o.get(), np.ma.mask_or(ha.mask, np.eye(3, 4, dtype=bool)))
    assert ga.ma.is_mask(ga_a.mask) and not ga.ma.is_mask(ga_a.data)
    for n in ("default_fill_value", "maximum_fill_value", "minimum_fill_value"):
        assert getattr(ga.ma, n)(ga_a) == getattr(np.ma, n)(ha)
    assert ga.ma.shape(ga_a) == np.ma.shape(ha) and ga.ma.ndim(ga_a) == np.ma.ndim(ha)
    assert ga.ma.size(ga_a) == np.ma.size(ha) and ga.ma.size(ga_a, 1) == np.ma.size(ha, 1)
    hc, gc = _pair_c()
    _same(ga.ma.angle(gc), np.ma.angle(hc), rtol=3e-7)  # (atan2 of the math library: within an ulp)


LINES = [
    ("diff", lambda ma, a, b: ma.diff(a, axis=1)),
    ("diff2", lambda ma, a, b: ma.diff(a, n=2, axis=0)),
    ("ediff1d", lambda ma, a, b: ma.ediff1d(a)),
    ("mask_rows", lambda ma, a, b: ma.mask_rows(a)),
    ("mask_cols", lambda ma, a, b: ma.mask_cols(a)),
    ("mask_rowcols", lambda ma, a, b: ma.mask_rowcols(a)),
    ("compress_rows", lambda ma, a, b: ma.compress_rows(a)),
    ("compress_cols", lambda ma, a, b: ma.compress_cols(a)),
    ("compress_rowcols", lambda ma, a, b: ma.compress_rowcols(a)),
    ("outer", lambda ma, a, b: ma.outer(a[0], b[1])),
    ("trace", lambda ma, a, b: ma.trace(a)),
]


@pytest.mark.parametrize("name,fn", LINES, ids=[c[0] for c in LINES])
@pytest.mark.parametrize("seed", [10, 11])
def test_lines_match_numpy_ma(name, fn, seed, fresh_fallback):
    ha, ga_a = _pair((5, 6), seed=seed)
    hb, ga_b = _pair((5, 6), seed=seed + 100)
    ha.mask[4, :] = False  # (some rows and columns without a masked element)
    ga_a = ga.ma.array(ha.data, mask=ha.mask)
    want = fn(np.ma, ha, hb)
    with ga.stats() as s:
        got = fn(ga.ma, ga_a, ga_b)
    if np.ndim(want) == 0:
        np.testing.assert_allclose(float(got), float(want), rtol=1e-6)
    elif isinstance(want, np.ma.MaskedArray):
        _same(got, want, rtol=1e-6)
    else:
        np.testing.assert_array_equal(got.get(), want)
    assert not s.fallbacks, s.fallbacks


def test_allequal_allclose_and_shifts():
    ha, ga_a = _pair(seed=12)
    for other in (ha.filled(0), ha.filled(0) + 1e-7, ha.filled(0) * 2):
        for fv in (True, False):
            assert ga.ma.allequal(ga_a, ga.asarray(other), fill_value=fv) == np.ma.allequal(ha, other, fill_value=fv)
        for me in (True, False):
            assert ga.ma.allclose(ga_a, ga.asarray(other), masked_equal=me) == np.ma.allclose(ha, other, masked_equal=me)
    hi = np.ma.array(np.arange(6, dtype=np.int32), mask=[0, 1, 0, 0, 1, 0])
    gi = ga.ma.array(hi.data, mask=hi.mask)
    _same(ga.ma.left_shift(gi, 2), np.ma.left_shift(hi, 2))
    _same(ga.ma.right_shift(gi, 1), np.ma.right_shift(hi, 1))


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("endwith", [True, False])
@pytest.mark.parametrize("masked", [True, False])
def test_sort_and_argsort_match_numpy_ma(axis, endwith, masked, fresh_fallback):
    r = np.random.default_rng(13)
    d = r.permutation(30).reshape(5, 6).astype(np.float32) - 12  # (distinct values: one order)
    m = (r.random((5, 6)) < 0.3) if masked else np.ma.nomask
    ha, ga_a = np.ma.array(d, mask=m), ga.ma.array(d, mask=m)
    with ga.stats() as s:
        got = ga.ma.sort(ga_a, axis=axis, endwith=endwith)
        gi = ga.ma.argsort(ga_a, axis=axis, endwith=endwith)
    _same(got, np.ma.sort(ha, axis=axis, endwith=endwith))
    want_i = np.ma.argsort(ha, axis=axis, endwith=endwith)
    # (masked elements are tied at the fill value: their relative order is the stable one)
    np.testing.assert_array_equal(np.take_along_axis(np.ma.getmaskarray(ha), gi.get(), axis),
                                  np.take_along_axis(np.ma.getmaskarray(ha), want_i, axis))
    np.testing.assert_array_equal(np.ma.filled(np.take_along_axis(ha, gi.get(), axis), 0),
                                  np.ma.filled(np.take_along_axis(ha, want_i, axis), 0))
    assert not s.fallbacks, s.fallbacks


SELECT = [
    ("take_axis", lambda ma, a: ma.take(a, [2, 0, 2], axis=1)),
    ("take_flat", lambda ma, a: ma.take(a, [1, 4, 7])),
    ("resize", lambda ma, a: ma.resize(a, (4, 5))),
    ("compress", lambda ma, a: ma.compress([True, False, True, True], a, axis=1)),
    ("compress_flat", lambda ma, a: ma.compress(np.arange(12) % 3 == 0, a)),
]


@pytest.mark.parametrize("name,fn", SELECT, ids=[c[0] for c in SELECT])
@pytest.mark.parametrize("masked", [True, False])
def test_selections_match_numpy_ma(name, fn, masked, fresh_fallback):
    ha, ga_a = _pair(seed=14, masked=masked)
    _on_device_as_numpy_ma(fn, (ha,), (ga_a,))


def test_nonzero_skips_masked_elements():
    ha, ga_a = _pair(seed=15)
    got, want = ga.ma.nonzero(ga_a), np.ma.nonzero(ha)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.get(), w)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_median_matches_numpy_ma(axis, keepdims, fresh_fallback):
    r = np.random.default_rng(16)
    d = r.uniform(-5, 5, (5, 6)).astype(np.float32)
    m = r.random((5, 6)) < 0.4
    m[2, :] = True  # a row with nothing left
    m[:, 3] = True  # and a column
    ha, ga_a = np.ma.array(d, mask=m), ga.ma.array(d, mask=m)
    want = np.ma.median(ha, axis=axis, keepdims=keepdims)
    with ga.stats() as s:
        got = ga.ma.median(ga_a, axis=axis, keepdims=keepdims)
    if axis is None and not keepdims:
        assert float(got) == pytest.approx(float(want), rel=1e-6)
    else:
        _same(got, want, rtol=1e-6)
    assert not s.fallbacks, s.fallbacks
    di = r.integers(-9, 9, (4, 7))
    hi, gi = np.ma.array(di, mask=r.random((4, 7)) < 0.3), None
    gi = ga.ma.array(hi.data, mask=hi.mask)
    _same(ga.ma.median(gi, axis=1), np.ma.median(hi, axis=1), rtol=1e-12)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_average_matches_numpy_ma(axis, fresh_fallback):
    r = np.random.default_rng(17)
    d = r.uniform(-5, 5, (4, 6))
    m = r.random((4, 6)) < 0.4
    m[1, :] = True
    ha, ga_a = np.ma.array(d, mask=m), ga.ma.array(d, mask=m)
    w = r.uniform(0.5, 2, (4, 6))
    cases = [(None, lambda x: x)]
    cases.append((w, ga.asarray))
    if axis is not None:
        w1 = r.uniform(0.5, 2, d.shape[axis])
        cases.append((w1, ga.asarray))
    for wt, conv in cases:
        want = np.ma.average(ha, axis=axis, weights=wt)
        with ga.stats() as s:
            got = ga.ma.average(ga_a, axis=axis, weights=None if wt is None else conv(wt))
        if axis is None:
            assert float(got) == pytest.approx(float(want), rel=1e-12)
        else:
            _same(got, want, rtol=1e-12)
        assert not s.fallbacks, s.fallbacks


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("shapes", [((4, 5), (5, 3)), ((5,), (5, 3)), ((4, 5), (5,)), ((5,), (5,))])
def test_dot_and_inner_match_numpy_ma(strict, shapes, fresh_fallback):
    r = np.random.default_rng(18)
    sa, sb = shapes
    ha = np.ma.array(r.uniform(-3, 3, sa), mask=r.random(sa) < 0.35)
    hb = np.ma.array(r.uniform(-3, 3, sb), mask=r.random(sb) < 0.35)
    if len(sa) == 2:
        ha.mask[:, 0] = True  # (a product term that is never unmasked)
    ga_a, ga_b = ga.ma.array(ha.data, mask=ha.mask), ga.ma.array(hb.data, mask=hb.mask)
    if strict and (len(sa) != 2 or len(sb) != 2):
        return
    want = np.ma.dot(ha, hb, strict=strict)
    with ga.stats() as s:
        got = ga.ma.dot(ga_a, ga_b, strict=strict)
    if np.ndim(want) == 0:
        assert (got is np.ma.masked) == (want is np.ma.masked)
        if want is not np.ma.masked:
            assert float(got) == pytest.approx(float(want), rel=1e-12)
    else:
        _same(got, want, rtol=1e-12)
    assert not s.fallbacks, s.fallbacks
    if len(sa) == len(sb) == 2:
        _same(ga.ma.inner(ga_a, ga.ma.array(hb.data.T.copy(), mask=hb.mask.T.copy())),
              np.ma.inner(ha, np.ma.array(hb.data.T, mask=hb.mask.T)), rtol=1e-12)


@pytest.mark.parametrize("rowvar", [True, False])
@pytest.mark.parametrize("ddof", [None, 0, 2])
@pytest.mark.parametrize("shape", [(4, 9), (9,)])
def test_cov_matches_numpy_ma(rowvar, ddof, shape, fresh_fallback):
    r = np.random.default_rng(19)
    d = r.uniform(-3, 3, shape)
    mk = r.random(shape) < 0.3
    ha, ga_a = np.ma.array(d, mask=mk), ga.ma.array(d, mask=mk)
    want = np.ma.cov(ha, rowvar=rowvar, ddof=ddof)
    with ga.stats() as s:
        got = ga.ma.cov(ga_a, rowvar=rowvar, ddof=ddof)
    if np.ndim(want) == 0:
        assert float(got.get() if hasattr(got, "get") else got) == pytest.approx(float(want), rel=1e-12)
    else:
        _same(got, want, rtol=1e-12)
    assert not s.fallbacks, s.fallbacks


@pytest.mark.parametrize("rowvar", [True, False])
def test_corrcoef_matches_numpy_ma(rowvar, fresh_fallback):
    r = np.random.default_rng(20)
    d = r.uniform(-3, 3, (4, 9))
    mk = r.random((4, 9)) < 0.3
    ha, ga_a = np.ma.array(d, mask=mk), ga.ma.array(d, mask=mk)
    want = np.ma.corrcoef(ha, rowvar=rowvar)
    with ga.stats() as s:
        got = ga.ma.corrcoef(ga_a, rowvar=rowvar)
    _same(got, want, rtol=1e-12)
    assert not s.fallbacks, s.fallbacks
