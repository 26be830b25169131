"""Concurrent use from threads gives the results of sequential use (checked against NumPy on the
same inputs, per thread). GPUARRAY_THREAD_OPS scales the stress test's operations per thread."""
from __future__ import annotations

import os
import sys
import threading

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._device import runtime as _runtime

THREADS = 8
OPS = int(os.environ.get("GPUARRAY_THREAD_OPS", "500"))


def _close(got, want, rtol=1e-5, atol=1e-5):
    assert isinstance(got, ga.GpuArray)
    h = got.get()
    assert h.shape == np.shape(want) and h.dtype == np.asarray(want).dtype, (h.shape, h.dtype, np.shape(want))
    np.testing.assert_allclose(h, want, rtol=rtol, atol=atol)


def _exact(got, want):
    h = got.get()
    assert h.dtype == np.asarray(want).dtype
    np.testing.assert_array_equal(h, want)


class _Worker:
    """One thread's arrays, their NumPy twins, and a mix of operations on them."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        r = self.rng
        self.hx = r.uniform(-3, 3, (37, 45)).astype(np.float32)
        self.hy = r.uniform(-3, 3, (37, 45)).astype(np.float32)
        self.hm = r.uniform(-1, 1, (24, 24)).astype(np.float32)
        self.hk = r.integers(-1000, 1000, 300).astype(np.int32)
        self.x, self.y, self.m, self.k = (ga.asarray(a) for a in (self.hx, self.hy, self.hm, self.hk))

    def chain(self):
        _close(ga.sqrt(ga.abs(self.x)) * 2.0 + self.y - 1.0, np.sqrt(np.abs(self.hx)) * np.float32(2) + self.hy - 1)

    def reductions(self):
        # built before any is read: they queue and run as multi-output kernels
        s1, s2, s3, s4 = self.x.sum(), self.y.max(axis=0), (self.x * self.y).sum(axis=1), self.k.sum()
        s5 = self.y.min()
        _close(s1, self.hx.sum(), rtol=1e-4, atol=1e-3)
        _exact(s2, self.hy.max(axis=0))
        _close(s3, (self.hx * self.hy).sum(axis=1), rtol=1e-4, atol=1e-3)
        _exact(s4, self.hk.sum())
        _exact(s5, self.hy.min())

    def matmul(self):
        _close(self.m @ self.m.T, self.hm @ self.hm.T, rtol=1e-4, atol=1e-4)

    def views(self):
        v = self.x[1::2, 3:40:3]
        _close(v * 3.0 + self.y[1::2, 3:40:3], self.hx[1::2, 3:40:3] * np.float32(3) + self.hy[1::2, 3:40:3])

    def inplace_leaf(self):
        self.x *= 0.5
        self.x += self.y
        self.hx *= np.float32(0.5)
        self.hx += self.hy
        _close(self.x, self.hx)

    def inplace_lazy(self):
        t = self.x * 1.5
        t += self.y
        t -= 2.0
        _close(t, self.hx * np.float32(1.5) + self.hy - np.float32(2))

    def setitem(self):
        v = float(self.rng.integers(1, 9))
        self.y[3:9, ::4] = v
        self.hy[3:9, ::4] = v
        self.y[0] = self.x[1]
        self.hy[0] = self.hx[1]
        _close(self.y, self.hy)

    def ints(self):
        _exact(self.k * 3 - 7, self.hk * 3 - 7)
        self.k[5:20] = self.k[5:20] + 1
        self.hk[5:20] += 1
        _exact(self.k, self.hk)
        assert int(self.k[7]) == int(self.hk[7])

    def creation(self):
        _close(ga.arange(50, dtype=np.float32) * 0.5 + ga.ones(50, np.float32), np.arange(50, dtype=np.float32) * 0.5 + 1)
        _exact(ga.full((7, 3), 4, dtype=np.int32) - ga.asarray(self.hk[:3]), np.full((7, 3), 4, np.int32) - self.hk[:3])

    def astype(self):
        _exact((self.x * 10.0).astype(np.int32), (self.hx * np.float32(10)).astype(np.int32))

    def mean(self):
        assert abs(float(self.k.mean()) - float(self.hk.mean())) <= 1e-3 * max(1.0, abs(float(self.hk.mean())))

    def keep_bounded(self):
        """Values stay in range however many in-place ops run."""
        if np.abs(self.hx).max() > 50:
            self.x[...] = self.hx = self.rng.uniform(-3, 3, self.hx.shape).astype(np.float32)

    OPS = ("chain", "reductions", "matmul", "views", "inplace_leaf", "inplace_lazy", "setitem", "ints", "creation",
           "astype", "mean")

    def run(self, n):
        for _ in range(n):
            getattr(self, self.OPS[self.rng.integers(len(self.OPS))])()
            self.keep_bounded()

    def warm(self):
        for name in self.OPS:
            getattr(self, name)()


def _run_threads(target, n):
    errors = []

    def wrap(i):
        try:
            target(i)
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append((i, e))

    ts = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(300)
    assert not any(t.is_alive() for t in ts), "a thread hung"
    if errors:
        raise errors[0][1]


def test_two_threads_reduce_their_own_arrays():
    hosts = [np.random.default_rng(s).uniform(0.5, 2.0, 1000 + 37 * s).astype(np.float32) for s in range(2)]
    arrs = [ga.asarray(h) for h in hosts]
    float(arrs[0].sum())  # compile outside the threads
    got = [[], []]

    def work(i):
        for _ in range(100):
            got[i].append(float(arrs[i].sum()))

    _run_threads(work, 2)
    for i in range(2):
        assert len(got[i]) == 100
        np.testing.assert_allclose(got[i], [hosts[i].sum()] * 100, rtol=1e-5)


def test_thread_stress_matches_numpy():
    _Worker(999).warm()  # every kernel compiled once before the threads start
    workers = [_Worker(s) for s in range(THREADS)]
    _run_threads(lambda i: workers[i].run(OPS), THREADS)
    for w in workers:  # the final states agree as well
        _close(w.x, w.hx)
        _close(w.y, w.hy)
        _exact(w.k, w.hk)
    info = _runtime.device().pool_info()
    assert info["held_bytes"] >= info["live_bytes"] >= 0


def test_threads_share_a_read_only_input():
    """Threads reading one lazy array evaluate it once and agree (NumPy on the same input)."""
    h = np.random.default_rng(5).uniform(-2, 2, (64, 33)).astype(np.float32)
    base = ga.asarray(h)
    shared = base * 2.0 + 1.0  # lazy, read by every thread
    want = h * np.float32(2) + np.float32(1)
    out = [None] * 6

    def work(i):
        acc = []
        for j in range(20):
            acc.append(float((shared[i::6] * float(j)).sum()))
        out[i] = acc

    _run_threads(work, 6)
    for i in range(6):
        np.testing.assert_allclose(out[i], [(want[i::6] * np.float32(j)).sum() for j in range(20)], rtol=1e-4, atol=1e-3)


def test_dask_threaded_scheduler():
    dask = pytest.importorskip("dask")
    hosts = [np.random.default_rng(10 + s).uniform(-1, 1, (40, 40)).astype(np.float32) for s in range(12)]

    @dask.delayed
    def step(h):
        a = ga.asarray(h)
        return float((a @ a.T).sum()), float((a * 2.0 - 1.0).max()), (a.T @ a).get()

    res = dask.compute(*[step(h) for h in hosts], scheduler="threads", num_workers=6)
    for h, (s, mx, p) in zip(hosts, res):
        np.testing.assert_allclose(s, (h @ h.T).sum(), rtol=1e-3, atol=1e-3)
        assert mx == float((h * np.float32(2) - np.float32(1)).max())
        np.testing.assert_allclose(p, h.T @ h, rtol=1e-4, atol=1e-4)


def test_threads_drawing_from_one_generator_get_disjoint_blocks():
    """Like NumPy's Generator: concurrent draws take disjoint parts of the stream, so together
    they are exactly the values of the same draws made one after another."""
    g = ga.random.default_rng(77)
    g.random(64).get()  # compile outside the threads
    out = [[] for _ in range(6)]

    def work(i):
        for _ in range(400):  # draws are lazy: the threads race on the generator alone
            out[i].append(g.random(64))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between any two bytecodes
    try:
        _run_threads(work, 6)
    finally:
        sys.setswitchinterval(old)
    got = np.sort(ga.concat([a for o in out for a in o]).get())
    ref = ga.random.default_rng(77)
    ref.random(64).get()
    seq = np.sort(ga.concat([ref.random(64) for _ in range(2400)]).get())
    np.testing.assert_array_equal(got, seq)
