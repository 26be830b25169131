"""Complex transcendentals on the device against NumPy: special values (every pair of signed zeros,
infinities, NaN and ordinary numbers: NaN where NumPy gives NaN, the same signed zeros and
infinities) and the accuracy on random inputs (error relative to |f(z)| in units of the
precision's eps, and per component where the component is not small beside |f(z)|).
One kernel per function and dtype: the special values and the random inputs go in one array.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import gpuarray as ga
from conftest import HAS64

CDTYPES = [np.complex64] + ([np.complex128] if HAS64 else [])
FUNCS = ["exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan",
         "arcsinh", "arccosh", "arctanh", "log2", "log10", "log1p", "expm1", "exp2"]
# NumPy's own formulas for these lose accuracy (log1p: log|1 + z| for small |z|; expm1: exp(x)cos(y) - 1
# in parts; exp2: exp(z ln 2) with z ln 2 rounded first): compared with NumPy at the same precision
SAME_FORMULA = {"log1p", "expm1", "exp2"}
MAX_ULP = 8.0
SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, np.pi / 2, np.inf, -np.inf, np.nan, 1e-30, -1e30]


def _specials(dtype):
    return np.array([complex(a, b) for a in SPECIAL for b in SPECIAL], dtype)


def _random(dtype, rng, n=1500):
    parts = [rng.uniform(-10, 10, (n, 2)),
             np.exp(rng.uniform(np.log(1e-6), np.log(1e6), (n, 2))) * rng.choice([-1, 1], (n, 2))]
    t = rng.uniform(-np.pi, np.pi, n)
    r = 1 + rng.uniform(-1e-3, 1e-3, n)  # near the unit circle (log's cancellation zone)
    parts.append(np.stack([r * np.cos(t), r * np.sin(t)], 1))
    parts.append(np.stack([1 + rng.uniform(-1e-3, 1e-3, n), rng.uniform(-1e-3, 1e-3, n)], 1))  # near z = 1
    p = np.concatenate(parts)
    return (p[:, 0] + 1j * p[:, 1]).astype(dtype)


def _moderate(dtype, rng, n):
    return (rng.uniform(-3, 3, n) + 1j * rng.uniform(-3, 3, n)).astype(dtype)


def _warnings(fn, x):
    """The RuntimeWarning messages of ``fn(x)`` (read to the host)."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = fn(x)
        if isinstance(r, ga.GpuArray):
            r.get()
    return sorted({str(m.message) for m in w if issubclass(m.category, RuntimeWarning)})


def _same_special(got, ref):
    """NaN where NumPy has NaN, equal values with equal signs (zeros and infinities), close finite values."""
    ok = np.ones(got.shape, bool)
    eps = np.finfo(got.real.dtype).eps
    for g, r in ((got.real, ref.real), (got.imag, ref.imag)):
        with np.errstate(all="ignore"):
            close = np.abs(g - r) <= MAX_ULP * eps * np.abs(ref)
        ok &= (np.isnan(g) & np.isnan(r)) | ((g == r) & (np.signbit(g) == np.signbit(r))) | (
            close & np.isfinite(r) & (r != 0))
    return ok


def _accuracy(got, ref, dtype):
    """Largest error relative to |ref| and per component (components >= |ref| / 10), in eps."""
    info = np.finfo(np.dtype(dtype).char.lower())
    a = np.abs(ref)
    use = np.isfinite(ref) & (a < info.max / 4) & (a > info.tiny)
    got, ref, a = got[use].astype(np.complex128), ref[use], a[use]
    rel = np.abs(got - ref) / a / info.eps
    with np.errstate(all="ignore"):
        comp = [np.where(np.abs(r) >= a / 10, np.abs(g - r) / np.maximum(np.abs(r), 1e-300), 0) / info.eps
                for g, r in ((got.real, ref.real), (got.imag, ref.imag))]
    return float(rel.max(initial=0)), float(np.maximum(*comp).max(initial=0)), int(use.sum())


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_function(name, dtype, rng):
    sp = _specials(dtype)
    z = np.concatenate([sp, _random(dtype, rng)])
    out = ga.asarray(np.full(z.shape, np.nan + 0j, dtype))  # poisoned: every element must be written
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (checked below, per kind of value)
        out[...] = getattr(ga, name)(ga.asarray(z))
        got = out.get()
    assert not s.fallbacks, s.fallbacks
    f = getattr(np, name)
    with np.errstate(all="ignore"):
        same = f(z)
        exact = same if name in SAME_FORMULA else f(z.astype(np.complex128))
    assert got.dtype == same.dtype
    k = len(sp)
    bad = ~_same_special(got[:k], same[:k])
    assert not bad.any(), [(z[i], got[i], same[i]) for i in np.nonzero(bad)[0][:8]]
    rel, comp, n = _accuracy(got[k:], exact[k:], dtype)
    assert n > 4000
    limit = MAX_ULP * (8 if name in SAME_FORMULA and dtype == np.complex64 else 1)
    assert rel <= limit and comp <= limit, (name, rel, comp)
    # NumPy's RuntimeWarnings, per kind of value (the C library also raises 'invalid' for some NaN
    # inputs, which the device rule, a NaN from operands without NaN, does not: those are left out)
    for part in (sp[np.isfinite(sp)], sp[~np.isnan(sp)], _random(dtype, rng, 200) / 64):
        assert _warnings(getattr(ga, name), ga.asarray(part)) == _warnings(f, part), (name, part)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_numpy_ufuncs_on_complex_run_on_device(dtype, rng, fresh_fallback):
    z = _moderate(dtype, rng, 50)
    g = ga.asarray(z)
    with ga.stats() as s:
        outs = [np.exp(g), np.power(g, 1.5 + 0.5j)]
        assert all(isinstance(o, ga.GpuArray) for o in outs)
        [o.get() for o in outs]
    assert not s.fallbacks, s.fallbacks
    np.testing.assert_allclose(outs[0].get(), np.exp(z), rtol=1e-5)


