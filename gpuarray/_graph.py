"""Lazy expression graph. Every operation builds nodes; evaluation ("now" or deferred)
turns a node tree into one generated kernel (see _codegen). Nodes are small immutable
records; a node's ``storages`` are the buffers it reads, so writers can find readers.

Node kinds:
  Leaf   a strided view of a device buffer (strides and offset in elements)
  Const  a scalar operand, passed to kernels as a parameter (never baked into source)
  Iota   the coordinate along one axis (a leaf without a buffer: arange, eye, tril ...)
  Ew     an elementwise op from the op table, computed in ``ct`` with result ``dtype``
  Cast   a dtype conversion
Other modules add node kinds by registering in _codegen.DESCRIBE and _codegen.EMIT
(e.g. gpuarray.random._node.Rand, a Philox draw fused into the kernel that uses it).
"""
from __future__ import annotations

import numpy as np

MAX_NODES = 48  # larger expressions materialize a subexpression first (bounded kernel size)
# ``size_`` is the tree size (shared subexpressions counted each time): a cheap upper bound
# that triggers the exact count (``dag_size``) only when it is large.


class Node:
    __slots__ = ("dtype", "shape", "size_", "storages", "__weakref__")

    srcs: tuple = ()

    @property
    def ndim(self):
        return len(self.shape)


class Leaf(Node):
    __slots__ = ("storage", "strides", "offset")

    def __init__(self, storage, dtype, shape, strides, offset=0):
        self.storage, self.dtype, self.shape = storage, dtype, tuple(shape)
        self.strides, self.offset = tuple(strides), offset
        self.size_ = 1
        self.storages = (storage,)

    def is_contiguous(self) -> bool:
        return self.strides == contiguous_strides(self.shape) or _prod(self.shape) <= 1 or _c_contig(self)


class Const(Node):
    __slots__ = ("value",)

    def __init__(self, value, dtype):
        self.value, self.dtype, self.shape = value, dtype, ()
        self.size_ = 1
        self.storages = ()


class Iota(Node):
    __slots__ = ("axis",)

    def __init__(self, dtype, shape, axis):
        self.dtype, self.shape, self.axis = dtype, tuple(shape), axis
        self.size_ = 1
        self.storages = ()


class Ew(Node):
    __slots__ = ("op", "srcs", "ct")

    def __init__(self, op, dtype, shape, srcs, ct):
        self.op, self.dtype, self.shape, self.srcs, self.ct = op, dtype, tuple(shape), tuple(srcs), ct
        self.size_ = 1 + sum(s.size_ for s in srcs)
        self.storages = _union(srcs)


class Cast(Node):
    __slots__ = ("srcs",)

    def __init__(self, src, dtype):
        self.srcs, self.dtype, self.shape = (src,), dtype, src.shape
        self.size_ = 1 + src.size_
        self.storages = src.storages


def dag_size(node, limit: int) -> int:
    """Distinct nodes under ``node`` (shared subexpressions once), counting stops past ``limit``."""
    seen, stack = set(), [node]
    while stack and len(seen) <= limit:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            stack.extend(n.srcs)
    return len(seen)


def _union(srcs):
    nonempty = [s.storages for s in srcs if s.storages]
    if len(nonempty) <= 1:
        return nonempty[0] if nonempty else ()
    if len(nonempty) == 2 and nonempty[0] == nonempty[1]:
        return nonempty[0]
    seen, out = set(), []
    for s in srcs:
        for st in s.storages:
            if id(st) not in seen:
                seen.add(id(st))
                out.append(st)
    return tuple(out)


def _prod(shape):
    p = 1
    for s in shape:
        p *= s
    return p


def contiguous_strides(shape) -> tuple:
    out, acc = [], 1
    for s in reversed(shape):
        out.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(out))


def _c_contig(leaf) -> bool:
    """C-contiguous ignoring the strides of size-1 dimensions."""
    acc = 1
    for s, st in zip(reversed(leaf.shape), reversed(leaf.strides)):
        if s != 1 and st != acc:
            return False
        acc *= s
    return True


def broadcast_shapes(*shapes) -> tuple:
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for s in shapes:
        for i, d in enumerate(s, nd - len(s)):
            if d == out[i] or d == 1:
                continue
            if out[i] == 1:
                out[i] = d
            else:
                raise ValueError(
                    "operands could not be broadcast together with shapes "
                    + " ".join(str(tuple(x)).replace(" ", "") for x in shapes)
                )
    return tuple(out)


def broadcast_strides(shape, strides, out_shape) -> tuple:
    """Strides of a view of ``shape`` read at the coordinates of ``out_shape`` (0 where broadcast)."""
    pad = len(out_shape) - len(shape)
    res = [0] * pad
    for d, st in zip(shape, strides):
        res.append(0 if d == 1 else st)
    return tuple(res)
