"""numpy.ma's set functions on the device: ``unique``, ``in1d``, ``isin``, ``intersect1d``, ``union1d``,
``setdiff1d``, ``setxor1d``.

numpy.ma defines them by NumPy's sorting algorithms run on masked arrays: masked elements sort last
(real floats: as NaN, among the NaNs in their order), neighbours compare with numpy.ma's comparison
rules (two masked elements are equal, a masked and an unmasked one differ), so ``unique`` collapses
the masked elements into one masked entry. Here the same steps run on the data and the mask on the
device: the namespace's ``unique`` where nothing is masked, otherwise a stable masked argsort, the
neighbour comparisons, boolean gathers and a scatter for the inverse. Where the last of the masked and
NaN elements (the sorted array's tail, in their order) is an unmasked NaN, numpy.ma's ``unique`` takes
NumPy's NaN branch, a binary search over data that is not sorted under the mask: that is NumPy's on
the host (counted).
"""
from __future__ import annotations

import numpy as np

from .._graph import dtypes as dt
from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from . import masked as _ma
from . import sets as _sets
from .creation import arange, asarray, ones, zeros
from .host import host_fallback
from .manipulation import concatenate as _join, reshape, stack
from .masked import MaskedGpuArray, _m
from .reductions import any as _any, cumsum, max as _max
from .sorting import argsort as _argsort


def _flat(x) -> MaskedGpuArray:
    return _m(x if isinstance(x, (MaskedGpuArray, GpuArray)) else asarray(np.asarray(x))).ravel()


def _cat(parts) -> MaskedGpuArray:
    """1-D masked arrays joined (numpy.ma's ``concatenate``, its mask not shrunk: the steps below
    read masks only through comparisons and gathers)."""
    d = _join([p._data for p in parts])
    if all(p._mask is None for p in parts):
        return _ma._result(d, None)
    return _ma._result(d, _join([p._mask_full() for p in parts]))


def _masked_and_nan_last(x: MaskedGpuArray):
    """(any element masked, whether the last masked-or-NaN element is an unmasked NaN), in one read:
    numpy.ma's ``unique`` takes NumPy's NaN branch then (the tail of the sorted array is the masked and
    NaN elements in their order)."""
    if x._mask is None:
        return False, False
    flags = [_any(x._mask)]
    if x.dtype.kind in "fc":
        pos = arange(x.size, dtype=dt.default_int())
        nan = apply("logical_and", apply("isnan", x._data), apply("logical_not", x._mask))
        flags.append(apply("greater", _max(apply("where", nan, pos, -1)), _max(apply("where", x._mask, pos, -1))))
    got = stack(flags).get() if x.size else np.zeros(2, bool)
    return bool(got[0]), (bool(got[1]) if len(got) > 1 else False)


def unique(ar1, return_index=False, return_inverse=False):
    """numpy.ma's ``unique``: the sorted unique unmasked values, then one masked entry where any
    element is masked (``return_index``: first positions; ``return_inverse``: positions in the result)."""
    src = _m(ar1 if isinstance(ar1, (MaskedGpuArray, GpuArray)) else asarray(np.asarray(ar1)))
    x = src.ravel()
    has_mask, nan_last = _masked_and_nan_last(x)
    if has_mask and nan_last:
        res = host_fallback(np.ma.unique, "ma.unique", (src.get(),),
                            {"return_index": return_index, "return_inverse": return_inverse})
        return _ma._to_device(res)
    if not has_mask:
        r = _sets.unique(x._data, return_index=return_index, return_inverse=return_inverse)
        # (NumPy's unique wraps its result in the input's class: the fill value is kept)
        if isinstance(r, tuple):
            out = (_ma._result(r[0], None, src._fill_value),) + tuple(r[1:])
            return out[:-1] + (reshape(out[-1], src.shape),) if return_inverse else out
        return _ma._result(r, None, src._fill_value)
    n = x.size
    perm = _ma._sort_order(x, 0, True, None)
    aux = x[perm]
    if n:
        ne = _ma._compare("not_equal", aux[1:], aux[:-1])._data
        flag = _join([ones(1, dtype=dt.bool_), ne])
    else:
        flag = zeros(0, dtype=dt.bool_)
    out = [aux[flag]]
    if return_index:
        out.append(perm[flag])
    if return_inverse:
        inv = zeros(n, dtype=dt.default_int())
        if n:
            inv[perm] = apply("subtract", cumsum(flag, dtype=dt.default_int()), 1)
        out.append(reshape(inv, src.shape))
    return out[0] if len(out) == 1 else tuple(out)


