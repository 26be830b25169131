"""Basic indexing (integers, slices with steps, ``...``, ``None``) makes views: new strides and
offset over the same buffer, no copy and no dispatch. ``x[key]`` and ``x[key] = v`` start in
``_advanced.getitem``/``setitem``, which send integer-array and boolean-mask keys to the
gather/scatter kernels and basic keys here."""
from __future__ import annotations

import operator

import numpy as np

from .._lazy.array import GpuArray
from .._graph.nodes import Leaf


def _is_basic(k) -> bool:
    return k is None or k is Ellipsis or isinstance(k, slice) or (
        isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))
    ) or (isinstance(k, GpuArray) and k.ndim == 0 and k.dtype.kind in "iu")


def normalize_key(key, ndim):
    if not isinstance(key, tuple):
        key = (key,)
    n_ell = sum(1 for k in key if k is Ellipsis)
    if n_ell > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    return key


def basic_view(leaf: Leaf, key: tuple) -> Leaf:
    """The view selected by a basic index (validated like NumPy, IndexError on bounds)."""
    shape, strides = leaf.shape, leaf.strides
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if n_real > len(shape):
        raise IndexError(f"too many indices for array: array is {len(shape)}-dimensional, but {n_real} were indexed")
    if not any(k is Ellipsis for k in key):
        key = key + (Ellipsis,)
    out_shape, out_strides, off = [], [], leaf.offset
    dim = 0
    for k in key:
        if k is Ellipsis:
            n = len(shape) - n_real
            for _ in range(n):
                out_shape.append(shape[dim])
                out_strides.append(strides[dim])
                dim += 1
            n_real = len(shape)  # only one ellipsis
        elif k is None:
            out_shape.append(1)
            out_strides.append(0)
        elif isinstance(k, slice):
            start, stop, step = k.indices(shape[dim])
            n = len(range(start, stop, step))
            out_shape.append(n)
            out_strides.append(strides[dim] * step)
            if n:
                off += start * strides[dim]
            dim += 1
        else:
            i = operator.index(k)
            size = shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for axis {dim} with size {size}")
            off += (i % size) * strides[dim]
            dim += 1
    return Leaf(leaf.storage, leaf.dtype, out_shape, out_strides, off, leaf.readonly)


__all__: list[str] = []
