"""NumPy's ufunc call rules, in one place for both entry points: the namespace's functions
(``gpuarray.add(x, y, out=o, where=m)``) and NumPy's ufuncs on GpuArrays
(``numpy.add(x, y, out=o, where=m)`` through ``__array_ufunc__``).

* The loop (operand and result dtypes) is NumPy's own choice: ``ufunc.resolve_dtypes`` with
  the operands' dtypes (Python scalars as the weak ``int``/``float``/``complex``), ``dtype=``
  or ``signature=`` and ``casting=``. It raises NumPy's own exceptions (``UFuncTypeError``
  and its subclasses) where NumPy would. Array operands of another dtype are cast to the
  loop's dtypes before the device op, so the device computes NumPy's loop.
* ``out=`` must be an array (GpuArray, or a NumPy array that receives a host copy) of the
  broadcast shape; the result is cast to it under ``casting`` (NumPy's output casting error
  otherwise). An output that aliases an input is safe (``assign`` evaluates first).
* ``where=`` is cast to bool under 'safe', broadcasts with the operands and the output; the
  unselected elements of ``out`` keep their values. Without ``out`` NumPy leaves them
  uninitialized (and warns): here they are 0.
* ``order=`` and ``subok=`` are checked and otherwise have no effect (results are C-ordered
  GpuArrays).
"""
from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from .._device import runtime as _runtime
from .._device.errors import DeferToArrayFunction
from .._graph import dtypes as dt
from .._graph import errstate as _errstate
from .._lazy.array import GpuArray
from .creation import zeros
from .._graph import ops as _ops
from .._lazy.elementwise import (_exceptions, apply, as_operand, assign, astype, conj, imag, output_casting_error,
                                 real, where)
from .._lazy.placement import operand_device
from .host import host_fallback
from .._graph.ops import no_loop

_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
_ORDERS = ("C", "F", "A", "K", None)
_PY = (bool, int, float, complex)
_KEYS = frozenset(("out", "where", "dtype", "casting", "order", "subok", "signature"))


class NoDeviceImpl(Exception):
    """Raised inside the dispatchers when the arguments need the host fallback."""


_loops: dict = {}


