"""NumPy's ``apply_along_axis`` and ``apply_over_axes`` over GpuArrays.

``apply_along_axis`` calls the function on device slices (NumPy's loop, each result written into
one device buffer), or, where the function is a known reduction of the namespace or of NumPy
(``sum``, ``mean``, ``median``, ``std`` ...: their per-slice result is a scalar), calls it once with
``axis=``: the same values in one kernel instead of one call per slice. ``apply_over_axes`` is
NumPy's loop; the function gets device arrays (NumPy's functions dispatch to the device).
"""
from __future__ import annotations

import itertools

import numpy as np
from numpy.exceptions import AxisError

from .._lazy.array import GpuArray
from .._lazy.elementwise import assign
from .creation import asarray, empty
from .interop import namespace
from .manipulation import expand_dims, moveaxis

# reductions whose result for a 1-D slice is a scalar: f(a, axis=k) gives apply_along_axis's answer
_REDUCTIONS = ("sum", "prod", "mean", "std", "var", "max", "min", "amax", "amin", "median", "any", "all", "ptp",
               "argmax", "argmin", "nansum", "nanprod", "nanmean", "nanstd", "nanvar", "nanmax", "nanmin",
               "nanmedian", "nanargmax", "nanargmin", "count_nonzero", "average")


def _reduction_name(func):
    ga = namespace()
    for name in _REDUCTIONS:
        if func is getattr(np, name, None) or func is getattr(ga, name, None):
            return name
    return None


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def apply_along_axis(func1d, axis, arr, /, *args, **kwargs):
    """NumPy's ``apply_along_axis`` on the device (see the module's note)."""
    arr = _arr(arr)
    nd = arr.ndim
    if not isinstance(axis, (int, np.integer)) or not -nd <= axis < nd:
        raise AxisError(axis, nd)
    axis = int(axis) % nd
    lead = arr.shape[:axis] + arr.shape[axis + 1:]
    if 0 in lead:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    name = _reduction_name(func1d)
    if name is not None and not args and arr.shape[axis]:
        return getattr(namespace(), name)(arr, axis=axis, **kwargs)
    view = moveaxis(arr, axis, -1)
    inds = itertools.product(*(range(s) for s in lead))
    ind0 = next(inds)
    res = _arr(func1d(view[ind0], *args, **kwargs))
    buff = empty(lead + res.shape, dtype=res.dtype)
    assign(buff[ind0], res)
    for ind in inds:
        assign(buff[ind], _arr(func1d(view[ind], *args, **kwargs)))
    # the result's own axes take the place of ``axis``
    k = res.ndim
    dims = list(range(buff.ndim))
    perm = dims[:axis] + dims[buff.ndim - k:] + dims[axis:buff.ndim - k]
    return buff.transpose(perm)


def apply_over_axes(func, a, axes):
    """NumPy's ``apply_over_axes``: ``func(a, axis)`` for each axis in turn, keeping the dimensions."""
    val = _arr(a)
    n = val.ndim
    if np.ndim(axes) == 0:
        axes = (axes,)
    for axis in axes:
        if axis < 0:
            axis = n + axis
        res = _arr(func(val, axis))
        if res.ndim != val.ndim:
            res = expand_dims(res, axis)
            if res.ndim != val.ndim:
                raise ValueError("function is not returning an array of the correct shape")
        val = res
    return val


__all__ = ["apply_along_axis", "apply_over_axes"]
