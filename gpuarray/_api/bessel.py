"""NumPy's ``i0`` (the modified Bessel function of the first kind, order 0) on the device, as NumPy
computes it: Cephes' Chebyshev series on [0, 8] and (8, inf) (NumPy's own coefficient tables, Python
floats), evaluated in the input's float type (integers: float64), one fused elementwise expression
per branch. Each branch sees its input clamped to its interval, so the
branch not taken raises no floating-point warning."""
from __future__ import annotations

import numpy as np
from numpy.lib import _function_base_impl as _np_impl

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from .creation import asarray

_I0A = tuple(float(v) for v in _np_impl._i0A)  # NumPy's Cephes tables (one home: NumPy)
_I0B = tuple(float(v) for v in _np_impl._i0B)


def _chbevl(x: GpuArray, vals) -> GpuArray:
    """NumPy's ``_chbevl``: the Chebyshev series ``vals`` at ``x``, in NumPy's order of operations."""
    b0, b1, b2 = vals[0], 0.0, 0.0
    for v in vals[1:]:
        b2, b1 = b1, b0
        b0 = apply("add", apply("subtract", apply("multiply", x, b1), b2), v)
    return apply("multiply", 0.5, apply("subtract", b0, b2))


def i0(x):
    """The modified Bessel function of the first kind, order 0, elementwise."""
    x = x if isinstance(x, GpuArray) else asarray(x)
    if x.dtype.kind == "c":
        raise TypeError("i0 not supported for complex values")
    if x.dtype.kind != "f":
        x = astype(x, dt.default_float(), copy=False)
    x = apply("absolute", x)
    small = apply("less_equal", x, 8.0)
    xa = apply("minimum", x, 8.0)
    xb = apply("maximum", x, 8.0)  # (NaN stays NaN, as NumPy's second branch gives)
    ra = apply("multiply", apply("exp", xa), _chbevl(apply("subtract", apply("divide", xa, 2.0), 2), _I0A))
    tb = apply("subtract", apply("divide", 32.0, xb), 2.0)
    rb = apply("divide", apply("multiply", apply("exp", xb), _chbevl(tb, _I0B)), apply("sqrt", xb))
    return apply("where", small, ra, rb)


__all__ = ["i0"]
