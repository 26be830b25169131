"""Where each NumPy public name runs in gpuarray: device, host fallback (counted), absent (why), or
not applicable (types, constants, exceptions, modules, NumPy's own metadata helpers).

    python scripts/numpy_audit.py            # probe every callable, rewrite the table in docs/FALLBACKS.md
    python scripts/numpy_audit.py --check    # the committed table is up to date (static classes, every
                                             # name present, a few probes repeated); exit 1 if not

A callable is probed by calling it on small float32 GpuArrays (the first signature that runs) and
reading ``gpuarray.stats().fallbacks``: no fallback counted -> device, else host. Functions marked as
host fallbacks (``_ga_host``) are host without a call; functions that change global state or do file
I/O are never called (their class is in the tables below); a callable no generic signature runs is
listed as device "not probed".
"""
from __future__ import annotations

import argparse
import pathlib
import re
import sys
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import gpuarray as gp  # noqa: E402

DOC = ROOT / "docs" / "FALLBACKS.md"
BEGIN, END = "<!-- numpy-audit:begin -->", "<!-- numpy-audit:end -->"

# (gpuarray path, NumPy object); "random.Generator" is the methods of a Generator
MODULES = [("", np), ("lib", np.lib), ("linalg", np.linalg), ("fft", np.fft), ("random.Generator", np.random.Generator),
           ("emath", np.emath), ("ma", np.ma), ("polynomial", np.polynomial), ("rec", np.rec), ("char", np.char)]

ABSENT_WHY = {
    "polynomial": "the polynomial classes: not implemented (`polyval`, `poly1d`, `polyfit` ... are)",
    "matrix": "np.matrix is discouraged by NumPy (use 2-D arrays)", "asmatrix": "np.matrix is discouraged by NumPy",
    "bmat": "np.matrix is discouraged by NumPy", "memmap": "file-mapped host memory",
    "ctypeslib": "ctypes pointers to host memory", "f2py": "a Fortran build tool", "test": "NumPy's own test runner",
    "ufunc": "the namespace's ufuncs are functions with ufunc methods and attributes, not `np.ufunc` instances",
    "lib.test": "NumPy's own test runner", "linalg.test": "NumPy's own test runner", "fft.test": "NumPy's own test runner",
    "random.Generator.bit_generator": "the device stream is Philox on the GPU, not a NumPy BitGenerator",
    "random.Generator.spawn": "independent device streams: not implemented",
}
# never called: global state, printing, file I/O (class, why)
NOT_CALLED = {n: ("n/a", "configuration or printing state") for n in (
    "set_printoptions get_printoptions printoptions seterr geterr seterrcall geterrcall setbufsize getbufsize "
    "show_config show_runtime info get_include errstate").split()}
NOT_CALLED.update({n: ("host", "file I/O: host work by nature") for n in (
    "save savez savez_compressed load loadtxt savetxt genfromtxt fromfile fromregex").split()})
NOT_CALLED["polynomial.set_default_printstyle"] = ("n/a", "configuration or printing state")

# host fallbacks whose work is host work by nature (the reason shown instead of "counted fallback");
# every other host fallback is a gap
BY_NATURE = {n: "text or Python objects parsed on the host" for n in "fromiter fromstring".split()}
BY_NATURE.update({n: "Python iteration over elements" for n in "ndenumerate nested_iters ma.ndenumerate".split()})
BY_NATURE.update({n: "calendars over dates, which are host data" for n in
                  "busday_count busday_offset is_busday".split()})
BY_NATURE.update({
    "einsum_path": "a contraction plan from the shapes alone (Python lists and a report string)",
    "datetime_as_string": "strings are host data",
    "ma.frombuffer": "reads a host buffer", "ma.fromflex": "structured (record) arrays are host data",
    "ma.flatten_structured_array": "structured (record) arrays are host data",
    "ma.make_mask_descr": "a dtype descriptor (no array data)", "ma.masked_object": "object arrays are host data",
})
BY_NATURE.update({f"rec.{n}": "record arrays are host data" for n in
                  "array find_duplicate fromarrays fromfile fromrecords fromstring".split()})

# index tricks: subscripted, not called; probed with a key
INDEX_TRICKS = ("mgrid", "ogrid", "r_", "c_")

_X = None


