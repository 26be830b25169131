"""Replay of repeated evaluations (_kernels/replay.py): a step recorded again reuses the plan of
the first time; its results must be those of a fresh plan, bit for bit."""
from __future__ import annotations

import gc
import warnings
import weakref

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._kernels import replay


@pytest.fixture
def replay_on():
    old = replay.ENABLED
    replay.ENABLED = True
    yield
    replay.ENABLED = old


def _count(name, fn):
    with ga.stats() as s:
        fn()
    return s.as_dict()[name]


def test_identical_steps_record_once(replay_on):
    x = ga.asarray(np.linspace(-3, 5, 1001, dtype=np.float32))
    y = ga.asarray(np.linspace(2, 9, 1001, dtype=np.float32)[::-1].copy())
    z = ga.full(1001, -7.0, dtype=ga.float32)  # poisoned
    zn = np.full(1001, -7.0, np.float32)
    xn, yn = x.get(), y.get()

    def loop():
        for i in range(300):
            z[...] = x * 2 + y * np.float32(i) - z * np.float32(0.5)

    with ga.stats() as s:
        loop()
    for i in range(300):
        zn[...] = xn * 2 + yn * np.float32(i) - zn * np.float32(0.5)
    d = s.as_dict()
    assert d["replays"] >= 297 and d["recipes"] == 1
    assert d["kernels_compiled"] <= 1
    np.testing.assert_array_equal(z.get(), zn)


