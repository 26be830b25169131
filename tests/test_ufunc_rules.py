"""NumPy's ufunc rules kept: the keywords (out, where, dtype, casting, order, subok, signature)
through both entry points (``gpuarray.add(...)`` and ``numpy.add(gpuarray...)``), Python
sequences as operands, NumPy's exception classes, errstate, and the dtype/value rules NumPy
applies (float loops of mixed integers, integer powers, NaN into integers, read-only views).

Every check runs NumPy on the same inputs (host copies, outputs poisoned with 7 first) and
compares values, dtypes and exception classes."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from conftest import HAS64

import gpuarray as ga

pytestmark = pytest.mark.skipif(not HAS64, reason="the reference cases use float64/int64")

POISON = 7
SHAPE = (3, 5)


def _inputs(kind):
    """Two operands of SHAPE with NaN, inf, -0.0 and zeros in the second (floats), or signed ints."""
    if kind == "f":
        a = np.array([[1.5, -2.0, np.nan, 4.0, -0.0], [np.inf, 3.0, -1.0, 0.25, 9.0], [2.0, -np.inf, 5.0, 6.0, 1.0]])
        b = np.array([[2.0, 0.0, 1.0, -0.0, 3.0], [1.0, np.nan, 0.0, 4.0, -2.0], [8.0, 2.0, 0.0, np.inf, 1.0]])
    else:
        a = np.array([[3, -7, 12, 5, 1], [0, 9, -4, 6, 2], [11, -1, 8, 3, 100]], np.int32)
        b = np.array([[2, 3, -5, 7, 1], [4, 1, 6, -2, 9], [3, 5, 1, 2, 7]], np.int32)
    return a, b


# (ufunc name, input kind): unary float, unary int, binary, binary that changes dtype, comparison, int only
UFUNCS = [("sqrt", "f"), ("negative", "i"), ("add", "f"), ("divide", "i"), ("less", "f"), ("bitwise_and", "i")]
OUTS = ["none", "fresh", "alias0", "alias1", "view"]
WHERES = ["none", "full", "bcast", "True", "False"]
DTYPES = [None, "f4", "i8"]
CASTINGS = [None, "same_kind", "unsafe", "no", "equiv", "safe"]


def _natural(name, kind):
    a, b = _inputs(kind)
    f = getattr(np, name)
    with np.errstate(all="ignore"):
        return (f(a) if f.nin == 1 else f(a, b)).dtype


def _case(xp_is_np, name, kind, out_kind, where_kind, dtype, casting, via):
    """Run one call; returns (value arrays to compare, exception class) for NumPy (xp_is_np) or gpuarray."""
    a, b = _inputs(kind)
    f = getattr(np, name)
    nat = _natural(name, kind) if dtype is None else np.dtype(dtype)
    mask = np.array([[True, False, True, True, False], [False, True, True, False, True], [True, True, False, False, True]])
    conv = (lambda x: x) if xp_is_np else ga.asarray
    ins = [conv(a.copy()), conv(b.copy())][: f.nin]
    big = np.full((SHAPE[0], 2 * SHAPE[1]), POISON, nat)
    keep = None
    if out_kind == "fresh":
        out = conv(np.full(SHAPE, POISON, nat))
    elif out_kind == "alias0":
        out = ins[0]
    elif out_kind == "alias1":
        if f.nin < 2:
            return None
        out = ins[1]
    elif out_kind == "view":
        keep = conv(big)
        out = keep[:, ::2]
    else:
        out = None
    kw = {}
    if out is not None:
        kw["out"] = out
    if where_kind == "full":
        kw["where"] = conv(mask)
    elif where_kind == "bcast":
        kw["where"] = conv(mask[1])
    elif where_kind in ("True", "False"):
        kw["where"] = where_kind == "True"
    if dtype is not None:
        kw["dtype"] = dtype
    if casting is not None:
        kw["casting"] = casting
    fn = f if (xp_is_np or via == "numpy") else getattr(ga, name)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fn(*ins, **kw)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return None, type(e)
    if out is not None:
        assert res is out
        vals = [keep if keep is not None else out]
    elif where_kind in ("none", "True"):
        vals = [res]
    else:  # a fresh output under where: only the selected elements are defined (NumPy leaves the rest)
        m = np.broadcast_to(mask if where_kind == "full" else (mask[1] if where_kind == "bcast" else False), res.shape)
        vals = [np.asarray(res)[m]]
    return [np.asarray(v.get() if isinstance(v, ga.GpuArray) else v) for v in vals], None


def _check(name, kind, out_kind, where_kind, dtype, casting, via):
    want = _case(True, name, kind, out_kind, where_kind, dtype, casting, via)
    if want is None:
        return
    got = _case(False, name, kind, out_kind, where_kind, dtype, casting, via)
    label = f"{via} {name}({kind}) out={out_kind} where={where_kind} dtype={dtype} casting={casting}"
    (wv, we), (gv, ge) = want, got
    assert ge is we, f"{label}: raised {ge} where NumPy raised {we}"
    if we is None:
        for w, g in zip(wv, gv):
            assert g.dtype == w.dtype and g.shape == w.shape, f"{label}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=0, equal_nan=True, err_msg=label)


@pytest.mark.parametrize("via", ["namespace", "numpy"])
@pytest.mark.parametrize("name,kind", UFUNCS)
def test_out_where_product(name, kind, via):
    """Every out= with every where= (default dtype and casting)."""
    for out_kind, where_kind in itertools.product(OUTS, WHERES):
        _check(name, kind, out_kind, where_kind, None, None, via)


@pytest.mark.parametrize("via", ["namespace", "numpy"])
@pytest.mark.parametrize("name,kind", UFUNCS)
def test_dtype_casting_product(name, kind, via):
    """dtype= with every casting rule, into no / a fresh / a strided output, with and without a mask."""
    for out_kind, where_kind, dtype, casting in itertools.product(["none", "fresh", "view"], ["none", "bcast"],
                                                                  DTYPES, CASTINGS):
        _check(name, kind, out_kind, where_kind, dtype, casting, via)


def test_divide_out_where_issue_example():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([1.0, 0.0, 2.0, 0.0])
    for call in (lambda g, h: ga.divide(g, h, out=g, where=h != 0), lambda g, h: np.divide(g, h, out=g, where=h != 0)):
        g, h = ga.asarray(a), ga.asarray(b)
        call(g, h)
        want = a.copy()
        np.divide(want, b, out=want, where=b != 0)
        np.testing.assert_array_equal(g.get(), want)


@pytest.mark.parametrize("via", ["namespace", "numpy"])
def test_other_keywords(via):
    a = np.array([1.0, 2.5, -3.0])
    g = ga.asarray(a)
    f = np.add if via == "numpy" else ga.add
    for kw in ({"order": "F"}, {"order": "K"}, {"subok": False}, {"signature": ("f4", "f4", "f4")},
               {"signature": "dd->d"}, {"order": "X"}, {"casting": "bogus"}, {"dtype": "f4", "signature": "dd->d"}):
        try:
            want = np.add(a, 1, **kw)
            werr = None
        except Exception as e:  # noqa: BLE001
            werr = type(e)
        try:
            got = f(g, 1, **kw)
            gerr = None
        except Exception as e:  # noqa: BLE001
            gerr = type(e)
        assert gerr is werr, kw
        if werr is None:
            assert got.dtype == want.dtype, kw
            np.testing.assert_array_equal(got.get(), want)


@pytest.mark.parametrize("via", ["namespace", "numpy"])
def test_out_errors(via):
    g = ga.asarray([1.0, 2.0, 3.0])
    f = np.add if via == "numpy" else ga.add
    for out, exc in (([0, 0, 0], TypeError), ((ga.zeros(3), ga.zeros(3)), ValueError), (ga.zeros(2), ValueError),
                     (ga.zeros((2, 3)), None)):
        if exc is None:
            r = f(g, 1, out=out)
            np.testing.assert_array_equal(r.get(), np.add(np.array([1.0, 2, 3]), 1, out=np.zeros((2, 3))))
        else:
            with pytest.raises(exc):
                f(g, 1, out=out)
    with pytest.raises(TypeError, match="bool"):  # where= is cast to bool under 'safe'
        f(g, 1, out=ga.zeros(3), where=ga.asarray([1, 0, 1]))


# ---------------------------------------------------------------------------- NumPy's exception classes
def _raised(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return type(e)
    return None


def test_ufunc_exception_classes():
    """NumPy's own classes: UFuncTypeError subclasses for casting, TypeError for a missing loop."""
    from numpy._core._exceptions import UFuncTypeError

    h = np.array([1.0, 4.0])
    g = ga.asarray(h)
    cases = [
        lambda x, m: m.sqrt(x, out=m.zeros(2, dtype=np.int64)),
        lambda x, m: m.bitwise_and(x, x),
        lambda x, m: x & x,
        lambda x, m: m.add(x, 1, dtype="i8"),
        lambda x, m: m.left_shift(x, 1),
        lambda x, m: m.invert(x),
        lambda x, m: m.sqrt(x, dtype="i8"),
        lambda x, m: m.add(x, 1, out=m.zeros(2, dtype=np.float32), casting="no"),
        lambda x, m: x.astype(np.int64).__iadd__(1.5),
    ]
    for i, c in enumerate(cases):
        want = _raised(lambda: c(h, np))
        assert want is not None
        assert _raised(lambda: c(g, ga)) is want, i
        assert _raised(lambda: c(g, np)) is want, i
    assert issubclass(_raised(lambda: np.sqrt(g, out=ga.zeros(2, dtype=np.int64))), UFuncTypeError)


