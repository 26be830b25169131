"""Render benchmark results (the JSON files of ``bench/run.py``) as tables in ``bench/README.md``
and, where matplotlib is importable, as one plot per swept workload.

    python bench/report.py bench/results/*.json
    python bench/report.py results.json --readme /tmp/README.md --plots /tmp/plots

Files measured on the same adapter and date with the same ``--size`` are merged (the later run, by the
``started`` time in its meta, wins for the same workload/size/library/mode). The section between the two marker comments of the README is
replaced; everything else in it is kept.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN = "<!-- results:begin (bench/report.py writes this section) -->"
END = "<!-- results:end -->"

COLUMNS = (("numpy", "namespace"), ("cupy", "namespace"), ("cupy", "fuse"), ("torch", "namespace"),
           ("gpuarray", "namespace"), ("gpuarray", "lazy"), ("gpuarray", "eager"), ("gpuarray", "dispatch"))


def col_name(lib, mode):
    return lib if mode == "namespace" else f"{lib} ({mode})"


def load(paths):
    """{(adapter name, date, size setting): {"meta": first meta, "records": {key: record}}} in file order."""
    groups = {}
    files = []
    for p in paths:
        with open(p) as f:
            files.append(json.load(f))
    files.sort(key=lambda d: d.get("meta", {}).get("started", ""))  # later runs win
    for d in files:
        meta = d.get("meta", {})
        key = (meta.get("adapter", {}).get("name", "?"), meta.get("date", "?"), meta.get("settings", {}).get("size", "?"))
        g = groups.setdefault(key, {"meta": meta, "records": {}})
        g["meta"] = meta  # the latest run's
        for r in d.get("records", []):
            g["records"][(r["workload"], r["size"], r["lib"], r["mode"])] = r
    return groups


def fmt_s(t):
    if t is None:
        return "—"
    if t >= 1:
        return f"{t:.3g} s"
    if t >= 1e-3:
        return f"{t * 1e3:.3g} ms"
    return f"{t * 1e6:.3g} us"


def fmt_v(v):
    return "—" if v is None else f"{v:.3g}"


def cell(r, value=False):
    """A record as a table cell: its value or time; ``FAILED`` / ``n/v`` / ``—`` say why not."""
    if r is None or r["status"] == "skipped":
        return "—"
    if r["status"] == "failed":
        return "error"
    text = fmt_v(r.get("value")) if value else fmt_s(r.get("warm_s"))
    if r.get("ok") is False:
        return text + " FAILED"
    if r.get("ok") is None and not value:
        return text + " n/v"
    return text


def ratio(a, b):
    """``a / b`` of two warm times, both measured (and not failed)."""
    ok = lambda r: r is not None and r["status"] == "ok" and r.get("warm_s") and r.get("ok") is not False  # noqa: E731
    return f"{a['warm_s'] / b['warm_s']:.3g}x" if ok(a) and ok(b) else "—"


def size_sort_key(rec):
    p = rec.get("params") or {}
    return tuple(sorted((k, v) for k, v in p.items() if isinstance(v, (int, float))))


def workload_table(recs):
    rows = {}
    for (w, size, lib, mode), r in recs.items():
        if not w.startswith("micro/"):
            rows.setdefault((w, size), {})[(lib, mode)] = r
    if not rows:
        return []
    cols = [c for c in COLUMNS if any(c in v for v in rows.values())]
    # the GPU's SM clock while the timed runs ran (bench/run.py SmClock), where it was recorded
    clocked = any((r.get("sm_clock_mhz") or None) for v in rows.values() for r in v.values())
    head = ["workload", "size"] + [col_name(*c) for c in cols] + [
        "gpuarray vs NumPy", "vs CuPy", "gpuarray cold", "dispatches", "kernels", "to device", "from device"] + (
        ["SM MHz gpuarray / CuPy"] if clocked else [])
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    order = list(dict.fromkeys(r["workload"] for r in recs.values()))
    for (w, size), v in sorted(rows.items(), key=lambda kv: (order.index(kv[0][0]), size_sort_key(next(iter(kv[1].values()))))):
        g = v.get(("gpuarray", "namespace"))
        ok_g = g is not None and g["status"] == "ok"
        out.append("| " + " | ".join(
            [w, size] + [cell(v.get(c)) for c in cols]
            + [ratio(v.get(("numpy", "namespace")), g) if g else "—",
               ratio(v.get(("cupy", "namespace")), g) if g else "—",
               fmt_s(g.get("cold_s")) if ok_g else "—",
               str(g.get("dispatches")) if ok_g else "—",
               str(g.get("kernels_compiled")) if ok_g else "—",
               _bytes(g.get("bytes_to_device")) if ok_g else "—",
               _bytes(g.get("bytes_from_device")) if ok_g else "—"]
            + ([f"{_mhz(g)} / {_mhz(v.get(('cupy', 'namespace')))}"] if clocked else [])) + " |")
    return out


def _mhz(rec) -> str:
    """Median SM clock (min-max) over a record's timed runs, or —."""
    c = (rec or {}).get("sm_clock_mhz")
    return f"{c['median']} ({c['min']}-{c['max']})" if c else "—"


