"""A notebook run in a Jupyter kernel (nbclient + ipykernel): GpuArrays display as NumPy's repr with
the class name swapped, ``stats()`` displays its counters, fused chains and reductions run, and the
kernel stays usable after a cell is interrupted.

The kernel is this interpreter (``sys.executable``, whatever kernel specs the machine has installed)
started in the repository root, so it imports the ``gpuarray`` under test.
"""
from __future__ import annotations

import os
import pathlib
import sys

import numpy as np
import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


class ThisPython(KernelSpecManager):
    """Kernel spec "python3" as this interpreter running ipykernel, with the repository importable
    first (an installed spec may name another Python; an editable install another checkout)."""

    def get_kernel_spec(self, kernel_name):
        path = os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name="Python 3", language="python", env={"PYTHONPATH": path})


class GpuArray(np.ndarray):
    """A host ndarray subclass with the device class's name: NumPy's repr of it is the reference."""


def numpy_repr(h) -> str:
    return np.array_repr(np.asarray(h).view(GpuArray))


# each displayed cell: (source, the NumPy expression of the same data in this process[, print options])
SHOWN = {
    "small": ("g = ga.asarray(np.arange(12, dtype=np.float32).reshape(3, 4) / 7)\ng",
              lambda: np.arange(12, dtype=np.float32).reshape(3, 4) / 7),
    "specials": ("ga.asarray(np.array([np.nan, -np.inf, -0.0, 2.5, 1e-8], np.float32))",
                 lambda: np.array([np.nan, -np.inf, -0.0, 2.5, 1e-8], np.float32)),
    "empty": ("ga.zeros((0, 3))", lambda: np.zeros((0, 3))),
    "int8": ("ga.asarray(np.array([[-128, 0, 127]], np.int8))", lambda: np.array([[-128, 0, 127]], np.int8)),
    "big": ("big = ga.arange(3_000_000, dtype=ga.float64) * 0.25\nbig",
            lambda: np.arange(3_000_000, dtype=np.float64) * 0.25),
    "chain": ("a = ga.arange(20, dtype=ga.int64).reshape(4, 5)\n((a * 3 - 7) % 5 + a).sum(axis=1)",
              lambda: ((np.arange(20).reshape(4, 5) * 3 - 7) % 5 + np.arange(20).reshape(4, 5)).sum(axis=1)),
    "fused_max": ("(ga.sqrt(ga.arange(10.0) * 4.0) + 1.0).max()", lambda: (np.sqrt(np.arange(10.0) * 4.0) + 1.0).max()),
    "options": ("with np.printoptions(precision=2, threshold=5, edgeitems=1):\n"
                "    display(ga.linspace(0, 1, 11, dtype=ga.float32))",
                lambda: np.linspace(0, 1, 11, dtype=np.float32), dict(precision=2, threshold=5, edgeitems=1)),
}

INTERRUPT = """\
import os, signal, threading
threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
acc = ga.ones(50_000)
for _ in range(1_000_000):
    acc = acc * 0.5 + 1.0
    float(acc[-1])
"""


def test_notebook_in_a_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell("import numpy as np\nimport gpuarray as ga\nprint(ga.__file__)")]
    for name, (src, *_) in SHOWN.items():
        cells.append(nbformat.v4.new_code_cell(src, metadata={"name": name}))
    cells.append(nbformat.v4.new_code_cell(
        "with ga.stats() as s:\n    v = float(((g * 2.0 + 1.0) ** 2).sum())\nprint(v)\ns", metadata={"name": "stats"}))
    cells.append(nbformat.v4.new_code_cell(INTERRUPT, metadata={"name": "interrupt", "tags": ["raises-exception"]}))
    cells.append(nbformat.v4.new_code_cell("h = ga.arange(7.0) * 3.0 - 1.0\nprint(repr(h))\nfloat(h.sum())",
                                           metadata={"name": "after"}))
    nb.cells = cells
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
    client = nbclient.NotebookClient(nb, km=km, timeout=300, resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    nbformat.write(nb, tmp_path / "executed.ipynb")

    def outputs(name):
        return next(c for c in nb.cells if c.metadata.get("name") == name).outputs

    first = nb.cells[0].outputs
    assert first[0].text.strip() == str(ROOT / "gpuarray" / "__init__.py")
    for name, (_, host, *opts) in SHOWN.items():
        shown = [o for o in outputs(name) if o.output_type in ("execute_result", "display_data")]
        assert len(shown) == 1, (name, outputs(name))
        with np.printoptions(**(opts[0] if opts else {})):
            assert shown[0].data["text/plain"] == numpy_repr(host()), name

    out = outputs("stats")
    printed = [o for o in out if o.output_type == "stream"]
    g = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    assert float(printed[0].text) == pytest.approx(float(((g * 2 + 1) ** 2).sum(dtype=np.float64)), rel=1e-6)
    res = next(o for o in out if o.output_type == "execute_result")
    text = res.data["text/plain"].splitlines()
    assert text[0] == "gpuarray.stats (finished)"
    counters = dict(ln.split()[:2] for ln in text[1:])
    assert int(counters["dispatches"]) >= 1 and int(counters["bytes_from_device"]) == 4
    assert counters["fallbacks"] == "none"
    assert "<table>" in res.data["text/html"]

    after = outputs("after")
    h = np.arange(7.0) * 3.0 - 1.0
    assert after[0].text.strip() == numpy_repr(h)
    assert next(o for o in after if o.output_type == "execute_result").data["text/plain"] == repr(float(h.sum()))
    err = [o for o in outputs("interrupt") if o.output_type == "error"]
    assert len(err) == 1, outputs("interrupt")
    assert err[0].ename == "KeyboardInterrupt", err[0]
