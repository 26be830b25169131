"""Gathers and scatters with 64-bit element offsets: arrays of 2^31 elements and more, or views
whose elements lie 2^31 or more apart (on adapters with 64-bit integers).

The threshold is lowered for these tests (``advanced.WIDE_FROM``) so that arrays of a few
thousand elements take the 64-bit path, alone and held in several buffers (``Device.seg_bytes``
lowered too), exactly as a 10 GB array does on a real device. Every result is compared with NumPy
on the same inputs."""
from __future__ import annotations

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._api import advanced
from gpuarray._device import runtime as _runtime
from gpuarray._device.errors import SizeLimitError

from conftest import HAS64

pytestmark = pytest.mark.skipif(not HAS64, reason="64-bit offsets need shader-int64")

RNG = np.random.default_rng(23)
N = 9011
H = RNG.uniform(-3, 3, N).astype(np.float32)
M = RNG.uniform(-1, 1, (97, 61)).astype(np.float32)


@pytest.fixture(params=["one buffer", "several buffers"])
def wide(request, monkeypatch):
    """Every gather and scatter past 64 elements takes 64-bit offsets; with "several buffers" the
    arrays are held in buffers of 8 KiB (the sources bound all at once, lavapipe has 32 bindings)."""
    monkeypatch.setattr(advanced, "WIDE_FROM", 64)
    dev = _runtime.device()
    old = dev.seg_bytes
    ga.sync()
    if request.param == "several buffers":
        dev.seg_bytes = 8192
    try:
        yield request.param
    finally:
        ga.sync()
        dev.seg_bytes = old


def _same(got, ref):
    h = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
    ref = np.asarray(ref)
    assert h.shape == ref.shape and h.dtype == ref.dtype, (h.shape, ref.shape, h.dtype, ref.dtype)
    np.testing.assert_array_equal(h, ref)


def _wide_kernels(fn):
    """fn's result, evaluated, with no host fallback on the way."""
    with ga.stats() as s:
        r = fn()
        if isinstance(r, ga.GpuArray):
            r.get()
    assert not s.fallbacks, s.fallbacks
    return r


def test_the_wide_path_is_taken(wide):
    x = ga.asarray(H)
    seen = []
    real = advanced.offset_expr

    def spy(terms, ix=advanced.I32):
        seen.append(ix)
        return real(terms, ix)

    import unittest.mock as um
    with um.patch.object(advanced, "offset_expr", spy):
        x[ga.asarray(np.array([3, 5]))].get()
    assert seen and all(ix == np.int64 for ix in seen)


@pytest.mark.parametrize("idt", [np.int32, np.int64, np.uint8, np.uint64, np.int16])
def test_gather(wide, idt):
    x, g = ga.asarray(H), ga.asarray(M)
    lo = 0 if np.dtype(idt).kind == "u" else -min(N, np.iinfo(idt).max)
    idx = RNG.integers(lo, min(N, np.iinfo(idt).max), 3001).astype(idt)
    _same(_wide_kernels(lambda: x[ga.asarray(idx)]), H[idx])
    _same(x[idx[:9].tolist()], H[idx[:9]])
    _same(ga.take(x, ga.asarray(idx)) * 2, np.take(H, idx) * 2)
    rows = RNG.integers(0, 97, 40).astype(idt)
    _same(g[ga.asarray(rows)], M[rows])
    _same(g[ga.asarray(rows), 5:9], M[rows, 5:9])
    _same(g[2:50:3][ga.asarray(rows % 16)], M[2:50:3][rows % 16])
    cols = RNG.integers(0, 61, 25).astype(idt)
    _same(g[:, ga.asarray(cols)], M[:, cols])
    _same(g[ga.asarray(rows[:25]), ga.asarray(cols)], M[rows[:25], cols])


