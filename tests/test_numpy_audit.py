"""``scripts/numpy_audit.py``: docs/FALLBACKS.md's table of every NumPy name is up to date, and
names every public name of the audited modules once."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import numpy_audit  # noqa: E402


@pytest.fixture(autouse=True)
def same_numpy():
    if f"(NumPy {np.__version__})" not in (ROOT / "docs" / "FALLBACKS.md").read_text():
        pytest.skip("the table was generated with another NumPy version (its names differ)")


def test_committed_table_is_current():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "numpy_audit.py"), "--check"], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_name_once_with_a_class():
    doc = (ROOT / "docs" / "FALLBACKS.md").read_text()
    table = numpy_audit.parse(doc.split(numpy_audit.BEGIN, 1)[1].split(numpy_audit.END, 1)[0])
    for path, mod in numpy_audit.MODULES:
        for name in numpy_audit._np_names(mod):
            full = f"{path}.{name}" if path else name
            assert full in table, full
            assert table[full][0] in ("device", "host", "absent", "n/a"), (full, table[full])
    # the counts line matches the rows
    counts = {c: sum(1 for v in table.values() if v[0] == c) for c in ("device", "host", "absent", "n/a")}
    assert "| %(device)d | %(host)d | %(absent)d | %(n/a)d |" % counts in doc
    # classes the project relies on
    assert table["sinc"][0] == "device" and table["i0"][0] == "device" and table["poly"][0] == "device" and table["einsum_path"][0] == "host" and table["fabs"][0] == "device" and table["linalg.det"][0] == "device"
    assert table["datetime64"] == ("n/a", "type") and table["pi"] == ("n/a", "constant")
    assert table["save"][0] == "host" and table["matrix"][0] == "absent"
    assert len(table) == sum(len(numpy_audit._np_names(m)) for _, m in numpy_audit.MODULES)