# ---------------------------------------------------------------------------- Python sequences as operands
def _same(f, *host):
    """f on host operands (NumPy) and on their GpuArray copies: same value/dtype or same exception class."""
    dev = [ga.asarray(h) if isinstance(h, np.ndarray) else h for h in host]
    try:
        want, werr = f(*[h.copy() if isinstance(h, np.ndarray) else h for h in host]), None
    except Exception as e:  # noqa: BLE001
        want, werr = None, type(e)
    try:
        got, gerr = f(*dev), None
    except Exception as e:  # noqa: BLE001
        got, gerr = None, type(e)
    assert gerr is werr, f"raised {gerr}, NumPy {werr}"
    if werr is None:
        assert isinstance(got, ga.GpuArray), type(got)
        got = got.get()
        assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape, want.dtype, want.shape)
        np.testing.assert_array_equal(got, want)


SEQ_CASES = {
    "add list": lambda x: x + [1, 2, 3],
    "radd list": lambda x: [1, 2, 3] + x,
    "sub tuple": lambda x: x - (1.5, 0.5, -2.0),
    "rsub tuple": lambda x: (1.5, 0.5, -2.0) - x,
    "mul nested": lambda x: x * [[1], [2]],
    "pow list": lambda x: x ** [2, 0, 1],
    "floordiv list": lambda x: x // [2, 3, 4],
    "gt list": lambda x: x > [0, 1, 5],
    "le tuple": lambda x: x <= (0, 1, 5),
    "eq list": lambda x: x == [0, 2, 2],
    "ne tuple": lambda x: x != (0, 2, 2),
    "eq None": lambda x: x == None,  # noqa: E711 - NumPy compares elementwise
    "ne None": lambda x: x != None,  # noqa: E711
    "eq str": lambda x: x == "a",
    "matmul tuple": lambda x: x @ (1, 2, 3),
    "rmatmul list": lambda x: [[1, 0, 2], [3, 1, 1]] @ x,
    "mul bad shape": lambda x: x * [1, 2],
    "and list": lambda x: x & [1, 3, 0],
    "np add list": lambda x: np.add(x, [1, 2, 3]),
    "np less tuple": lambda x: np.less((1, 2, 3), x),
}


