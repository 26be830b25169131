"""NumPy's in-place writes through masks and index tables, on the device: ``putmask``, ``place``,
``put_along_axis``, ``fill_diagonal``.

``putmask`` and ``place`` are one fused ``where`` over the whole target: the value for flat position
``n`` is ``values[n % len(values)]`` (``putmask``) or ``values[k % len(values)]`` with ``k`` the count
of selected elements before ``n`` (``place``: a device cumsum of the mask), gathered on the device.
``put_along_axis`` is a scatter with NumPy's index tuple (aranges on the other axes);
``fill_diagonal`` writes the flat positions NumPy's ``a.flat[:end:step] = val`` writes (``put``).
``putmask``/``place`` values given as arrays must cast safely to the target's dtype (NumPy's rule
for these two); Python scalars and lists are converted by NumPy into the target's dtype.
``put_along_axis`` and ``fill_diagonal`` cast as assignment does.
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, assign
from .creation import arange, asarray
from .manipulation import normalize_axes, ravel, reshape
from .reductions import cumsum
from .searching import put


def _target(a, name) -> GpuArray:
    if not isinstance(a, GpuArray):
        raise TypeError(f"argument a of {name} must be a gpuarray array, not {type(a).__name__}")
    return a


def _values(values, dtype) -> GpuArray:
    """``values`` flattened in ``dtype``: arrays cast safely (NumPy's TypeError otherwise); scalars,
    NumPy's included, and lists converted as NumPy converts them."""
    if isinstance(values, (GpuArray, np.ndarray)):
        v = values if isinstance(values, GpuArray) else asarray(np.asarray(values))
        if not np.can_cast(v.dtype, dtype, "safe"):
            raise TypeError(f"Cannot cast array data from {v.dtype!r} to {np.dtype(dtype)!r} according to the "
                            f"rule 'safe'")
        return ravel(v.astype(dtype))
    return ravel(asarray(np.asarray(values, dtype=dtype)))


def _mask(mask, a: GpuArray, name) -> GpuArray:
    m = mask if isinstance(mask, GpuArray) else asarray(np.asarray(mask))
    if m.size != a.size:
        raise ValueError(f"{name}: mask and data must be the same size")
    if m.dtype != dt.bool_:
        m = m.astype(dt.bool_)
    return reshape(m, a.shape)


def _cyclic(v: GpuArray, pos: GpuArray) -> GpuArray:
    """``v[pos % len(v)]`` (a device gather)."""
    return v[apply("remainder", pos, v.size)]


def putmask(a, mask, values):
    """``a.flat[n] = values[n % len(values)]`` where ``mask.flat[n]``, in place."""
    a = _target(a, "putmask")
    m = _mask(mask, a, "putmask")
    v = _values(values, a.dtype)
    if v.size == 0 or a.size == 0:
        return
    pos = reshape(arange(a.size, dtype=dt.default_int()), a.shape)
    assign(a, apply("where", m, _cyclic(v, pos), a))


def place(arr, mask, vals):
    """The selected elements of ``arr`` (in order) set to ``vals`` repeated cyclically, in place."""
    arr = _target(arr, "place")
    m = _mask(mask, arr, "place")
    v = _values(vals, arr.dtype)
    if arr.size == 0:
        return
    if v.size == 0:
        if bool(m.any()):
            raise ValueError("Cannot insert from an empty array!")
        return
    k = reshape(apply("subtract", cumsum(ravel(m), dtype=dt.default_int()), 1), arr.shape)
    k = apply("maximum", k, 0)  # positions before the first selected one are not written
    assign(arr, apply("where", m, _cyclic(v, k), arr))


def put_along_axis(arr, indices, values, axis):
    """``arr[index tuple] = values`` with ``indices`` along ``axis`` (NumPy's tuple of aranges elsewhere)."""
    arr = _target(arr, "put_along_axis")
    idx = indices if isinstance(indices, GpuArray) else asarray(np.asarray(indices))
    if idx.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if idx.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        put(arr, idx, values)
        return
    axis = normalize_axes(axis, arr.ndim)[0]
    if idx.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = []
    for d, n in enumerate(arr.shape):
        if d == axis:
            key.append(idx)
        else:
            shape = [1] * arr.ndim
            shape[d] = n
            key.append(reshape(arange(n, dtype=dt.default_int()), tuple(shape)))
    arr[tuple(key)] = values  # NumPy's assignment rules (unsafe casting, broadcasting)


def fill_diagonal(a, val, wrap=False):
    """The main diagonal of ``a`` (all axes equal beyond 2-D; ``wrap`` continues past a tall matrix's
    square block) set to ``val``, repeated cyclically, in place."""
    a = _target(a, "fill_diagonal")
    if a.ndim < 2:
        raise ValueError("array must be at least 2-d")
    end = None
    if a.ndim == 2:
        step = a.shape[1] + 1
        if not wrap:
            end = a.shape[1] * a.shape[1]
    else:
        if len(set(a.shape)) != 1:
            raise ValueError("All dimensions of input must be of equal length")
        step = 1 + int(np.cumprod(a.shape[:-1]).sum())
    positions = np.arange(a.size, dtype=np.int64)[:end:step]
    if positions.size == 0:
        return
    v = val if isinstance(val, GpuArray) else asarray(np.asarray(val, dtype=a.dtype))
    put(a, asarray(positions.astype(np.int32 if a.size < 2**31 else np.int64)), v.astype(a.dtype))


__all__ = ["fill_diagonal", "place", "put_along_axis", "putmask"]
