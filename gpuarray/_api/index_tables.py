"""Index tables and selections built from device pieces: ``indices``, ``tril_indices`` /
``triu_indices`` (+ ``_from``: the coordinates of ``tri``'s mask), ``vander`` (a running product),
``select`` (nested ``where``), ``piecewise`` (masked
gathers and scatters), ``lexsort`` (stable argsort passes, last key first) and
``geomspace`` (``logspace`` between the logarithms, NumPy's exact end points)."""
from __future__ import annotations

import operator

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from .advanced import nonzero
from .creation import arange, asarray, full, tri
from .grids import logspace
from .interop import host_fallback
from .manipulation import broadcast_to, concat, moveaxis, reshape, stack
from .reductions import any as device_any, cumprod
from .searching import take, take_along_axis
from .sorting import argsort


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def indices(dimensions, dtype=int, sparse=False):
    """NumPy's ``indices``: coordinate arrays of a grid (``sparse``: broadcastable ones)."""
    dims = tuple(operator.index(d) for d in dimensions)
    d = dt.normalize(np.dtype(dtype))
    n = len(dims)
    parts = []
    for i, m in enumerate(dims):
        a = astype(arange(m), d, copy=False)
        shape = (1,) * i + (m,) + (1,) * (n - i - 1)
        parts.append(reshape(a, shape) if sparse else broadcast_to(reshape(a, shape), dims))
    if sparse:
        return tuple(p.copy() for p in parts)
    if n == 0:
        return full((0,), 0, dtype=d)
    return stack(parts)


def _tri_coords(n, m, k, lower):
    mask = tri(n, m, k=k if lower else k - 1, dtype=dt.bool_)
    if not lower:
        mask = apply("logical_not", mask)
    if mask.size == 0:
        z = full((0,), 0, dtype=dt.default_int())
        return z, z.copy()
    return nonzero(mask)


def diag_indices(n, ndim=2):
    """The index tuple of the main diagonal of an ``(n,) * ndim`` array: ``ndim`` times ``arange(n)``."""
    idx = arange(n, dtype=dt.default_int())
    return (idx,) * ndim


def diag_indices_from(arr):
    """``diag_indices`` for ``arr`` (at least 2-D, all axes of one length)."""
    shape = arr.shape if isinstance(arr, GpuArray) else np.shape(arr)
    if len(shape) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return diag_indices(shape[0], len(shape))


def tril_indices(n, k=0, m=None):
    return _tri_coords(n, n if m is None else m, k, True)


def triu_indices(n, k=0, m=None):
    return _tri_coords(n, n if m is None else m, k, False)


def _check_2d(arr):
    arr = _arr(arr)
    if arr.ndim != 2:
        raise ValueError("input array must be 2-d")
    return arr


def tril_indices_from(arr, k=0):
    arr = _check_2d(arr)
    return tril_indices(arr.shape[-2], k=k, m=arr.shape[-1])


def triu_indices_from(arr, k=0):
    arr = _check_2d(arr)
    return triu_indices(arr.shape[-2], k=k, m=arr.shape[-1])


