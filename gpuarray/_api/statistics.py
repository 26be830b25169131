"""Counting and order statistics on the device: ``bincount``, ``digitize``, ``histogram``,
``histogram_bin_edges``, ``percentile`` / ``quantile`` and their nan forms.

Built from the device pieces, no kernel of their own:
  bincount    counts: ``add.at`` into int32 words (a compare-and-swap per element), widened to
              int64; weights: one fused reduction over ``where(x == bin, w, 0)`` (float64 has no
              atomics) up to ``_ONE_HOT_LIMIT`` element-bin pairs; beyond, ``add.at`` into float64
              bins (the updates sorted by bin, each bin folded in input order: NumPy's bits).
  digitize    ``searchsorted`` on the bins (reversed for decreasing bins).
  histogram   the edges from NumPy on two numbers (the data's min and max, or ``range``; the bin
              count of the estimators 'auto', 'fd', 'sturges', 'rice', 'sqrt', 'scott', 'doane' from
              NumPy's formulas on the extremes, quartiles, standard deviation and skewness read
              back), the bin of each element by ``searchsorted`` on the
              edges, then the bincount above;
              ``histogramdd``/``histogram2d`` the same per coordinate, bins combined into one
              flat index (NumPy's ``ravel_multi_index`` over the bins plus two outlier bins).
  quantiles   a device sort of each slice (NaN last), the two neighbouring order statistics
              gathered per quantile, NumPy's ``_lerp``; with ``weights`` (method ``inverted_cdf``):
              values and weights sorted together, the weights' float64 running sum normalised
              (NumPy's cdf), the first element whose cdf reaches each quantile gathered.
NumPy's argument checks and result dtypes come from NumPy itself run on a two-element proxy of
the input's dtype (the rules depend on dtypes and arguments, never on the data).
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._graph.nodes import Iota
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply, astype
from .advanced import gather, offset_expr, embed
from .creation import asarray, full, zeros
from .interop import host_fallback
from .manipulation import broadcast_to, moveaxis, reshape, stack
from .reductions import _axes, any as rany, count_nonzero, cumsum_in_order, max as rmax, mean as rmean, min as rmin
from .reductions import std as rstd, sum as rsum
from .searching import searchsorted, take_along_axis
from .sorting import argsort, sort
from .ufunc_objects import at as ufunc_at

# weighted bincount as one reduction over (elements x bins): bounded work per call
_ONE_HOT_LIMIT = 1 << 28


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _host_pair(a: GpuArray, b: GpuArray):
    """Two device scalars read back in one transfer."""
    both = asarray([0, 0], dtype=np.result_type(a.dtype, b.dtype))
    both[0] = a
    both[1] = b
    h = both.get()
    return h[0], h[1]


# ----------------------------------------------------------------------------- bincount
def _bincount_into(idx: GpuArray, nbins: int, weights):
    """Counts (int64) or sums of ``weights`` (float64) of the in-range indices in ``idx``
    (values outside [0, nbins) are dropped)."""
    if weights is None:
        counts = zeros((nbins + 1,), dtype=dt.int32)  # the last word takes the dropped values
        if idx.size:
            i = apply("where", apply("logical_and", apply("greater_equal", idx, 0),
                                     apply("less", idx, nbins)), idx, nbins)
            ufunc_at(np.add, (counts, i, 1), {})
        return astype(counts[:nbins], dt.int64)
    wt = dt.float64
    if idx.size == 0:
        return zeros((nbins,), dtype=wt)
    if nbins * idx.size > _ONE_HOT_LIMIT:
        return _sorted_bin_sums(idx, nbins, weights)
    bins = reshape(asarray(np.arange(nbins, dtype=np.int64)), (nbins, 1))
    hit = apply("equal", reshape(idx, (1, idx.size)), bins)
    w = astype(reshape(weights, (1, idx.size)), wt, copy=False)
    return rsum(apply("where", hit, w, 0.0), axis=1)


def _sorted_bin_sums(idx: GpuArray, nbins: int, weights: GpuArray) -> GpuArray:
    """Sums of ``weights`` per bin of ``idx`` (float64; indices outside [0, nbins) dropped) in
    O(n log n): ``add.at`` into float64 bins, whose device path sorts the updates by bin and folds
    each bin's in input order, as NumPy's bincount does (the same bits, NaN and infinities
    included)."""
    sums = zeros((nbins + 1,), dtype=dt.float64)  # the last bin takes the dropped values
    i = apply("where", apply("logical_and", apply("greater_equal", idx, 0), apply("less", idx, nbins)), idx, nbins)
    ufunc_at(np.add, (sums, i, astype(weights, dt.float64)), {})
    return sums[:nbins]


def bincount(x, /, weights=None, minlength=0):
    """NumPy's ``bincount``: occurrences (or summed ``weights``) of each non-negative integer."""
    x = _arr(x)
    if weights is not None:
        weights = _arr(weights)
    if x.ndim != 1 or x.dtype.kind not in "biu" or (weights is not None and (
            weights.shape != x.shape or weights.dtype.kind not in "biuf")):
        return host_fallback(np.bincount, "bincount", (x,), {"weights": weights, "minlength": minlength})
    minlength = int(np.asarray(minlength)) if not isinstance(minlength, int) else minlength
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    if x.size:
        lo, hi = _host_pair(rmin(x), rmax(x))
        if int(lo) < 0:
            raise ValueError("'list' argument must have no negative elements")
        nbins = max(int(hi) + 1, minlength)
    else:  # NumPy's empty bincount is int64 zeros, weights or not
        return zeros((minlength,), dtype=dt.int64)
    if x.dtype not in (dt.int32, dt.int64):
        # indices, not a boolean mask; wide enough for the bin count (uint8 data with 256 bins)
        x = astype(x, dt.int64)
    return _bincount_into(x, nbins, weights)


