"""Runtime: adapters, the buffer pool, transfers, telemetry, lazy evaluation and fusion,
out-of-memory handling, and a device without 64-bit types."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import gpuarray as ga
from conftest import assert_same, sample


def _run(code: str, **env) -> subprocess.CompletedProcess:
    e = dict(os.environ, **env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=e,
                          timeout=300)


def test_devices_lists_adapters():
    devs = ga.devices()
    assert devs and all({"index", "name", "backend", "features", "limits"} <= set(d) for d in devs)
    info = ga.adapter_info()
    assert info["name"] and isinstance(info["has_64"], bool)


def test_adapter_selection_by_env():
    r = _run("import gpuarray as ga; print(ga.adapter_info()['name'])", GPUARRAY_ADAPTER="0")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ga.devices()[0]["summary"]
    r = _run("import gpuarray as ga, numpy as np; ga.asarray(np.ones(3))", GPUARRAY_ADAPTER="no-such-adapter")
    assert r.returncode != 0 and "matches none" in r.stderr


def test_device_memory_equals_nbytes_for_every_dtype():
    from gpuarray import _runtime

    for dt in (np.bool_, np.int8, np.uint16, np.float16, np.int32, np.float64, np.complex128):
        a = np.arange(1001).astype(dt)
        g = ga.asarray(a)
        assert g.nbytes == a.nbytes
        assert g._node.storage.nbytes == a.nbytes  # packed: no widening to 32 bits
        assert_same(g, a)


def test_pool_reuses_buffers_in_steady_state():
    x = ga.asarray(np.arange(4096, dtype=np.float32))
    for _ in range(3):  # warm-up: kernels compiled, pool filled
        y = (x * 2 + 1).get()
    with ga.stats() as s:
        for _ in range(20):
            y = x * 2 + 1
            y.get()
    assert s.buffers_allocated == 0
    assert s.kernels_compiled == 0
    assert s.pipeline_cache_hits >= 20
    np.testing.assert_array_equal(y.get(), np.arange(4096, dtype=np.float32) * 2 + 1)


def test_telemetry_counts_transfers_and_dispatches():
    a = np.arange(1000, dtype=np.float64)
    with ga.stats() as s:
        g = ga.asarray(a)
        r = ga.exp(g / 1000) * 3 - g   # one fused kernel
        h = r.get()
    np.testing.assert_allclose(h, np.exp(a / 1000) * 3 - a, rtol=1e-14)
    assert s.bytes_to_device == a.nbytes
    assert s.bytes_from_device == a.nbytes
    assert s.dispatches == 1
    assert s.peak_bytes >= 2 * a.nbytes
    assert s.as_dict()["dispatches"] == 1  # readable after the block


def test_elementwise_chain_is_one_dispatch_and_scalars_do_not_recompile():
    x = ga.linspace(0, 4 * np.pi, 10001)
    ga.sync()
    def chain(scale):
        y0 = ga.sin(x) * ga.exp(-x / scale)
        y1 = y0 * ga.cos(x / 4) + 0.25 * y0 ** 2
        return ga.tanh(y1) + 0.1 * y1
    chain(10.0).get()
    with ga.stats() as s:
        y2 = chain(7.0)
        got = y2.get()
    assert s.dispatches == 1
    assert s.kernels_compiled == 0
    xh = np.linspace(0, 4 * np.pi, 10001)
    y0 = np.sin(xh) * np.exp(-xh / 7.0)
    y1 = y0 * np.cos(xh / 4) + 0.25 * y0 ** 2
    np.testing.assert_allclose(got, np.tanh(y1) + 0.1 * y1, rtol=1e-12, atol=1e-15)


def test_views_dispatch_nothing():
    g = ga.asarray(np.arange(60.0).reshape(3, 4, 5))
    with ga.stats() as s:
        v = [g.T, g[::2, 1], g[..., None, ::-1], g.reshape(12, 5), ga.broadcast_to(g[0, 0], (7, 5)), g.mT,
             ga.swapaxes(g, 0, 2)]
    assert s.dispatches == 0 and s.bytes_to_device == 0 and s.bytes_from_device == 0
    h = np.arange(60.0).reshape(3, 4, 5)
    for got, exp in zip(v, [h.T, h[::2, 1], h[..., None, ::-1], h.reshape(12, 5), np.broadcast_to(h[0, 0], (7, 5)),
                            np.swapaxes(h, -1, -2), np.swapaxes(h, 0, 2)]):
        assert got.strides == exp.strides
        assert_same(got, exp)


def test_submission_is_batched(monkeypatch):
    from gpuarray import _runtime

    monkeypatch.setattr(_runtime, "SUBMIT_AFTER_S", 1e9)  # only the count-based limit
    x = ga.asarray(np.ones(100, np.float32))
    with ga.stats() as s:
        ys = [(x + i)._leaf() for i in range(50)]   # 50 evaluations, no host read
        ga.sync()
    assert s.dispatches == 50
    assert s.submits <= 2
    # a batch recorded for longer than SUBMIT_AFTER_S is submitted every SUBMIT_CHECK dispatches
    monkeypatch.setattr(_runtime, "SUBMIT_AFTER_S", 0.0)
    with ga.stats() as s:
        zs = [(x * i)._leaf() for i in range(48)]
        assert s.submits >= 48 // _runtime.SUBMIT_CHECK - 1
        ga.sync()
    assert_same(ga.GpuArray(zs[-1]), np.ones(100, np.float32) * 47)
    assert_same(ys[-1] if isinstance(ys[-1], ga.GpuArray) else ga.GpuArray(ys[-1]), np.ones(100, np.float32) + 49)


def test_large_grid_beyond_65535_workgroups():
    n = 65536 * 256 + 77  # more workgroups than one grid dimension holds
    x = ga.arange(n, dtype=ga.int32)
    y = (x % 1000).get()
    assert y[-1] == (n - 1) % 1000 and y[123456] == 456 and y.shape == (n,)


def test_out_of_memory_raises_memoryerror():
    r = _run("""
        import numpy as np, gpuarray as ga
        a = ga.zeros(1 << 20, dtype=ga.float32)        # 4 MiB
        try:
            b = ga.zeros(1 << 22, dtype=ga.float32)    # 16 MiB: over the limit
        except MemoryError as e:
            print("OOM", type(e).__name__, isinstance(e, ga.OutOfMemoryError), "requested" in str(e))
        del a
        c = ga.zeros(1 << 21, dtype=ga.float32)        # fits once `a` is back in the pool
        print("OK", float(c.sum()) if hasattr(c, "sum") else 0.0)
    """, GPUARRAY_MEMORY_LIMIT=str(12 << 20))
    assert r.returncode == 0, r.stderr
    assert "OOM OutOfMemoryError True True" in r.stdout
    assert "OK" in r.stdout


def test_device_without_64_bit_types():
    r = _run("""
        import numpy as np, gpuarray as ga
        print(ga.asarray(0).dtype, ga.asarray(0.0).dtype, ga.arange(3).dtype, ga.zeros(2).dtype)
        print((ga.asarray(np.array([1, 2], np.int32)) / 2).dtype)
        try:
            ga.zeros(3, dtype=ga.float64)
        except TypeError as e:
            print("TypeError", "GPUARRAY_DISABLE_F64" in str(e), "float32" in str(e))
        print(ga.__array_namespace_info__().default_dtypes()["real floating"])
        x = ga.asarray(np.array([1.5, 2.5]))   # host float64 data -> float32 on this device
        print(x.dtype, x.get().tolist())
    """, GPUARRAY_DISABLE_F64="1")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0] == "int32 float32 int32 float32"
    assert lines[1] == "float32"
    assert lines[2] == "TypeError True True"
    assert lines[3] == "float32"
    assert lines[4] == "float32 [1.5, 2.5]"


def test_kernel_error_names_kernel_and_source():
    from gpuarray import _runtime
    from gpuarray._errors import KernelError

    with pytest.raises(KernelError) as ei:
        _runtime.device().kernel(("broken",), lambda: ("broken_kernel", "fn main( {", [], 16))
    assert "broken_kernel" in str(ei.value) and "fn main( {" in ei.value.source


def test_unsupported_dtype_and_device_errors():
    with pytest.raises(TypeError):
        ga.zeros(3, dtype="U5")
    with pytest.raises(TypeError):
        ga.asarray(np.array(["a", "b"]))
    with pytest.raises(ValueError):
        ga.zeros(3, device="cpu")
    with pytest.raises(ValueError):
        ga.zeros(-1)
