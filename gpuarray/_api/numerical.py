"""Numerical helpers built from device operations: ``interp`` (``searchsorted`` and gathers),
``convolve`` / ``correlate`` (one fused reduction over the windows, no window is stored),
``cov`` / ``corrcoef`` (centred data through the matmul kernels), and the ``diff``-based
``gradient``, ``ediff1d``, ``trapezoid``, ``unwrap``.

Arguments these do not cover (``interp``'s ``period``, complex ``fp``, ``cov`` weights, ``gradient``
with coordinate arrays) run NumPy on the host as counted fallbacks.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .._graph import dtypes as dt
from .._graph.nodes import Iota
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from .advanced import gather, offset_expr
from .creation import arange, asarray, full
from .extras import diff
from .interop import host_fallback
from .linalg import matmul
from .manipulation import concat, moveaxis, reshape, squeeze
from .reductions import all as all_, any as any_, cumsum, mean, sum as rsum
from .searching import searchsorted, take
from .sorting import argsort


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _is_array(v) -> bool:
    return isinstance(v, (GpuArray, np.ndarray, list, tuple))


# ----------------------------------------------------------------------------- interp
def interp(x, xp, fp, left=None, right=None, period=None):
    """NumPy's ``interp`` (float64, or complex128 for complex ``fp``: each part interpolated as
    NumPy's complex loop does): the segment of each x by binary search on ``xp``; ``period``:
    x and xp taken modulo it, xp sorted and extended by one period on each side, as NumPy."""
    kw = {"left": left, "right": right, "period": period}
    xg, xpg, fpg = _arr(x), _arr(xp), _arr(fp)
    if xg.dtype.kind == "c" or xpg.dtype.kind == "c" or _is_array(left) or _is_array(right):
        return host_fallback(np.interp, "interp", (x, xp, fp), kw)
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(float(period))
        left = right = None
        if xpg.ndim != 1 or fpg.ndim != 1:
            raise ValueError("Data points must be 1-D sequences")
        if xpg.shape[0] != fpg.shape[0]:
            raise ValueError("fp and xp are not of the same length")
        f64 = dt.float64
        xg = apply("remainder", astype(xg, f64, copy=False), period)
        xpg = apply("remainder", astype(xpg, f64, copy=False), period)
        order = argsort(xpg)
        xpg, fpg = take(xpg, order), take(fpg, order)
        xpg = concat([apply("subtract", xpg[-1:], period), xpg, apply("add", xpg[0:1], period)])
        fpg = concat([fpg[-1:], fpg, fpg[0:1]])
    if xpg.ndim != 1 or fpg.ndim != 1:
        raise ValueError("object too deep for desired array" if max(xpg.ndim, fpg.ndim) > 1 else
                         "object of too small depth for desired array")
    n = xpg.shape[0]
    if n == 0:
        raise ValueError("array of sample points is empty")
    if fpg.shape[0] != n:
        raise ValueError("fp and xp are not of the same length.")
    with np.errstate(all="ignore"):  # NumPy's loop is silent about the slopes it computes
        if fpg.dtype.kind != "c":
            return _interp(xg, xpg, fpg, n, left, right)
        fpc = astype(fpg, dt.normalize(np.dtype(np.complex128)), copy=False)
        lc, rc = (None if v is None else complex(v) for v in (left, right))
        re = _interp(xg, xpg, apply("real", fpc), n, None if lc is None else lc.real, None if rc is None else rc.real,
                     inv=True)
        im = _interp(xg, xpg, apply("imag", fpc), n, None if lc is None else lc.imag, None if rc is None else rc.imag,
                     inv=True, nan_x=0.0)
        return astype(apply("add", re, apply("multiply", im, 1j)), fpc.dtype, copy=False)


def _interp(xg, xpg, fpg, n, left, right, inv=False, nan_x=None):
    """One real interpolation. ``inv``: slopes as NumPy's complex loop computes them (times
    1 / dx); ``nan_x``: the value at a NaN x (None: the NaN)."""
    f64 = dt.float64
    xv, xpv, fpv = (astype(v, f64, copy=False) for v in (xg, xpg, fpg))
    lval = fpv[0] if left is None else float(left)
    rval = fpv[n - 1] if right is None else float(right)
    if n == 1:  # NumPy: x < xp -> left, x > xp -> right, else (NaN too) fp
        res = apply("where", apply("less", xv, xpv[0]), lval, apply("where", apply("greater", xv, xpv[0]), rval, fpv[0]))
        return astype(res, f64, copy=False)
    else:
        j = apply("subtract", searchsorted(xpv, xv, side="right"), 1)
        j = apply("minimum", apply("maximum", j, 0), n - 2)
        x0, x1, y0, y1 = take(xpv, j), take(xpv, apply("add", j, 1)), take(fpv, j), take(fpv, apply("add", j, 1))
        if inv:
            slope = apply("multiply", apply("subtract", y1, y0), apply("divide", 1.0, apply("subtract", x1, x0)))
        else:
            slope = apply("divide", apply("subtract", y1, y0), apply("subtract", x1, x0))
        r = apply("add", apply("multiply", slope, apply("subtract", xv, x0)), y0)
        # NumPy: a NaN from one end is retried from the other, then y0 where both ends agree
        r2 = apply("add", apply("multiply", slope, apply("subtract", xv, x1)), y1)
        r2 = apply("where", apply("logical_and", apply("isnan", r2), apply("equal", y0, y1)), y0, r2)
        r = apply("where", apply("isnan", r), r2, r)
        r = apply("where", apply("equal", xv, x0), y0, r)
        res = apply("where", apply("equal", xv, xpv[n - 1]), fpv[n - 1], r)
    res = apply("where", apply("less", xv, xpv[0]), lval, res)
    res = apply("where", apply("greater", xv, xpv[n - 1]), rval, res)
    res = apply("where", apply("isnan", xv), xv if nan_x is None else nan_x, res)
    return astype(res, f64, copy=False)


# ----------------------------------------------------------------------------- convolve / correlate
_MODES = {"full": 2, "same": 1, "valid": 0, 2: 2, 1: 1, 0: 0}


def _correlate(a: GpuArray, v: GpuArray, mode, fname):
    """NumPy's ``correlate(a, v, mode)`` (``v`` not conjugated here): out[k] = sum_j a[k + j - pad] v[j],
    one reduction over (outputs x len(v)) reading ``a`` through a gathered window."""
    try:
        m = _MODES[mode]
    except (KeyError, TypeError):
        raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})") from None
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError("object too deep for desired array")
    na, nv = a.shape[0], v.shape[0]
    if na == 0:
        raise ValueError("a cannot be empty")
    if nv == 0:
        raise ValueError("v cannot be empty")
    ct = dt.result_type(a, v)
    a, v = astype(a, ct, copy=False), astype(v, ct, copy=False)
    if m == 0:
        nout, pad = max(na, nv) - min(na, nv) + 1, 0
    elif m == 1:
        nout, pad = max(na, nv), min(na, nv) // 2
    else:
        nout, pad = na + nv - 1, nv - 1
    # the padded a: zeros on both sides, gathered by window position (no window is stored)
    zeros_pad = full((pad,), 0, dtype=ct) if pad else None
    tail = max(0, nout + nv - 1 - pad - na)
    parts = [p for p in (zeros_pad, a, full((tail,), 0, dtype=ct) if tail else None) if p is not None]
    ap = concat(parts) if len(parts) > 1 else a
    leaf = ap._leaf() if not ap.is_lazy else astype(ap, ct, copy=True)._leaf()
    shape = (nout, nv)
    win = gather(leaf, offset_expr([(Iota(dt.int32, shape, 0), leaf.strides[0]),
                                    (Iota(dt.int32, shape, 1), leaf.strides[0])]), shape)
    vv = reshape(v, (1, nv))
    if pad or tail:
        # NumPy sums only the overlapping pairs: a padding zero times a NaN or infinite v is not 0
        p = apply("add", reshape(arange(nout, dtype=dt.int32), (nout, 1)), reshape(arange(nv, dtype=dt.int32), (1, nv)))
        inside = apply("logical_and", apply("greater_equal", p, pad), apply("less", p, pad + na))
        vv = apply("where", inside, vv, 0)
    return rsum(apply("multiply", win, vv), axis=1, dtype=ct)


def correlate(a, v, mode="valid"):
    """NumPy's ``correlate``: c[k] = sum_n a[n + k] * conj(v[n])."""
    a, v = _arr(a), _arr(v)
    if a.ndim == 0 or v.ndim == 0 or a.dtype.kind == "b" or v.dtype.kind == "b":
        return host_fallback(np.correlate, "correlate", (a, v), {"mode": mode})
    if v.dtype.kind == "c":
        v = apply("conjugate", v)
    if a.ndim == 1 and v.ndim == 1 and v.shape[0] > a.shape[0] > 0:
        return _correlate(v, a, mode, "correlate")[::-1]  # NumPy: the longer one slides, reversed
    return _correlate(a, v, mode, "correlate")