# ----------------------------------------------------------------------------- digitize
def digitize(x, bins, right=False):
    """NumPy's ``digitize``: the bin of each value (``searchsorted`` on monotonic ``bins``)."""
    x, b = _arr(x), _arr(bins)
    if x.dtype.kind == "c" or b.dtype.kind == "c":
        raise TypeError("x may not be complex")
    if b.ndim != 1:
        raise ValueError("object too deep for desired array" if b.ndim > 1 else "object of too small depth for desired array")
    n = b.shape[0]
    increasing = True
    if n > 1:
        d = apply("subtract", b[1:], b[:-1]) if b.dtype.kind != "b" else apply("subtract", astype(b[1:], dt.int8), astype(b[:-1], dt.int8))
        inc, dec = _host_pair(rany(apply("less", d, 0)), rany(apply("greater", d, 0)))
        if inc and dec:
            raise ValueError("bins must be monotonically increasing or decreasing")
        increasing = not inc
    side = "left" if right else "right"
    if increasing:
        return searchsorted(b, x, side=side)
    r = searchsorted(b[::-1], x, side=side)
    return apply("subtract", n, r)


# ----------------------------------------------------------------------------- histogram
def _edges(a: GpuArray, bins, range, weights):
    """NumPy's bin edges, from two numbers when ``bins`` is a count (host work on the data only for
    the string estimators, which need it)."""
    if isinstance(bins, str):
        n = _estimated_bins(a, bins, range, weights)
        if n is None:  # the estimator that needs many histograms of the data (stone): NumPy's
            e = host_fallback(np.histogram_bin_edges, "histogram_bin_edges", (a, bins),
                              {"range": range, "weights": weights})
            return _arr(e)
        bins = n
    if isinstance(bins, (GpuArray, np.ndarray, list, tuple)) and np.ndim(bins if not isinstance(bins, GpuArray) else bins.get()) == 1:
        e = bins.get() if isinstance(bins, GpuArray) else np.asarray(bins)
        return asarray(np.histogram_bin_edges(np.empty(0, a.dtype), e))  # NumPy's checks of the edges
    if range is None and a.size:
        lo, hi = _host_pair(rmin(a), rmax(a))
        proxy = np.array([lo, hi], dtype=a.dtype)
    else:
        proxy = np.empty(0, a.dtype)
    return asarray(np.histogram_bin_edges(proxy, bins, range=range))


