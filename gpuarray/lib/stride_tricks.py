"""Strided views on the device (``numpy.lib.stride_tricks``).

A view here is strides over one buffer (in elements, see ``_graph.Leaf``), so these functions
make views without copying, as NumPy's do. NumPy lets ``as_strided`` reach any byte; here a view
must step in whole elements and stay inside the array's buffer (kernels index the bound buffer
only), else ValueError.
"""
from __future__ import annotations

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from .._lazy.array import GpuArray
from .._graph.nodes import contiguous_strides, Leaf
from .._api.creation import asarray

__all__ = ["as_strided", "sliding_window_view"]


def _device(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _strided(leaf: Leaf, shape, strides, readonly: bool) -> GpuArray:
    """The view (shape, element strides) from ``leaf``'s offset, checked against its buffer."""
    lo = hi = leaf.offset
    if all(n > 0 for n in shape):
        for n, s in zip(shape, strides):
            if s < 0:
                lo += (n - 1) * s
            else:
                hi += (n - 1) * s
        n_elems = leaf.storage.nbytes // leaf.dtype.itemsize
        if lo < 0 or hi >= n_elems:
            raise ValueError(
                f"as_strided: the view (shape {tuple(shape)}, strides "
                f"{tuple(s * leaf.dtype.itemsize for s in strides)} bytes) reaches elements {lo}..{hi} of a buffer "
                f"of {n_elems} elements; a device view must stay inside its array's buffer (copy the data into "
                "a larger array first)")
    return GpuArray(Leaf(leaf.storage, leaf.dtype, shape, strides, leaf.offset, readonly or leaf.readonly))


def as_strided(x, shape=None, strides=None, subok=False, writeable=True):
    """A view of ``x`` with the given shape and strides (in bytes, as NumPy's), without a copy.

    Strides must be multiples of the item size and the view must stay inside ``x``'s buffer
    (ValueError otherwise). ``writeable=False`` makes writes through the view raise."""
    x = _device(x)
    leaf = x._leaf()
    isz = leaf.dtype.itemsize
    shape = leaf.shape if shape is None else tuple(operator.index(n) for n in shape)
    if strides is None:
        estrides = leaf.strides if shape == leaf.shape else None
        if estrides is None:
            estrides = contiguous_strides(shape)
    else:
        strides = tuple(operator.index(s) for s in strides)
        if len(strides) != len(shape):
            raise ValueError(f"mismatch in length of strides and shape: {len(strides)} strides for {len(shape)} dims")
        if any(s % isz for s in strides):
            raise ValueError(f"as_strided: strides {strides} are not multiples of the item size {isz} of "
                             f"{leaf.dtype}; a device view steps in whole elements")
        estrides = tuple(s // isz for s in strides)
    if any(n < 0 for n in shape):
        raise ValueError("negative dimensions are not allowed")
    return _strided(leaf, shape, estrides, not writeable)


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """NumPy's ``sliding_window_view``: every window of ``window_shape`` along ``axis`` as a view
    (read-only unless ``writeable=True``; windows overlap, so writes reach several windows)."""
    window_shape = tuple(window_shape) if np.iterable(window_shape) else (window_shape,)
    x = _device(x)
    window_shape_array = np.array(window_shape)
    if np.any(window_shape_array < 0):
        raise ValueError("`window_shape` cannot contain negative values")
    if axis is None:
        axis = tuple(range(x.ndim))
        if len(window_shape) != len(axis):
            raise ValueError(f"Since axis is `None`, must provide window_shape for all dimensions of `x`; "
                             f"got {len(window_shape)} window_shape elements and `x.ndim` is {x.ndim}.")
    else:
        axis = normalize_axis_tuple(axis, x.ndim, allow_duplicate=True)
        if len(window_shape) != len(axis):
            raise ValueError(f"Must provide matching length window_shape and axis; got {len(window_shape)} "
                             f"window_shape elements and {len(axis)} axes elements.")
    leaf = x._leaf()
    out_strides = leaf.strides + tuple(leaf.strides[ax] for ax in axis)
    trimmed = list(leaf.shape)
    for ax, dim in zip(axis, window_shape):
        if trimmed[ax] < dim:
            raise ValueError("window shape cannot be larger than input array shape")
        trimmed[ax] -= dim - 1
    out_shape = tuple(trimmed) + tuple(int(w) for w in window_shape)
    return _strided(leaf, out_shape, out_strides, not writeable)
