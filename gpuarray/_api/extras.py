"""Array API functions without a topic module of their own: ``diff``."""
from __future__ import annotations

import operator

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .creation import asarray
from .._lazy.elementwise import apply
from .manipulation import _axis, broadcast_to, concat


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _edge(v, x: GpuArray, axis: int) -> GpuArray:
    """``prepend``/``append`` as an array joinable to x along axis (scalars broadcast, size 1)."""
    if isinstance(v, (bool, int, float, complex)) and not isinstance(v, np.generic):
        shape = tuple(1 if d == axis else s for d, s in enumerate(x.shape))
        return broadcast_to(asarray(v), shape)  # NumPy: a scalar joins as an array of its own dtype
    v = _arr(v)
    if v.ndim == 0:
        shape = tuple(1 if d == axis else s for d, s in enumerate(x.shape))
        return broadcast_to(v, shape)
    return v


def diff(x, /, n=1, axis=-1, prepend=None, append=None):
    """n-th discrete difference along ``axis`` (``x[1:] - x[:-1]``, ``!=`` for bool), with
    optional values joined before/after; lazy elementwise work fused into one kernel."""
    x = _arr(x)
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = _axis(axis, x.ndim)
    if prepend is not None or append is not None:
        parts = ([_edge(prepend, x, axis)] if prepend is not None else []) + [x] + \
                ([_edge(append, x, axis)] if append is not None else [])
        x = concat(parts, axis=axis)
    if n == 0:
        return x
    hi = (slice(None),) * axis + (slice(1, None),)
    lo = (slice(None),) * axis + (slice(None, -1),)
    op = "not_equal" if x.dtype == dt.bool_ else "subtract"
    for _ in range(n):
        if x.shape[axis] == 0:
            break
        x = apply(op, x[hi], x[lo])
    return x


__all__ = ["diff"]
