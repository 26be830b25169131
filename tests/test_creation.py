"""Array creation against NumPy: values, dtypes (NumPy's defaults), shapes, errors."""

import numpy as np
import pytest

import gpuarray as ga
from conftest import ALL_DTYPES, assert_same, sample


# --------------------------------------------------------------------------- asarray
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_asarray_numpy_arrays_every_dtype(dtype):
    for shape in [(), (1,), (7,), (3, 5), (2, 0, 3)]:
        h = sample(shape, dtype)
        assert_same(ga.asarray(h), h)
    h = sample((6, 5), dtype)
    assert_same(ga.asarray(h[::2, ::-1]), h[::2, ::-1])  # a non-contiguous host array
    assert_same(ga.asarray(h.T), h.T)
    assert_same(ga.asarray(h.tolist(), dtype=dtype), np.asarray(h.tolist(), dtype=dtype))


@pytest.mark.parametrize("obj", [5, -7, 2**40, 2**63, 2.5, True, 1 + 2j, [1, 2, 3], [1, 2.5], [[1, 2], [3, 4]],
                                 [True, False], [1, 1j], [], [[]], [[1.5], [2.5]], (3, 4), np.float32(2.5),
                                 np.int8(-3), np.uint16(9), np.bool_(True), np.complex64(1 - 1j)],
                         ids=repr)
def test_asarray_python_objects_get_numpys_dtypes(obj):
    assert_same(ga.asarray(obj), np.asarray(obj))
    assert_same(ga.array(obj), np.array(obj))


def test_asarray_dtype_and_copy():
    h = sample((4, 3), np.float64)
    assert_same(ga.asarray(h, dtype=np.float32), h.astype(np.float32))
    assert_same(ga.asarray([1, 2, 300], dtype=np.int16), np.asarray([1, 2, 300], dtype=np.int16))
    assert_same(ga.asarray(3, dtype=np.uint8), np.asarray(3, dtype=np.uint8))
    assert_same(ga.asarray(h, ndmin=4), np.asarray(h).reshape(1, 1, 4, 3))
    with pytest.raises(OverflowError):
        ga.asarray(300, dtype=np.uint8)
    hs = ga.asarray(np.array(["a", "b"]))  # a host dtype: NumPy's array on the host (tests/test_nonnumeric.py)
    assert type(hs) is np.ndarray and hs.dtype == np.dtype("U1") and list(hs) == ["a", "b"]
    with pytest.raises(TypeError):
        ga.asarray([1 + 2j], dtype=np.float64)
    with pytest.raises(ValueError):
        ga.asarray(h, copy=False)  # host data always needs a copy
    g = ga.asarray(h)
    assert ga.asarray(g) is g
    c = ga.asarray(g, copy=True)
    assert c is not g
    g[0, 0] = -1.0
    assert c.get()[0, 0] == h[0, 0]
    assert_same(ga.asarray(g, dtype=np.int32), np.asarray(g.get(), dtype=np.int32))
    with pytest.raises(ValueError):
        ga.asarray(g, dtype=np.int32, copy=False)
    # nested sequences holding GpuArrays
    assert_same(ga.asarray([g[0], g[1]]), np.asarray([g.get()[0], g.get()[1]]))
    assert_same(ga.asarray([ga.asarray(1.5), 2.0]), np.asarray([1.5, 2.0]))


def test_asarray_float16():
    h = sample((5,), np.float16)
    g = ga.asarray(h)
    assert g.dtype in (np.float16, np.float32)  # stored as float16 where the device supports it
    np.testing.assert_array_equal(g.get().astype(np.float16), h)


def test_ascontiguousarray_and_from_dlpack():
    h = sample((3, 4), np.int32)
    g = ga.asarray(h)
    c = ga.ascontiguousarray(g.T)
    assert c.strides == np.ascontiguousarray(h.T).strides
    assert_same(c, np.ascontiguousarray(h.T))
    assert ga.ascontiguousarray(g) is g
    assert_same(ga.from_dlpack(h), h)
    assert ga.from_dlpack(g) is g
    d = ga.from_dlpack(g, copy=True)
    assert d is not g
    assert_same(d, h)
    assert_same(ga.asarray(np.from_dlpack(g)), h)  # exported through DLPack and back


