"""``GpuArray.view(dtype)``: the same bytes read as another dtype, a view of the same buffer.

Every dtype is stored exactly as NumPy lays it out (``_graph/dtypes.py``), so a view with another
dtype of the same itemsize is the same strides and offset over the same storage; another itemsize
rescales the last axis, which must be contiguous (NumPy's rules and errors). A ``Leaf`` counts
strides and offsets in elements, so a view whose offset or strides do not fall on whole elements
of the new dtype (``x[1:].view(int32)`` of int8 data) cannot be expressed: a ValueError names the
way out (a copy). A lazy array is evaluated first. NumPy's ``view(type)`` (ndarray subclasses,
``__array_finalize__``) needs an ndarray: a TypeError names ``np.asarray(x)``."""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._graph.nodes import Leaf
from .._lazy.array import GpuArray, view_of
from .indexing import basic_view

__all__: list[str] = []


def _subclass_error(t) -> TypeError:
    name = getattr(t, "__name__", repr(t))
    return TypeError(f"GpuArray.view({name}): a GpuArray cannot be viewed as an ndarray type (its data lives on "
                     "the device); np.asarray(x) gives a NumPy array, np.asarray(x).view(...) the subclass")


def _is_type(t) -> bool:
    return isinstance(t, type) and issubclass(t, (np.ndarray, GpuArray))


def view(x: GpuArray, dtype=None, type=None) -> GpuArray:
    """``x.view(dtype)`` / ``x.view(type)`` with NumPy's rules; see the module docstring."""
    if type is not None:
        if type is GpuArray:
            type = None
        else:
            raise _subclass_error(type)
    if dtype is not None and _is_type(dtype):
        if dtype is GpuArray:
            dtype = None
        else:
            raise _subclass_error(dtype)
    leaf = x._leaf()
    if dtype is None:
        return view_of(x, basic_view(leaf, (Ellipsis,)))
    new = np.dtype(dtype)
    if new == leaf.dtype:
        return view_of(x, basic_view(leaf, (Ellipsis,)))
    if new.kind not in "biufc" or new.subdtype is not None or new.names is not None:
        raise TypeError(f"view as {new!r}: only numeric dtypes live on the device; "
                        f"np.asarray(x).view({new!r}) gives the view as a NumPy array")
    if dt.normalize(new) != new:
        raise TypeError(f"view as {new}: this device does not hold {new} (see gpuarray.adapter_info())")
    old_size, new_size = leaf.dtype.itemsize, new.itemsize
    if old_size == new_size:
        return view_of(x, Leaf(leaf.storage, new, leaf.shape, leaf.strides, leaf.offset, leaf.readonly))
    shape, strides = list(leaf.shape), list(leaf.strides)
    if not shape:
        raise ValueError("Changing the dtype of a 0d array is only supported if the itemsize is unchanged")
    if strides[-1] != 1 and shape[-1] != 1:
        raise ValueError("To change to a dtype of a different size, the last axis must be contiguous")
    last_bytes = shape[-1] * old_size
    if new_size > old_size and last_bytes % new_size:
        raise ValueError("When changing to a larger dtype, its size must be a divisor of the total size in "
                         "bytes of the last axis of the array.")
    if new_size < old_size and old_size % new_size:
        raise ValueError("When changing to a smaller dtype, its size must be a divisor of the size of "
                         "original dtype")
    byte_strides = [s * old_size for s in strides[:-1]]
    byte_offset = leaf.offset * old_size
    if byte_offset % new_size or any(s % new_size for s in byte_strides):
        raise ValueError(f"view as {new}: this view's offset or strides do not fall on whole {new} elements of "
                         f"its buffer, which the device cannot address; x.copy().view({new}) views a copy")
    shape[-1] = last_bytes // new_size
    strides = [s // new_size for s in byte_strides] + [1]
    return view_of(x, Leaf(leaf.storage, new, tuple(shape), tuple(strides), byte_offset // new_size, leaf.readonly))
