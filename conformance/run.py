"""Run the array API conformance suite (data-apis/array-api-tests) against gpuarray.

    python conformance/run.py --suite /tmp/ext/array-api-tests [--max-examples 100] [--workers 2]
                              [--disable-f64] [--subset array_api_tests/test_sorting_functions.py ...]

The suite is a separate checkout (see conformance/README.md); this script only runs it with our
settings and skips file, then appends a section with the counts and the failing tests to
conformance/results.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _git_commit(path: Path) -> str:
    """The commit of a checkout, or of an extracted archive (``git archive`` stores it in the tar)."""
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.strip()
    except OSError:
        pass
    stamp = path / ".commit"
    return stamp.read_text().strip() if stamp.exists() else "unknown"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", required=True, help="path of an array-api-tests checkout (with array-api/ populated)")
    ap.add_argument("--max-examples", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--disable-f64", action="store_true", help="run on a device without 64-bit types")
    ap.add_argument("--subset", nargs="*", default=None, help="test files or ids inside the suite (default: all)")
    ap.add_argument("--results", default=str(HERE / "results.md"))
    ap.add_argument("--no-record", action="store_true", help="print the counts without appending to results.md")
    ap.add_argument("pytest_args", nargs="*", help="extra arguments passed to pytest (after --)")
    a = ap.parse_args(argv)

    suite = Path(a.suite).resolve()
    if not (suite / "array_api_tests").is_dir():
        ap.error(f"{suite} is not an array-api-tests checkout")
    if not (suite / "array-api" / "spec").is_dir():
        ap.error(f"{suite}/array-api is empty: populate the spec submodule (see conformance/README.md)")

    env = dict(os.environ)
    env["ARRAY_API_TESTS_MODULE"] = "gpuarray"
    env["ARRAY_API_TESTS_VERSION"] = "2025.12"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    if a.disable_f64:
        env["GPUARRAY_DISABLE_F64"] = "1"
        # the names stay in the namespace (NumPy's dtypes), but the device refuses them
        env["ARRAY_API_TESTS_SKIP_DTYPES"] = "int64,uint64,float64,complex128"
    report = Path(tempfile.mkstemp(prefix="aat-report-", suffix=".json")[1])
    cmd = [sys.executable, "-m", "pytest", *(a.subset or ["array_api_tests"]),
           f"--max-examples={a.max_examples}", "--disable-deadline", "-q", "-p", "no:warnings",
           "-p", "no:cacheprovider", "--skips-file", str(HERE / "skips.txt"),
           "--json-report", f"--json-report-file={report}", "--json-report-omit", "log", "streams"]
    if a.workers > 1:
        cmd += ["-n", str(a.workers)]
    cmd += a.pytest_args
    print(" ".join(cmd), flush=True)
    start = datetime.datetime.now()
    rc = subprocess.run(cmd, cwd=suite, env=env).returncode
    minutes = (datetime.datetime.now() - start).total_seconds() / 60

    data = json.loads(report.read_text())
    tests = data.get("tests", [])
    counts = Counter(t["outcome"] for t in tests)
    failing = sorted(t["nodeid"] for t in tests if t["outcome"] in ("failed", "error"))
    skipped_by_file = 0
    for t in tests:
        if t["outcome"] == "skipped":
            msg = str((t.get("setup") or {}).get("longrepr", "")) + str((t.get("call") or {}).get("longrepr", ""))
            if "skips file" in msg or "skips.txt" in msg:
                skipped_by_file += 1
    report.unlink()

    suite_commit = _git_commit(suite)
    spec_commit = _git_commit(suite / "array-api")
    lines = [
        f"\n## {start:%Y-%m-%d %H:%M} — max-examples {a.max_examples}"
        + (", --disable-f64" if a.disable_f64 else "") + (f", subset {' '.join(a.subset)}" if a.subset else ""),
        "",
        f"- suite: data-apis/array-api-tests `{suite_commit}`, spec data-apis/array-api `{spec_commit}`, "
        f"API version 2025.12",
        f"- {len(tests)} tests: **{counts.get('passed', 0)} passed**, {counts.get('failed', 0)} failed, "
        f"{counts.get('error', 0)} errors, {counts.get('skipped', 0)} skipped ({skipped_by_file} by skips.txt), "
        f"{counts.get('xfailed', 0)} xfailed; {minutes:.1f} min with {a.workers} workers",
        "",
    ]
    if failing:
        lines.append("Failing:")
        lines.append("")
        lines += [f"- `{n}`" for n in failing]
        lines.append("")
    text = "\n".join(lines)
    print(text)
    if not a.no_record:
        res = Path(a.results)
        if not res.exists():
            res.write_text("# Array API conformance results\n\nOne section per run of `conformance/run.py` "
                           "(newest last).\n")
        with res.open("a") as f:
            f.write(text)
    return 0 if rc in (0, 1) else rc


if __name__ == "__main__":
    sys.exit(main())
