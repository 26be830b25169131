"""Reductions and scans (sum, mean, var, argmax, cumsum, ...), NumPy semantics.

Each reduction reads its input's expression inside the reduction kernel (see
``_kernels.reduce``): ``mean((x - m) ** 2)`` reads ``x`` once and allocates nothing but the
result. var/std are two reductions: the mean (a small array), then the sum of squared
deviations, whose expression reads the mean as a broadcast operand.

Complex values: sum/prod/mean/cumsum/cumprod work in complex arithmetic; max/min/argmax/argmin
order complex values lexicographically (real part, then imaginary), a NaN in either part winning,
as NumPy does.
"""
from __future__ import annotations

import builtins
import operator
import warnings

import numpy as np
from numpy.exceptions import AxisError

from .._graph import dtypes as dt
from .._kernels import reduce as rc
from .._lazy.array import GpuArray
from .._graph.nodes import MAX_REDUCE_NODES, Cast, contiguous_strides, new_leaf
from .._graph.memo import Memo
from .creation import asarray
from .._lazy import reduce_queue
from .._lazy.elementwise import apply, assign, check_writeable, flush_readers
from .indexing import basic_view
from .manipulation import broadcast_to, reshape


# ------------------------------------------------------------------------- arguments
def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _node(x: GpuArray):
    """The input's expression, evaluated first when it is too large for one kernel, or when it
    holds a random draw: the array is then computed once and later reductions and elementwise
    uses read it, as a NumPy user expects (`X = rng.random(...)` is one draw, used many times)."""
    n = x._node
    if n.size_ > MAX_REDUCE_NODES or n.under_costly:
        return x._leaf()
    return n


def _axes(axis, ndim) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        axes = []
        for a in axis:
            a = operator.index(a)
            if not -ndim <= a < ndim:
                raise AxisError(a, ndim)
            axes.append(a % ndim)
        if len(set(axes)) != len(axes):
            raise ValueError("duplicate value in 'axis'")
        return tuple(sorted(axes))
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"'{type(axis).__name__}' object cannot be interpreted as an integer") from None
    if not -ndim <= a < ndim:
        raise AxisError(a, ndim)
    return (a % ndim,)


def _result_shape(shape, axes, keepdims) -> tuple:
    if keepdims:
        return tuple(1 if d in axes else n for d, n in enumerate(shape))
    return tuple(n for d, n in enumerate(shape) if d not in axes)


def _sum_dtype(t: np.dtype) -> np.dtype:
    """NumPy's sum/prod/cumsum type: small integers and bool widen to the default (u)int."""
    if t.kind == "b" or (t.kind == "i" and t.itemsize < 8):
        return dt.canonical(dt.int64)
    if t.kind == "u" and t.itemsize < 8:
        return dt.canonical(dt.uint64)
    return t


def _acc_of(t: np.dtype) -> np.dtype:
    """Accumulator dtype for a result dtype: sub-word integers fold in 32 bits (wrapped on store,
    which gives the same result for + and *)."""
    if t.kind == "i" and t.itemsize < 4:
        return dt.int32
    if t.kind == "u" and t.itemsize < 4:
        return dt.uint32
    return t


def _check_out(out, shape, fname):
    if out is None:
        return
    if not isinstance(out, GpuArray):
        raise TypeError(f"{fname}: out must be a GpuArray, not {type(out).__name__}")
    if out.ndim != len(shape):
        raise ValueError(f"output parameter for reduction operation {fname} has the wrong number of dimensions: "
                         f"Found {out.ndim} but expected {len(shape)}")
    if out.shape != tuple(shape):
        raise ValueError(f"output parameter for reduction operation {fname} has a non-reducible dimension")


def _target(root, shape, axes, keepdims, dtype, out):
    """(leaf written, its strides over the input's axes, the array returned, writeback)."""
    rshape = _result_shape(shape, axes, keepdims)
    if out is not None:
        leaf = out._leaf()
        check_writeable(leaf)
        if leaf.storage not in root.storages:
            flush_readers(leaf.storage, exclude=out)
            return leaf, _strides_over(shape, axes, keepdims, leaf.strides), out, None
    leaf = new_leaf(dtype, rshape)
    return leaf, _FRESH_STRIDES[shape, axes, keepdims], GpuArray(leaf), out