def _unsigned_subtract(a, b):
    """NumPy's histogram helper: ``a - b`` of integers computed in the unsigned type (no overflow)."""
    t = np.result_type(a, b)
    if t.kind == "i":
        return np.subtract(a, b, casting="unsafe", dtype=np.dtype(f"u{t.itemsize}"))
    return np.subtract(a, b, dtype=t)


# NumPy's bin width estimators from the sample size, its range, its quartiles (fd, auto), its
# standard deviation (scott, doane) and its skewness (doane), those read back from the device
def _doane(n, ptp, sigma, g1):
    if n > 2 and sigma > 0.0:
        sg1 = np.sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)))
        return ptp / (1.0 + np.log2(n) + np.log2(1.0 + np.absolute(g1) / sg1))
    return 0.0


_WIDTHS = {
    "sturges": lambda n, ptp, iqr, sigma, g1: ptp / (np.log2(n) + 1.0),
    "rice": lambda n, ptp, iqr, sigma, g1: ptp / (2.0 * n ** (1.0 / 3)),
    "sqrt": lambda n, ptp, iqr, sigma, g1: ptp / np.sqrt(n),
    "fd": lambda n, ptp, iqr, sigma, g1: 2.0 * iqr * n ** (-1.0 / 3.0),
    "scott": lambda n, ptp, iqr, sigma, g1: (24.0 * np.pi**0.5 / n)**(1.0 / 3.0) * sigma,
    "doane": lambda n, ptp, iqr, sigma, g1: _doane(n, ptp, sigma, g1),
}
_WIDTHS["auto"] = lambda n, ptp, iqr, sigma, g1: min(
    max(_WIDTHS["fd"](n, ptp, iqr, sigma, g1), _WIDTHS["sqrt"](n, ptp, iqr, sigma, g1) / 2),
    _WIDTHS["sturges"](n, ptp, iqr, sigma, g1))


def _estimated_bins(a: GpuArray, name, range, weights):
    """The bin count NumPy's estimator ``name`` gives (its code on the data's extremes and quartiles,
    read back), or None for the estimators left to NumPy."""
    if weights is not None or name not in _WIDTHS:
        return None  # (NumPy's errors for weights and unknown names, too)
    if range is not None:
        proxy_edges = np.histogram_bin_edges(np.empty(0, a.dtype), 1, range=range)  # NumPy's checks of range
        first, last = proxy_edges[0], proxy_edges[-1]
        keep = apply("logical_and", apply("greater_equal", a, first), apply("less_equal", a, last))
        a = a[keep]
    if a.size == 0:
        return 1
    lo, hi = _host_pair(rmin(a), rmax(a))
    if range is None:
        if not (np.isfinite(lo) and np.isfinite(hi)):
            return None  # NumPy's error for a range that is not finite
        first, last = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
    iqr = 0.0
    if name in ("fd", "auto"):
        q75, q25 = percentile(a, [75, 25]).get()
        iqr = np.subtract(q75, q25)
    sigma = g1 = None
    if name in ("scott", "doane"):
        sigma = rstd(a).get()[()]  # (a NumPy scalar of std's dtype, as NumPy's formula sees it)
        if name == "doane" and a.size > 2 and sigma > 0.0:
            temp = apply("subtract", a, rmean(a))
            temp = astype(apply("divide", temp, sigma), temp.dtype, copy=False)  # (NumPy divides in place)
            g1 = rmean(astype(apply("power", temp, 3), temp.dtype, copy=False)).get()[()]
    width = _WIDTHS[name](a.size, _unsigned_subtract(hi, lo), iqr, sigma, g1)
    if not width:
        return 1
    if a.dtype.kind in "iu" and width < 1:
        width = 1
    return int(np.ceil(_unsigned_subtract(last, first) / width))


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """NumPy's ``histogram_bin_edges`` (data read back only for the string estimators)."""
    a = reshape(_arr(a), (-1,))
    return _edges(a, bins, range, weights)


