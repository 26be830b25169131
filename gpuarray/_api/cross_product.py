"""NumPy's ``cross`` (``axisa``/``axisb``/``axisc``/``axis``, 2- and 3-vectors) on the device: one
fused elementwise expression per component, in NumPy's order of operations (a missing third
component is zero and never multiplied, so infinities give NumPy's NaNs and not more)."""
from __future__ import annotations

import warnings

import numpy as np

from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from .creation import asarray
from .manipulation import moveaxis, stack


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _axis(axis, ndim, name) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim, name)
    return axis % ndim


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of vectors (of 2 or 3 components) along ``axisa``/``axisb``, stored along
    ``axisc`` (all three ``axis`` when given)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _arr(a), _arr(b)
    if a.ndim < 1 or b.ndim < 1:
        raise ValueError("At least one array has zero dimension")
    a = moveaxis(a, _axis(axisa, a.ndim, "axisa"), -1)
    b = moveaxis(b, _axis(axisb, b.ndim, "axisb"), -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")
    if na == 2 or nb == 2:
        warnings.warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of 3-dimensional vectors "
                      "instead. (deprecated in NumPy 2.0)", DeprecationWarning, stacklevel=2)
    dtype = np.promote_types(a.dtype, b.dtype)
    a, b = a.astype(dtype), b.astype(dtype)

    def mul(x, y):
        return apply("multiply", x, y)

    def sub(x, y):
        return apply("subtract", x, y)

    a0, a1, b0, b1 = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
    if na == 2 and nb == 2:
        return sub(mul(a0, b1), mul(a1, b0)).astype(dtype)
    if na == 2:
        b2 = b[..., 2]
        cp = (mul(a1, b2), apply("negative", mul(a0, b2)), sub(mul(a0, b1), mul(a1, b0)))
    elif nb == 2:
        a2 = a[..., 2]
        cp = (apply("negative", mul(a2, b1)), mul(a2, b0), sub(mul(a0, b1), mul(a1, b0)))
    else:
        a2, b2 = a[..., 2], b[..., 2]
        cp = (sub(mul(a1, b2), mul(a2, b1)), sub(mul(a2, b0), mul(a0, b2)), sub(mul(a0, b1), mul(a1, b0)))
    axisc = _axis(axisc, len(np.broadcast_shapes(a.shape[:-1], b.shape[:-1])) + 1, "axisc")
    res = stack([c.astype(dtype) for c in cp], axis=-1)
    return moveaxis(res, -1, axisc)


__all__ = ["cross"]