# a fresh (contiguous) result's strides over the input's axes, per (input shape, axes, keepdims):
# loops reduce the same shapes every step
_FRESH_STRIDES = Memo(lambda shape, axes, keepdims: _strides_over(
    shape, axes, keepdims, contiguous_strides(_result_shape(shape, axes, keepdims))))


def _strides_over(shape, axes, keepdims, strides):
    res, it = [], iter(strides)
    for d in range(len(shape)):
        if d in axes:
            res.append(0)
            if keepdims:
                next(it)
        else:
            res.append(next(it))
    return tuple(res)


def _done(res, writeback):
    if writeback is None:
        return res
    assign(writeback, res)
    return writeback


# bool accumulators are carried as u32 0/1: the H200's compiler mishandles bool values in
# workgroup memory (any/all/max of bool gave False); max/min of 0/1 are or/and
_BOOL_AS_U32 = {"logical_or": "maximum", "logical_and": "minimum", "maximum": "maximum", "minimum": "minimum",
                "fmax": "maximum", "fmin": "minimum", "argmax": "argmax", "argmin": "argmin"}


def _reduce(x: GpuArray, root, axes, monoid, acc, dtype, keepdims, out, fname, **kw):
    if out is not None:
        _check_out(out, _result_shape(x.shape, axes, keepdims), fname)
    if acc == dt.bool_ and monoid in _BOOL_AS_U32:
        root = Cast(root if root.dtype == dt.bool_ else Cast(root, dt.bool_), dt.uint32)
        monoid, acc = _BOOL_AS_U32[monoid], dt.uint32
    leaf, ostr, res, wb = _target(root, x.shape, axes, keepdims, dtype, out)
    # a fresh result buffer (not the caller's `out`) may wait to share a kernel with sibling reductions
    reduce_queue.reduce_into(root, axes, monoid, acc, leaf, ostr, defer=out is None or wb is not None, **kw)
    return _done(res, wb)


def _masked(x: GpuArray, where, fill):
    """x where the mask holds, ``fill`` elsewhere (broadcast to x's shape), as an expression."""
    m = _arr(where)
    if m.dtype != dt.bool_:
        m = GpuArray(Cast(_node(m), dt.bool_))
    res = apply("where", m, x, fill)
    if res.shape != x.shape:
        raise ValueError(f"where mask of shape {m.shape} does not broadcast to the array's shape {x.shape}")
    return res if res.dtype == x.dtype else GpuArray(Cast(res._node, x.dtype))


# ----------------------------------------------------------------------- sum and prod
def _sum_like(monoid, a, axis, dtype, out, keepdims, initial, where, fname):
    x = _arr(a)
    axes = _axes(axis, x.ndim)
    if dtype is not None:
        rt = dt.normalize(dtype)
    elif out is not None:
        rt = out.dtype
    else:
        rt = _sum_dtype(x.dtype)
    if where is not None and where is not True:
        x = _masked(x, where, 0 if monoid == "add" else 1)
    root = _node(x)
    init = None if initial is None else _scalar_of(initial, _acc_of(rt))
    return _reduce(x, root, axes, monoid, _acc_of(rt), rt, keepdims, out, fname, initial=init)


