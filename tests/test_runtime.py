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
    from gpuarray._device import runtime as _runtime

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
    assert s.pipeline_cache_hits + s.replays >= 20  # (a replayed step looks no kernel up)
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


def test_equal_scalars_do_not_change_the_kernel():
    # each scalar is its own parameter: a loop whose scalars happen to coincide reuses the kernel
    a, b = sample((301,), np.float32), sample((301,), np.float32)
    x, y = ga.asarray(a), ga.asarray(b)
    (x * 1.5 + y * 2.5 - 0.5).get()
    with ga.stats() as s:
        for p, q, r in [(2.0, 2.0, 2.0), (0.0, -0.0, 0.0), (3.0, 1.0, np.nan)]:
            got = x * p + y * q - r
            exp = a * np.float32(p) + b * np.float32(q) - np.float32(r)
            assert_same(got, exp, rtol=1e-6, signed_zero=True)
    assert s.kernels_compiled == 0 and s.dispatches == 3


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
    from gpuarray._device import runtime as _runtime

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
    from gpuarray._device import runtime as _runtime
    from gpuarray._device.errors import KernelError

    with pytest.raises(KernelError) as ei:
        _runtime.device().kernel(("broken",), lambda: ("broken_kernel", "fn main( {", [], 16))
    assert "broken_kernel" in str(ei.value) and "fn main( {" in ei.value.source


def test_unsupported_dtype_and_device_errors():
    # strings are NumPy arrays on the host (tests/test_nonnumeric.py); refused where fallbacks are
    old = ga.get_fallback()
    ga.set_fallback("raise")
    try:
        with pytest.raises(ga.FallbackError):
            ga.zeros(3, dtype="U5")
        with pytest.raises(ga.FallbackError):
            ga.asarray(np.array(["a", "b"]))
    finally:
        ga.set_fallback(old)
    with pytest.raises(ValueError):
        ga.zeros(3, device="cpu")
    with pytest.raises(ValueError):
        ga.zeros(-1)


# ------------------------------------------------------------------------ staged transfers
@pytest.fixture
def small_stages(monkeypatch):
    """Staging path for everything from 16 bytes on, 4 KiB chunks, 2 in flight, threaded host
    copies from 1 KiB: small arrays then exercise chunking, the rings and the edge words."""
    from gpuarray._device import runtime as _runtime

    monkeypatch.setattr(_runtime, "STAGE_MIN", 16)
    monkeypatch.setattr(_runtime, "STAGE_CHUNK", 4096)
    monkeypatch.setattr(_runtime, "STAGE_DEPTH", 2)
    monkeypatch.setattr(_runtime, "PAR_COPY_MIN", 1024)
    monkeypatch.setattr(_runtime, "COPY_THREADS", 3)
    return _runtime


@pytest.mark.parametrize("staged", [False, True])
def test_round_trip_odd_sizes(staged, request):
    if staged:
        request.getfixturevalue("small_stages")
    rng = np.random.default_rng(7)
    for dt in (np.int8, np.uint8, np.int16, np.bool_, np.float32):
        for n in (1, 2, 3, 5, 7, 1023, 1025, 4097, 3 * 4096 + 5, 20000):
            a = sample((n,), dt, rng)
            g = ga.asarray(a)
            np.testing.assert_array_equal(g.get(), a)
            if n > 1:  # unaligned starts and ends of the read
                np.testing.assert_array_equal(g[1:].get(), a[1:])
                np.testing.assert_array_equal(g[1:-1].get(), a[1:-1])
    e = ga.asarray(np.empty(0, np.int8))
    assert e.get().shape == (0,)


@pytest.mark.parametrize("staged", [False, True])
def test_write_at_unaligned_offsets_keeps_neighbours(staged, request):
    from gpuarray._device import runtime as _runtime

    if staged:
        request.getfixturevalue("small_stages")
    dev = _runtime.device()
    rng = np.random.default_rng(3)
    total = 3 * 4096 + 11
    base = rng.integers(0, 256, total, dtype=np.uint8)
    st = dev.upload(base)
    model = base.copy()
    for off, n in ((0, 1), (1, 1), (2, 3), (3, 2), (1, 6), (5, 9), (6, 4100), (1, 8193), (2, total - 2), (0, total)):
        data = rng.integers(0, 256, n, dtype=np.uint8)
        dev.write(st, off, data)
        model[off: off + n] = data
        np.testing.assert_array_equal(dev.read(st, 0, total), model)
    dev.write(st, 5, b"")  # zero-size: nothing happens
    np.testing.assert_array_equal(dev.read(st, 0, total), model)


