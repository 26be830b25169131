"""The vec4 elementwise kernels in both forms (``codegen.VEC4_FORM``): "loop" (one loop over a
group's lanes, the expression compiled once) and "unrolled" (one call per lane): the same bits,
NumPy's values, tails, offsets, broadcast operands, views the vec4 path does not take, every dtype
it takes, and random draws computed a group at a time."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._graph.nodes import Leaf
from gpuarray._kernels import codegen

FORMS = ("loop", "unrolled")
SIZES = (1024, 1025, 1026, 1027, 4099, 40_003)


@pytest.fixture(params=FORMS)
def form(request, monkeypatch):
    monkeypatch.setattr(codegen, "VEC4_FORM", request.param)
    return request.param


def _values(dtype, n, seed):
    rng = np.random.default_rng(seed)
    if dtype == np.float32:
        x = rng.uniform(-4, 4, n).astype(np.float32)
        special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-42, -3.5], np.float32)
        x[np.linspace(0, n - 1, len(special)).astype(int)] = special
        return x
    info = np.iinfo(dtype)
    x = rng.integers(max(info.min, -50_000), min(info.max, 50_000), n, dtype=dtype)
    x[-1] = info.max
    x[0] = info.min
    return x


def _chain(xp, a, b):
    # light on math library calls: the unrolled form compiles it 5 times (seconds on lavapipe)
    return xp.exp(b * 0.25) * a + xp.sqrt(xp.abs(a - b)) * 3.0


def _heavy_chain(xp, a, b):
    return xp.tanh(xp.sin(a) * xp.exp(b * 0.25)) + xp.sqrt(xp.abs(xp.cos(a - b))) * 3.0


def _int_chain(xp, a, b):
    return (a * 3 + b) ^ (a >> 2)


def _bits(x):
    """The bytes of ``x``, NaNs made one canonical NaN (the sign and payload of a NaN made by
    inf - inf or 0 * inf are the compiler's choice, in NumPy as on the device)."""
    x = np.array(x, copy=True)
    if x.dtype.kind == "f":
        x[np.isnan(x)] = np.nan
    return x.view(np.uint8)


@pytest.mark.parametrize("n", (1024, 1027, 40_003))
def test_a_transcendental_chain_matches_numpy_in_the_loop_form(n):
    h, g = _values(np.float32, n, 1), _values(np.float32, n, 2)
    with np.errstate(all="ignore"):
        ref = _heavy_chain(np, h, g)
    got = _heavy_chain(ga, ga.asarray(h), ga.asarray(g)).get()
    np.testing.assert_allclose(got, ref, rtol=3e-6, atol=3e-6, equal_nan=True)


@pytest.mark.parametrize("n", SIZES)
def test_float32_chain_matches_numpy_in_both_forms(form, n):
    h, g = _values(np.float32, n, 1), _values(np.float32, n, 2)
    with np.errstate(all="ignore"):
        ref = _chain(np, h, g)
    got = _chain(ga, ga.asarray(h), ga.asarray(g)).get()
    assert got.dtype == ref.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=3e-6, atol=3e-6, equal_nan=True)


@pytest.mark.parametrize("dtype", [np.int32, np.uint32])
@pytest.mark.parametrize("n", (1024, 1027, 4101))
def test_integer_chains_are_exact_in_both_forms(form, dtype, n):
    h, g = _values(dtype, n, 3), _values(dtype, n, 4)
    ref = _int_chain(np, h, g)
    got = _int_chain(ga, ga.asarray(h), ga.asarray(g)).get()
    assert got.dtype == ref.dtype
    np.testing.assert_array_equal(got, ref)
    # a cast in the chain: int32 operands to a float32 result
    ref2 = np.sqrt(np.abs(h.astype(np.float32))) + g.astype(np.float32)
    got2 = (ga.sqrt(ga.abs(ga.asarray(h).astype(np.float32))) + ga.asarray(g).astype(np.float32)).get()
    # (float32 sqrt: GPU drivers are within an ulp, not correctly rounded; the ulp is the square
    # root's, which the sum with g can cancel down to a much smaller result)
    root = np.sqrt(np.abs(h.astype(np.float32)))
    assert np.all(np.abs(got2 - ref2) <= np.abs(np.spacing(root)) + np.abs(np.spacing(ref2))), np.max(np.abs(got2 - ref2))