def _scalar_of(v, t):
    if isinstance(v, GpuArray):
        v = v.get().item()
    if t.kind == "c":
        return complex(v)
    return np.array(v).astype(t).item()


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum over the given axes (NumPy's ``sum``; ints and bool widen to the default int)."""
    return _sum_like("add", a, axis, dtype, out, keepdims, initial, where, "add")


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Product over the given axes (NumPy's ``prod``)."""
    return _sum_like("multiply", a, axis, dtype, out, keepdims, initial, where, "multiply")


# -------------------------------------------------------------------------- min / max
def _minmax(monoid, a, axis, out, keepdims, initial, where, fname):
    x = _arr(a)
    axes = _axes(axis, x.ndim)
    n_red = _count(x.shape, axes)
    if where is not None and where is not True:
        if initial is None:
            raise ValueError(f"reduction operation '{fname}' does not have an identity, so to use a where mask "
                             "one has to specify 'initial'")
        x = _masked(x, where, _scalar_of(initial, x.dtype))
    if n_red == 0 and initial is None:
        raise ValueError(f"zero-size array to reduction operation {fname} which has no identity")
    init = None if initial is None else _scalar_of(initial, _acc_of(x.dtype))
    return _reduce(x, _node(x), axes, monoid, _acc_of(x.dtype), x.dtype, keepdims, out, fname, initial=init)


def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest element (NaN propagates, like NumPy's ``max``)."""
    return _minmax("maximum", a, axis, out, keepdims, initial, where, "maximum")


def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest element (NaN propagates, like NumPy's ``min``)."""
    return _minmax("minimum", a, axis, out, keepdims, initial, where, "minimum")


amax, amin = max, min


def _count(shape, axes) -> int:
    n = 1
    for d in axes:
        n *= shape[d]
    return n


# ---------------------------------------------------------------------------- any/all
def _logical(monoid, a, axis, out, keepdims, where, fname):
    x = _arr(a)
    axes = _axes(axis, x.ndim)
    root = _node(x)
    if where is not None and where is not True:
        xb = GpuArray(Cast(root, dt.bool_)) if x.dtype != dt.bool_ else x
        root = _node(_masked(xb, where, monoid == "logical_and"))
    return _reduce(x, root, axes, monoid, dt.bool_, dt.bool_, keepdims, out, fname)


def any(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether any element along the axes is true (nonzero)."""
    return _logical("logical_or", a, axis, out, keepdims, where, "logical_or")


def all(a, axis=None, out=None, keepdims=False, *, where=None):
    """Whether every element along the axes is true (nonzero)."""
    return _logical("logical_and", a, axis, out, keepdims, where, "logical_and")


def bitwise_reduce(monoid, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """``bitwise_and/or/xor.reduce`` of integers in their own dtype; ``logical_xor`` (any input:
    whether an odd number of elements is true) as the xor of 0/1 words."""
    x = _arr(a)
    axes = _axes(axis, x.ndim)
    if monoid == "logical_xor" or x.dtype == dt.bool_:
        b = x if x.dtype == dt.bool_ else GpuArray(Cast(_node(x), dt.bool_))
        if monoid == "bitwise_and" or monoid == "bitwise_or":
            return _logical("logical_and" if monoid == "bitwise_and" else "logical_or", b, axis, out, keepdims,
                            where, monoid)
        if where is not None and where is not True:
            b = _masked(b, where, False)
        root = Cast(_node(b), dt.uint32)
        leaf, ostr, res, wb = _target(root, b.shape, axes, keepdims, dt.uint32, None)
        reduce_queue.reduce_into(root, axes, "bitwise_xor", dt.uint32, leaf, ostr, defer=True)
        r = GpuArray(Cast(res._node, dt.bool_))
        if initial is not None and bool(initial):
            r = apply("logical_not", r)
        if out is not None:
            assign(out, r)
            return out
        return r
    if x.dtype.kind not in "iu":
        raise TypeError(f"ufunc '{monoid}' not supported for the input types")
    ones = -1 if x.dtype.kind == "i" else np.iinfo(x.dtype).max
    if where is not None and where is not True:
        x = _masked(x, where, ones if monoid == "bitwise_and" else 0)
    init = None if initial is None else _scalar_of(initial, _acc_of(x.dtype))
    return _reduce(x, _node(x), axes, monoid, _acc_of(x.dtype), x.dtype, keepdims, out, monoid, initial=init)


def count_nonzero(a, axis=None, *, keepdims=False):
    """Number of nonzero elements along the axes (default int)."""
    x = _arr(a)
    axes = _axes(axis, x.ndim)
    root = Cast(_node(x), dt.bool_) if x.dtype != dt.bool_ else _node(x)
    rt = dt.default_int()
    return _reduce(x, root, axes, "add", rt, rt, keepdims, None, "add")


# ---------------------------------------------------------------------- mean var std
def _float_type(t, dtype):
    if dtype is not None:
        return dt.normalize(dtype)
    return t if t.kind in "fc" else dt.default_float()


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Arithmetic mean (integers average in the default float; float32 stays float32)."""
    x = _arr(a)
    axes = _axes(axis, x.ndim)
    rt = _float_type(x.dtype, dtype)
    if where is not None and where is not True:
        xm = _masked(x, where, 0)
        s = _reduce(xm, _node(xm), axes, "add", _acc_of(rt), rt, keepdims, None, "add")
        mask = _arr(where)
        cnt = count_nonzero(broadcast_to(mask, x.shape), axis=axes, keepdims=keepdims)
        res = apply("divide", s, cnt)
        res = res if res.dtype == rt else GpuArray(Cast(res._node, rt))
        if out is not None:
            assign(out, res)
            return out
        return res
    n = _count(x.shape, axes)
    if n == 0:
        warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=2)
    # NumPy averages float16 in float32 unless a dtype is given (a float16 count overflows past 65504)
    acc = dt.float32 if rt == dt.float16 and dtype is None else _acc_of(rt)
    return _reduce(x, _node(x), axes, "add", acc, rt, keepdims, out, "add", post="div", post_value=n)


def _ddof(ddof, correction):
    if correction is not None:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        return correction
    return ddof


def _var(a, axis, dtype, out, ddof, keepdims, mean_, post):
    x = _arr(a)
    axes = _axes(axis, x.ndim)
    ct = _float_type(x.dtype, dtype)
    rt = dt.real_of(ct)
    n = _count(x.shape, axes)
    m = mean(x, axis=axes, dtype=ct, keepdims=True) if mean_ is None else _arr(mean_)
    dev = apply("subtract", x, m)
    sq = _abs_squared(dev, rt)
    denom = builtins.max(n - ddof, 0)
    if denom <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=3)
    return _reduce(x, _node(sq), axes, "add", _acc_of(rt), rt, keepdims, out, "add", post=post,
                   post_value=float(denom))


def _abs_squared(dev: GpuArray, rt) -> GpuArray:
    """|dev|^2 in the real type ``rt`` (complex deviations: re^2 + im^2)."""
    if dev.dtype.kind == "c":
        sq = apply("add", apply("square", apply("real", dev)), apply("square", apply("imag", dev)))
    else:
        sq = apply("multiply", dev, dev)
    return GpuArray(Cast(sq._node, rt)) if sq.dtype != rt else sq


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None, correction=None):
    """Variance: mean of squared deviations, divided by ``n - ddof`` (``correction`` is the array API name)."""
    if where is not None and where is not True:
        raise NotImplementedError("var: where= is not supported")
    return _var(a, axis, dtype, out, _ddof(ddof, correction), keepdims, mean, "div")


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None, correction=None):
    """Standard deviation: the square root of ``var``."""
    if where is not None and where is not True:
        raise NotImplementedError("std: where= is not supported")
    return _var(a, axis, dtype, out, _ddof(ddof, correction), keepdims, mean, "div_sqrt")


# ------------------------------------------------------------------------ argmin/max
def _arg(monoid, a, axis, out, keepdims, fname):
    x = _arr(a)
    if axis is None:
        axes = tuple(range(x.ndim))
    else:
        axes = _axes(operator.index(axis), x.ndim)
    if _count(x.shape, axes) == 0:
        raise ValueError(f"attempt to get {fname} of an empty sequence")
    acc = dt.uint32 if x.dtype == dt.bool_ else _acc_of(x.dtype)  # bool values compare as 0/1
    return _reduce(x, _node(x), axes, monoid, acc, dt.default_int(), keepdims, out, fname)


def argmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first largest element (the first NaN if any), flat over all axes when axis is None."""
    return _arg("argmax", a, axis, out, keepdims, "argmax")


def argmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first smallest element (the first NaN if any)."""
    return _arg("argmin", a, axis, out, keepdims, "argmin")


# ----------------------------------------------------------------------------- scans
def _scan(monoid, a, axis, dtype, out, include_initial, fname, in_order=False):
    x = _arr(a)
    rt = dt.normalize(dtype) if dtype is not None else _sum_dtype(x.dtype)
    root = _node(x)
    if axis is None:
        axes = tuple(range(x.ndim))
        n = x.size
        shape = (n + 1,) if include_initial else (n,)
        leaf = new_leaf(rt, shape)
        ostr = contiguous_strides(x.shape)
        off = 1 if include_initial else 0
    else:
        ax = _axes(operator.index(axis), x.ndim)[0]
        axes = (ax,)
        shape = tuple(n + (1 if include_initial and d == ax else 0) for d, n in enumerate(x.shape))
        leaf = new_leaf(rt, shape)
        ostr = leaf.strides
        off = leaf.strides[ax] if include_initial else 0
    rc.scan_into(root, axes, monoid, _acc_of(rt), leaf, ostr, off, in_order)
    res = GpuArray(leaf)
    if include_initial:
        first = (slice(None),) * (0 if axis is None else axes[0]) + (0,)
        assign(GpuArray(basic_view(leaf, first)), 0 if monoid == "add" else 1)
    if out is not None:
        if not isinstance(out, GpuArray):
            raise TypeError(f"{fname}: out must be a GpuArray")
        if out.shape != res.shape:
            raise ValueError(f"provided out is the wrong size for the accumulation (expected {res.shape}, got {out.shape})")
        assign(out, res)
        return out
    return res


def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along an axis (flattened when axis is None)."""
    return _scan("add", a, axis, dtype, out, False, "cumsum")


def cumsum_in_order(a, axis, dtype=None):
    """``cumsum`` folded in NumPy's sequential order along ``axis`` (one thread per row): the same
    bits as NumPy's, for callers that compare the running sums (weighted quantiles' cdf)."""
    return _scan("add", a, axis, dtype, None, False, "cumsum", in_order=True)


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along an axis (flattened when axis is None)."""
    return _scan("multiply", a, axis, dtype, out, False, "cumprod")


