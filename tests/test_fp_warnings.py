"""NumPy's floating-point RuntimeWarnings (divide / overflow / invalid) under the default error
state: kernels set flags on the device, the next host read reports them (see _errstate)."""
import warnings

import numpy as np
import pytest

import gpuarray as gp
from gpuarray._device import runtime as _runtime


def _special(dtype):
    big = np.finfo(dtype).max
    return np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -3.0, 1000.0, big, -big, np.inf, -np.inf, np.nan],
                    dtype)


def _messages(fn, *args):
    """The RuntimeWarnings messages ``fn(*args)`` gives, its result read to the host."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = fn(*args)
        r = [x.get() if isinstance(x, gp.GpuArray) else x for x in (r if isinstance(r, tuple) else (r,))]
    return sorted({str(x.message) for x in w if issubclass(x.category, RuntimeWarning)}), r


def _same(fn_np, fn_gp, *host):
    want, ref = _messages(fn_np, *host)
    got, res = _messages(fn_gp, *[gp.asarray(h) for h in host])
    for a, b in zip(ref, res):  # (our transcendentals are within an ulp or two of NumPy's)
        a = np.asarray(a)
        rtol = {"e": 2e-3, "f": 1e-6}.get(a.dtype.char, 1e-14) if a.dtype.kind == "f" else 0
        np.testing.assert_allclose(b, a, rtol=rtol, atol=0)
    assert got == want
    return got


UNARY = ["sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
         "arccos", "sinh", "cosh", "arccosh", "arctanh", "square", "reciprocal", "deg2rad", "rad2deg"]
BINARY = ["add", "subtract", "multiply", "divide", "floor_divide", "remainder", "fmod", "power", "nextafter"]




@pytest.mark.parametrize("name", UNARY)
def test_unary_float32_warnings_match_numpy(name):
    x = _special(np.float32)
    want, _ = _messages(getattr(np, name), x)
    got, _ = _messages(getattr(gp, name), gp.asarray(x))
    assert got == want
    assert want or name in ("deg2rad",)  # the inputs reach every category the op has


@pytest.mark.parametrize("name", BINARY)
def test_binary_float32_warnings_match_numpy(name):
    a = _special(np.float32)[:, None]  # every pair, through a broadcast
    b = _special(np.float32)[None, :]
    want, _ = _messages(getattr(np, name), a, b)
    got, _ = _messages(getattr(gp, name), gp.asarray(a), gp.asarray(b))
    assert got == want and want


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
@pytest.mark.parametrize("name", ["log", "exp", "sqrt", "divide", "multiply"])
def test_other_float_dtypes(name, dtype):
    if dtype == np.float64 and not gp.asarray(1.0).dtype == np.float64:
        pytest.skip("no float64 on this device")
    x = _special(dtype)
    args = (x,) if name in UNARY else (x[:, None], x[None, :])
    want, _ = _messages(getattr(np, name), *args)
    got, _ = _messages(getattr(gp, name), *[gp.asarray(a) for a in args])
    assert got == want and want


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64, np.uint16, np.uint32])
@pytest.mark.parametrize("name", ["floor_divide", "remainder", "fmod"])
def test_integer_division_by_zero(name, dtype):
    a = np.array([7, 0, 3, 5, 1], dtype)
    b = np.array([2, 0, 0, 1, 3], dtype)
    assert _same(getattr(np, name), getattr(gp, name), a, b) == [f"divide by zero encountered in {name}"]
    assert _same(getattr(np, name), getattr(gp, name), a, b + 1) == []


def test_integer_reciprocal_of_zero():
    a = np.array([3, 0, -2], np.int32)
    assert _same(np.reciprocal, gp.reciprocal, a)


@pytest.mark.parametrize("name", UNARY + BINARY)
def test_no_warning_on_ordinary_values(name):
    x = np.linspace(0.1, 0.9, 37, dtype=np.float32) + (1 if name == "arccosh" else 0)  # (its domain)
    args = (x,) if name in UNARY else (x, x[::-1].copy())
    assert _same(getattr(np, name), getattr(gp, name), *args) == []


def test_fused_chain_reports_each_op():
    x = np.array([4.0, 0.0, -1.0, 2.5, 1e30], np.float32)
    f_np = lambda x: np.exp(np.sqrt(x) * 100) + np.log(x) / x  # noqa: E731
    got = _same(f_np, f_np, x)
    assert "invalid value encountered in sqrt" in got and "divide by zero encountered in log" in got


def test_stats_count_the_flags():
    x = gp.asarray(np.array([0.0, -1.0, 2.0], np.float32))
    with gp.stats() as s, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp.log(x).get()  # divide and invalid
        (x + 1).get()
    assert s.fp_errors == 2


def test_powers_use_numpys_names():
    x = np.array([1e200, -4.0, 0.0, 3.0])
    for f in (lambda x: x ** 2, lambda x: x ** 0.5, lambda x: x ** -1, lambda x: x ** 3, lambda x: x ** -2.0):
        assert _same(f, f, x)


def test_strided_broadcast_and_vec4_views():
    base = np.tile(_special(np.float32), 75)  # 1050 elements: the vec4 path with a tail group
    f = lambda x: np.log(x) + 1  # noqa: E731
    _same(f, f, base)
    g = gp.asarray(base)
    want, _ = _messages(f, base[::-3])
    got, _ = _messages(f, g[::-3])
    assert got == want and want
    col = np.array([[0.0], [1.0], [-2.0]], np.float32)
    row = np.array([1.0, 0.0, 3.0], np.float32)
    h = lambda a, b: a / b  # noqa: E731
    assert _same(h, h, col, row)


@pytest.mark.parametrize("n", [7, 5000])
def test_reductions_of_flagged_expressions(n):
    x = np.linspace(-1, 1, n, dtype=np.float32)
    x[n // 2] = 0
    f = lambda x: np.sum(np.log(np.abs(x)))  # noqa: E731
    want, _ = _messages(f, x)
    got, (res,) = _messages(f, gp.asarray(x))
    assert got == want == ["divide by zero encountered in log"] and res == -np.inf
    m = x.reshape(-1, 1) if n == 7 else x.reshape(50, 100)
    h = lambda m: (1 / m).mean(axis=0)  # noqa: E731
    want, _ = _messages(h, m)
    got, _ = _messages(h, gp.asarray(m))
    assert got == want


def test_several_reductions_in_one_kernel():
    x = np.linspace(-2, 2, 4096, dtype=np.float32).reshape(64, 64)
    g = gp.asarray(x)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        a, b = gp.sum(gp.sqrt(g), axis=0), gp.sum(g * g, axis=0)  # one merged reduction kernel
        a.get(), b.get()
    assert [str(m.message) for m in w] == ["invalid value encountered in sqrt"]


def test_state_at_build_time_decides():
    x = gp.asarray(np.array([0.0, -1.0, 1.0], np.float32))
    with np.errstate(divide="ignore"):
        y = gp.log(x)  # built under 'ignore' for divide, read outside
    got, _ = _messages(lambda: y)
    assert got == ["invalid value encountered in log"]
    with np.errstate(all="ignore"):
        z = gp.log(x) / x
    assert _messages(lambda: z)[0] == []
    np.seterr(all="ignore")
    try:
        w = gp.sqrt(x)
    finally:
        np.seterr(divide="warn", over="warn", invalid="warn", under="ignore")
    assert _messages(lambda: w)[0] == []
    assert _messages(lambda: gp.sqrt(x))[0] == ["invalid value encountered in sqrt"]


def test_raise_state_still_raises_at_the_op():
    x = gp.asarray(np.array([0.0, 1.0], np.float32))
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            gp.log(x)


def test_warning_points_at_the_read_and_every_read_path():
    x = gp.asarray(np.array([0.0, 1.0, 4.0], np.float32))
    reads = [lambda a: a.get(), lambda a: np.asarray(a), lambda a: float(a[0]), lambda a: repr(a),
             lambda a: a.tolist(), lambda a: bool(a[0] < 0)]
    for read in reads:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            read(gp.log(x))
        assert [str(m.message) for m in w] == ["divide by zero encountered in log"], read
        assert w[0].filename == __file__


def test_a_view_computes_and_reports_only_what_it_reads():
    """A view of an unevaluated expression computes only the elements it reads (see
    _lazy/views.py), so only their floating-point errors are reported."""
    x = gp.asarray(np.array([0.0, 1.0, 4.0], np.float32))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert bool(gp.log(x)[1] == 0)
    assert w == []
    y = gp.log(x)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        y[1:].get()
        y.get()  # the whole expression: log(0) now
    assert [str(m.message) for m in w] == ["divide by zero encountered in log"]


def test_large_read_brings_the_flags():
    n = 3_000_000  # 12 MB: a chunked read
    x = np.linspace(0.5, 2.0, n, dtype=np.float32)
    x[123_457] = -1.0
    got, (res,) = _messages(lambda a: gp.sqrt(a), gp.asarray(x))
    assert got == ["invalid value encountered in sqrt"]
    np.testing.assert_array_equal(np.isnan(res), np.isnan(np.sqrt(x, where=x >= 0, out=np.full(n, np.nan, np.float32))))


def test_flags_are_cleared_after_a_read_and_warnings_as_errors():
    x = gp.asarray(np.array([0.0, 1.0], np.float32))
    y = gp.log(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="divide by zero encountered in log"):
            y.get()
        np.testing.assert_array_equal(y.get(), np.log(np.array([0.0, 1.0], np.float32), where=[False, True],
                                                      out=np.array([-np.inf, 0.0], np.float32)))
        np.testing.assert_array_equal((x + 1).get(), [1.0, 2.0])  # nothing left over
    assert _messages(lambda: gp.exp(x))[0] == []


def test_kernels_without_flags_bind_nothing_more():
    x = gp.asarray(np.arange(1, 9, dtype=np.float32))
    with np.errstate(all="ignore"):
        y = gp.log(x) + 1
    y.get()
    k = [k for k in _runtime.device()._kernels.values() if "fpe_flags" not in k.source]
    assert k  # kernels built under 'ignore' have no flag code
    z = gp.asarray(np.arange(1, 9, dtype=np.int32)) + 1  # integer add: nothing to report
    z.get()


def test_threads_report_their_flags():
    import threading

    x = gp.asarray(np.array([0.0, 1.0], np.float32))
    errors = []

    def work():
        try:
            for _ in range(20):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = gp.log(x + 1).get()
                np.testing.assert_array_equal(r, np.log(np.array([1.0, 2.0], np.float32)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    assert _messages(lambda: gp.log(x))[0] == ["divide by zero encountered in log"]


def test_where_keeps_unselected_elements_quiet():
    a = np.array([1.0, 2.0, 3.0], np.float32)
    b = np.array([0.0, 4.0, 0.0], np.float32)
    for f in (gp.divide, np.divide):
        g = gp.asarray(a)
        got, _ = _messages(lambda: f(g, gp.asarray(b), out=g, where=gp.asarray(b) != 0))
        assert got == []
        np.testing.assert_array_equal(g.get(), [1.0, 0.5, 3.0])


@pytest.mark.parametrize("src", [np.float32, np.float64])
@pytest.mark.parametrize("dst", [np.int8, np.uint8, np.int32, np.int64, np.uint64, np.float16, np.float32, np.bool_])
def test_casts_warn_as_numpy(src, dst):
    x = np.array([1.5, -1.0, 300.0, 70000.0, 1e30, np.finfo(src).max, np.inf, -np.inf, np.nan, 2.0 ** 63], src)
    for sel in ([0, 1, 2], [3], [4], [5], [6], [8], [9], list(range(10))):
        want, _ = _messages(lambda: x[sel].astype(dst))
        got, _ = _messages(lambda: gp.asarray(x[sel]).astype(dst).get())
        assert got == want, (sel, want)


def test_cast_flags_follow_the_build_state():
    x = gp.asarray(np.array([np.nan, 1.0]))
    with np.errstate(invalid="ignore"):
        y = x.astype(np.int32)
    assert _messages(lambda: y)[0] == []
    assert _messages(lambda: x.astype(np.int64))[0] == ["invalid value encountered in cast"]
