"""numpy.ma's writes and selections by index (``put``, ``putmask``, ``choose``) and hard masks on the
device, against numpy.ma on the same inputs, no host fallback."""
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


def _values(rng, n, masked):
    v = (rng.standard_normal(n) * 10).astype(np.float32)
    return np.ma.array(v, mask=rng.random(n) < 0.5) if masked else np.ma.array(v)


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
@pytest.mark.parametrize("vmasked", [False, True])
@pytest.mark.parametrize("hard", [False, True])
def test_put(rng, mode, vmasked, hard):
    # (a hard mask on 1-D arrays: NumPy indexes an N-D hard mask along its first axis, see below)
    for label, h in ma_inputs(rng, shape=(35,) if hard else (5, 7)):
        g = ga_ma(h)
        h = h.copy() if label != "strided" else h
        if hard:
            h.harden_mask()
            assert g.harden_mask() is g and g.hardmask
        idx = np.array([0, 3, -2, 7, 3]) if mode == "raise" else np.array([0, -40, 34, 57, 3, 11, -3])
        v = _values(rng, 3, vmasked)  # (shorter than the indices: repeated)
        gv = ga.ma.array(v.data, mask=v.mask) if vmasked else ga.asarray(v.data)
        try:
            np.ma.put(h, idx, list(v.data) if not vmasked else v, mode=mode)
        except (ValueError, IndexError) as e:  # (a hard mask: NumPy resizes the values, indexes the mask)
            with pytest.raises(type(e)):
                ga.ma.put(g, ga.asarray(idx), gv, mode=mode)
            continue
        r = _device(lambda: ga.ma.put(g, ga.asarray(idx), gv, mode=mode))
        assert r is None
        assert_ma_same(g, h, data=True)
        h.put(5, 1.5, mode=mode)
        _device(lambda: g.put(5, 1.5, mode=mode))
        assert_ma_same(g, h, data=True)


def test_put_hard_nd_is_numpys(rng, fresh_fallback):
    d = np.arange(12.0).reshape(3, 4)
    m = np.zeros((3, 4), bool)
    m[0, 1] = m[2, 3] = True
    h, g = np.ma.array(d, mask=m, hard_mask=True), ga.ma.array(d, mask=m, hard_mask=True)
    with pytest.raises(IndexError):  # (NumPy's mask indexed by rows, then by a 2-D boolean)
        h.put([0, 2], [5.0, 6.0])
    with pytest.warns(ga.FallbackWarning), pytest.raises(IndexError):
        g.put([0, 2], [5.0, 6.0])


def test_put_errors_and_plain(rng):
    g = ga.ma.array(np.arange(6.0), mask=[0, 1, 0, 0, 1, 0])
    with pytest.raises(IndexError):
        ga.ma.put(g, [0, 9], [1.0, 2.0])
    a = np.arange(6.0)
    ga_a = ga.asarray(a)
    np.ma.put(a, [1, 4], [7.0, 8.0])
    _device(lambda: ga.ma.put(ga_a, [1, 4], [7.0, 8.0]))
    np.testing.assert_array_equal(ga_a.get(), a)


@pytest.mark.parametrize("vmasked", [False, True])
@pytest.mark.parametrize("hard", [False, True])
def test_putmask(rng, vmasked, hard):
    # (a hard mask on 1-D arrays: NumPy indexes an N-D hard mask along its first axis, see below)
    for label, h in ma_inputs(rng, shape=(35,) if hard else (5, 7)):
        g = ga_ma(h)
        h = h.copy() if label != "strided" else h
        if hard:
            h.harden_mask()
            g.harden_mask()
        cond = rng.random(h.shape) < 0.5
        v = np.ma.array((rng.standard_normal(h.shape) * 9).astype(np.float32),
                        mask=(rng.random(h.shape) < 0.4) if vmasked else np.ma.nomask)
        np.ma.putmask(h, cond, v)
        gv = ga.ma.array(v.data, mask=v.mask) if vmasked else ga.asarray(v.data)
        assert _device(lambda: ga.ma.putmask(g, ga.asarray(cond), gv)) is None
        assert_ma_same(g, h, data=True)
        # a scalar value and a masked condition (its data decides, as np.copyto's where= does)
        c2 = np.ma.array(cond, mask=rng.random(h.shape) < 0.5)
        np.ma.putmask(h, c2, -2.5)
        _device(lambda: ga.ma.putmask(g, ga.ma.array(c2.data, mask=c2.mask), -2.5))
        assert_ma_same(g, h, data=True)