def histogram(a, bins=10, range=None, density=None, weights=None):
    """NumPy's ``histogram``: counts (or summed weights) per bin, and the edges."""
    a = reshape(_arr(a), (-1,))
    if weights is not None:
        weights = reshape(_arr(weights), (-1,))
        if weights.shape != a.shape:
            raise ValueError("weights should have the same shape as a.")
    if a.dtype.kind == "c" or (weights is not None and weights.dtype.kind not in "biuf"):
        return host_fallback(np.histogram, "histogram", (a,), {"bins": bins, "range": range, "density": density,
                                                              "weights": weights})
    edges = _edges(a, bins, range, weights)
    nb = edges.shape[0] - 1
    ct = dt.result_type(a, edges)
    av = astype(a, ct, copy=False)
    ev = astype(edges, ct, copy=False)
    idx = apply("subtract", searchsorted(ev, av, side="right"), 1)
    # the last edge closes the last bin; values outside the edges (and NaN) are dropped
    idx = apply("where", apply("equal", av, ev[nb]), nb - 1, idx)
    idx = apply("where", apply("isnan", av), -1, idx) if ct.kind == "f" else idx
    n = _bincount_into(idx, nb, weights)
    if weights is not None:
        n = astype(n, weights.dtype, copy=False)
    if density:
        db = astype(apply("subtract", edges[1:], edges[:-1]), dt.float64)
        return apply("divide", apply("divide", n, db), rsum(n)), edges
    return n, edges


def _sample_columns(sample):
    """NumPy's (N, D) view of a histogramdd sample: an (N, D) array, or a sequence of D 1-D arrays."""
    if isinstance(sample, (list, tuple)):
        cols = [reshape(_arr(c), (-1,)) if _arr(c).ndim == 0 else _arr(c) for c in sample]
        if any(c.ndim != 1 for c in cols) or len({c.shape for c in cols}) > 1:
            return None
        return stack(cols, axis=1) if cols else None
    s = _arr(sample)
    if s.ndim == 2:
        return s
    return reshape(s, (-1, 1)) if s.ndim <= 1 else None


def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    """NumPy's ``histogramdd``: the edges from NumPy on each coordinate's min and max (or ``range``),
    each sample's bin by ``searchsorted`` per coordinate, the flat bin indices counted by
    ``bincount`` (weights summed in float64), outlier bins cut off."""
    kw = {"bins": bins, "range": range, "density": density, "weights": weights}
    s = _sample_columns(sample)
    if s is None or s.dtype.kind not in "biuf" or (weights is not None and _arr(weights).dtype.kind not in "biuf") \
            or isinstance(bins, GpuArray) or (isinstance(bins, (list, tuple)) and any(isinstance(b, str) for b in bins)) \
            or isinstance(bins, str):
        return host_fallback(np.histogramdd, "histogramdd", (sample,), kw)
    n, d = s.shape
    hbins = [b.get() if isinstance(b, GpuArray) else b for b in bins] if isinstance(bins, (list, tuple)) else bins
    if n and range is None:  # the edges need each coordinate's extremes only
        mm = stack([rmin(s, axis=0), rmax(s, axis=0)]).get()
        proxy = mm
    else:
        proxy = np.empty((0, d), s.dtype)
    _, edges_h = np.histogramdd(proxy, hbins, range=range)  # NumPy's checks and edges
    if weights is not None:
        weights = reshape(_arr(weights), (-1,))
        if weights.shape[0] != n:
            raise ValueError("weights should have the same length as the sample")  # (NumPy's bincount error)
    nbin = [len(e) + 1 for e in edges_h]  # an outlier bin at each end
    flat = None
    for i, e in enumerate(edges_h):
        ev = asarray(e)
        ct = dt.result_type(s, ev)
        col = astype(s[:, i], ct, copy=False)
        ev = astype(ev, ct, copy=False)
        c = searchsorted(ev, col, side="right")
        c = apply("where", apply("equal", col, ev[len(e) - 1]), apply("subtract", c, 1), c)
        stride = int(np.prod(nbin[i + 1:], dtype=np.int64))
        term = apply("multiply", astype(c, dt.int64), stride)
        flat = term if flat is None else apply("add", flat, term)
    total = int(np.prod(nbin, dtype=np.int64))
    if flat is None or n == 0:
        hist = zeros(tuple(nbin), dtype=dt.float64)
    else:
        hist = reshape(astype(_bincount_into(flat, total, weights), dt.float64, copy=False), tuple(nbin))
    hist = hist[(slice(1, -1),) * d]
    if density:
        tot = rsum(hist)
        for i, e in enumerate(edges_h):
            shape = [1] * d
            shape[i] = len(e) - 1
            hist = apply("divide", hist, reshape(asarray(np.diff(e)), tuple(shape)))
        hist = apply("divide", hist, tot)
    return hist, [asarray(e) for e in edges_h]


