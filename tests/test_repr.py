"""repr / str / format of GpuArrays against NumPy's on the same data.

"Identical apart from the class name" means: ``repr(g)`` is what NumPy itself prints for an
ndarray subclass named ``GpuArray`` holding the same data (``np.array_repr``'s rule for subclasses:
the prefix is the class name and "(", continuation lines are indented to the prefix's length, and
the line width budget counts it), under the same print options; ``str(g)`` equals ``str`` of the
NumPy array. Where no line is wrapped differently, that is ``repr(h)`` with ``array(`` replaced by
``GpuArray(`` and each continuation line indented by three more spaces (checked too).
"""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from conftest import ALL_DTYPES, HAS64, sample

PRINT_DTYPES = ALL_DTYPES + [np.float16]


class GpuArray(np.ndarray):
    """A host ndarray subclass with the device class's name: NumPy's repr of it is the reference."""


def numpy_repr(h: np.ndarray) -> str:
    return np.array_repr(np.asarray(h).view(GpuArray))


def renamed(h: np.ndarray) -> str:
    """NumPy's repr with the class name swapped and continuation lines shifted by the extra length."""
    lines = repr(h).split("\n")
    shift = " " * (len("GpuArray") - len("array"))
    return "\n".join([lines[0].replace("array(", "GpuArray(", 1)] + [shift + ln if ln else ln for ln in lines[1:]])


def check(g, h):
    if not HAS64:  # the device holds 64-bit data narrowed
        h = np.asarray(h).astype(g.dtype, copy=False)
    r = repr(g)
    assert r == numpy_repr(h), f"\n{r}\n!=\n{numpy_repr(h)}"
    assert str(g) == str(h), f"\n{str(g)}\n!=\n{str(h)}"


SHAPES = [(), (0,), (0, 3), (3, 0), (2, 0, 4), (1,), (7,), (13,), (2, 3), (5, 7), (1, 9), (3, 4, 5),
          (1001,), (2000, 3), (3, 2000), (40, 41), (11, 11, 11), (2, 3, 200)]


@pytest.mark.parametrize("dtype", PRINT_DTYPES, ids=lambda d: np.dtype(d).name)
def test_repr_grid(dtype):
    """Every supported dtype over a grid of shapes (0-d, empty, odd sizes, 1-3-D, past the
    threshold along each axis), NaN/inf/-0.0 among the floats."""
    rng = np.random.default_rng(7)
    for shape in SHAPES:
        h = sample(shape, dtype, rng, special=True)
        check(ga.asarray(h), h)


@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.bool_, np.complex64, np.uint8], ids=lambda d: np.dtype(d).name)
def test_repr_views(dtype):
    """Non-contiguous, reversed, transposed and broadcast views, small and past the threshold."""
    rng = np.random.default_rng(11)
    for shape in [(9, 8), (50, 60), (3, 700)]:
        h = sample(shape, dtype, rng, special=True)
        g = ga.asarray(h)
        for key in [np.s_[::2, 1::3], np.s_[::-1], np.s_[:, ::-1], np.s_[::-3, ::-2], np.s_[1:-1, 2]]:
            check(g[key], h[key])
        check(g.T, h.T)
    row = sample((1500,), dtype, rng)
    check(ga.broadcast_to(ga.asarray(row), (4, 1500)), np.broadcast_to(row, (4, 1500)))
    col = sample((5, 1), dtype, rng)
    check(ga.broadcast_to(ga.asarray(col), (5, 400)), np.broadcast_to(col, (5, 400)))


def test_repr_lazy_and_specials():
    h = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-300, 1e300, 5e-324])
    check(ga.asarray(h), h)
    f = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-40, 3e38, -1.5], np.float32)
    check(ga.asarray(f), f)
    c = np.array([complex(np.nan, -0.0), complex(-np.inf, 1.5), 1e-9j])
    check(ga.asarray(c), c)
    check(ga.asarray(c.astype(np.complex64)), c.astype(np.complex64))
    x = np.linspace(-3, 3, 3001)
    g = ga.asarray(x) * 2.5 - 1
    assert g.is_lazy
    check(g, x * 2.5 - 1)
    for v in [np.float32(-0.0), np.int8(-128), np.uint64(2**64 - 1), np.float16(65504), np.complex64(1 - 2j), True]:
        check(ga.asarray(np.asarray(v)), np.asarray(v))


