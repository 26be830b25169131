"""Which arrays share device memory: ``may_share_memory`` and ``shares_memory`` answered from the
views' layouts (buffer, offset, strides, itemsize), without reading data.

Two views of one buffer are laid out as NumPy arrays over one made-up address (arrays that describe
memory without owning or touching it), so NumPy's own overlap tests give the answer: the bounds
check for ``may_share_memory``, the exact solver (with its ``max_work`` and ``TooHardError``) for
``shares_memory``. A host array never shares a device buffer; a lazy array has no buffer yet and
shares memory only with itself."""
from __future__ import annotations

import numpy as np

from .._lazy.array import GpuArray
from .._graph.nodes import Leaf

__all__ = ["may_share_memory", "shares_memory"]

_ADDRESS = 1 << 44  # never dereferenced: far from 0 so that negative strides stay positive addresses


class _Layout:
    __slots__ = ("__array_interface__",)

    def __init__(self, leaf: Leaf):
        isz = leaf.dtype.itemsize
        self.__array_interface__ = {
            "shape": leaf.shape, "typestr": leaf.dtype.str, "version": 3,
            "strides": tuple(s * isz for s in leaf.strides), "data": (_ADDRESS + leaf.offset * isz, True),
        }


def _same_buffer(a, b):
    """The two leaves to compare, or a final answer (True/False)."""
    if not isinstance(a, GpuArray) or not isinstance(b, GpuArray):
        return False  # NumPy converts other objects to new arrays, and host memory is not device memory
    if a.size == 0 or b.size == 0:
        return False
    na, nb = a._node, b._node
    if not isinstance(na, Leaf) or not isinstance(nb, Leaf):
        return a is b
    if na.storage is not nb.storage:
        return False
    return np.asarray(_Layout(na)), np.asarray(_Layout(nb))


def may_share_memory(a, b, /, max_work=None):
    """NumPy's ``may_share_memory``: whether the byte extents of two views of one buffer overlap
    (with ``max_work``, NumPy's meaning)."""
    r = _same_buffer(a, b)
    if r is True or r is False:
        return r
    return bool(np.may_share_memory(r[0], r[1], max_work=max_work))


def shares_memory(a, b, /, max_work=None):
    """NumPy's ``shares_memory``: whether two views of one buffer have a byte in common (exact by
    default; ``max_work`` and ``numpy.exceptions.TooHardError`` as in NumPy)."""
    r = _same_buffer(a, b)
    if r is True or r is False:
        return r
    return bool(np.shares_memory(r[0], r[1], max_work=max_work))
