"""Matrix products: matmul, dot, vdot, tensordot, vecdot, inner, outer, trace, kron, einsum.

Every product and the reductions built on it run through one strided contraction,
``_kernels.matmul.contract_into(out, a, b)`` (the kernels and their tiling). The API functions
below only build views and return lazy products
(``_product.Product``): computed when read, an elementwise consumer applied by the product's kernel
as it stores each element (an epilogue, ``epi``), diagonals reduced without the product.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import from_host, GpuArray
from .._device import runtime as _runtime
from .._graph.nodes import Leaf, broadcast_shapes, broadcast_strides, contiguous_strides, new_leaf
from .._kernels.matmul import _merge, contract_into
from .._lazy.product import Product, diagonal_terms, lazy
from .creation import asarray
from .._lazy.elementwise import apply, assign, astype
from .._device.fallback import host_call
from .manipulation import _axis, broadcast_to, diagonal, moveaxis, permute_dims, ravel, reshape
from .reductions import any as rany, sum as _sum, sum as rsum

_MATMUL_SIG = "(n?,k),(k,m?)->(n?,m?)"
_VECDOT_SIG = "(n),(n)->()"


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _shape_str(shape) -> str:
    return str(tuple(shape)).replace(" ", "")


def _finish(res: GpuArray, out):
    if out is None:
        return res
    assign(out, res)
    return out


def _product(av: Leaf, bv: Leaf, ct, shape, cmap) -> GpuArray:
    """The product of the views ``av`` (batch + (M, K)) and ``bv`` (batch + (K, N)) as a lazy array of
    ``shape`` (``cmap``: the result dim of each contraction dim, see ``_product.Product``)."""
    shape = tuple(int(s) for s in shape)
    if math.prod(shape) == 0:
        return GpuArray(new_leaf(ct, shape))
    return lazy(Product(av, bv, ct, shape, cmap))


def _result(leaf: Leaf, shape) -> GpuArray:
    """The contiguous result buffer ``leaf`` seen with ``shape`` (its size-1 core dims dropped)."""
    shape = tuple(shape)
    return GpuArray(Leaf(leaf.storage, leaf.dtype, shape, contiguous_strides(shape), leaf.offset))


@_runtime.locked
def _unit(dtype, shape) -> Leaf:
    """A view of the value 1 (of ``dtype``) broadcast to ``shape``: the operand of sum-like reductions."""
    consts = _runtime.device().consts
    st = consts.get(("unit", dtype))
    if st is None:
        st = consts[("unit", dtype)] = _runtime.device().upload(np.ones(max(1, 4 // dtype.itemsize), dtype))
    return Leaf(st, dtype, shape, (0,) * len(shape), 0)


def sum_dtype(d):
    """NumPy's accumulator dtype for sum-like reductions (trace): small integers widen."""
    if d == dt.bool_ or (d.kind == "i" and d.itemsize < 8):
        return dt.default_int()
    if d.kind == "u" and d.itemsize < 8:
        return dt.canonical(dt.uint64)
    return d


