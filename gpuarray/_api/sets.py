"""Set functions on the device: the array API ``unique_values``/``unique_counts``/
``unique_inverse``/``unique_all``, NumPy's ``unique`` and ``isin``.

Every ``unique`` is one stable device sort of the flattened array (``_sorting``), then:
  flags   = the first element of each run of equal sorted values (adjacent difference),
  starts  = positions of the flags (device compaction; only the count is read back),
  values  = sorted[starts];  indices = order[starts] (the sort is stable: first occurrences);
  counts  = difference of consecutive starts;
  inverse = cumsum(flags) - 1, scattered back through the sort order.
NaN: the array API functions treat every NaN as distinct (NaN != NaN), so each NaN is its own
value with count 1. NumPy's ``unique`` collapses NaNs into one (``equal_nan=True``, its default).
-0.0 and 0.0 are equal (the sort keeps the first in sorted order).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._graph.nodes import Cast, new_leaf
from .advanced import contiguous, mask_coords
from .creation import asarray, full, ones, zeros
from .._lazy.elementwise import apply, astype
from .._device.fallback import host_call
from .manipulation import concat, moveaxis, reshape
from .reductions import any as rany, cumsum
from .searching import searchsorted, take
from .sorting import _argsort_leaf, _gather_rows, argsort, sort


class UniqueAllResult(NamedTuple):
    values: GpuArray
    indices: GpuArray
    inverse_indices: GpuArray
    counts: GpuArray


class UniqueCountsResult(NamedTuple):
    values: GpuArray
    counts: GpuArray


class UniqueInverseResult(NamedTuple):
    values: GpuArray
    inverse_indices: GpuArray


def _arr(x) -> GpuArray:
    if isinstance(x, GpuArray):
        return x
    return asarray(x)


def _empty(dtype, shape=(0,)) -> GpuArray:
    return GpuArray(new_leaf(dtype, shape))


def _unique(x: GpuArray, *, equal_nan: bool, want_index: bool, want_inverse: bool, want_counts: bool):
    """(values, indices, inverse (flat), counts) of the flattened x; unrequested parts are None."""
    idt = dt.default_int()
    flat = reshape(x, (-1,))
    n = flat.shape[0]
    if n == 0:
        e = _empty(idt)
        return _empty(x.dtype), e if want_index else None, e if want_inverse else None, e if want_counts else None
    src = contiguous(flat)
    order = _argsort_leaf(src, 1, n, False)  # (1, n) int32 view
    srt = GpuArray(_gather_rows(src, order, 1, n, (n,))._leaf())
    neq = apply("not_equal", srt[1:], srt[:-1])
    if equal_nan and x.dtype.kind in "fc":
        both = apply("logical_and", apply("isnan", srt[1:]), apply("isnan", srt[:-1]))
        neq = apply("logical_and", neq, apply("logical_not", both))
    flags = concat((ones((1,), dtype=dt.bool_), neq))
    starts = mask_coords(flags, idt)[0]
    values = srt[starts]
    indices = inverse = counts = None
    order_flat = GpuArray(order)[0]
    if want_index:
        indices = GpuArray(Cast(order_flat[starts]._leaf(), idt))
    if want_counts:
        ends = concat((starts[1:], _full_const(n, idt)))
        counts = apply("subtract", ends, starts)
    if want_inverse:
        gid = apply("subtract", cumsum(flags, dtype=idt), 1)
        inv = GpuArray(new_leaf(idt, (n,)))
        inv[order_flat] = gid
        inverse = inv
    return values, indices, inverse, counts


def _full_const(v, dtype) -> GpuArray:
    return full((1,), v, dtype=dtype)


def unique_values(x, /) -> GpuArray:
    """The distinct values of x, sorted (1-D); every NaN is a distinct value."""
    return _unique(_arr(x), equal_nan=False, want_index=False, want_inverse=False, want_counts=False)[0]


def unique_counts(x, /) -> UniqueCountsResult:
    """(values, counts): the distinct values of x and how often each occurs."""
    v, _, _, c = _unique(_arr(x), equal_nan=False, want_index=False, want_inverse=False, want_counts=True)
    return UniqueCountsResult(v, c)


def unique_inverse(x, /) -> UniqueInverseResult:
    """(values, inverse_indices): ``values[inverse_indices]`` rebuilds x (inverse has x's shape)."""
    x = _arr(x)
    v, _, inv, _ = _unique(x, equal_nan=False, want_index=False, want_inverse=True, want_counts=False)
    return UniqueInverseResult(v, reshape(inv, x.shape))


def unique_all(x, /) -> UniqueAllResult:
    """(values, indices of first occurrences, inverse_indices with x's shape, counts)."""
    x = _arr(x)
    v, i, inv, c = _unique(x, equal_nan=False, want_index=True, want_inverse=True, want_counts=True)
    return UniqueAllResult(v, i, reshape(inv, x.shape), c)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
           sorted=True):
    """NumPy's ``unique`` over the flattened array, or of the slices along ``axis`` (``_unique_slices``)."""
    if axis is not None:
        x = _arr(ar)
        if x.ndim and x.size and x.dtype.kind in "biufc" and x.size // x.shape[axis % x.ndim] > 0:
            return _unique_slices(x, axis, return_index, return_inverse, return_counts)
        res = host_call(np.unique, "unique(axis=...)", (x.get(),),
                        dict(return_index=return_index, return_inverse=return_inverse, return_counts=return_counts,
                             axis=axis, equal_nan=equal_nan))
        return tuple(asarray(r) for r in res) if isinstance(res, tuple) else asarray(res)
    x = _arr(ar)
    v, i, inv, c = _unique(x, equal_nan=equal_nan, want_index=return_index, want_inverse=return_inverse,
                           want_counts=return_counts)
    out = [v]
    if return_index:
        out.append(i)
    if return_inverse:
        out.append(reshape(inv, x.shape))
    if return_counts:
        out.append(c)
    return out[0] if len(out) == 1 else tuple(out)


