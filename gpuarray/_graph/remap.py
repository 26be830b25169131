"""An expression read at remapped coordinates: the same values, over views moved onto new axes.

A ``Remap`` says where each coordinate of the old (evaluated) shape comes from in a new shape:
old coordinate ``d`` is ``start[d] + sum(step * c[k] for k, step in dims[d])`` (no term: a
constant, the dimension was dropped or broadcast). Slices, transposes, ``None``, integer indices
and broadcasts of an array are remaps; so is a box of an iteration space (``box``: each dimension
onto itself, starting at the box's corner).

``remap(node, rm)`` rewrites an expression so that, evaluated over ``rm.shape``, it gives the old
expression's values at the remapped coordinates: a leaf becomes the view with strides and offset
moved accordingly; a coordinate (``Iota``) a coordinate of the new axis with a start and a step;
elementwise nodes are rebuilt over the remapped sources. Node kinds of other layers register in
``REMAP`` (random draws, gathers, products). A kind without an entry raises ``NotRemappable``.
"""
from __future__ import annotations

from .nodes import Cast, Const, Ew, Iota, Leaf, broadcast_strides


class NotRemappable(Exception):
    """An expression with a node kind (or a coordinate map) ``remap`` cannot rewrite."""


class Remap:
    __slots__ = ("shape", "old_shape", "dims", "start")

    def __init__(self, shape, old_shape, dims, start):
        self.shape, self.old_shape = tuple(shape), tuple(old_shape)
        self.dims, self.start = tuple(tuple(x) for x in dims), tuple(start)

    def strides(self, old_strides) -> tuple[tuple, int]:
        """(strides over the new shape, offset added) of a vector with ``old_strides`` over the
        old shape."""
        new = [0] * len(self.shape)
        off = 0
        for s, feed, a in zip(old_strides, self.dims, self.start):
            off += a * s
            for k, step in feed:
                new[k] += step * s
        return tuple(new), off


def box(shape, lo, ext) -> Remap:
    """The box of ``shape`` at corner ``lo`` with extents ``ext``, as a remap onto its own axes."""
    return Remap(ext, shape, [((d, 1),) for d in range(len(shape))], lo)


def from_view(old_shape, view_fn) -> Remap | None:
    """The remap a view function makes (``view_fn(leaf) -> leaf``: a function of the shape,
    strides and offset only: slicing, transposes, broadcasts): read off by applying it to a probe
    view whose strides are distinct powers of a base larger than any step, so that each new
    stride and the offset decode into (old dimension, step) terms and starts. None where a new
    stride does not decode (a view that is no remap of the old dimensions)."""
    nd = len(old_shape)
    base = 4 * max(max(old_shape, default=1), 1) + 1
    powers = [base ** (nd - 1 - d) for d in range(nd)]
    probe = Leaf(None, None, old_shape, powers, 0)
    v = view_fn(probe)
    if v is None:  # (a view function that has no view of these strides: a reshape merging axes)
        return None
    dims = [[] for _ in range(nd)]
    for k, s in enumerate(v.strides):
        if s == 0:
            continue
        for d, p in enumerate(powers):
            step = s // p
            if step * p == s and abs(step) < base // 2:
                dims[d].append((k, step))
                break
        else:
            return None
    start, rest = [], v.offset
    for p in powers:
        a, rest = divmod(rest, p)
        start.append(a)
    if rest:
        return None
    return Remap(v.shape, old_shape, dims, start)


def remap(node, rm: Remap, memo=None):
    """``node`` (broadcast to ``rm.old_shape``) read at the remapped coordinates, over ``rm.shape``."""
    if memo is None:
        memo = {}
    r = memo.get(id(node))
    if r is None:
        fn = REMAP.get(type(node))
        if fn is None:
            raise NotRemappable(type(node).__name__)
        r = memo[id(node)] = fn(node, rm, memo)
    return r


def leaf(node: Leaf, rm: Remap) -> Leaf:
    strides, off = rm.strides(broadcast_strides(node.shape, node.strides, rm.old_shape))
    return Leaf(node.storage, node.dtype, rm.shape, strides, node.offset + off, node.readonly)


def _iota(node, rm, memo):
    d = node.axis + len(rm.old_shape) - node.ndim
    feed = rm.dims[d] if node.shape[node.axis] != 1 else ()
    first = node.start + node.step * (rm.start[d] if node.shape[node.axis] != 1 else 0)
    if len(feed) > 1 or not rm.shape:
        raise NotRemappable("a coordinate spread over several axes")
    if not feed:
        return Iota(node.dtype, rm.shape, 0, first, 0)
    k, step = feed[0]
    return Iota(node.dtype, rm.shape, k, first, node.step * step)


REMAP = {
    Leaf: lambda node, rm, memo: leaf(node, rm),
    Const: lambda node, rm, memo: node,
    Iota: _iota,
    Ew: lambda node, rm, memo: Ew(node.op, node.dtype, rm.shape, tuple(remap(s, rm, memo) for s in node.srcs),
                                  node.ct, node.fpe),
    Cast: lambda node, rm, memo: Cast(remap(node.srcs[0], rm, memo), node.dtype, node.fpe),
}
