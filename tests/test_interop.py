"""NumPy interoperability: ufuncs and NumPy functions called on GpuArrays run on the device
(``__array_ufunc__``/``__array_function__``) with NumPy's results; what has no device
implementation is a counted host fallback; ``import gpuarray as np`` has the names scripts use."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import HAS64, assert_same, sample

import gpuarray as ga

F = np.float32


@pytest.fixture
def xy(rng):
    x = sample((3, 4), F, rng, low=-3, high=3)
    y = sample((3, 4), F, rng, low=0.5, high=3)
    return x, y


# ---------------------------------------------------------------------------- ufunc __call__
UNARY = ["exp", "log1p", "sqrt", "sin", "tanh", "negative", "absolute", "abs", "square", "floor", "isnan", "sign",
         "arcsinh", "deg2rad", "radians", "conjugate", "reciprocal", "logical_not"]
BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "power", "pow", "maximum", "minimum", "fmax",
          "arctan2", "atan2", "hypot", "greater", "less_equal", "not_equal", "logical_and", "copysign", "floor_divide",
          "remainder", "mod", "fmod", "logaddexp"]


@pytest.mark.parametrize("name", UNARY)
def test_unary_ufunc(name, xy):
    x, y = xy
    arg = y if name in ("log1p", "sqrt") else x
    got = getattr(np, name)(ga.asarray(arg))
    assert_same(got, getattr(np, name)(arg), rtol=5e-5, atol=1e-6)


@pytest.mark.parametrize("name", BINARY)
def test_binary_ufunc(name, xy):
    x, y = xy
    f = getattr(np, name)
    gx, gy = ga.asarray(x), ga.asarray(y)
    tol = {"rtol": 5e-5, "atol": 1e-6}  # dispatch is tested here, not the last ulp of each function
    with np.errstate(all="ignore"):
        assert_same(f(gx, gy), f(x, y), **tol)
        # Python scalars stay weak; a host array is uploaded; a host array on the left dispatches too
        assert_same(f(gx, 2.0), f(x, 2.0), **tol)
        assert_same(f(gx, y), f(x, y), **tol)
        assert_same(f(x, gy), f(x, y), **tol)


def test_ufunc_integer_and_mixed_dtypes(rng):
    a = sample((5, 3), np.int32, rng)
    b = sample((3,), np.int16, rng, low=1, high=9)
    assert_same(np.add(ga.asarray(a), ga.asarray(b)), np.add(a, b))
    assert_same(np.right_shift(ga.asarray(a), 2), np.right_shift(a, 2))
    assert_same(np.bitwise_not(ga.asarray(a)), np.bitwise_not(a))
    assert_same(np.multiply(ga.asarray(a), np.float32(0.5)), np.multiply(a, np.float32(0.5)))
    assert_same(ga.asarray(a) * 2 + np.exp(ga.asarray(b.astype(F))), a * 2 + np.exp(b.astype(F)), rtol=1e-6)


def test_operators_with_host_array_on_the_left(xy):
    x, y = xy
    got = x * ga.asarray(y)  # ndarray.__mul__ -> np.multiply -> GpuArray.__array_ufunc__
    assert_same(got, x * y)
    assert_same(x > ga.asarray(y), x > y)


def test_exp_times_two(xy):
    x, _ = xy
    got = np.exp(ga.asarray(x)) * 2
    assert_same(got, np.exp(x) * 2)


def test_ufunc_errors_match_numpy(rng):
    gi = ga.asarray(sample((4,), np.int32, rng))
    with pytest.raises(TypeError):
        np.bitwise_and(ga.asarray(np.ones(3, F)), 1)
    with pytest.raises(ValueError):
        np.add(ga.asarray(np.ones((2, 3), F)), ga.asarray(np.ones((4,), F)))
    with pytest.raises(OverflowError):
        np.add(ga.asarray(np.ones(3, np.int8)), 1000)
    assert_same(np.invert(gi), np.invert(gi.get()))


# ---------------------------------------------------------------------------- out=, where=, dtype=, casting=
def test_out_array_and_tuple(xy):
    x, y = xy
    gz = ga.zeros((3, 4), dtype=F)
    r = np.add(ga.asarray(x), 1, out=gz)
    assert r is gz
    assert_same(gz, x + 1)
    gw = ga.zeros((3, 4), dtype=F)
    r = np.multiply(ga.asarray(x), ga.asarray(y), out=(gw,))
    assert r is gw
    assert_same(gw, x * y)


def test_out_in_place_and_casting(xy):
    x, y = xy
    gx = ga.asarray(x)
    np.multiply(gx, 3, out=gx)
    assert_same(gx, x * 3)
    # float32 result into a float64 output: cast on write, as NumPy
    if HAS64:
        g64 = ga.zeros((3, 4), dtype=np.float64)
        np.subtract(ga.asarray(x), ga.asarray(y), out=g64)
        e64 = np.zeros((3, 4), np.float64)
        np.subtract(x, y, out=e64)
        assert_same(g64, e64)
    gi = ga.zeros((3, 4), dtype=np.int32)
    with pytest.raises(TypeError):
        np.add(ga.asarray(x), 1, out=gi)  # float -> int is not same_kind
    with pytest.raises(TypeError):
        np.add(x, 1, out=np.zeros((3, 4), np.int32))
    np.add(ga.asarray(x), 1, out=gi, casting="unsafe")
    assert_same(gi, (x + 1).astype(np.int32))
    with pytest.raises(ValueError):
        np.add(ga.asarray(x), 1, out=ga.zeros((4,), dtype=F))


def test_out_broadcast_into_larger_output(rng):
    x = sample((4,), F, rng)
    gz = ga.zeros((2, 4), dtype=F)
    np.negative(ga.asarray(x), out=gz)
    assert_same(gz, np.broadcast_to(-x, (2, 4)))


def test_host_out_with_device_inputs(xy):
    x, y = xy
    o = np.zeros((3, 4), F)
    r = np.add(ga.asarray(x), ga.asarray(y), out=o)
    assert r is o
    np.testing.assert_allclose(o, x + y, rtol=2e-6)


def test_where_with_out(xy, rng):
    x, y = xy
    mask = rng.random((3, 4)) < 0.5
    gz = ga.asarray(np.full((3, 4), 7.0, F))
    r = np.add(ga.asarray(x), ga.asarray(y), out=gz, where=ga.asarray(mask))
    expect = np.full((3, 4), 7.0, F)
    np.add(x, y, out=expect, where=mask)
    assert r is gz
    assert_same(gz, expect)
    # a host mask, broadcast along rows
    row = np.array([True, False, True, False])
    gz = ga.asarray(np.full((3, 4), -1.0, F))
    expect = np.full((3, 4), -1.0, F)
    np.exp(x, out=expect, where=row)
    np.exp(ga.asarray(x), out=gz, where=row)
    assert_same(gz, expect)


def test_where_without_out(xy, rng):
    x, y = xy
    mask = rng.random((3, 4)) < 0.5
    got = np.multiply(ga.asarray(x), ga.asarray(y), where=mask)
    assert isinstance(got, ga.GpuArray) and got.shape == (3, 4) and got.dtype == F
    np.testing.assert_allclose(got.get()[mask], (x * y)[mask], rtol=2e-6)


def test_where_without_out_warns_at_the_callers_line(xy, rng):
    # as NumPy's own warning: the line that called the ufunc, through either entry point
    x, y = xy
    mask = rng.random((3, 4)) < 0.5
    for call in (lambda: np.multiply(ga.asarray(x), ga.asarray(y), where=mask),
                 lambda: ga.multiply(ga.asarray(x), ga.asarray(y), where=ga.asarray(mask))):
        with pytest.warns(UserWarning, match="without 'out'") as rec:
            got = call()
        assert [w.filename for w in rec] == [__file__]
        np.testing.assert_allclose(got.get()[mask], (x * y)[mask], rtol=2e-6)


def test_dtype_argument(rng):
    a = sample((6,), np.int32, rng, low=1, high=50)
    b = sample((6,), np.int32, rng, low=1, high=50)
    ga_, gb = ga.asarray(a), ga.asarray(b)
    assert_same(np.add(ga_, gb, dtype=F), np.add(a, b, dtype=F))
    assert_same(np.sqrt(ga_, dtype=F), np.sqrt(a, dtype=F))
    assert_same(np.divide(ga_, gb, dtype=F), np.divide(a, b, dtype=F))
    x = sample((6,), F, rng)
    assert_same(np.multiply(ga.asarray(x), 3, dtype=F), np.multiply(x, 3, dtype=F))
    with pytest.raises(TypeError):
        np.add(a, b, dtype=np.int16, casting="safe")
    with pytest.raises(TypeError):
        np.add(ga_, gb, dtype=np.int16, casting="safe")
    assert_same(np.add(ga_, gb, dtype=np.int16, casting="unsafe"), np.add(a, b, dtype=np.int16, casting="unsafe"))


def test_divmod_and_matmul_ufuncs(rng):
    a = sample((5,), F, rng, low=-9, high=9)
    b = sample((5,), F, rng, low=1, high=4)
    q, r = np.divmod(ga.asarray(a), ga.asarray(b))
    eq, er = np.divmod(a, b)
    assert_same(q, eq)
    assert_same(r, er, atol=1e-6)
    q2, r2 = ga.divmod(ga.asarray(a), 3)
    assert_same(q2, np.floor_divide(a, 3))
    assert_same(r2, np.remainder(a, 3), atol=1e-6)
    m1, m2 = sample((3, 5), F, rng, low=-1, high=1), sample((5, 2), F, rng, low=-1, high=1)
    assert_same(np.matmul(ga.asarray(m1), ga.asarray(m2)), m1 @ m2, rtol=1e-5, atol=1e-6)
    assert_same(ga.asarray(m1) @ m2, m1 @ m2, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------- reduce / accumulate
@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "minimum"])
def test_ufunc_reduce(name, rng):
    x = sample((4, 5), F, rng, low=0.5, high=2)
    f = getattr(np, name)
    gx = ga.asarray(x)
    assert_same(f.reduce(gx), f.reduce(x), rtol=1e-5)  # default axis=0
    assert_same(f.reduce(gx, axis=1, keepdims=True), f.reduce(x, axis=1, keepdims=True), rtol=1e-5)
    assert_same(f.reduce(gx, axis=None), f.reduce(x, axis=None), rtol=1e-5)


def test_maximum_reduce_axis0(rng):
    x = sample((6, 3), F, rng)
    assert_same(np.maximum.reduce(ga.asarray(x), axis=0), np.maximum.reduce(x, axis=0))


def test_ufunc_reduce_dtype_out_and_logical(rng):
    i = sample((3, 4), np.int16, rng)
    gi = ga.asarray(i)
    assert_same(np.add.reduce(gi, axis=1), np.add.reduce(i, axis=1))
    assert_same(np.add.reduce(gi, axis=1, dtype=F), np.add.reduce(i, axis=1, dtype=F))
    b = rng.random((3, 4)) < 0.6
    gb = ga.asarray(b)
    assert_same(np.logical_and.reduce(gb, axis=1), np.logical_and.reduce(b, axis=1))
    assert_same(np.logical_or.reduce(gb, axis=0), np.logical_or.reduce(b, axis=0))
    x = sample((3, 4), F, rng)
    gout = ga.zeros((4,), dtype=F)
    r = np.add.reduce(ga.asarray(x), axis=0, out=gout)
    assert r is gout
    assert_same(gout, np.add.reduce(x, axis=0), rtol=1e-5)


@pytest.mark.parametrize("name", ["add", "multiply"])
def test_ufunc_accumulate(name, rng):
    x = sample((4, 3), F, rng, low=0.5, high=1.5)
    f = getattr(np, name)
    assert_same(f.accumulate(ga.asarray(x)), f.accumulate(x), rtol=1e-5)
    assert_same(f.accumulate(ga.asarray(x), axis=1), f.accumulate(x, axis=1), rtol=1e-5)


# ---------------------------------------------------------------------------- host fallbacks of ufuncs
def test_ufunc_at_and_outer_on_device(rng, fresh_fallback):
    x = sample((6,), F, rng)
    gx = ga.asarray(x)
    idx = np.array([0, 2, 2, 5])
    with ga.stats() as s:
        np.add.at(gx, idx, 1.5)
        outer = np.multiply.outer(ga.asarray(x[:3]), ga.asarray(x[:2]))
    e = x.copy()
    np.add.at(e, idx, 1.5)
    assert_same(gx, e)
    assert_same(outer, np.multiply.outer(x[:3], x[:2]))
    assert not s.fallbacks  # an updating scatter and a broadcast (tests/test_ufunc_objects.py)


def test_ufunc_without_kernel_falls_back_with_tuple_result(rng, fresh_fallback):
    x = sample((5,), F, rng)
    outs = (ga.empty((5,), dtype=F), ga.empty((5,), dtype=np.int32))
    with ga.stats() as s, pytest.warns(ga.FallbackWarning, match="frexp"):
        m, e = np.frexp(ga.asarray(x), out=outs)  # (frexp with out=: NumPy's on the host)
    em, ee = np.frexp(x)
    assert m is outs[0] and e is outs[1]
    assert_same(m, em)
    assert_same(e, ee)
    assert s.fallbacks == {"frexp": 1}


# ---------------------------------------------------------------------------- __array_function__
def test_numpy_functions_dispatch(rng):
    x = sample((4, 6), F, rng)
    y = sample((2, 6), F, rng)
    gx, gy = ga.asarray(x), ga.asarray(y)
    with ga.stats() as s:
        results = [
            (np.mean(gx), np.mean(x)),
            (np.concatenate([gx, gy]), np.concatenate([x, y])),
            (np.concatenate((gx, gy), 0), np.concatenate((x, y), 0)),
            (np.linalg.norm(gx), np.linalg.norm(x)),
            (np.linalg.norm(gx, axis=0), np.linalg.norm(x, axis=0)),
            (np.sum(gx, axis=1, keepdims=True), np.sum(x, axis=1, keepdims=True)),
            (np.sum(gx, 0, F), np.sum(x, 0, F)),
            (np.transpose(gx), np.transpose(x)),
            (np.transpose(ga.asarray(x.reshape(2, 3, 4)), (1, 0, 2)), np.transpose(x.reshape(2, 3, 4), (1, 0, 2))),
            (np.reshape(gx, (3, 8)), np.reshape(x, (3, 8))),
            (np.reshape(gx, shape=(-1,)), np.reshape(x, shape=(-1,))),
            (np.clip(gx, -1, 1), np.clip(x, -1, 1)),
            (np.clip(gx, a_min=0, a_max=None), np.clip(x, a_min=0, a_max=None)),
            (np.clip(gx, min=-0.5, max=2), np.clip(x, min=-0.5, max=2)),
            (np.where(gx > 0, gx, 0.0), np.where(x > 0, x, 0.0)),
            (np.std(gx, axis=0, ddof=1), np.std(x, axis=0, ddof=1)),
            (np.max(gx, axis=1), np.max(x, axis=1)),
            (np.argmax(gx, axis=0), np.argmax(x, axis=0)),
            (np.diagonal(ga.asarray(x[:, :4])), np.diagonal(x[:, :4])),
            (np.squeeze(ga.asarray(x[None])), np.squeeze(x[None])),
            (np.expand_dims(gx, 1), np.expand_dims(x, 1)),
            (np.stack([gx, gx], axis=1), np.stack([x, x], axis=1)),
            (np.cumsum(gx, axis=1), np.cumsum(x, axis=1)),
            (np.round(gx, 2), np.round(x, 2)),
            (np.dot(gx, gy.T), np.dot(x, y.T)),
            (np.astype(gx, np.int32), np.astype(x, np.int32)),
        ]
    for got, expect in results:
        assert_same(got, expect, rtol=1e-5, atol=1e-6)
    assert s.fallbacks == {}


def test_numpy_trace_keeps_numpy_axes(rng):
    x = sample((3, 4, 5), F, rng)
    gx = ga.asarray(x)
    assert_same(np.trace(gx), np.trace(x), rtol=1e-5)  # axes 0 and 1 (not the last two)
    assert_same(np.trace(gx, offset=1, axis1=1, axis2=2), np.trace(x, offset=1, axis1=1, axis2=2), rtol=1e-5)


def test_creation_with_like(rng):
    gx = ga.asarray(sample((3,), F, rng))
    for got, expect in [(np.zeros((2, 3), dtype=F, like=gx), np.zeros((2, 3), F)),
                        (np.full((2,), 5, dtype=np.int32, like=gx), np.full((2,), 5, np.int32)),
                        (np.arange(5, like=gx), np.arange(5)),
                        (np.ones_like(gx), np.ones_like(gx.get()))]:
        assert_same(got, expect)


def test_shape_queries_and_comparisons(rng):
    x = sample((3, 4), F, rng)
    gx = ga.asarray(x)
    assert np.shape(gx) == (3, 4) and np.ndim(gx) == 2 and np.size(gx) == 12 and np.size(gx, 1) == 4
    y = x.copy()
    y[0, 0] += 1e-6
    y[1, 1] = np.nan
    x2 = x.copy()
    x2[1, 1] = np.nan
    for a, b in [(x2, y), (x, x)]:
        assert_same(np.isclose(ga.asarray(a), ga.asarray(b)), np.isclose(a, b))
        assert_same(np.isclose(ga.asarray(a), ga.asarray(b), equal_nan=True), np.isclose(a, b, equal_nan=True))
        assert np.allclose(ga.asarray(a), ga.asarray(b)) == np.allclose(a, b)
        assert np.allclose(ga.asarray(a), b, equal_nan=True) == np.allclose(a, b, equal_nan=True)
        assert np.array_equal(ga.asarray(a), ga.asarray(b)) == np.array_equal(a, b)
        assert np.array_equal(ga.asarray(a), b, equal_nan=True) == np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(gx, ga.asarray(x[:2])) is False
    assert np.array_equiv(gx, ga.asarray(x[:1])) == np.array_equiv(x, x[:1])


def test_copyto(rng):
    x = sample((3, 4), F, rng)
    dst = ga.zeros((3, 4), dtype=F)
    np.copyto(dst, ga.asarray(x))
    assert_same(dst, x)
    mask = rng.random((3, 4)) < 0.5
    dst2, e = ga.zeros((3, 4), dtype=F), np.zeros((3, 4), F)
    np.copyto(dst2, ga.asarray(x), where=ga.asarray(mask))
    np.copyto(e, x, where=mask)
    assert_same(dst2, e)
    with pytest.raises(TypeError):
        np.copyto(ga.zeros((3, 4), dtype=np.int32), ga.asarray(x))


def test_put_writes_back(rng):
    x = sample((6,), F, rng)
    gx = ga.asarray(x)
    np.put(gx, [0, 3], [5.0, 6.0])
    np.put(x, [0, 3], [5.0, 6.0])
    assert_same(gx, x)


def test_unimplemented_function_fallback(rng, fresh_fallback):
    p = np.cumsum(sample((12,), F, rng, low=0, high=4)).astype(F)
    gp = ga.asarray(p)
    with ga.stats() as s:
        with pytest.warns(ga.FallbackWarning, match="einsum_path"):
            got = np.einsum_path("i,i->", gp, gp)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # warned once per name: no second warning
            got2 = np.einsum_path("i,j->ij", gp[::2], gp[:3])
    assert got == np.einsum_path("i,i->", p, p)
    assert got2 == np.einsum_path("i,j->ij", p[::2], p[:3])
    assert s.fallbacks == {"einsum_path": 2}
    u = np.linspace(1, 2, 2100).astype(F)
    with ga.stats() as s2:
        c = np.polydiv(ga.asarray(u), ga.asarray(np.array([2.0, 1.0], F)))[0]  # a quotient past 2048: NumPy's on the host
    np.testing.assert_allclose(c.get(), np.polydiv(u, np.array([2.0, 1.0], F))[0], rtol=1e-4, atol=1e-5)
    assert isinstance(c, ga.GpuArray) and s2.fallbacks == {"polydiv": 1}
    with ga.stats() as s3:
        v = ga.einsum_path("i,j->ij", gp[:3], gp[:2])  # a namespace name without a kernel: the same counted fallback
    assert v == np.einsum_path("i,j->ij", p[:3], p[:2])
    assert s3.fallbacks == {"einsum_path": 1}
    ga.set_fallback("raise")
    with pytest.raises(ga.FallbackError):
        np.einsum_path("i,i->", gp, gp)
    with pytest.raises(ga.FallbackError):
        np.float_power.reduce(gp)  # a ufunc method without a device path
    with pytest.raises(ga.FallbackError):
        ga.einsum_path("i,i->", gp, gp)


def test_fallback_converts_nested_arguments_and_tuple_results(rng, fresh_fallback):
    from gpuarray._api.interop import host_fallback

    a, b = sample((2, 3), F, rng), sample((1, 3), F, rng)
    with ga.stats() as s:
        r = host_fallback(np.vstack, "vstack", ([ga.asarray(a), ga.asarray(b)],), {})
        h, edges = np.histogram(ga.asarray(a), bins=4)
    assert_same(r, np.vstack([a, b]))
    eh, ee = np.histogram(a, bins=4)
    assert_same(h, eh)
    assert_same(edges, ee, rtol=1e-6)
    assert s.fallbacks.get("vstack") == 1


# ---------------------------------------------------------------------------- the drop-in namespace
# names the workloads and typical NumPy scripts use
NAMESPACE_NAMES = """
float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 bool_ complex64 complex128 intp
int_ uint intc half single double csingle cdouble
pi e inf nan newaxis euler_gamma random linalg ndarray dtype generic number integer floating inexact
signedinteger unsignedinteger complexfloating
asarray array asanyarray ascontiguousarray copy zeros ones empty full zeros_like ones_like empty_like full_like
arange linspace eye identity meshgrid tril triu diag
reshape ravel transpose swapaxes moveaxis squeeze expand_dims broadcast_to broadcast_arrays broadcast_shapes
concatenate stack hstack vstack split flip roll tile repeat where clip
sum prod mean std var min max amin amax argmin argmax cumsum cumprod any all ptp average median
abs absolute sqrt exp log log2 log10 log1p expm1 sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh
floor ceil round around rint sign maximum minimum add subtract multiply divide power square hypot
isnan isinf isfinite isposinf isneginf nan_to_num real imag conj angle
dot matmul outer trace einsum tensordot
sort argsort unique searchsorted nonzero take
isscalar errstate seterr set_printoptions get_printoptions printoptions finfo iinfo can_cast result_type
promote_types issubdtype isdtype shape ndim size allclose isclose array_equal array_equiv iscomplexobj
isrealobj copyto float_power histogram polyfit polyval interp convolve
""".split()


def test_namespace_has_script_names():
    missing = [n for n in NAMESPACE_NAMES if not hasattr(ga, n)]
    assert not missing, f"missing from the gpuarray namespace: {missing}"
    for n in ["float32", "float64", "int32", "uint32", "bool_", "intp", "int_"]:
        assert getattr(ga, n) is getattr(np, n)
    assert ga.pi == np.pi and ga.e == np.e and ga.inf == np.inf and np.isnan(ga.nan) and ga.newaxis is None
    assert ga.ndarray is ga.GpuArray


def test_namespace_dtype_helpers():
    gx = ga.asarray(np.ones(3, F))
    fi, ref = ga.finfo(F), np.finfo(F)
    assert (fi.bits, fi.eps, fi.max, fi.min, fi.smallest_normal) == (ref.bits, ref.eps, ref.max, ref.min, ref.smallest_normal)
    assert fi.dtype == np.dtype(F) and ga.finfo(gx).eps == ref.eps
    assert ga.iinfo(np.int16).max == 32767 and ga.iinfo(ga.asarray(np.ones(2, np.uint8))).max == 255
    assert ga.can_cast(np.int16, np.float32) and not ga.can_cast(np.float64, np.float32)
    assert ga.can_cast(gx, np.float64) and not ga.can_cast(gx, np.int32, casting="same_kind")
    assert ga.result_type(gx, 1.0) == np.float32 and ga.result_type(np.int8, np.uint8) == np.int16
    assert ga.promote_types(np.int8, np.uint8) == np.int16
    assert ga.issubdtype(gx.dtype, np.floating) and not ga.issubdtype(np.int32, np.floating)
    assert ga.isdtype(np.float32, "real floating") and ga.isdtype(gx, "numeric") and not ga.isdtype(np.int8, "bool")
    assert ga.isscalar(3.0) and not ga.isscalar(gx)
    assert ga.shape(gx) == (3,) and ga.ndim(gx) == 1 and ga.size(gx) == 3 and ga.shape([[1, 2]]) == (1, 2)
    assert ga.iscomplexobj(ga.asarray(np.ones(2, np.complex64))) and ga.isrealobj(gx)


def test_namespace_errstate_and_printoptions():
    gx = ga.asarray(np.array([1.0, 0.0, -1.0], F))
    with ga.errstate(divide="raise", invalid="raise"):
        with pytest.raises(FloatingPointError):  # checked as NumPy would (see _errstate)
            1.0 / gx
    r = 1.0 / gx  # the default state: IEEE results, NumPy's values
    assert_same(r, np.array([1.0, np.inf, -1.0], F))
    with ga.printoptions(precision=2):
        s = repr(ga.asarray(np.array([1.23456], F)))
    assert "1.23" in s and "1.2345" not in s
    assert ga.get_printoptions()["precision"] == np.get_printoptions()["precision"]


def test_namespace_device_functions(rng):
    x = sample((3, 4), F, rng, special=True)
    gx = ga.asarray(x)
    assert_same(ga.isposinf(gx), np.isposinf(x))
    assert_same(ga.isneginf(gx), np.isneginf(x))
    assert_same(ga.nan_to_num(gx), np.nan_to_num(x))
    assert_same(ga.nan_to_num(gx, nan=-1.0, posinf=9.0, neginf=-9.0), np.nan_to_num(x, nan=-1.0, posinf=9.0, neginf=-9.0))
    v = sample((4,), F, rng)
    w = sample((3,), F, rng)
    assert_same(ga.outer(ga.asarray(v), ga.asarray(w)), np.outer(v, w))
    for k in (0, 1, -2):
        assert_same(ga.diag(ga.asarray(v), k), np.diag(v, k))
        assert_same(ga.diag(gx, k), np.diag(x, k))
    y = sample((3, 4), F, rng)
    assert_same(ga.ptp(ga.asarray(y), axis=1), np.ptp(y, axis=1))
    c = ga.copy(ga.asarray(y))
    assert_same(c, y)
    if HAS64:
        a = sample((5,), np.int32, rng, low=1, high=5)
        assert_same(ga.float_power(ga.asarray(a), 2), np.float_power(a, 2))
        assert_same(ga.float_power(ga.asarray(v), 3.0), np.float_power(v, 3.0))


def test_drop_in_script():
    """A small script written for NumPy, run with ``np`` bound to gpuarray."""

    def script(np):
        t = np.linspace(0, 2 * np.pi, 64, dtype=np.float32)
        sig = np.sin(3 * t) + 0.5 * np.cos(5 * t)
        sig = sig[:, np.newaxis] * np.ones((1, 3), dtype=np.float32)
        energy = np.sum(sig ** 2, axis=0) / sig.shape[0]
        z = (sig - np.mean(sig, axis=0)) / (np.std(sig, axis=0) + np.finfo(np.float32).eps)
        clipped = np.clip(z, -1.5, 1.5)
        return energy, np.abs(clipped).max(), np.where(clipped > 0, 1, -1).sum(), np.allclose(z.mean(axis=0), 0, atol=1e-5)

    ref = script(np)
    got = script(ga)
    assert_same(got[0], ref[0], rtol=1e-5)
    np.testing.assert_allclose(float(got[1]), float(ref[1]), rtol=1e-5)
    assert int(got[2]) == int(ref[2])
    assert got[3] == ref[3]
