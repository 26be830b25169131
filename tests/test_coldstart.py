"""Fresh processes: compiled kernels kept on disk (the drivers' caches pointed at
GPUARRAY_CACHE_DIR), a cache directory that cannot be created, and a quiet first contact on a
headless machine (no XDG_RUNTIME_DIR)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gpuarray._device import cache_dir, runtime_dir

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRIVER_VARS = ("MESA_SHADER_CACHE_DIR", "MESA_SHADER_CACHE_DISABLE", "__GL_SHADER_DISK_CACHE_PATH",
               "__GL_SHADER_DISK_CACHE", "__GL_SHADER_DISK_CACHE_SKIP_CLEANUP", "GPUARRAY_CACHE_DIR")

# a chain no other test builds (its kernel is new to a fresh cache directory): the CPU time of
# its first evaluation less a second one is its compile (lavapipe compiles at the first
# dispatch; CPU time, all threads, does not count other processes' load)
CHILD = r"""
import json, os, time
import numpy as np
import gpuarray as ga
h = np.linspace(0.1, 3.0, 4099, dtype=np.float32)
a = ga.asarray(h)
ga.sync()
def f(a):
    t = ga.sin(a) * ga.exp(a * 0.125) + ga.cos(a * a)
    return ga.sqrt(ga.abs(ga.tanh(t)) + a) * ga.log1p(a) - ga.arctan(a)
t0 = time.process_time()
with ga.stats() as s:
    got = f(a).get()
cold = time.process_time() - t0
t0 = time.process_time()
f(a).get()
warm = time.process_time() - t0
t = np.sin(h) * np.exp(h * np.float32(0.125)) + np.cos(h * h)
ref = np.sqrt(np.abs(np.tanh(t)) + h) * np.log1p(h) - np.arctan(h)
print("RESULT " + json.dumps({"compile_s": cold - warm, "kernels": s.kernels_compiled, "wgsl": s.wgsl_bytes,
      "err": float(np.max(np.abs(got - ref))), "dir": ga.kernel_cache_dir(),
      "mesa": os.environ.get("MESA_SHADER_CACHE_DIR"), "nv": os.environ.get("__GL_SHADER_DISK_CACHE_PATH"),
      "adapter": ga.adapter_info()["name"]}))
"""


def _env(**kw):
    env = {k: v for k, v in os.environ.items() if k not in DRIVER_VARS}
    env.update(kw)
    return env


def _run(code, env):
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return p


def _result(p):
    line = [x for x in p.stdout.splitlines() if x.startswith("RESULT ")]
    return json.loads(line[-1][7:])


def test_a_second_process_finds_its_kernels_compiled(tmp_path):
    d = str(tmp_path / "cache")
    env = _env(GPUARRAY_CACHE_DIR=d)
    first = _result(_run(CHILD, env))
    assert first["dir"] == d and first["mesa"] == os.path.join(d, "mesa") and first["nv"] == os.path.join(d, "nvidia")
    if cache_dir.size(d) == 0:  # the driver wrote nothing there
        assert "llvmpipe" not in first["adapter"], first  # Mesa's cache must be there
        pytest.skip(f"{first['adapter']}: the driver kept no disk cache in {d} (check its cache settings)")
    second = _result(_run(CHILD, env))
    for r in (first, second):
        assert r["err"] < 1e-5
    # the same kernels are built (the counters count builds), in much less time
    assert first["kernels"] >= 1 and second["kernels"] == first["kernels"] and second["wgsl"] == first["wgsl"]
    assert second["compile_s"] < 0.5 * first["compile_s"], (first, second)


QUICK = r"""
import json, os
import gpuarray as ga
v = float((ga.arange(5000, dtype=ga.float32) * 0.5).sum())
print("RESULT " + json.dumps({"v": v, "dir": ga.kernel_cache_dir(), "mesa": os.environ.get("MESA_SHADER_CACHE_DIR"),
      "nv": os.environ.get("__GL_SHADER_DISK_CACHE_PATH")}))
