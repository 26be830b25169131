"""Devices as values: ``gpuarray.devices()``, ``device=``, ``x.device``, ``to_device``, mixing
errors, the default device (``GPUARRAY_ADAPTER``, ``with gpuarray.device(d):``) and per-device
state (kernel cache, pool, flag words). One adapter is enough: a second logical device is a
second wgpu device requested from it (``gpuarray.Device(index, slot=1)``)."""
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._device import runtime as _runtime


@pytest.fixture(scope="module")
def d0():
    return ga.default_device()


@pytest.fixture(scope="module")
def d1(d0):
    return ga.Device(d0.index, slot=1)


def _run(code: str, **env) -> subprocess.CompletedProcess:
    e = dict(os.environ, **env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=e,
                          timeout=300)


# ---------------------------------------------------------------- values
def test_devices_are_values(d0, d1):
    devs = ga.devices()
    assert devs and all(isinstance(d, ga.Device) for d in devs)
    assert [d.index for d in devs if d.slot == 0] == list(range(len([d for d in devs if d.slot == 0])))
    for d in devs:
        assert d.name and d.summary and d.backend is not None
        assert d.limits["max-storage-buffer-binding-size"] > 0 and isinstance(d.features, tuple)
        assert d.segment_bytes & (d.segment_bytes - 1) == 0  # a power of two
    assert d0 in devs
    assert d1 != d0 and d1 == ga.Device(d0.index, slot=1) and hash(d1) == hash(ga.Device(d0.index, 1))
    assert len({d0, d1, ga.Device(d0.index)}) == 2
    assert d0 != "gpu" and d0 != d0.index
    assert repr(d1).startswith(f"Device({d0.index}, slot=1, name=") and d0.summary in repr(d1)
    assert pickle.loads(pickle.dumps(d1)) == d1
    assert ga.Device(d0.summary[:8]) .index == ga.Device(d0.summary[:8]).index  # a name substring
    with pytest.raises(ValueError, match="adapter"):
        ga.Device(len([d for d in devs if d.slot == 0]) + 5)
    with pytest.raises(ValueError, match="matches none"):
        ga.Device("no-such-adapter-name")
    with pytest.raises(ValueError, match="slot"):
        ga.Device(0, slot=-1)


def test_array_api_info_lists_devices(d0, d1):
    x = ga.ones(2, device=d1)  # (opens the second device)
    info = ga.__array_namespace_info__()
    assert d0 in info.devices() and d1 in info.devices() and x.device == d1
    assert info.default_device() == d0
    with ga.device(d1):
        assert info.default_device() == d1
    assert info.dtypes(device=d1) == info.dtypes(device=d0)
    assert info.default_dtypes(device=d1)["real floating"] == info.default_dtypes()["real floating"]


# ---------------------------------------------------------------- device= and x.device
_CREATION = [
    ("asarray", lambda d: ga.asarray([[1.5, -2.0, np.nan], [0.0, -0.0, 7.25]], device=d),
     np.array([[1.5, -2.0, np.nan], [0.0, -0.0, 7.25]])),
    ("array", lambda d: ga.array(np.arange(7, dtype=np.int32) - 3, device=d), np.arange(7, dtype=np.int32) - 3),
    ("asanyarray", lambda d: ga.asanyarray(3.5, device=d), np.asarray(3.5)),
    ("full", lambda d: ga.full((3, 5), -1.25, dtype=ga.float32, device=d), np.full((3, 5), -1.25, np.float32)),
    ("zeros", lambda d: ga.zeros((2, 3), dtype=ga.int16, device=d), np.zeros((2, 3), np.int16)),
    ("ones", lambda d: ga.ones(5, device=d), np.ones(5)),
    ("empty", lambda d: ga.empty((0, 3), device=d), np.empty((0, 3))),
    ("arange", lambda d: ga.arange(2, 19, 3, device=d), np.arange(2, 19, 3)),
    ("eye", lambda d: ga.eye(4, 3, k=1, device=d), np.eye(4, 3, k=1)),
    ("identity", lambda d: ga.identity(3, device=d), np.identity(3)),
    ("linspace", lambda d: ga.linspace(-1, 2, 7, device=d), np.linspace(-1, 2, 7)),
    ("full_like", lambda d: ga.full_like(ga.ones((2, 2), ga.int32), 9, device=d), np.full((2, 2), 9, np.int32)),
    ("zeros_like", lambda d: ga.zeros_like(ga.ones(3), device=d), np.zeros(3)),
    ("ones_like", lambda d: ga.ones_like(ga.zeros((2, 1), ga.uint8), device=d), np.ones((2, 1), np.uint8)),
    ("empty_like", lambda d: ga.empty_like(ga.zeros(4), device=d), None),
]