def test_gather_from_views(wide):
    x = ga.asarray(H)
    idx = RNG.integers(-4000, 4000, 2000)
    _same(x[::-1][ga.asarray(idx)], H[::-1][idx])
    _same(x[1000:][ga.asarray(idx)], H[1000:][idx])
    _same(x[7::2][ga.asarray(idx)], H[7::2][idx])
    g = ga.asarray(M)
    _same(g.T[ga.asarray(np.arange(60, -1, -7))], M.T[np.arange(60, -1, -7)])
    _same(ga.take_along_axis(g, ga.asarray(np.argsort(M, axis=1)), axis=1), np.take_along_axis(M, np.argsort(M, axis=1), axis=1))


def test_boolean_masks(wide):
    x, g = ga.asarray(H), ga.asarray(M)
    _same(x[x > 1], H[H > 1])
    _same(g[g > 0.5], M[M > 0.5])
    _same(g[ga.asarray(M[:, 0] > 0)], M[M[:, 0] > 0])
    _same(x[::-1][x[::-1] < -2.5], H[::-1][H[::-1] < -2.5])


def test_bounds_are_checked(wide):
    x = ga.asarray(H)
    for bad in (np.array([0, N]), np.array([-N - 1, 2]), np.array([2**40], np.int64), np.array([2**63 + 5], np.uint64)):
        with pytest.raises(IndexError):
            x[ga.asarray(bad)].get()
        with pytest.raises(IndexError):
            x[bad]


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int16, np.float64, np.complex64])
def test_scatter(wide, dtype):
    h = (RNG.standard_normal(N) * 50).astype(dtype)
    idx = RNG.integers(-N, N, 3000)  # with repeats: the last value stays, as NumPy
    vals = (RNG.standard_normal(3000) * 50).astype(dtype)
    x, r = ga.asarray(h), h.copy()
    x[ga.asarray(idx)] = ga.asarray(vals)
    r[idx] = vals
    _same(x, r)
    x, r = ga.asarray(h), h.copy()
    x[idx[:5].tolist()] = 7
    r[idx[:5]] = 7
    _same(x, r)
    x, r = ga.asarray(h), h.copy()
    x[x.real > 10] = 0
    r[r.real > 10] = 0
    _same(x, r)
    x, r = ga.asarray(h), h.copy()
    x[::-1][ga.asarray(idx[:300] % 4000)] = ga.asarray(vals[:300])
    r[::-1][idx[:300] % 4000] = vals[:300]
    _same(x, r)
    m = (RNG.standard_normal((97, 61)) * 9).astype(dtype)
    x, r = ga.asarray(m), m.copy()
    rows = RNG.integers(0, 97, 20)
    x[ga.asarray(rows), 3:7] = ga.asarray(vals[:4])
    r[rows, 3:7] = vals[:4]
    _same(x, r)


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int32])
def test_ufunc_at(wide, dtype):
    h = (RNG.standard_normal(N) * 20).astype(dtype)
    idx = RNG.integers(-N, N, 3000)
    x, r = ga.asarray(h), h.copy()
    ga.add.at(x, ga.asarray(idx), 1)
    np.add.at(r, idx, 1)
    _same(x, r)
    x, r = ga.asarray(h), h.copy()
    ga.maximum.at(x, idx[:50].tolist(), 3)
    np.maximum.at(r, idx[:50], 3)
    _same(x, r)


def test_without_64_bit_integers_offsets_past_31_bits_are_refused(monkeypatch):
    """A device without shader-int64 computes 32-bit offsets: a view whose elements lie 2^31 or
    more apart is refused by name, before anything is read or written."""
    dev = _runtime.device()
    monkeypatch.setattr(dev, "has_64", False)
    leaf = ga.ones(4, dtype=ga.int8)._leaf()
    far = ga.GpuArray(type(leaf)(leaf.storage, leaf.dtype, (1 << 16, 1 << 16), (1 << 16, 1), 0))
    for fn in (lambda: far[ga.asarray([0, 5])], lambda: far[[0, 1]],
               lambda: far.__setitem__(ga.asarray([0, 5]), 1)):
        with pytest.raises(SizeLimitError, match="32-bit"):
            fn()