def reduce_axes(x, axes, op: str, ct, *, square: bool = False) -> GpuArray:
    """Sum ('sum'), maximum ('max') or minimum ('min') of ``x`` over ``axes`` in dtype ``ct``, kept
    dims in order; with square=True the sum is of x * x. One contraction dispatch: x against a
    broadcast unit (or against itself)."""
    x = _arr(x)
    axes = tuple(a % x.ndim for a in axes) if x.ndim else ()
    keep = [i for i in range(x.ndim) if i not in axes]
    leaf = x._leaf()
    K = int(np.prod([leaf.shape[i] for i in axes], dtype=np.int64))
    kdims = _merge([leaf.shape[i] for i in axes], [leaf.strides[i] for i in axes]) if K else []
    if len(kdims) > 1:  # the reduced dims are not one stride walk: lay them out last, contiguously
        leaf = permute_dims(x, keep + list(axes)).copy()._leaf()
        keep, axes = list(range(len(keep))), tuple(range(len(keep), x.ndim))
        kdims = _merge([leaf.shape[i] for i in axes], [leaf.strides[i] for i in axes])
    sk = kdims[0][1][0] if kdims else 0
    if K == 0 and op != "sum":
        name = "maximum" if op == "max" else "minimum"
        raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
    kept = [leaf.shape[i] for i in keep]
    kst = [leaf.strides[i] for i in keep]
    a = Leaf(leaf.storage, leaf.dtype, kept + [1, K], kst + [0, sk], leaf.offset)
    if square:
        b = Leaf(leaf.storage, leaf.dtype, kept + [K, 1], kst + [sk, 0], leaf.offset)
    else:
        b = _unit(ct, kept + [K, 1])
    res = new_leaf(ct, kept + [1, 1])
    contract_into(res, a, b, "dot" if op == "sum" else op)
    return _result(res, kept)


# ---------------------------------------------------------------------------- products
def matmul(x1, x2, /, out=None, *, dtype=None, casting="same_kind", order="K", subok=True, **kw):
    """Matrix product with NumPy's rules: batch dims broadcast, 1-D operands gain and then lose
    a core dim. One dispatch; transposed or sliced operands are read in place."""
    a, b = _arr(x1), _arr(x2)
    for i, x in enumerate((a, b)):
        if x.ndim == 0:
            raise ValueError(f"matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core "
                             f"with signature {_MATMUL_SIG} requires 1)")
    ct = dt.normalize(dtype) if dtype is not None else dt.result_type(a.dtype, b.dtype)
    la, lb = a._leaf(), b._leaf()
    ash, ast = ((1,) + la.shape, (0,) + la.strides) if a.ndim == 1 else (la.shape, la.strides)
    bsh, bst = (lb.shape + (1,), lb.strides + (0,)) if b.ndim == 1 else (lb.shape, lb.strides)
    if ash[-1] != bsh[-2]:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                         f"{_MATMUL_SIG} (size {bsh[-2]} is different from {ash[-1]})")
    M, K, N = ash[-2], ash[-1], bsh[-1]
    core = ((M,) if a.ndim > 1 else ()) + ((N,) if b.ndim > 1 else ())
    try:
        batch = broadcast_shapes(ash[:-2], bsh[:-2])
    except ValueError:
        remap = " ".join(f"{_shape_str(x.shape)}->({','.join([str(d) for d in x.shape[:-2]] + ['newaxis'] * min(x.ndim, 2))})"
                         for x in (a, b))
        raise ValueError(f"operands could not be broadcast together with remapped shapes [original->remapped]: "
                         f"{remap}  and requested shape {_shape_str(core)}") from None
    av = Leaf(la.storage, la.dtype, batch + (M, K), broadcast_strides(ash[:-2], ast[:-2], batch) + ast[-2:], la.offset)
    bv = Leaf(lb.storage, lb.dtype, batch + (K, N), broadcast_strides(bsh[:-2], bst[:-2], batch) + bst[-2:], lb.offset)
    nb = len(batch)
    cmap = list(range(nb)) + [nb if a.ndim > 1 else None, nb + (a.ndim > 1) if b.ndim > 1 else None]
    return _finish(_product(av, bv, ct, batch + core, cmap), out)


