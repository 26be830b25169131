"""Shape manipulation. Transposes, axis moves, broadcasts, squeezes, flips, splits and
reshapes that NumPy can do without a copy are views: new strides over the same buffer,
no dispatch. Joins, rolls, tiles and pads allocate the result and write every input into a
strided view of it (one fused copy per input, see ``_elementwise.assign``); repeats with
per-element counts and the index-based pad modes read their source through ``_advanced``'s
gather node (``Take``), one dispatch for the whole result."""
from __future__ import annotations

import builtins
import itertools
import operator

import numpy as np
from numpy.exceptions import AxisError

from .._kernels import codegen as _codegen
from .._graph import dtypes as dt
from .advanced import I32, Take, embed, offset_expr
from .._lazy.array import GpuArray, from_host, view_of
from .._graph.nodes import Iota, Leaf, broadcast_shapes as _broadcast_shapes, contiguous_strides, new_leaf
from .._lazy.product import Product, diagonal_terms
from .creation import asarray, zeros
from .._lazy.elementwise import apply as _apply_ew, assign
from .._lazy import views as _views
from .._device.fallback import host_call
from .indexing import basic_view


# ----------------------------------------------------------------------------- helpers
def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _axis(ax, ndim) -> int:
    ax = operator.index(ax)
    if not -ndim <= ax < ndim:
        raise AxisError(f"axis {ax} is out of bounds for array of dimension {ndim}")
    return ax % ndim


def normalize_axes(axis, ndim, argname=None) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    axes = tuple(_axis(a, ndim) for a in axis)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in `{argname}` argument" if argname else "repeated axis")
    return axes


def _shape_str(shape) -> str:
    return str(tuple(shape)).replace(" ", "")