@pytest.mark.parametrize("name,make,expected", _CREATION, ids=[c[0] for c in _CREATION])
def test_device_argument_of_creation_functions(d0, d1, name, make, expected):
    for d in (d0, d1):
        x = make(d)
        assert x.device == d, name
        if expected is not None:
            np.testing.assert_array_equal(x.get(), expected)
            assert x.dtype == expected.dtype
        # the data is in the device's own buffers
        node = x._leaf()
        assert node.storage.dev is d.runtime()


def test_device_argument_refuses_unknown_values():
    with pytest.raises(ValueError, match="unsupported device"):
        ga.zeros(3, device="cpu")
    with pytest.raises(ValueError, match="unsupported device"):
        ga.asarray([1.0], device=object())


# ---------------------------------------------------------------- to_device
def test_to_device_copies_through_the_host_and_counts(d0, d1):
    rng = np.random.default_rng(0)
    h = rng.standard_normal((37, 11)).astype(np.float32)
    h[0, 0], h[1, 1], h[2, 2] = np.nan, -np.inf, -0.0
    x = ga.asarray(h)
    with ga.stats() as s:
        y = x.to_device(d1)
    assert y.device == d1 and x.device == d0
    assert s.device_transfers == 1 and s.device_transfer_bytes == h.nbytes
    np.testing.assert_array_equal(y.get(), h)
    assert np.signbit(y.get()[2, 2])
    assert x.to_device(d0) is x  # already there: itself
    # views, lazy expressions, 0-d and empty arrays; the namespace's function
    v = x[::-3, 1::2].T
    z = ga.to_device(v, d1)
    np.testing.assert_array_equal(z.get(), h[::-3, 1::2].T)
    e = ga.to_device(ga.exp(x[:5]) * 2 - 1, d1)
    np.testing.assert_array_equal(e.get(), (ga.exp(x[:5]) * 2 - 1).get())  # the source's bits
    np.testing.assert_allclose(e.get(), np.exp(h[:5]) * 2 - 1, rtol=1e-6, atol=1e-6)
    s0 = ga.to_device(x[3, 4], d1)
    assert s0.shape == () and s0.get() == h[3, 4]
    empty = ga.to_device(ga.zeros((0, 4), ga.int64), d1)
    assert empty.shape == (0, 4) and empty.dtype == np.int64 and empty.device == d1
    # and back: a writable copy, independent of the source
    back = y.to_device(d0)
    back[0] = 5
    np.testing.assert_array_equal(y.get()[0], h[0])
    with pytest.raises(ValueError, match="device"):
        x.to_device(None)
    # asarray(device=) of an array of another device copies (NumPy's array API rule), not copy=False
    w = ga.asarray(x, device=d1)
    assert w.device == d1
    np.testing.assert_array_equal(w.get(), h)
    with pytest.raises(ValueError, match="copy"):
        ga.asarray(x, device=d1, copy=False)