def test_repr_renamed_numpy():
    """Where NumPy wraps no line differently, the repr is NumPy's with only the name and the
    continuation indentation changed."""
    for h in [np.arange(12.0).reshape(3, 4), np.array([], np.float32), np.zeros((0, 3)), np.arange(5000), np.arange(2000, dtype=np.uint8),
              np.array([[True, False]]), np.float32(2.5) * np.ones((2, 2, 2), np.float32), np.array(3.25)]:
        assert repr(ga.asarray(h)) == renamed(h)


OPTIONS = [dict(precision=3), dict(precision=12, floatmode="fixed"), dict(suppress=True), dict(linewidth=40),
           dict(threshold=10), dict(threshold=10, edgeitems=1), dict(threshold=0), dict(edgeitems=5, threshold=50),
           dict(threshold=20, edgeitems=0), dict(floatmode="unique"), dict(floatmode="maxprec_equal", precision=2),
           dict(sign="+"), dict(sign=" "), dict(legacy="1.13"), dict(legacy="1.21"), dict(legacy="1.25"),
           dict(legacy="2.1"), dict(legacy="2.2"), dict(legacy="1.13", threshold=10), dict(linewidth=200, threshold=5000),
           dict(nanstr="NA", infstr="INF"), dict(formatter={"float": lambda v: f"<{v:.1f}>"}, threshold=20)]


@pytest.mark.parametrize("opts", OPTIONS, ids=lambda o: ",".join(f"{k}={v if k != 'formatter' else 'custom'}" for k, v in o.items()))
def test_repr_honours_printoptions(opts):
    rng = np.random.default_rng(3)
    arrays = [sample((37,), np.float64, rng, special=True), sample((6, 9), np.float32, rng) * 1e-5,
              sample((30, 31), np.int32, rng), sample((4, 5, 6), np.complex64, rng), sample((), np.float64, rng),
              sample((3, 500), np.bool_, rng), np.zeros((0, 2), np.uint16),
              np.array([1e-9, 1.0, 123456.789]), np.array([1.0, 2.0])]
    with np.printoptions(**opts):
        for h in arrays:
            check(ga.asarray(h), h)
            if h.ndim:
                check(ga.asarray(h)[..., ::-1], h[..., ::-1])


def test_set_printoptions_global():
    h = np.linspace(0, 1, 7)
    old = np.get_printoptions()
    try:
        np.set_printoptions(precision=2, linewidth=30)
        check(ga.asarray(h), h)
    finally:
        np.set_printoptions(**old)
    check(ga.asarray(h), h)


def test_namespace_printing_functions():
    rng = np.random.default_rng(5)
    h = sample((300, 7), np.float32, rng)
    g = ga.asarray(h)
    assert np.array_repr(g) == numpy_repr(h)
    assert np.array_repr(g, precision=2, max_line_width=50) == np.array_repr(h.view(GpuArray), precision=2, max_line_width=50)
    assert np.array_str(g) == np.array_str(h)
    assert np.array_str(g, max_line_width=30, suppress_small=True) == np.array_str(h, max_line_width=30, suppress_small=True)
    for kw in [{}, dict(threshold=5), dict(threshold=5, edgeitems=2, separator=";"), dict(precision=1, prefix="xx")]:
        assert np.array2string(g, **kw) == np.array2string(h, **kw)
        assert ga.array2string(g, **kw) == np.array2string(h, **kw)
    assert ga.array_repr(g) == numpy_repr(h)
    assert ga.array_str(g) == np.array_str(h)


def test_format():
    for v in [np.float32(0.1), np.float64(-2.5e-8), np.int16(-7), np.complex64(1 + 2j), np.bool_(True)]:
        g, h = ga.asarray(np.asarray(v)), np.asarray(v)
        for spec in ["", ">12"] + ([".3f", "e"] if h.dtype.kind == "f" else []):
            assert format(g, spec) == format(h, spec)
        assert f"{g}" == f"{h}"
    h = np.arange(4.0)
    assert format(ga.asarray(h), "") == format(h, "")
    with pytest.raises(TypeError, match="unsupported format string"):
        format(ga.asarray(h), ">30")
    with pytest.raises(TypeError):
        format(h, ">30")