def test_putmask_casting():
    g = ga.ma.array(np.arange(4, dtype=np.int32), mask=[0, 1, 0, 0])
    h = np.ma.array(np.arange(4, dtype=np.int32), mask=[0, 1, 0, 0])
    with pytest.raises(TypeError):
        np.ma.putmask(h, [True, False, True, False], np.array([1.5, 2, 3, 4]))
    with pytest.raises(TypeError):
        ga.ma.putmask(g, ga.asarray([True, False, True, False]), ga.asarray(np.array([1.5, 2, 3, 4])))


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose(rng, mode):
    shape = (4, 6)
    choices_h = [np.ma.array((rng.standard_normal(shape) * 5).astype(np.float32), mask=rng.random(shape) < 0.3),
                 np.ma.array((rng.standard_normal(shape) * 5).astype(np.float32)),
                 np.ma.array(np.float32(rng.standard_normal(shape[1])), mask=rng.random(shape[1]) < 0.5)]
    choices_g = [ga.ma.array(c.data, mask=c.mask) for c in choices_h]
    lo, hi = (0, 3) if mode == "raise" else (-4, 7)
    raw = rng.integers(lo, hi, shape)
    for imask in (np.ma.nomask, rng.random(shape) < 0.3):
        hi_ = np.ma.array(raw, mask=imask)
        want = np.ma.choose(hi_, choices_h, mode=mode)
        got = _device(lambda: ga.ma.choose(ga.ma.array(raw, mask=imask), choices_g, mode=mode))
        assert_ma_same(got, want)
        # plain index arrays and plain choices
        want = np.ma.choose(raw, [c.data for c in choices_h], mode=mode)
        got = _device(lambda: ga.ma.choose(ga.asarray(raw), [ga.asarray(c.data) for c in choices_h], mode=mode))
        assert_ma_same(got, want)
    # an all-masked index, a strided masked choice
    big = np.ma.array((rng.standard_normal((8, 6)) * 5).astype(np.float32), mask=rng.random((8, 6)) < 0.4)
    gbig = ga.ma.array(big.data, mask=big.mask)
    hi_ = np.ma.array(raw, mask=np.ones(shape, bool))
    want = np.ma.choose(hi_, [big[::2], choices_h[1], choices_h[2]], mode=mode)
    got = _device(lambda: ga.ma.choose(ga.ma.array(raw, mask=np.ones(shape, bool)), [gbig[::2]] + choices_g[1:],
                                       mode=mode))
    assert_ma_same(got, want)
    raw2 = rng.integers(0, 3, shape)
    want = np.ma.choose(raw2, [big[::2], choices_h[1], choices_h[2]], mode=mode)
    got = _device(lambda: ga.ma.choose(ga.asarray(raw2), [gbig[::2]] + choices_g[1:], mode=mode))
    assert_ma_same(got, want, data=True)
    # out= a masked array: its data and mask written
    got_out = ga.ma.array(np.full(shape, 7, np.float32), mask=np.zeros(shape, bool))
    m2 = rng.random(shape) < 0.3
    want_out = np.ma.array(np.full(shape, 7, np.float32), mask=np.zeros(shape, bool))
    r1 = np.ma.choose(np.ma.array(raw, mask=m2), choices_h, out=want_out, mode=mode)
    r2 = _device(lambda: ga.ma.choose(ga.ma.array(raw, mask=m2), choices_g, out=got_out, mode=mode))
    assert r1 is want_out and r2 is got_out
    assert_ma_same(got_out, want_out)