@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_power(dtype, rng):
    sp = np.array([complex(a, b) for a in [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 2.0, np.inf, -np.inf, np.nan]
                   for b in [0.0, -0.0, 1.0, -1.0, 2.0, 3.0, np.inf, np.nan]], dtype)
    a, b = (v.ravel() for v in np.meshgrid(sp, sp))
    ra, rb = _moderate(dtype, rng, 1000), _moderate(dtype, rng, 1000)
    ints = np.array([2, 3, -1, -2, 5, -7, 0, 1, 99, -99, 100], dtype)
    ia = (1 + _moderate(dtype, rng, ints.size) / 100).astype(dtype)
    A, B = np.concatenate([a, ra, ia]), np.concatenate([b, rb, ints])
    with ga.stats() as s:
        got = ga.power(ga.asarray(A), ga.asarray(B)).get()
    assert not s.fallbacks
    with np.errstate(all="ignore"):
        ref = np.power(A, B)
        exact = np.power(A.astype(np.complex128), B.astype(np.complex128))
    k = a.size
    bad = ~_same_special(got[:k], ref[:k])
    assert not bad.any(), [(A[i], B[i], got[i], ref[i]) for i in np.nonzero(bad)[0][:8]]
    # exp(b log a): the error grows with |b log a| (the exponent's rounding), as NumPy's does
    with np.errstate(all="ignore"):
        w = np.abs(B[k:].astype(np.complex128) * np.log(A[k:].astype(np.complex128)))
    eps = np.finfo(np.dtype(dtype).char.lower()).eps
    info = np.finfo(np.dtype(dtype).char.lower())
    e = exact[k:]
    use = np.isfinite(e) & (np.abs(e) > info.tiny) & (np.abs(e) < info.max / 4)
    err = np.abs(got[k:][use] - e[use]) / np.abs(e[use]) / (eps * (1 + w[use]))
    assert err.max() <= MAX_ULP, err.max()
    # integer powers are repeated products: zero signs and values as NumPy
    m = ints.size
    np.testing.assert_array_equal(np.signbit(got[-m:].real), np.signbit(ref[-m:].real))


@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_scalar_powers(dtype, rng):
    z = _moderate(dtype, rng, 40)
    g = ga.asarray(z)
    for e in (2, 0.5, -1, 3, 1, 0, -2, 2.5, 1j, 7, -0.5 + 2j):
        got = (g ** e).get()
        ref = z.astype(np.complex128) ** e
        err = np.abs(got - ref) / np.abs(ref)
        assert got.dtype == np.dtype(dtype)
        assert err.max() <= 64 * np.finfo(np.dtype(dtype).char.lower()).eps * (1 + abs(e) * 16), (e, err.max())


@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_operator_power_shortcuts(dtype):
    """``x ** 0.5``, ``x ** 2``, ``x ** -1`` are NumPy's sqrt, square, reciprocal (as ndarray.__pow__)."""
    z = _specials(dtype)
    g = ga.asarray(z)
    for e in (0.5, 2, -1, 2.0, -1.0, 1.5):
        got = (g ** e).get()
        with np.errstate(all="ignore"):
            ref = z ** e
        finite = np.isfinite(z) & (np.abs(z) < 1e15)  # (squares past the range: NumPy's SIMD loop fuses x*x - y*y)
        bad = ~_same_special(got[finite], ref[finite])
        assert not bad.any(), (e, [(z[finite][i], got[finite][i], ref[finite][i]) for i in np.nonzero(bad)[0][:6]])


