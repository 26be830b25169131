"""Array utilities: introspection (``shape``, ``ndim``, ``size``, dtype predicates), copies
(``copy``, ``copyto``) and comparisons (``isclose`` as one fused elementwise expression;
``allclose`` and ``array_equal`` reduce it on the device and read back a single bool)."""
from __future__ import annotations

import builtins

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, as_operand, assign
from .creation import asarray
from .manipulation import normalize_axes
from .reductions import all as _all

_PY = (bool, int, float, complex)


def _is_py_scalar(x) -> bool:
    return isinstance(x, _PY) and not isinstance(x, np.generic)


# ------------------------------------------------------------------------ introspection
def shape(a) -> tuple:
    return a.shape if isinstance(a, GpuArray) else np.shape(a)


def ndim(a) -> int:
    return a.ndim if isinstance(a, GpuArray) else np.ndim(a)


def size(a, axis=None) -> int:
    if not isinstance(a, GpuArray):
        return np.size(a, axis)
    if axis is None:
        return a.size
    n = 1
    for ax in normalize_axes(axis, a.ndim):
        n *= a.shape[ax]
    return n


def iscomplexobj(x) -> bool:
    if isinstance(x, GpuArray):
        return x.dtype.kind == "c"
    return np.iscomplexobj(x)


def isrealobj(x) -> bool:
    return not iscomplexobj(x)


def isscalar(element) -> bool:
    return np.isscalar(element)  # a GpuArray, even 0-d, is not a scalar (as a 0-d ndarray is not)


def iscomplex(x):
    """Elementwise: a nonzero imaginary part."""
    x = as_operand(x)
    if not isinstance(x, GpuArray):
        x = as_operand(np.asarray(x))
    return apply("not_equal", apply("imag", x), 0)


def isreal(x):
    """Elementwise: a zero imaginary part."""
    x = as_operand(x)
    if not isinstance(x, GpuArray):
        x = as_operand(np.asarray(x))
    return apply("equal", apply("imag", x), 0)


# ------------------------------------------------------------------------------ copies
def copy(a, order="K", subok=False):
    """A new array with a's values (one fused copy kernel)."""
    return asarray(a, copy=True)


def copyto(dst, src, casting="same_kind", where=True):
    """NumPy's ``copyto``: ``src`` broadcast into ``dst`` where ``where`` holds (one kernel)."""
    if not isinstance(dst, GpuArray):
        raise TypeError("copyto() argument 1 must be a GpuArray")
    if _is_py_scalar(src) or isinstance(src, np.generic):
        kind = "scalar"
        src_dtype = np.asarray(src).dtype if not _is_py_scalar(src) else dt.result_type(dst.dtype, src)
    else:
        kind = "array data"
        src = as_operand(src)
        src_dtype = src.dtype
    if not np.can_cast(src_dtype, dst.dtype, casting=casting):
        raise TypeError(f"Cannot cast {kind} from dtype('{src_dtype}') to dtype('{dst.dtype}') "
                        f"according to the rule '{casting}'")
    if isinstance(src, np.generic):
        src = src.item()
    if where is not True:
        mask = as_operand(where)
        if not isinstance(mask, GpuArray):
            mask = as_operand(np.asarray(where))
        if mask.dtype != dt.bool_:
            raise TypeError(f"Cannot cast array data from dtype('{mask.dtype}') to dtype('bool') "
                            "according to the rule 'safe'")
        src = apply("where", mask, src, dst)  # reads dst at the very view it writes: elementwise safe
    assign(dst, src)


# -------------------------------------------------------------------------- comparisons
def _abs(x):
    """|x| as an expression; complex magnitudes through hypot (no overflow of re^2 + im^2)."""
    if x.dtype.kind == "c":
        return apply("hypot", apply("real", x), apply("imag", x))
    return apply("absolute", x)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """NumPy's ``isclose``: ``|a - b| <= atol + rtol * |b|`` for finite b, or a == b; one fused
    elementwise expression (a 0-d GpuArray for scalar inputs)."""
    x = as_operand(a)
    y = as_operand(b)
    if not isinstance(x, GpuArray) and not isinstance(y, GpuArray):
        x = as_operand(np.asarray(a))
    # b becomes inexact first, so |b| of the most negative integer does not overflow
    if isinstance(y, GpuArray):
        y = y.astype(dt.result_type(y, 1.0), copy=False)
    elif isinstance(y, int) and not isinstance(y, bool):
        y = float(y)
    tol_args = [t if _is_py_scalar(t) else as_operand(t) for t in (atol, rtol)]
    if not isinstance(y, GpuArray):
        y = as_operand(np.asarray(y, dtype=dt.result_type(x, y, 1.0)))
    diff = apply("subtract", x, y)
    bound = apply("add", tol_args[0], apply("multiply", tol_args[1], _abs(y)))
    close = apply("logical_and", apply("less_equal", _abs(diff), bound), apply("isfinite", y))
    res = apply("logical_or", close, apply("equal", x, y))
    if equal_nan:
        res = apply("logical_or", res, apply("logical_and", apply("isnan", x), apply("isnan", y)))
    return res


def _all_true(mask: GpuArray) -> bool:
    """One bool read back: the device reduction."""
    return builtins.bool(_all(mask))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    return _all_true(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1, a2, equal_nan=False) -> bool:
    x = as_operand(a1)
    y = as_operand(a2)
    x = x if isinstance(x, GpuArray) else as_operand(np.asarray(x))
    y = y if isinstance(y, GpuArray) else as_operand(np.asarray(y))
    if x.shape != y.shape:
        return False
    if x.size == 0:
        return True
    eq = apply("equal", x, y)
    if equal_nan and (x.dtype.kind in "fc" or y.dtype.kind in "fc"):
        eq = apply("logical_or", eq, apply("logical_and", apply("isnan", x), apply("isnan", y)))
    return _all_true(eq)


def array_equiv(a1, a2) -> bool:
    x = as_operand(a1)
    y = as_operand(a2)
    x = x if isinstance(x, GpuArray) else as_operand(np.asarray(x))
    y = y if isinstance(y, GpuArray) else as_operand(np.asarray(y))
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return False
    return _all_true(apply("equal", x, y))


__all__ = ["allclose", "array_equal", "array_equiv", "copy", "copyto", "iscomplex", "iscomplexobj", "isclose",
           "isreal", "isrealobj", "isscalar", "ndim", "shape", "size"]