def test_choose_raise():
    with pytest.raises(ValueError):
        np.ma.choose(np.array([0, 3]), [np.ma.arange(2), np.ma.arange(2)])
    with pytest.raises(ValueError):
        ga.ma.choose(ga.asarray([0, 3]), [ga.ma.arange(2), ga.ma.arange(2)])


def test_hard_mask_setitem(rng):
    d = (rng.standard_normal(9) * 3).astype(np.float32)
    m = rng.random(9) < 0.4
    h, g = np.ma.array(d, mask=m, hard_mask=True), ga.ma.array(d, mask=m, hard_mask=True)
    assert g.hardmask
    for key, val in [(slice(None), 5.0), (slice(1, 7, 2), np.float32([1, 2, 3])), (4, 8.0),
                     (np.array([0, 2, 8]), -1.0)]:
        h[key] = val
        _device(lambda: g.__setitem__(key, val))
        assert_ma_same(g, h, data=True)
    vm = np.ma.array(np.arange(9, dtype=np.float32), mask=rng.random(9) < 0.5)
    h[:] = vm
    g[:] = ga.ma.array(vm.data, mask=vm.mask)
    assert_ma_same(g, h, data=True)
    k = rng.random(9) < 0.5
    h.mask = k
    g.mask = k
    assert_ma_same(g, h, data=True)
    ga.ma.soften_mask(g)
    h.soften_mask()
    assert not g.hardmask
    h[:] = 3.0
    g[:] = 3.0
    assert_ma_same(g, h, data=True)
    assert ga.ma.harden_mask(g) is g and g.hardmask
    i = ga.ma.ids(g)
    assert isinstance(i, tuple) and len(i) == 2 and i == g.ids()


def test_where_one_argument(rng):
    """numpy.ma's ``where(condition)``: the indices of the unmasked non-zero elements."""
    d = rng.integers(0, 3, (4, 5))
    k = rng.random((4, 5)) < 0.3
    want = np.ma.where(np.ma.array(d, mask=k))
    got = _device(lambda: ga.ma.where(ga.ma.array(d, mask=k)))
    assert len(got) == len(want)
    for g_, w_ in zip(got, want):
        np.testing.assert_array_equal(g_.get(), w_)


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int32, np.complex64, np.float64])
def test_put_putmask_dtypes(rng, dtype):
    """put casts as ndarray.put; putmask refuses what does not cast 'same_kind' (NumPy's TypeError)."""
    d = rng.integers(0, 4, 9).astype(dtype)
    k = rng.random(9) < 0.3
    for vals in (np.array([1.7, 2.2]), np.array([3, 1], np.int64), np.ma.array([5, 6], mask=[1, 0])):
        gv = ga.ma.array(vals.data, mask=vals.mask) if isinstance(vals, np.ma.MaskedArray) else ga.asarray(vals)
        h, g = np.ma.array(d.copy(), mask=k), ga.ma.array(d.copy(), mask=k)
        np.ma.put(h, [1, 4, 7], vals)
        _device(lambda: ga.ma.put(g, [1, 4, 7], gv))
        assert_ma_same(g, h, data=True)
        h, g = np.ma.array(d.copy(), mask=k), ga.ma.array(d.copy(), mask=k)
        c = rng.random(9) < 0.5
        vv = np.ma.resize(vals, 9) if isinstance(vals, np.ma.MaskedArray) else np.resize(vals, 9)
        gvv = ga.ma.array(vv.data, mask=vv.mask) if isinstance(vv, np.ma.MaskedArray) else ga.asarray(vv)
        try:
            np.ma.putmask(h, c, vv)
        except TypeError:
            with pytest.raises(TypeError):
                ga.ma.putmask(g, ga.asarray(c), gvv)
            continue
        _device(lambda: ga.ma.putmask(g, ga.asarray(c), gvv))
        assert_ma_same(g, h, data=True)