def test_slice_assignment_from_host():
    for dt in (np.int8, np.uint8, np.int16, np.float32):
        a = np.arange(23).astype(dt)
        g = ga.asarray(a)
        src = np.array([101, 102, 103]).astype(dt)
        g[1:4] = src
        a[1:4] = src
        g[18:21] = src
        a[18:21] = src
        np.testing.assert_array_equal(g.get(), a)


def test_large_transfers_in_chunks(small_stages):
    dev = small_stages.device()
    rng = np.random.default_rng(11)
    # more uploads than staging buffers: the ring is reused and waits for earlier copies
    hosts = [rng.integers(-(2**31), 2**31 - 1, 5000 + 7 * i, dtype=np.int32) for i in range(7)]
    gs = [ga.asarray(h) for h in hosts]
    for g, h in zip(gs, hosts):
        np.testing.assert_array_equal(g.get(), h)
    np.testing.assert_array_equal(gs[0][3:4999].get(), hosts[0][3:4999])
    assert len(dev._transfers().wring) <= small_stages.STAGE_DEPTH
    f = rng.random(100_003).astype(np.float32)
    np.testing.assert_array_equal((ga.asarray(f) * 2).get(), f * 2)


@pytest.mark.parametrize("staged", [False, True])
def test_host_write_after_pending_read_is_not_seen(staged, request):
    from gpuarray._device import runtime as _runtime

    if staged:
        request.getfixturevalue("small_stages")
    dev = _runtime.device()
    a = np.arange(10000, dtype=np.float32)
    x = ga.asarray(a)
    y = x * 2
    y._leaf()  # recorded (not submitted) kernel reading x
    dev.write(x._node.storage, 0, np.full(10000, -1, np.float32))
    np.testing.assert_array_equal(y.get(), a * 2)
    np.testing.assert_array_equal(x.get(), np.full(10000, -1, np.float32))
    # lazy reader, then an overwrite from the host through the API
    x = ga.asarray(a)
    z = x + 1
    x[...] = np.zeros(10000, np.float32)
    np.testing.assert_array_equal(z.get(), a + 1)
    np.testing.assert_array_equal(x.get(), np.zeros(10000, np.float32))
    # reduction queued before the write
    x = ga.asarray(a)
    s = x.sum()
    dev.write(x._node.storage, 0, np.zeros(10000, np.float32))
    assert float(s) == float(a.sum())


@pytest.mark.parametrize("staged", [False, True])
def test_transfer_counters(staged, request):
    if staged:
        request.getfixturevalue("small_stages")
    a = np.arange(4099, dtype=np.int8)
    with ga.stats() as s:
        g = ga.asarray(a)
        h = g.get()
        h2 = g[1:].get()
    np.testing.assert_array_equal(h, a)
    np.testing.assert_array_equal(h2, a[1:])
    assert s.bytes_to_device == a.nbytes
    assert s.bytes_from_device == 2 * a.nbytes - 1


def test_scalar_readback_repeats():
    x = ga.asarray(np.arange(16, dtype=np.float32))
    for i in range(50):
        assert float((x + i).sum()) == float(np.sum(np.arange(16, dtype=np.float32) + i))


def test_public_mapping_fallback(small_stages, monkeypatch):
    dev = small_stages.device()
    monkeypatch.setattr(small_stages, "NATIVE_MAP_VERSIONS", ("no-such-version",))
    maps = small_stages._make_maps(dev)
    assert isinstance(maps, small_stages._PublicMaps)
    monkeypatch.setattr(dev, "_xfer", small_stages._Transfers(maps), raising=False)
    monkeypatch.setattr(dev, "_staging", {})
    rng = np.random.default_rng(5)
    for n in (1, 5, 4099, 20001):
        a = rng.integers(0, 256, n, dtype=np.uint8)
        g = ga.asarray(a)
        np.testing.assert_array_equal(g.get(), a)
        np.testing.assert_array_equal(g[1:].get(), a[1:])
    st = dev.upload(np.zeros(9000, np.uint8))
    dev.write(st, 3, np.full(8000, 7, np.uint8))
    want = np.zeros(9000, np.uint8)
    want[3:8003] = 7
    np.testing.assert_array_equal(dev.read(st, 0, 9000), want)
    assert float(ga.asarray(np.arange(16, dtype=np.float32)).sum()) == 120.0


def test_native_mapping_in_use_on_the_tested_wgpu():
    import wgpu
    from gpuarray._device import runtime as _runtime

    maps = _runtime.device()._transfers().maps
    if wgpu.__version__.startswith(_runtime.NATIVE_MAP_VERSIONS) and not os.environ.get("GPUARRAY_PUBLIC_MAP"):
        assert isinstance(maps, _runtime._NativeMaps)
