"""``modf``, ``spacing``, ``frexp`` and ``ldexp`` as compositions of elementwise ops (NumPy's ufuncs of those names reach
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


def frexp(x, /, out=None, **kw):
    """NumPy's ``frexp``: (significand in [0.5, 1) with x's sign, int32 exponent), x = m * 2**e; zeros,
    infinities and NaN give (x, 0). Read from the bits on the device (subnormals included)."""
    if out is not None or kw:
        return host_fallback(np.frexp, "frexp", (x,), dict(kw, out=out) if out is not None else kw)
    x = as_operand(x)
    t = x.dtype if isinstance(x, (GpuArray, np.generic)) else type(x)
    loop = _loop(np.frexp, (t,), None, "same_kind")
    if not isinstance(x, GpuArray):
        return host_fallback(np.frexp, "frexp", (x,), {})
    v = astype(x, loop[0], copy=False)
    m = apply("_frexp_mantissa", v)
    e = apply("_frexp_exponent", v)
    return astype(m, loop[1], copy=False), astype(e, loop[2], copy=False)


def ldexp(x1, x2, /, out=None, **kw):
    """NumPy's ``ldexp``: x1 * 2**x2 rounded once (into the subnormal range too), in NumPy's loop dtype
    for the operands (float32 stays float32 with any integer exponent NumPy accepts)."""
    if out is not None or kw:
        return host_fallback(np.ldexp, "ldexp", (x1, x2), dict(kw, out=out) if out is not None else kw)
    x1, x2 = as_operand(x1), as_operand(x2)
    types = tuple(x.dtype if isinstance(x, (GpuArray, np.generic)) else type(x) for x in (x1, x2))
    loop = _loop(np.ldexp, types, None, "same_kind")
    if not isinstance(x1, GpuArray) and not isinstance(x2, GpuArray):
        return host_fallback(np.ldexp, "ldexp", (x1, x2), {})
    if not isinstance(x1, GpuArray):
        x1 = np.asarray(x1, dtype=loop[0])[()]
    if not isinstance(x2, GpuArray):
        x2 = np.asarray(x2, dtype=loop[1])[()]  # NumPy's conversion (OverflowError past the type)
    v = astype(x1, loop[0], copy=False) if isinstance(x1, GpuArray) else x1
    # the exponent as a float of the loop's type: integers past its exact range saturate anyway
    n = astype(astype(x2, loop[1], copy=False), loop[0], copy=False) if isinstance(x2, GpuArray) else \
        loop[0].type(np.clip(x2, -100000, 100000))
    return astype(apply("_ldexp", v, n), loop[2], copy=False)


__all__ = ["frexp", "ldexp", "modf", "spacing"]
