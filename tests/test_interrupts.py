"""Ctrl-C at any point of the runtime leaves every array right and the device usable.

A trace function interrupts a representative workload once per run, at its k-th executed line
inside the modules holding critical sections, for a seeded sample of k (GPUARRAY_INTERRUPT_SWEEP=all:
every k). After each run: the KeyboardInterrupt was delivered, every live array equals NumPy's
value before or after the interrupted step (and all of them the same one), arrays computed from a
buffer do not follow later writes to it, no device memory leaked, and the device still works."""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._lazy import array as _array, elementwise as _elementwise, product as _product
from gpuarray._lazy import reduce_queue as _reduce_queue
from gpuarray._api import linalg as _linalg
from gpuarray._kernels import matmul as _matmul
from gpuarray._kernels import reduce as _reduce_codegen
from gpuarray._kernels import codegen as _codegen
from gpuarray._device import runtime as _runtime

FILES = {m.__file__ for m in (_runtime, _codegen, _reduce_codegen, _elementwise, _array, _linalg, _matmul, _product, _reduce_queue)}
SAMPLES = int(os.environ.get("GPUARRAY_INTERRUPT_SAMPLES", "40"))
FULL = os.environ.get("GPUARRAY_INTERRUPT_SWEEP", "") == "all"

HW = np.random.default_rng(3).uniform(-4, 4, (33, 41)).astype(np.float32)
HX = np.random.default_rng(4).uniform(-4, 4, (33, 41)).astype(np.float32)


def _steps():
    """(gpu step, host step): each changes one name (or one buffer and its views) in its env."""
    f32 = np.float32

    def put(name, fn):
        return lambda e: e.__setitem__(name, fn(e))

    def iadd(name, other, scalar=None):
        def g(e):
            a = e[name]
            a += e[other] if scalar is None else scalar
            e[name] = a
        return g

    def imul(name, scalar):
        def g(e):
            a = e[name]
            a *= scalar
            e[name] = a
        return g

    def setw(e):
        e["w"][2:5, ::3] = 7.0

    def delete(name):
        return lambda e: e.pop(name, None)

    return [
        (put("w", lambda e: ga.asarray(HW)), put("w", lambda e: HW.copy())),
        (put("x", lambda e: ga.asarray(HX)), put("x", lambda e: HX.copy())),
        (put("v", lambda e: e["x"][1::2, ::3]), put("v", lambda e: e["x"][1::2, ::3])),  # a view of x
        (put("t", lambda e: e["x"] * 2.0 + e["w"]), put("t", lambda e: e["x"] * f32(2) + e["w"])),
        (iadd("t", "w"), iadd("t", "w")),  # t += w on a lazy t
        (put("s", lambda e: e["t"].sum()), put("s", lambda e: e["t"].sum())),  # queued reductions
        (put("m", lambda e: (e["x"] * e["w"]).max(axis=0)), put("m", lambda e: (e["x"] * e["w"]).max(axis=0))),
        (put("u", lambda e: e["x"][1::2] - 1.0), put("u", lambda e: e["x"][1::2] - f32(1))),
        (put("p", lambda e: e["x"][:9, :7] @ e["w"][:7, :5]), put("p", lambda e: e["x"][:9, :7] @ e["w"][:7, :5])),
        (imul("t", 0.5), imul("t", f32(0.5))),  # a loop of lazy in-place ops
        (iadd("t", "x"), iadd("t", "x")),
        (put("r", lambda e: e["t"].get()), put("r", lambda e: e["t"].copy())),  # a host read
        (iadd("x", None, 1.0), iadd("x", None, f32(1))),  # in place on a buffer others read
        (delete("u"), delete("u")),  # array deletion
        (put("y", lambda e: e["x"].astype(np.int32)), put("y", lambda e: e["x"].astype(np.int32))),
        (setw, setw),  # setitem into a buffer lazy arrays read
        (put("q", lambda e: float(e["t"].mean())), put("q", lambda e: float(e["t"].mean()))),
        (imul("t", 0.5), imul("t", f32(0.5))),
        (iadd("t", "x"), iadd("t", "x")),
        (put("z", lambda e: ga.sqrt(ga.abs(e["t"][1::2, ::3])) + e["v"]),
         put("z", lambda e: np.sqrt(np.abs(e["t"][1::2, ::3])) + e["v"])),
    ]


