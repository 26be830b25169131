"""``ndenumerate`` and ``nditer``: NumPy's iterators over a host copy (iteration is host work by
nature; counted as fallbacks). ``nditer``'s written operands (``op_flags`` 'readwrite' /
'writeonly') come back to the device arrays when the iteration ends, at ``close()`` or when its
``with`` block exits."""
from __future__ import annotations

import numpy as np

from .._device import fallback as _fallback
from .._lazy.array import GpuArray
from .._lazy.elementwise import assign
from .host import to_host

__all__ = ["ndenumerate", "nditer"]


def ndenumerate(arr):
    """NumPy's ``ndenumerate`` over one download of ``arr``: (index, NumPy scalar) pairs."""
    _fallback.note("ndenumerate")
    return np.ndenumerate(to_host(arr) if isinstance(arr, GpuArray) else arr)


class nditer:  # noqa: N801 (NumPy's name)
    """NumPy's ``nditer`` over host copies of the device operands; writes come back (see module)."""

    def __init__(self, op, *args, **kwargs):
        _fallback.note("nditer")
        many = isinstance(op, (list, tuple))
        ops = list(op) if many else [op]
        flags = kwargs.get("op_flags", args[1] if len(args) > 1 else None)
        if not flags:
            written = set()
        elif isinstance(flags[0], str):
            written = set(range(len(ops))) if {"readwrite", "writeonly"} & set(flags) else set()
        else:
            written = {i for i, f in enumerate(flags) if {"readwrite", "writeonly"} & set(f)}
        self._pairs = []
        host = []
        for i, o in enumerate(ops):
            h = to_host(o)
            if i in written and isinstance(o, GpuArray):
                self._pairs.append((h, o))
            host.append(h)
        self._it = np.nditer(host if many else host[0], *args, **kwargs)
        self._done = False

    def _write_back(self):
        if not self._done:
            self._done = True
            for h, g in self._pairs:
                assign(g, h)

    def __iter__(self):
        for v in self._it:
            yield v
        self._write_back()

    def __next__(self):
        try:
            return next(self._it)
        except StopIteration:
            self._write_back()
            raise

    def iternext(self):
        more = self._it.iternext()
        if not more:
            self._write_back()
        return more

    def close(self):
        self._it.close()
        self._write_back()

    def __enter__(self):
        self._it.__enter__()
        return self

    def __exit__(self, *exc):
        self._it.__exit__(*exc)
        self._write_back()

    def __getattr__(self, name):
        return getattr(self._it, name)
