"""Arrays past the device's storage binding limit: every operation either agrees with NumPy or
raises ``SizeLimitError`` naming the limit, at the point the array is created or used; never a
wrong value.

The limit is lowered for these tests (``Device.max_binding``, as ``GPUARRAY_MAX_BINDING`` does),
so the kernels bind only that many bytes of a buffer, exactly as a real device does past its
limit, and the arrays stay small and fast.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._device import runtime as _runtime
from gpuarray._device.errors import SizeLimitError

LIMIT = 1 << 20  # bytes


@pytest.fixture
def small_limit():
    dev = _runtime.device()
    old = dev.max_binding
    ga.sync()
    dev._bind_groups.clear()  # bind groups record the bound size
    dev.max_binding = LIMIT
    try:
        yield dev
    finally:
        ga.sync()
        dev.max_binding = old
        dev._bind_groups.clear()


def _check(fn, ref):
    """``fn()`` equals NumPy's ``ref()`` or raises SizeLimitError; returns which."""
    try:
        got = fn()
        host = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
    except SizeLimitError as e:
        msg = str(e)
        assert "max-storage-buffer-binding-size" in msg and str(LIMIT) in msg, msg
        return "raised"
    expected = np.asarray(ref())
    assert host.shape == expected.shape
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    np.testing.assert_allclose(host, expected, rtol=1e-5, atol=1e-6 * scale)
    return "same"


N_BIG = LIMIT // 4 + 1237  # float32 elements: just past the limit
N_SMALL = LIMIT // 4 - 3  # just under it


def _ops(n):
    rng = np.random.default_rng(7)
    h = rng.uniform(-3, 3, n).astype(np.float32)
    side = int(np.sqrt(n)) + 1
    m = rng.uniform(-1, 1, (side, side)).astype(np.float32)
    return [
        ("zeros", lambda: ga.zeros(n, dtype=ga.float32) + 1, lambda: np.zeros(n, np.float32) + 1),
        ("full", lambda: ga.full(n, 2.5, dtype=ga.float32), lambda: np.full(n, 2.5, np.float32)),
        ("arange.max", lambda: ga.arange(n, dtype=ga.float32).max(), lambda: np.arange(n, dtype=np.float32).max()),
        ("asarray", lambda: ga.asarray(h), lambda: h),
        ("x*2+1", lambda: ga.asarray(h) * 2 + 1, lambda: h * 2 + 1),
        ("sum", lambda: ga.asarray(h).sum(), lambda: h.sum(dtype=np.float64)),
        ("slice", lambda: ga.asarray(h)[n // 2:: 3], lambda: h[n // 2:: 3]),
        ("matmul", lambda: ga.asarray(m) @ ga.asarray(m), lambda: m @ m),
        ("ones_like", lambda: ga.ones_like(ga.ones(n, dtype=ga.float32)), lambda: np.ones(n, np.float32)),
        ("astype", lambda: ga.ones(n // 2 + 1000, dtype=ga.float32).astype(ga.float64 if ga.adapter_info()["has_64"] else ga.int32),
         lambda: np.ones(n // 2 + 1000, np.float64 if ga.adapter_info()["has_64"] else np.int32)),
        ("concat", lambda: ga.concatenate([ga.ones(n // 2 + 7, dtype=ga.float32), ga.zeros(n // 2 + 7, dtype=ga.float32)]),
         lambda: np.concatenate([np.ones(n // 2 + 7, np.float32), np.zeros(n // 2 + 7, np.float32)])),
    ]


@pytest.mark.parametrize("i", range(len(_ops(16))))
def test_past_binding_limit_agrees_or_raises(small_limit, i):
    name, fn, ref = _ops(N_BIG)[i]
    _check(fn, ref)


@pytest.mark.parametrize("i", range(len(_ops(16))))
def test_under_binding_limit_computes(small_limit, i):
    name, fn, ref = _ops(N_SMALL // 2)[i]
    assert _check(fn, ref) == "same", name


def test_creation_past_limit_raises_at_creation(small_limit):
    with pytest.raises(SizeLimitError, match="max-storage-buffer-binding-size"):
        ga.zeros(N_BIG, dtype=ga.float32)
    with pytest.raises(MemoryError):  # NumPy's type for arrays too large to allocate
        ga.asarray(np.ones(N_BIG, np.float32))
    # the device is still usable and a new array does not show an old one's bytes
    x = ga.arange(1000, dtype=ga.float32)
    np.testing.assert_array_equal(x.get(), np.arange(1000, dtype=np.float32))


def test_iteration_space_past_2_31_raises():
    """A broadcast view needs no memory, but a kernel iterating over 2^31 elements or more would
    overflow its 32-bit indices: refused with the limit named."""
    x = ga.broadcast_to(ga.ones(1, dtype=ga.float32), (1 << 16, 1 << 16))  # 2^32 elements
    with pytest.raises(SizeLimitError, match="2\\^31"):
        x.sum()
    y = ga.broadcast_to(ga.ones(1 << 16, dtype=ga.float32), (1 << 15, 1 << 16))  # exactly 2^31
    with pytest.raises(SizeLimitError, match="2\\^31"):
        y.sum(axis=0)
    z = ga.broadcast_to(ga.ones(3, dtype=ga.float32), (1 << 16, 1 << 16, 3))
    with pytest.raises(SizeLimitError):
        ga.sum(z * 2, axis=(0, 1))
    with pytest.raises(SizeLimitError):
        ga.cumsum(ga.broadcast_to(ga.ones(1, dtype=ga.int8), (1 << 31,)))
    # nothing was left queued: the device goes on
    np.testing.assert_array_equal(ga.arange(5).sum().get(), 10)


def test_env_var_lowers_the_limit():
    code = ("import gpuarray as ga, numpy as np\n"
            "assert ga.adapter_info()['max_storage_binding'] == 65536\n"
            "ga.ones(16384, dtype=ga.float32).sum()\n"
            "try:\n    ga.ones(16385, dtype=ga.float32)\nexcept ga.SizeLimitError as e:\n    print('raised', e)\n")
    env = dict(os.environ, GPUARRAY_MAX_BINDING="65536")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "raised" in r.stdout and "65536" in r.stdout