def test_repr_reads_only_the_edge_items():
    """A 10M-element array prints from its corners: the download is the shown elements."""
    n = 10_000_000
    f = np.float64 if HAS64 else np.float32
    g = ga.arange(n, dtype=f) * 0.5 - 3.0  # lazy: evaluated by the repr, on the device
    e = np.get_printoptions()["edgeitems"]
    with ga.stats() as s:
        r = repr(g)
    ref = np.arange(n, dtype=f) * f(0.5) - f(3.0)
    assert r == numpy_repr(ref)
    isz = ref.itemsize
    assert s.bytes_from_device == 2 * e * isz, s
    g2 = ga.asarray(ref.reshape(2500, 4000)[:, ::-1])
    with ga.stats() as s2:
        r2, t2 = repr(g2), str(g2)
    assert r2 == numpy_repr(ref.reshape(2500, 4000)[:, ::-1]) and t2 == str(ref.reshape(2500, 4000)[:, ::-1])
    assert s2.bytes_from_device == 2 * (2 * e) ** 2 * isz, s2
    with np.printoptions(edgeitems=4):
        with ga.stats() as s3:
            r3 = repr(g2[:, :7])
        assert r3 == numpy_repr(ref.reshape(2500, 4000)[:, ::-1][:, :7])
        assert s3.bytes_from_device == 2 * 4 * 7 * isz, s3


def test_repr_does_not_change_the_array():
    h = np.arange(3000, dtype=np.int32)
    g = ga.asarray(h) + 1
    repr(g), str(g)
    np.testing.assert_array_equal(g.get(), h + 1)


def test_repr_without_numpy_hooks(monkeypatch):
    """Where NumPy lacks its repr/str hooks, a full host copy prints the same text."""
    from gpuarray._api import printing as _printing

    monkeypatch.setattr(_printing, "_repr_impl", None)
    monkeypatch.setattr(_printing, "_str_impl", None)
    rng = np.random.default_rng(9)
    for h in [sample((3, 4), np.float32, rng), sample((2000,), np.int16, rng), np.zeros((0, 3)), np.array(1.5)]:
        check(ga.asarray(h), h)


# ------------------------------------------------------------------------------------------ stats()
def _shown_counters(text: str) -> dict:
    rows = [ln.split() for ln in text.splitlines()[1:]]
    return {r[0]: r[1] for r in rows}


def test_stats_displays_its_counters():
    """``stats()`` shows its counters while recording and after the block, as text and HTML."""
    x = ga.asarray(np.arange(1, 5001, dtype=np.float32))
    s = ga.stats()
    with s as rec:
        assert rec is s
        y = (x * 2.0 + 1.0).sum()
        live = repr(rec)
        assert live.splitlines()[0] == "gpuarray.stats (recording)"
        assert set(_shown_counters(live)) >= {"dispatches", "submits", "kernels_compiled", "bytes_from_device", "peak_bytes", "fallbacks"}
        v = float(y)
    assert v == float((np.arange(1, 5001, dtype=np.float32) * 2 + 1).sum(dtype=np.float64))
    done = repr(s)
    assert done.splitlines()[0] == "gpuarray.stats (finished)"
    shown = _shown_counters(done)
    for k in ("dispatches", "submits", "kernels_compiled", "pipeline_cache_hits", "bytes_to_device", "bytes_from_device",
              "buffers_allocated", "peak_bytes"):
        assert int(shown[k]) == getattr(s, k), (k, done)
    assert s.dispatches >= 1 and s.bytes_from_device == 4 and shown["fallbacks"] == "none"
    assert repr(s) == done  # finished: the counters no longer move
    x + 1.0
    float(x.sum())
    assert repr(s) == done
    html = s._repr_html_()
    assert "finished" in html and f"<td>{s.dispatches}</td>" in html and html.count("<tr>") == len(shown)
    assert str(s) == done


def test_stats_shows_fallbacks_and_live_recording():
    s = ga.stats()  # records from its creation, also without a with block
    a = ga.asarray(np.array([3.0, 1.0, 2.0]))
    d0 = s.dispatches
    float((a * 3.0 + 1.0).sum())
    assert s.dispatches > d0
    assert repr(s).splitlines()[0] == "gpuarray.stats (recording)"
    assert int(_shown_counters(repr(s))["bytes_from_device"]) == s.bytes_from_device == 8
    with ga.stats() as f:
        ga.einsum_path("i,i->", a, a)  # a host fallback
    assert f.fallbacks == {"einsum_path": 1}
    assert "einsum_path: 1" in repr(f) and "einsum_path" in f._repr_html_()


def test_stats_counts_queued_reductions():
    """A reduction queued (not yet recorded) is recorded when a counter is read, so it counts."""
    h = np.arange(1, 1002, dtype=np.float32) * np.float32(0.5)
    x = ga.asarray(h)
    float(x.sum())  # the kernel is compiled outside the block
    with ga.stats() as s:
        y = (x * 3.0).sum()
        assert s.dispatches >= 1
    assert s.dispatches >= 1 and s.bytes_from_device == 0
    assert float(y) == float((h * np.float32(3.0)).sum(dtype=np.float64))