# ---------------------------------------------------------------- mixing devices
def test_operations_mixing_devices_raise_naming_both(d0, d1):
    a = ga.arange(6.0).reshape(2, 3)
    b = ga.arange(6.0, device=d1).reshape(2, 3)
    cases = [
        lambda: a + b,
        lambda: b * a,
        lambda: ga.add(a, b),
        lambda: np.add(a, b),
        lambda: a @ b.T,
        lambda: ga.matmul(a, b.T),
        lambda: ga.where(a > 1, a, b),
        lambda: ga.concatenate([a, b]),
        lambda: ga.stack((a, b)),
        lambda: np.concatenate([a, b]),
        lambda: ga.add(a, 1.0, out=b),
        lambda: ga.arange(3.0) + ga.arange(3.0, device=d1),  # (expressions reading no buffer)
        lambda: a.dot(b.T),
    ]
    for f in cases:
        with pytest.raises(ValueError) as ei:
            f()
        msg = str(ei.value)
        assert "different devices" in msg and "slot=1" in msg and "to_device" in msg, msg
    with pytest.raises(ValueError, match="different devices"):
        a[0] = b[1]
    with pytest.raises(ValueError, match="different devices"):
        a += b
    # nothing was written or copied
    np.testing.assert_array_equal(a.get(), np.arange(6.0).reshape(2, 3))


