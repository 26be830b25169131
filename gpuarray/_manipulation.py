"""Shape manipulation. Transposes, axis moves, broadcasting, squeezes and reshapes of
contiguous data are views (new strides over the same buffer); the rest run copy kernels."""
from __future__ import annotations

import operator

import numpy as np

from ._array import GpuArray, new_leaf
from ._graph import Leaf, broadcast_shapes, contiguous_strides


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    from ._creation import asarray

    return asarray(x)


def _axis(ax, ndim) -> int:
    ax = operator.index(ax)
    if not -ndim <= ax < ndim:
        from numpy.exceptions import AxisError

        raise AxisError(f"axis {ax} is out of bounds for array of dimension {ndim}")
    return ax % ndim


def normalize_axes(axis, ndim) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    axes = tuple(_axis(a, ndim) for a in axis)
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    return axes


def _view(x: GpuArray, shape, strides, offset=None) -> GpuArray:
    leaf = x._leaf()
    return GpuArray(Leaf(leaf.storage, leaf.dtype, shape, strides, leaf.offset if offset is None else offset))


def permute_dims(x, /, axes):
    x = _arr(x)
    axes = tuple(_axis(a, x.ndim) for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError("axes don't match array")
    leaf = x._leaf()
    return _view(x, [leaf.shape[a] for a in axes], [leaf.strides[a] for a in axes])


def transpose(x, axes=None):
    x = _arr(x)
    return permute_dims(x, tuple(range(x.ndim))[::-1] if axes is None else axes)


def transpose_method(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return transpose(self, axes or None)


def swapaxes(x, axis1, axis2):
    x = _arr(x)
    a, b = _axis(axis1, x.ndim), _axis(axis2, x.ndim)
    p = list(range(x.ndim))
    p[a], p[b] = p[b], p[a]
    return permute_dims(x, p)


def moveaxis(x, source, destination, /):
    x = _arr(x)
    src = normalize_axes(source, x.ndim)
    dst = normalize_axes(destination, x.ndim)
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in range(x.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute_dims(x, order)


def broadcast_to(x, /, shape):
    x = _arr(x)
    shape = tuple(operator.index(s) for s in shape) if not isinstance(shape, int) else (shape,)
    if len(shape) < x.ndim or any(a != b and a != 1 for a, b in zip(x.shape[::-1], shape[::-1])):
        raise ValueError(f"operands could not be broadcast together with remapped shapes [original->remapped]: {x.shape} and requested shape {shape}")
    leaf = x._leaf()
    pad = len(shape) - x.ndim
    strides = [0] * pad + [0 if d == 1 and s != 1 else st for d, st, s in zip(leaf.shape, leaf.strides, shape[pad:])]
    return _view(x, shape, strides)


def broadcast_arrays(*arrays):
    arrays = [_arr(a) for a in arrays]
    shape = broadcast_shapes(*(a.shape for a in arrays))
    return [broadcast_to(a, shape) for a in arrays]


def broadcast_shapes_(*shapes):
    return broadcast_shapes(*shapes)


def reshape(x, /, shape, *, copy=None, order="C"):
    x = _arr(x)
    if order not in ("C", None):
        raise NotImplementedError("reshape: only order='C' is supported")
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = [operator.index(s) for s in shape]
    if shape.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise ValueError("negative dimensions not allowed")
            known *= s
    if -1 in shape:
        if known == 0 or x.size % known:
            raise ValueError(f"cannot reshape array of size {x.size} into shape {tuple(shape)}")
        shape[shape.index(-1)] = x.size // known
    shape = tuple(shape)
    if known != x.size and -1 not in shape and np.prod(shape, dtype=np.int64) != x.size:
        raise ValueError(f"cannot reshape array of size {x.size} into shape {shape}")
    leaf = x._leaf()
    if not copy:
        if leaf.is_contiguous() or x.size == 0:  # contiguous data: a view
            return GpuArray(Leaf(leaf.storage, leaf.dtype, shape, contiguous_strides(shape), leaf.offset))
        if copy is False:
            raise ValueError("reshape: cannot reshape this view without a copy (copy=False given)")
    c = x.copy()._leaf()
    return GpuArray(Leaf(c.storage, c.dtype, shape, contiguous_strides(shape), c.offset))


def reshape_method(self, *shape, order="C", copy=None):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return reshape(self, shape, copy=copy, order=order)


def ravel(x, order="C"):
    return reshape(_arr(x), (-1,))


def flatten(x, order="C"):
    return reshape(_arr(x), (-1,), copy=True)


def squeeze(x, /, axis=None):
    x = _arr(x)
    if axis is None:
        axes = tuple(i for i, s in enumerate(x.shape) if s == 1)
    else:
        axes = normalize_axes(axis, x.ndim)
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    leaf = x._leaf()
    keep = [i for i in range(x.ndim) if i not in axes]
    return _view(x, [leaf.shape[i] for i in keep], [leaf.strides[i] for i in keep])


def expand_dims(x, /, axis=0):
    x = _arr(x)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    nd = x.ndim + len(axes)
    axes = normalize_axes(axes, nd)
    leaf = x._leaf()
    shape, strides = list(leaf.shape), list(leaf.strides)
    for a in sorted(axes):
        shape.insert(a, 1)
        strides.insert(a, 0)
    return _view(x, shape, strides)


def atleast_1d(*arys):
    res = [reshape(_arr(a), (1,)) if _arr(a).ndim == 0 else _arr(a) for a in arys]
    return res[0] if len(res) == 1 else res


def atleast_2d(*arys):
    res = []
    for a in arys:
        a = _arr(a)
        res.append(reshape(a, (1,) * (2 - a.ndim) + a.shape) if a.ndim < 2 else a)
    return res[0] if len(res) == 1 else res


def atleast_3d(*arys):
    res = []
    for a in arys:
        a = _arr(a)
        if a.ndim == 0:
            a = reshape(a, (1, 1, 1))
        elif a.ndim == 1:
            a = reshape(a, (1, a.shape[0], 1))
        elif a.ndim == 2:
            a = reshape(a, a.shape + (1,))
        res.append(a)
    return res[0] if len(res) == 1 else res


def flip(x, /, axis=None):
    x = _arr(x)
    axes = normalize_axes(axis, x.ndim)
    leaf = x._leaf()
    off = leaf.offset
    strides = list(leaf.strides)
    for a in axes:
        if leaf.shape[a] > 0:
            off += (leaf.shape[a] - 1) * strides[a]
        strides[a] = -strides[a]
    return GpuArray(Leaf(leaf.storage, leaf.dtype, leaf.shape, strides, off))


def fliplr(x):
    return flip(x, axis=1)


def flipud(x):
    return flip(x, axis=0)


def diagonal(x, /, *, offset=0, axis1=-2, axis2=-1):
    x = _arr(x)
    a1, a2 = _axis(axis1, x.ndim), _axis(axis2, x.ndim)
    if a1 == a2:
        raise ValueError("axis1 and axis2 cannot be the same")
    leaf = x._leaf()
    n1, n2 = leaf.shape[a1], leaf.shape[a2]
    if offset >= 0:
        n = max(0, min(n1, n2 - offset))
        off = leaf.offset + offset * leaf.strides[a2] if n else leaf.offset
    else:
        n = max(0, min(n1 + offset, n2))
        off = leaf.offset - offset * leaf.strides[a1] if n else leaf.offset
    keep = [i for i in range(x.ndim) if i not in (a1, a2)]
    shape = [leaf.shape[i] for i in keep] + [n]
    strides = [leaf.strides[i] for i in keep] + [leaf.strides[a1] + leaf.strides[a2]]
    return GpuArray(Leaf(leaf.storage, leaf.dtype, shape, strides, off))


def diagonal_method(self, offset=0, axis1=0, axis2=1):
    return diagonal(self, offset=offset, axis1=axis1, axis2=axis2)


def copy_into_new(node_or_arr) -> GpuArray:
    x = _arr(node_or_arr)
    return x.copy()


__all__ = ['atleast_1d', 'atleast_2d', 'atleast_3d', 'broadcast_arrays', 'broadcast_to', 'diagonal', 'expand_dims', 'flip', 'fliplr', 'flipud', 'moveaxis', 'permute_dims', 'ravel', 'reshape', 'squeeze', 'swapaxes', 'transpose']
