"""NumPy's floating-point error state (``np.errstate``, ``np.seterr``) for device operations.

The device has no floating-point status flags, so an error can only be seen in the values.
What is honoured:

* NumPy's default state ('warn' for divide, over and invalid; 'ignore' for under), and any
  state made only of 'ignore' and 'warn': device operations give the IEEE values NumPy gives
  (the same values), without NumPy's RuntimeWarnings. Checking every operation would cost a
  read-back per operation, which the lazy, fused design exists to avoid.
* A state where some category is 'raise', 'call', 'print' or 'log': each elementwise
  operation is checked as it is built: its operands are read to the host and NumPy's own
  ufunc runs on them under the caller's state, so FloatingPointError (or the call/print/log)
  happens exactly where NumPy's would. This costs a sync and a host computation per
  operation, only while such a state is in effect. Reductions and linear algebra are not
  checked.

Telling the states apart costs one context-variable read per operation: NumPy keeps its state
in a context variable, and a new state is a new object.
"""
from __future__ import annotations

import numpy as np

from . import dtypes as _dtypes
from .ops import lookup

try:
    from numpy._core._ufunc_config import _extobj_contextvar as _STATE
except ImportError:  # pragma: no cover - NumPy < 2
    _STATE = None

_QUIET = ("ignore", "warn")
_known = {}  # state object -> whether it asks for a check (a few entries: states are few)


state = _STATE.get if _STATE is not None else (lambda: None)  # the current state object (compare with ``is``)


def checked(s) -> bool:
    """Whether state ``s`` asks for checked operations (cached per state object)."""
    try:
        return _known[id(s)][1]
    except KeyError:
        pass
    flag = any(v not in _QUIET for v in np.geterr().values())
    if len(_known) > 64:
        _known.clear()
    _known[id(s)] = (s, flag)  # (the object is kept so its id is not reused)
    return flag


def check(name, args, where=True) -> None:
    """Run NumPy's ufunc ``name`` on host copies of ``args`` under the caller's state: raises
    (or calls, prints, logs) where NumPy would. ``where``: the elements NumPy would compute."""
    device = _dtypes.ARRAY_TYPE  # GpuArray
    try:
        name = lookup(name).name
    except KeyError:
        pass
    f = getattr(np, name, None)
    if not isinstance(f, np.ufunc) or f.nout != 1:
        return
    host = [a.get() if isinstance(a, device) else a for a in args]
    if where is True:
        f(*host)
        return
    w = where.get() if isinstance(where, device) else where
    shape = np.broadcast_shapes(*[np.shape(h) for h in host], np.shape(w))
    with np.errstate(all="ignore"):
        dtype = f(*host).dtype
    f(*host, out=np.empty(shape, dtype), where=w)