@pytest.mark.parametrize("case", list(SEQ_CASES))
def test_sequence_operands(case):
    _same(SEQ_CASES[case], np.array([4, -1, 7]))


def test_sequence_operands_scalar_array_and_inplace():
    _same(lambda x: x * [1, 2], np.asarray(3))
    _same(lambda x: [1, 2] * x, np.asarray(3))
    _same(lambda x: x + [[1.5], [2.5]], np.asarray(2.0))

    def iadd(x):
        x += [1, 2, 3]
        x -= (0.5, 0.5, 0.5)
        return x

    _same(iadd, np.array([1.0, 2.0, 3.0]))

    def imatmul(x):
        x @= [[1, 2], [3, 4]]
        return x

    _same(imatmul, np.array([[1.0, 0.0], [2.0, 1.0]]))

    def ibad(x):
        x += [1, 2]
        return x

    _same(ibad, np.array([1.0, 2.0, 3.0]))


# ---------------------------------------------------------------------------- NumPy's value rules
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint8, np.bool_])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 1e20, np.float32(np.nan), 3.7, -1.5, 300.0])
@pytest.mark.parametrize("key", [0, slice(None), Ellipsis, "fancy", "fill"])
def test_float_scalar_into_integers(dtype, value, key):
    def put(x):
        if key == "fill":
            x.fill(value)
        elif key == "fancy":
            x[[0, 2] if isinstance(x, np.ndarray) else ga.asarray([0, 2])] = value
        else:
            x[key] = value
        return x

    with np.errstate(all="ignore"):
        _same(put, np.array([5, 6, 7], dtype))


