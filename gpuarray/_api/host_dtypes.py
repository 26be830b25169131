"""Creation functions for dtypes with no device layout: strings, bytes, objects, structured records
and dates give NumPy's array on the host, counted as a fallback (warned once per function, refused
under ``set_fallback("raise")``). Numeric fields and views taken from such an array are NumPy arrays,
which come to the device when used with GpuArrays.

These are the namespace's creation functions (``gpuarray.array``, ``gpuarray.zeros`` ...); the
package's own modules use ``creation``'s, which refuse such dtypes (a NumPy function given a string
array then runs on the host as a whole). Only the failing path looks at the dtype: the numeric path
costs one ``try``. ``accept_host_data`` gives the namespace's other functions the same reach.

``isnat`` of a date array (host data) compares its int64 bits with NaT's (int64's minimum) on the
device: the result is a device array, as for the namespace's other predicates."""
from __future__ import annotations

import functools
import types

import numpy as np

from .._device import fallback as _fallback
from .._device.errors import DeferToArrayFunction, HostDataError
from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from . import creation
from .._lazy.elementwise import apply
from .host import host_fallback


def _host_value(v):
    return v.get() if isinstance(v, GpuArray) else v


def _host_dtypes(fn, name):
    np_fn = getattr(np, name)
    like = name.endswith("_like")

    def f(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError as err:
            if like and isinstance(args[0] if args else next(iter(kwargs.values()), None), GpuArray):
                # ``empty_like(device_array, dtype=records)`` promises the prototype's array type: refused
                # (libraries such as dask catch this TypeError, as with other device arrays)
                raise
            kw = {k: _host_value(v) for k, v in kwargs.items() if k not in ("device", "like")}
            try:
                res = np_fn(*[_host_value(a) for a in args], **kw)
            except Exception:
                raise err from None
            if not (isinstance(res, np.ndarray) and dt.host_only(res.dtype)):
                raise
            _fallback.note(name)
            return res

    f.__name__ = f.__qualname__ = name
    f.__doc__ = fn.__doc__
    f.__module__ = "gpuarray"  # its public path (pickled arrays name ``gpuarray.asarray``)
    f.__wrapped__ = fn
    return f


def _host_data(fn, np_fn, name):
    @functools.wraps(fn)
    def f(*args, **kwargs):
        if args and getattr(type(args[0]), "_ga_defer", False):
            return np_fn(*args, **kwargs)  # a masked array: NumPy's dispatch hands the call to its type
        try:
            return fn(*args, **kwargs)
        except DeferToArrayFunction:
            return np_fn(*args, **kwargs)
        except HostDataError:  # strings, objects, records or dates among the arguments: NumPy's on the host
            return host_fallback(np_fn, name, args, kwargs)

    return f


def accept_host_data(namespace: dict) -> None:
    """The namespace's functions given data NumPy holds only on the host (a string array, a list of
    dates, a structured array) run NumPy's function on it, as NumPy's own dispatch to GpuArrays
    does (``__array_function__``): a counted fallback. Ufuncs and host fallbacks already do. Given an
    array type with its own dispatch (``_ga_defer``: ``gpuarray.ma``'s masked arrays) first, or as an
    operand, they call NumPy's function, which hands the call to that type."""
    for name, fn in list(namespace.items()):
        np_fn = getattr(np, name, None)
        if (name.startswith("_") or name in __all__ or not callable(fn) or isinstance(fn, (type, types.ModuleType))
                or not callable(np_fn) or isinstance(np_fn, type) or hasattr(fn, "nin")
                or getattr(fn, "_ga_host", None) is not None):
            continue
        namespace[name] = _host_data(fn, np_fn, name)


def isnat(x, /, out=None, *, where=True, **kwargs):
    """NumPy's ``isnat``: whether each date or duration is NaT, computed on the device from the
    int64 bits (NumPy's TypeError for other dtypes, device arrays included: those are numeric)."""
    h = x if isinstance(x, (np.ndarray, np.generic)) else np.asarray(x) if not isinstance(x, GpuArray) else None
    if h is None or h.dtype.kind not in "mM":
        raise TypeError("ufunc 'isnat' is only defined for np.datetime64 and np.timedelta64.")
    if out is not None or where is not True or kwargs:
        return host_fallback(np.isnat, "isnat", (h,), dict(out=out, where=where, **kwargs))
    h = np.asarray(h)
    bits = creation.asarray((h if h.flags.c_contiguous else h.copy()).view(np.int64))
    return apply("equal", bits, np.iinfo(np.int64).min)


__all__ = ["array", "asarray", "asanyarray", "ascontiguousarray", "empty", "zeros", "ones", "full", "empty_like",
           "zeros_like", "ones_like", "full_like", "arange", "frombuffer", "eye", "identity"]
for _name in __all__:
    globals()[_name] = _host_dtypes(getattr(creation, _name), _name)
del _name
__all__ = [*__all__, "isnat"]