def test_reductions_and_update_replayed(replay_on):
    # an NLMS step: three reductions merged into one kernel, then an in-place update
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((16, 40)).astype(np.float32) for _ in range(6)]
    Wn = np.zeros((16, 40), np.float32)
    W = ga.asarray(Wn)
    e = en = None
    with ga.stats() as s:
        for t in range(60):
            xh = xs[t % 6]
            x = ga.asarray(xh)
            d = ga.sum(x * x, axis=0)
            y = ga.sum(x * W, axis=0)
            e = d - y
            nx = ga.sum(x ** 2, axis=0) + 1e-3
            W += 0.5 * x * (e / nx)
            dn = np.sum(xh * xh, axis=0)
            en = dn - np.sum(xh * Wn, axis=0)
            Wn += np.float32(0.5) * xh * (en / (np.sum(xh ** 2, axis=0) + np.float32(1e-3)))
    assert s.as_dict()["replays"] >= 100
    np.testing.assert_allclose(W.get(), Wn, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(e.get(), en, rtol=1e-4, atol=1e-4)


def _program(seed, steps=40):
    """A loop whose structure changes at random steps: in-place writes, views with moving offsets,
    aliasing, casts, reductions, random draws, scalars that change every step. Returns host results."""
    r = np.random.default_rng(seed)
    a = ga.asarray(np.linspace(-2, 2, 203, dtype=np.float32))
    b = ga.asarray(np.cos(np.arange(203, dtype=np.float32)))
    acc = ga.zeros(7, dtype=ga.float32)
    gen = ga.random.default_rng(seed)
    outs = []
    shape = int(r.integers(0, 6))
    for t in range(steps):
        if r.random() < 0.2:
            shape = int(r.integers(0, 6))
        s = np.float32(r.uniform(-2, 2))
        if shape == 0:
            a[...] = a * s + b
        elif shape == 1:
            o = int(r.integers(0, 8))  # views at offsets of every alignment
            a[o:o + 100] = b[o + 1:o + 101] * s - a[o:o + 100]
        elif shape == 2:
            other = a if r.random() < 0.5 else b  # the same buffer or another
            b[...] = (a - other * s).astype(ga.int32).astype(ga.float32) * np.float32(0.25)
        elif shape == 3:
            acc += ga.stack([ga.sum(a * s), ga.max(b), ga.mean(a + b), ga.min(a * b), ga.sum(b * b),
                             ga.sum(a[::2]), ga.max(a[1::3] * s)])
        elif shape == 4:
            a += gen.standard_normal(203, dtype=ga.float32) * s
        else:
            m = a.reshape(7, 29)
            acc[...] = ga.sum(m * s, axis=1) + ga.max(m, axis=1)
        if r.random() < 0.3:
            outs.append(a.get().copy())
    outs += [a.get(), b.get(), acc.get()]
    return outs


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_replayed_equals_planned_bit_for_bit(seed):
    old = replay.ENABLED
    try:
        replay.ENABLED = False
        planned = _program(seed)
        replay.ENABLED = True
        with ga.stats() as s:
            replayed = _program(seed)
    finally:
        replay.ENABLED = old
    assert s.as_dict()["replays"] > 0
    assert len(planned) == len(replayed)
    for p, q in zip(planned, replayed):
        np.testing.assert_array_equal(p.view(np.uint32), q.view(np.uint32))


def test_alignment_and_aliasing_changes(replay_on):
    base = np.arange(64, dtype=np.float32) * np.float32(0.5) - 9
    x = ga.asarray(base)
    y = ga.asarray(base[::-1].copy())
    for o in [0, 4, 1, 4, 0, 3, 8, 2, 0, 4]:  # aligned (vec4 kernel) and not: different kernels
        out = ga.full(40, np.nan, dtype=ga.float32)
        out[...] = x[o:o + 40] * 3 + y[o:o + 40]
        np.testing.assert_array_equal(out.get(), base[o:o + 40] * 3 + base[::-1][o:o + 40])
    for i, (p, q) in enumerate([(x, y), (x, x), (y, y), (x, y), (y, x)] * 2):
        out = ga.full(64, np.nan, dtype=ga.float32)
        out[...] = p * np.float32(i) - q
        np.testing.assert_array_equal(out.get(), p.get() * np.float32(i) - q.get())


def test_write_into_operand_buffer(replay_on):
    # the output is one of the inputs on some steps (the plan binds it once, writable)
    xn = np.linspace(1, 2, 50, dtype=np.float32)
    yn = xn[::-1].copy()
    x, y = ga.asarray(xn), ga.asarray(yn)
    for i in range(8):
        tgt, tn = (x, xn) if i % 3 else (y, yn)
        tgt[...] = x * y + np.float32(i)
        tn[...] = xn * yn + np.float32(i)
        np.testing.assert_array_equal(x.get(), xn)
        np.testing.assert_array_equal(y.get(), yn)


def test_recipes_hold_no_buffers(replay_on):
    from gpuarray._graph.nodes import Leaf
    x = ga.arange(300, dtype=ga.float32)
    for _ in range(4):
        t = ga.full(300, 2.0, dtype=ga.float32)
        x[...] = x + t * 2
        s = ga.sum(t * x)
    float(s)
    ref = weakref.ref(t._node.storage)
    del t, s
    gc.collect()
    assert ref() is None or all(ref() is not b for b in _recipe_storages())
    assert all(b is None for b in _recipe_storages())


def _recipe_storages():
    from gpuarray._graph.nodes import Leaf
    out = []
    for r in ga._device.runtime.device().recipes.values():
        if isinstance(r, replay.Recipe):
            out += [b[0] for b in r.plan.bindings]
            out += [n.storage for n in r.plan.nodes if type(n) is Leaf] + [r.plan.out.storage]
            out += [st for n in r.plan.nodes for st in n.storages]
    return out


def test_bounded_and_changing_structures(replay_on, monkeypatch):
    monkeypatch.setattr(replay, "MAX_RECIPES", 8)
    x = ga.asarray(np.arange(30, dtype=np.float32))
    for i in range(60):
        k = i % 13  # 13 structures cycling through 8 slots
        e = x
        for _ in range(k + 1):
            e = e * np.float32(1.5) - np.float32(i)
        out = e.get()
        en = np.arange(30, dtype=np.float32)
        for _ in range(k + 1):
            en = en * np.float32(1.5) - np.float32(i)
        np.testing.assert_array_equal(out, en)
        assert len(ga._device.runtime.device().recipes) <= 8


def test_replayed_kernels_report_fp_errors(replay_on):
    x = ga.asarray(np.linspace(0.5, 2, 20, dtype=np.float32))
    out = ga.zeros(20, dtype=ga.float32)
    for i in range(6):
        s = np.float32(1.0 if i != 4 else -5.0)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out[...] = ga.log(x * s)
            host = out.get()
        msgs = [str(m.message) for m in w if issubclass(m.category, RuntimeWarning)]
        if i == 4:
            assert any("invalid value encountered in log" in m for m in msgs), msgs
            assert np.isnan(host).all()
        else:
            assert not msgs
            np.testing.assert_allclose(host, np.log(np.linspace(0.5, 2, 20, dtype=np.float32)), rtol=2e-6)


def test_merged_reductions_whose_roots_share_nodes(replay_on):
    # two queued sums merged into one kernel: roots (x, x + x), then (x + x, x + x) (the same node
    # twice): the same nodes in walk order, different members
    xn = (np.arange(16) % 5 - 2).astype(np.int16) * 2
    for _ in range(3):
        x = ga.asarray(xn)
        e = x + x
        s1, s2 = ga.sum(x), ga.sum(e)
        assert int(s1) == int(np.sum(xn)) and int(s2) == int(np.sum(xn + xn))
        t1, t2 = ga.sum(e), ga.sum(e)
        assert int(t1) == int(t2) == int(np.sum(xn + xn))


def test_random_draws_replayed(replay_on):
    # a Monte Carlo step: the draws' key and counter are the replayed words; the numbers must be
    # those of a fresh plan (the same generator state without replay)
    def run():
        g = ga.random.default_rng(11)
        s = ga.full(3000, 100.0, dtype=ga.float32)
        for _ in range(12):
            s = s * ga.exp(np.float32(0.01) + np.float32(0.2) * g.standard_normal(3000, dtype=ga.float32))
        return s.get()
    with ga.stats() as st:
        a = run()
    old = replay.ENABLED
    try:
        replay.ENABLED = False
        b = run()
    finally:
        replay.ENABLED = old
    np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))
