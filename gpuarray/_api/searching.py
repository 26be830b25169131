"""Searching and index-based selection: nonzero, argwhere, flatnonzero, take,
take_along_axis, put, compress, extract, searchsorted. Selections are gathers and
scatters from _advanced (lazy where the result size is known); nonzero-like functions
compact a mask on the device and read back only the count."""
from __future__ import annotations

import operator

import numpy as np

from .._kernels import wgsl_lib as _wgsl_lib
from .._kernels import codegen as _codegen
from .._kernels import windows as _windows
from .._device import runtime as _runtime
from .._graph import dtypes as dt
from .advanced import (_Adv, _wrap_negative, advanced_setitem, check_device_index, check_host_index, contiguous,
                       embed, gather, getitem, index_dtype, mask_coords, nonzero as _nonzero, offset_expr)
from .._lazy.array import GpuArray, from_host
from .._graph.nodes import Cast, Const, Ew, Iota, Leaf, broadcast_shapes, new_leaf
from .creation import asarray
from .._lazy.elementwise import apply, as_operand, assign, astype
from .manipulation import _axis as norm, ravel, reshape
from .reductions import any as rany

_I32 = dt.int32


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _axis(axis, ndim) -> int:
    return norm(axis, ndim)


def _ravel(x: GpuArray) -> GpuArray:
    return ravel(x)


def _out(res: GpuArray, out):
    if out is None:
        return res
    assign(out, res)
    return out


# ---------------------------------------------------------------------------- nonzero
def nonzero(a) -> tuple:
    """Indices of the non-zero elements: a tuple of default-int arrays, one per dimension."""
    return _nonzero(a)


def argwhere(a) -> GpuArray:
    """Indices of the non-zero elements, one row per element: shape (count, ndim)."""
    a = _arr(a)
    if a.ndim == 0:
        n = int(bool(apply("not_equal", a, 0j if a.dtype.kind == "c" else 0)))
        return GpuArray(new_leaf(dt.default_int(), (n, 0)))
    coords = _nonzero(a)
    first = coords[0]._node
    count = first.shape[0]
    # the coordinates are the rows of one (ndim, count) buffer: argwhere is its transpose
    return GpuArray(Leaf(first.storage, first.dtype, (count, a.ndim), (1, count), first.offset))


def flatnonzero(a) -> GpuArray:
    """Indices of the non-zero elements of the flattened array."""
    return _nonzero(_ravel(_arr(a)))[0]


# ----------------------------------------------------------------------- take family
def _mode_index(indices, n, mode):
    """Index array with mode 'wrap'/'clip' applied: (index, trusted in range)."""
    if mode == "raise":
        return indices, False
    if mode not in ("wrap", "clip"):
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    if n == 0:
        raise IndexError("cannot do a non-empty take from an empty axes.")
    if isinstance(indices, GpuArray):
        if mode == "wrap":
            return apply("remainder", indices, n), True
        return apply("minimum", apply("maximum", indices, 0), n - 1), True
    a = np.asarray(indices)
    return (np.mod(a, n) if mode == "wrap" else np.clip(a, 0, n - 1)), False


def _index_entry(indices, trusted):
    """A key entry for ``indices``; trusted device arrays skip the bounds check."""
    if isinstance(indices, GpuArray) and trusted and indices.ndim:
        if indices.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        return _Adv("tarr", indices, indices.shape, 1)
    if isinstance(indices, GpuArray) and indices.ndim == 0:
        return operator.index(indices)
    if not isinstance(indices, GpuArray):
        a = np.asarray(indices)
        if a.dtype.kind not in "iu" and not (a.size == 0 and a.dtype.kind == "f"):
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        if a.ndim == 0:
            return int(a)
        return a.astype(np.intp, copy=False)
    if indices.dtype.kind not in "iu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return indices


def take(a, indices, axis=None, out=None, mode="raise"):
    """Elements of ``a`` at ``indices`` along ``axis`` (the flattened array when None)."""
    a = _arr(a)
    if axis is None:
        a, axis = _ravel(a), 0
    else:
        axis = _axis(axis, a.ndim)
    indices, trusted = _mode_index(indices, a.shape[axis], mode)
    key = (slice(None),) * axis + (_index_entry(indices, trusted),)
    return _out(getitem(a, key), out)


