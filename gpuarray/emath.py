"""``numpy.emath`` (``numpy.lib.scimath``): the math functions whose results are complex where the
real ones leave their domain (``sqrt(-4)`` is ``2j``). As NumPy does, the input is converted to
complex only where it holds an element outside the real domain: one reduction read back per call
decides, and the op then runs on the device (a complex op without a device kernel is the op's
counted host fallback)."""
from __future__ import annotations

import numpy as np

from ._graph import dtypes as dt
from ._lazy.array import GpuArray
from ._lazy.elementwise import apply, as_operand, astype
from ._api.creation import asarray

__all__ = ["arccos", "arcsin", "arctanh", "log", "log10", "log2", "logn", "power", "sqrt"]

# NumPy's _tocomplex: these go to complex64, everything else to complex128
_TO_COMPLEX64 = {np.dtype(t) for t in (np.float32, np.int8, np.int16, np.uint8, np.uint16)}


def _arr(x) -> GpuArray:
    x = as_operand(x)
    return x if isinstance(x, GpuArray) else asarray(np.asarray(x))


def _tocomplex(x: GpuArray) -> GpuArray:
    return astype(x, dt.complex64 if x.dtype in _TO_COMPLEX64 else dt.complex128, copy=False)


def _fix_real_lt_zero(x) -> GpuArray:
    x = _arr(x)
    if x.dtype.kind != "c" and bool(apply("less", x, 0).any()):
        x = _tocomplex(x)
    return x


def _fix_int_lt_zero(x) -> GpuArray:
    x = _arr(x)
    if x.dtype.kind in "iu" and bool(apply("less", x, 0).any()):
        x = apply("multiply", x, 1.0)
    return x


def _fix_real_abs_gt_1(x) -> GpuArray:
    x = _arr(x)
    if x.dtype.kind != "c" and bool(apply("greater", apply("absolute", x), 1).any()):
        x = _tocomplex(x)
    return x


def sqrt(x):
    return apply("sqrt", _fix_real_lt_zero(x))


def log(x):
    return apply("log", _fix_real_lt_zero(x))


def log10(x):
    return apply("log10", _fix_real_lt_zero(x))


def log2(x):
    return apply("log2", _fix_real_lt_zero(x))


def logn(n, x):
    x = _fix_real_lt_zero(x)
    n = _fix_real_lt_zero(n)
    return apply("divide", apply("log", x), apply("log", n))


def power(x, p):
    return apply("power", _fix_real_lt_zero(x), _fix_int_lt_zero(p))


def arccos(x):
    return apply("arccos", _fix_real_abs_gt_1(x))


def arcsin(x):
    return apply("arcsin", _fix_real_abs_gt_1(x))


def arctanh(x):
    return apply("arctanh", _fix_real_abs_gt_1(x))
