"""NumPy's window functions (``hanning``, ``hamming``, ``blackman``, ``bartlett``) and ``sinc``, as
NumPy writes them, on the device: one fused elementwise kernel each (``kaiser`` needs ``i0``: NumPy's)."""
from __future__ import annotations

import math

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from .creation import arange, asarray, ones, zeros


def _n(M):
    """NumPy's ``n = arange(1 - M, M, 2)`` as float64, or the empty / single-point windows."""
    M = float(np.array([0.0, M])[1])  # NumPy: M as a float64 (an int-like float is accepted)
    if M < 1:
        return None, zeros((0,), dtype=dt.float64), M
    if M == 1:
        return None, ones((1,), dtype=dt.float64), M
    return astype(arange(1 - M, M, 2), dt.float64, copy=False), None, M


def _cos_term(n, M, c, f):
    """``c * cos(f * pi * n / (M - 1))`` in NumPy's order of operations."""
    arg = apply("divide", apply("multiply", f * math.pi if f != 1 else math.pi, n), M - 1)
    return apply("multiply", c, apply("cos", arg))


def hanning(M):
    n, fixed, M = _n(M)
    if fixed is not None:
        return fixed
    return apply("add", 0.5, _cos_term(n, M, 0.5, 1))


def hamming(M):
    n, fixed, M = _n(M)
    if fixed is not None:
        return fixed
    return apply("add", 0.54, _cos_term(n, M, 0.46, 1))


def blackman(M):
    n, fixed, M = _n(M)
    if fixed is not None:
        return fixed
    return apply("add", apply("add", 0.42, _cos_term(n, M, 0.5, 1)), _cos_term(n, M, 0.08, 2.0))


def bartlett(M):
    n, fixed, M = _n(M)
    if fixed is not None:
        return fixed
    r = apply("divide", n, M - 1)
    return apply("where", apply("less_equal", n, 0), apply("add", 1, r), apply("subtract", 1, r))


def sinc(x):
    """NumPy's ``sinc``: ``sin(y) / y`` with ``y = pi * where(x == 0, 1e-20, x)``."""
    x = x if isinstance(x, GpuArray) else asarray(x)
    y = apply("multiply", math.pi, apply("where", apply("equal", x, 0), 1.0e-20, x))
    return apply("divide", apply("sin", y), y)


__all__ = ["bartlett", "blackman", "hamming", "hanning", "sinc"]
