"""NumPy's ``insert``, ``delete``, ``append``, ``resize`` (the function) and ``trim_zeros`` on the device.

Which positions of the axis survive or receive values is index arithmetic over the axis length only:
it runs on the host, through NumPy's own code on a small proxy (``delete``: an ``arange`` of the
axis, shaped so that NumPy's errors name the right axis) or a transcription of it (``insert``), so
every form of ``obj`` (ints, slices, index lists and arrays, boolean masks) and every error is NumPy's.
The data moves on the device: one gather along the axis (``take``) for ``delete``, slice copies or
two scatters along the axis for ``insert``, one join for ``append``, one cyclic gather for ``resize``; ``trim_zeros`` reads back the bounding box of
the nonzero elements (2 numbers per axis) and returns a view. An ``obj`` given as a GpuArray is
read back (it is an index table, not the data).
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .creation import arange, asarray, empty, zeros
from .manipulation import concatenate, moveaxis, normalize_axes, ravel, reshape
from .searching import argwhere, take
from .reductions import max as rmax, min as rmin
from .reductions import max as _rmax, mean as _rmean, min as _rmin
from .sorting import median as _rmedian
from .grids import linspace as _linspace
from .manipulation import broadcast_to, flip
from . import manipulation as _manipulation
from .manipulation import stack
from .._lazy.elementwise import apply


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _host_obj(obj):
    return obj.get() if isinstance(obj, GpuArray) else obj


def _index_dtype(n: int):
    return np.int32 if n < 2**31 else np.int64


def append(arr, values, axis=None):
    """``arr`` with ``values`` joined at the end (both flattened when ``axis`` is None)."""
    arr, values = _arr(arr), _arr(values)
    if axis is None:
        if arr.ndim != 1:
            arr = ravel(arr)
        values = ravel(values)
        axis = arr.ndim - 1
    return concatenate((arr, values), axis=axis)


def delete(arr, obj, axis=None):
    """``arr`` without the entries ``obj`` (an int, slice, index list or array, or boolean mask) along
    ``axis`` (of the flattened array when None)."""
    arr = _arr(arr)
    if axis is None:
        if arr.ndim != 1:
            arr = ravel(arr)
        axis = arr.ndim - 1
    else:
        axis = normalize_axes(axis, arr.ndim)[0]
    n = arr.shape[axis]
    proxy = np.arange(n, dtype=_index_dtype(n)).reshape([n if i == axis else 1 for i in range(arr.ndim)])
    kept = np.delete(proxy, _host_obj(obj), axis=axis).reshape(-1)
    return take(arr, asarray(kept), axis=axis)


def _values(values, arr: GpuArray) -> GpuArray:
    """NumPy's ``array(values, ndmin=arr.ndim, dtype=arr.dtype)`` (an unsafe cast)."""
    if isinstance(values, GpuArray):
        v = values.astype(arr.dtype)
    else:
        v = asarray(np.array(values, ndmin=arr.ndim, dtype=arr.dtype))
    if v.ndim < arr.ndim:
        v = reshape(v, (1,) * (arr.ndim - v.ndim) + v.shape)
    return v


def insert(arr, obj, values, axis=None):
    """``arr`` with ``values`` inserted before the positions ``obj`` (an int, slice or index sequence)
    along ``axis`` (of the flattened array when None); NumPy's broadcasting of ``values``."""
    arr = _arr(arr)
    if axis is None:
        if arr.ndim != 1:
            arr = ravel(arr)
        axis = arr.ndim - 1
    else:
        axis = normalize_axes(axis, arr.ndim)[0]
    ndim = arr.ndim
    n = arr.shape[axis]
    newshape = list(arr.shape)
    obj = _host_obj(obj)
    if isinstance(obj, slice):
        indices = np.arange(*obj.indices(n), dtype=np.intp)
    else:
        indices = np.array(obj)
        if indices.dtype == bool:
            if indices.ndim != 1:
                raise ValueError("boolean array argument obj to insert must be one dimensional")
            indices = np.flatnonzero(indices)
        if indices.ndim > 1:
            raise ValueError("index array argument obj to insert must be one dimensional or scalar")
    sl = [slice(None)] * ndim
    if indices.size == 1:
        index = indices.item()
        if index < -n or index > n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        if index < 0:
            index += n
        v = _values(values, arr)
        if indices.ndim == 0:
            v = moveaxis(v, 0, axis)  # a[:, 0:1, :] = v, not a[:, 0, :] = v
        numnew = v.shape[axis]
        newshape[axis] += numnew
        new = empty(tuple(newshape), dtype=arr.dtype)
        sl[axis] = slice(None, index)
        new[tuple(sl)] = arr[tuple(sl)]
        sl[axis] = slice(index, index + numnew)
        new[tuple(sl)] = v
        sl[axis] = slice(index + numnew, None)
        src = [slice(None)] * ndim
        src[axis] = slice(index, None)
        new[tuple(sl)] = arr[tuple(src)]
        return new
    if indices.size == 0 and not isinstance(obj, np.ndarray):
        indices = indices.astype(np.intp)
    if indices.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    indices = indices.astype(np.intp)
    indices[indices < 0] += n
    numnew = len(indices)
    order = indices.argsort(kind="stable")
    indices[order] += np.arange(numnew)
    newshape[axis] += numnew
    old = np.ones(newshape[axis], dtype=bool)
    old[indices] = False  # NumPy's IndexError for an index out of bounds
    new = empty(tuple(newshape), dtype=arr.dtype)
    it = _index_dtype(newshape[axis])
    sl[axis] = asarray(indices.astype(it))
    new[tuple(sl)] = _values(values, arr)
    sl[axis] = asarray(np.flatnonzero(old).astype(it))
    new[tuple(sl)] = arr
    return new


