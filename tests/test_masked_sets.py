"""numpy.ma's set functions on the device (``unique``, ``in1d``/``isin``, ``intersect1d``, ``union1d``,
``setdiff1d``, ``setxor1d``), against numpy.ma on the same inputs, no host fallback."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_ma_same


def _device(fn):
    with ga.stats() as s:
        r = fn()
    assert not s.fallbacks, s.fallbacks
    return r


def _cases(rng, dtype=np.float32):
    """numpy.ma arrays with repeated values: partly masked, nomask, all masked, empty, strided, NaN
    (without masks: numpy.ma orders NaN and masked elements together, see test_nan_and_masked)."""
    d = rng.integers(-4, 5, 13).astype(dtype)
    m = rng.random(13) < 0.3
    out = [np.ma.array(d, mask=m, fill_value=-7), np.ma.array(d.copy(), fill_value=-7), np.ma.array(d.copy(), mask=np.ones(13, bool)),
           np.ma.array(d[:0]), np.ma.array(d, mask=m)[::2],
           np.ma.array(rng.integers(-4, 5, (3, 4)).astype(dtype), mask=rng.random((3, 4)) < 0.3)]
    if np.dtype(dtype).kind == "f":
        e = d.copy()
        e[[1, 5, 6]] = np.nan
        out.append(np.ma.array(e))
    return out


def _g(h):
    return ga.ma.array(np.ascontiguousarray(h.data), mask=np.ma.getmaskarray(h) if h.mask is not np.ma.nomask
                       else np.ma.nomask, fill_value=h.fill_value)


def _same_tuple(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g_, w_ in zip(got, want):
            assert_ma_same(g_, w_, fill_value=isinstance(w_, np.ma.MaskedArray))
    else:
        assert_ma_same(got, want, fill_value=True)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
@pytest.mark.parametrize("ri", [(False, False), (True, False), (False, True), (True, True)])
def test_unique(rng, dtype, ri):
    for h in _cases(rng, dtype):
        want = np.ma.unique(h, return_index=ri[0], return_inverse=ri[1])
        got = _device(lambda: ga.ma.unique(_g(h), return_index=ri[0], return_inverse=ri[1]))
        _same_tuple(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
@pytest.mark.parametrize("assume_unique", [False, True])
@pytest.mark.parametrize("invert", [False, True])
def test_in1d_isin(rng, dtype, assume_unique, invert):
    cases = _cases(rng, dtype)
    for g1 in cases:
        for g2 in cases[:3] + cases[-1:]:
            h1, h2 = g1, g2
            if (h1 is cases[-1]) != (h2 is cases[-1]) and (h1.mask is not np.ma.nomask or h2.mask is not np.ma.nomask):
                continue  # (NaN and masked elements together: see test_nan_and_masked)
            if assume_unique:
                h1, h2 = np.ma.unique(h1), np.ma.unique(h2)
            want = np.ma.isin(h1, h2, assume_unique=assume_unique, invert=invert)
            got = _device(lambda: ga.ma.isin(_g(h1), _g(h2), assume_unique=assume_unique, invert=invert))
            assert_ma_same(got, want)
            if h1.ndim == 1:
                want = np.ma.in1d(h1, h2, assume_unique=assume_unique, invert=invert)
                got = _device(lambda: ga.ma.in1d(_g(h1), _g(h2), assume_unique=assume_unique, invert=invert))
                assert_ma_same(got, want)


@pytest.mark.parametrize("name", ["intersect1d", "union1d", "setdiff1d", "setxor1d"])
@pytest.mark.parametrize("assume_unique", [False, True])
def test_set_algebra(rng, name, assume_unique):
    cases = _cases(rng)
    for g1 in cases:
        for g2 in cases[:2] + cases[-2:]:
            h1, h2 = g1, g2
            if (h1 is cases[-1]) != (h2 is cases[-1]) and (h1.mask is not np.ma.nomask or h2.mask is not np.ma.nomask):
                continue  # (NaN and masked elements together: see test_nan_and_masked)
            kw = {} if name == "union1d" else {"assume_unique": assume_unique}
            if assume_unique:
                h1, h2 = np.ma.unique(h1), np.ma.unique(h2)
            want = getattr(np.ma, name)(h1, h2, **kw)
            got = _device(lambda: getattr(ga.ma, name)(_g(h1), _g(h2), **kw))
            assert_ma_same(got, want, fill_value=True)


def test_plain_operands(rng):
    a = rng.integers(0, 6, 11).astype(np.int32)
    b = rng.integers(3, 9, 7).astype(np.int32)
    for name in ("intersect1d", "union1d", "setdiff1d", "setxor1d", "in1d", "unique"):
        args = (a,) if name == "unique" else (a, b)
        want = getattr(np.ma, name)(*args)
        got = _device(lambda: getattr(ga.ma, name)(*[ga.asarray(x) for x in args]))
        assert_ma_same(got, want)


def test_nan_and_masked(rng, fresh_fallback):
    """NumPy orders masked elements among the NaNs (both sort last); the results are NumPy's: on the
    device where the last of them is masked, NumPy's on the host where it is a NaN (its NaN branch)."""
    h = np.ma.array([3.0, np.nan, 1.0, 5.0, np.nan, 2.0, 3.0], mask=[0, 0, 1, 0, 0, 1, 0])
    for ri in [(False, False), (True, True)]:
        want = np.ma.unique(h, return_index=ri[0], return_inverse=ri[1])
        _same_tuple(_device(lambda: ga.ma.unique(_g(h), return_index=ri[0], return_inverse=ri[1])), want)
    h2 = np.ma.array([3.0, np.nan, 1.0, 5.0, np.nan, 2.0, np.nan], mask=[0, 0, 1, 0, 0, 1, 0])
    with ga.stats() as s:
        got = ga.ma.unique(_g(h2))
    assert s.fallbacks == {"ma.unique": 1}
    assert_ma_same(got, np.ma.unique(h2))
    assert_ma_same(ga.ma.sort(_g(h)), np.ma.sort(h))
    assert_ma_same(ga.ma.argsort(_g(h)), np.ma.argsort(h))


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int64, np.float64, np.complex64])
def test_dtypes(rng, dtype):
    d = rng.integers(0, 4, 11).astype(dtype)
    if np.dtype(dtype).kind == "c":
        d = (d + 1j * rng.integers(0, 2, 11)).astype(dtype)
    k = rng.random(11) < 0.3
    h = np.ma.array(d, mask=k)
    for name, parts in [("unique", ()), ("isin", (slice(0, 4),)), ("intersect1d", (slice(3, None),)),
                        ("setxor1d", (slice(2, 7),)), ("union1d", (slice(0, 3),)), ("setdiff1d", (slice(5, None),))]:
        others = [h[p] for p in parts]
        want = getattr(np.ma, name)(h, *others)
        got = _device(lambda: getattr(ga.ma, name)(_g(h), *[_g(o) for o in others]))
        assert_ma_same(got, want)