def _unique_slices(x: GpuArray, axis, return_index, return_inverse, return_counts):
    """``unique`` of the slices along ``axis``, as NumPy's (which views each slice as one record
    of fields): the slices sorted lexicographically by their elements (stable argsorts, the last
    element first; a -0.0 sorts as 0.0, since records compare values), a slice kept where it
    differs from the one before (a NaN never equals), then NumPy's index, inverse (1-D) and counts."""
    try:
        ax = axis % x.ndim if -x.ndim <= axis < x.ndim else np.exceptions.AxisError(axis, x.ndim)
    except TypeError:
        raise TypeError(f"'{type(axis).__name__}' object cannot be interpreted as an integer") from None
    if isinstance(ax, Exception):
        raise ax
    moved = moveaxis(x, ax, 0)
    n = moved.shape[0]
    rows = reshape(moved, (n, -1))
    m = rows.shape[1]
    keyed = apply("add", rows, 0) if x.dtype.kind in "fc" else rows  # (-0.0 + 0 is 0.0: records compare values)
    order = None
    for j in range(m - 1, -1, -1):
        col = keyed[:, j] if order is None else take(keyed[:, j], order)
        step = argsort(col, stable=True)
        order = step if order is None else take(order, step)
    aux = take(rows, order, axis=0)
    if n > 1:
        diff = rany(apply("not_equal", aux[1:], aux[:-1]), axis=1)
        mask = concat([ones((1,), dtype=dt.bool_), diff])
    else:
        mask = ones((n,), dtype=dt.bool_)
    idx = mask_coords(mask, dt.default_int(), flat=True)[0]
    uniq = take(aux, idx, axis=0)
    out = [moveaxis(reshape(uniq, (uniq.shape[0],) + moved.shape[1:]), 0, ax)]
    if return_index:
        out.append(take(order, idx))
    if return_inverse:
        imask = apply("subtract", cumsum(astype(mask, dt.default_int())), 1)
        inv = zeros((n,), dtype=dt.default_int())
        inv[order] = imask
        out.append(inv)
    if return_counts:
        out.append(apply("subtract", concat([idx[1:], full((1,), n, dtype=idx.dtype)]), idx))
    return out[0] if len(out) == 1 else tuple(out)


def isin(element, test_elements, /, assume_unique=False, invert=False, *, kind=None):
    """Whether each element of ``element`` occurs in ``test_elements`` (its shape); one device
    sort of the test elements and a binary search per element. NaN is never found."""
    py = (bool, int, float, complex)
    scalar_x = isinstance(element, py) and not isinstance(element, np.generic)
    if scalar_x and isinstance(test_elements, GpuArray):
        x = _arr(np.asarray(element, dtype=dt.result_type(test_elements.dtype, element)))
    else:
        x = _arr(element)
    if isinstance(test_elements, py) and not isinstance(test_elements, np.generic):
        t = _arr(np.asarray(test_elements, dtype=dt.result_type(x.dtype, test_elements)))
    else:
        t = _arr(test_elements)
    if t.size == 0 or x.size == 0:
        return full(x.shape, bool(invert), dtype=dt.bool_)
    s = sort(reshape(t, (-1,)))
    m = s.shape[0]
    xf = reshape(x, (-1,))
    pos = searchsorted(s, xf)
    pos = apply("minimum", pos, m - 1)
    found = apply("equal", s[pos], xf)
    if invert:
        found = apply("logical_not", found)
    return reshape(found, x.shape)


__all__ = ["UniqueAllResult", "UniqueCountsResult", "UniqueInverseResult", "isin", "unique", "unique_all",
           "unique_counts", "unique_inverse", "unique_values"]