def resize(a, new_shape):
    """NumPy's ``resize``: the flattened array repeated cyclically to fill ``new_shape`` (zeros
    where either is empty), one gather of ``i % a.size``."""
    a = ravel(_arr(a))
    if isinstance(new_shape, (int, np.integer)):
        new_shape = (new_shape,)
    new_shape = tuple(int(d) for d in new_shape)
    size = 1
    for d in new_shape:
        size *= d
        if d < 0:
            raise ValueError("all elements of `new_shape` must be non-negative")
    if a.size == 0 or size == 0:
        return zeros(new_shape, dtype=a.dtype)
    it = np.int32 if size < 2**31 else np.int64
    return reshape(take(a, apply("remainder", arange(size, dtype=it), a.size)), new_shape)


def trim_zeros(filt, trim="fb", axis=None):
    """NumPy's ``trim_zeros``: the view inside the first and last nonzero elements (along ``axis``)."""
    if not isinstance(filt, GpuArray):
        return np.trim_zeros(filt, trim, axis=axis) if axis is not None else np.trim_zeros(filt, trim)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    nd = filt.ndim
    axes = tuple(range(nd)) if axis is None else normalize_axes(axis, nd)
    if not axes:
        return filt
    nz = argwhere(filt)
    if nz.shape[0] == 0:
        start = stop = [0] * nd
    else:
        box = stack([rmin(nz, axis=0), rmax(nz, axis=0)]).get()  # one read: the bounding box
        start, stop = [int(v) for v in box[0]], [int(v) + 1 for v in box[1]]
        if "f" not in trim:
            start = [None] * nd
        if "b" not in trim:
            stop = [None] * nd
    return filt[tuple(slice(start[d], stop[d]) if d in axes else slice(None) for d in range(nd))]


# ---------------------------------------------------------------------------- pad's computed modes
def _pad_computed(x: GpuArray, widths, mode, kwargs):
    """``pad`` with the modes made of the array's own values, as NumPy pads: axis by axis, each
    axis's pad computed from the array padded so far along the earlier axes (and original along
    the later ones): 'maximum', 'minimum', 'mean', 'median' (statistics over ``stat_length``
    values at each end, rounded for integer arrays) and 'linear_ramp' (from ``end_values`` to the
    edge, NumPy's linspace)."""
    allowed = {"linear_ramp": {"end_values"}}.get(mode, {"stat_length"})
    if set(kwargs) - allowed:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {set(kwargs) - allowed}")
    _manipulation.check_extendable(x, widths)
    res = x
    if mode == "linear_ramp":
        ends = _pairs_of(kwargs.get("end_values", 0), x.ndim)
    else:
        lengths = _pairs_of(kwargs.get("stat_length"), x.ndim, index=True)
        stat = {"maximum": _rmax, "minimum": _rmin, "mean": _rmean, "median": _rmedian}[mode]
    for ax in range(x.ndim):
        b, a = (int(w) for w in widths[ax])
        if not b and not a:
            continue
        m = res.shape[ax]
        sl = [slice(None)] * res.ndim

        def along(lo, hi):
            sl[ax] = slice(lo, hi)
            return res[tuple(sl)]

        if mode == "linear_ramp":
            left = _linspace(ends[ax][0], along(0, 1), b, endpoint=False, dtype=res.dtype, axis=ax) if b else None
            right = _linspace(ends[ax][1], along(m - 1, m), a, endpoint=False, dtype=res.dtype, axis=ax) if a else None
            if right is not None:
                right = flip(right, axis=ax)
            left = None if left is None else reshape(left, res.shape[:ax] + (b,) + res.shape[ax + 1:])
            right = None if right is None else reshape(right, res.shape[:ax] + (a,) + res.shape[ax + 1:])
        else:
            ll, rl = lengths[ax]
            ll = m if ll is None or ll > m else ll
            rl = m if rl is None or rl > m else rl
            if (ll == 0 or rl == 0) and mode in ("maximum", "minimum"):
                raise ValueError("stat_length of 0 yields no value for padding")
            ls = _rounded(stat(along(0, ll), axis=ax, keepdims=True), res.dtype)
            rs = ls if ll == rl == m else _rounded(stat(along(m - rl, m), axis=ax, keepdims=True), res.dtype)
            left = broadcast_to(ls, res.shape[:ax] + (b,) + res.shape[ax + 1:]) if b else None
            right = broadcast_to(rs, res.shape[:ax] + (a,) + res.shape[ax + 1:]) if a else None
        parts = [p for p in (left, res, right) if p is not None]
        res = concatenate([p if p.dtype == res.dtype else p.astype(res.dtype) for p in parts], axis=ax)
    return res if res is not x else x.copy()


def _pairs_of(v, ndim, index=False):
    """NumPy's ``_as_pairs``: a value or pairs per axis (None kept; ``index``: non-negative ints)."""
    if v is None:
        return [(None, None)] * ndim
    a = np.asarray(v)
    if index:
        if a.dtype.kind not in "iu" and a.size and not np.all(np.round(a) == a):
            raise TypeError("`stat_length` must be of integral type.")
        if np.any(a < 0):
            raise ValueError("index can't contain negative values")
        a = a.astype(np.int64)
    pairs = np.broadcast_to(a, (ndim, 2))
    return [tuple(p.item() for p in row) for row in pairs]


def _rounded(stat, dtype):
    """NumPy rounds a statistic in place where the padded array is of an integer dtype."""
    if np.dtype(dtype).kind in "iu" and stat.dtype.kind == "f":
        return apply("rint", stat)
    return stat


_manipulation.PAD_MODES.update({m: _pad_computed for m in ("linear_ramp", "maximum", "minimum", "mean", "median")})


__all__ = ["append", "delete", "insert", "resize", "trim_zeros"]
