"""NumPy's legacy polynomial helpers: ``polyval`` on the device (Horner's rule in NumPy's own
order of operations, fused into one kernel per up to ~100 coefficients), ``polyder``/``polyint``
(NumPy's coefficient arithmetic on device coefficients), ``polyfit`` (NumPy's steps: the scaled
Vandermonde matrix and the device's SVD least squares, ``full``/``cov`` included) and ``poly1d``,
NumPy's class over host coefficients (a handful of numbers; its evaluation at device arrays calls
``polyval``, so it runs on the device)."""
from __future__ import annotations

import numpy as np

import warnings

from .._device import runtime as _runtime
from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._graph.nodes import Leaf
from .._lazy.elementwise import apply, as_operand, astype
from .creation import arange, asarray, ones_like, zeros, zeros_like
from .host import host_fallback
from .linalg import matmul
from .manipulation import concatenate, reshape, stack
from .reductions import any as rany, argmax, sum as rsum
from .numerical import convolve
from .decompositions import inv, solve_triangular
from .svd import lstsq
from .eig import eigvals
from .._kernels import schur as _schur
from .sorting import sort
from .reductions import all as rall
from .creation import eye
from .searching import take

__all__ = ["poly", "poly1d", "polyadd", "polyder", "polydiv", "polyfit", "polyint", "polymul", "polysub", "polyval",
           "roots"]

# cond(A) past which the normal equations lose more than ~1e-8 of float64 accuracy: NumPy's lstsq on the host


def _coefficients(p) -> np.ndarray:
    p = as_operand(p)
    if isinstance(p, GpuArray):
        return p.get()  # a handful of numbers, read once
    if isinstance(p, np.poly1d):
        return p.coeffs
    return np.asarray(p)


def polyval(p, x):
    """``p[0] * x**(n-1) + ... + p[n-1]`` as NumPy computes it: ``y = y * x + p[i]`` from
    ``y = zeros_like(x)``, with p's elements as NumPy scalars (their dtype takes part in the
    promotion, as in NumPy)."""
    c = _coefficients(p)
    x = as_operand(x)
    if not isinstance(x, GpuArray):
        if isinstance(x, np.poly1d) or np.asarray(x).dtype.kind not in "biufc":
            return np.polyval(c, x)  # polynomial composition, objects: NumPy's own
        x = as_operand(np.asarray(x))
        if not isinstance(x, GpuArray):  # a scalar: NumPy's scalar result
            return np.polyval(c, x)
    y = zeros_like(x)
    for pv in c:
        y = apply("add", apply("multiply", y, x), pv)
    return y


def poly1d(c_or_r, r=False, variable=None):
    """NumPy's ``poly1d`` over host coefficients (device arrays are read once)."""
    return np.poly1d(_coefficients(c_or_r), r=r, variable=variable)


def _device_coefficients(p):
    """``p`` as a device array, or None for NumPy's own (``poly1d``, objects)."""
    if isinstance(p, np.poly1d):
        return None
    p = as_operand(p)
    if not isinstance(p, GpuArray):
        h = np.asarray(p)
        if h.dtype.kind not in "biufc":
            return None
        p = asarray(h)
    return p


def polyder(p, m=1):
    """NumPy's ``polyder``: ``p[:-1] * arange(n, 0, -1)``, ``m`` times."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    d = _device_coefficients(p)
    if d is None:
        return np.polyder(p, m)
    for _ in range(m):
        n = d.shape[0] - 1
        d = apply("multiply", d[:-1], arange(n, 0, -1, dtype=np.int64)) if n > 0 else \
            apply("multiply", d[:0], arange(0, dtype=np.int64))
    return d


def polyint(p, m=1, k=None):
    """NumPy's ``polyint``: ``concatenate(p / arange(n, 0, -1), [k])``, ``m`` times."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    d = _device_coefficients(p)
    if d is None:
        return np.polyint(p, m, k)
    kh = np.zeros(m, float) if k is None else np.atleast_1d(k.get() if isinstance(k, GpuArray) else k)
    if len(kh) == 1 and m > 1:
        kh = kh[0] * np.ones(m, float)
    if len(kh) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    for i in range(m):
        q = apply("true_divide", d, arange(d.shape[0], 0, -1, dtype=np.int64))
        kv = asarray(np.asarray([kh[i]]))
        t = dt.result_type(q, kv)
        d = concatenate([astype(q, t, copy=False), astype(kv, t, copy=False)])
    return d


