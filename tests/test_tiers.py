"""Tiers of the vec4 kernels: on GPU adapters a kernel starts in the fast-compiling loop form and,
once it runs again, its unrolled form is built on the compile thread and replaces it. Forced
here on lavapipe (``is_cpu`` off) with small expressions."""
from __future__ import annotations

import time

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._device import runtime as _runtime
from gpuarray._kernels import codegen


@pytest.fixture
def gpu_like(monkeypatch):
    dev = _runtime.device()
    monkeypatch.setattr(dev, "is_cpu", False)
    monkeypatch.setattr(codegen, "TIERS", True)
    return dev


def _forms(dev, kind):
    return {k[-1] for k in list(dev._kernels) if isinstance(k, tuple) and k and k[0] == kind and k[-1] in ("loop", "unrolled")}


def _wait_for(dev, key, seconds=60.0):
    t0 = time.time()
    while dev.ready_kernel(key) is None and time.time() - t0 < seconds:
        time.sleep(0.05)
    return dev.ready_kernel(key)


def test_a_hot_elementwise_kernel_moves_to_the_unrolled_form(gpu_like):
    h = np.linspace(-3, 3, 4099, dtype=np.float32)
    x = ga.asarray(h)
    first = (ga.cos(x) * 3 - x).get()  # a new structure: loop form
    plan_keys = [k for k in gpu_like._kernels if isinstance(k, tuple) and k[-1] == "loop" and k[0] == "ew"]
    assert plan_keys
    second = (ga.cos(x) * 3 - x).get()  # the second recording asks for the unrolled form
    key = plan_keys[-1][:-1] + ("unrolled",)
    assert _wait_for(gpu_like, key) is not None
    third = (ga.cos(x) * 3 - x).get()  # now computed by the unrolled kernel
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(third, np.cos(h) * 3 - h, rtol=2e-6, atol=2e-6)
    np.testing.assert_array_equal(third, first)  # the forms give the same bits


def test_a_hot_reduction_moves_too(gpu_like):
    h = np.linspace(0, 1, 20011, dtype=np.float32)
    x = ga.asarray(h)
    vals = [float((x * x).sum()) for _ in range(2)]
    keys = [k for k in gpu_like._kernels if isinstance(k, tuple) and k[0] == "reduce" and k[-1] == "loop"]
    assert keys
    assert _wait_for(gpu_like, keys[-1][:-1] + ("unrolled",)) is not None
    vals.append(float((x * x).sum()))
    assert vals[0] == vals[1] == vals[2]
    assert np.isclose(vals[0], float((h.astype(np.float64) ** 2).sum()), rtol=1e-6)


def test_a_failed_background_build_is_dropped(gpu_like):
    key = ("test-broken-kernel",)
    gpu_like.build_later(key, lambda: ("broken", "this is not WGSL", [], 16))
    time.sleep(1.0)
    assert gpu_like.ready_kernel(key) is None
    x = ga.asarray(np.arange(10, dtype=np.float32))
    np.testing.assert_array_equal((x + 1).get(), np.arange(10, dtype=np.float32) + 1)


def test_cpu_adapters_do_not_tier(monkeypatch):
    dev = _runtime.device()
    monkeypatch.setattr(dev, "is_cpu", True)
    before = set(dev._later)
    x = ga.asarray(np.linspace(0, 1, 4099, dtype=np.float32))
    for _ in range(3):
        (ga.tan(x) + 2).get()
    assert set(dev._later) == before
