"""Host fallbacks: NumPy's function run on host copies of the arguments, the results and the
arrays it wrote into brought back to the device (counted and warned about by ``_fallback``)."""
from __future__ import annotations

import numpy as np

from .._device import fallback as _fallback
from .._lazy.array import GpuArray
from .creation import asarray
from .._lazy.elementwise import assign

__all__: list[str] = []

# ------------------------------------------------------------------------------ host fallback
# functions that write into a positional argument (index) instead of returning a result
MUTATES = {"put": 0, "place": 0, "putmask": 0, "fill_diagonal": 0, "put_along_axis": 0, "copyto": 0}


def to_host(obj, _pairs=None):
    """GpuArrays (also inside lists and tuples) replaced by host copies; ``_pairs`` collects
    (host copy, GpuArray) so written-into arguments can be copied back."""
    if isinstance(obj, GpuArray):
        h = obj.get().copy()
        if _pairs is not None:
            _pairs.append((h, obj))
        return h
    if isinstance(obj, (list, tuple)):
        items = [to_host(o, _pairs) for o in obj]
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):
            return type(obj)(*items)
        return type(obj)(items) if type(obj) in (list, tuple) else items
    return obj


def to_device(obj):
    """NumPy arrays (also inside tuples and lists) uploaded as GpuArrays; scalars and other
    objects are returned as they are."""
    if isinstance(obj, np.ndarray):
        # NumPy's subclasses (masked arrays, matrices, record arrays, memmaps) keep their meaning on the host
        if obj.dtype.kind not in "biufc" or type(obj) is not np.ndarray:
            return obj
        try:
            return asarray(obj)
        except TypeError:  # a dtype the device cannot hold (say float64 without shader-f64)
            return obj
    if isinstance(obj, (list, tuple)):
        items = [to_device(o) for o in obj]
        if isinstance(obj, tuple) and hasattr(obj, "_fields"):
            return type(obj)(*items)
        return type(obj)(items) if type(obj) in (list, tuple) else items
    return obj


def host_fallback(fn, name, args, kwargs, mutated=()):
    """Run NumPy's ``fn`` on host copies of the arguments: counted under ``name``.

    GpuArrays passed as ``out=`` or at a position in ``mutated`` (or ``MUTATES[name]``)
    receive the host result. Returned host arrays come back as GpuArrays (the GpuArray
    itself where NumPy returns the ``out`` argument)."""
    _fallback.note(name)
    pairs: list = []
    hargs = list(args)
    written = []
    mut = set(mutated)
    if name in MUTATES:
        mut.add(MUTATES[name])
    for i, a in enumerate(hargs):
        p: list = []
        hargs[i] = to_host(a, p)
        if i in mut:
            written.extend(p)
        pairs.extend(p)
    hkw = {}
    for k, v in kwargs.items():
        p = []
        hkw[k] = to_host(v, p)
        if k == "out":
            written.extend(p)
        pairs.extend(p)
    res = fn(*hargs, **hkw)
    for h, g in written:
        assign(g, h)

    def back(r):
        for h, g in pairs:
            if r is h:
                return g
        if isinstance(r, (list, tuple)) and not isinstance(r, np.ndarray):
            items = [back(o) for o in r]
            if isinstance(r, tuple) and hasattr(r, "_fields"):
                return type(r)(*items)
            return type(r)(items) if type(r) in (list, tuple) else items
        return to_device(r)

    return back(res)