FLOAT_BINARY = ["arctan2", "hypot", "copysign", "logaddexp", "logaddexp2", "nextafter"]
MIXED = [("u1", "i1"), ("i2", "i1"), ("u1", "u2"), ("?", "u1"), ("u1", 2), ("u1", 2.0), ("f2", "i2"), ("i1", "f4"),
         ("i8", "f4")]


@pytest.mark.parametrize("name", FLOAT_BINARY)
@pytest.mark.parametrize("pair", MIXED, ids=str)
def test_float_functions_of_mixed_integers(name, pair):
    """NumPy's loop for two operands: the smallest float both convert to safely (uint8 with int8: float16)."""
    def operand(t, vals):
        return np.array(vals).astype(t) if isinstance(t, str) else t

    a = operand(pair[0], [3, 1, 0, 7, 2])
    b = operand(pair[1], [1, -1, 2, 1, 0] if pair[1] not in ("u1", "u2", "?") else [1, 1, 2, 0, 1])
    want = getattr(np, name)(a, b)
    ga_ = [ga.asarray(x) if isinstance(x, np.ndarray) else x for x in (a, b)]
    for f in (getattr(np, name), getattr(ga, name)):
        got = f(*ga_)
        assert got.dtype == want.dtype, (f, got.dtype, want.dtype)
        np.testing.assert_allclose(got.get().astype(np.float64), want.astype(np.float64), rtol=2e-3 if want.dtype == np.float16 else 1e-6)


@pytest.mark.parametrize("call", ["operator", "namespace", "numpy"])
def test_integer_power_of_negative_integer_array(call):
    f = {"operator": lambda x, y: x ** y, "namespace": ga.power, "numpy": np.power}[call]
    x, y = np.array([2, 3, 4]), np.array([1, -1, 2])
    with pytest.raises(ValueError, match="negative integer powers"):
        np.power(x, y)
    with pytest.raises(ValueError, match="negative integer powers"):
        f(ga.asarray(x), ga.asarray(y))
    np.testing.assert_array_equal(f(ga.asarray(x), ga.asarray(np.abs(y))).get(), np.power(x, np.abs(y)))
    np.testing.assert_array_equal(f(ga.asarray(x), ga.asarray(np.array([1, 2, 0], np.uint8))).get(),
                                  np.power(x, np.array([1, 2, 0], np.uint8)))
    e = ga.asarray(np.zeros((0,), np.int64))
    assert f(e, e - 1).shape == (0,)


ERR_CASES = {
    "divide": ("divide", lambda m, x, y: m.divide(x, y), lambda m, x, y: x / y),
    "invalid": ("invalid", lambda m, x, y: m.sqrt(x - 3), lambda m, x, y: (x - 3) ** 0.5),
    "overflow": ("over", lambda m, x, y: m.exp(x * 1000), lambda m, x, y: x * 1e305 * 1e4),
    "int_divide": ("divide", lambda m, x, y: m.floor_divide(x.astype(np.int32), y.astype(np.int32)),
                   lambda m, x, y: x.astype(np.int32) // y.astype(np.int32)),
}


@pytest.mark.parametrize("via", ["namespace", "numpy", "operator"])
@pytest.mark.parametrize("case", list(ERR_CASES))
def test_errstate_raise(case, via):
    """errstate(...='raise') raises FloatingPointError where NumPy does, and not otherwise."""
    cat, fn, op = ERR_CASES[case]
    x, y = np.array([1.0, 2.0, 4.0]), np.array([2.0, 0.0, 1.0])
    call = op if via == "operator" else fn
    mod = ga if via == "namespace" else np
    with np.errstate(**{cat: "raise"}):
        with pytest.raises(FloatingPointError):
            call(np, x, y)
        with pytest.raises(FloatingPointError):
            r = call(mod, ga.asarray(x), ga.asarray(y))
            r.get()
        # no error in the values: no exception, NumPy's values
        ok_x, ok_y = np.array([3.0, 4.0, 5.0]) * 1e-4 if cat == "over" else np.array([3.0, 4.0, 5.0]), np.array([2.0, 1.0, 1.0])
        np.testing.assert_allclose(call(mod, ga.asarray(ok_x), ga.asarray(ok_y)).get(), call(np, ok_x, ok_y))
    with np.errstate(all="ignore"):  # the default state does not raise, and gives NumPy's values
        want = call(np, x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = call(mod, ga.asarray(x), ga.asarray(y)).get()
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("via", ["namespace", "numpy"])
def test_errstate_raise_respects_where(via):
    """The guarded division idiom does not raise: NumPy computes only where the mask is true."""
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 0.0, 2.0, 0.0])
    f = np.divide if via == "numpy" else ga.divide
    g, h = ga.asarray(a), ga.asarray(b)
    with np.errstate(divide="raise", invalid="raise"):
        f(g, h, out=g, where=h != 0)
        np.divide(a, b, out=a, where=b != 0)
        with pytest.raises(FloatingPointError):
            f(g, h, out=g, where=h == 0)
    np.testing.assert_array_equal(g.get(), a)