# --------------------------------------------------------------------- filled arrays
@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_fills_every_dtype(dtype):
    for shape in [(), (5,), (3, 7), (0, 2)]:
        assert_same(ga.zeros(shape, dtype=dtype), np.zeros(shape, dtype=dtype))
        assert_same(ga.ones(shape, dtype=dtype), np.ones(shape, dtype=dtype))
        assert_same(ga.full(shape, 3, dtype=dtype), np.full(shape, 3, dtype=dtype))
        e = ga.empty(shape, dtype=dtype)
        assert (e.shape, e.dtype) == (shape, np.dtype(dtype))
    h = sample((2, 3), dtype)
    g = ga.asarray(h)
    for name in ("zeros_like", "ones_like"):
        assert_same(getattr(ga, name)(g), getattr(np, name)(h))
    assert_same(ga.full_like(g, 1), np.full_like(h, 1))
    assert_same(ga.full_like(h, 1, shape=(4,)), np.full_like(h, 1, shape=(4,)))
    assert ga.empty_like(g).dtype == h.dtype and ga.empty_like(g).shape == h.shape


def test_full_values_and_defaults():
    for v in [7, -2.5, True, 1 + 1j, np.float32(1.5), np.int16(-4), 2**63]:
        assert_same(ga.full((2, 3), v), np.full((2, 3), v))
    assert_same(ga.full(4, 2.7, dtype=np.int32), np.full(4, 2.7, dtype=np.int32))
    assert_same(ga.full((2, 3), [1, 2, 3]), np.full((2, 3), [1, 2, 3]))
    assert_same(ga.full((2, 3), ga.asarray([1.5, 2, 3])), np.full((2, 3), [1.5, 2, 3]))
    assert_same(ga.full((3,), ga.asarray(4.0), dtype=np.int8), np.full((3,), 4.0, dtype=np.int8))
    assert_same(ga.zeros(3), np.zeros(3))
    assert_same(ga.ones((2, 2)), np.ones((2, 2)))
    assert_same(ga.full_like([1, 2], 0.5), np.full_like([1, 2], 0.5))
    with pytest.raises(OverflowError):
        ga.full(3, 300, dtype=np.uint8)
    with pytest.raises(ValueError, match="negative dimensions"):
        ga.zeros((2, -1))
    with pytest.raises(TypeError):
        ga.zeros((2, 1.5))
    h = ga.zeros(3, dtype="U3")  # a host dtype: NumPy's array on the host (tests/test_nonnumeric.py)
    assert type(h) is np.ndarray and h.dtype == np.dtype("U3") and h.shape == (3,)


def test_fill_values_do_not_recompile():
    ga.full((5, 3), 1.0)
    with ga.stats() as s:
        for n, v in [(7, 2.0), (100, -3.5), (1, 8.25)]:
            g = ga.full((n, 3), v)
            assert_same(g, np.full((n, 3), v))
    assert s.kernels_compiled == 0 and s.bytes_to_device == 0


# ---------------------------------------------------------------------------- ranges
@pytest.mark.parametrize("args", [(10,), (0,), (-3,), (2, 11, 3), (5, 1, -1), (-3, 3, -1), (1, 1), (0.5, 5),
                                  (0.1, 1, 0.3), (5, 1, -1.5), (0, 1000, 0.37), (-2.5, 2.5, 0.5), (np.float32(1), 3),
                                  (np.int8(3),), (np.uint8(2), 9, 2), (True, 4), (3.0,)], ids=repr)
def test_arange(args):
    assert_same(ga.arange(*args), np.arange(*args))  # floats: NumPy's start + i * delta, to rounding


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int32, np.uint32, np.int64, np.float32,
                                   np.float64])
