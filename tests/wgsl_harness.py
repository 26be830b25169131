"""Tiny harness: run a WGSL math-library function elementwise on the default adapter.

Used by tests/test_wgsl_math.py and by bench/accuracy.md's measurement.  Self-contained on purpose
(it imports wgpu directly, not gpuarray's runtime) so that the math library can be tested on its own.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

WGSL_DIR = Path(__file__).resolve().parent.parent / "gpuarray" / "_kernels" / "wgsl"
_WG = 64


@functools.lru_cache(maxsize=None)
def device():
    import wgpu

    adapter = wgpu.gpu.request_adapter_sync(power_preference="high-performance")
    feats = [f for f in ("shader-f64", "shader-int64") if f in adapter.features]
    return adapter.request_device_sync(required_features=feats, required_limits={})


def has_f64() -> bool:
    return "shader-f64" in device().features


@functools.lru_cache(maxsize=None)
def library(name: str) -> str:
    return (WGSL_DIR / name).read_text()


_FN_RE = re.compile(r"^fn\s+(\w+)\s*\(", re.M)


def prune(lib: str, roots: list[str]) -> str:
    """Keep only the top-level declarations reachable from `roots` (keeps lavapipe compiles short)."""
    # split into top-level items at lines starting with 'fn ' / 'const ' (comments travel with the next item)
    items: list[tuple[str, str]] = []  # (name, text)
    cur: list[str] = []
    name = None
    depth = 0
    for line in lib.splitlines(keepends=True):
        if depth == 0 and name is not None and line.strip() and not line.startswith((" ", "\t", "}")):
            items.append((name, "".join(cur)))
            cur, name = [], None
        if depth == 0 and name is None:
            m = re.match(r"(?:fn|const|alias)\s+(\w+)", line)
            if m:
                name = m.group(1)
        cur.append(line)
        depth += line.count("{") - line.count("}")
    if name is not None:
        items.append((name, "".join(cur)))
    table = dict(items)
    keep: set[str] = set()
    todo = list(roots)
    while todo:
        n = todo.pop()
        if n in keep or n not in table:
            continue
        keep.add(n)
        todo.extend(w for w in re.findall(r"\b(ga_\w+|GA_\w+)\b", table[n]) if w not in keep)
    return "".join(t for n, t in items if n in keep)


def run(lib: str, fn: str, args: list[np.ndarray], dtype) -> np.ndarray:
    """out[i] = fn(args[0][i], args[1][i], ...) on the GPU; all arrays of `dtype` (float32/float64)."""
    import wgpu

    dev = device()
    dtype = np.dtype(dtype)
    wt = {np.float32: "f32", np.float64: "f64"}[dtype.type]
    n = len(args[0])
    binds = "".join(
        f"@group(0) @binding({i}) var<storage, read> in{i}: array<{wt}>;\n" for i in range(len(args)))
    call = ", ".join(f"in{i}[i]" for i in range(len(args)))
    src = (prune(lib, [fn]) + "\n" + binds +
           f"@group(0) @binding({len(args)}) var<storage, read_write> out: array<{wt}>;\n"
           f"@compute @workgroup_size({_WG})\n"
           "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
           f"  let i = gid.x + gid.y * {_WG * 1024}u;\n"
           f"  if (i >= {n}u) {{ return; }}\n"
           f"  out[i] = {fn}({call});\n}}\n")
    shader = dev.create_shader_module(code=src)
    pipe = dev.create_compute_pipeline(layout="auto", compute={"module": shader, "entry_point": "main"})
    bufs = [dev.create_buffer_with_data(data=np.ascontiguousarray(a, dtype), usage=wgpu.BufferUsage.STORAGE)
            for a in args]
    out = dev.create_buffer(size=max(n, 1) * dtype.itemsize,
                            usage=wgpu.BufferUsage.STORAGE | wgpu.BufferUsage.COPY_SRC)
    bg = dev.create_bind_group(layout=pipe.get_bind_group_layout(0), entries=[
        {"binding": i, "resource": {"buffer": b}} for i, b in enumerate(bufs + [out])])
    enc = dev.create_command_encoder()
    cp = enc.begin_compute_pass()
    cp.set_pipeline(pipe)
    cp.set_bind_group(0, bg)
    groups = -(-n // _WG)
    cp.dispatch_workgroups(min(groups, 1024), -(-groups // 1024), 1)
    cp.end()
    dev.queue.submit([enc.finish()])
    return np.frombuffer(dev.queue.read_buffer(out), dtype=dtype)[:n].copy()


def ulp_error(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """Distance in ULPs (units of the spacing of the dtype, across zero as well); NaN vs NaN is 0,
    NaN vs number and +0.0 vs -0.0 are reported as a huge error (2**62)."""
    got = np.asarray(got)
    want = np.asarray(want)
    it = {4: np.int32, 8: np.int64}[got.dtype.itemsize]
    gi = got.view(it).astype(np.int64)
    wi = want.view(it).astype(np.int64)
    mag = np.int64(np.iinfo(it).max)
    # map sign-magnitude to a monotone integer line: -0.0 -> 0 as well as +0.0
    go = np.where(gi < 0, -(gi & mag), gi)
    wo = np.where(wi < 0, -(wi & mag), wi)
    with np.errstate(over="ignore"):
        d = np.abs(go - wo).astype(np.float64)
    gn, wn = np.isnan(got), np.isnan(want)
    d = np.where(gn | wn, np.where(gn & wn, 0.0, 2.0**62), d)
    inf_mismatch = (np.isinf(got) | np.isinf(want)) & (got != want) & ~(gn | wn)
    d = np.where(inf_mismatch, 2.0**62, d)
    zero_sign = (got == 0) & (want == 0) & (np.signbit(got) != np.signbit(want))
    d = np.where(zero_sign, 2.0**62, d)
    return d
