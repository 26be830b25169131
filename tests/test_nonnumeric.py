"""Non-numeric dtypes through ``import gpuarray as np``: strings, bytes, objects, structured records
and dates are NumPy arrays on the host (counted fallbacks, warned once, refused under
``set_fallback("raise")``); numeric fields and views of them come to the device with GpuArrays."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import assert_same, sample

import gpuarray as ga

REC = [("x", "f4"), ("y", "i4"), ("v", "f8", (2,))]


def _same_host(got, expected):
    assert type(got) is np.ndarray and got.dtype == expected.dtype and got.shape == expected.shape
    if expected.dtype.hasobject:
        np.testing.assert_array_equal(got, expected)
    else:  # the same bytes (NaN and -0.0 inside records included)
        assert got.tobytes() == expected.tobytes()


CASES = [
    ("array", (["a", "bcd", ""],), {}),
    ("array", ([1, 2, 35],), {"dtype": "U5"}),
    ("array", ([b"ab", b"c"],), {"dtype": "S3"}),
    ("array", ([1, "a", None, 2.5],), {"dtype": object}),
    ("array", ([[1, None], [3, 4]],), {}),
    ("asarray", ([(1.5, 2, (3.0, 4.0)), (-0.0, -7, (np.nan, np.inf))],), {"dtype": REC}),
    ("array", (["2020-01-01", "2021-03-04T05:06:07", "NaT"],), {"dtype": "datetime64[s]"}),
    ("array", ([1, -2, 3],), {"dtype": "timedelta64[ms]"}),
    ("zeros", (3,), {"dtype": [("x", "f4"), ("y", "i4")]}),
    ("ones", ((2, 3),), {"dtype": "U2"}),
    ("zeros", (0,), {"dtype": "S4"}),
    ("full", ((2, 2), "ab"), {}),
    ("full", (3, np.datetime64("2020-02-29")), {}),
    ("arange", ("2020-01-30", "2020-02-03"), {"dtype": "datetime64[D]"}),
    ("asanyarray", (np.array(["x", "yz"]),), {}),
    ("ascontiguousarray", (np.array(["x", "yz", "w"])[::2],), {}),
]


@pytest.mark.parametrize("name,args,kw", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_creation_gives_numpy_on_host(name, args, kw, fresh_fallback):
    expected = getattr(np, name)(*args, **kw)
    with ga.stats() as s, warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        got = getattr(ga, name)(*args, **kw)
    _same_host(got, expected)
    assert s.fallbacks == {name: 1}
    assert [x.category for x in w] == [ga.FallbackWarning]
    with warnings.catch_warnings(record=True) as w:  # warned once per function
        warnings.simplefilter("always")
        getattr(ga, name)(*args, **kw)
    assert not [x for x in w if x.category is ga.FallbackWarning]
    ga.set_fallback("raise")
    with pytest.raises(ga.FallbackError):
        getattr(ga, name)(*args, **kw)


@pytest.mark.parametrize("like", ["zeros_like", "ones_like", "empty_like", "full_like"])
def test_like_functions(like, fresh_fallback):
    src = np.array([["a", "b"], ["c", "d"]])
    args = (src, "q") if like == "full_like" else (src,)
    got = getattr(ga, like)(*args)
    expected = getattr(np, like)(*args)
    assert type(got) is np.ndarray and got.dtype == expected.dtype and got.shape == expected.shape
    if like != "empty_like":
        np.testing.assert_array_equal(got, expected)
    # a device prototype promises a device result: refused with TypeError, which array libraries
    # (dask's argmin/argmax chunks) catch to go on without records
    g = ga.asarray(sample((2, 3), np.float32))
    with pytest.raises(TypeError, match="does not support dtype"):
        getattr(ga, like)(*((g, 1) if like == "full_like" else (g,)), dtype=[("v", "f4"), ("i", "i8")])
    with pytest.raises(TypeError):
        getattr(np, like)(*((g, 1) if like == "full_like" else (g,)), dtype="U3")


def test_numeric_cases_unchanged(fresh_fallback):
    with ga.stats() as s:
        a = ga.array([1.5, -2.0, 3.25])
        z = ga.zeros(3, dtype="f4")
        f = ga.full((2,), 7, dtype=np.int16)
    assert s.fallbacks == {}
    assert_same(a, np.array([1.5, -2.0, 3.25]))
    assert_same(z, np.zeros(3, "f4"))
    assert_same(f, np.full((2,), 7, np.int16))
    with pytest.raises(TypeError):  # NumPy's errors stay errors
        ga.zeros(3, dtype="not a dtype")
    with pytest.raises(TypeError):
        ga.arange(1j)


def test_fields_and_views_come_to_the_device(rng, fresh_fallback):
    x = sample((7,), np.float32, rng)
    y = sample((7,), np.int32, rng)
    h = np.zeros(7, dtype=REC)
    h["x"], h["y"] = x, y
    h["v"] = sample((7, 2), np.float64, rng)
    r = ga.array(h)
    _same_host(r, h)
    ones = ga.ones(7)
    got = r["x"] * ones
    assert_same(got, h["x"] * np.ones(7))
    assert_same(ga.add(r["y"][::2], ga.asarray(x[::2])), h["y"][::2] + x[::2])
    assert_same(ga.sum(r["v"], axis=1), h["v"].sum(axis=1))
    assert_same(r["v"][:, 1] - ga.asarray(h["v"][:, 0]), h["v"][:, 1] - h["v"][:, 0])
    t = ga.array(["2020-01-01", "2020-01-05"], dtype="datetime64[D]")
    assert_same(t.view("i8") + ga.ones(2, dtype=np.int64), t.view("i8") + 1)
    # a string array's numeric results (lengths) come to the device
    s = ga.array(["a", "bcd", ""])
    assert_same(ga.char.str_len(s), np.char.str_len(np.array(["a", "bcd", ""])))


def test_host_functions_of_host_arrays(fresh_fallback):
    s = ga.array(["b", "a", "c", "a"])
    u = ga.unique(s)  # a NumPy function of a host array: NumPy's
    np.testing.assert_array_equal(np.asarray(u), np.unique(np.array(["b", "a", "c", "a"])))
    np.testing.assert_array_equal(np.asarray(ga.char.upper(s)), np.char.upper(np.array(["b", "a", "c", "a"])))


@pytest.mark.parametrize("dtype", [str, "U3", "S8", object, "datetime64[s]", "timedelta64[D]",
                                   [("a", "f4"), ("b", "i8")]])
def test_astype_to_host_dtypes(dtype, rng, fresh_fallback):
    x = sample((2, 5), np.int32, rng)
    g = ga.asarray(x)
    with ga.stats() as s:
        got = g[:, ::2].astype(dtype)
    _same_host(got, x[:, ::2].astype(dtype))
    assert s.fallbacks == {"astype": 1}
    with pytest.raises(TypeError):  # not a dtype: NumPy's TypeError stays
        g.astype("not a dtype")
    ga.set_fallback("raise")
    with pytest.raises(ga.FallbackError):
        g.astype(dtype)