@pytest.mark.parametrize("name", ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
                                  "arcsinh", "arctanh"])
@pytest.mark.parametrize("dtype", CDTYPES)
def test_nan_parts_keep_their_sign_through_the_identities(name, dtype):
    """NumPy's special values depend on a NaN part's sign (arctan(inf + (-nan)j) has imaginary part
    -0.0, with +nan +0.0); the functions written through i z and -i z flip signs on the bits, so
    this holds whatever a driver's float negation does with a NaN's sign."""
    rdt = np.dtype(dtype).char.lower()
    neg_nan = -np.array(np.nan, rdt)
    assert np.signbit(neg_nan)
    parts = [np.inf, -np.inf, np.nan, neg_nan, 0.0, -0.0, 1.5, -2.0]
    z = np.array([complex(a, b) for a in parts for b in parts], dtype)
    z.real[[i for i, (a, b) in enumerate((a, b) for a in parts for b in parts) if a is neg_nan]] = neg_nan
    z.imag[[i for i, (a, b) in enumerate((a, b) for a in parts for b in parts) if b is neg_nan]] = neg_nan
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = getattr(ga, name)(ga.asarray(z)).get()
        want = getattr(np, name)(z)
    bad = ~_same_special(got, want)
    assert not bad.any(), [(z[i], got[i], want[i]) for i in np.nonzero(bad)[0][:8]]


def _parts_equal(got, want):
    """Equal values with equal signs per part, NaN where NumPy has NaN (booleans: equal)."""
    if want.dtype.kind == "b":
        return got == want
    ok = np.ones(got.shape, bool)
    for g, w in ((got.real, want.real), (got.imag, want.imag)):
        ok &= (np.isnan(g) & np.isnan(w)) | ((g == w) & (np.signbit(g) == np.signbit(w)))
    return ok


def _complex_specials(dtype):
    big = 1e308 if dtype == np.complex128 else 3e38
    tiny = 1e-320 if dtype == np.complex128 else 1e-44
    sp = [0.0, -0.0, 1.0, -2.5, 3.0, np.nan, np.inf, -np.inf, tiny, big]
    return np.array([complex(a, b) for a in sp for b in sp], dtype)


@pytest.mark.parametrize("name", ["less", "less_equal", "greater", "greater_equal", "maximum", "minimum", "fmax", "fmin"])
@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_order(name, dtype, rng):
    """NumPy's lexicographic order of complex numbers (a NaN imaginary part spoils the real
    parts' strict test; maximum/minimum keep a NaN operand, fmax/fmin the other one)."""
    z = np.concatenate([_complex_specials(dtype), _random(dtype, rng, 300)])
    w = np.concatenate([z[::-1][: len(z) - 300], z[-300:] * np.array(1 + 0.5j, dtype)]).astype(dtype)
    w[-50:] = z[-50:]  # ties
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy warns for none of these
        got = getattr(ga, name)(ga.asarray(z), ga.asarray(w)).get()
        got_s = getattr(ga, name)(ga.asarray(z), z[7]).get()
    assert not s.fallbacks, s.fallbacks
    want = getattr(np, name)(z, w)
    assert got.dtype == want.dtype
    assert _parts_equal(got, want).all(), [(z[i], w[i], got[i], want[i]) for i in np.nonzero(~_parts_equal(got, want))[0][:6]]
    assert _parts_equal(got_s, getattr(np, name)(z, z[7])).all()


@pytest.mark.parametrize("name", ["sign", "rint"])
@pytest.mark.parametrize("dtype", CDTYPES)
def test_complex_sign_and_rint(name, dtype, rng):
    z = np.concatenate([_complex_specials(dtype), _random(dtype, rng, 300), np.array([2.5 + 3.5j, -0.5 - 1.5j], dtype)])
    with ga.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("error")
        got = getattr(ga, name)(ga.asarray(z)).get()
    assert not s.fallbacks, s.fallbacks
    with np.errstate(all="ignore"):
        want = getattr(np, name)(z)
    assert got.dtype == want.dtype
    eps = np.finfo(got.real.dtype).eps
    close = np.abs(got - want) <= 2 * eps * np.maximum(np.abs(want), 1)
    ok = _parts_equal(got, want) | (close & np.isfinite(want))
    assert ok.all(), [(z[i], got[i], want[i]) for i in np.nonzero(~ok)[0][:6]]
