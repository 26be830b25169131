"""Telemetry: counters of what the library does on the device.

``with gpuarray.stats() as s:`` records the counters' growth inside the block;
``s`` stays readable afterwards. Counters are cumulative module-wide; a
recorder keeps the values at its start and reports differences. A recorder
shows its counters (``repr``, and an HTML table in notebooks), live while it
records and frozen once its block ends.
"""
from __future__ import annotations

import collections
import weakref

COUNTERS = (
    "dispatches",
    "submits",
    "kernels_compiled",
    "pipeline_cache_hits",
    "bytes_to_device",
    "bytes_from_device",
    "buffers_allocated",
    "fp_errors",  # floating-point error flags read back from kernels: one per (op, category)
    # arrays past one binding (_kernels/windows.py): arrays held in several buffers, and the
    # pieces (boxes) that work over them was split into
    "segmented_arrays",
    "split_dispatches",
    # repeated evaluations (_kernels/replay.py): plans kept as recipes, and dispatches replayed
    # from one instead of planned again
    "recipes",
    "replays",
    # kernel builds (cache misses of Device.kernel): wall time of the whole build and its phases
    # (our code generation; WGSL -> shader module: naga's parse and validation; pipeline creation:
    # naga's SPIR-V output and the driver's compiler), and the WGSL compiled
    "background_compiles",  # kernels built on the compile thread (faster forms of running kernels)
    "compile_ms",
    "codegen_ms",
    "module_ms",
    "pipeline_ms",
    "wgsl_bytes",
)
# per kernel name, the same phases: [builds, compile_ms, codegen_ms, module_ms, pipeline_ms, wgsl_bytes]
COMPILE_FIELDS = ("count", "compile_ms", "codegen_ms", "module_ms", "pipeline_ms", "wgsl_bytes")

_totals = {k: 0.0 if k.endswith("_ms") else 0 for k in COUNTERS}
_fallbacks: collections.Counter = collections.Counter()
_compiles: dict = {}  # kernel name -> list of COMPILE_FIELDS values
_live_bytes = 0
# weak references to the recorders still recording: their peaks follow the live bytes
_active: list = []


def _no_deferred_work() -> None:
    """Before the device module is imported there is no device, so no deferred work."""


# Records deferred device work (queued reductions) so that the counters include it: set by the
# device module when it is imported (it sits above this module, which never imports it).
_record_deferred = _no_deferred_work


def set_deferred_work(fn) -> None:
    """``fn()`` records the device's deferred work; called before counters are read."""
    global _record_deferred
    _record_deferred = fn


def add(name: str, n: int = 1) -> None:
    _totals[name] += n


def compiled(name: str, codegen_s: float, module_s: float, pipeline_s: float, nbytes: int) -> None:
    """One kernel built (a cache miss): its phases' times in seconds and its WGSL size."""
    codegen, module, pipeline = codegen_s * 1e3, module_s * 1e3, pipeline_s * 1e3
    total = codegen + module + pipeline
    _totals["kernels_compiled"] += 1
    _totals["compile_ms"] += total
    _totals["codegen_ms"] += codegen
    _totals["module_ms"] += module
    _totals["pipeline_ms"] += pipeline
    _totals["wgsl_bytes"] += nbytes
    row = _compiles.get(name)
    if row is None:
        row = _compiles[name] = [0, 0.0, 0.0, 0.0, 0.0, 0]
    row[0] += 1
    row[1] += total
    row[2] += codegen
    row[3] += module
    row[4] += pipeline
    row[5] += nbytes


def _compile_diff(now: dict, start: dict) -> dict:
    out = {}
    for name, row in now.items():
        s = start.get(name)
        if s is None:
            out[name] = dict(zip(COMPILE_FIELDS, row))
        elif row[0] != s[0]:
            out[name] = {f: a - b for f, a, b in zip(COMPILE_FIELDS, row, s)}
    return out


def fallback(func_name: str) -> None:
    _fallbacks[func_name] += 1


def live_bytes_changed(delta: int) -> None:
    global _live_bytes
    _live_bytes += delta
    for r in tuple(_active) if _active else ():  # a recorder's death removes its reference
        s = r()
        if s is not None and _live_bytes > s._peak:
            s._peak = _live_bytes


