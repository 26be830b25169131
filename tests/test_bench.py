"""bench/run.py and bench/report.py end to end at the small size: records for every library
and mode, validated against NumPy, gpuarray's counters present, the report's tables rendered."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
COUNTERS = ("dispatches", "kernels_compiled", "bytes_to_device", "bytes_from_device")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    cmd = [sys.executable, os.path.join(BENCH, "run.py"), "--size", "small", "--libs", "numpy,cupy,gpuarray",
           "--workloads", "elementwise,nlms,iir", "--micro", "--micro-bytes", "1e6", "--repeats", "2", "--warm-seconds", "0",
           "--out", str(out)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    files = list(out.glob("*.json"))
    assert len(files) == 1
    with open(files[0]) as f:
        return out, files[0], json.load(f)


def test_meta(results):
    _, path, data = results
    meta = data["meta"]
    for k in ("date", "adapter", "versions", "python", "host"):
        assert meta[k]
    assert path.name.startswith(meta["date"] + "-")
    assert meta["versions"]["gpuarray"] and meta["versions"]["numpy"]


def test_workload_records_validated(results):
    recs = [r for r in results[2]["records"] if not r["workload"].startswith("micro/")]
    done = {(r["workload"], r["lib"], r["mode"]) for r in recs if r["status"] == "ok"}
    for w in ("elementwise", "nlms", "iir"):
        for lib, mode in (("numpy", "namespace"), ("gpuarray", "namespace"), ("gpuarray", "dispatch")):
            assert (w, lib, mode) in done
    for r in recs:
        if r["status"] == "skipped":
            assert r["lib"] == "cupy" and r["reason"]  # no CUDA here: recorded with the reason
            continue
        assert r["status"] == "ok" and r["ok"] is True, r
        assert r["cold_s"] > 0 and r["warm_s"] > 0 and r["max_rel_diff"] is not None
        if r["lib"] == "gpuarray":
            assert r["ref"] == "numpy"
            if r["workload"] != "iir":  # deterministic inputs: float32 rounding only (iir draws its own stream)
                assert r["max_rel_diff"] < 1e-4
            for k in COUNTERS:
                assert isinstance(r[k], int), (k, r)
            assert r["dispatches"] > 0 and r["fallbacks"] == {}
            assert r["bytes_from_device"] <= 4096  # only the statistics come back


def test_micro_records(results):
    recs = {(r["workload"], r["lib"], r["mode"]): r for r in results[2]["records"] if r["workload"].startswith("micro/")}
    for name in ("copy", "chain", "sum", "gemm", "syrk", "smallk", "h2d", "d2h", "readback", "compile"):
        r = recs[(f"micro/{name}", "gpuarray", "namespace")]
        assert r["status"] == "ok" and r["ok"] is True, r
        assert r["value"] > 0 and r["unit"]
    assert recs[("micro/ops", "gpuarray", "eager")]["dispatches"] >= 1000
    lazy = recs[("micro/ops", "gpuarray", "lazy")]
    assert lazy["ok"] and lazy["dispatches"] < 1000  # the chain fuses
    assert recs[("micro/copy", "numpy", "namespace")]["ok"]
    copy = recs[("micro/copy", "gpuarray", "namespace")]
    assert copy["params"]["bytes_per_array"] == 1_000_000 and copy["dispatches"] == 1


def test_report_renders_tables(results, tmp_path):
    _, path, data = results
    readme = tmp_path / "README.md"
    readme.write_text("# head\n\n<!-- results:begin (bench/report.py writes this section) -->\nold\n<!-- results:end -->\ntail\n")
    p = subprocess.run([sys.executable, os.path.join(BENCH, "report.py"), str(path), "--readme", str(readme),
                        "--plots", str(tmp_path / "plots")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    text = readme.read_text()
    assert text.startswith("# head") and text.rstrip().endswith("tail") and "\nold\n" not in text
    assert data["meta"]["adapter"]["name"] in text
    assert "| workload | size | numpy |" in text and "gpuarray vs NumPy" in text
    for w in ("elementwise", "nlms", "iir", "copy", "gemm", "readback"):
        assert f"| {w} |" in text
    assert "FAILED" not in text