STEPS = _steps()


def _snap(h):
    return {k: np.array(v, copy=True) for k, v in h.items()}


def _matches(g, snap):
    return not _diff(g, snap)


def _diff(g, snap):
    """Names whose arrays differ from the snapshot's values (or are missing / extra)."""
    bad = sorted(set(g) ^ set(snap))
    for k, want in snap.items():
        if k not in g:
            continue
        got = g[k]
        got = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
        want = np.asarray(want)
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=1e-3):
            bad.append(k)
    return bad


def _noop():
    pass


def _run(k, mode):
    """The workload, interrupted at the k-th traced line (k=None: counts the lines). Returns
    (env, host env, snapshot before, snapshot after the interrupted step or None, interrupted, count)."""
    count = [0]
    g, h = {}, {}
    fired = [False]

    def local(frame, event, arg):
        if event == "line":
            count[0] += 1
            if k is not None and count[0] == k and not fired[0]:
                fired[0] = True
                if mode == "signal":
                    signal.raise_signal(signal.SIGINT)
                else:  # the handler, called at exactly this line
                    signal.getsignal(signal.SIGINT)(signal.SIGINT, frame)
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename in FILES else None

    interrupted = False
    before = after = None
    step = None
    sys.settrace(tracer)
    threading.settrace(tracer)
    try:
        for step, (gs, hs) in enumerate(STEPS):
            before = _snap(h)
            try:
                gs(g)
                for _ in range(3):  # a signal raised late is handled here, inside the step
                    _noop()
            except KeyboardInterrupt:
                interrupted = True
                hs(h)
                after = _snap(h)
                break
            hs(h)
        if not interrupted:
            try:  # a Ctrl-C kept from a finalizer comes out at the next section's end
                with _runtime.critical():
                    pass
                _noop()
            except KeyboardInterrupt:
                interrupted = True
                before = after = _snap(h)
    finally:
        sys.settrace(None)
        threading.settrace(None)
    return g, h, before, after, interrupted, count[0], step, fired[0]


@pytest.fixture
def handler():
    old = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    assert _runtime.install_interrupt_handler()
    yield
    signal.signal(signal.SIGINT, old)


def _check_after(g, h, before, after, interrupted, k, mode, step=None):
    ctx = f"interrupt at traced line {k} ({mode})"
    assert interrupted, f"{ctx}: the KeyboardInterrupt was lost"
    assert not _runtime._interrupted and _runtime._hold == 0, ctx
    assert not _runtime._lock._is_owned(), f"{ctx}: the device lock is still held"
    ok = threading.Event()
    t = threading.Thread(target=lambda: (_runtime._lock.acquire(timeout=10) and (_runtime._lock.release() or ok.set())))
    t.start()
    t.join()
    assert ok.is_set(), f"{ctx}: another thread cannot take the device lock"
    if _matches(g, before):
        state = before
    else:
        assert after is not None and _matches(g, after), (
            f"{ctx}: the arrays match neither the state before nor after step {step}: {_diff(g, before)} / "
            f"{after is not None and _diff(g, after)}")
        state = after
    h = {k2: np.array(v, copy=True) for k2, v in state.items()}
    # later writes into the buffers they read do not change computed arrays
    if isinstance(g.get("w"), ga.GpuArray):
        g["w"] += 100.0
        h["w"] = h["w"] + np.float32(100)
    if isinstance(g.get("x"), ga.GpuArray):
        g["x"][...] = -3.0
        h["x"][...] = -3.0
        if "v" in h:
            h["v"] = h["x"][1::2, ::3]
    assert _matches(g, h), f"{ctx}: an array followed a later write into a buffer it read"
    # the device still works
    a = ga.arange(1000, dtype=np.float32)
    assert float((a * 2.0 + 1.0).sum()) == float((np.arange(1000, dtype=np.float32) * 2 + 1).sum())


def _lines():
    g, h, *_rest, n, _, _ = _run(None, "count")
    assert _matches(g, h)
    return n


def _sample(n):
    ks = range(1, n + 1)
    if FULL:
        return list(ks)
    rng = np.random.default_rng(2024)
    return sorted(int(k) for k in rng.choice(np.arange(1, n + 1), size=min(SAMPLES, n), replace=False))


