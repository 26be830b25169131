"""Arrays past the storage binding limit: held in several buffers, computed in windows and pieces.

The segment size is lowered for these tests (``Device.seg_bytes``, as ``GPUARRAY_MAX_BINDING``
does in a new process) so that arrays of a few tens of kilobytes span many buffers and every
operation family runs over many windows and boxes, exactly as a multi-gigabyte array does on a
real device. Every result is compared with NumPy on the same inputs; operations that cannot work
on such arrays yet must raise ``SizeLimitError`` naming the limit (never a wrong value).
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

from conftest import HAS64

SEG = 8192  # bytes per buffer: a 30k-element float32 array spans 15 of them


@pytest.fixture
def segments():
    dev = _runtime.device()
    old = dev.seg_bytes
    ga.sync()
    dev.seg_bytes = SEG
    try:
        yield dev
    finally:
        ga.sync()
        dev.seg_bytes = old


def _segmented(x) -> bool:
    return x._leaf().storage.segs is not None


def _same(got, ref, rtol=1e-5, atol=1e-5):
    h = got.get() if isinstance(got, ga.GpuArray) else np.asarray(got)
    ref = np.asarray(ref)
    assert h.shape == ref.shape, (h.shape, ref.shape)
    assert h.dtype == ref.dtype, (h.dtype, ref.dtype)
    if ref.dtype.kind in "fc":
        scale = float(np.nanmax(np.abs(ref))) if ref.size else 0.0
        np.testing.assert_allclose(h, ref, rtol=rtol, atol=atol * max(scale, 1.0), equal_nan=True)
    else:
        np.testing.assert_array_equal(h, ref)


RNG = np.random.default_rng(11)
N = 30011  # odd: pieces never line up with the buffers
H = RNG.uniform(-3, 3, N).astype(np.float32)
M = RNG.uniform(-1, 1, (173, 157)).astype(np.float32)  # rows of 628 bytes straddle buffer ends


# ------------------------------------------------------------------- storage and transfers
def test_round_trip_and_views(segments):
    x = ga.asarray(H)
    assert _segmented(x)
    _same(x, H)
    _same(x[5:-7:3], H[5:-7:3])
    _same(x[::-1], H[::-1])
    g = ga.asarray(M)
    _same(g.T, M.T)
    _same(g[17:150, 3::5], M[17:150, 3::5])
    assert x[12345].item() == H[12345]
    assert g.tolist() == M.tolist()


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.int16, np.uint16, np.int32, np.float32, np.float64,
                                   np.complex64, np.complex128, np.float16, np.int64])
def test_every_dtype_transfers_and_computes(segments, dtype):
    if np.dtype(dtype).itemsize == 8 and np.dtype(dtype).kind != "c" and not HAS64:
        pytest.skip("no 64-bit types on this adapter")
    if dtype == np.complex128 and not HAS64:
        pytest.skip("no 64-bit types on this adapter")
    h = (H * 40).astype(dtype) if np.dtype(dtype).kind != "b" else H > 0
    x = ga.asarray(h)
    assert _segmented(x)
    _same(x, h)
    _same(x[::-1], h[::-1])
    if np.dtype(dtype).kind == "b":
        _same(~x, ~h)
    else:
        _same(x[1:] - x[:-1], h[1:] - h[:-1])


def test_setitem_slices_and_arrays(segments):
    x, h = ga.asarray(H), H.copy()
    x[100:20000] = 5.0
    h[100:20000] = 5.0
    x[20001::7] = ga.asarray(H[:1430])
    h[20001::7] = H[:1430]
    x[1:50] += 1.5
    h[1:50] += np.float32(1.5)
    _same(x, h)


def test_host_write_into_a_segmented_view(segments):
    x, h = ga.asarray(H), H.copy()
    x[4000:25000] = H[:21000][::-1]  # a host array into a view spanning several buffers
    h[4000:25000] = H[:21000][::-1]
    _same(x, h)


# ------------------------------------------------------------------- elementwise
def test_fused_chain_over_views(segments):
    x = ga.asarray(H)
    _same(ga.sin(x) * ga.exp(-x / 10) + x[::-1] ** 2, np.sin(H) * np.exp(-H / 10) + H[::-1] ** 2, rtol=2e-5)
    g = ga.asarray(M)
    _same(g.T * 2 + g.T[::-1], M.T * 2 + M.T[::-1])
    _same(g[:, :1] * g[:1, :], M[:, :1] * M[:1, :])  # broadcast inputs, segmented result


def test_in_place_reads_other_parts_of_the_same_array(segments):
    x, h = ga.asarray(H), H.copy()
    x[1:] = x[:-1] * 2  # NumPy's semantics: the right side is read before anything is written
    h[1:] = h[:-1] * 2
    _same(x, h)


def test_astype_copies_and_joins(segments):
    x = ga.asarray(H)
    _same(x.astype(ga.int32), H.astype(np.int32))
    _same((x * 10).astype(ga.int8), (H * 10).astype(np.int8))
    _same(x.astype(ga.float16), H.astype(np.float16), rtol=1e-3)
    if HAS64:
        _same(x.astype(ga.float64), H.astype(np.float64))
    _same(ga.concatenate([x, x[::-1]]), np.concatenate([H, H[::-1]]))
    _same(ga.stack([x, x], 1), np.stack([H, H], 1))
    _same(ga.ascontiguousarray(ga.asarray(M).T), np.ascontiguousarray(M.T))
    _same(ga.roll(x, 77), np.roll(H, 77))
    _same(ga.where(x > 0, x, 0), np.where(H > 0, H, 0))


def test_creation(segments):
    _same(ga.arange(N, dtype=ga.float32), np.arange(N, dtype=np.float32))
    _same(ga.arange(N), np.arange(N))
    _same(ga.linspace(0, 1, N, dtype=ga.float32), np.linspace(0, 1, N, dtype=np.float32))
    _same(ga.eye(150, dtype=ga.float32), np.eye(150, dtype=np.float32))
    _same(ga.full((N,), 2.5, dtype=ga.float32), np.full(N, 2.5, np.float32))
    _same(ga.tril(ga.ones((150, 150), dtype=ga.float32)), np.tril(np.ones((150, 150), np.float32)))


def test_random_draws_are_the_same_numbers_in_pieces(segments):
    """A draw over a segmented result is computed box by box; each box starts its Philox counter
    where the whole draw would, so the numbers do not depend on the segment size."""
    kinds = [lambda g: g.random((N,), dtype=ga.float32), lambda g: g.standard_normal((7, 4001), dtype=ga.float32).T,
             lambda g: g.integers(0, 1000, (N,))]
    got = [f(ga.random.default_rng(5)).get() for f in kinds]
    segments.seg_bytes = 1 << 26
    ref = [f(ga.random.default_rng(5)).get() for f in kinds]
    for a, b in zip(got, ref):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------- reductions and scans
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_reductions_every_axis(segments, axis):
    g = ga.asarray(M)
    d = np.float64
    _same(g.sum(axis=axis), M.sum(axis=axis, dtype=d).astype(np.float32), rtol=1e-4)
    _same(g.max(axis=axis), M.max(axis=axis))
    _same(g.T.min(axis=axis), M.T.min(axis=axis))
    _same(g.mean(axis=axis), M.mean(axis=axis, dtype=d).astype(np.float32), rtol=1e-4, atol=1e-6)
    _same(g.std(axis=axis), M.std(axis=axis, dtype=d).astype(np.float32), rtol=1e-4)
    _same((g > 0.9).any(axis=axis), (M > 0.9).any(axis=axis))
    _same((g > -0.999).all(axis=axis), (M > -0.999).all(axis=axis))
    _same((g * g[::-1]).sum(axis=axis), (M.astype(d) * M[::-1]).sum(axis=axis).astype(np.float32), rtol=1e-4)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_arg_reductions_with_ties_and_nan(segments, axis):
    h = np.round(M * 4).astype(np.float32)  # many ties: the first occurrence wins
    g = ga.asarray(h)
    _same(ga.argmax(g, axis=axis), np.argmax(h, axis=axis))
    _same(ga.argmin(g.T, axis=axis), np.argmin(h.T, axis=axis))
    h2 = h.copy()
    h2[100, 50] = np.nan
    h2[160, 3] = np.nan
    _same(ga.argmax(ga.asarray(h2), axis=axis), np.argmax(h2, axis=axis))


def test_scans(segments):
    x = ga.asarray(H)
    _same(ga.cumsum(x), np.cumsum(H.astype(np.float64)).astype(np.float32), rtol=1e-4, atol=1e-4)
    g = ga.asarray(M)
    _same(ga.cumsum(g, axis=1), np.cumsum(M, axis=1), rtol=1e-4, atol=1e-5)
    _same(ga.cumsum(g, axis=0), np.cumsum(M, axis=0), rtol=1e-4, atol=1e-5)
    i = ga.asarray((H * 3).astype(np.int32))
    _same(ga.cumsum(i), np.cumsum((H * 3).astype(np.int32)).astype(np.int32 if not HAS64 else np.int64))
    _same(ga.cumprod(1 + g[:, :3] / 100, axis=0), np.cumprod(1 + M[:, :3] / 100, axis=0), rtol=1e-4)
    # axis=None over several axes (C order): through a contiguous copy, then one flat scan
    _same(ga.cumsum(g), np.cumsum(M.astype(np.float64)).astype(np.float32), rtol=1e-4, atol=1e-3)
    _same(ga.cumsum(g.T * 2), np.cumsum((M.T * 2).astype(np.float64)).astype(np.float32), rtol=1e-4, atol=1e-3)


# ------------------------------------------------------------------- matmul family
@pytest.mark.parametrize("case", ["square", "transposed", "vector", "batched", "inner"])
def test_matmul_in_pieces(segments, case):
    a, b = M, M.T.copy()
    if case == "square":
        ga_, na = ga.asarray(a) @ ga.asarray(b), a @ b
    elif case == "transposed":
        ga_, na = ga.asarray(a).T @ ga.asarray(a), a.T @ a
    elif case == "vector":
        ga_, na = ga.asarray(a) @ ga.asarray(H[:157]), a @ H[:157]
    elif case == "batched":
        t = RNG.uniform(-1, 1, (5, 40, 37)).astype(np.float32)
        ga_, na = ga.asarray(t) @ ga.asarray(t.transpose(0, 2, 1)), t @ t.transpose(0, 2, 1)
    else:
        ga_, na = ga.dot(ga.asarray(H), ga.asarray(H)), np.dot(H.astype(np.float64), H).astype(np.float32)
    _same(ga_, na, rtol=1e-4, atol=1e-4)


def test_matmul_then_elementwise(segments):
    """A product over segmented arrays is not fused into its consumer's store (epilogue): it is
    computed in pieces first."""
    g = ga.asarray(M)
    _same(ga.tanh(g @ g.T) + 1, np.tanh(M @ M.T) + 1, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------- indexing
def test_gather_from_a_segmented_source(big_segments):
    x, g = ga.asarray(H), ga.asarray(M)
    idx = RNG.integers(-N, N, 5000)
    _same(x[ga.asarray(idx)], H[idx])
    _same(x[idx[:7].tolist()], H[idx[:7]])
    _same(ga.take(x, ga.asarray(idx)) * 2, np.take(H, idx) * 2)
    rows = RNG.integers(0, 173, 40)
    _same(g[ga.asarray(rows)], M[rows])
    _same(g[ga.asarray(rows), 5:9], M[rows, 5:9])
    _same(x[ga.asarray(idx)].sum(), H[idx].sum(dtype=np.float64).astype(np.float32), rtol=1e-4)


def test_boolean_masks_and_nonzero(big_segments):
    x, g = ga.asarray(H), ga.asarray(M)
    _same(x[x > 1], H[H > 1])
    _same(g[g > 0.5], M[M > 0.5])
    for a, b in zip(ga.nonzero(g > 0.9), np.nonzero(M > 0.9)):
        _same(a, b)
    _same(ga.flatnonzero(x > -2.5), np.flatnonzero(H > -2.5))  # positions alone past one buffer


@pytest.fixture
def big_segments():
    """Segments large enough that a gather binds all of an array's buffers at once (lavapipe
    allows 32 bindings per kernel)."""
    dev = _runtime.device()
    old = dev.seg_bytes
    ga.sync()
    dev.seg_bytes = 4 * SEG
    try:
        yield dev
    finally:
        ga.sync()
        dev.seg_bytes = old


# ------------------------------------------------------------------- sorting and searching
def test_sort_argsort_in_chunks(big_segments):
    """Keys and indices past one buffer: every pass of the sorting network runs chunk by chunk,
    and compare-exchange steps a chunk or more apart bind the far chunk on its own."""
    h = np.round(RNG.standard_normal(70001) * 100).astype(np.float32)  # ties: stability shows
    h[::97] = np.nan
    x = ga.asarray(h)
    _same(ga.argsort(x), np.argsort(h, kind="stable").astype(ga.argsort(ga.asarray(h[:3])).dtype))
    _same(ga.sort(x), np.sort(h))
    _same(ga.sort(x, descending=True), np.sort(h)[::-1][np.r_[np.isnan(np.sort(h)[::-1]).sum():len(h), :np.isnan(h).sum()]]
          if False else -np.sort(-h))
    m = RNG.standard_normal((37, 1100)).astype(np.float32)
    _same(ga.sort(ga.asarray(m), axis=0), np.sort(m, axis=0))
    _same(ga.sort(ga.asarray(m), axis=1), np.sort(m, axis=1))
    _same(ga.unique(ga.asarray(np.round(H))), np.unique(np.round(H)))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_in_pieces(big_segments, side):
    a = np.sort(np.round(RNG.standard_normal(N) * 50).astype(np.float32))
    a[-5:] = np.nan
    v = np.round(RNG.standard_normal(20000) * 60).astype(np.float32)
    v[:3] = np.nan
    ga_a = ga.asarray(a)
    _same(ga.searchsorted(ga_a, ga.asarray(v), side=side), np.searchsorted(a, v, side=side))
    _same(ga.searchsorted(ga_a[5:], ga.asarray(v[:50]), side=side), np.searchsorted(a[5:], v[:50], side=side))
    _same(ga.searchsorted(ga.asarray(a[:100]), ga.asarray(v), side=side), np.searchsorted(a[:100], v, side=side))


# ------------------------------------------------------------------- writes at computed addresses
@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int16, np.float64])
def test_scatter_and_ufunc_at(big_segments, dtype):
    """Writes into an array held in several buffers go buffer by buffer (runs whose claim words
    fit one binding, so that repeated indices keep NumPy's last-wins order)."""
    if np.dtype(dtype).itemsize == 8 and not HAS64:
        pytest.skip("no 64-bit types on this adapter")
    h = (RNG.standard_normal(N) * 50).astype(dtype)
    idx = RNG.integers(-N, N, 4000)  # with repeats
    vals = (RNG.standard_normal(4000) * 50).astype(dtype)
    x, r = ga.asarray(h), h.copy()
    x[ga.asarray(idx)] = ga.asarray(vals)
    r[idx] = vals
    _same(x, r)
    x, r = ga.asarray(h), h.copy()
    x[idx[:5].tolist()] = 7
    r[idx[:5]] = 7
    _same(x, r)
    x, r = ga.asarray(h), h.copy()
    x[x > 10] = 0
    r[r > 10] = 0
    _same(x, r)
    if np.dtype(dtype).itemsize <= 4:
        x, r = ga.asarray(h), h.copy()
        ga.add.at(x, ga.asarray(idx), 1)
        np.add.at(r, idx, 1)
        _same(x, r)


def test_histogram_and_bincount(big_segments):
    idx = RNG.integers(0, 300, 9000)
    _same(ga.bincount(ga.asarray(idx)), np.bincount(idx))
    c, e = ga.histogram(ga.asarray(H), bins=37)
    c2, e2 = np.histogram(H, bins=37)
    _same(c, c2)


def test_iteration_space_past_32_bits_is_split(monkeypatch):
    """Kernels index with 32 bits: iteration spaces from MAX_ELEMENTS on are cut into pieces
    (lowered here so that the pieces are small)."""
    monkeypatch.setattr(_runtime, "MAX_ELEMENTS", 1 << 12)
    x = ga.broadcast_to(ga.arange(300, dtype=ga.float32), (50, 300))
    _same(x.sum(), np.float32(np.arange(300).sum() * 50))
    _same((x * 2).sum(axis=0), np.arange(300, dtype=np.float32) * 100)
    _same(ga.cumsum(x, axis=1)[7], np.cumsum(np.arange(300, dtype=np.float32)))
    _same(x + 1, np.broadcast_to(np.arange(300, dtype=np.float32), (50, 300)) + 1)
    with ga.stats() as s:
        (x * 3).get()
    assert s.split_dispatches >= 4


def test_telemetry(segments):
    with ga.stats() as s:
        x = ga.asarray(H)
        (x * 2).get()
    assert s.segmented_arrays == 2
    assert s.split_dispatches >= 2


def test_out_of_memory_keeps_arrays(segments, monkeypatch):
    x = ga.asarray(H)
    segments.free_pool()
    monkeypatch.setattr(segments, "memory_limit", segments._held_bytes + 3 * SEG)
    with pytest.raises(ga.OutOfMemoryError, match=f"{40 * N} bytes needs {-(-40 * N // SEG)} buffers") as e:
        ga.ones(10 * N, dtype=ga.float32)
    assert segments.name in str(e.value)
    monkeypatch.setattr(segments, "memory_limit", None)
    _same(x, H)
    _same(ga.ones(N, dtype=ga.float32) + x, 1 + H)


def test_env_var_sets_the_segment_size():
    code = ("import gpuarray as ga, numpy as np\n"
            "assert ga.adapter_info()['max_storage_binding'] == 65536\n"
            "h = np.arange(40000, dtype=np.float32)\n"
            "x = ga.asarray(h)\n"
            "assert x._leaf().storage.segs is not None\n"
            "assert np.isclose(float((x * 2).sum()), (h * 2).sum(dtype=np.float64), rtol=1e-6)\n"
            "print('ok')\n")
    env = dict(os.environ, GPUARRAY_MAX_BINDING="65536")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "ok" in r.stdout


def test_at_the_adapters_own_limit():
    """Arrays just past the adapter's real binding limit (128 MiB on lavapipe), no lowered
    segment size: transfers, a fused chain, reductions, a view and a product, float32 and float64."""
    dev = _runtime.device()
    if dev.seg_bytes > (256 << 20):
        pytest.skip("a GPU's limit: these sizes would not cross it")
    n = dev.seg_bytes // 4 + 3_000_017  # float32 elements: two buffers
    h = np.random.default_rng(3).uniform(-2, 2, n).astype(np.float32)
    x = ga.asarray(h)
    assert _segmented(x)
    y = ga.sin(x) * 2 + x[::-1]
    got = y.get()
    np.testing.assert_allclose(got, np.sin(h) * 2 + h[::-1], rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(float(y.sum(dtype=ga.float64)), got.astype(np.float64).sum(), rtol=1e-9)
    assert float(x.max()) == h.max() and int(ga.argmin(x)) == int(np.argmin(h))
    a = h[: (n // 1024) * 1024].reshape(-1, 1024)
    w = np.random.default_rng(4).uniform(-1, 1, (1024, 8)).astype(np.float32)
    np.testing.assert_allclose((ga.asarray(a) @ ga.asarray(w)).get(), a @ w, rtol=1e-4, atol=1e-3)
    del x, y
    if HAS64:
        d = h[: dev.seg_bytes // 8 + 1_000_003].astype(np.float64)
        z = ga.asarray(d)
        assert _segmented(z)
        np.testing.assert_allclose((z * z).sum().item(), (d * d).sum(), rtol=1e-12)
        np.testing.assert_array_equal((z[1:] - z[:-1]).get(), d[1:] - d[:-1])


@pytest.mark.skipif(not HAS64, reason="64-bit indices need shader-int64")
@pytest.mark.parametrize("axis,shape", [(None, (173, 157)), (1, (173, 157)), (0, (2003, 3))])
def test_arg_reductions_with_64_bit_indices(segments, monkeypatch, axis, shape):
    """Arg reductions whose reduced axes hold 2^32 elements or more take uint64 indices for the
    pieces and their fold: the threshold lowered so that these arrays take that path. (Such an
    axis leaves few kept outputs in device memory: the partials of the fold fit one buffer.)"""
    from gpuarray._lazy import reduce_queue
    monkeypatch.setattr(reduce_queue, "ARG_WIDE_FROM", 64)
    h = np.round(RNG.standard_normal(shape) * 4).astype(np.float32)  # ties
    h[100, 2] = 99.0  # the maximum, late
    h[3, 1] = -99.0
    g = ga.asarray(h)
    for fn in ("argmax", "argmin"):
        _same(getattr(ga, fn)(g, axis=axis), getattr(np, fn)(h, axis=axis))
        _same(getattr(ga, fn)(g[::-1, 3:], axis=axis), getattr(np, fn)(h[::-1, 3:], axis=axis))
    hn = h.copy()
    hn[150, 2] = np.nan
    _same(ga.argmax(ga.asarray(hn), axis=axis), np.argmax(hn, axis=axis))
    x = ga.asarray(H)
    _same(ga.argmax(x * 2 - 1), np.argmax(H * 2 - 1))


@pytest.mark.skipif(os.environ.get("GPUARRAY_STRESS") != "1",
                    reason="an int8 array of 2^32 + 1027 elements (about 9 GB of memory): GPUARRAY_STRESS=1 runs it")
def test_arg_reduction_past_2_32_elements():
    """The real thing, no lowered threshold: the extreme past element 2^32, and ties to the first."""
    n = (1 << 32) + 1027
    h = np.resize(np.arange(-100, 101, dtype=np.int8), n)
    h[(1 << 32) + 500] = 127
    h[7] = -128
    x = ga.asarray(h)
    assert int(ga.argmax(x)) == (1 << 32) + 500 and int(ga.argmin(x)) == 7
    x[5] = 127
    assert int(ga.argmax(x)) == 5