def test_compress_extract_and_place(wide):
    x = ga.asarray(H)
    c = H > 0.5
    _same(ga.compress(ga.asarray(c), x), np.compress(c, H))
    _same(ga.extract(ga.asarray(c), x), np.extract(c, H))
    g, m = ga.asarray(M), M.copy()
    rows = M[:, 3] > 0
    _same(ga.compress(ga.asarray(rows), g, axis=0), np.compress(rows, M, axis=0))
    x2, h2 = ga.asarray(H), H.copy()
    ga.place(x2, ga.asarray(c), ga.asarray(np.arange(7, dtype=np.float32)))
    np.place(h2, c, np.arange(7, dtype=np.float32))
    _same(x2, h2)
    ga.put(g, ga.asarray(np.array([5, 900, -3])), ga.asarray(np.array([1.5, 2.5, 3.5], np.float32)))
    np.put(m, [5, 900, -3], [1.5, 2.5, 3.5])
    _same(g, m)


def test_u32_words_widen_by_value():
    """Positions reach 64-bit offsets from u32 parameter words: the conversion must keep the value
    (naga converts u32 to i64 by sign extension, so 0x80000005u became -2^31 + 5)."""
    w = advanced._u32_as_i64("a[0]")
    got = _run_wgsl(f"  let v = {w} + 3li;\n  o[0] = u32(v & 0xffffffffli);\n  o[1] = u32(v >> 32u);\n"
                    f"  o[2] = select(0u, 1u, v > 0li);", [0x80000005])
    assert got[:3].tolist() == [0x80000008, 0, 1]


def _run_wgsl(body: str, words) -> np.ndarray:
    import wgpu
    dev = _runtime.device().device
    src = ("@group(0) @binding(0) var<storage, read> a: array<u32>;\n"
           "@group(0) @binding(1) var<storage, read_write> o: array<u32>;\n"
           f"@compute @workgroup_size(1) fn main() {{\n{body}\n}}\n")
    m = dev.create_shader_module(code=src)
    p = dev.create_compute_pipeline(layout="auto", compute={"module": m, "entry_point": "main"})
    ba = dev.create_buffer_with_data(data=np.asarray(words, np.uint32).tobytes(), usage=wgpu.BufferUsage.STORAGE)
    bo = dev.create_buffer(size=16, usage=wgpu.BufferUsage.STORAGE | wgpu.BufferUsage.COPY_SRC)
    bg = dev.create_bind_group(layout=p.get_bind_group_layout(0), entries=[
        {"binding": 0, "resource": {"buffer": ba}}, {"binding": 1, "resource": {"buffer": bo}}])
    ga.sync()
    enc = dev.create_command_encoder()
    c = enc.begin_compute_pass()
    c.set_pipeline(p)
    c.set_bind_group(0, bg)
    c.dispatch_workgroups(1)
    c.end()
    dev.queue.submit([enc.finish()])
    return np.frombuffer(dev.queue.read_buffer(bo), np.uint32)


@pytest.mark.skipif(__import__("os").environ.get("GPUARRAY_STRESS") != "1",
                    reason="an int8 array of 2^31 + 4099 elements (about 4.5 GB of memory): GPUARRAY_STRESS=1 runs it")
def test_an_array_of_more_than_2_31_elements():
    """The real thing, no lowered threshold: gathers, a scatter and a mask past element 2^31."""
    n = (1 << 31) + 4099
    h = np.resize(np.arange(251, dtype=np.int8), n)
    x = ga.asarray(h)
    idx = np.array([0, 5, (1 << 31) - 1, 1 << 31, n - 1, -n, (1 << 31) + 17])
    _same(x[ga.asarray(idx)], h[idx])
    _same(x[idx.tolist()], h[idx])
    vals = np.array([1, 2, 3, 4, 5, 7, 8], np.int8)
    x[ga.asarray(idx)] = ga.asarray(vals)
    h[idx] = vals
    _same(x[ga.asarray(idx)], h[idx])
    _same(x[-6000:], h[-6000:])
    tail = x[(1 << 31) - 10:]
    _same(tail[tail > 100], h[(1 << 31) - 10:][h[(1 << 31) - 10:] > 100])
