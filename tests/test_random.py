"""gpuarray.random: Philox4x32-10 bit-exact against a NumPy reference, the conversions to
floats/integers against the same reference, distribution checks on 1e6 draws (fixed seeds,
so deterministic), NumPy Generator dtypes/shapes, counter bookkeeping, and fusion."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gpuarray as ga
from gpuarray._kernels import wgsl_lib as _wgsl_lib
from gpuarray._device import runtime as _runtime
from gpuarray._kernels import random as _node

from conftest import HAS64

N_STAT = 1_000_000
M32 = np.uint64(0xFFFFFFFF)

needs64 = pytest.mark.skipif(not HAS64, reason="device without 64-bit types")


# ------------------------------------------------------------------ host reference
def philox4x32_10(ctr, key):
    """Reference Philox4x32-10: ctr (n, 4) and key (n, 2) or (2,) u32 words -> (n, 4) uint32."""
    c = [np.asarray(ctr, np.uint64)[:, j] for j in range(4)]
    key = np.asarray(key, np.uint64)
    k0, k1 = key[..., 0], key[..., 1]
    for r in range(10):
        if r:
            k0, k1 = (k0 + np.uint64(0x9E3779B9)) & M32, (k1 + np.uint64(0xBB67AE85)) & M32
        p0 = np.uint64(0xD2511F53) * c[0]  # < 2^64: exact in uint64
        p1 = np.uint64(0xCD9E8D57) * c[2]
        c = [(p1 >> np.uint64(32)) ^ c[1] ^ k0, p1 & M32, (p0 >> np.uint64(32)) ^ c[3] ^ k1, p0 & M32]
    return np.stack(c, 1).astype(np.uint32)


def ref_blocks(state, n_blocks):
    """The words of blocks counter .. counter + n_blocks - 1 of a generator state, flattened."""
    base = state["counter"] + np.arange(n_blocks, dtype=object)
    ctr = np.zeros((n_blocks, 4), np.uint64)
    ctr[:, 0] = [int(b) & 0xFFFFFFFF for b in base]
    ctr[:, 1] = [(int(b) >> 32) & 0xFFFFFFFF for b in base]
    return philox4x32_10(ctr, np.array(state["key"], np.uint64)).reshape(-1)


def u01_f32(w):
    return ((w >> np.uint32(8)).astype(np.float64) * 2.0 ** -24).astype(np.float32)


def u01_f64(a, b):
    return ((a >> np.uint32(5)).astype(np.float64) * 67108864.0 + (b >> np.uint32(6))) * 2.0 ** -53


def ref_random(state, n, dtype):
    if dtype == np.float32:
        return u01_f32(ref_blocks(state, -(-n // 4))[:n])
    w = ref_blocks(state, -(-n // 2)).reshape(-1, 2)
    return u01_f64(w[:, 0], w[:, 1])[:n]


def ref_normal(state, n, dtype):
    """Box-Muller in float64 on the same uniforms: (r cos t, r sin t) per pair of uniforms."""
    if dtype == np.float32:
        w = ref_blocks(state, -(-n // 4)).reshape(-1, 2)
        u1, u2 = 1.0 - u01_f32(w[:, 0]).astype(np.float64), u01_f32(w[:, 1]).astype(np.float64)
    else:
        w = ref_blocks(state, -(-n // 2)).reshape(-1, 4)
        u1, u2 = 1.0 - u01_f64(w[:, 0], w[:, 1]), u01_f64(w[:, 2], w[:, 3])
    r, t = np.sqrt(-2.0 * np.log(u1)), 6.283185307179586 * u2
    return np.stack([r * np.cos(t), r * np.sin(t)], 1).reshape(-1)[:n]


def ref_integers(state, n, low, top):
    """low + floor(x * range / 2^64) with x = 64 bits per element (Python ints: exact)."""
    w = ref_blocks(state, -(-n // 2)).reshape(-1, 2)[:n]
    rng_ = top - low + 1
    return [low + ((int(a) << 32 | int(b)) * rng_ >> 64) for a, b in w]


# ------------------------------------------------------------------ Philox itself
KAT = [  # Random123 kat_vectors: counter, key -> output
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


def test_reference_known_answers():
    for ctr, key, want in KAT:
        assert philox4x32_10(np.array([ctr]), np.array(key)).tolist() == [list(want)]


def _run_library(fn: str, out_type: str, body: str, inp: np.ndarray, n: int, out_bytes: int) -> np.ndarray:
    """Run library function ``fn`` in a one-off kernel: ``body`` writes ``out[j]`` (an
    ``array<out_type>``) for element ``j < n`` from the u32 words ``inp``; the output's bytes."""
    dev = _runtime.device()
    src = f"""@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<{out_type}>;
@group(0) @binding(2) var<storage, read> inp: array<u32>;
{_wgsl_lib.resolve(fn + "(")}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {{
  let j = g.x;
  if (j >= P[0]) {{ return; }}
  {body}
}}"""
    name = f"test_{fn}"
    kern = dev.kernel((name,), lambda: (name, src, ["rw", "r"], 4))
    out = dev.alloc(out_bytes)
    dev.dispatch(kern, [out, dev.upload(np.ascontiguousarray(inp, np.uint32))], np.array([n], np.uint32).tobytes(),
                 -(-n // 64))
    return dev.read(out, 0, out_bytes)


def _gpu_philox(ctr, key):
    """Run the library's ga_philox4x32 on (n, 4) counters and (n, 2) keys."""
    n = len(ctr)
    inp = np.concatenate([np.asarray(ctr, np.uint32), np.asarray(key, np.uint32)], 1).reshape(-1)
    body = """let b = 6u * j;
  let r = ga_philox4x32(vec4<u32>(inp[b], inp[b + 1u], inp[b + 2u], inp[b + 3u]), vec2<u32>(inp[b + 4u], inp[b + 5u]));
  out[4u * j] = r.x; out[4u * j + 1u] = r.y; out[4u * j + 2u] = r.z; out[4u * j + 3u] = r.w;"""
    return _run_library("ga_philox4x32", "u32", body, inp, n, 16 * n).view(np.uint32).reshape(n, 4)


def test_gpu_philox_bit_exact():
    ctr = np.array([k[0] for k in KAT], np.uint32)
    key = np.array([k[1] for k in KAT], np.uint32)
    assert _gpu_philox(ctr, key).tolist() == [list(k[2]) for k in KAT]
    h = np.random.default_rng(7)  # random words exercise every carry of the 16-bit mulhi
    ctr = h.integers(0, 2**32, (4096, 4), dtype=np.uint32)
    key = h.integers(0, 2**32, (4096, 2), dtype=np.uint32)
    np.testing.assert_array_equal(_gpu_philox(ctr, key), philox4x32_10(ctr, key))


# ------------------------------------------------------------------ conversions, exact
@pytest.mark.parametrize("dtype", [np.float32, pytest.param(np.float64, marks=needs64)])
def test_random_matches_reference(dtype):
    g = ga.random.default_rng(123)
    g.random(3, dtype=dtype)  # start at a non-zero counter
    st = g.state
    got = g.random((7, 11), dtype=dtype)
    assert got.dtype == dtype and got.shape == (7, 11)
    np.testing.assert_array_equal(got.get().reshape(-1), ref_random(st, 77, dtype))


@pytest.mark.parametrize("dtype", [np.float32, pytest.param(np.float64, marks=needs64)])
def test_standard_normal_matches_reference(dtype):
    g = ga.random.default_rng(5)
    st = g.state
    got = g.standard_normal(1001, dtype=dtype)
    assert got.dtype == dtype
    tol = dict(rtol=2e-5, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(got.get(), ref_normal(st, 1001, dtype), **tol)


def test_sincos_turn_f32_within_two_ulp():
    """The angle of a float32 normal: sin and cos of 2 pi k / 2^24, every 17th of the 2^24 k plus
    the quadrant edges, within 2 ulp of float64 (2 ulp of 1/64 where |value| < 1/64)."""
    k = np.unique(np.concatenate([np.arange(0, 1 << 24, 17), (np.arange(9) << 21) % (1 << 24),
                                  ((np.arange(9) << 21) - 1) % (1 << 24)])).astype(np.uint32)
    n = len(k)
    raw = _run_library("ga__sincos_turn_f32", "vec2<f32>", "out[j] = ga__sincos_turn_f32(inp[j]);", k, n, 8 * n)
    got = raw.view(np.float32).reshape(n, 2).astype(np.float64)
    t = 2 * np.pi * k.astype(np.float64) * 2.0**-24
    for col, ref in ((0, np.sin(t)), (1, np.cos(t))):
        unit = np.spacing(np.maximum(np.abs(ref), 1.0 / 64).astype(np.float32)).astype(np.float64)
        assert np.max(np.abs(got[:, col] - ref) / unit) <= 2.0


@needs64
def test_normal_f64_without_f64_library(monkeypatch):
    """Devices whose library lacks f64 log/cos/sin compute Box-Muller's transcendentals in f32."""
    monkeypatch.setattr(_node, "_normal_f64_helper", lambda: "ga_rand_normal_f64_via_f32")
    g = ga.random.default_rng(5)
    st = g.state
    got = g.standard_normal(1001)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got.get(), ref_normal(st, 1001, np.float64), rtol=3e-6, atol=3e-6)


@pytest.mark.parametrize("low,high,dtype", [
    (0, 10, np.int32), (-7, 300, np.int16), (0, 256, np.uint8), (-(2**31), 2**31, np.int64),
    (5, 2**32 + 5, np.int64), (0, 2**32, np.uint32), (-(2**63), 2**63, np.int64), (0, 2**64, np.uint64),
])
def test_integers_match_reference(low, high, dtype):
    if np.dtype(dtype).itemsize == 8 and not HAS64:
        pytest.skip("device without 64-bit types")
    g = ga.random.default_rng(99)
    st = g.state
    got = g.integers(low, high, size=999, dtype=dtype)
    assert got.dtype == dtype and got.shape == (999,)
    np.testing.assert_array_equal(got.get(), np.array(ref_integers(st, 999, low, high - 1), dtype=object).astype(dtype))


def test_counter_carries_into_high_word():
    g = ga.random.default_rng(1)
    g.state = {"key": g.state["key"], "counter": 2**32 - 3}
    st = g.state
    got = g.random(40, dtype=np.float32)  # 10 blocks across the low word's wrap
    np.testing.assert_array_equal(got.get(), ref_random(st, 40, np.float32))
    assert g.state["counter"] == 2**32 + 7


# ------------------------------------------------------------------ distributions (1e6 draws)
@pytest.mark.parametrize("dtype", [np.float32, pytest.param(np.float64, marks=needs64)])
def test_uniform_statistics(dtype):
    u = ga.random.default_rng(2024).random(N_STAT, dtype=dtype).get().astype(np.float64)
    assert u.min() >= 0.0 and u.max() < 1.0
    sd = math.sqrt(1 / 12)
    assert abs(u.mean() - 0.5) < 4 * sd / math.sqrt(N_STAT)
    # std of the sample std: sqrt((mu4 - sigma^4) / n) / (2 sigma), mu4 = 1/80 for U(0, 1)
    assert abs(u.std() - sd) < 4 * math.sqrt((1 / 80 - 1 / 144) / N_STAT) / (2 * sd)
    counts = np.bincount((u * 100).astype(np.int64), minlength=100)
    expected = N_STAT / 100
    assert np.all(np.abs(counts - expected) < 5 * math.sqrt(expected))
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 99 + 5 * math.sqrt(2 * 99)


def _normal_cdf(x):
    from math import erf

    return 0.5 * (1 + np.vectorize(erf)(x / math.sqrt(2)))


@pytest.mark.parametrize("dtype", [np.float32, pytest.param(np.float64, marks=needs64)])
def test_normal_statistics(dtype):
    z = ga.random.default_rng(77).standard_normal(N_STAT, dtype=dtype).get().astype(np.float64)
    assert np.all(np.isfinite(z))
    assert abs(z.mean()) < 4 / math.sqrt(N_STAT)
    assert abs(z.std() - 1) < 4 / math.sqrt(2 * N_STAT)
    # Kolmogorov-Smirnov on a grid of quantile points (D < 1.95/sqrt(n) is the 0.1% level)
    grid = np.linspace(-4, 4, 161)
    emp = np.searchsorted(np.sort(z), grid) / N_STAT
    assert np.max(np.abs(emp - _normal_cdf(grid))) < 1.95 / math.sqrt(N_STAT)


def test_normal_loc_scale_and_uniform_bounds():
    g = ga.random.default_rng(3)
    x = g.normal(10.0, 2.0, size=200_000).get()
    assert x.dtype == ga._dtypes.default_float()
    assert abs(x.mean() - 10) < 4 * 2 / math.sqrt(x.size) and abs(x.std() - 2) < 4 * 2 / math.sqrt(2 * x.size)
    u = g.uniform(-3.0, 5.0, size=200_000).get()
    assert u.min() >= -3 and u.max() < 5 and abs(u.mean() - 1) < 4 * 8 / math.sqrt(12 * u.size)
    e = g.exponential(2.0, size=200_000).get()
    assert e.min() >= 0 and abs(e.mean() - 2) < 4 * 2 / math.sqrt(e.size)


def test_integers_statistics():
    g = ga.random.default_rng(11)
    x = g.integers(-3, 17, size=N_STAT).get()
    assert x.dtype == ga._dtypes.default_int()
    assert x.min() == -3 and x.max() == 16
    counts = np.bincount(x + 3, minlength=20)
    assert np.all(np.abs(counts - N_STAT / 20) < 5 * math.sqrt(N_STAT / 20))
    b = g.integers(0, 5, size=1000, endpoint=True).get()
    assert set(b.tolist()) == {0, 1, 2, 3, 4, 5}
    t = g.integers(2, size=1000, dtype=np.bool_).get()
    assert t.dtype == np.bool_ and 0 < t.sum() < 1000


def test_integers_errors():
    g = ga.random.default_rng(0)
    with pytest.raises(ValueError):
        g.integers(5, 5)
    with pytest.raises(ValueError):
        g.integers(-1, 5, dtype=np.uint8)
    with pytest.raises(ValueError):
        g.integers(0, 257, dtype=np.uint8)
    with pytest.raises(TypeError):
        g.integers(0, 5, dtype=np.float32)
    with pytest.raises(TypeError):
        g.random(3, dtype=np.int32)
    with pytest.raises(ValueError):
        g.normal(0, -1.0, size=3)


# ------------------------------------------------------------------ streams and state
def test_seeding_and_counter_advance():
    a, b = ga.random.default_rng(42), ga.random.default_rng(42)
    x1, x2 = a.random(10), a.random(10)
    assert np.array_equal(x1.get(), b.random(10).get())
    assert not np.array_equal(x1.get(), x2.get())
    assert not np.array_equal(ga.random.default_rng(43).random(10).get(), x1.get())
    g = ga.random.default_rng(0)
    per = 2 if HAS64 else 4  # default float64: 2 per block, float32: 4
    steps = [(lambda: g.random(10), -(-10 // per)), (lambda: g.random(10, dtype=np.float32), 3),
             (lambda: g.standard_normal(9, dtype=np.float32), 3), (lambda: g.integers(0, 9, size=5), 3),
             (lambda: g.random(0), 0)]
    for draw, blocks in steps:
        c0 = g.state["counter"]
        draw()
        assert g.state["counter"] - c0 == blocks
    assert ga.random.default_rng(a) is a


def test_dtypes_and_shapes_like_numpy():
    g = ga.random.default_rng(1)
    f = ga._dtypes.default_float()
    assert g.random().shape == () and g.random().dtype == f
    assert g.random((2, 3)).shape == (2, 3)
    assert g.standard_normal(4, dtype=np.float32).dtype == np.float32
    assert g.uniform(size=(3,)).dtype == f and g.normal(size=[2, 2]).shape == (2, 2)
    assert g.integers(5, size=(2, 2)).dtype == ga._dtypes.default_int()
    assert g.integers(5, size=3, dtype=np.uint16).dtype == np.uint16
    out = ga.zeros(5, dtype=f)
    assert g.random(out=out) is out and 0 < out.get().sum() < 5
    loc = ga.asarray(np.array([0.0, 100.0, -100.0]))
    y = g.normal(loc, 0.5).get()
    assert y.shape == (3,) and np.all(np.abs(y - [0, 100, -100]) < 5)
    lo, hi = np.array([0.0, 10.0]), np.array([1.0, 20.0])
    u = g.uniform(lo, hi, size=(1000, 2)).get()
    assert np.all((u >= lo) & (u < hi))


def test_module_level_functions():
    ga.random.seed(42)
    a = ga.random.rand(3, 4)
    ga.random.seed(42)
    assert np.array_equal(a.get(), ga.random.rand(3, 4).get())
    assert a.shape == (3, 4) and a.dtype == ga._dtypes.default_float()
    assert ga.random.randn(5).shape == (5,)
    assert ga.random.random_sample((2,)).shape == (2,) and ga.random.random(3).shape == (3,)
    r = ga.random.randint(3, 8, size=100).get()
    assert r.dtype == ga._dtypes.default_int() and r.min() >= 3 and r.max() < 8
    assert ga.random.standard_normal(4, dtype=np.float32).dtype == np.float32
    assert ga.random.integers(0, 3, size=7).shape == (7,)
    assert ga.random.uniform(1, 2, 4).shape == (4,) and ga.random.normal(0, 1, 4).shape == (4,)


def test_choice_permutation_shuffle():
    ga.set_fallback("silent")
    try:
        g = ga.random.default_rng(8)
        with ga.stats() as s:
            c = g.choice(10, size=500).get()
        assert not s.fallbacks and set(c.tolist()) == set(range(10))
        pool = np.array([2.5, -1.0, 7.0])
        c = g.choice(pool, size=100).get()
        assert set(c.tolist()) <= set(pool.tolist())
        with ga.stats() as s:
            p = g.permutation(20).get()
            x = ga.asarray(np.arange(12))
            g.shuffle(x)
            w = g.choice(5, size=3, replace=False).get()
        assert sorted(p.tolist()) == list(range(20))
        assert sorted(x.get().tolist()) == list(range(12))
        assert len(set(w.tolist())) == 3
        assert s.fallbacks == {}  # all on the device (tests/test_random_sequences.py)
    finally:
        ga.set_fallback("warn")


# ------------------------------------------------------------------ fusion and kernel reuse
@pytest.mark.parametrize("dtype", [np.float32, pytest.param(np.float64, marks=needs64)])
def test_gbm_step_is_one_kernel_and_never_recompiles(dtype):
    M, N, steps = 64, 50, 4
    drift, vol = 0.01, 0.2
    g = ga.random.default_rng(314)
    S = ga.ones((M, N), dtype=dtype)
    S_host = np.ones((M, N))
    # the process's one-time buffers (the floating-point flag words, sync's word) exist before
    # the steps are counted, whichever test ran first in this process
    ga.exp(ga.ones(4, dtype=dtype)).get()
    ga.sync()
    for step in range(steps):
        st = g.state
        with ga.stats() as s:
            S *= ga.exp(drift + vol * g.standard_normal((M, 1), dtype=dtype))
            ga.sync()
        assert s.dispatches == 1 and s.buffers_allocated == 0
        if step:
            assert s.kernels_compiled == 0
        S_host *= np.exp(drift + vol * ref_normal(st, M, dtype).reshape(M, 1))
    np.testing.assert_allclose(S.get(), S_host, rtol=1e-12 if dtype == np.float64 else 2e-5)
    # the broadcast draw repeats each row's normal along the row
    assert np.all(S.get() == S.get()[:, :1])


def test_draw_loop_never_recompiles():
    g = ga.random.default_rng(0)
    for step in range(3):
        with ga.stats() as s:
            a = g.random(1000 + step).get()
            b = g.integers(0, 10 + step, size=100).get()
        if step:
            assert s.kernels_compiled == 0
        assert a.size == 1000 + step and b.max() < 10 + step


# ------------------------------------------------------------------ vec4 kernels: a block per 4 values
@pytest.mark.parametrize("n", [1024, 4099, 5003])
@pytest.mark.parametrize("kind", ["random", "standard_normal"])
def test_draws_a_group_at_a_time_match_element_at_a_time(kind, n):
    """Contiguous float32 draws (n >= 1024) run in vec4 kernels that take each Philox block once for
    its 4 values; broadcast draws run one element per thread. Both give the same bits, and the
    reference's values."""
    st = ga.random.default_rng(77).state
    g1 = ga.random.default_rng(77)
    g2 = ga.random.default_rng(77)
    flat = getattr(g1, kind)(n, dtype=np.float32) * 1.0  # vec4 kernel, tail group when n % 4
    other = ga.asarray(np.full((n, 3), 2.0, np.float32))
    wide = getattr(g2, kind)((n, 1), dtype=np.float32) * other  # broadcast draw: element kernel
    a, b = flat.get(), wide.get()
    np.testing.assert_array_equal(a * 2, b[:, 0])
    np.testing.assert_array_equal(b[:, 0], b[:, 2])
    ref = ref_random(st, n, np.float32) if kind == "random" else ref_normal(st, n, np.float32)
    if kind == "random":
        np.testing.assert_array_equal(a, ref)
    else:
        np.testing.assert_allclose(a, ref, rtol=2e-5, atol=2e-5)


def test_vec4_normal_draw_in_a_fused_chain_and_a_reduction():
    n = 4097
    st = ga.random.default_rng(9).state
    g = ga.random.default_rng(9)
    z = g.standard_normal(n, dtype=np.float32)
    y = ga.exp(0.01 + 0.2 * z)
    s = ga.sum(ga.exp(0.01 + 0.2 * z), dtype=np.float64)
    ref = np.exp(0.01 + 0.2 * ref_normal(st, n, np.float32).astype(np.float64))
    np.testing.assert_allclose(y.get(), ref, rtol=1e-5)
    np.testing.assert_allclose(float(s), ref.sum(), rtol=1e-6)


def test_multivariate_normal_on_the_device(fresh_fallback):
    """mean + z @ L.T with the device's Cholesky factor: the sample mean and covariance of 200k
    vectors match (a few standard errors), shapes follow ``size``, no host fallback; a singular
    covariance goes to NumPy's method on the host (counted)."""
    g = ga.random.default_rng(3)
    mean = np.array([1.0, -2.0, 0.5])
    cov = np.array([[2.0, 0.6, 0.2], [0.6, 1.0, -0.3], [0.2, -0.3, 0.5]])
    with ga.stats() as s:
        x = g.multivariate_normal(mean, cov, size=200_000)
        h = x.get()
    assert s.fallbacks == {}
    assert h.shape == (200_000, 3)
    np.testing.assert_allclose(h.mean(0), mean, atol=0.02)
    np.testing.assert_allclose(np.cov(h.T), cov, atol=0.03)
    assert g.multivariate_normal(mean, cov, size=(4, 5)).shape == (4, 5, 3)
    assert g.multivariate_normal(mean, cov).shape == (3,)
    with pytest.raises(ValueError, match="same length"):
        g.multivariate_normal(mean[:2], cov)
    with pytest.raises(ValueError, match="square"):
        g.multivariate_normal(mean, cov[:2])
    with ga.stats() as s:
        y = g.multivariate_normal([0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]], size=1000).get()
    assert s.fallbacks.get("random.multivariate_normal") == 1
    np.testing.assert_allclose(y[:, 0], y[:, 1], atol=1e-6)  # perfectly correlated


_DISTS = {  # name: (args, mean, variance) of NumPy's parameterization
    "rayleigh": ((2.0,), 2 * math.sqrt(math.pi / 2), (4 - math.pi) / 2 * 4),
    "weibull": ((1.5,), math.gamma(1 + 1 / 1.5), math.gamma(1 + 2 / 1.5) - math.gamma(1 + 1 / 1.5) ** 2),
    "pareto": ((5.0,), 1 / 4, 5 / (16 * 3)),
    "power": ((3.0,), 3 / 4, 3 / (16 * 5)),
    "laplace": ((1.0, 2.0), 1.0, 8.0),
    "lognormal": ((0.1, 0.5), math.exp(0.225), (math.exp(0.25) - 1) * math.exp(0.45)),
    "logistic": ((1.0, 2.0), 1.0, 4 * math.pi ** 2 / 3),
    "gumbel": ((1.0, 2.0), 1.0 + 2.0 * 0.5772156649015329, math.pi ** 2 / 6 * 4),
}


@pytest.mark.parametrize("name", sorted(_DISTS))
def test_transformed_distributions_on_the_device(name, fresh_fallback):
    """Transforms of exponential and normal draws: finite everywhere, sample mean and variance of
    300k draws within a few standard errors of the distribution's, no host fallback, NumPy's
    parameter errors."""
    args, mean, var = _DISTS[name]
    g = ga.random.default_rng(21)
    with ga.stats() as s:
        h = getattr(g, name)(*args, size=300_000).get()
    assert s.fallbacks == {}
    assert np.isfinite(h).all() and h.shape == (300_000,)
    assert abs(h.mean() - mean) < 6 * math.sqrt(var / h.size)
    assert abs(h.var() / var - 1) < 0.05
    assert getattr(g, name)(*args, size=(2, 3)).shape == (2, 3)
    p = np.array([args[-1], args[-1] * 2])
    assert getattr(g, name)(*args[:-1], p).shape == (2,)  # array parameters broadcast
    with pytest.raises(ValueError):
        getattr(g, name)(*args[:-1], -1.0)


def test_weibull_of_zero_is_zero():
    np.testing.assert_array_equal(ga.random.default_rng(1).weibull(0.0, 5).get(), np.zeros(5))


def test_standard_cauchy_on_the_device(fresh_fallback):
    """tan(pi (v - 1/2)) with v strictly inside (0, 1): finite, median 0, quartiles -1 and 1."""
    with ga.stats() as s:
        h = ga.random.default_rng(8).standard_cauchy(300_000).get()
    assert s.fallbacks == {}
    assert np.isfinite(h).all()
    assert abs(np.median(h)) < 0.02
    np.testing.assert_allclose(np.percentile(h, [25, 75]), [-1.0, 1.0], atol=0.03)