def convolve(a, v, mode="full"):
    """NumPy's ``convolve``: the correlation with the reversed shorter operand."""
    a, v = _arr(a), _arr(v)
    if a.ndim == 0 or v.ndim == 0 or a.dtype.kind == "b" or v.dtype.kind == "b":
        return host_fallback(np.convolve, "convolve", (a, v), {"mode": mode})
    if a.ndim == 1 and v.ndim == 1 and v.shape[0] > a.shape[0]:
        a, v = v, a
    if v.ndim == 1:
        v = v[::-1]
    return _correlate(a, v, mode, "convolve")


# ----------------------------------------------------------------------------- cov / corrcoef
def _cov_weights(w, n, what):
    """NumPy's checks of ``fweights``/``aweights`` (as float64; one flag read back per check)."""
    w = astype(_arr(w), dt.normalize(np.dtype(np.float64)))
    if w.ndim > 1:
        raise RuntimeError(f"cannot handle multidimensional {what}")
    if w.shape[0] != n:
        raise RuntimeError(f"incompatible numbers of samples and {what}")
    if what == "fweights" and not bool(all_(apply("equal", w, apply("rint", w)))):
        raise TypeError("fweights must be integer")
    if bool(any_(apply("less", w, 0))):
        raise ValueError(f"{what} cannot be negative")
    return w


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    """NumPy's ``cov``: the (weighted) centred data times its conjugate transpose, NumPy's
    normalisation (the weights' sum is read back: it decides the degrees-of-freedom warning)."""
    if ddof is not None and ddof != int(ddof):
        return host_fallback(np.cov, "cov", (m, y), {"rowvar": rowvar, "bias": bias, "ddof": ddof,
                                                     "fweights": fweights, "aweights": aweights, "dtype": dtype})
    x = _arr(m)
    if x.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    if dtype is None:
        dtype = np.result_type(x.dtype, np.float64) if y is None else np.result_type(x.dtype, _arr(y).dtype, np.float64)
    dtype = dt.normalize(np.dtype(dtype))
    x = astype(reshape(x, (1, -1)) if x.ndim < 2 else x, dtype)
    if not rowvar and x.shape[0] != 1:
        x = moveaxis(x, 0, 1)
    if x.shape[0] == 0:
        return host_fallback(np.cov, "cov", (m, y), {"rowvar": rowvar, "bias": bias, "ddof": ddof,
                                                     "fweights": fweights, "aweights": aweights, "dtype": dtype})
    if y is not None:
        yy = _arr(y)
        if yy.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
        yy = astype(reshape(yy, (1, -1)) if yy.ndim < 2 else yy, dtype)
        if not rowvar and yy.shape[0] != 1:
            yy = moveaxis(yy, 0, 1)
        x = concat([x, yy], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    n = x.shape[1]
    w = aw = None
    if fweights is not None:
        w = _cov_weights(fweights, n, "fweights")
    if aweights is not None:
        aw = _cov_weights(aweights, n, "aweights")
        w = aw if w is None else apply("multiply", w, aw)
    if w is None:
        fact = n - ddof
        avg = mean(x, axis=1, keepdims=True)
    else:
        w_sum = rsum(w)
        ws = float(w_sum.get())
        if ws == 0.0:
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = apply("divide", rsum(apply("multiply", x, w), axis=1, keepdims=True), w_sum)  # (NumPy's average)
        if ddof == 0:
            fact = ws
        elif aw is None:
            fact = ws - ddof
        else:
            fact = float(apply("subtract", w_sum, apply("divide", apply("multiply", ddof, rsum(apply("multiply", w, aw))),
                                                          w_sum)).get())
    if fact <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    xc = apply("subtract", x, avg)
    xw = xc if w is None else apply("multiply", xc, w)
    xt = moveaxis(apply("conjugate", xw) if dtype.kind == "c" else xw, 0, 1)
    c = apply("multiply", matmul(xc, xt), 1.0 / fact if fact else math.inf)
    return astype(squeeze(c), dtype, copy=False)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """NumPy's ``corrcoef``: ``cov`` normalised by the standard deviations (the square roots of
    the diagonal's real parts), real and imaginary parts clipped to [-1, 1]."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return apply("divide", c, c)
    d = reshape(c, (-1,))[:: c.shape[0] + 1]
    sd = apply("sqrt", apply("real", d) if c.dtype.kind == "c" else d)
    c = apply("divide", apply("divide", c, reshape(sd, (-1, 1))), reshape(sd, (1, -1)))
    if c.dtype.kind != "c":
        return astype(apply("minimum", apply("maximum", c, -1.0), 1.0), c.dtype, copy=False)
    re = apply("minimum", apply("maximum", apply("real", c), -1.0), 1.0)
    im = apply("minimum", apply("maximum", apply("imag", c), -1.0), 1.0)
    return astype(apply("add", re, apply("multiply", im, 1j)), c.dtype, copy=False)


# ----------------------------------------------------------------------------- diff-based helpers
def ediff1d(ary, to_end=None, to_begin=None):
    """NumPy's ``ediff1d``: differences of the flattened array (its dtype), with optional ends."""
    a = reshape(_arr(ary), (-1,))
    parts = [astype(apply("subtract", a[1:], a[:-1]), a.dtype, copy=False)]
    for end, label in ((to_begin, "to_begin"), (to_end, "to_end")):
        if end is None:
            continue
        e = reshape(_arr(end), (-1,))
        if not np.can_cast(e.dtype, a.dtype, casting="same_kind"):
            raise TypeError(f"dtype of `{label}` must be compatible with input `ary` under the `same_kind` rule.")
        e = astype(e, a.dtype, copy=False)
        parts = [e] + parts if label == "to_begin" else parts + [e]
    return concat(parts) if len(parts) > 1 else parts[0]


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """NumPy's ``trapezoid``: the sum of ``d * (y[1:] + y[:-1]) / 2`` along ``axis``."""
    y = _arr(y)
    if y.dtype.kind == "b":
        return host_fallback(np.trapezoid, "trapezoid", (y,), {"x": x, "dx": dx, "axis": axis})
    if x is None and _is_array(dx):  # NumPy broadcasts an array dx against y's slices as they are
        sl1, sl2 = [slice(None)] * y.ndim, [slice(None)] * y.ndim
        sl1[axis], sl2[axis] = slice(1, None), slice(None, -1)
        t = apply("multiply", _arr(dx), apply("add", y[tuple(sl1)], y[tuple(sl2)]))
        return rsum(apply("divide", t, 2.0), axis=axis)
    yy = moveaxis(y, axis, -1)
    if x is None:
        d = dx
    else:
        xx = _arr(x)
        if xx.ndim == 1:
            d = diff(xx)
        else:
            d = moveaxis(diff(xx, axis=axis), axis, -1)
    return rsum(apply("divide", apply("multiply", d, apply("add", yy[..., 1:], yy[..., :-1])), 2.0), axis=-1)


def gradient(f, *varargs, axis=None, edge_order=1):
    """NumPy's ``gradient``: scalar spacings or coordinate arrays (their differences; a constant
    one becomes its scalar, as NumPy reads back and decides), second-order accurate inside, first
    or second order at the edges, on the device."""
    f = _arr(f)
    if f.dtype.kind in "bc" or edge_order not in (1, 2):
        return host_fallback(np.gradient, "gradient", (f, *varargs), {"axis": axis, "edge_order": edge_order})
    n = f.ndim
    axes = tuple(range(n)) if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
    axes = tuple(a % n if -n <= a < n else np.exceptions.AxisError(a, n) for a in axes)
    for a in axes:
        if isinstance(a, Exception):
            raise a
    if len(varargs) == 0:
        dx = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        dx = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        dx = list(varargs)
    else:
        raise TypeError("invalid number of arguments")
    for i, d in enumerate(dx):
        if np.ndim(d) == 0:
            dx[i] = float(np.asarray(d.get() if isinstance(d, GpuArray) else d))
            continue
        d = _arr(d)
        if d.ndim != 1:
            raise ValueError("distances must be either scalars or 1d")
        if d.shape[0] != f.shape[axes[i]]:
            raise ValueError("when 1d, distances must match the length of the corresponding dimension")
        if d.dtype.kind in "iu":
            d = astype(d, dt.normalize(np.dtype(np.float64)))
        diffx = apply("subtract", d[1:], d[:-1])
        if diffx.shape[0] and bool(all_(apply("equal", diffx, diffx[0]))):  # (a constant spacing: the scalar)
            dx[i] = float(diffx[0].get())
        else:
            dx[i] = diffx
    ft = f.dtype if f.dtype.kind == "f" else dt.normalize(np.dtype(np.float64))
    if f.dtype.kind in "iu":
        f = astype(f, ft)
    out = []
    for ax, h in zip(axes, dx):
        m = f.shape[ax]
        if m < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        g = moveaxis(f, ax, -1)
        uniform = not isinstance(h, GpuArray)
        if uniform:
            mid = apply("divide", apply("subtract", g[..., 2:], g[..., :-2]), 2.0 * h)
        else:
            dx1, dx2 = h[:-1], h[1:]
            a = apply("negative", apply("divide", dx2, apply("multiply", dx1, apply("add", dx1, dx2))))
            b = apply("divide", apply("subtract", dx2, dx1), apply("multiply", dx1, dx2))
            c = apply("divide", dx1, apply("multiply", dx2, apply("add", dx1, dx2)))
            mid = apply("add", apply("add", apply("multiply", a, g[..., :-2]), apply("multiply", b, g[..., 1:-1])),
                        apply("multiply", c, g[..., 2:]))
        if edge_order == 1:
            d0, dn = (h, h) if uniform else (h[0], h[-1])
            first = apply("divide", apply("subtract", g[..., 1:2], g[..., 0:1]), d0)
            last = apply("divide", apply("subtract", g[..., -1:], g[..., -2:-1]), dn)
        else:
            if uniform:  # NumPy's coefficients, divided by the spacing first
                c0 = (-1.5 / h, 2.0 / h, -0.5 / h)
                cn = (0.5 / h, -2.0 / h, 1.5 / h)
            else:
                p1, p2 = h[0], h[1]
                c0 = (apply("divide", apply("negative", apply("add", apply("multiply", 2.0, p1), p2)),
                            apply("multiply", p1, apply("add", p1, p2))),
                      apply("divide", apply("add", p1, p2), apply("multiply", p1, p2)),
                      apply("negative", apply("divide", p1, apply("multiply", p2, apply("add", p1, p2)))))
                q1, q2 = h[-2], h[-1]
                cn = (apply("divide", q2, apply("multiply", q1, apply("add", q1, q2))),
                      apply("negative", apply("divide", apply("add", q2, q1), apply("multiply", q1, q2))),
                      apply("divide", apply("add", apply("multiply", 2.0, q2), q1),
                            apply("multiply", q2, apply("add", q1, q2))))
            first = apply("add", apply("add", apply("multiply", c0[0], g[..., 0:1]),
                                       apply("multiply", c0[1], g[..., 1:2])), apply("multiply", c0[2], g[..., 2:3]))
            last = apply("add", apply("add", apply("multiply", cn[0], g[..., -3:-2]),
                                      apply("multiply", cn[1], g[..., -2:-1])), apply("multiply", cn[2], g[..., -1:]))
        r = concat([astype(first, ft), astype(mid, ft), astype(last, ft)], axis=-1)
        out.append(moveaxis(r, -1, ax))
    return out[0] if len(axes) == 1 else tuple(out)


def unwrap(p, discont=None, axis=-1, *, period=2 * math.pi):
    """NumPy's ``unwrap`` for a float period: jumps larger than ``discont`` folded by ``period``."""
    p = _arr(p)
    if _is_array(period) or _is_array(discont) or isinstance(period, (int, np.integer)) and p.dtype.kind in "iub" \
            or p.dtype.kind == "c":
        return host_fallback(np.unwrap, "unwrap", (p,), {"discont": discont, "axis": axis, "period": period})
    period = float(period)
    if discont is None:
        discont = period / 2
    ft = p.dtype if p.dtype.kind == "f" else dt.normalize(np.dtype(np.float64))
    x = moveaxis(astype(p, ft, copy=False), axis, -1)
    if x.shape[-1] < 2:
        return astype(p, ft, copy=True)
    dd = apply("subtract", x[..., 1:], x[..., :-1])
    high = period / 2
    ddmod = apply("subtract", apply("remainder", apply("add", dd, high), period), high)
    ddmod = apply("where", apply("logical_and", apply("equal", ddmod, -high), apply("greater", dd, 0)), high, ddmod)
    corr = apply("subtract", ddmod, dd)
    corr = apply("where", apply("less", apply("absolute", dd), discont), 0.0, corr)
    tail = apply("add", x[..., 1:], cumsum(astype(corr, ft, copy=False), axis=-1))
    r = concat([x[..., :1], astype(tail, ft, copy=False)], axis=-1)
    return moveaxis(r, -1, axis)


__all__ = ["convolve", "corrcoef", "correlate", "cov", "ediff1d", "gradient", "interp", "trapezoid", "unwrap"]
