"""Array API data type functions: ``astype``, ``can_cast``, ``finfo``, ``iinfo``, ``isdtype``,
``result_type``.

Each accepts both the array API forms (dtypes, arrays, kind strings) and NumPy's (``casting=``,
dtype-likes such as ``"float32"`` or ``float``, NumPy arrays), because these names are also the
drop-in NumPy namespace's. Promotion is NumPy 2's (NEP 50: Python scalars are weak) mapped onto
the device (without 64-bit support, float64/int64 results become float32/int32).
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .creation import asarray
from .._lazy.elementwise import as_operand, astype as _astype
from .info import check_device

_KINDS = ("bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating", "numeric")


def _dtype_of(x):
    """A NumPy dtype from a dtype-like, a GpuArray, a NumPy array or scalar."""
    if isinstance(x, (GpuArray, np.ndarray, np.generic)):
        return x.dtype
    return np.dtype(x)


def astype(x, dtype, /, *, copy=True, device=None, casting="unsafe"):
    """``x`` converted to ``dtype`` (a new array unless ``copy=False`` and the dtype already
    matches). ``dtype`` may also be an array API kind ('real floating', ...): x's own dtype if it
    is of that kind, else the device default of the kind."""
    check_device(device)
    x = as_operand(x)
    if not isinstance(x, GpuArray):
        x = asarray(x)
    if isinstance(dtype, str) and dtype in _KINDS:
        if isdtype(x.dtype, dtype):
            dtype = x.dtype
        else:
            defaults = {"real floating": dt.default_float(), "complex floating": dt.default_complex(),
                        "signed integer": dt.default_int(), "integral": dt.default_int(),
                        "numeric": dt.default_int(), "bool": dt.bool_}
            if dtype not in defaults:
                raise TypeError(f"astype: no default dtype of kind {dtype!r}")
            dtype = defaults[dtype]
    return _astype(x, dtype, copy=copy, casting=casting)


def can_cast(from_, to, /, casting="safe"):
    """Whether ``from_`` (a dtype or an array) can be cast to ``to`` under ``casting`` (NumPy's rules;
    the array API's is 'safe')."""
    if isinstance(from_, (bool, int, float, complex)) and not isinstance(from_, np.generic):
        raise TypeError("can_cast() does not support Python ints, floats, and complex because the result "
                        "used to depend on the value.\nThis change was part of adopting NEP 50, we may "
                        "explicitly allow them again in the future.")
    return bool(np.can_cast(_dtype_of(from_), _dtype_of(to), casting=casting))


class FInfo:
    """Limits of a floating dtype: the array API fields (``bits``, ``eps``, ``max``, ``min``,
    ``smallest_normal`` as Python numbers, ``dtype``); NumPy's other ``finfo`` fields pass through."""

    def __init__(self, d):
        info = np.finfo(d)
        self._np = info
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.smallest_normal = float(info.smallest_normal)
        self.dtype = info.dtype

    def __getattr__(self, name):
        return getattr(self._np, name)

    def __repr__(self):
        return repr(self._np)


def finfo(type, /):
    """Machine limits of a floating dtype (``bits``, ``eps``, ``max``, ``min``, ``smallest_normal``,
    ``dtype``; for complex types, those of the real component)."""
    d = _dtype_of(type)
    if d.kind not in "fc":
        raise ValueError(f"data type {d} not inexact")
    return FInfo(d)


def iinfo(type, /):
    """Machine limits of an integer dtype (NumPy's ``iinfo``: bits, max, min, dtype)."""
    d = _dtype_of(type)
    if d.kind not in "iu":
        raise ValueError(f"Invalid integer data type {d.kind!r}.")
    return np.iinfo(d)


def isdtype(dtype, kind):
    """Whether ``dtype`` is of ``kind``: a dtype, a kind name ('bool', 'signed integer',
    'unsigned integer', 'integral', 'real floating', 'complex floating', 'numeric') or a tuple of
    them. An array is accepted for ``dtype`` (its dtype is used)."""
    if isinstance(dtype, (GpuArray, np.ndarray)):
        dtype = dtype.dtype
    if not isinstance(dtype, np.dtype):
        if isinstance(dtype, type) and issubclass(dtype, np.generic):
            dtype = np.dtype(dtype)
        else:
            raise TypeError(f"dtype argument must be a NumPy dtype, but it is a {type(dtype)}.")
    if isinstance(kind, tuple):
        return any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise ValueError(f"kind argument is a string, but {kind!r} is not a known kind name.")
        return bool(np.isdtype(dtype, kind))
    try:
        return dtype == np.dtype(kind)
    except TypeError:
        raise TypeError(f"kind argument must be comprised of NumPy dtypes or strings only, but is a "
                        f"{type(kind)}.") from None


def result_type(*arrays_and_dtypes):
    """The dtype of an operation on the arguments (arrays, dtypes, Python scalars): NumPy 2
    promotion, Python scalars weak; at least one array or dtype is required."""
    if arrays_and_dtypes and all(isinstance(a, (bool, int, float, complex)) and not isinstance(a, np.generic)
                                 for a in arrays_and_dtypes):
        raise ValueError("at least one array or dtype is required")
    conv = [a.dtype if isinstance(a, GpuArray) else a for a in arrays_and_dtypes]
    return dt.result_type(*conv)


__all__ = ["astype", "can_cast", "finfo", "iinfo", "isdtype", "result_type"]
