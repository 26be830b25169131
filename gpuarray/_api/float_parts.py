"""``modf`` and ``spacing`` as compositions of elementwise ops (NumPy's ufuncs of those names reach
them through ``__array_ufunc__``, ``_api/interop.py``); the loop dtype is NumPy's."""
from __future__ import annotations

import numpy as np

from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, as_operand, astype
from .host import host_fallback
from .ufunc import _loop


def _float_operand(ufunc, x):
    x = as_operand(x)
    t = x.dtype if isinstance(x, (GpuArray, np.generic)) else type(x)
    loop = _loop(ufunc, (t,), None, "same_kind")
    if not isinstance(x, GpuArray):
        x = np.asarray(x)
    return astype(x, loop[0], copy=False) if isinstance(x, GpuArray) else x, loop[0]


def modf(x, /, out=None, **kw):
    """NumPy's ``modf``: (fractional part, integral part), both with x's sign (inf: (+-0, inf))."""
    if out is not None or kw:
        return host_fallback(np.modf, "modf", (x,), dict(kw, out=out) if out is not None else kw)
    v, t = _float_operand(np.modf, x)
    if not isinstance(v, GpuArray):
        return host_fallback(np.modf, "modf", (x,), {})
    whole = apply("trunc", v)
    with np.errstate(invalid="ignore"):  # inf - inf, replaced below: NumPy's loop is silent
        frac = apply("where", apply("isinf", v), 0.0, apply("subtract", v, whole))
    frac = apply("copysign", frac, v)
    return astype(frac, t, copy=False), astype(whole, t, copy=False)


def spacing(x, /, out=None, **kw):
    """NumPy's ``spacing``: the distance to the next float away from zero (negative values toward
    -inf, both zeros toward +inf; NaN for infinities)."""
    if out is not None or kw:
        return host_fallback(np.spacing, "spacing", (x,), dict(kw, out=out) if out is not None else kw)
    v, t = _float_operand(np.spacing, x)
    if not isinstance(v, GpuArray):
        return host_fallback(np.spacing, "spacing", (x,), {})
    away = apply("where", apply("less", v, 0), -np.inf, np.inf)
    with np.errstate(invalid="ignore"):  # inf - inf, replaced below
        r = apply("subtract", apply("nextafter", v, astype(away, t, copy=False)), v)
    r = apply("where", apply("isinf", v), np.nan, r)
    return astype(r, t, copy=False)


__all__ = ["modf", "spacing"]