def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    """NumPy's ``histogram2d``: ``histogramdd`` of the two coordinates."""
    x, y = _arr(x), _arr(y)
    if x.shape[:1] != y.shape[:1] or len(x) != len(y):
        raise ValueError("x and y must have the same length.")
    try:
        nb = len(bins)
    except TypeError:
        nb = 1
    if nb != 1 and nb != 2:
        bins = [bins, bins]
    hist, edges = histogramdd([x, y], bins, range, density, weights)
    return hist, edges[0], edges[1]


# ----------------------------------------------------------------------------- quantiles
_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")
# NumPy's continuous methods: the virtual index n q + (alpha + q (1 - alpha - beta)) - 1
_ALPHA_BETA = {"interpolated_inverted_cdf": (0.0, 1.0), "hazen": (0.5, 0.5), "weibull": (0.0, 0.0),
               "median_unbiased": (1 / 3.0, 1 / 3.0), "normal_unbiased": (3 / 8.0, 3 / 8.0)}
# and its discrete ones (an element of the sorted slice, or the mean of two: averaged_inverted_cdf)
_DISCRETE = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation")


def _take_last(arr: GpuArray, idx: GpuArray) -> GpuArray:
    """``arr[..., idx[..., j]]`` for indices in range by construction: ``idx`` has arr's leading
    shape and any length along the last axis."""
    leaf = arr._leaf()
    il = astype(idx, dt.int32, copy=True)._leaf()
    shape, ax = il.shape, len(il.shape) - 1
    terms = [(embed(il, il.shape, 0, len(shape)), leaf.strides[ax])]
    terms += [(Iota(dt.int32, shape, d), leaf.strides[d]) for d in range(len(shape)) if d != ax]
    return gather(leaf, offset_expr(terms), shape)