def in1d(ar1, ar2, assume_unique=False, invert=False):
    """numpy.ma's ``in1d``: whether each element of ``ar1`` is in ``ar2`` (masked elements match masked
    ones), masked where numpy.ma's neighbour comparison is."""
    if not assume_unique:
        a1, rev = unique(ar1, return_inverse=True)
        a2 = unique(ar2)
        rev = reshape(rev, (-1,))
    else:
        a1, a2 = _m(ar1), _m(ar2)
        if a1.ndim != 1 or a2.ndim != 1:  # (numpy.ma joins them along their first axis)
            return _ma._host(np.ma.in1d, "ma.in1d", (ar1, ar2), {"assume_unique": True, "invert": invert})
    ar = _cat([a1, a2])
    order = _ma._sort_order(ar, 0, True, None)
    sar = ar[order]
    bool_ar = _ma._compare("not_equal" if invert else "equal", sar[1:], sar[:-1])
    last = zeros(1, dtype=dt.bool_) if not invert else ones(1, dtype=dt.bool_)
    flag_d = _join([bool_ar._data, last])
    flag_m = None if bool_ar._mask is None else _join([bool_ar._mask, zeros(1, dtype=dt.bool_)])
    indx = _argsort(order, kind="stable")[:a1.size]
    idx = indx if assume_unique else indx[rev]
    return _ma._result(flag_d[idx], None if flag_m is None else flag_m[idx])


def isin(element, test_elements, assume_unique=False, invert=False):
    """numpy.ma's ``isin``: ``in1d`` in the shape of ``element``."""
    e = _m(element if isinstance(element, (MaskedGpuArray, GpuArray)) else asarray(np.asarray(element)))
    if assume_unique and e.ndim != 1:
        return _ma._host(np.ma.isin, "ma.isin", (element, test_elements),
                         {"assume_unique": True, "invert": invert})
    return in1d(e.ravel(), test_elements, assume_unique=assume_unique, invert=invert).reshape(e.shape)


def intersect1d(ar1, ar2, assume_unique=False):
    """numpy.ma's ``intersect1d``: the values in both (one masked entry when both hold masked ones)."""
    if assume_unique:
        a1, a2 = _m(ar1), _m(ar2)
        if a1.ndim != 1 or a2.ndim != 1:
            return _ma._host(np.ma.intersect1d, "ma.intersect1d", (ar1, ar2), {"assume_unique": True})
        aux = _cat([a1, a2])
    else:
        aux = _cat([unique(ar1), unique(ar2)])
    aux = _ma.sort(aux)
    return aux[:-1][_ma._compare("equal", aux[1:], aux[:-1])._data]


def union1d(ar1, ar2):
    """numpy.ma's ``union1d``: ``unique`` of both, flattened and joined."""
    return unique(_cat([_flat(ar1), _flat(ar2)]))


def setdiff1d(ar1, ar2, assume_unique=False):
    """numpy.ma's ``setdiff1d``: the unique values of ``ar1`` not in ``ar2``."""
    if assume_unique:
        a1 = _flat(ar1)
    else:
        a1, ar2 = unique(ar1), unique(ar2)
    return a1[in1d(a1, ar2, assume_unique=True, invert=True)._data]


def setxor1d(ar1, ar2, assume_unique=False):
    """numpy.ma's ``setxor1d``: the values in exactly one of the two (compared as filled data)."""
    if not assume_unique:
        ar1, ar2 = unique(ar1), unique(ar2)
    aux = _cat([_flat(ar1), _flat(ar2)])
    if aux.size == 0:
        return aux
    aux = _ma.sort(aux)
    auxf = aux.filled()
    t = ones(1, dtype=dt.bool_)
    flag = _join([t, apply("logical_not", apply("equal", auxf[1:], auxf[:-1])), t])
    return aux[apply("equal", flag[1:], flag[:-1])]


_ma.install({"unique": unique, "in1d": in1d, "isin": isin, "intersect1d": intersect1d, "union1d": union1d,
             "setdiff1d": setdiff1d, "setxor1d": setxor1d})

__all__: list[str] = []