def _size(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _view(x: GpuArray, fn, readonly=False) -> GpuArray:
    """The view of ``x`` whose shape and strides ``fn(leaf) -> (shape, strides)`` gives (lazy while
    ``x`` is unevaluated: _lazy/views.py)."""
    def make(leaf):
        shape, strides = fn(leaf)
        return Leaf(leaf.storage, leaf.dtype, shape, strides, leaf.offset, readonly or leaf.readonly)

    return _views.view(x, make)


def _assign(target: Leaf, value) -> None:
    assign(GpuArray(target), value)


def _eval_new(node) -> GpuArray:
    leaf = new_leaf(node.dtype, node.shape)
    _codegen.evaluate_into(node, leaf)
    return GpuArray(leaf)


def _nocopy_strides(shape, strides, new_shape):
    """Strides that show a (shape, strides) view as ``new_shape`` in C order without a copy,
    or None when the data is not laid out for it (NumPy's _attempt_nocopy_reshape)."""
    old = [(d, s) for d, s in zip(shape, strides) if d != 1]
    odims = [d for d, _ in old]
    ostr = [s for _, s in old]
    new_strides = [0] * len(new_shape)
    oi, oj, ni, nj = 0, 1, 0, 1
    while ni < len(new_shape) and oi < len(odims):
        np_, op = new_shape[ni], odims[oi]
        while np_ != op:
            if np_ < op:
                np_ *= new_shape[nj]
                nj += 1
            else:
                op *= odims[oj]
                oj += 1
        for ok in range(oi, oj - 1):
            if ostr[ok] != odims[ok + 1] * ostr[ok + 1]:
                return None
        new_strides[nj - 1] = ostr[oj - 1]
        for nk in range(nj - 1, ni, -1):
            new_strides[nk - 1] = new_strides[nk] * new_shape[nk]
        ni, oi = nj, oj
        nj, oj = nj + 1, oj + 1
    last = new_strides[ni - 1] if ni >= 1 else 1
    for nk in range(ni, len(new_shape)):
        new_strides[nk] = last
    return tuple(new_strides)


def _reshaped_leaf(leaf: Leaf, shape) -> Leaf | None:
    """``leaf`` seen with ``shape`` (same size) without a copy, or None."""
    shape = tuple(shape)
    if shape == leaf.shape:
        return leaf
    if leaf.is_contiguous():
        return Leaf(leaf.storage, leaf.dtype, shape, contiguous_strides(shape), leaf.offset, leaf.readonly)
    st = _nocopy_strides(leaf.shape, leaf.strides, shape)
    return None if st is None else Leaf(leaf.storage, leaf.dtype, shape, st, leaf.offset, leaf.readonly)


def _place(region: Leaf, value: GpuArray) -> None:
    """Write ``value`` into ``region`` (same size; shapes may differ by a reshape)."""
    if value.shape != region.shape:
        view = _reshaped_leaf(region, value.shape)
        if view is None:  # a strided ``out=`` region: bring the value to the region's shape instead
            value, view = GpuArray(_reshaped_leaf(_copy_of(value, value.shape), region.shape)), region
        region = view
    _assign(region, value)


def _out_dtype(arrays, dtype, casting):
    if dtype is None:
        return dt.result_type(*[a.dtype for a in arrays])
    d = dt.normalize(dtype)
    for a in arrays:
        if not np.can_cast(a.dtype, d, casting=casting):
            raise TypeError(f"Cannot cast array data from dtype('{a.dtype}') to dtype('{d}') "
                            f"according to the rule '{casting}'")
    return d


def _out_leaf(out, shape, dtype) -> Leaf:
    if out is None:
        return new_leaf(dtype, shape)
    if not isinstance(out, GpuArray):
        raise TypeError("out must be a GpuArray")
    if out.shape != tuple(shape):
        raise ValueError(f"Output array is the wrong shape")
    return out._leaf()


# ------------------------------------------------------------------------- gathers
def _take(x: GpuArray, indices: dict) -> GpuArray:
    """One dispatch: x gathered along the axes of ``indices`` (axis -> host int vector), through
    ``_advanced``'s gather node: the element offset is sum(index * stride) over the gathered axes
    plus sum(coordinate * stride) over the others (strides are parameters, not source)."""
    leaf = x._leaf()
    shape = list(leaf.shape)
    for ax, ix in indices.items():
        shape[ax] = len(ix)
    if _size(shape) == 0:
        return GpuArray(new_leaf(leaf.dtype, shape))
    terms = []
    for ax, stride in enumerate(leaf.strides):
        if ax in indices:
            idx = from_host(np.ascontiguousarray(indices[ax], dtype=np.int32))._node
            terms.append((embed(idx, idx.shape, ax, leaf.ndim), stride))
        else:
            terms.append((Iota(I32, shape, ax), stride))
    return _eval_new(Take(leaf, offset_expr(terms), shape))


# --------------------------------------------------------------------------- views
def permute_dims(x, /, axes):
    x = _arr(x)
    axes = tuple(_axis(a, x.ndim) for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError("axes don't match array")
    return _view(x, lambda leaf: ([leaf.shape[a] for a in axes], [leaf.strides[a] for a in axes]))


def transpose(x, axes=None):
    x = _arr(x)
    return permute_dims(x, tuple(range(x.ndim))[::-1] if axes is None else axes)


def transpose_method(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return transpose(self, axes or None)


def matrix_transpose(x, /):
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError("matrix transpose with ndim < 2 is undefined")
    return swapaxes(x, -1, -2)


def swapaxes(x, axis1, axis2):
    x = _arr(x)
    a, b = _axis(axis1, x.ndim), _axis(axis2, x.ndim)
    p = list(range(x.ndim))
    p[a], p[b] = p[b], p[a]
    return permute_dims(x, p)


def moveaxis(x, source, destination, /):
    x = _arr(x)
    src = normalize_axes(source, x.ndim, "source")
    dst = normalize_axes(destination, x.ndim, "destination")
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in range(x.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute_dims(x, order)


def rollaxis(x, axis, start=0):
    x = _arr(x)
    n = x.ndim
    axis = _axis(axis, n)
    if not -n <= start <= n:
        raise AxisError(f"start arg requires {-n} <= start < {n + 1} but {start} was passed in")
    start = start % (n + 1) if start < 0 else start
    if axis < start:
        start -= 1
    if axis == start:
        return x[...]
    order = [i for i in range(n) if i != axis]
    order.insert(start, axis)
    return permute_dims(x, order)


def broadcast_shapes(*shapes):
    shapes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    try:
        return _broadcast_shapes(*shapes)
    except ValueError:
        nd = builtins.max((len(s) for s in shapes), default=0)
        out = [1] * nd
        first = [None] * nd
        for i, s in enumerate(shapes):
            for j, d in enumerate(s, nd - len(s)):
                if d == 1:
                    continue
                if out[j] == 1:
                    out[j], first[j] = d, i
                elif out[j] != d:
                    raise ValueError(
                        "shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is between "
                        f"arg {first[j]} with shape {shapes[first[j]]} and arg {i} with shape {s}.") from None
        raise


def broadcast_to(x, /, shape, subok=False):
    return _broadcast_view(x, shape, True)  # NumPy's broadcast views are read-only


def _broadcast_view(x, shape, readonly):
    x = _arr(x)
    shape = (operator.index(shape),) if isinstance(shape, (int, np.integer)) else tuple(operator.index(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("all elements of broadcast shape must be non-negative")
    if len(shape) < x.ndim or any(a != b and a != 1 for a, b in zip(x.shape[::-1], shape[::-1])):
        raise ValueError("operands could not be broadcast together with remapped shapes [original->remapped]: "
                         f"{_shape_str(x.shape)}  and requested shape {_shape_str(shape)}")
    pad = len(shape) - x.ndim

    def fn(leaf):
        return shape, [0] * pad + [0 if d == 1 and s != 1 else st for d, st, s in zip(leaf.shape, leaf.strides, shape[pad:])]

    return _view(x, fn, readonly=readonly)


def broadcast_arrays(*arrays, subok=False):
    arrays = [_arr(a) for a in arrays]
    shape = broadcast_shapes(*(a.shape for a in arrays))
    # (writable, as NumPy's, which warns on a write that this will change)
    return tuple(a if a.shape == shape else _broadcast_view(a, shape, False) for a in arrays)


def _fix_shape(shape, size) -> tuple:
    """Resolve one ``-1`` and check the size (NumPy's messages)."""
    shape = [operator.index(s) for s in shape]
    unknown, known = -1, 1
    for i, s in enumerate(shape):
        if s < 0:
            if s != -1:
                raise ValueError("negative dimensions not allowed")
            if unknown >= 0:
                raise ValueError("can only specify one unknown dimension")
            unknown = i
        else:
            known *= s
    if unknown >= 0:
        if known == 0 or size % known:
            shown = "(" + ",".join("newaxis" if s == -1 else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
            raise ValueError(f"cannot reshape array of size {size} into shape {shown}")
        shape[unknown] = size // known
    elif known != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {_shape_str(shape)}")
    return tuple(shape)


def _fortran_order(x: GpuArray, order) -> bool:
    """Whether NumPy's ``order`` reads ``x``'s elements in column-major order ('F'; 'A' for an array
    that is Fortran- but not C-contiguous)."""
    if order in ("C", None):
        return False
    if order == "F":
        return True
    if order == "A":
        return bool(x.flags["F_CONTIGUOUS"] and not x.flags["C_CONTIGUOUS"])
    raise ValueError(f"order must be one of 'C', 'F', 'A' (got {order!r})")


def reshape(x, /, shape=None, *, copy=None, order="C", newshape=None):
    x = _arr(x)
    if shape is None:
        shape = newshape
    if order == "K":
        raise ValueError("order 'K' is not permitted for reshaping")
    if _fortran_order(x, order):  # column-major: the reversed axes reshaped in C order
        if isinstance(shape, (int, np.integer)):
            shape = (shape,)
        shape = _fix_shape(shape, x.size)
        return permute_dims(reshape(permute_dims(x, tuple(range(x.ndim))[::-1]), tuple(shape)[::-1], copy=copy),
                            tuple(range(len(shape)))[::-1])
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = _fix_shape(shape, x.size)
    if copy:
        return GpuArray(_copy_of(x, shape))
    if x.is_lazy:  # splitting axes (or adding size-1 ones) of an unevaluated array: still lazy
        v = _views.lazy_view(x, lambda leaf: _reshaped_leaf(leaf, shape))
        if v is not None:
            return v
    leaf = x._leaf()
    view = _reshaped_leaf(leaf, shape)
    if view is not None:
        return view_of(x, view)
    if copy is False:
        raise ValueError("Unable to avoid creating a copy while reshaping.")
    return GpuArray(_copy_of(x, shape))


def _copy_of(x: GpuArray, shape) -> Leaf:
    """A fresh contiguous copy of x, seen with ``shape`` (one fused copy)."""
    out = new_leaf(x.dtype, shape)
    _place(out, x)
    return out


def reshape_method(self, *shape, order="C", copy=None):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return reshape(self, shape, copy=copy, order=order)


def _read_order(x: GpuArray, order):
    """``x`` with its axes permuted so that C order reads it in NumPy's ``order`` ('K': the
    order of the strides in memory, largest first)."""
    if order == "K":
        st = x._leaf().strides
        axes = sorted(range(x.ndim), key=lambda d: -abs(st[d]) if x.shape[d] > 1 else 0)
        return permute_dims(x, tuple(axes)) if axes != list(range(x.ndim)) else x
    if _fortran_order(x, order):
        return permute_dims(x, tuple(range(x.ndim))[::-1])
    return x


def ravel(x, order="C"):
    return reshape(_read_order(_arr(x), order), (-1,))


def flatten(x, order="C"):
    return reshape(_read_order(_arr(x), order), (-1,), copy=True)


def squeeze(x, /, axis=None):
    x = _arr(x)
    if axis is None:
        axes = tuple(i for i, s in enumerate(x.shape) if s == 1)
    else:
        axes = normalize_axes(axis, x.ndim)
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    keep = [i for i in range(x.ndim) if i not in axes]
    return _view(x, lambda leaf: ([leaf.shape[i] for i in keep], [leaf.strides[i] for i in keep]))


def expand_dims(x, /, axis=0):
    x = _arr(x)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    nd = x.ndim + len(axes)
    axes = normalize_axes(axes, nd)
    shape = iter(x.shape)
    return reshape(x, tuple(1 if i in axes else next(shape) for i in range(nd)))  # NumPy's strides too


def atleast_1d(*arys):
    res = []
    for a in arys:
        a = _arr(a)
        res.append(reshape(a, (1,)) if a.ndim == 0 else a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_2d(*arys):
    res = []
    for a in arys:
        a = _arr(a)
        res.append(reshape(a, (1, 1)) if a.ndim == 0 else a[None, :] if a.ndim == 1 else a)
    return res[0] if len(res) == 1 else tuple(res)


def atleast_3d(*arys):
    res = []
    for a in arys:
        a = _arr(a)
        if a.ndim == 0:
            a = reshape(a, (1, 1, 1))
        elif a.ndim == 1:
            a = a[None, :, None]
        elif a.ndim == 2:
            a = a[:, :, None]
        res.append(a)
    return res[0] if len(res) == 1 else tuple(res)


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
    return view_of(x, Leaf(leaf.storage, leaf.dtype, leaf.shape, strides, off, leaf.readonly))


def fliplr(x):
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(x, axis=1)


def flipud(x):
    x = _arr(x)
    if x.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(x, axis=0)


def rot90(m, k=1, axes=(0, 1)):
    m = _arr(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    a0, a1 = _axis(axes[0], m.ndim), _axis(axes[1], m.ndim)
    if a0 == a1:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return m[...]
    if k == 2:
        return flip(flip(m, a0), a1)
    order = list(range(m.ndim))
    order[a0], order[a1] = order[a1], order[a0]
    return permute_dims(flip(m, a1), order) if k == 1 else flip(permute_dims(m, order), a1)


def diagonal(x, /, offset=0, axis1=0, axis2=1):
    """NumPy's ``diagonal`` (a view; axes 0 and 1 by default)."""
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    a1, a2 = _axis(axis1, x.ndim), _axis(axis2, x.ndim)
    if a1 == a2:
        raise ValueError("axis1 and axis2 cannot be the same")
    offset = operator.index(offset)
    if isinstance(x._node, Product):  # a pending product: one reduction over k per diagonal element
        terms = diagonal_terms(x._node, offset, a1, a2)
        if terms is not None:  # (the reductions sit above this module: through the methods)
            if x.dtype == dt.bool_:
                return terms.any(axis=-1)
            return terms.sum(axis=-1, dtype=x.dtype)
    leaf = x._leaf()
    n1, n2 = leaf.shape[a1], leaf.shape[a2]
    if offset >= 0:
        n = builtins.max(0, builtins.min(n1, n2 - offset))
        off = leaf.offset + offset * leaf.strides[a2] if n else leaf.offset
    else:
        n = builtins.max(0, builtins.min(n1 + offset, n2))
        off = leaf.offset - offset * leaf.strides[a1] if n else leaf.offset
    keep = [i for i in range(x.ndim) if i not in (a1, a2)]
    shape = [leaf.shape[i] for i in keep] + [n]
    strides = [leaf.strides[i] for i in keep] + [leaf.strides[a1] + leaf.strides[a2]]
    return view_of(x, Leaf(leaf.storage, leaf.dtype, shape, strides, off, True))  # read-only, as NumPy's


def diagonal_method(self, offset=0, axis1=0, axis2=1):
    return diagonal(self, offset=offset, axis1=axis1, axis2=axis2)


def diag(v, k=0):
    """1-D -> a square matrix with ``v`` on diagonal ``k``; 2-D -> its diagonal ``k`` (a view)."""
    v = _arr(v)
    k = operator.index(k)
    if v.ndim == 1:
        n = v.shape[0] + abs(k)
        out = zeros((n, n), dtype=v.dtype)
        view = diagonal(out, k)._node
        view.readonly = False  # (the result is built through a writable view of its own buffer)
        _assign(view, v)
        return out
    if v.ndim == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v, k=0):
    return diag(ravel(_arr(v)), k)


# ----------------------------------------------------------------------------- joins
def _join(arrays, shapes, axis, out, dtype, casting):
    """Concatenate ``arrays`` (each seen with the logical shape in ``shapes``) along ``axis``:
    one fused copy per input into its slab of the result."""
    if not shapes:
        raise ValueError("need at least one array to concatenate")
    nd = len(shapes[0])
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = _axis(axis, nd)
    for i, s in enumerate(shapes[1:], 1):
        if len(s) != nd:
            raise ValueError("all the input arrays must have same number of dimensions, but the array at index 0 "
                             f"has {nd} dimension(s) and the array at index {i} has {len(s)} dimension(s)")
        for d in range(nd):
            if d != axis and s[d] != shapes[0][d]:
                raise ValueError("all the input array dimensions except for the concatenation axis must match "
                                 f"exactly, but along dimension {d}, the array at index 0 has size {shapes[0][d]} "
                                 f"and the array at index {i} has size {s[d]}")
    if out is not None and dtype is not None:
        raise TypeError("concatenate() only takes `out` or `dtype` as an argument, but both were provided.")
    d = _out_dtype(arrays, out.dtype if out is not None else dtype, casting)
    shape = list(shapes[0])
    shape[axis] = builtins.sum(s[axis] for s in shapes)
    res = _out_leaf(out, shape, d)
    start = 0
    lead = (slice(None),) * axis
    for a, s in zip(arrays, shapes):
        if s[axis]:
            _place(basic_view(res, lead + (slice(start, start + s[axis]),)), a)
        start += s[axis]
    return out if out is not None else GpuArray(res)


def _seq(arrays, name="concatenate"):
    if isinstance(arrays, GpuArray):
        return [arrays[i] for i in range(arrays.shape[0])] if arrays.ndim else [arrays]
    return [_arr(a) for a in arrays]


def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    arrays = _seq(arrays)
    if axis is None:
        return _join(arrays, [(a.size,) for a in arrays], 0, out, dtype, casting)
    return _join(arrays, [a.shape for a in arrays], axis, out, dtype, casting)


def concat(arrays, /, *, axis=0, out=None, dtype=None, casting="same_kind"):
    return concatenate(arrays, axis=axis, out=out, dtype=dtype, casting=casting)


def stack(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    arrays = _seq(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays):
        raise ValueError("all input arrays must have the same shape")
    axis = _axis(axis, len(shape) + 1)
    exp = shape[:axis] + (1,) + shape[axis:]
    return _join(arrays, [exp] * len(arrays), axis, out, dtype, casting)


def _shape_2d(s):
    return (1, 1) if len(s) == 0 else (1,) + s if len(s) == 1 else s


def _shape_3d(s):
    return (1, 1, 1) if len(s) == 0 else (1,) + s + (1,) if len(s) == 1 else s + (1,) if len(s) == 2 else s


def vstack(tup, *, dtype=None, casting="same_kind"):
    arrays = _seq(tup)
    return _join(arrays, [_shape_2d(a.shape) for a in arrays], 0, None, dtype, casting)


row_stack = vstack


def hstack(tup, *, dtype=None, casting="same_kind"):
    arrays = _seq(tup)
    shapes = [a.shape or (1,) for a in arrays]
    axis = 0 if shapes and len(shapes[0]) == 1 else 1
    return _join(arrays, shapes, axis, None, dtype, casting)


def dstack(tup):
    arrays = _seq(tup)
    return _join(arrays, [_shape_3d(a.shape) for a in arrays], 2, None, None, "same_kind")


def column_stack(tup):
    arrays = _seq(tup)
    # 0-d and 1-d inputs become columns: a column of the fresh result reshapes to them freely
    shapes = [(1, 1) if a.ndim == 0 else (a.shape[0], 1) if a.ndim == 1 else a.shape for a in arrays]
    return _join(arrays, shapes, 1, None, None, "same_kind")


def block(arrays):
    """Nested lists of arrays assembled from the innermost list outwards (NumPy's ``block``)."""
    def depth(x):
        return 1 + depth(x[0]) if isinstance(x, list) and x else (1 if isinstance(x, list) else 0)

    def leaves(x):
        return [a for e in x for a in leaves(e)] if isinstance(x, list) else [_arr(x)]

    d = depth(arrays)
    nd = builtins.max([d] + [a.ndim for a in leaves(arrays)])

    def build(x, level):
        if not isinstance(x, list):
            a = _arr(x)
            return reshape(a, (1,) * (nd - a.ndim) + a.shape) if a.ndim < nd else a
        if not x:
            raise ValueError("List at arrays cannot be empty")
        parts = [build(e, level + 1) for e in x]
        return concatenate(parts, axis=-(d - level))

    return build(arrays, 0)


# ---------------------------------------------------------------------------- splits
def array_split(ary, indices_or_sections, axis=0):
    ary = _arr(ary)
    axis = _axis(axis, ary.ndim) if ary.ndim else _axis(axis, 0)
    n = ary.shape[axis]
    try:
        points = list(indices_or_sections)
    except TypeError:
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(n, sections)
        sizes = [0] + extras * [each + 1] + (sections - extras) * [each]
        points = list(itertools.accumulate(sizes))
    else:
        points = [0] + [operator.index(p) for p in points] + [n]
    lead = (slice(None),) * axis
    return [ary[lead + (slice(points[i], points[i + 1]),)] for i in range(len(points) - 1)]


def split(ary, indices_or_sections, axis=0):
    ary = _arr(ary)
    if isinstance(indices_or_sections, (int, np.integer)):
        n = ary.shape[_axis(axis, ary.ndim)]
        if indices_or_sections > 0 and n % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    ary = _arr(ary)
    if ary.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if ary.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    ary = _arr(ary)
    if ary.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    ary = _arr(ary)
    if ary.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


def unstack(x, /, *, axis=0):
    x = _arr(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    axis = _axis(axis, x.ndim)
    lead = (slice(None),) * axis
    return tuple(x[lead + (i,)] for i in range(x.shape[axis]))


# ------------------------------------------------------------- rolls, repeats, tiles
def roll(a, shift, axis=None):
    a = _arr(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    axes = tuple(_axis(ax, a.ndim) for ax in ((axis,) if isinstance(axis, (int, np.integer)) else axis))
    sh = np.broadcast(np.asarray(shift), np.asarray(axes))
    if sh.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = dict.fromkeys(range(a.ndim), 0)
    for s, ax in zip(*(np.broadcast_to(np.asarray(v), sh.shape).ravel() for v in (shift, axes))):
        shifts[int(ax)] += int(s)
    whole = ((slice(None), slice(None)),)
    rolls = [whole] * a.ndim
    for ax, off in shifts.items():
        off %= a.shape[ax] or 1
        if off:
            rolls[ax] = ((slice(None, -off), slice(off, None)), (slice(-off, None), slice(None, off)))
    res = new_leaf(a.dtype, a.shape)
    if builtins.all(r is whole for r in rolls):
        _assign(res, a)  # no shift: one fused copy
        return GpuArray(res)
    src = a._leaf()
    for pieces in itertools.product(*rolls):
        src_key, dst_key = zip(*pieces)
        _assign(basic_view(res, dst_key), GpuArray(basic_view(src, src_key)))
    return GpuArray(res)


def _repeats_host(repeats):
    if isinstance(repeats, GpuArray):
        repeats = repeats.get()
    r = np.asarray(repeats)
    if r.dtype.kind not in "biuf":
        raise TypeError(f"Cannot cast array data from {r.dtype!r} to dtype('int64') according to the rule 'safe'")
    r = r.astype(np.int64)
    if (r < 0).any():
        raise ValueError("negative dimensions are not allowed")
    return r


def repeat(a, repeats, axis=None):
    a = _arr(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = _axis(axis, a.ndim)
    n = a.shape[axis]
    r = _repeats_host(repeats)
    if r.ndim == 0 or r.shape == (1,):
        # one count: the result seen as (count, *a.shape) receives a broadcast, one fused copy
        count = int(r.reshape(()))
        shape = a.shape[:axis] + (n * count,) + a.shape[axis + 1:]
        res = new_leaf(a.dtype, shape)
        st = res.strides
        target = Leaf(res.storage, res.dtype, (count,) + a.shape,
                      (st[axis],) + st[:axis] + (st[axis] * count,) + st[axis + 1:], 0)
        if res.shape and _size(shape):
            _assign(target, a)
        return GpuArray(res)
    if r.ndim != 1 or r.shape[0] != n:
        raise ValueError(f"operands could not be broadcast together with shape ({n},) ({r.shape[0]},)"
                         if r.ndim == 1 else "object too deep for desired array")
    return _take(a, {axis: np.repeat(np.arange(n), r)})


def tile(A, reps):
    A = _arr(A)
    try:
        tup = tuple(operator.index(r) for r in reps)
    except TypeError:
        tup = (operator.index(reps),)
    if any(t < 0 for t in tup):
        raise ValueError("negative dimensions are not allowed")
    nd = builtins.max(len(tup), A.ndim)
    tup = (1,) * (nd - len(tup)) + tup
    shape_in = (1,) * (nd - A.ndim) + A.shape
    shape_out = tuple(s * t for s, t in zip(shape_in, tup))
    res = new_leaf(A.dtype, shape_out)
    # the result seen as (reps..., *shape_in): each tile is one broadcast coordinate
    st = res.strides
    target = Leaf(res.storage, res.dtype, tup + shape_in, tuple(s * n for s, n in zip(st, shape_in)) + st, 0)
    if _size(shape_out):
        _assign(target, A)
    return GpuArray(res)


# ------------------------------------------------------------------------------- pad
def _pairs(x, ndim, name):
    a = np.asarray(x)
    if a.dtype.kind == "O":
        raise TypeError(f"`{name}` must be numbers")
    try:
        a = np.broadcast_to(a, (ndim, 2))
    except ValueError:
        raise ValueError(f"operands could not be broadcast together with remapped shapes "
                         f"[original->remapped]: {_shape_str(np.shape(x))}  and requested shape ({ndim},2)") from None
    return a


def check_extendable(x, widths) -> None:
    """NumPy's error for padding an empty axis with a mode that reads the array's values."""
    for ax in range(x.ndim):
        if x.shape[ax] == 0 and widths[ax].any():
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' or 'empty'")


def _pad_reflect_odd(x, widths, shape, interior, include_edge):
    """``pad(..., reflect_type='odd')``: NumPy's steps on device slices: axis by axis, chunks of
    the area filled so far reflected about the edge and negated (2 * edge - value) until the pad
    area is full."""
    check_extendable(x, widths)
    res = new_leaf(x.dtype, shape)
    padded = GpuArray(res)
    if x.size:
        _assign(basic_view(res, interior), x)
    for ax in range(x.ndim):
        b, a = (int(w) for w in widths[ax])
        if not b and not a:
            continue
        # the region NumPy works in: the earlier axes padded, the later ones their original extent
        roi = padded[tuple(slice(None) if d <= ax else interior[d] for d in range(x.ndim))]

        def at(sl):
            key = [slice(None)] * x.ndim
            key[ax] = sl
            return tuple(key)

        if x.shape[ax] == 1:  # (NumPy's legacy singleton extension: the edge repeated)
            n_ax = roi.shape[ax]
            if b:
                roi[at(slice(0, b))] = roi[at(slice(b, b + 1))]
            if a:
                roi[at(slice(n_ax - a, n_ax))] = roi[at(slice(n_ax - a - 1, n_ax - a))]
            continue
        period = x.shape[ax]
        while b > 0 or a > 0:
            n_ax = roi.shape[ax]
            old = n_ax - a - b
            if include_edge:
                old, off = old // period * period, 1
            else:
                old, off = (old - 1) // (period - 1) * (period - 1) + 1 - 1, 0
            if b > 0:
                c = min(old, b)
                chunk = roi[at(slice(b - off + c, b - off, -1))]
                chunk = _apply_ew("subtract", _apply_ew("multiply", 2, roi[at(slice(b, b + 1))]), chunk)
                roi[at(slice(b - c, b))] = chunk
                b -= c
            if a > 0:
                c = min(old, a)
                start = n_ax - a + off - 2
                chunk = roi[at(slice(start, start - c if start - c >= 0 else None, -1))]
                chunk = _apply_ew("subtract", _apply_ew("multiply", 2, roi[at(slice(n_ax - a - 1, n_ax - a))]), chunk)
                roi[at(slice(n_ax - a, n_ax - a + c))] = chunk
                a -= c
    return padded


# pad modes made of the array's statistics (maximum, minimum, mean, median) and linear_ramp: set
# by a module above this one that has the reductions (_api/array_edits.py)
PAD_MODES: dict = {}


def pad(array, pad_width, mode="constant", **kwargs):
    x = _arr(array)
    widths = _pairs(pad_width, x.ndim, "pad_width")
    if widths.dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    widths = widths.astype(np.int64)
    if (widths < 0).any():
        raise ValueError("index can't contain negative values")
    shape = tuple(int(s + b + a) for s, (b, a) in zip(x.shape, widths))
    interior = tuple(slice(int(b), int(b) + s) for s, (b, _) in zip(x.shape, widths))
    if mode in ("constant", "empty"):
        allowed = {"constant": {"constant_values"}, "empty": set()}[mode]
        if set(kwargs) - allowed:
            raise ValueError(f"unsupported keyword arguments for mode '{mode}': {set(kwargs) - allowed}")
        res = new_leaf(x.dtype, shape)
        if x.size:
            _assign(basic_view(res, interior), x)
        if mode == "constant":
            values = _pairs(kwargs.get("constant_values", 0), x.ndim, "constant_values")
            with np.errstate(all="ignore"):
                values = values.astype(x.dtype) if values.dtype != x.dtype else values
            # NumPy fills the border axis by axis, later axes overwriting the corners
            for ax in range(x.ndim):
                b, a = widths[ax]
                lead = (slice(None),) * ax
                if b:
                    _assign(basic_view(res, lead + (slice(0, int(b)),)), values[ax, 0].item())
                if a:
                    _assign(basic_view(res, lead + (slice(shape[ax] - int(a), shape[ax]),)), values[ax, 1].item())
        return GpuArray(res)
    if mode in ("edge", "reflect", "symmetric", "wrap"):
        if set(kwargs) - {"reflect_type"}:
            raise ValueError(f"unsupported keyword arguments for mode '{mode}': {set(kwargs) - {'reflect_type'}}")
        if kwargs.get("reflect_type", "even") not in ("even", "odd"):
            raise ValueError(f"reflect_type must be 'even' or 'odd', got {kwargs['reflect_type']!r}")
        if mode in ("reflect", "symmetric") and kwargs.get("reflect_type") == "odd":
            return _pad_reflect_odd(x, widths, shape, interior, mode == "symmetric")
        check_extendable(x, widths)
        # the source index of every output coordinate, per axis, is NumPy's pad of an index range
        idx = {}
        for ax in range(x.ndim):
            if widths[ax].any():
                idx[ax] = np.pad(np.arange(x.shape[ax]), tuple(int(w) for w in widths[ax]), mode=mode)
        if not idx:
            return _eval_new(x._leaf())
        return _take(x, idx)
    if not callable(mode) and mode in PAD_MODES:
        return PAD_MODES[mode](x, widths, mode, kwargs)
    if callable(mode) or mode in ("linear_ramp", "maximum", "mean", "median", "minimum"):
        return _arr(host_call(np.pad, "pad", (x.get(), widths, mode), kwargs))
    raise ValueError(f"mode '{mode}' is not supported")


__all__ = ['array_split', 'atleast_1d', 'atleast_2d', 'atleast_3d', 'block', 'broadcast_arrays', 'broadcast_shapes',
           'broadcast_to', 'column_stack', 'concat', 'concatenate', 'diag', 'diagflat', 'diagonal', 'dsplit', 'dstack',
           'expand_dims', 'flip', 'fliplr', 'flipud', 'hsplit', 'hstack', 'matrix_transpose', 'moveaxis', 'pad',
           'permute_dims', 'ravel', 'repeat', 'reshape', 'roll', 'rollaxis', 'rot90', 'row_stack', 'split', 'squeeze',
           'stack', 'swapaxes', 'tile', 'transpose', 'unstack', 'vsplit', 'vstack']