def _tensordot(a: GpuArray, b: GpuArray, a_con, b_con, ct) -> GpuArray:
    """Contract dims a_con of a with b_con of b; result dims: a's free ones, then b's."""
    a_con, b_con = list(a_con), list(b_con)
    la, lb = a._leaf(), b._leaf()
    a_free = [i for i in range(a.ndim) if i not in a_con]
    b_free = [i for i in range(b.ndim) if i not in b_con]
    K = int(np.prod([la.shape[i] for i in a_con], dtype=np.int64))
    kdims = _merge([la.shape[i] for i in a_con], [la.strides[i] for i in a_con], [lb.strides[j] for j in b_con]) if K else []
    if len(kdims) > 1:  # no single stride walks the contracted dims: lay them out contiguously
        a = permute_dims(a, a_free + a_con).copy()
        b = permute_dims(b, b_con + b_free).copy()
        na, nk = len(a_free), len(a_con)
        return _tensordot(a, b, range(na, na + nk), range(nk), ct)
    sak, sbk = kdims[0][1] if kdims else (0, 0)
    na, nb = len(a_free), len(b_free)
    shape = [la.shape[i] for i in a_free] + [lb.shape[j] for j in b_free]
    # the last free dim of each operand is the matrix dim; the others are batch dims
    M, sam = (la.shape[a_free[-1]], la.strides[a_free[-1]]) if na else (1, 0)
    N, sbn = (lb.shape[b_free[-1]], lb.strides[b_free[-1]]) if nb else (1, 0)
    ab, bb = a_free[:-1], b_free[:-1]
    batch = [la.shape[i] for i in ab] + [lb.shape[j] for j in bb]
    av = Leaf(la.storage, la.dtype, batch + [M, K], [la.strides[i] for i in ab] + [0] * len(bb) + [sam, sak], la.offset)
    bv = Leaf(lb.storage, lb.dtype, batch + [K, N], [0] * len(ab) + [lb.strides[j] for j in bb] + [sbk, sbn], lb.offset)
    # result dims: a's free ones, then b's; contraction dims: a's batch, b's batch, M, N
    cmap = list(range(max(na - 1, 0))) + list(range(na, na + max(nb - 1, 0))) + [na - 1 if na else None,
                                                                                na + nb - 1 if nb else None]
    return _product(av, bv, ct, shape, cmap)


def _multiply(a, b):
    return apply("multiply", a, b)


def dot(a, b, out=None):
    """NumPy's dot: the sum product over a's last axis and b's second-to-last (or only) axis."""
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return _finish(_multiply(a, b), out)
    ia, ib = a.ndim - 1, max(b.ndim - 2, 0)
    if a.shape[ia] != b.shape[ib]:
        raise ValueError(f"shapes {_shape_str(a.shape)} and {_shape_str(b.shape)} not aligned: "
                         f"{a.shape[ia]} (dim {ia}) != {b.shape[ib]} (dim {ib})")
    return _finish(_tensordot(a, b, [ia], [ib], dt.result_type(a.dtype, b.dtype)), out)


def inner(a, b, /):
    """Sum product over the last axes of a and b."""
    a, b = _arr(a), _arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return _multiply(a, b)
    ia, ib = a.ndim - 1, b.ndim - 1
    if a.shape[ia] != b.shape[ib]:
        raise ValueError(f"shapes {_shape_str(a.shape)} and {_shape_str(b.shape)} not aligned: "
                         f"{a.shape[ia]} (dim {ia}) != {b.shape[ib]} (dim {ib})")
    return _tensordot(a, b, [ia], [ib], dt.result_type(a.dtype, b.dtype))


def _conj_if_complex(x: GpuArray) -> GpuArray:
    if x.dtype.kind != "c":
        return x
    return apply("conj", x)


def vdot(a, b, /):
    """Dot product of the flattened arrays, conjugating the first."""
    a, b = ravel(_arr(a)), ravel(_arr(b))
    if a.size != b.size:
        raise ValueError(f"cannot reshape array of size {b.size} into shape ({a.size},)")
    return _tensordot(_conj_if_complex(a), b, [0], [0], dt.result_type(a.dtype, b.dtype))


