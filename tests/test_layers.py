"""The package's layers: no import cycle, no import between its modules inside a function, the
import-linter contracts kept; GpuArray the same class for users wherever it is defined."""
from __future__ import annotations

import importlib.util
import pathlib
import pickle
import shutil
import subprocess

import numpy as np
import pytest
from conftest import assert_same, sample

import gpuarray as ga

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _import_graph():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_no_import_cycle_and_no_function_level_package_import():
    g = _import_graph()
    mods = g.modules()
    edges = g.imports(mods)
    inner = [f"{a}:{line} -> {b}" for a, b, top, line in edges if not top]
    assert inner == []
    assert g.cycles(list(mods), [(a, b) for a, b, _, _ in edges]) == []
    # every module of the package is in one of the layer subpackages (or is a public one)
    top = {m.split(".")[1] for m in mods if m.count(".") >= 1}
    assert top <= {"_api", "_lazy", "_kernels", "_graph", "_device", "dask", "emath", "fft", "lib", "linalg", "random"}


def test_import_contracts_are_kept():
    pytest.importorskip("importlinter")
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("lint-imports is not on PATH")
    r = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


@pytest.mark.parametrize("dtype", [np.float32, np.int16, np.bool_, np.complex64])
def test_gpuarray_class_and_pickles_name_the_public_path(dtype):
    h = sample((3, 5), dtype, special=True)
    x = ga.asarray(h)
    assert type(x) is ga.GpuArray and ga.ndarray is ga.GpuArray and isinstance(x, ga.GpuArray)
    assert type(x).__name__ == "GpuArray" and type(x).__module__ == "gpuarray"
    assert repr(type(x)) == "<class 'gpuarray.GpuArray'>"
    data = pickle.dumps(x[:, 1::2])  # a strided view pickles its values
    assert b"gpuarray._" not in data  # no private module path in a pickle: later moves keep them loadable
    y = pickle.loads(data)
    assert type(y) is ga.GpuArray
    assert_same(y, h[:, 1::2])
    assert pickle.loads(pickle.dumps(ga.GpuArray)) is ga.GpuArray


def test_methods_and_operators_are_installed_from_the_api_layer():
    h = sample((4, 3), np.float32) / 16
    x = ga.asarray(h)
    assert_same(x.T, h.T)
    assert_same(x.reshape(3, 4), h.reshape(3, 4))
    assert_same(x[1:, ::2], h[1:, ::2])
    assert_same(x.astype(np.float64) if ga.adapter_info()["has_64"] else x.astype(np.int32),
                h.astype(np.float64) if ga.adapter_info()["has_64"] else h.astype(np.int32))
    assert_same(-x + 2 * x, -h + 2 * h)
    assert_same(np.exp(x).sum(axis=0), np.exp(h).sum(axis=0), rtol=1e-5)
    assert x.__array_namespace__() is ga
    assert x.device == ga.__array_namespace_info__().default_device()
    for name in ("sum", "mean", "reshape", "transpose", "argsort", "nonzero", "clip", "dot", "trace", "diagonal"):
        assert getattr(ga.GpuArray, name).__name__ == name