def _quantile(name, a, q, axis, out, method, keepdims, scale, skip_nan, interpolation=None, weights=None):
    kw = {"axis": axis, "out": out, "method": method, "keepdims": keepdims}
    if weights is not None and interpolation is None:
        return _weighted_quantile(name, a, q, axis, out, method, keepdims, scale, weights, skip_nan)
    if interpolation is not None or weights is not None:
        kw.update(interpolation=interpolation, weights=weights)
        return host_fallback(getattr(np, name), name, (a, q), kw)
    x = _arr(a)
    qh = q.get() if isinstance(q, GpuArray) else q
    if method not in _METHODS + tuple(_ALPHA_BETA) + _DISCRETE or x.dtype.kind not in "biuf":
        return host_fallback(getattr(np, name), name, (x, q), kw)
    # NumPy's checks and result dtype, on a proxy of x's dtype
    proxy = np.ones(2, dtype=x.dtype)
    rt = np.dtype(getattr(np, name)(proxy, qh, method=method).dtype)
    qa = np.true_divide(np.asanyarray(qh), scale) if scale != 1 else np.asanyarray(qh, dtype=np.float64 if np.asanyarray(qh).dtype.kind in "biu" else None)
    axes = _axes(axis, x.ndim)
    kshape = tuple(1 if d in axes else s for d, s in enumerate(x.shape))
    rshape = kshape if keepdims else tuple(s for d, s in enumerate(x.shape) if d not in axes)
    keep = [d for d in range(x.ndim) if d not in axes]
    xs = moveaxis(x, axes, tuple(range(len(keep), x.ndim))) if x.ndim else x
    xs = reshape(xs, tuple(xs.shape[: len(keep)]) + (-1,))
    n = xs.shape[-1]
    if n == 0:
        return host_fallback(getattr(np, name), name, (x, q), kw)
    lead = xs.shape[:-1]
    qf = np.asarray(qa, dtype=np.float64).ravel()
    m = qf.size
    srt = sort(xs, axis=-1)
    isf = x.dtype.kind == "f"
    if skip_nan and isf:
        cnt = count_nonzero(apply("logical_not", apply("isnan", xs)), axis=-1, keepdims=True)
        cntf = astype(cnt, dt.float64)
        hasnan = None
    else:
        cnt, cntf = n, float(n)
        hasnan = rany(apply("isnan", xs), axis=-1, keepdims=True) if isf else None
    qd = reshape(asarray(qf), (1,) * len(lead) + (m,))
    last = apply("maximum", apply("subtract", cntf, 1.0), 0.0)
    if method in _ALPHA_BETA or method in _DISCRETE:
        return _finish_quantile(_other_methods(method, srt, qd, cntf, last, lead, m, rt), isf, cnt, hasnan, rt, qa,
                                rshape, out)
    vi = apply("multiply", qd, last)
    if method == "lower":
        vi = apply("floor", vi)
    elif method == "higher":
        vi = apply("ceil", vi)
    elif method == "nearest":
        vi = apply("rint", vi)
    elif method == "midpoint":
        vi = apply("multiply", 0.5, apply("add", apply("floor", vi), apply("ceil", vi)))
    prev = apply("minimum", apply("maximum", apply("floor", vi), 0.0), last)
    prev = broadcast_to(prev, lead + (m,))
    if method in ("lower", "higher", "nearest"):
        res = astype(_take_last(srt, astype(prev, dt.int64)), rt, copy=False)
    else:
        nxt = apply("minimum", apply("add", prev, 1.0), last)
        res = _lerp(srt, prev, nxt, apply("subtract", vi, prev), rt)
    return _finish_quantile(res, isf, cnt, hasnan, rt, qa, rshape, out)


def _finish_quantile(res, isf, cnt, hasnan, rt, qa, rshape, out):
    """NaN where a slice held one (or, for the nan forms, nothing), the result dtype, the
    quantile axis first, then the kept axes; ``out``."""
    if isf:
        bad = apply("equal", cnt, 0) if hasnan is None else hasnan
        res = apply("where", bad, float("nan"), res)
    if res.dtype != rt:
        res = astype(res, rt)
    return _placed(res, qa, rshape, out)


def _placed(res, qa, rshape, out):
    """The quantile axis (last) moved first, the kept axes after it; written to ``out`` if given."""
    res = reshape(moveaxis(res, -1, 0), np.shape(qa) + rshape)
    if out is not None:
        out[...] = res
        return out
    return res


def _lerp(srt, prev, nxt, gamma, rt):
    """NumPy's ``_lerp`` of the sorted slices' elements at ``prev`` and ``nxt`` (float indices)."""
    va = _take_last(srt, astype(prev, dt.int64))
    vb = _take_last(srt, astype(nxt, dt.int64))
    diff = apply("subtract", vb, va)
    g = astype(gamma, rt, copy=False)  # NumPy's gamma meets the values in the result dtype
    low = apply("add", va, apply("multiply", diff, g))
    high = apply("subtract", vb, apply("multiply", diff, apply("subtract", 1.0, g)))
    return astype(apply("where", apply("greater_equal", g, 0.5), high, low), rt, copy=False)


