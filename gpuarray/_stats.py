"""Telemetry: counters of what the library does on the device.

``with gpuarray.stats() as s:`` records the counters' growth inside the block;
``s`` stays readable afterwards. Counters are cumulative module-wide; a
recorder keeps the values at its start and reports differences.
"""
from __future__ import annotations

import collections
import contextlib

COUNTERS = (
    "dispatches",
    "submits",
    "kernels_compiled",
    "pipeline_cache_hits",
    "bytes_to_device",
    "bytes_from_device",
    "buffers_allocated",
)

_totals = dict.fromkeys(COUNTERS, 0)
_fallbacks: collections.Counter = collections.Counter()
_live_bytes = 0
_active: list["Stats"] = []


def _record_deferred() -> None:
    """Record deferred device work (queued reductions) so that the counters include it."""
    from . import _runtime

    dev = _runtime._dev
    work = dev.pending_work if dev is not None else None  # (read once: another thread may run it)
    if work is not None:
        work()


def add(name: str, n: int = 1) -> None:
    _totals[name] += n


def fallback(func_name: str) -> None:
    _fallbacks[func_name] += 1


def live_bytes_changed(delta: int) -> None:
    global _live_bytes
    _live_bytes += delta
    for s in _active:
        if _live_bytes > s._peak:
            s._peak = _live_bytes


def live_bytes() -> int:
    return _live_bytes


class Stats:
    """Counters recorded between the start of a ``stats()`` block and its end (or now)."""

    def __init__(self):
        self._start = dict(_totals)
        self._start_fb = collections.Counter(_fallbacks)
        self._end = None
        self._end_fb = None
        self._peak = _live_bytes

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
    def peak_bytes(self) -> int:
        """Largest device memory held by live arrays during the block."""
        return self._peak

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in COUNTERS}
        d["peak_bytes"] = self.peak_bytes
        d["fallbacks"] = self.fallbacks
        return d

    def __repr__(self):
        return "Stats(" + ", ".join(f"{k}={v}" for k, v in self.as_dict().items()) + ")"


@contextlib.contextmanager
def stats():
    """Record device counters for the enclosed block: ``with gpuarray.stats() as s: ...``."""
    _record_deferred()  # work queued before the block is not the block's
    s = Stats()
    _active.append(s)
    try:
        yield s
    finally:
        _record_deferred()
        _active.remove(s)
        s._end = dict(_totals)
        s._end_fb = collections.Counter(_fallbacks)


def totals() -> dict:
    _record_deferred()
    d = dict(_totals)
    d["fallbacks"] = dict(_fallbacks)
    d["live_bytes"] = _live_bytes
    return d
