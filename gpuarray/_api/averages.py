"""NumPy's ``average`` on the device: the mean, or a weighted sum over the sum of the weights (one
reduction each, in NumPy's result dtype), with ``returned`` and ``keepdims``. A zero sum of weights
is NumPy's ZeroDivisionError (one boolean read back)."""
from __future__ import annotations

import numpy as np

from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from .creation import asarray, full
from .manipulation import broadcast_to, normalize_axes, permute_dims, reshape


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _weights(weights, a: GpuArray, axis) -> GpuArray:
    """NumPy's check of ``weights`` and their shape for broadcasting against ``a``."""
    w = _arr(weights)
    if a.shape != w.shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        if w.shape != tuple(a.shape[ax] for ax in axis):
            raise ValueError("Shape of weights must be consistent with shape of a along specified axis.")
        w = permute_dims(w, tuple(int(i) for i in np.argsort(axis)))
        w = reshape(w, tuple((s if ax in axis else 1) for ax, s in enumerate(a.shape)))
    return w


def average(a, axis=None, weights=None, returned=False, *, keepdims=np._NoValue):
    """The (weighted) mean of ``a`` along ``axis``; with ``returned`` also the sum of the weights
    (the element count without weights), broadcast to the result's shape."""
    a = _arr(a)
    if axis is not None:
        axis = normalize_axes(axis, a.ndim, "axis")
    kw = {} if keepdims is np._NoValue else {"keepdims": keepdims}
    if weights is None:
        avg = a.mean(axis, **kw)
        scl = avg.dtype.type(a.size / avg.size)
    else:
        w = _weights(weights, a, axis)
        if a.dtype.kind in "biu":
            rt = np.result_type(a.dtype, w.dtype, "f8")
        else:
            rt = np.result_type(a.dtype, w.dtype)
        scl = w.sum(axis=axis, dtype=rt, **kw)
        if bool(apply("equal", scl, 0.0).any()):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = apply("divide", apply("multiply", a.astype(rt), w.astype(rt)).sum(axis, **kw), scl)
    if not returned:
        return avg
    if not isinstance(scl, GpuArray):
        return avg, (full(avg.shape, scl, dtype=avg.dtype) if avg.shape != () else scl)
    if scl.shape != avg.shape:
        scl = broadcast_to(scl, avg.shape).copy()
    return avg, scl


__all__ = ["average"]