def _other_methods(method, srt, qd, cntf, last, lead, m, rt):
    """NumPy's continuous methods (a virtual index from alpha and beta, clipped to the slice as
    NumPy's ``_get_indexes`` does, then its lerp) and discrete ones (``_inverted_cdf``,
    ``_closest_observation``: an element; ``averaged_inverted_cdf``: gamma 1, or 0.5 on an exact
    index)."""
    nq = apply("multiply", cntf, qd)
    if method in _ALPHA_BETA:
        alpha, beta = _ALPHA_BETA[method]
        vi = apply("subtract", apply("add", nq, apply("add", alpha, apply("multiply", qd, 1 - alpha - beta))), 1)
    elif method == "closest_observation":
        vi = apply("subtract", apply("subtract", nq, 1), 0.5)
    else:
        vi = apply("subtract", nq, 1)
    floor = apply("floor", vi)
    if method in ("inverted_cdf", "closest_observation"):
        gamma = apply("subtract", vi, floor)
        cond = apply("equal", gamma, 0.0)
        if method == "closest_observation":
            cond = apply("logical_and", cond, apply("equal", apply("remainder", floor, 2.0), 1.0))
        idx = apply("where", cond, floor, apply("add", floor, 1.0))
        idx = apply("minimum", apply("maximum", idx, 0.0), last)  # (NumPy clips below; above, q <= 1 keeps it)
        idx = broadcast_to(idx, lead + (m,))
        return astype(_take_last(srt, astype(idx, dt.int64)), rt, copy=False)
    above = apply("greater_equal", vi, last)
    below = apply("less", vi, 0.0)
    prev = apply("where", above, last, apply("where", below, 0.0, floor))
    nxt = apply("where", above, last, apply("where", below, 0.0, apply("add", floor, 1.0)))
    gamma = apply("subtract", vi, prev)
    if method == "averaged_inverted_cdf":
        gamma = apply("where", apply("equal", gamma, 0.0), 0.5, 1.0)
    prev, nxt, gamma = (broadcast_to(v, lead + (m,)) for v in (prev, nxt, gamma))
    return _lerp(srt, prev, nxt, gamma, rt)


