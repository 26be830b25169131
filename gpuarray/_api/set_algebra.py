"""NumPy's set algebra of 1-D arrays on the device: ``intersect1d`` (``assume_unique``,
``return_indices``), ``union1d``, ``setdiff1d``, ``setxor1d``.

Each follows NumPy's own algorithm, so results, dtypes and NaN handling are NumPy's: the distinct
values of each operand (``sets.unique``: one device sort, NaNs collapsed), joined (``concatenate``
with NumPy's promotion), one stable device sort, then a comparison of neighbours as a mask
(boolean-mask gathers on the device). NaN never equals NaN in the neighbour test, so a NaN is never
in an intersection and stays in differences, as in NumPy.
"""
from __future__ import annotations

from .._lazy.array import GpuArray
from .._lazy.elementwise import apply
from .creation import asarray
from .manipulation import concatenate, reshape
from .sets import isin, unique
from .sorting import argsort, sort


def _arr(x) -> GpuArray:
    return x if isinstance(x, GpuArray) else asarray(x)


def _flat(x: GpuArray) -> GpuArray:
    return reshape(x, (-1,))


def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    """The sorted values in both ``ar1`` and ``ar2``; with ``return_indices`` also the indices of
    their first occurrences in each (flattened) input."""
    ar1, ar2 = _arr(ar1), _arr(ar2)
    ind1 = ind2 = None
    if not assume_unique:
        if return_indices:
            ar1, ind1 = unique(ar1, return_index=True)
            ar2, ind2 = unique(ar2, return_index=True)
        else:
            ar1, ar2 = unique(ar1), unique(ar2)
    else:
        ar1, ar2 = _flat(ar1), _flat(ar2)
    aux = concatenate((ar1, ar2))
    if return_indices:
        order = argsort(aux, kind="stable")
        aux = aux[order]
    else:
        aux = sort(aux)
    mask = apply("equal", aux[1:], aux[:-1])
    int1d = aux[:-1][mask]
    if not return_indices:
        return int1d
    i1 = order[:-1][mask]
    i2 = apply("subtract", order[1:][mask], ar1.size).astype(order.dtype)
    if not assume_unique:
        i1, i2 = ind1[i1], ind2[i2]
    return int1d, i1, i2


def union1d(ar1, ar2):
    """The sorted distinct values of both inputs (flattened)."""
    return unique(concatenate((_arr(ar1), _arr(ar2)), axis=None))


def setdiff1d(ar1, ar2, assume_unique=False):
    """The values of ``ar1`` not in ``ar2`` (sorted and distinct unless ``assume_unique``)."""
    ar1, ar2 = _arr(ar1), _arr(ar2)
    if assume_unique:
        ar1 = _flat(ar1)
    else:
        ar1, ar2 = unique(ar1), unique(ar2)
    return ar1[isin(ar1, ar2, assume_unique=True, invert=True)]


def setxor1d(ar1, ar2, assume_unique=False):
    """The sorted values in exactly one of the inputs."""
    ar1, ar2 = _arr(ar1), _arr(ar2)
    if not assume_unique:
        ar1, ar2 = unique(ar1), unique(ar2)
    aux = concatenate((ar1, ar2), axis=None)
    if aux.size == 0:
        return aux
    aux = sort(aux)
    if aux.size == 1:
        return aux
    neq = apply("not_equal", aux[1:], aux[:-1])
    true = asarray([True])
    flag = concatenate((true, neq, true))
    return aux[apply("logical_and", flag[1:], flag[:-1])]


__all__ = ["intersect1d", "setdiff1d", "setxor1d", "union1d"]