READONLY_VIEWS = {
    "diagonal": lambda m, x: m.diagonal(x),
    "diagonal method": lambda m, x: x.diagonal(),
    "broadcast_to": lambda m, x: m.broadcast_to(x[0], (2, 3, 3)),
    "slice of broadcast_to": lambda m, x: m.broadcast_to(x, (2, 3, 3))[1, ::2],
    "reshape of diagonal": lambda m, x: m.reshape(m.diagonal(x), (1, 3)),
    "transpose of broadcast_to": lambda m, x: m.broadcast_to(x, (2, 3, 3)).T,
}
WRITES = {
    "setitem": lambda m, v: v.__setitem__(0, 5),
    "fancy setitem": lambda m, v: v.__setitem__(([0] if isinstance(v, np.ndarray) else ga.asarray([0]),), 5),
    "fill": lambda m, v: v.fill(5),
    "iadd": lambda m, v: v.__iadd__(1),
    "out=": lambda m, v: m.add(v, 1, out=v),
}


@pytest.mark.parametrize("view", list(READONLY_VIEWS))
@pytest.mark.parametrize("write", list(WRITES))
def test_read_only_views(view, write):
    h = np.arange(9.0).reshape(3, 3)
    g = ga.asarray(h)
    hv, gv = READONLY_VIEWS[view](np, h), READONLY_VIEWS[view](ga, g)
    assert gv.flags["WRITEABLE"] is hv.flags["WRITEABLE"] is False
    want, got = _raised(lambda: WRITES[write](np, hv)), _raised(lambda: WRITES[write](ga, gv))
    assert want is ValueError and got is want
    np.testing.assert_array_equal(g.get(), h)  # nothing written
    assert ga.asarray(h)[::2].flags["WRITEABLE"] and g.T.flags["WRITEABLE"]
    assert ga.broadcast_arrays(g[:1], g)[0].flags["WRITEABLE"]  # NumPy's are writable (with a FutureWarning)
    w = ga.broadcast_to(g, (2, 3, 3)).copy()  # a copy is writable
    w[0] = 1.0
    assert w.flags["WRITEABLE"]


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64])
def test_integer_reciprocal(dtype):
    """NumPy's integer reciprocal, 1 / 0 included (x86 NumPy: the int32/int64 minimum, else 0)."""
    h = np.array([0, 1, 2, 3, 0, 5, 1], dtype)
    if np.dtype(dtype).kind == "i":
        h[3] = -1
    with np.errstate(all="ignore"):
        want = np.reciprocal(h)
    for f in (np.reciprocal, ga.reciprocal):
        got = f(ga.asarray(h))
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.get(), want)


@pytest.mark.parametrize("src", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize("dst", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16])
def test_float_to_int_cast_of_nan_inf_and_out_of_range(src, dst):
    """NumPy's conversion (x86): NaN, inf and values beyond int32/int64 become the minimum,
    wrapped to 8/16 bits; in-range values truncate and wrap."""
    with np.errstate(all="ignore"):
        h = np.array([np.inf, -np.inf, np.nan, 1e20, -1e20, 3.7, -3.7, 200.5, -129.5, 70000.2, 3e9, -3e9]).astype(src)
        want = h.astype(dst)
    np.testing.assert_array_equal(ga.asarray(h).astype(dst).get(), want)