@pytest.mark.parametrize("mode", ["handler", "signal"])
def test_interrupt_at_every_critical_line(handler, mode):
    _lines()  # warm: every kernel compiled
    _lines()  # and every repeated plan kept for replay (the line count is then stable)
    n = _lines()
    assert n > 200
    dev = _runtime.device()
    dev.flush()
    gc.collect()
    base = dev.pool_info()["live_bytes"]
    fired = 0
    for k in _sample(n):
        g, h, before, after, interrupted, _, step, hit = _run(k, mode)
        if not hit:  # (finalizers and caches make the line count vary a little from run to run)
            assert k > 0.9 * n and not interrupted
            continue
        fired += 1
        _check_after(g, h, before, after, interrupted, k, mode, step)
        del g, h, before, after
        dev.flush()
        gc.collect(1)  # (a full collection of the test process costs ~0.1 s)
        info = dev.pool_info()
        assert info["live_bytes"] == base, f"interrupt at traced line {k} ({mode}): device memory leaked"
        assert info["held_bytes"] >= info["live_bytes"]
    print(f"{mode}: {n} traced lines, {fired} interrupted runs")
    assert fired >= 0.8 * len(_sample(n))


def test_interrupt_in_finalizer_is_kept_then_raised(handler):
    """A Ctrl-C while a Storage is finalized is not swallowed by ``__del__``: it is raised at the end
    of the next section, and the buffer went back to the pool."""
    dev = _runtime.device()
    dev.flush()
    gc.collect()
    base = dev.pool_info()["live_bytes"]
    a = ga.asarray(HW)
    st = a._node.storage
    del a

    def del_tracer(frame, event, arg):
        if frame.f_code is _runtime.Storage.__del__.__code__:
            signal.raise_signal(signal.SIGINT)
            sys.settrace(None)
        return None

    sys.settrace(del_tracer)
    try:
        del st  # the finalizer runs here
        for _ in range(3):
            _noop()
    finally:
        sys.settrace(None)
    assert _runtime._interrupted  # kept
    with pytest.raises(KeyboardInterrupt):
        with _runtime.critical():
            pass
    assert not _runtime._interrupted
    assert dev.pool_info()["live_bytes"] == base


def test_flush_failure_keeps_the_batch(monkeypatch):
    """A failure before the batch is handed to the device leaves it recorded for the next flush."""
    dev = _runtime.device()
    x = ga.asarray(HX)
    y = x * 3.0 - 1.0
    y._leaf()  # recorded, not submitted
    calls = []
    real = dev.queue.write_buffer

    def failing(*args, **kw):
        if not calls:
            calls.append(1)
            raise RuntimeError("injected")
        return real(*args, **kw)

    monkeypatch.setattr(dev.queue, "write_buffer", failing, raising=False)
    with pytest.raises(RuntimeError, match="injected"):
        dev.flush()
    monkeypatch.undo()
    # (drivers may contract x * 3 - 1 into one fma: near cancellation the error is relative to the
    # operands, not the result; a lost batch would leave stale or zero values)
    scale = float(np.abs(HX).max()) * 3
    np.testing.assert_allclose(y.get(), HX * np.float32(3) - np.float32(1), rtol=1e-6, atol=2e-7 * scale)


def test_handler_comes_back_after_a_reset_and_chains():
    """Jupyter sets Python's default handler for every cell: the next section puts the deferring
    one back. A Python handler already there is called (at once outside sections, at the section's
    end inside one); an ignored SIGINT stays ignored."""
    old = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        x = ga.asarray(HX)
        assert float((x * 2.0).sum()) == pytest.approx(float((HX * np.float32(2)).sum()), rel=1e-5)
        assert signal.getsignal(signal.SIGINT) is _runtime._on_sigint
        calls = []

        def mine(signum, frame):
            calls.append(_runtime._lock._is_owned())

        signal.signal(signal.SIGINT, mine)
        with _runtime.critical():
            assert signal.getsignal(signal.SIGINT) is _runtime._on_sigint
            signal.raise_signal(signal.SIGINT)
            for _ in range(3):
                _noop()
            assert calls == []  # deferred
        assert calls == [False]  # called once the section ended
        signal.raise_signal(signal.SIGINT)
        for _ in range(3):
            _noop()
        assert calls == [False, False]
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        float(x.sum())
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, old)