# ---------------------------------------------------------------- the same program on both devices
def _program(xp, x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        e = xp.sqrt(xp.abs(x)) * 2 - y / 3
        r = [e, e.sum(axis=0), e.max(axis=1), xp.cumsum(x, axis=1), x @ y.T, xp.sort(y, axis=None),
             x[[2, 0, 5], 1:], xp.where(x > 0, x, -y), (x * y).mean(), xp.argmax(y, axis=0),
             xp.fft.fft(x, axis=1), xp.linalg.solve(x[:5] @ x[:5].T + xp.diag(y[:5, 0] ** 2 + 5), y[:5])]
    return r


def test_same_program_on_both_devices_matches_numpy(d0, d1):
    rng = np.random.default_rng(1)
    hx = rng.standard_normal((7, 5)).astype(np.float32)
    hy = rng.standard_normal((7, 5)).astype(np.float32)
    hx[3, 2] = -0.0
    want = _program(np, hx, hy)
    for d in (d0, d1):
        x, y = ga.asarray(hx, device=d), ga.asarray(hy, device=d)
        got = _program(ga, x, y)
        for g, w in zip(got, want):
            assert g.device == d
            np.testing.assert_allclose(g.get(), w, rtol=2e-5, atol=2e-6)
    # each device compiled its kernels into its own cache
    assert d0.runtime()._kernels and d1.runtime()._kernels
    assert d0.runtime() is not d1.runtime()
    assert not set(map(id, d0.runtime()._kernels.values())) & set(map(id, d1.runtime()._kernels.values()))


def test_floating_point_flags_are_per_device(d0, d1):
    h = np.array([1.0, 0.0, 4.0, -1.0], np.float32)
    x0, x1 = ga.asarray(h, device=d0), ga.asarray(h, device=d1)
    l1 = ga.log(x1)
    l0 = ga.log(x0[:1])  # no error on device 0
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        np.testing.assert_array_equal(l0.get(), [0.0])
    assert not [m for m in w if issubclass(m.category, RuntimeWarning)]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            want = np.log(h)
        np.testing.assert_array_equal(l1.get(), want)
    msgs = {str(m.message) for m in w if issubclass(m.category, RuntimeWarning)}
    assert msgs == {"divide by zero encountered in log", "invalid value encountered in log"}
    assert d1.runtime()._fpe is not None and d1.runtime()._fpe is not d0.runtime()._fpe


def test_pools_are_per_device(d0, d1):
    r0, r1 = d0.runtime(), d1.runtime()
    x = ga.asarray(np.arange(1000, dtype=np.float32), device=d1)
    st = x._leaf().storage
    assert st.dev is r1 and st.buffer in r1._owned and st.buffer not in r0._owned
    del x, st
    import gc
    gc.collect()
    y = ga.asarray(np.arange(1000, dtype=np.float32) * 3)  # device 0: never a buffer of device 1
    assert y._leaf().storage.buffer in r0._owned
    np.testing.assert_array_equal(y.get(), np.arange(1000, dtype=np.float32) * 3)


def test_queued_reductions_of_two_devices(d0, d1):
    h = np.arange(24, dtype=np.float32).reshape(4, 6) - 7.5
    a, b = ga.asarray(h, device=d0), ga.asarray(h * 2, device=d1)
    s0, s1, m0, m1 = a.sum(axis=1), b.sum(axis=1), a.min(axis=0), b.min(axis=0)  # queued, not run
    np.testing.assert_array_equal(s1.get(), (h * 2).sum(axis=1))
    np.testing.assert_array_equal(m0.get(), h.min(axis=0))
    np.testing.assert_array_equal(s0.get(), h.sum(axis=1))
    np.testing.assert_array_equal(m1.get(), (h * 2).min(axis=0))


# ---------------------------------------------------------------- the default device
def test_with_device_sets_the_default_per_thread(d0, d1):
    assert ga.default_device() == d0
    with ga.device(d1) as d:
        assert d == d1 and ga.default_device() == d1
        x = ga.arange(5.0)
        h = ga.asarray(np.ones(3))
        seen = []
        t = threading.Thread(target=lambda: seen.append(ga.zeros(2).device))
        t.start()
        t.join()
        with ga.device(d0):
            assert ga.ones(1).device == d0
        assert ga.ones(1).device == d1
        # arrays of device 0 still compute on device 0 inside the block
        y = ga.arange(4.0, device=d0)
        np.testing.assert_array_equal((y * 2).get(), np.arange(4.0) * 2)
        assert (y * 2).device == d0
    assert seen == [d0]  # another thread keeps its own default
    assert x.device == d1 and h.device == d1 and ga.default_device() == d0
    # an expression reading no buffer stays on the device it was built on
    np.testing.assert_array_equal((x + 1).get(), np.arange(5.0) + 1)
    assert (x + 1).device == d1


def test_host_operands_go_to_the_arrays_device(d1):
    b = ga.arange(4.0, device=d1)
    for r in (b + np.ones(4), np.ones(4) - b, ga.maximum(b, [1, 2, 0, 9]), b * np.float64(2), b == None,  # noqa: E711
              b != "a", np.sum(b), np.mean(b[None], axis=0), b.T, ga.asarray([b, b]), ga.stack([b, b])):
        assert r.device == d1
    np.testing.assert_array_equal((b + np.ones(4)).get(), np.arange(4.0) + 1)
    b[1:3] = np.array([7.0, 8.0])
    np.testing.assert_array_equal(b.get(), [0.0, 7.0, 8.0, 3.0])


def test_threads_on_two_devices(d0, d1):
    errs, out = [], {}

    def work(d, k):
        try:
            x = ga.asarray(np.arange(300, dtype=np.float32) * k, device=d)
            acc = 0.0
            for i in range(5):
                acc += float((x * i + 1).sum())
            out[d] = acc
        except Exception as e:  # pragma: no cover (reported below)
            errs.append(e)

    ts = [threading.Thread(target=work, args=(d, k)) for d, k in ((d0, 1.0), (d1, 2.0))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errs
    for d, k in ((d0, 1.0), (d1, 2.0)):
        x = np.arange(300, dtype=np.float32) * k
        assert out[d] == pytest.approx(sum(float((x * i + 1).sum()) for i in range(5)), rel=1e-6)


def test_default_adapter_from_environment(d0):
    code = "import gpuarray as ga; d = ga.default_device(); print(d.index, d.slot, ga.ones(2).device == d)"
    r = _run(code, GPUARRAY_ADAPTER=str(d0.index))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(d0.index), "0", "True"]
    r = _run(code, GPUARRAY_ADAPTER=d0.summary.split(" ")[0].upper())  # a name substring, any case
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == str(ga.Device(d0.summary.split(" ")[0]).index)
    r = _run(code, GPUARRAY_ADAPTER="no-such-adapter")
    assert r.returncode != 0 and "matches none" in r.stderr


# ---------------------------------------------------------------- functions follow their operands
_ON_OPERANDS = [
    ("sort", lambda xp, x: xp.sort(x, axis=1)),
    ("unique", lambda xp, x: xp.unique(xp.round(x))),
    ("cumsum", lambda xp, x: xp.cumsum(x, axis=0)),
    ("diff", lambda xp, x: xp.diff(x, axis=1)),
    ("flip_roll", lambda xp, x: xp.roll(xp.flip(x, 0), 2)),
    ("nonzero", lambda xp, x: xp.nonzero(x > 0.5)[1]),
    ("argsort", lambda xp, x: xp.argsort(x[0], kind="stable")),
    ("percentile", lambda xp, x: xp.percentile(x, [10, 50], axis=1)),
    ("histogram", lambda xp, x: xp.histogram(x, bins=4, range=(-2, 2))[0]),
    ("pad", lambda xp, x: xp.pad(x, 1)),
    ("tile", lambda xp, x: xp.tile(x[:2], (2, 1))),
    ("concatenate", lambda xp, x: xp.concatenate([x, x * 2], axis=1)),
    ("tril_outer", lambda xp, x: xp.tril(xp.outer(x[0], x[1]))),
    ("norm", lambda xp, x: xp.linalg.norm(x, axis=1)),
    ("rfft", lambda xp, x: xp.fft.rfft(x, axis=1)),
    ("take_along", lambda xp, x: xp.take_along_axis(x, xp.argsort(x, axis=1), axis=1)),
    ("fancy_set", lambda xp, x: _fancy_set(x)),
    ("add_at", lambda xp, x: _add_at(xp, x)),
]


def _fancy_set(x):
    y = x.copy()
    y[[0, 2], 1:3] = -5.0
    y[y > 1] = 0.0
    return y


def _add_at(xp, x):
    y = xp.zeros_like(x[0]) if xp is np else xp.zeros_like(x[0], device=x.device)
    xp.add.at(y, [0, 1, 1, 3], x[1, :4])
    return y


@pytest.mark.parametrize("name,f", _ON_OPERANDS, ids=[c[0] for c in _ON_OPERANDS])
def test_functions_run_on_their_operands_device(d0, d1, name, f):
    h = np.random.default_rng(5).standard_normal((5, 6)).astype(np.float32)
    want = f(np, h)
    x = ga.asarray(h, device=d1)
    for xp in (ga, np):  # the namespace's function, and NumPy's dispatch to it
        got = f(xp, x)
        assert isinstance(got, ga.GpuArray) and got.device == d1, (name, xp.__name__)
        np.testing.assert_allclose(got.get(), want, rtol=1e-5, atol=1e-5)
    assert ga.default_device() == d0


def test_to_device_in_pieces_with_unaligned_ends(d0, d1, monkeypatch):
    monkeypatch.setattr(_runtime, "STAGE_CHUNK", 1024)  # many pieces
    for dtype, n in ((np.int8, 5003), (np.float32, 2501), (np.complex64, 333)):
        h = (np.arange(n) * 7 - 11).astype(dtype)
        x = ga.asarray(h)
        for v, w in ((x, h), (x[3:], h[3:]), (x[::-2], h[::-2])):
            y = v.to_device(d1)
            assert y.device == d1 and y.dtype == dtype
            np.testing.assert_array_equal(y.get(), w)
            np.testing.assert_array_equal(y.to_device(d0).get(), w)


def test_to_device_of_arrays_held_in_several_buffers():
    r = _run("""
        import numpy as np, gpuarray as ga
        d0 = ga.default_device(); d1 = ga.Device(d0.index, slot=1)
        h = np.arange(30001, dtype=np.float32) * 0.5 - 7
        x = ga.asarray(h)
        y = x.to_device(d1)
        assert x._leaf().storage.segs is not None and y._leaf().storage.segs is not None
        assert np.array_equal(y.get(), h)
        assert np.allclose((y * 2).sum().get(), (h.astype(np.float64) * 2).sum(), rtol=1e-5)
        z = y[5::3].to_device(d0)
        assert np.array_equal(z.get(), h[5::3])
        print("ok")
    """, GPUARRAY_MAX_BINDING="16384")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_from_dlpack_onto_another_device(d0, d1):
    x = ga.asarray(np.arange(5.0))
    y = ga.from_dlpack(x, device=d1)
    assert y.device == d1 and x.device == d0
    np.testing.assert_array_equal(y.get(), np.arange(5.0))
    e = ga.from_dlpack(ga.asarray(np.array([], bool)), device=d1)
    assert e.device == d1 and e.shape == (0,)
    with pytest.raises(BufferError):
        ga.from_dlpack(x, device=d1, copy=False)
    assert ga.from_dlpack(x, device=d0) is x