def tensordot(a, b, /, axes=2):
    """Sum products over the given axes (an int N: a's last N with b's first N)."""
    a, b = _arr(a), _arr(b)
    if isinstance(axes, (int, np.integer)):
        n = operator.index(axes)
        if n < 0 or n > a.ndim or n > b.ndim:
            raise ValueError("shape-mismatch for sum")
        a_con, b_con = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        xa, xb = axes
        a_con = [xa] if isinstance(xa, (int, np.integer)) else list(xa)
        b_con = [xb] if isinstance(xb, (int, np.integer)) else list(xb)
        if len(a_con) != len(b_con):
            raise ValueError("shape-mismatch for sum")
        a_con = [operator.index(i) % a.ndim if a.ndim else i for i in a_con]
        b_con = [operator.index(i) % b.ndim if b.ndim else i for i in b_con]
    if any(a.shape[i] != b.shape[j] for i, j in zip(a_con, b_con)):
        raise ValueError("shape-mismatch for sum")
    return _tensordot(a, b, a_con, b_con, dt.result_type(a.dtype, b.dtype))


def vecdot(x1, x2, /, *, axis=-1):
    """sum(conj(x1) * x2) along ``axis``, other dims broadcast (one dispatch)."""
    a, b = _arr(x1), _arr(x2)
    for i, x in enumerate((a, b)):
        if x.ndim == 0:
            raise ValueError(f"vecdot: Input operand {i} does not have enough dimensions (has 0, gufunc core "
                             f"with signature {_VECDOT_SIG} requires 1)")
    a = moveaxis(a, _axis(axis, a.ndim), -1)
    b = moveaxis(b, _axis(axis, b.ndim), -1)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"vecdot: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                         f"{_VECDOT_SIG} (size {b.shape[-1]} is different from {a.shape[-1]})")
    ct = dt.result_type(a.dtype, b.dtype)
    la, lb = _conj_if_complex(a)._leaf(), b._leaf()
    batch = broadcast_shapes(la.shape[:-1], lb.shape[:-1])
    K = la.shape[-1]
    av = Leaf(la.storage, la.dtype, batch + (1, K), broadcast_strides(la.shape[:-1], la.strides[:-1], batch) + (0, la.strides[-1]), la.offset)
    bv = Leaf(lb.storage, lb.dtype, batch + (K, 1), broadcast_strides(lb.shape[:-1], lb.strides[:-1], batch) + (lb.strides[-1], 0), lb.offset)
    return _product(av, bv, ct, batch, list(range(len(batch))) + [None, None])


def outer(a, b, out=None):
    """out[i, j] = a.ravel()[i] * b.ravel()[j] (an elementwise kernel over broadcast views)."""
    a, b = _arr(a), _arr(b)
    return _finish(_multiply(reshape(a, (-1, 1)), reshape(b, (1, -1))), out)


def matrix_transpose(x, /):
    """Swap the last two axes (a view)."""
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError(f"Input array must be at least 2-dimensional, but it is {x.ndim}")
    return x.mT


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """Sum along a diagonal (small integer types accumulate in the default integer, like NumPy)."""
    a = _arr(a)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    ct = dt.normalize(dtype) if dtype is not None else sum_dtype(a.dtype)
    node = a._node
    if isinstance(node, Product) and ct == node.dtype:
        a1, a2 = _axis(axis1, a.ndim), _axis(axis2, a.ndim)
        terms = diagonal_terms(node, operator.index(offset), a1, a2) if a1 != a2 and ct != dt.bool_ else None
        if terms is not None:  # sum over (i, k) of X[i, k] * Y[k, i]: one reduction, no product
            return _finish(_sum(terms, axis=(-2, -1), dtype=ct), out)
    d = diagonal(a, offset=offset, axis1=axis1, axis2=axis2)
    return _finish(reduce_axes(d, (d.ndim - 1,), "sum", ct), out)


