"""Evenly spaced values and coordinate grids: ``linspace``, ``logspace``, ``meshgrid`` (built on the
creation, elementwise and manipulation modules below)."""
from __future__ import annotations

import operator

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .creation import _check_device, _eval_new, _is_scalar, asarray
from .._lazy.elementwise import apply
from .._graph.nodes import Cast, Const, Ew, Iota, broadcast_shapes
from .manipulation import broadcast_arrays, moveaxis, reshape


def _linspace_dtype(start, stop):
    kinds = [np.asarray(v).dtype if not isinstance(v, GpuArray) else v.dtype for v in (start, stop)]
    weak = [v for v in (start, stop) if type(v) in (int, float, complex)]
    strong = [k for v, k in zip((start, stop), kinds) if type(v) not in (int, float, complex)]
    d = np.result_type(*strong, *weak, 1.0)
    return dt.canonical(d)


def linspace(start, stop, /, num=50, *, dtype=None, device=None, endpoint=True, retstep=False, axis=0):
    """NumPy's linspace: start + i * step in the inexact result type (step = (stop - start) / div),
    the last point exactly ``stop`` when ``endpoint``; one fused kernel."""
    _check_device(device)
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    ct = _linspace_dtype(start, stop)
    d = dt.normalize(dtype) if dtype is not None else ct
    arrays = not (_is_scalar(start) and _is_scalar(stop))
    if arrays:
        s_arr = asarray(start).astype(ct, copy=False)
        e_arr = asarray(stop).astype(ct, copy=False)
        bshape = broadcast_shapes(s_arr.shape, e_arr.shape)
        delta = apply("subtract", e_arr, s_arr)
        step = apply("divide", delta, div) if div > 0 else None
        start_n, stop_n = s_arr._leaf(), e_arr._leaf()
        step_n = step._leaf() if step is not None else None
        delta_n = delta._leaf()
    else:
        bshape = ()
        with np.errstate(all="ignore"):
            delta_v = np.subtract(stop, start, dtype=ct)
            step = delta_v / div if div > 0 else float("nan")
        start_n, stop_n = Const(np.asarray(start).astype(ct).item(), ct), Const(np.asarray(stop).astype(ct).item(), ct)
        step_n = Const(ct.type(step).item(), ct) if div > 0 and step != 0 else None
        delta_n = Const(delta_v.item(), ct)
    shape = (num,) + bshape
    i_node = Iota(ct, (num,) + (1,) * len(bshape), 0)
    if div > 0 and step_n is not None:
        y = Ew("multiply", ct, shape, [i_node, step_n], ct)
    elif div > 0:  # a zero step (denormal range): NumPy scales by div first
        y = Ew("multiply", ct, shape, [Ew("divide", ct, shape, [i_node, Const(div, ct)], ct), delta_n], ct)
    else:
        y = Ew("multiply", ct, shape, [i_node, delta_n], ct)
    y = Ew("add", ct, shape, [y, start_n], ct)
    if endpoint and num > 1:
        last = Ew("equal", dt.bool_, shape, [Iota(dt.int32, (num,) + (1,) * len(bshape), 0), Const(num - 1, dt.int32)], dt.int32)
        y = Ew("where", ct, shape, [last, stop_n, y], ct)
    if d.kind in "iu" and ct.kind == "f":
        y = Ew("floor", ct, shape, [y], ct)
    out = _eval_new(y if d == ct else Cast(y, d))
    if axis != 0:
        out = moveaxis(out, 0, axis)
    if retstep:
        if not arrays and div > 0:
            step = ct.type(step)
        return out, step
    return out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    res = apply("power", base, y) if not isinstance(base, GpuArray) else apply("power", base, y)
    return res.astype(dtype) if dtype is not None else res


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """NumPy's meshgrid: reshaped views, broadcast (and copied when ``copy``)."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    ndim = len(xi)
    out = []
    for i, x in enumerate(xi):
        s = [1] * ndim
        s[i] = -1
        if indexing == "xy" and ndim > 1 and i < 2:
            s[i], s[1 - i] = 1, -1
        out.append(reshape(asarray(x), tuple(s)))
    if not sparse:
        out = list(broadcast_arrays(*out))
    if copy:
        out = [o.copy() for o in out]
    return tuple(out)


__all__ = ['linspace', 'logspace', 'meshgrid']
