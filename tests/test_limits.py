"""Arrays just past and just under the device's storage binding limit agree with NumPy (arrays
past it are held in several buffers: see test_large_arrays.py for every operation family).

The limit is lowered for these tests (``Device.max_binding`` and the segment size, as
``GPUARRAY_MAX_BINDING`` does in a new process), so the kernels bind only that many bytes of a
buffer, exactly as a real device does past its limit, and the arrays stay small and fast.
"""
from __future__ import annotations


import numpy as np
import pytest

import gpuarray as ga
from gpuarray._device import runtime as _runtime

LIMIT = 1 << 20  # bytes


@pytest.fixture
def small_limit():
    dev = _runtime.device()
    old = dev.max_binding, dev.seg_bytes
    ga.sync()
    dev._bind_groups.clear()  # bind groups record the bound size
    dev.max_binding = dev.seg_bytes = LIMIT
    try:
        yield dev
    finally:
        ga.sync()
        dev.max_binding, dev.seg_bytes = old
        dev._bind_groups.clear()


def _check(fn, ref):
    """``fn()`` equals NumPy's ``ref()``."""
    got = fn()
    host = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
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
def test_past_binding_limit_computes(small_limit, i):
    name, fn, ref = _ops(N_BIG)[i]
    assert _check(fn, ref) == "same", name


@pytest.mark.parametrize("i", range(len(_ops(16))))
def test_under_binding_limit_computes(small_limit, i):
    name, fn, ref = _ops(N_SMALL // 2)[i]
    assert _check(fn, ref) == "same", name


def test_creation_past_limit_is_held_in_several_buffers(small_limit):
    x = ga.zeros(N_BIG, dtype=ga.float32)
    assert x._leaf().storage.segs is not None
    np.testing.assert_array_equal((x + 3).get(), np.full(N_BIG, 3, np.float32))
    y = ga.asarray(np.arange(N_BIG, dtype=np.float32))
    np.testing.assert_array_equal(y.get(), np.arange(N_BIG, dtype=np.float32))