def live_bytes() -> int:
    return _live_bytes


def _forget(ref) -> None:
    try:
        _active.remove(ref)
    except ValueError:
        pass


def _size(n: int) -> str:
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        n /= 1024
        if abs(n) < 1024:
            break
    return f"{n:.1f} {unit}"


class Stats:
    """Counters recorded from the start of a ``stats()`` block (or the ``stats()`` call, without a
    block) to its end (or now)."""

    def __init__(self):
        self._ref = weakref.ref(self, _forget)
        self._start_recording()

    def _start_recording(self):
        _record_deferred()  # work queued before the start is not the recorder's
        self._start = dict(_totals)
        self._start_fb = collections.Counter(_fallbacks)
        self._start_comp = {k: list(v) for k, v in _compiles.items()}
        self._end = None
        self._end_fb = None
        self._end_comp = None
        self._peak = _live_bytes
        if self._ref not in _active:
            _active.append(self._ref)

    def __enter__(self):
        self._start_recording()
        return self

    def __exit__(self, *exc):
        _record_deferred()
        _forget(self._ref)
        self._end = dict(_totals)
        self._end_fb = collections.Counter(_fallbacks)
        self._end_comp = {k: list(v) for k, v in _compiles.items()}
        return False

    def _now(self):
        return (self._end or _totals), (self._end_fb if self._end_fb is not None else _fallbacks)

    def __getattr__(self, name):
        if name in COUNTERS:
            if self._end is None:
                _record_deferred()
            totals, _ = self._now()
            return totals[name] - self._start[name]
        raise AttributeError(name)

    @property
    def fallbacks(self) -> dict:
        _, fb = self._now()
        return {k: v - self._start_fb.get(k, 0) for k, v in fb.items() if v - self._start_fb.get(k, 0)}

    @property
    def compiles(self) -> dict:
        """Kernels built in the block, by kernel name: {name: {count, compile_ms, codegen_ms,
        module_ms, pipeline_ms, wgsl_bytes}}."""
        now = self._end_comp if self._end_comp is not None else _compiles
        return _compile_diff(now, self._start_comp)

    @property
    def peak_bytes(self) -> int:
        """Largest device memory held by live arrays during the block."""
        return self._peak

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in COUNTERS}
        d["peak_bytes"] = self.peak_bytes
        d["fallbacks"] = self.fallbacks
        d["compiles"] = self.compiles
        return d

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for k, v in self.as_dict().items():
            if k == "fallbacks":
                v = ", ".join(f"{f}: {n}" for f, n in sorted(v.items())) or "none"
            elif k == "compiles":
                v = ", ".join(f"{f} x{r['count']} {r['compile_ms']:.0f} ms" for f, r in
                              sorted(v.items(), key=lambda kv: -kv[1]["compile_ms"])[:8]) or "none"
            elif k.endswith("_ms"):
                v = f"{v:.1f}"
            elif k.endswith("bytes") or k.startswith("bytes"):
                v = f"{v}" + (f"  ({_size(v)})" if v >= 1024 else "")
            rows.append((k, str(v)))
        return rows

    def _title(self) -> str:
        return f"gpuarray.stats ({'recording' if self._end is None else 'finished'})"

    def __repr__(self):
        rows = self._rows()
        w = max(len(k) for k, _ in rows)
        return "\n".join([self._title()] + [f"  {k:<{w}}  {v}" for k, v in rows])

    def _repr_html_(self):
        import html

        body = "".join(f"<tr><th style='text-align:left'>{k}</th><td>{html.escape(v)}</td></tr>" for k, v in self._rows())
        return f"<table><caption>{html.escape(self._title())}</caption>{body}</table>"


def stats() -> Stats:
    """Record device counters: ``with gpuarray.stats() as s: ...`` (the block's), or
    ``s = gpuarray.stats()`` (from now on); ``s`` displays its counters."""
    return Stats()


def totals() -> dict:
    _record_deferred()
    d = dict(_totals)
    d["fallbacks"] = dict(_fallbacks)
    d["compiles"] = _compile_diff(_compiles, {})
    d["live_bytes"] = _live_bytes
    return d