def _vander(x: GpuArray, order: int) -> GpuArray:
    """NumPy's ``vander(x, order)``: its powers are a running product (``multiply.accumulate``),
    the same left fold as these elementwise products, one column each (``order`` is small here)."""
    cols = [ones_like(x)]
    for _ in range(order - 1):
        cols.append(apply("multiply", cols[-1], x))
    return stack(cols[::-1], axis=1)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """NumPy's ``polyfit``, its steps on the device: the Vandermonde matrix (weighted), its columns
    scaled to unit norm, ``lstsq`` (the SVD), the scale undone; ``full`` adds the residuals, rank,
    singular values and rcond, ``cov`` the covariance from ``inv(A.T A)``."""
    xg, yg = as_operand(x), as_operand(y)
    xg = xg if isinstance(xg, GpuArray) else asarray(np.asarray(x))
    yg = yg if isinstance(yg, GpuArray) else asarray(np.asarray(y))
    order = int(deg) + 1
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if xg.ndim != 1:
        raise TypeError("expected 1D vector for x")
    if xg.size == 0:
        raise TypeError("expected non-empty vector for x")
    if yg.ndim < 1 or yg.ndim > 2:
        raise TypeError("expected 1D or 2D array for y")
    if xg.shape[0] != yg.shape[0]:
        raise TypeError("expected x and y to have same length")
    if xg.dtype.kind not in "iufc" or yg.dtype.kind not in "iufc":
        return host_fallback(np.polyfit, "polyfit", (x, y, deg), {"rcond": rcond, "full": full, "w": w, "cov": cov})
    xg, yg = apply("add", xg, 0.0), apply("add", yg, 0.0)  # (NumPy's x + 0.0: integers become float64)
    if rcond is None:
        rcond = len(xg) * np.finfo(xg.dtype).eps
    lhs = _vander(astype(xg, dt.normalize(np.promote_types(xg.dtype, int))), order)  # (np.vander's dtype)
    rhs = yg
    if w is not None:
        wg = as_operand(w)
        wg = apply("add", wg if isinstance(wg, GpuArray) else asarray(np.asarray(w)), 0.0)
        if wg.ndim != 1:
            raise TypeError("expected a 1-d array for weights")
        if wg.shape[0] != yg.shape[0]:
            raise TypeError("expected w and y to have the same length")
        # (NumPy multiplies in place: each keeps its dtype, a float32 y is rounded back to float32)
        lhs = astype(apply("multiply", lhs, reshape(wg, (-1, 1))), lhs.dtype, copy=False)
        rhs = astype(apply("multiply", rhs, reshape(wg, (-1, 1)) if rhs.ndim == 2 else wg), rhs.dtype, copy=False)
    scale = apply("sqrt", rsum(apply("multiply", lhs, lhs), axis=0))
    lhs = astype(apply("true_divide", lhs, scale), lhs.dtype, copy=False)
    c, resids, rank, sv = lstsq(lhs, rhs, rcond)
    c = apply("true_divide", c.T, scale).T
    if rank != order and not full:
        warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning, stacklevel=2)
    if full:
        return c, resids, rank, sv, rcond
    if not cov:
        return c
    vbase = apply("true_divide", inv(matmul(lhs.T, lhs)), apply("multiply", reshape(scale, (-1, 1)), scale))
    if cov == "unscaled":
        fac = 1
    else:
        if len(xg) <= order:
            raise ValueError("the number of data points must exceed order to scale the covariance matrix")
        fac = apply("true_divide", resids, len(xg) - order)
    if yg.ndim == 1:
        return c, apply("multiply", vbase, fac)
    return c, apply("multiply", vbase[:, :, None], fac)