def test_arange_dtype(dtype):
    assert_same(ga.arange(1, 40, 3, dtype=dtype), np.arange(1, 40, 3, dtype=dtype))
    assert_same(ga.arange(20, dtype=dtype), np.arange(20, dtype=dtype))
    if np.dtype(dtype).kind != "u":
        assert_same(ga.arange(5, -6, -2, dtype=dtype), np.arange(5, -6, -2, dtype=dtype))
    assert_same(ga.arange(0.5, 5, 0.7, dtype=dtype), np.arange(0.5, 5, 0.7, dtype=dtype))


def test_arange_more():
    assert_same(ga.arange(2, dtype=bool), np.arange(2, dtype=bool))
    assert_same(ga.arange(0, 10, 0.1, dtype=np.float32), np.arange(0, 10, 0.1, dtype=np.float32))
    assert_same(ga.arange(ga.asarray(4)), np.arange(4))
    with pytest.raises(ZeroDivisionError):
        ga.arange(0, 5, 0)
    with pytest.raises(TypeError):
        ga.arange(3, dtype=bool)
    ga.arange(3)
    with ga.stats() as s:
        for n in (5, 17, 1000):
            r = ga.arange(n * 2, 1, -3)
            assert_same(r, np.arange(n * 2, 1, -3))
    assert s.kernels_compiled == 0 and s.bytes_to_device == 0


@pytest.mark.parametrize("num,endpoint", [(7, True), (7, False), (0, True), (1, True), (1, False), (2, True),
                                          (50, True), (1000, False)])
@pytest.mark.parametrize("start,stop", [(0, 1), (-3.5, 7.25), (2, 2), (1e-3, -1e3), (np.float32(0.1), 9)])
def test_linspace(num, endpoint, start, stop):
    expected = np.linspace(start, stop, num, endpoint=endpoint)
    # start + i * step, to one rounding (a device may fuse the multiply-add); near zero, absolute
    eps = np.finfo(expected.dtype).eps
    scale = max(abs(float(start)), abs(float(stop)))
    assert_same(ga.linspace(start, stop, num, endpoint=endpoint), expected, rtol=2 * eps, atol=2 * eps * scale)


def test_linspace_options():
    r, step = ga.linspace(0, 1, 5, retstep=True)
    er, estep = np.linspace(0, 1, 5, retstep=True)
    assert_same(r, er)
    assert step == estep and type(step) is type(estep)
    r, step = ga.linspace(0, 1, 1, retstep=True)
    assert np.isnan(step)
    for dtype in (np.int16, np.int64, np.uint8, np.float32, np.complex128):
        assert_same(ga.linspace(-3.5, 30, 9, dtype=dtype), np.linspace(-3.5, 30, 9, dtype=dtype))
    assert_same(ga.linspace(1j, 2 + 3j, 4), np.linspace(1j, 2 + 3j, 4))
    assert_same(ga.linspace([0, 1], [2, 5], 3, axis=1), np.linspace([0, 1], [2, 5], 3, axis=1))
    assert_same(ga.linspace(ga.asarray([0.0, -1.0]), 4.0, 5), np.linspace([0.0, -1.0], 4.0, 5))
    with pytest.raises(ValueError, match="non-negative"):
        ga.linspace(0, 1, -1)
    ga.linspace(0, 1, 10)
    with ga.stats() as s:
        for n, a, b in [(11, 2.0, 3.0), (300, -1.0, 5.0)]:
            assert_same(ga.linspace(a, b, n), np.linspace(a, b, n))
    assert s.kernels_compiled == 0 and s.bytes_to_device == 0