def _args():
    global _X
    if _X is None:
        rng = np.random.default_rng(1)
        x = gp.asarray(np.linspace(0.15, 0.85, 5, dtype=np.float32))
        m = gp.asarray((rng.random((3, 3)) + 3 * np.eye(3)).astype(np.float32))
        xi = gp.asarray(np.array([3, 5, 6, 9, 12], dtype=np.int32))
        _X = (x, m, xi)
    x, m, xi = _X
    return [(x,), (x, x), (m,), (m, m), (x, 2), (m, 2), (x, x, x), (xi,), (xi, xi), (xi, 1), (x, 0), (m, 0),
            (m, (1, 0)), (x, [1, 3]), (m, [1, 2]), (x, xi[:3] % 5), (5,), ((2, 3),), ((2, 3), 1.5), (1, 7), (np.int32,),
            ([m, m],), ((x, x),), (m, m, m), (x, xi % 5, 0), ()]


def _explicit(full):
    """Signatures for names no generic one fits (or fits misleadingly: ``einsum(x)`` is the interleaved form)."""
    x, m, xi = _X if _X else (_args() and _X)
    t = gp.reshape(gp.arange(8.0, dtype=gp.float32), (2, 2, 2))
    table = {
        "einsum": (("i,i->", x, x), {}), "choose": ((xi % 2, [x, x]), {}), "dsplit": ((t, 2), {}),
        "frombuffer": ((np.arange(3, dtype=np.float32).tobytes(), np.float32), {}),
        "fromfunction": ((lambda i, j: i + j, (2, 3)), {}), "moveaxis": ((m, 0, 1), {}), "swapaxes": ((m, 0, 1), {}),
        "reshape": ((m, (9,)), {}), "ravel_multi_index": (((xi % 3, xi % 2), (3, 2)), {}),
        "unpackbits": ((xi.astype(gp.uint8),), {}), "linalg.tensorinv": ((gp.reshape(gp.eye(4), (4, 2, 2)), 1), {}),
        "random.Generator.bytes": ((3,), {}), "random.Generator.choice": ((5,), {"size": 3}),
        "random.Generator.integers": ((0, 5), {"size": 3}), "random.Generator.permutation": ((5,), {}),
        "random.Generator.shuffle": ((x.copy(),), {}), "random.Generator.dirichlet": (([1.0, 2.0],), {"size": 3}),
        "random.Generator.multinomial": ((5, [0.5, 0.5]), {"size": 3}),
        "random.Generator.multivariate_hypergeometric": (([2, 3], 2), {"size": 3}),
        "random.Generator.permuted": ((x,), {}), "random.Generator.spawn": ((2,), {}),
        "random.Generator.zipf": ((2.0,), {"size": 3}),
        "put_along_axis": ((m, gp.reshape(xi[:3] % 3, (3, 1)), 1.0, 1), {}),
        "isnat": ((np.array(["NaT", "2020-01-01"], dtype="M8[D]"),), {}), "mask_indices": ((3, np.triu), {}),
        "ma.choose": ((xi % 2, [x, x]), {}), "ma.fromfunction": ((lambda i, j: i + j, (2, 3)), {}),
        "ma.apply_along_axis": ((gp.ma.sum, 0, m), {}), "ma.apply_over_axes": ((gp.ma.sum, m, [0]), {}),
    }
    return table.get(full)


def _gen_args():
    return [((), {"size": 3}), ((0.5,), {"size": 3}), ((2.0, 3.0), {"size": 3}), ((5, 0.5), {"size": 3}),
            ((0.0, 0.5, 1.0), {"size": 3}), ((np.ones(2), np.eye(2)), {"size": 3}), ((10, 5, 3), {"size": 3}), ((), {})]


def probe(fn, full, generator=False):
    """'device' / 'host' from the first signature that runs, or None where none runs."""
    gp.set_fallback("silent")
    try:
        sigs = _gen_args() if generator else [(a, {}) for a in _args()]
        if _explicit(full):
            sigs = [_explicit(full)]
        for args, kw in sigs:
            # copies: functions that write into an argument (putmask, fill_diagonal ...) must not change
            # the inputs later probes see
            args = tuple(a.copy() if isinstance(a, gp.GpuArray) else a for a in args)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with gp.stats() as s:
                    try:
                        r = fn(*args, **kw)
                        if isinstance(r, gp.GpuArray):
                            r.get()
                    except Exception:
                        continue
            return "host" if s.fallbacks else "device"
        return None
    finally:
        gp.set_fallback("warn")


def _np_names(mod):
    if mod is np.random.Generator:
        return [n for n in dir(mod) if not n.startswith("_")]
    names = getattr(mod, "__all__", None) if mod is not np else None
    return sorted(n for n in (names or dir(mod)) if not n.startswith("_"))


_MISSING = object()


def _gp_object(path, name):
    obj = gp
    if path == "random.Generator":
        obj = gp.random.default_rng(0)
    elif path:
        for part in path.split("."):
            obj = getattr(obj, part, _MISSING)
            if obj is _MISSING:
                return obj
    return getattr(obj, name, _MISSING)


