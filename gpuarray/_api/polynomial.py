"""NumPy's legacy polynomial helpers: ``polyval`` on the device (Horner's rule in NumPy's own
order of operations, fused into one kernel per up to ~100 coefficients) and ``poly1d``, NumPy's
class over host coefficients (a handful of numbers; its evaluation at device arrays calls
``polyval``, so it runs on the device)."""
from __future__ import annotations

import numpy as np

from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, as_operand
from .creation import zeros_like

__all__ = ["poly1d", "polyval"]


def _coefficients(p) -> np.ndarray:
    p = as_operand(p)
    if isinstance(p, GpuArray):
        return p.get()  # a handful of numbers, read once
    if isinstance(p, np.poly1d):
        return p.coeffs
    return np.asarray(p)


def polyval(p, x):
    """``p[0] * x**(n-1) + ... + p[n-1]`` as NumPy computes it: ``y = y * x + p[i]`` from
    ``y = zeros_like(x)``, with p's elements as NumPy scalars (their dtype takes part in the
    promotion, as in NumPy)."""
    c = _coefficients(p)
    x = as_operand(x)
    if not isinstance(x, GpuArray):
        if isinstance(x, np.poly1d) or np.asarray(x).dtype.kind not in "biufc":
            return np.polyval(c, x)  # polynomial composition, objects: NumPy's own
        x = as_operand(np.asarray(x))
        if not isinstance(x, GpuArray):  # a scalar: NumPy's scalar result
            return np.polyval(c, x)
    y = zeros_like(x)
    for pv in c:
        y = apply("add", apply("multiply", y, x), pv)
    return y


def poly1d(c_or_r, r=False, variable=None):
    """NumPy's ``poly1d`` over host coefficients (device arrays are read once)."""
    return np.poly1d(_coefficients(c_or_r), r=r, variable=variable)