def _sum_or_difference(opname, a1, a2):
    """NumPy's ``polyadd``/``polysub``: the shorter coefficient array padded with leading zeros."""
    if isinstance(a1, np.poly1d) or isinstance(a2, np.poly1d):
        return getattr(np, "polyadd" if opname == "add" else "polysub")(a1, a2)  # NumPy's class
    c1, c2 = _device_coefficients(a1), _device_coefficients(a2)
    if c1 is None or c2 is None:
        return getattr(np, "polyadd" if opname == "add" else "polysub")(a1, a2)
    c1 = reshape(c1, (1,)) if c1.ndim == 0 else c1
    c2 = reshape(c2, (1,)) if c2.ndim == 0 else c2
    diff = len(c2) - len(c1)
    if diff > 0:
        c1 = concatenate([zeros((diff,) + c1.shape[1:], dtype=c1.dtype), c1])
    elif diff < 0:
        c2 = concatenate([zeros((-diff,) + c2.shape[1:], dtype=c2.dtype), c2])
    return apply(opname, c1, c2)


def polyadd(a1, a2):
    """NumPy's ``polyadd`` on device coefficients."""
    return _sum_or_difference("add", a1, a2)


def polysub(a1, a2):
    """NumPy's ``polysub`` on device coefficients."""
    return _sum_or_difference("subtract", a1, a2)


def _trimmed(c: GpuArray) -> GpuArray:
    """NumPy's ``poly1d(c).coeffs`` of device coefficients: at least 1-D, leading zeros dropped
    (the zero polynomial keeps one zero); one index is read back (the first nonzero)."""
    c = reshape(c, (1,)) if c.ndim == 0 else c
    if c.ndim != 1:
        raise ValueError("Polynomial must be 1d only.")
    n = c.shape[0]
    if n == 0:
        return zeros((1,), dtype=c.dtype)
    nz = apply("not_equal", c, 0)
    first = int(apply("where", rany(nz), argmax(nz), n - 1).get())
    return c[first:] if first else c


def polymul(a1, a2):
    """NumPy's ``polymul``: the convolution of the coefficients (leading zeros dropped, as
    ``poly1d`` does), on the device."""
    if isinstance(a1, np.poly1d) or isinstance(a2, np.poly1d):
        return np.polymul(_poly_or_host(a1), _poly_or_host(a2))  # NumPy's class over host coefficients
    c1, c2 = _device_coefficients(a1), _device_coefficients(a2)
    if c1 is None or c2 is None:
        return np.polymul(a1, a2)
    c1, c2 = _trimmed(c1), _trimmed(c2)
    if c1.dtype.kind == "b" or c2.dtype.kind == "b":
        return host_fallback(np.polymul, "polymul", (c1, c2), {})
    return convolve(c1, c2)


def _poly_or_host(p):
    return p if isinstance(p, np.poly1d) else _coefficients(p)


# quotients longer than this: NumPy's long division on the host (counted); the device solves a
# dense lower-triangular Toeplitz system of this side
_MAX_QUOTIENT = 2048


def polydiv(u, v):
    """NumPy's ``polydiv``: the quotient q solves the lower-triangular Toeplitz system of v's
    leading coefficients against u's (long division, as a triangular solve on the device), the
    remainder is the rest of ``u - v * q`` (a device convolution), with leading entries NumPy's
    test takes as zero (``allclose(r[0], 0, rtol=1e-14)``) dropped: it is read back for that."""
    if isinstance(u, np.poly1d) or isinstance(v, np.poly1d):
        return np.polydiv(_poly_or_host(u), _poly_or_host(v))
    cu, cv = _device_coefficients(u), _device_coefficients(v)
    if cu is None or cv is None:
        return np.polydiv(u, v)
    cu = reshape(cu, (1,)) if cu.ndim == 0 else cu
    cv = reshape(cv, (1,)) if cv.ndim == 0 else cv
    wt = dt.result_type(dt.result_type(cu, 0.0), dt.result_type(cv, 0.0))  # NumPy's u + 0.0, v + 0.0
    m, n = cu.shape[0] - 1, cv.shape[0] - 1
    k = m - n + 1
    if wt.kind not in "fc" or cu.ndim != 1 or cv.ndim != 1 or k > _MAX_QUOTIENT:
        return host_fallback(np.polydiv, "polydiv", (cu, cv), {})
    cu, cv = astype(cu, wt, copy=False), astype(cv, wt, copy=False)
    if k <= 0:
        q, r = zeros((1,), dtype=wt), cu
    else:
        d = apply("subtract", reshape(arange(k), (k, 1)), reshape(arange(k), (1, k)))
        inside = apply("logical_and", apply("greater_equal", d, 0), apply("less_equal", d, n))
        toeplitz = apply("where", inside, take(cv, apply("minimum", apply("maximum", d, 0), n)), 0.0)
        q = solve_triangular(toeplitz, cu[:k], lower=True)
        if q is None:
            return host_fallback(np.polydiv, "polydiv", (cu, cv), {})
        q = astype(q, wt, copy=False)
        # the first k entries of u - v q are zero in exact arithmetic (what long division leaves):
        # dropped, as NumPy's test drops its rounding leftovers there
        r = apply("subtract", cu[k:], convolve(cv, q)[k:]) if n else zeros((1,), dtype=wt)
    rh = r.get()
    lead = 0
    while lead < rh.shape[0] - 1 and np.allclose(rh[lead], 0, rtol=1e-14):
        lead += 1
    return q, (r[lead:] if lead else r)