def classify(path, name, committed, probe_names):
    """(class, note) of one name."""
    full = f"{path}.{name}" if path else name
    npobj = getattr(np.random.Generator if path == "random.Generator" else dict(MODULES)[path], name)
    gpobj = _gp_object(path, name)
    if gpobj is _MISSING:
        return "absent", ABSENT_WHY.get(full) or ABSENT_WHY.get(name) or "not implemented"
    if full in NOT_CALLED or (not path and name in NOT_CALLED):
        return NOT_CALLED.get(full) or NOT_CALLED[name]
    if getattr(gpobj, "_ga_host", None) is not None:
        if path == "char":
            return "host", "counted fallback; strings are host data"
        why = BY_NATURE.get(full)
        return "host", f"counted fallback; host work by nature: {why}" if why else "counted fallback"
    if isinstance(npobj, type) and not isinstance(gpobj, type(gp.add)):
        if issubclass(npobj, BaseException):
            return "n/a", "exception"
        return "n/a", "type"
    if full in INDEX_TRICKS:
        x = _X[0] if _X else _args()[0][0]
        key = (slice(0, 2), slice(0, 3)) if name in ("mgrid", "ogrid") else (x, x)
        return probe(lambda *a: gpobj[key], full) or "device", ""
    if not callable(npobj):
        return "n/a", "module" if type(npobj).__name__ == "module" else "constant"
    if gpobj is npobj:
        return "n/a", "NumPy's own (metadata, shapes or dtypes: no array data)"
    if committed is not None and full not in probe_names:
        if full in committed:
            return committed[full]
        return "?", "not in the committed table"
    c = probe(gpobj, full, generator=path == "random.Generator")
    return (c, "") if c else ("device", "not probed (no generic signature)")


def render(rows):
    counts = {c: sum(1 for r in rows if r[2] == c) for c in ("device", "host", "absent", "n/a")}
    out = [BEGIN, "", "Generated by `python scripts/numpy_audit.py` (NumPy %s); `tests/test_numpy_audit.py` checks it." % np.__version__,
           "", "| device | host fallback | absent | not applicable |", "|---|---|---|---|",
           "| %(device)d | %(host)d | %(absent)d | %(n/a)d |" % counts, "",
           "| module | class | names |", "|---|---|---|"]
    for path, _ in MODULES:
        mine = [r for r in rows if r[0] == path]
        groups: dict = {}
        for _, name, c, note in mine:
            groups.setdefault((c, note), []).append(name)
        for (c, note), names in sorted(groups.items(), key=lambda kv: ("device host absent n/a".split().index(kv[0][0]), kv[0][1])):
            label = c + (f" ({note})" if note else "")
            out.append(f"| `{path or 'numpy'}` | {label} | {' '.join(names)} |")
    out += ["", END]
    return "\n".join(out)


def parse(text):
    """{full name: (class, note)} from a committed block."""
    res = {}
    for line in text.splitlines():
        m = re.match(r"\| `([^`]+)` \| ([a-z/]+)(?: \((.*)\))? \| (.*) \|$", line)
        if m:
            path = "" if m.group(1) == "numpy" else m.group(1)
            for n in m.group(4).split():
                res[f"{path}.{n}" if path else n] = (m.group(2), m.group(3) or "")
    return res


# a few names probed again by --check (fast: kernels small and cached)
CHECK_PROBES = {"fabs", "fix", "sinc", "bincount", "linalg.det", "emath.sqrt"}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args(argv)
    doc = DOC.read_text()
    committed = parse(doc.split(BEGIN, 1)[1].split(END, 1)[0]) if BEGIN in doc else {}
    rows = []
    for path, mod in MODULES:
        for name in _np_names(mod):
            full = f"{path}.{name}" if path else name
            c, note = classify(path, name, committed if a.check else None, CHECK_PROBES)
            rows.append((path, name, c, note))
            if a.check and full in CHECK_PROBES and committed.get(full, (None,))[0] != c:
                print(f"{full}: committed {committed.get(full)}, probed {c}")
    block = render(rows)
    if a.check:
        old = doc.split(BEGIN, 1)[1].split(END, 1)[0] if BEGIN in doc else ""
        if BEGIN + old + END != block:
            print("docs/FALLBACKS.md's NumPy audit is out of date: run python scripts/numpy_audit.py")
            return 1
        return 0
    if BEGIN in doc:
        doc = doc.split(BEGIN, 1)[0] + block + doc.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n## Every NumPy name\n\n" + block + "\n"
    DOC.write_text(doc)
    print(block.splitlines()[6])
    return 0


if __name__ == "__main__":
    sys.exit(main())
