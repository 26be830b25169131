"""Reductions and scans against NumPy: values, dtypes, shapes, axes, NaN rules, fusion telemetry."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.exceptions import AxisError

import gpuarray as ga
from conftest import ALL_DTYPES, HAS64, assert_same, sample


def _one_pass():
    """Whether long group reductions fold their partials in their own last workgroup here."""
    from gpuarray._kernels import reduce as _reduce_codegen
    from gpuarray._device import runtime as _runtime

    return _reduce_codegen.ONE_PASS and _runtime.device().device_fence


def _tickets_clear():
    from gpuarray._device import runtime as _runtime

    st = _runtime.device().consts.get("tickets")  # (one buffer per device)
    return st is None or not _runtime.device().read(st, 0, st.nbytes).view(np.uint32).any()

def _tol(dtype, n=1):
    """Relative tolerance of a float result accumulated over ~n terms in another order than NumPy's."""
    k = np.dtype(dtype).kind
    if k not in "fc":
        return None
    eps = 1e-6 if np.dtype(dtype) in (np.dtype(np.float32), np.dtype(np.complex64)) else 1e-13
    return eps * max(4.0, np.sqrt(n) * 4)


def _check(got, exp, n=1, **kw):
    exp = np.asarray(exp)
    assert_same(got, exp, rtol=_tol(exp.dtype, n), atol=kw.pop("atol", 0.0), **kw)


def _views(a):
    """The array itself and non-contiguous views of it: a step slice, a reversed slice, a transpose."""
    x = ga.asarray(a)
    out = [(x, a)]
    if a.ndim >= 2:
        out.append((x[::2, ::-1], a[::2, ::-1]))
        out.append((x.T, a.T))
    elif a.ndim == 1:
        out.append((x[::3], a[::3]))
    return out


# ----------------------------------------------------------------------------- sum/prod
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_sum_prod_every_dtype(dtype):
    a = sample((5, 17), dtype, low=-3, high=3)
    for x, h in _views(a):
        for axis in (None, 0, 1, -1, (0, 1)):
            _check(ga.sum(x, axis=axis), np.sum(h, axis=axis), 20)
            _check(ga.prod(x, axis=axis), np.prod(h, axis=axis), 20)
    x = ga.asarray(a)
    _check(x.sum(axis=1, keepdims=True), a.sum(axis=1, keepdims=True), 20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)  # NumPy warns on complex -> float32
        _check(ga.sum(x, axis=0, dtype=np.float32), a.sum(axis=0, dtype=np.float32), 20)


def test_sum_sizes_and_shapes(rng):
    # 1, 3, 257, 1000+: every kernel shape (thread loop, workgroup tree, chunked two-pass)
    for shape, axis in [((1,), None), ((3,), 0), ((257,), None), ((1000,), -1), ((3, 1000), 1),
                        ((1000, 3), 0), ((70001,), None), ((3, 70001), 1), ((70001, 3), 0),
                        ((2, 3, 4, 5), (1, 3)), ((2, 3, 4, 5), (0, 2)), ((4, 1, 5), 1), ((6, 7, 8), (-1, -3))]:
        for dtype in (np.float32, np.int32):
            a = sample(shape, dtype, rng)
            _check(ga.sum(ga.asarray(a), axis=axis), np.sum(a, axis=axis), a.size)