def _weighted_quantile(name, a, q, axis, out, method, keepdims, scale, weights, skip_nan=False):
    """NumPy's weighted ``quantile``/``percentile`` (method ``inverted_cdf``) on the device; the nan
    forms (``skip_nan``) give NaN values no weight (they sort last) and all-NaN slices NaN."""
    kw = {"axis": axis, "out": out, "method": method, "keepdims": keepdims, "weights": weights}
    x, w = _arr(a), _arr(weights)
    qh = q.get() if isinstance(q, GpuArray) else q
    if x.dtype.kind not in "biuf" or w.dtype.kind not in "biuf" or x.size == 0:
        return host_fallback(getattr(np, name), name, (x, q), kw)
    # NumPy's checks of q and method, and the result dtype, on a proxy of x's dtype
    rt = np.dtype(getattr(np, name)(np.ones(2, dtype=x.dtype), qh, method=method, weights=np.ones(2)).dtype)
    axes = _axes(axis, x.ndim)
    if w.shape != x.shape:
        if len(axes) == 1 and w.ndim == 1 and w.shape[0] == x.shape[axes[0]] and not (skip_nan and x.ndim > 1):
            shape = [1] * x.ndim
            shape[axes[0]] = w.shape[0]
            w = broadcast_to(reshape(w, tuple(shape)), x.shape)
        else:  # NumPy's error for the shapes
            return host_fallback(getattr(np, name), name, (x, q), kw)
    if bool(rany(apply("less", w, 0)).get()):
        raise ValueError("Weights must be non-negative.")
    qa = np.true_divide(np.asanyarray(qh), scale) if scale != 1 else np.asanyarray(qh)
    if qa.dtype.kind != "f":
        qa = qa.astype(np.float64)
    kshape = tuple(1 if d in axes else s for d, s in enumerate(x.shape))
    rshape = kshape if keepdims else tuple(s for d, s in enumerate(x.shape) if d not in axes)
    keep = [d for d in range(x.ndim) if d not in axes]

    def lastaxes(v):
        v = moveaxis(v, axes, tuple(range(len(keep), x.ndim))) if x.ndim else v
        return reshape(v, tuple(v.shape[: len(keep)]) + (-1,))

    xs, ws = lastaxes(x), lastaxes(w)
    nan_x = skip_nan and x.dtype.kind == "f"
    if nan_x:
        ws = apply("where", apply("isnan", xs), 0.0, astype(ws, dt.float64))
    n = xs.shape[-1]
    lead = xs.shape[:-1]
    order = argsort(xs, axis=-1, stable=True)
    srt = take_along_axis(xs, order, axis=-1)
    # NumPy's cdf bit for bit (a quantile on a cdf value is compared for equality): an in-order scan
    cdf = cumsum_in_order(take_along_axis(ws, order, axis=-1), -1, dt.float64)
    cdf = apply("true_divide", cdf, cdf[..., n - 1:])
    bad = apply("isnan", cdf[..., n - 1])
    all_nan = None
    if nan_x:  # an all-NaN slice is NaN, not an error
        all_nan = apply("isnan", srt[..., 0])
        bad = apply("logical_and", bad, apply("logical_not", all_nan))
    if bool(rany(bad).get()):
        raise ValueError("Weights included NaN, inf or were all zero.")
    if qa.dtype != np.float64:  # NumPy compares in the quantiles' dtype
        cdf = astype(cdf, dt.normalize(qa.dtype))
    # leading zero weights: their cdf of 0 must not take quantile 0 (NumPy sets them to -1)
    cdf = apply("where", apply("equal", cdf, 0), -1.0, cdf)
    qf = qa.ravel()
    m = qf.size
    qd = reshape(asarray(qf), (1,) * len(lead) + (m, 1))
    below = apply("less", reshape(cdf, lead + (1, n)), qd)
    idx = apply("minimum", count_nonzero(below, axis=-1), n - 1)
    res = _take_last(srt, broadcast_to(idx, lead + (m,)))
    if x.dtype.kind == "f":
        nan_slice = apply("isnan", srt[..., n - 1:]) if not nan_x else reshape(all_nan, lead + (1,))
        res = apply("where", nan_slice, float("nan"), res)
    return _placed(astype(res, rt, copy=False), qa, rshape, out)


def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
             weights=None, interpolation=None):
    """NumPy's ``quantile`` (every method on the device; weights with ``inverted_cdf``)."""
    return _quantile("quantile", a, q, axis, out, method, keepdims, 1, False, interpolation, weights)


def percentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
               weights=None, interpolation=None):
    """NumPy's ``percentile`` (methods linear, lower, higher, nearest, midpoint on the device; weights with
    ``inverted_cdf``)."""
    return _quantile("percentile", a, q, axis, out, method, keepdims, 100, False, interpolation, weights)


def nanquantile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                weights=None, interpolation=None):
    """NumPy's ``nanquantile``: quantiles of the non-NaN values (NaN for an all-NaN slice)."""
    return _quantile("nanquantile", a, q, axis, out, method, keepdims, 1, True, interpolation, weights)


def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False, *,
                  weights=None, interpolation=None):
    """NumPy's ``nanpercentile``: percentiles of the non-NaN values (NaN for an all-NaN slice)."""
    return _quantile("nanpercentile", a, q, axis, out, method, keepdims, 100, True, interpolation, weights)


__all__ = ["bincount", "digitize", "histogram", "histogram2d", "histogram_bin_edges", "histogramdd", "nanpercentile", "nanquantile",
           "percentile", "quantile"]