# ---------------------------------------------------------------- matrices and grids
@pytest.mark.parametrize("shape,k", [((3,), 0), ((3, 5), 1), ((5, 3), -2), ((4,), 7), ((0,), 0), ((4, 4), -4)])
def test_eye_identity(shape, k):
    assert_same(ga.eye(*shape, k=k), np.eye(*shape, k=k))
    assert_same(ga.eye(*shape, k=k, dtype=np.int8), np.eye(*shape, k=k, dtype=np.int8))
    assert_same(ga.eye(*shape, k=k, dtype=bool), np.eye(*shape, k=k, dtype=bool))
    assert_same(ga.identity(shape[0], dtype=np.complex64), np.identity(shape[0], dtype=np.complex64))
    assert_same(ga.eye(3, 4, 1), np.eye(3, 4, 1))  # k positional, as in NumPy


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_tril_triu_every_dtype(dtype):
    h = sample((4, 5), dtype)
    g = ga.asarray(h)
    for k in (0, 1, -2):
        assert_same(ga.tril(g, k=k), np.tril(h, k=k))
        assert_same(ga.triu(g, k), np.triu(h, k))


def test_tril_triu_shapes():
    h = sample((2, 3, 4), np.float32)
    assert_same(ga.tril(h, -1), np.tril(h, -1))
    assert_same(ga.triu(ga.asarray(h)[:, ::-1], 2), np.triu(h[:, ::-1], 2))
    v = sample((3,), np.int32)
    assert_same(ga.tril(v), np.tril(v))
    assert_same(ga.triu(v, 1), np.triu(v, 1))
    assert_same(ga.tri(3, 4, 1), np.tri(3, 4, 1))
    assert_same(ga.tril(ga.asarray(h) * 2), np.tril(h * 2))  # a lazy input is fused


@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sparse", [False, True])
def test_meshgrid(indexing, sparse):
    x, y, z = np.arange(3), np.linspace(0, 1, 4), sample((2, 1), np.float32)
    for arrays in [(x,), (x, y), (x, y, z)]:
        got = ga.meshgrid(*[ga.asarray(a) for a in arrays], indexing=indexing, sparse=sparse)
        exp = np.meshgrid(*arrays, indexing=indexing, sparse=sparse)
        assert isinstance(got, tuple) and len(got) == len(exp)
        for a, b in zip(got, exp):
            assert_same(a, b)
    assert ga.meshgrid() == ()
    with pytest.raises(ValueError):
        ga.meshgrid(x, indexing="xx")


