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


__all__ = ["append", "delete", "insert", "resize", "trim_zeros"]