def take_along_axis(arr, indices, axis=-1):
    """``arr`` gathered along ``axis`` at ``indices`` (same ndim as arr, broadcast elsewhere)."""
    arr = _arr(arr)
    if axis is None:
        if (indices.ndim if isinstance(indices, GpuArray) else np.ndim(indices)) != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr, axis = _ravel(arr), 0
    idx = indices if isinstance(indices, GpuArray) else np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if idx.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    axis = _axis(axis, arr.ndim)
    leaf = arr._leaf()
    n = leaf.shape[axis]
    other = tuple(1 if d == axis else s for d, s in enumerate(leaf.shape))
    ishape = tuple(1 if d == axis else s for d, s in enumerate(idx.shape))
    try:
        shape = list(broadcast_shapes(other, ishape))
    except ValueError:
        raise ValueError(f"shape mismatch: indexing arrays could not be broadcast together with shapes "
                         f"{other} {tuple(idx.shape)}") from None
    shape[axis] = idx.shape[axis]
    shape = tuple(shape)
    if 0 in shape:
        return GpuArray(new_leaf(arr.dtype, shape))
    ix = index_dtype(leaf, (n,))
    if isinstance(idx, GpuArray):
        il = check_device_index(idx, n, axis, ix=ix)
        node = _wrap_negative(embed(il, il.shape, 0, len(shape)), n, ix)
    else:
        node = embed(from_host(check_host_index(idx, n, axis, ix))._leaf(), idx.shape, 0, len(shape))
    terms = [(node, leaf.strides[axis])]
    # other axes: the coordinate, or 0 where arr has size 1 (broadcast)
    terms += [(Iota(ix, shape, d), 0 if leaf.shape[d] == 1 else leaf.strides[d])
              for d in range(len(shape)) if d != axis]
    return gather(leaf, offset_expr(terms, ix), shape)


def put(a, ind, v, mode="raise") -> None:
    """``a.flat[ind] = v`` in place (``v`` repeats cyclically if shorter than ``ind``)."""
    if not isinstance(a, GpuArray):
        raise TypeError(f"put() argument 1 must be gpuarray.ndarray, not {type(a).__name__}")
    leaf = a._leaf()
    ind, trusted = _mode_index(ind, a.size, mode)
    if isinstance(ind, GpuArray):
        ind = _ravel(ind)
    else:
        ind = np.asarray(ind).reshape(-1)
    n_ind = ind.shape[0]
    if n_ind == 0:
        return
    v = as_operand(v)
    if not isinstance(v, GpuArray):
        v = _arr(np.asarray(v))
    v = _ravel(v)
    if v.size == 0:
        return
    if v.size != n_ind:
        vl = contiguous(v)
        off = Ew("remainder", _I32, (n_ind,), [Iota(_I32, (n_ind,), 0), Const(v.size, _I32)], _I32)
        v = gather(vl, off, (n_ind,))
    target = a if leaf.is_contiguous() else a.copy()
    flat = reshape(target, (-1,))
    advanced_setitem(flat, (_index_entry(ind, trusted),), v)
    if target is not a:
        assign(a, target)


def _condition_indices(condition, n):
    """Positions of the true elements of a 1-D condition as a key entry (trusted when in range)."""
    if isinstance(condition, GpuArray):
        if condition.dtype != dt.bool_:
            condition = apply("not_equal", condition, 0j if condition.dtype.kind == "c" else 0)
        idx = mask_coords(condition, index_dtype(condition._leaf(), condition.shape))[0]
        if condition.shape[0] <= n:
            return _Adv("tarr", idx, idx.shape, 1)
        return idx
    c = np.asarray(condition)
    return np.nonzero(c)[0]


def compress(condition, a, axis=None, out=None):
    """The slices of ``a`` along ``axis`` where ``condition`` (1-D) is true."""
    cnd = condition if isinstance(condition, GpuArray) else np.asarray(condition)
    if cnd.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    a = _arr(a)
    if axis is None:
        a, axis = _ravel(a), 0
    else:
        axis = _axis(axis, a.ndim)
    entry = _condition_indices(cnd, a.shape[axis])
    return _out(getitem(a, (slice(None),) * axis + (entry,)), out)


def extract(condition, arr):
    """The elements of ``arr`` (flattened) where the flattened ``condition`` is non-zero."""
    cnd = _ravel(condition) if isinstance(condition, GpuArray) else np.asarray(condition).reshape(-1)
    arr = _ravel(_arr(arr))
    entry = _condition_indices(cnd, arr.shape[0])
    return getitem(arr, (entry,))


# ----------------------------------------------------------------------- searchsorted
def _lt_body(ct) -> str:
    """WGSL body of lt(x, y): NumPy's sort order (NaNs last; complex lexicographic)."""
    if ct == dt.bool_:
        return "return !x && y;"
    if ct.kind in "iu":
        return "return x < y;"
    s = _codegen.SUFFIX[dt.wgsl_type(dt.real_of(ct))]
    if ct.kind == "f":
        return f"return x < y || (ga_isnan_{s}(y) && !ga_isnan_{s}(x));"
    return (f"let xr = ga_isnan_{s}(x.x); let yr = ga_isnan_{s}(y.x);\n"
            f"  let xi = ga_isnan_{s}(x.y); let yi = ga_isnan_{s}(y.y);\n"
            f"  if (x.x < y.x) {{ return !xi || yi; }}\n"
            f"  if (x.x > y.x) {{ return yi && !xi; }}\n"
            f"  if (x.x == y.x || (xr && yr)) {{ return x.y < y.y || (yi && !xi); }}\n"
            f"  return yr;")


