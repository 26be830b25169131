"""Indexing. Basic indexing (integers, slices with steps, ``...``, ``None``) makes views:
new strides and offset over the same buffer, no copy and no dispatch. Integer-array and
boolean-mask indexing run gather/scatter kernels (see _advanced)."""
from __future__ import annotations

import operator

import numpy as np

from ._array import GpuArray
from ._graph import Leaf


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


def getitem(x: GpuArray, key):
    if type(key) is not tuple:
        key = (key,)
    for k in key:  # plain ints, slices, None and one `...`: a view, validated by basic_view
        t = type(k)
        if not (t is slice or t is int or k is None or k is Ellipsis):
            break
    else:
        if sum(1 for k in key if k is Ellipsis) > 1:
            raise IndexError("an index can only have a single ellipsis ('...')")
        return GpuArray(basic_view(x._leaf(), key))
    key = normalize_key(key, x.ndim)
    key = tuple(operator.index(k) if isinstance(k, GpuArray) and _is_basic(k) and k.ndim == 0 else k for k in key)
    if all(_is_basic(k) for k in key):
        return GpuArray(basic_view(x._leaf(), key))
    from ._advanced import advanced_getitem

    return advanced_getitem(x, key)


def setitem(x: GpuArray, key, value):
    key = normalize_key(key, x.ndim)
    key = tuple(operator.index(k) if isinstance(k, GpuArray) and _is_basic(k) and k.ndim == 0 else k for k in key)
    from ._elementwise import assign

    if all(_is_basic(k) for k in key):
        view = GpuArray(basic_view(x._leaf(), key))
        # `x[...] = x * 2 + 1` is one fused kernel; a value the caller keeps (`z = x * 2;
        # x[...] = z`) keeps its value after x changes (see assign)
        assign(view, value)
        return
    from ._advanced import advanced_setitem

    advanced_setitem(x, key, value)


def nonzero(x):
    from ._advanced import nonzero as _nz

    return _nz(x)
