"""NumPy's window functions (``hanning``, ``hamming``, ``blackman``, ``bartlett``) and ``sinc``, as
NumPy writes them, on the device: one fused elementwise kernel each (``kaiser`` through ``i0``,
``_api/bessel.py``)."""
from __future__ import annotations

import math

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from .bessel import i0
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


def kaiser(M, beta):
    """NumPy's ``kaiser``: ``i0(beta * sqrt(1 - ((n - alpha) / alpha)**2)) / i0(beta)``, ``alpha = (M-1)/2``,
    in the dtype NumPy gives ``M``, ``beta`` and ``0.0`` together."""
    values = np.array([0.0, M, beta])
    M, beta = values[1], values[2]
    if M == 1:
        return ones((1,), dtype=values.dtype)
    n = astype(arange(0, M), values.dtype, copy=False) if M > 0 else zeros((0,), dtype=values.dtype)
    alpha = (M - 1) / 2.0
    r = apply("divide", apply("subtract", n, alpha), alpha)
    arg = apply("multiply", beta, apply("sqrt", apply("subtract", 1, apply("power", r, 2.0))))
    return apply("divide", i0(arg), i0(asarray(beta)))


def sinc(x):
    """NumPy's ``sinc``: ``sin(y) / y`` with ``y = pi * where(x == 0, 1e-20, x)``."""
    x = x if isinstance(x, GpuArray) else asarray(x)
    y = apply("multiply", math.pi, apply("where", apply("equal", x, 0), 1.0e-20, x))
    return apply("divide", apply("sin", y), y)


__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser", "sinc"]
