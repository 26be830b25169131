"""NumPy's floating-point error state (``np.errstate``, ``np.seterr``) for device operations.

The device has no floating-point status flags, so an error can only be seen in the values.
What is honoured:

* NumPy's default state ('warn' for divide, over and invalid; 'ignore' for under), and any
  state made only of 'ignore' and 'warn': device operations give the IEEE values NumPy gives,
  and NumPy's RuntimeWarnings ("divide by zero encountered in log" ...) when a value is read.
  Each elementwise node carries the 'warn' categories of the state it was built under
  (``Ew.fpe``); the kernel computing it sets flag bits in a small device buffer, one word per
  op (``ops.FPE_SLOT``), where its result is a new NaN ('invalid') or a new infinity
  ('divide' or 'overflow'; the op table says which). The words travel back with the next host
  read (``Device.read``), which hands them to ``report``: the warnings are NumPy's, raised at
  the read instead of the operation (work is lazy), once per op and category per read.
  Casts (``astype``) are checked as NumPy flags them. Not checked: complex operations and the
  accumulation of reductions ("overflow encountered in reduce").
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

import sys
import warnings

import numpy as np

from . import dtypes as _dtypes
from .._device import runtime as _runtime
from .ops import FPE_SLOT, lookup

# flag bits (the device's words hold them per op)
DIVIDE, OVERFLOW, INVALID = 1, 2, 4
_CATEGORIES = (("divide", DIVIDE), ("over", OVERFLOW), ("invalid", INVALID))
_MESSAGES = ((DIVIDE, "divide by zero encountered in {}"), (OVERFLOW, "overflow encountered in {}"),
             (INVALID, "invalid value encountered in {}"))
# (an internal op, "_ldexp", reports under the NumPy function it is part of)
_SLOT_NAMES = {slot: name.lstrip("_").partition("_")[0] if name.startswith("_") else name
               for name, slot in FPE_SLOT.items()}
_SLOT_NAMES[0] = "cast"

try:
    from numpy._core._ufunc_config import _extobj_contextvar as _STATE
except ImportError:  # pragma: no cover - NumPy < 2
    _STATE = None

_QUIET = ("ignore", "warn")
_known = {}  # state object -> whether it asks for a check (a few entries: states are few)


state = _STATE.get if _STATE is not None else (lambda: None)  # the current state object (compare with ``is``)


def _entry(s):
    e = _known.get(id(s))
    if e is None:
        err = np.geterr()
        flag = any(v not in _QUIET for v in err.values())
        mask = 0 if flag else sum(bit for name, bit in _CATEGORIES if err[name] == "warn")
        if len(_known) > 64:
            _known.clear()
        e = _known[id(s)] = (s, flag, mask)  # (the object is kept so its id is not reused)
    return e


def checked(s) -> bool:
    """Whether state ``s`` asks for checked operations (cached per state object)."""
    return _entry(s)[1]


def warn_mask(s) -> int:
    """The flag bits the device reports for ops built under state ``s``: its 'warn' categories
    (none in a checked state, where ``check`` runs NumPy itself)."""
    return _entry(s)[2]


def _user_level() -> int:
    """The ``stacklevel`` of the first frame outside this package and NumPy (the user's read;
    NumPy's printing reads through this package's callbacks)."""
    f, level = sys._getframe(1), 1  # report's frame: stacklevel 1
    while f is not None and f.f_globals.get("__name__", "").partition(".")[0] in ("gpuarray", "numpy"):
        f, level = f.f_back, level + 1
    return level


def report(words) -> None:
    """NumPy's RuntimeWarnings for the flag words a read brought back (slot -> op name)."""
    level = _user_level()
    for slot in np.flatnonzero(words):
        w, name = int(words[slot]), _SLOT_NAMES.get(int(slot), "operation")
        for bit, text in _MESSAGES:
            if w & bit:
                warnings.warn(text.format(name), RuntimeWarning, stacklevel=level)


_runtime.fpe_report = report  # the device layer calls up through this


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