def roots(p):
    """NumPy's ``roots``: the eigenvalues of the companion matrix (on the device: ``eigvals``) of
    the coefficients with leading and trailing zeros stripped (each trailing zero a zero root);
    the first and last nonzero positions are read back (the result's length depends on them)."""
    p = as_operand(p)
    if not isinstance(p, GpuArray):
        p = asarray(np.asarray(p))
    _not_scalar(p)
    if p.ndim != 1:
        raise ValueError("Input must be a rank-1 array.")
    n = p.shape[0]
    nz = apply("not_equal", p, 0)
    if n:
        ends = stack([rany(nz), argmax(nz), (n - 1) - argmax(nz[::-1])]).get()
    if n == 0 or not ends[0]:
        return zeros((0,), dtype=dt.float64)
    first, last = int(ends[1]), int(ends[2])
    trailing = n - last - 1
    p = p[first:last + 1]
    if p.dtype.kind not in "fc":
        p = astype(p, dt.float64)
    m = p.shape[0]
    if m > 1:
        comp = eye(m - 1, k=-1, dtype=p.dtype)
        comp[0, :] = apply("negative", apply("divide", p[1:], p[0]))
        r = eigvals(comp)
    else:
        r = zeros((0,), dtype=dt.float64)
    return concatenate([r, zeros((trailing,), dtype=r.dtype)]) if trailing else r


def _not_scalar(x: GpuArray) -> None:
    """NumPy's error for a scalar given to ``roots``/``poly`` (their dispatchers iterate over it)."""
    if x.ndim == 0:
        raise TypeError("dispatcher for __array_function__ did not return an iterable")


def _mintype(d):
    """NumPy's ``mintypecode`` (typeset 'GDFgdf', default 'd') of one dtype."""
    return d if d.char in "FDfd" else dt.float64


def poly(seq_of_zeros):
    """NumPy's ``poly``: the coefficients of the monic polynomial with the given zeros (of a square
    matrix: its eigenvalues, ``eigvals`` on the device), products of (x - z) in order on the device;
    real coefficients where complex zeros are closed under conjugation (one flag read back)."""
    z = as_operand(seq_of_zeros)
    if not isinstance(z, GpuArray):
        z = np.atleast_1d(np.asarray(z))
        if z.dtype.kind not in "biufc":
            return host_fallback(np.poly, "poly", (seq_of_zeros,), {})
        z = asarray(z)
    _not_scalar(z)
    sh = z.shape
    if len(sh) == 2 and sh[0] == sh[1] and sh[0] != 0:
        z = eigvals(z)
    elif len(sh) == 1:
        z = astype(z, _mintype(z.dtype), copy=False)
    else:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if z.shape[0] == 0:
        return 1.0
    a = GpuArray(_schur.poly_from_roots(_contiguous_rows(z)))
    a = reshape(a, (z.shape[0] + 1,))
    if z.dtype.kind == "c":
        s = sort(z)
        if bool(rall(apply("equal", s, sort(apply("conj", z)))).get()):
            a = apply("real", a).copy()
    return a


def _contiguous_rows(z: GpuArray):
    """``z`` (1-D) as a contiguous (1, n) Leaf at offset 0 (a copy where it is not)."""
    leaf = z._leaf()
    n = z.shape[0]
    if leaf.offset != 0 or leaf.strides != (1,):
        leaf = z.copy()._leaf()
    return Leaf(leaf.storage, leaf.dtype, (1, n), (n, 1), 0)