def test_sum_0d_and_empty():
    x = ga.asarray(np.float32(2.5))
    _check(ga.sum(x), np.float32(2.5))
    _check(ga.sum(x, axis=()), np.sum(np.float32(2.5), axis=()))
    with pytest.raises(AxisError):
        ga.sum(x, axis=0)
    z = ga.zeros((0, 3), dtype=np.float32)
    _check(ga.sum(z, axis=0), np.zeros((0, 3), np.float32).sum(axis=0))
    _check(ga.sum(z, axis=1), np.zeros((0, 3), np.float32).sum(axis=1))
    _check(ga.prod(z), np.float32(1))
    _check(ga.sum(ga.zeros((0,), dtype=np.int8)), np.sum(np.zeros(0, np.int8)))
    _check(ga.any(z), np.False_)
    _check(ga.all(z), np.True_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _check(ga.mean(z, axis=0), np.zeros((0, 3), np.float32).mean(axis=0))
        _check(ga.mean(ga.zeros((0,))), np.float64(np.nan))


def test_float32_sum_accuracy():
    a = np.random.default_rng(7).random(10_000_000, dtype=np.float32)
    exact = a.astype(np.float64).sum()
    got = float(ga.sum(ga.asarray(a)).get())
    assert abs(got - exact) / exact < 1e-6


def test_integer_sums_widen_and_wrap():
    a = np.full(1000, 127, np.int8)
    _check(ga.sum(ga.asarray(a)), a.sum())  # int64: no wrap
    _check(ga.sum(ga.asarray(a), dtype=np.int8), a.sum(dtype=np.int8))  # wraps like NumPy
    u = np.full(70001, 4_000_000_000, np.uint32)
    _check(ga.sum(ga.asarray(u)), u.sum())  # uint64 accumulation, two passes
    b = sample((257, 3), np.bool_)
    _check(ga.sum(ga.asarray(b), axis=0), b.sum(axis=0))


# ----------------------------------------------------------------------------- min/max
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_min_max_argmin_argmax_every_dtype(dtype):
    a = sample((6, 17), dtype, special=True)
    for x, h in _views(a):
        for axis in (None, 0, -1):
            for f in ("max", "min", "argmax", "argmin"):
                _check(getattr(ga, f)(x, axis=axis), getattr(np, f)(h, axis=axis))
    x = ga.asarray(a)
    _check(ga.argmax(x, axis=1, keepdims=True), np.argmax(a, axis=1, keepdims=True))
    _check(ga.argmin(x, keepdims=True), np.argmin(a, keepdims=True))
    _check(ga.amax(x, axis=(0, 1), keepdims=True), np.amax(a, axis=(0, 1), keepdims=True))


def test_nan_and_ties_rules():
    a = np.array([1.0, np.nan, 5.0, np.nan, 5.0, -1.0, -1.0])
    x = ga.asarray(a)
    for f in ("max", "min", "argmax", "argmin"):
        _check(getattr(ga, f)(x), getattr(np, f)(a))
    b = np.array([3, 7, 7, 1, 1, 7], np.int16)
    _check(ga.argmax(ga.asarray(b)), np.argmax(b))
    _check(ga.argmin(ga.asarray(b)), np.argmin(b))
    # long rows: the first NaN/tie must win across threads and chunks
    big = np.zeros(70001, np.float32) + 1.0
    big[[4000, 30000, 69000]] = [9.0, np.nan, np.nan]
    big[[10, 50000]] = -2.0
    xb = ga.asarray(big)
    for f in ("argmax", "argmin", "max", "min"):
        _check(getattr(ga, f)(xb), getattr(np, f)(big))
    big[30000] = 9.0
    xb = ga.asarray(big[:60000])
    _check(ga.argmax(xb), np.argmax(big[:60000]))
    _check(ga.argmin(ga.asarray(big.reshape(-1, 1)), axis=0), np.argmin(big.reshape(-1, 1), axis=0))
    c = np.array([1 + 2j, 3 - 1j, 3 + 0j, 3 + 0j, -5 + 9j], np.complex64)
    for f in ("max", "min", "argmax", "argmin"):
        _check(getattr(ga, f)(ga.asarray(c)), getattr(np, f)(c))


def test_min_max_errors_initial_where():
    with pytest.raises(ValueError, match="zero-size array to reduction operation maximum which has no identity"):
        ga.max(ga.zeros((0,)))
    with pytest.raises(ValueError, match="minimum which has no identity"):
        ga.min(ga.zeros((0, 3)), axis=0)
    _check(ga.max(ga.zeros((0, 3)), axis=1), np.zeros((0, 3)).max(axis=1))
    with pytest.raises(ValueError, match="attempt to get argmax of an empty sequence"):
        ga.argmax(ga.zeros((3, 0)), axis=1)
    a = sample((4, 9), np.float64)
    m = sample((4, 9), np.bool_)
    _check(ga.max(ga.asarray(a), initial=500.0), np.max(a, initial=500.0))
    _check(ga.min(ga.zeros((0,)), initial=3.0), np.min(np.zeros(0), initial=3.0))
    _check(ga.max(ga.asarray(a), axis=1, where=ga.asarray(m), initial=-1e9),
           np.max(a, axis=1, where=m, initial=-1e9))
    _check(ga.sum(ga.asarray(a), axis=0, where=ga.asarray(m)), np.sum(a, axis=0, where=m))
    _check(ga.prod(ga.asarray(a), initial=2.0), np.prod(a, initial=2.0), 40)
    with pytest.raises(ValueError):
        ga.max(ga.asarray(a), where=ga.asarray(m))


# ------------------------------------------------------------------------- any/all/count
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_any_all_count_nonzero(dtype):
    a = sample((5, 17), dtype, low=-1, high=1)
    for x, h in _views(a):
        for axis in (None, 0, 1, (0, 1)):
            _check(ga.any(x, axis=axis), np.any(h, axis=axis))
            _check(ga.all(x, axis=axis), np.all(h, axis=axis))
            _check(ga.count_nonzero(x, axis=axis), np.asarray(np.count_nonzero(h, axis=axis)))
    z = np.zeros((3, 4), dtype)
    z[1, 2] = 1
    _check(ga.any(ga.asarray(z), axis=1, keepdims=True), z.any(axis=1, keepdims=True))
    _check(ga.all(ga.asarray(z) == 0, axis=0), np.all(z == 0, axis=0))


# ---------------------------------------------------------------------- mean/var/std
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_mean_var_std_every_dtype(dtype):
    a = sample((6, 17), dtype, low=-50, high=50)
    for x, h in _views(a):
        for axis in (None, 0, (0, 1)):
            _check(ga.mean(x, axis=axis), np.mean(h, axis=axis), 20)
            if dtype != np.bool_:
                _check(ga.var(x, axis=axis), np.var(h, axis=axis), 100)
                _check(ga.std(x, axis=axis, ddof=1), np.std(h, axis=axis, ddof=1), 100)
    x = ga.asarray(a)
    _check(x.mean(axis=1, keepdims=True), a.mean(axis=1, keepdims=True), 20)
    if dtype != np.bool_:
        _check(x.var(axis=-1, keepdims=True), a.var(axis=-1, keepdims=True), 100)


def test_var_ddof_correction_and_dtype():
    a = sample((7, 1000), np.float32)
    x = ga.asarray(a)
    _check(ga.var(x, axis=1, correction=1), np.var(a, axis=1, ddof=1), 1000)
    _check(ga.std(x, axis=0, ddof=2), np.std(a, axis=0, ddof=2), 10)
    _check(ga.mean(x, dtype=np.float64), np.mean(a, dtype=np.float64), 7000)
    with pytest.raises(ValueError):
        ga.var(x, ddof=1, correction=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _check(ga.var(x, axis=0, ddof=7), np.var(a, axis=0, ddof=7))  # n - ddof == 0 -> inf
    i = sample((1000,), np.int64, low=-10**6, high=10**6)
    _check(ga.var(ga.asarray(i)), np.var(i), 1000)


def test_mean_where():
    a = sample((5, 8), np.float32)
    m = sample((5, 8), np.bool_)
    m[:, 0] = True
    _check(ga.mean(ga.asarray(a), axis=1, where=ga.asarray(m)), np.mean(a, axis=1, where=m), 8)
    _check(ga.mean(ga.asarray(a), where=ga.asarray(m[0])), np.mean(a, where=m[0]), 40)
    _check(ga.any(ga.asarray(a) > 50, axis=0, where=ga.asarray(m)), np.any(a > 50, axis=0, where=m))
    _check(ga.all(ga.asarray(a) > -50, axis=1, where=ga.asarray(m)), np.all(a > -50, axis=1, where=m))


def test_nan_functions():
    a = sample((9, 40), np.float64, special=True)
    a[3] = np.nan
    x = ga.asarray(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for f in ("nansum", "nanprod", "nanmean", "nanmax", "nanmin"):
            for axis in (None, 1):
                _check(getattr(ga, f)(x, axis=axis), getattr(np, f)(a, axis=axis), 40)
        b = sample((5, 6), np.float32, special=True)
        _check(ga.nansum(ga.asarray(b), axis=0), np.nansum(b, axis=0), 5)
    i = sample((5, 6), np.int16)
    _check(ga.nansum(ga.asarray(i)), np.nansum(i))
    _check(ga.nanmax(ga.asarray(i), axis=0), np.nanmax(i, axis=0))


# ------------------------------------------------------------------------------ axes
def test_axis_errors():
    x = ga.asarray(sample((2, 3), np.float32))
    with pytest.raises(AxisError):
        ga.sum(x, axis=2)
    with pytest.raises(AxisError):
        ga.max(x, axis=(0, -3))
    with pytest.raises(ValueError):
        ga.sum(x, axis=(1, -1))
    with pytest.raises(AxisError):
        ga.argmax(x, axis=5)
    with pytest.raises(AxisError):
        ga.cumsum(x, axis=-3)
    with pytest.raises(TypeError):
        ga.sum(x, axis=1.5)
    with pytest.raises(ValueError):
        ga.sum(x, axis=0, out=ga.zeros((2,), dtype=np.float32))


# ------------------------------------------------------------------------------ out=
def test_out_parameter():
    a = sample((4, 33), np.float32)
    x = ga.asarray(a)
    o = ga.zeros((33,), dtype=np.float32)
    assert ga.sum(x, axis=0, out=o) is o
    _check(o, a.sum(axis=0), 4)
    big = ga.zeros((2, 10), dtype=np.float64)
    view = big[1, ::3]  # a strided view as the destination
    ga.max(ga.asarray(a[:4, :4]), axis=0, out=view)
    expect = np.zeros((2, 10))
    expect[1, ::3] = a[:4, :4].max(axis=0)
    _check(big, expect)
    # destination read by the input: computed aside, then written
    y = ga.asarray(a[:, :4].copy())
    ga.sum(y, axis=1, out=y[:, 0])
    h = a[:, :4].copy()
    h[:, 0] = h.sum(axis=1)
    _check(y, h, 4)
    oi = ga.zeros((4,), dtype=np.int64)
    ga.argmax(x, axis=1, out=oi)
    _check(oi, a.argmax(axis=1))
    c = ga.zeros((4, 33), dtype=np.float32)
    ga.cumsum(x, axis=1, out=c)
    _check(c, np.cumsum(a, axis=1), 33)


# ----------------------------------------------------------------------------- scans
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_cumsum_cumprod_every_dtype(dtype):
    a = sample((3, 17), dtype, low=-2, high=2)
    for x, h in _views(a):
        for axis in (None, 0, -1):
            _check(ga.cumsum(x, axis=axis), np.cumsum(h, axis=axis), 50)
            _check(ga.cumprod(x, axis=axis), np.cumprod(h, axis=axis), 50)


def test_scan_long_rows_and_lazy_input(rng):
    for shape, axis in [((1,), 0), ((257,), 0), ((5000,), 0), ((3, 2049), 1), ((2049, 3), 0), ((2, 3, 5), 1)]:
        a = sample(shape, np.int32, rng)
        _check(ga.cumsum(ga.asarray(a), axis=axis), np.cumsum(a, axis=axis))
        f = sample(shape, np.float64, rng, low=0, high=1)
        x = ga.asarray(f)
        _check(ga.cumsum(x * 2.0 - 0.5, axis=axis), np.cumsum(f * 2.0 - 0.5, axis=axis), shape[axis])
    a = sample((4, 5), np.float32)
    _check(ga.cumsum(ga.asarray(a)), np.cumsum(a), 20)  # axis=None flattens in C order
    _check(ga.cumsum(ga.asarray(a).T), np.cumsum(a.T), 20)
    _check(ga.cumprod(ga.asarray(a[:, :3]), dtype=np.float64), np.cumprod(a[:, :3], dtype=np.float64), 12)
    _check(ga.cumsum(ga.zeros((0, 3)), axis=0), np.cumsum(np.zeros((0, 3)), axis=0))
    _check(ga.cumsum(ga.asarray(np.float32(3))), np.cumsum(np.float32(3)))
    # producers without a buffer (an iota) and broadcast views
    _check(ga.cumsum(ga.arange(3000, dtype=np.int32)), np.cumsum(np.arange(3000, dtype=np.int32)))
    _check(ga.sum(ga.arange(70001, dtype=np.int64)), np.arange(70001).sum())
    _check(ga.sum(ga.broadcast_to(ga.asarray(a[0]), (300, 5)), axis=0), np.broadcast_to(a[0], (300, 5)).sum(0), 300)


def test_cumulative_include_initial():
    a = sample((3, 6), np.int16)
    x = ga.asarray(a)
    for axis in (0, 1):
        _check(ga.cumulative_sum(x, axis=axis, include_initial=True),
               np.cumulative_sum(a, axis=axis, include_initial=True))
        _check(ga.cumulative_prod(x, axis=axis, include_initial=True),
               np.cumulative_prod(a, axis=axis, include_initial=True))
    v = sample((7,), np.float32)
    _check(ga.cumulative_sum(ga.asarray(v)), np.cumulative_sum(v), 7)
    _check(ga.cumulative_sum(ga.asarray(v), dtype=np.float64, include_initial=True),
           np.cumulative_sum(v, dtype=np.float64, include_initial=True), 7)
    with pytest.raises(ValueError):
        ga.cumulative_sum(x)  # axis is required for more than one dimension


# -------------------------------------------------------------------- fusion telemetry
def test_fused_mean_is_one_dispatch_and_never_recompiles(rng):
    a = rng.random(10_000).astype(np.float32)
    x = ga.asarray(a)
    ga.mean((x - 0.5) ** 2).get()  # compile
    for m in (0.25, 0.75, 1.5):
        with ga.stats() as s:
            r = ga.mean((x - m) ** 2)
        assert s.dispatches == 1 and s.kernels_compiled == 0
        _check(r, np.mean((a - np.float32(m)) ** 2), 10_000)
    # a new array of another size: the same kernels
    b = rng.random(9_000).astype(np.float32)
    with ga.stats() as s:
        r = ga.mean((ga.asarray(b) - 0.1) ** 2)
        r.get()
    assert s.kernels_compiled == 0
    _check(r, np.mean((b - np.float32(0.1)) ** 2), 9_000)


def test_fused_weighted_sums(rng):
    x = sample((300, 40), np.float32, rng)
    w = sample((40,), np.float32, rng)
    gx, gw = ga.asarray(x), ga.asarray(w)
    ga.sum(gx * gw, axis=0).get()
    with ga.stats() as s:
        r = ga.sum(gx * gw, axis=0)
        r2 = ga.sum(gx * gw, axis=1)
    assert s.dispatches == 2 and s.buffers_allocated <= 2
    _check(r, np.sum(x * w, axis=0), 300)
    _check(r2, np.sum(x * w, axis=1), 40)
    # image normalisation: mean over (1, 2) reading a broadcast mean inside the fused expression
    imgs = sample((3, 33, 40), np.float32, rng)
    gi = ga.asarray(imgs)
    mu = ga.mean(gi, axis=(1, 2), keepdims=True)
    with ga.stats() as s:
        v = ga.mean((gi - mu) ** 2, axis=(1, 2))
    assert s.dispatches == 1
    _check(v, np.mean((imgs - imgs.mean(axis=(1, 2), keepdims=True)) ** 2, axis=(1, 2)), 2000)
    with ga.stats() as s:
        sd = ga.std(gi, axis=(1, 2))
    assert s.dispatches == 2
    _check(sd, np.std(imgs, axis=(1, 2)), 2000)


def test_loops_do_not_recompile(rng):
    shapes = [(3, 17), (5, 9), (20, 31)]
    fns = [lambda x: ga.sum(x, axis=1), lambda x: ga.argmax(x, axis=0), lambda x: ga.cumsum(x, axis=1),
           lambda x: ga.var(x, axis=1), lambda x: ga.max(x * 3.0, axis=0)]
    for f in fns:
        f(ga.asarray(sample(shapes[0], np.float32, rng)))
    with ga.stats() as s:
        for shape in shapes:
            a = sample(shape, np.float32, rng)
            for f in fns:
                f(ga.asarray(a)).get()
    assert s.kernels_compiled == 0


def test_methods_delegate():
    a = sample((4, 6), np.float64)
    x = ga.asarray(a)
    _check(x.sum(0), a.sum(0), 4)
    _check(x.prod(axis=1), a.prod(axis=1), 6)
    _check(x.max(), a.max())
    _check(x.min(1), a.min(1))
    _check(x.argmax(1), a.argmax(1))
    _check(x.argmin(), a.argmin())
    _check(x.std(0, ddof=1), a.std(0, ddof=1), 4)
    _check(x.cumprod(0), a.cumprod(0), 4)
    _check((x > 0).any(1), (a > 0).any(1))
    _check((x > 0).all(), (a > 0).all())


@pytest.mark.skipif(not HAS64, reason="complex128 needs 64-bit shaders")
def test_complex_sum_prod_mean_long():
    a = sample((70001,), np.complex128, low=-1, high=1)
    x = ga.asarray(a)
    _check(ga.sum(x), a.sum(), 70001)
    _check(ga.mean(x), a.mean(), 70001)
    p = (1 + 1e-4j * sample((3000,), np.float64, low=-1, high=1)).astype(np.complex64)
    _check(ga.prod(ga.asarray(p)), p.prod(), 3000)
    _check(ga.cumsum(ga.asarray(p)), np.cumsum(p), 3000)


# ------------------------------------------------------------- vec4 group kernel paths
def test_vec4_group_paths(rng):
    """Reductions long enough for the vec4 group kernel: aligned and misaligned views (scalar
    fallback), a tail of n % 4 elements, several reduced dims (a broadcast operand), arg ties and
    NaN across lanes and chunks, f64 accumulation, second passes over contiguous partials."""
    a = rng.random((4, 300, 44), dtype=np.float32)
    x = ga.asarray(a)
    _check(ga.sum(x, axis=(1, 2)), a.sum(axis=(1, 2)), a[0].size)
    _check(ga.sum(x[:, 1:], axis=(1, 2)), a[:, 1:].sum(axis=(1, 2)), a[0].size)  # offset 44: aligned
    _check(ga.sum(x[:, :, 1:], axis=(1, 2)), a[:, :, 1:].sum(axis=(1, 2)), a[0].size)  # misaligned
    _check(ga.sum(x[::-1], axis=(1, 2)), a[::-1].sum(axis=(1, 2)), a[0].size)
    mu = ga.mean(x, axis=(1, 2), keepdims=True)
    h_mu = a.mean(axis=(1, 2), keepdims=True)
    _check(ga.mean((x - mu) ** 2), np.mean((a - h_mu) ** 2), a.size)  # reduced shape (4, 13200)
    # float32 deviations (and a float32 mean) summed in float64: float32-level agreement
    np.testing.assert_allclose(ga.mean((x - mu) * (x - mu), dtype=np.float64).get(),
                               np.mean((a - h_mu) * (a - h_mu), dtype=np.float64), rtol=1e-5)
    for n in (70001, 70002, 70003, 1 << 20):
        v = rng.random(n, dtype=np.float32)
        _check(ga.sum(ga.asarray(v)), v.sum(dtype=np.float64).astype(np.float32), n)
        _check(ga.sum(ga.asarray(v)[1:]), v[1:].sum(dtype=np.float64).astype(np.float32), n)
        i = (v * 1000).astype(np.int32)
        _check(ga.sum(ga.asarray(i)), i.sum())
        _check(ga.max(ga.asarray(i)), i.max())
    big = np.ones(300_001, np.float32)
    big[[7, 8, 150_000, 299_999]] = 5.0  # ties in one vec4, across threads and chunks
    for f in ("argmax", "argmin", "max", "min"):
        _check(getattr(ga, f)(ga.asarray(big)), getattr(np, f)(big))
        _check(getattr(ga, f)(ga.asarray(big)[2:]), getattr(np, f)(big[2:]))
    big[[9, 200_001]] = np.nan
    for f in ("argmax", "argmin", "max", "min"):
        _check(getattr(ga, f)(ga.asarray(big)), getattr(np, f)(big))
    u = rng.integers(0, 2**32, 100_000, dtype=np.uint32)
    _check(ga.sum(ga.asarray(u)), u.sum())  # uint64 accumulator over a vec4 read
    _check(ga.argmax(ga.asarray(u)), u.argmax())


def test_vec4_fused_random_matches_materialized():
    # the same draws twice: lazy (computed inside the reduction, one Philox block per 4 lanes)
    # and materialized (read from memory)
    for kind in ("random", "standard_normal"):
        fused = getattr(ga.random.default_rng(11), kind)((3, 64, 96), dtype=np.float32)
        held = getattr(ga.random.default_rng(11), kind)((3, 64, 96), dtype=np.float32)
        h = ga.asarray(held.get())
        # (a GPU compiler may contract the draw's arithmetic differently in two kernels: the values
        # agree to an ulp or two, so sums are compared with an absolute tolerance and argmax by value)
        hv = h.get().reshape(-1)
        for f in (lambda a: ga.sum(a, axis=(1, 2)), lambda a: ga.mean(a * a - 0.5),
                  lambda a: ga.max(a[:, :, 1:], axis=(1, 2))):
            np.testing.assert_allclose(f(fused).get(), f(h).get(), rtol=1e-5, atol=1e-3)
        i_fused, i_held = int(ga.argmax(fused)), int(ga.argmax(h))
        np.testing.assert_allclose(hv[i_fused], hv[i_held], rtol=1e-6)


# ------------------------------------------------------- sibling reductions, one kernel
def _same_fold(a, m):
    """Results of one fold order: bit-identical where kernels compile deterministically (CPU
    adapters); GPU drivers may contract ``x * w + acc`` into an FMA in one kernel and not in the
    other, so there they agree to a few units in the last place."""
    from gpuarray._device import runtime as _runtime

    assert a.dtype == m.dtype
    if _runtime.device().is_cpu:
        assert np.array_equal(a, m)
    else:
        np.testing.assert_allclose(a, m, rtol=4 * np.finfo(a.dtype).eps if a.dtype.kind == "f" else 0)


def _alone_and_merged(make):
    """Results of the reductions ``make()`` builds when each runs by itself (read at once) and
    when they are all queued together (read afterwards), with the dispatches of the merged run."""
    alone = []
    for i in range(len(make())):
        alone.append(make()[i].get())
    with ga.stats() as s:
        rs = make()
        merged = [r.get() for r in rs]
    return alone, merged, s.dispatches


def test_sibling_reductions_share_one_kernel_and_fold_as_alone(rng):
    x = sample((129, 257), np.float32, rng, low=-2, high=2)
    w = sample((129, 257), np.float32, rng, low=-2, high=2)
    gx, gw = ga.asarray(x), ga.asarray(w)

    def make():
        return [ga.sum(gx * gx, axis=0), ga.sum(gx * gw, axis=0), ga.max(gx - gw, axis=0),
                ga.mean(gx, axis=0, dtype=np.float64), ga.prod(gx * 0.01 + 1, axis=0)]

    alone, merged, n = _alone_and_merged(make)
    assert n == 1
    for a, m in zip(alone, merged):
        _same_fold(a, m)
    np.testing.assert_allclose(merged[0], (x.astype(np.float64) ** 2).sum(0), rtol=1e-5)
    np.testing.assert_allclose(merged[1], (x.astype(np.float64) * w).sum(0), rtol=1e-4, atol=1e-4)
    assert np.array_equal(merged[2], (x - w).max(0))
    np.testing.assert_allclose(merged[3], x.astype(np.float64).mean(0), rtol=1e-12)


def test_sibling_two_pass_reductions_merge_both_passes(rng):
    # long inner reductions run in one pass where the adapter fences at device scope (the last
    # workgroup of each output folds the partials), else in two: either way every pass is shared
    x = sample((3, 300, 517), np.float32, rng, low=0, high=1)
    gx = ga.asarray(x)
    m = ga.mean(gx, axis=(1, 2), keepdims=True)
    m.get()

    def make():
        y = (gx - m) ** 2
        return [ga.mean(y, dtype=np.float64), ga.mean(y * 2, dtype=np.float64), ga.max(y), ga.min(y)]

    alone, merged, n = _alone_and_merged(make)
    assert n == (1 if _one_pass() else 2)
    for a, r in zip(alone, merged):
        assert a.dtype == r.dtype and np.array_equal(a, r)
    y = (x - x.mean(axis=(1, 2), keepdims=True)) ** 2
    np.testing.assert_allclose(merged[0], y.astype(np.float64).mean(), rtol=1e-5)
    np.testing.assert_allclose(merged[3], y.min(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.uint16, np.bool_, np.complex64, np.float64])
def test_sibling_reductions_of_mixed_kinds(dtype, rng):
    if np.dtype(dtype) not in [np.dtype(d) for d in ALL_DTYPES]:
        pytest.skip("dtype not supported on this adapter")
    x = sample((37, 41), dtype, rng, low=-5, high=5)
    gx = ga.asarray(x)

    def make():
        out = [ga.sum(gx, axis=1), ga.any(gx, axis=1), ga.all(gx, axis=1), ga.count_nonzero(gx, axis=1)]
        if np.dtype(dtype).kind != "c":
            out += [ga.max(gx, axis=1), ga.min(gx, axis=1, initial=3)]
        return out

    alone, merged, n = _alone_and_merged(make)
    for a, r in zip(alone, merged):
        assert a.dtype == r.dtype and np.array_equal(a, r)
    assert_same(ga.asarray(merged[0]), np.sum(x, axis=1), rtol=1e-5)
    assert np.array_equal(merged[1], np.any(x, axis=1)) and np.array_equal(merged[2], np.all(x, axis=1))
    assert np.array_equal(merged[3], np.count_nonzero(x, axis=1))
    if np.dtype(dtype).kind != "c":
        assert np.array_equal(merged[4], np.max(x, axis=1))
        assert np.array_equal(merged[5], np.min(x, axis=1, initial=3))


def test_queued_reductions_keep_program_order(rng):
    x = sample((64, 33), np.float32, rng)
    gx = ga.asarray(x)
    s1 = ga.sum(gx, axis=0)
    s2 = ga.sum(s1 * 2)  # reads a queued result: must see it
    gx += 1  # overwrites a queued reduction's input: the reduction sees the old values
    s3 = ga.sum(gx, axis=0)
    gx[3:5] = np.ones((2, 33), np.float32)  # host write after a queued reader
    s4 = ga.max(gx, axis=0)
    np.testing.assert_allclose(s1.get(), x.sum(0), rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(float(s2), 2 * x.sum(0).astype(np.float64).sum(), rtol=1e-4, atol=1e-2)
    np.testing.assert_allclose(s3.get(), (x + 1).sum(0), rtol=1e-5, atol=1e-3)
    x2 = x + 1
    x2[3:5] = 1
    assert np.array_equal(s4.get(), x2.max(0))


def test_reduction_into_out_runs_in_order(rng):
    x = sample((20, 30), np.float32, rng)
    gx = ga.asarray(x)
    out = ga.zeros((30,), np.float32)
    s1 = ga.sum(out)  # queued reader of `out`
    ga.sum(gx, axis=0, out=out)
    assert float(s1) == 0.0
    np.testing.assert_allclose(out.get(), x.sum(0), rtol=1e-5)


def test_many_sibling_reductions_and_misaligned_views(rng):
    x = sample((50, 2051), np.float32, rng, low=0, high=1)
    gx = ga.asarray(x)

    def make():  # aligned and unaligned views of the same rows, more members than one kernel takes
        return [ga.sum(gx[:, k:k + 2040] * (k + 1), axis=1) for k in range(9)]

    alone, merged, n = _alone_and_merged(make)
    assert n <= 4
    for k, (a, r) in enumerate(zip(alone, merged)):
        assert np.array_equal(a, r)
        np.testing.assert_allclose(r, (x[:, k:k + 2040] * np.float32(k + 1)).sum(1), rtol=1e-4)


def test_nlms_step_is_two_dispatches(rng):
    p, C = 16, 96
    x = sample((p, C), np.float32, rng, low=0, high=1)
    W = sample((p, C), np.float32, rng, low=-1, high=1)
    gx, gW = ga.asarray(x), ga.asarray(W)
    with ga.stats() as s:
        d = ga.sum(gx * gx, axis=0)
        y = ga.sum(gx * gW, axis=0)
        e = d - y
        nx = ga.sum(gx ** 2, axis=0) + 1e-3
        gW += 0.5 * gx * (e / nx)
        ga.sync()
    assert s.dispatches == 2
    d, y, nx = (x * x).sum(0), (x * W).sum(0), (x ** 2).sum(0) + np.float32(1e-3)
    np.testing.assert_allclose(gW.get(), W + 0.5 * x * ((d - y) / nx), rtol=1e-5, atol=1e-6)


# --------------------------------------------------------- one-pass long reductions
# (shape, axis, whether the reduced axes are the inner ones: workgroup kernels, one pass; outer
# axes run one thread per output and chunk, partials folded by a second pass)
LONG = [((3, 70001), 1, True), ((70001, 2), 0, False), ((300, 517), None, True), ((2, 3, 40000), (0, 2), False),
        ((5, 3, 30011), (1, 2), True)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.uint32, np.complex64,
                                   np.bool_, np.int8])
def test_long_reductions_one_dispatch_each(dtype, rng):
    if np.dtype(dtype).itemsize == 8 and not HAS64:
        pytest.skip("no 64-bit types on this adapter")
    for shape, axis, inner in LONG:
        a = sample(shape, dtype, rng, low=-3, high=3)
        x = ga.asarray(a)
        n = a.size if axis is None else int(np.prod([a.shape[d] for d in np.atleast_1d(axis)]))
        with ga.stats() as s:
            got = ga.sum(x, axis=axis)
            got.get()
        _check(got, np.sum(a, axis=axis), n)
        if _one_pass() and inner:
            assert s.dispatches == 1, (shape, axis, s.dispatches)
        if np.dtype(dtype).kind in "fc":
            _check(ga.mean(x, axis=axis, keepdims=True), np.mean(a, axis=axis, keepdims=True), n)
        if np.dtype(dtype).kind != "c":
            assert_same(ga.max(x, axis=axis), np.max(a, axis=axis))
            assert_same(ga.min(x[..., ::-1], axis=axis), np.min(a[..., ::-1], axis=axis))
    assert _tickets_clear()


def test_long_reductions_post_ops_views_and_nan(rng):
    a = sample((4, 90001), np.float32, rng, low=0, high=2)
    x = ga.asarray(a)
    for gv, hv in [(x, a), (x[::-1, ::3], a[::-1, ::3]), (x.T, a.T)]:
        ax = 1 if gv.shape[0] == 4 else 0
        _check(ga.var(gv, axis=ax), np.var(hv, axis=ax, dtype=np.float64).astype(np.float32), hv.shape[ax])
        _check(ga.std(gv, axis=ax, ddof=1), np.std(hv, axis=ax, ddof=1, dtype=np.float64).astype(np.float32),
               hv.shape[ax])
        # the float32 terms may be contracted into FMAs on GPUs: float32 tolerance
        assert_same(ga.mean(gv * gv + 1, axis=ax, dtype=np.float64),
                    np.mean(hv * hv + np.float32(1), axis=ax, dtype=np.float64), rtol=1e-6)
    _check(ga.prod(x * 0.00001 + 1, axis=1), np.prod(a * np.float32(0.00001) + np.float32(1), axis=1), 90001)
    assert_same(np.add.reduce(x, axis=1, initial=5.0), np.add.reduce(a, axis=1, initial=5.0),
                rtol=_tol(np.float32, 90001))
    b = a.copy()
    b[1, 77777] = np.nan
    b[2, 5] = -np.inf
    y = ga.asarray(b)
    assert_same(ga.max(y, axis=1), np.max(b, axis=1))
    assert_same(ga.min(y, axis=1), np.min(b, axis=1))
    assert_same(ga.sum(y, axis=1), np.sum(b, axis=1), rtol=_tol(np.float32, 90001))
    assert_same(ga.nanmax(y, axis=1), np.nanmax(b, axis=1))
    assert _tickets_clear()


def test_long_reductions_many_in_one_batch(rng):
    # the ticket counters are shared by every kernel: each resets its own for the next one
    a = sample((2, 80001), np.float32, rng, low=-1, high=1)
    x = ga.asarray(a)
    outs = [ga.sum(x * float(i), axis=1) for i in range(1, 30)]
    outs += [ga.argmax(x + float(i), axis=1) for i in range(3)]  # two passes (index partials)
    for i, r in enumerate(outs[:29], start=1):
        _check(r, np.sum(a * np.float32(i), axis=1), 80001)
    for r in outs[29:]:
        assert_same(r, np.argmax(a, axis=1))
    assert _tickets_clear()


def test_long_reduction_into_its_own_input(rng):
    # a result that lands in an input of the kernel runs in two passes (other outputs' workgroups
    # may still be reading it when the last workgroup of one output writes)
    a = sample((3, 70001), np.float64 if HAS64 else np.float32, rng, low=-1, high=1)
    x = ga.asarray(a)
    np.add.reduce(x, axis=1, out=x[:, 0])
    exp = a.copy()
    exp[:, 0] = np.add.reduce(a, axis=1)
    assert_same(x, exp, rtol=_tol(a.dtype, 70001))


def test_float16_mean_accumulates_in_float32(rng):
    # NumPy sums float16 means in float32: past 65504 elements a float16 count would be inf
    for shape, axis in [((3, 70001), 1), ((1001,), None), ((5, 7), 0)]:
        a = sample(shape, np.float16, rng, low=0, high=1)
        got = ga.mean(ga.asarray(a), axis=axis)
        assert_same(got, np.mean(a, axis=axis), rtol=2e-3)