def scan(monoid, a, axis=0, dtype=None):
    """The inclusive scan of ufunc ``monoid`` (maximum, minimum, fmax, fmin, logical_and,
    logical_or, bitwise_and/or/xor of integers and bool) along ``axis``: ``ufunc.accumulate``, in the input's dtype (bool for the logical
    ones) unless ``dtype`` is given."""
    x = _arr(a)
    rt = dt.normalize(dtype) if dtype is not None else (dt.bool_ if monoid.startswith("logical") else x.dtype)
    if monoid in ("maximum", "minimum", "fmax", "fmin") and x.dtype != rt:
        x = GpuArray(Cast(_node(x), rt))
    return _scan(monoid, x, axis, rt, None, False, monoid)


def _cumulative(monoid, x, axis, dtype, out, include_initial, fname):
    x = _arr(x)
    if x.ndim == 0:
        raise ValueError(f"{fname} requires an array of at least one dimension")
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"{fname}: axis must be specified for arrays of more than one dimension")
        axis = 0
    return _scan(monoid, x, axis, dtype, out, include_initial, fname)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Array API cumulative sum; ``include_initial`` prepends the empty sum (0)."""
    return _cumulative("add", x, axis, dtype, out, include_initial, "cumulative_sum")


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """Array API cumulative product; ``include_initial`` prepends the empty product (1)."""
    return _cumulative("multiply", x, axis, dtype, out, include_initial, "cumulative_prod")


# ------------------------------------------------------------------------- nan-aware
def _without_nan(x: GpuArray, fill):
    if x.dtype.kind not in "fc":
        return x
    return _masked(x, apply("logical_not", apply("isnan", x)), fill)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Sum treating NaN as zero."""
    return sum(_without_nan(_arr(a), 0), axis, dtype, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """Product treating NaN as one."""
    return prod(_without_nan(_arr(a), 1), axis, dtype, out, keepdims, initial, where)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """Mean of the non-NaN elements (NaN where there are none)."""
    x = _arr(a)
    if x.dtype.kind not in "fc":
        return mean(x, axis, dtype, out, keepdims, where=where)
    ok = apply("logical_not", apply("isnan", x))
    if where is not None and where is not True:
        ok = apply("logical_and", ok, where)
    return mean(x, axis, dtype, out, keepdims, where=ok)


def _nanminmax(monoid, a, axis, out, keepdims, initial, where, fname):
    x = _arr(a)
    if x.dtype.kind not in "f":
        return _minmax({"fmax": "maximum", "fmin": "minimum"}[monoid], x, axis, out, keepdims, initial, where,
                       {"fmax": "maximum", "fmin": "minimum"}[monoid])
    axes = _axes(axis, x.ndim)
    if _count(x.shape, axes) == 0 and initial is None:
        raise ValueError(f"zero-size array to reduction operation {fname} which has no identity")
    if where is not None and where is not True:
        if initial is None:
            raise ValueError(f"reduction operation '{fname}' does not have an identity, so to use a where mask "
                             "one has to specify 'initial'")
        x = _masked(x, where, _scalar_of(initial, x.dtype))
    init = None if initial is None else _scalar_of(initial, x.dtype)
    return _reduce(x, _node(x), axes, monoid, x.dtype, x.dtype, keepdims, out, fname, initial=init)


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Largest element ignoring NaN (NaN where every element is NaN)."""
    return _nanminmax("fmax", a, axis, out, keepdims, initial, where, "fmax")


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """Smallest element ignoring NaN (NaN where every element is NaN)."""
    return _nanminmax("fmin", a, axis, out, keepdims, initial, where, "fmin")


def _not_nan(x: GpuArray, where):
    """The mask of x's non-NaN elements (and ``where``), broadcast to x's shape."""
    ok = apply("logical_not", apply("isnan", x))
    if where is not None and where is not True:
        ok = apply("logical_and", ok, _arr(where))
    return ok if ok.shape == x.shape else broadcast_to(ok, x.shape)


def _nanvar(a, axis, dtype, out, ddof, keepdims, where, mean_, correction, post, fname):
    """var/std over the non-NaN elements: NaN where ``count - ddof <= 0``, as NumPy's."""
    x = _arr(a)
    if x.dtype.kind not in "fc":
        f = var if post == "div" else std
        return f(x, axis, dtype, out, ddof, keepdims, where=where, mean=mean_, correction=correction)
    if mean_ is not None:
        raise NotImplementedError(f"{fname}: mean= is not supported")
    ddof = _ddof(ddof, correction)
    axes = _axes(axis, x.ndim)
    ct = _float_type(x.dtype, dtype)
    rt = dt.real_of(ct)
    ok = _not_nan(x, where)
    cnt = count_nonzero(ok, axis=axes, keepdims=True)
    cnt_f = GpuArray(Cast(cnt._node, rt))
    s = _sum_like("add", x, axes, ct, None, True, None, ok, "add")
    m = apply("divide", s, cnt_f)
    dev = apply("where", ok, apply("subtract", x, m), 0)
    sq = _abs_squared(dev, rt)
    ss = _reduce(sq, _node(sq), axes, "add", _acc_of(rt), rt, keepdims, None, "add")
    dof = apply("subtract", cnt_f, float(ddof))
    if not keepdims:
        dof = reshape(dof, ss.shape)
    res = apply("divide", ss, dof)
    if post == "div_sqrt":
        res = apply("sqrt", res)
    res = apply("where", apply("greater", dof, 0), res, float("nan"))
    if res.dtype != rt:
        res = GpuArray(Cast(res._node, rt))
    if out is not None:
        _check_out(out, res.shape, fname)
        assign(out, res)
        return out
    return res


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None, correction=None):
    """Variance of the non-NaN elements (NaN where fewer than ``ddof + 1`` remain)."""
    return _nanvar(a, axis, dtype, out, ddof, keepdims, where, mean, correction, "div", "nanvar")


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None, mean=None, correction=None):
    """Standard deviation of the non-NaN elements (NaN where fewer than ``ddof + 1`` remain)."""
    return _nanvar(a, axis, dtype, out, ddof, keepdims, where, mean, correction, "div_sqrt", "nanstd")