@pytest.mark.parametrize("n", [7, 5000, 200_000])
def test_repeated_indices_last_wins(n):
    """``a[idx] = b`` with repeated indices: NumPy's result is the last value for each index."""
    rng = np.random.default_rng(n)
    idx = rng.integers(0, 6, n)
    vals = rng.permutation(n).astype(np.float32) + 1
    h = np.full(8, -1.0, np.float32)
    g = ga.asarray(h)
    h[idx] = vals
    g[ga.asarray(idx)] = ga.asarray(vals)
    np.testing.assert_array_equal(g.get(), h)
    h2 = np.zeros((4, 3), np.int32)
    g2 = ga.asarray(h2)
    rows, cols = idx[:n // 2] % 4, idx[n // 2:n // 2 * 2] % 3
    h2[rows, cols] = vals[:n // 2].astype(np.int32)
    g2[ga.asarray(rows), ga.asarray(cols)] = ga.asarray(vals[:n // 2].astype(np.int32))
    np.testing.assert_array_equal(g2.get(), h2)
    h3 = np.zeros(7, np.uint8)  # packed sub-word storage
    g3 = ga.asarray(h3)
    h3[idx] = vals.astype(np.uint8)
    g3[ga.asarray(idx)] = ga.asarray(vals.astype(np.uint8))
    np.testing.assert_array_equal(g3.get(), h3)


@pytest.mark.parametrize("via", ["namespace", "numpy"])
def test_keywords_on_0d_empty_and_wider_masks(via):
    f = (lambda n: getattr(np, n)) if via == "numpy" else (lambda n: getattr(ga, n))
    cases = [
        ("add", [np.array(2.5), np.array(-1.0)], {"out": np.array(7.0), "where": False}),
        ("add", [np.array(2.5), np.array(-1.0)], {"out": np.array(7.0), "where": np.array(True)}),
        ("multiply", [np.zeros((0, 3)), np.ones(3)], {"out": np.full((0, 3), 7.0), "where": np.ones(3, bool)}),
        ("subtract", [np.arange(3.0), 1.5], {"out": np.full((2, 3), 7.0), "where": np.array([[True], [False]])}),
        ("negative", [np.arange(3)], {"out": np.full((2, 3), 7), "where": np.array([True, False, True])}),
        ("sqrt", [np.arange(3.0)], {"out": np.full((2, 3), 7.0), "where": np.ones((3, 3), bool)}),  # mask too wide
    ]
    for name, ins, kw in cases:
        hkw = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        gkw = {k: ga.asarray(v) if k == "out" or isinstance(v, np.ndarray) else v for k, v in kw.items()}
        werr = _raised(lambda: getattr(np, name)(*ins, **hkw))
        gerr = _raised(lambda: f(name)(*[ga.asarray(x) if isinstance(x, np.ndarray) else x for x in ins], **gkw))
        assert gerr is werr, (name, kw)
        if werr is None:
            got = gkw["out"].get()
            assert got.shape == hkw["out"].shape and got.dtype == hkw["out"].dtype
            np.testing.assert_array_equal(got, hkw["out"])
    # a mask wider than the operands, without out=: the result takes the mask's shape
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = f("add")(ga.asarray(np.arange(3.0)), 1.0, where=ga.asarray(np.array([[True], [False]])))
    assert r.shape == (2, 3)
    np.testing.assert_array_equal(r.get()[0], np.arange(3.0) + 1)


@pytest.mark.parametrize("bounds", [(2, 5), (False, True), (0.5, 2.0), (0, 1), (-1, None)])
def test_clip_of_bool_takes_the_bounds_kind(bounds):
    b = np.array([True, False, True, False])
    want = np.clip(b, *bounds)
    got = ga.clip(ga.asarray(b), *bounds)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got.get(), want)


@pytest.mark.parametrize("sc", [np.uint32(7), np.float32(0.5), np.int8(-3), np.float64(2.5), np.uint8(200),
                                np.int64(2**40), np.bool_(True), np.float16(1.5), np.complex64(1 + 2j)])
def test_numpy_scalar_operands_keep_numpys_types(sc):
    """Typed NumPy scalars as operands (the common path takes them): NumPy's result dtype and values
    for every array dtype, on either side."""
    for dtype in (np.uint8, np.int16, np.int32, np.uint32, np.float32, np.float64):
        h = (np.arange(1, 6) * 3).astype(dtype)
        g = ga.asarray(h)
        for op in ("add", "multiply", "subtract", "maximum"):
            with np.errstate(all="ignore"):
                try:
                    want_l, want_r = getattr(np, op)(h, sc), getattr(np, op)(sc, h)
                except TypeError:
                    continue
            got_l, got_r = getattr(ga, op)(g, sc), getattr(ga, op)(sc, g)
            for got, want in ((got_l, want_l), (got_r, want_r)):
                assert got.dtype == want.dtype, (op, dtype, type(sc), got.dtype, want.dtype)
                np.testing.assert_array_equal(got.get(), want)