"""


def test_a_cache_directory_that_cannot_be_created_is_no_cache(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    p = _run(QUICK, _env(GPUARRAY_CACHE_DIR=str(blocker / "cache"), XDG_RUNTIME_DIR="relative/dir"))
    r = _result(p)
    assert r == {"v": 0.5 * 4999 * 5000 / 2, "dir": None, "mesa": None, "nv": None}
    assert "XDG_RUNTIME_DIR" not in p.stderr, p.stderr


def test_a_home_that_cannot_hold_the_cache_is_no_cache(monkeypatch, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    for k in DRIVER_VARS:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("HOME", str(blocker))
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setattr(cache_dir, "_prepared", False)
    monkeypatch.setattr(cache_dir, "_dir", None)
    assert cache_dir.location().startswith(str(blocker))
    assert cache_dir.prepare() is None
    assert "MESA_SHADER_CACHE_DIR" not in os.environ and "__GL_SHADER_DISK_CACHE_PATH" not in os.environ


def test_first_contact_without_xdg_runtime_dir_is_quiet():
    env = _env()
    env.pop("XDG_RUNTIME_DIR", None)
    p = _run("import gpuarray; print('RESULT', float(gpuarray.ones(3).sum()))", env)
    assert "RESULT 3.0" in p.stdout
    assert "XDG_RUNTIME_DIR" not in p.stderr, p.stderr


# ---- in-process: which variables are set, which are kept
@pytest.fixture
def fresh_cache_dir(monkeypatch, tmp_path):
    for k in DRIVER_VARS:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setattr(cache_dir, "_prepared", False)
    monkeypatch.setattr(cache_dir, "_dir", None)
    monkeypatch.setenv("GPUARRAY_CACHE_DIR", str(tmp_path / "c"))
    return str(tmp_path / "c")


def test_drivers_are_pointed_into_the_cache_directory(fresh_cache_dir):
    assert cache_dir.prepare() == fresh_cache_dir
    assert os.environ["MESA_SHADER_CACHE_DIR"] == os.path.join(fresh_cache_dir, "mesa")
    assert os.environ["__GL_SHADER_DISK_CACHE_PATH"] == os.path.join(fresh_cache_dir, "nvidia")
    assert os.environ["__GL_SHADER_DISK_CACHE"] == "1" and os.environ["__GL_SHADER_DISK_CACHE_SKIP_CLEANUP"] == "1"
    assert oct(os.stat(fresh_cache_dir).st_mode & 0o777) == "0o700"


def test_the_users_driver_settings_are_kept(fresh_cache_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("MESA_SHADER_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("__GL_SHADER_DISK_CACHE_PATH", str(tmp_path / "nv"))
    monkeypatch.setenv("__GL_SHADER_DISK_CACHE", "0")
    assert cache_dir.prepare() == fresh_cache_dir
    assert os.environ["MESA_SHADER_CACHE_DIR"] == str(tmp_path / "mine")
    assert os.environ["__GL_SHADER_DISK_CACHE_PATH"] == str(tmp_path / "nv")
    assert os.environ["__GL_SHADER_DISK_CACHE"] == "0" and "__GL_SHADER_DISK_CACHE_SKIP_CLEANUP" not in os.environ


def test_a_disabled_mesa_cache_stays_disabled(fresh_cache_dir, monkeypatch):
    monkeypatch.setenv("MESA_SHADER_CACHE_DISABLE", "true")
    cache_dir.prepare()
    assert "MESA_SHADER_CACHE_DIR" not in os.environ


@pytest.mark.parametrize("value", ["off", "OFF", "none"])
def test_the_cache_directory_can_be_turned_off(fresh_cache_dir, monkeypatch, value):
    monkeypatch.setenv("GPUARRAY_CACHE_DIR", value)
    assert cache_dir.prepare() is None and cache_dir.location() is None
    assert "MESA_SHADER_CACHE_DIR" not in os.environ and "__GL_SHADER_DISK_CACHE_PATH" not in os.environ


def test_the_default_location_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv("GPUARRAY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert cache_dir.location() == os.path.join(str(tmp_path), "gpuarray")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # not absolute: ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if sys.platform.startswith("linux"):
        assert cache_dir.location() == os.path.join(str(tmp_path), "home", ".cache", "gpuarray")


def test_clear_kernel_cache_removes_only_the_drivers_caches(fresh_cache_dir):
    import gpuarray as ga

    cache_dir.prepare()
    mine = os.path.join(fresh_cache_dir, "notes.txt")
    with open(mine, "w") as f:
        f.write("kept")
    os.makedirs(os.path.join(fresh_cache_dir, "mesa", "ab"))
    with open(os.path.join(fresh_cache_dir, "mesa", "ab", "entry"), "wb") as f:
        f.write(b"x" * 1000)
    with open(os.path.join(fresh_cache_dir, "nvidia", "entry"), "wb") as f:
        f.write(b"y" * 24)
    assert cache_dir.size() == 1024
    assert ga.clear_kernel_cache() == 1024
    assert cache_dir.size() == 0 and ga.clear_kernel_cache() == 0
    assert os.path.isfile(mine) and os.path.isdir(os.path.join(fresh_cache_dir, "mesa"))


def test_a_valid_runtime_dir_is_kept_and_an_invalid_one_replaced(monkeypatch, tmp_path):
    if os.name != "posix":
        pytest.skip("XDG_RUNTIME_DIR is a POSIX setting")
    monkeypatch.setattr(runtime_dir, "_done", False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    runtime_dir.prepare()
    assert os.environ["XDG_RUNTIME_DIR"] == str(tmp_path)
    for bad in ("", "relative/dir", str(tmp_path / "missing")):
        monkeypatch.setattr(runtime_dir, "_done", False)
        monkeypatch.setenv("XDG_RUNTIME_DIR", bad)
        runtime_dir.prepare()
        new = os.environ["XDG_RUNTIME_DIR"]
        assert new != bad and os.path.isabs(new) and runtime_dir._private(new)


# ---- C type lookups without pycparser (the first operation's largest cost)
WGPU_TYPES = [
    "void(WGPULogLevel, WGPUStringView, void *)", "WGPUStringView *", "WGPURequestAdapterOptions *",
    "void(WGPURequestAdapterStatus, WGPUAdapter, WGPUStringView, void *, void *)", "WGPUAdapterInfo *",
    "WGPUChainedStruct *", "WGPUChainedStruct * ", "char []", "WGPUFeatureName[]", "WGPUCommandBuffer[1]",
    "void(WGPUDevice const *, WGPUDeviceLostReason, WGPUStringView, void *, void *)", "WGPUBindGroupEntry[]",
    "uint32_t []", "uint8_t []", "uintptr_t", "uint8_t *", "int32_t *", "WGPUSubmissionIndex *",
    "void(WGPUMapAsyncStatus, WGPUStringView, void *, void *)", "WGPUComputePipelineDescriptor *",
]
NOT_FAST = ["int(*)(int)", "struct WGPUStringView *", "WGPUStringView **", "unsigned int", "void",
            "WGPUCommandBuffer[2][3]", "void(WGPUFeatureName[], int)", "NoSuchType *"]


def test_fast_c_types_are_cffis_own():
    ffi = pytest.importorskip("wgpu.backends.wgpu_native._ffi").ffi
    from cffi import model
    from cffi.commontypes import resolve_common_type

    from gpuarray._device import ctypes_fast, runtime

    runtime.device()
    parser = ffi._parser
    assert "parse_type_and_quals" in vars(parser)  # installed before the first adapter
    slow = type(parser).parse_type_and_quals
    for cdecl in WGPU_TYPES:
        fast = ctypes_fast.fast_type_and_quals(parser, cdecl, model, resolve_common_type)
        assert fast is not None, cdecl
        ref = slow(parser, cdecl)
        assert fast == ref and type(fast[0]) is type(ref[0]), cdecl
    for cdecl in NOT_FAST:  # left to cffi's parser (and its errors)
        assert ctypes_fast.fast_type_and_quals(parser, cdecl, model, resolve_common_type) is None, cdecl
    assert ffi.sizeof("WGPUCommandBuffer[3]") == 3 * ffi.sizeof("WGPUCommandBuffer")
    assert ffi.new("WGPUChainedStruct *").next == ffi.NULL and len(ffi.new("uint32_t []", 5)) == 5
    with pytest.raises(Exception, match="NoSuchType"):
        ffi.typeof("NoSuchType *")


def test_the_coldstart_probe_reports_each_phase(tmp_path):
    """bench/probes/coldstart_probe.py: a fresh process per run, twice with a fresh cache dir."""
    out = tmp_path / "cold.json"
    cmd = [sys.executable, os.path.join(ROOT, "bench", "probes", "coldstart_probe.py"), "--cache", "fresh",
           "--cases", "first_op", "--out", str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT, env=_env())
    assert p.returncode == 0, p.stdout + p.stderr
    doc = json.loads(out.read_text())
    assert [r["run"] for r in doc["results"]] == [1, 2]
    for r in doc["results"]:
        assert r["case"] == "first_op" and r["op_s"] > 0 and r["device_s"] > 0 and r["import_s"] > 0
        st = r["stats"]
        assert st["kernels_compiled"] >= 1 and st["wgsl_bytes"] > 0 and st["compiles"]
        assert abs(st["compile_ms"] - st["codegen_ms"] - st["module_ms"] - st["pipeline_ms"]) < 1e-6
        assert "XDG_RUNTIME_DIR" not in r["stderr"]
    assert "first_op" in p.stdout