def _nanarg(monoid, a, axis, out, keepdims, fname):
    """NumPy's nanargmax/nanargmin: NaN replaced by -inf/+inf, an all-NaN slice is a ValueError
    (finding one reads one bool back from the device)."""
    x = _arr(a)
    if x.dtype.kind not in "fc":
        return _arg(monoid, x, axis, out, keepdims, fname)
    nan = apply("isnan", x)
    axes = None if axis is None else (operator.index(axis),)
    if x.size and bool(any(all(nan, axis=axes))):
        raise ValueError("All-NaN slice encountered")
    fill = float("-inf") if monoid == "argmax" else float("inf")
    return _arg(monoid, apply("where", nan, fill, x), axis, out, keepdims, fname)


def nanargmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first largest non-NaN element (ValueError for an all-NaN slice)."""
    return _nanarg("argmax", a, axis, out, keepdims, "nanargmax")


def nanargmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first smallest non-NaN element (ValueError for an all-NaN slice)."""
    return _nanarg("argmin", a, axis, out, keepdims, "nanargmin")


def nancumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum treating NaN as zero."""
    return _scan("add", _without_nan(_arr(a), 0), axis, dtype, out, False, "nancumsum")


def nancumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product treating NaN as one."""
    return _scan("multiply", _without_nan(_arr(a), 1), axis, dtype, out, False, "nancumprod")


__all__ = ["all", "amax", "amin", "any", "argmax", "argmin", "count_nonzero", "cumprod", "cumsum",
           "cumulative_prod", "cumulative_sum", "max", "mean", "min", "nanargmax", "nanargmin", "nancumprod",
           "nancumsum", "nanmax", "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar", "prod", "std",
           "sum", "var"]