def _both_forms(fn, monkeypatch):
    out = {}
    for f in FORMS:
        monkeypatch.setattr(codegen, "VEC4_FORM", f)
        out[f] = fn()
    return out


@pytest.mark.parametrize("n", (1024, 1027, 8195))
def test_the_forms_give_the_same_bits(monkeypatch, n):
    h, g = _values(np.float32, n, 5), _values(np.float32, n, 6)
    r = _both_forms(lambda: _chain(ga, ga.asarray(h), ga.asarray(g)).get(), monkeypatch)
    np.testing.assert_array_equal(_bits(r["loop"]), _bits(r["unrolled"]))


def test_views_offsets_and_broadcast_operands(form):
    n = 5003
    big = _values(np.float32, n + 9, 7)
    gb = ga.asarray(big)
    s = np.float32(1.75)
    cases = [
        (gb[4:4 + n], big[4:4 + n]),  # offset a multiple of 4: vec4
        (gb[1:1 + n], big[1:1 + n]),  # odd offset: element by element
        (gb[::-1][:n], big[::-1][:n]),  # reversed: element by element
        (gb[: 2 * (n // 2): 2], big[: 2 * (n // 2): 2]),  # strided
    ]
    for gv, hv in cases:
        zero_d = ga.asarray(np.float32(-2.5))  # broadcast: one element for the whole output
        with np.errstate(all="ignore"):
            ref = _chain(np, hv, np.float32(-2.5)) * s
        got = (_chain(ga, gv, zero_d) * s).get()
        np.testing.assert_allclose(got, ref, rtol=3e-6, atol=3e-6, equal_nan=True)
    # a row broadcast over a 2-D operand
    m = _values(np.float32, 6 * 1031, 8).reshape(6, 1031)
    row = _values(np.float32, 1031, 9)
    with np.errstate(all="ignore"):
        ref = _chain(np, m, row)
    np.testing.assert_allclose(_chain(ga, ga.asarray(m), ga.asarray(row)).get(), ref, rtol=3e-6, atol=3e-6, equal_nan=True)


@pytest.mark.parametrize("n", (1024, 1025, 1027, 4098))
def test_a_store_into_a_view_leaves_its_neighbours_alone(form, n):
    """The tail group is stored element by element: the poison around the target survives."""
    poison = np.full(n + 12, np.float32(-7.125e30), np.float32)
    dst = ga.asarray(poison)
    h, g = _values(np.float32, n, 10), _values(np.float32, n, 11)
    ga.add(ga.asarray(h), ga.multiply(ga.asarray(g), np.float32(0.5)), out=dst[4:4 + n])
    got = dst.get()
    np.testing.assert_array_equal(got[:4], poison[:4])
    np.testing.assert_array_equal(got[4 + n:], poison[4 + n:])
    # (a driver may fuse the multiply and the add: one rounding instead of two; devices may flush
    # float32 subnormal results to zero, the H100 and H200 do)
    ref = h + g * np.float32(0.5)
    tiny = np.finfo(np.float32).tiny
    np.testing.assert_allclose(got[4:4 + n], ref, rtol=1.2e-7, atol=tiny)


@pytest.mark.parametrize("n", (1024, 1027, 4102))
def test_random_draws_fused_in_both_forms(monkeypatch, n):
    """Random draws computed a group at a time (one Philox block per group), and per element in
    the tail, give the same bits in both forms and the generator's unfused values."""
    def draw():
        g = ga.random.default_rng(42)
        u = g.random(n, dtype=np.float32)
        z = g.standard_normal(n, dtype=np.float32)
        return (u * 2.0 + z).get(), u.get(), z.get()

    r = _both_forms(draw, monkeypatch)
    for a, b in zip(r["loop"], r["unrolled"]):
        np.testing.assert_array_equal(_bits(a), _bits(b))
    fused, u, z = r["loop"]
    np.testing.assert_array_equal(fused, u * np.float32(2.0) + z)
    assert 0.0 <= u.min() and u.max() < 1.0 and abs(float(z.mean())) < 0.2


def test_the_loop_form_compiles_the_expression_once(monkeypatch):
    x = ga.asarray(_values(np.float32, 2051, 12))
    y = ga.asarray(_values(np.float32, 2051, 13))
    expr = _heavy_chain(ga, x, y)
    srcs = {}
    for f in FORMS:
        monkeypatch.setattr(codegen, "VEC4_FORM", f)
        out = ga.empty(2051, dtype=np.float32)
        plan = codegen.Plan(out._leaf())
        plan.walk(expr._node)
        plan.finish()
        assert codegen.vectorizable(plan)
        srcs[f] = codegen.source_vec4(plan)
    calls = {f: s.count("value(") - 1 for f, s in srcs.items()}  # less the definition
    assert calls == {"loop": 1, "unrolled": 5}
    for s in srcs.values():  # helpers once per kernel
        assert s.count("fn ga_sin_f32(") == 1 and s.count("fn ga_tanh_f32(") == 1


# ---- reductions: the vec4 group kernel folds its loaded groups in one loop over their lanes
def _reductions():
    rng = np.random.default_rng(21)
    x = rng.uniform(-3, 3, 12_347).astype(np.float32)
    x[[5, 600, 9000]] = [np.nan, -0.0, np.inf]
    m = rng.uniform(-2, 2, (5, 4100)).astype(np.float32)
    w = rng.integers(-1000, 1000, 8195, dtype=np.int32)
    gx, gm, gw = ga.asarray(x), ga.asarray(m), ga.asarray(w)
    with np.errstate(all="ignore"):
        cases = [
            (lambda: float(ga.nansum(gx * 1.5 + 0.25)), lambda: float(np.nansum(x * np.float32(1.5) + np.float32(0.25), dtype=np.float64))),
            (lambda: int(ga.argmax(ga.nan_to_num(gx) * -1.0)), lambda: int(np.argmax(np.nan_to_num(x) * np.float32(-1.0)))),
            (lambda: ga.sum(gm * gm, axis=1).get(), lambda: (m * m).sum(axis=1, dtype=np.float64).astype(np.float32)),
            (lambda: ga.mean(gm[:, 4:] - 1.0, axis=1).get(), lambda: (m[:, 4:] - np.float32(1.0)).mean(axis=1, dtype=np.float64).astype(np.float32)),
            (lambda: int(ga.sum(gw * 3 - 7)), lambda: int((w * 3 - 7).sum())),
            (lambda: float(ga.min(gx + 1.0)), lambda: float(np.min(x + np.float32(1.0)))),
        ]
    return cases


def test_reductions_give_the_same_bits_in_both_forms(monkeypatch):
    cases = _reductions()
    got = _both_forms(lambda: [f() for f, _ in cases], monkeypatch)
    for (f, ref), a, b in zip(cases, got["loop"], got["unrolled"]):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        r = ref()
        if isinstance(r, float) and np.isnan(r):
            assert np.isnan(a)
        else:
            np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(r, dtype=np.float64), rtol=2e-5, atol=1e-3)


def test_reduction_of_random_draws_in_both_forms(monkeypatch):
    def draw():
        g = ga.random.default_rng(9)
        u = g.random(9001, dtype=np.float32)
        return float((u * 4.0).sum()), u.get()

    r = _both_forms(draw, monkeypatch)
    assert r["loop"][0] == r["unrolled"][0]
    np.testing.assert_array_equal(r["loop"][1], r["unrolled"][1])
    np.testing.assert_allclose(r["loop"][0], float((r["loop"][1] * np.float32(4.0)).sum(dtype=np.float64)), rtol=1e-5)


def test_merged_reductions_give_the_same_bits_in_both_forms(monkeypatch):
    """Queued reductions over one iteration space run as one kernel (a struct accumulator)."""
    h = np.linspace(-1, 1, 8195, dtype=np.float32)
    k = np.linspace(2, 3, 8195, dtype=np.float32)

    def run():
        x, y = ga.asarray(h), ga.asarray(k)
        with ga.stats() as s:
            a, b, c = ga.sum(x), ga.sum(x * x), ga.max(x * y - 0.5)
            out = (float(a), float(b), float(c))
        assert s.dispatches == 1  # one merged kernel
        return out

    r = _both_forms(run, monkeypatch)
    assert r["loop"] == r["unrolled"]
    np.testing.assert_allclose(r["loop"], (h.sum(dtype=np.float64), (h * h).sum(dtype=np.float64), (h * k - np.float32(0.5)).max()),
                               rtol=1e-5, atol=1e-4)


def test_a_reduction_reading_a_random_draw_in_both_forms(monkeypatch):
    """The reduction kernels' group-at-a-time random lanes (the API evaluates a draw before
    reducing it, so the node is handed to the reduction here directly)."""
    red = pytest.importorskip("gpuarray._api.reductions")
    n = 8195

    def run():
        g = ga.random.default_rng(17)
        u = g.random(n, dtype=np.float32)
        with monkeypatch.context() as m:
            m.setattr(red, "_node", lambda x: x._node)
            s = float(ga.sum(u * 3.0))
        return s, u.get()

    r = _both_forms(run, monkeypatch)
    assert r["loop"][0] == r["unrolled"][0]
    np.testing.assert_array_equal(r["loop"][1], r["unrolled"][1])
    np.testing.assert_allclose(r["loop"][0], float((r["loop"][1] * np.float32(3.0)).sum(dtype=np.float64)), rtol=1e-5)


def test_the_loop_form_reduction_compiles_the_expression_once(monkeypatch):
    """One copy of the fused expression in a vec4 reduction kernel: groups and the tail fold
    through one loop (each copy costs a compile of the whole expression)."""
    from gpuarray._kernels import reduce as _reduce

    srcs = []
    real = _reduce.reduce_source

    def keep(plan):
        s = real(plan)
        srcs.append((plan.vec, s))
        return s

    monkeypatch.setattr(_reduce, "reduce_source", keep)
    monkeypatch.setattr(codegen, "VEC4_FORM", "loop")
    rng = np.random.default_rng(31)
    h, k = rng.uniform(-3, 3, (2, 8195)).astype(np.float32)
    got = float(ga.sum(_heavy_chain(ga, ga.asarray(h), ga.asarray(k)) * 0.0625 + 0.5))
    want = _heavy_chain(np, h, k) * np.float32(0.0625) + np.float32(0.5)
    vec = [s for v, s in srcs if v]
    assert vec, "the reduction took the vec4 kernel"
    for s in vec:
        assert s.count("elem(") - 1 == 1  # one call, less the definition
        assert s.count("ga_sin_f32(") == 2 and s.count("ga_tanh_f32(") == 2  # the definition and one call
    assert abs(got - want.sum(dtype=np.float64)) <= 1e-5 * np.abs(want).sum(dtype=np.float64)


@pytest.mark.parametrize("n", (1, 3, 5, 4097, 4098, 4099))
def test_reduction_tails_fold_every_element(monkeypatch, n):
    """The extreme and the unique values in the tail (the indices past the last full group of 4)."""
    def run():
        h = np.arange(n, dtype=np.int32) % 7 - 3
        h[-1] = 1000  # max, and the sum's witness, in the tail
        f = np.linspace(-1, 1, n, dtype=np.float32)
        f[-1] = -50.0
        m = np.tile(f, (3, 1))
        m[1, -1] = 77.0
        gh, gf, gm = ga.asarray(h), ga.asarray(f), ga.asarray(m)
        got = (int(ga.sum(gh * 2 + 1)), int(ga.argmax(gh + 0)), int(ga.argmin(gf * 2.0)), float(ga.max(gf * -1.0)),
               ga.argmax(gm + 0.0, axis=1).get().tolist(), ga.sum(gm * 1.0, axis=1).get().tolist())
        want = (int((h * 2 + 1).sum()), int(np.argmax(h)), int(np.argmin(f * 2)), float(np.max(-f)),
                np.argmax(m, axis=1).tolist(), m.sum(axis=1, dtype=np.float64).astype(np.float32).tolist())
        assert got[:5] == want[:5]
        np.testing.assert_allclose(got[5], want[5], rtol=1e-5, atol=1e-4)
        return got

    r = _both_forms(run, monkeypatch)
    assert r["loop"] == r["unrolled"]