def _loop(ufunc, in_types, sig, casting):
    """NumPy's loop dtypes for operand types ``in_types`` (dtypes, or Python scalar types)."""
    key = (ufunc, in_types, sig, casting)
    try:
        return _loops[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable signature
        key = None
    kw = {} if sig is None else {"signature": sig}
    loop = ufunc.resolve_dtypes(in_types + (None,) * ufunc.nout, casting=casting, **kw)
    loop = tuple(dt.canonical(d) if d in dt.NEEDS_64 else d for d in loop)
    if key is not None:
        _loops[key] = loop
    return loop


def _operand(x):
    if isinstance(x, GpuArray) or (isinstance(x, _PY) and not isinstance(x, np.generic)):
        return x
    if isinstance(x, np.generic):
        if x.dtype.kind not in "biufc":
            raise NoDeviceImpl
        return x
    try:
        return as_operand(x)
    except TypeError:  # not a device dtype (strings, objects): NumPy decides on the host
        raise NoDeviceImpl from None


def _type_of(x):
    if isinstance(x, (GpuArray, np.generic)):
        return x.dtype
    if isinstance(x, bool):
        return dt.bool_
    return type(x)  # weak Python scalar


def _signature(ufunc, dtype, signature):
    if dtype is not None:
        if signature is not None:
            raise TypeError("cannot specify both 'signature' and 'dtype'")
        return (None,) * ufunc.nin + (np.dtype(dtype),) * ufunc.nout
    if signature is None:
        return None
    if isinstance(signature, str):
        return signature
    if isinstance(signature, (tuple, list)):
        return tuple(None if s is None else np.dtype(s) for s in signature)
    return np.dtype(signature)


def normalize_out(out, nout):
    """``out=`` as a tuple of nout entries (arrays or None), or None; NumPy's errors."""
    if out is None:
        return None
    if not isinstance(out, tuple):
        out = (out,)
    if len(out) != nout:
        raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
    for o in out:
        if o is not None and not isinstance(o, (GpuArray, np.ndarray)):
            raise TypeError("return arrays must be of ArrayType")
    return None if all(o is None for o in out) else out


def normalize_where(where):
    """``where=`` as True (everything) or a bool operand (GpuArray or Python bool)."""
    if where is True or (isinstance(where, np.bool_) and where):
        return True
    if isinstance(where, (bool, np.bool_)):
        return bool(where)
    if where is None:
        raise NoDeviceImpl  # NumPy's own (undocumented) reading of where=None
    w = _operand(where)
    d = _type_of(w)
    if not isinstance(d, np.dtype) or d != dt.bool_:
        name = d if isinstance(d, np.dtype) else np.dtype(type(w))
        raise TypeError(f"Cannot cast array data from dtype('{name}') to dtype('bool') according to the rule 'safe'")
    return w


def check_keywords(casting, order):
    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of 'no', 'equiv', 'safe', 'same_kind', 'unsafe' (got {casting!r})")
    if order not in _ORDERS:
        raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")


def call(ufunc, name, inputs, kw):
    """``ufunc(*inputs, **kw)`` on the device with NumPy's keyword rules (``name``: the op-table
    name). Raises NoDeviceImpl where the host must decide (unknown keywords, non-numeric operands).
    Runs on the operands' device (``out`` included)."""
    if _runtime.MULTI:
        dev = operand_device(inputs, kw)
        if dev is not None and dev is not _runtime.device():
            with _runtime.using(dev):
                return call(ufunc, name, inputs, kw)
    out = kw.pop("out", None)
    where = kw.pop("where", True)
    dtype = kw.pop("dtype", None)
    casting = kw.pop("casting", "same_kind")
    order = kw.pop("order", "K")
    kw.pop("subok", None)
    signature = kw.pop("signature", None)
    if kw or ufunc.nout != 1:
        raise NoDeviceImpl
    check_keywords(casting, order)
    out = normalize_out(out, ufunc.nout)
    where = normalize_where(where)
    args = [_operand(a) for a in inputs]
    if len(args) != ufunc.nin:
        raise TypeError(f"{ufunc.__name__}() takes from {ufunc.nin} to {ufunc.nin + ufunc.nout} positional "
                        f"arguments but {len(args)} were given")
    types = tuple(_type_of(a) for a in args)
    sig = _signature(ufunc, dtype, signature)
    loop = _loop(ufunc, types, sig, casting)
    forced = sig is not None
    for i, (a, t, lt) in enumerate(zip(args, types, loop)):
        if isinstance(a, GpuArray):
            if t != lt:
                args[i] = astype(a, lt, copy=False)
        elif isinstance(a, np.generic):
            if t != lt:
                args[i] = np.asarray(a).astype(lt)[()]
        elif forced and not isinstance(a, bool):  # a weak scalar under an explicit loop takes its dtype
            args[i] = np.asarray(a, dtype=lt)[()]
    if where is not True:
        # NumPy computes (and flags) only the selected elements; the kernel computes them all. A
        # checked state is checked here on the selected elements; under 'warn' the op reports
        # no flags (the unselected elements are what `where=` is used to keep quiet)
        if _errstate.checked(_errstate.state()):
            _errstate.check(name, args, where)
        with np.errstate(all="ignore"):
            res = apply(name, *args)
    else:
        res = apply(name, *args)
    rt = loop[ufunc.nin]
    if res.dtype != rt:
        res = astype(res, rt, copy=False)
    return finish(ufunc, res, out, casting, where)


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # gpuarray/ (this is _api/)


def _caller_level() -> int:
    """The warnings stacklevel of the first frame outside this package (the caller's line, as
    NumPy's own warning names it), for a warning issued by the function calling this one."""
    pkg = _PACKAGE_DIR
    f, level = sys._getframe(1), 1
    while f is not None and f.f_code.co_filename.startswith(pkg):
        f, level = f.f_back, level + 1
    return level


def finish(ufunc, res, out, casting="same_kind", where=True):
    """Apply ``out=`` / ``where=`` to a computed result (out already normalized)."""
    if out is None:
        if where is not True:
            warnings.warn("'where' used without 'out', expect unitialized memory in output. If this is "
                          "intentional, use out=None.", UserWarning, stacklevel=_caller_level())
            if isinstance(where, GpuArray):
                res = apply("where", where, res, zeros(np.broadcast_shapes(res.shape, where.shape), res.dtype))
            elif where is False:
                res = zeros(res.shape, res.dtype)
        return res
    results = []
    for i, o in enumerate(out):
        results.append(write_out(ufunc, o, res, casting, where, i))
    return results[0] if len(results) == 1 else tuple(results)


def write_out(ufunc, o, res, casting="same_kind", where=True, i=0):
    """Write ``res`` into output ``o`` (GpuArray or NumPy array) as NumPy's ``out=`` does; returns ``o``."""
    if not np.can_cast(res.dtype, o.dtype, casting=casting):
        raise output_casting_error(ufunc, casting, res.dtype, o.dtype, i)
    shapes = [res.shape, o.shape] + ([where.shape] if isinstance(where, GpuArray) else [])
    try:
        ok = np.broadcast_shapes(*shapes) == tuple(o.shape)
    except ValueError:
        ok = False
    if not ok:
        full = np.broadcast_shapes(*shapes[:1] + shapes[2:]) if len(shapes) > 2 else res.shape
        raise ValueError(f"non-broadcastable output operand with shape {tuple(o.shape)} doesn't match the "
                         f"broadcast shape {full}")
    if isinstance(o, np.ndarray):  # a host output for device inputs: the result is copied down
        w = where.get() if isinstance(where, GpuArray) else where
        np.copyto(o, res.get(), casting="unsafe", where=w)
        return o
    if where is False:
        return o
    if res.dtype != o.dtype:
        res = astype(res, o.dtype, copy=False)
    if where is not True:
        res = apply("where", where, res, o)
    assign(o, res)
    return o


# ------------------------------------------------------------------- the namespace's ufuncs
def _with_keywords(name, inputs, out, kw):
    """The namespace's ``name(*inputs, out=..., where=..., dtype=...)``: NumPy's keyword rules
    (``call``), the host's NumPy where the device cannot decide."""
    uf = getattr(np, name, None)
    kw = dict(kw, out=out) if out is not None else dict(kw)
    if not isinstance(uf, np.ufunc):
        raise TypeError(f"{name}() got unexpected keyword arguments {sorted(kw)}")
    try:
        return call(uf, name, inputs, dict(kw))
    except NoDeviceImpl:
        return host_fallback(uf, name, inputs, kw)


def _make(name):
    nin = _ops.OPS[name].nin

    np_name = name if isinstance(getattr(np, name, None), np.ufunc) else None

    def deferred(args, out, kw):  # an operand with its own NumPy dispatch (a masked array): NumPy's ufunc
        if np_name is None:
            raise
        return getattr(np, np_name)(*args, **(dict(kw, out=out) if out is not None else kw))

    if nin == 1:
        def f(x, /, out=None, **kw):
            try:
                if out is None and not kw:
                    return apply(name, x)
                return _with_keywords(name, (x,), out, kw)
            except DeferToArrayFunction:
                return deferred((x,), out, kw)
    else:
        def f(x1, x2, /, out=None, **kw):
            try:
                if out is None and not kw:
                    return apply(name, x1, x2)
                return _with_keywords(name, (x1, x2), out, kw)
            except DeferToArrayFunction:
                return deferred((x1, x2), out, kw)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise ``{name}`` on the GPU (NumPy semantics and keywords); lazy until its value is needed."
    return f


_SKIP = {"where", "real", "imag", "conj"}
# (names with a leading underscore are internal parts of other functions, not NumPy ufuncs)
FUNCTIONS = {name: _make(name) for name in _ops.OPS if name not in _SKIP and not name.startswith("_")}
FUNCTIONS.update(where=where, real=real, imag=imag, conj=conj)
for _alias, _name in _ops.ALIASES.items():
    FUNCTIONS.setdefault(_alias, FUNCTIONS[_name])
globals().update(FUNCTIONS)
__all__ = sorted(FUNCTIONS)