# ---------------------------------------------------- utilities (copies, comparisons)
def test_copy_and_copyto():
    h = sample((3, 4), np.int16)
    g = ga.asarray(h)
    c = ga.copy(g.T)
    g[...] = 0
    assert_same(c, h.T)
    dst_h = sample((3, 4), np.float32, np.random.default_rng(5))
    dst = ga.asarray(dst_h)
    src = sample((4,), np.int16)
    mask = sample((3, 4), np.bool_)
    ga.copyto(dst, ga.asarray(src), where=ga.asarray(mask))
    np.copyto(dst_h, src, where=mask)
    assert_same(dst, dst_h)
    ga.copyto(dst, 2.5)
    np.copyto(dst_h, 2.5)
    assert_same(dst, dst_h)
    gi = ga.zeros(3, dtype=np.int64)
    with pytest.raises(TypeError, match="same_kind"):
        ga.copyto(gi, 1.5)
    with pytest.raises(TypeError, match="same_kind"):
        ga.copyto(gi, ga.asarray([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError):
        ga.copyto(gi, ga.asarray([1, 2]))
    ga.copyto(gi, ga.asarray([1.9, 2.0, -3.7]), casting="unsafe")
    assert_same(gi, np.array([1.9, 2.0, -3.7]).astype(np.int64))


def test_introspection():
    g = ga.zeros((2, 3, 4), dtype=np.complex64)
    assert ga.shape(g) == (2, 3, 4) and ga.shape([[1, 2]]) == (1, 2)
    assert ga.ndim(g) == 3 and ga.ndim(5) == 0
    assert ga.size(g) == 24 and ga.size(g, 1) == 3 and ga.size(g, (0, 2)) == 8
    assert ga.iscomplexobj(g) and not ga.isrealobj(g) and ga.isrealobj(ga.zeros(2))
    assert ga.isscalar(3.0) and ga.isscalar(np.int8(1)) and not ga.isscalar(ga.asarray(1.0))
    assert not ga.isscalar([1])
    h = np.array([1 + 0j, 2 + 1j, -0j], np.complex128)
    assert_same(ga.iscomplex(ga.asarray(h)), np.iscomplex(h))
    assert_same(ga.isreal(ga.asarray(h)), np.isreal(h))
    assert_same(ga.isreal(ga.asarray([1.5, 2])), np.isreal([1.5, 2]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_isclose_allclose(dtype):
    a = np.array([1.0, 2.0, np.nan, np.inf, -np.inf, 1e-9, 1e3, 0.0]).astype(dtype)
    b = np.array([1.0 + 1e-6, 2.1, np.nan, np.inf, np.inf, 0, 1e3 * (1 + 2e-5), 1e-8]).astype(dtype)
    if np.dtype(dtype).kind == "c":
        with np.errstate(invalid="ignore"):
            a, b = a + 1j * a[::-1], b + 1j * b[::-1]
    ga_, gb = ga.asarray(a), ga.asarray(b)
    for kw in [{}, {"equal_nan": True}, {"rtol": 0.1}, {"atol": 1e-7}]:
        assert_same(ga.isclose(ga_, gb, **kw), np.isclose(a, b, **kw))
        assert ga.allclose(ga_[:2], gb[:2], **kw) == np.allclose(a[:2], b[:2], **kw)
        assert ga.allclose(ga_, ga_, **kw) == np.allclose(a, a, **kw)
    with ga.stats() as s:
        r = ga.isclose(ga_, gb)
        r._leaf()
    assert s.dispatches == 1  # one fused expression


def test_isclose_mixed_and_equal():
    i = np.array([-128, 5, 7], np.int8)
    assert_same(ga.isclose(ga.asarray(i), -128), np.isclose(i, -128))
    assert_same(ga.isclose(ga.asarray(i), ga.asarray(i.astype(np.float32) + 1e-6)), np.isclose(i, i + np.float32(1e-6)))
    assert_same(ga.isclose(1.0, ga.asarray([1.0, 1.1])), np.isclose(1.0, [1.0, 1.1]))
    assert ga.allclose(ga.asarray([1.0, 2.0]), [1.0, 2.0 + 1e-9])
    f = np.array([1.0, np.nan])
    assert ga.array_equal(ga.asarray(f), f) is False
    assert ga.array_equal(ga.asarray(f), f, equal_nan=True) is True
    assert ga.array_equal(ga.asarray([1, 2]), ga.asarray([1, 2, 3])) is False
    assert ga.array_equal(ga.asarray([1, 2]), [1, 2]) is True
    assert ga.array_equal(ga.zeros((0, 2)), ga.zeros((0, 2))) is True
    assert ga.array_equiv(ga.asarray([1, 2]), ga.asarray([[1, 2], [1, 2]])) is True
    assert ga.array_equiv(ga.asarray([1, 2]), ga.asarray([1, 2, 3])) is False


def test_arange_is_computed_where_it_is_read():
    """An index grid built each step (arange(p)[:, None], arange(C)[None, :]) fuses into its
    consumer's kernel: no dispatch or buffer of its own."""
    x = ga.asarray(np.ones((5, 7), np.float32))
    with ga.stats() as s:
        r = ga.arange(5, dtype=ga.uint32)[:, None] * np.uint32(7) + ga.arange(7, dtype=ga.uint32)[None, :]
        got = (r.astype(np.float32) * x).get()
    assert s.dispatches == 1
    np.testing.assert_array_equal(got, (np.arange(5, dtype=np.uint32)[:, None] * 7 + np.arange(7, dtype=np.uint32)).astype(np.float32))
    a = ga.arange(2.5, 19.0, 1.5)
    a[3] = -1.0  # written in place: it gets its buffer then
    h = np.arange(2.5, 19.0, 1.5)
    h[3] = -1.0
    np.testing.assert_array_equal(a.get(), h)
