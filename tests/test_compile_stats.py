"""Compile telemetry in ``gpuarray.stats()``: builds counted with their phases' times and WGSL size
when a kernel is built, nothing when it is reused."""
from __future__ import annotations

import itertools

import numpy as np

import gpuarray as ga
from gpuarray._device import runtime as _runtime

_fresh = itertools.count()

SRC = """@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> b0: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < P[0]) { b0[gid.x] = gid.x * 3u + %du; }
}
"""


def _build(name, salt):
    return lambda: (name, SRC % salt, ["rw"], 16)


def test_a_new_kernel_moves_the_compile_counters_and_a_reused_one_does_not():
    dev = _runtime.device()
    salt = next(_fresh)
    key = ("test_compile_stats", id(dev), salt)
    name = f"test_compile_stats_{salt}"
    src = SRC % salt
    with ga.stats() as s:
        k = dev.kernel(key, _build(name, salt))
    assert s.kernels_compiled == 1 and s.pipeline_cache_hits == 0
    assert s.wgsl_bytes == len(src.encode())
    assert s.compile_ms > 0 and s.module_ms > 0 and s.pipeline_ms > 0 and s.codegen_ms >= 0
    assert abs(s.compile_ms - (s.codegen_ms + s.module_ms + s.pipeline_ms)) < 1e-6
    assert set(s.compiles) == {name}
    row = s.compiles[name]
    assert row["count"] == 1 and row["wgsl_bytes"] == len(src.encode())
    assert row["compile_ms"] == s.compile_ms and row["pipeline_ms"] == s.pipeline_ms
    d = s.as_dict()
    assert d["compiles"] == s.compiles and d["wgsl_bytes"] == s.wgsl_bytes

    with ga.stats() as s2:
        again = dev.kernel(key, _build(name, salt))
    assert again is k
    assert s2.kernels_compiled == 0 and s2.pipeline_cache_hits == 1
    assert s2.compile_ms == 0 and s2.wgsl_bytes == 0 and s2.module_ms == 0 and s2.pipeline_ms == 0
    assert s2.compiles == {}
    # the first recorder is frozen
    assert s.kernels_compiled == 1 and set(s.compiles) == {name}

    # two builds under one name add up
    with ga.stats() as s3:
        dev.kernel(key + ("b",), _build(name, salt + 1000))
        dev.kernel(key + ("c",), _build(name, salt + 2000))
    assert s3.kernels_compiled == 2 and s3.compiles[name]["count"] == 2
    assert s3.compiles[name]["wgsl_bytes"] == s3.wgsl_bytes == len((SRC % (salt + 1000)).encode()) + len((SRC % (salt + 2000)).encode())

    # and the kernel it built computes
    out = ga.asarray(np.zeros(5, np.uint32) + 7)
    dev.dispatch(k, [out._leaf().storage], np.array([5, 0, 0, 0], np.uint32).tobytes(), 1)
    np.testing.assert_array_equal(out.get(), np.arange(5, dtype=np.uint32) * 3 + salt)


def test_library_ops_report_their_builds_by_kernel_name():
    """A fused chain of an uncommon structure builds once: the second evaluation reuses it."""
    x = np.linspace(-3, 3, 2051, dtype=np.float32).reshape(7, 293)
    gx = ga.asarray(x)

    def f(a):
        return ga.arctan2(ga.hypot(a, 1.5), ga.cbrt(a) + 4.0)[:, ::3]

    with ga.stats() as s:
        r1 = f(gx).get()
    with ga.stats() as s2:
        r2 = f(gx).get()
    np.testing.assert_allclose(r1, np.arctan2(np.hypot(x, 1.5), np.cbrt(x) + 4.0)[:, ::3], rtol=2e-6, atol=1e-6)
    np.testing.assert_array_equal(r1, r2)
    # the first run may find the kernel built by another test in this process; the second always does
    assert s2.kernels_compiled == 0 and s2.compiles == {} and s2.wgsl_bytes == 0 and s2.compile_ms == 0
    assert s2.pipeline_cache_hits >= 1
    assert sum(r["count"] for r in s.compiles.values()) == s.kernels_compiled
    assert sum(r["wgsl_bytes"] for r in s.compiles.values()) == s.wgsl_bytes
    if s.kernels_compiled:
        assert s.wgsl_bytes > 200 and s.compile_ms > 0
    text = repr(s)
    assert "compile_ms" in text and "wgsl_bytes" in text and "compiles" in text