def vander(x, N=None, increasing=False):
    """NumPy's ``vander``: powers of ``x`` as running products (in ``promote_types(x, int)``)."""
    x = _arr(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    N = x.shape[0] if N is None else operator.index(N)
    t = dt.normalize(np.promote_types(x.dtype, dt.default_int()))
    n = x.shape[0]
    if N <= 0 or n == 0:
        return full((n, max(N, 0)), 0, dtype=t)
    xs = astype(x, t, copy=False)
    cols = [full((n, 1), 1, dtype=t)]
    if N > 1:
        cols.append(cumprod(broadcast_to(reshape(xs, (n, 1)), (n, N - 1)), axis=1))
    v = concat(cols, axis=1) if len(cols) > 1 else cols[0]
    return v if increasing else v[:, ::-1]


def select(condlist, choicelist, default=0):
    """NumPy's ``select``: the choice of the first true condition, else ``default``."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    # Python scalars stay weak in the result type (NumPy's NEP 50 handling)
    def weak(v):
        return type(v) in (int, float, complex)

    items = list(choicelist) + [default]
    try:
        t = np.result_type(*[v if weak(v) else (v.dtype if isinstance(v, GpuArray) else np.asarray(v).dtype)
                             for v in items])
    except TypeError as e:
        raise TypeError(f"Choicelist and default value do not have a common dtype: {e}") from None
    t = dt.normalize(t)
    conds = []
    for i, c in enumerate(condlist):
        c = _arr(c)
        if c.dtype != dt.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
        conds.append(c)
    vals = [full((), v, dtype=t) if weak(v) else astype(_arr(v), t, copy=False) for v in items]
    shape = np.broadcast_shapes(*[c.shape for c in conds], *[v.shape for v in vals])
    res = vals[-1]
    for c, v in zip(conds[::-1], vals[-2::-1]):
        res = apply("where", c, v, res)
    return astype(broadcast_to(res, shape), t, copy=True)


def piecewise(x, condlist, funclist, *args, **kw):
    """NumPy's ``piecewise``: ``y[cond] = func(x[cond])`` per condition (device masks; the callables
    get device arrays), an extra function for where no condition holds."""
    x = _arr(x)
    n2 = len(funclist)
    if np.isscalar(condlist) or isinstance(condlist, GpuArray) and condlist.ndim < 2 or (
            isinstance(condlist, (list, tuple)) and condlist
            and not isinstance(condlist[0], (list, np.ndarray, GpuArray)) and x.ndim != 0):
        condlist = [condlist]
    conds = [astype(_arr(c), dt.bool_, copy=False) for c in condlist]
    n = len(conds)
    if n == n2 - 1:  # the "otherwise" condition
        other = apply("logical_not", conds[0]) if n == 1 else None
        if other is None:
            anyc = conds[0]
            for c in conds[1:]:
                anyc = apply("logical_or", anyc, c)
            other = apply("logical_not", anyc)
        conds.append(other)
        n += 1
    elif n != n2:
        raise ValueError(f"with {n} condition(s), either {n} or {n + 1} functions are expected")
    y = full(x.shape, 0, dtype=x.dtype)
    for cond, func in zip(conds, funclist):
        cond = broadcast_to(cond, x.shape).copy() if cond.shape != x.shape else cond
        if not callable(func):
            y[cond] = func
        else:
            vals = x[cond]
            if vals.size > 0:
                y[cond] = func(vals, *args, **kw)
    return y


def lexsort(keys, axis=-1):
    """NumPy's ``lexsort``: stable argsorts along ``axis``, the last key the primary one (each key
    gathered in the order so far, then argsorted); keys of any shape, as a sequence or stacked."""
    ks = [_arr(k) for k in keys] if isinstance(keys, (list, tuple)) else list(_arr(keys))
    if not ks:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    shape = ks[0].shape
    if any(k.shape != shape for k in ks):
        raise ValueError("all keys need to be the same shape")
    if not shape:
        return asarray(0, dtype=dt.default_int())
    ax = np.lib.array_utils.normalize_axis_index(axis, len(shape))
    order = argsort(ks[0], axis=ax, stable=True)
    for k in ks[1:]:
        order = take_along_axis(order, argsort(take_along_axis(k, order, axis=ax), axis=ax, stable=True), axis=ax)
    return order


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """NumPy's ``geomspace`` (its steps, on the device): ``start`` rotated onto the positive reals
    by its sign (``z / |z|`` for complex ends), ``logspace`` between the base-10 logarithms, the end
    points set exactly, the rotation undone."""
    ends = [v if isinstance(v, GpuArray) else np.asanyarray(v) for v in (start, stop)]
    for v in ends:
        zero = bool(device_any(apply("equal", v, 0))) if isinstance(v, GpuArray) else bool(np.any(v == 0))
        if zero:
            raise ValueError("Geometric sequence cannot include zero")
    t = np.result_type(ends[0].dtype, ends[1].dtype, float(num), np.zeros((), dtype))
    ct = dt.normalize(t)
    s0, s1 = (astype(asarray(v), ct, copy=True) for v in ends)
    if ct.kind == "c":
        sign = apply("divide", s0, apply("absolute", s0))
    else:
        sign = apply("sign", s0)
    s0 = apply("divide", s0, sign)
    s1 = apply("divide", s1, sign)
    res = logspace(apply("log10", s0), apply("log10", s1), num=num, endpoint=endpoint, base=10.0)
    res = astype(res, ct, copy=True)
    if num > 0:
        res[0] = s0
        if num > 1 and endpoint:
            res[-1] = s1
    res = apply("multiply", res, sign)
    if res.dtype != ct:
        res = astype(res, ct, copy=False)
    if axis != 0:
        res = moveaxis(res, 0, axis)
    return astype(res, dt.normalize(np.dtype(dtype)), copy=False) if dtype is not None else res


def mask_indices(n, mask_func, k=0):
    """NumPy's ``mask_indices``: ``mask_func`` (``triu``, ``tril`` ...) applied to a device
    ``ones((n, n))``, and the coordinates of its nonzero entries."""
    return nonzero(apply("not_equal", mask_func(full((n, n), 1, dtype=dt.default_int()), k), 0))


__all__ = ["diag_indices", "mask_indices", "diag_indices_from", "geomspace", "indices", "lexsort", "piecewise", "select", "tril_indices", "tril_indices_from", "triu_indices",
           "triu_indices_from", "vander"]