def trace_method(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    return trace(self, offset, axis1, axis2, dtype, out)


def kron(a, b, /):
    """Kronecker product: an elementwise product of interleaved broadcast views, then a reshape."""
    a, b = _arr(a), _arr(b)
    nd = max(a.ndim, b.ndim)
    ash = (1,) * (nd - a.ndim) + a.shape
    bsh = (1,) * (nd - b.ndim) + b.shape
    av = reshape(a, [d for n in ash for d in (n, 1)])
    bv = reshape(b, [d for n in bsh for d in (1, n)])
    return reshape(_multiply(av, bv), tuple(x * y for x, y in zip(ash, bsh)))


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _einsum_parse(subscripts, shapes):
    """(input label strings, output labels) with ``...`` spelled out in unused letters, or None
    for a form handled by NumPy (operands given as interleaved lists, bad syntax)."""
    if not isinstance(subscripts, str):
        return None
    sub = subscripts.replace(" ", "")
    lhs, arrow, rhs = sub.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(shapes) or any(c not in _LETTERS + ".," for c in lhs) or (arrow and any(
            c not in _LETTERS + "." for c in rhs)):
        return None
    free = [c for c in _LETTERS if c not in sub]
    n_ell = 0
    for t, sh in zip(ins, shapes):
        if "..." in t:
            n_ell = max(n_ell, len(sh) - (len(t) - 3))
    ell = "".join(free[:n_ell]) if n_ell <= len(free) else None
    if ell is None:
        return None
    out_ins = []
    for t, sh in zip(ins, shapes):
        if "..." in t:
            k = len(sh) - (len(t) - 3)
            if k < 0 or t.count("...") != 1:
                return None
            t = t.replace("...", ell[n_ell - k:] if k else "")
        if "." in t or len(t) != len(sh):
            return None
        out_ins.append(t)
    if arrow:
        if rhs.count("...") > 1:
            return None
        out = rhs.replace("...", ell)
        if "." in out or len(set(out)) != len(out) or any(c not in "".join(out_ins) for c in out):
            return None
    else:
        joined = "".join(out_ins)
        out = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))
    return out_ins, out


def _einsum_device(subscripts, operands, dtype, casting):
    """einsum as one fused reduction: each operand (diagonals taken for repeated labels) viewed
    over all labels, their broadcast product summed over the labels not in the output; the
    reduction reads the product inside its kernel, so nothing of the full label space is stored.
    None where NumPy must do it."""
    ops = [_arr(o) for o in operands]
    parsed = _einsum_parse(subscripts, [o.shape for o in ops])
    if parsed is None:
        return None
    ins, out = parsed
    rt = dt.result_type(*ops) if dtype is None else dt.normalize(dtype)
    sizes = {}
    views = []
    for t, o in zip(ins, ops):
        if not np.can_cast(o.dtype, rt, casting=casting):
            raise TypeError(f"Cannot cast array data from dtype('{o.dtype}') to dtype('{rt}') according to the "
                            f"rule '{casting}'")
        labels = list(t)
        # repeated labels: the diagonal (it moves to the last axis)
        while len(set(labels)) != len(labels):
            c = next(c for c in labels if labels.count(c) > 1)
            i = labels.index(c)
            j = labels.index(c, i + 1)
            if o.shape[i] != o.shape[j]:
                raise ValueError(f"dimensions in operand for collapsing index '{c}' don't match "
                                 f"({o.shape[i]} != {o.shape[j]})")
            o = diagonal(o, axis1=i, axis2=j)
            labels = [x for k, x in enumerate(labels) if k not in (i, j)] + [c]
        for c, n in zip(labels, o.shape):
            if sizes.get(c, n) != n and n != 1 and sizes[c] != 1:
                raise ValueError(f"operands could not be broadcast together with remapped shapes: label '{c}' "
                                 f"has sizes {sizes[c]} and {n}")
            sizes[c] = n if sizes.get(c, 1) == 1 else sizes[c]
        views.append((labels, o))
    if len(views) == 2 and rt != dt.bool_ and all(len(lb) == len(t) for (lb, _), t in zip(views, ins)):
        (la, a), (lb, b) = views
        shared = [c for c in la if c in lb]
        if (not any(c in out for c in shared) and set(out) == set(la) ^ set(lb)
                and all(a.shape[la.index(c)] == b.shape[lb.index(c)] for c in shared)):
            # a plain contraction: the matmul kernels (tensordot), then the output's axis order
            a = a if a.dtype == rt else astype(a, rt)
            b = b if b.dtype == rt else astype(b, rt)
            r = tensordot(a, b, axes=([la.index(c) for c in shared], [lb.index(c) for c in shared]))
            rl = [c for c in la if c not in shared] + [c for c in lb if c not in shared]
            perm = [rl.index(c) for c in out]
            return permute_dims(r, perm) if perm != list(range(len(perm))) else r
    order = list(out) + [c for c in sizes if c not in out]
    terms = []
    for labels, o in views:
        perm = [labels.index(c) for c in order if c in labels]
        o = permute_dims(o, perm) if perm != list(range(len(perm))) else o
        shape = [o.shape[[c for c in order if c in labels].index(c)] if c in labels else 1 for c in order]
        o = reshape(o, shape) if tuple(shape) != o.shape else o
        terms.append(o if o.dtype == rt else astype(o, rt))
    prod = terms[0]
    for t in terms[1:]:
        prod = apply("multiply", prod, t)
    full = tuple(sizes[c] for c in order)
    if prod.shape != full:
        prod = broadcast_to(prod, full)
    k = len(out)
    if len(order) > k:  # (bool: NumPy's sum of products is a logical or of ands)
        axes = tuple(range(k, len(order)))
        res = rany(prod, axis=axes) if rt == dt.bool_ else rsum(prod, axis=axes, dtype=rt)
    else:
        res = prod
    if res.dtype != rt:
        res = astype(res, rt)
    return res