def micro_table(recs):
    rows = {}
    for (w, size, lib, mode), r in recs.items():
        if w.startswith("micro/"):
            rows.setdefault((w[6:], size), {})[(lib, mode)] = r
    if not rows:
        return []
    cols = [c for c in COLUMNS if any(c in v for v in rows.values())]
    head = ["bench", "size", "unit"] + [col_name(*c) for c in cols]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (w, size), v in rows.items():
        unit = next((r.get("unit") for r in v.values() if r.get("unit")), "")
        out.append("| " + " | ".join([w, size, unit] + [cell(v.get(c), value=True) for c in cols]) + " |")
    return out


def _bytes(n):
    if n is None:
        return "—"
    for u, f in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= f:
            return f"{n / f:.3g} {u}"
    return f"{n} B"


def render(groups) -> str:
    lines = [BEGIN, ""]
    for (adapter, date, _), g in groups.items():
        meta = g["meta"]
        v = meta.get("versions", {})
        host = meta.get("host", {})
        lines.append(f"### {adapter}, {date}")
        lines.append("")
        lines.append(
            f"gpuarray {v.get('gpuarray')}, NumPy {v.get('numpy')}, CuPy {v.get('cupy') or 'not available'}, "
            f"PyTorch {v.get('torch') or 'not available'}, Python {meta.get('python')}; host {host.get('name')} "
            f"({host.get('cpus')} CPUs); size `{meta.get('settings', {}).get('size')}`, "
            f"median of {meta.get('settings', {}).get('repeats')} warm runs."
            + (f" CUDA device: {meta['cuda_device']}." if meta.get("cuda_device") else ""))
        lines.append("")
        wt = workload_table(g["records"])
        if wt:
            lines += ["Workloads (warm seconds; ratios are the other library's time over gpuarray's, > 1 means "
                      "gpuarray is faster; counters are gpuarray's over one warm run):", ""] + wt + [""]
        mt = micro_table(g["records"])
        if mt:
            lines += ["Microbenchmarks (higher is better for GB/s and TFLOP/s, lower for us, ms and us/op):", ""] + mt + [""]
        skipped = sorted({f"{r['lib']}: {r['reason']}" for r in g["records"].values()
                          if r["status"] == "skipped" and r.get("reason") and "not available" in r["reason"]})
        if skipped:
            lines += ["Not run: " + "; ".join(skipped), ""]
    lines.append(END)
    return "\n".join(lines)


def update_readme(path: str, section: str) -> None:
    text = open(path).read() if os.path.exists(path) else ""
    if BEGIN in text and END in text:
        pre, rest = text.split(BEGIN, 1)
        post = rest.split(END, 1)[1]
        text = pre + section + post
    else:
        text = text.rstrip("\n") + ("\n\n## Results\n\n" if text else "## Results\n\n") + section + "\n"
    with open(path, "w") as f:
        f.write(text)


def plots(groups, outdir: str) -> list[str]:
    """One PNG per workload measured at several sizes: time and gpuarray's speedup against size."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    made = []
    for (adapter, date, _), g in groups.items():
        by_w = {}
        for (w, size, lib, mode), r in g["records"].items():
            if not w.startswith("micro/") and r["status"] == "ok" and r.get("warm_s"):
                by_w.setdefault(w, {}).setdefault((lib, mode), []).append(r)
        for w, series in by_w.items():
            sizes = {r["size"] for rs in series.values() for r in rs}
            if len(sizes) < 2:
                continue
            os.makedirs(outdir, exist_ok=True)
            fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
            work = lambda r: math.prod(v for v in r["params"].values() if isinstance(v, (int, float)))  # noqa: E731
            for (lib, mode), rs in sorted(series.items()):
                rs = sorted(rs, key=work)
                ax1.plot([work(r) for r in rs], [r["warm_s"] for r in rs], "o-", label=col_name(lib, mode))
            gpu = {r["size"]: r for r in series.get(("gpuarray", "namespace"), [])}
            for ref in ("numpy", "cupy"):
                pts = sorted(((work(r), r["warm_s"] / gpu[r["size"]]["warm_s"]) for r in series.get((ref, "namespace"), [])
                              if r["size"] in gpu), key=lambda t: t[0])
                if pts:
                    ax2.plot(*zip(*pts), "o-", label=f"vs {ref}")
            ax1.set(xscale="log", yscale="log", xlabel="problem size (product of size parameters)",
                    ylabel="warm time (s)", title=f"{w}: time")
            ax2.set(xscale="log", yscale="log", xlabel="problem size (product of size parameters)",
                    ylabel="speedup of gpuarray (x)", title=f"{w}: gpuarray speedup")
            ax2.axhline(1.0, color="gray", lw=0.8)
            ax1.legend(fontsize=8)
            if ax2.lines[1:]:
                ax2.legend(fontsize=8)
            fig.suptitle(f"{adapter}, {date}", fontsize=9)
            fig.tight_layout()
            name = os.path.join(outdir, f"{date}-{_slug(adapter)}-{w}.png")
            fig.savefig(name, dpi=110)
            plt.close(fig)
            made.append(name)
    return made


def _slug(text):
    s = re.sub(r"\(.*?\)", "", text.lower())
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:40].strip("-")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", help="result JSON files of bench/run.py")
    ap.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    ap.add_argument("--plots", default=os.path.join(HERE, "results", "plots"))
    args = ap.parse_args(argv)
    groups = load(sorted(args.files))
    section = render(groups)
    update_readme(args.readme, section)
    print(f"tables for {len(groups)} adapter/date group(s) -> {args.readme}")
    made = plots(groups, args.plots)
    print(f"{len(made)} plot(s) -> {args.plots}" if made else "no plots (matplotlib missing or no sweep)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