def searchsorted(a, v, side="left", sorter=None):
    """Insertion points of ``v`` in the sorted 1-D ``a`` (binary search per value)."""
    if side not in ("left", "right"):
        raise ValueError(f"search side must be 'left' or 'right' (got {side!r})")
    a = _arr(a)
    if a.ndim != 1:
        raise ValueError("object too deep for desired array")
    if sorter is not None:
        a = take(a, sorter)
    v = as_operand(v)
    ct = dt.result_type(a, v)
    if not isinstance(v, GpuArray):
        v = asarray(v, dtype=ct)
    out_dt = dt.default_int()
    out = new_leaf(out_dt, v.shape)
    if v.size == 0:
        return GpuArray(out)
    al = a._leaf() if a.dtype == ct and not a.is_lazy else _materialize(a, ct)
    vl = contiguous(v) if v.dtype == ct else _materialize(v, ct)
    if al.storage.segs is not None or vl.storage.segs is not None or out.storage.segs is not None:
        _search_pieces(al, vl, out, side)
        return GpuArray(out)
    _search_into(al, vl, out, side)
    return GpuArray(out)


def _search_pieces(al: Leaf, vl: Leaf, out: Leaf, side) -> None:
    """searchsorted over arrays held in several buffers (see _kernels/windows.py). The values go
    in chunks whose values and results each lie in one buffer; ``a`` in pieces of one buffer each:
    ``a`` is sorted, so an insertion point in the whole is the sum of those in its pieces (elements
    before ``x``, or not after it, counted piece by piece)."""
    dev = _runtime.device()
    if al.storage.segs is not None and al.strides[0] != 1:
        al = _materialize(GpuArray(al), al.dtype)
    if vl.storage.segs is not None and vl.offset:
        vl = _materialize(GpuArray(vl), vl.dtype)
    n, m = al.shape[0], int(np.prod(vl.shape))
    vp = dev.seg_bytes // max(vl.dtype.itemsize, out.dtype.itemsize)
    pieces = [w for _, w in _windows.flat_pieces(al)] if al.storage.segs is not None else [al]
    for c0 in range(0, m, vp):
        c = min(vp, m - c0)
        v_w = _windows.window_leaf(Leaf(vl.storage, vl.dtype, (c,), (1,), vl.offset + c0))
        o_w = _windows.window_leaf(Leaf(out.storage, out.dtype, (c,), (1,), c0))
        if len(pieces) == 1:
            _search_into(pieces[0], v_w, o_w, side)
            continue
        parts = []
        for piece in pieces:
            part = new_leaf(out.dtype, (c,))
            _search_into(piece, v_w, part, side)
            parts.append(part)
        total = parts[0]
        for part in parts[1:]:
            total = Ew("add", out.dtype, (c,), (total, part), out.dtype)
        _codegen.evaluate_into(total, Leaf(out.storage, out.dtype, (c,), (1,), c0))


def _search_into(al: Leaf, vl: Leaf, out: Leaf, side) -> None:
    """One searchsorted kernel: the insertion points of ``vl``'s values in ``al`` into ``out``."""
    ct, out_dt = al.dtype, out.dtype
    lt = _lt_body(ct)
    w = dt.wgsl_type(ct)
    bindings = [[al.storage, ct, False], [vl.storage, ct, False], [out.storage, out_dt, True]]
    count = int(np.prod(vl.shape))
    params = np.array([count, al.shape[0], al.offset, al.strides[0] & 0xFFFFFFFF, vl.offset,
                       int(side == "right")], np.uint32).tobytes()
    dev = _runtime.device()

    def build():
        src = _wgsl_lib.template("searchsorted.wgsl").substitute(
            WG=_runtime.WORKGROUP, DECLS=_codegen.binding_decls(bindings),
            LOADS="\n".join(_codegen.load_fn(i, ct, False) for i in range(2)), T=w, LT=lt,
            HELPERS=_wgsl_lib.resolve(lt), OUT=dt.wgsl_type(out_dt))
        return "searchsorted", src, ["r", "r", "rw"], len(params)

    kern = dev.kernel(("searchsorted", ct.char, out_dt.char), build)
    dev.dispatch(kern, [al.storage, vl.storage, out.storage], params, _runtime.groups_for(count))