def einsum(subscripts, *operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    """Einstein summation on the device (one fused reduction over the broadcast product); the
    interleaved form (``einsum(a, [0, 1], b, [1, 2], [0, 2])``) is its subscripts string; bool
    operands fold with logical or, as NumPy's; subscripts NumPy alone parses run on the host
    through NumPy as a counted fallback."""
    if not isinstance(subscripts, str):
        parsed = _interleaved(subscripts, operands)
        if parsed is not None:
            subscripts, operands = parsed
    if operands and all(isinstance(o, (GpuArray, np.ndarray)) for o in operands):
        res = _einsum_device(subscripts, operands, dtype, casting)
        if res is not None:
            return _finish(res, out)
    kwargs = {"dtype": dtype, "order": order, "casting": casting, "optimize": optimize}
    host = [o.get() if isinstance(o, GpuArray) else o for o in operands]
    res = np.asarray(host_call(np.einsum, "einsum", [subscripts, *host], kwargs))
    return _finish(from_host(res.astype(dt.canonical(res.dtype), copy=False)), out)


def _interleaved(first, rest):
    """(subscripts, operands) of NumPy's interleaved einsum arguments (operand, sublist, ...,
    [output sublist]), or None where a sublist is not NumPy's (ints in [0, 52) and Ellipsis)."""
    args = (first,) + tuple(rest)
    ops, subs = list(args[0::2]), list(args[1::2])
    out = None
    if len(ops) > len(subs):  # an odd count: the last item is the output sublist
        out = ops.pop()
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def word(sub):
        try:
            return "".join("..." if k is Ellipsis else letters[operator.index(k)] for k in sub)
        except (TypeError, IndexError):
            return None

    words = [word(sb) for sb in subs]
    if any(w is None for w in words) or (out is not None and word(out) is None):
        return None
    spec = ",".join(words) + ("->" + word(out) if out is not None else "")
    return spec, tuple(ops)


__all__ = ["dot", "einsum", "inner", "kron", "matmul", "matrix_transpose", "outer", "tensordot", "trace", "vdot",
           "vecdot"]
