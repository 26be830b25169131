"""NumPy names the namespace lacked: type objects and tables, ``fabs``/``fix``/``asfortranarray``/
``require``/``common_type`` on the device, ``vectorize`` and date/polynomial helpers as counted fallbacks,
the modules ``char``, ``strings``, ``rec``, ``core.records``, ``ma``, ``polynomial``, ``lib.array_utils``,
``lib.scimath``, and the Generator's other distributions; each against NumPy."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_same, sample

import gpuarray as ga


@pytest.fixture(autouse=True)
def silent():
    old = ga.get_fallback()
    ga.set_fallback("silent")
    yield
    ga.set_fallback(old)


@pytest.mark.parametrize("name", ["datetime64", "timedelta64", "void", "str_", "bytes_", "object_", "character",
                                  "flexible", "record", "long", "ulong", "longdouble", "clongdouble", "recarray",
                                  "ScalarType", "sctypeDict", "typecodes", "busdaycalendar", "broadcast", "flatiter"])
def test_numpy_types_and_tables(name):
    assert getattr(ga, name) is getattr(np, name)


def test_type_objects_make_host_arrays():
    for t, data in ((ga.str_, ["ab", "c"]), (ga.bytes_, [b"x"]), (ga.object_, [1, None]),
                    (ga.datetime64, ["2021-05-06"]), (ga.timedelta64, [5])):
        got = ga.array(data, dtype=t)
        want = np.array(data, dtype=t)
        assert type(got) is np.ndarray and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert ga.datetime64("2020-02-29") + ga.timedelta64(1, "D") == np.datetime64("2020-03-01")


FLOATS = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", FLOATS + [np.int8, np.int32, np.uint16, np.bool_])
def test_fabs_and_fix(dtype, rng):
    x = sample((3, 7), dtype, rng, special=True) if dtype in FLOATS else sample((3, 7), dtype, rng)
    if dtype in FLOATS:
        x.flat[:4] = [-0.5, 0.5, -0.0, -2.5]
    g = ga.asarray(x)
    with ga.stats() as s:
        assert_same(ga.fabs(g), np.fabs(x), signed_zero=True)
        assert_same(ga.fabs(g[:, ::-2]), np.fabs(x[:, ::-2]), signed_zero=True)
        assert_same(ga.fix(g), np.fix(x), signed_zero=True)
        assert_same(ga.fix(g[1]), np.fix(x[1]), signed_zero=True)
        assert_same(ga.fix(g[0, 0]), np.fix(x[0, 0]), signed_zero=True)
    assert not s.fallbacks
    with pytest.raises(TypeError):
        ga.fabs(ga.asarray(np.array([1 + 2j], np.complex64)))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 5), ()])
def test_asfortranarray_require_common_type(shape, rng):
    x = sample(shape, np.float32, rng)
    g = ga.asarray(x)
    f = ga.asfortranarray(g)
    want = np.asfortranarray(x)
    assert_same(f, want)
    assert f.strides == want.strides
    assert_same(ga.asfortranarray(g.T if g.ndim > 1 else g), np.asfortranarray(x.T))
    r = ga.require(g, np.float64, ["C", "W"])
    assert_same(r, np.require(x, np.float64, ["C", "W"]))
    assert_same(ga.require(g, None, "F"), np.require(x, None, "F"))
    ro = ga.require(ga.asfortranarray(g), None, ["F", "O"])
    assert_same(ro, np.require(np.asfortranarray(x), None, ["F", "O"]))
    assert ro.flags["F_CONTIGUOUS"]
    with pytest.raises(ValueError):
        ga.require(g, None, ["C", "F"])
    assert ga.common_type(g) is np.common_type(x)
    assert ga.common_type(g, ga.asarray(np.ones(2, np.float64))) is np.float64
    assert ga.common_type(ga.asarray(np.ones(2, np.int16))) is np.common_type(np.ones(2, np.int16))


def test_vectorize_and_date_helpers_are_counted():
    x = sample((6,), np.float32)
    g = ga.asarray(x)
    f = lambda v: v * 2 if v > 0 else -v  # noqa: E731
    with ga.stats() as s:
        assert_same(ga.vectorize(f)(g), np.vectorize(f)(x))
        d = np.array(["2020-01-01", "NaT"], dtype="M8[D]")
        np.testing.assert_array_equal(ga.isnat(d).get(), np.isnat(d))
        assert ga.busday_count("2020-01-01", "2020-02-01") == np.busday_count("2020-01-01", "2020-02-01")
        assert_same(ga.polymul(g[:3], g[3:]), np.polymul(x[:3], x[3:]))
        assert_same(ga.bitwise_count(ga.asarray(np.arange(9, dtype=np.uint16))), np.bitwise_count(np.arange(9, dtype=np.uint16)))
    assert s.fallbacks == {"vectorize": 1, "busday_count": 1}  # (isnat, polymul, bitwise_count: device)


def test_string_and_record_modules():
    s = np.array(["ab", "Cde", ""])
    with ga.stats() as st:
        np.testing.assert_array_equal(ga.char.upper(s), np.char.upper(s))
        assert_same(ga.char.str_len(s), np.char.str_len(s))
        assert_same(ga.strings.str_len(s), np.strings.str_len(s))
        r = ga.rec.fromarrays([ga.asarray(np.arange(3)), np.array(["x", "y", "z"])], names="a,b")
    want = np.rec.fromarrays([np.arange(3), np.array(["x", "y", "z"])], names="a,b")
    assert isinstance(r, np.recarray) and r.dtype == want.dtype
    np.testing.assert_array_equal(r.a, want.a)
    assert st.fallbacks == {"char.upper": 1, "char.str_len": 1, "strings.str_len": 1, "rec.fromarrays": 1}
    assert ga.core.records is ga.rec
    import gpuarray.char  # noqa: F401 (importable by name, as NumPy's)
    import gpuarray.core.records  # noqa: F401
    assert_same(r.a * ga.ones(3, dtype=np.int64), want.a * np.ones(3, np.int64))  # a numeric field, on the device


def test_masked_arrays():
    x = sample((7,), np.float32, special=True)
    mask = [0, 1, 0, 0, 1, 0, 0]
    m = ga.ma.masked_array(ga.asarray(x), mask=mask)
    w = np.ma.masked_array(x, mask=mask)
    assert isinstance(m, ga.ma.MaskedArray) and isinstance(m.data, ga.GpuArray)  # on the device
    np.testing.assert_array_equal(m.mask, w.mask)
    np.testing.assert_array_equal((m * 2).filled(-1), (w * 2).filled(-1))
    assert m.sum() == w.sum() or (np.isnan(m.sum()) and np.isnan(w.sum()))
    np.testing.assert_array_equal(ga.ma.filled(m, 0), np.ma.filled(w, 0))
    assert ga.ma.add.reduce(m) == np.ma.add.reduce(w) or np.isnan(np.ma.add.reduce(w))
    assert ga.ma.masked is np.ma.masked


def test_polynomial_module_and_lib():
    c = [1.0, -2.0, 0.5]
    x = sample((5,), np.float64)
    np.testing.assert_allclose(ga.polynomial.polynomial.polyval(ga.asarray(x), c).get(),
                               np.polynomial.polynomial.polyval(x, c))
    assert ga.polynomial.Polynomial is np.polynomial.Polynomial
    assert ga.lib.array_utils.normalize_axis_index(-1, 3) == 2
    assert ga.lib.array_utils.normalize_axis_tuple((0, -1), 3) == (0, 2)
    h = np.arange(4.0)
    assert ga.lib.array_utils.byte_bounds(h) == np.lib.array_utils.byte_bounds(h)
    with pytest.raises(TypeError, match="may_share_memory"):
        ga.lib.array_utils.byte_bounds(ga.asarray(h))
    assert ga.lib.scimath is ga.emath
    assert ga.lib.NumpyVersion is np.lib.NumpyVersion


@pytest.mark.parametrize("name,args,kw", [
    ("gamma", (2.0,), {"size": (3, 4)}), ("poisson", (3.5,), {"size": 5}), ("binomial", (10, 0.3), {"size": 4}),
    ("beta", (0.5, 0.5), {"size": 3}), ("multivariate_normal", ([0.0, 1.0], [[1.0, 0.2], [0.2, 2.0]]), {"size": 3}),
    ("standard_t", (3.0,), {"size": 2}), ("dirichlet", ([1.0, 2.0, 3.0],), {"size": 2}),
])
def test_generator_other_distributions(name, args, kw):
    a = getattr(ga.random.default_rng(5), name)(*args, **kw)
    b = getattr(ga.random.default_rng(5), name)(*args, **kw)
    want = getattr(np.random.default_rng(0), name)(*args, **kw)
    assert isinstance(a, ga.GpuArray) and a.shape == want.shape and a.dtype == want.dtype
    assert_same(a, b.get())  # the same seed replays the same draws
    g = ga.random.default_rng(5)
    first, second = getattr(g, name)(*args, **kw), getattr(g, name)(*args, **kw)
    assert not np.array_equal(first.get(), second.get())  # the stream advances