def _materialize(x: GpuArray, ct) -> Leaf:
    leaf = new_leaf(ct, x.shape)
    node = x._node
    _codegen.evaluate_into(node if node.dtype == ct else Cast(node, ct), leaf)
    return leaf


def _index_array(x) -> GpuArray:
    a = x if isinstance(x, GpuArray) else asarray(x)
    if a.dtype.kind not in "iu":
        raise TypeError("only int indices permitted")
    return a


def _dims(shape) -> tuple:
    return tuple(operator.index(n) for n in (shape if np.iterable(shape) else (shape,)))


def unravel_index(indices, shape, order="C"):
    """Flat indices into coordinate arrays (NumPy's); an index outside the shape raises
    ValueError (finding one reads one bool back)."""
    x = _index_array(indices)
    dims = _dims(shape)
    if order not in ("C", "F"):
        raise ValueError("only 'C' or 'F' order is permitted")
    size = 1
    for n in dims:
        size *= n
    if x.size and bool(rany(apply("logical_or", apply("less", x, 0), apply("greater_equal", x, size)))):
        raise ValueError(f"index out of bounds for array with size {size}")
    x = astype(x, dt.default_int(), copy=False)
    res, div = [None] * len(dims), 1
    for k in (range(len(dims) - 1, -1, -1) if order == "C" else range(len(dims))):
        c = apply("floor_divide", x, div) if div != 1 else x
        res[k] = apply("remainder", c, dims[k]) if dims[k] else c
        div *= dims[k]
    return tuple(res)


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Coordinate arrays into flat indices (NumPy's); ``mode`` 'raise' (an entry outside its
    dimension raises ValueError: one bool is read back), 'wrap' or 'clip', one or one per dim."""
    dims = _dims(dims)
    idx = [_index_array(i) for i in multi_index]
    if len(idx) != len(dims):
        raise ValueError(f"parameter multi_index must be a sequence of length {len(dims)}")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    if order not in ("C", "F"):
        raise ValueError("only 'C' or 'F' order is permitted")
    bad, res, mul = None, None, 1
    for k in (range(len(dims) - 1, -1, -1) if order == "C" else range(len(dims))):
        i, n, m = astype(idx[k], dt.default_int(), copy=False), dims[k], modes[k]
        if m == "raise":
            b = apply("logical_or", apply("less", i, 0), apply("greater_equal", i, n))
            bad = b if bad is None else apply("logical_or", bad, b)
        elif m == "wrap":
            i = apply("remainder", i, n)
        elif m == "clip":
            i = apply("minimum", apply("maximum", i, 0), n - 1)
        else:
            raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {m!r})")
        t = apply("multiply", i, mul) if mul != 1 else i
        res = t if res is None else apply("add", res, t)
        mul *= n
    if bad is not None and bad.size and bool(rany(bad)):
        raise ValueError("invalid entry in coordinates array")
    return res


def choose(a, choices, out=None, mode="raise"):
    """NumPy's ``choose``: ``choices[a[i]][i]`` with the index and choices broadcast together, as a
    chain of ``where`` over the choices (fused; one bounds check read back under mode='raise')."""
    a = as_operand(a)
    if not isinstance(a, GpuArray):
        a = asarray(np.asarray(a))
    if a.dtype.kind not in "biu" or (a.dtype.kind == "u" and a.dtype.itemsize == 8):
        raise TypeError(f"Cannot cast array data from dtype('{a.dtype}') to dtype('int64') according to the rule "
                        "'safe'")
    if isinstance(choices, GpuArray):
        choices = [choices[i] for i in range(choices.shape[0])] if choices.ndim else [choices]
    choices = [as_operand(c) for c in choices]
    n = len(choices)
    if n == 0:
        raise ValueError("0-length sequence.")
    if mode == "raise":
        if bool(rany(apply("logical_or", apply("less", a, 0), apply("greater_equal", a, n)))):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        a = apply("remainder", a, n)
    elif mode == "clip":
        a = apply("minimum", apply("maximum", a, 0), n - 1)
    else:
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    rt = np.result_type(*[c.dtype if isinstance(c, (GpuArray, np.ndarray, np.generic)) else c for c in choices])
    res = choices[-1]
    for i in range(n - 2, -1, -1):
        res = apply("where", apply("equal", a, i), choices[i], res)
    if n == 1:  # (the index's shape still broadcasts in)
        res = apply("where", apply("equal", a, 0), res, res)
    if res.dtype != rt:
        res = astype(res, rt, copy=False)
    if out is not None:
        assign(out, res)
        return out
    return res


__all__ = ["argwhere", "choose", "ravel_multi_index", "unravel_index", "compress", "extract", "flatnonzero", "nonzero", "put", "searchsorted", "take",
           "take_along_axis"]
